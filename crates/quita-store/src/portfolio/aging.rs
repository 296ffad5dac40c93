//! The aging list's raw material: collectable open balances grouped by
//! creditor and due date. A portfolio has millions of receivables but only
//! thousands of (creditor, due date) pairs, so the database does the heavy
//! sum and the domain (`quita_core::aging`) buckets and updates the groups.

use crate::{Db, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingGroup {
    pub creditor_id: i64,
    pub due_day: i64,
    pub adjusted_due_day: i64,
    pub count: i64,
    pub original_amount: i64,
    pub open_balance: i64,
}

/// Groups of the organization's collectable receivables, optionally of one
/// creditor and/or one debtor.
pub async fn groups(
    db: &Db,
    org_id: i64,
    creditor_id: Option<i64>,
    debtor_id: Option<i64>,
) -> Result<Vec<AgingGroup>> {
    const SQLITE: &str = "SELECT creditor_id, due_day, adjusted_due_day, COUNT(*), SUM(original_amount), SUM(open_balance) \
         FROM receivables WHERE org_id = $1 AND status IN ('open', 'partially_paid') \
           AND ($2 = 0 OR creditor_id = $2) AND ($3 = 0 OR debtor_id = $3) \
         GROUP BY creditor_id, due_day, adjusted_due_day";
    const PG: &str = "SELECT creditor_id, due_day, adjusted_due_day, COUNT(*), SUM(original_amount)::BIGINT, SUM(open_balance)::BIGINT \
         FROM receivables WHERE org_id = $1 AND status IN ('open', 'partially_paid') \
           AND ($2 = 0 OR creditor_id = $2) AND ($3 = 0 OR debtor_id = $3) \
         GROUP BY creditor_id, due_day, adjusted_due_day";
    let c = creditor_id.unwrap_or(0);
    let d = debtor_id.unwrap_or(0);
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = match db {
        Db::Sqlite(p) => {
            sqlx::query_as(SQLITE)
                .bind(org_id)
                .bind(c)
                .bind(d)
                .fetch_all(p)
                .await?
        }
        Db::Pg(p) => {
            sqlx::query_as(PG)
                .bind(org_id)
                .bind(c)
                .bind(d)
                .fetch_all(p)
                .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(
            |(creditor_id, due_day, adjusted_due_day, count, original_amount, open_balance)| {
                AgingGroup {
                    creditor_id,
                    due_day,
                    adjusted_due_day,
                    count,
                    original_amount,
                    open_balance,
                }
            },
        )
        .collect())
}
