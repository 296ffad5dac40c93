//! How commands report: one JSON document with `--json`, text otherwise;
//! failures are one line on stderr (and an error document with `--json`).

use std::process::ExitCode;

use serde::Serialize;

pub fn print<T: Serialize>(
    json: bool,
    value: &T,
    human: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(value)?);
    } else {
        println!("{}", human());
    }
    Ok(())
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
