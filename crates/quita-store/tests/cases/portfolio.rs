use jiff::civil::date;
use quita_core::{charge_policy::ChargePolicy, rate::Percent};
use quita_store::{
    Db, StoreError, date_of, day_number,
    portfolio::{
        Keyset,
        aging::{self, AgingScope},
        bucket_lines,
        contacts::{self, NewContact},
        creditors,
        debtors::{self, SearchField},
        import::{self, ImportDebtor, ImportReceivable},
        receivables,
    },
};

use super::{org, t0};

fn policy() -> ChargePolicy {
    ChargePolicy {
        late_fine: Percent::whole(2),
        default_interest_monthly: Percent::whole(1),
        ..ChargePolicy::default()
    }
}

pub(super) async fn creditor(db: &Db, org_id: i64, doc: &str) -> creditors::Creditor {
    let mut tx = db.begin_write().await.unwrap();
    let c = creditors::create(&mut tx, org_id, "Loja", doc, &policy(), t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    c
}

pub(super) fn debtor(doc: &str, name: &str) -> ImportDebtor {
    ImportDebtor {
        document: doc.into(),
        kind: "pf",
        name: name.into(),
        name_key: name.to_lowercase(),
    }
}

/// A new contact as an import brings it (no WhatsApp, not at work).
pub(super) fn contact(debtor_id: i64, kind: &'static str, value: &str) -> NewContact {
    NewContact {
        debtor_id,
        kind,
        value: value.into(),
        whatsapp: false,
        workplace: false,
        uf: None,
        city: None,
        cep: None,
        source: "import:a.csv".into(),
        source_date: t0(),
    }
}

/// A WhatsApp-capable mobile.
pub(super) fn phone(debtor_id: i64, value: &str) -> NewContact {
    NewContact {
        whatsapp: true,
        ..contact(debtor_id, "phone", value)
    }
}

pub(super) fn receivable(
    debtor_id: i64,
    number: &str,
    installment: i64,
    due: jiff::civil::Date,
    amount: i64,
) -> ImportReceivable {
    ImportReceivable {
        debtor_id,
        contract_id: None,
        document_number: number.into(),
        installment,
        installments: Some(3),
        issue_day: None,
        due_day: day_number(due),
        adjusted_due_day: day_number(due),
        original_amount: amount,
        open_balance: amount,
        status: "open",
    }
}

pub async fn creditors_are_scoped_and_unique(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let c = creditor(&db, a.id, "11222333000181").await;
    assert_eq!(c.policy, policy());
    assert_eq!(creditors::get(&db, a.id, c.id).await.unwrap(), c);
    assert!(matches!(
        creditors::get(&db, b.id, c.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        creditors::find_by_document(&db, a.id, "11222333000181")
            .await
            .unwrap(),
        Some(c.clone())
    );
    assert_eq!(
        creditors::find_by_document(&db, b.id, "11222333000181")
            .await
            .unwrap(),
        None
    );
    // Same document in another organization is fine; twice in one is not.
    creditor(&db, b.id, "11222333000181").await;
    let mut tx = db.begin_write().await.unwrap();
    assert!(
        creditors::create(&mut tx, a.id, "Outra", "11222333000181", &policy(), t0())
            .await
            .unwrap_err()
            .is_conflict()
    );
    drop(tx);
    let mut p = policy();
    p.consumer_relation = true;
    p.grace_days = 5;
    let mut tx = db.begin_write().await.unwrap();
    let changed = creditors::update_policy(&mut tx, a.id, c.id, "Loja Nova", &p, t0())
        .await
        .unwrap();
    assert!(matches!(
        creditors::update_policy(&mut tx, b.id, c.id, "x", &p, t0()).await,
        Err(StoreError::NotFound)
    ));
    creditors::put_index_table(&mut tx, a.id, "ipca", "2026-01;0,50", t0())
        .await
        .unwrap();
    creditors::put_index_table(&mut tx, a.id, "ipca", "2026-01;0,42", t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (changed.name.as_str(), changed.policy.grace_days),
        ("Loja Nova", 5)
    );
    assert_eq!(creditors::list(&db, a.id).await.unwrap().len(), 1);
    assert_eq!(
        creditors::index_tables(&db, a.id).await.unwrap(),
        vec![("ipca".to_owned(), "2026-01;0,42".to_owned())]
    );
    assert!(creditors::index_tables(&db, b.id).await.unwrap().is_empty());
    assert_eq!(
        creditors::index_table_rows(&db, a.id).await.unwrap(),
        vec![creditors::IndexTableRow {
            name: "ipca".into(),
            content: "2026-01;0,42".into(),
            updated_at: t0(),
        }]
    );
    assert!(
        creditors::index_table_rows(&db, b.id)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn import_writes_are_idempotent(db: Db) {
    let a = org(&db, "alfa").await;
    let c = creditor(&db, a.id, "11222333000181").await;
    let mut tx = db.begin_write().await.unwrap();
    let ds = [debtor("52998224725", "Ana"), debtor("11144477735", "Bia")];
    let (created, ids) = import::upsert_debtors(&mut tx, a.id, &ds, t0())
        .await
        .unwrap();
    assert_eq!((created.len(), ids.len()), (2, 2));
    let (again, ids2) = import::upsert_debtors(&mut tx, a.id, &ds, t0())
        .await
        .unwrap();
    assert_eq!((again.len(), ids2), (0, ids.clone()));
    let ana = ids["52998224725"];
    let contract = import::upsert_contracts(
        &mut tx,
        a.id,
        c.id,
        &[("CT-1".into(), ana, "installment_plan", false)],
        t0(),
    )
    .await
    .unwrap();
    assert_eq!(
        import::upsert_contracts(
            &mut tx,
            a.id,
            c.id,
            &[("CT-1".into(), ana, "installment_plan", false)],
            t0()
        )
        .await
        .unwrap(),
        contract
    );
    assert_eq!(
        contacts::insert_new(
            &mut tx,
            a.id,
            &[phone(ana, "+5511987654321"), phone(ana, "+5511912345678")],
            t0()
        )
        .await
        .unwrap(),
        2
    );
    assert_eq!(
        contacts::insert_new(&mut tx, a.id, &[phone(ana, "+5511987654321")], t0())
            .await
            .unwrap(),
        0
    );
    let mut r1 = receivable(ana, "NF-1", 1, date(2026, 1, 10), 10_000);
    r1.contract_id = Some(contract["CT-1"].0);
    let rows = vec![
        r1.clone(),
        receivable(ana, "NF-1", 2, date(2026, 2, 10), 10_000),
        receivable(ids["11144477735"], "NF-2", 1, date(2026, 11, 30), 5_050),
    ];
    assert_eq!(
        import::insert_receivables(&mut tx, a.id, c.id, &rows, t0())
            .await
            .unwrap(),
        3
    );
    let keys = vec![
        ("NF-1".to_owned(), 1),
        ("NF-1".to_owned(), 2),
        ("NF-9".to_owned(), 1),
    ];
    let existing = import::existing(&mut tx, c.id, &keys).await.unwrap();
    assert_eq!(existing.len(), 2);
    let stored = &existing[&("NF-1".to_owned(), 1)];
    assert_eq!(
        (stored.due_date, stored.original_amount, stored.contract_id),
        (date(2026, 1, 10), 10_000, r1.contract_id)
    );
    // The natural key refuses a duplicate.
    assert!(
        import::insert_receivables(&mut tx, a.id, c.id, &rows[..1], t0())
            .await
            .is_err()
    );
    drop(tx);

    // The failed statement rolled the whole transaction back: nothing was written.
    assert_eq!(debtors::count(&db, a.id).await.unwrap(), 0);

    let mut tx = db.begin_write().await.unwrap();
    let (_, ids) = import::upsert_debtors(&mut tx, a.id, &ds, t0())
        .await
        .unwrap();
    let ana = ids["52998224725"];
    import::insert_receivables(
        &mut tx,
        a.id,
        c.id,
        &[receivable(ana, "NF-1", 1, date(2026, 1, 10), 10_000)],
        t0(),
    )
    .await
    .unwrap();
    let existing = import::existing(&mut tx, c.id, &[("NF-1".to_owned(), 1)])
        .await
        .unwrap();
    let id = existing[&("NF-1".to_owned(), 1)].id;
    let mut changed = receivable(ana, "NF-1", 1, date(2026, 1, 12), 10_000);
    changed.open_balance = 4_000;
    changed.status = "partially_paid";
    import::update_receivable(&mut tx, id, &changed, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let r = receivables::get(&db, a.id, id).await.unwrap();
    assert_eq!(
        (r.due_date, r.open_balance, r.status.as_str()),
        (date(2026, 1, 12), 4_000, "partially_paid")
    );
    assert_eq!(
        receivables::list_for_debtor(&db, a.id, ana)
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn contacts_keep_invalid_status(db: Db) {
    let a = org(&db, "alfa").await;
    let mut tx = db.begin_write().await.unwrap();
    let (_, ids) = import::upsert_debtors(&mut tx, a.id, &[debtor("52998224725", "Ana")], t0())
        .await
        .unwrap();
    let ana = ids["52998224725"];
    let email = contact(ana, "email", "ana@x.com.br");
    contacts::insert_new(&mut tx, a.id, std::slice::from_ref(&email), t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let listed = contacts::list_for_debtor(&db, a.id, ana).await.unwrap();
    assert_eq!(
        (listed[0].status.as_str(), listed[0].source.as_str()),
        ("unverified", "import:a.csv")
    );
    let mut tx = db.begin_write().await.unwrap();
    contacts::set_status(&mut tx, a.id, listed[0].id, "invalid", Some("bounce"), t0())
        .await
        .unwrap();
    // Enrichment with the same address creates nothing and keeps the bounce.
    let enriched = NewContact {
        source: "enriquecimento:b.csv".into(),
        ..email
    };
    assert_eq!(
        contacts::insert_new(&mut tx, a.id, &[enriched], t0())
            .await
            .unwrap(),
        0
    );
    tx.commit().await.unwrap();
    let listed = contacts::list_for_debtor(&db, a.id, ana).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].status.as_str(),
            listed[0].invalid_reason.as_deref()
        ),
        ("invalid", Some("bounce"))
    );
}

pub async fn search_aging_and_counts(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let c = creditor(&db, a.id, "11222333000181").await;
    let mut tx = db.begin_write().await.unwrap();
    let ds = [
        debtor("52998224725", "joao da silva"),
        debtor("11144477735", "joana prado"),
        debtor("39053344705", "maria"),
    ];
    let (_, ids) = import::upsert_debtors(&mut tx, a.id, &ds, t0())
        .await
        .unwrap();
    let (_, b_ids) =
        import::upsert_debtors(&mut tx, b.id, &[debtor("52998224799", "joaquim")], t0())
            .await
            .unwrap();
    let phone = NewContact {
        debtor_id: ids["39053344705"],
        kind: "phone",
        value: "+5521987654321".into(),
        whatsapp: true,
        workplace: false,
        uf: None,
        city: None,
        cep: None,
        source: "s".into(),
        source_date: t0(),
    };
    contacts::insert_new(&mut tx, a.id, &[phone], t0())
        .await
        .unwrap();
    let rows = vec![
        receivable(ids["52998224725"], "NF-100", 1, date(2026, 11, 1), 10_000),
        receivable(ids["52998224725"], "NF-100", 2, date(2026, 12, 1), 10_000),
        receivable(ids["11144477735"], "BOL-7", 1, date(2026, 11, 1), 2_500),
        ImportReceivable {
            open_balance: 0,
            status: "paid",
            ..receivable(ids["11144477735"], "BOL-6", 1, date(2026, 10, 1), 900)
        },
        ImportReceivable {
            open_balance: 400,
            status: "partially_paid",
            ..receivable(ids["11144477735"], "BOL-5", 1, date(2026, 12, 10), 1_000)
        },
    ];
    import::insert_receivables(&mut tx, a.id, c.id, &rows, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let names = |v: Vec<debtors::DebtorRow>| v.into_iter().map(|d| d.name).collect::<Vec<_>>();
    assert_eq!(
        names(
            debtors::search(&db, a.id, SearchField::Name, "joa", 10)
                .await
                .unwrap()
        ),
        ["joana prado", "joao da silva"]
    );
    assert_eq!(
        names(
            debtors::search(&db, a.id, SearchField::Name, "joao", 10)
                .await
                .unwrap()
        ),
        ["joao da silva"]
    );
    assert!(
        debtors::search(&db, a.id, SearchField::Name, "joaq", 10)
            .await
            .unwrap()
            .is_empty(),
        "other organizations stay out"
    );
    assert_eq!(
        names(
            debtors::search(&db, a.id, SearchField::Document, "5299", 10)
                .await
                .unwrap()
        ),
        ["joao da silva"]
    );
    assert_eq!(
        names(
            debtors::search(&db, a.id, SearchField::Contact, "+552198", 10)
                .await
                .unwrap()
        ),
        ["maria"]
    );
    let local = ["+5511987654321", "+5521987654321", "+5531987654321"].map(String::from);
    let found = debtors::find_by_contact_values(&db, a.id, &local, 10)
        .await
        .unwrap();
    assert_eq!(names(found.debtors), ["maria"]);
    assert!(!found.truncated);
    assert!(
        debtors::find_by_contact_values(&db, b.id, &local, 10)
            .await
            .unwrap()
            .debtors
            .is_empty(),
        "another organization's contacts stay out"
    );
    assert!(
        debtors::find_by_contact_values(&db, a.id, &[], 10)
            .await
            .unwrap()
            .debtors
            .is_empty()
    );
    assert_eq!(
        names(
            debtors::search(&db, a.id, SearchField::DocumentNumber, "BOL", 10)
                .await
                .unwrap()
        ),
        ["joana prado"]
    );
    assert!(
        debtors::search(&db, a.id, SearchField::Name, "%", 10)
            .await
            .unwrap()
            .is_empty(),
        "wildcards are literal"
    );
    assert_eq!(
        debtors::list_page(&db, a.id, None, 2).await.unwrap().len(),
        2
    );

    let groups = aging::groups(&db, a.id, &AgingScope::default())
        .await
        .unwrap();
    let nov = groups
        .iter()
        .find(|g| g.due_day == day_number(date(2026, 11, 1)))
        .unwrap();
    assert_eq!(
        (nov.count, nov.original_amount, nov.open_balance),
        (2, 12_500, 12_500)
    );
    assert_eq!(groups.len(), 3);
    assert_eq!(
        aging::groups(
            &db,
            a.id,
            &AgingScope {
                debtor_id: Some(ids["11144477735"]),
                ..AgingScope::default()
            }
        )
        .await
        .unwrap()
        .len(),
        2
    );
    assert!(
        aging::groups(&db, b.id, &AgingScope::default())
            .await
            .unwrap()
            .is_empty()
    );
    let today = day_number(date(2026, 11, 23));
    let counts = receivables::portfolio_counts(&db, a.id, today)
        .await
        .unwrap();
    assert_eq!(
        counts,
        receivables::PortfolioCounts {
            creditors: 1,
            debtors: 3,
            receivables_open: 4,
            open_balance: 22_900,
            overdue_open: 2,
            overdue_balance: 12_500
        }
    );
    let drill = bucket_lines::bucket_lines(
        &db,
        a.id,
        &AgingScope {
            creditor_id: Some(c.id),
            ..AgingScope::default()
        },
        (today - 30, today - 1),
        Keyset::START,
        10,
    )
    .await
    .unwrap();
    assert_eq!(drill.len(), 2);
    assert!(
        drill
            .iter()
            .all(|l| l.debtor_document == "11144477735" || l.debtor_document == "52998224725"),
        "{drill:?}"
    );
    assert!(
        drill
            .iter()
            .all(|l| ids[&l.debtor_document] == l.receivable.debtor_id)
    );
    assert!(
        bucket_lines::bucket_lines(
            &db,
            a.id,
            &AgingScope::default(),
            (today - 30, today - 1),
            Keyset::After(drill[1].receivable.id),
            10
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert_eq!(date_of(day_number(date(2024, 2, 29))), date(2024, 2, 29));

    // What each creditor holds: collectable receivables of both statuses
    // together; another organization's are absent.
    assert_eq!(
        receivables::open_by_creditor(&db, a.id).await.unwrap(),
        [(c.id, 4, 22_900)]
    );
    assert!(
        receivables::open_by_creditor(&db, b.id)
            .await
            .unwrap()
            .is_empty()
    );

    // What each listed debtor owes: collectable receivables only; a debtor
    // with none, and another organization's, are absent.
    let mut open = receivables::open_by_debtor(
        &db,
        a.id,
        &[
            ids["52998224725"],
            ids["11144477735"],
            ids["39053344705"],
            b_ids["52998224799"],
        ],
    )
    .await
    .unwrap();
    open.sort_by_key(|o| o.debtor_id);
    let mut expected = vec![
        receivables::DebtorOpen {
            debtor_id: ids["52998224725"],
            count: 2,
            open_balance: 20_000,
            oldest_adjusted_due: date(2026, 11, 1),
        },
        receivables::DebtorOpen {
            debtor_id: ids["11144477735"],
            count: 2,
            open_balance: 2_900,
            oldest_adjusted_due: date(2026, 11, 1),
        },
    ];
    expected.sort_by_key(|o| o.debtor_id);
    assert_eq!(open, expected);
    assert!(
        receivables::open_by_debtor(&db, a.id, &[])
            .await
            .unwrap()
            .is_empty()
    );
}

/// The bulk-import helpers: deferring the secondary indexes (and the
/// foreign keys between portfolio tables, on PostgreSQL) and building them
/// again leaves the schema exactly as the migrations made it; a
/// rollback without rebuilding restores them too. Aging groups of the same
/// (creditor, due date) in two statuses come back as one group, with each
/// filter alone or both.
pub async fn bulk_import_helpers_keep_the_schema(db: Db) {
    let a = org(&db, "alfa").await;
    let c = creditor(&db, a.id, "11222333000181").await;
    let schema = |db: Db| async move {
        match &db {
            Db::Sqlite(p) => sqlx::query_as::<_, (String, String)>(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
            )
            .fetch_all(p)
            .await
            .unwrap(),
            Db::Pg(p) => sqlx::query_as::<_, (String, String)>(
                "SELECT indexname::TEXT, indexdef FROM pg_indexes WHERE schemaname = current_schema() \
                 UNION ALL SELECT conname::TEXT, pg_get_constraintdef(oid) FROM pg_constraint \
                 WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY 1",
            )
            .fetch_all(p)
            .await
            .unwrap(),
        }
    };
    let before = schema(db.clone()).await;
    assert!(before.iter().any(|(n, _)| n == "receivables_aging"));
    if db.backend() == quita_store::Backend::Postgres {
        assert!(
            before
                .iter()
                .any(|(n, _)| n == "receivables_debtor_id_fkey")
        );
    }

    let mut tx = db.begin_write().await.unwrap();
    import::prepare_bulk(&mut tx).await.unwrap();
    assert!(!import::has_receivables(&mut tx, c.id).await.unwrap());
    assert_eq!(import::receivables_high_water(&mut tx).await.unwrap(), 0);
    let deferred = import::defer_indexes(&mut tx).await.unwrap().unwrap();
    let (_, ids) = import::upsert_debtors(&mut tx, a.id, &[debtor("52998224725", "Ana")], t0())
        .await
        .unwrap();
    let ana = ids["52998224725"];
    let mut rows = vec![
        receivable(ana, "NF-1", 1, date(2026, 10, 1), 10_000),
        receivable(ana, "NF-1", 2, date(2026, 10, 1), 5_000),
        receivable(ana, "NF-2", 1, date(2026, 11, 2), 7_000),
    ];
    rows[1].status = "partially_paid";
    rows[1].open_balance = 2_000;
    assert_eq!(
        import::insert_receivables(&mut tx, a.id, c.id, &rows, t0())
            .await
            .unwrap(),
        3
    );
    assert!(import::has_receivables(&mut tx, c.id).await.unwrap());
    assert!(import::receivables_high_water(&mut tx).await.unwrap() >= 3);
    import::rebuild_indexes(&mut tx, deferred).await.unwrap();
    import::analyze_after_bulk(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        schema(db.clone()).await,
        before,
        "indexes rebuilt as defined"
    );

    // Deferred, then rolled back: the indexes are all still there.
    let mut tx = db.begin_write().await.unwrap();
    assert!(import::defer_indexes(&mut tx).await.unwrap().is_some());
    drop(tx);
    assert_eq!(schema(db.clone()).await, before);

    // One group for 2026-10-01 although its rows have two statuses.
    let all = aging::groups(&db, a.id, &AgingScope::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let oct = all
        .iter()
        .find(|g| g.due_day == day_number(date(2026, 10, 1)))
        .unwrap();
    assert_eq!(
        (oct.count, oct.original_amount, oct.open_balance),
        (2, 15_000, 12_000)
    );
    for (cred, debt, groups) in [
        (Some(c.id), None, 2),
        (None, Some(ana), 2),
        (Some(c.id), Some(ana), 2),
        (Some(c.id + 1000), None, 0),
        (None, Some(ana + 1000), 0),
    ] {
        assert_eq!(
            aging::groups(
                &db,
                a.id,
                &AgingScope {
                    creditor_id: cred,
                    debtor_id: debt,
                    issued_by: None,
                    closed_since: None
                }
            )
            .await
            .unwrap()
            .len(),
            groups,
            "creditor {cred:?} debtor {debt:?}"
        );
    }
}

/// Aging groups of contracts with their own terms: only those contracts'
/// collectable receivables, by contract and due date, with each filter.
pub async fn aging_groups_of_contracts_with_terms(db: Db) {
    use quita_core::contract::{ContractKind, ContractTerms};
    use quita_store::portfolio::contracts::{self, NewContract};
    // SQLite reads each contract's receivables by its debtor, whatever the
    // filters (by the organization's open receivables it took minutes),
    // also once a bulk import has built the indexes again in another order
    // (without statistics, SQLite then preferred `receivables_aging`).
    if let Db::Sqlite(pool) = &db {
        let mut tx = db.begin_write().await.unwrap();
        let deferred = import::defer_indexes(&mut tx).await.unwrap().unwrap();
        import::rebuild_indexes(&mut tx, deferred).await.unwrap();
        tx.commit().await.unwrap();
        for scope in [
            AgingScope::default(),
            AgingScope {
                creditor_id: Some(1),
                issued_by: Some(20_000),
                ..AgingScope::default()
            },
        ] {
            let sql = format!(
                "EXPLAIN QUERY PLAN {}",
                aging::contract_groups_sql(&db, &scope)
            );
            let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await
                .unwrap();
            assert!(
                plan.iter().any(|p| p.3.contains("receivables_debtor")),
                "{plan:?}"
            );
        }
    }
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let c = creditor(&db, a.id, "11222333000181").await;
    let mut tx = db.begin_write().await.unwrap();
    let (_, ids) = import::upsert_debtors(
        &mut tx,
        a.id,
        &[debtor("52998224725", "Ana"), debtor("11144477735", "Bia")],
        t0(),
    )
    .await
    .unwrap();
    let (ana, bia) = (ids["52998224725"], ids["11144477735"]);
    let terms = ContractTerms {
        default_interest_monthly: Some(Percent::whole(3)),
        ..ContractTerms::default()
    };
    let contract = |debtor_id: i64, number: &str, terms: Option<ContractTerms>| NewContract {
        creditor_id: c.id,
        debtor_id,
        number: number.into(),
        kind: ContractKind::InstallmentPlan,
        product: None,
        starts_on: None,
        terms,
    };
    let with = contracts::upsert(
        &mut tx,
        a.id,
        &contract(ana, "CT-A", Some(terms.clone())),
        t0(),
    )
    .await
    .unwrap();
    let without = contracts::upsert(&mut tx, a.id, &contract(bia, "CT-B", None), t0())
        .await
        .unwrap();
    let mut rows = vec![
        receivable(ana, "NF-1", 1, date(2026, 10, 1), 10_000),
        receivable(ana, "NF-1", 2, date(2026, 11, 1), 5_000),
        receivable(ana, "NF-1", 3, date(2026, 11, 1), 6_000),
        receivable(bia, "NF-2", 1, date(2026, 10, 1), 7_000),
    ];
    rows[0].contract_id = Some(with.id);
    rows[1].contract_id = Some(with.id);
    rows[2].contract_id = Some(with.id);
    rows[2].status = "paid";
    rows[2].open_balance = 0;
    rows[3].contract_id = Some(without.id);
    rows[1].issue_day = Some(day_number(date(2026, 10, 20)));
    rows[3].issue_day = Some(day_number(date(2026, 9, 1)));
    import::insert_receivables(&mut tx, a.id, c.id, &rows, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut groups = aging::contract_groups(&db, a.id, &AgingScope::default())
        .await
        .unwrap();
    groups.sort_by_key(|g| g.group.due_day);
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(
        groups
            .iter()
            .all(|g| g.contract_id == with.id && g.terms == terms)
    );
    assert_eq!(
        (groups[0].group.count, groups[0].group.open_balance),
        (1, 10_000)
    );
    assert_eq!(
        (
            groups[1].group.due_day,
            groups[1].group.count,
            groups[1].group.original_amount
        ),
        (day_number(date(2026, 11, 1)), 1, 5_000),
        "the paid one is not collectable"
    );
    for (cred, debt, n) in [
        (Some(c.id), None, 2),
        (None, Some(ana), 2),
        (None, Some(bia), 0),
        (Some(c.id), Some(ana), 2),
    ] {
        assert_eq!(
            aging::contract_groups(
                &db,
                a.id,
                &AgingScope {
                    creditor_id: cred,
                    debtor_id: debt,
                    issued_by: None,
                    closed_since: None
                }
            )
            .await
            .unwrap()
            .len(),
            n,
            "creditor {cred:?} debtor {debt:?}"
        );
    }
    // An aging at a past date leaves out what was issued after it; a
    // receivable with no issue date stays.
    let issued_by = |d| AgingScope {
        issued_by: Some(day_number(d)),
        ..AgingScope::default()
    };
    for (by, contract_groups, groups, drilled) in [
        (date(2026, 10, 19), 1, 1, 2),
        (date(2026, 10, 20), 2, 2, 3),
        (date(2026, 8, 31), 1, 1, 1),
    ] {
        assert_eq!(
            aging::contract_groups(&db, a.id, &issued_by(by))
                .await
                .unwrap()
                .len(),
            contract_groups,
            "contract groups issued by {by}"
        );
        let all = aging::groups(&db, a.id, &issued_by(by)).await.unwrap();
        assert_eq!(all.len(), groups, "groups issued by {by}");
        let drill = bucket_lines::bucket_lines(
            &db,
            a.id,
            &issued_by(by),
            (i64::MIN / 4, i64::MAX / 4),
            Keyset::START,
            10,
        )
        .await
        .unwrap();
        assert_eq!(drill.len(), drilled, "drill-down issued by {by}");
    }
    let bias = bucket_lines::bucket_lines(
        &db,
        a.id,
        &AgingScope {
            creditor_id: Some(c.id),
            debtor_id: Some(bia),
            issued_by: Some(day_number(date(2026, 12, 31))),
            closed_since: None,
        },
        (i64::MIN / 4, i64::MAX / 4),
        Keyset::START,
        10,
    )
    .await
    .unwrap();
    assert_eq!(
        bias.iter()
            .map(|l| (
                l.receivable.debtor_id,
                l.debtor_name.as_str(),
                l.contract_number.as_deref(),
                l.contract_terms.is_some()
            ))
            .collect::<Vec<_>>(),
        [(bia, "Bia", Some("CT-B"), false)],
        "the drill-down keeps to the debtor asked for"
    );
    let anas = bucket_lines::bucket_lines(
        &db,
        a.id,
        &AgingScope {
            debtor_id: Some(ana),
            ..AgingScope::default()
        },
        (i64::MIN / 4, i64::MAX / 4),
        Keyset::START,
        10,
    )
    .await
    .unwrap();
    assert_eq!(anas.len(), 2, "the paid one is not collectable");
    assert!(
        anas.iter()
            .all(|l| l.contract_number.as_deref() == Some("CT-A")
                && l.contract_terms.as_ref() == Some(&terms)),
        "{anas:?}"
    );
    assert!(
        aging::contract_groups(&db, b.id, &AgingScope::default())
            .await
            .unwrap()
            .is_empty()
    );
}

/// A receivable closed by hand keeps why and when; only a collectable one
/// closes, once, and only within its organization.
pub async fn receivables_close_once_with_their_reason(db: Db) {
    use quita_core::receivable::ReceivableStatus;
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let c = creditor(&db, a.id, "11222333000181").await;
    let mut tx = db.begin_write().await.unwrap();
    let (_, ids) = import::upsert_debtors(&mut tx, a.id, &[debtor("52998224725", "Ana")], t0())
        .await
        .unwrap();
    let ana = ids["52998224725"];
    let mut rows = vec![
        receivable(ana, "NF-1", 1, date(2026, 10, 1), 10_000),
        receivable(ana, "NF-1", 2, date(2026, 11, 1), 10_000),
    ];
    rows[1].status = "paid";
    rows[1].open_balance = 0;
    import::insert_receivables(&mut tx, a.id, c.id, &rows, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let list = receivables::list_for_debtor(&db, a.id, ana).await.unwrap();
    let (open, paid) = (list[0].id, list[1].id);
    assert!(
        list.iter()
            .all(|r| r.closed_reason.is_none() && r.closed_at.is_none())
    );

    let at = jiff::Timestamp::from_second(1_790_000_000).unwrap();
    let close = |org_id: i64, id: i64, to: ReceivableStatus| {
        let db = db.clone();
        async move {
            let mut tx = db.begin_write().await.unwrap();
            let done = receivables::close(&mut tx, org_id, id, to, "prescrito", at)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            done
        }
    };
    assert!(
        !close(b.id, open, ReceivableStatus::WrittenOff).await,
        "another organization's"
    );
    assert!(
        !close(a.id, paid, ReceivableStatus::WrittenOff).await,
        "a paid one"
    );
    assert!(close(a.id, open, ReceivableStatus::WrittenOff).await);
    assert!(
        !close(a.id, open, ReceivableStatus::Cancelled).await,
        "twice"
    );
    let closed = receivables::get(&db, a.id, open).await.unwrap();
    assert_eq!(closed.status, ReceivableStatus::WrittenOff);
    assert_eq!(closed.closed_reason.as_deref(), Some("prescrito"));
    assert_eq!(closed.closed_at, Some(at));
    assert_eq!(
        receivables::get(&db, a.id, paid)
            .await
            .unwrap()
            .closed_reason,
        None
    );
    assert!(
        aging::groups(&db, a.id, &AgingScope::default())
            .await
            .unwrap()
            .is_empty(),
        "a closed receivable leaves the aging list"
    );
    // At a past date it was still owed if it was closed after that date.
    let since = |ms: i64| AgingScope {
        closed_since: Some(ms),
        ..AgingScope::default()
    };
    let at_ms = at.as_millisecond();
    let before = aging::groups(&db, a.id, &since(at_ms)).await.unwrap();
    assert_eq!(
        before
            .iter()
            .map(|g| (g.count, g.open_balance))
            .collect::<Vec<_>>(),
        [(1, 10_000)],
        "closed at the instant asked: still counted"
    );
    assert!(
        aging::groups(&db, a.id, &since(at_ms + 1))
            .await
            .unwrap()
            .is_empty()
    );
    let drilled = |ms: i64| {
        let db = db.clone();
        async move {
            bucket_lines::bucket_lines(
                &db,
                a.id,
                &since(ms),
                (i64::MIN / 4, i64::MAX / 4),
                Keyset::START,
                10,
            )
            .await
            .unwrap()
            .len()
        }
    };
    assert_eq!((drilled(at_ms).await, drilled(at_ms + 1).await), (1, 0));
    assert!(
        aging::groups(&db, b.id, &since(0))
            .await
            .unwrap()
            .is_empty(),
        "never another organization's"
    );
}

/// A large aging is read in parts at once on SQLite (open before and from a
/// sampled point, partly paid): the same groups as one query, on every
/// scope that splits, with other statuses, creditors and organizations
/// around.
pub async fn aging_read_in_parts_equals_whole(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let c1 = creditor(&db, a.id, "11222333000181").await;
    let c2 = creditor(&db, a.id, "34028316000103").await;
    let cb = creditor(&db, b.id, "11222333000181").await;
    let mut tx = db.begin_write().await.unwrap();
    let (_, ids) = import::upsert_debtors(&mut tx, a.id, &[debtor("52998224725", "Ana")], t0())
        .await
        .unwrap();
    let ana = ids["52998224725"];
    let (_, ids) = import::upsert_debtors(&mut tx, b.id, &[debtor("52998224725", "Ana")], t0())
        .await
        .unwrap();
    let b_ana = ids["52998224725"];
    let statuses = [
        "open",
        "open",
        "open",
        "partially_paid",
        "paid",
        "cancelled",
    ];
    for (creditor_id, debtor_id, org_id) in
        [(c1.id, ana, a.id), (c2.id, ana, a.id), (cb.id, b_ana, b.id)]
    {
        let rows: Vec<ImportReceivable> = (0..240)
            .map(|i: i64| {
                let due = date(2025, 1, 1)
                    .checked_add(jiff::Span::new().days((i * 37) % 700))
                    .unwrap();
                let mut r = receivable(debtor_id, &format!("T-{i}"), 1 + i % 3, due, 1_000 + i);
                r.status = statuses[(i % 6) as usize];
                if r.status == "partially_paid" {
                    r.open_balance = 500;
                }
                r
            })
            .collect();
        import::insert_receivables(&mut tx, org_id, creditor_id, &rows, t0())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    for scope in [
        AgingScope::default(),
        AgingScope {
            creditor_id: Some(c2.id),
            ..AgingScope::default()
        },
    ] {
        assert_eq!(
            aging::split_point(&db, a.id, &scope, 0)
                .await
                .unwrap()
                .is_some(),
            db.backend() == quita_store::Backend::Sqlite,
            "{scope:?}: splits on SQLite only"
        );
        let parts = aging::groups_split_above(&db, a.id, &scope, 0)
            .await
            .unwrap();
        let whole = aging::groups_split_above(&db, a.id, &scope, u64::MAX)
            .await
            .unwrap();
        assert_eq!(parts, whole, "{scope:?}");
        let count: i64 = whole.iter().map(|g| g.count).sum();
        let creditors = if scope.creditor_id.is_some() { 1 } else { 2 };
        assert_eq!(
            count,
            160 * creditors,
            "{scope:?}: open and partly paid only"
        );
        assert!(
            whole
                .windows(2)
                .all(|w| (w[0].creditor_id, w[0].due_day) < (w[1].creditor_id, w[1].due_day))
        );
    }
    // Too few to split by default; a debtor's aging never splits.
    assert!(
        aging::split_point(&db, a.id, &AgingScope::default(), aging::SPLIT_ABOVE)
            .await
            .unwrap()
            .is_none()
    );
    let ana_scope = AgingScope {
        debtor_id: Some(ana),
        ..AgingScope::default()
    };
    assert!(
        aging::split_point(&db, a.id, &ana_scope, 0)
            .await
            .unwrap()
            .is_none()
    );
}

/// A bucket walked forward by pages, then backward from each page ("Anterior"),
/// gives the same pages; `Before(0)` is its last page; another
/// organization's receivable as a cursor gives an empty page.
pub async fn bucket_pages_walk_both_ways(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let c = creditor(&db, a.id, "11222333000181").await;
    let cb = creditor(&db, b.id, "11222333000181").await;
    let mut tx = db.begin_write().await.unwrap();
    let (_, ids) = import::upsert_debtors(&mut tx, a.id, &[debtor("52998224725", "ana")], t0())
        .await
        .unwrap();
    let (_, b_ids) = import::upsert_debtors(&mut tx, b.id, &[debtor("52998224725", "bia")], t0())
        .await
        .unwrap();
    // Seven receivables on four days (several on one day: the id breaks ties),
    // one outside the range.
    let rows: Vec<ImportReceivable> = [1, 1, 1, 2, 3, 3, 4, 30]
        .iter()
        .enumerate()
        .map(|(i, day)| {
            receivable(
                ids["52998224725"],
                &format!("NF-{i}"),
                1,
                date(2026, 10, *day),
                100,
            )
        })
        .collect();
    import::insert_receivables(&mut tx, a.id, c.id, &rows, t0())
        .await
        .unwrap();
    import::insert_receivables(
        &mut tx,
        b.id,
        cb.id,
        &[receivable(
            b_ids["52998224725"],
            "NF-B",
            1,
            date(2026, 10, 2),
            100,
        )],
        t0(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let range = (day_number(date(2026, 10, 1)), day_number(date(2026, 10, 4)));
    let scope = AgingScope::default();
    let ids_of =
        |v: Vec<bucket_lines::BucketLine>| v.iter().map(|l| l.receivable.id).collect::<Vec<_>>();
    let page = |cursor| {
        let db = db.clone();
        async move {
            ids_of(
                bucket_lines::bucket_lines(&db, a.id, &scope, range, cursor, 3)
                    .await
                    .unwrap(),
            )
        }
    };
    let mut pages = Vec::new();
    let mut cursor = Keyset::START;
    loop {
        let p = page(cursor).await;
        let Some(&last) = p.last() else { break };
        cursor = Keyset::After(last);
        pages.push(p);
    }
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    let walked: Vec<i64> = pages.concat();
    let whole = page(Keyset::START).await;
    assert_eq!(whole, walked[..3]);
    for pair in pages.windows(2) {
        assert_eq!(page(Keyset::Before(pair[1][0])).await, pair[0]);
    }
    assert!(page(Keyset::Before(pages[0][0])).await.is_empty());
    assert_eq!(page(Keyset::Before(0)).await, walked[walked.len() - 3..]);
    let other = ids_of(
        bucket_lines::bucket_lines(&db, b.id, &scope, range, Keyset::START, 3)
            .await
            .unwrap(),
    );
    assert_eq!(other.len(), 1);
    assert!(page(Keyset::Before(other[0])).await.is_empty());
    assert!(page(Keyset::After(other[0])).await.is_empty());
    assert!(page(Keyset::After(987_654)).await.is_empty());
}
