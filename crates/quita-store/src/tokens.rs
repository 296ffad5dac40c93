//! API tokens: scoped to one organization, stored hashed, revocable.

use jiff::Timestamp;
use quita_core::role::Role;

use crate::{Db, Result, StoreError, Tx, ms, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub role: Role,
    /// The first characters of the secret, shown so people can tell tokens apart.
    pub prefix: String,
    pub created_by: Option<i64>,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: i64,
    name: String,
    role: String,
    prefix: String,
    created_by: Option<i64>,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl TryFrom<Row> for ApiToken {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Self {
            id: r.id,
            org_id: r.org_id,
            name: r.name,
            role: r
                .role
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("token {}: {e}", r.id)))?,
            prefix: r.prefix,
            created_by: r.created_by,
            created_at: ts(r.created_at),
            last_used_at: r.last_used_at.map(ts),
            revoked_at: r.revoked_at.map(ts),
        })
    }
}

pub struct NewApiToken<'a> {
    pub org_id: i64,
    pub name: &'a str,
    pub role: Role,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub created_by: Option<i64>,
}

pub async fn create(tx: &mut Tx, new: &NewApiToken<'_>, now: Timestamp) -> Result<ApiToken> {
    const SQL: &str = "INSERT INTO api_tokens (org_id, name, role, token_hash, prefix, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         RETURNING id, org_id, name, role, prefix, created_by, created_at, last_used_at, revoked_at";
    let row: Row = on_tx!(tx, |t| sqlx::query_as(SQL)
        .bind(new.org_id)
        .bind(new.name)
        .bind(new.role.as_str())
        .bind(new.token_hash)
        .bind(new.prefix)
        .bind(new.created_by)
        .bind(ms(now))
        .fetch_one(&mut **t)
        .await)?;
    row.try_into()
}

/// The unrevoked token with this hash, if any.
pub async fn find_active(db: &Db, token_hash: &str) -> Result<Option<ApiToken>> {
    const SQL: &str = "SELECT id, org_id, name, role, prefix, created_by, created_at, last_used_at, revoked_at \
         FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL";
    let row: Option<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(token_hash)
        .fetch_optional(p)
        .await)?;
    row.map(TryInto::try_into).transpose()
}

/// Notes a use, at most once a minute per token to spare writes, unless
/// the write cannot start within [`TOUCH_WAIT`](crate::TOUCH_WAIT) (a long
/// import holding SQLite's writer): `false`, nothing written, and the
/// request goes on.
pub async fn touch(db: &Db, id: i64, now: Timestamp) -> Result<bool> {
    const SQL: &str = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)";
    const FRESH: &str = "SELECT 1 FROM api_tokens WHERE id = $1 AND last_used_at >= $2";
    // Used within the minute: nothing to write, no writer to wait for.
    let fresh: Option<i32> = on_db!(db, |p| sqlx::query_scalar(FRESH)
        .bind(id)
        .bind(ms(now) - 60_000)
        .fetch_optional(p)
        .await)?;
    if fresh.is_some() {
        return Ok(true);
    }
    let Some(mut tx) = db.try_begin_write(crate::TOUCH_WAIT).await? else {
        return Ok(false);
    };
    on_tx!(&mut tx, |t| sqlx::query(SQL)
        .bind(id)
        .bind(ms(now))
        .bind(ms(now) - 60_000)
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(true)
}

pub async fn list(db: &Db, org_id: i64) -> Result<Vec<ApiToken>> {
    const SQL: &str = "SELECT id, org_id, name, role, prefix, created_by, created_at, last_used_at, revoked_at \
         FROM api_tokens WHERE org_id = $1 ORDER BY id LIMIT 5000";
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL).bind(org_id).fetch_all(p).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Revokes one token of one organization; `NotFound` when it is not the
/// organization's or is already revoked.
pub async fn revoke(tx: &mut Tx, org_id: i64, id: i64, now: Timestamp) -> Result<ApiToken> {
    const SQL: &str = "UPDATE api_tokens SET revoked_at = $3 WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL \
         RETURNING id, org_id, name, role, prefix, created_by, created_at, last_used_at, revoked_at";
    let row: Row = on_tx!(tx, |t| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(id)
        .bind(ms(now))
        .fetch_one(&mut **t)
        .await)?;
    row.try_into()
}
