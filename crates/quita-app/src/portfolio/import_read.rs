//! The reading half of an import: runs on a blocking thread, turns the
//! file into batches of parsed rows and the problems found on the way, and
//! hands them to the writer over a bounded channel, so parsing one batch
//! overlaps writing the previous one and memory stays bounded.

use std::{
    collections::HashSet,
    hash::{BuildHasher, Hasher},
    io::Read,
};

use quita_core::import_row::{ImportHeader, ImportRow};
use tokio::sync::mpsc;

use super::{
    import::{ImportProgress, RowProblem, file_problem},
    rows::{FileError, RowSource},
};

/// Rows per batch handed to the writer.
pub(super) const BATCH: usize = 5000;

/// What the reader sends.
pub(super) enum Parsed {
    /// The file cannot be read at all (nothing may be written).
    Refused(Vec<RowProblem>),
    /// The next rows: the valid ones in file order and the problems found
    /// in the same stretch of the file.
    Batch {
        rows: Vec<(u64, ImportRow)>,
        problems: Vec<RowProblem>,
        /// Data rows read so far (not counting blank lines or the header).
        read: ImportProgress,
    },
}

/// Identities seen so far in the file, as 128-bit hashes: a million rows
/// cost 16 MB instead of a million strings. Two different identities share
/// a hash with probability about 2⁻¹⁰⁰ for a file of a million rows.
struct SeenIdentities {
    set: HashSet<u128>,
    keys: (std::hash::RandomState, std::hash::RandomState),
}

impl SeenIdentities {
    fn new() -> Self {
        Self {
            set: HashSet::new(),
            keys: Default::default(),
        }
    }

    /// True the first time an identity is offered.
    fn insert(&mut self, document_number: &str, installment: u16) -> bool {
        let half = |s: &std::hash::RandomState| {
            let mut h = s.build_hasher();
            h.write_usize(document_number.len());
            h.write(document_number.as_bytes());
            h.write_u16(installment);
            h.finish()
        };
        let key = (u128::from(half(&self.keys.0)) << 64) | u128::from(half(&self.keys.1));
        self.set.insert(key)
    }
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

    let mut seen = SeenIdentities::new();
    let mut rows = Vec::with_capacity(BATCH);
    let mut problems = Vec::new();
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
        let refs: Vec<&str> = record.fields.iter().map(String::as_str).collect();
        match header.parse_row(&refs) {
            Ok(row) => {
                let (number, installment) = row.identity();
                if seen.insert(number.as_str(), installment) {
                    rows.push((record.line, row));
                } else {
                    problems.push(RowProblem {
                        line: record.line,
                        column: "numero_documento".into(),
                        value: format!("{} parcela {installment}", number.as_str()),
                        reason: "título repetido no arquivo (mesmo número do documento e parcela)"
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
        if rows.len() + problems.len() >= BATCH {
            read.bytes = source.bytes_read();
            let batch = Parsed::Batch {
                rows: std::mem::replace(&mut rows, Vec::with_capacity(BATCH)),
                problems: std::mem::take(&mut problems),
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
        read,
    });
}

#[cfg(test)]
mod tests {
    use super::SeenIdentities;

    #[test]
    fn identities_are_told_apart() {
        let mut seen = SeenIdentities::new();
        assert!(seen.insert("NF-1", 1));
        assert!(seen.insert("NF-1", 2));
        assert!(seen.insert("NF-11", 1));
        assert!(!seen.insert("NF-1", 1));
    }
}
