//! Where "now" comes from. Nothing reads the system clock except
//! [`SystemClock`], so tests and `--date` runs can travel in time.

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;

    /// Today's civil date in the given IANA zone (an organization's local day).
    fn today_in(&self, time_zone: &str) -> jiff::civil::Date {
        let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        self.now().to_zoned(tz).date()
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until moved: for tests.
#[derive(Debug)]
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }
    pub fn advance(&self, by: SignedDuration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t = t.saturating_add(by).unwrap_or(*t);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = FixedClock::new("2026-11-23T02:30:00Z".parse().unwrap());
        assert_eq!(c.today_in("America/Sao_Paulo").to_string(), "2026-11-22");
        c.advance(SignedDuration::from_hours(1));
        assert_eq!(c.today_in("America/Sao_Paulo").to_string(), "2026-11-23");
        assert_eq!(c.today_in("Not/AZone").to_string(), "2026-11-23");
    }
}
