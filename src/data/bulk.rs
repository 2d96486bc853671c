//! The quick way through large, plain CSV files: read in chunks, cut at line ends,
//! parse the lines of a chunk on all cores, append the parts in file order.
//!
//! It takes only files where this is certain to read exactly what the general reader
//! ([`super::csv`]) reads: UTF-8, no carriage return except before a line feed, a header
//! on the first line without quotes. Chunks and parts are cut after a line feed on the
//! guess that it ends a record; a part that then ends inside a quoted field shows the
//! guess was wrong. That — and any problem at all in the data (an unreadable cell, a row
//! of the wrong width, a town without an id …) — hands the file back to the general
//! reader, which reads it from the start and reports exactly as it always does. So on
//! files it accepts it gives the same towns, rows, warnings and duplicate-id errors.

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

/// Whether `bytes` (the header line) is read the same way when split at commas: no quote
/// character, and every carriage return followed by a line feed.
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

/// Read the records of `bytes` (whole lines) into a new builder, numbering lines from
/// 0; the builder and the number of lines, or `None` when the bytes are not for the
/// quick reader or at the first problem.
///
/// Records are split as the `csv` crate splits them (RFC 4180 quoting: a field that
/// starts with `"` runs to the next lone `"`, `""` inside it is a quote, and what follows
/// the closing quote up to the next comma belongs to the field; a quote elsewhere is an
/// ordinary character; empty lines are skipped). A part must not end inside a quoted
/// field — then it was cut in the wrong place, and the general reader takes over.
fn piece<'v, 'm>(
    vocab: &'v Vocab<'m>,
    name: &str,
    lay: &Layout,
    blanks: &[(usize, bool)],
    bytes: &[u8],
) -> Option<(Builder<'v, 'm>, usize)> {
    // Room for the part's towns, assuming lines of at least 64 bytes.
    let mut b = Builder::new(vocab, name, RowUnit::Line, bytes.len() / 64 + 1);
    // Field `j` of a record: `bytes[start..end]`, or `unquoted[start..end]` for a quoted
    // field (its text without the quotes).
    let mut spans: Vec<(bool, usize, usize)> = Vec::with_capacity(64);
    let mut unquoted: Vec<u8> = Vec::new();
    let n = bytes.len();
    let (mut pos, mut line) = (0, 0);
    loop {
        // Between records: skip empty lines.
        while let Some(&c) = bytes.get(pos) {
            match c {
                b'\n' => line += 1,
                b'\r' if bytes.get(pos + 1) == Some(&b'\n') => {}
                b'\r' => return None, // a lone carriage return ends records: not here
                _ => break,
            }
            pos += 1;
        }
        if pos >= n {
            break;
        }
        let row = line;
        spans.clear();
        unquoted.clear();
        loop {
            // One field.
            if bytes.get(pos) == Some(&b'"') {
                pos += 1;
                let start = unquoted.len();
                loop {
                    let rest = bytes.get(pos..).unwrap_or_default();
                    // Inside quotes: copy up to the next quote (a part that ends inside
                    // quotes was cut in the wrong place).
                    let k = rest.iter().position(|&c| c == b'"')?;
                    let text = &rest[..k];
                    line += text.iter().filter(|&&c| c == b'\n').count();
                    unquoted.extend_from_slice(text);
                    pos += k + 1;
                    if bytes.get(pos) == Some(&b'"') {
                        unquoted.push(b'"');
                        pos += 1;
                        continue;
                    }
                    // After the closing quote, up to the end of the field.
                    let e = field_end(bytes, pos);
                    unquoted.extend_from_slice(&bytes[pos..e]);
                    pos = e;
                    break;
                }
                spans.push((true, start, unquoted.len()));
            } else {
                let e = field_end(bytes, pos);
                spans.push((false, pos, e));
                pos = e;
            }
            match bytes.get(pos) {
                Some(b',') => pos += 1,
                Some(b'\n') => {
                    pos += 1;
                    line += 1;
                    break;
                }
                Some(b'\r') if bytes.get(pos + 1) == Some(&b'\n') => {
                    pos += 2;
                    line += 1;
                    break;
                }
                Some(_) => return None, // a lone carriage return
                None => break,
            }
        }
        let field = |j: usize| match spans.get(j) {
            Some(&(false, s, e)) => bytes.get(s..e),
            Some(&(true, s, e)) => unquoted.get(s..e),
            None => None,
        };
        // A row of empty cells (Excel) is skipped, as the general reader does.
        let id_filled = match lay.id_field.and_then(field) {
            Some(id) => !blank(id)?,
            None => false,
        };
        if !id_filled {
            let mut all_blank = true;
            for j in 0..spans.len() {
                all_blank &= blank(field(j).unwrap_or_default())?;
            }
            if all_blank {
                continue;
            }
        }
        if spans.len() != lay.width {
            return None;
        }
        for &(j, _) in blanks {
            if !blank(field(j).unwrap_or_default())? {
                return None;
            }
        }
        b.begin_row(row);
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
    Some((b, line))
}

/// The end of an unquoted field that starts at `pos`: the next comma, carriage return
/// or line feed (a quote there is an ordinary character), or the end of the bytes.
#[inline]
fn field_end(bytes: &[u8], mut i: usize) -> usize {
    let n = bytes.len();
    while i < n {
        // Eight bytes at a time while none may be special: `,` CR LF are below 0x2D.
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
        if matches!(bytes[i], b',' | b'\r' | b'\n') {
            return i;
        }
        i += 1;
    }
    n
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
    use super::super::csv::{read_general, read_str};
    use super::super::header::Vocab;
    use super::gen;

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
            "id,notes,output_value\na,\"x, \"\"y\"\"\nz\",20\r\nb,ab\"c,30\n\"c\",\"\"\"q\"tail,\"40\"\n".to_string(),
            "id,notes,output_value\n\"a\",\"two\r\nlines\",1\n\n\"b\",,2\n".to_string(),
            "id,notes,output_value\na,\"unterminated,1\n".to_string(),
            "id,notes,output_value\na,\"\",1\n\"\",\"\",\"\"\n".to_string(),
            "\"id\",output_value\na,1\n".to_string(),
            quoted(&big, 5),
            quoted(&big, 1),
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
                    assert_eq!(a.missing, b.missing, "{t:.200}");
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{t:.200}"),
                (a, b) => panic!("{t:.200}: {:?} vs {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }

    /// `text` with a quoted `notes` column whose cells hold commas, quotes and (every
    /// `every` rows) a line break.
    fn quoted(text: &str, every: usize) -> String {
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            out.push_str(line);
            if i == 0 {
                out.push_str(",notes\n");
            } else if i % every == 0 {
                out.push_str(",\"备注, \"\"示意\"\"\n第二行\"\n");
            } else {
                out.push_str(",\"备注, 示意\"\n");
            }
        }
        out
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
        // Quoted cells: still the quick reader, the same towns.
        let q = quoted(&t, 1000);
        let mut input = q.as_bytes();
        let super::Bulk::Done(quick) = super::read("q.csv", &mut input, q.len() as u64, &vocab)
        else {
            panic!("the quick reader takes quoted cells")
        };
        let quick = quick.unwrap();
        assert_eq!(
            quick.towns,
            read_general("q.csv", &q, &vocab).unwrap().towns
        );
        // Line breaks inside quotes in every row: some part is cut inside quotes; either
        // way the towns are the same.
        let q = quoted(&t, 1);
        let got = read_str("q.csv", &q, &vocab).unwrap();
        assert_eq!(got.towns, read_general("q.csv", &q, &vocab).unwrap().towns);
    }
}
