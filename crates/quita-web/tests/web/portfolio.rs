//! Carteiras, import (page and API), aging, debtors and the 360° view.

use std::time::Duration;

use quita_app::portfolio::import::{ImportOptions, ImportOutcome};
use quita_core::{charge_policy::ChargePolicy, rate::Percent, role::Role};
use quita_store::{Db, audit::Actor, portfolio::creditors::Creditor};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, client, csrf_in, logged_in, token};

const HEADER: &str = "documento_devedor;nome_devedor;email;telefones;uf;cidade;cep;endereco;contrato;numero_documento;parcela;total_parcelas;emissao;vencimento;valor;valor_aberto\n";

/// Three receivables of two debtors: on 15/03/2026 one is current, one
/// 1–30 days late, one 31–60 days late.
pub fn good_csv() -> String {
    format!(
        "{HEADER}\
529.982.247-25;maria aparecida da silva;Maria.Silva@Example.com;(11) 91234-5678;SP;São Paulo;01310-100;Av. Paulista, 1000;CRD-1;CRD-1;1;2;01/12/2025;15/01/2026;100,00;100,00\n\
529.982.247-25;maria aparecida da silva;Maria.Silva@Example.com;(11) 91234-5678;SP;São Paulo;01310-100;Av. Paulista, 1000;CRD-1;CRD-1;2;2;01/12/2025;05/03/2026;100,00;100,00\n\
318.447.092-05;José Carlos dos Santos;;;;;;;;MEN-7;1;;;2026-04-10;250,00;\n"
    )
}

/// The first two rows of [`good_csv`] and a bad one (invalid CPF, bad amount).
pub fn bad_csv() -> String {
    let good = good_csv();
    let mut lines: Vec<&str> = good.lines().take(3).collect();
    lines.push("111.111.111-11;Fulano de Tal;;;;;;;;X-1;1;;;2026-04-10;abc;\n");
    lines.join("\n")
}

pub const AS_OF: &str = "2026-03-15";

pub async fn creditor(t: &TestApp, org_id: i64, name: &str, document: &str) -> Creditor {
    let policy = ChargePolicy {
        late_fine: Percent::parse("2").unwrap(),
        default_interest_monthly: Percent::parse("1").unwrap(),
        ..ChargePolicy::default()
    };
    t.app
        .create_creditor(org_id, name, document, &policy, Actor::Cli)
        .await
        .unwrap()
}

pub async fn import(t: &TestApp, org_id: i64, creditor_id: i64, csv: &str) -> ImportOutcome {
    let opts = ImportOptions {
        reversals: Default::default(),
        run: None,
        partial: false,
        source: "teste".into(),
    };
    t.app
        .import_receivables(
            org_id,
            creditor_id,
            quita_app::portfolio::import::FileKind::Csv,
            std::io::Cursor::new(csv.as_bytes().to_vec()),
            &opts,
            Actor::Cli,
            &|_| {},
        )
        .await
        .unwrap()
}

/// A `multipart/form-data` body as the upload forms send it: the CSRF
/// token first (when given), then `partial` (optionally) and the file.
pub fn multipart(
    csrf: Option<&str>,
    file_name: &str,
    content: &[u8],
    partial: bool,
) -> (String, Vec<u8>) {
    let boxes: &[&str] = if partial { &["partial"] } else { &[] };
    multipart_with(csrf, file_name, content, boxes)
}

/// [`multipart`] with the named check boxes ticked (`partial`, `reversals`).
pub fn multipart_with(
    csrf: Option<&str>,
    file_name: &str,
    content: &[u8],
    boxes: &[&str],
) -> (String, Vec<u8>) {
    let boundary = "----quitatestboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    if let Some(token) = csrf {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n"
            )
            .as_bytes(),
        );
    }
    for name in boxes {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\non\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads through the page and waits for the summary; returns (import page path, final fragment).
pub async fn upload(
    t: &TestApp,
    c: &Client,
    csrf: &str,
    creditor_id: i64,
    csv: &str,
    partial: bool,
) -> (String, String) {
    let boxes: &[&str] = if partial { &["partial"] } else { &[] };
    upload_with(t, c, csrf, creditor_id, csv, boxes).await
}

/// [`upload`] with the named check boxes ticked.
pub async fn upload_with(
    t: &TestApp,
    c: &Client,
    csrf: &str,
    creditor_id: i64,
    csv: &str,
    boxes: &[&str],
) -> (String, String) {
    let (ct, body) = multipart_with(Some(csrf), "carteira.csv", csv.as_bytes(), boxes);
    let res = c
        .post(t.url(&format!("/carteiras/{creditor_id}/importar")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "upload");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/importacoes/"), "{location}");
    let page = c.get(t.url(&location)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    for _ in 0..200 {
        let html = c
            .get(t.url(&format!("{location}/progresso")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if !html.contains("every 500ms") {
            return (location, html);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import did not finish");
}

fn figure(html: &str, key: &str) -> String {
    let marker = format!("data-k=\"{key}\">");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {key} in {html}"))
        + marker.len();
    html[at..].split('<').next().unwrap().to_owned()
}

async fn open_count(t: &TestApp, org_id: i64, creditor_id: Option<i64>) -> u64 {
    let q = quita_app::portfolio::aging::AgingQuery {
        creditor_id,
        debtor_id: None,
        as_of: AS_OF.parse().unwrap(),
        buckets: Default::default(),
    };
    t.app.aging(org_id, &q).await.unwrap().total().count
}

pub async fn creditors_and_import_through_pages(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let c = client();
    let csrf = logged_in(&t, &c, &a.email("admin")).await;

    // Create a creditor; a bad CNPJ is refused with a message.
    let bad = c
        .post(t.url("/carteiras"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Loja X"),
            ("document", "11.111.111/1111-11"),
            ("late_fine", "2"),
            ("interest", "1"),
            ("correction", "none"),
            ("fee", "0"),
            ("grace_days", "400"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains("CPF/CNPJ"), "{html}");
    assert!(
        html.contains("Dias de carência: informe um número de 0 a 365"),
        "{html}"
    );
    // Each fault is on its field (marked invalid, described by its message
    // beside it), and the summary of them all takes the focus.
    for field in ["document", "grace_days"] {
        assert!(
            html.contains(&format!(r#"name="{field}" value=""#)),
            "{html}"
        );
        let input = html
            .split(&format!(r#"name="{field}""#))
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .unwrap();
        assert!(
            input.contains(&format!(
                r#"aria-invalid="true" aria-describedby="erro-{field}""#
            )),
            "{field}: {input}"
        );
        assert!(
            html.contains(&format!(r#"<span class="erro-campo" id="erro-{field}">"#)),
            "{html}"
        );
    }
    let late_fine = html
        .split(r#"name="late_fine""#)
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap();
    assert!(!late_fine.contains("aria-invalid"), "{late_fine}");
    assert!(
        html.contains(
            r#"<div class="error erros-form" role="alert" tabindex="-1" autofocus id="erros">"#
        ),
        "{html}"
    );
    assert!(html.contains("há 2 problemas no formulário"), "{html}");
    // A fee above 100%: said once, by the domain's rule.
    let res = c
        .post(t.url("/carteiras"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Loja X"),
            ("document", "11.222.333/0001-81"),
            ("late_fine", "2"),
            ("interest", "1"),
            ("correction", "none"),
            ("fee", "200"),
            ("grace_days", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(
        html.matches("<li>Honorários acima de 100% do débito: confira o valor</li>")
            .count(),
        1,
        "{html}"
    );
    assert!(!html.contains("no máximo 100%"), "{html}");
    // A consumer creditor's fine above 2% is refused, not capped silently;
    // the form keeps what was typed.
    let create = |fine: &'static str| {
        c.post(t.url("/carteiras"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "Loja Boa Vista"),
                ("document", "11.222.333/0001-81"),
                ("late_fine", fine),
                ("interest", "1"),
                ("correction", "ipca"),
                ("fee", "10"),
                ("grace_days", "3"),
                ("consumer", "on"),
            ])
            .send()
    };
    let res = create("2,5").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains(CDC_FINE), "{html}");
    assert!(
        html.contains("name=\"late_fine\" value=\"2,5\"")
            && html.contains("value=\"Loja Boa Vista\"")
            && html.contains("value=\"11.222.333/0001-81\""),
        "the form keeps its values: {html}"
    );
    assert!(t.app.creditors(a.id).await.unwrap().is_empty());
    let res = create("1,5").await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cred = &t.app.creditors(a.id).await.unwrap()[0];
    assert_eq!(cred.policy.grace_days, 3);
    assert_eq!(cred.policy.late_fine, Percent::parse("1.5").unwrap());
    let list = c
        .get(t.url("/carteiras"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("Loja Boa Vista")
            && list.contains("11.222.333/0001-81")
            && list.contains("1,5%")
            && list.contains("IPCA"),
        "{list}"
    );
    // The same refusal when editing: nothing changes.
    let res = c
        .post(t.url(&format!("/carteiras/{}", cred.id)))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Loja Boa Vista Ltda"),
            ("late_fine", "3"),
            ("interest", "1"),
            ("correction", "none"),
            ("fee", "0"),
            ("grace_days", "0"),
            ("consumer", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains(CDC_FINE), "{html}");
    assert!(
        html.contains("name=\"late_fine\" value=\"3\"")
            && html.contains("value=\"Loja Boa Vista Ltda\""),
        "the form keeps its values: {html}"
    );
    assert_eq!(t.app.creditor(a.id, cred.id).await.unwrap(), *cred);
    // A blank (or a space that passed the browser's `required`) fine or
    // interest is refused, not saved as 0 %; a blank fee is none.
    for (fine, interest, wrong) in [(" ", "1", "Multa"), ("2", "", "Juros de mora")] {
        let res = c
            .post(t.url(&format!("/carteiras/{}", cred.id)))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "Loja Boa Vista"),
                ("late_fine", fine),
                ("interest", interest),
                ("correction", "none"),
                ("fee", ""),
                ("grace_days", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(
            html.contains(&format!("{wrong}: informe um percentual (0 se não houver)")),
            "{html}"
        );
        assert!(!html.contains("Honorários: informe"), "{html}");
        assert_eq!(t.app.creditor(a.id, cred.id).await.unwrap(), *cred);
    }
    // Edit it.
    let res = c
        .post(t.url(&format!("/carteiras/{}", cred.id)))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Loja Boa Vista Ltda"),
            ("late_fine", "2"),
            ("interest", "1"),
            ("correction", "none"),
            ("fee", "0"),
            ("grace_days", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cred = t.app.creditor(a.id, cred.id).await.unwrap();
    assert_eq!(cred.name, "Loja Boa Vista Ltda");
    assert!(!cred.policy.consumer_relation);
    let page = c
        .get(t.url(&format!("/carteiras/{}", cred.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Importar títulos"));

    // All or nothing: a bad file is refused, nothing written, errors downloadable.
    let (path, html) = upload(&t, &c, &csrf, cred.id, &bad_csv(), false).await;
    assert!(html.contains("Arquivo recusado"), "{html}");
    assert_eq!(figure(&html, "criados"), "0");
    assert_ne!(figure(&html, "erros"), "0");
    assert_eq!(open_count(&t, a.id, None).await, 0);
    let report = c
        .get(t.url(&format!("{path}/erros.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), StatusCode::OK);
    assert!(
        report.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let report = report.text().await.unwrap();
    assert!(
        report.starts_with("\u{feff}linha;coluna;valor;motivo"),
        "{report}"
    );
    assert!(report.lines().any(|l| l.starts_with("4;")), "{report}");

    // Thirty lines that only warn, then the one error that refuses the
    // file: the page lists the error first.
    let mut warned = good_csv().lines().next().unwrap().to_owned();
    for i in 0..30 {
        warned.push_str(&format!(
            "\n529.982.247-25;Maria;x@@y;;;;;;;W-{i};1;;;2026-04-10;10,00;"
        ));
    }
    warned.push_str("\n529.982.247-25;Maria;;;;;;;;W-X;1;;;2026-04-10;abc;\n");
    let (_, html) = upload(&t, &c, &csrf, cred.id, &warned, false).await;
    assert!(html.contains("Arquivo recusado"), "{html}");
    assert!(html.contains("erros antes dos avisos"), "{html}");
    let first_row = html
        .split("id=\"problemas\"")
        .nth(1)
        .and_then(|t| t.split("<tbody>").nth(1))
        .and_then(|b| b.split("</tr>").next())
        .unwrap_or_else(|| panic!("{html}"));
    assert!(
        first_row.contains("<td class=\"num\">32</td>") && first_row.contains("abc"),
        "{first_row}"
    );

    // Partial: the valid rows are applied.
    let (_, html) = upload(&t, &c, &csrf, cred.id, &bad_csv(), true).await;
    assert!(
        html.contains("Importação concluída, sem as linhas com erro ("),
        "{html}"
    );
    assert_eq!(figure(&html, "criados"), "2");
    assert_eq!(figure(&html, "devedores"), "1");
    assert_ne!(figure(&html, "erros"), "0");
    assert_eq!(open_count(&t, a.id, None).await, 2);

    // The full file: one new, two unchanged; again: nothing changes.
    let (_, html) = upload(&t, &c, &csrf, cred.id, &good_csv(), false).await;
    assert_eq!(
        (
            figure(&html, "criados"),
            figure(&html, "inalterados"),
            figure(&html, "erros")
        ),
        ("1".into(), "2".into(), "0".into())
    );
    let (_, html) = upload(&t, &c, &csrf, cred.id, &good_csv(), false).await;
    assert_eq!(
        (
            figure(&html, "criados"),
            figure(&html, "atualizados"),
            figure(&html, "inalterados"),
            figure(&html, "devedores"),
            figure(&html, "contatos")
        ),
        ("0".into(), "0".into(), "3".into(), "0".into(), "0".into())
    );
    assert_eq!(open_count(&t, a.id, None).await, 3);
    // A title paid, then its cheque returned: reopened with the box ticked.
    let paid = good_csv().replace("2026-04-10;250,00;", "2026-04-10;250,00;0,00");
    let (_, html) = upload(&t, &c, &csrf, cred.id, &paid, false).await;
    assert_eq!(figure(&html, "atualizados"), "1", "{html}");
    assert!(!html.contains("data-k=\"estornos\""), "{html}");
    assert_eq!(open_count(&t, a.id, None).await, 2);
    // (A blank valor_aberto keeps what was paid: the file states the balance.)
    let returned = good_csv().replace("2026-04-10;250,00;", "2026-04-10;250,00;250,00");
    let (_, html) = upload_with(&t, &c, &csrf, cred.id, &returned, &["reversals"]).await;
    assert_eq!(
        (figure(&html, "atualizados"), figure(&html, "estornos")),
        ("1".into(), "1".into()),
        "{html}"
    );
    assert!(html.contains("estorno de R$ 250,00"), "{html}");
    assert_eq!(open_count(&t, a.id, None).await, 3);
    // The import form lists the recent imports.
    let form = c
        .get(t.url(&format!("/carteiras/{}/importar", cred.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("Recusada") && form.contains("<td>Aplicada</td>"),
        "{form}"
    );
    // The partial import that left rows out says so.
    assert!(form.contains("Aplicada em parte ("), "{form}");
    // An empty upload is refused on the spot; the box ticked stays ticked.
    let (ct, body) = multipart_with(Some(&csrf), "vazio.csv", b"", &["partial", "reversals"]);
    let res = c
        .post(t.url(&format!("/carteiras/{}/importar", cred.id)))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("O arquivo está vazio (0 bytes).")
            && html.contains("name=\"partial\" value=\"on\" checked")
            && html.contains(
                "name=\"reversals\" value=\"on\" aria-describedby=\"estornos-nota\" checked"
            ),
        "{html}"
    );
    // Without the CSRF token the upload is refused.
    let (ct, body) = multipart(None, "x.csv", good_csv().as_bytes(), false);
    let res = c
        .post(t.url(&format!("/carteiras/{}/importar", cred.id)))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The upload route takes files above the general 2 MB body limit (a
    // binary file is then refused by the import itself); other routes do not.
    let (ct, body) = multipart(
        Some(&csrf),
        "grande.csv",
        &vec![0u8; 3 * 1024 * 1024],
        false,
    );
    let res = c
        .post(t.url(&format!("/carteiras/{}/importar", cred.id)))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "3 MB upload accepted");
    // Unknown import ids are not found.
    let res = c
        .get(t.url("/importacoes/0123456789abcdef0123456789abcdef"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let big_form = "x".repeat(3 * 1024 * 1024);
    // `Connection: close`: the server closes this connection after its 413
    // without reading the body, and the client must not reuse it for the
    // next request (which then failed now and then with IncompleteMessage).
    let res = c
        .post(t.url(&format!("/carteiras/{}", cred.id)))
        .header("x-csrf-token", &csrf)
        .header("connection", "close")
        .form(&[("name", big_form.as_str())])
        .send()
        .await;
    // The server answers 413 and closes the connection without reading the
    // body, so the client sees either the answer or, when it was still
    // writing, a broken pipe; never a success.
    match res {
        Ok(res) => {
            assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
            let html = res.text().await.unwrap();
            assert!(html.contains("passa do limite de 2 MB"), "{html}");
        }
        Err(e) => assert!(e.is_request(), "{e}"),
    }
    let still = t.app.creditor(a.id, cred.id).await.unwrap().name;
    assert_ne!(still.len(), big_form.len(), "nothing was saved");

    // A consumer creditor saved with a 10% fine before the refusal existed
    // still loads, shows what is charged, and must be fixed on its next edit.
    let legacy = ChargePolicy {
        late_fine: Percent::whole(10),
        ..ChargePolicy::default()
    };
    let mut tx = t.app.db.begin_write().await.unwrap();
    let old = quita_store::portfolio::creditors::create(
        &mut tx,
        a.id,
        "Loja Antiga",
        "34028316000103",
        &legacy,
        t.app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let list = c
        .get(t.url("/carteiras"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("10% (limitada a 2%, CDC art. 52, § 1º)"),
        "{list}"
    );
    let page = c
        .get(t.url(&format!("/carteiras/{}", old.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("value=\"10\""));
    assert_eq!(t.app.creditor(a.id, old.id).await.unwrap().policy, legacy);
}

/// The domain's refusal of a consumer creditor's fine above the cap.
const CDC_FINE: &str = "Relação de consumo: a multa não pode passar de 2% (CDC art. 52, § 1º)";

pub async fn portfolio_api(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let admin = token(&t, a.id, Role::Admin).await;
    let sup = token(&t, a.id, Role::Supervisor).await;
    let agent = token(&t, a.id, Role::Agent).await;
    let viewer = token(&t, a.id, Role::Viewer).await;
    let c = reqwest::Client::new();

    // Creditors.
    let res = c
        .post(t.url("/api/v1/creditors"))
        .bearer_auth(&agent)
        .json(&json!({"name": "Loja", "document": "11.222.333/0001-81"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = c
        .post(t.url("/api/v1/creditors"))
        .bearer_auth(&admin)
        .json(&json!({"name": "Loja Boa Vista", "document": "11.222.333/0001-81", "policy": {"late_fine": "2", "default_interest_monthly": "1", "consumer_relation": true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let made: Value = res.json().await.unwrap();
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["document"], "11222333000181");
    assert_eq!(made["policy"]["late_fine"], "2");
    let dup = c
        .post(t.url("/api/v1/creditors"))
        .bearer_auth(&admin)
        .json(&json!({"name": "Outra", "document": "11222333000181"}))
        .send()
        .await
        .unwrap();
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    let bad = c
        .post(t.url("/api/v1/creditors"))
        .bearer_auth(&admin)
        .json(&json!({"name": "Outra", "document": "123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json::<Value>().await.unwrap()["field"], "document");
    // A consumer creditor with a fine above 2%: refused, naming the field
    // and the law.
    let bad = c
        .post(t.url("/api/v1/creditors"))
        .bearer_auth(&admin)
        .json(&json!({"name": "Outra", "document": "34.028.316/0001-03", "policy": {"late_fine": "3", "consumer_relation": true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["field"], "policy.late_fine", "{problem}");
    assert_eq!(problem["code"], "invalid_input", "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains(CDC_FINE),
        "{problem}"
    );
    assert_eq!(t.app.creditors(a.id).await.unwrap().len(), 1);
    // A misspelt policy field, or a fine above the debt itself: refused,
    // naming the field; nothing is created.
    for (policy, field) in [
        (json!({"late_fee": "5"}), "policy"),
        (json!({"late_fine": "150"}), "policy.late_fine"),
        (json!({"collection_fee": "500"}), "policy.collection_fee"),
        (json!({"grace_days": "x"}), "policy.grace_days"),
        (json!({"grace_days": -1}), "policy.grace_days"),
        (json!({"correction": "nada"}), "policy.correction"),
    ] {
        let bad = c
            .post(t.url("/api/v1/creditors"))
            .bearer_auth(&admin)
            .json(&json!({"name": "Outra", "document": "34.028.316/0001-03", "policy": policy}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "{policy}");
        let problem: Value = bad.json().await.unwrap();
        assert_eq!(problem["field"], field, "{problem}");
    }
    assert_eq!(t.app.creditors(a.id).await.unwrap().len(), 1);
    // No policy: the usual terms, as `quita creditor create` gives them.
    let usual: Value = c
        .post(t.url("/api/v1/creditors"))
        .bearer_auth(&admin)
        .json(&json!({"name": "Usual", "document": "60.701.190/0001-04", "policy": {"grace_days": 3}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            &usual["policy"]["late_fine"],
            &usual["policy"]["default_interest_monthly"],
            &usual["policy"]["consumer_relation"],
            &usual["policy"]["grace_days"]
        ),
        (&json!("2"), &json!("1"), &json!(false), &json!(3)),
        "{usual}"
    );
    let bad = c
        .patch(t.url(&format!("/api/v1/creditors/{id}")))
        .bearer_auth(&admin)
        .json(&json!({"policy": {"late_fine": "2.5"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["field"], "policy.late_fine", "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains(CDC_FINE),
        "{problem}"
    );
    // Not a consumer relation: no cap (then back to the consumer's 2%).
    for (fine, consumer) in [("10", false), ("2", true)] {
        let res = c
            .patch(t.url(&format!("/api/v1/creditors/{id}")))
            .bearer_auth(&admin)
            .json(&json!({"policy": {"late_fine": fine, "consumer_relation": consumer}}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["policy"]["late_fine"], fine, "{v}");
    }
    let patched: Value = c
        .patch(t.url(&format!("/api/v1/creditors/{id}")))
        .bearer_auth(&admin)
        .json(&json!({"policy": {"grace_days": 5}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(patched["policy"]["grace_days"], 5);
    assert_eq!(patched["policy"]["late_fine"], "2", "other fields kept");
    let by_cnpj: Value = c
        .get(t.url("/api/v1/creditors/11.222.333%2F0001-81"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_cnpj["id"], id);
    let list: Value = c
        .get(t.url("/api/v1/creditors"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Loja Boa Vista and Usual.
    assert_eq!(list.as_array().unwrap().len(), 2);

    // Import: roles, all or nothing, partial, re-import.
    let post = |tok: &str, query: &str, body: String| {
        c.post(t.url(&format!("/api/v1/imports?{query}")))
            .bearer_auth(tok)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    assert_eq!(
        post(&agent, &format!("creditor={id}"), good_csv())
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&sup, "", good_csv()).await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // None of the organization's: 404 naming the field and the value.
    let res = post(&sup, "creditor=999999", good_csv()).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let problem = res.json::<Value>().await.unwrap();
    assert_eq!(problem["field"], "creditor", "{problem}");
    assert_eq!(problem["code"], "not_found", "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no creditor \"999999\""),
        "{problem}"
    );
    // A value that names no creditor at all: 422 saying why.
    for query in ["creditor=abc", "creditor=11.111.111%2F1111-11"] {
        let res = post(&sup, query, good_csv()).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(res.json::<Value>().await.unwrap()["field"], "creditor");
    }
    // A parameter that does not read: the problem names it.
    let res = post(&sup, &format!("creditor={id}&partial=talvez"), good_csv())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json::<Value>().await.unwrap()["field"], "partial");
    let res = c
        .get(t.url("/api/v1/debtors?limit=abc"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json::<Value>().await.unwrap()["field"], "limit");
    let res = c
        .get(t.url("/api/v1/aging?creditor=abc"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // `file_name=….xlsx` without `format`: read as a workbook (an empty
    // one here, so refused as such, not as a zipped CSV).
    let book = rust_xlsxwriter::Workbook::new().save_to_buffer().unwrap();
    let res = c
        .post(t.url(&format!(
            "/api/v1/imports?creditor={id}&file_name=carteira.xlsx"
        )))
        .bearer_auth(&sup)
        .body(book)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = res.text().await.unwrap();
    assert!(!text.contains("envie-o com a extensão .xlsx"), "{text}");
    // A workbook sent as curl's --data-binary sends it (as a form): read as
    // the file it is, not refused for the NUL bytes of its zip.
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "nome").unwrap();
    let res = c
        .post(t.url(&format!("/api/v1/imports?creditor={id}&format=xlsx")))
        .bearer_auth(&sup)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(book.save_to_buffer().unwrap())
        .send()
        .await
        .unwrap();
    let text = res.text().await.unwrap();
    assert!(!text.contains("NUL"), "{text}");
    assert!(
        text.contains("cabeçalho") || text.contains("coluna"),
        "{text}"
    );
    assert_eq!(
        post(&sup, &format!("creditor={id}"), String::new())
            .await
            .unwrap()
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let res = post(&sup, &format!("creditor={id}"), bad_csv())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["summary"]["applied"], false);
    assert_eq!(out["summary"]["receivables_created"], 0);
    assert!(
        out["problems"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["line"] == 4),
        "{out}"
    );
    assert_eq!(open_count(&t, a.id, None).await, 0, "nothing written");
    let out: Value = post(&sup, &format!("creditor={id}&partial=true"), bad_csv())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            out["summary"]["applied"].as_bool(),
            out["summary"]["receivables_created"].as_u64()
        ),
        (Some(true), Some(2))
    );
    let out: Value = post(&sup, "creditor=11222333000181", good_csv())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            out["summary"]["receivables_created"].as_u64(),
            out["summary"]["unchanged"].as_u64()
        ),
        (Some(1), Some(2)),
        "{out}"
    );
    let out: Value = post(&sup, &format!("creditor={id}"), good_csv())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            out["summary"]["receivables_created"].as_u64(),
            out["summary"]["receivables_updated"].as_u64(),
            out["summary"]["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(3))
    );
    // A changed row updates its receivable and says so.
    let changed = good_csv().replace("2026-04-10;250,00;", "2026-04-10;260,00;");
    let out: Value = post(&sup, &format!("creditor={id}"), changed.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            out["summary"]["receivables_updated"].as_u64(),
            out["summary"]["unchanged"].as_u64()
        ),
        (Some(1), Some(2)),
        "{out}"
    );
    // Paid, then its cheque returned: refused unless `reversals=true`.
    let paid = changed.replace("2026-04-10;260,00;", "2026-04-10;260,00;0,00");
    let returned = changed.replace("2026-04-10;260,00;", "2026-04-10;260,00;260,00");
    let out: Value = post(&sup, &format!("creditor={id}"), paid)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(out["summary"]["receivables_updated"], 1, "{out}");
    let res = post(&sup, &format!("creditor={id}"), returned.clone())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let out: Value = res.json().await.unwrap();
    assert_eq!(
        (&out["problems"][0]["line"], &out["problems"][0]["column"]),
        (&json!(4), &json!("valor_aberto")),
        "{out}"
    );
    let out: Value = post(&sup, &format!("creditor={id}&reversals=true"), returned)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            out["summary"]["receivables_updated"].as_u64(),
            out["summary"]["reversals"].as_u64()
        ),
        (Some(1), Some(1)),
        "{out}"
    );

    // Aging.
    let aging: Value = c
        .get(t.url(&format!("/api/v1/aging?as_of={AS_OF}&creditor={id}")))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(aging["as_of"], AS_OF);
    let buckets = aging["buckets"].as_array().unwrap();
    let b = |label: &str| {
        buckets
            .iter()
            .find(|b| b["bucket"] == label)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            b("current")["count"].as_u64(),
            b("current")["open_balance"].as_str()
        ),
        (Some(1), Some("260.00"))
    );
    assert_eq!(
        (
            b("1-30")["count"].as_u64(),
            b("1-30")["open_balance"].as_str()
        ),
        (Some(1), Some("100.00"))
    );
    assert_eq!(
        (
            b("31-60")["count"].as_u64(),
            b("31-60")["open_balance"].as_str()
        ),
        (Some(1), Some("100.00"))
    );
    assert_eq!(aging["total"]["open_balance"], "460.00");
    assert_eq!(aging["total"]["original_amount"], "460.00");
    // 31–60: R$ 100 + 2% fine + 1% a.m. for 59 days = 100 + 2.00 + 1.97.
    assert_eq!(b("31-60")["updated_amount"], "103.97");
    let custom: Value = c
        .get(t.url("/api/v1/aging?as_of=15/03/2026&buckets=current,1-60,61%2B"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(custom["buckets"][1]["bucket"], "1-60");
    assert_eq!(custom["buckets"][1]["count"], 2);
    let bad = c
        .get(t.url("/api/v1/aging?buckets=nope"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = c
        .get(t.url("/api/v1/aging?as_of=31/02/2026"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Debtors: search by name, CPF, e-mail, phone, document number; roles.
    assert_eq!(
        c.get(t.url("/api/v1/debtors?q=mar"))
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    for q in [
        "mar",
        "529982",
        "maria.silva@",
        "11912345678",
        "CRD-1",
        "Maria Apa",
    ] {
        let found: Value = c
            .get(t.url(&format!(
                "/api/v1/debtors?{}",
                serde_urlencoded::to_string([("q", q)]).unwrap()
            )))
            .bearer_auth(&agent)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let found = found["debtors"].as_array().unwrap();
        assert_eq!(found.len(), 1, "q={q}: {found:?}");
        assert_eq!(found[0]["document_masked"], "***.982.247-**");
        assert!(found[0].get("document").is_none());
    }
    let found: Value = c
        .get(t.url("/api/v1/debtors?q=jos"))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jose = found["debtors"][0]["id"].as_i64().unwrap();
    let maria: Value = c
        .get(t.url("/api/v1/debtors?q=maria"))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Each line says what the debtor owes today.
    let today = t.app.clock.today_in("America/Sao_Paulo");
    assert_eq!(
        maria["debtors"][0]["balance"],
        json!({
            "open_receivables": 2, "open_balance": "200.00",
            "days_past_due": quita_core::calendar::days_between(jiff::civil::date(2026, 1, 15), today),
        }),
        "{maria}"
    );
    let maria = maria["debtors"][0]["id"].as_i64().unwrap();
    let v: Value = c
        .get(t.url(&format!("/api/v1/debtors/{maria}?on={AS_OF}")))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["document"], "52998224725");
    assert_eq!(v["on"], AS_OF);
    assert_eq!(v["receivables"].as_array().unwrap().len(), 2);
    assert_eq!(v["totals"][0]["open_balance"], "200.00");
    assert!(
        v["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["value"] == "maria.silva@example.com"),
        "{v}"
    );
    assert!(
        v["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["value"] == "+5511912345678"),
        "{v}"
    );
    let rid = v["receivables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["due_date"] == "2026-01-15")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        c.get(t.url(&format!("/api/v1/debtors/{jose}")))
            .bearer_auth(&agent)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        c.get(t.url("/api/v1/debtors/999999"))
            .bearer_auth(&agent)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get(t.url(&format!("/api/v1/debtors/{maria}")))
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    // Debt update with its memory.
    let u: Value = c
        .get(t.url(&format!("/api/v1/receivables/{rid}/update?on={AS_OF}")))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(u["receivable"]["open_balance"], "100.00");
    assert_eq!(u["update"]["total"], "103.97", "{u}");
    assert_eq!(u["update"]["days_late"], 59);
    // Nothing to warn about (no index, no fee): the list is there, empty.
    assert_eq!(u["update"]["warnings"], json!([]), "{u}");
    let lines = u["update"]["lines"].as_array().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "late_fine" && l["amount"] == "2.00"),
        "{u}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l["label"].is_string() && l["base"].is_string())
    );
    assert_eq!(
        c.get(t.url(&format!("/api/v1/receivables/{rid}/update")))
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.get(t.url("/api/v1/receivables/999999/update"))
            .bearer_auth(&agent)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // Once cancelled the receivable is no longer owed: no update, a 409
    // problem naming its status (not a fine and interest as if still open).
    let sup = token(&t, a.id, Role::Supervisor).await;
    let res = c
        .post(t.url(&format!("/api/v1/receivables/{rid}/close")))
        .bearer_auth(&sup)
        .json(&json!({"action": "cancel", "reason": "venda desfeita"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = c
        .get(t.url(&format!("/api/v1/receivables/{rid}/update?on={AS_OF}")))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "conflict", "{p}");
    assert_eq!(p["status"], 409, "{p}");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("o título está cancelado: só um título em aberto tem atualização do débito"),
        "{p}"
    );
    assert!(p.get("update").is_none(), "{p}");
}

pub async fn aging_and_debtor_pages(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    let out = import(&t, a.id, cred.id, &good_csv()).await;
    assert_eq!(out.summary.receivables_created, 3, "{:?}", out.problems);

    // Viewer: aging and drill-down, without links to the debtor page.
    let v = client();
    logged_in(&t, &v, &a.email("viewer")).await;
    let html = v
        .get(t.url("/relatorios/aging?data_base=15/03/2026"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<svg") && html.contains("class=\"bar\""),
        "{html}"
    );
    // The chart holds links: a named group, not an image (whose children
    // would be presentational); the buckets' format is said on the page.
    assert!(
        html.contains(r#"role="group" aria-label="Saldo em aberto por faixa de atraso">"#)
            && !html.contains(r#"role="img""#),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-describedby="faixas-ajuda"></label><span class="ajuda" id="faixas-ajuda">Último dia de cada faixa"#)
            && !html.contains("title=\"Último dia"),
        "{html}"
    );
    assert!(
        html.contains(r#"<caption class="visualmente-oculto">"#),
        "{html}"
    );
    assert!(html.contains("R$ 450,00"), "{html}");
    assert!(html.contains("31 a 60 dias") && html.contains("A vencer"));
    assert!(
        html.contains("href=\"/relatorios/aging/faixa/2?data_base=15%2F03%2F2026\""),
        "{html}"
    );
    let drill = v
        .get(t.url("/relatorios/aging/faixa/2?data_base=15%2F03%2F2026"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // A viewer sees the bucket's receivables, not whom they are owed by.
    assert!(drill.contains("CRD-1"), "{drill}");
    assert!(!drill.contains("Maria Aparecida"), "{drill}");
    assert!(!drill.contains("José Carlos"));
    assert!(
        !drill.contains("/devedores/"),
        "viewers get no debtor links"
    );
    assert!(
        drill.contains("15/01/2026") && drill.contains("R$ 100,00") && drill.contains(">59<"),
        "{drill}"
    );
    let res = v
        .get(t.url("/relatorios/aging/faixa/99"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = v
        .get(t.url("/relatorios/aging?data_base=ontem"))
        .send()
        .await
        .unwrap();
    // Said on the page, above the form (see aging_buckets.rs).
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Data-base “ontem” inválida")
    );
    let csv = v
        .get(t.url("/relatorios/aging.csv?data_base=2026-03-15"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("aging-2026-03-15.csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(csv.contains("31 a 60 dias;1;100,00;100,00;103,97"), "{csv}");
    assert!(csv.contains("Total;3;450,00;450,00;"), "{csv}");
    let xlsx = v
        .get(t.url(&format!(
            "/relatorios/aging.xlsx?data_base=2026-03-15&credor={}",
            cred.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(
        xlsx.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("aging-carteira-{}-2026-03-15.xlsx", cred.id))
    );
    assert_eq!(&xlsx.bytes().await.unwrap()[..2], b"PK");
    // Filtered by creditor.
    let html = v
        .get(t.url(&format!(
            "/relatorios/aging?data_base=15/03/2026&credor={}",
            cred.id
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("carteira Loja Boa Vista"), "{html}");
    assert_eq!(
        v.get(t.url("/devedores")).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        v.get(t.url("/carteiras")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let carteiras = v
        .get(t.url("/carteiras"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!carteiras.contains("Nova carteira") && !carteiras.contains("/importar"));
    // Each creditor's line says what it holds: 3 receivables, R$ 450,00.
    let line = carteiras
        .split(&format!("<tr id=\"carteira-{}\">", cred.id))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap();
    assert!(
        line.contains(">3</td>") && line.contains("R$ 450,00") && line.contains("0 dias"),
        "{line}"
    );

    // Agent: debtors, search and the 360° page; no import, no creditor edits.
    let g = client();
    let csrf = logged_in(&t, &g, &a.email("agent")).await;
    let list = g
        .get(t.url("/devedores"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("Maria Aparecida") && list.contains("José Carlos"),
        "{list}"
    );
    assert!(list.contains("***.982.247-**") && !list.contains("529.982.247-25"));
    // Each debtor's line says what it owes today and how late the oldest is.
    let org = quita_store::orgs::get(&t.app.db, a.id).await.unwrap();
    let today = t.app.clock.today_in(&org.time_zone);
    let maria_id = t.app.search_debtors(a.id, "maria", 5).await.unwrap()[0].id;
    let line = list
        .split(&format!("<tr id=\"devedor-{maria_id}\">"))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap();
    let days = quita_core::calendar::days_between(jiff::civil::date(2026, 1, 15), today);
    assert!(
        line.contains(">2</td>")
            && line.contains("R$ 200,00")
            && line.contains(&format!("{days} dias")),
        "{line}"
    );
    let found = g
        .get(t.url("/devedores/busca?q=jos"))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        found.contains("José Carlos") && !found.contains("Maria"),
        "{found}"
    );
    assert!(!found.contains("<html"), "a fragment");
    let found = g
        .get(t.url("/devedores?q=11912345678"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(found.contains("Maria Aparecida") && !found.contains("José Carlos"));
    let none = g
        .get(t.url("/devedores/busca?q=zzz"))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(none.contains("Nenhum devedor encontrado"));
    let maria = t.app.search_debtors(a.id, "maria", 5).await.unwrap()[0].id;
    let page = g
        .get(t.url(&format!("/devedores/{maria}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "Maria Aparecida",
        "***.982.247-**",
        "form-documento",
        "maria.silva@example.com",
        "(11) 91234-5678",
        "WhatsApp",
        "Av. Paulista, 1000",
        "São Paulo · SP · 01310-100",
        "Não verificado",
        "Memória de cálculo",
        "Multa",
        "Linha do tempo",
        "Loja Boa Vista",
        "R$ 200,00",
        "15/01/2026",
        "CRD-1",
    ] {
        assert!(page.contains(needle), "360° lacks {needle}: {page}");
    }
    // An agent asks for the whole CPF ("Ver completo"), recorded apart.
    assert!(!page.contains("529.982.247-25"), "{page}");
    assert_eq!(
        g.get(t.url("/devedores/999999"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        g.get(t.url("/devedores/abc"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let drill = g
        .get(t.url("/relatorios/aging/faixa/2?data_base=15%2F03%2F2026"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        drill.contains(&format!("href=\"/devedores/{maria}\"")),
        "{drill}"
    );
    assert_eq!(
        g.get(t.url(&format!("/carteiras/{}/importar", cred.id)))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let res = g
        .post(t.url("/carteiras"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "X"),
            ("document", "11.444.777/0001-61"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = g
        .post(t.url(&format!("/carteiras/{}", cred.id)))
        .form(&[("_csrf", csrf.as_str()), ("name", "X")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The navigation links the new areas.
    assert!(list.contains("href=\"/carteiras\"") && list.contains("href=\"/relatorios\""));
    let _ = csrf_in(&list);

    // A second creditor: the aging of all carteiras shows each one's line,
    // linked to its own aging, and adds them up; a drill-down says how big
    // its bucket is.
    let other = creditor(&t, a.id, "Outra Loja", "34.028.316/0001-03").await;
    let out = import(&t, a.id, other.id, &good_csv()).await;
    assert_eq!(out.summary.receivables_created, 3, "{:?}", out.problems);
    let html = v
        .get(t.url("/relatorios/aging?data_base=15/03/2026"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let table = html
        .split("id=\"aging-por-carteira\"")
        .nth(1)
        .and_then(|r| r.split("</table>").next())
        .unwrap_or_else(|| panic!("{html}"));
    assert!(
        table.find("Loja Boa Vista").unwrap() < table.find("Outra Loja").unwrap(),
        "{table}"
    );
    assert!(
        table.contains(&format!("credor={}\">Outra Loja</a>", other.id)),
        "{table}"
    );
    // Amounts in reais without the symbol, which the heading gives.
    assert!(html.contains("Por carteira <span class=\"muted small\">(valores em R$) · "));
    // The same table as CSV.
    let res = v
        .get(t.url("/relatorios/aging/carteiras.csv?data_base=15/03/2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"aging-por-carteira-2026-03-15.csv\""
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}Carteira;A vencer;1 a 30 dias;31 a 60 dias;61 a 90 dias;91 a 180 dias;181 a 360 dias;361+ dias;Total;Atualizado em 15/03/2026"
    );
    assert_eq!(lines.len(), 4, "two carteiras and the total: {csv}");
    assert!(
        lines[1].starts_with("Loja Boa Vista;250,00;100,00;100,00;"),
        "{csv}"
    );
    assert!(lines[3].starts_with("Total;500,00;200,00;200,00;"), "{csv}");
    // Filtered to one creditor, the table has that one alone.
    let one = v
        .get(t.url(&format!(
            "/relatorios/aging/carteiras.csv?data_base=15/03/2026&credor={}",
            other.id
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = one.lines().collect();
    assert_eq!(lines.len(), 3, "one carteira and the total: {one}");
    assert!(lines[1].starts_with("Outra Loja;"), "{one}");
    assert!(!table.contains("R$"), "{table}");
    assert_eq!(table.matches(">450,00<").count(), 2, "{table}");
    // Each carteira's total updated to the data-base, and theirs together
    // as the page's own total row says.
    assert!(
        table.contains("<th class=\"num\">Atualizado em 15/03/2026</th>"),
        "{table}"
    );
    let page_updated = html
        .split("<table id=\"aging\">")
        .nth(1)
        .and_then(|t| t.split("<tfoot>").nth(1))
        .and_then(|f| f.split("</tr>").next())
        .and_then(|r| r.rsplit("<th class=\"num\">").next())
        .map(|c| c.trim_end_matches("</th>").to_owned())
        .unwrap_or_else(|| panic!("{html}"));
    assert!(page_updated.starts_with("R$ "), "{page_updated}");
    let carteiras_foot = table.split("<tfoot>").nth(1).unwrap();
    let in_reais = page_updated.trim_start_matches("R$ ");
    assert!(
        carteiras_foot.contains(&format!("<th class=\"num\">{in_reais}</th>")),
        "{page_updated}: {carteiras_foot}"
    );
    let foot = table
        .split("<tfoot>")
        .nth(1)
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        foot.contains("<th>Total</th>") && foot.contains(">900,00<"),
        "{foot}"
    );
    assert!(html.contains("R$ 900,00"), "{html}");
    let drill = v
        .get(t.url("/relatorios/aging/faixa/2?data_base=15%2F03%2F2026"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(drill.contains("2 títulos · R$ 200,00 em aberto"), "{drill}");

    // Maria now owes to both creditors: her page adds them up.
    let page = g
        .get(t.url(&format!("/devedores/{maria}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let totals = page
        .split("Totais por credor")
        .nth(1)
        .and_then(|r| r.split("</table>").next())
        .unwrap_or_else(|| panic!("{page}"));
    assert!(
        totals.contains("<tfoot><tr class=\"total\"><th data-rotulo=\"\">Total</th>"),
        "{totals}"
    );

    // The contract form and the calculation notices of the 360° page, each
    // in an organization of its own.
    contract_form_chooses_the_debtors_creditor(&t).await;
    contract_terms_are_edited_in_place(&t).await;
    memory_notices_are_said_once(&t).await;
}

/// The fields the debtor page's contract form sends as it is shown: its
/// inputs' values (a checkbox only when ticked) and each select's selected
/// option (else its first), as a browser submits them untouched.
fn contract_form_fields(html: &str) -> Vec<(String, String)> {
    let form = html
        .split("id=\"form-contrato\"")
        .nth(1)
        .and_then(|f| f.split("</form>").next())
        .unwrap_or_else(|| panic!("no contract form: {html}"));
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let raw = tag[at..].split('"').next()?;
        Some(
            raw.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        )
    };
    let mut fields = Vec::new();
    for tag in form.split("<input").skip(1) {
        let tag = tag.split('>').next().unwrap();
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        if tag.contains("type=\"checkbox\"") {
            if tag.contains(" checked") {
                fields.push((name, "on".to_owned()));
            }
        } else {
            fields.push((name, attr(tag, "value").unwrap_or_default()));
        }
    }
    for select in form.split("<select").skip(1) {
        let (open, rest) = select.split_once('>').unwrap();
        let options = rest.split("</select>").next().unwrap();
        let chosen = options
            .split("<option")
            .skip(1)
            .find(|o| o.split('>').next().unwrap().contains(" selected"))
            .or_else(|| options.split("<option").nth(1))
            .and_then(|o| attr(o.split('>').next().unwrap(), "value"))
            .unwrap_or_default();
        fields.push((attr(open, "name").unwrap(), chosen));
    }
    fields
}

/// The value the contract form sends for `name`.
fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Sets (or adds) the field `name` of a form about to be sent.
fn set_field(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(n, _)| n != name);
    fields.push((name.to_owned(), value.to_owned()));
}

async fn page_of(c: &Client, url: String) -> String {
    let res = c.get(url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

/// The "Registrar contrato" form starts at the creditor the debtor owes
/// to, not at the first creditor by name: the only one it owes to, else
/// the one it owes most; a debtor who owes nothing gets "Escolha a
/// carteira", which the form refuses to save.
async fn contract_form_chooses_the_debtors_creditor(t: &TestApp) {
    let g = t.org("gama").await;
    let first = creditor(t, g.id, "Aaa Primeira", "11.222.333/0001-81").await;
    let owed = creditor(t, g.id, "Zeta Cobranças", "34.028.316/0001-03").await;
    assert!(import(t, g.id, owed.id, &good_csv()).await.summary.applied);
    let maria = t.app.search_debtors(g.id, "maria", 5).await.unwrap()[0].id;
    let jose = t.app.search_debtors(g.id, "jose", 5).await.unwrap()[0].id;
    let sup = client();
    logged_in(t, &sup, &g.email("supervisor")).await;
    let option = |id: i64, name: &str, selected: bool| {
        format!(
            "<option value=\"{id}\"{}>{name}</option>",
            if selected { " selected" } else { "" }
        )
    };
    let html = page_of(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert!(
        html.contains(&option(owed.id, "Zeta Cobranças", true))
            && html.contains(&option(first.id, "Aaa Primeira", false))
            && html.contains("<option value=\"\">Escolha a carteira</option>"),
        "{html}"
    );
    assert_eq!(
        field(&contract_form_fields(&html), "creditor_id"),
        Some(owed.id.to_string().as_str())
    );

    // Maria now owes more to the other creditor: the form starts there;
    // José still owes to one only.
    let more = format!(
        "{HEADER}529.982.247-25;maria aparecida da silva;;;;;;;;GR-1;1;1;;2026-02-10;500,00;500,00\n"
    );
    assert!(import(t, g.id, first.id, &more).await.summary.applied);
    let html = page_of(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert!(
        html.contains(&option(first.id, "Aaa Primeira", true))
            && html.contains(&option(owed.id, "Zeta Cobranças", false)),
        "{html}"
    );
    let html = page_of(&sup, t.url(&format!("/devedores/{jose}"))).await;
    assert!(
        html.contains(&option(owed.id, "Zeta Cobranças", true)),
        "{html}"
    );

    // A debtor who owes nothing: no creditor is chosen for the user.
    let mut tx = t.app.db.begin_write().await.unwrap();
    quita_store::portfolio::import::upsert_debtors(
        &mut tx,
        g.id,
        &[quita_store::portfolio::import::ImportDebtor {
            document: "11144477735".into(),
            kind: "pf",
            name: "Sem Dívida".into(),
            name_key: "sem divida".into(),
        }],
        t.app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let clean = t.app.search_debtors(g.id, "sem divida", 5).await.unwrap()[0].id;
    let html = page_of(&sup, t.url(&format!("/devedores/{clean}"))).await;
    assert!(
        html.contains("<option value=\"\" selected>Escolha a carteira</option>")
            && html.contains(&option(first.id, "Aaa Primeira", false))
            && html.contains(&option(owed.id, "Zeta Cobranças", false)),
        "{html}"
    );
    let mut fields = contract_form_fields(&html);
    assert_eq!(field(&fields, "creditor_id"), Some(""));
    set_field(&mut fields, "number", "CT-SEM-CREDOR");
    let res = sup
        .post(t.url(&format!("/devedores/{clean}/contratos")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Credor: escolha a carteira do contrato"),
        "{body}"
    );
    let view = t
        .app
        .debtor_360(g.id, clean, jiff::civil::date(2026, 3, 15))
        .await
        .unwrap();
    assert!(view.contracts.is_empty(), "nothing recorded");
}

/// "Editar condições" opens the contract form filled with the contract as
/// recorded (number and creditor fixed), so that saving it with one term
/// changed keeps the product, the start and every other term.
async fn contract_terms_are_edited_in_place(t: &TestApp) {
    let d = t.org("delta").await;
    let cred = creditor(t, d.id, "Loja Delta", "11.222.333/0001-81").await;
    let other = creditor(t, d.id, "Aaa Outra", "34.028.316/0001-03").await;
    assert!(import(t, d.id, cred.id, &good_csv()).await.summary.applied);
    let maria = t.app.search_debtors(d.id, "maria", 5).await.unwrap()[0].id;
    let sup = client();
    let csrf = logged_in(t, &sup, &d.email("supervisor")).await;

    // A new contract, through the blank form.
    let html = page_of(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert!(html.contains("Registrar contrato e condições"), "{html}");
    let mut fields = contract_form_fields(&html);
    for (name, value) in [
        ("number", "CT-EDIT-1"),
        ("kind", "recurring"),
        ("product", "Plano anual"),
        ("starts_on", "01/02/2026"),
        ("late_fine", "1,5"),
        ("interest", "0,5"),
        ("interest_mode", "compound"),
        ("correction", "none"),
        ("fee", "10"),
        ("fee_allowed", "on"),
        ("grace_days", "3"),
        ("consumer", "nao"),
    ] {
        set_field(&mut fields, name, value);
    }
    let res = sup
        .post(t.url(&format!("/devedores/{maria}/contratos")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let on = jiff::civil::date(2026, 3, 15);
    let recorded = |v: &quita_app::portfolio::debtors::Debtor360| {
        v.contracts
            .iter()
            .find(|k| k.contract.number == "CT-EDIT-1")
            .map(|k| k.contract.clone())
            .unwrap()
    };
    let before = recorded(&t.app.debtor_360(d.id, maria, on).await.unwrap());
    assert_eq!(before.creditor_id, cred.id);
    let terms = before.terms.clone().unwrap();
    assert_eq!(
        (
            terms.interest_mode,
            terms.correction.clone(),
            terms.consumer_relation,
            terms.grace_days
        ),
        (
            Some(quita_core::charge_policy::InterestMode::Compound),
            Some(quita_core::charge_policy::CorrectionIndex::None),
            Some(false),
            Some(3)
        )
    );

    // Each contract links to its form; the form comes filled.
    let html = page_of(&sup, t.url(&format!("/devedores/{maria}"))).await;
    let link = format!(
        "href=\"/devedores/{maria}?contrato={}#registrar-contrato\">Editar condições</a>",
        before.id
    );
    assert!(html.contains(&link), "{html}");
    assert!(
        html.contains(
            "<h3>Contrato CT-EDIT-1 <span class=\"tag tipo-contrato\">Recorrente</span></h3>"
        ),
        "{html}"
    );
    // The contacts' opt-outs, in Portuguese.
    assert!(
        html.contains("<th>Não quer receber por</th>") && !html.contains("Opt-out"),
        "{html}"
    );
    let crd = t
        .app
        .debtor_360(d.id, maria, on)
        .await
        .unwrap()
        .contracts
        .iter()
        .find(|k| k.contract.number == "CRD-1")
        .map(|k| k.contract.id)
        .unwrap();
    assert!(
        html.contains(&format!("?contrato={crd}#registrar-contrato")),
        "the imported contract too: {html}"
    );
    let html = page_of(
        &sup,
        t.url(&format!("/devedores/{maria}?contrato={}", before.id)),
    )
    .await;
    assert!(
        html.contains("Alterar condições do contrato CT-EDIT-1")
            && html.contains("<input type=\"hidden\" name=\"number\" value=\"CT-EDIT-1\">")
            && html.contains(&format!(
                "<input type=\"hidden\" name=\"creditor_id\" value=\"{}\">",
                cred.id
            ))
            && html.contains("value=\"Loja Delta\" disabled")
            && !html.contains("<select name=\"creditor_id\"")
            && html.contains("<option value=\"recurring\" selected>Recorrente</option>")
            && html.contains("name=\"product\" value=\"Plano anual\"")
            && html.contains("name=\"starts_on\" value=\"01/02/2026\"")
            && html.contains("name=\"late_fine\" value=\"1,5\"")
            && html.contains("name=\"interest\" value=\"0,5\"")
            && html.contains("<option value=\"compound\" selected>")
            && html.contains("<option value=\"none\" selected>Sem correção</option>")
            && html.contains("name=\"fee\" value=\"10\"")
            && html.contains("name=\"grace_days\" value=\"3\"")
            && html.contains("<option value=\"nao\" selected>Não</option>")
            && html.contains("name=\"fee_allowed\" checked"),
        "{html}"
    );
    let mut fields = contract_form_fields(&html);
    assert_eq!(
        field(&fields, "_csrf"),
        Some(csrf.as_str()),
        "the form carries the token"
    );
    // Only the grace days change.
    set_field(&mut fields, "grace_days", "5");
    let res = sup
        .post(t.url(&format!("/devedores/{maria}/contratos")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let view = t.app.debtor_360(d.id, maria, on).await.unwrap();
    assert_eq!(
        view.contracts
            .iter()
            .filter(|k| k.contract.number == "CT-EDIT-1")
            .count(),
        1,
        "the same contract, not a second one"
    );
    let after = recorded(&view);
    assert_eq!(
        (
            after.id,
            after.creditor_id,
            after.kind,
            after.product.as_deref(),
            after.starts_on
        ),
        (
            before.id,
            cred.id,
            before.kind,
            Some("Plano anual"),
            before.starts_on
        )
    );
    assert_eq!(
        after.terms,
        Some(quita_core::contract::ContractTerms {
            grace_days: Some(5),
            ..terms
        })
    );
    // A contract of no one here is the blank form; other creditors are
    // still offered in it.
    let html = page_of(&sup, t.url(&format!("/devedores/{maria}?contrato=999999"))).await;
    assert!(
        html.contains("Registrar contrato e condições")
            && html.contains(&format!(
                "<option value=\"{}\">Aaa Outra</option>",
                other.id
            )),
        "{html}"
    );
    // Agents see no link to the form.
    let agent = client();
    logged_in(t, &agent, &d.email("agent")).await;
    let html = page_of(&agent, t.url(&format!("/devedores/{maria}"))).await;
    assert!(!html.contains("Editar condições"), "{html}");
}

/// What the calculation memories must also say is said once per contract
/// (and once for the receivables under none), naming the receivables, not
/// once per receivable; a fee the contract provides for is information.
async fn memory_notices_are_said_once(t: &TestApp) {
    let e = t.org("epsilon").await;
    let policy = ChargePolicy {
        late_fine: Percent::parse("2").unwrap(),
        default_interest_monthly: Percent::parse("1").unwrap(),
        collection_fee: Percent::parse("10").unwrap(),
        correction: quita_core::charge_policy::CorrectionIndex::Ipca,
        consumer_relation: true,
        ..ChargePolicy::default()
    };
    let cred = t
        .app
        .create_creditor(e.id, "Loja IPCA", "11.222.333/0001-81", &policy, Actor::Cli)
        .await
        .unwrap();
    let row = |contract: &str, n: u8, total: &str, due: &str| {
        format!(
            "529.982.247-25;maria aparecida da silva;;;;;;;{contract};DOC-{contract}{n};{n};{total};;{due};100,00;100,00\n"
        )
    };
    let csv = format!(
        "{HEADER}{}{}{}{}",
        row("CT-AV", 1, "3", "2025-11-15"),
        row("CT-AV", 2, "3", "2025-12-15"),
        row("CT-AV", 3, "3", "2026-01-15"),
        row("", 1, "", "2025-12-20"),
    );
    let out = import(t, e.id, cred.id, &csv).await;
    assert_eq!(out.summary.receivables_created, 4, "{:?}", out.problems);
    // The table stops in 10/2025, long before the page's date.
    t.app
        .store_index_table(e.id, "ipca", "2025-09;0,50\n2025-10;0,40\n", Actor::Cli)
        .await
        .unwrap();
    let target: jiff::Timestamp = "2026-03-15T15:00:00Z".parse().unwrap();
    t.clock.advance(target.duration_since(t.app.now()));
    let maria = t.app.search_debtors(e.id, "maria", 5).await.unwrap()[0].id;
    let sup = client();
    logged_in(t, &sup, &e.email("supervisor")).await;

    // The contract provides for the fee.
    let contract = t
        .app
        .debtor_360(e.id, maria, jiff::civil::date(2026, 3, 15))
        .await
        .unwrap()
        .contracts
        .iter()
        .find(|k| k.contract.number == "CT-AV")
        .map(|k| k.contract.id)
        .unwrap();
    let html = page_of(
        &sup,
        t.url(&format!("/devedores/{maria}?contrato={contract}")),
    )
    .await;
    let mut fields = contract_form_fields(&html);
    set_field(&mut fields, "fee_allowed", "on");
    let res = sup
        .post(t.url(&format!("/devedores/{maria}/contratos")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let html = page_of(&sup, t.url(&format!("/devedores/{maria}"))).await;
    assert_eq!(html.matches("Memória de cálculo").count(), 4, "{html}");
    // The fee: once, as information, not the consumer alert.
    assert!(
        !html.contains("honorários de cobrança só são devidos"),
        "{html}"
    );
    assert_eq!(
        html.matches(
            "<p class=\"notice info-calculo\"><span class=\"tag\">Informação</span> Honorários de cobrança de 10% cobrados porque o contrato os prevê (relação de consumo, CDC art. 51, XII).</p>"
        )
        .count(),
        1,
        "{html}"
    );
    // The table out of date: once for the contract, naming each
    // receivable's months, and once for the receivable under no contract.
    assert_eq!(
        html.matches("A tabela IPCA termina em 10/2025").count(),
        2,
        "{html}"
    );
    assert_eq!(
        html.matches("class=\"notice aviso-calculo\"").count(),
        2,
        "{html}"
    );
    let contract_part = html
        .split(&format!("id=\"contrato-{contract}\""))
        .nth(1)
        .and_then(|r| r.split("</article>").next())
        .unwrap_or_else(|| panic!("{html}"));
    let notice = contract_part
        .split("<p class=\"notice aviso-calculo\">")
        .nth(1)
        .and_then(|r| r.split("</p>").next())
        .unwrap_or_else(|| panic!("{contract_part}"));
    assert!(
        notice.contains("A tabela IPCA termina em 10/2025 e não cobre 11/2025 a 03/2026")
            && notice.contains("Títulos: <a href=\"#titulo-")
            && notice.contains("DOC-CT-AV1 parcela 1/3 (11/2025 a 03/2026)")
            && notice.contains("DOC-CT-AV3 parcela 3/3 (01/2026 a 03/2026)"),
        "{notice}"
    );
    let loose = html
        .split("id=\"titulos\"")
        .nth(1)
        .and_then(|r| r.split("</article>").next())
        .unwrap_or_else(|| panic!("{html}"));
    assert!(
        loose.contains("A tabela IPCA termina em 10/2025 e não cobre 12/2025 a 03/2026")
            && !loose.contains("titulos-do-aviso")
            && !loose.contains("info-calculo"),
        "one receivable: nothing to name; no fee without a contract: {loose}"
    );
}
