//! Comparing evaluation indicator systems: the system itself, indicators by code
//! (label, weight, place in the tree, how scored, how children combine) and grade
//! bands by name (bounds, with the direction when it can be told).

use rust_decimal::Decimal;

use super::canon::canon;
use super::{Change, ChangeKind, Direction};
use crate::check::{Aggregate, GradeBand};
use crate::compile::{Evaluation, Indicator, RuleSet, Scoring};
use crate::units::format_decimal;

fn some(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// A band as people write it: `>= 90`, `[75, 90)`, `< 60`.
pub fn band_text(g: &GradeBand) -> String {
    match (g.lower, g.upper) {
        (Some((v, inc)), None) => format!("{} {}", if inc { ">=" } else { ">" }, format_decimal(v)),
        (None, Some((v, inc))) => format!("{} {}", if inc { "<=" } else { "<" }, format_decimal(v)),
        (Some((a, ai)), Some((b, bi))) => format!(
            "{}{}, {}{}",
            if ai { "[" } else { "(" },
            format_decimal(a),
            format_decimal(b),
            if bi { "]" } else { ")" }
        ),
        (None, None) => "任意分数".to_string(),
    }
}

/// How a change of band moves the grade: a higher lower bound makes the grade harder to
/// reach; for the bottom band (no lower bound) a higher upper bound puts more towns in it.
fn band_direction(a: &GradeBand, b: &GradeBand) -> Option<Direction> {
    // (value, included): a bound that excludes its value is a little higher.
    let key = |x: Option<(Decimal, bool)>| x.map(|(v, inc)| (v, !inc));
    if a.lower != b.lower {
        return Some(match (key(a.lower), key(b.lower)) {
            (Some(x), Some(y)) if y > x => Direction::Stricter,
            (Some(_), Some(_)) => Direction::Looser,
            (None, Some(_)) => Direction::Stricter,
            (Some(_), None) => Direction::Looser,
            (None, None) => Direction::Undecidable,
        });
    }
    if a.upper != b.upper {
        if a.lower.is_none() {
            return Some(match (a.upper, b.upper) {
                (Some(x), Some(y)) if y > x => Direction::Stricter,
                (Some(_), Some(_)) => Direction::Looser,
                _ => Direction::Undecidable,
            });
        }
        return Some(Direction::Undecidable);
    }
    None
}

fn scoring_text(rs: &RuleSet, s: &Scoring) -> (String, Option<String>) {
    match s {
        Scoring::Expert => ("专家评分".into(), None),
        Scoring::FullWhen(c) => (
            format!("满足条件得满分：{}", c.text),
            Some(format!("full:{}", canon(rs, c.node))),
        ),
        Scoring::Formula(c) => (
            format!("公式：{}", c.text),
            Some(format!("formula:{}", canon(rs, c.node))),
        ),
    }
}

fn aggregate_zh(a: Aggregate) -> &'static str {
    match a {
        Aggregate::SumCapped => "求和（不超过本级权重）",
        Aggregate::Geometric => "加权几何平均",
    }
}

fn parent_code(ev: &Evaluation, n: &Indicator) -> String {
    n.parent
        .and_then(|p| ev.nodes.get(p))
        .map_or_else(|| "（一级指标）".to_string(), |p| p.code.clone())
}

fn indicators(
    old: &RuleSet,
    new: &RuleSet,
    ea: &Evaluation,
    eb: &Evaluation,
    out: &mut Vec<Change>,
) {
    for n in &ea.nodes {
        if !eb.nodes.iter().any(|x| x.code == n.code) {
            let mut ch = Change::new(ChangeKind::IndicatorRemoved, &n.code, &n.label);
            ch.old = Some(format!("权重 {}", format_decimal(n.weight)));
            ch.old_value = Some(n.weight);
            out.push(ch);
        }
    }
    for n in &eb.nodes {
        if !ea.nodes.iter().any(|x| x.code == n.code) {
            let mut ch = Change::new(ChangeKind::IndicatorAdded, &n.code, &n.label);
            ch.new = Some(format!("权重 {}", format_decimal(n.weight)));
            ch.new_value = Some(n.weight);
            out.push(ch);
        }
    }
    for a in &ea.nodes {
        let Some(b) = eb.nodes.iter().find(|x| x.code == a.code) else {
            continue;
        };
        let field = |f: &str, o: String, n: String| {
            let mut ch = Change::new(ChangeKind::IndicatorChanged, &a.code, &b.label);
            ch.field = Some(f.to_string());
            ch.old = some(o);
            ch.new = some(n);
            ch
        };
        if a.label != b.label {
            out.push(field("label", a.label.clone(), b.label.clone()));
        }
        if a.weight != b.weight {
            let mut ch = field("weight", format_decimal(a.weight), format_decimal(b.weight));
            ch.old_value = Some(a.weight);
            ch.new_value = Some(b.weight);
            out.push(ch);
        }
        let (pa, pb) = (parent_code(ea, a), parent_code(eb, b));
        if pa != pb {
            out.push(field("parent", pa, pb));
        }
        let is_leaf = |n: &Indicator| n.children.is_empty();
        if is_leaf(a) && is_leaf(b) {
            let ((ta, ka), (tb, kb)) =
                (scoring_text(old, &a.scoring), scoring_text(new, &b.scoring));
            // `weight` in a formula is the indicator's weight: a new weight alone already says it.
            if ka != kb && !(ta == tb && a.weight != b.weight) {
                out.push(field("scoring", ta, tb));
            }
        } else if !is_leaf(a) && !is_leaf(b) && a.aggregate != b.aggregate {
            out.push(field(
                "aggregate",
                aggregate_zh(a.aggregate).into(),
                aggregate_zh(b.aggregate).into(),
            ));
        }
    }
}

fn grades(ea: &Evaluation, eb: &Evaluation, out: &mut Vec<Change>) {
    for g in &ea.grades {
        if !eb.grades.iter().any(|x| x.name == g.name) {
            let mut ch = Change::new(ChangeKind::GradeRemoved, &g.name, &g.name);
            ch.old = Some(band_text(g));
            out.push(ch);
        }
    }
    for g in &eb.grades {
        if !ea.grades.iter().any(|x| x.name == g.name) {
            let mut ch = Change::new(ChangeKind::GradeAdded, &g.name, &g.name);
            ch.new = Some(band_text(g));
            out.push(ch);
        }
    }
    for a in &ea.grades {
        let Some(b) = eb.grades.iter().find(|x| x.name == a.name) else {
            continue;
        };
        if a != b {
            let mut ch = Change::new(ChangeKind::GradeChanged, &a.name, &a.name);
            ch.field = Some("band".into());
            ch.old = Some(band_text(a));
            ch.new = Some(band_text(b));
            ch.direction = band_direction(a, b);
            out.push(ch);
        }
    }
}

/// Differences of the evaluation indicator systems: the system (present, title, total,
/// formula, clause, grade table), indicators matched by code and grade bands by name.
pub fn diff_evaluation(old: &RuleSet, new: &RuleSet) -> Vec<Change> {
    let mut out = Vec::new();
    match (&old.evaluation, &new.evaluation) {
        (None, None) => {}
        (Some(a), None) => {
            let mut ch = Change::new(ChangeKind::Evaluation, &a.id, &a.label);
            ch.field = Some("system".into());
            ch.old = Some(a.label.clone());
            ch.notes.push(format!(
                "新规则集没有评价指标体系（旧：{} 个指标）",
                a.nodes.len()
            ));
            out.push(ch);
        }
        (None, Some(b)) => {
            let mut ch = Change::new(ChangeKind::Evaluation, &b.id, &b.label);
            ch.field = Some("system".into());
            ch.new = Some(b.label.clone());
            ch.notes.push(format!(
                "旧规则集没有评价指标体系（新：{} 个指标）",
                b.nodes.len()
            ));
            out.push(ch);
        }
        (Some(a), Some(b)) => {
            let fields = |e: &Evaluation| {
                [
                    ("id", e.id.clone()),
                    ("label", e.label.clone()),
                    ("total", format_decimal(e.total)),
                    ("formula", e.formula.clone()),
                    ("clause", e.clause.clone().unwrap_or_default()),
                    ("grades_label", e.grades_label.clone()),
                    ("grades_clause", e.grades_clause.clone().unwrap_or_default()),
                ]
            };
            for ((f, x), (_, y)) in fields(a).into_iter().zip(fields(b)) {
                if x != y {
                    let mut ch = Change::new(ChangeKind::Evaluation, &b.id, &b.label);
                    ch.field = Some(f.to_string());
                    ch.old = some(x);
                    ch.new = some(y);
                    out.push(ch);
                }
            }
            indicators(old, new, a, b, &mut out);
            grades(a, b, &mut out);
        }
    }
    out
}

/// The Chinese name of a field of an evaluation-system change.
pub fn field_zh(f: &str) -> &'static str {
    match f {
        "system" => "评价指标体系",
        "id" => "编号",
        "label" => "名称",
        "total" => "总分",
        "formula" => "总分公式",
        "clause" => "条款",
        "grades_label" => "等级表名称",
        "grades_clause" => "等级表条款",
        "weight" => "权重",
        "parent" => "上级指标",
        "scoring" => "计分方式",
        "aggregate" => "下级合成方式",
        "band" => "分数段",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(lower: Option<(i64, bool)>, upper: Option<(i64, bool)>) -> GradeBand {
        GradeBand {
            name: "x".into(),
            lower: lower.map(|(v, i)| (Decimal::from(v), i)),
            upper: upper.map(|(v, i)| (Decimal::from(v), i)),
        }
    }

    #[test]
    fn bands() {
        let good = band(Some((75, true)), Some((90, false)));
        assert_eq!(band_text(&good), "[75, 90)");
        assert_eq!(band_text(&band(None, Some((60, false)))), "< 60");
        let higher = band(Some((80, true)), Some((90, false)));
        assert_eq!(band_direction(&good, &higher), Some(Direction::Stricter));
        assert_eq!(band_direction(&higher, &good), Some(Direction::Looser));
        let exclusive = band(Some((75, false)), Some((90, false)));
        assert_eq!(band_direction(&good, &exclusive), Some(Direction::Stricter));
        let fail = band(None, Some((60, false)));
        let fail65 = band(None, Some((65, false)));
        assert_eq!(band_direction(&fail, &fail65), Some(Direction::Stricter));
        assert_eq!(band_direction(&good, &good), None);
    }
}
