//! `quita br calendar …` (being written; see quita-br).

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum CalendarCommand {
    /// Not available yet.
    Pending,
}

pub fn run(_cmd: CalendarCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("quita br calendar is not available in this build yet")
}
