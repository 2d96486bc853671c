//! Reading cells into typed columns, shared by the CSV, TOML and JSON readers.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::suggest::did_you_mean;
use crate::units::{normalize, parse_count, parse_money, parse_percent, parse_yes_no, UnitError};

use super::fast;
use super::header::{Parse, Vocab};
use super::{Column, DataError, Loaded, RowUnit, Towns, MAX_ERRORS};

/// Accumulates towns row by row: every row gives a cell (or none) for every fact,
/// in fact order, then [`Builder::end_row`].
pub(super) struct Builder<'v, 'm> {
    vocab: &'v Vocab<'m>,
    file: String,
    unit: RowUnit,
    columns: Vec<Column>,
    present: Vec<bool>,
    ids: Vec<String>,
    names: Vec<String>,
    rows: Vec<usize>,
    errors: Vec<DataError>,
    truncated: bool,
    row: usize,
    missing_ids: Vec<usize>,
    /// The header's row (CSV), for an error about a missing id column.
    pub header_row: Option<usize>,
    /// The id column's name as written, for messages about ids.
    pub id_column: Option<String>,
    /// Warnings found while reading (e.g. the file's encoding).
    pub warnings: Vec<String>,
}

impl<'v, 'm> Builder<'v, 'm> {
    /// A builder for `file`, with room for `capacity` towns.
    pub fn new(vocab: &'v Vocab<'m>, file: &str, unit: RowUnit, capacity: usize) -> Self {
        let columns = vocab
            .model
            .facts
            .iter()
            .map(|f| Column::with_capacity(f.kind, capacity))
            .collect();
        Builder {
            vocab,
            file: file.to_string(),
            unit,
            columns,
            present: vec![false; vocab.len()],
            ids: Vec::with_capacity(capacity),
            names: Vec::with_capacity(capacity),
            rows: Vec::with_capacity(capacity),
            errors: Vec::new(),
            truncated: false,
            row: 0,
            missing_ids: Vec::new(),
            header_row: None,
            id_column: None,
            warnings: Vec::new(),
        }
    }

    /// Make room for `additional` more towns in every column.
    pub fn reserve(&mut self, additional: usize) {
        for col in &mut self.columns {
            match col {
                Column::Money(v) | Column::Num(v) => v.reserve(additional),
                Column::Count(v) => v.reserve(additional),
                Column::Bool(v) => v.reserve(additional),
                Column::Cat(v) => v.reserve(additional),
                Column::Text(v) => v.reserve(additional),
            }
        }
        self.ids.reserve(additional);
        self.names.reserve(additional);
        self.rows.reserve(additional);
    }

    /// The vocabulary.
    pub fn vocab(&self) -> &'v Vocab<'m> {
        self.vocab
    }

    /// The file name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Record an error (dropped, but counted, once [`MAX_ERRORS`] are recorded).
    pub fn error(&mut self, e: DataError) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        } else {
            self.truncated = true;
        }
    }

    /// Whether enough errors were found to stop reading; call it only when there
    /// is more to read (it notes that errors may have been left out).
    pub fn full(&mut self) -> bool {
        let full = self.errors.len() >= MAX_ERRORS;
        self.truncated |= full;
        full
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Mark that the file has a column for fact `f`.
    pub fn set_present(&mut self, f: usize) {
        if let Some(p) = self.present.get_mut(f) {
            *p = true;
        }
    }

    /// Start a row at `row` (CSV line or town position).
    pub fn begin_row(&mut self, row: usize) {
        self.row = row;
    }

    /// An error at the current row.
    pub fn row_error(
        &self,
        column: Option<&str>,
        cell: Option<&str>,
        message: String,
        help: Option<String>,
    ) -> DataError {
        DataError {
            file: self.file.clone(),
            row: Some(self.row),
            column: column.map(str::to_string),
            cell: cell.map(str::to_string),
            message,
            help,
            unit: self.unit,
        }
    }

    /// Read fact `f`'s cell of the current row; `None` when the file has no such
    /// cell. `column` is the header as written, for messages.
    pub fn cell(&mut self, f: usize, text: Option<&str>, column: &str) {
        let Some(parse) = self.vocab.parsers.get(f).copied() else {
            return;
        };
        let Some(col) = self.columns.get_mut(f) else {
            return;
        };
        let text = text.map(fast::trim).unwrap_or_default();
        if text.is_empty() {
            push_none(col);
            return;
        }
        let quick = match (parse, &mut *col) {
            (Parse::Money(unit), Column::Money(v)) => {
                fast::money(text, unit).map(|x| v.push(Some(x)))
            }
            (Parse::Percent, Column::Num(v)) => fast::percent(text).map(|x| v.push(Some(x))),
            (Parse::Count, Column::Count(v)) => fast::count(text).map(|x| v.push(Some(x))),
            (Parse::Bool, Column::Bool(v)) => fast::yes_no(text).map(|x| v.push(Some(x))),
            _ => None,
        };
        if quick.is_some() {
            return;
        }
        if fast::is_missing(text) {
            push_none(col);
            return;
        }
        let failed: Result<(), (String, Option<String>)> = match (parse, col) {
            (Parse::Money(unit), Column::Money(v)) => {
                let r = parse_money(text, unit).map(|(yuan, _)| yuan);
                push(v, r.map_err(unit_error))
            }
            (Parse::Percent, Column::Num(v)) => push(v, parse_percent(text).map_err(unit_error)),
            (Parse::Number, Column::Num(v)) => push(v, parse_number(text)),
            (Parse::Count, Column::Count(v)) => push(v, parse_count(text).map_err(unit_error)),
            (Parse::Bool, Column::Bool(v)) => push(v, parse_yes_no(text).map_err(unit_error)),
            (Parse::Cat(set), Column::Cat(v)) => {
                let vocab = self.vocab;
                push(
                    v,
                    vocab
                        .member(set, text)
                        .ok_or_else(|| bad_member(vocab, set, text)),
                )
            }
            (_, Column::Text(v)) => {
                v.push(Some(text.to_string()));
                Ok(())
            }
            (_, col) => {
                push_none(col);
                Ok(())
            }
        };
        if let Err((message, help)) = failed {
            let e = self.row_error(Some(column), Some(text), message, help);
            self.error(e);
        }
    }

    /// Finish the current row: record its id, name and row number.
    pub fn end_row(&mut self) {
        let text = |f: usize| match self.columns.get(f) {
            Some(Column::Text(v)) => v.last().cloned().flatten(),
            _ => None,
        };
        let id = text(self.vocab.id);
        let name = self.vocab.name.and_then(text);
        let id = id.unwrap_or_else(|| {
            self.missing_ids.push(self.row);
            String::new()
        });
        self.names.push(name.unwrap_or_else(|| id.clone()));
        self.ids.push(id);
        self.rows.push(self.row);
    }

    /// Report towns without an id: one error when the file has no id column at
    /// all, else one per town.
    fn check_ids_present(&mut self) {
        if !self.present.get(self.vocab.id).copied().unwrap_or(false) {
            let e = self
                .vocab
                .missing_id(&self.file, self.header_row, self.unit);
            self.error(e);
            return;
        }
        let column = self.id_column.clone();
        for row in std::mem::take(&mut self.missing_ids) {
            self.row = row;
            let e = self.row_error(
                column.as_deref(),
                None,
                "the town id is missing".to_string(),
                Some("give every town a unique id".to_string()),
            );
            self.error(e);
        }
    }

    /// The errors found so far (reading stopped early, e.g. at a syntax error).
    pub fn into_errors(self) -> Vec<DataError> {
        self.errors
    }

    /// Check ids for duplicates, add warnings for facts without a column, and hand
    /// out the towns — or every error found.
    pub fn finish(mut self) -> Result<Loaded, Vec<DataError>> {
        self.check_ids_present();
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(self.ids.len());
        let mut duplicates = Vec::new();
        for (t, id) in self.ids.iter().enumerate() {
            if id.is_empty() {
                continue;
            }
            if let Some(&first) = seen.get(id.as_str()) {
                duplicates.push((first, t));
            } else {
                seen.insert(id, t);
            }
        }
        drop(seen);
        for (first, second) in duplicates {
            let (a, b) = (self.rows[first], self.rows[second]);
            let message = format!(
                "duplicate town id `{}`: {} and {}",
                self.ids[second],
                self.unit.describe(a),
                self.unit.describe(b)
            );
            self.row = b;
            let column = self.id_column.clone();
            let e = self.row_error(
                column.as_deref(),
                Some(&self.ids[second]),
                message,
                Some("give every town a unique id".to_string()),
            );
            self.error(e);
        }
        if !self.errors.is_empty() {
            self.errors.sort_by_key(|e| e.row);
            if self.truncated {
                self.errors.push(DataError::file(
                    &self.file,
                    format!("too many errors: only the first {MAX_ERRORS} are shown"),
                ));
            }
            return Err(self.errors);
        }
        let mut warnings = self.warnings;
        for (f, parse) in self.vocab.parsers.iter().enumerate() {
            let missing = !self.present.get(f).copied().unwrap_or(false);
            if missing && *parse != Parse::Text {
                warnings.push(format!(
                    "no column for {}: every town's value is missing",
                    self.vocab.describe(f)
                ));
            }
        }
        let n = self.ids.len();
        let mut columns = self.columns;
        for (f, col) in columns.iter_mut().enumerate() {
            if col.len() != n {
                if let Some(fact) = self.vocab.model.facts.get(f) {
                    *col = Column::missing(fact.kind, n);
                }
            }
        }
        Ok(Loaded {
            towns: Towns {
                file: self.file,
                ids: self.ids,
                names: self.names,
                rows: self.rows,
                columns,
                present: self.present,
            },
            warnings,
        })
    }
}

/// A cell failure as (message, help).
type Fail = (String, Option<String>);

fn push<T>(v: &mut Vec<Option<T>>, r: Result<T, Fail>) -> Result<(), Fail> {
    match r {
        Ok(x) => {
            v.push(Some(x));
            Ok(())
        }
        Err(e) => {
            v.push(None);
            Err(e)
        }
    }
}

fn push_none(col: &mut Column) {
    match col {
        Column::Money(v) | Column::Num(v) => v.push(None),
        Column::Count(v) => v.push(None),
        Column::Bool(v) => v.push(None),
        Column::Cat(v) => v.push(None),
        Column::Text(v) => v.push(None),
    }
}

fn unit_error(e: UnitError) -> Fail {
    (e.message, e.help)
}

/// A plain decimal number such as `12.5` (for facts of kind number).
fn parse_number(text: &str) -> Result<Decimal, Fail> {
    let t = normalize(text);
    let digits = t.strip_prefix('+').unwrap_or(&t);
    let plain = !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
    match plain
        .then(|| Decimal::from_str_exact(digits).ok())
        .flatten()
    {
        Some(d) => Ok(d.normalize()),
        None => Err((
            format!(
                "expected a plain number such as `12.5`, found `{}`",
                text.trim()
            ),
            Some("write the number in digits, without unit or `%`".to_string()),
        )),
    }
}

fn bad_member(vocab: &Vocab<'_>, set: usize, text: &str) -> Fail {
    let accepted = vocab.accepted(set);
    let message = format!(
        "unknown category `{}`: expected one of {accepted}",
        text.trim()
    );
    let spellings = vocab.model.categories.get(set).into_iter().flat_map(|s| {
        s.members.iter().flat_map(|m| {
            [m.id.as_str(), m.label.as_str()]
                .into_iter()
                .chain(m.aliases.iter().map(String::as_str))
        })
    });
    let help = match did_you_mean(text.trim(), spellings) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "write the category's id or its Chinese label".to_string(),
    };
    (message, Some(help))
}
