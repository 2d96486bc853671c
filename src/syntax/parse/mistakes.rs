//! Common slips, found by scanning the tokens of a file that does not parse, so the
//! error points at the slip itself with what to write instead — not at the next line, as
//! the grammar alone would: a space between a number and its unit (`15 亿元`), `分`
//! after a score (`85分`), scientific notation (`1e400亿元`), a declaration whose `{` is
//! missing (`criterion x "X"` then `require …`), and a second `relax` on one `require`.

use crate::source::Source;
use crate::syntax::ast::Span;
use crate::syntax::error::ParseError;

/// Units a number may carry, written right after it.
const UNITS: &[&str] = &[
    "亿元", "万元", "元", "亿", "万", "%", "％", "家", "户", "个", "人", "项", "名", "座",
];

/// Declarations whose items go inside `{ … }` right after the label.
const BLOCK_DECLS: &[&str] = &["criterion", "category", "evaluation"];

/// One token of a rule file: a word (identifier or number), a quoted text, or one
/// punctuation character; comments and white space are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Word,
    Text,
    /// A quoted text not closed on its line (the grammar's own error says so).
    Unclosed,
    Punct(char),
}

#[derive(Debug, Clone, Copy)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
    /// White space (not a line break) separates it from the previous token.
    spaced: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut spaced = false;
    while i < b.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let w = c.len_utf8();
        if c == '\n' {
            spaced = false;
            i += 1;
            continue;
        }
        if c.is_whitespace() || c == '\u{FEFF}' {
            spaced = true;
            i += w;
            continue;
        }
        if c == '#' || text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(b.len(), |n| i + n);
            continue;
        }
        let start = i;
        let tok = if c == '"' {
            i += 1;
            while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            if b.get(i) == Some(&b'"') {
                i += 1;
                Tok::Text
            } else {
                Tok::Unclosed
            }
        } else if c.is_alphanumeric() || c == '_' {
            while let Some(d) = text.get(i..).and_then(|r| r.chars().next()) {
                if d.is_alphanumeric() || d == '_' || d == '.' {
                    i += d.len_utf8();
                } else {
                    break;
                }
            }
            Tok::Word
        } else {
            i += w;
            Tok::Punct(c)
        };
        i = i.min(b.len());
        while !text.is_char_boundary(i) {
            i += 1;
        }
        out.push(Token {
            tok,
            start,
            end: i,
            spaced,
        });
        spaced = false;
    }
    out
}

/// The first slip in `source`, if any, as a syntax error.
pub(super) fn first_slip(source: &Source) -> Option<ParseError> {
    let text = source.text();
    let toks = tokens(text);
    let word = |t: &Token| text.get(t.start..t.end).unwrap_or("");
    let err = |start: usize, end: usize, message: String, label: String, help: String| {
        Some(ParseError::new(
            source,
            Span::new(start, end),
            message,
            label,
            Some(help),
        ))
    };
    // What opened each `{` still open: the keyword before it (for `relax`).
    let mut opened: Vec<&str> = Vec::new();
    let mut last_word = "";
    let mut after_relax = false;
    for (k, t) in toks.iter().enumerate() {
        if t.tok == Tok::Unclosed {
            return None;
        }
        let s = word(t);
        if let Some(e) = number_slip(source, text, &toks, k) {
            return Some(e);
        }
        if after_relax && t.tok == Tok::Word && s == "relax" {
            return err(
                t.start,
                t.end,
                crate::t!("syntax.second_relax"),
                crate::t!("syntax.second_relax_label"),
                crate::t!("syntax.second_relax_help"),
            );
        }
        after_relax = false;
        match t.tok {
            Tok::Punct('{') => opened.push(last_word),
            Tok::Punct('}') => after_relax = opened.pop() == Some("relax"),
            Tok::Word => last_word = s,
            Tok::Punct(_) | Tok::Text | Tok::Unclosed => {}
        }
        if opened.is_empty() && t.tok == Tok::Word && BLOCK_DECLS.contains(&s) {
            let dropped = k > 0 && word(&toks[k - 1]) == "drop";
            let id = toks.get(k + 1).filter(|x| x.tok == Tok::Word);
            let label = toks.get(k + 2).filter(|x| x.tok == Tok::Text);
            if let (false, Some(id), Some(label)) = (dropped, id, label) {
                match toks.get(k + 3) {
                    Some(next) if next.tok == Tok::Punct('{') => {}
                    next => {
                        let (start, end) =
                            next.map_or((label.end, label.end), |n| (n.start, n.end));
                        let head = format!("{s} {} {}", word(id), word(label));
                        return err(
                            start,
                            end,
                            crate::t!("syntax.brace_missing", head = head),
                            crate::t!("syntax.brace_missing_label"),
                            crate::t!("syntax.brace_missing_help", keyword = s, head = head),
                        );
                    }
                }
            }
        }
    }
    None
}

/// A slip right after a number: a space before its unit, `分`, or an exponent.
fn number_slip(source: &Source, text: &str, toks: &[Token], k: usize) -> Option<ParseError> {
    let t = toks[k];
    let s = text.get(t.start..t.end)?;
    let lead = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let digits = &s[..lead];
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = &s[digits.len()..];
    let at = t.start + digits.len();
    let error = |start: usize, end: usize, message: String, help: String| {
        Some(ParseError::new(
            source,
            Span::new(start, end),
            message,
            crate::t!("syntax.here"),
            Some(help),
        ))
    };
    if rest.starts_with('年') && !digits.contains('.') {
        return error(
            at,
            at + '年'.len_utf8(),
            crate::t!("syntax.year_suffix", number = s),
            crate::t!("syntax.year_suffix_help", digits = digits),
        );
    }
    if rest.starts_with('分') {
        return error(
            at,
            at + '分'.len_utf8(),
            crate::t!("syntax.points_suffix", number = s),
            crate::t!("syntax.points_suffix_help", digits = digits),
        );
    }
    let exponent = rest.strip_prefix(['e', 'E']).is_some_and(|r| {
        r.trim_start_matches(['+', '-'])
            .starts_with(|c: char| c.is_ascii_digit())
    });
    if exponent {
        return error(
            t.start,
            t.end,
            crate::t!("syntax.exponent", number = s),
            crate::t!("syntax.exponent_help"),
        );
    }
    // `15 亿元`: the next token is a unit, separated by white space.
    let next = toks.get(k + 1)?;
    let unit = text.get(next.start..)?;
    let unit = UNITS.iter().find(|u| unit.starts_with(*u))?;
    let whole_word = next.start + unit.len() == next.end || next.tok == Tok::Punct('%');
    if next.spaced && rest.is_empty() && whole_word {
        return error(
            next.start,
            next.start + unit.len(),
            crate::t!("syntax.unit_space", number = s, unit = unit),
            crate::t!("syntax.unit_space_help", number = s, unit = unit),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slip(text: &str) -> Option<String> {
        first_slip(&Source::new("t.rules", text)).map(|e| e.message)
    }

    #[test]
    fn a_backslash_at_the_end_of_an_unclosed_text_is_not_a_hang() {
        assert_eq!(slip("param x = \"a\\"), None);
        assert_eq!(slip("param x = \"a\\é"), None);
    }

    #[test]
    fn a_unit_word_that_is_longer_is_no_slip() {
        // `人口` is a name, not the unit `人`.
        assert_eq!(slip("param x = 15 人口"), None);
        assert!(slip("param x = 15 人").is_some());
        assert!(slip("param x = 15 %").is_some());
    }

    #[test]
    fn a_year_with_nian_is_a_slip() {
        let m = slip("ruleset t {\n  year 2024年\n}\n").expect("a slip");
        assert!(m.contains("`2024年`：年份只写数字"), "{m}");
    }

    #[test]
    fn drop_criterion_needs_no_brace() {
        assert_eq!(slip("drop criterion x \"理由\"\nparam y = 1"), None);
    }
}
