//! A thing said twice in one file: a second `ruleset` header, or an attribute given
//! twice in one block (`clause "一" clause "二"`). Either would be silently dropped, so
//! both are errors at the second occurrence. `note`, `interpretation` and `convention`
//! may be repeated: each is one more sentence.

use std::collections::HashMap;

use super::model::Unit;
use crate::diag::{Code, Diag};
use crate::source::Source;
use crate::syntax::ast::{Attr, File, Item, Span};

/// Attributes that may be given more than once (each adds a sentence).
const REPEATABLE: &[&str] = &["note", "interpretation", "convention"];

/// Check every loaded file.
pub fn verify(units: &[Unit]) -> Vec<Diag> {
    let mut diags = Vec::new();
    for unit in units {
        headers(&unit.source, &unit.ast, &mut diags);
        for item in &unit.ast.items {
            if let Item::Header(h) = &item.node {
                repeated(&unit.source, &h.attrs, "header field ", &mut diags);
            }
        }
        let header: Option<&[Attr]> = unit.ast.items.iter().find_map(|i| match &i.node {
            Item::Header(h) => Some(h.attrs.as_slice()),
            _ => None,
        });
        for attrs in unit.ast.attr_blocks() {
            if header.is_some_and(|h| std::ptr::eq(h, attrs)) {
                continue;
            }
            repeated(&unit.source, attrs, "", &mut diags);
        }
    }
    diags
}

/// A second `ruleset` header.
fn headers(src: &Source, file: &File, diags: &mut Vec<Diag>) {
    let mut first: Option<Span> = None;
    for item in &file.items {
        if let Item::Header(h) = &item.node {
            match first {
                None => first = Some(h.id.span),
                Some(at) => diags.push(
                    Diag::error(
                        Code::Duplicate,
                        src,
                        h.id.span,
                        format!("a second `ruleset` header (`{}`) in one file", h.id.node),
                    )
                    .label("second header")
                    .also(at, "first header")
                    .help("a file holds one rule set: keep one header, or move the other rule set into its own file (it may `extends` this one)"),
                ),
            }
        }
    }
}

/// An attribute given twice in one block.
fn repeated(src: &Source, attrs: &[Attr], what: &str, diags: &mut Vec<Diag>) {
    let mut first: HashMap<&str, Span> = HashMap::new();
    for a in attrs {
        let key = a.key.node.as_str();
        if REPEATABLE.contains(&key) {
            continue;
        }
        match first.get(key) {
            Some(&at) => diags.push(
                Diag::error(
                    Code::Duplicate,
                    src,
                    a.key.span,
                    format!("{what}`{key}` is given twice"),
                )
                .label("given again here")
                .also(at, "first given here")
                .help("keep one of them (only `note`, `interpretation` and `convention` may be repeated)"),
            ),
            None => {
                first.insert(key, a.key.span);
            }
        }
    }
}
