//! Instance-wide secrets generated once and shared by every process on the
//! same database (for example the key that signs pre-login CSRF tokens).

use jiff::Timestamp;

use crate::{Db, Result, ms};

/// Returns the secret called `name`, storing `candidate` first if none exists
/// yet. Concurrent callers all get the one value that won.
pub async fn get_or_create(db: &Db, name: &str, candidate: &str, now: Timestamp) -> Result<String> {
    const INSERT: &str = "INSERT INTO instance_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING";
    const SELECT: &str = "SELECT value FROM instance_secrets WHERE name = $1";
    on_db!(db, |p| sqlx::query(INSERT)
        .bind(name)
        .bind(candidate)
        .bind(ms(now))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(on_db!(db, |p| sqlx::query_scalar(SELECT)
        .bind(name)
        .fetch_one(p)
        .await)?)
}
