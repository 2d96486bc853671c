//! Percentage columns of fractions: a bare number in a percentage column means
//! percentage points (`35` = 35%, docs/INTERPRETATION.md), but a column whose values
//! all lie in [0, 1] with at least one fraction (`0.35`, `0.5`) is almost surely
//! fractions exported from Excel (which stores 35% as 0.35). Such a column is refused
//! with a hint, unless one of its cells writes a `%` sign (`0.35%`), which states the
//! convention, or the header does: `市场占有率（比例）` reads bare numbers as fractions
//! (`0.35` = 35%), `市场占有率（%）` as percentage points. A single `0.5` among `30`, `45`,
//! `60` stays 0.5%.

use rust_decimal::Decimal;

use super::{Column, DataError, RowUnit};

/// How a header says its bare numbers are meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Convention {
    /// `（比例）`: fractions, `0.35` = 35%.
    Ratio,
    /// `（%）`: percentage points, `35` = 35%.
    Points,
}

/// The header suffixes that state a convention (after the fact's name).
const SUFFIXES: [(&str, Convention); 8] = [
    ("（比例）", Convention::Ratio),
    ("(比例)", Convention::Ratio),
    ("（%）", Convention::Points),
    ("(%)", Convention::Points),
    ("（％）", Convention::Points),
    ("(％)", Convention::Points),
    ("（百分比）", Convention::Points),
    ("(百分比)", Convention::Points),
];

/// `header` without a suffix stating a convention, and the convention; `None` when it
/// has none.
pub(super) fn convention(header: &str) -> Option<(&str, Convention)> {
    let h = header.trim();
    SUFFIXES
        .iter()
        .find_map(|(suffix, c)| h.strip_suffix(suffix).map(|base| (base.trim_end(), *c)))
        .filter(|(base, _)| !base.is_empty())
}

/// Whether a cell writes a percent sign (`%` or `％`).
fn has_sign(cell: &[u8]) -> bool {
    cell.contains(&b'%') || cell.windows(3).any(|w| w == "％".as_bytes())
}

/// A bare number of a `（比例）` column (`0.35`, read as 0.35 percentage points) as the
/// percentage it means (35); a fraction above 1 is an error.
pub(super) fn from_ratio(points: Decimal, cell: &str) -> Result<Decimal, (String, Option<String>)> {
    if points > Decimal::ONE || points < Decimal::ZERO {
        let message = crate::t!("data.percent.ratio_over", cell = crate::i18n::quote(cell));
        return Err((message, Some(crate::t!("data.percent.ratio_over_help"))));
    }
    Ok(points * Decimal::ONE_HUNDRED)
}

/// What the cells of one percentage column showed while they were read.
#[derive(Debug, Clone, Default)]
pub(super) struct Seen {
    /// The column's header as written (empty until a cell was read).
    header: String,
    /// Whether any cell wrote a percent sign (`%` or `％`).
    marked: bool,
    /// The convention the header states.
    convention: Option<Convention>,
}

impl Seen {
    /// Note one non-empty cell of the column headed `column`; whether the cell is a bare
    /// number of a `（比例）` column, to be read as a fraction ([`from_ratio`]).
    pub(super) fn note(&mut self, cell: &[u8], column: &str) -> bool {
        if self.header.is_empty() {
            self.header = column.to_string();
            self.convention = convention(column).map(|(_, c)| c);
        }
        let sign = has_sign(cell);
        self.marked |= sign;
        self.convention == Some(Convention::Ratio) && !sign
    }

    /// Combine with what another part of the same file showed.
    pub(super) fn merge(&mut self, other: Seen) {
        if self.header.is_empty() {
            self.header = other.header;
        }
        self.marked |= other.marked;
        self.convention = self.convention.or(other.convention);
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
        .with_help(crate::t!(
            "data.percent.fractions_help",
            column = crate::i18n::quote(self.header.trim())
        ));
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
        if s.header.is_empty() || s.marked || s.convention.is_some() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_state_conventions() {
        assert_eq!(
            convention("市场占有率（比例）"),
            Some(("市场占有率", Convention::Ratio))
        );
        assert_eq!(convention("share (%)"), Some(("share", Convention::Points)));
        assert_eq!(convention("（比例）"), None);
        assert_eq!(convention("市场占有率"), None);
        assert_eq!(
            from_ratio(Decimal::new(35, 2), "0.35"),
            Ok(Decimal::new(35, 0))
        );
        assert!(from_ratio(Decimal::new(35, 0), "35").is_err());
    }
}
