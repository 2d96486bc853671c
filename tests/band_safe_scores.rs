//! Scores printed by the REPL's tables and by `diff --towns` never round a total across
//! a grade band: two experts at 89.99 and 90.00 give 89.995, which is 良好 [75, 90) and
//! must not be shown as 90.00 (the eval report's rule, `report::total_text`).

mod common;

use common::run_in;
use std::path::{Path, PathBuf};

/// A fresh directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("townrules-band-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

/// One indicator of weight 100, four bands; `bands` replaces the two upper ones.
fn rules(bands: &str) -> String {
    format!(
        r#"ruleset t {{ title "测试" document "测试" level city source none }}
import "facts.rules"
evaluation e "一项指标" {{
  total 100
  indicator A "甲" weight 100 {{
    indicator A1 "甲一" weight 100
  }}
  grades "表1" {{
    {bands}
    合格 [60, 75)
    不合格 < 60
  }}
}}
"#
    )
}

const BANDS: &str = "优秀 >= 90\n    良好 [75, 90)";

/// Rule files (`old.rules` with `BANDS`, `new.rules` with `new_bands`), two towns and a
/// score sheet: 一镇 89.995 (experts 89.99 and 90.00), 二镇 80.
fn setup(name: &str, new_bands: &str) -> PathBuf {
    let dir = temp_dir(name);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("rules/facts.rules"), dir.join("facts.rules")).expect("facts");
    std::fs::write(dir.join("old.rules"), rules(BANDS)).expect("old rules");
    std::fs::write(dir.join("new.rules"), rules(new_bands)).expect("new rules");
    std::fs::write(
        dir.join("towns.csv"),
        "id,name,county\nt1,一镇,甲县\nt2,二镇,甲县\n",
    )
    .expect("towns");
    std::fs::write(
        dir.join("scores.csv"),
        "town,expert,indicator,score\nt1,甲,A1,89.99\nt1,乙,A1,90.00\nt2,甲,A1,80\n",
    )
    .expect("scores");
    dir
}

#[test]
fn the_repl_table_keeps_a_total_in_its_band() {
    let dir = setup("repl", BANDS);
    let args = ["repl", "old.rules", "towns.csv", "--scores", "scores.csv"];
    let r = run_in(&dir, &args, "eval\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let row = r
        .stdout
        .lines()
        .find(|l| l.contains("一镇"))
        .unwrap_or_else(|| panic!("no row of 一镇 in\n{}", r.stdout));
    assert!(row.contains("等级 良好"), "{row}");
    assert!(!row.contains("90.00"), "rounded into 优秀: {row}");
    assert!(row.contains("89.99（精确值 89.995）"), "{row}");
    // A total away from a boundary keeps two decimals.
    let row = r.stdout.lines().find(|l| l.contains("二镇")).unwrap_or("");
    assert!(row.contains("80.00"), "{row}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_diff_impact_keeps_each_total_in_its_band() {
    // NEW moves the boundary to 89.99: 一镇 is 优秀 there with the same total.
    let dir = setup("diff-same", "优秀 >= 89.99\n    良好 [75, 89.99)");
    let args = ["diff", "old.rules", "new.rules", "--towns", "towns.csv"];
    let r = run_in(&dir, &[&args[..], &["--scores", "scores.csv"]].concat(), "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    let row = r
        .stdout
        .lines()
        .find(|l| l.contains("一镇") && l.contains("等级"))
        .unwrap_or_else(|| panic!("no row of 一镇 in\n{}", r.stdout));
    assert!(row.contains("等级 良好 → 优秀"), "{row}");
    assert!(!row.contains("90.00"), "rounded into 优秀 under OLD: {row}");
    assert!(row.contains("总分 89.995 未变"), "{row}");
    let _ = std::fs::remove_dir_all(&dir);
}
