//! One criterion's explanation for one town: the line of a met criterion in the compact
//! view, every line of its findings, and the readings behind it.

use super::describe::atom;
use crate::eval::{CriterionResult, Evaluator, Path, Status, Tri};

/// A met criterion on one line: its tests and, when the relaxation decided it, that.
pub(super) fn met_summary(ev: &Evaluator<'_>, c: &CriterionResult, row: usize) -> String {
    let rs = ev.rules;
    let mut parts: Vec<String> = Vec::new();
    let _ = &rs;
    for (i, q) in c.requires.iter().enumerate() {
        for a in &q.cond.atoms {
            if q.path != Path::Relaxation || a.holds == Tri::True {
                parts.push(atom(ev, a, row));
            }
        }
        if q.path == Path::Relaxation {
            if let (Some((w, t)), Some(rx)) = (&q.relax, &rs.criteria[c.index].requires[i].relax) {
                let clause = rx.clause.clone().unwrap_or_default();
                let tests: Vec<String> = w
                    .atoms
                    .iter()
                    .chain(&t.atoms)
                    .map(|a| atom(ev, a, row))
                    .collect();
                let normal: Vec<String> = q
                    .cond
                    .atoms
                    .iter()
                    .filter(|a| a.holds != Tri::True)
                    .map(|a| atom(ev, a, row))
                    .collect();
                let normal = if normal.is_empty() {
                    "常规门槛未能确认达到".to_string()
                } else {
                    format!("常规门槛未达到（{}）", normal.join("；"))
                };
                let discretion = if rx.discretionary {
                    "；该条款为“可适当放宽”（本规则集的理解：须经认定机关结合发展前景裁量，不是自动适用）"
                } else {
                    ""
                };
                parts.push(format!(
                    "{normal}，按放宽条款 {clause} 认定：{}{discretion}",
                    tests.join("；")
                ));
            }
        }
    }
    let mut s = parts.join("；");
    for (i, (t, p)) in c
        .priorities
        .iter()
        .zip(&rs.criteria[c.index].priorities)
        .enumerate()
    {
        match t {
            Tri::True => s.push_str(&format!("；★ 优先评定：{}", p.label)),
            Tri::Unknown => s.push_str(&format!(
                "；☆ 能否优先评定待定（{}）：{}",
                priority_why(ev, c, i, row),
                p.label
            )),
            Tri::False => {}
        }
    }
    if !c.missing_facts.is_empty() {
        let names: Vec<&str> = c
            .missing_facts
            .iter()
            .map(|&f| rs.facts[f].label.as_str())
            .collect();
        s.push_str(&format!(
            "；未填报{}，不影响本条结论",
            super::describe::labels(&names)
        ));
    }
    s
}

/// The readings behind criterion `c` that the documents do not state, once:
/// `（本规则集的理解：…；…）`.
pub fn reading(rs: &crate::compile::RuleSet, c: usize) -> Option<String> {
    let all = rs.interpretations(c);
    (!all.is_empty()).then(|| format!("（本规则集的理解：{}）", all.join("；")))
}

/// Why a priority clause is undetermined: its arithmetic fault, else missing data.
pub(super) fn priority_why(
    ev: &Evaluator<'_>,
    c: &CriterionResult,
    p: usize,
    row: usize,
) -> &'static str {
    ev.priority_fault(c.index, p, row)
        .map_or("缺少数据", |f| f.message())
}

/// The explanation lines of one criterion for one town (no indentation).
pub fn criterion_lines(ev: &Evaluator<'_>, c: &CriterionResult, row: usize) -> Vec<String> {
    let rs = ev.rules;
    let crit = &rs.criteria[c.index];
    let mut lines = Vec::new();
    if c.status == Status::NotApplicable {
        lines.push(not_applicable_line(ev, c, row));
    } else {
        for a in &c.applies {
            for at in &a.atoms {
                lines.push(format!("适用范围：{}", atom(ev, at, row)));
            }
        }
    }
    if c.status != Status::NotApplicable {
        for (i, q) in c.requires.iter().enumerate() {
            let req = &crit.requires[i];
            let tick = match q.status {
                Tri::True => "✓",
                Tri::False => "✗",
                Tri::Unknown => "?",
            };
            let label = req.title(rs);
            lines.push(format!("{tick} {label}"));
            for a in &q.cond.atoms {
                lines.push(format!("    {}", atom(ev, a, row)));
            }
            if let (Some(rx), Some((w, t))) = (&req.relax, &q.relax) {
                let clause = rx.clause.clone().unwrap_or_else(|| crit.clause.clone());
                match q.path {
                    Path::Normal => lines.push(format!(
                        "    判定路径：常规门槛（放宽条款 {clause} 无需适用）"
                    )),
                    Path::Relaxation => {
                        lines.push(format!(
                            "    判定路径：放宽条款 {clause}（常规门槛未达到，但满足放宽条件）"
                        ));
                    }
                    Path::Neither => {
                        lines.push(format!(
                            "    放宽条款 {clause}：{}",
                            match (w.value, t.value) {
                                (Tri::False, _) => "不适用（放宽条件不具备）",
                                (_, Tri::False) => "放宽后的门槛也未达到",
                                _ if w.atoms.iter().chain(&t.atoms).any(|a| {
                                    crate::eval::V::fault_of(a.lhs, a.rhs).is_some()
                                }) =>
                                    "无法判定（计算无结果）",
                                _ => "无法判定（缺少数据）",
                            }
                        ))
                    }
                }
                if q.path != Path::Normal {
                    // When the relaxation's conditions fail, its floor is beside the point.
                    let shown: Vec<&crate::eval::Atom> = if w.value == Tri::False {
                        w.atoms.iter().filter(|a| a.holds != Tri::True).collect()
                    } else {
                        w.atoms.iter().chain(&t.atoms).collect()
                    };
                    for a in shown {
                        lines.push(format!("      {}", atom(ev, a, row)));
                    }
                }
            }
        }
    }
    if !c.missing_facts.is_empty() {
        let names: Vec<&str> = c
            .missing_facts
            .iter()
            .map(|&f| rs.facts[f].label.as_str())
            .collect();
        if c.status == Status::Undetermined {
            lines.push(format!(
                "缺少数据：{}；补充后即可判定",
                super::describe::labels(&names)
            ));
        } else {
            lines.push(format!(
                "未填报{}，不影响本条结论",
                super::describe::labels(&names)
            ));
        }
    }
    let mut faults: Vec<&str> =
        c.applies
            .iter()
            .chain(c.requires.iter().flat_map(|q| {
                std::iter::once(&q.cond).chain(q.relax.iter().flat_map(|(w, t)| [w, t]))
            }))
            .flat_map(|r| &r.atoms)
            .filter_map(|a| crate::eval::V::fault_of(a.lhs, a.rhs).map(|f| f.message()))
            .collect();
    faults.sort_unstable();
    faults.dedup();
    if !faults.is_empty() {
        let what = faults.join("、");
        lines.push(if c.status == Status::Undetermined {
            format!("计算无结果（{what}），无法判定；请检查参与计算的数据")
        } else {
            format!("计算无结果（{what}），但不影响结论")
        });
    }
    for &p in &c.unset_params {
        let pi = &rs.params[p];
        // The comparison above already says the threshold is unset; here only why, once.
        if let Some(n) = pi.current().and_then(|v| v.provenance.note.as_ref()) {
            let whose = threshold_of(ev, c, p, row).unwrap_or_else(|| "本条".to_string());
            lines.push(format!("{whose}的门槛：{n}"));
        }
    }
    let basis = format!("{} {}", crit.document, crit.clause);
    if (c.status == Status::NotMet || c.status == Status::Undetermined) && !basis.trim().is_empty()
    {
        lines.push(format!("依据：{}", basis.trim()));
        if let Some(q) = &crit.quote {
            lines.push(format!("原文：“{q}”"));
        }
    }
    if let Some(r) = reading(rs, c.index) {
        lines.push(r);
    }
    for n in &crit.notes {
        lines.push(format!("注：{n}"));
    }
    for rx in crit.requires.iter().filter_map(|r| r.relax.as_ref()) {
        if let Some(n) = &rx.note {
            lines.push(format!("注（放宽条款）：{n}"));
        }
    }
    for (i, (t, p)) in c.priorities.iter().zip(&crit.priorities).enumerate() {
        match t {
            Tri::True => lines.push(format!("★ 优先评定：{}", p.label)),
            Tri::Unknown => lines.push(format!(
                "能否优先评定待定（{}，不是“不优先”）：{}",
                priority_why(ev, c, i, row),
                p.label
            )),
            Tri::False => {}
        }
    }
    lines
}

/// What the unset parameter `p` is the threshold of in this criterion: the left side of
/// the first comparison against it (`龙头企业数`).
fn threshold_of(ev: &Evaluator<'_>, c: &CriterionResult, p: usize, row: usize) -> Option<String> {
    let rs = ev.rules;
    c.requires
        .iter()
        .flat_map(|q| q.cond.atoms.iter())
        .find_map(|a| {
            let crate::compile::Op::Cmp { lhs, rhs, .. } = rs.ops[a.node as usize] else {
                return None;
            };
            let crate::compile::Op::Param(q) = rs.ops[rhs as usize] else {
                return None;
            };
            (q as usize == p).then(|| super::describe::operand(ev, lhs, row).0)
        })
}

/// Why a criterion does not apply to a town, with its clause, in plain words.
fn not_applicable_line(ev: &Evaluator<'_>, c: &CriterionResult, row: usize) -> String {
    let rs = ev.rules;
    let crit = &rs.criteria[c.index];
    let mut why: Vec<String> = c
        .applies
        .iter()
        .filter(|a| a.value == Tri::False)
        .flat_map(|a| a.atoms.iter().filter(|at| at.holds == Tri::False))
        .map(|at| atom(ev, at, row))
        .collect();
    if why.is_empty() {
        if let Some((t, m)) = c.uncovered {
            let table = &rs.tables[t];
            let label = rs.categories[table.set]
                .members
                .get(m as usize)
                .map(|x| x.label.as_str())
                .unwrap_or("");
            why.push(format!("产业类别为“{label}”，本条没有为这一类别规定门槛"));
        }
    }
    format!(
        "本条不适用（依据 {} {}）：{}；本条不适用的镇不能按本标准认定",
        crit.document,
        crit.clause,
        why.join("；")
    )
}
