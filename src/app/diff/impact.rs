//! The impact of a revision on towns: evaluate both rule sets on the same town
//! data and list every town whose outcome (or, when both rule sets have an
//! evaluation indicator system, grade) differs, with the criteria or indicators
//! that made the difference.

use std::path::Path;

use rust_decimal::Decimal;

use super::side::Side;
use crate::app::error::ImpactError;
use crate::data::{Scores, Towns};
use crate::eval::{Evaluator, Outcome, Status, TownScore};

/// Why a town's outcome changed: one criterion whose status differs, or which exists
/// on one side only and was not met there.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    /// Criterion id.
    pub criterion: String,
    /// Its label (the new one when it exists in NEW).
    pub label: String,
    /// Status under OLD (`None`: OLD has no such criterion).
    pub old: Option<Status>,
    /// Status under NEW (`None`: NEW has no such criterion).
    pub new: Option<Status>,
    /// Explanation lines: the tests that decided it on each side, prefixed 旧/新.
    pub why: Vec<String>,
}

/// An indicator whose (mean) score differs for a town.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorDelta {
    /// Indicator code.
    pub code: String,
    /// Its label.
    pub label: String,
    /// Score under OLD (`None`: undetermined or no such indicator).
    pub old: Option<Decimal>,
    /// Score under NEW.
    pub new: Option<Decimal>,
    /// The OLD score as shown: as the total is shown when it equals the total (so the
    /// two never read differently), else two decimals; 待定 when undetermined.
    pub old_shown: String,
    /// The NEW score as shown.
    pub new_shown: String,
}

/// A town's grade under both indicator systems, when it differs.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeChange {
    /// Grade under OLD (`None`: undetermined).
    pub old: Option<String>,
    /// Grade under NEW.
    pub new: Option<String>,
    /// Total score under OLD.
    pub old_total: Option<Decimal>,
    /// Total score under NEW.
    pub new_total: Option<Decimal>,
    /// The OLD total as the eval report shows it: never rounded into another grade band
    /// (`89.99（精确值 89.995）`, see [`crate::report::total_text`]).
    pub old_shown: String,
    /// The NEW total as shown.
    pub new_shown: String,
    /// First-level indicators whose score differs, then the leaves that moved most.
    pub indicators: Vec<IndicatorDelta>,
}

/// A town whose outcome or grade differs.
#[derive(Debug, Clone, PartialEq)]
pub struct TownChange {
    /// Town id.
    pub id: String,
    /// Town name.
    pub name: String,
    /// Outcome under OLD.
    pub old: Outcome,
    /// Outcome under NEW.
    pub new: Outcome,
    /// Every criterion whose status differs (for a town whose outcome differs, those
    /// that made the difference).
    pub because: Vec<Cause>,
    /// The grade, when it differs.
    pub grade: Option<GradeChange>,
}

/// The impact on one town data file.
#[derive(Debug, Clone, PartialEq)]
pub struct Impact {
    /// The data file as given.
    pub file: String,
    /// How many towns were evaluated.
    pub total: usize,
    /// Whether grades were compared (both rule sets have an indicator system).
    pub graded: bool,
    /// Whether either rule set has criteria (otherwise outcomes are trivially the same).
    pub criteria: bool,
    /// Facts only one side has (an amendment that adds a fact), with the side that has
    /// it: `(fact id, label, in the new rule set)`.
    pub one_sided_facts: Vec<(String, String, bool)>,
    /// Towns whose outcome or grade differs, in file order.
    pub towns: Vec<TownChange>,
    /// Towns whose outcome and grade are the same but some criterion's status differs
    /// (a criterion now met that was not, …), in file order.
    pub criteria_only: Vec<TownChange>,
    /// (old outcome, new outcome, number of towns), most frequent first.
    pub transitions: Vec<(Outcome, Outcome, usize)>,
    /// (old grade, new grade, number of towns), most frequent first (`None`: undetermined).
    pub grade_transitions: Vec<(Option<String>, Option<String>, usize)>,
}

/// Read the towns for `side`; the columns of `other`'s facts that `side` lacks are
/// skipped (an amendment may add facts).
fn load(side: &Side, other: &Side, path: &Path) -> Result<(Towns, Vec<String>), ImpactError> {
    match crate::data::load_towns_beside(path, &side.model, Some(&other.model)) {
        Ok(l) => {
            let mut warnings = l.warnings.clone();
            warnings.extend(l.missing_read_by(&side.rules));
            warnings.extend(side.rules.ranking_warning(l.towns.len()));
            Ok((l.towns, warnings))
        }
        Err(errors) => Err(ImpactError::TownData {
            path: path.to_path_buf(),
            side: side.spec.clone(),
            errors,
        }),
    }
}

fn sheets(side: &Side, towns: &Towns, path: Option<&Path>) -> Result<Option<Scores>, ImpactError> {
    let (Some(ev), Some(p)) = (side.rules.evaluation.as_ref(), path) else {
        return Ok(None);
    };
    crate::data::load_scores(p, ev, towns)
        .map(Some)
        .map_err(|errors| ImpactError::Sheets {
            path: p.to_path_buf(),
            side: side.spec.clone(),
            errors,
        })
}

fn count<K: PartialEq>(v: &mut Vec<(K, K, usize)>, a: K, b: K) {
    match v.iter_mut().find(|t| t.0 == a && t.1 == b) {
        Some(t) => t.2 += 1,
        None => v.push((a, b, 1)),
    }
}

/// Evaluate both sides on the towns in `path` (read once per side, with each side's
/// vocabulary) and compare outcomes, and grades when both sides have an indicator
/// system (`scores`: the expert sheets, read for each side's system).
pub fn impact(
    old: &Side,
    new: &Side,
    path: &Path,
    scores: Option<&Path>,
) -> Result<Impact, ImpactError> {
    let (has_a, has_b) = (
        old.rules.evaluation.is_some(),
        new.rules.evaluation.is_some(),
    );
    if let Some(s) = scores {
        if !has_a && !has_b {
            return Err(ImpactError::SheetsUnusable {
                sheets: s.to_path_buf(),
            });
        }
    }
    let (ta, wa) = load(old, new, path)?;
    let (tb, wb) = load(new, old, path)?;
    let mut warnings = wa;
    for w in wb {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    for w in &warnings {
        crate::app::error::warn(w);
    }
    if ta.len() != tb.len() || (0..ta.len()).any(|i| ta.ids[i] != tb.ids[i]) {
        return Err(ImpactError::TownsDiffer {
            path: path.to_path_buf(),
        });
    }
    let (sa_sheets, sb_sheets) = (sheets(old, &ta, scores)?, sheets(new, &tb, scores)?);
    let mut ea = Evaluator::new(&old.rules, &ta);
    if let Some(s) = &sa_sheets {
        ea = ea.with_scores(s);
    }
    let mut eb = Evaluator::new(&new.rules, &tb);
    if let Some(s) = &sb_sheets {
        eb = eb.with_scores(s);
    }
    let graded = has_a && has_b;
    let mut sa = vec![Status::Met; old.rules.criteria.len()];
    let mut sb = vec![Status::Met; new.rules.criteria.len()];
    let mut towns = Vec::new();
    let mut criteria_only = Vec::new();
    let mut transitions = Vec::new();
    let mut grade_transitions = Vec::new();
    for row in 0..ta.len() {
        let oa = ea.statuses(row, &mut sa);
        let ob = eb.statuses(row, &mut sb);
        let grade = if graded {
            grade_change(&ea, &eb, row)
        } else {
            None
        };
        if oa == ob && grade.is_none() {
            let because = super::why::causes(&ea, &eb, &sa, &sb, row);
            if !because.is_empty() {
                criteria_only.push(TownChange {
                    id: ta.ids[row].to_string(),
                    name: ta.names[row].to_string(),
                    old: oa,
                    new: ob,
                    because,
                    grade: None,
                });
            }
            continue;
        }
        if oa != ob {
            count(&mut transitions, oa, ob);
        }
        if let Some(g) = &grade {
            count(&mut grade_transitions, g.old.clone(), g.new.clone());
        }
        towns.push(TownChange {
            id: ta.ids[row].to_string(),
            name: ta.names[row].to_string(),
            old: oa,
            new: ob,
            because: super::why::causes(&ea, &eb, &sa, &sb, row),
            grade,
        });
    }
    transitions.sort_by_key(|t| std::cmp::Reverse(t.2));
    grade_transitions.sort_by_key(|t| std::cmp::Reverse(t.2));
    Ok(Impact {
        file: path.display().to_string(),
        total: ta.len(),
        graded,
        criteria: !old.rules.criteria.is_empty() || !new.rules.criteria.is_empty(),
        one_sided_facts: one_sided(old, new),
        towns,
        criteria_only,
        transitions,
        grade_transitions,
    })
}

/// The facts one rule set declares and the other does not.
fn one_sided(old: &Side, new: &Side) -> Vec<(String, String, bool)> {
    let only = |a: &Side, b: &Side, in_new: bool| -> Vec<(String, String, bool)> {
        a.rules
            .facts
            .iter()
            .filter(|f| b.rules.fact_index(&f.id).is_none())
            .map(|f| (f.id.clone(), f.label.clone(), in_new))
            .collect()
    };
    let mut v = only(old, new, false);
    v.extend(only(new, old, true));
    v
}

fn grade_name(ev: &Evaluator<'_>, s: &TownScore) -> Option<String> {
    let e = ev.rules.evaluation.as_ref()?;
    Some(e.grades.get(s.grade?)?.name.clone())
}

/// An indicator's score as shown: as the total when it equals the total (a single
/// first-level indicator), so that it never reads across a grade band; else two decimals.
fn node_shown(
    ev: &crate::compile::Evaluation,
    total: Option<Decimal>,
    v: Option<Decimal>,
) -> String {
    match (v, total) {
        (Some(v), Some(t)) if v == t => crate::report::shown_total(ev, t).0,
        (Some(v), _) => crate::report::fmt2(v),
        (None, _) => "待定".to_string(),
    }
}

/// How many leaves that moved are shown besides the first-level indicators.
const MAX_LEAVES: usize = 4;

fn grade_change(ea: &Evaluator<'_>, eb: &Evaluator<'_>, row: usize) -> Option<GradeChange> {
    let (sa, sb) = (ea.town_score(row)?, eb.town_score(row)?);
    let (ga, gb) = (grade_name(ea, &sa), grade_name(eb, &sb));
    if ga == gb {
        return None;
    }
    let (va, vb) = (ea.rules.evaluation.as_ref()?, eb.rules.evaluation.as_ref()?);
    let mut codes: Vec<(&str, &str, usize)> = va
        .nodes
        .iter()
        .map(|n| (n.code.as_str(), n.label.as_str(), n.depth))
        .collect();
    for n in &vb.nodes {
        if !codes.iter().any(|c| c.0 == n.code) {
            codes.push((&n.code, &n.label, n.depth));
        }
    }
    let score = |ev: &crate::compile::Evaluation, s: &TownScore, code: &str| {
        let i = ev.nodes.iter().position(|n| n.code == code)?;
        s.nodes.get(i).copied().flatten()
    };
    let is_leaf = |code: &str| {
        let leaf = |ev: &crate::compile::Evaluation| {
            ev.nodes
                .iter()
                .find(|n| n.code == code)
                .is_none_or(|n| n.children.is_empty())
        };
        leaf(va) && leaf(vb)
    };
    let mut roots = Vec::new();
    let mut leaves = Vec::new();
    for (code, label, depth) in codes {
        let (old, new) = (score(va, &sa, code), score(vb, &sb, code));
        if old == new {
            continue;
        }
        let d = IndicatorDelta {
            code: code.to_string(),
            label: label.to_string(),
            old,
            new,
            old_shown: node_shown(va, sa.total, old),
            new_shown: node_shown(vb, sb.total, new),
        };
        if depth == 1 {
            roots.push(d);
        } else if is_leaf(code) {
            leaves.push(d);
        }
    }
    let moved = |d: &IndicatorDelta| match (d.old, d.new) {
        (Some(a), Some(b)) => (a - b).abs(),
        _ => Decimal::MAX,
    };
    leaves.sort_by_key(|d| std::cmp::Reverse(moved(d)));
    leaves.truncate(MAX_LEAVES);
    roots.extend(leaves);
    Some(GradeChange {
        old: ga,
        new: gb,
        old_total: sa.total,
        new_total: sb.total,
        old_shown: crate::report::total_text(va, sa.total),
        new_shown: crate::report::total_text(vb, sb.total),
        indicators: roots,
    })
}
