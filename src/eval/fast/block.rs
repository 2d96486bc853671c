//! Running lowered criteria over blocks of up to 64 towns: each instruction computes a
//! three-valued result for the whole block as two bit masks ([`Lanes`]); the status and
//! outcome rules of the kernel combine them.

use rayon::prelude::*;

use crate::data::Column;
use crate::eval::logic::{
    criterion_status, requirement, Kleene, Lanes, Outcome, OutcomeFold, Status, Tri,
};
use crate::eval::{Evaluator, StatusMasks};

use super::ints::{pack, Bounds};
use super::lower::Instr;
use super::{lanes, BLOCK};

/// Registers kept on the stack for up to this many instructions per criterion.
const STACK_REGS: usize = 48;

/// Towns per parallel task.
const CHUNK: usize = BLOCK * 256;

impl Evaluator<'_> {
    /// The result of one instruction over towns `start..start + n`.
    #[inline]
    fn step(&self, ins: &Instr<'_>, start: usize, n: usize, regs: &[Lanes]) -> Lanes {
        let lanes = lanes(n);
        let reg = |r: &u16| regs.get(*r as usize).copied().unwrap_or_default();
        match ins {
            Instr::Const(t) => Lanes::splat(*t, lanes),
            Instr::Flag { values, present } => {
                Lanes::crisp(values.block(start, n), present.block(start, n))
            }
            Instr::Range {
                values,
                present,
                bounds,
                neg,
            } => {
                let h = values.in_range(start, n, *bounds);
                Lanes::crisp(if *neg { !h } else { h }, present.block(start, n))
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
                Lanes::crisp(if *neg { !h } else { h }, p)
            }
            Instr::CatIn {
                cats,
                present,
                members,
            } => {
                let h = pack(cats.get(start..start + n), |m| {
                    m < 64 && (members >> m) & 1 != 0
                });
                Lanes::crisp(h, present.block(start, n))
            }
            Instr::Uncovered {
                cats,
                present,
                covered,
            } => {
                let h = pack(cats.get(start..start + n), |m| {
                    m >= 64 || (covered >> m) & 1 == 0
                }) & present.block(start, n);
                Lanes::crisp(h, lanes)
            }
            Instr::Logic(op, a, b) => op.apply(reg(a), reg(b)),
            Instr::Not(a) => reg(a).not(),
            Instr::Slow(node) => {
                let mut r = Lanes::default();
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
                let mut h = 0u64;
                for j in 0..n {
                    h |= u64::from(self.uncovered(*c, start + j).is_some()) << j;
                }
                Lanes::crisp(h, lanes)
            }
        }
    }

    /// Run criterion `c` over towns `start..start + n` (`n <= 64`).
    #[inline]
    fn run(&self, c: usize, start: usize, n: usize, regs: &mut [Lanes]) -> StatusMasks {
        let lanes = lanes(n);
        let Some(crit) = self.fast.crits.get(c) else {
            return StatusMasks::default();
        };
        for (i, ins) in crit.code.iter().enumerate() {
            let r = self.step(ins, start, n, regs);
            if let Some(slot) = regs.get_mut(i) {
                *slot = r;
            }
        }
        let reg = |r: u16| regs.get(r as usize).copied().unwrap_or_default();
        let uncovered = crit.uncovered.map_or(0, |r| reg(r).t);
        let all = Lanes::splat(Tri::True, lanes);
        let applies = crit.applies.iter().fold(all, |acc, &a| acc.and(reg(a)));
        let required = crit.requires.iter().fold(all, |acc, &(cond, relax)| {
            let relax = relax.map(|(w, t)| (reg(w), reg(t)));
            acc.and(requirement(reg(cond), relax))
        });
        criterion_status(uncovered, applies, required).within(lanes)
    }

    /// Run `f` with a register file for one block.
    #[inline]
    fn with_regs<R>(&self, f: impl FnOnce(&mut [Lanes]) -> R) -> R {
        let need = self.fast.regs;
        if need <= STACK_REGS {
            let mut regs = [Lanes::default(); STACK_REGS];
            f(&mut regs)
        } else {
            let mut regs = vec![Lanes::default(); need];
            f(&mut regs)
        }
    }

    /// The status of criterion `c` for town `row` (the fast path; see
    /// [`Evaluator::status_tree`] for the reference).
    pub fn status(&self, c: usize, row: usize) -> Status {
        self.joint_status(c, row)
            .unwrap_or_else(|| self.with_regs(|regs| self.run(c, row, 1, regs).get(0)))
    }

    /// Statuses of every criterion for town `row` into `out`, and the outcome.
    pub fn statuses(&self, row: usize, out: &mut [Status]) -> Outcome {
        self.with_regs(|regs| {
            for (c, slot) in out.iter_mut().enumerate().take(self.rules.criteria.len()) {
                *slot = self.run(c, row, 1, regs).get(0);
            }
        });
        self.refine_joint(row, out)
            .unwrap_or_else(|| Outcome::of(out.iter().copied()))
    }

    /// The towns of `start..start + n` that lack a category fact the criteria read.
    fn joint_lanes(&self, start: usize, n: usize) -> u64 {
        let mut lanes_missing = 0u64;
        for j in self.joint_facts() {
            if let Some(Column::Cat(c)) = self.towns.columns.get(j.fact) {
                lanes_missing |= !c.present().block(start, n);
            }
        }
        lanes_missing & lanes(n)
    }

    /// Replace the verdicts of lane `j` (town `start + j`) by those over every value of
    /// its missing category facts.
    fn refine_lane(&self, start: usize, j: usize, masks: &mut [StatusMasks], out: &mut [u64; 3]) {
        let mut statuses: Vec<Status> = masks.iter().map(|m| m.get(j)).collect();
        let Some(outcome) = self.refine_joint(start + j, &mut statuses) else {
            return;
        };
        let bit = 1u64 << j;
        for (m, s) in masks.iter_mut().zip(&statuses) {
            let v = s.verdicts();
            let set = |mask: &mut u64, on: bool| *mask = (*mask & !bit) | if on { bit } else { 0 };
            set(&mut m.met, v.met);
            set(&mut m.not_met, v.not_met);
            set(&mut m.undetermined, v.undetermined);
            set(&mut m.not_applicable, v.not_applicable);
        }
        Self::set_outcome(out, j, outcome);
    }

    /// Set lane `j` of outcome masks (recognized, not recognized, undetermined).
    fn set_outcome(out: &mut [u64; 3], j: usize, outcome: Outcome) {
        let bit = 1u64 << j;
        for m in out.iter_mut() {
            *m &= !bit;
        }
        let k = match outcome {
            Outcome::Recognized => 0,
            Outcome::NotRecognized => 1,
            Outcome::Undetermined => 2,
        };
        out[k] |= bit;
    }

    /// The outcome of town `row`, stopping at the first criterion that decides it.
    pub fn outcome(&self, row: usize) -> Outcome {
        let [rec, _, open] = self.outcome_block(row, 1);
        match (rec & 1 != 0, open & 1 != 0) {
            (true, _) => Outcome::Recognized,
            (false, true) => Outcome::Undetermined,
            (false, false) => Outcome::NotRecognized,
        }
    }

    /// The status masks of every criterion for towns `start..start + n` (`n <= 64`) into
    /// `out` (one per criterion), and the outcome masks (recognized, not recognized,
    /// undetermined).
    pub fn block(&self, start: usize, n: usize, out: &mut [StatusMasks]) -> [u64; 3] {
        let n = n.min(BLOCK);
        let mut fold = OutcomeFold::new(0u64);
        self.with_regs(|regs| {
            for (c, slot) in out.iter_mut().enumerate().take(self.rules.criteria.len()) {
                *slot = self.run(c, start, n, regs);
                fold.add(slot);
            }
        });
        let mut outcomes = fold.finish(lanes(n));
        let k = self.rules.criteria.len().min(out.len());
        let mut joint = self.joint_lanes(start, n);
        while joint != 0 {
            let j = joint.trailing_zeros() as usize;
            joint &= joint - 1;
            self.refine_lane(start, j, &mut out[..k], &mut outcomes);
        }
        outcomes
    }

    /// The outcome masks (recognized, not recognized, undetermined) of towns
    /// `start..start + n` (`n <= 64`), stopping when every town is decided.
    pub fn outcome_block(&self, start: usize, n: usize) -> [u64; 3] {
        let n = n.min(BLOCK);
        let lanes = lanes(n);
        let mut fold = OutcomeFold::new(0u64);
        self.with_regs(|regs| {
            for c in 0..self.rules.criteria.len() {
                fold.add(&self.run(c, start, n, regs));
                if fold.rejected == lanes {
                    break;
                }
            }
        });
        let mut outcomes = fold.finish(lanes);
        // Kleene's rejections hold under every category; the others of a town without
        // a category are decided over every value.
        let mut joint = self.joint_lanes(start, n) & !fold.rejected;
        if joint != 0 {
            let mut statuses = vec![Status::Met; self.rules.criteria.len()];
            while joint != 0 {
                let j = joint.trailing_zeros() as usize;
                joint &= joint - 1;
                let o = self.statuses(start + j, &mut statuses);
                Self::set_outcome(&mut outcomes, j, o);
            }
        }
        outcomes
    }

    /// The outcomes of towns `start..start + out.len()`.
    pub fn outcomes_into(&self, start: usize, out: &mut [Outcome]) {
        for (k, chunk) in out.chunks_mut(BLOCK).enumerate() {
            let [rec, _, open] = self.outcome_block(start + k * BLOCK, chunk.len());
            for (j, o) in chunk.iter_mut().enumerate() {
                *o = OUTCOME[((rec >> j) & 1 | ((open >> j) & 1) << 1) as usize];
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
        if k == 0 {
            outcomes
                .par_chunks_mut(CHUNK)
                .enumerate()
                .for_each(|(i, o)| self.statuses_into(i * CHUNK, &mut [], o));
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

/// Decoding a lane without branches: the status is the one of its (disjoint) mask bits
/// that is set (met = 1, not met = 2, not applicable = 4), none meaning undetermined.
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

/// The outcome of a lane from its recognised (1) and undetermined (2) bits.
const OUTCOME: [Outcome; 4] = [
    Outcome::NotRecognized,
    Outcome::Recognized,
    Outcome::Undetermined,
    Outcome::Undetermined,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The branch-free decoding tables agree with the kernel's reading of one lane.
    #[test]
    fn decoding_tables_agree_with_the_kernel() {
        for code in 0..8u64 {
            let m = StatusMasks {
                met: code & 1,
                not_met: (code >> 1) & 1,
                undetermined: 0,
                not_applicable: (code >> 2) & 1,
            };
            // Only disjoint combinations occur; for those the table is the kernel's.
            if (m.met + m.not_met + m.not_applicable) <= 1 {
                let m = StatusMasks {
                    undetermined: u64::from(code == 0),
                    ..m
                };
                assert_eq!(STATUS[code as usize], m.get(0));
            }
        }
        for (i, o) in OUTCOME.iter().enumerate() {
            let mut fold = OutcomeFold::new(false);
            fold.rejected = i == 0;
            fold.open = i >= 2;
            assert_eq!(*o, fold.outcome(), "{i}");
        }
    }
}
