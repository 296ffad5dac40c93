//! Importing receivables with their debtors and contacts.

use axum::{
    Json,
    body::Body,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use quita_app::{
    AppError,
    portfolio::import::{ImportOutcome, ImportSummary, Reversals, RowProblem},
};
use quita_core::role::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::creditors::creditor_named;
use crate::api::{
    ApiQuery,
    upload::{file_kind, spool_body},
};
use crate::{
    AppState,
    auth::ApiPrincipal,
    error::ApiError,
    imports::{self, ImportRequest},
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Creditor id or CNPJ/CPF.
    creditor: Option<String>,
    /// Apply the valid rows even if some are bad (default: all or nothing).
    #[serde(default)]
    partial: bool,
    /// Accept a rising open balance on a stored title as a payment reversed
    /// (estorno: a returned cheque, a chargeback); refused by default.
    #[serde(default)]
    reversals: bool,
    /// `csv` or `xlsx`; when missing, `xlsx` if `file_name` ends in `.xlsx`,
    /// else `csv`.
    format: Option<String>,
    /// The file's name, kept as the source of new contacts.
    file_name: Option<String>,
}

/// The outcome of an import: what was written and every refused value.
#[derive(Serialize, ToSchema)]
pub struct ImportResultDto {
    /// `rows`, `receivables_created`, `receivables_updated`, `unchanged`,
    /// `debtors_created`, `contacts_created`, `errors`, `warnings`, `elapsed_ms`, `applied`,
    /// `not_in_file` (the creditor's receivables being collected that the file does not name),
    /// `reversals` (stored titles whose amount paid fell, with `reversals=true`).
    #[schema(value_type = Object)]
    pub summary: ImportSummary,
    /// `{line, column, value, reason}` per problem; a warning's reason starts with `aviso: `.
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<RowProblem>,
}

/// Imports receivables with their debtors and contacts (supervisor). The
/// body is the file itself (CSV or XLSX, up to 200 MB). All or nothing
/// unless `partial=true`: a refused file answers 422 with the same shape
/// and `summary.applied = false`, and nothing is written.
#[utoipa::path(post, path = "/api/v1/imports", tag = "portfolio", operation_id = "import_receivables", params(ImportParams),
    request_body(content = crate::api::FileBody, content_type = "text/csv", description = "The file (CSV, or XLSX with format=xlsx)"),
    responses((status = 200, body = ImportResultDto), (status = 422, body = ImportResultDto, description = "Refused; nothing written"),
        (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn import(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: Body,
) -> Result<Response, ApiError> {
    p.require(Role::Supervisor)?;
    let raw = q
        .creditor
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AppError::invalid("creditor", "missing ?creditor=<id or CNPJ>"))?;
    let c = creditor_named(&state, p.org_id, raw).await?;
    let ext = file_kind(q.format.as_deref(), q.file_name.as_deref())?.extension();
    let file_name = match q.file_name {
        Some(n) if FileName::ends_with(&n, ext) => n,
        Some(n) => format!("{n}.{ext}"),
        None => format!("api.{ext}"),
    };
    let Some(spool) = spool_body(body).await? else {
        return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    let req = ImportRequest {
        org_id: p.org_id,
        creditor_id: c.id,
        creditor_name: c.name,
        file_name,
        partial: q.partial,
        reversals: Reversals::accepted_if(q.reversals),
        actor: p.actor,
    };
    let progress = imports::Progress::default();
    let out: ImportOutcome = imports::run(&state, &req, spool, &progress).await?;
    let status = if out.summary.applied {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Json(ImportResultDto {
            summary: out.summary,
            problems: out.problems,
        }),
    )
        .into_response())
}

struct FileName;
impl FileName {
    fn ends_with(name: &str, ext: &str) -> bool {
        name.to_ascii_lowercase().ends_with(&format!(".{ext}"))
    }
}
