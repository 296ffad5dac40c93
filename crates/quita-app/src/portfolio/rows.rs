//! Reading the rows of an import file: CSV (`;`, `,` or tab; UTF-8 with or
//! without BOM, or Windows-1252, decided per field; or UTF-16 with its BOM)
//! streamed record by record, or the first sheet with data of an XLSX
//! workbook.

use std::{
    collections::VecDeque,
    io::{BufRead, BufReader, Read},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use super::utf16::{self, Utf16Reader};

/// Where the line breaks are, for the part of the stream the CSV reader may
/// still report on (the csv crate's own line numbers are off by one on CRLF
/// files). Offsets before the current record are folded into a count.
#[derive(Default)]
pub struct LineIndex {
    newlines: VecDeque<u64>,
    before: u64,
    offset: u64,
    /// Where the last record read ended: reading more than
    /// [`MAX_RECORD_BYTES`] past it means one record never ends.
    record_end: u64,
}

/// The most one record (with the reader's look-ahead) may take. A quote left
/// open near the start of a large file would otherwise make the rest of the
/// file one field, held in memory.
const MAX_RECORD_BYTES: u64 = 8 * 1024 * 1024;

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
        let mut idx = self.index.lock().unwrap_or_else(|p| p.into_inner());
        if idx.offset - idx.record_end > MAX_RECORD_BYTES {
            return Err(std::io::Error::other(RUNAWAY_RECORD));
        }
        let n = self.inner.read(buf)?;
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

/// Said of a record that runs past [`MAX_RECORD_BYTES`]: a quote left open
/// swallowing the lines after it, or one line that long; the reader cannot
/// tell which without holding it.
const RUNAWAY_RECORD: &str = "o registro desta linha passa de 8 MB, o maior aceito: aspas não fechadas, ou uma linha longa demais";

/// Why a file cannot be read at all (the whole import is refused).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("o arquivo está vazio")]
    Empty,
    #[error("o arquivo parece binário (byte nulo na linha {line}); envie CSV ou XLSX")]
    Binary { line: u64 },
    #[error(
        "o arquivo é uma planilha do Excel 97-2003 (.xls), que o Quita não lê: abra-a e salve como .xlsx ou CSV"
    )]
    Xls,
    /// A web page (many ERPs export a report as an HTML table named `.xls`).
    #[error(
        "o arquivo é uma página HTML (alguns sistemas exportam assim com a extensão .xls): abra-o no Excel e salve como .xlsx ou CSV"
    )]
    Html,
    /// `line` is given apart (the report has a column for it).
    #[error("{message}")]
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
    /// More fields than the header, some of them filled: a delimiter too
    /// many has shifted the values after it.
    pub overflow: Option<Overflow>,
}

/// A record with more fields than the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overflow {
    pub fields: usize,
    pub header: usize,
}

impl Overflow {
    /// The row's problem, for the report.
    pub fn problem(&self, line: u64) -> super::import::RowProblem {
        super::import::RowProblem {
            line,
            column: String::new(),
            value: String::new(),
            reason: format!(
                "a linha tem {} campos e o cabeçalho {}: um separador a mais desloca os valores (ponha entre aspas o campo que o contém)",
                self.fields, self.header
            ),
        }
    }
}

/// A CSV file's text as UTF-8 (or, for a single-byte file, as it is).
pub enum Text<R> {
    Plain(BufReader<R>),
    Utf16(Utf16Reader<BufReader<R>>),
}

impl<R: Read> Read for Text<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Text::Plain(r) => r.read(buf),
            Text::Utf16(r) => r.read(buf),
        }
    }
}

/// Whether an OLE2 file holds an encrypted OOXML workbook (a
/// password-protected .xlsx): its `EncryptedPackage` stream is named in the
/// file's directory, in UTF-16.
fn encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

/// How an Excel 97-2003 workbook (an OLE2 compound file) starts.
const OLE2_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Whether `head` (a file's first bytes) is an HTML document: its first
/// tag, after a BOM and blanks, is `<!doctype html`, `<html`, `<table`, or
/// a `<meta`/`<head`/`<body` one.
fn is_html(head: &[u8]) -> bool {
    let text = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let first: Vec<u8> = text[start..]
        .iter()
        .take(16)
        .map(u8::to_ascii_lowercase)
        .collect();
    [
        "<!doctype html",
        "<html",
        "<table",
        "<meta",
        "<head",
        "<body",
    ]
    .iter()
    .any(|tag| first.starts_with(tag.as_bytes()))
}

pub enum RowSource<R: Read> {
    Csv {
        /// Boxed: the reader's state is large beside the other source's.
        reader: Box<csv::Reader<LineCounter<BufReader<Text<R>>>>>,
        record: csv::ByteRecord,
        lines: Arc<Mutex<LineIndex>>,
        /// A UTF-16 file: the bytes read from it, which progress counts
        /// (the lines' offsets are in the decoded text).
        raw_read: Option<Arc<AtomicU64>>,
        delimiter: u8,
        /// Fields of the header (the first record), once read.
        header_len: Option<usize>,
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
            RowSource::Csv {
                raw_read: Some(raw),
                ..
            } => raw.load(Ordering::Relaxed),
            RowSource::Csv { lines, .. } => lines.lock().map_or(0, |l| l.offset),
            RowSource::Xlsx { total, .. } => *total,
        }
    }

    /// Opens a CSV stream: decodes UTF-16 (told by its BOM), skips a UTF-8
    /// BOM and picks the delimiter (`;`, `,` or tab) that occurs most often
    /// in the header line.
    pub fn csv(input: R) -> Result<Self, FileError> {
        const CAPACITY: usize = 256 * 1024;
        let mut raw = BufReader::with_capacity(CAPACITY, input);
        let head = raw.fill_buf().map_err(|e| FileError::Io(e.to_string()))?;
        let (text, raw_read) = match utf16::sniff(head) {
            Some(encoding) => {
                let decoded = Utf16Reader::new(raw, encoding);
                let counted = decoded.raw_read();
                (Text::Utf16(decoded), Some(counted))
            }
            None => (Text::Plain(raw), None),
        };
        // Reads through `raw`'s buffer once, then past it (a read as large
        // as its capacity bypasses it).
        let mut buf = BufReader::with_capacity(CAPACITY, text);
        let head = buf.fill_buf().map_err(|e| FileError::Io(e.to_string()))?;
        if head.is_empty() {
            return Err(FileError::Empty);
        }
        // A workbook sent without saying so (no `.xlsx` name, no format):
        // read as the workbook it is, whole, as workbooks are; an OLE2 file
        // the same way, which tells an encrypted .xlsx from an .xls.
        if head.starts_with(b"PK\x03\x04") || head.starts_with(&OLE2_SIGNATURE) {
            let mut bytes = Vec::new();
            buf.read_to_end(&mut bytes)
                .map_err(|e| FileError::Io(e.to_string()))?;
            return Self::workbook(bytes);
        }
        if is_html(head) {
            return Err(FileError::Html);
        }
        if let Some(pos) = head.iter().position(|b| *b == 0) {
            let line = 1 + head[..pos].iter().filter(|b| **b == b'\n').count() as u64;
            return Err(FileError::Binary { line });
        }
        let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
        let first_line_end = head.iter().position(|b| *b == b'\n').unwrap_or(head.len());
        let first = &head[..first_line_end];
        let count = |d: u8| first.iter().filter(|b| **b == d).count();
        // `;` unless another is more frequent; a tie keeps the earlier.
        let delimiter = [b';', b',', b'\t']
            .into_iter()
            .fold((b';', 0), |best, d| {
                let n = count(d);
                if n > best.1 { (d, n) } else { best }
            })
            .0;
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
            reader: Box::new(reader),
            record: csv::ByteRecord::new(),
            lines,
            raw_read,
            delimiter,
            header_len: None,
        })
    }

    /// The next record, `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<Record>, FileError> {
        match self {
            RowSource::Csv {
                reader,
                record,
                lines,
                delimiter,
                header_len,
                ..
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
                        let (breaks, last_is_break) = {
                            let mut idx = lines.lock().unwrap_or_else(|p| p.into_inner());
                            idx.record_end = end;
                            idx.breaks_before(end)
                        };
                        let own_break = u64::from(last_is_break && !ends_inside);
                        let line = (breaks + 1).saturating_sub(inner + own_break).max(1);
                        if record.iter().any(|f| f.contains(&0)) {
                            return Err(FileError::Binary { line });
                        }
                        let multi_line = record.iter().any(|f| f.contains(&b'\n'));
                        if multi_line && !is_multi_line_cell(record, *delimiter, *header_len) {
                            // The first field that runs over a line break is
                            // the one whose quote did not close.
                            let column = record
                                .iter()
                                .position(|f| f.contains(&b'\n'))
                                .map_or(1, |i| i + 1);
                            return Err(FileError::Malformed {
                                line,
                                message: format!(
                                    "aspas não fechadas na coluna {column}: o campo aberto nesta linha vai até o fim do arquivo ou de outra linha"
                                ),
                            });
                        }
                        let header = *header_len.get_or_insert(record.len());
                        let overflow = (record.len() > header
                            && record
                                .iter()
                                .skip(header)
                                .any(|f| !f.trim_ascii().is_empty()))
                        .then(|| Overflow {
                            fields: record.len(),
                            header,
                        });
                        let fields = if multi_line {
                            record.iter().map(|f| one_line(&decode(f))).collect()
                        } else {
                            record.iter().map(decode).collect()
                        };
                        Ok(Some(Record {
                            line,
                            fields,
                            overflow,
                        }))
                    }
                    Err(e) => {
                        let byte = e.position().map_or(0, |p| p.byte());
                        let line = lines
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .line_at(byte);
                        let message = match e.kind() {
                            csv::ErrorKind::Io(io) if io.to_string() == RUNAWAY_RECORD => {
                                RUNAWAY_RECORD.to_owned()
                            }
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
                    overflow: None,
                }))
            }
        }
    }
}

/// Whether a record with a line break inside a field is a spreadsheet cell
/// written on several lines (accepted) rather than a quote left open that
/// swallowed the lines after it (refused). A swallowed line brings its
/// delimiters along, so the record has more fields than the header, or the
/// field holds about a whole line's worth of delimiters; and a quote still
/// open at the end of the file leaves the field ending in its last line
/// break. A multi-line cell has none of these.
fn is_multi_line_cell(record: &csv::ByteRecord, delimiter: u8, header_len: Option<usize>) -> bool {
    let Some(header_len) = header_len else {
        return false;
    };
    record.len() <= header_len
        && record.iter().filter(|f| f.contains(&b'\n')).all(|f| {
            let delimiters = f.iter().filter(|b| **b == delimiter).count();
            delimiters + 1 < header_len.saturating_sub(1).max(1) && !f.ends_with(b"\n")
        })
}

/// A multi-line cell's text on one line: each line break (with the spaces
/// around it) becomes one space.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The most a workbook may hold unzipped, all its parts together: about
/// 300,000 rows of the import's columns. The sheet is read whole into
/// memory, so a few MB zipped must not unzip into gigabytes (a zip bomb).
pub const XLSX_UNZIPPED_MAX: u64 = 256 * 1024 * 1024;

/// Refuses a workbook whose parts unzip to more than `max` bytes (the
/// import's [`XLSX_UNZIPPED_MAX`]), measured by unzipping them (what the
/// archive declares may lie), a buffer at a time, stopping at the limit.
fn within_unzipped_limit(bytes: &[u8], max: u64) -> Result<(), FileError> {
    use std::io::Read;
    let not_xlsx =
        || FileError::Xlsx("o arquivo não abre como planilha (corrompido, ou não é .xlsx)".into());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|_| not_xlsx())?;
        loop {
            let n = part.read(&mut buf).map_err(|_| not_xlsx())?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > max {
                return Err(FileError::Xlsx(format!(
                    "descompactada, a planilha passa de {} MB; envie as linhas em CSV (sem limite de tamanho) ou em planilhas menores",
                    max.div_ceil(1024 * 1024)
                )));
            }
        }
    }
    Ok(())
}

impl RowSource<std::io::Empty> {
    /// Reads an XLSX workbook ([`RowSource::workbook`]), for a caller that
    /// has no stream to name.
    pub fn xlsx(bytes: Vec<u8>) -> Result<Self, FileError> {
        Self::workbook(bytes)
    }
}

impl<R: Read> RowSource<R> {
    /// Reads the first non-empty sheet of an XLSX workbook. Cells become text the way
    /// the CSV would carry them: dates as dd/mm/aaaa, numbers without
    /// thousands separators, long digit strings (CPF/CNPJ) kept whole.
    fn workbook(bytes: Vec<u8>) -> Result<Self, FileError> {
        use calamine::{Data, Reader, Xlsx};
        let total = bytes.len() as u64;
        if bytes.is_empty() {
            return Err(FileError::Empty);
        }
        if bytes.starts_with(&OLE2_SIGNATURE) {
            // A password-protected .xlsx is an OLE2 file too, holding the
            // workbook encrypted in a stream of this name.
            return Err(if encrypted_package(&bytes) {
                FileError::Xlsx(
                    "a planilha está protegida por senha: abra-a, tire a senha (Arquivo → Informações → Proteger pasta de trabalho) e salve como .xlsx".into(),
                )
            } else {
                FileError::Xls
            });
        }
        if is_html(&bytes[..bytes.len().min(64)]) {
            return Err(FileError::Html);
        }
        within_unzipped_limit(&bytes, XLSX_UNZIPPED_MAX)?;
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e: calamine::XlsxError| {
                tracing::debug!(error = %e, "workbook refused");
                FileError::Xlsx(
                    "o arquivo não abre como planilha (corrompido, ou não é .xlsx)".into(),
                )
            })?;
        let sheets: Vec<(String, bool)> = book
            .sheets_metadata()
            .iter()
            .map(|m| (m.name.clone(), m.visible == calamine::SheetVisible::Visible))
            .collect();
        if sheets.is_empty() {
            return Err(FileError::Xlsx("a planilha não tem abas".into()));
        }
        // The first visible sheet with data rows under its header (a blank
        // cover sheet, or a template with its header alone, is skipped;
        // hidden sheets are not what the user sees); else the first visible
        // sheet with anything in it, refused below for what it lacks.
        let mut chosen: Option<(usize, calamine::Range<Data>)> = None;
        for (i, (_, visible)) in sheets.iter().enumerate() {
            if !visible {
                continue;
            }
            let r = book
                .worksheet_range_at(i)
                .ok_or_else(|| FileError::Xlsx("a planilha não tem abas".into()))?
                .map_err(|e| {
                    tracing::debug!(error = %e, sheet = i, "sheet refused");
                    FileError::Xlsx(format!("a aba {} não pode ser lida", i + 1))
                })?;
            let data_rows = r
                .rows()
                .filter(|row| row.iter().any(|c| !matches!(c, Data::Empty)))
                .take(2)
                .count();
            if data_rows >= 2 {
                chosen = Some((i, r));
                break;
            }
            if data_rows == 1 && chosen.is_none() {
                chosen = Some((i, r));
            }
        }
        let Some((sheet, range)) = chosen else {
            return Err(FileError::Empty);
        };
        // A formula saved without its result (as libraries that write
        // workbooks do) reads as an empty cell: it is shown as the formula,
        // so the row is refused naming it instead of taking a blank.
        let formulas = book.worksheet_formula(&sheets[sheet].0).ok();
        let origin = range.start().unwrap_or((0, 0));
        let formula_at = |row: usize, col: usize| -> Option<String> {
            let f = formulas.as_ref()?;
            let at = (
                origin.0 + u32::try_from(row).ok()?,
                origin.1 + u32::try_from(col).ok()?,
            );
            f.get_value(at)
                .filter(|f| !f.is_empty())
                .map(|f| format!("={f}"))
        };
        // Excel for Mac's workbooks count days from 1904 (`date1904` in
        // workbook.xml): the same serial is 1,462 days later.
        let epoch = if book.has_1904_epoch() {
            Epoch::Mac1904
        } else {
            Epoch::Excel1900
        };
        let text = |c: &Data, date_column: bool| match c {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            // A date typed into a cell formatted as General (or as a number)
            // is stored as its serial day: in a date column it means the date.
            Data::Int(i) if date_column && epoch.is_serial(*i as f64) => epoch.date(*i as f64),
            Data::Float(f) if date_column && epoch.is_serial(*f) => epoch.date(*f),
            Data::Int(i) => i.to_string(),
            Data::Float(f) => number_as_shown(*f),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) => epoch.date(d.as_f64()),
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
            Data::Error(e) => format!("#{e:?}"),
        };
        let mut sheet_rows = range.rows();
        let Some(header) = sheet_rows.next() else {
            return Err(FileError::Empty);
        };
        let header: Vec<String> = header.iter().map(|c| text(c, false)).collect();
        let date_columns: Vec<bool> = header.iter().map(|h| is_date_column(h)).collect();
        let rows: Vec<Vec<String>> = std::iter::once(header)
            .chain(sheet_rows.enumerate().map(|(n, r)| {
                r.iter()
                    .enumerate()
                    .map(|(i, c)| match c {
                        Data::Empty => formula_at(n + 1, i).unwrap_or_default(),
                        c => text(c, date_columns.get(i).copied().unwrap_or(false)),
                    })
                    .collect()
            }))
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

/// Whether a header cell names one of the import's date columns
/// (`emissao`, `vencimento` and their aliases).
fn is_date_column(header: &str) -> bool {
    use quita_core::import_row::{ImportField, normalise_header};
    let name = normalise_header(header);
    [ImportField::IssueDate, ImportField::DueDate]
        .iter()
        .any(|f| f.names().contains(&name.as_str()))
}

/// A number cell's text as the spreadsheet shows it: Excel keeps a formula's
/// result as a binary double (`=E2-F2` may hold `0.19999999999999998`) and
/// shows it with 15 significant digits (`0,2`), so the value is read the
/// same way before its decimals are checked. A number cell has no thousands
/// separator: `350.555` would read as the ambiguous `1.234`, so three
/// decimals get a fourth zero and the value is refused for its decimals, as
/// it should be. A number closer to zero than a millionth is a formula's residue
/// (`=E2-F2-G2` may store `-2.7755575615628914E-17` where the sheet shows
/// `0,00`): no amount, count or code in a portfolio has a millionth, so it
/// reads as `0`.
fn number_as_shown(f: f64) -> String {
    if f.abs() < 1e-6 {
        return "0".to_owned();
    }
    let shown: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if shown.fract() == 0.0 && shown.abs() < 1e15 {
        return format!("{}", shown.trunc() as i64);
    }
    let text = format!("{shown}");
    match text.split_once('.') {
        Some((_, decimals)) if decimals.len() == 3 => format!("{text}0"),
        _ => text,
    }
}

/// Where a workbook counts its serial days from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Epoch {
    /// Serial 1 is 01/01/1900 (with Lotus's phantom 29/02/1900).
    Excel1900,
    /// Serial 0 is 01/01/1904 (Excel for Mac before 2011, and any workbook
    /// saved with "Use 1904 date system").
    Mac1904,
}

impl Epoch {
    /// Whether a number is one Excel could have stored for a date: from
    /// the epoch's first day to 31/12/9999. A fraction (a time of day) is
    /// also a date; anything else is left as the number it is.
    fn is_serial(self, value: f64) -> bool {
        match self {
            Epoch::Excel1900 => (1.0..2_958_466.0).contains(&value),
            Epoch::Mac1904 => (0.0..2_957_004.0).contains(&value),
        }
    }

    /// A serial day as dd/mm/aaaa.
    fn date(self, serial: f64) -> String {
        let days = serial.floor() as i64;
        let (base, offset) = match self {
            // Serial 60 is the non-existent 1900-02-29; later serials are one
            // day ahead.
            Epoch::Excel1900 => (
                jiff::civil::date(1899, 12, 31),
                if days >= 60 { days - 1 } else { days },
            ),
            Epoch::Mac1904 => (jiff::civil::date(1904, 1, 1), days),
        };
        match base.checked_add(jiff::Span::new().days(offset)) {
            Ok(d) => d.strftime("%d/%m/%Y").to_string(),
            Err(_) => serial.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    // The digits are what a workbook stores for these results: deliberate.
    #[allow(clippy::excessive_precision)]
    fn number_cells_read_as_shown() {
        use super::number_as_shown;
        for (cell, text) in [
            (0.19999999999999998, "0.2"),
            (3703.6800000000003, "3703.68"),
            (59.969999999999992, "59.97"),
            (0.30000000000000004, "0.3"),
            (634.55999999999995, "634.56"),
            (99.99999999999999, "100"),
            (1234.5, "1234.5"),
            (42.0, "42"),
            (350.555, "350.5550"),
            (1000.0 / 3.0, "333.333333333333"),
            (-12.5, "-12.5"),
            (1e20, "100000000000000000000"),
            (-2.7755575615628914e-17, "0"),
            (5.551115123125783e-17, "0"),
            (-0.0, "0"),
            (0.01, "0.01"),
            (-0.001, "-0.0010"),
        ] {
            assert_eq!(number_as_shown(cell), text, "{cell:?}");
        }
    }

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
    fn multi_line_cells_are_one_line_and_keep_line_numbers() {
        let text = b"a;b;c;d;e\n1;\"Rua A, 1\r\n  Apto 2\";3;4;5\n6;7;8;9;10\n";
        let mut src = RowSource::csv(&text[..]).unwrap();
        let rows = all(&mut src);
        assert_eq!(rows[1].0, 2);
        assert_eq!(rows[1].1[1], "Rua A, 1 Apto 2");
        assert_eq!(
            rows[2],
            (
                4,
                vec!["6", "7", "8", "9", "10"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            )
        );
    }

    #[test]
    fn a_quote_that_swallows_a_line_is_refused() {
        // The quote opened on line 2 closes inside line 3's quoted field.
        let text = b"a;b;c;d;e\n1;\"Rua A;3;4;5\n6;7;\"x\";9;10\n";
        let mut src = RowSource::csv(&text[..]).unwrap();
        src.next_record().unwrap();
        assert!(matches!(
            src.next_record(),
            Err(FileError::Malformed { line: 2, .. })
        ));
    }

    #[test]
    fn a_quote_open_at_the_end_is_refused() {
        let text = b"a;b;c;d;e\n1;2;3;4;5\n\"x;y\n";
        let mut src = RowSource::csv(&text[..]).unwrap();
        src.next_record().unwrap();
        src.next_record().unwrap();
        assert!(matches!(
            src.next_record(),
            Err(FileError::Malformed { line: 3, .. })
        ));
    }

    #[test]
    fn a_delimiter_too_many_is_flagged() {
        let text = b"a;b;c\n1;2;3\n1;2;3;\n1;2;3;4\n";
        let mut src = RowSource::csv(&text[..]).unwrap();
        let mut overflows = Vec::new();
        while let Some(r) = src.next_record().unwrap() {
            overflows.push(r.overflow);
        }
        assert_eq!(
            overflows,
            [
                None,
                None,
                None,
                Some(Overflow {
                    fields: 4,
                    header: 3
                })
            ],
            "a trailing empty field is not a shift"
        );
    }

    #[test]
    fn a_record_that_never_ends_is_refused_without_holding_the_file() {
        let mut text = b"a;b\n1;\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', 9 * 1024 * 1024));
        let mut src = RowSource::csv(&text[..]).unwrap();
        src.next_record().unwrap();
        match src.next_record() {
            Err(FileError::Malformed { line, message }) => {
                assert_eq!((line, message.as_str()), (2, RUNAWAY_RECORD));
            }
            other => panic!("{:?}", other.map(|r| r.map(|r| r.line))),
        }
    }

    #[test]
    fn an_excel_97_workbook_is_named_as_such() {
        let mut xls = OLE2_SIGNATURE.to_vec();
        xls.extend_from_slice(&[0; 64]);
        assert_eq!(RowSource::csv(&xls[..]).err(), Some(FileError::Xls));
        assert_eq!(RowSource::xlsx(xls).err(), Some(FileError::Xls));
    }

    #[test]
    fn a_web_page_named_xls_is_named_as_such() {
        for page in [
            &b"<html><body><table><tr><td>documento_devedor</td></tr></table></body></html>"[..],
            b"\xEF\xBB\xBF\r\n  <!DOCTYPE html><html>",
            b"<TABLE border=1><TR><TD>x</TD></TR></TABLE>",
        ] {
            assert_eq!(RowSource::csv(page).err(), Some(FileError::Html));
            assert_eq!(RowSource::xlsx(page.to_vec()).err(), Some(FileError::Html));
        }
        // A CSV whose first cell starts with `<` is still a CSV.
        assert!(RowSource::csv(&b"<nome>;valor\nx;1\n"[..]).is_ok());
    }

    /// What spreadsheets save as "Texto Unicode": UTF-16 with its BOM,
    /// tab-separated, CRLF.
    #[test]
    fn unicode_text_is_read_with_tabs_and_line_numbers() {
        let text = "nome\tvalor\r\nJoão\t1.234,56\r\n\r\n\"Maria\tfilha\"\t10\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let mut src = RowSource::csv(&bytes[..]).unwrap();
        let rows = all(&mut src);
        assert_eq!(rows[0], (1, vec!["nome".to_owned(), "valor".to_owned()]));
        assert_eq!(rows[1], (2, vec!["João".to_owned(), "1.234,56".to_owned()]));
        assert_eq!(
            rows[2],
            (4, vec!["Maria\tfilha".to_owned(), "10".to_owned()])
        );
        assert_eq!(src.bytes_read(), bytes.len() as u64);
    }

    #[test]
    fn the_most_frequent_separator_wins() {
        let mut src = RowSource::csv(&b"a\tb\tc;d\n1\t2\t3;4\n"[..]).unwrap();
        assert_eq!(all(&mut src)[1].1, ["1", "2", "3;4"]);
        let mut src = RowSource::csv(&b"a;b,c\n1;2,3\n"[..]).unwrap();
        assert_eq!(all(&mut src)[1].1, ["1", "2,3"]);
    }

    /// A workbook sent as if it were CSV (no `.xlsx` name, no format) is
    /// read as the workbook it is; a zip that is none is refused as such,
    /// and a password-protected workbook is told as one.
    #[test]
    fn a_workbook_sent_as_csv_is_read_as_one() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "nome").unwrap();
        sheet.write_string(1, 0, "Maria").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let mut src = RowSource::csv(&bytes[..]).unwrap();
        assert_eq!(all(&mut src)[1].1, ["Maria"]);
        assert!(matches!(
            RowSource::csv(&b"PK\x03\x04\x14\x00"[..]).err(),
            Some(FileError::Xlsx(_))
        ));
        let locked = include_bytes!("../../tests/fixtures/password.xlsx");
        match RowSource::csv(&locked[..]).err() {
            Some(FileError::Xlsx(why)) => assert!(why.contains("senha"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    /// A workbook is measured unzipped before it is read: over the limit it
    /// is refused, saying why; within it, read as before.
    #[test]
    fn a_workbook_too_large_unzipped_is_refused() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "nome").unwrap();
        for r in 1..200u32 {
            sheet
                .write_string(r, 0, format!("{r} {}", "A".repeat(1000)))
                .unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        let e = within_unzipped_limit(&bytes, 64 * 1024).unwrap_err();
        assert!(
            e.to_string()
                .contains("descompactada, a planilha passa de 1 MB"),
            "{e}"
        );
        assert!(within_unzipped_limit(&bytes, XLSX_UNZIPPED_MAX).is_ok());
        assert!(RowSource::xlsx(bytes).is_ok());
        assert!(matches!(
            within_unzipped_limit(b"PK\x03\x04 not really a zip", XLSX_UNZIPPED_MAX),
            Err(FileError::Xlsx(_))
        ));
    }

    #[test]
    fn number_cells_never_read_as_thousands() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "valor").unwrap();
        for (r, v) in [350.555, 1234.5, 10.25, 7.0].iter().enumerate() {
            sheet.write_number(r as u32 + 1, 0, *v).unwrap();
        }
        let mut src = RowSource::xlsx(book.save_to_buffer().unwrap()).unwrap();
        let mut cells = Vec::new();
        while let Some(r) = src.next_record().unwrap() {
            cells.push(r.fields[0].clone());
        }
        assert_eq!(cells, ["valor", "350.5550", "1234.5", "10.25", "7"]);
        // So the amount is refused for its decimals, not as ambiguous.
        let e = quita_core::money::Money::parse(&cells[1]).unwrap_err();
        assert!(
            e.to_string().contains("more than two decimal places"),
            "{e}"
        );
    }

    fn xlsx_cells(bytes: &[u8]) -> Vec<Vec<String>> {
        let mut src = RowSource::xlsx(bytes.to_vec()).unwrap();
        let mut rows = Vec::new();
        while let Some(r) = src.next_record().unwrap() {
            rows.push(r.fields);
        }
        rows
    }

    /// A formula saved without its result reads as the formula, so the row
    /// is refused naming it (it read as blank: the open balance became the
    /// whole amount).
    #[test]
    fn a_formula_without_its_result_is_not_a_blank() {
        let rows = xlsx_cells(include_bytes!(
            "../../tests/fixtures/formula_without_result.xlsx"
        ));
        assert_eq!(rows[1][4], "100");
        assert_eq!(rows[1][5], "=E2-60");
    }

    /// The sheet read is the first visible one with rows under its header:
    /// a hidden sheet is not, nor a template with its header alone.
    #[test]
    fn the_sheet_read_is_the_first_visible_one_with_data() {
        let rows = xlsx_cells(include_bytes!(
            "../../tests/fixtures/hidden_first_sheet.xlsx"
        ));
        assert_eq!(rows[1][1], "Visivel");
        let rows = xlsx_cells(include_bytes!(
            "../../tests/fixtures/template_first_sheet.xlsx"
        ));
        assert_eq!(rows[1][1], "Dados");
    }

    /// A password-protected workbook is told as such, not as an old .xls.
    #[test]
    fn a_protected_workbook_says_so() {
        let bytes = include_bytes!("../../tests/fixtures/password.xlsx").to_vec();
        match RowSource::xlsx(bytes) {
            Err(FileError::Xlsx(why)) => assert!(why.contains("senha"), "{why}"),
            other => panic!("{:?}", other.err()),
        }
    }

    #[test]
    fn excel_serials() {
        assert_eq!(Epoch::Excel1900.date(45658.0), "01/01/2025");
        assert_eq!(Epoch::Excel1900.date(1.0), "01/01/1900");
        assert_eq!(Epoch::Excel1900.date(61.0), "01/03/1900");
        // The same day is 1,462 serials less from 1904.
        assert_eq!(Epoch::Mac1904.date(45658.0 - 1462.0), "01/01/2025");
        assert_eq!(Epoch::Mac1904.date(0.0), "01/01/1904");
        assert!(Epoch::Mac1904.is_serial(0.0) && !Epoch::Excel1900.is_serial(0.0));
    }

    /// A workbook saved with the 1904 date system (Excel for Mac): its dates,
    /// formatted or typed as serials into a General cell, are the days shown
    /// in Excel, not 4 years and a day earlier. The fixture was made with
    /// openpyxl (`tests/fixtures/README.md`).
    #[test]
    fn a_1904_workbook_keeps_its_dates() {
        let bytes = include_bytes!("../../tests/fixtures/mac1904.xlsx").to_vec();
        let mut src = RowSource::xlsx(bytes).unwrap();
        let header = src.next_record().unwrap().unwrap().fields;
        assert_eq!(header[3..5], ["Emissão", "Vencimento"]);
        let row = src.next_record().unwrap().unwrap().fields;
        assert_eq!(row[3..5], ["05/01/2026", "10/01/2026"]);
        // A 1900 workbook with the same day formatted as a date.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "vencimento").unwrap();
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 1, 10).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        sheet
            .write_datetime_with_format(1, 0, &day, &format)
            .unwrap();
        sheet.write_number(2, 0, 46032.0).unwrap();
        let mut src = RowSource::xlsx(book.save_to_buffer().unwrap()).unwrap();
        src.next_record().unwrap();
        let cells: Vec<String> = std::iter::from_fn(|| src.next_record().unwrap())
            .map(|r| r.fields[0].clone())
            .collect();
        assert_eq!(cells, ["10/01/2026", "10/01/2026"]);
    }

    #[test]
    fn date_columns_are_known_by_any_header_spelling() {
        for h in [
            "vencimento",
            " Vencimento ",
            "Data Vencimento",
            "emissão",
            "due_date",
        ] {
            assert!(is_date_column(h), "{h}");
        }
        for h in ["valor", "parcela", "numero_documento", ""] {
            assert!(!is_date_column(h), "{h}");
        }
        let e = Epoch::Excel1900;
        assert!(e.is_serial(46_280.0) && e.is_serial(46_280.5));
        assert!(!e.is_serial(0.0) && !e.is_serial(20_260_915.0));
    }
}
