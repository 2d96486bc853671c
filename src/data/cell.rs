//! Reading cells into typed columns, shared by the CSV, TOML and JSON readers.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::suggest::did_you_mean;
use crate::units::{
    normalize, parse_count_of, parse_money, parse_percent, parse_yes_no, UnitError,
};

use super::common_cells;
use super::header::{Parse, Vocab};
use super::{Column, DataError, Loaded, RowUnit, Strs, Towns, MAX_ERRORS};

/// Accumulates towns row by row: every row gives a cell (or none) for every fact,
/// in fact order, then [`Builder::end_row`].
pub(super) struct Builder<'v, 'm> {
    vocab: &'v Vocab<'m>,
    file: String,
    unit: RowUnit,
    columns: Vec<Column>,
    present: Vec<bool>,
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
    /// Per percentage fact: the column's header, and whether a cell wrote a `%` sign
    /// (see [`super::percent`]).
    pub(super) percent: Vec<super::percent::Seen>,
    /// Per money fact, once its first cell is read: the unit its column's name gives
    /// bare numbers (`年产值（万元）`), if any.
    money_units: Vec<Option<Option<crate::units::MoneyUnit>>>,
    /// Whether to refuse percentage columns of fractions ([`super::percent`]); the
    /// workbook reader checks cells by their number format instead.
    pub check_fractions: bool,
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
            rows: Vec::with_capacity(capacity),
            errors: Vec::new(),
            truncated: false,
            row: 0,
            missing_ids: Vec::new(),
            header_row: None,
            id_column: None,
            warnings: Vec::new(),
            percent: vec![super::percent::Seen::default(); vocab.len()],
            money_units: vec![None; vocab.len()],
            check_fractions: true,
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
        self.rows.reserve(additional);
    }

    /// Make room for `total` towns in all, text included, by the towns read so far (the
    /// quick reader, once it has read a first chunk of the file).
    pub fn reserve_total(&mut self, total: usize) {
        let n = self.rows.len();
        if n == 0 || total <= n {
            return;
        }
        for col in &mut self.columns {
            if let Column::Text(t) = col {
                let per = t.text_bytes() as f64 / n as f64;
                t.reserve_text((per * (total - n) as f64 * 1.02) as usize);
            }
        }
        self.reserve(total - n);
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

    /// Whether anything is wrong so far: an error, or a town without an id.
    pub fn has_problems(&self) -> bool {
        !self.errors.is_empty() || !self.missing_ids.is_empty()
    }

    /// Append the towns `part` read (a builder for the same vocabulary, without
    /// problems; see [`Builder::has_problems`]), adding `offset` to their rows.
    pub fn append(&mut self, part: Builder<'_, '_>, offset: usize) {
        for (a, b) in self.columns.iter_mut().zip(&part.columns) {
            a.extend(b);
        }
        self.rows.extend(part.rows.iter().map(|r| r + offset));
        self.missing_ids
            .extend(part.missing_ids.iter().map(|r| r + offset));
        for e in part.errors {
            self.error(e);
        }
        for (a, b) in self.percent.iter_mut().zip(part.percent) {
            a.merge(b);
        }
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
            sheet: None,
        }
    }

    /// How fact `f`'s cells in `column` are read: as the vocabulary says, with the
    /// money unit the column's name gives (`年产值（万元）`) in place of the fact's.
    #[inline]
    fn parse_of(&mut self, f: usize, column: &str) -> Option<Parse> {
        match self.vocab.parsers.get(f).copied()? {
            Parse::Money(unit) => {
                let named = self.money_units.get_mut(f)?;
                let named = *named.get_or_insert_with(|| super::header::money_unit_of(column));
                Some(Parse::Money(named.unwrap_or(unit)))
            }
            other => Some(other),
        }
    }

    /// Read fact `f`'s cell of the current row; `None` when the file has no such
    /// cell. `column` is the header as written, for messages.
    pub fn cell(&mut self, f: usize, text: Option<&str>, column: &str) {
        let Some(parse) = self.parse_of(f, column) else {
            return;
        };
        let Some(col) = self.columns.get_mut(f) else {
            return;
        };
        let text = text.map(common_cells::trim).unwrap_or_default();
        if text.is_empty() {
            push_none(col);
            return;
        }
        let ratio = parse == Parse::Percent
            && self
                .percent
                .get_mut(f)
                .is_some_and(|seen| seen.note(text.as_bytes(), column));
        let quick = match (parse, &mut *col) {
            _ if ratio => None,
            (Parse::Money(unit), Column::Money(v)) => {
                common_cells::money_scaled(text.as_bytes(), unit).map(|(m, s)| v.push_scaled(m, s))
            }
            (Parse::Percent, Column::Num(v)) => {
                common_cells::percent_scaled(text.as_bytes()).map(|(m, s)| v.push_scaled(m, s))
            }
            (Parse::Count(m), Column::Count(v)) => {
                common_cells::count(text.as_bytes(), m).map(|x| v.push(Some(x)))
            }
            (Parse::Bool, Column::Bool(v)) => {
                common_cells::yes_no(text.as_bytes()).map(|x| v.push(Some(x)))
            }
            (Parse::Cat(set), Column::Cat(v)) => {
                self.vocab.member_exact(set, text).map(|x| v.push(Some(x)))
            }
            (Parse::Text, Column::Text(v)) if text.len() > 9 => {
                v.push(Some(text));
                Some(())
            }
            _ => None,
        };
        if quick.is_some() {
            return;
        }
        if common_cells::is_missing(text) {
            push_none(col);
            return;
        }
        let failed: Result<(), (String, Option<String>)> = match (parse, col) {
            (Parse::Money(unit), Column::Money(v)) => {
                let r = parse_money(text, unit).map(|(yuan, _)| yuan);
                push_with(r.map_err(unit_error), |x| v.push(x))
            }
            (Parse::Percent, Column::Num(v)) => {
                let r = parse_percent(text).map_err(unit_error);
                let r = if ratio {
                    r.and_then(|x| super::percent::from_ratio(x, text))
                } else {
                    r
                };
                push_with(r, |x| v.push(x))
            }
            (Parse::Number, Column::Num(v)) => push_with(parse_number(text), |x| v.push(x)),
            (Parse::Count(m), Column::Count(v)) => {
                push_with(parse_count_of(text, m).map_err(unit_error), |x| v.push(x))
            }
            (Parse::Bool, Column::Bool(v)) => {
                push_with(parse_yes_no(text).map_err(unit_error), |x| v.push(x))
            }
            (Parse::Cat(set), Column::Cat(v)) => {
                let vocab = self.vocab;
                let r = vocab
                    .member(set, text)
                    .ok_or_else(|| bad_member(vocab, set, text));
                push_with(r, |x| v.push(x))
            }
            (_, Column::Text(v)) => {
                v.push(Some(text));
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

    /// Read fact `f`'s cell from its raw bytes (the quick reader): the usual spellings
    /// are read straight from the bytes, anything else as [`Builder::cell`] reads it.
    /// False when the bytes are not UTF-8 (nothing is read).
    #[inline]
    pub fn cell_bytes(&mut self, f: usize, raw: &[u8], column: &str) -> bool {
        let vocab = self.vocab;
        let parse = self.parse_of(f, column);
        let (Some(parse), Some(col)) = (parse, self.columns.get_mut(f)) else {
            return true;
        };
        if raw.is_empty() {
            push_none(col);
            return true;
        }
        let ratio = parse == Parse::Percent
            && self
                .percent
                .get_mut(f)
                .is_some_and(|seen| seen.note(raw, column));
        let done = match (parse, &mut *col) {
            _ if ratio => None,
            (Parse::Money(unit), Column::Money(v)) => {
                common_cells::money_scaled(raw, unit).map(|(m, s)| v.push_scaled(m, s))
            }
            (Parse::Percent, Column::Num(v)) => {
                common_cells::percent_scaled(raw).map(|(m, s)| v.push_scaled(m, s))
            }
            (Parse::Count(m), Column::Count(v)) => {
                common_cells::count(raw, m).map(|x| v.push(Some(x)))
            }
            (Parse::Bool, Column::Bool(v)) => common_cells::yes_no(raw).map(|x| v.push(Some(x))),
            (Parse::Cat(set), Column::Cat(v)) => {
                vocab.member_exact_bytes(set, raw).map(|x| v.push(Some(x)))
            }
            _ => None,
        };
        if done.is_some() {
            return true;
        }
        match std::str::from_utf8(raw) {
            Ok(text) => {
                self.cell(f, Some(text), column);
                true
            }
            Err(_) => false,
        }
    }

    /// Finish the current row: note whether it has an id, record its row number. (The
    /// ids and names are the `id` and `name` columns, see [`Builder::finish`].)
    pub fn end_row(&mut self) {
        let n = self.rows.len();
        let has_id = matches!(
            self.columns.get(self.vocab.id),
            Some(Column::Text(v)) if v.len() == n + 1 && v.present().get(n)
        );
        if !has_id {
            self.missing_ids.push(self.row);
        }
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
                crate::t!("data.cell.id_missing"),
                Some(crate::t!("data.cell.id_help")),
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
        if self.check_fractions {
            for e in super::percent::fraction_columns(&self.percent, &self.columns, &self.rows) {
                self.error(e.at(&self.file, self.unit));
            }
        }
        let n = self.rows.len();
        for (f, col) in self.columns.iter_mut().enumerate() {
            if col.len() != n {
                if let Some(fact) = self.vocab.model.facts.get(f) {
                    *col = Column::missing(fact.kind, n);
                }
            }
        }
        // The ids are the `id` column (sharing its text when every town has one); the
        // names are the `name` column, or the id where a town has no name.
        let ids: Strs = match self.columns.get_mut(self.vocab.id) {
            Some(Column::Text(t)) => {
                Strs::shared(t).unwrap_or_else(|| t.iter().map(Option::unwrap_or_default).collect())
            }
            _ => (0..n).map(|_| "").collect(),
        };
        let names: Strs = match self.vocab.name.and_then(|f| self.columns.get_mut(f)) {
            Some(Column::Text(t)) => match Strs::shared(t) {
                Some(s) => s,
                None => (0..n).map(|i| t.get(i).unwrap_or(&ids[i])).collect(),
            },
            _ => ids.clone(),
        };
        let duplicates = duplicate_ids(&ids);
        for (first, second) in duplicates {
            let (a, b) = (self.rows[first], self.rows[second]);
            let message = crate::t!(
                "data.cell.duplicate_id",
                id = crate::i18n::quote(&ids[second]),
                first = self.unit.describe(a),
                second = self.unit.describe(b)
            );
            self.row = b;
            let column = self.id_column.clone();
            let e = self.row_error(
                column.as_deref(),
                Some(&ids[second]),
                message,
                Some(crate::t!("data.cell.id_help")),
            );
            self.error(e);
        }
        if !self.errors.is_empty() {
            self.errors.sort_by_key(|e| e.row);
            if self.truncated {
                self.errors.push(DataError::file(
                    &self.file,
                    crate::t!("data.cell.too_many", max = MAX_ERRORS),
                ));
            }
            return Err(self.errors);
        }
        let warnings = self.warnings;
        // A yearly fact has no value of its own: its years are facts of their own.
        let missing = (0..self.vocab.parsers.len())
            .filter(|&f| !self.present.get(f).copied().unwrap_or(false))
            .filter(|&f| !self.vocab.model.facts.get(f).is_some_and(|x| x.yearly))
            .collect();
        Ok(Loaded {
            missing,
            towns: Towns {
                file: self.file,
                ids,
                names,
                rows: self.rows,
                columns: self.columns,
                present: self.present,
            },
            warnings,
        })
    }
}

/// A quick hash of a town id (the keys come from the user's own file; nothing to
/// defend against): eight bytes at a time, multiply and rotate, then a final mix so
/// that every byte reaches the low bits.
fn id_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Towns whose (non-empty) id an earlier town has: (first town, this town), in order.
///
/// An open-addressing table of town numbers with 32 bits of their ids' hash (8 bytes a
/// slot, half full at most) rather than a map from ids: 16 bytes per town while
/// loading, and ids are compared only when their hashes agree.
fn duplicate_ids(ids: &Strs) -> Vec<(usize, usize)> {
    let n = ids.len();
    let mut duplicates = Vec::new();
    if n >= (u32::MAX / 2) as usize {
        // More towns than a table of u32 holds: fall back to a map.
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(n);
        for (t, id) in ids.iter().enumerate() {
            if id.is_empty() {
                continue;
            }
            match seen.get(id) {
                Some(&first) => duplicates.push((first, t)),
                None => {
                    seen.insert(id, t);
                }
            }
        }
        return duplicates;
    }
    let size = (n.max(1) * 2).next_power_of_two();
    let mask = size - 1;
    // Slot value: high 32 bits of the hash, town number + 1 (0 = empty).
    let mut table = vec![0u64; size];
    for (t, id) in ids.iter().enumerate() {
        if id.is_empty() {
            continue;
        }
        let h = id_hash(id.as_bytes());
        let tag = h & 0xFFFF_FFFF_0000_0000;
        let mut i = h as usize & mask;
        loop {
            let s = table[i];
            if s == 0 {
                table[i] = tag | (t as u64 + 1);
                break;
            }
            let first = (s & 0xFFFF_FFFF) as usize - 1;
            if s & 0xFFFF_FFFF_0000_0000 == tag && ids.get(first) == Some(id) {
                duplicates.push((first, t));
                break;
            }
            i = (i + 1) & mask;
        }
    }
    duplicates
}

/// A cell failure as (message, help).
type Fail = (String, Option<String>);

fn push_with<T>(r: Result<T, Fail>, push: impl FnOnce(Option<T>)) -> Result<(), Fail> {
    match r {
        Ok(x) => {
            push(Some(x));
            Ok(())
        }
        Err(e) => {
            push(None);
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
            crate::t!("data.cell.number", cell = crate::i18n::quote(text.trim())),
            Some(crate::t!("data.cell.number_help")),
        )),
    }
}

fn bad_member(vocab: &Vocab<'_>, set: usize, text: &str) -> Fail {
    let accepted = vocab.accepted(set);
    let message = crate::t!(
        "data.cell.category",
        cell = crate::i18n::quote(text.trim()),
        accepted = accepted
    );
    let spellings = vocab.model.categories.get(set).into_iter().flat_map(|s| {
        s.members.iter().flat_map(|m| {
            [m.id.as_str(), m.label.as_str()]
                .into_iter()
                .chain(m.aliases.iter().map(String::as_str))
        })
    });
    let help = match did_you_mean(text.trim(), spellings) {
        Some(s) => crate::t!("data.did_you_mean", name = s),
        None => crate::t!("data.cell.category_help"),
    };
    (message, Some(help))
}
