//! An import started from a page (receivables of a carteira, or contacts):
//! its progress, its summary with the first problems, and the complete
//! report to download. An import is looked up in this process's memory
//! first (live progress), then on record in the database (after a restart,
//! or when another instance ran it).

use std::{collections::HashSet, sync::Arc};

use askama::Template;
use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use jiff::Timestamp;
pub use quita_app::portfolio::import_runs::RunsOf;
use quita_app::{
    AppError,
    portfolio::{
        enrichment::EnrichmentSummary,
        import::{ImportSummary, RowProblem},
        import_runs::{ImportKind, ImportRun, RunState},
    },
};
use quita_core::role::Role;

use super::{Layout, page};
use crate::{
    AppState,
    auth::UserSession,
    error::PageError,
    format,
    imports::{ImportJob, ImportState, ImportTarget, Outcome},
};

/// One import as the pages show it.
pub struct ImportView {
    pub id: String,
    pub file_name: String,
    pub partial: bool,
    pub started: String,
    pub rows: String,
    /// Share of the file read so far (0–100).
    pub percent: u8,
    pub running: bool,
    pub failed: Option<String>,
    pub summary: Option<SummaryView>,
    /// On record as running, but not running in this process.
    pub unfinished: Option<Unfinished>,
    /// How it stands, in a word or few: "Em andamento", "Aplicada",
    /// "Aplicada em parte (1 erro)", "Recusada", "Falhou", "Não concluída",
    /// "Gravada".
    pub status: String,
    /// What was imported, for whom: "Carteira Loja".
    pub context: String,
    /// The upload form the import came from.
    pub form_href: String,
    pub form_label: &'static str,
    /// Where to see what the import changed.
    pub next_href: String,
    pub next_label: &'static str,
    /// The navigation bar's area.
    area: &'static str,
}

pub struct SummaryView {
    pub applied: bool,
    pub errors: String,
    /// Applied with some rows left out (`partial`): the heading says so.
    pub with_errors: bool,
    /// The figures of the summary, in order.
    pub figures: Vec<Figure>,
    /// Errors or warnings: there is a report to download.
    pub has_report: bool,
    /// A fault of the whole file (no row to leave out): `partial` cannot help.
    pub file_refused: bool,
    /// The first lines of the report, shown on the page.
    pub first_problems: Vec<ProblemView>,
    /// The report has more lines than the page shows.
    pub more_problems: bool,
    /// How many lines the report has.
    pub report_lines: String,
}

/// An import on record as running that this process does not run: its
/// process stopped (a restart), or another instance runs it.
pub struct Unfinished {
    /// Its transaction committed (the end went unrecorded).
    pub applied: bool,
    pub heading: &'static str,
    pub message: &'static str,
}

impl Unfinished {
    fn of(kind: ImportKind, applied: bool) -> Self {
        let message = match (kind, applied) {
            (ImportKind::Receivables, true) => {
                "Gravada: a importação foi aplicada, mas o servidor parou antes de registrar o resumo."
            }
            (ImportKind::Contacts, true) => {
                "Gravada: os contatos foram aplicados, mas o servidor parou antes de registrar o resumo."
            }
            (ImportKind::Receivables, false) => {
                "Não concluída neste servidor: ele foi reiniciado durante a importação, ou ela corre em outra instância. Uma importação interrompida não grava nada (tudo numa só transação); envie o arquivo de novo se os títulos não aparecerem."
            }
            (ImportKind::Contacts, false) => {
                "Não concluída neste servidor: ele foi reiniciado durante a importação, ou ela corre em outra instância. Uma importação interrompida não grava nada (tudo numa só transação); envie o arquivo de novo se os contatos não aparecerem nos devedores."
            }
        };
        Self {
            applied,
            heading: if applied {
                "Importação gravada, sem resumo"
            } else {
                "Importação não concluída"
            },
            message,
        }
    }
}

/// One figure of a summary; `key` names it for scripts and tests (`data-k`).
pub struct Figure {
    pub label: &'static str,
    pub key: &'static str,
    pub value: String,
}

/// One line of the report as the page shows it.
pub struct ProblemView {
    pub line: String,
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// Report lines shown on the import page (the download has them all).
const SHOWN_PROBLEMS: usize = 20;

fn count(n: u64) -> String {
    format::count(i64::try_from(n).unwrap_or(i64::MAX))
}

fn seconds(ms: u64) -> String {
    if ms < 100 {
        return "menos de 0,1 s".to_owned();
    }
    format!(
        "{} s",
        format::decimal(format!("{:.1}", ms as f64 / 1000.0))
    )
}

fn figure(label: &'static str, key: &'static str, n: u64) -> Figure {
    Figure {
        label,
        key,
        value: count(n),
    }
}

fn receivables_figures(s: &ImportSummary) -> Vec<Figure> {
    let mut figures = vec![
        figure("Linhas lidas", "linhas", s.rows),
        figure("Títulos criados", "criados", s.receivables_created),
        figure("Títulos atualizados", "atualizados", s.receivables_updated),
    ];
    // Only an import that took reversals has any: said among the updates.
    if s.reversals > 0 {
        figures.push(figure("Com estorno", "estornos", s.reversals));
    }
    figures.extend([
        figure("Inalterados", "inalterados", s.unchanged),
        figure(
            "Em cobrança e fora do arquivo",
            "fora_do_arquivo",
            s.not_in_file,
        ),
        figure("Devedores novos", "devedores", s.debtors_created),
        figure("Contatos novos", "contatos", s.contacts_created),
        figure("Erros", "erros", s.errors),
        figure("Avisos", "avisos", s.warnings),
        Figure {
            label: "Tempo",
            key: "tempo",
            value: seconds(s.elapsed_ms),
        },
    ]);
    figures
}

/// The enrichment's figures: refused values in `errors`, and the columns it
/// did not read in `warnings` (refusing nothing).
fn contacts_figures(s: &EnrichmentSummary) -> Vec<Figure> {
    vec![
        figure("Linhas lidas", "linhas", s.rows),
        figure("Contatos criados", "criados", s.contacts_created),
        figure(
            "Contatos atualizados (fonte e data)",
            "atualizados",
            s.contacts_refreshed,
        ),
        figure("Já conhecidos", "inalterados", s.unchanged),
        figure("Mantidos como inválidos", "invalidos", s.skipped_invalid),
        figure(
            "Devedores não cadastrados",
            "desconhecidos",
            s.unknown_debtors,
        ),
        figure("Erros", "erros", s.errors),
        figure("Avisos", "avisos", s.warnings),
        Figure {
            label: "Tempo",
            key: "tempo",
            value: seconds(s.elapsed_ms),
        },
    ]
}

impl SummaryView {
    fn of(out: &Outcome) -> Self {
        let problems = out.problems();
        let (applied, errors, file_refused, figures) = match out {
            Outcome::Receivables(o) => (
                o.summary.applied,
                o.summary.errors,
                o.file_fault,
                receivables_figures(&o.summary),
            ),
            Outcome::Contacts(o) => (
                o.summary.applied,
                o.summary.errors,
                o.file_fault,
                contacts_figures(&o.summary),
            ),
        };
        Self {
            applied,
            errors: count(errors),
            with_errors: errors > 0,
            figures,
            has_report: !problems.is_empty(),
            file_refused,
            // Errors first: they are why a file was refused, and a file may
            // warn on thousands of lines before its first error.
            first_problems: problems
                .iter()
                .filter(|p| !p.is_warning())
                .chain(problems.iter().filter(|p| p.is_warning()))
                .take(SHOWN_PROBLEMS)
                .map(ProblemView::of)
                .collect(),
            more_problems: problems.len() > SHOWN_PROBLEMS,
            report_lines: count(problems.len() as u64),
        }
    }
}

/// How a finished import stands, as the lists and the page's title say it.
fn done_status(s: &SummaryView) -> String {
    if s.applied && s.with_errors {
        let noun = if s.errors == "1" { "erro" } else { "erros" };
        format!("Aplicada em parte ({} {noun})", s.errors)
    } else if s.applied {
        "Aplicada".to_owned()
    } else {
        "Recusada".to_owned()
    }
}

impl ProblemView {
    fn of(p: &RowProblem) -> Self {
        Self {
            line: if p.line == 0 {
                String::new()
            } else {
                count(p.line)
            },
            column: p.column.clone(),
            value: p.value.clone(),
            reason: p.reason.clone(),
        }
    }
}

/// How far an import got, wherever it was found.
enum Shown<'a> {
    Running {
        rows: u64,
        percent: u8,
    },
    /// With the rows read before it failed, when known.
    Failed(String, Option<u64>),
    Done(&'a Outcome),
    Unfinished {
        applied: bool,
    },
}

/// The import's links and area, by what it brings in.
struct Links {
    context: String,
    form_href: String,
    form_label: &'static str,
    next_href: String,
    next_label: &'static str,
    area: &'static str,
}

impl Links {
    fn of(target: &ImportTarget) -> Self {
        match target {
            ImportTarget::Receivables {
                creditor_id,
                creditor_name,
            } => Self {
                context: format!("Carteira {creditor_name}"),
                form_href: format!("/carteiras/{creditor_id}/importar"),
                form_label: "Importar títulos",
                next_href: format!("/relatorios/aging?credor={creditor_id}"),
                next_label: "Ver o aging desta carteira",
                area: "/carteiras",
            },
            ImportTarget::Contacts { source } => Self {
                context: format!("Contatos de devedores já cadastrados · fonte {source}"),
                form_href: "/importacoes/contatos".to_owned(),
                form_label: "Importar contatos",
                next_href: "/devedores".to_owned(),
                next_label: "Ver os devedores",
                area: "/devedores",
            },
        }
    }
}

impl ImportView {
    /// An import of this process.
    pub fn of(j: &ImportJob, zone: &str) -> Self {
        let state = j.state();
        let shown = match &state {
            ImportState::Running => Shown::Running {
                rows: j.rows(),
                percent: j.progress.percent(),
            },
            ImportState::Failed(m) => Shown::Failed(m.clone(), Some(j.rows())),
            ImportState::Done(out) => Shown::Done(out),
        };
        let kind = match j.target {
            ImportTarget::Receivables { .. } => ImportKind::Receivables,
            ImportTarget::Contacts { .. } => ImportKind::Contacts,
        };
        Self::build(
            (&j.id, &j.file_name, j.partial, j.started_at),
            kind,
            Links::of(&j.target),
            shown,
            zone,
        )
    }

    /// An import on record, not in this process (a list's runs carry no
    /// problems: enough for their status).
    pub fn of_run(r: &ImportRun, zone: &str) -> Self {
        let target = match r.kind {
            ImportKind::Receivables => ImportTarget::Receivables {
                creditor_id: r.creditor_id.unwrap_or_default(),
                creditor_name: r.label.clone(),
            },
            ImportKind::Contacts => ImportTarget::Contacts {
                source: r.label.clone(),
            },
        };
        let shown = match &r.state {
            // Running in another instance, which says so every few seconds.
            RunState::Running if r.beating && r.applied_at.is_none() => Shown::Running {
                rows: r.rows_read,
                percent: r.percent_read,
            },
            RunState::Running => Shown::Unfinished {
                applied: r.applied_at.is_some(),
            },
            RunState::Failed(m) => Shown::Failed(m.clone(), None),
            RunState::Done { outcome, .. } => Shown::Done(outcome),
        };
        Self::build(
            (&r.id, &r.file_name, r.partial, r.started_at),
            r.kind,
            Links::of(&target),
            shown,
            zone,
        )
    }

    fn build(
        (id, file_name, partial, started_at): (&str, &str, bool, Timestamp),
        kind: ImportKind,
        links: Links,
        shown: Shown<'_>,
        zone: &str,
    ) -> Self {
        let (mut running, mut failed, mut summary, mut unfinished) = (false, None, None, None);
        let (rows, percent, status) = match shown {
            Shown::Running { rows, percent } => {
                running = true;
                (count(rows), percent, "Em andamento".to_owned())
            }
            Shown::Failed(m, read) => {
                failed = Some(m);
                let rows = read.map_or_else(|| "—".to_owned(), count);
                (rows, 0, "Falhou".to_owned())
            }
            Shown::Done(out) => {
                let s = SummaryView::of(out);
                let status = done_status(&s);
                summary = Some(s);
                (count(out.rows()), 100, status)
            }
            Shown::Unfinished { applied } => {
                unfinished = Some(Unfinished::of(kind, applied));
                let status = if applied {
                    "Gravada"
                } else {
                    "Não concluída"
                };
                ("—".to_owned(), 0, status.to_owned())
            }
        };
        Self {
            id: id.to_owned(),
            file_name: file_name.to_owned(),
            partial,
            started: format::date_time(started_at, zone),
            rows,
            percent,
            running,
            failed,
            summary,
            unfinished,
            status,
            context: links.context,
            form_href: links.form_href,
            form_label: links.form_label,
            next_href: links.next_href,
            next_label: links.next_label,
            area: links.area,
        }
    }
}

/// How many imports a list shows (newest first).
const RECENT: usize = 20;

/// The organization's imports of a creditor or of contacts, newest first:
/// those on record and those of this process (whose version, live, wins).
pub async fn recent(
    state: &AppState,
    s: &UserSession,
    of: RunsOf,
) -> Result<Vec<ImportView>, PageError> {
    let p = &s.0.principal;
    let org = state.app.organization(p).await?;
    let live: Vec<Arc<ImportJob>> = state
        .imports
        .list(p.org_id)
        .into_iter()
        .filter(|j| match of {
            RunsOf::Creditor(id) => j.creditor_id() == Some(id),
            RunsOf::Contacts => matches!(j.target, ImportTarget::Contacts { .. }),
        })
        .collect();
    let recorded = state.app.recent_import_runs(p, of, RECENT as i64).await?;
    let here: HashSet<&str> = live.iter().map(|j| j.id.as_str()).collect();
    let mut all: Vec<(Timestamp, ImportView)> = live
        .iter()
        .map(|j| (j.started_at, ImportView::of(j, &org.time_zone)))
        .chain(
            recorded
                .iter()
                .filter(|r| !here.contains(r.id.as_str()))
                .map(|r| (r.started_at, ImportView::of_run(r, &org.time_zone))),
        )
        .collect();
    all.sort_by(|(a, x), (b, y)| b.cmp(a).then_with(|| y.id.cmp(&x.id)));
    all.truncate(RECENT);
    Ok(all.into_iter().map(|(_, v)| v).collect())
}

#[derive(Template)]
#[template(path = "importacao.html")]
struct ImportPage {
    layout: Option<Layout>,
    i: ImportView,
    /// False: the status is part of the whole page.
    fragment: bool,
}

/// The progress fragment; once finished it carries the page's new title
/// and, out of band, the announcement for the page's live region.
#[derive(Template)]
#[template(path = "importacao_status.html")]
struct ImportStatus {
    i: ImportView,
    fragment: bool,
}

/// An import found: live in this process, or only on record.
enum Found {
    Live(Arc<ImportJob>),
    Recorded(Box<ImportRun>),
}

impl Found {
    fn view(&self, zone: &str) -> ImportView {
        match self {
            Found::Live(j) => ImportView::of(j, zone),
            Found::Recorded(r) => ImportView::of_run(r, zone),
        }
    }
}

/// An import of the organization (supervisors), from memory first, then
/// from the record; another organization's is not found.
async fn job_of(state: &AppState, s: &UserSession, id: &str) -> Result<Found, PageError> {
    let p = &s.0.principal;
    p.require(Role::Supervisor)?;
    if let Some(job) = state.imports.get(p.org_id, id) {
        return Ok(Found::Live(job));
    }
    state
        .app
        .import_run(p, id)
        .await?
        .map(|r| Found::Recorded(Box::new(r)))
        .ok_or(PageError(AppError::NotFound))
}

pub async fn show(
    State(state): State<AppState>,
    s: UserSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let found = job_of(&state, &s, &id).await?;
    let org = state.app.organization(&s.0.principal).await?;
    let i = found.view(&org.time_zone);
    Ok(page(&ImportPage {
        layout: Some(Layout::new(&state, &s.0, i.area).await?),
        i,
        fragment: false,
    }))
}

/// The progress fragment polled by htmx; once finished (or found on record
/// unfinished) it stops polling.
pub async fn progress(
    State(state): State<AppState>,
    s: UserSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let found = job_of(&state, &s, &id).await?;
    let org = state.app.organization(&s.0.principal).await?;
    Ok(page(&ImportStatus {
        i: found.view(&org.time_zone),
        fragment: true,
    }))
}

/// The complete report (`linha;coluna;valor;motivo`), every line of it.
pub async fn errors(
    State(state): State<AppState>,
    s: UserSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let found = job_of(&state, &s, &id).await?;
    let out: Arc<Outcome> = match found {
        Found::Live(job) => match job.state() {
            ImportState::Done(out) => out,
            _ => return Err(PageError(AppError::NotFound)),
        },
        Found::Recorded(r) => match r.state {
            RunState::Done { outcome, .. } => Arc::new(outcome),
            _ => return Err(PageError(AppError::NotFound)),
        },
    };
    let prefix = match out.as_ref() {
        Outcome::Receivables(_) => "erros-importacao",
        Outcome::Contacts(_) => "erros-contatos",
    };
    let short = id.get(..8).unwrap_or(&id);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{prefix}-{short}.csv\""),
            ),
        ],
        out.problems_csv(),
    )
        .into_response())
}

/// The sample files of `docs/samples` (fictitious people, valid check
/// digits), to start a spreadsheet from; with a BOM, so a spreadsheet
/// opens the accents right. Any signed-in user.
pub async fn sample(s: UserSession, Path(name): Path<String>) -> Result<Response, PageError> {
    s.0.principal.require(Role::Viewer)?;
    let body = match name.as_str() {
        "carteira-exemplo.csv" => include_str!("../../../../docs/samples/carteira-exemplo.csv"),
        "enriquecimento-exemplo.csv" => {
            include_str!("../../../../docs/samples/enriquecimento-exemplo.csv")
        }
        _ => return Err(PageError(AppError::NotFound)),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        format!("\u{feff}{body}"),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use askama::Template;
    use quita_app::portfolio::{
        import::{ImportOutcome, ImportSummary, RowProblem},
        import_runs::{ImportKind, ImportRun, Outcome, RunState},
    };

    use super::{ImportStatus, ImportView};

    fn running(percent: u8) -> String {
        running_at(percent, "1.000.000")
    }

    fn running_at(percent: u8, rows: &str) -> String {
        ImportStatus {
            i: ImportView {
                id: "abc".into(),
                file_name: "carteira.csv".into(),
                partial: false,
                started: "01/12/2026 10:00".into(),
                rows: rows.into(),
                percent,
                running: true,
                failed: None,
                summary: None,
                unfinished: None,
                status: "Em andamento".into(),
                context: "Carteira Loja".into(),
                form_href: "/carteiras/1/importar".into(),
                form_label: "Importar outro arquivo",
                next_href: "/relatorios/aging".into(),
                next_label: "Ver o aging",
                area: "/carteiras",
            },
            fragment: true,
        }
        .render()
        .unwrap()
    }

    /// While reading, the share read; once the whole file is read, that
    /// the rest is writing (no bar frozen at 100 % with "Importando…").
    #[test]
    fn progress_then_writing() {
        let reading = running(42);
        assert!(reading.contains("Importando…") && reading.contains("id=\"percentual\">42%"));
        let writing = running(100);
        assert!(writing.contains("Gravando…") && writing.contains("id=\"gravando\""));
        assert!(!writing.contains("Importando…") && !writing.contains("value=\"100\""));
        assert!(writing.contains("1.000.000"));
        assert!(!reading.contains("id=\"aguardando\""));
        // Before its first rows are written it may be waiting its turn.
        assert!(running_at(0, "0").contains("id=\"aguardando\""));
        // Nothing to announce, no title, while it runs: polls are silent.
        assert!(!writing.contains("<title>") && !writing.contains("hx-swap-oob"));
    }

    fn recorded(kind: ImportKind, state: RunState, applied: bool) -> ImportRun {
        ImportRun {
            id: "0123456789abcdef".into(),
            kind,
            creditor_id: (kind == ImportKind::Receivables).then_some(7),
            label: "Loja".into(),
            file_name: "carteira.csv".into(),
            partial: true,
            started_at: jiff::Timestamp::UNIX_EPOCH,
            finished_at: None,
            applied_at: applied.then_some(jiff::Timestamp::UNIX_EPOCH),
            rows_read: 0,
            percent_read: 0,
            beating: false,
            state,
        }
    }

    fn fragment(r: &ImportRun) -> String {
        ImportStatus {
            i: ImportView::of_run(r, "America/Sao_Paulo"),
            fragment: true,
        }
        .render()
        .unwrap()
    }

    /// A run on record as running, not in this process: said honestly, by
    /// whether its transaction committed, and no longer polled.
    #[test]
    fn unfinished_runs_say_what_is_known() {
        let lost = fragment(&recorded(ImportKind::Receivables, RunState::Running, false));
        assert!(!lost.contains("every 500ms"), "{lost}");
        assert!(
            lost.contains("Não concluída neste servidor: ele foi reiniciado durante a importação")
                && lost.contains("se os títulos não aparecerem"),
            "{lost}"
        );
        assert!(lost.contains("<title>carteira.csv — Não concluída · Quita</title>"));
        let written = fragment(&recorded(ImportKind::Contacts, RunState::Running, true));
        assert!(
            written.contains(
                "Gravada: os contatos foram aplicados, mas o servidor parou antes de registrar o resumo."
            ),
            "{written}"
        );
        assert_eq!(
            ImportView::of_run(
                &recorded(ImportKind::Receivables, RunState::Running, true),
                "UTC"
            )
            .status,
            "Gravada"
        ); // Running in another instance, which still beats: shown running,
        // and polled, with how far it got.
        let elsewhere = ImportRun {
            rows_read: 1_500,
            percent_read: 40,
            beating: true,
            ..recorded(ImportKind::Receivables, RunState::Running, false)
        };
        let html = fragment(&elsewhere);
        assert!(
            html.contains("every 500ms") && html.contains("id=\"percentual\">40%"),
            "{html}"
        );
        assert!(
            html.contains("1.500") && !html.contains("Não concluída"),
            "{html}"
        );
    }

    /// A finished import's fragment retitles the page and announces, once,
    /// how it ended, in the page's live region (out of band); the page
    /// itself carries neither.
    #[test]
    fn a_finished_fragment_announces_its_end() {
        let out = Outcome::Receivables(ImportOutcome {
            summary: ImportSummary {
                rows: 3,
                receivables_created: 2,
                errors: 1,
                applied: true,
                ..ImportSummary::default()
            },
            problems: vec![RowProblem {
                line: 4,
                column: "valor".into(),
                value: "abc".into(),
                reason: "valor inválido".into(),
            }],
            file_fault: false,
        });
        let run = recorded(
            ImportKind::Receivables,
            RunState::Done {
                outcome: out,
                problem_count: 1,
            },
            true,
        );
        let html = fragment(&run);
        assert!(
            html.contains("<title>carteira.csv — Aplicada em parte (1 erro) · Quita</title>"),
            "{html}"
        );
        assert!(
            html.contains("id=\"importacao-anuncio\" hx-swap-oob=\"innerHTML\"")
                && html.contains("carteira.csv: Aplicada em parte (1 erro)"),
            "{html}"
        );
        let whole = ImportStatus {
            i: ImportView::of_run(&run, "UTC"),
            fragment: false,
        }
        .render()
        .unwrap();
        assert!(!whole.contains("<title>") && !whole.contains("hx-swap-oob"));
        assert!(whole.contains("id=\"resumo\""));
    }
}
