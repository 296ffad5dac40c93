//! Users: people who log in, each in exactly one organization.

use jiff::Timestamp;
use quita_core::{email::Email, role::Role};

use crate::{Db, Result, StoreError, Tx, ms, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub org_id: i64,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: i64,
    org_id: i64,
    email: String,
    name: String,
    role: String,
    active: bool,
    created_at: i64,
}

impl TryFrom<Row> for User {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Self {
            id: r.id,
            org_id: r.org_id,
            email: Email::parse(&r.email)
                .map_err(|e| StoreError::Corrupt(format!("user {}: {e}", r.id)))?,
            name: r.name,
            role: r
                .role
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("user {}: {e}", r.id)))?,
            active: r.active,
            created_at: ts(r.created_at),
        })
    }
}

pub struct NewUser<'a> {
    pub org_id: i64,
    pub email: &'a Email,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

/// Creates a user; `Conflict` when the e-mail is taken (e-mails are unique
/// across organizations, since login is by e-mail alone).
pub async fn create(tx: &mut Tx, new: &NewUser<'_>, now: Timestamp) -> Result<User> {
    const SQL: &str = "INSERT INTO users (org_id, email, name, role, password_hash, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6) \
         RETURNING id, org_id, email, name, role, active, created_at";
    let row: Row = on_tx!(tx, |t| sqlx::query_as(SQL)
        .bind(new.org_id)
        .bind(new.email.as_str())
        .bind(new.name)
        .bind(new.role.as_str())
        .bind(new.password_hash)
        .bind(ms(now))
        .fetch_one(&mut **t)
        .await)?;
    row.try_into()
}

/// One user of one organization: a user of another organization is `NotFound`.
pub async fn get(db: &Db, org_id: i64, id: i64) -> Result<User> {
    const SQL: &str = "SELECT id, org_id, email, name, role, active, created_at FROM users WHERE org_id = $1 AND id = $2";
    let row: Row = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(id)
        .fetch_one(p)
        .await)?;
    row.try_into()
}

/// The user and stored password hash for a login attempt.
pub async fn find_for_login(db: &Db, email: &Email) -> Result<Option<(User, String)>> {
    #[derive(sqlx::FromRow)]
    struct LoginRow {
        #[sqlx(flatten)]
        user: Row,
        password_hash: String,
    }
    const SQL: &str = "SELECT id, org_id, email, name, role, active, created_at, password_hash FROM users WHERE email = $1";
    let row: Option<LoginRow> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(email.as_str())
        .fetch_optional(p)
        .await)?;
    row.map(|r| Ok((r.user.try_into()?, r.password_hash)))
        .transpose()
}

pub async fn password_hash(db: &Db, org_id: i64, id: i64) -> Result<String> {
    const SQL: &str = "SELECT password_hash FROM users WHERE org_id = $1 AND id = $2";
    let hash: String = on_db!(db, |p| sqlx::query_scalar(SQL)
        .bind(org_id)
        .bind(id)
        .fetch_one(p)
        .await)?;
    Ok(hash)
}

/// The organization's users by id (an organization has at most hundreds).
pub async fn list(db: &Db, org_id: i64) -> Result<Vec<User>> {
    const SQL: &str = "SELECT id, org_id, email, name, role, active, created_at FROM users WHERE org_id = $1 ORDER BY id LIMIT 5000";
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL).bind(org_id).fetch_all(p).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

pub struct UserChange<'a> {
    pub name: &'a str,
    pub role: Role,
    pub active: bool,
}

/// Changes name, role and active flag of one user of one organization.
pub async fn update(
    tx: &mut Tx,
    org_id: i64,
    id: i64,
    change: &UserChange<'_>,
    now: Timestamp,
) -> Result<User> {
    const SQL: &str = "UPDATE users SET name = $3, role = $4, active = $5, updated_at = $6 \
         WHERE org_id = $1 AND id = $2 \
         RETURNING id, org_id, email, name, role, active, created_at";
    let row: Row = on_tx!(tx, |t| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(id)
        .bind(change.name)
        .bind(change.role.as_str())
        .bind(change.active)
        .bind(ms(now))
        .fetch_one(&mut **t)
        .await)?;
    row.try_into()
}

pub async fn set_password_hash(
    tx: &mut Tx,
    org_id: i64,
    id: i64,
    hash: &str,
    now: Timestamp,
) -> Result<()> {
    const SQL: &str =
        "UPDATE users SET password_hash = $3, updated_at = $4 WHERE org_id = $1 AND id = $2";
    let done = on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(id)
        .bind(hash)
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// How many active admins the organization has (the last one may not be demoted).
pub async fn count_active_admins(db: &Db, org_id: i64) -> Result<i64> {
    const SQL: &str =
        "SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'admin' AND active = TRUE";
    Ok(on_db!(db, |p| sqlx::query_scalar(SQL)
        .bind(org_id)
        .fetch_one(p)
        .await)?)
}
