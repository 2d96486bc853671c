//! Positions and file names as the editor speaks them: lines and UTF-16 code units
//! (the rule files are full of Chinese, so a byte offset is not a column), and
//! `file://` URIs with percent-encoding.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Uri};

use crate::syntax::ast::Span;

/// Where each line of a text starts, for converting between byte offsets and
/// LSP positions (line, UTF-16 code unit).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The line starts of `text`: after `\n`, and after a `\r` not followed by `\n`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    /// The LSP position of byte offset `offset` in `text` (clamped to the text, and
    /// moved back to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character: usize = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        Position::new(to_u32(line), to_u32(character))
    }

    /// The LSP range of a byte span.
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end.max(span.start)),
        )
    }

    /// The byte offset of an LSP position: past the end of its line (or a position in
    /// the middle of a surrogate pair) gives the end of the line (or the character).
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len())
            .min(text.len());
        let line_text = text.get(start..end).unwrap_or("");
        let mut units = 0usize;
        for (i, c) in line_text.char_indices() {
            if units >= pos.character as usize || c == '\n' || c == '\r' {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The local path of a `file://` URI (percent-decoded); `None` for other schemes or
/// a path that is not UTF-8 after decoding.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file:///home/…` (empty authority) or `file://localhost/home/…`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    let decoded = percent_decode(path)?;
    // `file:///C:/…` on Windows: drop the slash before the drive letter.
    let bytes = decoded.as_bytes();
    if cfg!(windows) && bytes.len() > 2 && bytes[0] == b'/' && bytes[2] == b':' {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file://` URI of a path (made absolute; every byte outside the unreserved set
/// and `/` percent-encoded, so Chinese folder names survive).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let s = abs.to_str()?.replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_code_units() {
        let text = "fact 产值 \"年产值\"\n  x𝄞y = 1\r\nlast";
        let idx = LineIndex::new(text);
        let at = text.find("\"年").unwrap();
        assert_eq!(idx.position(text, at), Position::new(0, 8));
        let y = text.find('y').unwrap();
        // 𝄞 is one char, four bytes and two UTF-16 code units.
        assert_eq!(idx.position(text, y), Position::new(1, 5));
        assert_eq!(idx.offset(text, Position::new(1, 5)), y);
        assert_eq!(idx.offset(text, Position::new(0, 8)), at);
        let last = text.find("last").unwrap();
        assert_eq!(idx.position(text, last), Position::new(2, 0));
        // Past the end of a line: the end of the line, before `\r\n`.
        assert_eq!(
            idx.offset(text, Position::new(1, 99)),
            text.find('\r').unwrap()
        );
        assert_eq!(idx.offset(text, Position::new(9, 0)), text.len());
        // A byte offset inside a character moves back to its start.
        let mid = text.find('产').unwrap() + 1;
        assert_eq!(idx.position(text, mid), Position::new(0, 5));
    }

    #[test]
    fn uris_round_trip_chinese_paths() {
        let p = Path::new("/tmp/规则 集/facts.rules");
        let uri = path_to_uri(p).unwrap();
        assert!(
            uri.as_str().starts_with("file:///tmp/%E8%A7%84"),
            "{}",
            uri.as_str()
        );
        assert!(uri.as_str().contains("%20"));
        assert_eq!(uri_to_path(&uri).unwrap(), p);
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&other), None);
        let bad: Uri = "file:///tmp/%FF".parse().unwrap();
        assert_eq!(uri_to_path(&bad), None);
    }
}
