//! The aging by debtor adds up to the aging, bucket by bucket, on a
//! synthetic portfolio with every bucket, today and at a past date.

use quita_app::portfolio::{
    aging::AgingQuery,
    debtor_aging::{DebtorAgingFrom, DebtorAgingKey},
};
use quita_core::{aging::AgingBuckets, money::Money};
use quita_store::Db;

use crate::import::{import, setup};

pub async fn aging_by_debtor_adds_up_to_the_aging(db: Db) {
    let (app, org, cred) = setup(db).await;
    let spec = quita_app::synthetic::SyntheticPortfolio {
        receivables: 3_000,
        seed: quita_app::synthetic::DEFAULT_SEED,
        as_of: jiff::civil::date(2026, 11, 23),
    };
    let mut bytes = Vec::new();
    quita_app::synthetic::write_portfolio(&spec, &mut bytes).unwrap();
    let out = import(&app, org, cred, bytes, false).await;
    assert!(out.summary.applied, "{:?}", out.problems.first());

    for (as_of, buckets) in [
        (spec.as_of, AgingBuckets::default()),
        (
            jiff::civil::date(2026, 6, 30),
            AgingBuckets::parse("15,45").unwrap(),
        ),
    ] {
        let q = AgingQuery {
            creditor_id: None,
            debtor_id: None,
            as_of,
            buckets,
        };
        let report = app.aging(org, &q).await.unwrap();
        // The whole list in one pass, as the exports read it.
        let whole: Vec<_> = futures_util::TryStreamExt::try_collect(
            app.aging_by_debtor_stream(org, &q).await.unwrap(),
        )
        .await
        .unwrap();
        // Page by page: each debtor once, most overdue first.
        let mut lines = Vec::new();
        let mut from = DebtorAgingFrom::Start;
        let mut pages = Vec::new();
        loop {
            let page = app.aging_by_debtor(org, &q, from, 250).await.unwrap();
            assert_eq!(page.previous.is_some(), !pages.is_empty());
            pages.push(page.lines.clone());
            lines.extend(page.lines);
            match page.next {
                Some(n) => from = DebtorAgingFrom::After(n),
                None => break,
            }
            assert_eq!(usize::try_from(page.debtors).unwrap(), whole.len());
        }
        assert!(pages.len() > 2, "{} pages", pages.len());
        assert_eq!(lines, whole);
        // And back from the last page, page by page, to the first.
        let mut back = pages.len() - 1;
        let mut from = DebtorAgingFrom::After(DebtorAgingKey {
            overdue_centavos: pages[back - 1].last().unwrap().overdue_balance.centavos(),
            debtor_id: pages[back - 1].last().unwrap().debtor_id,
        });
        loop {
            let page = app.aging_by_debtor(org, &q, from, 250).await.unwrap();
            assert_eq!(page.lines, pages[back], "page {back}");
            match page.previous {
                Some(p) => {
                    from = DebtorAgingFrom::Before(p);
                    back -= 1;
                }
                None => break,
            }
        }
        assert_eq!(back, 0);
        let mut ids: Vec<i64> = lines.iter().map(|l| l.debtor_id).collect();
        assert!(
            lines
                .windows(2)
                .all(|w| (w[0].overdue_balance, -w[0].debtor_id)
                    > (w[1].overdue_balance, -w[1].debtor_id)),
            "most overdue first, then by id"
        );
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), lines.len(), "each debtor once");

        let sum = |f: &dyn Fn(&quita_app::portfolio::debtor_aging::DebtorAging) -> i64| {
            lines.iter().map(f).sum::<i64>()
        };
        let total = report.total();
        assert_eq!(sum(&|l| l.count), i64::try_from(total.count).unwrap());
        assert_eq!(
            Money::from_centavos(sum(&|l| l.original_amount.centavos())),
            total.original_amount
        );
        assert_eq!(
            Money::from_centavos(sum(&|l| l.open_balance.centavos())),
            total.open_balance
        );
        for (i, (label, t)) in report.rows().enumerate() {
            assert_eq!(
                Money::from_centavos(sum(&|l| l.by_bucket[i].centavos())),
                t.open_balance,
                "{as_of} {label}"
            );
        }
        // Overdue is every bucket but `current`.
        let overdue: i64 = report
            .rows()
            .skip(1)
            .map(|(_, t)| t.open_balance.centavos())
            .sum();
        assert_eq!(sum(&|l| l.overdue_balance.centavos()), overdue);
        assert!(
            lines
                .iter()
                .all(|l| l.days_past_due > 0 || l.overdue_balance.centavos() == 0)
        );
    }

    // A cursor past the end is an empty last page.
    let end = DebtorAgingFrom::After(DebtorAgingKey {
        overdue_centavos: 0,
        debtor_id: i64::MAX,
    });
    let q = AgingQuery {
        creditor_id: None,
        debtor_id: None,
        as_of: spec.as_of,
        buckets: AgingBuckets::default(),
    };
    let page = app.aging_by_debtor(org, &q, end, 10).await.unwrap();
    assert!(page.lines.is_empty() && page.next.is_none());
}
