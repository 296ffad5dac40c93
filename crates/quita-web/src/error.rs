//! The one place where errors become HTTP responses: problem JSON for the
//! API, a pt-BR page for the UI. Internal errors are logged and never echoed.

use axum::{
    Json,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use quita_app::AppError;
use serde::Serialize;

/// An RFC 9457 problem object with a stable `code`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:quita:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code (e.g. `not_found`, `invalid_input`, `csrf`).
    pub code: String,
    pub detail: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

pub fn problem(
    status: StatusCode,
    code: &str,
    detail: impl Into<String>,
    field: Option<String>,
) -> Response {
    let body = Problem {
        kind: format!("urn:quita:problem:{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        code: code.to_owned(),
        detail: detail.into(),
        field,
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        Json(body),
    )
        .into_response()
}

/// An error answered to an API caller.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        if let AppError::Internal(e) = &self.0 {
            tracing::error!(error = ?e, "internal error");
            return problem(
                status,
                "internal",
                "internal error; see the server log",
                None,
            );
        }
        let field = match &self.0 {
            AppError::Invalid { field, .. } => Some((*field).to_owned()),
            _ => None,
        };
        problem(status, self.0.code(), self.0.to_string(), field)
    }
}

/// An error answered with an HTML page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let message = match &self.0 {
            AppError::NotFound => "Página ou registro não encontrado.".to_owned(),
            AppError::Forbidden => "Seu perfil não tem permissão para esta ação.".to_owned(),
            AppError::Unauthenticated => "Entre novamente para continuar.".to_owned(),
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                "Ocorreu um erro interno. Tente novamente; se persistir, avise o administrador."
                    .to_owned()
            }
            // Page forms give pt-BR messages that already name the field.
            AppError::Invalid { message, .. } => message.clone(),
            other => other.to_string(),
        };
        error_page(status, &message)
    }
}

pub fn error_page(status: StatusCode, message: &str) -> Response {
    let title = match status.as_u16() {
        403 => "Acesso negado",
        404 => "Não encontrado",
        422 => "Dados inválidos",
        429 => "Muitas tentativas",
        500..=599 => "Erro interno",
        _ => "Não foi possível concluir",
    };
    let page = crate::pages::ErrorPage {
        layout: None,
        title,
        message,
        status: status.as_u16(),
    };
    (status, Html(crate::pages::render(&page))).into_response()
}

/// A panic in a handler becomes a 500 without its message (it may hold data).
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error; see the server log",
        None,
    )
}

/// Problem JSON under `/api/`, an HTML page elsewhere.
pub fn respond(path: &str, e: AppError) -> Response {
    if path.starts_with("/api/") {
        ApiError(e).into_response()
    } else {
        PageError(e).into_response()
    }
}
