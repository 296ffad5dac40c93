//! Debtors: unique by CPF/CNPJ within an organization; prefix search.

use jiff::Timestamp;

use crate::{Db, Result, Tx, ms, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorRow {
    pub id: i64,
    pub org_id: i64,
    /// CPF/CNPJ digits.
    pub document: String,
    /// `pf` or `pj`.
    pub kind: String,
    pub name: String,
    pub deceased: bool,
    pub do_not_contact: bool,
    pub over_indebtedness: bool,
    pub dispute: bool,
    /// Tags in stored order (the column holds them comma-separated; a
    /// tag cannot contain a comma).
    pub tags: Vec<String>,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: i64,
    document: String,
    kind: String,
    name: String,
    deceased: bool,
    do_not_contact: bool,
    over_indebtedness: bool,
    dispute: bool,
    tags: String,
    created_at: i64,
}

impl From<Row> for DebtorRow {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            org_id: r.org_id,
            document: r.document,
            kind: r.kind,
            name: r.name,
            deceased: r.deceased,
            do_not_contact: r.do_not_contact,
            over_indebtedness: r.over_indebtedness,
            dispute: r.dispute,
            tags: r
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            created_at: ts(r.created_at),
        }
    }
}

pub async fn get(db: &Db, org_id: i64, id: i64) -> Result<DebtorRow> {
    const SQL: &str = "SELECT id, org_id, document, kind, name, deceased, do_not_contact, over_indebtedness, dispute, tags, created_at \
         FROM debtors WHERE org_id = $1 AND id = $2";
    let row: Row = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(id)
        .fetch_one(p)
        .await)?;
    Ok(row.into())
}

pub async fn find_by_document(db: &Db, org_id: i64, document: &str) -> Result<Option<DebtorRow>> {
    const SQL: &str = "SELECT id, org_id, document, kind, name, deceased, do_not_contact, over_indebtedness, dispute, tags, created_at \
         FROM debtors WHERE org_id = $1 AND document = $2";
    let row: Option<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(document)
        .fetch_optional(p)
        .await)?;
    Ok(row.map(Into::into))
}

pub async fn count(db: &Db, org_id: i64) -> Result<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM debtors WHERE org_id = $1";
    Ok(on_db!(db, |p| sqlx::query_scalar(SQL)
        .bind(org_id)
        .fetch_one(p)
        .await)?)
}

/// Sets the collection flags of one debtor of one organization.
pub async fn set_flags(
    tx: &mut Tx,
    org_id: i64,
    id: i64,
    flags: [bool; 4],
    tags: &[&str],
    now: Timestamp,
) -> Result<()> {
    const SQL: &str = "UPDATE debtors SET deceased = $3, do_not_contact = $4, over_indebtedness = $5, dispute = $6, tags = $7, updated_at = $8 \
         WHERE org_id = $1 AND id = $2";
    let n = on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(id)
        .bind(flags[0])
        .bind(flags[1])
        .bind(flags[2])
        .bind(flags[3])
        .bind(tags.join(","))
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    Ok(())
}

/// What a search prefix is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    /// The accent-free lower-case name key.
    Name,
    /// CPF/CNPJ digits.
    Document,
    /// A contact value: E.164 phone or e-mail.
    Contact,
    /// A receivable's document number.
    DocumentNumber,
}

/// Debtors whose field starts with `prefix`, at most `limit`, by name.
/// Uses an index range scan on both backends: a `>= / <` range under
/// SQLite's binary collation and PostgreSQL's "C" collation of `name_key`,
/// the pattern operators of the `text_pattern_ops` indexes for the rest.
pub async fn search(
    db: &Db,
    org_id: i64,
    field: SearchField,
    prefix: &str,
    limit: i64,
) -> Result<Vec<DebtorRow>> {
    let sqlite_sql: &'static str = match field {
        SearchField::Name => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.org_id = $1 AND d.name_key >= $2 AND d.name_key < $3 ORDER BY d.name_key, d.id LIMIT $4"
        }
        SearchField::Document => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.org_id = $1 AND d.document >= $2 AND d.document < $3 ORDER BY d.document LIMIT $4"
        }
        SearchField::Contact => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.id IN (SELECT c.debtor_id FROM contacts c WHERE c.org_id = $1 AND c.value >= $2 AND c.value < $3 LIMIT 200) \
             ORDER BY d.name_key, d.id LIMIT $4"
        }
        SearchField::DocumentNumber => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.id IN (SELECT r.debtor_id FROM receivables r WHERE r.org_id = $1 AND r.document_number >= $2 AND r.document_number < $3 LIMIT 200) \
             ORDER BY d.name_key, d.id LIMIT $4"
        }
    };
    let pg_sql: &'static str = match field {
        SearchField::Name => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.org_id = $1 AND d.name_key >= $2 AND d.name_key < $3 ORDER BY d.name_key, d.id LIMIT $4"
        }
        SearchField::Document => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.org_id = $1 AND d.document ~>=~ $2 AND d.document ~<~ $3 ORDER BY d.document LIMIT $4"
        }
        SearchField::Contact => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.id IN (SELECT c.debtor_id FROM contacts c WHERE c.org_id = $1 AND c.value ~>=~ $2 AND c.value ~<~ $3 LIMIT 200) \
             ORDER BY d.name_key, d.id LIMIT $4"
        }
        SearchField::DocumentNumber => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.id IN (SELECT r.debtor_id FROM receivables r WHERE r.org_id = $1 AND r.document_number ~>=~ $2 AND r.document_number ~<~ $3 LIMIT 200) \
             ORDER BY d.name_key, d.id LIMIT $4"
        }
    };
    let limit = limit.clamp(1, 200);
    // A range on both backends (PostgreSQL: the pattern operators of the
    // text_pattern_ops indexes), never LIKE: a prepared statement's generic
    // plan cannot turn `LIKE $2` into an index range and scans the table.
    let upper = format!("{prefix}\u{10FFFF}");
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(match db {
        Db::Sqlite(_) => sqlite_sql,
        Db::Pg(_) => pg_sql,
    })
    .bind(org_id)
    .bind(prefix)
    .bind(&upper)
    .bind(limit)
    .fetch_all(p)
    .await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// A page of the organization's debtors by name, after `after_key` (keyset).
/// The row comparison, not an `OR`, lets both databases start the index scan
/// at the cursor instead of filtering every earlier debtor.
pub async fn list_page(
    db: &Db,
    org_id: i64,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<DebtorRow>> {
    const SQL: &str = "SELECT id, org_id, document, kind, name, deceased, do_not_contact, over_indebtedness, dispute, tags, created_at \
         FROM debtors WHERE org_id = $1 AND (name_key, id) > ($2, $3) ORDER BY name_key, id LIMIT $4";
    let (key, id) = after.unwrap_or_default();
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(&key)
        .bind(id)
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The names of the given debtors of one organization (others are absent),
/// in one query: for pages that list receivables of many debtors.
pub async fn names(
    db: &Db,
    org_id: i64,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>> {
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sqlite = matches!(db, Db::Sqlite(_));
        let list = crate::in_list(sqlite, chunk.len(), 2);
        let sql = format!(
            "SELECT id, name FROM debtors WHERE org_id = {} AND id IN ({list})",
            if sqlite { "?" } else { "$1" }
        );
        let rows: Vec<(i64, String)> = on_db!(db, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(org_id);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// A page of the organization's debtors by name key then id, after the
/// debtor `after_id` (keyset; the cursor is a debtor id, so no name travels
/// in a URL). A cursor that is not a debtor of `org_id` gives an empty page.
/// Served by the `(org_id, name_key)` index (SQLite appends the rowid;
/// PostgreSQL's holds `id`); the cursor's key is a scalar subquery so that
/// PostgreSQL can seek to it.
pub async fn page_after(
    db: &Db,
    org_id: i64,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<DebtorRow>> {
    let limit = limit.clamp(1, 500);
    let Some(after) = after_id else {
        return list_page(db, org_id, None, limit).await;
    };
    const SQL: &str = "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
         FROM debtors d \
         WHERE d.org_id = $1 AND (d.name_key, d.id) > ((SELECT name_key FROM debtors WHERE org_id = $1 AND id = $2), $2) \
         ORDER BY d.name_key, d.id LIMIT $3";
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(after)
        .bind(limit)
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}
