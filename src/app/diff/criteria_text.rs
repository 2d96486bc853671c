//! The criteria section of the text report.

use std::fmt::Write as _;

use super::labels::Vocab;
use super::render::{dir_zh, of_kind, opt, table, Sections};
use super::side::Side;
use super::{Change, ChangeKind, RuleDiff};

fn field_zh(f: &str) -> &'static str {
    match f {
        "label" => "名称",
        "clause" => "条款",
        "condition" => "条件",
        "applies" => "适用范围",
        "priority" => "优先评定",
        _ => "",
    }
}

pub(super) fn criteria_section(s: &mut Sections, a: &Side, b: &Side, d: &RuleDiff) {
    s.head(&format!(
        "认定标准（旧 {} 条，新 {} 条，相同 {} 条）",
        a.rules.criteria.len(),
        b.rules.criteria.len(),
        d.unchanged_criteria.len()
    ));
    let v = Vocab::new(&[&b.rules, &a.rules]);
    let mut any = false;
    for (kind, title) in [
        (
            ChangeKind::CriterionRemoved,
            "仅旧标准有（新标准没有此条：放宽）",
        ),
        (ChangeKind::CriterionAdded, "仅新标准有（新增此条：收紧）"),
    ] {
        let cs = of_kind(d, &[kind]);
        if cs.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(s.out, "  {title}");
        let rows: Vec<Vec<String>> = cs
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.label.clone(),
                    c.notes.join(" "),
                    v.text(c.old.as_deref().or(c.new.as_deref()).unwrap_or_default()),
                ]
            })
            .collect();
        s.out.push_str(&table(&rows, "    "));
    }
    let changed = of_kind(d, &[ChangeKind::CriterionChanged]);
    let mut ids: Vec<&str> = Vec::new();
    for c in &changed {
        if !ids.contains(&c.id.as_str()) {
            ids.push(&c.id);
        }
    }
    let of_id =
        |id: &str| -> Vec<&Change> { changed.iter().copied().filter(|c| c.id == id).collect() };
    let clause_only: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| {
            of_id(id)
                .iter()
                .all(|c| c.field.as_deref() == Some("clause"))
        })
        .collect();
    if !clause_only.is_empty() {
        any = true;
        let _ = writeln!(s.out, "  两边都有、只是条款编号不同");
        let rows: Vec<Vec<String>> = clause_only
            .iter()
            .flat_map(|id| of_id(id))
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.label.clone(),
                    format!("{} → {}", opt(&c.old), opt(&c.new)),
                ]
            })
            .collect();
        s.out.push_str(&table(&rows, "    "));
    }
    let detailed: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| !clause_only.contains(id))
        .collect();
    if !detailed.is_empty() {
        any = true;
        let _ = writeln!(s.out, "  两边都有、内容有变化");
        for id in detailed {
            let cs = of_id(id);
            let label = cs.first().map_or("", |c| c.label.as_str());
            let _ = writeln!(s.out, "    {id}  {label}");
            let rows: Vec<Vec<String>> = cs
                .iter()
                .map(|c| {
                    let f = c.field.as_deref().unwrap_or("");
                    let (old, new) = (opt(&c.old), opt(&c.new));
                    let (old, new) = match f {
                        "condition" | "applies" | "priority" => (v.text(&old), v.text(&new)),
                        _ => (old, new),
                    };
                    vec![
                        field_zh(f).to_string(),
                        format!("{old} → {new}"),
                        dir_zh(c.direction),
                    ]
                })
                .collect();
            let rendered = table(&rows, "      ");
            for (line, c) in rendered.lines().zip(&cs) {
                let _ = writeln!(s.out, "{line}");
                for n in &c.notes {
                    let _ = writeln!(s.out, "          {}", v.text(n));
                }
            }
        }
    }
    if !any {
        let _ = writeln!(s.out, "  无变化");
    } else if !d.unchanged_criteria.is_empty() {
        let _ = writeln!(s.out, "  相同：{}", d.unchanged_criteria.join("、"));
    }
}

/// The wording changes: quotations and requirements worded differently, meaning the same.
pub(super) fn wording_section(s: &mut Sections, d: &RuleDiff) {
    let ws = of_kind(d, &[ChangeKind::Wording]);
    if ws.is_empty() {
        return;
    }
    s.head("措辞变化（引文和表述的文字，本身不影响认定，不计宽严）");
    for c in ws {
        let what = match c.field.as_deref() {
            Some("requirement") => "要求的表述",
            Some("relax_quote") => "放宽条款的原文引文",
            Some("priority_text") => "优先评定条款的原文",
            _ => "原文引文",
        };
        let what = match (&c.old, &c.new) {
            (None, Some(_)) => format!("{what}（新增）"),
            (Some(_), None) => format!("{what}（删去）"),
            _ => what.to_string(),
        };
        let _ = writeln!(s.out, "  {}  {}  {what}", c.id, c.label);
        let _ = writeln!(s.out, "      旧：{}", opt(&c.old));
        let _ = writeln!(s.out, "      新：{}", opt(&c.new));
    }
}
