//! Many new rows into one table, the way the importer writes them inside
//! its transaction: one `COPY` on PostgreSQL, multi-row inserts on SQLite.

use sqlx::{Sqlite, query::Query, sqlite::SqliteArguments};

use super::copy::CopyText;
use crate::{Backend, Result, Tx};

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

/// A write built away from the connection, ready to run inside a
/// transaction: the importer builds the next ones while the database runs
/// this one. Running it returns the rows written.
pub struct PreparedWrite(Prepared);

enum Prepared {
    /// A multi-row `INSERT OR FAIL` with its values bound.
    Sqlite(SqliteQuery),
    /// `COPY … FROM STDIN` and its rows in the text format.
    Copy { statement: String, data: CopyText },
}

impl PreparedWrite {
    /// Runs the write on `tx` (of the backend it was prepared for).
    pub async fn run(self, tx: &mut Tx) -> Result<u64> {
        match (self.0, tx) {
            (Prepared::Sqlite(q), Tx::Sqlite(t)) => Ok(q.execute(&mut **t).await?.rows_affected()),
            (Prepared::Copy { statement, data }, Tx::Pg(t)) => data.send(t, &statement).await,
            _ => Err(crate::StoreError::Corrupt(
                "a write prepared for one database ran on the other".into(),
            )),
        }
    }
}

/// Runs `writes` in order on `tx`; returns the rows written.
pub(crate) async fn run_all(tx: &mut Tx, writes: Vec<PreparedWrite>) -> Result<u64> {
    let mut written = 0;
    for w in writes {
        written += w.run(tx).await?;
    }
    Ok(written)
}

impl NewRows<'_> {
    /// The writes that insert `rows`, built without the connection: one
    /// `COPY` (PostgreSQL) or one statement per `chunk` rows (SQLite); none
    /// for no rows. `copy` puts one row's values into the `COPY` text in
    /// column order, `bind` binds them to the SQLite statement.
    pub fn prepare<T>(
        &self,
        backend: Backend,
        rows: &[T],
        copy: impl Fn(&mut CopyText, &T),
        bind: impl Fn(SqliteQuery, &T) -> SqliteQuery,
    ) -> Vec<PreparedWrite> {
        if rows.is_empty() {
            return Vec::new();
        }
        match backend {
            Backend::Postgres => {
                let mut data = CopyText::default();
                for r in rows {
                    copy(&mut data, r);
                    data.end_row();
                }
                vec![PreparedWrite(Prepared::Copy {
                    statement: format!("COPY {} FROM STDIN", self.into),
                    data,
                })]
            }
            Backend::Sqlite => rows
                .chunks(self.chunk)
                .map(|chunk| {
                    let q = self.sqlite_statement(chunk.len(), "");
                    PreparedWrite(Prepared::Sqlite(chunk.iter().fold(q, &bind)))
                })
                .collect(),
        }
    }

    /// The SQLite statement for `rows` rows, not yet bound.
    fn sqlite_statement(&self, rows: usize, upsert: &str) -> SqliteQuery {
        let head = if upsert.is_empty() {
            SQLITE_INSERT
        } else {
            "INSERT"
        };
        let sql = multi_row_insert(
            &format!("{head} INTO {} VALUES ", self.into),
            rows,
            self.binds,
            self.fixed,
            upsert,
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(rows == self.chunk)
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
        let mut written = 0;
        for chunk in rows.chunks(self.chunk) {
            let q = chunk
                .iter()
                .fold(self.sqlite_statement(chunk.len(), upsert), &bind);
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
