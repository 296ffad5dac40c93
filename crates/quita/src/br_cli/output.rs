//! How every `quita br` command reports: one JSON document (or JSON Lines for
//! `-` input) on stdout with `--json`, one human line otherwise; failures are
//! one line on stderr and exit code 1.

use std::{
    io::{self, BufRead, Write},
    process::ExitCode,
};

use serde_json::{Value, json};

/// Why one input was refused, and where in it (character offset) when known.
#[derive(Debug, Clone)]
pub struct Failure {
    pub message: String,
    pub offset: Option<usize>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            offset: None,
        }
    }
    pub fn at(message: impl Into<String>, offset: usize) -> Self {
        Self {
            message: message.into(),
            offset: Some(offset),
        }
    }
}

/// Prints a success: the JSON document, or the human text.
pub fn ok(json: bool, value: &Value, human: &str) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, value)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{human}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints a refusal: one line on stderr; with `--json` also the error document.
pub fn fail(json: bool, failure: &Failure) -> anyhow::Result<ExitCode> {
    match failure.offset {
        Some(at) => eprintln!("error: {} (at character {at})", failure.message),
        None => eprintln!("error: {}", failure.message),
    }
    if json {
        let mut out = io::stdout().lock();
        serde_json::to_writer(
            &mut out,
            &json!({"valid": false, "error": failure.message, "offset": failure.offset}),
        )?;
        writeln!(out)?;
    }
    Ok(ExitCode::from(1))
}

/// Runs `one` on a single argument, or on every line of stdin when the argument
/// is `-` (then prints JSON Lines; an invalid line gives
/// `{"input": …, "error": …}` and the exit code is 1 if any line failed).
pub fn single_or_lines(
    input: &str,
    json: bool,
    one: impl Fn(&str) -> Result<(Value, String), Failure>,
) -> anyhow::Result<ExitCode> {
    if input != "-" {
        return match one(input) {
            Ok((value, human)) => ok(json, &value, &human),
            Err(f) => fail(json, &f),
        };
    }
    let stdin = io::stdin().lock();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut any_failed = false;
    for (n, line) in stdin.split(b'\n').enumerate() {
        let bytes = line?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_end_matches('\r').trim();
        if text.is_empty() {
            continue;
        }
        let doc = match one(text) {
            Ok((value, _)) => value,
            Err(f) => {
                any_failed = true;
                eprintln!("error: line {}: {}", n + 1, f.message);
                json!({"input": text, "error": f.message, "offset": f.offset})
            }
        };
        serde_json::to_writer(&mut out, &doc)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(if any_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
