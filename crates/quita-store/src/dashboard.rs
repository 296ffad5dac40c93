//! Counts for the Painel, one round trip per figure group.

use jiff::Timestamp;

use crate::{Db, Result, ms};

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct OrgCounts {
    pub users_active: i64,
    pub users_inactive: i64,
    pub admins: i64,
    pub supervisors: i64,
    pub agents: i64,
    pub viewers: i64,
    pub api_tokens_active: i64,
    pub audit_events_24h: i64,
    pub logins_24h: i64,
    pub failed_logins_24h: i64,
}

pub async fn org_counts(db: &Db, org_id: i64, now: Timestamp) -> Result<OrgCounts> {
    const USERS: &str = "SELECT \
           COALESCE(SUM(CASE WHEN active THEN 1 ELSE 0 END), 0), \
           COALESCE(SUM(CASE WHEN active THEN 0 ELSE 1 END), 0), \
           COALESCE(SUM(CASE WHEN active AND role = 'admin' THEN 1 ELSE 0 END), 0), \
           COALESCE(SUM(CASE WHEN active AND role = 'supervisor' THEN 1 ELSE 0 END), 0), \
           COALESCE(SUM(CASE WHEN active AND role = 'agent' THEN 1 ELSE 0 END), 0), \
           COALESCE(SUM(CASE WHEN active AND role = 'viewer' THEN 1 ELSE 0 END), 0) \
         FROM users WHERE org_id = $1";
    const TOKENS: &str = "SELECT COUNT(*) FROM api_tokens WHERE org_id = $1 AND revoked_at IS NULL";
    const AUDIT: &str = "SELECT COUNT(*), \
           COALESCE(SUM(CASE WHEN action = 'login' THEN 1 ELSE 0 END), 0), \
           COALESCE(SUM(CASE WHEN action = 'login_failed' THEN 1 ELSE 0 END), 0) \
         FROM audit_log WHERE org_id = $1 AND created_at >= $2";
    let since = ms(now) - 24 * 3600 * 1000;
    let u: (i64, i64, i64, i64, i64, i64) = on_db!(db, |p| sqlx::query_as(USERS)
        .bind(org_id)
        .fetch_one(p)
        .await)?;
    let tokens: i64 = on_db!(db, |p| sqlx::query_scalar(TOKENS)
        .bind(org_id)
        .fetch_one(p)
        .await)?;
    let a: (i64, i64, i64) = on_db!(db, |p| sqlx::query_as(AUDIT)
        .bind(org_id)
        .bind(since)
        .fetch_one(p)
        .await)?;
    Ok(OrgCounts {
        users_active: u.0,
        users_inactive: u.1,
        admins: u.2,
        supervisors: u.3,
        agents: u.4,
        viewers: u.5,
        api_tokens_active: tokens,
        audit_events_24h: a.0,
        logins_24h: a.1,
        failed_logins_24h: a.2,
    })
}
