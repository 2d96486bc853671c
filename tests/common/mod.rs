//! Running the `townrules` binary from integration tests, as a script would.
// Each test binary uses some of these helpers.
#![allow(dead_code)]

pub mod diffing;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Every bundled rule set (`rules/NAME.rules`).
pub const RULE_SETS: [&str; 9] = [
    "shanxi",
    "xinzhou",
    "puxian",
    "puxian-draft-relaxed",
    "xinjiang",
    "xinjiang-provincial",
    "demo-evaluation-formulas",
    "example-municipal-2025",
    "example-municipal-2026-draft",
];

/// Every example town file (`examples/NAME.csv`; `edge_cases_labels.csv` is compared
/// with `edge_cases.csv` instead).
pub const DATA: [&str; 5] = [
    "edge_cases",
    "municipal_towns",
    "puxian_towns",
    "xinjiang_towns",
    "xinzhou_towns",
];

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_townrules");

/// What one run printed and its exit status.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// `townrules ARGS` in `dir` with piped standard streams, in the default language
/// (Chinese) whatever the environment says, no colours and no test hook set.
pub fn command_in(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("TOWNRULES_LANG")
        .env_remove("TOWNRULES_FAILPOINT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Run `townrules ARGS` in `dir` with `input` on standard input (not a terminal), in the
/// default language (Chinese) whatever the environment says, unless `ARGS` has `--lang`.
pub fn run_in(dir: &Path, args: &[&str], input: &str) -> Run {
    let mut child = command_in(dir, args).spawn().expect("start townrules");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write commands");
    let out = child.wait_with_output().expect("run townrules");
    Run {
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
        code: out.status.code().unwrap_or(-1),
    }
}

/// `townrules repl ARGS` in the repository with `input` piped in.
pub fn repl(args: &[&str], input: &str) -> Run {
    let mut a = vec!["repl"];
    a.extend_from_slice(args);
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &a, input)
}

/// The standard output of `townrules ARGS` in the repository, which must succeed.
pub fn stdout_of(args: &[&str]) -> String {
    let r = run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, "");
    assert_eq!(r.code, 0, "townrules {args:?}: {}", r.stderr);
    r.stdout
}

/// Today's date (UTC) as `YYYY-MM-DD`, as `save` writes it in a `what_if` attribute.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    // Days to a civil date (H. Hinnant), written independently of the program's.
    let z = i64::try_from(secs / 86_400).expect("days") + 719_468;
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `text` checked as `rules/t.rules` (so `import "facts.rules"` works) and compiled, and
/// `csv` read with its vocabulary: what the kernel tests evaluate.
pub fn compiled(text: &str, csv: &str) -> (townrules::compile::RuleSet, townrules::data::Towns) {
    let report = townrules::check::check_source(Path::new("rules/t.rules"), text);
    let model = report.model.unwrap_or_else(|| {
        panic!(
            "does not check:\n{}",
            townrules::diag::render_plain(&report.diagnostics, 100)
        )
    });
    let rs = townrules::compile::compile(&model).expect("compiles");
    let towns =
        townrules::data::load_towns_str("t.csv", csv, townrules::data::DataFormat::Csv, &model)
            .expect("loads")
            .towns;
    (rs, towns)
}

/// Run `git ARGS` in `dir` (a test repository: no signing, branch `main`, a fixed
/// author), which must succeed.
pub fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}
