//! Use cases against real databases (SQLite always, PostgreSQL when configured).

mod access_spool;
mod closing;
mod corrections;
mod debtor_aging;
mod debtor_view;
mod enrichment;
mod import;
mod marks;
mod receivable_update;

use access_spool::a_debtor_opened_during_an_import_is_recorded_once;
use closing::supervisors_close_receivables_once;
use corrections::corrections_name_an_imported_table;
use debtor_aging::aging_by_debtor_adds_up_to_the_aging;
use debtor_view::{
    a_renamed_cursor_keeps_its_place, contracts_terms_and_access_log,
    issued_later_counts_today_as_in_the_aging, search_pages_hold_every_match_once,
    search_reads_numbers_as_stored,
};
use enrichment::{
    enrichment_bad_rows_change_nothing, enrichment_keeps_bounces_and_sources,
    enrichment_leaves_out_contacts_under_another_name,
    enrichment_reads_its_header_as_the_import_does, enrichment_streams_a_long_file_all_or_nothing,
};
use import::{
    another_name_under_a_known_document_is_told, bad_files_change_nothing,
    error_report_cells_are_never_formulas, import_then_reimport_then_change,
    large_import_defers_indexes_and_reports_progress,
    numbers_without_their_leading_zeros_are_the_same_title, partial_counts_add_up,
    reversals_reopen_titles_only_when_accepted,
    rows_never_move_contracts_or_titles_between_debtors,
    slim_files_keep_what_they_do_not_say_and_never_undo_payments, spreadsheet_headings_are_read,
    the_fee_clause_column_lets_the_fee_be_charged, two_organizations_import_at_once,
    warnings_and_closed_receivables, xlsx_and_latin1_files_import,
};
use marks::{concurrent_patches_both_land, people_mark_debtors_and_contacts};
use receivable_update::only_collectable_receivables_have_an_update;
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use jiff::SignedDuration;
use quita_app::{
    App, AppError, FixedClock,
    admin::{NewOrgInput, NewUserInput},
    auth::AuthSettings,
    worker::{JobFuture, JobHandler, Worker, WorkerSettings},
};
use quita_core::{
    email::Email,
    org::{OrgMode, OrgName},
    password::NewPassword,
    role::Role,
};
use quita_store::{Db, audit::Actor, jobs, portfolio::Keyset};

macro_rules! both {
    ($($case:ident),* $(,)?) => {
        mod sqlite { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { quita_store::testing::on_sqlite(crate::$case).await; })* }
        mod postgres { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { quita_store::testing::on_postgres(crate::$case).await; })* }
    };
}

both!(
    large_import_defers_indexes_and_reports_progress,
    two_organizations_import_at_once,
    login_throttle_and_sessions,
    a_session_in_use_outlives_a_short_idle_timeout,
    admin_changes_stay_in_their_org,
    worker_runs_retries_and_sweeps,
    demo_seed_is_idempotent,
    import_then_reimport_then_change,
    warnings_and_closed_receivables,
    bad_files_change_nothing,
    xlsx_and_latin1_files_import,
    partial_counts_add_up,
    error_report_cells_are_never_formulas,
    contracts_terms_and_access_log,
    issued_later_counts_today_as_in_the_aging,
    a_renamed_cursor_keeps_its_place,
    enrichment_keeps_bounces_and_sources,
    enrichment_bad_rows_change_nothing,
    enrichment_streams_a_long_file_all_or_nothing,
    people_mark_debtors_and_contacts,
    concurrent_patches_both_land,
    supervisors_close_receivables_once,
    only_collectable_receivables_have_an_update,
    search_reads_numbers_as_stored,
    rows_never_move_contracts_or_titles_between_debtors,
    the_fee_clause_column_lets_the_fee_be_charged,
    corrections_name_an_imported_table,
    another_name_under_a_known_document_is_told,
    spreadsheet_headings_are_read,
    enrichment_reads_its_header_as_the_import_does,
    aging_by_debtor_adds_up_to_the_aging,
    a_debtor_opened_during_an_import_is_recorded_once,
    slim_files_keep_what_they_do_not_say_and_never_undo_payments,
    enrichment_leaves_out_contacts_under_another_name,
    reversals_reopen_titles_only_when_accepted,
    numbers_without_their_leading_zeros_are_the_same_title,
    search_pages_hold_every_match_once,
);

pub fn app(db: Db) -> (App, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new("2026-11-23T12:00:00Z".parse().unwrap()));
    (App::new(db, clock.clone(), AuthSettings::default()), clock)
}

async fn org_with_admin(app: &App, name: &str, email: &str) -> (i64, i64) {
    let org = app
        .create_org(
            NewOrgInput {
                name: OrgName::parse(name).unwrap(),
                slug: None,
                document: None,
                mode: OrgMode::Agency,
            },
            Actor::Cli,
        )
        .await
        .unwrap();
    let user = app
        .create_user(
            org.id,
            NewUserInput {
                email: Email::parse(email).unwrap(),
                name: "Admin".into(),
                role: Role::Admin,
                password: NewPassword::parse("senha-forte-123").unwrap(),
            },
            Actor::Cli,
        )
        .await
        .unwrap();
    (org.id, user.id)
}

/// A session in use stays alive under a short idle timeout: its activity
/// is written often enough (a quarter of the timeout when that is under a
/// minute).
async fn a_session_in_use_outlives_a_short_idle_timeout(db: Db) {
    let clock = Arc::new(FixedClock::new("2026-11-23T12:00:00Z".parse().unwrap()));
    let settings = AuthSettings {
        idle_timeout: SignedDuration::from_mins(1),
        ..AuthSettings::default()
    };
    let app = App::new(db, clock.clone(), settings);
    org_with_admin(&app, "Alfa", "ana@alfa.com.br").await;
    let ok = app
        .login("ana@alfa.com.br", "senha-forte-123", None)
        .await
        .unwrap();
    for _ in 0..6 {
        clock.advance(SignedDuration::from_secs(20));
        assert!(app.session(ok.token.expose()).await.unwrap().is_some());
    }
    clock.advance(SignedDuration::from_secs(61));
    assert!(app.session(ok.token.expose()).await.unwrap().is_none());
}

async fn login_throttle_and_sessions(db: Db) {
    let (app, clock) = app(db);
    org_with_admin(&app, "Alfa", "ana@alfa.com.br").await;
    let ok = app
        .login("ANA@alfa.com.br", "senha-forte-123", Some("127.0.0.1"))
        .await
        .unwrap();
    let s = app.session(ok.token.expose()).await.unwrap().unwrap();
    assert_eq!(s.principal.role, Role::Admin);
    assert_eq!(s.csrf_token, ok.session.csrf_token);

    // Idle expiry.
    clock.advance(SignedDuration::from_hours(3));
    assert!(app.session(ok.token.expose()).await.unwrap().is_none());

    for _ in 0..10 {
        assert!(matches!(
            app.login("ana@alfa.com.br", "errada", None).await,
            Err(AppError::BadCredentials)
        ));
    }
    // Locked even with the right password.
    assert!(matches!(
        app.login("ana@alfa.com.br", "senha-forte-123", None).await,
        Err(AppError::Throttled { .. })
    ));
    clock.advance(SignedDuration::from_mins(16));
    let again = app
        .login("ana@alfa.com.br", "senha-forte-123", None)
        .await
        .unwrap();
    assert_ne!(again.token.expose(), ok.token.expose());
    app.logout(&again.session, None).await.unwrap();
    assert!(app.session(again.token.expose()).await.unwrap().is_none());

    // Unknown e-mails fail the same way.
    assert!(matches!(
        app.login("ninguem@alfa.com.br", "x", None).await,
        Err(AppError::BadCredentials)
    ));
    assert!(matches!(
        app.login("not an email", "x", None).await,
        Err(AppError::BadCredentials)
    ));
}

async fn admin_changes_stay_in_their_org(db: Db) {
    let (app, _) = app(db);
    let (a, ana) = org_with_admin(&app, "Alfa", "ana@alfa.com.br").await;
    let (b, bia) = org_with_admin(&app, "Beta", "bia@beta.com.br").await;
    assert_ne!(a, b);
    let who = app
        .login("ana@alfa.com.br", "senha-forte-123", None)
        .await
        .unwrap()
        .session
        .principal;
    assert!(matches!(
        app.get_user(&who, bia).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.update_user(&who, bia, "X", Role::Viewer, false).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.set_password(&who, bia, &NewPassword::parse("outra-senha-99").unwrap())
            .await,
        Err(AppError::NotFound)
    ));
    // The last admin stays an admin.
    assert!(matches!(
        app.update_user(&who, ana, "Ana", Role::Agent, true).await,
        Err(AppError::Conflict(_))
    ));

    let tok = app.issue_token(&who, "ERP", Role::Agent).await.unwrap();
    let p = app.authenticate_token(tok.secret.expose()).await.unwrap();
    assert_eq!((p.org_id, p.role), (a, Role::Agent));
    let who_b = app
        .login("bia@beta.com.br", "senha-forte-123", None)
        .await
        .unwrap()
        .session
        .principal;
    assert!(matches!(
        app.revoke_token(&who_b, tok.token.id).await,
        Err(AppError::NotFound)
    ));
    assert!(app.list_tokens(&who_b).await.unwrap().is_empty());
    // A token may not outrank... and agents may not issue tokens.
    assert!(matches!(app.list_users(&p).await, Err(AppError::Forbidden)));
    app.revoke_token(&who, tok.token.id).await.unwrap();
    assert!(matches!(
        app.authenticate_token(tok.secret.expose()).await,
        Err(AppError::Unauthenticated)
    ));

    let log = app.audit_log(&who, None, 50).await.unwrap();
    let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"token_revoked")
            && actions.contains(&"user_created")
            && actions.contains(&"login")
    );
    assert!(
        app.audit_log(&who_b, None, 50)
            .await
            .unwrap()
            .iter()
            .all(|e| e.org_id == Some(b))
    );
}

struct Flaky(Arc<AtomicUsize>);

impl JobHandler for Flaky {
    fn kind(&self) -> &'static str {
        "test.flaky"
    }
    fn run<'a>(&'a self, _app: &'a App, _job: &'a jobs::ClaimedJob) -> JobFuture<'a> {
        Box::pin(async move {
            if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
                anyhow::bail!("first try fails")
            } else {
                Ok(())
            }
        })
    }
}

async fn worker_runs_retries_and_sweeps(db: Db) {
    let (app, clock) = app(db.clone());
    let calls = Arc::new(AtomicUsize::new(0));
    let mut worker = Worker::new(app.clone(), WorkerSettings::default());
    worker.register(Arc::new(Flaky(calls.clone())));
    let now = app.now();
    let payload = serde_json::json!({});
    let mut tx = db.begin_write().await.unwrap();
    let id = jobs::enqueue(
        &mut tx,
        &jobs::NewJob {
            org_id: None,
            kind: "test.flaky",
            payload: &payload,
            run_at: now,
            max_attempts: 3,
            dedup_key: None,
        },
        now,
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    worker.schedule_periodic(now).await.unwrap();
    worker.schedule_periodic(now).await.unwrap(); // same period: one sweep

    assert_eq!(worker.run_once().await.unwrap(), 2);
    assert_eq!(
        jobs::get(&db, id).await.unwrap().status,
        jobs::JobStatus::Queued
    );
    assert_eq!(
        worker.run_once().await.unwrap(),
        0,
        "retry waits for its backoff"
    );
    clock.advance(SignedDuration::from_mins(2));
    assert_eq!(worker.run_once().await.unwrap(), 1);
    assert_eq!(
        jobs::get(&db, id).await.unwrap().status,
        jobs::JobStatus::Succeeded
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let counts = jobs::count_by_status(&db, None).await.unwrap();
    assert_eq!(counts, vec![(jobs::JobStatus::Succeeded, 2)]);

    // Unknown kinds fail rather than vanish.
    let mut tx = db.begin_write().await.unwrap();
    let odd = jobs::enqueue(
        &mut tx,
        &jobs::NewJob {
            org_id: None,
            kind: "nobody.handles",
            payload: &payload,
            run_at: app.now(),
            max_attempts: 1,
            dedup_key: None,
        },
        app.now(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    worker.run_once().await.unwrap();
    let job = jobs::get(&db, odd).await.unwrap();
    assert_eq!(job.status, jobs::JobStatus::Dead);
    assert!(job.last_error.unwrap().contains("no handler"));
}

async fn demo_seed_is_idempotent(db: Db) {
    let (app, _) = app(db);
    let first = app.seed_demo().await.unwrap();
    let second = app.seed_demo().await.unwrap();
    assert!(first.created && !second.created);
    assert_eq!(first.org_id, second.org_id);
    for login in &first.logins {
        let s = app.login(login.email, login.password, None).await.unwrap();
        assert_eq!(s.session.principal.role, login.role);
    }
    // The demo's first debtor has a history: flagged in dispute, one
    // receivable written off, both on its timeline (seeded once).
    let who = quita_app::auth::Principal::cli(first.org_id);
    let page = app
        .debtors_page(&who, (Keyset::START, None), 1)
        .await
        .unwrap();
    let debtor = &page.debtors[0];
    assert!(debtor.dispute);
    let events = app
        .debtor_timeline_of(&who, debtor.id, None, 10)
        .await
        .unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().any(|e| matches!(
        e.what,
        quita_app::portfolio::timeline::TimelineWhat::ReceivableClosed { .. }
    )));
}
