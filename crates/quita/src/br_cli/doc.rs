//! `quita br doc …` (being written; see quita-br).

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum DocCommand {
    /// Not available yet.
    Pending,
}

pub fn run(_cmd: DocCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("quita br doc is not available in this build yet")
}
