//! Bulk mode for a large import: the connection readied for it, the
//! secondary indexes (and, on PostgreSQL, keys between portfolio tables)
//! dropped inside the import's transaction and built again before it
//! commits, and fresh planner statistics afterwards. Re-exported by
//! [`import`](super::import).

use crate::{Result, Tx};

/// Readies the transaction's connection for a bulk import. SQLite: a page
/// cache big enough that index pages are not spilled and read back
/// mid-import; temporary files (statement journals, the sorts that rebuild
/// deferred indexes) on disk, not in memory, so memory does not grow with
/// the file (a 3M-row import peaked at 549 MB with them in memory, 444 MB
/// on disk, no slower); and a helper thread for those sorts.
pub async fn prepare_bulk(tx: &mut Tx) -> Result<()> {
    if let Tx::Sqlite(t) = tx {
        for pragma in [
            "PRAGMA cache_size = -32768",
            "PRAGMA temp_store = FILE",
            "PRAGMA threads = 1",
        ] {
            sqlx::query(pragma).execute(&mut **t).await?;
        }
    }
    Ok(())
}

/// The portfolio tables whose secondary indexes a bulk import may defer.
const BULK_TABLES: &str = "'debtors', 'contacts', 'contracts', 'receivables'";

/// Secondary indexes (and, on PostgreSQL, foreign keys between the
/// portfolio tables) dropped by [`defer_indexes`], to build again with
/// [`rebuild_indexes`] before the transaction commits.
#[derive(Debug, Default)]
pub struct DeferredIndexes {
    /// `CREATE INDEX` statements as the schema holds them.
    indexes: Vec<String>,
    /// `(table, constraint name, definition)`, each already quoted.
    foreign_keys: Vec<(String, String, String)>,
    /// PostgreSQL: the per-row foreign-key triggers are off for the rest of
    /// the transaction; these keys to other tables (organizations,
    /// creditors), which they would have checked, are checked once,
    /// set-wise, by [`rebuild_indexes`].
    outside_keys: Option<Vec<OutsideKey>>,
}

/// A single-column foreign key from a portfolio table to another table:
/// `(table, column, parent, parent column, constraint name)`, quoted.
type OutsideKey = (String, String, String, String, String);

/// Drops, inside the import's transaction, what a bulk import would
/// otherwise maintain row by row and can build once at the end for less:
/// the non-unique indexes of the portfolio tables and, on PostgreSQL, the
/// foreign keys from one portfolio table to another (SQLite's are off for
/// the import, see [`Db::begin_import`](crate::Db::begin_import)). Unique
/// keys stay: the import relies on them. Returns the definitions to
/// rebuild. Nothing outside the transaction ever sees them missing:
/// [`rebuild_indexes`] runs before the commit and a rollback restores them.
/// SQLite readers keep their snapshot (WAL); on PostgreSQL the dropped
/// objects' tables are locked until the commit, which is why the importer
/// does this only when it brings more rows than the tables hold.
///
/// PostgreSQL: `None`, and nothing changed, when another transaction is
/// using a portfolio table at that moment (another organization's import,
/// an enrichment, a page being read). The four tables are locked at once
/// without waiting, or not at all: waiting for them while this import holds
/// its own row locks could deadlock with the other transaction, and one of
/// the two would fail. The import goes on keeping its indexes and may try
/// again later.
pub async fn defer_indexes(tx: &mut Tx) -> Result<Option<DeferredIndexes>> {
    match tx {
        Tx::Sqlite(t) => {
            let sql = format!(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
                 AND tbl_name IN ({BULK_TABLES}) AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
            );
            let found: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut **t)
                .await?;
            for (name, _) in &found {
                let drop = format!("DROP INDEX \"{}\"", name.replace('"', "\"\""));
                sqlx::query(sqlx::AssertSqlSafe(drop))
                    .execute(&mut **t)
                    .await?;
            }
            Ok(Some(DeferredIndexes {
                indexes: found.into_iter().map(|(_, sql)| sql).collect(),
                ..DeferredIndexes::default()
            }))
        }
        Tx::Pg(t) => {
            if !lock_without_waiting(t).await? {
                return Ok(None);
            }
            // Building an index over a million rows can outlast the limit
            // meant for requests.
            sqlx::query("SET LOCAL statement_timeout = 0")
                .execute(&mut **t)
                .await?;
            let sql = format!(
                "SELECT quote_ident(c.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i \
                 JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class r ON r.oid = i.indrelid \
                 WHERE r.relname IN ({BULK_TABLES}) AND r.relnamespace = current_schema()::regnamespace \
                 AND NOT i.indisunique AND NOT i.indisprimary ORDER BY c.relname"
            );
            let indexes: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut **t)
                .await?;
            // Only keys between portfolio tables: dropping one locks both
            // ends, and organizations and creditors must stay readable.
            let sql = format!(
                "SELECT quote_ident(r.relname), quote_ident(k.conname), pg_get_constraintdef(k.oid) \
                 FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid \
                 WHERE k.contype = 'f' AND r.relnamespace = current_schema()::regnamespace \
                 AND r.relname IN ({BULK_TABLES}) AND f.relname IN ({BULK_TABLES}) ORDER BY r.relname, k.conname"
            );
            let foreign_keys: Vec<(String, String, String)> =
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&mut **t)
                    .await?;
            for (table, name, _) in &foreign_keys {
                let drop = format!("ALTER TABLE {table} DROP CONSTRAINT {name}");
                sqlx::query(sqlx::AssertSqlSafe(drop))
                    .execute(&mut **t)
                    .await?;
            }
            for (name, _) in &indexes {
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP INDEX {name}")))
                    .execute(&mut **t)
                    .await?;
            }
            // The keys to organizations and creditors cannot be dropped
            // without locking those tables; where the role may (as
            // pg_restore --disable-triggers does) and every such key can be
            // checked afterwards in one query, their per-row triggers are
            // switched off for this transaction instead.
            let superuser: bool =
                sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                    .fetch_optional(&mut **t)
                    .await?
                    .unwrap_or(false);
            let outside_keys = if superuser {
                outside_keys(t).await?
            } else {
                None
            };
            if outside_keys.is_some() {
                sqlx::query("SET LOCAL session_replication_role = replica")
                    .execute(&mut **t)
                    .await?;
            }
            Ok(Some(DeferredIndexes {
                indexes: indexes.into_iter().map(|(_, sql)| sql).collect(),
                foreign_keys,
                outside_keys,
            }))
        }
    }
}

/// Locks the portfolio tables for the rest of the transaction if no other
/// transaction holds a lock on any of them; otherwise takes none and leaves
/// the transaction usable (the failed attempt is undone to a savepoint).
async fn lock_without_waiting(t: &mut sqlx::Transaction<'static, sqlx::Postgres>) -> Result<bool> {
    sqlx::query("SAVEPOINT bulk_mode").execute(&mut **t).await?;
    let sql = format!(
        "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE NOWAIT",
        BULK_TABLES.replace('\'', "")
    );
    match sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut **t)
        .await
    {
        Ok(_) => {
            sqlx::query("RELEASE SAVEPOINT bulk_mode")
                .execute(&mut **t)
                .await?;
            Ok(true)
        }
        // lock_not_available
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("55P03") => {
            sqlx::query("ROLLBACK TO SAVEPOINT bulk_mode")
                .execute(&mut **t)
                .await?;
            sqlx::query("RELEASE SAVEPOINT bulk_mode")
                .execute(&mut **t)
                .await?;
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Builds again what [`defer_indexes`] dropped, from the saved definitions:
/// each index in one sort, each foreign key checked in one query.
pub async fn rebuild_indexes(tx: &mut Tx, deferred: DeferredIndexes) -> Result<()> {
    if let Tx::Pg(t) = tx {
        sqlx::query("SET LOCAL maintenance_work_mem = '256MB'")
            .execute(&mut **t)
            .await?;
        if let Some(keys) = deferred.outside_keys {
            sqlx::query("SET LOCAL session_replication_role = origin")
                .execute(&mut **t)
                .await?;
            check_outside_keys(t, keys).await?;
        }
    }
    let foreign_keys = deferred
        .foreign_keys
        .into_iter()
        .map(|(table, name, def)| format!("ALTER TABLE {table} ADD CONSTRAINT {name} {def}"));
    for sql in deferred.indexes.into_iter().chain(foreign_keys) {
        on_tx!(tx, |t| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut **t)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The foreign keys from the portfolio tables to other tables, or `None`
/// if one of them spans several columns (the set-wise check below handles
/// single columns only, so such a key keeps its per-row trigger).
async fn outside_keys(
    t: &mut sqlx::Transaction<'static, sqlx::Postgres>,
) -> Result<Option<Vec<OutsideKey>>> {
    let sql = format!(
        "SELECT quote_ident(r.relname), quote_ident(a.attname), quote_ident(f.relname), quote_ident(fa.attname), \
         k.conname::TEXT, cardinality(k.conkey) \
         FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid \
         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] \
         JOIN pg_attribute fa ON fa.attrelid = k.confrelid AND fa.attnum = k.confkey[1] \
         WHERE k.contype = 'f' AND r.relnamespace = current_schema()::regnamespace \
         AND r.relname IN ({BULK_TABLES}) AND f.relname NOT IN ({BULK_TABLES}) ORDER BY 1, 5"
    );
    let keys: Vec<(String, String, String, String, String, i32)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut **t)
            .await?;
    if keys.iter().any(|k| k.5 != 1) {
        return Ok(None);
    }
    Ok(Some(
        keys.into_iter()
            .map(|(table, column, parent, parent_column, name, _)| {
                (table, column, parent, parent_column, name)
            })
            .collect(),
    ))
}

/// Checks each key of [`outside_keys`] in one query: a row written while
/// the triggers were off that points at nothing refuses the import.
async fn check_outside_keys(
    t: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    keys: Vec<OutsideKey>,
) -> Result<()> {
    for (table, column, parent, parent_column, name) in keys {
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM {table} x WHERE x.{column} IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{parent_column} = x.{column}))"
        );
        let broken: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut **t)
            .await?;
        if broken {
            return Err(crate::StoreError::Corrupt(format!(
                "foreign key {name} violated by the import"
            )));
        }
    }
    Ok(())
}

/// PostgreSQL only (elsewhere a no-op): refreshes the planner's statistics
/// of the portfolio tables after a bulk import, inside its transaction, so
/// the next queries are planned for the new sizes instead of waiting for
/// autovacuum (the aging report's plan over 1M rows goes from 1.9 s to 0.46 s).
pub async fn analyze_after_bulk(tx: &mut Tx) -> Result<()> {
    if let Tx::Pg(t) = tx {
        sqlx::query("ANALYZE debtors, contacts, contracts, receivables")
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// After a bulk import has committed (PostgreSQL): marks the new rows'
/// pages all-visible, so that index-only scans (the name search reads up to
/// tens of thousands of name keys in order) read no table pages. Autovacuum
/// does the same some time later, or never where it is off; until then such
/// a search took four times as long. One table at a time, each skipped if
/// another vacuum or an import's bulk mode holds it, so no one waits long.
pub async fn vacuum_after_bulk(db: &crate::Db) -> Result<()> {
    if let crate::Db::Pg(p) = db {
        for table in ["debtors", "contacts", "contracts", "receivables"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM (SKIP_LOCKED) {table}")))
                .execute(p)
                .await?;
        }
    }
    Ok(())
}
