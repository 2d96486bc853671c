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
                repeated(&unit.source, &h.attrs, true, &mut diags);
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
            repeated(&unit.source, attrs, false, &mut diags);
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
                        crate::t!("duplicate.header", id = h.id.node),
                    )
                    .label(crate::t!("duplicate.header_second"))
                    .also(at, crate::t!("duplicate.header_first"))
                    .help(crate::t!("duplicate.header_help")),
                ),
            }
        }
    }
}

/// An attribute given twice in one block (`header`: the block is a `ruleset` header).
fn repeated(src: &Source, attrs: &[Attr], header: bool, diags: &mut Vec<Diag>) {
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
                    if header {
                        crate::t!("duplicate.header_field", key = key)
                    } else {
                        crate::t!("duplicate.attr", key = key)
                    },
                )
                .label(crate::t!("duplicate.attr_again"))
                .also(at, crate::t!("duplicate.attr_first"))
                .help(crate::t!("duplicate.attr_help")),
            ),
            None => {
                first.insert(key, a.key.span);
            }
        }
    }
}
