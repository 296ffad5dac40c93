//! Reading the rows of an import file: CSV (`;` or `,`, UTF-8 with or
//! without BOM, or Windows-1252, decided per field) streamed record by
//! record, or the first sheet of an XLSX workbook.

use std::{
    collections::VecDeque,
    io::{BufRead, BufReader, Read},
    sync::{Arc, Mutex},
};

/// Where the line breaks are, for the part of the stream the CSV reader may
/// still report on (the csv crate's own line numbers are off by one on CRLF
/// files). Offsets before the current record are folded into a count.
#[derive(Default)]
pub struct LineIndex {
    newlines: VecDeque<u64>,
    before: u64,
    offset: u64,
}

impl LineIndex {
    /// Line breaks before `end`, and whether the byte just before `end` is
    /// one; forgets them, so memory stays bounded by the read-ahead.
    fn breaks_before(&mut self, end: u64) -> (u64, bool) {
        let mut last_is_break = false;
        while let Some(&nl) = self.newlines.front().filter(|&&nl| nl < end) {
            last_is_break = nl + 1 == end;
            self.newlines.pop_front();
            self.before += 1;
        }
        (self.before, last_is_break)
    }

    /// The 1-based line of the byte at `byte` (a record start); forgets the
    /// breaks before it, so memory stays bounded by the read-ahead.
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.newlines.front().is_some_and(|&nl| nl <= byte) {
            self.newlines.pop_front();
            self.before += 1;
        }
        self.before + 1
    }
}

/// A reader that records the offsets of `\n` bytes as they pass.
pub struct LineCounter<R> {
    inner: R,
    index: Arc<Mutex<LineIndex>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut idx = self.index.lock().unwrap_or_else(|p| p.into_inner());
        let start = idx.offset;
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                idx.newlines.push_back(start + i as u64);
            }
        }
        idx.offset += n as u64;
        Ok(n)
    }
}

/// Why a file cannot be read at all (the whole import is refused).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("o arquivo está vazio")]
    Empty,
    #[error("o arquivo parece binário (byte nulo na linha {line}); envie CSV ou XLSX")]
    Binary { line: u64 },
    #[error("linha {line}: {message}")]
    Malformed { line: u64, message: String },
    #[error("planilha XLSX inválida: {0}")]
    Xlsx(String),
    #[error("erro de leitura: {0}")]
    Io(String),
}

/// One record: its 1-based line number in the file and its fields.
pub struct Record {
    pub line: u64,
    pub fields: Vec<String>,
}

pub enum RowSource<R: Read> {
    Csv {
        reader: csv::Reader<LineCounter<BufReader<R>>>,
        record: csv::ByteRecord,
        lines: Arc<Mutex<LineIndex>>,
    },
    Xlsx {
        rows: std::vec::IntoIter<Vec<String>>,
        line: u64,
        /// The workbook's size (it is read whole).
        total: u64,
    },
}

fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

impl<R: Read> RowSource<R> {
    /// How far into the file reading has got, in bytes (for progress; the
    /// CSV reader may have read up to one buffer ahead of the last record).
    pub fn bytes_read(&self) -> u64 {
        match self {
            RowSource::Csv { lines, .. } => lines.lock().map_or(0, |l| l.offset),
            RowSource::Xlsx { total, .. } => *total,
        }
    }

    /// Opens a CSV stream: skips a UTF-8 BOM and picks the delimiter that
    /// occurs more often in the header line.
    pub fn csv(input: R) -> Result<Self, FileError> {
        let mut buf = BufReader::with_capacity(256 * 1024, input);
        let head = buf.fill_buf().map_err(|e| FileError::Io(e.to_string()))?;
        if head.is_empty() {
            return Err(FileError::Empty);
        }
        if let Some(pos) = head.iter().position(|b| *b == 0) {
            let line = 1 + head[..pos].iter().filter(|b| **b == b'\n').count() as u64;
            return Err(FileError::Binary { line });
        }
        let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
        let first_line_end = head.iter().position(|b| *b == b'\n').unwrap_or(head.len());
        let first = &head[..first_line_end];
        let semis = first.iter().filter(|b| **b == b';').count();
        let commas = first.iter().filter(|b| **b == b',').count();
        let delimiter = if commas > semis { b',' } else { b';' };
        if bom {
            buf.consume(3);
        }
        let lines = Arc::new(Mutex::new(LineIndex::default()));
        let counted = LineCounter {
            inner: buf,
            index: lines.clone(),
        };
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(256 * 1024)
            .from_reader(counted);
        Ok(RowSource::Csv {
            reader,
            record: csv::ByteRecord::new(),
            lines,
        })
    }

    /// The next record, `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<Record>, FileError> {
        match self {
            RowSource::Csv {
                reader,
                record,
                lines,
            } => {
                match reader.read_byte_record(record) {
                    Ok(false) => Ok(None),
                    Ok(true) => {
                        // The record's start as the csv crate reports it can
                        // sit before skipped blank lines, so count from its
                        // end (the reader stands just past the record and its
                        // line break, if any) back over any break inside it.
                        let end = reader.position().byte();
                        let inner: u64 = record
                            .iter()
                            .map(|f| f.iter().filter(|b| **b == b'\n').count() as u64)
                            .sum();
                        let ends_inside = record
                            .iter()
                            .next_back()
                            .is_some_and(|f| f.ends_with(b"\n"));
                        let (breaks, last_is_break) = lines
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .breaks_before(end);
                        let own_break = u64::from(last_is_break && !ends_inside);
                        let line = (breaks + 1).saturating_sub(inner + own_break).max(1);
                        if record.iter().any(|f| f.contains(&0)) {
                            return Err(FileError::Binary { line });
                        }
                        // No column of the layout spans lines: a line break inside a
                        // field means a quote was opened and never closed.
                        if record.iter().any(|f| f.contains(&b'\n')) {
                            return Err(FileError::Malformed {
                                line,
                                message: "aspas não fechadas: o campo aberto nesta linha vai até o fim do arquivo ou de outra linha".into(),
                            });
                        }
                        Ok(Some(Record {
                            line,
                            fields: record.iter().map(decode).collect(),
                        }))
                    }
                    Err(e) => {
                        let byte = e.position().map_or(0, |p| p.byte());
                        let line = lines
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .line_at(byte);
                        let message = match e.kind() {
                            csv::ErrorKind::Io(io) => io.to_string(),
                            other => format!("CSV malformado ({other:?})"),
                        };
                        Err(FileError::Malformed { line, message })
                    }
                }
            }
            RowSource::Xlsx { rows, line, .. } => {
                *line += 1;
                Ok(rows.next().map(|fields| Record {
                    line: *line,
                    fields,
                }))
            }
        }
    }
}

impl RowSource<std::io::Empty> {
    /// Reads the first sheet of an XLSX workbook. Cells become text the way
    /// the CSV would carry them: dates as dd/mm/aaaa, numbers without
    /// thousands separators, long digit strings (CPF/CNPJ) kept whole.
    pub fn xlsx(bytes: Vec<u8>) -> Result<Self, FileError> {
        use calamine::{Data, Reader, Xlsx};
        let total = bytes.len() as u64;
        if bytes.is_empty() {
            return Err(FileError::Empty);
        }
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e: calamine::XlsxError| FileError::Xlsx(e.to_string()))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| FileError::Xlsx("a planilha não tem abas".into()))?
            .map_err(|e| FileError::Xlsx(e.to_string()))?;
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Empty => String::new(),
                        Data::String(s) => s.clone(),
                        Data::Int(i) => i.to_string(),
                        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                            format!("{}", f.trunc() as i64)
                        }
                        Data::Float(f) => format!("{f}"),
                        Data::Bool(b) => b.to_string(),
                        Data::DateTime(d) => excel_date(d.as_f64()),
                        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
                        Data::Error(e) => format!("#{e:?}"),
                    })
                    .collect()
            })
            .collect();
        if rows.is_empty() {
            return Err(FileError::Empty);
        }
        Ok(RowSource::Xlsx {
            rows: rows.into_iter(),
            line: 0,
            total,
        })
    }
}

/// An Excel serial day (1900 system, with its phantom 29/02/1900) as dd/mm/aaaa.
fn excel_date(serial: f64) -> String {
    let days = serial.floor() as i64;
    // Serial 60 is the non-existent 1900-02-29; later serials are one day ahead.
    let offset = if days >= 60 { days - 1 } else { days };
    let base = jiff::civil::date(1899, 12, 31);
    match base.checked_add(jiff::Span::new().days(offset)) {
        Ok(d) => d.strftime("%d/%m/%Y").to_string(),
        Err(_) => serial.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(src: &mut RowSource<&[u8]>) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        while let Some(r) = src.next_record().unwrap() {
            out.push((r.line, r.fields));
        }
        out
    }

    #[test]
    fn csv_semicolon_bom_and_latin1() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(b"nome;valor\r\nJo\xe3o;1.234,56\r\n\"Maria; filha\";10\n");
        let mut src = RowSource::csv(&bytes[..]).unwrap();
        let rows = all(&mut src);
        assert_eq!(rows[0].1, ["nome", "valor"]);
        assert_eq!(rows[1], (2, vec!["João".to_owned(), "1.234,56".to_owned()]));
        assert_eq!(
            rows[2],
            (3, vec!["Maria; filha".to_owned(), "10".to_owned()])
        );
    }

    #[test]
    fn line_numbers_with_both_line_ends() {
        for text in [&b"a;b\n1;2\n3;4\n"[..], &b"a;b\r\n1;2\r\n3;4"[..]] {
            let mut src = RowSource::csv(text).unwrap();
            let lines: Vec<u64> = all(&mut src).into_iter().map(|(l, _)| l).collect();
            assert_eq!(lines, [1, 2, 3]);
        }
    }

    #[test]
    fn line_numbers_after_blank_lines() {
        for text in [
            &b"a;b\n\n1;2\n\n\n3;4\n"[..],
            &b"a;b\r\n\r\n1;2\r\n\r\n\r\n3;4\r\n"[..],
            &b"a;b\r\n\r\n1;2\r\n\r\n\r\n3;4"[..],
        ] {
            let mut src = RowSource::csv(text).unwrap();
            let lines: Vec<u64> = all(&mut src).into_iter().map(|(l, _)| l).collect();
            assert_eq!(lines, [1, 3, 6], "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn csv_comma_delimiter() {
        let mut src = RowSource::csv(&b"a,b\n1,\"2,5\"\n"[..]).unwrap();
        assert_eq!(all(&mut src)[1].1, ["1", "2,5"]);
    }

    #[test]
    fn empty_and_binary_files_are_refused() {
        assert_eq!(RowSource::csv(&b""[..]).err(), Some(FileError::Empty));
        assert_eq!(
            RowSource::csv(&b"a;b\n\x00\x01"[..]).err(),
            Some(FileError::Binary { line: 2 })
        );
    }

    #[test]
    fn unbalanced_quotes_are_refused_with_the_line() {
        let mut src = RowSource::csv(&b"a;b\n1;2\n\"3;4\n5;6\n"[..]).unwrap();
        src.next_record().unwrap();
        src.next_record().unwrap();
        assert!(matches!(
            src.next_record(),
            Err(FileError::Malformed { line: 3, .. })
        ));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_date(45658.0), "01/01/2025");
        assert_eq!(excel_date(1.0), "01/01/1900");
    }
}
