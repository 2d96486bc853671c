//! Verdicts over every value of a missing category.
//!
//! A category has finitely many values, so a town whose category (or any category fact
//! the criteria read) is missing is evaluated under each value in turn: each criterion's
//! status is the one every value gives, else undetermined; the town's outcome is the one
//! every value gives, else undetermined. A town with 0.5亿元 and no category is therefore
//! not recognised under the province (it fails under every covered category, and
//! 文化旅游 is not covered), while one with 25亿元 is undetermined. Yes/no facts stay
//! three-valued (Kleene): only category facts are enumerated.
//!
//! Kleene's rejections are sound (a criterion not met or not applicable under Kleene
//! rejects the town under every value, though it may be not met under some and not
//! applicable under others), so the enumeration never loses a rejection; every evaluator
//! (tree walk, fast path, explanations, outcome-only) applies it the same way, through
//! [`Evaluator::refine_joint`] and [`Evaluator::joint_status`].
//!
//! With more than [`MAX_JOINT_CASES`] combinations for the town, each criterion is still
//! decided over the values of the missing facts it reads (three-valued beyond
//! [`MAX_JOINT_CASES`] of those), and the town's outcome folds what each criterion gives
//! under every one of its values: not recognised when one rejects the town under each,
//! recognised when every one is met under each, otherwise undetermined.

use super::logic::{Outcome, OutcomeFold, Status, Verdicts, V};
use super::walk::Record;
use super::Evaluator;
use crate::check::Kind;
use crate::compile::{NodeId, Op, RuleSet};

/// The most combinations of missing category values enumerated for one town; beyond
/// that the town keeps Kleene's verdicts.
pub const MAX_JOINT_CASES: usize = 32;

/// A category fact that criteria read.
#[derive(Debug, Clone)]
pub struct JointFact {
    /// The fact.
    pub fact: usize,
    /// How many members its category set has.
    pub members: u16,
    /// The criteria whose status reads it.
    pub criteria: Vec<usize>,
}

/// One combination of values for a town's missing category facts, with the verdicts
/// under it.
#[derive(Debug, Clone, PartialEq)]
pub struct JointCase {
    /// The values assumed: (fact, member).
    pub assumed: Vec<(usize, u16)>,
    /// Every criterion's status under them.
    pub statuses: Vec<Status>,
    /// The outcome under them.
    pub outcome: Outcome,
}

/// The category facts read by each criterion's status (applies, requirements,
/// relaxations, table lookups).
pub fn joint_facts(rs: &RuleSet) -> Vec<JointFact> {
    let mut out: Vec<JointFact> = Vec::new();
    for (c, crit) in rs.criteria.iter().enumerate() {
        let mut stack: Vec<NodeId> = crit.status_roots().collect();
        let mut seen = vec![false; rs.ops.len()];
        while let Some(n) = stack.pop() {
            let Some(op) = rs.ops.get(n as usize) else {
                continue;
            };
            if std::mem::replace(&mut seen[n as usize], true) {
                continue;
            }
            if let Op::Fact(f) = *op {
                let f = f as usize;
                let Some(Kind::Category(set)) = rs.facts.get(f).map(|x| x.kind) else {
                    continue;
                };
                let members = rs.categories.get(set).map_or(0, |s| s.members.len());
                match out.iter_mut().find(|j| j.fact == f) {
                    Some(j) if !j.criteria.contains(&c) => j.criteria.push(c),
                    Some(_) => {}
                    None => out.push(JointFact {
                        fact: f,
                        members: u16::try_from(members).unwrap_or(u16::MAX),
                        criteria: vec![c],
                    }),
                }
            }
            stack.extend(op.children());
        }
    }
    out
}

/// Reads assumed values for some facts, recording into another recorder.
pub struct Assuming<'x, R: Record> {
    /// Where the records go.
    pub inner: &'x mut R,
    /// The assumed values: (fact, member).
    pub facts: &'x [(usize, u16)],
}

impl<R: Record> Record for Assuming<'_, R> {
    const ACTIVE: bool = R::ACTIVE;
    #[inline]
    fn atom(&mut self, atom: super::Atom) {
        self.inner.atom(atom);
    }
    #[inline]
    fn missing(&mut self, fact: usize) {
        self.inner.missing(fact);
    }
    #[inline]
    fn param(&mut self, p: usize, set: bool) {
        self.inner.param(p, set);
    }
    #[inline]
    fn assumed(&self, fact: usize) -> Option<V> {
        self.facts
            .iter()
            .find(|(f, _)| *f == fact)
            .map(|&(_, m)| V::Cat(m))
    }
}

/// The most missing category facts enumerated together (more: Kleene's verdicts stay).
const MAX_MISSING: usize = 4;

/// The missing category facts of one town, and an odometer over their values.
struct Odometer {
    facts: [(usize, u16); MAX_MISSING],
    members: [u16; MAX_MISSING],
    len: usize,
}

impl Odometer {
    /// Over the facts of `joint` that `keep` selects and town `row` lacks (`None`: more
    /// than [`MAX_MISSING`] facts or [`MAX_JOINT_CASES`] combinations, or a set without
    /// members).
    fn new<'j>(
        ev: &Evaluator<'_>,
        joint: impl Iterator<Item = &'j JointFact>,
        row: usize,
    ) -> Option<Odometer> {
        let mut o = Odometer {
            facts: [(0, 0); MAX_MISSING],
            members: [0; MAX_MISSING],
            len: 0,
        };
        let mut total = 1usize;
        for j in joint {
            if ev.fact(j.fact, row) != V::Unknown {
                continue;
            }
            if o.len == MAX_MISSING || j.members == 0 {
                return None;
            }
            o.facts[o.len] = (j.fact, 0);
            o.members[o.len] = j.members;
            o.len += 1;
            total = total.saturating_mul(usize::from(j.members));
        }
        (total <= MAX_JOINT_CASES).then_some(o)
    }

    /// The values of the current combination.
    fn assumed(&self) -> &[(usize, u16)] {
        &self.facts[..self.len]
    }

    /// Move to the next combination; false after the last.
    fn advance(&mut self) -> bool {
        for i in (0..self.len).rev() {
            self.facts[i].1 += 1;
            if self.facts[i].1 < self.members[i] {
                return true;
            }
            self.facts[i].1 = 0;
        }
        false
    }
}

impl Evaluator<'_> {
    /// Town `row`'s verdicts over every value of its missing category facts, from its
    /// three-valued `statuses` (criteria that read none of them keep theirs): the
    /// statuses are refined in place and the outcome returned, with every case when
    /// `cases` is given. `None`: the town lacks no such fact, or there are too many.
    fn joint_eval(
        &self,
        row: usize,
        statuses: &mut [Status],
        mut cases: Option<&mut Vec<JointCase>>,
    ) -> Option<Outcome> {
        let mut odo = Odometer::new(self, self.joint.iter(), row)?;
        if odo.len == 0 {
            return None;
        }
        let k = statuses.len();
        // Which criteria read a missing fact, and which of them vary between cases.
        let mut flags = CriterionFlags::new(k);
        for c in 0..k {
            if odo_reads(&self.joint, c, odo.assumed()) {
                flags.set_affected(c);
            }
        }
        // The outcome rule folded over the criteria no missing fact touches.
        let mut base = OutcomeFold::new(false);
        for (c, s) in statuses.iter().enumerate() {
            if !flags.affected(c) {
                base.add(&s.verdicts());
            }
        }
        let mut first = true;
        let mut outcome: Option<Outcome> = None;
        loop {
            let mut fold = base;
            let mut case_statuses = cases.as_ref().map(|_| statuses.to_vec());
            for c in 0..k {
                if !flags.affected(c) {
                    continue;
                }
                let s = self.status_assuming(c, row, odo.assumed());
                if first {
                    statuses[c] = s;
                } else if statuses[c] != s {
                    flags.set_mixed(c);
                }
                fold.add(&s.verdicts());
                if let Some(cs) = case_statuses.as_mut() {
                    cs[c] = s;
                }
            }
            let o = fold.outcome();
            outcome = match outcome {
                None => Some(o),
                Some(prev) if prev == o => Some(o),
                Some(_) => Some(Outcome::Undetermined),
            };
            if let (Some(all), Some(cs)) = (cases.as_deref_mut(), case_statuses) {
                all.push(JointCase {
                    assumed: odo.assumed().to_vec(),
                    statuses: cs,
                    outcome: o,
                });
            }
            first = false;
            if !odo.advance() {
                break;
            }
        }
        for (c, s) in statuses.iter_mut().enumerate() {
            if flags.mixed(c) {
                *s = Status::Undetermined;
            }
        }
        outcome
    }

    /// The verdicts of town `row` under every combination of values of its missing
    /// category facts, given its three-valued `statuses` (criteria that read none of the
    /// missing facts keep theirs). `None` when no such fact is missing, or when there
    /// are more than [`MAX_JOINT_CASES`] combinations.
    pub fn joint_cases(&self, row: usize, statuses: &[Status]) -> Option<Vec<JointCase>> {
        let mut s = statuses.to_vec();
        let mut cases = Vec::new();
        self.joint_eval(row, &mut s, Some(&mut cases))?;
        Some(cases)
    }

    /// Refine town `row`'s three-valued `statuses` in place by evaluating it under every
    /// value of its missing category facts, and return its outcome (`None`: nothing to
    /// refine; the outcome is `Outcome::of(statuses)`).
    ///
    /// Each criterion's status is decided over the values of the missing facts it reads
    /// ([`Evaluator::joint_status`]); the outcome over the values of all of them, or, when
    /// those are more than [`MAX_JOINT_CASES`] combinations, from what each criterion
    /// gives under every value it reads (a criterion that rejects the town under each,
    /// though undetermined between not met and not applicable, still rejects it).
    pub fn refine_joint(&self, row: usize, statuses: &mut [Status]) -> Option<Outcome> {
        self.refine_joint_with(row, statuses, None)
    }

    /// [`Evaluator::refine_joint`], also collecting every case into `cases`.
    pub(crate) fn refine_joint_with(
        &self,
        row: usize,
        statuses: &mut [Status],
        cases: Option<&mut Vec<JointCase>>,
    ) -> Option<Outcome> {
        if !self.needs_joint(row) {
            return None;
        }
        if let Some(o) = self.joint_eval(row, statuses, cases) {
            return Some(o);
        }
        // Too many combinations for the town: each criterion is decided over the values
        // of the missing facts it reads, and the outcome from what each criterion gives
        // under every one of its values (a criterion that rejects the town under each,
        // not met under some and not applicable under others, is undetermined but still
        // rejects it: the town is not recognised, as Kleene's verdict already says).
        let mut fold = OutcomeFold::new(false);
        for (c, s) in statuses.iter_mut().enumerate() {
            match self.joint_verdicts(c, row) {
                Some((j, v)) => {
                    *s = j;
                    fold.add(&v);
                }
                None => fold.add(&s.verdicts()),
            }
        }
        Some(fold.outcome())
    }

    /// The status of criterion `c` for town `row` over every value of the missing
    /// category facts it reads (`None`: it reads none that is missing, or too many
    /// combinations).
    pub fn joint_status(&self, c: usize, row: usize) -> Option<Status> {
        self.joint_verdicts(c, row).map(|(s, _)| s)
    }

    /// [`Evaluator::joint_status`], with what the criterion gives the town's outcome
    /// under every value: met when it is met under each, a rejection when it is not met
    /// or not applicable under each (its status may still be undetermined), else open.
    fn joint_verdicts(&self, c: usize, row: usize) -> Option<(Status, Verdicts<bool>)> {
        let reads_missing = self
            .joint
            .iter()
            .any(|j| j.criteria.contains(&c) && self.fact(j.fact, row) == V::Unknown);
        if !reads_missing {
            return None;
        }
        let mut odo = Odometer::new(
            self,
            self.joint.iter().filter(|j| j.criteria.contains(&c)),
            row,
        )?;
        let mut status: Option<Status> = None;
        let (mut met, mut rejects) = (true, true);
        loop {
            let s = self.status_assuming(c, row, odo.assumed());
            let v = s.verdicts();
            met &= v.met;
            rejects &= v.rejects();
            status = match status {
                None => Some(s),
                Some(prev) if prev == s => Some(s),
                Some(_) => Some(Status::Undetermined),
            };
            if !odo.advance() {
                break;
            }
        }
        let verdicts = Verdicts {
            met,
            not_met: rejects,
            undetermined: !met && !rejects,
            not_applicable: false,
        };
        status.map(|s| (s, verdicts))
    }

    /// The category facts the criteria read.
    pub fn joint_facts(&self) -> &[JointFact] {
        &self.joint
    }

    /// Whether town `row` lacks a category fact that criteria read (so its verdicts are
    /// refined by [`Evaluator::refine_joint`]).
    #[inline]
    pub fn needs_joint(&self, row: usize) -> bool {
        self.joint
            .iter()
            .any(|j| self.fact(j.fact, row) == V::Unknown)
    }

    /// Criterion `c` for town `row` with the category facts `assumed` (three-valued for
    /// everything else).
    fn status_assuming(&self, c: usize, row: usize, assumed: &[(usize, u16)]) -> Status {
        let mut none = super::walk::NoRecord;
        let mut rec = Assuming {
            inner: &mut none,
            facts: assumed,
        };
        self.status_with(c, row, &mut rec)
    }
}

/// Whether criterion `c` reads one of the missing `facts`.
fn odo_reads(joint: &[JointFact], c: usize, facts: &[(usize, u16)]) -> bool {
    facts
        .iter()
        .any(|&(f, _)| joint.iter().any(|j| j.fact == f && j.criteria.contains(&c)))
}

/// Two flags per criterion (affected by a missing fact; varies between cases), in bit
/// masks for up to 64 criteria, without allocating.
struct CriterionFlags {
    small: [u64; 2],
    large: Vec<(bool, bool)>,
}

impl CriterionFlags {
    fn new(k: usize) -> Self {
        CriterionFlags {
            small: [0; 2],
            large: if k > 64 {
                vec![(false, false); k]
            } else {
                Vec::new()
            },
        }
    }
    fn set_affected(&mut self, c: usize) {
        match self.large.get_mut(c) {
            Some(f) => f.0 = true,
            None => self.small[0] |= 1 << c,
        }
    }
    fn set_mixed(&mut self, c: usize) {
        match self.large.get_mut(c) {
            Some(f) => f.1 = true,
            None => self.small[1] |= 1 << c,
        }
    }
    fn affected(&self, c: usize) -> bool {
        self.large
            .get(c)
            .map_or(self.small[0] >> c & 1 != 0, |f| f.0)
    }
    fn mixed(&self, c: usize) -> bool {
        self.large
            .get(c)
            .map_or(self.small[1] >> c & 1 != 0, |f| f.1)
    }
}
