//! The aging page with custom buckets ("Faixas (dias)"): the table, the
//! chart, the drill-down and the exports follow them; a bad value is refused
//! with a pt-BR message naming it.

use quita_store::Db;
use reqwest::StatusCode;

use crate::{
    portfolio::{creditor, good_csv, import},
    support::{TestApp, client, get, logged_in},
};

/// The rows of the `#aging` table: (bucket, count).
fn table_rows(html: &str) -> Vec<(String, String)> {
    let body = html
        .split("<table id=\"aging\">")
        .nth(1)
        .and_then(|t| t.split("</tbody>").next())
        .unwrap_or_else(|| panic!("no aging table: {html}"));
    body.split("<tr>")
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row
                .split("<td")
                .skip(1)
                .map(|c| {
                    let c = &c[c.find('>').unwrap() + 1..];
                    let c = c.split("</td>").next().unwrap();
                    // The label cell holds a link.
                    match c.find("\">") {
                        Some(at) => c[at + 2..].split('<').next().unwrap(),
                        None => c,
                    }
                })
                .collect();
            (cells[0].to_owned(), cells[1].to_owned())
        })
        .collect()
}

pub async fn aging_with_custom_buckets(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    // On 15/03/2026: one receivable current, one 10 days late (due
    // 05/03/2026), one 59 days late (due 15/01/2026).
    import(&t, a.id, cred.id, &good_csv()).await;
    let v = client();
    logged_in(&t, &v, &a.email("viewer")).await;

    // The defaults: the field is blank, its placeholder shows them.
    let (status, html) = get(&v, &t, "/relatorios/aging?data_base=15/03/2026").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(
            "Faixas (dias) <input name=\"faixas\" value=\"\" placeholder=\"30,60,90,180,360\""
        ),
        "{html}"
    );
    assert_eq!(table_rows(&html).len(), 7, "{html}");

    // 7 and 45 days: the 10-day receivable moves to 8–45, the 59-day one to 46+.
    let (status, html) = get(
        &v,
        &t,
        "/relatorios/aging?data_base=15/03/2026&faixas=7,+45",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        table_rows(&html),
        [
            ("A vencer", "1"),
            ("1 a 7 dias", "0"),
            ("8 a 45 dias", "1"),
            ("46+ dias", "1"),
        ]
        .map(|(l, n)| (l.to_owned(), n.to_owned())),
        "{html}"
    );
    assert!(html.contains("name=\"faixas\" value=\"7,45\""), "{html}");
    assert!(!html.contains("31 a 60 dias"), "{html}");
    // The chart's bars, the table's drill-down links and the exports carry them.
    let qs = "data_base=15%2F03%2F2026&#38;faixas=7,45";
    assert_eq!(html.matches("class=\"bar\"").count(), 4, "{html}");
    assert_eq!(
        html.matches(&format!("href=\"/relatorios/aging/faixa/3?{qs}\""))
            .count(),
        3,
        "the bar, the phone's bar and the row: {html}"
    );
    assert!(
        html.contains(&format!("href=\"/relatorios/aging.csv?{qs}\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"/relatorios/aging.xlsx?{qs}\"")),
        "{html}"
    );

    // Drill-down: each custom bucket lists its own receivables.
    let (status, drill) = get(
        &v,
        &t,
        "/relatorios/aging/faixa/3?data_base=15%2F03%2F2026&faixas=7,45",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(drill.contains("<h1>46+ dias</h1>"), "{drill}");
    assert!(
        drill.contains("15/01/2026") && drill.contains(">59<") && !drill.contains("05/03/2026"),
        "{drill}"
    );
    assert!(
        drill.contains(&format!("href=\"/relatorios/aging?{qs}\"")),
        "back link: {drill}"
    );
    let (_, drill) = get(
        &v,
        &t,
        "/relatorios/aging/faixa/2?data_base=15%2F03%2F2026&faixas=7,45",
    )
    .await;
    assert!(drill.contains("<h1>8 a 45 dias</h1>"), "{drill}");
    assert!(
        drill.contains("05/03/2026") && drill.contains(">10<") && !drill.contains("15/01/2026"),
        "{drill}"
    );
    assert!(drill.contains("1 título"), "{drill}");
    let (_, drill) = get(
        &v,
        &t,
        "/relatorios/aging/faixa/1?data_base=15%2F03%2F2026&faixas=7,45",
    )
    .await;
    assert!(drill.contains("Nenhum título nesta faixa"), "{drill}");
    // Past the last custom bucket: not found.
    let (status, _) = get(
        &v,
        &t,
        "/relatorios/aging/faixa/4?data_base=15%2F03%2F2026&faixas=7,45",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Exports.
    let (status, csv) = get(
        &v,
        &t,
        "/relatorios/aging.csv?data_base=15%2F03%2F2026&faixas=7,45",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains("1 a 7 dias;0;0,00;0,00;0,00")
            && csv.contains("8 a 45 dias;1;100,00;100,00;")
            && csv.contains("46+ dias;1;100,00;100,00;")
            && !csv.contains("31 a 60"),
        "{csv}"
    );
    let xlsx = v
        .get(t.url("/relatorios/aging.xlsx?data_base=15%2F03%2F2026&faixas=7,45"))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert_eq!(&xlsx.bytes().await.unwrap()[..2], b"PK");

    // A bad value on the aging page: said above the form, which keeps what
    // was typed; the report below leaves that filter out.
    for (path, said, kept) in [
        (
            "/relatorios/aging?data_base=15/03/2026&faixas=60,30",
            "Faixas (dias) “60,30”",
            "value=\"60,30\"",
        ),
        (
            "/relatorios/aging?data_base=1/6/26",
            "Data-base “1/6/26” inválida: use dd/mm/aaaa, com o ano em 4 dígitos.",
            "value=\"1/6/26\"",
        ),
        (
            "/relatorios/aging?data_base=01/01/1800",
            "Data-base “01/01/1800” inválida: o ano deve estar entre 1900 e 2199.",
            "value=\"01/01/1800\"",
        ),
        (
            "/relatorios/aging?faixas=30,dias",
            "“dias” não é um número de dias",
            "value=\"30,dias\"",
        ),
    ] {
        let (status, html) = get(&v, &t, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let alert = html
            .split("id=\"aging-filtro-invalido\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{path}: {html}"));
        assert!(
            alert.split("</p>").next().unwrap().contains(said),
            "{path}: {html}"
        );
        assert!(html.contains(kept), "{path}: {html}");
        assert!(html.contains("id=\"aging\""), "{path}: a report still");
    }
    // Elsewhere (drill-down, exports): a pt-BR page naming it.
    for path in [
        "/relatorios/aging/faixa/1?data_base=15/03/2026&faixas=60,30",
        "/relatorios/aging.csv?data_base=15/03/2026&faixas=60,30",
    ] {
        let (status, html) = get(&v, &t, path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(
            html.contains("Faixas (dias) “60,30”") && html.contains("ordem crescente"),
            "{path}: {html}"
        );
        assert!(html.contains("Voltar e corrigir"), "{html}");
    }
}

/// A receivable due on a Saturday: the drill-down shows the business day it
/// was payable until, and counts lateness from it, as its bucket does.
pub async fn aging_drill_down_names_the_business_day(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    let header = good_csv().lines().next().unwrap().to_owned();
    // Saturday 28/02/2026, payable until Monday 02/03/2026.
    let row = "318.447.092-05;José Carlos dos Santos;;;;;;;;SAB-1;1;;;28/02/2026;80,00;";
    import(&t, a.id, cred.id, &format!("{header}\n{row}\n")).await;
    let v = client();
    logged_in(&t, &v, &a.email("viewer")).await;
    // On 10/03/2026: 8 days from the Monday (10 from the Saturday).
    let (status, html) = get(&v, &t, "/relatorios/aging/faixa/1?data_base=10/03/2026").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("28/02/2026<br><small class=\"muted\">pagável até 02/03/2026</small>"),
        "{html}"
    );
    assert!(html.contains("<td class=\"num\">8</td>"), "{html}");
    assert!(
        html.contains("Dias de atraso*")
            && html
                .contains("* Dias de atraso contados do vencimento ajustado ao próximo dia útil")
            && !html.contains("desde o dia útil seguinte ao vencimento"),
        "{html}"
    );
}

/// One debtor's aging on the page: by CPF/CNPJ, carried into the drill-down
/// and the exports; a debtor not found is said above the form.
pub async fn aging_of_one_debtor(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    import(&t, a.id, cred.id, &good_csv()).await;
    let v = client();
    logged_in(&t, &v, &a.email("agent")).await;
    // On 15/03/2026 Maria owes two receivables (10 and 59 days late), José
    // one not yet due.
    let (status, html) = get(
        &v,
        &t,
        "/relatorios/aging?data_base=15/03/2026&devedor=529.982.247-25",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("· devedor Maria Aparecida da Silva</p>"),
        "{html}"
    );
    let foot = html
        .split("<tfoot>")
        .nth(1)
        .unwrap_or_else(|| panic!("{html}"));
    assert!(
        foot.starts_with("<tr><th>Total</th><th class=\"num\">2</th>"),
        "{foot}"
    );
    let maria = quita_store::portfolio::debtors::find_by_document(&t.app.db, a.id, "52998224725")
        .await
        .unwrap()
        .unwrap();
    assert!(
        html.contains(&format!("id_devedor={}", maria.id)),
        "the drill-down and exports carry it: {html}"
    );
    // The field shows the CPF, also when the filter came from a link.
    let (_, html) = get(
        &v,
        &t,
        &format!(
            "/relatorios/aging?data_base=15/03/2026&id_devedor={}",
            maria.id
        ),
    )
    .await;
    assert!(html.contains("value=\"529.982.247-25\""), "{html}");
    // The drill-down and the exports under that filter name the debtor.
    let (status, html) = get(
        &v,
        &t,
        &format!(
            "/relatorios/aging/faixa/0?data_base=15/03/2026&id_devedor={}",
            maria.id
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("· devedor Maria"), "{html}");
    let res = v
        .get(t.url(&format!(
            "/relatorios/aging.xlsx?data_base=15/03/2026&id_devedor={}",
            maria.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["content-disposition"].to_str().unwrap(),
        format!(
            "attachment; filename=\"aging-devedor-{}-2026-03-15.xlsx\"",
            maria.id
        )
    );
    let res = v
        .get(t.url(&format!(
            "/relatorios/aging/faixa/0/titulos.csv?data_base=15/03/2026&id_devedor={}",
            maria.id
        )))
        .send()
        .await
        .unwrap();
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains(&format!("aging-devedor-{}-", maria.id)),
        "{disposition}"
    );
    // The start of a CPF, or an id typed in the field, is no debtor.
    for typed in ["529982", &maria.id.to_string()] {
        let (status, html) = get(&v, &t, &format!("/relatorios/aging?devedor={typed}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(&format!("Devedor “{typed}” não encontrado"))
                && !html.contains("· devedor Maria"),
            "{typed}: {html}"
        );
    }
    let (status, html) = get(&v, &t, "/relatorios/aging?devedor=111.444.777-35").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Devedor “111.444.777-35” não encontrado"),
        "{html}"
    );

    // A viewer sees the aging but looks no debtor up by CPF: the filter is
    // not offered, and typed in the address it is refused above the form
    // (the report below is the whole portfolio's), as in the API.
    let viewer = client();
    logged_in(&t, &viewer, &a.email("viewer")).await;
    let (status, html) = get(&viewer, &t, "/relatorios/aging?data_base=15/03/2026").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("name=\"devedor\""), "{html}");
    let (status, html) = get(
        &viewer,
        &t,
        "/relatorios/aging?data_base=15/03/2026&devedor=529.982.247-25",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Só agentes, supervisores e administradores filtram o aging por devedor."),
        "{html}"
    );
    assert!(!html.contains("Maria Aparecida"), "{html}");
    let (status, _) = get(
        &viewer,
        &t,
        &format!("/relatorios/aging/faixa/1?id_devedor={}", maria.id),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let token = t
        .app
        .create_token(
            a.id,
            "painel",
            quita_core::role::Role::Viewer,
            quita_store::audit::Actor::Cli,
            None,
        )
        .await
        .unwrap();
    for path in [
        "/api/v1/aging?debtor=529.982.247-25",
        "/api/v1/aging/buckets/1/receivables?debtor=529.982.247-25",
    ] {
        let res = reqwest::Client::new()
            .get(t.url(path))
            .bearer_auth(token.secret.expose())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
}
