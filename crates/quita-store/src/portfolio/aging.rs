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
        self.filters_with(table, first, None)
    }

    /// [`AgingScope::filters`] reading only the receivables of `status`
    /// (one collectable status) on today's aging.
    fn filters_with(&self, table: &str, first: usize, status: Option<&str>) -> String {
        let mut n = first;
        let mut sql = match (self.closed_since, status) {
            (None, Some(status)) => format!(" AND {table}status = '{status}'"),
            (None, None) => format!(" AND {table}status IN ('open', 'partially_paid')"),
            (Some(_), _) => {
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
/// creditor and/or one debtor, ordered by creditor and due date.
///
/// Grouping by status as well follows the order of the covering index
/// `receivables_aging`, so the database streams the groups without a sort
/// (over a million rows this halves the time); the two statuses of a
/// (creditor, due date) pair are then added together here. A large
/// portfolio's aging of today on SQLite is read in three parts at once,
/// each its own range of that index on its own connection: the open
/// receivables before and from a sampled (creditor, due date), and the
/// partly paid ones.
pub async fn groups(db: &Db, org_id: i64, scope: &AgingScope) -> Result<Vec<AgingGroup>> {
    groups_split_above(db, org_id, scope, SPLIT_ABOVE).await
}

/// Open receivables (estimated) above which [`groups`] reads in parts.
pub const SPLIT_ABOVE: u64 = 100_000;

/// [`groups`], reading in parts when the open receivables in scope are
/// estimated above `split_above` (the conformance suite compares both ways).
pub async fn groups_split_above(
    db: &Db,
    org_id: i64,
    scope: &AgingScope,
    split_above: u64,
) -> Result<Vec<AgingGroup>> {
    let mut groups = match split_point(db, org_id, scope, split_above).await? {
        Some(at) => {
            let (before, from, partly) = tokio::try_join!(
                part_rows(db, org_id, scope, Part::OpenBefore(at)),
                part_rows(db, org_id, scope, Part::OpenFrom(at)),
                part_rows(db, org_id, scope, Part::PartlyPaid),
            )?;
            [before, from, partly].concat()
        }
        None => part_rows(db, org_id, scope, Part::Whole).await?,
    };
    // The statuses of one (creditor, due date) come apart, and so may a
    // group split between two parts: sorted by the key, equal neighbours
    // are added together.
    let key = |g: &AgingGroup| (g.creditor_id, g.due_day, g.adjusted_due_day);
    groups.sort_unstable_by_key(key);
    groups.dedup_by(|next, kept| {
        let same = key(next) == key(kept);
        if same {
            kept.count += next.count;
            kept.original_amount += next.original_amount;
            kept.open_balance += next.open_balance;
        }
        same
    });
    Ok(groups)
}

/// Which receivables one query of [`groups`] reads.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// Every collectable receivable in scope.
    Whole,
    /// Open, (creditor, due date) before the middle.
    OpenBefore((i64, i64)),
    /// Open, from the middle on.
    OpenFrom((i64, i64)),
    PartlyPaid,
}

/// Where [`groups_split_above`] splits the open receivables in scope: the
/// (creditor, due date) that leaves about half of the collectable ones
/// before it, from evenly spaced ids (primary-key lookups). `None` reads in
/// one query: on PostgreSQL (which scans in parallel itself), for a
/// debtor's or a past date's aging, or for `split_above` collectable
/// receivables or fewer (estimated).
pub async fn split_point(
    db: &Db,
    org_id: i64,
    scope: &AgingScope,
    split_above: u64,
) -> Result<Option<(i64, i64)>> {
    const SAMPLES: i64 = 256;
    let Db::Sqlite(pool) = db else {
        return Ok(None);
    };
    if scope.debtor_id.is_some() || scope.closed_since.is_some() || scope.issued_by.is_some() {
        return Ok(None);
    }
    // Two subqueries: SQLite reads one end of the key for a lone MIN or MAX only.
    let (lo, hi): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT MIN(id) FROM receivables), (SELECT MAX(id) FROM receivables)",
    )
    .fetch_one(pool)
    .await?;
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(None);
    };
    let span = hi - lo + 1;
    // Numbers made here, not input: safe to write into the statement.
    let ids: Vec<String> = (0..SAMPLES)
        .map(|i| (lo + span * (2 * i + 1) / (2 * SAMPLES)).to_string())
        .collect();
    let creditor = if scope.creditor_id.is_some() {
        " AND +creditor_id = $2"
    } else {
        ""
    };
    // `+`: by the ids, never by an index that would walk the organization.
    let sql = format!(
        "SELECT status = 'open', creditor_id, due_day FROM receivables \
         WHERE id IN ({}) AND +org_id = $1 AND +status IN ('open', 'partially_paid'){creditor}",
        ids.join(", ")
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org_id);
    if let Some(c) = scope.creditor_id {
        q = q.bind(c);
    }
    let hits: Vec<(bool, i64, i64)> = q.fetch_all(pool).await?;
    let estimate = u64::try_from(span).unwrap_or(0) * hits.len() as u64 / SAMPLES as u64;
    let mut open: Vec<(i64, i64)> = hits.iter().filter(|h| h.0).map(|h| (h.1, h.2)).collect();
    if open.is_empty() || estimate <= split_above {
        return Ok(None);
    }
    open.sort_unstable();
    // The partly paid are read beside the second half: the first takes
    // half of all.
    Ok(open.get((hits.len() / 2).min(open.len() - 1)).copied())
}

async fn part_rows(
    db: &Db,
    org_id: i64,
    scope: &AgingScope,
    part: Part,
) -> Result<Vec<AgingGroup>> {
    let status = match part {
        Part::Whole => None,
        Part::OpenBefore(_) | Part::OpenFrom(_) => Some("open"),
        Part::PartlyPaid => Some("partially_paid"),
    };
    let (sums, filters) = (sums(db, ""), scope.filters_with("", 2, status));
    let n = 2 + scope.binds().count();
    let range = match part {
        Part::OpenBefore(_) => format!(" AND (creditor_id, due_day) < (${n}, ${})", n + 1),
        Part::OpenFrom(_) => format!(" AND (creditor_id, due_day) >= (${n}, ${})", n + 1),
        Part::Whole | Part::PartlyPaid => String::new(),
    };
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
         FROM receivables WHERE {org} = $1{filters}{range} \
         GROUP BY status, creditor_id, due_day, adjusted_due_day"
    );
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = on_db!(db, |p| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(org_id);
        for v in scope.binds() {
            q = q.bind(v);
        }
        if let Part::OpenBefore((c, d)) | Part::OpenFrom((c, d)) = part {
            q = q.bind(c).bind(d);
        }
        q.fetch_all(p).await
    })?;
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

/// The collectable receivables of contracts that have their own terms,
/// grouped by contract and due date (the rest of [`groups`] follows the
/// creditor's policy). Subtract these from [`groups`] to split them out.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractAgingGroup {
    pub contract_id: i64,
    pub terms: ContractTerms,
    pub group: AgingGroup,
}

/// The statement of [`contract_groups`]. Contracts with terms are few: read
/// them first (partial index `contracts_with_terms`), then their
/// receivables by debtor. On SQLite, without statistics, the CROSS JOIN fixes
/// that order and `INDEXED BY` the index: left to itself it took
/// `receivables_aging` (organization and status) and walked every open
/// receivable once per contract, minutes over 1.8M receivables and 506
/// contracts with terms.
pub fn contract_groups_sql(db: &Db, scope: &AgingScope) -> String {
    let from = if db.backend() == crate::Backend::Postgres {
        "contracts k, receivables r"
    } else {
        "contracts k CROSS JOIN receivables r INDEXED BY receivables_debtor"
    };
    let (sums, filters) = (sums(db, "r."), scope.filters("r.", 2));
    format!(
        "SELECT k.id, k.terms, r.creditor_id, r.due_day, r.adjusted_due_day, COUNT(*), {sums} \
         FROM {from} \
         WHERE k.org_id = $1 AND k.terms IS NOT NULL AND r.debtor_id = k.debtor_id AND r.contract_id = k.id AND r.org_id = $1 \
          {filters} \
         GROUP BY k.id, k.terms, r.creditor_id, r.due_day, r.adjusted_due_day"
    )
}

pub async fn contract_groups(
    db: &Db,
    org_id: i64,
    scope: &AgingScope,
) -> Result<Vec<ContractAgingGroup>> {
    let sql = contract_groups_sql(db, scope);
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
