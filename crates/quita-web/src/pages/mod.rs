//! The pt-BR HTML pages.

pub mod carteiras;
pub(crate) mod contratos;
pub mod devedores;
mod enriquecimento;
mod importacoes;
pub mod indices;
mod linha_do_tempo;
mod login;
pub(crate) mod marcacoes;
mod painel;
pub mod relatorios;
mod settings;
mod titulos;

use askama::Template;
use axum::{
    Router,
    http::{StatusCode, Uri},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use quita_app::{AppError, auth::SessionInfo};
use quita_core::role::Role;

use crate::{AppState, error::error_page};
pub use login::{login_address, page_named_by};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/painel") }))
        .route("/login", get(|| async { Redirect::to("/entrar") }))
        .route("/entrar", get(login::form).post(login::submit))
        .route("/sair", post(login::logout))
        .route("/painel", get(painel::show))
        .route("/painel/numeros", get(painel::numbers))
        .route("/configuracoes", get(settings::hub))
        .route(
            "/configuracoes/usuarios",
            get(settings::users).post(settings::create_user),
        )
        .route(
            "/configuracoes/usuarios/{id}",
            get(settings::user).post(settings::update_user),
        )
        .route(
            "/configuracoes/usuarios/{id}/senha",
            post(settings::reset_password),
        )
        .route(
            "/configuracoes/tokens",
            get(settings::tokens).post(settings::create_token),
        )
        .route(
            "/configuracoes/tokens/{id}/revogar",
            post(settings::revoke_token),
        )
        .route("/configuracoes/auditoria", get(settings::audit))
        .route("/carteiras", get(carteiras::list).post(carteiras::create))
        .route(
            "/carteiras/{id}",
            get(carteiras::show).post(carteiras::update),
        )
        .route(
            "/carteiras/{id}/importar",
            get(carteiras::import_form)
                .post(carteiras::import_upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::imports::IMPORT_LIMIT,
                )),
        )
        .route(
            "/importacoes/contatos",
            get(enriquecimento::form)
                .post(enriquecimento::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::imports::IMPORT_LIMIT,
                )),
        )
        .route("/indices", get(indices::list).post(indices::import))
        .route("/importacoes/{id}", get(importacoes::show))
        .route("/modelos/{name}", get(importacoes::sample))
        .route("/importacoes/{id}/progresso", get(importacoes::progress))
        .route("/importacoes/{id}/erros.csv", get(importacoes::errors))
        .route("/devedores", get(devedores::list))
        .route("/devedores/busca", get(devedores::search))
        .route("/devedores/{id}", get(devedores::show))
        .route("/devedores/{id}/contratos", post(contratos::save))
        .route("/devedores/{id}/alertas", post(marcacoes::debtor))
        .route("/devedores/{id}/nome", post(marcacoes::rename))
        .route(
            "/devedores/{id}/documento",
            post(devedores::show_document).get(devedores::document_address),
        )
        .route(
            "/devedores/{id}/titulos/{receivable}/encerrar",
            post(titulos::close),
        )
        .route("/devedores/{id}/contatos", post(marcacoes::add_contact))
        .route(
            "/devedores/{id}/contatos/{contact}",
            post(marcacoes::contact),
        )
        .route("/relatorios", get(relatorios::index))
        .route("/relatorios/aging", get(relatorios::aging))
        .route("/relatorios/aging.csv", get(relatorios::aging_csv_download))
        .route(
            "/relatorios/aging/carteiras.csv",
            get(relatorios::aging_by_creditor_csv_download),
        )
        .route(
            "/relatorios/aging.xlsx",
            get(relatorios::aging_xlsx_download),
        )
        .route("/relatorios/aging/devedores", get(relatorios::debtors))
        .route(
            "/relatorios/aging/devedores.csv",
            get(relatorios::debtors_csv),
        )
        .route(
            "/relatorios/aging/devedores.xlsx",
            get(relatorios::debtors_xlsx),
        )
        .route("/relatorios/aging/faixa/{index}", get(relatorios::bucket))
        .route(
            "/relatorios/aging/faixa/{index}/titulos.csv",
            get(relatorios::bucket_csv),
        )
}

/// Renders a template; a template error is a bug, logged and shown as a 500 page text.
pub fn render<T: Template>(t: &T) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template failed to render");
        "<!doctype html><title>Erro</title><p>Erro interno ao montar a página.</p>".to_owned()
    })
}

pub fn page<T: Template>(t: &T) -> Response {
    Html(render(t)).into_response()
}

/// One entry of the navigation bar.
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub enabled: bool,
    pub active: bool,
}

/// What every logged-in page shows around its content.
pub struct Layout {
    pub user_name: String,
    pub role_label: &'static str,
    pub org_name: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

/// The areas of the product, in the order a collection team works them.
/// Areas not yet built are shown but not linked.
const AREAS: [(&str, &str, bool, Role); 10] = [
    ("Painel", "/painel", true, Role::Viewer),
    ("Carteiras", "/carteiras", true, Role::Viewer),
    // Viewers and agents may open it (the debtor page links to it), but
    // only those who import tables see it in the bar.
    ("Índices", "/indices", true, Role::Supervisor),
    ("Devedores", "/devedores", true, Role::Agent),
    ("Régua", "/regua", false, Role::Supervisor),
    ("Fila", "/fila", false, Role::Agent),
    ("Acordos", "/acordos", false, Role::Agent),
    ("Pagamentos", "/pagamentos", false, Role::Supervisor),
    ("Relatórios", "/relatorios", true, Role::Viewer),
    ("Configurações", "/configuracoes", true, Role::Supervisor),
];

impl Layout {
    pub async fn new(state: &AppState, s: &SessionInfo, active: &str) -> Result<Self, AppError> {
        let org = state.app.organization(&s.principal).await?;
        let nav = AREAS
            .iter()
            .filter(|(_, _, _, min)| s.principal.role.allows(*min))
            .map(|&(label, href, enabled, _)| NavItem {
                label,
                href,
                enabled,
                active: href == active,
            })
            .collect();
        Ok(Self {
            user_name: s.user.name.clone(),
            role_label: s.principal.role.label_pt(),
            org_name: org.name,
            csrf: s.csrf_token.clone(),
            nav,
        })
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    /// Always `None`: error pages are shown without navigation (the session may be the problem).
    pub layout: Option<Layout>,
    pub title: &'a str,
    pub message: &'a str,
    pub status: u16,
    /// The login page's address, when the session ended (then no status
    /// code is shown: nothing is wrong but the session).
    pub login: Option<&'a str>,
}

/// Role options for select boxes, up to `max`.
pub fn role_options(max: Role) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .filter(|r| max.allows(**r))
        .map(|r| (r.as_str(), r.label_pt()))
        .collect()
}

pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::problem(StatusCode::NOT_FOUND, "not_found", "no such route", None);
    }
    error_page(StatusCode::NOT_FOUND, "Página não encontrada.")
}

/// `Query` whose refusal is a pt-BR page naming the parameter (`?depois=abc`
/// from an edited link), not axum's plain English text.
pub struct PageQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for PageQuery<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = axum::response::Response;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(rejection) => Err(crate::error::error_page(
                axum::http::StatusCode::BAD_REQUEST,
                &query_problem(&rejection.body_text()),
            )),
        }
    }
}

/// `Failed to deserialize query string: depois: invalid digit…` → a pt-BR
/// sentence naming `depois`.
fn query_problem(body: &str) -> String {
    match query_param(body) {
        Some(param) => format!(
            "O endereço traz um valor inválido no parâmetro «{param}». Volte à página anterior e use os campos e links da página."
        ),
        None => "O endereço traz parâmetros inválidos. Volte à página anterior e use os campos e links da página.".to_owned(),
    }
}

/// The parameter a refused query string names (`Failed to deserialize
/// query string: depois: invalid digit…` → `depois`), if it names one.
pub fn query_param(body: &str) -> Option<&str> {
    let detail = body
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(body);
    let (param, _) = detail.split_once(": ")?;
    (!param.is_empty()
        && param.len() <= 40
        && param
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    .then_some(param)
}

/// Parses an id from the path; anything else is simply "not found".
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// An optional percentage of a form ("2", "2,5"); blank is `None`.
pub fn percent_field(
    field: &'static str,
    label: &str,
    raw: &str,
) -> Result<Option<quita_core::rate::Percent>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    use quita_core::rate::{Percent, RateError};
    Percent::parse_typed(raw).map(Some).map_err(|e| {
        let why = match e {
            RateError::Negative => "o percentual não pode ser negativo".to_owned(),
            RateError::TooPrecise => "use no máximo seis casas decimais".to_owned(),
            RateError::TooLarge => format!(
                "o percentual passa do máximo aceito ({}%)",
                crate::format::decimal_grouped(Percent::MAX.as_decimal())
            ),
            RateError::Ambiguous => {
                "ponto antes de três algarismos é milhar: use vírgula para decimais, por exemplo 2,5"
                    .to_owned()
            }
            RateError::Empty | RateError::Invalid => {
                "informe um percentual, por exemplo 2 ou 2,5".to_owned()
            }
        };
        AppError::invalid(field, format!("{label}: {why}"))
    })
}

/// Optional grace days of a form, 0 to 365; blank is `None`.
pub fn grace_days_field(raw: &str) -> Result<Option<u16>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<u16>()
            .ok()
            .filter(|d| *d <= 365)
            .map(Some)
            .ok_or_else(|| {
                AppError::invalid(
                    "grace_days",
                    "Dias de carência: informe um número de 0 a 365",
                )
            }),
    }
}

/// The faults of a refused form, each with the `name` of the field it is
/// about (`form` when it is about no one field), in the form's order. The
/// page lists them all at the top (a `role="alert"` summary that takes the
/// focus) and marks each field: `aria-invalid`, and `aria-describedby`
/// naming its message shown beside it (`erro-<field>`).
#[derive(Debug, Default, Clone)]
pub struct FormErrors(pub Vec<(&'static str, String)>);

impl FormErrors {
    pub fn one(field: &'static str, message: impl Into<String>) -> Self {
        Self(vec![(field, message.into())])
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `field` has a fault.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| *f == field)
    }

    /// The messages about `field`, one sentence after another.
    pub fn of(&self, field: &str) -> Option<String> {
        let all: Vec<&str> = self
            .0
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join("; "))
    }

    /// Every message, in order.
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(_, m)| m.as_str())
    }

    /// The attributes of `field`'s input: marked invalid and described by
    /// its message, when it has one (safe: `field` is the page's own name).
    pub fn attrs(&self, field: &str) -> String {
        if self.has(field) {
            format!(r#" aria-invalid="true" aria-describedby="erro-{field}""#)
        } else {
            String::new()
        }
    }
}
