//! Why a criterion's status differs for a town: the tests that decided it on each side.

use crate::compile::{NodeId, Op, RuleSet};
use crate::eval::{Atom, CriterionResult, Evaluator, Path as EvalPath, Status, Tri};

use super::impact::Cause;

pub(super) fn causes(
    ea: &Evaluator<'_>,
    eb: &Evaluator<'_>,
    sa: &[Status],
    sb: &[Status],
    row: usize,
) -> Vec<Cause> {
    let (a, b) = (ea.rules, eb.rules);
    let mut out = Vec::new();
    for (i, c) in a.criteria.iter().enumerate() {
        let j = b.criterion_index(&c.id);
        let (so, sn) = (sa[i], j.map(|j| sb[j]));
        let differs = match sn {
            Some(s) => s != so,
            None => so != Status::Met,
        };
        if !differs {
            continue;
        }
        out.push(cause(ea, eb, Some(i), j, row));
    }
    for (j, c) in b.criteria.iter().enumerate() {
        if a.criterion_index(&c.id).is_none() && sb[j] != Status::Met {
            out.push(cause(ea, eb, None, Some(j), row));
        }
    }
    out
}

fn cause(
    ea: &Evaluator<'_>,
    eb: &Evaluator<'_>,
    i: Option<usize>,
    j: Option<usize>,
    row: usize,
) -> Cause {
    let ra = i.map(|i| ea.explain_criterion(i, row));
    let rb = j.map(|j| eb.explain_criterion(j, row));
    // Facts tested where the criterion is not met: the tests of the same facts are
    // shown on the side where it is met.
    let mut focus = Vec::new();
    for (ev, r) in [(ea, &ra), (eb, &rb)] {
        if let Some(r) = r.as_ref().filter(|r| r.status != Status::Met) {
            for at in decisive(r) {
                focus.extend(atom_facts(ev.rules, at.node));
            }
        }
    }
    let mut why = Vec::new();
    for (tag, ev, r) in [("旧", ea, &ra), ("新", eb, &rb)] {
        if let Some(r) = r {
            for line in lines(ev, r, row, &focus) {
                why.push(format!("{tag}：{line}"));
            }
        }
    }
    let crit = j
        .map(|j| &eb.rules.criteria[j])
        .or_else(|| i.map(|i| &ea.rules.criteria[i]));
    Cause {
        criterion: crit.map(|c| c.id.clone()).unwrap_or_default(),
        label: crit.map(|c| c.label.clone()).unwrap_or_default(),
        old: ra.map(|r| r.status),
        new: rb.map(|r| r.status),
        why,
    }
}

/// The tests that keep a criterion from being met.
fn decisive(r: &CriterionResult) -> Vec<&Atom> {
    let mut v: Vec<&Atom> = Vec::new();
    for a in &r.applies {
        v.extend(a.atoms.iter().filter(|x| x.holds != Tri::True));
    }
    for q in &r.requires {
        if q.status == Tri::True {
            continue;
        }
        v.extend(q.cond.atoms.iter().filter(|x| x.holds != Tri::True));
        if let Some((w, t)) = &q.relax {
            if w.value != Tri::False {
                v.extend(w.atoms.iter().filter(|x| x.holds == Tri::Unknown));
                v.extend(t.atoms.iter().filter(|x| x.holds != Tri::True));
            }
        }
    }
    v
}

/// Facts read by an atom.
fn atom_facts(rs: &RuleSet, n: NodeId) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        match rs.ops.get(n as usize) {
            Some(Op::Fact(f)) => out.push(*f as usize),
            Some(Op::Cmp { lhs, rhs, .. }) | Some(Op::Arith { lhs, rhs, .. }) => {
                stack.push(*lhs);
                stack.push(*rhs);
            }
            Some(Op::Neg(x)) | Some(Op::Rescale(x, _)) => stack.push(*x),
            Some(Op::Min(a, b)) | Some(Op::Max(a, b)) => {
                stack.push(*a);
                stack.push(*b);
            }
            Some(Op::Stat { fact, .. }) => out.push(*fact as usize),
            Some(Op::InTable { item, .. }) | Some(Op::InList { item, .. }) => stack.push(*item),
            // Thresholds and connectives read no fact of the atom's own.
            Some(
                Op::Param(_) | Op::Const(_) | Op::Lookup { .. } | Op::Not(_) | Op::Logic { .. },
            )
            | None => {}
        }
    }
    out
}

const MAX_LINES: usize = 4;

fn lines(ev: &Evaluator<'_>, r: &CriterionResult, row: usize, focus: &[usize]) -> Vec<String> {
    let rs = ev.rules;
    let mut out = Vec::new();
    if r.status != Status::Met {
        if let Some((t, m)) = r.uncovered {
            let table = &rs.tables[t];
            let label = rs
                .categories
                .get(table.set)
                .and_then(|s| s.members.get(m as usize))
                .map_or("", |x| x.label.as_str());
            out.push(format!(
                "产业类别“{label}”不在 {} 覆盖的类别之内，本标准不适用",
                table.name
            ));
            return out;
        }
        for at in decisive(r) {
            out.push(crate::report::atom(ev, at, row));
        }
        for q in &r.requires {
            if q.status != Tri::True && q.path == EvalPath::Neither {
                if let Some((w, _)) = &q.relax {
                    if w.value == Tri::False {
                        out.push("放宽条款不适用（放宽条件不具备）".into());
                    }
                }
            }
        }
    } else {
        for q in &r.requires {
            let mut atoms: Vec<&Atom> = q.cond.atoms.iter().collect();
            let mut relaxed = false;
            if q.path == EvalPath::Relaxation {
                if let Some((w, t)) = &q.relax {
                    atoms = w.atoms.iter().chain(&t.atoms).collect();
                    relaxed = true;
                }
            }
            let shown: Vec<String> = atoms
                .into_iter()
                .filter(|at| atom_facts(rs, at.node).iter().any(|f| focus.contains(f)))
                .map(|at| crate::report::atom(ev, at, row))
                .collect();
            if relaxed && !shown.is_empty() {
                out.push("按放宽条款满足".into());
            }
            out.extend(shown);
        }
    }
    out.dedup();
    out.truncate(MAX_LINES);
    out
}
