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
    let status = if failed == 0 { "ok" } else { "FAILED" };
    let _ = writeln!(
        out,
        "\ntest result: {status}. {passed} passed, {failed} failed（{} 个测试文件）",
        files.len()
    );
    if coverage && gaps > 0 {
        let _ = writeln!(out, "覆盖不全：{gaps} 处（见上）");
    }
    Ok(if failed > 0 || gaps > 0 {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}

fn print_file(out: &mut impl Write, r: &FileResult) {
    let _ = writeln!(
        out,
        "\nrunning {} test{}: {} → {}",
        r.cases.len(),
        if r.cases.len() == 1 { "" } else { "s" },
        r.test.display(),
        r.rules.display()
    );
    for c in &r.cases {
        let mark = if c.passed() { "ok" } else { "FAILED" };
        let _ = writeln!(out, "test {} ... {mark}", c.name);
    }
    let failures: Vec<_> = r.cases.iter().filter(|c| !c.passed()).collect();
    if failures.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nfailures:");
    for c in failures {
        let _ = writeln!(out, "\n---- {} ----", c.name);
        for f in &c.failures {
            let _ = writeln!(out, "  ✗ {f}");
        }
        if let Some(e) = &c.explanation {
            let _ = writeln!(out, "  实际的评定：");
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
        let _ = writeln!(out, "覆盖：本规则集没有认定标准，不检查标准的覆盖");
    } else if gaps.is_empty() {
        let _ = writeln!(out, "覆盖：每条标准和每个放宽条款都有符合与不符合的用例");
    } else {
        for g in &gaps {
            let _ = writeln!(out, "覆盖不全：{}缺少{}", g.what, g.missing);
        }
    }
    gaps.len()
}
