//! A creditor's charge policy: what is added to an overdue receivable.
//!
//! The policy is the creditor's default; a contract may override parts of it
//! ([`crate::contract::ContractTerms`]), and
//! [`crate::contract::effective_policy`] combines both into an
//! [`EffectivePolicy`], the only input the debt update accepts. The legal
//! caps are applied there, so no calculation can forget them.

use std::fmt;
use std::str::FromStr;

use crate::rate::Percent;

/// CDC art. 52, § 1º (Lei 9.298/1996): the late fine in a consumer relation is
/// at most 2 % of the installment. Configuration may lower or raise it if the
/// law changes ([`ChargePolicy::consumer_fine_cap`]); this is the default.
pub const CONSUMER_FINE_CAP_DEFAULT: Percent = Percent::whole(2);

/// Which index corrects the debt for inflation (correção monetária).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum CorrectionIndex {
    /// No monetary correction.
    #[default]
    None,
    /// IPCA (IBGE): the default index of CC art. 389 when none was agreed.
    Ipca,
    /// Another imported table, by its name (`igpm`, `inpc`, …).
    Table(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorrectionIndexError {
    #[error("unknown correction index {0:?} (use none, ipca or table:NAME)")]
    Unknown(String),
}

impl CorrectionIndex {
    /// Text form for the database and JSON: `none`, `ipca`, `table:NAME`.
    pub fn to_db(&self) -> String {
        match self {
            Self::None => "none".into(),
            Self::Ipca => "ipca".into(),
            Self::Table(n) => format!("table:{n}"),
        }
    }

    /// Inverse of [`CorrectionIndex::to_db`]; also accepts `IPCA` in any case
    /// and a bare table name is refused (it would hide a typo of `ipca`).
    pub fn from_db(s: &str) -> Result<Self, CorrectionIndexError> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("none") || t.is_empty() {
            Ok(Self::None)
        } else if t.eq_ignore_ascii_case("ipca") {
            Ok(Self::Ipca)
        } else if let Some(name) = t.strip_prefix("table:").map(str::trim)
            && !name.is_empty()
            && name.len() <= 40
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            Ok(Self::Table(name.to_ascii_lowercase()))
        } else {
            Err(CorrectionIndexError::Unknown(t.to_owned()))
        }
    }

    /// The table name to look up (`ipca` for IPCA), `None` for no correction.
    pub fn table_name(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::Ipca => Some("ipca"),
            Self::Table(n) => Some(n),
        }
    }
}

impl fmt::Display for CorrectionIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_db())
    }
}

impl FromStr for CorrectionIndex {
    type Err = CorrectionIndexError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_db(s)
    }
}

impl serde::Serialize for CorrectionIndex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CorrectionIndex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::from_db(&s).map_err(serde::de::Error::custom)
    }
}

/// How default interest accrues.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum InterestMode {
    /// `base × monthly rate × days ÷ 30` (the legal default, pro rata die).
    #[default]
    Simple,
    /// Monthly capitalisation, only when the contract says so: whole 30-day
    /// periods compound, the remaining days are pro rata (simple) on top:
    /// `base × ((1 + r)^n × (1 + r × d ÷ 30) − 1)`.
    Compound,
}

impl InterestMode {
    /// `simple` / `compound`, the database text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Simple => "simple",
            Self::Compound => "compound",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown interest mode {0:?} (use simple or compound)")]
pub struct UnknownInterestMode(pub String);

impl FromStr for InterestMode {
    type Err = UnknownInterestMode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "simple" => Ok(Self::Simple),
            "compound" => Ok(Self::Compound),
            other => Err(UnknownInterestMode(other.to_owned())),
        }
    }
}

/// A creditor's default charge policy.
///
/// Every field is an already-valid value, so the struct is open: build it
/// with struct syntax or start from [`ChargePolicy::default`] (nothing is
/// charged; consumer relation assumed, the safe choice). A policy about to
/// be saved must pass [`ChargePolicy::validate`] (a consumer creditor's fine
/// within the legal cap); one already stored that does not is still read,
/// and the cap is applied when charging ([`EffectivePolicy`]).
///
/// JSON: every field is optional on input (missing = the default's value);
/// rates are decimal strings in percent (`"2.5"`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChargePolicy {
    /// Late fine (multa moratória), charged once.
    pub late_fine: Percent,
    /// Default interest (juros de mora) per month.
    pub default_interest_monthly: Percent,
    pub interest_mode: InterestMode,
    pub correction: CorrectionIndex,
    /// Collection fee (honorários); charged only if the contract allows it.
    pub collection_fee: Percent,
    /// Calendar days after the due date before the fine applies.
    pub grace_days: u16,
    /// Consumer relation (CDC): caps the fine at `consumer_fine_cap`.
    pub consumer_relation: bool,
    /// The fine cap for consumer relations; 2 % by default (CDC art. 52, § 1º).
    pub consumer_fine_cap: Percent,
}

/// Why a charge policy (or a contract's terms) cannot be saved; the message
/// is pt-BR, shown as is by the pages, the API and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChargePolicyError {
    /// A consumer relation with a late fine above `cap` (CDC art. 52, § 1º).
    #[error(
        "Relação de consumo: a multa não pode passar de {}% (CDC art. 52, § 1º)",
        cap.pt_br()
    )]
    ConsumerFineAboveCap { fine: Percent, cap: Percent },
    /// A fine above the obligation itself (Código Civil, art. 412).
    #[error("A multa não pode passar de 100% do valor devido (Código Civil, art. 412)")]
    FineAboveObligation,
    /// Default interest above [`MAX_RATE`] a month: a typo, not a rate.
    #[error("Juros de mora acima de 100% ao mês: confira o valor")]
    InterestTooHigh,
    /// A collection fee above [`MAX_RATE`] of the debt: a typo, not a fee.
    #[error("Honorários acima de 100% do débito: confira o valor")]
    FeeTooHigh,
}

/// The most a fine (by law), a monthly interest rate or a collection fee
/// (as a bound on typos) may be: 100 %.
pub const MAX_RATE: Percent = Percent::whole(100);

impl ChargePolicyError {
    /// The policy field at fault, named as in JSON (`late_fine`).
    pub fn field(&self) -> &'static str {
        match self {
            Self::ConsumerFineAboveCap { .. } | Self::FineAboveObligation => "late_fine",
            Self::InterestTooHigh => "default_interest_monthly",
            Self::FeeTooHigh => "collection_fee",
        }
    }
}

/// Which of the three rates a form field holds, to check it alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateKind {
    LateFine,
    DefaultInterest,
    CollectionFee,
}

impl RateKind {
    /// [`check_rates`] for this rate alone: a form names each rate's fault
    /// beside the others'.
    pub fn check(self, rate: Percent) -> Result<(), ChargePolicyError> {
        match self {
            Self::LateFine => check_rates(Some(rate), None, None),
            Self::DefaultInterest => check_rates(None, Some(rate), None),
            Self::CollectionFee => check_rates(None, None, Some(rate)),
        }
    }
}

/// The bounds every rate follows, wherever it is set (a creditor's policy,
/// a contract's terms, a calculation): at most [`MAX_RATE`].
pub fn check_rates(
    fine: Option<Percent>,
    interest: Option<Percent>,
    fee: Option<Percent>,
) -> Result<(), ChargePolicyError> {
    if fine.is_some_and(|f| f > MAX_RATE) {
        return Err(ChargePolicyError::FineAboveObligation);
    }
    if interest.is_some_and(|i| i > MAX_RATE) {
        return Err(ChargePolicyError::InterestTooHigh);
    }
    if fee.is_some_and(|f| f > MAX_RATE) {
        return Err(ChargePolicyError::FeeTooHigh);
    }
    Ok(())
}

impl ChargePolicy {
    /// The rules a policy must follow to be saved (creating or changing a
    /// creditor): rates within [`check_rates`], and in a consumer relation
    /// the late fine at most `consumer_fine_cap` (CDC art. 52, § 1º).
    /// Refusing it here, rather than lowering it silently, keeps what the
    /// creditor sees equal to what is charged. Reading a stored policy does
    /// not call this: an older one above the cap still loads and is charged
    /// at the cap.
    pub fn validate(&self) -> Result<(), ChargePolicyError> {
        check_rates(
            Some(self.late_fine),
            Some(self.default_interest_monthly),
            Some(self.collection_fee),
        )?;
        if self.consumer_relation && self.late_fine > self.consumer_fine_cap {
            return Err(ChargePolicyError::ConsumerFineAboveCap {
                fine: self.late_fine,
                cap: self.consumer_fine_cap,
            });
        }
        Ok(())
    }
}

impl ChargePolicy {
    /// What a creditor created without a policy charges, by the CLI and the
    /// API alike: a 2 % fine and 1 % a month of simple interest (the usual
    /// terms of Brazilian contracts), no correction, no fee, no grace, not a
    /// consumer relation (the CLI's `--consumer` turns that on).
    pub fn usual() -> Self {
        Self {
            late_fine: Percent::whole(2),
            default_interest_monthly: Percent::whole(1),
            consumer_relation: false,
            ..Self::default()
        }
    }
}

impl Default for ChargePolicy {
    fn default() -> Self {
        Self {
            late_fine: Percent::ZERO,
            default_interest_monthly: Percent::ZERO,
            interest_mode: InterestMode::Simple,
            correction: CorrectionIndex::None,
            collection_fee: Percent::ZERO,
            grace_days: 0,
            consumer_relation: true,
            consumer_fine_cap: CONSUMER_FINE_CAP_DEFAULT,
        }
    }
}

/// The policy that actually applies to one receivable, after contract
/// overrides and legal caps. Built only by
/// [`crate::contract::effective_policy`], so its invariants always hold:
/// - consumer relation ⇒ `late_fine <= consumer_fine_cap`;
/// - `collection_fee` is zero unless the contract allows a fee.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EffectivePolicy {
    pub(crate) late_fine: Percent,
    pub(crate) default_interest_monthly: Percent,
    pub(crate) interest_mode: InterestMode,
    pub(crate) correction: CorrectionIndex,
    pub(crate) collection_fee: Percent,
    pub(crate) grace_days: u16,
    pub(crate) consumer_relation: bool,
    /// True when the requested fine was above the cap and was lowered.
    pub(crate) fine_capped: bool,
}

impl EffectivePolicy {
    pub fn late_fine(&self) -> Percent {
        self.late_fine
    }
    pub fn default_interest_monthly(&self) -> Percent {
        self.default_interest_monthly
    }
    pub fn interest_mode(&self) -> InterestMode {
        self.interest_mode
    }
    pub fn correction(&self) -> &CorrectionIndex {
        &self.correction
    }
    pub fn collection_fee(&self) -> Percent {
        self.collection_fee
    }
    pub fn grace_days(&self) -> u16 {
        self.grace_days
    }
    pub fn consumer_relation(&self) -> bool {
        self.consumer_relation
    }
    /// Whether the legal cap lowered the fine (worth showing to the agent).
    pub fn fine_capped(&self) -> bool {
        self.fine_capped
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn each_rate_checked_alone() {
        let over = Percent::whole(101);
        assert_eq!(
            RateKind::LateFine.check(over),
            Err(ChargePolicyError::FineAboveObligation)
        );
        assert_eq!(
            RateKind::DefaultInterest.check(over),
            Err(ChargePolicyError::InterestTooHigh)
        );
        assert_eq!(
            RateKind::CollectionFee.check(over),
            Err(ChargePolicyError::FeeTooHigh)
        );
        assert_eq!(RateKind::LateFine.check(Percent::whole(100)), Ok(()));
    }

    use super::*;

    #[test]
    fn correction_index_text() {
        for (s, v) in [
            ("none", CorrectionIndex::None),
            ("ipca", CorrectionIndex::Ipca),
            ("table:igpm", CorrectionIndex::Table("igpm".into())),
        ] {
            assert_eq!(CorrectionIndex::from_db(s), Ok(v.clone()));
            assert_eq!(v.to_db(), s);
        }
        assert_eq!(CorrectionIndex::from_db("IPCA"), Ok(CorrectionIndex::Ipca));
        assert!(CorrectionIndex::from_db("ipcaa").is_err());
        assert!(CorrectionIndex::from_db("table:").is_err());
        assert!(CorrectionIndex::from_db("table:a b").is_err());
        assert_eq!(CorrectionIndex::Ipca.table_name(), Some("ipca"));
        assert_eq!(
            serde_json::to_string(&CorrectionIndex::Table("inpc".into())).unwrap(),
            "\"table:inpc\""
        );
    }

    #[test]
    fn policy_json_defaults() {
        let p: ChargePolicy =
            serde_json::from_str(r#"{"late_fine": "2", "correction": "ipca"}"#).unwrap();
        assert_eq!(p.late_fine, Percent::parse("2").unwrap());
        assert_eq!(p.correction, CorrectionIndex::Ipca);
        assert!(p.consumer_relation);
        assert_eq!(
            serde_json::from_value::<ChargePolicy>(serde_json::to_value(&p).unwrap()).unwrap(),
            p
        );
    }

    #[test]
    fn rates_above_100_percent_are_refused_by_field() {
        let p = |fine: &str, interest: &str, fee: &str| ChargePolicy {
            late_fine: Percent::parse(fine).unwrap(),
            default_interest_monthly: Percent::parse(interest).unwrap(),
            collection_fee: Percent::parse(fee).unwrap(),
            consumer_relation: false,
            ..ChargePolicy::default()
        };
        assert_eq!(p("100", "100", "100").validate(), Ok(()));
        for (policy, field) in [
            (p("100,01", "1", "0"), "late_fine"),
            (p("2", "1000", "0"), "default_interest_monthly"),
            (p("2", "1", "101"), "collection_fee"),
        ] {
            assert_eq!(policy.validate().unwrap_err().field(), field);
        }
        assert!(
            p("150", "1", "0")
                .validate()
                .unwrap_err()
                .to_string()
                .contains("art. 412")
        );
        let terms = crate::contract::ContractTerms {
            collection_fee: Some(Percent::whole(120)),
            ..Default::default()
        };
        assert_eq!(terms.validate().unwrap_err().field(), "collection_fee");
    }

    #[test]
    fn unknown_fields_are_refused_and_the_usual_terms_are_2_and_1() {
        let e = serde_json::from_str::<ChargePolicy>(r#"{"late_fee": "5"}"#).unwrap_err();
        assert!(e.to_string().contains("late_fee"), "{e}");
        let u = ChargePolicy::usual();
        assert_eq!(
            (u.late_fine, u.default_interest_monthly, u.consumer_relation),
            (Percent::whole(2), Percent::whole(1), false)
        );
        assert_eq!(u.validate(), Ok(()));
    }

    #[test]
    fn consumer_fine_above_the_cap_is_refused() {
        let p = |fine: &str, consumer: bool| ChargePolicy {
            late_fine: Percent::parse(fine).unwrap(),
            consumer_relation: consumer,
            ..ChargePolicy::default()
        };
        assert_eq!(p("2", true).validate(), Ok(()));
        assert_eq!(p("1,5", true).validate(), Ok(()));
        assert_eq!(p("10", false).validate(), Ok(()), "not a consumer relation");
        let e = p("3", true).validate().unwrap_err();
        assert_eq!(
            e,
            ChargePolicyError::ConsumerFineAboveCap {
                fine: Percent::whole(3),
                cap: Percent::whole(2)
            }
        );
        assert_eq!(e.field(), "late_fine");
        assert_eq!(
            e.to_string(),
            "Relação de consumo: a multa não pode passar de 2% (CDC art. 52, § 1º)"
        );
        assert!(p("2.000001", true).validate().is_err());
        // A configured cap is the one named.
        let lower = ChargePolicy {
            consumer_fine_cap: Percent::parse("1,5").unwrap(),
            ..p("2", true)
        };
        assert_eq!(
            lower.validate().unwrap_err().to_string(),
            "Relação de consumo: a multa não pode passar de 1,5% (CDC art. 52, § 1º)"
        );
    }

    #[test]
    fn a_stored_policy_above_the_cap_still_reads_and_is_capped() {
        // Saved before the refusal existed: JSON still reads it, and the
        // effective policy charges the cap.
        let p: ChargePolicy =
            serde_json::from_str(r#"{"late_fine": "10", "consumer_relation": true}"#).unwrap();
        assert!(p.validate().is_err());
        let e = crate::contract::effective_policy(&p, None);
        assert_eq!(e.late_fine(), Percent::whole(2));
        assert!(e.fine_capped());
    }

    #[test]
    fn default_cap_is_two_percent() {
        assert_eq!(CONSUMER_FINE_CAP_DEFAULT, Percent::parse("2").unwrap());
        assert!(ChargePolicy::default().consumer_relation);
        assert_eq!(
            "compound".parse::<InterestMode>(),
            Ok(InterestMode::Compound)
        );
    }
}
