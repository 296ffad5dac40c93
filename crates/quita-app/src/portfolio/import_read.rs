//! The reading half of an import: runs on a blocking thread, turns the
//! file into batches of parsed rows and the problems found on the way, and
//! hands them to the writer over a bounded channel, so parsing one batch
//! overlaps writing the previous one and memory stays bounded.

use std::io::Read;

use quita_core::import_row::{ImportHeader, ImportRow};
use tokio::sync::mpsc;

use super::{
    fingerprints::FingerprintSet,
    import::{ImportProgress, RowProblem, file_problem},
    rows::{FileError, RowSource},
};

/// Rows per batch handed to the writer.
pub(super) const BATCH: usize = 5000;

/// What the reader sends.
pub(super) enum Parsed {
    /// The file cannot be read at all (nothing may be written).
    Refused(Vec<RowProblem>),
    /// The next rows: the valid ones in file order, the problems found in
    /// the same stretch of the file, and the warnings (optional values
    /// dropped from valid rows, unknown columns) that refuse nothing.
    Batch {
        rows: Vec<(u64, ImportRow)>,
        problems: Vec<RowProblem>,
        warnings: Vec<RowProblem>,
        /// Data rows read so far (not counting blank lines or the header).
        read: ImportProgress,
    },
}

/// Reads `source` to its end (or to the first file-level fault), sending
/// batches into `out`. Returns when the file ends or the writer hangs up.
pub(super) fn read_rows<R: Read>(
    source: Result<RowSource<R>, FileError>,
    out: &mpsc::Sender<Parsed>,
) {
    let refuse = |p: RowProblem| {
        let _ = out.blocking_send(Parsed::Refused(vec![p]));
    };
    let mut source = match source {
        Ok(s) => s,
        Err(e) => return refuse(file_problem(e)),
    };
    let header = match source.next_record() {
        Ok(Some(h)) => h,
        Ok(None) => return refuse(file_problem(FileError::Empty)),
        Err(e) => return refuse(file_problem(e)),
    };
    let fields: Vec<&str> = header.fields.iter().map(String::as_str).collect();
    let header = match ImportHeader::parse(&fields) {
        Ok(h) => h,
        Err(errors) => {
            let problems = errors
                .into_iter()
                .map(|e| RowProblem {
                    line: 1,
                    column: String::new(),
                    value: String::new(),
                    reason: e.to_string(),
                })
                .collect();
            let _ = out.blocking_send(Parsed::Refused(problems));
            return;
        }
    };

    // Identities (document number + installment) met so far in the file.
    let mut seen = FingerprintSet::default();
    let mut rows = Vec::with_capacity(BATCH);
    let mut problems = Vec::new();
    let mut warnings: Vec<RowProblem> = header
        .unknown_columns()
        .iter()
        .map(|(position, name)| {
            let reason = format!("coluna {position} desconhecida, ignorada");
            RowProblem::warning(1, name.clone(), String::new(), &reason)
        })
        .collect();
    let mut read = ImportProgress::default();
    loop {
        let record = match source.next_record() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            // A broken file is refused whole, even with `partial`.
            Err(e) => return refuse(file_problem(e)),
        };
        if record.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        read.rows += 1;
        if let Some(overflow) = &record.overflow {
            problems.push(overflow.problem(record.line));
        } else {
            let refs: Vec<&str> = record.fields.iter().map(String::as_str).collect();
            match header.parse_row(&refs) {
                Ok(row) => {
                    let (number, installment) = row.identity();
                    if seen.insert(&[number.as_str().as_bytes(), &installment.to_le_bytes()]) {
                        warnings.extend(row.warnings().iter().map(|w| {
                            let reason = format!("{}, valor descartado", w.reason);
                            RowProblem::warning(
                                record.line,
                                w.column.to_string(),
                                w.value.clone(),
                                &reason,
                            )
                        }));
                        rows.push((record.line, row));
                    } else {
                        problems.push(RowProblem {
                            line: record.line,
                            column: "numero_documento".into(),
                            value: format!("{} parcela {installment}", number.as_str()),
                            reason:
                                "título repetido no arquivo (mesmo número do documento e parcela)"
                                    .into(),
                        });
                    }
                }
                Err(errors) => problems.extend(errors.into_iter().map(|e| RowProblem {
                    line: record.line,
                    column: e.column.to_string(),
                    value: e.value.clone(),
                    reason: e.reason.to_string(),
                })),
            }
        }
        if rows.len() + problems.len() >= BATCH {
            read.bytes = source.bytes_read();
            let batch = Parsed::Batch {
                rows: std::mem::replace(&mut rows, Vec::with_capacity(BATCH)),
                problems: std::mem::take(&mut problems),
                warnings: std::mem::take(&mut warnings),
                read,
            };
            if out.blocking_send(batch).is_err() {
                return;
            }
        }
    }
    read.bytes = source.bytes_read();
    let _ = out.blocking_send(Parsed::Batch {
        rows,
        problems,
        warnings,
        read,
    });
}
