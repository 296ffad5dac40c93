//! Brazilian phone numbers: read however people type them, kept as E.164
//! with a valid DDD and the mobile ninth digit (Anatel's plan), and the
//! readings a search gives a number typed without its DDD.

use std::fmt;
use std::str::FromStr;

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
    /// five to seven digits, or eight of a mobile's nine, with only spaces,
    /// `-` and `.` between them, the first as a number's first: 2–5 or 9) as
    /// the start of an E.164 phone under every DDD in use (`+551196297`, …):
    /// what a search typed while listening to a number may mean. Empty when
    /// it is no such start.
    pub fn starts_under_every_ddd(start: &str) -> Vec<String> {
        let Some(digits) = local_digits(start) else {
            return Vec::new();
        };
        let length_ok = match digits.as_bytes().first() {
            Some(b'2'..=b'5') => (5..=7).contains(&digits.len()),
            Some(b'9') => (5..=8).contains(&digits.len()),
            _ => false,
        };
        if !length_ok {
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

#[cfg(test)]
mod tests {
    use super::*;
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
        // Eight of a mobile's nine digits are a start; eight of a landline's
        // are the whole number.
        assert_eq!(
            Phone::starts_under_every_ddd("96297945").len(),
            VALID_DDD.len()
        );
        for no in [
            "9629",
            "962979451",
            "31234567",
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
    }
}
