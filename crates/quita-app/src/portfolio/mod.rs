//! Portfolio use cases: creditors, import, enrichment of contacts, aging,
//! contracts, the debtor 360° view, search, the debt update of stored
//! receivables and the monetary-correction index tables.

pub mod aging;
pub mod closing;
pub mod contact_add;
pub mod contracts;
pub mod creditors;
pub mod debtor_aging;
mod debtor_name;
pub mod debtors;
pub mod document_shown;
pub mod enrichment;
mod enrichment_read;
mod fingerprints;
mod id_pool;
pub mod import;
mod import_read;
pub mod import_runs;
mod import_write;
pub mod index_tables;
pub mod keyset_page;
pub mod marks;
mod rows;
pub mod timeline;
mod tx_queue;
mod utf16;

use quita_br::calendar::BusinessCalendar;

/// How long a write by hand that may collide with an import in progress
/// waits for it (PostgreSQL; SQLite's busy timeout is the same) before it
/// is answered "busy, try again" instead.
const IMPORT_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The bank calendar used to move due dates that fall on non-business days.
pub fn calendar() -> &'static BusinessCalendar {
    static CAL: std::sync::OnceLock<BusinessCalendar> = std::sync::OnceLock::new();
    CAL.get_or_init(BusinessCalendar::national)
}

/// How a person names a creditor or a debtor on the command line: by id or
/// by CPF/CNPJ (with or without punctuation).
enum IdOrDocument {
    Id(i64),
    Document(quita_br::document::Document),
}

impl IdOrDocument {
    /// `what` names the field in the error ("creditor", "debtor").
    fn parse(raw: &str, what: &'static str) -> crate::AppResult<Self> {
        let document = quita_br::document::Document::parse(raw);
        if let Ok(doc) = document {
            return Ok(Self::Document(doc));
        }
        if let Ok(id) = raw.trim().parse() {
            return Ok(Self::Id(id));
        }
        // Written like a CPF/CNPJ (11 or more letters and digits): why that
        // document is wrong (a check digit, say) says more than "expected".
        let significant = raw.chars().filter(char::is_ascii_alphanumeric).count();
        match document {
            Err(e) if significant >= 11 => Err(crate::AppError::invalid(
                what,
                format!(
                    "{what} {:?}: {}",
                    raw.trim(),
                    quita_core::import_row::document_problem(&e)
                ),
            )),
            _ => Err(crate::AppError::invalid(
                what,
                format!("expected a {what} id or a CPF/CNPJ"),
            )),
        }
    }
}

/// Lower-case, accent-free form of a name for prefix search.
pub fn name_key(name: &str) -> String {
    quita_core::text::search_key(name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_wrong_document_says_why() {
        let e = |raw| match super::IdOrDocument::parse(raw, "creditor") {
            Err(crate::AppError::Invalid { message, .. }) => message,
            _ => panic!("{raw} read"),
        };
        assert_eq!(e("abc"), "expected a creditor id or a CPF/CNPJ");
        let bad = e("11.111.111/1111-11");
        assert!(
            bad.starts_with("creditor \"11.111.111/1111-11\": "),
            "{bad}"
        );
        assert_ne!(bad, "expected a creditor id or a CPF/CNPJ");
        assert!(matches!(
            super::IdOrDocument::parse(" 42 ", "creditor"),
            Ok(super::IdOrDocument::Id(42))
        ));
    }

    #[test]
    fn name_keys_fold_case_and_accents() {
        assert_eq!(
            super::name_key("  João  da Conceição "),
            "joao da conceicao"
        );
        assert_eq!(super::name_key("ÁGUA Ltda"), "agua ltda");
    }
}
