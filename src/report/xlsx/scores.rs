//! The sheet 指标得分: for an indicator system, every node's score for every town — the
//! mean over the experts, then each expert's — written exactly, with caps marked.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{room, Sheet, Styles};
use crate::compile::Evaluation;
use crate::eval::Evaluator;

/// The columns, in order.
const HEADS: [&str; 9] = [
    "编号",
    "名称",
    "评分人",
    "指标代码",
    "指标名称",
    "层级",
    "权重（满分）",
    "得分（精确值）",
    "按权重封顶",
];

/// One scoring of a town: who, the total, every node's score and cap.
struct Scoring<'s> {
    who: String,
    total: Option<Decimal>,
    nodes: &'s [Option<Decimal>],
    capped: &'s [bool],
}

/// Write the node scores of `rows`.
pub(super) fn write(
    ws: &mut Worksheet,
    st: &Styles,
    ev: &Evaluator<'_>,
    rows: &[usize],
) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(ws, st, "指标得分")?;
    let heads: Vec<String> = HEADS.iter().map(|h| h.to_string()).collect();
    sh.header(0, &heads)?;
    let Some(e) = ev.rules.evaluation.as_ref() else {
        return sh.finish(40);
    };
    let mut r = 0;
    for &town in rows {
        let Some(s) = ev.town_score(town) else {
            continue;
        };
        let mean = if s.experts.iter().all(|x| x.expert.is_empty()) {
            "按数据计算"
        } else {
            "专家平均"
        };
        let mut scorings = vec![Scoring {
            who: mean.to_string(),
            total: s.total,
            nodes: &s.nodes,
            capped: &s.capped,
        }];
        if s.experts.len() > 1 || s.experts.iter().any(|x| !x.expert.is_empty()) {
            scorings.extend(s.experts.iter().map(|x| Scoring {
                who: x.expert.clone(),
                total: x.total,
                nodes: &x.nodes,
                capped: &x.capped,
            }));
        }
        room(
            "指标得分",
            r + scorings.len() * (e.nodes.len() + 1),
            rows.len(),
        )?;
        for sc in &scorings {
            r = rows_of(&mut sh, e, ev, town, sc, r)?;
        }
    }
    sh.table(0, r, HEADS.len())?;
    sh.finish(50)
}

/// Write one scoring's total and nodes after row `r`; the last row written.
fn rows_of(
    sh: &mut Sheet<'_>,
    e: &Evaluation,
    ev: &Evaluator<'_>,
    town: usize,
    sc: &Scoring<'_>,
    mut r: usize,
) -> Result<usize, XlsxError> {
    let lead = |sh: &mut Sheet<'_>, r: usize| -> Result<(), XlsxError> {
        sh.text(r, 0, &ev.towns.ids[town])?;
        sh.text(r, 1, &ev.towns.names[town])?;
        sh.text(r, 2, &sc.who)
    };
    r += 1;
    lead(sh, r)?;
    sh.text(r, 3, "总分")?;
    sh.text(r, 4, &e.label)?;
    sh.decimal(r, 6, e.total)?;
    match sc.total {
        Some(t) => sh.decimal(r, 7, t)?,
        None => sh.text(r, 7, "待定")?,
    }
    for (i, node) in e.nodes.iter().enumerate() {
        r += 1;
        lead(sh, r)?;
        sh.text(r, 3, &node.code)?;
        sh.text(r, 4, &node.label)?;
        sh.decimal(r, 5, Decimal::from(node.depth))?;
        sh.decimal(r, 6, node.weight)?;
        match sc.nodes.get(i).copied().flatten() {
            Some(v) => sh.decimal(r, 7, v)?,
            None => sh.text(r, 7, "待定")?,
        }
        if sc.capped.get(i).copied().unwrap_or(false) {
            sh.text(r, 8, "是")?;
        }
    }
    Ok(r)
}
