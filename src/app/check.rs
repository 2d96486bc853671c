//! `townrules check FILE…`: every diagnostic of each rule file, and a summary line per file.

use std::io::Write;
use std::path::PathBuf;

use super::error::{print_diagnostics, Outcome};
use crate::diag::Level;

/// Check each file: its diagnostics (sorted by place) to stderr, a summary to stdout.
/// [`Outcome::Problems`] when a file has errors.
pub fn run(files: &[PathBuf]) -> Outcome {
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for f in files {
        let report = crate::check::check_file(f);
        let mut diags = report.diagnostics.clone();
        diags.sort_by_key(|d| (d.file.clone(), d.line_col));
        print_diagnostics(&diags);
        let count = |l: Level| report.diagnostics.iter().filter(|d| d.level == l).count();
        let (e, w, n) = (
            count(Level::Error),
            count(Level::Warning),
            count(Level::Note),
        );
        if e > 0 {
            failed = true;
            let line = crate::t!(
                "check.failed",
                file = f.display(),
                errors = e,
                warnings = w,
                notes = n
            );
            let _ = writeln!(out, "{line}");
        } else {
            let what = match &report.model {
                Some(m) => crate::t!(
                    "check.contents",
                    criteria = m.criteria.len(),
                    params = m.params.len(),
                    // A yearly fact counts once, not once per year read.
                    facts = m.facts.iter().filter(|f| f.year.is_none()).count()
                ),
                None => String::new(),
            };
            let line = crate::t!(
                "check.passed",
                file = f.display(),
                contents = what,
                warnings = w,
                notes = n
            );
            let _ = writeln!(out, "{line}");
        }
    }
    if failed {
        Outcome::Problems
    } else {
        Outcome::Success
    }
}
