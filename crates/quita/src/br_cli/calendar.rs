//! `quita br calendar …`: the bank business-day calendar on the command line.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use jiff::civil::Date;
use quita_br::calendar::{BusinessCalendar, HolidayTable, regional};
use serde_json::json;

use super::output::{Failure, fail, ok};

#[derive(Debug, clap::Subcommand)]
pub enum CalendarCommand {
    /// List the weekdays in a range that are not business days, with the
    /// holiday's name.
    Holidays {
        /// First date (YYYY-MM-DD), inclusive.
        #[arg(long)]
        from: String,
        /// Last date (YYYY-MM-DD), inclusive.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        layers: Layers,
        /// Print JSON: [{"date", "name"}, …].
        #[arg(long)]
        json: bool,
    },
    /// Move N business days from a date (N may be negative). A date that is
    /// not a business day is first moved to the next business day, then N
    /// business days are counted (so N = 0 gives the next business day).
    AddBusinessDays {
        /// Start date (YYYY-MM-DD).
        date: String,
        /// Number of business days; negative goes back. A start that is not
        /// a business day first moves to the next one (as the `bdays`
        /// crate): Saturday −1 is the Friday before.
        #[arg(allow_hyphen_values = true)]
        n: String,
        #[command(flatten)]
        layers: Layers,
        /// Print JSON: {"date"}.
        #[arg(long)]
        json: bool,
    },
    /// Say whether a date is a business day and name its holiday, if any.
    IsBusinessDay {
        /// The date (YYYY-MM-DD).
        date: String,
        #[command(flatten)]
        layers: Layers,
        /// Print JSON: {"date", "business_day", "holiday"}.
        #[arg(long)]
        json: bool,
    },
    /// The date itself if it is a business day, otherwise the next one (where
    /// a boleto due on a holiday is payable without charges).
    NextBusinessDay {
        /// The date (YYYY-MM-DD).
        date: String,
        #[command(flatten)]
        layers: Layers,
        /// Print JSON: {"date"}.
        #[arg(long)]
        json: bool,
    },
    /// Count the business days in [FROM, TO): FROM counted, TO not; negative
    /// when TO is before FROM.
    Between {
        /// First date (YYYY-MM-DD).
        from: String,
        /// Second date (YYYY-MM-DD).
        to: String,
        #[command(flatten)]
        layers: Layers,
        /// Print JSON: {"from", "to", "business_days"}.
        #[arg(long)]
        json: bool,
    },
}

/// State, municipal and custom holidays on top of the national bank calendar.
#[derive(Debug, clap::Args)]
pub struct Layers {
    /// Add the built-in holidays of a state (SP, RJ, BA, RS).
    #[arg(long)]
    uf: Option<String>,
    /// Add the built-in holidays of a capital (sao-paulo, rio-de-janeiro,
    /// belo-horizonte, salvador).
    #[arg(long)]
    city: Option<String>,
    /// Add holidays from a file: one `MM-DD;name[;years]`,
    /// `YYYY-MM-DD;name` or `easter±N;name[;years]` per line.
    #[arg(long, value_name = "FILE")]
    holidays: Option<PathBuf>,
}

impl Layers {
    fn calendar(&self) -> Result<BusinessCalendar, Failure> {
        let mut cal = BusinessCalendar::national();
        if let Some(uf) = &self.uf {
            let table = regional::state_holidays(uf).ok_or_else(|| {
                let known: Vec<_> = regional::known_states().collect();
                Failure::new(format!(
                    "no holiday table for UF {uf:?} (known: {})",
                    known.join(", ")
                ))
            })?;
            cal = cal.with_extra(&table);
        }
        if let Some(city) = &self.city {
            let table = regional::city_holidays(city).ok_or_else(|| {
                let known: Vec<_> = regional::known_cities().collect();
                Failure::new(format!(
                    "no holiday table for city {city:?} (known: {})",
                    known.join(", ")
                ))
            })?;
            cal = cal.with_extra(&table);
        }
        if let Some(path) = &self.holidays {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))
                .map_err(|e| Failure::new(format!("{e:#}")))?;
            let table = HolidayTable::parse(&text)
                .map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
            cal = cal.with_extra(&table);
        }
        Ok(cal)
    }
}

pub fn run(cmd: CalendarCommand) -> anyhow::Result<ExitCode> {
    let (json, result) = match cmd {
        CalendarCommand::Holidays {
            from,
            to,
            layers,
            json,
        } => (json, holidays(&from, &to, &layers)),
        CalendarCommand::AddBusinessDays {
            date,
            n,
            layers,
            json,
        } => (json, add(&date, &n, &layers)),
        CalendarCommand::IsBusinessDay { date, layers, json } => {
            (json, is_business_day(&date, &layers))
        }
        CalendarCommand::NextBusinessDay { date, layers, json } => (json, next(&date, &layers)),
        CalendarCommand::Between {
            from,
            to,
            layers,
            json,
        } => (json, between(&from, &to, &layers)),
    };
    match result {
        Ok((value, human)) => ok(json, &value, &human),
        Err(f) => fail(json, &f),
    }
}

type Outcome = Result<(serde_json::Value, String), Failure>;

/// A civil date in ISO form; the error names what was given.
pub(super) fn parse_date(what: &str, text: &str) -> Result<Date, Failure> {
    text.trim()
        .parse::<Date>()
        .map_err(|e| Failure::new(format!("{what}: {text:?} is not a date (YYYY-MM-DD): {e}")))
}

fn holidays(from: &str, to: &str, layers: &Layers) -> Outcome {
    let (from, to) = (parse_date("--from", from)?, parse_date("--to", to)?);
    if to < from {
        return Err(Failure::new(format!("--to {to} is before --from {from}")));
    }
    let list = layers.calendar()?.weekday_holidays(from, to);
    let value = json!(
        list.iter()
            .map(|h| json!({"date": h.date.to_string(), "name": h.name}))
            .collect::<Vec<_>>()
    );
    let human = list
        .iter()
        .map(|h| format!("{}  {}", h.date, h.name))
        .collect::<Vec<_>>()
        .join("\n");
    Ok((value, human))
}

fn add(date: &str, n: &str, layers: &Layers) -> Outcome {
    let date = parse_date("date", date)?;
    let n: i32 = n.trim().parse().map_err(|_| {
        Failure::new(format!(
            "N: {n:?} is not a whole number of business days (-2147483648 to 2147483647)"
        ))
    })?;
    let result = layers.calendar()?.add_business_days(date, n);
    Ok((json!({"date": result.to_string()}), result.to_string()))
}

fn next(date: &str, layers: &Layers) -> Outcome {
    let date = parse_date("date", date)?;
    let result = layers.calendar()?.next_business_day(date);
    Ok((json!({"date": result.to_string()}), result.to_string()))
}

fn is_business_day(date: &str, layers: &Layers) -> Outcome {
    let date = parse_date("date", date)?;
    let cal = layers.calendar()?;
    let business = cal.is_business_day(date);
    let holiday = cal.holiday_name(date);
    let human = match (business, holiday) {
        (true, _) => format!("{date} is a business day"),
        (false, Some(name)) => format!("{date} is not a business day: {name}"),
        (false, None) => format!("{date} is not a business day: {}", date.weekday_name_pt()),
    };
    let value = json!({"date": date.to_string(), "business_day": business, "holiday": holiday});
    Ok((value, human))
}

fn between(from: &str, to: &str, layers: &Layers) -> Outcome {
    let (from, to) = (parse_date("from", from)?, parse_date("to", to)?);
    let n = layers.calendar()?.business_days_between(from, to);
    let value = json!({"from": from.to_string(), "to": to.to_string(), "business_days": n});
    Ok((value, n.to_string()))
}

trait WeekdayName {
    fn weekday_name_pt(&self) -> &'static str;
}

impl WeekdayName for Date {
    fn weekday_name_pt(&self) -> &'static str {
        use jiff::civil::Weekday::*;
        match self.weekday() {
            Saturday => "sábado",
            Sunday => "domingo",
            _ => "dia útil",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn national() -> Layers {
        Layers {
            uf: None,
            city: None,
            holidays: None,
        }
    }

    #[test]
    fn json_contracts() {
        let (v, _) = holidays("2025-03-01", "2025-03-09", &national()).unwrap();
        assert_eq!(
            v,
            json!([{"date": "2025-03-03", "name": "Carnaval"}, {"date": "2025-03-04", "name": "Carnaval"}])
        );
        let (v, _) = add("2025-02-28", "1", &national()).unwrap();
        assert_eq!(v, json!({"date": "2025-03-05"}));
        // As bdays' advance_bdays: a non-business start moves forward first,
        // even for a negative N.
        let (v, _) = add("2025-11-22", "-1", &national()).unwrap();
        assert_eq!(v, json!({"date": "2025-11-21"}));
        let (v, _) = add("2025-04-18", "-1", &national()).unwrap();
        assert_eq!(v, json!({"date": "2025-04-17"}));
        let (v, _) = add("2025-03-01", "0", &national()).unwrap();
        assert_eq!(v, json!({"date": "2025-03-05"}));
        assert!(add("2025-03-01", "x", &national()).is_err());
        assert!(add("2025-03-01", "99999999999", &national()).is_err());
        let (v, _) = is_business_day("2025-04-21", &national()).unwrap();
        assert_eq!(
            v,
            json!({"date": "2025-04-21", "business_day": false, "holiday": "Tiradentes"})
        );
        let (v, _) = is_business_day("2025-04-22", &national()).unwrap();
        assert_eq!(
            v,
            json!({"date": "2025-04-22", "business_day": true, "holiday": null})
        );
        let sp = Layers {
            uf: Some("sp".into()),
            city: None,
            holidays: None,
        };
        let (v, _) = holidays("2025-07-09", "2025-07-09", &sp).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(1));
        assert!(holidays("2025-13-01", "2025-12-31", &national()).is_err());
        assert!(holidays("2025-12-31", "2025-01-01", &national()).is_err());
    }
}
