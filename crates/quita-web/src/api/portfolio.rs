//! The portfolio API: creditors, import, aging, debtors (search and 360°)
//! and the debt update of a receivable.

use axum::{
    Json,
    body::{Body, HttpBody as _},
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use quita_app::{
    AppError,
    portfolio::{
        closing::Closing,
        import::{ImportOutcome, ImportSummary, RowProblem},
    },
};
use quita_core::{aging::AgingBuckets, charge_policy::ChargePolicy, role::Role};
use quita_store::portfolio::{
    access::AccessChannel, contacts::ContactRow, creditors::Creditor, debtors::DebtorRow,
    receivables::ReceivableRow,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use super::{ApiJson, path_id};
use crate::{
    AppState,
    auth::ApiPrincipal,
    error::ApiError,
    format,
    imports::{self, ImportRequest, Spool},
    pages::{devedores, relatorios},
};

/// A creditor (carteira) and its charge policy.
#[derive(Serialize, ToSchema)]
pub struct CreditorDto {
    pub id: i64,
    pub name: String,
    /// CNPJ (or CPF) characters, no punctuation.
    pub document: String,
    /// `late_fine`, `default_interest_monthly` (percent per month),
    /// `interest_mode` (`simple`/`compound`), `correction` (`none`, `ipca`,
    /// `table:NAME`), `collection_fee`, `grace_days`, `consumer_relation`,
    /// `consumer_fine_cap`; rates are decimal strings in percent.
    #[schema(value_type = Object)]
    pub policy: ChargePolicy,
}

impl From<Creditor> for CreditorDto {
    fn from(c: Creditor) -> Self {
        Self {
            id: c.id,
            name: c.name,
            document: c.document,
            policy: c.policy,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCreditorBody {
    pub name: String,
    /// CNPJ or CPF, with or without punctuation.
    pub document: String,
    /// Charge policy; missing fields take the defaults (nothing charged,
    /// consumer relation). In a consumer relation a `late_fine` above
    /// `consumer_fine_cap` (2 %, CDC art. 52, § 1º) is refused: 422 with
    /// `field` = `late_fine`.
    #[schema(value_type = Option<Object>)]
    pub policy: Option<ChargePolicy>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditorPatchBody {
    pub name: Option<String>,
    /// Policy fields to change; the others keep their current values. The
    /// resulting policy follows the rules of creation (a consumer's
    /// `late_fine` within `consumer_fine_cap`, else 422 naming `late_fine`).
    #[schema(value_type = Option<Object>)]
    pub policy: Option<serde_json::Value>,
}

/// The organization's creditors.
#[utoipa::path(get, path = "/api/v1/creditors", tag = "portfolio",
    responses((status = 200, body = [CreditorDto]), (status = 401, body = crate::error::Problem)))]
pub async fn creditors(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Vec<CreditorDto>>, ApiError> {
    p.require(Role::Viewer)?;
    Ok(Json(
        state
            .app
            .creditors(p.org_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates a creditor (admin).
#[utoipa::path(post, path = "/api/v1/creditors", tag = "portfolio", request_body = NewCreditorBody,
    responses((status = 201, body = CreditorDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_creditor(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    body: ApiJson<NewCreditorBody>,
) -> Result<(StatusCode, Json<CreditorDto>), ApiError> {
    p.require(Role::Admin)?;
    let b = body.0;
    let policy = b.policy.unwrap_or_default();
    let c = state
        .app
        .add_creditor(&p, &b.name, &b.document, &policy)
        .await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// One creditor, by id or CNPJ.
#[utoipa::path(get, path = "/api/v1/creditors/{id}", tag = "portfolio", params(("id" = String, Path, description = "Creditor id or CNPJ/CPF")),
    responses((status = 200, body = CreditorDto), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn creditor(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
) -> Result<Json<CreditorDto>, ApiError> {
    p.require(Role::Viewer)?;
    Ok(Json(find_creditor(&state, p.org_id, &raw).await?.into()))
}

async fn find_creditor(state: &AppState, org_id: i64, raw: &str) -> Result<Creditor, ApiError> {
    match state.app.find_creditor(org_id, raw).await {
        Err(AppError::Invalid { .. }) => Err(ApiError(AppError::NotFound)),
        other => Ok(other?),
    }
}

/// Changes a creditor's name or charge policy (admin).
#[utoipa::path(patch, path = "/api/v1/creditors/{id}", tag = "portfolio", request_body = CreditorPatchBody,
    params(("id" = String, Path, description = "Creditor id or CNPJ/CPF")),
    responses((status = 200, body = CreditorDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn patch_creditor(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
    body: ApiJson<CreditorPatchBody>,
) -> Result<Json<CreditorDto>, ApiError> {
    p.require(Role::Admin)?;
    let c = find_creditor(&state, p.org_id, &raw).await?;
    let b = body.0;
    let policy = match b.policy {
        None => c.policy.clone(),
        Some(serde_json::Value::Object(changes)) => {
            let mut current = serde_json::to_value(&c.policy)
                .map_err(|e| ApiError(AppError::Internal(e.into())))?;
            if let Some(obj) = current.as_object_mut() {
                for (k, v) in changes {
                    if !obj.contains_key(&k) {
                        return Err(ApiError(AppError::invalid(
                            "policy",
                            format!("unknown field {k:?}"),
                        )));
                    }
                    obj.insert(k, v);
                }
            }
            serde_json::from_value(current).map_err(|e| ApiError(AppError::invalid("policy", e)))?
        }
        Some(_) => return Err(ApiError(AppError::invalid("policy", "expected an object"))),
    };
    let name = b.name.unwrap_or_else(|| c.name.clone());
    Ok(Json(
        state
            .app
            .update_creditor(&p, c.id, &name, &policy)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct ImportParams {
    /// Creditor id or CNPJ/CPF.
    creditor: Option<String>,
    /// Apply the valid rows even if some are bad (default: all or nothing).
    #[serde(default)]
    partial: bool,
    /// `csv` (default) or `xlsx`.
    format: Option<String>,
    /// The file's name, kept as the source of new contacts.
    file_name: Option<String>,
}

/// The outcome of an import: what was written and every refused value.
#[derive(Serialize, ToSchema)]
pub struct ImportResultDto {
    /// `rows`, `receivables_created`, `receivables_updated`, `unchanged`,
    /// `debtors_created`, `contacts_created`, `errors`, `warnings`, `elapsed_ms`, `applied`.
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
#[utoipa::path(post, path = "/api/v1/imports", tag = "portfolio", params(ImportParams),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The file (CSV, or XLSX with format=xlsx)"),
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
    let c = find_creditor(&state, p.org_id, raw).await?;
    let ext = match q.format.as_deref().unwrap_or("csv") {
        "csv" => "csv",
        "xlsx" => "xlsx",
        other => {
            return Err(ApiError(AppError::invalid(
                "format",
                format!("unknown format {other:?} (csv or xlsx)"),
            )));
        }
    };
    let file_name = match q.file_name {
        Some(n) if FileName::ends_with(&n, ext) => n,
        Some(n) => format!("{n}.{ext}"),
        None => format!("api.{ext}"),
    };
    let mut spool = Spool::new()?;
    let mut body = body;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = match frame {
            Ok(f) => f,
            // The outer middleware answers the bare 413 with the limit named.
            Err(e) if crate::error::is_over_limit(&e) => {
                return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response());
            }
            Err(e) => return Err(AppError::invalid("body", e).into()),
        };
        if let Ok(chunk) = frame.into_data() {
            spool.write(&chunk)?;
        }
    }
    if spool.size == 0 {
        return Err(ApiError(AppError::invalid("body", "empty file (0 bytes)")));
    }
    let req = ImportRequest {
        org_id: p.org_id,
        creditor_id: c.id,
        creditor_name: c.name,
        file_name,
        partial: q.partial,
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

#[derive(Deserialize, IntoParams)]
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
        Some(raw) => Some(find_creditor(&state, p.org_id, raw).await?.id),
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
pub struct DebtorSearch {
    /// What to search: an e-mail, CPF/CNPJ, phone or document number by
    /// prefix (document numbers ignoring case), or a name — those that
    /// start with it first, then those where each word given starts a word
    /// of the name, in any order, ignoring case and accents. Without it,
    /// every debtor is listed by name, one page at a time.
    q: Option<String>,
    /// The `next` of the previous page (listing only).
    after: Option<String>,
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
    /// Cursor for the next page (`?after=`); null on the last page and for searches.
    pub next: Option<String>,
    /// The search found more debtors than `limit` (refine it to see them);
    /// always false for a page of the list, which has `next` instead.
    pub truncated: bool,
}

/// Lists the organization's debtors by name then id with keyset paging
/// (`after` = the previous page's `next`), or searches them with `q` (agent).
#[utoipa::path(get, path = "/api/v1/debtors", tag = "portfolio", params(DebtorSearch),
    responses((status = 200, body = DebtorListDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn debtors(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<DebtorSearch>,
) -> Result<Json<DebtorListDto>, ApiError> {
    p.require(Role::Agent)?;
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let query = q.q.as_deref().map(str::trim).unwrap_or("");
    if !query.is_empty() {
        let found = state.app.debtor_search(p.org_id, query, limit).await?;
        return Ok(Json(DebtorListDto {
            debtors: with_balances(&state, &p, &found.debtors).await?,
            next: None,
            truncated: found.truncated,
        }));
    }
    let after = match q.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
            AppError::invalid("after", "invalid cursor (use the previous page's next)")
        })?),
        None => None,
    };
    let page = state.app.debtors_page(&p, after, limit).await?;
    Ok(Json(DebtorListDto {
        debtors: with_balances(&state, &p, &page.debtors).await?,
        next: page.next.map(|n| n.to_string()),
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

#[derive(Serialize, ToSchema)]
pub struct ContactDto {
    pub id: i64,
    /// `phone`, `email` or `address`.
    pub kind: String,
    pub value: String,
    pub whatsapp: bool,
    pub workplace: bool,
    pub uf: Option<String>,
    pub city: Option<String>,
    pub cep: Option<String>,
    pub source: String,
    pub source_date: String,
    /// `unverified`, `valid` or `invalid`.
    pub status: String,
    pub invalid_reason: Option<String>,
    /// Opted-out channels (`voice`, `sms`, `whatsapp`, `email`, `letter`).
    pub opt_out: Vec<String>,
}

impl From<&ContactRow> for ContactDto {
    fn from(c: &ContactRow) -> Self {
        let set =
            quita_core::contact::ChannelSet::from_bits(u8::try_from(c.opt_out & 0xff).unwrap_or(0));
        Self {
            id: c.id,
            kind: c.kind.clone(),
            value: c.value.clone(),
            whatsapp: c.whatsapp,
            workplace: c.workplace,
            uf: c.uf.clone(),
            city: c.city.clone(),
            cep: c.cep.clone(),
            source: c.source.clone(),
            source_date: c.source_date.to_string(),
            status: c.status.clone(),
            invalid_reason: c.invalid_reason.clone(),
            opt_out: set.iter().map(|ch| ch.as_str().to_owned()).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReceivableDto {
    pub id: i64,
    pub creditor_id: i64,
    pub debtor_id: i64,
    pub contract_id: Option<i64>,
    pub document_number: String,
    pub installment: i64,
    pub installments: Option<i64>,
    pub issue_date: Option<String>,
    pub due_date: String,
    pub adjusted_due_date: String,
    pub original_amount: String,
    pub open_balance: String,
    /// `open`, `partially_paid`, `paid`, `renegotiated`, `cancelled`, `written_off`.
    pub status: String,
    /// Why it was cancelled or written off by hand; null otherwise (also
    /// when an import settled it).
    pub closed_reason: Option<String>,
    /// When it was closed by hand (RFC 3339, UTC); null otherwise.
    pub closed_at: Option<String>,
}

impl From<&ReceivableRow> for ReceivableDto {
    fn from(r: &ReceivableRow) -> Self {
        use quita_core::money::Money;
        Self {
            id: r.id,
            creditor_id: r.creditor_id,
            debtor_id: r.debtor_id,
            contract_id: r.contract_id,
            document_number: r.document_number.clone(),
            installment: r.installment,
            installments: r.installments,
            issue_date: r.issue_date.map(|d| d.to_string()),
            due_date: r.due_date.to_string(),
            adjusted_due_date: r.adjusted_due_date.to_string(),
            original_amount: Money::from_centavos(r.original_amount).to_string(),
            open_balance: Money::from_centavos(r.open_balance).to_string(),
            status: r.status.as_str().to_owned(),
            closed_reason: r.closed_reason.clone(),
            closed_at: r.closed_at.map(|t| t.to_string()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReceivableWithUpdateDto {
    pub creditor_name: String,
    #[serde(flatten)]
    pub receivable: ReceivableDto,
    /// The debt update on the view's date with its calculation memory
    /// (`lines`: label, base, rate, days, amount; `warnings`: pt-BR
    /// sentences the amounts alone do not say, always present, often
    /// empty); null when not collectable.
    #[schema(value_type = Option<Object>)]
    pub update: Option<quita_core::debt_update::DebtUpdate>,
    /// Why a collectable receivable's `update` is null; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_problem: Option<UpdateProblemDto>,
}

/// Why an updated amount could not be computed.
#[derive(Serialize, ToSchema)]
pub struct UpdateProblemDto {
    /// `missing_index_table` (the terms correct by an index without a
    /// table: import it with `PUT /api/v1/index-tables/{name}`),
    /// `index_month_missing` (the table lacks a month of the period) or
    /// `not_computable`.
    pub code: String,
    /// The index table's name (`ipca`), when the problem is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// The month missing from the table (`2025-03`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    pub detail: String,
}

impl From<&quita_app::portfolio::debtors::UpdateProblem> for UpdateProblemDto {
    fn from(p: &quita_app::portfolio::debtors::UpdateProblem) -> Self {
        use quita_app::portfolio::debtors::UpdateProblem;
        Self {
            code: p.code().to_owned(),
            index: p.index().map(str::to_owned),
            month: match p {
                UpdateProblem::IndexMonthMissing { month, .. } => Some(month.to_string()),
                _ => None,
            },
            detail: p.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Debtor360Dto {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// CPF/CNPJ digits (the full document; agents and above).
    pub document: String,
    pub document_masked: String,
    pub deceased: bool,
    pub do_not_contact: bool,
    pub over_indebtedness: bool,
    pub dispute: bool,
    pub tags: Vec<String>,
    /// The date amounts are updated to.
    pub on: String,
    pub contacts: Vec<ContactDto>,
    pub receivables: Vec<ReceivableWithUpdateDto>,
    /// Per creditor: `creditor_id`, `creditor_name`, `count`, `open_balance`,
    /// `updated_amount`, `not_updated` (receivables without an updated
    /// amount, counted at their open balance).
    #[schema(value_type = Vec<Object>)]
    pub totals: Vec<quita_app::portfolio::debtors::CreditorTotal>,
    /// The debtor's contracts with their effective terms and receivables.
    pub contracts: Vec<ContractDto>,
    /// Ids of the receivables under no contract (the creditor's policy applies).
    pub receivables_without_contract: Vec<i64>,
}

/// A contract and the terms in force for its receivables.
#[derive(Serialize, ToSchema)]
pub struct ContractDto {
    pub id: i64,
    pub number: String,
    /// `one_off`, `installment_plan` (crediário) or `recurring`.
    pub kind: String,
    pub creditor_id: i64,
    pub creditor_name: String,
    pub product: Option<String>,
    pub start_date: Option<String>,
    /// First and last due date of its receivables.
    pub first_due_date: Option<String>,
    pub last_due_date: Option<String>,
    pub open_balance: String,
    /// Each of `late_fine`, `default_interest_monthly`, `interest_mode`,
    /// `correction`, `collection_fee`, `grace_days` is `{value, origin}` with
    /// origin `contract` (agreed in the contract) or `creditor` (the
    /// creditor's policy); plus `fine_capped` and `collection_fee_allowed`.
    #[schema(value_type = Object)]
    pub terms: quita_app::portfolio::contracts::EffectiveTerms,
    pub receivable_ids: Vec<i64>,
}

impl ContractDto {
    fn of(
        k: &quita_app::portfolio::debtors::ContractView,
        v: &quita_app::portfolio::debtors::Debtor360,
    ) -> Self {
        let c = &k.contract;
        Self {
            id: c.id,
            number: c.number.clone(),
            kind: c.kind.as_str().to_owned(),
            creditor_id: c.creditor_id,
            creditor_name: k.creditor_name.clone(),
            product: c.product.clone(),
            start_date: c.starts_on.map(|d| d.to_string()),
            first_due_date: k.first_due.map(|d| d.to_string()),
            last_due_date: k.last_due.map(|d| d.to_string()),
            open_balance: k.open_balance.to_string(),
            terms: k.terms.clone(),
            receivable_ids: k
                .receivables
                .iter()
                .filter_map(|i| v.receivables.get(*i))
                .map(|r| r.receivable.id)
                .collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct OnParams {
    /// Date to update amounts to (`2026-03-15`); today when missing.
    on: Option<String>,
}

async fn date_or_today(
    state: &AppState,
    p: &quita_app::auth::Principal,
    raw: Option<&str>,
) -> Result<jiff::civil::Date, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Ok(format::parse_date(raw)
            .ok_or_else(|| AppError::invalid("on", "expected a date such as 2026-03-15"))?),
        None => Ok(state.app.today_for(p).await?),
    }
}

/// Everything about one debtor: identity, contacts, contracts with their
/// effective terms, receivables with their updated amounts, totals by
/// creditor (agent). Each call is recorded in the debtor's access log (LGPD).
#[utoipa::path(get, path = "/api/v1/debtors/{id}", tag = "portfolio", params(("id" = i64, Path, description = "Debtor id"), OnParams),
    responses((status = 200, body = Debtor360Dto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn debtor(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<OnParams>,
) -> Result<Json<Debtor360Dto>, ApiError> {
    p.require(Role::Agent)?;
    let id = path_id(&raw)?;
    let on = date_or_today(&state, &p, q.on.as_deref()).await?;
    let v = state
        .app
        .open_debtor_360(&p, id, on, AccessChannel::Api)
        .await?;
    let base = DebtorDto::from(&v.debtor);
    let contracts = v.contracts.iter().map(|k| ContractDto::of(k, &v)).collect();
    let receivables_without_contract = v
        .without_contract
        .iter()
        .filter_map(|i| v.receivables.get(*i))
        .map(|r| r.receivable.id)
        .collect();
    Ok(Json(Debtor360Dto {
        id: base.id,
        name: base.name,
        kind: base.kind,
        document: v.debtor.document.clone(),
        document_masked: base.document_masked,
        deceased: base.deceased,
        do_not_contact: base.do_not_contact,
        over_indebtedness: base.over_indebtedness,
        dispute: base.dispute,
        tags: base.tags,
        on: v.on.to_string(),
        contacts: v.contacts.iter().map(ContactDto::from).collect(),
        receivables: v
            .receivables
            .into_iter()
            .map(|r| ReceivableWithUpdateDto {
                creditor_name: r.creditor_name,
                receivable: ReceivableDto::from(&r.receivable),
                update: r.update,
                update_problem: r.update_problem.as_ref().map(UpdateProblemDto::from),
            })
            .collect(),
        totals: v.totals,
        contracts,
        receivables_without_contract,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct AccessParams {
    /// Only accesses older than this id (keyset, from the previous page).
    before: Option<i64>,
    /// At most this many (1–500, default 50).
    limit: Option<i64>,
}

/// One recorded opening of a debtor's 360° view.
#[derive(Serialize, ToSchema)]
pub struct AccessDto {
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// `user`, `token`, `cli` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    /// The user's or token's name.
    pub actor_name: Option<String>,
    /// `web` or `api`.
    pub channel: String,
}

/// Who opened this debtor's 360° view, when and through which channel,
/// newest first (supervisor and admin): the LGPD access log.
#[utoipa::path(get, path = "/api/v1/debtors/{id}/accesses", tag = "portfolio", params(("id" = i64, Path, description = "Debtor id"), AccessParams),
    responses((status = 200, body = [AccessDto]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn debtor_accesses(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<AccessParams>,
) -> Result<Json<Vec<AccessDto>>, ApiError> {
    p.require(Role::Supervisor)?;
    let id = path_id(&raw)?;
    let rows = state
        .app
        .debtor_accesses(&p, id, q.before, q.limit.unwrap_or(50))
        .await?;
    Ok(Json(
        rows.iter()
            .map(|a| {
                let (kind, actor_id) = (a.actor.kind(), a.actor.id());
                AccessDto {
                    id: a.id,
                    at: a.at.to_string(),
                    actor_kind: kind.to_owned(),
                    actor_id,
                    actor_name: a.actor_name.clone(),
                    channel: a.channel.as_str().to_owned(),
                }
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ReceivableUpdateDto {
    pub receivable: ReceivableDto,
    /// `principal`, `monetary_correction`, `corrected_principal`, `late_fine`,
    /// `default_interest`, `collection_fee`, `payments`, `total`, `days_late`,
    /// `due_date`, `adjusted_due_date`, `on`, `lines` [{kind, label, base, rate, days, amount}],
    /// `warnings` [pt-BR sentence, …] (always present, empty when none): an index table
    /// ending more than two months before the month of `on` that leaves months of the period
    /// at 0 %, however few (naming them and the table's last month), deflation floored at
    /// zero, a collection fee charged in a consumer relation (CDC art. 51, XII).
    #[schema(value_type = Object)]
    pub update: quita_core::debt_update::DebtUpdate,
}

/// The debt update of one receivable on a date, with its calculation memory (agent).
/// Only a receivable still owed (open or partially paid) has one: a paid,
/// renegotiated, cancelled or written-off receivable is a 409 naming its status.
#[utoipa::path(get, path = "/api/v1/receivables/{id}/update", tag = "portfolio", params(("id" = i64, Path, description = "Receivable id"), OnParams),
    responses((status = 200, body = ReceivableUpdateDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn receivable_update(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<OnParams>,
) -> Result<Json<ReceivableUpdateDto>, ApiError> {
    p.require(Role::Agent)?;
    let id = path_id(&raw)?;
    let on = date_or_today(&state, &p, q.on.as_deref()).await?;
    let (r, u) = state.app.receivable_update(p.org_id, id, on).await?;
    Ok(Json(ReceivableUpdateDto {
        receivable: ReceivableDto::from(&r),
        update: u,
    }))
}

/// How to close a receivable by hand.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    /// `cancel` (issued in error, sale undone) or `write_off` (a loss).
    pub action: String,
    /// Why, kept on the receivable and in the audit log (up to 200 characters).
    pub reason: String,
}

impl CloseBody {
    /// Reads the body field by field, so that a missing or mistyped field
    /// (or one the body should not have) is a 422 naming it.
    fn parse(v: serde_json::Value) -> Result<Self, AppError> {
        let serde_json::Value::Object(fields) = v else {
            return Err(AppError::invalid(
                "body",
                "expected an object {\"action\": \"cancel\"|\"write_off\", \"reason\": \"…\"}",
            ));
        };
        if let Some(other) = fields
            .keys()
            .find(|k| !matches!(k.as_str(), "action" | "reason"))
        {
            return Err(AppError::invalid(
                "body",
                format!("unknown field {other:?} (expected action and reason)"),
            ));
        }
        let action = match fields.get("action") {
            Some(serde_json::Value::String(raw)) => raw.clone(),
            None | Some(serde_json::Value::Null) => {
                return Err(AppError::invalid(
                    "action",
                    "missing action (cancel or write_off)",
                ));
            }
            Some(_) => {
                return Err(AppError::invalid(
                    "action",
                    "expected a string: cancel or write_off",
                ));
            }
        };
        let reason = match fields.get("reason") {
            Some(serde_json::Value::String(raw)) => raw.clone(),
            // Blank and missing alike: the use case says what a reason needs.
            None | Some(serde_json::Value::Null) => String::new(),
            Some(_) => return Err(AppError::invalid("reason", "expected a string")),
        };
        Ok(Self { action, reason })
    }

    fn closing(&self) -> Result<Closing, AppError> {
        Closing::parse(&self.action).ok_or_else(|| {
            AppError::invalid(
                "action",
                format!("unknown action {:?} (cancel or write_off)", self.action),
            )
        })
    }
}

/// Closes a receivable by hand: cancels it (issued in error, sale undone)
/// or writes it off as a loss, with the reason (supervisor; audited). Only
/// an open or partially paid receivable closes (409 otherwise); it leaves
/// the aging list and the cadence.
#[utoipa::path(post, path = "/api/v1/receivables/{id}/close", tag = "portfolio",
    params(("id" = i64, Path, description = "Receivable id")), request_body = CloseBody,
    responses((status = 200, body = ReceivableDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn close_receivable(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
    body: ApiJson<serde_json::Value>,
) -> Result<Json<ReceivableDto>, ApiError> {
    p.require(Role::Supervisor)?;
    let id = path_id(&raw)?;
    let b = CloseBody::parse(body.0)?;
    let row = state
        .app
        .close_receivable(&p, id, None, b.closing()?, &b.reason)
        .await?;
    Ok(Json(ReceivableDto::from(&row)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(json: &str) -> Result<(Closing, String), String> {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        let read = CloseBody::parse(v).and_then(|b| Ok((b.closing()?, b.reason)));
        read.map_err(|e| match e {
            AppError::Invalid { field, .. } => field.to_owned(),
            other => panic!("{other:?}"),
        })
    }

    #[test]
    fn close_bodies_name_the_field_at_fault() {
        assert_eq!(
            close(r#"{"action": "write_off", "reason": "falência"}"#),
            Ok((Closing::WriteOff, "falência".to_owned()))
        );
        assert_eq!(
            close(r#"{"action": "cancel"}"#),
            Ok((Closing::Cancel, String::new()))
        );
        for (bad, field) in [
            (r#"{"action": "pay", "reason": "x"}"#, "action"),
            (r#"{"reason": "x"}"#, "action"),
            (r#"{"action": 1, "reason": "x"}"#, "action"),
            (r#"{"action": "cancel", "reason": 7}"#, "reason"),
            (
                r#"{"action": "cancel", "reason": "x", "when": "now"}"#,
                "body",
            ),
            (r#"["cancel"]"#, "body"),
        ] {
            assert_eq!(close(bad), Err(field.to_owned()), "{bad}");
        }
    }
}
