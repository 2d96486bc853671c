//! The sheet 逐条说明: for every town and criterion, each check with its values,
//! threshold, unit, margin and the path that decided it, and the Chinese explanation.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{room, Sheet, Styles};
use crate::check::Kind;
use crate::compile::{NodeId, Op, RuleSet};
use crate::eval::{Atom, CriterionResult, Evaluator, Path, Tri, V};
use crate::report::{atom, criterion_lines, describe};

/// The columns, in order.
const HEADS: [&str; 14] = [
    "编号",
    "名称",
    "条款",
    "标准",
    "状态",
    "判定路径",
    "环节",
    "检查",
    "结果",
    "实际值",
    "门槛",
    "单位",
    "差额（正为超出，负为不足）",
    "说明",
];

/// One check of a criterion: the atom and where it stands.
struct Check<'r> {
    atom: &'r Atom,
    part: String,
    path: String,
}

/// The node whose kind says how an atom's values are shown: a comparison's left side,
/// the category a list or table test reads, else the atom itself (a yes/no fact).
fn shown_node(rs: &RuleSet, n: NodeId) -> (NodeId, Option<NodeId>) {
    let Some(&op) = rs.ops.get(n as usize) else {
        return (n, None);
    };
    match op {
        Op::Cmp { lhs, rhs, .. } => (lhs, Some(rhs)),
        Op::InList { item, .. } | Op::InTable { item, .. } => (item, None),
        Op::Fact(_)
        | Op::Param(_)
        | Op::Const(_)
        | Op::Lookup { .. }
        | Op::Not(_)
        | Op::Neg(_)
        | Op::Logic { .. }
        | Op::Stat { .. }
        | Op::Min(..)
        | Op::Max(..)
        | Op::Rescale(..)
        | Op::Arith { .. } => (n, None),
    }
}

/// The measure word of node `n`'s values when it reads a fact or a parameter directly.
fn measure_of(rs: &RuleSet, n: NodeId) -> Option<String> {
    match *rs.ops.get(n as usize)? {
        Op::Fact(f) => rs.facts.get(f as usize)?.measure.clone(),
        Op::Param(p) => rs.params.get(p as usize)?.measure.clone(),
        Op::Const(_)
        | Op::Lookup { .. }
        | Op::InTable { .. }
        | Op::InList { .. }
        | Op::Not(_)
        | Op::Neg(_)
        | Op::Logic { .. }
        | Op::Cmp { .. }
        | Op::Stat { .. }
        | Op::Min(..)
        | Op::Max(..)
        | Op::Rescale(..)
        | Op::Arith { .. } => None,
    }
}

/// The unit of the values of node `n` in this sheet: money in 元, percentages and
/// ratios in %, counts by their measure word.
fn unit_of(rs: &RuleSet, n: NodeId, other: Option<NodeId>) -> String {
    let kind = rs.kinds.get(n as usize).copied().unwrap_or(Kind::Number);
    let measure = || {
        [Some(n), other]
            .into_iter()
            .flatten()
            .find_map(|m| measure_of(rs, m))
    };
    match kind {
        Kind::Money => "元".into(),
        Kind::Percent | Kind::Ratio => "%".into(),
        Kind::Points => "个百分点".into(),
        Kind::PerUnit => match measure() {
            Some(m) => format!("元/{m}"),
            None => "元（每单位）".into(),
        },
        Kind::Count => measure().unwrap_or_default(),
        Kind::Number | Kind::Bool | Kind::Category(_) | Kind::Text => String::new(),
    }
}

/// A value that is not a number, in words: 是/否, a category's name, （缺失）.
fn word(rs: &RuleSet, v: V, kind: Kind) -> String {
    match v {
        V::Bool(b) => if b { "是" } else { "否" }.to_string(),
        V::Cat(m) => match kind {
            Kind::Category(s) => rs
                .categories
                .get(s)
                .and_then(|c| c.members.get(m as usize))
                .map_or_else(|| m.to_string(), |x| x.label.clone()),
            _ => m.to_string(),
        },
        V::Unknown => "（缺失）".to_string(),
        V::Fault(f) => format!("（{}）", f.message()),
        V::Num(d) => crate::units::format_decimal(d),
    }
}

/// Write value `v` of node `n` at (`r`, `c`): a number in the sheet's unit (exact), or
/// 是/否, a category's name, （缺失）.
fn value(
    sh: &mut Sheet<'_>,
    rs: &RuleSet,
    (r, c): (usize, usize),
    v: V,
    n: NodeId,
) -> Result<(), XlsxError> {
    let kind = rs.kinds.get(n as usize).copied().unwrap_or(Kind::Number);
    match v {
        V::Num(d) if kind == Kind::Ratio => match d.checked_mul(Decimal::ONE_HUNDRED) {
            Some(p) => sh.decimal(r, c, p),
            None => sh.text(r, c, &word(rs, v, kind)),
        },
        V::Num(d) => sh.decimal(r, c, d),
        V::Bool(_) | V::Cat(_) | V::Unknown | V::Fault(_) => sh.text(r, c, &word(rs, v, kind)),
    }
}

/// The checks of a criterion in order: applicability, then each requirement's
/// condition and relaxation.
fn checks<'r>(ev: &Evaluator<'_>, c: &'r CriterionResult) -> Vec<Check<'r>> {
    let rs = ev.rules;
    let crit = &rs.criteria[c.index];
    let mut out = Vec::new();
    for a in &c.applies {
        out.extend(a.atoms.iter().map(|atom| Check {
            atom,
            part: "适用范围".into(),
            path: String::new(),
        }));
    }
    for (i, q) in c.requires.iter().enumerate() {
        let Some(req) = crit.requires.get(i) else {
            continue;
        };
        let label = req.title(rs);
        let clause = req
            .relax
            .as_ref()
            .and_then(|x| x.clause.clone())
            .unwrap_or_else(|| crit.clause.clone());
        let discretion = req.relax.as_ref().is_some_and(|x| x.discretionary);
        let path = match (q.path, q.status) {
            (Path::Normal, _) => "常规门槛".to_string(),
            (Path::Relaxation, _) if discretion => {
                format!("放宽条款 {clause}（须认定机关裁量）")
            }
            (Path::Relaxation, _) => format!("放宽条款 {clause}"),
            (Path::Neither, Tri::Unknown) => "待定".to_string(),
            (Path::Neither, Tri::True | Tri::False) if req.relax.is_some() => {
                // As the text report says it: the relaxation does not apply when its
                // conditions do not hold, whatever its lower threshold gives.
                match q.relax.as_ref().map(|(w, _)| w.value) {
                    Some(Tri::False) => {
                        "常规门槛未达到；放宽条款不适用（放宽条件不具备）".to_string()
                    }
                    Some(Tri::True | Tri::Unknown) | None => {
                        "常规门槛与放宽后的要求均未达到".to_string()
                    }
                }
            }
            (Path::Neither, Tri::True | Tri::False) => "未达到".to_string(),
        };
        let part = format!("要求{}：{label}", i + 1);
        out.extend(q.cond.atoms.iter().map(|atom| Check {
            atom,
            part: part.clone(),
            path: path.clone(),
        }));
        // Met by the normal threshold: the relaxation was not needed, and its checks
        // (which the text report does not show either) are left out.
        let relaxation = q.relax.as_ref().filter(|_| q.path != Path::Normal);
        if let Some((w, t)) = relaxation {
            out.extend(w.atoms.iter().map(|atom| Check {
                atom,
                part: format!("放宽条款 {clause}：适用情形"),
                path: path.clone(),
            }));
            out.extend(t.atoms.iter().map(|atom| Check {
                atom,
                part: format!("放宽条款 {clause}：放宽后的要求"),
                path: path.clone(),
            }));
        }
    }
    out
}

/// The result of a check in Chinese.
fn holds_zh(t: Tri) -> &'static str {
    match t {
        Tri::True => "成立",
        Tri::False => "不成立",
        Tri::Unknown => "未知",
    }
}

/// Write the explanations of `rows`.
pub(super) fn write(
    ws: &mut Worksheet,
    st: &Styles,
    ev: &Evaluator<'_>,
    rows: &[usize],
) -> Result<(), XlsxError> {
    let rs = ev.rules;
    let mut sh = Sheet::new(ws, st, "逐条说明")?;
    let heads: Vec<String> = HEADS.iter().map(|h| h.to_string()).collect();
    sh.header(0, &heads)?;
    let mut r = 0;
    for &town in rows {
        let result = ev.explain(town);
        for c in &result.criteria {
            let crit = &rs.criteria[c.index];
            let text = criterion_lines(ev, c, town).join("\n");
            let all = checks(ev, c);
            let count = all.len().max(1);
            room("逐条说明", r + count, rows.len())?;
            for i in 0..count {
                r += 1;
                sh.text(r, 0, &ev.towns.ids[town])?;
                sh.text(r, 1, &ev.towns.names[town])?;
                sh.text(r, 2, &crit.clause)?;
                sh.text(r, 3, &crit.label)?;
                sh.status(r, 4, c.status)?;
                if let Some(ch) = all.get(i) {
                    let a = ch.atom;
                    sh.text(r, 5, &ch.path)?;
                    sh.text(r, 6, &ch.part)?;
                    sh.text(r, 7, &atom(ev, a, town))?;
                    sh.text(r, 8, holds_zh(a.holds))?;
                    let (lhs, rhs) = shown_node(rs, a.node);
                    value(&mut sh, rs, (r, 9), a.lhs, lhs)?;
                    if let Some(rhs) = rhs {
                        value(&mut sh, rs, (r, 10), a.rhs, rhs)?;
                    }
                    sh.text(r, 11, &unit_of(rs, lhs, rhs))?;
                    if let Some(m) = describe::margin_value(rs, a) {
                        sh.decimal(r, 12, m)?;
                    }
                }
                if i == 0 {
                    sh.long(r, 13, &text)?;
                }
            }
        }
    }
    sh.table(0, r, HEADS.len())?;
    sh.finish(60)
}
