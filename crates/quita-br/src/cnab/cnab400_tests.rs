//! CNAB 400 details of Banco do Brasil, Santander and Caixa, built field by
//! field from the positions of each bank's layout (no real sample file of
//! these banks is available): every value is set at the columns the manual
//! gives and must be read back from exactly there.
//!
//! Sources per bank (see the crate README): BB CBR643 type 7 — brcobranca
//! `retorno/cnab400/banco_brasil.rb`, laravel-boleto `Cnab400/Banco/Bb.php`,
//! ACBr `ACBrBancoBrasil.pas`; Santander — brcobranca `santander.rb`,
//! laravel-boleto `Santander.php`; Caixa SIGCB — CAIXA's "Leiaute CNAB 400
//! SIGCB" retorno tables, laravel-boleto `Caixa.php`.

use jiff::civil::date;

use super::*;
use crate::centavos::Centavos;

/// A 400-column record of spaces, filled by `set(from, text)` with 1-based
/// columns as in the manuals.
struct Rec400(Vec<u8>);

impl Rec400 {
    fn new(kind: u8) -> Self {
        let mut v = vec![b' '; 400];
        v[0] = kind;
        Self(v)
    }
    fn set(mut self, from: usize, text: &str) -> Self {
        self.0[from - 1..from - 1 + text.len()].copy_from_slice(text.as_bytes());
        self
    }
}

fn file(bank: &str, details: Vec<Rec400>) -> Vec<u8> {
    let mut recs = vec![
        Rec400::new(b'0')
            .set(2, "2RETORNO01COBRANCA")
            .set(77, bank)
            .set(95, "230526"),
    ];
    recs.extend(details);
    recs.push(Rec400::new(b'9').set(2, "201").set(5, bank));
    let mut out = Vec::new();
    for (i, r) in recs.into_iter().enumerate() {
        let r = r.set(395, &format!("{:06}", i + 1));
        out.extend_from_slice(&r.0);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn c(v: i64) -> Centavos {
    Centavos::new(v).unwrap()
}

/// The money and date fields in the columns common to the three layouts.
fn common(r: Rec400, occurrence: &str) -> Rec400 {
    r.set(109, occurrence)
        .set(111, "200526") // data da ocorrência
        .set(117, "DOC-77    ") // nº do documento
        .set(147, "150526") // vencimento
        .set(153, "0000000004000") // valor do título 40,00
        .set(215, "0000000000011") // IOF 0,11
        .set(228, "0000000000022") // abatimento 0,22
        .set(241, "0000000000033") // desconto 0,33
        .set(254, "0000000003790") // 254–266
        .set(267, "0000000000044") // juros de mora
        .set(280, "0000000000055") // 280–292
}

#[test]
fn banco_do_brasil_cbr643_type_7() {
    let d = common(Rec400::new(b'7'), "06")
        .set(2, "02")
        .set(4, "12345678000195")
        .set(18, "1234") // prefixo da agência
        .set(22, "5") // DV
        .set(23, "00012345") // conta
        .set(31, "6") // DV
        .set(32, "1234567") // convênio
        .set(39, "REC-2026-0001") // uso da empresa 39–63
        .set(64, "12345670000000099") // nosso número 64–80
        .set(87, "03") // natureza do recebimento
        .set(107, "17") // carteira
        .set(176, "210526") // data do crédito 176–181
        .set(182, "0000210") // tarifa 182–188
        .set(189, "0000000000066"); // outras despesas
    let f = parse_return(&file("001", vec![d])).unwrap();
    assert_eq!(f.bank(), Some(Bank::BancoDoBrasil));
    let r = &f.records()[0];
    assert_eq!(r.line, 2);
    assert_eq!(r.agency, "1234");
    assert_eq!(r.account, "00012345-6");
    assert_eq!(r.company_reference, "REC-2026-0001");
    assert_eq!(r.bank_reference, "12345670000000099");
    assert_eq!(r.reasons, "03");
    assert_eq!(r.wallet, "17");
    assert_eq!(r.occurrence.code(), "06");
    assert_eq!(r.occurrence_date, Some(date(2026, 5, 20)));
    assert_eq!(r.document_number, "DOC-77");
    assert_eq!(r.due_date, Some(date(2026, 5, 15)));
    assert_eq!(r.face_value, c(4000));
    assert_eq!(r.credit_date, Some(date(2026, 5, 21)));
    assert_eq!(r.fee, c(210));
    assert_eq!(r.other_expenses, c(66));
    assert_eq!(r.iof, c(11));
    assert_eq!(r.rebate, c(22));
    assert_eq!(r.discount, c(33));
    assert_eq!(r.amount_paid, c(3790));
    assert_eq!(r.amount_credited, Some(c(3790)), "valor lançado em conta");
    assert_eq!(r.interest, c(44));
    assert_eq!(r.other_credits, c(55));
}

#[test]
fn santander_detail() {
    let d = common(Rec400::new(b'1'), "06")
        .set(2, "02")
        .set(4, "12345678000195")
        .set(18, "3456") // agência
        .set(22, "01234567") // conta movimento
        .set(30, "09876543") // conta cobrança
        .set(38, "REC-2026-0002") // nº de controle do participante 38–62
        .set(63, "00001234") // nosso número 63–70
        .set(108, "5") // código da carteira
        .set(137, "001002003") // três códigos de erro 137–145
        .set(176, "0000000000210") // tarifa 176–188
        .set(189, "0000000000066") // outras despesas
        .set(296, "210526"); // data do crédito 296–301
    let f = parse_return(&file("033", vec![d])).unwrap();
    let r = &f.records()[0];
    assert_eq!(r.agency, "3456");
    assert_eq!(r.account, "01234567");
    assert_eq!(r.company_reference, "REC-2026-0002");
    assert_eq!(r.bank_reference, "00001234");
    assert_eq!(r.wallet, "5");
    assert_eq!(r.reasons, "001002003");
    assert_eq!(r.occurrence.code(), "06");
    assert_eq!(r.fee, c(210));
    assert_eq!(r.other_expenses, c(66));
    assert_eq!(r.amount_paid, c(3790));
    assert_eq!(r.amount_credited, None);
    assert_eq!(r.interest, c(44));
    assert_eq!(r.other_credits, c(55));
    assert_eq!(r.credit_date, Some(date(2026, 5, 21)));
    assert_eq!(r.due_date, Some(date(2026, 5, 15)));
    assert_eq!(r.face_value, c(4000));
}

#[test]
fn caixa_sigcb_detail() {
    let d = common(Rec400::new(b'1'), "21")
        .set(2, "02")
        .set(4, "12345678000195")
        .set(18, "000") // uso exclusivo (formerly the agência)
        .set(21, "1234567") // código do beneficiário 21–27
        .set(28, "2") // ID emissão
        .set(29, "0") // ID postagem
        .set(32, "REC-2026-0003") // uso da empresa 32–56
        .set(57, "14") // modalidade 57–58
        .set(59, "000000000000123") // nosso número 59–73
        .set(80, "000") // código de rejeição 80–82
        .set(107, "01") // carteira
        .set(176, "0000000000210") // tarifa 176–188
        .set(189, "041") // canal de liquidação
        .set(294, "210526"); // data do crédito 294–299
    let f = parse_return(&file("104", vec![d])).unwrap();
    let r = &f.records()[0];
    assert_eq!(r.agency, "");
    assert_eq!(r.account, "1234567");
    assert_eq!(r.company_reference, "REC-2026-0003");
    assert_eq!(r.bank_reference, "14000000000000123");
    assert_eq!(r.wallet, "01");
    assert_eq!(r.reasons, "000");
    assert_eq!(r.occurrence.code(), "21");
    assert_eq!(r.occurrence.kind(), OccurrenceKind::Paid);
    assert_eq!(r.fee, c(210));
    assert_eq!(r.amount_paid, c(3790));
    // 267–279 juros, 280–292 multa: both are charges for paying late.
    assert_eq!(r.interest, c(44 + 55));
    assert_eq!(r.other_credits, Centavos::ZERO);
    assert_eq!(r.credit_date, Some(date(2026, 5, 21)));
    assert_eq!(r.occurrence_date, Some(date(2026, 5, 20)));
    // Caixa's rejection: occurrence 99 with its code at 80–82.
    let d = common(Rec400::new(b'1'), "99")
        .set(21, "1234567")
        .set(80, "052");
    let f = parse_return(&file("104", vec![d])).unwrap();
    assert_eq!(f.records()[0].reasons, "052");
    assert_eq!(f.records()[0].occurrence.kind(), OccurrenceKind::Rejected);
}

#[test]
fn a_letter_in_any_amount_column_is_refused_there() {
    for (bank, kind, from, to) in [
        ("001", b'7', 182, 188),
        ("033", b'1', 176, 188),
        ("104", b'1', 280, 292),
        ("104", b'1', 254, 266),
    ] {
        for at in from..=to {
            let zeros = "0".repeat(to - from + 1);
            let d = common(Rec400::new(kind), "06")
                .set(from, &zeros)
                .set(at, "X");
            let e = parse_return(&file(bank, vec![d])).unwrap_err();
            assert_eq!((e.line(), e.column()), (2, at), "bank {bank} column {at}");
        }
    }
}
