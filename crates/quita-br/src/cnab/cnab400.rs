//! CNAB 400 return files: header (type 0), detail records (type 1; Banco do
//! Brasil also type 7), optional records (types 2–8, skipped), trailer
//! (type 9). Every record ends with its sequence number (columns 395–400).
//!
//! The detail layout is the bank's own; columns below are 1-based,
//! inclusive, from each bank's manual as implemented by brcobranca and
//! laravel-boleto (see the crate README for sources and deviations).

use super::bank::Bank;
use super::error::CnabError;
use super::format::CnabFormat;
use super::lines::Line;
use super::occurrence::Occurrence;
use super::record::{ReturnFile, ReturnRecord};

type Span = (usize, usize);

/// Where one bank's detail record keeps each field.
struct Detail {
    /// `None` when the record has no agência (Caixa SIGCB).
    agency: Option<Span>,
    account: Span,
    account_dv: Option<usize>,
    wallet: Span,
    company_reference: Span,
    bank_reference: Span,
    fee: Span,
    other_expenses: Option<Span>,
    credit_date: Span,
    reasons: Span,
    /// Columns 254–266 are the amount credited to the account (net of the
    /// fee), not only the amount paid.
    paid_is_credited: bool,
    /// Columns 280–292 are the multa paid (Caixa), added to `interest`,
    /// rather than "outros créditos".
    fine_in_280: bool,
}

const ITAU: Detail = Detail {
    agency: Some((18, 21)),
    account: (24, 28),
    account_dv: Some(29),
    wallet: (83, 85),
    company_reference: (38, 62),
    bank_reference: (63, 70),
    fee: (176, 188),
    other_expenses: None,
    credit_date: (296, 301),
    reasons: (378, 385),
    paid_is_credited: true,
    fine_in_280: false,
};

const BRADESCO: Detail = Detail {
    agency: Some((25, 29)),
    account: (30, 36),
    account_dv: Some(37),
    wallet: (22, 24),
    company_reference: (38, 62),
    bank_reference: (71, 82),
    fee: (176, 188),
    other_expenses: Some((189, 201)),
    credit_date: (296, 301),
    reasons: (319, 328),
    paid_is_credited: false,
    fine_in_280: false,
};

/// Banco do Brasil CBR643, convênio of 7 digits (record type 7).
const BB_7: Detail = Detail {
    agency: Some((18, 21)),
    account: (23, 30),
    account_dv: Some(31),
    wallet: (107, 108),
    company_reference: (39, 63),
    bank_reference: (64, 80),
    fee: (182, 188),
    other_expenses: Some((189, 201)),
    credit_date: (176, 181),
    reasons: (87, 88),
    paid_is_credited: true,
    fine_in_280: false,
};

/// Banco do Brasil CBR643, convênio of 6 digits (record type 1).
const BB_6: Detail = Detail {
    company_reference: (38, 62),
    bank_reference: (63, 73),
    ..BB_7
};

const SANTANDER: Detail = Detail {
    agency: Some((18, 21)),
    account: (22, 29),
    account_dv: None,
    wallet: (108, 108),
    company_reference: (38, 62),
    bank_reference: (63, 70),
    fee: (176, 188),
    other_expenses: Some((189, 201)),
    credit_date: (296, 301),
    reasons: (137, 145),
    paid_is_credited: false,
    fine_in_280: false,
};

/// Caixa SIGCB: 18–20 are zeros (formerly the agência), 21–27 the código do
/// beneficiário (6 digits and a zero, or 7 digits), read as the account.
const CAIXA: Detail = Detail {
    agency: None,
    account: (21, 27),
    account_dv: None,
    wallet: (107, 108),
    company_reference: (32, 56),
    bank_reference: (57, 73),
    fee: (176, 188),
    other_expenses: None,
    credit_date: (294, 299),
    reasons: (80, 82),
    paid_is_credited: false,
    fine_in_280: true,
};

/// `number-dv`, or `number` when there is no DV.
pub(super) fn with_dv(number: String, dv: String) -> String {
    if dv.is_empty() {
        number
    } else {
        format!("{number}-{dv}")
    }
}

fn detail(line: &Line, layout: &Detail, bank: Bank) -> Result<ReturnRecord, CnabError> {
    let code = [line.at(109), line.at(110)];
    if !code.iter().all(u8::is_ascii_digit) {
        return Err(line.fault(
            109,
            "the occurrence code (columns 109-110) must be 2 digits",
        ));
    }
    let text = |(a, b): Span| line.text(a, b);
    let amount_paid = line.amount(254, 266, "valor pago")?;
    let juros = line.amount(267, 279, "juros de mora/multa")?;
    let (interest, other_credits) = if layout.fine_in_280 {
        let fine = line.amount(280, 292, "valor da multa")?;
        let sum = juros
            .checked_add(fine)
            .ok_or_else(|| line.fault(267, "juros + multa overflow"))?;
        (sum, crate::centavos::Centavos::ZERO)
    } else {
        (juros, line.amount(280, 292, "outros créditos")?)
    };
    Ok(ReturnRecord {
        line: line.number,
        sequence: line.number(395, 400, "sequence number")?,
        agency: layout.agency.map(text).unwrap_or_default(),
        account: with_dv(
            text(layout.account),
            layout
                .account_dv
                .map(|c| line.text(c, c))
                .unwrap_or_default(),
        ),
        wallet: text(layout.wallet),
        occurrence: Occurrence::new(code, CnabFormat::Cnab400, Some(bank)),
        bank_reference: text(layout.bank_reference),
        company_reference: text(layout.company_reference),
        document_number: line.text(117, 126),
        due_date: line.date(147, 152, "data de vencimento")?,
        face_value: line.amount(153, 165, "valor do título")?,
        amount_paid,
        amount_credited: layout.paid_is_credited.then_some(amount_paid),
        interest,
        discount: line.amount(241, 253, "desconto")?,
        rebate: line.amount(228, 240, "abatimento")?,
        fee: line.amount(layout.fee.0, layout.fee.1, "tarifa de cobrança")?,
        iof: line.amount(215, 227, "IOF")?,
        other_expenses: match layout.other_expenses {
            Some((a, b)) => line.amount(a, b, "outras despesas")?,
            None => crate::centavos::Centavos::ZERO,
        },
        other_credits,
        occurrence_date: line.date(111, 116, "data da ocorrência")?,
        credit_date: line.date(
            layout.credit_date.0,
            layout.credit_date.1,
            "data do crédito",
        )?,
        reasons: text(layout.reasons),
    })
}

/// Parses and checks a CNAB 400 return file (`lines` already padded).
pub(super) fn parse(lines: &[Line]) -> Result<ReturnFile, CnabError> {
    let header = &lines[0];
    if header.at(1) != b'0' {
        return Err(header.fault(1, "the file header must have record type 0"));
    }
    match header.at(2) {
        b'2' => {}
        b'1' => return Err(header.fault(2, "this is a remessa (column 2 = 1), not a return file")),
        _ => return Err(header.fault(2, "column 2 must be 2 (retorno)")),
    }
    let bank_code = header.text(77, 79);
    let bank = Bank::from_code(&bank_code).ok_or_else(|| {
        header.fault(
            77,
            format!("no CNAB 400 layout for bank {bank_code:?} (columns 77-79)"),
        )
    })?;
    // Informational only: an unreadable header date is not a fault.
    let file_date = header
        .date(95, 100, "data de gravação do arquivo")
        .ok()
        .flatten();

    let mut records = Vec::new();
    let mut trailer: Option<&Line> = None;
    for (i, line) in lines.iter().enumerate() {
        let expected = i as u64 + 1;
        let seq = line.number(395, 400, "sequence number")?;
        if seq != expected {
            return Err(line.fault(395, format!("sequence number {seq}, expected {expected}")));
        }
        if i == 0 {
            continue;
        }
        if trailer.is_some() {
            return Err(line.fault(1, "record after the trailer"));
        }
        match (line.at(1), bank) {
            (b'1', Bank::BancoDoBrasil) => records.push(detail(line, &BB_6, bank)?),
            (b'7', Bank::BancoDoBrasil) => records.push(detail(line, &BB_7, bank)?),
            (b'1', Bank::Itau) => records.push(detail(line, &ITAU, bank)?),
            (b'1', Bank::Bradesco) => records.push(detail(line, &BRADESCO, bank)?),
            (b'1', Bank::Santander) => records.push(detail(line, &SANTANDER, bank)?),
            (b'1', Bank::Caixa) => records.push(detail(line, &CAIXA, bank)?),
            (b'2'..=b'8', _) => {} // optional records (messages, rateio, Pix data)
            (b'9', _) => {
                if line.at(2) != b'2' {
                    return Err(line.fault(2, "the trailer must have 2 (retorno) in column 2"));
                }
                trailer = Some(line);
            }
            (b'0', _) => return Err(line.fault(1, "a second header")),
            _ => return Err(line.fault(1, "unknown record type (column 1)")),
        }
    }
    let Some(trailer) = trailer else {
        let last = &lines[lines.len() - 1];
        return Err(last.fault(1, "the file ends without a trailer (record type 9)"));
    };
    check_totals(trailer, bank, &records)?;
    Ok(ReturnFile {
        format: CnabFormat::Cnab400,
        bank_code,
        bank: Some(bank),
        file_date,
        records,
    })
}

/// The trailer totals each bank's manual defines over the records of the
/// file. Banks whose trailer summarises the whole portfolio ("títulos em
/// cobrança") rather than this file are not checked beyond the sequence.
fn check_totals(trailer: &Line, bank: Bank, records: &[ReturnRecord]) -> Result<(), CnabError> {
    let expect = |from: usize, to: usize, what: &str, actual: u64| -> Result<(), CnabError> {
        let declared = trailer.number(from, to, what)?;
        if declared == actual {
            Ok(())
        } else {
            Err(trailer.fault(
                from,
                format!("the trailer declares {what} = {declared}, the file has {actual}"),
            ))
        }
    };
    let count = |codes: &[&str]| {
        records
            .iter()
            .filter(|r| codes.contains(&r.occurrence.code()))
            .count() as u64
    };
    match bank {
        Bank::Itau => {
            expect(213, 220, "quantidade de detalhes", records.len() as u64)?;
            let total: i64 = records.iter().map(|r| r.face_value.get()).sum();
            expect(221, 234, "valor total dos títulos", total as u64)?;
        }
        Bank::Bradesco => {
            expect(58, 62, "quantidade de ocorrências 02", count(&["02"]))?;
            expect(87, 91, "quantidade de ocorrências 06", count(&["06"]))?;
            expect(
                104,
                108,
                "quantidade de ocorrências 09 e 10",
                count(&["09", "10"]),
            )?;
        }
        Bank::BancoDoBrasil | Bank::Santander | Bank::Caixa => {}
    }
    Ok(())
}
