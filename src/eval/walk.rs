//! The tree-walking interpreter of compiled conditions: the reference meaning of every
//! operation, with or without explanation records.
//!
//! One function ([`Evaluator::walk`]) interprets every [`Op`]; what it records is
//! chosen by the [`Record`] it is given. Without records ([`NoRecord`]) `and`/`or` stop
//! at the side that decides them; with records both sides are walked so every
//! elementary test is listed (Kleene logic gives the same value either way).

use super::explain::{push_unique, Atom};
use super::logic::{
    arith, compare_exact, margin_exact, min_max, neg, rescale, Kleene, Quot, Tri, V,
};
use super::Evaluator;
use crate::check::quantities::Rescale;
use crate::compile::{NodeId, Op};
use crate::syntax::ast::{ArithOp, CmpOp};

/// What the interpreter notes while walking a condition.
pub trait Record {
    /// Whether anything is recorded (if not, `and`/`or` may short-circuit).
    const ACTIVE: bool;
    /// An elementary test met.
    fn atom(&mut self, atom: Atom);
    /// A fact the town lacks.
    fn missing(&mut self, fact: usize);
    /// A parameter read, and whether it has a value.
    fn param(&mut self, p: usize, set: bool);
    /// A value assumed for a fact in place of the town's (see `eval::joint`).
    #[inline]
    fn assumed(&self, _fact: usize) -> Option<V> {
        None
    }
}

/// Records nothing: plain evaluation.
pub struct NoRecord;

impl Record for NoRecord {
    const ACTIVE: bool = false;
    #[inline]
    fn atom(&mut self, _: Atom) {}
    #[inline]
    fn missing(&mut self, _: usize) {}
    #[inline]
    fn param(&mut self, _: usize, _: bool) {}
}

/// Where explanations are recorded: the atoms of the condition being evaluated, and
/// the missing facts, unset and used parameters of the criterion.
pub struct Recorder<'r> {
    /// Elementary tests in source order.
    pub atoms: &'r mut Vec<Atom>,
    /// Missing facts (indexes, each once).
    pub missing: &'r mut Vec<usize>,
    /// Parameters without a value (each once).
    pub unset: &'r mut Vec<usize>,
    /// Parameters read (each once).
    pub params: &'r mut Vec<usize>,
}

impl Record for Recorder<'_> {
    const ACTIVE: bool = true;
    #[inline]
    fn atom(&mut self, atom: Atom) {
        self.atoms.push(atom);
    }
    #[inline]
    fn missing(&mut self, fact: usize) {
        push_unique(self.missing, fact);
    }
    #[inline]
    fn param(&mut self, p: usize, set: bool) {
        push_unique(self.params, p);
        if !set {
            push_unique(self.unset, p);
        }
    }
}

/// An atom that is a yes/no or category test (no threshold, no margin).
fn test_atom(node: NodeId, holds: Tri, lhs: V) -> Atom {
    Atom {
        node,
        holds,
        lhs,
        rhs: V::Unknown,
        margin: None,
    }
}

impl Evaluator<'_> {
    /// The value of operation `n` for town `row` (short-circuiting `and`/`or`).
    #[inline]
    pub fn eval(&self, n: NodeId, row: usize) -> V {
        self.walk(n, row, &mut NoRecord, true)
    }

    /// The value of a parameter in force, noting the read.
    fn read_param<R: Record>(&self, p: usize, rec: &mut R) -> V {
        let v = self.param(p).map_or(V::Unknown, V::of_const);
        rec.param(p, v != V::Unknown);
        v
    }

    /// Interpret operation `n` for town `row`, noting in `rec`; `top` marks a position
    /// where a yes/no value is used as a condition (so a bare yes/no fact is an atom).
    pub fn walk<R: Record>(&self, n: NodeId, row: usize, rec: &mut R, top: bool) -> V {
        let Some(&op) = self.rules.ops.get(n as usize) else {
            return V::Unknown;
        };
        match op {
            Op::Fact(f) => {
                let v = rec
                    .assumed(f as usize)
                    .unwrap_or_else(|| self.fact(f as usize, row));
                if v == V::Unknown {
                    rec.missing(f as usize);
                }
                if R::ACTIVE && top {
                    rec.atom(test_atom(n, v.tri(), v));
                }
                v
            }
            Op::Param(p) => self.read_param(p as usize, rec),
            Op::Const(c) => V::of_const(c),
            Op::Lookup { table, key } => match self.walk(key, row, rec, false) {
                V::Cat(m) => match self.rules.tables[table as usize].entries.get(m as usize) {
                    Some(Some(p)) => self.read_param(*p, rec),
                    Some(None) | None => V::Unknown,
                },
                V::Num(_) | V::Bool(_) | V::Unknown | V::Fault(_) => V::Unknown,
            },
            Op::InTable { item, table } => {
                let k = self.walk(item, row, rec, false);
                let v = match k {
                    V::Cat(m) => V::Bool(self.covers(table as usize, m)),
                    V::Num(_) | V::Bool(_) | V::Unknown | V::Fault(_) => V::Unknown,
                };
                if R::ACTIVE {
                    rec.atom(test_atom(n, v.tri(), k));
                }
                v
            }
            Op::InList { item, members } => {
                let k = self.walk(item, row, rec, false);
                let v = match k {
                    V::Cat(m) => V::Bool(m < 64 && members & (1u64 << m) != 0),
                    V::Num(_) | V::Bool(_) | V::Unknown | V::Fault(_) => V::Unknown,
                };
                if R::ACTIVE {
                    rec.atom(test_atom(n, v.tri(), k));
                }
                v
            }
            Op::Not(x) => V::of_tri(self.walk(x, row, rec, top).tri().not()),
            Op::Neg(x) => neg(self.walk(x, row, rec, false)),
            Op::Logic { op, lhs, rhs } => {
                let l = self.walk(lhs, row, rec, true).tri();
                if !R::ACTIVE && op.decided_by(l) {
                    return V::of_tri(l);
                }
                let r = self.walk(rhs, row, rec, true).tri();
                V::of_tri(op.apply(l, r))
            }
            Op::Cmp { op, lhs, rhs } => {
                let (l, lq) = self.side(lhs, row, rec);
                let (r, rq) = self.side(rhs, row, rec);
                let v = compare_exact(op, lq, rq);
                if R::ACTIVE {
                    rec.atom(Atom {
                        node: n,
                        holds: v.tri(),
                        lhs: l,
                        rhs: r,
                        margin: margin_exact(op, (l, lq), (r, rq)),
                    });
                }
                v
            }
            Op::Rescale(x, r) => rescale(r, self.walk(x, row, rec, false)),
            Op::Arith { op, lhs, rhs } => {
                let l = self.walk(lhs, row, rec, false);
                arith(op, l, self.walk(rhs, row, rec, false))
            }
            Op::Stat { fact, .. } => {
                if R::ACTIVE && self.fact(fact as usize, row) == V::Unknown {
                    rec.missing(fact as usize);
                }
                self.stats.value(n as usize, row)
            }
            Op::Min(a, b) => {
                let l = self.walk(a, row, rec, false);
                min_max(true, l, self.walk(b, row, rec, false))
            }
            Op::Max(a, b) => {
                let l = self.walk(a, row, rec, false);
                min_max(false, l, self.walk(b, row, rec, false))
            }
        }
    }

    /// One side of a comparison: its value, and the exact quotient it stands for (a
    /// division, or a percentage read as a ratio) so the comparison never rounds.
    #[inline]
    fn side<R: Record>(&self, n: NodeId, row: usize, rec: &mut R) -> (V, Quot) {
        let op = self.rules.ops.get(n as usize).copied();
        if let Some(Op::Arith {
            op: ArithOp::Div,
            lhs,
            rhs,
        }) = op
        {
            let a = self.walk(lhs, row, rec, false);
            let b = self.walk(rhs, row, rec, false);
            // A quotient that does not fit (overflow) is a fault, as everywhere else.
            return match arith(ArithOp::Div, a, b) {
                q @ V::Fault(_) => (q, Quot::whole(q)),
                q @ (V::Num(_) | V::Bool(_) | V::Cat(_) | V::Unknown) => {
                    (q, Quot { num: a, den: b })
                }
            };
        }
        if let Some(Op::Rescale(x, Rescale::PointsToRatio)) = op {
            let a = self.walk(x, row, rec, false);
            let hundred = V::Num(rust_decimal::Decimal::ONE_HUNDRED);
            return (
                rescale(Rescale::PointsToRatio, a),
                Quot {
                    num: a,
                    den: hundred,
                },
            );
        }
        let v = self.walk(n, row, rec, false);
        (v, Quot::whole(v))
    }

    /// Whether `lhs OP rhs` holds for town `row`, decided exactly as a condition is.
    pub fn compare_nodes(&self, op: CmpOp, lhs: NodeId, rhs: NodeId, row: usize) -> V {
        let (_, l) = self.side(lhs, row, &mut NoRecord);
        let (_, r) = self.side(rhs, row, &mut NoRecord);
        compare_exact(op, l, r)
    }

    /// Whether table `table` has an entry for category member `m`.
    #[inline]
    pub fn covers(&self, table: usize, m: u16) -> bool {
        matches!(
            self.rules
                .tables
                .get(table)
                .and_then(|t| t.entries.get(m as usize)),
            Some(Some(_))
        )
    }
}
