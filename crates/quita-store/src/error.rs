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
            _ => StoreError::Database(e),
        }
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
