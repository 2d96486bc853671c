//! Around the grammar: pest errors in plain words, bracket-depth limits, comments.

use super::{Rule, MAX_NESTING};
use crate::source::Source;
use crate::syntax::ast::{Comment, Span};
use crate::syntax::error::{describe_expected, expects_declaration, ParseError};

pub(super) fn from_pest(source: &Source, e: pest::error::Error<Rule>) -> ParseError {
    let (start, end) = match e.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((a, b)) => (a, b),
    };
    let (expected, found, declaration) = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => (
            describe_expected(positives),
            found_at(source.text(), start),
            expects_declaration(positives),
        ),
        pest::error::ErrorVariant::CustomError { message } => {
            (message.clone(), String::new(), false)
        }
    };
    let end = if end > start {
        end
    } else {
        next_token_end(source.text(), start)
    };
    let message = if found.is_empty() {
        crate::t!("syntax.expected_only", expected = expected)
    } else {
        crate::t!("syntax.expected_found", expected = expected, found = found)
    };
    let help = help_for(source.text(), start, declaration);
    ParseError::new(
        source,
        Span::new(start, end),
        message,
        crate::t!("syntax.expected_only", expected = expected),
        help,
    )
}

/// What the text at `pos` looks like, for "found …" in messages.
fn found_at(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => crate::t!("syntax.expected.end"),
        Some(_) => {
            let end = next_token_end(text, pos);
            format!(
                "`{}`",
                crate::source::echo(text.get(pos..end).unwrap_or(""))
            )
        }
    }
}

/// End of the token starting at `pos` (a word, or one character).
fn next_token_end(text: &str, pos: usize) -> usize {
    let rest = match text.get(pos..) {
        Some(r) => r,
        None => return pos,
    };
    let mut end = pos;
    for (i, c) in rest.char_indices() {
        let word = c.is_alphanumeric() || c == '_' || c == '.' || c == '%';
        if i == 0 {
            end = pos + c.len_utf8();
            if !word {
                break;
            }
        } else if word {
            end = pos + i + c.len_utf8();
        } else {
            break;
        }
    }
    end
}

fn help_for(text: &str, pos: usize, expects_decl: bool) -> Option<String> {
    let rest = text.get(pos..).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    // `2000人以上`, `10家左右`: the qualifier follows the unit, inside the same word.
    if ["以上", "以下", "左右", "不少于", "不低于", "含"]
        .iter()
        .any(|w| word.starts_with(w) || (*w != "含" && word.contains(w)))
    {
        return Some(crate::t!("syntax.qualifier_help"));
    }
    if word.starts_with('约') || word.starts_with("近") {
        return Some(crate::t!("syntax.approximate_help"));
    }
    if rest.starts_with('“') || rest.starts_with('”') || rest.starts_with('「') {
        return Some(crate::t!("syntax.curly_quotes_help"));
    }
    if rest.starts_with('）') || rest.starts_with('（') || rest.starts_with('，') {
        return Some(crate::t!("syntax.full_width_help"));
    }
    let line_start = text
        .get(..pos)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |n| n + 1);
    if rest.starts_with('"') && !rest[1..].split('\n').next().unwrap_or("").contains('"') {
        return Some(crate::t!("syntax.unclosed_text_help"));
    }
    let before = text.get(line_start..pos).unwrap_or("").trim_start();
    let declaration = [
        "criterion ",
        "param ",
        "fact ",
        "table ",
        "category ",
        "target ",
        "override ",
        "drop ",
        "import ",
        "extends ",
    ];
    // `criterion d "…"` inside an unclosed block: `criterion d` was read as an attribute.
    if declaration.iter().any(|k| before.starts_with(k)) {
        let keyword = before.split_whitespace().next().unwrap_or("");
        return Some(crate::t!("syntax.unclosed_block_help", keyword = keyword));
    }
    if expects_decl {
        return Some(crate::t!("syntax.declaration_help"));
    }
    None
}

/// Reject bracket nesting deeper than [`MAX_NESTING`] before pest recurses into it.
pub(super) fn check_nesting(source: &Source) -> Result<(), ParseError> {
    let text = source.text();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut prev = '\0';
    for (i, c) in text.char_indices() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
            }
        } else if in_string {
            if (c == '"' && prev != '\\') || c == '\n' {
                in_string = false;
            }
        } else {
            match c {
                '"' => in_string = true,
                '#' => in_comment = true,
                '/' if prev == '/' => in_comment = true,
                '(' | '[' | '{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(ParseError::new(
                            source,
                            Span::new(i, i + 1),
                            crate::t!("syntax.nesting", max = MAX_NESTING),
                            crate::t!("syntax.nesting_label"),
                            Some(crate::t!("syntax.split_condition_help")),
                        ));
                    }
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        prev = if c == '\\' && prev == '\\' { '\0' } else { c };
    }
    Ok(())
}

/// Find the comments of a file (outside quoted texts).
pub(super) fn scan_comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut in_string = false;
    let mut escape = false;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if in_string {
            if escape {
                escape = false;
            } else if c == '\\' {
                escape = true;
            } else if c == '"' || c == '\n' {
                in_string = false;
            }
            continue;
        }
        let starts = c == '#' || (c == '/' && iter.peek().map(|p| p.1) == Some('/'));
        if c == '"' {
            in_string = true;
        } else if starts {
            let end = text[i..].find('\n').map(|n| i + n).unwrap_or(text.len());
            let body = text[i..end].trim_start_matches(['#', '/']).trim();
            out.push(Comment {
                text: body.to_string(),
                span: Span::new(i, end),
            });
            while iter.peek().is_some_and(|(j, _)| *j < end) {
                iter.next();
            }
        }
    }
    out
}
