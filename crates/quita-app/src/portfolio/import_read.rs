//! The reading half of an import: runs on a blocking thread, turns the
//! file into batches of parsed rows and the problems found on the way, and
//! hands them to the writer over a bounded channel, so parsing one batch
//! overlaps writing the previous one and memory stays bounded.

use std::{
    collections::{HashMap, hash_map::Entry},
    hash::{BuildHasher, BuildHasherDefault, Hash, Hasher, RandomState},
    io::Read,
};

use quita_core::import_row::{ImportField, ImportHeader, ImportRow, column_as_written};
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
    let written = header.fields.clone();
    // Cells past the last named column (a spreadsheet's trailing `;;`) are
    // not read; the first one that holds a value is told, once.
    let named_width = written
        .iter()
        .rposition(|h| !h.trim().is_empty())
        .map_or(0, |n| n + 1);
    let mut told_unnamed = false;
    // A phone or e-mail column is named as the file has it too, since a
    // file may have several (`Telefone 2`).
    let column = |field: ImportField, index: Option<usize>| -> String {
        let written = index.and_then(|i| written.get(i.checked_sub(1)?));
        match written {
            Some(w) if matches!(field, ImportField::Phones | ImportField::Email) => {
                column_as_written(&field.to_string(), w)
            }
            _ => field.to_string(),
        }
    };
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
    let mut seen = FirstLines::default();
    let mut rows = Vec::with_capacity(BATCH);
    let mut problems = Vec::new();
    let mut warnings = column_warnings(&header);
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
        if !told_unnamed
            && let Some((i, value)) = record
                .fields
                .iter()
                .enumerate()
                // Under the header's blank cells; a field past the header
                // is the field count's problem.
                .take(written.len())
                .skip(named_width)
                .find(|(_, f)| !f.trim().is_empty())
        {
            told_unnamed = true;
            warnings.push(RowProblem::warning(
                record.line,
                String::new(),
                value.chars().take(100).collect(),
                &format!(
                    "coluna {} sem nome no cabeçalho tem valores: ignorados (nesta e em outras linhas)",
                    i + 1
                ),
            ));
        }
        if let Some(overflow) = &record.overflow {
            problems.push(overflow.problem(record.line));
        } else {
            let refs: Vec<&str> = record.fields.iter().map(String::as_str).collect();
            match header.read_row(&refs) {
                Ok(row) => {
                    let (number, installment) = row.identity();
                    if let Some(first) = seen.first(number.as_str(), installment, record.line) {
                        problems.push(RowProblem {
                            line: record.line,
                            column: "numero_documento".into(),
                            value: format!("{} parcela {installment}", number.as_str()),
                            reason: repeated_reason(first, number.zero_free().is_some()),
                        });
                    } else {
                        warnings.extend(row.warnings().iter().map(|w| {
                            let reason = format!("{}, valor descartado", w.reason);
                            RowProblem::warning(
                                record.line,
                                column(w.column, w.column_index),
                                w.value.clone(),
                                &reason,
                            )
                        }));
                        rows.push((record.line, row));
                    }
                }
                Err(refused) => {
                    problems.extend(refused.errors.into_iter().map(|e| RowProblem {
                        line: record.line,
                        column: column(e.column, e.column_index),
                        value: e.value.clone(),
                        reason: e.reason.to_string(),
                    }));
                    warnings.extend(refused.warnings.iter().map(|w| {
                        RowProblem::warning(
                            record.line,
                            column(w.column, w.column_index),
                            w.value.clone(),
                            &w.reason.to_string(),
                        )
                    }));
                }
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

/// The header's unknown columns, as warnings at line 1, in file order.
fn column_warnings(header: &ImportHeader) -> Vec<RowProblem> {
    header
        .unknown_columns()
        .iter()
        .map(|(position, name)| {
            let reason = format!("coluna {position} desconhecida, ignorada");
            RowProblem::warning(1, name.clone(), String::new(), &reason)
        })
        .collect()
}

/// Why a row is refused when its receivable (document number and
/// installment) already appeared in the file, naming where.
fn repeated_reason(first: FirstLine, digits_only: bool) -> String {
    match first {
        FirstLine::At(line) if digits_only => format!(
            "título repetido no arquivo (já na linha {line}, com o mesmo número ou o mesmo sem zeros à esquerda)"
        ),
        FirstLine::At(line) => format!("título repetido no arquivo (já na linha {line})"),
        FirstLine::Beyond => {
            "título repetido no arquivo (mesmo número do documento e parcela)".into()
        }
    }
}

/// Where an identity first appeared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FirstLine {
    At(u64),
    /// Past line 4,294,967,294: too far to remember.
    Beyond,
}

/// The line where each receivable identity (document number + installment)
/// first appeared in the file, so that a repeat names it. A number made of
/// digits only counts without its leading zeros (`000123` repeats `123`),
/// as the writer matches stored titles. An identity is
/// kept as a 96-bit keyed fingerprint beside a 32-bit line: 16 bytes an
/// entry, what a set of 128-bit fingerprints took before lines were kept.
/// Two identities of a file of ten million rows share a fingerprint with
/// probability about 2⁻⁵⁰.
#[derive(Default)]
struct FirstLines {
    lines: HashMap<Identity, u32, BuildHasherDefault<Prehashed>>,
    keys: (RandomState, RandomState),
}

/// A 96-bit keyed fingerprint of an identity.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Identity([u32; 3]);

impl Hash for Identity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Already a keyed hash: 64 of its bits serve as the bucket hash.
        state.write_u64((u64::from(self.0[0]) << 32) | u64::from(self.0[1]));
    }
}

/// The map's hasher: takes the 64 bits [`Identity`] hands it as they are.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only identities are hashed here; fold anything else in anyway.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

impl FirstLines {
    /// `None` the first time an identity is offered (its `line` is
    /// remembered); else where it first appeared.
    fn first(&mut self, number: &str, installment: u16, line: u64) -> Option<FirstLine> {
        let number = quita_core::receivable::zero_free(number).unwrap_or(number);
        let half = |keys: &RandomState| {
            let mut h = keys.build_hasher();
            h.write_usize(number.len());
            h.write(number.as_bytes());
            h.write_u16(installment);
            h.finish()
        };
        let (a, b) = (half(&self.keys.0), half(&self.keys.1));
        let id = Identity([(a >> 32) as u32, a as u32, (b >> 32) as u32]);
        match self.lines.entry(id) {
            Entry::Occupied(e) => Some(match *e.get() {
                u32::MAX => FirstLine::Beyond,
                l => FirstLine::At(u64::from(l)),
            }),
            Entry::Vacant(e) => {
                e.insert(u32::try_from(line).unwrap_or(u32::MAX));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{FirstLine, FirstLines, repeated_reason};

    #[test]
    fn a_repeat_names_the_first_line() {
        let mut seen = FirstLines::default();
        assert_eq!(seen.first("NF-1", 1, 2), None);
        assert_eq!(seen.first("NF-1", 2, 3), None);
        assert_eq!(seen.first("NF-11", 1, 4), None);
        assert_eq!(seen.first("NF-1", 1, 7), Some(FirstLine::At(2)));
        assert_eq!(
            seen.first("NF-11", 1, 9),
            Some(FirstLine::At(4)),
            "the first, not the last"
        );
        assert_eq!(seen.first("NF-11", 1, 10), Some(FirstLine::At(4)));
        assert_eq!(seen.first("X", 1, u64::from(u32::MAX) + 5), None);
        // Digits only: leading zeros do not count; with a letter, they do.
        assert_eq!(seen.first("000123", 1, 20), None);
        assert_eq!(seen.first("123", 1, 21), Some(FirstLine::At(20)));
        assert_eq!(seen.first("0123", 1, 22), Some(FirstLine::At(20)));
        assert_eq!(seen.first("000", 1, 23), None);
        assert_eq!(seen.first("0", 1, 24), Some(FirstLine::At(23)));
        assert_eq!(seen.first("NF-0123", 1, 25), None);
        assert_eq!(seen.first("NF-123", 1, 26), None);
        assert_eq!(
            seen.first("X", 1, u64::from(u32::MAX) + 9),
            Some(FirstLine::Beyond)
        );
        assert_eq!(
            repeated_reason(FirstLine::At(7), false),
            "título repetido no arquivo (já na linha 7)"
        );
        assert_eq!(
            repeated_reason(FirstLine::At(7), true),
            "título repetido no arquivo (já na linha 7, com o mesmo número ou o mesmo sem zeros à esquerda)"
        );
    }
}
