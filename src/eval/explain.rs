//! Explanation records: why each criterion has its status.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{arith, compare, Evaluator, Outcome, Status, Tri, V};
use crate::compile::{NodeId, Op};
use crate::syntax::ast::BinOp;

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

/// Which path decided a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Path {
    /// The normal condition holds.
    Normal,
    /// The normal condition fails, the relaxation clause applies and holds.
    Relaxation,
    /// Neither holds (or neither is decided).
    Neither,
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
}

#[derive(Default)]
struct Recorder {
    atoms: Vec<Atom>,
    missing: Vec<usize>,
    unset: Vec<usize>,
    params: Vec<usize>,
}

fn push_unique(v: &mut Vec<usize>, x: usize) {
    if !v.contains(&x) {
        v.push(x);
    }
}

impl Evaluator<'_> {
    /// Evaluate town `row` recording why each criterion has its status.
    pub fn explain(&self, row: usize) -> TownResult {
        let criteria: Vec<CriterionResult> = (0..self.rules.criteria.len())
            .map(|c| self.explain_criterion(c, row))
            .collect();
        let outcome = Outcome::of(criteria.iter().map(|c| c.status));
        TownResult {
            row,
            outcome,
            criteria,
        }
    }

    /// Evaluate criterion `c` for town `row` with explanation records.
    pub fn explain_criterion(&self, c: usize, row: usize) -> CriterionResult {
        let crit = &self.rules.criteria[c];
        let mut rec = Recorder::default();
        let applies: Vec<CondResult> = crit
            .applies
            .iter()
            .map(|a| self.cond(a.node, row, &mut rec))
            .collect();
        let requires: Vec<RequireResult> = crit
            .requires
            .iter()
            .map(|r| {
                let cond = self.cond(r.cond.node, row, &mut rec);
                let relax = r.relax.as_ref().map(|rx| {
                    (
                        self.cond(rx.when.node, row, &mut rec),
                        self.cond(rx.then.node, row, &mut rec),
                    )
                });
                let relaxed = relax
                    .as_ref()
                    .map_or(Tri::False, |(w, t)| w.value.and(t.value));
                let status = cond.value.or(relaxed);
                let path = if cond.value == Tri::True {
                    Path::Normal
                } else if relaxed == Tri::True {
                    Path::Relaxation
                } else {
                    Path::Neither
                };
                RequireResult {
                    status,
                    path,
                    cond,
                    relax,
                }
            })
            .collect();
        let mut prec = Recorder::default();
        let priorities = crit
            .priorities
            .iter()
            .map(|p| self.cond(p.when.node, row, &mut prec).value)
            .collect();
        let uncovered = self.uncovered(c, row);
        let status = self.status(c, row);
        CriterionResult {
            index: c,
            status,
            applies,
            uncovered,
            requires,
            missing_facts: rec.missing,
            unset_params: rec.unset,
            params_used: rec.params,
            priorities,
        }
    }

    fn cond(&self, n: NodeId, row: usize, rec: &mut Recorder) -> CondResult {
        let start = rec.atoms.len();
        let value = self.xeval(n, row, rec, true).tri();
        CondResult {
            value,
            atoms: rec.atoms.split_off(start),
        }
    }

    /// Evaluate without short-circuit, recording atoms; `top` marks a position where a
    /// yes/no value is used as a condition (so a bare yes/no fact is an atom).
    fn xeval(&self, n: NodeId, row: usize, rec: &mut Recorder, top: bool) -> V {
        match self.rules.ops[n as usize] {
            Op::Fact(f) => {
                let v = self.fact(f as usize, row);
                if v == V::Unknown {
                    push_unique(&mut rec.missing, f as usize);
                }
                if top {
                    rec.atoms.push(Atom {
                        node: n,
                        holds: v.tri(),
                        lhs: v,
                        rhs: V::Unknown,
                        margin: None,
                    });
                }
                v
            }
            Op::Param(p) => {
                push_unique(&mut rec.params, p as usize);
                let v = self.param(p as usize).map_or(V::Unknown, V::of_const);
                if v == V::Unknown {
                    push_unique(&mut rec.unset, p as usize);
                }
                v
            }
            Op::Const(_) => self.eval(n, row),
            Op::Lookup { table, key } => {
                let k = self.xeval(key, row, rec, false);
                if let V::Cat(m) = k {
                    if let Some(Some(p)) = self.rules.tables[table as usize].entries.get(m as usize)
                    {
                        push_unique(&mut rec.params, *p);
                        if self.param(*p).is_none() {
                            push_unique(&mut rec.unset, *p);
                        }
                    }
                }
                self.eval(n, row)
            }
            Op::InTable { item, .. } | Op::InList { item, .. } => {
                let k = self.xeval(item, row, rec, false);
                let v = self.eval(n, row);
                rec.atoms.push(Atom {
                    node: n,
                    holds: v.tri(),
                    lhs: k,
                    rhs: V::Unknown,
                    margin: None,
                });
                v
            }
            Op::Not(x) => V::of_tri(self.xeval(x, row, rec, top).tri().not()),
            Op::Neg(x) => match self.xeval(x, row, rec, false) {
                V::Num(d) => V::Num(-d),
                _ => V::Unknown,
            },
            Op::And(a, b) => {
                let l = self.xeval(a, row, rec, true).tri();
                let r = self.xeval(b, row, rec, true).tri();
                V::of_tri(l.and(r))
            }
            Op::Or(a, b) => {
                let l = self.xeval(a, row, rec, true).tri();
                let r = self.xeval(b, row, rec, true).tri();
                V::of_tri(l.or(r))
            }
            Op::Cmp { op, lhs, rhs } => {
                let l = self.xeval(lhs, row, rec, false);
                let r = self.xeval(rhs, row, rec, false);
                let v = compare(op, l, r);
                let margin = match (op, l, r) {
                    (BinOp::Ge | BinOp::Gt, V::Num(a), V::Num(b)) => a.checked_sub(b),
                    (BinOp::Le | BinOp::Lt, V::Num(a), V::Num(b)) => b.checked_sub(a),
                    _ => None,
                };
                rec.atoms.push(Atom {
                    node: n,
                    holds: v.tri(),
                    lhs: l,
                    rhs: r,
                    margin: margin.map(|m| m.normalize()),
                });
                v
            }
            Op::Arith { op, lhs, rhs } => {
                let l = self.xeval(lhs, row, rec, false);
                let r = self.xeval(rhs, row, rec, false);
                arith(op, l, r)
            }
            Op::Stat { fact, .. } => {
                if self.fact(fact as usize, row) == V::Unknown {
                    push_unique(&mut rec.missing, fact as usize);
                }
                self.eval(n, row)
            }
            Op::Min(a, b) | Op::Max(a, b) => {
                self.xeval(a, row, rec, false);
                self.xeval(b, row, rec, false);
                self.eval(n, row)
            }
        }
    }
}
