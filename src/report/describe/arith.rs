//! Arithmetic in explanations: the unit of every computed value, its name when staff
//! would recognise it (a ratio of two facts, a growth rate, a difference of shares), how
//! it was computed with every operand in its unit (`3000人 ÷ 12000人`), and rounded
//! quotients shown as `约…`.

use rust_decimal::Decimal;

use super::{number, operand, value, Unit};
use crate::check::Kind;
use crate::compile::{NodeId, Op, RuleSet};
use crate::eval::{Evaluator, V};
use crate::syntax::ast::ArithOp;
use crate::units::MoneyUnit;

/// The kind of node `n`'s value, as the compiler inferred it.
pub(crate) fn kind_of(rs: &RuleSet, n: NodeId) -> Kind {
    rs.kinds.get(n as usize).copied().unwrap_or(Kind::Number)
}

/// Node `n` without the conversions the compiler put around it.
fn peel(rs: &RuleSet, mut n: NodeId) -> NodeId {
    while let Some(Op::Rescale(x, _)) = rs.ops.get(n as usize) {
        n = *x;
    }
    n
}

/// The display unit of any numeric node: its kind, the money unit of its first amount
/// and the measure word of what it counts (per unit: of the divisor).
pub(super) fn unit_of(ev: &Evaluator<'_>, n: NodeId, row: usize) -> Unit {
    let rs = ev.rules;
    let kind = kind_of(rs, n);
    let (money, measure) = match rs.ops[n as usize] {
        Op::Arith { op, lhs, rhs } => {
            let (l, r) = (unit_of(ev, lhs, row), unit_of(ev, rhs, row));
            let money = if l.kind == Kind::Money || l.kind == Kind::PerUnit {
                l.money
            } else {
                r.money
            };
            let per = kind == Kind::PerUnit && l.kind == Kind::Money;
            let measure = if per && op == ArithOp::Div {
                r.measure
            } else {
                l.measure.or(r.measure)
            };
            (money, measure)
        }
        Op::Min(a, b) | Op::Max(a, b) => {
            let (l, r) = (unit_of(ev, a, row), unit_of(ev, b, row));
            (l.money, l.measure.or(r.measure))
        }
        Op::Rescale(x, _) | Op::Neg(x) => {
            let u = unit_of(ev, x, row);
            (u.money, u.measure)
        }
        Op::Fact(_) | Op::Param(_) | Op::Lookup { .. } | Op::Stat { .. } => {
            let u = operand(ev, n, row).1;
            (u.money, u.measure)
        }
        Op::Const(_)
        | Op::InTable { .. }
        | Op::InList { .. }
        | Op::Not(_)
        | Op::Logic { .. }
        | Op::Cmp { .. } => (MoneyUnit::Yi, None),
    };
    Unit {
        kind,
        money,
        measure,
    }
}

/// Whether node `n`'s value is a rounded quotient (a division without an exact decimal
/// result, such as `1 ÷ 3`), anywhere in its arithmetic.
pub(super) fn inexact(ev: &Evaluator<'_>, n: NodeId, row: usize) -> bool {
    let rs = ev.rules;
    match rs.ops[n as usize] {
        Op::Arith { op, lhs, rhs } => {
            let here = match (op, ev.eval(lhs, row), ev.eval(rhs, row), ev.eval(n, row)) {
                (ArithOp::Div, V::Num(a), V::Num(b), V::Num(q)) => {
                    crate::eval::exact::cmp_quotients(a, b, q, Decimal::ONE)
                        != Some(std::cmp::Ordering::Equal)
                }
                (ArithOp::Add | ArithOp::Sub | ArithOp::Mul | ArithOp::Div, ..) => false,
            };
            here || inexact(ev, lhs, row) || inexact(ev, rhs, row)
        }
        Op::Rescale(x, _) | Op::Neg(x) => inexact(ev, x, row),
        Op::Min(a, b) | Op::Max(a, b) => inexact(ev, a, row) || inexact(ev, b, row),
        Op::Fact(_)
        | Op::Param(_)
        | Op::Const(_)
        | Op::Lookup { .. }
        | Op::InTable { .. }
        | Op::InList { .. }
        | Op::Not(_)
        | Op::Logic { .. }
        | Op::Cmp { .. } => false,
        // A rank share (`top`, `percentile`, `share`) is a quotient too: one that does not
        // end (1 of 3 towns) is held to 28 digits and shown rounded, with 约.
        Op::Stat { .. } => matches!(ev.eval(n, row), V::Num(d) if d.scale() >= 20),
    }
}

/// A rounded number for display, to the digits staff read: 4 decimals of a percentage,
/// 分 of money, 4 decimals otherwise.
pub(super) fn rounded(d: Decimal, u: Unit) -> Decimal {
    let dp = match u.kind {
        Kind::Ratio => 6,
        Kind::Money | Kind::PerUnit => 2,
        Kind::Count
        | Kind::Number
        | Kind::Percent
        | Kind::Points
        | Kind::Bool
        | Kind::Category(_)
        | Kind::Text => 4,
    };
    d.round_dp(dp).normalize()
}

/// The value of node `n` in unit `u`; a rounded quotient is shown rounded, as `约…`, and
/// a computation without a result as `无法计算` (its computation and reason follow).
pub(super) fn shown(ev: &Evaluator<'_>, n: NodeId, row: usize, v: V, u: Unit) -> String {
    let computed = matches!(ev.rules.ops[peel(ev.rules, n) as usize], Op::Arith { .. });
    match v {
        V::Num(d) if inexact(ev, n, row) => format!("约{}", number(rounded(d, u), u)),
        V::Fault(_) | V::Unknown if computed => "无法计算".to_string(),
        V::Num(_) | V::Bool(_) | V::Cat(_) | V::Unknown | V::Fault(_) => value(ev.rules, v, u),
    }
}

/// A name for arithmetic of facts staff would recognise: `带动就业人数占全镇劳动力的比例`
/// (a ratio of two facts), `…相对…的增长率` (growth: `(a - b) / b`), `…与…之差` (a
/// difference of two shares, in points), `…按…平均` (money per unit of a count).
pub(super) fn arith_name(ev: &Evaluator<'_>, n: NodeId) -> Option<String> {
    let rs = ev.rules;
    let label = |x: NodeId| {
        if let Some(Op::Fact(f)) = rs.ops.get(peel(rs, x) as usize) {
            return rs.facts.get(*f as usize).map(|f| f.label.clone());
        }
        None
    };
    let Op::Arith { op, lhs, rhs } = rs.ops[peel(rs, n) as usize] else {
        return None;
    };
    if op == ArithOp::Sub && kind_of(rs, n) == Kind::Points {
        return Some(format!("{}与{}之差", label(lhs)?, label(rhs)?));
    }
    if op == ArithOp::Div && kind_of(rs, peel(rs, n)) == Kind::PerUnit {
        return Some(format!("{}按{}平均", label(lhs)?, label(rhs)?));
    }
    if op != ArithOp::Div || kind_of(rs, peel(rs, n)) != Kind::Ratio {
        return None;
    }
    if let Op::Arith {
        op: ArithOp::Sub,
        lhs: now,
        rhs: base,
    } = rs.ops[peel(rs, lhs) as usize]
    {
        let (base, div) = (peel(rs, base), peel(rs, rhs));
        if base == div || rs.ops[base as usize] == rs.ops[div as usize] {
            return Some(format!("{}相对{}的增长率", label(now)?, label(base)?));
        }
    }
    Some(format!("{}占{}的比例", label(lhs)?, label(rhs)?))
}

/// How an arithmetic node was computed, with every operand's value in its unit:
/// `3000人 ÷ 12000人`, `上年产值 20亿元 × 110%`; `None` for a node that is not
/// arithmetic. Operands are named unless the node itself is named; a count without its
/// own measure word takes `measure` (the comparison's).
pub(super) fn computation(
    ev: &Evaluator<'_>,
    n: NodeId,
    row: usize,
    measure: Option<&'static str>,
) -> Option<String> {
    let rs = ev.rules;
    let inner = peel(rs, n);
    let Op::Arith { .. } = rs.ops[inner as usize] else {
        return None;
    };
    let named = arith_name(ev, n).is_some();
    Some(terms(ev, inner, row, measure, !named))
}

fn terms(
    ev: &Evaluator<'_>,
    n: NodeId,
    row: usize,
    measure: Option<&'static str>,
    names: bool,
) -> String {
    let rs = ev.rules;
    let n = peel(rs, n);
    if let Op::Arith { op, lhs, rhs } = rs.ops[n as usize] {
        let side = |x: NodeId| {
            let t = terms(ev, x, row, measure, names);
            if matches!(rs.ops[peel(rs, x) as usize], Op::Arith { .. }) {
                format!("（{t}）")
            } else {
                t
            }
        };
        return format!("{} {} {}", side(lhs), op.symbol(), side(rhs));
    }
    let (d, u) = operand(ev, n, row);
    let u = if u.kind == Kind::Count && u.measure.is_none() {
        Unit { measure, ..u }
    } else {
        u
    };
    let value = ev.eval(n, row);
    let town = matches!(rs.ops[n as usize], Op::Fact(_) | Op::Stat { .. });
    // A term without a value: a town's fact not reported, a threshold not set.
    let v = match (value, town) {
        (V::Unknown, true) => "（未填报）".to_string(),
        (V::Unknown, false) if super::is_param_like(ev, n) => "（未设定）".to_string(),
        (V::Num(_) | V::Bool(_) | V::Cat(_) | V::Unknown | V::Fault(_), _) => {
            shown(ev, n, row, value, u)
        }
    };
    if d.is_empty() || (town && !names) {
        v
    } else if town {
        format!("{d} {v}")
    } else {
        format!("{v}〔{d}〕")
    }
}
