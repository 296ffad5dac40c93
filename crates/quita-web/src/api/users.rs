//! Users of the caller's organization (admin only).

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use quita_app::{AppError, admin::NewUserInput};
use quita_core::{email::Email, password::NewPassword, role::Role};

use super::{
    ApiJson,
    dto::{NewUserBody, UserDto, UserPatchBody},
    path_id,
};
use crate::{AppState, auth::ApiPrincipal, error::ApiError};

/// The organization's users.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", operation_id = "list_users",
    responses((status = 200, body = [UserDto]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Vec<UserDto>>, ApiError> {
    Ok(Json(
        state
            .app
            .list_users(&p)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates a user in the caller's organization.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", operation_id = "create_user", request_body = NewUserBody,
    responses((status = 201, body = UserDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    body: ApiJson<NewUserBody>,
) -> Result<(StatusCode, Json<UserDto>), ApiError> {
    p.require(Role::Admin)?;
    let b = body.0;
    let input = NewUserInput {
        email: Email::parse(&b.email).map_err(|e| AppError::invalid("email", e))?,
        name: b.name,
        role: b.role.parse().map_err(|e| AppError::invalid("role", e))?,
        password: NewPassword::parse(&b.password).map_err(|e| AppError::invalid("password", e))?,
    };
    let user = state.app.create_user(p.org_id, input, p.actor).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// One user of the caller's organization.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = UserDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(state.app.get_user(&p, path_id(&id)?).await?.into()))
}

/// Changes a user's name, role or active flag.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path, description = "User id")), request_body = UserPatchBody,
    responses((status = 200, body = UserDto), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    body: ApiJson<UserPatchBody>,
) -> Result<Json<UserDto>, ApiError> {
    let id = path_id(&id)?;
    let current = state.app.get_user(&p, id).await?;
    let b = body.0;
    let role = match b.role {
        Some(r) => r.parse().map_err(|e| AppError::invalid("role", e))?,
        None => current.role,
    };
    let name = b.name.unwrap_or(current.name);
    let user = state
        .app
        .update_user(&p, id, &name, role, b.active.unwrap_or(current.active))
        .await?;
    Ok(Json(user.into()))
}
