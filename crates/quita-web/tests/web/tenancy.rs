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
    // An admin's token gets the admin's counts too.
    assert!(dash["sessions_live"].is_i64(), "{dash}");
    assert!(dash["api_tokens_active"].as_i64() >= Some(1), "{dash}");

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

/// Creditors, debtors, receivables, imports and aging of one organization
/// are invisible and unchangeable to another, through pages and the API.
pub async fn portfolios_are_per_organization(db: Db) {
    use crate::portfolio::{creditor, good_csv, import, upload};
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    // Beta's portfolio, with a debtor name that appears nowhere else.
    let b_cred = creditor(&t, b.id, "Credora Zanzibar", "11.222.333/0001-81").await;
    let csv = good_csv().replace("maria aparecida da silva", "Quitéria Zanoni");
    import(&t, b.id, b_cred.id, &csv).await;
    let b_debtor = t.app.search_debtors(b.id, "quiteria", 5).await.unwrap()[0].id;
    let on = "2026-03-15".parse().unwrap();
    let b_recv = t
        .app
        .debtor_360(b.id, b_debtor, on)
        .await
        .unwrap()
        .receivables[0]
        .receivable
        .id;
    // An import of beta's, started through beta's admin session.
    let bc = client();
    let b_csrf = logged_in(&t, &bc, &b.email("admin")).await;
    let (b_import, _) = upload(&t, &bc, &b_csrf, b_cred.id, &csv, false).await;
    let b_cred_before = t.app.creditor(b.id, b_cred.id).await.unwrap();

    // Alfa has its own creditor with the same CNPJ (documents are per organization).
    let a_cred = creditor(&t, a.id, "Credora Alfa", "11.222.333/0001-81").await;

    let c = client();
    let csrf = logged_in(&t, &c, &a.email("admin")).await;
    let policy_form = vec![
        ("_csrf", csrf.clone()),
        ("name", "Invadida".to_owned()),
        ("late_fine", "10".to_owned()),
        ("interest", "9".to_owned()),
        ("correction", "none".to_owned()),
    ];
    let id = b_cred.id;
    for path in [
        format!("/carteiras/{id}"),
        format!("/carteiras/{id}/importar"),
        b_import.clone(),
        format!("{b_import}/progresso"),
        format!("{b_import}/erros.csv"),
        format!("/devedores/{b_debtor}"),
        format!("/relatorios/aging?credor={id}"),
        format!("/relatorios/aging/faixa/0?credor={id}"),
        format!("/relatorios/aging.csv?credor={id}"),
        format!("/relatorios/aging.xlsx?credor={id}"),
    ] {
        assert_eq!(
            c.get(t.url(&path)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "GET {path}"
        );
    }
    let res = c
        .post(t.url(&format!("/carteiras/{id}")))
        .form(&policy_form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "POST /carteiras/{id}");
    let (ct, body) =
        crate::portfolio::multipart(Some(&csrf), "x.csv", good_csv().as_bytes(), false);
    let res = c
        .post(t.url(&format!("/carteiras/{id}/importar")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "upload into beta's creditor"
    );
    for path in [
        "/carteiras".to_owned(),
        "/devedores".to_owned(),
        "/devedores/busca?q=quit".to_owned(),
        "/devedores?q=52998224725".to_owned(),
        "/relatorios/aging?data_base=15/03/2026".to_owned(),
        "/relatorios/aging/faixa/2?data_base=15/03/2026".to_owned(),
        format!("/carteiras/{}/importar", a_cred.id),
    ] {
        let html = c
            .get(t.url(&path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains("Zanoni") && !html.contains("Zanzibar") && !html.contains("R$ 450,00"),
            "{path} shows beta's data"
        );
    }

    // API, by token and by session.
    let api = reqwest::Client::new();
    let a_token = t
        .app
        .create_token(a.id, "alfa-erp", Role::Admin, Actor::Cli, None)
        .await
        .unwrap()
        .secret
        .expose()
        .to_owned();
    let attempts: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("/api/v1/creditors/{id}"), None),
        (
            "PATCH",
            format!("/api/v1/creditors/{id}"),
            Some(json!({"name": "Invadida"})),
        ),
        ("GET", format!("/api/v1/debtors/{b_debtor}"), None),
        ("GET", format!("/api/v1/receivables/{b_recv}/update"), None),
        ("GET", format!("/api/v1/aging?creditor={id}"), None),
        ("POST", format!("/api/v1/imports?creditor={id}"), None),
    ];
    for (method, path, body) in &attempts {
        for by_token in [true, false] {
            let req = match *method {
                "GET" => {
                    if by_token {
                        api.get(t.url(path))
                    } else {
                        c.get(t.url(path))
                    }
                }
                "PATCH" => if by_token {
                    api.patch(t.url(path))
                } else {
                    c.patch(t.url(path))
                }
                .json(body.as_ref().unwrap()),
                _ => if by_token {
                    api.post(t.url(path))
                } else {
                    c.post(t.url(path))
                }
                .header("content-type", "text/csv")
                .body(good_csv()),
            };
            let req = if by_token {
                req.bearer_auth(&a_token)
            } else {
                req.header("x-csrf-token", &csrf)
            };
            assert_eq!(
                req.send().await.unwrap().status(),
                StatusCode::NOT_FOUND,
                "{method} {path} (token: {by_token})"
            );
        }
    }
    for path in [
        "/api/v1/creditors",
        "/api/v1/debtors?q=quit",
        "/api/v1/debtors?q=529",
        "/api/v1/aging?as_of=2026-03-15",
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
        assert!(
            !body.contains("Zanoni") && !body.contains("Zanzibar") && !body.contains("450.00"),
            "{path}: {body}"
        );
    }
    // Alfa's creditor answers under the same CNPJ (its own).
    let mine: Value = api
        .get(t.url("/api/v1/creditors/11222333000181"))
        .bearer_auth(&a_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["id"], a_cred.id);

    // Beta is untouched, and beta still sees its import.
    assert_eq!(
        t.app.creditor(b.id, b_cred.id).await.unwrap(),
        b_cred_before
    );
    assert_eq!(
        bc.get(t.url(&b_import)).send().await.unwrap().status(),
        StatusCode::OK
    );
    let q = quita_app::portfolio::aging::AgingQuery {
        creditor_id: None,
        debtor_id: None,
        as_of: on,
        buckets: Default::default(),
    };
    assert_eq!(t.app.aging(b.id, &q).await.unwrap().total().count, 3);
    assert_eq!(t.app.aging(a.id, &q).await.unwrap().total().count, 0);
}
