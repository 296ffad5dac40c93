//! The enrichment import (extra contacts for debtors already imported)
//! started from its page: in the background, with progress, like the
//! receivables import.

use std::sync::{Arc, atomic::Ordering};

use quita_app::{
    AppResult,
    portfolio::{
        enrichment::{EnrichmentOptions, EnrichmentOutcome},
        import::{FileKind, ImportProgress},
    },
};
use quita_store::audit::Actor;

use super::{ImportJob, ImportTarget, NewJob, Outcome, Progress, Spool, launch};
use crate::AppState;

/// What an upload of contacts asks for.
pub struct ContactsRequest {
    pub org_id: i64,
    pub file_name: String,
    pub partial: bool,
    /// Kept with each new contact whose row names no `fonte`.
    pub source: String,
    pub actor: Actor,
}

/// Runs an enrichment import, reporting how far it has read, and marking
/// the recorded run `run` (if any) applied in its transaction.
pub async fn run(
    state: &AppState,
    req: &ContactsRequest,
    mut spool: Spool,
    progress: &Progress,
    run: Option<String>,
) -> AppResult<EnrichmentOutcome> {
    progress
        .total_bytes
        .store(spool.size as u64, Ordering::Relaxed);
    let reader = spool.reader()?;
    let opts = EnrichmentOptions {
        run,
        partial: req.partial,
        source: req.source.clone(),
    };
    let report = |p: ImportProgress| progress.set(p);
    let out = state
        .app
        .import_contacts(
            req.org_id,
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

/// Starts an enrichment import in a spawned task and registers it (recorded
/// as its run, under the job's id).
pub fn start(state: &AppState, req: ContactsRequest, spool: Spool) -> AppResult<Arc<ImportJob>> {
    let new = NewJob {
        org_id: req.org_id,
        target: ImportTarget::Contacts {
            source: req.source.clone(),
        },
        file_name: req.file_name.clone(),
        partial: req.partial,
    };
    launch(state, new, |state, job| async move {
        run(&state, &req, spool, &job.progress, Some(job.id.clone()))
            .await
            .map(Outcome::Contacts)
    })
}
