//! What would change a town's verdict, in one sentence a reply can quote: for a town not
//! recognised, the failing conditions with their shortfalls (from the explanation
//! records' margins); for an undetermined town, the missing facts that decide it and what
//! each outcome of the open criteria would give.
//!
//! "即可认定" is said only when it is certain: every other criterion is met and each
//! failing requirement is a conjunction of simple tests that are all known, so meeting
//! the listed values meets the criterion. Otherwise the sentence lists what is wanting
//! without promising the verdict.

use crate::compile::{NodeId, Op, RuleSet};
use crate::eval::{Atom, CriterionResult, Evaluator, Outcome, Status, TownResult, Tri};
use crate::syntax::ast::LogicOp;

use super::describe;

/// The sentence for town `row`, or None for a recognised town (or one whose category is
/// missing: its lines under each category already say what would change it).
pub fn change_sentence(ev: &Evaluator<'_>, r: &TownResult, row: usize) -> Option<String> {
    if r.over_categories {
        return None;
    }
    let rs = ev.rules;
    let met = r
        .criteria
        .iter()
        .filter(|c| c.status == Status::Met)
        .count();
    let others = if met == 0 {
        String::new()
    } else if met == 1 && r.criteria.len() == 2 {
        "另一条符合；".to_string()
    } else if met + 1 == r.criteria.len() {
        format!("其余{}条均符合；", count_zh(met))
    } else {
        format!("已有{}条符合；", count_zh(met))
    };
    let open: Vec<&CriterionResult> = r
        .criteria
        .iter()
        .filter(|c| c.status != Status::Met)
        .collect();
    match r.outcome {
        Outcome::Recognized => None,
        Outcome::NotRecognized => {
            let fixes: Option<Vec<String>> = open
                .iter()
                .map(|c| sure_fixes(ev, c, row))
                .collect::<Option<Vec<Vec<String>>>>()
                .map(|v| v.concat());
            if let Some(fixes) = fixes.filter(|f| !f.is_empty()) {
                return Some(format!("{others}{}即可认定", fixes.join("，")));
            }
            let parts: Vec<String> = open.iter().map(|c| wanting(ev, c, row)).collect();
            Some(format!("{others}{}", parts.join("；")))
        }
        Outcome::Undetermined => {
            let decided: Vec<_> = open.iter().map(|c| decided_by(ev, c, row)).collect();
            let parts: Vec<String> = open
                .iter()
                .zip(&decided)
                .map(|(c, decided)| {
                    let crit = &rs.criteria[c.index];
                    let facts: Vec<&str> = c
                        .missing_facts
                        .iter()
                        .map(|&f| rs.facts[f].label.as_str())
                        .collect();
                    let not_yet = crit
                        .reads
                        .iter()
                        .any(|&p| rs.params[p].first_future().is_some());
                    let what = if facts.is_empty() && not_yet {
                        "门槛在适用日期尚未施行".to_string()
                    } else if facts.is_empty() {
                        "门槛未设定".to_string()
                    } else {
                        format!("未填报{}", describe::labels(&facts))
                    };
                    match decided {
                        Some((need, Route::Normal)) => format!(
                            "{} {}待定（{what}）：{need}即符合，否则不符合",
                            crit.clause, crit.label
                        ),
                        Some((need, Route::Relaxed { discretionary })) => format!(
                            "{} {}待定（{what}）：{need}即经放宽条款符合{}，否则不符合",
                            crit.clause,
                            crit.label,
                            if *discretionary {
                                "（须认定机关裁量）"
                            } else {
                                ""
                            }
                        ),
                        None => format!("{} {}待定（{what}）", crit.clause, crit.label),
                    }
                })
                .collect();
            // Met only through a discretionary relaxation: recognised with its mark.
            let relaxed = decided.iter().any(|d| {
                matches!(
                    d,
                    Some((
                        _,
                        Route::Relaxed {
                            discretionary: true
                        }
                    ))
                )
            });
            let what = if open.iter().any(|c| c.missing_facts.is_empty()) {
                "数据和门槛补齐后"
            } else {
                "补齐后"
            };
            let give = match (open.len() == 1, relaxed) {
                (true, false) => "本条符合即认定，不符合即不予认定",
                (true, true) => "本条符合即认定（经放宽条款，须认定机关裁量），不符合即不予认定",
                (false, false) => "以上各条均符合即认定，任一条不符合即不予认定",
                (false, true) => {
                    "以上各条均符合即认定（经放宽条款，须认定机关裁量），任一条不符合即不予认定"
                }
            };
            Some(format!("{others}{}；{what}，{give}", parts.join("；")))
        }
    }
}

/// The values that certainly meet a criterion that is not met, or None when that cannot
/// be said for sure.
fn sure_fixes(ev: &Evaluator<'_>, c: &CriterionResult, row: usize) -> Option<Vec<String>> {
    let rs = ev.rules;
    if c.status != Status::NotMet {
        return None;
    }
    let crit = &rs.criteria[c.index];
    let mut out = Vec::new();
    for (q, req) in c.requires.iter().zip(&crit.requires) {
        match q.status {
            Tri::True => continue,
            Tri::Unknown => return None,
            Tri::False => {}
        }
        if !conjunction(rs, req.cond.node) || q.cond.atoms.iter().any(|a| a.holds == Tri::Unknown) {
            return None;
        }
        for a in q.cond.atoms.iter().filter(|a| a.holds == Tri::False) {
            out.push(describe::fix(ev, a, row)?);
        }
    }
    Some(out)
}

/// How an undetermined criterion would be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// Through its normal conditions.
    Normal,
    /// Only through a relaxation (the normal threshold is not reached).
    Relaxed {
        /// The document leaves it to the authority (可适当放宽).
        discretionary: bool,
    },
}

/// For an undetermined criterion that only missing facts of the town leave open, what
/// those facts must be for it to be met (`全国市场占有率达到30%且全省市场占有率达到50%`),
/// and whether that is through a relaxation: said only when it is certain — every other
/// test is known to hold, each open requirement (or, when its normal threshold is not
/// reached, its relaxation) is a conjunction of simple tests, and each open test is a
/// fact against a known threshold.
fn decided_by(ev: &Evaluator<'_>, c: &CriterionResult, row: usize) -> Option<(String, Route)> {
    let rs = ev.rules;
    let crit = &rs.criteria[c.index];
    let applies_known = c
        .applies
        .iter()
        .all(|a| a.value == Tri::True && a.atoms.iter().all(|x| x.holds == Tri::True));
    if c.status != Status::Undetermined || !applies_known || c.uncovered.is_some() {
        return None;
    }
    let mut needs = Vec::new();
    let mut route = Route::Normal;
    for (q, req) in c.requires.iter().zip(&crit.requires) {
        match q.status {
            Tri::True => continue,
            Tri::False => return None,
            Tri::Unknown => {}
        }
        let atoms: Vec<&Atom> = match (&q.relax, &req.relax) {
            // The normal threshold is not reached: only the relaxation can meet it.
            (Some((w, t)), Some(rx)) if q.cond.value == Tri::False => {
                let simple = conjunction(rs, rx.when.node) && conjunction(rs, rx.then.node);
                if !simple {
                    return None;
                }
                route = Route::Relaxed {
                    discretionary: rx.discretionary,
                };
                w.atoms.iter().chain(&t.atoms).collect()
            }
            (Some((w, _)), _) if w.value != Tri::False => return None,
            (Some(_) | None, _) => {
                if !conjunction(rs, req.cond.node) {
                    return None;
                }
                q.cond.atoms.iter().collect()
            }
        };
        for a in atoms {
            match a.holds {
                Tri::True => {}
                Tri::False => return None,
                Tri::Unknown => needs.push(describe::need(ev, a, row)?),
            }
        }
    }
    (!needs.is_empty()).then(|| (needs.join("且"), route))
}

/// What a criterion that is not met wants, in plain words.
fn wanting(ev: &Evaluator<'_>, c: &CriterionResult, row: usize) -> String {
    let rs = ev.rules;
    let crit = &rs.criteria[c.index];
    let head = format!("{} {}", crit.clause, crit.label);
    match c.status {
        Status::Met => format!("{head}符合"),
        Status::NotApplicable => format!("{head}不适用，补足数值也不能按本标准认定"),
        Status::Undetermined => {
            let facts: Vec<&str> = c
                .missing_facts
                .iter()
                .map(|&f| rs.facts[f].label.as_str())
                .collect();
            let what = if facts.is_empty() {
                format!("{head}待定")
            } else {
                format!("{head}待定（未填报{}）", describe::labels(&facts))
            };
            match decided_by(ev, c, row) {
                Some((need, Route::Normal)) => format!("{what}，须{need}"),
                Some((need, Route::Relaxed { discretionary })) => format!(
                    "{what}，须{need}（经放宽条款{}）",
                    if discretionary {
                        "，须认定机关裁量"
                    } else {
                        ""
                    }
                ),
                None => what,
            }
        }
        Status::NotMet => {
            let crit_reqs = &crit.requires;
            let mut wants: Vec<String> = Vec::new();
            for (q, req) in c.requires.iter().zip(crit_reqs) {
                if q.status == Tri::Unknown {
                    // Open for want of data: what it needs (when it can be said), or the
                    // data it needs.
                    let needs: Option<Vec<String>> = q
                        .cond
                        .atoms
                        .iter()
                        .filter(|a| a.holds == Tri::Unknown)
                        .map(|a| describe::need(ev, a, row))
                        .collect();
                    match needs.filter(|n| !n.is_empty()) {
                        Some(n) => wants.push(format!("{}（现未填报）", n.join("且"))),
                        None => wants.push(format!("补报数据后满足{}", req.title(rs))),
                    }
                    continue;
                }
                if q.status != Tri::False {
                    continue;
                }
                let fixes: Option<Vec<String>> = q
                    .cond
                    .atoms
                    .iter()
                    .filter(|a: &&Atom| a.holds == Tri::False)
                    .map(|a| describe::fix(ev, a, row))
                    .collect();
                match fixes.filter(|f| !f.is_empty() && conjunction(rs, req.cond.node)) {
                    Some(f) => wants.push(f.join("，")),
                    None => wants.push(format!("满足{}", req.title(rs))),
                }
            }
            format!("{head}不符合，须{}", wants.join("，"))
        }
    }
}

/// Whether the condition at `n` is a conjunction of elementary tests (no `or`, no `not`).
fn conjunction(rs: &RuleSet, n: NodeId) -> bool {
    match rs.ops[n as usize] {
        Op::Logic { op, lhs, rhs } => match op {
            LogicOp::And => conjunction(rs, lhs) && conjunction(rs, rhs),
            LogicOp::Or => false,
        },
        Op::Cmp { .. } | Op::Fact(_) | Op::InTable { .. } | Op::InList { .. } => true,
        Op::Not(_)
        | Op::Param(_)
        | Op::Const(_)
        | Op::Lookup { .. }
        | Op::Neg(_)
        | Op::Arith { .. }
        | Op::Stat { .. }
        | Op::Min(..)
        | Op::Max(..)
        | Op::Rescale(..) => false,
    }
}

/// 1–10 in Chinese numerals, larger counts in digits.
fn count_zh(n: usize) -> String {
    const ZH: [&str; 11] = [
        "零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    ZH.get(n)
        .map_or_else(|| n.to_string(), |s| (*s).to_string())
}
