//! The aging by debtor: each debtor's open balance by bucket, the largest
//! overdue balance first, a page at a time.

use axum::{Json, extract::State};
use quita_app::{
    AppError,
    portfolio::debtor_aging::{DebtorAgingFrom, DebtorAgingKey},
};
use quita_core::role::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::aging::resolve;
use crate::api::ApiQuery;
use crate::{AppState, auth::ApiPrincipal, error::ApiError, pages::relatorios};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DebtorAgingParams {
    /// Creditor id or CNPJ; all creditors when missing.
    creditor: Option<String>,
    /// As-of date (`2026-03-15` or `15/03/2026`); today in the organization's zone when missing.
    as_of: Option<String>,
    /// Buckets, as for `/api/v1/aging` (at most 12).
    buckets: Option<String>,
    /// The `next_after` of the previous page; from the start when missing.
    after: Option<String>,
    /// The `previous_before` of the current page, for the page before it
    /// (not with `after`).
    before: Option<String>,
    /// Debtors per page, 1 to 1000 (default 100).
    limit: Option<i64>,
}

/// One bucket of a debtor's line.
#[derive(Serialize, ToSchema)]
pub struct DebtorBucket {
    /// The bucket's name (`31-60`).
    bucket: String,
    open_balance: String,
}

/// One debtor's collectable receivables in the aging.
#[derive(Serialize, ToSchema)]
pub struct DebtorAgingLine {
    debtor_id: i64,
    name: String,
    /// CPF/CNPJ formatted; masked (`***.982.247-**`) for an agent, as in a
    /// bucket's receivables.
    document: String,
    /// Collectable receivables.
    count: i64,
    original_amount: String,
    open_balance: String,
    /// Open balance already past due on `as_of`.
    overdue_balance: String,
    /// Of the oldest receivable, from its business-day-adjusted due date; 0 when none is due yet.
    days_past_due: i64,
    /// The oldest adjusted due date, `aaaa-mm-dd`.
    oldest_due: String,
    buckets: Vec<DebtorBucket>,
}

#[derive(Serialize, ToSchema)]
pub struct DebtorAgingPage {
    /// `aaaa-mm-dd`.
    as_of: String,
    debtors: Vec<DebtorAgingLine>,
    /// Pass as `after` for the next page; null on the last one.
    next_after: Option<String>,
    /// Pass as `before` for the previous page; null on the first one.
    previous_before: Option<String>,
    /// Debtors in the whole list (0 on an empty page). Each page is read
    /// when asked: a debtor whose overdue balance changed between pages
    /// may move.
    debtor_count: i64,
}

/// The aging by debtor: each debtor with collectable receivables, the
/// largest overdue balance first (then by id), with its open balance per
/// bucket (agent). The lines add up to `/api/v1/aging`'s counts and balances.
#[utoipa::path(get, path = "/api/v1/aging/debtors", tag = "portfolio", params(DebtorAgingParams),
    responses((status = 200, body = DebtorAgingPage), (status = 401, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn debtor_aging(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<DebtorAgingParams>,
) -> Result<Json<DebtorAgingPage>, ApiError> {
    p.require(Role::Agent)?;
    let query = resolve(&state, &p, [&q.creditor, &q.as_of, &q.buckets, &None]).await?;
    let limit = crate::api::page_limit(q.limit, 100, 1000)?;
    let key = |field: &'static str, raw: &str| {
        DebtorAgingKey::parse(raw).ok_or_else(|| {
            AppError::invalid(
                field,
                "not a cursor: give the next_after or previous_before of a page",
            )
        })
    };
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let from = match (given(&q.after), given(&q.before)) {
        (Some(_), Some(_)) => {
            return Err(AppError::invalid("before", "give after or before, not both").into());
        }
        (Some(a), None) => DebtorAgingFrom::After(key("after", &a)?),
        (None, Some(b)) => DebtorAgingFrom::Before(key("before", &b)?),
        (None, None) => DebtorAgingFrom::Start,
    };
    let page = state
        .app
        .aging_by_debtor(p.org_id, &query, from, limit)
        .await?;
    let shown = relatorios::DebtorShown::to(p.role);
    let debtors = page
        .lines
        .into_iter()
        .map(|l| DebtorAgingLine {
            debtor_id: l.debtor_id,
            // Agents and up only: never hidden here.
            document: shown.document(&l.document).unwrap_or_default(),
            name: l.name,
            count: l.count,
            original_amount: l.original_amount.to_string(),
            open_balance: l.open_balance.to_string(),
            overdue_balance: l.overdue_balance.to_string(),
            days_past_due: l.days_past_due.max(0),
            oldest_due: l.oldest_due.to_string(),
            buckets: query
                .buckets
                .labels()
                .zip(&l.by_bucket)
                .map(|(b, m)| DebtorBucket {
                    bucket: b.to_owned(),
                    open_balance: m.to_string(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(DebtorAgingPage {
        as_of: query.as_of.to_string(),
        debtors,
        next_after: page.next.map(|n| n.to_string()),
        previous_before: page.previous.map(|n| n.to_string()),
        debtor_count: page.debtors,
    }))
}
