//! The summary of the text report: one line per town, in the order of outcome with
//! priority towns first, columns as wide as their widest cell, and the totals. Made in
//! two passes over the towns so that the lines can be written as they are formatted:
//! the first keeps only a sort key per town, the second formats each line.

use std::fmt::Write as _;

use rayon::prelude::*;
use unicode_width::UnicodeWidthStr;

use super::{joint_lines, outcome_mark, outcome_rank, pad, priority_rank, priority_why, short};
use crate::eval::{Evaluator, Outcome, Status, TownResult, Tri};

/// What the summary keeps of a town between its passes.
pub(super) struct Key {
    /// The town.
    pub row: usize,
    /// Its outcome.
    pub outcome: Outcome,
    /// Recognised only through a discretionary relaxation.
    pub discretionary: bool,
    /// Priority: raised, unknown or not.
    pub priority: Tri,
    /// The grade index (the number of grades for an undetermined total); `None` without
    /// an indicator system.
    pub grade: Option<usize>,
}

/// Every town's key, in summary order: by outcome and then priority when the rule set
/// has criteria, else in input order.
pub(super) fn keys(ev: &Evaluator<'_>, rows: &[usize]) -> Vec<Key> {
    let rs = ev.rules;
    let mut keys: Vec<Key> = rows
        .par_chunks(4096)
        .flat_map_iter(|part| {
            part.iter().map(|&row| {
                let r = ev.explain(row);
                let grade = match (ev.town_score(row), rs.evaluation.as_ref()) {
                    (Some(s), Some(e)) => Some(s.grade.unwrap_or(e.grades.len())),
                    _ => None,
                };
                Key {
                    row,
                    outcome: r.outcome,
                    discretionary: r.discretionary,
                    priority: ev.priority_state(row),
                    grade,
                }
            })
        })
        .collect();
    if !rs.criteria.is_empty() {
        // Stable: input order within an outcome and priority.
        keys.sort_by_key(|k| (outcome_rank(k.outcome), priority_rank(k.priority)));
    }
    keys
}

/// The widths of the summary's columns.
pub(super) struct Layout {
    idw: usize,
    nw: usize,
    vw: usize,
    has_criteria: bool,
    scored: bool,
}

impl Layout {
    /// The columns as wide as their widest cell over `keys`.
    pub fn new(ev: &Evaluator<'_>, keys: &[Key]) -> Self {
        let widest = |w: &dyn Fn(&Key) -> usize, least: usize| {
            keys.iter().map(w).max().unwrap_or(least).max(least)
        };
        Layout {
            idw: widest(&|k| ev.towns.ids[k.row].width(), 2),
            nw: widest(&|k| ev.towns.names[k.row].width(), 4),
            // The verdict column is as wide as its widest mark (the discretionary mark is long).
            vw: widest(
                &|k| {
                    UnicodeWidthStr::width(outcome_mark(k.outcome, k.discretionary, false).as_str())
                },
                10,
            ),
            has_criteria: !ev.rules.criteria.is_empty(),
            scored: ev.rules.evaluation.is_some(),
        }
    }

    /// The heading line.
    pub fn head(&self) -> String {
        let score_head = if self.scored {
            format!("{}  {}  ", pad("总分", 8), pad("等级", 6))
        } else {
            String::new()
        };
        let verdict_head = if self.has_criteria {
            format!("{}  ", pad("结论", self.vw))
        } else {
            String::new()
        };
        format!(
            "{}  {}  {verdict_head}{score_head}说明\n",
            pad("编号", self.idw),
            pad("名称", self.nw)
        )
    }

    /// Town `row`'s line, `r` its explanation.
    pub fn line(
        &self,
        ev: &Evaluator<'_>,
        row: usize,
        r: &TownResult,
        opt: super::TextOptions<'_>,
    ) -> String {
        let rs = ev.rules;
        let score = ev.town_score(row);
        let score_cell = match (&score, rs.evaluation.as_ref()) {
            (Some(s), Some(e)) => format!(
                "{}  {}  ",
                pad(
                    &s.total
                        .map_or_else(|| "待定".into(), |t| crate::report::shown_total(e, t).0),
                    8
                ),
                pad(&crate::report::grade_name(e, s), 6)
            ),
            _ => String::new(),
        };
        let mut why: Vec<String> = r
            .criteria
            .iter()
            .filter(|c| c.status != Status::Met)
            .map(|c| format!("{}{}", rs.criteria[c.index].label, short(c.status)))
            .collect();
        if let Some(first) = joint_lines(ev, r).into_iter().next() {
            // A town without a category: what every category gives comes first.
            why.insert(0, first.trim_end_matches('：').to_string());
        }
        let verdict = if self.has_criteria {
            format!(
                "{}  ",
                pad(
                    &outcome_mark(r.outcome, r.discretionary, opt.color),
                    self.vw
                )
            )
        } else {
            String::new()
        };
        let undetermined = score
            .as_ref()
            .and_then(|s| s.undetermined.clone())
            .map(|u| format!("（{u}）"))
            .unwrap_or_default();
        format!(
            "{}  {}  {verdict}{score_cell}{}{undetermined}{}\n",
            pad(&ev.towns.ids[row], self.idw),
            pad(&ev.towns.names[row], self.nw),
            why.join("、"),
            priority_flag(ev, row, r)
        )
    }
}

/// `  ★优先评定`, `  ☆能否优先评定待定（…）` or nothing.
fn priority_flag(ev: &Evaluator<'_>, row: usize, r: &TownResult) -> String {
    let set: Vec<Tri> = (0..ev.rules.priorities.len())
        .map(|i| ev.set_priority(i, row))
        .collect();
    let raised = |t: Tri| set.contains(&t) || r.criteria.iter().any(|c| c.priorities.contains(&t));
    if raised(Tri::True) {
        return "  ★优先评定".to_string();
    }
    if !raised(Tri::Unknown) {
        return String::new();
    }
    let mut whys: Vec<&str> = r
        .criteria
        .iter()
        .flat_map(|c| {
            (0..c.priorities.len())
                .filter(|&p| c.priorities[p] == Tri::Unknown)
                .map(|p| priority_why(ev, c, p, row))
        })
        .collect();
    if set.contains(&Tri::Unknown) {
        whys.push("缺少数据");
    }
    whys.sort_unstable();
    whys.dedup();
    format!("  ☆能否优先评定待定（{}）", whys.join("、"))
}

/// The totals: outcomes (with the discretionary count) and grades.
pub(super) fn totals(ev: &Evaluator<'_>, keys: &[Key]) -> String {
    let rs = ev.rules;
    let mut o = String::new();
    if !rs.criteria.is_empty() {
        let count = |x: Outcome| keys.iter().filter(|k| k.outcome == x).count();
        let marked = keys.iter().filter(|k| k.discretionary).count();
        let of_which = if marked > 0 {
            format!("（其中 {marked} 个经放宽条款认定，须认定机关裁量）")
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "合计：认定 {} 个{of_which}，不予认定 {} 个，待定 {} 个",
            count(Outcome::Recognized),
            count(Outcome::NotRecognized),
            count(Outcome::Undetermined)
        );
    }
    if let Some(e) = rs.evaluation.as_ref() {
        let mut grade_counts = vec![0usize; e.grades.len() + 1];
        for g in keys.iter().filter_map(|k| k.grade) {
            if let Some(n) = grade_counts.get_mut(g) {
                *n += 1;
            }
        }
        let mut parts: Vec<String> = e
            .grades
            .iter()
            .zip(&grade_counts)
            .map(|(g, n)| format!("{} {n} 个", g.name))
            .collect();
        if let Some(n) = grade_counts.last().filter(|n| **n > 0) {
            parts.push(format!("待定 {n} 个"));
        }
        let _ = writeln!(o, "等级：{}", parts.join("，"));
    }
    o
}
