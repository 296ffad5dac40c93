//! CNAB 240 return files (FEBRABAN layout; Santander's own segment T).
//!
//! Structure: file header (type 0), one or more lotes (header type 1, detail
//! records type 3 with segments T and U in pairs, trailer type 5), file
//! trailer (type 9). Record type is column 8; the segment is column 14.

use super::bank::Bank;
use super::error::CnabError;
use super::format::CnabFormat;
use super::lines::Line;
use super::occurrence::Occurrence;
use super::record::{ReturnFile, ReturnRecord};
use crate::centavos::Centavos;

/// Where segment T keeps the fields that differ between banks (1-based,
/// inclusive).
struct SegmentT {
    bank_reference: (usize, usize),
    document_number: (usize, usize),
    due_date: (usize, usize),
    face_value: (usize, usize),
    company_reference: (usize, usize),
    fee: (usize, usize),
    reasons: (usize, usize),
    agency: (usize, usize),
    account: (usize, usize),
    account_dv: usize,
    wallet: usize,
}

/// FEBRABAN standard (as used by Banco do Brasil, Sicoob and most banks).
const FEBRABAN_T: SegmentT = SegmentT {
    bank_reference: (38, 57),
    document_number: (59, 73),
    due_date: (74, 81),
    face_value: (82, 96),
    company_reference: (106, 130),
    fee: (199, 213),
    reasons: (214, 223),
    agency: (18, 22),
    account: (24, 35),
    account_dv: 36,
    wallet: 58,
};

/// Santander: conta has 9 digits + DV and 8 blanks before a 13-digit nosso
/// número, which shifts everything after it.
const SANTANDER_T: SegmentT = SegmentT {
    bank_reference: (41, 53),
    document_number: (55, 69),
    due_date: (70, 77),
    face_value: (78, 92),
    company_reference: (101, 125),
    fee: (194, 208),
    reasons: (209, 218),
    agency: (18, 21),
    account: (23, 31),
    account_dv: 32,
    wallet: 54,
};

fn occurrence(line: &Line, bank: Option<Bank>) -> Result<Occurrence, CnabError> {
    let code = [line.at(16), line.at(17)];
    if !code.iter().all(u8::is_ascii_digit) {
        return Err(line.fault(
            16,
            "the código de movimento (columns 16-17) must be 2 digits",
        ));
    }
    Ok(Occurrence::new(code, CnabFormat::Cnab240, bank))
}

/// Reads segment T; the amounts of segment U are filled in later.
fn segment_t(
    line: &Line,
    layout: &SegmentT,
    bank: Option<Bank>,
) -> Result<ReturnRecord, CnabError> {
    let (a, b) = layout.face_value;
    let face_value = line.amount(a, b, "valor nominal do título")?;
    let (a, b) = layout.fee;
    let fee = line.amount(a, b, "tarifa/custas")?;
    let (a, b) = layout.due_date;
    let due_date = line.date(a, b, "data de vencimento")?;
    let text = |(a, b): (usize, usize)| line.text(a, b);
    Ok(ReturnRecord {
        line: line.number,
        sequence: line.number(9, 13, "sequence number in the lote")?,
        agency: text(layout.agency),
        account: super::cnab400::with_dv(
            text(layout.account),
            line.text(layout.account_dv, layout.account_dv),
        ),
        wallet: line.text(layout.wallet, layout.wallet),
        occurrence: occurrence(line, bank)?,
        bank_reference: text(layout.bank_reference),
        company_reference: text(layout.company_reference),
        document_number: text(layout.document_number),
        due_date,
        face_value,
        amount_paid: Centavos::ZERO,
        amount_credited: None,
        interest: Centavos::ZERO,
        discount: Centavos::ZERO,
        rebate: Centavos::ZERO,
        fee,
        iof: Centavos::ZERO,
        other_expenses: Centavos::ZERO,
        other_credits: Centavos::ZERO,
        occurrence_date: None,
        credit_date: None,
        reasons: text(layout.reasons),
    })
}

fn segment_u(line: &Line, record: &mut ReturnRecord) -> Result<(), CnabError> {
    record.interest = line.amount(18, 32, "juros/multa/encargos")?;
    record.discount = line.amount(33, 47, "desconto")?;
    record.rebate = line.amount(48, 62, "abatimento")?;
    record.iof = line.amount(63, 77, "IOF")?;
    record.amount_paid = line.amount(78, 92, "valor pago")?;
    record.amount_credited = Some(line.amount(93, 107, "valor líquido creditado")?);
    record.other_expenses = line.amount(108, 122, "outras despesas")?;
    record.other_credits = line.amount(123, 137, "outros créditos")?;
    record.occurrence_date = line.date(138, 145, "data da ocorrência")?;
    record.credit_date = line.date(146, 153, "data do crédito")?;
    Ok(())
}

/// Parses and checks a CNAB 240 return file (`lines` already padded).
pub(super) fn parse(lines: &[Line]) -> Result<ReturnFile, CnabError> {
    let header = &lines[0];
    if header.raw(4, 8) != b"00000" {
        return Err(header.fault(4, "the file header must have lote 0000 and record type 0"));
    }
    let bank_code = header.raw(1, 3);
    if !bank_code.iter().all(u8::is_ascii_digit) {
        return Err(header.fault(1, "the bank code (columns 1-3) must be 3 digits"));
    }
    let bank_code = header.text(1, 3);
    match header.at(143) {
        b'1' => {
            return Err(header.fault(143, "this is a remessa (column 143 = 1), not a return file"));
        }
        b'2' | b' ' | b'0' => {}
        _ => return Err(header.fault(143, "column 143 must be 2 (retorno)")),
    }
    // Informational only, and some banks (Sicoob) shift it: not a fault.
    let file_date = header
        .date(144, 151, "data de geração do arquivo")
        .ok()
        .flatten();
    let bank = Bank::from_code(&bank_code);
    let santander = bank == Some(Bank::Santander);
    let layout = if santander { &SANTANDER_T } else { &FEBRABAN_T };

    let mut records = Vec::new();
    let mut lotes = 0u64;
    // (lote number, records so far incl. header, next sequence, pending T)
    let mut lote: Option<([u8; 4], u64, u64, Option<ReturnRecord>)> = None;
    let mut trailer_seen = false;

    for line in &lines[1..] {
        if trailer_seen {
            return Err(line.fault(1, "record after the file trailer"));
        }
        if line.raw(1, 3) != bank_code.as_bytes() {
            return Err(line.fault(
                1,
                format!("bank code differs from the header's {bank_code}"),
            ));
        }
        let lote_no: [u8; 4] = [line.at(4), line.at(5), line.at(6), line.at(7)];
        match line.at(8) {
            b'1' => {
                if lote.is_some() {
                    return Err(line.fault(8, "lote header inside an open lote"));
                }
                if !lote_no.iter().all(u8::is_ascii_digit) {
                    return Err(line.fault(4, "the lote number (columns 4-7) must be digits"));
                }
                if line.at(9) != b'T' {
                    return Err(line.fault(9, "the lote operation (column 9) must be T (retorno)"));
                }
                if line.raw(10, 11) != b"01" {
                    return Err(
                        line.fault(10, "the lote service (columns 10-11) must be 01 (cobrança)")
                    );
                }
                lotes += 1;
                lote = Some((lote_no, 1, 1, None));
            }
            b'3' => {
                let Some((number, count, seq, pending)) = lote.as_mut() else {
                    return Err(line.fault(8, "detail record outside a lote"));
                };
                if lote_no != *number {
                    return Err(line.fault(4, "lote number differs from the lote header's"));
                }
                let found = line.number(9, 13, "sequence number in the lote")?;
                if found != *seq {
                    return Err(line.fault(9, format!("sequence number {found}, expected {seq}")));
                }
                *seq += 1;
                *count += 1;
                match line.at(14) {
                    b'T' => {
                        if pending.is_some() {
                            return Err(
                                line.fault(14, "segment T must be followed by its segment U")
                            );
                        }
                        *pending = Some(segment_t(line, layout, bank)?);
                    }
                    b'U' => {
                        let Some(mut record) = pending.take() else {
                            return Err(line.fault(14, "segment U without a segment T before it"));
                        };
                        segment_u(line, &mut record)?;
                        records.push(record);
                    }
                    b'A'..=b'Z' => {
                        if pending.is_some() {
                            return Err(
                                line.fault(14, "segment T must be followed by its segment U")
                            );
                        }
                        // Optional segments (Y and others) carry no payment data.
                    }
                    _ => return Err(line.fault(14, "the segment (column 14) must be a letter")),
                }
            }
            b'5' => {
                let Some((number, count, _, pending)) = lote.take() else {
                    return Err(line.fault(8, "lote trailer outside a lote"));
                };
                if lote_no != number {
                    return Err(line.fault(4, "lote number differs from the lote header's"));
                }
                if pending.is_some() {
                    return Err(line.fault(14, "segment T must be followed by its segment U"));
                }
                let declared = line.number(18, 23, "quantidade de registros do lote")?;
                let total = count + 1;
                // Santander's files count only the detail records.
                let ok = declared == total || (santander && declared == total - 2);
                if !ok {
                    return Err(line.fault(
                        18,
                        format!(
                            "the lote trailer declares {declared} records, the lote has {total}"
                        ),
                    ));
                }
            }
            b'9' => {
                if lote.is_some() {
                    return Err(line.fault(8, "file trailer inside an open lote (no lote trailer)"));
                }
                if !santander && line.raw(4, 7) != b"9999" {
                    return Err(line.fault(4, "the file trailer must have lote 9999"));
                }
                let declared_lotes = line.number(18, 23, "quantidade de lotes")?;
                if declared_lotes != lotes {
                    return Err(line.fault(
                        18,
                        format!(
                            "the file trailer declares {declared_lotes} lotes, the file has {lotes}"
                        ),
                    ));
                }
                let declared = line.number(24, 29, "quantidade de registros")?;
                if declared != lines.len() as u64 {
                    return Err(line.fault(
                        24,
                        format!(
                            "the file trailer declares {declared} records, the file has {}",
                            lines.len()
                        ),
                    ));
                }
                trailer_seen = true;
            }
            b'0' => return Err(line.fault(8, "a second file header")),
            _ => return Err(line.fault(8, "the record type (column 8) must be 0, 1, 3, 5 or 9")),
        }
    }
    if !trailer_seen {
        let last = &lines[lines.len() - 1];
        return Err(last.fault(8, "the file ends without a file trailer (record type 9)"));
    }
    Ok(ReturnFile {
        format: CnabFormat::Cnab240,
        bank_code,
        bank,
        file_date,
        records,
    })
}
