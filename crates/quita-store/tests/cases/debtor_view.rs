//! The debtor 360° additions: the LGPD access log, contracts with their
//! terms, the keyset list of debtors, and the contact queries the
//! enrichment import uses.

use std::collections::HashSet;

use quita_core::{
    contract::{ContractKind, ContractTerms},
    rate::Percent,
    role::Role,
};
use quita_store::{
    Db, StoreError,
    audit::Actor,
    portfolio::{
        Keyset,
        access::{self, AccessChannel},
        contacts,
        contracts::{self, NewContract},
        creditors, debtors,
        import::{self, ImportDebtor},
    },
};

use super::{at, org, portfolio::contact, t0, user};

async fn debtor_ids(db: &Db, org_id: i64, people: &[(&str, &str)]) -> Vec<i64> {
    let rows: Vec<ImportDebtor> = people
        .iter()
        .map(|(doc, name)| ImportDebtor {
            document: (*doc).into(),
            kind: "pf",
            name: (*name).into(),
            name_key: name.to_lowercase(),
        })
        .collect();
    let mut tx = db.begin_write().await.unwrap();
    let (_, ids) = import::upsert_debtors(&mut tx, org_id, &rows, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    people.iter().map(|(doc, _)| ids[*doc]).collect()
}

/// Maria and José, debtors of `org_id`: their ids.
async fn maria_and_jose(db: &Db, org_id: i64) -> [i64; 2] {
    let ids = debtor_ids(
        db,
        org_id,
        &[("52998224725", "Maria"), ("11144477735", "Jose")],
    )
    .await;
    [ids[0], ids[1]]
}

async fn run_sql(db: &Db, sql: &'static str) -> Result<(), sqlx::Error> {
    match db {
        Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        Db::Pg(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
}

pub async fn debtor_access_is_append_only_and_scoped(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let ana = user(&db, a.id, "ana@alfa.com.br", Role::Supervisor).await;
    let [maria] = debtor_ids(&db, a.id, &[("52998224725", "Maria")]).await[..] else {
        unreachable!()
    };
    let [zeca] = debtor_ids(&db, b.id, &[("52998224725", "Zeca")]).await[..] else {
        unreachable!()
    };
    let mut tx = db.begin_write().await.unwrap();
    access::record(
        &mut tx,
        a.id,
        maria,
        Actor::User(ana.id),
        AccessChannel::Web,
        t0(),
    )
    .await
    .unwrap();
    access::record(
        &mut tx,
        a.id,
        maria,
        Actor::Token(77),
        AccessChannel::Api,
        at(60),
    )
    .await
    .unwrap();
    // Another organization's debtor: nothing is written.
    assert!(matches!(
        access::record(
            &mut tx,
            a.id,
            zeca,
            Actor::User(ana.id),
            AccessChannel::Web,
            t0()
        )
        .await,
        Err(StoreError::NotFound)
    ));
    access::record(&mut tx, b.id, zeca, Actor::Cli, AccessChannel::Api, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let seen = access::list_for_debtor(&db, a.id, maria, None, 10)
        .await
        .unwrap();
    assert_eq!(seen.len(), 2);
    // Newest first, with who, when and how.
    assert_eq!(seen[0].actor, Actor::Token(77));
    assert_eq!(seen[0].channel, AccessChannel::Api);
    assert_eq!(seen[0].at, at(60));
    assert_eq!(seen[0].actor_name, None);
    assert_eq!(seen[1].actor, Actor::User(ana.id));
    assert_eq!(seen[1].actor_name.as_deref(), Some("Fulano"));
    assert_eq!(seen[1].channel, AccessChannel::Web);
    let older = access::list_for_debtor(&db, a.id, maria, Some(seen[0].id), 10)
        .await
        .unwrap();
    assert_eq!(older, seen[1..]);
    // Scoped: beta cannot list alfa's debtor, nor alfa beta's.
    assert!(
        access::list_for_debtor(&db, b.id, maria, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        access::list_for_debtor(&db, a.id, zeca, None, 10)
            .await
            .unwrap()
            .len(),
        0
    );

    assert!(
        run_sql(&db, "UPDATE debtor_access SET channel = 'api'")
            .await
            .is_err(),
        "debtor_access must refuse UPDATE"
    );
    assert!(
        run_sql(&db, "DELETE FROM debtor_access").await.is_err(),
        "debtor_access must refuse DELETE"
    );
    assert_eq!(
        access::list_for_debtor(&db, a.id, maria, None, 10)
            .await
            .unwrap()
            .len(),
        2
    );
}

pub async fn contracts_keep_their_terms(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let mut tx = db.begin_write().await.unwrap();
    let policy = quita_core::charge_policy::ChargePolicy::default();
    let c = creditors::create(&mut tx, a.id, "Loja", "11222333000181", &policy, t0())
        .await
        .unwrap();
    let cb = creditors::create(&mut tx, b.id, "Loja B", "11222333000181", &policy, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let [maria, jose] = maria_and_jose(&db, a.id).await;
    let terms = ContractTerms {
        late_fine: Some(Percent::whole(1)),
        default_interest_monthly: Some(Percent::parse("0,5").unwrap()),
        correction: Some(quita_core::charge_policy::CorrectionIndex::Ipca),
        collection_fee_allowed: true,
        ..ContractTerms::default()
    };
    let new = NewContract {
        creditor_id: c.id,
        debtor_id: maria,
        number: "CT-1".into(),
        kind: ContractKind::InstallmentPlan,
        product: Some("Geladeira".into()),
        starts_on: Some(jiff::civil::date(2026, 1, 5)),
        terms: Some(terms.clone()),
    };
    let mut tx = db.begin_write().await.unwrap();
    let ct = contracts::upsert(&mut tx, a.id, &new, t0()).await.unwrap();
    let plain = contracts::upsert(
        &mut tx,
        a.id,
        &NewContract {
            number: "CT-2".into(),
            kind: ContractKind::Recurring,
            product: None,
            starts_on: None,
            terms: None,
            ..new.clone()
        },
        t0(),
    )
    .await
    .unwrap();
    // Same number again: replaced, same id.
    let again = contracts::upsert(
        &mut tx,
        a.id,
        &NewContract {
            kind: ContractKind::OneOff,
            ..new.clone()
        },
        at(1),
    )
    .await
    .unwrap();
    assert_eq!(again.id, ct.id);
    assert_eq!(again.kind, ContractKind::OneOff);
    // Another debtor's number: conflict; another organization's creditor or debtor: not found.
    assert!(
        contracts::upsert(
            &mut tx,
            a.id,
            &NewContract {
                debtor_id: jose,
                ..new.clone()
            },
            t0()
        )
        .await
        .unwrap_err()
        .is_conflict()
    );
    assert!(matches!(
        contracts::upsert(
            &mut tx,
            a.id,
            &NewContract {
                creditor_id: cb.id,
                ..new.clone()
            },
            t0()
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        contracts::upsert(&mut tx, b.id, &new, t0()).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();

    let list = contracts::list_for_debtor(&db, a.id, maria).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].number, "CT-1");
    assert_eq!(list[0].terms.as_ref(), Some(&terms));
    assert_eq!(list[0].product.as_deref(), Some("Geladeira"));
    assert_eq!(list[0].starts_on, Some(jiff::civil::date(2026, 1, 5)));
    assert_eq!(list[1].id, plain.id);
    assert_eq!(list[1].terms, None);
    assert_eq!(contracts::get(&db, a.id, ct.id).await.unwrap(), list[0]);
    assert!(matches!(
        contracts::get(&db, b.id, ct.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        contracts::list_for_debtor(&db, b.id, maria)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        contracts::list_for_debtor(&db, a.id, jose)
            .await
            .unwrap()
            .is_empty()
    );

    // A contract reached through a receivable: José's receivable under
    // Maria's CT-1 lists it for him; Maria's own receivable under CT-1 does
    // not list it twice for her.
    let mut tx = db.begin_write().await.unwrap();
    let due = jiff::civil::date(2026, 2, 5);
    let rows = [
        import::ImportReceivable {
            contract_id: Some(ct.id),
            ..super::portfolio::receivable(jose, "NF-9", 1, due, 5_000)
        },
        import::ImportReceivable {
            contract_id: Some(ct.id),
            ..super::portfolio::receivable(maria, "NF-9", 2, due, 5_000)
        },
    ];
    import::insert_receivables(&mut tx, a.id, c.id, &rows, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let of_jose = contracts::list_for_debtor(&db, a.id, jose).await.unwrap();
    assert_eq!(of_jose, vec![list[0].clone()]);
    assert_eq!(
        contracts::list_for_debtor(&db, a.id, maria).await.unwrap(),
        list
    );
}

pub async fn debtor_pages_visit_each_once(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    // Repeated names, to prove the id breaks ties; and names a linguistic
    // collation would order differently from bytes (space < '-' < letters),
    // to prove both databases page in the same byte order.
    let people: Vec<(String, String)> = (0..23)
        .map(|i| format!("Nome {}", i % 5))
        .chain(["Nomeb", "Nome-b", "Nome b", "Nomea"].map(String::from))
        .enumerate()
        .map(|(i, name)| (format!("{:011}", 10_000_000_000u64 + i as u64), name))
        .collect();
    let refs: Vec<(&str, &str)> = people
        .iter()
        .map(|(d, n)| (d.as_str(), n.as_str()))
        .collect();
    let ids = debtor_ids(&db, a.id, &refs).await;
    debtor_ids(&db, b.id, &[("52998224725", "Aaa Beta")]).await;
    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut cursor = Keyset::START;
    loop {
        let page = debtors::page(&db, a.id, (cursor, None), 4).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 4);
        assert!(page.iter().all(|d| d.org_id == a.id));
        cursor = Keyset::After(page.last().unwrap().id);
        pages.push(page.iter().map(|d| d.id).collect::<Vec<_>>());
        seen.extend(page.into_iter().map(|d| (d.name, d.id)));
    }
    // "Anterior" from each page's first debtor gives back the page before,
    // in the same order.
    for pair in pages.windows(2) {
        let back = debtors::page(&db, a.id, (Keyset::Before(pair[1][0]), None), 4)
            .await
            .unwrap();
        assert_eq!(back.iter().map(|d| d.id).collect::<Vec<_>>(), pair[0]);
    }
    assert!(
        debtors::page(&db, a.id, (Keyset::Before(pages[0][0]), None), 4)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(seen.len(), ids.len());
    let unique: HashSet<i64> = seen.iter().map(|(_, id)| *id).collect();
    assert_eq!(unique, ids.iter().copied().collect::<HashSet<_>>());
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "by name then id");
    // Beta's debtor as a cursor in alfa: an empty page, nothing leaks.
    let beta = debtors::page(&db, b.id, (Keyset::START, None), 10)
        .await
        .unwrap();
    assert_eq!(beta.len(), 1);
    for cursor in [Keyset::After(beta[0].id), Keyset::Before(beta[0].id)] {
        assert!(
            debtors::page(&db, a.id, (cursor, None), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
    for cursor in [Keyset::After(ids[0]), Keyset::Before(ids[0])] {
        assert!(
            debtors::page(&db, b.id, (cursor, None), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
    // Documents to ids, scoped.
    let mut tx = db.begin_write().await.unwrap();
    let found = import::debtor_ids(&mut tx, a.id, &[&people[0].0, "52998224725", "nope"])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[&people[0].0], ids[0]);
}

pub async fn contacts_refresh_only_unverified(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let [maria, jose] = maria_and_jose(&db, a.id).await;
    let mut tx = db.begin_write().await.unwrap();
    contacts::insert_new(
        &mut tx,
        a.id,
        &[
            contact(maria, "email", "maria@x.com.br"),
            contact(maria, "phone", "+5511912345678"),
            contact(jose, "email", "jose@x.com.br"),
        ],
        t0(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let all = contacts::list_for_debtors(&mut tx, a.id, &[maria, jose])
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert!(
        contacts::list_for_debtors(&mut tx, b.id, &[maria, jose])
            .await
            .unwrap()
            .is_empty()
    );
    drop(tx);
    let email = all.iter().find(|c| c.value == "maria@x.com.br").unwrap();
    let phone = all.iter().find(|c| c.kind == "phone").unwrap();
    let mut tx = db.begin_write().await.unwrap();
    contacts::set_status(&mut tx, a.id, email.id, "invalid", Some("bounce"), t0())
        .await
        .unwrap();
    // Invalid: never refreshed. Unverified and newer: refreshed. Not newer: unchanged.
    assert!(
        !contacts::refresh(
            &mut tx,
            a.id,
            email.id,
            "lista",
            at(86_400),
            true,
            true,
            at(86_400)
        )
        .await
        .unwrap()
    );
    assert!(
        contacts::refresh(
            &mut tx,
            a.id,
            phone.id,
            "lista",
            at(86_400),
            true,
            true,
            at(86_400)
        )
        .await
        .unwrap()
    );
    assert!(
        !contacts::refresh(
            &mut tx,
            a.id,
            phone.id,
            "outra",
            at(86_400),
            false,
            false,
            at(86_400)
        )
        .await
        .unwrap()
    );
    // Another organization's contact: untouched.
    assert!(
        !contacts::refresh(
            &mut tx,
            b.id,
            phone.id,
            "x",
            at(200_000),
            true,
            true,
            at(200_000)
        )
        .await
        .unwrap()
    );
    tx.commit().await.unwrap();
    let now = contacts::list_for_debtor(&db, a.id, maria).await.unwrap();
    let e = now.iter().find(|c| c.id == email.id).unwrap();
    assert_eq!(
        (
            e.status.as_str(),
            e.invalid_reason.as_deref(),
            e.source.as_str(),
            e.source_date
        ),
        ("invalid", Some("bounce"), "import:a.csv", t0())
    );
    let p = now.iter().find(|c| c.id == phone.id).unwrap();
    assert_eq!(
        (
            p.source.as_str(),
            p.source_date,
            p.whatsapp,
            p.workplace,
            p.status.as_str()
        ),
        ("lista", at(86_400), true, true, "unverified")
    );
}

pub async fn people_mark_debtors_and_contacts(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let [maria, jose] = maria_and_jose(&db, a.id).await;
    let mut tx = db.begin_write().await.unwrap();
    contacts::insert_new(
        &mut tx,
        a.id,
        &[contact(maria, "phone", "+5511912345678")],
        t0(),
    )
    .await
    .unwrap();
    debtors::set_flags(
        &mut tx,
        a.id,
        maria,
        [false, true, false, true],
        &["vip", "acordo 2024"],
        at(60),
    )
    .await
    .unwrap();
    // Another organization's debtor is not found, and nothing changes.
    assert!(matches!(
        debtors::set_flags(&mut tx, b.id, jose, [true; 4], &["x"], at(60)).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    let d = debtors::get(&db, a.id, maria).await.unwrap();
    assert_eq!(
        (d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute),
        (false, true, false, true)
    );
    assert_eq!(d.tags, ["vip", "acordo 2024"]);
    let j = debtors::get(&db, a.id, jose).await.unwrap();
    assert!(!j.deceased && j.tags.is_empty());

    let phone = contacts::list_for_debtor(&db, a.id, maria).await.unwrap()[0].clone();
    let wrong = contacts::ContactChange {
        status: "invalid",
        invalid_reason: Some("wrong_number"),
        opt_out: 2 | 4,
        workplace: true,
    };
    let mut tx = db.begin_write().await.unwrap();
    // Through another debtor or organization: not found.
    for (org_id, debtor_id) in [(a.id, jose), (b.id, maria)] {
        assert!(matches!(
            contacts::change(&mut tx, org_id, debtor_id, phone.id, &wrong, at(90)).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            contacts::get(&mut tx, org_id, debtor_id, phone.id).await,
            Err(StoreError::NotFound)
        ));
    }
    assert_eq!(
        contacts::get(&mut tx, a.id, maria, phone.id).await.unwrap(),
        phone
    );
    contacts::change(&mut tx, a.id, maria, phone.id, &wrong, at(90))
        .await
        .unwrap();
    // Read back inside the same transaction, before the commit, by id and
    // by kind and value; through another debtor or organization, not found.
    let seen = contacts::get(&mut tx, a.id, maria, phone.id).await.unwrap();
    assert_eq!(
        contacts::find(&mut tx, a.id, maria, &phone.kind, &phone.value)
            .await
            .unwrap(),
        seen
    );
    for (org_id, debtor_id, kind) in [
        (a.id, jose, "phone"),
        (b.id, maria, "phone"),
        (a.id, maria, "email"),
    ] {
        assert!(matches!(
            contacts::find(&mut tx, org_id, debtor_id, kind, &phone.value).await,
            Err(StoreError::NotFound)
        ));
    }
    tx.commit().await.unwrap();
    let after = contacts::list_for_debtor(&db, a.id, maria).await.unwrap()[0].clone();
    assert_eq!(seen, after);
    assert_eq!(
        (
            after.status.as_str(),
            after.invalid_reason.as_deref(),
            after.opt_out,
            after.workplace,
            after.value.as_str()
        ),
        ("invalid", Some("wrong_number"), 6, true, "+5511912345678")
    );
}

/// A corrected name is stored with its key and found by search (by any word
/// of it, not by the old one) on both databases; another organization's
/// debtor is not found.
pub async fn debtors_are_renamed_and_found_by_the_new_name(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let mut tx = db.begin_write().await.unwrap();
    let (_, ids) = import::upsert_debtors(
        &mut tx,
        a.id,
        &[ImportDebtor {
            document: "52998224725".into(),
            kind: "pf",
            name: "Maria Teste".into(),
            name_key: "maria teste".into(),
        }],
        t0(),
    )
    .await
    .unwrap();
    let id = ids["52998224725"];
    assert_eq!(
        debtors::get_for_update(&mut tx, a.id, id)
            .await
            .unwrap()
            .name,
        "Maria Teste"
    );
    assert!(matches!(
        debtors::get_for_update(&mut tx, b.id, id).await,
        Err(StoreError::NotFound)
    ));
    debtors::rename(
        &mut tx,
        a.id,
        id,
        ("Maria Aparecida da Silva", "maria aparecida da silva"),
        t0(),
    )
    .await
    .unwrap();
    assert!(
        debtors::rename(&mut tx, b.id, id, ("Outra", "outra"), t0())
            .await
            .unwrap_err()
            .to_string()
            .contains("not found")
    );
    tx.commit().await.unwrap();
    assert_eq!(
        debtors::get(&db, a.id, id).await.unwrap().name,
        "Maria Aparecida da Silva"
    );
    let found = |q: &'static str| {
        let db = db.clone();
        async move {
            debtors::search(&db, a.id, debtors::SearchField::Name, q, 10)
                .await
                .unwrap()
                .iter()
                .map(|d| d.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("aparecida").await, [id]);
    assert_eq!(found("silva maria").await, [id]);
    assert!(found("teste").await.is_empty(), "the old name is gone");
}

/// An access moved from the spool is recorded once under its key, however
/// often the spool is moved; another organization's debtor is refused.
pub async fn spooled_accesses_are_recorded_once(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let [maria] = debtor_ids(&db, a.id, &[("52998224725", "Maria")]).await[..] else {
        unreachable!()
    };
    for _ in 0..2 {
        let mut tx = db.begin_write().await.unwrap();
        let first = access::record_spooled(
            &mut tx,
            a.id,
            maria,
            (Actor::User(7), AccessChannel::Web),
            at(30),
            "k-1",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let seen = access::list_for_debtor(&db, a.id, maria, None, 10)
            .await
            .unwrap();
        assert_eq!(seen.len(), 1, "once, first: {first}");
        assert_eq!((seen[0].at, seen[0].actor), (at(30), Actor::User(7)));
    }
    // A later access recorded directly, then one spooled earlier still:
    // the log reads by time, and pages by it.
    let mut tx = db.begin_write().await.unwrap();
    access::record(&mut tx, a.id, maria, Actor::Cli, AccessChannel::Api, at(90))
        .await
        .unwrap();
    access::record_spooled(
        &mut tx,
        a.id,
        maria,
        (Actor::User(8), AccessChannel::Web),
        at(10),
        "k-0",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let seen = access::list_for_debtor(&db, a.id, maria, None, 10)
        .await
        .unwrap();
    let times: Vec<_> = seen.iter().map(|s| s.at).collect();
    assert_eq!(times, [at(90), at(30), at(10)]);
    let next = access::list_for_debtor(&db, a.id, maria, Some(seen[0].id), 1)
        .await
        .unwrap();
    assert_eq!(next[0].at, at(30));
    let last = access::list_for_debtor(&db, a.id, maria, Some(next[0].id), 5)
        .await
        .unwrap();
    assert_eq!(last.iter().map(|s| s.at).collect::<Vec<_>>(), [at(10)]);

    let mut tx = db.begin_write().await.unwrap();
    assert!(matches!(
        access::record_spooled(
            &mut tx,
            b.id,
            maria,
            (Actor::Cli, AccessChannel::Api),
            at(40),
            "k-2"
        )
        .await,
        Err(StoreError::NotFound)
    ));
    drop(tx);
}

/// A write that may not wait: `None` while another holds SQLite's write
/// lock, a transaction once it is free (and at once on PostgreSQL).
pub async fn try_begin_write_does_not_wait(db: Db) {
    let wait = std::time::Duration::from_millis(200);
    let holder = db.begin_write().await.unwrap();
    let started = std::time::Instant::now();
    let tried = db.try_begin_write(wait).await.unwrap();
    if db.backend() == quita_store::Backend::Sqlite {
        assert!(tried.is_none(), "SQLite's one writer is taken");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    } else {
        assert!(tried.is_some());
    }
    drop(tried);
    drop(holder);
    let tx = db.try_begin_write(wait).await.unwrap().expect("free now");
    tx.commit().await.unwrap();
    // The pool's connections kept their own busy timeout: a plain write
    // still waits for a writer that finishes within it.
    let holder = db.begin_write().await.unwrap();
    let release = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        holder.commit().await.unwrap();
    });
    let tx = db.begin_write().await.expect("waits 600 ms, not 200");
    tx.commit().await.unwrap();
    release.await.unwrap();
}
