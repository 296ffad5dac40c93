//! Cancelling and writing off receivables by hand: roles, organization
//! scope, once only, the reason kept, the audit log and the aging list.

use quita_app::{
    AppError,
    portfolio::{
        aging::AgingQuery,
        closing::Closing,
        timeline::{TimelineEvent, TimelineWhat},
    },
};
use quita_core::{aging::AgingBuckets, receivable::ReceivableStatus, role::Role};
use quita_store::{Db, audit};

use crate::{
    debtor_view::principal,
    import::{GOOD, csv, import, setup},
};

pub async fn supervisors_close_receivables_once(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let maria = app.search_debtors(org, "maria", 5).await.unwrap()[0].clone();
    let on = jiff::civil::date(2026, 11, 23);
    let view = app.debtor_360(org, maria.id, on).await.unwrap();
    let (first, second) = (
        view.receivables[0].receivable.clone(),
        view.receivables[1].receivable.clone(),
    );
    let supervisor = principal(org, Role::Supervisor, 1);
    let aging_on = |app: &quita_app::App, as_of: jiff::civil::Date| {
        let app = app.clone();
        async move {
            let q = AgingQuery {
                creditor_id: None,
                debtor_id: None,
                as_of,
                buckets: AgingBuckets::default(),
            };
            app.aging(org, &q).await.unwrap().total().count
        }
    };
    let aging = |app: &quita_app::App| aging_on(app, on);
    let yesterday = jiff::civil::date(2026, 11, 22);
    let before = aging(&app).await;
    let before_yesterday = aging_on(&app, yesterday).await;

    for (who, expected) in [
        (principal(org, Role::Agent, 1), "forbidden"),
        (principal(org, Role::Viewer, 1), "forbidden"),
        (principal(org + 1000, Role::Admin, 1), "not_found"),
    ] {
        let err = app
            .close_receivable(&who, first.id, None, Closing::WriteOff, "prescrito")
            .await
            .unwrap_err();
        assert_eq!(err.code(), expected, "{err:?}");
    }
    let joao = app.search_debtors(org, "joao", 5).await.unwrap()[0].id;
    assert!(matches!(
        app.close_receivable(&supervisor, first.id, Some(joao), Closing::Cancel, "engano")
            .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.close_receivable(&supervisor, first.id, None, Closing::Cancel, "   ")
            .await,
        Err(AppError::Invalid { .. })
    ));
    assert_eq!(aging(&app).await, before, "refusals change nothing");

    let closed = app
        .close_receivable(
            &supervisor,
            first.id,
            None,
            Closing::WriteOff,
            " prescrito  (5 anos) ",
        )
        .await
        .unwrap();
    assert_eq!(closed.status, ReceivableStatus::WrittenOff);
    assert_eq!(closed.closed_reason.as_deref(), Some("prescrito (5 anos)"));
    assert_eq!(closed.closed_at, Some(app.now()));
    assert_eq!(
        closed.open_balance, first.open_balance,
        "the balance is kept"
    );
    // The same close sent again (a double click, a retry) is done once.
    let again = app
        .close_receivable(
            &supervisor,
            first.id,
            None,
            Closing::WriteOff,
            "prescrito (5 anos)",
        )
        .await
        .unwrap();
    assert_eq!(again, closed);
    match app
        .close_receivable(&supervisor, first.id, None, Closing::Cancel, "de novo")
        .await
    {
        Err(AppError::Conflict(m)) => assert!(m.contains("já está baixado"), "{m}"),
        other => panic!("a second close must conflict: {other:?}"),
    }
    // Four identical closes at once (a double click, a retry, two tabs):
    // all answer the closed receivable, one changes it.
    let once = || {
        app.close_receivable(
            &supervisor,
            second.id,
            None,
            Closing::Cancel,
            "venda desfeita",
        )
    };
    let (a, b, c, d) = tokio::join!(once(), once(), once(), once());
    let cancelled = a.unwrap();
    for other in [b, c, d] {
        assert_eq!(other.unwrap(), cancelled);
    }
    assert_eq!(cancelled.status, ReceivableStatus::Cancelled);
    assert_eq!(aging(&app).await, before - 2, "both left the aging list");
    assert_eq!(
        aging_on(&app, yesterday).await,
        before_yesterday,
        "yesterday they were still owed"
    );

    let log = audit::list(&db, org, None, 50).await.unwrap();
    let closings: Vec<_> = log
        .iter()
        .filter(|e| e.action == "receivable_closed")
        .collect();
    assert_eq!(closings.len(), 2, "{closings:?}");
    assert!(
        closings
            .iter()
            .any(|e| e.details["reason"] == "venda desfeita" && e.details["to"] == "cancelled")
    );

    // The debtor's timeline: both closings, newest first, for agents; not
    // for viewers; nothing of another organization's.
    let view = app.debtor_360(org, maria.id, on).await.unwrap();
    let agent = principal(org, Role::Agent, 1);
    let events = app.debtor_timeline(&agent, &view, None, 10).await.unwrap();
    let closed: Vec<(i64, ReceivableStatus)> = events
        .iter()
        .filter_map(|e: &TimelineEvent| match &e.what {
            TimelineWhat::ReceivableClosed {
                receivable_id, to, ..
            } => Some((*receivable_id, *to)),
            _ => None,
        })
        .collect();
    assert_eq!(
        closed,
        [
            (second.id, ReceivableStatus::Cancelled),
            (first.id, ReceivableStatus::WrittenOff)
        ]
    );
    assert!(matches!(
        app.debtor_timeline(&principal(org, Role::Viewer, 1), &view, None, 10)
            .await,
        Err(AppError::Forbidden)
    ));
    let stranger = principal(org + 1000, Role::Admin, 1);
    assert!(
        app.debtor_timeline(&stranger, &view, None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // The same file again reopens neither, and the report says why the
    // two rows it still lists as owed stay closed.
    let again = import(&app, org, cred, csv(&GOOD), false).await;
    assert!(again.summary.applied);
    assert_eq!(again.summary.receivables_updated, 0);
    assert_eq!(again.summary.receivables_created, 0);
    let mut told: Vec<&str> = again
        .problems
        .iter()
        .filter(|p| p.is_warning() && p.reason.contains("a importação não o reabre"))
        .map(|p| p.reason.as_str())
        .collect();
    told.sort_unstable();
    assert_eq!(told.len(), 2, "{:?}", again.problems);
    assert!(told[0].contains("está baixado") || told[1].contains("está baixado"));
    assert!(told.iter().any(|r| r.contains("está cancelado")));
    let view = app.debtor_360(org, maria.id, on).await.unwrap();
    let statuses: Vec<_> = view
        .receivables
        .iter()
        .filter(|r| r.receivable.id == first.id || r.receivable.id == second.id)
        .map(|r| r.receivable.status)
        .collect();
    assert!(
        statuses.iter().all(|s| matches!(
            s,
            ReceivableStatus::Cancelled | ReceivableStatus::WrittenOff
        )),
        "{statuses:?}"
    );
}
