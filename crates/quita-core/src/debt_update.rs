//! Debt update (atualização do débito) with its calculation memory.
//!
//! [`debt_update`] answers "how much is owed on date `on`" for an amount due
//! on `due_date`, under an [`EffectivePolicy`], and explains every step in a
//! [`DebtLine`]. The rules (see `reference/br-standards.md` §E.3, §F):
//!
//! 1. **Due date on a non-business day** (Lei 7.089/1983): the debt may be paid
//!    on the next business day without charges. If `on` is on or before that
//!    adjusted date nothing is added at all. If later, every count runs from
//!    the **original** due date (STJ, 3ª Turma, 2022).
//! 2. `days_late = on − due_date` (calendar days) when late, else 0.
//! 3. **Monetary correction**: `correction = principal × (factor − 1)`, with
//!    the index table's factor from `due_date` to `on`
//!    ([`IndexTable::correction_factor_to_latest`], pro rata die; months not
//!    yet published, after the table's last month, count as 0 % and the line
//!    says up to which month the index was applied; when the table's last
//!    month is more than [`UNPUBLISHED_MONTHS_EXPECTED`] months before the
//!    month of `on` the table is out of date and any such month of the
//!    period is a warning, however short the period; a month missing before
//!    the table's first or inside it is an error, not 0 %);
//!    `corrected principal = principal + correction`. Accumulated deflation
//!    floors the correction at zero (the line and a warning say so).
//! 4. **Late fine**, once: `corrected × fine %`, only when `on` is also after
//!    `due_date + grace_days`; the consumer cap is already in the policy.
//! 5. **Default interest** on the corrected principal: simple
//!    `corrected × monthly % × days_late ÷ 30` (pro rata die), or, when the
//!    contract says compound, whole 30-day periods compound and the rest is
//!    pro rata: `corrected × ((1 + r)^n × (1 + r × d ÷ 30) − 1)`.
//! 6. **Collection fee**: `(corrected + fine + interest) × fee %`, using the
//!    already rounded lines; charged in a consumer relation it comes with a
//!    warning (CDC art. 51, XII: only with a contractual basis).
//! 7. **Payments** are subtracted at the end, as received (no amortisation by
//!    date: pass the amount still due as `principal` when earlier payments
//!    were already applied to the receivable's balance).
//!
//! Each line is rounded to centavos once, half away from zero, by
//! [`round_to_centavos`]; the total is the sum of the rounded lines.
//!
//! The result also carries [`DebtUpdateWarning`]s: what a reader of the
//! memory must know because the numbers alone do not say it (an index table
//! that stops too early, deflation floored at zero, a collection fee charged
//! to a consumer). They never change an amount.
//!
//! ```
//! use jiff::civil::date;
//! use quita_core::calendar::WeekendsOnly;
//! use quita_core::charge_policy::ChargePolicy;
//! use quita_core::contract::{effective_policy, ContractTerms};
//! use quita_core::debt_update::{debt_update, DebtUpdateRequest};
//! use quita_core::money::Money;
//! use quita_core::rate::Percent;
//!
//! // quita calc update --amount 1000.00 --due 2026-01-10 --on 2026-03-15 --fine 2 --interest 1 --fee 10
//! let creditor = ChargePolicy {
//!     late_fine: Percent::parse("2")?,
//!     default_interest_monthly: Percent::parse("1")?,
//!     collection_fee: Percent::parse("10")?,
//!     ..ChargePolicy::default()
//! };
//! let terms = ContractTerms { collection_fee_allowed: true, ..ContractTerms::default() };
//! let policy = effective_policy(&creditor, Some(&terms));
//! let update = debt_update(
//!     &DebtUpdateRequest {
//!         principal: Money::parse("1000.00")?,
//!         due_date: date(2026, 1, 10),
//!         on: date(2026, 3, 15),
//!         payments: Money::ZERO,
//!         policy: &policy,
//!         index: None,
//!     },
//!     &WeekendsOnly, // or quita_br::calendar::BusinessCalendar::national()
//! )?;
//! assert_eq!(update.days_late(), 64);
//! assert_eq!(update.total().to_string(), "1145.46");
//! let json = serde_json::to_value(&update)?;
//! assert_eq!(json["lines"][3]["amount"], "21.33"); // juros: 1000 × 1% × 64/30
//! // The default policy is a consumer relation: the fee is flagged.
//! assert_eq!(
//!     json["warnings"][0],
//!     "Relação de consumo: honorários de cobrança só são devidos se o contrato os prevê (CDC art. 51, XII)"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::calendar::{BusinessDays, add_days, days_between};
use crate::charge_policy::{CorrectionIndex, EffectivePolicy, InterestMode};
use crate::index_table::{Correction, IndexError, IndexTable, YearMonth};
use crate::money::{Money, MoneyError};
use crate::receivable::Receivable;
use crate::rounding::round_to_centavos;

/// What to calculate.
#[derive(Debug, Clone, Copy)]
pub struct DebtUpdateRequest<'a> {
    /// The amount due on `due_date` (not negative).
    pub principal: Money,
    /// The original due date (vencimento).
    pub due_date: Date,
    /// The date of the calculation (the day the debt would be paid).
    pub on: Date,
    /// Payments received, subtracted at the end (not negative).
    pub payments: Money,
    pub policy: &'a EffectivePolicy,
    /// The table for the policy's correction index. Required when the policy
    /// corrects and the debt is late; ignored when the policy has no index.
    pub index: Option<&'a IndexTable>,
}

impl<'a> DebtUpdateRequest<'a> {
    /// The request for a stored receivable on `on`: its open balance is the
    /// principal (payments already received were applied to that balance, so
    /// `payments` is zero) and its original due date counts.
    pub fn for_receivable(
        receivable: &Receivable,
        on: Date,
        policy: &'a EffectivePolicy,
        index: Option<&'a IndexTable>,
    ) -> Self {
        Self {
            principal: receivable.open_balance(),
            due_date: receivable.due_date(),
            on,
            payments: Money::ZERO,
            policy,
            index,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DebtUpdateError {
    #[error("principal must not be negative")]
    NegativePrincipal,
    #[error("payments must not be negative")]
    NegativePayments,
    #[error("the policy corrects by {0} but no index table was given")]
    MissingIndexTable(String),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("the amounts are too large to calculate")]
    Overflow,
}

impl From<MoneyError> for DebtUpdateError {
    fn from(_: MoneyError) -> Self {
        DebtUpdateError::Overflow
    }
}

/// Which step of the calculation a line is; a stable key for code and tests
/// (the `label` is for people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DebtLineKind {
    Principal,
    MonetaryCorrection,
    LateFine,
    DefaultInterest,
    CollectionFee,
    Payments,
}

/// One line of the calculation memory.
///
/// `amount` is already rounded; `rate` is in percent units (`"2"` = 2 %;
/// for the correction line it is the accumulated correction in percent),
/// `None` where no rate applies; `days` is the number of days the line
/// counts (0 where time does not matter).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DebtLine {
    pub kind: DebtLineKind,
    /// pt-BR description shown in the UI and documents.
    pub label: String,
    pub base: Money,
    pub rate: Option<Decimal>,
    pub days: i64,
    pub amount: Money,
}

/// How many months an up-to-date index table may end before the month of
/// the calculation: the index of a month is published during the next one,
/// so on any day the current month and often the previous one are not in
/// the table yet. A table ending earlier is out of date, and the months of
/// a calculation after its last are a warning (see
/// [`DebtUpdateWarning::IndexNotCovering`]).
pub const UNPUBLISHED_MONTHS_EXPECTED: i32 = 2;

/// Something the calculation memory must say that its numbers do not; shown
/// in pt-BR (`Display`) and serialized as that sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebtUpdateWarning {
    /// The months `first..=last` of the period come after the index table's
    /// last month, `table_last`, and counted as 0 %; and `table_last` is
    /// more than [`UNPUBLISHED_MONTHS_EXPECTED`] months before the month of
    /// the calculation, so the table is out of date, not merely waiting for
    /// publication (however few months of this period it misses). `index`
    /// is the name as the memory shows it (`IPCA`).
    IndexNotCovering {
        index: String,
        table_last: YearMonth,
        first: YearMonth,
        last: YearMonth,
    },
    /// The index fell over the period: the correction was floored at zero
    /// instead of lowering the debt.
    DeflationFloored,
    /// A collection fee charged in a consumer relation: valid only with a
    /// contractual basis (CDC art. 51, XII). The policy says the contract
    /// has one, so the fee is kept; a person should be able to show it.
    ConsumerCollectionFee,
    /// The payments exceed the updated debt: the total is negative, a
    /// balance in the debtor's favour of `credit`.
    PaymentsExceedDebt { credit: Money },
}

impl std::fmt::Display for DebtUpdateWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::IndexNotCovering {
                index,
                table_last,
                first,
                last,
            } if first == last => write!(
                f,
                "A tabela {index} termina em {} e não cobre {}: esse mês ficou sem correção",
                table_last.pt_br(),
                first.pt_br()
            ),
            Self::IndexNotCovering {
                index,
                table_last,
                first,
                last,
            } => write!(
                f,
                "A tabela {index} termina em {} e não cobre {} a {}: esses meses ficaram sem correção",
                table_last.pt_br(),
                first.pt_br(),
                last.pt_br()
            ),
            Self::DeflationFloored => f.write_str(
                "Deflação no período: a correção foi limitada a zero (o débito não diminui)",
            ),
            Self::ConsumerCollectionFee => f.write_str(
                "Relação de consumo: honorários de cobrança só são devidos se o contrato os prevê (CDC art. 51, XII)",
            ),
            Self::PaymentsExceedDebt { credit } => write!(
                f,
                "Os pagamentos passam do débito atualizado: saldo a favor do devedor de {}",
                credit.format_brl()
            ),
        }
    }
}

impl serde::Serialize for DebtUpdateWarning {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The result, with its calculation memory.
///
/// Invariants: `total` = sum of `lines[].amount`; the fields repeat the
/// line amounts (payments as a positive amount; its line is negative);
/// `corrected_principal = principal + monetary_correction`; `warnings` only
/// explain, they never change an amount.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DebtUpdate {
    principal: Money,
    monetary_correction: Money,
    corrected_principal: Money,
    late_fine: Money,
    default_interest: Money,
    collection_fee: Money,
    payments: Money,
    total: Money,
    days_late: i64,
    due_date: Date,
    adjusted_due_date: Date,
    on: Date,
    lines: Vec<DebtLine>,
    /// Always serialized, empty when there is nothing to add.
    warnings: Vec<DebtUpdateWarning>,
}

impl DebtUpdate {
    /// For a stored receivable, updated on its open balance: when part of
    /// `original` was already paid, the first line says it is the open
    /// balance (and of how much), and the payments line says the paid part
    /// is already off it, so nobody reads the balance as the original amount.
    pub fn on_open_balance(mut self, original: Money) -> Self {
        let Some(paid) = original.checked_sub(self.principal) else {
            return self;
        };
        if paid <= Money::ZERO {
            return self;
        }
        for line in &mut self.lines {
            match line.kind {
                DebtLineKind::Principal => {
                    line.label =
                        format!("Saldo em aberto (valor original {})", original.format_brl());
                }
                DebtLineKind::Payments if line.amount == Money::ZERO => {
                    // The file says what is still owed; the difference may
                    // be payments or abatements the creditor made.
                    line.label = format!(
                        "Pagamentos e abatimentos ({} já fora do saldo)",
                        paid.format_brl()
                    );
                }
                _ => {}
            }
        }
        self
    }

    pub fn principal(&self) -> Money {
        self.principal
    }
    pub fn monetary_correction(&self) -> Money {
        self.monetary_correction
    }
    pub fn corrected_principal(&self) -> Money {
        self.corrected_principal
    }
    pub fn late_fine(&self) -> Money {
        self.late_fine
    }
    pub fn default_interest(&self) -> Money {
        self.default_interest
    }
    pub fn collection_fee(&self) -> Money {
        self.collection_fee
    }
    pub fn payments(&self) -> Money {
        self.payments
    }
    /// What is owed on `on`. Negative when payments exceed the debt (a credit).
    pub fn total(&self) -> Money {
        self.total
    }
    pub fn days_late(&self) -> i64 {
        self.days_late
    }
    pub fn due_date(&self) -> Date {
        self.due_date
    }
    /// The due date moved to a business day; paying by it adds nothing.
    pub fn adjusted_due_date(&self) -> Date {
        self.adjusted_due_date
    }
    pub fn on(&self) -> Date {
        self.on
    }
    pub fn lines(&self) -> &[DebtLine] {
        &self.lines
    }
    /// What the memory must also say (empty when nothing).
    pub fn warnings(&self) -> &[DebtUpdateWarning] {
        &self.warnings
    }
}

/// The index's name as the memory shows it (`IPCA`), `None` without one.
fn index_name(c: &CorrectionIndex) -> Option<String> {
    match c {
        CorrectionIndex::None => None,
        CorrectionIndex::Ipca => Some("IPCA".to_owned()),
        CorrectionIndex::Table(n) => Some(n.to_uppercase()),
    }
}

fn index_label(c: &CorrectionIndex, until: Option<YearMonth>, deflation_floored: bool) -> String {
    let Some(name) = index_name(c) else {
        return "Correção monetária (sem índice)".to_owned();
    };
    let floor = if deflation_floored {
        "; deflação: limitada a zero"
    } else {
        ""
    };
    match until {
        Some(m) => format!("Correção monetária ({name} até {}{floor})", m.pt_br()),
        None => format!("Correção monetária ({name}{floor})"),
    }
}

/// Thirty times the compound factor `(1 + r)^n × (1 + r × d ÷ 30) − 1`:
/// `(1 + r)^n × (30 + r × d) − 30`, exact (the caller divides by 30 last).
fn compound_factor_times_30(r: Decimal, days: i64) -> Option<Decimal> {
    let n = days / 30;
    let d = days % 30;
    let mut f = Decimal::ONE;
    let step = Decimal::ONE.checked_add(r)?;
    for _ in 0..n {
        f = f.checked_mul(step)?;
    }
    let thirty = Decimal::from(30);
    let partial = thirty.checked_add(r.checked_mul(Decimal::from(d))?)?;
    f.checked_mul(partial)?.checked_sub(thirty)
}

/// Calculates the debt update; see the [module docs](self) for the rules.
/// Days late on `on` of a debt due on `due_date`: none until the next
/// business day on or after it has passed (paid by then, nothing is added);
/// after that, counted from `due_date` itself.
pub fn days_late(due_date: Date, on: Date, calendar: &impl BusinessDays) -> i64 {
    let adjusted = calendar.next_business_day(due_date).max(due_date);
    if on > adjusted {
        days_between(due_date, on)
    } else {
        0
    }
}

pub fn debt_update(
    req: &DebtUpdateRequest<'_>,
    calendar: &impl BusinessDays,
) -> Result<DebtUpdate, DebtUpdateError> {
    if req.principal.is_negative() {
        return Err(DebtUpdateError::NegativePrincipal);
    }
    if req.payments.is_negative() {
        return Err(DebtUpdateError::NegativePayments);
    }
    let policy = req.policy;
    let adjusted_due_date = calendar.next_business_day(req.due_date).max(req.due_date);
    let days_late = days_late(req.due_date, req.on, calendar);
    let late = days_late > 0;

    // 3. Monetary correction.
    let correction = match (late, policy.correction(), req.index) {
        (false, _, _) | (_, CorrectionIndex::None, _) => Correction {
            factor: Decimal::ONE,
            used_until: None,
            unpublished: None,
            deflation_floored: false,
        },
        (true, c, None) => return Err(DebtUpdateError::MissingIndexTable(c.to_db())),
        (true, _, Some(table)) => table.correction_to_latest(req.due_date, req.on)?,
    };
    let mut warnings = Vec::new();
    // Months of the period after the table's last counted as 0 %: said when
    // the table is out of date (its last month more than the expected
    // publication delay before the month of `on`), however short the period.
    if let (Some((first, last)), Some(index), Some((_, table_last))) = (
        correction.unpublished,
        index_name(policy.correction()),
        req.index.and_then(IndexTable::range),
    ) && table_last.months_until(YearMonth::of(req.on)) > UNPUBLISHED_MONTHS_EXPECTED
    {
        warnings.push(DebtUpdateWarning::IndexNotCovering {
            index,
            table_last,
            first,
            last,
        });
    }
    if correction.deflation_floored {
        warnings.push(DebtUpdateWarning::DeflationFloored);
    }
    let correction_fraction = correction.factor - Decimal::ONE;
    let monetary_correction = round_to_centavos(
        req.principal
            .to_decimal()
            .checked_mul(correction_fraction)
            .ok_or(DebtUpdateError::Overflow)?,
    )?;
    let corrected = req
        .principal
        .checked_add(monetary_correction)
        .ok_or(DebtUpdateError::Overflow)?;
    let corrected_dec = corrected.to_decimal();

    // 4. Late fine, once, after the grace period.
    let fine_applies = late && req.on > add_days(req.due_date, i64::from(policy.grace_days()));
    let late_fine = if fine_applies {
        round_to_centavos(
            corrected_dec
                .checked_mul(policy.late_fine().fraction())
                .ok_or(DebtUpdateError::Overflow)?,
        )?
    } else {
        Money::ZERO
    };

    // 5. Default interest. Dividing by 30 is the one step that may not be
    // exact, so it comes last: a half centavo stays a half centavo (45.00 at
    // 1% for 1 day is 0.015, rounded to 0.02, not 0.01499… to 0.01).
    let r = policy.default_interest_monthly().fraction();
    let interest_times_30 = match policy.interest_mode() {
        InterestMode::Simple => r.checked_mul(Decimal::from(days_late)),
        InterestMode::Compound => compound_factor_times_30(r, days_late),
    }
    .ok_or(DebtUpdateError::Overflow)?;
    let default_interest = round_to_centavos(
        corrected_dec
            .checked_mul(interest_times_30)
            .and_then(|v| v.checked_div(Decimal::from(30)))
            .ok_or(DebtUpdateError::Overflow)?,
    )?;

    // 6. Collection fee on corrected + fine + interest (rounded lines).
    let fee_base = Money::checked_sum([corrected, late_fine, default_interest])
        .ok_or(DebtUpdateError::Overflow)?;
    let collection_fee = if late {
        round_to_centavos(
            fee_base
                .to_decimal()
                .checked_mul(policy.collection_fee().fraction())
                .ok_or(DebtUpdateError::Overflow)?,
        )?
    } else {
        Money::ZERO
    };

    if policy.consumer_relation() && collection_fee.is_positive() {
        warnings.push(DebtUpdateWarning::ConsumerCollectionFee);
    }

    // 7. Payments.
    let payments_line = req
        .payments
        .checked_neg()
        .ok_or(DebtUpdateError::Overflow)?;

    let interest_label = match policy.interest_mode() {
        InterestMode::Simple => "Juros de mora simples (pro rata die)",
        InterestMode::Compound => "Juros de mora compostos (capitalização mensal)",
    };
    let fine_label = if late && !fine_applies {
        // Late, but not yet past the grace: the line says why it is zero.
        let grace = policy.grace_days();
        let days = if grace == 1 { "dia" } else { "dias" };
        format!("Multa moratória (não cobrada: dentro da carência de {grace} {days})")
    } else if policy.fine_capped() {
        "Multa moratória (limitada a 2%, CDC art. 52 §1º)".to_owned()
    } else {
        "Multa moratória".to_owned()
    };
    let lines = vec![
        DebtLine {
            kind: DebtLineKind::Principal,
            label: "Valor original".to_owned(),
            base: req.principal,
            rate: None,
            days: 0,
            amount: req.principal,
        },
        DebtLine {
            kind: DebtLineKind::MonetaryCorrection,
            label: index_label(
                policy.correction(),
                correction.used_until,
                correction.deflation_floored,
            ),
            base: req.principal,
            rate: Some(
                correction_fraction
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .ok_or(DebtUpdateError::Overflow)?
                    .normalize(),
            ),
            days: if matches!(policy.correction(), CorrectionIndex::None) {
                0
            } else {
                days_late
            },
            amount: monetary_correction,
        },
        DebtLine {
            kind: DebtLineKind::LateFine,
            label: fine_label,
            base: corrected,
            rate: Some(policy.late_fine().as_decimal()),
            days: 0,
            amount: late_fine,
        },
        DebtLine {
            kind: DebtLineKind::DefaultInterest,
            label: interest_label.to_owned(),
            base: corrected,
            rate: Some(policy.default_interest_monthly().as_decimal()),
            days: days_late,
            amount: default_interest,
        },
        DebtLine {
            kind: DebtLineKind::CollectionFee,
            label: "Honorários de cobrança".to_owned(),
            base: fee_base,
            rate: Some(policy.collection_fee().as_decimal()),
            days: 0,
            amount: collection_fee,
        },
        DebtLine {
            kind: DebtLineKind::Payments,
            label: "Pagamentos recebidos".to_owned(),
            base: req.payments,
            rate: None,
            days: 0,
            amount: payments_line,
        },
    ];
    let total =
        Money::checked_sum(lines.iter().map(|l| l.amount)).ok_or(DebtUpdateError::Overflow)?;
    if total.is_negative() {
        warnings.push(DebtUpdateWarning::PaymentsExceedDebt {
            credit: total.checked_neg().ok_or(DebtUpdateError::Overflow)?,
        });
    }
    Ok(DebtUpdate {
        principal: req.principal,
        monetary_correction,
        corrected_principal: corrected,
        late_fine,
        default_interest,
        collection_fee,
        payments: req.payments,
        total,
        days_late,
        due_date: req.due_date,
        adjusted_due_date,
        on: req.on,
        lines,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payments_above_the_debt_are_said() {
        let p = policy("2", "1", "0", false);
        let u = debt_update(
            &DebtUpdateRequest {
                principal: money("1000.00"),
                due_date: date(2026, 3, 2),
                on: date(2026, 4, 1),
                payments: money("2000.00"),
                policy: &p,
                index: None,
            },
            &WeekendsOnly,
        )
        .unwrap();
        // 1000 + 20 fine + 10 interest − 2000.
        assert_eq!(u.total(), money("-970.00"));
        assert_eq!(
            u.warnings(),
            [DebtUpdateWarning::PaymentsExceedDebt {
                credit: money("970.00")
            }]
        );
        assert_eq!(
            u.warnings()[0].to_string(),
            "Os pagamentos passam do débito atualizado: saldo a favor do devedor de R$ 970,00"
        );
    }

    #[test]
    fn days_late_start_after_the_next_business_day_and_count_from_the_due_date() {
        // Saturday 10/01/2026: paid by Monday 12/01, not late.
        let due = date(2026, 1, 10);
        assert_eq!(days_late(due, date(2026, 1, 9), &WeekendsOnly), 0);
        assert_eq!(days_late(due, date(2026, 1, 12), &WeekendsOnly), 0);
        assert_eq!(days_late(due, date(2026, 1, 13), &WeekendsOnly), 3);
        assert_eq!(days_late(due, date(2026, 3, 15), &WeekendsOnly), 64);
    }

    #[test]
    fn open_balance_lines_say_what_was_paid() {
        let policy = policy("2", "1", "0", false);
        let req = DebtUpdateRequest {
            principal: Money::from_centavos(250_026),
            due_date: date(2026, 1, 10),
            on: date(2026, 1, 5),
            payments: Money::ZERO,
            policy: &policy,
            index: None,
        };
        let u = debt_update(&req, &WeekendsOnly)
            .unwrap()
            .on_open_balance(Money::from_centavos(362_357));
        assert_eq!(
            u.lines()[0].label,
            "Saldo em aberto (valor original R$ 3.623,57)"
        );
        let paid = u
            .lines()
            .iter()
            .find(|l| l.kind == DebtLineKind::Payments)
            .unwrap();
        assert_eq!(
            paid.label,
            "Pagamentos e abatimentos (R$ 1.123,31 já fora do saldo)"
        );
        assert_eq!(u.total(), Money::from_centavos(250_026), "labels only");
        let whole = debt_update(&req, &WeekendsOnly)
            .unwrap()
            .on_open_balance(Money::from_centavos(250_026));
        assert_eq!(whole.lines()[0].label, "Valor original");
    }
    use crate::calendar::WeekendsOnly;
    use crate::charge_policy::ChargePolicy;
    use crate::contract::{ContractTerms, effective_policy};
    use crate::rate::Percent;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn pct(s: &str) -> Percent {
        Percent::parse(s).unwrap()
    }

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn policy(fine: &str, interest: &str, fee: &str, consumer: bool) -> EffectivePolicy {
        let c = ChargePolicy {
            late_fine: pct(fine),
            default_interest_monthly: pct(interest),
            collection_fee: pct(fee),
            consumer_relation: consumer,
            ..ChargePolicy::default()
        };
        effective_policy(
            &c,
            Some(&ContractTerms {
                collection_fee_allowed: true,
                ..ContractTerms::default()
            }),
        )
    }

    fn calc(p: &EffectivePolicy, amount: &str, due: Date, on: Date) -> DebtUpdate {
        debt_update(
            &DebtUpdateRequest {
                principal: money(amount),
                due_date: due,
                on,
                payments: Money::ZERO,
                policy: p,
                index: None,
            },
            &WeekendsOnly,
        )
        .unwrap()
    }

    /// Half a centavo exactly, where `rate × days ÷ 30` has no finite
    /// decimal form: rounded up, not lost to the division's last digit.
    #[test]
    fn interest_ties_round_half_away_from_zero() {
        let due = date(2026, 3, 2);
        for (amount, rate, days, interest) in [
            ("45.00", "1", 1, "0.02"),
            ("15.00", "1", 1, "0.01"),
            ("75.00", "1", 1, "0.03"),
            ("4.50", "10", 1, "0.02"),
            ("15.00", "1", 3, "0.02"),
            ("11.25", "2", 2, "0.02"),
        ] {
            let p = policy("0", rate, "0", false);
            let u = calc(&p, amount, due, crate::calendar::add_days(due, days));
            assert_eq!(u.days_late(), days);
            assert_eq!(
                u.default_interest(),
                money(interest),
                "{amount} at {rate}% for {days} days"
            );
        }
    }

    #[test]
    fn worked_example() {
        // The issue's CLI example: 1000.00 due 2026-01-10, on 2026-03-15,
        // fine 2 %, interest 1 % a month, fee 10 %.
        let p = policy("2", "1", "10", true);
        let u = calc(&p, "1000.00", date(2026, 1, 10), date(2026, 3, 15));
        assert_eq!(u.days_late(), 64);
        assert_eq!(u.corrected_principal(), money("1000.00"));
        assert_eq!(u.late_fine(), money("20.00"));
        // 1000 × 1% × 64/30 = 21.3333…
        assert_eq!(u.default_interest(), money("21.33"));
        // (1000 + 20 + 21.33) × 10% = 104.133
        assert_eq!(u.collection_fee(), money("104.13"));
        assert_eq!(u.total(), money("1145.46"));
        let json = serde_json::to_value(&u).unwrap();
        assert_eq!(json["principal"], "1000.00");
        assert_eq!(json["total"], "1145.46");
        assert_eq!(json["payments"], "0.00");
        assert_eq!(json["days_late"], 64);
        assert_eq!(json["lines"][2]["label"], "Multa moratória");
        assert_eq!(json["lines"][2]["rate"], "2");
        assert_eq!(json["lines"][3]["days"], 64);
        assert_eq!(json["lines"][3]["base"], "1000.00");
        assert_eq!(json["lines"][4]["base"], "1041.33");
        assert_eq!(json["lines"][0]["rate"], serde_json::Value::Null);
    }

    #[test]
    fn non_business_due_date() {
        let p = policy("2", "1", "0", true);
        // 2026-01-10 is a Saturday: paying on Monday 12th adds nothing.
        let u = calc(&p, "100.00", date(2026, 1, 10), date(2026, 1, 12));
        assert_eq!(u.adjusted_due_date(), date(2026, 1, 12));
        assert_eq!(u.total(), money("100.00"));
        assert_eq!(u.days_late(), 0);
        // Tuesday: late, counted from Saturday (3 days).
        let u = calc(&p, "100.00", date(2026, 1, 10), date(2026, 1, 13));
        assert_eq!(u.days_late(), 3);
        assert_eq!(u.late_fine(), money("2.00"));
        assert_eq!(u.default_interest(), money("0.10"));
        // Paid before the due date.
        let u = calc(&p, "100.00", date(2026, 1, 10), date(2026, 1, 5));
        assert_eq!(u.total(), money("100.00"));
    }

    #[test]
    fn grace_days_delay_only_the_fine() {
        let c = ChargePolicy {
            late_fine: pct("2"),
            default_interest_monthly: pct("3"),
            grace_days: 5,
            ..ChargePolicy::default()
        };
        let p = effective_policy(&c, None);
        // Due Monday 2026-01-12; on the 15th (3 days): interest, no fine.
        let u = calc(&p, "300.00", date(2026, 1, 12), date(2026, 1, 15));
        assert_eq!(u.late_fine(), Money::ZERO);
        assert_eq!(u.default_interest(), money("0.90"));
        assert_eq!(
            u.lines()[2].label,
            "Multa moratória (não cobrada: dentro da carência de 5 dias)"
        );
        // On the 18th (6 days): fine too.
        let u = calc(&p, "300.00", date(2026, 1, 12), date(2026, 1, 18));
        assert_eq!(u.late_fine(), money("6.00"));
    }

    #[test]
    fn consumer_cap_and_no_fee_without_contract() {
        let c = ChargePolicy {
            late_fine: pct("10"),
            collection_fee: pct("20"),
            ..ChargePolicy::default()
        };
        let p = effective_policy(&c, None);
        let u = calc(&p, "1000.00", date(2026, 1, 12), date(2026, 2, 12));
        assert_eq!(u.late_fine(), money("20.00"));
        assert_eq!(u.collection_fee(), Money::ZERO);
        assert!(u.lines()[2].label.contains("limitada"));
    }

    #[test]
    fn correction_by_index() {
        let t = IndexTable::parse_csv("IPCA", "2026-01;0,31\n2026-02;0,28\n2026-03;0,62").unwrap();
        let c = ChargePolicy {
            late_fine: pct("2"),
            default_interest_monthly: pct("1"),
            correction: CorrectionIndex::Ipca,
            ..ChargePolicy::default()
        };
        let p = effective_policy(&c, None);
        let req = DebtUpdateRequest {
            principal: money("1000.00"),
            due_date: date(2026, 1, 10),
            on: date(2026, 3, 15),
            payments: money("100.00"),
            policy: &p,
            index: Some(&t),
        };
        let u = debt_update(&req, &WeekendsOnly).unwrap();
        // factor = 1.0022 × 1.0028 × 1.0028 = 1.007820177…
        assert_eq!(u.monetary_correction(), money("7.82"));
        assert_eq!(u.corrected_principal(), money("1007.82"));
        assert_eq!(u.late_fine(), money("20.16"));
        // 1007.82 × 0.01 × 64 / 30 = 21.50016
        assert_eq!(u.default_interest(), money("21.50"));
        assert_eq!(u.payments(), money("100.00"));
        assert_eq!(u.lines()[5].amount, money("-100.00"));
        assert_eq!(u.total(), money("949.48"));
        assert_eq!(u.lines()[1].label, "Correção monetária (IPCA até 03/2026)");

        let no_table = DebtUpdateRequest { index: None, ..req };
        assert_eq!(
            debt_update(&no_table, &WeekendsOnly),
            Err(DebtUpdateError::MissingIndexTable("ipca".into()))
        );
        // After the last published month: 0 % for the missing months.
        let later = DebtUpdateRequest {
            on: date(2026, 5, 2),
            ..req
        };
        let u2 = debt_update(&later, &WeekendsOnly).unwrap();
        assert!(u2.monetary_correction() > u.monetary_correction());
        assert_eq!(u2.lines()[1].label, "Correção monetária (IPCA até 03/2026)");
        // Before the table's first month: an error.
        let before = DebtUpdateRequest {
            due_date: date(2025, 12, 1),
            ..req
        };
        assert!(matches!(
            debt_update(&before, &WeekendsOnly),
            Err(DebtUpdateError::Index(_))
        ));
    }

    fn ipca_policy(fee: bool) -> EffectivePolicy {
        let c = ChargePolicy {
            late_fine: pct("2"),
            default_interest_monthly: pct("1"),
            collection_fee: if fee { pct("10") } else { pct("0") },
            correction: CorrectionIndex::Ipca,
            consumer_relation: false,
            ..ChargePolicy::default()
        };
        effective_policy(
            &c,
            Some(&ContractTerms {
                collection_fee_allowed: true,
                ..ContractTerms::default()
            }),
        )
    }

    fn with_index(p: &EffectivePolicy, t: &IndexTable, due: Date, on: Date) -> DebtUpdate {
        debt_update(
            &DebtUpdateRequest {
                principal: money("1000.00"),
                due_date: due,
                on,
                payments: Money::ZERO,
                policy: p,
                index: Some(t),
            },
            &WeekendsOnly,
        )
        .unwrap()
    }

    #[test]
    fn warnings_are_always_serialized() {
        let p = policy("2", "1", "0", false);
        let u = calc(&p, "1000.00", date(2026, 1, 10), date(2026, 3, 15));
        assert!(u.warnings().is_empty());
        let json = serde_json::to_value(&u).unwrap();
        assert_eq!(json["warnings"], serde_json::json!([]));
    }

    #[test]
    fn a_fee_charged_to_a_consumer_is_flagged() {
        let text = "Relação de consumo: honorários de cobrança só são devidos se o contrato os prevê (CDC art. 51, XII)";
        let due = date(2026, 1, 10);
        let consumer = calc(
            &policy("2", "1", "10", true),
            "1000.00",
            due,
            date(2026, 3, 15),
        );
        assert_eq!(
            consumer.warnings(),
            [DebtUpdateWarning::ConsumerCollectionFee]
        );
        assert_eq!(consumer.warnings()[0].to_string(), text);
        assert_eq!(
            serde_json::to_value(&consumer).unwrap()["warnings"],
            serde_json::json!([text])
        );
        // Same amounts without the consumer relation (a 2 % fine is under the
        // cap): the warning only explains.
        let business = calc(
            &policy("2", "1", "10", false),
            "1000.00",
            due,
            date(2026, 3, 15),
        );
        assert!(business.warnings().is_empty());
        assert_eq!(business.total(), consumer.total());
        assert_eq!(business.collection_fee(), consumer.collection_fee());
        // No fee charged (none agreed, or not late yet): nothing to flag.
        let no_fee = calc(
            &policy("2", "1", "0", true),
            "1000.00",
            due,
            date(2026, 3, 15),
        );
        assert!(no_fee.warnings().is_empty());
        let not_late = calc(
            &policy("2", "1", "10", true),
            "1000.00",
            due,
            date(2026, 1, 12),
        );
        assert_eq!(not_late.collection_fee(), Money::ZERO);
        assert!(not_late.warnings().is_empty());
        // Without the contract's clause the fee is zero and not flagged.
        let c = ChargePolicy {
            collection_fee: pct("10"),
            ..ChargePolicy::default()
        };
        let unallowed = calc(
            &effective_policy(&c, None),
            "1000.00",
            due,
            date(2026, 3, 15),
        );
        assert!(unallowed.warnings().is_empty());
    }

    #[test]
    fn an_index_table_ending_too_early_is_flagged() {
        let t = IndexTable::parse_csv("IPCA", "2026-01;0,31\n2026-02;0,28\n2026-03;0,62").unwrap();
        let p = ipca_policy(false);
        let due = date(2026, 1, 10);
        // Covered to the end, then one and two months not yet published (the
        // table ends at most two months before the calculation's): normal.
        for on in [date(2026, 3, 15), date(2026, 4, 20), date(2026, 5, 31)] {
            let u = with_index(&p, &t, due, on);
            assert!(u.warnings().is_empty(), "{on}: {:?}", u.warnings());
        }
        // In June the table is out of date (April is published): April and
        // May without correction are said, on the first of June already.
        let u = with_index(&p, &t, due, date(2026, 6, 1));
        assert_eq!(
            u.warnings()[0].to_string(),
            "A tabela IPCA termina em 03/2026 e não cobre 04/2026 a 05/2026: esses meses ficaram sem correção"
        );
        // Three months after the table's last: April to June without correction.
        let u = with_index(&p, &t, due, date(2026, 6, 2));
        assert_eq!(
            u.warnings(),
            [DebtUpdateWarning::IndexNotCovering {
                index: "IPCA".into(),
                table_last: YearMonth::new(2026, 3).unwrap(),
                first: YearMonth::new(2026, 4).unwrap(),
                last: YearMonth::new(2026, 6).unwrap(),
            }]
        );
        assert_eq!(
            u.warnings()[0].to_string(),
            "A tabela IPCA termina em 03/2026 e não cobre 04/2026 a 06/2026: esses meses ficaram sem correção"
        );
        assert_eq!(u.lines()[1].label, "Correção monetária (IPCA até 03/2026)");
        // The amounts are those of the table alone (later months at 0 %).
        assert_eq!(
            u.monetary_correction(),
            with_index(&p, &t, due, date(2026, 4, 1)).monetary_correction()
        );
        // A table ending before the due date: only the period's months.
        let u = with_index(&p, &t, date(2026, 5, 11), date(2026, 9, 15));
        assert_eq!(u.monetary_correction(), Money::ZERO);
        assert_eq!(
            u.warnings()[0].to_string(),
            "A tabela IPCA termina em 03/2026 e não cobre 05/2026 a 09/2026: esses meses ficaram sem correção"
        );
        // Not late: no correction asked, nothing to say.
        let u = with_index(&p, &t, date(2026, 9, 15), date(2026, 9, 15));
        assert!(u.warnings().is_empty());
        // A table of another name is named as the line names it.
        let igpm = IndexTable::parse_csv("igpm", "2026-01;0,5").unwrap();
        let c = ChargePolicy {
            correction: CorrectionIndex::Table("igpm".into()),
            consumer_relation: false,
            ..ChargePolicy::default()
        };
        let u = with_index(&effective_policy(&c, None), &igpm, due, date(2026, 5, 1));
        assert_eq!(
            u.warnings()[0].to_string(),
            "A tabela IGPM termina em 01/2026 e não cobre 02/2026 a 04/2026: esses meses ficaram sem correção"
        );
        // One month alone is said in the singular.
        let one = DebtUpdateWarning::IndexNotCovering {
            index: "IPCA".into(),
            table_last: YearMonth::new(2025, 10).unwrap(),
            first: YearMonth::new(2026, 4).unwrap(),
            last: YearMonth::new(2026, 4).unwrap(),
        };
        assert_eq!(
            one.to_string(),
            "A tabela IPCA termina em 10/2025 e não cobre 04/2026: esse mês ficou sem correção"
        );
    }

    /// A short delay does not hide an out-of-date table: the reviewer's
    /// example, a table ending 10/2025 and a receivable due 01/10/2026
    /// updated on 01/12/2026, two months at 0 % that are said.
    #[test]
    fn an_out_of_date_table_is_flagged_however_short_the_delay() {
        let months = (1..=10).map(|m| (YearMonth::new(2025, m).unwrap(), Decimal::new(40, 2)));
        let t = IndexTable::from_monthly_percent("ipca", months).unwrap();
        let p = ipca_policy(false);
        let u = with_index(&p, &t, date(2026, 10, 1), date(2026, 12, 1));
        assert_eq!(u.monetary_correction(), Money::ZERO);
        assert_eq!(
            u.warnings(),
            [DebtUpdateWarning::IndexNotCovering {
                index: "IPCA".into(),
                table_last: YearMonth::new(2025, 10).unwrap(),
                first: YearMonth::new(2026, 10).unwrap(),
                last: YearMonth::new(2026, 11).unwrap(),
            }]
        );
        assert_eq!(
            u.warnings()[0].to_string(),
            "A tabela IPCA termina em 10/2025 e não cobre 10/2026 a 11/2026: esses meses ficaram sem correção"
        );
        assert_eq!(
            serde_json::to_value(&u).unwrap()["warnings"],
            serde_json::json!([
                "A tabela IPCA termina em 10/2025 e não cobre 10/2026 a 11/2026: esses meses ficaram sem correção"
            ])
        );
        // One day late is enough: a single month, in the singular.
        let u = with_index(&p, &t, date(2026, 10, 1), date(2026, 10, 2));
        assert_eq!(
            u.warnings()[0].to_string(),
            "A tabela IPCA termina em 10/2025 e não cobre 10/2026: esse mês ficou sem correção"
        );
        // The same period with an up-to-date table (ending 10/2026 or
        // 11/2026, two or one month before December): nothing said, and
        // the warning never changes an amount.
        for last in [10, 11] {
            let months = (1..=last).map(|m| (YearMonth::new(2026, m).unwrap(), Decimal::ZERO));
            let fresh = IndexTable::from_monthly_percent("ipca", months).unwrap();
            let f = with_index(&p, &fresh, date(2026, 10, 1), date(2026, 12, 1));
            assert!(f.warnings().is_empty(), "{last}: {:?}", f.warnings());
            let stale = with_index(&p, &t, date(2026, 10, 1), date(2026, 12, 1));
            assert_eq!(f.lines()[2..], stale.lines()[2..]);
            assert_eq!(f.total(), stale.total());
        }
        // A table covering the whole period is never flagged, however old
        // the period's months are next to `on`.
        let u = with_index(&p, &t, date(2025, 3, 10), date(2025, 10, 20));
        assert!(u.warnings().is_empty(), "{:?}", u.warnings());
        // Without correction in the policy, no table is consulted: nothing.
        let plain = policy("2", "1", "0", false);
        let u = with_index(&plain, &t, date(2026, 10, 1), date(2026, 12, 1));
        assert!(u.warnings().is_empty(), "{:?}", u.warnings());
    }

    #[test]
    fn deflation_floored_at_zero_is_named() {
        let t =
            IndexTable::parse_csv("IPCA", "2026-01;-0,40\n2026-02;-0,20\n2026-03;0,10").unwrap();
        let p = ipca_policy(false);
        let due = date(2026, 1, 10);
        let u = with_index(&p, &t, due, date(2026, 3, 15));
        assert_eq!(u.monetary_correction(), Money::ZERO);
        assert_eq!(u.corrected_principal(), money("1000.00"));
        assert_eq!(u.lines()[1].rate, Some(Decimal::ZERO));
        assert_eq!(
            u.lines()[1].label,
            "Correção monetária (IPCA até 03/2026; deflação: limitada a zero)"
        );
        assert_eq!(u.warnings(), [DebtUpdateWarning::DeflationFloored]);
        assert_eq!(
            u.warnings()[0].to_string(),
            "Deflação no período: a correção foi limitada a zero (o débito não diminui)"
        );
        // The same amounts as with no correction at all.
        let plain = calc(
            &policy("2", "1", "0", false),
            "1000.00",
            due,
            date(2026, 3, 15),
        );
        assert_eq!(u.total(), plain.total());
        // Inflation outweighing it: a normal correction, nothing said.
        let t = IndexTable::parse_csv("IPCA", "2026-01;-0,10\n2026-02;0,50\n2026-03;0,10").unwrap();
        let u = with_index(&p, &t, due, date(2026, 3, 15));
        assert!(u.monetary_correction().is_positive());
        assert!(u.warnings().is_empty());
        assert_eq!(u.lines()[1].label, "Correção monetária (IPCA até 03/2026)");
    }

    #[test]
    fn warnings_come_in_calculation_order() {
        // Deflation in January, nothing after: table out of date, floored,
        // and a fee to a consumer.
        let t = IndexTable::parse_csv("IPCA", "2026-01;-0,40").unwrap();
        let c = ChargePolicy {
            collection_fee: pct("10"),
            correction: CorrectionIndex::Ipca,
            ..ChargePolicy::default()
        };
        let p = effective_policy(
            &c,
            Some(&ContractTerms {
                collection_fee_allowed: true,
                ..ContractTerms::default()
            }),
        );
        let u = with_index(&p, &t, date(2026, 1, 10), date(2026, 5, 15));
        assert!(matches!(
            u.warnings(),
            [
                DebtUpdateWarning::IndexNotCovering { .. },
                DebtUpdateWarning::DeflationFloored,
                DebtUpdateWarning::ConsumerCollectionFee
            ]
        ));
        assert_eq!(
            u.lines()[1].label,
            "Correção monetária (IPCA até 01/2026; deflação: limitada a zero)"
        );
    }

    #[test]
    fn compound_interest() {
        let c = ChargePolicy {
            default_interest_monthly: pct("10"),
            interest_mode: InterestMode::Compound,
            ..ChargePolicy::default()
        };
        let p = effective_policy(&c, None);
        // 75 days = 2 periods + 15 days: 1.1² × 1.05 − 1 = 0.2705
        let u = calc(
            &p,
            "1000.00",
            date(2026, 1, 12),
            crate::calendar::add_days(date(2026, 1, 12), 75),
        );
        assert_eq!(u.default_interest(), money("270.50"));
    }

    #[test]
    fn for_a_receivable_uses_the_open_balance() {
        use crate::receivable::{DocumentNumber, Installment, NewReceivable};
        let mut r = Receivable::new(NewReceivable {
            document_number: DocumentNumber::parse("1").unwrap(),
            installment: Installment::SINGLE,
            issue_date: None,
            due_date: date(2026, 1, 12),
            original_amount: money("1000.00"),
            open_balance: None,
        })
        .unwrap();
        r.apply_payment(money("400.00")).unwrap();
        let p = policy("2", "1", "0", true);
        let u = debt_update(
            &DebtUpdateRequest::for_receivable(&r, date(2026, 2, 11), &p, None),
            &WeekendsOnly,
        )
        .unwrap();
        assert_eq!(u.principal(), money("600.00"));
        assert_eq!(u.late_fine(), money("12.00"));
        assert_eq!(u.default_interest(), money("6.00"));
        assert_eq!(u.total(), money("618.00"));
    }

    #[test]
    fn rejects_negative_inputs() {
        let p = policy("2", "1", "0", true);
        let mut req = DebtUpdateRequest {
            principal: money("-1"),
            due_date: date(2026, 1, 12),
            on: date(2026, 2, 12),
            payments: Money::ZERO,
            policy: &p,
            index: None,
        };
        assert_eq!(
            debt_update(&req, &WeekendsOnly),
            Err(DebtUpdateError::NegativePrincipal)
        );
        req.principal = money("1");
        req.payments = money("-1");
        assert_eq!(
            debt_update(&req, &WeekendsOnly),
            Err(DebtUpdateError::NegativePayments)
        );
    }

    fn arb_policy() -> impl Strategy<Value = EffectivePolicy> {
        (
            0i64..20_000_000,
            0i64..20_000_000,
            0i64..30_000_000,
            any::<bool>(),
            0u16..30,
            any::<bool>(),
        )
            .prop_map(|(fine, interest, fee, consumer, grace, compound)| {
                let c = ChargePolicy {
                    late_fine: Percent::from_db(fine).unwrap(),
                    default_interest_monthly: Percent::from_db(interest).unwrap(),
                    collection_fee: Percent::from_db(fee).unwrap(),
                    consumer_relation: consumer,
                    grace_days: grace,
                    interest_mode: if compound {
                        InterestMode::Compound
                    } else {
                        InterestMode::Simple
                    },
                    ..ChargePolicy::default()
                };
                effective_policy(
                    &c,
                    Some(&ContractTerms {
                        collection_fee_allowed: true,
                        ..ContractTerms::default()
                    }),
                )
            })
    }

    proptest! {
        #[test]
        fn total_is_sum_of_lines_and_monotone(
            p in arb_policy(),
            cents in 1i64..10_000_000_000,
            paid in 0i64..10_000_000,
            due_off in 0i64..3000,
            a in -60i64..1500,
            b in -60i64..1500,
        ) {
            let due = crate::calendar::add_days(date(2020, 1, 1), due_off);
            let (a, b) = (a.min(b), a.max(b));
            let mk = |off: i64| DebtUpdateRequest {
                principal: Money::from_centavos(cents),
                due_date: due,
                on: crate::calendar::add_days(due, off),
                payments: Money::from_centavos(paid),
                policy: &p,
                index: None,
            };
            let ua = debt_update(&mk(a), &WeekendsOnly).unwrap();
            let ub = debt_update(&mk(b), &WeekendsOnly).unwrap();
            for u in [&ua, &ub] {
                let sum = Money::checked_sum(u.lines().iter().map(|l| l.amount)).unwrap();
                prop_assert_eq!(sum, u.total());
                prop_assert!(u.late_fine() >= Money::ZERO);
                if p.consumer_relation() {
                    // fine ≤ 2% of the corrected principal (after rounding)
                    let cap = round_to_centavos(u.corrected_principal().to_decimal() * Decimal::new(2, 2)).unwrap();
                    prop_assert!(u.late_fine() <= cap);
                }
            }
            prop_assert!(ua.total() <= ub.total(), "{:?} > {:?}", ua.total(), ub.total());
        }

        #[test]
        fn monotone_with_a_non_negative_index(
            rates in proptest::collection::vec(0i64..200, 60),
            cents in 1i64..1_000_000_000,
            a in 0i64..1500,
            b in 0i64..1500,
        ) {
            let months = rates.iter().enumerate().map(|(i, r)| {
                (crate::index_table::YearMonth::new(2024 + (i / 12) as i16, (i % 12 + 1) as i8).unwrap(), Decimal::new(*r, 2))
            });
            let table = IndexTable::from_monthly_percent("ipca", months).unwrap();
            let c = ChargePolicy {
                late_fine: pct("2"),
                default_interest_monthly: pct("1"),
                correction: CorrectionIndex::Ipca,
                ..ChargePolicy::default()
            };
            let p = effective_policy(&c, None);
            let due = date(2024, 1, 15);
            let (a, b) = (a.min(b), a.max(b));
            let mk = |off: i64| DebtUpdateRequest {
                principal: Money::from_centavos(cents),
                due_date: due,
                on: crate::calendar::add_days(due, off),
                payments: Money::ZERO,
                policy: &p,
                index: Some(&table),
            };
            let ua = debt_update(&mk(a), &WeekendsOnly).unwrap();
            let ub = debt_update(&mk(b), &WeekendsOnly).unwrap();
            prop_assert!(ua.corrected_principal() <= ub.corrected_principal());
            prop_assert!(ua.total() <= ub.total());
        }

        /// A table with every month of the period never warns about
        /// coverage; one whose last month is within two months of `on`'s
        /// never warns either (those months are not published yet); one
        /// ending `k` > 2 months before `on`'s month warns whenever the
        /// period has a month after it, naming those months and its last,
        /// however few they are; one missing a month inside the period
        /// refuses the calculation naming it (never a silent 0 %).
        #[test]
        fn index_coverage_is_never_silent(
            due_off in 0i64..900,
            len in 1i64..900,
            cut in 0i32..30,
            hole in 0i32..40,
            rates in proptest::collection::vec(-50i64..100, 72),
        ) {
            let months: Vec<YearMonth> = (0..72)
                .map(|i| YearMonth::new(2024 + (i / 12) as i16, (i % 12 + 1) as i8).unwrap())
                .collect();
            let table = |keep: &dyn Fn(usize) -> bool| {
                IndexTable::from_monthly_percent(
                    "ipca",
                    months.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(i, m)| (*m, Decimal::new(rates[i], 2))),
                ).unwrap()
            };
            let p = ipca_policy(false);
            let due = crate::calendar::add_days(date(2024, 1, 1), due_off);
            let on = crate::calendar::add_days(due, len);
            let run = |t: &IndexTable| {
                debt_update(
                    &DebtUpdateRequest {
                        principal: money("1000.00"),
                        due_date: due,
                        on,
                        payments: Money::ZERO,
                        policy: &p,
                        index: Some(t),
                    },
                    &WeekendsOnly,
                )
            };
            let full = table(&|_| true);
            let u = run(&full).unwrap();
            let adjusted = u.adjusted_due_date();
            let covers = !u
                .warnings()
                .iter()
                .any(|w| matches!(w, DebtUpdateWarning::IndexNotCovering { .. }));
            prop_assert!(covers, "{:?}", u.warnings());
            prop_assert_eq!(
                u.warnings().contains(&DebtUpdateWarning::DeflationFloored),
                u.lines()[1].label.contains("deflação")
            );
            if on <= adjusted {
                prop_assert!(u.warnings().is_empty());
                return Ok(());
            }
            let first_needed = YearMonth::of(due);
            let last_needed = YearMonth::of(crate::calendar::add_days(on, -1));
            let last_i = months.iter().position(|m| *m == last_needed).unwrap();
            let end = last_i as i32 - cut;
            if end >= 0 {
                let short = table(&|i| i as i32 <= end);
                let s = run(&short).unwrap();
                let table_last = months[end as usize];
                let first = months[end as usize + 1..].first().copied().unwrap_or(last_needed).max(first_needed);
                let uncovered = if cut == 0 { 0 } else { first.months_until(last_needed) + 1 };
                let out_of_date = table_last.months_until(YearMonth::of(on)) > UNPUBLISHED_MONTHS_EXPECTED;
                let expected = DebtUpdateWarning::IndexNotCovering {
                    index: "IPCA".into(),
                    table_last,
                    first,
                    last: last_needed,
                };
                let coverage: Vec<_> = s
                    .warnings()
                    .iter()
                    .filter(|w| matches!(w, DebtUpdateWarning::IndexNotCovering { .. }))
                    .collect();
                if out_of_date && uncovered > 0 {
                    prop_assert_eq!(coverage, [&expected]);
                    let text = expected.to_string();
                    prop_assert!(
                        text.contains(&table_last.pt_br())
                            && text.contains(&first.pt_br())
                            && text.contains(&last_needed.pt_br()),
                        "{}",
                        text
                    );
                } else {
                    prop_assert!(coverage.is_empty(), "{:?}", coverage);
                }
                // The warning only explains: the amounts are the table's.
                prop_assert_eq!(s.total(), Money::checked_sum(s.lines().iter().map(|l| l.amount)).unwrap());
            }
            let span = first_needed.months_until(last_needed);
            if span >= 1 {
                let first_i = months.iter().position(|m| *m == first_needed).unwrap();
                let missing_i = first_i + (hole % span) as usize;
                let holed = table(&|i| i != missing_i);
                prop_assert_eq!(
                    run(&holed),
                    Err(DebtUpdateError::Index(IndexError::MissingMonth {
                        index: "ipca".into(),
                        month: months[missing_i],
                    }))
                );
            }
        }

        /// Warnings never change an amount: the same debt with and without
        /// the consumer relation (a fine under the cap) differs only in them.
        #[test]
        fn warnings_only_explain(
            cents in 1i64..10_000_000_000,
            due_off in 0i64..3000,
            off in -60i64..1500,
            fee in 0i64..30_000_000,
        ) {
            let mk = |consumer: bool| {
                let c = ChargePolicy {
                    late_fine: pct("2"),
                    default_interest_monthly: pct("1"),
                    collection_fee: Percent::from_db(fee).unwrap(),
                    consumer_relation: consumer,
                    ..ChargePolicy::default()
                };
                effective_policy(&c, Some(&ContractTerms { collection_fee_allowed: true, ..ContractTerms::default() }))
            };
            let (pc, pb) = (mk(true), mk(false));
            let due = crate::calendar::add_days(date(2020, 1, 1), due_off);
            let on = crate::calendar::add_days(due, off);
            let run = |p: &EffectivePolicy| debt_update(&DebtUpdateRequest {
                principal: Money::from_centavos(cents),
                due_date: due,
                on,
                payments: Money::ZERO,
                policy: p,
                index: None,
            }, &WeekendsOnly).unwrap();
            let (c, b) = (run(&pc), run(&pb));
            prop_assert_eq!(c.lines(), b.lines());
            prop_assert_eq!(c.total(), b.total());
            prop_assert!(b.warnings().is_empty());
            prop_assert_eq!(
                c.warnings() == [DebtUpdateWarning::ConsumerCollectionFee],
                c.collection_fee().is_positive()
            );
        }

        /// Simple interest against exact integer arithmetic:
        /// `centavos × millionths-of-a-percent × days ÷ (30 × 10⁸)`, rounded
        /// half away from zero.
        #[test]
        fn simple_interest_is_exact(
            cents in 1i64..100_000_000_000,
            rate in 0i64..20_000_000,
            days in 1i64..4000,
        ) {
            let c = ChargePolicy {
                late_fine: Percent::ZERO,
                default_interest_monthly: Percent::from_db(rate).unwrap(),
                consumer_relation: false,
                ..ChargePolicy::default()
            };
            let p = effective_policy(&c, None);
            let due = date(2026, 3, 2);
            let u = debt_update(&DebtUpdateRequest {
                principal: Money::from_centavos(cents),
                due_date: due,
                on: crate::calendar::add_days(due, days),
                payments: Money::ZERO,
                policy: &p,
                index: None,
            }, &WeekendsOnly).unwrap();
            let num = i128::from(cents) * i128::from(rate) * i128::from(u.days_late());
            let den = 30 * 100_000_000i128;
            let expected = (2 * num + den) / (2 * den);
            prop_assert_eq!(i128::from(u.default_interest().centavos()), expected);
        }

        #[test]
        fn extreme_inputs_never_panic(
            cents in any::<i64>(),
            paid in any::<i64>(),
            fine in 0i64..=1_000_000_000_000,
            interest in 0i64..=1_000_000_000_000,
            fee in 0i64..=1_000_000_000_000,
            compound in any::<bool>(),
            off in -100_000i64..100_000,
        ) {
            let c = ChargePolicy {
                late_fine: Percent::from_db(fine).unwrap(),
                default_interest_monthly: Percent::from_db(interest).unwrap(),
                collection_fee: Percent::from_db(fee).unwrap(),
                consumer_relation: false,
                interest_mode: if compound { InterestMode::Compound } else { InterestMode::Simple },
                ..ChargePolicy::default()
            };
            let p = effective_policy(&c, Some(&ContractTerms { collection_fee_allowed: true, ..ContractTerms::default() }));
            let due = date(2026, 1, 15);
            let _ = debt_update(
                &DebtUpdateRequest {
                    principal: Money::from_centavos(cents),
                    due_date: due,
                    on: crate::calendar::add_days(due, off),
                    payments: Money::from_centavos(paid),
                    policy: &p,
                    index: None,
                },
                &WeekendsOnly,
            );
        }
    }
}
