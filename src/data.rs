//! Phase 3 input: town data files (CSV, TOML, JSON, or a sheet of an .xlsx/.xls/.ods
//! workbook, read as CSV) read into columns of facts.
//!
//! A data file holds one town per row (CSV) or per table/object (TOML/JSON).
//! Its columns are named by the facts of the shared vocabulary (`rules/facts.rules`,
//! docs/INTERPRETATION.md §14) — by id (`output_value`), Chinese label
//! (`特色主导产业年产值`) or alias (`年产值`). Every cell is read exactly with the
//! parsers of [`crate::units`]: money becomes 元, percentages become percentage
//! points, yes/no becomes a flag, a category becomes the index of its member. An empty
//! cell (or `-`, `N/A` …) is a missing value; any other unreadable cell is an error
//! naming file, row and column — never silently missing. All errors (up to
//! [`MAX_ERRORS`]) are reported together.

mod bulk;
mod cell;
mod column;
mod common_cells;
mod csv;
mod excel;
mod header;
mod input;
mod json;
mod keyed;
mod percent;
mod scores;
mod toml;
mod zipped;

use std::fmt;
use std::path::Path;

pub use column::{
    scaled_to_decimal, Bits, Column, Decimals, Flags, Opt, Strs, Texts, SCALED_LIMIT,
};
pub use input::{
    max_input_bytes, parse_size, set_max_input_bytes, DEFAULT_MAX_INPUT_BYTES, SCORES_MAX_BYTES,
    TOML_MAX_BYTES, XLS_MAX_BYTES,
};
pub use scores::{load_scores, load_scores_str, ExpertSheet, Scores};
pub use zipped::WORKBOOK_MAX_INFLATED;

use crate::check::Checked;

/// At most this many errors are collected from one file; reading stops after that.
pub const MAX_ERRORS: usize = 50;

/// Town data in columns, one column per fact of the vocabulary (index = index in
/// [`Checked::facts`]). Town `t`'s value of fact `f` is `columns[f]`'s `t`-th entry;
/// `None` means the value is missing (unknown), which the rules treat three-valued.
#[derive(Debug, Clone, PartialEq)]
pub struct Towns {
    /// The data file's name as given, for messages.
    pub file: String,
    /// Each town's id (the `id`/编号 fact, a required column); unique within the file.
    pub ids: Strs,
    /// Each town's name (the `name`/名称 fact), or its id when the file has no name
    /// column or the cell is empty.
    pub names: Strs,
    /// Where each town is in the file: for CSV the 1-based line of its record (the
    /// header is line 1); for TOML/JSON its 1-based position in the array of towns.
    pub rows: Vec<usize>,
    /// One column per fact of the vocabulary (`columns.len() == checked.facts.len()`).
    pub columns: Vec<Column>,
    /// Whether the file had a column for each fact; a fact without a column has every
    /// town's value missing.
    pub present: Vec<bool>,
}

impl Towns {
    /// The number of towns.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no towns.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Bytes of heap memory the towns hold (capacity of every column, the ids, names
    /// and rows).
    pub fn heap_bytes(&self) -> usize {
        self.columns.iter().map(Column::heap_bytes).sum::<usize>()
            + self.ids.heap_bytes()
            + self.names.heap_bytes()
            + self.rows.capacity() * std::mem::size_of::<usize>()
            + self.present.capacity()
    }

    /// The index of the town with this id, or else the first town with this name
    /// (surrounding spaces ignored). A linear search.
    pub fn index_of(&self, id_or_name: &str) -> Option<usize> {
        let key = id_or_name.trim();
        self.ids
            .iter()
            .position(|id| id == key)
            .or_else(|| self.names.iter().position(|n| n == key))
    }

    /// No towns, for a vocabulary of `facts` facts (every column is an empty
    /// [`Column::Text`] and not present). Use [`Towns::empty_for`] for columns of
    /// the facts' kinds.
    pub fn empty(facts: usize) -> Self {
        Towns {
            file: String::new(),
            ids: Strs::default(),
            names: Strs::default(),
            rows: Vec::new(),
            columns: (0..facts).map(|_| Column::Text(Texts::default())).collect(),
            present: vec![false; facts],
        }
    }

    /// No towns, with an empty column of the right kind for each fact of `model`.
    pub fn empty_for(model: &Checked) -> Self {
        Towns {
            columns: model
                .facts
                .iter()
                .map(|f| Column::with_capacity(f.kind, 0))
                .collect(),
            ..Towns::empty(model.facts.len())
        }
    }
}

/// What a [`DataError`]'s row number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowUnit {
    /// A 1-based line of a CSV file (the header is line 1).
    #[default]
    Line,
    /// A 1-based position of a town in a TOML or JSON array of towns.
    Town,
}

impl RowUnit {
    /// `row 3` or `town #3`, for messages.
    pub fn describe(self, row: usize) -> String {
        match self {
            RowUnit::Line => crate::t!("data.row.line", row = row),
            RowUnit::Town => crate::t!("data.row.town", row = row),
        }
    }
}

/// A problem in a data file: which file, row and column, the cell's text and what
/// was expected. Displayed as `{file}:{row}: column `{column}`: {message}` (CSV) or
/// `{file}: town #{row}: column `{column}`: {message}` (TOML/JSON), leaving out the
/// parts that are unknown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[diagnostic(code(townrules::data))]
pub struct DataError {
    /// The data file's name as given.
    pub file: String,
    /// The row (CSV line, or town position for TOML/JSON; see [`DataError::unit`]).
    pub row: Option<usize>,
    /// The column's header as written in the file (or the TOML/JSON key).
    pub column: Option<String>,
    /// The offending cell's text, if the problem is a cell.
    pub cell: Option<String>,
    /// What is wrong: lowercase, no final period, user text in backticks.
    pub message: String,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
    /// What [`DataError::row`] counts.
    pub unit: RowUnit,
    /// The sheet and column when the file is a spreadsheet (the row is then the sheet's
    /// 1-based row): displayed as `towns.xlsx 第1张表（Sheet1） B7: …`.
    pub sheet: Option<Box<SheetCell>>,
}

/// Where in a spreadsheet a [`DataError`] is: the sheet, and the cell's column when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetCell {
    /// The sheet's 1-based position in the workbook.
    pub index: usize,
    /// The sheet's name.
    pub name: String,
    /// The cell's 0-based column in the sheet (`A` = 0), when the error is about a cell.
    pub column: Option<u32>,
}

impl SheetCell {
    /// The column's letters: `A` … `Z`, `AA` ….
    pub fn letters(column: u32) -> String {
        let mut n = u64::from(column) + 1;
        let mut out = Vec::new();
        while n > 0 {
            let r = ((n - 1) % 26) as u8;
            out.push(char::from(b'A' + r));
            n = (n - 1) / 26;
        }
        out.iter().rev().collect()
    }
}

impl DataError {
    /// An error about the whole file (no row or column).
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        DataError {
            file: file.to_string(),
            row: None,
            column: None,
            cell: None,
            message: message.into(),
            help: None,
            unit: RowUnit::Line,
            sheet: None,
        }
    }

    /// The same error with a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(at) = &self.sheet {
            let sheet = crate::t!("data.at.sheet", index = at.index, name = at.name);
            f.write_str(&sheet)?;
            match (self.row, at.column) {
                (Some(row), Some(col)) => write!(f, " {}{row}", SheetCell::letters(col))?,
                (Some(row), None) => f.write_str(&crate::t!("data.at.sheet_row", row = row))?,
                (None, _) => {}
            }
        } else {
            match (self.row, self.unit) {
                (Some(row), RowUnit::Line) => f.write_str(&crate::t!("data.at.line", row = row))?,
                (Some(row), RowUnit::Town) => f.write_str(&crate::t!("data.at.town", row = row))?,
                (None, _) => {}
            }
        }
        if let Some(column) = &self.column {
            f.write_str(&crate::t!(
                "data.at.column",
                column = crate::i18n::quote(column)
            ))?;
        }
        f.write_str(&crate::t!("data.at.message", message = self.message))
    }
}

/// The result of loading a data file: the towns, plus warnings that do not stop
/// evaluation (a fact with no column, a file read as GB18030 …).
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The towns, in file order.
    pub towns: Towns,
    /// Warnings about the file (e.g. that it was read as GB18030).
    pub warnings: Vec<String>,
    /// The facts (indexes in the vocabulary) the file has no column for: every town's
    /// value is missing. Only those a rule set reads deserve a word
    /// ([`Loaded::missing_read_by`]).
    pub missing: Vec<usize>,
}

impl Loaded {
    /// One warning per fact that `rs` reads and the file has no column for, naming what
    /// reads it: facts nothing reads are not mentioned.
    pub fn missing_read_by(&self, rs: &crate::compile::RuleSet) -> Vec<String> {
        let readers = rs.fact_readers();
        self.missing
            .iter()
            .filter_map(|&f| {
                let who = readers.get(f).filter(|w| !w.is_empty())?;
                let fact = rs.facts.get(f)?;
                let names: Vec<String> = who.iter().map(|&r| rs.reader_label(r)).collect();
                Some(crate::t!(
                    "data.load.no_column",
                    fact = fact.id,
                    label = fact.label,
                    readers = names.join("、")
                ))
            })
            .collect()
    }
}

/// The format of a data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    /// Comma-separated values with one header row (UTF-8, or GB18030/GBK from a file).
    Csv,
    /// TOML with an array of tables `[[town]]` (or `[[towns]]`).
    Toml,
    /// JSON: an array of objects, or `{"towns": [ … ]}`.
    Json,
}

impl DataFormat {
    /// The format of a file by its extension (`.csv`, `.toml`, `.json`, any case).
    pub fn from_path(path: &Path) -> Option<DataFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(DataFormat::Csv),
            "toml" => Some(DataFormat::Toml),
            "json" => Some(DataFormat::Json),
            _ => None,
        }
    }
}

/// Load the towns of the data file at `path`, by its extension (`.csv`, `.toml`,
/// `.json`, or a workbook `.xlsx`/`.xls`/`.ods`, whose first sheet is read;
/// case-insensitive), against the vocabulary of `model`.
pub fn load_towns(path: &Path, model: &Checked) -> Result<Loaded, Vec<DataError>> {
    load_towns_beside(path, model, None)
}

/// [`load_towns`] for comparing two rule sets on one file: the columns of `other`'s facts
/// that `model` lacks are skipped rather than rejected (an amendment that adds a fact).
pub fn load_towns_beside(
    path: &Path,
    model: &Checked,
    other: Option<&Checked>,
) -> Result<Loaded, Vec<DataError>> {
    load_towns_sheet(path, model, other, None)
}

/// [`load_towns_beside`] naming the sheet of a workbook (`.xlsx`, `.xls`, `.ods`) to
/// read: `sheet` by name, or else the first sheet. A sheet name for a file that is not
/// a workbook is an error.
pub fn load_towns_sheet(
    path: &Path,
    model: &Checked,
    other: Option<&Checked>,
    sheet: Option<&str>,
) -> Result<Loaded, Vec<DataError>> {
    let name = path.display().to_string();
    let vocab = |name: &str| {
        let vocab = header::Vocab::new(model).map_err(|m| vec![DataError::file(name, m)])?;
        Ok::<_, Vec<DataError>>(match other {
            Some(o) => vocab.with_other(o),
            None => vocab,
        })
    };
    if excel::is_workbook(path) {
        return excel::read_towns(&name, path, sheet, &vocab(&name)?);
    }
    if let Some(sheet) = sheet {
        let message = crate::t!("data.load.sheet_not_workbook", sheet = sheet);
        let help = crate::t!("data.load.sheet_not_workbook_help");
        return Err(vec![DataError::file(&name, message).with_help(help)]);
    }
    let Some(format) = DataFormat::from_path(path) else {
        if std::fs::metadata(path).is_ok() {
            // A folder (or device) says so, whatever its name.
            input::check(&name, path).map_err(|e| vec![e])?;
        }
        let ext = path.extension().map(|e| e.to_string_lossy().into_owned());
        let message = match &ext {
            Some(ext) => crate::t!("data.load.unknown_format", ext = ext),
            None => crate::t!("data.load.no_extension"),
        };
        let help = match ext.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("et" | "ett") => crate::t!("data.load.wps_help"),
            _ => crate::t!("data.load.format_help"),
        };
        return Err(vec![DataError::file(&name, message).with_help(help)]);
    };
    let vocab = vocab(&name)?;
    match format {
        DataFormat::Csv => csv::read_path(&name, path, &vocab),
        DataFormat::Toml | DataFormat::Json => {
            let bytes = match format {
                DataFormat::Toml => input::read_all_within(&name, path, input::Whole::Toml),
                DataFormat::Json | DataFormat::Csv => input::read_all(&name, path),
            }
            .map_err(|e| vec![e])?;
            let text = input::utf8(&name, bytes).map_err(|e| vec![e])?;
            load_with(&name, &text, format, &vocab)
        }
    }
}

/// Load towns from `text` in `format`; `name` is the file name used in messages.
pub fn load_towns_str(
    name: &str,
    text: &str,
    format: DataFormat,
    model: &Checked,
) -> Result<Loaded, Vec<DataError>> {
    let vocab = header::Vocab::new(model).map_err(|m| vec![DataError::file(name, m)])?;
    load_with(name, text, format, &vocab)
}

fn load_with(
    name: &str,
    text: &str,
    format: DataFormat,
    vocab: &header::Vocab<'_>,
) -> Result<Loaded, Vec<DataError>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    match format {
        DataFormat::Csv => csv::read_str(name, text, vocab),
        DataFormat::Toml => toml::read(name, text, vocab),
        DataFormat::Json => json::read(name, text, vocab),
    }
}
