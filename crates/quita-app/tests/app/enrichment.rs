//! The enrichment import: extra contacts for existing debtors, keeping
//! source and date, never overwriting a contact marked invalid by a bounce.

use std::io::Cursor;

use jiff::SignedDuration;
use quita_app::{
    App,
    portfolio::{
        enrichment::{EnrichmentOptions, EnrichmentOutcome},
        import::FileKind,
    },
};
use quita_store::{
    Db,
    audit::Actor,
    portfolio::{
        contacts::{self, ContactRow},
        debtors,
    },
};

use crate::import::{GOOD, csv, import, setup};

const HEADER: &str =
    "documento_devedor;email;telefones;whatsapp;trabalho;fonte;endereco;cidade;uf;cep";

fn file(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

/// Maria: her bounced e-mail again and a new mobile; João: a new work
/// e-mail with its own source; the bakery: its known phone.
const ENRICH: [&str; 3] = [
    "529.982.247-25;MARIA@exemplo.com.br;(11) 91234-5678;sim;;;;;;",
    "111.444.777-35;joao.novo@x.com.br;;;sim;Bureau X;;;;",
    "11.222.333/0001-81;;21 98765-4321;;;;;;;",
];

async fn enrich(app: &App, org: i64, bytes: Vec<u8>, partial: bool) -> EnrichmentOutcome {
    app.import_contacts(
        org,
        FileKind::Csv,
        Cursor::new(bytes),
        &EnrichmentOptions {
            run: None,
            partial,
            source: "lista".into(),
        },
        Actor::Cli,
        &|_| {},
    )
    .await
    .unwrap()
}

async fn all_contacts(db: &Db, org: i64) -> Vec<ContactRow> {
    let mut ids = Vec::new();
    for doc in ["52998224725", "11144477735", "11222333000181"] {
        ids.push(
            debtors::find_by_document(db, org, doc)
                .await
                .unwrap()
                .unwrap()
                .id,
        );
    }
    let mut tx = db.begin_write().await.unwrap();
    contacts::list_for_debtors(&mut tx, org, &ids)
        .await
        .unwrap()
}

/// An app whose organization holds the receivables import's good file
/// (Maria, João and the bakery, with their contacts).
async fn with_portfolio(db: &Db) -> (App, i64) {
    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    (app, org)
}

pub async fn enrichment_keeps_bounces_and_sources(db: Db) {
    let (app, org) = with_portfolio(&db).await;
    // Maria's e-mail bounced.
    let bounced = all_contacts(&db, org)
        .await
        .into_iter()
        .find(|c| c.value == "maria@exemplo.com.br")
        .unwrap();
    let mut tx = db.begin_write().await.unwrap();
    contacts::set_status(
        &mut tx,
        org,
        bounced.id,
        "invalid",
        Some("bounce"),
        app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let bounced = all_contacts(&db, org)
        .await
        .into_iter()
        .find(|c| c.id == bounced.id)
        .unwrap();
    let before = all_contacts(&db, org).await.len();

    let out = enrich(&app, org, file(&ENRICH), false).await;
    let s = &out.summary;
    assert!(s.applied, "{:?}", out.problems);
    assert_eq!(
        (
            s.rows,
            s.contacts_created,
            s.skipped_invalid,
            s.unchanged,
            s.unknown_debtors,
            s.errors
        ),
        (3, 2, 1, 1, 0, 0)
    );
    let after = all_contacts(&db, org).await;
    assert_eq!(after.len(), before + 2);
    // The bounce is untouched: status, reason, source and date.
    assert_eq!(after.iter().find(|c| c.id == bounced.id), Some(&bounced));
    // New contacts keep their source and date.
    let phone = after.iter().find(|c| c.value == "+5511912345678").unwrap();
    assert_eq!(
        (
            phone.source.as_str(),
            phone.source_date,
            phone.whatsapp,
            phone.status.as_str()
        ),
        ("lista", app.now(), true, "unverified")
    );
    let work = after
        .iter()
        .find(|c| c.value == "joao.novo@x.com.br")
        .unwrap();
    assert_eq!((work.source.as_str(), work.workplace), ("Bureau X", true));

    // The same file again changes nothing.
    let again = enrich(&app, org, file(&ENRICH), false).await.summary;
    assert_eq!(
        (
            again.contacts_created,
            again.contacts_refreshed,
            again.unchanged,
            again.skipped_invalid
        ),
        (0, 0, 3, 1)
    );
    assert_eq!(all_contacts(&db, org).await, after);

    // Days later, unverified contacts take the newer source and date; the
    // bounce still does not move.
    let (later_app, clock) = crate::app(db.clone());
    clock.advance(SignedDuration::from_hours(48));
    let later = enrich(&later_app, org, file(&ENRICH), false).await.summary;
    assert_eq!(
        (
            later.contacts_created,
            later.contacts_refreshed,
            later.skipped_invalid
        ),
        (0, 3, 1)
    );
    let now = all_contacts(&db, org).await;
    assert_eq!(now.iter().find(|c| c.id == bounced.id), Some(&bounced));
    let bakery = now.iter().find(|c| c.value == "+5521987654321").unwrap();
    assert_eq!(
        (bakery.source.as_str(), bakery.source_date),
        ("lista", later_app.now())
    );
}

pub async fn enrichment_bad_rows_change_nothing(db: Db) {
    let (app, org) = with_portfolio(&db).await;
    let before = all_contacts(&db, org).await;
    let rows = [
        "529.982.247-25;nova@exemplo.com.br;;;;;;;;",
        // A valid CPF that is not a debtor of this organization.
        "318.447.092-05;alguem@x.com.br;;;;;;;;",
        "111.444.777-35;;1234;;;;;;;",
        "111.444.777-35;;;talvez;;;Rua A, 1;;XX;",
    ];
    let out = enrich(&app, org, file(&rows), false).await;
    assert!(!out.summary.applied);
    assert_eq!(out.summary.unknown_debtors, 1);
    assert_eq!(out.summary.contacts_created, 0);
    let problems: Vec<(u64, &str)> = out
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert!(problems.contains(&(3, "documento_devedor")), "{problems:?}");
    assert!(problems.contains(&(4, "telefones")), "{problems:?}");
    assert!(problems.contains(&(5, "whatsapp")), "{problems:?}");
    assert!(problems.contains(&(5, "uf")), "{problems:?}");
    // The unknown debtor (line 3) is found after its batch is read; the
    // report still reads in file order, and so does the CLI's "first at".
    assert!(problems.is_sorted_by_key(|(line, _)| *line), "{problems:?}");
    assert_eq!(problems[0], (3, "documento_devedor"));
    assert_eq!(out.summary.errors, out.problems.len() as u64);
    assert!(
        out.problems_csv()
            .starts_with("\u{feff}linha;coluna;valor;motivo\n3;documento_devedor;")
    );
    assert_eq!(all_contacts(&db, org).await, before, "nothing half-applied");

    // --partial applies the good row only.
    let partial = enrich(&app, org, file(&rows), true).await.summary;
    assert!(partial.applied);
    assert_eq!((partial.contacts_created, partial.errors), (1, 4));
    assert_eq!(all_contacts(&db, org).await.len(), before.len() + 1);

    // A value that would start a spreadsheet formula is written as text.
    let out = enrich(
        &app,
        org,
        file(&["111.444.777-35;;;=1+1;@SUM(1);;Rua A, 1;;;"]),
        false,
    )
    .await;
    let cells: Vec<(&str, &str)> = out
        .problems
        .iter()
        .map(|p| (p.column.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(cells, [("whatsapp", "=1+1"), ("trabalho", "@SUM(1)")]);
    let report = out.problems_csv();
    assert!(
        report.contains("\n2;whatsapp;'=1+1;") && report.contains("\n2;trabalho;'@SUM(1);"),
        "{report}"
    );

    // Bad files: empty, header only, no document column, binary.
    for (bytes, what) in [
        (Vec::new(), "vazio"),
        (format!("{HEADER}\n").into_bytes(), "cabeçalho"),
        (
            b"email;telefones\nx@y.com.br;\n".to_vec(),
            "documento_devedor",
        ),
        (b"documento_devedor;email\n\0\0\0".to_vec(), "binário"),
    ] {
        let out = enrich(&app, org, bytes, true).await;
        assert!(!out.summary.applied, "{what}");
        assert!(
            out.problems.iter().any(|p| p.reason.contains(what)),
            "{what}: {:?}",
            out.problems
        );
    }

    // Windows-1252, comma-separated.
    let latin1: Vec<u8> = b"documento_devedor,endereco,cidade,uf,cep\n111.444.777-35,Rua S\xe3o Jo\xe3o 10,S\xe3o Paulo,sp,01310-100\n".to_vec();
    let out = enrich(&app, org, latin1, false).await;
    assert!(out.summary.applied, "{:?}", out.problems);
    assert!(
        all_contacts(&db, org)
            .await
            .iter()
            .any(|c| c.value == "Rua São João 10"
                && c.city.as_deref() == Some("São Paulo")
                && c.uf.as_deref() == Some("SP"))
    );
}

/// A file longer than one batch (5,000 rows) is read, decided and written
/// in batches inside one transaction: a contact repeated in a later batch
/// counts as unchanged, and a bad row at the very end still refuses the
/// whole file (the earlier batches roll back) unless `partial`.
pub async fn enrichment_streams_a_long_file_all_or_nothing(db: Db) {
    let (app, org) = with_portfolio(&db).await;
    let before = all_contacts(&db, org).await;
    let documents = ["529.982.247-25", "111.444.777-35", "11.222.333/0001-81"];
    let mut rows: Vec<String> = (0..12_000)
        .map(|i| {
            // Row 6,000 (second batch) repeats row 0's e-mail, same debtor.
            let n = if i == 6_000 { 0 } else { i };
            format!("{};m{n}@lista.com.br;;;;;;;;", documents[i % 3])
        })
        .collect();
    rows.push("111.444.777-35;;1234;;;;;;;".into());
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();

    let out = enrich(&app, org, file(&rows), false).await;
    let s = &out.summary;
    assert!(!s.applied);
    assert_eq!((s.rows, s.errors), (12_001, 1));
    assert_eq!(
        (s.contacts_created, s.contacts_refreshed, s.unchanged),
        (0, 0, 0)
    );
    assert_eq!(out.problems[0].line, 12_002);
    assert_eq!(out.problems[0].column, "telefones");
    assert_eq!(all_contacts(&db, org).await, before, "nothing half-applied");

    let s = enrich(&app, org, file(&rows), true).await.summary;
    assert!(s.applied);
    assert_eq!((s.contacts_created, s.unchanged, s.errors), (11_999, 1, 1));
    assert_eq!(all_contacts(&db, org).await.len(), before.len() + 11_999);
}

/// The enrichment reads its header as the receivables import does: each
/// column it does not read is a warning at line 1 (they were dropped
/// silently), every phone column is read (`Telefone 2`, `Celular`,
/// `Telefone Fixo`), and an unknown debtor is reported with its CPF/CNPJ as
/// typed, not normalised.
pub async fn enrichment_reads_its_header_as_the_import_does(db: Db) {
    let (app, org) = with_portfolio(&db).await;
    let before = all_contacts(&db, org).await.len();
    let unknown = b"documento_devedor;telefones;Telefone 2;Email Comercial;Observa\xc3\xa7\xc3\xa3o\n\
                    111.444.777-35;(11) 95555-4444;(11) 96666-5555;comercial@example.com;ligar \xc3\xa0 tarde\n"
        .to_vec();
    let out = enrich(&app, org, unknown, false).await;
    let s = &out.summary;
    assert!(s.applied, "{:?}", out.problems);
    assert_eq!((s.contacts_created, s.errors, s.warnings), (2, 0, 2));
    let found: Vec<(u64, &str, &str)> = out
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                1,
                "Email Comercial",
                "aviso: coluna 4 desconhecida, ignorada"
            ),
            (1, "Observação", "aviso: coluna 5 desconhecida, ignorada"),
        ]
    );

    let cel = "CPF;E-mail;Celular;Telefone Fixo\n\
               529.982.247-25;bureau1@example.com;(11) 95555-4444;(11) 3333-2222\n\
               318.447.092-05;;(11) 97777-1234;\n";
    let out = enrich(&app, org, cel.as_bytes().to_vec(), true).await;
    let s = &out.summary;
    assert!(s.applied, "{:?}", out.problems);
    assert_eq!(
        (s.contacts_created, s.errors, s.warnings, s.unknown_debtors),
        (3, 1, 0, 1)
    );
    let p = &out.problems[0];
    assert_eq!(
        (p.line, p.column.as_str(), p.value.as_str()),
        (3, "documento_devedor", "318.447.092-05"),
        "the value as found"
    );
    // A bad phone is named with the column that held it.
    let fixo = "CPF;Telefone Fixo\n529.982.247-25;(00) 3333-2222\n";
    let out = enrich(&app, org, fixo.as_bytes().to_vec(), true).await;
    let p = &out.problems[0];
    assert_eq!(
        (p.line, p.column.as_str(), p.value.as_str()),
        (2, "telefones (Telefone Fixo)", "(00) 3333-2222"),
        "{:?}",
        out.problems
    );
    let values: Vec<String> = all_contacts(&db, org)
        .await
        .into_iter()
        .map(|c| c.value)
        .collect();
    assert_eq!(values.len(), before + 5);
    for v in [
        "+5511955554444",
        "+5511966665555",
        "+5511955554444",
        "+551133332222",
        "bureau1@example.com",
    ] {
        assert!(values.iter().any(|x| x == v), "{v}: {values:?}");
    }

    // A DDD column completes the numbers written without one.
    let ddd = "CPF;DDD;Telefone\n529.982.247-25;(021);98888-7777|(31) 3222-1111\n";
    let out = enrich(&app, org, ddd.as_bytes().to_vec(), false).await;
    assert!(out.summary.applied, "{:?}", out.problems);
    assert_eq!(out.summary.contacts_created, 2);
    let values: Vec<String> = all_contacts(&db, org)
        .await
        .into_iter()
        .map(|c| c.value)
        .collect();
    assert!(values.contains(&"+5521988887777".to_owned()), "{values:?}");
    assert!(values.contains(&"+553132221111".to_owned()), "{values:?}");
}

/// A row whose name is not the one stored for its CPF/CNPJ (most likely a
/// wrong document) adds nothing, with a warning; the same name written
/// otherwise (case, accents) is the same person.
pub async fn enrichment_leaves_out_contacts_under_another_name(db: Db) {
    let (app, org) = with_portfolio(&db).await;
    let before = all_contacts(&db, org).await.len();
    let bytes = "documento_devedor;nome;email\n\
        529.982.247-25;Desconhecido da Silva;x@y.com.br\n\
        529.982.247-25;MARIA DA SILVA;maria.nova@x.com.br\n\
        111.444.777-35;;joao.outro@x.com.br\n"
        .as_bytes()
        .to_vec();
    let out = enrich(&app, org, bytes, false).await;
    assert!(out.summary.applied, "{:?}", out.problems);
    assert_eq!(
        (
            out.summary.contacts_created,
            out.summary.warnings,
            out.summary.errors
        ),
        (2, 1, 0)
    );
    assert_eq!(
        (
            out.problems[0].line,
            out.problems[0].column.as_str(),
            out.problems[0].value.as_str()
        ),
        (2, "nome_devedor", "Desconhecido da Silva")
    );
    assert!(
        out.problems[0]
            .reason
            .starts_with("aviso: este CPF/CNPJ é de “Maria da Silva”, com outro nome"),
        "{}",
        out.problems[0].reason
    );
    let after = all_contacts(&db, org).await;
    assert_eq!(after.len(), before + 2);
    assert!(!after.iter().any(|c| c.value == "x@y.com.br"));
}
