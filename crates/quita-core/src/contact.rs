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
mod phone;
pub use marks::{ContactMarks, ContactMarksPatch};
pub use phone::{Phone, PhoneError, PhoneKind, is_extension};

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
