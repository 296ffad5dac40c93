//! HTTP for Quita: the pt-BR HTML UI, the JSON API under `/api/v1` with its
//! OpenAPI document, health and metrics endpoints.
//!
//! No SQL and no business rules here: handlers parse input, call a use case
//! of `quita-app`, and render. Errors map to responses in one place
//! ([`error`]); every route checks role and organization through the
//! principal resolved by [`auth`].
#![forbid(unsafe_code)]

mod api;
mod assets;
mod auth;
mod csrf;
mod error;
mod format;
mod health;
mod imports;
mod metrics;
mod no_nul;
mod pages;
mod server;
mod state;

/// The receivable as the API shows it (the CLI prints the same).
pub use api::ReceivableDto;
pub use api::openapi_document;
pub use server::serve;
pub use state::{AppState, WebSettings};

use axum::http::{HeaderName, HeaderValue, header};
use axum::{Router, extract::DefaultBodyLimit, middleware};
use tower_http::{
    catch_panic::CatchPanicLayer,
    limit::RequestBodyLimitLayer,
    request_id::{PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

/// Headers on every response: no other site may frame a page (a form in a
/// hidden frame would carry its own CSRF token: clickjacking), no content
/// type is guessed, and no address leaves in a Referer.
const SECURITY_HEADERS: [(HeaderName, &str); 4] = [
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "same-origin"),
];

/// The whole application router.
pub fn router(state: AppState) -> Router {
    // Install the metrics recorder before the first request is counted.
    metrics::handle();
    let (api, doc) = api::router().split_for_parts();
    // After routing (a layer of the API's routes), so the operation is known.
    let known = api::known_params::of(&doc);
    let api = api.layer(middleware::from_fn(move |req, next| {
        api::known_params::refuse_unknown(known.clone(), req, next)
    }));
    let router = Router::new()
        .merge(pages::router())
        .merge(api)
        .merge(health::router())
        .merge(assets::router())
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            no_nul::refuse_nul,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(middleware::from_fn_with_state(state.clone(), auth::resolve))
        .layer(middleware::from_fn(metrics::track))
        // Extractors are held to the configured limit; the import upload
        // routes raise theirs (see `imports::IMPORT_LIMIT`). The outer layer
        // refuses anything above the largest of the two up front. Either
        // refusal reaches the client as a page or problem JSON naming the
        // route's limit (`error::too_large`).
        .layer(DefaultBodyLimit::max(state.settings.body_limit))
        .layer(RequestBodyLimitLayer::new(
            state.settings.body_limit.max(imports::IMPORT_LIMIT),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error::too_large,
        ))
        .layer(CatchPanicLayer::custom(error::panic_response));
    let router = SECURITY_HEADERS
        .into_iter()
        .fold(router, |r, (name, value)| {
            r.layer(SetResponseHeaderLayer::if_not_present(
                name,
                HeaderValue::from_static(value),
            ))
        });
    router
        .layer(TraceLayer::new_for_http().make_span_with(server::span_for))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(server::NewRequestId))
        .with_state(state)
}
