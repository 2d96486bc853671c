//! Indicator-system scores as text and JSON: experts, mean, grade, the tree with caps,
//! contributions and the largest shortfalls.

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Value};
use unicode_width::UnicodeWidthStr;

use crate::compile::{Evaluation, Scoring};
use crate::eval::{Evaluator, TownScore};
use crate::units::format_decimal;

/// A score for display: two decimals, half away from zero (computation never rounds).
pub fn fmt2(d: Decimal) -> String {
    format!(
        "{:.2}",
        d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    )
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
        opt2(s.total),
        if clause.is_empty() {
            String::new()
        } else {
            format!("（{clause}）")
        }
    ));
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
    let width = ev
        .nodes
        .iter()
        .map(|n| UnicodeWidthStr::width(n.label.as_str()) + n.code.len() + 2 * n.depth)
        .max()
        .unwrap_or(20)
        .min(60);
    for &r in &ev.roots {
        node_lines(ev, s, r, width, &mut out);
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
                    fmt2(v),
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
                format!(
                    "{} {}（失 {} 分，满分 {}）",
                    node.code,
                    node.label,
                    fmt2(lost),
                    format_decimal(node.weight)
                )
            })
            .collect();
        out.push(format!("失分最多：{}", parts.join("；")));
    }
    out
}

fn node_lines(ev: &Evaluation, s: &TownScore, n: usize, width: usize, out: &mut Vec<String>) {
    let node = &ev.nodes[n];
    let indent = "  ".repeat(node.depth - 1);
    let name = format!("{indent}{} {}", node.code, node.label);
    let pad = width.saturating_sub(UnicodeWidthStr::width(name.as_str()));
    let mut line = format!(
        "{name}{}  {} / {}",
        " ".repeat(pad),
        opt2(s.nodes[n]),
        format_decimal(node.weight)
    );
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
        node_lines(ev, s, c, width, out);
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
    json!({
        "total": s.total.map(|d| d.to_string()),
        "total_display": s.total.map(fmt2),
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
