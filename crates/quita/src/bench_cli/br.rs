//! `quita bench br`: throughput of the quita-br parsers and builders on one
//! core, with deterministic inputs (a fixed linear congruential generator).
//!
//! Targets (issue 3): parse ≥ 1,000,000 linhas digitáveis per second per core;
//! build ≥ 500,000 Pix payloads per second per core. Run on a release build.
//! "Per core" is measured as operations per CPU-second of the benchmark
//! thread (Linux `schedstat`), with the wall-clock rate beside it, so a busy
//! shared machine does not distort the figure.

use std::{
    hint::black_box,
    process::ExitCode,
    time::{Duration, Instant},
};

use quita_br::boleto::{BankSlip, FreeField};
use quita_br::centavos::Centavos;
use quita_br::pix::{self, MerchantCity, MerchantName, PixKey, PixPayload, Txid};
use serde_json::json;

/// Parse linhas digitáveis per second per core.
const BOLETO_TARGET: f64 = 1_000_000.0;
/// Build Pix payloads per second per core.
const PIX_TARGET: f64 = 500_000.0;

#[derive(Debug, clap::Args)]
pub struct BrBenchArgs {
    /// Seconds to run each measurement (after a short warm-up).
    #[arg(long, default_value_t = 2.0)]
    seconds: f64,
    /// Distinct inputs generated per measurement.
    #[arg(long, default_value_t = 4096)]
    inputs: usize,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

/// Deterministic pseudo-random numbers (Knuth's MMIX LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 16
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn linhas(n: usize) -> anyhow::Result<Vec<String>> {
    let mut rng = Lcg(0x5155_4954_4131);
    let banks = ["001", "033", "104", "237", "341"];
    let base = jiff::civil::date(2025, 3, 1);
    (0..n)
        .map(|_| {
            let free: String = (0..25)
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect();
            let bank = banks[rng.below(banks.len() as u64) as usize];
            let due = base.checked_add(jiff::Span::new().days(rng.below(2000) as i64))?;
            let amount = 1 + rng.below(99_999_999);
            let slip = BankSlip::build(bank, Some(due), Some(amount), &FreeField::new(&free)?)?;
            Ok(slip.digitable_line())
        })
        .collect()
}

struct PixInput {
    key: String,
    name: &'static str,
    city: &'static str,
    amount: i64,
    txid: String,
}

fn pix_inputs(n: usize) -> Vec<PixInput> {
    let mut rng = Lcg(0x5049_5821);
    let names = [
        "Fulano de Tal",
        "José da Conceição",
        "Padaria Pão Quente Ltda",
        "Maria",
    ];
    let cities = ["BRASILIA", "São Paulo", "Florianópolis", "Rio de Janeiro"];
    (0..n)
        .map(|i| PixInput {
            key: match i % 3 {
                0 => format!("{:011}", rng.below(100_000_000_000)),
                1 => format!("cliente{}@example.com", rng.below(1_000_000)),
                _ => format!(
                    "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                    rng.below(1 << 32),
                    rng.below(1 << 16),
                    rng.below(1 << 12),
                    rng.below(1 << 12),
                    rng.below(1 << 48)
                ),
            },
            name: names[rng.below(names.len() as u64) as usize],
            city: cities[rng.below(cities.len() as u64) as usize],
            amount: 1 + rng.below(10_000_000) as i64,
            txid: format!("PED{}", rng.below(1_000_000_000)),
        })
        .collect()
}

fn build_pix(p: &PixInput) -> anyhow::Result<String> {
    let payload = PixPayload::new_static(
        PixKey::new(&p.key)?,
        MerchantName::new(p.name)?,
        MerchantCity::new(p.city)?,
    )
    .with_amount(Centavos::new(p.amount).unwrap_or(Centavos::ZERO))?
    .with_txid(Txid::new(&p.txid)?)
    .payload()?;
    Ok(payload)
}

/// CPU time of the calling thread, in seconds, from
/// `/proc/thread-self/schedstat` (Linux; nanosecond resolution). `None`
/// elsewhere. Per-core throughput is ops per CPU-second, so figures stay
/// meaningful on a machine shared with other work.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Throughput of one measurement.
struct Rate {
    /// Operations per wall-clock second.
    wall: f64,
    /// Operations per CPU-second of this thread (= per core), when known.
    cpu: Option<f64>,
}

impl Rate {
    /// Per-core figure: CPU-time based when available, else wall-clock.
    fn per_core(&self) -> f64 {
        self.cpu.unwrap_or(self.wall)
    }
}

/// Runs `op` over `inputs` round-robin for about `seconds`.
fn measure<T>(inputs: &[T], seconds: f64, mut op: impl FnMut(&T) -> bool) -> anyhow::Result<Rate> {
    let warmup = Instant::now();
    while warmup.elapsed() < Duration::from_millis(200) {
        for x in inputs.iter().take(256) {
            black_box(op(black_box(x)));
        }
    }
    let budget = Duration::from_secs_f64(seconds.max(0.05));
    let cpu_start = thread_cpu_seconds();
    let start = Instant::now();
    let mut ops: u64 = 0;
    loop {
        for x in inputs {
            if !op(black_box(x)) {
                anyhow::bail!("an input failed during the benchmark");
            }
        }
        ops += inputs.len() as u64;
        if start.elapsed() >= budget {
            break;
        }
    }
    let wall = ops as f64 / start.elapsed().as_secs_f64();
    let cpu = match (cpu_start, thread_cpu_seconds()) {
        (Some(a), Some(b)) if b > a => Some(ops as f64 / (b - a)),
        _ => None,
    };
    Ok(Rate { wall, cpu })
}

pub fn run(args: BrBenchArgs) -> anyhow::Result<ExitCode> {
    let n = args.inputs.max(1);
    let lines = linhas(n)?;
    let pix_in = pix_inputs(n);
    let payloads: Vec<String> = pix_in
        .iter()
        .map(build_pix)
        .collect::<anyhow::Result<_>>()?;

    let boleto = measure(&lines, args.seconds, |l| {
        black_box(BankSlip::parse(l)).is_ok()
    })?;
    let pix_build = measure(&pix_in, args.seconds, |p| black_box(build_pix(p)).is_ok())?;
    let pix_parse = measure(&payloads, args.seconds, |p| {
        black_box(pix::parse(p)).is_ok()
    })?;
    let meets = boleto.per_core() >= BOLETO_TARGET && pix_build.per_core() >= PIX_TARGET;
    let release = !cfg!(debug_assertions);
    let round = |r: Option<f64>| r.map(f64::round);

    if args.json {
        let doc = json!({
            "threads": 1,
            "inputs": n,
            "seconds_per_measure": args.seconds,
            "release_build": release,
            "boleto_parse_per_sec": boleto.wall.round(),
            "boleto_parse_per_cpu_sec": round(boleto.cpu),
            "pix_build_per_sec": pix_build.wall.round(),
            "pix_build_per_cpu_sec": round(pix_build.cpu),
            "pix_parse_per_sec": pix_parse.wall.round(),
            "pix_parse_per_cpu_sec": round(pix_parse.cpu),
            "targets": {"boleto_parse_per_cpu_sec": BOLETO_TARGET, "pix_build_per_cpu_sec": PIX_TARGET},
            "meets_targets": meets,
        });
        println!("{doc}");
    } else {
        let build = if release { "release" } else { "debug" };
        println!(
            "quita-br on one thread ({build} build, {n} distinct inputs); per wall second / per CPU second:"
        );
        let show = |name: &str, r: &Rate, target: Option<f64>| {
            let cpu = r.cpu.map_or("n/a".to_owned(), |c| format!("{c:.0}"));
            let target = target.map_or(String::new(), |t| format!("  (target {t:.0}/CPU-s)"));
            println!("  {name:<22} {:>12.0} /s  {cpu:>12} /CPU-s{target}", r.wall);
        };
        show("parse linha digitável", &boleto, Some(BOLETO_TARGET));
        show("build Pix payload", &pix_build, Some(PIX_TARGET));
        show("parse Pix payload", &pix_parse, None);
        println!("  targets {}", if meets { "met" } else { "NOT met" });
    }
    Ok(ExitCode::SUCCESS)
}
