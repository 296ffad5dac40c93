use std::collections::BTreeSet;

use quita_core::role::Role;
use quita_store::Db;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, token};

pub async fn api_authentication_and_problems(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let c = reqwest::Client::new();
    let res = c.get(t.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Value = res.json().await.unwrap();
    assert_eq!(
        (p["code"].as_str(), p["status"].as_u64()),
        (Some("unauthenticated"), Some(401))
    );
    let res = c
        .get(t.url("/api/v1/me"))
        .bearer_auth("qt_nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // A write with no credential at all is unauthenticated too (not a CSRF
    // refusal: there is nothing ambient to forge).
    let res = c
        .post(t.url("/api/v1/imports?creditor=1"))
        .body("documento_devedor;nome_devedor\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let admin = token(&t, a.id, Role::Admin).await;
    let me: Value = c
        .get(t.url("/api/v1/me"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["kind"], "token");
    assert_eq!(me["role"], "admin");
    assert_eq!(me["organization"]["slug"], "alfa");

    let agent = token(&t, a.id, Role::Agent).await;
    let res = c
        .get(t.url("/api/v1/users"))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "forbidden");

    // Malformed bodies and values say what is wrong.
    let res = c
        .post(t.url("/api/v1/users"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "invalid_body");
    let res = c
        .post(t.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"email": "x", "name": "X", "role": "agent", "password": "outra-senha-forte"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(
        (p["code"].as_str(), p["field"].as_str()),
        (Some("invalid_input"), Some("email"))
    );
    let res = c.post(t.url("/api/v1/users")).bearer_auth(&admin).json(&json!({"email": "agent@alfa.com.br", "name": "X", "role": "agent", "password": "outra-senha-forte"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = c
        .get(t.url("/api/v1/users/abc"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = c
        .get(t.url("/api/v1/nothing-here"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "not_found");
    assert_eq!(
        quita_store::users::list(&t.app.db, a.id)
            .await
            .unwrap()
            .len(),
        4,
        "nothing was created"
    );
}

pub async fn api_users_and_tokens(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let c = reqwest::Client::new();
    let admin = token(&t, a.id, Role::Admin).await;
    let created = c.post(t.url("/api/v1/users")).bearer_auth(&admin).json(&json!({"email": "Nova@Alfa.com.br", "name": "  Nova   Pessoa ", "role": "operador", "password": "outra-senha-forte"})).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let u: Value = created.json().await.unwrap();
    assert_eq!(
        (u["email"].as_str(), u["name"].as_str(), u["role"].as_str()),
        (Some("nova@alfa.com.br"), Some("Nova Pessoa"), Some("agent"))
    );
    let id = u["id"].as_i64().unwrap();
    let patched: Value = c
        .patch(t.url(&format!("/api/v1/users/{id}")))
        .bearer_auth(&admin)
        .json(&json!({"role": "supervisor", "active": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (patched["role"].as_str(), patched["active"].as_bool()),
        (Some("supervisor"), Some(false))
    );
    let list: Vec<Value> = c
        .get(t.url("/api/v1/users"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 5);

    let made = c
        .post(t.url("/api/v1/tokens"))
        .bearer_auth(&admin)
        .json(&json!({"name": "ERP", "role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    let secret = made["secret"].as_str().unwrap().to_owned();
    let viewer_me: Value = c
        .get(t.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(viewer_me["role"], "viewer");
    let dash: Value = c
        .get(t.url("/api/v1/dashboard"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dash["users_active"], 4);
    // Sessions, tokens, logins and audit events are for admins.
    for key in [
        "sessions_live",
        "api_tokens_active",
        "logins_24h",
        "failed_logins_24h",
        "audit_events_24h",
    ] {
        assert!(dash.get(key).is_none(), "{key}: {dash}");
    }
    assert_eq!(
        (
            &dash["receivables_open"],
            &dash["open_balance"],
            &dash["overdue_balance"]
        ),
        (&Value::from(0), &Value::from("0.00"), &Value::from("0.00")),
        "the Painel's portfolio figures, empty here: {dash}"
    );
    let audit = c
        .get(t.url("/api/v1/audit"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(
        audit.status(),
        StatusCode::FORBIDDEN,
        "viewers do not read the audit log"
    );
    let audit: Vec<Value> = c
        .get(t.url("/api/v1/audit?limit=5"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(audit.len(), 5);
    assert_eq!(audit[0]["action"], "token_created");
    let listed: Vec<Value> = c
        .get(t.url("/api/v1/tokens"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(listed.iter().all(|t| t.get("secret").is_none()));
    let revoked = c
        .delete(t.url(&format!("/api/v1/tokens/{}", made["token"]["id"])))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        c.get(t.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // A supervisor token cannot mint an admin token.
    let sup = token(&t, a.id, Role::Supervisor).await;
    let res = c
        .post(t.url("/api/v1/tokens"))
        .bearer_auth(&sup)
        .json(&json!({"name": "x", "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// The routes the API serves; the document must list exactly these.
pub const API_ROUTES: [(&str, &str); 31] = [
    ("get", "/api/v1/me"),
    ("get", "/api/v1/organization"),
    ("get", "/api/v1/dashboard"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("patch", "/api/v1/users/{id}"),
    ("get", "/api/v1/tokens"),
    ("post", "/api/v1/tokens"),
    ("get", "/api/v1/creditors"),
    ("post", "/api/v1/creditors"),
    ("get", "/api/v1/creditors/{id}"),
    ("patch", "/api/v1/creditors/{id}"),
    ("post", "/api/v1/imports"),
    ("post", "/api/v1/imports/contacts"),
    ("get", "/api/v1/index-tables"),
    ("put", "/api/v1/index-tables/{name}"),
    ("get", "/api/v1/aging"),
    ("get", "/api/v1/aging/buckets/{index}/receivables"),
    ("get", "/api/v1/aging/debtors"),
    ("get", "/api/v1/debtors"),
    ("get", "/api/v1/debtors/{id}"),
    ("patch", "/api/v1/debtors/{id}"),
    ("post", "/api/v1/debtors/{id}/contacts"),
    ("patch", "/api/v1/debtors/{id}/contacts/{contact_id}"),
    ("get", "/api/v1/debtors/{id}/accesses"),
    ("get", "/api/v1/debtors/{id}/timeline"),
    ("post", "/api/v1/debtors/{id}/contracts"),
    ("get", "/api/v1/receivables/{id}/update"),
    ("post", "/api/v1/receivables/{id}/close"),
];

pub async fn openapi_lists_every_route(db: Db) {
    let t = TestApp::start(db).await;
    let doc: Value = reqwest::get(t.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let mut listed = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            listed.insert((method.clone(), path.clone()));
        }
    }
    let mut expected: BTreeSet<(String, String)> = API_ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.insert(("delete".into(), "/api/v1/tokens/{id}".into()));
    assert_eq!(listed, expected);
    // Operation ids are unique, as OpenAPI requires (client generators name
    // functions by them).
    let mut ids = BTreeSet::new();
    for (method, path) in &listed {
        let id = doc["paths"][path][method]["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}: no operationId"))
            .to_owned();
        assert!(
            ids.insert(id.clone()),
            "{method} {path}: operationId {id} twice"
        );
    }
    // Every operation names the problems any call may meet, as problem JSON.
    for (method, path) in &listed {
        let responses = &doc["paths"][path][method]["responses"];
        for code in ["401", "403", "422", "500", "503"] {
            assert_eq!(
                responses[code]["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{method} {path} {code}"
            );
        }
        if !doc["paths"][path][method]["requestBody"].is_null() {
            assert_eq!(
                responses["413"]["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{method} {path} 413"
            );
        }
        for (code, r) in responses.as_object().unwrap() {
            let json_problem = &r["content"]["application/json"]["schema"]["$ref"];
            assert_ne!(
                json_problem, "#/components/schemas/Problem",
                "{method} {path} {code}: problems are application/problem+json"
            );
            // OpenAPI requires every response to be described.
            assert!(
                r["description"]
                    .as_str()
                    .is_some_and(|d| !d.trim().is_empty()),
                "{method} {path} {code}: no description"
            );
        }
    }
    // A method a route does not take is a problem too, saying which it takes.
    let res = reqwest::Client::new()
        .delete(t.url("/api/v1/debtors/1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert!(res.headers().contains_key("allow"));
    let refused = &doc["paths"]["/api/v1/imports"]["post"]["responses"]["422"]["content"];
    assert_eq!(
        refused["application/json"]["schema"]["$ref"],
        "#/components/schemas/ImportResultDto"
    );
    // A path parameter is in its path; everything else is in the query, and
    // a file body is binary, not an array of numbers.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for param in op["parameters"].as_array().into_iter().flatten() {
                let name = param["name"].as_str().unwrap();
                match param["in"].as_str().unwrap() {
                    "path" => assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path} {param}"
                    ),
                    "query" => assert!(
                        !path.contains(&format!("{{{name}}}")),
                        "{method} {path} {param}"
                    ),
                    other => panic!("{method} {path}: {name} in {other}"),
                }
            }
        }
    }
    let body =
        &doc["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]["text/csv"]["schema"];
    let body = match body.get("$ref").and_then(Value::as_str) {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        None => body,
    };
    assert_eq!(
        (body["type"].as_str(), body["format"].as_str()),
        (Some("string"), Some("binary")),
        "{body}"
    );
    assert_eq!(
        doc["paths"]["/api/v1/aging"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["required"] == json!(true))
            .count(),
        0
    );
    // Two response shapes named alike would leave one of them in the
    // document: the 360°'s contracts are their own schema.
    let schemas = &doc["components"]["schemas"];
    let has = |schema: &str, field: &str| !schemas[schema]["properties"][field].is_null();
    assert!(
        has("DebtorContractDto", "receivable_ids") && has("DebtorContractDto", "creditor_name")
    );
    assert!(has("ContractDto", "debtor_id") && !has("ContractDto", "receivable_ids"));
    // Every documented operation answers (not 404/405) to an authenticated caller.
    let a = t.org("alfa").await;
    let admin = token(&t, a.id, Role::Admin).await;
    let c = reqwest::Client::new();
    for (method, path) in &expected {
        let url = t.url(&path.replace("{id}", &a.admin_id.to_string()));
        let req = match method.as_str() {
            "get" => c.get(url),
            "post" => c.post(url).json(&json!({})),
            "patch" => c.patch(url).json(&json!({})),
            "put" => c.put(url).body("2026-01;0,42\n"),
            "delete" => c.delete(url),
            other => panic!("unexpected method {other}"),
        };
        let res = req.bearer_auth(&admin).send().await.unwrap();
        let status = res.status();
        // A 404 for a missing record is fine; a 404 for a missing route is not.
        let body = res.text().await.unwrap();
        assert!(
            status != StatusCode::METHOD_NOT_ALLOWED && !body.contains("no such route"),
            "{method} {path}: {status}"
        );
    }
}

pub async fn health_and_metrics(db: Db) {
    let t = TestApp::start(db).await;
    let c = reqwest::Client::new();
    assert_eq!(
        c.get(t.url("/healthz")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let ready: Value = c
        .get(t.url("/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready");
    let res = c.get(t.url("/entrar")).send().await.unwrap();
    assert!(res.headers().contains_key("x-request-id"));
    let metrics = c
        .get(t.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("quita_http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/entrar\""));
    assert!(metrics.contains("quita_database_up 1"));
    let css = c.get(t.url("/assets/quita.css")).send().await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(
        c.get(t.url("/assets/htmx.min.js"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

/// A NUL character (U+0000) in a query, a form or a JSON body is refused
/// with 422 naming the field, before any handler runs, on both databases
/// (PostgreSQL failed with a 500; SQLite stored it); an index table holding
/// one names its line. Nothing is stored.
pub async fn nul_characters_are_refused_by_field(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let admin = token(&t, a.id, Role::Admin).await;
    let c = reqwest::Client::new();
    let res = c
        .post(t.url("/api/v1/creditors"))
        .bearer_auth(&admin)
        .json(&json!({"name": "La\u{0}b", "document": "06.990.590/0001-23"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(
        (p["code"].as_str(), p["field"].as_str()),
        (Some("invalid_input"), Some("name"))
    );
    let res = c
        .get(t.url("/api/v1/debtors?q=a%00b"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json::<Value>().await.unwrap()["field"], "q");
    let res = c
        .put(t.url("/api/v1/index-tables/ipca"))
        .bearer_auth(&admin)
        .body("mes;ipca\n2024-01;0,42\u{0}\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("line 2"));

    let browser = crate::support::client();
    let csrf = crate::support::logged_in(&t, &browser, &a.email("admin")).await;
    let res = browser
        .post(t.url("/carteiras"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Loja\u{0}X"),
            ("document", "06.990.590/0001-23"),
            ("late_fine", "2"),
            ("interest", "1"),
            ("correction", "none"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("O campo «name» traz um caractere inválido")
    );
    let res = browser
        .get(t.url("/devedores?q=a%00b"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(t.app.creditors(a.id).await.unwrap().is_empty());
    assert!(t.app.index_tables(a.id).await.unwrap().is_empty());
}

/// Control characters (an escape sequence, DEL, U+0001) are refused in
/// every text a person types, naming the field: creditor names, contract
/// products, address contacts (they reached terminals and exports as is);
/// invisible and bidirectional characters are dropped from debtor names,
/// which stay searchable by each word.
pub async fn control_characters_are_refused_in_every_text_field(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = crate::portfolio::creditor(&t, a.id, "Loja", "11.222.333/0001-81").await;
    assert!(
        crate::portfolio::import(&t, a.id, cred.id, &crate::portfolio::good_csv())
            .await
            .summary
            .applied
    );
    let maria = t.app.search_debtors(a.id, "maria", 5).await.unwrap()[0].id;
    let admin = token(&t, a.id, Role::Admin).await;
    let c = reqwest::Client::new();
    for bad in ["\u{1b}[31m", "\u{7f}", "\u{1}"] {
        let cases = [
            (
                c.patch(t.url(&format!("/api/v1/creditors/{}", cred.id)))
                    .json(&json!({"name": format!("Loja {bad}")})),
                "name",
            ),
            (
                c.post(t.url(&format!("/api/v1/debtors/{maria}/contracts")))
                    .json(&json!({"creditor_id": cred.id, "number": "CT-9", "kind": "one_off", "product": format!("P{bad}x")})),
                "product",
            ),
            (
                c.post(t.url(&format!("/api/v1/debtors/{maria}/contacts")))
                    .json(&json!({"kind": "address", "value": format!("Rua {bad} X, 10")})),
                "value",
            ),
        ];
        for (req, field) in cases {
            let res = req.bearer_auth(&admin).send().await.unwrap();
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field} {bad:?}"
            );
            assert_eq!(
                res.json::<Value>().await.unwrap()["field"],
                field,
                "{bad:?}"
            );
        }
    }
    assert_eq!(t.app.creditors(a.id).await.unwrap()[0].name, "Loja");
    let res = c
        .patch(t.url(&format!("/api/v1/debtors/{maria}")))
        .bearer_auth(&admin)
        .json(&json!({"name": "Zé\u{200B}Zero \u{202E}Largura"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap()["name"],
        "Zé Zero Largura"
    );
    let found = t.app.search_debtors(a.id, "zero", 5).await.unwrap();
    assert_eq!(found.iter().map(|d| d.id).collect::<Vec<_>>(), [maria]);
}
