//! Creditors (carteiras) and their charge policy.

use jiff::Timestamp;
use quita_core::{charge_policy::ChargePolicy, rate::Percent};

use crate::{Db, Result, StoreError, Tx, ms, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creditor {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    /// CNPJ (or CPF) digits.
    pub document: String,
    pub policy: ChargePolicy,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: i64,
    name: String,
    document: String,
    late_fine: i64,
    default_interest: i64,
    interest_mode: String,
    correction: String,
    collection_fee: i64,
    grace_days: i64,
    consumer_relation: bool,
    consumer_fine_cap: i64,
}

fn corrupt(id: i64, what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("creditor {id}: {what}"))
}

impl TryFrom<Row> for Creditor {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let pct = |v: i64| Percent::from_db(v).map_err(|e| corrupt(r.id, e));
        Ok(Self {
            policy: ChargePolicy {
                late_fine: pct(r.late_fine)?,
                default_interest_monthly: pct(r.default_interest)?,
                interest_mode: r.interest_mode.parse().map_err(|e| corrupt(r.id, e))?,
                correction: r.correction.parse().map_err(|e| corrupt(r.id, e))?,
                collection_fee: pct(r.collection_fee)?,
                grace_days: u16::try_from(r.grace_days).map_err(|e| corrupt(r.id, e))?,
                consumer_relation: r.consumer_relation,
                consumer_fine_cap: pct(r.consumer_fine_cap)?,
            },
            id: r.id,
            org_id: r.org_id,
            name: r.name,
            document: r.document,
        })
    }
}

/// Creates a creditor; `Conflict` when the organization already has one with this document.
pub async fn create(
    tx: &mut Tx,
    org_id: i64,
    name: &str,
    document: &str,
    p: &ChargePolicy,
    now: Timestamp,
) -> Result<Creditor> {
    const SQL: &str = "INSERT INTO creditors (org_id, name, document, late_fine, default_interest, interest_mode, correction, \
         collection_fee, grace_days, consumer_relation, consumer_fine_cap, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
         RETURNING id, org_id, name, document, late_fine, default_interest, interest_mode, correction, \
         collection_fee, grace_days, consumer_relation, consumer_fine_cap";
    let correction = p.correction.to_db();
    let row: Row = on_tx!(tx, |t| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(name)
        .bind(document)
        .bind(p.late_fine.to_db())
        .bind(p.default_interest_monthly.to_db())
        .bind(p.interest_mode.as_str())
        .bind(&correction)
        .bind(p.collection_fee.to_db())
        .bind(i64::from(p.grace_days))
        .bind(p.consumer_relation)
        .bind(p.consumer_fine_cap.to_db())
        .bind(ms(now))
        .fetch_one(&mut **t)
        .await)?;
    row.try_into()
}

/// Replaces the charge policy of one creditor of one organization.
pub async fn update_policy(
    tx: &mut Tx,
    org_id: i64,
    id: i64,
    name: &str,
    p: &ChargePolicy,
    now: Timestamp,
) -> Result<Creditor> {
    const SQL: &str = "UPDATE creditors SET name = $3, late_fine = $4, default_interest = $5, interest_mode = $6, correction = $7, \
         collection_fee = $8, grace_days = $9, consumer_relation = $10, consumer_fine_cap = $11, updated_at = $12 \
         WHERE org_id = $1 AND id = $2 \
         RETURNING id, org_id, name, document, late_fine, default_interest, interest_mode, correction, \
         collection_fee, grace_days, consumer_relation, consumer_fine_cap";
    let correction = p.correction.to_db();
    let row: Row = on_tx!(tx, |t| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(id)
        .bind(name)
        .bind(p.late_fine.to_db())
        .bind(p.default_interest_monthly.to_db())
        .bind(p.interest_mode.as_str())
        .bind(&correction)
        .bind(p.collection_fee.to_db())
        .bind(i64::from(p.grace_days))
        .bind(p.consumer_relation)
        .bind(p.consumer_fine_cap.to_db())
        .bind(ms(now))
        .fetch_one(&mut **t)
        .await)?;
    row.try_into()
}

pub async fn get(db: &Db, org_id: i64, id: i64) -> Result<Creditor> {
    const SQL: &str = "SELECT id, org_id, name, document, late_fine, default_interest, interest_mode, correction, \
         collection_fee, grace_days, consumer_relation, consumer_fine_cap FROM creditors WHERE org_id = $1 AND id = $2";
    let row: Row = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(id)
        .fetch_one(p)
        .await)?;
    row.try_into()
}

pub async fn find_by_document(db: &Db, org_id: i64, document: &str) -> Result<Option<Creditor>> {
    const SQL: &str = "SELECT id, org_id, name, document, late_fine, default_interest, interest_mode, correction, \
         collection_fee, grace_days, consumer_relation, consumer_fine_cap FROM creditors WHERE org_id = $1 AND document = $2";
    let row: Option<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(document)
        .fetch_optional(p)
        .await)?;
    row.map(TryInto::try_into).transpose()
}

/// The organization's creditors by name (an agency has tens, not millions).
pub async fn list(db: &Db, org_id: i64) -> Result<Vec<Creditor>> {
    const SQL: &str = "SELECT id, org_id, name, document, late_fine, default_interest, interest_mode, correction, \
         collection_fee, grace_days, consumer_relation, consumer_fine_cap FROM creditors WHERE org_id = $1 ORDER BY name, id LIMIT 10000";
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL).bind(org_id).fetch_all(p).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// The organization's monetary-correction tables as `(name, csv text)`.
pub async fn index_tables(db: &Db, org_id: i64) -> Result<Vec<(String, String)>> {
    const SQL: &str = "SELECT name, content FROM index_rates WHERE org_id = $1 ORDER BY name";
    Ok(on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .fetch_all(p)
        .await)?)
}

/// A stored monetary-correction table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexTableRow {
    pub name: String,
    /// The CSV text as imported.
    pub content: String,
    pub updated_at: Timestamp,
}

/// The organization's monetary-correction tables with the time each was
/// last stored, by name.
pub async fn index_table_rows(db: &Db, org_id: i64) -> Result<Vec<IndexTableRow>> {
    const SQL: &str =
        "SELECT name, content, updated_at FROM index_rates WHERE org_id = $1 ORDER BY name";
    let rows: Vec<(String, String, i64)> =
        on_db!(db, |p| sqlx::query_as(SQL).bind(org_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(name, content, at)| IndexTableRow {
            name,
            content,
            updated_at: ts(at),
        })
        .collect())
}

/// Stores (or replaces) a monetary-correction table.
pub async fn put_index_table(
    tx: &mut Tx,
    org_id: i64,
    name: &str,
    content: &str,
    now: Timestamp,
) -> Result<()> {
    const SQL: &str = "INSERT INTO index_rates (org_id, name, content, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id, name) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at";
    on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(name)
        .bind(content)
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
