//! The JSON API under `/api/v1` and its OpenAPI 3.1 document, generated from
//! the handlers themselves (a route cannot exist undocumented).

mod contacts;
mod contracts;
mod dto;
mod enrichment;
mod indices;
pub mod known_params;
mod marks;
pub use enrichment::default_source as default_contacts_source;
mod org;
mod portfolio;

mod problems;
pub use portfolio::ReceivableDto;
mod timeline;
mod tokens;
mod upload;
mod users;

use axum::{
    Json,
    extract::{FromRequest, Request},
    routing::get,
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{AppState, error::ApiError};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Quita API",
        description = "Gestão de cobrança. Authenticate with `Authorization: Bearer <token>` (tokens are created by an admin under Configurações → Tokens de API, or `quita token create`). Errors are problem objects (application/problem+json) with a stable `code`. Money is a decimal string (\"1234.56\").",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(crate::error::Problem))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every API route, registered together with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    let doc = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(org::me))
        .routes(routes!(org::organization))
        .routes(routes!(org::dashboard))
        .routes(routes!(org::audit))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get_one, users::update))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(portfolio::creditors, portfolio::create_creditor))
        .routes(routes!(portfolio::creditor, portfolio::patch_creditor))
        .routes(routes!(portfolio::import))
        .routes(routes!(indices::list))
        .routes(routes!(indices::import))
        .routes(routes!(portfolio::aging))
        .routes(routes!(portfolio::bucket_receivables))
        .routes(routes!(portfolio::debtor_aging))
        .routes(routes!(portfolio::debtors))
        .routes(routes!(enrichment::import_contacts))
        .routes(routes!(portfolio::debtor, marks::mark_debtor))
        .routes(routes!(marks::mark_contact))
        .routes(routes!(contacts::add_contact))
        .routes(routes!(portfolio::debtor_accesses))
        .routes(routes!(timeline::debtor_timeline))
        .routes(routes!(contracts::save_contract))
        .routes(routes!(portfolio::receivable_update))
        .routes(routes!(portfolio::close_receivable));
    let openapi = problems::with_problems(doc.clone().split_for_parts().1);
    let json = serde_json::to_string(&openapi).unwrap_or_else(|_| "{}".into());
    doc.route(
        "/api/openapi.json",
        get(move || {
            let json = json.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    json,
                )
            }
        }),
    )
}

/// The OpenAPI document (also served at `/api/openapi.json`).
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    problems::with_problems(router().split_for_parts().1)
}

/// A file sent as the whole request body: binary in the OpenAPI document
/// (the handlers read the body as bytes; this type only names its schema).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBody(#[allow(dead_code)] Vec<u8>);

/// A JSON body whose rejection is a problem object naming the fault.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = axum::response::Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Self(v)),
            Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(crate::error::problem(
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "request body too large",
                    None,
                ))
            }
            Err(rejection) => {
                let text = rejection.body_text();
                let field = body_field(&text);
                Err(crate::error::problem(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_body",
                    text,
                    field,
                ))
            }
        }
    }
}

/// The field a refused JSON body names, with its path inside the body:
/// `policy.grace_days: invalid type: …` names `policy.grace_days`,
/// `` policy: missing field `fine` `` names `policy.fine`, and at the top
/// level `` unknown field `late_fee` `` names `late_fee`.
fn body_field(text: &str) -> Option<String> {
    let detail = text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(text);
    let path = detail.split_once(": ").and_then(|(path, reason)| {
        (!path.is_empty()
            && path.len() <= 60
            && path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.[]".contains(&b)))
        .then_some((path, reason))
    });
    let quoted = |reason: &str, marker: &str| -> Option<String> {
        let (_, rest) = reason.split_once(marker)?;
        rest.split_once('`').map(|(name, _)| name.to_owned())
    };
    match path {
        Some((path, reason)) => Some(match quoted(reason, "missing field `") {
            Some(name) => format!("{path}.{name}"),
            None => path.to_owned(),
        }),
        None => quoted(detail, "unknown field `").or_else(|| quoted(detail, "missing field `")),
    }
}

/// `Query` whose refusal is problem JSON (422 `invalid_query`, saying
/// which parameter and why) like every other API error, not axum's plain
/// text 400.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = axum::response::Response;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(rejection) => {
                let text = rejection.body_text();
                let field = crate::pages::query_param(&text).map(str::to_owned);
                Err(crate::error::problem(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_query",
                    text,
                    field,
                ))
            }
        }
    }
}

/// A page size asked for: `default` when absent, refused (422 naming
/// `limit`) outside 1 to `max`, as every list of the API does.
pub fn page_limit(asked: Option<i64>, default: i64, max: i64) -> Result<i64, ApiError> {
    match asked {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(ApiError(quita_app::AppError::invalid(
            "limit",
            format!("limit goes from 1 to {max}"),
        ))),
    }
}

/// Maps the path id; a non-number is simply not found.
pub fn path_id(raw: &str) -> Result<i64, ApiError> {
    crate::pages::parse_id(raw).map_err(ApiError)
}

#[cfg(test)]
mod tests {
    use super::body_field;

    #[test]
    fn a_refused_body_names_its_field() {
        for (text, field) in [
            (
                "Failed to deserialize the JSON body into the target type: unknown field `late_fee`, expected one of `number`, `kind` at line 1 column 12",
                Some("late_fee"),
            ),
            (
                "Failed to deserialize the JSON body into the target type: missing field `number` at line 1 column 2",
                Some("number"),
            ),
            (
                "Failed to deserialize the JSON body into the target type: grace_days: invalid type: string \"x\", expected u16 at line 1 column 20",
                Some("grace_days"),
            ),
            (
                "Failed to parse the request body as JSON: expected value at line 1 column 1",
                None,
            ),
        ] {
            assert_eq!(body_field(text).as_deref(), field, "{text}");
        }
    }

    /// The texts axum really gives for faults inside nested objects and
    /// lists name the whole path.
    #[test]
    fn a_fault_inside_an_object_names_its_path() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Policy {
            grace_days: u16,
            fine: Option<String>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Creditor {
            name: String,
            policy: Policy,
            earlier: Option<Vec<Policy>>,
        }
        for (body, field) in [
            (
                r#"{"name":"a","policy":{"grace_days":"x"}}"#,
                "policy.grace_days",
            ),
            (r#"{"name":"a","policy":{"grace":1}}"#, "policy.grace"),
            (r#"{"name":"a","policy":{}}"#, "policy.grace_days"),
            (r#"{"policy":{"grace_days":1}}"#, "name"),
            (
                r#"{"name":"a","policy":{"grace_days":1},"earlier":[{"grace_days":1},{"grace_days":-1}]}"#,
                "earlier[1].grace_days",
            ),
            (
                r#"{"name":"a","policy":{"grace_days":1},"earlier":[{"grace_days":1,"x":1}]}"#,
                "earlier[0].x",
            ),
        ] {
            let refused = axum::Json::<Creditor>::from_bytes(body.as_bytes()).unwrap_err();
            assert_eq!(
                body_field(&refused.body_text()).as_deref(),
                Some(field),
                "{body}"
            );
        }
    }
}
