//! The debtor 360° with its contracts and their effective terms, the LGPD
//! access log, and the keyset list of debtors.

use std::collections::HashSet;

use quita_app::{
    AppError,
    admin::NewUserInput,
    auth::Principal,
    portfolio::contracts::{SaveContract, TermOrigin},
};
use quita_core::{
    contract::{ContractKind, ContractTerms},
    email::Email,
    password::NewPassword,
    rate::Percent,
    role::Role,
};
use quita_store::{
    Db,
    audit::Actor,
    portfolio::{Keyset, access::AccessChannel, debtors},
};

use crate::import::{GOOD, csv, import, setup};

pub fn principal(org_id: i64, role: Role, user_id: i64) -> Principal {
    Principal {
        org_id,
        role,
        actor: Actor::User(user_id),
        name: "x".into(),
        user_id: Some(user_id),
    }
}

pub async fn contracts_terms_and_access_log(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let sup = app
        .create_user(
            org,
            NewUserInput {
                email: Email::parse("sup@alfa.com.br").unwrap(),
                name: "Sueli Supervisora".into(),
                role: Role::Supervisor,
                password: NewPassword::parse("senha-forte-123").unwrap(),
            },
            Actor::Cli,
        )
        .await
        .unwrap();
    let supervisor = principal(org, Role::Supervisor, sup.id);
    let agent = principal(org, Role::Agent, sup.id);
    let viewer = principal(org, Role::Viewer, sup.id);
    let maria = debtors::find_by_document(&db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let on = jiff::civil::date(2026, 11, 23);

    // Before any terms: the imported contract follows the creditor's policy.
    let before = app.debtor_360(org, maria.id, on).await.unwrap();
    assert_eq!(before.contracts.len(), 1);
    let k = &before.contracts[0];
    assert_eq!(k.contract.number, "CT-1");
    assert_eq!(k.receivables.len(), 2);
    assert!(before.without_contract.is_empty());
    assert_eq!(k.terms.late_fine.origin, TermOrigin::Creditor);
    assert_eq!(k.terms.late_fine.value, Percent::whole(2));
    assert_eq!(
        k.terms.default_interest_monthly.origin,
        TermOrigin::Creditor
    );

    // Agreed terms: 1% fine and 2% a month, IPCA not set (creditor's "none").
    let terms = ContractTerms {
        late_fine: Some(Percent::whole(1)),
        default_interest_monthly: Some(Percent::whole(2)),
        ..ContractTerms::default()
    };
    let save = SaveContract {
        creditor_id: cred,
        debtor_id: maria.id,
        number: "CT-1".into(),
        kind: ContractKind::InstallmentPlan,
        product: Some("Geladeira".into()),
        starts_on: Some(jiff::civil::date(2026, 9, 1)),
        terms: Some(terms),
    };
    assert!(matches!(
        app.save_contract(&agent, save.clone()).await,
        Err(AppError::Forbidden)
    ));
    // Terms that agree nothing are no terms: the creditor's policy applies.
    let blank = app
        .save_contract(
            &supervisor,
            SaveContract {
                number: "CT-BRANCO".into(),
                terms: Some(ContractTerms::default()),
                ..save.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(blank.terms, None);
    let saved = app.save_contract(&supervisor, save.clone()).await.unwrap();
    // The very same contract saved again changes nothing and records nothing.
    let saves = |log: Vec<quita_store::audit::Entry>| {
        log.iter().filter(|e| e.action == "contract_saved").count()
    };
    let admin = principal(org, Role::Admin, sup.id);
    let saves_before = saves(app.audit_log(&admin, None, 100).await.unwrap());
    assert_eq!(
        app.save_contract(&supervisor, save.clone()).await.unwrap(),
        saved
    );
    assert_eq!(
        saves(app.audit_log(&admin, None, 100).await.unwrap()),
        saves_before
    );
    // Another organization cannot attach it to its own creditor: the
    // creditor is not found, named as the field that gave it.
    let other = principal(org + 1000, Role::Admin, sup.id);
    assert!(matches!(
        app.save_contract(&other, save).await,
        Err(AppError::Absent {
            field: "creditor_id",
            ..
        })
    ));

    assert!(matches!(
        app.open_debtor_360(&viewer, maria.id, on, AccessChannel::Web)
            .await,
        Err(AppError::Forbidden)
    ));
    let after = app
        .open_debtor_360(&agent, maria.id, on, AccessChannel::Web)
        .await
        .unwrap();
    let k = &after.contracts[0];
    assert_eq!(k.contract.product.as_deref(), Some("Geladeira"));
    assert_eq!(
        (k.terms.late_fine.value, k.terms.late_fine.origin),
        (Percent::whole(1), TermOrigin::Contract)
    );
    assert_eq!(
        (
            k.terms.default_interest_monthly.value,
            k.terms.default_interest_monthly.origin
        ),
        (Percent::whole(2), TermOrigin::Contract)
    );
    assert_eq!(k.terms.correction.origin, TermOrigin::Creditor);
    assert_eq!(k.first_due, Some(jiff::civil::date(2026, 10, 10)));
    assert_eq!(k.last_due, Some(jiff::civil::date(2026, 11, 10)));
    // The updated amounts follow the contract: R$ 1.000 due 10/10, 44 days
    // late on 23/11: 2% + 1% a.m. = 34.67 before; 1% + 2% a.m. = 39.33 after.
    let updated = |v: &quita_app::portfolio::debtors::Debtor360| {
        v.receivables
            .iter()
            .find(|r| r.receivable.installment == 1)
            .and_then(|r| r.update.as_ref())
            .map(|u| u.total().centavos())
            .unwrap()
    };
    assert_eq!(updated(&before), 103_467);
    assert_eq!(updated(&after), 103_933);
    // The aging list updates the contract's receivables with its terms too:
    // each of Maria's receivables is its own group, so the sums agree exactly.
    let query = |debtor_id: Option<i64>| quita_app::portfolio::aging::AgingQuery {
        creditor_id: None,
        debtor_id,
        as_of: on,
        buckets: quita_core::aging::AgingBuckets::default(),
    };
    let report = app.aging(org, &query(Some(maria.id))).await.unwrap();
    let expected: i64 = after
        .receivables
        .iter()
        .filter_map(|r| r.update.as_ref())
        .map(|u| u.total().centavos())
        .sum();
    assert_eq!(report.total().updated_amount.centavos(), expected);
    assert_eq!(report.total().count, 2);
    // The whole organization: counts and balances unchanged by the split.
    let all = app.aging(org, &query(None)).await.unwrap();
    let rows: u64 = all.rows().map(|(_, t)| t.count).sum();
    assert_eq!(rows, all.total().count);
    assert!(all.total().updated_amount.centavos() >= expected);
    let first = after
        .receivables
        .iter()
        .find(|r| r.receivable.installment == 1)
        .unwrap();
    let (_, single) = app
        .receivable_update(org, first.receivable.id, on)
        .await
        .unwrap();
    assert_eq!(single.total().centavos(), 103_933);

    // Access log: every opening recorded; supervisors read it, agents cannot.
    app.open_debtor_360(&supervisor, maria.id, on, AccessChannel::Api)
        .await
        .unwrap();
    assert!(matches!(
        app.debtor_accesses(&agent, maria.id, None, 10).await,
        Err(AppError::Forbidden)
    ));
    let log = app
        .debtor_accesses(&supervisor, maria.id, None, 10)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].channel, AccessChannel::Api);
    assert_eq!(log[1].channel, AccessChannel::Web);
    assert_eq!(log[0].actor_name.as_deref(), Some("Sueli Supervisora"));
    // Another organization: not found, and nothing recorded.
    assert!(matches!(
        app.open_debtor_360(&other, maria.id, on, AccessChannel::Api)
            .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.debtor_accesses(&other, maria.id, None, 10).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(
        app.debtor_accesses(&supervisor, maria.id, None, 10)
            .await
            .unwrap()
            .len(),
        2
    );

    // The list of debtors, page by page: each exactly once.
    let mut seen = Vec::new();
    let mut cursor = Keyset::START;
    let last = loop {
        let page = app.debtors_page(&agent, (cursor, None), 2).await.unwrap();
        assert!(page.debtors.len() <= 2);
        assert_eq!(page.previous.is_some(), !seen.is_empty());
        seen.extend(page.debtors.iter().map(|d| d.id));
        match page.next {
            Some(n) => cursor = Keyset::After(n),
            None => break page,
        }
    };
    assert_eq!(seen.len(), 3);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 3);
    // "Anterior" from the last page: the first two, and no page before them.
    let back = app
        .debtors_page(
            &agent,
            (Keyset::Before(last.previous.unwrap()), Some(last.read_at)),
            2,
        )
        .await
        .unwrap();
    assert_eq!(
        back.debtors.iter().map(|d| d.id).collect::<Vec<_>>(),
        seen[..2]
    );
    assert_eq!((back.previous, back.next), (None, Some(seen[1])));
    assert!(matches!(
        app.debtors_page(&viewer, (Keyset::START, None), 2).await,
        Err(AppError::Forbidden)
    ));
    assert!(
        app.debtors_page(&other, (Keyset::START, None), 10)
            .await
            .unwrap()
            .debtors
            .is_empty()
    );
}

/// Debtor search reads a number every way the import stores it: a phone
/// with the country code but no `+`, with the carrier placeholder `0xx`,
/// without its DDD, and one word that is no name as the start of an e-mail.
pub async fn search_reads_numbers_as_stored(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let names =
        |found: Vec<debtors::DebtorRow>| found.into_iter().map(|d| d.name).collect::<Vec<_>>();
    for (q, who) in [
        ("5511987654321", "Maria da Silva"),
        ("0xx11 98765-4321", "Maria da Silva"),
        ("(0XX21) 98765-4321", "Padaria Pão Quente LTDA"),
        ("21 98765", "Padaria Pão Quente LTDA"),
        ("joao@x", "João Souza"),
    ] {
        assert_eq!(
            names(app.search_debtors(org, q, 10).await.unwrap()),
            [who],
            "{q}"
        );
    }
    // A number without its DDD finds it under any DDD: Maria's (11) and
    // the bakery's (21) share one.
    for q in ["98765-4321", "987654321", "8765-4321"] {
        assert_eq!(
            names(app.search_debtors(org, q, 10).await.unwrap()),
            ["Maria da Silva", "Padaria Pão Quente LTDA"],
            "{q}"
        );
    }
    // So does its start, as an agent types what is dictated.
    for q in ["98765", "987654", "98765-43"] {
        assert_eq!(
            names(app.search_debtors(org, q, 10).await.unwrap()),
            ["Maria da Silva", "Padaria Pão Quente LTDA"],
            "{q}"
        );
    }
    // A CPF that starts with those digits, and a receivable numbered so,
    // hide neither the phones' owners nor each other.
    let cpf = "987.654.321-00;Colisão de Cpf;;;;;;;;98765432;1;;;30/12/2026;10,00;";
    assert!(
        import(&app, org, cred, csv(&[cpf]), false)
            .await
            .summary
            .applied
    );
    assert_eq!(
        names(app.search_debtors(org, "98765-4321", 10).await.unwrap()),
        [
            "Colisão de Cpf",
            "Maria da Silva",
            "Padaria Pão Quente LTDA"
        ]
    );
    let found = app.debtor_search(org, "987654321", 2).await.unwrap();
    assert_eq!(found.debtors.len(), 2);
    assert!(found.truncated, "three match, two asked for");
    // An alphanumeric CNPJ, masked or bare, whole or its start, any case.
    let tech = "12.ABC.345/01DE-35;Tech Nova Informática S.A.;;;;;;;;TN-1;1;;;30/12/2026;10,00;";
    assert!(
        import(&app, org, cred, csv(&[tech]), false)
            .await
            .summary
            .applied
    );
    for q in [
        "12.ABC.345/01DE-35",
        "12ABC34501DE35",
        "12abc34501de35",
        "12ABC345",
        "12.ABC",
    ] {
        assert_eq!(
            names(app.search_debtors(org, q, 10).await.unwrap()),
            ["Tech Nova Informática S.A."],
            "{q}"
        );
    }
    // A document number with letters and digits is still found as one.
    assert_eq!(
        names(app.search_debtors(org, "NF-200", 10).await.unwrap()),
        ["João Souza"]
    );
    // One that does not exist finds nobody: its digits are no phone
    // (Maria's start +5511) nor CPF.
    for q in ["X-1", "x1", "XX-11"] {
        assert!(
            app.search_debtors(org, q, 10).await.unwrap().is_empty(),
            "{q}"
        );
    }
}

/// An installment issued after today (the next ones of a plan) counts
/// today in the 360° as in the aging, updated as not yet due; at a past
/// date before its issue it was not owed, in both.
pub async fn issued_later_counts_today_as_in_the_aging(db: Db) {
    use quita_app::portfolio::aging::AgingQuery;
    use quita_core::aging::AgingBuckets;
    let (app, org, cred) = setup(db).await;
    let out = import(
        &app,
        org,
        cred,
        csv(&[
            "111.444.777-35;João Souza;;;;;;;;NF-300;1;2;01/10/2026;10/11/2026;100,00;",
            "111.444.777-35;João Souza;;;;;;;;NF-300;2;2;13/01/2027;10/02/2027;50,00;",
        ]),
        false,
    )
    .await;
    assert!(out.summary.applied, "{:?}", out.problems);
    let joao = debtors::find_by_document(&app.db, org, "11144477735")
        .await
        .unwrap()
        .unwrap();
    let counts = |on: jiff::civil::Date| {
        let app = app.clone();
        async move {
            let view = app.debtor_360(org, joao.id, on).await.unwrap();
            let aging = app
                .aging(
                    org,
                    &AgingQuery {
                        creditor_id: None,
                        debtor_id: Some(joao.id),
                        as_of: on,
                        buckets: AgingBuckets::default(),
                    },
                )
                .await
                .unwrap();
            (view.total().map_or(0, |t| t.count), aging.total().count)
        }
    };
    let today = jiff::civil::date(2026, 11, 23);
    assert_eq!(counts(today).await, (2, 2));
    let view = app.debtor_360(org, joao.id, today).await.unwrap();
    let later = view
        .receivables
        .iter()
        .find(|r| r.receivable.installment == 2)
        .unwrap();
    assert!(later.update_problem.is_none(), "{:?}", later.update_problem);
    assert_eq!(
        later.update.as_ref().map(|u| u.total().to_string()),
        Some("50.00".into())
    );
    assert_eq!(counts(jiff::civil::date(2026, 11, 20)).await, (1, 1));
}

/// A page's cursor keeps its place when its debtor is renamed after the
/// page was read: the next page is the one that followed then (without the
/// instant, it would move with the new name and skip the rest).
pub async fn a_renamed_cursor_keeps_its_place(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let supervisor = principal(org, Role::Supervisor, 1);
    let first = app
        .debtors_page(&supervisor, (Keyset::START, None), 1)
        .await
        .unwrap();
    let all: Vec<i64> = {
        let mut ids = Vec::new();
        let mut cursor = (Keyset::START, None);
        loop {
            let page = app.debtors_page(&supervisor, cursor, 1).await.unwrap();
            ids.extend(page.debtors.iter().map(|d| d.id));
            match page.next {
                Some(n) => cursor = (Keyset::After(n), Some(page.read_at)),
                None => break ids,
            }
        }
    };
    assert_eq!(all.len(), 3);
    let cursor = first.next.unwrap();
    // The page was read a moment before the rename.
    let read_at = first.read_at - jiff::SignedDuration::from_millis(1);
    app.rename_debtor(&supervisor, cursor, "Zuleica Falcão")
        .await
        .unwrap();
    let next = app
        .debtors_page(&supervisor, (Keyset::After(cursor), Some(read_at)), 1)
        .await
        .unwrap();
    assert_eq!(next.debtors[0].id, all[1], "the page that followed");
    let moved = app
        .debtors_page(&supervisor, (Keyset::After(cursor), None), 1)
        .await
        .unwrap();
    assert!(moved.debtors.is_empty(), "by today's name it is last");
}

/// What a black-box oracle found in the search: a debtor with many
/// matching receivables filled the page's share of entries, so fewer
/// debtors came back than matched, marked complete; zeros or a lone `+`
/// matched everyone; a phone typed with its DDD and 8 digits, or 8 of a
/// mobile's 9 without it, found nobody; an exactly full page of phones
/// without DDD said "more"; a name written with combining accents was
/// not found.
pub async fn search_pages_hold_every_match_once(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    let header =
        "documento_devedor;nome_devedor;telefones;numero_documento;parcela;vencimento;valor";
    let mut file = header.to_owned();
    // Maria has 600 receivables numbered X-0001…, João one after them.
    for n in 1..=600 {
        file.push_str(&format!(
            "\n52998224725;Maria da Silva;;X-{n:04};1;30/12/2026;10,00"
        ));
    }
    file.push_str("\n11144477735;João Souza;(62) 97474-2163;X-0601;1;30/12/2026;10,00");
    // Three owners of a mobile starting 98122 under other DDDs.
    for (cpf, name, phone) in [
        ("39053344705", "Ana Lima", "(11) 98122-0001"),
        ("86288366757", "Bia Lima", "(21) 98122-0002"),
        ("71428793860", "Caio Lima", "(31) 98122-0003"),
    ] {
        file.push_str(&format!(
            "\n{cpf};{name};{phone};L-{cpf};1;30/12/2026;10,00"
        ));
    }
    // A name with its accents written after the letters.
    file.push_str("\n07068093868;Joa\u{303}o Conceic\u{327}a\u{303}o;;NFD-1;1;30/12/2026;10,00");
    let out = crate::import::import(&app, org, cred, file.into_bytes(), false).await;
    assert!(out.summary.applied, "{:?}", out.problems);
    let found = |q: &str, limit: i64| {
        let app = &app;
        let q = q.to_owned();
        async move {
            let f = app.debtor_search(org, &q, limit).await.unwrap();
            (
                f.debtors.into_iter().map(|d| d.name).collect::<Vec<_>>(),
                f.truncated,
            )
        }
    };
    let both = vec!["João Souza".to_owned(), "Maria da Silva".to_owned()];
    assert_eq!(found("x-0", 100).await, (both.clone(), false));
    assert_eq!(found("X-0", 2).await, (both, false));
    assert_eq!(
        found("x-0", 1).await,
        (vec!["Maria da Silva".to_owned()], true)
    );
    // Punctuation or zeros alone are the start of nothing.
    for q in ["+", "+55", "0000000", "(00) 0000-0000", "-"] {
        assert_eq!(found(q, 20).await, (vec![], false), "{q}");
    }
    // João's (62) 97474-2163, typed as it is dictated.
    for q in [
        "62 97474-2",
        "62974742",
        "(62) 97474-2",
        "97474-216",
        "+55 62 9747",
    ] {
        assert_eq!(found(q, 20).await.0, ["João Souza"], "{q}");
    }
    // Exactly as many owners as asked for: nothing more matched.
    let lima = vec![
        "Ana Lima".to_owned(),
        "Bia Lima".to_owned(),
        "Caio Lima".to_owned(),
    ];
    assert_eq!(found("98122", 3).await, (lima.clone(), false));
    assert!(found("98122", 2).await.1, "three match, two asked for");
    // Combining accents, stored or typed, are the accents they show.
    let joao = vec!["João Conceição".to_owned()];
    assert_eq!(found("joão conceição", 20).await.0, joao);
    assert_eq!(
        found("Joa\u{303}o Conceic\u{327}a\u{303}o", 20).await.0,
        joao
    );
    // Full-width letters and a zero-width space pasted inside a word.
    assert_eq!(found("Ｊｏãｏ conceição", 20).await.0, joao);
    assert_eq!(found("jo\u{200b}ão conceição", 20).await.0, joao);
    // One word that starts a name and a document number: the name first,
    // then the receivable's owner.
    assert_eq!(
        found("X-0601", 20).await.0,
        ["João Souza"],
        "the document number alone"
    );
    let out = crate::import::import(
        &app,
        org,
        cred,
        format!("{header}\n12345678909;Xavier Lima;;K-1;1;30/12/2026;10,00").into_bytes(),
        false,
    )
    .await;
    assert!(out.summary.applied, "{:?}", out.problems);
    assert_eq!(
        found("x-", 20).await.0,
        ["Xavier Lima", "João Souza", "Maria da Silva"]
    );
    // A query as long as a name may be is searched; a longer one is told.
    assert_eq!(found(&"a".repeat(200), 20).await, (vec![], false));
    let long = app
        .debtor_search(org, &"a".repeat(201), 20)
        .await
        .unwrap_err();
    assert!(long.to_string().contains("até 200 caracteres"), "{long}");
}
