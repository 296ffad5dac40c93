//! CNAB 240 remittance ("remessa"): registering new boletos with the bank.
//!
//! FEBRABAN layout: file header, one lote (operation `R`, service `01`
//! cobrança) with segments P (the boleto) and Q (the payer) per boleto, lote
//! trailer, file trailer; records of 240 characters joined by CR LF.
//! Santander's segment P has its own account block (conta cobrança and a
//! 13-digit nosso número); the other banks use the FEBRABAN positions with
//! their own layout versions.

use jiff::civil::{Date, DateTime};

use super::bank::Bank;
use crate::centavos::Centavos;
use crate::pix::text::to_ascii;

/// The company (beneficiário) sending the remittance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Company {
    /// CPF (11 digits) or CNPJ (14 digits); punctuation is ignored.
    pub document: String,
    pub name: String,
    pub agency: String,
    #[serde(default)]
    pub agency_dv: String,
    pub account: String,
    #[serde(default)]
    pub account_dv: String,
    /// Convênio / código do beneficiário at the bank.
    pub convenio: String,
}

/// The payer (pagador) of one boleto.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Payer {
    /// CPF (11 digits) or CNPJ (14 digits); punctuation is ignored.
    pub document: String,
    pub name: String,
    pub address: String,
    #[serde(default)]
    pub district: String,
    /// CEP, 8 digits; punctuation is ignored.
    pub postal_code: String,
    pub city: String,
    /// UF, 2 letters.
    pub state: String,
}

/// One boleto to register.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct RemittanceBoleto {
    /// Nosso número, digits (FEBRABAN: up to 20; Santander: up to 13).
    pub bank_reference: String,
    /// Nº do documento (seu número), up to 15 characters.
    pub document_number: String,
    /// Uso da empresa: our own id, echoed back in the return file (≤ 25).
    #[serde(default)]
    pub company_reference: String,
    pub due_date: Date,
    pub issue_date: Date,
    pub face_value: Centavos,
    /// Juros de mora per day (0 = none).
    #[serde(default)]
    pub interest_per_day: Centavos,
    /// Discount granted until `discount_date`.
    #[serde(default)]
    pub discount: Centavos,
    #[serde(default)]
    pub discount_date: Option<Date>,
    pub payer: Payer,
}

/// A whole remittance file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Remittance {
    pub bank: Bank,
    pub company: Company,
    /// NSA: the file's sequence number at the bank (1..=999999).
    pub sequence: u32,
    pub created_at: DateTime,
    pub boletos: Vec<RemittanceBoleto>,
}

/// A value that does not fit the layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct RemittanceError {
    field: String,
    reason: String,
}

impl RemittanceError {
    fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
    /// Which input field (e.g. `boletos[2].payer.document`).
    pub fn field(&self) -> &str {
        &self.field
    }
}

impl<'de> serde::Deserialize<'de> for Bank {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Bank::from_code(&code).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown bank {code:?}; expected 001, 033, 104, 237 or 341"
            ))
        })
    }
}

/// One 240-character record under construction.
struct Rec([u8; 240]);

impl Rec {
    fn new() -> Self {
        Self([b' '; 240])
    }
    fn put(&mut self, from: usize, bytes: &[u8]) {
        self.0[from - 1..from - 1 + bytes.len()].copy_from_slice(bytes);
    }
    /// Right-aligned, zero-padded digits in `from..=to`.
    fn num(
        &mut self,
        from: usize,
        to: usize,
        value: u64,
        field: &str,
    ) -> Result<(), RemittanceError> {
        let width = to - from + 1;
        let text = format!("{value:0width$}");
        if text.len() > width {
            return Err(RemittanceError::new(
                field,
                format!("does not fit in {width} digits"),
            ));
        }
        self.put(from, text.as_bytes());
        Ok(())
    }
    /// Right-aligned, zero-padded digit string in `from..=to`.
    fn digits(
        &mut self,
        from: usize,
        to: usize,
        value: &str,
        field: &str,
    ) -> Result<(), RemittanceError> {
        let width = to - from + 1;
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RemittanceError::new(field, "must be digits"));
        }
        if value.len() > width {
            return Err(RemittanceError::new(
                field,
                format!("has more than {width} digits"),
            ));
        }
        self.put(from, format!("{value:0>width$}").as_bytes());
        Ok(())
    }
    /// Left-aligned text, uppercase ASCII, cut to the field.
    fn alpha(&mut self, from: usize, to: usize, value: &str) {
        let text = to_ascii(value, to - from + 1).to_ascii_uppercase();
        self.put(from, text.as_bytes());
    }
    fn date(&mut self, from: usize, date: Date) {
        let text = format!("{:02}{:02}{:04}", date.day(), date.month(), date.year());
        self.put(from, text.as_bytes());
    }
    fn amount(
        &mut self,
        from: usize,
        to: usize,
        value: Centavos,
        field: &str,
    ) -> Result<(), RemittanceError> {
        self.num(from, to, value.get() as u64, field)
    }
}

fn clean_digits(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '.' | '-' | '/' | ' '))
        .collect()
}

/// Inscription type (1 = CPF, 2 = CNPJ) and the digits.
fn inscription(document: &str, field: &str) -> Result<(u8, String), RemittanceError> {
    let digits = clean_digits(document);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RemittanceError::new(
            field,
            "must be a CPF or CNPJ with digits only",
        ));
    }
    match digits.len() {
        11 => Ok((1, digits)),
        14 => Ok((2, digits)),
        _ => Err(RemittanceError::new(
            field,
            "must have 11 (CPF) or 14 (CNPJ) digits",
        )),
    }
}

/// (file layout version, lote layout version) per bank.
fn versions(bank: Bank) -> (&'static [u8; 3], &'static [u8; 3]) {
    match bank {
        Bank::BancoDoBrasil => (b"083", b"042"),
        Bank::Santander => (b"040", b"030"),
        Bank::Caixa => (b"107", b"067"),
        Bank::Bradesco => (b"084", b"042"),
        Bank::Itau => (b"040", b"030"),
    }
}

/// The company's account block used in headers (columns given for the file
/// header; the lote header is the same block shifted by one).
fn account_block(rec: &mut Rec, at: usize, c: &Company) -> Result<(), RemittanceError> {
    rec.digits(at, at + 4, &clean_digits(&c.agency), "company.agency")?;
    rec.alpha(at + 5, at + 5, &c.agency_dv);
    rec.digits(
        at + 6,
        at + 17,
        &clean_digits(&c.account),
        "company.account",
    )?;
    rec.alpha(at + 18, at + 18, &c.account_dv);
    Ok(())
}

/// The remittance as text: 240-character records joined by CR LF, with a
/// final CR LF.
pub fn remittance_240(r: &Remittance) -> Result<String, RemittanceError> {
    if r.boletos.is_empty() {
        return Err(RemittanceError::new(
            "boletos",
            "a remittance needs at least one boleto",
        ));
    }
    let bank = r.bank;
    let code = bank.code().as_bytes();
    let (file_version, lote_version) = versions(bank);
    let c = &r.company;
    let (company_kind, company_doc) = inscription(&c.document, "company.document")?;
    let convenio = clean_digits(&c.convenio);
    let date = r.created_at.date();
    let mut records: Vec<Rec> = Vec::with_capacity(4 + 2 * r.boletos.len());

    // File header.
    let mut h = Rec::new();
    h.put(1, code);
    h.put(4, b"00000");
    h.num(18, 18, u64::from(company_kind), "company.document")?;
    h.digits(19, 32, &company_doc, "company.document")?;
    h.alpha(33, 52, &convenio);
    account_block(&mut h, 53, c)?;
    h.alpha(73, 102, &c.name);
    h.alpha(103, 132, bank.header_name());
    h.put(143, b"1");
    h.date(144, date);
    let time = r.created_at.time();
    h.put(
        152,
        format!("{:02}{:02}{:02}", time.hour(), time.minute(), time.second()).as_bytes(),
    );
    h.num(158, 163, u64::from(r.sequence), "sequence")?;
    h.put(164, file_version);
    h.put(167, b"00000");
    records.push(h);

    // Lote header.
    let mut l = Rec::new();
    l.put(1, code);
    l.put(4, b"00011R01");
    l.put(14, lote_version);
    l.num(18, 18, u64::from(company_kind), "company.document")?;
    l.digits(19, 33, &company_doc, "company.document")?;
    l.alpha(34, 53, &convenio);
    account_block(&mut l, 54, c)?;
    l.alpha(74, 103, &c.name);
    l.num(184, 191, u64::from(r.sequence), "sequence")?;
    l.date(192, date);
    l.put(200, b"00000000");
    records.push(l);

    let mut seq = 0u64;
    let mut total = Centavos::ZERO;
    for (i, b) in r.boletos.iter().enumerate() {
        let field = |name: &str| format!("boletos[{i}].{name}");
        total = total
            .checked_add(b.face_value)
            .ok_or_else(|| RemittanceError::new(field("face_value"), "total overflows"))?;
        if b.face_value.get() == 0 {
            return Err(RemittanceError::new(
                field("face_value"),
                "must be greater than zero",
            ));
        }
        let nosso = clean_digits(&b.bank_reference);

        seq += 1;
        let mut p = Rec::new();
        p.put(1, code);
        p.put(4, b"00013");
        p.num(9, 13, seq, "sequence")?;
        p.put(14, b"P 01");
        if bank == Bank::Santander {
            p.digits(18, 21, &clean_digits(&c.agency), "company.agency")?;
            p.alpha(22, 22, &c.agency_dv);
            p.digits(23, 31, &clean_digits(&c.account), "company.account")?;
            p.alpha(32, 32, &c.account_dv);
            p.digits(33, 41, &convenio, "company.convenio")?;
            p.put(42, b"0");
            p.digits(45, 57, &nosso, &field("bank_reference"))?;
            p.put(58, b"5"); // tipo de cobrança: rápida com registro
            p.put(59, b"1");
            p.put(60, b"1");
        } else {
            p.digits(18, 22, &clean_digits(&c.agency), "company.agency")?;
            p.alpha(23, 23, &c.agency_dv);
            p.digits(24, 35, &clean_digits(&c.account), "company.account")?;
            p.alpha(36, 36, &c.account_dv);
            if nosso.is_empty() || nosso.len() > 20 || !nosso.bytes().all(|x| x.is_ascii_digit()) {
                return Err(RemittanceError::new(
                    field("bank_reference"),
                    "must be 1 to 20 digits",
                ));
            }
            p.alpha(38, 57, &nosso);
            p.put(58, b"1"); // carteira: cobrança simples
            p.put(59, b"1"); // com cadastramento (registrada)
            p.put(60, b"1"); // tradicional
            p.put(61, b"2"); // the company prints the boleto
            p.put(62, b"2"); // and distributes it
        }
        if b.document_number.chars().count() > 15 {
            return Err(RemittanceError::new(
                field("document_number"),
                "has more than 15 characters",
            ));
        }
        p.alpha(63, 77, &b.document_number);
        p.date(78, b.due_date);
        p.amount(86, 100, b.face_value, &field("face_value"))?;
        p.put(101, b"000000");
        p.put(107, b"02N"); // espécie DM (duplicata mercantil), aceite N
        p.date(110, b.issue_date);
        if b.interest_per_day.get() > 0 {
            p.put(118, b"1");
            p.date(119, b.due_date);
            p.amount(127, 141, b.interest_per_day, &field("interest_per_day"))?;
        } else {
            p.put(118, b"3");
            p.put(119, b"00000000");
            p.num(127, 141, 0, "")?;
        }
        match (b.discount.get() > 0, b.discount_date) {
            (true, Some(until)) => {
                p.put(142, b"1");
                p.date(143, until);
                p.amount(151, 165, b.discount, &field("discount"))?;
            }
            (true, None) => {
                return Err(RemittanceError::new(
                    field("discount_date"),
                    "a discount needs its date",
                ));
            }
            (false, _) => {
                p.put(142, b"000000000");
                p.num(151, 165, 0, "")?;
            }
        }
        p.num(166, 180, 0, "")?;
        p.num(181, 195, 0, "")?;
        if b.company_reference.chars().count() > 25 {
            return Err(RemittanceError::new(
                field("company_reference"),
                "has more than 25 characters",
            ));
        }
        p.alpha(196, 220, &b.company_reference);
        p.put(221, b"300"); // não protestar
        p.put(224, b"0000"); // baixa/devolução: as the bank's default
        p.put(228, b"09"); // real
        p.put(230, b"0000000000");
        records.push(p);

        seq += 1;
        let payer = &b.payer;
        let (payer_kind, payer_doc) = inscription(&payer.document, &field("payer.document"))?;
        let cep = clean_digits(&payer.postal_code);
        if cep.len() != 8 || !cep.bytes().all(|x| x.is_ascii_digit()) {
            return Err(RemittanceError::new(
                field("payer.postal_code"),
                "must be 8 digits",
            ));
        }
        let uf = payer.state.trim();
        if uf.len() != 2 || !uf.bytes().all(|x| x.is_ascii_alphabetic()) {
            return Err(RemittanceError::new(
                field("payer.state"),
                "must be 2 letters",
            ));
        }
        let mut q = Rec::new();
        q.put(1, code);
        q.put(4, b"00013");
        q.num(9, 13, seq, "sequence")?;
        q.put(14, b"Q 01");
        q.num(18, 18, u64::from(payer_kind), "")?;
        q.digits(19, 33, &payer_doc, &field("payer.document"))?;
        q.alpha(34, 73, &payer.name);
        q.alpha(74, 113, &payer.address);
        q.alpha(114, 128, &payer.district);
        q.put(129, cep.as_bytes());
        q.alpha(137, 151, &payer.city);
        q.alpha(152, 153, uf);
        q.put(154, b"0000000000000000");
        q.put(210, b"000");
        records.push(q);
    }

    // Lote trailer: records in the lote (header + details + trailer), then
    // the count and total of the cobrança simples.
    let in_lote = seq + 2;
    let mut t = Rec::new();
    t.put(1, code);
    t.put(4, b"00015");
    t.num(18, 23, in_lote, "")?;
    t.num(24, 29, r.boletos.len() as u64, "boletos")?;
    t.amount(30, 46, total, "boletos")?;
    t.num(47, 115, 0, "")?;
    records.push(t);

    let mut f = Rec::new();
    f.put(1, code);
    f.put(4, b"99999");
    f.num(18, 23, 1, "")?;
    f.num(24, 29, in_lote + 2, "boletos")?;
    f.num(30, 35, 0, "")?;
    records.push(f);

    let mut out = String::with_capacity(records.len() * 242);
    for rec in &records {
        // Every byte written is ASCII (digits, uppercase ASCII text, spaces).
        out.extend(rec.0.iter().map(|&b| char::from(b)));
        out.push_str("\r\n");
    }
    Ok(out)
}
