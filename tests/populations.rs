//! Rankings name the towns they are over (`population`); when a file cannot be the whole
//! population — fewer towns than declared, or nothing declared — a warning and every
//! explanation say the rank is relative to the file.

mod common;

use std::path::Path;

const DEMO: &str = "rules/demo-evaluation-formulas.rules";

fn run(dir: &Path, args: &[&str]) -> common::Run {
    common::run_in(dir, args, "")
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_file_with_the_whole_population_ranks_without_a_warning() {
    let r = run(
        repo(),
        &["eval", DEMO, "examples/xinzhou_towns.csv", "--all"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("rankings"), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("top(特色主导产业年产值)〔本次参评的专业镇，参评镇共 8 个〕"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_partial_file_is_said_to_rank_relative_to_itself() {
    let dir = tempfile::tempdir().expect("temp");
    let towns = std::fs::read_to_string("examples/xinzhou_towns.csv").expect("towns");
    let part: Vec<&str> = towns.lines().take(4).collect();
    std::fs::write(dir.path().join("three.csv"), part.join("\n") + "\n").expect("write");
    let data = dir.path().join("three.csv");
    let r = run(
        repo(),
        &["eval", DEMO, data.to_str().expect("path"), "--all"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("rankings"))
        .collect();
    assert_eq!(
        warnings,
        ["警告：rankings are over the 3 towns of this file, fewer than the 8 of `candidates` (本次参评的专业镇): each rank is relative to the file"]
    );
    assert!(
        r.stdout
            .contains("〔名次相对于本次读入的 3 个镇，少于本次参评的专业镇的 8 个〕"),
        "{}",
        r.stdout
    );
    // A share of 3 towns that does not end: shown rounded, never with 28 digits.
    assert!(!r.stdout.contains("33.33333333"), "{}", r.stdout);
    assert!(r.stdout.contains("约33.3333% > 30%"), "{}", r.stdout);
}

#[test]
fn a_ranking_without_a_declared_population_is_relative_to_the_file() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::copy("rules/facts.rules", dir.path().join("facts.rules")).expect("copy");
    std::fs::write(
        dir.path().join("r.rules"),
        "ruleset r { title \"示例\" source none }\nimport \"facts.rules\"\n\
         criterion top \"前30%\" { require top(output_value) <= 30% }\n",
    )
    .expect("write");
    let data = std::fs::canonicalize("examples/xinzhou_towns.csv").expect("data");
    let r = run(
        dir.path(),
        &["eval", "r.rules", data.to_str().expect("path"), "--all"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "rankings are over the 8 towns of this file: the rule set declares no population"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("〔名次相对于本次读入的 8 个镇，规则集未声明参评范围〕"),
        "{}",
        r.stdout
    );
}

#[test]
fn within_names_a_grouping_fact_or_the_population() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::copy("rules/facts.rules", dir.path().join("facts.rules")).expect("copy");
    std::fs::write(
        dir.path().join("r.rules"),
        "ruleset r { title \"示例\" source none }\nimport \"facts.rules\"\n\
         population province \"全省参评专业镇\" { towns 120 }\n\
         population city \"全市\" { towns 8 }\n\
         criterion top \"前30%\" { require top(output_value within provnce) <= 30% }\n",
    )
    .expect("write");
    let r = run(dir.path(), &["check", "r.rules"]);
    assert_eq!(r.code, 1);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("a second population `city`: rankings are over one population"),
        "{all}"
    );
    assert!(all.contains("r.rules:4:12"), "{all}");
    assert!(
        all.contains("`within provnce` needs a text or category fact to group by, or the rule set's `population`"),
        "{all}"
    );
}
