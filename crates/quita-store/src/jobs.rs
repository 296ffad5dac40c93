//! The job queue: durable background work with leases and retries.
//!
//! A worker *claims* due jobs, which sets a lease (`locked_until`); it then
//! completes or fails each one. A worker that dies simply lets its lease run
//! out and the job becomes claimable again. On PostgreSQL the claim uses
//! `FOR UPDATE SKIP LOCKED` so many workers in many processes never take the
//! same job; on SQLite the claim runs inside `BEGIN IMMEDIATE`, which makes it
//! atomic under the single writer. `dedup_key` (unique) makes enqueueing
//! idempotent: the same key twice is one job.

use jiff::Timestamp;

use crate::{Db, Result, StoreError, Tx, ms, ts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    /// Out of attempts; kept for people to look at.
    Dead,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Dead => "dead",
        }
    }
    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "succeeded" => JobStatus::Succeeded,
            "dead" => JobStatus::Dead,
            other => return Err(StoreError::Corrupt(format!("job status {other:?}"))),
        })
    }
}

pub struct NewJob<'a> {
    pub org_id: Option<i64>,
    pub kind: &'a str,
    pub payload: &'a serde_json::Value,
    pub run_at: Timestamp,
    pub max_attempts: i64,
    pub dedup_key: Option<&'a str>,
}

/// A job as a worker holds it after claiming.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    pub id: i64,
    pub org_id: Option<i64>,
    pub kind: String,
    pub payload: serde_json::Value,
    /// Including this one.
    pub attempts: i64,
    pub max_attempts: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub status: JobStatus,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: Timestamp,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub dedup_key: Option<String>,
}

/// Enqueues in the caller's transaction (so a job and the change that needs
/// it commit together). Returns `None` when `dedup_key` already exists.
pub async fn enqueue(tx: &mut Tx, job: &NewJob<'_>, now: Timestamp) -> Result<Option<i64>> {
    const SQL: &str = "INSERT INTO jobs (org_id, kind, payload, status, run_at, attempts, max_attempts, dedup_key, created_at) \
         VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6, $7) \
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id";
    let payload = job.payload.to_string();
    let id: Option<i64> = on_tx!(tx, |t| sqlx::query_scalar(SQL)
        .bind(job.org_id)
        .bind(job.kind)
        .bind(&payload)
        .bind(ms(job.run_at))
        .bind(job.max_attempts.max(1))
        .bind(job.dedup_key)
        .bind(ms(now))
        .fetch_optional(&mut **t)
        .await)?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: i64,
    org_id: Option<i64>,
    kind: String,
    payload: String,
    attempts: i64,
    max_attempts: i64,
}

/// Claims up to `limit` due jobs for `worker` until `lease_until`. Due means
/// queued with `run_at <= now`, or running with an expired lease and attempts
/// left. Oldest first.
pub async fn claim(
    db: &Db,
    worker: &str,
    now: Timestamp,
    lease_until: Timestamp,
    limit: i64,
) -> Result<Vec<ClaimedJob>> {
    const PG: &str = "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM jobs \
             WHERE ((status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until < $3)) \
               AND attempts < max_attempts \
             ORDER BY run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
         RETURNING id, org_id, kind, payload, attempts, max_attempts";
    const SQLITE: &str = "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM jobs \
             WHERE ((status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until < $3)) \
               AND attempts < max_attempts \
             ORDER BY run_at, id LIMIT $4) \
         RETURNING id, org_id, kind, payload, attempts, max_attempts";
    let mut rows: Vec<ClaimRow> = match db {
        Db::Pg(p) => {
            sqlx::query_as(PG)
                .bind(worker)
                .bind(ms(lease_until))
                .bind(ms(now))
                .bind(limit)
                .fetch_all(p)
                .await?
        }
        Db::Sqlite(p) => {
            let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
            let rows = sqlx::query_as(SQLITE)
                .bind(worker)
                .bind(ms(lease_until))
                .bind(ms(now))
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            rows
        }
    };
    // RETURNING order is unspecified.
    rows.sort_by_key(|r| r.id);
    Ok(rows
        .into_iter()
        .map(|r| ClaimedJob {
            id: r.id,
            org_id: r.org_id,
            kind: r.kind,
            payload: serde_json::from_str(&r.payload).unwrap_or(serde_json::Value::Null),
            attempts: r.attempts,
            max_attempts: r.max_attempts,
        })
        .collect())
}

/// Marks a job done. `false` when the worker no longer holds its lease (the
/// job was reclaimed by another worker after the lease ran out).
pub async fn complete(db: &Db, id: i64, worker: &str, now: Timestamp) -> Result<bool> {
    const SQL: &str = "UPDATE jobs SET status = 'succeeded', finished_at = $3, locked_by = NULL, locked_until = NULL, last_error = NULL \
         WHERE id = $1 AND locked_by = $2 AND status = 'running'";
    let done = on_db!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(worker)
        .bind(ms(now))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// What happened to a failed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// It will run again at the given time.
    Retry,
    /// Out of attempts.
    Dead,
    /// The worker had lost its lease; nothing changed.
    LostLease,
}

/// Records a failure: back to the queue at `retry_at` while attempts remain,
/// dead otherwise. `error` is stored for people; it must hold no personal data.
pub async fn fail(
    db: &Db,
    id: i64,
    worker: &str,
    error: &str,
    retry_at: Timestamp,
    now: Timestamp,
) -> Result<FailOutcome> {
    const SQL: &str = "UPDATE jobs SET \
           status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
           run_at = $4, last_error = $3, locked_by = NULL, locked_until = NULL, \
           finished_at = CASE WHEN attempts >= max_attempts THEN $5 ELSE NULL END \
         WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING status";
    let error: String = error.chars().take(2000).collect();
    let status: Option<String> = on_db!(db, |p| sqlx::query_scalar(SQL)
        .bind(id)
        .bind(worker)
        .bind(&error)
        .bind(ms(retry_at))
        .bind(ms(now))
        .fetch_optional(p)
        .await)?;
    Ok(match status.as_deref() {
        None => FailOutcome::LostLease,
        Some("dead") => FailOutcome::Dead,
        Some(_) => FailOutcome::Retry,
    })
}

/// Extends the lease of a long job the worker still holds.
pub async fn extend_lease(db: &Db, id: i64, worker: &str, until: Timestamp) -> Result<bool> {
    const SQL: &str =
        "UPDATE jobs SET locked_until = $3 WHERE id = $1 AND locked_by = $2 AND status = 'running'";
    let done = on_db!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(worker)
        .bind(ms(until))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Jobs whose lease ran out on their last attempt (their worker died every
/// time) become dead so they stop occupying the running set.
pub async fn reap_expired(db: &Db, now: Timestamp) -> Result<u64> {
    const SQL: &str = "UPDATE jobs SET status = 'dead', finished_at = $1, locked_by = NULL, locked_until = NULL, \
           last_error = COALESCE(last_error, 'lease expired on the last attempt') \
         WHERE status = 'running' AND locked_until < $1 AND attempts >= max_attempts";
    let done = on_db!(db, |p| sqlx::query(SQL)
        .bind(ms(now))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done)
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    status: String,
    attempts: i64,
    max_attempts: i64,
    run_at: i64,
    locked_by: Option<String>,
    last_error: Option<String>,
    dedup_key: Option<String>,
}

pub async fn get(db: &Db, id: i64) -> Result<Job> {
    const SQL: &str = "SELECT id, kind, status, attempts, max_attempts, run_at, locked_by, last_error, dedup_key FROM jobs WHERE id = $1";
    let r: JobRow = on_db!(db, |p| sqlx::query_as(SQL).bind(id).fetch_one(p).await)?;
    Ok(Job {
        id: r.id,
        kind: r.kind,
        status: JobStatus::parse(&r.status)?,
        attempts: r.attempts,
        max_attempts: r.max_attempts,
        run_at: ts(r.run_at),
        locked_by: r.locked_by,
        last_error: r.last_error,
        dedup_key: r.dedup_key,
    })
}

/// Jobs by status, for an organization's own jobs plus system jobs when
/// `org_id` is `None` (all).
pub async fn count_by_status(db: &Db, org_id: Option<i64>) -> Result<Vec<(JobStatus, i64)>> {
    const SQL: &str = "SELECT status, COUNT(*) FROM jobs WHERE ($1 IS NULL OR org_id = $1) GROUP BY status ORDER BY status";
    const PG: &str = "SELECT status, COUNT(*) FROM jobs WHERE ($1::BIGINT IS NULL OR org_id = $1) GROUP BY status ORDER BY status";
    let rows: Vec<(String, i64)> = match db {
        Db::Sqlite(p) => sqlx::query_as(SQL).bind(org_id).fetch_all(p).await?,
        Db::Pg(p) => sqlx::query_as(PG).bind(org_id).fetch_all(p).await?,
    };
    rows.into_iter()
        .map(|(s, n)| Ok((JobStatus::parse(&s)?, n)))
        .collect()
}
