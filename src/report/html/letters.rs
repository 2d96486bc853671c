//! A printable opinion per town (认定意见), in the register of an official reply: the
//! rule set and document, the verdict, each criterion's finding with its clause, what
//! is missing or short, the discretionary and what-if marks, and an empty signature
//! block. An undetermined town gets a request for the missing materials (补充材料通知)
//! instead. The same [`Letter`] is written into the HTML page and into a .docx file.

use std::fmt::Write;

use super::esc;
use crate::eval::{Evaluator, Outcome, Status, TownResult};
use crate::report::{change, describe, outcome_zh, what_if_lines};

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

/// The document as a reply cites it: 《山西省促进专业镇高质量发展实施方案》（晋政办发〔2022〕80号）.
fn document(ev: &Evaluator<'_>) -> String {
    let h = &ev.rules.header;
    let title = if h.name.is_empty() { &h.title } else { &h.name };
    match (h.document.is_empty(), title.is_empty()) {
        (false, false) => format!("《{title}》（{}）", h.document),
        (false, true) => h.document.clone(),
        (true, false) => format!("《{title}》"),
        (true, true) => h.id.clone(),
    }
}

/// Where the town's data comes from, when the data says (the `source` fact): the
/// sources and years the figures were taken from. Staff's own notes are never quoted.
fn data_source(ev: &Evaluator<'_>, row: usize) -> Option<String> {
    let f = ev.rules.fact_index("source")?;
    match &ev.towns.columns[f] {
        crate::data::Column::Text(c) => c
            .get(row)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.trim_end_matches('。').to_string()),
        _ => None,
    }
}

/// The town's county, when the data gives it.
fn county(ev: &Evaluator<'_>, row: usize) -> Option<String> {
    let f = ev.rules.fact_index("county")?;
    match &ev.towns.columns[f] {
        crate::data::Column::Text(c) => c
            .get(row)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        _ => None,
    }
}

/// The finding on one criterion, in one plain sentence: met; not met and what it asks
/// (with the shortfall); undetermined and what is missing; not applicable.
fn finding(ev: &Evaluator<'_>, c: &crate::eval::CriterionResult, row: usize) -> String {
    let rs = ev.rules;
    let crit = &rs.criteria[c.index];
    let head = format!("{}（{}）", crit.label, crit.clause);
    let atoms = || {
        c.requires
            .iter()
            .filter(|q| q.status != crate::eval::Tri::True)
            .flat_map(|q| q.cond.atoms.iter())
    };
    let text = match c.status {
        Status::Met if c.discretionary => format!("{head}：经放宽条款符合（放宽属认定机关裁量）。"),
        Status::Met => format!("{head}：符合。"),
        Status::NotApplicable => format!("{head}：不适用。"),
        Status::NotMet => {
            let asks: Vec<String> = atoms().filter_map(|a| describe::fix(ev, a, row)).collect();
            if asks.is_empty() {
                format!("{head}：不符合。")
            } else {
                format!("{head}：不符合，要求{}。", asks.join("，且"))
            }
        }
        Status::Undetermined => {
            let needs: Vec<String> = atoms().filter_map(|a| describe::need(ev, a, row)).collect();
            let missing: Vec<&str> = c
                .missing_facts
                .iter()
                .map(|&f| rs.facts[f].label.as_str())
                .collect();
            match (needs.is_empty(), missing.is_empty()) {
                (false, _) => format!("{head}：待定，尚缺数据；要求{}。", needs.join("，且")),
                (true, false) => format!("{head}：待定，尚缺{}。", missing.join("、")),
                (true, true) => format!("{head}：待定。"),
            }
        }
    };
    text
}

/// The readings of this rule set behind the letter's findings, numbered once each at the
/// end of the letter (a reply is not interrupted by the same paragraph in every letter
/// item): the finding gets `（本条所用的理解见注1）`.
#[derive(Default)]
struct Notes(Vec<String>);

impl Notes {
    /// The mark for criterion `c`'s finding (empty when it reads the document as written).
    fn mark(&mut self, rs: &crate::compile::RuleSet, c: &crate::eval::CriterionResult) -> String {
        let all = rs.interpretations(c.index);
        if all.is_empty() || c.status == Status::NotApplicable {
            return String::new();
        }
        let crit = &rs.criteria[c.index];
        let note = format!("{}（{}）：{}", crit.label, crit.clause, all.join("；"));
        let n = match self.0.iter().position(|x| *x == note) {
            Some(i) => i + 1,
            None => {
                self.0.push(note);
                self.0.len()
            }
        };
        format!("（本条所用的理解见注{n}）")
    }

    /// The notes as closing paragraphs.
    fn paragraphs(self) -> Vec<String> {
        if self.0.is_empty() {
            return Vec::new();
        }
        let mut out =
            vec!["注（本规则集的理解，是审核时对文件的解读，不是文件原文）：".to_string()];
        out.extend(
            self.0
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{}. {n}", i + 1)),
        );
        out
    }
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
    let mut notes = Notes::default();
    // Whether the town is asked for anything (a request for materials that only awaits
    // the experts is a notice that it waits, not a request).
    let mut asked = false;
    match kind {
        LetterKind::Opinion => {
            let verdict = if r.discretionary {
                "审核结论：拟认定。其中有的标准经放宽条款认定，文件规定放宽属认定机关裁量（可适当放宽），须提请认定机关研究决定。".to_string()
            } else {
                format!("审核结论：{}。", outcome_zh(r.outcome))
            };
            opening.push(verdict);
            for c in &r.criteria {
                let mark = notes.mark(rs, c);
                let text = finding(ev, c, row);
                items.push(match mark.is_empty() {
                    true => text,
                    false => format!("{}{mark}。", text.trim_end_matches('。')),
                });
            }
            if let Some(s) = change::change_sentence(ev, r, row) {
                // What the standards ask, not a promise of recognition.
                let s = s
                    .trim_end_matches('。')
                    .replace("即可认定", "即符合全部认定标准");
                closing.push(format!("对照标准：{s}。"));
            }
        }
        LetterKind::RequestMaterials => {
            for c in r
                .criteria
                .iter()
                .filter(|c| c.status == Status::Undetermined)
            {
                let crit = &rs.criteria[c.index];
                let (expert, town): (Vec<usize>, Vec<usize>) = c
                    .missing_facts
                    .iter()
                    .partition(|&&f| rs.facts[f].attestation);
                let labels = |v: &[usize]| -> String {
                    v.iter()
                        .map(|&f| rs.facts[f].label.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                };
                let why = format!("用于审核“{}”（{}）", crit.label, crit.clause);
                if !town.is_empty() {
                    asked = true;
                    items.push(format!("请补充{}的数据及证明材料，{why}。", labels(&town)));
                }
                if !expert.is_empty() {
                    items.push(format!(
                        "{}尚待认定机关组织专家认定，{why}，无需申报单位提供。",
                        labels(&expert)
                    ));
                }
                if town.is_empty() && expert.is_empty() {
                    asked = true;
                    items.push(format!("请补充相关证明材料，{why}。"));
                }
            }
            opening.push(if asked {
                "现有材料尚不足以作出认定结论，请补充以下材料：".to_string()
            } else {
                "以下事项尚待认定机关组织专家认定，暂不能作出认定结论：".to_string()
            });
            if asked {
                closing.push(
                    "请于＿＿＿＿年＿＿月＿＿日前补齐上述材料；逾期未补齐的，按现有材料审核。"
                        .into(),
                );
            }
        }
    }
    if let Some(src) = data_source(ev, row) {
        closing.push(format!("所据数据来源：{src}。"));
    }
    closing.extend(notes.paragraphs());
    Letter {
        kind,
        town_id: ev.towns.ids[row].to_string(),
        title: match kind {
            LetterKind::Opinion => format!("关于“{name}”专业镇认定申请的审核意见"),
            LetterKind::RequestMaterials if asked => {
                format!("关于“{name}”补充专业镇认定材料的通知")
            }
            LetterKind::RequestMaterials => {
                format!("关于“{name}”专业镇认定申请尚待专家认定的告知")
            }
        },
        warnings,
        to: match county(ev, row) {
            Some(c) => format!("{c}“{name}”专业镇申报单位："),
            None => format!("“{name}”专业镇申报单位："),
        },
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
