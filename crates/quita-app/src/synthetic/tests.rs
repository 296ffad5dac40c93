use std::collections::{HashMap, HashSet};

use jiff::civil::date;
use quita_br::calendar::BusinessCalendar;
use quita_br::document::DocumentKind;
use quita_core::aging::{AgingBuckets, days_past_due};
use quita_core::import_row::{ImportHeader, ImportRow};

use super::*;

fn generate(spec: &SyntheticPortfolio) -> (Vec<u8>, GenerateSummary) {
    let mut out = Vec::new();
    let summary = write_portfolio(spec, &mut out).unwrap();
    (out, summary)
}

/// Splits `;`-separated text (no quoting) and parses every data row; panics
/// with the line number and the errors or warnings of the first bad row.
fn parse_all(text: &str) -> Vec<ImportRow> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let header = ImportHeader::parse(&header).unwrap();
    assert!(header.unknown_columns().is_empty());
    lines
        .enumerate()
        .map(|(i, line)| {
            let cells: Vec<&str> = line.split(';').collect();
            assert_eq!(cells.len(), 16, "line {}: {line}", i + 2);
            let row = header
                .parse_row(&cells)
                .unwrap_or_else(|e| panic!("line {}: {e:?}\n{line}", i + 2));
            assert!(
                row.warnings().is_empty(),
                "line {}: {:?}\n{line}",
                i + 2,
                row.warnings()
            );
            row
        })
        .collect()
}

#[test]
fn every_row_parses_cleanly() {
    let spec = SyntheticPortfolio::new(5_000);
    let (out, summary) = generate(&spec);
    let text = std::str::from_utf8(&out).unwrap();
    assert_eq!(text.lines().next().unwrap(), HEADER.join(";"));
    assert!(text.ends_with('\n') && !text.contains('"') && !text.contains('\r'));
    let rows = parse_all(text);
    assert_eq!(rows.len() as u64, summary.rows);
    assert_eq!(summary.rows, 5_000);

    // Debtors: distinct documents, about 3 rows each, ~85 % PF, some
    // alphanumeric CNPJs; one document never carries two names.
    let mut names: HashMap<&str, &str> = HashMap::new();
    for r in &rows {
        let prev = names.insert(r.document().digits(), r.name().as_str());
        assert!(prev.is_none_or(|p| p == r.name().as_str()));
    }
    assert_eq!(names.len() as u64, summary.debtors);
    let per_debtor = summary.rows as f64 / summary.debtors as f64;
    assert!((2.7..3.3).contains(&per_debtor), "{per_debtor}");
    let docs: HashSet<_> = rows.iter().map(|r| *r.document()).collect();
    let pf = docs
        .iter()
        .filter(|d| d.kind() == DocumentKind::Cpf)
        .count() as f64;
    assert!((0.80..0.90).contains(&(pf / docs.len() as f64)));
    assert!(
        docs.iter()
            .any(|d| d.digits().bytes().any(|b| b.is_ascii_uppercase()))
    );

    // Receivables: identity unique; contacts present in most rows.
    let ids: HashSet<_> = rows
        .iter()
        .map(|r| (r.document_number().as_str(), r.installment().number()))
        .collect();
    assert_eq!(ids.len(), rows.len());
    let with_phone = rows.iter().filter(|r| !r.phones().is_empty()).count();
    assert!(with_phone * 100 / rows.len() > 80);
    assert!(rows.iter().any(|r| r.phones().len() >= 3));
    assert!(rows.iter().any(|r| r.email().is_some()));
    assert!(rows.iter().any(|r| r.address().is_some()));
    assert!(rows.iter().any(|r| r.open_amount() < r.amount()));
    assert!(rows.iter().any(|r| r.installment().total().is_none()));
    assert!(rows.iter().any(|r| r.installment().total() > Some(1)));
    assert!(rows.iter().any(|r| r.name().as_str().ends_with("LTDA")));
}

#[test]
fn every_aging_bucket_is_represented() {
    let buckets = AgingBuckets::default();
    let calendar = BusinessCalendar::national();
    for n in [7, 100, 3_000] {
        let spec = SyntheticPortfolio::new(n);
        let (out, _) = generate(&spec);
        let rows = parse_all(std::str::from_utf8(&out).unwrap());
        let mut seen = vec![0usize; buckets.len()];
        for r in &rows {
            seen[buckets.classify(days_past_due(r.due_date(), spec.as_of, &calendar))] += 1;
        }
        assert!(seen.iter().all(|&c| c > 0), "{n} rows: {seen:?}");
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let spec = SyntheticPortfolio::new(2_000);
    let (a, sa) = generate(&spec);
    let (b, sb) = generate(&spec);
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    let (c, _) = generate(&SyntheticPortfolio { seed: 7, ..spec });
    assert_ne!(a, c);
    // Another reference date moves the due dates, not the debtors.
    let (d, _) = generate(&SyntheticPortfolio {
        as_of: date(2025, 1, 1),
        ..spec
    });
    let first = |v: &[u8]| {
        let t = String::from_utf8(v.to_vec()).unwrap();
        t.lines()
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(first(&a), first(&d));
    assert_ne!(a, d);
}

#[test]
fn writes_exactly_the_count_and_refuses_bad_specs() {
    for n in [1, 2, 7, 8, 13] {
        let (out, s) = generate(&SyntheticPortfolio::new(n));
        assert_eq!(s.rows, n);
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count() as u64, n + 1);
    }
    let mut sink = Vec::new();
    assert!(matches!(
        write_portfolio(&SyntheticPortfolio::new(0), &mut sink),
        Err(SyntheticError::Count(0))
    ));
    assert!(matches!(
        write_portfolio(
            &SyntheticPortfolio {
                as_of: date(2300, 1, 1),
                ..SyntheticPortfolio::new(1)
            },
            &mut sink
        ),
        Err(SyntheticError::AsOf(_))
    ));
}

#[test]
fn formatting_helpers() {
    let brl = |c| {
        let mut v = Vec::new();
        push_brl(&mut v, c);
        String::from_utf8(v).unwrap()
    };
    assert_eq!(brl(1), "0,01");
    assert_eq!(brl(2_990), "29,90");
    assert_eq!(brl(123_456), "1.234,56");
    assert_eq!(brl(100_000_000), "1.000.000,00");
    let mut v = Vec::new();
    push_date(&mut v, date(2026, 3, 5));
    assert_eq!(v, b"05/03/2026");
    assert_eq!(ascii_fold("Conceição"), "conceicao");
    assert_eq!(ascii_fold("São Jorge"), "saojorge");
}

#[test]
fn word_lists_never_need_quoting() {
    let all = data::FEMALE_NAMES
        .iter()
        .chain(data::MALE_NAMES)
        .chain(data::PARTICLE_SURNAMES)
        .chain(data::SURNAMES)
        .chain(data::COMPANY_ACTIVITIES)
        .chain(data::COMPANY_FANCY)
        .chain(data::STREETS)
        .chain(data::DISTRICTS)
        .chain(CITIES.iter().map(|c| &c.name));
    for w in all {
        assert!(!w.contains([';', '"', '|', '\n', '\r']), "{w}");
    }
    for c in CITIES {
        assert!(quita_core::contact::Uf::parse(c.uf).is_ok());
        assert!(c.cep5.0 <= c.cep5.1 && c.cep5.1 < 100_000 && c.cep5.0 > 0);
    }
}

/// `docs/samples/carteira-exemplo.csv`, the sample in docs/import-format.md,
/// must import cleanly: every row parses with no warning.
#[test]
fn the_documented_sample_parses() {
    let text = include_str!("../../../../docs/samples/carteira-exemplo.csv");
    let rows = parse_all(text);
    assert!(rows.len() >= 20);
    let debtors: HashSet<_> = rows.iter().map(|r| r.document().digits()).collect();
    assert!(debtors.len() < rows.len());
    assert!(
        rows.iter()
            .any(|r| r.document().kind() == DocumentKind::Cnpj)
    );
    assert!(rows.iter().any(|r| r.phones().len() >= 2));
}

/// Throughput probe: `cargo test --release -p quita-app -- --ignored --nocapture synthetic`.
#[test]
#[ignore]
fn synthetic_rows_per_second() {
    let spec = SyntheticPortfolio::new(1_000_000);
    let t = std::time::Instant::now();
    let s = write_portfolio(&spec, io::sink()).unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!("{:.0} rows/s, {} debtors", s.rows as f64 / secs, s.debtors);
}

#[test]
#[ignore]
fn show_sample() {
    let (out, _) = generate(&SyntheticPortfolio::new(25));
    print!("{}", String::from_utf8(out).unwrap());
}
