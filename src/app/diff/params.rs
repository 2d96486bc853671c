//! Comparing parameters (by name, with the direction of a change decided by how the
//! parameter is used) and minimums on the same fact written with different parameters.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use super::canon::{canon, fact_free, leaves, value, CNode};
use super::{Change, ChangeKind, Direction};
use crate::check::{Const, Kind, ParamInfo, ParamValue};
use crate::compile::RuleSet;
use crate::units;

/// The numeric value in force of every parameter, by name (yes/no as 1/0).
pub fn param_values(rs: &RuleSet) -> HashMap<String, Option<Decimal>> {
    rs.params
        .iter()
        .map(|p| (p.name.clone(), num_value(p)))
        .collect()
}

/// The numeric value in force of a parameter (yes/no as 1/0), if any.
pub fn num_value(p: &ParamInfo) -> Option<Decimal> {
    match p.current()?.value? {
        Const::Num(d) => Some(d),
        Const::Bool(b) => Some(if b { Decimal::ONE } else { Decimal::ZERO }),
        Const::Member(_) => None,
    }
}

const MEASURES: [&str; 7] = ["家", "户", "个", "人", "项", "名", "座"];

/// The measure word a count was written with (`10户` → `户`).
fn written_measure(v: &ParamValue) -> Option<&'static str> {
    let w = v.written.as_deref()?.trim();
    MEASURES.into_iter().find(|m| w.ends_with(m))
}

/// A value as people write it: `20亿元`, `5000万元`, `30%`, `10户`, `是`, `未设定`.
fn show_value(rs: &RuleSet, kind: Kind, v: Option<&ParamValue>, measure: Option<&str>) -> String {
    let Some(v) = v else {
        return "未设定".into();
    };
    match v.value {
        None => "未设定".into(),
        Some(Const::Num(d)) => match kind {
            Kind::Money => units::format_money(d, v.unit.unwrap_or(units::best_money_unit(d))),
            Kind::Percent => units::format_percent(d),
            Kind::Count => format!(
                "{}{}",
                units::format_decimal(d),
                written_measure(v)
                    .or(measure.and_then(|m| MEASURES.into_iter().find(|x| *x == m)))
                    .unwrap_or("")
            ),
            _ => units::format_decimal(d),
        },
        Some(Const::Bool(b)) => if b { "是" } else { "否" }.into(),
        Some(Const::Member(m)) => match kind {
            Kind::Category(s) => rs
                .categories
                .get(s)
                .and_then(|c| c.members.get(m as usize))
                .map_or_else(|| m.to_string(), |x| x.label.clone()),
            _ => m.to_string(),
        },
    }
}

/// A value of parameter `p` as people write it.
pub fn show_version(rs: &RuleSet, p: &ParamInfo, v: &ParamValue) -> String {
    show_value(rs, p.kind, Some(v), p.measure.as_deref())
}

/// The value in force of parameter `p` as people write it.
pub fn show_param(rs: &RuleSet, p: &ParamInfo, measure: Option<&str>) -> String {
    show_value(rs, p.kind, p.current(), measure)
}

/// How a parameter is used in one place of a condition.
#[derive(Debug, Clone)]
struct Use {
    effect: i8,
    against: Option<String>,
    whole: bool,
    relax: bool,
    criterion: String,
}

/// Every use of every parameter in the conditions that decide recognition
/// (requirements, relaxation clauses, applicability; not priority flags).
fn usages(rs: &RuleSet) -> HashMap<String, Vec<Use>> {
    let mut out: HashMap<String, Vec<Use>> = HashMap::new();
    for c in &rs.criteria {
        let mut conds: Vec<(CNode, bool)> = Vec::new();
        for r in &c.requires {
            conds.push((canon(rs, r.cond.node), false));
            if let Some(x) = &r.relax {
                conds.push((canon(rs, x.when.node), true));
                conds.push((canon(rs, x.then.node), true));
            }
        }
        for a in &c.applies {
            conds.push((canon(rs, a.node), false));
        }
        for (cond, relax) in &conds {
            let mut ls = Vec::new();
            leaves(cond, 1, &mut ls);
            for l in ls {
                let u = Use {
                    effect: l.effect,
                    against: l.against.map(str::to_string),
                    whole: l.whole,
                    relax: *relax,
                    criterion: c.label.clone(),
                };
                match l.node {
                    CNode::Param(name) => out.entry(name.clone()).or_default().push(u),
                    CNode::Table(t, _) => {
                        let ti = rs.tables.iter().position(|x| x.name == *t);
                        for p in rs
                            .params
                            .iter()
                            .filter(|p| p.table.map(|x| x.0) == ti && ti.is_some())
                        {
                            out.entry(p.name.clone()).or_default().push(u.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// +1 every use is a maximum, −1 every use is a minimum, 0 mixed or undecidable;
/// `None` when unused.
fn role(uses: Option<&Vec<Use>>) -> Option<i8> {
    let uses = uses.filter(|u| !u.is_empty())?;
    let first = uses[0].effect;
    Some(if uses.iter().all(|u| u.effect == first) {
        first
    } else {
        0
    })
}

/// What a parameter limits, in Chinese, from how it is used.
fn describe(rs: &RuleSet, p: &ParamInfo, uses: Option<&Vec<Use>>) -> String {
    let member = p.table.and_then(|(t, m)| {
        let set = rs.tables.get(t)?.set;
        Some(rs.categories.get(set)?.members.get(m)?.label.clone())
    });
    let uses: &[Use] = uses.map_or(&[], |v| v.as_slice());
    let mut s = if let Some(u) = uses.iter().find(|u| u.against.is_some()) {
        let fact = u
            .against
            .as_deref()
            .and_then(|f| rs.fact_index(f))
            .map_or_else(String::new, |i| rs.facts[i].label.clone());
        let what = match (u.whole, u.effect) {
            (true, e) if e < 0 => "下限",
            (true, e) if e > 0 => "上限",
            (true, _) => "门槛",
            (false, _) => "门槛的计算项",
        };
        let mut s = format!("{fact}{what}");
        if let Some(m) = &member {
            s.push_str(&format!("（{m}）"));
        }
        if u.relax {
            s.push_str("（放宽条款）");
        }
        s
    } else if let Some(u) = uses.first() {
        format!("用于“{}”", u.criterion)
    } else {
        let note = p.current().and_then(|v| v.provenance.note.clone());
        match note {
            Some(n) if n.chars().count() <= 20 => format!("{n}（不用于认定条件）"),
            _ => "不用于认定条件".to_string(),
        }
    };
    if s.is_empty() {
        s = p.name.clone();
    }
    s
}

fn measure_of(rs: &RuleSet, uses: Option<&Vec<Use>>) -> Option<String> {
    let f = uses?.iter().find_map(|u| u.against.clone())?;
    rs.facts.get(rs.fact_index(&f)?)?.measure.clone()
}

fn provenance_note(a: Option<&ParamValue>, b: Option<&ParamValue>) -> Option<String> {
    let show = |v: Option<&ParamValue>| v.map(crate::report::provenance);
    match (show(a), show(b)) {
        (Some(x), Some(y)) if x == y => Some(format!("依据：{x}")),
        (Some(x), Some(y)) => Some(format!("依据：{x} → {y}")),
        (Some(x), None) | (None, Some(x)) => Some(x),
        (None, None) => None,
    }
}

/// Whether `p` is an entry of a table that both rule sets have: then a missing
/// entry on the other side is a change of coverage, not of parameters.
fn entry_of_shared_table(rs: &RuleSet, p: &ParamInfo, other: &RuleSet) -> bool {
    p.table
        .and_then(|(t, _)| rs.tables.get(t))
        .is_some_and(|t| other.tables.iter().any(|x| x.name == t.name))
}

/// Parameters added, removed and changed; returns how many are in both and equal.
pub fn params(old: &RuleSet, new: &RuleSet, out: &mut Vec<Change>) -> usize {
    let (uo, un) = (usages(old), usages(new));
    let mut same = 0;
    for a in &old.params {
        let Some(b) = new.param_index(&a.name).map(|i| &new.params[i]) else {
            if !entry_of_shared_table(old, a, new) {
                let u = uo.get(&a.name);
                let mut ch = Change::new(ChangeKind::ParamRemoved, &a.name, describe(old, a, u));
                ch.old = Some(show_param(old, a, measure_of(old, u).as_deref()));
                ch.old_value = num_value(a);
                ch.notes.extend(provenance_note(a.current(), None));
                ch.notes.extend(super::dated::listing(old, a));
                out.push(ch);
            }
            continue;
        };
        let (va, vb) = (
            a.current().and_then(|v| v.value),
            b.current().and_then(|v| v.value),
        );
        let dated = super::dated::notes(old, a, new, b);
        if va == vb && a.kind == b.kind {
            if dated.is_empty() {
                same += 1;
            } else {
                out.push(super::dated::change(
                    old,
                    a,
                    new,
                    b,
                    describe(new, b, un.get(&b.name)),
                    dated,
                ));
            }
            continue;
        }
        let (ua, ub) = (uo.get(&a.name), un.get(&b.name));
        let label = if ub.is_some() {
            describe(new, b, ub)
        } else {
            describe(old, a, ua)
        };
        let mut ch = Change::new(ChangeKind::ParamChanged, &a.name, label);
        ch.old = Some(show_param(old, a, measure_of(old, ua).as_deref()));
        ch.new = Some(show_param(new, b, measure_of(new, ub).as_deref()));
        ch.old_value = num_value(a);
        ch.new_value = num_value(b);
        ch.direction = match (ch.old_value, ch.new_value) {
            (Some(x), Some(y)) if a.kind == b.kind => match (role(ua), role(ub)) {
                (Some(r), Some(s)) if r == s && r != 0 => Direction::of_move(r, x, y),
                _ => {
                    ch.notes.push(if ua.is_none() && ub.is_none() {
                        "不用于认定条件，无所谓宽严".to_string()
                    } else {
                        "两边用法不同或无法从用法判断宽严".to_string()
                    });
                    Some(Direction::Undecidable)
                }
            },
            (Some(_), Some(_)) => Some(Direction::Undecidable),
            _ => None,
        };
        if ch.direction == Some(Direction::Undecidable) && ua.is_none() && ub.is_none() {
            ch.direction = None;
        }
        ch.notes.extend(provenance_note(a.current(), b.current()));
        ch.notes.extend(super::quotes::note(a, b));
        ch.notes.extend(dated);
        out.push(ch);
    }
    for b in &new.params {
        if old.param_index(&b.name).is_some() || entry_of_shared_table(new, b, old) {
            continue;
        }
        let u = un.get(&b.name);
        let mut ch = Change::new(ChangeKind::ParamAdded, &b.name, describe(new, b, u));
        ch.new = Some(show_param(new, b, measure_of(new, u).as_deref()));
        ch.new_value = num_value(b);
        ch.notes.extend(provenance_note(None, b.current()));
        ch.notes.extend(super::dated::listing(new, b));
        out.push(ch);
    }
    let label = |name: &str| {
        new.param_index(name)
            .and_then(|i| new.params.get(i))
            .map_or_else(|| name.to_string(), |b| describe(new, b, un.get(name)))
    };
    out.extend(super::quotes::params(old, new, &label));
    same
}

/// Key of a minimum: fact, category member (for a table), relaxation clause, operator.
type ThKey = (String, Option<String>, bool, &'static str);

#[derive(Debug, Default)]
struct Th {
    value: Option<Decimal>,
    exprs: Vec<String>,
    criteria: Vec<String>,
}

fn conjuncts(n: CNode) -> Vec<CNode> {
    match n {
        CNode::And(xs) => xs,
        other => vec![other],
    }
}

/// The effective minimum on each fact: over all criteria (all must be met), the
/// highest value compared with `>=` (or `>`).
fn minimums(rs: &RuleSet) -> BTreeMap<ThKey, Th> {
    let vals = param_values(rs);
    let pv = |n: &str| vals.get(n).copied().flatten();
    let mut out: BTreeMap<ThKey, Th> = BTreeMap::new();
    let mut add = |key: ThKey, v: Decimal, expr: String, crit: &str| {
        let t = out.entry(key).or_default();
        t.value = Some(t.value.map_or(v, |x| x.max(v)));
        if !t.exprs.contains(&expr) {
            t.exprs.push(expr);
        }
        if !t.criteria.iter().any(|c| c == crit) {
            t.criteria.push(crit.to_string());
        }
    };
    for c in &rs.criteria {
        let mut conds = Vec::new();
        for r in &c.requires {
            conds.extend(
                conjuncts(canon(rs, r.cond.node))
                    .into_iter()
                    .map(|x| (x, false)),
            );
            if let Some(x) = &r.relax {
                conds.extend(
                    conjuncts(canon(rs, x.then.node))
                        .into_iter()
                        .map(|x| (x, true)),
                );
            }
        }
        for (cond, relax) in conds {
            let CNode::Cmp(op, l, r) = &cond else {
                continue;
            };
            let (">=" | ">", CNode::Fact(f)) = (*op, l.as_ref()) else {
                continue;
            };
            let op: &'static str = if *op == ">" { ">" } else { ">=" };
            if fact_free(r) {
                if let Some(v) = value(r, &pv) {
                    add((f.clone(), None, relax, op), v, r.to_string(), &c.label);
                }
            } else if let CNode::Table(t, _) = r.as_ref() {
                let Some(table) = rs.tables.iter().find(|x| x.name == *t) else {
                    continue;
                };
                let Some(set) = rs.categories.get(table.set) else {
                    continue;
                };
                for (m, e) in table.entries.iter().enumerate() {
                    let (Some(p), Some(mem)) = (e, set.members.get(m)) else {
                        continue;
                    };
                    if let Some(v) = rs.params.get(*p).and_then(num_value) {
                        let key = (f.clone(), Some(mem.id.clone()), relax, op);
                        add(key, v, r.to_string(), &c.label);
                    }
                }
            }
        }
    }
    out
}

/// Minimums on the same fact that differ and are written differently on the two
/// sides (e.g. `min_supporting_enterprises` = 10户 against
/// `nominal_supporting_enterprises - supporting_tolerance` = 8户). Where both sides
/// write the same parameter, the parameter's own change already says it.
pub fn thresholds(old: &RuleSet, new: &RuleSet, out: &mut Vec<Change>) {
    let (mo, mn) = (minimums(old), minimums(new));
    for (key, a) in &mo {
        let Some(b) = mn.get(key) else {
            continue;
        };
        let (Some(x), Some(y)) = (a.value, b.value) else {
            continue;
        };
        if x == y || a.exprs == b.exprs {
            continue;
        }
        let (fact, member, relax, op) = key;
        let Some(fi) = new.fact_index(fact) else {
            continue;
        };
        let f = &new.facts[fi];
        let show = |d: Decimal| match f.kind {
            Kind::Money => units::format_money(d, units::best_money_unit(d)),
            Kind::Percent => units::format_percent(d),
            Kind::Count => format!(
                "{}{}",
                units::format_decimal(d),
                f.measure.as_deref().unwrap_or("")
            ),
            _ => units::format_decimal(d),
        };
        let mut id = fact.clone();
        let mut label = format!("{}下限", f.label);
        if *op == ">" {
            label.push_str("（不含）");
        }
        if let Some(m) = member {
            id.push('.');
            id.push_str(m);
            let ml = new
                .categories
                .iter()
                .flat_map(|c| &c.members)
                .find(|x| x.id == *m)
                .map_or(m.as_str(), |x| x.label.as_str());
            label.push_str(&format!("（{ml}）"));
        }
        if *relax {
            id.push_str(".relaxed");
            label.push_str("（放宽条款）");
        }
        let mut ch = Change::new(ChangeKind::Threshold, id, label);
        ch.old = Some(show(x));
        ch.new = Some(show(y));
        ch.old_value = Some(x);
        ch.new_value = Some(y);
        ch.direction = Direction::of_move(-1, x, y);
        ch.notes.push(format!(
            "旧：{}（{}）",
            a.exprs.join("、"),
            a.criteria.join("、")
        ));
        ch.notes.push(format!(
            "新：{}（{}）",
            b.exprs.join("、"),
            b.criteria.join("、")
        ));
        out.push(ch);
    }
}

/// What each parameter limits, in Chinese, by name (as the diff describes them); a
/// description shared by several parameters is followed by the name.
pub(super) fn param_labels(rs: &RuleSet) -> Vec<(String, String)> {
    let uses = usages(rs);
    let mut v: Vec<(String, String)> = rs
        .params
        .iter()
        .map(|p| {
            let label = describe(rs, p, uses.get(&p.name));
            // A threshold of a computed quantity (a ratio, a growth) has no fact to name
            // it by: in a condition it reads best as its value (`≥ 3%`).
            let value = p.current().and_then(|v| v.written.clone());
            match value {
                Some(v) if label.starts_with("用于“") => (p.name.clone(), v),
                Some(_) | None => (p.name.clone(), label),
            }
        })
        .collect();
    let shared: Vec<bool> = v
        .iter()
        .map(|(n, l)| v.iter().any(|(m, k)| m != n && k == l))
        .collect();
    for ((name, label), s) in v.iter_mut().zip(shared) {
        if s && label != name {
            *label = format!("{label}（{name}）");
        }
    }
    v
}

/// What each table of parameters limits, in Chinese, by name: the description of an
/// entry without its category (`特色主导产业年产值下限`).
pub(super) fn table_labels(rs: &RuleSet) -> Vec<(String, String)> {
    let uses = usages(rs);
    let mut out = Vec::new();
    for (t, table) in rs.tables.iter().enumerate() {
        let entry = rs.params.iter().find(|p| p.table.map(|x| x.0) == Some(t));
        let Some(p) = entry else {
            continue;
        };
        let mut label = describe(rs, p, uses.get(&p.name));
        let member = p.table.and_then(|(_, m)| {
            let set = rs.categories.get(table.set)?;
            Some(set.members.get(m)?.label.clone())
        });
        if let Some(m) = member {
            label = label.replacen(&format!("（{m}）"), "", 1);
        }
        if label != p.name {
            out.push((table.name.clone(), label));
        }
    }
    out
}
