//! Scoring a town on an indicator system: each expert's tree and total, the mean of the
//! experts, the grade, caps applied, missing items, and where points were lost.

use rust_decimal::{Decimal, MathematicalOps};

use super::{Evaluator, Tri, V};
use crate::check::Aggregate;
use crate::compile::{Evaluation, Scoring};
use crate::data::ExpertSheet;
use crate::syntax::ast::ArithFault;

/// One expert's (or the formulas') scoring of a town.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertResult {
    /// The expert's name (empty when every item is computed from facts).
    pub expert: String,
    /// Total S; `None` when an item is missing.
    pub total: Option<Decimal>,
    /// Score of every node (`None`: depends on a missing item).
    pub nodes: Vec<Option<Decimal>>,
    /// Whether a node's score was capped at its weight.
    pub capped: Vec<bool>,
    /// Leaf nodes this expert did not score.
    pub missing: Vec<usize>,
}

/// A town's score: experts, mean, grade and the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TownScore {
    /// Each expert's result, in order of the sheet.
    pub experts: Vec<ExpertResult>,
    /// The town's total: the arithmetic mean of the experts' totals (exact); `None` when
    /// any expert's total is undetermined or there are no sheets.
    pub total: Option<Decimal>,
    /// Grade index in [`Evaluation::grades`].
    pub grade: Option<usize>,
    /// Mean score of every node over the experts (`None` when undetermined).
    pub nodes: Vec<Option<Decimal>>,
    /// Whether any expert's score of a node was capped.
    pub capped: Vec<bool>,
    /// The leaves that cost the total most (node, points the total lost through it:
    /// what it would gain with the leaf at its full weight, after the caps of the
    /// levels above), largest first; at most three.
    pub shortfalls: Vec<(usize, Decimal)>,
    /// Why the total is undetermined, when it is.
    pub undetermined: Option<String>,
}

impl Evaluator<'_> {
    /// Score town `row` from its experts' sheets (empty when none were given). `None` when
    /// the rule set has no evaluation system.
    pub fn score(&self, sheets: &[ExpertSheet], row: usize) -> Option<TownScore> {
        let ev = self.rules.evaluation.as_ref()?;
        let formulas: Vec<Option<Option<Decimal>>> = ev
            .leaves
            .iter()
            .map(|&n| self.formula_leaf(ev, n, row))
            .collect();
        let needs_experts = formulas.iter().any(Option::is_none);
        let experts: Vec<ExpertResult> = if needs_experts {
            sheets
                .iter()
                .map(|s| tree(ev, &s.expert, Some(&s.scores), &formulas))
                .collect()
        } else {
            vec![tree(ev, "", None, &formulas)]
        };
        let mut undetermined = None;
        if experts.is_empty() {
            undetermined = Some("没有专家评分".to_string());
        } else if let Some(e) = experts.iter().find(|e| e.total.is_none()) {
            let missing: Vec<&str> = e
                .missing
                .iter()
                .map(|&n| ev.nodes[n].code.as_str())
                .collect();
            undetermined = Some(if missing.is_empty() {
                let open: Vec<usize> = ev
                    .leaves
                    .iter()
                    .copied()
                    .filter(|&n| e.nodes[n].is_none())
                    .collect();
                let who = if e.expert.is_empty() {
                    String::new()
                } else {
                    format!("专家 {} 的", e.expert)
                };
                // A formula without a result (division by zero, overflow) is named as
                // such; the others depend on missing facts.
                let (faulty, missing): (Vec<_>, Vec<_>) = open
                    .iter()
                    .map(|&n| (ev.nodes[n].code.as_str(), self.formula_fault(ev, n, row)))
                    .partition(|(_, f)| f.is_some());
                let mut why: Vec<String> = faulty
                    .iter()
                    .filter_map(|(code, f)| {
                        f.map(|f| format!("{code} 计算无结果（{}）", f.message()))
                    })
                    .collect();
                if !missing.is_empty() {
                    let codes: Vec<&str> = missing.iter().map(|&(c, _)| c).collect();
                    why.push(format!("{} 依赖缺失的事实", codes.join("、")));
                }
                format!("{who}总分无法计算：{}", why.join("；"))
            } else {
                format!("专家 {} 未对 {} 评分", e.expert, missing.join("、"))
            });
        }
        let n_exp = Decimal::from(experts.len() as u64);
        let mean = |vals: Vec<Option<Decimal>>| -> Option<Decimal> {
            if vals.is_empty() || vals.iter().any(Option::is_none) {
                return None;
            }
            let sum: Decimal = vals.into_iter().flatten().sum();
            sum.checked_div(n_exp).map(|d| d.normalize())
        };
        let total = if undetermined.is_some() {
            None
        } else {
            mean(experts.iter().map(|e| e.total).collect())
        };
        let nodes: Vec<Option<Decimal>> = (0..ev.nodes.len())
            .map(|i| mean(experts.iter().map(|e| e.nodes[i]).collect()))
            .collect();
        let capped = (0..ev.nodes.len())
            .map(|i| experts.iter().any(|e| e.capped[i]))
            .collect();
        let mut shortfalls: Vec<(usize, Decimal)> = ev
            .leaves
            .iter()
            .filter(|&&n| nodes[n].is_some_and(|s| s < ev.nodes[n].weight))
            .filter_map(|&n| gain_if_full(ev, &experts, n).map(|g| (n, g)))
            .filter(|(_, lost)| *lost > Decimal::ZERO)
            .collect();
        shortfalls.sort_by_key(|s| std::cmp::Reverse(s.1));
        shortfalls.truncate(3);
        Some(TownScore {
            grade: total.and_then(|t| ev.grade(t)),
            experts,
            total,
            nodes,
            capped,
            shortfalls,
            undetermined,
        })
    }

    /// The arithmetic fault of a formula item for town `row`, if its formula has one.
    fn formula_fault(&self, ev: &Evaluation, n: usize, row: usize) -> Option<ArithFault> {
        match &ev.nodes[n].scoring {
            Scoring::Formula(c) => match self.eval(c.node, row) {
                V::Fault(f) => Some(f),
                V::Num(_) | V::Bool(_) | V::Cat(_) | V::Unknown => None,
            },
            Scoring::FullWhen(_) | Scoring::Expert => None,
        }
    }

    /// The points of a leaf computed from facts: `None` for an expert item,
    /// `Some(None)` when it depends on a missing fact.
    fn formula_leaf(&self, ev: &Evaluation, n: usize, row: usize) -> Option<Option<Decimal>> {
        let node = &ev.nodes[n];
        match &node.scoring {
            Scoring::Expert => None,
            Scoring::FullWhen(c) => Some(match self.eval(c.node, row).tri() {
                Tri::True => Some(node.weight),
                Tri::False => Some(Decimal::ZERO),
                Tri::Unknown => None,
            }),
            Scoring::Formula(c) => Some(match self.eval(c.node, row) {
                V::Num(d) => Some(d.max(Decimal::ZERO).min(node.weight)),
                _ => None,
            }),
        }
    }
}

/// Compute one expert's tree bottom-up.
fn tree(
    ev: &Evaluation,
    expert: &str,
    scores: Option<&[Option<Decimal>]>,
    formulas: &[Option<Option<Decimal>>],
) -> ExpertResult {
    let mut nodes = vec![None; ev.nodes.len()];
    let mut capped = vec![false; ev.nodes.len()];
    let mut missing = Vec::new();
    // Children come after their parent in `nodes`, so walk backwards.
    for i in (0..ev.nodes.len()).rev() {
        let node = &ev.nodes[i];
        if let Some(leaf) = node.leaf {
            nodes[i] = match &formulas[leaf] {
                Some(v) => *v,
                None => {
                    let v = scores.and_then(|s| s.get(leaf).copied().flatten());
                    if v.is_none() {
                        missing.push(i);
                    }
                    v
                }
            };
            continue;
        }
        let kids: Option<Vec<Decimal>> = node.children.iter().map(|&c| nodes[c]).collect();
        nodes[i] = kids.map(|k| {
            let raw = match node.aggregate {
                Aggregate::SumCapped => k.iter().copied().sum(),
                Aggregate::Geometric => geometric(ev, node.weight, &node.children, &k),
            };
            if raw > node.weight {
                capped[i] = true;
                node.weight
            } else {
                raw
            }
        });
    }
    missing.reverse();
    let total = ev
        .roots
        .iter()
        .map(|&r| nodes[r])
        .sum::<Option<Decimal>>()
        .map(|d| d.normalize());
    ExpertResult {
        expert: expert.to_string(),
        total,
        nodes,
        capped,
        missing,
    }
}

/// What the town's total would gain if leaf `n` had its full weight, every other score
/// as it is: the mean over the experts of each one's gain. A capped ancestor absorbs part
/// or all of it (C3.1 of weight 3 under C3 of weight 2), so this is what the item really
/// cost the total. `None` when a score on the way is undetermined.
fn gain_if_full(ev: &Evaluation, experts: &[ExpertResult], n: usize) -> Option<Decimal> {
    if experts.is_empty() {
        return None;
    }
    let mut sum = Decimal::ZERO;
    for e in experts {
        sum += expert_gain(ev, &e.nodes, n)?;
    }
    sum.checked_div(Decimal::from(experts.len() as u64))
        .map(|d| d.normalize())
}

/// One expert's gain in the total from leaf `n` at its full weight: the path from the
/// leaf to its first-level node recomputed, each node capped at its weight as [`tree`]
/// does.
fn expert_gain(ev: &Evaluation, nodes: &[Option<Decimal>], n: usize) -> Option<Decimal> {
    let (mut at, mut value) = (n, ev.nodes[n].weight);
    while let Some(p) = ev.nodes[at].parent {
        let parent = &ev.nodes[p];
        let kids: Option<Vec<Decimal>> = parent
            .children
            .iter()
            .map(|&c| if c == at { Some(value) } else { nodes[c] })
            .collect();
        let kids = kids?;
        let raw = match parent.aggregate {
            Aggregate::SumCapped => kids.iter().copied().sum(),
            Aggregate::Geometric => geometric(ev, parent.weight, &parent.children, &kids),
        };
        value = raw.min(parent.weight);
        if Some(value) == nodes[p] {
            return Some(Decimal::ZERO);
        }
        at = p;
    }
    Some(value - nodes[at]?)
}

/// Weighted geometric mean of the children's score ratios, times the node's weight.
fn geometric(ev: &Evaluation, weight: Decimal, children: &[usize], scores: &[Decimal]) -> Decimal {
    let wsum: Decimal = children.iter().map(|&c| ev.nodes[c].weight).sum();
    if wsum.is_zero() {
        return Decimal::ZERO;
    }
    let mut product = Decimal::ONE;
    for (&c, &s) in children.iter().zip(scores) {
        let w = ev.nodes[c].weight;
        if w.is_zero() {
            continue;
        }
        let ratio = s / w;
        if ratio.is_zero() {
            return Decimal::ZERO;
        }
        product *= ratio.powd(w / wsum);
    }
    (weight * product).round_dp(10).normalize()
}
