//! Properties that must hold for every input, checked with proptest (issue 7):
//!
//! - parsing and checking never panic on arbitrary text, loading never panics on
//!   arbitrary bytes;
//! - raising a minimum threshold never turns a criterion that is not met into one that
//!   is met, nor a town that is not recognised into a recognised one;
//! - money written in 亿元, 万元, 元 or as a bare number gives identical verdicts and
//!   explanations;
//! - columns named by id, by Chinese label or by alias give identical verdicts;
//! - shuffling rows or columns changes nothing but the order of towns;
//! - evaluation is deterministic: the reports are byte-identical run to run, and so
//!   are the diagnostics of a rule file with a misspelt name.
//!
//! The random seed is fixed, so a run is reproducible; case counts are modest so that
//! the whole file runs in a few seconds in a debug build.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use rust_decimal::Decimal;
use townrules::check::{Checked, Const, Kind};
use townrules::compile::{Op, RuleSet};
use townrules::data::{load_towns, load_towns_str, DataFormat, Towns};
use townrules::eval::{Evaluator, Outcome, Status};
use townrules::report::{self, TextOptions};
use townrules::syntax::ast::CmpOp;

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(0x7057_4e52_554c_4553),
        failure_persistence: None,
        ..Config::default()
    }
}

// ---- the bundled rule sets, checked and compiled once ------------------------------

struct Loaded {
    model: Checked,
    rules: RuleSet,
}

fn rule_set(name: &str) -> &'static Loaded {
    static SETS: OnceLock<Vec<(String, Loaded)>> = OnceLock::new();
    let sets = SETS.get_or_init(|| {
        ["shanxi", "xinzhou", "puxian"]
            .iter()
            .map(|n| {
                let report = townrules::check::check_file(Path::new(&format!("rules/{n}.rules")));
                let model = report.model.expect("bundled rule set checks");
                let rules = townrules::compile::compile(&model).expect("compiles");
                (n.to_string(), Loaded { model, rules })
            })
            .collect()
    });
    &sets
        .iter()
        .find(|(n, _)| n == name)
        .expect("bundled rule set")
        .1
}

const RULE_SETS: [&str; 3] = ["shanxi", "xinzhou", "puxian"];

// ---- towns ---------------------------------------------------------------------------

/// A town's facts, any of which may be missing.
#[derive(Debug, Clone)]
struct Town {
    category: Option<usize>,
    /// Output in 分 (1/100 元), so that every unit can write it exactly.
    output_fen: Option<i64>,
    single_county: Option<bool>,
    origin_or_gi: Option<bool>,
    industry_influence: Option<bool>,
    leading: Option<u32>,
    supporting: Option<u32>,
    /// Market shares in tenths of a percentage point.
    national_share: Option<u32>,
    provincial_share: Option<u32>,
    jobs: Option<u32>,
    standards: Option<u32>,
    brands: Option<u32>,
    tech_centers: Option<u32>,
    municipal_tech_centers: Option<u32>,
    specialized: Option<u32>,
    attestations: [Option<bool>; 6],
}

const CATEGORIES: [(&str, &str); 4] = [
    ("manufacturing", "制造业"),
    ("specialty_agriculture", "特优农业"),
    ("specialty_light_industry", "特色轻工"),
    ("culture_tourism", "文化旅游"),
];

const ATTESTATIONS: [&str; 6] = [
    "heritage",
    "employment_effect",
    "market_demand",
    "product_distinct",
    "public_services",
    "environment",
];

fn maybe<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<T>> {
    prop::option::weighted(0.85, s)
}

/// Output values that straddle the thresholds of the three rule sets (5000万元, 1亿元,
/// 2亿元, 10亿元, 20亿元) as well as arbitrary exact amounts down to the 分.
fn output_fen() -> impl Strategy<Value = i64> {
    let yi: i64 = 100_000_000 * 100;
    prop_oneof![
        prop::sample::select(vec![yi / 2, yi, 2 * yi, 10 * yi, 20 * yi]),
        (
            prop::sample::select(vec![yi / 2, yi, 2 * yi, 10 * yi, 20 * yi]),
            -3i64..=3
        )
            .prop_map(|(t, d)| (t + d).max(0)),
        0i64..=30 * yi,
        (0i64..=3000).prop_map(move |n| n * yi / 100),
    ]
}

fn count(max: u32) -> impl Strategy<Value = u32> {
    prop_oneof![0..=max, Just(0u32), Just(1u32)]
}

fn share() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..=1000, Just(300u32), Just(500u32)]
}

fn town() -> impl Strategy<Value = Town> {
    let a = (
        maybe(0usize..4),
        maybe(output_fen()),
        maybe(any::<bool>()),
        maybe(any::<bool>()),
        maybe(any::<bool>()),
        maybe(count(3)),
        maybe(prop_oneof![count(25), Just(8u32), Just(10u32), Just(5u32)]),
        maybe(share()),
        maybe(share()),
    );
    let b = (
        maybe(prop_oneof![0u32..=4000, Just(2000u32), Just(1999u32)]),
        maybe(count(3)),
        maybe(count(3)),
        maybe(count(2)),
        maybe(count(2)),
        maybe(count(2)),
        prop::array::uniform6(prop::option::weighted(0.9, prop::bool::weighted(0.85))),
    );
    (a, b).prop_map(|(a, b)| Town {
        category: a.0,
        output_fen: a.1,
        single_county: a.2,
        origin_or_gi: a.3,
        industry_influence: a.4,
        leading: a.5,
        supporting: a.6,
        national_share: a.7,
        provincial_share: a.8,
        jobs: b.0,
        standards: b.1,
        brands: b.2,
        tech_centers: b.3,
        municipal_tech_centers: b.4,
        specialized: b.5,
        attestations: b.6,
    })
}

fn towns(max: usize) -> impl Strategy<Value = Vec<Town>> {
    prop::collection::vec(town(), 1..=max)
}

/// How a money cell is written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum MoneyStyle {
    Yi,
    YiShort,
    Wan,
    Yuan,
    Bare,
}

/// An exact decimal `fen / 100 / 10^shift` in plain notation.
fn fen_in(fen: i64, shift: u32) -> String {
    Decimal::from_i128_with_scale(i128::from(fen), 2 + shift)
        .normalize()
        .to_string()
}

fn money_cell(fen: i64, style: MoneyStyle) -> String {
    match style {
        MoneyStyle::Yi => format!("{}亿元", fen_in(fen, 8)),
        MoneyStyle::YiShort => format!("{}亿", fen_in(fen, 8)),
        MoneyStyle::Wan => format!("{}万元", fen_in(fen, 4)),
        MoneyStyle::Yuan => format!("{}元", fen_in(fen, 0)),
        MoneyStyle::Bare => fen_in(fen, 8),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

fn share_cell(tenths: u32) -> String {
    format!("{}%", Decimal::new(i64::from(tenths), 1).normalize())
}

/// The cells of town number `i` by fact id, in a fixed order; `None` = empty cell.
fn cells(i: usize, t: &Town, money: MoneyStyle) -> Vec<(&'static str, Option<String>)> {
    let n = |x: Option<u32>| x.map(|v| v.to_string());
    let b = |x: Option<bool>| x.map(|v| yes_no(v).to_string());
    let mut v = vec![
        ("id", Some(format!("t{i:03}"))),
        ("name", Some(format!("镇{i}"))),
        ("category", t.category.map(|c| CATEGORIES[c].0.to_string())),
        ("output_value", t.output_fen.map(|f| money_cell(f, money))),
        ("single_county", b(t.single_county)),
        ("origin_or_gi", b(t.origin_or_gi)),
        ("industry_influence", b(t.industry_influence)),
        ("leading_enterprises", n(t.leading)),
        ("supporting_enterprises", n(t.supporting)),
        ("national_market_share", t.national_share.map(share_cell)),
        (
            "provincial_market_share",
            t.provincial_share.map(share_cell),
        ),
        ("jobs", n(t.jobs)),
        ("standards_led", n(t.standards)),
        ("regional_brands", n(t.brands)),
        ("tech_centers", n(t.tech_centers)),
        ("municipal_tech_centers", n(t.municipal_tech_centers)),
        ("specialized_firms", n(t.specialized)),
    ];
    for (k, a) in ATTESTATIONS.iter().zip(t.attestations) {
        v.push((k, b(a)));
    }
    v
}

/// Write towns as CSV. `header` maps a fact id to the column name written; `order`
/// permutes the columns; `money` picks the spelling of money per town.
fn to_csv(
    towns: &[Town],
    money: &dyn Fn(usize) -> MoneyStyle,
    header: &dyn Fn(&str) -> String,
    order: &[usize],
) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let ids: Vec<&str> = cells(0, &towns[0], MoneyStyle::Yi)
        .iter()
        .map(|c| c.0)
        .collect();
    let names: Vec<String> = order.iter().map(|&j| header(ids[j])).collect();
    w.write_record(&names).expect("header");
    for (i, t) in towns.iter().enumerate() {
        let row = cells(i, t, money(i));
        let rec: Vec<String> = order
            .iter()
            .map(|&j| row[j].1.clone().unwrap_or_default())
            .collect();
        w.write_record(&rec).expect("row");
    }
    String::from_utf8(w.into_inner().expect("flush")).expect("utf-8")
}

fn column_count() -> usize {
    17 + ATTESTATIONS.len()
}

fn identity() -> Vec<usize> {
    (0..column_count()).collect()
}

fn by_id(id: &str) -> String {
    id.to_string()
}

fn load(csv: &str, model: &Checked) -> Towns {
    match load_towns_str("towns.csv", csv, DataFormat::Csv, model) {
        Ok(l) => l.towns,
        Err(e) => panic!("generated data does not load: {e:?}\n{csv}"),
    }
}

/// Every town's verdicts and explanations, as the JSON report gives them.
fn explained(rules: &RuleSet, towns: &Towns) -> serde_json::Value {
    let ev = Evaluator::new(rules, towns);
    let rows: Vec<usize> = (0..towns.len()).collect();
    report::json(&ev, &rows)
}

/// The JSON report's towns by id.
fn towns_by_id(v: &serde_json::Value) -> std::collections::BTreeMap<String, serde_json::Value> {
    v["towns"]
        .as_array()
        .expect("towns")
        .iter()
        .map(|t| (t["id"].as_str().expect("id").to_string(), t.clone()))
        .collect()
}

// ---- never panic ---------------------------------------------------------------------

/// Fragments of the rule language, so that random text gets past the first token often.
fn rule_soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "ruleset t { title \"t\" level county }\n",
        "import \"facts.rules\"\n",
        "extends \"shanxi.rules\"\n",
        "criterion c \"标签\" {",
        "override criterion agglomeration \"产业集聚度高\" {",
        "}",
        "{",
        "require ",
        "applies ",
        "relax { when ",
        " then ",
        "priority \"优先\" when ",
        "param p = ",
        "param q : money",
        "table t by category : money {",
        "override min_output.manufacturing = ",
        "drop criterion heritage",
        "target x \"目标\" { by 2025-12-31 towns 3 }",
        "clause \"二（四）\"",
        "output_value",
        "min_output[category]",
        "category in [manufacturing, culture_tourism]",
        "jobs",
        "heritage",
        " >= ",
        " < ",
        " = ",
        " and ",
        " or ",
        "not ",
        " + ",
        " - ",
        " * ",
        " / ",
        "(",
        ")",
        "[",
        "]",
        ",",
        "20亿元",
        "5000万",
        "30%",
        "10户",
        "0.5",
        "99999999999999999999999999999",
        "是",
        "否",
        "\"",
        "“",
        "约20亿",
        "# comment\n",
        "\n",
        " ",
    ]);
    prop::collection::vec(tokens, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(256))]

    /// Parsing, checking (with imports resolved against rules/) and rendering the
    /// diagnostics never panic, whatever the text.
    #[test]
    fn parse_and_check_never_panic(text in prop_oneof![any::<String>(), rule_soup()]) {
        let source = townrules::source::Source::new("rules/prop.rules", text.as_str());
        let _ = townrules::syntax::parse(&source);
        let report = townrules::check::check_source(Path::new("rules/prop.rules"), &text);
        let _ = townrules::diag::render_plain(&report.diagnostics, 100);
        if let Some(m) = &report.model {
            prop_assert!(!report.has_errors());
            let _ = townrules::compile::compile(m);
        }
    }

    /// Loading never panics on arbitrary text in any format, and a successful load
    /// is consistent.
    #[test]
    fn load_never_panics_on_text(
        text in prop_oneof![
            any::<String>(),
            prop::collection::vec(
                prop::sample::select(vec![
                    "id", "name", "编号", "output_value", "年产值", "jobs", "category",
                    ",", "\n", "\r\n", "\"", "t1", "20亿元", "约20亿", "-", "35%", "是",
                    "制造业", "[[town]]", "id = \"t1\"", "[", "]", "{", "}", ":", "null",
                    "\u{feff}", "１２", "1,200", "",
                ]),
                0..40,
            ).prop_map(|v| v.concat()),
        ],
        format in prop::sample::select(vec![DataFormat::Csv, DataFormat::Toml, DataFormat::Json]),
    ) {
        let model = &rule_set("shanxi").model;
        match load_towns_str("prop", &text, format, model) {
            Ok(l) => prop_assert_eq!(l.towns.ids.len(), l.towns.names.len()),
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Loading a file never panics on arbitrary bytes (BOMs, UTF-16, GB18030, broken
    /// UTF-8 included), whatever its extension.
    #[test]
    fn load_never_panics_on_bytes(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..400),
            (prop::sample::select(vec![
                b"\xEF\xBB\xBF".to_vec(), b"\xFF\xFE".to_vec(), b"\xFE\xFF".to_vec(),
                "id,name,产业类别\n".as_bytes().to_vec(),
                "编号,名称,特色主导产业年产值\nt1,".as_bytes().to_vec(),
            ]), prop::collection::vec(any::<u8>(), 0..200))
                .prop_map(|(a, b)| [a, b].concat()),
        ],
        ext in prop::sample::select(vec!["csv", "toml", "json", "CSV", "txt"]),
    ) {
        let model = &rule_set("shanxi").model;
        let dir = std::env::temp_dir().join(format!("townrules-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(format!("bytes.{ext}"));
        std::fs::write(&path, &bytes).expect("temp file");
        let loaded = load_towns(&path, model);
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_dir(&dir);
        match loaded {
            Ok(l) => prop_assert_eq!(l.towns.ids.len(), l.towns.rows.len()),
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }
}

// ---- raising a minimum ---------------------------------------------------------------

/// The parameters used only as a minimum: `fact >= param`, `fact > param`, or through a
/// table, `fact >= table[category]`. (A parameter also used anywhere else — e.g. in
/// `nominal - tolerance` — is left out: its direction is not known.)
fn minimum_params(rs: &RuleSet) -> Vec<usize> {
    let children = |op: &Op| -> Vec<u32> {
        match *op {
            Op::Lookup { key, .. } => vec![key],
            Op::InTable { item, .. } | Op::InList { item, .. } => vec![item],
            Op::Not(x) | Op::Neg(x) => vec![x],
            Op::Logic { lhs, rhs, .. } => vec![lhs, rhs],
            Op::Cmp { lhs, rhs, .. } | Op::Arith { lhs, rhs, .. } => vec![lhs, rhs],
            _ => Vec::new(),
        }
    };
    let mut good = vec![false; rs.params.len()];
    let mut bad = vec![false; rs.params.len()];
    let table_params = |t: u32| -> Vec<usize> {
        rs.tables[t as usize]
            .entries
            .iter()
            .flatten()
            .copied()
            .collect()
    };
    for op in &rs.ops {
        let minimum = match *op {
            Op::Cmp {
                op: CmpOp::Ge | CmpOp::Gt,
                lhs,
                rhs,
            } if matches!(rs.ops[lhs as usize], Op::Fact(_)) => Some(rhs),
            _ => None,
        };
        for child in children(op) {
            let params = match rs.ops[child as usize] {
                Op::Param(p) => vec![p as usize],
                Op::Lookup { table, .. } => table_params(table),
                _ => continue,
            };
            for p in params {
                if minimum == Some(child) {
                    good[p] = true;
                } else {
                    bad[p] = true;
                }
            }
        }
    }
    (0..rs.params.len())
        .filter(|&p| good[p] && !bad[p])
        .collect()
}

/// A value for parameter `p`: `per_mille` thousandths of twice its current value,
/// written as a user would type it.
fn value_text(rs: &RuleSet, p: usize, per_mille: u32) -> String {
    let info = &rs.params[p];
    let base = match info.current().and_then(|v| v.value) {
        Some(Const::Num(d)) => d,
        other => panic!("{} has no numeric value: {other:?}", info.name),
    };
    let v = base * Decimal::from(2 * per_mille) / Decimal::from(1000);
    match info.kind {
        Kind::Money => format!("{}元", v.trunc().normalize()),
        Kind::Count => format!("{}", v.trunc()),
        Kind::Percent => format!("{}%", v.min(Decimal::ONE_HUNDRED).round_dp(1).normalize()),
        k => panic!("{} is not a numeric minimum: {k:?}", info.name),
    }
}

fn status_rank(s: Status) -> u8 {
    match s {
        Status::NotMet => 0,
        Status::Undetermined => 1,
        Status::Met => 2,
        Status::NotApplicable => 3,
    }
}

fn outcome_rank(o: Outcome) -> u8 {
    match o {
        Outcome::NotRecognized => 0,
        Outcome::Undetermined => 1,
        Outcome::Recognized => 2,
    }
}

#[test]
fn every_bundled_rule_set_has_minimum_parameters() {
    for name in RULE_SETS {
        let rs = &rule_set(name).rules;
        let names: Vec<&str> = minimum_params(rs)
            .iter()
            .map(|&p| rs.params[p].name.as_str())
            .collect();
        assert!(names.len() >= 4, "{name}: {names:?}");
        assert!(
            names.iter().any(|n| n.starts_with("min_output")),
            "{name}: {names:?}"
        );
    }
}

proptest! {
    #![proptest_config(config(96))]

    /// Raising a minimum threshold never improves a verdict: no criterion goes from
    /// not met (or undetermined) to met, no town from not recognised to recognised.
    #[test]
    fn raising_a_minimum_never_turns_not_met_into_met(
        set in 0usize..3,
        pick in any::<prop::sample::Index>(),
        a in 0u32..=1000,
        b in 0u32..=1000,
        towns in towns(8),
    ) {
        let loaded = rule_set(RULE_SETS[set]);
        let params = minimum_params(&loaded.rules);
        let p = params[pick.index(params.len())];
        let (lo, hi) = (a.min(b), a.max(b));
        let mut low = loaded.rules.clone();
        let mut high = loaded.rules.clone();
        let (t1, t2) = (value_text(&low, p, lo), value_text(&high, p, hi));
        let name = low.params[p].name.clone();
        low.set_param(&name, &t1, "test").expect("low value");
        high.set_param(&name, &t2, "test").expect("high value");
        let data = load(&to_csv(&towns, &|_| MoneyStyle::Yi, &by_id, &identity()), &loaded.model);
        let (el, eh) = (Evaluator::new(&low, &data), Evaluator::new(&high, &data));
        let n = low.criteria.len();
        let (mut sl, mut sh) = (vec![Status::Met; n], vec![Status::Met; n]);
        for row in 0..data.len() {
            let (ol, oh) = (el.statuses(row, &mut sl), eh.statuses(row, &mut sh));
            for c in 0..n {
                let (l, h) = (sl[c], sh[c]);
                prop_assert!(
                    (l == Status::NotApplicable) == (h == Status::NotApplicable)
                        && status_rank(h) <= status_rank(l),
                    "{} town {}: criterion {} is {:?} with {} = {} but {:?} with {}",
                    RULE_SETS[set], &data.ids[row], low.criteria[c].id, l, name, t1, h, t2
                );
            }
            prop_assert!(
                outcome_rank(oh) <= outcome_rank(ol),
                "{} town {}: {:?} with {} = {} but {:?} with {}",
                RULE_SETS[set], &data.ids[row], ol, name, t1, oh, t2
            );
        }
    }
}

// ---- equal data, equal verdicts ------------------------------------------------------

fn money_style() -> impl Strategy<Value = MoneyStyle> {
    prop::sample::select(vec![
        MoneyStyle::Yi,
        MoneyStyle::YiShort,
        MoneyStyle::Wan,
        MoneyStyle::Yuan,
        MoneyStyle::Bare,
    ])
}

proptest! {
    #![proptest_config(config(64))]

    /// The same exact amounts written in 亿元 and in 万元/元 (or bare, or `亿`) give
    /// identical verdicts and explanations under every rule set.
    #[test]
    fn money_in_wan_and_in_yi_gives_identical_verdicts(
        towns in towns(8),
        styles in prop::collection::vec(money_style(), 8),
    ) {
        for name in RULE_SETS {
            let l = rule_set(name);
            let yi = to_csv(&towns, &|_| MoneyStyle::Yi, &by_id, &identity());
            let mixed = to_csv(&towns, &|i| styles[i % styles.len()], &by_id, &identity());
            let wan = to_csv(&towns, &|i| if i % 2 == 0 { MoneyStyle::Wan } else { MoneyStyle::Yuan }, &by_id, &identity());
            let reference = explained(&l.rules, &load(&yi, &l.model));
            prop_assert_eq!(&reference, &explained(&l.rules, &load(&wan, &l.model)), "{}:\n{}\n{}", name, yi, wan);
            prop_assert_eq!(&reference, &explained(&l.rules, &load(&mixed, &l.model)), "{}:\n{}\n{}", name, yi, mixed);
        }
    }

    /// Columns named by fact id, by Chinese label or by alias (and categories written
    /// by id or label) give identical verdicts and explanations.
    #[test]
    fn columns_by_id_and_by_label_give_identical_verdicts(
        towns in towns(8),
        use_alias in any::<bool>(),
    ) {
        let l = rule_set("shanxi");
        let label = |id: &str| -> String {
            let f = l.model.facts.iter().find(|f| f.id == id).expect("fact");
            match (use_alias, f.aliases.first()) {
                (true, Some(a)) => a.clone(),
                _ => f.label.clone(),
            }
        };
        let by_label = to_csv(&towns, &|_| MoneyStyle::Yi, &label, &identity());
        // The same, with categories written by their Chinese labels too.
        let mut cn = by_label.clone();
        for (id, zh) in CATEGORIES {
            cn = cn.replace(&format!(",{id},"), &format!(",{zh},"));
        }
        let ids = to_csv(&towns, &|_| MoneyStyle::Yi, &by_id, &identity());
        for name in RULE_SETS {
            let l = rule_set(name);
            let reference = explained(&l.rules, &load(&ids, &l.model));
            prop_assert_eq!(&reference, &explained(&l.rules, &load(&by_label, &l.model)), "{}:\n{}", name, by_label);
            prop_assert_eq!(&reference, &explained(&l.rules, &load(&cn, &l.model)), "{}:\n{}", name, cn);
        }
    }

    /// Shuffling the rows or the columns of a file changes nothing but the order of
    /// the towns in the report.
    #[test]
    fn shuffling_rows_or_columns_changes_only_the_order(
        towns in towns(8),
        columns in Just(identity()).prop_shuffle(),
        rows in Just((0..8usize).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let rows: Vec<usize> = rows.into_iter().filter(|&r| r < towns.len()).collect();
        let plain = to_csv(&towns, &|_| MoneyStyle::Yi, &by_id, &identity());
        let shuffled_columns = to_csv(&towns, &|_| MoneyStyle::Yi, &by_id, &columns);
        // Rows are shuffled by keeping each town's id (`t{i}`): write the permuted towns,
        // then put the original ids back.
        let mut lines: Vec<&str> = plain.lines().collect();
        let header = lines.remove(0);
        let permuted: Vec<&str> = rows.iter().map(|&r| lines[r]).collect();
        let shuffled_rows = format!("{header}\n{}\n", permuted.join("\n"));
        for name in RULE_SETS {
            let l = rule_set(name);
            let reference = explained(&l.rules, &load(&plain, &l.model));
            prop_assert_eq!(&reference, &explained(&l.rules, &load(&shuffled_columns, &l.model)));
            let by_rows = explained(&l.rules, &load(&shuffled_rows, &l.model));
            prop_assert_eq!(towns_by_id(&reference), towns_by_id(&by_rows));
            let order: Vec<String> = by_rows["towns"].as_array().expect("towns").iter()
                .map(|t| t["id"].as_str().expect("id").to_string()).collect();
            let expected: Vec<String> = rows.iter().map(|r| format!("t{r:03}")).collect();
            prop_assert_eq!(order, expected);
        }
    }

    /// Evaluation is deterministic: loading, compiling and reporting twice gives
    /// byte-identical text, JSON and CSV.
    #[test]
    fn evaluation_is_deterministic(towns in towns(6), set in 0usize..3) {
        let csv = to_csv(&towns, &|_| MoneyStyle::Wan, &by_id, &identity());
        let once = || {
            let report = townrules::check::check_file(Path::new(&format!("rules/{}.rules", RULE_SETS[set])));
            let model = report.model.expect("checks");
            let rules = townrules::compile::compile(&model).expect("compiles");
            let data = load(&csv, &model);
            let ev = Evaluator::new(&rules, &data);
            let rows: Vec<usize> = (0..data.len()).collect();
            let text = report::text(&ev, &rows, &rows, TextOptions { color: false, all_details: true, info: None });
            let json = serde_json::to_string_pretty(&report::json(&ev, &rows)).expect("json");
            let mut out = Vec::new();
            report::csv(&ev, &rows, &Default::default(), &mut out).expect("csv");
            (text, json, out)
        };
        prop_assert_eq!(once(), once());
    }
}

// ---- deterministic diagnostics ---------------------------------------------------------

/// A misspelling of `word`: one character dropped, doubled or replaced.
fn misspell(word: &str, at: usize, how: u8) -> String {
    let chars: Vec<char> = word.chars().collect();
    let at = at % chars.len();
    let mut out: Vec<char> = chars.clone();
    match how % 3 {
        0 if chars.len() > 1 => {
            out.remove(at);
        }
        1 => out.insert(at, chars[at]),
        _ => out[at] = if chars[at] == 'x' { 'y' } else { 'x' },
    }
    out.into_iter().collect()
}

proptest! {
    #![proptest_config(config(32))]

    /// The diagnostics of a rule file with a misspelt name — "did you mean" included —
    /// are the same every time it is checked.
    #[test]
    fn diagnostics_are_deterministic(
        word in prop::sample::select(vec![
            "output_value", "jobs", "heritage", "tech_centers", "specialized_firms",
            "national_market_share", "provincial_market_share", "leading_enterprises",
            "supporting_enterprises", "standards_led", "regional_brands", "environment",
            "min_output", "relaxed_min_output", "min_leading_enterprises",
            "min_supporting_enterprises", "category", "manufacturing", "年产值",
        ]),
        at in 0usize..30,
        how in any::<u8>(),
    ) {
        let typo = misspell(word, at, how);
        let text = format!(
            "ruleset t {{ title \"t\" }}\nextends \"shanxi.rules\"\ncriterion c \"c\" {{\n  require {typo} >= 1\n}}\n"
        );
        let render = || {
            let report = townrules::check::check_source(Path::new("rules/prop.rules"), &text);
            townrules::diag::render_plain(&report.diagnostics, 100)
        };
        let first = render();
        for _ in 0..2 {
            prop_assert_eq!(&first, &render());
        }
    }
}

/// `全市场占有率` is as close to `全国市场占有率` as to `全省市场占有率`: the suggestion
/// must not depend on the order of a hash map (it did, and changed run to run).
#[test]
fn a_tied_suggestion_is_the_same_every_time() {
    let text = "ruleset t { title \"t\" }\nimport \"facts.rules\"\ncriterion c \"c\" {\n  require 全市场占有率 >= 30%\n}\n";
    let suggestions: std::collections::BTreeSet<String> = (0..32)
        .map(|_| {
            let report = townrules::check::check_source(Path::new("rules/prop.rules"), text);
            let d = report
                .diagnostics
                .iter()
                .find(|d| d.is_error())
                .expect("an error");
            d.help.clone().unwrap_or_default()
        })
        .collect();
    assert_eq!(suggestions.len(), 1, "{suggestions:?}");
}

/// Every criterion of every bundled rule set can be met, not met and undetermined, and
/// every criterion that covers only some categories is not applicable to the others:
/// a baseline town that meets everything, then each fact in turn made missing, made
/// failing, and each category tried.
#[test]
fn every_criterion_reaches_every_status() {
    let baseline = Town {
        category: Some(0),
        output_fen: Some(25 * 100_000_000 * 100),
        single_county: Some(true),
        origin_or_gi: Some(true),
        industry_influence: Some(true),
        leading: Some(2),
        supporting: Some(20),
        national_share: Some(400),
        provincial_share: Some(600),
        jobs: Some(3000),
        standards: Some(2),
        brands: Some(2),
        tech_centers: Some(1),
        municipal_tech_centers: Some(1),
        specialized: Some(1),
        attestations: [Some(true); 6],
    };
    let mut variants = vec![baseline.clone()];
    let edits: Vec<fn(&mut Town, bool)> = vec![
        |t, m| t.output_fen = (!m).then_some(0),
        |t, m| t.single_county = (!m).then_some(false),
        |t, m| t.leading = (!m).then_some(0),
        |t, m| t.supporting = (!m).then_some(0),
        |t, m| t.national_share = (!m).then_some(0),
        |t, m| t.provincial_share = (!m).then_some(0),
        |t, m| t.jobs = (!m).then_some(0),
        |t, m| t.standards = (!m).then_some(0),
        |t, m| t.brands = (!m).then_some(0),
        |t, m| t.category = (!m).then_some(0),
    ];
    for edit in &edits {
        for missing in [true, false] {
            let mut t = baseline.clone();
            edit(&mut t, missing);
            variants.push(t);
        }
    }
    for a in 0..6 {
        for v in [None, Some(false)] {
            let mut t = baseline.clone();
            t.attestations[a] = v;
            variants.push(t);
        }
    }
    for c in 1..4 {
        let mut t = baseline.clone();
        t.category = Some(c);
        variants.push(t);
    }
    let csv = to_csv(&variants, &|_| MoneyStyle::Yi, &by_id, &identity());
    let mut xinjiang = {
        let report = townrules::check::check_file(Path::new("rules/xinjiang.rules"));
        let model = report.model.expect("checks");
        let rules = townrules::compile::compile(&model).expect("compiles");
        Loaded { model, rules }
    };
    for (p, v) in [
        ("min_leading_enterprises", "1"),
        ("min_supporting_enterprises", "8"),
        ("min_output", "2亿元"),
        ("min_national_market_share", "30%"),
        ("min_provincial_market_share", "50%"),
        ("min_jobs", "2000"),
    ] {
        xinjiang.rules.set_param(p, v, "test").expect("set");
    }
    let sets: Vec<(&str, &Loaded)> = RULE_SETS
        .iter()
        .map(|n| (*n, rule_set(n)))
        .chain(std::iter::once(("xinjiang", &xinjiang)))
        .collect();
    for (name, l) in sets {
        let data = load(&csv, &l.model);
        let ev = Evaluator::new(&l.rules, &data);
        let n = l.rules.criteria.len();
        let mut seen = vec![std::collections::BTreeSet::new(); n];
        let mut statuses = vec![Status::Met; n];
        for row in 0..data.len() {
            let outcome = ev.statuses(row, &mut statuses);
            if row == 0 {
                assert_eq!(outcome, Outcome::Recognized, "{name}: the baseline town");
            }
            for (c, s) in statuses.iter().enumerate() {
                seen[c].insert(s.as_str());
            }
        }
        for (c, crit) in l.rules.criteria.iter().enumerate() {
            let mut expected = vec!["met", "not_met", "undetermined"];
            if !crit.applies.is_empty() || !crit.lookups.is_empty() {
                expected.push("not_applicable");
            }
            for s in expected {
                assert!(
                    seen[c].contains(s),
                    "{name}: criterion {} never {s} ({:?})",
                    crit.id,
                    seen[c]
                );
            }
        }
    }
}
