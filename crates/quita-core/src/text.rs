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
pub fn search_key(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(fold_accent)
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
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
