//! Debtors: search and the list with what each owes.

use axum::{Json, extract::State};
use quita_app::AppError;
use quita_core::role::Role;
use quita_store::portfolio::debtors::DebtorRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::ApiQuery;
use crate::{AppState, auth::ApiPrincipal, error::ApiError, pages::devedores};

/// A debtor in a search result (document masked).
#[derive(Serialize, ToSchema)]
pub struct DebtorDto {
    pub id: i64,
    pub name: String,
    /// `pf` or `pj`.
    pub kind: String,
    /// `***.982.247-**`.
    pub document_masked: String,
    pub deceased: bool,
    pub do_not_contact: bool,
    pub over_indebtedness: bool,
    pub dispute: bool,
    pub tags: Vec<String>,
}

impl From<&DebtorRow> for DebtorDto {
    fn from(d: &DebtorRow) -> Self {
        Self {
            id: d.id,
            name: d.name.clone(),
            kind: d.kind.clone(),
            document_masked: devedores::masked(&d.document),
            deceased: d.deceased,
            do_not_contact: d.do_not_contact,
            over_indebtedness: d.over_indebtedness,
            dispute: d.dispute,
            tags: d.tags.clone(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DebtorSearch {
    /// What to search: an e-mail, CPF/CNPJ, phone or document number by
    /// prefix (document numbers ignoring case), or a name — those that
    /// start with it first, then those where each word given starts a word
    /// of the name, in any order, ignoring case and accents, then (room
    /// left) those with an e-mail or a document number starting so. Without
    /// it, every debtor is listed by name, one page at a time.
    q: Option<String>,
    /// The `next_after` of the previous page (listing only).
    after: Option<String>,
    /// The `previous_before` of the current page, for the page before it (listing
    /// only; not with `after`).
    before: Option<String>,
    /// At most this many (1–100, default 20).
    limit: Option<i64>,
}

/// What a listed debtor owes today (in the organization's time zone).
#[derive(Serialize, ToSchema)]
pub struct DebtorBalanceDto {
    /// Open or partially paid receivables.
    pub open_receivables: i64,
    /// `"1234.56"`.
    pub open_balance: String,
    /// Days past due of the oldest of them, counted as the aging list does
    /// (from the business-day-adjusted due date); zero or less when none is
    /// past due yet.
    pub days_past_due: i64,
}

/// A debtor in a list or search result, with what it owes.
#[derive(Serialize, ToSchema)]
pub struct DebtorLineDto {
    #[serde(flatten)]
    pub debtor: DebtorDto,
    /// Null when nothing is collectable.
    pub balance: Option<DebtorBalanceDto>,
}

/// Debtors: a search result, or a page of the whole list by name.
#[derive(Serialize, ToSchema)]
pub struct DebtorListDto {
    pub debtors: Vec<DebtorLineDto>,
    /// Cursor for the next page (`?after=`); null on the last page and for
    /// searches. Named as the agings' cursors are.
    pub next_after: Option<String>,
    /// Cursor for the previous page (`?before=`); null on the first page and for searches.
    pub previous_before: Option<String>,
    /// The search found more debtors than `limit` (refine it to see them);
    /// always false for a page of the list, which has `next_after` instead.
    pub truncated: bool,
}

/// Lists the organization's debtors by name then id with keyset paging
/// (`after` = the previous page's `next_after`), or searches them with `q` (agent).
#[utoipa::path(get, path = "/api/v1/debtors", tag = "portfolio", params(DebtorSearch),
    responses((status = 200, body = DebtorListDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn debtors(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<DebtorSearch>,
) -> Result<Json<DebtorListDto>, ApiError> {
    p.require(Role::Agent)?;
    let limit = crate::api::page_limit(q.limit, 20, 100)?;
    let query = q.q.as_deref().map(str::trim).unwrap_or("");
    if !query.is_empty() {
        let found = state.app.debtor_search(p.org_id, query, limit).await?;
        return Ok(Json(DebtorListDto {
            debtors: with_balances(&state, &p, &found.debtors).await?,
            next_after: None,
            previous_before: None,
            truncated: found.truncated,
        }));
    }
    let cursor =
        devedores::cursor(q.after.as_deref(), q.before.as_deref()).map_err(|e| match e {
            devedores::BadCursor::NotAnId(field) => AppError::invalid(
                field,
                "invalid cursor (use the current page's next_after or previous_before)",
            ),
            devedores::BadCursor::Both => {
                AppError::invalid("before", "give after or before, not both")
            }
        })?;
    let page = state.app.debtors_page(&p, cursor, limit).await?;
    Ok(Json(DebtorListDto {
        debtors: with_balances(&state, &p, &page.debtors).await?,
        next_after: page.next.map(|n| devedores::cursor_text(n, page.read_at)),
        previous_before: page
            .previous
            .map(|n| devedores::cursor_text(n, page.read_at)),
        truncated: false,
    }))
}

/// The list's lines: each debtor with what it owes today (one query).
async fn with_balances(
    state: &AppState,
    p: &quita_app::auth::Principal,
    rows: &[DebtorRow],
) -> Result<Vec<DebtorLineDto>, ApiError> {
    let balances = state.app.debtor_balances_today(p, rows).await?;
    Ok(rows
        .iter()
        .map(|d| DebtorLineDto {
            debtor: DebtorDto::from(d),
            balance: balances.get(&d.id).map(|b| DebtorBalanceDto {
                open_receivables: b.open_receivables,
                open_balance: b.open_balance.to_string(),
                days_past_due: b.days_past_due,
            }),
        })
        .collect())
}
