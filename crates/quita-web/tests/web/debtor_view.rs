//! The debtor 360° with contracts and terms, the LGPD access log, the paged
//! list of debtors and the enrichment import — through pages and the API,
//! with role checks and tenancy.

use std::collections::HashSet;

use quita_app::{
    auth::Principal,
    portfolio::contracts::{SaveContract, TermOrigin},
};
use quita_core::{
    charge_policy::InterestMode,
    contract::{ContractKind, ContractTerms},
    rate::Percent,
    role::Role,
};
use quita_store::{
    Db,
    audit::Actor,
    portfolio::{
        Keyset,
        access::AccessChannel,
        contacts,
        import::{self as writer, ImportDebtor},
    },
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::{
    portfolio::{creditor, good_csv, import, multipart},
    support::{Org, TestApp, client, logged_in, token},
};

fn principal(org_id: i64, role: Role) -> Principal {
    Principal {
        org_id,
        role,
        actor: Actor::Cli,
        name: "cli".into(),
        user_id: None,
    }
}

async fn get_text(c: &Client, url: String) -> (StatusCode, String) {
    let res = c.get(url).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// `n` extra debtors written straight to the store (no receivables).
async fn many_debtors(t: &TestApp, org_id: i64, n: usize, prefix: &str) {
    let rows: Vec<ImportDebtor> = (0..n)
        .map(|i| ImportDebtor {
            document: format!("{:011}", 20_000_000_000u64 + i as u64),
            kind: "pf",
            name: format!("{prefix} {:03}", i % 40),
            name_key: format!("{} {:03}", prefix.to_lowercase(), i % 40),
        })
        .collect();
    let mut tx = t.app.db.begin_write().await.unwrap();
    writer::upsert_debtors(&mut tx, org_id, &rows, t.app.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn debtor_links(html: &str) -> Vec<i64> {
    html.split("href=\"/devedores/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

pub async fn debtor_360_contracts_and_access_log(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    assert!(import(&t, a.id, cred.id, &good_csv()).await.summary.applied);
    let maria = t.app.search_debtors(a.id, "maria", 5).await.unwrap()[0].id;
    let jose = t.app.search_debtors(a.id, "jose", 5).await.unwrap()[0].id;
    t.app
        .save_contract(
            &principal(a.id, Role::Supervisor),
            SaveContract {
                creditor_id: cred.id,
                debtor_id: maria,
                number: "CRD-1".into(),
                kind: ContractKind::InstallmentPlan,
                product: Some("Sofá retrátil".into()),
                starts_on: Some(jiff::civil::date(2025, 12, 1)),
                terms: Some(ContractTerms {
                    default_interest_monthly: Some(Percent::parse("0,5").unwrap()),
                    ..ContractTerms::default()
                }),
            },
        )
        .await
        .unwrap();

    // The agent's page: the contract, its terms and where each comes from.
    let agent = client();
    logged_in(&t, &agent, &a.email("agent")).await;
    let (status, html) = get_text(&agent, t.url(&format!("/devedores/{maria}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Contrato CRD-1") && html.contains("Crediário"),
        "{html}"
    );
    assert!(
        html.contains("Sofá retrátil") && html.contains("01/12/2025"),
        "{html}"
    );
    assert!(
        html.contains("0,5% ao mês") && html.contains("do contrato"),
        "{html}"
    );
    assert!(html.contains("da carteira"), "{html}");
    assert!(html.contains("15/01/2026 a 05/03/2026"), "{html}");
    // How days late are counted is said on the page, once, tied to the
    // column (not in a tooltip only).
    assert!(html.contains("aria-describedby=\"dias-de-atraso-nota\">Dias de atraso*</th>"));
    assert_eq!(
        html.matches("id=\"dias-de-atraso-nota\"").count(),
        1,
        "{html}"
    );
    assert!(
        !html.contains("Acessos a este cadastro"),
        "agents do not see the access log"
    );
    let (_, html) = get_text(&agent, t.url(&format!("/devedores/{jose}"))).await;
    assert!(
        html.contains("MEN-7") && !html.contains("Contrato "),
        "{html}"
    );

    // API: the same contract with origins; the opening is recorded as api.
    let agent_token = token(&t, a.id, Role::Agent).await;
    let sup_token = token(&t, a.id, Role::Supervisor).await;
    let api = reqwest::Client::new();
    let v: Value = api
        .get(t.url(&format!("/api/v1/debtors/{maria}?on=2026-03-15")))
        .bearer_auth(&agent_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let k = &v["contracts"][0];
    assert_eq!(k["number"], "CRD-1");
    assert_eq!(k["kind"], "installment_plan");
    assert_eq!(k["terms"]["default_interest_monthly"]["origin"], "contract");
    assert_eq!(k["terms"]["default_interest_monthly"]["value"], "0.5");
    assert_eq!(k["terms"]["late_fine"]["origin"], "creditor");
    assert_eq!(k["receivable_ids"].as_array().unwrap().len(), 2);
    assert_eq!(v["receivables_without_contract"], Value::Array(vec![]));
    // 31–60 bucket receivable: R$ 100 + 2% fine + 0,5% a.m. for 59 days = 100 + 2.00 + 0.98.
    let updated: Vec<&str> = v["receivables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["update"]["total"].as_str())
        .collect();
    assert!(updated.contains(&"102.98"), "{updated:?}");

    // The access log: supervisors and admins only, by page and API.
    let url = t.url(&format!("/api/v1/debtors/{maria}/accesses"));
    for (role, expected) in [
        (Role::Viewer, StatusCode::FORBIDDEN),
        (Role::Agent, StatusCode::FORBIDDEN),
        (Role::Supervisor, StatusCode::OK),
        (Role::Admin, StatusCode::OK),
    ] {
        let tok = token(&t, a.id, role).await;
        let res = api.get(&url).bearer_auth(&tok).send().await.unwrap();
        assert_eq!(res.status(), expected, "{role:?}");
    }
    let log: Value = api
        .get(&url)
        .bearer_auth(&sup_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(
        (log[0]["channel"].as_str(), log[0]["actor_kind"].as_str()),
        (Some("api"), Some("token"))
    );
    assert_eq!(log[1]["channel"], "web");
    assert_eq!(log[1]["actor_name"], "agent alfa");
    assert_eq!(
        api.get(t.url("/api/v1/debtors/999999/accesses"))
            .bearer_auth(&sup_token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    for role in ["supervisor", "admin"] {
        let c = client();
        logged_in(&t, &c, &a.email(role)).await;
        let (_, html) = get_text(&c, t.url(&format!("/devedores/{maria}"))).await;
        assert!(html.contains("Acessos a este cadastro"), "{role}");
        assert!(
            html.contains("agent alfa") && html.contains("token de API erp"),
            "{html}"
        );
    }
    // Viewers cannot open the 360° at all, and nothing is recorded for them.
    let viewer = client();
    logged_in(&t, &viewer, &a.email("viewer")).await;
    let before = t
        .app
        .debtor_accesses(&principal(a.id, Role::Admin), maria, None, 100)
        .await
        .unwrap()
        .len();
    assert_eq!(
        viewer
            .get(t.url(&format!("/devedores/{maria}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let after = t
        .app
        .debtor_accesses(&principal(a.id, Role::Admin), maria, None, 100)
        .await
        .unwrap();
    assert_eq!(after.len(), before);
    assert_eq!(after[0].channel, AccessChannel::Web);

    // A contract's fine above 2% under this consumer creditor is refused,
    // as the creditor's own policy would be, and nothing is saved.
    let sofa = |fine: u32| SaveContract {
        creditor_id: cred.id,
        debtor_id: maria,
        number: "CRD-1".into(),
        kind: ContractKind::InstallmentPlan,
        product: Some("Sofá retrátil".into()),
        starts_on: Some(jiff::civil::date(2025, 12, 1)),
        terms: Some(ContractTerms {
            late_fine: Some(Percent::whole(fine)),
            ..ContractTerms::default()
        }),
    };
    let refused = t
        .app
        .save_contract(&principal(a.id, Role::Supervisor), sofa(5))
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, quita_app::AppError::Invalid { field: "late_fine", message }
            if message == "Relação de consumo: a multa não pode passar de 2% (CDC art. 52, § 1º)"),
        "{refused:?}"
    );
    let kept = t.app.debtor_contracts(a.id, maria).await.unwrap();
    assert!(
        kept.iter().all(|(k, _)| k
            .terms
            .as_ref()
            .is_none_or(|t| t.late_fine != Some(Percent::whole(5)))),
        "{kept:?}"
    );
    // One stored before that rule is charged at the cap, which the page
    // says with the law written in full; the JSON keeps the domain's label.
    let mut tx = t.app.db.begin_write().await.unwrap();
    let s = sofa(5);
    quita_store::portfolio::contracts::upsert(
        &mut tx,
        a.id,
        &quita_store::portfolio::contracts::NewContract {
            creditor_id: s.creditor_id,
            debtor_id: s.debtor_id,
            number: s.number,
            kind: s.kind,
            product: s.product,
            starts_on: s.starts_on,
            terms: s.terms,
        },
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (_, html) = get_text(&agent, t.url(&format!("/devedores/{maria}"))).await;
    assert!(
        html.contains("2% (limitada, CDC art. 52, § 1º)")
            && html.contains("<td>Multa moratória (limitada a 2%, CDC art. 52, § 1º)</td>"),
        "{html}"
    );
    assert!(!html.contains("52 §1"), "{html}");
    let v: Value = api
        .get(t.url(&format!("/api/v1/debtors/{maria}")))
        .bearer_auth(&agent_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fine = &v["receivables"][0]["update"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "late_fine")
        .unwrap()["label"];
    assert_eq!(
        fine, "Multa moratória (limitada a 2%, CDC art. 52 §1º)",
        "{v}"
    );
}

pub async fn debtors_are_paged(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    let cred = creditor(&t, a.id, "Loja", "11.222.333/0001-81").await;
    import(&t, a.id, cred.id, &good_csv()).await;
    many_debtors(&t, a.id, 61, "Cliente").await;
    many_debtors(&t, b.id, 30, "Zanzibar").await;
    let total = 63;

    // API: follow `next` until it is null.
    let tok = token(&t, a.id, Role::Agent).await;
    let api = reqwest::Client::new();
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..100 {
        let url = match &next {
            Some(n) => format!("/api/v1/debtors?limit=7&after={n}"),
            None => "/api/v1/debtors?limit=7".into(),
        };
        let page: Value = api
            .get(t.url(&url))
            .bearer_auth(&tok)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let list = page["debtors"].as_array().unwrap();
        assert!(list.len() <= 7);
        for d in list {
            assert!(!d["name"].as_str().unwrap().contains("Zanzibar"));
            seen.push(d["id"].as_i64().unwrap());
        }
        next = page["next_after"].as_str().map(str::to_owned);
        if next.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), total, "each debtor once");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), total);
    // `previous` of the second page reads the first again.
    let second: Value = api
        .get(t.url(&format!("/api/v1/debtors?limit=7&after={}", seen[6])))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let previous = second["previous_before"].as_str().unwrap();
    let first: Value = api
        .get(t.url(&format!("/api/v1/debtors?limit=7&before={previous}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = first["debtors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, seen[..7]);
    assert_eq!(first["previous_before"], Value::Null);
    for query in [
        "after=abc",
        "before=abc",
        "after=1&before=2",
        "limit=0",
        "limit=101",
        "limit=-1",
    ] {
        let bad = api
            .get(t.url(&format!("/api/v1/debtors?{query}")))
            .bearer_auth(&tok)
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
    // A beta debtor as the cursor: an empty page, nothing of beta's.
    let b_first = t
        .app
        .debtors_page(&principal(b.id, Role::Agent), (Keyset::START, None), 1)
        .await
        .unwrap()
        .debtors[0]
        .id;
    let page: Value = api
        .get(t.url(&format!("/api/v1/debtors?after={b_first}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["debtors"], Value::Array(vec![]));
    assert_eq!(page["next_after"], Value::Null);

    // Pages: "Próxima página" until there is none (50 per page).
    let c = client();
    logged_in(&t, &c, &a.email("agent")).await;
    let mut pages = Vec::new();
    let mut url = "/devedores".to_owned();
    let link = |html: &str, id: &str| {
        html.split(&format!("id=\"{id}\" href=\""))
            .nth(1)
            .map(|rest| rest.split('"').next().unwrap().to_owned())
    };
    let last = loop {
        let (status, html) = get_text(&c, t.url(&url)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("Zanzibar"));
        assert_eq!(pages.is_empty(), link(&html, "pagina-anterior").is_none());
        pages.push(debtor_links(&html));
        match link(&html, "proxima-pagina") {
            Some(next) if pages.len() < 10 => url = next,
            _ => break html,
        }
    };
    assert!(pages.len() > 1, "{total} debtors in one page");
    // "Página anterior" from the last page gives back each page before it.
    let mut html = last;
    for expected in pages.iter().rev().skip(1) {
        let back = link(&html, "pagina-anterior").unwrap();
        html = get_text(&c, t.url(&back)).await.1;
        assert_eq!(&debtor_links(&html), expected);
    }
    assert!(link(&html, "pagina-anterior").is_none());
    let page_ids: Vec<i64> = pages.concat();
    assert_eq!(page_ids.len(), total);
    assert_eq!(
        page_ids.iter().collect::<HashSet<_>>(),
        seen.iter().collect()
    );
    // The htmx fragment of a page, and a beta cursor through the page.
    let frag = c
        .get(t.url(&format!("/devedores/busca?after={}", page_ids[49])))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    // The list's own address goes to the address bar.
    assert_eq!(
        frag.headers()["hx-push-url"],
        format!("/devedores?after={}", page_ids[49]).as_str()
    );
    let frag = frag.text().await.unwrap();
    assert_eq!(debtor_links(&frag).len(), total - 50);
    assert!(!frag.contains("<html"));
    // The live region above the rows says how many came; the rows' table
    // takes the focus (quita.js) and is named by its caption.
    assert!(
        frag.contains(&format!(
            r#"<p id="busca-contagem" class="muted" role="status" hx-swap-oob="true">{} devedores nesta página.</p>"#,
            total - 50
        )),
        "{frag}"
    );
    assert!(
        frag.contains(r#"<table id="lista-devedores" tabindex="-1">"#),
        "{frag}"
    );
    let (_, html) = get_text(&c, t.url(&format!("/devedores?after={b_first}"))).await;
    assert!(debtor_links(&html).is_empty() && !html.contains("Zanzibar"));
}

const ENRICH: &str = "documento_devedor;email;telefones;whatsapp;trabalho;fonte\n\
529.982.247-25;maria.silva@example.com;(11) 99876-5432;sim;;\n\
318.447.092-05;jose.trabalho@example.com;;;sim;Bureau\n";

pub async fn enrichment_through_page_and_api(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    let cred = creditor(&t, a.id, "Loja", "11.222.333/0001-81").await;
    import(&t, a.id, cred.id, &good_csv()).await;
    // Beta has a debtor alfa does not: 111.444.777-35.
    let b_cred = creditor(&t, b.id, "Loja B", "11.222.333/0001-81").await;
    let b_csv = good_csv().replace("318.447.092-05", "111.444.777-35");
    import(&t, b.id, b_cred.id, &b_csv).await;
    let b_jose = t.app.search_debtors(b.id, "11144477735", 5).await.unwrap()[0].id;
    let b_contacts = contacts::list_for_debtor(&t.app.db, b.id, b_jose)
        .await
        .unwrap();

    // Page: supervisors only.
    let ag = client();
    logged_in(&t, &ag, &a.email("agent")).await;
    assert_eq!(
        ag.get(t.url("/importacoes/contatos"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let c = client();
    let csrf = logged_in(&t, &c, &a.email("supervisor")).await;
    let (status, html) = get_text(&c, t.url("/importacoes/contatos")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Importar contatos"), "{html}");
    let (_, list) = get_text(&c, t.url("/devedores")).await;
    assert!(list.contains("href=\"/importacoes/contatos\""));

    // The upload answers with a redirect to the import's page, which polls
    // its progress until the summary.
    let (path, html) = enrich_through_page(&t, &c, &csrf, "bureau.csv", ENRICH, false).await;
    assert!(html.contains("Importação concluída"), "{html}");
    assert_eq!(figure_of(&html, "criados"), "2");
    assert_eq!(figure_of(&html, "linhas"), "2");
    assert_eq!(figure_of(&html, "erros"), "0");
    assert!(
        !html.contains("erros.csv"),
        "no report without problems: {html}"
    );
    let (status, page) = get_text(&c, t.url(&path)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Importação de bureau.csv")
            && page.contains("fonte enriquecimento bureau.csv")
            && page.contains("href=\"/importacoes/contatos\">← Importar contatos"),
        "{page}"
    );
    // Reloading the page sends nothing again.
    let maria = t.app.search_debtors(a.id, "52998224725", 5).await.unwrap()[0].id;
    let before = contacts::list_for_debtor(&t.app.db, a.id, maria)
        .await
        .unwrap();
    assert_eq!(get_text(&c, t.url(&path)).await.0, StatusCode::OK);
    assert_eq!(
        contacts::list_for_debtor(&t.app.db, a.id, maria)
            .await
            .unwrap(),
        before
    );
    // Listed among the recent contact imports, not the carteira's.
    let (_, form) = get_text(&c, t.url("/importacoes/contatos")).await;
    assert!(form.contains(&format!("href=\"{path}\"")), "{form}");
    let (_, titles) = get_text(&c, t.url(&format!("/carteiras/{}/importar", cred.id))).await;
    assert!(!titles.contains(&format!("href=\"{path}\"")), "{titles}");

    // The same file again: nothing new.
    let (_, html) = enrich_through_page(&t, &c, &csrf, "bureau.csv", ENRICH, false).await;
    assert_eq!(figure_of(&html, "criados"), "0");
    assert_eq!(figure_of(&html, "inalterados"), "3");

    // A beta-only CPF through alfa's page: refused, line and column named,
    // in the page and in the report.
    let beta_row = "documento_devedor;email\n111.444.777-35;invasor@example.com\n";
    let (refused, html) = enrich_through_page(&t, &c, &csrf, "x.csv", beta_row, false).await;
    assert!(
        html.contains("nada foi gravado") && html.contains("devedor não cadastrado"),
        "{html}"
    );
    assert_eq!(figure_of(&html, "desconhecidos"), "1");
    assert_eq!(
        report_of(&c, &t, &refused).await,
        [
            "linha;coluna;valor;motivo",
            "2;documento_devedor;111.444.777-35;devedor não cadastrado nesta organização (importe os títulos antes)",
        ]
    );

    // The imports are alfa's: beta's supervisor does not find them, and an
    // agent of alfa may not open them.
    let bc = client();
    logged_in(&t, &bc, &b.email("supervisor")).await;
    for p in [
        path.clone(),
        format!("{path}/progresso"),
        format!("{refused}/erros.csv"),
    ] {
        assert_eq!(
            get_text(&bc, t.url(&p)).await.0,
            StatusCode::NOT_FOUND,
            "{p}"
        );
        assert_eq!(
            get_text(&ag, t.url(&p)).await.0,
            StatusCode::FORBIDDEN,
            "{p}"
        );
    }

    // API: supervisors; the summary shape; the same beta row refused.
    let api = reqwest::Client::new();
    let agent_tok = token(&t, a.id, Role::Agent).await;
    let sup_tok = token(&t, a.id, Role::Supervisor).await;
    let url = t.url("/api/v1/imports/contacts?source=Bureau%20API");
    assert_eq!(
        api.post(&url)
            .bearer_auth(&agent_tok)
            .body(ENRICH)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let more = "documento_devedor;telefones\n529.982.247-25;21 3333-4444\n";
    let res = api
        .post(&url)
        .bearer_auth(&sup_tok)
        .body(more)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["summary"]["contacts_created"], 1, "{v}");
    assert_eq!(v["summary"]["applied"], true);
    for key in [
        "rows",
        "unchanged",
        "skipped_invalid",
        "unknown_debtors",
        "errors",
        "elapsed_ms",
    ] {
        assert!(v["summary"][key].is_u64(), "{key}: {v}");
    }
    let res = api
        .post(&url)
        .bearer_auth(&sup_tok)
        .body(beta_row)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["summary"]["unknown_debtors"], 1);
    assert_eq!(v["problems"][0]["line"], 2);
    assert_eq!(v["problems"][0]["column"], "documento_devedor");
    assert_eq!(
        api.post(&url)
            .bearer_auth(&sup_tok)
            .body("")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let maria = t.app.search_debtors(a.id, "maria", 5).await.unwrap()[0].id;
    let mine = contacts::list_for_debtor(&t.app.db, a.id, maria)
        .await
        .unwrap();
    assert!(
        mine.iter()
            .any(|c| c.value == "+552133334444" && c.source == "Bureau API")
    );
    assert!(mine.iter().any(|c| c.value == "+5511998765432"
        && c.source == "enriquecimento bureau.csv"
        && c.whatsapp));
    // Beta is untouched.
    assert_eq!(
        contacts::list_for_debtor(&t.app.db, b.id, b_jose)
            .await
            .unwrap(),
        b_contacts
    );
}

/// Every new route refuses another organization's debtor.
pub async fn debtor_routes_are_per_organization(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    let b_cred = creditor(&t, b.id, "Credora Zanzibar", "11.222.333/0001-81").await;
    import(
        &t,
        b.id,
        b_cred.id,
        &good_csv().replace("maria aparecida da silva", "Quitéria Zanoni"),
    )
    .await;
    let b_debtor = t.app.search_debtors(b.id, "quiteria", 5).await.unwrap()[0].id;
    let a_admin = token(&t, a.id, Role::Admin).await;
    let api = reqwest::Client::new();
    let c = client();
    let csrf = logged_in(&t, &c, &a.email("admin")).await;
    for path in [
        format!("/api/v1/debtors/{b_debtor}"),
        format!("/api/v1/debtors/{b_debtor}/accesses"),
    ] {
        for by_token in [true, false] {
            let req = if by_token {
                api.get(t.url(&path)).bearer_auth(&a_admin)
            } else {
                c.get(t.url(&path)).header("x-csrf-token", &csrf)
            };
            assert_eq!(
                req.send().await.unwrap().status(),
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
    }
    assert_eq!(
        c.get(t.url(&format!("/devedores/{b_debtor}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    for path in [
        "/api/v1/debtors".to_owned(),
        format!("/api/v1/debtors?after={b_debtor}"),
    ] {
        let body = api
            .get(t.url(&path))
            .bearer_auth(&a_admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!body.contains("Zanoni"), "{path}: {body}");
    }
    for path in [
        "/devedores".to_owned(),
        format!("/devedores?after={b_debtor}"),
        format!("/devedores/busca?after={b_debtor}"),
    ] {
        let (_, html) = get_text(&c, t.url(&path)).await;
        assert!(!html.contains("Zanoni"), "{path}");
    }
    // Alfa's attempts left no trace in beta's access log.
    assert!(
        t.app
            .debtor_accesses(&principal(b.id, Role::Admin), b_debtor, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Two organizations that imported the same file: Maria is a debtor of both.
struct Twins {
    a: Org,
    b: Org,
    cred: quita_store::portfolio::creditors::Creditor,
    maria: i64,
    b_maria: i64,
}

async fn twins(t: &TestApp) -> Twins {
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
    let b_maria = t.app.search_debtors(b.id, "maria", 5).await.unwrap()[0].id;
    Twins {
        a,
        b,
        cred,
        maria,
        b_maria,
    }
}

/// The debtor's first phone, as stored.
async fn phone_of(t: &TestApp, org_id: i64, debtor_id: i64) -> contacts::ContactRow {
    contacts::list_for_debtor(&t.app.db, org_id, debtor_id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.kind == "phone")
        .unwrap()
}

/// The "Registrar contrato" form: a supervisor records a contract with its
/// own interest rate and the 360° shows it as "do contrato"; an agent sees
/// no form and is refused; a bad value names its field and changes nothing;
/// another organization's debtor is not found.
pub async fn contract_form_records_terms(db: Db) {
    let t = TestApp::start(db).await;
    let Twins {
        a,
        b,
        cred,
        maria,
        b_maria,
    } = twins(&t).await;

    let sup = client();
    let csrf = logged_in(&t, &sup, &a.email("supervisor")).await;
    let (_, html) = get_text(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert!(
        html.contains("form-contrato") && html.contains("Loja Boa Vista"),
        "{html}"
    );
    let post = |c: &Client, debtor: i64, csrf: &str, fine: &str| {
        c.post(t.url(&format!("/devedores/{debtor}/contratos")))
            .form(&[
                ("_csrf", csrf),
                ("creditor_id", &cred.id.to_string()),
                ("number", "CT-WEB-1"),
                ("kind", "recurring"),
                ("product", "Plano anual"),
                ("starts_on", "01/02/2026"),
                ("late_fine", fine),
                ("interest", "0,5"),
                ("fee", ""),
                ("grace_days", "3"),
            ])
            .send()
    };
    let bad = post(&sup, maria, &csrf, "dois").await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The debtor page itself, the form filled in with what was sent.
    let text = bad.text().await.unwrap();
    let alert = text
        .split("id=\"contrato-erro\">")
        .nth(1)
        .and_then(|a| a.split("</p>").next())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(alert.contains("Contrato não salvo: multa"), "{alert}");
    assert!(
        text.contains("value=\"CT-WEB-1\"")
            && text.contains("value=\"dois\"")
            && text.contains("value=\"Plano anual\""),
        "{text}"
    );
    let negative = post(&sup, maria, &csrf, "-2").await.unwrap();
    assert_eq!(negative.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = negative.text().await.unwrap();
    assert!(
        text.contains("multa: o percentual não pode ser negativo"),
        "{text}"
    );
    // Above the consumer cap: refused as the creditor's policy would be,
    // the fine typed kept in the form.
    let above = post(&sup, maria, &csrf, "5").await.unwrap();
    assert_eq!(above.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = above.text().await.unwrap();
    assert!(
        text.contains("Relação de consumo: a multa não pode passar de 2% (CDC art. 52, § 1º)")
            && text.contains("name=\"late_fine\" value=\"5\""),
        "{text}"
    );
    // A number of spaces only: in Portuguese.
    let blank = sup
        .post(t.url(&format!("/devedores/{maria}/contratos")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("creditor_id", &cred.id.to_string()),
            ("number", "   "),
            ("kind", "one_off"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = blank.text().await.unwrap();
    assert!(text.contains("número do contrato em branco"), "{text}");
    let (_, html) = get_text(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert!(!html.contains("CT-WEB-1"), "nothing saved from a bad form");

    let ok = post(&sup, maria, &csrf, "").await.unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let to = ok.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.starts_with(&format!("/devedores/{maria}#contrato-")),
        "{to}"
    );
    let (_, html) = get_text(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert!(
        html.contains("Contrato CT-WEB-1")
            && html.contains("Recorrente")
            && html.contains("Plano anual"),
        "{html}"
    );
    assert!(
        html.contains("0,5% ao mês") && html.contains("do contrato"),
        "{html}"
    );
    assert!(html.contains("01/02/2026"), "{html}");
    assert!(
        html.contains("Contrato CT-WEB-1 registrado com suas condições."),
        "{html}"
    );
    // Sent again with another fine: the timeline says it changed.
    let again = post(&sup, maria, &csrf, "1").await.unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert!(
        html.contains("Contrato CT-WEB-1: condições alteradas."),
        "{html}"
    );

    // Agents see the contract but not the form, and cannot post it.
    let agent = client();
    let agent_csrf = logged_in(&t, &agent, &a.email("agent")).await;
    let (_, html) = get_text(&agent, t.url(&format!("/devedores/{maria}"))).await;
    assert!(html.contains("CT-WEB-1") && !html.contains("form-contrato"));
    assert_eq!(
        post(&agent, maria, &agent_csrf, "").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // Another organization's debtor: not found, nothing recorded there.
    assert_eq!(
        post(&sup, b_maria, &csrf, "").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let b_view = t
        .app
        .debtor_360(b.id, b_maria, jiff::civil::date(2026, 11, 23))
        .await
        .unwrap();
    assert!(
        b_view
            .contracts
            .iter()
            .all(|k| k.contract.number != "CT-WEB-1")
    );

    // The same through the API: supervisors and admins only, same checks.
    let api = reqwest::Client::new();
    let admin = token(&t, a.id, Role::Admin).await;
    let agent_token = token(&t, a.id, Role::Agent).await;
    let body = |fine: &str| {
        serde_json::json!({
            "creditor_id": cred.id, "number": "CT-API-2", "kind": "one_off",
            "starts_on": "2026-03-01", "late_fine": fine, "collection_fee": "10",
            "collection_fee_allowed": true, "grace_days": 5
        })
    };
    let url = t.url(&format!("/api/v1/debtors/{maria}/contracts"));
    let res = api
        .post(&url)
        .bearer_auth(&admin)
        .json(&body("1,5"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let k: Value = res.json().await.unwrap();
    assert_eq!(
        (&k["number"], &k["kind"], &k["starts_on"]),
        (
            &Value::from("CT-API-2"),
            &Value::from("one_off"),
            &Value::from("2026-03-01")
        )
    );
    assert!(
        k["terms"]["collection_fee_allowed"].as_bool().unwrap(),
        "{k}"
    );
    let bad = api
        .post(&url)
        .bearer_auth(&admin)
        .json(&body("dois"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        api.post(&url)
            .bearer_auth(&agent_token)
            .json(&body("1"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api.post(t.url(&format!("/api/v1/debtors/{b_maria}/contracts")))
            .bearer_auth(&admin)
            .json(&body("1"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    // A creditor the organization does not have: not found, naming the field.
    let mut unknown = body("1");
    unknown["creditor_id"] = Value::from(cred.id + 100_000);
    let res = api
        .post(&url)
        .bearer_auth(&admin)
        .json(&unknown)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["field"], "creditor_id", "{problem}");
    let view = t
        .app
        .debtor_360(a.id, maria, jiff::civil::date(2026, 11, 23))
        .await
        .unwrap();
    let k = view
        .contracts
        .iter()
        .find(|k| k.contract.number == "CT-API-2")
        .unwrap();
    assert_eq!(k.terms.late_fine.value, Percent::parse("1,5").unwrap());

    // The terms chosen from a list on the page are in the API too: compound
    // interest and a consumer relation, under which a 3 % fine is refused
    // (CDC art. 52, § 1º) and 2 % is recorded.
    let mut rich = body("3");
    rich["number"] = "CT-API-3".into();
    rich["interest_mode"] = "compound".into();
    rich["correction"] = "ipca".into();
    rich["consumer_relation"] = true.into();
    let res = api
        .post(&url)
        .bearer_auth(&admin)
        .json(&rich)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json::<Value>().await.unwrap()["field"], "late_fine");
    rich["late_fine"] = "2".into();
    let res = api
        .post(&url)
        .bearer_auth(&admin)
        .json(&rich)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let k: Value = res.json().await.unwrap();
    assert_eq!(
        (
            &k["terms"]["interest_mode"],
            &k["terms"]["correction"],
            &k["terms"]["consumer_relation"]
        ),
        (
            &Value::from("compound"),
            &Value::from("ipca"),
            &Value::from(true)
        ),
        "{k}"
    );
    let view = t
        .app
        .debtor_360(a.id, maria, jiff::civil::date(2026, 11, 23))
        .await
        .unwrap();
    let k3 = view
        .contracts
        .iter()
        .find(|k| k.contract.number == "CT-API-3")
        .unwrap();
    assert_eq!(k3.terms.interest_mode.value, InterestMode::Compound);
    assert_eq!(k3.terms.late_fine.value, Percent::parse("2").unwrap());
    assert_eq!(k3.terms.late_fine.origin, TermOrigin::Contract);

    // A misspelt term or an unknown choice is refused, naming it; nothing
    // is recorded.
    for (field, value) in [
        ("late_fee", Value::from("2")),
        ("interest_mode", Value::from("composto")),
        ("correction", Value::from("igpm")),
    ] {
        let mut wrong = body("1");
        wrong["number"] = "CT-API-4".into();
        wrong[field] = value;
        let res = api
            .post(&url)
            .bearer_auth(&admin)
            .json(&wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let problem = res.text().await.unwrap();
        assert!(problem.contains(field), "{field}: {problem}");
    }
    let view = t
        .app
        .debtor_360(a.id, maria, jiff::civil::date(2026, 11, 23))
        .await
        .unwrap();
    assert!(
        view.contracts
            .iter()
            .all(|k| k.contract.number != "CT-API-4")
    );
}

/// The marking forms of the debtor page: an agent sets alerts and tags and
/// marks a phone as a wrong number the debtor opted out of by SMS; a bad
/// tag or situation names its field and changes nothing; a viewer is
/// refused; another organization's debtor is not found.
pub async fn marking_forms_change_flags_and_contacts(db: Db) {
    let t = TestApp::start(db).await;
    let Twins {
        a,
        b,
        cred: _,
        maria,
        b_maria,
    } = twins(&t).await;
    let phone = phone_of(&t, a.id, maria).await.id;

    let agent = client();
    let csrf = logged_in(&t, &agent, &a.email("agent")).await;
    let page = format!("/devedores/{maria}");
    let (_, html) = get_text(&agent, t.url(&page)).await;
    assert!(
        html.contains("form-alertas") && html.contains(&format!("/contatos/{phone}")),
        "{html}"
    );
    let alerts = |c: &Client, debtor: i64, csrf: &str, tags: &str| {
        c.post(t.url(&format!("/devedores/{debtor}/alertas")))
            .form(&[("_csrf", csrf), ("dispute", "on"), ("tags", tags)])
            .send()
    };
    let bad = alerts(&agent, maria, &csrf, "vip, não!").await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("marcador"));
    let (_, html) = get_text(&agent, t.url(&page)).await;
    assert!(
        !html.contains("Em disputa</span>"),
        "nothing saved from a bad form"
    );
    let ok = alerts(&agent, maria, &csrf, "VIP, acordo anterior")
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(&agent, t.url(&page)).await;
    assert!(
        html.contains("<span class=\"tag warn\">Em disputa</span>")
            && html.contains("<span class=\"tag\">vip</span>")
            && html.contains("value=\"acordo anterior, vip\""),
        "{html}"
    );

    let mark = |c: &Client, debtor: i64, csrf: &str, situacao: &str| {
        c.post(t.url(&format!("/devedores/{debtor}/contatos/{phone}")))
            .form(&[
                ("_csrf", csrf),
                ("situacao", situacao),
                ("optout_sms", "on"),
            ])
            .send()
    };
    let bad = mark(&agent, maria, &csrf, "invalid:talvez").await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A phone is offered only a phone's reasons, and a bounce is refused.
    let (_, html) = get_text(&agent, t.url(&page)).await;
    let row = html
        .split(&format!("<tr id=\"contato-{phone}\">"))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap();
    assert!(
        row.contains("invalid:wrong_number") && !row.contains("invalid:bounce"),
        "{row}"
    );
    assert!(!row.contains("optout_letter") && row.contains("optout_sms"));
    let bad = mark(&agent, maria, &csrf, "invalid:bounce").await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("não se aplica a um telefone")
    );
    let ok = mark(&agent, maria, &csrf, "invalid:wrong_number")
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        ok.headers()["location"].to_str().unwrap(),
        format!("/devedores/{maria}#contato-{phone}")
    );
    let (_, html) = get_text(&agent, t.url(&page)).await;
    assert!(
        html.contains("Inválido</span> (número errado)")
            && html.contains("<option value=\"invalid:wrong_number\" selected>"),
        "{html}"
    );
    let stored = contacts::list_for_debtor(&t.app.db, a.id, maria)
        .await
        .unwrap();
    let p = stored.iter().find(|c| c.id == phone).unwrap();
    assert_eq!((p.status.as_str(), p.opt_out), ("invalid", 2));
    // The timeline says the contact's whole state as it was set.
    let timeline = html
        .split("id=\"linha-do-tempo\"")
        .nth(1)
        .expect("the page has a timeline");
    assert!(
        timeline.contains(
            "Contato (11) 91234-5678: inválido (número errado); não quer receber por SMS; não é contato do trabalho."
        ),
        "{timeline}"
    );

    // Without the CSRF token: refused, nothing changes.
    let res = agent
        .post(t.url(&format!("/devedores/{maria}/contatos/{phone}")))
        .form(&[("situacao", "valid")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A viewer may not mark; another organization's debtor is not found.
    let viewer = client();
    let viewer_csrf = logged_in(&t, &viewer, &a.email("viewer")).await;
    assert_eq!(
        alerts(&viewer, maria, &viewer_csrf, "")
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        alerts(&agent, b_maria, &csrf, "").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        mark(&agent, b_maria, &csrf, "valid")
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let stored = contacts::list_for_debtor(&t.app.db, a.id, maria)
        .await
        .unwrap();
    assert_eq!(
        stored.iter().find(|c| c.id == phone).unwrap().status,
        "invalid"
    );
    let b_debtor = t.app.find_debtor(b.id, &b_maria.to_string()).await.unwrap();
    assert!(!b_debtor.dispute && b_debtor.tags.is_empty());
}

/// The marks through the API: `PATCH` changes only the fields it names; a
/// bad tag, an unknown field or a reason that does not fit the contact is a
/// 422 naming it and changes nothing; a viewer is refused; another
/// organization's debtor and contact are not found.
pub async fn api_marks_debtors_and_contacts(db: Db) {
    let t = TestApp::start(db).await;
    let Twins {
        a,
        b,
        cred: _,
        maria,
        b_maria,
    } = twins(&t).await;
    let phone = phone_of(&t, a.id, maria).await;
    let api = reqwest::Client::new();
    let agent = token(&t, a.id, Role::Agent).await;
    let viewer = token(&t, a.id, Role::Viewer).await;
    let patch = |token: &str, path: String, body: Value| {
        api.patch(t.url(&path))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let debtor = format!("/api/v1/debtors/{maria}");

    let res = patch(
        &agent,
        debtor.clone(),
        json!({"do_not_contact": true, "tags": ["Cobrança judicial", "vip"]}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let d: Value = res.json().await.unwrap();
    assert_eq!(
        (&d["do_not_contact"], &d["dispute"], &d["tags"]),
        (
            &json!(true),
            &json!(false),
            &json!(["cobrança judicial", "vip"])
        )
    );
    // Only what is named changes.
    let d: Value = patch(&agent, debtor.clone(), json!({"dispute": true}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&d["do_not_contact"], &d["dispute"], &d["tags"]),
        (
            &json!(true),
            &json!(true),
            &json!(["cobrança judicial", "vip"])
        )
    );
    for (bad, field) in [
        (json!({"tags": ["não!"]}), "tags"),
        (json!({"dispute": false, "dispte": true}), "dispte"),
        (json!({"deceased": "sim"}), "deceased"),
    ] {
        let res = patch(&agent, debtor.clone(), bad).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = res.text().await.unwrap();
        assert!(text.contains(field), "{field}: {text}");
    }
    let now = t.app.find_debtor(a.id, &maria.to_string()).await.unwrap();
    assert!(now.dispute && now.do_not_contact && !now.deceased);

    let contact = format!("/api/v1/debtors/{maria}/contacts/{}", phone.id);
    let res = patch(
        &agent,
        contact.clone(),
        json!({"invalid_reason": "disconnected", "opt_out": ["sms"], "workplace": true}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let c: Value = res.json().await.unwrap();
    assert_eq!(
        (
            &c["status"],
            &c["invalid_reason"],
            &c["opt_out"],
            &c["workplace"]
        ),
        (
            &json!("invalid"),
            &json!("disconnected"),
            &json!(["sms"]),
            &json!(true)
        )
    );
    for (bad, text) in [
        (
            json!({"invalid_reason": "bounce"}),
            "não se aplica a um telefone",
        ),
        (
            json!({"opt_out": ["letter"]}),
            "não se aplica a um telefone",
        ),
        (json!({"status": "invalid"}), "invalid_reason"),
        (json!({"opt_out": ["fax"]}), "fax"),
    ] {
        let res = patch(&agent, contact.clone(), bad).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = res.text().await.unwrap();
        assert!(body.contains(text), "{text}: {body}");
    }
    let c: Value = patch(&agent, contact.clone(), json!({"status": "valid"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            &c["status"],
            &c["invalid_reason"],
            &c["opt_out"],
            &c["workplace"]
        ),
        (&json!("valid"), &Value::Null, &json!(["sms"]), &json!(true))
    );

    // A viewer may not mark; another organization's records are not found.
    assert_eq!(
        patch(&viewer, debtor.clone(), json!({"deceased": true}))
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        patch(
            &agent,
            format!("/api/v1/debtors/{b_maria}"),
            json!({"deceased": true})
        )
        .await
        .unwrap()
        .status(),
        StatusCode::NOT_FOUND
    );
    let b_phone = phone_of(&t, b.id, b_maria).await;
    for path in [
        format!("/api/v1/debtors/{b_maria}/contacts/{}", b_phone.id),
        format!("/api/v1/debtors/{maria}/contacts/{}", b_phone.id),
    ] {
        assert_eq!(
            patch(&agent, path, json!({"status": "valid"}))
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );
    }
    let untouched = contacts::list_for_debtor(&t.app.db, b.id, b_maria)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == b_phone.id)
        .unwrap();
    assert_eq!(untouched, b_phone);
    let b_debtor = t.app.find_debtor(b.id, &b_maria.to_string()).await.unwrap();
    assert!(!b_debtor.deceased);
}

/// The `<li>` lines of the page's timeline.
fn timeline_lines(html: &str) -> Vec<String> {
    let Some(list) = html
        .split("<ol class=\"linha-do-tempo\">")
        .nth(1)
        .and_then(|l| l.split("</ol>").next())
    else {
        return Vec::new();
    };
    list.split("<li>")
        .skip(1)
        .map(|li| li.split("</li>").next().unwrap().to_owned())
        .collect()
}

/// The "Ver eventos mais antigos" link of a page, if it has one.
fn older_link(html: &str) -> Option<String> {
    let at = html.find("id=\"eventos-antigos\"")?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    Some(html[start..].split('"').next()?.replace("&#35;", "#"))
}

/// The debtor page shows the newest 50 events; with more, "Ver eventos
/// mais antigos" opens the next 50 older than the last one shown, and that
/// page links back to the newest. A bad `antes` is a 422 page.
pub async fn timeline_pages_back(db: Db) {
    let t = TestApp::start(db).await;
    let Twins { a, maria, .. } = twins(&t).await;
    let agent = client();
    let csrf = logged_in(&t, &agent, &a.email("agent")).await;
    for i in 1..=55 {
        let res = agent
            .post(t.url(&format!("/devedores/{maria}/alertas")))
            .form(&[("_csrf", csrf.as_str()), ("tags", &format!("lote{i:02}"))])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "change {i}");
    }
    let page = format!("/devedores/{maria}");
    let (status, html) = get_text(&agent, t.url(&page)).await;
    assert_eq!(status, StatusCode::OK);
    let first = timeline_lines(&html);
    assert_eq!(first.len(), 50, "{html}");
    assert!(first[0].contains("marcadores: lote55."), "{}", first[0]);
    assert!(first[49].contains("marcadores: lote06."), "{}", first[49]);
    assert!(!html.contains("id=\"eventos-recentes\""), "the newest page");
    let link = older_link(&html).unwrap_or_else(|| panic!("no older link: {html}"));
    let last = t
        .app
        .debtor_timeline_of(&principal(a.id, Role::Agent), maria, None, 50)
        .await
        .unwrap()
        .last()
        .unwrap()
        .id;
    assert_eq!(
        link,
        format!("/devedores/{maria}?antes={last}#linha-do-tempo")
    );

    let (status, older) = get_text(&agent, t.url(&link)).await;
    assert_eq!(status, StatusCode::OK);
    let rest = timeline_lines(&older);
    let tags: Vec<&str> = rest
        .iter()
        .map(|li| li.rsplit("marcadores: ").next().unwrap())
        .collect();
    assert_eq!(
        tags,
        ["lote05.", "lote04.", "lote03.", "lote02.", "lote01."],
        "{older}"
    );
    assert_eq!(older_link(&older), None, "no page after the last");
    assert!(
        older.contains(&format!(
            "<a href=\"/devedores/{maria}#linha-do-tempo\" id=\"eventos-recentes\">"
        )),
        "{older}"
    );
    // The rest of the page is the same debtor's.
    assert!(older.contains("id=\"devedor-nome\""), "{older}");

    // A cursor that is not a positive integer: the usual 422 page.
    for bad in ["abc", "0", "-3", "1.5", "99999999999999999999"] {
        let (status, body) = get_text(&agent, t.url(&format!("{page}?antes={bad}"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            body.contains("inteiro positivo") && body.contains("Dados inválidos"),
            "{bad}: {body}"
        );
    }
    // Blank is the newest page.
    let (status, html) = get_text(&agent, t.url(&format!("{page}?antes="))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(timeline_lines(&html).len(), 50);
}

/// "How much if paid on the 10th?": the 360° page updates the amounts to
/// the date asked for; a date that does not read leaves them at today's and
/// says why.
pub async fn amounts_update_to_another_date(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    import(&t, a.id, cred.id, &good_csv()).await;
    let jose = quita_store::portfolio::debtors::find_by_document(&t.app.db, a.id, "31844709205")
        .await
        .unwrap()
        .unwrap();
    let c = client();
    logged_in(&t, &c, &a.email("agent")).await;
    let page = |q: &str| {
        let url = t.url(&format!("/devedores/{}{q}", jose.id));
        let c = c.clone();
        async move {
            let res = c.get(url).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.text().await.unwrap()
        }
    };
    // R$ 250,00 due 10/04/2026 (a Friday): on the day, nothing is added;
    // 30 days later, 2% fine and 1% of interest: R$ 257,50.
    let on_time = page("?em=10%2F04%2F2026").await;
    assert!(on_time.contains("atualizados para 10/04/2026"), "{on_time}");
    assert!(on_time.contains("value=\"10/04/2026\""), "{on_time}");
    assert!(on_time.contains("id=\"voltar-para-hoje\""), "{on_time}");
    let totals = |html: &str| {
        html.split("Totais por credor")
            .nth(1)
            .and_then(|s| s.split("</table>").next())
            .unwrap_or_else(|| panic!("{html}"))
            .to_owned()
    };
    assert!(
        totals(&on_time)
            .contains("R$ 250,00</td><td class=\"num\" data-rotulo=\"Valor atualizado\">R$ 250,00"),
        "{on_time}"
    );
    // His title has no contract: the creditor's own terms are at hand.
    assert!(
        on_time.contains("Condições da carteira Loja Boa Vista</summary>"),
        "{on_time}"
    );
    let terms = on_time
        .split("Condições da carteira Loja Boa Vista")
        .nth(1)
        .and_then(|s| s.split("</table>").next())
        .unwrap();
    assert!(
        terms.contains("<td>Multa</td><td>2%</td>") && terms.contains("da carteira"),
        "{terms}"
    );
    // Whether the CDC applies is among the terms at hand.
    assert!(
        terms.contains(
            "<td>Relação de consumo</td><td>sim (multa limitada, CDC art. 52, § 1º)</td>"
        ),
        "{terms}"
    );
    let late = page("?em=10%2F05%2F2026").await;
    assert!(totals(&late).contains("R$ 257,50"), "{late}");
    let bad = page("?em=1%2F5%2F26").await;
    assert!(
        bad.contains("id=\"data-invalida\">Data “1/5/26” inválida"),
        "{bad}"
    );
    assert!(bad.contains("atualizados hoje"), "{bad}");
    assert!(!bad.contains("id=\"voltar-para-hoje\""), "{bad}");

    // Before Maria's titles were issued (01/12/2025) nothing was owed: each
    // says so, and the totals leave them out.
    let maria = quita_store::portfolio::debtors::find_by_document(&t.app.db, a.id, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let res = c
        .get(t.url(&format!("/devedores/{}?em=15%2F11%2F2025", maria.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let before = res.text().await.unwrap();
    assert_eq!(
        before
            .matches("Emitido em 01/12/2025, depois desta data: ainda não era devido")
            .count(),
        4,
        "each of the two titles, in its cell and its memory row: {before}"
    );
    assert!(!totals(&before).contains("R$ 200,00"), "{before}");
    let api = reqwest::Client::new();
    let token = token(&t, a.id, Role::Agent).await;
    let v: serde_json::Value = api
        .get(t.url(&format!("/api/v1/debtors/{}?on=2025-11-15", maria.id)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v["receivables"][0]["update_problem"]["code"], "not_yet_issued",
        "{v}"
    );
    assert_eq!(v["totals"], serde_json::json!([]), "{v}");
}

/// Uploads a contacts file through the page: the answer redirects to the
/// import's page, whose fragment is polled until the import ends. Returns
/// (import page path, final fragment).
pub async fn enrich_through_page(
    t: &TestApp,
    c: &Client,
    csrf: &str,
    file_name: &str,
    content: &str,
    partial: bool,
) -> (String, String) {
    let (ct, body) = multipart(Some(csrf), file_name, content.as_bytes(), partial);
    let res = c
        .post(t.url("/importacoes/contatos"))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "upload");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/importacoes/"), "{location}");
    let (status, page) = get_text(c, t.url(&location)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    for _ in 0..400 {
        let (status, html) = get_text(c, t.url(&format!("{location}/progresso"))).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        if !html.contains("every 500ms") {
            return (location, html);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("contacts import did not finish");
}

/// A figure of an import's summary (`data-k`).
fn figure_of(html: &str, key: &str) -> String {
    let marker = format!("data-k=\"{key}\">");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {key} in {html}"))
        + marker.len();
    html[at..].split('<').next().unwrap().to_owned()
}

/// The complete report of an import, downloaded: its lines (without the BOM).
async fn report_of(c: &Client, t: &TestApp, import: &str) -> Vec<String> {
    let res = c
        .get(t.url(&format!("{import}/erros.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{headers:?}"
    );
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment"),
        "{headers:?}"
    );
    let text = res.text().await.unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("no BOM: {text}"));
    text.lines().map(str::to_owned).collect()
}

/// A file with more problems than the page shows: the page shows the first
/// ones and says how many there are; the downloaded report has them all,
/// in file order, with formula-looking values neutralised.
pub async fn enrichment_report_has_every_problem(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = creditor(&t, a.id, "Loja", "11.222.333/0001-81").await;
    import(&t, a.id, cred.id, &good_csv()).await;
    let c = client();
    let csrf = logged_in(&t, &c, &a.email("supervisor")).await;

    let bad = 45;
    let mut file = String::from("documento_devedor;email\n");
    file.push_str("529.982.247-25;maria.nova@example.com\n");
    for i in 0..bad {
        file.push_str(&format!("529.982.247-25;errado{i}@\n"));
    }
    file.push_str("529.982.247-25;=HYPERLINK(\"http://x\")\n");
    let problems = bad + 1;
    let (path, html) = enrich_through_page(&t, &c, &csrf, "lista.csv", &file, true).await;
    assert!(
        html.contains(&format!(
            "Importação concluída, sem as linhas com erro ({problems} erros: veja abaixo)"
        )),
        "{html}"
    );
    assert_eq!(figure_of(&html, "criados"), "1");
    assert_eq!(figure_of(&html, "erros"), problems.to_string());
    // No column went unread: no warnings.
    assert_eq!(figure_of(&html, "avisos"), "0");
    assert!(
        html.contains(&format!(
            "Primeiros problemas (20 de {problems}, erros antes dos avisos)"
        )),
        "{html}"
    );
    let table = html.split("id=\"problemas\"").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    assert_eq!(table.matches("<tr>").count(), 1 + 20, "{table}");
    assert!(!html.contains("linha de comando"), "{html}");
    assert!(
        html.contains(&format!("href=\"{path}/erros.csv\"")),
        "{html}"
    );

    let report = report_of(&c, &t, &path).await;
    assert_eq!(report.len(), 1 + problems, "{report:?}");
    assert_eq!(report[0], "linha;coluna;valor;motivo");
    for (i, line) in report[1..bad + 1].iter().enumerate() {
        assert_eq!(
            *line,
            format!("{};email;errado{i}@;e-mail inválido", i + 3),
            "{report:?}"
        );
    }
    let last = &report[problems];
    assert!(
        last.starts_with(&format!("{};email;", bad + 3)) && last.contains("'=HYPERLINK("),
        "{last}"
    );
}

/// A contact learned during a call, added through the debtor page and the
/// API: normalised as the import does, once only (a second add changes
/// nothing, not even a contact marked invalid), audited without its value;
/// refused whole when bad, to viewers, and on another organization's debtor.
pub async fn contacts_are_added_by_hand(db: Db) {
    let t = TestApp::start(db).await;
    let Twins {
        a,
        b: _,
        cred: _,
        maria,
        b_maria,
    } = twins(&t).await;
    let listed = |debtor: i64, org: i64| {
        let db = t.app.db.clone();
        async move { contacts::list_for_debtor(&db, org, debtor).await.unwrap() }
    };
    let before = listed(maria, a.id).await.len();

    let agent = client();
    let csrf = logged_in(&t, &agent, &a.email("agent")).await;
    let (_, html) = get_text(&agent, t.url(&format!("/devedores/{maria}"))).await;
    assert!(html.contains("id=\"form-novo-contato\""), "{html}");
    let add = |c: &Client, debtor: i64, csrf: &str, kind: &str, value: &str| {
        c.post(t.url(&format!("/devedores/{debtor}/contatos")))
            .form(&[
                ("_csrf", csrf),
                ("kind", kind),
                ("value", value),
                ("whatsapp", ""),
                ("source", "o próprio devedor"),
            ])
            .send()
    };
    let res = add(&agent, maria, &csrf, "phone", "(21) 99876-5432")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.contains("contato_adicionado=novo#contato-"), "{to}");
    let (_, html) = get_text(&agent, t.url(&to)).await;
    assert!(html.contains("id=\"contato-adicionado\""), "{html}");
    // The timeline names the contact and its source, in Portuguese.
    assert!(
        html.contains("Contato (21) 99876-5432 adicionado (fonte: o próprio devedor)."),
        "{html}"
    );
    assert!(!html.contains("contact_added"), "{html}");
    let stored = listed(maria, a.id).await;
    assert_eq!(stored.len(), before + 1);
    let new = stored
        .iter()
        .find(|c| c.value == "+5521998765432")
        .expect("stored as E.164");
    assert!(new.whatsapp && new.source == "o próprio devedor" && new.status == "unverified");

    // Marked invalid, then given again: it stays as marked.
    t.app
        .mark_contact(
            &principal(a.id, Role::Agent),
            maria,
            new.id,
            quita_app::portfolio::marks::ContactMarksPatch {
                validity: Some(quita_core::contact::Validity::Invalid(
                    quita_core::contact::InvalidReason::WrongNumber,
                )),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let again = add(&agent, maria, &csrf, "phone", "21 99876 5432")
        .await
        .unwrap();
    let to = again.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.contains("contato_adicionado=existente"), "{to}");
    let stored = listed(maria, a.id).await;
    assert_eq!(stored.len(), before + 1);
    assert!(
        stored
            .iter()
            .any(|c| c.id == new.id && c.status == "invalid")
    );

    // Bad values: a page naming the field; nothing stored.
    for (kind, value, said) in [
        ("phone", "99876-5432", "telefone inválido: informe o DDD"),
        ("phone", "(20) 99876-5432", "o DDD 20 não existe"),
        ("email", "maria@", "e-mail inválido"),
        ("fax", "1", "tipo de contato"),
    ] {
        let res = add(&agent, maria, &csrf, kind, value).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{value}");
        let text = res.text().await.unwrap();
        // The debtor page itself, the form open and filled in, saying why.
        let alert = text
            .split("id=\"contato-erro\">")
            .nth(1)
            .and_then(|a| a.split("</p>").next())
            .unwrap_or_else(|| panic!("{value}: {text}"));
        assert!(alert.contains(said), "{value}: {alert}");
        assert!(
            text.contains("<details id=\"novo-contato\" open>")
                && text.contains(&format!("value=\"{value}\""))
                && text.contains("value=\"o próprio devedor\""),
            "{value}: {text}"
        );
    }
    assert_eq!(listed(maria, a.id).await.len(), before + 1);
    // Another organization's debtor is not found.
    let res = add(&agent, b_maria, &csrf, "email", "nova@example.com")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Without the session's token: refused.
    let res = add(&agent, maria, "x", "email", "nova@example.com")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The API: 201 then 200 with the same contact; viewers and strangers refused.
    let api = reqwest::Client::new();
    let post = |token: &str, debtor: i64, body: Value| {
        api.post(t.url(&format!("/api/v1/debtors/{debtor}/contacts")))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let agent_token = token(&t, a.id, Role::Agent).await;
    let body = json!({"kind": "address", "value": "Rua das Flores,  12", "city": "Recife",
                      "uf": "pe", "cep": "50010-000", "workplace": true});
    let res = post(&agent_token, maria, body.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let c: Value = res.json().await.unwrap();
    assert_eq!(
        (
            &c["value"],
            &c["uf"],
            &c["cep"],
            &c["source"],
            &c["workplace"]
        ),
        (
            &json!("Rua das Flores, 12"),
            &json!("PE"),
            &json!("50010000"),
            &json!("agente"),
            &json!(true)
        ),
        "{c}"
    );
    let res = post(&agent_token, maria, body.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["id"], c["id"]);
    let res = post(
        &agent_token,
        maria,
        json!({"kind": "email", "value": "x@", "uf": "SP"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let viewer = token(&t, a.id, Role::Viewer).await;
    let res = post(
        &viewer,
        maria,
        json!({"kind": "email", "value": "v@example.com"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post(
        &agent_token,
        b_maria,
        json!({"kind": "email", "value": "v@example.com"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(listed(maria, a.id).await.len(), before + 2);

    // Audited twice (the two contacts added), without the value.
    let log = quita_store::audit::list(&t.app.db, a.id, None, 100)
        .await
        .unwrap();
    let added: Vec<_> = log.iter().filter(|e| e.action == "contact_added").collect();
    assert_eq!(added.len(), 2, "{added:?}");
    for e in added {
        let text = e.details.to_string();
        assert!(
            !text.contains("99876") && !text.contains("Flores"),
            "{text}"
        );
    }
}

/// "Corrigir nome" (supervisor): a blank name comes back on the page,
/// filled in, saying why; a good one is normalised, shown, on the timeline
/// with the old one, and found by search. The API's `name` does the same;
/// an agent may not, and another organization's debtor is not found.
pub async fn supervisors_correct_a_debtor_name(db: Db) {
    let t = TestApp::start(db).await;
    let Twins {
        a, maria, b_maria, ..
    } = twins(&t).await;
    let c = client();
    let csrf = logged_in(&t, &c, &a.email("supervisor")).await;
    let (_, page) = get_text(&c, t.url(&format!("/devedores/{maria}"))).await;
    assert!(page.contains("id=\"form-nome\""), "{page}");
    let post = |name: &'static str| {
        c.post(t.url(&format!("/devedores/{maria}/nome")))
            .form(&[("_csrf", csrf.as_str()), ("name", name)])
            .send()
    };
    let res = post("   ").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Nome não corrigido: informe o nome.")
            && html.contains("<details id=\"corrigir-nome\" open>"),
        "{html}"
    );
    let res = post("MARIA  APARECIDA da silva SANTOS").await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = get_text(&c, t.url(&format!("/devedores/{maria}"))).await;
    assert!(
        page.contains("<h1 id=\"devedor-nome\">Maria Aparecida da Silva Santos</h1>"),
        "{page}"
    );
    assert!(
        page.contains(
            "Nome corrigido: “Maria Aparecida da Silva” → “Maria Aparecida da Silva Santos”."
        ),
        "{page}"
    );
    assert_eq!(
        t.app.search_debtors(a.id, "santos maria", 5).await.unwrap()[0].id,
        maria
    );
    // An agent sees no form and may not post it.
    let agent = client();
    let agent_csrf = logged_in(&t, &agent, &a.email("agent")).await;
    let (_, page) = get_text(&agent, t.url(&format!("/devedores/{maria}"))).await;
    assert!(!page.contains("id=\"form-nome\""));
    let res = agent
        .post(t.url(&format!("/devedores/{maria}/nome")))
        .form(&[("_csrf", agent_csrf.as_str()), ("name", "Outra")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let api = reqwest::Client::new();
    let patch = |token: String, id: i64, body: Value| {
        api.patch(t.url(&format!("/api/v1/debtors/{id}")))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let sup = token(&t, a.id, Role::Supervisor).await;
    let res = patch(sup.clone(), maria, json!({"name": "maria aparecida"}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap()["name"],
        "Maria Aparecida"
    );
    let res = patch(sup.clone(), maria, json!({"name": "123"}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json::<Value>().await.unwrap()["field"], "name");
    let res = patch(
        token(&t, a.id, Role::Agent).await,
        maria,
        json!({"name": "X Y"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = patch(sup, b_maria, json!({"name": "X Y"})).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        t.app
            .debtor_360(a.id, maria, t.app.clock.today_in("America/Sao_Paulo"))
            .await
            .unwrap()
            .debtor
            .name,
        "Maria Aparecida"
    );
}

/// An agent sees the CPF masked; the whole one only when asking for it
/// ("Ver completo", a form with the CSRF token), and each time is on the
/// debtor's timeline. A supervisor sees it whole on the page. Another
/// organization's debtor is not found, and nothing is recorded.
pub async fn agents_ask_for_the_whole_document(db: Db) {
    let t = TestApp::start(db).await;
    let Twins {
        a, b_maria, maria, ..
    } = twins(&t).await;
    let digits = quita_store::portfolio::debtors::get(&t.app.db, a.id, maria)
        .await
        .unwrap()
        .document;
    let whole = format!(
        "{}.{}.{}-{}",
        &digits[0..3],
        &digits[3..6],
        &digits[6..9],
        &digits[9..11]
    );
    let agent = client();
    let csrf = logged_in(&t, &agent, &a.email("agent")).await;
    let page = t.url(&format!("/devedores/{maria}"));
    let (status, html) = get_text(&agent, page.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(&whole) && !html.contains(&digits), "{html}");
    assert!(html.contains("form-documento"), "{html}");
    let ask = |c: &Client, debtor: i64, csrf: &str| {
        c.post(t.url(&format!("/devedores/{debtor}/documento")))
            .form(&[("_csrf", csrf)])
            .send()
    };
    let forged = ask(&agent, maria, "nao-e-o-token").await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let other = ask(&agent, b_maria, &csrf).await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let shown = ask(&agent, maria, &csrf).await.unwrap();
    assert_eq!(shown.status(), StatusCode::SEE_OTHER);
    let to = shown.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.starts_with(&format!("/devedores/{maria}?documento=")),
        "{to}"
    );
    let (status, html) = get_text(&agent, t.url(&to)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("<span id=\"documento-completo\">{whole}</span>"))
            && !html.contains("form-documento"),
        "{html}"
    );
    assert!(html.contains("CPF/CNPJ completo exibido"), "{html}");
    // The pass is this session's and this debtor's: another agent's
    // session, or another debtor, shows the CPF masked.
    let other_agent = client();
    logged_in(&t, &other_agent, &a.email("agent")).await;
    let (_, html) = get_text(&other_agent, t.url(&to)).await;
    assert!(
        !html.contains(&whole) && html.contains("form-documento"),
        "{html}"
    );
    let joao = t.app.search_debtors(a.id, "jose", 5).await.unwrap()[0].id;
    let pass = to
        .split("documento=")
        .nth(1)
        .unwrap()
        .split('#')
        .next()
        .unwrap();
    let (_, html) = get_text(
        &agent,
        t.url(&format!("/devedores/{joao}?documento={pass}")),
    )
    .await;
    assert!(html.contains("form-documento"), "{html}");
    // The address typed or reloaded leads back to the page, not an error.
    let typed = agent
        .get(t.url(&format!("/devedores/{maria}/documento")))
        .send()
        .await
        .unwrap();
    assert_eq!(typed.status(), StatusCode::SEE_OTHER);
    // Any other form's address opened in the browser is the app's page.
    let (status, html) = get_text(&agent, t.url(&format!("/devedores/{maria}/alertas"))).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(html.contains("não abre diretamente"), "{html}");
    let log = quita_store::audit::list(&t.app.db, a.id, None, 100)
        .await
        .unwrap();
    let shown: Vec<_> = log
        .iter()
        .filter(|e| e.action == "debtor_document_shown")
        .collect();
    assert_eq!(
        shown.len(),
        1,
        "the forged and the other organization's asks record nothing"
    );
    assert_eq!(
        shown[0].target.as_deref(),
        Some(format!("debtor:{maria}").as_str())
    );

    let supervisor = client();
    logged_in(&t, &supervisor, &a.email("supervisor")).await;
    let (_, html) = get_text(&supervisor, page).await;
    assert!(
        html.contains(&format!("<span id=\"documento-completo\">{whole}</span>"))
            && !html.contains("form-documento"),
        "{html}"
    );
}

/// The value of attribute-bearing input `name="<field>"` up to its `>`.
fn input_of<'a>(html: &'a str, field: &str) -> &'a str {
    html.split(&format!(r#"name="{field}""#))
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_else(|| panic!("no field {field}: {html}"))
}

/// The debtor page's forms, refused: every fault of "Adicionar contato" in
/// one round, each field at fault marked invalid and described by the
/// message, which the form's address (`#…-erro`) jumps to and focuses;
/// "Corrigir nome" is an alert like the others; the LGPD warning of "Ver
/// completo" is text on the page, not a tooltip.
pub async fn debtor_forms_mark_their_fields(db: Db) {
    let t = TestApp::start(db).await;
    let Twins { a, cred, maria, .. } = twins(&t).await;
    let c = client();
    let csrf = logged_in(&t, &c, &a.email("supervisor")).await;
    let (_, page) = get_text(&c, t.url(&format!("/devedores/{maria}"))).await;
    for action in [
        format!(r#"action="/devedores/{maria}/contatos#contato-erro""#),
        format!(r#"action="/devedores/{maria}/contratos#contrato-erro""#),
        format!(r#"action="/devedores/{maria}/nome#nome-recusado""#),
    ] {
        assert!(page.contains(&action), "{action}");
    }
    assert!(
        !page.contains("aria-invalid"),
        "nothing marked before a refusal"
    );

    // An address with a bad UF and a bad CEP: both said at once.
    let res = c
        .post(t.url(&format!("/devedores/{maria}/contatos")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("kind", "address"),
            ("value", "Rua A, 1"),
            ("uf", "XX"),
            ("cep", "abc"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(
            r#"<p class="error" role="alert" tabindex="-1" id="contato-erro">Contato não adicionado: UF inválida; CEP inválido (8 dígitos).</p>"#
        ),
        "{html}"
    );
    for field in ["uf", "cep"] {
        assert!(
            input_of(&html, field)
                .contains(r#"aria-invalid="true" aria-describedby="contato-erro""#),
            "{field}: {html}"
        );
    }
    assert!(!input_of(&html, "value").contains("aria-invalid"));
    // A bad phone: one final period after the message.
    let res = c
        .post(t.url(&format!("/devedores/{maria}/contatos")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("kind", "phone"),
            ("value", "abcdefg"),
        ])
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    let alert = html
        .split(r#"id="contato-erro">"#)
        .nth(1)
        .and_then(|a| a.split("</p>").next())
        .unwrap();
    assert!(
        alert.starts_with("Contato não adicionado: telefone inválido") && !alert.contains(".."),
        "{alert}"
    );
    assert!(input_of(&html, "value").contains(r#"aria-invalid="true""#));

    // The contract form: the fields at fault marked, the others not.
    let res = c
        .post(t.url(&format!("/devedores/{maria}/contratos")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("creditor_id", cred.id.to_string().as_str()),
            ("number", "CT-A11Y"),
            ("kind", "recurring"),
            ("starts_on", "31/02/2026"),
            ("late_fine", "dois"),
            ("interest", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(r#"<p class="error" role="alert" tabindex="-1" id="contrato-erro">"#),
        "{html}"
    );
    for field in ["starts_on", "late_fine"] {
        assert!(
            input_of(&html, field)
                .contains(r#"aria-invalid="true" aria-describedby="contrato-erro""#),
            "{field}: {html}"
        );
    }
    for field in ["interest", "number", "grace_days"] {
        assert!(!input_of(&html, field).contains("aria-invalid"), "{field}");
    }

    // "Corrigir nome": an alert, the field marked.
    let res = c
        .post(t.url(&format!("/devedores/{maria}/nome")))
        .form(&[("_csrf", csrf.as_str()), ("name", "  ")])
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(
        html.contains(
            r#"<p class="error" role="alert" tabindex="-1" id="nome-recusado">Nome não corrigido: informe o nome.</p>"#
        ),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-invalid="true" aria-describedby="nome-recusado""#),
        "{html}"
    );
    // No heading inside a summary; the action column has a name.
    assert!(!html.contains("<summary><h2"), "{html}");
    assert!(!html.contains("<th></th>"), "{html}");

    // An agent sees the LGPD consequence of "Ver completo" as text.
    let agent = client();
    logged_in(&t, &agent, &a.email("agent")).await;
    let (_, page) = get_text(&agent, t.url(&format!("/devedores/{maria}"))).await;
    assert!(
        page.contains(r#"<button type="submit" class="link" aria-describedby="ver-completo-aviso">Ver completo</button> <span class="muted small" id="ver-completo-aviso">(fica registrado na linha do tempo do devedor)</span>"#),
        "{page}"
    );
    assert!(!page.contains("title=\"Fica registrado"), "{page}");
}
