//! The caller, its organization, the dashboard and the audit log.

use axum::{Json, extract::State};
use quita_store::audit::Actor;
use serde::Deserialize;
use utoipa::IntoParams;

use super::ApiQuery;
use super::dto::{AuditEntryDto, DashboardDto, MeDto, OrganizationDto};
use crate::{AppState, auth::ApiPrincipal, error::ApiError};
use quita_core::{money::Money, role::Role};

/// Who the caller is and in which organization.
#[utoipa::path(get, path = "/api/v1/me", tag = "organization",
    responses((status = 200, body = MeDto), (status = 401, body = crate::error::Problem)))]
pub async fn me(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<MeDto>, ApiError> {
    let org = state.app.organization(&p).await?;
    let (kind, id) = match p.actor {
        Actor::User(id) => ("user", id),
        Actor::Token(id) => ("token", id),
        Actor::Cli | Actor::System => ("system", 0),
    };
    Ok(Json(MeDto {
        kind: kind.into(),
        id,
        name: p.name.clone(),
        role: p.role,
        organization: org.into(),
    }))
}

/// The caller's organization.
#[utoipa::path(get, path = "/api/v1/organization", tag = "organization",
    responses((status = 200, body = OrganizationDto), (status = 401, body = crate::error::Problem)))]
pub async fn organization(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<OrganizationDto>, ApiError> {
    Ok(Json(state.app.organization(&p).await?.into()))
}

/// The Painel's counts: people, sessions, jobs and the portfolio.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "organization",
    responses((status = 200, body = DashboardDto), (status = 401, body = crate::error::Problem)))]
pub async fn dashboard(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<DashboardDto>, ApiError> {
    let d = state.app.dashboard(&p).await?;
    let c = d.counts;
    let admin = |n: i64| p.role.allows(Role::Admin).then_some(n);
    Ok(Json(DashboardDto {
        users_active: c.users_active,
        users_inactive: c.users_inactive,
        admins: c.admins,
        supervisors: c.supervisors,
        agents: c.agents,
        viewers: c.viewers,
        api_tokens_active: admin(c.api_tokens_active),
        audit_events_24h: admin(c.audit_events_24h),
        logins_24h: admin(c.logins_24h),
        failed_logins_24h: admin(c.failed_logins_24h),
        sessions_live: admin(d.sessions_live),
        jobs_queued: d.jobs_queued,
        jobs_dead: d.jobs_dead,
        creditors: d.portfolio.creditors,
        debtors: d.portfolio.debtors,
        receivables_open: d.portfolio.receivables_open,
        open_balance: Money::from_centavos(d.portfolio.open_balance).to_string(),
        overdue_open: d.portfolio.overdue_open,
        overdue_balance: Money::from_centavos(d.portfolio.overdue_balance).to_string(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only entries with a smaller id (keyset pagination).
    before: Option<i64>,
    /// At most this many (1–500, default 100).
    limit: Option<i64>,
}

/// The audit log, newest first (supervisor or admin).
#[utoipa::path(get, path = "/api/v1/audit", tag = "organization", params(AuditParams),
    responses((status = 200, body = [AuditEntryDto]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn audit(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> Result<Json<Vec<AuditEntryDto>>, ApiError> {
    let entries = state
        .app
        .audit_log(&p, q.before, crate::api::page_limit(q.limit, 100, 500)?)
        .await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| {
                let (actor_kind, actor_id) = (e.actor.kind(), e.actor.id());
                AuditEntryDto {
                    id: e.id,
                    actor_kind: actor_kind.into(),
                    actor_id,
                    action: e.action,
                    target: e.target,
                    details: e.details,
                    ip: e.ip,
                    created_at: e.created_at.to_string(),
                }
            })
            .collect(),
    ))
}
