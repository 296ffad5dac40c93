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
}
