//! Lowering: each criterion's condition trees become a short list of instructions over
//! the data columns ([`Instr`]), run 64 towns at a time by `block`.

use crate::compile::{NodeId, Op};
use crate::data::{Bits, Column};
use crate::eval::logic::{compare, Tri, V};
use crate::eval::Evaluator;
use crate::syntax::ast::{CmpOp, LogicOp};

use super::ints::{bounds, Bounds, Ints};

/// One instruction; its result is the register with the instruction's index.
#[derive(Debug, Clone)]
pub(super) enum Instr<'a> {
    /// A constant truth value.
    Const(Tri),
    /// A yes/no fact.
    Flag { values: &'a Bits, present: &'a Bits },
    /// A numeric fact compared with a constant: true where the value is in (or, with
    /// `neg`, outside) the bounds.
    Range {
        values: Ints<'a>,
        present: &'a Bits,
        bounds: Bounds,
        neg: bool,
    },
    /// A numeric fact compared with a per-category table entry.
    Lookup {
        values: Ints<'a>,
        present: &'a Bits,
        cats: &'a [u16],
        cat_present: &'a Bits,
        /// Bounds for each member (`known` bit clear: the entry is unknown).
        bounds: Vec<Bounds>,
        known: u64,
        neg: bool,
    },
    /// A category among a set of members (`m < 64`).
    CatIn {
        cats: &'a [u16],
        present: &'a Bits,
        members: u64,
    },
    /// A category not covered by a table: true where uncovered, false elsewhere.
    Uncovered {
        cats: &'a [u16],
        present: &'a Bits,
        covered: u64,
    },
    /// Kleene conjunction or disjunction of two earlier results.
    Logic(LogicOp, u16, u16),
    /// Kleene negation.
    Not(u16),
    /// Tree-walking evaluation of a node, town by town.
    Slow(NodeId),
    /// Tree-walking coverage test of a criterion's table lookups, town by town.
    SlowUncovered(usize),
}

/// A lowered criterion: the instructions, and the registers that hold its conditions.
/// The block runner combines them by the kernel's rules ([`crate::eval::logic`]).
#[derive(Debug, Clone, Default)]
pub(super) struct Crit<'a> {
    pub(super) code: Vec<Instr<'a>>,
    /// Register with the coverage (true: a table does not cover the town's category).
    pub(super) uncovered: Option<u16>,
    /// Registers of the applicability conditions.
    pub(super) applies: Vec<u16>,
    /// Registers of each requirement: its normal condition and its relaxation (when, then).
    pub(super) requires: Vec<(u16, Option<(u16, u16)>)>,
}

/// How an operand of a comparison reads.
enum Operand<'a> {
    /// The same value for every town.
    Const(V),
    /// A numeric fact as integers at a scale.
    Ints(Ints<'a>, &'a Bits, u32),
    /// A category fact.
    Cat(&'a [u16], &'a Bits),
    /// A table entry by a category fact.
    Lookup(u32, &'a [u16], &'a Bits),
    /// Anything else.
    Other,
}

/// Lowers conditions of one evaluator's rule set (and, in `plan`, explanation plans).
pub(super) struct Lowering<'e, 'a> {
    pub(super) ev: &'e Evaluator<'a>,
    code: Vec<Instr<'a>>,
}

/// Lower criterion `c` of the evaluator's rule set.
pub(super) fn criterion<'a>(ev: &Evaluator<'a>, c: usize) -> Crit<'a> {
    let crit = &ev.rules.criteria[c];
    let mut l = Lowering::new(ev);
    let uncovered = l.uncovered(c);
    let applies = crit.applies.iter().map(|a| l.cond(a.node)).collect();
    let requires = crit
        .requires
        .iter()
        .map(|r| {
            let cond = l.cond(r.cond.node);
            let relax = r
                .relax
                .as_ref()
                .map(|rx| (l.cond(rx.when.node), l.cond(rx.then.node)));
            (cond, relax)
        })
        .collect();
    Crit {
        code: l.code,
        uncovered,
        applies,
        requires,
    }
}

impl<'e, 'a> Lowering<'e, 'a> {
    /// A lowering over `ev`'s rule set and columns.
    pub(super) fn new(ev: &'e Evaluator<'a>) -> Self {
        Lowering {
            ev,
            code: Vec::new(),
        }
    }

    fn push(&mut self, i: Instr<'a>) -> u16 {
        self.code.push(i);
        (self.code.len() - 1) as u16
    }

    /// Whether node `n` reads no fact and no statistic (so it is the same for every town).
    pub(super) fn pure(&self, n: NodeId) -> bool {
        match self.ev.rules.ops.get(n as usize) {
            Some(Op::Fact(_) | Op::Stat { .. }) | None => false,
            Some(Op::Param(_) | Op::Const(_)) => true,
            Some(Op::Lookup { key: x, .. })
            | Some(Op::InTable { item: x, .. })
            | Some(Op::InList { item: x, .. })
            | Some(Op::Not(x))
            | Some(Op::Neg(x))
            | Some(Op::Rescale(x, _)) => self.pure(*x),
            Some(
                Op::Logic { lhs: a, rhs: b, .. }
                | Op::Min(a, b)
                | Op::Max(a, b)
                | Op::Cmp { lhs: a, rhs: b, .. }
                | Op::Arith { lhs: a, rhs: b, .. },
            ) => self.pure(*a) && self.pure(*b),
        }
    }

    /// The value of a pure node (it reads no town, so any row will do).
    pub(super) fn fold(&self, n: NodeId) -> V {
        self.ev.eval(n, 0)
    }

    pub(super) fn column(&self, f: u32) -> Option<&'a Column> {
        self.ev.towns.columns.get(f as usize)
    }

    /// The column of a category fact read by node `key`, if it is one.
    pub(super) fn cats(&self, key: NodeId) -> Option<(&'a [u16], &'a Bits)> {
        let Some(Op::Fact(f)) = self.ev.rules.ops.get(key as usize) else {
            return None;
        };
        match self.column(*f)? {
            Column::Cat(c) => Some((c.values(), c.present())),
            Column::Money(_)
            | Column::Num(_)
            | Column::Count(_)
            | Column::Bool(_)
            | Column::Text(_) => None,
        }
    }

    /// Whether node `n` is a quotient (a division, or a percentage read as a ratio): a
    /// comparison with it is decided exactly by the tree walk, never on its rounded value.
    pub(super) fn quotient(&self, n: NodeId) -> bool {
        matches!(
            self.ev.rules.ops.get(n as usize),
            Some(Op::Arith {
                op: crate::syntax::ast::ArithOp::Div,
                ..
            }) | Some(Op::Rescale(
                _,
                crate::check::quantities::Rescale::PointsToRatio
            ))
        )
    }

    fn operand(&self, n: NodeId) -> Operand<'a> {
        if self.quotient(n) {
            return Operand::Other;
        }
        if self.pure(n) {
            return Operand::Const(self.fold(n));
        }
        match self.ev.rules.ops.get(n as usize) {
            Some(Op::Fact(f)) => match self.column(*f) {
                Some(Column::Money(c) | Column::Num(c)) => match c.scaled() {
                    Some((v, s)) => Operand::Ints(Ints::I64(v), c.present(), s),
                    None => Operand::Other,
                },
                Some(Column::Count(c)) => Operand::Ints(Ints::U32(c.values()), c.present(), 0),
                Some(Column::Cat(c)) => Operand::Cat(c.values(), c.present()),
                Some(Column::Bool(_) | Column::Text(_)) | None => Operand::Other,
            },
            Some(Op::Lookup { table, key }) => match self.cats(*key) {
                Some((c, p)) => Operand::Lookup(*table, c, p),
                None => Operand::Other,
            },
            Some(
                Op::Param(_)
                | Op::Const(_)
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
                | Op::Rescale(..),
            )
            | None => Operand::Other,
        }
    }

    /// A condition (its truth value).
    fn cond(&mut self, n: NodeId) -> u16 {
        if self.pure(n) {
            let t = self.fold(n).tri();
            return self.push(Instr::Const(t));
        }
        let op = self.ev.rules.ops.get(n as usize).copied();
        match op {
            Some(Op::Fact(f)) => match self.column(f) {
                Some(Column::Bool(c)) => self.push(Instr::Flag {
                    values: c.values(),
                    present: c.present(),
                }),
                // A fact that is not yes/no is never a truth value.
                Some(_) => self.push(Instr::Const(Tri::Unknown)),
                None => self.push(Instr::Slow(n)),
            },
            Some(Op::Not(x)) => {
                let a = self.cond(x);
                self.push(Instr::Not(a))
            }
            Some(Op::Logic { op, lhs, rhs }) => {
                let (a, b) = (self.cond(lhs), self.cond(rhs));
                self.push(Instr::Logic(op, a, b))
            }
            Some(Op::InList { item, members }) => match self.cats(item) {
                Some((cats, present)) => self.push(Instr::CatIn {
                    cats,
                    present,
                    members,
                }),
                None => self.push(Instr::Slow(n)),
            },
            Some(Op::InTable { item, table }) => match (self.cats(item), self.covered(table)) {
                (Some((cats, present)), Some(members)) => self.push(Instr::CatIn {
                    cats,
                    present,
                    members,
                }),
                _ => self.push(Instr::Slow(n)),
            },
            Some(Op::Cmp { op, lhs, rhs }) => self.cmp(n, op, lhs, rhs),
            // Values that are not conditions, or need the tree walk: town by town.
            Some(
                Op::Param(_)
                | Op::Const(_)
                | Op::Lookup { .. }
                | Op::Neg(_)
                | Op::Arith { .. }
                | Op::Stat { .. }
                | Op::Min(..)
                | Op::Max(..)
                | Op::Rescale(..),
            )
            | None => self.push(Instr::Slow(n)),
        }
    }

    /// The members a table covers, as a bit set (`None` for a set of more than 64).
    pub(super) fn covered(&self, table: u32) -> Option<u64> {
        let t = self.ev.rules.tables.get(table as usize)?;
        if t.entries.len() > 64 {
            return None;
        }
        Some(
            t.entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.is_some())
                .fold(0u64, |acc, (m, _)| acc | (1u64 << m)),
        )
    }

    fn cmp(&mut self, n: NodeId, op: CmpOp, lhs: NodeId, rhs: NodeId) -> u16 {
        let (l, r) = (self.operand(lhs), self.operand(rhs));
        let (op, col, other) = match (l, r) {
            (c @ (Operand::Ints(..) | Operand::Cat(..)), o) => (op, c, o),
            (o, c @ (Operand::Ints(..) | Operand::Cat(..))) => (op.flip(), c, o),
            _ => return self.push(Instr::Slow(n)),
        };
        match (col, other) {
            (Operand::Ints(values, present, scale), Operand::Const(V::Num(d))) => {
                match bounds(op, d, scale) {
                    Some((bounds, neg)) => self.push(Instr::Range {
                        values,
                        present,
                        bounds,
                        neg,
                    }),
                    None => self.push(Instr::Slow(n)),
                }
            }
            // A comparison with an unknown value (unset parameter) or a value of another
            // kind is unknown for every town.
            // An arithmetic fault is unknown too.
            (
                Operand::Ints(..),
                Operand::Const(V::Unknown | V::Fault(_) | V::Bool(_) | V::Cat(_)),
            )
            | (
                Operand::Cat(..),
                Operand::Const(V::Unknown | V::Fault(_) | V::Bool(_) | V::Num(_)),
            ) => self.push(Instr::Const(Tri::Unknown)),
            (Operand::Ints(values, present, scale), Operand::Lookup(table, cats, cat_present)) => {
                let Some(t) = self.ev.rules.tables.get(table as usize) else {
                    return self.push(Instr::Slow(n));
                };
                if t.entries.len() > 64 {
                    return self.push(Instr::Slow(n));
                }
                let mut bs = Vec::with_capacity(t.entries.len());
                let mut known = 0u64;
                let mut negs = Vec::new();
                for (m, e) in t.entries.iter().enumerate() {
                    let v = e
                        .and_then(|p| self.ev.param(p))
                        .map_or(V::Unknown, V::of_const);
                    match v {
                        V::Num(d) => match bounds(op, d, scale) {
                            Some((b, neg)) => {
                                bs.push(b);
                                negs.push(neg);
                                known |= 1u64 << m;
                            }
                            None => return self.push(Instr::Slow(n)),
                        },
                        V::Bool(_) | V::Cat(_) | V::Unknown | V::Fault(_) => {
                            bs.push(Bounds { lo: 1, hi: 0 })
                        }
                    }
                }
                // `neg` depends only on the operator.
                let neg = op == CmpOp::Ne;
                if negs.iter().any(|&x| x != neg) {
                    return self.push(Instr::Slow(n));
                }
                self.push(Instr::Lookup {
                    values,
                    present,
                    cats,
                    cat_present,
                    bounds: bs,
                    known,
                    neg,
                })
            }
            (Operand::Cat(cats, present), Operand::Const(V::Cat(m))) => {
                // Which members `x` satisfy `x op m`.
                let mut members = 0u64;
                for x in 0..64u16 {
                    if compare(op, V::Cat(x), V::Cat(m)) == V::Bool(true) {
                        members |= 1u64 << x;
                    }
                }
                let set = self
                    .ev
                    .rules
                    .categories
                    .iter()
                    .map(|c| c.members.len())
                    .max()
                    .unwrap_or(0);
                if set > 64 {
                    return self.push(Instr::Slow(n));
                }
                self.push(Instr::CatIn {
                    cats,
                    present,
                    members,
                })
            }
            _ => self.push(Instr::Slow(n)),
        }
    }

    /// Whether a criterion's table lookups cover the town's category.
    fn uncovered(&mut self, c: usize) -> Option<u16> {
        let lookups = &self.ev.rules.criteria[c].lookups;
        if lookups.is_empty() {
            return None;
        }
        let mut acc: Option<u16> = None;
        for &(table, key) in lookups {
            let r = if self.pure(key) {
                let unc = match self.fold(key) {
                    V::Cat(m) => !self.ev.covers(table as usize, m),
                    V::Num(_) | V::Bool(_) | V::Unknown | V::Fault(_) => false,
                };
                self.push(Instr::Const(Tri::of_bool(unc)))
            } else {
                match (self.cats(key), self.covered(table)) {
                    (Some((cats, present)), Some(covered)) => self.push(Instr::Uncovered {
                        cats,
                        present,
                        covered,
                    }),
                    _ => return Some(self.push(Instr::SlowUncovered(c))),
                }
            };
            acc = Some(match acc {
                None => r,
                Some(a) => self.push(Instr::Logic(LogicOp::Or, a, r)),
            });
        }
        acc
    }
}
