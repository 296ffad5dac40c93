//! Uploads spooled to a temporary file, so an import reads from disk
//! whatever the size, after the request has ended.

use std::{io::Write, path::PathBuf};

use axum::body::Bytes;
use quita_app::{AppError, AppResult};

use super::random_id;

/// The largest file accepted for an import.
pub const IMPORT_LIMIT: usize = 200 * 1024 * 1024;

/// A spooled upload on disk, deleted when dropped.
pub struct Spool {
    path: PathBuf,
    file: Option<std::fs::File>,
    pub size: usize,
}

impl Spool {
    pub fn new() -> AppResult<Self> {
        let path = std::env::temp_dir().join(format!("quita-import-{}.tmp", random_id()));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| AppError::Internal(e.into()))?;
        Ok(Self {
            path,
            file: Some(file),
            size: 0,
        })
    }

    /// Appends a chunk; refuses files above [`IMPORT_LIMIT`].
    pub fn write(&mut self, chunk: &Bytes) -> AppResult<()> {
        self.size += chunk.len();
        if self.size > IMPORT_LIMIT {
            return Err(AppError::invalid(
                "file",
                format!(
                    "arquivo maior que o limite de {} MB",
                    IMPORT_LIMIT / 1024 / 1024
                ),
            ));
        }
        match self.file.as_mut() {
            Some(f) => f.write_all(chunk).map_err(|e| AppError::Internal(e.into())),
            None => Err(AppError::Internal(anyhow::anyhow!("spool closed"))),
        }
    }

    /// Reopens the spooled file for reading.
    pub fn reader(&mut self) -> AppResult<std::io::BufReader<std::fs::File>> {
        if let Some(mut f) = self.file.take() {
            f.flush().map_err(|e| AppError::Internal(e.into()))?;
        }
        let f = std::fs::File::open(&self.path).map_err(|e| AppError::Internal(e.into()))?;
        Ok(std::io::BufReader::with_capacity(256 * 1024, f))
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        self.file.take();
        let _ = std::fs::remove_file(&self.path);
    }
}
