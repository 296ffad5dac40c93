//! The conformance cases, one async function per behaviour, each taking a
//! fresh migrated database.

mod bulk_import;
mod debtor_aging;
mod debtor_view;
mod import_runs;
mod jobs;
mod people;
mod platform;
mod portfolio;
mod search;

pub use bulk_import::*;
pub use debtor_aging::*;
pub use debtor_view::*;
pub use import_runs::*;
pub use jobs::*;
pub use people::*;
pub use platform::*;
pub use portfolio::*;
pub use search::*;

use jiff::Timestamp;
use quita_core::{
    email::Email,
    org::{OrgMode, OrgName, Slug},
    role::Role,
};
use quita_store::{Db, orgs, users};

pub fn t0() -> Timestamp {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

pub fn at(secs: i64) -> Timestamp {
    t0() + jiff::SignedDuration::from_secs(secs)
}

pub async fn org(db: &Db, slug: &str) -> orgs::Organization {
    let name = OrgName::parse(&format!("Org {slug}")).unwrap();
    let slug = Slug::parse(slug).unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let o = orgs::create(
        &mut tx,
        &orgs::NewOrganization {
            slug: &slug,
            name: &name,
            document: None,
            mode: OrgMode::Agency,
            time_zone: "America/Sao_Paulo",
        },
        t0(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    o
}

pub async fn user(db: &Db, org_id: i64, email: &str, role: Role) -> users::User {
    let email = Email::parse(email).unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let u = users::create(
        &mut tx,
        &users::NewUser {
            org_id,
            email: &email,
            name: "Fulano",
            role,
            password_hash: "$argon2id$fake",
        },
        t0(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    u
}
