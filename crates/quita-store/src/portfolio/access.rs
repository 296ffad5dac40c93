//! The LGPD access log of the debtor 360° view: who opened which debtor's
//! record, when, and through which channel. Append-only (the schema refuses
//! UPDATE and DELETE).

use jiff::Timestamp;

use crate::{Db, Result, StoreError, Tx, audit::Actor, ms, ts};

/// Through what the record was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessChannel {
    /// The HTML page.
    Web,
    /// The JSON API.
    Api,
}

impl AccessChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
        }
    }

    /// The channel stored as [`as_str`](Self::as_str) says it.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "web" => Some(Self::Web),
            "api" => Some(Self::Api),
            _ => None,
        }
    }
}

/// One recorded access, with the current name of the user or token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRow {
    pub id: i64,
    pub debtor_id: i64,
    pub actor: Actor,
    /// The user's name or the token's name (None for CLI/system or a
    /// removed actor).
    pub actor_name: Option<String>,
    pub channel: AccessChannel,
    pub at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    debtor_id: i64,
    actor_kind: String,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    channel: String,
    accessed_at: i64,
}

impl TryFrom<Row> for AccessRow {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let corrupt = |what: &str, value: &str| {
            StoreError::Corrupt(format!("debtor_access {}: {what} {value:?}", r.id))
        };
        let actor = Actor::from_parts(&r.actor_kind, r.actor_id)
            .ok_or_else(|| corrupt("actor", &r.actor_kind))?;
        let channel =
            AccessChannel::parse(&r.channel).ok_or_else(|| corrupt("channel", &r.channel))?;
        Ok(Self {
            id: r.id,
            debtor_id: r.debtor_id,
            actor,
            actor_name: r.actor_name,
            channel,
            at: ts(r.accessed_at),
        })
    }
}

/// Appends one access to a debtor of `org_id`; `NotFound` when the debtor
/// is not the organization's (nothing is written).
pub async fn record(
    tx: &mut Tx,
    org_id: i64,
    debtor_id: i64,
    actor: Actor,
    channel: AccessChannel,
    now: Timestamp,
) -> Result<i64> {
    const SQL: &str = "INSERT INTO debtor_access (org_id, debtor_id, actor_kind, actor_id, channel, accessed_at) \
         SELECT $1, d.id, $3, $4, $5, $6 FROM debtors d WHERE d.org_id = $1 AND d.id = $2 RETURNING id";
    let (kind, id) = (actor.kind(), actor.id());
    let row: Option<i64> = on_tx!(tx, |t| sqlx::query_scalar(SQL)
        .bind(org_id)
        .bind(debtor_id)
        .bind(kind)
        .bind(id)
        .bind(channel.as_str())
        .bind(ms(now))
        .fetch_optional(&mut **t)
        .await)?;
    row.ok_or(StoreError::NotFound)
}

/// Appends an access first kept in the access spool, under the spool's
/// `key`: `true` if recorded now, `false` if that key already was (a spool
/// moved twice). An access to a debtor that is not the organization's is
/// `NotFound`, and nothing is written.
pub async fn record_spooled(
    tx: &mut Tx,
    org_id: i64,
    debtor_id: i64,
    (actor, channel): (Actor, AccessChannel),
    at: Timestamp,
    key: &str,
) -> Result<bool> {
    const SQL: &str = "INSERT INTO debtor_access (org_id, debtor_id, actor_kind, actor_id, channel, accessed_at, spool_key) \
         SELECT $1, d.id, $3, $4, $5, $6, $7 FROM debtors d WHERE d.org_id = $1 AND d.id = $2 \
         ON CONFLICT DO NOTHING";
    const KNOWN: &str = "SELECT EXISTS (SELECT 1 FROM debtors WHERE org_id = $1 AND id = $2)";
    let (kind, id) = (actor.kind(), actor.id());
    let written = on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(debtor_id)
        .bind(kind)
        .bind(id)
        .bind(channel.as_str())
        .bind(ms(at))
        .bind(key)
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    if written == 1 {
        return Ok(true);
    }
    let known: bool = on_tx!(tx, |t| sqlx::query_scalar(KNOWN)
        .bind(org_id)
        .bind(debtor_id)
        .fetch_one(&mut **t)
        .await)?;
    if known {
        Ok(false)
    } else {
        Err(StoreError::NotFound)
    }
}

/// The newest accesses to one debtor of `org_id`, by time then id (an
/// access moved in from the spool later keeps its own place), after the
/// access `before_id` in that order when given (keyset), at most `limit`
/// (1–500).
pub async fn list_for_debtor(
    db: &Db,
    org_id: i64,
    debtor_id: i64,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<AccessRow>> {
    const SQL: &str = "SELECT a.id, a.debtor_id, a.actor_kind, a.actor_id, a.channel, a.accessed_at, \
           COALESCE(u.name, k.name) AS actor_name \
         FROM debtor_access a \
         LEFT JOIN users u ON a.actor_kind = 'user' AND u.id = a.actor_id AND u.org_id = a.org_id \
         LEFT JOIN api_tokens k ON a.actor_kind = 'token' AND k.id = a.actor_id AND k.org_id = a.org_id \
         WHERE a.org_id = $1 AND a.debtor_id = $2 \
           AND ($3 = 0 OR EXISTS (SELECT 1 FROM debtor_access b WHERE b.id = $3 AND b.org_id = $1 \
                AND (a.accessed_at < b.accessed_at OR (a.accessed_at = b.accessed_at AND a.id < b.id)))) \
         ORDER BY a.accessed_at DESC, a.id DESC LIMIT $4";
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(debtor_id)
        .bind(before_id.unwrap_or(0))
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}
