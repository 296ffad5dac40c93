//! Debtor search through the page and the API: surnames, first name and
//! surname in any order, document numbers in any case, and the notice when
//! the search found more than it shows.

use quita_core::role::Role;
use quita_store::{
    Db,
    audit::Actor,
    portfolio::import::{self as writer, ImportDebtor},
};
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::{
    portfolio::{creditor, good_csv, import},
    support::{TestApp, client, logged_in},
};

const LIMITED: &str =
    "Mais de 100 devedores encontrados: mostrando os primeiros 100 — refine a busca.";

/// `n` debtors named `Ana NNN <surname>` written straight to the store.
async fn namesakes(t: &TestApp, org_id: i64, n: u64, surname: &str, first_doc: u64) {
    let rows: Vec<ImportDebtor> = (0..n)
        .map(|i| {
            let name = format!("Ana {i:03} {surname}");
            ImportDebtor {
                document: format!("{:011}", first_doc + i),
                kind: "pf",
                name_key: quita_core::text::search_key(&name),
                name,
            }
        })
        .collect();
    let mut tx = t.app.db.begin_write().await.unwrap();
    writer::upsert_debtors(&mut tx, org_id, &rows, t.app.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn api(c: &Client, t: &TestApp, token: &str, query: &[(&str, &str)]) -> Value {
    let res = c
        .get(t.url(&format!(
            "/api/v1/debtors?{}",
            serde_urlencoded::to_string(query).unwrap()
        )))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{query:?}");
    res.json().await.unwrap()
}

fn names(v: &Value) -> Vec<String> {
    v["debtors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

/// A page, or with `/devedores/busca` the live search's fragment (as htmx
/// asks for it).
async fn page(c: &Client, t: &TestApp, path: &str, q: &str) -> String {
    let res = c
        .get(t.url(&format!(
            "{path}?{}",
            serde_urlencoded::to_string([("q", q)]).unwrap()
        )))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

pub async fn search_by_words_and_limit_notice(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    assert!(import(&t, a.id, cred.id, &good_csv()).await.summary.applied);
    namesakes(&t, a.id, 101, "Teixeira", 20_000_000_000).await;
    namesakes(&t, b.id, 3, "Silva", 30_000_000_000).await;
    let token = t
        .app
        .create_token(a.id, "erp", Role::Agent, Actor::Cli, None)
        .await
        .unwrap()
        .secret
        .expose()
        .to_owned();
    let c = client();

    // A surname, first name + surname in either order, a middle name.
    for (q, expected) in [
        ("silva", "Maria Aparecida da Silva"),
        ("Santos", "José Carlos dos Santos"),
        ("carlos santos", "José Carlos dos Santos"),
        ("SANTOS JOSÉ", "José Carlos dos Santos"),
        ("aparecida", "Maria Aparecida da Silva"),
        // Document numbers in any case.
        ("men-7", "José Carlos dos Santos"),
        ("crd-1", "Maria Aparecida da Silva"),
    ] {
        let found = api(&c, &t, &token, &[("q", q)]).await;
        assert_eq!(names(&found), [expected], "q={q}");
        assert_eq!(found["truncated"], false, "q={q}");
    }

    // More namesakes than the limit: the API says so.
    let found = api(&c, &t, &token, &[("q", "teixeira")]).await;
    assert_eq!(names(&found).len(), 20);
    assert_eq!(found["truncated"], true);
    assert_eq!(names(&found)[0], "Ana 000 Teixeira");
    let found = api(&c, &t, &token, &[("q", "teixeira"), ("limit", "100")]).await;
    assert_eq!(names(&found).len(), 100);
    assert_eq!(found["truncated"], true);
    let found = api(&c, &t, &token, &[("q", "ana 100 teixeira")]).await;
    assert_eq!(names(&found), ["Ana 100 Teixeira"]);
    assert_eq!(found["truncated"], false);
    // The list itself is paged, never truncated.
    let list = api(&c, &t, &token, &[("limit", "5")]).await;
    assert_eq!(list["truncated"], false);
    assert!(list["next_after"].is_string());

    // The page (and its live-search fragment) too.
    logged_in(&t, &c, &a.email("agent")).await;
    let html = page(&c, &t, "/devedores", "teixeira").await;
    assert!(html.contains(LIMITED), "{html}");
    assert!(html.contains("Ana 099 Teixeira") && !html.contains("Ana 100 Teixeira"));
    let html = page(&c, &t, "/devedores/busca", "Teixeira").await;
    assert!(html.contains(LIMITED) && !html.contains("<html"), "{html}");
    let html = page(&c, &t, "/devedores/busca", "santos jose").await;
    assert!(html.contains("José Carlos dos Santos") && !html.contains(LIMITED));
    // The count, in the polite live region the fragment replaces out of band.
    assert!(
        html.contains(
            r#"<p id="busca-contagem" class="muted" role="status" hx-swap-oob="true">1 devedor encontrado.</p>"#
        ),
        "{html}"
    );
    // The query goes to the address bar as the list's own address.
    let res = c
        .get(t.url("/devedores/busca?q=santos+jose"))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["hx-push-url"], "/devedores?q=santos+jose");
    // Opened as an address (a bookmark, a reload), the search is the whole
    // page, the query in its field and the count above the rows.
    let res = c
        .get(t.url("/devedores/busca?q=Teixeira"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let full = res.text().await.unwrap();
    assert!(
        full.contains("<html lang=\"pt-BR\">")
            && full.contains("<title>Devedores · Quita</title>")
            && full.contains("<h1>Devedores</h1>")
            && full.contains(r#"name="q" value="Teixeira""#)
            && full.contains(&format!(
                r#"<p id="busca-contagem" class="muted" role="status">{LIMITED}</p>"#
            ))
            && !full.contains("hx-swap-oob"),
        "{full}"
    );
    let list = page(&c, &t, "/devedores", "zzzz-nada").await;
    assert!(list.contains("Nenhum devedor encontrado."), "{list}");
    assert!(!html.contains("Maria") && !html.contains("Teixeira"));
    // Another organization's namesakes stay out.
    let html = page(&c, &t, "/devedores/busca", "silva").await;
    assert!(html.contains("Maria Aparecida da Silva") && !html.contains("Ana 000 Silva"));
}
