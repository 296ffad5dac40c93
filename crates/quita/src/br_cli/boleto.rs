//! `quita br boleto …` (being written; see quita-br).

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum BoletoCommand {
    /// Not available yet.
    Pending,
}

pub fn run(_cmd: BoletoCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("quita br boleto is not available in this build yet")
}
