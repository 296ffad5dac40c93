//! The aging by debtor: the page (agents and up), its CSV (audited, CPF
//! whole for supervisors only) and the API, one organization at a time.

use quita_core::role::Role;
use quita_store::audit::Actor;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::{
    portfolio::{creditor, good_csv, import},
    support::{TestApp, client, get, logged_in, token},
};

/// On 15/03/2026 Maria owes R$ 200,00 overdue (31–60 and 1–30 days) and
/// José R$ 250,00 not yet due: Maria comes first.
pub async fn aging_by_debtor_page_csv_and_api(db: quita_store::Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    import(&t, a.id, cred.id, &good_csv()).await;
    let header = good_csv().lines().next().unwrap().to_owned();
    let theirs = creditor(&t, b.id, "Outra Loja", "34.028.316/0001-03").await;
    import(
        &t,
        b.id,
        theirs.id,
        &format!("{header}\n111.444.777-35;Beta Só Dela;;;;;;;;B-1;1;;;2026-01-10;999,00;\n"),
    )
    .await;

    let sup = client();
    logged_in(&t, &sup, &a.email("supervisor")).await;
    let (status, aging) = get(&sup, &t, "/relatorios/aging?data_base=15/03/2026").await;
    assert_eq!(status, StatusCode::OK);
    assert!(aging.contains("id=\"aging-por-devedor\""), "{aging}");
    let (status, html) = get(&sup, &t, "/relatorios/aging/devedores?data_base=15/03/2026").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let maria = html.find("Maria Aparecida da Silva").expect("Maria");
    let jose = html.find("José Carlos dos Santos").expect("José");
    assert!(maria < jose, "most overdue first");
    assert!(html.contains("529.982.247-25"), "{html}");
    assert!(html.contains("<strong>R$ 200,00</strong>"), "{html}");
    assert!(
        html.contains("<th class=\"num\">31 a 60 dias</th>"),
        "{html}"
    );
    assert!(
        !html.contains("Beta Só Dela"),
        "another organization's debtor"
    );
    assert!(!html.contains("por-devedor-proxima"), "one page");
    assert!(
        html.contains("<strong id=\"por-devedor-total\">2 devedores</strong>"),
        "{html}"
    );

    // The XLSX holds the same lines.
    let res = sup
        .get(t.url("/relatorios/aging/devedores.xlsx?data_base=15/03/2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"aging-por-devedor-2026-03-15.xlsx\""
    );
    let bytes = res.bytes().await.unwrap();
    {
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = book.worksheet_range("Aging por devedor").unwrap();
        let cell = |r: u32, c: u32| sheet.get_value((r, c)).cloned();
        assert_eq!(cell(3, 2), Some(Data::String("Em atraso".into())));
        assert_eq!(
            cell(4, 0),
            Some(Data::String("Maria Aparecida da Silva".into()))
        );
        assert_eq!(cell(4, 2), Some(Data::Float(200.0)));
        assert_eq!(cell(4, 3), Some(Data::Float(59.0)));
        assert_eq!(cell(5, 4), Some(Data::Float(250.0)), "José's open balance");
        assert_eq!(cell(2, 0), Some(Data::String("Carteira: todas".into())));
        // The oldest due date is a date cell (15/01/2026), not text.
        assert!(
            matches!(cell(4, 14), Some(Data::DateTime(d)) if d.as_f64() == 46037.0),
            "{:?}",
            cell(4, 14)
        );
    }

    // The whole list as CSV, recorded.
    let res = sup
        .get(t.url("/relatorios/aging/devedores.csv?data_base=15/03/2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"aging-por-devedor-2026-03-15.csv\""
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "\u{feff}Devedor;CPF/CNPJ;Em atraso;Dias de atraso do mais antigo;Em aberto;Títulos;A vencer;1 a 30 dias;31 a 60 dias;61 a 90 dias;91 a 180 dias;181 a 360 dias;361+ dias;Valor original;Vencimento mais antigo (dia útil)",
            "Maria Aparecida da Silva;529.982.247-25;200,00;59;200,00;2;0,00;100,00;100,00;0,00;0,00;0,00;0,00;200,00;15/01/2026",
            "José Carlos dos Santos;318.447.092-05;0,00;0;250,00;1;250,00;0,00;0,00;0,00;0,00;0,00;0,00;250,00;10/04/2026",
        ]
    );
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
        .find(|e| e.action == "aging_by_debtor_exported")
        .expect("the export is audited");
    assert_eq!(export.details["whole_documents"], Value::from(true));

    // An agent sees the list with masked CPFs; a viewer does not see it.
    let agent = client();
    logged_in(&t, &agent, &a.email("agent")).await;
    let (status, html) = get(
        &agent,
        &t,
        "/relatorios/aging/devedores?data_base=15/03/2026",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("***.982.247-**") && !html.contains("529.982.247-25"),
        "{html}"
    );
    let (_, csv) = get(
        &agent,
        &t,
        "/relatorios/aging/devedores.csv?data_base=15/03/2026",
    )
    .await;
    assert!(
        csv.contains(";***.982.247-**;") && !csv.contains("529.982.247-25"),
        "{csv}"
    );
    let viewer = client();
    logged_in(&t, &viewer, &a.email("viewer")).await;
    let (_, aging) = get(&viewer, &t, "/relatorios/aging").await;
    assert!(!aging.contains("aging-por-devedor"), "{aging}");
    for path in [
        "/relatorios/aging/devedores",
        "/relatorios/aging/devedores.csv",
        "/relatorios/aging/devedores.xlsx",
    ] {
        assert_eq!(
            get(&viewer, &t, path).await.0,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // A cursor that is none is refused, naming what to do.
    let (status, html) = get(&sup, &t, "/relatorios/aging/devedores?depois_de=x").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("primeira página"), "{html}");

    // The API, a page at a time.
    let api = Client::new();
    let admin = token(&t, a.id, Role::Admin).await;
    let page = |after: Option<String>| {
        let mut url = "/api/v1/aging/debtors?as_of=2026-03-15&limit=1".to_owned();
        if let Some(a) = after {
            url.push_str(&format!("&after={a}"));
        }
        api.get(t.url(&url)).bearer_auth(&admin).send()
    };
    let first: Value = page(None).await.unwrap().json().await.unwrap();
    assert_eq!(first["debtors"][0]["name"], "Maria Aparecida da Silva");
    assert_eq!(first["debtors"][0]["overdue_balance"], "200.00");
    assert_eq!(first["debtors"][0]["days_past_due"], 59);
    assert_eq!(first["debtors"][0]["buckets"][2]["bucket"], "31-60");
    assert_eq!(first["debtors"][0]["buckets"][2]["open_balance"], "100.00");
    let next = first["next_after"].as_str().unwrap().to_owned();
    let second: Value = page(Some(next)).await.unwrap().json().await.unwrap();
    assert_eq!(second["debtors"][0]["name"], "José Carlos dos Santos");
    assert_eq!(second["next_after"], Value::Null);
    assert_eq!(second["debtor_count"], 2);
    // And back.
    let before = second["previous_before"].as_str().unwrap().to_owned();
    let back: Value = api
        .get(t.url(&format!(
            "/api/v1/aging/debtors?as_of=2026-03-15&limit=1&before={before}"
        )))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(back["debtors"][0]["name"], "Maria Aparecida da Silva");
    assert_eq!(back["previous_before"], Value::Null);
    let res = page(Some("1.x".into())).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Asked of the aging itself, it points here.
    let viewer_token = token(&t, a.id, Role::Viewer).await;
    let by_debtor: Value = api
        .get(t.url("/api/v1/aging?by=debtor"))
        .bearer_auth(&viewer_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_debtor["field"], "by", "{by_debtor}");
    assert!(
        by_debtor["detail"]
            .as_str()
            .unwrap()
            .contains("/api/v1/aging/debtors"),
        "{by_debtor}"
    );
    let res = api
        .get(t.url("/api/v1/aging/debtors"))
        .bearer_auth(&viewer_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The other organization's token sees only its own debtor.
    let beta = token(&t, b.id, Role::Admin).await;
    let theirs: Value = api
        .get(t.url("/api/v1/aging/debtors?as_of=2026-03-15"))
        .bearer_auth(&beta)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = theirs["debtors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Beta Só Dela"]);
}
