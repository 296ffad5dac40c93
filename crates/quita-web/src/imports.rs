//! Imports started from the UI (receivables of a carteira, or extra
//! contacts for existing debtors), running in spawned tasks, and the
//! registry the progress page polls.
//!
//! **Live progress is per instance**: the registry lives in this process's
//! memory, so with several `quita serve` processes behind a load balancer
//! the percentage read is seen only on the instance that received the
//! upload. Every import is also recorded in the database
//! (`quita_app::portfolio::import_runs`): its start before it runs, its
//! end (summary and complete report) once it is over, and, inside the
//! import's own transaction, that it was applied. So the import page, its
//! report and the "Importações recentes" lists survive a restart and are
//! served by any instance; an import on record as running that this
//! process does not hold is shown as not finished here (or as written, when
//! its transaction committed but its end went unrecorded). What an import
//! wrote commits or rolls back as one transaction either way, and its audit
//! entry records it.

pub mod contacts;
mod receivables;
mod spool;

use std::{
    collections::{HashMap, VecDeque},
    future::Future,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use jiff::Timestamp;
pub use quita_app::portfolio::import_runs::Outcome;
use quita_app::{
    App, AppError, AppResult,
    portfolio::{
        import::ImportProgress,
        import_runs::{ImportKind, RunEnd, RunStart},
    },
};

pub use receivables::{ImportRequest, run, start};
pub use spool::{IMPORT_LIMIT, Spool};

use crate::AppState;

/// How many imports each organization keeps (running and finished).
const PER_ORG: usize = 20;

/// What an import brings in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportTarget {
    /// Receivables of one creditor (carteira).
    Receivables {
        creditor_id: i64,
        creditor_name: String,
    },
    /// Extra contacts for debtors already imported (enrichment), kept with
    /// this source when a row names none.
    Contacts { source: String },
}

#[derive(Debug, Clone)]
pub enum ImportState {
    Running,
    Done(Arc<Outcome>),
    Failed(String),
}

/// How far a running import has got, updated after each batch.
#[derive(Debug, Default)]
pub struct Progress {
    rows: AtomicU64,
    bytes: AtomicU64,
    total_bytes: AtomicU64,
}

impl Progress {
    fn set(&self, p: ImportProgress) {
        self.rows.store(p.rows, Ordering::Relaxed);
        self.bytes.store(p.bytes, Ordering::Relaxed);
    }
    /// The whole file read: `rows` in all.
    fn finish(&self, rows: u64) {
        self.set(ImportProgress {
            rows,
            bytes: self.total_bytes.load(Ordering::Relaxed),
        });
    }
    pub fn rows(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }
    /// Share of the file read, 0–100 (reaching 100 only when it is done).
    pub fn percent(&self) -> u8 {
        let total = self.total_bytes.load(Ordering::Relaxed);
        if total == 0 {
            return 0;
        }
        let done = self.bytes.load(Ordering::Relaxed).min(total);
        u8::try_from(done * 100 / total).unwrap_or(100)
    }
}

/// One import: who started it, how far it got, how it ended.
#[derive(Debug)]
pub struct ImportJob {
    pub id: String,
    pub org_id: i64,
    pub target: ImportTarget,
    pub file_name: String,
    pub partial: bool,
    pub started_at: Timestamp,
    pub progress: Progress,
    pub state: Mutex<ImportState>,
}

impl ImportJob {
    pub fn state(&self) -> ImportState {
        self.state
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|_| ImportState::Failed("estado indisponível".into()))
    }
    pub fn rows(&self) -> u64 {
        self.progress.rows()
    }
    /// The creditor whose receivables it imports, if that is what it does.
    pub fn creditor_id(&self) -> Option<i64> {
        match self.target {
            ImportTarget::Receivables { creditor_id, .. } => Some(creditor_id),
            ImportTarget::Contacts { .. } => None,
        }
    }
}

/// The imports of this process, at most [`PER_ORG`] per organization (the
/// oldest finished ones are forgotten first).
#[derive(Clone, Default)]
pub struct ImportRegistry {
    inner: Arc<Mutex<HashMap<i64, VecDeque<Arc<ImportJob>>>>>,
    /// Import tasks not yet over (their end recorded): a graceful stop
    /// waits for them ([`ImportRegistry::wait_for_running`]).
    in_flight: Arc<AtomicU64>,
}

/// Counts a task in flight for as long as it lives (a panic included).
struct InFlight(Arc<AtomicU64>);

impl InFlight {
    fn new(count: &Arc<AtomicU64>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl ImportRegistry {
    /// Waits, up to `at_most`, for the imports this process runs to end and
    /// their end to be recorded: a graceful stop (SIGTERM) during an import
    /// lets it commit or roll back and keeps its summary and report, instead
    /// of cutting it off after its commit. True when none is left.
    pub async fn wait_for_running(&self, at_most: Duration) -> bool {
        let started = std::time::Instant::now();
        let mut told = false;
        loop {
            let left = self.in_flight.load(Ordering::SeqCst);
            if left == 0 {
                return true;
            }
            if started.elapsed() >= at_most {
                tracing::warn!(
                    imports = left,
                    "stopping with imports still running: they roll back"
                );
                return false;
            }
            if !told {
                tracing::info!(
                    imports = left,
                    "waiting for running imports before stopping"
                );
                told = true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn insert(&self, job: Arc<ImportJob>) -> AppResult<()> {
        let mut all = self
            .inner
            .lock()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("import registry poisoned")))?;
        let list = all.entry(job.org_id).or_default();
        if list.len() >= PER_ORG {
            let finished = list
                .iter()
                .position(|j| !matches!(j.state(), ImportState::Running));
            match finished {
                Some(i) => {
                    list.remove(i);
                }
                None => {
                    return Err(AppError::Conflict(
                        "muitas importações em andamento; aguarde uma terminar".into(),
                    ));
                }
            }
        }
        list.push_back(job);
        Ok(())
    }

    /// An import of `org_id`; another organization's id is simply not found.
    pub fn get(&self, org_id: i64, id: &str) -> Option<Arc<ImportJob>> {
        let all = self.inner.lock().ok()?;
        all.get(&org_id)?.iter().find(|j| j.id == id).cloned()
    }

    /// The organization's imports, newest first.
    pub fn list(&self, org_id: i64) -> Vec<Arc<ImportJob>> {
        let Ok(all) = self.inner.lock() else {
            return Vec::new();
        };
        all.get(&org_id)
            .map(|l| l.iter().rev().cloned().collect())
            .unwrap_or_default()
    }
}

fn random_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        let n = Timestamp::now().as_nanosecond();
        bytes = n.to_le_bytes();
    }
    hex::encode(bytes)
}

/// An import about to start: what it brings in, from which file.
struct NewJob {
    org_id: i64,
    target: ImportTarget,
    file_name: String,
    partial: bool,
}

/// Registers an import and runs `work` (given the state and the job, whose
/// `progress` it updates, and whose id it passes to the use case as the
/// `run` to mark applied) in a spawned task; returns the job at once. The
/// task records the run's start before the work runs and its end after
/// the job's state is set: the upload's answer never waits on them, and an
/// import whose start could not be recorded still runs.
fn launch<F, Fut>(state: &AppState, new: NewJob, work: F) -> AppResult<Arc<ImportJob>>
where
    F: FnOnce(AppState, Arc<ImportJob>) -> Fut,
    Fut: Future<Output = AppResult<Outcome>> + Send + 'static,
{
    let job = Arc::new(ImportJob {
        id: random_id(),
        org_id: new.org_id,
        target: new.target,
        file_name: new.file_name,
        partial: new.partial,
        started_at: state.app.now(),
        progress: Progress::default(),
        state: Mutex::new(ImportState::Running),
    });
    state.imports.insert(job.clone())?;
    // Not polled before the start is recorded: the import marks its run
    // applied in its transaction, which needs the run on record.
    let work = work(state.clone(), job.clone());
    let task_job = job.clone();
    let app = state.app.clone();
    let in_flight = InFlight::new(&state.imports.in_flight);
    tokio::spawn(async move {
        let _in_flight = in_flight;
        let started = record_start(&app, &task_job).await;
        // While it runs, it says how far it got (PostgreSQL), so another
        // instance shows it running rather than interrupted.
        let beats = started.then(|| {
            let (app, job) = (app.clone(), task_job.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(quita_app::portfolio::import_runs::BEAT_EVERY).await;
                    let (rows, percent) = (job.rows(), job.progress.percent());
                    if let Err(e) = app.beat_import_run(job.org_id, &job.id, rows, percent).await {
                        tracing::debug!(import = %job.id, error = ?e, "import heartbeat not recorded");
                    }
                }
            })
        });
        // The import runs in its own task so that a panic in it still ends
        // as a failed import rather than one that runs forever.
        let result = tokio::spawn(work)
            .await
            .unwrap_or_else(|_| Err(AppError::Internal(anyhow::anyhow!("import task panicked"))));
        if let Some(beats) = beats {
            beats.abort();
        }
        let new_state = match result {
            Ok(out) => {
                task_job.progress.finish(out.rows());
                ImportState::Done(Arc::new(out))
            }
            Err(AppError::Internal(e)) => {
                tracing::error!(error = ?e, "import failed");
                ImportState::Failed("erro interno; veja o log do servidor".into())
            }
            Err(AppError::DiskFull) => ImportState::Failed(crate::error::DISK_FULL.into()),
            Err(e) => ImportState::Failed(e.to_string()),
        };
        if let Ok(mut s) = task_job.state.lock() {
            *s = new_state.clone();
        }
        // A start that could not be recorded is tried once more, so that
        // the end has a run to land on.
        if started || record_start(&app, &task_job).await {
            record_end(&app, &task_job, &new_state).await;
        }
    });
    Ok(job)
}

/// Records a job's run as started; false (with a warning) when it could not.
async fn record_start(app: &App, job: &ImportJob) -> bool {
    let (kind, creditor_id, label) = match &job.target {
        ImportTarget::Receivables {
            creditor_id,
            creditor_name,
        } => (ImportKind::Receivables, Some(*creditor_id), creditor_name),
        ImportTarget::Contacts { source } => (ImportKind::Contacts, None, source),
    };
    let run = RunStart {
        id: &job.id,
        kind,
        creditor_id,
        label,
        file_name: &job.file_name,
        partial: job.partial,
        started_at: job.started_at,
    };
    match app.record_import_start(job.org_id, &run).await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(import = %job.id, error = ?e, "could not record the import's start");
            false
        }
    }
}

/// How many times a run's end is tried while the database is busy (on
/// SQLite, another import may hold the one writer for a while), waiting
/// twice as long each time from [`END_RETRY_WAIT`].
const END_TRIES: u32 = 6;
const END_RETRY_WAIT: Duration = Duration::from_secs(1);

/// Records how a job's run ended (a failure is logged: the summary stays
/// in this process's memory, and the run on record says whether it was
/// applied).
async fn record_end(app: &App, job: &ImportJob, state: &ImportState) {
    let end = match state {
        ImportState::Running => return,
        ImportState::Done(out) => RunEnd::Done(out),
        ImportState::Failed(reason) => RunEnd::Failed(reason),
    };
    let mut wait = END_RETRY_WAIT;
    for attempt in 1..=END_TRIES {
        match app.record_import_end(job.org_id, &job.id, end).await {
            Ok(true) => return,
            Ok(false) => {
                tracing::warn!(import = %job.id, "the import's run was not on record as running");
                return;
            }
            Err(AppError::Busy) if attempt < END_TRIES => {
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => {
                tracing::warn!(import = %job.id, error = ?e, "could not record the import's end");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stop_waits_for_imports_in_flight() {
        let r = ImportRegistry::default();
        assert!(r.wait_for_running(Duration::ZERO).await, "none running");
        let held = InFlight::new(&r.in_flight);
        assert!(
            !r.wait_for_running(Duration::from_millis(50)).await,
            "gives up at the bound"
        );
        let waiting = r.clone();
        let stop =
            tokio::spawn(async move { waiting.wait_for_running(Duration::from_secs(10)).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!stop.is_finished());
        drop(held);
        assert!(stop.await.unwrap(), "ends when the import does");
    }

    #[test]
    fn percent_of_the_file_read() {
        let p = Progress::default();
        assert_eq!(p.percent(), 0, "size unknown");
        p.total_bytes.store(200, Ordering::Relaxed);
        p.set(ImportProgress {
            rows: 10,
            bytes: 50,
        });
        assert_eq!((p.rows(), p.percent()), (10, 25));
        // The reader may run a buffer ahead of the file's end: never past 100.
        p.set(ImportProgress {
            rows: 20,
            bytes: 300,
        });
        assert_eq!(p.percent(), 100);
        p.finish(21);
        assert_eq!((p.rows(), p.percent()), (21, 100));
    }

    fn job(org_id: i64, target: ImportTarget) -> Arc<ImportJob> {
        Arc::new(ImportJob {
            id: random_id(),
            org_id,
            target,
            file_name: "x.csv".into(),
            partial: false,
            started_at: Timestamp::UNIX_EPOCH,
            progress: Progress::default(),
            state: Mutex::new(ImportState::Running),
        })
    }

    #[test]
    fn imports_of_every_kind_are_per_organization() {
        let r = ImportRegistry::default();
        let titles = job(
            1,
            ImportTarget::Receivables {
                creditor_id: 7,
                creditor_name: "Loja".into(),
            },
        );
        let contacts = job(
            1,
            ImportTarget::Contacts {
                source: "bureau".into(),
            },
        );
        r.insert(titles.clone()).unwrap();
        r.insert(contacts.clone()).unwrap();
        assert!(r.get(1, &contacts.id).is_some());
        assert!(r.get(2, &contacts.id).is_none(), "another organization");
        assert!(r.list(2).is_empty());
        let ids: Vec<_> = r.list(1).iter().map(|j| j.id.clone()).collect();
        assert_eq!(
            ids,
            [contacts.id.clone(), titles.id.clone()],
            "newest first"
        );
        assert_eq!(
            (titles.creditor_id(), contacts.creditor_id()),
            (Some(7), None)
        );
        // A full list forgets a finished import, not a running one.
        *contacts.state.lock().unwrap() = ImportState::Failed("x".into());
        for _ in 0..PER_ORG - 1 {
            r.insert(job(1, contacts.target.clone())).unwrap();
        }
        assert!(r.get(1, &contacts.id).is_none());
        assert!(r.get(1, &titles.id).is_some());
        assert!(matches!(
            r.insert(job(1, contacts.target.clone())),
            Err(AppError::Conflict(_))
        ));
    }
}
