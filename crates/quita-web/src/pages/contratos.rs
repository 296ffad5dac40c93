//! Recording a debtor's contract with the terms agreed in it (fine,
//! interest, fee, grace), which then override the creditor's policy on the
//! 360° view and in the debt update. Supervisors and admins only.

use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use quita_app::{AppError, portfolio::contracts::SaveContract};
use quita_core::{
    charge_policy::{CorrectionIndex, InterestMode, RateKind},
    contract::{ContractKind, ContractTerms},
    rate::Percent,
    role::Role,
};
use quita_store::portfolio::contracts::ContractRow;
use serde::Deserialize;

use super::{
    devedores::{RefusedForm, or_refused},
    grace_days_field, parse_id, percent_field,
};
use crate::{AppState, auth::UserSession, error::PageError, format};

/// A contract and its percentage and grace terms, as the debtor page's
/// form and the API send them (both through [`ContractPageForm`]). A term
/// left blank is not agreed in the contract: the creditor's policy applies
/// to it.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ContractForm {
    #[serde(default)]
    pub creditor_id: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub late_fine: String,
    #[serde(default)]
    pub interest: String,
    #[serde(default)]
    pub fee: String,
    /// A checkbox: present when the contract allows a collection fee.
    #[serde(default)]
    pub fee_allowed: Option<String>,
    #[serde(default)]
    pub grace_days: String,
}

/// The faults of a form, each with its field, so one submission names
/// them all (the first field is the one an API problem names).
#[derive(Default)]
struct Faults(Vec<(&'static str, String)>);

impl Faults {
    /// The value, or `None` with its fault noted.
    fn take<T>(&mut self, r: Result<T, AppError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(AppError::Invalid { field, message }) => {
                self.0.push((field, message));
                None
            }
            Err(e) => {
                self.0.push(("form", e.to_string()));
                None
            }
        }
    }

    /// Every fault in one refusal, in the form's order.
    fn refusal(self) -> Option<AppError> {
        let field = self.0.first()?.0;
        let all: Vec<String> = self.0.into_iter().map(|(_, m)| m).collect();
        Some(AppError::invalid(field, all.join(" · ")))
    }
}

impl ContractForm {
    /// The contract without the terms chosen from lists (the tests' form).
    #[cfg(test)]
    pub(crate) fn to_contract(&self, debtor_id: i64) -> Result<SaveContract, AppError> {
        let mut faults = Faults::default();
        let c = self.read(debtor_id, &mut faults);
        match (faults.refusal(), c) {
            (None, Some(c)) => Ok(c),
            (Some(e), _) => Err(e),
            (None, None) => Err(AppError::invalid("form", "formulário incompleto")),
        }
    }

    /// The contract, every fault noted in `faults`.
    fn read(&self, debtor_id: i64, faults: &mut Faults) -> Option<SaveContract> {
        let creditor_id = faults.take(parse_id(&self.creditor_id).map_err(|_| {
            AppError::invalid("creditor_id", "Credor: escolha a carteira do contrato")
        }));
        let kind = faults.take(
            self.kind
                .trim()
                .parse::<ContractKind>()
                .map_err(|_| AppError::invalid("kind", "tipo de contrato desconhecido")),
        );
        let starts_on = match self.starts_on.trim() {
            "" => Some(None),
            raw => faults
                .take(format::parse_date(raw).map_err(|e| {
                    AppError::invalid("starts_on", format!("início: {}", format::date_problem(e)))
                }))
                .map(Some),
        };
        if let Err(e) = quita_core::contract::ContractNumber::parse(&self.number) {
            faults.take::<()>(Err(AppError::invalid("number", e)));
        }
        // Each rate within the domain's limits too, in the same round.
        let rate = |faults: &mut Faults, field, label, raw: &str, kind: RateKind| {
            let p = faults.take(percent_field(field, label, raw))?;
            let within = p.map_or(Ok(()), |p| kind.check(p));
            faults
                .take(within.map_err(|e| AppError::invalid(field, e)))
                .map(|()| p)
        };
        let late_fine = rate(
            faults,
            "late_fine",
            "multa",
            &self.late_fine,
            RateKind::LateFine,
        );
        let interest = rate(
            faults,
            "interest",
            "juros de mora",
            &self.interest,
            RateKind::DefaultInterest,
        );
        let fee = rate(
            faults,
            "fee",
            "honorários",
            &self.fee,
            RateKind::CollectionFee,
        );
        let grace_days = faults.take(grace_days_field(&self.grace_days));
        let terms = ContractTerms {
            late_fine: late_fine?,
            default_interest_monthly: interest?,
            collection_fee: fee?,
            collection_fee_allowed: self.fee_allowed.is_some(),
            grace_days: grace_days?,
            ..ContractTerms::default()
        };
        Some(SaveContract {
            creditor_id: creditor_id?,
            debtor_id,
            number: self.number.clone(),
            kind: kind?,
            product: Some(self.product.clone()),
            starts_on: starts_on?,
            terms: Some(terms),
        })
    }
}

/// The debtor page's form and the API's body: the [`ContractForm`] and the
/// terms chosen from a list (interest mode, correction, consumer relation).
/// Blank is "not agreed" (the creditor's).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ContractPageForm {
    #[serde(flatten)]
    pub contract: ContractForm,
    /// `simple` or `compound`.
    #[serde(default)]
    pub interest_mode: String,
    /// `none`, `ipca` or `table:NAME`.
    #[serde(default)]
    pub correction: String,
    /// `sim` or `nao`: whether the contract is a consumer relation.
    #[serde(default)]
    pub consumer: String,
}

/// A percentage as the form shows it (`0,5`), blank when not agreed.
fn percent_text(p: Option<Percent>) -> String {
    p.map(|p| format::decimal(p.as_decimal()))
        .unwrap_or_default()
}

impl ContractPageForm {
    /// The form filled with a recorded contract ("Editar condições"):
    /// sent back unchanged, it records the same contract.
    pub fn of(c: &ContractRow) -> Self {
        let none = ContractTerms::default();
        let t = c.terms.as_ref().unwrap_or(&none);
        Self {
            contract: ContractForm {
                creditor_id: c.creditor_id.to_string(),
                number: c.number.clone(),
                kind: c.kind.as_str().to_owned(),
                product: c.product.clone().unwrap_or_default(),
                starts_on: c.starts_on.map(format::civil).unwrap_or_default(),
                late_fine: percent_text(t.late_fine),
                interest: percent_text(t.default_interest_monthly),
                fee: percent_text(t.collection_fee),
                fee_allowed: t.collection_fee_allowed.then(|| "on".to_owned()),
                grace_days: t.grace_days.map(|d| d.to_string()).unwrap_or_default(),
            },
            interest_mode: t
                .interest_mode
                .map(|m| m.as_str().to_owned())
                .unwrap_or_default(),
            correction: t
                .correction
                .as_ref()
                .map(CorrectionIndex::to_db)
                .unwrap_or_default(),
            consumer: match t.consumer_relation {
                None => String::new(),
                Some(true) => "sim".into(),
                Some(false) => "nao".into(),
            },
        }
    }

    /// The fields at fault (the page marks them), in the form's order.
    pub(crate) fn fault_fields(&self, debtor_id: i64) -> Vec<&'static str> {
        let mut faults = Faults::default();
        self.read(debtor_id, &mut faults);
        faults.0.into_iter().map(|(f, _)| f).collect()
    }

    /// The contract with its terms; a refusal names every fault of the
    /// form at once, in its order.
    pub(crate) fn to_contract(&self, debtor_id: i64) -> Result<SaveContract, AppError> {
        let mut faults = Faults::default();
        let c = self.read(debtor_id, &mut faults);
        if let Some(e) = faults.refusal() {
            return Err(e);
        }
        c.ok_or_else(|| AppError::invalid("form", "formulário incompleto"))
    }

    /// The contract with its terms, or `None` with every fault in `faults`.
    fn read(&self, debtor_id: i64, faults: &mut Faults) -> Option<SaveContract> {
        let c = self.contract.read(debtor_id, faults);
        let interest_mode = match self.interest_mode.trim() {
            "" => Some(None),
            raw => faults
                .take(raw.parse::<InterestMode>().map_err(|_| {
                    AppError::invalid(
                        "interest_mode",
                        "Juros de mora: escolha simples ou compostos",
                    )
                }))
                .map(Some),
        };
        let correction = match self.correction.trim() {
            "" => Some(None),
            raw => faults
                .take(CorrectionIndex::from_db(raw).map_err(|_| {
                    AppError::invalid("correction", "Correção monetária: índice desconhecido")
                }))
                .map(Some),
        };
        let consumer_relation = match self.consumer.trim() {
            "" => Some(None),
            "sim" => Some(Some(true)),
            "nao" => Some(Some(false)),
            _ => faults.take(Err(AppError::invalid(
                "consumer",
                "Relação de consumo: escolha sim, não ou a da carteira",
            ))),
        };
        let (Some(mut c), Some(interest_mode), Some(correction), Some(consumer_relation)) =
            (c, interest_mode, correction, consumer_relation)
        else {
            return None;
        };
        let t = c.terms.get_or_insert_with(ContractTerms::default);
        t.interest_mode = interest_mode;
        t.correction = correction;
        t.consumer_relation = consumer_relation;
        Some(c)
    }
}

/// `POST /devedores/{id}/contratos`: records the contract (or replaces the
/// terms of the debtor's contract with that creditor and number) and goes
/// back to the debtor's page at the contract.
pub async fn save(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    Form(f): Form<ContractPageForm>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Supervisor)?;
    let debtor_id = parse_id(&raw)?;
    // A refused form comes back on the debtor page, filled in, saying why.
    let saved = async { state.app.save_contract(p, f.to_contract(debtor_id)?).await }.await;
    let refused = |why| RefusedForm::Contract(f, format!("Contrato não salvo: {why}"));
    let row = match or_refused(&state, &s, debtor_id, saved, refused).await? {
        Ok(row) => row,
        Err(page) => return Ok(page),
    };
    Ok(Redirect::to(&format!("/devedores/{debtor_id}#contrato-{}", row.id)).into_response())
}

#[cfg(test)]
mod tests {
    use quita_core::rate::Percent;

    use super::*;

    fn form() -> ContractForm {
        ContractForm {
            creditor_id: "3".into(),
            number: "CT-9".into(),
            kind: "installment_plan".into(),
            starts_on: "01/12/2025".into(),
            interest: "0,5".into(),
            ..ContractForm::default()
        }
    }

    #[test]
    fn blank_terms_are_the_creditors() {
        let c = form().to_contract(7).unwrap();
        let t = c.terms.unwrap();
        assert_eq!(
            t.default_interest_monthly,
            Some(Percent::parse("0,5").unwrap())
        );
        assert_eq!(
            (t.late_fine, t.grace_days, t.collection_fee_allowed),
            (None, None, false)
        );
        assert_eq!(c.starts_on, Some(jiff::civil::date(2025, 12, 1)));
        let plain = ContractForm {
            interest: String::new(),
            ..form()
        };
        // Nothing agreed: App::save_contract stores no terms for it.
        assert_eq!(
            plain.to_contract(7).unwrap().terms,
            Some(ContractTerms::default())
        );
    }

    /// The page's form as the browser sends it (the fields of
    /// [`ContractForm`] flattened in).
    fn page_form(body: &str) -> ContractPageForm {
        serde_urlencoded::from_str(body).unwrap()
    }

    #[test]
    fn page_form_sets_the_other_terms() {
        let f = page_form(
            "_csrf=x&creditor_id=3&number=CT-9&kind=recurring&product=Plano&starts_on=01%2F12%2F2025\
             &late_fine=&interest=0%2C5&interest_mode=compound&correction=ipca&fee=10\
             &fee_allowed=on&grace_days=&consumer=nao",
        );
        let c = f.to_contract(7).unwrap();
        let t = c.terms.unwrap();
        assert_eq!(
            (t.interest_mode, t.correction, t.consumer_relation),
            (
                Some(InterestMode::Compound),
                Some(CorrectionIndex::Ipca),
                Some(false)
            )
        );
        assert!(t.collection_fee_allowed);
        assert_eq!(t.collection_fee, Some(Percent::parse("10").unwrap()));
        assert_eq!(c.kind, ContractKind::Recurring);
        // Blank selects are the creditor's; `none` is no correction agreed.
        let f = page_form("creditor_id=3&number=CT-9&kind=one_off&correction=none");
        let t = f.to_contract(7).unwrap().terms.unwrap();
        assert_eq!(
            (t.interest_mode, t.correction, t.consumer_relation),
            (None, Some(CorrectionIndex::None), None)
        );
        for (body, field) in [
            ("creditor_id=&number=CT-9&kind=one_off", "creditor_id"),
            (
                "creditor_id=3&number=CT-9&kind=one_off&interest_mode=x",
                "interest_mode",
            ),
            (
                "creditor_id=3&number=CT-9&kind=one_off&correction=ipca2",
                "correction",
            ),
            (
                "creditor_id=3&number=CT-9&kind=one_off&consumer=talvez",
                "consumer",
            ),
        ] {
            let e = page_form(body).to_contract(7).unwrap_err();
            assert!(format!("{e:?}").contains(field), "{body}: {e:?}");
        }
        let e = page_form("creditor_id=&number=CT-9&kind=one_off")
            .to_contract(7)
            .unwrap_err();
        assert!(e.to_string().contains("escolha a carteira"), "{e}"); // Every fault at once, in the form's order, the first field named.
        let e = page_form(
            "creditor_id=3&number=&kind=one_off&starts_on=31/02/2026&late_fine=abc&interest=-2&fee=101&grace_days=x&consumer=talvez",
        )
        .to_contract(7)
        .unwrap_err();
        match e {
            AppError::Invalid { field, message } => {
                assert_eq!(field, "starts_on");
                assert_eq!(message.matches(" · ").count(), 6, "{message}");
                for part in [
                    "início",
                    "multa",
                    "juros",
                    "honorários",
                    "carência",
                    "Relação de consumo",
                ] {
                    assert!(
                        message.to_lowercase().contains(&part.to_lowercase()),
                        "{part}: {message}"
                    );
                }
            }
            other => panic!("{other:?}"),
        }
    }

    /// "Editar condições": the form filled with a contract records it
    /// again as it is, every term included.
    #[test]
    fn a_filled_form_records_the_same_contract() {
        let terms = ContractTerms {
            late_fine: Some(Percent::parse("1,5").unwrap()),
            default_interest_monthly: Some(Percent::parse("0,33").unwrap()),
            interest_mode: Some(InterestMode::Compound),
            correction: Some(CorrectionIndex::Table("igpm".into())),
            collection_fee: Some(Percent::parse("10").unwrap()),
            collection_fee_allowed: true,
            grace_days: Some(5),
            consumer_relation: Some(true),
        };
        let row = ContractRow {
            id: 11,
            creditor_id: 3,
            debtor_id: 7,
            number: "CT-001/2026".into(),
            kind: ContractKind::Recurring,
            product: Some("Plano anual".into()),
            starts_on: Some(jiff::civil::date(2026, 2, 1)),
            terms: Some(terms.clone()),
        };
        let f = ContractPageForm::of(&row);
        assert_eq!(f.contract.starts_on, "01/02/2026");
        assert_eq!(f.contract.late_fine, "1,5");
        let c = f.to_contract(7).unwrap();
        assert_eq!(
            (
                c.creditor_id,
                c.number.as_str(),
                c.kind,
                c.product.as_deref()
            ),
            (
                3,
                "CT-001/2026",
                ContractKind::Recurring,
                Some("Plano anual")
            )
        );
        assert_eq!(c.starts_on, row.starts_on);
        assert_eq!(c.terms, Some(terms));
        // A contract that follows the creditor's policy stays so.
        let plain = ContractRow {
            terms: None,
            product: None,
            starts_on: None,
            ..row
        };
        let c = ContractPageForm::of(&plain).to_contract(7).unwrap();
        assert_eq!(c.terms, Some(ContractTerms::default()));
        assert_eq!((c.product.as_deref(), c.starts_on), (Some(""), None));
    }

    #[test]
    fn bad_values_name_their_field() {
        for (f, field) in [
            (
                ContractForm {
                    late_fine: "dois".into(),
                    ..form()
                },
                "late_fine",
            ),
            (
                ContractForm {
                    grace_days: "400".into(),
                    ..form()
                },
                "grace_days",
            ),
            (
                ContractForm {
                    starts_on: "31/02/2025".into(),
                    ..form()
                },
                "starts_on",
            ),
            (
                ContractForm {
                    kind: "x".into(),
                    ..form()
                },
                "kind",
            ),
            (
                ContractForm {
                    creditor_id: "".into(),
                    ..form()
                },
                "creditor_id",
            ),
        ] {
            let e = f.to_contract(7).unwrap_err();
            assert!(format!("{e:?}").contains(field), "{e:?}");
        }
    }
}
