//! The page's header (what the report is, which document, which date, what-if marks,
//! where it comes from), the document's targets against this run, and the rule set
//! itself for sign-off: criteria with clause and quotation, thresholds with their
//! source, every reading of this rule set.

use std::fmt::Write;

use super::{esc, HtmlOptions};
use crate::check::level_zh;
use crate::compile::RuleSet;
use crate::eval::{Evaluator, Outcome, TownResult};
use crate::report::{describe, what_if_lines};

/// The title, the document, dates, what-if banner, provenance.
pub fn header(o: &mut String, ev: &Evaluator<'_>, opts: &HtmlOptions<'_>) {
    let rs = ev.rules;
    let h = &rs.header;
    let title = if h.title.is_empty() { &h.id } else { &h.title };
    let _ = write!(o, "<header>\n<h1>{}</h1>\n<div class=\"meta\">", esc(title));
    let mut basis = Vec::new();
    for x in [&h.document, &h.issuer] {
        if !x.is_empty() {
            basis.push(x.clone());
        }
    }
    if !h.level.is_empty() {
        basis.push(level_zh(&h.level).to_string());
    }
    if !h.date.is_empty() {
        basis.push(h.date.clone());
    }
    if !basis.is_empty() {
        let _ = write!(o, "<p>依据：{}</p>", esc(&basis.join("，")));
    }
    if let Some(a) = &rs.as_of {
        let _ = write!(o, "<p>适用日期：{}</p>", esc(&a.text()));
    }
    if let Some(y) = rs.year {
        let _ = write!(o, "<p>评价年度：{y}年</p>");
    }
    if !h.conventions.is_empty() {
        let _ = write!(
            o,
            "<p class=\"reading\">通用读法（本规则集的理解）：{}</p>",
            esc(&h.conventions.join("；"))
        );
    }
    if !opts.rules_only {
        let _ = write!(
            o,
            "<p>数据：{}（{} 个镇）</p>",
            esc(&ev.towns.file),
            ev.towns.len()
        );
    }
    if let Some(info) = opts.info {
        let _ = write!(o, "<p>来源：{}</p>", esc(&info.lines().join("；")));
    }
    o.push_str("</div>\n");
    if !opts.warnings.is_empty() {
        o.push_str(
            "<div class=\"whatif\"><strong>规则集检查的警告（townrules check）</strong><ul>",
        );
        for w in &opts.warnings {
            let _ = write!(o, "<li>{}</li>", esc(w));
        }
        o.push_str("</ul></div>\n");
    }
    let what_if = what_if_lines(rs);
    if !what_if.is_empty() {
        o.push_str("<div class=\"whatif\"><strong>假设分析</strong>");
        for l in &what_if {
            let _ = write!(o, "<p>{}</p>", esc(l.trim()));
        }
        o.push_str("</div>\n");
    }
    o.push_str("</header>\n");
}

/// The document's targets (到2025年…) with, for a target that counts towns of this rule
/// set's level, the number this run recognises.
pub fn targets(o: &mut String, ev: &Evaluator<'_>, results: &[TownResult]) {
    let rs = ev.rules;
    if rs.targets.is_empty() {
        return;
    }
    let recognised = results
        .iter()
        .filter(|r| r.outcome == Outcome::Recognized)
        .count();
    o.push_str("<section id=\"targets\"><h2>文件目标</h2>\n<table><thead><tr><th>目标（原文）</th><th>期限</th><th>本次评定</th></tr></thead><tbody>");
    for t in &rs.targets {
        // A deadline before the date the rules are read at has passed: said.
        let passed = match (&t.by, &rs.as_of) {
            (Some(b), Some(a)) if *b < a.date => "（评定日期时已过期限）",
            _ => "",
        };
        let by = format!("{}{passed}", t.by.clone().unwrap_or_default());
        let now = match (&t.towns, t.level.as_deref()) {
            (Some(n), Some(level)) if level == rs.header.level => format!(
                "目标 {} 个；本次数据中认定 {recognised} 个（本次读入 {} 个镇，未必是全部参评镇，不能据此判断目标是否完成）",
                n.normalize(),
                ev.towns.len()
            ),
            (Some(n), _) => format!("目标 {} 个（其他层级，本次未评定）", n.normalize()),
            (None, _) => "（不是镇的数量，本报告不对照）".to_string(),
        };
        let clause = t
            .clause
            .as_ref()
            .map(|c| format!("（{c}）"))
            .unwrap_or_default();
        let _ = write!(
            o,
            "<tr><td>“{}”{}</td><td>{}</td><td>{}</td></tr>",
            esc(&t.label),
            esc(&clause),
            esc(&by),
            esc(&now)
        );
    }
    o.push_str("</tbody></table></section>\n");
}

/// The rule set in plain Chinese for sign-off.
pub fn rules(o: &mut String, ev: &Evaluator<'_>) {
    let rs = ev.rules;
    o.push_str("<section id=\"rules\"><h2>规则集（供审定）</h2>\n");
    let _ = write!(
        o,
        "<p>本规则集共 {} 条认定标准。引号内为文件原文；“本规则集的理解”是本规则集对文件的解读，不是文件的规定。</p>",
        rs.criteria.len()
    );
    for (c, crit) in rs.criteria.iter().enumerate() {
        let _ = write!(o, "<h3>{} {}</h3>", esc(&crit.clause), esc(&crit.label));
        let doc = if crit.document.is_empty() {
            &crit.ruleset
        } else {
            &crit.document
        };
        let _ = write!(o, "<p>依据：{} {}</p>", esc(doc), esc(&crit.clause));
        if let Some(q) = &crit.quote {
            let _ = write!(o, "<p>原文：“{}”</p>", esc(q));
        }
        for rx in crit.requires.iter().filter_map(|q| q.relax.as_ref()) {
            let clause = rx.clause.as_deref().unwrap_or(&crit.clause);
            let _ = write!(o, "<p>放宽条款（{}）", esc(clause));
            if let Some(q) = &rx.quote {
                let _ = write!(o, "：原文“{}”", esc(q));
            }
            if rx.discretionary {
                o.push_str("。文件用语为“可适当放宽”，放宽属认定机关裁量");
            }
            o.push_str("。</p>");
        }
        for p in &crit.priorities {
            let _ = write!(o, "<p>优先评定：原文“{}”</p>", esc(&p.label));
        }
        for r in rs.interpretations(c) {
            let _ = write!(o, "<p class=\"reading\">本规则集的理解：{}</p>", esc(r));
        }
    }
    for p in &rs.priorities {
        let clause = p.clause.as_deref().unwrap_or_default();
        let _ = write!(
            o,
            "<h3>优先评定 {}</h3><p>原文“{}”</p>",
            esc(clause),
            esc(&p.rule.label)
        );
        for r in &p.interpretations {
            let _ = write!(o, "<p class=\"reading\">本规则集的理解：{}</p>", esc(r));
        }
    }
    thresholds(o, rs);
    if let Some(e) = &rs.evaluation {
        let _ = write!(
            o,
            "<h3>评价指标体系：{}</h3><p>满分 {}；等级：{}</p>",
            esc(&e.label),
            crate::report::full_marks(e),
            esc(&e
                .grades
                .iter()
                .map(|g| g.name.clone())
                .collect::<Vec<_>>()
                .join("、"))
        );
        for r in &e.interpretations {
            let _ = write!(o, "<p class=\"reading\">本规则集的理解：{}</p>", esc(r));
        }
    }
    o.push_str("</section>\n");
}

/// Every threshold with its value and where the value comes from.
fn thresholds(o: &mut String, rs: &RuleSet) {
    if rs.params.is_empty() {
        return;
    }
    o.push_str("<h3>门槛与参数</h3><table><thead><tr><th>参数</th><th>取值</th><th>来源</th></tr></thead><tbody>");
    for p in &rs.params {
        let value = p
            .current()
            .and_then(|v| v.written.clone())
            .unwrap_or_else(|| "（未设定）".to_string());
        let _ = write!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&p.name),
            esc(&value),
            esc(&describe::param_ref(rs, p))
        );
    }
    o.push_str("</tbody></table>");
}
