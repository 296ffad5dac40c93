//! The holiday-table parser must never panic, and a calendar built from any
//! accepted table must answer without panicking.
#![no_main]

use jiff::civil::date;
use libfuzzer_sys::fuzz_target;
use quita_br::calendar::{BusinessCalendar, HolidayTable};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(table) = HolidayTable::parse(text) {
        let cal = BusinessCalendar::national().with_extra(&table);
        let d = date(2025, 1, 1);
        let e = cal.add_business_days(d, 300);
        assert_eq!(cal.business_days_between(d, e), 300);
        let _ = cal.holidays(d, date(2026, 12, 31));
    }
});
