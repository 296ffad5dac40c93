//! API tokens of the caller's organization (admin only).

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use quita_app::AppError;

use super::{
    ApiJson,
    dto::{CreatedTokenDto, NewTokenBody, TokenDto},
    path_id,
};
use crate::{AppState, auth::ApiPrincipal, error::ApiError};

/// The organization's tokens (secrets are never listed).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", operation_id = "list_tokens",
    responses((status = 200, body = [TokenDto]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Vec<TokenDto>>, ApiError> {
    Ok(Json(
        state
            .app
            .list_tokens(&p)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Issues a token; its secret appears only in this response.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", operation_id = "create_token", request_body = NewTokenBody,
    responses((status = 201, body = CreatedTokenDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    body: ApiJson<NewTokenBody>,
) -> Result<(StatusCode, Json<CreatedTokenDto>), ApiError> {
    let role = body
        .0
        .role
        .parse()
        .map_err(|e| AppError::invalid("role", e))?;
    let created = state.app.issue_token(&p, &body.0.name, role).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenDto {
            secret: created.secret.expose().to_owned(),
            token: created.token.into(),
        }),
    ))
}

/// Revokes a token of the caller's organization.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", operation_id = "revoke_token", params(("id" = i64, Path, description = "Token id")),
    responses((status = 200, body = TokenDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn revoke(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<TokenDto>, ApiError> {
    Ok(Json(
        state.app.revoke_token(&p, path_id(&id)?).await?.into(),
    ))
}
