//! `townrules diff OLD NEW [--towns TOWNS [--scores SCORES]] [--format text|json]`:
//! the semantic difference between two rule sets.
//!
//! Both sides are checked and compiled (imports resolved; a side may be a file at a
//! git revision, see [`side`]), then compared by meaning, never by text:
//! criteria by id (label, clause, condition, applicability, priority flags — the
//! condition in the canonical form of [`canon`], so formatting, comments and order
//! do not count), parameters by name (value in force, with the direction of the
//! change when the way the parameter is used decides it), categories covered by
//! each table, thresholds on the same fact written with different parameters,
//! targets, the vocabulary of facts, the header, and the evaluation indicator
//! system (indicator weights by code, grade bands by name), and the document's words
//! (quotations, requirements' wording) where they differ: wording changes, which
//! count as differences but not as changes of meaning. Each difference is counted
//! once: the threshold comparison restates criterion changes and is not counted;
//! header fields a file that `extends` another leaves out are compared by the values
//! it inherits. With `--towns` both rule sets are evaluated on the towns and every
//! town whose outcome differs is listed with the criteria that made the difference
//! ([`impact`]), then every town whose outcome is the same but some criterion's
//! status differs. The text names facts and parameters in conditions by their
//! Chinese labels; JSON keeps the ids.
//!
//! Exit status as `diff(1)`: 0 no differences, 1 differences, 2 error (see
//! [`exit_status`](super::error::exit_status)).

pub mod canon;
mod compare;
mod criteria_text;
mod dated;
mod evaluation;
pub mod impact;
mod impact_text;
mod json;
mod labels;
mod params;
mod quotes;
mod render;
pub mod side;
mod why;

use std::io::Write;
use std::path::Path;

use clap::ValueEnum;
use rust_decimal::Decimal;

use super::error::{AppError, Outcome};
use crate::check::HeaderInfo;
use crate::compile::RuleSet;

pub use evaluation::{band_text, diff_evaluation};
pub use side::{load, Side, Spec};

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Chinese text for people (default).
    Text,
    /// One JSON object.
    Json,
}

/// Whether a change makes recognition harder or easier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Harder to be recognised (a higher minimum, an extra requirement, a category dropped).
    Stricter,
    /// Easier to be recognised.
    Looser,
    /// The change cannot be ranked (used differently on the two sides, mixed, not numeric).
    Undecidable,
}

impl Direction {
    /// As JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Stricter => "stricter",
            Direction::Looser => "looser",
            Direction::Undecidable => "undecidable",
        }
    }

    /// In Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Direction::Stricter => "收紧",
            Direction::Looser => "放宽",
            Direction::Undecidable => "无法判断宽严",
        }
    }

    /// The direction of several changes taken together (`None` when there are none).
    pub fn combine(ds: impl IntoIterator<Item = Direction>) -> Option<Direction> {
        let mut out = None;
        for d in ds {
            out = match out {
                None => Some(d),
                Some(o) if o == d => Some(o),
                Some(_) => Some(Direction::Undecidable),
            };
        }
        out
    }

    /// The direction of a value moving from `old` to `new`, where `effect` says how
    /// raising it moves a condition (+1 easier, −1 harder, 0 unknown).
    pub fn of_move(effect: i8, old: Decimal, new: Decimal) -> Option<Direction> {
        if old == new {
            return None;
        }
        let raised = new > old;
        Some(match (effect.signum(), raised) {
            (0, _) => Direction::Undecidable,
            (-1, true) | (1, false) => Direction::Stricter,
            _ => Direction::Looser,
        })
    }
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// A header field (document number, date, level …); `field` names it.
    Header,
    /// A criterion only in NEW.
    CriterionAdded,
    /// A criterion only in OLD.
    CriterionRemoved,
    /// A criterion in both with a different label, clause, condition, applicability or priority.
    CriterionChanged,
    /// A parameter only in NEW.
    ParamAdded,
    /// A parameter only in OLD.
    ParamRemoved,
    /// A parameter whose value in force differs.
    ParamChanged,
    /// The same fact has a different minimum, written differently (other parameters or numbers); it restates criterion changes.
    Threshold,
    /// A category a table now covers.
    CategoryCovered,
    /// A category a table no longer covers.
    CategoryDropped,
    /// A target only in NEW.
    TargetAdded,
    /// A target only in OLD.
    TargetRemoved,
    /// A target whose text, deadline, level or number differs.
    TargetChanged,
    /// A fact of the vocabulary only in NEW.
    FactAdded,
    /// A fact of the vocabulary only in OLD.
    FactRemoved,
    /// A fact whose kind or label differs.
    FactChanged,
    /// The evaluation indicator system itself (present on one side only, title, total,
    /// formula, grade table); `field` names what.
    Evaluation,
    /// An indicator only in NEW (by code).
    IndicatorAdded,
    /// An indicator only in OLD.
    IndicatorRemoved,
    /// An indicator whose label, weight, parent, scoring or aggregation differs.
    IndicatorChanged,
    /// A grade band only in NEW (by name).
    GradeAdded,
    /// A grade band only in OLD.
    GradeRemoved,
    /// A grade band whose bounds differ.
    GradeChanged,
    /// The document's words (a quotation, a requirement's wording) differ where the
    /// meaning does not, or a quotation one side has and the other has not: `field` says
    /// which (`quote`, `relax_quote`, `requirement`).
    Wording,
}

impl ChangeKind {
    /// As JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Header => "header",
            ChangeKind::CriterionAdded => "criterion_added",
            ChangeKind::CriterionRemoved => "criterion_removed",
            ChangeKind::CriterionChanged => "criterion_changed",
            ChangeKind::ParamAdded => "param_added",
            ChangeKind::ParamRemoved => "param_removed",
            ChangeKind::ParamChanged => "param_changed",
            ChangeKind::Threshold => "threshold_changed",
            ChangeKind::CategoryCovered => "category_covered",
            ChangeKind::CategoryDropped => "category_dropped",
            ChangeKind::TargetAdded => "target_added",
            ChangeKind::TargetRemoved => "target_removed",
            ChangeKind::TargetChanged => "target_changed",
            ChangeKind::FactAdded => "fact_added",
            ChangeKind::FactRemoved => "fact_removed",
            ChangeKind::FactChanged => "fact_changed",
            ChangeKind::Evaluation => "evaluation_changed",
            ChangeKind::IndicatorAdded => "indicator_added",
            ChangeKind::IndicatorRemoved => "indicator_removed",
            ChangeKind::IndicatorChanged => "indicator_changed",
            ChangeKind::GradeAdded => "grade_added",
            ChangeKind::GradeRemoved => "grade_removed",
            ChangeKind::GradeChanged => "grade_changed",
            ChangeKind::Wording => "wording_changed",
        }
    }
}

/// One difference between the rule sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// Criterion id, parameter name, category id, target id, fact id or header field.
    pub id: String,
    /// Which aspect (`label`, `clause`, `condition`, `applies`, `priority` for a
    /// criterion; the table for a category; the field of a target or fact).
    pub field: Option<String>,
    /// What it is, in Chinese (criterion label, what a parameter limits …).
    pub label: String,
    /// The old value as shown (with units), `None` when absent or unset.
    pub old: Option<String>,
    /// The new value as shown.
    pub new: Option<String>,
    /// The exact old number (money in 元, percentage points, counts), when numeric.
    pub old_value: Option<Decimal>,
    /// The exact new number.
    pub new_value: Option<Decimal>,
    /// Stricter or looser, when that applies.
    pub direction: Option<Direction>,
    /// More lines for people (where values come from, requirements added or removed).
    pub notes: Vec<String>,
}

impl Change {
    /// Whether this change is counted in the summary. A threshold comparison restates
    /// criterion and parameter changes already counted (the same literal or parameter
    /// seen from the fact it limits), so it is shown but not counted again.
    /// Which rule set a file `extends` is shown, but is no difference of content either.
    pub fn counted(&self) -> bool {
        match self.kind {
            ChangeKind::Threshold => false,
            ChangeKind::Header => self.id != "extends",
            _ => true,
        }
    }

    /// A change with only kind, id and label set.
    pub fn new(kind: ChangeKind, id: impl Into<String>, label: impl Into<String>) -> Change {
        Change {
            kind,
            id: id.into(),
            field: None,
            label: label.into(),
            old: None,
            new: None,
            old_value: None,
            new_value: None,
            direction: None,
            notes: Vec::new(),
        }
    }
}

/// The semantic difference of two rule sets.
#[derive(Debug, Clone, Default)]
pub struct RuleDiff {
    /// Every change, grouped by kind in the order of [`ChangeKind`].
    pub changes: Vec<Change>,
    /// Criteria in both rule sets that did not change.
    pub unchanged_criteria: Vec<String>,
    /// Parameters in both rule sets with the same value.
    pub unchanged_params: usize,
}

impl RuleDiff {
    /// The changes counted in the summary (each difference once).
    pub fn counted(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.counted())
    }

    /// Whether no change counts (the rule sets are the same, as far as `diff` tells).
    pub fn is_same(&self) -> bool {
        self.counted().next().is_none()
    }

    /// Whether every counted change is one of wording (the meaning is the same).
    pub fn same_meaning(&self) -> bool {
        self.counted().all(|c| c.kind == ChangeKind::Wording)
    }

    /// How many counted changes go in direction `d`.
    pub fn count(&self, d: Direction) -> usize {
        self.counted().filter(|c| c.direction == Some(d)).count()
    }
}

/// Compare two compiled rule sets (header fields a file that `extends` another leaves
/// out are not compared; [`diff_sides`] compares the values they inherit).
pub fn diff(old: &RuleSet, new: &RuleSet) -> RuleDiff {
    diff_with_headers(
        old,
        new,
        (&old.header, &old.header),
        (&new.header, &new.header),
    )
}

/// Compare two loaded rule sets, each header with the fields it inherits.
pub fn diff_sides(old: &Side, new: &Side) -> RuleDiff {
    let (ho, hn) = (side::inherited_header(old), side::inherited_header(new));
    let (a, b) = (&old.rules, &new.rules);
    let mut d = diff_with_headers(a, b, (&a.header, &ho), (&b.header, &hn));
    // Quotations the compiled rule sets do not keep (targets, the indicator system).
    d.changes.extend(quotes::others(old, new));
    d.changes.sort_by_key(|c| c.kind);
    d
}

/// Each header as written and with what it inherits.
type Headers<'a> = (&'a HeaderInfo, &'a HeaderInfo);

fn diff_with_headers(old: &RuleSet, new: &RuleSet, ho: Headers<'_>, hn: Headers<'_>) -> RuleDiff {
    let mut d = RuleDiff::default();
    compare::header(ho, hn, &mut d.changes);
    d.unchanged_criteria = compare::criteria(old, new, &mut d.changes);
    d.unchanged_params = params::params(old, new, &mut d.changes);
    params::thresholds(old, new, &mut d.changes);
    compare::coverage(old, new, &mut d.changes);
    compare::targets(old, new, &mut d.changes);
    compare::facts(old, new, &mut d.changes);
    d.changes.extend(diff_evaluation(old, new));
    // Stable: keeps each comparison's own order within a kind.
    d.changes.sort_by_key(|c| c.kind);
    d
}

/// Run `diff`: the report to stdout; [`Outcome::Same`] or [`Outcome::Different`].
pub fn run(
    old: &str,
    new: &str,
    towns: Option<&Path>,
    scores: Option<&Path>,
    format: DiffFormat,
    when: &super::load::When,
) -> Result<Outcome, AppError> {
    when.validate()?;
    let a = load(old, when)?;
    let b = load(new, when)?;
    let rd = diff_sides(&a, &b);
    let imp = match towns {
        Some(path) => Some(impact::impact(&a, &b, path, scores)?),
        None => None,
    };
    let body = match format {
        DiffFormat::Text => render::text(&a, &b, &rd, imp.as_ref()),
        DiffFormat::Json => {
            let v = json::json(&a, &b, &rd, imp.as_ref());
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            s
        }
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(body.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => {}
        // The reader has what it wanted (`| head`); the status still says what differs.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(source) => {
            return Err(AppError::Write {
                what: "the report",
                source,
            })
        }
    }
    let towns_changed = imp.as_ref().is_some_and(|i| !i.towns.is_empty());
    Ok(if rd.is_same() && !towns_changed {
        Outcome::Same
    } else {
        Outcome::Different
    })
}
