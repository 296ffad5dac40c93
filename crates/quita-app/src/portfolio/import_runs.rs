//! Imports started from the web UI, recorded so that their page, their
//! summary and their error report outlive the process that ran them (a
//! restart, or another instance behind a load balancer).
//!
//! The web layer records a run's start before the import runs and its end
//! once it is over, each as a write of its own (by organization id: the
//! background task that writes them has no session); the import itself
//! marks the run applied inside its own transaction
//! ([`ImportOptions::run`](super::import::ImportOptions::run)), so a run
//! whose end went unrecorded (the process stopped after the commit) is still
//! known to have been written. Reading a run back takes a supervisor, as
//! the import pages do.
//!
//! An ended run keeps its [`Outcome`] as JSON: the summary (the use case's
//! summary with `file_fault` beside its fields) and the problems (the whole
//! `Vec<RowProblem>`), so the report downloaded later is the one the import
//! produced.

use jiff::Timestamp;
use quita_core::role::Role;
pub use quita_store::import_runs::ImportKind;
use quita_store::import_runs::{self, NewImportRun};
use serde::{Deserialize, Serialize};

use super::{
    enrichment::{EnrichmentOutcome, EnrichmentSummary},
    import::{ImportOutcome, ImportSummary, RowProblem, problems_csv},
};
use crate::{App, AppError, AppResult, auth::Principal};

/// How a finished import ended: the use case's own outcome.
#[derive(Debug, Clone)]
pub enum Outcome {
    Receivables(ImportOutcome),
    Contacts(EnrichmentOutcome),
}

/// A summary as recorded: the use case's summary and, beside its fields,
/// whether the whole file was at fault.
#[derive(Serialize, Deserialize)]
struct Recorded<S> {
    #[serde(flatten)]
    summary: S,
    #[serde(default)]
    file_fault: bool,
}

fn internal(what: &str, e: serde_json::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("import run {what}: {e}"))
}

impl Outcome {
    /// What the import brought in.
    pub fn kind(&self) -> ImportKind {
        match self {
            Outcome::Receivables(_) => ImportKind::Receivables,
            Outcome::Contacts(_) => ImportKind::Contacts,
        }
    }

    pub fn rows(&self) -> u64 {
        match self {
            Outcome::Receivables(o) => o.summary.rows,
            Outcome::Contacts(o) => o.summary.rows,
        }
    }

    /// Whether anything was written (false: the file was refused).
    pub fn applied(&self) -> bool {
        match self {
            Outcome::Receivables(o) => o.summary.applied,
            Outcome::Contacts(o) => o.summary.applied,
        }
    }

    /// Errors and warnings, in file order.
    pub fn problems(&self) -> &[RowProblem] {
        match self {
            Outcome::Receivables(o) => &o.problems,
            Outcome::Contacts(o) => &o.problems,
        }
    }

    /// The report to download (`linha;coluna;valor;motivo`), the same form
    /// for every kind.
    pub fn problems_csv(&self) -> String {
        problems_csv(self.problems())
    }

    /// The summary as recorded (JSON).
    fn summary_json(&self) -> AppResult<String> {
        match self {
            Outcome::Receivables(o) => serde_json::to_string(&Recorded {
                summary: &o.summary,
                file_fault: o.file_fault,
            }),
            Outcome::Contacts(o) => serde_json::to_string(&Recorded {
                summary: &o.summary,
                file_fault: o.file_fault,
            }),
        }
        .map_err(|e| internal("summary", e))
    }

    /// An outcome read back from its record: `problems` is the report's
    /// JSON, or `None` to leave the problems out.
    fn recorded(kind: ImportKind, summary: &str, problems: Option<&str>) -> AppResult<Self> {
        let problems: Vec<RowProblem> = match problems {
            Some(json) => serde_json::from_str(json).map_err(|e| internal("problems", e))?,
            None => Vec::new(),
        };
        Ok(match kind {
            ImportKind::Receivables => {
                let r: Recorded<ImportSummary> =
                    serde_json::from_str(summary).map_err(|e| internal("summary", e))?;
                Outcome::Receivables(ImportOutcome {
                    summary: r.summary,
                    problems,
                    file_fault: r.file_fault,
                })
            }
            ImportKind::Contacts => {
                let r: Recorded<EnrichmentSummary> =
                    serde_json::from_str(summary).map_err(|e| internal("summary", e))?;
                Outcome::Contacts(EnrichmentOutcome {
                    summary: r.summary,
                    problems,
                    file_fault: r.file_fault,
                })
            }
        })
    }
}

/// An import about to run, to record.
#[derive(Debug, Clone)]
pub struct RunStart<'a> {
    /// Chosen by the caller, unguessable (it is in the import page's
    /// address); the same id goes in the import's options as `run`.
    pub id: &'a str,
    pub kind: ImportKind,
    /// The creditor whose receivables it brings (receivables only).
    pub creditor_id: Option<i64>,
    /// The creditor's name, or the contacts' source, as it is now.
    pub label: &'a str,
    pub file_name: &'a str,
    pub partial: bool,
    pub started_at: Timestamp,
}

/// How an import ended, to record.
#[derive(Debug, Clone, Copy)]
pub enum RunEnd<'a> {
    /// With an outcome (applied or refused).
    Done(&'a Outcome),
    /// Without one, for this reason (as shown to the user).
    Failed(&'a str),
}

/// How far a recorded import got.
#[derive(Debug, Clone)]
pub enum RunState {
    /// Started and not recorded as ended: still running somewhere, or its
    /// process stopped (see [`ImportRun::applied_at`]).
    Running,
    /// Ended with an outcome. Its problems are there when the run was read
    /// alone ([`App::import_run`]); a list ([`App::recent_import_runs`])
    /// leaves them out, and `problem_count` says how many there are.
    Done {
        outcome: Outcome,
        problem_count: u64,
    },
    /// Ended without an outcome, for this reason.
    Failed(String),
}

/// A recorded import.
#[derive(Debug, Clone)]
pub struct ImportRun {
    pub id: String,
    pub kind: ImportKind,
    /// The creditor whose receivables it brings (receivables only).
    pub creditor_id: Option<i64>,
    /// The creditor's name, or the contacts' source, as it was at the start.
    pub label: String,
    pub file_name: String,
    pub partial: bool,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    /// When its transaction committed: set even when its end went
    /// unrecorded (the process stopped between the two).
    pub applied_at: Option<Timestamp>,
    pub rows_read: u64,
    /// How far it had read at its last heartbeat (0–100).
    pub percent_read: u8,
    /// Running, by its instance's heartbeat within [`ALIVE_FOR`]: shown as
    /// running elsewhere, not as interrupted.
    pub beating: bool,
    pub state: RunState,
}

/// How often a running import says it is alive ([`App::beat_import_run`]),
/// and for how long after its last beat it counts as running.
pub const BEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
pub const ALIVE_FOR: jiff::SignedDuration = jiff::SignedDuration::from_secs(20);

impl ImportRun {
    fn of(r: import_runs::ImportRun, problems: Option<&str>, now: Timestamp) -> AppResult<Self> {
        let beating = matches!(r.state, import_runs::RunState::Running)
            && r.heartbeat_at
                .is_some_and(|at| now.duration_since(at) < ALIVE_FOR);
        let percent_read = u8::try_from(r.percent_read.clamp(0, 100)).unwrap_or(0);
        let state = match r.state {
            import_runs::RunState::Running => RunState::Running,
            import_runs::RunState::Failed(reason) => RunState::Failed(reason),
            import_runs::RunState::Done {
                summary,
                problem_count,
            } => RunState::Done {
                outcome: Outcome::recorded(r.kind, &summary, problems)?,
                problem_count: u64::try_from(problem_count).unwrap_or(0),
            },
        };
        Ok(Self {
            id: r.id,
            kind: r.kind,
            creditor_id: r.creditor_id,
            label: r.label,
            file_name: r.file_name,
            partial: r.partial,
            started_at: r.started_at,
            finished_at: r.finished_at,
            applied_at: r.applied_at,
            rows_read: u64::try_from(r.rows_read).unwrap_or(0),
            percent_read,
            beating,
            state,
        })
    }
}

/// Which imports a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunsOf {
    /// The receivables imports of one creditor.
    Creditor(i64),
    /// The contacts (enrichment) imports.
    Contacts,
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl App {
    /// Records an import of `org_id` as running, before it runs. Written by
    /// the task that runs the import, which the page authorized.
    pub async fn record_import_start(&self, org_id: i64, run: &RunStart<'_>) -> AppResult<()> {
        if (run.kind == ImportKind::Receivables) != run.creditor_id.is_some() {
            return Err(AppError::invalid(
                "creditor_id",
                "a receivables import names its creditor; a contacts import none",
            ));
        }
        import_runs::start(
            &self.db,
            &NewImportRun {
                id: run.id,
                org_id,
                kind: run.kind,
                creditor_id: run.creditor_id,
                label: run.label,
                file_name: run.file_name,
                partial: run.partial,
                started_at: run.started_at,
            },
        )
        .await?;
        Ok(())
    }

    /// Records how a running import of `org_id` ended; false when there is
    /// no such running import (never started on record, or already ended:
    /// an end is recorded once).
    pub async fn record_import_end(
        &self,
        org_id: i64,
        id: &str,
        end: RunEnd<'_>,
    ) -> AppResult<bool> {
        let now = self.now();
        let ended = match end {
            RunEnd::Done(out) => {
                let summary = out.summary_json()?;
                let problems =
                    serde_json::to_string(out.problems()).map_err(|e| internal("problems", e))?;
                import_runs::finish(
                    &self.db,
                    org_id,
                    id,
                    &import_runs::RunEnd::Done {
                        rows_read: count(out.rows()),
                        summary: &summary,
                        problem_count: count(out.problems().len() as u64),
                        problems: &problems,
                    },
                    now,
                )
                .await?
            }
            RunEnd::Failed(reason) => {
                import_runs::finish(
                    &self.db,
                    org_id,
                    id,
                    &import_runs::RunEnd::Failed { reason },
                    now,
                )
                .await?
            }
        };
        Ok(ended)
    }

    /// Says an import of `org_id` this process runs is alive and how far
    /// it has read, so that another instance shows it running. PostgreSQL
    /// only: on SQLite the import holds the one writer (and one process
    /// serves the file); nothing is written there.
    pub async fn beat_import_run(
        &self,
        org_id: i64,
        id: &str,
        rows_read: u64,
        percent_read: u8,
    ) -> AppResult<()> {
        if self.db.backend() == quita_store::Backend::Sqlite {
            return Ok(());
        }
        import_runs::beat(
            &self.db,
            org_id,
            id,
            (count(rows_read), i64::from(percent_read)),
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// A recorded import of the caller's organization with its whole
    /// outcome, problems included (supervisors); another organization's is
    /// not found.
    pub async fn import_run(&self, who: &Principal, id: &str) -> AppResult<Option<ImportRun>> {
        who.require(Role::Supervisor)?;
        let Some(run) = import_runs::get(&self.db, who.org_id, id).await? else {
            return Ok(None);
        };
        let problems = match run.state {
            import_runs::RunState::Done { .. } => {
                import_runs::problems(&self.db, who.org_id, id).await?
            }
            _ => None,
        };
        ImportRun::of(run, Some(problems.as_deref().unwrap_or("[]")), self.now()).map(Some)
    }

    /// The newest recorded imports of the caller's organization, at most
    /// `limit` (1–100), of one creditor or of contacts (supervisors); each
    /// with its summary, without its problems.
    pub async fn recent_import_runs(
        &self,
        who: &Principal,
        of: RunsOf,
        limit: i64,
    ) -> AppResult<Vec<ImportRun>> {
        who.require(Role::Supervisor)?;
        let (kind, creditor_id) = match of {
            RunsOf::Creditor(id) => (ImportKind::Receivables, Some(id)),
            RunsOf::Contacts => (ImportKind::Contacts, None),
        };
        import_runs::recent(&self.db, who.org_id, kind, creditor_id, limit)
            .await?
            .into_iter()
            .map(|r| ImportRun::of(r, None, self.now()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::{io::Cursor, sync::Arc};

    use quita_core::{
        charge_policy::ChargePolicy,
        org::{OrgMode, OrgName},
    };
    use quita_store::{Db, audit::Actor};

    use super::*;
    use crate::{
        FixedClock,
        admin::NewOrgInput,
        auth::AuthSettings,
        portfolio::import::{FileKind, ImportOptions},
    };

    fn receivables(file_fault: bool) -> Outcome {
        Outcome::Receivables(ImportOutcome {
            summary: ImportSummary {
                rows: 3,
                receivables_created: 2,
                errors: 1,
                warnings: 1,
                elapsed_ms: 12,
                applied: true,
                ..ImportSummary::default()
            },
            problems: vec![
                RowProblem {
                    line: 4,
                    column: "valor".into(),
                    value: "=1+1".into(),
                    reason: "valor inválido".into(),
                },
                RowProblem::warning(1, "extra".into(), String::new(), "coluna ignorada"),
            ],
            file_fault,
        })
    }

    /// What is recorded reads back as the same outcome, the report
    /// included, for both kinds; a list leaves the problems out.
    #[test]
    fn outcomes_read_back_as_recorded() {
        for file_fault in [false, true] {
            let out = receivables(file_fault);
            let summary = out.summary_json().unwrap();
            assert!(summary.contains("\"file_fault\":"), "{summary}");
            assert!(summary.contains("\"receivables_created\":2"), "{summary}");
            let problems = serde_json::to_string(out.problems()).unwrap();
            let back =
                Outcome::recorded(ImportKind::Receivables, &summary, Some(&problems)).unwrap();
            let (Outcome::Receivables(a), Outcome::Receivables(b)) = (&out, &back) else {
                panic!("kind changed: {back:?}");
            };
            assert_eq!(
                (&a.summary, &a.problems, a.file_fault),
                (&b.summary, &b.problems, b.file_fault)
            );
            assert_eq!(back.problems_csv(), out.problems_csv());
            let listed = Outcome::recorded(ImportKind::Receivables, &summary, None).unwrap();
            assert!(listed.problems().is_empty() && listed.applied());
        }
        let contacts = Outcome::Contacts(EnrichmentOutcome {
            summary: EnrichmentSummary {
                rows: 5,
                contacts_created: 4,
                unknown_debtors: 1,
                errors: 1,
                ..EnrichmentSummary::default()
            },
            problems: vec![RowProblem {
                line: 2,
                column: "documento_devedor".into(),
                value: "111".into(),
                reason: "não cadastrado".into(),
            }],
            file_fault: false,
        });
        let summary = contacts.summary_json().unwrap();
        let problems = serde_json::to_string(contacts.problems()).unwrap();
        let back = Outcome::recorded(ImportKind::Contacts, &summary, Some(&problems)).unwrap();
        let (Outcome::Contacts(a), Outcome::Contacts(b)) = (&contacts, &back) else {
            panic!("kind changed: {back:?}");
        };
        assert_eq!((&a.summary, &a.problems), (&b.summary, &b.problems));
        assert_eq!(back.kind(), ImportKind::Contacts);
        // A record the application did not write is an internal error.
        assert!(matches!(
            Outcome::recorded(ImportKind::Contacts, "{\"rows\":\"x\"}", None),
            Err(AppError::Internal(_))
        ));
    }

    async fn runs_are_recorded_per_organization(db: Db) {
        let clock = FixedClock::new("2026-11-23T12:00:00Z".parse().unwrap());
        let app = App::new(db, Arc::new(clock), AuthSettings::default());
        let mut orgs = Vec::new();
        for name in ["Alfa", "Beta"] {
            let org = app
                .create_org(
                    NewOrgInput {
                        name: OrgName::parse(name).unwrap(),
                        slug: None,
                        document: None,
                        mode: OrgMode::Agency,
                    },
                    Actor::Cli,
                )
                .await
                .unwrap();
            orgs.push(org.id);
        }
        let (alfa, beta) = (orgs[0], orgs[1]);
        let c = app
            .create_creditor(
                alfa,
                "Loja",
                "34.028.316/0001-03",
                &ChargePolicy::default(),
                Actor::Cli,
            )
            .await
            .unwrap();
        let supervisor = |org_id| Principal {
            role: Role::Supervisor,
            ..Principal::cli(org_id)
        };
        let start = |id: &'static str, started_at: &str| RunStart {
            id,
            kind: ImportKind::Receivables,
            creditor_id: Some(c.id),
            label: "Loja",
            file_name: "carteira.csv",
            partial: true,
            started_at: started_at.parse().unwrap(),
        };
        let first = start("a1", "2026-11-23T10:00:00Z");
        app.record_import_start(alfa, &first).await.unwrap();
        // A receivables import names its creditor.
        let no_creditor = RunStart {
            creditor_id: None,
            ..start("a0", "2026-11-23T09:00:00Z")
        };
        assert!(matches!(
            app.record_import_start(alfa, &no_creditor).await,
            Err(AppError::Invalid { .. })
        ));
        let run = app
            .import_run(&supervisor(alfa), "a1")
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(run.state, RunState::Running));
        assert_eq!((run.applied_at, run.rows_read), (None, 0));

        // The import marks its run applied in its own transaction.
        let titles = "documento_devedor;nome_devedor;numero_documento;vencimento;valor\n\
                      529.982.247-25;Maria;NF-1;10/10/2026;100,00\n\
                      111.111.111-11;Fulano;NF-2;10/10/2026;abc\n";
        let opts = ImportOptions {
            reversals: Default::default(),
            run: Some("a1".into()),
            partial: true,
            source: "t".into(),
        };
        let out = app
            .import_receivables(
                alfa,
                c.id,
                FileKind::Csv,
                Cursor::new(titles.as_bytes().to_vec()),
                &opts,
                Actor::Cli,
                &|_| {},
            )
            .await
            .unwrap();
        assert!(out.summary.applied && out.summary.errors > 0);
        let run = app
            .import_run(&supervisor(alfa), "a1")
            .await
            .unwrap()
            .unwrap();
        assert!(
            matches!(run.state, RunState::Running),
            "end not yet recorded"
        );
        assert!(run.applied_at.is_some());

        let out = Outcome::Receivables(out);
        // Another organization cannot end it; its own ends it once.
        assert!(
            !app.record_import_end(beta, "a1", RunEnd::Done(&out))
                .await
                .unwrap()
        );
        assert!(
            app.record_import_end(alfa, "a1", RunEnd::Done(&out))
                .await
                .unwrap()
        );
        assert!(
            !app.record_import_end(alfa, "a1", RunEnd::Failed("x"))
                .await
                .unwrap()
        );
        let run = app
            .import_run(&supervisor(alfa), "a1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.rows_read, 2);
        let RunState::Done {
            outcome,
            problem_count,
        } = &run.state
        else {
            panic!("{run:?}");
        };
        assert_eq!(*problem_count, out.problems().len() as u64);
        assert_eq!(outcome.problems_csv(), out.problems_csv());
        assert!(run.finished_at.is_some());

        let second = start("a2", "2026-11-23T11:00:00Z");
        app.record_import_start(alfa, &second).await.unwrap();
        assert!(
            app.record_import_end(alfa, "a2", RunEnd::Failed("erro interno"))
                .await
                .unwrap()
        );
        let contacts = RunStart {
            kind: ImportKind::Contacts,
            creditor_id: None,
            label: "bureau",
            ..start("a3", "2026-11-23T12:00:00Z")
        };
        app.record_import_start(alfa, &contacts).await.unwrap();

        let listed = app
            .recent_import_runs(&supervisor(alfa), RunsOf::Creditor(c.id), 20)
            .await
            .unwrap();
        let ids: Vec<_> = listed.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a2", "a1"], "newest first, receivables only");
        assert!(matches!(&listed[0].state, RunState::Failed(m) if m == "erro interno"));
        match &listed[1].state {
            RunState::Done {
                outcome,
                problem_count,
            } => assert!(outcome.problems().is_empty() && *problem_count > 0),
            other => panic!("{other:?}"),
        }
        let listed = app
            .recent_import_runs(&supervisor(alfa), RunsOf::Contacts, 20)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].kind, listed[0].label.as_str()),
            (ImportKind::Contacts, "bureau")
        );

        // Another organization sees none of them; an agent reads none.
        assert!(
            app.import_run(&supervisor(beta), "a1")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            app.recent_import_runs(&supervisor(beta), RunsOf::Contacts, 20)
                .await
                .unwrap()
                .is_empty()
        );
        let agent = Principal {
            role: Role::Agent,
            ..Principal::cli(alfa)
        };
        assert!(matches!(
            app.import_run(&agent, "a1").await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.recent_import_runs(&agent, RunsOf::Contacts, 20).await,
            Err(AppError::Forbidden)
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_are_recorded_per_organization_sqlite() {
        quita_store::testing::on_sqlite(runs_are_recorded_per_organization).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_are_recorded_per_organization_postgres() {
        quita_store::testing::on_postgres(runs_are_recorded_per_organization).await;
    }
}
