//! Adding a contact learned during a call to a debtor through the API, as
//! the debtor page's "Adicionar contato" form does. Agents and up.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use quita_app::portfolio::contact_add::{Added, ContactInput};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, path_id, portfolio::ContactDto};
use crate::{AppState, auth::ApiPrincipal, error::ApiError};

/// A new contact: a phone (any usual form, with DDD; stored as E.164), an
/// e-mail, or an address line with its optional city, UF and CEP.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContactBody {
    /// `phone`, `email` or `address`.
    pub kind: String,
    pub value: String,
    /// A phone's WhatsApp; left out, a mobile has it and a landline not.
    pub whatsapp: Option<bool>,
    #[serde(default)]
    pub workplace: bool,
    pub city: Option<String>,
    pub uf: Option<String>,
    pub cep: Option<String>,
    /// Where it came from (1 to 80 characters); left out, `agente`.
    pub source: Option<String>,
}

/// Adds a contact to a debtor (agent; audited without the value). `201`
/// with the contact when added; `200` with the stored one, unchanged, when
/// the debtor already had it (so a retry adds nothing).
#[utoipa::path(post, path = "/api/v1/debtors/{id}/contacts", tag = "portfolio",
    params(("id" = i64, Path, description = "Debtor id")), request_body = NewContactBody,
    responses((status = 201, body = ContactDto), (status = 200, body = ContactDto),
        (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_contact(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
    body: ApiJson<NewContactBody>,
) -> Result<(StatusCode, Json<ContactDto>), ApiError> {
    let id = path_id(&raw)?;
    let b = body.0;
    let input = ContactInput {
        kind: b.kind,
        value: b.value,
        whatsapp: b.whatsapp,
        workplace: b.workplace,
        city: b.city,
        uf: b.uf,
        cep: b.cep,
        source: b.source,
    };
    let added = state.app.add_contact(&p, id, &input).await?;
    let status = match added {
        Added::Created(_) => StatusCode::CREATED,
        Added::AlreadyKnown(_) => StatusCode::OK,
    };
    Ok((status, Json(ContactDto::from(added.contact()))))
}
