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

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown requested");
}

fn bind_address(config: &Config, args: &ServeArgs) -> String {
    args.bind.clone().unwrap_or_else(|| config.bind.clone())
}

pub async fn serve(config: &Config, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let bind = bind_address(config, args);
    // Bind before anything slow so a taken port fails at once, clearly.
    let listener = TcpListener::bind(&bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let app = open_app(config).await?;
    run(config, app, listener, !args.no_workers).await
}

pub async fn demo(config: &Config, args: &ServeArgs) -> anyhow::Result<ExitCode> {
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
    run(config, app, listener, !args.no_workers).await
}

async fn run(
    config: &Config,
    app: App,
    listener: TcpListener,
    with_workers: bool,
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
    tracing::info!(%addr, backend = ?app.db.backend(), workers = with_workers, "quita serving");
    let shutdown = async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    };
    quita_web::serve(listener, state, shutdown)
        .await
        .context("serving HTTP")?;
    if let Some(w) = worker {
        let _ = w.await;
    }
    app.db.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

pub async fn worker_only(config: &Config) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = tokio::spawn(Worker::new(app.clone(), WorkerSettings::default()).run(stop_rx));
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    let _ = worker.await;
    app.db.close().await;
    Ok(ExitCode::SUCCESS)
}
