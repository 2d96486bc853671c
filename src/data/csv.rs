//! CSV town data: one header row naming facts, one town per row.
//!
//! Files are read as UTF-8 (with or without a byte-order mark), streaming, one
//! record at a time; a file that is not UTF-8 is read again as GB18030 (which
//! includes GBK, the encoding of CSV files saved by Chinese Excel) when it decodes
//! without errors.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use ::csv::{ErrorKind, ReaderBuilder, StringRecord};

use super::bulk::{self, Bulk};
use super::cell::Builder;
use super::header::{fold_name, Vocab};
use super::input;
use super::{DataError, Loaded, RowUnit};

/// How saving as UTF-8 is done in Excel, for help lines.
fn save_utf8() -> String {
    crate::t!("data.csv.save_utf8")
}

/// Why reading failed.
enum Fail {
    /// The bytes are not UTF-8; try another encoding.
    NotUtf8,
    /// Errors in the data.
    Errors(Vec<DataError>),
}

/// Passes the input through to the CSV parser, keeping the bytes not yet
/// numbered so that each record's first line can be found: the `csv` crate skips
/// empty lines without counting them into a record's position.
pub(super) struct Tap<R> {
    inner: R,
    /// Bytes from offset `base` on, as handed to the parser.
    window: Vec<u8>,
    base: u64,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.window
            .extend_from_slice(buf.get(..n).unwrap_or_default());
        Ok(n)
    }
}

impl<R> Tap<R> {
    pub(super) fn new(inner: R) -> Self {
        Tap {
            inner,
            window: Vec::new(),
            base: 0,
        }
    }

    /// The 1-based line on which the record just read starts: the line where the
    /// parser stood before it, plus the empty lines it skipped.
    pub(super) fn start_line(&mut self, rec: &StringRecord) -> usize {
        let Some(pos) = rec.position() else { return 0 };
        let from = usize::try_from(pos.byte().saturating_sub(self.base)).unwrap_or(usize::MAX);
        let rest = self.window.get(from..).unwrap_or_default();
        let skipped = rest
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .filter(|&&b| b == b'\n')
            .count();
        if from > 1 << 16 && from <= self.window.len() {
            self.window.drain(..from);
            self.base += from as u64;
        }
        usize::try_from(pos.line())
            .unwrap_or(usize::MAX)
            .saturating_add(skipped)
    }
}

/// What a header cell is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// A column of this fact.
    Fact(usize),
    /// An empty header: the column must be empty too.
    Blank,
    /// An unknown or duplicate column (already reported).
    Bad,
    /// A column of the other rule set's vocabulary (see `Vocab::with_other`): not read.
    Other,
}

/// Read the CSV file at `path`.
pub(super) fn read_path(
    name: &str,
    path: &Path,
    vocab: &Vocab<'_>,
) -> Result<Loaded, Vec<DataError>> {
    let io_error = |e: std::io::Error| vec![input::read_error(name, &e)];
    let (file, size) = input::open(name, path).map_err(|e| vec![e])?;
    let mut input = BufReader::with_capacity(1 << 16, file);
    let start = input.fill_buf().map_err(io_error)?;
    input::refuse_wide(name, start).map_err(|e| vec![e])?;
    if start.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    if let Bulk::Done(r) = bulk::read(name, &mut input, size, vocab) {
        return *r;
    }
    // Not a file for the quick reader: read it again from the start.
    let (file, size) = input::open(name, path).map_err(|e| vec![e])?;
    let mut input = BufReader::with_capacity(1 << 16, file);
    let start = input.fill_buf().map_err(io_error)?;
    if start.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    match read(name, input, size, vocab) {
        Ok(loaded) => Ok(loaded),
        Err(Fail::Errors(errors)) => Err(errors),
        Err(Fail::NotUtf8) => {
            let bytes = input::read_all(name, path).map_err(|e| vec![e])?;
            let text = decode_gb18030(name, &bytes).map_err(|e| vec![*e])?;
            drop(bytes);
            match read(name, text.as_bytes(), text.len() as u64, vocab) {
                Ok(mut loaded) => {
                    let warning = crate::t!("data.csv.gbk_warning", file = name);
                    loaded.warnings.insert(0, warning);
                    Ok(loaded)
                }
                Err(Fail::Errors(mut errors)) => {
                    let note = DataError::file(name, crate::t!("data.csv.gbk_note"))
                        .with_help(crate::t!("data.csv.gbk_note_help", save = save_utf8()));
                    errors.push(note);
                    Err(errors)
                }
                Err(Fail::NotUtf8) => Err(vec![not_utf8(name, None)]),
            }
        }
    }
}

/// Read CSV text (already UTF-8, byte-order mark removed).
pub(super) fn read_str(
    name: &str,
    text: &str,
    vocab: &Vocab<'_>,
) -> Result<Loaded, Vec<DataError>> {
    if let Bulk::Done(r) = bulk::read(name, &mut text.as_bytes(), text.len() as u64, vocab) {
        return *r;
    }
    read_general(name, text, vocab)
}

/// Read CSV text with the general reader only.
pub(super) fn read_general(
    name: &str,
    text: &str,
    vocab: &Vocab<'_>,
) -> Result<Loaded, Vec<DataError>> {
    match read(name, text.as_bytes(), text.len() as u64, vocab) {
        Ok(loaded) => Ok(loaded),
        Err(Fail::Errors(errors)) => Err(errors),
        Err(Fail::NotUtf8) => Err(vec![not_utf8(name, None)]),
    }
}

fn not_utf8(name: &str, line: Option<usize>) -> DataError {
    let message = match line {
        Some(line) => crate::t!("data.csv.not_gbk", line = line),
        None => crate::t!("data.csv.not_utf8"),
    };
    DataError::file(name, message).with_help(save_utf8())
}

/// Decode a file that is not UTF-8 as GB18030, refusing anything that does not
/// decode cleanly or looks like UTF-8 with a damaged byte.
fn decode_gb18030(name: &str, bytes: &[u8]) -> Result<String, Box<DataError>> {
    let valid = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text.trim_start_matches('\u{FEFF}').to_string()),
        Err(e) => e.valid_up_to(),
    };
    let prefix = bytes.get(..valid).unwrap_or_default();
    let line = 1 + prefix.iter().filter(|&&b| b == b'\n').count();
    // GBK text breaks UTF-8 at (almost) its first Chinese character; a file with
    // several UTF-8 characters before the first bad byte is damaged UTF-8.
    let utf8_chars =
        std::str::from_utf8(prefix).map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
    if utf8_chars >= 3 {
        let message = crate::t!("data.csv.bad_utf8", line = line);
        return Err(Box::new(
            DataError::file(name, message).with_help(save_utf8()),
        ));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) if !text.contains('\0') => Ok(text.into_owned()),
        _ => Err(Box::new(not_utf8(name, Some(line)))),
    }
}

/// A `csv` error as a data error (or the signal to try GB18030).
fn csv_error(name: &str, e: ::csv::Error) -> Fail {
    let line = e.position().map(|p| p.line() as usize);
    match e.kind() {
        ErrorKind::Utf8 { .. } => Fail::NotUtf8,
        ErrorKind::Io(io) if input::is_too_large(io) => {
            Fail::Errors(vec![input::read_error(name, io)])
        }
        _ => {
            let mut err = DataError::file(name, crate::t!("data.csv.unreadable", error = e));
            err.row = line;
            Fail::Errors(vec![err])
        }
    }
}

/// The fields of one record.
pub(super) trait Fields {
    /// The number of fields.
    fn count(&self) -> usize;
    /// Field `i`.
    fn field(&self, i: usize) -> Option<&str>;
}

impl Fields for StringRecord {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i)
    }
}

impl Fields for [&str] {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i).copied()
    }
}

/// The header row mapped to facts.
pub(super) struct Layout {
    /// What each column is.
    pub slots: Vec<Slot>,
    /// Each fact's column header as written (empty when the file has none).
    pub fact_header: Vec<String>,
    /// The column of the `id` fact.
    pub id_field: Option<usize>,
    /// Facts without a column.
    pub absent: Vec<usize>,
    /// The number of columns.
    pub width: usize,
}

/// Map the header row (at line `header_row`) to facts, reporting unknown and duplicate
/// columns; returns the layout and the blank columns (each with "reported" = false).
pub(super) fn layout<'h>(
    name: &str,
    vocab: &Vocab<'_>,
    b: &mut Builder<'_, '_>,
    header: impl Iterator<Item = &'h str>,
    header_row: usize,
) -> (Layout, Vec<(usize, bool)>) {
    b.begin_row(header_row);
    let nf = vocab.len();
    let mut slots = Vec::new();
    let mut fact_field: Vec<Option<usize>> = vec![None; nf];
    let mut fact_header: Vec<String> = vec![String::new(); nf];
    for (i, h) in header.enumerate() {
        let h = h.trim_start_matches('\u{FEFF}');
        if fold_name(h).is_empty() {
            slots.push(Slot::Blank);
            continue;
        }
        let Some(f) = vocab.resolve(h) else {
            if vocab.other_year(h) {
                // A year the rules do not read: left unread.
                slots.push(Slot::Bad);
                continue;
            }
            if vocab.is_other(h) {
                slots.push(Slot::Other);
                continue;
            }
            b.error(vocab.unknown_column(name, h, header_row, RowUnit::Line));
            slots.push(Slot::Bad);
            continue;
        };
        if vocab.is_yearly(f) {
            b.error(vocab.yearly_without_year(name, h, f, header_row, RowUnit::Line));
            slots.push(Slot::Bad);
            continue;
        }
        if fact_field[f].is_some() {
            let first = fact_header[f].clone();
            b.error(vocab.duplicate_column(name, h.trim(), &first, f, header_row, RowUnit::Line));
            slots.push(Slot::Bad);
            continue;
        }
        fact_field[f] = Some(i);
        fact_header[f] = h.trim().to_string();
        b.set_present(f);
        slots.push(Slot::Fact(f));
    }
    let id_field = fact_field[vocab.id];
    b.header_row = Some(header_row);
    if id_field.is_some() {
        b.id_column = Some(fact_header[vocab.id].clone());
    }
    let absent: Vec<usize> = (0..nf).filter(|&f| fact_field[f].is_none()).collect();
    let width = slots.len();
    let blanks = (0..width)
        .filter(|&i| slots[i] == Slot::Blank)
        .map(|i| (i, false))
        .collect();
    (
        Layout {
            slots,
            fact_header,
            id_field,
            absent,
            width,
        },
        blanks,
    )
}

/// Read one record (at line `row`) into the builder: skip an empty row, report a row of
/// the wrong width and text in blank columns, read every cell.
pub(super) fn record<F: Fields + ?Sized>(
    b: &mut Builder<'_, '_>,
    lay: &Layout,
    blanks: &mut [(usize, bool)],
    rec: &F,
    row: usize,
) {
    let maybe_empty =
        !matches!(rec.field(lay.id_field.unwrap_or(0)), Some(s) if !s.trim().is_empty());
    if maybe_empty && (0..rec.count()).all(|i| rec.field(i).unwrap_or("").trim().is_empty()) {
        return; // an empty row (Excel)
    }
    b.begin_row(row);
    let width = lay.width;
    if rec.count() != width {
        let message = crate::t!("data.csv.width", fields = rec.count(), width = width);
        let help = crate::t!("data.csv.width_help");
        let e = b.row_error(None, None, message, Some(help));
        b.error(e);
        return;
    }
    for (i, reported) in blanks.iter_mut() {
        let cell = rec.field(*i).unwrap_or_default().trim();
        if !*reported && !cell.is_empty() {
            *reported = true;
            let message = crate::t!(
                "data.csv.no_header",
                n = *i + 1,
                cell = crate::i18n::quote(cell)
            );
            let help = crate::t!("data.csv.no_header_help");
            let e = b.row_error(None, Some(cell), message, Some(help));
            b.error(e);
        }
    }
    for (i, slot) in lay.slots.iter().enumerate() {
        if let Slot::Fact(f) = *slot {
            b.cell(f, rec.field(i), &lay.fact_header[f]);
        }
    }
    for &f in &lay.absent {
        b.cell(f, None, "");
    }
    b.end_row();
}

/// Read CSV from `input` (about `size` bytes) into towns.
fn read<R: Read>(name: &str, input: R, size: u64, vocab: &Vocab<'_>) -> Result<Loaded, Fail> {
    let mut rdr = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(Tap::new(input));
    let mut header = StringRecord::new();
    match rdr.read_record(&mut header) {
        Ok(true) => {}
        Ok(false) => {
            let e = DataError::file(name, crate::t!("data.csv.empty"))
                .with_help(crate::t!("data.csv.empty_help"));
            return Err(Fail::Errors(vec![e]));
        }
        Err(e) => return Err(csv_error(name, e)),
    }
    let header_row = rdr.get_mut().start_line(&header);
    let mut b = Builder::new(vocab, name, RowUnit::Line, 0);
    let (lay, mut blanks) = layout(name, vocab, &mut b, header.iter(), header_row);

    let mut rec = StringRecord::new();
    let mut reserved = false;
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => match csv_error(name, e) {
                Fail::NotUtf8 => return Err(Fail::NotUtf8),
                Fail::Errors(errors) => {
                    errors.into_iter().for_each(|e| b.error(e));
                    break;
                }
            },
        }
        if b.full() {
            break;
        }
        let row = rdr.get_mut().start_line(&rec);
        if !reserved {
            // Estimate the number of rows from the first one's length.
            let bytes = (rec.as_slice().len() + rec.len() + 1).max(8) as u64;
            let rows = usize::try_from(size / bytes).unwrap_or(usize::MAX);
            b.reserve(rows.saturating_add(16).min(1 << 26));
            reserved = true;
        }
        record(&mut b, &lay, &mut blanks, &rec, row);
    }
    b.finish().map_err(Fail::Errors)
}
