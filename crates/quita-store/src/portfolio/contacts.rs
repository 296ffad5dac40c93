//! Contacts of a debtor: phones, e-mails, postal addresses, each with its
//! source, validity and per-channel opt-out.

use jiff::Timestamp;

use super::new_rows::{NewRows, PreparedWrite, SqliteQuery, run_all};
use crate::{Backend, Db, Result, StoreError, Tx, ms, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub id: i64,
    pub debtor_id: i64,
    /// `phone`, `email` or `address`.
    pub kind: String,
    pub value: String,
    pub whatsapp: bool,
    pub workplace: bool,
    pub uf: Option<String>,
    pub city: Option<String>,
    pub cep: Option<String>,
    pub source: String,
    pub source_date: Timestamp,
    /// `unverified`, `valid` or `invalid`.
    pub status: String,
    pub invalid_reason: Option<String>,
    /// Opted-out channels as `quita_core::contact::ChannelSet` bits.
    pub opt_out: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    debtor_id: i64,
    kind: String,
    value: String,
    whatsapp: bool,
    workplace: bool,
    uf: Option<String>,
    city: Option<String>,
    cep: Option<String>,
    source: String,
    source_date: i64,
    status: String,
    invalid_reason: Option<String>,
    opt_out: i64,
}

impl From<Row> for ContactRow {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            debtor_id: r.debtor_id,
            kind: r.kind,
            value: r.value,
            whatsapp: r.whatsapp,
            workplace: r.workplace,
            uf: r.uf,
            city: r.city,
            cep: r.cep,
            source: r.source,
            source_date: ts(r.source_date),
            status: r.status,
            invalid_reason: r.invalid_reason,
            opt_out: r.opt_out,
        }
    }
}

/// A contact to add.
#[derive(Debug, Clone)]
pub struct NewContact {
    pub debtor_id: i64,
    pub kind: &'static str,
    pub value: String,
    pub whatsapp: bool,
    pub workplace: bool,
    pub uf: Option<String>,
    pub city: Option<String>,
    pub cep: Option<String>,
    pub source: String,
    pub source_date: Timestamp,
}

/// A debtor's contacts. `+org_id` keeps SQLite (no statistics) on the
/// debtor key, never on `contacts_value (org_id, value)`.
pub async fn list_for_debtor(db: &Db, org_id: i64, debtor_id: i64) -> Result<Vec<ContactRow>> {
    const SQL: &str = "SELECT id, debtor_id, kind, value, whatsapp, workplace, uf, city, cep, source, source_date, status, invalid_reason, opt_out \
         FROM contacts WHERE +org_id = $1 AND debtor_id = $2 ORDER BY kind, id LIMIT 1000";
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(debtor_id)
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Adds contacts that are not known yet (same debtor, kind and value); an
/// existing contact — in particular one marked invalid — is left exactly as
/// it is. Returns how many were created.
pub async fn insert_new(
    tx: &mut Tx,
    org_id: i64,
    contacts: &[NewContact],
    now: Timestamp,
) -> Result<u64> {
    if let Tx::Pg(t) = tx {
        return insert_new_by_copy(t, org_id, contacts, now).await;
    }
    NEW_CONTACTS
        .insert_sqlite(
            tx,
            contacts,
            " ON CONFLICT (debtor_id, kind, value) DO NOTHING",
            bind_contact(org_id, ms(now)),
        )
        .await
}

/// Inserts contacts the caller knows are new: their debtors were created in
/// the same transaction and each contact is given once. PostgreSQL: one
/// `COPY` straight into the table. A contact that exists after all fails on
/// the unique key and the transaction rolls back.
pub async fn insert_unique(
    tx: &mut Tx,
    org_id: i64,
    contacts: &[NewContact],
    now: Timestamp,
) -> Result<u64> {
    let writes = prepare_unique(tx.backend(), org_id, contacts, now);
    run_all(tx, writes).await
}

/// The writes of [`insert_unique`], built without the connection.
pub fn prepare_unique(
    backend: Backend,
    org_id: i64,
    contacts: &[NewContact],
    now: Timestamp,
) -> Vec<PreparedWrite> {
    let at = ms(now);
    NEW_CONTACTS.prepare(
        backend,
        contacts,
        |data, c| {
            data.int(org_id);
            copy_fields(data, c).text("unverified").int(at).int(at);
        },
        bind_contact(org_id, at),
    )
}

/// New contacts are unverified.
const NEW_CONTACTS: NewRows<'static> = NewRows {
    into: "contacts (org_id, debtor_id, kind, value, whatsapp, workplace, uf, city, cep, source, source_date, status, \
           created_at, updated_at)",
    binds: 13,
    fixed: "'unverified', ",
    chunk: 1000,
};

/// Binds a new contact's values in [`NEW_CONTACTS`] order.
fn bind_contact(org_id: i64, at: i64) -> impl Fn(SqliteQuery, &NewContact) -> SqliteQuery {
    move |q, c| {
        q.bind(org_id)
            .bind(c.debtor_id)
            .bind(c.kind)
            .bind(&c.value)
            .bind(c.whatsapp)
            .bind(c.workplace)
            .bind(&c.uf)
            .bind(&c.city)
            .bind(&c.cep)
            .bind(&c.source)
            .bind(ms(c.source_date))
            .bind(at)
            .bind(at)
    }
}

/// A contact's own fields in `COPY` order: debtor, kind, value, whatsapp,
/// workplace, uf, city, cep, source, source date.
fn copy_fields<'a>(
    data: &'a mut super::copy::CopyText,
    c: &NewContact,
) -> &'a mut super::copy::CopyText {
    data.int(c.debtor_id)
        .text(c.kind)
        .text(&c.value)
        .bool(c.whatsapp)
        .bool(c.workplace)
        .opt_text(c.uf.as_deref())
        .opt_text(c.city.as_deref())
        .opt_text(c.cep.as_deref())
        .text(&c.source)
        .int(ms(c.source_date))
}

/// PostgreSQL: the batch goes by `COPY` into a temporary table, then into
/// `contacts` with the same `ON CONFLICT DO NOTHING`.
async fn insert_new_by_copy(
    t: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    org_id: i64,
    contacts: &[NewContact],
    now: Timestamp,
) -> Result<u64> {
    if contacts.is_empty() {
        return Ok(0);
    }
    sqlx::query(
        "CREATE TEMP TABLE IF NOT EXISTS contacts_incoming (debtor_id BIGINT, kind TEXT, value TEXT, whatsapp BOOLEAN, \
         workplace BOOLEAN, uf TEXT, city TEXT, cep TEXT, source TEXT, source_date BIGINT) ON COMMIT DROP",
    )
    .execute(&mut **t)
    .await?;
    sqlx::query("TRUNCATE contacts_incoming")
        .execute(&mut **t)
        .await?;
    let mut data = super::copy::CopyText::default();
    for c in contacts {
        copy_fields(&mut data, c).end_row();
    }
    data.send(
        t,
        "COPY contacts_incoming (debtor_id, kind, value, whatsapp, workplace, uf, city, cep, source, source_date) FROM STDIN",
    )
    .await?;
    // DISTINCT ON: the same contact twice in one batch is one insert.
    let created = sqlx::query(
        "INSERT INTO contacts (org_id, debtor_id, kind, value, whatsapp, workplace, uf, city, cep, source, source_date, status, created_at, updated_at) \
         SELECT DISTINCT ON (debtor_id, kind, value) $1, debtor_id, kind, value, whatsapp, workplace, uf, city, cep, source, source_date, 'unverified', $2, $2 \
         FROM contacts_incoming ORDER BY debtor_id, kind, value ON CONFLICT (debtor_id, kind, value) DO NOTHING",
    )
    .bind(org_id)
    .bind(ms(now))
    .execute(&mut **t)
    .await?
    .rows_affected();
    Ok(created)
}

/// Marks one contact valid or invalid (with a reason such as `bounce`).
pub async fn set_status(
    tx: &mut Tx,
    org_id: i64,
    id: i64,
    status: &str,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    const SQL: &str = "UPDATE contacts SET status = $3, invalid_reason = $4, updated_at = $5 WHERE org_id = $1 AND id = $2";
    let n = on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(id)
        .bind(status)
        .bind(reason)
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// What a person changes on one contact: whether it works (with the
/// reason it does not), the channels the debtor opted out of, and the
/// workplace mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactChange<'a> {
    /// `unverified`, `valid` or `invalid`.
    pub status: &'a str,
    pub invalid_reason: Option<&'a str>,
    /// `quita_core::contact::ChannelSet` bits.
    pub opt_out: i64,
    pub workplace: bool,
}

/// The contact `id` of the debtor `debtor_id` of `org_id`, read inside the
/// caller's transaction; a contact of another debtor or organization is not
/// found.
pub async fn get(tx: &mut Tx, org_id: i64, debtor_id: i64, id: i64) -> Result<ContactRow> {
    // Locked on PostgreSQL until the transaction ends, so that marks worked
    // out from it cannot overwrite another change made meanwhile.
    let lock = if tx.is_sqlite() {
        ""
    } else {
        " FOR NO KEY UPDATE"
    };
    let sql = format!(
        "SELECT id, debtor_id, kind, value, whatsapp, workplace, uf, city, cep, source, source_date, status, invalid_reason, opt_out \
         FROM contacts WHERE org_id = $1 AND debtor_id = $2 AND id = $3{lock}"
    );
    let row: Option<Row> = on_tx!(tx, |t| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(org_id)
        .bind(debtor_id)
        .bind(id)
        .fetch_optional(&mut **t)
        .await)?;
    row.map(Into::into).ok_or(StoreError::NotFound)
}

/// The debtor's contact of this kind and value, read inside the caller's
/// transaction (the row [`insert_new`] just added, or the one it found).
pub async fn find(
    tx: &mut Tx,
    org_id: i64,
    debtor_id: i64,
    kind: &str,
    value: &str,
) -> Result<ContactRow> {
    const SQL: &str = "SELECT id, debtor_id, kind, value, whatsapp, workplace, uf, city, cep, source, source_date, status, invalid_reason, opt_out \
         FROM contacts WHERE org_id = $1 AND debtor_id = $2 AND kind = $3 AND value = $4";
    let row: Option<Row> = on_tx!(tx, |t| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(debtor_id)
        .bind(kind)
        .bind(value)
        .fetch_optional(&mut **t)
        .await)?;
    row.map(Into::into).ok_or(StoreError::NotFound)
}

/// Applies `change` to the contact `id` of the debtor `debtor_id` of
/// `org_id`; a contact of another debtor or organization is not found.
pub async fn change(
    tx: &mut Tx,
    org_id: i64,
    debtor_id: i64,
    id: i64,
    change: &ContactChange<'_>,
    now: Timestamp,
) -> Result<()> {
    const SQL: &str = "UPDATE contacts SET status = $4, invalid_reason = $5, opt_out = $6, workplace = $7, updated_at = $8 \
         WHERE org_id = $1 AND debtor_id = $2 AND id = $3";
    let n = on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(debtor_id)
        .bind(id)
        .bind(change.status)
        .bind(change.invalid_reason)
        .bind(change.opt_out)
        .bind(change.workplace)
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The contacts of many debtors of one organization (others are absent), in
/// one query per 500 debtors, inside the caller's transaction: what an
/// enrichment file is compared against.
pub async fn list_for_debtors(
    tx: &mut Tx,
    org_id: i64,
    debtor_ids: &[i64],
) -> Result<Vec<ContactRow>> {
    let mut out = Vec::new();
    let sqlite = tx.is_sqlite();
    for chunk in debtor_ids.chunks(500) {
        let list = crate::in_list(sqlite, chunk.len(), 2);
        // SQLite, without statistics, would answer `org_id = ?` from
        // `contacts_value (org_id, value)` and read every contact of the
        // organization for each chunk; `+org_id` leaves it the debtor key.
        let sql = format!(
            "SELECT id, debtor_id, kind, value, whatsapp, workplace, uf, city, cep, source, source_date, status, invalid_reason, opt_out \
             FROM contacts WHERE {} AND debtor_id IN ({list}) ORDER BY debtor_id, kind, id",
            if sqlite { "+org_id = ?" } else { "org_id = $1" }
        );
        let rows: Vec<Row> = on_tx!(tx, |t| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(org_id);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut **t).await
        })?;
        out.extend(rows.into_iter().map(ContactRow::from));
    }
    Ok(out)
}

/// Takes a newer source and date (and the WhatsApp/workplace flags the new
/// data adds) into one **unverified** contact; a contact that is valid or
/// invalid is left untouched. Returns whether it changed.
#[allow(clippy::too_many_arguments)] // one row's columns
pub async fn refresh(
    tx: &mut Tx,
    org_id: i64,
    id: i64,
    source: &str,
    source_date: Timestamp,
    whatsapp: bool,
    workplace: bool,
    now: Timestamp,
) -> Result<bool> {
    const SQL: &str = "UPDATE contacts SET source = $3, source_date = $4, whatsapp = (whatsapp OR $5), \
           workplace = (workplace OR $6), updated_at = $7 \
         WHERE org_id = $1 AND id = $2 AND status = 'unverified' AND source_date < $4";
    let n = on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(id)
        .bind(source)
        .bind(ms(source_date))
        .bind(whatsapp)
        .bind(workplace)
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}
