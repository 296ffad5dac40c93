//! A debtor opened while an import holds SQLite's writer is answered at
//! once, its access kept in the spool, then moved into the log once, at its
//! own time.

use std::time::{Duration, Instant};

use quita_app::access_spool::{AccessSpool, SpooledAccess};
use quita_core::role::Role;
use quita_store::{Backend, Db, audit::Actor, portfolio::access::AccessChannel};

use crate::debtor_view::principal;
use crate::import::{GOOD, csv, import, setup};

pub async fn a_debtor_opened_during_an_import_is_recorded_once(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let dir = std::env::temp_dir().join(format!(
        "quita-spool-{}-{}",
        std::process::id(),
        app.now().as_nanosecond()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let spool = AccessSpool::beside(&dir.join("quita.db"));
    let app = app.with_access_spool(spool.clone());
    let agent = principal(org, Role::Agent, 5);
    let supervisor = principal(org, Role::Supervisor, 6);
    let maria = app.search_debtors(org, "maria", 1).await.unwrap()[0].id;
    let on = jiff::civil::date(2026, 11, 23);

    // An import holds the writer.
    let import_tx = db.begin_write().await.unwrap();
    let started = Instant::now();
    let view = app
        .open_debtor_360(&agent, maria, on, AccessChannel::Web)
        .await
        .unwrap();
    assert_eq!(view.debtor.id, maria);
    let sqlite = db.backend() == Backend::Sqlite;
    if sqlite {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert!(spool.is_pending(), "kept in the spool");
    } else {
        assert!(!spool.is_pending(), "PostgreSQL writes beside an import");
    }
    drop(import_tx);

    // The writer is free: the list moves the spool first.
    let log = app
        .debtor_accesses(&supervisor, maria, None, 10)
        .await
        .unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0].actor, log[0].at), (Actor::User(5), app.now()));
    assert!(!spool.is_pending());

    // A move repeated (a crash after the commit, before the spool was
    // emptied) records nothing twice; a byte that is no UTF-8 and a line
    // cut short are dropped, not stopping the rest.
    let again = SpooledAccess::new(org, maria, Actor::User(5), AccessChannel::Api, app.now());
    spool.append(&again).await.unwrap();
    spool.append(&again).await.unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(spool.path())
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"\xc3\n{\"key\":\"cut"))
        .unwrap();
    assert_eq!(spool.drain(&db).await.unwrap(), 1);
    spool.append(&again).await.unwrap();
    assert_eq!(spool.drain(&db).await.unwrap(), 0);
    let log = app
        .debtor_accesses(&supervisor, maria, None, 10)
        .await
        .unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    std::fs::remove_dir_all(&dir).ok();
}
