//! CNAB 240 remittances: structure, counts and totals for every bank, and
//! each bank's key fields read back at the columns its layout gives.
//!
//! Expected values are written from the layouts (see the crate README for
//! the sources), not taken from the generator's own output. Columns below are
//! 1-based and inclusive, as in the manuals; `col(line, from, to)` slices
//! them.

use jiff::civil::{Date, date};

use super::*;
use crate::centavos::Centavos;

pub(super) fn remittance(bank: Bank, n: usize) -> Remittance {
    let boleto = |i: usize| RemittanceBoleto {
        bank_reference: format!("{}", 1000 + i),
        document_number: format!("DOC{i}"),
        company_reference: format!("REC-{i}"),
        due_date: date(2026, 12, 10),
        issue_date: date(2026, 11, 23),
        face_value: Centavos::new(12_345 + i as i64).unwrap(),
        interest_per_day: Centavos::new(4).unwrap(),
        discount: Centavos::ZERO,
        discount_date: None,
        discount_2: Centavos::ZERO,
        discount_2_date: None,
        discount_3: Centavos::ZERO,
        discount_3_date: None,
        fine: Centavos::ZERO,
        write_off_days: None,
        messages: Vec::new(),
        payer: Payer {
            document: "529.982.247-25".into(),
            name: "José da Silva".into(),
            address: "Rua das Flores, 10".into(),
            district: "Centro".into(),
            postal_code: "01001-000".into(),
            city: "São Paulo".into(),
            state: "SP".into(),
        },
    };
    let company = match bank {
        // brcobranca's Itaú vector: agência 0810, conta 53678, DAC 9.
        Bank::Itau => Company {
            document: "12.345.678/0001-95".into(),
            name: "Quita Cobranças Ltda".into(),
            agency: "0810".into(),
            agency_dv: String::new(),
            account: "53678".into(),
            account_dv: String::new(),
            convenio: String::new(),
            wallet: "175".into(),
        },
        Bank::Caixa => Company {
            document: "12.345.678/0001-95".into(),
            name: "Quita Cobranças Ltda".into(),
            agency: "1234".into(),
            agency_dv: "5".into(),
            account: String::new(),
            account_dv: String::new(),
            convenio: "123456".into(),
            wallet: String::new(),
        },
        _ => Company {
            document: "12.345.678/0001-95".into(),
            name: "Quita Cobranças Ltda".into(),
            agency: "1234".into(),
            agency_dv: "5".into(),
            account: "123456".into(),
            account_dv: "7".into(),
            convenio: "1234567".into(),
            wallet: String::new(),
        },
    };
    Remittance {
        bank,
        company,
        sequence: 42,
        created_at: date(2026, 11, 23).at(10, 30, 0, 0),
        boletos: (0..n).map(boleto).collect(),
    }
}

/// Columns `from..=to` (1-based) of a record.
fn col(line: &str, from: usize, to: usize) -> &str {
    &line[from - 1..to]
}

fn lines(r: &Remittance) -> Vec<String> {
    let text = remittance_240(r).unwrap();
    assert!(text.is_ascii());
    assert!(text.ends_with("\r\n"));
    text.split_terminator("\r\n").map(str::to_owned).collect()
}

fn ddmmyyyy(d: Date) -> String {
    format!("{:02}{:02}{:04}", d.day(), d.month(), d.year())
}

/// The generic checks every remittance must pass, whatever the bank:
/// widths, record types, sequence numbers, segment order, counts and totals
/// in both trailers.
fn check_structure(r: &Remittance, lines: &[String]) {
    let code = r.bank.code();
    assert!(
        lines.iter().all(|l| l.len() == 240),
        "every record is 240 characters"
    );
    assert!(lines.iter().all(|l| col(l, 1, 3) == code));
    let n = lines.len();
    assert_eq!(col(&lines[0], 4, 8), "00000");
    assert_eq!(col(&lines[0], 143, 143), "1", "remessa");
    assert_eq!(col(&lines[1], 4, 17).get(..8), Some("00011R01"));
    assert_eq!(col(&lines[n - 2], 4, 8), "00015");
    assert_eq!(col(&lines[n - 1], 4, 8), "99999");
    let details = &lines[2..n - 2];
    for (i, d) in details.iter().enumerate() {
        assert_eq!(col(d, 4, 8), "00013");
        assert_eq!(
            col(d, 9, 13),
            format!("{:05}", i + 1),
            "sequence in the lote"
        );
        assert_eq!(col(d, 16, 17), "01", "entrada de títulos");
    }
    // P, Q, then optional R and S, per boleto.
    let segments: String = details.iter().map(|d| col(d, 14, 14)).collect();
    let ps = segments.matches('P').count();
    assert_eq!(ps, r.boletos.len());
    assert!(segments.starts_with("PQ"));
    // Lote trailer: records in the lote incl. header and trailer; count and
    // total of the cobrança simples.
    let t = &lines[n - 2];
    assert_eq!(col(t, 18, 23), format!("{:06}", details.len() + 2));
    assert_eq!(col(t, 24, 29), format!("{:06}", r.boletos.len()));
    let total: i64 = r.boletos.iter().map(|b| b.face_value.get()).sum();
    assert_eq!(col(t, 30, 46), format!("{total:017}"));
    // File trailer: one lote; all records of the file.
    let f = &lines[n - 1];
    assert_eq!(col(f, 18, 23), "000001");
    assert_eq!(col(f, 24, 29), format!("{n:06}"));
    // Every P carries its boleto's due date and value at 78–85 / 86–100.
    let ps = details.iter().filter(|d| col(d, 14, 14) == "P");
    for (d, b) in ps.zip(&r.boletos) {
        assert_eq!(col(d, 78, 85), ddmmyyyy(b.due_date));
        assert_eq!(col(d, 86, 100), format!("{:015}", b.face_value.get()));
        assert_eq!(col(d, 110, 117), ddmmyyyy(b.issue_date));
    }
}

#[test]
fn every_bank_writes_well_formed_files() {
    for bank in Bank::ALL {
        for n in [1, 3, 17] {
            let r = remittance(bank, n);
            let lines = lines(&r);
            let per_boleto = if bank == Bank::Caixa { 3 } else { 2 };
            assert_eq!(lines.len(), 4 + per_boleto * n, "{bank}");
            check_structure(&r, &lines);
            let q = &lines[3];
            assert_eq!(col(q, 14, 14), "Q");
            assert_eq!(col(q, 18, 18), "1", "payer is a CPF");
            assert_eq!(col(q, 19, 33), "000052998224725");
            assert_eq!(col(q, 34, 46), "JOSE DA SILVA");
            assert_eq!(col(q, 129, 136), "01001000");
            assert_eq!(col(q, 137, 145), "SAO PAULO");
            assert_eq!(col(q, 152, 153), "SP");
            // A remessa is not a return file: the parser says so at 143.
            let text = remittance_240(&r).unwrap();
            let e = parse_return(text.as_bytes()).unwrap_err();
            assert_eq!((e.line(), e.column()), (1, 143), "{bank}");
        }
    }
}

#[test]
fn febraban_banks_keep_the_standard_positions() {
    for bank in [Bank::BancoDoBrasil, Bank::Bradesco] {
        let lines = lines(&remittance(bank, 1));
        let (h, l, p) = (&lines[0], &lines[1], &lines[2]);
        assert_eq!(col(h, 18, 18), "2");
        assert_eq!(col(h, 19, 32), "12345678000195");
        assert_eq!(col(h, 33, 39), "1234567", "convênio");
        assert_eq!(col(h, 53, 57), "01234");
        assert_eq!(col(h, 58, 58), "5");
        assert_eq!(col(h, 59, 70), "000000123456");
        assert_eq!(col(h, 71, 71), "7");
        assert_eq!(col(h, 158, 163), "000042");
        assert_eq!(col(l, 54, 58), "01234");
        assert_eq!(col(l, 60, 71), "000000123456");
        assert_eq!(col(p, 18, 22), "01234");
        assert_eq!(col(p, 24, 35), "000000123456");
        assert_eq!(col(p, 38, 57).trim_end(), "1000", "nosso número");
        assert_eq!(col(p, 107, 109), "02N", "espécie DM, aceite N");
        assert_eq!(col(p, 118, 118), "1", "juros: valor por dia");
        assert_eq!(
            col(p, 119, 126),
            "11122026",
            "from the day after the due date"
        );
        assert_eq!(col(p, 127, 141), "000000000000004");
        assert_eq!(col(p, 196, 220).trim_end(), "REC-0");
        assert_eq!(col(p, 221, 221), "3", "não protestar");
        assert_eq!(col(p, 228, 229), "09", "real");
    }
    let lines = lines(&remittance(Bank::BancoDoBrasil, 1));
    assert_eq!(col(&lines[0], 164, 166), "083");
    assert_eq!(col(&lines[1], 14, 16), "042");
}

#[test]
fn itau_account_block_and_segment_p() {
    // Values of brcobranca's Itaú vector (free field 175 12345678 4 0810
    // 53678 9 000): carteira 175, nosso número 12345678 with DAC 4,
    // agência 0810, conta 53678 with DAC 9.
    let mut r = remittance(Bank::Itau, 1);
    r.boletos[0].bank_reference = "12345678".into();
    r.boletos[0].document_number = "NF-2026/01".into();
    let lines = lines(&r);
    assert_eq!(lines.len(), 6);
    let (h, l, p, q) = (&lines[0], &lines[1], &lines[2], &lines[3]);
    // File header: agência(5) blank conta(12) blank DAC at 53–72.
    assert_eq!(col(h, 33, 52), " ".repeat(20), "no convênio at Itaú");
    assert_eq!(col(h, 53, 57), "00810");
    assert_eq!(col(h, 58, 58), " ");
    assert_eq!(col(h, 59, 70), "000000053678");
    assert_eq!(col(h, 71, 71), " ");
    assert_eq!(col(h, 72, 72), "9");
    assert_eq!(col(h, 103, 115), "BANCO ITAU SA");
    assert_eq!(col(h, 164, 166), "040");
    assert_eq!(col(h, 226, 228), "000");
    // Lote header: the same block one column later, layout 030.
    assert_eq!(col(l, 14, 16), "030");
    assert_eq!(col(l, 54, 58), "00810");
    assert_eq!(col(l, 59, 59), " ");
    assert_eq!(col(l, 60, 71), "000000053678");
    assert_eq!(col(l, 72, 72), " ");
    assert_eq!(col(l, 73, 73), "9");
    // Segment P.
    assert_eq!(col(p, 18, 22), "00810");
    assert_eq!(col(p, 23, 23), " ");
    assert_eq!(col(p, 24, 35), "000000053678");
    assert_eq!(col(p, 36, 36), " ");
    assert_eq!(col(p, 37, 37), "9");
    assert_eq!(col(p, 38, 40), "175", "carteira");
    assert_eq!(col(p, 41, 48), "12345678", "nosso número");
    assert_eq!(
        col(p, 49, 49),
        "4",
        "DAC of agência + conta + carteira + nosso número"
    );
    assert_eq!(col(p, 50, 57), " ".repeat(8));
    assert_eq!(col(p, 58, 62), "00000");
    assert_eq!(
        col(p, 63, 72),
        "NF-2026/01",
        "nº do documento, 10 characters"
    );
    assert_eq!(col(p, 73, 77), "     ");
    assert_eq!(col(p, 107, 108), "01", "Itaú's code for DM");
    assert_eq!(col(p, 109, 109), "N");
    assert_eq!(col(p, 118, 118), "0");
    assert_eq!(col(p, 119, 126), "11122026");
    assert_eq!(col(p, 127, 141), "000000000000004");
    assert_eq!(col(p, 142, 142), "0");
    assert_eq!(col(p, 196, 220).trim_end(), "REC-0");
    assert_eq!(col(p, 221, 223), "300");
    assert_eq!(col(p, 224, 239), "0".repeat(16));
    assert_eq!(col(p, 240, 240), " ");
    // Segment Q: a 30-character name, then blanks.
    r.boletos[0].payer.name = "Maria Aparecida dos Santos Oliveira Junqueira".into();
    let q2 = self::lines(&r)[3].clone();
    assert_eq!(col(&q2, 34, 63), "MARIA APARECIDA DOS SANTOS OLI");
    assert_eq!(col(&q2, 64, 73), " ".repeat(10));
    assert_eq!(col(q, 34, 46), "JOSE DA SILVA");
}

#[test]
fn itau_nosso_numero_dac_follows_the_carteira_rule() {
    // Carteira 126 takes the DAC of carteira + nosso número only:
    // mod 10 of "12612345678" (weights 2,1,… from the right).
    let mut r = remittance(Bank::Itau, 1);
    r.company.wallet = "126".into();
    r.boletos[0].bank_reference = "12345678".into();
    let p = lines(&r)[2].clone();
    let digits = "12612345678";
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let v = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            v / 10 + v % 10
        })
        .sum();
    let dac = (10 - sum % 10) % 10;
    assert_eq!(col(&p, 49, 49), dac.to_string());
}

#[test]
fn itau_refuses_what_its_layout_cannot_hold() {
    let mut r = remittance(Bank::Itau, 1);
    r.company.wallet = String::new();
    assert_eq!(remittance_240(&r).unwrap_err().field(), "company.wallet");
    let mut r = remittance(Bank::Itau, 1);
    r.company.account_dv = "3".into();
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "company.account_dv"
    );
    let mut r = remittance(Bank::Itau, 1);
    r.company.account_dv = "9".into();
    assert!(remittance_240(&r).is_ok(), "the right DAC is accepted");
    let mut r = remittance(Bank::Itau, 1);
    r.boletos[0].bank_reference = "123456789".into();
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "boletos[0].bank_reference"
    );
    let mut r = remittance(Bank::Itau, 1);
    r.boletos[0].document_number = "12345678901".into();
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "boletos[0].document_number"
    );
    let mut r = remittance(Bank::Itau, 1);
    r.boletos[0].write_off_days = Some(30);
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "boletos[0].write_off_days"
    );
}

#[test]
fn caixa_six_digit_beneficiario() {
    let mut r = remittance(Bank::Caixa, 1);
    r.boletos[0].bank_reference = "123".into();
    r.boletos[0].fine = Centavos::new(250).unwrap();
    r.boletos[0].messages = vec!["Não receber após 30 dias".into(), "Multa de R$ 2,50".into()];
    let lines = lines(&r);
    assert_eq!(lines.len(), 4 + 4);
    check_structure(&r, &lines);
    let (h, l, p, q, rr, s) = (
        &lines[0], &lines[1], &lines[2], &lines[3], &lines[4], &lines[5],
    );
    // File header (layout 101: code of up to 6 digits, left-aligned, then 0).
    assert_eq!(col(h, 33, 52), "0".repeat(20));
    assert_eq!(col(h, 53, 57), "01234");
    assert_eq!(col(h, 58, 58), "5");
    assert_eq!(col(h, 59, 65), "1234560");
    assert_eq!(col(h, 66, 72), "0000000");
    assert_eq!(col(h, 103, 125), "CAIXA ECONOMICA FEDERAL");
    assert_eq!(col(h, 164, 166), "101");
    assert_eq!(col(h, 192, 211).trim_end(), "REMESSA-PRODUCAO");
    // Lote header (layout 060).
    assert_eq!(col(l, 12, 16), "00060");
    assert_eq!(col(l, 34, 40), "1234560");
    assert_eq!(col(l, 41, 53), "0".repeat(13));
    assert_eq!(col(l, 54, 58), "01234");
    assert_eq!(col(l, 59, 59), "5");
    assert_eq!(col(l, 60, 65), "123456");
    assert_eq!(col(l, 66, 73), "00000000");
    // Segment P.
    assert_eq!(col(p, 18, 22), "01234");
    assert_eq!(col(p, 23, 23), "5");
    assert_eq!(col(p, 24, 30), "1234560");
    assert_eq!(col(p, 31, 40), "0".repeat(10));
    assert_eq!(
        col(p, 41, 42),
        "14",
        "modalidade: registrada, emissão do beneficiário"
    );
    assert_eq!(col(p, 43, 57), "000000000000123");
    assert_eq!(col(p, 58, 62), "11220");
    assert_eq!(
        col(p, 63, 73),
        "DOC0       ",
        "nº do documento, 11 characters"
    );
    assert_eq!(col(p, 74, 77), "    ");
    assert_eq!(col(p, 107, 109), "02N");
    assert_eq!(col(p, 118, 126), "111122026", "juros por dia from D+1");
    assert_eq!(col(p, 224, 227), "2000", "não baixar/não devolver");
    assert_eq!(col(p, 228, 229), "09");
    assert_eq!(col(q, 14, 14), "Q");
    // Segment R: no discounts 2/3, fine R$ 2,50 from 11/12/2026.
    assert_eq!(col(rr, 14, 14), "R");
    assert_eq!(col(rr, 18, 65), "0".repeat(48));
    assert_eq!(col(rr, 66, 66), "1");
    assert_eq!(col(rr, 67, 74), "11122026");
    assert_eq!(col(rr, 75, 89), "000000000000250");
    assert_eq!(col(rr, 90, 240), " ".repeat(151));
    // Segment S, type 3.
    assert_eq!(col(s, 14, 14), "S");
    assert_eq!(col(s, 18, 18), "3");
    assert_eq!(col(s, 19, 58).trim_end(), "NAO RECEBER APOS 30 DIAS");
    assert_eq!(col(s, 59, 98).trim_end(), "MULTA DE R$ 2,50");
    assert_eq!(col(s, 99, 240).trim(), "");
    // Trailers: zeros up to 92, then blanks; the file trailer has no count
    // of accounts.
    let t = &lines[6];
    assert_eq!(col(t, 47, 92), "0".repeat(46));
    assert_eq!(col(t, 93, 240).trim(), "");
    assert_eq!(col(&lines[7], 30, 35), "      ");
}

#[test]
fn caixa_seven_digit_beneficiario() {
    let mut r = remittance(Bank::Caixa, 2);
    r.company.convenio = "1234567".into();
    r.boletos[0].bank_reference = "14000000000000777".into();
    r.boletos[1].write_off_days = Some(60);
    let lines = lines(&r);
    check_structure(&r, &lines);
    assert_eq!(col(&lines[0], 59, 65), "1234567");
    assert_eq!(col(&lines[0], 164, 166), "107");
    assert_eq!(col(&lines[1], 14, 16), "067");
    assert_eq!(col(&lines[1], 34, 40), "1234567");
    assert_eq!(col(&lines[1], 60, 65), "000000");
    assert_eq!(col(&lines[2], 24, 30), "1234567");
    assert_eq!(col(&lines[2], 41, 57), "14000000000000777");
    let second_p = &lines[5];
    assert_eq!(col(second_p, 14, 14), "P");
    assert_eq!(col(second_p, 224, 227), "1060");
}

#[test]
fn caixa_refuses_what_its_layout_cannot_hold() {
    let mut r = remittance(Bank::Caixa, 1);
    r.company.convenio = "12345678".into();
    assert_eq!(remittance_240(&r).unwrap_err().field(), "company.convenio");
    let mut r = remittance(Bank::Caixa, 1);
    r.boletos[0].bank_reference = "24000000000000001".into();
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "boletos[0].bank_reference"
    );
    let mut r = remittance(Bank::Caixa, 1);
    r.boletos[0].messages = vec![String::new(); 6];
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "boletos[0].messages"
    );
    let mut r = remittance(Bank::Caixa, 1);
    r.boletos[0].messages = vec!["x".repeat(41)];
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "boletos[0].messages[0]"
    );
    let mut r = remittance(Bank::BancoDoBrasil, 1);
    r.boletos[0].messages = vec!["only Caixa".into()];
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "boletos[0].messages"
    );
}

#[test]
fn segment_r_when_a_bank_needs_it() {
    let mut r = remittance(Bank::Bradesco, 2);
    r.boletos[1].discount_2 = Centavos::new(100).unwrap();
    r.boletos[1].discount_2_date = Some(date(2026, 12, 5));
    r.boletos[1].discount_3 = Centavos::new(50).unwrap();
    r.boletos[1].discount_3_date = Some(date(2026, 12, 8));
    let lines = lines(&r);
    check_structure(&r, &lines);
    let segments: String = lines[2..lines.len() - 2]
        .iter()
        .map(|d| col(d, 14, 14))
        .collect();
    assert_eq!(segments, "PQPQR");
    let rr = &lines[6];
    assert_eq!(col(rr, 18, 18), "1");
    assert_eq!(col(rr, 19, 26), "05122026");
    assert_eq!(col(rr, 27, 41), "000000000000100");
    assert_eq!(col(rr, 42, 42), "1");
    assert_eq!(col(rr, 43, 50), "08122026");
    assert_eq!(col(rr, 51, 65), "000000000000050");
    assert_eq!(col(rr, 66, 89), "0".repeat(24), "no fine");
    let mut r = remittance(Bank::Bradesco, 1);
    r.boletos[0].discount_3 = Centavos::new(50).unwrap();
    assert_eq!(
        remittance_240(&r).unwrap_err().field(),
        "boletos[0].discount_3_date"
    );
}

#[test]
fn santander_keeps_its_own_account_block() {
    let lines = lines(&remittance(Bank::Santander, 1));
    let p = &lines[2];
    assert_eq!(col(p, 18, 21), "1234");
    assert_eq!(col(p, 22, 22), "5");
    assert_eq!(col(p, 23, 31), "000123456");
    assert_eq!(col(p, 32, 32), "7");
    assert_eq!(col(p, 33, 41), "001234567");
    assert_eq!(col(p, 45, 57), "0000000001000");
}
