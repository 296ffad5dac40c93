//! The demo admin logs in through a real headless Chromium and sees the
//! Painel. Needs Debian's `chromium` and `chromium-driver`; skipped when they
//! are absent unless `QUITA_REQUIRE_BROWSER=1` (set by CI).

use std::{process::Stdio, time::Duration};

use fantoccini::{ClientBuilder, Locator};
use quita_store::Db;
use tokio::process::Command;

use crate::support::TestApp;

const DRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

fn browser_available() -> bool {
    let present = std::path::Path::new(DRIVER).exists() && std::path::Path::new(CHROMIUM).exists();
    if !present && std::env::var("QUITA_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("QUITA_REQUIRE_BROWSER=1 but {CHROMIUM} or {DRIVER} is missing");
    }
    present
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn demo_admin_sees_the_painel(db: Db) {
    if !browser_available() {
        eprintln!("skipped: chromium/chromedriver not installed");
        return;
    }
    let t = TestApp::start(db).await;
    let demo = t.app.seed_demo().await.unwrap();
    let admin = &demo.logins[0];

    let (mut driver, b, profile) = start_browser().await;
    let result = async {
        log_in(&b, &t.url("/"), admin.email, admin.password).await?;
        // Wait for the Painel itself: the login page has an h1 too, which
        // goes stale when the next page replaces it.
        b.wait()
            .for_element(Locator::Css("[data-count=users_active]"))
            .await?;
        let title = b.find(Locator::Css("main h1")).await?.text().await?;
        let users = b
            .find(Locator::Css("[data-count=users_active]"))
            .await?
            .text()
            .await?;
        let url = b.current_url().await?;
        Ok::<_, fantoccini::error::CmdError>((title, users, url.path().to_owned()))
    }
    .await;
    let _ = b.close().await;
    let _ = driver.kill().await;
    let _ = std::fs::remove_dir_all(&profile);
    let (title, users, path) = result.expect("browser session");
    assert_eq!(title, "Painel");
    assert_eq!(path, "/painel");
    assert_eq!(users, "4", "the Painel shows the demo's four users");
}

/// Opens `url` (which shows the login form) and submits the credentials.
/// Whether a WebDriver error is a stale element: htmx swapped the part of
/// the page the element was found in (the import status polls every 500 ms).
fn is_stale(e: &fantoccini::error::CmdError) -> bool {
    matches!(e, fantoccini::error::CmdError::Standard(w)
        if w.error == fantoccini::error::ErrorStatus::StaleElementReference)
}

/// The text of the element at `loc`, found again if htmx replaced it.
async fn text_of(
    b: &fantoccini::Client,
    loc: Locator<'_>,
) -> Result<String, fantoccini::error::CmdError> {
    let mut tries = 0;
    loop {
        let r = match b.wait().for_element(loc).await {
            Ok(el) => el.text().await,
            Err(e) => Err(e),
        };
        match r {
            Err(e) if is_stale(&e) && tries < 20 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => return other,
        }
    }
}

/// Clicks the element at `loc`, found again if htmx replaced it.
async fn click_on(
    b: &fantoccini::Client,
    loc: Locator<'_>,
) -> Result<(), fantoccini::error::CmdError> {
    let mut tries = 0;
    loop {
        let r = match b.wait().for_element(loc).await {
            Ok(el) => el.click().await,
            Err(e) => Err(e),
        };
        match r {
            Err(e) if is_stale(&e) && tries < 20 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => return other,
        }
    }
}

async fn log_in(
    b: &fantoccini::Client,
    url: &str,
    email: &str,
    password: &str,
) -> Result<(), fantoccini::error::CmdError> {
    b.goto(url).await?;
    b.wait().for_element(Locator::Css("input#email")).await?;
    b.find(Locator::Css("input#email"))
        .await?
        .send_keys(email)
        .await?;
    b.find(Locator::Css("input#password"))
        .await?
        .send_keys(password)
        .await?;
    b.find(Locator::XPath("//button[normalize-space()='Entrar']"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// chromedriver + a headless Chromium session.
async fn start_browser() -> (
    tokio::process::Child,
    fantoccini::Client,
    std::path::PathBuf,
) {
    let port = free_port();
    let driver = Command::new(DRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    let profile = std::env::temp_dir().join(format!("quita-chromium-{port}"));
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", format!("--user-data-dir={}", profile.display())]
        }
    });
    for _ in 0..50 {
        let caps = caps.as_object().unwrap().clone();
        if let Ok(c) = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            return (driver, c, profile);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("connect to chromedriver");
}

/// With `QUITA_SCREENSHOTS=<dir>`, saves a PNG of the current page there.
async fn shot(b: &fantoccini::Client, name: &str) {
    if let Ok(dir) = std::env::var("QUITA_SCREENSHOTS")
        && b.set_window_size(1280, 2000).await.is_ok()
        && let Ok(png) = b.screenshot().await
    {
        let _ = std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png);
    }
}

/// The sample import file of the docs (or a small one written here).
fn sample_file() -> std::path::PathBuf {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/samples/carteira-exemplo.csv");
    if sample.exists() {
        return sample.canonicalize().unwrap();
    }
    let path = std::env::temp_dir().join(format!("quita-carteira-{}.csv", free_port()));
    std::fs::write(&path, crate::portfolio::good_csv()).unwrap();
    path
}

/// Log in as the demo admin, create a creditor, import a file, see the
/// summary, open the aging, click a bucket, click a debtor, see the 360°.
pub async fn import_aging_and_debtor_flow(db: Db) {
    if !browser_available() {
        eprintln!("skipped: chromium/chromedriver not installed");
        return;
    }
    let t = TestApp::start(db).await;
    let demo = t.app.seed_demo().await.unwrap();
    let admin = &demo.logins[0];
    let file = sample_file();
    let (mut driver, b, profile) = start_browser().await;
    let result = async {
        log_in(&b, &t.url("/entrar"), admin.email, admin.password).await?;
        b.wait()
            .for_element(Locator::Css("[data-count=users_active]"))
            .await?;
        // Carteiras → new creditor.
        b.find(Locator::XPath("//nav//a[normalize-space()='Carteiras']"))
            .await?
            .click()
            .await?;
        b.wait()
            .for_element(Locator::Css("form#nova-carteira"))
            .await?;
        b.find(Locator::Css("form#nova-carteira input[name=name]"))
            .await?
            .send_keys("Loja Exemplo")
            .await?;
        b.find(Locator::Css("form#nova-carteira input[name=document]"))
            .await?
            // Not one of the demo's creditors (a duplicate is refused).
            .send_keys("12.345.678/0001-95")
            .await?;
        b.find(Locator::XPath("//form[@id='nova-carteira']//button"))
            .await?
            .click()
            .await?;
        // The list already has the demo's creditors: wait for the new
        // creditor's row after the redirect and use its own link.
        click_on(
            &b,
            Locator::XPath(
                "//tr[td/a[normalize-space()='Loja Exemplo']]//a[normalize-space()='Importar títulos']",
            ),
        )
        .await?;
        b.wait()
            .for_element(Locator::XPath("//*[contains(normalize-space(), 'Loja Exemplo')]"))
            .await?;
        // Upload the sample; the summary replaces the progress bar.
        b.wait()
            .for_element(Locator::Css("form#form-importar"))
            .await?;
        b.find(Locator::Css("input[type=file]"))
            .await?
            .send_keys(&file.display().to_string())
            .await?;
        b.find(Locator::XPath("//form[@id='form-importar']//button"))
            .await?
            .click()
            .await?;
        b.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#resumo"))
            .await?;
        let heading = text_of(&b, Locator::Css("#resumo")).await?;
        let created = text_of(&b, Locator::Css("[data-k=criados]")).await?;
        // Aging → the first non-empty bucket → the first debtor.
        click_on(
            &b,
            Locator::XPath("//a[normalize-space()='Ver o aging desta carteira']"),
        )
        .await?;
        b.wait().for_element(Locator::Css("svg.chart")).await?;
        shot(&b, "aging").await;
        click_on(
            &b,
            Locator::XPath("//table[@id='aging']/tbody/tr[normalize-space(td[2])!='0'][1]/td[1]/a"),
        )
        .await?;
        b.wait().for_element(Locator::Css("table#faixa")).await?;
        let first_debtor = Locator::Css("table#faixa tbody tr td a");
        let debtor_name = text_of(&b, first_debtor).await?;
        click_on(&b, first_debtor).await?;
        let h1 = text_of(&b, Locator::Css("h1#devedor-nome")).await?;
        // An admin sees the CPF/CNPJ whole (an agent asks for it).
        let masked = text_of(&b, Locator::Css("#documento-completo")).await?;
        shot(&b, "devedor").await;
        let timeline = b
            .find(Locator::XPath("//h2[normalize-space()='Linha do tempo']"))
            .await
            .is_ok();
        let url = b.current_url().await?;
        // Back to the aging → "Aging por devedor" → the most overdue debtor.
        b.back().await?;
        b.back().await?;
        b.wait().for_element(Locator::Css("svg.chart")).await?;
        click_on(&b, Locator::Css("a#aging-por-devedor")).await?;
        b.wait()
            .for_element(Locator::Css("table#aging-por-devedor"))
            .await?;
        shot(&b, "aging-por-devedor").await;
        let count = text_of(&b, Locator::Css("#por-devedor-total")).await?;
        let most_overdue = Locator::Css("table#aging-por-devedor tbody tr td a");
        let top_name = text_of(&b, most_overdue).await?;
        click_on(&b, most_overdue).await?;
        let top_h1 = text_of(&b, Locator::Css("h1#devedor-nome")).await?;
        // Back from one search to the one before: the box shows it again
        // (htmx restores the saved page, whose box held no text).
        b.goto(&t.url("/devedores")).await?;
        let search = b.find(Locator::Css("#busca")).await?;
        search.send_keys("Mar").await?;
        wait_for_address(&b, "q=Mar").await?;
        search.send_keys("ia").await?;
        wait_for_address(&b, "q=Maria").await?;
        b.back().await?;
        wait_for_address(&b, "q=Mar").await?;
        let typed = b
            .execute("return document.getElementById('busca').value", vec![])
            .await?;
        let back_search = typed.as_str().unwrap_or_default().to_owned();
        Ok::<_, fantoccini::error::CmdError>((
            heading,
            created,
            debtor_name,
            h1,
            masked,
            timeline,
            url.path().to_owned(),
            (count, top_name, top_h1, back_search),
        ))
    }
    .await;
    let _ = b.close().await;
    let _ = driver.kill().await;
    let _ = std::fs::remove_dir_all(&profile);
    let (
        heading,
        created,
        debtor_name,
        h1,
        masked,
        timeline,
        path,
        (count, top_name, top_h1, back_search),
    ) = result.expect("browser session");
    assert_eq!(back_search, "Mar", "the box after Back");
    assert!(count.ends_with(" devedores"), "{count}");
    assert_eq!(top_h1, top_name, "the aging by debtor links each debtor");
    assert_eq!(heading, "Importação concluída");
    assert_ne!(created, "0");
    assert_eq!(h1, debtor_name);
    assert!(
        !masked.contains('*') && (masked.contains('-') || masked.contains('/')),
        "{masked}"
    );
    assert!(timeline);
    assert!(path.starts_with("/devedores/"), "{path}");
}

/// Waits (up to 10 s) until the address ends with `query`.
async fn wait_for_address(
    b: &fantoccini::Client,
    query: &str,
) -> Result<(), fantoccini::error::CmdError> {
    for _ in 0..100 {
        if b.current_url().await?.as_str().ends_with(query) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let at = b.current_url().await?;
    panic!("the address is {at}, not …{query}");
}

/// The chart's texts that overlap another one, as `a / b`; rectangles in
/// CSS pixels, touching allowed.
const OVERLAPS: &str = r#"
const boxes = Array.from(document.querySelectorAll('svg.chart text')).map(t => {
  const r = t.getBoundingClientRect();
  return { s: t.textContent, l: r.left, t: r.top, r: r.right, b: r.bottom };
});
const out = [];
for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
  const a = boxes[i], b = boxes[j];
  if (a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5) out.push(a.s + ' / ' + b.s);
}
const svg = document.querySelector('svg.chart').getBoundingClientRect();
for (const a of boxes) if (a.l < svg.left || a.r > svg.right || a.t < svg.top || a.b > svg.bottom) out.push(a.s + ' outside the chart');
return [boxes.length, out];
"#;

/// At a phone's width: whether the page scrolls sideways, the height in
/// CSS pixels of the chart's smallest label (the sideways chart a phone
/// gets instead of the SVG), how many of its labels run out of their box,
/// and how many bars it shows.
const NARROW: &str = r#"
const texts = Array.from(document.querySelectorAll('ol.barras .faixa, ol.barras .valor'));
const heights = texts.map(t => t.getBoundingClientRect().height);
const cut = texts.filter(t => t.scrollWidth > t.clientWidth + 1).length;
const bars = Array.from(document.querySelectorAll('ol.barras .barra'))
  .filter(b => b.getBoundingClientRect().width > 0).length;
return [document.documentElement.scrollWidth > window.innerWidth, Math.min(...heights), cut, bars];
"#;

/// Text running out of its box (the reasons of closed receivables, the
/// timeline's lines, the receivables table beyond its card), and the widest
/// reason in CSS pixels: a long unbroken word wraps instead of stretching
/// its column.
const RUNS_OVER: &str = r#"
const over = Array.from(document.querySelectorAll('.motivo-encerramento, ol.linha-do-tempo li'))
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => (e.className || e.tagName) + ' ' + e.scrollWidth + '>' + e.clientWidth);
if (document.documentElement.scrollWidth > window.innerWidth) over.push('the page scrolls sideways');
document.querySelectorAll('table.titulos').forEach(t => {
  if (t.scrollWidth > t.parentElement.clientWidth + 1) over.push('table.titulos ' + t.scrollWidth + '>' + t.parentElement.clientWidth);
});
const widest = Math.max(...Array.from(document.querySelectorAll('.motivo-encerramento'))
  .map(e => e.getBoundingClientRect().width));
return [over, widest];
"#;

/// One debtor with a receivable in each of 12 buckets (0 to 10 days late
/// and more) on 20/03/2026, amounts that print wide (`R$ 999,9 mil`).
fn twelve_buckets_csv() -> String {
    let mut csv = String::from(
        "documento_devedor;nome_devedor;email;telefones;uf;cidade;cep;endereco;contrato;numero_documento;parcela;total_parcelas;emissao;vencimento;valor;valor_aberto\n",
    );
    let as_of = jiff::civil::date(2026, 3, 20);
    for (i, late) in [-5i64, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 40]
        .into_iter()
        .enumerate()
    {
        let due = as_of - jiff::Span::new().days(late);
        csv.push_str(&format!(
            "529.982.247-25;Maria Aparecida da Silva;;;;;;;;DOC-{i:02};1;;;{due};999949,99;\n"
        ));
    }
    csv
}

/// In Chromium at 1280 px: the aging chart's labels and values do not
/// overlap with 7 or with 12 buckets; the "Encerrar" form asks first (a
/// dismissed question sends nothing), then closes with a notice; a long
/// unbroken reason wraps in the row and in the timeline.
pub async fn chart_and_closing_in_the_browser(db: Db) {
    if !browser_available() {
        eprintln!("skipped: chromium/chromedriver not installed");
        return;
    }
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let cred = crate::portfolio::creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    assert!(
        crate::portfolio::import(&t, a.id, cred.id, &twelve_buckets_csv())
            .await
            .summary
            .applied
    );
    let maria = t.app.search_debtors(a.id, "maria", 5).await.unwrap()[0].id;
    let first = quita_store::portfolio::receivables::list_for_debtor(&t.app.db, a.id, maria)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.document_number == "DOC-00")
        .unwrap();
    let long_reason = "x".repeat(200);
    let (mut driver, b, profile) = start_browser().await;
    let result = async {
        b.set_window_size(1280, 1000).await?;
        log_in(
            &b,
            &t.url("/entrar"),
            &a.email("supervisor"),
            crate::support::PASSWORD,
        )
        .await?;
        b.wait().for_element(Locator::Css("nav")).await?;
        let mut charts = Vec::new();
        // The defaults; 12 buckets with wide values; 12 with wide labels.
        for faixas in [
            "",
            "1,2,3,4,5,6,7,8,9,10",
            "30,60,90,120,150,180,210,240,270,1000",
        ] {
            b.goto(&t.url(&format!(
                "/relatorios/aging?data_base=20%2F03%2F2026&faixas={faixas}"
            )))
            .await?;
            b.wait().for_element(Locator::Css("svg.chart")).await?;
            shot(&b, &format!("aging-{}", charts.len())).await;
            b.set_window_size(1280, 1000).await?;
            charts.push(b.execute(OVERLAPS, vec![]).await?);
        }
        // A phone's width: the page does not scroll sideways and the
        // chart, drawn sideways, keeps its labels readable and whole.
        b.set_window_size(390, 844).await?;
        b.goto(&t.url("/relatorios/aging?data_base=20%2F03%2F2026"))
            .await?;
        b.wait().for_element(Locator::Css("ol.barras")).await?;
        let mut narrow = b.execute(NARROW, vec![]).await?;
        // The carteiras table (a column headed for screen readers only)
        // stays inside its own scroll too.
        b.goto(&t.url("/carteiras")).await?;
        b.wait().for_element(Locator::Css("table")).await?;
        let sideways = b
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth",
                vec![],
            )
            .await?;
        if let Some(all) = narrow.as_array_mut() {
            all.push(sideways);
        }
        b.set_window_size(1280, 1000).await?;

        b.goto(&t.url(&format!("/devedores/{maria}"))).await?;
        let row = format!("//tr[@id='titulo-{}']", first.id);
        click_on(&b, Locator::XPath(&format!("{row}//summary"))).await?;
        b.find(Locator::XPath(&format!("{row}//input[@name='motivo']")))
            .await?
            .send_keys(&long_reason)
            .await?;
        let submit = format!("{row}//button[normalize-space()='Encerrar título']");
        b.find(Locator::XPath(&submit)).await?.click().await?;
        let asked = b.get_alert_text().await?;
        b.dismiss_alert().await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after_no = b.current_url().await?;
        let open_after_no = quita_store::portfolio::receivables::get(&t.app.db, a.id, first.id)
            .await
            .unwrap()
            .status;
        b.find(Locator::XPath(&submit)).await?.click().await?;
        b.accept_alert().await?;
        let notice = text_of(&b, Locator::Css("#titulo-encerrado")).await?;
        let landed = b.current_url().await?;
        shot(&b, "encerrado").await;
        b.set_window_size(1280, 1000).await?;
        let over = b.execute(RUNS_OVER, vec![]).await?;
        Ok::<_, fantoccini::error::CmdError>((
            charts,
            narrow,
            asked,
            after_no,
            open_after_no,
            notice,
            landed,
            over,
        ))
    }
    .await;
    let _ = b.close().await;
    let _ = driver.kill().await;
    let _ = std::fs::remove_dir_all(&profile);
    let (charts, narrow, asked, after_no, open_after_no, notice, landed, over) =
        result.expect("browser session");
    assert_eq!(
        narrow[0],
        serde_json::json!(false),
        "the page scrolls sideways: {narrow}"
    );
    assert!(
        narrow[1].as_f64().unwrap() >= 12.0,
        "chart labels too small: {narrow}"
    );
    assert_eq!(narrow[2], 0, "chart labels cut: {narrow}");
    assert_eq!(narrow[3], 7, "a bar per bucket: {narrow}");
    assert_eq!(narrow[4], false, "/carteiras scrolls sideways: {narrow}");
    for (chart, texts) in charts.iter().zip([14, 24, 24]) {
        assert_eq!(chart[0], texts, "a label and a value per bar: {chart}");
        assert_eq!(chart[1], serde_json::json!([]), "overlapping: {chart}");
    }
    assert!(
        asked.starts_with(&format!("Título {} parcela ", first.document_number))
            && asked.ends_with(
                ": Cancelar (emitido por engano, venda desfeita)? A ação não pode ser desfeita."
            ),
        "{asked}"
    );
    assert_eq!(after_no.path(), format!("/devedores/{maria}"));
    assert_eq!(
        open_after_no,
        quita_core::receivable::ReceivableStatus::Open,
        "a dismissed question sends nothing"
    );
    assert_eq!(notice, "Título DOC-00 parcela 1 encerrado.");
    assert_eq!(
        landed.query(),
        Some(format!("encerrado={}", first.id).as_str())
    );
    assert_eq!(
        landed.fragment(),
        Some(format!("titulo-{}", first.id).as_str())
    );
    assert_eq!(over[0], serde_json::json!([]), "text runs out of its box");
    let widest = over[1].as_f64().unwrap();
    assert!(
        (100.0..400.0).contains(&widest),
        "the reason wraps in its column: {widest}px"
    );
}
