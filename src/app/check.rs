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
            let _ = writeln!(out, "✗ {}: {e} 个错误, {w} 个警告, {n} 条提示", f.display());
        } else {
            let what = match &report.model {
                Some(m) => format!(
                    "{} 条认定标准, {} 个参数, {} 个事实",
                    m.criteria.len(),
                    m.params.len(),
                    // A yearly fact counts once, not once per year read.
                    m.facts.iter().filter(|f| f.year.is_none()).count()
                ),
                None => String::new(),
            };
            let _ = writeln!(out, "✓ {}: {what}; {w} 个警告, {n} 条提示", f.display());
        }
    }
    if failed {
        Outcome::Problems
    } else {
        Outcome::Success
    }
}
