//! An amendment may add facts: a rule file that `extends` another declares a new fact
//! and a criterion reading it; it checks and evaluates on data with the new column, and
//! `diff --towns` reads one file for both rule sets, saying which side lacks the fact.

mod common;

use std::path::Path;

/// A temporary folder with facts.rules, puxian.rules (and its source text) and the
/// amendment, plus Puxian's example towns with an `rd_ratio` column.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    for f in ["facts.rules", "puxian.rules"] {
        std::fs::copy(format!("rules/{f}"), d.join(f)).expect("copy");
    }
    std::fs::create_dir(d.join("sources")).expect("mkdir");
    std::fs::copy(
        "rules/sources/puxian-2023-1.txt",
        d.join("sources/puxian-2023-1.txt"),
    )
    .expect("copy source");
    std::fs::write(
        d.join("amend.rules"),
        "ruleset puxian_amend {\n  title \"蒲县认定标准（修订示例）\"\n  source none\n}\n\
         extends \"puxian.rules\"\n\
         fact rd_ratio \"研发投入占比\" : percent\n\
         criterion innovation \"创新能力较强\" {\n  require rd_ratio >= 3%\n}\n",
    )
    .expect("write amendment");
    let towns = std::fs::read_to_string("examples/puxian_towns.csv").expect("towns");
    let mut out = String::new();
    for (i, line) in towns.lines().enumerate() {
        let cell = match i {
            0 => "rd_ratio",
            1 => "1%",
            _ => "4%",
        };
        out.push_str(&format!("{line},{cell}\n"));
    }
    std::fs::write(d.join("towns.csv"), out).expect("write towns");
    dir
}

/// `townrules diff puxian.rules amend.rules --towns towns.csv ARGS` in `dir`.
fn diff_towns(dir: &Path, args: &[&str]) -> common::Run {
    let mut all = vec![
        "diff",
        "puxian.rules",
        "amend.rules",
        "--towns",
        "towns.csv",
    ];
    all.extend_from_slice(args);
    run(dir, &all)
}

fn run(dir: &Path, args: &[&str]) -> common::Run {
    common::run_in(dir, args, "")
}

#[test]
fn an_amendment_adds_a_fact_and_a_criterion_that_reads_it() {
    let dir = setup();
    let r = run(dir.path(), &["check", "amend.rules"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(
        dir.path(),
        &[
            "eval",
            "amend.rules",
            "towns.csv",
            "--town",
            "puxian_forsythia",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("研发投入占比 1% < 3%"), "{}", r.stdout);
}

#[test]
fn diff_towns_reads_one_file_for_both_and_says_which_side_lacks_the_fact() {
    let dir = setup();
    let r = diff_towns(dir.path(), &[]);
    assert_eq!(r.code, 1, "differences: {}{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("unknown column"), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("事实“研发投入占比”只有新规则集有：旧规则集不读该列"),
        "{}",
        r.stdout
    );
    // 蒲县连翘 was recognised and fails the new criterion.
    assert!(
        r.stdout
            .contains("蒲县连翘  puxian_forsythia  认定 → 不予认定"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("新：研发投入占比 1% < 3%，还差 2个百分点"),
        "{}",
        r.stdout
    );
    let r = diff_towns(dir.path(), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(
        v["facts_only_in"],
        serde_json::json!([{"fact": "rd_ratio", "label": "研发投入占比", "side": "new"}])
    );
    // A column neither rule set knows is still an error.
    let towns = std::fs::read_to_string(dir.path().join("towns.csv")).expect("read");
    let towns = towns.replacen("rd_ratio", "rd_ratoi", 1);
    std::fs::write(dir.path().join("towns.csv"), towns).expect("write");
    let r = diff_towns(dir.path(), &[]);
    assert!(r.code != 0 && r.code != 101, "{}", r.code);
    assert!(r.stderr.contains("不认识的列 `rd_ratoi`"), "{}", r.stderr);
}

#[test]
fn the_shipped_draft_adds_a_fact_and_diff_shows_its_impact_on_one_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = run(
        root,
        &[
            "diff",
            "rules/example-municipal-2025.rules",
            "rules/example-municipal-2026-draft.rules",
            "--towns",
            "examples/municipal_towns_rd.csv",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("事实“研发投入”只有新规则集有"),
        "{}",
        r.stdout
    );
    // A threshold of a ratio reads as its value in the new criterion's condition.
    assert!(
        r.stdout
            .contains("研发投入 / 特色主导产业年度产值[year] ≥ 3%"),
        "{}",
        r.stdout
    );
    // 甲镇: 5000万元 of 18亿元 is about 2.78%, under 3%: recognised before, not after.
    assert!(
        r.stdout.contains("甲镇  town_a  认定 → 不予认定"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "研发投入占特色主导产业年度产值（2024年）的比例 约2.7778%（5000万元 ÷ 18亿元） < 3%"
        ),
        "{}",
        r.stdout
    );
}
