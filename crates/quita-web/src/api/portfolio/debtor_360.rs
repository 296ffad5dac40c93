//! A debtor's 360° view: identity, contacts, contracts, receivables with
//! their updated amounts, and who opened it.

use axum::{
    Json,
    extract::{Path, State},
};
use quita_app::AppError;
use quita_core::role::Role;
use quita_store::portfolio::{
    access::AccessChannel, contacts::ContactRow, receivables::ReceivableRow,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::*;
use crate::api::{ApiQuery, path_id};
use crate::{AppState, auth::ApiPrincipal, error::ApiError, format};

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
    /// `index_month_missing` (the table lacks a month of the period),
    /// `not_yet_issued` (issued after `on`: not owed then, and left out of
    /// `totals`) or `not_computable`.
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
    pub contracts: Vec<DebtorContractDto>,
    /// Ids of the receivables under no contract (the creditor's policy applies).
    pub receivables_without_contract: Vec<i64>,
}

/// A contract and the terms in force for its receivables.
#[derive(Serialize, ToSchema)]
pub struct DebtorContractDto {
    pub id: i64,
    pub number: String,
    /// `one_off`, `installment_plan` (crediário) or `recurring`.
    pub kind: String,
    pub creditor_id: i64,
    pub creditor_name: String,
    pub product: Option<String>,
    /// As in the contract's body (`PUT …/contracts`).
    pub starts_on: Option<String>,
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

impl DebtorContractDto {
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
            starts_on: c.starts_on.map(|d| d.to_string()),
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
#[into_params(parameter_in = Query)]
pub struct OnParams {
    /// Date to update amounts to (`2026-03-15`); today when missing.
    pub(super) on: Option<String>,
}

pub(super) async fn date_or_today(
    state: &AppState,
    p: &quita_app::auth::Principal,
    raw: Option<&str>,
) -> Result<jiff::civil::Date, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Ok(format::parse_date(raw)
            .map_err(|e| AppError::invalid("on", format::date_problem_en(e, raw)))?),
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
    let contracts = v
        .contracts
        .iter()
        .map(|k| DebtorContractDto::of(k, &v))
        .collect();
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
#[into_params(parameter_in = Query)]
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
        .debtor_accesses(&p, id, q.before, crate::api::page_limit(q.limit, 50, 500)?)
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
