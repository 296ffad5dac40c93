//! Fresh databases for tests: a temporary SQLite file, or a new PostgreSQL
//! database created under `QUITA_TEST_POSTGRES_URL` and dropped afterwards.
//!
//! With `QUITA_TEST_REQUIRE_POSTGRES=1` (set by CI) a missing
//! `QUITA_TEST_POSTGRES_URL` is a failure, not a skip.

use std::{future::Future, path::PathBuf};

use crate::{DatabaseUrl, Db, DbOptions};

/// A migrated, empty database that cleans up after itself via [`TestDb::cleanup`].
pub struct TestDb {
    pub db: Db,
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(PathBuf),
    PgDatabase { admin_url: String, name: String },
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The PostgreSQL server URL for tests, or `None` to skip (panics when CI
/// requires PostgreSQL and it is not configured).
pub fn postgres_url() -> Option<String> {
    match std::env::var("QUITA_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if std::env::var("QUITA_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("QUITA_TEST_REQUIRE_POSTGRES=1 but QUITA_TEST_POSTGRES_URL is not set");
            }
            None
        }
    }
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("quita-test-{}", random_suffix()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = DatabaseUrl::Sqlite(dir.join("quita.db"));
        let db = Db::connect(&url, &DbOptions::default())
            .await
            .expect("open sqlite");
        db.migrate().await.expect("migrate sqlite");
        Self {
            db,
            url,
            cleanup: Cleanup::SqliteDir(dir),
        }
    }

    /// A fresh PostgreSQL database, or `None` when PostgreSQL tests are not configured.
    pub async fn postgres() -> Option<Self> {
        let admin_url = postgres_url()?;
        let name = format!("quita_test_{}", random_suffix());
        let admin =
            DatabaseUrl::parse(&admin_url).expect("QUITA_TEST_POSTGRES_URL is a postgres URL");
        let admin_db = Db::connect(&admin, &DbOptions::default())
            .await
            .expect("connect to QUITA_TEST_POSTGRES_URL");
        if let Db::Pg(p) = &admin_db {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(p)
                .await
                .expect("create test database");
        }
        admin_db.close().await;
        let url = DatabaseUrl::Postgres(replace_database(&admin_url, &name));
        let db = Db::connect(
            &url,
            &DbOptions {
                pg_max_connections: 5,
                ..DbOptions::default()
            },
        )
        .await
        .expect("connect to test database");
        db.migrate().await.expect("migrate postgres");
        Some(Self {
            db,
            url,
            cleanup: Cleanup::PgDatabase { admin_url, name },
        })
    }

    /// Closes the pool and removes the database.
    pub async fn cleanup(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PgDatabase { admin_url, name } => {
                let Ok(admin) = DatabaseUrl::parse(&admin_url) else {
                    return;
                };
                if let Ok(Db::Pg(p)) = Db::connect(&admin, &DbOptions::default()).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&p)
                    .await;
                    p.close().await;
                }
            }
        }
    }
}

/// Swaps the database name in a PostgreSQL URL (keeping query parameters).
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Runs `test` against a fresh database of the given backend and always
/// cleans up, re-raising the test's panic afterwards.
pub async fn run_with<F, Fut>(make: TestDb, test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let outcome = tokio::spawn(test(make.db.clone())).await;
    make.cleanup().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test task failed: {e}");
    }
}

/// Runs a conformance test on SQLite.
pub async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_with(TestDb::sqlite().await, test).await;
}

/// Runs a conformance test on PostgreSQL, or reports a skip.
pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    match TestDb::postgres().await {
        Some(t) => run_with(t, test).await,
        None => eprintln!("skipped: QUITA_TEST_POSTGRES_URL is not set"),
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn replaces_database_name() {
        assert_eq!(
            replace_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://h", "x"), "postgres://h/x");
    }
}
