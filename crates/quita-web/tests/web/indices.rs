//! Índices de correção: a supervisor imports an IPCA table through the page
//! and the debtor page then shows updated amounts; without a table (or one
//! that does not cover the period) the pages say why an amount is missing;
//! bad files, roles, CSRF and tenancy; the API routes.

use quita_app::auth::Principal;
use quita_core::{
    charge_policy::{ChargePolicy, CorrectionIndex},
    rate::Percent,
    role::Role,
};
use quita_store::{Db, audit::Actor, portfolio::creditors::Creditor};
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::{
    portfolio::{good_csv, import},
    support::{TestApp, client, logged_in, token},
};

/// 12:00 in São Paulo on 15/03/2026: the date [`good_csv`]'s amounts are
/// updated to (one receivable current, two late).
const TODAY: &str = "2026-03-15T15:00:00Z";

/// IPCA of December 2025 to February 2026 (made-up rates).
const IPCA: &str = "mes;ipca\n2025-12;0,50\n2026-01;0,40\n2026-02;0,30\n";

fn at_today(t: &TestApp) {
    let target: jiff::Timestamp = TODAY.parse().unwrap();
    t.clock.advance(target.duration_since(t.app.now()));
}

async fn ipca_creditor(t: &TestApp, org_id: i64) -> Creditor {
    let policy = ChargePolicy {
        late_fine: Percent::parse("2").unwrap(),
        default_interest_monthly: Percent::parse("1").unwrap(),
        correction: CorrectionIndex::Ipca,
        ..ChargePolicy::default()
    };
    t.app
        .create_creditor(
            org_id,
            "Loja IPCA",
            "11.222.333/0001-81",
            &policy,
            Actor::Cli,
        )
        .await
        .unwrap()
}

/// A `multipart/form-data` body as the page's form sends it: the CSRF token
/// first (when given), then the name and the file.
fn form(csrf: Option<&str>, name: &str, file: &str) -> (String, Vec<u8>) {
    let boundary = "----quitaindexboundary0xKhTmLbOuNdArY";
    let token = csrf
        .map(|t| {
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{t}\r\n")
        })
        .unwrap_or_default();
    let body = format!(
        "{token}--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n{name}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ipca.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n\
         --{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// Posts the import form; `csrf` goes first in the body as the page's form
/// sends it.
async fn post_table(
    t: &TestApp,
    c: &Client,
    csrf: Option<&str>,
    name: &str,
    file: &str,
) -> reqwest::Response {
    let (ct, body) = form(csrf, name, file);
    c.post(t.url("/indices"))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn get_text(c: &Client, url: String) -> (StatusCode, String) {
    let res = c.get(url).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

fn principal(org_id: i64) -> Principal {
    Principal::cli(org_id)
}

pub async fn supervisor_imports_a_table_and_amounts_update(db: Db) {
    let t = TestApp::start(db).await;
    at_today(&t);
    let a = t.org("alfa").await;
    let cred = ipca_creditor(&t, a.id).await;
    assert!(import(&t, a.id, cred.id, &good_csv()).await.summary.applied);
    let maria = t.app.search_debtors(a.id, "maria", 5).await.unwrap()[0].id;
    let sup = client();
    let csrf = logged_in(&t, &sup, &a.email("supervisor")).await;

    // No table: the debtor page says why the late receivables have no
    // updated amount, where the amount and the memory would be.
    let (status, html) = get_text(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        html.matches("Sem tabela IPCA para o período</span>")
            .count(),
        2,
        "{html}"
    );
    assert!(
        html.contains(
            "Sem tabela IPCA para o período: importe-a em <a href=\"/indices\">Índices de correção</a>."
        ),
        "{html}"
    );
    assert!(!html.contains("Memória de cálculo"), "{html}");
    assert!(html.contains("2 títulos sem valor atualizado"), "{html}");
    // Days late do not depend on the update: counted from the (business
    // day) due date to the page's date, as the aging does.
    let ids = receivable_ids(&t, a.id, maria).await;
    assert!(
        row_of(&html, ids.january).contains("<td data-rotulo=\"Dias de atraso\">59</td>"),
        "{html}"
    );
    assert!(
        row_of(&html, ids.march).contains("<td data-rotulo=\"Dias de atraso\">10</td>"),
        "{html}"
    );
    // So does the aging page, and the API counts them.
    let (_, aging) = get_text(&sup, t.url("/relatorios/aging")).await;
    assert!(aging.contains("2 títulos sem valor atualizado"), "{aging}");
    let viewer_token = token(&t, a.id, Role::Viewer).await;
    let json: Value = reqwest::Client::new()
        .get(t.url("/api/v1/aging"))
        .bearer_auth(&viewer_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["not_updated"], 2, "{json}");
    // The Carteiras list, the creditor page and its form say it too.
    let (_, list) = get_text(&sup, t.url("/carteiras")).await;
    assert!(
        list.contains("sem-tabela\" href=\"/indices\">Sem tabela IPCA</a>"),
        "{list}"
    );
    let admin = client();
    logged_in(&t, &admin, &a.email("admin")).await;
    let (_, page) = get_text(&admin, t.url(&format!("/carteiras/{}", cred.id))).await;
    assert!(
        page.contains("<option value=\"ipca\" selected>IPCA (sem tabela importada)</option>"),
        "{page}"
    );
    assert!(
        page.contains("Sem tabela IPCA: os títulos ficam sem valor atualizado"),
        "{page}"
    );
    // The Índices page: in the supervisor's navigation, nothing imported,
    // which carteira lacks which table, and the form with its format.
    let (status, idx) = get_text(&sup, t.url("/indices")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        idx.contains("<a href=\"/indices\" class=\"active\""),
        "{idx}"
    );
    assert!(idx.contains("Nenhuma tabela importada"), "{idx}");
    assert!(
        idx.contains("Sem tabela IPCA: Loja IPCA corrige por IPCA"),
        "{idx}"
    );
    assert!(
        idx.contains("id=\"form-indice\"") && idx.contains("2024-01;0,42"),
        "{idx}"
    );

    // Import through the form.
    let res = post_table(&t, &sup, Some(&csrf), "IPCA", IPCA).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/indices?ok=ipca");
    let (_, idx) = get_text(&sup, t.url(&location)).await;
    assert!(
        idx.contains("Tabela IPCA importada: 3 meses, de 12/2025 a 02/2026."),
        "{idx}"
    );
    assert!(
        idx.contains("<tr id=\"indice-ipca\"><td>IPCA</td><td>12/2025 a 02/2026</td><td>02/2026</td><td class=\"num\">3</td>"),
        "{idx}"
    );
    assert!(!idx.contains("Sem tabela IPCA"), "{idx}");
    // Its months, a year a row, newest first, with the year's total.
    assert!(idx.contains("<details id=\"meses-ipca\">"), "{idx}");
    assert!(
        idx.contains("<tr><th>2026</th><td class=\"num\">0,40</td><td class=\"num\">0,30</td><td class=\"num\"></td>"),
        "{idx}"
    );
    assert!(
        idx.contains(
            "<td class=\"num\">0,50</td><td class=\"num\"><strong>0,50</strong></td></tr>"
        ),
        "{idx}"
    );
    assert!(
        idx.contains("<strong>0,70</strong>"),
        "1.004 × 1.003: {idx}"
    );
    let entries = t.app.audit_log(&principal(a.id), None, 10).await.unwrap();
    let stored = entries
        .iter()
        .find(|e| e.action == "index_table_stored")
        .expect("the import is audited");
    assert_eq!(stored.target.as_deref(), Some("index:ipca"));
    assert!(matches!(stored.actor, Actor::User(_)), "{:?}", stored.actor);
    assert_eq!(stored.details["months"], 3);

    // The debtor page now shows updated amounts with their memory: January
    // from the 15th (17/31 of 0,40 %) and February (0,30 %) on R$ 100,00 =
    // R$ 0,52 of correction; March is not published yet and counts as 0 %.
    let (_, html) = get_text(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert!(!html.contains("Sem tabela"), "{html}");
    assert!(!html.contains("sem valor atualizado"), "{html}");
    assert_eq!(html.matches("Memória de cálculo").count(), 2, "{html}");
    let (_, aging) = get_text(&sup, t.url("/relatorios/aging")).await;
    assert!(!aging.contains("sem valor atualizado"), "{aging}");
    assert!(
        html.contains("<td>Correção monetária (IPCA até 02/2026)</td>") && html.contains("R$ 0,52"),
        "{html}"
    );
    // The memory's rates: the accumulated correction to four places at most
    // (0,520012903…% → 0,52%), interest per month, the fine as agreed.
    let january = row_and_memory(&html, ids.january);
    assert!(
        january.contains("<td>Correção monetária (IPCA até 02/2026)</td><td class=\"num\">R$ 100,00</td><td class=\"num\">0,52%</td>"),
        "{january}"
    );
    assert!(!january.contains("0,5200"), "{january}");
    assert!(
        january.contains("<td>Juros de mora simples (pro rata die)</td><td class=\"num\">R$ 100,52</td><td class=\"num\">1% a.m.</td>"),
        "{january}"
    );
    assert!(
        january.contains(
            "<td>Multa moratória</td><td class=\"num\">R$ 100,52</td><td class=\"num\">2%</td>"
        ),
        "{january}"
    );
    assert!(
        row_of(&html, ids.january).contains("<td data-rotulo=\"Dias de atraso\">59</td>"),
        "{html}"
    );
    // The API keeps the exact rates (and the CLI, the same JSON).
    let agent_token = token(&t, a.id, Role::Agent).await;
    let u: Value = reqwest::Client::new()
        .get(t.url(&format!(
            "/api/v1/receivables/{}/update?on=2026-03-15",
            ids.january
        )))
        .bearer_auth(&agent_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rate = |kind: &str| {
        let line = u["update"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} line in {u}"));
        line["rate"].as_str().unwrap_or_default().to_owned()
    };
    let correction = rate("monetary_correction");
    assert!(
        correction.starts_with("0.520012903") && correction.len() > 12,
        "{u}"
    );
    assert_eq!(rate("default_interest"), "1", "{u}");
    assert_eq!(rate("late_fine"), "2", "{u}");
    let on = jiff::civil::date(2026, 3, 15);
    let view = t.app.debtor_360(a.id, maria, on).await.unwrap();
    for r in &view.receivables {
        let u = r.update.as_ref().expect("updated");
        assert!(r.update_problem.is_none());
        assert!(
            html.contains(&u.total().format_brl()),
            "{} in {html}",
            u.total().format_brl()
        );
    }
    let (_, list) = get_text(&sup, t.url("/carteiras")).await;
    assert!(!list.contains("Sem tabela IPCA"), "{list}");

    // Re-importing replaces the whole table, as `quita index import` does:
    // without January the receivable due on 15/01/2026 cannot be corrected.
    let res = post_table(&t, &sup, Some(&csrf), "ipca", "2026-02;0,30\n").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert!(
        html.contains("Sem tabela IPCA para o período (falta 01/2026): importe-a em <a href=\"/indices\">Índices de correção</a>."),
        "{html}"
    );
    assert_eq!(html.matches("Memória de cálculo").count(), 1, "{html}");
    assert!(html.contains("1 título sem valor atualizado"), "{html}");
    // Its days late are still shown (59: in the aging's 31–60).
    let row = row_of(&html, ids.january);
    assert!(
        row.contains("sem-atualizacao")
            && row.contains("<td data-rotulo=\"Dias de atraso\">59</td>"),
        "{row}"
    );
    assert!(
        row_of(&html, ids.march).contains("<td data-rotulo=\"Dias de atraso\">10</td>"),
        "{html}"
    );
    // The API says the same per receivable.
    let api = token(&t, a.id, Role::Agent).await;
    let v: Value = reqwest::Client::new()
        .get(t.url(&format!("/api/v1/debtors/{maria}")))
        .bearer_auth(&api)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let problems: Vec<&Value> = v["receivables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("update_problem"))
        .collect();
    assert_eq!(problems.len(), 1, "{v}");
    assert_eq!(problems[0]["code"], "index_month_missing");
    assert_eq!(problems[0]["index"], "ipca");
    assert_eq!(problems[0]["month"], "2026-01");
    assert_eq!(v["totals"][0]["not_updated"], 1, "{v}");

    // A table that stops too early is not a gap: the months after its last
    // count as 0 %, and when the table is out of date (its last month more
    // than two months before the calculation's) they are said above the
    // memory, however few. Ending in 12/2025, on 15/03/2026, the receivable
    // due 15/01/2026 goes uncorrected for January to March, and the one due
    // 05/03/2026 for March alone: said too, the table being out of date.
    let res = post_table(&t, &sup, Some(&csrf), "ipca", "2025-12;0,50\n").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The list says so too.
    let (_, idx) = get_text(&sup, t.url("/indices")).await;
    assert!(
        idx.contains("<td>12/2025 <span class=\"tag warn desatualizada\""),
        "{idx}"
    );
    let warning = "A tabela IPCA termina em 12/2025 e não cobre 01/2026 a 03/2026: esses meses ficaram sem correção";
    let short_warning =
        "A tabela IPCA termina em 12/2025 e não cobre 03/2026: esse mês ficou sem correção";
    let (_, html) = get_text(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert_eq!(html.matches("Memória de cálculo").count(), 2, "{html}");
    // Said once for the contract, naming each receivable's own months.
    assert_eq!(
        html.matches("class=\"notice aviso-calculo\"").count(),
        1,
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "Atenção</span> {warning}. <span class=\"titulos-do-aviso\">Títulos: "
        )),
        "{html}"
    );
    assert!(
        html.contains("CRD-1 parcela 1/2 (01/2026 a 03/2026)</a>")
            && html.contains("CRD-1 parcela 2/2 (03/2026)</a>"),
        "{html}"
    );
    let v: Value = reqwest::Client::new()
        .get(t.url(&format!("/api/v1/debtors/{maria}")))
        .bearer_auth(&api)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut warnings: Vec<(String, Value)> = v["receivables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["due_date"].as_str().unwrap().to_owned(),
                r["update"]["warnings"].clone(),
            )
        })
        .collect();
    warnings.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        warnings,
        [
            ("2026-01-15".to_owned(), serde_json::json!([warning])),
            ("2026-03-05".to_owned(), serde_json::json!([short_warning])),
        ],
        "{v}"
    );
    let rid = v["receivables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["due_date"] == "2026-01-15")
        .unwrap()["id"]
        .clone();
    let u: Value = reqwest::Client::new()
        .get(t.url(&format!("/api/v1/receivables/{rid}/update?on=2026-03-15")))
        .bearer_auth(&api)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(u["update"]["warnings"], serde_json::json!([warning]), "{u}");
    assert_eq!(u["update"]["monetary_correction"], "0.00", "{u}");
}

/// The ids of Maria's receivables in [`good_csv`]: due 15/01/2026 and
/// 05/03/2026 (Thursdays, business days).
struct MariaIds {
    january: i64,
    march: i64,
}

async fn receivable_ids(t: &TestApp, org_id: i64, maria: i64) -> MariaIds {
    let view = t
        .app
        .debtor_360(org_id, maria, jiff::civil::date(2026, 3, 15))
        .await
        .unwrap();
    let id = |due| {
        view.receivables
            .iter()
            .find(|r| r.receivable.due_date == due)
            .unwrap()
            .receivable
            .id
    };
    MariaIds {
        january: id(jiff::civil::date(2026, 1, 15)),
        march: id(jiff::civil::date(2026, 3, 5)),
    }
}

/// The table row of receivable `id` on the debtor page.
fn row_of(html: &str, id: i64) -> &str {
    let start = html
        .find(&format!("<tr id=\"titulo-{id}\">"))
        .unwrap_or_else(|| panic!("no row {id} in {html}"));
    let len = html[start..].find("</tr>").unwrap();
    &html[start..start + len]
}

/// The row of receivable `id` and what follows it up to the next
/// receivable's row (its memory).
fn row_and_memory(html: &str, id: i64) -> &str {
    let start = html
        .find(&format!("<tr id=\"titulo-{id}\">"))
        .unwrap_or_else(|| panic!("no row {id} in {html}"));
    let rest = &html[start + 1..];
    let len = rest.find("<tr id=\"titulo-").unwrap_or(rest.len());
    &html[start..start + 1 + len]
}

pub async fn bad_index_files_are_refused_with_their_line(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let sup = client();
    let csrf = logged_in(&t, &sup, &a.email("supervisor")).await;

    // Nothing stored: the error names line and column, next to the form.
    let res = post_table(
        &t,
        &sup,
        Some(&csrf),
        "IPCA",
        "mes;ipca\n2026-01;0,42\n2026-13;0,10\n",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<p class=\"error\" role=\"alert\" id=\"erro-indice\">Linha 3, coluna 1 (mês): &#34;2026-13&#34; não é um mês; use 2026-01 ou 01/2026. Nada foi gravado.</p>")
            || html.contains("<p class=\"error\" role=\"alert\" id=\"erro-indice\">Linha 3, coluna 1 (mês): &quot;2026-13&quot; não é um mês; use 2026-01 ou 01/2026. Nada foi gravado.</p>"),
        "{html}"
    );
    assert!(html.contains("value=\"IPCA\""), "the name is kept: {html}");
    assert!(t.app.index_tables(a.id).await.unwrap().is_empty());

    // A good table, then a bad re-import: the good one stays.
    let res = post_table(&t, &sup, Some(&csrf), "IPCA", IPCA).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_table(&t, &sup, Some(&csrf), "IPCA", "2026-03;abc\n").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Linha 1, coluna 2 (variação)"), "{html}");
    let tables = t.app.index_tables(a.id).await.unwrap();
    assert_eq!(tables["ipca"].month_count(), 3);
    for (name, file, expected) in [
        ("IPCA", "mes;ipca\n", "O arquivo não tem nenhum mês."),
        (
            "IPCA",
            "2026-01;0,4\n01/2026;0,5\n",
            "Linha 2, coluna 1 (mês): o mês 01/2026 aparece mais de uma vez.",
        ),
        (
            "IPCA",
            "2026-01;0,4;9\n",
            "Linha 1: cada linha deve ter duas colunas",
        ),
        ("índice novo", IPCA, "Nome do índice: use letras sem acento"),
        ("", IPCA, "Informe o nome do índice"),
        ("IPCA", "", "Escolha o arquivo CSV da tabela"),
    ] {
        let res = post_table(&t, &sup, Some(&csrf), name, file).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name} {file}"
        );
        let html = res.text().await.unwrap();
        assert!(html.contains(expected), "{expected} in {html}");
    }
    assert_eq!(t.app.index_tables(a.id).await.unwrap().len(), 1);

    // Pasted lines: kept in the box after an error; a file and pasted lines
    // together are refused (which one would count?), nothing stored.
    let boundary = "----quitaindexboundary0xPaStEd";
    let field = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let file_part = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"igpm.csv\"\r\nContent-Type: text/csv\r\n\r\n2026-01;0,4\r\n"
    );
    for (with_file, pasted, expected) in [
        (false, "2026-01;0,4\n2026-02;x", "Linha 2"),
        (
            true,
            "2026-01;0,4",
            "Envie o arquivo ou cole as linhas, não os dois",
        ),
    ] {
        let body = format!(
            "{}{}{}{}--{boundary}--\r\n",
            field("_csrf", &csrf),
            field("name", "IGPM"),
            if with_file { file_part.as_str() } else { "" },
            field("content", pasted),
        );
        let res = sup
            .post(t.url("/indices"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(html.contains(expected), "{expected} in {html}");
        assert!(
            html.contains(pasted.lines().next().unwrap()),
            "the pasted lines are kept: {html}"
        );
    }
    assert_eq!(t.app.index_tables(a.id).await.unwrap().len(), 1);

    // The API: 422 with the field and the line; nothing stored.
    let api = token(&t, a.id, Role::Supervisor).await;
    let c = reqwest::Client::new();
    let res = c
        .put(t.url("/api/v1/index-tables/igpm"))
        .bearer_auth(&api)
        .body("2026-01;0,4\n2026-02;x\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "invalid_input");
    assert_eq!(p["field"], "content");
    assert!(p["detail"].as_str().unwrap().contains("line 2"), "{p}");
    let res = c
        .put(t.url("/api/v1/index-tables/igp%20m"))
        .bearer_auth(&api)
        .body(IPCA)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json::<Value>().await.unwrap()["field"], "name");
    assert_eq!(t.app.index_tables(a.id).await.unwrap().len(), 1);
}

pub async fn index_import_roles_csrf_and_tenancy(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    ipca_creditor(&t, b.id).await;

    // Agents and viewers see the list, not the form, and may not import.
    for role in ["agent", "viewer"] {
        let c = client();
        let csrf = logged_in(&t, &c, &a.email(role)).await;
        let (status, html) = get_text(&c, t.url("/indices")).await;
        assert_eq!(status, StatusCode::OK, "{role}");
        assert!(!html.contains("id=\"form-indice\""), "{role}: {html}");
        assert!(html.contains("Só supervisores e administradores"), "{role}");
        assert!(
            !html.contains("<a href=\"/indices\""),
            "{role}: not in the navigation"
        );
        let res = post_table(&t, &c, Some(&csrf), "IPCA", IPCA).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{role}");
    }
    assert!(t.app.index_tables(a.id).await.unwrap().is_empty());

    // CSRF: without the token, or with another session's, refused.
    let sup = client();
    let csrf = logged_in(&t, &sup, &a.email("supervisor")).await;
    let res = post_table(&t, &sup, None, "IPCA", IPCA).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("O formulário expirou"));
    let other = client();
    let other_csrf = logged_in(&t, &other, &a.email("admin")).await;
    let res = post_table(&t, &sup, Some(&other_csrf), "IPCA", IPCA).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(t.app.index_tables(a.id).await.unwrap().is_empty());
    // Logged out: the session ended, the login offered, nothing stored.
    let anon = client();
    let res = post_table(&t, &anon, Some(&csrf), "IPCA", IPCA).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("Sua sessão expirou"));
    assert!(t.app.index_tables(a.id).await.unwrap().is_empty());

    // The supervisor imports alfa's table.
    let res = post_table(&t, &sup, Some(&csrf), "IPCA", IPCA).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.app.index_tables(a.id).await.unwrap().len(), 1);

    // Beta sees none of it, page or API, and its own carteira still lacks IPCA.
    let beta = client();
    logged_in(&t, &beta, &b.email("admin")).await;
    let (_, html) = get_text(&beta, t.url("/indices")).await;
    assert!(html.contains("Nenhuma tabela importada"), "{html}");
    assert!(!html.contains("indice-ipca"), "{html}");
    assert!(html.contains("Sem tabela IPCA: Loja IPCA"), "{html}");
    let (_, list) = get_text(&beta, t.url("/carteiras")).await;
    assert!(list.contains("Sem tabela IPCA"), "{list}");
    let c = reqwest::Client::new();
    let b_api = token(&t, b.id, Role::Admin).await;
    let v: Value = c
        .get(t.url("/api/v1/index-tables"))
        .bearer_auth(&b_api)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v, serde_json::json!([]));
    assert!(t.app.index_tables(b.id).await.unwrap().is_empty());

    // The API: viewers list, supervisors import, agents may not.
    let viewer = token(&t, a.id, Role::Viewer).await;
    let v: Value = c
        .get(t.url("/api/v1/index-tables"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v[0]["name"], "ipca", "{v}");
    assert_eq!(v[0]["first_month"], "2025-12");
    assert_eq!(v[0]["last_month"], "2026-02");
    assert_eq!(v[0]["months"], 3);
    assert_eq!(v[0]["gaps"], 0);
    let agent = token(&t, a.id, Role::Agent).await;
    let res = c
        .put(t.url("/api/v1/index-tables/igp-m"))
        .bearer_auth(&agent)
        .body(IPCA)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let supervisor = token(&t, a.id, Role::Supervisor).await;
    let res = c
        .put(t.url("/api/v1/index-tables/IGP-M"))
        .bearer_auth(&supervisor)
        .header("content-type", "text/csv")
        .body("mes;igpm\n2025-10;0,2\n2026-01;-0,1\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        (&v["name"], &v["months"], &v["gaps"]),
        (&Value::from("igp-m"), &Value::from(2), &Value::from(2)),
        "{v}"
    );
    // Other tables become choices of the creditor form.
    let admin = client();
    logged_in(&t, &admin, &a.email("admin")).await;
    let (_, list) = get_text(&admin, t.url("/carteiras")).await;
    assert!(
        list.contains("<option value=\"table:igp-m\">Tabela IGP-M</option>")
            && list.contains("<option value=\"ipca\">IPCA</option>"),
        "{list}"
    );
    let (_, idx) = get_text(&admin, t.url("/indices")).await;
    assert!(idx.contains("2 meses faltando no intervalo"), "{idx}");
}
