//! Imports started from the pages outlive the server that ran them: their
//! page, their report and the recent lists are served from the record
//! after a restart; one on record as running that no process holds is
//! shown as not finished, or as written when its transaction committed.

use std::time::Duration;

use quita_app::{
    auth::Principal,
    portfolio::{
        import::{FileKind, ImportOptions},
        import_runs::{ImportKind, RunStart, RunState},
    },
};
use quita_core::role::Role;
use quita_store::{Db, audit::Actor};
use reqwest::{Client, StatusCode};

use crate::{
    portfolio::{bad_csv, creditor, good_csv, upload},
    support::{TestApp, client, logged_in},
};

async fn get(c: &Client, t: &TestApp, path: &str) -> (StatusCode, String) {
    let res = c.get(t.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

fn title_of(html: &str) -> String {
    let at = html.find("<title>").expect("a title") + "<title>".len();
    html[at..].split("</title>").next().unwrap().to_owned()
}

fn supervisor(org_id: i64) -> Principal {
    Principal {
        role: Role::Supervisor,
        ..Principal::cli(org_id)
    }
}

/// Waits for the import's end to be on record (written just after the
/// page shows it, from the task that ran it).
async fn ended_on_record(t: &TestApp, org_id: i64, id: &str) {
    for _ in 0..200 {
        let run = t.app.import_run(&supervisor(org_id), id).await.unwrap();
        if let Some(run) = run
            && !matches!(run.state, RunState::Running)
        {
            assert!(run.applied_at.is_some(), "{run:?}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the end of import {id} was never recorded");
}

pub async fn imports_outlive_a_restart(db: Db) {
    let first = TestApp::start(db.clone()).await;
    let a = first.org("alfa").await;
    let b = first.org("beta").await;
    let cred = creditor(&first, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    let c = client();
    let csrf = logged_in(&first, &c, &a.email("supervisor")).await;
    let (path, fragment) = upload(&first, &c, &csrf, cred.id, &bad_csv(), true).await;
    assert!(
        fragment.contains("Importação concluída, sem as linhas com erro"),
        "{fragment}"
    );
    // The fragment that ends the polling retitles the page and fills its
    // live region, once.
    let title = title_of(&fragment);
    assert!(
        title.starts_with("carteira.csv — Aplicada em parte (") && title.ends_with(" · Quita"),
        "{title}"
    );
    assert!(
        fragment.contains("hx-swap-oob=\"innerHTML\"")
            && fragment.contains("Importação de carteira.csv: Aplicada em parte ("),
        "{fragment}"
    );
    let id = path.trim_start_matches("/importacoes/").to_owned();
    let (status, page) = get(&c, &first, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(title_of(&page), title);
    assert!(
        page.contains("id=\"importacao-anuncio\" role=\"status\" aria-live=\"polite\""),
        "{page}"
    );
    let report = c
        .get(first.url(&format!("{path}/erros.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), StatusCode::OK);
    let disposition = report.headers()["content-disposition"].clone();
    let report = report.bytes().await.unwrap();
    assert!(report.starts_with("\u{feff}linha;coluna;valor;motivo".as_bytes()));
    // Live and on record: listed once.
    ended_on_record(&first, a.id, &id).await;
    let form = format!("/carteiras/{}/importar", cred.id);
    let (_, list) = get(&c, &first, &form).await;
    let link = format!("href=\"/importacoes/{id}\"");
    assert_eq!(list.matches(&link).count(), 1, "{list}");

    // A restart: a new server over the same database, its memory empty.
    drop(first);
    let t = TestApp::start(db).await;
    let c = client();
    logged_in(&t, &c, &a.email("supervisor")).await;
    let (status, page) = get(&c, &t, &path).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("Importação concluída, sem as linhas com erro")
            && page.contains("data-k=\"criados\">2<")
            && page.contains("data-k=\"linhas\">3<")
            && page.contains("Carteira Loja Boa Vista")
            && page.contains("aplica só as linhas válidas"),
        "{page}"
    );
    assert_eq!(title_of(&page), title);
    assert!(page.contains("id=\"problemas\"") && page.contains("111.111.111-11"));
    let (status, fragment) = get(&c, &t, &format!("{path}/progresso")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!fragment.contains("every 500ms"), "{fragment}");
    let again = c
        .get(t.url(&format!("{path}/erros.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["content-disposition"], disposition);
    assert_eq!(again.bytes().await.unwrap(), report, "the same report");
    let (_, list) = get(&c, &t, &form).await;
    assert_eq!(list.matches(&link).count(), 1, "{list}");
    assert!(list.contains("<td>Aplicada em parte ("), "{list}");

    // Another organization's import is not found, on record either.
    let other = client();
    logged_in(&t, &other, &b.email("supervisor")).await;
    for p in [
        path.clone(),
        format!("{path}/progresso"),
        format!("{path}/erros.csv"),
    ] {
        let (status, _) = get(&other, &t, &p).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    }
    // Nor by an agent of the same one.
    let agent = client();
    logged_in(&t, &agent, &a.email("agent")).await;
    let (status, _) = get(&agent, &t, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

pub async fn unfinished_imports_say_what_is_known(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let b = t.org("beta").await;
    let cred = creditor(&t, a.id, "Loja Boa Vista", "11.222.333/0001-81").await;
    let start = |id: &'static str, file_name: &'static str| RunStart {
        id,
        kind: ImportKind::Receivables,
        creditor_id: Some(cred.id),
        label: "Loja Boa Vista",
        file_name,
        partial: false,
        started_at: t.app.now(),
    };
    // Started, and its process stopped before anything was written.
    let lost = "0123456789abcdef0123456789abcdef";
    t.app
        .record_import_start(a.id, &start(lost, "perdida.csv"))
        .await
        .unwrap();
    // Written (its transaction committed), its end never recorded.
    let written = "fedcba9876543210fedcba9876543210";
    t.app
        .record_import_start(a.id, &start(written, "gravada.csv"))
        .await
        .unwrap();
    let opts = ImportOptions {
        reversals: Default::default(),
        run: Some(written.to_owned()),
        partial: false,
        source: "teste".into(),
    };
    let out = t
        .app
        .import_receivables(
            a.id,
            cred.id,
            FileKind::Csv,
            std::io::Cursor::new(good_csv().into_bytes()),
            &opts,
            Actor::Cli,
            &|_| {},
        )
        .await
        .unwrap();
    assert!(out.summary.applied, "{:?}", out.problems);
    let contacts = "00112233445566778899aabbccddeeff";
    t.app
        .record_import_start(
            a.id,
            &RunStart {
                kind: ImportKind::Contacts,
                creditor_id: None,
                label: "bureau",
                ..start(contacts, "contatos.csv")
            },
        )
        .await
        .unwrap();

    let c = client();
    logged_in(&t, &c, &a.email("supervisor")).await;
    let (status, page) = get(&c, &t, &format!("/importacoes/{lost}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("Não concluída neste servidor: ele foi reiniciado durante a importação, ou ela corre em outra instância. Uma importação interrompida não grava nada (tudo numa só transação); envie o arquivo de novo se os títulos não aparecerem."),
        "{page}"
    );
    assert!(page.contains("<title>perdida.csv — Não concluída · Quita</title>"));
    assert!(!page.contains("every 500ms"), "not polled: {page}");
    let (status, fragment) = get(&c, &t, &format!("/importacoes/{lost}/progresso")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !fragment.contains("every 500ms") && fragment.contains("Não concluída neste servidor"),
        "{fragment}"
    );
    let (status, _) = get(&c, &t, &format!("/importacoes/{lost}/erros.csv")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no report without an end");

    // One that another instance runs, and says so (PostgreSQL): shown
    // running, polled, with how far it got; once its beats stop, not
    // finished. SQLite records no beat (one process serves the file).
    t.app.beat_import_run(a.id, lost, 1_500, 40).await.unwrap();
    let (_, page) = get(&c, &t, &format!("/importacoes/{lost}")).await;
    if t.app.db.backend() == quita_store::Backend::Postgres {
        assert!(
            page.contains("every 500ms") && page.contains("id=\"percentual\">40%"),
            "{page}"
        );
        t.clock
            .advance(quita_app::portfolio::import_runs::ALIVE_FOR);
        let (_, page) = get(&c, &t, &format!("/importacoes/{lost}")).await;
        assert!(page.contains("Não concluída neste servidor"), "{page}");
    } else {
        assert!(page.contains("Não concluída neste servidor"), "{page}");
    }

    let (status, page) = get(&c, &t, &format!("/importacoes/{written}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains(
            "Gravada: a importação foi aplicada, mas o servidor parou antes de registrar o resumo."
        ),
        "{page}"
    );
    assert!(page.contains("<title>gravada.csv — Gravada · Quita</title>"));
    assert!(!page.contains("every 500ms"), "{page}");

    let (_, list) = get(&c, &t, &format!("/carteiras/{}/importar", cred.id)).await;
    let row = |id: &str| {
        let at = list
            .find(&format!("href=\"/importacoes/{id}\""))
            .unwrap_or_else(|| panic!("{id} not listed: {list}"));
        list[at..].split("</tr>").next().unwrap().to_owned()
    };
    assert!(row(lost).contains("<td>Não concluída</td>"), "{list}");
    assert!(row(written).contains("<td>Gravada</td>"), "{list}");
    assert!(
        !list.contains(contacts),
        "contacts are listed on their own page"
    );

    let (_, list) = get(&c, &t, "/importacoes/contatos").await;
    assert!(
        list.contains(&format!("href=\"/importacoes/{contacts}\""))
            && list.contains("<td>Não concluída</td>"),
        "{list}"
    );
    assert!(!list.contains(lost), "{list}");
    let (_, page) = get(&c, &t, &format!("/importacoes/{contacts}")).await;
    assert!(
        page.contains("envie o arquivo de novo se os contatos não aparecerem nos devedores")
            && page.contains("fonte bureau"),
        "{page}"
    );

    let other = client();
    logged_in(&t, &other, &b.email("supervisor")).await;
    for id in [lost, written, contacts] {
        let (status, _) = get(&other, &t, &format!("/importacoes/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = get(&other, &t, &format!("/importacoes/{id}/progresso")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (_, list) = get(&other, &t, "/importacoes/contatos").await;
    assert!(!list.contains(contacts), "{list}");
}
