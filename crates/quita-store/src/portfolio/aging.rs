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
///
/// Grouping by status as well follows the order of the covering index
/// `receivables_aging`, so the database streams the groups without a sort
/// (over a million rows this halves the time); the two statuses of a
/// (creditor, due date) pair are then added together here.
pub async fn groups(
    db: &Db,
    org_id: i64,
    creditor_id: Option<i64>,
    debtor_id: Option<i64>,
) -> Result<Vec<AgingGroup>> {
    let sums = if db.backend() == crate::Backend::Postgres {
        "SUM(original_amount)::BIGINT, SUM(open_balance)::BIGINT"
    } else {
        "SUM(original_amount), SUM(open_balance)"
    };
    // Only the filters asked for appear, so the unfiltered report reads
    // nothing but the covering index.
    let mut filters = String::new();
    if creditor_id.is_some() {
        filters.push_str(" AND creditor_id = $2");
    }
    if debtor_id.is_some() {
        let n = if creditor_id.is_some() { 3 } else { 2 };
        filters.push_str(&format!(" AND debtor_id = ${n}"));
    }
    let sql = format!(
        "SELECT creditor_id, due_day, adjusted_due_day, COUNT(*), {sums} \
         FROM receivables WHERE org_id = $1 AND status IN ('open', 'partially_paid'){filters} \
         GROUP BY status, creditor_id, due_day, adjusted_due_day"
    );
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = on_db!(db, |p| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(org_id);
        if let Some(c) = creditor_id {
            q = q.bind(c);
        }
        if let Some(d) = debtor_id {
            q = q.bind(d);
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
