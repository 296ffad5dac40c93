//! Refuses a request whose query string, form or JSON body carries a NUL
//! character (U+0000), naming the field: PostgreSQL cannot store one in a
//! text column (the write failed as a 500) while SQLite stored it silently,
//! and no name, number or search ever needs one. Import and index files are
//! read by their own parsers, which refuse control characters by line.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::Response,
};
use http_body::Body as _;
use serde_json::Value;

use crate::AppState;

pub async fn refuse_nul(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if let Some(query) = req.uri().query()
        && let Some(field) = form_field_with_nul(query.as_bytes())
    {
        return refuse(&path, &field);
    }
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let form = ct.starts_with("application/x-www-form-urlencoded");
    let json = ct.starts_with("application/json");
    // A file sent as the whole body goes to its own parser whatever its
    // Content-Type says (curl sends `--data-binary` as a form).
    if (!form && !json) || takes_a_file(&path) {
        return next.run(req).await;
    }
    // Both are held to this limit by their extractors anyway; a body over
    // it goes on unread, for the extractor to refuse as it always has.
    let limit = state.settings.body_limit;
    let (parts, body) = req.into_parts();
    if body.size_hint().lower() > limit as u64 {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(e) if crate::error::is_over_limit(&e) => {
            return crate::error::payload_too_large(&path, limit);
        }
        Err(_) => return refuse(&path, "body"),
    };
    let found = if form {
        form_field_with_nul(&bytes)
    } else {
        json_field_with_nul(&bytes)
    };
    match found {
        Some(field) => refuse(&path, &field),
        None => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    }
}

/// The API routes whose body is a file (an import, an index table).
fn takes_a_file(path: &str) -> bool {
    path == "/api/v1/imports"
        || path == "/api/v1/imports/contacts"
        || (path.starts_with("/api/v1/index-tables/") && !path.ends_with('/'))
}

/// The first key of an `application/x-www-form-urlencoded` text whose key
/// or value decodes to something holding a NUL.
fn form_field_with_nul(raw: &[u8]) -> Option<String> {
    let suspicious = raw.contains(&0) || raw.windows(3).any(|w| w == b"%00");
    if !suspicious {
        return None;
    }
    form_urlencoded_pairs(raw)
        .into_iter()
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', ""))
}

fn form_urlencoded_pairs(raw: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw).unwrap_or_default()
}

/// The path (`policy.late_fine`, `items[2]`) of the first string of a JSON
/// body holding a NUL (only ever written `\u0000`), or a key holding one.
fn json_field_with_nul(raw: &[u8]) -> Option<String> {
    let escaped = raw
        .windows(6)
        .any(|w| w[..2] == *b"\\u" && w[2..] == *b"0000");
    if !escaped {
        return None;
    }
    let value: Value = serde_json::from_slice(raw).ok()?;
    fn walk(v: &Value, path: &str) -> Option<String> {
        match v {
            Value::String(s) if s.contains('\0') => Some(path.to_owned()),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| walk(item, &format!("{path}[{i}]"))),
            Value::Object(map) => map.iter().find_map(|(k, item)| {
                let here = if path.is_empty() {
                    k.replace('\0', "")
                } else {
                    format!("{path}.{}", k.replace('\0', ""))
                };
                if k.contains('\0') {
                    Some(here)
                } else {
                    walk(item, &here)
                }
            }),
            _ => None,
        }
    }
    walk(&value, "").map(|p| if p.is_empty() { "body".into() } else { p })
}

fn refuse(path: &str, field: &str) -> Response {
    // A file sent as a form (no Content-Type) reads as one huge "field":
    // name the body, never echo its bytes.
    let field = if field.chars().count() <= 60 && !field.chars().any(char::is_control) {
        field
    } else {
        "body"
    };
    if path.starts_with("/api/") {
        return crate::error::problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!("{field}: a NUL character (U+0000) is not accepted"),
            Some(field.to_owned()),
        );
    }
    crate::error::error_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!(
            "O campo «{field}» traz um caractere inválido (nulo). Volte à página anterior, corrija o valor e envie de novo."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::{form_field_with_nul, json_field_with_nul, refuse};

    /// A file sent as a form reads as one huge key: the problem names the
    /// body and never echoes the file's bytes.
    #[tokio::test]
    async fn a_file_sent_as_a_form_is_named_body() {
        let binary = format!("PK\u{3}\u{4}{}", "\u{1}x".repeat(500));
        let res = refuse("/api/v1/imports", &binary);
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(problem["field"], "body", "{problem}");
        assert!(bytes.len() < 400, "{problem}");
        let res = refuse("/api/v1/debtors", "name");
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&bytes).contains("\"field\":\"name\""));
    }

    #[test]
    fn names_the_field_holding_a_nul() {
        assert_eq!(form_field_with_nul(b"q=ab"), None);
        assert_eq!(form_field_with_nul(b"a=1&name=La%00b"), Some("name".into()));
        assert_eq!(form_field_with_nul(b"q=a%2500b"), None, "an escaped %");
        assert_eq!(json_field_with_nul(br#"{"name":"ok"}"#), None);
        assert_eq!(
            json_field_with_nul(br#"{"policy":{"late_fine":"2\u0000"}}"#),
            Some("policy.late_fine".into())
        );
        assert_eq!(
            json_field_with_nul(br#"{"tags":["a","b\u0000"]}"#),
            Some("tags[1]".into())
        );
        assert_eq!(json_field_with_nul(br#"{"name":"\\u0000"}"#), None);
        assert_eq!(json_field_with_nul(br#""\u0000""#), Some("body".into()));
    }
}
