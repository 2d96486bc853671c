//! The fast path: criteria lowered to flat programs over the data columns, run 64
//! towns at a time.
//!
//! [`Evaluator::new`] lowers each criterion's [`Op`] tree once into a short list of
//! specialised instructions that read the columns directly (`output_value >=
//! min_output[category]` becomes one instruction comparing scaled integers against a
//! per-category bound; a yes/no fact is a word of bits). A three-valued result is kept as
//! two bit masks over a block of up to 64 towns — the towns where it is true and where it
//! is false — so Kleene `and`/`or`/`not` are two or three machine instructions for 64
//! towns and nothing branches on data. Parameters are folded into the instructions;
//! anything unusual (arithmetic on facts, group statistics, decimals that do not fit in 62
//! bits, two facts compared) runs through the tree-walking [`Evaluator::eval`] for that
//! one comparison, so every rule file gets exactly the reference semantics; the tests in
//! `tests/fast_path.rs` check that the two agree on every town of every bundled rule file.

use rayon::prelude::*;
use rust_decimal::Decimal;

use super::{compare, Evaluator, Outcome, Status, Tri, V};
use crate::compile::{NodeId, Op};
use crate::data::{Bits, Column, SCALED_LIMIT};
use crate::syntax::ast::BinOp;

/// The towns evaluated together in one block (the width of a mask).
pub const BLOCK: usize = 64;

/// A three-valued result over a block: `t` where it is true, `f` where it is false,
/// neither where it is unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reg {
    t: u64,
    f: u64,
}

/// The statuses of one criterion over a block, as masks (one bit per town, disjoint).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusMasks {
    /// Towns that meet the criterion.
    pub met: u64,
    /// Towns that do not.
    pub not_met: u64,
    /// Towns for which it is undetermined.
    pub undetermined: u64,
    /// Towns it does not apply to.
    pub not_applicable: u64,
}

impl StatusMasks {
    /// The status of lane `j`.
    #[inline]
    pub fn get(&self, j: usize) -> Status {
        let bit = 1u64 << j;
        if self.not_applicable & bit != 0 {
            Status::NotApplicable
        } else if self.not_met & bit != 0 {
            Status::NotMet
        } else if self.met & bit != 0 {
            Status::Met
        } else {
            Status::Undetermined
        }
    }
}

/// Lower and upper bound of an integer range (inclusive); `lo > hi` is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Bounds {
    lo: i64,
    hi: i64,
}

/// Integer values of a numeric column: scaled decimals or counts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Ints<'a> {
    I64(&'a [i64]),
    U32(&'a [u32]),
}

impl Ints<'_> {
    /// The mask of lanes `start..start + n` whose value lies in `b`.
    #[inline]
    fn in_range(&self, start: usize, n: usize, b: Bounds) -> u64 {
        match *self {
            Ints::I64(v) => pack(v.get(start..start + n), |x| b.lo <= x && x <= b.hi),
            Ints::U32(v) => pack(v.get(start..start + n), |x| {
                let x = i64::from(x);
                b.lo <= x && x <= b.hi
            }),
        }
    }

    /// Value of lane `i` as an integer.
    #[inline]
    fn at(&self, i: usize) -> i64 {
        match *self {
            Ints::I64(v) => v.get(i).copied().unwrap_or(0),
            Ints::U32(v) => v.get(i).map_or(0, |&x| i64::from(x)),
        }
    }
}

/// Bit `j` set where `f(values[j])`; nothing when the slice is out of range.
#[inline]
fn pack<T: Copy>(values: Option<&[T]>, f: impl Fn(T) -> bool) -> u64 {
    let Some(values) = values else { return 0 };
    let mut bits = 0u64;
    for (j, &x) in values.iter().enumerate() {
        bits |= u64::from(f(x)) << j;
    }
    bits
}

/// One instruction; its result is the register with the instruction's index.
#[derive(Debug, Clone)]
enum Instr<'a> {
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
    /// Kleene conjunction of two earlier results.
    And(u16, u16),
    /// Kleene disjunction.
    Or(u16, u16),
    /// Kleene negation.
    Not(u16),
    /// Tree-walking evaluation of a node, town by town.
    Slow(NodeId),
    /// Tree-walking coverage test of a criterion's table lookups, town by town.
    SlowUncovered(usize),
}

/// A lowered criterion.
#[derive(Debug, Clone, Default)]
struct Crit<'a> {
    code: Vec<Instr<'a>>,
    /// Register with the coverage (true: a table does not cover the town's category).
    uncovered: Option<u16>,
    /// Register with the conjunction of the applicability conditions.
    applies: Option<u16>,
    /// Register with the conjunction of the requirements.
    all: Option<u16>,
}

/// The lowered rule set: one program per criterion, and explanation plans.
#[derive(Debug, Clone, Default)]
pub struct Program<'a> {
    crits: Vec<Crit<'a>>,
    regs: usize,
    /// For each condition node of a criterion (applies, requires, relaxations): the plan
    /// that records its explanation, indexed by node.
    plans: Vec<Option<Vec<Step<'a>>>>,
}

/// What recording the right side of a comparison adds, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Push {
    /// A parameter read.
    Param(usize),
    /// A parameter read that has no value.
    Unset(usize),
}

/// The right side of a comparison with a numeric fact: the same for every town.
#[derive(Debug, Clone)]
pub(super) struct Rhs {
    value: V,
    /// For a number: the bounds of the values that pass, and whether negated.
    bounds: Option<(Bounds, bool)>,
    /// For a number: itself at the column's scale when that is an exact integer of at
    /// most 2^62 (so margins are integer differences).
    scaled: Option<i64>,
    pushes: Vec<Push>,
}

/// One step of an explanation plan (a condition in postfix order).
#[derive(Debug, Clone)]
pub(super) enum Step<'a> {
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
        op: BinOp,
        fact: usize,
        values: Ints<'a>,
        present: &'a Bits,
        scale: u32,
        rhs: Rhs,
    },
    /// A numeric fact compared with a table entry by a category fact.
    CmpLookup {
        node: NodeId,
        op: BinOp,
        fact: usize,
        values: Ints<'a>,
        present: &'a Bits,
        scale: u32,
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
    And,
    Or,
    Not,
    /// Anything else: walk the tree.
    Tree {
        node: NodeId,
        top: bool,
    },
}

/// The deepest value stack a plan may need.
const PLAN_DEPTH: usize = 16;

/// Registers kept on the stack for up to this many instructions per criterion.
const STACK_REGS: usize = 48;

/// `m × 10^k` as an exact integer, saturating far beyond any scaled value.
fn clamp_i128(v: Option<i128>, positive: bool) -> i128 {
    let cap = SCALED_LIMIT as i128 + 1;
    match v {
        Some(x) => x.clamp(-cap, cap),
        None if positive => cap,
        None => -cap,
    }
}

/// The integer bounds (at `scale`) of the values `x` with `x op d`, and whether the test
/// is negated (`!=`); `None` for an operator that is not a comparison.
fn bounds(op: BinOp, d: Decimal, scale: u32) -> Option<(Bounds, bool)> {
    let m = d.mantissa();
    let ds = d.scale();
    let positive = m >= 0;
    // x·10^scale as floor and ceiling, clamped to ±(2^62 + 1).
    let (floor, ceil) = if scale >= ds {
        let p = 10i128.checked_pow(scale - ds);
        let v = clamp_i128(p.and_then(|p| m.checked_mul(p)), positive);
        (v, v)
    } else {
        let p = 10i128.checked_pow(ds - scale)?;
        let q = m.div_euclid(p);
        let exact = m.rem_euclid(p) == 0;
        (
            clamp_i128(Some(q), positive),
            clamp_i128(Some(if exact { q } else { q + 1 }), positive),
        )
    };
    let integral = floor == ceil;
    let (floor, ceil) = (floor as i64, ceil as i64);
    let all = (i64::MIN, i64::MAX);
    let (lo, hi, neg) = match op {
        BinOp::Ge => (ceil, all.1, false),
        BinOp::Gt => (floor + 1, all.1, false),
        BinOp::Le => (all.0, floor, false),
        BinOp::Lt => (all.0, ceil - 1, false),
        BinOp::Eq | BinOp::Ne if integral => (floor, floor, op == BinOp::Ne),
        BinOp::Eq | BinOp::Ne => (1, 0, op == BinOp::Ne),
        _ => return None,
    };
    Some((Bounds { lo, hi }, neg))
}

/// The operator with its operands swapped (`a < b` is `b > a`).
fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Ge => BinOp::Le,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Lt => BinOp::Gt,
        o => o,
    }
}

/// The mask of the first `n` lanes.
#[inline]
fn lanes(n: usize) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
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

struct Lowering<'e, 'a> {
    ev: &'e Evaluator<'a>,
    code: Vec<Instr<'a>>,
}

impl<'a> Lowering<'_, 'a> {
    fn push(&mut self, i: Instr<'a>) -> u16 {
        self.code.push(i);
        (self.code.len() - 1) as u16
    }

    /// Whether node `n` reads no fact and no statistic (so it is the same for every town).
    fn pure(&self, n: NodeId) -> bool {
        match self.ev.rules.ops.get(n as usize) {
            Some(Op::Fact(_) | Op::Stat { .. }) | None => false,
            Some(Op::Param(_) | Op::Const(_)) => true,
            Some(Op::Lookup { key: x, .. })
            | Some(Op::InTable { item: x, .. })
            | Some(Op::InList { item: x, .. })
            | Some(Op::Not(x))
            | Some(Op::Neg(x)) => self.pure(*x),
            Some(
                Op::And(a, b)
                | Op::Or(a, b)
                | Op::Min(a, b)
                | Op::Max(a, b)
                | Op::Cmp { lhs: a, rhs: b, .. }
                | Op::Arith { lhs: a, rhs: b, .. },
            ) => self.pure(*a) && self.pure(*b),
        }
    }

    /// The value of a pure node (it reads no town, so any row will do).
    fn fold(&self, n: NodeId) -> V {
        self.ev.eval(n, 0)
    }

    fn column(&self, f: u32) -> Option<&'a Column> {
        self.ev.towns.columns.get(f as usize)
    }

    fn cats(&self, key: NodeId) -> Option<(&'a [u16], &'a Bits)> {
        match self.ev.rules.ops.get(key as usize)? {
            Op::Fact(f) => match self.column(*f)? {
                Column::Cat(c) => Some((c.values(), c.present())),
                _ => None,
            },
            _ => None,
        }
    }

    fn operand(&self, n: NodeId) -> Operand<'a> {
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
                _ => Operand::Other,
            },
            Some(Op::Lookup { table, key }) => match self.cats(*key) {
                Some((c, p)) => Operand::Lookup(*table, c, p),
                None => Operand::Other,
            },
            _ => Operand::Other,
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
            Some(Op::And(a, b)) => {
                let (a, b) = (self.cond(a), self.cond(b));
                self.push(Instr::And(a, b))
            }
            Some(Op::Or(a, b)) => {
                let (a, b) = (self.cond(a), self.cond(b));
                self.push(Instr::Or(a, b))
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
            _ => self.push(Instr::Slow(n)),
        }
    }

    /// The members a table covers, as a bit set (`None` for a set of more than 64).
    fn covered(&self, table: u32) -> Option<u64> {
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

    fn cmp(&mut self, n: NodeId, op: BinOp, lhs: NodeId, rhs: NodeId) -> u16 {
        let (l, r) = (self.operand(lhs), self.operand(rhs));
        let (op, col, other) = match (l, r) {
            (c @ (Operand::Ints(..) | Operand::Cat(..)), o) => (op, c, o),
            (o, c @ (Operand::Ints(..) | Operand::Cat(..))) => (flip(op), c, o),
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
            (Operand::Ints(..), Operand::Const(V::Unknown | V::Bool(_) | V::Cat(_)))
            | (Operand::Cat(..), Operand::Const(V::Unknown | V::Bool(_) | V::Num(_))) => {
                if matches!(
                    op,
                    BinOp::Ge | BinOp::Gt | BinOp::Le | BinOp::Lt | BinOp::Eq | BinOp::Ne
                ) {
                    self.push(Instr::Const(Tri::Unknown))
                } else {
                    self.push(Instr::Slow(n))
                }
            }
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
                        _ => bs.push(Bounds { lo: 1, hi: 0 }),
                    }
                }
                // `neg` depends only on the operator.
                let neg = op == BinOp::Ne;
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
                if set > 64 || !matches!(compare(op, V::Cat(0), V::Cat(0)), V::Bool(_)) {
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

    /// The right side of a comparison when it is the same for every town: its value,
    /// and what recording it adds (by recording it once).
    fn rhs(&self, n: NodeId, op: BinOp, scale: u32) -> Option<Rhs> {
        if !self.pure(n) {
            return None;
        }
        let (mut atoms, mut missing, mut unset, mut params) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut rec = super::explain::Recorder {
            atoms: &mut atoms,
            missing: &mut missing,
            unset: &mut unset,
            params: &mut params,
        };
        let value = self.ev.xeval(n, 0, &mut rec, false);
        if !atoms.is_empty() || !missing.is_empty() {
            return None;
        }
        if matches!(value, V::Num(_)) && bounds(op, Decimal::ZERO, scale).is_none() {
            return None;
        }
        // Replaying pushes in the order they first happened gives the same lists: record
        // them as they came, parameter and (if unset) its unset mark.
        let pushes = params
            .iter()
            .flat_map(|&p| {
                let u = unset.contains(&p).then_some(Push::Unset(p));
                std::iter::once(Push::Param(p)).chain(u)
            })
            .collect();
        Some(self.rhs_of(value, op, scale, pushes))
    }

    fn rhs_of(&self, value: V, op: BinOp, scale: u32, pushes: Vec<Push>) -> Rhs {
        let (bounds, scaled) = match value {
            V::Num(d) => {
                let scaled = bounds(BinOp::Eq, d, scale).and_then(|(b, _)| {
                    (b.lo == b.hi && b.lo.abs() <= SCALED_LIMIT).then_some(b.lo)
                });
                (bounds(op, d, scale), scaled)
            }
            _ => (None, None),
        };
        Rhs {
            value,
            bounds,
            scaled,
            pushes,
        }
    }

    fn ints(&self, n: NodeId) -> Option<(usize, Ints<'a>, &'a Bits, u32)> {
        let Some(Op::Fact(f)) = self.ev.rules.ops.get(n as usize) else {
            return None;
        };
        match self.column(*f)? {
            Column::Money(c) | Column::Num(c) => {
                let (v, s) = c.scaled()?;
                Some((*f as usize, Ints::I64(v), c.present(), s))
            }
            Column::Count(c) => Some((*f as usize, Ints::U32(c.values()), c.present(), 0)),
            _ => None,
        }
    }

    /// The explanation plan of node `n` in postfix order; `top`: the node is used as a
    /// condition (a yes/no fact there is an elementary test).
    fn plan(&self, n: NodeId, top: bool, out: &mut Vec<Step<'a>>) {
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
                _ => tree,
            },
            Some(Op::Not(x)) => {
                self.plan(x, top, out);
                Step::Not
            }
            Some(Op::And(a, b)) => {
                self.plan(a, true, out);
                self.plan(b, true, out);
                Step::And
            }
            Some(Op::Or(a, b)) => {
                self.plan(a, true, out);
                self.plan(b, true, out);
                Step::Or
            }
            Some(Op::InList { item, members }) => match self.cats(item) {
                Some((cats, present)) => Step::CatIn {
                    node: n,
                    fact: self.fact_of(item),
                    cats,
                    present,
                    members,
                },
                None => tree,
            },
            Some(Op::InTable { item, table }) => match (self.cats(item), self.covered(table)) {
                (Some((cats, present)), Some(members)) => Step::CatIn {
                    node: n,
                    fact: self.fact_of(item),
                    cats,
                    present,
                    members,
                },
                _ => tree,
            },
            Some(Op::Cmp { op, lhs, rhs })
                if matches!(
                    op,
                    BinOp::Ge | BinOp::Gt | BinOp::Le | BinOp::Lt | BinOp::Eq | BinOp::Ne
                ) =>
            {
                match self.ints(lhs) {
                    Some((fact, values, present, scale)) => {
                        match (
                            self.rhs(rhs, op, scale),
                            self.ev.rules.ops.get(rhs as usize),
                        ) {
                            (Some(r), _) => Step::Cmp {
                                node: n,
                                op,
                                fact,
                                values,
                                present,
                                scale,
                                rhs: r,
                            },
                            (None, Some(Op::Lookup { table, key })) => {
                                match (self.cats(*key), self.ev.rules.tables.get(*table as usize)) {
                                    (Some((cats, cat_present)), Some(t))
                                        if t.entries.len() <= 64 =>
                                    {
                                        let entries = t
                                            .entries
                                            .iter()
                                            .map(|e| match e {
                                                Some(p) => {
                                                    let v = self.ev.param(*p);
                                                    let mut pushes = vec![Push::Param(*p)];
                                                    if v.is_none() {
                                                        pushes.push(Push::Unset(*p));
                                                    }
                                                    self.rhs_of(
                                                        v.map_or(V::Unknown, V::of_const),
                                                        op,
                                                        scale,
                                                        pushes,
                                                    )
                                                }
                                                None => {
                                                    self.rhs_of(V::Unknown, op, scale, Vec::new())
                                                }
                                            })
                                            .collect();
                                        Step::CmpLookup {
                                            node: n,
                                            op,
                                            fact,
                                            values,
                                            present,
                                            scale,
                                            key: self.fact_of(*key),
                                            cats,
                                            cat_present,
                                            entries,
                                        }
                                    }
                                    _ => tree,
                                }
                            }
                            _ => tree,
                        }
                    }
                    None => tree,
                }
            }
            _ => tree,
        };
        out.push(step);
    }

    fn fact_of(&self, n: NodeId) -> usize {
        match self.ev.rules.ops.get(n as usize) {
            Some(Op::Fact(f)) => *f as usize,
            _ => usize::MAX,
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
                    V::Cat(m) => !matches!(
                        self.ev
                            .rules
                            .tables
                            .get(table as usize)
                            .and_then(|t| t.entries.get(m as usize)),
                        Some(Some(_))
                    ),
                    _ => false,
                };
                self.push(Instr::Const(if unc { Tri::True } else { Tri::False }))
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
                Some(a) => self.push(Instr::Or(a, r)),
            });
        }
        acc
    }
}

impl<'a> Program<'a> {
    /// Lower every criterion of the evaluator's rule set.
    pub fn lower(ev: &Evaluator<'a>) -> Program<'a> {
        let mut crits = Vec::with_capacity(ev.rules.criteria.len());
        for (c, crit) in ev.rules.criteria.iter().enumerate() {
            let mut l = Lowering {
                ev,
                code: Vec::new(),
            };
            let uncovered = l.uncovered(c);
            let mut applies: Option<u16> = None;
            for a in &crit.applies {
                let r = l.cond(a.node);
                applies = Some(match applies {
                    None => r,
                    Some(x) => l.push(Instr::And(x, r)),
                });
            }
            let mut all: Option<u16> = None;
            for r in &crit.requires {
                let mut t = l.cond(r.cond.node);
                if let Some(rx) = &r.relax {
                    let w = l.cond(rx.when.node);
                    let th = l.cond(rx.then.node);
                    let wt = l.push(Instr::And(w, th));
                    t = l.push(Instr::Or(t, wt));
                }
                all = Some(match all {
                    None => t,
                    Some(x) => l.push(Instr::And(x, t)),
                });
            }
            crits.push(Crit {
                code: l.code,
                uncovered,
                applies,
                all,
            });
        }
        let regs = crits.iter().map(|c| c.code.len()).max().unwrap_or(0);
        let mut plans: Vec<Option<Vec<Step<'a>>>> = vec![None; ev.rules.ops.len()];
        let l = Lowering {
            ev,
            code: Vec::new(),
        };
        for crit in &ev.rules.criteria {
            let conds = crit
                .applies
                .iter()
                .map(|a| a.node)
                .chain(crit.requires.iter().flat_map(|r| {
                    std::iter::once(r.cond.node)
                        .chain(r.relax.iter().flat_map(|rx| [rx.when.node, rx.then.node]))
                }));
            let priorities = crit.priorities.iter().map(|p| p.when.node);
            for n in conds.chain(priorities) {
                let mut steps = Vec::new();
                l.plan(n, true, &mut steps);
                if depth(&steps) <= PLAN_DEPTH {
                    if let Some(slot) = plans.get_mut(n as usize) {
                        *slot = Some(steps);
                    }
                }
            }
        }
        Program { crits, regs, plans }
    }

    /// The explanation plan of a condition node.
    pub(super) fn explain_plan(&self, n: NodeId) -> Option<&[Step<'a>]> {
        self.plans.get(n as usize)?.as_deref()
    }

    /// The number of registers a block needs.
    pub fn registers(&self) -> usize {
        self.regs
    }

    /// The number of instructions of every criterion, and how many of them fall back to
    /// tree-walking (for tests and benchmarks).
    pub fn size(&self) -> (usize, usize) {
        let all = self.crits.iter().map(|c| c.code.len()).sum();
        let slow = self
            .crits
            .iter()
            .flat_map(|c| &c.code)
            .filter(|i| matches!(i, Instr::Slow(_) | Instr::SlowUncovered(_)))
            .count();
        (all, slow)
    }
}

/// The deepest the value stack of a plan gets.
fn depth(steps: &[Step<'_>]) -> usize {
    let (mut d, mut max) = (0usize, 0usize);
    for s in steps {
        match s {
            Step::And | Step::Or => d = d.saturating_sub(1),
            Step::Not => {}
            _ => d += 1,
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
    /// Record the explanation of a condition by its plan: the same atoms, missing facts and
    /// parameters, in the same order, as walking its tree ([`Evaluator::xeval`]).
    pub(super) fn run_plan(
        &self,
        plan: &[Step<'_>],
        row: usize,
        rec: &mut super::explain::Recorder<'_>,
    ) -> Tri {
        use super::explain::push_unique;
        use super::Atom;
        // A single yes/no fact (the commonest condition): no stack needed.
        if let [Step::Flag {
            node,
            fact,
            values,
            present,
        }] = plan
        {
            let v = if present.get(row) {
                V::Bool(values.get(row))
            } else {
                push_unique(rec.missing, *fact);
                V::Unknown
            };
            rec.atoms.push(Atom {
                node: *node,
                holds: v.tri(),
                lhs: v,
                rhs: V::Unknown,
                margin: None,
            });
            return v.tri();
        }
        let mut stack = Stack {
            v: [Tri::Unknown; PLAN_DEPTH],
            sp: 0,
        };
        let replay = |rec: &mut super::explain::Recorder<'_>, pushes: &[Push]| {
            for p in pushes {
                match *p {
                    Push::Param(p) => push_unique(rec.params, p),
                    Push::Unset(p) => push_unique(rec.unset, p),
                }
            }
        };
        // A numeric fact against a value; the atom and its truth value.
        let cmp = |rec: &mut super::explain::Recorder<'_>,
                   node: NodeId,
                   op: BinOp,
                   m: Option<i64>,
                   scale: u32,
                   rhs: &Rhs| {
            let lhs = m.map_or(V::Unknown, |m| {
                V::Num(crate::data::scaled_to_decimal(m, scale))
            });
            let (holds, margin) = match (m, rhs.value, rhs.bounds) {
                (Some(m), V::Num(d), Some((b, neg))) => {
                    let holds = if (b.lo <= m && m <= b.hi) != neg {
                        Tri::True
                    } else {
                        Tri::False
                    };
                    let diff = |a: i128, b: i128| match op {
                        BinOp::Ge | BinOp::Gt => Some(a - b),
                        BinOp::Le | BinOp::Lt => Some(b - a),
                        _ => None,
                    };
                    let margin = match rhs.scaled {
                        Some(t) => {
                            diff(i128::from(m), i128::from(t)).and_then(|x| margin_of(x, scale))
                        }
                        None => match (op, lhs) {
                            (BinOp::Ge | BinOp::Gt, V::Num(a)) => {
                                a.checked_sub(d).map(|x| x.normalize())
                            }
                            (BinOp::Le | BinOp::Lt, V::Num(a)) => {
                                d.checked_sub(a).map(|x| x.normalize())
                            }
                            _ => None,
                        },
                    };
                    (holds, margin)
                }
                _ => (compare(op, lhs, rhs.value).tri(), None),
            };
            rec.atoms.push(Atom {
                node,
                holds,
                lhs: V::Unknown,
                rhs: V::Unknown,
                margin: None,
            });
            if let Some(a) = rec.atoms.last_mut() {
                a.lhs = lhs;
                a.rhs = rhs.value;
                a.margin = margin;
            }
            holds
        };
        // One step: its value is the condition's; no need for the stack.
        let single = plan.len() == 1;
        for step in plan {
            match step {
                Step::Flag {
                    node,
                    fact,
                    values,
                    present,
                } => {
                    let v = if present.get(row) {
                        V::Bool(values.get(row))
                    } else {
                        push_unique(rec.missing, *fact);
                        V::Unknown
                    };
                    rec.atoms.push(Atom {
                        node: *node,
                        holds: v.tri(),
                        lhs: v,
                        rhs: V::Unknown,
                        margin: None,
                    });
                    if single {
                        return v.tri();
                    }
                    stack.push(v.tri());
                }
                Step::Cmp {
                    node,
                    op,
                    fact,
                    values,
                    present,
                    scale,
                    rhs,
                } => {
                    let m = present.get(row).then(|| values.at(row));
                    if m.is_none() {
                        push_unique(rec.missing, *fact);
                    }
                    replay(rec, &rhs.pushes);
                    let t = cmp(rec, *node, *op, m, *scale, rhs);
                    if single {
                        return t;
                    }
                    stack.push(t);
                }
                Step::CmpLookup {
                    node,
                    op,
                    fact,
                    values,
                    present,
                    scale,
                    key,
                    cats,
                    cat_present,
                    entries,
                } => {
                    let m = present.get(row).then(|| values.at(row));
                    if m.is_none() {
                        push_unique(rec.missing, *fact);
                    }
                    let unknown = Rhs {
                        value: V::Unknown,
                        bounds: None,
                        scaled: None,
                        pushes: Vec::new(),
                    };
                    let rhs = if cat_present.get(row) {
                        let c = cats.get(row).copied().unwrap_or(0) as usize;
                        entries.get(c).unwrap_or(&unknown)
                    } else {
                        push_unique(rec.missing, *key);
                        &unknown
                    };
                    replay(rec, &rhs.pushes);
                    let t = cmp(rec, *node, *op, m, *scale, rhs);
                    if single {
                        return t;
                    }
                    stack.push(t);
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
                        push_unique(rec.missing, *fact);
                        (V::Unknown, V::Unknown)
                    };
                    rec.atoms.push(Atom {
                        node: *node,
                        holds: v.tri(),
                        lhs: k,
                        rhs: V::Unknown,
                        margin: None,
                    });
                    if single {
                        return v.tri();
                    }
                    stack.push(v.tri());
                }
                Step::And | Step::Or => {
                    let b = stack.pop();
                    let a = stack.pop();
                    let t = if matches!(step, Step::And) {
                        a.and(b)
                    } else {
                        a.or(b)
                    };
                    stack.push(t);
                }
                Step::Not => {
                    let a = stack.pop();
                    stack.push(a.not());
                }
                Step::Tree { node, top } => {
                    let t = self.xeval(*node, row, rec, *top).tri();
                    if single {
                        return t;
                    }
                    stack.push(t);
                }
            }
        }
        stack.v[0]
    }

    /// The truth value of a condition by its plan, recording nothing.
    pub(super) fn plan_value(&self, plan: &[Step<'_>], row: usize) -> Tri {
        let mut stack = Stack {
            v: [Tri::Unknown; PLAN_DEPTH],
            sp: 0,
        };
        let num = |op: BinOp, m: Option<i64>, rhs: &Rhs| match (m, rhs.bounds) {
            (Some(m), Some((b, neg))) => {
                if (b.lo <= m && m <= b.hi) != neg {
                    Tri::True
                } else {
                    Tri::False
                }
            }
            // A missing fact, or a right side that is not a number (plans are made only
            // for comparisons whose numbers have bounds).
            _ => compare(op, V::Unknown, rhs.value).tri(),
        };
        for step in plan {
            let t = match step {
                Step::Flag {
                    values, present, ..
                } => {
                    if present.get(row) {
                        V::Bool(values.get(row)).tri()
                    } else {
                        Tri::Unknown
                    }
                }
                Step::Cmp {
                    op,
                    values,
                    present,
                    rhs,
                    ..
                } => num(*op, present.get(row).then(|| values.at(row)), rhs),
                Step::CmpLookup {
                    op,
                    values,
                    present,
                    cats,
                    cat_present,
                    entries,
                    ..
                } => {
                    let m = present.get(row).then(|| values.at(row));
                    match cat_present
                        .get(row)
                        .then(|| entries.get(cats.get(row).copied().unwrap_or(0) as usize))
                        .flatten()
                    {
                        Some(rhs) => num(*op, m, rhs),
                        None => Tri::Unknown,
                    }
                }
                Step::CatIn {
                    cats,
                    present,
                    members,
                    ..
                } => {
                    if present.get(row) {
                        let m = cats.get(row).copied().unwrap_or(0);
                        V::Bool(m < 64 && (members >> m) & 1 != 0).tri()
                    } else {
                        Tri::Unknown
                    }
                }
                Step::And => {
                    let b = stack.pop();
                    stack.pop().and(b)
                }
                Step::Or => {
                    let b = stack.pop();
                    stack.pop().or(b)
                }
                Step::Not => stack.pop().not(),
                Step::Tree { node, .. } => self.eval(*node, row).tri(),
            };
            stack.push(t);
        }
        stack.v[0]
    }

    /// Run criterion `c` over towns `start..start + n` (`n <= 64`).
    #[inline]
    fn run(&self, c: usize, start: usize, n: usize, regs: &mut [Reg]) -> StatusMasks {
        let lanes = lanes(n);
        let Some(crit) = self.fast.crits.get(c) else {
            return StatusMasks::default();
        };
        for (i, ins) in crit.code.iter().enumerate() {
            let r = match ins {
                Instr::Const(t) => match t {
                    Tri::True => Reg { t: lanes, f: 0 },
                    Tri::False => Reg { t: 0, f: lanes },
                    Tri::Unknown => Reg::default(),
                },
                Instr::Flag { values, present } => {
                    let p = present.block(start, n);
                    let v = values.block(start, n);
                    Reg {
                        t: v & p,
                        f: !v & p,
                    }
                }
                Instr::Range {
                    values,
                    present,
                    bounds,
                    neg,
                } => {
                    let p = present.block(start, n);
                    let mut h = values.in_range(start, n, *bounds);
                    if *neg {
                        h = !h;
                    }
                    Reg {
                        t: h & p,
                        f: !h & p,
                    }
                }
                Instr::Lookup {
                    values,
                    present,
                    cats,
                    cat_present,
                    bounds,
                    known,
                    neg,
                } => {
                    let mut p = present.block(start, n) & cat_present.block(start, n);
                    let mut h = 0u64;
                    for j in 0..n {
                        let m = cats.get(start + j).copied().unwrap_or(0) as usize;
                        let b = bounds.get(m).copied().unwrap_or(Bounds { lo: 1, hi: 0 });
                        let x = values.at(start + j);
                        h |= u64::from(b.lo <= x && x <= b.hi) << j;
                        let k = if m < 64 { (known >> m) & 1 } else { 0 };
                        p &= !((k ^ 1) << j);
                    }
                    if *neg {
                        h = !h;
                    }
                    Reg {
                        t: h & p,
                        f: !h & p,
                    }
                }
                Instr::CatIn {
                    cats,
                    present,
                    members,
                } => {
                    let p = present.block(start, n);
                    let h = pack(cats.get(start..start + n), |m| {
                        m < 64 && (members >> m) & 1 != 0
                    });
                    Reg {
                        t: h & p,
                        f: !h & p,
                    }
                }
                Instr::Uncovered {
                    cats,
                    present,
                    covered,
                } => {
                    let p = present.block(start, n);
                    let h = pack(cats.get(start..start + n), |m| {
                        m >= 64 || (covered >> m) & 1 == 0
                    });
                    Reg {
                        t: h & p,
                        f: lanes & !(h & p),
                    }
                }
                Instr::And(a, b) => {
                    let (a, b) = (regs[*a as usize], regs[*b as usize]);
                    Reg {
                        t: a.t & b.t,
                        f: a.f | b.f,
                    }
                }
                Instr::Or(a, b) => {
                    let (a, b) = (regs[*a as usize], regs[*b as usize]);
                    Reg {
                        t: a.t | b.t,
                        f: a.f & b.f,
                    }
                }
                Instr::Not(a) => {
                    let a = regs[*a as usize];
                    Reg { t: a.f, f: a.t }
                }
                Instr::Slow(node) => {
                    let mut r = Reg::default();
                    for j in 0..n {
                        match self.eval(*node, start + j).tri() {
                            Tri::True => r.t |= 1 << j,
                            Tri::False => r.f |= 1 << j,
                            Tri::Unknown => {}
                        }
                    }
                    r
                }
                Instr::SlowUncovered(c) => {
                    let mut r = Reg::default();
                    for j in 0..n {
                        if self.uncovered(*c, start + j).is_some() {
                            r.t |= 1 << j;
                        } else {
                            r.f |= 1 << j;
                        }
                    }
                    r
                }
            };
            regs[i] = r;
        }
        let get = |r: Option<u16>, default: Reg| r.map_or(default, |r| regs[r as usize]);
        let unc = get(crit.uncovered, Reg::default()).t;
        let applies = get(crit.applies, Reg { t: lanes, f: 0 });
        let all = get(crit.all, Reg { t: lanes, f: 0 });
        let na = (unc | applies.f) & lanes;
        let not_met = all.f & !na & lanes;
        let met = applies.t & all.t & !na & !not_met & lanes;
        StatusMasks {
            met,
            not_met,
            undetermined: lanes & !(na | not_met | met),
            not_applicable: na,
        }
    }

    /// Run `f` with a register file for one block.
    #[inline]
    fn with_regs<R>(&self, f: impl FnOnce(&mut [Reg]) -> R) -> R {
        let need = self.fast.regs;
        if need <= STACK_REGS {
            let mut regs = [Reg::default(); STACK_REGS];
            f(&mut regs)
        } else {
            let mut regs = vec![Reg::default(); need];
            f(&mut regs)
        }
    }

    /// The status of criterion `c` for town `row` (the fast path; see
    /// [`Evaluator::status_tree`] for the reference).
    pub fn status(&self, c: usize, row: usize) -> Status {
        self.with_regs(|regs| self.run(c, row, 1, regs).get(0))
    }

    /// Statuses of every criterion for town `row` into `out`, and the outcome.
    pub fn statuses(&self, row: usize, out: &mut [Status]) -> Outcome {
        self.with_regs(|regs| {
            for (c, slot) in out.iter_mut().enumerate().take(self.rules.criteria.len()) {
                *slot = self.run(c, row, 1, regs).get(0);
            }
        });
        Outcome::of(out.iter().copied())
    }

    /// The outcome of town `row`, stopping at the first criterion that decides it.
    pub fn outcome(&self, row: usize) -> Outcome {
        self.with_regs(|regs| {
            let mut out = Outcome::Recognized;
            for c in 0..self.rules.criteria.len() {
                match self.run(c, row, 1, regs).get(0) {
                    Status::NotMet | Status::NotApplicable => return Outcome::NotRecognized,
                    Status::Undetermined => out = Outcome::Undetermined,
                    Status::Met => {}
                }
            }
            out
        })
    }

    /// The status masks of every criterion for towns `start..start + n` (`n <= 64`) into
    /// `out` (one per criterion), and the outcome masks (recognized, not recognized,
    /// undetermined).
    pub fn block(&self, start: usize, n: usize, out: &mut [StatusMasks]) -> [u64; 3] {
        let n = n.min(BLOCK);
        let lanes = lanes(n);
        let (mut bad, mut open) = (0u64, 0u64);
        self.with_regs(|regs| {
            for (c, slot) in out.iter_mut().enumerate().take(self.rules.criteria.len()) {
                let m = self.run(c, start, n, regs);
                bad |= m.not_met | m.not_applicable;
                open |= m.undetermined;
                *slot = m;
            }
        });
        [lanes & !bad & !open, bad, open & !bad]
    }

    /// The outcome masks (recognized, not recognized, undetermined) of towns
    /// `start..start + n` (`n <= 64`).
    pub fn outcome_block(&self, start: usize, n: usize) -> [u64; 3] {
        let n = n.min(BLOCK);
        let lanes = lanes(n);
        let (mut bad, mut open) = (0u64, 0u64);
        self.with_regs(|regs| {
            for c in 0..self.rules.criteria.len() {
                let m = self.run(c, start, n, regs);
                bad |= m.not_met | m.not_applicable;
                open |= m.undetermined;
                if bad == lanes {
                    break;
                }
            }
        });
        [lanes & !bad & !open, bad, open & !bad]
    }

    /// The outcomes of towns `start..start + out.len()`.
    pub fn outcomes_into(&self, start: usize, out: &mut [Outcome]) {
        for (k, chunk) in out.chunks_mut(BLOCK).enumerate() {
            let [rec, _, open] = self.outcome_block(start + k * BLOCK, chunk.len());
            for (j, o) in chunk.iter_mut().enumerate() {
                *o = if rec >> j & 1 != 0 {
                    Outcome::Recognized
                } else if open >> j & 1 != 0 {
                    Outcome::Undetermined
                } else {
                    Outcome::NotRecognized
                };
            }
        }
    }

    /// The statuses (town-major: town `i`'s statuses are `statuses[i * k..(i + 1) * k]` for
    /// `k` criteria) and outcomes of towns `start..start + outcomes.len()`.
    pub fn statuses_into(&self, start: usize, statuses: &mut [Status], outcomes: &mut [Outcome]) {
        let k = self.rules.criteria.len();
        let mut masks = [StatusMasks::default(); 32];
        let mut heap = Vec::new();
        let masks: &mut [StatusMasks] = if k <= masks.len() {
            &mut masks[..k]
        } else {
            heap.resize(k, StatusMasks::default());
            &mut heap
        };
        // Decoding without branches: the status of a lane is the one of its (disjoint)
        // mask bits that is set, none meaning undetermined.
        const STATUS: [Status; 8] = [
            Status::Undetermined,
            Status::Met,
            Status::NotMet,
            Status::NotMet,
            Status::NotApplicable,
            Status::NotApplicable,
            Status::NotApplicable,
            Status::NotApplicable,
        ];
        const OUTCOME: [Outcome; 4] = [
            Outcome::NotRecognized,
            Outcome::Recognized,
            Outcome::Undetermined,
            Outcome::Undetermined,
        ];
        for (b, chunk) in outcomes.chunks_mut(BLOCK).enumerate() {
            let first = start + b * BLOCK;
            let [rec, _, open] = self.block(first, chunk.len(), masks);
            let rows = statuses
                .get_mut(b * BLOCK * k..(b * BLOCK + chunk.len()) * k)
                .unwrap_or_default();
            for (j, o) in chunk.iter_mut().enumerate() {
                *o = OUTCOME[((rec >> j) & 1 | ((open >> j) & 1) << 1) as usize];
                if let Some(row) = rows.get_mut(j * k..(j + 1) * k) {
                    for (s, m) in row.iter_mut().zip(masks.iter()) {
                        let code = (m.met >> j) & 1
                            | ((m.not_met >> j) & 1) << 1
                            | ((m.not_applicable >> j) & 1) << 2;
                        *s = STATUS[code as usize];
                    }
                }
            }
        }
    }

    /// The outcome of every town, on all cores (in town order).
    pub fn par_outcomes(&self) -> Vec<Outcome> {
        let mut out = vec![Outcome::NotRecognized; self.towns.len()];
        const CHUNK: usize = BLOCK * 256;
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(i, c)| self.outcomes_into(i * CHUNK, c));
        out
    }

    /// The statuses (town-major, see [`Evaluator::statuses_into`]) and outcomes of every
    /// town, on all cores.
    pub fn par_statuses(&self) -> (Vec<Status>, Vec<Outcome>) {
        let k = self.rules.criteria.len();
        let n = self.towns.len();
        let mut statuses = vec![Status::Met; n * k];
        let mut outcomes = vec![Outcome::NotRecognized; n];
        const CHUNK: usize = BLOCK * 256;
        if k == 0 {
            outcomes
                .par_chunks_mut(CHUNK)
                .enumerate()
                .for_each(|(i, o)| {
                    self.statuses_into(i * CHUNK, &mut [], o);
                });
        } else {
            statuses
                .par_chunks_mut(CHUNK * k)
                .zip(outcomes.par_chunks_mut(CHUNK))
                .enumerate()
                .for_each(|(i, (s, o))| self.statuses_into(i * CHUNK, s, o));
        }
        (statuses, outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// The integer bounds agree with decimal comparison on values around the threshold.
    #[test]
    fn bounds_are_exact() {
        let thresholds = ["20", "19.99", "0.5", "-3", "-2.5", "100", "1e-10", "0"];
        let ops = [
            BinOp::Ge,
            BinOp::Gt,
            BinOp::Le,
            BinOp::Lt,
            BinOp::Eq,
            BinOp::Ne,
        ];
        for scale in [0u32, 1, 2, 4] {
            for t in thresholds {
                let t = if t == "1e-10" {
                    d("0.0000000001")
                } else {
                    d(t)
                };
                for op in ops {
                    let (b, neg) = bounds(op, t, scale).unwrap();
                    for m in -3000i64..3000 {
                        let x = Decimal::new(m, scale);
                        let want = compare(op, V::Num(x), V::Num(t)) == V::Bool(true);
                        let got = (b.lo <= m && m <= b.hi) != neg;
                        assert_eq!(got, want, "{m}e-{scale} {op:?} {t}");
                    }
                }
            }
        }
        // Thresholds far beyond any scaled value.
        let (b, _) = bounds(BinOp::Ge, d("79228162514264337593543950335"), 28).unwrap();
        assert!(b.lo > SCALED_LIMIT);
        let (b, _) = bounds(BinOp::Le, d("-79228162514264337593543950335"), 4).unwrap();
        assert!(b.hi < -SCALED_LIMIT);
    }
}
