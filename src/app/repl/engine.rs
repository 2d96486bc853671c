//! The town × criterion status matrix: every criterion's status for every town, each
//! town's outcome, and re-evaluation of just the cells a [`Plan`] names (see
//! [`super::deps`] for how the plan is made).

use rayon::prelude::*;

use super::deps::Plan;
use crate::eval::{Evaluator, Outcome, OutcomeFold, Status};

/// A town's result in the session: the outcome of the recognition criteria and, for a
/// rule set with an indicator system, the grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Verdict {
    /// Outcome of the recognition criteria (`Recognized` when the rule set has none).
    pub outcome: Outcome,
    /// Grade on the indicator system: `None` without one, `Some(None)` when undetermined,
    /// else the index in the system's grade bands.
    pub grade: Option<Option<u16>>,
}

impl Verdict {
    /// A verdict of the criteria only.
    pub fn of(outcome: Outcome) -> Verdict {
        Verdict {
            outcome,
            grade: None,
        }
    }
}

/// Index into [`Matrix::counts`]: 0 recognised, 1 not recognised, 2 undetermined.
pub fn slot(o: Outcome) -> usize {
    match o {
        Outcome::Recognized => 0,
        Outcome::NotRecognized => 1,
        Outcome::Undetermined => 2,
    }
}

/// A town whose outcome changed, with the criteria whose status changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flip {
    /// Row of the town.
    pub row: usize,
    /// Outcome before.
    pub before: Outcome,
    /// Outcome after.
    pub after: Outcome,
    /// (criterion, status before, status after).
    pub criteria: Vec<(usize, Status, Status)>,
}

/// Every criterion's status for every town, and each town's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    towns: usize,
    /// `status[criterion][row]`.
    status: Vec<Vec<Status>>,
    /// Per town: criteria not met or not applicable.
    bad: Vec<u16>,
    /// Per town: criteria undetermined.
    undet: Vec<u16>,
    counts: [usize; 3],
    /// Towns without a category (or another category fact the criteria read): their
    /// outcome is the one every value gives, kept here, not derived from the tallies.
    joint: std::collections::HashMap<u32, Outcome>,
}

/// The outcome from the number of criteria that reject the town and that leave it open
/// (the kernel's outcome rule).
fn outcome_of(bad: u16, undet: u16) -> Outcome {
    OutcomeFold {
        rejected: bad > 0,
        open: undet > 0,
    }
    .outcome()
}

/// Count status `s` in (or, with `add` false, out of) a town's tallies.
fn tally(bad: &mut u16, undet: &mut u16, s: Status, add: bool) {
    let v = s.verdicts();
    let slot = if v.rejects() {
        bad
    } else if v.leaves_open() {
        undet
    } else {
        return;
    };
    *slot = if add {
        slot.saturating_add(1)
    } else {
        slot.saturating_sub(1)
    };
}

const PAR_ROWS: usize = 4096;

impl Matrix {
    /// Evaluate every criterion for every town.
    pub fn new(ev: &Evaluator<'_>) -> Matrix {
        let n = ev.towns.len();
        let status: Vec<Vec<Status>> = (0..ev.rules.criteria.len())
            .map(|c| (0..n).into_par_iter().map(|r| ev.status(c, r)).collect())
            .collect();
        let mut m = Matrix {
            towns: n,
            status,
            bad: vec![0; n],
            undet: vec![0; n],
            counts: [0; 3],
            joint: (0..n)
                .filter(|&r| ev.needs_joint(r))
                .map(|r| (r as u32, Outcome::Undetermined))
                .collect(),
        };
        for col in &m.status {
            for (r, s) in col.iter().enumerate() {
                tally(&mut m.bad[r], &mut m.undet[r], *s, true);
            }
        }
        let rows: Vec<u32> = m.joint.keys().copied().collect();
        for r in rows {
            let o = m.joint_outcome(ev, r as usize);
            m.joint.insert(r, o);
        }
        for r in 0..n {
            m.counts[slot(m.outcome(r))] += 1;
        }
        m
    }

    /// Criterion `c`'s status for town `row`.
    pub fn status(&self, c: usize, row: usize) -> Status {
        self.status[c][row]
    }

    /// Town `row`'s outcome.
    pub fn outcome(&self, row: usize) -> Outcome {
        match self.joint.get(&(row as u32)) {
            Some(o) => *o,
            None => outcome_of(self.bad[row], self.undet[row]),
        }
    }

    /// The outcome of a town without a category, over every category: a criterion
    /// that rejects it does so under every category (no need to enumerate).
    fn joint_outcome(&self, ev: &Evaluator<'_>, row: usize) -> Outcome {
        if self.bad[row] > 0 {
            Outcome::NotRecognized
        } else {
            ev.outcome(row)
        }
    }

    /// Towns recognised, not recognised, undetermined.
    pub fn counts(&self) -> [usize; 3] {
        self.counts
    }

    fn set(&mut self, c: usize, row: usize, new: Status, log: &mut Vec<(u32, u16, Status)>) {
        let old = self.status[c][row];
        if old == new {
            return;
        }
        let before = self.outcome(row);
        log.push((row as u32, c as u16, old));
        tally(&mut self.bad[row], &mut self.undet[row], old, false);
        tally(&mut self.bad[row], &mut self.undet[row], new, true);
        self.status[c][row] = new;
        if self.joint.contains_key(&(row as u32)) {
            return; // counted once the plan is applied (see `apply`)
        }
        let after = self.outcome(row);
        if before != after {
            self.counts[slot(before)] -= 1;
            self.counts[slot(after)] += 1;
        }
    }

    /// Re-evaluate what `plan` names with `ev` (the new parameter values) and return
    /// the towns whose outcome changed, in row order.
    pub fn apply(&mut self, plan: &Plan, ev: &Evaluator<'_>) -> Vec<Flip> {
        let mut log: Vec<(u32, u16, Status)> = Vec::new();
        for (c, rows) in &plan.work {
            let c = *c;
            match rows {
                None => {
                    let new: Vec<Status> = (0..self.towns)
                        .into_par_iter()
                        .map(|r| ev.status(c, r))
                        .collect();
                    for (r, s) in new.into_iter().enumerate() {
                        self.set(c, r, s, &mut log);
                    }
                }
                Some(rows) => {
                    let new: Vec<Status> = if rows.len() >= PAR_ROWS {
                        rows.par_iter().map(|&r| ev.status(c, r as usize)).collect()
                    } else {
                        rows.iter().map(|&r| ev.status(c, r as usize)).collect()
                    };
                    for (&r, s) in rows.iter().zip(new) {
                        self.set(c, r as usize, s, &mut log);
                    }
                }
            }
        }
        let mut flips = self.flips(&mut log);
        // Towns without a category: their outcome over every category may change even
        // when no status does.
        let rows: Vec<u32> = self.joint.keys().copied().collect();
        for r in rows {
            let before = self.joint.get(&r).copied().unwrap_or(Outcome::Undetermined);
            let after = self.joint_outcome(ev, r as usize);
            if before == after {
                continue;
            }
            self.joint.insert(r, after);
            self.counts[slot(before)] -= 1;
            self.counts[slot(after)] += 1;
            let criteria = log
                .iter()
                .filter(|&&(row, _, _)| row == r)
                .map(|&(_, c, old)| (c as usize, old, self.status[c as usize][r as usize]))
                .collect();
            flips.push(Flip {
                row: r as usize,
                before,
                after,
                criteria,
            });
        }
        flips.sort_by_key(|f| f.row);
        flips
    }

    /// Group the changed cells by town; keep the towns whose outcome changed.
    fn flips(&self, log: &mut [(u32, u16, Status)]) -> Vec<Flip> {
        log.sort_by_key(|&(r, c, _)| (r, c));
        let mut out: Vec<Flip> = Vec::new();
        for group in log.chunk_by(|a, b| a.0 == b.0) {
            let row = group[0].0 as usize;
            if self.joint.contains_key(&group[0].0) {
                continue; // decided over every category in `apply`
            }
            let (mut bad, mut undet) = (self.bad[row], self.undet[row]);
            // A plan names each cell once, so each cell is logged at most once.
            let criteria: Vec<(usize, Status, Status)> = group
                .iter()
                .map(|&(_, c, old)| {
                    let now = self.status[c as usize][row];
                    tally(&mut bad, &mut undet, now, false);
                    tally(&mut bad, &mut undet, old, true);
                    (c as usize, old, now)
                })
                .collect();
            let (before, after) = (outcome_of(bad, undet), self.outcome(row));
            if before != after {
                out.push(Flip {
                    row,
                    before,
                    after,
                    criteria,
                });
            }
        }
        out
    }
}
