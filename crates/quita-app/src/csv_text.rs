//! Text cells of the CSV files Quita writes for people (import error
//! reports, report exports), made safe to open in a spreadsheet.

use std::borrow::Cow;

/// The characters that make a spreadsheet (Excel, LibreOffice, Google
/// Sheets) read a cell as a formula, or that it skips before one: `=`, `+`,
/// `-`, `@`, tab and carriage return.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell for a CSV opened by people: a value starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a single quote in front, so a
/// spreadsheet shows it as text instead of running it as a formula
/// (`=HYPERLINK(…)` becomes `'=HYPERLINK(…)`), as OWASP advises against CSV
/// injection. Any other value is returned as it is.
///
/// For text that may come from users (a file's values and header names,
/// names): numbers Quita writes itself, such as a negative amount, are not
/// passed through it.
pub fn csv_text(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_STARTS) && !plain_number(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// A signed number (`-50,00`, `+1.234,5`): a spreadsheet reads it as the
/// number it is, which runs nothing, so it keeps its sign unquoted (a
/// refused `-50,00` in an error report stays readable).
fn plain_number(value: &str) -> bool {
    let Some(rest) = value.strip_prefix(['-', '+']) else {
        return false;
    };
    rest.bytes().any(|b| b.is_ascii_digit())
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
}

/// A whole `;`-separated CSV field for a text Quita did not write itself:
/// [`csv_text`], then in double quotes (inner ones doubled) when it holds
/// the separator, a quote or a line break, so a name such as
/// `Maria; "Mariazinha"` stays one cell.
pub fn csv_field(value: &str) -> Cow<'_, str> {
    let safe = csv_text(value);
    if safe.contains([';', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", safe.replace('"', "\"\"")))
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::{FORMULA_STARTS, csv_field, csv_text, plain_number};
    use proptest::prelude::*;

    #[test]
    fn formulas_become_text() {
        for (raw, safe) in [
            (
                r#"=HYPERLINK("http://x";"clique")"#,
                r#"'=HYPERLINK("http://x";"clique")"#,
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(1)", "'@SUM(1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("=", "'="),
            ("-5,00+1", "'-5,00+1"),
            ("-", "'-"),
        ] {
            assert_eq!(csv_text(raw), safe, "{raw:?}");
        }
    }

    #[test]
    fn other_text_is_left_alone() {
        for raw in [
            "",
            "abc",
            "NF-100 parcela 1",
            " =1",
            "'=1",
            "1.234,56",
            "data inválida",
            "Maria da Silva",
            "-5,00",
            "+1.234,56",
        ] {
            assert!(matches!(csv_text(raw), std::borrow::Cow::Borrowed(s) if s == raw));
        }
    }

    #[test]
    fn fields_stay_one_cell() {
        for (raw, field) in [
            ("Maria da Silva", "Maria da Silva"),
            (
                r#"Maria; "Mariazinha" Souza"#,
                r#""Maria; ""Mariazinha"" Souza""#,
            ),
            ("linha\nquebrada", "\"linha\nquebrada\""),
            (r#"=HYPERLINK("x";"x")"#, r#""'=HYPERLINK(""x"";""x"")""#),
        ] {
            assert_eq!(csv_field(raw), field, "{raw:?}");
        }
    }

    proptest! {
        #[test]
        fn never_starts_a_formula(s in any::<String>()) {
            let out = csv_text(&s);
            prop_assert!(!out.starts_with(FORMULA_STARTS) || plain_number(&s));
            if s.starts_with(FORMULA_STARTS) && !plain_number(&s) {
                prop_assert_eq!(out.as_ref(), format!("'{s}"));
            } else {
                prop_assert_eq!(out.as_ref(), s.as_str());
            }
        }

        #[test]
        fn dangerous_starts_are_quoted(
            first in prop::sample::select(FORMULA_STARTS.to_vec()),
            rest in ".*",
        ) {
            let s = format!("{first}{rest}");
            prop_assume!(!plain_number(&s));
            let out = csv_text(&s);
            prop_assert!(out.starts_with('\''));
            prop_assert_eq!(&out[1..], s.as_str());
        }
    }
}
