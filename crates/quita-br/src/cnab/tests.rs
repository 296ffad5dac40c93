//! Faults, remittances and never-panic properties of the CNAB module.

use proptest::prelude::*;

use super::*;

const ITAU: &[u8] = include_bytes!("../../tests/fixtures/cnab/CNAB400ITAU.RET");
const BB240: &[u8] = include_bytes!("../../tests/fixtures/cnab/CNAB240.RET");

fn lines_of(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(|l| l.trim_end_matches('\r').to_owned())
        .collect()
}

fn join(lines: &[String]) -> Vec<u8> {
    lines
        .iter()
        .map(|l| format!("{l}\r\n"))
        .collect::<String>()
        .into_bytes()
}

/// Replaces 1-based columns `from..` of line `n` (1-based) with `text`.
fn patch(bytes: &[u8], n: usize, from: usize, text: &str) -> Vec<u8> {
    let mut lines = lines_of(bytes);
    let mut line: Vec<char> = format!("{:<400}", lines[n - 1]).chars().collect();
    for (i, c) in text.chars().enumerate() {
        line[from - 1 + i] = c;
    }
    lines[n - 1] = line.into_iter().collect::<String>().trim_end().to_owned();
    join(&lines)
}

fn fault(bytes: &[u8]) -> (usize, usize) {
    let e = parse_return(bytes).unwrap_err();
    (e.line(), e.column())
}

#[test]
fn refuses_faults_with_line_and_column() {
    // A letter in an amount.
    assert_eq!(fault(&patch(ITAU, 5, 160, "X")), (5, 160));
    // An impossible date.
    assert_eq!(fault(&patch(ITAU, 3, 111, "310213")), (3, 111));
    // A sequence number out of order.
    assert_eq!(fault(&patch(ITAU, 4, 395, "000009")), (4, 395));
    // A wrong detail count in the Itaú trailer.
    assert_eq!(fault(&patch(ITAU, 54, 213, "00000051")), (54, 213));
    // A wrong total in the Itaú trailer.
    assert_eq!(fault(&patch(ITAU, 54, 221, "00000000268895")), (54, 221));
    // Occurrence not digits.
    assert_eq!(fault(&patch(ITAU, 2, 109, "A6")), (2, 109));
    // Unknown CNAB 400 bank.
    assert_eq!(fault(&patch(ITAU, 1, 77, "999")), (1, 77));
    // CNAB 240: a letter in valor pago (segment U, line 4).
    assert_eq!(fault(&patch(BB240, 4, 80, "A")), (4, 80));
    // CNAB 240: wrong lote trailer count.
    assert_eq!(fault(&patch(BB240, 73, 18, "000071")), (73, 18));
    // CNAB 240: wrong file trailer record count.
    assert_eq!(fault(&patch(BB240, 74, 24, "000075")), (74, 24));
    // CNAB 240: a broken sequence inside the lote.
    assert_eq!(fault(&patch(BB240, 5, 9, "00009")), (5, 9));
    // CNAB 240: a remessa is not a return file.
    assert_eq!(fault(&patch(BB240, 1, 143, "1")), (1, 143));
}

#[test]
fn refuses_structural_faults() {
    let mut lines = lines_of(BB240);
    // Segment T without its U.
    let mut no_u = lines.clone();
    no_u.remove(3);
    assert_eq!(parse_return(&join(&no_u)).unwrap_err().line(), 4);
    // Missing trailer.
    lines.pop();
    assert_eq!(parse_return(&join(&lines)).unwrap_err().line(), 73);
    // Too long a line.
    let mut long = lines_of(ITAU);
    long[1].push('X');
    assert_eq!(fault(&join(&long)), (2, 401));
    // Empty and foreign input.
    assert_eq!(fault(b""), (1, 1));
    assert_eq!(fault(b"hello\n"), (1, 1));
    // A blank line in the middle.
    let mut blank = lines_of(ITAU);
    blank.insert(3, String::new());
    assert_eq!(fault(&join(&blank)), (4, 1));
}

#[test]
fn latin1_and_utf8_read_the_same() {
    let latin1 = patch(ITAU, 2, 325, "JOS\u{c9}");
    let utf8 = String::from_utf8(latin1.clone()).unwrap().into_bytes();
    let latin1: Vec<u8> = String::from_utf8(latin1)
        .unwrap()
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    assert_eq!(parse_return(&latin1).unwrap(), parse_return(&utf8).unwrap());
}

#[test]
fn occurrences_have_descriptions() {
    let file = parse_return(BB240).unwrap();
    let o = file.records()[0].occurrence;
    assert_eq!(
        o.description(),
        Some("Liquidação após baixa ou liquidação título não registrado")
    );
    let baixa = parse_return(ITAU)
        .unwrap()
        .records()
        .iter()
        .find(|r| r.occurrence.code() == "09")
        .cloned()
        .unwrap();
    assert_eq!(baixa.occurrence.kind(), OccurrenceKind::WrittenOff);
}

use super::remessa_tests::remittance;

#[test]
fn remittance_refuses_bad_values() {
    let mut r = remittance(Bank::Itau, 1);
    r.boletos[0].payer.document = "123".into();
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "boletos[0].payer.document"
    );
    let mut r = remittance(Bank::Itau, 1);
    r.boletos[0].bank_reference = "1".repeat(21);
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "boletos[0].bank_reference"
    );
    assert!(remittance_240(&remittance(Bank::Itau, 0)).is_err());
}

proptest! {
    #[test]
    fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1200)) {
        let _ = parse_return(&bytes);
    }

    #[test]
    fn never_panics_on_mutated_files(at in 0usize..ITAU.len(), byte in any::<u8>(), cut in 0usize..2000) {
        let mut v = ITAU.to_vec();
        v[at] = byte;
        let _ = parse_return(&v);
        let mut w = BB240.to_vec();
        let i = at % w.len();
        w[i] = byte;
        w.truncate(w.len().saturating_sub(cut));
        let _ = parse_return(&w);
    }

    /// Any change to an amount digit of an Itaú detail is still read, and a
    /// non-digit there is refused at that exact column.
    #[test]
    fn amount_columns_are_exact(line in 2usize..54, col in 153usize..=165, c in "[0-9A-Z ]") {
        let patched = patch(ITAU, line, col, &c);
        match parse_return(&patched) {
            Ok(_) => prop_assert_eq!(&patched, &join(&lines_of(ITAU)), "a changed face value must be caught"),
            Err(e) => {
                let ch = c.chars().next().unwrap();
                if ch.is_ascii_digit() {
                    // The trailer total catches it.
                    prop_assert_eq!((e.line(), e.column()), (54, 221));
                } else {
                    prop_assert_eq!((e.line(), e.column()), (line, col));
                }
            }
        }
    }
}
