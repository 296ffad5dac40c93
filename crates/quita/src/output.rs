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
    let line = one_line(e);
    eprintln!("error: {line}");
    if json {
        let code = e
            .downcast_ref::<quita_app::AppError>()
            .map_or("error", |a| a.code());
        println!("{}", serde_json::json!({"error": line, "code": code}));
    }
    ExitCode::from(1)
}

/// The error and its causes on one line, `a: b: c`, leaving out a cause
/// its parent already spells out (the database driver's errors repeat
/// their source: "error returned from database: (code: 13) disk full:
/// (code: 13) disk full").
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string().replace('\n', " ");
        if line.ends_with(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[derive(Debug)]
    struct Driver(Inner);
    impl std::fmt::Display for Driver {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "error returned from database: {}", self.0)
        }
    }
    impl std::error::Error for Driver {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[derive(Debug)]
    struct Inner;
    impl std::fmt::Display for Inner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("(code: 13) database or disk is full")
        }
    }
    impl std::error::Error for Inner {}

    #[test]
    fn a_cause_its_parent_spells_out_is_said_once() {
        let e = anyhow::Error::new(Driver(Inner)).context("import");
        assert_eq!(
            one_line(&e),
            "import: error returned from database: (code: 13) database or disk is full"
        );
        let e = anyhow::anyhow!("line one\nline two").context("outer");
        assert_eq!(one_line(&e), "outer: line one line two");
    }
}
