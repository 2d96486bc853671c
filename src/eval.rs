//! Phase 4: evaluate towns against a compiled rule set.
//!
//! Three-valued (Kleene) logic as DOMAIN.md §3 reads the documents: a missing
//! fact or an unset parameter is *unknown*; `false AND unknown = false`,
//! `true OR unknown = true`. Two entry points:
//! - [`Evaluator::statuses`] (and [`Evaluator::outcome`], [`Evaluator::status`], and
//!   for many towns at once [`Evaluator::statuses_into`], [`Evaluator::par_outcomes`]):
//!   criterion statuses and the outcome only — no allocation, the criteria lowered to
//!   flat programs over the columns and run 64 towns at a time ([`fast`]); the
//!   tree-walking [`Evaluator::eval`] / [`Evaluator::status_tree`] is the reference;
//! - [`Evaluator::explain`]: the same verdicts plus explanation records (every
//!   comparison with its values and margin, the path that decided each
//!   requirement, missing facts, unset parameters, priority flags). No
//!   formatting happens here; `report` turns records into text.

mod explain;
pub mod fast;
mod score;
mod stats;

pub use explain::*;
pub use fast::StatusMasks;
pub use score::*;
pub use stats::{StatColumn, Stats};

use rust_decimal::Decimal;

use crate::check::Const;
use crate::compile::{NodeId, Op, RuleSet};
use crate::data::{Column, Towns};
use crate::syntax::ast::BinOp;

/// A three-valued truth value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tri {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Depends on a missing fact or an unset parameter.
    Unknown,
}

impl Tri {
    fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }
    fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// The status of one criterion for one town.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every requirement holds.
    Met,
    /// Some requirement does not hold.
    NotMet,
    /// The answer depends on missing facts or unset parameters.
    Undetermined,
    /// The criterion does not cover the town (e.g. its category).
    NotApplicable,
}

impl Status {
    /// The status as JSON/CSV write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not_met",
            Status::Undetermined => "undetermined",
            Status::NotApplicable => "not_applicable",
        }
    }
}

/// A town's overall result under a rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every criterion is met.
    Recognized,
    /// Some criterion is not met or not applicable.
    NotRecognized,
    /// Otherwise: some criterion is undetermined.
    Undetermined,
}

impl Outcome {
    /// The outcome as JSON/CSV write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Recognized => "recognized",
            Outcome::NotRecognized => "not_recognized",
            Outcome::Undetermined => "undetermined",
        }
    }

    /// Combine criterion statuses into an outcome (DOMAIN.md §3).
    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Outcome {
        let mut out = Outcome::Recognized;
        for s in statuses {
            match s {
                Status::NotMet | Status::NotApplicable => return Outcome::NotRecognized,
                Status::Undetermined => out = Outcome::Undetermined,
                Status::Met => {}
            }
        }
        out
    }
}

/// A value during evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V {
    /// Money in 元, a count, a number or percentage points.
    Num(Decimal),
    /// Yes/no.
    Bool(bool),
    /// A category member.
    Cat(u16),
    /// Missing fact, unset parameter, or not computable.
    Unknown,
}

impl V {
    fn tri(self) -> Tri {
        match self {
            V::Bool(true) => Tri::True,
            V::Bool(false) => Tri::False,
            _ => Tri::Unknown,
        }
    }
    fn of_tri(t: Tri) -> V {
        match t {
            Tri::True => V::Bool(true),
            Tri::False => V::Bool(false),
            Tri::Unknown => V::Unknown,
        }
    }
    fn of_const(c: Const) -> V {
        match c {
            Const::Num(d) => V::Num(d),
            Const::Bool(b) => V::Bool(b),
            Const::Member(m) => V::Cat(m),
        }
    }
}

/// Evaluates towns against a rule set with the parameter values in force.
pub struct Evaluator<'a> {
    /// The rule set.
    pub rules: &'a RuleSet,
    /// The towns.
    pub towns: &'a Towns,
    params: Vec<Option<Const>>,
    /// Group statistics (rank, percentile …) the rule set uses.
    pub stats: Stats,
    /// Expert score sheets for the rule set's indicator system, if given.
    pub sheets: Option<&'a crate::data::Scores>,
    /// The criteria lowered to flat programs (the fast path).
    fast: fast::Program<'a>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for `rules` over `towns`, reading the parameter values in force.
    pub fn new(rules: &'a RuleSet, towns: &'a Towns) -> Self {
        let mut ev = Evaluator {
            rules,
            towns,
            params: rules.bindings(),
            stats: Stats::compute(rules, towns),
            sheets: None,
            fast: fast::Program::default(),
        };
        ev.fast = fast::Program::lower(&ev);
        ev
    }

    /// An evaluator like [`Evaluator::new`] that reuses group statistics computed before
    /// for the same rule set and towns ([`Stats::compute`]; they do not depend on
    /// parameter values), for callers that evaluate again after each parameter change.
    pub fn with_stats(rules: &'a RuleSet, towns: &'a Towns, stats: Stats) -> Self {
        let mut ev = Evaluator {
            rules,
            towns,
            params: rules.bindings(),
            stats,
            sheets: None,
            fast: fast::Program::default(),
        };
        ev.fast = fast::Program::lower(&ev);
        ev
    }

    /// The lowered program the fast path runs.
    pub fn program(&self) -> &fast::Program<'a> {
        &self.fast
    }

    /// The same evaluator, scoring the indicator system from these expert sheets.
    pub fn with_scores(mut self, sheets: &'a crate::data::Scores) -> Self {
        self.sheets = Some(sheets);
        self
    }

    /// Town `row`'s score on the rule set's indicator system (`None` when it has none).
    pub fn town_score(&self, row: usize) -> Option<TownScore> {
        let sheets = self
            .sheets
            .and_then(|s| s.by_town.get(row))
            .map_or(&[][..], |v| v.as_slice());
        self.score(sheets, row)
    }

    /// The value in force of a parameter.
    pub fn param(&self, p: usize) -> Option<Const> {
        self.params.get(p).copied().flatten()
    }

    /// The value of a fact for the town in row `row`.
    pub fn fact(&self, f: usize, row: usize) -> V {
        match &self.towns.columns[f] {
            Column::Money(c) | Column::Num(c) => c.get(row).map_or(V::Unknown, V::Num),
            Column::Count(c) => c.get(row).map_or(V::Unknown, |n| V::Num(Decimal::from(n))),
            Column::Bool(c) => c.get(row).map_or(V::Unknown, V::Bool),
            Column::Cat(c) => c.get(row).map_or(V::Unknown, V::Cat),
            Column::Text(_) => V::Unknown,
        }
    }

    /// The status of criterion `c` for town `row` by walking the condition trees: the
    /// reference the fast path ([`Evaluator::status`]) is tested against.
    pub fn status_tree(&self, c: usize, row: usize) -> Status {
        let crit = &self.rules.criteria[c];
        if self.uncovered(c, row).is_some() {
            return Status::NotApplicable;
        }
        let mut applies = Tri::True;
        for a in &crit.applies {
            applies = applies.and(self.eval(a.node, row).tri());
        }
        if applies == Tri::False {
            return Status::NotApplicable;
        }
        let mut all = Tri::True;
        for r in &crit.requires {
            let mut t = self.eval(r.cond.node, row).tri();
            if t != Tri::True {
                if let Some(rx) = &r.relax {
                    let w = self.eval(rx.when.node, row).tri();
                    if w != Tri::False {
                        let th = self.eval(rx.then.node, row).tri();
                        t = t.or(w.and(th));
                    }
                }
            }
            all = all.and(t);
            if all == Tri::False {
                break;
            }
        }
        match (applies, all) {
            (_, Tri::False) => Status::NotMet,
            (Tri::True, Tri::True) => Status::Met,
            _ => Status::Undetermined,
        }
    }

    /// The first table lookup of criterion `c` whose table has no entry for the town's
    /// category (table index, member): the criterion does not cover the town.
    pub fn uncovered(&self, c: usize, row: usize) -> Option<(usize, u16)> {
        for &(table, key) in &self.rules.criteria[c].lookups {
            if let V::Cat(m) = self.eval(key, row) {
                let t = &self.rules.tables[table as usize];
                if !matches!(t.entries.get(m as usize), Some(Some(_))) {
                    return Some((table as usize, m));
                }
            }
        }
        None
    }

    /// Evaluate one operation (short-circuiting `and`/`or`).
    pub fn eval(&self, n: NodeId, row: usize) -> V {
        match self.rules.ops[n as usize] {
            Op::Fact(f) => self.fact(f as usize, row),
            Op::Param(p) => self.param(p as usize).map_or(V::Unknown, V::of_const),
            Op::Const(c) => V::of_const(c),
            Op::Lookup { table, key } => match self.eval(key, row) {
                V::Cat(m) => match self.rules.tables[table as usize].entries.get(m as usize) {
                    Some(Some(p)) => self.param(*p).map_or(V::Unknown, V::of_const),
                    _ => V::Unknown,
                },
                _ => V::Unknown,
            },
            Op::InTable { item, table } => match self.eval(item, row) {
                V::Cat(m) => V::Bool(matches!(
                    self.rules.tables[table as usize].entries.get(m as usize),
                    Some(Some(_))
                )),
                _ => V::Unknown,
            },
            Op::InList { item, members } => match self.eval(item, row) {
                V::Cat(m) => V::Bool(m < 64 && members & (1u64 << m) != 0),
                _ => V::Unknown,
            },
            Op::Not(x) => V::of_tri(self.eval(x, row).tri().not()),
            Op::Neg(x) => match self.eval(x, row) {
                V::Num(d) => V::Num(-d),
                _ => V::Unknown,
            },
            Op::And(a, b) => {
                let l = self.eval(a, row).tri();
                if l == Tri::False {
                    return V::Bool(false);
                }
                V::of_tri(l.and(self.eval(b, row).tri()))
            }
            Op::Or(a, b) => {
                let l = self.eval(a, row).tri();
                if l == Tri::True {
                    return V::Bool(true);
                }
                V::of_tri(l.or(self.eval(b, row).tri()))
            }
            Op::Cmp { op, lhs, rhs } => {
                let l = self.eval(lhs, row);
                let r = self.eval(rhs, row);
                compare(op, l, r)
            }
            Op::Arith { op, lhs, rhs } => {
                let l = self.eval(lhs, row);
                let r = self.eval(rhs, row);
                arith(op, l, r)
            }
            Op::Stat { .. } => self.stats.value(n as usize, row),
            Op::Min(a, b) | Op::Max(a, b) => {
                let is_min = matches!(self.rules.ops[n as usize], Op::Min(..));
                min_max(is_min, self.eval(a, row), self.eval(b, row))
            }
        }
    }
}

/// Compare two values; unknown if either is.
pub fn compare(op: BinOp, l: V, r: V) -> V {
    let ord = match (l, r) {
        (V::Num(a), V::Num(b)) => a.cmp(&b),
        (V::Bool(a), V::Bool(b)) => a.cmp(&b),
        (V::Cat(a), V::Cat(b)) => a.cmp(&b),
        _ => return V::Unknown,
    };
    use std::cmp::Ordering::*;
    V::Bool(match op {
        BinOp::Ge => ord != Less,
        BinOp::Gt => ord == Greater,
        BinOp::Le => ord != Greater,
        BinOp::Lt => ord == Less,
        BinOp::Eq => ord == Equal,
        BinOp::Ne => ord != Equal,
        _ => return V::Unknown,
    })
}

/// Exact arithmetic; unknown if an operand is unknown, on overflow or division by zero.
pub fn arith(op: BinOp, l: V, r: V) -> V {
    let (V::Num(a), V::Num(b)) = (l, r) else {
        return V::Unknown;
    };
    let x = match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => a.checked_mul(b),
        BinOp::Div => a.checked_div(b),
        _ => None,
    };
    x.map_or(V::Unknown, |d| V::Num(d.normalize()))
}

impl Tri {
    /// The truth value as JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Tri::True => "true",
            Tri::False => "false",
            Tri::Unknown => "unknown",
        }
    }
}

/// The smaller (or larger) of two numbers; unknown if either is.
pub fn min_max(is_min: bool, l: V, r: V) -> V {
    match (l, r) {
        (V::Num(a), V::Num(b)) => V::Num(if is_min { a.min(b) } else { a.max(b) }),
        _ => V::Unknown,
    }
}
