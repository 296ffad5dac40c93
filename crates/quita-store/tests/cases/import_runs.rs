use quita_store::{
    Db,
    import_runs::{self, ImportKind, ImportRun, NewImportRun, RunEnd, RunState},
};

use super::{at, org, portfolio::creditor};

fn new_run<'a>(id: &'a str, org_id: i64, creditor_id: Option<i64>, secs: i64) -> NewImportRun<'a> {
    NewImportRun {
        id,
        org_id,
        kind: if creditor_id.is_some() {
            ImportKind::Receivables
        } else {
            ImportKind::Contacts
        },
        creditor_id,
        label: "Loja",
        file_name: "carteira.csv",
        partial: creditor_id.is_none(),
        started_at: at(secs),
    }
}

pub async fn import_runs_outlive_their_process_and_stay_in_their_org(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let c = creditor(&db, a.id, "11222333000181").await;
    let other = creditor(&db, a.id, "11444777000161").await;

    import_runs::start(&db, &new_run("r1", a.id, Some(c.id), 0))
        .await
        .unwrap();
    import_runs::start(&db, &new_run("r2", a.id, Some(other.id), 1))
        .await
        .unwrap();
    import_runs::start(&db, &new_run("r3", a.id, None, 2))
        .await
        .unwrap();
    import_runs::start(&db, &new_run("r4", a.id, Some(c.id), 3))
        .await
        .unwrap();
    // The same id twice is refused: an id names one import.
    assert!(
        import_runs::start(&db, &new_run("r1", a.id, Some(c.id), 9))
            .await
            .unwrap_err()
            .is_conflict()
    );

    let r1 = import_runs::get(&db, a.id, "r1").await.unwrap().unwrap();
    assert_eq!(
        r1,
        ImportRun {
            id: "r1".into(),
            org_id: a.id,
            kind: ImportKind::Receivables,
            creditor_id: Some(c.id),
            label: "Loja".into(),
            file_name: "carteira.csv".into(),
            partial: false,
            started_at: at(0),
            finished_at: None,
            applied_at: None,
            rows_read: 0,
            percent_read: 0,
            heartbeat_at: None,
            state: RunState::Running,
        }
    );
    assert_eq!(import_runs::get(&db, b.id, "r1").await.unwrap(), None);
    assert_eq!(import_runs::get(&db, a.id, "r9").await.unwrap(), None);

    // A heartbeat says how far it got; another organization's beats nothing.
    assert!(
        import_runs::beat(&db, a.id, "r1", (500, 42), at(2))
            .await
            .unwrap()
    );
    assert!(
        !import_runs::beat(&db, b.id, "r1", (9, 9), at(3))
            .await
            .unwrap()
    );
    let r1 = import_runs::get(&db, a.id, "r1").await.unwrap().unwrap();
    assert_eq!(
        (r1.rows_read, r1.percent_read, r1.heartbeat_at),
        (500, 42, Some(at(2)))
    );
    // Marked applied inside the import's transaction: only when it commits.
    let mut tx = db.begin_write().await.unwrap();
    import_runs::mark_applied(&mut tx, a.id, "r1", at(4))
        .await
        .unwrap();
    import_runs::mark_applied(&mut tx, a.id, "r2", at(4))
        .await
        .unwrap();
    drop(tx);
    let mut tx = db.begin_write().await.unwrap();
    import_runs::mark_applied(&mut tx, a.id, "r1", at(4))
        .await
        .unwrap();
    import_runs::mark_applied(&mut tx, b.id, "r4", at(4))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let applied = |id: &'static str| {
        let db = db.clone();
        async move {
            import_runs::get(&db, a.id, id)
                .await
                .unwrap()
                .unwrap()
                .applied_at
        }
    };
    assert_eq!(
        (
            applied("r1").await,
            applied("r2").await,
            applied("r4").await
        ),
        (Some(at(4)), None, None),
        "rolled back, or another organization's"
    );

    let done = RunEnd::Done {
        rows_read: 3,
        summary: r#"{"rows":3}"#,
        problem_count: 1,
        problems: r#"[{"line":2}]"#,
    };
    // Another organization cannot end it; its own ends it once.
    assert!(
        !import_runs::finish(&db, b.id, "r1", &done, at(5))
            .await
            .unwrap()
    );
    assert!(
        import_runs::finish(&db, a.id, "r1", &done, at(5))
            .await
            .unwrap()
    );
    assert!(
        !import_runs::finish(&db, a.id, "r1", &RunEnd::Failed { reason: "x" }, at(6))
            .await
            .unwrap()
    );
    assert!(
        !import_runs::beat(&db, a.id, "r1", (1, 1), at(6))
            .await
            .unwrap(),
        "an ended run beats no more"
    );
    let r1 = import_runs::get(&db, a.id, "r1").await.unwrap().unwrap();
    assert_eq!(
        (r1.finished_at, r1.rows_read, r1.state),
        (
            Some(at(5)),
            3,
            RunState::Done {
                summary: r#"{"rows":3}"#.into(),
                problem_count: 1
            }
        )
    );
    assert_eq!(
        import_runs::problems(&db, a.id, "r1")
            .await
            .unwrap()
            .as_deref(),
        Some(r#"[{"line":2}]"#)
    );
    assert_eq!(import_runs::problems(&db, b.id, "r1").await.unwrap(), None);
    assert_eq!(import_runs::problems(&db, a.id, "r2").await.unwrap(), None);

    let failed = RunEnd::Failed {
        reason: "erro interno",
    };
    assert!(
        import_runs::finish(&db, a.id, "r2", &failed, at(7))
            .await
            .unwrap()
    );
    assert_eq!(
        import_runs::get(&db, a.id, "r2")
            .await
            .unwrap()
            .unwrap()
            .state,
        RunState::Failed("erro interno".into())
    );

    let ids = |runs: Vec<ImportRun>| runs.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(
            import_runs::recent(&db, a.id, ImportKind::Receivables, Some(c.id), 20)
                .await
                .unwrap()
        ),
        ["r4", "r1"],
        "one creditor's, newest first"
    );
    assert_eq!(
        ids(
            import_runs::recent(&db, a.id, ImportKind::Receivables, None, 20)
                .await
                .unwrap()
        ),
        ["r4", "r2", "r1"]
    );
    assert_eq!(
        ids(
            import_runs::recent(&db, a.id, ImportKind::Contacts, None, 20)
                .await
                .unwrap()
        ),
        ["r3"]
    );
    assert_eq!(
        ids(
            import_runs::recent(&db, a.id, ImportKind::Receivables, None, 1)
                .await
                .unwrap()
        ),
        ["r4"]
    );
    assert!(
        import_runs::recent(&db, b.id, ImportKind::Receivables, None, 20)
            .await
            .unwrap()
            .is_empty()
    );
}
