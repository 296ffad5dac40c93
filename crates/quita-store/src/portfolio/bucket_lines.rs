//! The receivables of one aging bucket with what a collector needs beside
//! each (the debtor's name and CPF/CNPJ, the contract's number and terms):
//! the drill-down page, its CSV export and the API, one query per page.

use quita_core::contract::ContractTerms;

use super::{
    Keyset,
    aging::AgingScope,
    receivables::{ReceivableRow, Row},
};
use crate::{Db, Result, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct BucketLine {
    pub receivable: ReceivableRow,
    pub debtor_name: String,
    /// CPF or CNPJ as stored (digits, or the alphanumeric CNPJ).
    pub debtor_document: String,
    pub contract_number: Option<String>,
    /// The contract's own terms; `None` without a contract or terms (the
    /// creditor's policy applies).
    pub contract_terms: Option<ContractTerms>,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    #[sqlx(flatten)]
    r: Row,
    debtor_name: String,
    debtor_document: String,
    contract_number: Option<String>,
    contract_terms: Option<String>,
}

/// Collectable receivables whose adjusted due date lies in
/// `[from_day, to_day]` (inclusive day numbers) within the aging's scope,
/// most overdue first (adjusted due date, then id), at most `limit` (1 to
/// 5,000) from `cursor`: after a receivable (`After(0)`: from the start),
/// or just before one (`Before(0)`: the bucket's last page). A cursor that
/// is not a receivable of `org_id` gives an empty page.
///
/// Each page is one range of `receivables_due` `(org_id, adjusted_due_day)`
/// starting at the cursor's day, so a page deep in a bucket of a million
/// rows costs what the first does (by id, the bucket's rows were read and
/// sorted again for every page). One debtor's receivables are few: then the
/// day is not offered to SQLite as an index term (`+`), which keeps it on
/// the debtor index instead of walking the bucket.
pub async fn bucket_lines(
    db: &Db,
    org_id: i64,
    scope: &AgingScope,
    (from_day, to_day): (i64, i64),
    cursor: Keyset,
    limit: i64,
) -> Result<Vec<BucketLine>> {
    let day = if scope.debtor_id.is_some() && db.backend() == crate::Backend::Sqlite {
        "+r.adjusted_due_day"
    } else {
        "r.adjusted_due_day"
    };
    let cursor_day =
        "(SELECT c.adjusted_due_day FROM receivables c WHERE c.id = $4 AND c.org_id = $1)";
    // Backwards: the same range read from its other end, then turned round.
    let (first_day, cmp, edge, beyond, order) = match cursor {
        Keyset::After(_) => ("$2", ">=", "$2 - 1", ">", ""),
        Keyset::Before(_) => ("$3", "<=", "$3 + 1", "<", " DESC"),
    };
    let sql = format!(
        "SELECT r.id, r.creditor_id, r.debtor_id, r.contract_id, r.document_number, r.installment, \
         r.installments, r.issue_day, r.due_day, r.adjusted_due_day, r.original_amount, r.open_balance, \
         r.status, r.closed_reason, r.closed_at, d.name AS debtor_name, d.document AS debtor_document, \
         k.number AS contract_number, k.terms AS contract_terms \
         FROM receivables r JOIN debtors d ON d.id = r.debtor_id \
         LEFT JOIN contracts k ON k.id = r.contract_id \
         WHERE r.org_id = $1 AND {day} BETWEEN $2 AND $3 \
           AND {day} {cmp} COALESCE({cursor_day}, {first_day}) \
           AND ({day}, r.id) {beyond} (COALESCE({cursor_day}, {edge}), $4) \
           AND ($4 = 0 OR {cursor_day} IS NOT NULL){} \
         ORDER BY r.adjusted_due_day{order}, r.id{order} LIMIT $5",
        scope.filters("r.", 6)
    );
    let mut rows: Vec<LineRow> = on_db!(db, |p| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(org_id)
            .bind(from_day)
            .bind(to_day)
            .bind(cursor.id())
            .bind(limit.clamp(1, 5000));
        for v in scope.binds() {
            q = q.bind(v);
        }
        q.fetch_all(p).await
    })?;
    if cursor.is_backwards() {
        rows.reverse();
    }
    rows.into_iter()
        .map(|l| {
            let contract_terms = match l.contract_terms {
                Some(t) => Some(serde_json::from_str::<ContractTerms>(&t).map_err(|e| {
                    StoreError::Corrupt(format!("contract of receivable {}: {e}", l.r.id))
                })?),
                None => None,
            };
            Ok(BucketLine {
                receivable: l.r.try_into()?,
                debtor_name: l.debtor_name,
                debtor_document: l.debtor_document,
                contract_number: l.contract_number,
                contract_terms,
            })
        })
        .collect()
}
