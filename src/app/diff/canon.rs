//! A canonical form of compiled conditions, independent of the rule set's arena.
//!
//! Conditions are compared by this form, not by source text: names instead of
//! indexes, constants as exact values (`20亿元` and `200000万元` are the same),
//! `and`/`or` flattened and sorted, `a <= b` written `b >= a`. Reformatting,
//! comments and the order of conjuncts therefore make no difference.
//!
//! The same tree tells how a leaf (a parameter, a table, a constant) enters a
//! condition: whether raising it makes the condition harder to meet (a minimum),
//! easier (a maximum), or cannot be told.

use std::fmt;

use rust_decimal::Decimal;

use crate::check::{Const, Kind};
use crate::compile::{NodeId, Op, RuleSet};
use crate::syntax::ast::{CmpOp, LogicOp};

/// One node of a canonical condition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum CNode {
    /// A town fact by id.
    Fact(String),
    /// A parameter by name.
    Param(String),
    /// A table entry for a category: `min_output[category]`.
    Table(String, Box<CNode>),
    /// An exact number (money in 元, percentage points, counts).
    Num(Decimal),
    /// Yes or no.
    Bool(bool),
    /// A category member by id.
    Member(String),
    /// `item in table`.
    InTable(Box<CNode>, String),
    /// `item in [a, b]` (member ids, sorted).
    InList(Box<CNode>, Vec<String>),
    /// Negation.
    Not(Box<CNode>),
    /// Arithmetic negation.
    Neg(Box<CNode>),
    /// Conjunction (flattened, sorted, without duplicates).
    And(Vec<CNode>),
    /// Disjunction (flattened, sorted, without duplicates).
    Or(Vec<CNode>),
    /// A comparison; `<`/`<=` are turned around into `>`/`>=`.
    Cmp(&'static str, Box<CNode>, Box<CNode>),
    /// Arithmetic (`+` and `*` with sorted operands).
    Arith(&'static str, Box<CNode>, Box<CNode>),
    /// `min(a, b)` / `max(a, b)` (operands sorted).
    MinMax(&'static str, Box<CNode>, Box<CNode>),
    /// A statistic over the towns evaluated together: `rank(output_value within county)`.
    Stat(&'static str, String, Option<String>),
    /// An operation this module does not know in detail (shown by its debug form).
    Other(String),
}

impl fmt::Display for CNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CNode::Fact(s) | CNode::Param(s) | CNode::Member(s) | CNode::Other(s) => f.write_str(s),
            CNode::Table(t, k) => write!(f, "{t}[{k}]"),
            CNode::Num(d) => f.write_str(&crate::units::format_decimal(*d)),
            CNode::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            CNode::InTable(x, t) => write!(f, "{x} in {t}"),
            CNode::InList(x, m) => write!(f, "{x} in [{}]", m.join(", ")),
            CNode::Not(x) => write!(f, "not ({x})"),
            CNode::Neg(x) => write!(f, "-({x})"),
            CNode::And(xs) | CNode::Or(xs) => {
                let sep = if matches!(self, CNode::And(_)) {
                    " and "
                } else {
                    " or "
                };
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    if matches!(x, CNode::And(_) | CNode::Or(_)) {
                        write!(f, "({x})")?;
                    } else {
                        write!(f, "{x}")?;
                    }
                }
                Ok(())
            }
            CNode::Cmp(op, l, r) => write!(f, "{l} {op} {r}"),
            CNode::MinMax(f_, a, b) => write!(f, "{f_}({a}, {b})"),
            CNode::Stat(f_, x, None) => write!(f, "{f_}({x})"),
            CNode::Stat(f_, x, Some(w)) => write!(f, "{f_}({x} within {w})"),
            CNode::Arith(op, l, r) => {
                let wrap = |x: &CNode| match x {
                    CNode::Arith(..) => format!("({x})"),
                    _ => x.to_string(),
                };
                write!(f, "{} {op} {}", wrap(l), wrap(r))
            }
        }
    }
}

/// Build the canonical form of node `n` of `rs`.
pub fn canon(rs: &RuleSet, n: NodeId) -> CNode {
    build(rs, n, None)
}

fn member_id(rs: &RuleSet, set: Option<usize>, m: u16) -> String {
    let set = set.or(if rs.categories.len() == 1 {
        Some(0)
    } else {
        None
    });
    set.and_then(|s| rs.categories.get(s))
        .and_then(|c| c.members.get(m as usize))
        .map(|x| x.id.clone())
        .unwrap_or_else(|| format!("#{m}"))
}

/// The category set a node's value belongs to, if it is a category fact.
fn set_of(rs: &RuleSet, n: NodeId) -> Option<usize> {
    match rs.ops.get(n as usize)? {
        Op::Fact(f) => match rs.facts.get(*f as usize)?.kind {
            Kind::Category(s) => Some(s),
            _ => None,
        },
        Op::Param(p) => match rs.params.get(*p as usize)?.kind {
            Kind::Category(s) => Some(s),
            _ => None,
        },
        Op::Const(_)
        | Op::Lookup { .. }
        | Op::InTable { .. }
        | Op::InList { .. }
        | Op::Not(_)
        | Op::Neg(_)
        | Op::Logic { .. }
        | Op::Cmp { .. }
        | Op::Arith { .. }
        | Op::Stat { .. }
        | Op::Min(..)
        | Op::Max(..)
        | Op::Rescale(..) => None,
    }
}

fn build(rs: &RuleSet, n: NodeId, set: Option<usize>) -> CNode {
    let Some(op) = rs.ops.get(n as usize).copied() else {
        return CNode::Other(format!("#{n}"));
    };
    let name_of_param = |p: u32| {
        rs.params
            .get(p as usize)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| format!("param#{p}"))
    };
    let table_name = |t: u32| {
        rs.tables
            .get(t as usize)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| format!("table#{t}"))
    };
    match op {
        Op::Fact(f) => CNode::Fact(
            rs.facts
                .get(f as usize)
                .map(|x| x.id.clone())
                .unwrap_or_else(|| format!("fact#{f}")),
        ),
        Op::Param(p) => CNode::Param(name_of_param(p)),
        Op::Const(Const::Num(d)) => CNode::Num(d.normalize()),
        Op::Const(Const::Bool(b)) => CNode::Bool(b),
        Op::Const(Const::Member(m)) => CNode::Member(member_id(rs, set, m)),
        Op::Lookup { table, key } => {
            CNode::Table(table_name(table), Box::new(build(rs, key, None)))
        }
        Op::InTable { item, table } => {
            CNode::InTable(Box::new(build(rs, item, None)), table_name(table))
        }
        Op::InList { item, members } => {
            let s = set_of(rs, item);
            let mut ids: Vec<String> = (0..64u16)
                .filter(|m| members & (1u64 << m) != 0)
                .map(|m| member_id(rs, s, m))
                .collect();
            ids.sort();
            CNode::InList(Box::new(build(rs, item, None)), ids)
        }
        Op::Not(x) => match build(rs, x, None) {
            CNode::Not(inner) => *inner,
            other => CNode::Not(Box::new(other)),
        },
        Op::Neg(x) => CNode::Neg(Box::new(build(rs, x, set))),
        // A conversion the units imply reads the same as the value it converts.
        Op::Rescale(x, _) => build(rs, x, set),
        Op::Logic { op, lhs, rhs } => {
            let is_and = match op {
                LogicOp::And => true,
                LogicOp::Or => false,
            };
            let mut xs = Vec::new();
            for c in [build(rs, lhs, None), build(rs, rhs, None)] {
                match c {
                    CNode::And(inner) if is_and => xs.extend(inner),
                    CNode::Or(inner) if !is_and => xs.extend(inner),
                    other => xs.push(other),
                }
            }
            xs.sort();
            xs.dedup();
            if is_and {
                CNode::And(xs)
            } else {
                CNode::Or(xs)
            }
        }
        Op::Cmp { op, lhs, rhs } => {
            let s = set_of(rs, lhs).or_else(|| set_of(rs, rhs));
            let l = build(rs, lhs, s);
            let r = build(rs, rhs, s);
            // One direction for orderings (`a <= b` is `b >= a`), sorted sides for `=`/`!=`.
            let (op, l, r) = match op {
                CmpOp::Le | CmpOp::Lt => (op.flip(), r, l),
                CmpOp::Ge | CmpOp::Gt => (op, l, r),
                CmpOp::Eq | CmpOp::Ne if r < l => (op, r, l),
                CmpOp::Eq | CmpOp::Ne => (op, l, r),
            };
            CNode::Cmp(op.ascii(), Box::new(l), Box::new(r))
        }
        Op::Arith { op, lhs, rhs } => {
            let l = build(rs, lhs, set);
            let r = build(rs, rhs, set);
            let sym = op.ascii();
            let (l, r) = if op.commutative() && r < l {
                (r, l)
            } else {
                (l, r)
            };
            CNode::Arith(sym, Box::new(l), Box::new(r))
        }
        Op::Min(a, b) => min_max(rs, "min", a, b, set),
        Op::Max(a, b) => min_max(rs, "max", a, b, set),
        Op::Stat { kind, fact, within } => {
            let fact_id = |f: u32| {
                rs.facts
                    .get(f as usize)
                    .map(|x| x.id.clone())
                    .unwrap_or_else(|| format!("fact#{f}"))
            };
            CNode::Stat(kind.name(), fact_id(fact), within.map(fact_id))
        }
    }
}

/// `min(a, b)` / `max(a, b)` with sorted arguments.
fn min_max(rs: &RuleSet, name: &'static str, a: NodeId, b: NodeId, set: Option<usize>) -> CNode {
    let (x, y) = (build(rs, a, set), build(rs, b, set));
    let (x, y) = if y < x { (y, x) } else { (x, y) };
    CNode::MinMax(name, Box::new(x), Box::new(y))
}

/// Whether a numeric node depends on no town fact (only parameters and constants).
pub fn fact_free(n: &CNode) -> bool {
    match n {
        CNode::Param(_) | CNode::Num(_) => true,
        CNode::Neg(x) => fact_free(x),
        CNode::Arith(_, a, b) | CNode::MinMax(_, a, b) => fact_free(a) && fact_free(b),
        _ => false,
    }
}

/// The value of a fact-free numeric node, with parameter values from `param`.
pub fn value(n: &CNode, param: &dyn Fn(&str) -> Option<Decimal>) -> Option<Decimal> {
    match n {
        CNode::Param(p) => param(p),
        CNode::Num(d) => Some(*d),
        CNode::Neg(x) => value(x, param).map(|d| -d),
        CNode::Arith(op, a, b) => {
            let (a, b) = (value(a, param)?, value(b, param)?);
            match *op {
                "+" => a.checked_add(b),
                "-" => a.checked_sub(b),
                "*" => a.checked_mul(b),
                "/" => a.checked_div(b),
                _ => None,
            }
            .map(|d| d.normalize())
        }
        CNode::MinMax(f, a, b) => {
            let (a, b) = (value(a, param)?, value(b, param)?);
            Some(if *f == "min" { a.min(b) } else { a.max(b) })
        }
        _ => None,
    }
}

/// How the two sides of a comparison move its truth when they grow:
/// `(left, right)`, +1 easier to hold, −1 harder, 0 cannot tell.
fn cmp_signs(op: &str) -> (i8, i8) {
    match op {
        ">=" | ">" => (1, -1),
        _ => (0, 0),
    }
}

fn const_sign(n: &CNode) -> i8 {
    match n {
        CNode::Num(d) if d.is_sign_positive() && !d.is_zero() => 1,
        CNode::Num(d) if d.is_sign_negative() && !d.is_zero() => -1,
        _ => 0,
    }
}

/// How the operands of arithmetic `op` move its value when they grow, given that
/// the whole moves the condition by `e`.
fn arith_signs(op: &str, a: &CNode, b: &CNode, e: i8) -> (i8, i8) {
    match op {
        "+" => (e, e),
        "-" => (e, -e),
        "*" => (e * const_sign(b), e * const_sign(a)),
        "/" => (e * const_sign(b), 0),
        _ => (0, 0),
    }
}

/// A leaf of a condition that a threshold can be: a parameter, a table, a constant.
#[derive(Debug, Clone)]
pub struct Leaf<'a> {
    /// The leaf.
    pub node: &'a CNode,
    /// +1: raising it makes the condition easier to meet (looser); −1: harder
    /// (stricter); 0: cannot tell.
    pub effect: i8,
    /// The fact on the other side of the comparison, when that side is just a fact.
    pub against: Option<&'a str>,
    /// Whether the leaf is the whole side of the comparison (not inside arithmetic).
    pub whole: bool,
}

/// Visit every parameter, table and constant of a condition with how it enters.
/// `p` is +1 when the condition holding helps a town pass.
pub fn leaves<'a>(n: &'a CNode, p: i8, out: &mut Vec<Leaf<'a>>) {
    match n {
        CNode::And(xs) | CNode::Or(xs) => xs.iter().for_each(|x| leaves(x, p, out)),
        CNode::Not(x) => leaves(x, -p, out),
        CNode::Cmp(op, l, r) => {
            let (ls, rs) = cmp_signs(op);
            let fact = |x: &'a CNode| match x {
                CNode::Fact(f) => Some(f.as_str()),
                _ => None,
            };
            numeric(l, p * ls, fact(r), true, out);
            numeric(r, p * rs, fact(l), true, out);
        }
        CNode::Param(_) | CNode::Bool(_) => out.push(Leaf {
            node: n,
            effect: p,
            against: None,
            whole: true,
        }),
        CNode::Other(_)
        | CNode::Fact(_)
        | CNode::Member(_)
        | CNode::InTable(..)
        | CNode::InList(..)
        | CNode::Num(_)
        | CNode::Table(..)
        | CNode::Neg(_)
        | CNode::Arith(..)
        | CNode::MinMax(..)
        | CNode::Stat(..) => {}
    }
}

fn numeric<'a>(
    n: &'a CNode,
    e: i8,
    against: Option<&'a str>,
    whole: bool,
    out: &mut Vec<Leaf<'a>>,
) {
    match n {
        CNode::Param(_) | CNode::Num(_) | CNode::Table(..) => out.push(Leaf {
            node: n,
            effect: e,
            against,
            whole,
        }),
        CNode::Neg(x) => numeric(x, -e, against, false, out),
        CNode::Arith(op, a, b) => {
            let (ea, eb) = arith_signs(op, a, b, e);
            numeric(a, ea, against, false, out);
            numeric(b, eb, against, false, out);
        }
        // Both grow with either operand.
        CNode::MinMax(_, a, b) => {
            numeric(a, e, against, false, out);
            numeric(b, e, against, false, out);
        }
        _ => {}
    }
}

/// One place where two conditions of the same shape differ in a threshold value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueChange {
    /// How the condition moves when the value grows (see [`Leaf::effect`]).
    pub effect: i8,
    /// The old value.
    pub old: Decimal,
    /// The new value.
    pub new: Decimal,
}

/// Compare two conditions that may differ only in threshold values: `Some(changes)`
/// when they have the same shape (fact-free numeric parts are compared by value,
/// each with the parameter values of its own side), `None` when the shapes differ
/// or a value is unknown.
pub fn align(
    a: &CNode,
    b: &CNode,
    p: i8,
    va: &dyn Fn(&str) -> Option<Decimal>,
    vb: &dyn Fn(&str) -> Option<Decimal>,
) -> Option<Vec<ValueChange>> {
    let mut out = Vec::new();
    align_bool(a, b, p, va, vb, &mut out).then_some(out)
}

fn align_bool(
    a: &CNode,
    b: &CNode,
    p: i8,
    va: &dyn Fn(&str) -> Option<Decimal>,
    vb: &dyn Fn(&str) -> Option<Decimal>,
    out: &mut Vec<ValueChange>,
) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (CNode::And(xs), CNode::And(ys)) | (CNode::Or(xs), CNode::Or(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .zip(ys)
                    .all(|(x, y)| align_bool(x, y, p, va, vb, out))
        }
        (CNode::Not(x), CNode::Not(y)) => align_bool(x, y, -p, va, vb, out),
        (CNode::Cmp(o1, l1, r1), CNode::Cmp(o2, l2, r2)) if o1 == o2 => {
            let (ls, rs) = cmp_signs(o1);
            align_num(l1, l2, p * ls, va, vb, out) && align_num(r1, r2, p * rs, va, vb, out)
        }
        _ => false,
    }
}

fn align_num(
    a: &CNode,
    b: &CNode,
    e: i8,
    va: &dyn Fn(&str) -> Option<Decimal>,
    vb: &dyn Fn(&str) -> Option<Decimal>,
    out: &mut Vec<ValueChange>,
) -> bool {
    if fact_free(a) && fact_free(b) {
        return match (value(a, va), value(b, vb)) {
            (Some(x), Some(y)) if x == y => true,
            (Some(old), Some(new)) => {
                out.push(ValueChange {
                    effect: e,
                    old,
                    new,
                });
                true
            }
            _ => a == b,
        };
    }
    if a == b {
        return true;
    }
    match (a, b) {
        (CNode::Neg(x), CNode::Neg(y)) => align_num(x, y, -e, va, vb, out),
        (CNode::Arith(o1, a1, b1), CNode::Arith(o2, a2, b2)) if o1 == o2 => {
            let (e1, e2) = arith_signs(o1, a1, b1, e);
            let (f1, f2) = arith_signs(o2, a2, b2, e);
            e1 == f1
                && e2 == f2
                && align_num(a1, a2, e1, va, vb, out)
                && align_num(b1, b2, e2, va, vb, out)
        }
        (CNode::MinMax(f1, a1, b1), CNode::MinMax(f2, a2, b2)) if f1 == f2 => {
            align_num(a1, a2, e, va, vb, out) && align_num(b1, b2, e, va, vb, out)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn leaves_of_a_tolerance() {
        // supporting >= nominal - tolerance
        let c = CNode::Cmp(
            ">=",
            Box::new(CNode::Fact("supporting".into())),
            Box::new(CNode::Arith(
                "-",
                Box::new(CNode::Param("nominal".into())),
                Box::new(CNode::Param("tolerance".into())),
            )),
        );
        let mut out = Vec::new();
        leaves(&c, 1, &mut out);
        let effects: Vec<(String, i8, bool)> = out
            .iter()
            .map(|l| (l.node.to_string(), l.effect, l.whole))
            .collect();
        assert_eq!(
            effects,
            vec![
                ("nominal".to_string(), -1, false),
                ("tolerance".to_string(), 1, false)
            ]
        );
        assert_eq!(out[0].against, Some("supporting"));
    }

    #[test]
    fn aligned_constants_give_directions() {
        let mk = |n: &str| {
            CNode::Cmp(
                ">=",
                Box::new(CNode::Fact("brands".into())),
                Box::new(CNode::Num(d(n))),
            )
        };
        let none = |_: &str| None;
        let ch = align(&mk("1"), &mk("2"), 1, &none, &none).unwrap();
        assert_eq!(
            ch,
            vec![ValueChange {
                effect: -1,
                old: d("1"),
                new: d("2")
            }]
        );
        let other = CNode::Fact("x".into());
        assert!(align(&mk("1"), &other, 1, &none, &none).is_none());
    }
}
