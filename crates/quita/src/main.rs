//! The `quita` binary: everything lives in the library (`lib.rs`).
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    quita::main()
}
