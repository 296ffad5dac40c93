//! The password policy for new passwords. Hashing lives in the store layer's
//! caller (Argon2id); this only decides what a person may choose.

/// A password that meets the policy: 10..=128 characters, not all one
/// character, and not a well-known weak choice.
pub struct NewPassword(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("password must have at least 10 characters")]
    TooShort,
    #[error("password must have at most 128 characters")]
    TooLong,
    #[error("password is too easy to guess")]
    TooWeak,
}

const WEAK: [&str; 6] = [
    "1234567890",
    "0123456789",
    "senha12345",
    "password12",
    "qwertyuiop",
    "abcdefghij",
];

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, PasswordError> {
        let n = raw.chars().count();
        if n < 10 {
            return Err(PasswordError::TooShort);
        }
        if n > 128 {
            return Err(PasswordError::TooLong);
        }
        let first = raw.chars().next();
        if raw.chars().all(|c| Some(c) == first) || WEAK.contains(&raw.to_lowercase().as_str()) {
            return Err(PasswordError::TooWeak);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(
            NewPassword::parse("curta").unwrap_err(),
            PasswordError::TooShort
        );
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa").unwrap_err(),
            PasswordError::TooWeak
        );
        assert_eq!(
            NewPassword::parse("Senha12345").unwrap_err(),
            PasswordError::TooWeak
        );
        assert_eq!(
            NewPassword::parse(&"x1".repeat(65)).unwrap_err(),
            PasswordError::TooLong
        );
        assert_eq!(
            NewPassword::parse("cavalo-correto-bateria")
                .unwrap()
                .expose(),
            "cavalo-correto-bateria"
        );
        assert!(
            !format!(
                "{:?}",
                NewPassword::parse("cavalo-correto-bateria").unwrap()
            )
            .contains("cavalo")
        );
    }
}
