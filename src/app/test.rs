//! `townrules test [PATH…] [--coverage]`: run rule tests and print them as `cargo test`
//! does — one line per case, each failure with the explanation of the verdict reached,
//! and a closing `N passed, M failed` line.

use std::io::Write;
use std::path::PathBuf;

use super::error::{AppError, Outcome};
use crate::ruletest::{discover, run_file, FileResult};

/// Run every test file `paths` names.
pub fn run(paths: &[PathBuf], coverage: bool) -> Result<Outcome, AppError> {
    let files = discover(paths)?;
    let mut out = std::io::stdout().lock();
    let (mut passed, mut failed, mut gaps) = (0usize, 0usize, 0usize);
    for f in &files {
        let r = run_file(f)?;
        print_file(&mut out, &r);
        passed += r.cases.iter().filter(|c| c.passed()).count();
        failed += r.cases.iter().filter(|c| !c.passed()).count();
        if coverage {
            gaps += print_coverage(&mut out, &r);
        }
    }
    let status = if failed == 0 {
        crate::t!("test.run.ok")
    } else {
        crate::t!("test.run.failed")
    };
    let summary = crate::t!(
        "test.run.summary",
        status = status,
        passed = passed,
        failed = failed,
        files = files.len()
    );
    let _ = writeln!(out, "\n{summary}");
    if coverage && gaps > 0 {
        let _ = writeln!(out, "{}", crate::t!("test.run.gaps", n = gaps));
    }
    Ok(if failed > 0 || gaps > 0 {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}

fn print_file(out: &mut impl Write, r: &FileResult) {
    let (test, rules) = (r.test.display(), r.rules.display());
    let running = match r.cases.len() {
        1 => crate::t!("test.run.running_one", test = test, rules = rules),
        n => crate::t!("test.run.running", n = n, test = test, rules = rules),
    };
    let _ = writeln!(out, "\n{running}");
    for c in &r.cases {
        let mark = if c.passed() {
            crate::t!("test.run.ok")
        } else {
            crate::t!("test.run.failed")
        };
        let _ = writeln!(
            out,
            "{}",
            crate::t!("test.run.case", name = c.name, mark = mark)
        );
    }
    let failures: Vec<_> = r.cases.iter().filter(|c| !c.passed()).collect();
    if failures.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", crate::t!("test.run.failures"));
    for c in failures {
        let _ = writeln!(out, "\n---- {} ----", c.name);
        for f in &c.failures {
            let _ = writeln!(out, "  ✗ {f}");
        }
        if let Some(e) = &c.explanation {
            let _ = writeln!(out, "  {}", crate::t!("test.run.actual"));
            for line in e.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
}

/// Print what the file's cases leave uncovered; the number of gaps.
fn print_coverage(out: &mut impl Write, r: &FileResult) -> usize {
    let gaps = r.coverage.gaps();
    if r.coverage.criteria.is_empty() {
        let _ = writeln!(out, "{}", crate::t!("test.coverage.no_criteria"));
    } else if gaps.is_empty() {
        let _ = writeln!(out, "{}", crate::t!("test.coverage.complete"));
    } else {
        for g in &gaps {
            let gap = crate::t!("test.coverage.gap", what = g.what, missing = g.missing);
            let _ = writeln!(out, "{gap}");
        }
    }
    gaps.len()
}
