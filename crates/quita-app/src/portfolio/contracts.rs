//! Contracts with their agreed terms, and the effective terms shown during
//! a conversation: each one the contract's when agreed, else the creditor's.

use jiff::civil::Date;
use quita_core::{
    charge_policy::{ChargePolicy, CorrectionIndex, InterestMode},
    contract::{ContractKind, ContractNumber, ContractTerms, effective_policy},
    rate::Percent,
    role::Role,
};
use quita_store::{
    audit,
    portfolio::{
        contracts::{self, ContractRow, NewContract},
        creditors,
    },
};
use serde::Serialize;
use serde_json::json;

use crate::{App, AppError, AppResult, auth::Principal};

/// Where an effective term comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermOrigin {
    /// Agreed in the contract ("do contrato").
    Contract,
    /// The creditor's charge policy ("da carteira").
    Creditor,
}

impl TermOrigin {
    /// The pt-BR label shown beside the value.
    pub fn label_pt(self) -> &'static str {
        match self {
            Self::Contract => "do contrato",
            Self::Creditor => "da carteira",
        }
    }
}

/// One term's value and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term<T> {
    pub value: T,
    pub origin: TermOrigin,
}

/// The terms that apply to a contract's receivables (after the legal rules:
/// the consumer fine cap, no fee without a contract clause).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveTerms {
    pub late_fine: Term<Percent>,
    /// True when the agreed or policy fine was capped (CDC art. 52 §1).
    pub fine_capped: bool,
    pub default_interest_monthly: Term<Percent>,
    pub interest_mode: Term<InterestMode>,
    pub correction: Term<CorrectionIndex>,
    pub collection_fee: Term<Percent>,
    /// Whether the contract has a clause allowing a collection fee.
    pub collection_fee_allowed: bool,
    pub grace_days: Term<u16>,
    /// Whether the receivables are charged as a consumer relation (CDC:
    /// the fine's cap), as the contract says or else the creditor.
    pub consumer_relation: Term<bool>,
}

fn origin<T>(agreed: &Option<T>) -> TermOrigin {
    if agreed.is_some() {
        TermOrigin::Contract
    } else {
        TermOrigin::Creditor
    }
}

/// The effective terms of a contract (or of a receivable with no contract,
/// `None`) under a creditor's policy.
pub fn effective_terms(creditor: &ChargePolicy, terms: Option<&ContractTerms>) -> EffectiveTerms {
    let p = effective_policy(creditor, terms);
    let none = ContractTerms::default();
    let t = terms.unwrap_or(&none);
    EffectiveTerms {
        late_fine: Term {
            value: p.late_fine(),
            origin: origin(&t.late_fine),
        },
        fine_capped: p.fine_capped(),
        default_interest_monthly: Term {
            value: p.default_interest_monthly(),
            origin: origin(&t.default_interest_monthly),
        },
        interest_mode: Term {
            value: p.interest_mode(),
            origin: origin(&t.interest_mode),
        },
        correction: Term {
            value: p.correction().clone(),
            origin: origin(&t.correction),
        },
        collection_fee: Term {
            value: p.collection_fee(),
            // Without a clause there is no fee: that is the contract's doing.
            origin: if t.collection_fee.is_some() || terms.is_some() && !t.collection_fee_allowed {
                TermOrigin::Contract
            } else {
                TermOrigin::Creditor
            },
        },
        collection_fee_allowed: t.collection_fee_allowed,
        grace_days: Term {
            value: p.grace_days(),
            origin: origin(&t.grace_days),
        },
        consumer_relation: Term {
            value: p.consumer_relation(),
            origin: origin(&t.consumer_relation),
        },
    }
}

/// A contract to record for a debtor.
#[derive(Debug, Clone)]
pub struct SaveContract {
    pub creditor_id: i64,
    pub debtor_id: i64,
    pub number: String,
    pub kind: ContractKind,
    pub product: Option<String>,
    pub starts_on: Option<Date>,
    pub terms: Option<ContractTerms>,
}

impl App {
    /// Records a contract with its agreed terms (supervisor), or replaces
    /// the terms of the debtor's contract with the same creditor and number.
    /// Terms that agree nothing at all (every term blank, no fee clause) are
    /// no terms: the contract follows the creditor's policy.
    pub async fn save_contract(&self, who: &Principal, c: SaveContract) -> AppResult<ContractRow> {
        who.require(Role::Supervisor)?;
        let terms = c.terms.filter(|t| *t != ContractTerms::default());
        // Another organization's creditor is simply not found, named as the
        // field that gave it.
        let creditor = creditors::get(&self.db, who.org_id, c.creditor_id)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::NotFound => AppError::Absent {
                    field: "creditor_id",
                    message: format!("carteira {} não encontrada", c.creditor_id),
                },
                other => other,
            })?;
        if let Some(t) = &terms {
            t.validate().map_err(|e| AppError::invalid(e.field(), e))?;
            t.validate_under(&creditor.policy)
                .map_err(|e| AppError::invalid(e.field(), e))?;
            self.require_known_table(who.org_id, t.correction.as_ref())
                .await?;
        }
        let number =
            ContractNumber::parse(&c.number).map_err(|e| AppError::invalid("number", e))?;
        let product = match c.product.as_deref() {
            Some(raw) => Some(quita_core::text::one_line(raw).ok_or_else(|| {
                AppError::invalid(
                    "product",
                    "produto com caracteres de controle; escreva só texto",
                )
            })?),
            None => None,
        };
        let product = product.as_deref().filter(|p| !p.is_empty());
        if product.is_some_and(|p| p.chars().count() > 200) {
            return Err(AppError::invalid(
                "product",
                "produto com mais de 200 caracteres",
            ));
        }
        // Whether this records a new contract or changes one (the
        // timeline's wording: read before the write); the very same contract
        // saved again changes nothing and records nothing.
        let existing = contracts::list_for_debtor(&self.db, who.org_id, c.debtor_id)
            .await?
            .into_iter()
            .find(|k| k.creditor_id == c.creditor_id && k.number == number.as_str());
        if let Some(k) = &existing
            && k.kind == c.kind
            && k.product.as_deref() == product
            && k.starts_on == c.starts_on
            && k.terms == terms
        {
            return Ok(k.clone());
        }
        let existed = existing.is_some();
        let now = self.now();
        let mut tx = self
            .db
            .begin_write_beside_imports(who.org_id, super::IMPORT_WAIT)
            .await?;
        let row = contracts::upsert(
            &mut tx,
            who.org_id,
            &NewContract {
                creditor_id: c.creditor_id,
                debtor_id: c.debtor_id,
                number: number.as_str().to_owned(),
                kind: c.kind,
                product: product.map(str::to_owned),
                starts_on: c.starts_on,
                terms: terms.clone(),
            },
            now,
        )
        .await
        .map_err(|e| match e {
            quita_store::StoreError::Conflict(_) => {
                AppError::Conflict("este número de contrato pertence a outro devedor".into())
            }
            other => other.into(),
        })?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action: "contract_saved",
                target: Some(&format!("contract:{}", row.id)),
                details: json!({"creditor_id": row.creditor_id, "debtor_id": row.debtor_id, "kind": row.kind, "terms": terms, "changed": existed}),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_follow_the_contract() {
        let policy = ChargePolicy {
            late_fine: Percent::whole(10),
            default_interest_monthly: Percent::whole(1),
            collection_fee: Percent::whole(10),
            consumer_relation: true,
            ..ChargePolicy::default()
        };
        let none = effective_terms(&policy, None);
        assert_eq!(none.late_fine.origin, TermOrigin::Creditor);
        assert_eq!(none.late_fine.value, Percent::whole(2));
        assert!(none.fine_capped);
        assert_eq!(none.collection_fee.value, Percent::ZERO);
        let terms = ContractTerms {
            default_interest_monthly: Some(Percent::whole(2)),
            correction: Some(CorrectionIndex::Ipca),
            collection_fee_allowed: true,
            ..ContractTerms::default()
        };
        let t = effective_terms(&policy, Some(&terms));
        assert_eq!(t.default_interest_monthly.origin, TermOrigin::Contract);
        assert_eq!(t.default_interest_monthly.value, Percent::whole(2));
        assert_eq!(t.correction.origin, TermOrigin::Contract);
        assert_eq!(t.late_fine.origin, TermOrigin::Creditor);
        assert_eq!(t.collection_fee.value, Percent::whole(10));
        assert_eq!(t.collection_fee.origin, TermOrigin::Creditor);
        assert_eq!(TermOrigin::Contract.label_pt(), "do contrato");
        assert_eq!(
            (t.consumer_relation.value, t.consumer_relation.origin),
            (true, TermOrigin::Creditor)
        );
        let business = ContractTerms {
            consumer_relation: Some(false),
            ..terms
        };
        let b = effective_terms(&policy, Some(&business));
        assert_eq!(
            (b.consumer_relation.value, b.consumer_relation.origin),
            (false, TermOrigin::Contract)
        );
        assert_eq!(
            b.late_fine.value,
            Percent::whole(10),
            "no cap outside the CDC"
        );
    }
}
