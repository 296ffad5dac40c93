//! CNAB 240 remittance ("remessa"): registering new boletos with the bank.
//!
//! FEBRABAN layout: file header, one lote (operation `R`, service `01`
//! cobrança) with segments P (the boleto) and Q (the payer) per boleto — plus
//! R (fine, second and third discounts) when needed, and S (messages, Caixa
//! only) — lote trailer, file trailer; records of 240 characters joined by
//! CR LF. Banks deviate from the FEBRABAN positions:
//!
//! - **Itaú (341)**, "Cobrança CNAB 240" layout 040/030: the account block is
//!   agência(5) + blank + conta(12) + blank + DAC in the headers and in
//!   segment P; segment P has carteira(3) 38–40, nosso número(8) 41–48 and
//!   its DAC 49, nº do documento(10) 63–72, espécie `01` (DM), no juros or
//!   discount codes (118 and 142 are `0`), baixa code and days at 224–226
//!   and no currency field; segment Q has a 30-character payer name.
//! - **Caixa (104)**, SIGCB "Leiaute CNAB 240" (manual 67.118): the
//!   beneficiário code (6 digits, written left-aligned with a `0` after it
//!   and layout versions 101/060; or 7 digits, right-aligned, versions
//!   107/067) replaces the account; segment P carries the 17-digit nosso
//!   número (modalidade 2 + 15) at 41–57; segment R is always written.
//! - **Santander (033)**: its own account block in segment P (conta
//!   cobrança and a 13-digit nosso número).
//! - Banco do Brasil (001) and Bradesco (237): FEBRABAN positions with their
//!   own layout versions.

use jiff::civil::{Date, DateTime};

use super::bank::Bank;
use crate::boleto::free_field::{itau_account_dac, itau_nosso_numero_dac};
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
    /// Convênio / código do beneficiário at the bank (Caixa: the 6- or
    /// 7-digit código do beneficiário; Santander: código de transmissão /
    /// conta cobrança; not used by Itaú).
    pub convenio: String,
    /// Carteira (Itaú: 3 digits, e.g. `109`; required for Itaú, ignored by
    /// the other banks).
    #[serde(default)]
    pub wallet: String,
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
    /// Second discount (segment R), with its date.
    #[serde(default)]
    pub discount_2: Centavos,
    #[serde(default)]
    pub discount_2_date: Option<Date>,
    /// Third discount (segment R), with its date.
    #[serde(default)]
    pub discount_3: Centavos,
    #[serde(default)]
    pub discount_3_date: Option<Date>,
    /// Multa: a fixed amount charged from the day after the due date
    /// (segment R; 0 = none).
    #[serde(default)]
    pub fine: Centavos,
    /// Days after the due date for the bank to write the boleto off
    /// (baixa/devolução); `None` = the layout's default (FEBRABAN `0`,
    /// Caixa `2` "não baixar", Itaú `0`).
    #[serde(default)]
    pub write_off_days: Option<u16>,
    /// Up to 5 lines of up to 40 characters printed on the boleto (segment
    /// S type 3; Caixa only).
    #[serde(default)]
    pub messages: Vec<String>,
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
    /// `DDMMAAAA`; years outside 1–9999 do not fit.
    fn date(&mut self, from: usize, date: Date, field: &str) -> Result<(), RemittanceError> {
        if date.year() < 1 {
            return Err(RemittanceError::new(field, "year out of range"));
        }
        let text = format!("{:02}{:02}{:04}", date.day(), date.month(), date.year());
        self.put(from, text.as_bytes());
        Ok(())
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

/// (file layout version, lote layout version) per bank; Caixa's depend on
/// the length of the código do beneficiário.
fn versions(bank: Bank, caixa_seven: bool) -> (&'static [u8; 3], &'static [u8; 3]) {
    match bank {
        Bank::BancoDoBrasil => (b"083", b"042"),
        Bank::Santander => (b"040", b"030"),
        Bank::Caixa if caixa_seven => (b"107", b"067"),
        Bank::Caixa => (b"101", b"060"),
        Bank::Bradesco => (b"084", b"042"),
        Bank::Itau => (b"040", b"030"),
    }
}

/// The company's account block used in FEBRABAN headers (columns given for
/// the file header; the lote header is the same block shifted by one).
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

/// Itaú's account: agência(4), conta(5), carteira(3) and the DAC of
/// agência + conta.
struct ItauAccount {
    agency: String,
    account: String,
    wallet: String,
    dac: u8,
}

impl ItauAccount {
    fn new(c: &Company) -> Result<Self, RemittanceError> {
        let agency = fixed_digits(&c.agency, 4, "company.agency")?;
        let account = fixed_digits(&c.account, 5, "company.account")?;
        let wallet = fixed_digits(&c.wallet, 3, "company.wallet")?;
        let dac = itau_account_dac(&agency, &account);
        let given = c.account_dv.trim();
        if !given.is_empty() && given != dac.to_string() {
            return Err(RemittanceError::new(
                "company.account_dv",
                format!("is not Itaú's DAC of agência + conta ({dac})"),
            ));
        }
        Ok(Self {
            agency,
            account,
            wallet,
            dac,
        })
    }

    /// agência(5) + blank + conta(12) + blank + DAC, from column `at`.
    fn write(&self, rec: &mut Rec, at: usize) -> Result<(), RemittanceError> {
        rec.digits(at, at + 4, &self.agency, "company.agency")?;
        rec.digits(at + 6, at + 17, &self.account, "company.account")?;
        rec.put(at + 19, &[b'0' + self.dac]);
        Ok(())
    }
}

/// Caixa's código do beneficiário as written in its 7-column fields: up to
/// 6 digits left-aligned with a `0` after them (layout 101/060), 7 digits
/// as they are (107/067).
struct CaixaCode {
    field: String,
    seven: bool,
}

impl CaixaCode {
    fn new(c: &Company) -> Result<Self, RemittanceError> {
        let code = clean_digits(&c.convenio);
        if code.is_empty() || code.len() > 7 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RemittanceError::new(
                "company.convenio",
                "must be Caixa's código do beneficiário, 1 to 7 digits",
            ));
        }
        let value: u32 = code.parse().unwrap_or(0);
        if value == 0 {
            return Err(RemittanceError::new("company.convenio", "must not be zero"));
        }
        Ok(if value <= 999_999 {
            Self {
                field: format!("{value:06}0"),
                seven: false,
            }
        } else {
            Self {
                field: format!("{value:07}"),
                seven: true,
            }
        })
    }

    /// The 6-column code of the lote header (zeros for a 7-digit code).
    fn six(&self) -> &str {
        if self.seven {
            "000000"
        } else {
            &self.field[..6]
        }
    }
}

/// Digits of at most `width`, left-padded with zeros to exactly `width`.
fn fixed_digits(text: &str, width: usize, field: &str) -> Result<String, RemittanceError> {
    let d = clean_digits(text);
    if d.is_empty() || d.len() > width || !d.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RemittanceError::new(
            field,
            format!("must be 1 to {width} digits"),
        ));
    }
    Ok(format!("{d:0>width$}"))
}

fn day_after(date: Date, field: &str) -> Result<Date, RemittanceError> {
    date.tomorrow()
        .map_err(|_| RemittanceError::new(field, "has no following day"))
}

/// Start of a detail record: bank, lote 0001, type 3, sequence, segment,
/// blank, movement `01` (entrada de títulos).
fn detail(code: &[u8], seq: u64, segment: u8) -> Result<Rec, RemittanceError> {
    let mut r = Rec::new();
    r.put(1, code);
    r.put(4, b"00013");
    r.num(9, 13, seq, "sequence")?;
    r.put(14, &[segment]);
    r.put(16, b"01");
    Ok(r)
}

fn check_len(text: &str, max: usize, field: String) -> Result<(), RemittanceError> {
    if text.chars().count() > max {
        return Err(RemittanceError::new(
            field,
            format!("has more than {max} characters"),
        ));
    }
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
    let c = &r.company;
    let itau = match bank {
        Bank::Itau => Some(ItauAccount::new(c)?),
        _ => None,
    };
    let caixa = match bank {
        Bank::Caixa => Some(CaixaCode::new(c)?),
        _ => None,
    };
    let (file_version, lote_version) = versions(bank, caixa.as_ref().is_some_and(|k| k.seven));
    let (company_kind, company_doc) = inscription(&c.document, "company.document")?;
    let convenio = clean_digits(&c.convenio);
    let date = r.created_at.date();
    let mut records: Vec<Rec> = Vec::with_capacity(4 + 4 * r.boletos.len());

    // File header.
    let mut h = Rec::new();
    h.put(1, code);
    h.put(4, b"00000");
    h.num(18, 18, u64::from(company_kind), "company.document")?;
    h.digits(19, 32, &company_doc, "company.document")?;
    if let Some(it) = &itau {
        it.write(&mut h, 53)?;
    } else if let Some(k) = &caixa {
        h.put(33, &[b'0'; 20]);
        h.digits(53, 57, &clean_digits(&c.agency), "company.agency")?;
        h.put(58, caixa_agency_dv(c).as_bytes());
        h.put(59, k.field.as_bytes());
        h.put(66, b"0000000");
    } else {
        h.alpha(33, 52, &convenio);
        account_block(&mut h, 53, c)?;
    }
    h.alpha(73, 102, &c.name);
    h.alpha(103, 132, bank.header_name());
    h.put(143, b"1");
    h.date(144, date, "created_at")?;
    let time = r.created_at.time();
    h.put(
        152,
        format!("{:02}{:02}{:02}", time.hour(), time.minute(), time.second()).as_bytes(),
    );
    h.num(158, 163, u64::from(r.sequence), "sequence")?;
    h.put(164, file_version);
    h.put(167, b"00000");
    match bank {
        Bank::Caixa => h.put(192, b"REMESSA-PRODUCAO"),
        Bank::Itau => h.put(226, b"000"),
        _ => {}
    }
    records.push(h);

    // Lote header.
    let mut l = Rec::new();
    l.put(1, code);
    l.put(4, b"00011R01");
    if matches!(bank, Bank::Itau | Bank::Caixa) {
        l.put(12, b"00");
    }
    l.put(14, lote_version);
    l.num(18, 18, u64::from(company_kind), "company.document")?;
    l.digits(19, 33, &company_doc, "company.document")?;
    if let Some(it) = &itau {
        it.write(&mut l, 54)?;
    } else if let Some(k) = &caixa {
        l.put(34, k.field.as_bytes());
        l.put(41, &[b'0'; 13]);
        l.digits(54, 58, &clean_digits(&c.agency), "company.agency")?;
        l.put(59, caixa_agency_dv(c).as_bytes());
        l.put(60, k.six().as_bytes());
        l.put(66, b"00000000");
    } else {
        l.alpha(34, 53, &convenio);
        account_block(&mut l, 54, c)?;
    }
    l.alpha(74, 103, &c.name);
    l.num(184, 191, u64::from(r.sequence), "sequence")?;
    l.date(192, date, "created_at")?;
    l.put(200, b"00000000");
    records.push(l);

    let mut seq = 0u64;
    let mut total = Centavos::ZERO;
    for (i, b) in r.boletos.iter().enumerate() {
        let field = |name: &str| format!("boletos[{i}].{name}");
        if b.face_value.get() <= 0 {
            return Err(RemittanceError::new(
                field("face_value"),
                "must be greater than zero",
            ));
        }
        total = total
            .checked_add(b.face_value)
            .ok_or_else(|| RemittanceError::new(field("face_value"), "total overflows"))?;
        let after_due = day_after(b.due_date, &field("due_date"))?;

        seq += 1;
        let p = match &itau {
            Some(it) => itau_segment_p(code, seq, it, b, after_due, &field)?,
            None => {
                let lay = Layout {
                    bank,
                    company: c,
                    caixa: caixa.as_ref(),
                };
                segment_p(&lay, seq, b, after_due, &field)?
            }
        };
        records.push(p);

        seq += 1;
        records.push(segment_q(code, seq, bank, b, &field)?);

        let wants_r = bank == Bank::Caixa
            || b.fine.get() > 0
            || b.discount_2.get() > 0
            || b.discount_3.get() > 0;
        if wants_r {
            seq += 1;
            records.push(segment_r(code, seq, b, after_due, &field)?);
        }
        if !b.messages.is_empty() {
            if bank != Bank::Caixa {
                return Err(RemittanceError::new(
                    field("messages"),
                    "boleto messages (segment S) are written for Caixa (104) only",
                ));
            }
            seq += 1;
            records.push(segment_s(code, seq, b, &field)?);
        }
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
    if bank == Bank::Caixa {
        t.num(47, 92, 0, "")?;
    } else {
        t.num(47, 115, 0, "")?;
    }
    records.push(t);

    let mut f = Rec::new();
    f.put(1, code);
    f.put(4, b"99999");
    f.num(18, 23, 1, "")?;
    f.num(24, 29, in_lote + 2, "boletos")?;
    if bank != Bank::Caixa {
        f.num(30, 35, 0, "")?;
    }
    records.push(f);

    let mut out = String::with_capacity(records.len() * 242);
    for rec in &records {
        // Every byte written is ASCII (digits, uppercase ASCII text, spaces).
        out.extend(rec.0.iter().map(|&b| char::from(b)));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// What segment P needs to know of the bank and the company.
struct Layout<'a> {
    bank: Bank,
    company: &'a Company,
    caixa: Option<&'a CaixaCode>,
}

/// Caixa's agência DV as given, `0` when not given.
fn caixa_agency_dv(c: &Company) -> String {
    let dv = to_ascii(c.agency_dv.trim(), 1).to_ascii_uppercase();
    if dv.is_empty() { "0".to_owned() } else { dv }
}

/// Segment P in Itaú's layout.
fn itau_segment_p(
    code: &[u8],
    seq: u64,
    it: &ItauAccount,
    b: &RemittanceBoleto,
    after_due: Date,
    field: &dyn Fn(&str) -> String,
) -> Result<Rec, RemittanceError> {
    let mut p = detail(code, seq, b'P')?;
    it.write(&mut p, 18)?;
    p.put(38, it.wallet.as_bytes());
    let nn = fixed_digits(&b.bank_reference, 8, &field("bank_reference"))?;
    p.put(41, nn.as_bytes());
    let dac = itau_nosso_numero_dac(&it.wallet, &nn, &it.agency, &it.account);
    p.put(49, &[b'0' + dac]);
    p.put(58, b"00000");
    check_len(&b.document_number, 10, field("document_number"))?;
    p.alpha(63, 72, &b.document_number);
    p.date(78, b.due_date, &field("due_date"))?;
    p.amount(86, 100, b.face_value, &field("face_value"))?;
    p.put(101, b"000000");
    p.put(107, b"01N"); // espécie 01 = duplicata mercantil (Itaú), aceite N
    p.date(110, b.issue_date, &field("issue_date"))?;
    p.put(118, b"0");
    if b.interest_per_day.get() > 0 {
        p.date(119, after_due, &field("due_date"))?;
        p.amount(127, 141, b.interest_per_day, &field("interest_per_day"))?;
    } else {
        p.num(119, 141, 0, "")?;
    }
    first_discount(&mut p, b, b'0', field)?;
    p.num(166, 195, 0, "")?;
    check_len(&b.company_reference, 25, field("company_reference"))?;
    p.alpha(196, 220, &b.company_reference);
    p.put(221, b"300"); // não protestar
    if b.write_off_days.is_some() {
        return Err(RemittanceError::new(
            field("write_off_days"),
            "not supported for Itaú (its baixa codes are not implemented)",
        ));
    }
    p.num(224, 239, 0, "")?;
    Ok(p)
}

/// The first discount (columns 142–165, the same in every layout); `code`
/// is what column 142 holds when there is one (FEBRABAN `1`, valor fixo até
/// a data; Itaú `0`, its field is zeros).
fn first_discount(
    p: &mut Rec,
    b: &RemittanceBoleto,
    code: u8,
    field: &dyn Fn(&str) -> String,
) -> Result<(), RemittanceError> {
    match (b.discount.get() > 0, b.discount_date) {
        (true, Some(until)) => {
            p.put(142, &[code]);
            p.date(143, until, &field("discount_date"))?;
            p.amount(151, 165, b.discount, &field("discount"))
        }
        (true, None) => Err(RemittanceError::new(
            field("discount_date"),
            "a discount needs its date",
        )),
        (false, _) => p.num(142, 165, 0, ""),
    }
}

/// Segment P in the FEBRABAN layout, with Santander's and Caixa's account
/// blocks.
fn segment_p(
    lay: &Layout<'_>,
    seq: u64,
    b: &RemittanceBoleto,
    after_due: Date,
    field: &dyn Fn(&str) -> String,
) -> Result<Rec, RemittanceError> {
    let (bank, c) = (lay.bank, lay.company);
    let mut p = detail(lay.bank.code().as_bytes(), seq, b'P')?;
    let nosso = clean_digits(&b.bank_reference);
    let mut doc_width = 15;
    if let Some(k) = lay.caixa {
        p.digits(18, 22, &clean_digits(&c.agency), "company.agency")?;
        p.put(23, caixa_agency_dv(c).as_bytes());
        p.put(24, k.field.as_bytes());
        p.put(31, b"0000000000");
        p.put(
            41,
            caixa_nosso_numero(&nosso, &field("bank_reference"))?.as_bytes(),
        );
        p.put(58, b"11220"); // simples, registrada, escritural, beneficiário emite e entrega
        doc_width = 11;
    } else if bank == Bank::Santander {
        p.digits(18, 21, &clean_digits(&c.agency), "company.agency")?;
        p.alpha(22, 22, &c.agency_dv);
        p.digits(23, 31, &clean_digits(&c.account), "company.account")?;
        p.alpha(32, 32, &c.account_dv);
        p.digits(33, 41, &clean_digits(&c.convenio), "company.convenio")?;
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
    check_len(&b.document_number, doc_width, field("document_number"))?;
    p.alpha(63, 62 + doc_width, &b.document_number);
    p.date(78, b.due_date, &field("due_date"))?;
    p.amount(86, 100, b.face_value, &field("face_value"))?;
    p.put(101, b"000000");
    p.put(107, b"02N"); // espécie DM (duplicata mercantil), aceite N
    p.date(110, b.issue_date, &field("issue_date"))?;
    if b.interest_per_day.get() > 0 {
        p.put(118, b"1"); // valor por dia
        p.date(119, after_due, &field("due_date"))?;
        p.amount(127, 141, b.interest_per_day, &field("interest_per_day"))?;
    } else {
        p.put(118, b"3"); // isento
        p.num(119, 141, 0, "")?;
    }
    first_discount(&mut p, b, b'1', field)?;
    p.num(166, 195, 0, "")?;
    check_len(&b.company_reference, 25, field("company_reference"))?;
    p.alpha(196, 220, &b.company_reference);
    p.put(221, b"300"); // não protestar
    match (b.write_off_days, bank) {
        (Some(days), _) => {
            p.put(224, b"1"); // baixar/devolver
            p.num(225, 227, u64::from(days), &field("write_off_days"))?;
        }
        (None, Bank::Caixa) => p.put(224, b"2000"), // não baixar/não devolver
        (None, _) => p.put(224, b"0000"),           // the bank's default
    }
    p.put(228, b"09"); // real
    p.put(230, b"0000000000");
    Ok(p)
}

/// Caixa's 17-digit nosso número (modalidade 2 + 15): given whole (starting
/// with `1`, registered), or up to 15 digits that get modalidade `14`
/// (registered, issued by the beneficiário).
fn caixa_nosso_numero(nosso: &str, field: &str) -> Result<String, RemittanceError> {
    if nosso.is_empty() || !nosso.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RemittanceError::new(field, "must be digits"));
    }
    match nosso.len() {
        17 if nosso.starts_with('1') => Ok(nosso.to_owned()),
        17 => Err(RemittanceError::new(
            field,
            "a registered Caixa nosso número starts with 1 (modalidade 11 or 14)",
        )),
        1..=15 => Ok(format!("14{nosso:0>15}")),
        _ => Err(RemittanceError::new(
            field,
            "must be 17 digits (modalidade + 15) or at most 15 digits",
        )),
    }
}

/// Segment Q: the payer. Itaú keeps the name to 30 characters.
fn segment_q(
    code: &[u8],
    seq: u64,
    bank: Bank,
    b: &RemittanceBoleto,
    field: &dyn Fn(&str) -> String,
) -> Result<Rec, RemittanceError> {
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
    let mut q = detail(code, seq, b'Q')?;
    q.num(18, 18, u64::from(payer_kind), "")?;
    q.digits(19, 33, &payer_doc, &field("payer.document"))?;
    let name_end = if bank == Bank::Itau { 63 } else { 73 };
    q.alpha(34, name_end, &payer.name);
    q.alpha(74, 113, &payer.address);
    q.alpha(114, 128, &payer.district);
    q.put(129, cep.as_bytes());
    q.alpha(137, 151, &payer.city);
    q.alpha(152, 153, uf);
    q.put(154, b"0000000000000000");
    q.put(210, b"000");
    Ok(q)
}

/// Segment R: second and third discounts and the fine (multa, a fixed
/// amount from the day after the due date).
fn segment_r(
    code: &[u8],
    seq: u64,
    b: &RemittanceBoleto,
    after_due: Date,
    field: &dyn Fn(&str) -> String,
) -> Result<Rec, RemittanceError> {
    let mut r = detail(code, seq, b'R')?;
    let tiers = [
        (18, b.discount_2, b.discount_2_date, "discount_2"),
        (42, b.discount_3, b.discount_3_date, "discount_3"),
    ];
    for (at, value, until, name) in tiers {
        match (value.get() > 0, until) {
            (true, Some(until)) => {
                r.put(at, b"1"); // valor fixo até a data informada
                r.date(at + 1, until, &field(&format!("{name}_date")))?;
                r.amount(at + 9, at + 23, value, &field(name))?;
            }
            (true, None) => {
                return Err(RemittanceError::new(
                    field(&format!("{name}_date")),
                    "a discount needs its date",
                ));
            }
            (false, _) => r.num(at, at + 23, 0, "")?,
        }
    }
    if b.fine.get() > 0 {
        r.put(66, b"1"); // valor fixo
        r.date(67, after_due, &field("due_date"))?;
        r.amount(75, 89, b.fine, &field("fine"))?;
    } else {
        r.num(66, 89, 0, "")?;
    }
    Ok(r)
}

/// Segment S, type 3: up to five 40-character lines for the boleto.
fn segment_s(
    code: &[u8],
    seq: u64,
    b: &RemittanceBoleto,
    field: &dyn Fn(&str) -> String,
) -> Result<Rec, RemittanceError> {
    if b.messages.len() > 5 {
        return Err(RemittanceError::new(field("messages"), "at most 5 lines"));
    }
    let mut s = detail(code, seq, b'S')?;
    s.put(18, b"3");
    for (k, line) in b.messages.iter().enumerate() {
        check_len(line, 40, field(&format!("messages[{k}]")))?;
        let at = 19 + 40 * k;
        s.alpha(at, at + 39, line);
    }
    Ok(s)
}
