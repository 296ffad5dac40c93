#![forbid(unsafe_code)]
//! Interim entry point while the full CLI is being written: `quita br …`
//! and `quita bench br`.

mod bench_cli {
    pub mod br;
}
mod br_cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "quita", version, about = "Quita: gestão de cobrança")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Brazilian standards: CPF/CNPJ, calendar, boleto, Pix, CNAB.
    #[command(subcommand)]
    Br(br_cli::BrCommand),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Parsers and builders of quita-br.
    Br(bench_cli::br::BrBenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Br(c) => br_cli::run(c),
        Command::Bench(BenchCommand::Br(a)) => bench_cli::br::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
