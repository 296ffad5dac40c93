//! The storage layer's error type.

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique or check constraint refused the write; carries the constraint
    /// (or column) name the database reported.
    #[error("conflict on {0}")]
    Conflict(String),
    #[error("could not open the database: {0}")]
    Connect(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    /// Another write held what this one needed for longer than it may wait.
    #[error("busy with another write")]
    Busy,
    /// The database's disk is full (SQLite `SQLITE_FULL`, PostgreSQL
    /// `53100`): the write was not made, and one after space is freed works.
    #[error("the database's disk is full")]
    DiskFull,
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(
                db.constraint()
                    .map(str::to_owned)
                    .unwrap_or_else(|| unique_target(db.message())),
            ),
            sqlx::Error::Database(db) if disk_full(db.code().as_deref(), db.message()) => {
                StoreError::DiskFull
            }
            _ => StoreError::Database(e),
        }
    }
}

/// SQLite's `SQLITE_FULL` (13, with its extended codes) or PostgreSQL's
/// `disk_full` (53100).
fn disk_full(code: Option<&str>, message: &str) -> bool {
    match code {
        Some("53100") => true,
        Some(c) => c.parse::<i32>().is_ok_and(|n| n & 0xff == 13) && message.contains("full"),
        None => false,
    }
}

/// SQLite reports "UNIQUE constraint failed: users.email" without a
/// constraint name; keep the column part.
fn unique_target(message: &str) -> String {
    message.rsplit(": ").next().unwrap_or(message).to_owned()
}

impl StoreError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }

    /// SQLite's one writer was busy past the busy timeout (`SQLITE_BUSY`,
    /// `SQLITE_LOCKED` and their extended codes), as while a bulk import
    /// holds the write lock, a PostgreSQL lock not had in time (`55P03`,
    /// [`Db::begin_write_beside_imports`](crate::Db::begin_write_beside_imports)),
    /// or no pooled connection free in time: a retry later succeeds.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Busy | StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            StoreError::Database(sqlx::Error::Database(db)) => match db.code().as_deref() {
                Some("55P03") => true,
                Some(code) => code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6)),
                None => false,
            },
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, Executor, SqliteConnection, sqlite::SqliteConnectOptions};

    use super::StoreError;

    /// A full disk, on either database, is told apart from other errors.
    #[test]
    fn a_full_disk_is_told_as_such() {
        use super::disk_full;
        assert!(disk_full(Some("13"), "database or disk is full"));
        assert!(disk_full(
            Some("53100"),
            "could not extend file: No space left on device"
        ));
        assert!(!disk_full(Some("5"), "database is locked"));
        assert!(!disk_full(Some("23505"), "duplicate key"));
        assert!(!disk_full(None, "database or disk is full"));
    }

    /// A write while another connection holds the write lock, with no busy
    /// wait: busy; other errors are not.
    #[tokio::test]
    async fn a_held_write_lock_is_busy() {
        let path = std::env::temp_dir().join(format!("quita-busy-{}.db", std::process::id()));
        let opts = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .busy_timeout(std::time::Duration::ZERO);
        let mut a = SqliteConnection::connect_with(&opts).await.unwrap();
        let mut b = SqliteConnection::connect_with(&opts).await.unwrap();
        a.execute("CREATE TABLE t (x INTEGER UNIQUE)")
            .await
            .unwrap();
        a.execute("BEGIN IMMEDIATE").await.unwrap();
        let locked = b.execute("INSERT INTO t VALUES (1)").await.unwrap_err();
        assert!(StoreError::from(locked).is_busy());
        a.execute("INSERT INTO t VALUES (1)").await.unwrap();
        let duplicate = a.execute("INSERT INTO t VALUES (1)").await.unwrap_err();
        let duplicate = StoreError::from(duplicate);
        assert!(duplicate.is_conflict() && !duplicate.is_busy());
        assert!(!StoreError::NotFound.is_busy());
        drop((a, b));
        let _ = std::fs::remove_file(&path);
    }
}
