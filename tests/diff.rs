//! `townrules diff`: golden CLI tests on the shipped rule files, a reformatted and
//! reordered copy that must diff as identical, unseen town data, and files at git
//! revisions.

mod common;

use common::git;

use common::diffing::{
    bin, change, diff, edited, fields, has, json, stdout, temp_dir, xinzhou_without_quotes,
};
use std::process::Command;

#[test]
fn shanxi_against_xinzhou_text() {
    let o = diff(&["rules/shanxi.rules", "rules/xinzhou.rules"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let line = |needle: &[&str]| {
        out.lines()
            .find(|l| needle.iter().all(|n| l.contains(n)))
            .unwrap_or_else(|| panic!("no line with {needle:?} in\n{out}"))
            .to_string()
    };
    line(&["min_output.manufacturing", "20亿元", "→", "10亿元", "放宽"]);
    line(&["relaxed_min_output", "1亿元", "→", "5000万元", "放宽"]);
    line(&["min_supporting_enterprises", "10户", "→", "5户", "放宽"]);
    line(&["文号", "晋政办发〔2022〕80号", "→", "忻政办发〔2022〕82号"]);
    line(&["日期", "2022-09-26", "→", "2022-12-22"]);
    // Criteria present only in the province's rules.
    let only_old = out
        .split("仅旧标准有")
        .nth(1)
        .and_then(|s| s.split("两边都有、").next())
        .expect("a section of criteria only in OLD");
    for id in ["market_demand", "distinct_product", "public_services"] {
        assert!(only_old.contains(id), "{id} missing in\n{only_old}");
    }
    assert!(!out.contains("仅新标准有（新增此条"), "{out}");
    for group in ["文件信息", "认定标准", "参数", "覆盖类别", "目标"] {
        assert!(
            out.contains(&format!("、{group}")),
            "no group {group} in\n{out}"
        );
    }
}

#[test]
fn shanxi_against_xinzhou_json() {
    let (v, code) = json(&["rules/shanxi.rules", "rules/xinzhou.rules"]);
    assert_eq!(code, 1);
    let p = change(&v, "param_changed", "min_output.manufacturing").expect("manufacturing");
    assert_eq!(p["old"], "20亿元");
    assert_eq!(p["new"], "10亿元");
    assert_eq!(p["old_value"], "2000000000");
    assert_eq!(p["new_value"], "1000000000");
    assert_eq!(p["direction"], "looser");
    let r = change(&v, "param_changed", "relaxed_min_output").expect("relaxed");
    assert_eq!(
        (r["old"].as_str(), r["new"].as_str()),
        (Some("1亿元"), Some("5000万元"))
    );
    assert_eq!(r["direction"], "looser");
    let s = change(&v, "param_changed", "min_supporting_enterprises").expect("supporting");
    assert_eq!(
        (s["old"].as_str(), s["new"].as_str()),
        (Some("10户"), Some("5户"))
    );
    assert_eq!(s["direction"], "looser");
    // Unchanged parameters are not listed.
    assert!(change(&v, "param_changed", "min_leading_enterprises").is_none());
    for id in ["market_demand", "distinct_product", "public_services"] {
        let c = change(&v, "criterion_removed", id).expect(id);
        assert_eq!(c["direction"], "looser");
    }
    let env = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| {
            c["kind"] == "criterion_changed"
                && c["id"] == "environment"
                && c["field"] == "condition"
        })
        .expect("environment condition");
    assert_eq!(env["direction"], "stricter");
    let doc = change(&v, "header", "document").expect("document");
    assert_eq!(doc["old"], "晋政办发〔2022〕80号");
    assert!(v["impact"].as_array().expect("impact").is_empty());
    for c in v["changes"].as_array().expect("changes") {
        for key in ["kind", "id", "old", "new", "direction"] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
    }
}

#[test]
fn same_file_is_identical() {
    let o = diff(&["rules/xinzhou.rules", "rules/xinzhou.rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("含义相同"));
}

/// Xinzhou's rules with every declaration reordered, comments dropped, layout changed,
/// amounts written in other units, `>=` as `≥`, `and` as `且` and operands swapped.
const XINZHOU_REFORMATTED: &str = r#"
target output_total_2025 "到2025年，专业镇产业规模突破500亿元" { by 2025-12-31  clause "一（二）" }
target dingxiang_carving_inkstone_2025 "定襄雕刻和砚台：到2025年，产品市场影响力显著提升，产值达到10亿元以上" { clause "二（八）" by 2025-12-31 }
target ningwu_herbal_tea_2025 "宁武药茶：到2025年，精制茶生产能力达到400万斤，产值达到20亿元以上" { clause "二（七）" by 2025-12-31 }
target wutai_magnesium_2025 "五台镁基新材料：到2025年，镁基新材料加工能力突破20万吨，产值达到100亿元以上" { clause "二（六）" by 2025-12-31 }
target shenchi_food_2025 "神池特色食品：到2025年，产品市场影响力显著提升，产值达到10亿元以上" { clause "二（五）" by 2025-12-31 }
target yuanping_coal_machinery_2025 "原平煤机：到2025年，生产能力突破100万吨，产值达到100亿元以上，争取跻身省级专业镇" { clause "二（四）" by 2025-12-31 }
target fanshi_casting_2025 "繁峙铸造：到2025年，生产能力突破150万吨，产值达到120亿元以上，争取跻身省级专业镇" { clause "二（三）" by 2025-12-31 }
target daizhou_huangjiu_2025 "代州黄酒：到2025年，生产能力突破10万吨，产值达到10亿元以上" { clause "二（二）" by 2025-12-31 }
target dingxiang_flange_2025 "定襄法兰：到2025年，生产能力突破200万吨，产值达到200亿元以上" { clause "二（一）" by 2025-12-31 }
target municipal_towns_2025 "到2025年，市级专业镇数量达到10个左右" { towns 10 level city by 2025-12-31 clause "三" }

import "facts.rules"

ruleset xinzhou {
  section "三、创建认定市级专业镇"
  level city
  date 2022-12-22
  issuer "忻州市人民政府办公室"
  name "忻州市促进专业镇高质量发展实施方案"
  document "忻政办发〔2022〕82号"
  title "忻州市市级专业镇创建认定标准"
}

criterion environment "发展环境良好" {
  require public_services "专家认定：公共服务平台较为完善"
  require environment "专家认定：发展环境良好"
  clause "三（五）"
}

criterion leading_enterprise "龙头企业带动效应强" {
  require supporting_enterprises ≥ min_supporting_enterprises
  require leading_enterprises ≥ min_leading_enterprises
  priority "拥有国家级、省级、市级企业技术中心、工程中心以及“专精特新”、“小巨人”、单项冠军企业、龙头企业的，优先评定专业镇" when specialized_firms >= 1 or (municipal_tech_centers >= 1 or tech_centers >= 1)
  clause "三（四）"
}

param min_supporting_enterprises = 5户 { clause "三（四）" }
param min_leading_enterprises = 1家 { clause "三（四）" }
param relaxed_min_output = 0.5亿元 { clause "三（三）" }

table min_output by category : money {
  specialty_light_industry = 10000万元
  manufacturing = 100000万元
  specialty_agriculture = 2亿元
  clause "三（三）"
}

criterion agglomeration "产业集聚度高" {
  require output_value ≥ min_output[category]
    relax {
      when industry_influence 且 origin_or_gi
      then relaxed_min_output <= output_value }
  require single_county
  applies category in min_output
  clause "三（三）"
}

criterion employment "就业富民带动面广" { require employment_effect  clause "三（二）" }
criterion heritage "历史传承厚重" { clause "三（一）" require heritage }
"#;

#[test]
fn reformatted_and_reordered_rules_are_identical() {
    let dir = temp_dir("reformatted");
    std::fs::copy("rules/facts.rules", dir.join("facts.rules")).expect("copy facts");
    let file = dir.join("xinzhou.rules");
    std::fs::write(&file, XINZHOU_REFORMATTED).expect("write");
    let check = bin().arg("check").arg(&file).output().expect("check runs");
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let f = file.to_str().expect("utf-8 path");
    // The copy leaves out the quotations: against the file without them, identical.
    let (unquoted, quotes) = xinzhou_without_quotes(&dir);
    let o = diff(&[&unquoted, f]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = diff(&[f, &unquoted]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Against the file itself, each quotation left out is one wording change (the
    // table's, shown by its three entries, once), and nothing else.
    let (v, code) = json(&["rules/xinzhou.rules", f]);
    assert_eq!(code, 1);
    let changes = v["changes"].as_array().expect("changes");
    assert!(
        changes
            .iter()
            .all(|c| c["kind"] == "wording_changed" && c["new"].is_null() && c["old"].is_string()),
        "{changes:#?}"
    );
    assert_eq!(changes.len(), quotes, "{changes:#?}");
    assert_eq!(fields(&v["summary"], &["same_meaning"]), "true");
    // One real change in the copy is found, and only that one.
    let changed = XINZHOU_REFORMATTED.replace(
        "min_supporting_enterprises = 5户",
        "min_supporting_enterprises = 6户",
    );
    std::fs::write(&file, changed).expect("write");
    let (v, code) = json(&[&unquoted, f]);
    assert_eq!(code, 1);
    let changes = v["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["id"], "min_supporting_enterprises");
    assert_eq!(changes[0]["direction"], "stricter");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Towns the rule files were never written against.
const UNSEEN_TOWNS: &str = "\
编号,名称,产业类别,特色主导产业年产值,主导产业限定在一个县域内,历史发源地或地理标志,行业影响力,龙头企业数,上下游配套企业数,省级以上知名品牌数,主导或参与制定标准数,市场需求较大,历史传承厚重,就业富民带动面广,产品特色突出,公共服务完善,发展环境良好
t1,一号镇,制造业,15亿元,是,否,否,2,7,1,1,是,是,是,是,是,是
t2,二号镇,制造业,25亿元,是,否,否,2,12,1,1,是,是,是,是,是,是
t3,三号镇,特优农业,8000万元,是,是,是,1,6,0,0,是,是,是,否,是,是
t4,四号镇,特色轻工,1.2亿元,是,否,否,1,5,0,1,,是,是,是,是,是
t5,五号镇,文化旅游,30亿元,是,是,是,3,50,2,2,是,是,是,是,是,是
t6,六号镇,制造业,12亿元,否,否,否,1,20,1,1,是,是,是,是,是,是
t7,七号镇,特优农业,3亿元,是,否,否,1,10,1,1,是,是,是,是,否,是
";

#[test]
fn impact_on_unseen_towns_is_exactly_the_towns_that_differ() {
    let dir = temp_dir("impact");
    let towns = dir.join("towns.csv");
    std::fs::write(&towns, UNSEEN_TOWNS).expect("write");
    let t = towns.to_str().expect("utf-8 path");
    let (v, code) = json(&["rules/shanxi.rules", "rules/xinzhou.rules", "--towns", t]);
    assert_eq!(code, 1);
    // Independently: evaluate each rule set on its own and compare outcomes.
    let eval = |rules: &str| -> Vec<(String, String)> {
        let o = bin()
            .args(["eval", rules, t, "--format", "csv", "--ids"])
            .output()
            .expect("eval runs");
        let mut r = csv::Reader::from_reader(o.stdout.as_slice());
        r.records()
            .map(|x| {
                let x = x.expect("record");
                (x[0].to_string(), x[2].to_string())
            })
            .collect()
    };
    let (a, b) = (eval("rules/shanxi.rules"), eval("rules/xinzhou.rules"));
    assert_eq!(a.len(), 7);
    let expected: Vec<(String, String, String)> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, y)| (x.0.clone(), x.1.clone(), y.1.clone()))
        .collect();
    let got: Vec<(String, String, String)> = v["impact"]
        .as_array()
        .expect("impact")
        .iter()
        .map(|t| {
            (
                t["town"].as_str().unwrap_or("").to_string(),
                t["old"].as_str().unwrap_or("").to_string(),
                t["new"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(!got.is_empty());
    let because = |town: &str| -> Vec<(String, serde_json::Value, serde_json::Value)> {
        v["impact"]
            .as_array()
            .expect("impact")
            .iter()
            .find(|t| t["town"] == town)
            .map(|t| {
                t["because"]
                    .as_array()
                    .expect("because")
                    .iter()
                    .map(|c| {
                        (
                            c["criterion"].as_str().unwrap_or("").to_string(),
                            c["old"].clone(),
                            c["new"].clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    // 一号镇: 15亿 manufacturing fails the province's 20亿 and 7 supporting firms its 10.
    let t1 = because("t1");
    assert!(
        t1.iter()
            .any(|c| c.0 == "agglomeration" && c.1 == "not_met" && c.2 == "met"),
        "{t1:?}"
    );
    assert!(
        t1.iter()
            .any(|c| c.0 == "leading_enterprise" && c.1 == "not_met" && c.2 == "met"),
        "{t1:?}"
    );
    // 二号镇 is recognised under both: not listed.
    assert!(because("t2").is_empty());
    // 三号镇: 8000万 agriculture with origin and influence: province's relaxed floor 1亿
    // fails, Xinzhou's 5000万 holds; 产品特色突出 (province only) is not met.
    let t3 = because("t3");
    assert!(t3.iter().any(|c| c.0 == "agglomeration"), "{t3:?}");
    assert!(
        t3.iter()
            .any(|c| c.0 == "distinct_product" && c.1 == "not_met" && c.2.is_null()),
        "{t3:?}"
    );
    // Transition counts add up.
    let total: u64 = v["transitions"]
        .as_array()
        .expect("transitions")
        .iter()
        .map(|t| t["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(total as usize, expected.len());
    // The text form names the towns and the criteria.
    let o = diff(&["rules/shanxi.rules", "rules/xinzhou.rules", "--towns", t]);
    let out = stdout(&o);
    assert!(
        out.contains("一号镇") && out.contains("产业集聚度高"),
        "{out}"
    );
    assert!(!out.contains("二号镇"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn identical_rules_move_no_town() {
    let o = diff(&[
        "rules/puxian.rules",
        "rules/puxian.rules",
        "--towns",
        "examples/puxian_towns.csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("认定结论都没有变化"), "{}", stdout(&o));
}

#[test]
fn different_jurisdictions_compare_thresholds_and_coverage() {
    let (v, _) = json(&["rules/shanxi.rules", "rules/puxian.rules"]);
    // Same meaning, different parameters: 10户 against 10户 − 2户.
    let t = change(&v, "threshold_changed", "supporting_enterprises").expect("threshold");
    assert_eq!(
        (t["old"].as_str(), t["new"].as_str()),
        (Some("10户"), Some("8户"))
    );
    assert_eq!(t["direction"], "looser");
    let c = change(&v, "category_covered", "culture_tourism").expect("culture");
    assert_eq!(c["direction"], "looser");
    let d = change(&v, "category_dropped", "specialty_light_industry").expect("light");
    assert_eq!(d["direction"], "stricter");
    for id in ["concentration", "scale", "market_share"] {
        assert!(change(&v, "criterion_added", id).is_some(), "{id}");
    }
    // A tolerance subtracted from a nominal value: raising it loosens.
    let (v, _) = json(&["rules/puxian.rules", "rules/puxian-draft-relaxed.rules"]);
    let m = change(&v, "param_changed", "min_output.manufacturing").expect("override");
    assert_eq!(
        (m["old"].as_str(), m["new"].as_str()),
        (Some("10亿元"), Some("8亿元"))
    );
    assert_eq!(m["direction"], "looser");
}

#[test]
fn files_at_git_revisions() {
    let dir = temp_dir("git");
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).expect("mkdir");
    git(&dir, &["init", "-q"]);
    std::fs::copy("rules/facts.rules", rules.join("facts.rules")).expect("copy");
    std::fs::copy("rules/xinzhou.rules", rules.join("xinzhou.rules")).expect("copy");
    // The source text its header names comes from the same revision.
    std::fs::create_dir_all(rules.join("sources")).expect("mkdir");
    std::fs::copy(
        "rules/sources/xinzhou-2022-82.txt",
        rules.join("sources/xinzhou-2022-82.txt"),
    )
    .expect("copy");
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    // Second commit: a stricter threshold, and the shared vocabulary changes too.
    let text = std::fs::read_to_string("rules/xinzhou.rules").expect("read");
    let text = text.replace(
        "min_supporting_enterprises = 5户",
        "min_supporting_enterprises = 8户",
    );
    std::fs::write(rules.join("xinzhou.rules"), text).expect("write");
    let facts = std::fs::read_to_string("rules/facts.rules").expect("read");
    std::fs::write(
        rules.join("facts.rules"),
        format!("{facts}\nfact exports \"出口额\" : money 亿元\n"),
    )
    .expect("write");
    git(&dir, &["commit", "-q", "-am", "second"]);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_townrules"))
            .current_dir(&dir)
            .env_remove("TOWNRULES_LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .arg("diff")
            .args(args)
            .output()
            .expect("runs")
    };
    for (old, new) in [
        ("rules/xinzhou.rules@HEAD~1", "rules/xinzhou.rules"),
        ("HEAD~1:rules/xinzhou.rules", "HEAD:rules/xinzhou.rules"),
    ] {
        let o = run(&[old, new, "--format", "json"]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let c = change(&v, "param_changed", "min_supporting_enterprises").expect("param");
        assert_eq!(
            (c["old"].as_str(), c["new"].as_str()),
            (Some("5户"), Some("8户"))
        );
        assert_eq!(c["direction"], "stricter");
        // The import was read at the same revision: the old side lacks the new fact.
        assert!(change(&v, "fact_added", "exports").is_some(), "{v}");
        assert!(v["old"]["revision"]["commit"]
            .as_str()
            .is_some_and(|c| c.len() == 40));
    }
    // The same revision on both sides: identical.
    let o = run(&["rules/xinzhou.rules@HEAD", "rules/xinzhou.rules"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Unknown revision: a clear error, exit 2.
    let o = run(&["rules/xinzhou.rules@no-such-rev", "rules/xinzhou.rules"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("中没有 git 版本 `no-such-rev`"), "{err}");
    // A file that did not exist at the revision.
    let o = run(&["HEAD~1:rules/nothing.rules", "rules/xinzhou.rules"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("版本 `HEAD~1` 中没有"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn errors_exit_2() {
    let o = diff(&["rules/no-such.rules", "rules/xinzhou.rules"]);
    assert_eq!(o.status.code(), Some(2));
    let o = diff(&[
        "rules/shanxi.rules",
        "rules/xinzhou.rules",
        "--towns",
        "examples/no-such.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn indicator_weights_grade_bands_and_grades() {
    let dir = temp_dir("evaluation");
    std::fs::copy("rules/facts.rules", dir.join("facts.rules")).expect("copy facts");
    std::fs::create_dir_all(dir.join("sources")).expect("mkdir");
    std::fs::copy(
        "rules/sources/xinzhou-guide-part1.txt",
        dir.join("sources/xinzhou-guide-part1.txt"),
    )
    .expect("copy the source text");
    let text = std::fs::read_to_string("rules/xinzhou-evaluation.rules").expect("read");
    let changed = text
        .replace(
            "indicator A1.1 \"特色产业企业数量占国内同行业企业比重\" weight 5",
            "indicator A1.1 \"特色产业企业数量占国内同行业企业比重\" weight 6",
        )
        .replace("良好   [75, 90)", "良好   [80, 90)")
        .replace("合格   [60, 75)", "合格   [60, 80)");
    assert_ne!(changed, text);
    let file = dir.join("xinzhou-evaluation.rules");
    std::fs::write(&file, changed).expect("write");
    let f = file.to_str().expect("utf-8 path");
    let args = [
        "rules/xinzhou-evaluation.rules",
        f,
        "--towns",
        "examples/xinzhou_towns.csv",
        "--scores",
        "examples/xinzhou_scores.csv",
    ];
    let (v, code) = json(&args);
    assert_eq!(code, 1);
    let w = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["kind"] == "indicator_changed" && c["id"] == "A1.1")
        .expect("A1.1");
    assert_eq!(
        (w["field"].as_str(), w["old"].as_str(), w["new"].as_str()),
        (Some("weight"), Some("5"), Some("6"))
    );
    let g = change(&v, "grade_changed", "良好").expect("良好");
    assert_eq!(
        (g["old"].as_str(), g["new"].as_str()),
        (Some("[75, 90)"), Some("[80, 90)"))
    );
    assert_eq!(g["direction"], "stricter");
    // Towns listed = towns whose grade differs when each rule set is evaluated on its own.
    let grades = |rules: &str| -> Vec<(String, String)> {
        let o = bin()
            .args([
                "eval",
                rules,
                "examples/xinzhou_towns.csv",
                "--scores",
                "examples/xinzhou_scores.csv",
                "--format",
                "csv",
                "--ids",
            ])
            .output()
            .expect("eval runs");
        let mut r = csv::Reader::from_reader(o.stdout.as_slice());
        let grade = r
            .headers()
            .expect("header")
            .iter()
            .position(|h| h == "grade")
            .expect("a grade column");
        r.records()
            .map(|x| {
                let x = x.expect("record");
                (x[0].to_string(), x[grade].to_string())
            })
            .collect()
    };
    let (a, b) = (grades("rules/xinzhou-evaluation.rules"), grades(f));
    assert_eq!(a.len(), 8);
    let expected: Vec<(String, String, String)> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, y)| (x.0.clone(), x.1.clone(), y.1.clone()))
        .collect();
    assert!(!expected.is_empty());
    let got: Vec<(String, String, String)> = v["impact"]
        .as_array()
        .expect("impact")
        .iter()
        .map(|t| {
            (
                t["town"].as_str().unwrap_or("").to_string(),
                t["grade"]["old"].as_str().unwrap_or("").to_string(),
                t["grade"]["new"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    // Without a change of meaning: identical, with the same sheets.
    let same = diff(&[
        "rules/xinzhou-evaluation.rules",
        "rules/xinzhou-evaluation.rules",
        "--towns",
        "examples/xinzhou_towns.csv",
        "--scores",
        "examples/xinzhou_scores.csv",
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    // Score sheets need an indicator system on at least one side.
    let o = diff(&[
        "rules/shanxi.rules",
        "rules/xinzhou.rules",
        "--towns",
        "examples/xinzhou_towns.csv",
        "--scores",
        "examples/xinzhou_scores.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn statistics_and_formulas_compare_by_meaning() {
    let dir = temp_dir("formulas");
    std::fs::copy("rules/facts.rules", dir.join("facts.rules")).expect("copy facts");
    let text = std::fs::read_to_string("rules/demo-evaluation-formulas.rules").expect("read");
    let same = text
        .replace(
            "require top(output_value within candidates) <= 30%",
            "require 30% >= top(output_value)",
        )
        .replace(
            "score full when tech_centers >= 1",
            "score full when 1 <= tech_centers",
        )
        .replace(
            "min(weight, jobs / 5000人 * weight)",
            "min(jobs / 5000人 * weight, weight)",
        );
    assert_ne!(same, text);
    let file = dir.join("demo.rules");
    std::fs::write(&file, &same).expect("write");
    let f = file.to_str().expect("utf-8 path");
    let o = diff(&["rules/demo-evaluation-formulas.rules", f]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    std::fs::write(&file, same.replace("30% >= top", "25% >= top")).expect("write");
    let (v, code) = json(&["rules/demo-evaluation-formulas.rules", f]);
    assert_eq!(code, 1);
    let c = &v["changes"][0];
    assert_eq!(
        (c["kind"].as_str(), c["field"].as_str()),
        (Some("criterion_changed"), Some("condition"))
    );
    assert_eq!(c["direction"], "stricter");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_literal_changed_is_counted_once_with_chinese_labels() {
    let new = edited("literal", "shanxi.rules", "led >= 1", "led >= 2");
    let o = diff(&["rules/shanxi.rules", &new]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let sum = "结论：有差异（认定标准 1 处）；影响认定宽严的：收紧 1 处、放宽 0 处";
    // Conditions in the text name facts and parameters by their labels.
    let cond = "条件  产品特色突出 且 省级以上知名品牌数 ≥ 1 且 主导或参与制定标准数 ≥ 1 →";
    let note = "改为：主导或参与制定标准数 ≥ 1 → 主导或参与制定标准数 ≥ 2";
    let th = "门槛对照（同一事实的下限，两边写法不同）";
    has(&out, &[sum, cond, note, th]);
    assert!(!out.contains("product_distinct") && !out.contains("standards_led >="));
    let out = stdout(&diff(&["rules/shanxi.rules", "rules/xinzhou.rules"]));
    let table = "特色主导产业年产值 ≥ 特色主导产业年产值下限（按产业类别）";
    has(&out, &[table]);
    let (v, _) = json(&["rules/shanxi.rules", &new]);
    assert_eq!(fields(&v["summary"], &["changes", "stricter"]), "1 1");
    let t = change(&v, "threshold_changed", "standards_led").expect("threshold view");
    assert_eq!(t["counted"], false);
    let c = change(&v, "criterion_changed", "distinct_product").expect("criterion");
    let ids = "改为：standards_led >= 1 → standards_led >= 2";
    assert_eq!(c["notes"][0], ids);
}

#[test]
fn header_fields_an_extending_file_inherits_are_no_difference() {
    let args = ["rules/puxian.rules", "rules/puxian-draft-relaxed.rules"];
    let out = stdout(&diff(&args));
    has(&out, &["结论：有差异（文件信息 3 处，参数 1 处）"]);
    for field in ["文号", "发文机关", "日期", "章节"] {
        let shown = out.lines().any(|l| l.trim_start().starts_with(field));
        assert!(!shown, "{field} in\n{out}");
    }
    let (v, code) = json(&args);
    assert_eq!(code, 1);
    for f in ["document", "name", "issuer", "date", "section"] {
        assert!(change(&v, "header", f).is_none(), "{f}");
    }
    // Against another document, the values inherited are compared, and say so.
    let out = stdout(&diff(&["rules/xinzhou.rules", args[1]]));
    has(
        &out,
        &["忻政办发〔2022〕82号                →  蒲政办发〔2023〕1号（继承自 puxian）"],
    );
    let ext = change(&v, "header", "extends").expect("extends");
    let counted = (&ext["counted"], &v["summary"]["changes"]);
    assert_eq!(counted, (&false.into(), &4.into()));
}

#[test]
fn criterion_changes_per_town_even_when_no_outcome_changes() {
    let (a, b) = ("rules/puxian.rules", "rules/puxian-draft-relaxed.rules");
    let args = [a, b, "--towns", "examples/puxian_towns.csv"];
    let out = stdout(&diff(&args));
    has(&out, &["另有 1 个镇认定结论不变、认定标准的判断有变化。"]);
    let head = "认定结论不变、但认定标准的判断有变化：1 个镇\n";
    let mut lines = out.split(head).nth(1).unwrap_or_default().lines();
    let (town, crit) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    has(town, &["蒲县矿山装备配套", "结论不变（不予认定）"]);
    has(crit, &["规模相对较大", "不符合  →  符合"]);
    let (v, code) = json(&args);
    assert_eq!(code, 1);
    assert!(v["impact"].as_array().expect("impact").is_empty());
    let t = &v["criterion_changes"][0];
    let (town, because) = (fields(t, &["town", "old", "new"]), &t["because"][0]);
    let town_json = r#""puxian_mining_equipment" "not_recognized" "not_recognized""#;
    assert_eq!(town, town_json);
    let c = fields(because, &["criterion", "old", "new"]);
    assert_eq!(c, r#""scale" "not_met" "met""#);
}
