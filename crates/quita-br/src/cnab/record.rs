//! What a return file says: one [`ReturnRecord`] per occurrence.

use jiff::civil::Date;

use super::bank::Bank;
use super::format::CnabFormat;
use super::occurrence::Occurrence;
use crate::centavos::Centavos;

/// One occurrence about one boleto (a CNAB 400 detail record, or a CNAB 240
/// segment T + U pair). Text fields are trimmed of spaces; numbers keep
/// their leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReturnRecord {
    /// 1-based line of the detail record (CNAB 240: of segment T).
    pub line: usize,
    /// Sequence number written in the record (CNAB 400: columns 395–400;
    /// CNAB 240: segment T's sequence in its lote).
    pub sequence: u64,
    /// Agência of the company's account, as written (empty when the
    /// layout has none).
    pub agency: String,
    /// Account of the company, `number-DV` when the layout has a DV.
    pub account: String,
    /// Carteira, as written.
    pub wallet: String,
    pub occurrence: Occurrence,
    /// Nosso número, as the bank writes it.
    pub bank_reference: String,
    /// "Uso da empresa" / nº de controle do participante: our own id, echoed.
    pub company_reference: String,
    /// Nº do documento / seu número.
    pub document_number: String,
    pub due_date: Option<Date>,
    /// Valor nominal do título.
    pub face_value: Centavos,
    /// CNAB 240: segment U "valor pago". CNAB 400: columns 254–266 (valor
    /// pago / recebido; Itaú's "valor principal" and BB's "valor lançado em
    /// conta" are already net of the fee).
    pub amount_paid: Centavos,
    /// Net amount credited to the account, where the layout states it.
    pub amount_credited: Option<Centavos>,
    /// Juros de mora / multa / encargos.
    pub interest: Centavos,
    pub discount: Centavos,
    /// Abatimento.
    pub rebate: Centavos,
    /// Tarifa / custas / despesas de cobrança.
    pub fee: Centavos,
    pub iof: Centavos,
    pub other_expenses: Centavos,
    pub other_credits: Centavos,
    pub occurrence_date: Option<Date>,
    pub credit_date: Option<Date>,
    /// Motivos / rejection codes as written (spaces trimmed).
    pub reasons: String,
}

/// A parsed, fully checked return file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnFile {
    pub(crate) format: CnabFormat,
    pub(crate) bank_code: String,
    pub(crate) bank: Option<Bank>,
    pub(crate) file_date: Option<Date>,
    pub(crate) records: Vec<ReturnRecord>,
}

impl ReturnFile {
    pub fn format(&self) -> CnabFormat {
        self.format
    }
    /// The 3-digit bank code of the header.
    pub fn bank_code(&self) -> &str {
        &self.bank_code
    }
    /// The bank, when Quita knows its layout (CNAB 240 reads any bank with
    /// the FEBRABAN layout).
    pub fn bank(&self) -> Option<Bank> {
        self.bank
    }
    /// Generation date of the file (header).
    pub fn file_date(&self) -> Option<Date> {
        self.file_date
    }
    pub fn records(&self) -> &[ReturnRecord] {
        &self.records
    }
    pub fn into_records(self) -> Vec<ReturnRecord> {
        self.records
    }
}
