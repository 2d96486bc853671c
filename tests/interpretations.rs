//! Readings the documents do not state are declared in the rule files (`interpretation`,
//! `convention`) and shown as this rule set's reading — once per criterion in text, as a
//! field in JSON, as a column in CSV — and never credited to the document's clause.

use serde_json::Value;

mod common;

fn out(args: &[&str]) -> String {
    common::stdout_of(args)
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    serde_json::from_str(&out(&a)).expect("JSON")
}

const PUXIAN: &[&str] = &["eval", "rules/puxian.rules", "examples/puxian_towns.csv"];

#[test]
fn the_tolerance_of_zuoyou_is_credited_to_the_rule_set_not_to_the_clause() {
    let text = out(&[PUXIAN, &["--town", "puxian_forsythia"]].concat());
    let line = text
        .lines()
        .find(|l| l.contains("产业相对集中："))
        .expect("the compact line of 产业相对集中");
    assert!(line.contains("- 2家〔本规则集的理解〕"), "{line}");
    assert!(
        line.contains("10家〔县级 蒲政办发〔2023〕1号 三（三）〕"),
        "the nominal 10 is the document's: {line}"
    );
    assert!(!line.contains("2〔县级"), "{line}");
}

#[test]
fn each_criterion_states_its_readings_once_in_the_compact_and_the_full_view() {
    for extra in [&[][..], &["--all"][..]] {
        let text = out(&[PUXIAN, &["--town", "puxian_forsythia"], extra].concat());
        let body: Vec<&str> = text.lines().skip_while(|l| !l.starts_with('─')).collect();
        let body = body.join("\n");
        for label in ["产业相对集中", "规模相对较大"] {
            let block = criterion_block(&body, label);
            assert_eq!(
                block.matches("本规则集的理解：").count(),
                1,
                "{label}, {extra:?}: {block}"
            );
        }
        let block = criterion_block(&body, "产业相对集中");
        assert!(block.contains("“10家左右”按不少于8家"), "{block}");
        // The finding's own line carries no reading: the reading has a line of its own.
        let head = block.lines().next().unwrap_or_default();
        assert!(!head.contains("本规则集的理解："), "{head}");
        // A criterion resting on no reading of ours says nothing of the kind.
        let block = criterion_block(&body, "公共服务完善");
        assert!(!block.contains("本规则集的理解"), "{block}");
    }
}

/// The lines of one criterion in a town's explanation: its head line and the indented
/// lines under it.
fn criterion_block(body: &str, label: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("  ") && l.contains(&format!(" {label}")))
        .unwrap_or_else(|| panic!("{label} in {body}"));
    let mut block = vec![lines[start]];
    block.extend(
        lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("      ")),
    );
    block.join("\n")
}

#[test]
fn the_json_carries_the_readings_per_criterion_and_the_conventions_once() {
    let report = json(PUXIAN);
    let conventions = report["ruleset"]["conventions"]
        .as_array()
        .expect("conventions");
    assert!(conventions
        .iter()
        .any(|c| c.as_str().unwrap_or("").contains(">=")));
    // Once per report, in the rule set's dictionary of criteria (not per town).
    let crit = |id: &str| {
        let c = report["ruleset"]["criteria"][id].clone();
        assert!(c.is_object(), "{id}");
        c
    };
    let readings = crit("concentration")["interpretations"].clone();
    let readings: Vec<&str> = readings
        .as_array()
        .expect("interpretations")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(readings.iter().any(|r| r.contains("左右")), "{readings:?}");
    assert_eq!(
        crit("public_services")["interpretations"],
        serde_json::json!([])
    );
}

#[test]
fn the_csv_names_the_criteria_that_rest_on_a_reading() {
    let csv = out(&[PUXIAN, &["--format", "csv", "--ids"]].concat());
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "interpretations")
        .expect("an interpretations column");
    for line in lines {
        let cell = line.split(',').nth(col).expect("cell");
        let ids: Vec<&str> = cell.split(';').collect();
        assert!(
            ids.contains(&"concentration") && ids.contains(&"scale"),
            "{cell}"
        );
        assert!(!ids.contains(&"public_services"), "{cell}");
    }
}

#[test]
fn a_value_set_for_a_what_if_carries_no_reading_and_no_clause() {
    let text = out(&[
        PUXIAN,
        &[
            "--town",
            "puxian_forsythia",
            "--set",
            "supporting_tolerance=0家",
        ],
    ]
    .concat());
    let line = text
        .lines()
        .find(|l| l.contains("产业相对集中："))
        .expect("产业相对集中");
    assert!(line.contains("0家〔假设值（命令行 --set）"), "{line}");
    assert!(
        !line.contains("容差2家"),
        "the reading of the replaced value is gone: {line}"
    );
}

#[test]
fn a_what_if_value_saved_in_a_file_is_shown_as_such() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = std::fs::read_to_string("rules/puxian.rules").expect("puxian");
    let rules = rules.replace(
        "param min_jobs = 2000人 {",
        "param min_jobs = 1500人 {\n  what_if \"由 2000人 改为 1500人（2026-12-01 REPL 保存）\"",
    );
    std::fs::write(dir.path().join("puxian.rules"), rules).expect("write");
    std::fs::copy("rules/facts.rules", dir.path().join("facts.rules")).expect("copy");
    std::fs::create_dir(dir.path().join("sources")).expect("mkdir");
    std::fs::copy(
        "rules/sources/puxian-2023-1.txt",
        dir.path().join("sources/puxian-2023-1.txt"),
    )
    .expect("copy source");
    let data = std::fs::canonicalize("examples/puxian_towns.csv").expect("data");
    let run = common::run_in(
        dir.path(),
        &[
            "eval",
            "puxian.rules",
            data.to_str().expect("path"),
            "--town",
            "puxian_forsythia",
        ],
        "",
    );
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("就业带动性强："))
        .unwrap_or_else(|| panic!("{}{}", run.stdout, run.stderr))
        .to_string();
    assert!(
        line.contains(">= 1500人（假设值（由 2000人 改为 1500人（2026-12-01 REPL 保存）））"),
        "{line}"
    );
}

#[test]
fn no_note_in_the_shipped_rules_hides_a_reading() {
    // A reading is declared as `interpretation` (or `convention`), so it is shown as ours;
    // a `note` that says how the wording is read would be shown as a plain note.
    for entry in std::fs::read_dir("rules").expect("rules/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rules") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("note") && (t.contains("理解") || t.contains("解释")) {
                panic!("{}:{}: {t}", path.display(), i + 1);
            }
        }
    }
}

#[test]
fn the_reconstructed_formula_and_the_relaxations_scope_are_readings() {
    let shanxi = std::fs::read_to_string("rules/shanxi.rules").expect("shanxi");
    let relax = shanxi.split("relax discretionary").nth(1).expect("relax");
    let relax = relax.split('}').next().expect("relax block");
    assert!(
        relax.contains("interpretation \"放宽认定条件只放宽本条"),
        "{relax}"
    );
    let report = json(&["eval", "rules/shanxi.rules", "examples/xinzhou_towns.csv"]);
    let agg = report["ruleset"]["criteria"]["agglomeration"].clone();
    let readings = agg["interpretations"].to_string();
    assert!(
        readings.contains("只放宽本条按类别的产值门槛"),
        "{readings}"
    );
    assert!(readings.contains("“原则上”按硬性条件理解"), "{readings}");
}
