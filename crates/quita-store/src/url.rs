//! Which database a URL names. Only `sqlite:` and `postgres:` are accepted:
//! an unknown scheme is an error, never a silent fallback.

use std::{fmt, path::PathBuf};

#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file (created when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection string, kept whole for the driver.
    Postgres(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error("database URL is empty")]
    Empty,
    #[error("unsupported database URL scheme {0:?}: use sqlite://PATH or postgres://…")]
    Scheme(String),
    #[error("database URL has no scheme: use sqlite://PATH or postgres://…")]
    NoScheme,
    #[error("sqlite URL has no file path")]
    NoPath,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, DatabaseUrlError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        let Some((scheme, rest)) = raw.split_once(':') else {
            return Err(DatabaseUrlError::NoScheme);
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                let path = path.split('?').next().unwrap_or_default();
                if path.is_empty() {
                    return Err(DatabaseUrlError::NoPath);
                }
                Ok(Self::Sqlite(PathBuf::from(path)))
            }
            "postgres" | "postgresql" => Ok(Self::Postgres(raw.to_owned())),
            other => Err(DatabaseUrlError::Scheme(other.to_owned())),
        }
    }

    pub fn sqlite_file(path: impl Into<PathBuf>) -> Self {
        Self::Sqlite(path.into())
    }
}

/// Never prints a PostgreSQL password.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://./quita-data/quita.db").unwrap(),
            DatabaseUrl::Sqlite("./quita-data/quita.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:/tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@h/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        assert_eq!(
            DatabaseUrl::parse("mysql://h/db"),
            Err(DatabaseUrlError::Scheme("mysql".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("quita.db"),
            Err(DatabaseUrlError::NoScheme)
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://"),
            Err(DatabaseUrlError::NoPath)
        );
        assert_eq!(DatabaseUrl::parse(""), Err(DatabaseUrlError::Empty));
    }

    #[test]
    fn display_hides_password() {
        let u = DatabaseUrl::parse("postgres://quita:s3cr3t@db:5432/quita").unwrap();
        assert_eq!(u.to_string(), "postgres://quita:***@db:5432/quita");
        assert!(!format!("{u:?}").contains("s3cr3t"));
    }
}
