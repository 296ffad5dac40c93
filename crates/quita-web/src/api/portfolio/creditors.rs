//! Creditors (carteiras) and their charge policy.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use quita_app::AppError;
use quita_core::{charge_policy::ChargePolicy, role::Role};
use quita_store::portfolio::creditors::Creditor;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::ApiJson;
use crate::{AppState, auth::ApiPrincipal, error::ApiError};

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
    /// Charge policy; missing fields (or a missing policy) take the usual
    /// terms, as `quita creditor create` does: `late_fine` 2,
    /// `default_interest_monthly` 1, simple interest, no correction, no fee,
    /// no grace, `consumer_relation` false. An unknown field is refused. In a
    /// consumer relation a `late_fine` above `consumer_fine_cap` (2 %, CDC
    /// art. 52, § 1º) is refused, and any rate above 100: 422 naming the field.
    #[schema(value_type = Option<Object>)]
    pub policy: Option<serde_json::Value>,
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
    let policy = match b.policy {
        None => ChargePolicy::usual(),
        Some(changes) => merged(&ChargePolicy::usual(), changes)?,
    };
    let c = state
        .app
        .add_creditor(&p, &b.name, &b.document, &policy)
        .await
        .map_err(in_policy)?;
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

/// A creditor named in a query parameter or body field: a value that names
/// no creditor at all (`abc`, a CNPJ with a wrong check digit) is a 422
/// saying why; one that names none of the organization's is a 404 naming
/// the field and the value.
pub(super) async fn creditor_named(
    state: &AppState,
    org_id: i64,
    raw: &str,
) -> Result<Creditor, ApiError> {
    match state.app.find_creditor(org_id, raw).await {
        Err(AppError::NotFound) => Err(ApiError(AppError::Absent {
            field: "creditor",
            message: format!("no creditor {:?} in this organization", raw.trim()),
        })),
        other => Ok(other?),
    }
}

/// A creditor named in the path: anything that is not one of the
/// organization's creditors is a 404.
pub(super) async fn find_creditor(
    state: &AppState,
    org_id: i64,
    raw: &str,
) -> Result<Creditor, ApiError> {
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
        Some(changes) => merged(&c.policy, changes)?,
    };
    let name = b.name.unwrap_or_else(|| c.name.clone());
    Ok(Json(
        state
            .app
            .update_creditor(&p, c.id, &name, &policy)
            .await
            .map_err(in_policy)?
            .into(),
    ))
}

/// `base` with the fields of `changes` (a JSON object of policy fields)
/// put over it; an unknown field or a bad value is a 422 naming the field
/// inside the policy (`policy.grace_days`), or `policy` itself when the
/// field is not one of the policy's.
fn merged(base: &ChargePolicy, changes: serde_json::Value) -> Result<ChargePolicy, ApiError> {
    let serde_json::Value::Object(changes) = changes else {
        return Err(ApiError(AppError::invalid("policy", "expected an object")));
    };
    let mut current =
        serde_json::to_value(base).map_err(|e| ApiError(AppError::Internal(e.into())))?;
    if let Some(obj) = current.as_object_mut() {
        for (k, v) in changes {
            if !obj.contains_key(&k) {
                return Err(ApiError(AppError::invalid(
                    "policy",
                    format!("unknown field {k:?}"),
                )));
            }
            let one: serde_json::Map<_, _> = [(k.clone(), v.clone())].into_iter().collect();
            if let Err(e) = serde_json::from_value::<ChargePolicy>(one.into()) {
                return Err(ApiError(AppError::invalid(policy_field(&k), e)));
            }
            obj.insert(k, v);
        }
    }
    serde_json::from_value(current).map_err(|e| ApiError(AppError::invalid("policy", e)))
}

/// A refusal of one of the policy's fields, named inside the policy as
/// the body has it (`policy.late_fine`).
fn in_policy(e: AppError) -> AppError {
    match e {
        AppError::Invalid { field, message } if policy_field(field) != "policy" => {
            AppError::Invalid {
                field: policy_field(field),
                message,
            }
        }
        other => other,
    }
}

/// The name a problem gives a field of the policy.
fn policy_field(key: &str) -> &'static str {
    match key {
        "late_fine" => "policy.late_fine",
        "default_interest_monthly" => "policy.default_interest_monthly",
        "interest_mode" => "policy.interest_mode",
        "correction" => "policy.correction",
        "collection_fee" => "policy.collection_fee",
        "grace_days" => "policy.grace_days",
        "consumer_relation" => "policy.consumer_relation",
        "consumer_fine_cap" => "policy.consumer_fine_cap",
        _ => "policy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of the policy as JSON has its own name in a problem, so
    /// a field added to the policy cannot fall back to naming `policy`.
    #[test]
    fn every_policy_field_is_named() {
        let policy = serde_json::to_value(ChargePolicy::usual()).unwrap();
        for key in policy.as_object().unwrap().keys() {
            assert_eq!(policy_field(key), format!("policy.{key}"), "{key}");
        }
        assert_eq!(policy_field("late_fee"), "policy");
    }
}
