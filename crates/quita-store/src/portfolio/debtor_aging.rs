//! The aging by debtor: each debtor's collectable open balance by range of
//! business-day-adjusted due days, the most overdue first — the list an
//! operation works down to decide whom to call. The database sums each
//! debtor's receivables; the domain names the ranges (buckets).

use futures_util::stream::BoxStream;

use super::aging::AgingScope;
use crate::{Backend, Db, Result};

/// One debtor's collectable receivables in an aging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorAgingLine {
    pub debtor_id: i64,
    /// CPF/CNPJ digits.
    pub document: String,
    pub name: String,
    pub count: i64,
    pub original_amount: i64,
    pub open_balance: i64,
    /// Open balance due before the aging's day (adjusted due day).
    pub overdue_balance: i64,
    /// The earliest adjusted due day among them.
    pub oldest_due_day: i64,
    /// Open balance in each range asked for, in order.
    pub by_range: Vec<i64>,
}

/// Where a page of the aging by debtor starts (most overdue first, then by
/// debtor id): at the top, after a line, or just before one (the page
/// before it, read from its other end and turned round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebtorAgingCursor {
    Start,
    After {
        overdue_balance: i64,
        debtor_id: i64,
    },
    Before {
        overdue_balance: i64,
        debtor_id: i64,
    },
}

/// Lines of the aging by debtor, in its order, and how many debtors the
/// whole list has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DebtorLines {
    pub lines: Vec<DebtorAgingLine>,
    /// Debtors in the whole list, whatever the page (0 when the page is
    /// empty).
    pub debtors: i64,
}

/// Each debtor's collectable receivables in `scope`, at most `limit` lines
/// from `cursor`, by overdue balance (descending) then debtor id. Overdue
/// means an adjusted due day before `today`; `ranges` are inclusive ranges
/// of adjusted due days, one sum each (the caller bounds their number).
///
/// Every page sums the whole scope again (one pass over the organization's
/// debtors and their receivables): the order is by a sum, which no index
/// holds.
pub async fn debtor_lines(
    db: &Db,
    org_id: i64,
    scope: &AgingScope,
    today: i64,
    ranges: &[(i64, i64)],
    cursor: DebtorAgingCursor,
    limit: i64,
) -> Result<DebtorLines> {
    use futures_util::TryStreamExt;
    let rows: Vec<(DebtorAgingLine, i64)> = rows(db, org_id, scope, today, ranges, cursor, limit)
        .try_collect()
        .await?;
    let mut out = DebtorLines {
        debtors: rows.first().map_or(0, |(_, debtors)| *debtors),
        lines: rows.into_iter().map(|(line, _)| line).collect(),
    };
    if matches!(cursor, DebtorAgingCursor::Before { .. }) {
        out.lines.reverse();
    }
    Ok(out)
}

/// Every line of the aging by debtor of `scope`, in its order, as the
/// database yields them: an export reads the whole list in one pass
/// without holding it in memory.
pub fn debtor_lines_stream<'a>(
    db: &'a Db,
    org_id: i64,
    scope: &AgingScope,
    today: i64,
    ranges: &[(i64, i64)],
) -> BoxStream<'a, Result<DebtorAgingLine>> {
    use futures_util::StreamExt;
    let start = DebtorAgingCursor::Start;
    rows(db, org_id, scope, today, ranges, start, i64::MAX)
        .map(|row| row.map(|(line, _)| line))
        .boxed()
}

/// The lines of [`statement`] as the database yields them, each with the
/// whole list's count of debtors.
fn rows<'a>(
    db: &'a Db,
    org_id: i64,
    scope: &AgingScope,
    today: i64,
    ranges: &[(i64, i64)],
    cursor: DebtorAgingCursor,
    limit: i64,
) -> BoxStream<'a, Result<(DebtorAgingLine, i64)>> {
    use futures_util::StreamExt;
    let sql = statement(db.backend(), scope, ranges.len(), cursor);
    let binds = binds(org_id, scope, today, ranges, cursor, limit);
    let n = ranges.len();
    match db {
        Db::Sqlite(p) => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for v in binds {
                q = q.bind(v);
            }
            q.fetch(p).map(move |row| Ok(line_of(&row?, n)?)).boxed()
        }
        Db::Pg(p) => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for v in binds {
                q = q.bind(v);
            }
            q.fetch(p).map(move |row| Ok(line_of(&row?, n)?)).boxed()
        }
    }
}

/// The statement of [`debtor_lines`]: parameters `$1` the organization, then
/// the scope's, then `today`, two per range, the cursor's two, the limit.
fn statement(
    backend: Backend,
    scope: &AgingScope,
    ranges: usize,
    cursor: DebtorAgingCursor,
) -> String {
    let cast = if backend == Backend::Postgres {
        "::BIGINT"
    } else {
        ""
    };
    let filters = scope.filters("r.", 2);
    let mut n = 2 + scope.binds().count();
    let today = n;
    n += 1;
    let mut sums = format!(
        "SUM(r.original_amount){cast} AS original, SUM(r.open_balance){cast} AS open, \
         SUM(CASE WHEN r.adjusted_due_day < ${today} THEN r.open_balance ELSE 0 END){cast} AS overdue"
    );
    let mut columns = String::new();
    for i in 0..ranges {
        sums.push_str(&format!(
            ", SUM(CASE WHEN r.adjusted_due_day BETWEEN ${} AND ${} THEN r.open_balance ELSE 0 END){cast} AS b{i}",
            n,
            n + 1
        ));
        columns.push_str(&format!(", g.b{i}"));
        n += 2;
    }
    let (filter, order) = match cursor {
        DebtorAgingCursor::Start => (String::new(), "g.overdue DESC, g.debtor_id"),
        DebtorAgingCursor::After { .. } => (
            format!(
                " WHERE (g.overdue < ${n} OR (g.overdue = ${n} AND g.debtor_id > ${}))",
                n + 1
            ),
            "g.overdue DESC, g.debtor_id",
        ),
        DebtorAgingCursor::Before { .. } => (
            format!(
                " WHERE (g.overdue > ${n} OR (g.overdue = ${n} AND g.debtor_id < ${}))",
                n + 1
            ),
            "g.overdue, g.debtor_id DESC",
        ),
    };
    if cursor != DebtorAgingCursor::Start {
        n += 2;
    }
    // SQLite, without statistics, would read `receivables_aging` and sort
    // every receivable by debtor in a temporary tree (2 s over a million);
    // walking the organization's debtors in id order and each one's
    // receivables by `receivables_debtor` needs no sort (0.6 s).
    let from = if backend == Backend::Postgres {
        "debtors d JOIN receivables r ON r.debtor_id = d.id WHERE d.org_id = $1 AND r.org_id = $1"
    } else {
        "debtors d CROSS JOIN receivables r INDEXED BY receivables_debtor \
         WHERE +d.org_id = $1 AND r.debtor_id = d.id AND +r.org_id = $1"
    };
    format!(
        "SELECT g.debtor_id, g.document, g.name, g.n, g.original, g.open, g.overdue, g.oldest, g.debtors{columns} \
         FROM (SELECT d.id AS debtor_id, d.document, d.name, COUNT(*) AS n, MIN(r.adjusted_due_day) AS oldest, \
                      COUNT(*) OVER () AS debtors, {sums} \
               FROM {from}{filters} GROUP BY d.id) g{filter} \
         ORDER BY {order} LIMIT ${n}"
    )
}

/// The values of [`statement`]'s parameters, in order.
fn binds(
    org_id: i64,
    scope: &AgingScope,
    today: i64,
    ranges: &[(i64, i64)],
    cursor: DebtorAgingCursor,
    limit: i64,
) -> Vec<i64> {
    let mut out = vec![org_id];
    out.extend(scope.binds());
    out.push(today);
    for (from, to) in ranges {
        out.extend([*from, *to]);
    }
    if let DebtorAgingCursor::After {
        overdue_balance,
        debtor_id,
    }
    | DebtorAgingCursor::Before {
        overdue_balance,
        debtor_id,
    } = cursor
    {
        out.extend([overdue_balance, debtor_id]);
    }
    out.push(limit);
    out
}

/// The columns before the count of debtors and the sums per range.
const FIXED: usize = 8;

/// A row as its line and the whole list's count of debtors.
fn line_of<R>(row: &R, ranges: usize) -> std::result::Result<(DebtorAgingLine, i64), sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let line = DebtorAgingLine {
        debtor_id: row.try_get(0)?,
        document: row.try_get(1)?,
        name: row.try_get(2)?,
        count: row.try_get(3)?,
        original_amount: row.try_get(4)?,
        open_balance: row.try_get(5)?,
        overdue_balance: row.try_get(6)?,
        oldest_due_day: row.try_get(7)?,
        by_range: (FIXED + 1..=FIXED + ranges)
            .map(|i| row.try_get(i))
            .collect::<std::result::Result<_, _>>()?,
    };
    Ok((line, row.try_get(FIXED)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_as_bound() {
        let scope = AgingScope {
            creditor_id: Some(7),
            ..AgingScope::default()
        };
        for cursor in [
            DebtorAgingCursor::After {
                overdue_balance: 500,
                debtor_id: 9,
            },
            DebtorAgingCursor::Before {
                overdue_balance: 500,
                debtor_id: 9,
            },
        ] {
            let sql = statement(Backend::Sqlite, &scope, 2, cursor);
            let b = binds(1, &scope, 100, &[(90, 99), (0, 89)], cursor, 50);
            assert_eq!(b, [1, 7, 100, 90, 99, 0, 89, 500, 9, 50]);
            // Every number from $1 to the last is used, and none beyond.
            for i in 1..=b.len() {
                assert!(sql.contains(&format!("${i}")), "${i} in {sql}");
            }
            assert!(!sql.contains(&format!("${}", b.len() + 1)));
        }
        let start = DebtorAgingCursor::Start;
        assert_eq!(binds(1, &scope, 100, &[], start, 50), [1, 7, 100, 50]);
        assert!(statement(Backend::Postgres, &scope, 2, start).contains("::BIGINT"));
    }
}
