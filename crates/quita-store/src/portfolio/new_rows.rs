//! Many new rows into one table, the way the importer writes them inside
//! its transaction: one `COPY` on PostgreSQL, multi-row inserts on SQLite.

use sqlx::{Sqlite, query::Query, sqlite::SqliteArguments};

use super::copy::CopyText;
use crate::{Result, Tx};

/// A SQLite statement being bound.
pub(crate) type SqliteQuery = Query<'static, Sqlite, SqliteArguments>;

/// How SQLite inserts without an upsert clause begin. `OR FAIL` keeps the
/// rows a failing statement already wrote instead of undoing them, so
/// SQLite keeps no statement journal for a multi-row insert; the callers'
/// transactions are rolled back whole on any error, so nothing of it
/// survives either way.
const SQLITE_INSERT: &str = "INSERT OR FAIL";

/// One table's new rows: `into` is `table (columns…)` as both `COPY` and
/// `INSERT` name them; SQLite binds `binds` values per row, with `fixed`
/// (literal SQL such as `'unverified', `) before the last two, the
/// timestamps; PostgreSQL copies every column.
pub(crate) struct NewRows<'a> {
    pub into: &'a str,
    pub binds: usize,
    pub fixed: &'a str,
    /// Rows per SQLite statement (at most 32,766 bound values).
    pub chunk: usize,
}

impl NewRows<'_> {
    /// Writes `rows`: `copy` puts one row's values into the `COPY` text in
    /// column order, `bind` binds them to the SQLite statement. Returns the
    /// rows written.
    pub async fn insert<T>(
        &self,
        tx: &mut Tx,
        rows: &[T],
        copy: impl Fn(&mut CopyText, &T),
        bind: impl Fn(SqliteQuery, &T) -> SqliteQuery,
    ) -> Result<u64> {
        match tx {
            Tx::Pg(t) => {
                if rows.is_empty() {
                    return Ok(0);
                }
                let mut data = CopyText::default();
                for r in rows {
                    copy(&mut data, r);
                    data.end_row();
                }
                data.send(t, &format!("COPY {} FROM STDIN", self.into))
                    .await
            }
            Tx::Sqlite(_) => self.insert_sqlite(tx, rows, "", bind).await,
        }
    }

    /// SQLite: multi-row inserts ending in `upsert` (an `ON CONFLICT`
    /// clause, or empty for `INSERT OR FAIL`). Only full-size statements
    /// are kept prepared: each holds megabytes of bytecode, and a partial
    /// chunk's size rarely comes again. Does nothing on PostgreSQL.
    pub async fn insert_sqlite<T>(
        &self,
        tx: &mut Tx,
        rows: &[T],
        upsert: &str,
        bind: impl Fn(SqliteQuery, &T) -> SqliteQuery,
    ) -> Result<u64> {
        let Tx::Sqlite(t) = tx else {
            return Ok(0);
        };
        let head = if upsert.is_empty() {
            SQLITE_INSERT
        } else {
            "INSERT"
        };
        let mut written = 0;
        for chunk in rows.chunks(self.chunk) {
            let sql = multi_row_insert(
                &format!("{head} INTO {} VALUES ", self.into),
                chunk.len(),
                self.binds,
                self.fixed,
                upsert,
            );
            let q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(chunk.len() == self.chunk);
            let q = chunk.iter().fold(q, &bind);
            written += q.execute(&mut **t).await?.rows_affected();
        }
        Ok(written)
    }
}

/// `INSERT … VALUES (?, …), (…) …` for `rows` rows of `cols` bound values;
/// `fixed` is literal SQL placed after the first `cols - 2` values of each
/// row (used for constants such as a status), the last two being timestamps.
///
/// The placeholders are anonymous `?` (bound in order): SQLite resolves
/// each named `$N` by a linear search while preparing, which makes a
/// statement with tens of thousands of them quadratic.
fn multi_row_insert(head: &str, rows: usize, cols: usize, fixed: &str, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + rows * cols * 3 + tail.len());
    sql.push_str(head);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c == cols - 2 {
                sql.push_str(fixed);
            }
            sql.push('?');
            if c + 1 < cols {
                sql.push_str(", ");
            }
        }
        sql.push(')');
    }
    sql.push_str(tail);
    sql
}

#[cfg(test)]
mod tests {
    #[test]
    fn multi_row_sql() {
        assert_eq!(
            super::multi_row_insert(
                "INSERT INTO t (a, s, b, c) VALUES ",
                2,
                3,
                "'x', ",
                " ON CONFLICT DO NOTHING"
            ),
            "INSERT INTO t (a, s, b, c) VALUES (?, 'x', ?, ?), (?, 'x', ?, ?) ON CONFLICT DO NOTHING"
        );
        assert_eq!(super::multi_row_insert("V ", 1, 2, "", ""), "V (?, ?)");
        assert_eq!(
            super::multi_row_insert("V ", 2, 2, "", ""),
            "V (?, ?), (?, ?)"
        );
    }
}
