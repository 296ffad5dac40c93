//! Closing a receivable by hand (cancel or write off, with a reason):
//! through the debtor page's "Encerrar" form and the API, with role, CSRF
//! and tenancy checks, and the receivable leaving the aging list.

use quita_core::{receivable::ReceivableStatus, role::Role};
use quita_store::{
    Db,
    portfolio::receivables::{self, ReceivableRow},
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::{
    portfolio::{creditor, good_csv, import},
    support::{Org, TestApp, client, logged_in, token},
};

const WRITE_OFF: &str = "Baixar como perda";
const CANCEL: &str = "Cancelar (emitido por engano, venda desfeita)";

/// Organizations `alfa` and `beta`, each with the sample file imported:
/// Maria (two receivables) and José (one) in both.
struct Setup {
    a: Org,
    b: Org,
    maria: i64,
    jose: i64,
    /// Maria's receivables in `alfa`, by due date.
    maria_rs: Vec<ReceivableRow>,
    /// A receivable of Maria in `beta`, and Maria's id there.
    b_maria: i64,
    b_r: i64,
}

async fn setup(t: &TestApp) -> Setup {
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    let cred = creditor(t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    assert!(import(t, a.id, cred.id, &good_csv()).await.summary.applied);
    let b_cred = creditor(t, b.id, "Credora Beta", "11.222.333/0001-81").await;
    assert!(
        import(t, b.id, b_cred.id, &good_csv())
            .await
            .summary
            .applied
    );
    let maria = t.app.search_debtors(a.id, "maria", 5).await.unwrap()[0].id;
    let jose = t.app.search_debtors(a.id, "jose", 5).await.unwrap()[0].id;
    let b_maria = t.app.search_debtors(b.id, "maria", 5).await.unwrap()[0].id;
    let maria_rs = receivables::list_for_debtor(&t.app.db, a.id, maria)
        .await
        .unwrap();
    assert_eq!(maria_rs.len(), 2);
    let b_r = receivables::list_for_debtor(&t.app.db, b.id, b_maria)
        .await
        .unwrap()[0]
        .id;
    Setup {
        a,
        b,
        maria,
        jose,
        maria_rs,
        b_maria,
        b_r,
    }
}

async fn get_text(c: &Client, url: String) -> (StatusCode, String) {
    let res = c.get(url).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn stored(t: &TestApp, org_id: i64, id: i64) -> ReceivableRow {
    receivables::get(&t.app.db, org_id, id).await.unwrap()
}

/// The receivable's row of the debtor page (up to its `</tr>`).
fn row_of(html: &str, rid: i64) -> String {
    html.split(&format!("<tr id=\"titulo-{rid}\">"))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row titulo-{rid} in {html}"))
        .to_owned()
}

/// The text of the `n`th cell (from 0) of a receivable's row.
fn cell(row: &str, n: usize) -> String {
    row.split("<td")
        .nth(n + 1)
        .and_then(|c| c.split_once('>'))
        .and_then(|(_, c)| c.split("</td>").next())
        .unwrap_or_else(|| panic!("no cell {n} in {row}"))
        .to_owned()
}

/// The count in the total line of the aging page.
fn aging_count(html: &str) -> String {
    html.split("<tfoot>")
        .nth(1)
        .and_then(|f| f.split("<th class=\"num\">").nth(1))
        .and_then(|c| c.split('<').next())
        .unwrap_or_else(|| panic!("no total in {html}"))
        .to_owned()
}

/// The "Encerrar" form's POST for receivable `rid` through debtor `debtor`'s page.
async fn close_form(
    t: &TestApp,
    c: &Client,
    debtor: i64,
    rid: i64,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    c.post(t.url(&format!("/devedores/{debtor}/titulos/{rid}/encerrar")))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The "Encerrar" form writing a receivable off, with `csrf` as its token.
fn write_off(csrf: &str) -> [(&str, &str); 3] {
    [
        ("_csrf", csrf),
        ("acao", "write_off"),
        ("motivo", "Devedor falecido, sem espólio"),
    ]
}

/// A supervisor writes a receivable off through the debtor page: the row
/// shows the status and the reason with its date, the form is gone from
/// it, and the aging list counts one receivable less. A second close is a
/// 409 page; agents are refused (and see no form); a missing or wrong CSRF
/// token is refused; a bad form is a 422 page; a receivable of another
/// debtor or organization is not found. Nothing changes on a refusal.
pub async fn supervisor_closes_through_the_debtor_page(db: Db) {
    let t = TestApp::start(db).await;
    let Setup {
        a,
        b,
        maria,
        jose,
        maria_rs,
        b_maria,
        b_r,
    } = setup(&t).await;
    let (r1, r2) = (maria_rs[0].id, maria_rs[1].id);
    let page = format!("/devedores/{maria}");

    let sup = client();
    let csrf = logged_in(&t, &sup, &a.email("supervisor")).await;
    let (status, html) = get_text(&sup, t.url(&page)).await;
    assert_eq!(status, StatusCode::OK);
    let row = row_of(&html, r1);
    assert!(
        row.contains("<summary>Encerrar</summary>")
            && row.contains(&format!(
                "action=\"/devedores/{maria}/titulos/{r1}/encerrar\""
            ))
            && row.contains(WRITE_OFF)
            && row.contains(CANCEL)
            && row.contains("name=\"motivo\" required maxlength=\"200\"")
            && row.contains("Encerrar título"),
        "{row}"
    );
    // The form asks before closing, through the page's script (no inline
    // handler).
    assert!(
        row.contains("class=\"encerrar-titulo\" data-confirmar=\"Título ")
            && row.contains(": {acao}? A ação não pode ser desfeita.\"")
            && !row.contains("onsubmit"),
        "{row}"
    );
    assert!(
        html.contains("<script src=\"/assets/quita.js\" defer></script>"),
        "{html}"
    );
    let script = sup.get(t.url("/assets/quita.js")).send().await.unwrap();
    assert_eq!(
        script.headers()["content-type"].to_str().unwrap(),
        "text/javascript; charset=utf-8"
    );
    let script = script.text().await.unwrap();
    assert!(
        script.contains("data-confirmar") && script.contains("confirm("),
        "{script}"
    );
    // The CSRF field comes first in the form.
    let form = row.split("<form").nth(1).unwrap();
    assert!(
        form.find("name=\"_csrf\"").unwrap() < form.find("name=\"acao\"").unwrap(),
        "{form}"
    );
    let (_, aging) = get_text(&sup, t.url("/relatorios/aging")).await;
    assert_eq!(aging_count(&aging), "3", "{aging}");

    // An agent sees no form and is refused.
    let agent = client();
    let agent_csrf = logged_in(&t, &agent, &a.email("agent")).await;
    let (_, agent_html) = get_text(&agent, t.url(&page)).await;
    assert!(
        !agent_html.contains("encerrar-titulo") && !agent_html.contains("Encerrar título"),
        "{agent_html}"
    );
    let res = close_form(&t, &agent, maria, r1, &write_off(&agent_csrf)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Without the CSRF token, or with another one: refused.
    let res = close_form(&t, &sup, maria, r1, &write_off("")[1..]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = close_form(&t, &sup, maria, r1, &write_off("nao-e-o-token")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Recarregue a página"));
    // Bad forms: the debtor page again (422), the receivable's form open,
    // naming the fault and keeping what was sent.
    for (acao, motivo, needle) in [
        ("write_off", "   ", "motivo"),
        ("pagar", "quitado", "cancelar ou baixar"),
    ] {
        let res = close_form(
            &t,
            &sup,
            maria,
            r1,
            &[("_csrf", &csrf), ("acao", acao), ("motivo", motivo)],
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{acao}");
        let body = res.text().await.unwrap();
        let alert = body
            .split("id=\"encerrar-erro\">")
            .nth(1)
            .and_then(|a| a.split("</p>").next())
            .unwrap_or_else(|| panic!("{body}"));
        assert!(
            alert.starts_with("Título não encerrado: ") && alert.contains(needle),
            "{alert}"
        );
        assert!(
            body.contains("<details class=\"encerrar\" open>")
                && body.contains(&format!("value=\"{motivo}\"")),
            "{body}"
        );
    }
    let long = "x".repeat(201);
    let res = close_form(
        &t,
        &sup,
        maria,
        r1,
        &[("_csrf", &csrf), ("acao", "cancel"), ("motivo", &long)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Maria's receivable through José's page, and beta's receivables: not found.
    for (debtor, rid) in [(jose, r1), (b_maria, b_r), (maria, b_r)] {
        let res = close_form(
            &t,
            &sup,
            debtor,
            rid,
            &[("_csrf", &csrf), ("acao", "cancel"), ("motivo", "engano")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{debtor}/{rid}");
    }
    assert_eq!(stored(&t, a.id, r1).await.status, ReceivableStatus::Open);
    assert_eq!(stored(&t, b.id, b_r).await.status, ReceivableStatus::Open);
    assert_eq!(stored(&t, a.id, r1).await.closed_reason, None);

    // The write-off.
    let res = close_form(&t, &sup, maria, r1, &write_off(&csrf)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("/devedores/{maria}?encerrado={r1}#titulo-{r1}")
    );
    let closed = stored(&t, a.id, r1).await;
    assert_eq!(closed.status, ReceivableStatus::WrittenOff);
    assert_eq!(
        closed.closed_reason.as_deref(),
        Some("Devedor falecido, sem espólio")
    );
    let on = closed
        .closed_at
        .expect("closed_at set")
        .in_tz("America/Sao_Paulo")
        .unwrap()
        .strftime("%d/%m/%Y")
        .to_string();
    let (_, html) = get_text(&sup, t.url(&page)).await;
    let row = row_of(&html, r1);
    assert!(
        row.contains("<span class=\"situacao\">Baixado como perda</span>")
            && row.contains(&format!("— Devedor falecido, sem espólio ({on})"))
            && !row.contains("Encerrar título"),
        "{row}"
    );
    // The kept balance is not shown as owed: "Em aberto" (the 7th cell) is
    // a dash; the original amount stays.
    assert_eq!(cell(&row, 5), "R$ 100,00", "{row}");
    assert_eq!(cell(&row, 6), "—", "{row}");
    assert_eq!(cell(&row_of(&html, r2), 6), "R$ 100,00", "still owed");
    assert!(
        !html.contains("id=\"titulo-encerrado\""),
        "no notice unasked"
    );
    // Where the form leads: the notice at the top of the receivables.
    let (status, html) = get_text(&sup, t.url(&location)).await;
    assert_eq!(status, StatusCode::OK);
    let section = html
        .split("<section class=\"card\" id=\"contratos\">")
        .nth(1)
        .expect("the receivables section");
    let notice = "<p class=\"notice\" id=\"titulo-encerrado\" role=\"status\">Título CRD-1 parcela 1/2 encerrado.</p>";
    assert!(section.contains(notice), "{section}");
    assert!(
        section.find(notice).unwrap() < section.find("<table").unwrap(),
        "above the receivables: {section}"
    );
    // A receivable still open, another debtor's, another organization's,
    // or not a number: no notice.
    let jose_r = receivables::list_for_debtor(&t.app.db, a.id, jose)
        .await
        .unwrap()[0]
        .id;
    for (debtor, q) in [
        (maria, r2.to_string()),
        (maria, jose_r.to_string()),
        (maria, b_r.to_string()),
        (maria, "abc".to_owned()),
        (jose, r1.to_string()),
    ] {
        let (status, html) =
            get_text(&sup, t.url(&format!("/devedores/{debtor}?encerrado={q}"))).await;
        assert_eq!(status, StatusCode::OK, "{debtor}?encerrado={q}");
        assert!(
            !html.contains("titulo-encerrado") && !html.contains(" encerrado.</p>"),
            "{debtor}?encerrado={q}: {html}"
        );
    }
    assert!(
        row_of(&html, r2).contains("Encerrar título"),
        "the other stays open"
    );
    // The timeline tells who closed which receivable, and why.
    let timeline = html
        .split("id=\"linha-do-tempo\"")
        .nth(1)
        .expect("the page has a timeline");
    assert!(
        timeline.contains("baixado como perda: Devedor falecido, sem espólio."),
        "{timeline}"
    );
    assert!(!timeline.contains("Nada registrado ainda"), "{timeline}");
    let (_, aging) = get_text(&sup, t.url("/relatorios/aging")).await;
    assert_eq!(aging_count(&aging), "2", "{aging}");
    // The agent sees the reason too.
    let (_, agent_html) = get_text(&agent, t.url(&page)).await;
    assert!(row_of(&agent_html, r1).contains("Devedor falecido, sem espólio"));

    // A second close: 409, in Portuguese, and nothing changes.
    let res = close_form(
        &t,
        &sup,
        maria,
        r1,
        &[("_csrf", &csrf), ("acao", "cancel"), ("motivo", "engano")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.text().await.unwrap();
    assert!(body.contains("o título já está baixado"), "{body}");
    let again = stored(&t, a.id, r1).await;
    assert_eq!(again.status, ReceivableStatus::WrittenOff);
    assert_eq!(again.closed_reason, closed.closed_reason);

    // A cancellation; the reason is shown as text, never as markup.
    let res = close_form(
        &t,
        &sup,
        maria,
        r2,
        &[
            ("_csrf", &csrf),
            ("acao", "cancel"),
            ("motivo", "venda <b>desfeita</b>"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(&sup, t.url(&page)).await;
    let row = row_of(&html, r2);
    assert!(
        row.contains("Cancelado")
            && (row.contains("venda &#60;b&#62;desfeita")
                || row.contains("venda &lt;b&gt;desfeita")),
        "{row}"
    );
    assert!(!row.contains("<b>desfeita"), "{row}");
    // Beta's receivable is untouched by all of it.
    assert_eq!(stored(&t, b.id, b_r).await.status, ReceivableStatus::Open);
}

/// `POST /api/v1/receivables/{id}/close`: 200 with the receivable (status,
/// reason, RFC 3339 time), 409 the second time, 422 naming the field for a
/// bad body, 403 below supervisor, 404 for an unknown id or another
/// organization's receivable; the 360° shows the reason.
pub async fn closing_through_the_api(db: Db) {
    let t = TestApp::start(db).await;
    let Setup {
        a,
        b,
        maria,
        maria_rs,
        b_r,
        b_maria,
        ..
    } = setup(&t).await;
    let (r1, r2) = (maria_rs[0].id, maria_rs[1].id);
    let sup = token(&t, a.id, Role::Supervisor).await;
    let agent = token(&t, a.id, Role::Agent).await;
    let viewer = token(&t, a.id, Role::Viewer).await;
    let api = reqwest::Client::new();
    let close = |id: i64, who: &str, body: Value| {
        api.post(t.url(&format!("/api/v1/receivables/{id}/close")))
            .bearer_auth(who)
            .json(&body)
            .send()
    };
    let problem = |res: reqwest::Response| async move {
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        res.json::<Value>().await.unwrap()
    };

    for who in [&agent, &viewer] {
        let res = close(r1, who, json!({"action": "cancel", "reason": "engano"}))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    // A parameter the close does not take is refused before it acts: a
    // client asking for a dry run must not close the receivable.
    let res = api
        .post(t.url(&format!("/api/v1/receivables/{r1}/close?dry_run=1")))
        .bearer_auth(&sup)
        .json(&json!({"action": "cancel", "reason": "engano"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(res).await["field"], "dry_run");
    for (body, field) in [
        (json!({"action": "pay", "reason": "x"}), "action"),
        (json!({"reason": "x"}), "action"),
        (json!({"action": "cancel"}), "reason"),
        (json!({"action": "cancel", "reason": "  "}), "reason"),
        (
            json!({"action": "cancel", "reason": "x".repeat(201)}),
            "reason",
        ),
        (json!({"action": "cancel", "reason": 3}), "reason"),
        (
            json!({"action": "cancel", "reason": "x", "at": "now"}),
            "body",
        ),
    ] {
        let res = close(r1, &sup, body.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let p = problem(res).await;
        assert_eq!(p["field"], field, "{body}: {p}");
        assert_eq!(p["code"], "invalid_input");
    }
    let res = api
        .post(t.url(&format!("/api/v1/receivables/{r1}/close")))
        .bearer_auth(&sup)
        .header("content-type", "application/json")
        .body("{\"action\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for id in [999_999, b_r] {
        let res = close(id, &sup, json!({"action": "cancel", "reason": "engano"}))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{id}");
        assert_eq!(problem(res).await["code"], "not_found");
    }
    assert_eq!(stored(&t, a.id, r1).await.status, ReceivableStatus::Open);
    assert_eq!(stored(&t, b.id, b_r).await.status, ReceivableStatus::Open);

    let res = close(
        r1,
        &sup,
        json!({"action": "cancel", "reason": "Emitido em duplicidade"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let dto: Value = res.json().await.unwrap();
    assert_eq!(dto["id"], r1);
    assert_eq!(dto["debtor_id"], maria);
    assert_eq!(dto["status"], "cancelled");
    assert_eq!(dto["closed_reason"], "Emitido em duplicidade");
    let at: jiff::Timestamp = dto["closed_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(Some(at), stored(&t, a.id, r1).await.closed_at);
    assert_eq!(dto["open_balance"], "100.00", "the balance is kept: {dto}");

    let res = close(r1, &sup, json!({"action": "write_off", "reason": "perda"}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let p = problem(res).await;
    assert_eq!(p["code"], "conflict");
    assert!(
        p["detail"].as_str().unwrap().contains("já está cancelado"),
        "{p}"
    );
    assert_eq!(
        stored(&t, a.id, r1).await.status,
        ReceivableStatus::Cancelled
    );
    // An admin writes off the other one with the pt-BR word.
    let admin = token(&t, a.id, Role::Admin).await;
    let res = close(
        r2,
        &admin,
        json!({"action": "write_off", "reason": "Prescrito"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "written_off");

    // The 360° shows both closes; open receivables have nulls.
    let v: Value = api
        .get(t.url(&format!("/api/v1/debtors/{maria}")))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let by_id = |id: i64| {
        v["receivables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{v}"))
    };
    assert_eq!(by_id(r1)["closed_reason"], "Emitido em duplicidade");
    assert!(by_id(r1)["closed_at"].is_string());
    assert_eq!(by_id(r2)["closed_reason"], "Prescrito");
    assert!(v["totals"].as_array().unwrap().is_empty(), "{v}");
    let jose = t.app.search_debtors(a.id, "jose", 5).await.unwrap()[0].id;
    let j: Value = api
        .get(t.url(&format!("/api/v1/debtors/{jose}")))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let open = &j["receivables"][0];
    assert!(
        open["closed_reason"].is_null() && open["closed_at"].is_null(),
        "{j}"
    );

    // The Painel's figures in the API leave the closed receivables out too.
    let dash: Value = api
        .get(t.url("/api/v1/dashboard"))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dash["receivables_open"], 1, "{dash}");
    assert!(
        dash["open_balance"].as_str().is_some_and(|b| b != "0.00"),
        "{dash}"
    );

    // The timeline: both closings as data, newest first, for agents; a
    // viewer is refused, another organization's debtor not found.
    let timeline = |who: &str, debtor: i64, query: &str| {
        api.get(t.url(&format!("/api/v1/debtors/{debtor}/timeline{query}")))
            .bearer_auth(who.to_owned())
            .send()
    };
    let res = timeline(&agent, maria, "").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let events: Value = res.json().await.unwrap();
    let closings: Vec<(i64, &str, &str)> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["kind"] == "receivable_closed")
        .map(|e| {
            (
                e["event"]["receivable_id"].as_i64().unwrap(),
                e["event"]["to"].as_str().unwrap(),
                e["actor_kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        closings,
        [(r2, "written_off", "token"), (r1, "cancelled", "token")],
        "{events}"
    );
    let newest = events[0]["id"].as_i64().unwrap();
    let older: Value = timeline(&agent, maria, &format!("?before={newest}&limit=1"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(older.as_array().unwrap().len(), 1);
    assert_eq!(older[0]["event"]["receivable_id"], r1);
    assert_eq!(
        timeline(&viewer, maria, "").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // An operation without query parameters refuses one too, before it
    // acts: `/me?zzz=1`.
    let res = reqwest::Client::new()
        .get(t.url("/api/v1/me?zzz=1"))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["field"], "zzz", "{problem}");
    // A parameter no operation knows (a typo: `limt`) is refused naming it,
    // not silently ignored.
    let res = timeline(&agent, maria, "?limt=1").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["field"], "limt", "{problem}");
    // A bad query parameter is a problem document naming it, like any
    // other API error.
    let res = timeline(&agent, maria, "?limit=abc").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "invalid_query", "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("limit"),
        "{problem}"
    );
    assert_eq!(
        timeline(&agent, b_maria, "").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}
