//! `townrules fmt`: the canonical layout of a rule file.
//!
//! The layout is printed from the syntax tree ([`super::parse`]); every token is
//! either rebuilt from the tree or copied byte for byte from the source (quoted
//! texts, numbers with units, dates, operator spellings such as `≥` or `且`), so
//! the formatted file parses to the same tree. Comments are placed by their
//! position: a comment on the same line as a construct stays at the end of that
//! line, a comment on its own line stays on its own line before what followed it.
//!
//! Layout rules (docs/LANGUAGE.md, 格式化):
//! - two spaces per block level; one declaration, attribute, entry or condition per line;
//! - attribute values in a block aligned after the longest key of at most
//!   [`ALIGN_MAX`] columns (longer keys such as `interpretation` are followed by one
//!   space); table entries aligned at `=`; category members, grade bands and runs of
//!   consecutive `fact` lines aligned in columns;
//! - one space around binary operators, none inside brackets, `, ` between items;
//!   parentheses as written (a doubled pair is printed once);
//! - blank lines as written, runs collapsed to one, none at the start or end of a
//!   block; one blank line between top-level declarations of different kinds;
//! - trailing comments of neighbouring lines aligned two spaces after the longest line.

use unicode_width::UnicodeWidthStr;

use super::ast::{Comment, Span};
use super::{parse, ParseError};
use crate::source::Source;

mod expr;
mod items;

/// Keys up to this many columns wide are aligned in a block; longer ones are not.
pub const ALIGN_MAX: usize = 8;
/// Spaces per block level.
const INDENT: usize = 2;

/// The canonical layout of a rule file, or the parser's error when it does not parse.
pub fn format(source: &Source) -> Result<String, ParseError> {
    let file = parse(source)?;
    let mut p = Printer {
        text: source.text(),
        comments: &file.comments,
        next: 0,
        lines: Vec::new(),
        last_end: 0,
        pending_blank: false,
    };
    p.file(&file.items);
    p.flush(usize::MAX, 0);
    Ok(p.finish())
}

/// Whether a line may follow a blank line the author wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A line that starts something: keeps a blank line written before it.
    Start,
    /// The continuation of the line before (`when …` of a priority, `} then …`, `}`).
    Continued,
}

/// One output line.
#[derive(Debug)]
struct Line {
    /// Spaces before it.
    indent: usize,
    /// The code, or the comment of a comment-only line.
    code: String,
    /// A comment at the end of the line (with its `#` or `//`).
    comment: Option<String>,
    /// A blank line comes before it.
    blank_before: bool,
    /// The line is a comment on its own.
    is_comment: bool,
}

struct Printer<'a> {
    text: &'a str,
    comments: &'a [Comment],
    /// The first comment not printed yet.
    next: usize,
    lines: Vec<Line>,
    /// Where in the source the last printed line (or comment) ends.
    last_end: usize,
    /// A blank line goes before the next comment or line (between declarations).
    pending_blank: bool,
}

impl Printer<'_> {
    /// Print a line for the source text `start..end`, after the comments before it.
    fn line(&mut self, indent: usize, code: String, start: usize, end: usize, kind: Kind) {
        self.flush(start, indent);
        let blank = match kind {
            Kind::Start => self.pending_blank || self.blank_between(self.last_end, start),
            Kind::Continued => false,
        };
        self.pending_blank = false;
        self.lines.push(Line {
            indent,
            code,
            comment: None,
            blank_before: blank,
            is_comment: false,
        });
        self.last_end = self.last_end.max(end);
    }

    /// The closing `}` at `pos`, after the comments inside the block.
    fn close(&mut self, indent: usize, pos: usize) {
        self.flush(pos, indent + INDENT);
        self.line(indent, "}".into(), pos, pos + 1, Kind::Continued);
    }

    /// Print every comment that starts before `upto`.
    fn flush(&mut self, upto: usize, indent: usize) {
        while let Some(c) = self.comments.get(self.next) {
            if c.span.start >= upto {
                break;
            }
            self.next += 1;
            self.place(c.span, indent);
        }
    }

    fn place(&mut self, span: Span, indent: usize) {
        let text = self
            .text
            .get(span.start..span.end)
            .unwrap_or_default()
            .trim_end()
            .to_string();
        let same_line = span.start < self.last_end
            || !self
                .text
                .get(self.last_end..span.start)
                .unwrap_or("\n")
                .contains('\n');
        match self.lines.last_mut() {
            Some(l) if same_line && !l.is_comment && l.comment.is_none() => {
                l.comment = Some(text);
            }
            Some(_) | None => {
                let blank = self.pending_blank
                    || (span.start >= self.last_end
                        && self.blank_between(self.last_end, span.start));
                self.pending_blank = false;
                self.lines.push(Line {
                    indent,
                    code: text,
                    comment: None,
                    blank_before: blank,
                    is_comment: true,
                });
            }
        }
        self.last_end = self.last_end.max(span.end);
    }

    /// Whether the source between `a` and `b` holds an empty line.
    fn blank_between(&self, a: usize, b: usize) -> bool {
        let Some(gap) = self.text.get(a..b) else {
            return false;
        };
        let parts: Vec<&str> = gap.split('\n').collect();
        parts.len() > 2 && parts[1..parts.len() - 1].iter().any(|p| is_blank(p))
    }

    /// The first `ch` at or after `from` outside comments (the `{` or `}` of a block).
    fn find(&self, from: usize, ch: char) -> usize {
        let mut i = from;
        while let Some(c) = self.text.get(i..).and_then(|r| r.chars().next()) {
            if let Some(cm) = self
                .comments
                .iter()
                .find(|cm| cm.span.start <= i && i < cm.span.end)
            {
                i = cm.span.end.max(i + 1);
                continue;
            }
            if c == ch {
                return i;
            }
            i += c.len_utf8();
        }
        from
    }

    /// The source text `a..b` without whitespace and comments (an operator, a leaf).
    fn squash(&self, a: usize, b: usize) -> String {
        let Some(slice) = self.text.get(a..b) else {
            return String::new();
        };
        slice
            .char_indices()
            .filter(|(i, c)| {
                let at = a + i;
                !is_space(*c)
                    && !self
                        .comments
                        .iter()
                        .any(|cm| cm.span.start <= at && at < cm.span.end)
            })
            .map(|(_, c)| c)
            .collect()
    }

    /// Where the last token of `span` ends. A declaration's span can run over the
    /// whitespace and comments after it (the grammar's optional parts at its end try
    /// to read on), so its end is taken back to its last token.
    fn tok_end(&self, span: Span) -> usize {
        let mut e = span.end.min(self.text.len());
        loop {
            let before = self.text.get(span.start..e).unwrap_or_default();
            let trimmed = before.trim_end_matches(is_space);
            e = span.start + trimmed.len();
            match self
                .comments
                .iter()
                .find(|c| c.span.start >= span.start && c.span.start < e && e <= c.span.end)
            {
                Some(c) => e = c.span.start,
                None => return e,
            }
        }
    }

    /// The source text of a node (a quoted text, a quantity, a date), byte for byte.
    fn src(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or_default()
    }

    /// The lines joined: blank lines where kept, trailing comments aligned.
    fn finish(self) -> String {
        let lines = self.lines;
        let mut out = String::new();
        let mut cols = vec![0usize; lines.len()];
        let mut i = 0;
        while i < lines.len() {
            // A group: neighbouring code lines at the same indent.
            let mut j = i + 1;
            if !lines[i].is_comment {
                while j < lines.len()
                    && !lines[j].is_comment
                    && !shows_blank(&lines, j)
                    && lines[j].indent == lines[i].indent
                {
                    j += 1;
                }
            }
            let col = lines[i..j]
                .iter()
                .filter(|l| l.comment.is_some())
                .map(|l| l.indent + l.code.width())
                .max()
                .unwrap_or(0)
                + 2;
            for c in &mut cols[i..j] {
                *c = col;
            }
            i = j;
        }
        for (k, l) in lines.iter().enumerate() {
            if shows_blank(&lines, k) {
                out.push('\n');
            }
            let mut s = " ".repeat(l.indent);
            s.push_str(&l.code);
            if let Some(c) = &l.comment {
                let w = s.width();
                s.push_str(&" ".repeat(cols[k].saturating_sub(w).max(1)));
                s.push_str(c);
            }
            out.push_str(s.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Whether line `k` is printed after a blank line: as written, but never first, after
/// an opening `{` or before a closing `}`.
fn shows_blank(lines: &[Line], k: usize) -> bool {
    let l = &lines[k];
    if k == 0 || !l.blank_before {
        return false;
    }
    let prev = &lines[k - 1];
    let opens = !prev.is_comment && prev.code.ends_with('{');
    let closes = !l.is_comment && l.code.starts_with('}');
    !opens && !closes
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

fn is_blank(s: &str) -> bool {
    s.chars().all(is_space)
}

/// `s` followed by spaces up to `width` columns.
fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    out.push_str(&" ".repeat(width.saturating_sub(s.width())));
    out
}
