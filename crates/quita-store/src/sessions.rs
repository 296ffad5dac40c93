//! Server-side login sessions. The cookie carries a random token; only its
//! SHA-256 is stored, so a database leak does not leak live sessions.

use jiff::Timestamp;

use crate::{Db, Result, Tx, ms, ts, users};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    pub org_id: i64,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// Absolute expiry: the session ends then whatever the activity.
    pub expires_at: Timestamp,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub org_id: i64,
    pub csrf_token: &'a str,
    pub expires_at: Timestamp,
}

pub async fn create(tx: &mut Tx, new: &NewSession<'_>, now: Timestamp) -> Result<()> {
    const SQL: &str = "INSERT INTO sessions (token_hash, user_id, org_id, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $5, $6)";
    on_tx!(tx, |t| sqlx::query(SQL)
        .bind(new.token_hash)
        .bind(new.user_id)
        .bind(new.org_id)
        .bind(new.csrf_token)
        .bind(ms(now))
        .bind(ms(new.expires_at))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    token_hash: String,
    user_id: i64,
    s_org_id: i64,
    csrf_token: String,
    s_created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    #[sqlx(flatten)]
    user: users::Row,
}

/// The live session for a token hash with its (active) user: `None` when
/// unknown, past its absolute expiry, idle since before `idle_cutoff`, or
/// when the user was deactivated.
pub async fn load(
    db: &Db,
    token_hash: &str,
    now: Timestamp,
    idle_cutoff: Timestamp,
) -> Result<Option<(Session, users::User)>> {
    const SQL: &str = "SELECT s.token_hash, s.user_id, s.org_id AS s_org_id, s.csrf_token, s.created_at AS s_created_at, \
         s.last_seen_at, s.expires_at, u.id, u.org_id, u.email, u.name, u.role, u.active, u.created_at \
         FROM sessions s JOIN users u ON u.id = s.user_id AND u.org_id = s.org_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.active = TRUE";
    let row: Option<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(token_hash)
        .bind(ms(now))
        .bind(ms(idle_cutoff))
        .fetch_optional(p)
        .await)?;
    let Some(r) = row else { return Ok(None) };
    let session = Session {
        token_hash: r.token_hash,
        user_id: r.user_id,
        org_id: r.s_org_id,
        csrf_token: r.csrf_token,
        created_at: ts(r.s_created_at),
        last_seen_at: ts(r.last_seen_at),
        expires_at: ts(r.expires_at),
    };
    Ok(Some((session, r.user.try_into()?)))
}

/// Records activity, unless the write cannot start within [`TOUCH_WAIT`]
/// (SQLite's one writer held by a long import): `false`, nothing written,
/// and the request goes on; the next one records it.
pub async fn touch(db: &Db, token_hash: &str, now: Timestamp) -> Result<bool> {
    const SQL: &str = "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1";
    let Some(mut tx) = db.try_begin_write(crate::TOUCH_WAIT).await? else {
        return Ok(false);
    };
    on_tx!(&mut tx, |t| sqlx::query(SQL)
        .bind(token_hash)
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(true)
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<bool> {
    const SQL: &str = "DELETE FROM sessions WHERE token_hash = $1";
    let done = on_db!(db, |p| sqlx::query(SQL)
        .bind(token_hash)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

/// Ends every session of a user (deactivation, password change).
pub async fn delete_for_user(tx: &mut Tx, org_id: i64, user_id: i64) -> Result<u64> {
    const SQL: &str = "DELETE FROM sessions WHERE org_id = $1 AND user_id = $2";
    let done = on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(user_id)
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done)
}

/// Removes sessions past their absolute expiry or idle since `idle_cutoff`.
pub async fn delete_expired(db: &Db, now: Timestamp, idle_cutoff: Timestamp) -> Result<u64> {
    const SQL: &str = "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2";
    let done = on_db!(db, |p| sqlx::query(SQL)
        .bind(ms(now))
        .bind(ms(idle_cutoff))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done)
}

/// Sessions of the organization still alive at `now` (for the dashboard).
pub async fn count_live(
    db: &Db,
    org_id: i64,
    now: Timestamp,
    idle_cutoff: Timestamp,
) -> Result<i64> {
    const SQL: &str =
        "SELECT COUNT(*) FROM sessions WHERE org_id = $1 AND expires_at > $2 AND last_seen_at > $3";
    Ok(on_db!(db, |p| sqlx::query_scalar(SQL)
        .bind(org_id)
        .bind(ms(now))
        .bind(ms(idle_cutoff))
        .fetch_one(p)
        .await)?)
}
