//! A printable opinion per town (认定意见), in the register of an official reply: the
//! rule set and document, the verdict, each criterion's finding with its clause, what
//! is missing or short, the discretionary and what-if marks, and an empty signature
//! block. An undetermined town gets a request for the missing materials (补充材料通知)
//! instead. The same [`Letter`] is written into the HTML page and into a .docx file.

use std::fmt::Write;

use super::esc;
use crate::check::Kind;
use crate::eval::{Evaluator, Outcome, Status, TownResult};
use crate::report::{change, criterion_lines, outcome_zh, status_zh, what_if_lines};

/// Which letter a town gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterKind {
    /// 审核意见: the town is recognised or not.
    Opinion,
    /// 补充材料通知: the verdict waits for data the town has not given.
    RequestMaterials,
}

/// One town's letter, as paragraphs of plain Chinese.
#[derive(Debug, Clone)]
pub struct Letter {
    /// Opinion or request for materials.
    pub kind: LetterKind,
    /// The town's id (for anchors and file names).
    pub town_id: String,
    /// The heading.
    pub title: String,
    /// Marks that must precede everything (a what-if run is not a formal conclusion).
    pub warnings: Vec<String>,
    /// The addressee line.
    pub to: String,
    /// Paragraphs before the items.
    pub opening: Vec<String>,
    /// The numbered findings (or the materials asked for).
    pub items: Vec<String>,
    /// Paragraphs after the items.
    pub closing: Vec<String>,
    /// The signature block's lines, to be filled in by hand.
    pub signature: Vec<String>,
}

fn document(ev: &Evaluator<'_>) -> String {
    let h = &ev.rules.header;
    match (h.document.is_empty(), h.title.is_empty()) {
        (false, false) => format!("{}（{}）", h.document, h.title),
        (false, true) => h.document.clone(),
        (true, false) => h.title.clone(),
        (true, true) => h.id.clone(),
    }
}

/// The town's text facts (evidence, data sources) as `label：value`.
fn evidence(ev: &Evaluator<'_>, row: usize) -> Vec<String> {
    let rs = ev.rules;
    rs.facts
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == Kind::Text && !matches!(f.id.as_str(), "id" | "name" | "county"))
        .filter_map(|(i, f)| match &ev.towns.columns[i] {
            crate::data::Column::Text(c) => c
                .get(row)
                .filter(|s| !s.trim().is_empty())
                .map(|s| format!("{}：{s}", f.label)),
            _ => None,
        })
        .collect()
}

/// The finding on one criterion, in one paragraph.
fn finding(ev: &Evaluator<'_>, c: &crate::eval::CriterionResult, row: usize) -> String {
    let crit = &ev.rules.criteria[c.index];
    let detail = match c.status {
        Status::Met => crate::report::criterion::met_summary(ev, c, row),
        Status::NotMet | Status::Undetermined | Status::NotApplicable => {
            criterion_lines(ev, c, row)
                .iter()
                .map(|l| {
                    l.trim()
                        .trim_start_matches(['✓', '✗', '?', '–', '·'])
                        .trim()
                        .to_string()
                })
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("；")
        }
    };
    let mut text = format!(
        "{}（{}）：{}。{}",
        crit.label,
        crit.clause,
        status_zh(c.status),
        detail
    );
    // A met criterion's one line leaves out the readings it rests on: said here.
    if c.status == Status::Met {
        if let Some(r) = crate::report::criterion::reading(ev.rules, c.index) {
            text.push_str(&r);
        }
    }
    text
}

/// The letter of town `r`.
pub fn letter(ev: &Evaluator<'_>, r: &TownResult) -> Letter {
    let rs = ev.rules;
    let row = r.row;
    let name = ev.towns.names[row].to_string();
    let kind = if r.outcome == Outcome::Undetermined {
        LetterKind::RequestMaterials
    } else {
        LetterKind::Opinion
    };
    let mut warnings: Vec<String> = Vec::new();
    let what_if = what_if_lines(rs);
    if !what_if.is_empty() {
        warnings.push(
            "本文依据假设分析生成（参数不是文件的规定），不是正式结论，不得作为正式答复发出。"
                .into(),
        );
        warnings.extend(what_if.iter().map(|l| l.trim().to_string()));
    }
    let doc = document(ev);
    let mut opening = vec![format!(
        "你单位申报的“{name}”专业镇认定材料收悉。根据{doc}，对照其中 {} 条认定标准逐条审核，情况如下：",
        rs.criteria.len()
    )];
    let mut items = Vec::new();
    let mut closing = Vec::new();
    match kind {
        LetterKind::Opinion => {
            let mut verdict = format!("审核结论：{}。", outcome_zh(r.outcome));
            if r.discretionary {
                verdict.push_str("其中有的标准经放宽条款认定；文件规定放宽属认定机关裁量（可适当放宽），须经认定机关研究决定。");
            }
            opening.push(verdict);
            items.extend(r.criteria.iter().map(|c| finding(ev, c, row)));
            if let Some(s) = change::change_sentence(ev, r, row) {
                closing.push(format!("如需改变审核结论：{s}。"));
            }
        }
        LetterKind::RequestMaterials => {
            opening.push("现有材料尚不足以作出认定结论。请补充以下材料：".into());
            for c in r
                .criteria
                .iter()
                .filter(|c| c.status == Status::Undetermined)
            {
                let crit = &rs.criteria[c.index];
                let facts: Vec<&str> = c
                    .missing_facts
                    .iter()
                    .map(|&f| rs.facts[f].label.as_str())
                    .collect();
                let what = if facts.is_empty() {
                    "相关证明材料".to_string()
                } else {
                    facts.join("、")
                };
                items.push(format!(
                    "{what}：用于审核“{}”（{}）。",
                    crit.label, crit.clause
                ));
            }
            if let Some(s) = change::change_sentence(ev, r, row) {
                closing.push(format!("说明：{s}。"));
            }
            closing.push("请在规定期限内补齐上述材料，逾期未补齐的，按现有材料审核。".into());
        }
    }
    let shown = evidence(ev, row);
    if !shown.is_empty() {
        let shown = shown.join("；");
        closing.push(format!("申报材料摘要：{}。", shown.trim_end_matches('。')));
    }
    closing.push("本意见中引号内为文件原文；标注“本规则集的理解”的，是审核时对文件的解读。".into());
    Letter {
        kind,
        town_id: ev.towns.ids[row].to_string(),
        title: match kind {
            LetterKind::Opinion => format!("关于“{name}”专业镇认定申请的审核意见"),
            LetterKind::RequestMaterials => format!("关于“{name}”补充专业镇认定材料的通知"),
        },
        warnings,
        to: format!("“{name}”申报单位："),
        opening,
        items,
        closing,
        signature: vec![
            "经办人：＿＿＿＿＿＿".into(),
            "审核人：＿＿＿＿＿＿".into(),
            "（盖章）".into(),
            "＿＿＿＿年＿＿月＿＿日".into(),
        ],
    }
}

/// The letters section: one printed page per town.
pub fn section(o: &mut String, ev: &Evaluator<'_>, results: &[TownResult]) {
    o.push_str("<section id=\"letters\"><h2>认定意见</h2>\n");
    for r in results {
        let l = letter(ev, r);
        let _ = write!(
            o,
            "<article class=\"letter\" id=\"letter-{}\"><h3>{}</h3>",
            esc(&l.town_id),
            esc(&l.title)
        );
        for w in &l.warnings {
            let _ = write!(o, "<p class=\"draft\">{}</p>", esc(w));
        }
        let _ = write!(o, "<p>{}</p>", esc(&l.to));
        for p in &l.opening {
            let _ = write!(o, "<p>{}</p>", esc(p));
        }
        o.push_str("<ol>");
        for i in &l.items {
            let _ = write!(o, "<li>{}</li>", esc(i));
        }
        o.push_str("</ol>");
        for p in &l.closing {
            let _ = write!(o, "<p>{}</p>", esc(p));
        }
        o.push_str("<div class=\"sign\">");
        for s in &l.signature {
            let _ = write!(o, "<div>{}</div>", esc(s));
        }
        o.push_str("</div></article>\n");
    }
    o.push_str("</section>\n");
}
