//! The aging list's raw material: collectable open balances grouped by
//! creditor and due date. A portfolio has millions of receivables but only
//! thousands of (creditor, due date) pairs, so the database does the heavy
//! sum and the domain (`quita_core::aging`) buckets and updates the groups.

use quita_core::contract::ContractTerms;

use crate::{Db, Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingGroup {
    pub creditor_id: i64,
    pub due_day: i64,
    pub adjusted_due_day: i64,
    pub count: i64,
    pub original_amount: i64,
    pub open_balance: i64,
}

/// The sums of a group; PostgreSQL's `SUM` of BIGINT is NUMERIC, cast back.
fn sums(db: &Db, table: &str) -> String {
    let cast = if db.backend() == crate::Backend::Postgres {
        "::BIGINT"
    } else {
        ""
    };
    format!("SUM({table}original_amount){cast}, SUM({table}open_balance){cast}")
}

/// Which collectable receivables an aging reads: all of the organization's,
/// or those of one creditor and/or one debtor, and (for an aging at a past
/// date) only those issued by that day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgingScope {
    pub creditor_id: Option<i64>,
    pub debtor_id: Option<i64>,
    /// Leaves out receivables issued after this day (those without an issue
    /// date stay). `None` on today's aging.
    pub issued_by: Option<i64>,
    /// Counts as collectable, too, a receivable closed by hand (cancelled or
    /// written off) at or after this instant (milliseconds): at a past date
    /// it was still owed, with the balance it kept. `None` on today's aging.
    pub closed_since: Option<i64>,
}

impl AgingScope {
    /// The collectable receivables' condition and the filters asked for,
    /// numbered after `$first - 1` (bind them with [`AgingScope::binds`], in
    /// that order), each led by ` AND `. Every column they read is in the
    /// covering index `receivables_aging`.
    pub(crate) fn filters(&self, table: &str, first: usize) -> String {
        let mut n = first;
        let mut sql = match self.closed_since {
            None => format!(" AND {table}status IN ('open', 'partially_paid')"),
            Some(_) => {
                n += 1;
                format!(
                    " AND ({table}status IN ('open', 'partially_paid') OR ({table}status IN ('cancelled', 'written_off') AND {table}closed_at >= ${first}))"
                )
            }
        };
        for (column, asked) in [
            ("creditor_id", self.creditor_id),
            ("debtor_id", self.debtor_id),
        ] {
            if asked.is_some() {
                sql.push_str(&format!(" AND {table}{column} = ${n}"));
                n += 1;
            }
        }
        if self.issued_by.is_some() {
            sql.push_str(&format!(
                " AND ({table}issue_day IS NULL OR {table}issue_day <= ${n})"
            ));
        }
        sql
    }

    /// The values of [`AgingScope::filters`]' parameters, in order.
    pub(crate) fn binds(&self) -> impl Iterator<Item = i64> {
        [
            self.closed_since,
            self.creditor_id,
            self.debtor_id,
            self.issued_by,
        ]
        .into_iter()
        .flatten()
    }
}

/// Groups of the organization's collectable receivables, optionally of one
/// creditor and/or one debtor.
///
/// Grouping by status as well follows the order of the covering index
/// `receivables_aging`, so the database streams the groups without a sort
/// (over a million rows this halves the time); the two statuses of a
/// (creditor, due date) pair are then added together here.
pub async fn groups(db: &Db, org_id: i64, scope: &AgingScope) -> Result<Vec<AgingGroup>> {
    let (sums, filters) = (sums(db, ""), scope.filters("", 2));
    // One debtor's receivables are few: `+org_id` keeps SQLite (no
    // statistics) on the debtor index instead of walking every collectable
    // receivable of the organization in `receivables_aging`.
    let org = if scope.debtor_id.is_some() {
        "+org_id"
    } else {
        "org_id"
    };
    let sql = format!(
        "SELECT creditor_id, due_day, adjusted_due_day, COUNT(*), {sums} \
         FROM receivables WHERE {org} = $1{filters} \
         GROUP BY status, creditor_id, due_day, adjusted_due_day"
    );
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = on_db!(db, |p| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(org_id);
        for v in scope.binds() {
            q = q.bind(v);
        }
        q.fetch_all(p).await
    })?;
    let mut merged: Vec<AgingGroup> = Vec::with_capacity(rows.len());
    let mut at: std::collections::HashMap<(i64, i64, i64), usize> =
        std::collections::HashMap::with_capacity(rows.len());
    for (creditor_id, due_day, adjusted_due_day, count, original_amount, open_balance) in rows {
        match at.get(&(creditor_id, due_day, adjusted_due_day)) {
            Some(&i) => {
                let g = &mut merged[i];
                g.count += count;
                g.original_amount += original_amount;
                g.open_balance += open_balance;
            }
            None => {
                at.insert((creditor_id, due_day, adjusted_due_day), merged.len());
                merged.push(AgingGroup {
                    creditor_id,
                    due_day,
                    adjusted_due_day,
                    count,
                    original_amount,
                    open_balance,
                });
            }
        }
    }
    Ok(merged)
}

/// The collectable receivables of contracts that have their own terms,
/// grouped by contract and due date (the rest of [`groups`] follows the
/// creditor's policy). Subtract these from [`groups`] to split them out.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractAgingGroup {
    pub contract_id: i64,
    pub terms: ContractTerms,
    pub group: AgingGroup,
}

pub async fn contract_groups(
    db: &Db,
    org_id: i64,
    scope: &AgingScope,
) -> Result<Vec<ContractAgingGroup>> {
    // Contracts with terms are few: read them first (partial index
    // `contracts_with_terms`), then their receivables by debtor. SQLite's
    // CROSS JOIN fixes that order; without statistics it would scan the
    // receivables instead.
    let from = if db.backend() == crate::Backend::Postgres {
        "contracts k, receivables r"
    } else {
        "contracts k CROSS JOIN receivables r"
    };
    let (sums, filters) = (sums(db, "r."), scope.filters("r.", 2));
    let sql = format!(
        "SELECT k.id, k.terms, r.creditor_id, r.due_day, r.adjusted_due_day, COUNT(*), {sums} \
         FROM {from} \
         WHERE k.org_id = $1 AND k.terms IS NOT NULL AND r.debtor_id = k.debtor_id AND r.contract_id = k.id AND r.org_id = $1 \
          {filters} \
         GROUP BY k.id, k.terms, r.creditor_id, r.due_day, r.adjusted_due_day"
    );
    type Raw = (i64, String, i64, i64, i64, i64, i64, i64);
    let rows: Vec<Raw> = on_db!(db, |p| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(org_id);
        for v in scope.binds() {
            q = q.bind(v);
        }
        q.fetch_all(p).await
    })?;
    rows.into_iter()
        .map(
            |(
                contract_id,
                terms,
                creditor_id,
                due_day,
                adjusted_due_day,
                count,
                original_amount,
                open_balance,
            )| {
                let terms = serde_json::from_str::<ContractTerms>(&terms)
                    .map_err(|e| StoreError::Corrupt(format!("contract {contract_id}: {e}")))?;
                Ok(ContractAgingGroup {
                    contract_id,
                    terms,
                    group: AgingGroup {
                        creditor_id,
                        due_day,
                        adjusted_due_day,
                        count,
                        original_amount,
                        open_balance,
                    },
                })
            },
        )
        .collect()
}
