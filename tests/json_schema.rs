//! docs/schema/report.schema.json describes the JSON and JSON Lines reports: every JSON
//! and JSON Lines golden output (tests/snapshots/cli__*json*.snap), and the JSON Lines
//! report of every bundled rule set on every example file (records and text), validate
//! against it; a change of the output that the schema does not describe fails here, and
//! so does a schema that would accept anything.

mod common;

use common::{DATA, RULE_SETS};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/schema/report.schema.json"))
        .expect("docs/schema/report.schema.json");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// The validator of the whole JSON report.
fn report_validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("a valid draft 2020-12 schema")
}

/// The validator of one line of JSON Lines (`#/$defs/line`).
fn line_validator() -> jsonschema::Validator {
    let mut s = schema();
    let o = s.as_object_mut().expect("object");
    for k in ["type", "required", "additionalProperties", "properties"] {
        o.remove(k);
    }
    o.insert("$ref".into(), Value::from("#/$defs/line"));
    jsonschema::draft202012::new(&s).expect("a valid draft 2020-12 schema")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn townrules(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_townrules"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run townrules");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// A golden file's output: the snapshot without insta's header, with the redacted
/// hashes and revision (tests/cli.rs) put back as values of their form.
fn golden(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("snapshot");
    let body = text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
        .map(|(_, b)| b)
        .unwrap_or_else(|| panic!("{}: no insta header", path.display()));
    body.replace("<sha256>", &"0".repeat(64))
        .replace("\"<revision>\"", "\"abc1234\"")
}

#[test]
fn every_json_golden_output_validates() {
    let report = report_validator();
    let line = line_validator();
    let (mut json, mut jsonl) = (0, 0);
    let mut entries: Vec<_> = std::fs::read_dir(root().join("tests/snapshots"))
        .expect("tests/snapshots")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().expect("name").to_string_lossy().into_owned();
        if !name.starts_with("cli__") {
            continue;
        }
        if name.ends_with("_jsonl.snap") {
            for (i, l) in golden(&p).lines().enumerate() {
                let v: Value = serde_json::from_str(l).expect("a JSON line");
                let e = errors(&line, &v);
                assert!(e.is_empty(), "{name}, line {}: {e:#?}", i + 1);
                let want = if i == 0 { "ruleset" } else { "town" };
                assert_eq!(v["record"], want, "{name}, line {}", i + 1);
            }
            jsonl += 1;
        } else if name.ends_with("json.snap") {
            let v: Value = serde_json::from_str(&golden(&p)).expect("JSON");
            let e = errors(&report, &v);
            assert!(e.is_empty(), "{name}: {e:#?}");
            json += 1;
        }
    }
    assert!(
        json >= 10 && jsonl >= 2,
        "{json} JSON, {jsonl} JSONL golden files"
    );
}

#[test]
fn every_pair_in_json_lines_validates() {
    let line = line_validator();
    for r in RULE_SETS {
        for d in DATA {
            // Records for every pair; the explanation text too for the towns each rule
            // set was written for (and the edge cases).
            let explains: &[&str] = if d == "edge_cases" || r.starts_with("shanxi") {
                &["records", "text"]
            } else {
                &["records"]
            };
            for explain in explains {
                let rules = format!("rules/{r}.rules");
                let data = format!("examples/{d}.csv");
                let out = townrules(&[
                    "eval",
                    &rules,
                    &data,
                    "--format",
                    "jsonl",
                    "--explain",
                    explain,
                ]);
                let lines: Vec<&str> = out.lines().collect();
                assert!(lines.len() >= 2, "{r} × {d}: {out}");
                for (i, l) in lines.iter().enumerate() {
                    let v: Value = serde_json::from_str(l).expect("a JSON line");
                    let e = errors(&line, &v);
                    assert!(
                        e.is_empty(),
                        "{r} × {d} --explain {explain}, line {}: {e:#?}",
                        i + 1
                    );
                }
            }
        }
    }
}

#[test]
fn the_scored_indicator_system_in_json_lines_validates() {
    let line = line_validator();
    for explain in ["records", "text"] {
        let out = townrules(&[
            "eval",
            "rules/xinzhou-evaluation.rules",
            "examples/xinzhou_towns.csv",
            "--scores",
            "examples/xinzhou_scores.csv",
            "--format",
            "jsonl",
            "--explain",
            explain,
        ]);
        let head: Value = serde_json::from_str(out.lines().next().expect("a line")).expect("JSON");
        assert!(head["provenance"]["scores"]["sha256"].is_string(), "{head}");
        for (i, l) in out.lines().enumerate() {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            let e = errors(&line, &v);
            assert!(e.is_empty(), "line {}: {e:#?}", i + 1);
            if i > 0 {
                assert!(v["score"].is_object(), "line {}: no score", i + 1);
            }
        }
    }
}

#[test]
fn the_provenance_is_in_the_ruleset_record() {
    let out = townrules(&[
        "eval",
        "rules/shanxi.rules",
        "examples/xinzhou_towns.csv",
        "--format",
        "jsonl",
        "--set",
        "min_output.manufacturing=15亿元",
    ]);
    let head: Value = serde_json::from_str(out.lines().next().expect("a line")).expect("JSON");
    let p = &head["provenance"];
    assert!(
        p["tool"].as_str().expect("tool").starts_with("townrules "),
        "{p}"
    );
    assert_eq!(p["rules"]["path"], "rules/shanxi.rules");
    let bytes = std::fs::read(root().join("examples/xinzhou_towns.csv")).expect("data");
    assert_eq!(p["data"]["path"], "examples/xinzhou_towns.csv");
    assert_eq!(
        p["data"]["sha256"],
        townrules::report::sha256_hex(&bytes),
        "{p}"
    );
    assert_eq!(p["date"], "2022-09-26");
    let overrides = p["overrides"].to_string();
    assert!(overrides.contains("min_output.manufacturing"), "{p}");
    errors(&line_validator(), &head)
        .is_empty()
        .then_some(())
        .expect("the ruleset record validates");
}

#[test]
fn a_check_carries_value_threshold_units_source_and_margin() {
    let out = townrules(&[
        "eval",
        "rules/shanxi.rules",
        "examples/edge_cases.csv",
        "--format",
        "jsonl",
        "--town",
        "e02_output_19_99",
    ]);
    let town: Value = serde_json::from_str(out.lines().nth(1).expect("a town")).expect("JSON");
    let agg = town["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .find(|c| c["id"] == "agglomeration")
        .expect("agglomeration");
    let check = agg["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .flat_map(|q| q["checks"].as_array().expect("checks"))
        .find(|k| k["fact"] == "output_value" && k["path"] == "normal")
        .expect("the output check");
    let want = serde_json::json!({
        "kind": "compare",
        "fact": "output_value",
        "value": "1999000000",
        "unit": "元",
        "op": ">=",
        "threshold": "2000000000",
        "threshold_unit": "元",
        "source": {
            "kind": "parameter",
            "param": "min_output.manufacturing",
            "level": "province",
            "document": "晋政办发〔2022〕80号",
            "clause": "二（四）",
        },
        "margin": "-1000000",
        "margin_unit": "元",
        "holds": "no",
        "path": "normal",
    });
    assert_eq!(check, &want);
    // No text of the rule set in the town record: no quotation, no clause text.
    assert!(
        !out.lines().nth(1).expect("town").contains("原则上"),
        "{out}"
    );
}

#[test]
fn the_schema_rejects_what_it_does_not_describe() {
    let report = report_validator();
    let out = townrules(&[
        "eval",
        "rules/shanxi.rules",
        "examples/edge_cases.csv",
        "--format",
        "json",
    ]);
    let good: Value = serde_json::from_str(&out).expect("JSON");
    assert!(errors(&report, &good).is_empty());
    type Breaker = fn(&mut Value);
    let breaks: [(&str, Breaker); 6] = [
        ("a number for a decimal", |v| {
            v["towns"][1]["criteria"][3]["requirements"][1]["checks"][0]["margin"] =
                serde_json::json!(1.5)
        }),
        ("an unknown status", |v| {
            v["towns"][0]["criteria"][0]["status"] = "passed".into()
        }),
        ("a field the schema does not name", |v| {
            v["towns"][0]["criteria"][0]["clause_text"] = "二（一）……".into()
        }),
        ("a check without its threshold", |v| {
            let c = &mut v["towns"][1]["criteria"][3]["requirements"][1]["checks"][0];
            c.as_object_mut().expect("check").remove("threshold");
        }),
        ("a town without an outcome", |v| {
            v["towns"][0]
                .as_object_mut()
                .expect("town")
                .remove("outcome");
        }),
        ("a ruleset without provenance", |v| {
            v["ruleset"]
                .as_object_mut()
                .expect("ruleset")
                .remove("provenance");
        }),
    ];
    for (what, f) in breaks {
        let mut bad = good.clone();
        f(&mut bad);
        assert_ne!(bad, good, "{what}: nothing changed");
        assert!(
            !errors(&report, &bad).is_empty(),
            "the schema accepts {what}"
        );
    }
}
