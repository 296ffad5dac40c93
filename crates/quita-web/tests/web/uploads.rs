//! Uploads: the forms carry the CSRF token as their body's first part,
//! never in the URL, and the check reads no further than that part; a body
//! over its route's limit gets a pt-BR page or problem JSON naming the limit.

use std::{sync::Arc, time::Duration};

use axum::body::Body;
use quita_app::portfolio::aging::AgingQuery;
use quita_core::role::Role;
use quita_store::{Db, audit::Actor, portfolio::contacts};
use quita_web::{AppState, WebSettings};
use reqwest::{
    Client, StatusCode,
    cookie::{CookieStore, Jar},
    redirect::Policy,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

use crate::{
    portfolio::{AS_OF, creditor, good_csv, import, multipart, upload},
    support::{TestApp, client, logged_in},
};

const FORBIDDEN_PAGE: &str = "O formulário expirou";

async fn open_count(t: &TestApp, org_id: i64) -> u64 {
    let q = AgingQuery {
        creditor_id: None,
        debtor_id: None,
        as_of: AS_OF.parse().unwrap(),
        buckets: Default::default(),
    };
    t.app.aging(org_id, &q).await.unwrap().total().count
}

/// A multipart body whose `_csrf` comes after the file.
fn token_last(csrf: &str, csv: &str) -> (String, Vec<u8>) {
    let boundary = "----quitatokenlastboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

async fn post(c: &Client, url: String, (ct, body): (String, Vec<u8>)) -> reqwest::Response {
    c.post(url)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap()
}

pub async fn upload_forms_carry_the_token_first(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    let c = client();
    let csrf = logged_in(&t, &c, &a.email("supervisor")).await;

    // Each upload form: no token in its action, the hidden field first.
    for (path, id) in [
        (format!("/carteiras/{}/importar", cred.id), "form-importar"),
        ("/importacoes/contatos".to_owned(), "form-contatos"),
        ("/indices".to_owned(), "form-indice"),
    ] {
        let html = c
            .get(t.url(&path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("_csrf="), "{path}: {html}");
        let form = html
            .split(&format!("id=\"{id}\">"))
            .nth(1)
            .unwrap_or_else(|| panic!("{path}: {html}"));
        let first_input = form.split("<input").nth(1).unwrap().trim_start();
        assert!(
            first_input.starts_with(&format!("type=\"hidden\" name=\"_csrf\" value=\"{csrf}\"")),
            "{path}: {first_input}"
        );
    }

    // Each form links its sample file, which downloads for a signed-in user
    // and imports as it comes.
    let page = c
        .get(t.url(&format!("/carteiras/{}/importar", cred.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("href=\"/modelos/carteira-exemplo.csv\""),
        "{page}"
    );
    let res = c
        .get(t.url("/modelos/carteira-exemplo.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("carteira-exemplo.csv")
    );
    let sample = res.text().await.unwrap();
    assert!(
        sample.starts_with("\u{feff}documento_devedor;nome_devedor;"),
        "{sample}"
    );
    // (Into another organization: the counts below are alfa's.)
    let b = t.org("beta").await;
    let b_cred = creditor(&t, b.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    let outcome = crate::portfolio::import(&t, b.id, b_cred.id, &sample).await;
    assert!(outcome.summary.applied, "{:?}", outcome.problems);
    assert!(outcome.summary.receivables_created > 0);
    for (path, status) in [
        ("/modelos/enriquecimento-exemplo.csv", StatusCode::OK),
        ("/modelos/..%2FCargo.toml", StatusCode::NOT_FOUND),
        ("/modelos/outro.csv", StatusCode::NOT_FOUND),
    ] {
        assert_eq!(
            c.get(t.url(path)).send().await.unwrap().status(),
            status,
            "{path}"
        );
    }
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_ne!(
        anonymous
            .get(t.url("/modelos/carteira-exemplo.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // Receivables: the token missing, wrong, only in the URL, or after the
    // file is refused, and nothing is imported.
    let csv = good_csv();
    let url = t.url(&format!("/carteiras/{}/importar", cred.id));
    let other = client();
    let other_csrf = logged_in(&t, &other, &a.email("admin")).await;
    let refused = [
        (
            "missing",
            url.clone(),
            multipart(None, "x.csv", csv.as_bytes(), false),
        ),
        (
            "another session's",
            url.clone(),
            multipart(Some(&other_csrf), "x.csv", csv.as_bytes(), false),
        ),
        (
            "only in the URL",
            format!("{url}?_csrf={csrf}"),
            multipart(None, "x.csv", csv.as_bytes(), false),
        ),
        ("after the file", url.clone(), token_last(&csrf, &csv)),
    ];
    for (case, to, form) in refused {
        let res = post(&c, to, form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{case}");
        assert!(res.text().await.unwrap().contains(FORBIDDEN_PAGE), "{case}");
    }
    let form_page = c
        .get(t.url(&format!("/carteiras/{}/importar", cred.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !form_page.contains("Importações recentes"),
        "no import started: {form_page}"
    );
    assert_eq!(open_count(&t, a.id).await, 0);

    // The token as the first field: imported.
    let (_, summary) = upload(&t, &c, &csrf, cred.id, &csv, false).await;
    assert!(summary.contains("Importação concluída"), "{summary}");
    assert_eq!(open_count(&t, a.id).await, 3);
    // Script uploads may send the header instead.
    let res = c
        .post(url.clone())
        .header("x-csrf-token", &csrf)
        .header("content-type", multipart(None, "x.csv", b"", false).0)
        .body(multipart(None, "x.csv", csv.as_bytes(), false).1)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Contacts: the token only in the URL is refused, nothing stored.
    let maria = t.app.search_debtors(a.id, "52998224725", 5).await.unwrap()[0].id;
    let before = contacts::list_for_debtor(&t.app.db, a.id, maria)
        .await
        .unwrap()
        .len();
    let enrich = "documento_devedor;email\n529.982.247-25;nova.maria@example.com\n";
    let res = post(
        &c,
        t.url(&format!("/importacoes/contatos?_csrf={csrf}")),
        multipart(None, "bureau.csv", enrich.as_bytes(), false),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let after = contacts::list_for_debtor(&t.app.db, a.id, maria)
        .await
        .unwrap();
    assert_eq!(after.len(), before, "nothing stored");
    // The token as the first field: imported (in the background).
    let (_, summary) =
        crate::debtor_view::enrich_through_page(&t, &c, &csrf, "bureau.csv", enrich, false).await;
    assert!(summary.contains("Importação concluída"), "{summary}");
    let after = contacts::list_for_debtor(&t.app.db, a.id, maria)
        .await
        .unwrap();
    assert_eq!(after.len(), before + 1);

    // Index tables: the token only in the URL is refused too.
    let boundary = "----quitaindexurlonly";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nIPCA\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n2026-01;0,4\r\n\
         --{boundary}--\r\n"
    );
    let res = post(
        &c,
        t.url(&format!("/indices?_csrf={csrf}")),
        (
            format!("multipart/form-data; boundary={boundary}"),
            body.into_bytes(),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(t.app.index_tables(a.id).await.unwrap().is_empty());
}

/// Sends a request head with no body over a fresh connection and reads the
/// answer to its end: (status, raw response).
async fn head_only(t: &TestApp, head: &str) -> (u16, String) {
    let addr = t.base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut out))
        .await
        .expect("the server answers without waiting for the body")
        .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    (status, text)
}

fn post_head(t: &TestApp, path: &str, content_type: &str, length: usize, extra: &str) -> String {
    let host = t.base.trim_start_matches("http://");
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {length}\r\n{extra}Connection: close\r\n\r\n"
    )
}

pub async fn bodies_over_the_limit(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    import(&t, a.id, cred.id, &good_csv()).await;
    let jar = Arc::new(Jar::default());
    let c = Client::builder()
        .cookie_provider(jar.clone())
        .redirect(Policy::none())
        .build()
        .unwrap();
    let csrf = logged_in(&t, &c, &a.email("supervisor")).await;
    let cookie = jar
        .cookies(&t.base.parse().unwrap())
        .expect("session cookie")
        .to_str()
        .unwrap()
        .to_owned();
    let over_import = 200 * 1024 * 1024 + 1;
    let over_general = 3 * 1024 * 1024;
    let multipart_ct = "multipart/form-data; boundary=x";

    // Pages that take import files: the limit and the command line.
    let head = post_head(
        &t,
        &format!("/carteiras/{}/importar", cred.id),
        multipart_ct,
        over_import,
        &format!("Cookie: {cookie}\r\n"),
    );
    let (status, res) = head_only(&t, &head).await;
    assert_eq!(status, 413, "{res}");
    assert!(
        res.to_ascii_lowercase().contains("content-type: text/html"),
        "{res}"
    );
    assert!(
        res.contains(
            "O arquivo passa do limite de 200 MB. Divida-o em partes menores ou use a linha de comando (quita import receivables)."
        ),
        "{res}"
    );
    assert!(res.contains("← Voltar"), "{res}");
    let head = post_head(&t, "/importacoes/contatos", multipart_ct, over_import, "");
    let (status, res) = head_only(&t, &head).await;
    assert_eq!(status, 413, "{res}");
    assert!(
        res.contains("limite de 200 MB") && res.contains("(quita import contacts)"),
        "{res}"
    );

    // Other pages: the general limit (an urlencoded form, refused before it is read).
    let head = post_head(
        &t,
        &format!("/carteiras/{}", cred.id),
        "application/x-www-form-urlencoded",
        over_general,
        &format!("Cookie: {cookie}\r\n"),
    );
    let (status, res) = head_only(&t, &head).await;
    assert_eq!(status, 413, "{res}");
    assert!(res.contains("O envio passa do limite de 2 MB."), "{res}");
    assert!(res.contains("← Voltar"), "{res}");

    // The API: problem JSON.
    let token = t
        .app
        .create_token(a.id, "erp", Role::Supervisor, Actor::Cli, None)
        .await
        .unwrap()
        .secret
        .expose()
        .to_owned();
    let head = post_head(
        &t,
        &format!("/api/v1/imports?creditor={}", cred.id),
        "text/csv",
        over_import,
        &format!("Authorization: Bearer {token}\r\n"),
    );
    let (status, res) = head_only(&t, &head).await;
    assert_eq!(status, 413, "{res}");
    assert!(
        res.to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{res}"
    );
    assert!(
        res.contains("\"status\":413")
            && res.contains("\"code\":\"too_large\"")
            && res.contains("limit of 200 MB")
            && res.contains("quita import receivables"),
        "{res}"
    );

    // Bodies streamed past the limit (no length announced), in process: an
    // index table upload over the general limit gets the page, an API body
    // the problem.
    let router = quita_web::router(AppState::new(
        t.app.clone(),
        WebSettings {
            public_url: t.base.clone(),
            ..WebSettings::default()
        },
    ));
    let boundary = "----quitabigindex";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nIPCA\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ipca.csv\"\r\n\r\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(b'#', over_general));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = axum::http::Request::post("/indices")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", &cookie)
        .body(Body::from(body))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let html = String::from_utf8_lossy(&html);
    assert!(html.contains("O envio passa do limite de 2 MB."), "{html}");
    assert!(t.app.index_tables(a.id).await.unwrap().is_empty());
    let req = axum::http::Request::put("/api/v1/index-tables/ipca")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(vec![b'#'; over_general]))
        .unwrap();
    let res = router.oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let v: serde_json::Value = serde_json::from_slice(
        &axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(v["code"], "too_large", "{v}");
    assert_eq!(v["status"], 413, "{v}");
    assert!(
        v["detail"].as_str().unwrap().contains("limit of 2 MB"),
        "{v}"
    );
    assert!(t.app.index_tables(a.id).await.unwrap().is_empty());
}

/// Sends `head` (announcing `Transfer-Encoding: chunked`), then `first`
/// and `total` more bytes in 1 MB chunks, while reading the answer: the
/// server may answer (and close) before the body ends. Returns the status
/// and the raw response.
async fn chunked_upload(t: &TestApp, head: String, first: Vec<u8>, total: usize) -> (u16, String) {
    let addr = t.base.trim_start_matches("http://");
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let writer = tokio::spawn(async move {
        let chunk = |data: &[u8]| {
            let mut c = format!("{:x}\r\n", data.len()).into_bytes();
            c.extend_from_slice(data);
            c.extend_from_slice(b"\r\n");
            c
        };
        wr.write_all(head.as_bytes()).await?;
        wr.write_all(&chunk(&first)).await?;
        // CSV-looking lines, no CR: nothing the multipart parser stops at.
        let line = b"529.982.247-25;maria;;;;;;;;X;1;;;2026-04-10;1,00;\n";
        let mb: Vec<u8> = line.iter().copied().cycle().take(1024 * 1024).collect();
        let mut sent = 0;
        while sent < total {
            let n = mb.len().min(total - sent);
            wr.write_all(&chunk(&mb[..n])).await?;
            sent += n;
        }
        wr.write_all(b"0\r\n\r\n").await?;
        std::io::Result::Ok(sent)
    });
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let read = tokio::time::timeout(Duration::from_secs(300), async {
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    writer.abort();
    assert!(
        read.is_ok(),
        "the server answers a chunked upload over the limit"
    );
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no answer: {text}"));
    (status, text)
}

/// A chunked upload (no length announced) past the 200 MB of the import
/// page: the pt-BR 413 page naming the limit, as with a declared length,
/// not "Não foi possível ler o arquivo"; nothing is imported.
pub async fn chunked_upload_over_the_limit(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    let jar = Arc::new(Jar::default());
    let c = Client::builder()
        .cookie_provider(jar.clone())
        .redirect(Policy::none())
        .build()
        .unwrap();
    let csrf = logged_in(&t, &c, &a.email("supervisor")).await;
    let cookie = jar
        .cookies(&t.base.parse().unwrap())
        .expect("session cookie")
        .to_str()
        .unwrap()
        .to_owned();
    let host = t.base.trim_start_matches("http://");
    let boundary = "----quitachunkedupload";
    let head = format!(
        "POST /carteiras/{}/importar HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        cred.id
    );
    let first = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"grande.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    let (status, res) = chunked_upload(&t, head, first, 201 * 1024 * 1024).await;
    assert_eq!(status, 413, "{res}");
    assert!(
        res.to_ascii_lowercase().contains("content-type: text/html"),
        "{res}"
    );
    assert!(
        res.contains(
            "O arquivo passa do limite de 200 MB. Divida-o em partes menores ou use a linha de comando (quita import receivables)."
        ),
        "{res}"
    );
    assert!(!res.contains("Não foi possível ler"), "{res}");
    assert_eq!(open_count(&t, a.id).await, 0);
}
