//! The drill-down from an aging bucket: each receivable's updated amount on
//! the page, and the whole bucket as a CSV worklist streamed page by page.

use quita_core::{money::Money, role::Role};
use quita_store::{Db, audit::Actor, portfolio::debtors};
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::{
    portfolio::{creditor, good_csv, import},
    support::{TestApp, client, get, logged_in, token},
};

/// On 15/03/2026 Maria's first installment (due 15/01/2026) is the one
/// receivable 31–60 days late: the page and the export show its debt
/// update, the same the debtor page works out for it; a viewer's export
/// masks the CPF; a bucket of 2,050 receivables exports whole, once each;
/// another organization gets nothing of it.
pub async fn aging_bucket_shows_and_exports_its_receivables(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    import(&t, a.id, cred.id, &good_csv()).await;
    let maria = debtors::find_by_document(&t.app.db, a.id, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let first = t
        .app
        .debtor_360(a.id, maria.id, jiff::civil::date(2026, 3, 15))
        .await
        .unwrap()
        .receivables
        .into_iter()
        .find(|r| r.receivable.installment == 1)
        .unwrap();
    let (_, update) = t
        .app
        .receivable_update(a.id, first.receivable.id, jiff::civil::date(2026, 3, 15))
        .await
        .unwrap();
    let updated = update.total();
    assert!(updated > Money::from_centavos(10_000), "{updated}");

    let sup = client();
    logged_in(&t, &sup, &a.email("supervisor")).await;
    let (status, html) = get(&sup, &t, "/relatorios/aging/faixa/2?data_base=15/03/2026").await;
    assert_eq!(status, StatusCode::OK);
    let money = updated.format_brl();
    assert!(html.contains("Atualizado em 15/03/2026"), "{html}");
    assert!(
        html.contains(&format!("<td class=\"num\">{money}</td></tr>")),
        "{money}: {html}"
    );
    assert!(
        html.contains("titulos.csv?data_base=15%2F03%2F2026"),
        "{html}"
    );

    let res = sup
        .get(t.url("/relatorios/aging/faixa/2/titulos.csv?data_base=15/03/2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"aging-31-60-2026-03-15.csv\""
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("\u{feff}Devedor;CPF/CNPJ;Credor;Contrato;Documento;Parcela;Total de parcelas;Vencimento;Pagável até;Dias de atraso (desde o dia útil);Valor original;Em aberto;Atualizado em 15/03/2026"),
        "{csv}"
    );
    assert_eq!(
        lines[1..],
        [format!(
            "Maria Aparecida da Silva;529.982.247-25;Loja Boa Vista;CRD-1;CRD-1;1;2;15/01/2026;;59;100,00;100,00;{}",
            updated.to_string().replace('.', ",")
        )],
        "{csv}"
    );

    // The export of whole CPFs is in the audit log, with its filters.
    let log = t
        .app
        .audit_log(
            &quita_app::auth::Principal {
                org_id: a.id,
                role: Role::Admin,
                actor: Actor::Cli,
                name: "cli".into(),
                user_id: None,
            },
            None,
            10,
        )
        .await
        .unwrap();
    let export = log
        .iter()
        .find(|e| e.action == "aging_bucket_exported")
        .expect("the export is audited");
    assert_eq!(
        (
            &export.details["bucket"],
            &export.details["as_of"],
            &export.details["whole_documents"]
        ),
        (
            &Value::from("31-60"),
            &Value::from("2026-03-15"),
            &Value::from(true)
        )
    );

    // An agent works one debtor at a time: in the whole bucket's file the
    // CPF is masked. A viewer sees the portfolio, not whom it is owed by:
    // neither name nor CPF, on the page or in the file.
    for role in ["viewer", "agent"] {
        let user = client();
        logged_in(&t, &user, &a.email(role)).await;
        let (status, csv) = get(
            &user,
            &t,
            "/relatorios/aging/faixa/2/titulos.csv?data_base=15/03/2026",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{role}");
        assert!(!csv.contains("529.982.247-25"), "{role}: {csv}");
        let (_, page) = get(&user, &t, "/relatorios/aging/faixa/2?data_base=15/03/2026").await;
        if role == "agent" {
            assert!(csv.contains(";***.982.247-**;"), "{role}: {csv}");
            assert!(page.contains("Maria Aparecida da Silva"), "{page}");
        } else {
            assert!(
                csv.lines().nth(1).unwrap().starts_with(";;Loja Boa Vista;"),
                "{csv}"
            );
            assert!(!csv.contains("Maria") && !page.contains("Maria"), "{csv}");
            assert!(csv.contains(";100,00;100,00;"), "the amounts stay: {csv}");
        }
    }

    // Bad filters and buckets change nothing and say why.
    let (status, _) = get(&sup, &t, "/relatorios/aging/faixa/9/titulos.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = get(
        &sup,
        &t,
        "/relatorios/aging/faixa/2/titulos.csv?data_base=31/02/2026",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Data-base"), "{body}");

    // Another organization: the creditor is not found, and its own export
    // of the same bucket holds only the header.
    let other = client();
    logged_in(&t, &other, &b.email("supervisor")).await;
    let (status, _) = get(
        &other,
        &t,
        &format!(
            "/relatorios/aging/faixa/2/titulos.csv?data_base=15/03/2026&credor={}",
            cred.id
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, csv) = get(
        &other,
        &t,
        "/relatorios/aging/faixa/2/titulos.csv?data_base=15/03/2026",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv.lines().count(), 1, "{csv}");

    // 2,050 more in the same bucket: more than two pages of the export,
    // each receivable once.
    let header = good_csv().lines().next().unwrap().to_owned();
    let mut many = header;
    for n in 0..2_050 {
        many.push_str(&format!(
            "\n529.982.247-25;Maria Aparecida da Silva;;;;;;;;LOTE-{n:05};1;;;20/01/2026;10,00;"
        ));
    }
    import(&t, a.id, cred.id, &many).await;
    let (status, csv) = get(
        &sup,
        &t,
        "/relatorios/aging/faixa/2/titulos.csv?data_base=15/03/2026",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2_051);
    let documents: std::collections::HashSet<&str> =
        rows.iter().map(|l| l.split(';').nth(4).unwrap()).collect();
    assert_eq!(documents.len(), 2_051, "each once");
    assert!(documents.contains("LOTE-02049") && documents.contains("CRD-1"));
    // The page: 200 at a time, forward by "Próxima página", back by "Página
    // anterior", to the first from any later one.
    let (_, first) = get(&sup, &t, "/relatorios/aging/faixa/2?data_base=15/03/2026").await;
    assert!(!first.contains("id=\"faixa-primeira\""), "{first}");
    assert!(!first.contains("id=\"faixa-anterior\""), "{first}");
    let link = |html: &str, id: &str| {
        html.split(&format!("id=\"{id}\" href=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{id} in {html}"))
            .replace("&amp;", "&")
    };
    let rows = |html: &str| {
        html.split("<tr id=\"titulo-")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(rows(&first).len(), 200);
    let (status, second) = get(&sup, &t, &link(&first, "faixa-proxima")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        second.contains("id=\"faixa-primeira\"") && second.contains("id=\"faixa-proxima\""),
        "{second}"
    );
    let (_, third) = get(&sup, &t, &link(&second, "faixa-proxima")).await;
    let (_, back) = get(&sup, &t, &link(&third, "faixa-anterior")).await;
    assert_eq!(rows(&back), rows(&second));
    let (_, back) = get(&sup, &t, &link(&back, "faixa-anterior")).await;
    assert_eq!(rows(&back), rows(&first));
    assert!(!back.contains("id=\"faixa-anterior\""), "{back}");

    // The same through the API, a page at a time by keyset.
    let api = Client::new();
    let admin = token(&t, a.id, Role::Admin).await;
    let mut after: Option<i64> = None;
    let mut seen = Vec::new();
    loop {
        let mut url = "/api/v1/aging/buckets/2/receivables?as_of=2026-03-15&limit=1000".to_owned();
        if let Some(id) = after {
            url.push_str(&format!("&after={id}"));
        }
        let res = api
            .get(t.url(&url))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let page: Value = res.json().await.unwrap();
        assert_eq!(page["bucket"], "31-60");
        for r in page["receivables"].as_array().unwrap() {
            seen.push(r["document_number"].as_str().unwrap().to_owned());
        }
        match page["next_after"].as_i64() {
            Some(id) => after = Some(id),
            None => break,
        }
    }
    assert_eq!(seen.len(), 2_051);
    assert_eq!(
        seen.iter().collect::<std::collections::HashSet<_>>().len(),
        2_051
    );
    // Backwards from the last page by `previous_before`: the same pages.
    let mut before = None;
    let mut back = Vec::new();
    let first_page = loop {
        let mut url = "/api/v1/aging/buckets/2/receivables?as_of=2026-03-15&limit=1000".to_owned();
        url.push_str(&match before {
            Some(id) => format!("&before={id}"),
            None => format!("&after={}", after.unwrap()),
        });
        let page: Value = api
            .get(t.url(&url))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let docs: Vec<String> = page["receivables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["document_number"].as_str().unwrap().to_owned())
            .collect();
        back.splice(0..0, docs);
        match page["previous_before"].as_i64() {
            Some(id) => before = Some(id),
            None => break page,
        }
    };
    assert_eq!(back, seen);
    assert!(first_page["next_after"].as_i64().is_some());
    let both = api
        .get(t.url("/api/v1/aging/buckets/2/receivables?after=1&before=2"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(both.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = api
        .get(t.url("/api/v1/aging/buckets/2/receivables?as_of=2026-03-15&limit=1"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let page: Value = res.json().await.unwrap();
    let r = &page["receivables"][0];
    assert_eq!(
        (
            &r["document_number"],
            &r["debtor_document"],
            &r["days_past_due"],
            &r["open_balance"],
            &r["updated_amount"]
        ),
        (
            &Value::from("CRD-1"),
            &Value::from("529.982.247-25"),
            &Value::from(59),
            &Value::from("100.00"),
            &Value::from(updated.to_string())
        ),
        "{page}"
    );
    // Masked for an agent, as in the bucket's CSV; a viewer gets the
    // receivables without their debtors.
    for (role, name, document) in [
        (
            Role::Agent,
            Value::from("Maria Aparecida da Silva"),
            Value::from("***.982.247-**"),
        ),
        (Role::Viewer, Value::Null, Value::Null),
    ] {
        let role_token = token(&t, a.id, role).await;
        let page: Value = api
            .get(t.url("/api/v1/aging/buckets/2/receivables?as_of=2026-03-15&limit=1"))
            .bearer_auth(&role_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let r = &page["receivables"][0];
        assert_eq!(r["debtor_document"], document, "{role:?}");
        assert_eq!(r["debtor_name"], name, "{role:?}");
        assert_eq!(r["debtor_id"].is_null(), role == Role::Viewer, "{role:?}");
        assert_eq!(r["open_balance"], "100.00", "{role:?} sees the amounts");
    }
    // A page that holds the last receivable says no more follow, even full.
    let page: Value = api
        .get(t.url("/api/v1/aging/buckets/1/receivables?as_of=2026-03-15&limit=1"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["receivables"].as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page["next_after"], Value::Null, "{page}");
    for (url, status) in [
        (
            "/api/v1/aging/buckets/7/receivables",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/aging/buckets/x/receivables",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/aging/buckets/2/receivables?limit=0",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/aging/buckets/2/receivables?as_of=31/02/2026",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let res = api
            .get(t.url(url))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{url}");
    }
    // A day that does not exist is told as such, not as a wrong format.
    let problem: Value = api
        .get(t.url("/api/v1/aging/buckets/2/receivables?as_of=31/02/2026"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(problem["field"], "as_of", "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("no such day"),
        "{problem}"
    );
    let (status, html) = get(&sup, &t, "/relatorios/aging?data_base=31/02/2026").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Data-base “31/02/2026” inválida: esse dia não existe no calendário."),
        "{html}"
    );
    // Wrong buckets leave the data-base that did read in force.
    let (status, html) = get(
        &sup,
        &t,
        "/relatorios/aging?data_base=15/03/2026&faixas=abc",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"aging-filtro-invalido\"") && html.contains("data-base 15/03/2026"),
        "{html}"
    );
    // An edited link gets a pt-BR page naming the parameter, not axum's text.
    let (status, html) = get(&sup, &t, "/relatorios/aging/faixa/2?depois=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("valor inválido no parâmetro «depois»") && html.contains("<html"),
        "{html}"
    );
    // Another organization's token sees none of it.
    let b_admin = token(&t, b.id, Role::Admin).await;
    let page: Value = api
        .get(t.url("/api/v1/aging/buckets/2/receivables?as_of=2026-03-15"))
        .bearer_auth(&b_admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["receivables"], Value::Array(Vec::new()), "{page}");
}
