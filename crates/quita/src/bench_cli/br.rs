//! `quita bench br` (being written).

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct BrBenchArgs {}

pub fn run(_args: BrBenchArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("quita bench br is not available in this build yet")
}
