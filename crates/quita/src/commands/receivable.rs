//! `quita receivable close`: cancelling or writing off a receivable by hand,
//! from the shell (the same use case as the debtor page's "Encerrar" form
//! and `POST /api/v1/receivables/{id}/close`).

use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use quita_app::{auth::Principal, portfolio::closing::Closing};

use super::{admin::target_org, open_app};
use crate::{cli::GlobalArgs, config::Config, output};

#[derive(Debug, Subcommand)]
pub enum ReceivableCommand {
    /// Cancel a receivable (issued in error, sale undone) or write it off
    /// as a loss, with the reason. Only an open or partially paid
    /// receivable closes; it leaves the aging list for good.
    Close(ReceivableCloseArgs),
}

impl ReceivableCommand {
    pub fn wants_json(&self) -> bool {
        match self {
            Self::Close(a) => a.json,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReceivableCloseArgs {
    /// The receivable's id.
    #[arg(value_name = "ID")]
    pub id: String,
    /// cancel or write-off.
    #[arg(long, value_name = "cancel|write-off", value_parser = parse_action)]
    pub action: Closing,
    /// Why (kept on the receivable and in the audit log; up to 200 characters).
    #[arg(long)]
    pub reason: String,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `cancel` or `write-off` (also `write_off`, `cancelar`, `baixar`).
fn parse_action(raw: &str) -> Result<Closing, String> {
    Closing::parse(raw).ok_or_else(|| "use cancel or write-off".to_owned())
}

pub async fn run(
    config: &Config,
    global: &GlobalArgs,
    cmd: ReceivableCommand,
) -> anyhow::Result<ExitCode> {
    let ReceivableCommand::Close(a) = cmd;
    // Parse every argument before touching the database.
    let id =
        a.id.trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| anyhow::anyhow!("ID: {:?} is not a receivable id (a number)", a.id))?;
    let app = open_app(config).await?;
    let org = target_org(&app, global).await?;
    let row = app
        .close_receivable(&Principal::cli(org.id), id, None, a.action, &a.reason)
        .await
        .with_context(|| format!("receivable {id}"))?;
    output::print(a.json, &quita_web::ReceivableDto::from(&row), || {
        let done = match a.action {
            Closing::Cancel => "cancelled",
            Closing::WriteOff => "wrote off",
        };
        let installment = match row.installments {
            Some(n) => format!("{}/{n}", row.installment),
            None => row.installment.to_string(),
        };
        format!(
            "{done} receivable {} ({} {installment}, now {}): {}",
            row.id,
            row.document_number,
            row.status.as_str(),
            row.closed_reason.as_deref().unwrap_or_default()
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_as_the_help_names_them() {
        assert_eq!(parse_action("cancel"), Ok(Closing::Cancel));
        assert_eq!(parse_action("write-off"), Ok(Closing::WriteOff));
        assert!(parse_action("pay").is_err());
    }
}
