//! Contracts: what was agreed with the debtor, and the terms that override
//! the creditor's charge policy.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

use crate::charge_policy::{ChargePolicy, CorrectionIndex, EffectivePolicy, InterestMode};
use crate::rate::Percent;

/// What kind of contract it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    /// A single sale or service (one receivable).
    OneOff,
    /// Crediário: one purchase paid in N installments.
    InstallmentPlan,
    /// Subscription or recurring service, one receivable per period.
    Recurring,
}

/// Why a contract cannot be recorded; the number's messages are pt-BR, as
/// the pages, the API and the CLI show them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractError {
    #[error("unknown contract kind {0:?} (use one_off, installment_plan or recurring)")]
    Kind(String),
    #[error("número do contrato em branco")]
    EmptyNumber,
    #[error("número do contrato com mais de 60 caracteres")]
    NumberTooLong,
    #[error("número do contrato com caractere de controle")]
    NumberControl,
    #[error("contract ends before it starts")]
    EndsBeforeStart,
    #[error("product description is longer than 200 characters")]
    ProductTooLong,
}

impl ContractKind {
    /// The kind an imported row suggests for a contract it creates: `N`
    /// installments (N > 1) are a crediário, 1 of 1 a one-off sale; with no
    /// total (open-ended), an installment past the first is a recurring fee
    /// and the first alone a one-off.
    pub fn of_installment(number: u16, total: Option<u16>) -> Self {
        match total {
            Some(n) if n > 1 => Self::InstallmentPlan,
            Some(_) => Self::OneOff,
            None if number > 1 => Self::Recurring,
            None => Self::OneOff,
        }
    }

    /// `one_off`, `installment_plan`, `recurring`: the database text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OneOff => "one_off",
            Self::InstallmentPlan => "installment_plan",
            Self::Recurring => "recurring",
        }
    }
}

impl FromStr for ContractKind {
    type Err = ContractError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "one_off" => Ok(Self::OneOff),
            "installment_plan" => Ok(Self::InstallmentPlan),
            "recurring" => Ok(Self::Recurring),
            other => Err(ContractError::Kind(other.to_owned())),
        }
    }
}

impl fmt::Display for ContractKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A contract number as the creditor writes it.
///
/// Invariant: trimmed, 1 to 60 characters, no control characters. Case and
/// inner punctuation are kept: `"CT-001/2026"` stays as is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct ContractNumber(String);

impl ContractNumber {
    pub fn parse(raw: &str) -> Result<Self, ContractError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(ContractError::EmptyNumber);
        }
        if s.chars().count() > 60 {
            return Err(ContractError::NumberTooLong);
        }
        if s.chars().any(char::is_control) {
            return Err(ContractError::NumberControl);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContractNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ContractNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Charge terms agreed in the contract. `None` = use the creditor's policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContractTerms {
    pub late_fine: Option<Percent>,
    pub default_interest_monthly: Option<Percent>,
    pub interest_mode: Option<InterestMode>,
    pub correction: Option<CorrectionIndex>,
    /// A fee rate agreed in the contract (else the creditor's rate).
    pub collection_fee: Option<Percent>,
    /// Whether the contract has a clause allowing a collection fee. Without
    /// it no fee is charged (in consumer relations such a clause must also be
    /// reciprocal, CDC art. 51 XII: the creditor records that it is).
    pub collection_fee_allowed: bool,
    pub grace_days: Option<u16>,
    pub consumer_relation: Option<bool>,
}

impl ContractTerms {
    /// The bounds of [`check_rates`](crate::charge_policy::check_rates) on
    /// the rates the contract sets (the consumer cap is applied when
    /// charging: a contract above it is charged at the cap, and says so).
    pub fn validate(&self) -> Result<(), crate::charge_policy::ChargePolicyError> {
        crate::charge_policy::check_rates(
            self.late_fine,
            self.default_interest_monthly,
            self.collection_fee,
        )
    }

    /// [`validate`](Self::validate), and under the creditor's policy: a
    /// contract that agrees a fine, or a consumer relation, may not make a
    /// consumer fine above the cap (CDC art. 52, § 1º). Refused rather than
    /// capped, as a creditor's policy is, so that what the contract shows is
    /// what is charged. A fine above the cap that only the creditor's
    /// (older) policy brings is not the contract's doing and is capped.
    pub fn validate_under(
        &self,
        creditor: &crate::charge_policy::ChargePolicy,
    ) -> Result<(), crate::charge_policy::ChargePolicyError> {
        self.validate()?;
        let consumer = self.consumer_relation.unwrap_or(creditor.consumer_relation);
        let fine = self.late_fine.unwrap_or(creditor.late_fine);
        let contract_says = self.late_fine.is_some() || self.consumer_relation == Some(true);
        if contract_says && consumer && fine > creditor.consumer_fine_cap {
            return Err(
                crate::charge_policy::ChargePolicyError::ConsumerFineAboveCap {
                    fine,
                    cap: creditor.consumer_fine_cap,
                },
            );
        }
        Ok(())
    }
}

/// A contract with a debtor.
///
/// Invariant: `ends_on`, when present with `starts_on`, is not before it;
/// product text has at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contract {
    kind: ContractKind,
    number: ContractNumber,
    starts_on: Option<Date>,
    ends_on: Option<Date>,
    product: Option<String>,
    terms: ContractTerms,
}

impl Contract {
    pub fn new(
        kind: ContractKind,
        number: ContractNumber,
        starts_on: Option<Date>,
        ends_on: Option<Date>,
        product: Option<&str>,
        terms: ContractTerms,
    ) -> Result<Self, ContractError> {
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            return Err(ContractError::EndsBeforeStart);
        }
        let product = product.map(str::trim).filter(|p| !p.is_empty());
        if product.is_some_and(|p| p.chars().count() > 200) {
            return Err(ContractError::ProductTooLong);
        }
        Ok(Self {
            kind,
            number,
            starts_on,
            ends_on,
            product: product.map(str::to_owned),
            terms,
        })
    }

    pub fn kind(&self) -> ContractKind {
        self.kind
    }
    pub fn number(&self) -> &ContractNumber {
        &self.number
    }
    pub fn starts_on(&self) -> Option<Date> {
        self.starts_on
    }
    pub fn ends_on(&self) -> Option<Date> {
        self.ends_on
    }
    pub fn product(&self) -> Option<&str> {
        self.product.as_deref()
    }
    pub fn terms(&self) -> &ContractTerms {
        &self.terms
    }

    /// The policy for this contract's receivables under `creditor`.
    pub fn effective_policy(&self, creditor: &ChargePolicy) -> EffectivePolicy {
        effective_policy(creditor, Some(&self.terms))
    }
}

/// Combines the creditor's policy with a contract's terms (each term present
/// in the contract wins) and applies the legal rules:
/// - in a consumer relation the fine is capped at the policy's
///   `consumer_fine_cap` (2 % by default, CDC art. 52 §1);
/// - the collection fee is zero unless `terms.collection_fee_allowed`.
///
/// With no contract (`None`) nothing is overridden and no fee is charged.
/// A caller that knows a fee is allowed without a stored contract (the
/// stateless `quita calc update --fee 10`) passes
/// `ContractTerms { collection_fee_allowed: true, ..Default::default() }`.
pub fn effective_policy(creditor: &ChargePolicy, terms: Option<&ContractTerms>) -> EffectivePolicy {
    let default_terms = ContractTerms::default();
    let t = terms.unwrap_or(&default_terms);
    let consumer = t.consumer_relation.unwrap_or(creditor.consumer_relation);
    let requested_fine = t.late_fine.unwrap_or(creditor.late_fine);
    let (late_fine, fine_capped) = if consumer && requested_fine > creditor.consumer_fine_cap {
        (creditor.consumer_fine_cap, true)
    } else {
        (requested_fine, false)
    };
    let collection_fee = if t.collection_fee_allowed {
        t.collection_fee.unwrap_or(creditor.collection_fee)
    } else {
        Percent::ZERO
    };
    EffectivePolicy {
        late_fine,
        default_interest_monthly: t
            .default_interest_monthly
            .unwrap_or(creditor.default_interest_monthly),
        interest_mode: t.interest_mode.unwrap_or(creditor.interest_mode),
        correction: t
            .correction
            .clone()
            .unwrap_or_else(|| creditor.correction.clone()),
        collection_fee,
        grace_days: t.grace_days.unwrap_or(creditor.grace_days),
        consumer_relation: consumer,
        fine_capped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn pct(s: &str) -> Percent {
        Percent::parse(s).unwrap()
    }

    fn creditor() -> ChargePolicy {
        ChargePolicy {
            late_fine: pct("10"),
            default_interest_monthly: pct("1"),
            collection_fee: pct("10"),
            ..ChargePolicy::default()
        }
    }

    #[test]
    fn consumer_fine_is_capped() {
        let p = effective_policy(&creditor(), None);
        assert_eq!(p.late_fine(), pct("2"));
        assert!(p.fine_capped());
        assert_eq!(p.collection_fee(), Percent::ZERO);
    }

    #[test]
    fn a_contract_may_not_agree_a_consumer_fine_above_the_cap() {
        use crate::charge_policy::ChargePolicyError;
        let business = ChargePolicy {
            consumer_relation: false,
            ..creditor()
        };
        let terms = |fine: Option<&str>, consumer: Option<bool>| ContractTerms {
            late_fine: fine.map(pct),
            consumer_relation: consumer,
            ..ContractTerms::default()
        };
        let above = Err(ChargePolicyError::ConsumerFineAboveCap {
            fine: pct("5"),
            cap: pct("2"),
        });
        // The contract's fine under a consumer creditor, or with the
        // contract's own consumer flag: refused.
        assert_eq!(terms(Some("5"), None).validate_under(&creditor()), above);
        assert_eq!(
            terms(Some("5"), Some(true)).validate_under(&business),
            above
        );
        // The creditor's 10 % made consumer by the contract: refused too.
        assert!(terms(None, Some(true)).validate_under(&business).is_err());
        // At the cap, or not a consumer relation: saved.
        assert_eq!(
            terms(Some("2"), Some(true)).validate_under(&business),
            Ok(())
        );
        assert_eq!(
            terms(Some("5"), Some(false)).validate_under(&creditor()),
            Ok(())
        );
        assert_eq!(terms(Some("5"), None).validate_under(&business), Ok(()));
        // The contract says nothing of the fine: the creditor's own (older)
        // policy above the cap is capped when charging, not refused here.
        let interest_only = ContractTerms {
            default_interest_monthly: Some(pct("2")),
            ..ContractTerms::default()
        };
        assert_eq!(interest_only.validate_under(&creditor()), Ok(()));
    }

    #[test]
    fn business_relation_keeps_fine() {
        let c = ChargePolicy {
            consumer_relation: false,
            ..creditor()
        };
        let p = effective_policy(&c, None);
        assert_eq!(p.late_fine(), pct("10"));
        assert!(!p.fine_capped());
    }

    #[test]
    fn contract_terms_override() {
        let terms = ContractTerms {
            late_fine: Some(pct("1")),
            default_interest_monthly: Some(pct("0.5")),
            interest_mode: Some(InterestMode::Compound),
            correction: Some(CorrectionIndex::Ipca),
            collection_fee_allowed: true,
            grace_days: Some(5),
            ..ContractTerms::default()
        };
        let contract = Contract::new(
            ContractKind::InstallmentPlan,
            ContractNumber::parse(" CT-001/2026 ").unwrap(),
            Some(date(2026, 1, 1)),
            Some(date(2026, 12, 31)),
            Some("  Geladeira  "),
            terms,
        )
        .unwrap();
        assert_eq!(contract.number().as_str(), "CT-001/2026");
        assert_eq!(contract.product(), Some("Geladeira"));
        let p = contract.effective_policy(&creditor());
        assert_eq!(p.late_fine(), pct("1"));
        assert_eq!(p.default_interest_monthly(), pct("0.5"));
        assert_eq!(p.interest_mode(), InterestMode::Compound);
        assert_eq!(p.correction(), &CorrectionIndex::Ipca);
        assert_eq!(p.collection_fee(), pct("10"));
        assert_eq!(p.grace_days(), 5);
    }

    #[test]
    fn validation() {
        let n = ContractNumber::parse("1").unwrap();
        assert_eq!(
            Contract::new(
                ContractKind::OneOff,
                n,
                Some(date(2026, 2, 1)),
                Some(date(2026, 1, 1)),
                None,
                ContractTerms::default()
            ),
            Err(ContractError::EndsBeforeStart)
        );
        assert_eq!(ContractNumber::parse("  "), Err(ContractError::EmptyNumber));
        assert_eq!(
            ContractNumber::parse(&"x".repeat(61)),
            Err(ContractError::NumberTooLong)
        );
        assert_eq!(
            ContractNumber::parse("a\u{0}"),
            Err(ContractError::NumberControl)
        );
        for k in [
            ContractKind::OneOff,
            ContractKind::InstallmentPlan,
            ContractKind::Recurring,
        ] {
            assert_eq!(k.as_str().parse::<ContractKind>(), Ok(k));
        }
    }

    proptest! {
        #[test]
        fn consumer_fine_never_above_cap(fine in 0i64..100_000_000, contract_fine in proptest::option::of(0i64..100_000_000)) {
            let c = ChargePolicy { late_fine: Percent::from_db(fine).unwrap(), ..ChargePolicy::default() };
            let t = ContractTerms { late_fine: contract_fine.map(|f| Percent::from_db(f).unwrap()), ..ContractTerms::default() };
            let p = effective_policy(&c, Some(&t));
            prop_assert!(p.late_fine() <= pct("2"));
        }
    }
}
