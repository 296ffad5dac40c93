//! Use cases: what a person or an integration asks Quita to do, combining the
//! domain rules of `quita-core` with the persistence of `quita-store`, plus
//! the background worker and the injected [`Clock`].
//!
//! Errors: [`AppError`] is the one error type callers (web, CLI) map to their
//! own outputs; internal failures carry the source for logs, never for users.
#![forbid(unsafe_code)]

pub mod access_spool;
pub mod admin;
pub mod auth;
mod clock;
mod csv_text;
pub mod dashboard;
pub mod demo;
mod error;
pub mod portfolio;
mod secret;
pub mod synthetic;
pub mod worker;

pub use clock::{Clock, FixedClock, SystemClock};
pub use csv_text::{csv_field, csv_text};
pub use error::{AppError, AppResult};
pub use secret::{Secret, hash_token, random_token};

use std::sync::Arc;

use quita_store::Db;

/// Everything a use case needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub auth: auth::AuthSettings,
    /// SQLite: where a debtor access goes while an import holds the writer
    /// ([`access_spool`]); `None`: accesses wait for the writer.
    pub access_spool: Option<access_spool::AccessSpool>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, auth: auth::AuthSettings) -> Self {
        Self {
            db,
            clock,
            auth,
            access_spool: None,
        }
    }

    /// The same, recording debtor accesses in `spool` while SQLite's writer
    /// is busy.
    pub fn with_access_spool(mut self, spool: access_spool::AccessSpool) -> Self {
        self.access_spool = Some(spool);
        self
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }
}
