//! Receivables (títulos / parcelas) and their lifecycle.
//!
//! A [`Receivable`] is one amount due on one date. Its status changes only
//! through the transition methods; each either succeeds or returns an error
//! and leaves the receivable untouched.
//!
//! ```text
//!            pay (part)            pay (rest)
//!   open ─────────────▶ partially_paid ─────────▶ paid
//!    │  ╲──────────── pay (all) ───────────────────▲ │
//!    │                                              │ reverse_payment
//!    ├── renegotiate ──▶ renegotiated ── reinstate ─▶ open / partially_paid
//!    ├── cancel ───────▶ cancelled      (terminal)
//!    └── write_off ────▶ written_off    (terminal)
//! ```
//! (`partially_paid` may also be renegotiated, cancelled or written off.)

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

use crate::money::Money;

/// Where a receivable is in its life. Stored as text (`as_str`) with a `CHECK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceivableStatus {
    Open,
    PartiallyPaid,
    Paid,
    /// Replaced by an agreement (novação); may come back if it breaks.
    Renegotiated,
    Cancelled,
    WrittenOff,
}

impl ReceivableStatus {
    pub const ALL: [ReceivableStatus; 6] = [
        Self::Open,
        Self::PartiallyPaid,
        Self::Paid,
        Self::Renegotiated,
        Self::Cancelled,
        Self::WrittenOff,
    ];

    /// Database text: `open`, `partially_paid`, `paid`, `renegotiated`,
    /// `cancelled`, `written_off`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::PartiallyPaid => "partially_paid",
            Self::Paid => "paid",
            Self::Renegotiated => "renegotiated",
            Self::Cancelled => "cancelled",
            Self::WrittenOff => "written_off",
        }
    }

    /// The status as a pt-BR adjective: "o título já está {pt_br}".
    pub fn pt_br(self) -> &'static str {
        match self {
            Self::Open => "em aberto",
            Self::PartiallyPaid => "parcialmente pago",
            Self::Paid => "pago",
            Self::Renegotiated => "renegociado",
            Self::Cancelled => "cancelado",
            Self::WrittenOff => "baixado",
        }
    }

    /// Still owed and collectable: `open` or `partially_paid` (what the
    /// aging list and the dunning cadence look at).
    pub fn is_collectable(self) -> bool {
        matches!(self, Self::Open | Self::PartiallyPaid)
    }

    /// Closed by a person's decision (`cancelled`, `written_off`), not by
    /// money: an import does not undo it.
    pub fn is_closed_by_hand(self) -> bool {
        matches!(self, Self::Cancelled | Self::WrittenOff)
    }
}

impl fmt::Display for ReceivableStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown receivable status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for ReceivableStatus {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// The creditor's document number of a receivable (número do documento).
///
/// Invariant: trimmed, 1 to 60 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub fn parse(raw: &str) -> Result<Self, ReceivableError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(ReceivableError::EmptyDocumentNumber);
        }
        if s.chars().count() > 60 || s.chars().any(char::is_control) {
            return Err(ReceivableError::BadDocumentNumber);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number without its leading zeros when it is made of digits only
    /// (`000123` → `123`, `000` → `0`), as two numbers a spreadsheet may have
    /// stripped are compared; `None` with any other character (`NF-0123`
    /// is compared as written).
    pub fn zero_free(&self) -> Option<&str> {
        zero_free(&self.0)
    }
}

/// [`DocumentNumber::zero_free`] of a number as text.
pub fn zero_free(number: &str) -> Option<&str> {
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match number.trim_start_matches('0') {
        "" => "0",
        core => core,
    })
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Installment `number` of `total` (parcela n de N).
///
/// Invariant: `1 <= number` and, when the total is known, `number <= total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Installment {
    number: u16,
    total: Option<u16>,
}

impl Installment {
    /// A single payment: 1 of 1.
    pub const SINGLE: Installment = Installment {
        number: 1,
        total: Some(1),
    };

    pub fn new(number: u16, total: Option<u16>) -> Result<Self, ReceivableError> {
        if number == 0 || total.is_some_and(|t| number > t) {
            return Err(ReceivableError::Installment { number, total });
        }
        Ok(Self { number, total })
    }

    pub fn number(self) -> u16 {
        self.number
    }

    pub fn total(self) -> Option<u16> {
        self.total
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceivableError {
    #[error("document number is empty")]
    EmptyDocumentNumber,
    #[error("document number is longer than 60 characters or has control characters")]
    BadDocumentNumber,
    #[error("installment {number} of {total:?} is impossible (1 <= n <= N)")]
    Installment { number: u16, total: Option<u16> },
    #[error("amount must be greater than zero")]
    NonPositiveAmount,
    #[error("open balance must be between zero and the original amount")]
    OpenBalanceOutOfRange,
    #[error("due date is before the issue date")]
    DueBeforeIssue,
    #[error("status {status} does not match an open balance of {open} out of {original}")]
    StatusMismatch {
        status: ReceivableStatus,
        open: Money,
        original: Money,
    },
}

/// A transition that is not allowed or not possible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot {action} a receivable that is {from}")]
    NotAllowed {
        from: ReceivableStatus,
        action: &'static str,
    },
    #[error("a payment must be greater than zero")]
    NonPositivePayment,
    #[error("reversing {amount} would make the open balance exceed the original amount")]
    ReversalTooLarge { amount: Money },
}

/// What a payment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PaymentApplied {
    /// The part that reduced the open balance.
    pub applied: Money,
    /// Paid beyond the open balance; the caller records it as a credit.
    pub excess: Money,
    pub status: ReceivableStatus,
}

/// The fields of a new receivable, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReceivable {
    pub document_number: DocumentNumber,
    pub installment: Installment,
    pub issue_date: Option<Date>,
    pub due_date: Date,
    pub original_amount: Money,
    /// Defaults to the original amount.
    pub open_balance: Option<Money>,
}

/// A receivable.
///
/// Invariants: `original_amount > 0`; `0 <= open_balance <= original_amount`;
/// `due_date >= issue_date`; and the status agrees with the balance:
/// `open` ⇔ nothing paid, `partially_paid` ⇔ `0 < open < original`,
/// `paid` ⇔ `open == 0` (other statuses keep whatever balance they had).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Receivable {
    document_number: DocumentNumber,
    installment: Installment,
    issue_date: Option<Date>,
    due_date: Date,
    original_amount: Money,
    open_balance: Money,
    status: ReceivableStatus,
}

fn balance_status(open: Money, original: Money) -> ReceivableStatus {
    if open.is_zero() {
        ReceivableStatus::Paid
    } else if open == original {
        ReceivableStatus::Open
    } else {
        ReceivableStatus::PartiallyPaid
    }
}

impl Receivable {
    /// Validates a new receivable; its status follows from the balance
    /// (open balance 0 → `paid`, below the original → `partially_paid`).
    pub fn new(n: NewReceivable) -> Result<Self, ReceivableError> {
        let open = n.open_balance.unwrap_or(n.original_amount);
        Self::check(&n, open)?;
        let status = balance_status(open, n.original_amount);
        Ok(Self::assemble(n, open, status))
    }

    /// Rebuilds a stored receivable, checking that the stored status agrees
    /// with the stored balance.
    pub fn restore(n: NewReceivable, status: ReceivableStatus) -> Result<Self, ReceivableError> {
        let open = n.open_balance.unwrap_or(n.original_amount);
        Self::check(&n, open)?;
        let consistent = match status {
            ReceivableStatus::Open | ReceivableStatus::PartiallyPaid | ReceivableStatus::Paid => {
                balance_status(open, n.original_amount) == status
            }
            _ => true,
        };
        if !consistent {
            return Err(ReceivableError::StatusMismatch {
                status,
                open,
                original: n.original_amount,
            });
        }
        Ok(Self::assemble(n, open, status))
    }

    fn check(n: &NewReceivable, open: Money) -> Result<(), ReceivableError> {
        if !n.original_amount.is_positive() {
            return Err(ReceivableError::NonPositiveAmount);
        }
        if open.is_negative() || open > n.original_amount {
            return Err(ReceivableError::OpenBalanceOutOfRange);
        }
        if n.issue_date.is_some_and(|i| n.due_date < i) {
            return Err(ReceivableError::DueBeforeIssue);
        }
        Ok(())
    }

    fn assemble(n: NewReceivable, open: Money, status: ReceivableStatus) -> Self {
        Self {
            document_number: n.document_number,
            installment: n.installment,
            issue_date: n.issue_date,
            due_date: n.due_date,
            original_amount: n.original_amount,
            open_balance: open,
            status,
        }
    }

    pub fn document_number(&self) -> &DocumentNumber {
        &self.document_number
    }
    pub fn installment(&self) -> Installment {
        self.installment
    }
    pub fn issue_date(&self) -> Option<Date> {
        self.issue_date
    }
    pub fn due_date(&self) -> Date {
        self.due_date
    }
    pub fn original_amount(&self) -> Money {
        self.original_amount
    }
    pub fn open_balance(&self) -> Money {
        self.open_balance
    }
    pub fn status(&self) -> ReceivableStatus {
        self.status
    }
    /// `original − open`.
    pub fn paid_amount(&self) -> Money {
        Money::from_centavos(self.original_amount.centavos() - self.open_balance.centavos())
    }

    fn require(
        &self,
        action: &'static str,
        allowed: &[ReceivableStatus],
    ) -> Result<(), TransitionError> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(TransitionError::NotAllowed {
                from: self.status,
                action,
            })
        }
    }

    /// Applies a payment (settle / baixa): `open`/`partially_paid` →
    /// `partially_paid` or `paid`. Paying more than the open balance settles
    /// it and reports the excess.
    pub fn apply_payment(&mut self, amount: Money) -> Result<PaymentApplied, TransitionError> {
        self.require(
            "pay",
            &[ReceivableStatus::Open, ReceivableStatus::PartiallyPaid],
        )?;
        if !amount.is_positive() {
            return Err(TransitionError::NonPositivePayment);
        }
        let applied = amount.min(self.open_balance);
        let excess = Money::from_centavos(amount.centavos() - applied.centavos());
        self.open_balance = Money::from_centavos(self.open_balance.centavos() - applied.centavos());
        self.status = balance_status(self.open_balance, self.original_amount);
        Ok(PaymentApplied {
            applied,
            excess,
            status: self.status,
        })
    }

    /// Undoes (part of) a payment, e.g. a returned cheque or a reconciliation
    /// error: `paid`/`partially_paid` → `partially_paid` or `open`.
    pub fn reverse_payment(&mut self, amount: Money) -> Result<ReceivableStatus, TransitionError> {
        self.require(
            "reverse a payment of",
            &[ReceivableStatus::PartiallyPaid, ReceivableStatus::Paid],
        )?;
        if !amount.is_positive() {
            return Err(TransitionError::NonPositivePayment);
        }
        if amount > self.paid_amount() {
            return Err(TransitionError::ReversalTooLarge { amount });
        }
        self.open_balance = Money::from_centavos(self.open_balance.centavos() + amount.centavos());
        self.status = balance_status(self.open_balance, self.original_amount);
        Ok(self.status)
    }

    /// Replaced by an agreement: `open`/`partially_paid` → `renegotiated`.
    pub fn renegotiate(&mut self) -> Result<(), TransitionError> {
        self.require(
            "renegotiate",
            &[ReceivableStatus::Open, ReceivableStatus::PartiallyPaid],
        )?;
        self.status = ReceivableStatus::Renegotiated;
        Ok(())
    }

    /// The agreement that replaced it broke: `renegotiated` → `open` or
    /// `partially_paid` (by the balance it kept).
    pub fn reinstate(&mut self) -> Result<ReceivableStatus, TransitionError> {
        self.require("reinstate", &[ReceivableStatus::Renegotiated])?;
        self.status = balance_status(self.open_balance, self.original_amount);
        Ok(self.status)
    }

    /// Cancelled by the creditor (issued in error, sale undone):
    /// `open`/`partially_paid` → `cancelled` (terminal).
    pub fn cancel(&mut self) -> Result<(), TransitionError> {
        self.require(
            "cancel",
            &[ReceivableStatus::Open, ReceivableStatus::PartiallyPaid],
        )?;
        self.status = ReceivableStatus::Cancelled;
        Ok(())
    }

    /// Written off as a loss: `open`/`partially_paid` → `written_off` (terminal).
    pub fn write_off(&mut self) -> Result<(), TransitionError> {
        self.require(
            "write off",
            &[ReceivableStatus::Open, ReceivableStatus::PartiallyPaid],
        )?;
        self.status = ReceivableStatus::WrittenOff;
        Ok(())
    }
}

/// A field of a receivable that a re-import may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceivableField {
    IssueDate,
    DueDate,
    OriginalAmount,
    OpenBalance,
    InstallmentTotal,
}

/// Why an imported row cannot update a stored receivable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportUpdateError {
    #[error("the row is a different receivable (document number or installment differ)")]
    DifferentIdentity,
    #[error("a receivable that is {0} is not changed by an import")]
    NotUpdatable(ReceivableStatus),
    /// The amount paid so far (original − open) would fall: an older file,
    /// or a payment undone, which an import must not do.
    #[error("the amount paid would fall from {before} to {after}")]
    PaymentsUndone { before: Money, after: Money },
    #[error(transparent)]
    Invalid(#[from] ReceivableError),
}

impl Receivable {
    /// What has been paid (or abated) so far: original amount − open balance.
    pub fn amount_paid(&self) -> Money {
        // Cannot overflow: 0 <= open_balance <= original_amount.
        self.original_amount
            .checked_sub(self.open_balance)
            .unwrap_or(Money::from_centavos(0))
    }

    /// The fields whose values differ in `incoming` (same identity assumed);
    /// empty means a re-import changes nothing.
    pub fn changes_from(&self, incoming: &NewReceivable) -> Vec<ReceivableField> {
        let mut out = Vec::new();
        if self.issue_date != incoming.issue_date {
            out.push(ReceivableField::IssueDate);
        }
        if self.due_date != incoming.due_date {
            out.push(ReceivableField::DueDate);
        }
        if self.original_amount != incoming.original_amount {
            out.push(ReceivableField::OriginalAmount);
        }
        if self.open_balance != incoming.open_balance.unwrap_or(incoming.original_amount) {
            out.push(ReceivableField::OpenBalance);
        }
        if self.installment.total != incoming.installment.total {
            out.push(ReceivableField::InstallmentTotal);
        }
        out
    }

    /// Applies a re-imported row to this receivable and says what changed.
    ///
    /// The identity (document number and installment number) must be the
    /// same; only a collectable receivable (`open` / `partially_paid`) is
    /// updated, because a paid, renegotiated, cancelled or written-off one
    /// has a history the creditor's file does not know about. The new values
    /// are validated as in [`Receivable::new`] and the status follows the
    /// new balance. What was paid (original − open) falls only when
    /// `reversals` accepts it, and then a `paid` receivable opens again
    /// (a cheque returned after the file that settled it). On error nothing
    /// changes.
    pub fn update_from_import(
        &mut self,
        incoming: NewReceivable,
        reversals: Reversals,
    ) -> Result<Vec<ReceivableField>, ImportUpdateError> {
        if incoming.document_number != self.document_number
            || incoming.installment.number != self.installment.number
        {
            return Err(ImportUpdateError::DifferentIdentity);
        }
        let changes = self.changes_from(&incoming);
        if changes.is_empty() {
            return Ok(changes);
        }
        let reopens = self.status == ReceivableStatus::Paid && reversals == Reversals::Accepted;
        if !self.status.is_collectable() && !reopens {
            return Err(ImportUpdateError::NotUpdatable(self.status));
        }
        let updated = Receivable::new(incoming)?;
        let (before, after) = (self.amount_paid(), updated.amount_paid());
        if after < before && reversals == Reversals::Refused {
            return Err(ImportUpdateError::PaymentsUndone { before, after });
        }
        // A paid title changes only by a reversal: other news about it
        // (a new due date) is still the history the file does not know.
        if !self.status.is_collectable() && after >= before {
            return Err(ImportUpdateError::NotUpdatable(self.status));
        }
        *self = updated;
        Ok(changes)
    }
}

/// Whether an import may lower what was paid on a receivable (raise its open
/// balance): a returned cheque or a chargeback the creditor's file now
/// shows. Refused unless the import asks for it, because an older file shows
/// the same rise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reversals {
    #[default]
    Refused,
    Accepted,
}

impl Reversals {
    /// As an option asks for it (`--reversals`, `reversals=true`, the box).
    pub fn accepted_if(asked: bool) -> Self {
        if asked { Self::Accepted } else { Self::Refused }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn m(c: i64) -> Money {
        Money::from_centavos(c)
    }

    fn new(original: i64, open: Option<i64>) -> NewReceivable {
        NewReceivable {
            document_number: DocumentNumber::parse(" NF-123 ").unwrap(),
            installment: Installment::new(2, Some(3)).unwrap(),
            issue_date: Some(date(2026, 1, 1)),
            due_date: date(2026, 2, 1),
            original_amount: m(original),
            open_balance: open.map(m),
        }
    }

    #[test]
    fn status_text_round_trips() {
        for s in ReceivableStatus::ALL {
            assert_eq!(s.as_str().parse::<ReceivableStatus>(), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!("closed".parse::<ReceivableStatus>().is_err());
    }

    #[test]
    fn validated_construction() {
        let r = Receivable::new(new(1000, None)).unwrap();
        assert_eq!(r.status(), ReceivableStatus::Open);
        assert_eq!(r.document_number().as_str(), "NF-123");
        assert_eq!(
            Receivable::new(new(1000, Some(400))).unwrap().status(),
            ReceivableStatus::PartiallyPaid
        );
        assert_eq!(
            Receivable::new(new(1000, Some(0))).unwrap().status(),
            ReceivableStatus::Paid
        );
        assert_eq!(
            Receivable::new(new(0, None)),
            Err(ReceivableError::NonPositiveAmount)
        );
        assert_eq!(
            Receivable::new(new(-5, None)),
            Err(ReceivableError::NonPositiveAmount)
        );
        assert_eq!(
            Receivable::new(new(10, Some(11))),
            Err(ReceivableError::OpenBalanceOutOfRange)
        );
        assert_eq!(
            Receivable::new(new(10, Some(-1))),
            Err(ReceivableError::OpenBalanceOutOfRange)
        );
        let mut n = new(10, None);
        n.due_date = date(2025, 12, 31);
        assert_eq!(Receivable::new(n), Err(ReceivableError::DueBeforeIssue));
        assert!(Installment::new(0, None).is_err());
        assert!(Installment::new(4, Some(3)).is_err());
        assert!(Installment::new(4, None).is_ok());
        assert!(DocumentNumber::parse("").is_err());
        assert!(Receivable::restore(new(10, Some(5)), ReceivableStatus::Open).is_err());
        assert!(Receivable::restore(new(10, Some(5)), ReceivableStatus::WrittenOff).is_ok());
    }

    #[test]
    fn lifecycle() {
        let mut r = Receivable::new(new(1000, None)).unwrap();
        let p = r.apply_payment(m(300)).unwrap();
        assert_eq!(
            (p.applied, p.excess, p.status),
            (m(300), m(0), ReceivableStatus::PartiallyPaid)
        );
        let p = r.apply_payment(m(800)).unwrap();
        assert_eq!(
            (p.applied, p.excess, p.status),
            (m(700), m(100), ReceivableStatus::Paid)
        );
        assert!(matches!(
            r.apply_payment(m(1)),
            Err(TransitionError::NotAllowed { .. })
        ));
        assert_eq!(
            r.reverse_payment(m(1001)),
            Err(TransitionError::ReversalTooLarge { amount: m(1001) })
        );
        assert_eq!(r.reverse_payment(m(1000)), Ok(ReceivableStatus::Open));
        r.renegotiate().unwrap();
        assert!(r.cancel().is_err());
        assert_eq!(r.reinstate(), Ok(ReceivableStatus::Open));
        r.write_off().unwrap();
        for res in [r.cancel(), r.renegotiate(), r.write_off()] {
            assert!(res.is_err());
        }
        assert_eq!(r.status(), ReceivableStatus::WrittenOff);
        assert_eq!(
            r.apply_payment(m(0)).unwrap_err().to_string(),
            "cannot pay a receivable that is written_off"
        );
    }

    #[test]
    fn reimport_updates_and_says_so() {
        let mut r = Receivable::new(new(1000, None)).unwrap();
        assert_eq!(
            r.update_from_import(new(1000, None), Reversals::Refused),
            Ok(vec![])
        );
        let mut changed = new(1200, Some(1100));
        changed.due_date = date(2026, 3, 1);
        assert_eq!(
            r.update_from_import(changed, Reversals::Refused),
            Ok(vec![
                ReceivableField::DueDate,
                ReceivableField::OriginalAmount,
                ReceivableField::OpenBalance
            ])
        );
        assert_eq!(r.status(), ReceivableStatus::PartiallyPaid);
        assert_eq!(r.original_amount(), m(1200));
        let before = r.clone();
        let mut other = new(1200, Some(1100));
        other.document_number = DocumentNumber::parse("NF-999").unwrap();
        assert_eq!(
            r.update_from_import(other, Reversals::Refused),
            Err(ImportUpdateError::DifferentIdentity)
        );
        assert_eq!(
            r.update_from_import(new(1000, Some(2000)), Reversals::Refused),
            Err(ImportUpdateError::Invalid(
                ReceivableError::OpenBalanceOutOfRange
            ))
        );
        // What was paid (100) is not undone by an older file; a new amount
        // that keeps it is taken.
        assert_eq!(
            r.update_from_import(new(1200, Some(1200)), Reversals::Refused),
            Err(ImportUpdateError::PaymentsUndone {
                before: m(100),
                after: m(0)
            })
        );
        assert_eq!(
            r.update_from_import(new(1200, Some(1150)), Reversals::Refused),
            Err(ImportUpdateError::PaymentsUndone {
                before: m(100),
                after: m(50)
            })
        );
        assert_eq!(r, before);
        let mut raised = r.clone();
        assert_eq!(
            raised.update_from_import(new(1300, Some(1200)), Reversals::Refused),
            Ok(vec![
                ReceivableField::DueDate,
                ReceivableField::OriginalAmount,
                ReceivableField::OpenBalance
            ])
        );
        assert_eq!(raised.amount_paid(), m(100));
        r.write_off().unwrap();
        assert_eq!(
            r.update_from_import(new(5, None), Reversals::Accepted),
            Err(ImportUpdateError::NotUpdatable(
                ReceivableStatus::WrittenOff
            ))
        );
    }

    #[test]
    fn digits_only_numbers_compare_without_their_zeros() {
        let z = |s: &str| {
            DocumentNumber::parse(s)
                .unwrap()
                .zero_free()
                .map(str::to_owned)
        };
        assert_eq!(z("000123").as_deref(), Some("123"));
        assert_eq!(z("123").as_deref(), Some("123"));
        assert_eq!(z("000").as_deref(), Some("0"));
        assert_eq!(z("NF-0123"), None);
        assert_eq!(z("0 123"), None);
    }

    #[test]
    fn reversals_are_taken_only_when_accepted() {
        // Paid by a file, then a later file shows the cheque returned.
        let mut paid = Receivable::new(new(1000, Some(0))).unwrap();
        let before = paid.clone();
        assert_eq!(
            paid.update_from_import(new(1000, Some(1000)), Reversals::Refused),
            Err(ImportUpdateError::NotUpdatable(ReceivableStatus::Paid))
        );
        assert_eq!(paid, before);
        assert_eq!(
            paid.update_from_import(new(1000, Some(400)), Reversals::Accepted),
            Ok(vec![ReceivableField::OpenBalance])
        );
        assert_eq!(
            (paid.status(), paid.amount_paid()),
            (ReceivableStatus::PartiallyPaid, m(600))
        );
        // Part of a payment undone on a partly paid title.
        assert_eq!(
            paid.update_from_import(new(1000, Some(1000)), Reversals::Accepted),
            Ok(vec![ReceivableField::OpenBalance])
        );
        assert_eq!(paid.status(), ReceivableStatus::Open);
        // A paid title still ignores news that undoes no payment.
        let mut settled = Receivable::new(new(1000, Some(0))).unwrap();
        let mut later = new(1000, Some(0));
        later.due_date = date(2026, 3, 1);
        assert_eq!(
            settled.update_from_import(later, Reversals::Accepted),
            Err(ImportUpdateError::NotUpdatable(ReceivableStatus::Paid))
        );
        // Invalid values stay refused, and a closed-by-hand title stays closed.
        assert_eq!(
            settled.update_from_import(new(1000, Some(2000)), Reversals::Accepted),
            Err(ImportUpdateError::Invalid(
                ReceivableError::OpenBalanceOutOfRange
            ))
        );
        let mut off = Receivable::new(new(1000, Some(500))).unwrap();
        off.write_off().unwrap();
        assert_eq!(
            off.update_from_import(new(1000, Some(1000)), Reversals::Accepted),
            Err(ImportUpdateError::NotUpdatable(
                ReceivableStatus::WrittenOff
            ))
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Pay(i64),
        Reverse(i64),
        Renegotiate,
        Reinstate,
        Cancel,
        WriteOff,
        /// A file's row: its amount, open balance, and whether reversals
        /// are accepted.
        Import(i64, i64, bool),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (-10i64..2000).prop_map(Op::Pay),
            2 => (-10i64..2000).prop_map(Op::Reverse),
            1 => Just(Op::Renegotiate),
            1 => Just(Op::Reinstate),
            1 => Just(Op::Cancel),
            1 => Just(Op::WriteOff),
            3 => (1i64..1600, 0i64..1600, any::<bool>()).prop_map(|(a, o, r)| Op::Import(a, o, r)),
        ]
    }

    proptest! {
        #[test]
        fn state_machine_keeps_invariants(original in 1i64..1500, ops in proptest::collection::vec(op(), 0..40)) {
            let mut r = Receivable::new(new(original, None)).unwrap();
            for o in ops {
                let before = r.clone();
                let ok = match o {
                    Op::Pay(a) => r.apply_payment(m(a)).is_ok(),
                    Op::Reverse(a) => r.reverse_payment(m(a)).is_ok(),
                    Op::Renegotiate => r.renegotiate().is_ok(),
                    Op::Reinstate => r.reinstate().is_ok(),
                    Op::Cancel => r.cancel().is_ok(),
                    Op::WriteOff => r.write_off().is_ok(),
                    Op::Import(amount, open, accepted) => {
                        let reversals = if accepted { Reversals::Accepted } else { Reversals::Refused };
                        let ok = r.update_from_import(new(amount, Some(open)), reversals).is_ok();
                        if !accepted {
                            prop_assert!(r.amount_paid() >= before.amount_paid(), "a refused reversal lowered what was paid");
                        }
                        if ok && r != before {
                            prop_assert!(before.status().is_collectable() || (accepted && before.status() == ReceivableStatus::Paid));
                        }
                        ok
                    }
                };
                if !ok {
                    prop_assert_eq!(&r, &before, "a failed transition changed the receivable");
                }
                if matches!(before.status(), ReceivableStatus::Cancelled | ReceivableStatus::WrittenOff) {
                    prop_assert_eq!(&r, &before, "terminal states never change");
                }
                prop_assert!(r.open_balance() >= Money::ZERO && r.open_balance() <= r.original_amount());
                if matches!(r.status(), ReceivableStatus::Open | ReceivableStatus::PartiallyPaid | ReceivableStatus::Paid) {
                    prop_assert_eq!(r.status(), balance_status(r.open_balance(), r.original_amount()));
                }
                // Whatever happened, a stored copy restores to the same value.
                let restored = Receivable::restore(
                    NewReceivable {
                        document_number: r.document_number().clone(),
                        installment: r.installment(),
                        issue_date: r.issue_date(),
                        due_date: r.due_date(),
                        original_amount: r.original_amount(),
                        open_balance: Some(r.open_balance()),
                    },
                    r.status(),
                );
                prop_assert_eq!(restored, Ok(r.clone()));
            }
        }
    }
}
