//! Cases the random-condition differential test (tests/differential.rs) found, kept as
//! one-line tests: every evaluator (fast path, tree walk, both explanation paths) must
//! give the status the language reference (docs/LANGUAGE.md) gives.

mod common;

use std::path::Path;

use townrules::data::{load_towns_str, DataFormat};
use townrules::eval::{Evaluator, Outcome, Status};

const HEAD: &str = r#"ruleset t { title "T" level county }
category industry "产业" { alpha "甲类" beta "乙类" }
fact id "编号" : text
fact sector "行业" : category industry
fact firms "企业数" : count
fact out "产值" : money
param k_a = alpha
table t_c by sector : count { alpha = 3 }
"#;

/// The status of the one criterion `c` (written after the shared head) for each town
/// of `csv`, the same from every evaluator.
fn statuses(criterion: &str, csv: &str) -> Vec<Status> {
    let text = format!("{HEAD}criterion c \"标准\" {{\n{criterion}\n}}\n");
    let (rs, towns) = common::compiled(&text, csv);
    let ev = Evaluator::new(&rs, &towns);
    (0..towns.len())
        .map(|row| {
            let s = ev.status(0, row);
            assert_eq!(s, ev.status_tree(0, row), "tree walk, row {row}");
            assert_eq!(s, ev.explain_criterion(0, row).status, "plans, row {row}");
            let tree = ev.explain_criterion_tree(0, row);
            assert_eq!(s, tree.status, "explained tree walk, row {row}");
            assert_eq!(ev.explain_criterion(0, row), tree, "records, row {row}");
            s
        })
        .collect()
}

macro_rules! case {
    ($name:ident, $criterion:expr, $csv:expr, [$($s:ident),*]) => {
        #[test]
        fn $name() {
            assert_eq!(statuses($criterion, $csv), vec![$(Status::$s),*]);
        }
    };
}

use Status::*;

// The third town has no sector: it is judged under every sector (alpha, beta), and
// keeps the status they agree on.
const SECTORS: &str = "id,sector,firms,out\nt1,alpha,5,1\nt2,beta,5,1\nt3,,5,1\n";

// A: parameters and facts in a list are compared like members.
case!(
    list_with_a_parameter,
    "require sector in [k_a]",
    SECTORS,
    [Met, NotMet, Undetermined]
);
case!(
    list_with_the_fact_itself,
    "require sector in [sector]",
    SECTORS,
    [Met, Met, Met]
);
case!(
    list_with_a_member_and_a_parameter,
    "require sector in [beta, k_a]",
    SECTORS,
    [Met, Met, Met]
);
case!(
    empty_list,
    "require sector in []",
    SECTORS,
    [NotMet, NotMet, NotMet]
);
case!(
    equality_control,
    "require sector = k_a",
    SECTORS,
    [Met, NotMet, Undetermined]
);
// C: a table without an entry for the town's category makes the criterion not
// applicable, in `applies` as in `require`.
case!(
    lookup_in_applies,
    "applies firms >= t_c[sector]\nrequire firms >= 1",
    SECTORS,
    [Met, NotApplicable, Undetermined]
);
case!(
    lookup_in_require,
    "require firms >= t_c[sector]",
    SECTORS,
    [Met, NotApplicable, Undetermined]
);
// D: a group sum that overflows leaves the share unknown; ranks are unaffected.
case!(
    rank_with_an_overflowing_sum,
    "require rank(out) <= 1",
    "id,sector,firms,out\nt1,alpha,1,400000000000000000000亿元\nt2,alpha,1,400000000000000000000亿元\n",
    [Met, Met]
);
case!(
    share_with_an_overflowing_sum,
    "require share(out) >= 1%",
    "id,sector,firms,out\nt1,alpha,1,400000000000000000000亿元\nt2,alpha,1,400000000000000000000亿元\n",
    [Undetermined, Undetermined]
);

/// B: members past the 64th of a large category set stay in lists.
#[test]
fn list_with_a_member_past_the_64th() {
    let members: Vec<String> = (0..70).map(|i| format!("g{i} \"第{i}级\"")).collect();
    let text = format!(
        "ruleset t {{ title \"T\" level county }}\ncategory grades \"等级\" {{ {} }}\n\
         fact id \"编号\" : text\nfact grade \"等级\" : category grades\n\
         criterion c \"标准\" {{\n  require grade in [g0, g63, g64]\n}}\n",
        members.join(" ")
    );
    let report = townrules::check::check_source(Path::new("rules/t.rules"), &text);
    let model = report.model.expect("checks");
    let rs = townrules::compile::compile(&model).expect("compiles");
    let csv = "id,grade\nt1,g64\nt2,g63\nt3,g65\n";
    let towns = load_towns_str("t.csv", csv, DataFormat::Csv, &model)
        .expect("loads")
        .towns;
    let ev = Evaluator::new(&rs, &towns);
    let got: Vec<Status> = (0..3).map(|r| ev.status(0, r)).collect();
    assert_eq!(got, vec![Met, Met, NotMet]);
    for (r, s) in got.iter().enumerate() {
        assert_eq!(ev.status_tree(0, r), *s);
        assert_eq!(ev.explain_criterion(0, r).status, *s);
    }
}

// Ratios are compared exactly on every path (docs/LANGUAGE.md, 单位、百分比与比例): a
// third is more than its 28-digit decimal 0.3333333333333333333333333333, and 2/3 less
// than its rounded-up decimal 0.6666666666666666666666666667, whatever evaluator runs.
case!(
    a_third_of_money_against_its_rounded_percentage,
    "require out / 3元 >= 33.33333333333333333333333333% and not (out / 3元 <= 33.33333333333333333333333333%)",
    "id,sector,firms,out\nt1,alpha,1,1元\nt2,alpha,1,0.9999999999999999999999999999元\n",
    [Met, NotMet]
);

case!(
    a_fact_against_a_rounded_quotient_threshold,
    "require out > 2元 / 3",
    "id,sector,firms,out\nt1,alpha,1,0.6666666666666666666666666667元\nt2,alpha,1,0.6666666666666666666666666666元\n",
    [Met, NotMet]
);

// A percentage scales money by its ratio, and a divisor of zero leaves the comparison
// undetermined (除数为零), never decided.
case!(
    percent_of_money_and_division_by_zero,
    "require out >= 2元 * 150% and out / (out - out) >= 0%",
    "id,sector,firms,out\nt1,alpha,1,3元\nt2,alpha,1,2.99元\n",
    [Undetermined, NotMet]
);

/// The outcome of each town of `csv` under criteria `c0` and `c1` (written after the
/// shared head, a zone set with a table by zone and a grade set of 60 members), the same
/// from every evaluator: outcome only, statuses, blocks, explanations.
fn outcomes(c0: &str, c1: &str, csv: &str) -> Vec<Outcome> {
    let grades: Vec<String> = (0..60).map(|i| format!("g{i} \"第{i}级\"")).collect();
    let text = format!(
        "{HEAD}category zones \"区域\" {{ east \"东区\" west \"西区\" }}\n\
         category grades \"等级\" {{ {} }}\nfact grade \"等级\" : category grades\n\
         fact share \"占有率\" : percent\nfact zone \"区域\" : category zones\n\
         table t_z by zone : money {{ east = 20亿元 }}\n\
         criterion c0 \"标准0\" {{\n{c0}\n}}\ncriterion c1 \"标准1\" {{\n{c1}\n}}\n",
        grades.join(" ")
    );
    let (rs, towns) = common::compiled(&text, csv);
    let ev = Evaluator::new(&rs, &towns);
    let n = towns.len();
    let (mut all, mut statuses) = (vec![Outcome::Recognized; n], vec![Met; 2 * n]);
    ev.outcomes_into(0, &mut all);
    let mut block = vec![Outcome::Recognized; n];
    ev.statuses_into(0, &mut statuses, &mut block);
    let mut s = [Met; 2];
    for row in 0..n {
        let o = ev.outcome(row);
        assert_eq!(o, ev.statuses(row, &mut s), "statuses, row {row}");
        assert_eq!(o, ev.explain(row).outcome, "explanation, row {row}");
        assert_eq!(o, all[row], "outcomes_into, row {row}");
        assert_eq!(o, block[row], "statuses_into, row {row}");
    }
    all
}

macro_rules! outcome {
    ($name:ident, $c0:expr, $c1:expr, $csv:expr, [$($o:ident),*]) => {
        #[test]
        fn $name() {
            assert_eq!(outcomes($c0, $c1, $csv), vec![$(Outcome::$o),*]);
        }
    };
}

// Beyond 32 combinations of missing category values (2 sectors × 60 grades), c0 rejects
// the town under every sector (not met for alpha, not applicable for beta: undetermined
// between the two), so the town is not recognised, as without c1 (docs/LANGUAGE.md).
outcome!(
    a_rejection_under_every_value_beyond_32_combinations,
    "require firms >= t_c[sector]\nrequire west in t_z",
    "require true relax { when out >= out then (grade = grade) and (share >= share) }",
    "id,sector\nt1,\n",
    [NotRecognized]
);
