use jiff::SignedDuration;
use quita_core::role::Role;
use quita_store::{
    Db, audit, dashboard, secrets,
    throttle::{self, ThrottlePolicy},
};

use super::{at, org, t0, user};

const POLICY: ThrottlePolicy = ThrottlePolicy {
    max_failures: 3,
    window: SignedDuration::from_secs(600),
    lockout: SignedDuration::from_secs(900),
};

pub async fn throttle_counts_locks_and_resets(db: Db) {
    assert_eq!(throttle::locked_until(&db, "k", t0()).await.unwrap(), None);
    assert_eq!(
        throttle::record_failure(&db, "k", POLICY, at(0))
            .await
            .unwrap(),
        (1, None)
    );
    assert_eq!(
        throttle::record_failure(&db, "k", POLICY, at(1))
            .await
            .unwrap(),
        (2, None)
    );
    let (n, until) = throttle::record_failure(&db, "k", POLICY, at(2))
        .await
        .unwrap();
    assert_eq!((n, until), (3, Some(at(902))));
    assert_eq!(
        throttle::locked_until(&db, "k", at(3)).await.unwrap(),
        Some(at(902))
    );
    assert_eq!(
        throttle::locked_until(&db, "other", at(3)).await.unwrap(),
        None
    );
    // The lock lapses by itself.
    assert_eq!(
        throttle::locked_until(&db, "k", at(903)).await.unwrap(),
        None
    );
    // A failure after the window starts a new count.
    assert_eq!(
        throttle::record_failure(&db, "k", POLICY, at(2000))
            .await
            .unwrap(),
        (1, None)
    );
    throttle::clear(&db, "k").await.unwrap();
    assert_eq!(
        throttle::record_failure(&db, "k", POLICY, at(2001))
            .await
            .unwrap(),
        (1, None)
    );
}

pub async fn audit_is_append_only(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let ana = user(&db, a.id, "ana@alfa.com.br", Role::Admin).await;
    let mut tx = db.begin_write().await.unwrap();
    for (org_id, action) in [(a.id, "login"), (a.id, "user_created"), (b.id, "login")] {
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(org_id),
                actor: audit::Actor::User(ana.id),
                action,
                target: Some("user:1"),
                details: serde_json::json!({"role": "agent"}),
                ip: Some("127.0.0.1"),
            },
            t0(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let entries = audit::list(&db, a.id, None, 10).await.unwrap();
    assert_eq!(
        entries
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["user_created", "login"]
    );
    assert_eq!(entries[0].actor, audit::Actor::User(ana.id));
    assert_eq!(entries[0].details["role"], "agent");
    let older = audit::list(&db, a.id, Some(entries[0].id), 10)
        .await
        .unwrap();
    assert_eq!(older.len(), 1);
    assert_eq!(audit::count_since(&db, a.id, t0()).await.unwrap(), 2);

    let update = match &db {
        Db::Sqlite(p) => sqlx::query("UPDATE audit_log SET action = 'x'")
            .execute(p)
            .await
            .map(|_| ()),
        Db::Pg(p) => sqlx::query("UPDATE audit_log SET action = 'x'")
            .execute(p)
            .await
            .map(|_| ()),
    };
    assert!(update.is_err(), "audit_log must refuse UPDATE");
    let delete = match &db {
        Db::Sqlite(p) => sqlx::query("DELETE FROM audit_log")
            .execute(p)
            .await
            .map(|_| ()),
        Db::Pg(p) => sqlx::query("DELETE FROM audit_log")
            .execute(p)
            .await
            .map(|_| ()),
    };
    assert!(delete.is_err(), "audit_log must refuse DELETE");
    assert_eq!(audit::count_since(&db, a.id, t0()).await.unwrap(), 2);
}

/// The entries about some targets (a debtor's timeline): newest first, by
/// page, with who made them, and never another organization's.
pub async fn audit_entries_by_target(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let ana = user(&db, a.id, "ana@alfa.com.br", Role::Supervisor).await;
    let mut tx = db.begin_write().await.unwrap();
    for (org_id, actor, action, target) in [
        (
            a.id,
            audit::Actor::User(ana.id),
            "debtor_marked",
            "debtor:7",
        ),
        (
            a.id,
            audit::Actor::Cli,
            "receivable_closed",
            "receivable:70",
        ),
        (
            a.id,
            audit::Actor::User(ana.id),
            "debtor_marked",
            "debtor:8",
        ),
        (b.id, audit::Actor::Cli, "debtor_marked", "debtor:7"),
        (
            a.id,
            audit::Actor::Token(999),
            "contact_marked",
            "contact:700",
        ),
    ] {
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(org_id),
                actor,
                action,
                target: Some(target),
                details: serde_json::json!({}),
                ip: None,
            },
            t0(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let targets: Vec<String> = ["debtor:7", "receivable:70", "contact:700"]
        .map(String::from)
        .to_vec();
    let found = audit::for_targets(&db, a.id, &targets, None, 10)
        .await
        .unwrap();
    assert_eq!(
        found
            .iter()
            .map(|e| e.entry.target.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["contact:700", "receivable:70", "debtor:7"]
    );
    assert_eq!(found[2].actor_name.as_deref(), Some("Fulano"));
    assert_eq!(found[0].actor_name, None, "a token that does not exist");
    assert_eq!(found[1].entry.actor, audit::Actor::Cli);
    let page = audit::for_targets(&db, a.id, &targets, Some(found[0].entry.id), 1)
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].entry.action, "receivable_closed");
    assert!(
        audit::for_targets(&db, a.id, &[], None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let many: Vec<String> = (0..audit::MAX_TARGETS + 5)
        .map(|i| format!("receivable:{i}"))
        .collect();
    assert_eq!(
        audit::for_targets(&db, a.id, &many, None, 10)
            .await
            .unwrap()
            .len(),
        1,
        "a long list is cut, not refused"
    );
}

pub async fn secrets_first_writer_wins(db: Db) {
    let first = secrets::get_or_create(&db, "csrf", "one", t0())
        .await
        .unwrap();
    let second = secrets::get_or_create(&db, "csrf", "two", at(1))
        .await
        .unwrap();
    assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
    assert_eq!(
        secrets::get_or_create(&db, "other", "three", t0())
            .await
            .unwrap(),
        "three"
    );
}

pub async fn dashboard_counts_by_org(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let ana = user(&db, a.id, "ana@alfa.com.br", Role::Admin).await;
    user(&db, a.id, "op1@alfa.com.br", Role::Agent).await;
    user(&db, a.id, "op2@alfa.com.br", Role::Agent).await;
    user(&db, b.id, "bia@beta.com.br", Role::Viewer).await;
    let mut tx = db.begin_write().await.unwrap();
    for action in ["login", "login", "login_failed"] {
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(a.id),
                actor: audit::Actor::User(ana.id),
                action,
                target: None,
                details: serde_json::json!({}),
                ip: None,
            },
            t0(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let c = dashboard::org_counts(&db, a.id, at(60)).await.unwrap();
    assert_eq!(
        c,
        dashboard::OrgCounts {
            users_active: 3,
            users_inactive: 0,
            admins: 1,
            supervisors: 0,
            agents: 2,
            viewers: 0,
            api_tokens_active: 0,
            audit_events_24h: 3,
            logins_24h: 2,
            failed_logins_24h: 1,
        }
    );
    let cb = dashboard::org_counts(&db, b.id, at(60)).await.unwrap();
    assert_eq!(
        (cb.users_active, cb.viewers, cb.audit_events_24h),
        (1, 1, 0)
    );
}

/// A connection handed back with a transaction sqlx still counts as open
/// (in the field: a `COMMIT` and then a `ROLLBACK` that failed on a full
/// disk) is closed, not pooled: every later `BEGIN` on it was refused
/// ("non-zero transaction depth"), so one full disk broke the next logins.
pub async fn a_connection_left_in_a_transaction_is_not_pooled_again(db: Db) {
    async fn strand(conn: &mut impl sqlx::Connection) {
        // The transaction is neither committed nor rolled back: forgotten.
        std::mem::forget(conn.begin().await.unwrap());
    }
    match &db {
        Db::Sqlite(p) => strand(&mut *p.acquire().await.unwrap()).await,
        Db::Pg(p) => strand(&mut *p.acquire().await.unwrap()).await,
    }
    for _ in 0..20 {
        let tx = db.begin_write().await.unwrap();
        tx.commit().await.unwrap();
    }
}
