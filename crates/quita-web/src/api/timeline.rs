//! `GET /api/v1/debtors/{id}/timeline`: what people did to a debtor's
//! record, newest first — the events the debtor page's "Linha do tempo"
//! says in words, as data (ids, no contact values).

use axum::{
    Json,
    extract::{Path, State},
};
use quita_app::portfolio::timeline::{TimelineEvent, TimelineWhat};
use quita_core::role::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use super::path_id;
use crate::{AppState, auth::ApiPrincipal, error::ApiError};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Only events older than this id (keyset, from the previous page).
    before: Option<i64>,
    /// At most this many (1–500, default 50).
    limit: Option<i64>,
}

/// One event of a debtor's record.
#[derive(Serialize, ToSchema)]
pub struct TimelineEventDto {
    /// The cursor of the next page (`before=`).
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    /// `user`, `token`, `cli` or `system`.
    pub actor_kind: &'static str,
    pub actor_id: Option<i64>,
    /// The user's or token's name.
    pub actor_name: Option<String>,
    /// `{kind, …}`: `debtor_marked` {flags, tags}, `debtor_renamed` {from, to}, `contact_added`
    /// {contact_id, source}, `contact_marked` {contact_id, status, reason},
    /// `contract_saved` {contract_id, changed},
    /// `receivable_closed` {receivable_id, to, reason}, `receivable_imported`
    /// {receivable_id, changes, source} (a file changed it), `other` {action}.
    #[schema(value_type = Object)]
    pub event: TimelineWhat,
}

impl From<TimelineEvent> for TimelineEventDto {
    fn from(e: TimelineEvent) -> Self {
        let (actor_kind, actor_id) = (e.actor.kind(), e.actor.id());
        Self {
            id: e.id,
            at: e.at.to_string(),
            actor_kind,
            actor_id,
            actor_name: e.actor_name,
            event: e.what,
        }
    }
}

/// A debtor's timeline, newest first (agent and above).
#[utoipa::path(get, path = "/api/v1/debtors/{id}/timeline", tag = "portfolio", params(("id" = i64, Path, description = "Debtor id"), TimelineParams),
    responses((status = 200, body = [TimelineEventDto]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn debtor_timeline(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<TimelineParams>,
) -> Result<Json<Vec<TimelineEventDto>>, ApiError> {
    p.require(Role::Agent)?;
    let id = path_id(&raw)?;
    let events = state
        .app
        .debtor_timeline_of(&p, id, q.before, crate::api::page_limit(q.limit, 50, 500)?)
        .await?;
    Ok(Json(events.into_iter().map(Into::into).collect()))
}
