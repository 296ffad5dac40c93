//! E-mail addresses, normalised to lower case and syntax-checked.

use std::fmt;

/// A syntactically valid e-mail address, trimmed and lower-cased.
///
/// Invariant: exactly one `@`, a non-empty local part of at most 64 bytes, a
/// domain with at least one dot made of labels of `[a-z0-9-]` (not starting or
/// ending with `-`), and at most 254 bytes in all.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("e-mail is empty")]
    Empty,
    #[error("e-mail is longer than 254 characters")]
    TooLong,
    #[error("e-mail must contain exactly one '@'")]
    At,
    #[error("e-mail has an invalid part before the '@'")]
    Local,
    #[error("e-mail has an invalid domain")]
    Domain,
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let mut parts = s.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::At);
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        if !local_ok {
            return Err(EmailError::Local);
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| {
                // A top-level domain is letters (`br`, `com`), or an
                // internationalised one in its ASCII form (`xn--…`).
                tld.len() >= 2
                    && (tld.chars().all(|c| c.is_ascii_alphabetic())
                        || (tld.starts_with("xn--") && tld.len() > 4))
            });
        if !domain_ok {
            return Err(EmailError::Domain);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Debug never shows the address: e-mails are personal data and must not reach logs.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(***)")
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for Email {
    type Error = EmailError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_case_and_spaces() {
        let e = Email::parse("  Maria.Silva@Exemplo.COM.br ").unwrap();
        assert_eq!(e.as_str(), "maria.silva@exemplo.com.br");
        // An internationalised top-level domain in its ASCII form.
        assert!(Email::parse("maria@exemplo.xn--p1ai").is_ok());
    }

    #[test]
    fn rejects_malformed() {
        for (raw, err) in [
            ("", EmailError::Empty),
            ("semarroba.com", EmailError::At),
            ("a@b@c.com", EmailError::At),
            ("@x.com", EmailError::Local),
            ("a..b@x.com", EmailError::Local),
            ("a@x", EmailError::Domain),
            ("a@-x.com", EmailError::Domain),
            ("a@x.c", EmailError::Domain),
            ("a@x..com", EmailError::Domain),
            ("maria@ex.com1", EmailError::Domain),
            ("maria@ex.c0m", EmailError::Domain),
            ("maria@10.0.0.1", EmailError::Domain),
        ] {
            assert_eq!(Email::parse(raw), Err(err), "{raw}");
        }
    }

    #[test]
    fn debug_hides_the_address() {
        let e = Email::parse("joao@exemplo.com").unwrap();
        assert!(!format!("{e:?}").contains("joao"));
    }

    proptest! {
        #[test]
        fn never_panics_and_parse_is_idempotent(s in "\\PC{0,80}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::parse(e.as_str()), Ok(e.clone()));
            }
        }
    }
}
