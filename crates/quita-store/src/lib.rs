//! Persistence for Quita: one [`Db`] over SQLite or PostgreSQL, embedded
//! migrations, and one module of repository functions per aggregate.
//!
//! SQL lives only here. Most statements are shared text with `$N`
//! placeholders, `RETURNING` and `ON CONFLICT`, run through [`on_db!`];
//! backend-specific SQL appears only where the dialects really differ (job
//! claiming). No business rules: callers pass validated domain values.
//!
//! Instants are stored as BIGINT milliseconds since the Unix epoch (UTC) on
//! both backends; money as BIGINT centavos.
#![forbid(unsafe_code)]

/// Runs the same expression against whichever pool the `Db` holds.
macro_rules! on_db {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($p) => $body,
            $crate::Db::Pg($p) => $body,
        }
    };
}

/// Runs the same expression against whichever transaction a `Tx` holds.
#[allow(unused_macros)]
macro_rules! on_tx {
    ($tx:expr, |$t:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite($t) => $body,
            $crate::Tx::Pg($t) => $body,
        }
    };
}

pub mod audit;
pub mod dashboard;
mod db;
mod error;
pub mod import_runs;
pub mod jobs;
pub mod orgs;
pub mod portfolio;
pub mod secrets;
pub mod sessions;
pub mod throttle;
pub mod tokens;
mod url;
pub mod users;

#[cfg(feature = "test-support")]
pub mod testing;

pub use db::{Backend, Db, DbOptions, Tx};
pub use error::{Result, StoreError};
pub use url::{DatabaseUrl, DatabaseUrlError};

/// How long the bookkeeping of a request (a session's or token's last use)
/// waits for SQLite's writer before it is skipped: a long import holds the
/// writer, and the page must not wait for it.
pub const TOUCH_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

/// Milliseconds since the Unix epoch: the stored form of an instant.
pub(crate) fn ms(t: jiff::Timestamp) -> i64 {
    t.as_millisecond()
}

/// The instant a stored millisecond count stands for; out-of-range values
/// (never written by Quita) clamp to the epoch rather than panic.
pub(crate) fn ts(ms: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

const EPOCH_DAY: jiff::civil::Date = jiff::civil::date(1970, 1, 1);

/// Days since 1970-01-01: the stored form of a civil date.
pub fn day_number(d: jiff::civil::Date) -> i64 {
    d.since(EPOCH_DAY)
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(0)
}

/// The civil date a stored day number stands for (clamped to jiff's range).
pub fn date_of(day: i64) -> jiff::civil::Date {
    let days = day.clamp(-700_000, 2_900_000);
    EPOCH_DAY
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(EPOCH_DAY)
}

/// Placeholders for `n` values of an `IN (…)` list: `?, ?, …` on SQLite;
/// `$first, $first+1, …` on PostgreSQL (after the `first - 1` parameters
/// before the list).
pub(crate) fn in_list(sqlite: bool, n: usize, first: usize) -> String {
    if sqlite {
        vec!["?"; n].join(", ")
    } else {
        (first..first + n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn in_list_numbers_after_the_leading_parameters() {
        assert_eq!(super::in_list(true, 3, 2), "?, ?, ?");
        assert_eq!(super::in_list(false, 3, 2), "$2, $3, $4");
        assert_eq!(super::in_list(false, 0, 2), "");
    }
}
