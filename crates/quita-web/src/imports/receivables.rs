//! The receivables import of a carteira: run now (the API waits for it)
//! or started in the background (the page polls it).

use std::sync::{Arc, atomic::Ordering};

use quita_app::{
    AppResult,
    portfolio::import::{FileKind, ImportOptions, ImportOutcome, ImportProgress, Reversals},
};
use quita_store::audit::Actor;

use super::{ImportJob, ImportTarget, NewJob, Outcome, Progress, Spool, launch};
use crate::AppState;

/// What an upload asks for.
pub struct ImportRequest {
    pub org_id: i64,
    pub creditor_id: i64,
    pub creditor_name: String,
    pub file_name: String,
    pub partial: bool,
    /// A rising open balance is taken as a payment reversed (estorno).
    pub reversals: Reversals,
    pub actor: Actor,
}

/// Runs an import now (the API waits for it).
pub async fn run(
    state: &AppState,
    req: &ImportRequest,
    spool: Spool,
    progress: &Progress,
) -> AppResult<ImportOutcome> {
    run_as(state, req, spool, progress, None).await
}

/// Runs an import, marking the recorded run `run` (if any) applied in its
/// transaction.
async fn run_as(
    state: &AppState,
    req: &ImportRequest,
    mut spool: Spool,
    progress: &Progress,
    run: Option<String>,
) -> AppResult<ImportOutcome> {
    progress
        .total_bytes
        .store(spool.size as u64, Ordering::Relaxed);
    let reader = spool.reader()?;
    let opts = ImportOptions {
        reversals: req.reversals,
        run,
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

/// Starts an import in a spawned task and registers it (recorded as its
/// run, under the job's id); returns the job.
pub fn start(state: &AppState, req: ImportRequest, spool: Spool) -> AppResult<Arc<ImportJob>> {
    let new = NewJob {
        org_id: req.org_id,
        target: ImportTarget::Receivables {
            creditor_id: req.creditor_id,
            creditor_name: req.creditor_name.clone(),
        },
        file_name: req.file_name.clone(),
        partial: req.partial,
    };
    launch(state, new, |state, job| async move {
        run_as(&state, &req, spool, &job.progress, Some(job.id.clone()))
            .await
            .map(Outcome::Receivables)
    })
}
