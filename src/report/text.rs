//! The Chinese text report: a summary line per town, details where they matter.

use std::fmt::Write as _;

use owo_colors::OwoColorize;
use unicode_width::UnicodeWidthStr;

use super::criterion::{criterion_lines, met_summary, priority_why, reading};
use super::{outcome_zh, status_zh};

mod summary;
use crate::check::level_zh;
use crate::eval::{Evaluator, Outcome, Status, Tri};

/// Options of the text report.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions<'a> {
    /// Use colour (only on a terminal).
    pub color: bool,
    /// Show every town in detail (otherwise only towns not recognised).
    pub all_details: bool,
    /// Where the report comes from (tool, file hashes, git revision), printed in the
    /// header when given.
    pub info: Option<&'a super::RunInfo>,
}

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    let mut out = s.to_string();
    for _ in w..width {
        out.push(' ');
    }
    out
}

fn mark(s: Status, color: bool) -> String {
    let (m, txt) = match s {
        Status::Met => ("✓", status_zh(s)),
        Status::NotMet => ("✗", status_zh(s)),
        Status::Undetermined => ("?", status_zh(s)),
        Status::NotApplicable => ("–", status_zh(s)),
    };
    let t = format!("{m} {txt}");
    if !color {
        return t;
    }
    match s {
        Status::Met => t.green().to_string(),
        Status::NotMet => t.red().to_string(),
        Status::Undetermined => t.yellow().to_string(),
        Status::NotApplicable => t.dimmed().to_string(),
    }
}

/// The mark of a town recognised only through a discretionary relaxation.
pub const DISCRETIONARY_TOWN: &str = "（经放宽条款，须认定机关裁量）";

fn outcome_mark(o: Outcome, discretionary: bool, color: bool) -> String {
    let t = match o {
        Outcome::Recognized if discretionary => {
            format!("✓ {}{DISCRETIONARY_TOWN}", outcome_zh(o))
        }
        Outcome::Recognized => format!("✓ {}", outcome_zh(o)),
        Outcome::NotRecognized => format!("✗ {}", outcome_zh(o)),
        Outcome::Undetermined => format!("? {}", outcome_zh(o)),
    };
    if !color {
        return t;
    }
    match o {
        Outcome::Recognized => t.green().bold().to_string(),
        Outcome::NotRecognized => t.red().bold().to_string(),
        Outcome::Undetermined => t.yellow().bold().to_string(),
    }
}

/// The header lines naming what the report comes from: the rule file and the data with
/// their content hashes (and the rule file's git revision), the score sheets, the tool.
fn provenance_lines(o: &mut String, ev: &Evaluator<'_>, info: &super::RunInfo) {
    let stamp =
        |f: &super::FileStamp, extra: &str| format!("{}（{extra}SHA-256 {}", f.path, f.short());
    match &info.rules {
        Some(r) => {
            let rev = info
                .rules_revision
                .as_ref()
                .map(|v| format!("，git {v}"))
                .unwrap_or_default();
            let _ = writeln!(o, "规则：{}{rev}）", stamp(r, ""));
        }
        None => {
            let _ = writeln!(o, "规则：{}", ev.rules.source_file);
        }
    }
    if !info.rule_files.is_empty() {
        let files: Vec<String> = info
            .rule_files
            .iter()
            .map(|f| format!("{}）", stamp(f, "")))
            .collect();
        let _ = writeln!(o, "引用：{}", files.join("，"));
    }
    let count = format!("{} 个镇，", ev.towns.len());
    match &info.data {
        Some(d) => {
            let _ = writeln!(o, "数据：{}）", stamp(d, &count));
        }
        None => {
            let _ = writeln!(o, "数据：{}（{} 个镇）", ev.towns.file, ev.towns.len());
        }
    }
    if let Some(s) = &info.scores {
        let _ = writeln!(o, "评分表：{}）", stamp(s, ""));
    }
    let _ = writeln!(o, "生成：{}", info.tool);
}

/// The text report for `rows` (summary, then details) as one string — for the REPL,
/// rule tests and small reports. [`text_write`] streams it.
pub fn text(
    ev: &Evaluator<'_>,
    rows: &[usize],
    detail_rows: &[usize],
    opt: TextOptions<'_>,
) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = text_write(ev, rows, detail_rows, opt, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The header: title, document, what-if changes, dates, readings, provenance.
fn header(ev: &Evaluator<'_>, opt: TextOptions<'_>) -> String {
    let mut o = String::new();
    let rs = ev.rules;
    let h = &rs.header;
    let _ = writeln!(o, "{}", h.title);
    let mut meta: Vec<String> = [&h.document, &h.name]
        .into_iter()
        .filter(|x| !x.is_empty())
        .take(1)
        .cloned()
        .collect();
    if !h.level.is_empty() {
        meta.push(level_zh(&h.level).to_string());
    }
    if !h.date.is_empty() {
        meta.push(h.date.clone());
    }
    if !meta.is_empty() {
        let _ = writeln!(o, "依据：{}", meta.join("，"));
    }
    for line in what_if_lines(rs) {
        let _ = writeln!(o, "{line}");
    }
    if let Some(a) = &rs.as_of {
        // A date before the rule set's own: the thresholds then in force, which may be
        // another document's (said, so no reader takes them for this one's).
        let earlier = a.given && !h.date.is_empty() && a.date < h.date;
        let note = if earlier {
            format!("；早于本规则集的日期 {}，按当时施行的门槛评定", h.date)
        } else {
            String::new()
        };
        let _ = writeln!(o, "适用日期：{}{note}", a.text());
    }
    if let Some(y) = rs.year {
        let _ = writeln!(o, "评价年度：{y}年");
    }
    if let Some(base) = &h.extends {
        let _ = writeln!(o, "沿用：{} 的认定标准", base_document(rs, base));
    }
    if !h.note.is_empty() {
        let _ = writeln!(o, "说明：{}", h.note);
    }
    if !h.conventions.is_empty() {
        let _ = writeln!(
            o,
            "通用读法（本规则集的理解）：{}",
            h.conventions.join("；")
        );
    }
    match opt.info {
        Some(info) => provenance_lines(&mut o, ev, info),
        None => {
            let _ = writeln!(
                o,
                "规则：{}    数据：{}（{} 个镇）",
                rs.source_file,
                ev.towns.file,
                ev.towns.len()
            );
        }
    }
    let _ = writeln!(o);
    o
}

/// The text report written to `out` as it is made: the header, a summary line per
/// town (by outcome, priority towns first), totals and targets, then the details. The
/// towns are explained and formatted in parts on all cores and written in order; only
/// a sort key per town is kept in memory, never the report.
pub fn text_write(
    ev: &Evaluator<'_>,
    rows: &[usize],
    detail_rows: &[usize],
    opt: TextOptions<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let rs = ev.rules;
    out.write_all(header(ev, opt).as_bytes())?;
    let keys = summary::keys(ev, rows);
    let layout = summary::Layout::new(ev, &keys);
    out.write_all(layout.head().as_bytes())?;
    let sorted: Vec<usize> = keys.iter().map(|k| k.row).collect();
    super::write_parts(&sorted, out, |_, part, buf| {
        for &row in part {
            let r = ev.explain(row);
            buf.extend_from_slice(layout.line(ev, row, &r, opt).as_bytes());
        }
    })?;
    out.write_all(summary::totals(ev, &keys).as_bytes())?;
    if !rs.targets.is_empty() {
        let mut o = String::from("\n文件目标：\n");
        for t in &rs.targets {
            let by =
                t.by.as_deref()
                    .map(|b| format!("（期限 {b}）"))
                    .unwrap_or_default();
            let _ = writeln!(o, "  · {}{by}", t.label);
        }
        out.write_all(o.as_bytes())?;
    }
    let asked: std::collections::HashSet<usize> = detail_rows.iter().copied().collect();
    let has_criteria = !rs.criteria.is_empty();
    let detailed: Vec<usize> = keys
        .iter()
        .filter(|k| {
            let needs = if has_criteria {
                k.outcome != Outcome::Recognized || k.discretionary
            } else {
                rs.evaluation.is_some()
            };
            asked.contains(&k.row) || opt.all_details || needs
        })
        .map(|k| k.row)
        .collect();
    super::write_parts(&detailed, out, |_, part, buf| {
        for &row in part {
            let r = ev.explain(row);
            let mut o = String::from("\n");
            o.push_str(&"─".repeat(60));
            o.push('\n');
            town_detail(&mut o, ev, &r, row, opt);
            buf.extend_from_slice(o.as_bytes());
        }
    })
}

/// One town's detail: its name, id, county and category with the verdict, what would
/// change it, score lines, and every criterion's explanation (met criteria in one line
/// unless `opt.all_details`).
pub fn town_detail(
    o: &mut String,
    ev: &Evaluator<'_>,
    r: &crate::eval::TownResult,
    row: usize,
    opt: TextOptions<'_>,
) {
    let rs = ev.rules;
    let has_criteria = !rs.criteria.is_empty();
    let t = ev.towns;
    let mut about = vec![t.ids[row].to_string()];
    for fid in ["county", "category"] {
        if let Some(f) = rs.fact_index(fid) {
            let v = ev.fact(f, row);
            if v != crate::eval::V::Unknown {
                about.push(super::describe::value(rs, v, unit_of(rs, f)));
            } else if let crate::data::Column::Text(c) = &t.columns[f] {
                if let Some(s) = c.get(row) {
                    about.push(s.to_string());
                }
            }
        }
    }
    let verdict = if has_criteria {
        outcome_mark(r.outcome, r.discretionary, opt.color)
    } else {
        String::new()
    };
    let _ = writeln!(o, "{}（{}）  {verdict}", &t.names[row], about.join("，"));
    if let Some(s) = super::change::change_sentence(ev, r, row) {
        let _ = writeln!(o, "  改变结论所需：{s}");
    }
    for line in joint_lines(ev, r) {
        let _ = writeln!(o, "  {line}");
    }
    for line in set_priority_lines(ev, row) {
        let _ = writeln!(o, "  {line}");
    }
    if let Some(s) = ev.town_score(row) {
        for line in super::score_lines(ev, &s, row) {
            let _ = writeln!(o, "  {line}");
        }
    }
    for c in &r.criteria {
        let crit = &rs.criteria[c.index];
        let head = format!(
            "  {} {} {}",
            mark(c.status, opt.color),
            crit.clause,
            crit.label
        );
        if c.status == Status::Met && !opt.all_details {
            let _ = writeln!(o, "{head}：{}", met_summary(ev, c, row));
            // The readings on a line of their own, so the finding stays short.
            if let Some(r) = reading(rs, c.index) {
                let _ = writeln!(o, "      {r}");
            }
            continue;
        }
        let _ = writeln!(o, "{head}");
        for line in criterion_lines(ev, c, row) {
            let _ = writeln!(o, "      {line}");
        }
    }
}

/// The order of outcomes in the summary: recognised, not recognised, undetermined.
fn outcome_rank(o: Outcome) -> u8 {
    match o {
        Outcome::Recognized => 0,
        Outcome::NotRecognized => 1,
        Outcome::Undetermined => 2,
    }
}

/// Priority towns first, then those whose priority is unknown.
fn priority_rank(t: Tri) -> u8 {
    match t {
        Tri::True => 0,
        Tri::Unknown => 1,
        Tri::False => 2,
    }
}

/// The lines of the rule set's own priority flags for town `row` (raised or unknown).
fn set_priority_lines(ev: &Evaluator<'_>, row: usize) -> Vec<String> {
    let rs = ev.rules;
    let mut out = Vec::new();
    for (i, p) in rs.priorities.iter().enumerate() {
        let at = format!("{} {}", p.document, p.clause.as_deref().unwrap_or(""));
        let at = at.trim();
        match ev.set_priority(i, row) {
            Tri::True => out.push(format!("★ 优先评定（{at}）：{}", p.rule.label)),
            Tri::Unknown => {
                let missing: Vec<&str> = ev
                    .set_priority_missing(i, row)
                    .iter()
                    .map(|&f| rs.facts[f].label.as_str())
                    .collect();
                let why = if missing.is_empty() {
                    "计算无结果".to_string()
                } else {
                    format!("未填报{}", missing.join("、"))
                };
                out.push(format!(
                    "☆ 能否优先评定待定（{why}，不是“不优先”；{at}）：{}",
                    p.rule.label
                ));
            }
            Tri::False => {}
        }
        if !p.interpretations.is_empty() {
            if let Some(last) = out.last_mut() {
                last.push_str(&format!(
                    "（本规则集的理解：{}）",
                    p.interpretations.join("；")
                ));
            }
        }
    }
    out
}

/// The what-if mark of a report whose parameters were changed after the rule files were
/// read: 假设分析（非正式结论） and each change, old value to new.
pub fn what_if_lines(rs: &crate::compile::RuleSet) -> Vec<String> {
    let changes = rs.overrides();
    let saved = rs.saved_what_ifs();
    if changes.is_empty() && saved.is_empty() {
        return Vec::new();
    }
    let mut lines =
        vec!["假设分析（非正式结论）：以下参数不是文件的规定，而是本次假设的取值".to_string()];
    for c in changes {
        let old = c.old.unwrap_or_else(|| "未设定".to_string());
        lines.push(format!(
            "  · {}：{}为 {old}，假设为 {}",
            rs.param_title(&c.name),
            c.old_basis,
            c.new
        ));
    }
    for w in saved {
        lines.push(format!(
            "  · {}：规则文件中保存的假设值 {}（{}）",
            rs.param_title(&w.name),
            w.value,
            w.note
        ));
    }
    lines
}

/// The verdicts of a town without a category under each category, in plain words:
/// 无论产业类别为何，均不予认定 (and why, per category), or under which categories it
/// would be recognised.
pub fn joint_lines(ev: &Evaluator<'_>, r: &crate::eval::TownResult) -> Vec<String> {
    let Some(cases) = ev.joint_cases_of(r) else {
        return Vec::new();
    };
    let cases = &cases;
    let rs = ev.rules;
    let what = |case: &crate::eval::joint::JointCase| -> String {
        case.assumed
            .iter()
            .map(|&(f, m)| super::describe::value(rs, crate::eval::V::Cat(m), unit_of(rs, f)))
            .collect::<Vec<_>>()
            .join("、")
    };
    let missing: Vec<&str> = cases
        .first()
        .map(|c| {
            c.assumed
                .iter()
                .map(|&(f, _)| rs.facts[f].label.as_str())
                .collect()
        })
        .unwrap_or_default();
    let missing = missing.join("、");
    let why = |case: &crate::eval::joint::JointCase| -> String {
        let failed: Vec<String> = case
            .statuses
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                matches!(
                    s,
                    Status::NotMet | Status::NotApplicable | Status::Undetermined
                )
            })
            .map(|(c, s)| format!("{}{}", rs.criteria[c].label, status_zh(*s)))
            .collect();
        if failed.is_empty() {
            String::new()
        } else {
            format!("：{}", failed.join("、"))
        }
    };
    let mut lines = Vec::new();
    match r.outcome {
        Outcome::NotRecognized => {
            lines.push(format!("{missing}缺失：无论{missing}为何，均不予认定"));
            for case in cases {
                lines.push(format!("  若为{}，不予认定{}", what(case), why(case)));
            }
        }
        Outcome::Recognized => {
            lines.push(format!("{missing}缺失：无论{missing}为何，均予认定"));
        }
        Outcome::Undetermined => {
            lines.push(format!("{missing}缺失，结论取决于{missing}："));
            for case in cases {
                let verdict = match case.outcome {
                    Outcome::Recognized => "认定".to_string(),
                    Outcome::NotRecognized => format!("不予认定{}", why(case)),
                    Outcome::Undetermined => format!("待定{}", why(case)),
                };
                lines.push(format!("  若为{}，{verdict}", what(case)));
            }
        }
    }
    lines
}

fn unit_of(rs: &crate::compile::RuleSet, f: usize) -> super::describe::Unit {
    let _ = rs;
    let _ = f;
    super::describe::fact_unit(rs, f)
}

fn short(s: Status) -> &'static str {
    match s {
        Status::Met => "",
        Status::NotMet => "（不符合）",
        Status::Undetermined => "（待定）",
        Status::NotApplicable => "（不适用）",
    }
}

/// The document of the rule set `base` this one extends, as its criteria and parameters
/// record it; the rule file's name when it declares none.
fn base_document(rs: &crate::compile::RuleSet, base: &str) -> String {
    rs.criteria
        .iter()
        .filter(|c| c.ruleset == base)
        .map(|c| c.document.clone())
        .chain(
            rs.params
                .iter()
                .filter_map(|p| p.current())
                .filter(|v| v.provenance.ruleset == base)
                .map(|v| v.provenance.document.clone()),
        )
        .find(|d| !d.is_empty())
        .unwrap_or_else(|| format!("{base}.rules"))
}
