//! The shipped rule tests (`rules/*.test.toml`) run in `cargo test` too: every case
//! passes, and every criterion and relaxation path of every shipped rule set has a case
//! that meets it and one that does not. `townrules test` reports a failure with the
//! explanation of the verdict actually reached, and exits 1.

use std::path::{Path, PathBuf};

use townrules::ruletest::{discover, run_file};

mod common;

#[test]
fn every_shipped_rule_test_passes_and_covers_every_criterion() {
    let files = discover(&[PathBuf::from("rules")]).expect("rules/");
    assert!(files.len() >= 6, "{files:?}");
    for f in &files {
        let r = run_file(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for c in &r.cases {
            assert!(c.passed(), "{}: {}: {:?}", f.display(), c.name, c.failures);
        }
        assert!(
            r.coverage.gaps().is_empty(),
            "{}: {:?}",
            f.display(),
            r.coverage.gaps()
        );
    }
}

#[test]
fn every_shipped_rule_set_with_criteria_has_a_test_file() {
    for entry in std::fs::read_dir("rules").expect("rules/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rules") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let evaluates = text.contains("\ncriterion ") || text.starts_with("criterion ");
        let inherits = text.contains("\nextends ");
        if !(evaluates || inherits) {
            continue;
        }
        let test = path.with_file_name(format!(
            "{}.test.toml",
            path.file_stem().expect("stem").to_string_lossy()
        ));
        assert!(
            test.exists(),
            "{} has no {}",
            path.display(),
            test.display()
        );
    }
}

#[test]
fn a_failing_case_is_reported_with_the_verdict_reached() {
    let dir = tempfile::tempdir().expect("temp");
    let shanxi = std::fs::canonicalize("rules/shanxi.rules").expect("shanxi");
    let test = dir.path().join("bad.test.toml");
    std::fs::write(
        &test,
        format!(
            "rules = {:?}\nattestations = \"yes\"\n[defaults]\ncategory = \"制造业\"\n\
             output_value = \"19亿元\"\nsingle_county = \"是\"\norigin_or_gi = \"否\"\n\
             leading_enterprises = 1\nsupporting_enterprises = 12\nregional_brands = 1\nstandards_led = 1\n\
             [[case]]\nname = \"应当失败\"\nexpect = \"认定\"\n\
             [[case]]\nname = \"应当通过\"\nexpect = \"不予认定\"\ncriteria = {{ agglomeration = \"不符合\" }}\n",
            shanxi.to_str().expect("utf-8")
        ),
    )
    .expect("write");
    let r = common::run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["test", test.to_str().expect("utf-8")],
        "",
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("用例 应当失败 ... 未通过"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("用例 应当通过 ... 通过"), "{}", r.stdout);
    assert!(
        r.stdout.contains("✗ 结论应为认定，实际为不予认定"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("特色主导产业年产值 19亿元 < 20亿元"),
        "the explanation of the verdict reached: {}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("测试结果：未通过。1 个通过，1 个未通过（1 个测试文件）"),
        "{}",
        r.stdout
    );
    let en = common::run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["test", test.to_str().expect("utf-8"), "--lang", "en"],
        "",
    );
    assert_eq!(en.code, 1);
    for line in [
        "test 应当失败 ... FAILED",
        "test 应当通过 ... ok",
        "✗ the outcome should be 认定, but is 不予认定",
        "test result: FAILED. 1 passed, 1 failed (1 test file(s))",
    ] {
        assert!(en.stdout.contains(line), "{line}\n{}", en.stdout);
    }
}

#[test]
fn coverage_names_what_lacks_a_case() {
    let dir = tempfile::tempdir().expect("temp");
    let shanxi = std::fs::canonicalize("rules/shanxi.rules").expect("shanxi");
    let test = dir.path().join("thin.test.toml");
    std::fs::write(
        &test,
        format!(
            "rules = {:?}\nattestations = \"yes\"\n[defaults]\ncategory = \"制造业\"\n\
             output_value = \"25亿元\"\nsingle_county = \"是\"\nleading_enterprises = 1\n\
             supporting_enterprises = 12\nregional_brands = 1\nstandards_led = 1\n\
             [[case]]\nname = \"全部符合\"\nexpect = \"认定\"\n",
            shanxi.to_str().expect("utf-8")
        ),
    )
    .expect("write");
    let r = run_file(&test).expect("runs");
    let gaps = r.coverage.gaps();
    assert!(
        gaps.iter()
            .any(|g| g.what == "标准“历史传承厚重”" && g.missing == "不符合的用例"),
        "{gaps:?}"
    );
    assert!(
        gaps.iter()
            .any(|g| g.what == "标准“产业集聚度高”的放宽条款 二（四）"
                && g.missing == "经放宽条款符合的用例"),
        "{gaps:?}"
    );
    assert!(
        !gaps.iter().any(|g| g.missing == "符合的用例"),
        "every criterion is met once: {gaps:?}"
    );
    let out = common::run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["test", test.to_str().expect("utf-8"), "--coverage"],
        "",
    );
    assert_eq!(out.code, 1, "gaps fail the run: {}", out.stdout);
    assert!(
        out.stdout
            .contains("覆盖不全：标准“历史传承厚重”缺少不符合的用例"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_float_in_a_test_file_is_refused_not_rounded() {
    let dir = tempfile::tempdir().expect("temp");
    let shanxi = std::fs::canonicalize("rules/shanxi.rules").expect("shanxi");
    let test = dir.path().join("float.test.toml");
    std::fs::write(
        &test,
        format!(
            "rules = {:?}\n[[case]]\nname = \"浮点\"\nfacts = {{ output_value = 19.99 }}\n",
            shanxi.to_str().expect("utf-8")
        ),
    )
    .expect("write");
    let r = run_file(&test).expect("runs");
    assert!(!r.cases[0].passed());
    assert!(
        r.cases[0].failures[0].contains("二进制小数"),
        "{:?}",
        r.cases[0].failures
    );
}
