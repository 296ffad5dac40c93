//! The one place where errors become HTTP responses: problem JSON for the
//! API, a pt-BR page for the UI. Internal errors are logged and never echoed.

use axum::{
    Json,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
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

/// What a page says when the database's disk is full.
pub const DISK_FULL: &str =
    "O disco do banco de dados está cheio. Nada foi gravado: libere espaço e tente de novo.";

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound | AppError::Absent { .. } => StatusCode::NOT_FOUND,
        AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Busy | AppError::DiskFull => StatusCode::SERVICE_UNAVAILABLE,
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
            AppError::Invalid { field, .. } | AppError::Absent { field, .. } => {
                Some((*field).to_owned())
            }
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
            AppError::NotFound | AppError::Absent { .. } => {
                "Página ou registro não encontrado.".to_owned()
            }
            AppError::Forbidden => "Seu perfil não tem permissão para esta ação.".to_owned(),
            AppError::Unauthenticated => "Entre novamente para continuar.".to_owned(),
            AppError::Busy => "Outra gravação (uma importação, por exemplo) está em andamento nesta base. Nada foi alterado: tente de novo em instantes.".to_owned(),
            AppError::DiskFull => DISK_FULL.to_owned(),
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
        413 => "Envio grande demais",
        422 => "Dados inválidos",
        429 => "Muitas tentativas",
        503 => "Tente de novo em instantes",
        500..=599 => "Erro interno",
        _ => "Não foi possível concluir",
    };
    let page = crate::pages::ErrorPage {
        layout: None,
        title,
        message,
        status: status.as_u16(),
        login: None,
    };
    (status, Html(crate::pages::render(&page))).into_response()
}

/// A page's form sent after its session ended: 401, saying so in plain
/// words, with the login that comes back to the page (`login`, the login
/// page's address).
pub fn session_ended_page(login: &str) -> Response {
    let page = crate::pages::ErrorPage {
        layout: None,
        title: "Sua sessão expirou",
        message: "Sua sessão terminou (por tempo sem uso ou porque você saiu em outra aba), por isso o que foi enviado não foi gravado. Entre novamente para voltar à página e refazer a alteração.",
        status: StatusCode::UNAUTHORIZED.as_u16(),
        login: Some(login),
    };
    (StatusCode::UNAUTHORIZED, Html(crate::pages::render(&page))).into_response()
}

/// The body limit of a route (`general` unless it takes import files), and
/// the command that imports a file of that kind without it.
fn limit_of(path: &str, general: usize) -> (usize, Option<&'static str>) {
    const RECEIVABLES: &str = "quita import receivables";
    const CONTACTS: &str = "quita import contacts";
    let import = crate::imports::IMPORT_LIMIT;
    match path {
        "/api/v1/imports" => (import, Some(RECEIVABLES)),
        "/importacoes/contatos" | "/api/v1/imports/contacts" => (import, Some(CONTACTS)),
        p if p.starts_with("/carteiras/") && p.ends_with("/importar") => {
            (import, Some(RECEIVABLES))
        }
        _ => (general, None),
    }
}

/// `200 MB`, `2 MB`, `1,5 MB`, `512 KB`.
fn size_label(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB {
        let tenths = (bytes % MB) * 10 / MB;
        if tenths == 0 {
            format!("{} MB", bytes / MB)
        } else {
            format!("{},{tenths} MB", bytes / MB)
        }
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// A body over the route's limit: a pt-BR page naming the limit (and, for
/// an import, how to send more), or problem JSON under `/api/`. `general`
/// is the limit of routes that take no import files.
pub fn payload_too_large(path: &str, general: usize) -> Response {
    let (limit, cli) = limit_of(path, general);
    too_large_answer(path, limit, cli)
}

/// A body over `limit` whatever the route: an urlencoded form, which is
/// never an import file.
pub fn form_too_large(path: &str, limit: usize) -> Response {
    too_large_answer(path, limit, None)
}

fn too_large_answer(path: &str, limit: usize, cli: Option<&str>) -> Response {
    let size = size_label(limit);
    if path.starts_with("/api/") {
        let detail = match cli {
            Some(cli) => format!(
                "request body exceeds the limit of {size}; split the file or use the CLI ({cli})"
            ),
            None => format!("request body exceeds the limit of {size}"),
        };
        return problem(StatusCode::PAYLOAD_TOO_LARGE, "too_large", detail, None);
    }
    let message = match cli {
        Some(cli) => format!(
            "O arquivo passa do limite de {size}. Divida-o em partes menores ou use a linha de comando ({cli})."
        ),
        None => format!(
            "O envio passa do limite de {size}. Reduza o arquivo ou o texto enviado e tente novamente."
        ),
    };
    error_page(StatusCode::PAYLOAD_TOO_LARGE, &message)
}

/// Whether an error is a length limit cutting a streamed body (answered
/// 413, as a declared length over it would be), wherever it sits in the
/// error's source chain: a body error, or a multipart error whose stream
/// failed because the body below it was cut (a chunked upload announces no
/// length, so only the limit reading it can tell).
pub fn is_over_limit(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Whether a multipart error is the route's body limit: the extractor's
/// own verdict, or a length limit found in its source chain.
pub fn multipart_over_limit(e: &axum::extract::multipart::MultipartError) -> bool {
    e.status() == StatusCode::PAYLOAD_TOO_LARGE || is_over_limit(e)
}

/// Middleware outside the body limits: their bare `413` (tower-http's
/// `RequestBodyLimit`, an axum extractor over `DefaultBodyLimit`) becomes
/// [`payload_too_large`], and the router's bare `405` a problem like every
/// other API answer under `/api/`, the app's error page elsewhere. One already answered as a page or
/// as problem JSON passes unchanged.
pub async fn too_large(State(state): State<crate::AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let res = next.run(req).await;
    let status = res.status();
    if status != StatusCode::PAYLOAD_TOO_LARGE && status != StatusCode::METHOD_NOT_ALLOWED {
        return res;
    }
    let shaped = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.starts_with("text/html") || ct.starts_with("application/problem+json")
        });
    if shaped {
        return res;
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        let allow = res.headers().get(header::ALLOW).cloned();
        // A page's form address typed or reloaded in the browser gets the
        // app's own page, not the router's empty answer.
        let mut answer = if path.starts_with("/api/") {
            problem(
                status,
                "method_not_allowed",
                format!("{path} does not take {method}"),
                None,
            )
        } else {
            error_page(
                status,
                "Este endereço recebe um formulário e não abre diretamente no navegador.",
            )
        };
        if let Some(allow) = allow {
            answer.headers_mut().insert(header::ALLOW, allow);
        }
        return answer;
    }
    payload_too_large(&path, state.settings.body_limit)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_is_try_again_later() {
        assert_eq!(status_of(&AppError::Busy), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            status_of(&AppError::DiskFull),
            StatusCode::SERVICE_UNAVAILABLE
        );
        let page = PageError(AppError::Busy).into_response();
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn limits_are_named_per_route() {
        assert_eq!(size_label(200 * 1024 * 1024), "200 MB");
        assert_eq!(size_label(2 * 1024 * 1024), "2 MB");
        assert_eq!(size_label(3 * 512 * 1024), "1,5 MB");
        assert_eq!(size_label(256 * 1024), "256 KB");
        let general = 2 * 1024 * 1024;
        assert_eq!(
            limit_of("/carteiras/7/importar", general),
            (
                crate::imports::IMPORT_LIMIT,
                Some("quita import receivables")
            )
        );
        assert_eq!(
            limit_of("/importacoes/contatos", general).1,
            Some("quita import contacts")
        );
        assert_eq!(limit_of("/carteiras/7", general), (general, None));
        assert_eq!(limit_of("/indices", general), (general, None));
    }

    #[tokio::test]
    async fn a_streamed_body_cut_at_its_limit_is_told_apart() {
        use axum::body::{Body, HttpBody as _};
        use http_body_util::{Full, Limited};
        let mut over = Body::new(Limited::new(
            Full::new(axum::body::Bytes::from(vec![0u8; 10])),
            5,
        ));
        let err = std::future::poll_fn(|cx| std::pin::Pin::new(&mut over).poll_frame(cx))
            .await
            .and_then(Result::err)
            .expect("a body over its limit fails");
        assert!(is_over_limit(&err));
        let broken = axum::Error::new(std::io::Error::other("connection reset"));
        assert!(!is_over_limit(&broken));
    }

    /// A body whose connection broke.
    struct Broken;

    impl http_body::Body for Broken {
        type Data = axum::body::Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
            std::task::Poll::Ready(Some(Err(std::io::Error::other("connection reset"))))
        }
    }

    /// A multipart upload whose body is cut by a limit under another (the
    /// route's and the router's, on a chunked upload): the extractor sees
    /// only "failed to read stream", the chain still says why.
    #[tokio::test]
    async fn a_multipart_stream_cut_below_is_over_limit() {
        use axum::{
            body::{Body, Bytes},
            extract::{FromRequest, Multipart},
        };
        use http_body_util::{Full, Limited};
        let raw = format!(
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\n{}\r\n--b--\r\n",
            "x".repeat(100)
        );
        let first_error = |body: Body| async move {
            let req = axum::http::Request::post("/")
                .header("content-type", "multipart/form-data; boundary=b")
                .body(body)
                .unwrap();
            let mut form = Multipart::from_request(req, &()).await.unwrap();
            form.next_field().await.expect_err("the upload fails")
        };
        let cut = Body::new(Limited::new(
            Body::new(Limited::new(Full::new(Bytes::from(raw.clone())), 20)),
            10_000,
        ));
        let err = first_error(cut).await;
        assert!(multipart_over_limit(&err), "{err}");
        let err = first_error(Body::new(Broken)).await;
        assert!(!multipart_over_limit(&err), "{err}");
        let whole = Body::from(raw);
        let req = axum::http::Request::post("/")
            .header("content-type", "multipart/form-data; boundary=b")
            .body(whole)
            .unwrap();
        let mut form = Multipart::from_request(req, &()).await.unwrap();
        assert!(form.next_field().await.unwrap().is_some());
    }
}
