//! Organizations (tenants): a company collecting its own receivables or an
//! agency collecting for many creditors.

use std::{fmt, str::FromStr};

/// How the organization collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgMode {
    /// Collects its own receivables: one creditor, itself.
    Company,
    /// Collects for many creditors (carteiras).
    Agency,
}

impl OrgMode {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgMode::Company => "company",
            OrgMode::Agency => "agency",
        }
    }
    pub fn label_pt(self) -> &'static str {
        match self {
            OrgMode::Company => "Empresa (cobrança própria)",
            OrgMode::Agency => "Assessoria de cobrança",
        }
    }
}

impl FromStr for OrgMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "company" => Ok(OrgMode::Company),
            "agency" => Ok(OrgMode::Agency),
            other => Err(format!(
                "unknown organization mode {other:?}: expected company or agency"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgError {
    #[error("organization name is empty")]
    EmptyName,
    #[error("organization name is longer than 120 characters")]
    NameTooLong,
    #[error("slug must be 2 to 60 characters of a-z, 0-9 and '-', not starting or ending with '-'")]
    BadSlug,
}

/// A display name, trimmed, 1..=120 characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(raw: &str) -> Result<Self, OrgError> {
        let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.is_empty() {
            return Err(OrgError::EmptyName);
        }
        if s.chars().count() > 120 {
            return Err(OrgError::NameTooLong);
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The URL- and CLI-friendly handle of an organization (`--org acme`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, OrgError> {
        let ok = (2..=60).contains(&raw.len())
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.chars().all(|c| c.is_ascii_digit());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(OrgError::BadSlug)
        }
    }

    /// Derives a slug from a name: accents folded, lower case, runs of other
    /// characters become one '-'. Falls back to "org" when nothing is left.
    pub fn from_name(name: &OrgName) -> Self {
        let mut out = String::new();
        for c in name.as_str().chars().map(crate::text::fold_accent) {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let mut out: String = out.trim_matches('-').chars().take(60).collect();
        while out.ends_with('-') {
            out.pop();
        }
        match Self::parse(&out) {
            Ok(s) => s,
            Err(_) => Self(format!("org-{out}").trim_end_matches('-').to_owned()).or_default(),
        }
    }

    fn or_default(self) -> Self {
        if Self::parse(&self.0).is_ok() {
            self
        } else {
            Self("org".to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_from_name_folds_accents() {
        let n = OrgName::parse("  Cobrança   São João Ltda. ").unwrap();
        assert_eq!(n.as_str(), "Cobrança São João Ltda.");
        assert_eq!(Slug::from_name(&n).as_str(), "cobranca-sao-joao-ltda");
        assert_eq!(
            Slug::from_name(&OrgName::parse("!!!").unwrap()).as_str(),
            "org"
        );
        assert_eq!(
            Slug::from_name(&OrgName::parse("123").unwrap()).as_str(),
            "org-123"
        );
    }

    #[test]
    fn slug_parse_rules() {
        assert!(Slug::parse("acme-2").is_ok());
        for bad in ["", "a", "-a", "a-", "Acme", "a b", "123"] {
            assert_eq!(Slug::parse(bad), Err(OrgError::BadSlug), "{bad}");
        }
    }

    #[test]
    fn name_rules() {
        assert_eq!(OrgName::parse("   "), Err(OrgError::EmptyName));
        assert_eq!(OrgName::parse(&"x".repeat(121)), Err(OrgError::NameTooLong));
    }
}
