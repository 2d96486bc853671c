//! Indicator-system scores as text and JSON: experts, mean, grade, the tree with caps,
//! contributions and the largest shortfalls.

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Value};
use unicode_width::UnicodeWidthStr;

use crate::compile::{Evaluation, NextGrade, Scoring};
use crate::eval::{Evaluator, TownScore};
use crate::units::format_decimal;

/// A score for display: two decimals, half away from zero (computation never rounds).
pub fn fmt2(d: Decimal) -> String {
    format!(
        "{:.2}",
        d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    )
}

/// A town's total as shown: two decimals, rounded half away from zero, unless that would
/// land in another grade band than the exact total (89.995 is 良好, 90.00 would read as
/// 优秀): then the two-decimal value on the band's side of the total (89.99), or the exact
/// total when no two-decimal value lies in the band. The flag says that the shown value
/// is not the nearest one.
pub fn shown_total(ev: &Evaluation, total: Decimal) -> (String, bool) {
    let near = total.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let grade = ev.grade(total);
    if ev.grade(near) == grade {
        return (format!("{near:.2}"), false);
    }
    let toward = [
        RoundingStrategy::ToNegativeInfinity,
        RoundingStrategy::ToPositiveInfinity,
    ]
    .into_iter()
    .map(|r| total.round_dp_with_strategy(2, r))
    .find(|&v| v != near && ev.grade(v) == grade);
    match toward {
        Some(v) => (format!("{v:.2}"), true),
        None => (format_decimal(total), true),
    }
}

/// The system's full marks as a reader should see them: the document's total, and
/// when the tree cannot reach it, the highest total it can (`100（按表内各项权重，最高可得
/// 99）`).
pub fn full_marks(ev: &Evaluation) -> String {
    let total = ev.total.normalize();
    let reach = ev.attainable();
    if reach < total {
        format!(
            "{total}（按表内各项权重，最高可得 {}）",
            format_decimal(reach)
        )
    } else {
        total.to_string()
    }
}

/// The total for text: the shown value, with the exact one beside it when they differ
/// so that the nearest two-decimal value would be in another band:
/// `89.99（精确值 89.995）`.
pub fn total_text(ev: &Evaluation, total: Option<Decimal>) -> String {
    let Some(t) = total else {
        return "待定".to_string();
    };
    match shown_total(ev, t) {
        (shown, true) if shown != format_decimal(t) => {
            format!("{shown}（精确值 {}）", format_decimal(t))
        }
        (shown, _) => shown,
    }
}

/// How far a total is from the next band up, in words: `距‘优秀’还差 0.01 分`.
/// Distances with more than four decimals are bounded at two (`还差不到 0.34 分`); a band
/// that excludes its bound (`> 90`) needs more than the distance (`还差超过 0.01 分`).
pub fn next_grade_text(ev: &Evaluation, next: &NextGrade) -> String {
    let name = ev.grades.get(next.grade).map_or("", |g| g.name.as_str());
    let d = next.distance;
    let amount = match (next.inclusive, d.scale() <= 4) {
        (true, true) => format!("还差 {} 分", format_decimal(d)),
        (true, false) => format!(
            "还差不到 {:.2} 分",
            d.round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity)
        ),
        (false, _) => format!("还差超过 {} 分", format_decimal(d)),
    };
    format!(
        "距‘{name}’（{}{} 分）{amount}",
        if next.inclusive { "≥" } else { "＞" },
        format_decimal(next.bound)
    )
}

/// A node's score for text: as the total is shown when it equals the total (a single
/// first-level indicator), so the two never read differently; else two decimals.
fn node_score(ev: &Evaluation, s: &TownScore, v: Option<Decimal>) -> String {
    match (v, s.total) {
        (Some(v), Some(t)) if v == t => shown_total(ev, t).0,
        (v, _) => opt2(v),
    }
}

fn opt2(d: Option<Decimal>) -> String {
    d.map_or_else(|| "待定".to_string(), fmt2)
}

/// The grade's name, or 待定.
pub fn grade_name(ev: &Evaluation, s: &TownScore) -> String {
    s.grade
        .and_then(|g| ev.grades.get(g))
        .map_or_else(|| "待定".to_string(), |g| g.name.clone())
}

/// Text lines explaining a town's score (no indentation).
pub fn score_lines(e: &Evaluator<'_>, s: &TownScore, row: usize) -> Vec<String> {
    let Some(ev) = e.rules.evaluation.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let grade = grade_name(ev, s);
    let clause = ev.grades_clause.clone().unwrap_or_default();
    out.push(format!(
        "{}：总分 {}，等级 {grade}{}",
        ev.label,
        total_text(ev, s.total),
        if clause.is_empty() {
            String::new()
        } else {
            format!("（{clause}）")
        }
    ));
    if let Some(next) = s.total.and_then(|t| ev.next_grade(t)) {
        out.push(next_grade_text(ev, &next));
    }
    if let Some(why) = &s.undetermined {
        out.push(format!("总分待定：{why}"));
    }
    let named: Vec<String> = s
        .experts
        .iter()
        .filter(|x| !x.expert.is_empty())
        .map(|x| format!("{} {}", x.expert, opt2(x.total)))
        .collect();
    if !named.is_empty() {
        let how = if named.len() > 1 {
            "，取算术平均"
        } else {
            ""
        };
        out.push(format!("专家总分：{}{how}", named.join("；")));
    }
    for x in &s.experts {
        if !x.missing.is_empty() {
            let items: Vec<String> = x
                .missing
                .iter()
                .map(|&n| format!("{} {}", ev.nodes[n].code, ev.nodes[n].label))
                .collect();
            out.push(format!("专家 {} 缺少评分：{}", x.expert, items.join("；")));
        }
    }
    if !ev.formula.is_empty() {
        out.push(format!(
            "计分：{}；各级得分为下级之和，不超过本级权重",
            ev.formula
        ));
    }
    if let Some(n) = &ev.note {
        out.push(format!("注：{n}"));
    }
    if !ev.interpretations.is_empty() {
        out.push(format!(
            "（本规则集的理解：{}）",
            ev.interpretations.join("；")
        ));
    }
    let width = ev
        .nodes
        .iter()
        .map(|n| UnicodeWidthStr::width(n.label.as_str()) + n.code.len() + 2 * n.depth)
        .max()
        .unwrap_or(20)
        .min(60);
    // The highest each node can reach, computed once for the whole tree.
    let reach = ev.attainable_nodes();
    for &r in &ev.roots {
        node_lines(ev, s, r, (width, &reach), &mut out);
    }
    let mut stats = Vec::new();
    for n in &ev.nodes {
        if let Scoring::FullWhen(c) | Scoring::Formula(c) = &n.scoring {
            super::describe::stats_in(e, c.node, row, &mut stats);
        }
    }
    for line in stats {
        out.push(format!("排名/分位：{line}"));
    }
    if let Some(total) = s.total {
        let parts: Vec<String> = ev
            .roots
            .iter()
            .filter_map(|&r| s.nodes[r].map(|v| (r, v)))
            .map(|(r, v)| {
                let share = if total.is_zero() {
                    Decimal::ZERO
                } else {
                    v * Decimal::ONE_HUNDRED / total
                };
                format!(
                    "{} {} {}（占 {}%）",
                    ev.nodes[r].code,
                    ev.nodes[r].label,
                    node_score(ev, s, Some(v)),
                    fmt2(share)
                )
            })
            .collect();
        out.push(format!("一级指标贡献：{}", parts.join("；")));
    }
    if !s.shortfalls.is_empty() {
        let parts: Vec<String> = s
            .shortfalls
            .iter()
            .map(|&(n, lost)| {
                let node = &ev.nodes[n];
                let own = s.nodes[n].map_or(lost, |v| node.weight - v);
                if own == lost {
                    format!(
                        "{} {}（失 {} 分，满分 {}）",
                        node.code,
                        node.label,
                        fmt2(lost),
                        format_decimal(node.weight)
                    )
                } else {
                    // A capped level above absorbs part of the item's loss.
                    format!(
                        "{} {}（本项失 {} 分，满分 {}；因上级指标封顶，总分少 {} 分）",
                        node.code,
                        node.label,
                        fmt2(own),
                        format_decimal(node.weight),
                        fmt2(lost)
                    )
                }
            })
            .collect();
        out.push(format!("失分最多：{}", parts.join("；")));
    }
    out
}

/// The lines of node `n` and its children; `layout` is the name column's width and the
/// highest score of every node ([`Evaluation::attainable_nodes`]).
fn node_lines(
    ev: &Evaluation,
    s: &TownScore,
    n: usize,
    layout: (usize, &[Decimal]),
    out: &mut Vec<String>,
) {
    let (width, reach) = layout;
    let node = &ev.nodes[n];
    let indent = "  ".repeat(node.depth - 1);
    let name = format!("{indent}{} {}", node.code, node.label);
    let pad = width.saturating_sub(UnicodeWidthStr::width(name.as_str()));
    let mut line = format!(
        "{name}{}  {} / {}",
        " ".repeat(pad),
        node_score(ev, s, s.nodes[n]),
        format_decimal(node.weight)
    );
    if reach[n] < node.weight {
        line.push_str(&format!(
            "  （按下级指标的权重，本项最高可得 {}）",
            format_decimal(reach[n])
        ));
    }
    if s.capped[n] {
        let sum: Decimal = node.children.iter().map(|&c| ev.nodes[c].weight).sum();
        line.push_str(&format!(
            "  （封顶：下级合计可达 {}，按本级权重 {} 计）",
            format_decimal(sum),
            format_decimal(node.weight)
        ));
    }
    match &node.scoring {
        Scoring::FullWhen(c) if node.leaf.is_some() => {
            line.push_str(&format!("  〔满足 {} 得满分〕", c.text))
        }
        Scoring::Formula(c) if node.leaf.is_some() => {
            line.push_str(&format!("  〔按公式 {}〕", c.text))
        }
        _ => {}
    }
    out.push(line);
    for &c in &node.children {
        node_lines(ev, s, c, layout, out);
    }
}

/// The `"score"` object of the JSON report.
pub fn score_json(e: &Evaluator<'_>, s: &TownScore) -> Value {
    let Some(ev) = e.rules.evaluation.as_ref() else {
        return Value::Null;
    };
    let nodes: Vec<Value> = ev
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "code": n.code,
                "label": n.label,
                "weight": n.weight.to_string(),
                "score": s.nodes[i].map(|d| d.to_string()),
                "capped": s.capped[i],
            })
        })
        .collect();
    let shown = s.total.map(|t| shown_total(ev, t));
    let next = s.total.and_then(|t| ev.next_grade(t)).map(|n| {
        json!({
            "grade": ev.grades.get(n.grade).map(|g| g.name.clone()),
            "bound": n.bound.to_string(),
            "inclusive": n.inclusive,
            "distance": n.distance.to_string(),
            "text": next_grade_text(ev, &n),
        })
    });
    json!({
        "total": s.total.map(|d| d.to_string()),
        "total_display": shown.as_ref().map(|(v, _)| v.clone()),
        "total_display_kept_in_grade": shown.as_ref().map(|&(_, kept)| kept),
        "next_grade": next,
        "grade": s.grade.and_then(|g| ev.grades.get(g)).map(|g| g.name.clone()),
        "undetermined": s.undetermined,
        "experts": s.experts.iter().map(|x| json!({
            "expert": x.expert,
            "total": x.total.map(|d| d.to_string()),
            "missing": x.missing.iter().map(|&n| ev.nodes[n].code.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "nodes": nodes,
        "shortfalls": s.shortfalls.iter().map(|&(n, lost)| json!({"code": ev.nodes[n].code, "lost": lost.to_string()})).collect::<Vec<_>>(),
    })
}
