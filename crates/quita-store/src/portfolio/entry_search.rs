//! The debtors of the contacts or receivables whose value starts with a
//! prefix: the index range read in order, a chunk at a time, until enough
//! distinct debtors are found or the range ends. A debtor with many
//! matching entries (three phones, twelve receivables `NF…`) counts once,
//! so a page is full whenever enough debtors match, and "more matched" is
//! known, not guessed from a fixed number of entries.

use std::collections::HashSet;

use crate::{Db, Result};

/// Where a prefix search reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Entries {
    /// `contacts.value` (E.164 phones, lower-case e-mails, address lines).
    Contacts,
    /// Receivables' document numbers, ASCII-lower-cased as their index has them.
    DocumentNumbers,
}

/// Entries read per query: a page of 100 debtors with three contacts each
/// is one chunk.
const CHUNK: i64 = 512;

impl Entries {
    /// The next chunk after `(value, id)`, in index order: the range starts
    /// at the last value read, and the ids already read at that value are
    /// skipped (`$2` is that value, `$4` its last id; both the prefix and 0
    /// at first).
    fn sql(self, db: &Db) -> &'static str {
        match (self, db) {
            (Entries::Contacts, Db::Sqlite(_)) => {
                "SELECT c.value, c.id, c.debtor_id FROM contacts c WHERE c.org_id = $1 AND c.value >= $2 AND c.value < $3 \
                 AND (c.value > $2 OR c.id > $4) ORDER BY c.value, c.id LIMIT $5"
            }
            // The pattern operators of the text_pattern_ops index, which
            // also gives the order (`USING ~<~`; ids sorted within a value).
            (Entries::Contacts, Db::Pg(_)) => {
                "SELECT c.value, c.id, c.debtor_id FROM contacts c WHERE c.org_id = $1 AND c.value ~>=~ $2 AND c.value ~<~ $3 \
                 AND (c.value ~>~ $2 OR c.id > $4) ORDER BY c.value USING ~<~, c.id LIMIT $5"
            }
            // `lower` as the expression index `receivables_document_lower`
            // has it (SQLite's folds ASCII only).
            (Entries::DocumentNumbers, Db::Sqlite(_)) => {
                "SELECT lower(r.document_number), r.id, r.debtor_id FROM receivables r WHERE r.org_id = $1 \
                 AND lower(r.document_number) >= $2 AND lower(r.document_number) < $3 \
                 AND (lower(r.document_number) > $2 OR r.id > $4) ORDER BY lower(r.document_number), r.id LIMIT $5"
            }
            (Entries::DocumentNumbers, Db::Pg(_)) => {
                "SELECT lower(r.document_number COLLATE \"C\"), r.id, r.debtor_id FROM receivables r WHERE r.org_id = $1 \
                 AND lower(r.document_number COLLATE \"C\") ~>=~ $2 AND lower(r.document_number COLLATE \"C\") ~<~ $3 \
                 AND (lower(r.document_number COLLATE \"C\") ~>~ $2 OR r.id > $4) \
                 ORDER BY lower(r.document_number COLLATE \"C\") USING ~<~, r.id LIMIT $5"
            }
        }
    }
}

/// The first `want` distinct debtors of the entries in `[prefix, upper)`,
/// in index order, and whether another debtor follows them.
pub(super) async fn debtors_of(
    db: &Db,
    org_id: i64,
    entries: Entries,
    (prefix, upper): (&str, &str),
    want: usize,
) -> Result<(Vec<i64>, bool)> {
    let sql = entries.sql(db);
    let (mut after_value, mut after_id) = (prefix.to_owned(), 0_i64);
    let (mut seen, mut ids) = (HashSet::new(), Vec::new());
    loop {
        let rows: Vec<(String, i64, i64)> = on_db!(db, |p| sqlx::query_as(sql)
            .bind(org_id)
            .bind(&after_value)
            .bind(upper)
            .bind(after_id)
            .bind(CHUNK)
            .fetch_all(p)
            .await)?;
        let full = rows.len() as i64 == CHUNK;
        for (_, _, debtor) in &rows {
            if seen.insert(*debtor) {
                if ids.len() == want {
                    return Ok((ids, true));
                }
                ids.push(*debtor);
            }
        }
        match rows.into_iter().last() {
            Some((value, id, _)) if full => (after_value, after_id) = (value, id),
            _ => return Ok((ids, false)),
        }
    }
}
