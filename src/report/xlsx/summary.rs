//! The sheet 汇总: one row per town — outcome, discretionary and priority marks, the
//! score and grade of an indicator system, and each criterion's status.

use rust_xlsxwriter::{Note, Worksheet, XlsxError};

use super::cells::{col, room, Sheet, Styles};
use crate::eval::{Evaluator, Status, Tri};
use crate::report::{grade_name, has_priorities, outcome_zh, what_if_cell};

/// The header of a criterion's column: `二（四） 产业集聚度高`.
pub(super) fn criterion_head(c: &crate::compile::Criterion) -> String {
    format!("{} {}", c.clause, c.label).trim().to_string()
}

/// A priority state in Chinese.
pub(super) fn tri_zh(t: Tri) -> &'static str {
    match t {
        Tri::True => "是",
        Tri::False => "否",
        Tri::Unknown => "待定",
    }
}

/// Write the summary of `rows`.
pub(super) fn write(
    ws: &mut Worksheet,
    st: &Styles,
    ev: &Evaluator<'_>,
    rows: &[usize],
) -> Result<(), XlsxError> {
    let rs = ev.rules;
    let k = rs.criteria.len();
    let marks = rs.has_discretionary();
    let prioritised = has_priorities(rs);
    let scored = rs.evaluation.as_ref();
    let interpreted: Vec<&str> = (0..k)
        .filter(|&c| !rs.interpretations(c).is_empty())
        .map(|c| rs.criteria[c].label.as_str())
        .collect();
    let what_if = what_if_cell(rs);
    let relaxable = crate::report::has_relaxations(rs);
    let read = crate::report::read_facts(rs);

    let mut heads: Vec<String> = vec!["编号".into(), "名称".into()];
    if k > 0 {
        heads.push("结论".into());
    }
    if marks {
        heads.push("须认定机关裁量".into());
    }
    if prioritised {
        heads.push("优先评定".into());
    }
    if scored.is_some() {
        heads.push("总分（精确值）".into());
        heads.push("等级".into());
    }
    let first_criterion = heads.len();
    heads.extend(rs.criteria.iter().map(criterion_head));
    if relaxable {
        heads.push("经放宽条款符合".into());
    }
    heads.push("缺少的数据".into());
    if !interpreted.is_empty() {
        heads.push("依据本规则集理解的标准".into());
    }
    if what_if.is_some() {
        heads.push("假设分析".into());
    }

    room("汇总", rows.len(), rows.len())?;
    let mut sh = Sheet::new(ws, st, "汇总")?;
    sh.header(0, &heads)?;
    for (i, c) in rs.criteria.iter().enumerate() {
        let mut text = format!("标准编号：{}", c.id);
        if let Some(q) = &c.quote {
            text.push_str(&format!("\n原文：{q}"));
        }
        let note = Note::new(text).add_author_prefix(false);
        sh.ws.insert_note(0, col(first_criterion + i), &note)?;
    }
    let mut statuses = vec![Status::Met; k];
    for (i, &town) in rows.iter().enumerate() {
        let r = i + 1;
        let outcome = ev.statuses(town, &mut statuses);
        let mut c = 0;
        let mut next = || {
            c += 1;
            c - 1
        };
        sh.text(r, next(), &ev.towns.ids[town])?;
        sh.text(r, next(), &ev.towns.names[town])?;
        if k > 0 {
            let f = st.outcome(outcome).clone();
            sh.text_in(r, next(), outcome_zh(outcome), &f)?;
        }
        if marks {
            let at = next();
            let mark = match ev.town_discretionary(town, outcome, &statuses) {
                true => "是",
                false => "否",
            };
            sh.text(r, at, mark)?;
        }
        if prioritised {
            sh.text(r, next(), tri_zh(ev.priority_state(town)))?;
        }
        if let Some(e) = scored {
            let (total_at, grade_at) = (next(), next());
            match ev.town_score(town) {
                Some(s) => {
                    match s.total {
                        Some(t) => sh.decimal(r, total_at, t)?,
                        None => sh.text(r, total_at, "待定")?,
                    }
                    sh.text(r, grade_at, &grade_name(e, &s))?;
                }
                None => {
                    sh.text(r, total_at, "待定")?;
                    sh.text(r, grade_at, "待定")?;
                }
            }
        }
        for &s in &statuses {
            let at = next();
            sh.status(r, at, s)?;
        }
        if relaxable {
            let at = next();
            let relaxed: Vec<&str> = statuses
                .iter()
                .enumerate()
                .filter(|&(c, &s)| ev.criterion_relaxed(c, town, s))
                .map(|(c, _)| rs.criteria[c].label.as_str())
                .collect();
            sh.text(r, at, &relaxed.join("；"))?;
        }
        let at = next();
        let missing: Vec<&str> = read
            .iter()
            .filter(|&&f| ev.towns.columns[f].is_missing(town))
            .map(|&f| rs.facts[f].label.as_str())
            .collect();
        sh.text(r, at, &missing.join("；"))?;
        if !interpreted.is_empty() {
            let at = next();
            sh.text(r, at, &interpreted.join("；"))?;
        }
        if let Some(w) = &what_if {
            let at = next();
            sh.text(r, at, w)?;
        }
    }
    sh.table(0, rows.len(), heads.len())?;
    sh.ws.set_row_height(0, 32)?;
    sh.finish(40)
}
