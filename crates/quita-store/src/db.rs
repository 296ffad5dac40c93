//! The database handle: a SQLite or a PostgreSQL pool, chosen by URL.

use std::{str::FromStr, time::Duration};

use sqlx::{
    PgPool, SqlitePool,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteSynchronous},
};

use crate::{DatabaseUrl, Result, StoreError};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static PG_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// One database, either backend. Cheap to clone (pools are shared handles).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Tuning knobs with safe defaults.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// PostgreSQL pool size per process; keep size × instances under `max_connections`.
    pub pg_max_connections: u32,
    /// PostgreSQL `statement_timeout`.
    pub statement_timeout: Duration,
    /// How long to wait for a connection (and for an unreachable server).
    pub acquire_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            pg_max_connections: 10,
            statement_timeout: Duration::from_secs(30),
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

impl Db {
    /// Opens the database (creating a SQLite file and its directory when
    /// missing). Does not migrate.
    pub async fn connect(url: &DatabaseUrl, opts: &DbOptions) -> Result<Self> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Connect(format!(
                            "cannot create directory {}: {e}",
                            dir.display()
                        ))
                    })?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    // A large import (or one refused and rolled back) grows
                    // the WAL to the size of what it wrote; once the WAL
                    // starts over, it is cut back to this instead of staying
                    // gigabytes on disk.
                    .pragma("journal_size_limit", "67108864")
                    .foreign_keys(true);
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(opts.acquire_timeout.max(Duration::from_secs(10)))
                    .after_release(|conn, _| Box::pin(async move { Ok(still_usable(conn)) }))
                    .connect_with(options)
                    .await
                    .map_err(|e| StoreError::Connect(format!("{}: {e}", path.display())))?;
                Ok(Db::Sqlite(pool))
            }
            DatabaseUrl::Postgres(raw) => {
                let timeout_ms = opts.statement_timeout.as_millis().to_string();
                let options = PgConnectOptions::from_str(raw)
                    .map_err(|e| StoreError::Connect(format!("{url}: {e}")))?
                    .options([("statement_timeout", timeout_ms.as_str())]);
                let pool = PgPoolOptions::new()
                    .max_connections(opts.pg_max_connections)
                    .acquire_timeout(opts.acquire_timeout)
                    .after_release(|conn, _| Box::pin(async move { Ok(still_usable(conn)) }))
                    .connect_with(options)
                    .await
                    .map_err(|e| StoreError::Connect(format!("{url}: {e}")))?;
                Ok(Db::Pg(pool))
            }
        }
    }

    /// Applies every embedded migration not yet applied. Safe to run from
    /// several processes at once (PostgreSQL takes an advisory lock).
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Pg(p) => PG_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Pg(_) => Backend::Postgres,
        }
    }

    /// True when a trivial query answers: what `/readyz` asks.
    pub async fn ping(&self) -> bool {
        on_db!(self, |p| sqlx::query("SELECT 1").execute(p).await.is_ok())
    }

    /// Starts a write transaction: `BEGIN IMMEDIATE` on SQLite so the write
    /// lock is taken up front (no upgrade deadlocks), plain `BEGIN` on
    /// PostgreSQL with a `lock_timeout` as long as SQLite's busy timeout, so
    /// that a write waiting for rows an import holds ends as
    /// [`StoreError::Busy`](crate::StoreError) (a 503, "try again") rather
    /// than running into the statement timeout.
    pub async fn begin_write(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Pg(p) => {
                let mut t = p.begin().await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SET LOCAL lock_timeout = {}",
                    SQLITE_BUSY_TIMEOUT.as_millis()
                )))
                .execute(&mut *t)
                .await?;
                Tx::Pg(t)
            }
        })
    }

    /// A write transaction if one can start within `wait`, else `None`.
    /// SQLite: `BEGIN IMMEDIATE` on a pooled connection whose busy timeout
    /// is `wait` for that statement only (the pool's connections keep
    /// theirs), so a write that has somewhere else to go (the access spool)
    /// need not wait the whole import out. PostgreSQL: [`Db::begin_write`]
    /// (its writers do not exclude one another).
    pub async fn try_begin_write(&self, wait: Duration) -> Result<Option<Tx>> {
        use sqlx::SqlSafeStr;
        let p = match self {
            Db::Sqlite(p) => p,
            Db::Pg(_) => return Ok(Some(self.begin_write().await?)),
        };
        let timeout = |d: Duration| format!("PRAGMA busy_timeout = {}", d.as_millis());
        let mut conn = p.acquire().await?;
        sqlx::query(sqlx::AssertSqlSafe(timeout(wait)))
            .execute(&mut *conn)
            .await?;
        let began = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await;
        sqlx::query(sqlx::AssertSqlSafe(timeout(SQLITE_BUSY_TIMEOUT)))
            .execute(&mut *conn)
            .await?;
        match began.map_err(StoreError::from) {
            Err(e) if e.is_busy() => Ok(None),
            Err(e) => Err(e),
            // The transaction is open: sqlx takes it over, its "begin" a
            // statement that changes nothing.
            Ok(_) => Ok(Some(Tx::Sqlite(
                sqlx::Transaction::begin(
                    conn,
                    Some(sqlx::AssertSqlSafe("SELECT 1").into_sql_str()),
                )
                .await?,
            ))),
        }
    }

    /// Starts the write transaction of an import. SQLite: on a connection
    /// of its own, with foreign-key enforcement off, closed afterwards
    /// instead of returned to the pool (so no other work ever runs without
    /// the checks). The importer writes only ids it read or inserted in the
    /// same transaction, and SQLite's per-row parent lookups cost about a
    /// third of the insert time. PostgreSQL: a transaction holding the
    /// organization's import lock, so two imports into one organization run
    /// one after the other (each decides which debtors are new before
    /// inserting them; SQLite's write lock already serializes them).
    pub async fn begin_import(&self, org_id: i64) -> Result<Tx> {
        use sqlx::SqlSafeStr;
        match self {
            Db::Sqlite(p) => {
                let mut conn = p.acquire().await?;
                conn.close_on_drop();
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                let begin = sqlx::AssertSqlSafe("BEGIN IMMEDIATE").into_sql_str();
                Ok(Tx::Sqlite(
                    sqlx::Transaction::begin(conn, Some(begin)).await?,
                ))
            }
            Db::Pg(p) => {
                let mut tx = Tx::Pg(p.begin().await?);
                tx.lock_imports(org_id).await?;
                Ok(tx)
            }
        }
    }

    /// A write transaction for a write by hand that may add a row an import
    /// in progress is about to add (a contract in a creditor the import
    /// found empty, which would make it fail on the unique key): on
    /// PostgreSQL it holds the organization's import lock shared, so no
    /// import runs beside it. While an import holds that lock it tries again
    /// every 100 ms for up to `wait`, holding no pooled connection between
    /// tries (ten such writes waiting must not starve every other request),
    /// then [`StoreError::Busy`]. SQLite: [`Db::begin_write`] (its write lock
    /// and busy timeout do the same).
    pub async fn begin_write_beside_imports(
        &self,
        org_id: i64,
        wait: std::time::Duration,
    ) -> Result<Tx> {
        let started = std::time::Instant::now();
        loop {
            let mut tx = self.begin_write().await?;
            if tx.try_share_imports(org_id).await? {
                return Ok(tx);
            }
            drop(tx);
            if started.elapsed() >= wait {
                return Err(StoreError::Busy);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    pub async fn close(&self) {
        on_db!(self, |p| p.close().await)
    }
}

/// How long a SQLite write waits for the one writer before it is busy.
/// Whether a connection handed back to the pool may serve again: not if a
/// transaction on it could not be ended (a `ROLLBACK` or `COMMIT` that
/// failed, e.g. on a full disk), which would leave every later `BEGIN` on
/// it refused; such a connection is closed and the pool opens a new one.
fn still_usable(conn: &mut impl sqlx::Connection) -> bool {
    !conn.is_in_transaction()
}

const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The first key of PostgreSQL's advisory lock for imports (the second is
/// the organization).
const IMPORT_LOCK_CLASS: i32 = 0x5154_4931;

/// A write transaction on either backend; dropped without `commit` it rolls back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Pg(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub fn is_sqlite(&self) -> bool {
        matches!(self, Tx::Sqlite(_))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Pg(_) => Backend::Postgres,
        }
    }

    /// PostgreSQL: waits for, then holds until the end of the transaction,
    /// the organization's import lock, which every import of receivables
    /// or contacts takes, so that two never interleave their writes to the
    /// same debtors and contacts. SQLite: nothing (its write lock already
    /// serializes them).
    pub async fn lock_imports(&mut self, org_id: i64) -> Result<()> {
        if let Tx::Pg(t) = self {
            sqlx::query("SELECT pg_advisory_xact_lock($1, ($2 % 2147483647)::INT)")
                .bind(IMPORT_LOCK_CLASS)
                .bind(org_id)
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    /// PostgreSQL: takes the organization's import lock shared if no import
    /// holds it; `false` (and nothing taken) if one does.
    async fn try_share_imports(&mut self, org_id: i64) -> Result<bool> {
        match self {
            Tx::Pg(t) => Ok(sqlx::query_scalar(
                "SELECT pg_try_advisory_xact_lock_shared($1, ($2 % 2147483647)::INT)",
            )
            .bind(IMPORT_LOCK_CLASS)
            .bind(org_id)
            .fetch_one(&mut **t)
            .await?),
            Tx::Sqlite(_) => Ok(true),
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}
