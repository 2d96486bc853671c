//! Running `townrules diff` from integration tests and reading its JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_townrules"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    // Messages in the default language, Chinese, whatever the test's environment.
    c.env_remove("TOWNRULES_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    c
}

pub fn diff(args: &[&str]) -> Output {
    bin().arg("diff").args(args).output().expect("runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn json(args: &[&str]) -> (serde_json::Value, i32) {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let o = diff(&a);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            stdout(&o),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (v, o.status.code().expect("exit code"))
}

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("townrules-diff-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn change<'a>(v: &'a serde_json::Value, kind: &str, id: &str) -> Option<&'a serde_json::Value> {
    v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["kind"] == kind && c["id"] == id)
}

/// `rules/xinzhou.rules` without its quotations (each is a line of its own), in `dir`.
pub fn xinzhou_without_quotes(dir: &Path) -> (String, usize) {
    std::fs::create_dir_all(dir.join("sources")).expect("sources");
    let text = std::fs::read_to_string("rules/xinzhou.rules").expect("read");
    for e in std::fs::read_dir("rules/sources").expect("rules/sources") {
        let from = e.expect("entry").path();
        let to = dir.join("sources").join(from.file_name().expect("name"));
        std::fs::copy(&from, to).expect("copy source text");
    }
    let quote = |l: &str| l.trim_start().starts_with("quote ");
    let kept: String = text
        .lines()
        .filter(|l| !quote(l))
        .map(|l| format!("{l}\n"))
        .collect();
    let file = dir.join("xinzhou-unquoted.rules");
    std::fs::write(&file, kept).expect("write");
    let n = text.lines().filter(|l| quote(l)).count();
    (file.display().to_string(), n)
}

/// A copy of `rules/` in a temporary folder with `file` edited (`from` → `to`, which
/// must occur); returns the edited copy's path.
pub fn edited(name: &str, file: &str, from: &str, to: &str) -> String {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("sources")).expect("sources");
    for e in ["facts.rules", "sources/shanxi-2022-80.txt"] {
        std::fs::copy(format!("rules/{e}"), dir.join(e)).expect("copy");
    }
    let text = std::fs::read_to_string(format!("rules/{file}")).expect("read");
    assert!(text.contains(from), "{from} not in {file}");
    let out = dir.join(file);
    std::fs::write(&out, text.replacen(from, to, 1)).expect("write");
    out.display().to_string()
}

/// The JSON values of `keys` in `v`, separated by spaces.
pub fn fields(v: &serde_json::Value, keys: &[&str]) -> String {
    let vs: Vec<String> = keys.iter().map(|k| v[k].to_string()).collect();
    vs.join(" ")
}

/// Asserts that `out` contains every one of `parts`.
pub fn has(out: &str, parts: &[&str]) {
    for p in parts {
        assert!(out.contains(p), "no `{p}` in\n{out}");
    }
}
