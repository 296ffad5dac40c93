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

    let port = free_port();
    let mut driver = Command::new(DRIVER)
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
    let mut client = None;
    for _ in 0..50 {
        let caps = caps.as_object().unwrap().clone();
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let b = client.expect("connect to chromedriver");
    let result = async {
        b.goto(&t.url("/")).await?;
        b.wait().for_element(Locator::Css("input#email")).await?;
        b.find(Locator::Css("input#email"))
            .await?
            .send_keys(admin.email)
            .await?;
        b.find(Locator::Css("input#password"))
            .await?
            .send_keys(admin.password)
            .await?;
        b.find(Locator::XPath("//button[normalize-space()='Entrar']"))
            .await?
            .click()
            .await?;
        let h1 = b.wait().for_element(Locator::Css("main h1")).await?;
        let title = h1.text().await?;
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
