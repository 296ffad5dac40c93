//! Layered configuration: defaults < `quita.toml` < `QUITA_…` environment
//! variables (nested keys with `__`, e.g. `QUITA_SESSION__IDLE_MINUTES`) <
//! command-line flags. Secrets (database passwords) belong in the
//! environment or a file outside the repository, not in a committed TOML.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use jiff::SignedDuration;
use quita_store::{DatabaseUrl, DbOptions, throttle::ThrottlePolicy};
use serde::{Deserialize, Serialize};

use crate::cli::GlobalArgs;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; empty means `<data_dir>/quita.db`.
    pub database_url: String,
    pub bind: String,
    /// The address people use; `https://` makes cookies `Secure`.
    pub public_url: String,
    pub log_format: LogFormat,
    pub log_level: String,
    pub database: DatabaseConfig,
    pub session: SessionConfig,
    pub login: LoginConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseConfig {
    pub pg_max_connections: u32,
    pub statement_timeout_secs: u64,
    pub connect_timeout_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionConfig {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginConfig {
    pub max_failures: i64,
    pub window_minutes: i64,
    pub lockout_minutes: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./quita-data"),
            database_url: String::new(),
            bind: "127.0.0.1:8080".into(),
            public_url: String::new(),
            log_format: LogFormat::Pretty,
            log_level: "info".into(),
            database: DatabaseConfig::default(),
            session: SessionConfig::default(),
            login: LoginConfig::default(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            pg_max_connections: 10,
            statement_timeout_secs: 30,
            connect_timeout_secs: 5,
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_minutes: 120,
            absolute_hours: 12,
        }
    }
}

impl Default for LoginConfig {
    fn default() -> Self {
        Self {
            max_failures: 10,
            window_minutes: 15,
            lockout_minutes: 15,
        }
    }
}

/// The environment variables read (so unrelated `QUITA_…` variables, such as
/// the test suite's, are not mistaken for configuration).
const ENV_KEYS: [&str; 9] = [
    "data_dir",
    "database_url",
    "bind",
    "public_url",
    "log_format",
    "log_level",
    "database",
    "session",
    "login",
];

impl Config {
    /// Loads the layers. A named config file must exist; `./quita.toml` is
    /// read when present; an unreadable or malformed file is an error.
    pub fn load(global: &GlobalArgs) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        let file = match &global.config {
            Some(path) => {
                if !path.is_file() {
                    bail!(
                        "config file {} does not exist or is not a file",
                        path.display()
                    );
                }
                Some(path.clone())
            }
            None => Some(PathBuf::from("quita.toml")).filter(|p| p.is_file()),
        };
        if let Some(path) = &file {
            check_readable(path)?;
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment.merge(Env::prefixed("QUITA_").split("__").filter(|k| {
            let key = k.as_str().to_ascii_lowercase().replace("__", ".");
            ENV_KEYS
                .iter()
                .any(|known| key == *known || key.starts_with(&format!("{known}.")))
        }));
        let mut config: Config = figment.extract().map_err(|e| {
            let mut msg = e.to_string();
            if let Some(path) = &file {
                msg = format!("{msg} (config file {})", path.display());
            }
            anyhow::anyhow!("invalid configuration: {msg}")
        })?;
        if let Some(d) = &global.data_dir {
            config.data_dir = d.clone();
        }
        if let Some(u) = &global.database_url {
            config.database_url = u.clone();
        }
        Ok(config)
    }

    pub fn database_url(&self) -> anyhow::Result<DatabaseUrl> {
        if self.database_url.trim().is_empty() {
            return Ok(DatabaseUrl::sqlite_file(self.data_dir.join("quita.db")));
        }
        DatabaseUrl::parse(&self.database_url).context("database URL")
    }

    pub fn db_options(&self) -> DbOptions {
        DbOptions {
            pg_max_connections: self.database.pg_max_connections.max(1),
            statement_timeout: std::time::Duration::from_secs(
                self.database.statement_timeout_secs.max(1),
            ),
            acquire_timeout: std::time::Duration::from_secs(
                self.database.connect_timeout_secs.max(1),
            ),
        }
    }

    pub fn auth_settings(&self) -> quita_app::auth::AuthSettings {
        quita_app::auth::AuthSettings {
            idle_timeout: SignedDuration::from_mins(
                self.session.idle_minutes.clamp(1, 7 * 24 * 60),
            ),
            absolute_timeout: SignedDuration::from_hours(
                self.session.absolute_hours.clamp(1, 24 * 30),
            ),
            throttle: ThrottlePolicy {
                max_failures: self.login.max_failures.max(1),
                window: SignedDuration::from_mins(self.login.window_minutes.max(1)),
                lockout: SignedDuration::from_mins(self.login.lockout_minutes.max(1)),
            },
        }
    }

    /// The public URL, defaulting to `http://<bind>`.
    pub fn public_url(&self, bind: &str) -> String {
        if self.public_url.trim().is_empty() {
            format!("http://{bind}")
        } else {
            self.public_url.trim_end_matches('/').to_owned()
        }
    }
}

fn check_readable(path: &Path) -> anyhow::Result<()> {
    std::fs::read_to_string(path)
        .map(drop)
        .with_context(|| format!("cannot read config file {}", path.display()))
}

/// `quita config example`.
pub const EXAMPLE: &str = r#"# quita.toml — Quita configuration (every key is optional).
# Precedence: defaults < this file < QUITA_* environment variables < flags.
# Nested keys in the environment use "__": QUITA_SESSION__IDLE_MINUTES=60.
# Keep secrets (database passwords) in the environment, not in this file.

# Where the SQLite database and local files live.
data_dir = "./quita-data"

# sqlite://PATH (default: <data_dir>/quita.db) or postgres://user@host:5432/db
# Any other scheme is an error. Env: QUITA_DATABASE_URL.
database_url = ""

# Address `quita serve` listens on. Env: QUITA_BIND.
bind = "127.0.0.1:8080"

# The URL people open (behind a proxy: https://cobranca.example.com.br).
# With https:// session cookies are marked Secure. Default: http://<bind>.
public_url = ""

# "pretty" for people, "json" for log collectors. Env: QUITA_LOG_FORMAT.
log_format = "pretty"
# tracing filter, e.g. "info" or "quita_web=debug,info". Env: QUITA_LOG (wins).
log_level = "info"

[database]
# PostgreSQL pool size per process: keep size x processes below max_connections.
pg_max_connections = 10
# PostgreSQL statement_timeout.
statement_timeout_secs = 30
# How long to wait for the database before giving up.
connect_timeout_secs = 5

[session]
# A session unused this long ends.
idle_minutes = 120
# A session ends this long after login, whatever the activity.
absolute_hours = 12

[login]
# This many failed logins for one e-mail within window_minutes lock it for
# lockout_minutes (counted in the database: holds across instances).
max_failures = 10
window_minutes = 15
lockout_minutes = 15
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_parses_to_the_defaults() {
        let from_example: Config = Figment::new()
            .merge(Toml::string(EXAMPLE))
            .extract()
            .unwrap();
        let d = Config::default();
        assert_eq!(from_example.bind, d.bind);
        assert_eq!(from_example.data_dir, d.data_dir);
        assert_eq!(from_example.session.idle_minutes, d.session.idle_minutes);
        assert_eq!(from_example.login.max_failures, d.login.max_failures);
        assert_eq!(
            from_example.database.pg_max_connections,
            d.database.pg_max_connections
        );
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Jail fixes the closure's error type
    fn layers_file_then_env_then_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "quita.toml",
                "bind = \"0.0.0.0:9000\"\n[session]\nidle_minutes = 30\n",
            )?;
            jail.set_env("QUITA_DATABASE_URL", "postgres://u@h/db");
            jail.set_env("QUITA_SESSION__ABSOLUTE_HOURS", "4");
            jail.set_env("QUITA_TEST_POSTGRES_URL", "ignored");
            let flags = GlobalArgs {
                data_dir: Some("/srv/quita".into()),
                ..GlobalArgs::default()
            };
            let c = Config::load(&flags).map_err(|e| e.to_string())?;
            assert_eq!(c.bind, "0.0.0.0:9000");
            assert_eq!(c.session.idle_minutes, 30);
            assert_eq!(c.session.absolute_hours, 4);
            assert_eq!(c.database_url, "postgres://u@h/db");
            assert_eq!(c.data_dir, PathBuf::from("/srv/quita"));
            let flags = GlobalArgs {
                database_url: Some("sqlite://x.db".into()),
                ..GlobalArgs::default()
            };
            assert_eq!(
                Config::load(&flags)
                    .map_err(|e| e.to_string())?
                    .database_url,
                "sqlite://x.db"
            );
            Ok(())
        });
    }

    #[test]
    fn default_database_is_sqlite_in_the_data_dir() {
        let c = Config::default();
        assert_eq!(
            c.database_url().unwrap(),
            DatabaseUrl::sqlite_file("./quita-data/quita.db")
        );
        let bad = Config {
            database_url: "mysql://x/y".into(),
            ..Config::default()
        };
        assert!(
            format!("{:#}", bad.database_url().unwrap_err())
                .contains("unsupported database URL scheme")
        );
    }
}
