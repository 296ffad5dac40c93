//! Marking a debtor (alerts, tags) and a contact (situation, opt-outs,
//! workplace) through the API: the debtor page's marking forms as `PATCH`
//! requests, where a field left out keeps its value. Agents and up.

use axum::{
    Json,
    extract::{Path, State},
};
use quita_app::{
    AppError,
    portfolio::marks::{ContactMarksPatch, DebtorMarksPatch},
};
use quita_core::{
    contact::{Channel, ChannelSet, InvalidReason, Validity},
    debtor::Tag,
    role::Role,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiJson, path_id,
    portfolio::{ContactDto, DebtorDto},
};
use crate::{AppState, auth::ApiPrincipal, error::ApiError, pages::marcacoes::parse_tag};

/// The debtor's collection alerts and tags; each field left out keeps its
/// value.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DebtorMarksBody {
    pub deceased: Option<bool>,
    pub do_not_contact: Option<bool>,
    pub over_indebtedness: Option<bool>,
    pub dispute: Option<bool>,
    /// Replaces every tag (at most 20; up to 40 letters, digits, spaces,
    /// `-` or `_` each; stored lower-case, deduplicated and sorted).
    pub tags: Option<Vec<String>>,
    /// Corrects the name (supervisor and up), normalised as an import
    /// does; the old and new names go to the audit log and the timeline.
    pub name: Option<String>,
}

/// Sets a debtor's alerts (deceased, do not contact, over-indebtedness,
/// dispute) and tags (agent), or corrects its name (supervisor); audited.
#[utoipa::path(patch, path = "/api/v1/debtors/{id}", tag = "portfolio",
    params(("id" = i64, Path, description = "Debtor id")), request_body = DebtorMarksBody,
    responses((status = 200, body = DebtorDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn mark_debtor(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
    body: ApiJson<DebtorMarksBody>,
) -> Result<Json<DebtorDto>, ApiError> {
    p.require(Role::Agent)?;
    let id = path_id(&raw)?;
    let b = body.0;
    let tags: Option<Vec<Tag>> = b
        .tags
        .map(|t| t.iter().map(|t| parse_tag(t)).collect())
        .transpose()?;
    let marks = b.deceased.is_some()
        || b.do_not_contact.is_some()
        || b.over_indebtedness.is_some()
        || b.dispute.is_some()
        || tags.is_some();
    let renamed = match &b.name {
        Some(name) => Some(state.app.rename_debtor(&p, id, name).await?),
        None => None,
    };
    if let (Some(row), false) = (&renamed, marks) {
        return Ok(Json(DebtorDto::from(row)));
    }
    let patch = DebtorMarksPatch {
        deceased: b.deceased,
        do_not_contact: b.do_not_contact,
        over_indebtedness: b.over_indebtedness,
        dispute: b.dispute,
        tags,
    };
    let row = state.app.patch_debtor_marks(&p, id, patch).await?;
    Ok(Json(DebtorDto::from(&row)))
}

/// A contact's situation, opt-outs and workplace mark; each field left out
/// keeps its value.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactMarksBody {
    /// `unverified`, `valid` or `invalid` (then with `invalid_reason`).
    pub status: Option<String>,
    /// Why it does not work: `bounce` (e-mails), `wrong_number` or
    /// `disconnected` (phones), `returned_mail` (addresses), `other`. Given
    /// alone, it marks the contact invalid.
    pub invalid_reason: Option<String>,
    /// Replaces the channels the debtor refused on this contact: `voice`,
    /// `sms`, `whatsapp` (phones), `email`, `letter` (addresses).
    pub opt_out: Option<Vec<String>>,
    /// A workplace contact (calls there are limited by law).
    pub workplace: Option<bool>,
}

impl ContactMarksBody {
    fn patch(&self) -> Result<ContactMarksPatch, AppError> {
        let reason = self
            .invalid_reason
            .as_deref()
            .map(|r| {
                r.parse::<InvalidReason>().map_err(|_| {
                    AppError::invalid("invalid_reason", format!("unknown reason {r:?}"))
                })
            })
            .transpose()?;
        let validity = match (self.status.as_deref(), reason) {
            (None, None) => None,
            (None | Some("invalid"), Some(r)) => Some(Validity::Invalid(r)),
            (Some("invalid"), None) => {
                return Err(AppError::invalid(
                    "invalid_reason",
                    "status invalid needs an invalid_reason",
                ));
            }
            (Some(s @ ("valid" | "unverified")), None) => {
                Some(Validity::from_db(s, None).map_err(|e| AppError::invalid("status", e))?)
            }
            (Some("valid" | "unverified"), Some(_)) => {
                return Err(AppError::invalid(
                    "invalid_reason",
                    "an invalid_reason goes only with status invalid",
                ));
            }
            (Some(other), _) => {
                return Err(AppError::invalid(
                    "status",
                    format!("unknown status {other:?} (unverified, valid or invalid)"),
                ));
            }
        };
        let opt_out = self
            .opt_out
            .as_ref()
            .map(|list| {
                list.iter()
                    .map(|c| {
                        c.parse::<Channel>().map_err(|_| {
                            AppError::invalid("opt_out", format!("unknown channel {c:?}"))
                        })
                    })
                    .collect::<Result<ChannelSet, _>>()
            })
            .transpose()?;
        Ok(ContactMarksPatch {
            validity,
            opt_out,
            workplace: self.workplace,
        })
    }
}

/// Marks one contact of a debtor: whether it works and why not, the
/// channels the debtor refused on it, the workplace mark (agent; audited,
/// without the contact's value). The marks must fit the kind of contact.
#[utoipa::path(patch, path = "/api/v1/debtors/{id}/contacts/{contact_id}", tag = "portfolio",
    params(("id" = i64, Path, description = "Debtor id"), ("contact_id" = i64, Path, description = "Contact id")),
    request_body = ContactMarksBody,
    responses((status = 200, body = ContactDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn mark_contact(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path((raw, raw_contact)): Path<(String, String)>,
    body: ApiJson<ContactMarksBody>,
) -> Result<Json<ContactDto>, ApiError> {
    p.require(Role::Agent)?;
    let (id, contact) = (path_id(&raw)?, path_id(&raw_contact)?);
    let patch = body.0.patch()?;
    let row = state.app.mark_contact(&p, id, contact, patch).await?;
    Ok(Json(ContactDto::from(&row)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> Result<ContactMarksPatch, String> {
        let b: ContactMarksBody = serde_json::from_str(json).map_err(|e| e.to_string())?;
        b.patch().map_err(|e| e.to_string())
    }

    #[test]
    fn contact_bodies_become_patches() {
        assert_eq!(body("{}"), Ok(ContactMarksPatch::default()));
        assert_eq!(
            body(r#"{"invalid_reason": "bounce"}"#).unwrap().validity,
            Some(Validity::Invalid(InvalidReason::Bounce))
        );
        let p =
            body(r#"{"status": "valid", "opt_out": ["sms", "voice"], "workplace": true}"#).unwrap();
        assert_eq!(p.validity, Some(Validity::Valid));
        assert_eq!(
            p.opt_out.unwrap().iter().collect::<Vec<_>>(),
            [Channel::Voice, Channel::Sms]
        );
        assert_eq!(p.workplace, Some(true));
        for bad in [
            r#"{"status": "invalid"}"#,
            r#"{"status": "valid", "invalid_reason": "other"}"#,
            r#"{"status": "maybe"}"#,
            r#"{"invalid_reason": "lost"}"#,
            r#"{"opt_out": ["fax"]}"#,
            r#"{"workplce": true}"#,
        ] {
            assert!(body(bad).is_err(), "{bad}");
        }
    }
}
