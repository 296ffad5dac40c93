//! `POST /api/v1/debtors/{id}/contracts`: records a debtor's contract with
//! its agreed terms, the same use case (and validation) as the debtor page's
//! "Registrar contrato" form.

use axum::{
    Json,
    extract::{Path, State},
};
use quita_core::role::Role;
use quita_store::portfolio::contracts::ContractRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, path_id};
use crate::{
    AppState,
    auth::ApiPrincipal,
    error::ApiError,
    pages::contratos::{ContractForm, ContractPageForm},
};

/// A contract and the terms agreed in it. A term left out is not agreed:
/// the creditor's policy applies to it. Percentages as text (`"2"`, `"2,5"`
/// or `"2.5"`); dates `aaaa-mm-dd` or `dd/mm/aaaa`. An unknown field is
/// refused: a misspelt term would otherwise leave the creditor's in force.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractBody {
    pub creditor_id: i64,
    pub number: String,
    /// `one_off`, `installment_plan` or `recurring`.
    pub kind: String,
    pub product: Option<String>,
    pub starts_on: Option<String>,
    pub late_fine: Option<String>,
    pub default_interest_monthly: Option<String>,
    pub collection_fee: Option<String>,
    /// Whether the contract has a clause allowing a collection fee.
    #[serde(default)]
    pub collection_fee_allowed: bool,
    pub grace_days: Option<u16>,
    /// `simple` or `compound`.
    pub interest_mode: Option<String>,
    /// `none`, `ipca` or `table:NAME` (an imported index table).
    pub correction: Option<String>,
    /// Whether the contract is a consumer relation (fine capped at 2 %).
    pub consumer_relation: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContractDto {
    pub id: i64,
    pub creditor_id: i64,
    pub debtor_id: i64,
    pub number: String,
    pub kind: String,
    pub product: Option<String>,
    /// `aaaa-mm-dd`.
    pub starts_on: Option<String>,
    /// The agreed terms (percentages as text), or null when the contract
    /// follows the creditor's policy.
    #[schema(value_type = Option<Object>)]
    pub terms: Option<serde_json::Value>,
}

impl From<ContractRow> for ContractDto {
    fn from(k: ContractRow) -> Self {
        Self {
            id: k.id,
            creditor_id: k.creditor_id,
            debtor_id: k.debtor_id,
            number: k.number,
            kind: k.kind.as_str().to_owned(),
            product: k.product,
            starts_on: k.starts_on.map(|d| d.to_string()),
            terms: k.terms.and_then(|t| serde_json::to_value(t).ok()),
        }
    }
}

/// Records a contract of this debtor with its agreed terms, or replaces the
/// terms of the debtor's contract with the same creditor and number
/// (supervisor and admin; audited).
#[utoipa::path(post, path = "/api/v1/debtors/{id}/contracts", tag = "portfolio",
    params(("id" = i64, Path, description = "Debtor id")), request_body = ContractBody,
    responses((status = 200, body = ContractDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn save_contract(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
    body: ApiJson<ContractBody>,
) -> Result<Json<ContractDto>, ApiError> {
    p.require(Role::Supervisor)?;
    let debtor_id = path_id(&raw)?;
    let b = body.0;
    let form = ContractPageForm {
        contract: ContractForm {
            creditor_id: b.creditor_id.to_string(),
            number: b.number,
            kind: b.kind,
            product: b.product.unwrap_or_default(),
            starts_on: b.starts_on.unwrap_or_default(),
            late_fine: b.late_fine.unwrap_or_default(),
            interest: b.default_interest_monthly.unwrap_or_default(),
            fee: b.collection_fee.unwrap_or_default(),
            fee_allowed: b.collection_fee_allowed.then(|| "on".into()),
            grace_days: b.grace_days.map(|d| d.to_string()).unwrap_or_default(),
        },
        interest_mode: b.interest_mode.unwrap_or_default(),
        correction: b.correction.unwrap_or_default(),
        consumer: match b.consumer_relation {
            None => String::new(),
            Some(true) => "sim".into(),
            Some(false) => "nao".into(),
        },
    };
    let contract = form.to_contract(debtor_id)?;
    let row = state.app.save_contract(&p, contract).await?;
    Ok(Json(row.into()))
}
