//! Debtors (devedores): a person (PF, CPF) or a company (PJ, CNPJ), with the
//! flags that restrict collection and free-form tags.

use std::collections::BTreeSet;
use std::fmt;

use quita_br::document::{Document, DocumentKind};

/// Lower-case connecting particles of Brazilian names (`Maria da Silva`).
const PARTICLES: [&str; 6] = ["da", "de", "do", "das", "dos", "e"];
/// Company suffixes and Roman numerals (II to XX; `I` alone reads as an
/// initial) written in capitals, also when a dot or comma follows
/// (`Ltda.`) or a dash joins two (`LTDA-ME`).
const UPPER_WORDS: [&str; 26] = [
    "ltda", "me", "epp", "eireli", "s/a", "s.a.", "s.a", "ii", "iii", "iv", "v", "vi", "vii",
    "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx",
];

/// `word` (lower case) is a company suffix or a Roman numeral, alone or
/// with a dot or comma after it, or such words joined by dashes.
fn upper_word(word: &str) -> bool {
    let bare = word.strip_suffix([',', '.']).unwrap_or(word);
    UPPER_WORDS.contains(&word)
        || UPPER_WORDS.contains(&bare)
        || (bare.contains('-') && bare.split('-').all(|w| UPPER_WORDS.contains(&w)))
}

/// A person's or company's name, normalised for display and search.
///
/// Invariant: trimmed, inner whitespace collapsed to single spaces, 1 to 200
/// characters, no control characters, and capitalised the pt-BR way: each
/// word (and each part after `-` or `'`) starts with a capital, the
/// particles `da de do das dos e` are lower-case unless first, and company
/// suffixes (`LTDA`, `ME`, `EPP`, `EIRELI`, `S/A`, `S.A.`) and Roman numerals
/// `II` to `XX` are upper-case (unless first). Each part after `-`, `'`,
/// `.` or `/` starts with a capital too (`J.R.`, `Maria/José`). `Debug` hides the name (personal data).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("name is empty")]
    Empty,
    #[error("name is longer than 200 characters")]
    TooLong,
    #[error("name contains a control character")]
    Control,
    #[error("name has no letters")]
    NoLetters,
}

/// The capital of `c` when it is one character that lowers back to `c`
/// (so normalising twice gives the same name), else `c` unchanged.
fn capital(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) if u.to_lowercase().eq(std::iter::once(c)) => u,
        _ => c,
    }
}

impl PersonName {
    /// Normalises `raw` (see the type's invariant). `"  MARIA  DA silva "` →
    /// `"Maria da Silva"`.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        // What shows: a zero-width space parts words, other invisible and
        // bidirectional characters go (they hid a name from search).
        let shown = crate::text::composed(&crate::text::visible(raw));
        let raw = shown.as_str();
        if raw.chars().any(char::is_control) {
            // Whitespace controls (tab, newline) are just spaces.
            if raw.chars().any(|c| c.is_control() && !c.is_whitespace()) {
                return Err(NameError::Control);
            }
        }
        let mut out = String::with_capacity(raw.len());
        // One scratch buffer for the lower-cased word, reused across words.
        let mut lower = String::with_capacity(32);
        let mut count = 0usize;
        for (i, word) in raw.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
                count += 1;
            }
            lower.clear();
            for c in word.chars() {
                if c.is_ascii() {
                    lower.push(c.to_ascii_lowercase());
                } else {
                    lower.extend(c.to_lowercase());
                }
            }
            if i > 0 && PARTICLES.contains(&lower.as_str()) {
                out.push_str(&lower);
            } else if i > 0 && upper_word(&lower) {
                out.push_str(&lower.to_uppercase());
            } else {
                let mut cap_next = true;
                for (at, c) in lower.char_indices() {
                    if cap_next && c.is_alphabetic() {
                        out.push(capital(c));
                        cap_next = false;
                    } else {
                        out.push(c);
                    }
                    if c == '-' || c == '.' || c == '/' {
                        // Ana-Clara, J.R., Maria/José.
                        cap_next = true;
                    } else if c == '\'' || c == '’' {
                        // D'Ávila, O'Brien; but a possessive's lone letter
                        // stays low: Donald's.
                        let rest = &lower[at + c.len_utf8()..];
                        cap_next = rest
                            .split('-')
                            .next()
                            .is_some_and(|r| r.chars().count() > 1);
                    }
                }
            }
            count += lower.chars().count();
        }
        if out.is_empty() {
            return Err(NameError::Empty);
        }
        if count > 200 {
            return Err(NameError::TooLong);
        }
        if !out.chars().any(char::is_alphabetic) {
            return Err(NameError::NoLetters);
        }
        Ok(Self(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonName(***)")
    }
}

impl<'de> serde::Deserialize<'de> for PersonName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Pessoa física or jurídica, from the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DebtorKind {
    /// Pessoa física (CPF).
    Pf,
    /// Pessoa jurídica (CNPJ).
    Pj,
}

impl DebtorKind {
    /// `pf` / `pj`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pf => "pf",
            Self::Pj => "pj",
        }
    }

    pub fn of(document: &Document) -> Self {
        match document.kind() {
            DocumentKind::Cpf => Self::Pf,
            DocumentKind::Cnpj => Self::Pj,
        }
    }
}

/// Facts about a debtor that restrict collection. Each is set or cleared by
/// a person with a reason recorded elsewhere (the audit log).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct DebtorFlags {
    /// Falecido: collect from the estate only, never contact as if alive.
    pub deceased: bool,
    /// The debtor asked not to be contacted (or a court ordered it).
    pub do_not_contact: bool,
    /// In an over-indebtedness process (Lei 14.181/2021, CDC art. 104-A).
    pub over_indebtedness: bool,
    /// The debtor disputes the debt; collection waits for the answer.
    pub dispute: bool,
}

/// Why active collection of a debtor is suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectionBlock {
    Deceased,
    DoNotContact,
    OverIndebtedness,
    Dispute,
}

impl DebtorFlags {
    /// The first reason (in this order: deceased, do not contact,
    /// over-indebtedness, dispute) that suspends active collection, if any.
    pub fn collection_block(&self) -> Option<CollectionBlock> {
        if self.deceased {
            Some(CollectionBlock::Deceased)
        } else if self.do_not_contact {
            Some(CollectionBlock::DoNotContact)
        } else if self.over_indebtedness {
            Some(CollectionBlock::OverIndebtedness)
        } else if self.dispute {
            Some(CollectionBlock::Dispute)
        } else {
            None
        }
    }
}

/// A tag on a debtor (`vip`, `acordo-anterior`, `carteira 2024`).
///
/// Invariant: trimmed, lower-case, inner spaces collapsed, 1 to 40
/// characters of letters, digits, space, `-` or `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Tag(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    #[error("tag is empty")]
    Empty,
    #[error("tag is longer than 40 characters")]
    TooLong,
    #[error("tag may hold only letters, digits, spaces, '-' and '_'")]
    Invalid,
}

impl Tag {
    pub fn parse(raw: &str) -> Result<Self, TagError> {
        let s = raw
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if s.is_empty() {
            return Err(TagError::Empty);
        }
        if s.chars().count() > 40 {
            return Err(TagError::TooLong);
        }
        if !s
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_')
        {
            return Err(TagError::Invalid);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Tag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A debtor. Identity within an organization is the document (CPF/CNPJ):
/// two rows with the same document are the same debtor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Debtor {
    document: Document,
    kind: DebtorKind,
    name: PersonName,
    flags: DebtorFlags,
    tags: BTreeSet<Tag>,
}

impl Debtor {
    pub fn new(document: Document, name: PersonName) -> Self {
        Self {
            kind: DebtorKind::of(&document),
            document,
            name,
            flags: DebtorFlags::default(),
            tags: BTreeSet::new(),
        }
    }

    pub fn document(&self) -> &Document {
        &self.document
    }
    pub fn kind(&self) -> DebtorKind {
        self.kind
    }
    pub fn name(&self) -> &PersonName {
        &self.name
    }
    pub fn flags(&self) -> DebtorFlags {
        self.flags
    }
    /// Flags have no invariant between them; change them freely (and audit).
    pub fn flags_mut(&mut self) -> &mut DebtorFlags {
        &mut self.flags
    }
    pub fn tags(&self) -> &BTreeSet<Tag> {
        &self.tags
    }
    pub fn rename(&mut self, name: PersonName) {
        self.name = name;
    }
    /// Adds a tag; false if it was already there.
    pub fn add_tag(&mut self, tag: Tag) -> bool {
        self.tags.insert(tag)
    }
    /// Removes a tag; false if it was not there.
    pub fn remove_tag(&mut self, tag: &Tag) -> bool {
        self.tags.remove(tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn name(s: &str) -> String {
        PersonName::parse(s).unwrap().as_str().to_owned()
    }

    #[test]
    fn normalises_names() {
        assert_eq!(name("  MARIA  DA silva "), "Maria da Silva");
        assert_eq!(name("joão\tdos santos e souza"), "João dos Santos e Souza");
        assert_eq!(name("DE OLIVEIRA"), "De Oliveira");
        assert_eq!(name("ana-clara d'ávila"), "Ana-Clara D'Ávila");
        // Accents written after their letter (as macOS pastes) are composed.
        assert_eq!(
            name("JOA\u{303}O CONCEIC\u{327}A\u{303}O"),
            "João Conceição"
        );
        assert_eq!(name("MC DONALD'S"), "Mc Donald's");
        assert_eq!(name("o'brien"), "O'Brien");
        assert_eq!(name("ÉRICA ÂNGELA"), "Érica Ângela");
        assert_eq!(name("comercial abc ltda"), "Comercial Abc LTDA");
        assert_eq!(name("pedro ii"), "Pedro II");
        assert_eq!(name("PEDRO VI"), "Pedro VI");
        assert_eq!(name("LEÃO XIII"), "Leão XIII");
        assert_eq!(name("acme comercio ltda."), "Acme Comercio LTDA.");
        assert_eq!(name("ACME LTDA-ME"), "Acme LTDA-ME");
        assert_eq!(name("acme s/a."), "Acme S/A.");
        assert_eq!(name("J.R. SILVA"), "J.R. Silva");
        assert_eq!(name("MARIA/JOSE"), "Maria/Jose");
        assert_eq!(name("maria i. silva"), "Maria I. Silva");
        assert_eq!(name("xi jinping"), "Xi Jinping");
        assert_eq!(name("3m do brasil"), "3M do Brasil");
        assert_eq!(PersonName::parse("   "), Err(NameError::Empty));
        assert_eq!(PersonName::parse("123"), Err(NameError::NoLetters));
        assert_eq!(PersonName::parse("a\u{0}b"), Err(NameError::Control));
        assert_eq!(PersonName::parse(&"a".repeat(201)), Err(NameError::TooLong));
        assert_eq!(
            format!("{:?}", PersonName::parse("Maria").unwrap()),
            "PersonName(***)"
        );
    }

    #[test]
    fn debtor_kind_and_flags() {
        let cpf = Document::parse("529.982.247-25").unwrap();
        let cnpj = Document::parse("11.222.333/0001-81").unwrap();
        let mut d = Debtor::new(cpf, PersonName::parse("maria").unwrap());
        assert_eq!(d.kind(), DebtorKind::Pf);
        assert_eq!(
            Debtor::new(cnpj, PersonName::parse("x sa").unwrap()).kind(),
            DebtorKind::Pj
        );
        assert_eq!(d.flags().collection_block(), None);
        d.flags_mut().dispute = true;
        d.flags_mut().deceased = true;
        assert_eq!(
            d.flags().collection_block(),
            Some(CollectionBlock::Deceased)
        );
        assert!(d.add_tag(Tag::parse(" VIP  Cliente ").unwrap()));
        assert!(!d.add_tag(Tag::parse("vip cliente").unwrap()));
        assert_eq!(d.tags().iter().next().unwrap().as_str(), "vip cliente");
        assert!(Tag::parse("a;b").is_err());
        assert!(Tag::parse("").is_err());
    }

    proptest! {
        #[test]
        fn name_normalisation_is_idempotent(s in "\\PC{0,60}") {
            if let Ok(n) = PersonName::parse(&s) {
                prop_assert_eq!(PersonName::parse(n.as_str()), Ok(n.clone()));
                prop_assert!(!n.as_str().contains("  "));
                prop_assert_eq!(n.as_str().trim(), n.as_str());
            }
        }
    }
}
