//! The aging list and the drill-down to a bucket's receivables.

use axum::{
    Json,
    extract::{Path, State},
    response::{IntoResponse, Response},
};
use quita_app::{AppError, auth::Principal, portfolio::aging::AgingQuery};
use quita_core::{aging::AgingBuckets, money::Money, role::Role};
use quita_store::portfolio::Keyset;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
    let query = resolve(&state, &p, [&q.creditor, &q.as_of, &q.buckets, &q.debtor]).await?;
    let by_creditor = match q.by.as_deref().map(str::trim) {
        None | Some("") => false,
        Some("creditor") => true,
        Some("debtor") => {
            return Err(ApiError(AppError::invalid(
                "by",
                "the aging by debtor is paged apart: GET /api/v1/aging/debtors",
            )));
        }
        Some(other) => {
            return Err(ApiError(AppError::invalid(
                "by",
                format!("unknown breakdown {other:?} (creditor)"),
            )));
        }
    };
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

/// The aging's filters (creditor, as-of date, buckets, debtor) as the
/// query parameters give them, resolved within the caller's organization.
pub(super) async fn resolve(
    state: &AppState,
    p: &Principal,
    [creditor, as_of, buckets, debtor]: [&Option<String>; 4],
) -> Result<AgingQuery, ApiError> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let creditor = match given(creditor) {
        Some(raw) => Some(creditor_named(state, p.org_id, &raw).await?.id),
        None => None,
    };
    let as_of = match given(as_of) {
        Some(raw) => Some(
            format::parse_date(&raw)
                .map_err(|e| AppError::invalid("as_of", format::date_problem_en(e, &raw)))?,
        ),
        None => None,
    };
    let buckets = match given(buckets) {
        Some(spec) => AgingBuckets::parse(&spec).map_err(|e| AppError::invalid("buckets", e))?,
        None => AgingBuckets::default(),
    };
    let debtor = match given(debtor) {
        // Looking a debtor up by CPF/CNPJ is opening the debtor, which a
        // viewer does not.
        Some(_) if !p.role.allows(Role::Agent) => return Err(AppError::Forbidden.into()),
        Some(raw) => Some(state.app.find_debtor(p.org_id, &raw).await?.id),
        None => None,
    };
    Ok(relatorios::aging_query(state, p, (creditor, debtor), as_of, buckets).await?)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BucketParams {
    /// Creditor id or CNPJ; all creditors when missing.
    creditor: Option<String>,
    /// As-of date (`2026-03-15` or `15/03/2026`); today in the organization's zone when missing.
    as_of: Option<String>,
    /// Buckets, as for `/api/v1/aging`; the index in the path counts in them.
    buckets: Option<String>,
    /// Debtor id or CPF/CNPJ: that debtor's receivables only.
    debtor: Option<String>,
    /// Keyset: the `next_after` of the previous page; from the start when missing.
    after: Option<i64>,
    /// Keyset, backwards: the `previous_before` of the current page, for
    /// the page before it (not with `after`).
    before: Option<i64>,
    /// Receivables per page, 1 to 1000 (default 200).
    limit: Option<i64>,
}

/// One receivable of a bucket.
#[derive(Serialize, ToSchema)]
pub struct BucketReceivable {
    id: i64,
    creditor_id: i64,
    /// Null for a viewer, who sees the portfolio, not whom it is owed by.
    debtor_id: Option<i64>,
    /// Null for a viewer.
    debtor_name: Option<String>,
    /// CPF/CNPJ formatted; masked (`***.982.247-**`) for an agent: a
    /// bucket's CPFs in bulk are for supervisors and up, as in its CSV.
    /// Null for a viewer.
    debtor_document: Option<String>,
    contract_number: Option<String>,
    document_number: String,
    installment: i64,
    installments: Option<i64>,
    /// `aaaa-mm-dd`.
    due_date: String,
    /// The due date moved to the next business day; days past due count from it.
    adjusted_due_date: String,
    /// 0 when not yet due.
    days_past_due: i64,
    original_amount: String,
    open_balance: String,
    /// The debt update on `as_of`; null when it cannot be worked out (an
    /// index table lacking the months).
    updated_amount: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BucketPage {
    /// The bucket's name (`31-60`).
    bucket: String,
    /// `aaaa-mm-dd`.
    as_of: String,
    receivables: Vec<BucketReceivable>,
    /// Pass as `after` for the next page; null on the last one.
    next_after: Option<i64>,
    /// Pass as `before` for the previous page; null on the first one.
    previous_before: Option<i64>,
}

/// The receivables of one aging bucket (by its index in `buckets`, from 0),
/// most overdue first, a page at a time, each with its updated amount
/// (viewer, without the debtors).
#[utoipa::path(get, path = "/api/v1/aging/buckets/{index}/receivables", tag = "portfolio",
    params(("index" = usize, Path, description = "Bucket index, from 0 (`current`)"), BucketParams),
    responses((status = 200, body = BucketPage), (status = 401, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn bucket_receivables(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<BucketParams>,
) -> Result<Json<BucketPage>, ApiError> {
    p.require(Role::Viewer)?;
    let query = resolve(&state, &p, [&q.creditor, &q.as_of, &q.buckets, &q.debtor]).await?;
    let index: usize = raw
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("index", "the bucket index is a whole number from 0"))?;
    let bucket = query
        .buckets
        .label(index)
        .ok_or_else(|| {
            let n = query.buckets.labels().count();
            AppError::invalid(
                "index",
                format!("there are {n} buckets: the index goes from 0 to {}", n - 1),
            )
        })?
        .to_owned();
    let limit = crate::api::page_limit(q.limit, 200, 1000)?;
    let cursor = match (q.after, q.before) {
        (Some(_), Some(_)) => {
            return Err(AppError::invalid("before", "give after or before, not both").into());
        }
        (_, Some(before)) => Keyset::Before(before),
        (after, None) => Keyset::After(after.unwrap_or(0)),
    };
    let page = state
        .app
        .aging_drill_down(p.org_id, &query, index, cursor, limit)
        .await?;
    let lines = page.lines;
    let shown = relatorios::DebtorShown::to(p.role);
    let as_of_day = quita_store::day_number(query.as_of);
    let receivables = lines
        .into_iter()
        .map(|d| {
            let r = d.line.receivable;
            BucketReceivable {
                id: r.id,
                creditor_id: r.creditor_id,
                debtor_id: (shown != relatorios::DebtorShown::Hidden).then_some(r.debtor_id),
                debtor_document: shown.document(&d.line.debtor_document),
                debtor_name: (shown != relatorios::DebtorShown::Hidden)
                    .then_some(d.line.debtor_name),
                contract_number: d.line.contract_number,
                document_number: r.document_number,
                installment: r.installment,
                installments: r.installments,
                due_date: r.due_date.to_string(),
                adjusted_due_date: r.adjusted_due_date.to_string(),
                days_past_due: (as_of_day - quita_store::day_number(r.adjusted_due_date)).max(0),
                original_amount: Money::from_centavos(r.original_amount).to_string(),
                open_balance: Money::from_centavos(r.open_balance).to_string(),
                updated_amount: d.updated.map(|m| m.to_string()),
            }
        })
        .collect();
    Ok(Json(BucketPage {
        bucket,
        as_of: query.as_of.to_string(),
        receivables,
        next_after: page.next,
        previous_before: page.previous,
    }))
}
