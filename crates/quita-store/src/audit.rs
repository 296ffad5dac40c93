//! The audit log: append-only (the schema refuses UPDATE and DELETE).

use jiff::Timestamp;

use crate::{Db, Result, StoreError, Tx, ms, ts};

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(i64),
    Token(i64),
    Cli,
    System,
}

impl Actor {
    /// `user`, `token`, `cli` or `system`: as stored, and as the API says it.
    pub fn kind(self) -> &'static str {
        match self {
            Actor::User(_) => "user",
            Actor::Token(_) => "token",
            Actor::Cli => "cli",
            Actor::System => "system",
        }
    }
    /// The user's or token's id.
    pub fn id(self) -> Option<i64> {
        match self {
            Actor::User(id) | Actor::Token(id) => Some(id),
            Actor::Cli | Actor::System => None,
        }
    }

    /// The actor of a stored [`kind`](Self::kind) and [`id`](Self::id);
    /// `None` for a kind that is none, or a user or token without its id.
    pub fn from_parts(kind: &str, id: Option<i64>) -> Option<Actor> {
        match (kind, id) {
            ("user", Some(id)) => Some(Actor::User(id)),
            ("token", Some(id)) => Some(Actor::Token(id)),
            ("cli", _) => Some(Actor::Cli),
            ("system", _) => Some(Actor::System),
            _ => None,
        }
    }
}

/// One entry to append. `details` must hold no personal data beyond ids.
pub struct NewEntry<'a> {
    pub org_id: Option<i64>,
    pub actor: Actor,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub details: serde_json::Value,
    pub ip: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub org_id: Option<i64>,
    pub actor: Actor,
    pub action: String,
    pub target: Option<String>,
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: Option<i64>,
    actor_kind: String,
    actor_id: Option<i64>,
    action: String,
    target: Option<String>,
    details: String,
    ip: Option<String>,
    created_at: i64,
}

impl TryFrom<Row> for Entry {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let actor = Actor::from_parts(&r.actor_kind, r.actor_id).ok_or_else(|| {
            StoreError::Corrupt(format!("audit {}: actor {:?}", r.id, r.actor_kind))
        })?;
        Ok(Self {
            id: r.id,
            org_id: r.org_id,
            actor,
            action: r.action,
            target: r.target,
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
            ip: r.ip,
            created_at: ts(r.created_at),
        })
    }
}

/// Appends inside the caller's transaction, so the entry and the change it
/// records commit together.
pub async fn append(tx: &mut Tx, e: &NewEntry<'_>, now: Timestamp) -> Result<i64> {
    const SQL: &str = "INSERT INTO audit_log (org_id, actor_kind, actor_id, action, target, details, ip, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    let details = e.details.to_string();
    let id: i64 = on_tx!(tx, |t| sqlx::query_scalar(SQL)
        .bind(e.org_id)
        .bind(e.actor.kind())
        .bind(e.actor.id())
        .bind(e.action)
        .bind(e.target)
        .bind(&details)
        .bind(e.ip)
        .bind(ms(now))
        .fetch_one(&mut **t)
        .await)?;
    Ok(id)
}

/// The organization's newest entries, older than `before_id` when given
/// (keyset pagination).
pub async fn list(db: &Db, org_id: i64, before_id: Option<i64>, limit: i64) -> Result<Vec<Entry>> {
    const SQL: &str = "SELECT id, org_id, actor_kind, actor_id, action, target, details, ip, created_at \
         FROM audit_log WHERE org_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3";
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// The most targets [`for_targets`] takes at once.
pub const MAX_TARGETS: usize = 1000;

/// An entry with the name of the user or token that made it (when it still
/// exists in the organization).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedEntry {
    pub entry: Entry,
    pub actor_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct NamedRow {
    #[sqlx(flatten)]
    row: Row,
    actor_name: Option<String>,
}

/// The organization's newest entries about any of `targets` (`debtor:7`,
/// `receivable:12`…; at most [`MAX_TARGETS`], the rest ignored), newest
/// first, older than `before_id` when given.
pub async fn for_targets(
    db: &Db,
    org_id: i64,
    targets: &[String],
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<NamedEntry>> {
    let targets = &targets[..targets.len().min(MAX_TARGETS)];
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let list = (0..targets.len())
        .map(|i| format!("${}", i + 4))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT a.id, a.org_id, a.actor_kind, a.actor_id, a.action, a.target, a.details, a.ip, a.created_at, \
           COALESCE(u.name, k.name) AS actor_name \
         FROM audit_log a \
         LEFT JOIN users u ON a.actor_kind = 'user' AND u.id = a.actor_id AND u.org_id = a.org_id \
         LEFT JOIN api_tokens k ON a.actor_kind = 'token' AND k.id = a.actor_id AND k.org_id = a.org_id \
         WHERE a.org_id = $1 AND a.id < $2 AND a.target IN ({list}) ORDER BY a.id DESC LIMIT $3"
    );
    let rows: Vec<NamedRow> = on_db!(db, |p| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(org_id)
            .bind(before_id.unwrap_or(i64::MAX))
            .bind(limit.clamp(1, 500));
        for t in targets {
            q = q.bind(t);
        }
        q.fetch_all(p).await
    })?;
    rows.into_iter()
        .map(|r| {
            Ok(NamedEntry {
                actor_name: r.actor_name,
                entry: r.row.try_into()?,
            })
        })
        .collect()
}

/// The organization's first entry about `target` with `action` recorded
/// after `since`: what a record was like then, where the entry keeps the
/// old value (a renamed debtor's former name).
pub async fn first_after(
    db: &Db,
    org_id: i64,
    (target, action): (&str, &str),
    since: Timestamp,
) -> Result<Option<Entry>> {
    const SQL: &str = "SELECT id, org_id, actor_kind, actor_id, action, target, details, ip, created_at \
         FROM audit_log WHERE org_id = $1 AND target = $2 AND action = $3 AND created_at > $4 \
         ORDER BY id LIMIT 1";
    let row: Option<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(target)
        .bind(action)
        .bind(ms(since))
        .fetch_optional(p)
        .await)?;
    row.map(Entry::try_from).transpose()
}

pub async fn count_since(db: &Db, org_id: i64, since: Timestamp) -> Result<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM audit_log WHERE org_id = $1 AND created_at >= $2";
    Ok(on_db!(db, |p| sqlx::query_scalar(SQL)
        .bind(org_id)
        .bind(ms(since))
        .fetch_one(p)
        .await)?)
}
