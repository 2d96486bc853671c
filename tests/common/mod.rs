//! Running the `townrules` binary from integration tests, as a script would.
// Each test binary uses some of these helpers.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_townrules");

/// What one run printed and its exit status.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Run `townrules ARGS` in `dir` with `input` on standard input (not a terminal).
pub fn run_in(dir: &Path, args: &[&str], input: &str) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start townrules");
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
