//! `quita calc …` (being written).

use std::process::ExitCode;

use crate::config::Config;

#[derive(Debug, clap::Subcommand)]
pub enum CalcCommand {
    /// Not available yet.
    Pending,
}

impl CalcCommand {
    pub fn wants_json(&self) -> bool {
        false
    }
}

pub async fn run(_config: &Config, _cmd: CalcCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("quita calc is not available in this build yet")
}
