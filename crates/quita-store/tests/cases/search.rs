//! Debtor search: names by any of their words (both passes of
//! `find_names` agree), the limit and its `truncated` flag, organizations
//! kept apart, document numbers whatever their case.

use jiff::civil::date;
use quita_core::text::search_key;
use quita_store::{
    Db,
    portfolio::{
        debtors::{self, Found, Passes, SearchField},
        import::{self, ImportDebtor},
    },
};

use super::{
    org,
    portfolio::{creditor, receivable},
    t0,
};

/// A debtor whose name key is built as the import builds it.
fn person(doc: &str, name: &str) -> ImportDebtor {
    ImportDebtor {
        document: doc.into(),
        kind: "pf",
        name: name.into(),
        name_key: search_key(name),
    }
}

/// Inserts the named debtors into `org_id` with made-up documents
/// (`prefix` keeps each organization's apart); returns their ids by name.
async fn people(
    db: &Db,
    org_id: i64,
    prefix: &str,
    names: &[&str],
) -> std::collections::HashMap<String, i64> {
    let ds: Vec<ImportDebtor> = names
        .iter()
        .enumerate()
        .map(|(i, n)| person(&format!("{prefix}{i:05}"), n))
        .collect();
    let mut tx = db.begin_write().await.unwrap();
    let (_, ids) = import::upsert_debtors(&mut tx, org_id, &ds, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ds.iter()
        .map(|d| (d.name.clone(), ids[&d.document]))
        .collect()
}

fn names(found: &Found) -> Vec<&str> {
    found.debtors.iter().map(|d| d.name.as_str()).collect()
}

/// The name search as the app calls it, checked against every pass: the
/// scan alone, the word index alone (after no scan or a short one), and
/// the scan after the index refused (more matches than its cap): each must
/// find the same debtors in the same order.
async fn by_name(db: &Db, org_id: i64, typed: &str, limit: i64) -> Found {
    let key = search_key(typed);
    let found = debtors::find(db, org_id, SearchField::Name, &key, limit)
        .await
        .unwrap();
    for (scan, index_cap) in [
        (1_000_000, 0),
        (0, i64::MAX),
        (1, i64::MAX),
        (0, 0),
        (Passes::DEFAULT.scan, Passes::DEFAULT.index_cap),
    ] {
        let passes = Passes { scan, index_cap };
        assert_eq!(
            debtors::find_names(db, org_id, &key, limit, passes)
                .await
                .unwrap(),
            found,
            "{typed:?} with {passes:?}"
        );
    }
    found
}

const NAMES: [&str; 14] = [
    "Adriana Ana Teixeira",
    "Josefa Isabela Siqueira",
    "Josefa Siqueira Lima",
    "João da Conceição",
    "Conceição Teixeira Ltda",
    "Maria D'Ávila",
    "Ana-Maria Souza",
    "Teixeirinha Alves",
    "Mariana Santos",
    "Luciana Teixeira",
    "Alfa Ωmega",
    "Comércio A.B. Ltda",
    "Loja 123 Ltda",
    "Sant'Ana Móveis",
];

/// A surname, first name + surname in either order, accents and case, words
/// after a hyphen or apostrophe; never the middle of a word.
pub async fn search_names_by_any_word(db: Db) {
    let a = org(&db, "alfa").await;
    people(&db, a.id, "1", &NAMES).await;

    let cases: [(&str, &[&str]); 20] = [
        (
            "Teixeira",
            &[
                "Adriana Ana Teixeira",
                "Conceição Teixeira Ltda",
                "Luciana Teixeira",
            ],
        ),
        // Names that start with the text first, then the others by name.
        (
            "teix",
            &[
                "Teixeirinha Alves",
                "Adriana Ana Teixeira",
                "Conceição Teixeira Ltda",
                "Luciana Teixeira",
            ],
        ),
        (
            "Josefa Siqueira",
            &["Josefa Siqueira Lima", "Josefa Isabela Siqueira"],
        ),
        (
            "siqueira josefa",
            &["Josefa Isabela Siqueira", "Josefa Siqueira Lima"],
        ),
        ("jos siq lim", &["Josefa Siqueira Lima"]),
        ("lima isabela", &[]),
        (
            "conceição",
            &["Conceição Teixeira Ltda", "João da Conceição"],
        ),
        (
            "CONCEICAO",
            &["Conceição Teixeira Ltda", "João da Conceição"],
        ),
        ("joão conceição", &["João da Conceição"]),
        ("avila", &["Maria D'Ávila"]),
        ("d'ávila", &["Maria D'Ávila"]),
        (
            "maria",
            &["Maria D'Ávila", "Mariana Santos", "Ana-Maria Souza"],
        ),
        // "ana" starts no word of Mariana, Luciana or Adriana.
        (
            "ana",
            &["Ana-Maria Souza", "Adriana Ana Teixeira", "Sant'Ana Móveis"],
        ),
        // Repeated, it asks for nothing more; nothing starts with "ana ana".
        (
            "ana ana",
            &["Adriana Ana Teixeira", "Ana-Maria Souza", "Sant'Ana Móveis"],
        ),
        // No word the index can look up: every name is read and tested.
        ("ωmeg", &["Alfa Ωmega"]),
        ("123", &["Loja 123 Ltda"]),
        ("ltda comercio", &["Comércio A.B. Ltda"]),
        // A word after a dot starts a word too (S.A., J.R.).
        ("comercio a.b.", &["Comércio A.B. Ltda"]),
        ("b ltda", &["Comércio A.B. Ltda"]),
        ("silva", &[]),
    ];
    for (typed, expected) in cases {
        let found = by_name(&db, a.id, typed, 20).await;
        assert_eq!(names(&found), expected, "{typed:?}");
        assert!(!found.truncated, "{typed:?}");
    }
    // Punctuation alone matches by prefix only (and is no wildcard).
    assert!(by_name(&db, a.id, "%", 20).await.debtors.is_empty());
    assert!(by_name(&db, a.id, "'", 20).await.debtors.is_empty());
}

/// The limit holds across names that start with the text and the others,
/// and `truncated` says whether more matched.
pub async fn search_limit_and_truncated(db: Db) {
    let a = org(&db, "alfa").await;
    let first: Vec<String> = (0..4).map(|i| format!("Souza Filho {i}")).collect();
    let others: Vec<String> = (0..4).map(|i| format!("Ana {i} Souza")).collect();
    let all: Vec<&str> = first.iter().chain(&others).map(String::as_str).collect();
    people(&db, a.id, "1", &all).await;

    let found = by_name(&db, a.id, "souza", 3).await;
    assert_eq!(
        names(&found),
        ["Souza Filho 0", "Souza Filho 1", "Souza Filho 2"]
    );
    assert!(found.truncated);
    let found = by_name(&db, a.id, "souza", 6).await;
    assert_eq!(
        names(&found),
        [
            "Souza Filho 0",
            "Souza Filho 1",
            "Souza Filho 2",
            "Souza Filho 3",
            "Ana 0 Souza",
            "Ana 1 Souza"
        ]
    );
    assert!(found.truncated);
    let found = by_name(&db, a.id, "souza", 8).await;
    assert_eq!(found.debtors.len(), 8);
    assert!(!found.truncated, "exactly the limit is not more");
    let found = by_name(&db, a.id, "souza ana", 2).await;
    assert_eq!(names(&found), ["Ana 0 Souza", "Ana 1 Souza"]);
    assert!(found.truncated);

    // The other fields say it too.
    let found = debtors::find(&db, a.id, SearchField::Document, "1", 5)
        .await
        .unwrap();
    assert_eq!(found.debtors.len(), 5);
    assert!(found.truncated);
    let found = debtors::find(&db, a.id, SearchField::Document, "1000", 20)
        .await
        .unwrap();
    assert_eq!(found.debtors.len(), 8);
    assert!(!found.truncated);
}

/// One organization's search never returns another's debtors, by either
/// pass of the name search or by document number.
pub async fn search_keeps_organizations_apart(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    people(&db, a.id, "1", &["Adriana Ana Teixeira", "Maria Souza"]).await;
    let b_ids = people(
        &db,
        b.id,
        "2",
        &["Teixeira Bernardo", "Luciana Teixeira", "Josefa Souza"],
    )
    .await;
    assert_eq!(
        names(&by_name(&db, a.id, "teixeira", 20).await),
        ["Adriana Ana Teixeira"]
    );
    assert_eq!(
        names(&by_name(&db, b.id, "teixeira", 20).await),
        ["Teixeira Bernardo", "Luciana Teixeira"]
    );
    assert_eq!(
        names(&by_name(&db, a.id, "souza", 20).await),
        ["Maria Souza"]
    );
    assert!(by_name(&db, a.id, "josefa", 20).await.debtors.is_empty());
    assert!(by_name(&db, a.id, "luciana", 20).await.debtors.is_empty());

    let cb = creditor(&db, b.id, "11222333000181").await;
    let mut tx = db.begin_write().await.unwrap();
    let rows = [receivable(
        b_ids["Josefa Souza"],
        "NF00000004",
        1,
        date(2026, 11, 1),
        1_000,
    )];
    import::insert_receivables(&mut tx, b.id, cb.id, &rows, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for org_id in [a.id, b.id] {
        let found = debtors::find(&db, org_id, SearchField::DocumentNumber, "nf0000", 20)
            .await
            .unwrap();
        let expected: &[&str] = if org_id == b.id {
            &["Josefa Souza"]
        } else {
            &[]
        };
        assert_eq!(names(&found), expected);
    }
}

/// Document numbers are stored as given and found by prefix whatever the
/// case typed.
pub async fn search_document_numbers_ignoring_case(db: Db) {
    let a = org(&db, "alfa").await;
    let c = creditor(&db, a.id, "11222333000181").await;
    let ids = people(&db, a.id, "1", &["Ana Souza", "Bia Lima", "Caio Reis"]).await;
    let mut tx = db.begin_write().await.unwrap();
    let rows = [
        receivable(ids["Ana Souza"], "NF00000004", 1, date(2026, 11, 1), 1_000),
        receivable(ids["Bia Lima"], "nf-abc/7", 1, date(2026, 11, 1), 1_000),
        receivable(ids["Caio Reis"], "Bol-7", 1, date(2026, 11, 1), 1_000),
    ];
    import::insert_receivables(&mut tx, a.id, c.id, &rows, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let by_number = |typed: &'static str| {
        let db = db.clone();
        async move {
            debtors::find(&db, a.id, SearchField::DocumentNumber, typed, 20)
                .await
                .unwrap()
                .debtors
                .into_iter()
                .map(|d| d.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(by_number("nf00000004").await, ["Ana Souza"]);
    assert_eq!(by_number("NF00000004").await, ["Ana Souza"]);
    assert_eq!(by_number("Nf0000").await, ["Ana Souza"]);
    assert_eq!(by_number("nf").await, ["Ana Souza", "Bia Lima"]);
    assert_eq!(by_number("NF-ABC/").await, ["Bia Lima"]);
    assert_eq!(by_number("BOL-7").await, ["Caio Reis"]);
    assert!(by_number("nf1").await.is_empty());
    assert!(by_number("%").await.is_empty(), "wildcards are literal");
}

/// A debtor with more matching receivables (or contacts) than one read of
/// the index takes is counted once, and the debtors after it are still
/// found; a page holds its limit of distinct debtors and says whether one
/// more matched.
pub async fn search_counts_each_debtor_once_however_many_entries_match(db: Db) {
    let a = org(&db, "alfa").await;
    let c = creditor(&db, a.id, "11222333000181").await;
    let ids = people(&db, a.id, "1", &["Ana Souza", "Bia Lima", "Caio Reis"]).await;
    let mut rows: Vec<_> = (1..=1100)
        .map(|n| {
            receivable(
                ids["Bia Lima"],
                &format!("X-{n:05}"),
                1,
                date(2026, 11, 1),
                1_000,
            )
        })
        .collect();
    rows.push(receivable(
        ids["Caio Reis"],
        "X-09999",
        1,
        date(2026, 11, 1),
        1_000,
    ));
    rows.push(receivable(
        ids["Ana Souza"],
        "X-99999",
        1,
        date(2026, 11, 1),
        1_000,
    ));
    let mut tx = db.begin_write().await.unwrap();
    import::insert_receivables(&mut tx, a.id, c.id, &rows, t0())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let find = |limit: i64| {
        let db = db.clone();
        async move {
            let f = debtors::find(&db, a.id, SearchField::DocumentNumber, "x-", limit)
                .await
                .unwrap();
            let named: Vec<String> = names(&f).into_iter().map(str::to_owned).collect();
            (named, f.truncated)
        }
    };
    assert_eq!(
        find(3).await,
        (owned(&["Ana Souza", "Bia Lima", "Caio Reis"]), false)
    );
    // The first two met in the index's order (Bia's, then Caio's), by name.
    assert_eq!(find(2).await, (owned(&["Bia Lima", "Caio Reis"]), true));
    assert_eq!(find(1).await, (owned(&["Bia Lima"]), true));
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}
