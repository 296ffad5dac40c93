//! pt-BR presentation: dd/mm/aaaa dates, 1.234 thousands, local times.

use jiff::{Timestamp, tz::TimeZone};

/// `23/11/2026 14:05` in the given IANA zone (UTC if unknown).
pub fn date_time(t: Timestamp, zone: &str) -> String {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%d/%m/%Y %H:%M").to_string()
}

/// `23/11/2026`.
pub fn date(t: Timestamp, zone: &str) -> String {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%d/%m/%Y").to_string()
}

/// `1.234.567` (integer with pt-BR thousands separator).
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// pt-BR label of an audit action.
pub fn audit_action(action: &str) -> &str {
    match action {
        "login" => "Entrou no sistema",
        "login_failed" => "Tentativa de login malsucedida",
        "logout" => "Saiu do sistema",
        "organization_created" => "Organização criada",
        "user_created" => "Usuário criado",
        "user_updated" => "Usuário alterado",
        "password_changed" => "Senha alterada",
        "token_created" => "Token de API criado",
        "token_revoked" => "Token de API revogado",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let t: Timestamp = "2026-11-23T17:05:00Z".parse().unwrap();
        assert_eq!(date_time(t, "America/Sao_Paulo"), "23/11/2026 14:05");
        assert_eq!(date(t, "America/Sao_Paulo"), "23/11/2026");
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1234), "1.234");
        assert_eq!(count(-1234567), "-1.234.567");
        assert_eq!(audit_action("login"), "Entrou no sistema");
    }
}
