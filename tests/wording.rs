//! The staff text says everything in Chinese words a reply can quote: labels, never
//! internal ids; percentage differences in 个百分点; money shortfalls in a unit that reads
//! naturally and never rounds a nonzero gap to zero; missing facts that do not matter said
//! neutrally; an unset threshold said once; not-applicable explained with its clause; the
//! 沿用 line naming the document; and, per town, what would change the verdict.

mod common;

fn eval(rules: &str, data: &str, extra: &[&str]) -> String {
    let mut args = vec!["eval", rules, data];
    args.extend_from_slice(extra);
    common::stdout_of(&args)
}

fn shanxi_edge() -> String {
    eval("rules/shanxi.rules", "examples/edge_cases.csv", &["--all"])
}

#[test]
fn no_criterion_ids_or_parameter_names_in_the_text() {
    for (rules, data) in [
        ("rules/shanxi.rules", "examples/edge_cases.csv"),
        ("rules/xinjiang.rules", "examples/xinjiang_towns.csv"),
        (
            "rules/xinjiang-provincial.rules",
            "examples/xinjiang_towns.csv",
        ),
        ("rules/puxian.rules", "examples/puxian_towns.csv"),
    ] {
        let text = eval(rules, data, &["--all"]);
        for id in [
            "[agglomeration]",
            "[leading_enterprise]",
            "[concentration]",
            "min_output",
            "min_leading_enterprises",
            "min_supporting_enterprises",
            "relaxed_min_output",
            "（origin_or_gi）",
            "（output_value）",
            "（category）",
        ] {
            assert!(!text.contains(id), "{rules}: `{id}` in the text:\n{text}");
        }
    }
    let text = shanxi_edge();
    assert!(text.contains("制造业类门槛，省级 晋政办发〔2022〕80号 二（四）"));
}

#[test]
fn money_shortfalls_read_naturally_and_exactly() {
    let text = shanxi_edge();
    assert!(text.contains("还差 100万元"), "19.99亿 against 20亿");
    assert!(text.contains("还差 10元"), "19.9999999亿 against 20亿");
    assert!(!text.contains("0.0000001亿元"));
    assert!(!text.contains("还差 0.01亿元"));
    assert!(
        text.contains("还差 9.5001亿元"),
        "0.1亿 and up stays in 亿元"
    );
}

#[test]
fn percentage_differences_are_in_percentage_points() {
    let text = eval(
        "rules/puxian.rules",
        "examples/puxian_towns.csv",
        &["--all"],
    );
    assert!(text.contains("个百分点"), "{text}");
    for line in text.lines() {
        assert!(
            !(line.contains("还差") && line.contains("%，")
                || line.contains("还差 ") && line.ends_with('%')),
            "a difference in %: {line}"
        );
    }
    assert!(!text.contains("（还差28%）") && !text.contains("还差 28%"));
}

#[test]
fn missing_facts_that_do_not_matter_are_said_neutrally() {
    let text = shanxi_edge();
    assert!(!text.contains("但不影响结论"), "{text}");
    assert!(text.contains("未填报特色主导产业年产值，不影响本条结论"));
    assert!(text.contains("未填报上下游配套企业数，不影响本条结论"));
}

#[test]
fn an_unset_threshold_is_said_once_per_test() {
    let text = eval("rules/xinjiang.rules", "examples/xinjiang_towns.csv", &[]);
    let town = text
        .split("────")
        .find(|s| s.contains("万安钻石（"))
        .expect("万安钻石 detail");
    let criterion = town
        .split("  ? 待定 ")
        .find(|s| s.starts_with("一 产业相对集中"))
        .expect("产业相对集中");
    assert_eq!(criterion.matches("门槛未设定").count(), 2, "{criterion}");
    assert!(!criterion.contains("无法判定（门槛未设定）"));
    assert!(criterion.contains("龙头企业数 2家，门槛未设定，无法判定"));
    assert!(criterion.contains("龙头企业数的门槛："));
}

#[test]
fn a_missing_category_is_not_called_an_unset_threshold() {
    let text = shanxi_edge();
    assert!(text.contains("门槛按产业类别而定，产业类别缺少数据，无法判定"));
}

#[test]
fn not_applicable_is_explained_with_its_clause() {
    let text = shanxi_edge();
    assert!(text.contains(
        "本条不适用（依据 晋政办发〔2022〕80号 二（四））：产业类别 = 文化旅游，不在本条门槛所列的类别（制造业、特优农业、特色轻工）之内；本条不适用的镇不能按本标准认定"
    ));
}

#[test]
fn the_extends_line_names_the_document() {
    let text = eval(
        "rules/xinjiang-provincial.rules",
        "examples/xinjiang_towns.csv",
        &[],
    );
    assert!(
        text.contains("沿用：晋政办发〔2022〕80号 的认定标准"),
        "{text}"
    );
    assert!(!text.contains("沿用：shanxi"));
}

#[test]
fn what_would_change_the_verdict_of_a_town_not_recognised() {
    let text = shanxi_edge();
    assert!(text.contains(
        "改变结论所需：其余七条均符合；特色主导产业年产值达到20亿元（还差100万元）即可认定"
    ));
    // Two criteria fail and one has a missing fact: no promise of the verdict.
    let shen = text
        .split("────")
        .find(|s| s.contains("申镇（"))
        .expect("申镇");
    assert!(shen.contains("改变结论所需：已有六条符合；"));
    assert!(!shen.contains("即可认定"));
    // Not applicable: no amount of figures makes it recognised.
    assert!(text.contains("二（四） 产业集聚度高不适用，补足数值也不能按本标准认定"));
    let puxian = eval("rules/puxian.rules", "examples/puxian_towns.csv", &[]);
    assert!(puxian.contains("全国市场占有率达到30%（还差28个百分点）"));
}

#[test]
fn what_would_change_the_verdict_of_an_undetermined_town() {
    let text = shanxi_edge();
    assert!(text.contains(
        "改变结论所需：其余七条均符合；二（三） 市场需求较大待定（未填报市场需求较大）：市场需求较大经专家认定为“是”即符合，否则不符合；补齐后，本条符合即认定，不符合即不予认定"
    ));
    // Recognised towns get no such line.
    let jia = text
        .split("────")
        .find(|s| s.contains("甲镇（"))
        .expect("甲镇");
    assert!(!jia.contains("改变结论所需"));
}

#[test]
fn a_fact_not_reported_is_said_in_words_and_the_expert_tag_once() {
    let text = shanxi_edge();
    assert!(text.contains(
        "上下游配套企业数未填报（门槛：不低于10户（省级 晋政办发〔2022〕80号 二（五））），无法判定"
    ));
    assert!(!text.contains("（缺失） >="));
    assert!(!text.contains("（专家认定）（专家认定）"));
}

#[test]
fn an_undetermined_town_for_want_of_thresholds_says_so() {
    let text = eval("rules/xinjiang.rules", "examples/xinjiang_towns.csv", &[]);
    assert!(text.contains(
        "改变结论所需：一 产业相对集中待定（门槛未设定）；一 规模相对较大待定（门槛未设定）；一 市场占有率较高待定（门槛未设定）；一 就业带动性强待定（门槛未设定）；数据和门槛补齐后，以上各条均符合即认定，任一条不符合即不予认定"
    ), "{text}");
}

#[test]
fn what_would_decide_an_undetermined_town_names_each_missing_value_and_its_threshold() {
    let line = |extra: &[&str]| {
        let mut args = vec!["--town", "puxian_dongyue_tourism"];
        args.extend_from_slice(extra);
        let text = eval("rules/puxian.rules", "examples/puxian_towns.csv", &args);
        text.lines()
            .find(|l| l.contains("改变结论所需"))
            .unwrap_or_else(|| panic!("{text}"))
            .to_string()
    };
    let l = line(&[]);
    assert!(
        l.contains("全国市场占有率达到30%且全省市场占有率达到50%即符合，否则不符合"),
        "{l}"
    );
    assert!(l.contains("本条符合即认定，不符合即不予认定"), "{l}");
    // The thresholds in the sentence are the values in force, a what-if one marked.
    let l = line(&["--set", "min_national_market_share=25%"]);
    assert!(
        l.contains("全国市场占有率达到25%（假设值）且全省市场占有率达到50%即符合"),
        "{l}"
    );
    // An attested fact: what the experts' record must say.
    let text = shanxi_edge();
    assert!(
        text.contains("市场需求较大待定（未填报市场需求较大）：市场需求较大经专家认定为“是”即符合"),
        "{text}"
    );
}

#[test]
fn no_label_template_is_printed_unfilled() {
    // `"…{min_output}…"` labels are written from the value in force: a `{name}` left in
    // any sentence would be a template shown as if it were text.
    for (rules, data) in [
        ("rules/shanxi.rules", "examples/edge_cases.csv"),
        ("rules/xinzhou.rules", "examples/edge_cases.csv"),
        ("rules/puxian.rules", "examples/edge_cases.csv"),
        ("rules/xinjiang.rules", "examples/xinjiang_towns.csv"),
        (
            "rules/example-municipal-2025.rules",
            "examples/municipal_towns.csv",
        ),
    ] {
        for format in ["text", "json"] {
            let out = eval(rules, data, &["--all", "--format", format]);
            let bad = out.match_indices('{').find(|(i, _)| {
                let rest = &out[i + 1..];
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                    .collect();
                !word.is_empty() && rest[word.len()..].starts_with('}')
            });
            assert!(
                bad.is_none(),
                "{rules} {format}: {}",
                &out[bad.map_or(0, |b| b.0)..]
            );
        }
    }
}

/// With two criteria, one met: "the other one is met", not "the remaining one are all met".
#[test]
fn one_other_criterion_is_said_as_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = "ruleset t {\n  title  \"测试\"\n  source none\n}\nfact id \"编号\" : text\nfact jobs \"带动就业人数\" : count 人\nfact firms \"企业数\" : count 家\ncriterion a \"就业\" {\n  require jobs >= 100人\n}\ncriterion b \"企业\" {\n  require firms >= 10家\n}\n";
    std::fs::write(dir.path().join("t.rules"), rules).expect("write");
    std::fs::write(dir.path().join("t.csv"), "id,jobs,firms\nt1,200,3\n").expect("write");
    let r = common::run_in(dir.path(), &["eval", "t.rules", "t.csv"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("改变结论所需：另一条符合；企业数达到10家（还差7家）即可认定"),
        "{}",
        r.stdout
    );
}

/// A requirement without a label is said in words: facts by their labels, parameters by
/// their values (a what-if marked), a table by what it is the threshold of, `and` as 且.
#[test]
fn an_unlabelled_requirement_is_said_in_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("rules/facts.rules"),
        dir.path().join("facts.rules"),
    )
    .expect("copy");
    let rules = "ruleset t {\n  title  \"测试\"\n  source none\n}\nimport \"facts.rules\"\nparam min_leading = 1家\ntable min_output by category : money {\n  manufacturing = 20亿元\n}\ncriterion c \"规模\" {\n  require output_value >= min_output[category] and leading_enterprises >= min_leading\n}\n";
    std::fs::write(dir.path().join("u.rules"), rules).expect("write");
    let csv = "id,name,category,output_value,leading_enterprises\nt1,甲,manufacturing,19,0\n";
    std::fs::write(dir.path().join("u.csv"), csv).expect("write");
    let args = ["eval", "u.rules", "u.csv", "--set", "min_leading=2家"];
    let r = common::run_in(dir.path(), &args, "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "✗ 特色主导产业年产值 >= 特色主导产业年产值门槛（按产业类别） 且 龙头企业数 >= 2家（假设值）"
        ),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("min_leading"), "{}", r.stdout);
}
