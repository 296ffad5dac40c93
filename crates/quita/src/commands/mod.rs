//! Subcommand implementations.

mod admin;
pub mod calc;
pub mod contract;
pub mod portfolio;
pub mod receivable;
mod serve;

use std::{process::ExitCode, sync::Arc};

use anyhow::Context;
use quita_app::{App, SystemClock};
use quita_store::Db;

use crate::{
    cli::{BenchCommand, Cli, Command, ConfigCommand},
    config::Config,
    output, telemetry,
};

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if matches!(cli.command, Command::Bench(_)) {
        // Benchmarks log only warnings unless QUITA_LOG asks (the import's
        // step times); sqlx's slow-statement warnings (index builds) are noise here.
        telemetry::init(crate::config::LogFormat::Pretty, "warn,sqlx=error");
    }
    match cli.command {
        Command::Br(c) => return crate::br_cli::run(c),
        Command::Bench(BenchCommand::Br(a)) => return crate::bench_cli::br::run(a),
        Command::Bench(BenchCommand::Generate(a)) => return crate::bench_cli::generate::run(a),
        Command::Bench(BenchCommand::Import(a)) => return crate::bench_cli::portfolio::import(a),
        Command::Bench(BenchCommand::Aging(a)) => return crate::bench_cli::portfolio::aging(a),
        Command::Bench(BenchCommand::Search(a)) => return crate::bench_cli::portfolio::search(a),
        Command::Bench(BenchCommand::Drill(a)) => return crate::bench_cli::drill::run(a),
        Command::Config(ConfigCommand::Example) => {
            print!("{}", crate::config::EXAMPLE);
            return Ok(ExitCode::SUCCESS);
        }
        Command::Openapi => {
            println!(
                "{}",
                serde_json::to_string_pretty(&quita_web::openapi_document())?
            );
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let config = Config::load(&cli.global)?;
    let serving = matches!(
        cli.command,
        Command::Serve(_) | Command::Demo(_) | Command::Worker
    );
    // A one-shot command says its errors itself, one line on stderr;
    // sqlx's slow-statement warnings (a large import's index builds) are
    // for a server's log only.
    telemetry::init(
        config.log_format,
        if serving {
            &config.log_level
        } else {
            "warn,sqlx=error"
        },
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::serve(&config, &args).await,
            Command::Demo(args) => serve::demo(&config, &args).await,
            Command::Worker => serve::worker_only(&config).await,
            Command::Migrate(j) => {
                let url = config.database_url()?;
                open_db(&config).await?;
                output::print(
                    j.json,
                    &serde_json::json!({"migrated": true, "database": url.to_string()}),
                    || format!("migrations applied to {url}"),
                )?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Org(c) => admin::org(&config, &cli.global, c).await,
            Command::User(c) => admin::user(&config, &cli.global, c).await,
            Command::Token(c) => admin::token(&config, &cli.global, c).await,
            Command::Calc(c) => calc::run(&config, &cli.global, c).await,
            Command::Creditor(c) => portfolio::creditor(&config, &cli.global, c).await,
            Command::Contract(c) => contract::run(&config, &cli.global, c).await,
            Command::Receivable(c) => receivable::run(&config, &cli.global, c).await,
            Command::Import(c) => portfolio::import(&config, &cli.global, c).await,
            Command::Index(c) => portfolio::index(&config, &cli.global, c).await,
            Command::Report(c) => portfolio::report(&config, &cli.global, c).await,
            Command::Br(_) | Command::Bench(_) | Command::Config(_) | Command::Openapi => {
                unreachable!("handled above")
            }
        }
    })
}

/// Opens and migrates the configured database.
pub async fn open_db(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url()?;
    let db = Db::connect(&url, &config.db_options()).await?;
    db.migrate()
        .await
        .with_context(|| format!("migrating {url}"))?;
    Ok(db)
}

/// The app on the configured database; on a SQLite file, with the access
/// spool beside it (a debtor page opened while an import holds the writer
/// is recorded there, then moved into the log).
pub async fn open_app(config: &Config) -> anyhow::Result<App> {
    let db = open_db(config).await?;
    let app = App::new(db, Arc::new(SystemClock), config.auth_settings());
    Ok(match config.database_url()? {
        quita_store::DatabaseUrl::Sqlite(path) => {
            app.with_access_spool(quita_app::access_spool::AccessSpool::beside(&path))
        }
        quita_store::DatabaseUrl::Postgres(_) => app,
    })
}
