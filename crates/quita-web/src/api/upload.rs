//! A file sent as an API request's whole body (the receivables and the
//! contacts imports): which kind it is, and the body spooled to disk.

use axum::body::{Body, HttpBody as _};
use quita_app::{AppError, portfolio::import::FileKind};

use crate::{error::ApiError, imports::Spool};

/// `format` (`csv` or `xlsx`) when given; else `xlsx` if `file_name` ends
/// in `.xlsx`, else CSV.
pub fn file_kind(format: Option<&str>, file_name: Option<&str>) -> Result<FileKind, ApiError> {
    match format {
        None => Ok(file_name.map_or(FileKind::Csv, FileKind::of_name)),
        Some("csv") => Ok(FileKind::Csv),
        Some("xlsx") => Ok(FileKind::Xlsx),
        Some(other) => Err(ApiError(AppError::invalid(
            "format",
            format!("unknown format {other:?} (csv or xlsx)"),
        ))),
    }
}

/// The body written to a temporary file as it arrives; `None` when it runs
/// over the route's limit (the outer middleware answers the bare 413 with
/// the limit named). An empty body is refused.
pub async fn spool_body(mut body: Body) -> Result<Option<Spool>, ApiError> {
    let mut spool = Spool::new()?;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = match frame {
            Ok(f) => f,
            Err(e) if crate::error::is_over_limit(&e) => return Ok(None),
            Err(e) => return Err(AppError::invalid("body", e).into()),
        };
        if let Ok(chunk) = frame.into_data() {
            spool.write(&chunk)?;
        }
    }
    if spool.size == 0 {
        return Err(ApiError(AppError::invalid("body", "empty file (0 bytes)")));
    }
    Ok(Some(spool))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_comes_from_format_then_the_file_name() {
        let kind = |f, n| file_kind(f, n).ok();
        assert_eq!(kind(None, None), Some(FileKind::Csv));
        assert_eq!(kind(None, Some("carteira.XLSX")), Some(FileKind::Xlsx));
        assert_eq!(
            kind(Some("csv"), Some("carteira.xlsx")),
            Some(FileKind::Csv)
        );
        assert_eq!(kind(Some("xlsx"), None), Some(FileKind::Xlsx));
        assert_eq!(kind(Some("xls"), None), None);
    }
}
