//! Configurações: the organization, its users, API tokens and audit log.

use crate::pages::PageQuery;
use askama::Template;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use quita_app::{AppError, admin::NewUserInput};
use quita_core::{email::Email, password::NewPassword, role::Role};
use quita_store::audit::Actor;
use serde::Deserialize;

use super::{Layout, page, parse_id, render, role_options};
use crate::{AppState, auth::UserSession, error::PageError, format};

#[derive(Template)]
#[template(path = "settings.html")]
struct HubPage {
    layout: Option<Layout>,
    org_name: String,
    org_slug: String,
    org_mode: &'static str,
    org_document: String,
    org_time_zone: String,
    is_admin: bool,
}

pub async fn hub(State(state): State<AppState>, s: UserSession) -> Result<Response, PageError> {
    s.0.principal.require(Role::Supervisor)?;
    let layout = Layout::new(&state, &s.0, "/configuracoes").await?;
    let org = state.app.organization(&s.0.principal).await?;
    Ok(page(&HubPage {
        layout: Some(layout),
        org_name: org.name,
        org_slug: org.slug,
        org_mode: org.mode.label_pt(),
        org_document: org.document.unwrap_or_else(|| "—".into()),
        org_time_zone: org.time_zone,
        is_admin: s.0.principal.role.allows(Role::Admin),
    }))
}

struct UserRow {
    id: i64,
    name: String,
    email: String,
    role: &'static str,
    role_code: &'static str,
    active: bool,
    created: String,
}

impl UserRow {
    fn of(u: &quita_store::users::User) -> Self {
        Self {
            id: u.id,
            name: u.name.clone(),
            email: u.email.to_string(),
            role: u.role.label_pt(),
            role_code: u.role.as_str(),
            active: u.active,
            created: format::date(u.created_at, "America/Sao_Paulo"),
        }
    }
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Option<Layout>,
    csrf: String,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    ok: Option<String>,
}

fn notice_text(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "criado" => "Usuário criado.",
            "salvo" => "Alterações salvas.",
            "senha" => "Senha redefinida; as sessões abertas desse usuário foram encerradas.",
            "revogado" => "Token revogado.",
            _ => return None,
        }
        .to_owned(),
    )
}

async fn users_page(
    state: &AppState,
    s: &UserSession,
    notice: Option<String>,
    error: Option<String>,
) -> Result<UsersPage, PageError> {
    let layout = Layout::new(state, &s.0, "/configuracoes").await?;
    let users = state.app.list_users(&s.0.principal).await?;
    Ok(UsersPage {
        layout: Some(layout),
        csrf: s.0.csrf_token.clone(),
        users: users.iter().map(UserRow::of).collect(),
        roles: role_options(Role::Admin),
        notice,
        error,
    })
}

pub async fn users(
    State(state): State<AppState>,
    s: UserSession,
    PageQuery(q): PageQuery<Notice>,
) -> Result<Response, PageError> {
    Ok(page(
        &users_page(&state, &s, notice_text(q.ok.as_deref()), None).await?,
    ))
}

#[derive(Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

fn parse_new_user(f: &NewUserForm) -> Result<NewUserInput, AppError> {
    Ok(NewUserInput {
        email: Email::parse(&f.email).map_err(|e| AppError::invalid("email", pt_email(&e)))?,
        name: f.name.clone(),
        role: f
            .role
            .parse()
            .map_err(|_| AppError::invalid("role", "perfil desconhecido"))?,
        password: NewPassword::parse(&f.password)
            .map_err(|e| AppError::invalid("password", pt_password(&e)))?,
    })
}

fn pt_email(e: &quita_core::email::EmailError) -> &'static str {
    use quita_core::email::EmailError::*;
    match e {
        Empty => "informe o e-mail",
        TooLong => "e-mail longo demais",
        At | Local | Domain => "e-mail inválido",
    }
}

fn pt_password(e: &quita_core::password::PasswordError) -> &'static str {
    use quita_core::password::PasswordError::*;
    match e {
        TooShort => "a senha deve ter ao menos 10 caracteres",
        TooLong => "a senha deve ter no máximo 128 caracteres",
        TooWeak => "senha fácil demais de adivinhar",
    }
}

/// A user-facing pt-BR message for a refused form, or the error to escalate.
fn form_message(e: AppError) -> Result<String, PageError> {
    match e {
        AppError::Invalid { field, message } => {
            let label = match field {
                "email" => "E-mail",
                "password" => "Senha",
                "name" => "Nome",
                "role" => "Perfil",
                other => other,
            };
            Ok(format!("{label}: {message}"))
        }
        AppError::Conflict(m) if m.contains("e-mail") => {
            Ok("Já existe um usuário com esse e-mail.".into())
        }
        AppError::Conflict(m) if m.contains("admin") => {
            Ok("A organização precisa manter ao menos um administrador ativo.".into())
        }
        AppError::Conflict(m) => Ok(m),
        other => Err(PageError(other)),
    }
}

fn refused(t: &impl Template) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Html(render(t))).into_response()
}

pub async fn create_user(
    State(state): State<AppState>,
    s: UserSession,
    Form(f): Form<NewUserForm>,
) -> Result<Response, PageError> {
    s.0.principal.require(Role::Admin)?;
    let result = match parse_new_user(&f) {
        Ok(input) => state
            .app
            .create_user(s.0.principal.org_id, input, s.0.principal.actor)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/configuracoes/usuarios?ok=criado").into_response()),
        Err(e) => {
            let msg = form_message(e)?;
            Ok(refused(&users_page(&state, &s, None, Some(msg)).await?))
        }
    }
}

#[derive(Template)]
#[template(path = "user_edit.html")]
struct UserEditPage {
    layout: Option<Layout>,
    csrf: String,
    user: UserRow,
    roles: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
    error: Option<String>,
}

async fn user_page(
    state: &AppState,
    s: &UserSession,
    id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Result<UserEditPage, PageError> {
    let user = state.app.get_user(&s.0.principal, id).await?;
    Ok(UserEditPage {
        layout: Some(Layout::new(state, &s.0, "/configuracoes").await?),
        csrf: s.0.csrf_token.clone(),
        user: UserRow::of(&user),
        roles: role_options(Role::Admin),
        notice,
        error,
    })
}

pub async fn user(
    State(state): State<AppState>,
    s: UserSession,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<Notice>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    Ok(page(
        &user_page(&state, &s, id, notice_text(q.ok.as_deref()), None).await?,
    ))
}

#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    active: Option<String>,
}

pub async fn update_user(
    State(state): State<AppState>,
    s: UserSession,
    Path(id): Path<String>,
    Form(f): Form<UserForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    s.0.principal.require(Role::Admin)?;
    let result = match f.role.parse::<Role>() {
        Ok(role) => state
            .app
            .update_user(&s.0.principal, id, &f.name, role, f.active.is_some())
            .await
            .map(|_| ()),
        Err(_) => Err(AppError::invalid("role", "perfil desconhecido")),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/configuracoes/usuarios/{id}?ok=salvo")).into_response())
        }
        Err(AppError::NotFound) => Err(PageError(AppError::NotFound)),
        Err(e) => {
            let msg = form_message(e)?;
            Ok(refused(&user_page(&state, &s, id, None, Some(msg)).await?))
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    s: UserSession,
    Path(id): Path<String>,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    s.0.principal.require(Role::Admin)?;
    let result = match NewPassword::parse(&f.password) {
        Ok(pw) => state.app.set_password(&s.0.principal, id, &pw).await,
        Err(e) => Err(AppError::invalid("password", pt_password(&e))),
    };
    match result {
        Ok(()) if Some(id) == s.0.principal.user_id => Ok(Redirect::to("/entrar").into_response()),
        Ok(()) => {
            Ok(Redirect::to(&format!("/configuracoes/usuarios/{id}?ok=senha")).into_response())
        }
        Err(AppError::NotFound) => Err(PageError(AppError::NotFound)),
        Err(e) => {
            let msg = form_message(e)?;
            Ok(refused(&user_page(&state, &s, id, None, Some(msg)).await?))
        }
    }
}

struct TokenRow {
    id: i64,
    name: String,
    prefix: String,
    role: &'static str,
    created: String,
    last_used: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    layout: Option<Layout>,
    csrf: String,
    tokens: Vec<TokenRow>,
    roles: Vec<(&'static str, &'static str)>,
    new_secret: Option<String>,
    error: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    s: &UserSession,
    new_secret: Option<String>,
    error: Option<String>,
) -> Result<TokensPage, PageError> {
    let tokens = state.app.list_tokens(&s.0.principal).await?;
    let tz = "America/Sao_Paulo";
    Ok(TokensPage {
        layout: Some(Layout::new(state, &s.0, "/configuracoes").await?),
        csrf: s.0.csrf_token.clone(),
        tokens: tokens
            .iter()
            .map(|t| TokenRow {
                id: t.id,
                name: t.name.clone(),
                prefix: t.prefix.clone(),
                role: t.role.label_pt(),
                created: format::date(t.created_at, tz),
                last_used: t
                    .last_used_at
                    .map_or_else(|| "nunca".to_owned(), |u| format::date_time(u, tz)),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        roles: role_options(s.0.principal.role),
        new_secret,
        error,
    })
}

pub async fn tokens(State(state): State<AppState>, s: UserSession) -> Result<Response, PageError> {
    Ok(page(&tokens_page(&state, &s, None, None).await?))
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    s: UserSession,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    s.0.principal.require(Role::Admin)?;
    let result = match f.role.parse::<Role>() {
        Ok(role) => state.app.issue_token(&s.0.principal, &f.name, role).await,
        Err(_) => Err(AppError::invalid("role", "perfil desconhecido")),
    };
    match result {
        Ok(created) => Ok(page(
            &tokens_page(&state, &s, Some(created.secret.expose().to_owned()), None).await?,
        )),
        Err(e) => {
            let msg = form_message(e)?;
            Ok(refused(&tokens_page(&state, &s, None, Some(msg)).await?))
        }
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    s: UserSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    state.app.revoke_token(&s.0.principal, id).await?;
    Ok(Redirect::to("/configuracoes/tokens").into_response())
}

struct AuditRow {
    when: String,
    who: String,
    action: String,
    target: String,
    ip: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Option<Layout>,
    entries: Vec<AuditRow>,
    older: Option<i64>,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    antes: Option<String>,
}

pub async fn audit(
    State(state): State<AppState>,
    s: UserSession,
    PageQuery(q): PageQuery<AuditQuery>,
) -> Result<Response, PageError> {
    const PAGE: i64 = 100;
    let before = q.antes.as_deref().and_then(|b| b.parse::<i64>().ok());
    let entries = state.app.audit_log(&s.0.principal, before, PAGE).await?;
    let names: std::collections::HashMap<i64, String> =
        match state.app.list_users(&s.0.principal).await {
            Ok(users) => users.into_iter().map(|u| (u.id, u.name)).collect(),
            Err(_) => Default::default(),
        };
    let tz = "America/Sao_Paulo";
    let older = (entries.len() as i64 == PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let rows = entries
        .iter()
        .map(|e| AuditRow {
            when: format::date_time(e.created_at, tz),
            who: match e.actor {
                Actor::User(id) => names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("usuário #{id}")),
                Actor::Token(id) => format!("token #{id}"),
                Actor::Cli => "linha de comando".into(),
                Actor::System => "sistema".into(),
            },
            action: format::audit_action(&e.action).to_owned(),
            target: e
                .target
                .as_deref()
                .map(format::audit_target)
                .unwrap_or_default(),
            ip: e.ip.clone().unwrap_or_default(),
        })
        .collect();
    Ok(page(&AuditPage {
        layout: Some(Layout::new(&state, &s.0, "/configuracoes").await?),
        entries: rows,
        older,
    }))
}
