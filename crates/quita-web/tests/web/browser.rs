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
        let masked = text_of(&b, Locator::Css("#documento")).await?;
        shot(&b, "devedor").await;
        let timeline = b
            .find(Locator::XPath("//h2[normalize-space()='Linha do tempo']"))
            .await
            .is_ok();
        let url = b.current_url().await?;
        Ok::<_, fantoccini::error::CmdError>((
            heading,
            created,
            debtor_name,
            h1,
            masked,
            timeline,
            url.path().to_owned(),
        ))
    }
    .await;
    let _ = b.close().await;
    let _ = driver.kill().await;
    let _ = std::fs::remove_dir_all(&profile);
    let (heading, created, debtor_name, h1, masked, timeline, path) =
        result.expect("browser session");
    assert_eq!(heading, "Importação concluída");
    assert_ne!(created, "0");
    assert_eq!(h1, debtor_name);
    assert!(masked.contains("**"), "{masked}");
    assert!(timeline);
    assert!(path.starts_with("/devedores/"), "{path}");
}
