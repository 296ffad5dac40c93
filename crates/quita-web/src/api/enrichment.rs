//! `POST /api/v1/imports/contacts`: the enrichment import (extra contacts
//! for existing debtors) through the API.

use axum::{
    Json,
    body::Body,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use quita_app::portfolio::{
    enrichment::{EnrichmentOptions, EnrichmentSummary},
    import::RowProblem,
};
use quita_core::role::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    ApiQuery,
    upload::{file_kind, spool_body},
};
use crate::{AppState, auth::ApiPrincipal, error::ApiError};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactsImportParams {
    /// Apply the valid rows even if some are bad (default: all or nothing).
    #[serde(default)]
    partial: bool,
    /// The source kept with each new contact when a row has no `fonte`
    /// (default: `enriquecimento <file_name>`).
    source: Option<String>,
    /// `csv` or `xlsx`; when missing, `xlsx` if `file_name` ends in `.xlsx`,
    /// else `csv`.
    format: Option<String>,
    /// The file's name (for the default source).
    file_name: Option<String>,
}

/// The outcome of an enrichment import.
#[derive(Serialize, ToSchema)]
pub struct ContactsImportResultDto {
    /// `rows`, `contacts_created`, `contacts_refreshed`, `unchanged`,
    /// `skipped_invalid`, `unknown_debtors`, `errors`, `warnings` (columns
    /// not read, refusing nothing), `elapsed_ms`, `applied`.
    #[schema(value_type = Object)]
    pub summary: EnrichmentSummary,
    /// `{line, column, value, reason}` per problem.
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<RowProblem>,
}

/// The source recorded with contacts of a file: its name, cleaned.
pub fn default_source(file_name: &str) -> String {
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(60)
        .collect();
    if name.trim().is_empty() {
        "enriquecimento".into()
    } else {
        format!("enriquecimento {}", name.trim())
    }
}

/// Imports extra contacts for existing debtors (supervisor); see
/// docs/import-format.md, "Enriquecimento de contatos". The body is the file
/// (CSV, or XLSX with `format=xlsx`). A contact marked invalid (bounce,
/// wrong number) is never overwritten. All or nothing unless `partial=true`:
/// a refused file answers 422 with the same shape, `summary.applied = false`,
/// and nothing is written.
#[utoipa::path(post, path = "/api/v1/imports/contacts", tag = "portfolio", params(ContactsImportParams),
    request_body(content = crate::api::FileBody, content_type = "text/csv", description = "The file (CSV, or XLSX with format=xlsx)"),
    responses((status = 200, body = ContactsImportResultDto), (status = 422, body = ContactsImportResultDto, description = "Refused; nothing written"),
        (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn import_contacts(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<ContactsImportParams>,
    body: Body,
) -> Result<Response, ApiError> {
    p.require(Role::Supervisor)?;
    let kind = file_kind(q.format.as_deref(), q.file_name.as_deref())?;
    let Some(mut spool) = spool_body(body).await? else {
        return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    let source = match q.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s.to_owned(),
        None => default_source(q.file_name.as_deref().unwrap_or("api")),
    };
    let reader = spool.reader()?;
    let out = state
        .app
        .import_contacts(
            p.org_id,
            kind,
            reader,
            &EnrichmentOptions {
                run: None,
                partial: q.partial,
                source,
            },
            p.actor,
            &|_| {},
        )
        .await?;
    drop(spool);
    let status = if out.summary.applied {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Json(ContactsImportResultDto {
            summary: out.summary,
            problems: out.problems,
        }),
    )
        .into_response())
}
