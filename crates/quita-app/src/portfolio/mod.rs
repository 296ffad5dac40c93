//! Portfolio use cases: creditors, import, aging, the debtor 360° view,
//! search and the debt update of stored receivables.

pub mod aging;
pub mod creditors;
pub mod debtors;
pub mod import;
mod rows;

use quita_br::calendar::BusinessCalendar;

/// The bank calendar used to move due dates that fall on non-business days.
pub fn calendar() -> &'static BusinessCalendar {
    static CAL: std::sync::OnceLock<BusinessCalendar> = std::sync::OnceLock::new();
    CAL.get_or_init(BusinessCalendar::national)
}

/// Lower-case, accent-free form of a name for prefix search.
pub fn name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' | 'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'ñ' | 'Ñ' => 'n',
            other => other,
        };
        out.extend(c.to_lowercase());
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn name_keys_fold_case_and_accents() {
        assert_eq!(
            super::name_key("  João  da Conceição "),
            "joao da conceicao"
        );
        assert_eq!(super::name_key("ÁGUA Ltda"), "agua ltda");
    }
}
