//! The HTML report (`townrules report`): one self-contained page in Chinese for
//! briefing and for replies — the rule set's header, an overview with charts, a
//! sortable table of towns, every town's explained verdict, indicator charts, other
//! rule sets' verdicts side by side, the document's targets, optional letters (认定意见)
//! per town, and the rule set itself for sign-off. No network: styles, script and
//! charts (SVG drawn here) are inside the file. It prints on A4 with a page per town.
//!
//! Like every report, it only formats what `eval` recorded.

mod assets;
mod charts;
mod compare;
mod letters;
mod summary;
mod thresholds;
mod towns;

pub use letters::{letter, Letter, LetterKind};

use std::fmt::Write;

use super::RunInfo;
use crate::eval::{Evaluator, Outcome};

/// What goes into the page.
#[derive(Default)]
pub struct HtmlOptions<'a> {
    /// Where the report comes from (tool, hashes, git revision).
    pub info: Option<&'a RunInfo>,
    /// Other rule sets evaluated on the same towns (`--compare`), in the same row order.
    pub compare: Vec<&'a Evaluator<'a>>,
    /// A printable opinion (认定意见) or request for materials per town.
    pub letters: bool,
    /// Only the rule set's summary for sign-off, no towns.
    pub rules_only: bool,
    /// The rule set's warnings from `check` (weights that do not add up …), shown in the
    /// header: a reader of the scores must know them.
    pub warnings: Vec<String>,
}

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The CSS class of an outcome (colours, filters).
fn outcome_class(o: Outcome) -> &'static str {
    o.as_str()
}

/// The page for the towns `rows` of `ev`.
pub fn html(ev: &Evaluator<'_>, rows: &[usize], opts: &HtmlOptions<'_>) -> String {
    let rs = ev.rules;
    let mut o = String::new();
    let title = if rs.header.title.is_empty() {
        rs.header.id.clone()
    } else {
        rs.header.title.clone()
    };
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
        esc(&if opts.rules_only {
            format!("{title}：规则集（供审定）")
        } else {
            format!("{title}：评定报告")
        }),
        assets::CSS
    );
    summary::header(&mut o, ev, opts);
    if opts.rules_only {
        summary::rules(&mut o, ev);
    } else {
        let results: Vec<_> = rows.iter().map(|&r| ev.explain(r)).collect();
        nav(&mut o, ev, opts);
        towns::overview(&mut o, ev, &results);
        thresholds::section(&mut o, ev, &results);
        towns::indicators(&mut o, ev, rows);
        summary::targets(&mut o, ev, &results);
        if !opts.compare.is_empty() {
            compare::section(&mut o, ev, &opts.compare, rows);
        }
        towns::table(&mut o, ev, &results);
        towns::details(&mut o, ev, &results);
        if opts.letters {
            letters::section(&mut o, ev, &results);
        }
        summary::rules(&mut o, ev);
    }
    let _ = writeln!(o, "<script>{}</script>\n</body>\n</html>", assets::JS);
    o
}

fn nav(o: &mut String, ev: &Evaluator<'_>, opts: &HtmlOptions<'_>) {
    let mut items = vec![("overview", "概览")];
    if !ev.rules.criteria.is_empty() {
        items.push(("thresholds", "门槛对照"));
    }
    if ev.rules.evaluation.is_some() {
        items.push(("indicators", "指标得分"));
    }
    if !ev.rules.targets.is_empty() {
        items.push(("targets", "文件目标"));
    }
    if !opts.compare.is_empty() {
        items.push(("compare", "标准对比"));
    }
    items.extend([("towns", "各镇一览"), ("details", "逐镇说明")]);
    if opts.letters {
        items.push(("letters", "认定意见"));
    }
    items.push(("rules", "规则集"));
    o.push_str("<nav><ul>");
    for (id, label) in items {
        let _ = write!(o, "<li><a href=\"#{id}\">{label}</a></li>");
    }
    o.push_str("</ul></nav>\n");
}
