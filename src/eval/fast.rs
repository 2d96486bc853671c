//! The fast path: criteria lowered to flat programs over the data columns, run 64
//! towns at a time.
//!
//! [`Evaluator::new`] lowers each criterion's [`crate::compile::Op`] tree once into a
//! short list of specialised instructions that read the columns directly
//! (`output_value >= min_output[category]` becomes one instruction comparing scaled
//! integers against a per-category bound; a yes/no fact is a word of bits). A
//! three-valued result is kept as two bit masks over a block of up to 64 towns
//! ([`crate::eval::Lanes`]), so Kleene `and`/`or`/`not` are two or three machine
//! instructions for 64 towns and nothing branches on data. The relaxation, status and
//! outcome rules are the kernel's ([`crate::eval::logic`]) applied to those masks.
//! Parameters are folded into the instructions; anything unusual (arithmetic on facts,
//! group statistics, decimals that do not fit in 62 bits, two facts compared) runs
//! through the tree walk ([`Evaluator::eval`]) for that one condition, so every rule
//! file gets exactly the reference semantics.
//!
//! - [`lower`]: conditions → instructions;
//! - [`block`]: instructions × 64 towns → statuses and outcomes;
//! - [`plan`]: conditions → explanation plans that record what the tree walk records;
//! - [`ints`]: numeric columns as scaled integers, comparisons as integer ranges.
//!
//! `tests/fast_path.rs` and `tests/differential.rs` check that the paths agree.

mod block;
pub(crate) mod ints;
mod lower;
pub(crate) mod plan;

use super::Evaluator;
use crate::compile::NodeId;

use lower::{Crit, Instr};
use plan::{depth, Step, PLAN_DEPTH};

/// The towns evaluated together in one block (the width of a mask).
pub const BLOCK: usize = 64;

/// The mask of the first `n` lanes.
#[inline]
fn lanes(n: usize) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// The lowered rule set: one program per criterion, and explanation plans.
#[derive(Debug, Clone, Default)]
pub struct Program<'a> {
    crits: Vec<Crit<'a>>,
    regs: usize,
    /// For each condition node of a criterion (applies, requires, relaxations, priorities):
    /// the plan that records its explanation, indexed by node.
    plans: Vec<Option<Vec<Step<'a>>>>,
}

impl<'a> Program<'a> {
    /// Lower every criterion of the evaluator's rule set, and plan the explanation of
    /// every condition.
    pub fn lower(ev: &Evaluator<'a>) -> Program<'a> {
        let crits: Vec<Crit<'a>> = (0..ev.rules.criteria.len())
            .map(|c| lower::criterion(ev, c))
            .collect();
        let regs = crits.iter().map(|c| c.code.len()).max().unwrap_or(0);
        let mut plans: Vec<Option<Vec<Step<'a>>>> = vec![None; ev.rules.ops.len()];
        let l = lower::Lowering::new(ev);
        for n in condition_roots(ev) {
            let mut steps = Vec::new();
            l.plan(n, true, &mut steps);
            if depth(&steps) <= PLAN_DEPTH {
                if let Some(slot) = plans.get_mut(n as usize) {
                    *slot = Some(steps);
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

/// Every condition of every criterion: applies, requirements with their relaxations,
/// priorities.
fn condition_roots<'r>(ev: &'r Evaluator<'_>) -> impl Iterator<Item = NodeId> + 'r {
    let criteria = ev.rules.criteria.iter().flat_map(|crit| {
        let applies = crit.applies.iter().map(|a| a.node);
        let requires = crit.requires.iter().flat_map(|r| {
            std::iter::once(r.cond.node)
                .chain(r.relax.iter().flat_map(|rx| [rx.when.node, rx.then.node]))
        });
        let priorities = crit.priorities.iter().map(|p| p.when.node);
        applies.chain(requires).chain(priorities)
    });
    criteria.chain(ev.rules.priorities.iter().map(|p| p.rule.when.node))
}
