//! The access spool: where a debtor 360° access is recorded when SQLite's
//! one writer is held by a long import, so the page need not wait the
//! import out. One JSON line per access in a file beside the database,
//! written and synced before the page is answered (the LGPD log loses
//! nothing), and moved into `debtor_access` as soon as a write goes
//! through, each under its key (a move repeated after a crash records it
//! once). The file is locked while it is written or moved, so several
//! processes on one database share it.

use std::{
    fs::{File, OpenOptions},
    io::{Read, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
    time::Duration,
};

use jiff::Timestamp;
use quita_store::{
    Db,
    audit::Actor,
    portfolio::access::{self, AccessChannel},
};

use crate::{AppError, AppResult};

/// How long a 360° access waits for SQLite's writer before it goes to the
/// spool instead.
pub const SPOOL_AFTER: Duration = Duration::from_millis(500);

/// One access kept in the spool.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SpooledAccess {
    /// Unique per access: the log's key for it.
    pub key: String,
    pub org_id: i64,
    pub debtor_id: i64,
    /// `user`, `token`, `cli` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    /// `web` or `api`.
    pub channel: String,
    /// Milliseconds since the epoch.
    pub at_ms: i64,
}

impl SpooledAccess {
    pub fn new(
        org_id: i64,
        debtor_id: i64,
        actor: Actor,
        channel: AccessChannel,
        at: Timestamp,
    ) -> Self {
        Self {
            key: crate::secret::random_token(),
            org_id,
            debtor_id,
            actor_kind: actor.kind().into(),
            actor_id: actor.id(),
            channel: channel.as_str().into(),
            at_ms: at.as_millisecond(),
        }
    }
}

/// The spool file of one SQLite database.
#[derive(Debug, Clone)]
pub struct AccessSpool {
    path: PathBuf,
}

fn io(what: &str, path: &Path, e: std::io::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "access spool {}: {what}: {e}",
        path.display()
    ))
}

impl AccessSpool {
    /// The spool beside the database file `db` (`quita.db` →
    /// `quita.db.access-spool`).
    pub fn beside(db: &Path) -> Self {
        let mut name = db.as_os_str().to_owned();
        name.push(".access-spool");
        Self {
            path: PathBuf::from(name),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one access and syncs it to disk before returning.
    pub async fn append(&self, access: &SpooledAccess) -> AppResult<()> {
        let path = self.path.clone();
        let mut line = serde_json::to_vec(access).map_err(|e| AppError::Internal(e.into()))?;
        line.push(b'\n');
        tokio::task::spawn_blocking(move || -> AppResult<()> {
            let mut f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| io("open", &path, e))?;
            f.lock().map_err(|e| io("lock", &path, e))?;
            f.write_all(&line).map_err(|e| io("write", &path, e))?;
            f.sync_data().map_err(|e| io("sync", &path, e))
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
    }

    /// Whether accesses wait in the spool.
    pub fn is_pending(&self) -> bool {
        std::fs::metadata(&self.path).is_ok_and(|m| m.len() > 0)
    }

    /// Moves the spooled accesses into the access log, if a write can start
    /// within [`SPOOL_AFTER`]: how many were recorded (0 when the writer is
    /// still busy; they stay for the next time). A line that does not read
    /// (the end of one cut short by a crash before its page was answered)
    /// or names no debtor of its organization is dropped, with a warning.
    pub async fn drain(&self, db: &Db) -> AppResult<usize> {
        if !self.is_pending() {
            return Ok(0);
        }
        let Some(mut tx) = db.try_begin_write(SPOOL_AFTER).await? else {
            return Ok(0);
        };
        let path = self.path.clone();
        let (file, text) = tokio::task::spawn_blocking(move || -> AppResult<(File, String)> {
            let mut f = OpenOptions::new()
                .read(true)
                .write(true)
                .open(&path)
                .map_err(|e| io("open", &path, e))?;
            f.lock().map_err(|e| io("lock", &path, e))?;
            // A line damaged on disk (bytes that are no UTF-8) must not
            // stop the rest: it reads as a line that does not parse.
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes)
                .map_err(|e| io("read", &path, e))?;
            Ok((f, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
        let mut recorded = 0;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Ok(a) = serde_json::from_str::<SpooledAccess>(line) else {
                tracing::warn!("access spool: a line that does not read, dropped");
                continue;
            };
            let (Some(actor), Some(channel)) = (
                Actor::from_parts(&a.actor_kind, a.actor_id),
                AccessChannel::parse(&a.channel),
            ) else {
                tracing::warn!("access spool: an access with no actor or channel, dropped");
                continue;
            };
            let at = Timestamp::from_millisecond(a.at_ms).unwrap_or(Timestamp::UNIX_EPOCH);
            match access::record_spooled(
                &mut tx,
                a.org_id,
                a.debtor_id,
                (actor, channel),
                at,
                &a.key,
            )
            .await
            {
                Ok(true) => recorded += 1,
                Ok(false) => {}
                Err(quita_store::StoreError::NotFound) => {
                    tracing::warn!(
                        "access spool: an access to no debtor of its organization, dropped"
                    );
                }
                Err(e) => return Err(e.into()),
            }
        }
        tx.commit().await?;
        // Recorded: only now may the spool forget them (still locked, so no
        // access was appended since it was read).
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || -> AppResult<()> {
            let mut f = file;
            f.set_len(0).map_err(|e| io("truncate", &path, e))?;
            f.seek(SeekFrom::Start(0))
                .map_err(|e| io("seek", &path, e))?;
            f.sync_data().map_err(|e| io("sync", &path, e))
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
        Ok(recorded)
    }
}
