//! An import started from a page (receivables of a carteira, or contacts):
//! its progress, its summary with the first problems, and the complete
//! report to download.

use std::sync::Arc;

use askama::Template;
use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use quita_app::{
    AppError,
    portfolio::{
        enrichment::EnrichmentSummary,
        import::{ImportSummary, RowProblem},
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
    vec![
        figure("Linhas lidas", "linhas", s.rows),
        figure("Títulos criados", "criados", s.receivables_created),
        figure("Títulos atualizados", "atualizados", s.receivables_updated),
        figure("Inalterados", "inalterados", s.unchanged),
        figure("Devedores novos", "devedores", s.debtors_created),
        figure("Contatos novos", "contatos", s.contacts_created),
        figure("Erros", "erros", s.errors),
        figure("Avisos", "avisos", s.warnings),
        Figure {
            label: "Tempo",
            key: "tempo",
            value: seconds(s.elapsed_ms),
        },
    ]
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

impl ImportView {
    pub fn of(j: &ImportJob, zone: &str) -> Self {
        let (running, failed, summary) = match j.state() {
            ImportState::Running => (true, None, None),
            ImportState::Failed(m) => (false, Some(m), None),
            ImportState::Done(out) => (false, None, Some(SummaryView::of(&out))),
        };
        let (context, form_href, form_label, next_href, next_label, area) = match &j.target {
            ImportTarget::Receivables {
                creditor_id,
                creditor_name,
            } => (
                format!("Carteira {creditor_name}"),
                format!("/carteiras/{creditor_id}/importar"),
                "Importar títulos",
                format!("/relatorios/aging?credor={creditor_id}"),
                "Ver o aging desta carteira",
                "/carteiras",
            ),
            ImportTarget::Contacts { source } => (
                format!("Contatos de devedores já cadastrados · fonte {source}"),
                "/importacoes/contatos".to_owned(),
                "Importar contatos",
                "/devedores".to_owned(),
                "Ver os devedores",
                "/devedores",
            ),
        };
        Self {
            id: j.id.clone(),
            file_name: j.file_name.clone(),
            partial: j.partial,
            started: format::date_time(j.started_at, zone),
            rows: count(j.rows()),
            percent: j.progress.percent(),
            running,
            failed,
            summary,
            context,
            form_href,
            form_label,
            next_href,
            next_label,
            area,
        }
    }
}

/// The imports of the organization that `keep` selects, newest first.
pub async fn recent(
    state: &AppState,
    s: &UserSession,
    keep: impl Fn(&ImportJob) -> bool,
) -> Result<Vec<ImportView>, PageError> {
    let org = state.app.organization(&s.0.principal).await?;
    Ok(state
        .imports
        .list(s.0.principal.org_id)
        .iter()
        .filter(|j| keep(j))
        .map(|j| ImportView::of(j, &org.time_zone))
        .collect())
}

#[derive(Template)]
#[template(path = "importacao.html")]
struct ImportPage {
    layout: Option<Layout>,
    i: ImportView,
}

#[derive(Template)]
#[template(path = "importacao_status.html")]
struct ImportStatus {
    i: ImportView,
}

/// An import of the organization (supervisors); another's is not found.
fn job_of(state: &AppState, s: &UserSession, id: &str) -> Result<Arc<ImportJob>, PageError> {
    s.0.principal.require(Role::Supervisor)?;
    state
        .imports
        .get(s.0.principal.org_id, id)
        .ok_or(PageError(AppError::NotFound))
}

pub async fn show(
    State(state): State<AppState>,
    s: UserSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let job = job_of(&state, &s, &id)?;
    let org = state.app.organization(&s.0.principal).await?;
    let i = ImportView::of(&job, &org.time_zone);
    Ok(page(&ImportPage {
        layout: Some(Layout::new(&state, &s.0, i.area).await?),
        i,
    }))
}

/// The progress fragment polled by htmx; once finished it stops polling.
pub async fn progress(
    State(state): State<AppState>,
    s: UserSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let job = job_of(&state, &s, &id)?;
    let org = state.app.organization(&s.0.principal).await?;
    Ok(page(&ImportStatus {
        i: ImportView::of(&job, &org.time_zone),
    }))
}

/// The complete report (`linha;coluna;valor;motivo`), every line of it.
pub async fn errors(
    State(state): State<AppState>,
    s: UserSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let job = job_of(&state, &s, &id)?;
    let ImportState::Done(out) = job.state() else {
        return Err(PageError(AppError::NotFound));
    };
    let prefix = match out.as_ref() {
        Outcome::Receivables(_) => "erros-importacao",
        Outcome::Contacts(_) => "erros-contatos",
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{prefix}-{}.csv\"", &job.id[..8]),
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

    use super::{ImportStatus, ImportView};

    fn running(percent: u8) -> String {
        ImportStatus {
            i: ImportView {
                id: "abc".into(),
                file_name: "carteira.csv".into(),
                partial: false,
                started: "01/12/2026 10:00".into(),
                rows: "1.000.000".into(),
                percent,
                running: true,
                failed: None,
                summary: None,
                context: "Carteira Loja".into(),
                form_href: "/carteiras/1/importar".into(),
                form_label: "Importar outro arquivo",
                next_href: "/relatorios/aging".into(),
                next_label: "Ver o aging",
                area: "/carteiras",
            },
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
    }
}
