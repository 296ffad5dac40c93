//! The aging list: open balance by days-past-due bucket, with original and
//! updated amounts, and the drill-down to a bucket's receivables.

use std::collections::HashMap;

use jiff::civil::Date;
use quita_core::{
    aging::{AgingBuckets, AgingReport, AgingTotals},
    contract::effective_policy,
    debt_update::{DebtUpdateRequest, debt_update},
    money::Money,
};
use quita_store::{
    audit, date_of, day_number, orgs,
    portfolio::{
        Keyset,
        aging::{self, AgingScope},
        bucket_lines::{BucketLine, bucket_lines},
    },
};

use super::{calendar, keyset_page};
use crate::{App, AppError, AppResult, auth::Principal};

/// One creditor's aging: serialized as the report with `creditor_id` and
/// `name` beside it (the CLI's and the API's `by_creditor`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct CreditorAging {
    pub creditor_id: i64,
    pub name: String,
    #[serde(flatten)]
    pub report: AgingReport,
}

#[derive(Debug, Clone)]
pub struct AgingQuery {
    pub creditor_id: Option<i64>,
    pub debtor_id: Option<i64>,
    pub as_of: Date,
    pub buckets: AgingBuckets,
}

impl App {
    /// The aging report. Updated amounts are the debt update of each group of
    /// receivables sharing creditor and due date (the charges are linear in
    /// the principal, so this equals the per-receivable sum up to rounding);
    /// receivables of contracts with their own terms are grouped apart, by
    /// contract, and updated with those terms, as on the debtor's 360°.
    pub async fn aging(&self, org_id: i64, q: &AgingQuery) -> AppResult<AgingReport> {
        let scope = self.aging_scope(org_id, q).await?;
        let mut groups = aging::groups(&self.db, org_id, &scope).await?;
        let by_contract = aging::contract_groups(&self.db, org_id, &scope).await?;
        if !by_contract.is_empty() {
            let at: HashMap<(i64, i64, i64), usize> = groups
                .iter()
                .enumerate()
                .map(|(i, g)| ((g.creditor_id, g.due_day, g.adjusted_due_day), i))
                .collect();
            for k in &by_contract {
                let g = &k.group;
                let i = at
                    .get(&(g.creditor_id, g.due_day, g.adjusted_due_day))
                    .copied()
                    .ok_or_else(|| {
                        AppError::Internal(anyhow::anyhow!(
                            "contract group outside the aging groups"
                        ))
                    })?;
                let base = &mut groups[i];
                base.count -= g.count;
                base.original_amount -= g.original_amount;
                base.open_balance -= g.open_balance;
            }
        }
        let creditors: HashMap<i64, _> = self
            .creditors(org_id)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let tables = self.index_tables(org_id).await?;
        let as_of_day = day_number(q.as_of);
        let cal = calendar();
        let mut report = AgingReport::new(q.as_of, q.buckets.clone());
        let parts = groups
            .iter()
            .filter(|g| g.count > 0)
            .map(|g| (g, None))
            .chain(by_contract.iter().map(|k| (&k.group, Some(&k.terms))));
        for (g, terms) in parts {
            let open = Money::from_centavos(g.open_balance);
            let updated = match creditors.get(&g.creditor_id) {
                Some(c) => {
                    let policy = effective_policy(&c.policy, terms);
                    let index = policy.correction().table_name().and_then(|n| tables.get(n));
                    let req = DebtUpdateRequest {
                        principal: open,
                        due_date: date_of(g.due_day),
                        on: q.as_of,
                        payments: Money::ZERO,
                        policy: &policy,
                        index,
                    };
                    match debt_update(&req, cal) {
                        Ok(u) => u.total(),
                        Err(_) => {
                            report.note_not_updated(u64::try_from(g.count).unwrap_or(0));
                            open
                        }
                    }
                }
                None => open,
            };
            let idx = q.buckets.classify(as_of_day - g.adjusted_due_day);
            report
                .add_totals(
                    idx,
                    AgingTotals {
                        count: u64::try_from(g.count).unwrap_or(0),
                        original_amount: Money::from_centavos(g.original_amount),
                        open_balance: open,
                        updated_amount: updated,
                    },
                )
                .map_err(|e| AppError::Internal(e.into()))?;
        }
        Ok(report)
    }

    /// The aging of each creditor (only `q.creditor_id` when given), in
    /// name order, leaving out creditors with nothing open. Each is one
    /// range of the covering index, so all of them together read what one
    /// report over the organization reads.
    pub async fn aging_by_creditor(
        &self,
        org_id: i64,
        q: &AgingQuery,
    ) -> AppResult<Vec<CreditorAging>> {
        let mut creditors = self.creditors(org_id).await?;
        creditors.retain(|c| q.creditor_id.is_none_or(|id| id == c.id));
        creditors.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        let mut out = Vec::with_capacity(creditors.len());
        for c in creditors {
            let one = AgingQuery {
                creditor_id: Some(c.id),
                ..q.clone()
            };
            let report = self.aging(org_id, &one).await?;
            if report.total().count > 0 {
                out.push(CreditorAging {
                    creditor_id: c.id,
                    name: c.name,
                    report,
                });
            }
        }
        Ok(out)
    }

    /// What an aging reads. At a past date, receivables issued after it did
    /// not exist yet and stay out, and those cancelled or written off by
    /// hand after it (from the next day on, in the organization's time
    /// zone) were still owed and count, with the balance they kept. Open
    /// balances are otherwise today's: payments recorded after a past date
    /// are not undone (a receivable an import settled is not brought back).
    pub(super) async fn aging_scope(&self, org_id: i64, q: &AgingQuery) -> AppResult<AgingScope> {
        let org = orgs::get(&self.db, org_id).await?;
        let today = self.clock.today_in(&org.time_zone);
        let past = q.as_of < today;
        let closed_since = if past {
            let tz = jiff::tz::TimeZone::get(&org.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
            let next_day = q
                .as_of
                .tomorrow()
                .and_then(|d| d.to_zoned(tz))
                .map_err(|e| AppError::Internal(e.into()))?;
            Some(next_day.timestamp().as_millisecond())
        } else {
            None
        };
        Ok(AgingScope {
            creditor_id: q.creditor_id,
            debtor_id: q.debtor_id,
            issued_by: past.then(|| day_number(q.as_of)),
            closed_since,
        })
    }

    /// The receivables of one bucket (by index), most overdue first, after the receivable `after`, at
    /// most `limit` (1 to 1,000), each with its debt update on the aging's
    /// date under its contract's or creditor's terms, as the report's
    /// updated amounts are; and whether more follow.
    pub async fn aging_drill_down(
        &self,
        org_id: i64,
        q: &AgingQuery,
        bucket: usize,
        cursor: Keyset,
        limit: i64,
    ) -> AppResult<DrillPage> {
        let limit = limit.clamp(1, 1000);
        let (lo, hi) = q.buckets.bounds(bucket).ok_or(AppError::NotFound)?;
        let as_of_day = day_number(q.as_of);
        let from_day = hi.map_or(i64::MIN / 4, |h| as_of_day - i64::from(h));
        let to_day = lo.map_or(i64::MAX / 4, |l| as_of_day - i64::from(l));
        let scope = self.aging_scope(org_id, q).await?;
        // One more than asked says whether another page follows.
        let lines = bucket_lines(
            &self.db,
            org_id,
            &scope,
            (from_day, to_day),
            cursor,
            limit + 1,
        )
        .await?;
        let page = keyset_page::cut(lines, cursor, usize::try_from(limit).unwrap_or(0), |l| {
            l.receivable.id
        });
        let creditors: HashMap<i64, _> = self
            .creditors(org_id)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let tables = self.index_tables(org_id).await?;
        let lines = page
            .rows
            .into_iter()
            .map(|line| {
                let r = &line.receivable;
                let updated = creditors.get(&r.creditor_id).and_then(|c| {
                    let policy = effective_policy(&c.policy, line.contract_terms.as_ref());
                    let index = policy.correction().table_name().and_then(|n| tables.get(n));
                    let req = DebtUpdateRequest {
                        principal: Money::from_centavos(r.open_balance),
                        due_date: r.due_date,
                        on: q.as_of,
                        payments: Money::ZERO,
                        policy: &policy,
                        index,
                    };
                    debt_update(&req, calendar()).ok().map(|u| u.total())
                });
                DrillLine { line, updated }
            })
            .collect();
        Ok(DrillPage {
            lines,
            next: page.next,
            previous: page.previous,
        })
    }
}

impl App {
    /// Records who exported a bucket's receivables, with which filters and
    /// whether with whole CPFs/CNPJs: an export carries many debtors'
    /// personal data at once (LGPD), where the 360° logs each opening.
    pub async fn record_bucket_export(
        &self,
        who: &Principal,
        q: &AgingQuery,
        bucket: &str,
        whole_documents: bool,
    ) -> AppResult<()> {
        let details = serde_json::json!({
            "bucket": bucket,
            "as_of": q.as_of.to_string(),
            "creditor_id": q.creditor_id,
            "debtor_id": q.debtor_id,
            "whole_documents": whole_documents,
        });
        self.record_export(who, "aging_bucket_exported", details)
            .await
    }

    /// Appends the audit entry of an export of many debtors' data.
    pub(super) async fn record_export(
        &self,
        who: &Principal,
        action: &'static str,
        details: serde_json::Value,
    ) -> AppResult<()> {
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action,
                target: None,
                details,
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A page of a bucket's receivables.
#[derive(Debug, Clone)]
pub struct DrillPage {
    pub lines: Vec<DrillLine>,
    /// `Keyset::After` this id reads the next page, if there is one.
    pub next: Option<i64>,
    /// `Keyset::Before` this id reads the previous page, if there is one.
    pub previous: Option<i64>,
}

/// A receivable of an aging bucket as the drill-down shows it.
#[derive(Debug, Clone)]
pub struct DrillLine {
    pub line: BucketLine,
    /// The debt update on the aging's date; `None` when it cannot be
    /// worked out (an index table lacking the months), as the report then
    /// counts the open balance and says so.
    pub updated: Option<Money>,
}
