//! Reading data inputs safely: only regular files, never more than a size limit
//! ([`max_input_bytes`], 2 GiB unless `--max-input-size` says otherwise), and text in
//! an encoding we read (UTF-8; GB18030 for CSV) — UTF-16 and UTF-32, with or without a
//! byte-order mark, are recognised and refused with a clear message.
//!
//! An endless or oversized input (`/dev/zero` behind a `.csv` name, a FIFO, a 10 GB
//! file) stops with an error before anything large is read.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::DataError;

/// The default limit on the size of one data input (town data, score sheet): 2 GiB.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 2 << 30;

static MAX_INPUT: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT_BYTES);

/// Set the limit on the size of one data input, in bytes, for the rest of the process
/// (`--max-input-size`).
pub fn set_max_input_bytes(bytes: u64) {
    MAX_INPUT.store(bytes, Ordering::Relaxed);
}

/// The limit on the size of one data input, in bytes.
pub fn max_input_bytes() -> u64 {
    MAX_INPUT.load(Ordering::Relaxed)
}

/// Read a size as written on the command line: `2GiB`, `500MB`, `64k`, `1000` (bytes).
/// Units are powers of 1024 (`K`/`KB`/`KiB`, `M`…, `G`…, `T`…), case-insensitive.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let bad = || crate::t!("data.input.bad_size", size = text);
    let n: u64 = number.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    let bytes = n.checked_mul(1 << shift).ok_or_else(bad)?;
    if bytes == 0 {
        return Err(bad());
    }
    Ok(bytes)
}

/// A size for messages: `2 GiB`, `1.5 MiB`, `300 B`. A size between two tenths is
/// shown at the tenth above it, so a file one byte over a 32 MiB limit reads `32.1 MiB`,
/// never `32 MiB` (as if it were not over).
pub fn human(bytes: u64) -> String {
    const UNITS: [(u32, &str); 4] = [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")];
    for (shift, unit) in UNITS {
        let size = 1u64 << shift;
        if bytes >= size {
            let tenths = (u128::from(bytes) * 10).div_ceil(u128::from(size));
            let tenths = u64::try_from(tenths).unwrap_or(u64::MAX);
            return if tenths.is_multiple_of(10) {
                format!("{} {unit}", tenths / 10)
            } else {
                format!("{}.{} {unit}", tenths / 10, tenths % 10)
            };
        }
    }
    format!("{bytes} B")
}

/// The ceiling on a TOML town-data file: 8 MiB, some 14,000 towns of 25 facts. TOML is
/// parsed whole (the document keeps every key and value with its text and position):
/// town data takes about 20 times the file's size in memory, a long array of small
/// numbers up to 90 times, so 8 MiB peaks near 170 MB (720 MB at worst), where the
/// general limit of 2 GiB would need 40 GB or more. CSV and JSON, read as a stream,
/// keep the general limit.
pub const TOML_MAX_BYTES: u64 = 8 << 20;

/// The ceiling on a score sheet read as CSV: 64 MiB, some 1.7 million score rows (a real
/// evaluation has a few tens of thousands). The sheet is read whole and each row kept
/// takes a few times its bytes (see [`Whole::ScoreSheet`]).
pub const SCORES_MAX_BYTES: u64 = 64 << 20;

/// The ceiling on an Excel 97–2003 workbook (`.xls`): 32 MiB. calamine reads it whole,
/// with no hook to check it first as `.xlsx` and `.ods` are checked; an `.xls` holds at
/// most 65,536 × 256 cells, and a real town sheet is a few hundred KB.
pub const XLS_MAX_BYTES: u64 = 32 << 20;

/// Refuse an `.xls` workbook of `size` bytes over its ceiling ([`XLS_MAX_BYTES`], or
/// the general limit if smaller).
pub(super) fn check_xls(name: &str, size: u64) -> Result<(), DataError> {
    let limit = ceiling(XLS_MAX_BYTES, max_input_bytes());
    if size <= limit {
        return Ok(());
    }
    let message = crate::t!(
        "data.input.xls_too_large",
        size = human(size),
        limit = human(limit)
    );
    Err(DataError::file(name, message).with_help(crate::t!("data.input.xls_too_large_help")))
}

/// An input read whole into memory, with a ceiling of its own below the general limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Whole {
    /// TOML town data ([`TOML_MAX_BYTES`]).
    Toml,
    /// A score sheet as CSV ([`SCORES_MAX_BYTES`]): every row it keeps (a duplicate check
    /// per row, a sheet of every indicator per town and expert) takes several times the
    /// row's bytes.
    ScoreSheet,
}

impl Whole {
    /// The kind's own ceiling, before the general limit is applied.
    fn own(self) -> u64 {
        match self {
            Whole::Toml => TOML_MAX_BYTES,
            Whole::ScoreSheet => SCORES_MAX_BYTES,
        }
    }

    /// The ceiling that applies: the kind's own, or the general limit if that is smaller.
    pub(super) fn ceiling(self) -> u64 {
        ceiling(self.own(), max_input_bytes())
    }

    /// The error for a file of `size` bytes (`None`: it grew while read) over `ceiling`.
    fn too_large(self, name: &str, size: Option<u64>, ceiling: u64) -> DataError {
        let limit = human(ceiling);
        let general = human(max_input_bytes());
        let (message, help) = match (self, size) {
            (Whole::Toml, Some(size)) => (
                crate::t!(
                    "data.input.toml_too_large",
                    size = human(size),
                    limit = limit
                ),
                crate::t!("data.input.toml_too_large_help", general = general),
            ),
            (Whole::Toml, None) => (
                crate::t!("data.input.toml_too_large_stream", limit = limit),
                crate::t!("data.input.toml_too_large_help", general = general),
            ),
            (Whole::ScoreSheet, Some(size)) => (
                crate::t!(
                    "data.input.scores_too_large",
                    size = human(size),
                    limit = limit
                ),
                crate::t!("data.input.scores_too_large_help"),
            ),
            (Whole::ScoreSheet, None) => (
                crate::t!("data.input.scores_too_large_stream", limit = limit),
                crate::t!("data.input.scores_too_large_help"),
            ),
        };
        DataError::file(name, message).with_help(help)
    }
}

/// The ceiling of an input kind whose own ceiling is `own`, under the general limit
/// `general`: the smaller of the two (a lowered `--max-input-size` lowers it too; a
/// raised one does not raise it).
pub(super) fn ceiling(own: u64, general: u64) -> u64 {
    own.min(general)
}

/// The error for an input larger than the limit.
pub(super) fn too_large(name: &str, size: Option<u64>, limit: u64) -> DataError {
    let message = match size {
        Some(size) => crate::t!(
            "data.input.too_large",
            size = human(size),
            limit = human(limit)
        ),
        None => crate::t!("data.input.too_large_stream", limit = human(limit)),
    };
    DataError::file(name, message).with_help(crate::t!("data.input.too_large_help"))
}

/// The marker an [`io::Error`] carries when a [`Limited`] reader passed its limit.
#[derive(Debug)]
pub(super) struct TooLarge;

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::t!(
            "data.input.too_large_stream",
            limit = human(max_input_bytes())
        ))
    }
}

impl std::error::Error for TooLarge {}

/// Whether `e` says a [`Limited`] reader passed its limit.
pub(super) fn is_too_large(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<TooLarge>())
}

/// A reader that fails (with [`TooLarge`]) once more than `limit` bytes were read: a
/// file that grows while read, or one whose size the system does not know.
pub(super) struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        match self.left.checked_sub(n as u64) {
            Some(left) => {
                self.left = left;
                Ok(n)
            }
            None => Err(io::Error::new(io::ErrorKind::InvalidData, TooLarge)),
        }
    }
}

/// Open the data file at `path` for reading within the limit: only a regular file
/// (a device, FIFO, socket or directory is refused), of at most [`max_input_bytes`]
/// bytes. Returns the reader and the file's size.
pub(super) fn open(name: &str, path: &Path) -> Result<(Limited<File>, u64), DataError> {
    let limit = max_input_bytes();
    let size = check(name, path)?;
    let file = File::open(path).map_err(|e| read_error(name, &e))?;
    Ok((
        Limited {
            inner: file,
            left: limit,
        },
        size,
    ))
}

/// Check that `path` is a regular file within the limit (see [`open`]); its size.
pub(super) fn check(name: &str, path: &Path) -> Result<u64, DataError> {
    let meta = std::fs::metadata(path).map_err(|e| read_error(name, &e))?;
    let kind = kind_of(&meta.file_type());
    if let Some(kind) = kind {
        let message = crate::t!("data.input.not_regular", kind = kind);
        return Err(
            DataError::file(name, message).with_help(crate::t!("data.input.not_regular_help"))
        );
    }
    let limit = max_input_bytes();
    if meta.len() > limit {
        return Err(too_large(name, Some(meta.len()), limit));
    }
    Ok(meta.len())
}

/// What a file that is not a regular file is, for messages; `None` for a regular file.
fn kind_of(t: &std::fs::FileType) -> Option<String> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some(crate::t!("data.input.kind.directory"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return Some(crate::t!("data.input.kind.fifo"));
        }
        if t.is_char_device() || t.is_block_device() {
            return Some(crate::t!("data.input.kind.device"));
        }
        if t.is_socket() {
            return Some(crate::t!("data.input.kind.socket"));
        }
    }
    Some(crate::t!("data.input.kind.other"))
}

/// A read error as a data error (the limit's own when the reader passed it).
pub(super) fn read_error(name: &str, e: &io::Error) -> DataError {
    if is_too_large(e) {
        return too_large(name, None, max_input_bytes());
    }
    DataError::file(
        name,
        crate::t!("data.load.read", error = crate::source::io_reason(e)),
    )
}

/// Read the whole data file at `path` within the limit, refusing a wide encoding
/// (UTF-16/UTF-32) by its first bytes.
pub(super) fn read_all(name: &str, path: &Path) -> Result<Vec<u8>, DataError> {
    let (mut input, size) = open(name, path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    input
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(name, &e))?;
    refuse_wide(name, &bytes)?;
    Ok(bytes)
}

/// Read the whole file at `path` as [`read_all`] does, but within the smaller ceiling of
/// `kind` (refused with that kind's message: its size, the ceiling and what to do).
pub(super) fn read_all_within(name: &str, path: &Path, kind: Whole) -> Result<Vec<u8>, DataError> {
    let size = check(name, path)?;
    let ceiling = kind.ceiling();
    if size > ceiling {
        return Err(kind.too_large(name, Some(size), ceiling));
    }
    let file = File::open(path).map_err(|e| read_error(name, &e))?;
    let mut input = Limited {
        inner: file,
        left: ceiling,
    };
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    input.read_to_end(&mut bytes).map_err(|e| {
        if is_too_large(&e) {
            kind.too_large(name, None, ceiling)
        } else {
            read_error(name, &e)
        }
    })?;
    refuse_wide(name, &bytes)?;
    Ok(bytes)
}

/// A wide Unicode encoding, recognised by a byte-order mark or by where the NUL bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wide {
    /// UTF-16, little-endian (Excel's "Unicode text").
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// UTF-32, little-endian.
    Utf32Le,
    /// UTF-32, big-endian.
    Utf32Be,
    /// NUL bytes in no pattern of a text encoding: not a text file.
    Binary,
}

impl Wide {
    fn name(self) -> &'static str {
        match self {
            Wide::Utf16Le => "UTF-16LE",
            Wide::Utf16Be => "UTF-16BE",
            Wide::Utf32Le => "UTF-32LE",
            Wide::Utf32Be => "UTF-32BE",
            Wide::Binary => "",
        }
    }
}

/// The wide encoding of text starting with `start` (a few KiB are enough), if it is one.
pub(super) fn sniff(start: &[u8]) -> Option<Wide> {
    if start.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Some(Wide::Utf32Le);
    }
    if start.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Some(Wide::Utf32Be);
    }
    if start.starts_with(&[0xFF, 0xFE]) {
        return Some(Wide::Utf16Le);
    }
    if start.starts_with(&[0xFE, 0xFF]) {
        return Some(Wide::Utf16Be);
    }
    let sample = start.get(..start.len().min(4096) & !3).unwrap_or_default();
    if !sample.contains(&0) {
        return None;
    }
    // Where the NUL bytes are, by position modulo 4.
    let mut nul = [0usize; 4];
    for (i, &b) in sample.iter().enumerate() {
        if b == 0 {
            nul[i % 4] += 1;
        }
    }
    let quarter = sample.len() / 4;
    let all = |i: usize| nul[i] == quarter;
    if quarter > 0 && all(2) && all(3) && nul[0] < quarter {
        return Some(Wide::Utf32Le);
    }
    if quarter > 0 && all(0) && all(1) && nul[3] < quarter {
        return Some(Wide::Utf32Be);
    }
    let (even, odd) = (nul[0] + nul[2], nul[1] + nul[3]);
    let half = sample.len() / 2;
    if odd * 2 >= half && even * 8 < odd {
        return Some(Wide::Utf16Le);
    }
    if even * 2 >= half && odd * 8 < even {
        return Some(Wide::Utf16Be);
    }
    Some(Wide::Binary)
}

/// The error for a file in a wide encoding (or with NUL bytes), if `start` shows one.
pub(super) fn refuse_wide(name: &str, start: &[u8]) -> Result<(), DataError> {
    let Some(wide) = sniff(start) else {
        return Ok(());
    };
    let message = match wide {
        Wide::Binary => crate::t!("data.input.binary"),
        Wide::Utf16Le | Wide::Utf16Be | Wide::Utf32Le | Wide::Utf32Be => {
            crate::t!("data.input.wide", encoding = wide.name())
        }
    };
    Err(DataError::file(name, message).with_help(crate::t!("data.input.save_utf8")))
}

/// Text of a TOML or JSON file (or a score sheet read as UTF-8 only): UTF-8 with or
/// without a byte-order mark. Anything else is refused naming the line of the first bad
/// byte, with a hint when the text reads as GBK/GB18030.
pub(super) fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, DataError> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{FEFF}') {
                text.drain(..'\u{FEFF}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => {
            let bytes = e.as_bytes();
            let valid = e.utf8_error().valid_up_to();
            let line = 1 + bytes
                .get(..valid)
                .unwrap_or_default()
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            let gbk = encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .is_some();
            let message = if gbk {
                crate::t!("data.input.gbk", line = line)
            } else {
                crate::t!("data.input.not_utf8", line = line)
            };
            Err(DataError::file(name, message).with_help(crate::t!("data.input.save_utf8")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode16(text: &str, be: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect()
    }

    fn encode32(text: &str, be: bool) -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                let u = c as u32;
                if be {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn wide_encodings_are_told_apart_with_and_without_bom() {
        let text = "id,名称,年产值\nt01,甲镇,12亿元\n";
        assert_eq!(sniff(text.as_bytes()), None);
        assert_eq!(sniff(&encode16(text, false)), Some(Wide::Utf16Le));
        assert_eq!(sniff(&encode16(text, true)), Some(Wide::Utf16Be));
        assert_eq!(sniff(&encode32(text, false)), Some(Wide::Utf32Le));
        assert_eq!(sniff(&encode32(text, true)), Some(Wide::Utf32Be));
        let bom = |b: &[u8], rest: Vec<u8>| [b.to_vec(), rest].concat();
        assert_eq!(
            sniff(&bom(&[0xFF, 0xFE, 0, 0], encode32(text, false))),
            Some(Wide::Utf32Le)
        );
        assert_eq!(
            sniff(&bom(&[0xFF, 0xFE], encode16(text, false))),
            Some(Wide::Utf16Le)
        );
        assert_eq!(sniff(&[1, 0, 0, 7, 0, 9, 9, 0]), Some(Wide::Binary));
    }

    #[test]
    fn an_endless_reader_stops_at_the_limit() {
        let mut r = Limited {
            inner: io::repeat(0),
            left: 1 << 20,
        };
        let mut sink = Vec::new();
        let e = r.read_to_end(&mut sink).err();
        assert!(e.as_ref().is_some_and(is_too_large), "{e:?}");
        assert!(sink.len() <= (1 << 20) + (64 << 10), "{}", sink.len());
    }

    #[test]
    fn a_kind_read_whole_has_the_smaller_ceiling() {
        assert_eq!(ceiling(TOML_MAX_BYTES, DEFAULT_MAX_INPUT_BYTES), 8 << 20);
        assert_eq!(ceiling(TOML_MAX_BYTES, 1 << 20), 1 << 20);
        assert_eq!(ceiling(TOML_MAX_BYTES, 4 << 30), TOML_MAX_BYTES);
        assert_eq!(ceiling(SCORES_MAX_BYTES, 4 << 10), 4 << 10);
        let e = Whole::Toml.too_large("t.toml", Some(65 << 20), 64 << 20);
        assert!(e.message.contains("65 MiB") && e.message.contains("64 MiB"));
        assert!(e
            .help
            .is_some_and(|h| h.contains("CSV") && h.contains("JSON")));
    }

    #[test]
    fn sizes_are_read_and_shown() {
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("500mb"), Ok(500 << 20));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("ten").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
        assert_eq!(human(2 << 30), "2 GiB");
        assert_eq!(human(1536 << 10), "1.5 MiB");
        assert_eq!(human(300), "300 B");
        // One byte over a limit never reads as the limit itself.
        assert_eq!(human((32 << 20) + 1), "32.1 MiB");
        assert_eq!(human(u64::MAX), "16777216 TiB");
    }

    #[test]
    fn utf8_names_the_line_and_hints_gbk() {
        let (gbk, _, _) = encoding_rs::GBK.encode("id = \"t01\"\nname = \"甲镇\"\n");
        let e = utf8("x.toml", gbk.into_owned()).err().map(|e| e.message);
        assert!(e.is_some_and(|m| m.contains('2') && m.contains("GB")));
        assert_eq!(
            utf8("x", b"\xEF\xBB\xBFa".to_vec()).ok().as_deref(),
            Some("a")
        );
    }
}
