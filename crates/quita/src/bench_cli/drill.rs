//! `quita bench drill`: every aging bucket of a benchmark portfolio read
//! page by page through the drill-down (`App::aging_drill_down`, what the
//! page, the API and the bucket CSV call), timing each page and the whole
//! walk, and checking that each bucket yields exactly the receivables the
//! aging counts, each once.

use std::{collections::HashSet, process::ExitCode, time::Instant};

use anyhow::{Context, bail};
use quita_store::{DatabaseUrl, portfolio::Keyset};
use serde_json::json;

use super::portfolio::{
    Timings, backend_name, bench_org, connect, finish, round3, runtime, todays_aging,
};

#[derive(Debug, clap::Args)]
pub struct DrillBenchArgs {
    /// The database a `quita bench import --keep` left (sqlite://PATH or postgres://…).
    #[arg(long, value_name = "URL")]
    database: String,
    /// Receivables per page (the API's largest page and the CSV's is 1000,
    /// the page's 200).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(i64).range(1..=1000))]
    limit: i64,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

pub fn run(args: DrillBenchArgs) -> anyhow::Result<ExitCode> {
    let url = DatabaseUrl::parse(&args.database).context("--database")?;
    let report = runtime()?.block_on(async {
        let app = connect(&url).await?;
        let org = bench_org(&app).await?;
        let q = todays_aging();
        let aging = app.aging(org, &q).await?;
        let counts: Vec<u64> = aging.rows().map(|(_, t)| t.count).collect();
        let mut buckets = Vec::new();
        for (index, label) in q.buckets.labels().enumerate() {
            let started = Instant::now();
            let mut pages = Vec::new();
            let mut first_page_ms = 0.0;
            let mut seen = HashSet::new();
            let mut cursor = Keyset::START;
            loop {
                let page_started = Instant::now();
                let page = app
                    .aging_drill_down(org, &q, index, cursor, args.limit)
                    .await?;
                pages.push(page_started.elapsed());
                if pages.len() == 1 {
                    first_page_ms = round3(page_started.elapsed().as_secs_f64() * 1000.0);
                }
                for l in &page.lines {
                    if !seen.insert(l.line.receivable.id) {
                        bail!("bucket {label}: receivable {} read twice", l.line.receivable.id);
                    }
                }
                match page.next {
                    Some(next) => cursor = Keyset::After(next),
                    None => break,
                }
            }
            let expected = counts.get(index).copied().unwrap_or(0);
            if seen.len() as u64 != expected {
                bail!(
                    "bucket {label}: the drill-down read {} receivables, the aging counts {expected}",
                    seen.len()
                );
            }
            buckets.push(json!({
                "bucket": label,
                "receivables": expected,
                "pages": Timings(pages).summary(),
                "first_page_ms": first_page_ms,
                "walk_s": round3(started.elapsed().as_secs_f64()),
            }));
        }
        app.db.close().await;
        anyhow::Ok(json!({
            "benchmark": "drill",
            "database": backend_name(&url),
            "limit": args.limit,
            "buckets": buckets,
        }))
    })?;
    finish(args.json, &report)
}
