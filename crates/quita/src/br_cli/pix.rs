//! `quita br pix …` (being written; see quita-br).

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum PixCommand {
    /// Not available yet.
    Pending,
}

pub fn run(_cmd: PixCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("quita br pix is not available in this build yet")
}
