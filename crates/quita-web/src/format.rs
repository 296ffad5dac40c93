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

/// `15/03/2026` for a civil date.
pub fn civil(d: jiff::civil::Date) -> String {
    d.strftime("%d/%m/%Y").to_string()
}

/// `R$ 1.234,56`.
pub fn money(m: quita_core::money::Money) -> String {
    m.format_brl()
}

/// `R$ 1.234,56` from centavos.
pub fn centavos(c: i64) -> String {
    quita_core::money::Money::from_centavos(c).format_brl()
}

/// `2,5` (a decimal with a pt-BR comma, trailing zeros dropped).
pub fn decimal(d: impl std::fmt::Display) -> String {
    let s = d.to_string();
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    s.replace('.', ",")
}

/// A date typed by a person: `dd/mm/aaaa` or ISO `aaaa-mm-dd`.
pub fn parse_date(raw: &str) -> Option<jiff::civil::Date> {
    let t = raw.trim();
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return Some(d);
    }
    let mut parts = t.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// `1 credor`, `2 credores`, `1.234 credores`: the count and the word in
/// the number it takes.
pub fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
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
        "creditor_created" => "Carteira criada",
        "creditor_updated" => "Política da carteira alterada",
        "receivables_imported" => "Títulos importados",
        "contacts_imported" => "Contatos importados (enriquecimento)",
        "contract_saved" => "Contrato registrado",
        "index_table_stored" => "Tabela de índice gravada",
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
        assert_eq!(plural(1, "credor", "credores"), "1 credor");
        assert_eq!(plural(0, "credor", "credores"), "0 credores");
        assert_eq!(plural(1234, "dia", "dias"), "1.234 dias");
        assert_eq!(audit_action("login"), "Entrou no sistema");
        let d = jiff::civil::date(2026, 3, 5);
        assert_eq!(civil(d), "05/03/2026");
        assert_eq!(parse_date("05/03/2026"), Some(d));
        assert_eq!(parse_date("2026-03-05"), Some(d));
        assert_eq!(parse_date("32/03/2026"), None);
        assert_eq!(decimal("2.50"), "2,5");
        assert_eq!(decimal("1"), "1");
        assert_eq!(centavos(123456), "R$ 1.234,56");
    }
}
