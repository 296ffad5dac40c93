//! A receivable's debt update, and closing it by hand.

use axum::{
    Json,
    extract::{Path, State},
};
use quita_app::{AppError, portfolio::closing::Closing};
use quita_core::role::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{debtor_360::date_or_today, *};
use crate::api::{ApiJson, ApiQuery, path_id};
use crate::{AppState, auth::ApiPrincipal, error::ApiError};

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
