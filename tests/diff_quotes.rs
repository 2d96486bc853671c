//! `townrules diff` reports quotation changes as wording changes (措辞变化): reworded,
//! added or removed, each once (a table's quotation once, not once per entry).

mod common;

use common::diffing::{
    change, diff, edited, fields, has, json, stdout, temp_dir, xinzhou_without_quotes,
};

#[test]
fn a_quote_added_or_removed_is_a_wording_change_counted_once() {
    // A criterion's quotation removed.
    let quote = "  quote  \"专业镇主导产业拥有历史传承的独特产品、工艺技艺和服务，品牌效应突出，社会广泛认同，具备明显山西标识和良好声誉\"\n";
    let new = edited("quote-removed", "shanxi.rules", quote, "");
    let o = diff(&["rules/shanxi.rules", &new]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    has(
        &out,
        &["heritage  历史传承厚重  原文引文（删去）", "新：（无）"],
    );
    has(&out, &["结论：两个规则集含义相同，措辞有 1 处变化"]);
    // … and added back: the other way round.
    let (v, _) = json(&[&new, "rules/shanxi.rules"]);
    let c = change(&v, "wording_changed", "heritage").expect("wording");
    assert_eq!(fields(c, &["field", "old"]), r#""quote" null"#);
    assert!(c["new"]
        .as_str()
        .is_some_and(|q| q.starts_with("专业镇主导产业")));
    assert_eq!(
        fields(&v["summary"], &["changes", "same_meaning"]),
        "1 true"
    );

    // A table's quotation removed: one change for the table, not one per entry.
    let text = std::fs::read_to_string("rules/shanxi.rules").expect("read");
    let table = text.find("table min_output").expect("table");
    let line = text[table..]
        .lines()
        .find(|l| l.trim_start().starts_with("quote "))
        .expect("the table's quotation");
    let new = edited("table-quote", "shanxi.rules", &format!("{line}\n"), "");
    let (v, code) = json(&["rules/shanxi.rules", &new]);
    assert_eq!(code, 1);
    let ws: Vec<_> = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["kind"] == "wording_changed")
        .collect();
    assert_eq!(ws.len(), 1, "{ws:#?}");
    assert_eq!(fields(ws[0], &["id", "new"]), r#""min_output" null"#);
    assert_eq!(
        fields(&v["summary"], &["changes", "same_meaning"]),
        "1 true"
    );

    // A relaxation's quotation removed.
    let relax = text.find("relax discretionary").expect("relax");
    let line = text[relax..]
        .lines()
        .find(|l| l.trim_start().starts_with("quote "))
        .expect("the relaxation's quotation");
    let new = edited("relax-quote", "shanxi.rules", &format!("{line}\n"), "");
    let (v, _) = json(&["rules/shanxi.rules", &new]);
    let c = change(&v, "wording_changed", "agglomeration").expect("wording");
    assert_eq!(fields(c, &["field", "new"]), r#""relax_quote" null"#);
    assert_eq!(
        fields(&v["summary"], &["changes", "same_meaning"]),
        "1 true"
    );

    // A target's quotation added (the compiled rule set keeps none: read from the file).
    let dir = temp_dir("target-quote");
    let (unquoted, _) = xinzhou_without_quotes(&dir);
    std::fs::copy("rules/facts.rules", dir.join("facts.rules")).expect("copy facts");
    let target = "target municipal_towns_2025 \"到2025年，市级专业镇数量达到10个左右\" {";
    let text = std::fs::read_to_string(&unquoted).expect("read");
    assert!(text.contains(target));
    let quoted = dir.join("target-quoted.rules");
    let with = format!("{target}\n  quote \"市级专业镇数量达到10个左右\"");
    std::fs::write(&quoted, text.replacen(target, &with, 1)).expect("write");
    let (v, code) = json(&[&unquoted, &quoted.display().to_string()]);
    assert_eq!(code, 1);
    let c = change(&v, "wording_changed", "municipal_towns_2025").expect("wording");
    assert_eq!(
        fields(c, &["old", "new"]),
        r#"null "市级专业镇数量达到10个左右""#
    );
    assert_eq!(
        fields(&v["summary"], &["changes", "same_meaning"]),
        "1 true"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_quote_only_edit_is_a_wording_change() {
    let new = edited("quote", "shanxi.rules", "标识和良好声誉\"", "标识\"");
    let o = diff(&["rules/shanxi.rules", &new]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let w = out.split("措辞变化（").nth(1).unwrap_or_default();
    let q = "新：专业镇主导产业拥有历史传承的独特产品、工艺技艺和服务，品牌效应突出，社会广泛认同，具备明显山西标识\n";
    has(w, &["heritage  历史传承厚重  原文引文", q]);
    has(&out, &["结论：两个规则集含义相同，措辞有 1 处变化"]);
    let (v, _) = json(&["rules/shanxi.rules", &new]);
    let c = change(&v, "wording_changed", "heritage").expect("wording");
    assert_eq!(fields(c, &["field", "direction"]), r#""quote" null"#);
    assert!(change(&v, "criterion_changed", "heritage").is_none());
    let sum = fields(&v["summary"], &["changes", "same_meaning"]);
    assert_eq!(sum, "1 true");
}

#[test]
fn a_priority_text_reworded_is_a_wording_change() {
    // The text of a priority clause is printed as the document's words: an edit of it
    // (here an elision the quotation check accepts) is reported, and counted once.
    let new = edited(
        "priority-text",
        "shanxi.rules",
        "单项冠军企业、龙头企业的专业镇优先评定",
        "单项冠军企业……的专业镇优先评定",
    );
    let (v, code) = json(&["rules/shanxi.rules", &new]);
    assert_eq!(code, 1);
    let c = change(&v, "wording_changed", "leading_enterprise").expect("wording");
    assert_eq!(fields(c, &["field"]), r#""priority_text""#);
    assert!(c["old"]
        .as_str()
        .is_some_and(|t| t.contains("、龙头企业的")));
    assert_eq!(
        fields(&v["summary"], &["changes", "same_meaning"]),
        "1 true"
    );
    let out = stdout(&diff(&["rules/shanxi.rules", &new]));
    has(&out, &["优先评定条款的原文"]);
}
