//! Formatting for the REPL's output: values, parameters, towns, aligned columns.

use unicode_width::UnicodeWidthStr;

use super::engine::Verdict;
use super::session::TownChange;
use crate::check::{Const, Kind, ParamInfo, ParamValue};
use crate::compile::RuleSet;
use crate::data::Towns;
use crate::eval::V;
use crate::units::{self, MoneyUnit};

/// `s` padded with spaces to display width `width` (CJK characters count two).
pub fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    for _ in UnicodeWidthStr::width(s)..width {
        out.push(' ');
    }
    out
}

/// Display width of `s`.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Rows of cells as aligned columns (two spaces between columns, no trailing spaces).
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                line.push_str(&pad(c, widths[i]));
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The measure word at the end of a count literal (`10户` → `户`, `1.5万人` → `人`).
pub fn measure_of(written: &str) -> &str {
    let word =
        written.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c.is_whitespace());
    word.strip_prefix(['万', '亿']).unwrap_or(word)
}

/// The measure word of a count parameter, from the literal written in its file, else
/// as declared (`param min_jobs : count 人`).
pub fn param_measure(p: &ParamInfo) -> String {
    p.history
        .iter()
        .filter(|v| v.file != usize::MAX)
        .filter_map(|v| v.written.as_deref())
        .map(|w| measure_of(w).to_string())
        .next_back()
        .or_else(|| p.measure.clone())
        .unwrap_or_default()
}

/// A constant of `kind` for people: `19亿元`, `30%`, `8户`, `是`, `制造业`.
pub fn constant(rs: &RuleSet, p: &ParamInfo, c: Const, unit: Option<MoneyUnit>) -> String {
    match (c, p.kind) {
        (Const::Num(d), Kind::Money) => {
            units::format_money(d, unit.unwrap_or_else(|| units::best_money_unit(d)))
        }
        (Const::Num(d), Kind::Percent) => units::format_percent(d),
        (Const::Num(d), Kind::Count) => format!("{}{}", units::format_decimal(d), param_measure(p)),
        (Const::Num(d), _) => units::format_decimal(d),
        (Const::Bool(b), _) => if b { "是" } else { "否" }.to_string(),
        (Const::Member(m), Kind::Category(s)) => rs
            .categories
            .get(s)
            .and_then(|set| set.members.get(m as usize))
            .map(|x| x.label.clone())
            .unwrap_or_else(|| m.to_string()),
        (Const::Member(m), _) => m.to_string(),
    }
}

/// One value of a parameter's history for people, `未设定` for a draft parameter.
pub fn param_value(rs: &RuleSet, p: &ParamInfo, v: Option<&ParamValue>) -> String {
    match v.and_then(|v| v.value.map(|c| (c, v.unit))) {
        Some((c, unit)) => constant(rs, p, c, unit),
        None => "未设定".to_string(),
    }
}

/// The kind and unit of a parameter in words: `金额（亿元）`, `计数（户）`, `百分比`.
pub fn param_unit(rs: &RuleSet, p: &ParamInfo) -> String {
    match p.kind {
        Kind::Money => {
            let u = file_value(p)
                .and_then(|v| v.unit)
                .unwrap_or(MoneyUnit::Yi)
                .suffix();
            format!("金额（{u}）")
        }
        Kind::Percent => "百分比".to_string(),
        Kind::Count => match param_measure(p) {
            m if m.is_empty() => "计数".to_string(),
            m => format!("计数（{m}）"),
        },
        Kind::Number => "数值".to_string(),
        Kind::Bool => "是/否".to_string(),
        Kind::Category(s) => match rs.categories.get(s) {
            Some(set) => format!("类别（{}）", set.label),
            None => "类别".to_string(),
        },
        Kind::Text => "文本".to_string(),
        Kind::Ratio => "比例".to_string(),
        Kind::Points => "百分点".to_string(),
        Kind::PerUnit => "人均金额".to_string(),
    }
}

/// The value the rule files give a parameter (the last one not set in the session; of
/// dated values, the one in force at the session's date).
pub fn file_value(p: &ParamInfo) -> Option<&ParamValue> {
    if p.is_dated() {
        let mut files = p.clone();
        super::session::clear_tail(&mut files);
        let cur = files.current()?;
        let i = files.history.iter().position(|v| std::ptr::eq(v, cur))?;
        return p.history.get(i);
    }
    p.history.iter().rev().find(|v| v.file != usize::MAX)
}

/// A fact's value for people, in the fact's display unit.
pub fn fact_value(rs: &RuleSet, f: usize, v: V) -> String {
    let Some(fact) = rs.facts.get(f) else {
        return String::new();
    };
    match v {
        V::Unknown => "（缺失）".to_string(),
        V::Fault(f) => format!("（{}）", f.message()),
        V::Bool(b) => if b { "是" } else { "否" }.to_string(),
        V::Cat(m) => match fact.kind {
            Kind::Category(s) => rs
                .categories
                .get(s)
                .and_then(|set| set.members.get(m as usize))
                .map(|x| x.label.clone())
                .unwrap_or_else(|| m.to_string()),
            _ => m.to_string(),
        },
        V::Num(d) => match fact.kind {
            Kind::Money => units::format_money(d, fact.money_unit),
            Kind::Percent => units::format_percent(d),
            Kind::Count => format!(
                "{}{}",
                units::format_decimal(d),
                fact.measure.as_deref().unwrap_or("")
            ),
            _ => units::format_decimal(d),
        },
    }
}

/// `e02_output_19_99 乙镇` — a town by id and name.
pub fn town(towns: &Towns, row: usize) -> String {
    let (id, name) = (&towns.ids[row], &towns.names[row]);
    if id == name {
        id.to_string()
    } else {
        format!("{id}  {name}")
    }
}

/// `认定 11 个，不予认定 13 个，待定 4 个`, with the change from `before` when given.
pub fn counts(now: [usize; 3], before: Option<[usize; 3]>) -> String {
    let labels = ["认定", "不予认定", "待定"];
    let parts: Vec<String> = (0..3)
        .map(|i| {
            let delta = before.map_or(0, |b| now[i] as i64 - b[i] as i64);
            match delta {
                0 => format!("{} {} 个", labels[i], now[i]),
                d => format!("{} {} 个（{d:+}）", labels[i], now[i]),
            }
        })
        .collect();
    parts.join("，")
}

/// The towns whose verdict changed, one line each (at most `limit` lines).
pub fn flips(
    rs: &RuleSet,
    towns: &Towns,
    flips: &[TownChange],
    facts: &[usize],
    ev: &crate::eval::Evaluator<'_>,
    limit: usize,
) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for f in flips.iter().take(limit) {
        let why: Vec<String> = f
            .criteria
            .iter()
            .map(|&(c, a, b)| {
                format!(
                    "{}：{} → {}",
                    rs.criteria[c].label,
                    crate::report::status_zh(a),
                    crate::report::status_zh(b)
                )
            })
            .collect();
        let vals: Vec<String> = facts
            .iter()
            .map(|&x| {
                format!(
                    "{} {}",
                    rs.facts[x].label,
                    fact_value(rs, x, ev.fact(x, f.row))
                )
            })
            .collect();
        let mut note = why.join("；");
        if !vals.is_empty() {
            note.push_str(&format!("（{}）", vals.join("，")));
        }
        rows.push(vec![
            format!("  {}", &towns.ids[f.row]),
            towns.names[f.row].to_string(),
            verdict_change(rs, f.before, f.after),
            note,
        ]);
    }
    let mut out = table(&rows);
    if flips.len() > limit {
        out.push_str(&format!(
            "  ……另有 {} 个镇（`changes` 列出全部）\n",
            flips.len() - limit
        ));
    }
    out
}

/// A verdict in Chinese: `不予认定`, or with an indicator system `认定，等级 良好`
/// (only the grade when the rule set has no criteria).
pub fn verdict_zh(rs: &RuleSet, v: Verdict) -> String {
    let mut parts = Vec::new();
    if !rs.criteria.is_empty() || v.grade.is_none() {
        parts.push(crate::report::outcome_zh(v.outcome).to_string());
    }
    if let Some(g) = v.grade {
        let name = g.and_then(|i| {
            rs.evaluation
                .as_ref()
                .and_then(|e| e.grades.get(usize::from(i)))
                .map(|b| b.name.clone())
        });
        parts.push(match name {
            Some(n) => format!("等级 {n}"),
            None => "等级待定".to_string(),
        });
    }
    parts.join("，")
}

/// `不予认定 → 认定`.
pub fn verdict_change(rs: &RuleSet, a: Verdict, b: Verdict) -> String {
    format!("{} → {}", verdict_zh(rs, a), verdict_zh(rs, b))
}
