//! Who is asking: the session cookie (people) or a bearer token (API),
//! resolved once per request into an [`Auth`] request extension.

use axum::{
    extract::{FromRequestParts, Request, State},
    http::{HeaderMap, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use quita_app::{
    AppError,
    auth::{Principal, SessionInfo},
};

use crate::{AppState, error::ApiError};

pub const SESSION_COOKIE: &str = "quita_session";
pub const PRE_COOKIE: &str = "quita_pre";

#[derive(Debug, Clone)]
pub enum Auth {
    Session(Box<SessionInfo>),
    Token(Principal),
}

/// Reads one cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value with the project's attributes.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

fn skips_auth(path: &str) -> bool {
    path.starts_with("/assets/")
        || matches!(
            path,
            "/healthz" | "/readyz" | "/metrics" | "/api/openapi.json"
        )
}

/// Middleware: resolves the caller and stores it in the request extensions.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if skips_auth(req.uri().path()) {
        return next.run(req).await;
    }
    if let Some(token) = bearer(req.headers()) {
        match state.app.authenticate_token(token).await {
            Ok(p) => {
                req.extensions_mut().insert(Auth::Token(p));
            }
            Err(e) => return ApiError(e).into_response(),
        }
    } else if let Some(value) = cookie(req.headers(), SESSION_COOKIE) {
        match state.app.session(value).await {
            Ok(Some(s)) => {
                req.extensions_mut().insert(Auth::Session(Box::new(s)));
            }
            Ok(None) => {}
            Err(e) => return ApiError(e).into_response(),
        }
    }
    next.run(req).await
}

/// A logged-in person, for HTML pages; anyone else is sent to the login
/// page, which comes back to the page asked for (`/entrar?volta=…`).
pub struct UserSession(pub SessionInfo);

impl<S: Send + Sync> FromRequestParts<S> for UserSession {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Auth>() {
            Some(Auth::Session(s)) => Ok(Self((**s).clone())),
            // A fragment htmx asked for (a live search, a progress poll)
            // after the session ended: the whole page goes to the login,
            // which comes back to it (`HX-Redirect`), instead of the login
            // page landing inside the page as a fragment.
            _ if parts.headers.contains_key("hx-request") => {
                let back = crate::pages::page_named_by(&parts.headers, "hx-current-url")
                    .unwrap_or("/painel");
                Err((
                    axum::http::StatusCode::UNAUTHORIZED,
                    [("hx-redirect", crate::pages::login_address(back))],
                )
                    .into_response())
            }
            _ => {
                let to = match parts.method {
                    // Not a fragment htmx asked for: the page it belongs to
                    // is what to return to, and the browser's address is it.
                    axum::http::Method::GET | axum::http::Method::HEAD
                        if !parts.headers.contains_key("hx-request") =>
                    {
                        parts
                            .uri
                            .path_and_query()
                            .map_or_else(String::new, |pq| crate::pages::login_address(pq.as_str()))
                    }
                    _ => String::new(),
                };
                let to = if to.is_empty() { "/entrar" } else { &to };
                Err(Redirect::to(to).into_response())
            }
        }
    }
}

/// The caller of an API route: a token, or a logged-in person.
pub struct ApiPrincipal(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for ApiPrincipal {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Auth>() {
            Some(Auth::Token(p)) => Ok(Self(p.clone())),
            Some(Auth::Session(s)) => Ok(Self(s.principal.clone())),
            None => Err(ApiError(AppError::Unauthenticated)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_bearer() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; quita_session=abc ; b=2".parse().unwrap(),
        );
        h.insert(header::AUTHORIZATION, "Bearer qt_x".parse().unwrap());
        assert_eq!(cookie(&h, "quita_session"), Some("abc"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "c"), None);
        assert_eq!(bearer(&h), Some("qt_x"));
        assert_eq!(
            set_cookie("n", "v", 60, true),
            "n=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
    }
}
