//! Explanation records: why each criterion has its status.

use rust_decimal::Decimal;

use super::logic::{
    criterion_status, discretionary, path, requirement, town_discretionary, Kleene, Outcome, Path,
    Status, Tri, V,
};
use super::walk::Recorder;
use super::Evaluator;
use crate::compile::NodeId;
use crate::syntax::ast::ArithFault;

/// One elementary test met while evaluating a condition: a comparison, a yes/no fact,
/// or a category test, with the values it saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    /// The operation (in the rule set's arena).
    pub node: NodeId,
    /// Whether it held.
    pub holds: Tri,
    /// Left value (for a yes/no fact or a category test: the fact's value).
    pub lhs: V,
    /// Right value (threshold) for a comparison.
    pub rhs: V,
    /// For an ordering comparison of numbers: how far the left side is past the threshold
    /// (positive or zero: passes by that much; negative: short by that much).
    pub margin: Option<Decimal>,
}

/// The evaluation of one condition, with its atoms.
#[derive(Debug, Clone, PartialEq)]
pub struct CondResult {
    /// The condition's value.
    pub value: Tri,
    /// Elementary tests in source order.
    pub atoms: Vec<Atom>,
}

/// The evaluation of one requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct RequireResult {
    /// Whether it holds.
    pub status: Tri,
    /// Which path decided it.
    pub path: Path,
    /// The normal condition.
    pub cond: CondResult,
    /// The relaxation clause: when it applies, and what it requires.
    pub relax: Option<(CondResult, CondResult)>,
}

impl RequireResult {
    /// Set the status and the deciding path from the normal condition and the relaxation:
    /// the requirement holds when its condition holds or the relaxation applies and holds.
    fn decide(&mut self) {
        let relax = self.relax.as_ref().map(|(w, t)| (w.value, t.value));
        self.status = requirement(self.cond.value, relax);
        self.path = path(self.cond.value, relax);
    }
}

/// The explanation of one criterion for one town.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionResult {
    /// Criterion index in the rule set.
    pub index: usize,
    /// Status.
    pub status: Status,
    /// Applicability conditions.
    pub applies: Vec<CondResult>,
    /// A table that does not cover the town's category: (table, member).
    pub uncovered: Option<(usize, u16)>,
    /// Requirements.
    pub requires: Vec<RequireResult>,
    /// Facts the criterion reads that are missing for this town (fact indexes).
    pub missing_facts: Vec<usize>,
    /// Parameters the criterion reads that have no value (parameter indexes).
    pub unset_params: Vec<usize>,
    /// Parameters the criterion reads (for provenance).
    pub params_used: Vec<usize>,
    /// Priority flags and whether each is raised.
    pub priorities: Vec<Tri>,
    /// Met only through a relaxation the document leaves to the authority's discretion.
    pub discretionary: bool,
}

/// The explanation of one town.
#[derive(Debug, Clone, PartialEq)]
pub struct TownResult {
    /// Row of the town in the data.
    pub row: usize,
    /// Outcome.
    pub outcome: Outcome,
    /// Every criterion in order.
    pub criteria: Vec<CriterionResult>,
    /// Recognised only because some criterion is met at the authority's discretion.
    pub discretionary: bool,
    /// Whether the town lacks a category (or another category fact the criteria read)
    /// and its statuses and outcome were decided over every value of it; the verdict
    /// under each value: [`Evaluator::joint_cases_of`].
    pub over_categories: bool,
}

impl Default for TownResult {
    fn default() -> Self {
        TownResult {
            row: 0,
            outcome: Outcome::Undetermined,
            criteria: Vec::new(),
            discretionary: false,
            over_categories: false,
        }
    }
}

impl Default for CondResult {
    fn default() -> Self {
        CondResult {
            value: Tri::Unknown,
            atoms: Vec::new(),
        }
    }
}

impl CriterionResult {
    fn empty(index: usize) -> Self {
        CriterionResult {
            index,
            status: Status::Undetermined,
            applies: Vec::new(),
            uncovered: None,
            requires: Vec::new(),
            missing_facts: Vec::new(),
            unset_params: Vec::new(),
            params_used: Vec::new(),
            priorities: Vec::new(),
            discretionary: false,
        }
    }
}

impl RequireResult {
    fn empty() -> Self {
        RequireResult {
            status: Tri::Unknown,
            path: Path::Neither,
            cond: CondResult::default(),
            relax: None,
        }
    }
}

pub(crate) fn push_unique(v: &mut Vec<usize>, x: usize) {
    if !v.contains(&x) {
        v.push(x);
    }
}

impl Evaluator<'_> {
    /// Evaluate town `row` recording why each criterion has its status.
    pub fn explain(&self, row: usize) -> TownResult {
        let mut out = TownResult::default();
        self.explain_into(row, &mut out);
        out
    }

    /// [`Evaluator::explain`] into `out`, reusing its allocations: explaining many towns
    /// through one `TownResult` allocates nothing once it has grown to size.
    pub fn explain_into(&self, row: usize, out: &mut TownResult) {
        let k = self.rules.criteria.len();
        out.criteria.truncate(k);
        while out.criteria.len() < k {
            out.criteria
                .push(CriterionResult::empty(out.criteria.len()));
        }
        for (c, cr) in out.criteria.iter_mut().enumerate() {
            self.explain_criterion_into(c, row, cr);
        }
        out.row = row;
        out.outcome = Outcome::of(out.criteria.iter().map(|c| c.status));
        out.over_categories = false;
        if self.needs_joint(row) {
            self.refine_explained(row, out);
        }
        out.discretionary =
            town_discretionary(out.outcome, out.criteria.iter().map(|c| c.discretionary));
    }

    /// The verdicts under each value of the missing category facts of the town explained
    /// in `r` (`None` when it was not decided over them).
    pub fn joint_cases_of(&self, r: &TownResult) -> Option<Vec<super::joint::JointCase>> {
        if !r.over_categories {
            return None;
        }
        let statuses: Vec<Status> = r.criteria.iter().map(|c| c.status).collect();
        self.joint_cases(r.row, &statuses)
    }

    /// The atoms and missing facts of priority clause `p` of criterion `c` for town `row`
    /// (recorded only when a report asks why a priority is unknown).
    fn priority_records(&self, c: usize, p: usize, row: usize) -> (Vec<Atom>, Vec<usize>) {
        match self.rules.criteria.get(c).and_then(|x| x.priorities.get(p)) {
            Some(rule) => self.records_of(rule.when.node, row),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// The atoms and missing facts of condition `n` for town `row`.
    fn records_of(&self, n: NodeId, row: usize) -> (Vec<Atom>, Vec<usize>) {
        let (mut atoms, mut missing, mut unset, mut params) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut rec = Recorder {
            atoms: &mut atoms,
            missing: &mut missing,
            unset: &mut unset,
            params: &mut params,
        };
        self.walk(n, row, &mut rec, true);
        (atoms, missing)
    }

    /// The facts that priority flag `i` of the whole rule set reads and town `row` lacks.
    pub fn set_priority_missing(&self, i: usize, row: usize) -> Vec<usize> {
        match self.rules.priorities.get(i) {
            Some(p) => self.records_of(p.rule.when.node, row).1,
            None => Vec::new(),
        }
    }

    /// Whether priority flag `i` of the whole rule set is raised for town `row`.
    pub fn set_priority(&self, i: usize, row: usize) -> Tri {
        match self.rules.priorities.get(i) {
            Some(p) => self.condition(p.rule.when.node, row),
            None => Tri::False,
        }
    }

    /// The value of condition `n` for town `row`, by its plan when it has one.
    fn condition(&self, n: NodeId, row: usize) -> Tri {
        match self.fast.explain_plan(n) {
            Some(plan) => self.run_plan(plan, row, &mut super::walk::NoRecord),
            None => self.eval(n, row).tri(),
        }
    }

    /// The facts that priority rule `p` of criterion `c` reads and town `row` lacks (what
    /// makes an unknown priority unknown).
    pub fn priority_missing(&self, c: usize, p: usize, row: usize) -> Vec<usize> {
        self.priority_records(c, p, row).1
    }

    /// Why priority clause `p` of criterion `c` is unknown for town `row` when arithmetic
    /// in its condition has no result (division by zero, overflow): that fault.
    pub fn priority_fault(&self, c: usize, p: usize, row: usize) -> Option<ArithFault> {
        self.priority_records(c, p, row)
            .0
            .iter()
            .filter(|a| a.holds == Tri::Unknown)
            .find_map(|a| V::fault_of(a.lhs, a.rhs))
    }

    /// Whether town `row` is to be assessed with priority (优先评定): yes when some priority
    /// clause holds, unknown when none holds and some cannot be decided (missing data),
    /// no otherwise — the same values as [`CriterionResult::priorities`].
    pub fn priority_state(&self, row: usize) -> Tri {
        let rs = self.rules;
        rs.criteria
            .iter()
            .flat_map(|c| &c.priorities)
            .chain(rs.priorities.iter().map(|p| &p.rule))
            .fold(Tri::False, |acc, p| {
                if acc == Tri::True {
                    return acc;
                }
                acc.or(self.condition(p.when.node, row))
            })
    }

    /// Decide a town without a category over every category (see `eval::joint`).
    fn refine_explained(&self, row: usize, out: &mut TownResult) {
        let mut statuses: Vec<Status> = out.criteria.iter().map(|c| c.status).collect();
        if let Some(outcome) = self.refine_joint(row, &mut statuses) {
            out.over_categories = true;
            out.outcome = outcome;
            for (c, (cr, s)) in out.criteria.iter_mut().zip(statuses).enumerate() {
                cr.status = s;
                cr.discretionary = self.marked(c, s, cr.requires.iter().map(|r| r.path));
            }
        }
    }

    /// Evaluate criterion `c` for town `row` with explanation records.
    pub fn explain_criterion(&self, c: usize, row: usize) -> CriterionResult {
        let mut out = CriterionResult::empty(c);
        self.explain_criterion_into(c, row, &mut out);
        if let Some(s) = self.joint_status(c, row) {
            out.status = s;
            out.discretionary = self.marked(c, s, out.requires.iter().map(|r| r.path));
        }
        out
    }

    /// [`Evaluator::explain_criterion`] into `out`, reusing its allocations.
    pub fn explain_criterion_into(&self, c: usize, row: usize, out: &mut CriterionResult) {
        let crit = &self.rules.criteria[c];
        let CriterionResult {
            index,
            status,
            applies,
            uncovered,
            requires,
            missing_facts,
            unset_params,
            params_used,
            priorities,
            discretionary: marked,
        } = out;
        *index = c;
        missing_facts.clear();
        unset_params.clear();
        params_used.clear();
        if applies.len() != crit.applies.len() {
            applies.truncate(crit.applies.len());
            applies.resize_with(crit.applies.len(), CondResult::default);
        }
        for (a, slot) in crit.applies.iter().zip(applies.iter_mut()) {
            let mut rec = Recorder {
                atoms: &mut slot.atoms,
                missing: missing_facts,
                unset: unset_params,
                params: params_used,
            };
            slot.value = self.cond_into(a.node, row, &mut rec);
        }
        if requires.len() != crit.requires.len() {
            requires.truncate(crit.requires.len());
            requires.resize_with(crit.requires.len(), RequireResult::empty);
        }
        for (r, slot) in crit.requires.iter().zip(requires.iter_mut()) {
            let mut rec = Recorder {
                atoms: &mut slot.cond.atoms,
                missing: missing_facts,
                unset: unset_params,
                params: params_used,
            };
            slot.cond.value = self.cond_into(r.cond.node, row, &mut rec);
            match &r.relax {
                None => slot.relax = None,
                Some(rx) => {
                    let (w, t) = slot
                        .relax
                        .get_or_insert_with(|| (CondResult::default(), CondResult::default()));
                    let mut rec = Recorder {
                        atoms: &mut w.atoms,
                        missing: missing_facts,
                        unset: unset_params,
                        params: params_used,
                    };
                    w.value = self.cond_into(rx.when.node, row, &mut rec);
                    let mut rec = Recorder {
                        atoms: &mut t.atoms,
                        missing: missing_facts,
                        unset: unset_params,
                        params: params_used,
                    };
                    t.value = self.cond_into(rx.then.node, row, &mut rec);
                }
            }
            slot.decide();
        }
        // A priority's value is the same with or without recording (Kleene logic has no
        // short-circuit effects), and its records are not kept.
        priorities.clear();
        for p in &crit.priorities {
            priorities.push(match self.fast.explain_plan(p.when.node) {
                Some(plan) => self.run_plan(plan, row, &mut super::walk::NoRecord),
                None => self.eval(p.when.node, row).tri(),
            });
        }
        *uncovered = if crit.lookups.is_empty() {
            None
        } else {
            self.uncovered(c, row)
        };
        // The status from the values just recorded, by the one status rule.
        let applies = applies.iter().fold(Tri::True, |a, x| a.and(x.value));
        let required = requires.iter().fold(Tri::True, |a, r| a.and(r.status));
        *status = criterion_status(uncovered.is_some(), applies, required).status();
        *marked = self.marked(c, *status, requires.iter().map(|r| r.path));
    }

    /// The discretionary mark of criterion `c` with `status`, from the path of each
    /// requirement.
    fn marked(&self, c: usize, status: Status, paths: impl Iterator<Item = Path>) -> bool {
        let reqs = &self.rules.criteria[c].requires;
        discretionary(
            status,
            reqs.iter().zip(paths).map(|(r, p)| {
                r.relax.as_ref().is_some_and(|rx| rx.discretionary) && p == Path::Relaxation
            }),
        )
    }

    /// The discretionary mark of criterion `c` for town `row`, whose status is `status`
    /// (for callers that have the status from the fast path).
    pub fn criterion_discretionary(&self, c: usize, row: usize, status: Status) -> bool {
        let crit = &self.rules.criteria[c];
        if status != Status::Met
            || !crit
                .requires
                .iter()
                .any(|r| r.relax.as_ref().is_some_and(|x| x.discretionary))
        {
            return false;
        }
        self.marked(c, status, self.requirement_paths(c, row))
    }

    /// Whether criterion `c`, whose status for town `row` is `status`, is met through a
    /// relaxation clause (a requirement whose normal condition fails, met by its
    /// relaxation) — for callers that have the status from the fast path.
    pub fn criterion_relaxed(&self, c: usize, row: usize, status: Status) -> bool {
        let crit = &self.rules.criteria[c];
        if status != Status::Met || crit.requires.iter().all(|r| r.relax.is_none()) {
            return false;
        }
        self.requirement_paths(c, row)
            .any(|p| p == Path::Relaxation)
    }

    /// The path that decided each requirement of criterion `c` for town `row`.
    fn requirement_paths(&self, c: usize, row: usize) -> impl Iterator<Item = Path> + '_ {
        let cond = move |n| self.eval(n, row).tri();
        self.rules.criteria[c].requires.iter().map(move |r| {
            let relax = r
                .relax
                .as_ref()
                .map(|rx| (cond(rx.when.node), cond(rx.then.node)));
            path(cond(r.cond.node), relax)
        })
    }

    /// The discretionary mark of town `row` with `outcome` and criterion `statuses`.
    pub fn town_discretionary(&self, row: usize, outcome: Outcome, statuses: &[Status]) -> bool {
        town_discretionary(
            outcome,
            statuses
                .iter()
                .enumerate()
                .map(|(c, &s)| self.criterion_discretionary(c, row, s)),
        )
    }

    fn cond_into(&self, n: NodeId, row: usize, rec: &mut Recorder<'_>) -> Tri {
        rec.atoms.clear();
        match self.fast.explain_plan(n) {
            Some(plan) => self.run_plan(plan, row, rec),
            None => self.walk(n, row, rec, true).tri(),
        }
    }

    /// [`Evaluator::explain_criterion`] by walking the condition trees only (the
    /// reference the lowered explanation plans are tested against).
    pub fn explain_criterion_tree(&self, c: usize, row: usize) -> CriterionResult {
        let mut out = CriterionResult::empty(c);
        let crit = &self.rules.criteria[c];
        let CriterionResult {
            applies,
            requires,
            missing_facts,
            unset_params,
            params_used,
            ..
        } = &mut out;
        let mut cond = |n: NodeId, slot: &mut CondResult| {
            let mut rec = Recorder {
                atoms: &mut slot.atoms,
                missing: missing_facts,
                unset: unset_params,
                params: params_used,
            };
            slot.value = self.walk(n, row, &mut rec, true).tri();
        };
        for a in &crit.applies {
            let mut slot = CondResult::default();
            cond(a.node, &mut slot);
            applies.push(slot);
        }
        for r in &crit.requires {
            let mut slot = RequireResult::empty();
            cond(r.cond.node, &mut slot.cond);
            if let Some(rx) = &r.relax {
                let (mut w, mut t) = (CondResult::default(), CondResult::default());
                cond(rx.when.node, &mut w);
                cond(rx.then.node, &mut t);
                slot.relax = Some((w, t));
            }
            slot.decide();
            requires.push(slot);
        }
        out.priorities = crit
            .priorities
            .iter()
            .map(|p| self.eval(p.when.node, row).tri())
            .collect();
        out.uncovered = self.uncovered(c, row);
        out.status = self.status_tree(c, row);
        out.discretionary = self.marked(c, out.status, out.requires.iter().map(|r| r.path));
        out
    }
}
