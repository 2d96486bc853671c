//! Load what the commands work on, written once for all of them: a rule set (check,
//! compile, report its diagnostics), `--set` changes, town data and expert score
//! sheets. Warnings are printed here; errors are returned as [`AppError`] for the
//! caller to [`report`](super::error::report).

use std::path::Path;

use super::error::{warn, AppError};
use crate::check::Checked;
use crate::compile::RuleSet;
use crate::data::{Scores, Towns};
use crate::diag::Level;

/// When a rule set is read: the evaluation year of its yearly facts and the date of its
/// dated values (`--year`, `--date`; `None`: the rule set's own `year` and `date`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct When {
    /// `--year`.
    pub year: Option<i64>,
    /// `--date`.
    pub date: Option<String>,
}

impl When {
    /// Check the values as given.
    pub fn validate(&self) -> Result<(), AppError> {
        if let Some(d) = &self.date {
            if !crate::check::is_iso_date(d) {
                return Err(AppError::BadDate { date: d.clone() });
            }
        }
        if let Some(y) = self.year {
            if !(1900..=2200).contains(&y) {
                return Err(AppError::BadYear { year: y });
            }
        }
        Ok(())
    }
}

/// Check and compile the rule file at `path` as `eval` and `repl` name it.
pub fn rule_file(path: &Path) -> Result<(Checked, RuleSet), AppError> {
    rule_file_at(path, &When::default())
}

/// [`rule_file`] at a given year and date.
pub fn rule_file_at(path: &Path, when: &When) -> Result<(Checked, RuleSet), AppError> {
    rule_file_warned(path, when).map(|(model, rules, _)| (model, rules))
}

/// [`rule_file_at`], with the rule set's warnings (for reports that show them).
pub fn rule_file_warned(
    path: &Path,
    when: &When,
) -> Result<(Checked, RuleSet, Vec<crate::diag::Diag>), AppError> {
    let name = path.display().to_string();
    let check = format!("townrules check {name}");
    rules(path, &name, &check, None, when, &[])
}

/// Check and compile one side of `diff`: `spec` is the side as given
/// (`rules/x.rules@HEAD~1`), `path` the file to read (materialised at its revision).
pub fn rule_side(path: &Path, spec: &str, when: &When) -> Result<(Checked, RuleSet), AppError> {
    rules(path, spec, "townrules check", Some(spec), when, &[]).map(|(m, r, _)| (m, r))
}

/// [`rule_side`] for a revision materialised in `home`: imports are read only from
/// inside it (one leaving the repository is an error, not a file outside).
pub fn rule_side_within(
    path: &Path,
    spec: &str,
    when: &When,
    home: &Path,
) -> Result<(Checked, RuleSet), AppError> {
    let homes = [home.to_path_buf()];
    rules(path, spec, "townrules check", Some(spec), when, &homes).map(|(m, r, _)| (m, r))
}

/// Check and compile a rule file; print a line counting its warnings (`townrules
/// check` shows them) and return them with the rule set. Errors come back with their
/// diagnostics.
fn rules(
    path: &Path,
    name: &str,
    check: &str,
    context: Option<&str>,
    when: &When,
    homes: &[std::path::PathBuf],
) -> Result<(Checked, RuleSet, Vec<crate::diag::Diag>), AppError> {
    when.validate()?;
    let report = if homes.is_empty() {
        crate::check::check_file(path)
    } else {
        crate::check::check_file_within(path, homes)
    };
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    let warnings: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Warning)
        .cloned()
        .collect();
    if !warnings.is_empty() && errors.is_empty() {
        warn(crate::t!(
            "app.warning.rule_warnings",
            name = name,
            n = warnings.len(),
            check = check
        ));
    }
    let Some(mut model) = report.model else {
        return Err(AppError::RulesHaveErrors {
            name: name.to_string(),
            check: check.to_string(),
            diagnostics: errors,
        });
    };
    super::error::print_diagnostics(&errors);
    let year = when
        .year
        .and_then(|y| i32::try_from(y).ok())
        .or(model.header.as_ref().and_then(|h| h.year));
    if let Err(d) = crate::check::bind_year(&mut model, year) {
        return Err(AppError::NoYear {
            name: name.to_string(),
            diagnostics: vec![d],
        });
    }
    let rules = crate::compile::compile_at(&model, when.date.as_deref()).map_err(|source| {
        AppError::Compile {
            context: context.map(str::to_string),
            source,
        }
    })?;
    Ok((model, rules, warnings))
}

/// Apply `NAME=VALUE` changes (`--set`) to a rule set.
/// The same parameter given twice is an error rather than "the last wins".
pub fn apply_sets(rs: &mut RuleSet, sets: &[String]) -> Result<(), AppError> {
    let mut seen: std::collections::HashMap<&str, &String> = std::collections::HashMap::new();
    for s in sets {
        let Some((name, value)) = s.split_once('=') else {
            return Err(AppError::SetSyntax { arg: s.clone() });
        };
        if let Some(first) = seen.insert(name.trim(), s) {
            return Err(AppError::SetTwice {
                name: name.trim().to_string(),
                first: first.clone(),
                second: s.clone(),
            });
        }
        rs.set_param(name.trim(), value, "命令行 --set")
            .map_err(|source| AppError::SetParam {
                arg: s.clone(),
                source,
            })?;
    }
    Ok(())
}

/// Read town data against a rule set's vocabulary, printing its warnings: about the
/// file, and one per fact the rule set reads that the file has no column for.
pub fn towns(path: &Path, model: &Checked, rs: &RuleSet) -> Result<Towns, AppError> {
    towns_in(path, None, model, rs)
}

/// [`towns`] from a named sheet of a workbook (`None`: the first sheet).
pub fn towns_in(
    path: &Path,
    sheet: Option<&str>,
    model: &Checked,
    rs: &RuleSet,
) -> Result<Towns, AppError> {
    let loaded = crate::data::load_towns_sheet(path, model, None, sheet)
        .map_err(|errors| AppError::Data { errors })?;
    for w in loaded.warnings.iter().chain(&loaded.missing_read_by(rs)) {
        warn(w);
    }
    if let Some(w) = rs.ranking_warning(loaded.towns.len()) {
        warn(&w);
    }
    Ok(loaded.towns)
}

/// Load the expert score sheets for a rule set's indicator system, checking that the
/// two go together: sheets need an indicator system, and a system scored only by
/// experts (no criteria) needs sheets; with criteria, missing sheets are a warning.
pub fn sheets(
    rs: &RuleSet,
    towns: &Towns,
    path: Option<&Path>,
) -> Result<Option<Scores>, AppError> {
    let needs_experts = rs.evaluation.as_ref().is_some_and(|e| {
        e.leaves
            .iter()
            .any(|&n| matches!(e.nodes[n].scoring, crate::compile::Scoring::Expert))
    });
    match (rs.evaluation.as_ref(), path) {
        (None, Some(p)) => Err(AppError::SheetsWithoutSystem {
            rules: rs.source_file.clone(),
            sheets: p.to_path_buf(),
        }),
        (Some(ev), Some(p)) => crate::data::load_scores(p, ev, towns)
            .map(Some)
            .map_err(|errors| AppError::Data { errors }),
        (Some(ev), None) if needs_experts && rs.criteria.is_empty() => {
            Err(AppError::SheetsNeeded {
                rules: rs.source_file.clone(),
                system: ev.label.clone(),
            })
        }
        (Some(_), None) if needs_experts => {
            warn(crate::t!("app.warning.no_scores"));
            Ok(None)
        }
        _ => Ok(None),
    }
}
