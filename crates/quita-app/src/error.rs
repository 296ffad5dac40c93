//! The use-case error: what went wrong in terms a caller can act on.

use jiff::Timestamp;
use quita_store::StoreError;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input: which field and why (safe to show to the user).
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("not found")]
    NotFound,
    /// A field names a record the caller cannot see: which field and what
    /// it named (answered as not found, never saying whether it exists
    /// elsewhere).
    #[error("{field}: {message}")]
    Absent {
        field: &'static str,
        message: String,
    },
    #[error("authentication required")]
    Unauthenticated,
    #[error("e-mail or password is wrong")]
    BadCredentials,
    #[error("too many failed attempts; try again after {until}")]
    Throttled { until: Timestamp },
    #[error("your role does not allow this")]
    Forbidden,
    /// A uniqueness rule was hit (e.g. e-mail already in use).
    #[error("{0}")]
    Conflict(String),
    /// The database was busy with another write past the wait allowed (an
    /// import holding SQLite's write lock, or the organization's import
    /// lock on PostgreSQL): nothing was changed, and a retry succeeds.
    #[error("busy with another write (an import?); nothing was changed, try again shortly")]
    Busy,
    /// The database's disk is full: nothing was written (a transaction
    /// rolls back whole), and the same action works once space is freed.
    #[error("the database's disk is full; nothing was written: free space and try again")]
    DiskFull,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn invalid(field: &'static str, message: impl std::fmt::Display) -> Self {
        AppError::Invalid {
            field,
            message: message.to_string(),
        }
    }

    /// A stable machine-readable code for API problem objects and CLI JSON.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid_input",
            AppError::NotFound | AppError::Absent { .. } => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::Throttled { .. } => "too_many_attempts",
            AppError::Forbidden => "forbidden",
            AppError::Conflict(_) => "conflict",
            AppError::Busy => "busy",
            AppError::DiskFull => "disk_full",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(what) => AppError::Conflict(format!("already exists ({what})")),
            other if other.is_busy() => AppError::Busy,
            StoreError::DiskFull => AppError::DiskFull,
            other => AppError::Internal(other.into()),
        }
    }
}
