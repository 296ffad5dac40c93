//! `quita br cnab …` (being written; see quita-br).

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum CnabCommand {
    /// Not available yet.
    Pending,
}

pub fn run(_cmd: CnabCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("quita br cnab is not available in this build yet")
}
