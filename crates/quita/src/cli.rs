//! The command-line interface (`quita --help`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{bench_cli, br_cli::BrCommand};

/// Quita — gestão de cobrança: portfolio, dunning cadence, negotiation,
/// boleto and Pix, reconciliation and reports, in one binary on SQLite or
/// PostgreSQL.
#[derive(Debug, Parser)]
#[command(name = "quita", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts. Precedence: defaults < quita.toml <
/// QUITA_… environment variables < these flags.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Configuration file [default: ./quita.toml when present].
    #[arg(long, global = true, env = "QUITA_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory for the SQLite database and local files [default: ./quita-data].
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://… (env: QUITA_DATABASE_URL).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Organization id or slug [default: the only organization, when there is one].
    #[arg(long, global = true, value_name = "ID|SLUG")]
    pub org: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web UI, the JSON API and the background workers in one process.
    Serve(ServeArgs),
    /// Run only the background workers (for extra worker processes).
    Worker,
    /// Apply the database migrations, then exit.
    Migrate(JsonFlag),
    /// Create the demo organization on first run, then serve it and print the logins.
    Demo(ServeArgs),
    /// Organizations (tenants).
    #[command(subcommand)]
    Org(OrgCommand),
    /// Users of an organization.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for integrations.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Creditors (carteiras) and their charge policy.
    #[command(subcommand)]
    Creditor(crate::commands::portfolio::CreditorCommand),
    /// Contracts of a debtor and the terms agreed in them.
    #[command(subcommand)]
    Contract(crate::commands::contract::ContractCommand),
    /// Receivables (títulos): cancel or write off by hand.
    #[command(subcommand)]
    Receivable(crate::commands::receivable::ReceivableCommand),
    /// Import receivables with their debtors and contacts, or extra contacts (enrichment).
    #[command(subcommand)]
    Import(crate::commands::portfolio::ImportCommand),
    /// Monetary-correction index tables (IPCA…).
    #[command(subcommand)]
    Index(crate::commands::portfolio::IndexCommand),
    /// Reports: aging list.
    #[command(subcommand)]
    Report(crate::commands::portfolio::ReportCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print the OpenAPI 3.1 document of the JSON API.
    Openapi,
    /// Calculations: debt update (atualização do débito) with its memory.
    #[command(subcommand)]
    Calc(crate::commands::calc::CalcCommand),
    /// Brazilian standards: CPF/CNPJ, calendar, boleto, Pix, CNAB.
    #[command(subcommand)]
    Br(BrCommand),
    /// Benchmarks (figures for docs/performance.md).
    #[command(subcommand)]
    Bench(BenchCommand),
}

impl Command {
    /// Whether failures should also be reported as a JSON document.
    pub fn wants_json(&self) -> bool {
        match self {
            Command::Migrate(j) => j.json,
            Command::Org(OrgCommand::Create(a)) => a.json,
            Command::Org(OrgCommand::List(j)) => j.json,
            Command::User(UserCommand::Create(a)) => a.json,
            Command::User(UserCommand::List(j)) => j.json,
            Command::Token(TokenCommand::Create(a)) => a.json,
            Command::Calc(c) => c.wants_json(),
            Command::Contract(c) => c.wants_json(),
            Command::Receivable(c) => c.wants_json(),
            Command::Creditor(crate::commands::portfolio::CreditorCommand::Create(a)) => a.json,
            Command::Creditor(crate::commands::portfolio::CreditorCommand::List(j)) => j.json,
            Command::Import(crate::commands::portfolio::ImportCommand::Receivables(a)) => a.json,
            Command::Import(crate::commands::portfolio::ImportCommand::Contacts(a)) => a.json,
            Command::Index(crate::commands::portfolio::IndexCommand::Import(a)) => a.json,
            Command::Report(crate::commands::portfolio::ReportCommand::Aging(a)) => a.json,
            _ => false,
        }
    }
}

#[derive(Debug, Args, Clone, Default)]
pub struct JsonFlag {
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080] (env: QUITA_BIND).
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Do not run background workers in this process.
    #[arg(long)]
    pub no_workers: bool,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization.
    Create(OrgCreateArgs),
    /// List organizations.
    List(JsonFlag),
}

#[derive(Debug, Args)]
pub struct OrgCreateArgs {
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// CNPJ (numeric or alphanumeric, with or without punctuation).
    #[arg(long)]
    pub document: Option<String>,
    /// `agency` (collects for many creditors) or `company` (its own receivables).
    #[arg(long, default_value = "agency")]
    pub mode: String,
    /// Handle used by --org [default: derived from the name].
    #[arg(long)]
    pub slug: Option<String>,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user in the organization given by --org.
    Create(UserCreateArgs),
    /// List the users of the organization given by --org.
    List(JsonFlag),
}

#[derive(Debug, Args)]
pub struct UserCreateArgs {
    /// Login e-mail (unique).
    #[arg(long)]
    pub email: String,
    /// `admin`, `supervisor`, `agent` (operador) or `viewer`.
    #[arg(long)]
    pub role: String,
    /// Display name [default: the part of the e-mail before '@'].
    #[arg(long)]
    pub name: Option<String>,
    /// Read the password from the first line of stdin; otherwise one is generated and printed.
    #[arg(long)]
    pub password_stdin: bool,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for the organization given by --org (the secret is printed once).
    Create(TokenCreateArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// A name that says what uses the token.
    #[arg(long, default_value = "cli")]
    pub name: String,
    /// Role of the token.
    #[arg(long, default_value = "admin")]
    pub role: String,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print an annotated example quita.toml.
    Example,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Parsers and builders of quita-br (linhas digitáveis, Pix payloads).
    Br(bench_cli::br::BrBenchArgs),
    /// Write a deterministic synthetic portfolio in the import layout.
    Generate(bench_cli::generate::GenerateArgs),
    /// Import a synthetic portfolio into a fresh database and time it.
    Import(bench_cli::portfolio::ImportBenchArgs),
    /// Time the aging report over a benchmark portfolio (`import --keep` first).
    Aging(bench_cli::portfolio::QueryBenchArgs),
    /// Time debtor searches over a benchmark portfolio (`import --keep` first).
    Search(bench_cli::portfolio::QueryBenchArgs),
    /// Read every aging bucket page by page through the drill-down (`import --keep` first).
    Drill(bench_cli::drill::DrillBenchArgs),
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
