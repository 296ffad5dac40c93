//! `quita bench import | aging | search`: the portfolio benchmarks of
//! issue 4 (and the helpers `drill` shares), run against a real database
//! (a scratch SQLite file by default, or the database given with
//! `--database`).
//!
//! Targets: import ≥ 300,000 rows/s into SQLite and ≥ 100,000 rows/s into
//! PostgreSQL with peak memory ≤ 300 MB; the aging report over 1,000,000
//! receivables in ≤ 0.3 s on SQLite; debtor search under 50 ms with
//! 330,000 debtors. Figures go to docs/performance.md.

use std::{
    fs::File,
    io::BufReader,
    path::PathBuf,
    process::ExitCode,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use jiff::civil::Date;
use quita_app::{
    App, FixedClock,
    admin::NewOrgInput,
    portfolio::{
        aging::AgingQuery,
        debtor_aging::DebtorAgingFrom,
        import::{FileKind, ImportOptions},
    },
    synthetic::{self, SyntheticPortfolio},
};
use quita_core::{
    aging::AgingBuckets,
    charge_policy::ChargePolicy,
    org::{OrgMode, OrgName, Slug},
    rate::Percent,
};
use quita_store::{
    DatabaseUrl, Db, DbOptions,
    audit::Actor,
    portfolio::{Keyset, debtors},
};
use serde_json::json;

/// The reference date of generated portfolios and of the aging report.
const AS_OF: &str = "2026-11-23";
/// The creditor every benchmark portfolio is imported into.
const CREDITOR_DOCUMENT: &str = "11222333000181";
const BENCH_SLUG: &str = "bench";

#[derive(Debug, clap::Args)]
pub struct ImportBenchArgs {
    /// Receivables to generate (about a third as many debtors).
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Import this file instead of generating one.
    #[arg(long, value_name = "FILE.csv")]
    file: Option<PathBuf>,
    /// An empty database (sqlite://PATH or postgres://…) [default: a scratch
    /// SQLite file, deleted afterwards unless --keep].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Keep the scratch SQLite database (its path is printed).
    #[arg(long)]
    keep: bool,
    /// Import the same file a second time and time that too.
    #[arg(long)]
    reimport: bool,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct QueryBenchArgs {
    /// The database a `quita bench import --keep` left (sqlite://PATH or postgres://…).
    #[arg(long, value_name = "URL")]
    database: String,
    /// Times to run each query.
    #[arg(long, default_value_t = 20)]
    repeat: u32,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

pub(super) fn as_of() -> Date {
    AS_OF.parse().unwrap_or(jiff::civil::date(2026, 11, 23))
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub(super) async fn connect(url: &DatabaseUrl) -> anyhow::Result<App> {
    let db = Db::connect(url, &DbOptions::default()).await?;
    db.migrate()
        .await
        .with_context(|| format!("migrating {url}"))?;
    Ok(App::new(db, Arc::new(portfolio_day()), Default::default()))
}

/// The benchmark lives on the synthetic portfolio's day (midday in Brazil),
/// so its aging is today's aging, whatever the date of the run.
fn portfolio_day() -> FixedClock {
    let noon = as_of()
        .at(15, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or_else(|_| jiff::Timestamp::now());
    FixedClock::new(noon)
}

pub(super) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

pub fn import(args: ImportBenchArgs) -> anyhow::Result<ExitCode> {
    let scratch = tempdir_path("quita-bench-import");
    let (url, scratch_db) = match &args.database {
        Some(u) => (DatabaseUrl::parse(u).context("--database")?, None),
        None => {
            std::fs::create_dir_all(&scratch)?;
            let path = scratch.join("bench.db");
            (DatabaseUrl::sqlite_file(path.clone()), Some(path))
        }
    };
    let file = match &args.file {
        Some(f) => f.clone(),
        None => {
            std::fs::create_dir_all(&scratch)?;
            let path = scratch.join("portfolio.csv");
            let spec = SyntheticPortfolio {
                receivables: args.rows,
                seed: synthetic::DEFAULT_SEED,
                as_of: as_of(),
            };
            synthetic::write_portfolio(&spec, File::create(&path)?)?;
            path
        }
    };
    let bytes = std::fs::metadata(&file)
        .with_context(|| format!("{}", file.display()))?
        .len();
    let result = runtime()?.block_on(async {
        let app = connect(&url).await?;
        if app.find_org(BENCH_SLUG).await.is_ok() {
            bail!("{url} already holds a benchmark: give an empty database");
        }
        let org = app
            .create_org(
                NewOrgInput {
                    name: OrgName::parse("Benchmark")?,
                    slug: Some(Slug::parse(BENCH_SLUG)?),
                    document: None,
                    mode: OrgMode::Agency,
                },
                Actor::Cli,
            )
            .await?;
        let policy = ChargePolicy {
            late_fine: Percent::whole(2),
            default_interest_monthly: Percent::whole(1),
            ..ChargePolicy::default()
        };
        let creditor = app
            .create_creditor(
                org.id,
                "Credor Benchmark",
                CREDITOR_DOCUMENT,
                &policy,
                Actor::Cli,
            )
            .await?;
        let mut runs = Vec::new();
        for _ in 0..if args.reimport { 2 } else { 1 } {
            let opts = ImportOptions {
                reversals: Default::default(),
                run: None,
                partial: false,
                source: "bench".into(),
            };
            let started = Instant::now();
            let out = app
                .import_receivables(
                    org.id,
                    creditor.id,
                    FileKind::Csv,
                    BufReader::new(File::open(&file)?),
                    &opts,
                    Actor::Cli,
                    &|_| {},
                )
                .await?;
            let secs = started.elapsed().as_secs_f64();
            if !out.summary.applied {
                bail!("the import was refused: {:?}", out.problems.first());
            }
            runs.push(json!({
                "rows": out.summary.rows,
                "receivables_created": out.summary.receivables_created,
                "unchanged": out.summary.unchanged,
                "debtors_created": out.summary.debtors_created,
                "contacts_created": out.summary.contacts_created,
                "seconds": round3(secs),
                "rows_per_second": (out.summary.rows as f64 / secs).round(),
            }));
        }
        app.db.close().await;
        Ok(runs)
    });
    let report = result.map(|runs| {
        json!({
            "benchmark": "import",
            "database": backend_name(&url),
            "file_bytes": bytes,
            "import": runs[0],
            "reimport": runs.get(1),
            "peak_rss_mib": peak_rss_mib().map(|m| m.round()),
            "targets": {"sqlite_rows_per_second": 300_000, "postgres_rows_per_second": 100_000, "peak_rss_mib": 300},
            "kept": if args.keep { scratch_db.as_ref().map(|p| p.display().to_string()) } else { None },
        })
    });
    // The scratch directory holds only what this run made: the generated
    // file and the scratch database, which `--keep` leaves for aging/search.
    if args.keep && scratch_db.is_some() {
        let _ = std::fs::remove_file(scratch.join("portfolio.csv"));
    } else {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    let report = report?;
    finish(args.json, &report)
}

pub(super) fn backend_name(url: &DatabaseUrl) -> &'static str {
    match url {
        DatabaseUrl::Sqlite(_) => "sqlite",
        DatabaseUrl::Postgres(_) => "postgres",
    }
}

pub(super) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn tempdir_path(prefix: &str) -> PathBuf {
    std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()))
}

pub(super) struct Timings(pub(super) Vec<Duration>);

impl Timings {
    fn ms(&self, q: f64) -> f64 {
        let mut v: Vec<f64> = self.0.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        v.sort_by(f64::total_cmp);
        let i = ((v.len() as f64 - 1.0) * q).round() as usize;
        (v.get(i).copied().unwrap_or(0.0) * 100.0).round() / 100.0
    }
    pub(super) fn summary(&self) -> serde_json::Value {
        json!({"runs": self.0.len(), "min_ms": self.ms(0.0), "median_ms": self.ms(0.5),
               "p95_ms": self.ms(0.95), "max_ms": self.ms(1.0)})
    }
}

/// The aging every benchmark reads: all creditors, default buckets, on
/// the portfolio's day.
pub(super) fn todays_aging() -> AgingQuery {
    AgingQuery {
        creditor_id: None,
        debtor_id: None,
        as_of: as_of(),
        buckets: AgingBuckets::default(),
    }
}

/// Prints a benchmark's report (one JSON line with `--json`, else
/// indented) and ends well.
pub(super) fn finish(json: bool, report: &serde_json::Value) -> anyhow::Result<ExitCode> {
    crate::output::print(json, report, || {
        serde_json::to_string_pretty(report).unwrap_or_default()
    })?;
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn bench_org(app: &App) -> anyhow::Result<i64> {
    Ok(app
        .find_org(BENCH_SLUG)
        .await
        .context("no benchmark portfolio here: run `quita bench import --keep` first")?
        .id)
}

pub fn aging(args: QueryBenchArgs) -> anyhow::Result<ExitCode> {
    let url = DatabaseUrl::parse(&args.database).context("--database")?;
    let report = runtime()?.block_on(async {
        let app = connect(&url).await?;
        let org = bench_org(&app).await?;
        let q = todays_aging();
        let mut times = Vec::new();
        let mut count = 0;
        for _ in 0..args.repeat.max(1) {
            let started = Instant::now();
            let r = app.aging(org, &q).await?;
            times.push(started.elapsed());
            count = r.total().count;
        }
        // The aging by debtor: its first page of 100, as the page shows it,
        // and the page after it (a cursor to start from).
        let mut by_debtor = Vec::new();
        let mut debtors = 0;
        for _ in 0..args.repeat.clamp(1, 5) {
            let started = Instant::now();
            let first = app
                .aging_by_debtor(org, &q, DebtorAgingFrom::Start, 100)
                .await?;
            by_debtor.push(started.elapsed());
            debtors = first.debtors;
            if let Some(next) = first.next {
                let started = Instant::now();
                app.aging_by_debtor(org, &q, DebtorAgingFrom::After(next), 100)
                    .await?;
                by_debtor.push(started.elapsed());
            }
        }
        app.db.close().await;
        anyhow::Ok(json!({
            "benchmark": "aging",
            "database": backend_name(&url),
            "receivables": count,
            "report": Timings(times).summary(),
            "target_ms": 300,
            "by_debtor": {"debtors": debtors, "page": Timings(by_debtor).summary()},
        }))
    })?;
    finish(args.json, &report)
}

/// Search terms of the kinds a user types, taken from the head of the same
/// synthetic portfolio `bench import` generated: name prefixes, a surname
/// (asked with the debtor page's limit, 100, as `surname_page`), first name
/// and surname in either order, a surname with a typo (found nowhere: the
/// name search's slowest case, then the document-number search), CPF/CNPJ,
/// e-mail, phone, a phone without its DDD, and document numbers as stored
/// and lower-cased.
fn search_terms(n: usize) -> anyhow::Result<Vec<(&'static str, String)>> {
    let spec = SyntheticPortfolio {
        receivables: (n as u64 * 4).max(100),
        seed: synthetic::DEFAULT_SEED,
        as_of: as_of(),
    };
    let mut csv = Vec::new();
    synthetic::write_portfolio(&spec, &mut csv)?;
    let text = String::from_utf8(csv)?;
    let mut terms = Vec::new();
    for (i, line) in text.lines().skip(1).enumerate().step_by(4) {
        let cells: Vec<&str> = line.split(';').collect();
        let [doc, name, email, phones, _, _, _, _, _, number, ..] = cells.as_slice() else {
            continue;
        };
        let words: Vec<&str> = name.split_whitespace().collect();
        let person = doc.chars().filter(char::is_ascii_digit).count() == 11;
        // A person's last surname; a company's word before its suffix
        // (its activity: "Comércio", "Transportes"…).
        let surname = if person {
            words.last()
        } else {
            words.len().checked_sub(2).and_then(|k| words.get(k))
        }
        .copied()
        .unwrap_or_default();
        let first = words.first().copied().unwrap_or_default();
        let term = match i / 4 % 12 {
            0 => ("name", name.chars().take(4).collect()),
            1 => ("name", name.chars().take(8).collect()),
            2 => (
                "document",
                doc.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .take(6)
                    .collect(),
            ),
            3 if !email.is_empty() => ("email", email.to_string()),
            4 if !phones.is_empty() => (
                "phone",
                phones.split('|').next().unwrap_or_default().to_string(),
            ),
            // The same phone typed without its DDD, as a debtor dictates it,
            // or every other time its first six digits only (an agent
            // typing while listening).
            5 if !phones.is_empty() => {
                let local =
                    quita_core::contact::Phone::parse(phones.split('|').next().unwrap_or_default())
                        .ok()
                        .and_then(|p| p.national().split_once(") ").map(|(_, n)| n.to_owned()))
                        .unwrap_or_default();
                if i / 48 % 2 == 0 {
                    ("local_phone", local)
                } else {
                    ("local_phone_start", local.chars().take(6).collect())
                }
            }
            6 => ("surname", surname.to_string()),
            7 => ("surname_page", surname.to_string()),
            8 => ("first_and_surname", format!("{first} {surname}")),
            9 => ("surname_and_first", format!("{surname} {first}")),
            10 => (
                "name_miss",
                format!(
                    "{}qz",
                    surname
                        .char_indices()
                        .last()
                        .map_or(surname, |(k, _)| &surname[..k])
                ),
            ),
            11 => ("document_number_lower", number.to_lowercase()),
            _ => ("document_number", number.to_string()),
        };
        terms.push(term);
        if terms.len() == n {
            break;
        }
    }
    Ok(terms)
}

pub fn search(args: QueryBenchArgs) -> anyhow::Result<ExitCode> {
    let url = DatabaseUrl::parse(&args.database).context("--database")?;
    let terms = search_terms(300)?;
    let report = runtime()?.block_on(async {
        let app = connect(&url).await?;
        let org = bench_org(&app).await?;
        let debtors_total = debtors::count(&app.db, org).await?;
        let mut by_kind: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
        let mut all = Vec::new();
        let mut views = Vec::new();
        let mut pages = Vec::new();
        let mut misses = 0;
        for _ in 0..args.repeat.clamp(1, 5) {
            for (kind, term) in &terms {
                let started = Instant::now();
                let limit = if *kind == "surname_page" { 100 } else { 20 };
                let found = app.search_debtors(org, term, limit).await?;
                let t = started.elapsed();
                misses += usize::from(found.is_empty());
                by_kind.entry(kind).or_default().push(t);
                all.push(t);
                // Then open the first debtor found, as a user would (the
                // 360° read, without the access-log write).
                if let Some(first) = found.first() {
                    let started = Instant::now();
                    app.debtor_360(org, first.id, as_of()).await?;
                    views.push(started.elapsed());
                    // And the debtor list's page that starts after it (the
                    // keyset read behind "próxima página", mid-list) with
                    // what each of its debtors owes, as the page shows it.
                    let started = Instant::now();
                    let page =
                        debtors::page(&app.db, org, (Keyset::After(first.id), None), 51).await?;
                    let ids: Vec<i64> = page.iter().map(|d| d.id).collect();
                    app.debtor_balances(org, &ids, as_of()).await?;
                    pages.push(started.elapsed());
                }
            }
        }
        app.db.close().await;
        let kinds: serde_json::Map<String, serde_json::Value> = by_kind
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Timings(v).summary()))
            .collect();
        anyhow::Ok(json!({
            "benchmark": "search",
            "database": backend_name(&url),
            "debtors": debtors_total,
            "queries": all.len(),
            "without_results": misses,
            "all": Timings(all).summary(),
            "by_kind": kinds,
            "debtor_360": Timings(views).summary(),
            "debtor_page": Timings(pages).summary(),
            "target_ms": 50,
        }))
    })?;
    finish(args.json, &report)
}
