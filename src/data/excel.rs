//! Spreadsheets: `.xlsx`, `.xls` and `.ods` workbooks (also `.xlsm`, `.xlsb`), read with
//! calamine.
//!
//! One sheet (the first, or the one named) is turned into the text records the CSV
//! reader takes — a header row, then one town per row — and read by the CSV reader's own
//! layout and record functions, so every column, unit and error rule is the CSV one. Only
//! the cells' text is made here:
//!
//! - a number becomes the shortest decimal that reads back as the same binary number
//!   (what Excel shows at full precision; Rust's `{}` of an `f64`): the number is only
//!   turned into text, which the exact decimal parsers then read;
//! - a number in a cell formatted as a percentage (Excel stores 35% as 0.35) becomes
//!   `35%`, moving the decimal point in the text. The format is known for `.xlsx`
//!   (calamine's cell styles); for `.xls`/`.ods` it is not, and a percentage fact whose
//!   cell is a number above 0 and at most 1 is an error rather than a guess;
//! - yes/no cells become 是/否, dates `YYYY-MM-DD`, text stays as is, an empty cell is
//!   missing, and an error cell (`#DIV/0!`) is an error at its cell.
//!
//! Errors name the sheet and the cell: `towns.xlsx 第1张表（Sheet1） B7: …`.

mod reason;

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader, Sheets, StyleRange};

use super::cell::Builder;
use super::csv::{layout, record, Slot};
use super::header::{fold_name, Parse, Vocab};
use super::scores::{scores_from, Scores};
use super::{DataError, Loaded, RowUnit, SheetCell, Towns};
use crate::compile::Evaluation;

/// The file extensions read as workbooks (lowercase).
const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// The help for a percentage that may have been a percent-formatted cell.
fn percent_help() -> String {
    crate::t!("data.excel.percent_help")
}

/// The help for an Excel error value in a cell.
fn error_help() -> String {
    crate::t!("data.excel.error_help")
}

/// Whether the file at `path` is read as a workbook (by its extension, any case).
pub(super) fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// What is wrong with a cell, beyond its text.
#[derive(Debug, Clone, PartialEq)]
enum Problem {
    /// An Excel error value such as `#DIV/0!`.
    Error(String),
    /// A number above 0 and at most 1 whose number format cannot be known: as a
    /// percentage fact it may be a percent-formatted cell (0.35 for 35%).
    Fraction,
}

/// One cell as text.
#[derive(Debug, Clone, PartialEq)]
struct Cell {
    /// The text the CSV reader would find (empty = missing).
    text: String,
    /// Why the text cannot be taken as it is, if so.
    problem: Option<Problem>,
}

/// One sheet as rows of text.
struct Grid {
    /// The sheet (its column unset).
    sheet: SheetCell,
    /// The sheet column of the first column of the grid (0-based).
    col0: u32,
    /// The header's sheet row (1-based).
    header_row: usize,
    /// The header cells.
    header: Vec<String>,
    /// The rows after the header: sheet row (1-based) and cells, as wide as the header.
    rows: Vec<(usize, Vec<Cell>)>,
}

impl Grid {
    /// An error at cell (`row`, grid column `i`) of the sheet.
    fn error_at(&self, file: &str, row: usize, i: usize, message: String) -> DataError {
        let mut e = DataError::file(file, message);
        e.row = Some(row);
        e.column = self
            .header
            .get(i)
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty());
        e.sheet = Some(Box::new(SheetCell {
            column: self.column(i),
            ..self.sheet.clone()
        }));
        e
    }

    /// The sheet column of grid column `i`.
    fn column(&self, i: usize) -> Option<u32> {
        u32::try_from(i).ok().and_then(|i| self.col0.checked_add(i))
    }

    /// Give each error the sheet and, where it can be told, its cell's column: by the
    /// header it names (on the header row, the columns of that name in order, as the
    /// header errors come), or for a cell in a column without a header, by its text.
    fn locate(&self, errors: Vec<DataError>) -> Vec<DataError> {
        let heads: Vec<&str> = self
            .header
            .iter()
            .map(|h| h.trim_start_matches('\u{FEFF}').trim())
            .collect();
        let mut used = vec![false; heads.len()];
        errors
            .into_iter()
            .map(|mut e| {
                if e.sheet.is_some() {
                    return e;
                }
                let col = match (e.row, e.column.as_deref().map(str::trim)) {
                    (Some(r), Some(c)) if r == self.header_row => {
                        let p = (0..heads.len()).find(|&i| !used[i] && heads[i] == c);
                        if let Some(p) = p {
                            used[p] = true;
                        }
                        p
                    }
                    (Some(_), Some(c)) => heads.iter().position(|h| *h == c),
                    (Some(r), None) => e.cell.as_deref().and_then(|text| {
                        let (_, cells) = self.rows.iter().find(|(row, _)| *row == r)?;
                        (0..heads.len()).find(|&i| {
                            fold_name(heads[i]).is_empty()
                                && cells.get(i).is_some_and(|c| c.text.trim() == text.trim())
                        })
                    }),
                    _ => None,
                };
                e.sheet = Some(Box::new(SheetCell {
                    column: col.and_then(|i| self.column(i)),
                    ..self.sheet.clone()
                }));
                e
            })
            .collect()
    }
}

/// Open the workbook at `path` and read one sheet (`sheet` by name, else the first).
fn open(name: &str, path: &Path, sheet: Option<&str>) -> Result<Grid, DataError> {
    if std::fs::metadata(path).is_ok() {
        // A device, FIFO or oversized file is refused before the workbook is opened.
        let size = super::input::check(name, path)?;
        let xls = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xls"));
        if xls {
            super::input::check_xls(name, size)?;
        }
        if super::zipped::is_zipped(path) {
            // A zip bomb is refused before calamine inflates anything.
            super::zipped::check(name, path)?;
        }
    }
    let mut wb = open_workbook_auto(path).map_err(|e| {
        DataError::file(
            name,
            crate::t!("data.excel.unreadable", error = reason::workbook_error(&e)),
        )
    })?;
    let names = wb.sheet_names();
    let index = match sheet {
        None if names.is_empty() => {
            return Err(DataError::file(name, crate::t!("data.excel.no_sheets")));
        }
        None => 0,
        Some(wanted) => names
            .iter()
            .position(|n| n == wanted)
            .or_else(|| names.iter().position(|n| n.trim() == wanted.trim()))
            .ok_or_else(|| {
                let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                DataError::file(
                    name,
                    crate::t!("data.excel.no_sheet", sheet = crate::i18n::quote(wanted)),
                )
                .with_help(crate::t!(
                    "data.excel.no_sheet_help",
                    sheets = list.join("、")
                ))
            })?,
    };
    let sheet_name = names.get(index).cloned().unwrap_or_default();
    let at = SheetCell {
        index: index + 1,
        name: sheet_name.clone(),
        column: None,
    };
    let located = |message: String| {
        let mut e = DataError::file(name, message);
        e.sheet = Some(Box::new(at.clone()));
        e
    };
    if let Err((far, row, cells)) = super::zipped::check_area(&mut wb, &sheet_name) {
        let message = crate::t!(
            "data.excel.area",
            cell = format!(
                "{}{row}",
                far.column.map(SheetCell::letters).unwrap_or_default()
            ),
            cells = cells,
            max = super::zipped::MAX_SHEET_CELLS
        );
        return Err(located(message).with_help(crate::t!("data.excel.area_help")));
    }
    let range = wb.worksheet_range(&sheet_name).map_err(|e| {
        located(crate::t!(
            "data.excel.sheet_unreadable",
            error = reason::workbook_error(&e)
        ))
    })?;
    // Number formats are known for .xlsx only.
    let formats_known = matches!(wb, Sheets::Xlsx(_));
    let styles = if formats_known {
        wb.worksheet_style(&sheet_name).map_err(|e| {
            located(crate::t!(
                "data.excel.formats_unreadable",
                error = reason::workbook_error(&e)
            ))
        })?
    } else {
        StyleRange::empty()
    };
    let empty =
        || located(crate::t!("data.excel.empty")).with_help(crate::t!("data.excel.empty_help"));
    let (row0, col0) = range.start().ok_or_else(empty)?;
    let mut rows = range.rows().enumerate().map(|(i, cells)| {
        let r = row0.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        let cells: Vec<Cell> = cells
            .iter()
            .enumerate()
            .map(|(j, v)| {
                let c = col0.saturating_add(u32::try_from(j).unwrap_or(u32::MAX));
                let percent = styles
                    .get((r, c))
                    .and_then(|s| s.number_format.as_ref())
                    .is_some_and(|f| is_percent_format(&f.format_code));
                cell_text(v, percent, formats_known)
            })
            .collect();
        (r as usize + 1, cells)
    });
    let blank = |cells: &[Cell]| {
        cells
            .iter()
            .all(|c| c.text.trim().is_empty() && c.problem.is_none())
    };
    let (header_row, header) = rows
        .by_ref()
        .find(|(_, cells)| !blank(cells))
        .ok_or_else(empty)?;
    Ok(Grid {
        sheet: at,
        col0,
        header_row,
        header: header.into_iter().map(|c| c.text).collect(),
        rows: rows.collect(),
    })
}

/// Read the towns of a sheet of the workbook at `path`.
pub(super) fn read_towns(
    name: &str,
    path: &Path,
    sheet: Option<&str>,
    vocab: &Vocab<'_>,
) -> Result<Loaded, Vec<DataError>> {
    let grid = open(name, path, sheet).map_err(|e| vec![e])?;
    let mut b = Builder::new(vocab, name, RowUnit::Line, grid.rows.len());
    b.check_fractions = false;
    let heads = grid.header.iter().map(String::as_str);
    let (lay, mut blanks) = layout(name, vocab, &mut b, heads, grid.header_row);
    // Columns whose header states how bare percentages are meant (`（比例）`, `（%）`):
    // their numbers are read by that convention, not refused as maybe-fractions.
    let stated: Vec<bool> = grid
        .header
        .iter()
        .map(|h| super::percent::convention(h).is_some())
        .collect();
    for (row, cells) in &grid.rows {
        if b.full() {
            break;
        }
        b.begin_row(*row);
        let mut fields: Vec<&str> = Vec::with_capacity(cells.len());
        for (i, c) in cells.iter().enumerate() {
            let slot = lay.slots.get(i).copied();
            let read = matches!(slot, Some(Slot::Fact(_) | Slot::Blank));
            match &c.problem {
                Some(Problem::Error(value)) => {
                    if read {
                        let message =
                            crate::t!("data.excel.error_value", value = crate::i18n::quote(value));
                        b.error(
                            grid.error_at(name, *row, i, message)
                                .with_help(error_help()),
                        );
                    }
                    fields.push("");
                }
                Some(Problem::Fraction)
                    if matches!(slot, Some(Slot::Fact(f))
                        if vocab.parsers.get(f) == Some(&Parse::Percent)
                            && !stated.get(i).copied().unwrap_or(false)) =>
                {
                    let message =
                        crate::t!("data.excel.fraction", cell = crate::i18n::quote(&c.text));
                    b.error(
                        grid.error_at(name, *row, i, message)
                            .with_help(percent_help()),
                    );
                    fields.push("");
                }
                _ => fields.push(&c.text),
            }
        }
        record(&mut b, &lay, &mut blanks, fields.as_slice(), *row);
    }
    b.finish().map_err(|errors| grid.locate(errors))
}

/// The score sheet of a workbook: the first sheet whose header has the score sheet's
/// columns (a data-entry template has the towns first), else the first sheet (whose
/// error then names the columns it lacks).
fn score_grid(name: &str, path: &Path) -> Result<Grid, DataError> {
    let first = open(name, path, None)?;
    if super::scores::has_score_columns(&first.header) {
        return Ok(first);
    }
    let names = open_workbook_auto(path)
        .map(|wb| wb.sheet_names())
        .unwrap_or_default();
    for sheet in names.iter().skip(1) {
        if let Ok(g) = open(name, path, Some(sheet)) {
            if super::scores::has_score_columns(&g.header) {
                return Ok(g);
            }
        }
    }
    Ok(first)
}

/// Read expert score sheets from the workbook at `path` (the sheet [`score_grid`] finds).
pub(super) fn read_scores(
    name: &str,
    path: &Path,
    ev: &Evaluation,
    towns: &Towns,
) -> Result<Scores, Vec<DataError>> {
    let grid = score_grid(name, path).map_err(|e| vec![e])?;
    let mut cell_errors = Vec::new();
    for (row, cells) in &grid.rows {
        for (i, c) in cells.iter().enumerate() {
            if let Some(Problem::Error(value)) = &c.problem {
                let message =
                    crate::t!("data.excel.error_value", value = crate::i18n::quote(value));
                cell_errors.push(
                    grid.error_at(name, *row, i, message)
                        .with_help(error_help()),
                );
            }
        }
    }
    if !cell_errors.is_empty() {
        return Err(cell_errors);
    }
    let records = grid
        .rows
        .iter()
        .map(|(row, cells)| Ok((*row, cells.iter().map(|c| c.text.clone()).collect())));
    scores_from(name, &grid.header, grid.header_row, records, ev, towns)
        .map_err(|errors| grid.locate(errors))
}

/// A cell's value as the text a CSV cell would hold. `percent`: the cell is formatted as
/// a percentage; `formats_known`: whether the file says how cells are formatted.
fn cell_text(v: &Data, percent: bool, formats_known: bool) -> Cell {
    let text = |s: String| Cell {
        text: s,
        problem: None,
    };
    // A number, which may be a fraction standing for a percentage when its format is
    // unknown. (Comparing is all that is done with the binary number.)
    let number = |s: String, fraction: bool| {
        if percent {
            text(percent_text(&s))
        } else {
            Cell {
                text: s,
                problem: (fraction && !formats_known).then_some(Problem::Fraction),
            }
        }
    };
    match v {
        Data::Empty => text(String::new()),
        Data::String(s) => text(s.clone()),
        Data::Bool(b) => text(if *b { "是" } else { "否" }.to_string()),
        Data::Int(i) => number(i.to_string(), *i == 1),
        Data::Float(f) => number(shortest(*f), *f > 0.0 && *f <= 1.0),
        Data::DateTime(d) if d.is_duration() => text(shortest(d.as_f64())),
        Data::DateTime(d) => {
            let (y, m, day, h, min, s, ms) = d.to_ymd_hms_milli();
            if (h, min, s, ms) == (0, 0, 0, 0) {
                text(format!("{y:04}-{m:02}-{day:02}"))
            } else {
                text(format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}"))
            }
        }
        Data::DateTimeIso(s) => {
            let date = s.strip_suffix("T00:00:00").unwrap_or(s);
            text(date.to_string())
        }
        Data::DurationIso(s) => text(s.clone()),
        Data::Error(e) => Cell {
            text: String::new(),
            problem: Some(Problem::Error(e.to_string())),
        },
    }
}

/// The shortest decimal that reads back as `f` (Rust's `{}`: never an exponent).
fn shortest(f: f64) -> String {
    let s = format!("{f}");
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// A fraction's decimal text as a percentage: the decimal point moved two places right,
/// in the text (`0.35` → `35%`, `0.035` → `3.5%`, `1` → `100%`).
fn percent_text(s: &str) -> String {
    let (sign, digits) = match s.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let frac = format!("{frac:0<2}");
    let (moved, rest) = (frac.get(..2).unwrap_or("00"), frac.get(2..).unwrap_or(""));
    let whole = format!("{int}{moved}");
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    if rest.is_empty() {
        format!("{sign}{whole}%")
    } else {
        format!("{sign}{whole}.{rest}%")
    }
}

/// Whether an Excel number format shows a percentage: a `%` in its first section, not
/// quoted, escaped or in brackets.
fn is_percent_format(code: &str) -> bool {
    let (mut quoted, mut skip, mut bracket) = (false, false, false);
    for c in code.chars() {
        if skip {
            skip = false;
            continue;
        }
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => skip = true,
            '[' => bracket = true,
            ']' => bracket = false,
            ';' => return false,
            '%' if !bracket => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_the_text_excel_shows() {
        assert_eq!(shortest(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(shortest(35.0), "35");
        assert_eq!(shortest(1e21), "1000000000000000000000");
        assert_eq!(shortest(-0.0), "0");
        assert_eq!(percent_text("0.35"), "35%");
        assert_eq!(percent_text("0.035"), "3.5%");
        assert_eq!(percent_text("1"), "100%");
        assert_eq!(percent_text("0"), "0%");
        assert_eq!(percent_text("-0.125"), "-12.5%");
        assert_eq!(percent_text("12.3456"), "1234.56%");
        assert_eq!(percent_text("0.30000000000000004"), "30.000000000000004%");
    }

    #[test]
    fn percent_formats_are_told_apart() {
        for f in ["0%", "0.00%", "0.0%;[Red]-0.0%", "#,##0.00%"] {
            assert!(is_percent_format(f), "{f}");
        }
        for f in [
            "General",
            "0.00",
            "\"%\"0",
            "0\\%",
            "yyyy-mm-dd",
            "0;0%",
            "[%]0",
        ] {
            assert!(!is_percent_format(f), "{f}");
        }
    }

    #[test]
    fn cells_of_unknown_format_flag_fractions() {
        let c = cell_text(&Data::Float(0.35), false, false);
        assert_eq!(c.problem, Some(Problem::Fraction));
        assert_eq!(cell_text(&Data::Float(0.35), false, true).problem, None);
        assert_eq!(cell_text(&Data::Float(35.0), false, false).problem, None);
        assert_eq!(cell_text(&Data::Float(0.0), false, false).problem, None);
        assert_eq!(cell_text(&Data::Float(0.35), true, true).text, "35%");
        assert_eq!(cell_text(&Data::Int(2), true, true).text, "200%");
        assert_eq!(cell_text(&Data::Bool(true), false, true).text, "是");
        assert_eq!(cell_text(&Data::Bool(false), false, true).text, "否");
        assert_eq!(
            cell_text(
                &Data::DateTimeIso("2024-03-01T00:00:00".into()),
                false,
                false
            )
            .text,
            "2024-03-01"
        );
        let err = cell_text(&Data::Error(calamine::CellErrorType::Div0), false, true);
        assert_eq!(err.problem, Some(Problem::Error("#DIV/0!".into())));
    }

    #[test]
    fn errors_name_the_sheet_and_cell() {
        assert_eq!(SheetCell::letters(0), "A");
        assert_eq!(SheetCell::letters(25), "Z");
        assert_eq!(SheetCell::letters(26), "AA");
        assert_eq!(SheetCell::letters(51), "AZ");
        assert_eq!(SheetCell::letters(52), "BA");
        assert_eq!(SheetCell::letters(16383), "XFD");
        let mut e = DataError::file("towns.xlsx", "bad");
        e.row = Some(7);
        e.column = Some("产值".into());
        e.sheet = Some(Box::new(SheetCell {
            index: 2,
            name: "镇".into(),
            column: Some(1),
        }));
        assert_eq!(e.to_string(), "towns.xlsx 第2张表（镇） B7 `产值` 列：bad");
        e.sheet = Some(Box::new(SheetCell {
            index: 1,
            name: "Sheet1".into(),
            column: None,
        }));
        e.column = None;
        assert_eq!(e.to_string(), "towns.xlsx 第1张表（Sheet1） 第7行：bad");
        e.sheet = None;
        assert_eq!(e.to_string(), "towns.xlsx 第7行：bad");
    }
}
