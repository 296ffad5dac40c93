//! The Painel (dashboard): real counts of the organization.

use askama::Template;
use axum::{extract::State, response::Response};
use quita_app::dashboard::Dashboard;
use quita_core::role::Role;

use super::{Layout, page};
use crate::{AppState, auth::UserSession, error::PageError, format};

/// The figures, formatted pt-BR. Sessions, tokens, logins and audit
/// events are the administrator's business: the cards show only to admins.
struct Numbers {
    admin: bool,
    creditors: String,
    debtors: String,
    receivables_open: String,
    open_balance: String,
    overdue_open: String,
    overdue_balance: String,
    users_active: String,
    admins: String,
    supervisors: String,
    agents: String,
    viewers: String,
    sessions_live: String,
    api_tokens_active: String,
    logins_24h: String,
    failed_logins_24h: String,
    audit_events_24h: String,
    jobs_queued: String,
    jobs_dead: String,
}

impl Numbers {
    fn of(d: &Dashboard, admin: bool) -> Self {
        let c = &d.counts;
        let p = &d.portfolio;
        let brl = |v: i64| quita_core::money::Money::from_centavos(v).format_brl();
        Self {
            admin,
            creditors: format::plural(p.creditors, "credor", "credores"),
            debtors: format::count(p.debtors),
            receivables_open: format::count(p.receivables_open),
            open_balance: brl(p.open_balance),
            overdue_open: format::count(p.overdue_open),
            overdue_balance: brl(p.overdue_balance),
            users_active: format::count(c.users_active),
            admins: format::plural(c.admins, "administrador", "administradores"),
            supervisors: format::plural(c.supervisors, "supervisor", "supervisores"),
            agents: format::plural(c.agents, "operador", "operadores"),
            viewers: format::plural(c.viewers, "visualizador", "visualizadores"),
            sessions_live: format::count(d.sessions_live),
            api_tokens_active: format::count(c.api_tokens_active),
            logins_24h: format::count(c.logins_24h),
            failed_logins_24h: format::plural(
                c.failed_logins_24h,
                "tentativa malsucedida",
                "tentativas malsucedidas",
            ),
            audit_events_24h: format::count(c.audit_events_24h),
            jobs_queued: format::count(d.jobs_queued),
            jobs_dead: format!("{} com falha definitiva", format::count(d.jobs_dead)),
        }
    }
}

#[derive(Template)]
#[template(path = "painel.html")]
struct PainelPage {
    layout: Option<Layout>,
    org_name: String,
    updated_at: String,
    n: Numbers,
}

#[derive(Template)]
#[template(path = "painel_numeros.html")]
struct PainelNumbers {
    n: Numbers,
}

pub async fn show(State(state): State<AppState>, s: UserSession) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &s.0, "/painel").await?;
    let d = state.app.dashboard(&s.0.principal).await?;
    let org = state.app.organization(&s.0.principal).await?;
    Ok(page(&PainelPage {
        org_name: layout.org_name.clone(),
        updated_at: format::date_time(state.app.now(), &org.time_zone),
        layout: Some(layout),
        n: Numbers::of(&d, s.0.principal.role.allows(Role::Admin)),
    }))
}

/// The counts alone, refreshed by htmx every 30 s.
pub async fn numbers(State(state): State<AppState>, s: UserSession) -> Result<Response, PageError> {
    let d = state.app.dashboard(&s.0.principal).await?;
    Ok(page(&PainelNumbers {
        n: Numbers::of(&d, s.0.principal.role.allows(Role::Admin)),
    }))
}
