//! Small text helpers shared by names, slugs and search keys.

/// The letter without its accent (`ã` → `a`, `Ç` → `c`), other characters unchanged.
/// Case is kept only for characters without accents; accented letters fold to lower case.
pub fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' | 'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        other => other,
    }
}

/// Lower-case, accent-free, single-spaced: the key debtor names are searched by.
/// Accents typed as combining marks (`a` + U+0303, as macOS pastes `ã`) go too.
pub fn search_key(s: &str) -> String {
    let folded: String = s
        .chars()
        .filter(|c| !is_combining_accent(*c))
        .map(fold_accent)
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A combining diacritical mark (U+0300–U+036F): an accent written after
/// its letter.
fn is_combining_accent(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// `raw` with each letter and the accents written after it as one
/// character (Unicode NFC: `a` + U+0303 is `ã`), as names are stored, so
/// that the same name is always the same text.
pub fn composed(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    raw.nfc().collect()
}

/// A search as typed, read as what it shows: invisible characters dropped
/// (a zero-width space pasted inside a word), and compatibility forms
/// folded (NFKC: full-width `Ｊｏａｏ` is `Joao`, `１２３` is `123`).
pub fn search_text(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    raw.chars()
        .filter(|c| !is_invisible(*c))
        .collect::<String>()
        .nfkc()
        .collect()
}

/// At most `max` characters of `raw`, with `…` when it was longer: what an
/// error message quotes of a bad value, so a 10 MB cell makes one short line.
pub fn excerpt(raw: &str, max: usize) -> String {
    match raw.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &raw[..end]),
        None => raw.to_owned(),
    }
}

/// Characters that show nothing (zero-width, soft hyphen) or turn the text
/// around (bidirectional controls): a name or a reason keeps what is shown.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{AD}')
}

/// `raw` as it shows: a zero-width space read as a space (it separates
/// words), the other invisible characters dropped.
pub fn visible(raw: &str) -> String {
    raw.chars()
        .filter_map(|c| match c {
            '\u{200B}' => Some(' '),
            c if is_invisible(c) => None,
            c => Some(c),
        })
        .collect()
}

/// One line of text typed by a person (a name, a product, an address):
/// [`visible`], whitespace runs as one space, trimmed; `None` when it holds
/// another control character (an escape sequence would reach terminals and
/// exports as is).
pub fn one_line(raw: &str) -> Option<String> {
    let text = visible(raw);
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.chars().any(char::is_control)).then_some(line)
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_keys_drop_accents_however_written() {
        use super::search_key;
        assert_eq!(search_key("  João  Conceição "), "joao conceicao");
        assert_eq!(
            search_key("Joa\u{303}o Conceic\u{327}a\u{303}o"),
            "joao conceicao"
        );
        assert_eq!(super::composed("Joa\u{303}o"), "João");
        assert_eq!(super::search_text("Ｊｏａｏ １２３"), "Joao 123");
        assert_eq!(super::search_text("jo\u{200b}ão"), "joão");
    }

    #[test]
    fn excerpts_are_short() {
        use super::excerpt;
        assert_eq!(excerpt("abc", 3), "abc");
        assert_eq!(excerpt("abcd", 3), "abc…");
        assert_eq!(excerpt("ãéíõú", 2), "ãé…");
        assert_eq!(excerpt(&"0".repeat(10_000_000), 40).chars().count(), 41);
    }

    #[test]
    fn lines_keep_what_shows() {
        use super::one_line;
        assert_eq!(
            one_line(" Zé\u{200B}Zero \t Largura\n").as_deref(),
            Some("Zé Zero Largura")
        );
        assert_eq!(
            one_line("Maria\u{202E}Silva").as_deref(),
            Some("MariaSilva")
        );
        assert_eq!(one_line("Loja \u{1b}[31m"), None);
        assert_eq!(one_line("a\u{7f}"), None);
        assert_eq!(one_line("a\u{1}b"), None);
    }

    #[test]
    fn folds() {
        assert_eq!(
            super::search_key("  João  da Conceição "),
            "joao da conceicao"
        );
        assert_eq!(super::search_key("ÁGUA Ltda"), "agua ltda");
        assert_eq!(super::fold_accent('x'), 'x');
    }
}
