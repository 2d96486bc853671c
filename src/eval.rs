//! Phase 4: evaluate towns against a compiled rule set.
//!
//! Three-valued (Kleene) logic as docs/INTERPRETATION.md §4 reads the documents: a
//! missing fact or an unset parameter is *unknown*; `false AND unknown = false`,
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

pub mod exact;
mod explain;
pub mod fast;
pub mod joint;
pub mod logic;
mod score;
mod stats;
mod walk;

pub use explain::*;
pub use logic::{
    arith, compare, compare_exact, criterion_status, margin, min_max, requirement, rescale, Kleene,
    Lanes, Outcome, OutcomeFold, Path, Quot, Status, Tri, Verdicts, V,
};
pub use score::*;
pub use stats::{StatColumn, Stats};
pub use walk::{NoRecord, Record, Recorder};

use rust_decimal::Decimal;

use crate::check::Const;
use crate::compile::RuleSet;
use crate::data::{Column, Towns};

/// The statuses of one criterion over a block of up to 64 towns (disjoint masks).
pub type StatusMasks = Verdicts<u64>;

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

impl Outcome {
    /// The outcome as JSON/CSV write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Recognized => "recognized",
            Outcome::NotRecognized => "not_recognized",
            Outcome::Undetermined => "undetermined",
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
    /// The category facts criteria read (a town missing one is evaluated under each value).
    joint: Vec<joint::JointFact>,
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
            joint: joint::joint_facts(rules),
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
            joint: joint::joint_facts(rules),
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

    /// The status of criterion `c` for town `row` by walking the condition trees (and,
    /// for a town without a category, under every category): the reference the fast
    /// path ([`Evaluator::status`]) is tested against.
    pub fn status_tree(&self, c: usize, row: usize) -> Status {
        self.joint_status(c, row)
            .unwrap_or_else(|| self.status_with(c, row, &mut NoRecord))
    }

    /// The three-valued status of criterion `c` for town `row`, reading facts through
    /// `rec` (which may assume values for some).
    pub(crate) fn status_with<R: Record>(&self, c: usize, row: usize, rec: &mut R) -> Status {
        let crit = &self.rules.criteria[c];
        let mut cond = |n| self.walk(n, row, rec, true).tri();
        let applies = crit
            .applies
            .iter()
            .fold(Tri::True, |acc, a| acc.and(cond(a.node)));
        let required = crit.requires.iter().fold(Tri::True, |acc, r| {
            let relax = r
                .relax
                .as_ref()
                .map(|rx| (cond(rx.when.node), cond(rx.then.node)));
            acc.and(requirement(cond(r.cond.node), relax))
        });
        let uncovered = self.uncovered_with(c, row, rec).is_some();
        criterion_status(uncovered, applies, required).status()
    }

    /// The first table lookup of criterion `c` whose table has no entry for the town's
    /// category (table index, member): the criterion does not cover the town.
    pub fn uncovered(&self, c: usize, row: usize) -> Option<(usize, u16)> {
        self.uncovered_with(c, row, &mut NoRecord)
    }

    fn uncovered_with<R: Record>(&self, c: usize, row: usize, rec: &mut R) -> Option<(usize, u16)> {
        for &(table, key) in &self.rules.criteria[c].lookups {
            if let V::Cat(m) = self.walk(key, row, rec, false) {
                if !self.covers(table as usize, m) {
                    return Some((table as usize, m));
                }
            }
        }
        None
    }
}
