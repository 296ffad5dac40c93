//! `quita bench br`: throughput of the quita-br parsers and builders on one
//! core, with deterministic inputs (a fixed linear congruential generator).
//!
//! Targets (issue 3): parse ≥ 1,000,000 linhas digitáveis per second per core;
//! build ≥ 500,000 Pix payloads per second per core. Run on a release build.

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

/// Runs `op` over `inputs` round-robin for about `seconds`; returns ops/s.
fn measure<T>(inputs: &[T], seconds: f64, mut op: impl FnMut(&T) -> bool) -> anyhow::Result<f64> {
    let warmup = Instant::now();
    while warmup.elapsed() < Duration::from_millis(200) {
        for x in inputs.iter().take(256) {
            black_box(op(black_box(x)));
        }
    }
    let budget = Duration::from_secs_f64(seconds.max(0.05));
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
    Ok(ops as f64 / start.elapsed().as_secs_f64())
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
    let meets = boleto >= BOLETO_TARGET && pix_build >= PIX_TARGET;
    let release = !cfg!(debug_assertions);

    if args.json {
        let doc = json!({
            "threads": 1,
            "inputs": n,
            "seconds_per_measure": args.seconds,
            "release_build": release,
            "boleto_parse_per_sec": boleto.round(),
            "pix_build_per_sec": pix_build.round(),
            "pix_parse_per_sec": pix_parse.round(),
            "targets": {"boleto_parse_per_sec": BOLETO_TARGET, "pix_build_per_sec": PIX_TARGET},
            "meets_targets": meets,
        });
        println!("{doc}");
    } else {
        println!(
            "quita-br on one core ({} build, {n} distinct inputs):",
            if release { "release" } else { "debug" }
        );
        println!(
            "  parse linha digitável  {:>12.0}/s  (target {BOLETO_TARGET:.0}/s)",
            boleto
        );
        println!(
            "  build Pix payload      {:>12.0}/s  (target {PIX_TARGET:.0}/s)",
            pix_build
        );
        println!("  parse Pix payload      {:>12.0}/s", pix_parse);
        println!("  targets {}", if meets { "met" } else { "NOT met" });
    }
    Ok(ExitCode::SUCCESS)
}
