//! The real return files in tests/fixtures/cnab read exactly as their README
//! says.

use quita_br::cnab::{Bank, CnabFormat, OccurrenceKind, ReturnRecord, parse_return};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/cnab/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn money(c: quita_br::centavos::Centavos) -> String {
    c.to_string()
}

fn date(d: Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

#[test]
fn itau_400() {
    let file = parse_return(&fixture("CNAB400ITAU.RET")).unwrap();
    assert_eq!(file.format(), CnabFormat::Cnab400);
    assert_eq!(file.bank(), Some(Bank::Itau));
    assert_eq!(file.bank_code(), "341");
    assert_eq!(file.records().len(), 52);
    let r: &ReturnRecord = &file.records()[0];
    assert_eq!(r.agency, "0730");
    assert_eq!(r.account, "03511-0");
    assert_eq!(r.bank_reference, "00000011");
    assert_eq!(r.wallet, "109");
    assert_eq!(r.occurrence.code(), "06");
    assert_eq!(r.occurrence.kind(), OccurrenceKind::Paid);
    assert_eq!(r.occurrence.description(), Some("Liquidação normal"));
    assert_eq!(money(r.face_value), "40.00");
    assert_eq!(money(r.fee), "2.10");
    assert_eq!(money(r.amount_paid), "37.90");
    assert_eq!(r.amount_credited.map(money).as_deref(), Some("37.90"));
    assert_eq!(money(r.interest), "0.00");
    assert_eq!(date(r.occurrence_date), "2013-05-20");
    assert_eq!(date(r.credit_date), "2013-05-21");
    assert_eq!(r.sequence, 2);
    assert_eq!(r.line, 2);
}

#[test]
fn bradesco_400() {
    let file = parse_return(&fixture("CNAB400BRADESCO.RET")).unwrap();
    assert_eq!(file.bank(), Some(Bank::Bradesco));
    assert_eq!(file.records().len(), 6);
    let r = &file.records()[0];
    assert_eq!(r.bank_reference, "000000000303");
    assert_eq!(r.wallet, "009");
    assert_eq!(date(r.due_date), "2015-05-25");
    assert_eq!(money(r.face_value), "1450.00");
    assert_eq!(money(r.fee), "1.60");
    assert_eq!(money(r.amount_paid), "1450.00");
    assert_eq!(r.occurrence.code(), "02");
    assert_eq!(r.occurrence.kind(), OccurrenceKind::Registered);
    assert_eq!(date(r.occurrence_date), "2015-05-15");
    assert_eq!(date(r.credit_date), "2015-05-15");
}

#[test]
fn santander_400() {
    let file = parse_return(&fixture("CNAB400SANTANDER.RET")).unwrap();
    assert_eq!(file.bank(), Some(Bank::Santander));
    assert_eq!(file.records().len(), 52);
    let r = &file.records()[0];
    assert_eq!(r.occurrence.code(), "06");
    assert_eq!(money(r.amount_paid), "37.90");
}

#[test]
fn febraban_240_banco_do_brasil() {
    let file = parse_return(&fixture("CNAB240.RET")).unwrap();
    assert_eq!(file.format(), CnabFormat::Cnab240);
    assert_eq!(file.bank(), Some(Bank::BancoDoBrasil));
    assert_eq!(file.records().len(), 35);
    let r = &file.records()[0];
    assert_eq!(r.bank_reference, "14499570000020673");
    assert_eq!(r.wallet, "7");
    assert_eq!(money(r.face_value), "344.00");
    assert_eq!(money(r.fee), "1.03");
    assert_eq!(money(r.amount_paid), "344.00");
    assert_eq!(r.amount_credited.map(money).as_deref(), Some("342.97"));
    assert_eq!(money(r.interest), "0.09");
    assert_eq!(money(r.discount), "0.01");
    assert_eq!(money(r.rebate), "0.02");
    assert_eq!(money(r.iof), "0.03");
    assert_eq!(money(r.other_expenses), "0.04");
    assert_eq!(money(r.other_credits), "0.05");
    assert_eq!(date(r.credit_date), "2012-01-02");
    assert_eq!(r.occurrence.code(), "17");
    assert_eq!(r.occurrence.kind(), OccurrenceKind::Paid);
    assert_eq!(r.line, 3);
}

#[test]
fn sicoob_240() {
    let file = parse_return(&fixture("CNAB240SICOOB.RET")).unwrap();
    assert_eq!(file.bank_code(), "756");
    assert_eq!(file.bank(), None);
    assert_eq!(file.records().len(), 3);
    let r = &file.records()[0];
    assert_eq!(r.occurrence.code(), "06");
    assert_eq!(money(r.face_value), "2.00");
    assert_eq!(money(r.fee), "1.70");
    assert_eq!(money(r.amount_paid), "2.00");
    assert_eq!(date(r.credit_date), "2015-08-10");
}

#[test]
fn santander_240() {
    let file = parse_return(&fixture("CNAB240SANTANDER.RET")).unwrap();
    assert_eq!(file.bank(), Some(Bank::Santander));
    assert_eq!(file.records().len(), 2);
    let r = &file.records()[0];
    assert_eq!(r.occurrence.code(), "02");
    assert_eq!(money(r.amount_paid), "10.00");
    assert_eq!(r.bank_reference, "0000000001406");
    assert_eq!(money(r.face_value), "10.00");
    assert_eq!(date(r.due_date), "2016-04-01");
}

#[test]
fn every_fixture_survives_reencoding() {
    // CR LF ↔ LF and right-trimming do not change what is read.
    for name in [
        "CNAB400ITAU.RET",
        "CNAB400BRADESCO.RET",
        "CNAB240.RET",
        "CNAB240SANTANDER.RET",
    ] {
        let original = fixture(name);
        let text = String::from_utf8(original.clone()).unwrap();
        let lf: String = text
            .replace("\r\n", "\n")
            .lines()
            .map(|l| format!("{}\n", l.trim_end()))
            .collect();
        let crlf = lf.replace('\n', "\r\n");
        let a = parse_return(&original).unwrap();
        assert_eq!(parse_return(lf.as_bytes()).unwrap(), a, "{name} LF");
        assert_eq!(parse_return(crlf.as_bytes()).unwrap(), a, "{name} CRLF");
    }
}
