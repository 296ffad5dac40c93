//! Imports started from the web UI, as a record that outlives the process
//! that ran them: what was imported, from which file, and how it ended (the
//! summary and the report, both as JSON the application layer writes).
//!
//! Each write is a statement of its own, outside the import's transaction:
//! the record of a refused or interrupted import must stay.

use jiff::Timestamp;

use crate::{Db, Result, StoreError, Tx, ms, ts};

/// What an import brings in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// Receivables of one creditor.
    Receivables,
    /// Extra contacts for debtors already imported (enrichment).
    Contacts,
}

impl ImportKind {
    fn as_str(self) -> &'static str {
        match self {
            ImportKind::Receivables => "receivables",
            ImportKind::Contacts => "contacts",
        }
    }
    fn parse(s: &str) -> Result<Self> {
        match s {
            "receivables" => Ok(ImportKind::Receivables),
            "contacts" => Ok(ImportKind::Contacts),
            other => Err(StoreError::Corrupt(format!("import kind {other:?}"))),
        }
    }
}

/// How far a recorded import got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    /// Started and not recorded as ended: running, or its process stopped.
    Running,
    /// Ended with an outcome (applied or refused), kept as JSON.
    Done { summary: String, problem_count: i64 },
    /// Ended without an outcome, for this reason.
    Failed(String),
}

/// An import about to run.
#[derive(Debug, Clone)]
pub struct NewImportRun<'a> {
    /// Chosen by the caller, unguessable (it is in the import page's address).
    pub id: &'a str,
    pub org_id: i64,
    pub kind: ImportKind,
    /// The creditor whose receivables it brings (receivables only).
    pub creditor_id: Option<i64>,
    /// The creditor's name, or the contacts' source, as it was at the start.
    pub label: &'a str,
    pub file_name: &'a str,
    pub partial: bool,
    pub started_at: Timestamp,
}

/// A recorded import, without its report (see [`problems`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRun {
    pub id: String,
    pub org_id: i64,
    pub kind: ImportKind,
    pub creditor_id: Option<i64>,
    pub label: String,
    pub file_name: String,
    pub partial: bool,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    /// When its transaction committed: set even when its end went
    /// unrecorded (the process stopped between the two).
    pub applied_at: Option<Timestamp>,
    pub rows_read: i64,
    /// How far a running import had read at its last heartbeat (0–100).
    pub percent_read: i64,
    /// When the instance running it last said so ([`beat`]).
    pub heartbeat_at: Option<Timestamp>,
    pub state: RunState,
}

/// How an import ended, to record.
#[derive(Debug, Clone)]
pub enum RunEnd<'a> {
    Done {
        rows_read: i64,
        summary: &'a str,
        problem_count: i64,
        problems: &'a str,
    },
    Failed {
        reason: &'a str,
    },
}

/// Records an import as running.
pub async fn start(db: &Db, run: &NewImportRun<'_>) -> Result<()> {
    const SQL: &str = "INSERT INTO import_runs \
         (id, org_id, kind, creditor_id, label, file_name, partial, started_at, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running')";
    on_db!(db, |p| sqlx::query(SQL)
        .bind(run.id)
        .bind(run.org_id)
        .bind(run.kind.as_str())
        .bind(run.creditor_id)
        .bind(run.label)
        .bind(run.file_name)
        .bind(run.partial)
        .bind(ms(run.started_at))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records how a running import of `org_id` ended; false when there is no
/// such running import (unknown, another organization's, or already ended:
/// an end is recorded once).
pub async fn finish(
    db: &Db,
    org_id: i64,
    id: &str,
    end: &RunEnd<'_>,
    now: Timestamp,
) -> Result<bool> {
    const SQL: &str = "UPDATE import_runs SET finished_at = $3, state = $4, failure = $5, \
           rows_read = $6, summary = $7, problem_count = $8, problems = $9 \
         WHERE org_id = $1 AND id = $2 AND state = 'running'";
    let (state, failure, rows_read, summary, problem_count, problems) = match *end {
        RunEnd::Done {
            rows_read,
            summary,
            problem_count,
            problems,
        } => (
            "done",
            None,
            rows_read,
            Some(summary),
            problem_count,
            Some(problems),
        ),
        RunEnd::Failed { reason } => ("failed", Some(reason), 0, None, 0, None),
    };
    let changed = on_db!(db, |p| sqlx::query(SQL)
        .bind(org_id)
        .bind(id)
        .bind(ms(now))
        .bind(state)
        .bind(failure)
        .bind(rows_read)
        .bind(summary)
        .bind(problem_count)
        .bind(problems)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Says a running import of `org_id` is alive and how far it got (rows
/// read, percent of the file); false when it is not running on record.
pub async fn beat(
    db: &Db,
    org_id: i64,
    id: &str,
    (rows_read, percent_read): (i64, i64),
    now: Timestamp,
) -> Result<bool> {
    const SQL: &str = "UPDATE import_runs SET heartbeat_at = $3, rows_read = $4, percent_read = $5 \
         WHERE org_id = $1 AND id = $2 AND state = 'running'";
    let changed = on_db!(db, |p| sqlx::query(SQL)
        .bind(org_id)
        .bind(id)
        .bind(ms(now))
        .bind(rows_read)
        .bind(percent_read)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Marks a run as applied inside the import's own transaction, so that it
/// is known to have been written even if its end goes unrecorded.
pub async fn mark_applied(tx: &mut Tx, org_id: i64, id: &str, now: Timestamp) -> Result<()> {
    const SQL: &str = "UPDATE import_runs SET applied_at = $3 WHERE org_id = $1 AND id = $2";
    on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(id)
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    org_id: i64,
    kind: String,
    creditor_id: Option<i64>,
    label: String,
    file_name: String,
    partial: bool,
    started_at: i64,
    finished_at: Option<i64>,
    applied_at: Option<i64>,
    state: String,
    failure: Option<String>,
    rows_read: i64,
    percent_read: i64,
    heartbeat_at: Option<i64>,
    summary: Option<String>,
    problem_count: i64,
}

impl TryFrom<Row> for ImportRun {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let state = match (r.state.as_str(), r.summary, r.failure) {
            ("running", _, _) => RunState::Running,
            ("done", Some(summary), _) => RunState::Done {
                summary,
                problem_count: r.problem_count,
            },
            ("failed", _, Some(reason)) => RunState::Failed(reason),
            (other, ..) => {
                return Err(StoreError::Corrupt(format!(
                    "import run {}: state {other:?} without its details",
                    r.id
                )));
            }
        };
        Ok(Self {
            kind: ImportKind::parse(&r.kind)?,
            id: r.id,
            org_id: r.org_id,
            creditor_id: r.creditor_id,
            label: r.label,
            file_name: r.file_name,
            partial: r.partial,
            started_at: ts(r.started_at),
            finished_at: r.finished_at.map(ts),
            applied_at: r.applied_at.map(ts),
            rows_read: r.rows_read,
            percent_read: r.percent_read,
            heartbeat_at: r.heartbeat_at.map(ts),
            state,
        })
    }
}

const COLUMNS: &str = "id, org_id, kind, creditor_id, label, file_name, partial, started_at, \
     finished_at, applied_at, state, failure, rows_read, percent_read, heartbeat_at, summary, \
     problem_count";

/// An import of `org_id`; another organization's is not found.
pub async fn get(db: &Db, org_id: i64, id: &str) -> Result<Option<ImportRun>> {
    let sql = format!("SELECT {COLUMNS} FROM import_runs WHERE org_id = $1 AND id = $2");
    let row: Option<Row> = on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(org_id)
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.map(TryInto::try_into).transpose()
}

/// The organization's newest imports, at most `limit` (1–100), of one
/// creditor or of one kind when asked.
pub async fn recent(
    db: &Db,
    org_id: i64,
    kind: ImportKind,
    creditor_id: Option<i64>,
    limit: i64,
) -> Result<Vec<ImportRun>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM import_runs \
         WHERE org_id = $1 AND kind = $2 AND ($3 IS NULL OR creditor_id = $3) \
         ORDER BY started_at DESC, id DESC LIMIT $4"
    );
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(org_id)
        .bind(kind.as_str())
        .bind(creditor_id)
        .bind(limit.clamp(1, 100))
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// The report of a finished import of `org_id` (the JSON written with its
/// end), if it has one.
pub async fn problems(db: &Db, org_id: i64, id: &str) -> Result<Option<String>> {
    const SQL: &str = "SELECT problems FROM import_runs WHERE org_id = $1 AND id = $2";
    let found: Option<Option<String>> = on_db!(db, |p| sqlx::query_scalar(SQL)
        .bind(org_id)
        .bind(id)
        .fetch_optional(p)
        .await)?;
    Ok(found.flatten())
}
