//! The aging by debtor: each debtor's collectable open balance by bucket,
//! the most overdue first, a page at a time — whom to work first.

use futures_util::stream::BoxStream;
use jiff::civil::Date;
use quita_core::money::Money;
use quita_store::{
    date_of, day_number,
    portfolio::{
        aging::AgingScope,
        debtor_aging::{self, DebtorAgingCursor},
    },
};

use super::aging::AgingQuery;
use crate::{App, AppResult, auth::Principal};

/// One debtor's line of the aging by debtor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorAging {
    pub debtor_id: i64,
    /// CPF/CNPJ digits.
    pub document: String,
    pub name: String,
    /// Collectable receivables.
    pub count: i64,
    pub original_amount: Money,
    pub open_balance: Money,
    /// Open balance already past due on the aging's date.
    pub overdue_balance: Money,
    /// Days past due of the oldest receivable, counted from its
    /// business-day-adjusted due date; zero or less when none is due yet.
    pub days_past_due: i64,
    /// The earliest (adjusted) due date among them.
    pub oldest_due: Date,
    /// Open balance in each of the query's buckets, in order.
    pub by_bucket: Vec<Money>,
}

/// A line of the aging by debtor, as a page cursor: the next page starts
/// after it, the previous one ends before it. Written
/// `OVERDUE_CENTAVOS.DEBTOR_ID` in links and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebtorAgingKey {
    pub overdue_centavos: i64,
    pub debtor_id: i64,
}

impl DebtorAgingKey {
    /// Reads `OVERDUE_CENTAVOS.DEBTOR_ID`; `None` when it is not one.
    pub fn parse(raw: &str) -> Option<Self> {
        let (overdue, id) = raw.trim().split_once('.')?;
        Some(Self {
            overdue_centavos: overdue.parse().ok().filter(|c: &i64| *c >= 0)?,
            debtor_id: id.parse().ok().filter(|i: &i64| *i > 0)?,
        })
    }
}

impl std::fmt::Display for DebtorAgingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.overdue_centavos, self.debtor_id)
    }
}

/// Where a page of the aging by debtor starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebtorAgingFrom {
    Start,
    After(DebtorAgingKey),
    Before(DebtorAgingKey),
}

/// A page of the aging by debtor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorAgingPage {
    pub lines: Vec<DebtorAging>,
    /// The cursor of the next page (`After`), if more lines follow.
    pub next: Option<DebtorAgingKey>,
    /// The cursor of the previous page (`Before`), if lines come before.
    pub previous: Option<DebtorAgingKey>,
    /// Debtors in the whole list (0 on an empty page).
    pub debtors: i64,
}

/// A stored line in money and dates, its days past due counted at `today`.
fn line(l: debtor_aging::DebtorAgingLine, today: i64) -> DebtorAging {
    DebtorAging {
        debtor_id: l.debtor_id,
        document: l.document,
        name: l.name,
        count: l.count,
        original_amount: Money::from_centavos(l.original_amount),
        open_balance: Money::from_centavos(l.open_balance),
        overdue_balance: Money::from_centavos(l.overdue_balance),
        days_past_due: today - l.oldest_due_day,
        oldest_due: date_of(l.oldest_due_day),
        by_bucket: l.by_range.into_iter().map(Money::from_centavos).collect(),
    }
}

impl App {
    /// The aging by debtor of `q` (creditor, debtor, date, buckets as the
    /// aging has them): each debtor with collectable receivables, the
    /// largest overdue balance first (then by id), at most `limit` (1 to
    /// 1,000) from `from`. The lines add up to the aging's counts, original
    /// amounts and open balances, bucket by bucket.
    pub async fn aging_by_debtor(
        &self,
        org_id: i64,
        q: &AgingQuery,
        from: DebtorAgingFrom,
        limit: i64,
    ) -> AppResult<DebtorAgingPage> {
        let limit = limit.clamp(1, 1000);
        let shown = usize::try_from(limit).unwrap_or(usize::MAX);
        let cursor = match from {
            DebtorAgingFrom::Start => DebtorAgingCursor::Start,
            DebtorAgingFrom::After(k) => DebtorAgingCursor::After {
                overdue_balance: k.overdue_centavos,
                debtor_id: k.debtor_id,
            },
            DebtorAgingFrom::Before(k) => DebtorAgingCursor::Before {
                overdue_balance: k.overdue_centavos,
                debtor_id: k.debtor_id,
            },
        };
        // One more than asked says whether another page follows (or, going
        // back, comes before).
        let (mut lines, debtors) = self
            .debtor_aging_lines(org_id, q, cursor, limit + 1)
            .await?;
        let more = lines.len() > shown;
        if more {
            match from {
                DebtorAgingFrom::Before(_) => {
                    lines.remove(0);
                }
                _ => lines.truncate(shown),
            }
        }
        let key = |l: &DebtorAging| DebtorAgingKey {
            overdue_centavos: l.overdue_balance.centavos(),
            debtor_id: l.debtor_id,
        };
        let (next, previous) = match from {
            DebtorAgingFrom::Start => (more.then(|| lines.last().map(key)).flatten(), None),
            DebtorAgingFrom::After(_) => (
                more.then(|| lines.last().map(key)).flatten(),
                lines.first().map(key),
            ),
            DebtorAgingFrom::Before(_) => (
                lines.last().map(key),
                more.then(|| lines.first().map(key)).flatten(),
            ),
        };
        Ok(DebtorAgingPage {
            lines,
            next,
            previous,
            debtors,
        })
    }

    /// Every line of the aging by debtor of `q`, in its order, as the
    /// database yields them: the exports write each as it comes, so the
    /// list is never held whole in memory.
    pub async fn aging_by_debtor_stream(
        &self,
        org_id: i64,
        q: &AgingQuery,
    ) -> AppResult<BoxStream<'_, AppResult<DebtorAging>>> {
        use futures_util::StreamExt;
        let (scope, today, ranges) = self.debtor_aging_scope(org_id, q).await?;
        Ok(
            debtor_aging::debtor_lines_stream(&self.db, org_id, &scope, today, &ranges)
                .map(move |l| Ok(line(l?, today)))
                .boxed(),
        )
    }

    /// What the aging by debtor of `q` reads: its scope, its day and the
    /// adjusted due days of each bucket (at most
    /// [`MAX_BUCKETS`](quita_core::aging::MAX_BUCKETS), as every aging).
    async fn debtor_aging_scope(
        &self,
        org_id: i64,
        q: &AgingQuery,
    ) -> AppResult<(AgingScope, i64, Vec<(i64, i64)>)> {
        let scope = self.aging_scope(org_id, q).await?;
        let today = day_number(q.as_of);
        let ranges: Vec<(i64, i64)> = (0..q.buckets.len())
            .filter_map(|i| q.buckets.bounds(i))
            .map(|(lo, hi)| {
                (
                    hi.map_or(i64::MIN / 4, |h| today - i64::from(h)),
                    lo.map_or(i64::MAX / 4, |l| today - i64::from(l)),
                )
            })
            .collect();
        Ok((scope, today, ranges))
    }

    /// The lines from `cursor` and the whole list's count of debtors.
    async fn debtor_aging_lines(
        &self,
        org_id: i64,
        q: &AgingQuery,
        cursor: DebtorAgingCursor,
        limit: i64,
    ) -> AppResult<(Vec<DebtorAging>, i64)> {
        let (scope, today, ranges) = self.debtor_aging_scope(org_id, q).await?;
        let found =
            debtor_aging::debtor_lines(&self.db, org_id, &scope, today, &ranges, cursor, limit)
                .await?;
        let lines = found.lines.into_iter().map(|l| line(l, today)).collect();
        Ok((lines, found.debtors))
    }

    /// Records that the whole aging by debtor of `q` left in a file (who,
    /// which filters, whether with whole CPF/CNPJ): many debtors' data at
    /// once, as a bucket's export is recorded.
    pub async fn record_debtor_aging_export(
        &self,
        who: &Principal,
        q: &AgingQuery,
        whole_documents: bool,
    ) -> AppResult<()> {
        let details = serde_json::json!({
            "as_of": q.as_of.to_string(),
            "creditor_id": q.creditor_id,
            "buckets": q.buckets.labels().collect::<Vec<_>>(),
            "whole_documents": whole_documents,
        });
        self.record_export(who, "aging_by_debtor_exported", details)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_reads_what_it_writes() {
        let a = DebtorAgingKey {
            overdue_centavos: 123_456,
            debtor_id: 42,
        };
        assert_eq!(a.to_string(), "123456.42");
        assert_eq!(DebtorAgingKey::parse("123456.42"), Some(a));
        assert_eq!(
            DebtorAgingKey::parse("0.7"),
            Some(DebtorAgingKey {
                overdue_centavos: 0,
                debtor_id: 7
            })
        );
        for bad in ["", "42", "-1.4", "1.0", "1.x", "1.2.3", "a.b"] {
            assert_eq!(DebtorAgingKey::parse(bad), None, "{bad}");
        }
    }
}
