//! Contacts: phones, e-mails and postal addresses, with where they came
//! from, whether they work, and which channels the debtor refused.
//!
//! Data hygiene rules live here as pure functions: phone normalisation to
//! E.164 ([`Phone::parse`]) and the enrichment rule ([`enrichment_decision`]):
//! a contact proven invalid (an e-mail bounce, a wrong number) is never
//! overwritten by imported data.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

use crate::email::Email;

mod marks;
pub use marks::{ContactMarks, ContactMarksPatch};

/// Brazilian area codes (DDD) in use (Anatel plan).
const VALID_DDD: [u8; 67] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43,
    44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77,
    79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
];

/// Mobile or landline.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    /// 9 digits starting with 9 (SMS and WhatsApp possible).
    Mobile,
    /// 8 digits starting with 2–5.
    Landline,
}

/// A Brazilian phone number.
///
/// Invariant: the DDD is in the Anatel list; a mobile number has 9 digits
/// starting with 9; a landline has 8 digits starting with 2–5; the number is
/// not one digit repeated. `Display`/serde give E.164 (`+5511912345678`).
/// `Debug` masks it (personal data).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone {
    ddd: u8,
    number: u32,
    kind: PhoneKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone is empty")]
    Empty,
    #[error("phone has characters other than digits, spaces, + ( ) - .")]
    Invalid,
    #[error("only Brazilian numbers (+55) are accepted")]
    Foreign,
    #[error("phone must have a DDD and 8 or 9 digits")]
    Length,
    #[error("DDD {0:02} does not exist")]
    Ddd(u8),
    #[error("a 9-digit number must be a mobile starting with 9")]
    NotMobile,
    #[error("a landline must start with 2, 3, 4 or 5")]
    NotLandline,
    #[error("phone is a repeated digit")]
    Repeated,
    /// 0800, 0300, 0500, 0900: a service number, no one's own phone.
    #[error("non-geographic number (0800, 0300…) is not a debtor's phone")]
    NonGeographic,
    /// A trunk 0 and a carrier code before a number that would also need
    /// its ninth digit: most often a DDD with a mistyped number, so neither
    /// reading is taken.
    #[error("ambiguous: carrier code and an 8-digit mobile; write the DDD and the 9 digits")]
    Ambiguous,
}

impl PhoneError {
    /// Why, in pt-BR, as the import report and the forms say it.
    pub fn pt_br(&self) -> String {
        match self {
            Self::Empty => "vazio".into(),
            Self::Invalid => "use só dígitos, espaços e + ( ) - .".into(),
            Self::Foreign => "só números do Brasil (+55)".into(),
            Self::Length => "informe o DDD e o número (8 ou 9 dígitos)".into(),
            Self::Ddd(d) => format!("o DDD {d:02} não existe"),
            Self::NotMobile => "um número de 9 dígitos é um celular e começa com 9".into(),
            Self::NotLandline => "um fixo começa com 2, 3, 4 ou 5".into(),
            Self::Repeated => "número com um só dígito repetido".into(),
            Self::NonGeographic => {
                "número de serviço (0800, 0300, 0500, 0900) não é telefone do devedor".into()
            }
            Self::Ambiguous => "número ambíguo (código de operadora e celular de 8 dígitos): informe o DDD e os 9 dígitos do celular".into(),
        }
    }
}

impl Phone {
    /// Normalises a phone written in any usual way: `+55 (11) 91234-5678`,
    /// `11912345678`, `(11) 3123-4567`, `011 91234 5678` (trunk 0),
    /// `0 21 11 91234-5678` (trunk 0 + carrier code), `0xx11 91234-5678`
    /// (carrier code as a placeholder), `5511912345678`.
    ///
    /// An 8-digit number starting with 6–9 is a mobile from before the
    /// ninth digit (2012–2016): the leading 9 is added. Spaces of any kind
    /// and dashes of any kind separate digits; an extension after the
    /// number (`ramal 22`, `r. 22`, `ext 22`, `x22`) is left out. Never
    /// panics.
    pub fn parse(raw: &str) -> Result<Phone, PhoneError> {
        let s = without_extension(raw.trim()).trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        // `0xx11 …` / `(0XX21) …`: trunk 0 with the carrier code left as a
        // placeholder, so what follows is the DDD.
        let opening = s.len() - s.trim_start_matches(['(', ' ']).len();
        let carrier_placeholder = s[opening..]
            .get(..3)
            .is_some_and(|p| p.eq_ignore_ascii_case("0xx"));
        let (s, skipped) = if carrier_placeholder {
            (&s[opening + 3..], true)
        } else {
            (s, false)
        };
        let mut digits = [0u8; 20];
        let mut n = 0usize;
        let plus = s.starts_with('+');
        // Digits before and inside the first pair of parentheses: `(DD)`
        // names the DDD as typed.
        let mut group: Option<(usize, Option<usize>)> = None;
        for (i, c) in s.char_indices() {
            match c {
                '0'..='9' => {
                    if n == digits.len() {
                        return Err(PhoneError::Length);
                    }
                    digits[n] = c as u8 - b'0';
                    n += 1;
                }
                '+' if i == 0 => {}
                '(' => {
                    group.get_or_insert((n, None));
                }
                ')' => {
                    if let Some((_, end @ None)) = &mut group {
                        *end = Some(n);
                    }
                }
                c if is_separator(c) => {}
                _ => return Err(PhoneError::Invalid),
            }
        }
        if matches!(digits[..n], [0, 3 | 5 | 8 | 9, 0, 0, ..]) && (10..=11).contains(&n) {
            return Err(PhoneError::NonGeographic);
        }
        let mut d = &digits[..n];
        let mut written = [0u8; 11];
        if let Some(ddd) = group.and_then(|(start, end)| written_ddd(d, start, end?)) {
            // `(11) 91234-5678`, `+55 (11) …`, `(011) …`: the DDD is the one
            // in parentheses, so a wrong one is named as typed (`(00)` is
            // DDD 00, not a trunk 0 and DDD 09).
            let local = &digits[ddd.1..n];
            if local.len() != 8 && local.len() != 9 {
                return Err(PhoneError::Length);
            }
            written[..2].copy_from_slice(&ddd.0);
            written[2..2 + local.len()].copy_from_slice(local);
            d = &written[..2 + local.len()];
        } else if skipped {
            // Nothing but the DDD and the number may follow the placeholder.
        } else if plus {
            match d {
                [5, 5, rest @ ..] => d = rest,
                _ => return Err(PhoneError::Foreign),
            }
        } else if (d.len() == 12 || d.len() == 13) && d.starts_with(&[5, 5]) {
            d = &d[2..];
        } else if d.first() == Some(&0) {
            d = &d[1..];
            if d.len() == 12 || d.len() == 13 {
                // Carrier selection code (two digits, never starting with
                // 0) before the DDD. With 12 digits the number after the
                // DDD has 8: were it a mobile needing its ninth digit, the
                // digits read as well as a DDD and a 10-digit typo, so
                // neither is guessed.
                if d[0] == 0 {
                    return Err(PhoneError::Length);
                }
                if d.len() == 12 && d[4] >= 6 {
                    return Err(PhoneError::Ambiguous);
                }
                d = &d[2..];
            }
        }
        if d.len() != 10 && d.len() != 11 {
            return Err(PhoneError::Length);
        }
        let ddd = d[0] * 10 + d[1];
        if !VALID_DDD.contains(&ddd) {
            return Err(PhoneError::Ddd(ddd));
        }
        let local = &d[2..];
        let (kind, local_digits): (PhoneKind, Vec<u8>) = if local.len() == 9 {
            if local[0] != 9 {
                return Err(PhoneError::NotMobile);
            }
            (PhoneKind::Mobile, local.to_vec())
        } else {
            match local[0] {
                2..=5 => (PhoneKind::Landline, local.to_vec()),
                6..=9 => {
                    let mut v = Vec::with_capacity(9);
                    v.push(9);
                    v.extend_from_slice(local);
                    (PhoneKind::Mobile, v)
                }
                _ => return Err(PhoneError::NotLandline),
            }
        };
        let body = if kind == PhoneKind::Mobile {
            &local_digits[1..]
        } else {
            &local_digits[..]
        };
        if body.iter().all(|&x| x == body[0]) {
            return Err(PhoneError::Repeated);
        }
        let number = local_digits
            .iter()
            .fold(0u32, |acc, &x| acc * 10 + u32::from(x));
        Ok(Phone { ddd, number, kind })
    }

    /// A number written without its DDD (`91234-5678`, `3123-4567`; only
    /// digits, spaces, `-` and `.`) under every DDD in use: what a search for
    /// a local number may mean. Empty when it is no local number.
    pub fn under_every_ddd(local: &str) -> Vec<Phone> {
        let Some(digits) = local_digits(local).filter(|d| matches!(d.len(), 8 | 9)) else {
            return Vec::new();
        };
        VALID_DDD
            .iter()
            .filter_map(|ddd| Phone::parse(&format!("{ddd}{digits}")).ok())
            .collect()
    }

    /// The start of a number typed without its DDD (`96297`, `9629-7`:
    /// five to seven digits, with only spaces, `-` and `.` between them, the
    /// first as a number's first: 2–5 or 9) as the start of an E.164 phone
    /// under every DDD in use (`+551196297`, …): what a search typed while
    /// listening to a number may mean. Empty when it is no such start.
    pub fn starts_under_every_ddd(start: &str) -> Vec<String> {
        let Some(digits) = local_digits(start) else {
            return Vec::new();
        };
        let first_ok = matches!(digits.as_bytes().first(), Some(b'2'..=b'5' | b'9'));
        if !(5..=7).contains(&digits.len()) || !first_ok {
            return Vec::new();
        }
        VALID_DDD
            .iter()
            .map(|ddd| format!("+55{ddd}{digits}"))
            .collect()
    }

    pub fn ddd(self) -> u8 {
        self.ddd
    }

    pub fn kind(self) -> PhoneKind {
        self.kind
    }

    pub fn is_mobile(self) -> bool {
        self.kind == PhoneKind::Mobile
    }

    /// `+5511912345678`.
    pub fn e164(self) -> String {
        self.to_string()
    }

    /// `(11) 91234-5678` / `(11) 3123-4567`.
    pub fn national(self) -> String {
        let (width, split) = match self.kind {
            PhoneKind::Mobile => (9, 5),
            PhoneKind::Landline => (8, 4),
        };
        let s = format!("{:0width$}", self.number, width = width);
        format!("({}) {}-{}", self.ddd, &s[..split], &s[split..])
    }

    /// `(11) *****-5678`, for screens that need not show it all.
    pub fn masked(self) -> String {
        let n = self.national();
        let (head, tail) = n.split_at(5);
        let tail: String = tail
            .char_indices()
            .map(|(i, c)| {
                if c.is_ascii_digit() && i < tail.len() - 4 {
                    '*'
                } else {
                    c
                }
            })
            .collect();
        format!("{head}{tail}")
    }
}

/// The digits of a number typed without its DDD: only digits, spaces,
/// `-` and `.` (no `+`, parentheses or letters, which say more).
fn local_digits(typed: &str) -> Option<String> {
    let typed = typed.trim();
    typed
        .chars()
        .all(|c| c.is_ascii_digit() || " -.".contains(c))
        .then(|| typed.chars().filter(char::is_ascii_digit).collect())
}

/// What may separate a phone's digits: spaces of any kind (a non-breaking
/// space pasted from a page, a tab), dots and dashes of any kind (an en
/// dash typed by a word processor).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// `raw` without an extension after the number: `11 3123-4567 ramal 22`,
/// `… r. 22`, `… ext. 22`, `… x22`, `… #22`. Only a marker after at least
/// eight digits counts, so the `0xx` placeholder before a DDD stays.
fn without_extension(raw: &str) -> &str {
    let mut seen = 0;
    for (i, c) in raw.char_indices() {
        if c.is_ascii_digit() {
            seen += 1;
            continue;
        }
        if seen < 8 || !(c.is_alphabetic() || c == '#') {
            continue;
        }
        return if is_extension(&raw[i..]) {
            raw[..i].trim_end_matches([' ', ',', '-', '/'])
        } else {
            raw
        };
    }
    raw
}

/// `text` is an extension alone: `ramal 22`, `R. 22`, `ext. 22`, `x22`,
/// `#22` (what follows a number, or a list's part after it).
pub fn is_extension(text: &str) -> bool {
    let rest = text.trim().to_lowercase();
    let tail = ["ramal", "ram.", "ext.", "ext", "r.", "x", "#"]
        .iter()
        .find_map(|m| rest.strip_prefix(m))
        .map(|t| t.trim_start().trim_start_matches(':').trim());
    tail.is_some_and(|t| {
        t.chars().next().is_some_and(|c| c.is_ascii_digit())
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    })
}

/// The DDD written in parentheses, and where the number after it starts
/// (in `digits`): `(11)` after nothing, `55` or `+55`; `(011)`, a trunk 0
/// inside them. The group runs over `digits[start..end]`.
fn written_ddd(digits: &[u8], start: usize, end: usize) -> Option<([u8; 2], usize)> {
    let before = digits.get(..start)?;
    if !(before.is_empty() || before == [5, 5]) {
        return None;
    }
    match digits.get(start..end)? {
        [a, b] | [0, a, b] => Some(([*a, *b], end)),
        _ => None,
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PhoneKind::Mobile => write!(f, "+55{}{:09}", self.ddd, self.number),
            PhoneKind::Landline => write!(f, "+55{}{:08}", self.ddd, self.number),
        }
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl FromStr for Phone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phone::parse(s)
    }
}

impl serde::Serialize for Phone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Phone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Phone::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A Brazilian state (unidade federativa).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uf([u8; 2]);

const UFS: [&str; 27] = [
    "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA", "PB", "PE",
    "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("unknown state (UF) {0:?}")]
    Uf(String),
    #[error("CEP must have 8 digits")]
    Cep,
    #[error("address line is empty")]
    Empty,
    #[error("address field is longer than {0} characters")]
    TooLong(usize),
    #[error("address field has a control character")]
    Control,
}

/// Each state's name, without accents and in lower case, in the order of
/// [`UFS`].
const UF_NAMES: [&str; 27] = [
    "acre",
    "alagoas",
    "amazonas",
    "amapa",
    "bahia",
    "ceara",
    "distrito federal",
    "espirito santo",
    "goias",
    "maranhao",
    "minas gerais",
    "mato grosso do sul",
    "mato grosso",
    "para",
    "paraiba",
    "pernambuco",
    "piaui",
    "parana",
    "rio de janeiro",
    "rio grande do norte",
    "rondonia",
    "roraima",
    "rio grande do sul",
    "santa catarina",
    "sergipe",
    "sao paulo",
    "tocantins",
];

impl Uf {
    /// `sp`, `SP`, ` Sp ` → `SP`; a state's name, with or without its
    /// accents (`São Paulo`, `sao paulo`), → its UF.
    pub fn parse(raw: &str) -> Result<Uf, AddressError> {
        let s = raw.trim();
        let b = s.as_bytes();
        if b.len() == 2 {
            let up = [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()];
            if UFS.iter().any(|u| u.as_bytes() == up) {
                return Ok(Uf(up));
            }
        }
        let name: String = s
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .map(|c| crate::text::fold_accent(c).to_ascii_lowercase())
            .collect();
        if let Some(i) = UF_NAMES.iter().position(|n| *n == name) {
            let u = UFS[i].as_bytes();
            return Ok(Uf([u[0], u[1]]));
        }
        Err(AddressError::Uf(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII capitals from UFS are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for Uf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Uf {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A CEP (postal code). Invariant: 8 digits, not all zero. Displays as `01310-100`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cep(u32);

impl Cep {
    /// `01310-100`, `01310100`, `01.310-100`, `01310 100`; `1310100`, a
    /// CEP of São Paulo whose leading zero a spreadsheet dropped, gets it
    /// back (seven digits alone, nothing between them).
    pub fn parse(raw: &str) -> Result<Cep, AddressError> {
        let raw = raw.trim();
        let mut v = 0u32;
        let mut n = 0;
        for b in raw.bytes() {
            match b {
                b'0'..=b'9' if n < 8 => {
                    v = v * 10 + u32::from(b - b'0');
                    n += 1;
                }
                b'-' | b'.' | b' ' => {}
                _ => return Err(AddressError::Cep),
            }
        }
        if n == 7 && raw.len() == 7 && !raw.starts_with('0') {
            n = 8;
        }
        if n != 8 || v == 0 {
            return Err(AddressError::Cep);
        }
        Ok(Cep(v))
    }

    /// The 8 digits, `01310100`.
    pub fn digits(self) -> String {
        format!("{:08}", self.0)
    }
}

impl fmt::Display for Cep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}-{:03}", self.0 / 1000, self.0 % 1000)
    }
}

impl serde::Serialize for Cep {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A postal address for letters.
///
/// Invariant: `line` (street, number, complement, district) is non-empty;
/// `line` ≤ 200 and `city` ≤ 100 characters; whitespace collapsed.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct PostalAddress {
    line: String,
    city: Option<String>,
    uf: Option<Uf>,
    cep: Option<Cep>,
}

impl PostalAddress {
    pub fn new(
        line: &str,
        city: Option<&str>,
        uf: Option<Uf>,
        cep: Option<Cep>,
    ) -> Result<Self, AddressError> {
        let line = crate::text::one_line(line).ok_or(AddressError::Control)?;
        if line.is_empty() {
            return Err(AddressError::Empty);
        }
        if line.chars().count() > 200 {
            return Err(AddressError::TooLong(200));
        }
        let city = match city {
            Some(c) => Some(crate::text::one_line(c).ok_or(AddressError::Control)?),
            None => None,
        }
        .filter(|c| !c.is_empty());
        if city.as_ref().is_some_and(|c| c.chars().count() > 100) {
            return Err(AddressError::TooLong(100));
        }
        Ok(Self {
            line,
            city,
            uf,
            cep,
        })
    }
    pub fn line(&self) -> &str {
        &self.line
    }
    pub fn city(&self) -> Option<&str> {
        self.city.as_deref()
    }
    pub fn uf(&self) -> Option<Uf> {
        self.uf
    }
    pub fn cep(&self) -> Option<Cep> {
        self.cep
    }
}

impl fmt::Debug for PostalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostalAddress(***, {:?})", self.uf)
    }
}

/// The kind of a contact (database text via `as_str`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Phone,
    Email,
    Address,
}

impl ContactKind {
    pub const ALL: [ContactKind; 3] = [Self::Phone, Self::Email, Self::Address];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Address => "address",
        }
    }

    /// The channels a contact of this kind can serve at most, hence the
    /// only ones its debtor can opt out of on it.
    pub fn channels(self) -> ChannelSet {
        match self {
            Self::Phone => [Channel::Voice, Channel::Sms, Channel::Whatsapp]
                .into_iter()
                .collect(),
            Self::Email => [Channel::Email].into_iter().collect(),
            Self::Address => [Channel::Letter].into_iter().collect(),
        }
    }
}

impl FromStr for ContactKind {
    type Err = ContactError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ContactError::UnknownKind(s.to_owned()))
    }
}

/// A contact's value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ContactValue {
    Phone(Phone),
    Email(Email),
    Address(PostalAddress),
}

impl ContactValue {
    pub fn kind(&self) -> ContactKind {
        match self {
            Self::Phone(_) => ContactKind::Phone,
            Self::Email(_) => ContactKind::Email,
            Self::Address(_) => ContactKind::Address,
        }
    }
}

/// A way of reaching a debtor.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Voice,
    Sms,
    Whatsapp,
    Email,
    Letter,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Self::Voice,
        Self::Sms,
        Self::Whatsapp,
        Self::Email,
        Self::Letter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voice => "voice",
            Self::Sms => "sms",
            Self::Whatsapp => "whatsapp",
            Self::Email => "email",
            Self::Letter => "letter",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl FromStr for Channel {
    type Err = ContactError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| ContactError::UnknownChannel(s.to_owned()))
    }
}

/// A set of channels (a bit set; the database may store `bits()`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ChannelSet(u8);

impl ChannelSet {
    pub const EMPTY: ChannelSet = ChannelSet(0);

    pub fn contains(self, c: Channel) -> bool {
        self.0 & c.bit() != 0
    }
    pub fn insert(&mut self, c: Channel) {
        self.0 |= c.bit();
    }
    pub fn remove(&mut self, c: Channel) {
        self.0 &= !c.bit();
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = Channel> {
        Channel::ALL.into_iter().filter(move |c| self.contains(*c))
    }
    /// Bits for storage (`voice` = 1, `sms` = 2, `whatsapp` = 4, `email` = 8, `letter` = 16).
    pub fn bits(self) -> u8 {
        self.0
    }
    /// Inverse of [`ChannelSet::bits`]; unknown bits are dropped.
    pub fn from_bits(bits: u8) -> Self {
        ChannelSet(bits & 0b1_1111)
    }
}

impl FromIterator<Channel> for ChannelSet {
    fn from_iter<I: IntoIterator<Item = Channel>>(iter: I) -> Self {
        let mut s = ChannelSet::EMPTY;
        for c in iter {
            s.insert(c);
        }
        s
    }
}

/// JSON: a list, `["sms", "whatsapp"]`.
impl serde::Serialize for ChannelSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Why a contact is known not to work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidReason {
    /// The e-mail bounced (hard bounce).
    Bounce,
    /// Someone else answers this number.
    WrongNumber,
    /// The number does not exist or is disconnected.
    Disconnected,
    /// The post office returned the letter.
    ReturnedMail,
    Other,
}

impl InvalidReason {
    pub const ALL: [InvalidReason; 5] = [
        Self::Bounce,
        Self::WrongNumber,
        Self::Disconnected,
        Self::ReturnedMail,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bounce => "bounce",
            Self::WrongNumber => "wrong_number",
            Self::Disconnected => "disconnected",
            Self::ReturnedMail => "returned_mail",
            Self::Other => "other",
        }
    }

    /// Whether this reason can describe a contact of `kind`: a bounce is an
    /// e-mail's, a wrong or disconnected number a phone's, returned mail an
    /// address's; "other" fits any.
    pub fn fits(self, kind: ContactKind) -> bool {
        match self {
            Self::Bounce => kind == ContactKind::Email,
            Self::WrongNumber | Self::Disconnected => kind == ContactKind::Phone,
            Self::ReturnedMail => kind == ContactKind::Address,
            Self::Other => true,
        }
    }
}

impl FromStr for InvalidReason {
    type Err = ContactError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| ContactError::UnknownReason(s.to_owned()))
    }
}

/// Whether a contact works. Stored as `validity` text (`unverified`,
/// `valid`, `invalid`) plus a nullable `invalid_reason` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum Validity {
    #[default]
    Unverified,
    Valid,
    Invalid(InvalidReason),
}

impl Validity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unverified => "unverified",
            Self::Valid => "valid",
            Self::Invalid(_) => "invalid",
        }
    }

    pub fn reason(self) -> Option<InvalidReason> {
        match self {
            Self::Invalid(r) => Some(r),
            _ => None,
        }
    }

    /// From the two database columns.
    pub fn from_db(status: &str, reason: Option<&str>) -> Result<Self, ContactError> {
        match (status, reason) {
            ("unverified", None) => Ok(Self::Unverified),
            ("valid", None) => Ok(Self::Valid),
            ("invalid", Some(r)) => Ok(Self::Invalid(r.parse()?)),
            _ => Err(ContactError::UnknownValidity(status.to_owned())),
        }
    }
}

/// Where a contact came from: `import`, `agent`, `debtor`, `enrichment:…`.
///
/// Invariant: trimmed, 1 to 80 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ContactSource(String);

impl ContactSource {
    pub fn parse(raw: &str) -> Result<Self, ContactError> {
        let s = raw.trim();
        if s.is_empty() || s.chars().count() > 80 || s.chars().any(char::is_control) {
            return Err(ContactError::Source);
        }
        Ok(Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("contact source must have 1 to 80 characters")]
    Source,
    #[error("channel {channel} does not apply to a {kind} contact")]
    ChannelMismatch {
        channel: &'static str,
        kind: &'static str,
    },
    #[error("reason {reason} does not apply to a {kind} contact")]
    ReasonMismatch {
        reason: &'static str,
        kind: &'static str,
    },
    #[error("only phones can be marked as WhatsApp")]
    WhatsappNotPhone,
    #[error("unknown invalid reason {0:?}")]
    UnknownReason(String),
    #[error("unknown validity {0:?}")]
    UnknownValidity(String),
    #[error("unknown contact kind {0:?}")]
    UnknownKind(String),
    #[error("unknown channel {0:?}")]
    UnknownChannel(String),
}

/// One contact of a debtor.
///
/// Invariants: opt-outs only name channels the contact can serve;
/// only a phone can be WhatsApp-capable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contact {
    value: ContactValue,
    whatsapp: bool,
    workplace: bool,
    source: ContactSource,
    collected_on: Date,
    validity: Validity,
    opted_out: ChannelSet,
}

impl Contact {
    /// A new, unverified contact with no opt-outs.
    pub fn new(value: ContactValue, source: ContactSource, collected_on: Date) -> Self {
        Self {
            value,
            whatsapp: false,
            workplace: false,
            source,
            collected_on,
            validity: Validity::Unverified,
            opted_out: ChannelSet::EMPTY,
        }
    }

    pub fn value(&self) -> &ContactValue {
        &self.value
    }
    pub fn kind(&self) -> ContactKind {
        self.value.kind()
    }
    pub fn whatsapp(&self) -> bool {
        self.whatsapp
    }
    pub fn workplace(&self) -> bool {
        self.workplace
    }
    pub fn source(&self) -> &ContactSource {
        &self.source
    }
    pub fn collected_on(&self) -> Date {
        self.collected_on
    }
    pub fn validity(&self) -> Validity {
        self.validity
    }
    pub fn opted_out(&self) -> ChannelSet {
        self.opted_out
    }

    /// The channels this kind of contact can serve (WhatsApp only if flagged;
    /// SMS only for mobiles).
    pub fn channels(&self) -> ChannelSet {
        match &self.value {
            ContactValue::Phone(p) => {
                let mut s: ChannelSet = [Channel::Voice].into_iter().collect();
                if p.is_mobile() {
                    s.insert(Channel::Sms);
                }
                if self.whatsapp {
                    s.insert(Channel::Whatsapp);
                }
                s
            }
            ContactValue::Email(_) => [Channel::Email].into_iter().collect(),
            ContactValue::Address(_) => [Channel::Letter].into_iter().collect(),
        }
    }

    /// Channels that may be used now: none if invalid; else those not opted out.
    pub fn usable_channels(&self) -> ChannelSet {
        if matches!(self.validity, Validity::Invalid(_)) {
            return ChannelSet::EMPTY;
        }
        ChannelSet::from_bits(self.channels().bits() & !self.opted_out.bits())
    }

    pub fn set_whatsapp(&mut self, on: bool) -> Result<(), ContactError> {
        if on && !matches!(self.value, ContactValue::Phone(_)) {
            return Err(ContactError::WhatsappNotPhone);
        }
        self.whatsapp = on;
        if !on {
            self.opted_out.remove(Channel::Whatsapp);
        }
        Ok(())
    }

    pub fn set_workplace(&mut self, on: bool) {
        self.workplace = on;
    }

    pub fn mark_valid(&mut self) {
        self.validity = Validity::Valid;
    }

    pub fn mark_invalid(&mut self, reason: InvalidReason) {
        self.validity = Validity::Invalid(reason);
    }

    /// Records that the debtor refused `channel` on this contact.
    pub fn opt_out(&mut self, channel: Channel) -> Result<(), ContactError> {
        if !self.kind().channels().contains(channel) {
            return Err(ContactError::ChannelMismatch {
                channel: channel.as_str(),
                kind: self.kind().as_str(),
            });
        }
        self.opted_out.insert(channel);
        Ok(())
    }

    /// Withdraws an opt-out (only on the debtor's request).
    pub fn opt_in(&mut self, channel: Channel) {
        self.opted_out.remove(channel);
    }

    /// A key equal for two contacts with the same value (to find the existing
    /// contact an enrichment row refers to): phone E.164, e-mail, or the
    /// address line + CEP.
    pub fn key(&self) -> String {
        match &self.value {
            ContactValue::Phone(p) => format!("phone:{p}"),
            ContactValue::Email(e) => format!("email:{e}"),
            ContactValue::Address(a) => format!(
                "address:{}|{}",
                a.line().to_lowercase(),
                a.cep().map(|c| c.digits()).unwrap_or_default()
            ),
        }
    }

    /// Applies an enrichment decided as [`EnrichmentDecision::Refresh`]:
    /// takes the newer source and date and the flags the new data adds.
    /// Validity and opt-outs are kept: they are our own evidence and the
    /// debtor's will.
    pub fn refresh_from(&mut self, incoming: &Contact) {
        if enrichment_decision(Some(self), incoming) != EnrichmentDecision::Refresh {
            return;
        }
        self.source = incoming.source.clone();
        self.collected_on = incoming.collected_on;
        self.whatsapp |= incoming.whatsapp && matches!(self.value, ContactValue::Phone(_));
        self.workplace |= incoming.workplace;
    }
}

/// What an enrichment import does with one incoming contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "action", content = "reason", rename_all = "snake_case")]
pub enum EnrichmentDecision {
    /// The debtor has no contact with this value: create it.
    Add,
    /// Update source and date ([`Contact::refresh_from`]).
    Refresh,
    /// Leave the existing contact as it is.
    Keep(KeepReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeepReason {
    /// Marked invalid by a bounce: never overwritten by imported data.
    InvalidByBounce,
    /// Marked invalid for another reason (wrong number…): also kept.
    Invalid,
    /// Already valid, or the incoming data is not newer.
    AlreadyKnown,
}

/// The enrichment rule. `existing` is the debtor's contact with the same
/// [`Contact::key`], if any.
///
/// - no existing contact → `Add`;
/// - existing contact invalid → `Keep`: a bounce or a wrong number is
///   evidence, and a list bought or received later does not undo it (the
///   contact is **never** overwritten, in particular by a bounce);
/// - existing valid → `Keep(AlreadyKnown)`;
/// - existing unverified and incoming collected later → `Refresh`;
///   otherwise `Keep(AlreadyKnown)`.
pub fn enrichment_decision(existing: Option<&Contact>, incoming: &Contact) -> EnrichmentDecision {
    let Some(e) = existing else {
        return EnrichmentDecision::Add;
    };
    match e.validity {
        Validity::Invalid(InvalidReason::Bounce) => {
            EnrichmentDecision::Keep(KeepReason::InvalidByBounce)
        }
        Validity::Invalid(_) => EnrichmentDecision::Keep(KeepReason::Invalid),
        Validity::Valid => EnrichmentDecision::Keep(KeepReason::AlreadyKnown),
        Validity::Unverified if incoming.collected_on > e.collected_on => {
            EnrichmentDecision::Refresh
        }
        Validity::Unverified => EnrichmentDecision::Keep(KeepReason::AlreadyKnown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn a_local_number_is_read_under_every_ddd() {
        let mobile = Phone::under_every_ddd("91234-5678");
        assert_eq!(mobile.len(), VALID_DDD.len());
        assert!(mobile.iter().all(|p| p.is_mobile()));
        assert!(mobile.iter().any(|p| p.e164() == "+5511912345678"));
        assert!(mobile.iter().any(|p| p.e164() == "+5599912345678"));
        // Eight digits from 6 to 9: a mobile from before the ninth digit.
        assert!(
            Phone::under_every_ddd("8765 4321")
                .iter()
                .any(|p| p.e164() == "+5521987654321")
        );
        let landline = Phone::under_every_ddd("3123.4567");
        assert_eq!(landline[0].e164(), "+551131234567");
        for not_local in [
            "11912345678",
            "1234567",
            "(11) 91234-5678",
            "+5591234567",
            "0000-0000",
            "91234-567x",
            "",
        ] {
            assert!(Phone::under_every_ddd(not_local).is_empty(), "{not_local}");
        }
    }

    fn ph(s: &str) -> Result<String, PhoneError> {
        Phone::parse(s).map(|p| p.to_string())
    }

    #[test]
    fn phone_forms() {
        for raw in [
            "+55 (11) 91234-5678",
            "11912345678",
            "(11) 91234-5678",
            "011 91234 5678",
            "0 21 11 91234-5678",
            "5511912345678",
            "+5511912345678",
            "11 9 1234.5678",
            "0xx11 91234-5678",
            "(0XX11) 91234-5678",
            "0xx 11 91234-5678",
            // Spaces and dashes of any kind, as pasted from pages and
            // word processors.
            "(11)\u{a0}91234-5678",
            "11\t91234\u{2013}5678",
            "(11) 91234\u{2011}5678",
            "11\u{202f}91234 5678",
            // Carrier code then a 9-digit mobile.
            "0 21 11 91234-5678",
            "0211191234-5678",
        ] {
            assert_eq!(ph(raw).as_deref(), Ok("+5511912345678"), "{raw}");
        }
        // An extension is left out; the number stays.
        for raw in [
            "11 3123-4567 ramal 22",
            "(11) 3123-4567 r. 22",
            "(11) 3123-4567, Ramal 22",
            "11 3123-4567 ext. 22",
            "11 3123-4567 x22",
            "11 3123-4567 #22",
            "11 3123-4567 RAMAL: 22",
        ] {
            assert_eq!(ph(raw).as_deref(), Ok("+551131234567"), "{raw}");
        }
        // A carrier code before a landline: the usual long-distance form.
        assert_eq!(ph("0 21 11 3123-4567").as_deref(), Ok("+551131234567"));
        assert_eq!(ph("(11) 3123-4567").as_deref(), Ok("+551131234567"));
        assert_eq!(ph("551131234567").as_deref(), Ok("+551131234567"));
        assert_eq!(ph("(0XX21) 3123-4567").as_deref(), Ok("+552131234567"));
        assert_eq!(ph("(011) 3123-4567").as_deref(), Ok("+551131234567"));
        assert_eq!(ph("55 (21) 3123-4567").as_deref(), Ok("+552131234567"));
        assert_eq!(ph("(55) 99123-4567").as_deref(), Ok("+5555991234567"));
        // Old 8-digit mobile gets the ninth digit.
        assert_eq!(ph("(21) 8765-4321").as_deref(), Ok("+5521987654321"));
        // DDD 55 (RS) without country code.
        assert_eq!(ph("55 99123-4567").as_deref(), Ok("+5555991234567"));
        let p = Phone::parse("11912345678").unwrap();
        assert_eq!(p.kind(), PhoneKind::Mobile);
        assert_eq!(p.national(), "(11) 91234-5678");
        assert_eq!(p.masked(), "(11) *****-5678");
        assert!(!format!("{p:?}").contains("1234-5678"));
        let l = Phone::parse("1131234567").unwrap();
        assert_eq!(l.kind(), PhoneKind::Landline);
        assert_eq!(l.national(), "(11) 3123-4567");
    }

    #[test]
    fn phone_rejects() {
        for (raw, e) in [
            ("", PhoneError::Empty),
            ("abc", PhoneError::Invalid),
            ("+1 212 555 0100", PhoneError::Foreign),
            ("12345", PhoneError::Length),
            ("(10) 91234-5678", PhoneError::Ddd(10)),
            ("(20) 3123-4567", PhoneError::Ddd(20)),
            ("(11) 81234-5678", PhoneError::NotMobile),
            ("(11) 1123-4567", PhoneError::NotLandline),
            ("(11) 99999-9999", PhoneError::Repeated),
            ("(11) 3333-3333", PhoneError::Repeated),
            ("1191234567891234567890", PhoneError::Length),
            ("0xx 21 11 91234-5678", PhoneError::Length),
            ("0x11 91234-5678", PhoneError::Invalid),
            ("0xx+5511912345678", PhoneError::Length),
            // The DDD in parentheses is the one typed, never read as a
            // trunk 0 and part of the number.
            ("(00) 91234-5678", PhoneError::Ddd(0)),
            ("(01) 91234-5678", PhoneError::Ddd(1)),
            ("(01) 3123-4567", PhoneError::Ddd(1)),
            ("+55 (00) 91234-5678", PhoneError::Ddd(0)),
            ("(010) 91234-5678", PhoneError::Ddd(10)),
            ("(11) 9123-456", PhoneError::Length),
            ("(11) 1234-56789", PhoneError::NotMobile),
            // A trunk 0 then a DDD and a mobile with one digit too many
            // also reads as a carrier code, another DDD and an old 8-digit
            // mobile: neither is guessed.
            ("0 11 998765-4321", PhoneError::Ambiguous),
            ("011 998765-4321", PhoneError::Ambiguous),
            ("0119987654321", PhoneError::Ambiguous),
            ("0 11 98765-43210", PhoneError::Ambiguous),
            ("0 21 11 8765-4321", PhoneError::Ambiguous),
            // No carrier code starts with 0.
            ("0011 98765-4321", PhoneError::Length),
            ("00 11 98765-4321", PhoneError::Length),
            // Service numbers.
            ("0800 123 4567", PhoneError::NonGeographic),
            ("0800-12-3456", PhoneError::NonGeographic),
            ("0300 123 4567", PhoneError::NonGeographic),
            // Words after the number that are no extension.
            ("11 3123-4567 casa", PhoneError::Invalid),
            ("11 3123-4567 ramal", PhoneError::Invalid),
        ] {
            assert_eq!(Phone::parse(raw), Err(e), "{raw}");
        }
        assert_eq!(
            Phone::parse("(00) 91234-5678").unwrap_err().pt_br(),
            "o DDD 00 não existe"
        );
        assert_eq!(
            Phone::parse("(01) 91234-5678").unwrap_err().pt_br(),
            "o DDD 01 não existe"
        );
        assert_eq!(PhoneError::Ddd(20).pt_br(), "o DDD 20 não existe");
    }

    #[test]
    fn the_start_of_a_local_number() {
        let starts = Phone::starts_under_every_ddd("9629-7");
        assert_eq!(starts.len(), VALID_DDD.len());
        assert_eq!(starts[0], "+55119629".to_owned() + "7");
        for no in [
            "9629",
            "96297945",
            "(11) 96297",
            "1629 7",
            "abcde",
            "96297x",
        ] {
            assert!(Phone::starts_under_every_ddd(no).is_empty(), "{no}");
        }
        assert_eq!(
            Phone::starts_under_every_ddd("3123 45").len(),
            VALID_DDD.len()
        );
    }

    #[test]
    fn uf_and_cep() {
        assert_eq!(Uf::parse(" sp ").unwrap().as_str(), "SP");
        assert!(Uf::parse("XX").is_err());
        for (name, uf) in [
            ("São Paulo", "SP"),
            ("sao  paulo", "SP"),
            ("MATO GROSSO", "MT"),
            ("Mato Grosso do Sul", "MS"),
            ("Pará", "PA"),
            ("Paraíba", "PB"),
            ("Distrito Federal", "DF"),
        ] {
            assert_eq!(Uf::parse(name).unwrap().as_str(), uf, "{name}");
        }
        assert!(Uf::parse("Paulo").is_err());
        assert_eq!(Cep::parse("1310100").unwrap().to_string(), "01310-100");
        assert_eq!(Cep::parse("01310 100").unwrap().to_string(), "01310-100");
        assert!(Cep::parse("1310-100").is_err());
        assert_eq!(Cep::parse("01310-100").unwrap().to_string(), "01310-100");
        assert_eq!(Cep::parse("01.310-100").unwrap().digits(), "01310100");
        assert!(Cep::parse("0131010").is_err());
        assert!(Cep::parse("00000-000").is_err());
        assert!(Cep::parse("013101000").is_err());
        let a = PostalAddress::new(
            "  Av.  Paulista, 1000 ",
            Some(" São  Paulo "),
            Uf::parse("SP").ok(),
            None,
        )
        .unwrap();
        assert_eq!(a.line(), "Av. Paulista, 1000");
        assert_eq!(a.city(), Some("São Paulo"));
        assert!(PostalAddress::new(" ", None, None, None).is_err());
    }

    fn phone_contact(on: Date) -> Contact {
        Contact::new(
            ContactValue::Phone(Phone::parse("11912345678").unwrap()),
            ContactSource::parse("import").unwrap(),
            on,
        )
    }

    fn email_contact(on: Date) -> Contact {
        Contact::new(
            ContactValue::Email(Email::parse("a@exemplo.com").unwrap()),
            ContactSource::parse("import").unwrap(),
            on,
        )
    }

    #[test]
    fn channels_and_opt_out() {
        let mut c = phone_contact(date(2026, 1, 1));
        assert_eq!(
            c.channels().iter().collect::<Vec<_>>(),
            [Channel::Voice, Channel::Sms]
        );
        c.set_whatsapp(true).unwrap();
        c.opt_out(Channel::Sms).unwrap();
        assert_eq!(
            c.usable_channels().iter().collect::<Vec<_>>(),
            [Channel::Voice, Channel::Whatsapp]
        );
        assert!(c.opt_out(Channel::Email).is_err());
        c.mark_invalid(InvalidReason::WrongNumber);
        assert!(c.usable_channels().is_empty());
        let mut e = email_contact(date(2026, 1, 1));
        assert_eq!(e.set_whatsapp(true), Err(ContactError::WhatsappNotPhone));
        assert_eq!(
            serde_json::to_value(c.opted_out()).unwrap(),
            serde_json::json!(["sms"])
        );
        assert_eq!(ChannelSet::from_bits(c.opted_out().bits()), c.opted_out());
        let j = serde_json::to_value(&c).unwrap();
        assert_eq!(j["value"]["kind"], "phone");
        assert_eq!(j["value"]["value"], "+5511912345678");
        assert_eq!(j["validity"]["status"], "invalid");
        assert_eq!(j["validity"]["reason"], "wrong_number");
        assert_eq!(
            Validity::from_db("invalid", Some("bounce")),
            Ok(Validity::Invalid(InvalidReason::Bounce))
        );
        assert_eq!(Validity::from_db("valid", None), Ok(Validity::Valid));
        assert!(Validity::from_db("invalid", None).is_err());
    }

    #[test]
    fn text_forms_round_trip() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>(), Ok(c));
        }
        for k in [ContactKind::Phone, ContactKind::Email, ContactKind::Address] {
            assert_eq!(k.as_str().parse::<ContactKind>(), Ok(k));
        }
        for r in [
            InvalidReason::Bounce,
            InvalidReason::WrongNumber,
            InvalidReason::Disconnected,
            InvalidReason::ReturnedMail,
            InvalidReason::Other,
        ] {
            assert_eq!(r.as_str().parse::<InvalidReason>(), Ok(r));
        }
        assert!("fax".parse::<Channel>().is_err());
    }

    #[test]
    fn enrichment_never_overwrites_a_bounce() {
        let mut existing = email_contact(date(2026, 1, 1));
        existing.mark_invalid(InvalidReason::Bounce);
        let mut incoming = email_contact(date(2026, 6, 1));
        incoming.mark_valid();
        assert_eq!(
            enrichment_decision(Some(&existing), &incoming),
            EnrichmentDecision::Keep(KeepReason::InvalidByBounce)
        );
        let before = existing.clone();
        existing.refresh_from(&incoming);
        assert_eq!(existing, before);
        assert_eq!(
            enrichment_decision(None, &incoming),
            EnrichmentDecision::Add
        );
        let unverified = phone_contact(date(2026, 1, 1));
        let mut newer = phone_contact(date(2026, 2, 1));
        newer.set_whatsapp(true).unwrap();
        assert_eq!(
            enrichment_decision(Some(&unverified), &newer),
            EnrichmentDecision::Refresh
        );
        assert_eq!(
            enrichment_decision(Some(&newer), &unverified),
            EnrichmentDecision::Keep(KeepReason::AlreadyKnown)
        );
        let mut u = unverified.clone();
        u.opt_out(Channel::Sms).unwrap();
        u.refresh_from(&newer);
        assert_eq!(u.collected_on(), date(2026, 2, 1));
        assert!(u.whatsapp());
        assert!(u.opted_out().contains(Channel::Sms));
        assert_eq!(u.key(), newer.key());
    }

    proptest! {
        #[test]
        fn phone_parse_never_panics_and_round_trips(s in "[-+() .0-9]{0,24}") {
            if let Ok(p) = Phone::parse(&s) {
                prop_assert_eq!(Phone::parse(&p.to_string()), Ok(p));
                prop_assert_eq!(Phone::parse(&p.national()), Ok(p));
            }
        }

        #[test]
        fn phone_parse_never_panics_any(s in "\\PC{0,30}") {
            let _ = Phone::parse(&s);
        }

        #[test]
        fn invalid_contacts_are_never_refreshed(reason in prop_oneof![
            Just(InvalidReason::Bounce), Just(InvalidReason::WrongNumber), Just(InvalidReason::Other)
        ], days in 0i64..1000) {
            let mut existing = email_contact(date(2026, 1, 1));
            existing.mark_invalid(reason);
            let incoming = email_contact(crate::calendar::add_days(date(2026, 1, 1), days));
            prop_assert!(matches!(enrichment_decision(Some(&existing), &incoming), EnrichmentDecision::Keep(_)));
        }
    }
}
