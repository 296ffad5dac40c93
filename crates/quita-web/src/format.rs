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

/// `03/2026` for a month of an index table.
pub fn year_month(m: quita_core::index_table::YearMonth) -> String {
    format!("{:02}/{:04}", m.month(), m.year())
}

/// How the UI names an index table: `IPCA`, `IGP-M` (stored lower-case).
pub fn index_name(name: &str) -> String {
    name.to_uppercase()
}

/// `R$ 1.234,56`.
pub fn money(m: quita_core::money::Money) -> String {
    m.format_brl()
}

/// `1.234,56`: an amount in a table whose heading says it is in reais.
pub fn reais(m: quita_core::money::Money) -> String {
    m.format_reais()
}

/// `R$ 1.234,56` from centavos.
pub fn centavos(c: i64) -> String {
    quita_core::money::Money::from_centavos(c).format_brl()
}

/// A short amount for a chart label: `R$ 950,00`, `R$ 12,3 mil`,
/// `R$ 48,7 mi`, `R$ 1,2 bi` (one decimal, rounded half up).
pub fn money_short(m: quita_core::money::Money) -> String {
    let c = i128::from(m.centavos());
    let (unit, name) = match c.unsigned_abs() {
        n if n >= 100_000_000_000 => (100_000_000_000i128, "bi"),
        n if n >= 100_000_000 => (100_000_000, "mi"),
        n if n >= 100_000 => (100_000, "mil"),
        _ => return m.format_brl(),
    };
    // Tenths of the unit, rounded half away from zero.
    let tenths = (c.abs() * 10 + unit / 2) / unit;
    let sign = if c < 0 { "-" } else { "" };
    let whole = count(i64::try_from(tenths / 10).unwrap_or(i64::MAX));
    match tenths % 10 {
        0 => format!("{sign}R$ {whole} {name}"),
        d => format!("{sign}R$ {whole},{d} {name}"),
    }
}

/// Why a CPF/CNPJ typed in a form was refused, in pt-BR, with 1-based
/// positions: the import report's words. The expected check digit is not
/// shown: the fix is to check the number, not to type the digit the system
/// computed.
pub fn document_problem(e: &quita_br::document::DocumentError) -> String {
    quita_core::import_row::document_problem(e)
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

/// Like [`decimal`], with pt-BR thousands separators: `1000000` →
/// `1.000.000`, `1234.5` → `1.234,5`.
pub fn decimal_grouped(d: impl std::fmt::Display) -> String {
    let s = decimal(d);
    let (int, frac) = match s.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    match int.parse::<i64>() {
        Ok(n) if !int.starts_with('-') || n != 0 => match frac {
            Some(f) => format!("{},{f}", count(n)),
            None => count(n),
        },
        _ => s.clone(),
    }
}

/// Like [`decimal`], rounded (half away from zero) to at most `places`
/// decimal places: `1.10980773821441` → `1,1098`, `0.50005` (4) → `0,5001`,
/// `2.00001` (4) → `2`. For a long computed rate shown to a person; the
/// exact value stays in the API and CLI JSON.
pub fn decimal_max(d: impl std::fmt::Display, places: usize) -> String {
    let s = d.to_string();
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let Some((int, frac)) = body.split_once('.') else {
        return decimal(s);
    };
    if frac.len() <= places || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return decimal(s);
    }
    // The kept digits, plus one if the first dropped digit is 5 or more.
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().take(places)).collect();
    if frac.as_bytes()[places] >= b'5' {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - places;
    let int = std::str::from_utf8(&digits[..split]).unwrap_or("0");
    let frac = std::str::from_utf8(&digits[split..]).unwrap_or("");
    let plain = if frac.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    };
    let out = decimal(plain);
    if out.bytes().all(|b| b == b'0' || b == b',') {
        out
    } else {
        format!("{sign}{out}")
    }
}

/// A date typed by a person: `dd/mm/aaaa` or ISO `aaaa-mm-dd`, years 1900
/// to 2199 — the rule of the import and the CLI, so `1/6/26` is refused
/// rather than read as the year 26.
pub use quita_core::import_row::{DateError, parse_date};

/// What to tell a person whose date [`parse_date`] refused, in pt-BR: the
/// form to use, or that the day does not exist (31/02).
pub fn date_problem(e: DateError) -> &'static str {
    match e {
        DateError::NoSuchDay => "esse dia não existe no calendário",
        DateError::Format => "use dd/mm/aaaa, com o ano em 4 dígitos",
        DateError::Year => "o ano deve estar entre 1900 e 2199",
    }
}

/// The same for programs (the API), in English.
pub fn date_problem_en(e: DateError, raw: &str) -> String {
    match e {
        DateError::NoSuchDay | DateError::Year => format!("{e}: {raw}"),
        DateError::Format => "expected a date such as 2026-03-15".to_owned(),
    }
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
        "receivable_closed" => "Título cancelado ou baixado",
        "receivable_updated_by_import" => "Título atualizado por importação",
        "index_table_stored" => "Tabela de índice gravada",
        "debtor_marked" => "Alertas e marcadores do devedor alterados",
        "debtor_renamed" => "Nome do devedor corrigido",
        "debtor_document_shown" => "CPF/CNPJ completo exibido",
        "contact_marked" => "Contato marcado (situação, opt-out, trabalho)",
        "contact_added" => "Contato adicionado à mão",
        "aging_bucket_exported" => "Títulos de uma faixa do aging exportados (CSV)",
        "aging_by_debtor_exported" => "Aging por devedor exportado (CSV)",
        other => other,
    }
}

/// What an audit entry is about, as people name it: `debtor:7` → `devedor
/// 7`, `index:ipca` → `índice IPCA`; anything else as stored.
pub fn audit_target(target: &str) -> String {
    let Some((kind, id)) = target.split_once(':') else {
        return target.to_owned();
    };
    let word = match kind {
        "organization" => "organização",
        "user" => "usuário",
        "token" => "token de API",
        "creditor" => "carteira",
        "debtor" => "devedor",
        "contact" => "contato",
        "contract" => "contrato",
        "receivable" => "título",
        "index" => return format!("índice {}", index_name(id)),
        _ => return target.to_owned(),
    };
    format!("{word} {id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_decimals() {
        assert_eq!(decimal_grouped("1000000"), "1.000.000");
        assert_eq!(decimal_grouped("1234.50"), "1.234,5");
        assert_eq!(decimal_grouped("2.5"), "2,5");
        assert_eq!(decimal_grouped("-1500"), "-1.500");
    }

    #[test]
    fn every_audited_action_and_target_reads_in_portuguese() {
        for action in [
            "aging_bucket_exported",
            "aging_by_debtor_exported",
            "contact_added",
            "contact_marked",
            "contacts_imported",
            "contract_saved",
            "creditor_created",
            "creditor_updated",
            "debtor_document_shown",
            "debtor_marked",
            "debtor_renamed",
            "index_table_stored",
            "login",
            "login_failed",
            "logout",
            "organization_created",
            "password_changed",
            "receivable_closed",
            "receivable_updated_by_import",
            "receivables_imported",
            "token_created",
            "token_revoked",
            "user_created",
            "user_updated",
        ] {
            assert_ne!(audit_action(action), action);
        }
        assert_eq!(audit_target("debtor:7"), "devedor 7");
        assert_eq!(audit_target("receivable:12"), "título 12");
        assert_eq!(audit_target("index:ipca"), "índice IPCA");
        assert_eq!(audit_target("odd"), "odd");
        assert_eq!(audit_target("thing:1"), "thing:1");
    }

    #[test]
    fn reais_drop_the_symbol_keep_the_sign() {
        use quita_core::money::Money;
        assert_eq!(reais(Money::from_centavos(123_456)), "1.234,56");
        assert_eq!(reais(Money::from_centavos(-5)), "-0,05");
    }

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
        assert_eq!(parse_date("05/03/2026"), Ok(d));
        assert_eq!(parse_date("2026-03-05"), Ok(d));
        assert_eq!(parse_date("32/03/2026"), Err(DateError::NoSuchDay));
        for two_digit_or_far in ["1/6/26", "01/06/0026", "9999-12-31", "1800-01-01"] {
            assert!(parse_date(two_digit_or_far).is_err(), "{two_digit_or_far}");
        }
        assert_eq!(decimal("2.50"), "2,5");
        assert_eq!(decimal("1"), "1");
        assert_eq!(decimal_max("1.10980773821441", 4), "1,1098");
        assert_eq!(decimal_max("1.10985", 4), "1,1099");
        assert_eq!(decimal_max("0.50005", 4), "0,5001");
        assert_eq!(decimal_max("2.00001", 4), "2");
        assert_eq!(decimal_max("9.99995", 4), "10");
        assert_eq!(decimal_max("99.99999", 4), "100");
        assert_eq!(decimal_max("1.5", 4), "1,5");
        assert_eq!(decimal_max("2", 4), "2");
        assert_eq!(decimal_max("-0.123456", 4), "-0,1235");
        assert_eq!(decimal_max("-0.00001", 4), "0");
        assert_eq!(decimal_max("0.00004", 4), "0");
        assert_eq!(centavos(123456), "R$ 1.234,56");
        let doc =
            |raw: &str| document_problem(&quita_br::document::Document::parse(raw).unwrap_err());
        assert_eq!(
            doc("11.222.333/0001-80"),
            "o 2º dígito verificador não confere: confira o número"
        );
        assert_eq!(
            doc("abc"),
            "letra minúscula 'a' na posição 1: as letras do CNPJ são maiúsculas"
        );
        assert_eq!(
            doc("123"),
            "3 caracteres: o CPF tem 11 e o CNPJ 14 (sem pontuação)"
        );
        let m = quita_core::index_table::YearMonth::new(2026, 3).unwrap();
        assert_eq!(year_month(m), "03/2026");
        assert_eq!(index_name("igp-m"), "IGP-M");
        let short = |c| money_short(quita_core::money::Money::from_centavos(c));
        assert_eq!(short(95_000), "R$ 950,00");
        assert_eq!(short(1_234_567), "R$ 12,3 mil");
        assert_eq!(short(4_871_076_230), "R$ 48,7 mi");
        assert_eq!(short(4_896_000_000), "R$ 49 mi");
        assert_eq!(short(123_456_789_012), "R$ 1,2 bi");
        assert_eq!(short(-1_234_567), "-R$ 12,3 mil");
    }
}
