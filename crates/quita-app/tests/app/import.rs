//! The import use case, as a user would try it: good files, re-imports,
//! changed rows, and every kind of bad input — each with a clear problem
//! and nothing half-applied.

use std::io::Cursor;

use quita_app::{
    App,
    portfolio::{
        aging::AgingQuery,
        import::{FileKind, ImportOptions, ImportOutcome},
    },
};
use quita_core::{aging::AgingBuckets, charge_policy::ChargePolicy, money::Money, rate::Percent};
use quita_store::{
    Db,
    audit::Actor,
    portfolio::{Keyset, debtors},
};

use crate::app;

const HEADER: &str = "documento_devedor;nome_devedor;email;telefones;uf;cidade;cep;endereco;contrato;numero_documento;parcela;total_parcelas;emissao;vencimento;valor;valor_aberto";

pub fn csv(rows: &[&str]) -> Vec<u8> {
    let mut bytes = with_header(HEADER, rows);
    bytes.push(b'\n');
    bytes
}

/// A file of `rows` under `header`, one per line.
pub fn with_header(header: &str, rows: &[&str]) -> Vec<u8> {
    let mut s = header.to_owned();
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.into_bytes()
}

pub const GOOD: [&str; 4] = [
    "529.982.247-25;maria  da silva;Maria@Exemplo.com.br;(11) 98765-4321|11 3333-4444;SP;São Paulo;01310-100;Av. Paulista, 1000;CT-1;NF-100;1;2;01/09/2026;10/10/2026;1.000,00;",
    "52998224725;Maria da Silva;;;;;;;CT-1;NF-100;2;2;01/09/2026;10/11/2026;1.000,00;400,00",
    "11.222.333/0001-81;Padaria Pão Quente Ltda;;21987654321;RJ;Rio de Janeiro;;;;BOL-7;1;;2026-08-01;2026-08-15;250.50;",
    "111.444.777-35;João Souza;joao@x.com.br;;;;;;;NF-200;1;1;;30/12/2026;99,90;",
];

pub async fn setup(db: Db) -> (App, i64, i64) {
    let (app, _) = app(db);
    let org = app
        .create_org(
            quita_app::admin::NewOrgInput {
                name: quita_core::org::OrgName::parse("Alfa").unwrap(),
                slug: None,
                document: None,
                mode: quita_core::org::OrgMode::Agency,
            },
            Actor::Cli,
        )
        .await
        .unwrap();
    let policy = ChargePolicy {
        late_fine: Percent::whole(2),
        default_interest_monthly: Percent::whole(1),
        consumer_relation: true,
        ..ChargePolicy::default()
    };
    let c = app
        .create_creditor(org.id, "Loja", "34.028.316/0001-03", &policy, Actor::Cli)
        .await
        .unwrap();
    (app, org.id, c.id)
}

pub async fn import(
    app: &App,
    org: i64,
    creditor: i64,
    bytes: Vec<u8>,
    partial: bool,
) -> ImportOutcome {
    app.import_receivables(
        org,
        creditor,
        FileKind::Csv,
        Cursor::new(bytes),
        &ImportOptions {
            reversals: Default::default(),
            run: None,
            partial,
            source: "import:teste.csv".into(),
        },
        Actor::Cli,
        &|_| {},
    )
    .await
    .unwrap()
}

pub async fn import_then_reimport_then_change(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    let first = import(&app, org, cred, csv(&GOOD), false).await;
    let s = &first.summary;
    assert!(s.applied, "{:?}", first.problems);
    assert_eq!(
        (s.rows, s.receivables_created, s.debtors_created, s.errors),
        (4, 4, 3, 0)
    );
    // Two phones + e-mail + address for Maria, one phone for the bakery, one e-mail for João.
    assert_eq!(s.contacts_created, 6);
    let again = import(&app, org, cred, csv(&GOOD), false).await.summary;
    assert_eq!(
        (
            again.receivables_created,
            again.receivables_updated,
            again.unchanged,
            again.debtors_created,
            again.contacts_created
        ),
        (0, 0, 4, 0, 0)
    );

    let mut changed = GOOD.to_vec();
    changed[3] = "111.444.777-35;João Souza;joao@x.com.br;;;;;;;NF-200;1;1;;30/12/2026;99,90;50,00";
    let third = import(&app, org, cred, csv(&changed), false).await;
    assert_eq!(
        (third.summary.receivables_updated, third.summary.unchanged),
        (1, 3)
    );
    // The report names the updated title with its old and new values.
    assert_eq!(third.problems.len(), 1, "{:?}", third.problems);
    let note = &third.problems[0];
    assert!(note.is_warning());
    assert_eq!((note.line, note.value.as_str()), (5, "NF-200"));
    assert!(
        note.reason
            .contains("título atualizado: valor em aberto R$ 99,90 → R$ 50,00"),
        "{note:?}"
    );
    // And so does the debtor's timeline, with the file's name.
    let joao = debtors::find_by_document(&db, org, "11144477735")
        .await
        .unwrap()
        .unwrap();
    let agent = crate::debtor_view::principal(org, quita_core::role::Role::Agent, 1);
    let events = app
        .debtor_timeline_of(&agent, joao.id, None, 10)
        .await
        .unwrap();
    assert!(
        events.iter().any(|e| matches!(
            &e.what,
            quita_app::portfolio::timeline::TimelineWhat::ReceivableImported { changes, .. }
                if changes == "valor em aberto R$ 99,90 → R$ 50,00"
        )),
        "{events:?}"
    );
    // A file that changes nothing writes nothing on the timeline.
    let before = events.len();
    import(&app, org, cred, csv(&changed), false).await;
    assert_eq!(
        app.debtor_timeline_of(&agent, joao.id, None, 10)
            .await
            .unwrap()
            .len(),
        before
    );

    let maria = debtors::find_by_document(&db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(maria.name, "Maria da Silva");
    let view = app
        .debtor_360(org, maria.id, jiff::civil::date(2026, 11, 23))
        .await
        .unwrap();
    assert_eq!(view.receivables.len(), 2);
    assert_eq!(view.contacts.len(), 4);
    assert!(
        view.contacts
            .iter()
            .any(|c| c.value == "+5511987654321" && c.whatsapp)
    );
    assert!(
        view.contacts
            .iter()
            .any(|c| c.value == "maria@exemplo.com.br")
    );
    assert_eq!(view.totals.len(), 1);
    assert_eq!(view.totals[0].open_balance.centavos(), 140_000);
    assert!(
        view.totals[0].updated_amount.centavos() > 140_000,
        "late charges are added"
    );

    assert!(matches!(
        app.store_index_table(org, "ipca", "isto não é uma tabela", Actor::Cli)
            .await,
        Err(quita_app::AppError::Invalid { .. })
    ));
    assert!(
        app.index_tables(org).await.unwrap().is_empty(),
        "a bad table is not stored"
    );
    app.store_index_table(org, "ipca", "2026-01;0,42\n2026-02;0,50\n", Actor::Cli)
        .await
        .unwrap();
    assert!(app.index_tables(org).await.unwrap().contains_key("ipca"));

    let found = app.search_debtors(org, "mari", 10).await.unwrap();
    assert_eq!(found.iter().map(|d| d.id).collect::<Vec<_>>(), [maria.id]);
    assert_eq!(
        app.search_debtors(org, "529.982", 10).await.unwrap().len(),
        1
    );
    assert_eq!(
        app.search_debtors(org, "(11) 98765", 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.search_debtors(org, "maria@exem", 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(app.search_debtors(org, "BOL-", 10).await.unwrap().len(), 1);

    let report = app
        .aging(
            org,
            &AgingQuery {
                creditor_id: None,
                debtor_id: None,
                as_of: jiff::civil::date(2026, 11, 23),
                buckets: AgingBuckets::default(),
            },
        )
        .await
        .unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["total"]["count"], 4);
    assert_eq!(json["total"]["open_balance"], "1700.50");
    let bucket = |label: &str| {
        json["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["bucket"] == label)
            .unwrap()
            .clone()
    };
    assert_eq!(bucket("current")["count"], 1, "João's, due 30/12/2026");
    assert_eq!(
        bucket("1-30")["count"],
        1,
        "Maria's 2nd installment, 13 days late"
    );
    assert_eq!(
        bucket("31-60")["count"],
        1,
        "10/10/2026 is 44 days before 23/11"
    );
    assert_eq!(
        bucket("91-180")["count"],
        1,
        "15/08/2026 is 100 days before"
    );
    let q = AgingQuery {
        creditor_id: Some(cred),
        debtor_id: None,
        as_of: jiff::civil::date(2026, 11, 23),
        buckets: AgingBuckets::default(),
    };
    let drill = app
        .aging_drill_down(org, &q, 2, Keyset::START, 200)
        .await
        .unwrap();
    assert_eq!((drill.next, drill.previous), (None, None));
    let drill = drill.lines;
    assert_eq!(
        drill
            .iter()
            .map(|d| d.line.receivable.document_number.as_str())
            .collect::<Vec<_>>(),
        ["NF-100"]
    );
    // Its updated amount is the bucket's, as the report worked it out.
    assert_eq!(
        drill[0].updated.map(|m| m.to_string()),
        bucket("31-60")["updated_amount"]
            .as_str()
            .map(str::to_owned)
    );
    assert!(drill[0].updated > Some(Money::from_centavos(drill[0].line.receivable.open_balance)));

    // At a past date, Maria's receivables (issued 01/09/2026) did not exist
    // yet: neither the report nor the drill-down counts them. João's has no
    // issue date and stays.
    let past = AgingQuery {
        as_of: jiff::civil::date(2026, 8, 20),
        ..q.clone()
    };
    let report = serde_json::to_value(app.aging(org, &past).await.unwrap()).unwrap();
    assert_eq!(report["total"]["count"], 2, "{report}");
    assert_eq!(
        report["total"]["open_balance"], "300.50",
        "all but Maria's 1.400,00"
    );
    let current = app
        .aging_drill_down(org, &past, 0, Keyset::START, 200)
        .await
        .unwrap()
        .lines;
    assert_eq!(
        current
            .iter()
            .map(|d| d.line.receivable.document_number.as_str())
            .collect::<Vec<_>>(),
        ["NF-200"]
    );
}

pub async fn bad_files_change_nothing(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "vazio"),
        (
            "binary",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
            "binário",
        ),
        ("header only", csv(&[]), "só tem o cabeçalho"),
        (
            "missing column",
            b"nome_devedor;valor\nAna;10\n".to_vec(),
            "documento_devedor",
        ),
        (
            "bad document",
            csv(&["123.456.789-00;Ana;;;;;;;;X-1;1;;;10/10/2026;10,00;"]),
            "CPF/CNPJ",
        ),
        (
            "bad amount",
            csv(&["52998224725;Ana;;;;;;;;X-1;1;;;10/10/2026;dez reais;"]),
            "valor",
        ),
        (
            "zero amount",
            csv(&["52998224725;Ana;;;;;;;;X-1;1;;;10/10/2026;0,00;"]),
            "maior que zero",
        ),
        (
            "negative amount",
            csv(&["52998224725;Ana;;;;;;;;X-1;1;;;10/10/2026;-5,00;"]),
            "valor",
        ),
        (
            "bad date",
            csv(&["52998224725;Ana;;;;;;;;X-1;1;;;31/02/2026;10,00;"]),
            "data",
        ),
        (
            "due before issue",
            csv(&["52998224725;Ana;;;;;;;;X-1;1;;20/10/2026;10/10/2026;10,00;"]),
            "anterior à emissão",
        ),
        ("duplicate row", csv(&[GOOD[3], GOOD[3]]), "repetido"),
        (
            "unbalanced quotes",
            csv(&[
                GOOD[3],
                "\"52998224725;Ana;;;;;;;;X-1;1;;;10/10/2026;10,00;",
                GOOD[2],
            ]),
            "aspas não fechadas na coluna 1",
        ),
    ];
    for (name, bytes, needle) in cases {
        let out = import(&app, org, cred, bytes, false).await;
        assert!(!out.summary.applied, "{name}: must not apply");
        assert!(out.summary.errors >= 1, "{name}: reports an error");
        let text = format!("{:?}", out.problems);
        assert!(text.contains(needle), "{name}: {needle:?} not in {text}");
        assert!(
            out.problems.iter().all(|p| p.line <= 3),
            "{name}: the line is named"
        );
    }
    // One bad row among good ones: all or nothing by default…
    let mut mixed = GOOD.to_vec();
    mixed.push("52998224725;Ana;;;;;;;;X-1;1;;;10/10/2026;abc;");
    let out = import(&app, org, cred, csv(&mixed), false).await;
    assert!(!out.summary.applied);
    assert!(!out.file_fault, "bad rows: partial would apply the others");
    assert_eq!(out.problems[0].line, 6);
    assert_eq!(out.problems[0].column, "valor");
    assert!(
        out.problems_csv()
            .starts_with("\u{feff}linha;coluna;valor;motivo\n6;valor;abc;")
    );
    assert_eq!(
        debtors::count(&db, org).await.unwrap(),
        0,
        "nothing was written"
    );
    // …and with partial the good rows go in.
    let out = import(&app, org, cred, csv(&mixed), true).await;
    assert!(out.summary.applied);
    assert_eq!(
        (out.summary.receivables_created, out.summary.errors),
        (4, 1)
    );
    assert_eq!(debtors::count(&db, org).await.unwrap(), 3);
    // A broken file is refused whole even with partial.
    let out = import(&app, org, cred, csv(&[GOOD[0], "\"x;y"]), true).await;
    assert!(!out.summary.applied);
    assert!(out.file_fault, "a fault of the file, not of a row");
    // A delimiter too many shifts the values after it: the row is refused,
    // saying so; a multi-line cell (as spreadsheets write it) is one line.
    let shifted =
        "111.444.777-35;João Souza;;;SP;São Paulo;;Rua A; 100;;NF-300;1;1;;30/12/2026;99,90;50,00";
    let multi = "111.444.777-35;João Souza;;;SP;São Paulo;;\"Rua B, 7\nApto 2\";;NF-301;1;1;;30/12/2026;99,90;";
    let out = import(&app, org, cred, csv(&[shifted, multi]), true).await;
    assert!(out.summary.applied, "{:?}", out.problems);
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    assert_eq!(out.problems[0].line, 2);
    assert!(
        out.problems[0]
            .reason
            .contains("17 campos e o cabeçalho 16")
    );
    assert_eq!(out.summary.receivables_created, 1);
}

pub async fn xlsx_and_latin1_files_import(db: Db) {
    let (app, org, cred) = setup(db).await;
    // Windows-1252 with a comma delimiter and a decimal point.
    let latin1 = b"documento_devedor,nome_devedor,numero_documento,vencimento,valor\n52998224725,Jo\xe3o Concei\xe7\xe3o,NF-1,2026-10-10,1234.56\n".to_vec();
    let out = import(&app, org, cred, latin1, false).await;
    assert!(out.summary.applied, "{:?}", out.problems);
    let found = app.search_debtors(org, "joao conc", 5).await.unwrap();
    assert_eq!(found[0].name, "João Conceição");

    // What spreadsheets save as "Texto Unicode": UTF-16 with a BOM, tabs.
    let text = "documento_devedor\tnome_devedor\tnumero_documento\tvencimento\tvalor\r\n52998224725\tJoão Conceição\tNF-2\t10/10/2026\t1.234,56\r\n";
    let mut unicode = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        unicode.extend_from_slice(&u.to_le_bytes());
    }
    let out = import(&app, org, cred, unicode, false).await;
    assert!(out.summary.applied, "{:?}", out.problems);
    assert_eq!(out.summary.receivables_created, 1, "{:?}", out.problems);
    assert_eq!(out.summary.debtors_created, 0, "{:?}", out.summary);

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in [
        "documento_devedor",
        "nome_devedor",
        "numero_documento",
        "parcela",
        "vencimento",
        "valor",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "11144477735").unwrap();
    sheet.write_string(1, 1, "Bia Lima").unwrap();
    sheet.write_string(1, 2, "NF-9").unwrap();
    sheet.write_number(1, 3, 1.0).unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 9, 15).unwrap();
    sheet
        .write_datetime_with_format(
            1,
            4,
            &date,
            &rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy"),
        )
        .unwrap();
    sheet.write_number(1, 5, 150.75).unwrap();
    // A date typed into a General cell is stored as its serial day (46280 is
    // 15/09/2026); in a date column it is read as that date.
    sheet.write_string(2, 0, "11144477735").unwrap();
    sheet.write_string(2, 1, "Bia Lima").unwrap();
    sheet.write_string(2, 2, "NF-9").unwrap();
    sheet.write_number(2, 3, 2.0).unwrap();
    sheet.write_number(2, 4, 46280.0).unwrap();
    sheet.write_number(2, 5, 99.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let out = app
        .import_receivables(
            org,
            cred,
            FileKind::Xlsx,
            Cursor::new(bytes),
            &ImportOptions {
                reversals: Default::default(),
                run: None,
                partial: false,
                source: "x.xlsx".into(),
            },
            Actor::Cli,
            &|_| {},
        )
        .await
        .unwrap();
    assert!(out.summary.applied, "{:?}", out.problems);
    let bia = app.search_debtors(org, "bia", 5).await.unwrap();
    let view = app
        .debtor_360(org, bia[0].id, jiff::civil::date(2026, 9, 1))
        .await
        .unwrap();
    assert_eq!(
        view.receivables[0].receivable.due_date,
        jiff::civil::date(2026, 9, 15)
    );
    assert_eq!(view.receivables[0].receivable.original_amount, 15_075);
    assert_eq!(view.receivables.len(), 2);
    assert!(
        view.receivables
            .iter()
            .all(|r| r.receivable.due_date == jiff::civil::date(2026, 9, 15)),
        "{:?}",
        view.receivables
            .iter()
            .map(|r| r.receivable.due_date)
            .collect::<Vec<_>>()
    );
    // Saved with the 1904 date system (Excel for Mac): its dates are those
    // Excel shows, not 4 years and a day earlier.
    let mac = include_bytes!("../fixtures/mac1904.xlsx").to_vec();
    let out = app
        .import_receivables(
            org,
            cred,
            FileKind::Xlsx,
            Cursor::new(mac),
            &ImportOptions {
                reversals: Default::default(),
                run: None,
                partial: false,
                source: "mac.xlsx".into(),
            },
            Actor::Cli,
            &|_| {},
        )
        .await
        .unwrap();
    assert!(out.summary.applied, "{:?}", out.problems);
    let mac = app.search_debtors(org, "mac excel", 5).await.unwrap();
    let view = app
        .debtor_360(org, mac[0].id, jiff::civil::date(2026, 1, 1))
        .await
        .unwrap();
    let r = &view.receivables[0].receivable;
    assert_eq!(
        (r.issue_date, r.due_date),
        (
            Some(jiff::civil::date(2026, 1, 5)),
            jiff::civil::date(2026, 1, 10)
        )
    );
    let bad = app
        .import_receivables(
            org,
            cred,
            FileKind::Xlsx,
            Cursor::new(b"not a zip".to_vec()),
            &ImportOptions {
                reversals: Default::default(),
                run: None,
                partial: false,
                source: "x.xlsx".into(),
            },
            Actor::Cli,
            &|_| {},
        )
        .await
        .unwrap();
    assert!(!bad.summary.applied && bad.problems[0].reason.contains("XLSX"));
}

/// An import large enough to defer the secondary indexes (more rows than
/// the table held, at least 50,000): every row lands, progress reaches the
/// whole file, the indexes are back for searches and aging, and a re-import
/// afterwards finds every row unchanged.
pub async fn large_import_defers_indexes_and_reports_progress(db: Db) {
    use std::sync::Mutex;
    let (app, org, cred) = setup(db.clone()).await;
    let spec = quita_app::synthetic::SyntheticPortfolio {
        receivables: 52_000,
        seed: quita_app::synthetic::DEFAULT_SEED,
        as_of: jiff::civil::date(2026, 11, 23),
    };
    let mut bytes = Vec::new();
    quita_app::synthetic::write_portfolio(&spec, &mut bytes).unwrap();
    let len = bytes.len() as u64;
    let seen = Mutex::new(Vec::new());
    let record = |p: quita_app::portfolio::import::ImportProgress| seen.lock().unwrap().push(p);
    let out = app
        .import_receivables(
            org,
            cred,
            FileKind::Csv,
            Cursor::new(bytes.clone()),
            &ImportOptions {
                reversals: Default::default(),
                run: None,
                partial: false,
                source: "bulk.csv".into(),
            },
            Actor::Cli,
            &record,
        )
        .await
        .unwrap();
    assert!(out.summary.applied, "{:?}", out.problems.first());
    assert_eq!(
        (out.summary.rows, out.summary.receivables_created),
        (52_000, 52_000)
    );
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() > 5, "progress after each batch");
    assert!(
        seen.windows(2)
            .all(|w| w[0].rows <= w[1].rows && w[0].bytes <= w[1].bytes)
    );
    let last = seen.last().unwrap();
    assert_eq!((last.rows, last.bytes), (52_000, len));

    let report = app
        .aging(
            org,
            &AgingQuery {
                creditor_id: None,
                debtor_id: None,
                as_of: spec.as_of,
                buckets: AgingBuckets::default(),
            },
        )
        .await
        .unwrap();
    assert_eq!(report.total().count, 52_000);
    assert_eq!(
        debtors::count(&app.db, org).await.unwrap(),
        i64::try_from(out.summary.debtors_created).unwrap()
    );
    let first_name: String = String::from_utf8_lossy(&bytes)
        .lines()
        .nth(1)
        .unwrap()
        .split(';')
        .nth(1)
        .unwrap()
        .chars()
        .take(5)
        .collect();
    assert!(
        !app.search_debtors(org, &first_name, 5)
            .await
            .unwrap()
            .is_empty(),
        "search by {first_name:?} after the rebuild"
    );

    // The head of the same file again: all unchanged.
    let head: Vec<u8> = String::from_utf8_lossy(&bytes)
        .lines()
        .take(1001)
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes();
    let again = import(&app, org, cred, head, false).await;
    assert_eq!(
        (again.summary.unchanged, again.summary.receivables_created),
        (1000, 0)
    );
}

/// Dropped contact values and unknown columns are reported as warnings and
/// refuse nothing; a row that would change a closed receivable refuses the
/// file unless `partial`, and then only that row is reported.
pub async fn warnings_and_closed_receivables(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    let mut file = String::from(HEADER);
    file.push_str(";observacao\n");
    file.push_str("529.982.247-25;Maria;bad@;(00) 98765-4321|0xx11 98765-4321;XX;;123;;;D1;1;;;28/02/2026;10,00;;nota\n");
    let out = import(&app, org, cred, file.into_bytes(), false).await;
    let s = &out.summary;
    assert!(s.applied, "{:?}", out.problems);
    assert_eq!((s.receivables_created, s.errors, s.warnings), (1, 0, 5));
    let found: Vec<(u64, &str)> = out
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (1, "observacao"),
            (2, "email"),
            (2, "telefones"),
            (2, "uf"),
            (2, "cep")
        ]
    );
    assert!(out.problems.iter().all(|p| p.reason.starts_with("aviso: ")));
    assert_eq!(out.problems[2].value, "(00) 98765-4321");
    let maria = debtors::find_by_document(&db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let view = app
        .debtor_360(org, maria.id, jiff::civil::date(2026, 11, 23))
        .await
        .unwrap();
    assert_eq!(
        view.contacts
            .iter()
            .map(|c| c.value.as_str())
            .collect::<Vec<_>>(),
        ["+5511987654321"],
        "the 0xx spelling is kept, the bad values are not"
    );

    // D1 is paid in full; a file that changes it is refused as a whole.
    let stored = quita_store::portfolio::receivables::list_for_debtor(&db, org, maria.id)
        .await
        .unwrap()
        .remove(0);
    let day = |d: jiff::civil::Date| {
        i64::from(d.since(jiff::civil::date(1970, 1, 1)).unwrap().get_days())
    };
    let mut tx = db.begin_write().await.unwrap();
    quita_store::portfolio::import::update_receivable(
        &mut tx,
        stored.id,
        &quita_store::portfolio::import::ImportReceivable {
            debtor_id: stored.debtor_id,
            contract_id: stored.contract_id,
            document_number: stored.document_number.clone(),
            installment: stored.installment,
            installments: stored.installments,
            issue_day: None,
            due_day: day(stored.due_date),
            adjusted_due_day: day(stored.adjusted_due_date),
            original_amount: stored.original_amount,
            open_balance: 0,
            status: "paid",
        },
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let changed = csv(&[
        "529.982.247-25;Maria;;;;;;;;D1;1;;;28/02/2026;20,00;",
        "529.982.247-25;Maria;;;;;;;;D2;1;;;28/03/2026;30,00;",
    ]);
    let refused = import(&app, org, cred, changed.clone(), false).await;
    assert!(!refused.summary.applied);
    assert_eq!(
        (refused.summary.errors, refused.summary.receivables_created),
        (1, 0)
    );
    assert_eq!(refused.problems[0].line, 2);
    assert!(
        refused.problems[0].reason.contains("já está pago"),
        "{}",
        refused.problems[0].reason
    );
    let left = quita_store::portfolio::receivables::list_for_debtor(&db, org, maria.id)
        .await
        .unwrap();
    assert_eq!(left.len(), 1, "D2 was not written");
    assert_eq!(left[0].status.as_str(), "paid");

    let partial = import(&app, org, cred, changed, true).await.summary;
    assert!(partial.applied);
    assert_eq!(
        (
            partial.errors,
            partial.receivables_created,
            partial.unchanged
        ),
        (1, 1, 0),
        "the refused row is counted once, as an error"
    );
}

/// `--partial` with a mix of outcomes: every row read is created, updated,
/// unchanged or refused, once. A row that would change a receivable a
/// previous import settled is refused and not counted as unchanged too; a
/// receivable repeated in the file names the line where it first appeared.
pub async fn partial_counts_add_up(db: Db) {
    let (app, org, cred) = setup(db).await;
    // PG-1 arrives settled (valor_aberto 0): paid, closed to imports.
    let settled = "111.444.777-35;João Souza;;;;;;;;PG-1;1;;;10/10/2026;80,00;0,00";
    let mut first = GOOD.to_vec();
    first.push(settled);
    let out = import(&app, org, cred, csv(&first), false).await;
    assert!(out.summary.applied, "{:?}", out.problems);
    assert_eq!(out.summary.receivables_created, 5);

    // The reviewer's case: the settled row again with an open amount.
    let reopen = "111.444.777-35;João Souza;;;;;;;;PG-1;1;;;10/10/2026;80,00;80,00";
    let s = import(&app, org, cred, csv(&[GOOD[0], GOOD[2], reopen]), true)
        .await
        .summary;
    assert!(s.applied);
    assert_eq!(
        (s.rows, s.unchanged, s.receivables_updated, s.errors),
        (3, 2, 0, 1),
        "the refused row is not unchanged too"
    );

    let rows = [
        // 2: unchanged.
        GOOD[0],
        // 3: open amount 400,00 → 300,00: updated.
        "52998224725;Maria da Silva;;;;;;;CT-1;NF-100;2;2;01/09/2026;10/11/2026;1.000,00;300,00",
        // 4: would reopen the settled PG-1: refused.
        reopen,
        // 5: new.
        "111.444.777-35;João Souza;;;;;;;;NF-500;1;;;30/12/2026;10,00;",
        // 6: two bad values, one refused row.
        "111.444.777-35;João Souza;;;;;;;;NF-501;1;;;31/02/2026;abc;",
        // 7: line 5 again.
        "111.444.777-35;João Souza;;;;;;;;NF-500;1;;;30/12/2026;10,00;",
        // 8: a delimiter too many.
        "111.444.777-35;João Souza;;;SP;São Paulo;;Rua A; 1;;NF-502;1;;;30/12/2026;10,00;5,00",
        // 9: new, with a warning only (the e-mail is dropped).
        "111.444.777-35;João Souza;joao@;;;;;;;NF-503;1;;;30/12/2026;10,00;",
    ];
    let out = import(&app, org, cred, csv(&rows), true).await;
    let s = &out.summary;
    assert!(s.applied, "{:?}", out.problems);
    assert_eq!(
        (
            s.rows,
            s.receivables_created,
            s.receivables_updated,
            s.unchanged,
            s.errors,
            s.warnings
        ),
        // Warnings: the dropped e-mail and the note naming the update.
        (8, 2, 1, 1, 5, 2),
        "{:?}",
        out.problems
    );
    let refused: std::collections::BTreeSet<u64> = out
        .problems
        .iter()
        .filter(|p| !p.is_warning())
        .map(|p| p.line)
        .collect();
    assert_eq!(refused.iter().copied().collect::<Vec<_>>(), [4, 6, 7, 8]);
    assert_eq!(
        s.receivables_created + s.receivables_updated + s.unchanged + refused.len() as u64,
        s.rows,
        "created + updated + unchanged + refused rows = rows"
    );
    let lines: Vec<u64> = out.problems.iter().map(|p| p.line).collect();
    assert!(lines.is_sorted(), "file order: {lines:?}");
    let repeated = out.problems.iter().find(|p| p.line == 7).unwrap();
    assert_eq!(
        (repeated.value.as_str(), repeated.reason.as_str()),
        (
            "NF-500 parcela 1",
            "título repetido no arquivo (já na linha 5)"
        )
    );

    // The same file without `partial`: refused whole, nothing counted.
    let s = import(&app, org, cred, csv(&rows), false).await.summary;
    assert!(!s.applied);
    assert_eq!(
        (s.receivables_created, s.receivables_updated, s.unchanged),
        (0, 0, 0)
    );
    assert!(s.errors >= 4, "{s:?}");
}

/// The error report is opened in spreadsheets: a value from the file that
/// would start a formula (`=`, `+`, `-`, `@`) is written as text, with a
/// single quote in front, in every text column; the problems themselves
/// (the API's JSON, the page) keep the value as found.
pub async fn error_report_cells_are_never_formulas(db: Db) {
    let (app, org, cred) = setup(db).await;
    let mut file = String::from(HEADER);
    file.push_str(";=1+2\n");
    for row in [
        // 2: the amount is a formula (quoted: it holds the delimiter).
        r#"52998224725;Ana;;;;;;;;X-1;1;;;10/10/2026;"=HYPERLINK(""http://x"";""clique"")";;"#,
        // 3..5: a date, an amount and a document that spreadsheets would compute.
        "52998224725;Ana;;;;;;;;X-2;1;;;+1+1;10,00;;",
        "52998224725;Ana;;;;;;;;X-3;1;;;10/10/2026;-2+3;;",
        "@SUM(1);Ana;;;;;;;;X-4;1;;;10/10/2026;10,00;;",
        // 6: an e-mail dropped with a warning.
        "52998224725;Ana;=cmd@x;;;;;;;X-5;1;;;10/10/2026;10,00;;",
        // 7, 8: a document number starting with `-`, then repeated.
        "52998224725;Ana;;;;;;;;-X-6;1;;;10/10/2026;10,00;;",
        "52998224725;Ana;;;;;;;;-X-6;1;;;10/10/2026;10,00;;",
    ] {
        file.push_str(row);
        file.push('\n');
    }
    let out = import(&app, org, cred, file.into_bytes(), true).await;
    assert!(out.summary.applied, "{:?}", out.problems);
    let raw: Vec<(u64, &str, &str)> = out
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        raw,
        [
            (1, "=1+2", ""),
            (2, "valor", r#"=HYPERLINK("http://x";"clique")"#),
            (3, "vencimento", "+1+1"),
            (4, "valor", "-2+3"),
            (5, "documento_devedor", "@SUM(1)"),
            (6, "email", "=cmd@x"),
            (8, "numero_documento", "-X-6 parcela 1"),
        ],
        "the problems keep the values as found"
    );

    let report = out.problems_csv();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(report.strip_prefix('\u{feff}').unwrap().as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), raw.len());
    for r in &records {
        for cell in r.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} in {r:?}"
            );
        }
    }
    let cells: Vec<(&str, &str, &str)> = records.iter().map(|r| (&r[0], &r[1], &r[2])).collect();
    assert_eq!(
        cells,
        [
            ("1", "'=1+2", ""),
            ("2", "valor", r#"'=HYPERLINK("http://x";"clique")"#),
            ("3", "vencimento", "'+1+1"),
            ("4", "valor", "'-2+3"),
            ("5", "documento_devedor", "'@SUM(1)"),
            ("6", "email", "'=cmd@x"),
            ("8", "numero_documento", "'-X-6 parcela 1"),
        ]
    );
    assert!(
        records[6][3].contains("já na linha 7"),
        "{:?}",
        &records[6][3]
    );
}

/// A contract number is one debtor's, and a title one debtor's: a row that
/// names another debtor's contract, or repeats another debtor's title under
/// its own CPF/CNPJ, is refused, naming the column, and moves nothing.
pub async fn rows_never_move_contracts_or_titles_between_debtors(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    // GOOD: Maria's CT-1 (NF-100/1, /2); João's NF-200/1.
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let joao = "111.444.777-35;João Souza;;;;;;;";
    let cases = [
        // João names Maria's stored contract.
        (
            format!("{joao}CT-1;NF-900;1;;;30/12/2026;10,00;"),
            "contrato",
        ),
        // Maria's title NF-100/1 under João's CPF.
        (
            format!("{joao};NF-100;1;2;01/09/2026;10/10/2026;1.000,00;"),
            "documento_devedor",
        ),
    ];
    for (row, column) in &cases {
        let out = import(&app, org, cred, csv(&[row.as_str()]), false).await;
        assert!(!out.summary.applied, "{row}");
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        assert_eq!(
            (out.problems[0].line, out.problems[0].column.as_str()),
            (2, *column)
        );
        // With --partial the row alone is left out.
        let out = import(&app, org, cred, csv(&[row.as_str(), GOOD[3]]), true).await;
        assert!(out.summary.applied);
        assert_eq!(
            (
                out.summary.errors,
                out.summary.unchanged,
                out.summary.receivables_updated
            ),
            (1, 1, 0),
            "{:?}",
            out.problems
        );
    }
    // Two new debtors with one new contract number in one file: the second
    // row is refused.
    let ana = "390.533.447-05;Ana Lima;;;;;;;CT-9;NF-901;1;;;30/12/2026;10,00;";
    let bia = "153.509.460-56;Bia Reis;;;;;;;CT-9;NF-902;1;;;30/12/2026;10,00;";
    let out = import(&app, org, cred, csv(&[ana, bia]), false).await;
    assert!(!out.summary.applied);
    assert_eq!(
        out.problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect::<Vec<_>>(),
        [(3, "contrato")]
    );

    let maria = debtors::find_by_document(&db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let joao = debtors::find_by_document(&db, org, "11144477735")
        .await
        .unwrap()
        .unwrap();
    let on = jiff::civil::date(2026, 11, 23);
    let (m, j) = (
        app.debtor_360(org, maria.id, on).await.unwrap(),
        app.debtor_360(org, joao.id, on).await.unwrap(),
    );
    assert_eq!((m.receivables.len(), m.contracts.len()), (2, 1));
    assert_eq!((j.receivables.len(), j.contracts.len()), (1, 0));
    // A contract is created with the kind its first row suggests: 1 of 2 a
    // crediário; the 14th fee with no total a recurring one.
    use quita_core::contract::ContractKind;
    assert_eq!(m.contracts[0].contract.kind, ContractKind::InstallmentPlan);
    let fee = "111.444.777-35;João Souza;;;;;;;ASS-1;MEN-14;14;;;30/12/2026;49,90;";
    assert!(
        import(&app, org, cred, csv(&[fee]), false)
            .await
            .summary
            .applied
    );
    let j = app.debtor_360(org, joao.id, on).await.unwrap();
    assert_eq!(j.contracts[0].contract.kind, ContractKind::Recurring);
}

/// The `honorarios` column says a contract has the collection-fee clause:
/// the creditor's fee is then charged on its receivables (a new contract
/// gets the clause; a stored one without terms of its own gets it later).
pub async fn the_fee_clause_column_lets_the_fee_be_charged(db: Db) {
    let (app, org, _) = setup(db.clone()).await;
    let policy = ChargePolicy {
        late_fine: Percent::whole(2),
        default_interest_monthly: Percent::whole(1),
        collection_fee: Percent::whole(10),
        consumer_relation: false,
        ..ChargePolicy::default()
    };
    let cred = app
        .create_creditor(org, "Assessoria", "11.222.333/0001-81", &policy, Actor::Cli)
        .await
        .unwrap();
    let file = |rows: &[&str]| {
        let mut s = String::from(
            "documento_devedor;nome_devedor;contrato;numero_documento;vencimento;valor;honorarios",
        );
        for r in rows {
            s.push('\n');
            s.push_str(r);
        }
        s.push('\n');
        s.into_bytes()
    };
    let out = import(
        &app,
        org,
        cred.id,
        file(&[
            "529.982.247-25;Maria;CT-A;A-1;10/01/2026;1.000,00;sim",
            "111.444.777-35;João;CT-B;B-1;10/01/2026;1.000,00;",
            // Without a contract the clause means nothing: a warning.
            "111.444.777-35;João;;C-1;10/01/2026;1.000,00;sim",
        ]),
        false,
    )
    .await;
    assert!(out.summary.applied, "{:?}", out.problems);
    assert_eq!(out.summary.warnings, 1, "{:?}", out.problems);
    let on = jiff::civil::date(2026, 3, 15);
    let fee_of = |v: &quita_app::portfolio::debtors::Debtor360, doc: &str| {
        v.receivables
            .iter()
            .find(|r| r.receivable.document_number == doc)
            .and_then(|r| r.update.as_ref())
            .map(|u| u.collection_fee())
            .unwrap()
    };
    let maria = debtors::find_by_document(&db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let joao = debtors::find_by_document(&db, org, "11144477735")
        .await
        .unwrap()
        .unwrap();
    let m = app.debtor_360(org, maria.id, on).await.unwrap();
    assert!(fee_of(&m, "A-1").is_positive());
    let j = app.debtor_360(org, joao.id, on).await.unwrap();
    assert!(fee_of(&j, "B-1").is_zero() && fee_of(&j, "C-1").is_zero());
    // C-1 is under no contract: it follows its creditor's own terms.
    assert_eq!(
        j.creditor_terms
            .iter()
            .map(|c| c.creditor_name.as_str())
            .collect::<Vec<_>>(),
        ["Assessoria"]
    );
    // A later file says CT-B has the clause: granted, as its terms were none.
    let out = import(
        &app,
        org,
        cred.id,
        file(&["111.444.777-35;João;CT-B;B-2;10/01/2026;1.000,00;S"]),
        false,
    )
    .await;
    assert!(out.summary.applied, "{:?}", out.problems);
    let j = app.debtor_360(org, joao.id, on).await.unwrap();
    assert!(fee_of(&j, "B-1").is_positive() && fee_of(&j, "B-2").is_positive());
    // A bad value refuses the row, naming the column.
    let out = import(
        &app,
        org,
        cred.id,
        file(&["111.444.777-35;João;CT-B;B-3;10/01/2026;1.000,00;talvez"]),
        false,
    )
    .await;
    assert!(!out.summary.applied);
    assert_eq!(out.problems[0].column, "honorarios");
}

/// Another name under a known CPF: the debtor keeps its name, the row's
/// título is applied but not its contacts, and the report says so, naming
/// the name kept; within one file, a second name for a CPF met earlier is
/// told too. Case and accents are no other name.
pub async fn another_name_under_a_known_document_is_told(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let other = [
        "111.444.777-35;JOÃO SOUZA;;;;;;;;NF-201;1;1;;30/12/2026;10,00;",
        "529.982.247-25;José Conceição Araújo;jose@example.com;(11) 97777-6666;;;;;;NF-300;1;1;;30/12/2026;10,00;",
        "39053344705;Ana Lima;ana@example.com;;;;;;;NF-400;1;1;;30/12/2026;10,00;",
        "390.533.447-05;Ana Paula Lima;anapaula@example.com;;;;;;;NF-401;1;1;;30/12/2026;10,00;",
    ];
    // With one bad row besides, the file is refused, and its report still
    // lists every problem: the names only the stored debtors reveal, the
    // bad row's error and the warning of its e-mail.
    let mut with_bad = other.to_vec();
    with_bad.push("111.444.777-35;João Souza;joao@;;;;;;;NF-402;1;1;;30/12/2026;1.234;");
    let refused = import(&app, org, cred, csv(&with_bad), false).await;
    assert!(!refused.summary.applied);
    assert_eq!(refused.summary.receivables_created, 0);
    let found: Vec<(u64, &str, bool)> = refused
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.is_warning()))
        .collect();
    for expected in [
        (3, "nome_devedor", true),
        (5, "nome_devedor", true),
        (6, "valor", false),
        (6, "email", true),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    assert_eq!(
        debtors::find_by_document(&db, org, "39053344705")
            .await
            .unwrap(),
        None,
        "nothing written"
    );

    let fourth = import(&app, org, cred, csv(&other), false).await;
    assert!(fourth.summary.applied, "{:?}", fourth.problems);
    assert_eq!(fourth.summary.receivables_created, 4);
    let names: Vec<(u64, &str, &str)> = fourth
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (3, "nome_devedor", "José Conceição Araújo"),
            (5, "nome_devedor", "Ana Paula Lima")
        ],
        "{:?}",
        fourth.problems
    );
    assert!(fourth.problems.iter().all(|p| p.is_warning()));
    assert!(
        fourth.problems[0]
            .reason
            .contains("este CPF/CNPJ já tem outro nome (“Maria da Silva”)"),
        "{:?}",
        fourth.problems[0]
    );
    // Met earlier in the same file: the line whose name is kept.
    assert!(
        fourth.problems[1]
            .reason
            .contains("este CPF/CNPJ já tem outro nome (o da linha 4)"),
        "{:?}",
        fourth.problems[1]
    );

    let maria = debtors::find_by_document(&db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(maria.name, "Maria da Silva");
    // The títulos are the debtor's; the contacts of a row under another
    // name, likely someone else's, are not.
    let contacts_of = |id| {
        let db = db.clone();
        async move {
            quita_store::portfolio::contacts::list_for_debtor(&db, org, id)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.value)
                .collect::<Vec<_>>()
        }
    };
    let of_maria = contacts_of(maria.id).await;
    assert!(
        !of_maria.contains(&"jose@example.com".to_owned())
            && !of_maria.contains(&"+5511977776666".to_owned()),
        "{of_maria:?}"
    );
    let ana = debtors::find_by_document(&db, org, "39053344705")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contacts_of(ana.id).await, ["ana@example.com"]);
    let view = app
        .debtor_360(org, maria.id, jiff::civil::date(2026, 11, 23))
        .await
        .unwrap();
    assert!(
        view.receivables
            .iter()
            .any(|r| r.receivable.document_number == "NF-300")
    );
}

/// Two organizations importing large files at the same moment both succeed
/// (on PostgreSQL each may take bulk mode only while no one else uses the
/// portfolio tables; before, both dropped indexes and one died of a
/// deadlock), and each gets exactly its own rows.
pub async fn two_organizations_import_at_once(db: Db) {
    let (app, alfa, alfa_creditor) = setup(db.clone()).await;
    let beta = app
        .create_org(
            quita_app::admin::NewOrgInput {
                name: quita_core::org::OrgName::parse("Beta").unwrap(),
                slug: None,
                document: None,
                mode: quita_core::org::OrgMode::Agency,
            },
            Actor::Cli,
        )
        .await
        .unwrap()
        .id;
    let beta_creditor = app
        .create_creditor(
            beta,
            "Loja",
            "34.028.316/0001-03",
            &ChargePolicy::default(),
            Actor::Cli,
        )
        .await
        .unwrap()
        .id;
    let spec = quita_app::synthetic::SyntheticPortfolio {
        receivables: 16_000,
        seed: quita_app::synthetic::DEFAULT_SEED,
        as_of: jiff::civil::date(2026, 11, 23),
    };
    let mut bytes = Vec::new();
    quita_app::synthetic::write_portfolio(&spec, &mut bytes).unwrap();
    let (a, b) = tokio::join!(
        import(&app, alfa, alfa_creditor, bytes.clone(), false),
        import(&app, beta, beta_creditor, bytes, false),
    );
    for out in [&a, &b] {
        assert!(out.summary.applied, "{:?}", out.problems.first());
        assert_eq!(out.summary.receivables_created, 16_000);
    }
    for org in [alfa, beta] {
        let q = AgingQuery {
            creditor_id: None,
            debtor_id: None,
            as_of: spec.as_of,
            buckets: AgingBuckets::default(),
        };
        assert_eq!(app.aging(org, &q).await.unwrap().total().count, 16_000);
    }
}

/// Headings as spreadsheets write them: a currency mark never hides a
/// column (`Saldo (R$)` is the open amount, which was ignored and every
/// título imported fully open), every phone column is read (`Telefone 1`,
/// `Telefone 2`, `Celular`), a row's e-mail is its first good one in any
/// e-mail column (another is named on the row); two amounts are still
/// refused.
pub async fn spreadsheet_headings_are_read(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    let file = "CPF;Nome;Nº Documento;Vencimento;Valor (R$);Saldo (R$);Telefone 1;Telefone 2;Celular;E-mail 1;E-mail 2;Observação\n\
                529.982.247-25;Maria;NF-1;10/10/2026;1.000,00;250,00;(11) 3333-4444;(00) 3333-4444;(11) 98765-4321;maria@exemplo.com.br;outra@exemplo.com.br;ligar\n";
    let out = import(&app, org, cred, file.as_bytes().to_vec(), false).await;
    let s = &out.summary;
    assert!(s.applied, "{:?}", out.problems);
    assert_eq!((s.receivables_created, s.errors), (1, 0));
    let found: Vec<(u64, &str, &str, &str)> = out
        .problems
        .iter()
        .map(|p| {
            (
                p.line,
                p.column.as_str(),
                p.value.as_str(),
                p.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                1,
                "Observação",
                "",
                "aviso: coluna 12 desconhecida, ignorada"
            ),
            (
                2,
                "email (E-mail 2)",
                "outra@exemplo.com.br",
                "aviso: outro e-mail na linha, não lido (um e-mail por linha: fica o primeiro), valor descartado"
            ),
            (
                2,
                "telefones (Telefone 2)",
                "(00) 3333-4444",
                "aviso: telefone inválido: o DDD 00 não existe, valor descartado"
            ),
        ]
    );
    assert_eq!(s.warnings, 3);
    let maria = debtors::find_by_document(&db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let view = app
        .debtor_360(org, maria.id, jiff::civil::date(2026, 11, 23))
        .await
        .unwrap();
    let r = &view.receivables[0].receivable;
    assert_eq!((r.original_amount, r.open_balance), (100_000, 25_000));
    let mut contacts: Vec<&str> = view.contacts.iter().map(|c| c.value.as_str()).collect();
    contacts.sort_unstable();
    assert_eq!(
        contacts,
        ["+551133334444", "+5511987654321", "maria@exemplo.com.br"]
    );

    let twice = "CPF;Nome;Nº Documento;Vencimento;Valor (R$);Valor\n\
                 529.982.247-25;Maria;NF-2;10/10/2026;10,00;20,00\n";
    let out = import(&app, org, cred, twice.as_bytes().to_vec(), false).await;
    assert!(!out.summary.applied);
    assert_eq!(
        out.problems[0].reason,
        "coluna valor aparece duas vezes (colunas 5 e 6)"
    );
}

/// A later, slimmer file (balances only, as creditors send monthly) keeps
/// what it does not say: the contract, the issue date, the installment
/// total, and without `valor_aberto` what was paid. No file undoes a payment.
pub async fn slim_files_keep_what_they_do_not_say_and_never_undo_payments(db: Db) {
    use quita_core::receivable::ReceivableStatus;
    use quita_store::portfolio::receivables;

    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let maria = debtors::find_by_document(&db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let titles = || {
        let db = db.clone();
        async move {
            let mut l = receivables::list_for_debtor(&db, org, maria.id)
                .await
                .unwrap();
            l.sort_by_key(|r| r.installment);
            l
        }
    };
    let before = titles().await;
    assert!(before[0].contract_id.is_some());
    let slim = with_header;
    let balances =
        "documento_devedor;nome_devedor;numero_documento;parcela;vencimento;valor;valor_aberto";

    // A balance paid down, in a file without contrato, emissao or total.
    let out = import(
        &app,
        org,
        cred,
        slim(
            balances,
            &["52998224725;Maria da Silva;NF-100;1;10/10/2026;1.000,00;700,00"],
        ),
        false,
    )
    .await;
    assert_eq!(
        (out.summary.applied, out.summary.receivables_updated),
        (true, 1),
        "{:?}",
        out.problems
    );
    assert_eq!(
        out.problems[0].reason, "aviso: título atualizado: valor em aberto R$ 1.000,00 → R$ 700,00",
        "only the balance changed"
    );
    // The other three titles being collected are not in this file.
    assert_eq!(out.summary.not_in_file, 3);
    let after = titles().await;
    assert_eq!(
        (
            after[0].contract_id,
            after[0].issue_date,
            after[0].installments,
            after[0].open_balance,
            after[0].status
        ),
        (
            before[0].contract_id,
            before[0].issue_date,
            before[0].installments,
            70_000,
            ReceivableStatus::PartiallyPaid
        )
    );

    // Without valor_aberto: what was paid stays paid (NF-100/2: 600 of 1.000),
    // even when the amount changes.
    let amounts = "documento_devedor;nome_devedor;numero_documento;parcela;vencimento;valor";
    let out = import(
        &app,
        org,
        cred,
        slim(
            amounts,
            &["52998224725;Maria da Silva;NF-100;2;10/11/2026;1.000,00"],
        ),
        false,
    )
    .await;
    assert_eq!(
        (out.summary.unchanged, out.summary.receivables_updated),
        (1, 0)
    );
    let out = import(
        &app,
        org,
        cred,
        slim(
            amounts,
            &["52998224725;Maria da Silva;NF-100;2;10/11/2026;1.200,00"],
        ),
        false,
    )
    .await;
    assert_eq!(out.summary.receivables_updated, 1, "{:?}", out.problems);
    let after = titles().await;
    assert_eq!(
        (after[1].original_amount, after[1].open_balance),
        (120_000, 60_000)
    );

    // The first month's file again: its blank balances keep the payments,
    // and a stated balance above the stored one is refused, naming it.
    let out = import(&app, org, cred, csv(&GOOD), false).await;
    assert!(out.summary.applied, "{:?}", out.problems);
    assert_eq!(out.summary.not_in_file, 0, "every title named");
    let older = GOOD[0].replace("1.000,00;", "1.000,00;1.000,00");
    let out = import(&app, org, cred, csv(&[older.as_str()]), false).await;
    assert!(!out.summary.applied);
    assert_eq!(
        (
            out.problems[0].line,
            out.problems[0].column.as_str(),
            out.problems[0].value.as_str()
        ),
        (2, "valor_aberto", "R$ 1.000,00")
    );
    assert!(
        out.problems[0].reason.starts_with(
            "o valor em aberto subiria de R$ 700,00 para R$ 1.000,00, desfazendo R$ 300,00 já pagos"
        ),
        "{}",
        out.problems[0].reason
    );
    assert_eq!(titles().await[0].open_balance, 70_000, "nothing written");
    // A lower amount that would shrink what was paid, or fall below it.
    let refused = |bytes: Vec<u8>| {
        let app = &app;
        async move {
            let out = import(app, org, cred, bytes, false).await;
            assert!(!out.summary.applied);
            let p = &out.problems[0];
            (p.column.clone(), p.value.clone(), p.reason.clone())
        }
    };
    let (column, value, reason) = refused(slim(
        balances,
        &["52998224725;Maria da Silva;NF-100;1;10/10/2026;900,00;700,00"],
    ))
    .await;
    assert_eq!((column.as_str(), value.as_str()), ("valor", "R$ 900,00"));
    assert!(
        reason.starts_with("o valor pago ou abatido cairia de R$ 300,00 para R$ 200,00 (valor R$ 1.000,00 → R$ 900,00; em aberto R$ 700,00 → R$ 700,00)"),
        "{reason}"
    );
    let (column, _, reason) = refused(slim(
        amounts,
        &["52998224725;Maria da Silva;NF-100;1;10/10/2026;200,00"],
    ))
    .await;
    assert_eq!(column, "valor");
    assert!(
        reason.starts_with("o novo valor (R$ 200,00) é menor que o já pago ou abatido (R$ 300,00)"),
        "{reason}"
    );
    // A refused file tells what a title would have become, not that it was.
    let out = import(
        &app,
        org,
        cred,
        slim(
            balances,
            &[
                "52998224725;Maria da Silva;NF-100;1;10/10/2026;1.000,00;650,00",
                "52998224725;Maria da Silva;NF-101;1;10/10/2026;abc;",
            ],
        ),
        false,
    )
    .await;
    assert!(!out.summary.applied);
    assert_eq!(
        out.problems[0].reason,
        "aviso: título seria atualizado (nada foi gravado): valor em aberto R$ 700,00 → R$ 650,00"
    );

    // Excel's accounting zero settles it.
    let out = import(
        &app,
        org,
        cred,
        slim(
            balances,
            &["52998224725;Maria da Silva;NF-100;1;10/10/2026;1.000,00; R$ -  "],
        ),
        false,
    )
    .await;
    assert_eq!(out.summary.receivables_updated, 1, "{:?}", out.problems);
    assert_eq!(titles().await[0].status, ReceivableStatus::Paid);

    // Values under a header's trailing blank cells are told, once.
    let out = import(
        &app,
        org,
        cred,
        slim(
            &format!("{balances};;"),
            &[
                "52998224725;Maria da Silva;NF-100;2;10/11/2026;1.200,00;600,00;;",
                "52998224725;Maria da Silva;NF-100;2;10/11/2026;1.200,00;600,00;;obs",
            ],
        ),
        true,
    )
    .await;
    let told: Vec<_> = out
        .problems
        .iter()
        .filter(|p| p.reason.contains("sem nome no cabeçalho"))
        .map(|p| (p.line, p.value.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(
        told,
        [(
            3,
            "obs",
            "aviso: coluna 9 sem nome no cabeçalho tem valores: ignorados (nesta e em outras linhas)"
        )]
    );
}

/// A returned cheque: a later file shows a paid (or partly paid) title owed
/// again. Refused unless the import accepts reversals; then the title opens
/// again, the report and the timeline say "estorno", and the summary counts it.
pub async fn reversals_reopen_titles_only_when_accepted(db: Db) {
    use quita_app::portfolio::import::Reversals;
    use quita_core::receivable::ReceivableStatus;
    use quita_store::portfolio::receivables;

    let (app, org, cred) = setup(db.clone()).await;
    let header =
        "documento_devedor;nome_devedor;numero_documento;parcela;vencimento;valor;valor_aberto";
    let file = |rows: &[&str]| with_header(header, rows);
    let with = |bytes: Vec<u8>, reversals: Reversals| {
        let app = &app;
        async move {
            app.import_receivables(
                org,
                cred,
                FileKind::Csv,
                Cursor::new(bytes),
                &ImportOptions {
                    reversals,
                    run: None,
                    partial: false,
                    source: "importação estorno.csv".into(),
                },
                Actor::Cli,
                &|_| {},
            )
            .await
            .unwrap()
        }
    };
    // One title paid, one partly paid.
    let paid = with(
        file(&[
            "52998224725;Maria da Silva;NF-1;1;10/10/2026;1.000,00;0,00",
            "52998224725;Maria da Silva;NF-2;1;10/11/2026;500,00;200,00",
        ]),
        Reversals::Refused,
    )
    .await;
    assert_eq!(paid.summary.receivables_created, 2, "{:?}", paid.problems);
    let maria = debtors::find_by_document(&db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let titles = || {
        let db = db.clone();
        async move {
            let mut l = receivables::list_for_debtor(&db, org, maria.id)
                .await
                .unwrap();
            l.sort_by(|a, b| a.document_number.cmp(&b.document_number));
            l.into_iter()
                .map(|r| (r.status, r.open_balance))
                .collect::<Vec<_>>()
        }
    };
    let settled = vec![
        (ReceivableStatus::Paid, 0),
        (ReceivableStatus::PartiallyPaid, 20_000),
    ];
    assert_eq!(titles().await, settled);

    let returned = file(&[
        "52998224725;Maria da Silva;NF-1;1;10/10/2026;1.000,00;1.000,00",
        "52998224725;Maria da Silva;NF-2;1;10/11/2026;500,00;350,00",
    ]);
    // Without reversals: refused, each row naming valor_aberto and the way out.
    let refused = with(returned.clone(), Reversals::Refused).await;
    assert!(!refused.summary.applied);
    let told: Vec<_> = refused
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        told,
        [
            (2, "valor_aberto", "R$ 1.000,00"),
            (3, "valor_aberto", "R$ 350,00")
        ]
    );
    assert!(
        refused.problems[0]
            .reason
            .starts_with("o título já está pago: a importação não o reabre;"),
        "{}",
        refused.problems[0].reason
    );
    assert!(
        refused
            .problems
            .iter()
            .all(|p| p.reason.ends_with("importe aceitando estornos")),
        "{:?}",
        refused.problems
    );
    assert_eq!(titles().await, settled, "nothing written");

    // With reversals: both reopened, said and counted.
    let taken = with(returned.clone(), Reversals::Accepted).await;
    let s = &taken.summary;
    assert!(s.applied, "{:?}", taken.problems);
    assert_eq!((s.receivables_updated, s.reversals, s.errors), (2, 2, 0));
    assert_eq!(
        taken.problems[0].reason,
        "aviso: título atualizado: valor em aberto R$ 0,00 → R$ 1.000,00; estorno de R$ 1.000,00 (pago ou abatido R$ 1.000,00 → R$ 0,00)"
    );
    assert_eq!(
        titles().await,
        [
            (ReceivableStatus::Open, 100_000),
            (ReceivableStatus::PartiallyPaid, 35_000)
        ]
    );
    let agent = crate::debtor_view::principal(org, quita_core::role::Role::Agent, 1);
    let events = app
        .debtor_timeline_of(&agent, maria.id, None, 10)
        .await
        .unwrap();
    assert!(
        events.iter().any(|e| matches!(
            &e.what,
            quita_app::portfolio::timeline::TimelineWhat::ReceivableImported { changes, .. }
                if changes.ends_with("estorno de R$ 150,00 (pago ou abatido R$ 300,00 → R$ 150,00)")
        )),
        "{events:?}"
    );
    // The same file again changes nothing, with or without reversals.
    let again = with(returned, Reversals::Accepted).await.summary;
    assert_eq!((again.unchanged, again.reversals), (2, 0));
    // A payment after the reversal is an ordinary update.
    let paid_again = with(
        file(&["52998224725;Maria da Silva;NF-1;1;10/10/2026;1.000,00;0,00"]),
        Reversals::Refused,
    )
    .await
    .summary;
    assert_eq!(
        (paid_again.receivables_updated, paid_again.reversals),
        (1, 0)
    );
}

/// A spreadsheet drops the leading zeros of a number column: `000123`
/// comes back as `123` (or the reverse, when the creditor's system sends
/// them again). Such a row is the stored title, told with a warning; a
/// number with letters is compared as written; in one file, two such
/// numbers are one title named twice.
pub async fn numbers_without_their_leading_zeros_are_the_same_title(db: Db) {
    use quita_store::portfolio::receivables;

    let (app, org, cred) = setup(db.clone()).await;
    let file = |rows: &[&str]| {
        with_header(
            "documento_devedor;nome_devedor;numero_documento;parcela;vencimento;valor;valor_aberto",
            rows,
        )
    };
    let first = import(
        &app,
        org,
        cred,
        file(&[
            "52998224725;Maria;000123;1;10/10/2026;100,00;",
            "52998224725;Maria;000123;2;10/11/2026;100,00;",
            "52998224725;Maria;456;1;10/10/2026;50,00;",
            "52998224725;Maria;0789;1;10/10/2026;70,00;",
            "52998224725;Maria;NF-0001;1;10/10/2026;30,00;",
        ]),
        false,
    )
    .await;
    assert_eq!(first.summary.receivables_created, 5, "{:?}", first.problems);
    // In one file, numbers that differ only in leading zeros are one title
    // named twice: refused, as any repeat.
    let twice = import(
        &app,
        org,
        cred,
        file(&[
            "52998224725;Maria;000123;1;10/10/2026;100,00;80,00",
            "52998224725;Maria;123;1;10/10/2026;100,00;60,00",
        ]),
        false,
    )
    .await;
    assert!(!twice.summary.applied);
    let refused: Vec<_> = twice
        .problems
        .iter()
        .filter(|p| !p.is_warning())
        .map(|p| (p.line, p.reason.as_str()))
        .collect();
    assert_eq!(
        refused,
        [(
            3,
            "título repetido no arquivo (já na linha 2, com o mesmo número ou o mesmo sem zeros à esquerda)"
        )]
    );

    let out = import(
        &app,
        org,
        cred,
        file(&[
            "52998224725;Maria;123;1;10/10/2026;100,00;",
            "52998224725;Maria;0000123;2;10/11/2026;100,00;60,00",
            "52998224725;Maria;00456;1;10/10/2026;50,00;",
            "52998224725;Maria;789;1;10/10/2026;70,00;",
            "52998224725;Maria;NF-1;1;10/10/2026;30,00;",
            "52998224725;Maria;123;3;10/12/2026;100,00;",
        ]),
        false,
    )
    .await;
    let s = &out.summary;
    assert!(s.applied, "{:?}", out.problems);
    // 123/1, 00456 and 789 unchanged; 0000123/2 updated; NF-1 (letters)
    // and 123/3 (no such installment) new.
    assert_eq!(
        (s.unchanged, s.receivables_updated, s.receivables_created),
        (3, 1, 2)
    );
    let told: Vec<_> = out
        .problems
        .iter()
        .filter(|p| p.reason.contains("zeros à esquerda"))
        .map(|p| (p.line, p.value.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(
        told,
        [
            (
                2,
                "123",
                "aviso: lido como o título 000123 já registrado: só os zeros à esquerda diferem (uma planilha costuma tirá-los)"
            ),
            (
                3,
                "0000123",
                "aviso: lido como o título 000123 já registrado: só os zeros à esquerda diferem (uma planilha costuma tirá-los)"
            ),
            (
                4,
                "00456",
                "aviso: lido como o título 456 já registrado: só os zeros à esquerda diferem (uma planilha costuma tirá-los)"
            ),
            (
                5,
                "789",
                "aviso: lido como o título 0789 já registrado: só os zeros à esquerda diferem (uma planilha costuma tirá-los)"
            ),
        ]
    );
    let maria = debtors::find_by_document(&db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let mut numbers: Vec<(String, i64, i64)> = receivables::list_for_debtor(&db, org, maria.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.document_number, r.installment, r.open_balance))
        .collect();
    numbers.sort();
    let expected: Vec<(String, i64, i64)> = [
        ("000123", 1, 10_000),
        ("000123", 2, 6_000),
        ("0789", 1, 7_000),
        ("123", 3, 10_000),
        ("456", 1, 5_000),
        ("NF-0001", 1, 3_000),
        ("NF-1", 1, 3_000),
    ]
    .into_iter()
    .map(|(n, i, o)| (n.to_owned(), i, o))
    .collect();
    assert_eq!(numbers, expected, "stored numbers keep their zeros");

    // Two titles stored apart by their zeros (before numbers were matched
    // so): a third form of the number is told, and makes a title of its own.
    let mut tx = db.begin_write().await.unwrap();
    let legacy = |number: &str| quita_store::portfolio::import::ImportReceivable {
        debtor_id: maria.id,
        contract_id: None,
        document_number: number.to_owned(),
        installment: 1,
        installments: None,
        issue_day: None,
        due_day: quita_store::day_number(jiff::civil::date(2026, 10, 10)),
        adjusted_due_day: quita_store::day_number(jiff::civil::date(2026, 10, 13)),
        original_amount: 1_000,
        open_balance: 1_000,
        status: "open",
    };
    quita_store::portfolio::import::insert_receivables(
        &mut tx,
        org,
        cred,
        &[legacy("0555"), legacy("555")],
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let out = import(
        &app,
        org,
        cred,
        file(&["52998224725;Maria;00555;1;10/10/2026;10,00;"]),
        false,
    )
    .await;
    assert_eq!(out.summary.receivables_created, 1, "{:?}", out.problems);
    assert_eq!(
        out.problems[0].reason,
        "aviso: há títulos registrados que diferem deste só nos zeros à esquerda (0555, 555): a linha vale como um título novo; confira"
    );
}
