//! Percentage columns of fractions: a bare number in a percentage column means
//! percentage points (`35` = 35%, docs/INTERPRETATION.md), but a column whose values
//! all lie in [0, 1] with at least one fraction (`0.35`, `0.5`) is almost surely
//! fractions exported from Excel (which stores 35% as 0.35). Such a column is refused
//! with a hint, unless one of its cells writes a `%` sign (`0.35%`), which states the
//! convention. A single `0.5` among `30`, `45`, `60` stays 0.5%.

use rust_decimal::Decimal;

use super::{Column, DataError, RowUnit};

/// What the cells of one percentage column showed while they were read.
#[derive(Debug, Clone, Default)]
pub(super) struct Seen {
    /// The column's header as written (empty until a cell was read).
    header: String,
    /// Whether any cell wrote a percent sign (`%` or `％`).
    marked: bool,
}

impl Seen {
    /// Note one non-empty cell of the column headed `column`.
    pub(super) fn note(&mut self, cell: &[u8], column: &str) {
        if self.header.is_empty() {
            self.header = column.to_string();
        }
        if !self.marked {
            self.marked = cell.contains(&b'%') || cell.windows(3).any(|w| w == "％".as_bytes());
        }
    }

    /// Combine with what another part of the same file showed.
    pub(super) fn merge(&mut self, other: Seen) {
        if self.header.is_empty() {
            self.header = other.header;
        }
        self.marked |= other.marked;
    }
}

/// A refused column: where, and the first fraction in it.
pub(super) struct Fractions {
    row: usize,
    header: String,
    value: Decimal,
}

impl Fractions {
    /// The error, in file `file` whose rows count `unit`.
    pub(super) fn at(self, file: &str, unit: RowUnit) -> DataError {
        let value = self.value.normalize().to_string();
        let mut e = DataError::file(
            file,
            crate::t!("data.percent.fractions", value = crate::i18n::quote(&value)),
        )
        .with_help(crate::t!("data.percent.fractions_help"));
        e.row = Some(self.row);
        e.column = Some(self.header);
        e.cell = Some(value);
        e.unit = unit;
        e
    }
}

/// The percentage columns (those with a [`Seen`] header) read as fractions: every value
/// in [0, 1], at least one of them not whole, and no cell with a `%` sign. `rows` are
/// the towns' rows in the file.
pub(super) fn fraction_columns(
    seen: &[Seen],
    columns: &[Column],
    rows: &[usize],
) -> Vec<Fractions> {
    let mut out = Vec::new();
    for (s, col) in seen.iter().zip(columns) {
        if s.header.is_empty() || s.marked {
            continue;
        }
        let Column::Num(values) = col else { continue };
        let mut first: Option<(usize, Decimal)> = None;
        let mut all_in = true;
        for i in 0..rows.len() {
            let Some(v) = values.get(i) else { continue };
            if v < Decimal::ZERO || v > Decimal::ONE {
                all_in = false;
                break;
            }
            if first.is_none() && v.fract() != Decimal::ZERO {
                first = Some((i, v));
            }
        }
        if let (true, Some((i, value))) = (all_in, first) {
            out.push(Fractions {
                row: rows.get(i).copied().unwrap_or(0),
                header: s.header.clone(),
                value,
            });
        }
    }
    out
}
