//! The login page, login and logout.

use std::net::SocketAddr;

use askama::Template;
use axum::{
    Form,
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use quita_app::{AppError, auth::pre_session_csrf, random_token};

use super::{Layout, render};
use crate::{
    AppState,
    auth::{Auth, PRE_COOKIE, SESSION_COOKIE, cookie, set_cookie},
    error::PageError,
};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Option<Layout>,
    csrf: String,
    email: String,
    error: Option<String>,
    /// Where to go after logging in (a relative path, already checked).
    volta: Option<String>,
}

/// `raw` when it is a path of this site to return to after logging in: it
/// starts with a single `/` and holds no `//`, no `\` and no control
/// character, so no address elsewhere (`//evil.example`, `/\evil.example`,
/// `https://…`) can be made of it. Anything else is `None`.
pub fn safe_return(raw: &str) -> Option<&str> {
    (raw.starts_with('/')
        // Logging out or in again is no page to return to.
        && !raw.starts_with("/sair")
        && !raw.starts_with("/entrar")
        && !raw.contains("//")
        && !raw.contains('\\')
        && raw.len() <= 2000
        && !raw.chars().any(char::is_control))
    .then_some(raw)
}

/// The page of this site a request header names by its full address
/// (`Referer`, htmx's `HX-Current-URL`): its path, when the address is on
/// this request's host and the path is one to return to ([`safe_return`]).
pub fn page_named_by<'h>(headers: &'h axum::http::HeaderMap, name: &str) -> Option<&'h str> {
    let url = headers.get(name)?.to_str().ok()?;
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let (_, rest) = url.split_once("://")?;
    safe_return(rest.strip_prefix(host)?)
}

/// The login page's address that comes back to `to` (a path of this site)
/// afterwards: `/entrar?volta=%2Fdevedores%2F7`; plain `/entrar` when `to`
/// is not one to return to, or is the Painel (where login goes anyway).
pub fn login_address(to: &str) -> String {
    match safe_return(to) {
        Some(to) if to != "/painel" && to != "/" && !to.starts_with("/entrar") => format!(
            "/entrar?{}",
            serde_urlencoded::to_string([("volta", to)]).unwrap_or_default()
        ),
        _ => "/entrar".to_owned(),
    }
}

/// The login page's query: where to return to.
#[derive(serde::Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    volta: Option<String>,
}

impl LoginQuery {
    fn target(&self) -> Option<String> {
        self.volta
            .as_deref()
            .and_then(safe_return)
            .map(str::to_owned)
    }
}

/// Renders the form with a CSRF token bound to the visitor's pre-login cookie
/// (set here when missing).
async fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    email: &str,
    error: Option<String>,
    volta: Option<String>,
) -> Response {
    let (nonce, fresh) = match cookie(headers, PRE_COOKIE) {
        Some(n) if n.len() == 64 && n.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (n.to_owned(), false)
        }
        _ => (random_token(), true),
    };
    let key = match state.csrf_key().await {
        Ok(k) => k,
        Err(e) => return PageError(e).into_response(),
    };
    let page = LoginPage {
        layout: None,
        csrf: pre_session_csrf(&key, &nonce),
        email: email.to_owned(),
        error,
        volta,
    };
    let mut res = (status, Html(render(&page))).into_response();
    if fresh {
        let c = set_cookie(PRE_COOKIE, &nonce, 3600, state.settings.secure_cookies());
        if let Ok(v) = c.parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Option<axum::Extension<Auth>>,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> Response {
    let volta = q.target();
    if let Some(axum::Extension(Auth::Session(_))) = auth {
        return Redirect::to(volta.as_deref().unwrap_or("/painel")).into_response();
    }
    login_page(&state, &headers, StatusCode::OK, "", None, volta).await
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The page asked for before logging in (the form's hidden field).
    #[serde(default)]
    volta: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    auth: Option<axum::Extension<Auth>>,
    Form(f): Form<LoginForm>,
) -> Response {
    let ip = peer.ip().to_string();
    let volta = f.volta.as_deref().and_then(safe_return).map(str::to_owned);
    match state.app.login(&f.email, &f.password, Some(&ip)).await {
        Ok(outcome) => {
            // A session the browser already had ends: the id always changes at login.
            if let Some(axum::Extension(Auth::Session(old))) = auth {
                let _ = quita_store::sessions::delete(&state.app.db, &old.token_hash).await;
            }
            let max_age = state.app.auth.absolute_timeout.as_secs();
            let secure = state.settings.secure_cookies();
            let mut res = Redirect::to(volta.as_deref().unwrap_or("/painel")).into_response();
            for c in [
                set_cookie(SESSION_COOKIE, outcome.token.expose(), max_age, secure),
                set_cookie(PRE_COOKIE, "", 0, secure),
            ] {
                if let Ok(v) = c.parse() {
                    res.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            res
        }
        Err(AppError::BadCredentials) => {
            login_page(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                &f.email,
                Some("E-mail ou senha incorretos.".into()),
                volta,
            )
            .await
        }
        Err(AppError::Throttled { until }) => {
            let when = crate::format::date_time(until, "America/Sao_Paulo");
            let msg = format!("Muitas tentativas malsucedidas. Tente novamente após {when}.");
            login_page(
                &state,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                &f.email,
                Some(msg),
                volta,
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: Option<axum::Extension<Auth>>,
) -> Response {
    if let Some(axum::Extension(Auth::Session(s))) = auth
        && let Err(e) = state.app.logout(&s, Some(&peer.ip().to_string())).await
    {
        return PageError(e).into_response();
    }
    let mut res = Redirect::to("/entrar").into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, state.settings.secure_cookies()).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_returned_to() {
        for ok in [
            "/devedores/7",
            "/relatorios/aging?credor=2&ate=01/02/2026",
            "/",
        ] {
            assert_eq!(safe_return(ok), Some(ok));
        }
        for bad in [
            "",
            "devedores/7",
            "//evil.example",
            "/\\evil.example",
            "/a//b",
            "https://evil.example/",
            "/a\nb",
            " /painel",
        ] {
            assert_eq!(safe_return(bad), None, "{bad:?}");
        }
        assert_eq!(
            login_address("/devedores/7?em=01/02/2026"),
            "/entrar?volta=%2Fdevedores%2F7%3Fem%3D01%2F02%2F2026"
        );
        assert_eq!(login_address("/painel"), "/entrar");
        assert_eq!(login_address("//evil.example"), "/entrar");
    }
}
