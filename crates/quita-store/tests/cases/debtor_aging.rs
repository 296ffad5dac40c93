//! The aging by debtor: sums per debtor and bucket, most overdue first,
//! paged by keyset, one organization and creditor at a time.

use jiff::civil::date;
use quita_store::{
    Db, day_number,
    portfolio::{
        aging::AgingScope,
        debtor_aging::{
            DebtorAgingCursor::{After, Before, Start},
            debtor_lines, debtor_lines_stream,
        },
        import::{self, ImportReceivable},
    },
};

use super::portfolio::{creditor, debtor, receivable};
use super::{org, t0};

pub async fn aging_by_debtor_sums_and_pages(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let c1 = creditor(&db, a.id, "11222333000181").await;
    let c2 = creditor(&db, a.id, "34028316000103").await;
    let cb = creditor(&db, b.id, "11222333000181").await;
    let mut tx = db.begin_write().await.unwrap();
    let (_, ids) = import::upsert_debtors(
        &mut tx,
        a.id,
        &[
            debtor("52998224725", "joao"),
            debtor("11144477735", "joana"),
            debtor("39053344705", "maria"),
            debtor("86288366757", "pago"),
            debtor("71428793860", "zeca"),
        ],
        t0(),
    )
    .await
    .unwrap();
    let (_, b_ids) = import::upsert_debtors(&mut tx, b.id, &[debtor("52998224725", "outra")], t0())
        .await
        .unwrap();
    let (joao, joana, maria, pago, zeca) = (
        ids["52998224725"],
        ids["11144477735"],
        ids["39053344705"],
        ids["86288366757"],
        ids["71428793860"],
    );
    let rows = [
        receivable(joao, "J-1", 1, date(2026, 11, 1), 10_000),
        receivable(joao, "J-1", 2, date(2026, 12, 10), 5_000),
        receivable(joana, "N-1", 1, date(2026, 9, 1), 2_500),
        ImportReceivable {
            open_balance: 400,
            status: "partially_paid",
            ..receivable(joana, "N-2", 1, date(2026, 11, 20), 1_000)
        },
        ImportReceivable {
            open_balance: 0,
            status: "paid",
            ..receivable(pago, "P-1", 1, date(2026, 10, 1), 9_000)
        },
        receivable(zeca, "Z-1", 1, date(2026, 12, 31), 1_000),
    ];
    import::insert_receivables(&mut tx, a.id, c1.id, &rows, t0())
        .await
        .unwrap();
    import::insert_receivables(
        &mut tx,
        a.id,
        c2.id,
        &[receivable(maria, "M-1", 1, date(2026, 12, 20), 7_000)],
        t0(),
    )
    .await
    .unwrap();
    import::insert_receivables(
        &mut tx,
        b.id,
        cb.id,
        &[receivable(
            b_ids["52998224725"],
            "O-1",
            1,
            date(2026, 1, 1),
            99_999,
        )],
        t0(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let today = day_number(date(2026, 12, 1));
    // current, 1-30, 31+
    let ranges = [
        (today, i64::MAX / 4),
        (today - 30, today - 1),
        (i64::MIN / 4, today - 31),
    ];
    let all = AgingScope::default();
    let found = debtor_lines(&db, a.id, &all, today, &ranges, Start, 100)
        .await
        .unwrap();
    assert_eq!(found.debtors, 4);
    let lines = found.lines;
    type Seen<'a> = (&'a str, i64, i64, i64, i64, Vec<i64>);
    let seen: Vec<Seen> = lines
        .iter()
        .map(|l| {
            (
                l.name.as_str(),
                l.count,
                l.original_amount,
                l.open_balance,
                l.overdue_balance,
                l.by_range.clone(),
            )
        })
        .collect();
    // Most overdue first; a tie (nothing overdue) by debtor id; the paid
    // debtor and the other organization's are absent.
    assert_eq!(
        seen,
        [
            ("joao", 2, 15_000, 15_000, 10_000, vec![5_000, 10_000, 0]),
            ("joana", 2, 3_500, 2_900, 2_900, vec![0, 400, 2_500]),
            ("maria", 1, 7_000, 7_000, 0, vec![7_000, 0, 0]),
            ("zeca", 1, 1_000, 1_000, 0, vec![1_000, 0, 0]),
        ]
    );
    assert_eq!(lines[0].document, "52998224725");
    // The stream the exports read yields the same lines, in the same order.
    let streamed: Vec<_> = futures_util::StreamExt::collect::<Vec<_>>(debtor_lines_stream(
        &db, a.id, &all, today, &ranges,
    ))
    .await
    .into_iter()
    .map(Result::unwrap)
    .collect();
    assert_eq!(streamed, lines);
    assert_eq!(lines[1].oldest_due_day, day_number(date(2026, 9, 1)));

    // Page by page, each debtor once, in the same order, and back.
    let mut walked = Vec::new();
    let mut cursor = Start;
    loop {
        let page = debtor_lines(&db, a.id, &all, today, &ranges, cursor, 1)
            .await
            .unwrap();
        let Some(l) = page.lines.first() else { break };
        assert_eq!(page.debtors, 4, "the whole list's count on every page");
        walked.push(l.debtor_id);
        cursor = After {
            overdue_balance: l.overdue_balance,
            debtor_id: l.debtor_id,
        };
    }
    assert_eq!(walked, [joao, joana, maria, zeca]);
    let before_zeca = debtor_lines(
        &db,
        a.id,
        &all,
        today,
        &ranges,
        Before {
            overdue_balance: 0,
            debtor_id: zeca,
        },
        2,
    )
    .await
    .unwrap();
    let ids: Vec<i64> = before_zeca.lines.iter().map(|l| l.debtor_id).collect();
    assert_eq!(
        ids,
        [joana, maria],
        "the two just before, in the list's order"
    );

    // One creditor: maria's receivable is the other creditor's.
    let c1_only = AgingScope {
        creditor_id: Some(c1.id),
        ..AgingScope::default()
    };
    let names: Vec<String> = debtor_lines(&db, a.id, &c1_only, today, &ranges, Start, 100)
        .await
        .unwrap()
        .lines
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(names, ["joao", "joana", "zeca"]);

    // The other organization sees only its own.
    let theirs = debtor_lines(&db, b.id, &all, today, &ranges, Start, 100)
        .await
        .unwrap()
        .lines;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].overdue_balance, 99_999);
}
