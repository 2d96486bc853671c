//! The benchmark's hand-written baseline (benches/support/handwritten.rs) is kept in
//! step with the engine: on generated towns, `townrules eval --format csv --ids` and the
//! independent implementation write the same report byte for byte, and so does the
//! baseline over the engine's columns. (`cargo bench` asserts the same on a million
//! towns; this keeps a change of the report from breaking the bench unnoticed.)

#![allow(dead_code)]

#[path = "../benches/support/gen.rs"]
mod gen;
#[path = "../benches/support/handwritten.rs"]
mod handwritten;

use std::path::Path;

#[test]
fn the_baseline_writes_the_engines_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("towns.csv");
    let mut data = Vec::new();
    gen::write_csv(5_000, gen::SEED, &mut data).expect("generate");
    std::fs::write(&file, &data).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_townrules"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["eval", "rules/shanxi.rules"])
        .arg(&file)
        .args(["--format", "csv", "--ids"])
        .output()
        .expect("run townrules");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let engine = String::from_utf8(out.stdout).expect("utf-8");
    let mut independent = Vec::new();
    handwritten::independent(&file, &mut independent).expect("independent");
    let independent = String::from_utf8(independent).expect("utf-8");
    let first_difference = engine
        .lines()
        .zip(independent.lines())
        .find(|(a, b)| a != b);
    assert!(
        first_difference.is_none() && engine.lines().count() == independent.lines().count(),
        "first difference: {first_difference:?}"
    );
    // The generated towns exercise the new columns: relaxed, missing facts.
    assert!(
        engine.lines().any(|l| l.contains(",agglomeration,")),
        "no relaxed town"
    );
    assert!(
        engine
            .lines()
            .skip(1)
            .any(|l| !l.contains(",,agglomeration;leading")),
        "no town with missing facts"
    );
    // The baseline over the engine's columns, as the bench times it.
    let model = townrules::check::check_file(Path::new("rules/shanxi.rules"))
        .model
        .expect("shanxi checks");
    let rs = townrules::compile(&model).expect("compiles");
    let towns = townrules::load_towns(&file, &model).expect("loads").towns;
    let hw = handwritten::Shanxi::new(&rs, &towns);
    let mut buf = handwritten::REPORT_HEADER.as_bytes().to_vec();
    for i in 0..towns.len() {
        handwritten::report_line(
            &mut buf,
            towns.ids[i].as_bytes(),
            towns.names[i].as_bytes(),
            &hw.report(i),
            hw.missing(i),
        );
    }
    assert_eq!(String::from_utf8(buf).expect("utf-8"), engine);
}

/// The streamed text report over more towns than one part (4,096): every town has one
/// summary line, in order of outcome, and every town not recognised has its detail.
#[test]
fn the_streamed_text_report_keeps_its_order_across_parts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("towns.csv");
    let mut data = Vec::new();
    gen::write_csv(9_000, gen::SEED, &mut data).expect("generate");
    std::fs::write(&file, &data).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_townrules"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["eval", "rules/shanxi.rules"])
        .arg(&file)
        .output()
        .expect("run townrules");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let rank = |l: &str| {
        if l.contains("✓ 认定") {
            Some(0)
        } else if l.contains("✗ 不予认定") {
            Some(1)
        } else if l.contains("? 待定") {
            Some(2)
        } else {
            None
        }
    };
    let summary: Vec<u8> = text
        .lines()
        .skip_while(|l| !l.starts_with("编号"))
        .skip(1)
        .take_while(|l| !l.starts_with("合计："))
        .map(|l| rank(l).expect("a summary line has a verdict"))
        .collect();
    assert_eq!(summary.len(), 9_000);
    assert!(
        summary.windows(2).all(|w| w[0] <= w[1]),
        "not in order of outcome"
    );
    let not_recognised = summary.iter().filter(|&&r| r > 0).count();
    let details = text.matches(&"─".repeat(60)).count();
    assert!(
        details >= not_recognised,
        "{details} details for {not_recognised} towns"
    );
}
