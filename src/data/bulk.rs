//! The quick way through large, plain CSV files: read in chunks, cut at line ends,
//! parse the lines of a chunk on all cores, append the parts in file order.
//!
//! It takes only files where this is certain to read exactly what the general reader
//! ([`super::csv`]) reads: UTF-8, no quote character anywhere (so every line end ends a
//! record), no carriage return except before a line feed, a header on the first line.
//! Anything else — and any problem at all in the data (an unreadable cell, a row of the
//! wrong width, a town without an id …) — hands the file back to the general reader,
//! which reads it from the start and reports exactly as it always does. So on files it
//! accepts it gives the same towns, rows, warnings and duplicate-id errors.

use std::io::Read;

use rayon::prelude::*;

use super::cell::Builder;
use super::csv::{layout, Layout, Slot};
use super::header::Vocab;
use super::{DataError, Loaded, RowUnit};

/// Bytes read per chunk.
const CHUNK: usize = 4 << 20;

/// Below this many bytes a chunk is parsed on one thread.
const PARALLEL_MIN: usize = 256 << 10;

/// What the quick reader made of a file.
pub(super) enum Bulk {
    /// The towns (or the errors found when finishing: duplicate or missing ids).
    Done(Box<Result<Loaded, Vec<DataError>>>),
    /// Not a file for the quick reader: read it with the general one.
    Fallback,
}

/// Whether `bytes` (whole lines) can be split at line ends: no quote character, and
/// every carriage return followed by a line feed.
fn plain(bytes: &[u8]) -> bool {
    let mut ok = true;
    for (i, &c) in bytes.iter().enumerate() {
        if c == b'"' || (c == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            ok = false;
        }
    }
    ok
}

/// Fill `buf` from `input` until it holds at least `want` bytes or the input ends;
/// `Err` on a read error.
fn fill(input: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    let need = want.saturating_sub(buf.len());
    let got = input.take(need as u64).read_to_end(buf)?;
    Ok(got < need)
}

/// Read the lines of `bytes` (whole lines) into a new builder, numbering them from 0;
/// the builder and the number of line ends, or `None` when the bytes are not for the
/// quick reader or at the first problem.
fn piece<'v, 'm>(
    vocab: &'v Vocab<'m>,
    name: &str,
    lay: &Layout,
    blanks: &[(usize, bool)],
    bytes: &[u8],
) -> Option<(Builder<'v, 'm>, usize)> {
    // Room for the part's towns, assuming lines of at least 64 bytes.
    let mut b = Builder::new(vocab, name, RowUnit::Line, bytes.len() / 64 + 1);
    // Field `j` of a line is `bytes[starts[j]..ends[j]]`.
    let (mut starts, mut ends) = (Vec::with_capacity(64), Vec::with_capacity(64));
    let n = bytes.len();
    let (mut pos, mut row) = (0, 0);
    while pos < n {
        let line = row;
        row += 1;
        starts.clear();
        ends.clear();
        starts.push(pos);
        let mut i = pos;
        while i < n {
            // Go to the next byte that may be special, eight bytes at a time: every special
            // byte (`,` `"` CR LF) is below 0x2D.
            if let Some(w) = bytes.get(i..i + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(w);
                let m = bytes_below_2d(u64::from_le_bytes(word));
                if m == 0 {
                    i += 8;
                    continue;
                }
                i += (m.trailing_zeros() / 8) as usize;
            }
            match bytes[i] {
                b',' => {
                    ends.push(i);
                    starts.push(i + 1);
                }
                b'\n' => break,
                b'"' => return None,
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => return None,
                _ => {}
            }
            i += 1;
        }
        let mut end = i;
        if end > pos && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        let empty_line = end == pos;
        pos = i + 1;
        if empty_line {
            continue; // the CSV reader skips empty lines
        }
        ends.push(end);
        let field = |j: usize| bytes.get(starts[j]..ends[j]);
        // A row of empty cells (Excel) is skipped, as the general reader does.
        let id_filled = match lay.id_field.and_then(field) {
            Some(id) => !blank(id)?,
            None => false,
        };
        if !id_filled {
            let mut all_blank = true;
            for j in 0..starts.len() {
                all_blank &= blank(field(j).unwrap_or_default())?;
            }
            if all_blank {
                continue;
            }
        }
        if starts.len() != lay.width {
            return None;
        }
        for &(j, _) in blanks {
            if !blank(field(j).unwrap_or_default())? {
                return None;
            }
        }
        b.begin_row(line);
        for (j, slot) in lay.slots.iter().enumerate() {
            if let Slot::Fact(f) = *slot {
                if !b.cell_bytes(f, field(j).unwrap_or_default(), &lay.fact_header[f]) {
                    return None;
                }
            }
        }
        for &f in &lay.absent {
            b.cell(f, None, "");
        }
        b.end_row();
        if b.has_problems() {
            return None;
        }
    }
    Some((b, row))
}

/// A mask whose lowest set bit is the high bit of the first byte of `x` (little-endian)
/// below 0x2D; zero when there is none. (Bits above the lowest may be spurious.)
#[inline]
fn bytes_below_2d(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    x.wrapping_sub(ONES * 0x2D) & !x & HIGH
}

/// Whether a cell is empty once surrounding whitespace is trimmed (`None`: not UTF-8).
#[inline]
fn blank(b: &[u8]) -> Option<bool> {
    match b.first() {
        None => Some(true),
        Some(&c) if c.is_ascii() && !(c as char).is_whitespace() => Some(false),
        _ => std::str::from_utf8(b).ok().map(|s| s.trim().is_empty()),
    }
}

/// Split `bytes` (whole lines) into about `n` parts at line ends.
fn split(bytes: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(n);
    let mut rest = bytes;
    let target = bytes.len() / n.max(1) + 1;
    while !rest.is_empty() {
        let cut = if rest.len() <= target {
            rest.len()
        } else {
            match rest[target..].iter().position(|&c| c == b'\n') {
                Some(p) => target + p + 1,
                None => rest.len(),
            }
        };
        let (part, tail) = rest.split_at(cut);
        parts.push(part);
        rest = tail;
    }
    parts
}

/// Read CSV from `input` (byte-order mark already skipped; about `size` bytes).
pub(super) fn read(name: &str, input: &mut dyn Read, size: u64, vocab: &Vocab<'_>) -> Bulk {
    let mut buf: Vec<u8> = Vec::new();
    let Ok(mut eof) = fill(input, &mut buf, CHUNK) else {
        return Bulk::Fallback;
    };
    // The header: the first line, which must not be empty.
    let Some(nl) = buf.iter().position(|&c| c == b'\n') else {
        return Bulk::Fallback;
    };
    let Ok(header) = std::str::from_utf8(&buf[..nl]) else {
        return Bulk::Fallback;
    };
    let header = header.strip_suffix('\r').unwrap_or(header);
    if header.is_empty() || !plain(header.as_bytes()) {
        return Bulk::Fallback;
    }
    let mut b = Builder::new(vocab, name, RowUnit::Line, 0);
    let (lay, blanks) = layout(name, vocab, &mut b, header.split(','), 1);
    if b.has_problems() {
        return Bulk::Fallback;
    }
    let mut line = 2;
    buf.drain(..=nl);
    let threads = rayon::current_num_threads().max(1);
    let mut reserved = false;
    loop {
        // Cut the chunk after its last line end (or at the end of the input).
        let cut = if eof {
            buf.len()
        } else {
            match buf.iter().rposition(|&c| c == b'\n') {
                Some(p) => p + 1,
                None => {
                    // A line longer than a chunk: read on.
                    let want = buf.len() + CHUNK;
                    match fill(input, &mut buf, want) {
                        Ok(e) => eof = e,
                        Err(_) => return Bulk::Fallback,
                    }
                    continue;
                }
            }
        };
        let bytes = &buf[..cut];
        let parts = if bytes.len() < PARALLEL_MIN || threads == 1 {
            vec![bytes]
        } else {
            split(bytes, 2 * threads)
        };
        let read: Vec<Option<(Builder<'_, '_>, usize)>> = if parts.len() == 1 {
            parts
                .iter()
                .map(|t| piece(vocab, name, &lay, &blanks, t))
                .collect()
        } else {
            parts
                .par_iter()
                .map(|t| piece(vocab, name, &lay, &blanks, t))
                .collect()
        };
        for part in read {
            let Some((p, lines)) = part else {
                return Bulk::Fallback;
            };
            b.append(p, line);
            line += lines;
        }
        if !reserved && line > 2 {
            // Make room for the whole file, estimated from the first chunk.
            let per_line = (bytes.len() / (line - 2)).max(8) as u64;
            let rows = usize::try_from(size / per_line).unwrap_or(usize::MAX);
            b.reserve_total(rows.saturating_add(16).min(1 << 26));
            reserved = true;
        }
        if eof {
            break;
        }
        buf.drain(..cut);
        let want = buf.len() + CHUNK;
        match fill(input, &mut buf, want) {
            Ok(e) => eof = e,
            Err(_) => return Bulk::Fallback,
        }
    }
    Bulk::Done(Box::new(b.finish()))
}

/// The benchmarks' deterministic town generator, for tests.
#[cfg(test)]
#[path = "../../benches/support/gen.rs"]
mod gen;

#[cfg(test)]
mod tests {
    use super::gen;
    use super::super::csv::{read_general, read_str};
    use super::super::header::Vocab;

    fn model() -> crate::check::Checked {
        let report = crate::check::check_file(std::path::Path::new("rules/shanxi.rules"));
        report.model.expect("shanxi.rules checks")
    }

    /// The quick reader and the general reader give the same towns.
    #[test]
    fn quick_and_general_readers_agree() {
        let m = model();
        let vocab = Vocab::new(&m).unwrap();
        let big = gen::csv_string(3_000, 7);
        let texts = [
            big.clone(),
            big.replace('\n', "\r\n"),
            format!("{}\n\n\n", big.trim_end()),
            big.replacen('\n', "\n\n,,,\n", 3),
            "id,name,output_value\na,甲,20\nb,,5000万元".to_string(),
            "id,name,output_value\n\na,甲,20\n   \nb,,5000万元\n".to_string(),
            "id,name,output_value,\na,甲,20,\n".to_string(),
            "id,notes\na,\"x, y\"\n".to_string(),
            "id,output_value\na,约20亿\n".to_string(),
            "id,output_value\na,20\na,30\n".to_string(),
            "name,output_value\n甲,20\n".to_string(),
            "id,output_value\n,20\n".to_string(),
            "id,output_value\na,20\rb,30\n".to_string(),
            "\nid,output_value\na,20\n".to_string(),
            "id\n".to_string(),
            "id".to_string(),
            String::new(),
        ];
        for t in &texts {
            let quick = read_str("t.csv", t, &vocab);
            let general = read_general("t.csv", t, &vocab);
            match (quick, general) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.towns, b.towns, "{t:.200}");
                    assert_eq!(a.warnings, b.warnings, "{t:.200}");
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{t:.200}"),
                (a, b) => panic!("{t:.200}: {:?} vs {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }

    /// Large input goes through the chunked, parallel path.
    #[test]
    fn chunks_and_parts_are_appended_in_order() {
        let m = model();
        let vocab = Vocab::new(&m).unwrap();
        let t = gen::csv_string(60_000, 11);
        assert!(t.len() > super::CHUNK);
        let mut input = t.as_bytes();
        let super::Bulk::Done(quick) = super::read("g.csv", &mut input, t.len() as u64, &vocab)
        else {
            panic!("the quick reader takes generated data")
        };
        let quick = quick.unwrap();
        let general = read_general("g.csv", &t, &vocab).unwrap();
        assert_eq!(quick.towns.len(), 60_000);
        assert_eq!(quick.towns, general.towns);
    }
}
