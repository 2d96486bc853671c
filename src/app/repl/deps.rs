//! Which criteria read which parameter, and which towns a change can affect.
//!
//! When parameters change, [`Deps::plan`] finds the criteria whose conditions read them
//! (directly, through a table lookup, or in arithmetic of parameters). Where every use
//! of a parameter has the shape `TOWN OP THRESHOLD` — `TOWN` an expression of the town's
//! facts and statistics that no parameter enters (`output_value`, `rank(x)`,
//! `output_value - 1亿元`), `THRESHOLD` one of parameters and constants — only the towns
//! whose `TOWN` value lies between the threshold's old and new value can change, and
//! they are found by binary search in the values sorted once per data load.

use std::collections::HashMap;

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::check::Const;
use crate::compile::{NodeId, Op, RuleSet};
use crate::eval::{Evaluator, V};
use crate::syntax::ast::ArithOp;

/// A threshold compared with a town's value, the same for every town it applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Threshold {
    /// A parameter (also a table entry, for the towns of its category).
    Param(usize),
    /// Arithmetic of parameters and constants (`nominal - tolerance`).
    Expr(NodeId),
}

/// Which towns to re-evaluate for a criterion when a parameter changes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reach {
    /// Only towns whose value of a town-side expression (by its node) lies between the
    /// old and the new value of the threshold it is compared with.
    Sorted(Vec<(NodeId, Threshold)>),
    /// Every town.
    All,
}

/// Which criteria read each parameter, and how; town values sorted for the thresholds.
#[derive(Debug, Clone)]
pub struct Deps {
    per_param: Vec<Vec<(usize, Reach)>>,
    index: HashMap<NodeId, Vec<(Decimal, u32)>>,
}

/// What to re-evaluate: per criterion, the rows (`None` = every town).
#[derive(Debug, Default)]
pub struct Plan {
    pub(super) work: Vec<(usize, Option<Vec<u32>>)>,
}

impl Plan {
    /// The number of (town, criterion) cells the plan re-evaluates.
    pub fn cells(&self, towns: usize) -> usize {
        self.work
            .iter()
            .map(|(_, r)| r.as_ref().map_or(towns, Vec::len))
            .sum()
    }
}

/// Collects the parameters a condition reads and how.
pub struct Walk<'a> {
    rs: &'a RuleSet,
    found: HashMap<usize, Reach>,
    /// Met an operation this analysis does not know (then anything may matter).
    pub opaque: bool,
}

impl<'a> Walk<'a> {
    /// A walk over conditions of `rs`.
    pub fn new(rs: &'a RuleSet) -> Self {
        Walk {
            rs,
            found: HashMap::new(),
            opaque: false,
        }
    }

    /// The parameters read so far.
    pub fn params(&self) -> impl Iterator<Item = usize> + '_ {
        self.found.keys().copied()
    }

    fn entries(&self, table: u32) -> Vec<usize> {
        self.rs
            .tables
            .get(table as usize)
            .map(|t| t.entries.iter().flatten().copied().collect())
            .unwrap_or_default()
    }

    fn all(&mut self, p: usize) {
        self.found.insert(p, Reach::All);
    }

    fn sorted(&mut self, p: usize, town: NodeId, t: Threshold) {
        match self
            .found
            .entry(p)
            .or_insert_with(|| Reach::Sorted(Vec::new()))
        {
            Reach::Sorted(v) if !v.contains(&(town, t)) => v.push((town, t)),
            _ => {}
        }
    }

    /// Walk a condition.
    pub fn walk(&mut self, n: NodeId) {
        let Some(op) = self.rs.ops.get(n as usize).copied() else {
            self.opaque = true;
            return;
        };
        match op {
            Op::Fact(_) | Op::Const(_) | Op::Stat { .. } => {}
            Op::Param(p) => self.all(p as usize),
            Op::Lookup { table, key } => {
                for p in self.entries(table) {
                    self.all(p);
                }
                self.walk(key);
            }
            Op::InTable { item, .. } | Op::InList { item, .. } => self.walk(item),
            Op::Not(x) | Op::Neg(x) | Op::Rescale(x, _) => self.walk(x),
            Op::Logic { lhs: a, rhs: b, .. }
            | Op::Min(a, b)
            | Op::Max(a, b)
            | Op::Arith { lhs: a, rhs: b, .. } => {
                self.walk(a);
                self.walk(b);
            }
            Op::Cmp { lhs, rhs, .. } => {
                self.side(lhs, rhs);
                self.side(rhs, lhs);
            }
        }
    }

    /// Whether a node is a number of the town that no parameter enters.
    fn town_side(&self, n: NodeId, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match self.rs.ops.get(n as usize).copied() {
            Some(Op::Fact(f)) => self
                .rs
                .facts
                .get(f as usize)
                .is_some_and(|x| x.kind.is_numeric()),
            Some(Op::Const(Const::Num(_)) | Op::Stat { .. }) => true,
            Some(Op::Neg(x)) => self.town_side(x, depth + 1),
            // A quotient is compared exactly (cross-multiplied), never as a sorted number.
            Some(Op::Arith {
                op: ArithOp::Div, ..
            }) => false,
            Some(
                Op::Min(a, b)
                | Op::Max(a, b)
                | Op::Arith {
                    op: ArithOp::Add | ArithOp::Sub | ArithOp::Mul,
                    lhs: a,
                    rhs: b,
                },
            ) => self.town_side(a, depth + 1) && self.town_side(b, depth + 1),
            Some(
                Op::Const(Const::Bool(_) | Const::Member(_))
                | Op::Rescale(..)
                | Op::Param(_)
                | Op::Lookup { .. }
                | Op::InTable { .. }
                | Op::InList { .. }
                | Op::Not(_)
                | Op::Logic { .. }
                | Op::Cmp { .. },
            )
            | None => false,
        }
    }

    /// The parameters of a threshold of parameters, constants and arithmetic, or `None`
    /// if it reads anything else.
    fn params_of(&self, n: NodeId, out: &mut Vec<usize>, depth: usize) -> Option<()> {
        match self.rs.ops.get(n as usize).copied()? {
            Op::Param(p) => out.push(p as usize),
            Op::Const(_) => {}
            Op::Neg(_) | Op::Min(..) | Op::Max(..) | Op::Arith { .. } | Op::Rescale(..)
                if depth >= 32 =>
            {
                return None
            }
            Op::Neg(x) | Op::Rescale(x, _) => self.params_of(x, out, depth + 1)?,
            Op::Min(a, b) | Op::Max(a, b) | Op::Arith { lhs: a, rhs: b, .. } => {
                self.params_of(a, out, depth + 1)?;
                self.params_of(b, out, depth + 1)?;
            }
            Op::Fact(_)
            | Op::Lookup { .. }
            | Op::InTable { .. }
            | Op::InList { .. }
            | Op::Not(_)
            | Op::Logic { .. }
            | Op::Cmp { .. }
            | Op::Stat { .. } => return None,
        }
        Some(())
    }

    /// One side of a comparison: a threshold compared with a town's number is recorded
    /// with that number's node; anything else is walked as usual.
    fn side(&mut self, this: NodeId, other: NodeId) {
        if self.town_side(other, 0) {
            let town = self.canonical(other);
            match self.rs.ops.get(this as usize).copied() {
                Some(Op::Param(p)) => {
                    return self.sorted(p as usize, town, Threshold::Param(p as usize))
                }
                Some(Op::Lookup { table, key }) => {
                    for p in self.entries(table) {
                        self.sorted(p, town, Threshold::Param(p));
                    }
                    return self.walk(key);
                }
                Some(
                    Op::Fact(_)
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
                | None => {
                    let mut ps = Vec::new();
                    if self.params_of(this, &mut ps, 0).is_some() {
                        for p in ps {
                            self.sorted(p, town, Threshold::Expr(this));
                        }
                        return;
                    }
                }
            }
        }
        self.walk(this)
    }

    /// The first node reading the same fact, so each fact is sorted once.
    fn canonical(&self, n: NodeId) -> NodeId {
        let Some(Op::Fact(f)) = self.rs.ops.get(n as usize) else {
            return n;
        };
        self.rs
            .ops
            .iter()
            .position(|o| *o == Op::Fact(*f))
            .map_or(n, |i| i as NodeId)
    }
}

/// The condition roots that decide a criterion's status (priorities do not).
pub fn status_roots(rs: &RuleSet, c: usize) -> Vec<NodeId> {
    let crit = &rs.criteria[c];
    let mut roots: Vec<NodeId> = crit.applies.iter().map(|a| a.node).collect();
    for r in &crit.requires {
        roots.push(r.cond.node);
        if let Some(rx) = &r.relax {
            roots.push(rx.when.node);
            roots.push(rx.then.node);
        }
    }
    roots.extend(crit.lookups.iter().map(|&(_, key)| key));
    roots
}

/// The numeric value of a parameter value, if it has one.
pub fn num(c: Option<Const>) -> Option<Decimal> {
    match c {
        Some(Const::Num(d)) => Some(d),
        _ => None,
    }
}

/// The value of a threshold under parameter values `b`.
fn const_eval(rs: &RuleSet, n: NodeId, b: &[Option<Const>], depth: usize) -> Option<Decimal> {
    if depth > 32 {
        return None;
    }
    let v = |x: Option<Decimal>| x.map_or(V::Unknown, V::Num);
    let out = match rs.ops.get(n as usize).copied()? {
        Op::Param(p) => return num(b.get(p as usize).copied().flatten()),
        Op::Const(c) => return num(Some(c)),
        Op::Neg(x) => return const_eval(rs, x, b, depth + 1).map(|d| -d),
        Op::Rescale(x, r) => crate::eval::rescale(r, v(const_eval(rs, x, b, depth + 1))),
        Op::Arith { op, lhs, rhs } => crate::eval::arith(
            op,
            v(const_eval(rs, lhs, b, depth + 1)),
            v(const_eval(rs, rhs, b, depth + 1)),
        ),
        Op::Min(x, y) => crate::eval::min_max(
            true,
            v(const_eval(rs, x, b, depth + 1)),
            v(const_eval(rs, y, b, depth + 1)),
        ),
        Op::Max(x, y) => crate::eval::min_max(
            false,
            v(const_eval(rs, x, b, depth + 1)),
            v(const_eval(rs, y, b, depth + 1)),
        ),
        Op::Fact(_)
        | Op::Lookup { .. }
        | Op::InTable { .. }
        | Op::InList { .. }
        | Op::Not(_)
        | Op::Logic { .. }
        | Op::Cmp { .. }
        | Op::Stat { .. } => return None,
    };
    match out {
        V::Num(d) => Some(d),
        _ => None,
    }
}

impl Deps {
    /// Analyse which criteria read each parameter of the evaluator's rule set, and sort
    /// the towns' values compared with thresholds (once per data load).
    pub fn new(ev: &Evaluator<'_>) -> Deps {
        let rs = ev.rules;
        let mut per_param: Vec<Vec<(usize, Reach)>> = vec![Vec::new(); rs.params.len()];
        for c in 0..rs.criteria.len() {
            let mut w = Walk::new(rs);
            for root in status_roots(rs, c) {
                w.walk(root);
            }
            if w.opaque {
                for deps in per_param.iter_mut() {
                    deps.push((c, Reach::All));
                }
                continue;
            }
            let mut found: Vec<(usize, Reach)> = w.found.into_iter().collect();
            found.sort_by_key(|(p, _)| *p);
            for (p, reach) in found {
                if let Some(d) = per_param.get_mut(p) {
                    d.push((c, reach));
                }
            }
        }
        let mut nodes: Vec<NodeId> = per_param
            .iter()
            .flatten()
            .filter_map(|(_, r)| match r {
                Reach::Sorted(v) => Some(v.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
                Reach::All => None,
            })
            .flatten()
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        let n = ev.towns.len();
        let index = nodes
            .into_iter()
            .map(|node| {
                let mut v: Vec<(Decimal, u32)> = (0..n)
                    .into_par_iter()
                    .filter_map(|r| match ev.eval(node, r) {
                        V::Num(d) => Some((d, r as u32)),
                        _ => None,
                    })
                    .collect();
                v.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
                (node, v)
            })
            .collect();
        Deps { per_param, index }
    }

    /// The facts compared with parameter `p` (for showing towns' values).
    pub fn facts_of(&self, rs: &RuleSet, p: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for (_, r) in self.per_param.get(p).into_iter().flatten() {
            if let Reach::Sorted(v) = r {
                for (n, _) in v {
                    if let Some(Op::Fact(f)) = rs.ops.get(*n as usize) {
                        if !out.contains(&(*f as usize)) {
                            out.push(*f as usize);
                        }
                    }
                }
            }
        }
        out
    }

    /// Whether a change of `p` only re-evaluates the towns between the old and the new
    /// threshold (every criterion reading it compares it with a town's number).
    pub fn sorted_only(&self, p: usize) -> bool {
        self.per_param
            .get(p)
            .into_iter()
            .flatten()
            .all(|(_, r)| matches!(r, Reach::Sorted(_)))
    }

    /// What to re-evaluate after parameters changed: `now` is every parameter's value in
    /// force, `changes` the `(parameter, old, new)` values of those that changed.
    pub fn plan(
        &self,
        rs: &RuleSet,
        now: &[Option<Const>],
        changes: &[(usize, Option<Const>, Option<Const>)],
    ) -> Plan {
        let mut before = now.to_vec();
        for &(p, old, _) in changes {
            if let Some(slot) = before.get_mut(p) {
                *slot = old;
            }
        }
        let value = |t: Threshold, b: &[Option<Const>]| match t {
            Threshold::Param(p) => num(b.get(p).copied().flatten()),
            Threshold::Expr(n) => const_eval(rs, n, b, 0),
        };
        let mut work: Vec<(usize, Option<Vec<u32>>)> = Vec::new();
        for &(p, old, new) in changes {
            if old == new {
                continue;
            }
            for (c, reach) in self.per_param.get(p).into_iter().flatten() {
                let slot = match work.iter().position(|(x, _)| x == c) {
                    Some(i) => i,
                    None => {
                        work.push((*c, Some(Vec::new())));
                        work.len() - 1
                    }
                };
                let rows = &mut work[slot].1;
                let Some(list) = rows else { continue };
                let Reach::Sorted(bounds) = reach else {
                    *rows = None;
                    continue;
                };
                for &(node, t) in bounds {
                    let (Some(a), Some(b), Some(ix)) =
                        (value(t, &before), value(t, now), self.index.get(&node))
                    else {
                        *rows = None;
                        break;
                    };
                    let (lo, hi) = (a.min(b), a.max(b));
                    let i = ix.partition_point(|x| x.0 < lo);
                    let j = ix.partition_point(|x| x.0 <= hi);
                    list.extend(ix[i..j.max(i)].iter().map(|x| x.1));
                }
            }
        }
        for (_, rows) in work.iter_mut() {
            if let Some(list) = rows {
                list.sort_unstable();
                list.dedup();
            }
        }
        Plan { work }
    }
}
