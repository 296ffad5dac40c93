//! The background worker: claims jobs from the queue, runs their handler,
//! records the result, and stops between jobs when asked to shut down.
//!
//! Handlers must be idempotent: a job may run again after a crash (its lease
//! runs out and another worker takes it). Side effects guard themselves with
//! unique keys in the database.

use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc, time::Duration};

use jiff::{SignedDuration, Timestamp};
use quita_store::jobs::{self, ClaimedJob, FailOutcome, NewJob};
use tokio::sync::watch;

use crate::App;

pub type JobFuture<'a> = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;

/// Runs one kind of job.
pub trait JobHandler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    fn run<'a>(&'a self, app: &'a App, job: &'a ClaimedJob) -> JobFuture<'a>;
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub poll_interval: Duration,
    pub lease: SignedDuration,
    pub batch: i64,
    /// How often the maintenance sweep is scheduled.
    pub sweep_every: SignedDuration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            lease: SignedDuration::from_mins(5),
            batch: 10,
            sweep_every: SignedDuration::from_hours(1),
        }
    }
}

pub struct Worker {
    app: App,
    id: String,
    settings: WorkerSettings,
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
}

/// Removes expired sessions and buries jobs whose last lease ran out.
pub struct MaintenanceSweep;

pub const SWEEP_KIND: &str = "maintenance.sweep";

impl JobHandler for MaintenanceSweep {
    fn kind(&self) -> &'static str {
        SWEEP_KIND
    }
    fn run<'a>(&'a self, app: &'a App, _job: &'a ClaimedJob) -> JobFuture<'a> {
        Box::pin(async move {
            let now = app.now();
            let idle_cutoff = now.saturating_sub(app.auth.idle_timeout).unwrap_or(now);
            let sessions = quita_store::sessions::delete_expired(&app.db, now, idle_cutoff).await?;
            let jobs = jobs::reap_expired(&app.db, now).await?;
            tracing::info!(sessions, jobs, "maintenance sweep");
            Ok(())
        })
    }
}

/// Retry delay: 30 s doubling per attempt, capped at one hour, with a
/// deterministic spread by job id so retries of a burst do not align.
pub fn backoff(attempts: i64, job_id: i64) -> SignedDuration {
    let exp = attempts.clamp(1, 8) - 1;
    let base = (30i64 << exp).min(3600);
    SignedDuration::from_secs(base + job_id.rem_euclid(7) * base / 10)
}

impl Worker {
    pub fn new(app: App, settings: WorkerSettings) -> Self {
        let id = format!("{}-{}", std::process::id(), &crate::random_token()[..8]);
        let mut w = Self {
            app,
            id,
            settings,
            handlers: HashMap::new(),
        };
        w.register(Arc::new(MaintenanceSweep));
        w
    }

    pub fn register(&mut self, handler: Arc<dyn JobHandler>) {
        self.handlers.insert(handler.kind(), handler);
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Enqueues the periodic sweep for the current period (idempotent by key).
    pub async fn schedule_periodic(&self, now: Timestamp) -> anyhow::Result<()> {
        let period = self.settings.sweep_every.as_secs().max(60);
        let slot = now.as_second().div_euclid(period);
        let key = format!("{SWEEP_KIND}:{slot}");
        let payload = serde_json::json!({});
        let mut tx = self.app.db.begin_write().await?;
        jobs::enqueue(
            &mut tx,
            &NewJob {
                org_id: None,
                kind: SWEEP_KIND,
                payload: &payload,
                run_at: now,
                max_attempts: 3,
                dedup_key: Some(&key),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims and runs one batch; returns how many jobs it ran.
    pub async fn run_once(&self) -> anyhow::Result<usize> {
        let now = self.app.now();
        let lease_until = now.saturating_add(self.settings.lease).unwrap_or(now);
        let batch = jobs::claim(
            &self.app.db,
            &self.id,
            now,
            lease_until,
            self.settings.batch,
        )
        .await?;
        let n = batch.len();
        for job in batch {
            self.run_job(&job).await?;
        }
        Ok(n)
    }

    async fn run_job(&self, job: &ClaimedJob) -> anyhow::Result<()> {
        let result = match self.handlers.get(job.kind.as_str()) {
            Some(h) => h.run(&self.app, job).await,
            None => Err(anyhow::anyhow!("no handler for job kind {:?}", job.kind)),
        };
        let now = self.app.now();
        match result {
            Ok(()) => {
                if !jobs::complete(&self.app.db, job.id, &self.id, now).await? {
                    tracing::warn!(job_id = job.id, "job finished after its lease was lost");
                }
            }
            Err(e) => {
                let retry_at = now
                    .saturating_add(backoff(job.attempts, job.id))
                    .unwrap_or(now);
                let outcome = jobs::fail(
                    &self.app.db,
                    job.id,
                    &self.id,
                    &format!("{e:#}"),
                    retry_at,
                    now,
                )
                .await?;
                match outcome {
                    FailOutcome::Dead => {
                        tracing::error!(job_id = job.id, kind = %job.kind, "job is dead after its last attempt")
                    }
                    FailOutcome::Retry => {
                        tracing::warn!(job_id = job.id, kind = %job.kind, attempt = job.attempts, "job failed; will retry")
                    }
                    FailOutcome::LostLease => {
                        tracing::warn!(job_id = job.id, "job failed after its lease was lost")
                    }
                }
            }
        }
        Ok(())
    }

    /// Polls until `shutdown` turns true; a job in progress always finishes.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, "worker started");
        let mut last_schedule: Option<Timestamp> = None;
        loop {
            if *shutdown.borrow() {
                break;
            }
            let now = self.app.now();
            if last_schedule.is_none_or(|t| now.duration_since(t) >= SignedDuration::from_secs(60))
            {
                if let Err(e) = self.schedule_periodic(now).await {
                    tracing::warn!(error = %e, "could not schedule periodic jobs");
                }
                last_schedule = Some(now);
            }
            let ran = match self.run_once().await {
                Ok(n) => n,
                // The database busy with one long write (a bulk import on
                // SQLite) is no fault: the next poll claims the jobs.
                Err(e) if is_busy(&e) => {
                    tracing::debug!(error = %e, "worker poll: database busy, retrying");
                    0
                }
                Err(e) => {
                    tracing::warn!(error = %e, "worker poll failed");
                    0
                }
            };
            if ran > 0 {
                continue;
            }
            tokio::select! {
                _ = shutdown.changed() => {}
                _ = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }
}

/// Whether a poll failed only because the database was busy.
fn is_busy(e: &anyhow::Error) -> bool {
    // The chain goes through `AppError::Internal` to the store's error.
    e.chain().any(|c| {
        c.downcast_ref::<quita_store::StoreError>()
            .is_some_and(quita_store::StoreError::is_busy)
    })
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(1, 0).as_secs(), 30);
        assert_eq!(backoff(2, 0).as_secs(), 60);
        assert_eq!(backoff(20, 0).as_secs(), 3600);
        assert!(backoff(1, 3).as_secs() > 30);
        assert!(backoff(1, 6).as_secs() <= 30 + 18);
    }
}
