//! The aging list.

use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use quita_app::AppError;
use quita_core::{aging::AgingBuckets, role::Role};
use serde::Deserialize;
use utoipa::IntoParams;

use super::creditors::creditor_named;
use crate::api::ApiQuery;
use crate::{AppState, auth::ApiPrincipal, error::ApiError, format, pages::relatorios};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgingParams {
    /// Creditor id or CNPJ; all creditors when missing.
    creditor: Option<String>,
    /// As-of date (`2026-03-15` or `15/03/2026`); today in the organization's zone when missing.
    as_of: Option<String>,
    /// Buckets, e.g. `current,1-30,31-60,61-90,91-180,181-360,361+` (the default) or `30,60,90`.
    buckets: Option<String>,
    /// Debtor id or CPF/CNPJ: that debtor's aging only.
    debtor: Option<String>,
    /// `creditor`: adds `by_creditor`, each creditor's own report.
    by: Option<String>,
}

/// The aging list: open balance by days-past-due bucket (viewer).
#[utoipa::path(get, path = "/api/v1/aging", tag = "portfolio", params(AgingParams),
    responses((status = 200, body = Object, description = "{as_of, buckets: [{bucket, count, original_amount, open_balance, updated_amount}], total, not_updated} and, with by=creditor, by_creditor: [{creditor_id, name, as_of, buckets, total, not_updated}]"),
        (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn aging(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<AgingParams>,
) -> Result<Response, ApiError> {
    p.require(Role::Viewer)?;
    let creditor = match q
        .creditor
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => Some(creditor_named(&state, p.org_id, raw).await?.id),
        None => None,
    };
    let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(
            format::parse_date(raw)
                .ok_or_else(|| AppError::invalid("as_of", "expected a date such as 2026-03-15"))?,
        ),
        None => None,
    };
    let buckets = match q
        .buckets
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(spec) => AgingBuckets::parse(spec).map_err(|e| AppError::invalid("buckets", e))?,
        None => AgingBuckets::default(),
    };
    let debtor = match q.debtor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(state.app.find_debtor(p.org_id, raw).await?.id),
        None => None,
    };
    let by_creditor = match q.by.as_deref().map(str::trim) {
        None | Some("") => false,
        Some("creditor") => true,
        Some(other) => {
            return Err(ApiError(AppError::invalid(
                "by",
                format!("unknown breakdown {other:?} (creditor)"),
            )));
        }
    };
    let query = relatorios::aging_query(&state, &p, (creditor, debtor), as_of, buckets).await?;
    let report = state.app.aging(p.org_id, &query).await?;
    if by_creditor {
        let per = state.app.aging_by_creditor(p.org_id, &query).await?;
        let mut body = serde_json::to_value(&report).map_err(|e| AppError::Internal(e.into()))?;
        body["by_creditor"] =
            serde_json::to_value(&per).map_err(|e| AppError::Internal(e.into()))?;
        return Ok(Json(body).into_response());
    }
    Ok(Json(report).into_response())
}
