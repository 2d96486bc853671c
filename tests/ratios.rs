//! Percentages, ratios and units in evaluation (docs/LANGUAGE.md, 单位、百分比与比例): what
//! `townrules eval` prints for each construct, exact comparisons of ratios at the
//! threshold, and division by zero named as such.

mod common;

use std::path::Path;

use common::run_in;

/// The shared vocabulary (which has `labour`) with the facts these rules also read
/// (`rd_spending`, `output_prev`), as a county would add them.
fn vocabulary() -> String {
    let shared =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/facts.rules"))
            .expect("rules/facts.rules");
    assert!(
        shared.contains("fact labour "),
        "labour is in the shared vocabulary"
    );
    format!(
        "{shared}\n# ---- 县里补充的事实 ----\n\
         fact rd_spending \"研发投入\"   : money 万元\n\
         fact output_prev \"上年特色主导产业年产值\" : money 亿元\n"
    )
}

const HEAD: &str = "ruleset ratios {\n  title \"比例示例\"\n  document \"示例\"\n  level city\n  source none\n}\nimport \"facts.rules\"\n";

/// `townrules eval` of `criteria` over the towns of `csv` (all explanations), which must
/// check and run.
fn eval(criteria: &str, csv: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("facts.rules"), vocabulary()).unwrap();
    std::fs::write(dir.path().join("r.rules"), format!("{HEAD}{criteria}")).unwrap();
    std::fs::write(dir.path().join("t.csv"), csv).unwrap();
    let r = run_in(dir.path(), &["eval", "r.rules", "t.csv", "--all"], "");
    assert!(r.code == 0 || r.code == 1, "eval failed: {}", r.stderr);
    r.stdout
}

/// `townrules eval --format json` of `criteria` over the towns of `csv`.
fn eval_json(criteria: &str, csv: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("facts.rules"), vocabulary()).unwrap();
    std::fs::write(dir.path().join("r.rules"), format!("{HEAD}{criteria}")).unwrap();
    std::fs::write(dir.path().join("t.csv"), csv).unwrap();
    let r = run_in(
        dir.path(),
        &["eval", "r.rules", "t.csv", "--format", "json"],
        "",
    );
    assert!(r.code == 0 || r.code == 1, "eval failed: {}", r.stderr);
    r.stdout
}

/// The errors of `townrules check` for `criteria`, in English (`--lang en`).
fn check_errors(criteria: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("facts.rules"), vocabulary()).unwrap();
    std::fs::write(dir.path().join("r.rules"), format!("{HEAD}{criteria}")).unwrap();
    let r = run_in(dir.path(), &["check", "r.rules", "--lang", "en"], "");
    assert_ne!(r.code, 0, "expected errors: {}", r.stdout);
    r.stderr
}

fn has(out: &str, want: &str) {
    assert!(out.contains(want), "missing `{want}` in:\n{out}");
}

const CSV: &str = "id,name,jobs,labour,output_value,output_prev,rd_spending,national_market_share,provincial_market_share\n\
a,甲镇,3000,12000,22亿元,20亿元,6600万元,40%,30%\n\
z,乙镇,2000,0,21.99亿元,0,5000万元,30%,26%\n";

#[test]
fn an_employment_share_is_a_ratio_compared_with_a_percentage() {
    let out = eval(
        "criterion share \"从业人员占比\" {\n  require jobs / labour >= 20%\n}\n",
        CSV,
    );
    has(
        &out,
        "带动就业人数占全镇劳动力的比例 25%（3000人 ÷ 12000人） >= 20%，超出 5个百分点",
    );
    // JSON gives a ratio's margin in percentage points, as a percentage's.
    let json = eval_json(
        "criterion share \"从业人员占比\" {\n  require jobs / labour >= 20%\n}\n",
        CSV,
    );
    has(&json, "\"margin\": \"5\"");
}

#[test]
fn a_percentage_scales_money_and_counts() {
    let out = eval(
        "criterion growth \"产值增长\" {\n  require output_value >= output_prev * 110%\n}\n\
         criterion labour \"就业二成\" {\n  require jobs >= labour * 20%\n}\n\
         criterion both \"增长\" {\n  require output_value >= output_prev * (100% + 10%)\n}\n",
        CSV,
    );
    has(
        &out,
        "特色主导产业年产值 22亿元 >= 22亿元（上年特色主导产业年产值 20亿元 × 110%），恰好达到门槛",
    );
    has(
        &out,
        "带动就业人数 3000人 >= 2400人（全镇劳动力 12000人 × 20%），超出 600人",
    );
    has(
        &out,
        "特色主导产业年产值 22亿元 >= 22亿元（上年特色主导产业年产值 20亿元 × （100% + 10%）），恰好达到门槛",
    );
}

#[test]
fn a_count_scaled_by_a_percentage_keeps_its_decimals() {
    let csv = "id,name,jobs,labour\nb,丙镇,1,3\n";
    let out = eval(
        "criterion labour \"就业二成\" {\n  require jobs >= labour * 20%\n}\n",
        csv,
    );
    has(
        &out,
        "带动就业人数 1人 >= 0.6人（全镇劳动力 3人 × 20%），超出 0.4人",
    );
}

#[test]
fn growth_rates_rd_shares_and_amounts_per_person() {
    let out = eval(
        "criterion g \"产值增长率\" {\n  require (output_value - output_prev) / output_prev >= 10%\n}\n\
         criterion rd \"研发投入占比\" {\n  require rd_spending / output_value >= 3%\n}\n\
         criterion per \"人均产值\" {\n  require output_value / jobs >= 50万元\n}\n",
        CSV,
    );
    has(
        &out,
        "特色主导产业年产值相对上年特色主导产业年产值的增长率 10%（（22亿元 - 20亿元） ÷ 20亿元） >= 10%，恰好达到门槛",
    );
    has(
        &out,
        "研发投入占特色主导产业年产值的比例 3%（6600万元 ÷ 22亿元） >= 3%，恰好达到门槛",
    );
    has(
        &out,
        "特色主导产业年产值按带动就业人数平均 约73.333333万元/人（22亿元 ÷ 3000人） >= 50万元/人，超出 约23.333333万元/人",
    );
}

#[test]
fn a_difference_of_shares_is_in_points() {
    let out = eval(
        "criterion d \"占有率差\" {\n  require national_market_share - provincial_market_share >= 5个百分点\n}\n",
        CSV,
    );
    has(
        &out,
        "全国市场占有率与全省市场占有率之差 10个百分点（40% - 30%） >= 5个百分点，超出 5个百分点",
    );
    has(
        &out,
        "全国市场占有率与全省市场占有率之差 4个百分点（30% - 26%） < 5个百分点，还差 1个百分点",
    );
}

#[test]
fn division_by_zero_is_named_never_missing_data() {
    let out = eval(
        "criterion share \"从业人员占比\" {\n  require jobs / labour >= 20%\n}\n\
         criterion g \"产值增长率\" {\n  require (output_value - output_prev) / output_prev >= 10%\n}\n",
        CSV,
    );
    let town: String = out
        .split("乙镇（z）")
        .nth(1)
        .expect("the explanation of 乙镇")
        .to_string();
    has(
        &town,
        "带动就业人数占全镇劳动力的比例 无法计算（2000人 ÷ 0人） >= 20%，无法判定（除数为零）",
    );
    has(
        &town,
        "（（21.99亿元 - 0亿元） ÷ 0亿元） >= 10%，无法判定（除数为零）",
    );
    assert!(!town.contains("缺少数据"), "{town}");
    assert!(!town.contains("未填报"), "{town}");
}

#[test]
fn a_third_is_compared_exactly_not_as_a_rounded_quotient() {
    // 1 ÷ 3 as a 28-digit decimal is exactly 0.3333333333333333333333333333, but a third
    // is more than that: `<=` must not hold and `>=` must hold with no margin claimed.
    let csv = "id,name,jobs,labour\nb,丙镇,1,3\n";
    let out = eval(
        "criterion le \"不超过\" {\n  require jobs / labour <= 33.33333333333333333333333333%\n}\n\
         criterion ge \"不低于\" {\n  require jobs / labour >= 33.33333333333333333333333333%\n}\n\
         criterion gt \"高于\" {\n  require jobs / labour > 33.33333333333333333333333333%\n}\n",
        csv,
    );
    has(&out, "✗ 不符合  不超过");
    has(&out, "✓ 符合  不低于");
    has(&out, "✓ 符合  高于");
    has(&out, "约33.3333%（1人 ÷ 3人）");
    assert!(
        !out.contains("恰好达到门槛"),
        "a third is not exactly at the threshold:\n{out}"
    );
}

#[test]
fn a_tiny_margin_decides_and_is_shown_exactly() {
    let csv = "id,name,rd_spending,output_value\nb,丙镇,2000000001元,10000000000元\nc,丁镇,1999999999元,10000000000元\n";
    let out = eval(
        "criterion rd \"研发投入占比\" {\n  require rd_spending / output_value >= 20%\n}\n",
        csv,
    );
    has(
        &out,
        "20.00000001%（200000.0001万元 ÷ 100亿元） >= 20%，超出 0.00000001个百分点",
    );
    has(
        &out,
        "19.99999999%（199999.9999万元 ÷ 100亿元） < 20%，还差 0.00000001个百分点",
    );
}

#[test]
fn the_errors_say_what_to_write() {
    let e = check_errors("criterion c \"占比\" {\n  require jobs / labour >= 20\n}\n");
    has(&e, "cannot compare a ratio with a plain number");
    has(&e, "write `20%`");
    let e =
        check_errors("criterion c \"占有率\" {\n  require national_market_share + 5% >= 30%\n}\n");
    has(&e, "cannot add a percentage to a share");
    has(&e, "write `5个百分点` for points or `share * 105%`");
    let e = check_errors(
        "criterion c \"差\" {\n  require national_market_share - provincial_market_share >= 5%\n}\n",
    );
    has(&e, "write `5个百分点`");
    let e = check_errors("criterion c \"金额\" {\n  require output_value + jobs >= 30亿元\n}\n");
    has(&e, "cannot combine money with a count");
}

mod exact {
    //! Ratio comparisons against an exact model in integers: `a / b OP p%` holds exactly
    //! when `100 · a · 10^s OP m · b` (p = m / 10^s, b > 0), on every evaluator, with
    //! thresholds generated at and one unit either side of a town's own ratio rounded to
    //! up to 26 decimals of a percent (where a rounded 28-digit quotient would tie).

    use std::path::Path;

    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use townrules::data::{load_towns_str, DataFormat};
    use townrules::eval::{Evaluator, Status};

    const OPS: [&str; 4] = [">=", ">", "<=", "="];

    fn holds(op: &str, ord: std::cmp::Ordering) -> bool {
        match op {
            ">=" => ord.is_ge(),
            ">" => ord.is_gt(),
            "<=" => ord.is_le(),
            _ => ord.is_eq(),
        }
    }

    /// The threshold in points near `a / b`: its ratio rounded to `s` decimals of a
    /// percent, moved by `delta` units of the last decimal.
    fn near(a: i128, b: i128, s: u32, delta: i128) -> i128 {
        let scale = 10i128.pow(s);
        (a * 100 * scale + b / 2) / b.max(1) + delta
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn ratio_comparisons_are_exact_on_every_evaluator(
            towns in prop::collection::vec((0i128..10_000, 0i128..10_000), 1..12),
            pick in 0usize..12,
            s in prop_oneof![0u32..=20, 24u32..=26],
            delta in -1i128..=1,
        ) {
            let (ta, tb) = towns[pick % towns.len()];
            // At most 28 significant digits: fewer decimals for a larger ratio.
            let mut s = s;
            while s > 0 && near(ta, tb.max(1), s, delta).abs() >= 10i128.pow(28) {
                s -= 1;
            }
            let m = near(ta, tb.max(1), s, delta).max(0);
            let p = Decimal::from_i128_with_scale(m, s).normalize();
            let mut text = String::from(
                "ruleset t { title \"T\" level county source none }\n\
                 fact id \"编号\" : text\nfact out \"产值\" : money 元\nfact cost \"成本\" : money 元\n",
            );
            for (i, op) in OPS.iter().enumerate() {
                text.push_str(&format!("criterion c{i} \"标准\" {{\n  require out / cost {op} {p}%\n}}\n"));
            }
            let report = townrules::check::check_source(Path::new("rules/t.rules"), &text);
            let model = report.model.unwrap_or_else(|| panic!("{text}"));
            let rs = townrules::compile::compile(&model).expect("compiles");
            let mut csv = String::from("id,out,cost\n");
            for (i, (a, b)) in towns.iter().enumerate() {
                csv.push_str(&format!("t{i},{a}元,{b}元\n"));
            }
            let loaded = load_towns_str("t.csv", &csv, DataFormat::Csv, &model).expect("loads");
            let ev = Evaluator::new(&rs, &loaded.towns);
            for (row, &(a, b)) in towns.iter().enumerate() {
                for (c, op) in OPS.iter().enumerate() {
                    let want = if b == 0 {
                        Status::Undetermined
                    } else {
                        let ord = (a * 100 * 10i128.pow(s)).cmp(&(m * b));
                        if holds(op, ord) { Status::Met } else { Status::NotMet }
                    };
                    let got = ev.status(c, row);
                    prop_assert_eq!(got, want, "{} / {} {} {}% (fast)", a, b, op, p);
                    prop_assert_eq!(ev.status_tree(c, row), want, "tree walk");
                    prop_assert_eq!(ev.explain_criterion(c, row).status, want, "plans");
                    prop_assert_eq!(ev.explain_criterion_tree(c, row).status, want, "explained tree");
                }
            }
        }
    }
}

#[test]
fn a_growth_factor_parameter_may_exceed_100_percent() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("facts.rules"), vocabulary()).unwrap();
    let rules = format!(
        "{HEAD}param growth = 110%\ncriterion g \"产值增长\" {{\n  require output_value >= output_prev * growth\n}}\n"
    );
    std::fs::write(dir.path().join("r.rules"), rules).unwrap();
    std::fs::write(dir.path().join("t.csv"), CSV).unwrap();
    let r = run_in(
        dir.path(),
        &["eval", "r.rules", "t.csv", "--all", "--set", "growth=115%"],
        "",
    );
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    has(
        &r.stdout,
        "特色主导产业年产值 22亿元 < 23亿元（上年特色主导产业年产值 20亿元 × 115%〔假设值（命令行 --set），替代了 市级 示例 的 110%〕），还差 1亿元",
    );
}

#[test]
fn a_ratio_written_as_a_fraction_gets_the_percentage_it_means() {
    let e =
        check_errors("criterion c \"增长\" {\n  require output_value / output_prev >= 1.1\n}\n");
    has(&e, "write `110%`");
}
