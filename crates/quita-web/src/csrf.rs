//! CSRF protection for every state-changing request that rides on a cookie.
//!
//! The token is the session's own random CSRF token, or — before login — an
//! HMAC of the visitor's `quita_pre` cookie (a signed double-submit cookie).
//! It may come as the `X-CSRF-Token` header, a `_csrf` form field, or a
//! `_csrf` query parameter (multipart uploads). Requests authenticated by a
//! bearer token carry no ambient credential and are exempt. A cross-origin
//! `Origin` header is refused outright.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::Response,
};
use quita_app::auth::{csrf_matches, pre_session_csrf};

use crate::{
    AppState,
    auth::{Auth, PRE_COOKIE, cookie},
    error::{error_page, problem},
};

const FORM_LIMIT: usize = 256 * 1024;

fn refuse(path: &str, why: &str) -> Response {
    tracing::warn!(reason = why, "csrf check refused a request");
    if path.starts_with("/api/") {
        problem(
            StatusCode::FORBIDDEN,
            "csrf",
            format!("CSRF check failed: {why}"),
            None,
        )
    } else {
        error_page(
            StatusCode::FORBIDDEN,
            "O formulário expirou ou não veio desta página. Recarregue a página e tente novamente.",
        )
    }
}

fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
}

fn query_token(req: &Request) -> Option<String> {
    let q = req.uri().query()?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v)
}

pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let expected = match req.extensions().get::<Auth>() {
        Some(Auth::Token(_)) => return next.run(req).await,
        Some(Auth::Session(s)) => s.csrf_token.clone(),
        None => {
            let Some(nonce) = cookie(req.headers(), PRE_COOKIE) else {
                // An API call with no credential at all: nothing ambient to
                // forge, so the route's own check answers it (401).
                if path.starts_with("/api/") {
                    return next.run(req).await;
                }
                return refuse(&path, "no session and no pre-login cookie");
            };
            match state.csrf_key().await {
                Ok(key) => pre_session_csrf(&key, nonce),
                Err(e) => return crate::error::respond(&path, e),
            }
        }
    };
    if !same_origin(req.headers()) {
        return refuse(&path, "cross-origin request");
    }
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(t) = header_token.or_else(|| query_token(&req)) {
        return if csrf_matches(&expected, &t) {
            next.run(req).await
        } else {
            refuse(&path, "token mismatch")
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refuse(&path, "missing token");
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
        return refuse(&path, "form too large");
    };
    let submitted = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|fields| {
            fields
                .into_iter()
                .find(|(k, _)| k == "_csrf")
                .map(|(_, v)| v)
        });
    match submitted {
        Some(t) if csrf_matches(&expected, &t) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refuse(&path, "token mismatch"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_must_match_host() {
        let mut h = HeaderMap::new();
        assert!(same_origin(&h));
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
    }
}
