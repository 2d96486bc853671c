//! `textDocument/formatting`: the canonical layout of `townrules fmt`, as the smallest
//! edit that turns the buffer into it.

use std::path::Path;

use lsp_types::TextEdit;

use crate::source::Source;
use crate::syntax::ParseError;

use super::text::LineIndex;

/// The edits that format the buffer `text` of the file at `path` (none when it is
/// already canonical), or the parser's error when it does not parse.
pub fn formatting(path: &Path, text: &str) -> Result<Vec<TextEdit>, ParseError> {
    let formatted = crate::syntax::format::format(&Source::new(path, text.to_string()))?;
    Ok(edit(text, &formatted).into_iter().collect())
}

/// One edit replacing the part of `old` that differs from `new` (the common start and
/// end are kept, so the cursor and folds outside the change stay where they were).
fn edit(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    while !new.is_char_boundary(prefix) || !old.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = (old.len() - prefix).min(new.len() - prefix);
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    let lines = LineIndex::new(old);
    let span = crate::syntax::ast::Span::new(prefix, old.len() - suffix);
    Some(TextEdit {
        range: lines.range(old, span),
        new_text: new[prefix..new.len() - suffix].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, e: &TextEdit) -> String {
        let lines = LineIndex::new(old);
        let start = lines.offset(old, e.range.start);
        let end = lines.offset(old, e.range.end);
        format!("{}{}{}", &old[..start], e.new_text, &old[end..])
    }

    #[test]
    fn the_edit_turns_the_old_text_into_the_new() {
        let cases = [
            ("param  x = 1亿元\n", "param x = 1亿元\n"),
            ("年产值 >= 1\n", "年产值  >= 1\n"),
            ("a\n", "a\nb\n"),
            ("产值产值", "产值"),
            ("", "x\n"),
            ("x\n", ""),
            ("甲乙", "甲丙乙"),
        ];
        for (old, new) in cases {
            let e = edit(old, new).unwrap();
            assert_eq!(apply(old, &e), new, "{old:?} → {new:?}: {e:?}");
        }
        assert!(edit("same", "same").is_none());
    }
}
