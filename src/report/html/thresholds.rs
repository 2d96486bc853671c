//! For every threshold a criterion compares with (`产值 >= 门槛`), a chart of the towns'
//! values against it: each bar is the town's value as a share of its threshold (the
//! threshold may differ by category), the dashed line is the threshold, a near miss
//! (within 10% below it) is orange. Every bar is labelled with the exact value and
//! threshold the explanation states.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::charts::{bars, Bar};
use super::esc;
use crate::compile::{NodeId, Op};
use crate::eval::{Atom, Evaluator, TownResult, Tri, V};
use crate::report::describe;
use crate::syntax::ops::CmpOp;

/// A value within this share below its threshold is a near miss.
fn near() -> Decimal {
    Decimal::new(9, 1)
}

/// The threshold comparisons of the criteria, each once: (criterion, node).
fn comparisons(ev: &Evaluator<'_>, results: &[TownResult]) -> Vec<(usize, NodeId)> {
    let mut out = Vec::new();
    for r in results {
        for c in &r.criteria {
            for q in &c.requires {
                for a in &q.cond.atoms {
                    if is_threshold(ev, a.node) && !out.contains(&(c.index, a.node)) {
                        out.push((c.index, a.node));
                    }
                }
            }
        }
    }
    out.sort_by_key(|&(c, _)| c);
    out
}

fn is_threshold(ev: &Evaluator<'_>, n: NodeId) -> bool {
    let Some((op, _, rhs)) = ev.rules.ops.get(n as usize).and_then(Op::comparison) else {
        return false;
    };
    let ordering = match op {
        CmpOp::Ge | CmpOp::Gt | CmpOp::Le | CmpOp::Lt => true,
        CmpOp::Eq | CmpOp::Ne => false,
    };
    let fixed = matches!(ev.rules.ops.get(rhs as usize), Some(Op::Const(_)));
    ordering && (fixed || describe::is_param_like(ev, rhs))
}

/// The value as a share of the threshold, when both are known numbers.
fn share(ev: &Evaluator<'_>, a: &Atom) -> Option<Decimal> {
    let (V::Num(t), Some(m)) = (a.rhs, describe::margin_value(ev.rules, a)) else {
        return None;
    };
    if t <= Decimal::ZERO {
        return None;
    }
    // The margin is how far the value is past the threshold on the passing side.
    let below_passes = matches!(
        ev.rules.ops.get(a.node as usize).and_then(Op::comparison),
        Some((CmpOp::Le | CmpOp::Lt, _, _))
    );
    let value = if below_passes {
        t.checked_sub(m)?
    } else {
        t.checked_add(m)?
    };
    value.checked_div(t)
}

/// The section of threshold charts.
pub fn section(o: &mut String, ev: &Evaluator<'_>, results: &[TownResult]) {
    if ev.rules.criteria.is_empty() {
        return;
    }
    let found = comparisons(ev, results);
    o.push_str("<section id=\"thresholds\"><h2>门槛对照</h2>\n");
    if found.is_empty() {
        o.push_str("<p>本规则集的认定标准没有数值门槛。</p></section>\n");
        return;
    }
    o.push_str("<p>每条横条是该镇数值占其门槛的比例（门槛可能因产业类别而不同），虚线为门槛；橙色为差距在10%以内的接近达标，灰色为缺少数据。</p>\n");
    for (c, node) in found {
        chart(o, ev, results, c, node);
    }
    o.push_str("</section>\n");
}

fn chart(o: &mut String, ev: &Evaluator<'_>, results: &[TownResult], c: usize, node: NodeId) {
    let rs = ev.rules;
    let Some((_, lhs, rhs)) = rs.ops.get(node as usize).and_then(Op::comparison) else {
        return;
    };
    let mut rows = Vec::new();
    let mut what = String::new();
    for r in results {
        let atom = r
            .criteria
            .iter()
            .filter(|x| x.index == c)
            .flat_map(|x| x.requires.iter().flat_map(|q| q.cond.atoms.iter()))
            .find(|a| a.node == node);
        let Some(a) = atom else { continue };
        let (desc, lu) = describe::operand(ev, lhs, r.row);
        let (_, ru) = describe::operand(ev, rhs, r.row);
        if what.is_empty() {
            what = desc;
        }
        let ratio = share(ev, a);
        let class = match (a.holds, ratio) {
            (Tri::True, _) => "met",
            (Tri::False, Some(x)) if x >= near() && x < Decimal::ONE => "near",
            (Tri::False, _) => "not_met",
            (Tri::Unknown, _) => "undetermined",
        };
        let value = describe::value(rs, a.lhs, lu);
        let threshold = describe::value(rs, a.rhs, ru);
        // Short of this threshold, yet the criterion is met: through its relaxation.
        let met = r
            .criteria
            .iter()
            .any(|x| x.index == c && x.status == crate::eval::Status::Met);
        let open = r
            .criteria
            .iter()
            .any(|x| x.index == c && x.status == crate::eval::Status::Undetermined);
        let relaxed = match (a.holds, met, open) {
            (Tri::False, true, _) => "；本条经放宽条款符合",
            (Tri::False, false, true) => "；本条待定：放宽条款所需数据不全",
            _ => "",
        };
        rows.push(Bar {
            label: ev.towns.names[r.row].to_string(),
            value: ratio,
            class,
            text: format!("{value}（门槛 {threshold}{relaxed}）"),
        });
    }
    if rows.is_empty() {
        return;
    }
    let top = rows
        .iter()
        .filter_map(|b| b.value)
        .fold(Decimal::new(12, 1), Decimal::max)
        .min(Decimal::TWO);
    let crit = &rs.criteria[c];
    let title = format!("{} {}：{}", crit.clause, crit.label, what);
    let _ = writeln!(
        o,
        "<figure>{}<figcaption>{}（横条长度 = 数值 ÷ 门槛，超过2倍的画到2倍为止）</figcaption></figure>",
        bars(&title, &rows, top, Some((Decimal::ONE, "门槛"))),
        esc(&title)
    );
}
