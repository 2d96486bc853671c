//! The diff as Chinese text (grouped, aligned) or as JSON.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use super::compare::{header_field_zh, target_field_zh};
use super::impact::Impact;
use super::side::Side;
use super::{Change, ChangeKind, Direction, RuleDiff};
use crate::check::level_zh;

/// Cells wider than this (in columns) do not widen their column; they overflow.
const MAX_CELL: usize = 44;

/// Columns aligned by display width (CJK characters count two); the last column is
/// not padded.
pub(super) fn table(rows: &[Vec<String>], indent: &str) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            let w = UnicodeWidthStr::width(c.as_str());
            if w <= MAX_CELL {
                widths[i] = widths[i].max(w);
            }
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = indent.to_string();
        for (i, c) in r.iter().enumerate() {
            line.push_str(c);
            if i + 1 < r.len() {
                let pad = widths[i].saturating_sub(UnicodeWidthStr::width(c.as_str()));
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub(super) fn dir_zh(d: Option<Direction>) -> String {
    d.map(|d| d.zh().to_string()).unwrap_or_default()
}

fn side_line(s: &Side) -> String {
    let h = &s.rules.header;
    let mut meta = Vec::new();
    if !h.document.is_empty() {
        meta.push(h.document.clone());
    }
    if !h.level.is_empty() {
        meta.push(level_zh(&h.level).to_string());
    }
    if !h.date.is_empty() {
        meta.push(h.date.clone());
    }
    let mut line = format!("{}  {}", s.spec, h.title);
    if !meta.is_empty() {
        line.push_str(&format!("（{}）", meta.join("，")));
    }
    if let Some((rev, commit)) = &s.revision {
        let short: String = commit.chars().take(10).collect();
        line.push_str(&format!("  [git {rev} = {short}]"));
    }
    line
}

/// The changes of these kinds, in the order the kinds are given.
pub(super) fn of_kind<'a>(d: &'a RuleDiff, kinds: &[ChangeKind]) -> Vec<&'a Change> {
    kinds
        .iter()
        .flat_map(|k| d.changes.iter().filter(move |c| c.kind == *k))
        .collect()
}

/// A table whose rows are each followed by their notes, indented under the second column.
fn table_with_notes(rows: &[Vec<String>], notes: &[&[String]], indent: &str) -> String {
    let first = rows
        .iter()
        .map(|r| r.first().map_or(0, |c| UnicodeWidthStr::width(c.as_str())))
        .max()
        .unwrap_or(0);
    let pad = format!("{indent}{}", " ".repeat(first + 2));
    let mut out = String::new();
    for (line, ns) in table(rows, indent).lines().zip(notes) {
        out.push_str(line);
        out.push('\n');
        for n in ns.iter() {
            out.push_str(&pad);
            out.push_str(n);
            out.push('\n');
        }
    }
    out
}

pub(super) fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "（无）".into())
}

/// The text being built, with its numbered sections.
pub(super) struct Sections {
    pub(super) out: String,
    n: usize,
}

impl Sections {
    pub(super) fn head(&mut self, title: &str) {
        const NUM: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
        let num = NUM.get(self.n).copied().unwrap_or("");
        self.n += 1;
        let _ = writeln!(self.out, "\n{num}、{title}");
    }
}

/// The Chinese text report.
pub fn text(a: &Side, b: &Side, d: &RuleDiff, imp: Option<&Impact>) -> String {
    let mut s = Sections {
        out: String::new(),
        n: 0,
    };
    let _ = writeln!(s.out, "规则集语义比较（格式、注释和顺序的差别不计）");
    let _ = writeln!(s.out, "  旧：{}", side_line(a));
    let _ = writeln!(s.out, "  新：{}", side_line(b));
    if d.is_same() && imp.is_none_or(|i| i.towns.is_empty()) {
        let _ = writeln!(
            s.out,
            "\n结论：两个规则集含义相同（认定标准 {} 条、参数 {} 个、目标 {} 个逐项一致）。",
            b.rules.criteria.len(),
            b.rules.params.len(),
            b.rules.targets.len()
        );
        if let Some(i) = imp {
            let _ = writeln!(
                s.out,
                "      {}：{} 个镇的认定结论都没有变化。",
                i.file, i.total
            );
        }
        return s.out;
    }

    s.head("文件信息");
    let hs = of_kind(d, &[ChangeKind::Header]);
    if hs.is_empty() {
        let _ = writeln!(s.out, "  无变化");
    } else {
        let rows: Vec<Vec<String>> = hs
            .iter()
            .map(|c| {
                let show = |v: &Option<String>| match (c.id.as_str(), v) {
                    ("level", Some(l)) => level_zh(l).to_string(),
                    _ => opt(v),
                };
                vec![
                    header_field_zh(&c.id).to_string(),
                    show(&c.old),
                    "→".into(),
                    show(&c.new),
                ]
            })
            .collect();
        s.out.push_str(&table(&rows, "  "));
        if hs.iter().any(|c| !c.counted()) {
            let _ = writeln!(
                s.out,
                "  （“继承自”只说明文件关系，不算差异；继承的文件未写出的文件信息按被继承文件的写法比较）"
            );
        }
    }

    super::criteria_text::criteria_section(&mut s, a, b, d);
    params_section(&mut s, d);

    let th = of_kind(d, &[ChangeKind::Threshold]);
    if !th.is_empty() {
        s.head("门槛对照（同一事实的下限，两边写法不同）");
        let _ = writeln!(s.out, "  （由上面认定标准或参数的变化得出，不另计入结论）");
        let rows: Vec<Vec<String>> = th
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.label.clone(),
                    opt(&c.old),
                    "→".into(),
                    opt(&c.new),
                    dir_zh(c.direction),
                ]
            })
            .collect();
        let v = super::labels::Vocab::new(&[&b.rules, &a.rules]);
        let notes: Vec<Vec<String>> = th
            .iter()
            .map(|c| c.notes.iter().map(|n| v.text(n)).collect())
            .collect();
        let notes: Vec<&[String]> = notes.iter().map(Vec::as_slice).collect();
        s.out.push_str(&table_with_notes(&rows, &notes, "  "));
    }

    s.head("覆盖类别");
    let cov = of_kind(
        d,
        &[ChangeKind::CategoryCovered, ChangeKind::CategoryDropped],
    );
    if cov.is_empty() {
        let _ = writeln!(s.out, "  无变化");
    } else {
        let rows: Vec<Vec<String>> = cov
            .iter()
            .map(|c| {
                let (what, val) = if c.kind == ChangeKind::CategoryCovered {
                    ("新纳入", format!("门槛 {}", opt(&c.new)))
                } else {
                    ("不再覆盖", format!("原门槛 {}", opt(&c.old)))
                };
                vec![
                    c.label.clone(),
                    c.id.clone(),
                    format!("{what}（{}）", c.field.clone().unwrap_or_default()),
                    val,
                    dir_zh(c.direction),
                    c.notes.join("；"),
                ]
            })
            .collect();
        s.out.push_str(&table(&rows, "  "));
    }

    s.head("目标");
    let ts = of_kind(
        d,
        &[
            ChangeKind::TargetRemoved,
            ChangeKind::TargetAdded,
            ChangeKind::TargetChanged,
        ],
    );
    if ts.is_empty() {
        let _ = writeln!(s.out, "  无变化");
    } else {
        let rows: Vec<Vec<String>> = ts
            .iter()
            .map(|c| match c.kind {
                ChangeKind::TargetRemoved => {
                    vec!["仅旧标准有".into(), c.id.clone(), c.label.clone()]
                }
                ChangeKind::TargetAdded => vec!["仅新标准有".into(), c.id.clone(), c.label.clone()],
                _ => vec![
                    format!(
                        "{}有变化",
                        target_field_zh(c.field.as_deref().unwrap_or(""))
                    ),
                    c.id.clone(),
                    format!("{} → {}", opt(&c.old), opt(&c.new)),
                ],
            })
            .collect();
        s.out.push_str(&table(&rows, "  "));
    }

    let fs = of_kind(
        d,
        &[
            ChangeKind::FactRemoved,
            ChangeKind::FactAdded,
            ChangeKind::FactChanged,
        ],
    );
    if !fs.is_empty() {
        s.head("事实词汇");
        let rows: Vec<Vec<String>> = fs
            .iter()
            .map(|c| {
                let what = match c.kind {
                    ChangeKind::FactRemoved => "仅旧标准有",
                    ChangeKind::FactAdded => "仅新标准有",
                    _ => "有变化",
                };
                vec![
                    what.into(),
                    c.id.clone(),
                    c.label.clone(),
                    match c.kind {
                        ChangeKind::FactChanged => format!("{} → {}", opt(&c.old), opt(&c.new)),
                        _ => c.old.clone().or(c.new.clone()).unwrap_or_default(),
                    },
                ]
            })
            .collect();
        s.out.push_str(&table(&rows, "  "));
    }

    super::criteria_text::wording_section(&mut s, d);
    evaluation_section(&mut s, d);

    if let Some(i) = imp {
        super::impact_text::impact_section(&mut s, i);
    }

    let _ = writeln!(s.out);
    if d.is_same() {
        let _ = writeln!(s.out, "结论：两个规则集含义相同。");
    } else if d.same_meaning() {
        let _ = writeln!(
            s.out,
            "结论：两个规则集含义相同，措辞有 {} 处变化（见“措辞变化”，不影响认定）。",
            d.counted().count()
        );
    } else {
        let groups: [(&str, &[ChangeKind]); 8] = [
            ("文件信息", &[ChangeKind::Header]),
            (
                "认定标准",
                &[
                    ChangeKind::CriterionAdded,
                    ChangeKind::CriterionRemoved,
                    ChangeKind::CriterionChanged,
                ],
            ),
            (
                "参数",
                &[
                    ChangeKind::ParamAdded,
                    ChangeKind::ParamRemoved,
                    ChangeKind::ParamChanged,
                ],
            ),
            (
                "覆盖类别",
                &[ChangeKind::CategoryCovered, ChangeKind::CategoryDropped],
            ),
            (
                "目标",
                &[
                    ChangeKind::TargetAdded,
                    ChangeKind::TargetRemoved,
                    ChangeKind::TargetChanged,
                ],
            ),
            (
                "事实词汇",
                &[
                    ChangeKind::FactAdded,
                    ChangeKind::FactRemoved,
                    ChangeKind::FactChanged,
                ],
            ),
            ("评价指标体系", EVALUATION_KINDS),
            ("措辞", &[ChangeKind::Wording]),
        ];
        let parts: Vec<String> = groups
            .iter()
            .map(|(name, kinds)| {
                let n = of_kind(d, kinds).iter().filter(|c| c.counted()).count();
                (name, n)
            })
            .filter(|(_, n)| *n > 0)
            .map(|(name, n)| format!("{name} {n} 处"))
            .collect();
        let count = |x: Direction| d.count(x);
        let _ = writeln!(
            s.out,
            "结论：有差异（{}）；影响认定宽严的：收紧 {} 处、放宽 {} 处、无法判断 {} 处。",
            parts.join("，"),
            count(Direction::Stricter),
            count(Direction::Looser),
            count(Direction::Undecidable)
        );
    }
    if let Some(i) = imp {
        let what = if i.graded {
            "认定结论或等级"
        } else {
            "认定结论"
        };
        let _ = write!(
            s.out,
            "      {} 个镇中有 {} 个镇的{what}不同",
            i.total,
            i.towns.len(),
        );
        if i.criteria_only.is_empty() {
            let _ = writeln!(s.out, "。");
        } else {
            let _ = writeln!(
                s.out,
                "；另有 {} 个镇{what}不变、认定标准的判断有变化。",
                i.criteria_only.len()
            );
        }
    }
    s.out
}

const EVALUATION_KINDS: &[ChangeKind] = &[
    ChangeKind::Evaluation,
    ChangeKind::IndicatorRemoved,
    ChangeKind::IndicatorAdded,
    ChangeKind::IndicatorChanged,
    ChangeKind::GradeRemoved,
    ChangeKind::GradeAdded,
    ChangeKind::GradeChanged,
];

fn evaluation_section(s: &mut Sections, d: &RuleDiff) {
    if of_kind(d, EVALUATION_KINDS).is_empty() {
        return;
    }
    s.head("评价指标体系");
    let ez = |c: &Change| super::evaluation::field_zh(c.field.as_deref().unwrap_or("")).to_string();
    let sys = of_kind(d, &[ChangeKind::Evaluation]);
    if !sys.is_empty() {
        let rows: Vec<Vec<String>> = sys
            .iter()
            .map(|c| vec![ez(c), opt(&c.old), "→".into(), opt(&c.new)])
            .collect();
        let notes: Vec<&[String]> = sys.iter().map(|c| c.notes.as_slice()).collect();
        s.out.push_str(&table_with_notes(&rows, &notes, "  "));
    }
    for (kind, title) in [
        (ChangeKind::IndicatorRemoved, "仅旧标准有的指标"),
        (ChangeKind::IndicatorAdded, "仅新标准有的指标"),
    ] {
        let cs = of_kind(d, &[kind]);
        if !cs.is_empty() {
            let _ = writeln!(s.out, "  {title}");
            let rows: Vec<Vec<String>> = cs
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        c.label.clone(),
                        c.old.clone().or(c.new.clone()).unwrap_or_default(),
                    ]
                })
                .collect();
            s.out.push_str(&table(&rows, "    "));
        }
    }
    let cs = of_kind(d, &[ChangeKind::IndicatorChanged]);
    if !cs.is_empty() {
        let _ = writeln!(s.out, "  指标有变化");
        let rows: Vec<Vec<String>> = cs
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.label.clone(),
                    ez(c),
                    format!("{} → {}", opt(&c.old), opt(&c.new)),
                ]
            })
            .collect();
        s.out.push_str(&table(&rows, "    "));
    }
    let gs = of_kind(
        d,
        &[
            ChangeKind::GradeRemoved,
            ChangeKind::GradeAdded,
            ChangeKind::GradeChanged,
        ],
    );
    if !gs.is_empty() {
        let _ = writeln!(s.out, "  等级");
        let rows: Vec<Vec<String>> = gs
            .iter()
            .map(|c| {
                let what = match c.kind {
                    ChangeKind::GradeRemoved => "仅旧标准有".to_string(),
                    ChangeKind::GradeAdded => "仅新标准有".to_string(),
                    _ => ez(c),
                };
                vec![
                    c.id.clone(),
                    what,
                    format!("{} → {}", opt(&c.old), opt(&c.new)),
                    dir_zh(c.direction),
                ]
            })
            .collect();
        s.out.push_str(&table(&rows, "    "));
    }
}

fn params_section(s: &mut Sections, d: &RuleDiff) {
    s.head("参数（门槛值）");
    let groups = [
        (ChangeKind::ParamChanged, "数值不同"),
        (ChangeKind::ParamRemoved, "仅旧标准有"),
        (ChangeKind::ParamAdded, "仅新标准有"),
    ];
    let mut any = false;
    for (kind, title) in groups {
        let cs = of_kind(d, &[kind]);
        if cs.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(s.out, "  {title}");
        let rows: Vec<Vec<String>> = cs
            .iter()
            .map(|c| match kind {
                ChangeKind::ParamChanged => vec![
                    c.id.clone(),
                    c.label.clone(),
                    opt(&c.old),
                    "→".into(),
                    opt(&c.new),
                    dir_zh(c.direction),
                ],
                _ => vec![
                    c.id.clone(),
                    c.label.clone(),
                    c.old.clone().or(c.new.clone()).unwrap_or_default(),
                    c.notes.join("；"),
                ],
            })
            .collect();
        let notes: Vec<&[String]> = cs
            .iter()
            .map(|c| match kind {
                ChangeKind::ParamChanged => c.notes.as_slice(),
                _ => &[],
            })
            .collect();
        s.out.push_str(&table_with_notes(&rows, &notes, "    "));
    }
    match (any, d.unchanged_params) {
        (false, 0) => {
            let _ = writeln!(s.out, "  无变化");
        }
        (false, n) => {
            let _ = writeln!(s.out, "  无变化（{n} 个参数数值相同）");
        }
        (true, 0) => {}
        (true, n) => {
            let _ = writeln!(s.out, "  其余 {n} 个同名参数数值相同");
        }
    }
}
