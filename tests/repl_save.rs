//! The REPL's `save` records what-if values the same way for a value of the root file
//! and an inherited one (a dated `what_if` attribute with the document's value), keeps
//! the document's value over several saves, removes the mark when the value goes back,
//! and warns about notes and quotations that mention a replaced value.

mod common;

use common::{run_in, today};
use std::path::{Path, PathBuf};

/// A fresh directory with the rule files, their source texts and the example data.
fn setup(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("townrules-save-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(d.join("sources")).expect("create temp dir");
    for e in std::fs::read_dir(root.join("rules")).expect("rules/") {
        let from = e.expect("entry").path();
        if from.extension().is_some_and(|x| x == "rules") {
            std::fs::copy(&from, d.join(from.file_name().expect("name"))).expect("copy");
        }
    }
    for e in std::fs::read_dir(root.join("rules/sources")).expect("rules/sources/") {
        let from = e.expect("entry").path();
        let to = d.join("sources").join(from.file_name().expect("name"));
        std::fs::copy(&from, to).expect("copy source text");
    }
    for f in ["edge_cases.csv", "puxian_towns.csv"] {
        std::fs::copy(root.join("examples").join(f), d.join(f)).expect("copy data");
    }
    d
}

fn read(dir: &Path, f: &str) -> String {
    std::fs::read_to_string(dir.join(f)).expect("read")
}

/// The lines of `new` that differ from `old` (same number of lines).
fn changed(old: &str, new: &str) -> Vec<String> {
    assert_eq!(old.lines().count(), new.lines().count(), "{new}");
    old.lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .map(|(_, b)| b.to_string())
        .collect()
}

#[test]
fn an_own_value_keeps_the_documents_value_over_saves_and_loses_the_mark_when_back() {
    let dir = setup("own");
    let original = read(&dir, "shanxi.rules");
    let date = today();
    let line = |v: &str, from: &str| {
        format!(
            "param min_supporting_enterprises = {v} {{ what_if \"由 {from} 改为 {v}（{date} REPL 保存）\""
        )
    };
    // Saved onto the loaded file, which is then read again: its value is now 8户.
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules", "edge_cases.csv"],
        "set min_supporting_enterprises = 8\nsave! shanxi.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = read(&dir, "shanxi.rules");
    assert_eq!(changed(&original, &first), vec![line("8户", "10户")]);

    // A second save records the document's 10户, not the 8户 of the first save.
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules", "edge_cases.csv"],
        "set min_supporting_enterprises = 7家\nsave! shanxi.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let second = read(&dir, "shanxi.rules");
    assert_eq!(changed(&original, &second), vec![line("7户", "10户")]);
    assert!(r.stdout.contains("（原值 10户）"), "{}", r.stdout);
    assert_eq!(run_in(&dir, &["check", "shanxi.rules"], "").code, 0);

    // Back to the document's value: the file is the original again, byte for byte.
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules", "edge_cases.csv"],
        "set min_supporting_enterprises = 10户\nsave! shanxi.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("回到文件原值 10户"), "{}", r.stdout);
    assert_eq!(read(&dir, "shanxi.rules"), original);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_value_without_a_block_gets_one_and_loses_it_when_back() {
    let dir = setup("noblock");
    let original = read(&dir, "shanxi.rules");
    let date = today();
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules", "edge_cases.csv"],
        "set min_output.manufacturing = 19亿元\nsave! shanxi.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let saved = read(&dir, "shanxi.rules");
    let want = format!(
        "  manufacturing            = 19亿元 {{ what_if \"由 20亿元 改为 19亿元（{date} REPL 保存）\" }}"
    );
    assert_eq!(changed(&original, &saved), vec![want]);
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules", "edge_cases.csv"],
        "set min_output.manufacturing = 20亿元\nsave! shanxi.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read(&dir, "shanxi.rules"), original);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn notes_and_quotations_that_mention_the_old_value_are_warned_about() {
    let dir = setup("warn");
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules", "edge_cases.csv"],
        "set min_supporting_enterprises = 8\nsave whatif.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = read(&dir, "shanxi.rules");
    // Every quotation of the file that says 10户, and only those.
    let want: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("quote") && l.contains("10户"))
        .map(|(i, _)| i + 1)
        .collect();
    assert!(want.len() >= 2, "{want:?}");
    let warned: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("警告") && l.contains("引文"))
        .collect();
    assert_eq!(warned.len(), want.len(), "{}", r.stderr);
    for (w, n) in warned.iter().zip(&want) {
        assert!(w.contains(&format!("第 {n} 行的引文")), "{w}");
        assert!(
            w.contains("10户") && w.contains("引文是文件原话，保持不变"),
            "{w}"
        );
    }
    // The quotations themselves are not touched.
    let saved = read(&dir, "whatif.rules");
    assert_eq!(changed(&text, &saved).len(), 1);
    // The saved value is credited to the what-if, not to the document's clause.
    let date = today();
    let r = run_in(
        &dir,
        &["eval", "whatif.rules", "edge_cases.csv", "--town", "寅镇"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let credit = format!("8户 >= 8户（假设值（由 10户 改为 8户（{date} REPL 保存）））");
    assert!(r.stdout.contains(&credit), "{}", r.stdout);

    // A draft's note about the value it sets: may be stale now.
    let r = run_in(
        &dir,
        &["repl", "puxian-draft-relaxed.rules", "puxian_towns.csv"],
        "set min_output.manufacturing = 7亿元\nsave draft7.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let draft = read(&dir, "puxian-draft-relaxed.rules");
    let n = draft
        .lines()
        .position(|l| l.contains("note") && l.contains("8亿元"))
        .expect("the draft's note")
        + 1;
    assert!(
        r.stderr.contains(&format!(
            "第 {n} 行的说明（note）提到 min_output.manufacturing 的旧值 8亿元"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("可能已过时"), "{}", r.stderr);
    // Saved all the same, with the what-if recorded on the override, and read as one.
    let r = run_in(
        &dir,
        &["repl", "draft7.rules"],
        "params min_output.manufacturing\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "假设值（由 8亿元 改为 7亿元（{} REPL 保存））",
            today()
        )),
        "{}",
        r.stdout
    );
    let saved = read(&dir, "draft7.rules");
    let date = today();
    assert!(
        saved.contains(&format!(
            "override min_output.manufacturing = 7亿元 {{ what_if \"由 8亿元 改为 7亿元（{date} REPL 保存）\""
        )),
        "{saved}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- safe saves (issue 16) -------------------------------------------------

/// Temporary files of saves (`.NAME.PID-NANOS.tmp`) left in `dir`.
fn temp_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
        .collect();
    v.sort();
    v
}

/// A REPL session on `shanxi.rules` in `dir`, run with `env`, that answers a first
/// command (so it has loaded the file); then `between` runs (someone else edits the
/// file); then the session is given `command` and its input ends. The session's exit
/// status and standard error.
fn session_with_edit_between(
    dir: &Path,
    env: &[(&str, &str)],
    between: impl FnOnce(),
    command: &str,
) -> (std::process::ExitStatus, String) {
    use std::io::{Read as _, Write as _};
    let mut child = spawn_session(dir, env);
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"set min_supporting_enterprises = 8\nparams min_supporting\n")
        .expect("write");
    stdin.flush().expect("flush");
    // Wait until the session has loaded the file (its first answer comes after).
    let mut out = child.stdout.take().expect("stdout");
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("min_supporting_enterprises") {
        let n = out.read(&mut buf).expect("read stdout");
        assert!(n > 0, "the session ended early");
        seen.extend_from_slice(&buf[..n]);
    }
    between();
    stdin.write_all(command.as_bytes()).expect("write");
    drop(stdin);
    let status = child.wait().expect("wait");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    (status, err)
}

/// `townrules repl shanxi.rules` in `dir` with piped standard streams.
fn spawn_session(dir: &Path, env: &[(&str, &str)]) -> std::process::Child {
    let mut cmd = common::command_in(dir, &["repl", "shanxi.rules"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("start townrules")
}

#[test]
fn an_edit_made_on_disk_after_loading_is_not_overwritten_by_save_bang() {
    let dir = setup("changed-on-disk");
    let external = format!("{}# 他人的修改\n", read(&dir, "shanxi.rules"));
    let edit = || std::fs::write(dir.join("shanxi.rules"), &external).expect("external edit");
    let (status, err) = session_with_edit_between(&dir, &[], edit, "save! shanxi.rules\n");
    assert!(!status.success(), "{err}");
    assert!(err.contains("在载入之后已被修改"), "{err}");
    assert!(err.contains("`save!! shanxi.rules`"), "{err}");
    assert!(err.contains("`load shanxi.rules`"), "{err}");
    // Nothing lost: the other edit is there, byte for byte; no temporary file stays.
    assert_eq!(read(&dir, "shanxi.rules"), external);
    assert_eq!(temp_files(&dir), Vec::<String>::new());

    // A session that loaded the edited file saves onto it as before.
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules"],
        "set min_supporting_enterprises = 8\nsave! shanxi.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(read(&dir, "shanxi.rules").contains("min_supporting_enterprises = 8户"));
}

#[test]
fn save_bang_bang_replaces_a_file_edited_on_disk_after_loading() {
    let dir = setup("changed-then-anyway");
    let external = format!("{}# 他人的修改\n", read(&dir, "shanxi.rules"));
    let edit = || std::fs::write(dir.join("shanxi.rules"), &external).expect("external edit");
    let (status, err) = session_with_edit_between(&dir, &[], edit, "save!! shanxi.rules\n");
    assert!(status.success(), "{err}");
    // The session's text replaced the other edit, as `save!!` says it does.
    let saved = read(&dir, "shanxi.rules");
    assert!(
        saved.contains("min_supporting_enterprises = 8户"),
        "{saved}"
    );
    assert!(!saved.contains("他人的修改"), "{saved}");
    assert_eq!(temp_files(&dir), Vec::<String>::new());
}

#[test]
fn save_bang_bang_overwrites_and_is_in_help() {
    let dir = setup("save-anyway");
    // `save!!` onto the loaded file right after an unchanged load writes it.
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules"],
        "set min_supporting_enterprises = 9\nsave!! shanxi.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(read(&dir, "shanxi.rules").contains("min_supporting_enterprises = 9户"));
    let r = run_in(&dir, &["repl", "shanxi.rules"], "help save!!\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("save!!"), "{}", r.stdout);
}

#[cfg(unix)]
#[test]
fn a_saved_file_keeps_its_mode_and_a_symlink_stays_a_link() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = setup("mode-link");
    let file = dir.join("shanxi.rules");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    std::os::unix::fs::symlink("shanxi.rules", dir.join("link.rules")).expect("symlink");
    let r = run_in(
        &dir,
        &["repl", "link.rules"],
        "set min_supporting_enterprises = 8\nsave! link.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("经符号链接写入"), "{}", r.stdout);
    let link = std::fs::symlink_metadata(dir.join("link.rules")).expect("link");
    assert!(link.file_type().is_symlink(), "the link was replaced");
    let meta = std::fs::metadata(&file).expect("file");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(read(&dir, "shanxi.rules").contains("min_supporting_enterprises = 8户"));
    assert_eq!(temp_files(&dir), Vec::<String>::new());

    // Saved through its own name too: still 600.
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules"],
        "set min_supporting_enterprises = 7\nsave! shanxi.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let meta = std::fs::metadata(&file).expect("file");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
}

#[test]
fn a_killed_saves_temporary_file_is_removed_by_the_next_save() {
    let dir = setup("stale-temp");
    let original = read(&dir, "shanxi.rules");
    // A save killed midway: its temporary file is written, the rename not yet done
    // (the debug build's failpoint holds it there).
    let mut child = spawn_session(&dir, &[("TOWNRULES_FAILPOINT", "save-before-rename")]);
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(b"set min_supporting_enterprises = 8\nsave! shanxi.rules\n")
            .expect("write");
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while temp_files(&dir).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the save wrote no temporary file"
        );
        assert!(
            child.try_wait().expect("poll").is_none(),
            "the session ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("kill the save");
    child.wait().expect("wait");
    let left = temp_files(&dir);
    assert_eq!(left.len(), 1, "{left:?}");
    // Nothing lost: the file is as it was loaded.
    assert_eq!(read(&dir, "shanxi.rules"), original);

    // A file of another name with the same shape is left alone.
    std::fs::write(dir.join(".other.rules.1-1.tmp"), "not ours").expect("plant");
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules"],
        "set min_supporting_enterprises = 8\nsave! shanxi.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(&left[0]), "{}", r.stderr);
    assert!(r.stderr.contains("中断的保存"), "{}", r.stderr);
    assert_eq!(temp_files(&dir), vec![".other.rules.1-1.tmp".to_string()]);
    assert!(read(&dir, "shanxi.rules").contains("min_supporting_enterprises = 8户"));
}

#[test]
fn a_failed_save_leaves_no_temporary_file() {
    let dir = setup("failed");
    // `save` (no bang) onto an existing file fails; so does a save into a folder
    // that does not exist.
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules"],
        "set min_supporting_enterprises = 8\nsave xinzhou.rules\nsave nowhere/x.rules\n",
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("已存在"), "{}", r.stderr);
    assert_eq!(temp_files(&dir), Vec::<String>::new());
    assert_eq!(temp_files(&dir.join("sources")), Vec::<String>::new());
}

/// A what-if saved in a rule file is still a what-if: `check` warns, and every report of
/// the saved rule set — text, CSV, letters — says the value is not the document's.
#[test]
fn a_saved_what_if_is_marked_in_every_report_of_the_saved_file() {
    let dir = setup("saved-what-if");
    let r = run_in(
        &dir,
        &["repl", "shanxi.rules"],
        "set min_supporting_enterprises = 9\nsave saved.rules\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Saved in place, out of the canonical layout the file had: the session says how
    // to get back to it, and `fmt --write` does.
    assert!(r.stderr.contains("townrules fmt --write"), "{}", r.stderr);
    let r = run_in(&dir, &["fmt", "--check", "saved.rules"], "");
    assert_eq!(r.code, 1, "{}", r.stdout);
    let r = run_in(&dir, &["fmt", "--write", "saved.rules"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(&dir, &["fmt", "--check", "saved.rules"], "");
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = run_in(&dir, &["check", "saved.rules"], "");
    assert!(
        r.stderr.contains("townrules::saved_what_if"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("是保存的假设值"), "{}", r.stderr);
    let text = run_in(&dir, &["eval", "saved.rules", "edge_cases.csv"], "");
    assert!(
        text.stdout
            .contains("  · 上下游配套企业数门槛：规则文件中保存的假设值 9户（由 10户 改为 9户"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("上下游配套企业9户（假设值）以上"),
        "{}",
        text.stdout
    );
    let csv = run_in(
        &dir,
        &["eval", "saved.rules", "edge_cases.csv", "--format", "csv"],
        "",
    );
    let row = csv.stdout.lines().nth(1).expect("a row");
    assert!(
        row.contains("假设分析（非正式结论）：上下游配套企业数门槛 为规则文件中保存的假设值 9户（由 10户 改为 9户"),
        "{row}"
    );
    let r = run_in(
        &dir,
        &[
            "report",
            "saved.rules",
            "edge_cases.csv",
            "--letters",
            "-o",
            "r.html",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = read(&dir, "r.html");
    let letters = html
        .split("<section id=\"letters\">")
        .nth(1)
        .expect("letters");
    assert!(
        letters.contains("不得作为正式答复发出"),
        "no what-if banner"
    );
}
