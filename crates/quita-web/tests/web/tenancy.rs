//! One organization can neither read nor change another's data, through
//! any route, by session or by token.

use quita_core::role::Role;
use quita_store::{Db, audit::Actor, tokens, users};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, client, logged_in};

pub async fn organizations_cannot_see_each_other(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    let b_token = t
        .app
        .create_token(b.id, "beta-erp", Role::Admin, Actor::Cli, None)
        .await
        .unwrap();
    let b_users_before = users::list(&t.app.db, b.id).await.unwrap();

    // --- UI, as alfa's admin, aiming at beta's ids.
    let c = client();
    let csrf = logged_in(&t, &c, &a.email("admin")).await;
    let form = |extra: &[(&'static str, &'static str)]| {
        let mut f = vec![("_csrf", csrf.clone())];
        f.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        f
    };
    let ui_attempts = [
        (
            "GET",
            format!("/configuracoes/usuarios/{}", b.admin_id),
            vec![],
        ),
        (
            "POST",
            format!("/configuracoes/usuarios/{}", b.admin_id),
            form(&[("name", "Invadido"), ("role", "viewer")]),
        ),
        (
            "POST",
            format!("/configuracoes/usuarios/{}/senha", b.admin_id),
            form(&[("password", "senha-do-invasor")]),
        ),
        (
            "POST",
            format!("/configuracoes/tokens/{}/revogar", b_token.token.id),
            form(&[]),
        ),
    ];
    for (method, path, body) in &ui_attempts {
        let req = if *method == "GET" {
            c.get(t.url(path))
        } else {
            c.post(t.url(path)).form(body)
        };
        assert_eq!(
            req.send().await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "{method} {path}"
        );
    }
    // Listings show only alfa.
    for path in [
        "/configuracoes/usuarios",
        "/configuracoes/auditoria",
        "/configuracoes/tokens",
        "/configuracoes",
        "/painel",
        "/painel/numeros",
    ] {
        let html = c
            .get(t.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("beta"), "{path} shows beta's data");
    }

    // --- API, with alfa's admin token and with alfa's session.
    let api = reqwest::Client::new();
    let a_token = t
        .app
        .create_token(a.id, "alfa-erp", Role::Admin, Actor::Cli, None)
        .await
        .unwrap()
        .secret
        .expose()
        .to_owned();
    let api_attempts = [
        ("GET", format!("/api/v1/users/{}", b.admin_id), Value::Null),
        (
            "PATCH",
            format!("/api/v1/users/{}", b.admin_id),
            json!({"role": "viewer", "active": false}),
        ),
        (
            "DELETE",
            format!("/api/v1/tokens/{}", b_token.token.id),
            Value::Null,
        ),
    ];
    for (method, path, body) in &api_attempts {
        let by_token = match *method {
            "GET" => api.get(t.url(path)),
            "PATCH" => api.patch(t.url(path)).json(body),
            _ => api.delete(t.url(path)),
        }
        .bearer_auth(&a_token);
        assert_eq!(
            by_token.send().await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "token: {method} {path}"
        );
        let by_session = match *method {
            "GET" => c.get(t.url(path)),
            "PATCH" => c.patch(t.url(path)).json(body),
            _ => c.delete(t.url(path)),
        }
        .header("x-csrf-token", &csrf);
        assert_eq!(
            by_session.send().await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "session: {method} {path}"
        );
    }
    for path in [
        "/api/v1/users",
        "/api/v1/tokens",
        "/api/v1/audit",
        "/api/v1/me",
        "/api/v1/organization",
        "/api/v1/dashboard",
    ] {
        let body = api
            .get(t.url(path))
            .bearer_auth(&a_token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!body.contains("beta"), "{path} shows beta's data: {body}");
    }
    let dash: Value = api
        .get(t.url("/api/v1/dashboard"))
        .bearer_auth(&a_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dash["users_active"], 4);

    // Beta is untouched.
    assert_eq!(users::list(&t.app.db, b.id).await.unwrap(), b_users_before);
    assert!(
        tokens::find_active(&t.app.db, &quita_app::hash_token(b_token.secret.expose()))
            .await
            .unwrap()
            .is_some()
    );
    let beta_login = client();
    logged_in(&t, &beta_login, &b.email("admin")).await;
}
