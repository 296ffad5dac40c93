//! Failed-login throttling, kept in the database so every instance sees the
//! same count. Keys are hashes chosen by the caller (never a raw e-mail).

use jiff::{SignedDuration, Timestamp};

use crate::{Db, Result, ms, ts};

/// When a key is locked out, until when.
pub async fn locked_until(db: &Db, key_hash: &str, now: Timestamp) -> Result<Option<Timestamp>> {
    const SQL: &str =
        "SELECT locked_until FROM login_throttle WHERE key_hash = $1 AND locked_until > $2";
    let until: Option<Option<i64>> = on_db!(db, |p| sqlx::query_scalar(SQL)
        .bind(key_hash)
        .bind(ms(now))
        .fetch_optional(p)
        .await)?;
    Ok(until.flatten().map(ts))
}

/// The rule: `max_failures` failures within `window` lock the key for `lockout`.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: i64,
    pub window: SignedDuration,
    pub lockout: SignedDuration,
}

/// Counts one failure (one atomic upsert) and returns the failures in the
/// current window and the lock, if this failure reached the limit.
pub async fn record_failure(
    db: &Db,
    key_hash: &str,
    policy: ThrottlePolicy,
    now: Timestamp,
) -> Result<(i64, Option<Timestamp>)> {
    const SQL: &str = "INSERT INTO login_throttle (key_hash, failures, window_start, locked_until) \
         VALUES ($1, 1, $2, CASE WHEN 1 >= $4 THEN $5 ELSE NULL END) \
         ON CONFLICT (key_hash) DO UPDATE SET \
           failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END, \
           window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END, \
           locked_until = CASE WHEN (CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END) >= $4 \
                               THEN $5 ELSE login_throttle.locked_until END \
         RETURNING failures, locked_until";
    let window_start = ms(now) - policy.window.as_millis() as i64;
    let lock_end = ms(now) + policy.lockout.as_millis() as i64;
    let (failures, until): (i64, Option<i64>) = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(key_hash)
        .bind(ms(now))
        .bind(window_start)
        .bind(policy.max_failures)
        .bind(lock_end)
        .fetch_one(p)
        .await)?;
    Ok((failures, until.filter(|u| *u > ms(now)).map(ts)))
}

/// Forgets a key's failures (after a successful login).
pub async fn clear(db: &Db, key_hash: &str) -> Result<()> {
    const SQL: &str = "DELETE FROM login_throttle WHERE key_hash = $1";
    on_db!(db, |p| sqlx::query(SQL)
        .bind(key_hash)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
