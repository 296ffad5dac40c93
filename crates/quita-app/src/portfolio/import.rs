//! Importing receivables with their debtors and contacts.
//!
//! The file streams through in batches; every batch is written inside one
//! transaction that commits only at the end, so an import is all or nothing.
//! By default any bad row refuses the whole file (after reading it all, so
//! the report lists every problem); with `partial` the valid rows are applied
//! and the bad ones reported. Identity is creditor + document number +
//! installment: re-importing the same file changes nothing, and a changed
//! row updates its receivable (if it is still collectable).

pub use quita_core::receivable::Reversals;
use std::{io::Read, time::Instant};

use quita_store::{
    audit::{self, Actor},
    import_runs,
};
use serde::Serialize;
use tokio::sync::mpsc;

use super::{
    import_read::{Parsed, read_rows},
    import_write::BatchWriter,
    rows::{FileError, RowSource},
    tx_queue::TxQueue,
};
use crate::{App, AppError, AppResult, csv_text};

/// The report keeps at most this many problems (the count is always exact).
const MAX_REPORTED: usize = 100_000;

/// The report's last line when it has left problems out.
const REPORT_FULL: &str = "relatório limitado aos primeiros 100.000 problemas: os desta linha em diante não estão listados, só contados no resumo";

/// Which file layout to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

impl FileKind {
    /// By file name: `.xlsx` is a workbook, anything else CSV.
    pub fn of_name(name: &str) -> Self {
        if name.to_ascii_lowercase().ends_with(".xlsx") {
            FileKind::Xlsx
        } else {
            FileKind::Csv
        }
    }

    /// `csv` or `xlsx`, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Csv => "csv",
            FileKind::Xlsx => "xlsx",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Apply the valid rows even when some are bad.
    pub partial: bool,
    /// Whether a row may lower what was paid on a stored title (a returned
    /// cheque, a chargeback): refused by default, as an older file does the same.
    pub reversals: Reversals,
    /// Where the contacts came from (kept with each new contact), e.g. the file name.
    pub source: String,
    /// The recorded run this import is (started from the UI), marked
    /// applied in the import's own transaction.
    pub run: Option<String>,
}

/// One refused value or row, or a warning: the error report's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RowProblem {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// How a warning's reason starts, in the report as in the API.
const WARNING: &str = "aviso: ";

impl RowProblem {
    /// Something dropped or ignored that refuses nothing (an optional value,
    /// an unknown column): reported with its reason marked `aviso: `.
    pub fn warning(line: u64, column: String, value: String, reason: &str) -> Self {
        RowProblem {
            line,
            column,
            value,
            reason: format!("{WARNING}{reason}"),
        }
    }

    pub fn is_warning(&self) -> bool {
        self.reason.starts_with(WARNING)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ImportSummary {
    pub rows: u64,
    pub receivables_created: u64,
    pub receivables_updated: u64,
    pub unchanged: u64,
    pub debtors_created: u64,
    pub contacts_created: u64,
    /// Problems that refuse their row (or, without `partial`, the file).
    pub errors: u64,
    /// Optional values dropped from valid rows and unknown columns: in the
    /// report, refusing nothing.
    pub warnings: u64,
    pub elapsed_ms: u64,
    /// False when the file was refused and nothing was written.
    pub applied: bool,
    /// The creditor's receivables being collected (open or partially paid)
    /// that the file does not name: a creditor's whole-portfolio file leaves
    /// out what was settled at its end, to be looked at.
    pub not_in_file: u64,
    /// Stored titles whose amount paid fell (payments reversed, with
    /// [`ImportOptions::reversals`]): each also counts as updated.
    pub reversals: u64,
}

#[derive(Debug, Clone, Default)]
pub struct ImportOutcome {
    pub summary: ImportSummary,
    pub problems: Vec<RowProblem>,
    /// Refused for a fault of the whole file (unreadable, no header, no
    /// data rows), not for bad rows: `partial` would not help.
    pub file_fault: bool,
}

impl ImportOutcome {
    /// The error report as CSV (`linha;coluna;valor;motivo`).
    pub fn problems_csv(&self) -> String {
        problems_csv(&self.problems)
    }
}

/// An error report as CSV (`linha;coluna;valor;motivo`): the one form of
/// every import's report. UTF-8 with a BOM, so spreadsheet programs read the
/// accents right. Every text cell goes through [`csv_text`]: a value from the
/// file such as `=HYPERLINK(…)` or `-2+3` is written `'=HYPERLINK(…)`, text
/// and not a formula, when the report is opened in a spreadsheet.
pub fn problems_csv(problems: &[RowProblem]) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = w.write_record(["linha", "coluna", "valor", "motivo"]);
    for p in problems {
        let _ = w.write_record([
            p.line.to_string().as_str(),
            &*csv_text(&p.column),
            &*csv_text(&p.value),
            &*csv_text(&p.reason),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Counts a problem and keeps it while the report has room (the count is
/// always exact; the report stops at [`MAX_REPORTED`], and says so in one
/// last line at the first problem it leaves out).
pub(super) fn note_problem(errors: &mut u64, problems: &mut Vec<RowProblem>, p: RowProblem) {
    *errors += 1;
    match problems.len().cmp(&MAX_REPORTED) {
        std::cmp::Ordering::Less => problems.push(p),
        std::cmp::Ordering::Equal => problems.push(RowProblem {
            line: p.line,
            column: String::new(),
            value: String::new(),
            reason: REPORT_FULL.to_owned(),
        }),
        std::cmp::Ordering::Greater => {}
    }
}

/// The problem that refuses a whole file, at its line when it has one.
pub(super) fn file_problem(e: FileError) -> RowProblem {
    let line = match &e {
        FileError::Binary { line } | FileError::Malformed { line, .. } => *line,
        _ => 0,
    };
    RowProblem {
        line,
        column: String::new(),
        value: String::new(),
        reason: e.to_string(),
    }
}

/// How far an import has read: rows and bytes of the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportProgress {
    pub rows: u64,
    pub bytes: u64,
}

impl App {
    /// Imports a file of receivables for one creditor of `org_id`.
    /// `progress` is called after each batch with how far reading has got.
    #[allow(clippy::too_many_arguments)] // independent inputs; a struct would only rename them
    pub async fn import_receivables<R: Read + Send + 'static>(
        &self,
        org_id: i64,
        creditor_id: i64,
        kind: FileKind,
        input: R,
        opts: &ImportOptions,
        actor: Actor,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> AppResult<ImportOutcome> {
        let started = Instant::now();
        let creditor = self.creditor(org_id, creditor_id).await?;
        let (send, mut receive) = mpsc::channel(2);
        // Parsing runs on a blocking thread; the batches it sends are
        // written here while it parses the next ones.
        let reader = tokio::task::spawn_blocking(move || match kind {
            FileKind::Csv => read_rows(RowSource::csv(input), &send),
            FileKind::Xlsx => {
                let mut bytes = Vec::new();
                let mut input = input;
                match input.read_to_end(&mut bytes) {
                    Ok(_) => read_rows(RowSource::xlsx(bytes), &send),
                    Err(e) => read_rows::<std::io::Empty>(Err(FileError::Io(e.to_string())), &send),
                }
            }
        });
        let result = self
            .write_import(org_id, creditor.id, &mut receive, opts, actor, progress)
            .await;
        // Hang up first so a reader still sending stops, then wait for it.
        drop(receive);
        reader
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("import reader failed: {e}")))?;
        let mut out = result?;
        // Warnings arrive apart from errors: the report reads in file order.
        out.problems.sort_by_key(|p| p.line);
        if !out.summary.applied {
            super::import_write::as_not_applied(&mut out.problems);
        }
        out.summary.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(out)
    }

    /// Writes the batches inside one transaction and commits it, unless a
    /// bad row (without `partial`) or an empty file refuses the import.
    async fn write_import(
        &self,
        org_id: i64,
        creditor_id: i64,
        batches: &mut mpsc::Receiver<Parsed>,
        opts: &ImportOptions,
        actor: Actor,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> AppResult<ImportOutcome> {
        let now = self.now();
        let (queue, runner) = TxQueue::start(self.db.begin_import(org_id).await?);
        // The runner gets a thread of its own for the whole import, so it
        // hands the database its next statement as soon as the last one is
        // done, whatever the writer is busy with.
        let runtime = tokio::runtime::Handle::current();
        let running = tokio::task::spawn_blocking(move || runtime.block_on(runner));
        let written = self
            .write_batches(
                queue,
                (org_id, creditor_id),
                batches,
                (opts, actor),
                now,
                progress,
            )
            .await;
        let ran = running
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("import runner failed: {e}")))?;
        // A refused or failed import drops the transaction: rolled back.
        let (mut out, written) = written?;
        let mut tx = ran?;
        let Written::ToCommit { bulk } = written else {
            return Ok(out);
        };
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(org_id),
                actor,
                action: "receivables_imported",
                target: Some(&format!("creditor:{creditor_id}")),
                details: serde_json::json!({
                    "rows": out.summary.rows, "created": out.summary.receivables_created,
                    "updated": out.summary.receivables_updated, "errors": out.summary.errors,
                }),
                ip: None,
            },
            now,
        )
        .await?;
        if let Some(run) = &opts.run {
            import_runs::mark_applied(&mut tx, org_id, run, now).await?;
        }
        let t = std::time::Instant::now();
        tx.commit().await?;
        tracing::debug!(commit_ms = t.elapsed().as_millis(), "import committed");
        out.summary.applied = true;
        // A large import's rows are made visible to index-only scans now,
        // not whenever autovacuum comes (PostgreSQL). Committed already: a
        // failure here is logged, never the import's.
        if bulk {
            let t = std::time::Instant::now();
            match quita_store::portfolio::import::vacuum_after_bulk(&self.db).await {
                Ok(()) => tracing::debug!(vacuum_ms = t.elapsed().as_millis(), "import vacuumed"),
                Err(e) => tracing::warn!(error = %e, "vacuum after import failed"),
            }
        }
        Ok(out)
    }

    /// The writer's side of [`write_import`](Self::write_import): every
    /// batch through `queue`, and whether the import is to be committed.
    async fn write_batches(
        &self,
        queue: TxQueue,
        (org_id, creditor_id): (i64, i64),
        batches: &mut mpsc::Receiver<Parsed>,
        (opts, actor): (&ImportOptions, Actor),
        now: jiff::Timestamp,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> AppResult<(ImportOutcome, Written)> {
        let mut out = ImportOutcome::default();
        let backend = self.db.backend();
        let mut writer =
            BatchWriter::start(&queue, backend, (org_id, creditor_id), (opts, actor), now).await?;
        // A bad row refuses the whole file unless `partial`, but the valid
        // rows are still written (and rolled back at the end) so that the
        // report lists every problem: those only the stored portfolio shows
        // (a receivable closed by hand, another debtor's title, another name
        // under a known CPF) as well as the file's own.
        let mut read = ImportProgress::default();
        while let Some(parsed) = batches.recv().await {
            match parsed {
                Parsed::Refused(problems) => {
                    drop(queue);
                    out.summary = ImportSummary {
                        rows: read.rows,
                        errors: out.summary.errors,
                        warnings: out.summary.warnings,
                        ..ImportSummary::default()
                    };
                    for p in problems {
                        self.problem(&mut out, p);
                    }
                    out.file_fault = true;
                    return Ok((out, Written::Refused));
                }
                Parsed::Batch {
                    rows,
                    problems,
                    warnings,
                    read: r,
                } => {
                    read = r;
                    for w in warnings {
                        note_problem(&mut out.summary.warnings, &mut out.problems, w);
                    }
                    for p in problems {
                        self.problem(&mut out, p);
                    }
                    if !rows.is_empty() {
                        writer.write(&queue, &rows, &mut out).await?;
                    }
                    progress(read);
                }
            }
        }
        out.summary.rows = read.rows;
        if read.rows == 0 {
            out.summary.errors += 1;
            out.problems.push(RowProblem {
                line: 2,
                column: String::new(),
                value: String::new(),
                reason: "o arquivo só tem o cabeçalho: nenhuma linha de dados".into(),
            });
            out.file_fault = true;
            return Ok((out, Written::Refused));
        }
        if !opts.partial && out.summary.errors > 0 {
            out.summary = ImportSummary {
                rows: read.rows,
                errors: out.summary.errors,
                warnings: out.summary.warnings,
                ..ImportSummary::default()
            };
            return Ok((out, Written::Refused));
        }
        out.summary.not_in_file = writer.not_in_file();
        let bulk = writer.finish(&queue).await?;
        queue.close();
        Ok((out, Written::ToCommit { bulk }))
    }

    fn problem(&self, out: &mut ImportOutcome, p: RowProblem) {
        note_problem(&mut out.summary.errors, &mut out.problems, p);
    }
}

/// What the writer leaves for the commit.
enum Written {
    /// A refused file or one with nothing to write: rolled back.
    Refused,
    /// Every row written; `bulk` when the import took bulk mode (its tables
    /// are vacuumed after the commit).
    ToCommit { bulk: bool },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the report's room, the count goes on and one last line says
    /// the report stops there, at the first line left out.
    #[test]
    fn a_full_report_says_so() {
        let (mut errors, mut problems) = (0, Vec::new());
        for line in 2..MAX_REPORTED as u64 + 7 {
            let p = RowProblem {
                line,
                column: "valor".into(),
                value: "abc".into(),
                reason: "valor inválido".into(),
            };
            note_problem(&mut errors, &mut problems, p);
        }
        assert_eq!(errors, MAX_REPORTED as u64 + 5);
        assert_eq!(problems.len(), MAX_REPORTED + 1);
        let last = problems.last().unwrap();
        assert_eq!(
            (last.line, last.reason.as_str()),
            (MAX_REPORTED as u64 + 2, REPORT_FULL)
        );
        assert_eq!(problems[MAX_REPORTED - 1].line, MAX_REPORTED as u64 + 1);
    }
}
