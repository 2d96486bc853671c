//! The words around the verdicts are true: the discretionary relaxation is marked as
//! such on exactly the towns that pass only through it, the province's relaxation reads
//! all three of its conditions, and a town without a category is judged under every
//! category. Checked on the JSON and CSV of `townrules eval`, as a script would read them.

use serde_json::Value;

mod common;

/// The report in `format`; CSV as scripts read it (`--ids`: ids and English statuses).
fn eval(rules: &str, data: &str, format: &str) -> String {
    let mut args = vec!["eval", rules, data, "--format", format];
    if format == "csv" {
        args.push("--ids");
    }
    common::stdout_of(&args)
}

fn json(rules: &str, data: &str) -> Value {
    serde_json::from_str(&eval(rules, data, "json")).expect("JSON")
}

fn town<'v>(report: &'v Value, id: &str) -> &'v Value {
    report["towns"]
        .as_array()
        .expect("towns")
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("town {id}"))
}

/// The ids of the towns carrying the town-level discretionary mark.
fn marked(report: &Value) -> Vec<String> {
    report["towns"]
        .as_array()
        .expect("towns")
        .iter()
        .filter(|t| t.get("discretionary").is_some())
        .map(|t| {
            assert_eq!(t["discretionary"], true, "the mark is `true` when present");
            assert_eq!(t["outcome"], "recognized", "only recognised towns carry it");
            t["id"].as_str().expect("id").to_string()
        })
        .collect()
}

#[test]
fn the_discretionary_mark_is_on_exactly_the_towns_passing_only_through_a_relaxation() {
    let shanxi = json("rules/shanxi.rules", "examples/edge_cases.csv");
    assert_eq!(marked(&shanxi), ["e04_relax_met"]);
    let xinzhou = json("rules/xinzhou.rules", "examples/edge_cases.csv");
    assert_eq!(
        marked(&xinzhou),
        [
            "e04_relax_met",
            "e08_light_5000wan",
            "e09_light_0_5",
            "e29_relax_market_share_no",
            "e30_relax_market_share_missing"
        ]
    );
    // The criterion that the relaxation decided carries the mark; the others do not.
    let t = town(&xinzhou, "e08_light_5000wan");
    for c in t["criteria"].as_array().expect("criteria") {
        let expected = c["id"] == "agglomeration";
        assert_eq!(c.get("discretionary").is_some(), expected, "{}", c["id"]);
    }
    // The normal path, when it holds, is never marked (25亿元, relaxation facts missing).
    assert!(town(&shanxi, "e05_relax_origin_missing_25")
        .get("discretionary")
        .is_none());
    // Puxian has no relaxation: nothing is marked.
    assert!(marked(&json("rules/puxian.rules", "examples/edge_cases.csv")).is_empty());
}

#[test]
fn the_csv_has_a_discretionary_column() {
    let csv = eval("rules/xinzhou.rules", "examples/edge_cases.csv", "csv");
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().expect("header").split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "discretionary")
        .expect("a discretionary column");
    assert_eq!(header[col - 1], "outcome");
    let marked: Vec<&str> = rows
        .filter(|r| r.split(',').nth(col) == Some("true"))
        .map(|r| r.split(',').next().unwrap_or_default())
        .collect();
    assert_eq!(marked.len(), 5, "{marked:?}");
    // A rule set without a discretionary relaxation has no such column.
    let csv = eval("rules/puxian.rules", "examples/edge_cases.csv", "csv");
    assert!(!csv
        .lines()
        .next()
        .unwrap_or_default()
        .contains("discretionary"));
}

#[test]
fn the_province_relaxation_reads_market_share_high() {
    let shanxi = json("rules/shanxi.rules", "examples/edge_cases.csv");
    assert_eq!(town(&shanxi, "e04_relax_met")["outcome"], "recognized");
    assert_eq!(
        town(&shanxi, "e29_relax_market_share_no")["outcome"],
        "not_recognized"
    );
    assert_eq!(
        town(&shanxi, "e30_relax_market_share_missing")["outcome"],
        "undetermined"
    );
    // Xinzhou's clause does not name market share.
    let xinzhou = json("rules/xinzhou.rules", "examples/edge_cases.csv");
    assert_eq!(
        town(&xinzhou, "e29_relax_market_share_no")["outcome"],
        "recognized"
    );
}

#[test]
fn a_town_without_a_category_is_judged_under_every_category() {
    let shanxi = json("rules/shanxi.rules", "examples/edge_cases.csv");
    let low = town(&shanxi, "e31_category_missing_low");
    assert_eq!(low["outcome"], "not_recognized");
    let cases = low["if_missing_category"].as_array().expect("cases");
    assert_eq!(cases.len(), 4);
    assert!(cases.iter().all(|c| c["outcome"] == "not_recognized"));
    let tourism = cases
        .iter()
        .find(|c| c["assumed"]["category"] == "culture_tourism")
        .expect("culture_tourism");
    assert_eq!(tourism["criteria"]["agglomeration"], "not_applicable");
    let high = town(&shanxi, "e32_category_missing_high");
    assert_eq!(high["outcome"], "undetermined");
    let recognized: Vec<&str> = high["if_missing_category"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["outcome"] == "recognized")
        .map(|c| c["assumed"]["category"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        recognized,
        [
            "manufacturing",
            "specialty_agriculture",
            "specialty_light_industry"
        ]
    );
    // The text says it in words.
    let text = eval("rules/shanxi.rules", "examples/edge_cases.csv", "text");
    assert!(
        text.contains("产业类别缺失：无论产业类别为何，均不予认定"),
        "{text}"
    );
    assert!(
        text.contains("若为文化旅游，不予认定：产业集聚度高不适用"),
        "{text}"
    );
    // A town with a category has no such field.
    assert!(town(&shanxi, "e01_output_exact_20")
        .get("if_missing_category")
        .is_none());
}

#[test]
fn an_unknown_priority_is_shown_as_unknown() {
    let shanxi = json("rules/shanxi.rules", "examples/edge_cases.csv");
    let state = |id: &str| -> Vec<(String, Value)> {
        town(&shanxi, id)["priority"]
            .as_array()
            .expect("priority")
            .iter()
            .map(|p| {
                (
                    p["state"].as_str().unwrap_or_default().to_string(),
                    p["missing_facts"].clone(),
                )
            })
            .collect()
    };
    let unknown = state("e33_priority_unknown");
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].0, "unknown");
    assert_eq!(
        unknown[0].1,
        serde_json::json!(["tech_centers", "specialized_firms"])
    );
    assert_eq!(state("e01_output_exact_20")[0].0, "yes");
    assert_eq!(state("e28_no_priority")[0].0, "no");
    let text = eval("rules/shanxi.rules", "examples/edge_cases.csv", "text");
    let line = text
        .lines()
        .find(|l| l.starts_with("e33_priority_unknown"))
        .expect("summary line");
    assert!(line.contains("☆能否优先评定待定（缺少数据）"), "{line}");
}

fn eval_set(format: &str) -> String {
    common::stdout_of(&[
        "eval",
        "rules/shanxi.rules",
        "examples/xinzhou_towns.csv",
        "--set",
        "min_output.manufacturing=15亿元",
        "--format",
        format,
    ])
}

#[test]
fn a_what_if_is_marked_in_every_format() {
    let text = eval_set("text");
    let head: Vec<&str> = text.lines().take(4).collect();
    assert!(
        head.contains(&"假设分析（非正式结论）：以下参数不是文件的规定，而是本次假设的取值"),
        "{text}"
    );
    assert!(
        head.contains(&"  · 特色主导产业年产值门槛（制造业类）：文件为 20亿元，假设为 15亿元"),
        "{text}"
    );
    let json: Value = serde_json::from_str(&eval_set("json")).expect("JSON");
    assert_eq!(
        json["ruleset"]["overrides"],
        serde_json::json!([{"name": "min_output.manufacturing", "old": "20亿元", "old_basis": "文件", "new": "15亿元"}])
    );
    // Every town record of JSON Lines says so (a reader may see no other line).
    let jsonl = eval_set("jsonl");
    for line in jsonl.lines().skip(1) {
        let town: Value = serde_json::from_str(line).expect("a JSON line");
        assert_eq!(town["what_if"], true, "{line}");
    }
    let csv = eval_set("csv");
    let mut lines = csv.lines();
    let header = lines.next().expect("header");
    // For spreadsheets: the byte-order mark, then the Chinese header, no line above it.
    assert!(
        header.starts_with("\u{feff}编号,名称,结论"),
        "no line above the header: {header}"
    );
    assert!(header.ends_with(",假设分析"));
    for row in lines {
        assert!(
            row.ends_with(
                "假设分析（非正式结论）：特色主导产业年产值门槛（制造业类） 文件为 20亿元，假设为 15亿元"
            ),
            "{row}"
        );
    }
    // Without --set: no mark.
    let plain = eval("rules/shanxi.rules", "examples/xinzhou_towns.csv", "json");
    let plain: Value = serde_json::from_str(&plain).expect("JSON");
    assert_eq!(plain["ruleset"]["overrides"], serde_json::json!([]));
    assert!(!eval("rules/shanxi.rules", "examples/xinzhou_towns.csv", "text").contains("假设分析"));
}

/// A label that states a threshold is written from the parameter: after `--set` it
/// shows the value assumed, never the file's stale number.
#[test]
fn labels_follow_the_values_in_force() {
    let text = common::stdout_of(&[
        "eval",
        "rules/shanxi.rules",
        "examples/edge_cases.csv",
        "--town",
        "e13_supporting_8",
        "--set",
        "min_supporting_enterprises=9户",
    ]);
    // The value assumed, marked as such where it stands.
    assert!(text.contains("上下游配套企业9户（假设值）以上"), "{text}");
    assert!(!text.contains("上下游配套企业10户以上"), "{text}");
    let plain = eval("rules/shanxi.rules", "examples/edge_cases.csv", "text");
    assert!(plain.contains("上下游配套企业10户以上"), "{plain}");
}

#[test]
fn a_what_if_over_a_reading_does_not_credit_the_reading_to_the_document() {
    let text = common::stdout_of(&[
        "eval",
        "rules/puxian.rules",
        "examples/puxian_towns.csv",
        "--set",
        "supporting_tolerance=0家",
    ]);
    assert!(
        text.contains("  · supporting_tolerance：本规则集的理解为 2家，假设为 0家"),
        "{text}"
    );
    assert!(!text.contains("supporting_tolerance：文件为"), "{text}");
}
