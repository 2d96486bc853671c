//! Division by zero and overflow are explained as what they are (除数为零, 数值溢出), never
//! as missing data; they are unknown in every condition, so verdicts are as before, and
//! every evaluator records them alike.

mod common;

use std::path::Path;

use townrules::data::{load_towns_str, DataFormat};
use townrules::eval::{Evaluator, Status};

const HEAD: &str = r#"ruleset t { title "T" level county }
fact id "编号" : text
fact firms "企业数" : count
fact jobs "从业人数" : count
param none = 0
"#;

/// Per town: the status (the same from every evaluator, with the same records), the
/// criterion's explanation lines and its JSON.
fn explain(criterion: &str, csv: &str) -> Vec<(Status, String, serde_json::Value)> {
    let text = format!("{HEAD}criterion c \"标准\" {{\n{criterion}\n}}\n");
    let (rs, towns) = common::compiled(&text, csv);
    let ev = Evaluator::new(&rs, &towns);
    let json = townrules::report::json(&ev, &(0..towns.len()).collect::<Vec<_>>());
    (0..towns.len())
        .map(|row| {
            let s = ev.status(0, row);
            assert_eq!(s, ev.status_tree(0, row), "tree walk, row {row}");
            let c = ev.explain_criterion(0, row);
            assert_eq!(s, c.status, "plans, row {row}");
            assert_eq!(c, ev.explain_criterion_tree(0, row), "records, row {row}");
            let lines = townrules::report::criterion_lines(&ev, &c, row).join("\n");
            // The criterion, with the town's priority clauses beside it.
            let mut town = json["towns"][row]["criteria"][0].clone();
            town["priority"] = json["towns"][row]["priority"].clone();
            (s, lines, town)
        })
        .collect()
}

/// The whole text report.
fn report(criterion: &str, csv: &str) -> String {
    let text = format!("{HEAD}criterion c \"标准\" {{\n{criterion}\n}}\n");
    let report = townrules::check::check_source(Path::new("rules/t.rules"), &text);
    let model = report.model.expect("checks");
    let rs = townrules::compile::compile(&model).expect("compiles");
    let towns = load_towns_str("t.csv", csv, DataFormat::Csv, &model)
        .expect("loads")
        .towns;
    let ev = Evaluator::new(&rs, &towns);
    let rows: Vec<usize> = (0..towns.len()).collect();
    townrules::report::text(&ev, &rows, &rows, Default::default())
}

#[test]
fn division_by_zero_is_named_not_missing_data() {
    let r = explain(
        "require jobs / firms >= 10",
        "id,firms,jobs\nt1,0,100\nt2,5,100\nt3,,100\n",
    );
    let (s, text, json) = &r[0];
    assert_eq!(*s, Status::Undetermined);
    assert!(text.contains("无法判定（除数为零）"), "{text}");
    assert!(text.contains("计算无结果（除数为零）"), "{text}");
    assert!(!text.contains("缺少数据"), "{text}");
    assert_eq!(json["missing_facts"], serde_json::json!([]), "{json:#}");
    assert_eq!(
        json["requirements"][0]["checks"][0]["fault"], "division_by_zero",
        "{json:#}"
    );
    assert_eq!(r[1].0, Status::Met);
    assert!(r[1].2["requirements"][0]["checks"][0]
        .get("fault")
        .is_none());
    // A missing fact is still missing data.
    let (s, text, json) = &r[2];
    assert_eq!(*s, Status::Undetermined);
    assert!(text.contains("缺少数据"), "{text}");
    assert!(!text.contains("除数为零"), "{text}");
    assert_eq!(json["missing_facts"], serde_json::json!(["firms"]));
}

#[test]
fn a_fault_carries_through_arithmetic_and_functions() {
    let r = explain(
        "require -(jobs / firms) + 1 <= min(jobs / firms, 3)",
        "id,firms,jobs\nt1,0,100\n",
    );
    let (s, text, json) = &r[0];
    assert_eq!(*s, Status::Undetermined);
    assert!(
        text.contains("除数为零") && !text.contains("缺少数据"),
        "{text}"
    );
    assert_eq!(
        json["requirements"][0]["checks"][0]["fault"], "division_by_zero",
        "{json:#}"
    );
}

#[test]
fn overflow_is_named_not_missing_data() {
    let r = explain(
        "require jobs * 100000000000000 * 100000000000000 * 1000 >= 1",
        "id,firms,jobs\nt1,1,1\n",
    );
    let (s, text, json) = &r[0];
    assert_eq!(*s, Status::Undetermined);
    assert!(
        text.contains("数值溢出") && !text.contains("缺少数据"),
        "{text}"
    );
    assert_eq!(
        json["requirements"][0]["checks"][0]["fault"], "overflow",
        "{json:#}"
    );
}

#[test]
fn a_fault_that_does_not_decide_is_said_not_to_matter() {
    let r = explain(
        "require jobs / firms >= 10 or jobs >= 50",
        "id,firms,jobs\nt1,0,100\nt2,0,10\n",
    );
    assert_eq!(r[0].0, Status::Met);
    assert!(
        r[0].1.contains("计算无结果（除数为零），但不影响结论"),
        "{}",
        r[0].1
    );
    assert_eq!(r[1].0, Status::Undetermined);
}

#[test]
fn a_constant_fault_on_the_right_side_is_named_on_every_path() {
    // `10 / none` is the same for every town: the plans and the 64-lane blocks fold it.
    let r = explain(
        "require firms >= 10 / none\nrequire jobs >= 1",
        "id,firms,jobs\nt1,0,3\nt2,2,0\n",
    );
    assert_eq!(r[0].0, Status::Undetermined);
    assert!(r[0].1.contains("无法判定（除数为零）"), "{}", r[0].1);
    assert_eq!(
        r[0].2["requirements"][0]["checks"][0]["fault"],
        "division_by_zero"
    );
    assert_eq!(r[1].0, Status::NotMet);
}

#[test]
fn a_priority_clause_without_a_result_is_named() {
    let r = explain(
        "require jobs >= 1\npriority \"优先\" when jobs / firms >= 10",
        "id,firms,jobs\nt1,0,100\n",
    );
    let (s, text, json) = &r[0];
    assert_eq!(*s, Status::Met);
    assert_eq!(json["priority"][0]["state"], "unknown", "{json:#}");
    assert_eq!(json["priority"][0]["fault"], "division_by_zero", "{json:#}");
    assert!(
        text.contains("能否优先评定待定（除数为零，不是“不优先”）：优先"),
        "{text}"
    );
    let text = report(
        "require jobs >= 1\npriority \"优先\" when jobs / firms >= 10",
        "id,firms,jobs\nt1,0,100\nt2,5,\n",
    );
    let lines: Vec<&str> = text.lines().collect();
    let t1 = lines.iter().find(|l| l.starts_with("t1 ")).unwrap();
    assert!(t1.contains("☆能否优先评定待定（除数为零）"), "{text}");
    let t2 = lines.iter().find(|l| l.starts_with("t2 ")).unwrap();
    assert!(t2.contains("☆能否优先评定待定（缺少数据）"), "{text}");
}

/// A count written with 万 or 亿 (`1万人`, as documents and data cells write it) is the
/// whole number it stands for: the boundary is exact on both sides.
#[test]
fn a_count_written_with_wan_is_the_whole_number() {
    let text = format!("{HEAD}criterion c \"标准\" {{\n  require jobs >= 1.5万人\n}}\n");
    let (rs, towns) = common::compiled(&text, "id,jobs\na,15000\nb,14999\nc,1.5万\n");
    let ev = Evaluator::new(&rs, &towns);
    let got: Vec<Status> = (0..towns.len()).map(|row| ev.status(0, row)).collect();
    assert_eq!(got, [Status::Met, Status::NotMet, Status::Met]);
    let lines = townrules::report::criterion_lines(&ev, &ev.explain_criterion(0, 1), 1).join("\n");
    assert!(lines.contains("15000"), "{lines}");
}
