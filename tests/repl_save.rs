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
    let warned: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("警告")).collect();
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
