//! How commands report: one JSON document with `--json`, text otherwise;
//! failures are one line on stderr (and an error document with `--json`).

use std::{io::Write, process::ExitCode};

use serde::Serialize;

/// A reader that stops early (`quita … --json | head`) closes the pipe:
/// that ends the output quietly, as it does for other Unix tools, instead
/// of `println!`'s panic.
pub fn print<T: Serialize>(
    json: bool,
    value: &T,
    human: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    let text = if json {
        serde_json::to_string(value)?
    } else {
        human()
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// One line on stderr, exit code 1.
pub fn fail(json: bool, e: &anyhow::Error) -> ExitCode {
    let line = format!("{e:#}").replace('\n', " ");
    eprintln!("error: {line}");
    if json {
        let code = e
            .downcast_ref::<quita_app::AppError>()
            .map_or("error", |a| a.code());
        println!("{}", serde_json::json!({"error": line, "code": code}));
    }
    ExitCode::from(1)
}
