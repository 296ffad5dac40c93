//! Uploads spooled to a temporary file, so an import reads from disk
//! whatever the size, after the request has ended. The file holds a whole
//! portfolio (names, CPFs, phones): only this process may read it (mode
//! 0600), and on Unix its name is removed as soon as it is open, so a crash
//! or a `kill -9` leaves no copy behind.

use std::{
    io::{Seek, Write},
    path::PathBuf,
};

use axum::body::Bytes;
use quita_app::{AppError, AppResult};

use super::random_id;

/// The largest file accepted for an import.
pub const IMPORT_LIMIT: usize = 200 * 1024 * 1024;

/// A spooled upload on disk, deleted when dropped (on Unix, unnamed from
/// the start).
pub struct Spool {
    /// The file's name while it has one (not on Unix, once open).
    path: Option<PathBuf>,
    file: std::fs::File,
    pub size: usize,
}

impl Spool {
    pub fn new() -> AppResult<Self> {
        let path = std::env::temp_dir().join(format!("quita-import-{}.tmp", random_id()));
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(&path)
            .map_err(|e| AppError::Internal(e.into()))?;
        // Unix keeps an open file's data after its name goes.
        let path = if cfg!(unix) && std::fs::remove_file(&path).is_ok() {
            None
        } else {
            Some(path)
        };
        Ok(Self {
            path,
            file,
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
        self.file
            .write_all(chunk)
            .map_err(|e| AppError::Internal(e.into()))
    }

    /// The spooled file from its start, for reading (the writes are done).
    pub fn reader(&mut self) -> AppResult<std::io::BufReader<std::fs::File>> {
        let internal = |e: std::io::Error| AppError::Internal(e.into());
        self.file.flush().map_err(internal)?;
        let mut f = self.file.try_clone().map_err(internal)?;
        f.rewind().map_err(internal)?;
        Ok(std::io::BufReader::with_capacity(256 * 1024, f))
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_spool_reads_back_what_was_written_and_has_no_name() {
        let mut spool = Spool::new().unwrap();
        #[cfg(unix)]
        assert!(spool.path.is_none(), "unnamed once open");
        spool
            .write(&Bytes::from_static(b"documento_devedor;"))
            .unwrap();
        spool.write(&Bytes::from_static(b"nome\n")).unwrap();
        let mut text = String::new();
        spool.reader().unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "documento_devedor;nome\n");
        // Read twice (a retry), the same.
        let mut again = String::new();
        spool.reader().unwrap().read_to_string(&mut again).unwrap();
        assert_eq!(again, text);
    }
}
