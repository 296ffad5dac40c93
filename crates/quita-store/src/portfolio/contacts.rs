//! Contacts of a debtor: phones, e-mails, postal addresses, each with its
//! source, validity and per-channel opt-out.

use jiff::Timestamp;

use crate::{Db, Result, StoreError, Tx, ms, ts};

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
    insert_rows(
        tx,
        org_id,
        contacts,
        now,
        " ON CONFLICT (debtor_id, kind, value) DO NOTHING",
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
    let Tx::Pg(t) = tx else {
        return insert_rows(tx, org_id, contacts, now, "").await;
    };
    if contacts.is_empty() {
        return Ok(0);
    }
    let mut data = super::copy::CopyText::default();
    for c in contacts {
        data.int(org_id);
        copy_fields(&mut data, c)
            .text("unverified")
            .int(ms(now))
            .int(ms(now))
            .end_row();
    }
    data.send(
        t,
        "COPY contacts (org_id, debtor_id, kind, value, whatsapp, workplace, uf, city, cep, source, source_date, status, \
         created_at, updated_at) FROM STDIN",
    )
    .await
}

/// SQLite: multi-row inserts of new, unverified contacts ending in `tail`.
async fn insert_rows(
    tx: &mut Tx,
    org_id: i64,
    contacts: &[NewContact],
    now: Timestamp,
    tail: &str,
) -> Result<u64> {
    const COLS: usize = 13;
    // Without an upsert clause, `OR FAIL`: see `import::SQLITE_INSERT`.
    let head = if tail.is_empty() {
        super::import::SQLITE_INSERT
    } else {
        "INSERT"
    };
    let mut created = 0;
    for chunk in contacts.chunks(1000) {
        let sql = multi_row_insert(
            tx.is_sqlite(),
            &format!(
                "{head} INTO contacts (org_id, debtor_id, kind, value, whatsapp, workplace, uf, city, cep, source, source_date, status, created_at, updated_at) VALUES "
            ),
            chunk.len(),
            COLS,
            "'unverified', ",
            tail,
        );
        created += on_tx!(tx, |t| {
            // Only full-size statements are worth keeping prepared: a
            // statement of a thousand rows holds megabytes of bytecode.
            let mut q =
                sqlx::query(sqlx::AssertSqlSafe(sql.clone())).persistent(chunk.len() == 1000);
            for c in chunk {
                q = q
                    .bind(org_id)
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
                    .bind(ms(now))
                    .bind(ms(now));
            }
            q.execute(&mut **t).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(created)
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

/// `INSERT … VALUES ($1, …), (…) …` for `rows` rows of `cols` bound values;
/// `fixed` is literal SQL placed after the first `cols - 2` values of each
/// row (used for constants such as a status), the last two being timestamps.
///
/// On SQLite the placeholders are anonymous `?` (bound in order): SQLite
/// resolves each named `$N` by a linear search while preparing, which makes
/// a statement with tens of thousands of them quadratic.
pub(crate) fn multi_row_insert(
    sqlite: bool,
    head: &str,
    rows: usize,
    cols: usize,
    fixed: &str,
    tail: &str,
) -> String {
    let mut sql = String::with_capacity(head.len() + rows * cols * 5 + tail.len());
    sql.push_str(head);
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c == cols - 2 {
                sql.push_str(fixed);
            }
            n += 1;
            if sqlite {
                sql.push('?');
            } else {
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            if c + 1 < cols {
                sql.push_str(", ");
            }
        }
        sql.push(')');
    }
    sql.push_str(tail);
    sql
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
        let list = if sqlite {
            vec!["?"; chunk.len()].join(", ")
        } else {
            (0..chunk.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ")
        };
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

#[cfg(test)]
mod tests {
    #[test]
    fn multi_row_sql() {
        assert_eq!(
            super::multi_row_insert(
                false,
                "INSERT INTO t (a, s, b, c) VALUES ",
                2,
                3,
                "'x', ",
                " RETURNING id"
            ),
            "INSERT INTO t (a, s, b, c) VALUES ($1, 'x', $2, $3), ($4, 'x', $5, $6) RETURNING id"
        );
        assert_eq!(
            super::multi_row_insert(false, "V ", 1, 2, "", ""),
            "V ($1, $2)"
        );
        assert_eq!(
            super::multi_row_insert(true, "V ", 2, 2, "", ""),
            "V (?, ?), (?, ?)"
        );
    }
}
