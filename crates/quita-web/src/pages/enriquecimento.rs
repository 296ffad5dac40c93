//! Importação → Contatos: the enrichment upload (extra contacts for debtors
//! that already exist). Small files, so it runs while the page waits and
//! shows the summary and the problems right away.

use askama::Template;
use axum::{
    extract::{Multipart, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use quita_app::{
    AppError,
    portfolio::{
        enrichment::{EnrichmentOptions, EnrichmentOutcome},
        import::{FileKind, RowProblem},
    },
};
use quita_core::role::Role;

use super::{Layout, render};
use crate::{
    AppState, api::default_contacts_source, auth::UserSession, error::PageError, imports::Spool,
};

/// Problems shown on the page (the count is always complete).
const SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "importar_contatos.html")]
struct EnrichPage {
    layout: Option<Layout>,
    csrf: String,
    error: Option<String>,
    file_name: String,
    result: Option<ResultView>,
}

struct ResultView {
    applied: bool,
    partial: bool,
    rows: u64,
    created: u64,
    refreshed: u64,
    unchanged: u64,
    skipped_invalid: u64,
    unknown_debtors: u64,
    errors: u64,
    problems: Vec<RowProblem>,
    /// "3 problemas" not shown, or empty.
    more: String,
}

impl ResultView {
    fn of(out: EnrichmentOutcome, partial: bool) -> Self {
        let s = &out.summary;
        let shown: Vec<RowProblem> = out.problems.iter().take(SHOWN).cloned().collect();
        Self {
            applied: s.applied,
            partial,
            rows: s.rows,
            created: s.contacts_created,
            refreshed: s.contacts_refreshed,
            unchanged: s.unchanged,
            skipped_invalid: s.skipped_invalid,
            unknown_debtors: s.unknown_debtors,
            errors: s.errors,
            more: match s.errors.saturating_sub(shown.len() as u64) {
                0 => String::new(),
                n => crate::format::plural(
                    i64::try_from(n).unwrap_or(i64::MAX),
                    "problema",
                    "problemas",
                ),
            },
            problems: shown,
        }
    }
}

async fn page_of(
    state: &AppState,
    s: &UserSession,
    error: Option<String>,
    file_name: String,
    result: Option<ResultView>,
) -> Result<EnrichPage, PageError> {
    Ok(EnrichPage {
        layout: Some(Layout::new(state, &s.0, "/devedores").await?),
        csrf: s.0.csrf_token.clone(),
        error,
        file_name,
        result,
    })
}

pub async fn form(State(state): State<AppState>, s: UserSession) -> Result<Response, PageError> {
    s.0.principal.require(Role::Supervisor)?;
    Ok(Html(render(
        &page_of(&state, &s, None, String::new(), None).await?,
    ))
    .into_response())
}

/// The upload: spooled to disk, then imported before answering.
pub async fn upload(
    State(state): State<AppState>,
    s: UserSession,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let p = s.0.principal.clone();
    p.require(Role::Supervisor)?;
    let too_large =
        || crate::error::payload_too_large("/importacoes/contatos", state.settings.body_limit);
    let mut spool: Option<(Spool, String)> = None;
    let mut partial = false;
    let mut source = String::new();
    let mut refused: Option<String> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if crate::error::multipart_over_limit(&e) => return Ok(too_large()),
            Err(e) => {
                refused = Some(format!("Não foi possível ler o envio: {}", e.body_text()));
                break;
            }
        };
        match field.name() {
            Some("partial") => partial = true,
            Some("source") => source = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("contatos.csv").to_owned();
                let mut sp = Spool::new()?;
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if let Err(e) = sp.write(&chunk) {
                                refused = Some(match e {
                                    AppError::Invalid { message, .. } => message,
                                    other => return Err(PageError(other)),
                                });
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(e) if crate::error::multipart_over_limit(&e) => {
                            return Ok(too_large());
                        }
                        Err(e) => {
                            refused =
                                Some(format!("Não foi possível ler o arquivo: {}", e.body_text()));
                            break;
                        }
                    }
                }
                spool = Some((sp, name));
            }
            _ => {}
        }
        if refused.is_some() {
            break;
        }
    }
    let refused = refused.or_else(|| match &spool {
        None => Some("Escolha um arquivo CSV ou XLSX.".to_owned()),
        Some((sp, _)) if sp.size == 0 => Some("O arquivo está vazio (0 bytes).".to_owned()),
        _ => None,
    });
    let Some((mut sp, file_name)) = spool.filter(|_| refused.is_none()) else {
        let t = page_of(&state, &s, refused, String::new(), None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(render(&t))).into_response());
    };
    let source = match source.trim() {
        "" => default_contacts_source(&file_name),
        s => s.to_owned(),
    };
    let reader = sp.reader()?;
    let result = state
        .app
        .import_contacts(
            p.org_id,
            FileKind::of_name(&file_name),
            reader,
            &EnrichmentOptions { partial, source },
            p.actor,
        )
        .await;
    drop(sp);
    let (status, error, view) = match result {
        Ok(out) => (
            if out.summary.applied {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
            None,
            Some(ResultView::of(out, partial)),
        ),
        Err(AppError::Invalid { message, .. }) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Some(message), None)
        }
        Err(other) => return Err(PageError(other)),
    };
    let t = page_of(&state, &s, error, file_name, view).await?;
    Ok((status, Html(render(&t))).into_response())
}
