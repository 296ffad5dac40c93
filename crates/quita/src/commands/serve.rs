//! `quita serve`, `quita demo` and `quita worker`: long-running processes
//! that stop gracefully on SIGINT/SIGTERM (stop accepting, finish in-flight
//! requests and the job in progress, exit 0).

use std::process::ExitCode;

use anyhow::Context;
use quita_app::{
    App,
    worker::{Worker, WorkerSettings},
};
use quita_web::{AppState, WebSettings};
use tokio::{net::TcpListener, sync::watch};

use super::open_app;
use crate::{cli::ServeArgs, config::Config};

/// SIGINT/SIGTERM, registered when created: a signal that arrives while
/// the process is still starting (migrating, seeding) is not lost and does
/// not kill it with the default action; it stops the server as soon as it runs.
struct Shutdown {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Shutdown {
    fn register() -> anyhow::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                term: signal(SignalKind::terminate()).context("installing the SIGTERM handler")?,
                int: signal(SignalKind::interrupt()).context("installing the SIGINT handler")?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        tokio::select! { _ = self.term.recv() => {}, _ = self.int.recv() => {} }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutdown requested");
    }
}

fn bind_address(config: &Config, args: &ServeArgs) -> String {
    args.bind.clone().unwrap_or_else(|| config.bind.clone())
}

pub async fn serve(config: &Config, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let shutdown = Shutdown::register()?;
    let bind = bind_address(config, args);
    // Bind before anything slow so a taken port fails at once, clearly.
    let listener = TcpListener::bind(&bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let app = open_app(config).await?;
    run(config, app, listener, !args.no_workers, shutdown).await
}

pub async fn demo(config: &Config, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let shutdown = Shutdown::register()?;
    let bind = bind_address(config, args);
    let listener = TcpListener::bind(&bind)
        .await
        .with_context(|| format!("cannot listen on {bind} (choose another with --bind)"))?;
    let app = open_app(config).await?;
    let info = app.seed_demo().await?;
    let url = config.public_url(&listener.local_addr().map(|a| a.to_string()).unwrap_or(bind));
    println!();
    println!(
        "Quita demo {}: {url}",
        if info.created { "criado" } else { "pronto" }
    );
    println!("Organização: {} (--org {})", info.org_name, info.org_slug);
    println!("Acessos (e-mail / senha):");
    for l in &info.logins {
        println!("  {:<13} {:<26} {}", l.role.label_pt(), l.email, l.password);
    }
    println!(
        "Dados em {}. Ctrl+C para encerrar.",
        config.data_dir.display()
    );
    println!();
    run(config, app, listener, !args.no_workers, shutdown).await
}

/// How long a graceful stop waits for imports started from the UI.
const IMPORT_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

async fn run(
    config: &Config,
    app: App,
    listener: TcpListener,
    with_workers: bool,
    signals: Shutdown,
) -> anyhow::Result<ExitCode> {
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = with_workers.then(|| {
        tokio::spawn(Worker::new(app.clone(), WorkerSettings::default()).run(stop_rx.clone()))
    });
    let state = AppState::new(
        app.clone(),
        WebSettings {
            public_url: config.public_url(&addr.to_string()),
            ..WebSettings::default()
        },
    );
    // Accesses a previous run spooled while an import held the writer.
    if let Some(spool) = &app.access_spool {
        match spool.drain(&app.db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(accesses = n, "access spool moved into the log"),
            Err(e) => tracing::warn!(error = %e, "access spool not moved"),
        }
    }
    tracing::info!(%addr, backend = ?app.db.backend(), workers = with_workers, "quita serving");
    let shutdown = async move {
        signals.wait().await;
        let _ = stop_tx.send(true);
    };
    let imports = state.imports.clone();
    quita_web::serve(listener, state, shutdown)
        .await
        .context("serving HTTP")?;
    // An import started from the UI ends (commits or rolls back) and its
    // summary is recorded before the database closes, within a bound.
    imports.wait_for_running(IMPORT_STOP_WAIT).await;
    if let Some(w) = worker {
        let _ = w.await;
    }
    app.db.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

pub async fn worker_only(config: &Config) -> anyhow::Result<ExitCode> {
    let signals = Shutdown::register()?;
    let app = open_app(config).await?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = tokio::spawn(Worker::new(app.clone(), WorkerSettings::default()).run(stop_rx));
    signals.wait().await;
    let _ = stop_tx.send(true);
    let _ = worker.await;
    app.db.close().await;
    Ok(ExitCode::SUCCESS)
}
