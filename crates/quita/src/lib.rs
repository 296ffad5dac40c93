//! The `quita` command line: configuration, start-up, shutdown, and the
//! subcommands that drive the use cases of `quita-app`.
//!
//! Errors: `anyhow` here (this is glue); every failure ends as one line on
//! stderr and a non-zero exit code, never a panic or a backtrace.
#![forbid(unsafe_code)]

mod bench_cli {
    pub mod br;
    pub mod drill;
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
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let json = cli.command.wants_json();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => output::fail(json, &e),
    }
}

/// Bad arguments: help and version print as usual; anything else is one line
/// on stderr (and, with `--json`, one JSON document) and exit code 1.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let rendered = e.render().to_string();
    // The first paragraph: a missing argument is named on the lines after
    // "the following required arguments were not provided:".
    let first = rendered
        .trim_start()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let line = match first.trim_start_matches("error: ") {
        "" => "invalid arguments".to_owned(),
        l => l.to_owned(),
    };
    let hint = if matches!(
        e.kind(),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        "a subcommand is required".to_owned()
    } else {
        line
    };
    eprintln!("error: {hint} (see --help)");
    if std::env::args().any(|a| a == "--json") {
        println!(
            "{}",
            serde_json::json!({"valid": false, "error": hint, "offset": null, "code": "usage"})
        );
    }
    ExitCode::from(1)
}
