//! Organizations (tenants).

use jiff::Timestamp;
use quita_core::org::{OrgMode, OrgName, Slug};

use crate::{Db, Result, StoreError, Tx, ms, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// CNPJ digits, when given.
    pub document: Option<String>,
    pub mode: OrgMode,
    pub time_zone: String,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    slug: String,
    name: String,
    document: Option<String>,
    mode: String,
    time_zone: String,
    created_at: i64,
}

impl TryFrom<Row> for Organization {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Self {
            id: r.id,
            slug: r.slug,
            name: r.name,
            document: r.document,
            mode: r.mode.parse().map_err(StoreError::Corrupt)?,
            time_zone: r.time_zone,
            created_at: ts(r.created_at),
        })
    }
}

pub struct NewOrganization<'a> {
    pub slug: &'a Slug,
    pub name: &'a OrgName,
    pub document: Option<&'a str>,
    pub mode: OrgMode,
    pub time_zone: &'a str,
}

/// Creates an organization; `Conflict` when the slug is taken.
pub async fn create(
    tx: &mut Tx,
    new: &NewOrganization<'_>,
    now: Timestamp,
) -> Result<Organization> {
    const SQL: &str = "INSERT INTO organizations (slug, name, document, mode, time_zone, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) \
         RETURNING id, slug, name, document, mode, time_zone, created_at";
    let row: Row = on_tx!(tx, |t| sqlx::query_as(SQL)
        .bind(new.slug.as_str())
        .bind(new.name.as_str())
        .bind(new.document)
        .bind(new.mode.as_str())
        .bind(new.time_zone)
        .bind(ms(now))
        .fetch_one(&mut **t)
        .await)?;
    row.try_into()
}

pub async fn get(db: &Db, id: i64) -> Result<Organization> {
    const SQL: &str = "SELECT id, slug, name, document, mode, time_zone, created_at FROM organizations WHERE id = $1";
    let row: Row = on_db!(db, |p| sqlx::query_as(SQL).bind(id).fetch_one(p).await)?;
    row.try_into()
}

pub async fn find_by_slug(db: &Db, slug: &str) -> Result<Option<Organization>> {
    const SQL: &str = "SELECT id, slug, name, document, mode, time_zone, created_at FROM organizations WHERE slug = $1";
    let row: Option<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(slug)
        .fetch_optional(p)
        .await)?;
    row.map(TryInto::try_into).transpose()
}

/// All organizations by id. Tenants are few (one per company or agency).
pub async fn list(db: &Db) -> Result<Vec<Organization>> {
    const SQL: &str = "SELECT id, slug, name, document, mode, time_zone, created_at FROM organizations ORDER BY id LIMIT 10000";
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL).fetch_all(p).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}
