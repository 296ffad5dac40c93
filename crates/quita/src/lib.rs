//! The `quita` command line: configuration, start-up, shutdown, and the
//! subcommands that drive the use cases of `quita-app`.
//!
//! Errors: `anyhow` here (this is glue); every failure ends as one line on
//! stderr and a non-zero exit code, never a panic or a backtrace.
#![forbid(unsafe_code)]

mod bench_cli {
    pub mod br;
    pub mod generate;
    pub mod portfolio;
}
mod br_cli;
pub mod cli;
mod commands;
pub mod config;
mod output;
mod telemetry;

use std::process::ExitCode;

use clap::Parser;

pub fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let json = cli.command.wants_json();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => output::fail(json, &e),
    }
}
