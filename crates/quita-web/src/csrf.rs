//! CSRF protection for every state-changing request that rides on a cookie.
//!
//! The token is the session's own random CSRF token, or — before login — an
//! HMAC of the visitor's `quita_pre` cookie (a signed double-submit cookie).
//! It comes as the `X-CSRF-Token` header or as a `_csrf` form field: in an
//! urlencoded form anywhere, in a `multipart/form-data` upload as its
//! **first part**. Never in the URL, where it would reach history, logs and
//! `Referer` headers. Requests authenticated by a bearer token carry no
//! ambient credential and are exempt. A cross-origin `Origin` header is
//! refused outright.
//!
//! An upload is checked without buffering it: only its first part is read
//! (at most [`upload::FIRST_PART_LIMIT`] bytes), and the handler gets a body that
//! replays those bytes and then streams the rest as it arrives.

use std::pin::Pin;

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::Response,
};
use http_body::Frame;
use quita_app::auth::{csrf_matches, pre_session_csrf};

use crate::{
    AppState,
    auth::{Auth, PRE_COOKIE, cookie},
    error::{error_page, form_too_large, problem},
};

mod upload;

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

/// The answer to a page's form sent after its session ended (logged out in
/// another tab, or expired): not a forgery to refuse but a login to offer,
/// which comes back to the page the form was on (its `Referer`, when it is
/// one of this site's pages).
fn session_ended(headers: &HeaderMap) -> Response {
    tracing::info!("form sent after its session ended");
    let back = crate::pages::page_named_by(headers, header::REFERER.as_str()).unwrap_or("/painel");
    crate::error::session_ended_page(&crate::pages::login_address(back))
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

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
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
                // A page's form (login's own aside) with no session: the
                // session it was sent from has ended.
                if path != "/entrar" && same_origin(req.headers()) {
                    return session_ended(req.headers());
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
    // Without a session, a page's form (login's aside) that does not carry
    // the pre-login token was sent from a session that has since ended:
    // offer the login instead of refusing. A live session's mismatch stays
    // a 403.
    let ended = (req.extensions().get::<Auth>().is_none()
        && path != "/entrar"
        && !path.starts_with("/api/"))
    .then(|| req.headers().clone());
    let deny = |why: &str| match &ended {
        Some(headers) => session_ended(headers),
        None => refuse(&path, why),
    };
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(t) = header_token {
        return if csrf_matches(&expected, &t) {
            next.run(req).await
        } else {
            deny("token mismatch")
        };
    }
    let ct = content_type(req.headers()).to_owned();
    if let Some(boundary) = upload::multipart_boundary(&ct) {
        let (parts, body) = req.into_parts();
        return match upload::first_part_token(body, boundary).await {
            Ok((t, body)) if csrf_matches(&expected, &t) => {
                next.run(Request::from_parts(parts, body)).await
            }
            Ok(_) => deny("token mismatch"),
            Err(why) => deny(why),
        };
    }
    if !ct.starts_with("application/x-www-form-urlencoded") {
        return deny("missing token");
    }
    // A form is small: buffered (to the limit its extractor would apply
    // anyway), searched for `_csrf`, and handed on whole.
    let limit = state.settings.body_limit;
    let (parts, body) = req.into_parts();
    // A declared length over the limit is answered before a byte is read.
    if body.size_hint().lower() > limit as u64 {
        return form_too_large(&path, limit);
    }
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(e) if crate::error::is_over_limit(&e) => return form_too_large(&path, limit),
        Err(_) => return deny("unreadable form"),
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
        _ => deny("token mismatch"),
    }
}

async fn next_frame(body: &mut Body) -> Option<Result<Frame<Bytes>, axum::Error>> {
    std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await
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
