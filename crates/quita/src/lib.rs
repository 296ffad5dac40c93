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
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--json") {
        // `quita br …` answers in its validation shape; the rest as every
        // other CLI error does.
        let out = if command_of(&args) == Some("br") {
            serde_json::json!({"valid": false, "error": hint, "offset": null, "code": "usage"})
        } else {
            serde_json::json!({"error": hint, "code": "usage"})
        };
        println!("{out}");
    }
    ExitCode::from(1)
}

/// The subcommand named on the command line: the first argument that is
/// neither an option nor the value of a global option.
fn command_of(args: &[String]) -> Option<&str> {
    const TAKE_VALUE: [&str; 4] = ["--config", "--data-dir", "--database-url", "--org"];
    let mut args = args.iter();
    while let Some(a) = args.next() {
        if TAKE_VALUE.contains(&a.as_str()) {
            args.next();
        } else if !a.starts_with('-') {
            return Some(a);
        }
    }
    None
}
