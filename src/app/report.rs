//! `townrules report RULES TOWNS -o report.html`: the HTML report, with `--scores`,
//! `--compare OTHER` (repeatable), `--letters` (and their .docx beside the page) and
//! `--rules-only` (the rule set for sign-off, no towns).

use std::path::{Path, PathBuf};

use super::error::{AppError, Outcome};
use super::{load, output};
use crate::eval::Evaluator;
use crate::report::html::{html, letter, HtmlOptions};

/// Arguments of `townrules report`.
#[derive(Debug, Clone)]
pub struct ReportArgs {
    /// The rule file.
    pub rules: PathBuf,
    /// Town data (not needed with `rules_only`).
    pub towns: Option<PathBuf>,
    /// The sheet of a workbook to read.
    pub sheet: Option<String>,
    /// Expert score sheets.
    pub scores: Option<PathBuf>,
    /// Other rule sets to compare, evaluated on the same towns.
    pub compare: Vec<PathBuf>,
    /// `NAME=VALUE` what-if changes.
    pub set: Vec<String>,
    /// `--year`, `--date`.
    pub when: load::When,
    /// One opinion page per town, and a .docx of them.
    pub letters: bool,
    /// Only the rule set for sign-off.
    pub rules_only: bool,
    /// The page to write.
    pub output: PathBuf,
    /// Overwrite existing files.
    pub force: bool,
}

/// The letters' Word file beside the page: `report.html` → `report.认定意见.docx`.
fn docx_path(page: &Path) -> PathBuf {
    let stem = page.file_stem().map_or_else(
        || "report".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    page.with_file_name(format!("{stem}.认定意见.docx"))
}

fn write_error(source: std::io::Error) -> AppError {
    AppError::Write {
        what: "the report",
        source,
    }
}

/// Run `report`.
pub fn run(args: &ReportArgs) -> Result<Outcome, AppError> {
    let docx = args.letters.then(|| docx_path(&args.output));
    for p in std::iter::once(&args.output).chain(&docx) {
        output::refuse_existing(p, args.force)?;
    }
    let (model, mut rs, warnings) = load::rule_file_warned(&args.rules, &args.when)?;
    load::apply_sets(&mut rs, &args.set)?;
    let towns = match (&args.towns, args.rules_only) {
        (Some(t), _) => load::towns_in(t, args.sheet.as_deref(), &model, &rs)?,
        (None, _) => crate::data::Towns::empty_for(&model),
    };
    let scores = load::sheets(&rs, &towns, args.scores.as_deref())?;
    let info = super::provenance::run_info(
        &args.rules,
        &model,
        args.towns.as_deref(),
        args.scores.as_deref(),
        &rs,
    );
    let mut ev = Evaluator::new(&rs, &towns);
    if let Some(s) = &scores {
        ev = ev.with_scores(s);
    }
    let mut others = Vec::new();
    for path in &args.compare {
        let (m, mut r) = load::rule_file_at(path, &args.when)?;
        load::apply_sets(&mut r, &[])?;
        let t = match &args.towns {
            Some(t) => load::towns_in(t, args.sheet.as_deref(), &m, &r)?,
            None => crate::data::Towns::empty_for(&m),
        };
        others.push((r, t));
    }
    let other_evs: Vec<Evaluator<'_>> = others.iter().map(|(r, t)| Evaluator::new(r, t)).collect();
    let rows: Vec<usize> = (0..towns.len()).collect();
    // The warnings of the check above (the file is not checked twice).
    let warnings = warnings
        .iter()
        .map(|d| format!("{}（{}）", d.message, d.location()))
        .collect();
    let opts = HtmlOptions {
        info: Some(&info),
        warnings,
        compare: other_evs.iter().collect(),
        letters: args.letters,
        rules_only: args.rules_only,
    };
    let page = html(&ev, &rows, &opts);
    output::write_atomically(&args.output, args.force, |out| {
        out.write_all(page.as_bytes())
    })
    .map_err(write_error)?;
    if let Some(path) = &docx {
        let letters: Vec<_> = rows.iter().map(|&r| letter(&ev, &ev.explain(r))).collect();
        let bytes = crate::report::letters_docx(&letters)
            .map_err(|e| write_error(std::io::Error::other(e.to_string())))?;
        output::write_atomically(path, args.force, |out| out.write_all(&bytes))
            .map_err(write_error)?;
    }
    Ok(Outcome::Success)
}
