//! Refuses a query parameter the operation does not take (422 naming it),
//! from the OpenAPI document, so every operation does, with or without
//! parameters of its own: `?dry_run=1` on a close must not close anyway.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use axum::{
    extract::{MatchedPath, Request},
    http::StatusCode,
    middleware::Next,
    response::Response,
};
use utoipa::openapi::{OpenApi, RefOr, path::ParameterIn};

/// The query parameters of each operation, by method and path template.
pub type KnownParams = Arc<HashMap<(String, String), HashSet<String>>>;

pub fn of(doc: &OpenApi) -> KnownParams {
    let mut known = HashMap::new();
    for (path, item) in &doc.paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("PUT", &item.put),
            ("POST", &item.post),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ] {
            let Some(op) = op else { continue };
            let names = op
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    RefOr::T(p) if p.parameter_in == ParameterIn::Query => Some(p.name.clone()),
                    _ => None,
                })
                .collect();
            known.insert((method.to_owned(), path.clone()), names);
        }
    }
    Arc::new(known)
}

pub async fn refuse_unknown(known: KnownParams, req: Request, next: Next) -> Response {
    let (Some(query), Some(path)) = (req.uri().query(), req.extensions().get::<MatchedPath>())
    else {
        return next.run(req).await;
    };
    let Some(names) = known.get(&(req.method().as_str().to_owned(), path.as_str().to_owned()))
    else {
        return next.run(req).await;
    };
    let given: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    if let Some((unknown, _)) = given.iter().find(|(k, _)| !names.contains(k)) {
        let mut takes: Vec<&str> = names.iter().map(String::as_str).collect();
        takes.sort_unstable();
        let takes = if takes.is_empty() {
            "no query parameters".to_owned()
        } else {
            format!("only {}", takes.join(", "))
        };
        let shown = quita_core::text::excerpt(unknown, 40);
        return crate::error::problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_query",
            format!("unknown query parameter {shown:?}: this operation takes {takes}"),
            Some(shown),
        );
    }
    next.run(req).await
}
