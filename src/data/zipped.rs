//! Zip-packed workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`), checked before calamine opens
//! them: a workbook is a zip archive whose parts calamine inflates and parses in memory,
//! so a small file whose sheet inflates to gigabytes (a zip bomb) must be refused first.
//!
//! The check reads the zip's end record and central directory, and as a stream the first
//! 4 KiB of the shared-string table and an `.ods`'s `content.xml` (nothing is kept). It
//! refuses the workbook when
//!
//! - the zip lists more than [`MAX_PARTS`] parts (read from its end record, before the
//!   zip reader lists them),
//! - the parts together declare more than [`WORKBOOK_MAX_INFLATED`] bytes inflated,
//! - a part over [`RATIO_GRACE`] declares an inflated size more than [`MAX_RATIO`] times
//!   its packed size (Apache POI's `ZipSecureFile` refuses the same, a minimum inflate
//!   ratio of 0.01),
//! - the shared-string table announces more strings than its declared size can hold
//!   (calamine reserves memory for the announced count before reading any), or
//! - an `.ods` sheet's repeated rows and columns span more than [`MAX_SHEET_CELLS`] cells
//!   (calamine lays them out when it opens the file: 1 KB of `.ods` can ask for gigabytes).
//!
//! An `.xlsx`/`.xlsb` sheet's area is checked after opening, before its grid is built
//! ([`check_area`]).
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

/// The most parts (files in the zip) a workbook may have: 10,000. A workbook has a dozen
/// parts and three or so per sheet; the zip reader keeps a record of some hundred bytes
/// for every part listed, so a zip of millions of empty parts is refused before it is
/// listed.
pub const MAX_PARTS: u64 = 10_000;

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
    let Ok(mut file) = File::open(path) else {
        return Ok(());
    };
    if let Some(parts) = part_count(&mut file).filter(|&n| n > MAX_PARTS) {
        let message = crate::t!("data.excel.zip_parts", parts = parts, max = MAX_PARTS);
        return Err(
            DataError::file(name, message).with_help(crate::t!("data.excel.zip_total_help"))
        );
    }
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
    if is_ods(path) {
        if let Some((sheet, cells)) = ods_area(&mut zip) {
            let message = crate::t!(
                "data.excel.ods_area",
                sheet = crate::i18n::quote(&sheet),
                cells = cells,
                max = MAX_SHEET_CELLS
            );
            return Err(
                DataError::file(name, message).with_help(crate::t!("data.excel.ods_area_help"))
            );
        }
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
/// `.xls` and `.ods` pass here: calamine reads them whole when it opens them (an `.xls`
/// sheet has at most 65,536 × 256 cells; an `.ods` is checked by [`check`] before it is
/// opened, its repeated rows and columns counted).
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

/// The number of parts the zip's end-of-central-directory record announces (its Zip64
/// record's when the short one says to look there); `None` when there is none to read.
fn part_count<R: Read + Seek>(file: &mut R) -> Option<u64> {
    use std::io::SeekFrom;
    const EOCD: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const EOCD64: &[u8] = b"PK\x06\x06";
    let len = file.seek(SeekFrom::End(0)).ok()?;
    // The record is 22 bytes plus a comment of at most 65,535.
    let tail_len = len.min(22 + 65_535);
    let tail_start = len - tail_len;
    file.seek(SeekFrom::Start(tail_start)).ok()?;
    let mut tail = Vec::new();
    file.take(tail_len).read_to_end(&mut tail).ok()?;
    let at = tail.windows(4).rposition(|w| w == EOCD)?;
    let field = |bytes: &[u8], from: usize, n: usize| -> Option<u64> {
        let b = bytes.get(from..from + n)?;
        Some(b.iter().rev().fold(0u64, |v, &x| (v << 8) | u64::from(x)))
    };
    let entries = field(&tail, at + 10, 2)?;
    let zip64 = entries == 0xFFFF
        || field(&tail, at + 12, 4)? == 0xFFFF_FFFF
        || field(&tail, at + 16, 4)? == 0xFFFF_FFFF;
    if !zip64 {
        return Some(entries);
    }
    // The Zip64 locator sits just before the record and gives the Zip64 record's offset.
    let locator = at.checked_sub(20)?;
    if tail.get(locator..locator + 4)? != LOCATOR {
        return Some(entries);
    }
    let record = field(&tail, locator + 8, 8)?;
    file.seek(SeekFrom::Start(record)).ok()?;
    let mut head = [0u8; 40];
    file.read_exact(&mut head).ok()?;
    if head.get(..4)? != EOCD64 {
        return Some(entries);
    }
    field(&head, 32, 8)
}

/// Whether `path` names an OpenDocument spreadsheet (`.ods`).
fn is_ods(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("ods"))
}

/// The first sheet of an `.ods` whose used area, with its repeated rows and columns
/// (`table:number-rows-repeated`, `table:number-columns-repeated`) laid out as calamine
/// lays them out when it opens the file, spans more than [`MAX_SHEET_CELLS`]: its name
/// and the cells counted when the count passed the limit. `content.xml` is read as a
/// stream; nothing is kept.
fn ods_area<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Option<(String, u64)> {
    use quick_xml::events::{BytesStart, Event};
    let part = zip.by_name("content.xml").ok()?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let number = |e: &BytesStart<'_>, key: &str, max: u64| -> u64 {
        e.try_get_attribute(key)
            .ok()
            .flatten()
            .and_then(|a| a.value.trim().parse::<u64>().ok())
            .map_or(1, |n| n.clamp(1, max))
    };
    let (mut sheet, mut area) = (String::new(), OdsArea::default());
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let (e, closed) = match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                if e.name().as_ref() == "table:table-row" {
                    area.end_row();
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => continue,
        };
        match e.name().as_ref() {
            "table:table" => {
                sheet = e
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default();
                area = OdsArea::default();
            }
            "table:table-row" => {
                area.start_row(number(&e, "table:number-rows-repeated", 1 << 20));
                if closed {
                    area.end_row();
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let filled = e
                    .try_get_attribute("office:value-type")
                    .ok()
                    .flatten()
                    .is_some()
                    || e.try_get_attribute("table:formula")
                        .ok()
                        .flatten()
                        .is_some();
                area.cell(number(&e, "table:number-columns-repeated", 1 << 14), filled);
            }
            _ => {}
        }
        if area.cells() > MAX_SHEET_CELLS {
            return Some((sheet, area.cells()));
        }
    }
}

/// The used area of an `.ods` sheet so far, repeats counted: the rows from the first to
/// the last row with a filled cell, times the widest filled column.
#[derive(Debug, Default)]
struct OdsArea {
    /// Rows seen so far (repeats counted).
    rows: u64,
    /// The current row's repeat count, column and whether a cell of it is filled.
    repeat: u64,
    col: u64,
    filled: bool,
    /// First row with a filled cell, and the row after the last.
    first: Option<u64>,
    end: u64,
    /// One past the widest filled column.
    width: u64,
}

impl OdsArea {
    fn start_row(&mut self, repeat: u64) {
        (self.repeat, self.col, self.filled) = (repeat, 0, false);
    }

    fn cell(&mut self, repeat: u64, filled: bool) {
        self.col = self.col.saturating_add(repeat);
        if filled {
            self.filled = true;
            self.width = self.width.max(self.col);
        }
    }

    fn end_row(&mut self) {
        if self.filled {
            self.first.get_or_insert(self.rows);
            self.end = self.rows.saturating_add(self.repeat);
        }
        self.rows = self.rows.saturating_add(self.repeat);
        self.filled = false;
    }

    /// The cells of the used area so far (the current row included when filled).
    fn cells(&self) -> u64 {
        let end = if self.filled {
            self.rows.saturating_add(self.repeat)
        } else {
            self.end
        };
        let first = self.first.unwrap_or(self.rows);
        end.saturating_sub(first).saturating_mul(self.width)
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
    fn ods_repeats_are_counted_as_calamine_lays_them_out() {
        let mut a = OdsArea::default();
        // A header row, then 1000 rows of 16384 filled cells.
        a.start_row(1);
        a.cell(1, true);
        a.end_row();
        a.start_row(1000);
        a.cell(16_384, true);
        assert_eq!(a.cells(), 1001 * 16_384);
        a.end_row();
        // Trailing empty rows and columns do not count.
        a.start_row(1_048_000);
        a.cell(1024, false);
        a.end_row();
        assert_eq!(a.cells(), 1001 * 16_384);
    }

    #[test]
    fn the_part_count_is_read_from_the_end_record() {
        let mut zip = b"PK\x03\x04 local data ".to_vec();
        // End record: 3 parts on this disk, 3 in all.
        zip.extend_from_slice(b"PK\x05\x06\0\0\0\0\x03\0\x03\0");
        zip.extend_from_slice(&[0x2E, 0, 0, 0, 0x10, 0, 0, 0, 0, 0]);
        assert_eq!(part_count(&mut std::io::Cursor::new(&zip)), Some(3));
        assert_eq!(part_count(&mut std::io::Cursor::new(b"not a zip")), None);
        // Zip64: the short record says 0xFFFF, the Zip64 record 5,000,000.
        let mut z64 = b"PK\x06\x06".to_vec();
        z64.extend_from_slice(&[0; 28]);
        z64.extend_from_slice(&5_000_000u64.to_le_bytes());
        z64.extend_from_slice(&[0; 16]);
        z64.extend_from_slice(b"PK\x06\x07\0\0\0\0");
        z64.extend_from_slice(&0u64.to_le_bytes());
        z64.extend_from_slice(&[1, 0, 0, 0]);
        z64.extend_from_slice(b"PK\x05\x06\0\0\0\0\xFF\xFF\xFF\xFF");
        z64.extend_from_slice(&[0xFF; 8]);
        z64.extend_from_slice(&[0, 0]);
        assert_eq!(part_count(&mut std::io::Cursor::new(&z64)), Some(5_000_000));
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
