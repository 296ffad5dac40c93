//! Importação → Contatos: the enrichment upload (extra contacts for debtors
//! that already exist). Like the receivables import, the file is spooled
//! and imported in the background; the answer redirects to the import's
//! page ([`super::importacoes`]), with its progress, summary and report.

use askama::Template;
use axum::{
    extract::{Multipart, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use quita_app::AppError;
use quita_core::{contact::ContactSource, role::Role};

use super::{
    Layout,
    importacoes::{self, ImportView},
    render,
};
use crate::{
    AppState,
    api::default_contacts_source,
    auth::UserSession,
    error::PageError,
    imports::{
        Spool,
        contacts::{self, ContactsRequest},
    },
};

#[derive(Template)]
#[template(path = "importar_contatos.html")]
struct EnrichPage {
    layout: Option<Layout>,
    csrf: String,
    error: Option<String>,
    /// The form as sent (source typed, the "only the valid rows" box), kept
    /// after a refusal.
    source: String,
    partial: bool,
    /// The organization's contact imports, newest first.
    recent: Vec<ImportView>,
}

async fn page_of(
    state: &AppState,
    s: &UserSession,
    error: Option<String>,
    (source, partial): (String, bool),
) -> Result<EnrichPage, PageError> {
    Ok(EnrichPage {
        layout: Some(Layout::new(state, &s.0, "/devedores").await?),
        csrf: s.0.csrf_token.clone(),
        error,
        source,
        partial,
        recent: importacoes::recent(state, s, importacoes::RunsOf::Contacts).await?,
    })
}

pub async fn form(State(state): State<AppState>, s: UserSession) -> Result<Response, PageError> {
    s.0.principal.require(Role::Supervisor)?;
    let blank = (String::new(), false);
    Ok(Html(render(&page_of(&state, &s, None, blank).await?)).into_response())
}

/// The upload: spooled to disk, imported in a spawned task, and answered
/// with a redirect to the import's page (so reloading it sends nothing).
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
    let typed = source.clone();
    let source = match (source.trim(), &spool) {
        ("", Some((_, file_name))) => default_contacts_source(file_name),
        (typed, _) => typed.to_owned(),
    };
    // The source is checked here, so that a bad one is said on the form
    // rather than as a failed import.
    let refused = refused.or_else(|| match &spool {
        None => Some("Escolha um arquivo CSV ou XLSX.".to_owned()),
        Some((sp, _)) if sp.size == 0 => Some("O arquivo está vazio (0 bytes).".to_owned()),
        _ if ContactSource::parse(&source).is_err() => {
            Some("Fonte: informe de 1 a 80 caracteres.".to_owned())
        }
        _ => None,
    });
    let Some((sp, file_name)) = spool.filter(|_| refused.is_none()) else {
        let t = page_of(&state, &s, refused, (typed, partial)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(render(&t))).into_response());
    };
    let job = contacts::start(
        &state,
        ContactsRequest {
            org_id: p.org_id,
            file_name,
            partial,
            source,
            actor: p.actor,
        },
        sp,
    )?;
    Ok(Redirect::to(&format!("/importacoes/{}", job.id)).into_response())
}
