//! Facts per year and dated parameters, end to end through the binary: `eval --date`
//! before and after a dated change, the rule set's own date as the default (printed),
//! yearly columns by id and by label, a missing year named, the missing `--year` error
//! at the read, the REPL's `set … from DATE`, and `diff` of dated values.

mod common;

use std::path::Path;

use common::{repl, run_in, stdout_of, Run};

/// Messages in English: every test of this binary starts with it (the language is
/// process-wide, so a test binary never mixes languages).
fn en() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
}

const RULES: &str = "rules/example-municipal-2025.rules";
const TOWNS: &str = "examples/municipal_towns.csv";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn eval(extra: &[&str]) -> String {
    let mut args = vec!["eval", RULES, TOWNS];
    args.extend_from_slice(extra);
    stdout_of(&args)
}

/// The line of the text report explaining the output threshold for the one town shown.
fn scale_line(text: &str) -> &str {
    text.lines()
        .find(|l| l.contains("特色主导产业年度产值（2024年）") && l.contains("起施行"))
        .unwrap_or_else(|| panic!("no threshold line in\n{text}"))
}

#[test]
fn the_date_chooses_the_threshold_in_force_and_each_is_explained() {
    en();
    let before = eval(&["--town", "town_f", "--date", "2024-12-31"]);
    let after = eval(&["--town", "town_f", "--date", "2025-01-01"]);
    assert!(
        before.contains("适用日期：2024-12-31（指定日期）"),
        "{before}"
    );
    assert!(
        after.contains("适用日期：2025-01-01（指定日期）"),
        "{after}"
    );
    let b = scale_line(&before);
    let a = scale_line(&after);
    assert!(
        b.contains("16.5亿元 < 20亿元（2022-09-26起施行，市级 示例市政办发〔2025〕1号 二（一）；2025-01-01起改为 15亿元）"),
        "{b}"
    );
    assert!(
        a.contains("16.5亿元 >= 15亿元（2025-01-01起施行，市级 示例市政办发〔2025〕1号 二（一），替代了 2022-09-26起施行的 20亿元）"),
        "{a}"
    );
    assert!(before.contains("town_f  己镇  ✗ 不予认定"), "{before}");
    assert!(after.contains("town_f  己镇  ✓ 认定"), "{after}");
}

#[test]
fn the_default_date_is_the_rule_sets_own_and_is_printed() {
    en();
    let text = eval(&["--town", "town_f"]);
    assert!(
        text.contains("适用日期：2025-03-01（规则集日期）"),
        "{text}"
    );
    assert!(text.contains("评价年度：2024年"), "{text}");
    assert!(scale_line(&text).contains(">= 15亿元（2025-01-01起施行"));
    let json: serde_json::Value = serde_json::from_str(&eval(&["--format", "json"])).unwrap();
    assert_eq!(json["ruleset"]["as_of"], "2025-03-01");
    assert_eq!(json["ruleset"]["as_of_given"], false);
    assert_eq!(json["ruleset"]["year"], "2024");
    let given: serde_json::Value =
        serde_json::from_str(&eval(&["--format", "json", "--date", "2024-06-30"])).unwrap();
    assert_eq!(given["ruleset"]["as_of"], "2024-06-30");
    assert_eq!(given["ruleset"]["as_of_given"], true);
}

#[test]
fn a_date_before_every_value_leaves_the_threshold_without_value() {
    en();
    let text = eval(&["--town", "town_a", "--date", "2020-01-01"]);
    assert!(
        text.contains("门槛在 2020-01-01 尚未施行（20亿元 自2022-09-26起施行），无法判定"),
        "{text}"
    );
    assert!(text.contains("town_a  甲镇  ? 待定"), "{text}");
    assert!(text.contains("门槛在适用日期尚未施行"), "{text}");
}

#[test]
fn a_date_that_is_not_one_is_refused() {
    en();
    let r = run_in(root(), &["eval", RULES, TOWNS, "--date", "2025-02-30"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("`--date 2025-02-30` 不是有效日期"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_missing_year_is_named_in_the_explanation() {
    en();
    let text = eval(&["--town", "town_d"]);
    assert!(
        text.contains("缺少数据：特色主导产业年度产值（2023年）；补充后即可判定"),
        "{text}"
    );
    assert!(
        text.contains("未填报特色主导产业年度产值（2023年）"),
        "{text}"
    );
    assert!(text.contains("town_d  丁镇  ? 待定"), "{text}");
}

/// A folder with facts.rules, the example rule set (optionally edited) and a data file.
fn folder(rules: &str, data: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("rules/facts.rules"),
        dir.path().join("facts.rules"),
    )
    .unwrap();
    std::fs::write(dir.path().join("r.rules"), rules).unwrap();
    std::fs::write(dir.path().join("t.csv"), data).unwrap();
    dir
}

fn example_rules() -> String {
    std::fs::read_to_string(root().join(RULES)).unwrap()
}

fn outcomes(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "eval", "r.rules", "t.csv", "--format", "csv", "--ids", "--lang", "en",
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args, "")
}

#[test]
fn yearly_columns_are_read_by_id_and_by_label() {
    en();
    let rows = "a,甲镇,16亿元,18亿元,3200,10000\nb,乙镇,21亿元,21.5亿元,5000,10000\n";
    let headers = [
        "id,name,yearly_output@2023,yearly_output@2024,jobs,labour",
        "id,name,特色主导产业年度产值（2023年）,特色主导产业年度产值（2024年）,jobs,labour",
        "id,name,年度产值(2023年),年度产值（2024年）,jobs,labour",
        "编号,名称,年度产值（2023年）,yearly_output@2024,带动就业人数,全镇劳动力",
    ];
    let mut seen = Vec::new();
    for h in headers {
        let dir = folder(&example_rules(), &format!("{h}\n{rows}"));
        let r = outcomes(dir.path(), &[]);
        assert_eq!(r.code, 0, "{h}: {}", r.stderr);
        assert!(!r.stderr.contains("unknown column"), "{h}: {}", r.stderr);
        seen.push(r.stdout);
    }
    assert!(
        seen[0].contains("a,甲镇,recognized,met,met,met"),
        "{}",
        seen[0]
    );
    assert!(
        seen[0].contains("b,乙镇,not_recognized,met,not_met,met"),
        "{}",
        seen[0]
    );
    assert!(seen.iter().all(|s| *s == seen[0]), "{seen:#?}");
}

#[test]
fn a_column_of_a_year_not_read_is_left_unread() {
    en();
    let data = "id,name,yearly_output@2021,yearly_output@2023,yearly_output@2024,jobs,labour\na,甲镇,1亿元,16亿元,18亿元,3200,10000\n";
    let dir = folder(&example_rules(), data);
    let r = outcomes(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("a,甲镇,recognized"), "{}", r.stdout);
    // A column that names no yearly fact is still refused.
    let dir = folder(
        &example_rules(),
        "id,name,yearly_outptu@2024\na,甲镇,1亿元\n",
    );
    let r = outcomes(dir.path(), &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("unknown column `yearly_outptu@2024`"),
        "{}",
        r.stderr
    );
}

#[test]
fn without_a_year_a_yearly_read_is_an_error_at_the_read() {
    en();
    let rules = example_rules().replace("  year     2024\n", "");
    assert!(!rules.contains("year     2024"));
    let data = "id,name,yearly_output@2023,yearly_output@2024,yearly_output@2025,jobs,labour\na,甲镇,16亿元,18亿元,,3200,10000\n";
    let dir = folder(&rules, data);
    let r = outcomes(dir.path(), &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("`yearly_output[year]` reads a yearly fact, but no evaluation year is given"),
        "{}",
        r.stderr
    );
    let line = rules
        .lines()
        .position(|l| l.contains("require yearly_output[year] >= min_output"))
        .unwrap()
        + 1;
    assert!(
        r.stderr.contains(&format!("r.rules:{line}:11")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--year 2024"), "{}", r.stderr);
    // `check` accepts it: the year is the command's to give.
    assert_eq!(run_in(dir.path(), &["check", "r.rules"], "").code, 0);
    let with = outcomes(dir.path(), &["--year", "2024"]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    assert!(with.stdout.contains("a,甲镇,recognized"), "{}", with.stdout);
    // Another year reads other columns: 2025 has no value, named with its year.
    let later = run_in(
        dir.path(),
        &["eval", "r.rules", "t.csv", "--year", "2025", "--town", "a"],
        "",
    );
    assert_eq!(later.code, 0, "{}", later.stderr);
    assert!(
        later.stdout.contains("评价年度：2025年"),
        "{}",
        later.stdout
    );
    assert!(
        later
            .stdout
            .contains("特色主导产业年度产值（2025年）未填报"),
        "{}",
        later.stdout
    );
}

#[test]
fn the_repl_sets_a_value_from_a_date() {
    en();
    let r = repl(
        &[RULES, TOWNS],
        "set min_output = 12亿元 from 2025-02-01\nset min_output = 10亿元 from 2026-01-01\nset min_output = 1亿元 from 2025-1-1\n",
    );
    assert!(
        r.stdout.contains("min_output：15亿元 → 12亿元"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("town_c  丙镇  不予认定 → 认定"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("min_output = 10亿元 自 2026-01-01 起施行；适用日期 2025-03-01 时尚未施行"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("`2025-1-1` 不是有效日期"), "{}", r.stderr);
}

#[test]
fn diff_reports_a_value_added_from_a_date() {
    en();
    let base = example_rules();
    let added = base.replace(
        "  note   \"2025年修订：产值门槛下调\"\n}",
        "  note   \"2025年修订：产值门槛下调\"\n} then 12亿元 from 2026-01-01 {\n  clause \"二（一）\"\n}",
    );
    assert_ne!(base, added);
    let dir = folder(&base, "id\n");
    std::fs::write(dir.path().join("new.rules"), &added).unwrap();
    let r = run_in(dir.path(), &["diff", "r.rules", "new.rules"], "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("2026-01-01起：新增 12亿元"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("20亿元（2022-09-26起）；15亿元（2025-01-01起）  →  20亿元（2022-09-26起）；15亿元（2025-01-01起）；12亿元（2026-01-01起）"),
        "{}",
        r.stdout
    );
    let json = run_in(
        dir.path(),
        &["diff", "r.rules", "new.rules", "--format", "json"],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let changes = v["changes"].as_array().unwrap();
    let dated = changes
        .iter()
        .find(|c| c["field"] == "dated")
        .unwrap_or_else(|| panic!("{}", json.stdout));
    assert_eq!(dated["id"], "min_output");
    assert_eq!(dated["notes"][0], "2026-01-01起：新增 12亿元");
    // The same file is no change.
    let same = run_in(dir.path(), &["diff", "r.rules", "r.rules"], "");
    assert_eq!(same.code, 0, "{}", same.stdout);
}

#[test]
fn a_later_values_quotation_is_checked_against_the_source() {
    en();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("rules/facts.rules"),
        dir.path().join("facts.rules"),
    )
    .unwrap();
    std::fs::write(dir.path().join("src.txt"), "专业镇产值20亿元以上。\n").unwrap();
    let rules = |later: &str| {
        format!(
            "ruleset q {{ title \"q\" date 2024-06-30 source \"src.txt\" level city }}\n\
             import \"facts.rules\"\n\
             param x = 20亿元 {{ quote \"产值20亿元以上\" }} then 15亿元 from 2025-01-01 {{ quote \"{later}\" }}\n\
             criterion a \"a\" {{ require output_value >= x }}\n"
        )
    };
    std::fs::write(dir.path().join("bad.rules"), rules("产值15亿元以上")).unwrap();
    let r = run_in(dir.path(), &["check", "bad.rules", "--lang", "en"], "");
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("quotation not found in the source text")
            || r.stderr.contains("quotation not found in the source text"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(
        (r.stdout.clone() + &r.stderr).contains("bad.rules:3:"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    std::fs::write(dir.path().join("good.rules"), rules("专业镇产值20亿元以上")).unwrap();
    let ok = run_in(dir.path(), &["check", "good.rules"], "");
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
}

#[test]
fn all_years_holds_in_each_of_the_years_and_names_each() {
    en();
    let rules = example_rules().replace(
        "criterion employment",
        "criterion three_years \"连续三年\" {\n  clause \"二（四）\"\n  require all_years(yearly_output[year] >= 10亿元, 3)\n}\n\ncriterion employment",
    );
    let data = "id,name,yearly_output@2022,yearly_output@2023,yearly_output@2024,jobs,labour\n\
                a,甲镇,10,16,18,3200,10000\nb,乙镇,9,16,18,3200,10000\nc,丙镇,,16,18,3200,10000\nd,丁镇,,9,18,3200,10000\n";
    let dir = folder(&rules, data);
    let csv = outcomes(dir.path(), &[]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    for line in [
        "a,甲镇,recognized,met,met,met,met",
        "b,乙镇,not_recognized,met,met,not_met,met",
        "c,丙镇,undetermined,met,met,undetermined,met",
        "d,丁镇,not_recognized,met,met,not_met,met",
    ] {
        assert!(csv.stdout.contains(line), "{line}\n{}", csv.stdout);
    }
    let b = run_in(dir.path(), &["eval", "r.rules", "t.csv", "--town", "b"], "");
    for line in [
        "特色主导产业年度产值（2024年） 18亿元 >= 10亿元，超出 8亿元",
        "特色主导产业年度产值（2023年） 16亿元 >= 10亿元，超出 6亿元",
        "特色主导产业年度产值（2022年） 9亿元 < 10亿元，还差 1亿元",
    ] {
        assert!(b.stdout.contains(line), "{line}\n{}", b.stdout);
    }
    let c = run_in(dir.path(), &["eval", "r.rules", "t.csv", "--town", "c"], "");
    assert!(
        c.stdout
            .contains("特色主导产业年度产值（2022年）未填报（门槛：不低于10亿元），无法判定"),
        "{}",
        c.stdout
    );
}

#[test]
fn repl_and_diff_take_the_date_too() {
    en();
    let r = repl(&[RULES, TOWNS, "--date", "2024-12-31"], "params\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("适用日期：2024-12-31（指定日期）"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("评价年度：2024年"), "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("min_output") && l.contains("20亿元")),
        "{}",
        r.stdout
    );
    let default = repl(&[RULES, TOWNS], "params\n");
    assert!(
        default
            .stdout
            .contains("适用日期：2025-03-01（规则集日期）"),
        "{}",
        default.stdout
    );
    assert!(
        default
            .stdout
            .lines()
            .any(|l| l.starts_with("min_output") && l.contains("15亿元")),
        "{}",
        default.stdout
    );
    // Both sides of a diff read at one date: a value that differs only from 2025 on is
    // the same then, and the dated change is still reported.
    let base = example_rules();
    let lower = base.replace(
        "} then 15亿元 from 2025-01-01 {",
        "} then 12亿元 from 2025-01-01 {",
    );
    assert_ne!(base, lower);
    let dir = folder(&base, "id\n");
    std::fs::write(dir.path().join("new.rules"), &lower).unwrap();
    let at = run_in(
        dir.path(),
        &["diff", "r.rules", "new.rules", "--date", "2024-12-31"],
        "",
    );
    assert!(
        at.stdout.contains("2025-01-01起：15亿元 → 12亿元"),
        "{}",
        at.stdout
    );
    assert!(!at.stdout.contains("12亿元  放宽"), "{}", at.stdout);
    let now = run_in(dir.path(), &["diff", "r.rules", "new.rules"], "");
    assert!(
        now.stdout.contains("15亿元  →  12亿元  放宽"),
        "{}",
        now.stdout
    );
}

#[test]
fn overrides_and_table_entries_take_dates() {
    en();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("rules/facts.rules"),
        dir.path().join("facts.rules"),
    )
    .unwrap();
    let base = "ruleset base { title \"基\" date 2024-06-30 source none level city }\n\
                import \"facts.rules\"\n\
                param x = 20亿元 then 15亿元 from 2025-01-01\n\
                param o = 10亿元\n\
                table t by category : money { manufacturing = 20亿元 from 2022-09-26 then 15亿元 from 2025-01-01 }\n\
                criterion a \"a\" { require output_value >= x }\n\
                criterion b \"b\" { require output_value >= o }\n\
                criterion c \"c\" { require output_value >= t[category] }\n";
    let amend = "ruleset amend { title \"改\" date 2025-06-30 source none level county }\n\
                 extends \"base.rules\"\n\
                 override o = 8亿元 from 2025-01-01 { clause \"三\" }\n\
                 override x = 30亿元\n";
    std::fs::write(dir.path().join("base.rules"), base).unwrap();
    std::fs::write(dir.path().join("amend.rules"), amend).unwrap();
    std::fs::write(
        dir.path().join("t.csv"),
        "id,category,output_value\nm,manufacturing,16\nn,manufacturing,9\n",
    )
    .unwrap();
    let csv = |rules: &str, date: Option<&str>| {
        let mut args = vec!["eval", rules, "t.csv", "--format", "csv", "--ids"];
        if let Some(d) = date {
            args.extend(["--date", d]);
        }
        let r = run_in(dir.path(), &args, "");
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    // The base at its own date: x 20, o 10, t 20 (the 2025 values not yet in force).
    assert!(csv("base.rules", None).contains("m,m,not_recognized,not_met,met,not_met"));
    // From 2025: x 15, t 15.
    assert!(csv("base.rules", Some("2025-01-01")).contains("m,m,recognized,met,met,met"));
    // The amendment: `override x = 30亿元` replaces every value of x; `override o = 8亿元
    // from 2025-01-01` adds one from that date (n has 9亿元: met from 2025 only).
    let now = csv("amend.rules", None);
    assert!(now.contains("m,m,not_recognized,not_met,met,met"), "{now}");
    assert!(
        now.contains("n,n,not_recognized,not_met,met,not_met"),
        "{now}"
    );
    let before = csv("amend.rules", Some("2024-12-31"));
    assert!(
        before.contains("m,m,not_recognized,not_met,met,not_met"),
        "{before}"
    );
    assert!(
        before.contains("n,n,not_recognized,not_met,not_met,not_met"),
        "{before}"
    );
    let text = run_in(
        dir.path(),
        &["eval", "amend.rules", "t.csv", "--town", "n"],
        "",
    )
    .stdout;
    assert!(
        text.contains(
            "9亿元 >= 8亿元（2025-01-01起施行，县级 amend 三，替代了 市级 base 的 10亿元）"
        ),
        "{text}"
    );
    assert!(
        text.contains("< 30亿元（县级 amend，替代了 市级 base 2025-01-01起施行的 15亿元）"),
        "{text}"
    );
}

#[test]
fn a_what_if_names_the_files_value_in_force_at_the_date() {
    en();
    let before = eval(&["--date", "2024-06-30", "--set", "min_output=18亿元"]);
    assert!(
        before.contains("  · 特色主导产业年度产值（2024年）门槛：文件为 20亿元，假设为 18亿元"),
        "{before}"
    );
    let after = eval(&["--set", "min_output=18亿元"]);
    assert!(
        after.contains("  · 特色主导产业年度产值（2024年）门槛：文件为 15亿元，假设为 18亿元"),
        "{after}"
    );
}
