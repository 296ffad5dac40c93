//! Monetary-correction index tables (IPCA…): list them, import one.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
};
use quita_app::portfolio::index_tables::IndexTableInfo;
use quita_core::role::Role;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{AppState, auth::ApiPrincipal, error::ApiError};

/// One stored index table and what it covers.
#[derive(Serialize, ToSchema)]
pub struct IndexTableDto {
    /// Lower-case name: `ipca` (the policy's `correction: "ipca"`), or the
    /// NAME of `correction: "table:NAME"`.
    pub name: String,
    /// First and last month in the table (`2020-01`).
    pub first_month: String,
    pub last_month: String,
    /// Months present.
    pub months: usize,
    /// Months between the first and the last that the table lacks (a
    /// calculation over one of them fails).
    pub gaps: usize,
    /// When it was last imported (RFC 3339, UTC).
    pub updated_at: String,
}

impl From<IndexTableInfo> for IndexTableDto {
    fn from(t: IndexTableInfo) -> Self {
        Self {
            name: t.name,
            first_month: t.first_month.to_string(),
            last_month: t.last_month.to_string(),
            months: t.months,
            gaps: t.gaps,
            updated_at: t.updated_at.to_string(),
        }
    }
}

/// The organization's monetary-correction tables (viewer).
#[utoipa::path(get, path = "/api/v1/index-tables", tag = "portfolio", operation_id = "list_index_tables",
    responses((status = 200, body = [IndexTableDto]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Vec<IndexTableDto>>, ApiError> {
    Ok(Json(
        state
            .app
            .index_table_list(&p)
            .await?
            .into_iter()
            .map(IndexTableDto::from)
            .collect(),
    ))
}

/// Imports a monetary-correction table under a name (supervisor), replacing
/// the whole table of that name, as `quita index import NAME FILE`. The body
/// is the CSV text (UTF-8 or Windows-1252), one month per line:
/// `2026-01;0,42` (month; change in percent), an optional header, and
/// `fator`/`factor` as the second header for factors (`1.0042`). A table
/// that does not parse is refused with 422 naming the line, and nothing is
/// stored.
#[utoipa::path(put, path = "/api/v1/index-tables/{name}", tag = "portfolio", operation_id = "import_index_table",
    params(("name" = String, Path, description = "Table name: ipca, igp-m… (letters, digits, - or _; stored lower-case)")),
    request_body(content = String, content_type = "text/csv", description = "MONTH;PERCENT per line, e.g. 2026-01;0,42"),
    responses((status = 200, body = IndexTableDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem, description = "Bad name (`field: name`) or table (`field: content`, the detail names the line); nothing stored")))]
pub async fn import(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Json<IndexTableDto>, ApiError> {
    p.require(Role::Supervisor)?;
    let info = state
        .app
        .import_index_table(&p, &name, &body)
        .await
        .map_err(|e| ApiError(e.into()))?;
    Ok(Json(info.into()))
}
