//! Priority that orders: a priority flag may be declared on its own (not on a
//! criterion); the text summary lists, within each outcome, the towns to be assessed
//! with priority first (then those whose priority is unknown), while JSON and CSV keep
//! the input order and say yes / no / unknown.

mod common;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    std::fs::copy("rules/facts.rules", d.join("facts.rules")).expect("copy");
    std::fs::create_dir(d.join("sources")).expect("mkdir");
    std::fs::copy(
        "rules/sources/xinzhou-2022-82.txt",
        d.join("sources/xinzhou-2022-82.txt"),
    )
    .expect("copy source");
    std::fs::write(
        d.join("pp.rules"),
        "ruleset pp {\n  title \"示例：单列的优先评定\"\n  source \"sources/xinzhou-2022-82.txt\"\n}\n\
         import \"facts.rules\"\n\
         criterion scale \"规模\" { require output_value >= 5亿元 }\n\
         priority \"拥有国家级、省级、市级企业技术中心、工程中心以及“专精特新”、“小巨人”、单项冠军企业、龙头企业的，优先评定专业镇\"\n\
         \x20 when tech_centers >= 1 or municipal_tech_centers >= 1 { clause \"三（四）\" }\n",
    )
    .expect("write rules");
    std::fs::write(
        d.join("t.csv"),
        "id,name,output_value,tech_centers,municipal_tech_centers\n\
         a,甲,10,0,0\nb,乙,10,1,0\nc,丙,3,1,0\nd,丁,10,,0\ne,戊,,1,0\n",
    )
    .expect("write towns");
    dir
}

fn eval(dir: &std::path::Path, extra: &[&str]) -> String {
    let mut args = vec!["eval", "pp.rules", "t.csv"];
    args.extend_from_slice(extra);
    let r = common::run_in(dir, &args, "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn the_summary_lists_priority_towns_first_within_each_outcome() {
    let dir = setup();
    let text = eval(dir.path(), &[]);
    let order: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("编号"))
        .skip(1)
        .take_while(|l| !l.starts_with("合计"))
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    // Recognised: 乙 (priority), 丁 (unknown), 甲 (no); then not recognised; then undetermined.
    assert_eq!(order, ["b", "d", "a", "c", "e"], "{text}");
    assert!(text.contains("b   乙    ✓ 认定        ★优先评定"), "{text}");
    assert!(text.contains("☆能否优先评定待定（缺少数据）"), "{text}");
    let detail = eval(dir.path(), &["--town", "d"]);
    assert!(
        detail.contains("☆ 能否优先评定待定（未填报国家级、省级企业技术中心及工程中心数，不是“不优先”；三（四））"),
        "{detail}"
    );
}

#[test]
fn json_and_csv_keep_the_input_order_and_say_the_state() {
    let dir = setup();
    let csv = eval(dir.path(), &["--format", "csv", "--ids"]);
    assert_eq!(
        csv,
        "id,name,outcome,scale,priority,missing_facts,what_if\n\
         a,甲,recognized,met,no,,\nb,乙,recognized,met,yes,,\nc,丙,not_recognized,not_met,yes,,\n\
         d,丁,recognized,met,unknown,tech_centers,\ne,戊,undetermined,undetermined,yes,output_value,\n"
    );
    let v: serde_json::Value =
        serde_json::from_str(&eval(dir.path(), &["--format", "json"])).expect("json");
    let towns = v["towns"].as_array().expect("towns");
    let ids: Vec<&str> = towns.iter().filter_map(|t| t["id"].as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_eq!(towns[3]["priority_state"], "unknown");
    assert_eq!(
        towns[3]["priority"][0]["criterion"],
        serde_json::Value::Null
    );
    // A priority clause of the whole rule set: its clause and reason once, in the
    // `ruleset` record, at the index the town's entry gives.
    assert_eq!(towns[3]["priority"][0]["index"], "0");
    assert_eq!(v["ruleset"]["priorities"][0]["clause"], "三（四）");
    assert_eq!(
        towns[3]["priority"][0]["missing_facts"],
        serde_json::json!(["tech_centers"])
    );
}
