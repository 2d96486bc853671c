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
//! Kleene's verdicts are sound (a definite status holds under every value), so the
//! enumeration only refines what Kleene leaves open; every evaluator (tree walk, fast
//! path, explanations) applies it the same way, through [`Evaluator::refine_joint`] and
//! [`Evaluator::joint_status`].

use super::logic::{Outcome, Status, V};
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

/// The one value every case gives, else undetermined.
fn agree<T: Copy + PartialEq>(mut xs: impl Iterator<Item = T>, undetermined: T) -> T {
    match xs.next() {
        Some(first) if xs.all(|x| x == first) => first,
        Some(_) => undetermined,
        None => undetermined,
    }
}

impl Evaluator<'_> {
    /// The missing category facts of town `row` that some criterion reads (restricted
    /// to those criterion `only` reads, when given).
    fn missing_joint(&self, row: usize, only: Option<usize>) -> Vec<&JointFact> {
        self.joint
            .iter()
            .filter(|j| only.is_none_or(|c| j.criteria.contains(&c)))
            .filter(|j| self.fact(j.fact, row) == V::Unknown)
            .collect()
    }

    /// Every combination of values of `facts` (`None` when there are too many).
    fn combinations(facts: &[&JointFact]) -> Option<Vec<Vec<(usize, u16)>>> {
        let total = facts
            .iter()
            .try_fold(1usize, |acc, j| acc.checked_mul(usize::from(j.members)))?;
        if total == 0 || total > MAX_JOINT_CASES {
            return None;
        }
        let mut out = vec![Vec::new()];
        for j in facts {
            out = out
                .into_iter()
                .flat_map(|prefix| {
                    (0..j.members).map(move |m| {
                        let mut v = prefix.clone();
                        v.push((j.fact, m));
                        v
                    })
                })
                .collect();
        }
        Some(out)
    }

    /// The verdicts of town `row` under every combination of values of its missing
    /// category facts, given its three-valued `statuses` (criteria that read none of the
    /// missing facts keep theirs). `None` when no such fact is missing, or when there
    /// are more than [`MAX_JOINT_CASES`] combinations.
    pub fn joint_cases(&self, row: usize, statuses: &[Status]) -> Option<Vec<JointCase>> {
        let missing = self.missing_joint(row, None);
        if missing.is_empty() {
            return None;
        }
        let affected: Vec<usize> = (0..statuses.len())
            .filter(|c| missing.iter().any(|j| j.criteria.contains(c)))
            .collect();
        let cases = Self::combinations(&missing)?;
        Some(
            cases
                .into_iter()
                .map(|assumed| {
                    let mut s = statuses.to_vec();
                    for &c in &affected {
                        s[c] = self.status_assuming(c, row, &assumed);
                    }
                    JointCase {
                        outcome: Outcome::of(s.iter().copied()),
                        statuses: s,
                        assumed,
                    }
                })
                .collect(),
        )
    }

    /// Refine town `row`'s three-valued `statuses` in place by evaluating it under every
    /// value of its missing category facts, and return its outcome (`None`: nothing to
    /// refine; the outcome is `Outcome::of(statuses)`).
    ///
    /// Each criterion's status is decided over the values of the missing facts it reads
    /// ([`Evaluator::joint_status`]); the outcome over the values of all of them, or, when
    /// those are more than [`MAX_JOINT_CASES`] combinations, from the refined statuses.
    pub fn refine_joint(&self, row: usize, statuses: &mut [Status]) -> Option<Outcome> {
        if !self.needs_joint(row) {
            return None;
        }
        match self.joint_cases(row, statuses) {
            Some(cases) => {
                // Over every value of all the missing facts: each criterion's status over
                // them is its status over the values of those it reads.
                for (c, s) in statuses.iter_mut().enumerate() {
                    *s = agree(cases.iter().map(|k| k.statuses[c]), Status::Undetermined);
                }
                Some(agree(
                    cases.iter().map(|k| k.outcome),
                    Outcome::Undetermined,
                ))
            }
            None => {
                for (c, s) in statuses.iter_mut().enumerate() {
                    if let Some(j) = self.joint_status(c, row) {
                        *s = j;
                    }
                }
                Some(Outcome::of(statuses.iter().copied()))
            }
        }
    }

    /// The status of criterion `c` for town `row` over every value of the missing
    /// category facts it reads (`None`: it reads none that is missing, or too many
    /// combinations).
    pub fn joint_status(&self, c: usize, row: usize) -> Option<Status> {
        let reads_missing = self
            .joint
            .iter()
            .any(|j| j.criteria.contains(&c) && self.fact(j.fact, row) == V::Unknown);
        if !reads_missing {
            return None;
        }
        let missing = self.missing_joint(row, Some(c));
        if missing.is_empty() {
            return None;
        }
        let cases = Self::combinations(&missing)?;
        Some(agree(
            cases.iter().map(|a| self.status_assuming(c, row, a)),
            Status::Undetermined,
        ))
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
