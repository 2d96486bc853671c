//! The impact section of the text report: towns whose outcome or grade differs.

use std::fmt::Write as _;

use super::impact::{GradeChange, Impact, TownChange};
use super::render::{table, Sections};
use crate::eval::Status;
use crate::report::{outcome_zh, status_zh};

fn status_or_absent(s: Option<Status>, side: &str) -> String {
    match s {
        Some(s) => status_zh(s).to_string(),
        None => format!("（{side}标准无此条）"),
    }
}

fn grade(g: &Option<String>) -> String {
    g.clone().unwrap_or_else(|| "待定".to_string())
}

/// A total that is the same on both sides, shown once: as both sides show it when they
/// agree, else exactly (each side keeps the shown value inside its own bands, and the
/// bands differ).
fn same_total(g: &GradeChange) -> String {
    match g.old_total {
        Some(t) if g.old_shown != g.new_shown => crate::units::format_decimal(t),
        _ => g.old_shown.clone(),
    }
}

fn grade_cell(g: &Option<GradeChange>) -> String {
    match g {
        Some(g) if g.old_total == g.new_total => format!(
            "等级 {} → {}（总分 {} 未变，分数段不同）",
            grade(&g.old),
            grade(&g.new),
            same_total(g)
        ),
        Some(g) => format!(
            "等级 {} → {}（总分 {} → {}）",
            grade(&g.old),
            grade(&g.new),
            g.old_shown,
            g.new_shown
        ),
        None => String::new(),
    }
}

pub(super) fn impact_section(s: &mut Sections, i: &Impact) {
    let what = if i.graded {
        "认定结论或等级"
    } else {
        "认定结论"
    };
    s.head(&format!("对城镇的影响（{}，共 {} 个镇）", i.file, i.total));
    for (_, label, in_new) in &i.one_sided_facts {
        let (has, lacks) = if *in_new {
            ("新", "旧")
        } else {
            ("旧", "新")
        };
        let _ = writeln!(
            s.out,
            "  事实“{label}”只有{has}规则集有：{lacks}规则集不读该列，{lacks}标准下的结论与此列无关"
        );
    }
    if i.towns.is_empty() {
        let _ = writeln!(s.out, "  没有镇的{what}发生变化");
    } else {
        changed_towns(s, i, what);
    }
    if !i.criteria_only.is_empty() {
        let _ = writeln!(
            s.out,
            "\n  {what}不变、但认定标准的判断有变化：{} 个镇",
            i.criteria_only.len()
        );
        towns(s, i, &i.criteria_only);
    }
}

fn changed_towns(s: &mut Sections, i: &Impact, what: &str) {
    let _ = writeln!(s.out, "  {what}变化：{} 个镇", i.towns.len());
    let mut rows: Vec<Vec<String>> = i
        .transitions
        .iter()
        .map(|(o, n, k)| {
            vec![
                outcome_zh(*o).to_string(),
                "→".into(),
                outcome_zh(*n).to_string(),
                format!("{k} 个"),
            ]
        })
        .collect();
    rows.extend(i.grade_transitions.iter().map(|(o, n, k)| {
        vec![
            format!("等级 {}", grade(o)),
            "→".into(),
            grade(n),
            format!("{k} 个"),
        ]
    }));
    s.out.push_str(&table(&rows, "    "));
    let _ = writeln!(s.out);
    towns(s, i, &i.towns);
}

/// Each town with the criteria (and indicators) whose status (score) differs.
fn towns(s: &mut Sections, i: &Impact, ts: &[TownChange]) {
    let rows: Vec<Vec<String>> = ts
        .iter()
        .map(|t| {
            let outcome = match (i.criteria, t.old == t.new) {
                (false, _) => String::new(),
                (true, true) => format!("结论不变（{}）", outcome_zh(t.old)),
                (true, false) => format!("{} → {}", outcome_zh(t.old), outcome_zh(t.new)),
            };
            vec![t.name.clone(), t.id.clone(), outcome, grade_cell(&t.grade)]
        })
        .collect();
    let rendered = table(&rows, "  ");
    for (line, t) in rendered.lines().zip(ts) {
        let _ = writeln!(s.out, "{line}");
        let mut rows: Vec<Vec<String>> = t
            .because
            .iter()
            .map(|c| {
                vec![
                    c.label.clone(),
                    c.criterion.clone(),
                    status_or_absent(c.old, "旧"),
                    "→".into(),
                    status_or_absent(c.new, "新"),
                ]
            })
            .collect();
        let mut notes: Vec<&[String]> = t.because.iter().map(|c| c.why.as_slice()).collect();
        if let Some(g) = &t.grade {
            for d in &g.indicators {
                rows.push(vec![
                    d.label.clone(),
                    d.code.clone(),
                    d.old_shown.clone(),
                    "→".into(),
                    d.new_shown.clone(),
                ]);
                notes.push(&[]);
            }
        }
        let rendered = table(&rows, "      ");
        for (line, ns) in rendered.lines().zip(notes) {
            let _ = writeln!(s.out, "{line}");
            for w in ns {
                let _ = writeln!(s.out, "          {w}");
            }
        }
    }
}
