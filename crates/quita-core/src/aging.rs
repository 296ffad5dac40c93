//! Aging list: open receivables grouped by days past due (DPD).
//!
//! DPD is counted from the **business-day-adjusted** due date
//! ([`days_past_due`]): a receivable due on a Saturday and still open on
//! Monday is not yet past due. DPD ≤ 0 is the `current` bucket.
//!
//! Buckets ([`AgingBuckets`]) default to `current`, `1-30`, `31-60`, `61-90`,
//! `91-180`, `181-360`, `361+` and are configurable. [`AgingReport`] sums
//! counts and amounts per bucket either row by row ([`AgingReport::add`]) or
//! from totals a database already grouped ([`AgingReport::add_totals`]).

use jiff::civil::Date;

use crate::calendar::{BusinessDays, days_between};
use crate::money::Money;
use crate::receivable::Receivable;

/// Days past due on `as_of` of a receivable due on `due_date`, counted from
/// the next business day on or after `due_date`. Zero or negative = not yet
/// past due.
pub fn days_past_due(due_date: Date, as_of: Date, calendar: &impl BusinessDays) -> i64 {
    let adjusted = calendar.next_business_day(due_date).max(due_date);
    days_between(adjusted, as_of)
}

/// A validated bucket configuration.
///
/// Invariant: `uppers` is strictly increasing and starts at ≥ 1, so the
/// buckets `current` (DPD ≤ 0), `1-u0`, `(u0+1)-u1`, …, `(last+1)+` are
/// contiguous, do not overlap and cover every DPD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingBuckets {
    uppers: Vec<u32>,
    labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgingError {
    #[error("bucket {0:?} is not a range like 1-30 or an open end like 361+")]
    Syntax(String),
    #[error("the first past-due bucket must start at 1 day, not {0}")]
    FirstStart(u32),
    #[error(
        "bucket {label:?} should start at {expected} days (buckets must be contiguous and not overlap)"
    )]
    NotContiguous { label: String, expected: u32 },
    #[error("bucket {0:?} ends before it starts")]
    Empty(String),
    #[error("bucket limits must increase from left to right: {0:?}")]
    NotIncreasing(String),
    #[error("an empty bucket between commas")]
    EmptyItem,
    #[error("use bounds alone (30,60,90) or ranges alone (1-30,31-60,61+), not both")]
    Mixed,
    #[error("a bucket limit must be at least 1 day (0 days is not yet due)")]
    ZeroBound,
    #[error("only the last bucket may be open-ended (N+), and the last one must be")]
    OpenEnd,
    #[error("amounts too large to sum")]
    Overflow,
    #[error("bucket index {0} does not exist")]
    NoSuchBucket(usize),
    #[error("cannot merge reports with different buckets")]
    DifferentBuckets,
    #[error("\"current\" (not yet due) may come only once, first")]
    CurrentNotFirst,
    #[error("at most {MAX_BUCKETS} buckets, current and the open end included ({0} given)")]
    TooMany(usize),
}

/// The most buckets an aging has (`current`, ten ranges, the open end):
/// more do not read on a page, a chart or a spreadsheet row.
pub const MAX_BUCKETS: usize = 12;

impl Default for AgingBuckets {
    fn default() -> Self {
        Self::from_upper_bounds(&[30, 60, 90, 180, 360]).unwrap_or_else(|_| Self {
            uppers: Vec::new(),
            labels: vec!["current".into(), "1+".into()],
        })
    }
}

impl AgingBuckets {
    /// Buckets from the last day of each closed range: `[30, 60]` gives
    /// `current`, `1-30`, `31-60`, `61+`. An empty slice gives `current`, `1+`.
    pub fn from_upper_bounds(uppers: &[u32]) -> Result<Self, AgingError> {
        if uppers.len() + 2 > MAX_BUCKETS {
            return Err(AgingError::TooMany(uppers.len() + 2));
        }
        let mut start = 1u32;
        let mut labels = vec!["current".to_owned()];
        for &u in uppers {
            if u == 0 {
                return Err(AgingError::ZeroBound);
            }
            if u < start {
                return Err(AgingError::Empty(format!("{start}-{u}")));
            }
            labels.push(format!("{start}-{u}"));
            start = u.checked_add(1).ok_or(AgingError::OpenEnd)?;
        }
        labels.push(format!("{start}+"));
        Ok(Self {
            uppers: uppers.to_vec(),
            labels,
        })
    }

    /// Parses a comma-separated list such as
    /// `current,1-30,31-60,61-90,91+` (`current` optional, spaces ignored),
    /// or the upper bounds alone, `30,60,90` (the same buckets).
    pub fn parse(spec: &str) -> Result<Self, AgingError> {
        let bounds: Option<Vec<u32>> = spec
            .split(',')
            .map(|p| p.trim().parse::<u32>().ok())
            .collect();
        if let Some(bounds) = bounds {
            if bounds.is_sorted_by(|a, b| a < b) {
                return Self::from_upper_bounds(&bounds);
            }
            return Err(AgingError::NotIncreasing(spec.trim().to_owned()));
        }
        // Not bounds alone: first name a piece that is no bucket at all,
        // then a mixture of bounds and ranges.
        let number = |s: &str| s.trim().parse::<u32>().is_ok();
        let items: Vec<&str> = spec.split(',').map(str::trim).collect();
        if items.iter().any(|i| i.is_empty()) {
            return Err(AgingError::EmptyItem);
        }
        let bucket = |i: &str| {
            i.eq_ignore_ascii_case("current")
                || i.strip_suffix('+').is_some_and(number)
                || i.split_once('-')
                    .is_some_and(|(a, b)| number(a) && number(b))
        };
        if let Some(bad) = items.iter().find(|i| !number(i) && !bucket(i)) {
            return Err(AgingError::Syntax((*bad).to_owned()));
        }
        if items.iter().any(|i| number(i)) {
            return Err(AgingError::Mixed);
        }
        let mut uppers = Vec::new();
        let mut expected = 1u32;
        let mut open_seen = false;
        for (i, raw) in spec.split(',').enumerate() {
            let item = raw.trim();
            if item.eq_ignore_ascii_case("current") {
                if i == 0 {
                    continue;
                }
                return Err(AgingError::CurrentNotFirst);
            }
            if open_seen {
                return Err(AgingError::OpenEnd);
            }
            let num = |s: &str| {
                s.trim()
                    .parse::<u32>()
                    .map_err(|_| AgingError::Syntax(item.to_owned()))
            };
            let start = if let Some(s) = item.strip_suffix('+') {
                open_seen = true;
                num(s)?
            } else if let Some((a, b)) = item.split_once('-') {
                let (a, b) = (num(a)?, num(b)?);
                if b < a {
                    return Err(AgingError::Empty(item.to_owned()));
                }
                if a == expected {
                    uppers.push(b);
                    expected = b.checked_add(1).ok_or(AgingError::OpenEnd)?;
                    continue;
                }
                a
            } else {
                return Err(AgingError::Syntax(item.to_owned()));
            };
            if start != expected {
                if uppers.is_empty() && !open_seen {
                    return Err(AgingError::FirstStart(start));
                }
                return Err(AgingError::NotContiguous {
                    label: item.to_owned(),
                    expected,
                });
            }
        }
        if !open_seen {
            return Err(AgingError::OpenEnd);
        }
        Self::from_upper_bounds(&uppers)
    }

    /// Number of buckets, `current` included.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Never true (there are always `current` and an open-ended bucket).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// `current`, `1-30`, …, `361+`.
    pub fn label(&self, index: usize) -> Option<&str> {
        self.labels.get(index).map(String::as_str)
    }

    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.labels.iter().map(String::as_str)
    }

    /// DPD range of a bucket, inclusive: `current` is `(None, Some(0))`,
    /// `1-30` is `(Some(1), Some(30))`, `361+` is `(Some(361), None)`.
    /// Handy for building a SQL `CASE`.
    pub fn bounds(&self, index: usize) -> Option<(Option<u32>, Option<u32>)> {
        if index == 0 {
            return Some((None, Some(0)));
        }
        let start = if index == 1 {
            1
        } else {
            self.uppers.get(index - 2)? + 1
        };
        if index - 1 < self.uppers.len() {
            Some((Some(start), Some(self.uppers[index - 1])))
        } else if index - 1 == self.uppers.len() {
            Some((Some(start), None))
        } else {
            None
        }
    }

    /// The bucket index of a DPD (0 = `current` for DPD ≤ 0).
    pub fn classify(&self, dpd: i64) -> usize {
        if dpd <= 0 {
            return 0;
        }
        // First closed range whose upper bound is ≥ dpd, else the open end.
        1 + self.uppers.partition_point(|&u| i64::from(u) < dpd)
    }
}

/// Counts and sums of one bucket (or of all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct AgingTotals {
    pub count: u64,
    /// Sum of the receivables' original amounts.
    pub original_amount: Money,
    /// Sum of what is still open (principal, no charges).
    pub open_balance: Money,
    /// Sum of the updated amounts (debt update on `as_of`).
    pub updated_amount: Money,
}

impl AgingTotals {
    fn checked_add(&self, o: &AgingTotals) -> Option<AgingTotals> {
        Some(AgingTotals {
            count: self.count.checked_add(o.count)?,
            original_amount: self.original_amount.checked_add(o.original_amount)?,
            open_balance: self.open_balance.checked_add(o.open_balance)?,
            updated_amount: self.updated_amount.checked_add(o.updated_amount)?,
        })
    }
}

/// An aging report being accumulated, then serialised as
/// `{"as_of": "2026-03-15", "buckets": [{"bucket": "1-30", "count": N,
/// "original_amount": "…", "open_balance": "…", "updated_amount": "…"}, …],
/// "total": {"count": N, "original_amount": "…", …}}`.
///
/// Invariant: `total` is the sum of the buckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingReport {
    as_of: Date,
    buckets: AgingBuckets,
    rows: Vec<AgingTotals>,
    total: AgingTotals,
    /// Receivables whose updated amount could not be computed (say, no
    /// index table for the period): counted at their open balance.
    not_updated: u64,
}

impl AgingReport {
    pub fn new(as_of: Date, buckets: AgingBuckets) -> Self {
        let rows = vec![AgingTotals::default(); buckets.len()];
        Self {
            as_of,
            buckets,
            rows,
            total: AgingTotals::default(),
            not_updated: 0,
        }
    }

    /// Notes `n` receivables whose updated amount is their open balance
    /// because the debt update could not be computed.
    pub fn note_not_updated(&mut self, n: u64) {
        self.not_updated = self.not_updated.saturating_add(n);
    }

    pub fn not_updated(&self) -> u64 {
        self.not_updated
    }

    pub fn as_of(&self) -> Date {
        self.as_of
    }

    pub fn buckets(&self) -> &AgingBuckets {
        &self.buckets
    }

    /// Adds one receivable, classifying it by its DPD on `as_of`. On overflow
    /// the report is unchanged.
    pub fn add(
        &mut self,
        due_date: Date,
        original: Money,
        open: Money,
        updated: Money,
        calendar: &impl BusinessDays,
    ) -> Result<usize, AgingError> {
        let idx = self
            .buckets
            .classify(days_past_due(due_date, self.as_of, calendar));
        self.add_totals(
            idx,
            AgingTotals {
                count: 1,
                original_amount: original,
                open_balance: open,
                updated_amount: updated,
            },
        )?;
        Ok(idx)
    }

    /// Adds a receivable if it is still collectable (`open` or
    /// `partially_paid`); returns its bucket, or `None` if it was skipped.
    /// `updated` is its debt update total on `as_of` (or its open balance
    /// when the caller does not compute charges).
    pub fn add_receivable(
        &mut self,
        receivable: &Receivable,
        updated: Money,
        calendar: &impl BusinessDays,
    ) -> Result<Option<usize>, AgingError> {
        if !receivable.status().is_collectable() {
            return Ok(None);
        }
        self.add(
            receivable.due_date(),
            receivable.original_amount(),
            receivable.open_balance(),
            updated,
            calendar,
        )
        .map(Some)
    }

    /// Adds pre-grouped totals to bucket `index` (for a database `GROUP BY`).
    pub fn add_totals(&mut self, index: usize, t: AgingTotals) -> Result<(), AgingError> {
        let row = self
            .rows
            .get(index)
            .ok_or(AgingError::NoSuchBucket(index))?;
        let new_row = row.checked_add(&t).ok_or(AgingError::Overflow)?;
        let new_total = self.total.checked_add(&t).ok_or(AgingError::Overflow)?;
        self.rows[index] = new_row;
        self.total = new_total;
        Ok(())
    }

    /// Adds another report with the same buckets (parallel accumulation).
    pub fn merge(&mut self, other: &AgingReport) -> Result<(), AgingError> {
        if other.buckets != self.buckets {
            return Err(AgingError::DifferentBuckets);
        }
        let mut copy = self.clone();
        for (i, t) in other.rows.iter().enumerate() {
            copy.add_totals(i, *t)?;
        }
        copy.note_not_updated(other.not_updated);
        *self = copy;
        Ok(())
    }

    /// `(label, totals)` per bucket, in order.
    pub fn rows(&self) -> impl Iterator<Item = (&str, &AgingTotals)> {
        self.buckets.labels().zip(self.rows.iter())
    }

    pub fn total(&self) -> &AgingTotals {
        &self.total
    }
}

impl serde::Serialize for AgingReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            bucket: &'a str,
            #[serde(flatten)]
            totals: &'a AgingTotals,
        }
        #[derive(serde::Serialize)]
        struct View<'a> {
            as_of: Date,
            buckets: Vec<Row<'a>>,
            total: &'a AgingTotals,
            /// Receivables counted at their open balance in `updated_amount`.
            not_updated: u64,
        }
        View {
            as_of: self.as_of,
            buckets: self
                .rows()
                .map(|(bucket, totals)| Row { bucket, totals })
                .collect(),
            total: &self.total,
            not_updated: self.not_updated,
        }
        .serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WeekendsOnly;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn default_buckets() {
        let b = AgingBuckets::default();
        let labels: Vec<_> = b.labels().collect();
        assert_eq!(
            labels,
            [
                "current", "1-30", "31-60", "61-90", "91-180", "181-360", "361+"
            ]
        );
        for (dpd, label) in [
            (-5, "current"),
            (0, "current"),
            (1, "1-30"),
            (30, "1-30"),
            (31, "31-60"),
            (90, "61-90"),
            (91, "91-180"),
            (360, "181-360"),
            (361, "361+"),
            (100_000, "361+"),
        ] {
            assert_eq!(b.label(b.classify(dpd)), Some(label), "{dpd}");
        }
        assert_eq!(b.bounds(0), Some((None, Some(0))));
        assert_eq!(b.bounds(1), Some((Some(1), Some(30))));
        assert_eq!(b.bounds(2), Some((Some(31), Some(60))));
        assert_eq!(b.bounds(6), Some((Some(361), None)));
        assert_eq!(b.bounds(7), None);
    }

    #[test]
    fn parse_config() {
        assert_eq!(
            AgingBuckets::parse("current, 1-30, 31-60, 61-90, 91-180, 181-360, 361+"),
            Ok(AgingBuckets::default())
        );
        assert_eq!(
            AgingBuckets::parse("1-15,16+")
                .unwrap()
                .labels()
                .collect::<Vec<_>>(),
            ["current", "1-15", "16+"]
        );
        assert_eq!(AgingBuckets::parse("1+").unwrap().len(), 2);
        assert_eq!(
            AgingBuckets::parse("30, 60,90,180,360"),
            Ok(AgingBuckets::default()),
            "upper bounds alone"
        );
        assert_eq!(
            AgingBuckets::parse("60,30"),
            Err(AgingError::NotIncreasing("60,30".into()))
        );
        assert_eq!(
            AgingBuckets::parse("30,30"),
            Err(AgingError::NotIncreasing("30,30".into()))
        );
        assert_eq!(AgingBuckets::parse("0"), Err(AgingError::ZeroBound));
        assert_eq!(AgingBuckets::parse("30,,60"), Err(AgingError::EmptyItem));
        assert_eq!(AgingBuckets::parse("30,1-60,61+"), Err(AgingError::Mixed));
        assert_eq!(
            AgingBuckets::parse("30,dias"),
            Err(AgingError::Syntax("dias".into()))
        );
        assert_eq!(AgingBuckets::parse("0,30"), Err(AgingError::ZeroBound));
        assert_eq!(
            AgingBuckets::parse("2-30,31+"),
            Err(AgingError::FirstStart(2))
        );
        assert_eq!(
            AgingBuckets::parse("1-30,40-60,61+"),
            Err(AgingError::NotContiguous {
                label: "40-60".into(),
                expected: 31
            })
        );
        assert_eq!(
            AgingBuckets::parse("1-30,25-60,61+"),
            Err(AgingError::NotContiguous {
                label: "25-60".into(),
                expected: 31
            })
        );
        assert_eq!(AgingBuckets::parse("1-30,31-60"), Err(AgingError::OpenEnd));
        assert_eq!(
            AgingBuckets::parse("1-30,31+,61+"),
            Err(AgingError::OpenEnd)
        );
        assert_eq!(
            AgingBuckets::parse("1-30,60-31,61+"),
            Err(AgingError::Empty("60-31".into()))
        );
        assert!(matches!(
            AgingBuckets::parse("1-x,31+"),
            Err(AgingError::Syntax(_))
        ));
        assert_eq!(
            AgingBuckets::from_upper_bounds(&[30, 30]),
            Err(AgingError::Empty("31-30".into()))
        );
        // `current` once, first; twelve buckets at most.
        for spec in ["current,current,1+", "1-30,current,31+"] {
            assert_eq!(
                AgingBuckets::parse(spec),
                Err(AgingError::CurrentNotFirst),
                "{spec}"
            );
        }
        assert_eq!(
            AgingBuckets::parse("1,2,3,4,5,6,7,8,9,10").unwrap().len(),
            MAX_BUCKETS
        );
        assert_eq!(
            AgingBuckets::parse("1,2,3,4,5,6,7,8,9,10,11"),
            Err(AgingError::TooMany(13))
        );
    }

    #[test]
    fn dpd_from_adjusted_due_date() {
        // Due Saturday 2026-01-10, adjusted to Monday 12th.
        assert_eq!(
            days_past_due(date(2026, 1, 10), date(2026, 1, 12), &WeekendsOnly),
            0
        );
        assert_eq!(
            days_past_due(date(2026, 1, 10), date(2026, 1, 13), &WeekendsOnly),
            1
        );
    }

    #[test]
    fn report_shape() {
        let mut r = AgingReport::new(date(2026, 3, 15), AgingBuckets::default());
        let m = Money::from_centavos;
        r.add(date(2026, 3, 20), m(100), m(100), m(100), &WeekendsOnly)
            .unwrap();
        r.add(date(2026, 3, 2), m(200), m(150), m(160), &WeekendsOnly)
            .unwrap();
        r.add(date(2026, 3, 3), m(300), m(300), m(310), &WeekendsOnly)
            .unwrap();
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["as_of"], "2026-03-15");
        assert_eq!(j["buckets"][0]["bucket"], "current");
        assert_eq!(j["buckets"][1]["bucket"], "1-30");
        assert_eq!(j["buckets"][1]["count"], 2);
        assert_eq!(j["buckets"][1]["open_balance"], "4.50");
        assert_eq!(j["buckets"][1]["original_amount"], "5.00");
        assert_eq!(j["buckets"][1]["updated_amount"], "4.70");
        assert_eq!(j["total"]["count"], 3);
        assert_eq!(j["total"]["open_balance"], "5.50");
        assert_eq!(j["buckets"].as_array().unwrap().len(), 7);
        assert_eq!(
            r.add_totals(9, AgingTotals::default()),
            Err(AgingError::NoSuchBucket(9))
        );
        let before = r.clone();
        assert_eq!(
            r.add(date(2026, 3, 3), m(i64::MAX), m(0), m(0), &WeekendsOnly),
            Err(AgingError::Overflow)
        );
        assert_eq!(r, before);
        let mut twice = before.clone();
        twice.merge(&before).unwrap();
        assert_eq!(twice.total().count, 6);
        let other = AgingReport::new(date(2026, 3, 15), AgingBuckets::parse("1+").unwrap());
        assert_eq!(twice.merge(&other), Err(AgingError::DifferentBuckets));
    }

    #[test]
    fn skips_settled_receivables() {
        use crate::receivable::{DocumentNumber, Installment, NewReceivable};
        let mut r = Receivable::new(NewReceivable {
            document_number: DocumentNumber::parse("1").unwrap(),
            installment: Installment::SINGLE,
            issue_date: None,
            due_date: date(2026, 1, 12),
            original_amount: Money::from_centavos(500),
            open_balance: None,
        })
        .unwrap();
        let mut report = AgingReport::new(date(2026, 3, 15), AgingBuckets::default());
        assert_eq!(
            report.add_receivable(&r, Money::from_centavos(520), &WeekendsOnly),
            Ok(Some(3))
        );
        r.cancel().unwrap();
        assert_eq!(
            report.add_receivable(&r, Money::from_centavos(520), &WeekendsOnly),
            Ok(None)
        );
        assert_eq!(report.total().count, 1);
    }

    proptest! {
        #[test]
        fn buckets_cover_and_are_ordered(mut uppers in proptest::collection::vec(1u32..5000, 0..8), dpd in -100i64..10_000) {
            uppers.sort_unstable();
            uppers.dedup();
            let b = AgingBuckets::from_upper_bounds(&uppers).unwrap();
            let i = b.classify(dpd);
            let (lo, hi) = b.bounds(i).unwrap();
            prop_assert!(lo.is_none_or(|lo| dpd >= i64::from(lo)));
            prop_assert!(hi.is_none_or(|hi| dpd <= i64::from(hi)));
            prop_assert!(i == 0 || dpd > 0);
            let spec: Vec<String> = b.labels().map(str::to_owned).collect();
            prop_assert_eq!(AgingBuckets::parse(&spec.join(",")), Ok(b.clone()));
        }

        #[test]
        fn total_is_sum_of_buckets(items in proptest::collection::vec((0i64..2000, 1i64..1_000_000), 0..50)) {
            let as_of = date(2026, 6, 1);
            let mut r = AgingReport::new(as_of, AgingBuckets::default());
            for (back, c) in &items {
                let due = crate::calendar::add_days(as_of, -back + 30);
                let m = Money::from_centavos(*c);
                r.add(due, m, m, m, &WeekendsOnly).unwrap();
            }
            let count: u64 = r.rows().map(|(_, t)| t.count).sum();
            prop_assert_eq!(count, items.len() as u64);
            let open = Money::checked_sum(r.rows().map(|(_, t)| t.open_balance)).unwrap();
            prop_assert_eq!(open, r.total().open_balance);
        }
    }
}
