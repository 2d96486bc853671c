//! Explanation plans: a condition lowered to postfix steps that read the columns
//! directly and record the very same atoms, missing facts and parameters, in the same
//! order, as the tree walk ([`Evaluator::walk`]); anything unusual is a [`Step::Tree`]
//! that walks that sub-tree.

use rust_decimal::Decimal;

use crate::compile::{NodeId, Op};
use crate::data::{Bits, Column};
use crate::eval::explain::Atom;
use crate::eval::logic::{compare, margin, Kleene, Tri, V};
use crate::eval::walk::{Record, Recorder};
use crate::eval::Evaluator;
use crate::syntax::ast::{CmpOp, LogicOp};

use super::ints::{bounds, Bounds, Ints};
use super::lower::Lowering;

/// The deepest value stack a plan may need.
pub(super) const PLAN_DEPTH: usize = 16;

/// The right side of a comparison with a numeric fact: the same for every town.
#[derive(Debug, Clone)]
pub(crate) struct Rhs {
    value: V,
    /// For a number: the bounds of the values that pass, and whether negated.
    bounds: Option<(Bounds, bool)>,
    /// For a number: itself at the column's scale when that is an exact integer of at
    /// most 2^62 (so margins are integer differences).
    scaled: Option<i64>,
    /// The parameters it reads, in order, and whether each has a value.
    params: Vec<(usize, bool)>,
}

/// The right side when there is no value to compare with (no table entry, category
/// missing).
static UNKNOWN_RHS: Rhs = Rhs {
    value: V::Unknown,
    bounds: None,
    scaled: None,
    params: Vec::new(),
};

/// A numeric fact's column as a plan reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NumFact<'a> {
    fact: usize,
    values: Ints<'a>,
    present: &'a Bits,
    scale: u32,
}

/// One step of an explanation plan (a condition in postfix order).
#[derive(Debug, Clone)]
pub(crate) enum Step<'a> {
    /// A yes/no fact used as a condition.
    Flag {
        node: NodeId,
        fact: usize,
        values: &'a Bits,
        present: &'a Bits,
    },
    /// A numeric fact compared with a value that is the same for every town.
    Cmp {
        node: NodeId,
        op: CmpOp,
        lhs: NumFact<'a>,
        rhs: Rhs,
    },
    /// A numeric fact compared with a table entry by a category fact.
    CmpLookup {
        node: NodeId,
        op: CmpOp,
        lhs: NumFact<'a>,
        key: usize,
        cats: &'a [u16],
        cat_present: &'a Bits,
        /// Per member of the category set.
        entries: Vec<Rhs>,
    },
    /// A category fact among a set of members.
    CatIn {
        node: NodeId,
        fact: usize,
        cats: &'a [u16],
        present: &'a Bits,
        members: u64,
    },
    /// A connective of the two values on top of the stack.
    Logic(LogicOp),
    /// Negation of the value on top of the stack.
    Not,
    /// Anything else: walk the tree.
    Tree { node: NodeId, top: bool },
}

impl<'a> Lowering<'_, 'a> {
    /// The right side of a comparison when it is the same for every town: its value,
    /// and what recording it adds (by recording it once).
    fn rhs(&self, n: NodeId, op: CmpOp, scale: u32) -> Option<Rhs> {
        if !self.pure(n) || self.quotient(n) {
            return None;
        }
        let (mut atoms, mut missing, mut unset, mut params) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut rec = Recorder {
            atoms: &mut atoms,
            missing: &mut missing,
            unset: &mut unset,
            params: &mut params,
        };
        let value = self.ev.walk(n, 0, &mut rec, false);
        if !atoms.is_empty() || !missing.is_empty() {
            return None;
        }
        if matches!(value, V::Num(_)) && bounds(op, Decimal::ZERO, scale).is_none() {
            return None;
        }
        // Replaying the reads in the order they first happened gives the same lists.
        let params = params.iter().map(|&p| (p, !unset.contains(&p))).collect();
        Some(rhs_of(value, op, scale, params))
    }

    fn num_fact(&self, n: NodeId) -> Option<NumFact<'a>> {
        let Some(Op::Fact(f)) = self.ev.rules.ops.get(n as usize) else {
            return None;
        };
        let fact = *f as usize;
        match self.column(*f)? {
            Column::Money(c) | Column::Num(c) => {
                let (values, scale) = c.scaled()?;
                Some(NumFact {
                    fact,
                    values: Ints::I64(values),
                    present: c.present(),
                    scale,
                })
            }
            Column::Count(c) => Some(NumFact {
                fact,
                values: Ints::U32(c.values()),
                present: c.present(),
                scale: 0,
            }),
            Column::Bool(_) | Column::Cat(_) | Column::Text(_) => None,
        }
    }

    /// The plan of `fact OP rhs`, or `None` to walk the tree.
    fn cmp_step(&self, n: NodeId, op: CmpOp, lhs: NodeId, rhs: NodeId) -> Option<Step<'a>> {
        let lhs = self.num_fact(lhs)?;
        if let Some(r) = self.rhs(rhs, op, lhs.scale) {
            return Some(Step::Cmp {
                node: n,
                op,
                lhs,
                rhs: r,
            });
        }
        let Some(Op::Lookup { table, key }) = self.ev.rules.ops.get(rhs as usize) else {
            return None;
        };
        let (cats, cat_present) = self.cats(*key)?;
        let t = self.ev.rules.tables.get(*table as usize)?;
        if t.entries.len() > 64 {
            return None;
        }
        let entries = t
            .entries
            .iter()
            .map(|e| match e {
                Some(p) => {
                    let v = self.ev.param(*p);
                    let value = v.map_or(V::Unknown, V::of_const);
                    rhs_of(value, op, lhs.scale, vec![(*p, v.is_some())])
                }
                None => UNKNOWN_RHS.clone(),
            })
            .collect();
        Some(Step::CmpLookup {
            node: n,
            op,
            lhs,
            key: self.fact_of(*key),
            cats,
            cat_present,
            entries,
        })
    }

    fn cat_step(&self, n: NodeId, item: NodeId, members: Option<u64>) -> Option<Step<'a>> {
        let (cats, present) = self.cats(item)?;
        Some(Step::CatIn {
            node: n,
            fact: self.fact_of(item),
            cats,
            present,
            members: members?,
        })
    }

    /// The explanation plan of node `n` in postfix order; `top`: the node is used as a
    /// condition (a yes/no fact there is an elementary test).
    pub(super) fn plan(&self, n: NodeId, top: bool, out: &mut Vec<Step<'a>>) {
        let tree = Step::Tree { node: n, top };
        let op = self.ev.rules.ops.get(n as usize).copied();
        let step = match op {
            Some(Op::Fact(f)) if top => match self.column(f) {
                Some(Column::Bool(c)) => Step::Flag {
                    node: n,
                    fact: f as usize,
                    values: c.values(),
                    present: c.present(),
                },
                Some(_) | None => tree,
            },
            Some(Op::Not(x)) => {
                self.plan(x, top, out);
                Step::Not
            }
            Some(Op::Logic { op, lhs, rhs }) => {
                self.plan(lhs, true, out);
                self.plan(rhs, true, out);
                Step::Logic(op)
            }
            Some(Op::InList { item, members }) => {
                self.cat_step(n, item, Some(members)).unwrap_or(tree)
            }
            Some(Op::InTable { item, table }) => {
                self.cat_step(n, item, self.covered(table)).unwrap_or(tree)
            }
            Some(Op::Cmp { op, lhs, rhs }) => self.cmp_step(n, op, lhs, rhs).unwrap_or(tree),
            Some(
                Op::Fact(_)
                | Op::Param(_)
                | Op::Const(_)
                | Op::Lookup { .. }
                | Op::Neg(_)
                | Op::Arith { .. }
                | Op::Stat { .. }
                | Op::Min(..)
                | Op::Max(..)
                | Op::Rescale(..),
            )
            | None => tree,
        };
        out.push(step);
    }

    fn fact_of(&self, n: NodeId) -> usize {
        let Some(Op::Fact(f)) = self.ev.rules.ops.get(n as usize) else {
            return usize::MAX;
        };
        *f as usize
    }
}

fn rhs_of(value: V, op: CmpOp, scale: u32, params: Vec<(usize, bool)>) -> Rhs {
    let (bounds, scaled) = match value {
        V::Num(d) => {
            let scaled = bounds(CmpOp::Eq, d, scale).and_then(|(b, _)| {
                (b.lo == b.hi && b.lo.abs() <= crate::data::SCALED_LIMIT).then_some(b.lo)
            });
            (bounds(op, d, scale), scaled)
        }
        V::Bool(_) | V::Cat(_) | V::Unknown | V::Fault(_) => (None, None),
    };
    Rhs {
        value,
        bounds,
        scaled,
        params,
    }
}

/// The deepest the value stack of a plan gets.
pub(super) fn depth(steps: &[Step<'_>]) -> usize {
    let (mut d, mut max) = (0usize, 0usize);
    for s in steps {
        match s {
            Step::Logic(_) => d = d.saturating_sub(1),
            Step::Not => {}
            Step::Flag { .. }
            | Step::Cmp { .. }
            | Step::CmpLookup { .. }
            | Step::CatIn { .. }
            | Step::Tree { .. } => d += 1,
        }
        max = max.max(d);
    }
    max
}

/// The value stack of a plan.
struct Stack {
    v: [Tri; PLAN_DEPTH],
    sp: usize,
}

impl Stack {
    #[inline]
    fn push(&mut self, t: Tri) {
        if let Some(s) = self.v.get_mut(self.sp) {
            *s = t;
        }
        self.sp += 1;
    }
    #[inline]
    fn pop(&mut self) -> Tri {
        self.sp = self.sp.saturating_sub(1);
        self.v.get(self.sp).copied().unwrap_or(Tri::Unknown)
    }
}

/// The normalized decimal `m / 10^scale`, for a margin.
#[inline]
fn margin_of(mut m: i128, mut scale: u32) -> Option<Decimal> {
    if let Ok(small) = i64::try_from(m) {
        return Some(crate::data::scaled_to_decimal(small, scale));
    }
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    Decimal::try_from_i128_with_scale(m, scale).ok()
}

impl Evaluator<'_> {
    /// A numeric fact of town `row` against a right side (`key_missing`: the category
    /// fact that chose a table entry is missing): whether it holds, recorded as an atom
    /// with the values and the margin (the kernel's, on integers when exact).
    #[inline]
    fn plan_cmp<R: Record>(
        &self,
        row: usize,
        rec: &mut R,
        node: NodeId,
        op: CmpOp,
        lhs: &NumFact<'_>,
        (rhs, key_missing): (&Rhs, Option<usize>),
    ) -> Tri {
        let m = lhs.present.get(row).then(|| lhs.values.at(row));
        if m.is_none() {
            rec.missing(lhs.fact);
        }
        if let Some(key) = key_missing {
            rec.missing(key);
        }
        for &(p, set) in &rhs.params {
            rec.param(p, set);
        }
        let value = m.map_or(V::Unknown, |m| {
            V::Num(crate::data::scaled_to_decimal(m, lhs.scale))
        });
        let holds = match (m, rhs.bounds) {
            (Some(m), Some((b, neg))) => Tri::of_bool((b.lo <= m && m <= b.hi) != neg),
            _ => compare(op, value, rhs.value).tri(),
        };
        if R::ACTIVE {
            let margin = match (m, rhs.scaled) {
                (Some(m), Some(t)) => op
                    .margin(i128::from(m), i128::from(t), i128::checked_sub)
                    .and_then(|x| margin_of(x, lhs.scale)),
                _ => margin(op, value, rhs.value),
            };
            rec.atom(Atom {
                node,
                holds,
                lhs: value,
                rhs: rhs.value,
                margin,
            });
        }
        holds
    }

    /// A yes/no fact of town `row`, recorded as an atom.
    #[inline]
    fn plan_flag<R: Record>(
        &self,
        row: usize,
        rec: &mut R,
        node: NodeId,
        fact: usize,
        (values, present): (&Bits, &Bits),
    ) -> Tri {
        let v = if present.get(row) {
            V::Bool(values.get(row))
        } else {
            rec.missing(fact);
            V::Unknown
        };
        if R::ACTIVE {
            rec.atom(Atom {
                node,
                holds: v.tri(),
                lhs: v,
                rhs: V::Unknown,
                margin: None,
            });
        }
        v.tri()
    }

    /// One step that pushes a value (every step but the connectives).
    #[inline]
    fn plan_leaf<R: Record>(&self, step: &Step<'_>, row: usize, rec: &mut R) -> Tri {
        match step {
            Step::Flag {
                node,
                fact,
                values,
                present,
            } => self.plan_flag(row, rec, *node, *fact, (values, present)),
            Step::Cmp { node, op, lhs, rhs } => {
                self.plan_cmp(row, rec, *node, *op, lhs, (rhs, None))
            }
            Step::CmpLookup {
                node,
                op,
                lhs,
                key,
                cats,
                cat_present,
                entries,
            } => {
                let rhs = if cat_present.get(row) {
                    let c = cats.get(row).copied().unwrap_or(0) as usize;
                    (entries.get(c).unwrap_or(&UNKNOWN_RHS), None)
                } else {
                    (&UNKNOWN_RHS, Some(*key))
                };
                self.plan_cmp(row, rec, *node, *op, lhs, rhs)
            }
            Step::CatIn {
                node,
                fact,
                cats,
                present,
                members,
            } => {
                let (k, v) = if present.get(row) {
                    let m = cats.get(row).copied().unwrap_or(0);
                    (V::Cat(m), V::Bool(m < 64 && (members >> m) & 1 != 0))
                } else {
                    rec.missing(*fact);
                    (V::Unknown, V::Unknown)
                };
                if R::ACTIVE {
                    rec.atom(Atom {
                        node: *node,
                        holds: v.tri(),
                        lhs: k,
                        rhs: V::Unknown,
                        margin: None,
                    });
                }
                v.tri()
            }
            Step::Tree { node, top } => self.walk(*node, row, rec, *top).tri(),
            // Connectives are applied by `run_plan`; reaching one here is a malformed plan.
            Step::Logic(_) | Step::Not => Tri::Unknown,
        }
    }

    /// The value of a condition by its plan, noting in `rec` the same atoms, missing
    /// facts and parameters, in the same order, as walking its tree.
    pub(in crate::eval) fn run_plan<R: Record>(
        &self,
        plan: &[Step<'_>],
        row: usize,
        rec: &mut R,
    ) -> Tri {
        // A single step (the commonest condition): no stack needed.
        if let [step] = plan {
            return self.plan_leaf(step, row, rec);
        }
        let mut stack = Stack {
            v: [Tri::Unknown; PLAN_DEPTH],
            sp: 0,
        };
        for step in plan {
            let t = match step {
                Step::Logic(op) => {
                    let b = stack.pop();
                    op.apply(stack.pop(), b)
                }
                Step::Not => stack.pop().not(),
                Step::Flag { .. }
                | Step::Cmp { .. }
                | Step::CmpLookup { .. }
                | Step::CatIn { .. }
                | Step::Tree { .. } => self.plan_leaf(step, row, rec),
            };
            stack.push(t);
        }
        stack.v[0]
    }
}
