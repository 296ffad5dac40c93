//! The debt update of one stored receivable: only one still owed has it.

use quita_app::{AppError, portfolio::closing::Closing};
use quita_core::{receivable::ReceivableStatus, role::Role};
use quita_store::{
    Db,
    portfolio::{
        import::{ImportReceivable, update_receivable},
        receivables::{self, ReceivableRow},
    },
};

use crate::{
    debtor_view::principal,
    import::{GOOD, csv, import, setup},
};

/// Sets a receivable's status as an import that settles it would.
async fn set_status(db: &Db, r: &ReceivableRow, status: &'static str, open_balance: i64) {
    let day = |d: jiff::civil::Date| {
        i64::from(d.since(jiff::civil::date(1970, 1, 1)).unwrap().get_days())
    };
    let mut tx = db.begin_write().await.unwrap();
    update_receivable(
        &mut tx,
        r.id,
        &ImportReceivable {
            debtor_id: r.debtor_id,
            contract_id: r.contract_id,
            document_number: r.document_number.clone(),
            installment: r.installment,
            installments: r.installments,
            issue_day: None,
            due_day: day(r.due_date),
            adjusted_due_day: day(r.adjusted_due_date),
            original_amount: r.original_amount,
            open_balance,
            status,
        },
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Open and partially paid receivables have an update; paid, renegotiated,
/// cancelled and written-off ones are refused with a conflict naming their
/// status (the API answers 409, the CLI one line on stderr), not updated as
/// if they were still owed.
pub async fn only_collectable_receivables_have_an_update(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let on = jiff::civil::date(2026, 11, 23);
    let of = |name: &'static str| {
        let (app, db) = (app.clone(), db.clone());
        async move {
            let d = app.search_debtors(org, name, 5).await.unwrap()[0].id;
            receivables::list_for_debtor(&db, org, d).await.unwrap()
        }
    };
    let maria = of("maria").await;
    let (first, second) = (&maria[0], &maria[1]);
    assert_eq!(first.status, ReceivableStatus::Open);
    assert_eq!(second.status, ReceivableStatus::PartiallyPaid);
    let padaria = of("padaria").await.remove(0);
    let joao = of("joao").await.remove(0);

    // Still owed: updated, the partially paid one on its open balance.
    let (_, u) = app.receivable_update(org, first.id, on).await.unwrap();
    assert!(u.total().centavos() > first.open_balance, "{u:?}");
    let (_, u) = app.receivable_update(org, second.id, on).await.unwrap();
    assert_eq!(u.principal().centavos(), 40_000);
    // At a date before it was issued (01/09/2026) it was not owed yet, as
    // the 360° says: refused naming the date; today it is updated.
    let before_issue = jiff::civil::date(2026, 8, 1);
    match app.receivable_update(org, first.id, before_issue).await {
        Err(AppError::Invalid { field, message }) => {
            assert_eq!(field, "on");
            assert!(message.contains("emitido em 01/09/2026"), "{message}");
        }
        other => panic!("{other:?}"),
    }

    // Closed by hand.
    let supervisor = principal(org, Role::Supervisor, 1);
    app.close_receivable(&supervisor, first.id, None, Closing::WriteOff, "prescrito")
        .await
        .unwrap();
    app.close_receivable(&supervisor, padaria.id, None, Closing::Cancel, "engano")
        .await
        .unwrap();
    // Settled by an import: paid, then renegotiated.
    set_status(&db, &joao, "paid", 0).await;
    let paid = app.receivable_update(org, joao.id, on).await;
    set_status(&db, &joao, "renegotiated", joao.open_balance).await;
    let renegotiated = app.receivable_update(org, joao.id, on).await;

    for (result, status) in [
        (app.receivable_update(org, first.id, on).await, "baixado"),
        (
            app.receivable_update(org, padaria.id, on).await,
            "cancelado",
        ),
        (paid, "pago"),
        (renegotiated, "renegociado"),
    ] {
        match result {
            Err(e @ AppError::Conflict(_)) => {
                assert_eq!(e.code(), "conflict");
                let AppError::Conflict(m) = e else {
                    unreachable!()
                };
                assert_eq!(
                    m,
                    format!(
                        "o título está {status}: só um título em aberto tem atualização do débito"
                    )
                );
            }
            other => panic!("{status}: a closed receivable must conflict: {other:?}"),
        }
    }
    // The partially paid one is unaffected by its sibling's closing.
    assert!(app.receivable_update(org, second.id, on).await.is_ok());
    // Another organization's closed receivable is still not found (the
    // status of what it cannot see is not told).
    assert!(matches!(
        app.receivable_update(org + 1000, first.id, on).await,
        Err(AppError::NotFound)
    ));
}
