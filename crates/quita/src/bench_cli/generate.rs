//! `quita bench generate`: writes a deterministic synthetic portfolio in the
//! import layout (see `quita_app::synthetic` for what is in it).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use jiff::civil::Date;
use quita_app::synthetic::{self, SyntheticPortfolio};

/// Write a deterministic synthetic portfolio (CSV, `;`, UTF-8) for import
/// benchmarks: ~3 receivables per debtor, valid CPFs/CNPJs and phones, every
/// aging bucket represented relative to --as-of.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Number of receivables (rows), 1 to 100,000,000.
    #[arg(long, value_name = "N")]
    pub receivables: u64,
    /// Seed: the same seed, count and --as-of give the same bytes.
    #[arg(long, value_name = "S", default_value_t = synthetic::DEFAULT_SEED)]
    pub seed: u64,
    /// Reference date of the aging buckets (aaaa-mm-dd or dd/mm/aaaa). Fixed
    /// by default, not today, so the default file never changes.
    #[arg(long, value_name = "DATE", default_value = "2026-11-23")]
    pub as_of: String,
    /// Output file (overwritten).
    #[arg(long, value_name = "FILE.csv")]
    pub out: PathBuf,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(serde::Serialize)]
struct Report<'a> {
    rows: u64,
    debtors: u64,
    out: &'a str,
    elapsed_ms: u64,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        (1..=synthetic::MAX_RECEIVABLES).contains(&args.receivables),
        "--receivables: must be between 1 and {}, not {}",
        synthetic::MAX_RECEIVABLES,
        args.receivables
    );
    let as_of = parse_as_of(&args.as_of)?;
    let spec = SyntheticPortfolio {
        receivables: args.receivables,
        seed: args.seed,
        as_of,
    };
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("--out: cannot create {}", args.out.display()))?;
    let started = Instant::now();
    let summary = synthetic::write_portfolio(&spec, file)
        .with_context(|| format!("writing {}", args.out.display()))?;
    let elapsed = started.elapsed();
    let out = args.out.display().to_string();
    let report = Report {
        rows: summary.rows,
        debtors: summary.debtors,
        out: &out,
        elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
    };
    crate::output::print(args.json, &report, || {
        let secs = elapsed.as_secs_f64().max(1e-9);
        format!(
            "wrote {} receivables of {} debtors to {out} in {} ms ({:.0} rows/s)",
            summary.rows,
            summary.debtors,
            report.elapsed_ms,
            summary.rows as f64 / secs
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

fn parse_as_of(raw: &str) -> anyhow::Result<Date> {
    let d = quita_core::import_row::parse_date(raw).map_err(|_| {
        anyhow::anyhow!("--as-of: {raw:?} is not a date (use aaaa-mm-dd or dd/mm/aaaa)")
    })?;
    anyhow::ensure!(
        (1950..=2150).contains(&d.year()),
        "--as-of: {raw:?} is outside the years 1950 to 2150"
    );
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_forms_and_errors() {
        assert_eq!(
            parse_as_of("2026-11-23").unwrap(),
            jiff::civil::date(2026, 11, 23)
        );
        assert_eq!(
            parse_as_of("01/02/2026").unwrap(),
            jiff::civil::date(2026, 2, 1)
        );
        let e = parse_as_of("31/02/2026").unwrap_err().to_string();
        assert!(e.starts_with("--as-of:"), "{e}");
        assert!(parse_as_of("2300-01-01").is_err());
    }
}
