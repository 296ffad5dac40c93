//! The importer's write path: ids it numbers itself, inserts of rows it
//! knows are new, and the transaction it runs in.

use jiff::civil::date;
use quita_store::{
    Db, StoreError,
    portfolio::{
        contacts,
        import::{self, IdTable, ImportReceivable},
    },
};

use super::{
    org,
    portfolio::{creditor, debtor, phone, receivable},
    t0,
};

/// Debtors and contracts inserted with reserved ids are found again by
/// their natural keys, only in their own organization or creditor; ids
/// reserved later come after them; contacts known to be new go in as they
/// are, and one given twice refuses the transaction on the unique key; a
/// refused multi-row insert leaves none of its rows once rolled back.
pub async fn import_inserts_with_reserved_ids(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let c = creditor(&db, a.id, "11222333000181").await;

    let mut tx = db.begin_import(a.id).await.unwrap();
    assert!(!import::has_debtors(&mut tx, a.id).await.unwrap());
    assert!(!import::has_contracts(&mut tx, c.id).await.unwrap());
    let ids = import::insert_debtors(
        &mut tx,
        a.id,
        &[debtor("52998224725", "Ana"), debtor("11144477735", "Bia")],
        t0(),
    )
    .await
    .unwrap();
    let (ana, bia) = (ids["52998224725"], ids["11144477735"]);
    assert_ne!(ana, bia);
    let later = import::reserve_ids(&mut tx, IdTable::Debtors, 3)
        .await
        .unwrap();
    assert_eq!(later.len(), 3);
    assert!(later.iter().all(|id| *id > ana.max(bia)));
    assert!(later.windows(2).all(|w| w[0] < w[1]));
    assert!(
        import::reserve_ids(&mut tx, IdTable::Contracts, 0)
            .await
            .unwrap()
            .is_empty()
    );

    let found = import::debtor_ids(
        &mut tx,
        a.id,
        &["52998224725", "11144477735", "00000000191"],
    )
    .await
    .unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found["52998224725"], ana);
    assert!(
        import::debtor_ids(&mut tx, b.id, &["52998224725"])
            .await
            .unwrap()
            .is_empty()
    );
    let names = import::debtor_names(&mut tx, a.id, &["52998224725", "00000000191"])
        .await
        .unwrap();
    assert_eq!(names.len(), 1);
    assert_eq!(names["52998224725"], ("Ana".to_owned(), "ana".to_owned()));
    assert!(
        import::debtor_names(&mut tx, b.id, &["52998224725"])
            .await
            .unwrap()
            .is_empty(),
        "another organization's debtor"
    );

    let contracts = import::insert_contracts(
        &mut tx,
        a.id,
        c.id,
        &[
            ("CT-1".into(), ana, "installment_plan", false),
            ("CT-2".into(), bia, "recurring", true),
        ],
        t0(),
    )
    .await
    .unwrap();
    let found = import::contract_ids(&mut tx, c.id, &["CT-1", "CT-2", "CT-3"])
        .await
        .unwrap();
    assert_eq!(found, contracts);
    assert_eq!((found["CT-1"].1, found["CT-2"].1), (ana, bia));
    // A stored contract keeps its debtor, whoever names it next.
    let again = import::upsert_contracts(
        &mut tx,
        a.id,
        c.id,
        &[("CT-1".into(), bia, "one_off", false)],
        t0(),
    )
    .await
    .unwrap();
    assert_eq!(again["CT-1"], (contracts["CT-1"].0, ana));
    // The fee clause: given at insert (CT-2), granted later only to a
    // contract without terms of its own (CT-1), once.
    let ids = [contracts["CT-1"].0, contracts["CT-2"].0];
    assert_eq!(
        import::grant_fee_clause(&mut tx, &ids, t0()).await.unwrap(),
        1
    );
    assert_eq!(
        import::grant_fee_clause(&mut tx, &ids, t0()).await.unwrap(),
        0
    );
    assert!(import::has_debtors(&mut tx, a.id).await.unwrap());
    assert!(!import::has_debtors(&mut tx, b.id).await.unwrap());
    assert!(import::has_contracts(&mut tx, c.id).await.unwrap());

    let new = [phone(ana, "+5511987654321"), phone(bia, "+5511987654322")];
    assert_eq!(
        contacts::insert_unique(&mut tx, a.id, &new, t0())
            .await
            .unwrap(),
        2
    );
    // The same contacts through the path that tolerates existing ones.
    assert_eq!(
        contacts::insert_new(&mut tx, a.id, &new, t0())
            .await
            .unwrap(),
        0
    );
    let rows = [
        ImportReceivable {
            contract_id: Some(contracts["CT-1"].0),
            ..receivable(ana, "NF-1", 1, date(2026, 10, 1), 10_000)
        },
        ImportReceivable {
            status: "paid",
            open_balance: 0,
            ..receivable(ana, "NF-1", 2, date(2026, 11, 1), 10_000)
        },
        ImportReceivable {
            status: "partially_paid",
            open_balance: 4_000,
            ..receivable(ana, "NF-1", 3, date(2026, 12, 1), 10_000)
        },
    ];
    assert_eq!(
        import::insert_receivables(&mut tx, a.id, c.id, &rows, t0())
            .await
            .unwrap(),
        3
    );
    // Being collected: open or partially paid, this creditor's only.
    assert_eq!(import::collectable_count(&mut tx, c.id).await.unwrap(), 2);
    assert_eq!(
        import::collectable_count(&mut tx, 987_654).await.unwrap(),
        0
    );
    tx.commit().await.unwrap();

    // A contact given twice as new: the unique key refuses it.
    let mut tx = db.begin_import(a.id).await.unwrap();
    let err = contacts::insert_unique(&mut tx, a.id, &new[..1], t0())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);
    // A debtor given as new that exists, after one that is new: refused
    // too, and (SQLite inserts `OR FAIL`, keeping the rows before the
    // failing one) nothing of the statement survives the rollback.
    let mut tx = db.begin_import(a.id).await.unwrap();
    let err = import::insert_debtors(
        &mut tx,
        a.id,
        &[debtor("39053344705", "Caio"), debtor("52998224725", "Ana")],
        t0(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);
    let mut tx = db.begin_import(a.id).await.unwrap();
    let found = import::debtor_ids(&mut tx, a.id, &["39053344705", "52998224725"])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found["52998224725"], ana);
}

/// The import's SQLite connection runs without foreign-key checks and is
/// closed afterwards: every connection the pool hands out later still
/// enforces them, whether the import committed or was dropped.
pub async fn import_transaction_leaves_the_pool_checked(db: Db) {
    let a = org(&db, "alfa").await;
    let tx = db.begin_import(a.id).await.unwrap();
    tx.commit().await.unwrap();
    let tx = db.begin_import(a.id).await.unwrap();
    drop(tx);
    if let Db::Sqlite(pool) = &db {
        // Hold several connections at once so the pool hands out each of them.
        let mut held = Vec::new();
        for _ in 0..4 {
            let mut conn = pool.acquire().await.unwrap();
            let on: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(on, 1);
            held.push(conn);
        }
    }
    // A write through the ordinary path with a dangling reference fails.
    let mut tx = db.begin_write().await.unwrap();
    let err = contacts::insert_new(&mut tx, a.id, &[phone(987_654, "+5511987654321")], t0())
        .await
        .unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("foreign key"),
        "{err}"
    );
}

/// PostgreSQL, as a superuser: with the per-row foreign-key triggers off
/// for a bulk import, a row pointing at a creditor that does not exist is
/// still caught, by the set-wise check before the commit. SQLite (whose
/// import connection checks no keys) refuses it on every other connection.
pub async fn bulk_import_still_checks_outside_keys(db: Db) {
    let a = org(&db, "alfa").await;
    let pg = db.backend() == quita_store::Backend::Postgres;
    let mut tx = if pg {
        db.begin_import(a.id).await.unwrap()
    } else {
        db.begin_write().await.unwrap()
    };
    let deferred = import::defer_indexes(&mut tx).await.unwrap().unwrap();
    let ids = import::insert_debtors(&mut tx, a.id, &[debtor("52998224725", "Ana")], t0())
        .await
        .unwrap();
    let dangling = receivable(ids["52998224725"], "NF-1", 1, date(2026, 10, 1), 10_000);
    let inserted = import::insert_receivables(&mut tx, a.id, 987_654, &[dangling], t0()).await;
    if !pg {
        let err = inserted.unwrap_err();
        assert!(
            err.to_string().to_lowercase().contains("foreign key"),
            "{err}"
        );
        return;
    }
    inserted.unwrap();
    let err = import::rebuild_indexes(&mut tx, deferred)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("receivables_creditor_id_fkey")),
        "{err:?}"
    );
}

/// PostgreSQL: while another transaction uses a portfolio table (here
/// another organization's import), bulk mode is declined at once instead of
/// waiting, which could deadlock, and the import's transaction goes on; once
/// the other commits, it is taken. SQLite's writers take turns: always taken.
pub async fn bulk_mode_never_waits_for_another_transaction(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    if db.backend() == quita_store::Backend::Sqlite {
        let mut tx = db.begin_import(a.id).await.unwrap();
        assert!(import::defer_indexes(&mut tx).await.unwrap().is_some());
        return;
    }
    let mut other = db.begin_import(b.id).await.unwrap();
    import::insert_debtors(&mut other, b.id, &[debtor("11144477735", "Bia")], t0())
        .await
        .unwrap();
    let mut tx = db.begin_import(a.id).await.unwrap();
    import::insert_debtors(&mut tx, a.id, &[debtor("52998224725", "Ana")], t0())
        .await
        .unwrap();
    assert!(import::defer_indexes(&mut tx).await.unwrap().is_none());
    import::insert_debtors(&mut tx, a.id, &[debtor("39053344705", "Caio")], t0())
        .await
        .unwrap();
    other.commit().await.unwrap();
    let deferred = import::defer_indexes(&mut tx)
        .await
        .unwrap()
        .expect("no one else uses the tables now");
    import::rebuild_indexes(&mut tx, deferred).await.unwrap();
    tx.commit().await.unwrap();
    for (org, n) in [(a.id, 2), (b.id, 1)] {
        assert_eq!(
            quita_store::portfolio::debtors::count(&db, org)
                .await
                .unwrap(),
            n
        );
    }
}

/// PostgreSQL: a write by hand that may collide with an import waits for
/// the organization's import, and past its wait is told busy (a retry
/// succeeds) instead of making the import fail on a unique key later;
/// while it waits it holds no pooled connection; another organization's
/// import, or another such write, does not hold it. SQLite: a plain write
/// transaction.
pub async fn hand_writes_wait_for_imports(db: Db) {
    use std::time::Duration;
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let wait = Duration::from_millis(300);
    if db.backend() == quita_store::Backend::Sqlite {
        let tx = db.begin_write_beside_imports(a.id, wait).await.unwrap();
        drop(tx);
        return;
    }
    let import = db.begin_import(a.id).await.unwrap();
    // More waiting writers than the pool has connections: each is told
    // busy, none starves the others of a connection.
    let waiting = (0..12).map(|_| {
        let db = db.clone();
        async move { db.begin_write_beside_imports(a.id, wait).await.map(drop) }
    });
    let handles: Vec<_> = waiting.map(tokio::spawn).collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let read = tokio::time::timeout(Duration::from_millis(200), db.ping()).await;
    assert_eq!(
        read,
        Ok(true),
        "a read meanwhile finds a connection at once"
    );
    for h in handles {
        let err = h.await.unwrap().unwrap_err();
        assert!(matches!(err, quita_store::StoreError::Busy), "{err:?}");
    }
    let elsewhere = db.begin_write_beside_imports(b.id, wait).await.unwrap();
    drop(elsewhere);
    drop(import);
    let first = db.begin_write_beside_imports(a.id, wait).await.unwrap();
    let mut second = db.begin_write_beside_imports(a.id, wait).await.unwrap();
    import::insert_debtors(&mut second, a.id, &[debtor("52998224725", "Ana")], t0())
        .await
        .unwrap();
    second.commit().await.unwrap();
    drop(first);
}

/// PostgreSQL: an import adding contacts to a debtor holds a key-share lock
/// on it until it commits; a change of the debtor's marks meanwhile does
/// not wait for that (it never changes the key), and a write that does
/// wait for a row the import holds ends as busy, not at the statement
/// timeout. SQLite's single writer makes both moot.
pub async fn marks_do_not_wait_for_an_import_referring_to_the_debtor(db: Db) {
    use quita_store::portfolio::debtors;
    use std::time::Duration;
    if db.backend() == quita_store::Backend::Sqlite {
        return;
    }
    let a = org(&db, "alfa").await;
    let mut tx = db.begin_write().await.unwrap();
    let ids = import::insert_debtors(&mut tx, a.id, &[debtor("52998224725", "Ana")], t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let ana = ids["52998224725"];

    let mut importing = db.begin_import(a.id).await.unwrap();
    contacts::insert_unique(&mut importing, a.id, &[phone(ana, "+5511987654321")], t0())
        .await
        .unwrap();
    let mut marks = db.begin_write().await.unwrap();
    let read = tokio::time::timeout(
        Duration::from_secs(3),
        debtors::get_for_update(&mut marks, a.id, ana),
    )
    .await
    .expect("the debtor's marks wait for the import");
    assert_eq!(read.unwrap().id, ana);
    drop(marks);
    // A row the import itself holds: busy after the wait, not the
    // statement timeout's internal error.
    debtors::get_for_update(&mut importing, a.id, ana)
        .await
        .unwrap();
    let mut marks = db.begin_write().await.unwrap();
    let started = std::time::Instant::now();
    let err = debtors::get_for_update(&mut marks, a.id, ana)
        .await
        .unwrap_err();
    assert!(err.is_busy(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(20));
    drop(marks);
    drop(importing);
}

/// After a bulk import (PostgreSQL), the portfolio tables' pages are marked
/// all-visible, so index-only scans read no table pages; on SQLite there is
/// nothing to do.
pub async fn vacuum_after_bulk_marks_pages_visible(db: Db) {
    let a = org(&db, "alfa").await;
    let mut tx = db.begin_import(a.id).await.unwrap();
    let debtors: Vec<_> = (0..500)
        .map(|i| debtor(&format!("{:011}", 10_000_000_000_i64 + i), "Ana"))
        .collect();
    import::insert_debtors(&mut tx, a.id, &debtors, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    import::vacuum_after_bulk(&db).await.unwrap();
    if let Db::Pg(p) = &db {
        let visible: i32 =
            sqlx::query_scalar("SELECT relallvisible FROM pg_class WHERE relname = 'debtors'")
                .fetch_one(p)
                .await
                .unwrap();
        assert!(visible > 0, "{visible}");
    }
}
