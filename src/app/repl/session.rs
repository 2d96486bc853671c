//! The session's state: the rule set with the parameter values set in the session,
//! the towns, the status matrix, and the undo stack.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::deps::{Deps, Walk};
use super::engine::{Matrix, Verdict};
use super::error::{Kept, ReplError};
use crate::app::load;
use crate::check::{Checked, Const, ParamInfo, ParamValue};
use crate::compile::RuleSet;
use crate::data::{Scores, Towns};
use crate::eval::{Evaluator, Outcome, Stats, Status};
use crate::units::MoneyUnit;

/// The provenance recorded for a value set in the session.
pub const ORIGIN: &str = "REPL set";

/// The rule set of the session.
pub struct Rules {
    /// The root rule file.
    pub path: PathBuf,
    /// The checked model (vocabulary the data is read against).
    pub model: Checked,
    /// The compiled rule set; values set in the session are at the end of each
    /// parameter's history (file id `usize::MAX`).
    pub rs: RuleSet,
}

/// The town data of the session.
pub struct Data {
    /// The data file.
    pub path: PathBuf,
    /// The towns.
    pub towns: Towns,
    /// The expert score sheets' file, if given.
    pub scores_path: Option<PathBuf>,
    /// The sheets, read against the rule set's indicator system (when it has one).
    pub scores: Option<Scores>,
}

impl Data {
    /// An evaluator of `rs` over these towns with the group statistics computed for them
    /// (see [`Engine::stats`]), scoring from the sheets.
    pub fn evaluator<'a>(&'a self, rs: &'a RuleSet, stats: Stats) -> Evaluator<'a> {
        let ev = Evaluator::with_stats(rs, &self.towns, stats);
        match &self.scores {
            Some(s) => ev.with_scores(s),
            None => ev,
        }
    }
}

/// The status matrix (and grades) with what they need to stay current.
pub struct Engine {
    /// Statuses and outcomes under the values in force.
    pub matrix: Matrix,
    /// Outcomes under the rule files' own values.
    pub file: Vec<Outcome>,
    /// Which criteria read which parameter.
    pub deps: Deps,
    /// Grades on the indicator system, when the rule set has one.
    pub grades: Option<Grades>,
    /// Group statistics of the towns (rank, percentile …), computed once: they do not
    /// depend on parameter values.
    pub stats: Stats,
}

/// Every town's grade on the indicator system.
pub struct Grades {
    /// Under the values in force (`None`: undetermined).
    pub now: Vec<Option<u16>>,
    /// Under the rule files' own values.
    pub file: Vec<Option<u16>>,
    /// Per parameter: whether the scoring reads it.
    reads: Vec<bool>,
}

fn grades_of(ev: &Evaluator<'_>) -> Vec<Option<u16>> {
    (0..ev.towns.len())
        .into_par_iter()
        .map(|r| {
            ev.town_score(r)
                .and_then(|s| s.grade)
                .and_then(|g| u16::try_from(g).ok())
        })
        .collect()
}

/// Which parameters an indicator system's computed items read.
fn scoring_reads(rs: &RuleSet) -> Vec<bool> {
    let mut w = Walk::new(rs);
    if let Some(e) = &rs.evaluation {
        for n in &e.nodes {
            match &n.scoring {
                crate::compile::Scoring::FullWhen(c) | crate::compile::Scoring::Formula(c) => {
                    w.walk(c.node)
                }
                crate::compile::Scoring::Expert => {}
            }
        }
    }
    let mut reads = vec![w.opaque; rs.params.len()];
    for p in w.params() {
        if let Some(x) = reads.get_mut(p) {
            *x = true;
        }
    }
    reads
}

/// A town whose verdict changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownChange {
    /// Row of the town.
    pub row: usize,
    /// Verdict before.
    pub before: Verdict,
    /// Verdict after.
    pub after: Verdict,
    /// Criteria whose status changed: (criterion, before, after).
    pub criteria: Vec<(usize, Status, Status)>,
}

/// One step that `undo` (or `redo`) takes back: the session values of the parameters
/// it changed.
struct Undo {
    what: String,
    before: Vec<(usize, Vec<ParamValue>)>,
}

/// The result of changing parameter values.
pub struct Change {
    /// Parameters whose value in force changed: (index, old value, new value).
    pub params: Vec<(usize, Option<Const>, Option<Const>)>,
    /// The unit each old value of `params` was written in (shown in its own unit).
    pub was: Vec<Option<MoneyUnit>>,
    /// Towns whose verdict changed (empty without data).
    pub flips: Vec<TownChange>,
    /// Verdict counts before and after.
    pub counts: Option<([usize; 3], [usize; 3])>,
}

/// An interactive what-if session (`townrules repl`).
#[derive(Default)]
pub struct Session {
    /// The evaluation year and the date of dated values rule sets are loaded at
    /// (`repl --year`, `--date`; default: each rule set's own).
    pub when: load::When,
    /// The rule set, once loaded.
    pub rules: Option<Rules>,
    /// The towns, once loaded.
    pub data: Option<Data>,
    /// The status matrix, when both are loaded.
    pub engine: Option<Engine>,
    undo: Vec<Undo>,
    redo: Vec<Undo>,
    generation: usize,
    /// The values in force when `save` last wrote them (to a file other than the
    /// loaded one).
    saved: Option<Vec<Option<Const>>>,
}

/// The values set in the session for a parameter (the end of its history).
pub fn tail(p: &ParamInfo) -> &[ParamValue] {
    let file = p.history.iter().rposition(|v| v.file != usize::MAX);
    &p.history[file.map_or(0, |i| i + 1)..]
}

/// Drop the values set in the session for a parameter (back to the file's value).
pub fn clear_tail(p: &mut ParamInfo) {
    set_tail(p, Vec::new());
}

fn set_tail(p: &mut ParamInfo, t: Vec<ParamValue>) {
    let keep = p.history.len() - tail(p).len();
    p.history.truncate(keep);
    p.history.extend(t);
}

fn value_in_force(p: &ParamInfo) -> Option<Const> {
    p.current().and_then(|v| v.value)
}

fn unit_in_force(p: &ParamInfo) -> Option<MoneyUnit> {
    p.current().and_then(|v| v.unit)
}

/// The value the rule files give a parameter (before any set in the session).
fn file_value(p: &ParamInfo) -> Option<Const> {
    // The value in force at the session's date among the files' values (dated values
    // count by date, not by order).
    let mut files = p.clone();
    clear_tail(&mut files);
    files.current().and_then(|v| v.value)
}

impl Engine {
    /// Evaluate every town under the file's values, then under the values in force.
    fn build(rs: &mut RuleSet, d: &Data) -> Engine {
        let tails: Vec<Vec<ParamValue>> = rs.params.iter().map(|p| tail(p).to_vec()).collect();
        for p in rs.params.iter_mut() {
            set_tail(p, Vec::new());
        }
        let before = rs.bindings();
        let (matrix, deps, grades, stats) = {
            let ev = d.evaluator(rs, Stats::compute(rs, &d.towns));
            let grades = rs.evaluation.as_ref().map(|_| grades_of(&ev));
            (Matrix::new(&ev), Deps::new(&ev), grades, ev.stats)
        };
        let file = (0..d.towns.len()).map(|r| matrix.outcome(r)).collect();
        for (p, t) in rs.params.iter_mut().zip(tails) {
            set_tail(p, t);
        }
        let mut e = Engine {
            matrix,
            file,
            deps,
            grades: grades.map(|g| Grades {
                now: g.clone(),
                file: g,
                reads: scoring_reads(rs),
            }),
            stats,
        };
        let changes: Vec<_> = before
            .into_iter()
            .zip(rs.bindings())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(p, (a, b))| (p, a, b))
            .collect();
        if !changes.is_empty() {
            e.update(rs, d, &changes);
        }
        e
    }

    /// Town `row`'s verdict under the values in force.
    pub fn verdict(&self, row: usize) -> Verdict {
        Verdict {
            outcome: self.matrix.outcome(row),
            grade: self.grades.as_ref().map(|g| g.now[row]),
        }
    }

    /// Town `row`'s verdict under the rule files' own values.
    pub fn file_verdict(&self, row: usize) -> Verdict {
        Verdict {
            outcome: self.file[row],
            grade: self.grades.as_ref().map(|g| g.file[row]),
        }
    }

    /// Re-evaluate what depends on the parameters changed; the towns whose verdict changed.
    fn update(
        &mut self,
        rs: &RuleSet,
        d: &Data,
        params: &[(usize, Option<Const>, Option<Const>)],
    ) -> Vec<TownChange> {
        let plan = self.deps.plan(rs, &rs.bindings(), params);
        let ev = d.evaluator(rs, std::mem::take(&mut self.stats));
        let flips = self.matrix.apply(&plan, &ev);
        let mut out: Vec<TownChange> = flips
            .into_iter()
            .map(|f| {
                let g = self.grades.as_ref().map(|g| g.now[f.row]);
                TownChange {
                    row: f.row,
                    before: Verdict {
                        outcome: f.before,
                        grade: g,
                    },
                    after: Verdict {
                        outcome: f.after,
                        grade: g,
                    },
                    criteria: f.criteria,
                }
            })
            .collect();
        if let Some(g) = self.grades.as_mut() {
            if params
                .iter()
                .any(|&(p, _, _)| g.reads.get(p) == Some(&true))
            {
                let now = grades_of(&ev);
                for (row, (old, new)) in g.now.iter().zip(&now).enumerate() {
                    if old == new {
                        continue;
                    }
                    match out.iter_mut().find(|c| c.row == row) {
                        Some(c) => {
                            c.before.grade = Some(*old);
                            c.after.grade = Some(*new);
                        }
                        None => {
                            let outcome = self.matrix.outcome(row);
                            out.push(TownChange {
                                row,
                                before: Verdict {
                                    outcome,
                                    grade: Some(*old),
                                },
                                after: Verdict {
                                    outcome,
                                    grade: Some(*new),
                                },
                                criteria: Vec::new(),
                            });
                        }
                    }
                }
                g.now = now;
                out.sort_by_key(|c| c.row);
            }
        }
        self.stats = ev.stats;
        out
    }

    /// An evaluator under the values in force (statistics copied from the engine).
    pub fn evaluator<'a>(&self, rs: &'a RuleSet, d: &'a Data) -> Evaluator<'a> {
        d.evaluator(rs, self.stats.clone())
    }
}

impl Session {
    /// An empty session (nothing loaded).
    pub fn new() -> Session {
        Session::default()
    }

    /// A number that changes whenever rules or data are (re)loaded.
    pub fn generation(&self) -> usize {
        self.generation
    }

    /// The rule set, or an error asking for one.
    pub fn rules(&self) -> Result<&Rules, ReplError> {
        self.rules.as_ref().ok_or(ReplError::NoRules)
    }

    /// Rules, data and matrix, or an error naming what is missing.
    pub fn loaded(&self) -> Result<(&Rules, &Data, &Engine), ReplError> {
        let r = self.rules()?;
        // The engine is built whenever data is loaded: one without the other is the
        // same as no data.
        let (Some(d), Some(e)) = (&self.data, &self.engine) else {
            return Err(ReplError::NoTowns);
        };
        Ok((r, d, e))
    }

    /// (Re)load the rule file at `path` (and the data against its vocabulary); on any
    /// error the session keeps its previous state. Values set in the session are kept
    /// for the parameters the new rule set still has.
    pub fn load(&mut self, path: &Path) -> Result<String, ReplError> {
        let data = ["csv", "json", "toml", "xlsx", "xls", "ods", "xlsb"];
        let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
        if ext.is_some_and(|e| data.contains(&e.as_str())) {
            return Err(ReplError::LoadData {
                path: path.to_path_buf(),
            });
        }
        let keeps = match &self.rules {
            Some(r) => Kept::File(r.path.clone()),
            None => Kept::NoRules,
        };
        let (model, mut rs) =
            load::rule_file_at(path, &self.when).map_err(|cause| ReplError::RulesNotLoaded {
                path: path.to_path_buf(),
                keeps: keeps.clone(),
                cause: Box::new(cause),
            })?;
        let mut out = String::new();
        let mut kept = Vec::new();
        let mut dropped = Vec::new();
        let mut step = Vec::new();
        if let Some(old) = &self.rules {
            for p in old.rs.params.iter().filter(|p| !tail(p).is_empty()) {
                let Some(v) = tail(p).last() else { continue };
                let written = v.written.clone().unwrap_or_default();
                match rs.set_param(&p.name, &written, ORIGIN) {
                    Ok(()) => {
                        let Some(i) = rs.param_index(&p.name) else {
                            continue;
                        };
                        if value_in_force(&rs.params[i]) == file_value(&rs.params[i]) {
                            clear_tail(&mut rs.params[i]);
                        } else {
                            kept.push(format!("{} = {written}", p.name));
                            step.push((i, Vec::new()));
                        }
                    }
                    Err(e) => dropped.push(format!("{}（{e}）", p.name)),
                }
            }
        }
        let data = match &self.data {
            Some(d) => {
                let towns = load_towns(&d.path, &model, &rs, &keeps)?;
                let scores = load_sheets(&rs, &towns, d.scores_path.as_deref(), &keeps)?;
                Some(Data {
                    path: d.path.clone(),
                    towns,
                    scores_path: d.scores_path.clone(),
                    scores,
                })
            }
            None => None,
        };
        let loaded = crate::t!(
            "repl.status.rules_loaded",
            path = path.display(),
            title = rs.header.title,
            criteria = rs.criteria.len(),
            params = rs.params.len()
        );
        let _ = writeln!(out, "{loaded}");
        // The date and year matter once values are dated or facts yearly: said at once.
        if let Some(a) = rs
            .as_of
            .as_ref()
            .filter(|a| a.given || rs.params.iter().any(|p| p.is_dated()))
        {
            let _ = writeln!(out, "{}", crate::t!("repl.status.as_of", date = a.text()));
        }
        if let Some(y) = rs.year {
            let _ = writeln!(out, "{}", crate::t!("repl.status.year", year = y));
        }
        if !kept.is_empty() {
            let kept = kept.join(&crate::t!("repl.list_sep"));
            let _ = writeln!(out, "{}", crate::t!("repl.status.kept", params = kept));
        }
        if !dropped.is_empty() {
            let dropped = dropped.join(&crate::t!("repl.status.dropped_sep"));
            let _ = writeln!(
                out,
                "{}",
                crate::t!("repl.status.dropped", changes = dropped)
            );
        }
        self.undo.clear();
        self.redo.clear();
        self.saved = None;
        if !step.is_empty() {
            self.undo.push(Undo {
                what: crate::t!("repl.status.kept_on_load", path = path.display()),
                before: step,
            });
        }
        self.engine = data.as_ref().map(|d| Engine::build(&mut rs, d));
        if let (Some(d), Some(e)) = (&data, &self.engine) {
            let _ = writeln!(out, "{}", data_summary(d, e, &rs));
        }
        self.generation += 1;
        self.rules = Some(Rules {
            path: path.to_path_buf(),
            model,
            rs,
        });
        self.data = data;
        Ok(out)
    }

    /// (Re)load town data (and keep the score sheets' path); on any error the session
    /// keeps its previous data.
    pub fn load_data(&mut self, path: &Path, scores: Option<&Path>) -> Result<String, ReplError> {
        let keeps = match &self.data {
            Some(d) => Kept::File(d.path.clone()),
            None => Kept::NoData,
        };
        let r = self.rules.as_mut().ok_or(ReplError::DataBeforeRules)?;
        let towns = load_towns(path, &r.model, &r.rs, &keeps)?;
        let sheets = load_sheets(&r.rs, &towns, scores, &keeps)?;
        let data = Data {
            path: path.to_path_buf(),
            towns,
            scores_path: scores.map(Path::to_path_buf),
            scores: sheets,
        };
        let engine = Engine::build(&mut r.rs, &data);
        let mut out = data_summary(&data, &engine, &r.rs);
        out.push('\n');
        self.generation += 1;
        self.engine = Some(engine);
        self.data = Some(data);
        Ok(out)
    }

    /// Change parameter values with `edit` (which returns an error to refuse), record
    /// the step for `undo`, and re-evaluate what depends on the parameters changed.
    /// A value equal to the one in force (in value and unit) changes nothing, and a
    /// value equal to the file's is the file's: neither marks the session changed.
    pub fn change(
        &mut self,
        what: &str,
        edit: impl FnOnce(&mut RuleSet) -> Result<(), ReplError>,
    ) -> Result<Change, ReplError> {
        let r = self.rules.as_mut().ok_or(ReplError::NoRules)?;
        let tails: Vec<Vec<ParamValue>> = r.rs.params.iter().map(|p| tail(p).to_vec()).collect();
        let before: Vec<(Option<Const>, Option<MoneyUnit>)> =
            r.rs.params
                .iter()
                .map(|p| (value_in_force(p), unit_in_force(p)))
                .collect();
        edit(&mut r.rs)?;
        let mut undo = Vec::new();
        for (i, p) in r.rs.params.iter_mut().enumerate() {
            if tail(p).is_empty() {
                // Nothing set in the session.
            } else if (value_in_force(p), unit_in_force(p)) == before[i] {
                set_tail(p, tails[i].clone());
            } else if value_in_force(p) == file_value(p) {
                clear_tail(p);
            }
            let t = tail(p);
            let same = t.len() == tails[i].len()
                && t.iter()
                    .zip(&tails[i])
                    .all(|(a, b)| a.value == b.value && a.written == b.written);
            if !same {
                undo.push((i, tails[i].clone()));
            }
        }
        if !undo.is_empty() {
            self.undo.push(Undo {
                what: what.to_string(),
                before: undo,
            });
            self.redo.clear();
        }
        let (params, was) = moved(&r.rs, &before);
        Ok(self.recompute(params, was))
    }

    /// Re-evaluate after the values of `params` changed.
    fn recompute(
        &mut self,
        params: Vec<(usize, Option<Const>, Option<Const>)>,
        was: Vec<Option<MoneyUnit>>,
    ) -> Change {
        let (Some(r), Some(d), Some(e)) = (&self.rules, &self.data, &mut self.engine) else {
            return Change {
                params,
                was,
                flips: Vec::new(),
                counts: None,
            };
        };
        let before = e.matrix.counts();
        let flips = e.update(&r.rs, d, &params);
        Change {
            params,
            was,
            flips,
            counts: Some((before, e.matrix.counts())),
        }
    }

    /// Put back the session values of `u`; the step that takes this back, and the
    /// re-evaluation.
    fn restore(&mut self, u: Undo) -> Result<(Undo, Change), ReplError> {
        // Steps are recorded only with a rule set loaded, and it is never unloaded.
        let r = self.rules.as_mut().ok_or(ReplError::NoRules)?;
        let before: Vec<(Option<Const>, Option<MoneyUnit>)> =
            r.rs.params
                .iter()
                .map(|p| (value_in_force(p), unit_in_force(p)))
                .collect();
        let mut back = Vec::new();
        for (i, t) in u.before {
            let Some(p) = r.rs.params.get_mut(i) else {
                continue;
            };
            back.push((i, tail(p).to_vec()));
            set_tail(p, t);
        }
        let (params, was) = moved(&r.rs, &before);
        let inverse = Undo {
            what: u.what,
            before: back,
        };
        Ok((inverse, self.recompute(params, was)))
    }

    /// Take back the last step; its description and the re-evaluation.
    pub fn undo(&mut self) -> Result<(String, Change), ReplError> {
        let u = self.undo.pop().ok_or(ReplError::NothingToUndo)?;
        let (back, change) = self.restore(u)?;
        let what = back.what.clone();
        self.redo.push(back);
        Ok((what, change))
    }

    /// Do again the step the last `undo` took back; its description and the
    /// re-evaluation.
    pub fn redo(&mut self) -> Result<(String, Change), ReplError> {
        let u = self.redo.pop().ok_or(ReplError::NothingToRedo)?;
        let (back, change) = self.restore(u)?;
        let what = back.what.clone();
        self.undo.push(back);
        Ok((what, change))
    }

    /// The values set in the session and not saved (`NAME = VALUE`): empty when every
    /// parameter has its file's value or `save` wrote the values in force.
    pub fn unsaved(&self) -> Vec<String> {
        let Some(r) = &self.rules else {
            return Vec::new();
        };
        if self.saved.as_ref() == Some(&r.rs.bindings()) {
            return Vec::new();
        }
        r.rs.params
            .iter()
            .filter_map(|p| {
                let v = tail(p).last()?;
                Some(format!(
                    "{} = {}",
                    p.name,
                    v.written.as_deref().unwrap_or("")
                ))
            })
            .collect()
    }

    /// Note that the values in force were written to a file.
    pub fn mark_saved(&mut self) {
        self.saved = self.rules.as_ref().map(|r| r.rs.bindings());
    }

    /// Forget the session's values after they were saved into the loaded file.
    pub fn clear_undo(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}

/// The parameters whose value in force differs from `before`, with the unit of each
/// old value.
#[allow(clippy::type_complexity)]
fn moved(
    rs: &RuleSet,
    before: &[(Option<Const>, Option<MoneyUnit>)],
) -> (
    Vec<(usize, Option<Const>, Option<Const>)>,
    Vec<Option<MoneyUnit>>,
) {
    let mut params = Vec::new();
    let mut was = Vec::new();
    for (i, (p, &(old, unit))) in rs.params.iter().zip(before).enumerate() {
        let now = value_in_force(p);
        if now != old {
            params.push((i, old, now));
            was.push(unit);
        }
    }
    (params, was)
}

fn data_summary(d: &Data, e: &Engine, rs: &RuleSet) -> String {
    let mut s = crate::t!(
        "repl.status.data_loaded",
        path = d.path.display(),
        n = d.towns.len()
    );
    if let Some(p) = &d.scores_path {
        s.push_str(&crate::t!("repl.status.scores_loaded", path = p.display()));
    }
    s.push('\n');
    s.push_str(super::views::totals(rs, e).trim_end());
    s
}

/// Read the score sheets for the rule set's indicator system. Without a file, a system
/// scored by experts leaves every grade undetermined (said once, not an error).
/// On an error the session keeps what `keeps` says.
fn load_sheets(
    rs: &RuleSet,
    towns: &Towns,
    path: Option<&Path>,
    keeps: &Kept,
) -> Result<Option<Scores>, ReplError> {
    let Some(p) = path else {
        let experts = rs.evaluation.as_ref().is_some_and(|e| {
            e.leaves
                .iter()
                .any(|&n| matches!(e.nodes[n].scoring, crate::compile::Scoring::Expert))
        });
        if experts {
            crate::app::error::warn(crate::t!("repl.warning.no_scores"));
        }
        return Ok(None);
    };
    if rs.evaluation.is_none() {
        crate::app::error::warn(crate::t!(
            "repl.warning.sheets_unused",
            rules = rs.source_file,
            sheets = p.display()
        ));
        return Ok(None);
    }
    load::sheets(rs, towns, Some(p)).map_err(|cause| ReplError::DataNotLoaded {
        path: p.to_path_buf(),
        keeps: keeps.clone(),
        cause: Box::new(cause),
    })
}

/// Read town data; on an error the session keeps what `keeps` says.
fn load_towns(
    path: &Path,
    model: &Checked,
    rs: &RuleSet,
    keeps: &Kept,
) -> Result<Towns, ReplError> {
    load::towns(path, model, rs).map_err(|cause| ReplError::DataNotLoaded {
        path: path.to_path_buf(),
        keeps: keeps.clone(),
        cause: Box::new(cause),
    })
}
