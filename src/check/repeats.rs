//! A thing said twice in one file: a second `ruleset` header, or an attribute given
//! twice in one block (`clause "一" clause "二"`). Either would be silently dropped, so
//! both are errors at the second occurrence. `note`, `interpretation` and `convention`
//! may be repeated: each is one more sentence.

use std::collections::HashMap;

use super::model::Unit;
use crate::diag::{Code, Diag};
use crate::source::Source;
use crate::syntax::ast::{Attr, File, IndicatorDecl, Item, Node, Span};

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
        for attrs in attr_lists(&unit.ast) {
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

/// Every attribute block of a file but its header's.
fn attr_lists(file: &File) -> Vec<&[Attr]> {
    fn indicator<'a>(out: &mut Vec<&'a [Attr]>, d: &'a Node<IndicatorDecl>) {
        out.push(&d.node.attrs);
        for c in &d.node.children {
            indicator(out, c);
        }
    }
    let mut out: Vec<&[Attr]> = Vec::new();
    for item in &file.items {
        match &item.node {
            Item::Fact(f) => out.push(&f.attrs),
            Item::Param(p) => out.push(&p.attrs),
            Item::Table(t) => {
                out.push(&t.attrs);
                out.extend(t.entries.iter().map(|e| e.attrs.as_slice()));
            }
            Item::Override(o) => out.push(&o.attrs),
            Item::Criterion(c) => {
                out.push(&c.attrs);
                out.extend(
                    c.requires
                        .iter()
                        .filter_map(|r| r.node.relax.as_ref())
                        .map(|rx| rx.node.attrs.as_slice()),
                );
            }
            Item::Target(t) | Item::Population(t) => out.push(&t.attrs),
            Item::Priority(p) => out.push(&p.attrs),
            Item::Evaluation(e) => {
                out.push(&e.attrs);
                for i in &e.indicators {
                    indicator(&mut out, i);
                }
                if let Some(g) = &e.grades {
                    out.push(&g.node.attrs);
                }
            }
            Item::Header(_)
            | Item::Import(_)
            | Item::Extends(_)
            | Item::Category(_)
            | Item::Drop(_) => {}
        }
    }
    out
}
