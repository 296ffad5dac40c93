use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::*;

fn cal() -> BusinessCalendar {
    BusinessCalendar::national()
}

#[test]
fn febraban_2025_has_13_bank_holidays() {
    let hs = cal().holidays(date(2025, 1, 1), date(2025, 12, 31));
    let got: Vec<String> = hs.iter().map(|h| h.date.to_string()).collect();
    assert_eq!(
        got,
        [
            "2025-01-01",
            "2025-03-03",
            "2025-03-04",
            "2025-04-18",
            "2025-04-21",
            "2025-05-01",
            "2025-06-19",
            "2025-09-07",
            "2025-10-12",
            "2025-11-02",
            "2025-11-15",
            "2025-11-20",
            "2025-12-25",
        ]
    );
    assert_eq!(hs[1].name, "Carnaval");
    assert_eq!(hs[3].name, "Sexta-feira da Paixão");
}

#[test]
fn mobile_dates_table_from_the_reference() {
    // br-standards.md §F: year, Carnival Mon, Carnival Tue, Good Friday, Corpus Christi.
    let table = [
        (2024, (2, 12), (2, 13), (3, 29), (5, 30)),
        (2025, (3, 3), (3, 4), (4, 18), (6, 19)),
        (2026, (2, 16), (2, 17), (4, 3), (6, 4)),
        (2027, (2, 8), (2, 9), (3, 26), (5, 27)),
        (2028, (2, 28), (2, 29), (4, 14), (6, 15)),
    ];
    let c = cal();
    for (y, mon, tue, gf, cc) in table {
        for ((m, d), name) in [
            (mon, "Carnaval"),
            (tue, "Carnaval"),
            (gf, "Sexta-feira da Paixão"),
            (cc, "Corpus Christi"),
        ] {
            let day = date(y, m, d);
            assert_eq!(c.holiday_name(day), Some(name), "{day}");
            assert!(!c.is_business_day(day));
        }
        // Ash Wednesday is a business day.
        let ash = date(y, tue.0, tue.1).tomorrow().unwrap();
        assert!(c.is_business_day(ash), "{ash}");
    }
}

#[test]
fn consciencia_negra_only_from_2024() {
    let c = cal();
    assert!(c.is_business_day(date(2023, 11, 20))); // a Monday
    assert_eq!(c.holiday_name(date(2023, 11, 20)), None);
    assert_eq!(
        c.holiday_name(date(2024, 11, 20)),
        Some("Dia Nacional de Zumbi e da Consciência Negra")
    );
    assert!(!c.is_business_day(date(2025, 11, 20)));
    // Due 20 Nov 2025 (Thursday, holiday): payable without charges on the 21st.
    assert_eq!(c.next_business_day(date(2025, 11, 20)), date(2025, 11, 21));
}

#[test]
fn weekends_and_rolling() {
    let c = cal();
    assert!(!c.is_business_day(date(2025, 3, 1))); // Saturday
    // Saturday before Carnival rolls to Ash Wednesday.
    assert_eq!(c.next_business_day(date(2025, 3, 1)), date(2025, 3, 5));
    assert_eq!(c.previous_business_day(date(2025, 3, 4)), date(2025, 2, 28));
    assert_eq!(c.add_business_days(date(2025, 2, 28), 1), date(2025, 3, 5));
    assert_eq!(c.add_business_days(date(2025, 3, 5), -1), date(2025, 2, 28));
    assert_eq!(c.add_business_days(date(2025, 3, 1), 0), date(2025, 3, 5));
    // Convention: a non-business start moves to the next business day first.
    assert_eq!(c.add_business_days(date(2025, 3, 8), 1), date(2025, 3, 11));
    assert_eq!(c.add_business_days(date(2025, 3, 8), -1), date(2025, 3, 7));
    assert_eq!(
        c.business_days_between(date(2025, 2, 28), date(2025, 3, 5)),
        1
    );
    assert_eq!(
        c.business_days_between(date(2025, 3, 5), date(2025, 2, 28)),
        -1
    );
    assert_eq!(
        c.business_days_between(date(2025, 1, 1), date(2026, 1, 1)),
        252
    );
}

#[test]
fn business_days_per_year_against_brute_force() {
    let c = cal();
    for y in [1900, 1950, 2000, 2023, 2024, 2025, 2100, 2199] {
        let (a, b) = (date(y, 1, 1), date(y + 1, 1, 1));
        let mut brute = 0;
        let mut d = a;
        while d < b {
            brute += i64::from(c.is_business_day(d));
            d = d.tomorrow().unwrap();
        }
        assert_eq!(c.business_days_between(a, b), brute, "{y}");
    }
}

#[test]
fn extra_holidays_from_data() {
    let table = HolidayTable::parse(
        "# São Paulo
         07-09 ; Revolução Constitucionalista ; 1997..
         2025-12-24; Véspera de Natal
         easter-46; Quarta-feira de Cinzas; 2030
         01-25; Aniversário de São Paulo  # municipal",
    )
    .unwrap();
    assert_eq!(table.rules().len(), 4);
    let c = cal().with_extra(&table);
    assert_eq!(
        c.holiday_name(date(2025, 7, 9)),
        Some("Revolução Constitucionalista")
    );
    assert_eq!(c.holiday_name(date(1996, 7, 9)), None);
    assert_eq!(c.holiday_name(date(2025, 12, 24)), Some("Véspera de Natal"));
    assert_eq!(c.holiday_name(date(2026, 12, 24)), None);
    assert_eq!(
        c.holiday_name(date(2030, 3, 6)),
        Some("Quarta-feira de Cinzas")
    );
    assert_eq!(c.holiday_name(date(2029, 2, 14)), None);
    // National wins when two fall on one date.
    let dup = HolidayTable::parse("12-25; Outro").unwrap();
    assert_eq!(
        cal().with_extra(&dup).holiday_name(date(2025, 12, 25)),
        Some("Natal")
    );
    assert_eq!(
        cal()
            .with_extra(&dup)
            .holidays(date(2025, 12, 25), date(2025, 12, 25))
            .len(),
        1
    );
}

#[test]
fn holiday_data_errors_have_line_and_column() {
    let e = HolidayTable::parse("01-01; ok\n13-01; bad month").unwrap_err();
    assert_eq!((e.line, e.column), (2, 1));
    let e = HolidayTable::parse("01-01;   ").unwrap_err();
    assert_eq!((e.line, e.column), (1, 7));
    let e = HolidayTable::parse("01-01; x; 2020..2010").unwrap_err();
    assert_eq!((e.line, e.column), (1, 11));
    assert!(HolidayTable::parse("2025-02-29; x").is_err());
    assert!(HolidayTable::parse("02-29; leap day").is_ok());
    assert!(HolidayTable::parse("easter*3; x").is_err());
    assert!(HolidayTable::parse("01-01").is_err());
    assert!(HolidayTable::parse("2025-01-02; x; 2025").is_err());
    assert_eq!(
        HolidayTable::parse("\u{feff}01-25; x\r\n# c\r\n")
            .unwrap()
            .rules()
            .len(),
        1
    );
}

#[test]
fn regional_tables() {
    let sp = regional::state_holidays("SP").unwrap();
    let c = cal().with_extra(&sp);
    assert!(!c.is_business_day(date(2025, 7, 9)));
    assert!(cal().is_business_day(date(2025, 7, 9)));
}

#[test]
fn range_edges_saturate() {
    let c = cal();
    assert_eq!(c.add_business_days(Date::MAX, 1), Date::MAX);
    assert_eq!(c.add_business_days(Date::MIN, -1), Date::MIN);
    assert_eq!(c.add_business_days(date(2025, 1, 1), i32::MAX), Date::MAX);
    assert_eq!(c.add_business_days(date(2025, 1, 1), i32::MIN), Date::MIN);
    assert_eq!(c.next_business_day(Date::MAX), Date::MAX); // 9999-12-31 is a Friday holiday? saturates anyway
    let _ = c.business_days_between(Date::MIN, Date::MAX);
    let _ = c.holidays(Date::MIN, date(-9990, 1, 1));
    let everything = HolidayTable::parse(
        &(1..=12)
            .flat_map(|m| (1..=31).map(move |d| format!("{m:02}-{d:02}; closed\n")))
            .filter(|l| HolidayTable::parse(l).is_ok())
            .collect::<String>(),
    )
    .unwrap();
    let closed = BusinessCalendar::national().with_extra(&everything);
    assert_eq!(closed.next_business_day(date(9990, 1, 1)), Date::MAX);
}

fn any_date() -> impl Strategy<Value = Date> {
    (1900i16..2200, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
}

proptest! {
    #[test]
    fn add_then_between_is_n(d in any_date(), n in -3000i32..3000) {
        let c = cal();
        let e = c.add_business_days(d, n);
        prop_assert!(c.is_business_day(e));
        prop_assert_eq!(c.business_days_between(d, e), i64::from(n));
    }

    #[test]
    fn add_is_stepwise(d in any_date(), n in -40i32..40) {
        let c = cal();
        let mut x = c.next_business_day(d);
        for _ in 0..n.abs() {
            x = if n > 0 {
                c.next_business_day(x.tomorrow().unwrap())
            } else {
                c.previous_business_day(x.yesterday().unwrap())
            };
        }
        prop_assert_eq!(c.add_business_days(d, n), x);
    }

    #[test]
    fn between_matches_brute_force(a in any_date(), len in 0i64..800) {
        let c = cal();
        let b = date_saturating(day_number(a) + len);
        let brute = (0..len).filter(|k| c.is_business_day(date_saturating(day_number(a) + k))).count() as i64;
        prop_assert_eq!(c.business_days_between(a, b), brute);
        prop_assert_eq!(c.business_days_between(b, a), -brute);
    }

    #[test]
    fn holidays_listing_matches_holiday_name(a in any_date(), len in 0i64..400) {
        let c = cal();
        let b = date_saturating(day_number(a) + len);
        let listed = c.holidays(a, b);
        let mut brute = Vec::new();
        for k in 0..=len {
            let d = date_saturating(day_number(a) + k);
            if let Some(name) = c.holiday_name(d) {
                brute.push(Holiday { date: d, name: name.to_owned() });
            }
        }
        prop_assert_eq!(listed, brute);
    }

    #[test]
    fn data_parser_never_panics(s in any::<String>()) {
        let _ = HolidayTable::parse(&s);
    }

    #[test]
    fn data_parser_near_miss(s in "[0-9e+;. -]{0,30}(\n[0-9a-z;-]{0,12}){0,3}") {
        let _ = HolidayTable::parse(&s);
    }
}
