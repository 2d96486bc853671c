//! Quotation changes (措辞变化): a `quote` whose words differ, or that one side has and
//! the other has not, is one wording change — of a criterion, a relaxation, a parameter
//! or table (once per table when the table's own quotation changed, not once per entry),
//! a target, the evaluation system, an indicator or the grade table.

use std::collections::BTreeMap;

use super::side::Side;
use super::{Change, ChangeKind};
use crate::compile::RuleSet;
use crate::syntax::ast::{attr_text, IndicatorDecl, Item, Node};

/// A wording change of a quotation: the words differ, or only one side quotes.
pub fn quote_change(
    id: &str,
    label: &str,
    field: &str,
    old: &Option<String>,
    new: &Option<String>,
) -> Option<Change> {
    if old == new {
        return None;
    }
    let mut ch = Change::new(ChangeKind::Wording, id, label);
    ch.field = Some(field.to_string());
    ch.old = old.clone();
    ch.new = new.clone();
    Some(ch)
}

/// The quotation in force for a parameter's value.
fn param_quote(p: &crate::check::ParamInfo) -> Option<String> {
    p.current().and_then(|v| v.provenance.quote.clone())
}

/// A table and a change of its entries' quotation (old, new).
type TableQuote = (String, Option<String>, Option<String>);

/// Quotation changes of the parameters in both rule sets with the same value. The
/// entries of one table whose quotation changed the same way (the table's own `quote`,
/// which each entry shows) make one change, named by the table. A parameter whose value
/// changed is one change, with its quotation in a note (see [`note`]).
pub fn params(old: &RuleSet, new: &RuleSet, label: &dyn Fn(&str) -> String) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::new();
    // A table's change → its index in `out` and the number of entries it stands for.
    let mut tables: BTreeMap<TableQuote, (usize, usize)> = BTreeMap::new();
    for a in &old.params {
        let Some(b) = new.param_index(&a.name).map(|i| &new.params[i]) else {
            continue;
        };
        let same = a.kind == b.kind
            && a.current().and_then(|v| v.value) == b.current().and_then(|v| v.value);
        if !same {
            continue;
        }
        let (qa, qb) = (param_quote(a), param_quote(b));
        let Some(ch) = quote_change(&a.name, &label(&a.name), "quote", &qa, &qb) else {
            continue;
        };
        let table = b
            .table
            .and_then(|(t, _)| new.tables.get(t))
            .map(|t| t.name.clone());
        match table {
            Some(t) => {
                let key = (t.clone(), qa, qb);
                if let Some((i, n)) = tables.get_mut(&key) {
                    *n += 1;
                    if let Some(c) = out.get_mut(*i) {
                        c.id = t;
                        c.label = format!("表 {} 的 {} 项（表的引文）", c.id, n);
                    }
                } else {
                    tables.insert(key, (out.len(), 1));
                    out.push(ch);
                }
            }
            None => out.push(ch),
        }
    }
    out
}

/// The note of a changed parameter whose quotation changed with its value:
/// `原文引文：旧 … → 新 …` (`（无）` for a side without one).
pub fn note(a: &crate::check::ParamInfo, b: &crate::check::ParamInfo) -> Option<String> {
    let (qa, qb) = (param_quote(a), param_quote(b));
    if qa == qb {
        return None;
    }
    let show = |q: Option<String>| q.map_or_else(|| "（无）".to_string(), |q| format!("“{q}”"));
    Some(format!("原文引文：{} → {}", show(qa), show(qb)))
}

/// A quotation of something the compiled rule set does not keep the words of, by owner:
/// `target ID`, `evaluation`, `indicator CODE`, `grades`.
type Quotes = BTreeMap<String, (String, String)>;

/// The quotations of targets, the evaluation system, its indicators and its grade table
/// of a side, from its files (the root first, then the files it extends: the first
/// found is in force).
fn other_quotes(side: &Side) -> Quotes {
    fn indicator(out: &mut Quotes, d: &Node<IndicatorDecl>) {
        if let Some(q) = attr_text(&d.node.attrs, "quote") {
            let key = format!("indicator {}", d.node.code.node);
            out.entry(key)
                .or_insert((d.node.label.node.clone(), q.to_string()));
        }
        for c in &d.node.children {
            indicator(out, c);
        }
    }
    let m = &side.model;
    let mut out = Quotes::new();
    let mut at = Some(m.root);
    let mut seen = Vec::new();
    while let Some(f) = at.filter(|f| !seen.contains(f)) {
        seen.push(f);
        let Some(unit) = m.units.get(f) else { break };
        for item in &unit.ast.items {
            match &item.node {
                Item::Target(t) => {
                    if let Some(q) = attr_text(&t.attrs, "quote") {
                        out.entry(format!("target {}", t.id.node))
                            .or_insert((t.label.node.clone(), q.to_string()));
                    }
                }
                Item::Evaluation(e) => {
                    if let Some(q) = attr_text(&e.attrs, "quote") {
                        out.entry("evaluation".to_string())
                            .or_insert((e.label.node.clone(), q.to_string()));
                    }
                    for i in &e.indicators {
                        indicator(&mut out, i);
                    }
                    if let Some(g) = &e.grades {
                        if let Some(q) = attr_text(&g.node.attrs, "quote") {
                            let label = g.node.label.as_ref().map_or("等级", |l| &l.node);
                            out.entry("grades".to_string())
                                .or_insert((label.to_string(), q.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        at = unit.extends;
    }
    out
}

/// Whether what `key` names is in the compiled rule set (a target a file inherits but
/// that the root file's targets replace is not).
fn in_force(rs: &RuleSet, key: &str) -> bool {
    match key.split_once(' ') {
        Some(("target", id)) => rs.targets.iter().any(|t| t.id == id),
        Some(("indicator", code)) => rs
            .evaluation
            .as_ref()
            .is_some_and(|e| e.nodes.iter().any(|n| n.code == code)),
        _ => rs.evaluation.is_some(),
    }
}

/// Quotation changes of targets, the evaluation system, indicators and the grade table
/// that both sides have.
pub fn others(old: &Side, new: &Side) -> Vec<Change> {
    let (qa, qb) = (other_quotes(old), other_quotes(new));
    let mut keys: Vec<&String> = qa.keys().chain(qb.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys {
        if !in_force(&old.rules, k) || !in_force(&new.rules, k) {
            continue;
        }
        let (a, b) = (qa.get(k), qb.get(k));
        let label = b.or(a).map_or("", |x| x.0.as_str());
        let id = k.split_once(' ').map_or(k.as_str(), |x| x.1);
        let (oa, ob) = (a.map(|x| x.1.clone()), b.map(|x| x.1.clone()));
        out.extend(quote_change(id, label, "quote", &oa, &ob));
    }
    out
}
