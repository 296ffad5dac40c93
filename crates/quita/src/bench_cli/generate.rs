//! `quita bench generate` (being written).

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {}

pub fn run(_args: GenerateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("quita bench generate is not available in this build yet")
}
