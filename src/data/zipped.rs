//! Zip-packed workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`), checked before calamine opens
//! them: a workbook is a zip archive whose parts calamine inflates and parses in memory,
//! so a small file whose sheet inflates to gigabytes (a zip bomb) must be refused first.
//!
//! The check reads the zip's central directory only (nothing is inflated) and refuses
//! the workbook when
//!
//! - the parts together declare more than [`WORKBOOK_MAX_INFLATED`] bytes inflated, or
//! - a part over [`RATIO_GRACE`] declares an inflated size more than [`MAX_RATIO`] times
//!   its packed size (Apache POI's `ZipSecureFile` refuses the same, a minimum inflate
//!   ratio of 0.01);
//! - the shared-string table announces more strings than its declared size can hold
//!   (calamine reserves memory for the announced count before reading any).
//!
//! Declared sizes can lie, but the zip reader calamine uses (the `zip` crate, the same
//! version as here) stops a part with an error as soon as it inflates past the size its
//! central-directory entry declares, so the declared total also bounds what is inflated.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::{DataRef, Sheets};
use zip::ZipArchive;

use super::input::human;
use super::{DataError, SheetCell};

/// The most a workbook's parts may declare inflated, all together: 200 MiB. A sheet of
/// 100,000 towns × 25 columns is 87 MB of XML (76 MB sheet, 7 MB shared strings) and
/// reading it peaks at 348 MB, 4 bytes of memory per inflated byte, so a workbook at
/// the ceiling stays near 800 MB (docs/PERFORMANCE.md, "Memory of the input formats").
pub const WORKBOOK_MAX_INFLATED: u64 = 200 << 20;

/// The most cells a sheet's used area may span (rows × columns from the first to the last
/// non-empty cell): 4,000,000, such as 160,000 towns of 25 columns. calamine makes a full
/// grid of that area (and the grid of text made from it takes more), about 140 bytes a
/// cell, so two cells far apart (`A1` and `XFD1048576`, a file of 5 KB) would ask for
/// terabytes: such a sheet is refused first.
pub const MAX_SHEET_CELLS: u64 = 4_000_000;

/// The largest inflate ratio (inflated ÷ packed) a part over [`RATIO_GRACE`] may declare:
/// 100, Apache POI's minimum inflate ratio of 0.01. Sheet XML packs 5–20 times.
pub const MAX_RATIO: u64 = 100;

/// Parts up to this size (1 MiB inflated) are not checked for their ratio: a small part
/// of repeated text packs very well and cannot do harm.
pub const RATIO_GRACE: u64 = 1 << 20;

/// The fewest bytes a shared string takes in `sharedStrings.xml` (`<si/>`).
const MIN_SHARED_STRING_BYTES: u64 = 5;

/// How much of `sharedStrings.xml` is read to find the count it announces.
const SST_HEAD: u64 = 4096;

/// Whether the workbook at `path` is a zip archive by its extension (`.xls` is not).
pub(super) fn is_zipped(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "xlsx" | "xlsm" | "xlsb" | "ods"
        )
    })
}

/// Check the zip-packed workbook at `path` (see the module's documentation). A file that
/// is not a zip archive passes: calamine's own error then says what is wrong with it.
pub(super) fn check(name: &str, path: &Path) -> Result<(), DataError> {
    let Ok(file) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    let mut shared_strings = None;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_data(i) else {
            continue;
        };
        let (size, packed) = (entry.size(), entry.compressed_size());
        let part = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        total = total.saturating_add(size);
        if let Some(ratio) = bomb_ratio(size, packed) {
            let message = crate::t!(
                "data.excel.zip_ratio",
                part = crate::i18n::quote(&part),
                size = human(size),
                packed = human(packed),
                ratio = ratio
            );
            return Err(DataError::file(name, message).with_help(crate::t!(
                "data.excel.zip_help",
                max = human(WORKBOOK_MAX_INFLATED)
            )));
        }
        if part.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            shared_strings = Some((i, size));
        }
    }
    if total > WORKBOOK_MAX_INFLATED {
        let message = crate::t!(
            "data.excel.zip_total",
            size = human(total),
            max = human(WORKBOOK_MAX_INFLATED)
        );
        return Err(
            DataError::file(name, message).with_help(crate::t!("data.excel.zip_total_help"))
        );
    }
    if let Some((i, size)) = shared_strings {
        let mut head = Vec::new();
        if let Ok(part) = zip.by_index(i) {
            // A part that fails to inflate is calamine's to report.
            let _ = part.take(SST_HEAD).read_to_end(&mut head);
        }
        if let Some(count) = announced_strings(&head) {
            if count > size / MIN_SHARED_STRING_BYTES {
                let message =
                    crate::t!("data.excel.zip_strings", count = count, size = human(size));
                return Err(DataError::file(name, message)
                    .with_help(crate::t!("data.excel.zip_strings_help")));
            }
        }
    }
    Ok(())
}

/// Check that the used area of sheet `sheet` spans at most [`MAX_SHEET_CELLS`] cells,
/// reading its cells as a stream (nothing is kept) before calamine builds the grid.
/// `.xls` and `.ods` pass: calamine reads them whole when it opens them (an `.xls` sheet
/// has at most 65,536 × 256 cells; calamine caps an `.ods` sheet at 100 million).
pub(super) fn check_area<RS: Read + Seek>(
    wb: &mut Sheets<RS>,
    sheet: &str,
) -> Result<(), (SheetCell, u32, u64)> {
    let mut area = Area::default();
    match wb {
        Sheets::Xlsx(x) => {
            let Ok(mut cells) = x.worksheet_cells_reader(sheet) else {
                return Ok(());
            };
            while let Ok(Some(cell)) = cells.next_cell() {
                if !matches!(cell.get_value(), DataRef::Empty) {
                    area.add(cell.get_position())?;
                }
            }
        }
        Sheets::Xlsb(x) => {
            let Ok(mut cells) = x.worksheet_cells_reader(sheet) else {
                return Ok(());
            };
            while let Ok(Some(cell)) = cells.next_cell() {
                if !matches!(cell.get_value(), DataRef::Empty) {
                    area.add(cell.get_position())?;
                }
            }
        }
        Sheets::Xls(_) | Sheets::Ods(_) => {}
    }
    Ok(())
}

/// The used area of a sheet so far: first and last row and column (0-based).
#[derive(Debug, Default)]
struct Area {
    bounds: Option<(u32, u32, u32, u32)>,
}

impl Area {
    /// Take in a non-empty cell at (`row`, `col`); the error (the far cell, as a sheet
    /// cell and row, and the area's size) once the area spans more than
    /// [`MAX_SHEET_CELLS`].
    fn add(&mut self, (row, col): (u32, u32)) -> Result<(), (SheetCell, u32, u64)> {
        let (r0, r1, c0, c1) = match self.bounds {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        };
        self.bounds = Some((r0, r1, c0, c1));
        let cells = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
        if cells > MAX_SHEET_CELLS {
            let at = SheetCell {
                index: 0,
                name: String::new(),
                column: Some(col),
            };
            return Err((at, row.saturating_add(1), cells));
        }
        Ok(())
    }
}

/// The inflate ratio of a part of `size` bytes inflated, `packed` packed, when it is a
/// bomb's: over [`RATIO_GRACE`] and more than [`MAX_RATIO`] times its packed size.
fn bomb_ratio(size: u64, packed: u64) -> Option<u64> {
    if size <= RATIO_GRACE || size <= packed.saturating_mul(MAX_RATIO) {
        return None;
    }
    Some(size / packed.max(1))
}

/// The count of strings `sharedStrings.xml` announces in the `uniqueCount` attribute of
/// its `<sst>` element, read from the part's first bytes.
fn announced_strings(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let sst = text.find("<sst")?;
    let rest = text.get(sst..)?;
    let rest = rest.get(..rest.find('>')?)?;
    let at = rest.find("uniqueCount=")? + "uniqueCount=".len();
    let value = rest.get(at..)?.trim_start_matches(['"', '\'']);
    let digits = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    // Digits past what a u64 holds announce more than any part can hold.
    Some(value.get(..digits)?.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_over_the_grace_size_are_judged() {
        assert_eq!(bomb_ratio(1 << 20, 1), None);
        assert_eq!(bomb_ratio(200 << 20, 200 << 10), Some(1024));
        assert_eq!(bomb_ratio(200 << 20, 0), Some(200 << 20));
        assert_eq!(bomb_ratio(100 << 20, 1 << 20), None);
        assert_eq!(bomb_ratio(101 << 20, 1 << 20), Some(101));
    }

    #[test]
    fn a_sheet_area_past_the_limit_is_refused_at_its_far_cell() {
        let mut a = Area::default();
        assert!(a.add((0, 0)).is_ok());
        assert!(a.add((99_999, 24)).is_ok());
        assert!(a.add((150_000, 20)).is_ok());
        let e = a.add((1_048_575, 16_383)).err();
        assert_eq!(
            e.map(|(cell, row, cells)| (cell.column, row, cells)),
            Some((Some(16_383), 1_048_576, 1_048_576 * 16_384))
        );
    }

    #[test]
    fn the_announced_string_count_is_read() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="9" uniqueCount="7"><si>"#;
        assert_eq!(announced_strings(head), Some(7));
        assert_eq!(
            announced_strings(b"<sst uniqueCount='99999999999999999999999'>"),
            Some(u64::MAX)
        );
        assert_eq!(announced_strings(b"<sst count=\"3\">"), None);
        assert_eq!(announced_strings(b"<other uniqueCount=\"3\">"), None);
    }
}
