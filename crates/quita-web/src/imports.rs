//! Imports started from the UI, running in spawned tasks, and the registry
//! the progress page polls.
//!
//! **Progress is per instance**: the registry lives in this process's
//! memory, so with several `quita serve` processes behind a load balancer
//! the progress page must reach the instance that received the upload
//! (sticky sessions), and a restart forgets running and finished imports.
//! What an import wrote is in the database either way (it commits or rolls
//! back as one transaction), and its audit entry records it.

use std::{
    collections::{HashMap, VecDeque},
    io::Write,
    path::PathBuf,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use axum::body::Bytes;
use jiff::Timestamp;
use quita_app::{
    AppError, AppResult,
    portfolio::import::{FileKind, ImportOptions, ImportOutcome, ImportProgress},
};
use quita_store::audit::Actor;

use crate::AppState;

/// How many imports each organization keeps (running and finished).
const PER_ORG: usize = 20;
/// The largest file accepted for an import.
pub const IMPORT_LIMIT: usize = 200 * 1024 * 1024;

#[derive(Debug, Clone)]
pub enum ImportState {
    Running,
    Done(Arc<ImportOutcome>),
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
    pub creditor_id: i64,
    pub creditor_name: String,
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
}

/// The imports of this process, at most [`PER_ORG`] per organization (the
/// oldest finished ones are forgotten first).
#[derive(Clone, Default)]
pub struct ImportRegistry {
    inner: Arc<Mutex<HashMap<i64, VecDeque<Arc<ImportJob>>>>>,
}

impl ImportRegistry {
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

/// A spooled upload on disk, deleted when dropped.
pub struct Spool {
    path: PathBuf,
    file: Option<std::fs::File>,
    pub size: usize,
}

impl Spool {
    pub fn new() -> AppResult<Self> {
        let path = std::env::temp_dir().join(format!("quita-import-{}.tmp", random_id()));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| AppError::Internal(e.into()))?;
        Ok(Self {
            path,
            file: Some(file),
            size: 0,
        })
    }

    /// Appends a chunk; refuses files above [`IMPORT_LIMIT`].
    pub fn write(&mut self, chunk: &Bytes) -> AppResult<()> {
        self.size += chunk.len();
        if self.size > IMPORT_LIMIT {
            return Err(AppError::invalid(
                "file",
                format!(
                    "arquivo maior que o limite de {} MB",
                    IMPORT_LIMIT / 1024 / 1024
                ),
            ));
        }
        match self.file.as_mut() {
            Some(f) => f.write_all(chunk).map_err(|e| AppError::Internal(e.into())),
            None => Err(AppError::Internal(anyhow::anyhow!("spool closed"))),
        }
    }

    /// Reopens the spooled file for reading.
    pub fn reader(&mut self) -> AppResult<std::io::BufReader<std::fs::File>> {
        if let Some(mut f) = self.file.take() {
            f.flush().map_err(|e| AppError::Internal(e.into()))?;
        }
        let f = std::fs::File::open(&self.path).map_err(|e| AppError::Internal(e.into()))?;
        Ok(std::io::BufReader::with_capacity(256 * 1024, f))
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        self.file.take();
        let _ = std::fs::remove_file(&self.path);
    }
}

/// What an upload asks for.
pub struct ImportRequest {
    pub org_id: i64,
    pub creditor_id: i64,
    pub creditor_name: String,
    pub file_name: String,
    pub partial: bool,
    pub actor: Actor,
}

/// Runs an import now (the API waits for it).
pub async fn run(
    state: &AppState,
    req: &ImportRequest,
    mut spool: Spool,
    progress: &Progress,
) -> AppResult<ImportOutcome> {
    progress
        .total_bytes
        .store(spool.size as u64, Ordering::Relaxed);
    let reader = spool.reader()?;
    let opts = ImportOptions {
        partial: req.partial,
        source: source_of(&req.file_name),
    };
    let report = |p: ImportProgress| progress.set(p);
    let out = state
        .app
        .import_receivables(
            req.org_id,
            req.creditor_id,
            FileKind::of_name(&req.file_name),
            reader,
            &opts,
            req.actor,
            &report,
        )
        .await;
    drop(spool);
    out
}

fn source_of(file_name: &str) -> String {
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect();
    if name.is_empty() {
        "importação".into()
    } else {
        format!("importação {name}")
    }
}

/// Starts an import in a spawned task and registers it; returns its id.
pub fn start(state: &AppState, req: ImportRequest, spool: Spool) -> AppResult<Arc<ImportJob>> {
    let job = Arc::new(ImportJob {
        id: random_id(),
        org_id: req.org_id,
        creditor_id: req.creditor_id,
        creditor_name: req.creditor_name.clone(),
        file_name: req.file_name.clone(),
        partial: req.partial,
        started_at: state.app.now(),
        progress: Progress::default(),
        state: Mutex::new(ImportState::Running),
    });
    state.imports.insert(job.clone())?;
    let state = state.clone();
    let task_job = job.clone();
    tokio::spawn(async move {
        // The import runs in its own task so that a panic in it still ends
        // as a failed import rather than one that runs forever.
        let inner_job = task_job.clone();
        let result =
            tokio::spawn(async move { run(&state, &req, spool, &inner_job.progress).await })
                .await
                .unwrap_or_else(|_| {
                    Err(AppError::Internal(anyhow::anyhow!("import task panicked")))
                });
        let new_state = match result {
            Ok(out) => {
                task_job.progress.set(ImportProgress {
                    rows: out.summary.rows,
                    bytes: task_job.progress.total_bytes.load(Ordering::Relaxed),
                });
                ImportState::Done(Arc::new(out))
            }
            Err(AppError::Internal(e)) => {
                tracing::error!(error = ?e, "import failed");
                ImportState::Failed("erro interno; veja o log do servidor".into())
            }
            Err(e) => ImportState::Failed(e.to_string()),
        };
        if let Ok(mut s) = task_job.state.lock() {
            *s = new_state;
        }
    });
    Ok(job)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
