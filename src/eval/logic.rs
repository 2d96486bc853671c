//! The kernel of the language's meaning, each rule defined once.
//!
//! - three-valued (Kleene) logic: [`Kleene`], implemented for one town ([`Tri`]) and for
//!   64 towns at a time ([`Lanes`], two bit masks); a truth-table test checks the lanes
//!   against the scalar definition;
//! - values and their comparison and arithmetic ([`V`], [`compare`], [`margin`], [`arith`]);
//! - the relaxation rule ([`requirement`], [`path`]): a requirement holds when its normal
//!   condition holds, or its relaxation applies and its relaxed condition holds;
//! - the status rule ([`criterion_status`]): not applicable when a table does not cover
//!   the town or an `applies` condition is false; not met when a requirement is false;
//!   met when everything is true; otherwise undetermined;
//! - the outcome rule ([`OutcomeFold`]): recognised when every criterion is met, not
//!   recognised when one is not met or not applicable, otherwise undetermined.
//!
//! Every evaluator (tree walk, explanation, explanation plans, 64-lane blocks), the REPL's
//! incremental recompute and sweeps, the diff's impact and the explanations use these.

use std::ops::{BitAnd, BitOr, Not};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::check::quantities::Rescale;
use crate::check::Const;
use crate::syntax::ast::{ArithFault, ArithOp, CmpOp, LogicOp};

/// A three-valued truth value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tri {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Depends on a missing fact or an unset parameter.
    Unknown,
}

/// Three-valued logic over one town or a block of towns.
///
/// `Set` is the crisp (two-valued) counterpart: `bool` for one town, a bit mask for a
/// block. Kleene's connectives and the projections [`Kleene::is_true`] /
/// [`Kleene::is_false`] are all the rules below need.
pub trait Kleene: Copy {
    /// A crisp set of towns (`bool`, or one bit per town).
    type Set: Copy
        + BitAnd<Output = Self::Set>
        + BitOr<Output = Self::Set>
        + Not<Output = Self::Set>;
    /// Kleene conjunction: false if either is false, true if both are true.
    fn and(self, o: Self) -> Self;
    /// Kleene disjunction: true if either is true, false if both are false.
    fn or(self, o: Self) -> Self;
    /// Kleene negation: unknown stays unknown.
    fn not(self) -> Self;
    /// Where the value is true.
    fn is_true(self) -> Self::Set;
    /// Where the value is false.
    fn is_false(self) -> Self::Set;
}

impl Kleene for Tri {
    type Set = bool;
    #[inline]
    fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            (Tri::True | Tri::Unknown, Tri::Unknown) | (Tri::Unknown, Tri::True) => Tri::Unknown,
        }
    }
    #[inline]
    fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            (Tri::False | Tri::Unknown, Tri::Unknown) | (Tri::Unknown, Tri::False) => Tri::Unknown,
        }
    }
    #[inline]
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
    #[inline]
    fn is_true(self) -> bool {
        self == Tri::True
    }
    #[inline]
    fn is_false(self) -> bool {
        self == Tri::False
    }
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

    /// A crisp truth value.
    #[inline]
    pub fn of_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

/// A three-valued result over a block of up to 64 towns: `t` where it is true, `f`
/// where it is false, neither where it is unknown (never both).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lanes {
    /// Towns where it holds.
    pub t: u64,
    /// Towns where it does not.
    pub f: u64,
}

impl Lanes {
    /// The same truth value in the first `n` lanes (`lanes(n)` is their mask).
    #[inline]
    pub fn splat(t: Tri, lanes: u64) -> Lanes {
        match t {
            Tri::True => Lanes { t: lanes, f: 0 },
            Tri::False => Lanes { t: 0, f: lanes },
            Tri::Unknown => Lanes::default(),
        }
    }

    /// Known where `known`, and there true where `holds`.
    #[inline]
    pub fn crisp(holds: u64, known: u64) -> Lanes {
        Lanes {
            t: holds & known,
            f: !holds & known,
        }
    }

    /// The value of lane `j`.
    #[inline]
    pub fn get(self, j: usize) -> Tri {
        let bit = 1u64 << j;
        if self.t & bit != 0 {
            Tri::True
        } else if self.f & bit != 0 {
            Tri::False
        } else {
            Tri::Unknown
        }
    }
}

impl Kleene for Lanes {
    type Set = u64;
    #[inline]
    fn and(self, o: Lanes) -> Lanes {
        Lanes {
            t: self.t & o.t,
            f: self.f | o.f,
        }
    }
    #[inline]
    fn or(self, o: Lanes) -> Lanes {
        Lanes {
            t: self.t | o.t,
            f: self.f & o.f,
        }
    }
    #[inline]
    fn not(self) -> Lanes {
        Lanes {
            t: self.f,
            f: self.t,
        }
    }
    #[inline]
    fn is_true(self) -> u64 {
        self.t
    }
    #[inline]
    fn is_false(self) -> u64 {
        self.f
    }
}

impl LogicOp {
    /// The connective applied to two truth values (one town or a block).
    #[inline]
    pub fn apply<K: Kleene>(self, a: K, b: K) -> K {
        match self {
            LogicOp::And => a.and(b),
            LogicOp::Or => a.or(b),
        }
    }

    /// The value that decides the connective whatever the other side is (false for
    /// `and`, true for `or`): a short-circuit may stop there.
    #[inline]
    pub fn decided_by(self, a: Tri) -> bool {
        match self {
            LogicOp::And => a == Tri::False,
            LogicOp::Or => a == Tri::True,
        }
    }
}

/// The relaxation rule: a requirement holds when its normal condition holds, or its
/// relaxation clause applies (`when`) and the relaxed condition (`then`) holds.
#[inline]
pub fn requirement<K: Kleene>(normal: K, relax: Option<(K, K)>) -> K {
    match relax {
        None => normal,
        Some((when, then)) => normal.or(when.and(then)),
    }
}

/// Which path decided a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Path {
    /// The normal condition holds.
    Normal,
    /// The normal condition does not hold (or is not known to), the relaxation clause
    /// applies and holds.
    Relaxation,
    /// Neither holds (or neither is decided).
    Neither,
}

/// Where a requirement holds only through its relaxation: the relaxation applies and
/// holds while the normal condition is not known to hold (false or undetermined).
#[inline]
pub fn relaxed_only<K: Kleene>(normal: K, when: K, then: K) -> K::Set {
    when.and(then).is_true() & !normal.is_true()
}

/// The path of a requirement for one town, by the same rule as [`requirement`]: the
/// normal path when it holds, else the relaxation when it holds.
pub fn path(normal: Tri, relax: Option<(Tri, Tri)>) -> Path {
    match relax {
        _ if normal.is_true() => Path::Normal,
        Some((when, then)) if relaxed_only(normal, when, then) => Path::Relaxation,
        Some(_) | None => Path::Neither,
    }
}

/// The discretionary mark of a criterion: it is met, and some requirement holds only
/// through a relaxation the document leaves to the authority's discretion (可适当放宽).
/// `relaxed`: per requirement, whether its relaxation is discretionary and decided it.
#[inline]
pub fn discretionary(status: Status, relaxed: impl IntoIterator<Item = bool>) -> bool {
    status == Status::Met && relaxed.into_iter().any(|r| r)
}

/// The discretionary mark of a town: it is recognised, and some criterion is met only
/// at the authority's discretion. A town not recognised never carries it.
#[inline]
pub fn town_discretionary(outcome: Outcome, criteria: impl IntoIterator<Item = bool>) -> bool {
    outcome == Outcome::Recognized && criteria.into_iter().any(|d| d)
}

/// The status of one criterion for one town.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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

/// Where each status holds: for one town (`S = bool`, exactly one field true) or a block
/// (`S = u64`, disjoint masks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verdicts<S> {
    /// Towns that meet the criterion.
    pub met: S,
    /// Towns that do not.
    pub not_met: S,
    /// Towns for which it is undetermined.
    pub undetermined: S,
    /// Towns it does not apply to.
    pub not_applicable: S,
}

/// The status rule. `uncovered`: where a table the criterion reads has no entry for the
/// town's category; `applies`: the conjunction of the `applies` conditions; `required`:
/// the conjunction of the requirements (each by [`requirement`]).
#[inline]
pub fn criterion_status<K: Kleene>(uncovered: K::Set, applies: K, required: K) -> Verdicts<K::Set> {
    let not_applicable = uncovered | applies.is_false();
    let not_met = required.is_false() & !not_applicable;
    let met = applies.is_true() & required.is_true() & !not_applicable;
    Verdicts {
        met,
        not_met,
        undetermined: !(not_applicable | not_met | met),
        not_applicable,
    }
}

impl<S: Copy + BitOr<Output = S>> Verdicts<S> {
    /// Where the criterion alone rejects the town (not met, or not applicable).
    #[inline]
    pub fn rejects(&self) -> S {
        self.not_met | self.not_applicable
    }

    /// Where the criterion leaves the town's outcome open (undetermined).
    #[inline]
    pub fn leaves_open(&self) -> S {
        self.undetermined
    }
}

impl Verdicts<bool> {
    /// The status of the one town.
    #[inline]
    pub fn status(self) -> Status {
        if self.not_applicable {
            Status::NotApplicable
        } else if self.not_met {
            Status::NotMet
        } else if self.met {
            Status::Met
        } else {
            Status::Undetermined
        }
    }
}

impl Verdicts<u64> {
    /// The verdicts of the first `n` lanes only (`lanes` is their mask).
    #[inline]
    pub fn within(self, lanes: u64) -> Verdicts<u64> {
        Verdicts {
            met: self.met & lanes,
            not_met: self.not_met & lanes,
            undetermined: self.undetermined & lanes,
            not_applicable: self.not_applicable & lanes,
        }
    }

    /// The status of lane `j`.
    #[inline]
    pub fn get(&self, j: usize) -> Status {
        let bit = |m: u64| (m >> j) & 1 != 0;
        Verdicts {
            met: bit(self.met),
            not_met: bit(self.not_met),
            undetermined: bit(self.undetermined),
            not_applicable: bit(self.not_applicable),
        }
        .status()
    }
}

/// A town's overall result under a rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every criterion is met.
    Recognized,
    /// Some criterion is not met or not applicable.
    NotRecognized,
    /// Otherwise: some criterion is undetermined.
    Undetermined,
}

/// The outcome rule, folded over the criteria of one town (`S = bool`) or a block.
#[derive(Debug, Clone, Copy)]
pub struct OutcomeFold<S> {
    /// Towns with a criterion not met or not applicable.
    pub rejected: S,
    /// Towns with an undetermined criterion.
    pub open: S,
}

impl<S: Copy + BitAnd<Output = S> + BitOr<Output = S> + Not<Output = S>> OutcomeFold<S> {
    /// Nothing seen yet: every town would be recognised.
    pub fn new(none: S) -> Self {
        OutcomeFold {
            rejected: none,
            open: none,
        }
    }

    /// Take one criterion's verdicts into account.
    #[inline]
    pub fn add(&mut self, v: &Verdicts<S>) {
        self.rejected = self.rejected | v.rejects();
        self.open = self.open | v.leaves_open();
    }

    /// Where the towns are recognised, not recognised, undetermined (within `all`).
    #[inline]
    pub fn finish(&self, all: S) -> [S; 3] {
        [
            all & !self.rejected & !self.open,
            all & self.rejected,
            all & self.open & !self.rejected,
        ]
    }
}

impl Status {
    /// This status as the verdicts of one town.
    #[inline]
    pub fn verdicts(self) -> Verdicts<bool> {
        Verdicts {
            met: self == Status::Met,
            not_met: self == Status::NotMet,
            undetermined: self == Status::Undetermined,
            not_applicable: self == Status::NotApplicable,
        }
    }
}

impl Outcome {
    /// Combine one town's criterion statuses into its outcome.
    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Outcome {
        let mut fold = OutcomeFold::new(false);
        for s in statuses {
            fold.add(&s.verdicts());
        }
        fold.outcome()
    }
}

impl OutcomeFold<bool> {
    /// The one town's outcome.
    #[inline]
    pub fn outcome(&self) -> Outcome {
        match self.finish(true) {
            [true, _, _] => Outcome::Recognized,
            [false, true, _] => Outcome::NotRecognized,
            [false, false, _] => Outcome::Undetermined,
        }
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
    /// Missing fact or unset parameter.
    Unknown,
    /// Arithmetic without a result (division by zero, overflow): unknown in every
    /// comparison and condition, but explained as what it is, never as missing data.
    Fault(ArithFault),
}

impl V {
    /// The value as a condition: a yes/no value, else unknown.
    #[inline]
    pub fn tri(self) -> Tri {
        match self {
            V::Bool(b) => Tri::of_bool(b),
            V::Num(_) | V::Cat(_) | V::Unknown | V::Fault(_) => Tri::Unknown,
        }
    }
    /// The arithmetic fault of an operand, if either operand carries one (the left first).
    #[inline]
    pub fn fault_of(l: V, r: V) -> Option<ArithFault> {
        match (l, r) {
            (V::Fault(f), _) | (_, V::Fault(f)) => Some(f),
            (V::Num(_) | V::Bool(_) | V::Cat(_) | V::Unknown, _) => None,
        }
    }
    /// A truth value as a value.
    #[inline]
    pub fn of_tri(t: Tri) -> V {
        match t {
            Tri::True => V::Bool(true),
            Tri::False => V::Bool(false),
            Tri::Unknown => V::Unknown,
        }
    }
    /// A constant of the rule set as a value.
    #[inline]
    pub fn of_const(c: Const) -> V {
        match c {
            Const::Num(d) => V::Num(d),
            Const::Bool(b) => V::Bool(b),
            Const::Member(m) => V::Cat(m),
        }
    }
}

/// Compare two values; unknown if either is, or if they are of different kinds.
#[inline]
pub fn compare(op: CmpOp, l: V, r: V) -> V {
    let ord = match (l, r) {
        (V::Num(a), V::Num(b)) => a.cmp(&b),
        (V::Bool(a), V::Bool(b)) => a.cmp(&b),
        (V::Cat(a), V::Cat(b)) => a.cmp(&b),
        (V::Num(_) | V::Bool(_) | V::Cat(_) | V::Unknown | V::Fault(_), _) => return V::Unknown,
    };
    V::Bool(op.holds(ord))
}

/// How far the left side of an ordering comparison of numbers is past the threshold on
/// the right (positive or zero: passes by that much; negative: short by that much).
#[inline]
pub fn margin(op: CmpOp, l: V, r: V) -> Option<Decimal> {
    match (l, r) {
        (V::Num(a), V::Num(b)) => op
            .margin(a, b, |x, y| x.checked_sub(y))
            .map(|m| m.normalize()),
        _ => None,
    }
}

/// Exact arithmetic: the fault on division by zero or overflow (and an operand's fault
/// carries through); otherwise unknown if an operand is unknown.
#[inline]
pub fn arith(op: ArithOp, l: V, r: V) -> V {
    match (l, r) {
        (V::Num(a), V::Num(b)) => op.apply(a, b).map_or_else(V::Fault, V::Num),
        _ => V::fault_of(l, r).map_or(V::Unknown, V::Fault),
    }
}

/// A conversion between points and ratios (`check::quantities::Rescale`): points ÷ 100
/// or ratio × 100, exact except past 28 significant digits (a comparison reads a
/// converted percentage as the exact quotient instead, see [`Quot`]).
#[inline]
pub fn rescale(r: Rescale, v: V) -> V {
    let hundred = Decimal::ONE_HUNDRED;
    match r {
        Rescale::PointsToRatio => arith(ArithOp::Div, v, V::Num(hundred)),
        Rescale::RatioToPoints => arith(ArithOp::Mul, v, V::Num(hundred)),
    }
}

/// One side of a comparison as an exact quotient `num / den` (a division, or a
/// percentage read as a ratio: points / 100); other values have `den` 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quot {
    /// The dividend (or the whole value).
    pub num: V,
    /// The divisor.
    pub den: V,
}

impl Quot {
    /// A value that is not a quotient.
    #[inline]
    pub fn whole(v: V) -> Quot {
        Quot {
            num: v,
            den: V::Num(Decimal::ONE),
        }
    }
}

/// The order of two sides, exactly: quotients are compared by cross-multiplication, so
/// `1 / 3` against `33.3333333333333333333333333333%` is decided as mathematics says,
/// never by a rounded quotient. `None` (unknown) if a part is unknown, the kinds differ or
/// a divisor is zero (the side's value then carries the fault, 除数为零).
#[inline]
pub fn order_exact(l: Quot, r: Quot) -> Option<std::cmp::Ordering> {
    let one = V::Num(Decimal::ONE);
    match (l.num, l.den, r.num, r.den) {
        (a, da, b, db) if da == one && db == one => match (a, b) {
            (V::Num(a), V::Num(b)) => Some(a.cmp(&b)),
            (V::Bool(a), V::Bool(b)) => Some(a.cmp(&b)),
            (V::Cat(a), V::Cat(b)) => Some(a.cmp(&b)),
            (V::Num(_) | V::Bool(_) | V::Cat(_) | V::Unknown | V::Fault(_), _) => None,
        },
        (V::Num(a), V::Num(b), V::Num(c), V::Num(d)) => {
            crate::eval::exact::cmp_quotients(a, b, c, d)
        }
        _ => None,
    }
}

/// Compare two sides exactly (see [`order_exact`]); unknown when the order is.
#[inline]
pub fn compare_exact(op: CmpOp, l: Quot, r: Quot) -> V {
    order_exact(l, r).map_or(V::Unknown, |ord| V::Bool(op.holds(ord)))
}

/// The margin of an exactly decided comparison, from the sides' decimal values `lv` and
/// `rv`, only when their order is the exact order (a margin that rounding made
/// contradict the verdict, or read as exactly at the threshold, is not shown).
#[inline]
pub fn margin_exact(op: CmpOp, (lv, l): (V, Quot), (rv, r): (V, Quot)) -> Option<Decimal> {
    let rounded = match (lv, rv) {
        (V::Num(a), V::Num(b)) => a.cmp(&b),
        _ => return None,
    };
    if order_exact(l, r) != Some(rounded) {
        return None;
    }
    margin(op, lv, rv)
}

/// The negation of a number; an operand's fault carries through, otherwise unknown.
#[inline]
pub fn neg(v: V) -> V {
    match v {
        V::Num(d) => V::Num(-d),
        V::Fault(f) => V::Fault(f),
        V::Bool(_) | V::Cat(_) | V::Unknown => V::Unknown,
    }
}

/// The smaller (or larger) of two numbers; an operand's fault carries through,
/// otherwise unknown if either is.
#[inline]
pub fn min_max(is_min: bool, l: V, r: V) -> V {
    match (l, r) {
        (V::Num(a), V::Num(b)) => V::Num(if is_min { a.min(b) } else { a.max(b) }),
        _ => V::fault_of(l, r).map_or(V::Unknown, V::Fault),
    }
}

/// The smallest change of the value `v` that makes `v OP t` hold (with `holds`: fail),
/// for values that move in steps of `step` (1 for counts, 0 for amounts).
pub fn change_to_flip(op: CmpOp, holds: bool, v: Decimal, t: Decimal, step: Decimal) -> Decimal {
    let want = if holds { op.negate() } else { op };
    match want {
        CmpOp::Ge => t - v,
        CmpOp::Gt => t - v + step,
        CmpOp::Le => v - t,
        CmpOp::Lt => v - t + step,
        CmpOp::Eq | CmpOp::Ne => t - v,
    }
    .abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRIS: [Tri; 3] = [Tri::True, Tri::False, Tri::Unknown];

    /// A block whose lanes hold the given values.
    fn block(vals: &[Tri]) -> Lanes {
        let mut l = Lanes::default();
        for (j, v) in vals.iter().enumerate() {
            match v {
                Tri::True => l.t |= 1 << j,
                Tri::False => l.f |= 1 << j,
                Tri::Unknown => {}
            }
        }
        l
    }

    /// Every pair (and triple) of truth values, one per lane.
    fn pairs() -> (Vec<Tri>, Vec<Tri>, Vec<Tri>) {
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for x in TRIS {
            for y in TRIS {
                for z in TRIS {
                    a.push(x);
                    b.push(y);
                    c.push(z);
                }
            }
        }
        (a, b, c)
    }

    /// The lanes agree with the scalar definition on every combination (27 lanes).
    #[test]
    fn lanes_agree_with_scalar_truth_tables() {
        let (a, b, c) = pairs();
        let (la, lb, lc) = (block(&a), block(&b), block(&c));
        for j in 0..a.len() {
            assert_eq!(la.and(lb).get(j), a[j].and(b[j]));
            assert_eq!(la.or(lb).get(j), a[j].or(b[j]));
            assert_eq!(la.not().get(j), a[j].not());
            for op in [LogicOp::And, LogicOp::Or] {
                assert_eq!(op.apply(la, lb).get(j), op.apply(a[j], b[j]));
            }
            let req = requirement(la, Some((lb, lc))).get(j);
            assert_eq!(req, requirement(a[j], Some((b[j], c[j]))));
            assert_eq!(requirement(la, None).get(j), a[j]);
            // Status rule, with and without an uncovered category.
            for unc in [false, true] {
                let u = if unc { u64::MAX } else { 0 };
                let lane = criterion_status(u, la, lb).get(j);
                let one = criterion_status(unc, a[j], b[j]).status();
                assert_eq!(lane, one, "{:?} {:?} uncovered={unc}", a[j], b[j]);
            }
            let v = criterion_status(0, la, lb);
            let set = [v.met, v.not_met, v.undetermined, v.not_applicable];
            assert_eq!(set.iter().map(|m| (m >> j) & 1).sum::<u64>(), 1, "disjoint");
        }
    }

    /// The scalar truth tables are Kleene's.
    #[test]
    fn kleene_truth_tables() {
        use Tri::{False as F, True as T, Unknown as U};
        assert_eq!([T.and(U), F.and(U), U.and(U)], [U, F, U]);
        assert_eq!([T.or(U), F.or(U), U.or(U)], [T, U, U]);
        assert_eq!([T.not(), F.not(), U.not()], [F, T, U]);
        // De Morgan holds in Kleene logic.
        for a in TRIS {
            for b in TRIS {
                assert_eq!(a.and(b).not(), a.not().or(b.not()));
            }
        }
    }

    /// The status rule, written out case by case.
    #[test]
    fn status_rule() {
        use Tri::{False as F, True as T, Unknown as U};
        let s = |u, a, r| criterion_status(u, a, r).status();
        assert_eq!(s(true, T, T), Status::NotApplicable);
        assert_eq!(s(false, F, T), Status::NotApplicable);
        assert_eq!(s(false, U, F), Status::NotMet);
        assert_eq!(s(false, T, F), Status::NotMet);
        assert_eq!(s(false, T, T), Status::Met);
        assert_eq!(s(false, U, T), Status::Undetermined);
        assert_eq!(s(false, T, U), Status::Undetermined);
    }

    #[test]
    fn outcome_rule_and_paths() {
        use Status::*;
        assert_eq!(Outcome::of([Met, Met]), Outcome::Recognized);
        assert_eq!(Outcome::of([Met, Undetermined]), Outcome::Undetermined);
        assert_eq!(
            Outcome::of([Undetermined, NotApplicable]),
            Outcome::NotRecognized
        );
        assert_eq!(Outcome::of([NotMet]), Outcome::NotRecognized);
        assert_eq!(Outcome::of([]), Outcome::Recognized);
        use Tri::{False as F, True as T, Unknown as U};
        assert_eq!(path(T, Some((F, F))), Path::Normal);
        assert_eq!(path(U, Some((T, T))), Path::Relaxation);
        assert_eq!(path(F, Some((T, U))), Path::Neither);
        assert_eq!(path(F, None), Path::Neither);
    }

    #[test]
    fn change_to_flip_reaches_the_other_side() {
        let d = |x: i64| Decimal::from(x);
        for op in [CmpOp::Ge, CmpOp::Gt, CmpOp::Le, CmpOp::Lt] {
            for v in 5..15 {
                let (v, t) = (d(v), d(10));
                let holds = op.holds(v.cmp(&t));
                let ch = change_to_flip(op, holds, v, t, Decimal::ONE);
                // Moving by `ch` in the right direction flips; by one step less does not.
                let moved = [v + ch, v - ch]
                    .into_iter()
                    .any(|w| op.holds(w.cmp(&t)) != holds);
                assert!(moved, "{op:?} {v}");
                if ch >= Decimal::ONE {
                    let less = ch - Decimal::ONE;
                    let still = [v + less, v - less]
                        .into_iter()
                        .all(|w| op.holds(w.cmp(&t)) == holds);
                    assert!(still, "{op:?} {v} {ch}");
                }
            }
        }
    }
}
