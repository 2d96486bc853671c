//! A small JSON writer for the town records: compact JSON straight into a byte buffer
//! (keys are written as they are, values escaped as JSON requires), and a re-indenter
//! that lays compact JSON out as `serde_json`'s pretty printer does.

use rust_decimal::Decimal;

/// Append `s` as a JSON string.
pub(super) fn string(buf: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    buf.reserve(b.len() + 2);
    buf.push(b'"');
    if !needs_escape(b) {
        buf.extend_from_slice(b);
    } else {
        for &c in b {
            match c {
                b'"' => buf.extend_from_slice(b"\\\""),
                b'\\' => buf.extend_from_slice(b"\\\\"),
                b'\n' => buf.extend_from_slice(b"\\n"),
                b'\r' => buf.extend_from_slice(b"\\r"),
                b'\t' => buf.extend_from_slice(b"\\t"),
                0x08 => buf.extend_from_slice(b"\\b"),
                0x0c => buf.extend_from_slice(b"\\f"),
                c if c < 0x20 => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    buf.extend_from_slice(b"\\u00");
                    buf.push(HEX[(c >> 4) as usize]);
                    buf.push(HEX[(c & 0xf) as usize]);
                }
                c => buf.push(c),
            }
        }
    }
    buf.push(b'"');
}

/// Whether some byte of `b` is a control character, `"` or `\\` (eight bytes at a time;
/// an answer of yes may be wrong only on the side of escaping, which then copies).
fn needs_escape(b: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w);
        let control = x.wrapping_sub(LO * 0x20) & !x & HI;
        if control | zero(x ^ (LO * b'"' as u64)) | zero(x ^ (LO * b'\\' as u64)) != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&c| c < 0x20 || c == b'"' || c == b'\\')
}

/// `"key":` for a key written as a literal: `k!("holds")` (keys need no escaping).
macro_rules! k {
    ($k:literal) => {
        concat!("\"", $k, "\":").as_bytes()
    };
}
pub(super) use k;

/// Append a decimal as a JSON string (`"-1000000"`): whole numbers digit by digit,
/// others as `Decimal` displays them (exact, never through a float).
pub(super) fn decimal(buf: &mut Vec<u8>, d: Decimal) {
    buf.push(b'"');
    let m = d.mantissa();
    if let (0, Ok(mut v)) = (d.scale(), u64::try_from(m.unsigned_abs())) {
        if m < 0 {
            buf.push(b'-');
        }
        let mut digits = [0u8; 40];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        buf.extend_from_slice(&digits[i..]);
    } else {
        use std::io::Write;
        let _ = write!(buf, "{d}");
    }
    buf.push(b'"');
}

/// An object being written: `{"key":value,…}`.
pub(super) struct Obj<'b> {
    pub buf: &'b mut Vec<u8>,
    first: bool,
}

impl<'b> Obj<'b> {
    /// Open an object.
    pub fn open(buf: &'b mut Vec<u8>) -> Self {
        buf.push(b'{');
        Obj { buf, first: true }
    }

    /// Write the key `k` (`"holds":`, from [`k!`]) and return the buffer for the value.
    pub fn key(&mut self, k: &[u8]) -> &mut Vec<u8> {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        self.buf.extend_from_slice(k);
        self.buf
    }

    /// `"key":"value"`.
    pub fn str(&mut self, k: &[u8], v: &str) {
        string(self.key(k), v);
    }

    /// `"key":"value"` for a value that needs no escaping (a name of this program's).
    pub fn lit(&mut self, k: &[u8], v: &'static str) {
        let buf = self.key(k);
        buf.push(b'"');
        buf.extend_from_slice(v.as_bytes());
        buf.push(b'"');
    }

    /// `"key":value` for a value already written as JSON.
    pub fn raw(&mut self, k: &[u8], v: &[u8]) {
        self.key(k).extend_from_slice(v);
    }

    /// `"key":"value"` or `"key":null`.
    pub fn opt_str(&mut self, k: &[u8], v: Option<&str>) {
        match v {
            Some(v) => self.str(k, v),
            None => self.key(k).extend_from_slice(b"null"),
        }
    }

    /// `"key":"decimal"` or `"key":null`.
    pub fn opt_decimal(&mut self, k: &[u8], v: Option<Decimal>) {
        match v {
            Some(d) => decimal(self.key(k), d),
            None => self.key(k).extend_from_slice(b"null"),
        }
    }

    /// `"key":true`.
    pub fn yes(&mut self, k: &[u8]) {
        self.key(k).extend_from_slice(b"true");
    }

    /// `"key":["a","b"]`.
    pub fn strs<'s>(&mut self, k: &[u8], items: impl IntoIterator<Item = &'s str>) {
        let buf = self.key(k);
        buf.push(b'[');
        for (i, s) in items.into_iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            string(buf, s);
        }
        buf.push(b']');
    }

    /// Close the object.
    pub fn close(self) {
        self.buf.push(b'}');
    }
}

/// Append the compact JSON `compact` laid out as `serde_json::to_writer_pretty` lays it
/// out (two spaces a level, `": "` after keys, `[]` and `{}` when empty), every line
/// after the first indented by `base` more spaces.
pub(super) fn pretty(buf: &mut Vec<u8>, compact: &[u8], base: usize) {
    let mut depth = base / 2;
    let pad = base % 2;
    let newline = |buf: &mut Vec<u8>, depth: usize| {
        buf.push(b'\n');
        buf.extend(std::iter::repeat_n(b' ', depth * 2 + pad));
    };
    let (mut in_str, mut esc) = (false, false);
    let mut i = 0;
    while i < compact.len() {
        let c = compact[i];
        i += 1;
        if in_str {
            buf.push(c);
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
            }
            continue;
        }
        match c {
            b'"' => {
                in_str = true;
                buf.push(c);
            }
            b'{' | b'[' => {
                buf.push(c);
                let close = if c == b'{' { b'}' } else { b']' };
                if compact.get(i) == Some(&close) {
                    buf.push(close);
                    i += 1;
                } else {
                    depth += 1;
                    newline(buf, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(buf, depth);
                buf.push(c);
            }
            b',' => {
                buf.push(c);
                newline(buf, depth);
            }
            b':' => buf.extend_from_slice(b": "),
            c => buf.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "",
            "乙镇",
            "a\"b\\c",
            "line\nbreak\ttab\r",
            "\u{1}\u{1f}\u{8}\u{c}",
            "eight by: \\ quote\" and more 特色主导产业年产值 x\u{7f}",
            "特色主导产业年产值特色主导产业年产值\n",
            "👍",
        ] {
            let mut buf = Vec::new();
            string(&mut buf, s);
            assert_eq!(
                String::from_utf8(buf).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn pretty_lays_out_as_serde_json() {
        let v = serde_json::json!({
            "a": [], "b": {}, "c": [1, {"d": "x:,{}[]\"y"}], "e": {"f": null, "g": [true]}
        });
        let compact = serde_json::to_vec(&v).unwrap();
        let mut got = Vec::new();
        pretty(&mut got, &compact, 0);
        assert_eq!(
            String::from_utf8(got).unwrap(),
            serde_json::to_string_pretty(&v).unwrap()
        );
        let mut got = Vec::new();
        pretty(&mut got, &compact, 4);
        let want = serde_json::to_string_pretty(&v)
            .unwrap()
            .replace('\n', "\n    ");
        assert_eq!(String::from_utf8(got).unwrap(), want);
    }
}
