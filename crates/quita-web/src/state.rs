//! Shared state of every handler.

use std::sync::Arc;

use quita_app::{App, AppResult};
use tokio::sync::OnceCell;

#[derive(Debug, Clone)]
pub struct WebSettings {
    /// The address people use (scheme decides the cookie `Secure` flag).
    pub public_url: String,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            body_limit: 2 * 1024 * 1024,
        }
    }
}

impl WebSettings {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub settings: WebSettings,
    /// Imports started from the UI. In-memory, so progress is per instance
    /// (see [`crate::imports`]).
    pub imports: crate::imports::ImportRegistry,
    csrf_key: Arc<OnceCell<Vec<u8>>>,
}

impl AppState {
    pub fn new(app: App, settings: WebSettings) -> Self {
        Self {
            app,
            settings,
            imports: Default::default(),
            csrf_key: Arc::default(),
        }
    }

    /// The instance CSRF key, read from the database once per process.
    pub async fn csrf_key(&self) -> AppResult<Vec<u8>> {
        self.csrf_key
            .get_or_try_init(|| self.app.csrf_key())
            .await
            .cloned()
    }
}
