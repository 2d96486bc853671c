//! Differential property tests over random rule *conditions*, not only random towns.
//!
//! Each case is a generated rule set — its own vocabulary (every fact kind, a category set
//! of more than 64 members in some cases), parameters with a value, drafts without one,
//! values overridden after compiling as `--set` does, tables that leave some categories
//! uncovered, and criteria whose `applies`, `require`, `relax { when … then … }` and
//! `priority … when` conditions are random, well-kinded expressions over every construct
//! of the condition language, units included (money and counts scaled by percentages,
//! ratios of quantities of the same kind against percentages, percentage points, money
//! per unit) — and a generated town file (missing cells of every kind,
//! values at thresholds, zero, tiny and huge decimals, categories a table does not cover,
//! missing categories, whole columns left out), loaded from memory and from a file.
//!
//! 1. [`evaluators_agree_on_random_conditions`]: for every town and criterion,
//!    `status` (lowered bit-mask programs) = `status_tree` (tree walk) =
//!    `explain_criterion(..).status` (lowered plans) = `explain_criterion_tree(..).status`;
//!    the two explanation records are equal (and print the same); and the outcome from
//!    `outcome`, `statuses`, `statuses_into`/`outcomes_into` over blocks (whole blocks of
//!    64 and partial ones, aligned and not), `par_outcomes`, `par_statuses`, `explain` and
//!    `Outcome::of` of the reference statuses are the same.
//! 2. [`evaluators_agree_with_a_model_of_the_language`]: the statuses, priority flags and
//!    outcomes equal those of a small model evaluator written here from
//!    docs/LANGUAGE.md, which evaluates the generated expressions themselves (not the
//!    compiled operations), so that what compiling loses is seen too.
//!
//! A generated file that does not check is a failure (with the text and the diagnostics),
//! never a skipped case. A failure prints the rule text (the `--set` overrides as comments
//! at its top) and the town CSV of the shrunk case.
//!
//! `PROPTEST_CASES` overrides the number of cases (default 128) and `PROPTEST_RNG_SEED`
//! the otherwise fixed seed. `DIFFTEST_STATS=1` prints, per case, how the statuses are
//! spread and how much of the lowered program falls back to the tree walk.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use proptest::test_runner::{Config, RngSeed, TestCaseError};
use rust_decimal::Decimal;
use townrules::check::{Checked, Const, Kind, Symbol};
use townrules::compile::RuleSet;
use townrules::data::{load_towns, load_towns_str, Column, DataFormat, Towns};
use townrules::eval::{Evaluator, Outcome, Status, TownResult, Tri, V};

const DEFAULT_CASES: u32 = 128;

fn config() -> Config {
    // `Config::default()` reads the PROPTEST_* environment variables.
    let base = Config::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        base.cases
    } else {
        DEFAULT_CASES
    };
    let rng_seed = if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
        base.rng_seed
    } else {
        RngSeed::Fixed(0x6469_6666_7465_7374)
    };
    // Shrinking a rule set and a town file takes many steps: allow them (unless the
    // environment says otherwise), within a time limit.
    let max_shrink_iters = if std::env::var_os("PROPTEST_MAX_SHRINK_ITERS").is_some() {
        base.max_shrink_iters
    } else {
        20_000
    };
    let max_shrink_time = if std::env::var_os("PROPTEST_MAX_SHRINK_TIME").is_some() {
        base.max_shrink_time
    } else {
        180_000
    };
    Config {
        cases,
        rng_seed,
        failure_persistence: None,
        max_shrink_iters,
        max_shrink_time,
        ..base
    }
}

// ---- the vocabulary ------------------------------------------------------------------

const VOCABULARY: &str = r#"category industry "产业" {
  alpha "甲类"
  beta  "乙类"
  gamma "丙类"
  delta "丁类" alias "丁"
}
category zones "区域划分" { east "东区" west "西区" }

fact id     "编号"       : text
fact name   "名称"       : text
fact county "所在县"     : text
fact sector "行业"       : category industry
fact zone   "区域"       : category zones
fact out    "产值"       : money 亿元 alias 年产值
fact rev    "营收"       : money 万元
fact cost   "成本"       : money 元
fact firms  "企业数"     : count 家
fact jobs   "就业人数"   : count
fact share  "全国占有率" : percent
fact share2 "全省占有率" : percent
fact flag   "单县"       : yes_no
fact attest "专家认定"   : attestation
fact yout   "年度产值"   : money 亿元 yearly alias 分年产值
"#;

/// The members of the set `grades` in a case with a big set, and in one without.
const BIG_MEMBERS: usize = 70;
const SMALL_MEMBERS: usize = 60;

/// The vocabulary; the category set `grades` has more than 64 members when `big`.
fn vocabulary(big: bool) -> String {
    let n = if big { BIG_MEMBERS } else { SMALL_MEMBERS };
    let members: Vec<String> = (0..n).map(|i| format!("g{i} \"第{i}级\"")).collect();
    format!(
        "{VOCABULARY}\ncategory grades \"等级划分\" {{ {} }}\nfact grade \"等级\" : category grades\n",
        members.join(" ")
    )
}

/// Members of `grades` are written `g<i>` in generated text; in a case without the big
/// set, `g<i>` stands for `g<i mod 60>` (the indexes generated stay distinct).
fn grade_name(s: &str, big: bool) -> Cow<'_, str> {
    match s.strip_prefix('g').and_then(|d| d.parse::<usize>().ok()) {
        Some(i) if !big => format!("g{}", i % SMALL_MEMBERS).into(),
        _ => s.into(),
    }
}

const MONEY_FACTS: &[&str] = &["out", "rev", "cost", "产值", "年产值"];
/// Reads of the yearly fact `yout` (the evaluation year is the header's `year 2024`).
const YEARLY_READS: &[&str] = &[
    "yout[year]",
    "yout[year - 1]",
    "yout[2023]",
    "分年产值[year]",
    "yout[year + 0]",
    "yout[year - 2]",
];
/// Reads of the yearly fact by `year` (what `all_years` moves back).
const RELATIVE_READS: &[&str] = &["yout[year]", "yout[year - 1]", "分年产值[year]"];
/// Money facts and yearly reads: what a threshold is compared with.
const MONEY_READS: &[&str] = &[
    "out",
    "rev",
    "cost",
    "产值",
    "年产值",
    "yout[year]",
    "yout[year - 1]",
    "分年产值[year - 1]",
];
/// The evaluation year of every generated rule set.
const YEAR: i32 = 2024;
/// The dates of the dated parameter values (`from`), in order.
const FIRST_FROM: &str = "2022-09-26";
const LATER_FROM: &str = "2025-01-01";
/// Dates a rule set is read at: its header's `date`, or `--date` (the dates a value
/// takes effect, and the days before them, most often).
const DATES: &[&str] = &[
    "2020-01-01",
    "2022-09-25",
    "2022-09-26",
    "2022-09-26",
    "2024-12-31",
    "2024-12-31",
    "2025-01-01",
    "2025-01-01",
    "2025-01-01",
    "2025-06-30",
];
const PCT_FACTS: &[&str] = &["share", "share2"];
const CNT_FACTS: &[&str] = &["firms", "jobs", "就业人数"];
const NUM_FACTS: &[&str] = &["out", "rev", "cost", "share", "share2", "firms", "jobs"];
const BOOL_LEAVES: &[&str] = &[
    "true", "false", "是", "否", "flag", "attest", "单县", "b_a", "b_b",
];
const BOOL_FACTS: &[&str] = &["flag", "attest"];

/// Category expressions of the sets `industry`, `zones` and `grades`: the facts,
/// parameters, members by id and by label.
const CAT_I: &[&str] = &[
    "sector", "k_a", "k_b", "alpha", "beta", "gamma", "delta", "甲类", "丁类",
];
const CAT_Z: &[&str] = &["zone", "k_z", "east", "west", "东区", "西区"];
const CAT_G: &[&str] = &["grade", "k_g", "g0", "g5", "g63", "g64", "g69"];
const MEMBERS_I: &[&str] = &[
    "alpha", "beta", "gamma", "delta", "甲类", "乙类", "丙类", "丁类",
];
const MEMBERS_Z: &[&str] = &["east", "west", "东区", "西区"];
const MEMBERS_G: &[&str] = &["g0", "g1", "g5", "g59", "g63", "g64", "g69"];

const MONEY_LITS: &[&str] = &[
    "0亿元",
    "20亿元",
    "20亿",
    "19.9999亿元",
    "5000万元",
    "5000万",
    "100000000元",
    "0.0000001亿元",
    "123456789.123亿元",
    "1亿元",
    "10亿",
    "0.5亿元",
    "2000万",
    "0.01元",
    "1999999999.995元",
    "9999999999999999999999999999元",
];
const PCT_LITS: &[&str] = &[
    "0%", "30%", "30％", "50.5%", "100%", "0.01%", "26.85%", "29.999%", "150%",
];
const CNT_LITS: &[&str] = &[
    "0",
    "1",
    "3",
    "8户",
    "10家",
    "2000",
    "1999",
    "0.5",
    "2.5",
    "0.001",
    "4294967295",
    "99999999999999999999999999",
];

const MONEY_PARAMS: &[&str] = &["m_a", "m_b", "m_c", "最低产值"];
const PCT_PARAMS: &[&str] = &["p_a", "p_b"];
const CNT_PARAMS: &[&str] = &["c_a", "c_b", "n_a"];
/// Table entries named directly (tables always cover their first member).
const MONEY_ENTRIES: &[&str] = &["t_m.alpha", "t_m.甲类", "t_z.east", "t_z.东区"];
const PCT_ENTRIES: &[&str] = &["t_p.alpha", "t_p.甲类"];
const CNT_ENTRIES: &[&str] = &["t_c.alpha", "t_c.甲类", "t_g.g0"];

const CMP_OPS: &[&str] = &[">=", ">", "<=", "<", "=", "==", "!=", "≥", "≤", "≠"];
const EQ_OPS: &[&str] = &["=", "!=", "==", "≠"];
const AND_OPS: &[&str] = &["and", "且", "&&"];
const OR_OPS: &[&str] = &["or", "或", "||"];
const NOT_OPS: &[&str] = &["not", "非", "!"];
const ADD_OPS: &[&str] = &["+", "-"];
const MUL_OPS: &[&str] = &["*", "×"];
const DIV_OPS: &[&str] = &["/", "÷"];

// ---- parameters and tables -------------------------------------------------------------

/// A parameter: how it is declared, which values it may have in the rule text and which
/// values `set_param` may give it.
struct ParamSpec {
    name: &'static str,
    /// The declared kind (`None`: a plain number, which cannot be declared without a value).
    kind: Option<&'static str>,
    values: &'static [&'static str],
    sets: &'static [&'static str],
}

const MONEY_VALUES: &[&str] = &[
    "20亿元",
    "0亿元",
    "19.9999亿元",
    "5000万元",
    "5000万",
    "100000000元",
    "0.0000001亿元",
    "123456789.123亿元",
    "1亿",
    "10亿元",
    "0.5亿元",
];
const MONEY_SETS: &[&str] = &[
    "15亿元",
    "0元",
    "0.000000001元",
    "123456789.123亿元",
    "20亿元",
    "5000万元",
    "19.9999亿元",
];
// Measure words of one kind (enterprises): a word of another kind is refused where a
// count of enterprises is expected, and the generator mixes counts freely.
const CNT_VALUES: &[&str] = &["0", "1", "3", "8户", "10家", "2000", "1999", "4294967295"];
const CNT_SETS: &[&str] = &["0", "1", "8户", "2000", "3"];
const PCT_VALUES: &[&str] = &["0%", "30%", "30％", "50.5%", "100%", "0.01%", "26.85%"];
const PCT_SETS: &[&str] = &["0%", "30%", "100%", "50.5%", "0.001%"];
const NUM_VALUES: &[&str] = &["0.5", "1.5", "0.25", "0.001", "2.5"];
const NUM_SETS: &[&str] = &["0", "0.5", "-1", "-0.5", "3", "1000000"];
const BOOL_VALUES: &[&str] = &["是", "否", "true", "false"];
const BOOL_SETS: &[&str] = &["是", "否", "yes", "no"];
const CAT_I_VALUES: &[&str] = &["alpha", "beta", "gamma", "delta", "甲类", "丁类"];
const CAT_I_SETS: &[&str] = &["alpha", "乙类", "delta", "丁", "gamma"];
const CAT_Z_VALUES: &[&str] = &["east", "west", "东区"];
const CAT_Z_SETS: &[&str] = &["west", "东区"];
const CAT_G_VALUES: &[&str] = &["g0", "g5", "g64", "g69"];
const CAT_G_SETS: &[&str] = &["g1", "g63", "g64"];

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "m_a",
        kind: Some("money"),
        values: MONEY_VALUES,
        sets: MONEY_SETS,
    },
    ParamSpec {
        name: "m_b",
        kind: Some("money 万元"),
        values: MONEY_VALUES,
        sets: MONEY_SETS,
    },
    ParamSpec {
        name: "m_c",
        kind: Some("money"),
        values: MONEY_VALUES,
        sets: MONEY_SETS,
    },
    ParamSpec {
        name: "最低产值",
        kind: Some("money 亿元"),
        values: MONEY_VALUES,
        sets: MONEY_SETS,
    },
    ParamSpec {
        name: "p_a",
        kind: Some("percent"),
        values: PCT_VALUES,
        sets: PCT_SETS,
    },
    ParamSpec {
        name: "p_b",
        kind: Some("percent"),
        values: PCT_VALUES,
        sets: PCT_SETS,
    },
    ParamSpec {
        name: "c_a",
        kind: Some("count 家"),
        values: CNT_VALUES,
        sets: CNT_SETS,
    },
    ParamSpec {
        name: "c_b",
        kind: Some("count"),
        values: CNT_VALUES,
        sets: CNT_SETS,
    },
    ParamSpec {
        name: "n_a",
        kind: None,
        values: NUM_VALUES,
        sets: NUM_SETS,
    },
    ParamSpec {
        name: "b_a",
        kind: Some("yes_no"),
        values: BOOL_VALUES,
        sets: BOOL_SETS,
    },
    ParamSpec {
        name: "b_b",
        kind: Some("yes_no"),
        values: BOOL_VALUES,
        sets: BOOL_SETS,
    },
    ParamSpec {
        name: "k_a",
        kind: Some("category industry"),
        values: CAT_I_VALUES,
        sets: CAT_I_SETS,
    },
    ParamSpec {
        name: "k_b",
        kind: Some("category industry"),
        values: CAT_I_VALUES,
        sets: CAT_I_SETS,
    },
    ParamSpec {
        name: "k_z",
        kind: Some("category zones"),
        values: CAT_Z_VALUES,
        sets: CAT_Z_SETS,
    },
    ParamSpec {
        name: "k_g",
        kind: Some("category grades"),
        values: CAT_G_VALUES,
        sets: CAT_G_SETS,
    },
];

/// How a parameter gets its value.
#[derive(Debug, Clone)]
enum ParamState {
    /// `param x = V` (`typed`: `param x : KIND = V`).
    Value { value: &'static str, typed: bool },
    /// `param x : KIND`, never set: a draft.
    Draft,
    /// A draft, then `--set x=V`.
    DraftThenSet(&'static str),
    /// `param x = V`, then `--set x=W`.
    ValueThenSet(&'static str, &'static str),
    /// `param x = V from FIRST_FROM then W from LATER_FROM` (numeric parameters).
    Dated(&'static str, &'static str),
}

fn param_state(spec: &'static ParamSpec) -> BoxedStrategy<ParamState> {
    let value = prop::sample::select(spec.values);
    let set = prop::sample::select(spec.sets);
    let with_value = (value.clone(), any::<bool>())
        .prop_map(|(value, typed)| ParamState::Value { value, typed });
    let value_then_set = (value, set.clone()).prop_map(|(v, s)| ParamState::ValueThenSet(v, s));
    let dated = (
        prop::sample::select(spec.values),
        prop::sample::select(spec.values),
    )
        .prop_map(|(a, b)| ParamState::Dated(a, b));
    if spec.kind.is_none() {
        return prop_oneof![3 => with_value, 1 => value_then_set, 1 => dated].boxed();
    }
    let numeric = spec.kind.is_some_and(|k| {
        ["money", "percent", "count"]
            .iter()
            .any(|n| k.starts_with(n))
    });
    if numeric {
        return prop_oneof![
            3 => with_value,
            2 => Just(ParamState::Draft),
            2 => set.prop_map(ParamState::DraftThenSet),
            1 => value_then_set,
            2 => dated,
        ]
        .boxed();
    }
    prop_oneof![
        3 => with_value,
        2 => Just(ParamState::Draft),
        2 => set.prop_map(ParamState::DraftThenSet),
        1 => value_then_set,
    ]
    .boxed()
}

struct TableSpec {
    name: &'static str,
    by: &'static str,
    kind: &'static str,
    /// The members; the first always has an entry (so that `t.<first>` can be named).
    members: &'static [&'static str],
    values: &'static [&'static str],
    sets: &'static [&'static str],
}

const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "t_m",
        by: "sector",
        kind: "money",
        members: &["alpha", "beta", "gamma", "delta"],
        values: MONEY_VALUES,
        sets: MONEY_SETS,
    },
    TableSpec {
        name: "t_c",
        by: "sector",
        kind: "count",
        members: &["alpha", "beta", "gamma", "delta"],
        values: CNT_VALUES,
        sets: CNT_SETS,
    },
    TableSpec {
        name: "t_p",
        by: "sector",
        kind: "percent",
        members: &["alpha", "beta", "gamma", "delta"],
        values: PCT_VALUES,
        sets: PCT_SETS,
    },
    TableSpec {
        name: "t_z",
        by: "zone",
        kind: "money",
        members: &["east", "west"],
        values: MONEY_VALUES,
        sets: MONEY_SETS,
    },
    TableSpec {
        name: "t_g",
        by: "grade",
        kind: "count",
        members: MEMBERS_G,
        values: CNT_VALUES,
        sets: CNT_SETS,
    },
];

/// The Chinese label of a member (tables may name members by label).
fn label_of(member: &str, big: bool) -> String {
    match member {
        "alpha" => "甲类".into(),
        "beta" => "乙类".into(),
        "gamma" => "丙类".into(),
        "delta" => "丁类".into(),
        "east" => "东区".into(),
        "west" => "西区".into(),
        g => format!("第{}级", &grade_name(g, big)[1..]),
    }
}

/// A table entry: its value in the rule text (keyed by member id or label), and a value
/// `--set` gives it afterwards.
#[derive(Debug, Clone)]
struct Entry {
    value: &'static str,
    by_label: bool,
    set: Option<&'static str>,
}

fn table_entries(spec: &'static TableSpec) -> BoxedStrategy<Vec<Option<Entry>>> {
    let entry = (
        prop::sample::select(spec.values),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.2, prop::sample::select(spec.sets)),
    )
        .prop_map(|(value, by_label, set)| Entry {
            value,
            by_label,
            set,
        });
    let first = entry.clone().prop_map(Some);
    let rest = prop::collection::vec(prop::option::weighted(0.6, entry), spec.members.len() - 1);
    (first, rest)
        .prop_map(|(f, mut r)| {
            r.insert(0, f);
            r
        })
        .boxed()
}

// ---- expressions -------------------------------------------------------------------------

/// A condition or value, printed as rule text.
#[derive(Debug, Clone)]
enum E {
    /// A name or a literal.
    Atom(&'static str),
    Neg(Box<E>),
    Not(&'static str, Box<E>),
    Bin(Box<E>, &'static str, Box<E>),
    /// `min(a, b)` or `max(a, b)`.
    Call(&'static str, Box<E>, Box<E>),
    /// A group statistic of a fact, optionally `within` a grouping fact.
    Stat(&'static str, &'static str, Option<&'static str>),
    /// `table[key]`.
    Index(&'static str, Box<E>),
    /// `item in [a, b]` (with a trailing comma when the flag is set).
    InList(Box<E>, Vec<&'static str>, bool),
    /// `item in table`.
    InTable(Box<E>, &'static str),
}

impl E {
    fn atomic(&self) -> bool {
        matches!(self, E::Atom(_) | E::Call(..) | E::Stat(..) | E::Index(..))
    }

    fn operand(&self, out: &mut String, big: bool) {
        if self.atomic() {
            self.render(out, big);
        } else {
            out.push('(');
            self.render(out, big);
            out.push(')');
        }
    }

    fn render(&self, out: &mut String, big: bool) {
        match self {
            E::Atom(a) => out.push_str(&grade_name(a, big)),
            E::Neg(x) => {
                out.push('-');
                x.operand(out, big);
            }
            E::Not(op, x) => {
                out.push_str(op);
                if *op != "!" {
                    out.push(' ');
                }
                x.operand(out, big);
            }
            E::Bin(l, op, r) => {
                l.operand(out, big);
                out.push(' ');
                out.push_str(op);
                out.push(' ');
                r.operand(out, big);
            }
            E::Call(f, a, b) => {
                out.push_str(f);
                out.push('(');
                a.render(out, big);
                out.push_str(", ");
                b.render(out, big);
                out.push(')');
            }
            E::Stat(f, fact, within) => {
                out.push_str(f);
                out.push('(');
                out.push_str(fact);
                if let Some(w) = within {
                    out.push_str(" within ");
                    out.push_str(w);
                }
                out.push(')');
            }
            E::Index(t, k) => {
                out.push_str(t);
                out.push('[');
                k.render(out, big);
                out.push(']');
            }
            E::InList(item, members, trailing) => {
                item.operand(out, big);
                out.push_str(" in [");
                let ms: Vec<Cow<'_, str>> = members.iter().map(|m| grade_name(m, big)).collect();
                out.push_str(&ms.join(", "));
                if *trailing && !members.is_empty() {
                    out.push(',');
                }
                out.push(']');
            }
            E::InTable(item, t) => {
                item.operand(out, big);
                out.push_str(" in ");
                out.push_str(t);
            }
        }
    }

    fn text(&self, big: bool) -> String {
        let mut s = String::new();
        self.render(&mut s, big);
        s
    }
}

type S = BoxedStrategy<E>;

fn atom(xs: &'static [&'static str]) -> S {
    prop::sample::select(xs).prop_map(E::Atom).boxed()
}

fn bin(l: S, ops: &'static [&'static str], r: S) -> S {
    (l, prop::sample::select(ops), r)
        .prop_map(|(l, op, r)| E::Bin(Box::new(l), op, Box::new(r)))
        .boxed()
}

fn weighted(alts: Vec<(u32, S)>) -> S {
    Union::new_weighted(alts).boxed()
}

fn stat(fs: &'static [&'static str]) -> S {
    (
        prop::sample::select(fs),
        prop::sample::select(NUM_FACTS),
        prop::option::weighted(
            0.4,
            prop::sample::select(&["sector", "zone", "county", "grade"][..]),
        ),
    )
        .prop_map(|(f, fact, within)| E::Stat(f, fact, within))
        .boxed()
}

fn index(table: &'static str, key: &'static [&'static str]) -> S {
    atom(key)
        .prop_map(move |k| E::Index(table, Box::new(k)))
        .boxed()
}

/// The numeric kinds: money, percentages, and counts with plain numbers (which the
/// checker lets mix).
#[derive(Clone, Copy, PartialEq)]
enum Num {
    Money,
    Pct,
    Cnt,
}

fn num_leaf(k: Num) -> S {
    match k {
        Num::Money => weighted(vec![
            (3, atom(MONEY_FACTS)),
            (2, atom(YEARLY_READS)),
            (2, atom(MONEY_LITS)),
            (2, atom(MONEY_PARAMS)),
            (1, atom(MONEY_ENTRIES)),
            (2, index("t_m", CAT_I)),
            (1, index("t_z", CAT_Z)),
        ]),
        Num::Pct => weighted(vec![
            (3, atom(PCT_FACTS)),
            (2, atom(PCT_LITS)),
            (2, atom(PCT_PARAMS)),
            (1, atom(PCT_ENTRIES)),
            (2, index("t_p", CAT_I)),
            (1, stat(&["top", "percentile", "share"])),
        ]),
        Num::Cnt => weighted(vec![
            (3, atom(CNT_FACTS)),
            (2, atom(CNT_LITS)),
            (2, atom(CNT_PARAMS)),
            (1, atom(CNT_ENTRIES)),
            (2, index("t_c", CAT_I)),
            (1, index("t_g", CAT_G)),
            (1, stat(&["rank", "group_size"])),
        ]),
    }
}

fn num_facts(k: Num) -> &'static [&'static str] {
    match k {
        Num::Money => MONEY_READS,
        Num::Pct => PCT_FACTS,
        Num::Cnt => CNT_FACTS,
    }
}

/// What a percentage is scaled by, or a quantity divided by without changing its kind:
/// a literal number or count, or the plain-number parameter `n_a` (which may be 0).
fn scalar() -> S {
    weighted(vec![(3, atom(CNT_LITS)), (1, atom(&["n_a"]))])
}

/// Percentage points: a literal, or the difference of two shares.
fn points() -> S {
    let share = weighted(vec![
        (3, atom(PCT_FACTS)),
        (2, atom(PCT_PARAMS)),
        (1, atom(PCT_ENTRIES)),
        (1, stat(&["top", "percentile", "share"])),
    ]);
    weighted(vec![
        (
            1,
            atom(&["5个百分点", "0个百分点", "0.5个百分点", "12.25个百分点"]),
        ),
        (2, bin(share.clone(), &["-"], share)),
    ])
}

/// Whether an expression is a literal, or arithmetic of literals only.
fn literal_only(e: &E) -> bool {
    match e {
        E::Atom(a) => literal(a).is_some(),
        E::Neg(x) => literal_only(x),
        E::Bin(l, op, r) => {
            ADD_OPS
                .iter()
                .chain(MUL_OPS)
                .chain(DIV_OPS)
                .any(|o| o == op)
                && literal_only(l)
                && literal_only(r)
        }
        E::Not(..) | E::Call(..) | E::Stat(..) | E::Index(..) | E::InList(..) | E::InTable(..) => {
            false
        }
    }
}

/// `l ± r` for two percentages written alike (a share minus a share is in points, so
/// only a sum of shares): otherwise just `l`.
fn same_literalness(l: S, r: S) -> S {
    (l, prop::sample::select(ADD_OPS), r)
        .prop_map(|(l, op, r)| match (literal_only(&l), literal_only(&r)) {
            (true, true) => E::Bin(Box::new(l), op, Box::new(r)),
            (false, false) => E::Bin(Box::new(l), "+", Box::new(r)),
            (true, false) | (false, true) => l,
        })
        .boxed()
}

/// Expression strategies by kind and depth (index = depth; depth 0 are leaves).
struct Grammar {
    bools: Vec<S>,
    money: Vec<S>,
    pct: Vec<S>,
    cnt: Vec<S>,
}

const NUM_DEPTH: usize = 2;
const BOOL_DEPTH: usize = 3;

impl Grammar {
    fn num(&self, k: Num, d: usize) -> S {
        let d = d.min(NUM_DEPTH);
        match k {
            Num::Money => self.money[d].clone(),
            Num::Pct => self.pct[d].clone(),
            Num::Cnt => self.cnt[d].clone(),
        }
    }

    fn new() -> Grammar {
        let mut g = Grammar {
            bools: vec![atom(BOOL_LEAVES)],
            money: vec![num_leaf(Num::Money)],
            pct: vec![num_leaf(Num::Pct)],
            cnt: vec![num_leaf(Num::Cnt)],
        };
        for d in 1..=NUM_DEPTH {
            let c = g.cnt[d - 1].clone();
            let level = |k: Num| {
                let x = g.num(k, d - 1);
                let neg = x.clone().prop_map(|x| E::Neg(Box::new(x))).boxed();
                let minmax = (
                    prop::sample::select(&["min", "max"][..]),
                    x.clone(),
                    x.clone(),
                )
                    .prop_map(|(f, a, b)| E::Call(f, Box::new(a), Box::new(b)))
                    .boxed();
                // A percentage scales by a plain number or a literal count (`2 * 10%` is
                // 20%); anything else is scaled by a percentage (`firms * 20%`).
                let by = if k == Num::Pct { scalar() } else { c.clone() };
                let mut alts = vec![
                    (4, num_leaf(k)),
                    (1, neg),
                    (1, minmax),
                    (1, bin(x.clone(), MUL_OPS, by.clone())),
                    (1, bin(by.clone(), MUL_OPS, x.clone())),
                    // May divide by zero: a zero literal or parameter. (A count divided by
                    // a count of the same thing is a ratio; money by a count, per unit.)
                    (2, bin(x.clone(), DIV_OPS, scalar())),
                ];
                let p = g.num(Num::Pct, d - 1);
                match k {
                    // A share plus a percentage is ambiguous: percentages are added to
                    // percentages written alike (both literals or neither), and the
                    // difference of two shares is in points.
                    Num::Pct => {
                        alts.push((2, same_literalness(x.clone(), x.clone())));
                        alts.push((1, bin(p.clone(), DIV_OPS, c.clone())));
                        alts.push((2, bin(x.clone(), MUL_OPS, p.clone())));
                        alts.push((1, bin(x.clone(), ADD_OPS, points())));
                    }
                    Num::Money | Num::Cnt => {
                        alts.push((2, bin(x.clone(), ADD_OPS, x.clone())));
                        let q = if k == Num::Money {
                            x.clone()
                        } else {
                            atom(&["firms", "jobs", "就业人数", "c_a", "c_b"])
                        };
                        alts.push((2, bin(q.clone(), MUL_OPS, p.clone())));
                        alts.push((1, bin(p.clone(), MUL_OPS, q.clone())));
                        alts.push((1, bin(q, DIV_OPS, p.clone())));
                        if k == Num::Money {
                            alts.push((1, bin(x.clone(), MUL_OPS, c.clone())));
                            alts.push((1, bin(c.clone(), MUL_OPS, x.clone())));
                        } else {
                            alts.push((1, bin(x.clone(), MUL_OPS, x.clone())));
                        }
                    }
                }
                weighted(alts)
            };
            let (m, p, n) = (level(Num::Money), level(Num::Pct), level(Num::Cnt));
            g.money.push(m);
            g.pct.push(p);
            g.cnt.push(n);
        }
        for d in 1..=BOOL_DEPTH {
            let b = g.bools[d - 1].clone();
            let mut alts: Vec<(u32, S)> = vec![(3, atom(BOOL_LEAVES))];
            for k in [Num::Money, Num::Pct, Num::Cnt] {
                // A fact against a leaf (what is lowered to bit masks), either way round.
                alts.push((2, bin(atom(num_facts(k)), CMP_OPS, num_leaf(k))));
                alts.push((1, bin(num_leaf(k), CMP_OPS, atom(num_facts(k)))));
                // Anything against anything of the same kind.
                alts.push((2, bin(g.num(k, d - 1), CMP_OPS, g.num(k, d - 1))));
            }
            // Ratios of two quantities of the same kind against percentages (exact), the
            // difference of two shares in points, money per unit.
            let (m, p) = (g.num(Num::Money, d - 1), g.num(Num::Pct, d - 1));
            let ratio = weighted(vec![
                (2, bin(m.clone(), DIV_OPS, m.clone())),
                (2, bin(p.clone(), DIV_OPS, p.clone())),
                (1, bin(atom(&["firms"]), DIV_OPS, atom(&["firms"]))),
            ]);
            alts.push((2, bin(ratio.clone(), CMP_OPS, p.clone())));
            alts.push((1, bin(p.clone(), CMP_OPS, ratio.clone())));
            alts.push((1, bin(ratio.clone(), CMP_OPS, ratio)));
            alts.push((1, bin(points(), CMP_OPS, points())));
            let per = bin(m.clone(), DIV_OPS, atom(&["firms", "jobs", "c_a", "c_b"]));
            alts.push((1, bin(per.clone(), CMP_OPS, m)));
            alts.push((1, bin(per.clone(), CMP_OPS, per)));
            alts.push((1, bin(atom(CAT_I), EQ_OPS, atom(CAT_I))));
            alts.push((1, bin(atom(CAT_Z), EQ_OPS, atom(CAT_Z))));
            alts.push((1, bin(atom(CAT_G), EQ_OPS, atom(CAT_G))));
            alts.push((1, bin(atom(BOOL_FACTS), EQ_OPS, atom(BOOL_LEAVES))));
            alts.push((1, bin(b.clone(), EQ_OPS, b.clone())));
            // Lists name members, and now and then a parameter or the fact itself (the
            // checker accepts any category of the set).
            let list = |items: &'static [&'static str],
                        members: &'static [&'static str],
                        others: &'static [&'static str]| {
                let element = prop_oneof![
                    9 => prop::sample::select(members),
                    1 => prop::sample::select(others),
                ];
                (
                    atom(items),
                    prop::collection::vec(element, 0..=4),
                    any::<bool>(),
                )
                    .prop_map(|(i, ms, t)| E::InList(Box::new(i), ms, t))
                    .boxed()
            };
            alts.push((2, list(CAT_I, MEMBERS_I, &["k_a", "k_b", "sector"])));
            alts.push((1, list(CAT_Z, MEMBERS_Z, &["k_z", "zone"])));
            alts.push((1, list(CAT_G, MEMBERS_G, &["k_g", "grade"])));
            let in_table = prop_oneof![
                (
                    atom(CAT_I),
                    prop::sample::select(&["t_m", "t_c", "t_p", "t_e"][..])
                )
                    .prop_map(|(i, t)| E::InTable(Box::new(i), t)),
                atom(CAT_Z).prop_map(|i| E::InTable(Box::new(i), "t_z")),
                atom(CAT_G).prop_map(|i| E::InTable(Box::new(i), "t_g")),
            ]
            .boxed();
            alts.push((2, in_table));
            alts.push((
                2,
                (prop::sample::select(NOT_OPS), b.clone())
                    .prop_map(|(op, x)| E::Not(op, Box::new(x)))
                    .boxed(),
            ));
            alts.push((2, bin(b.clone(), AND_OPS, b.clone())));
            alts.push((2, bin(b.clone(), OR_OPS, b.clone())));
            // A condition over several years: it reads the yearly fact by `year`, maybe
            // joined with anything else.
            let by_year = bin(atom(RELATIVE_READS), CMP_OPS, g.num(Num::Money, d - 1));
            let cond = weighted(vec![
                (3, by_year.clone()),
                (1, bin(by_year, AND_OPS, b.clone())),
            ]);
            alts.push((
                1,
                (cond, prop::sample::select(&["1", "2", "3"][..]))
                    .prop_map(|(c, n)| E::Call("all_years", Box::new(c), Box::new(E::Atom(n))))
                    .boxed(),
            ));
            g.bools.push(weighted(alts));
        }
        g
    }
}

// ---- criteria ----------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Require {
    cond: E,
    label: bool,
    relax: Option<(E, E)>,
}

#[derive(Debug, Clone)]
struct Crit {
    applies: Vec<E>,
    requires: Vec<Require>,
    priorities: Vec<E>,
}

fn criterion(g: &Grammar) -> BoxedStrategy<Crit> {
    let cond = g.bools[BOOL_DEPTH].clone();
    let small = g.bools[BOOL_DEPTH - 1].clone();
    let require = (
        cond,
        any::<bool>(),
        prop::option::weighted(0.35, (small.clone(), small.clone())),
    )
        .prop_map(|(cond, label, relax)| Require { cond, label, relax });
    let applies = prop_oneof![
        3 => Just(Vec::new()),
        3 => prop::collection::vec(small.clone(), 1),
        1 => prop::collection::vec(small.clone(), 2),
    ];
    (
        applies,
        prop::collection::vec(require, 1..=3),
        prop::collection::vec(small, 0..=1),
    )
        .prop_map(|(applies, requires, priorities)| Crit {
            applies,
            requires,
            priorities,
        })
        .boxed()
}

// ---- towns -------------------------------------------------------------------------------

/// The data columns after `id` and `name`, with the cells they may hold ("" is missing,
/// and so are `-`, `--`, `/`, `n/a`, `NA`, `无数据`).
const COLUMNS: &[(&str, &[&str])] = &[
    ("county", &["", "甲县", "乙县", "-"]),
    (
        "sector",
        &[
            "", "alpha", "beta", "gamma", "delta", "甲类", "乙类", "丙类", "丁类", "丁", "n/a",
        ],
    ),
    ("zone", &["", "east", "west", "东区", "西区"]),
    (
        "out",
        &[
            "",
            "20",
            "20亿元",
            "19.9999",
            "0",
            "0.0000001亿元",
            "123456789.123亿元",
            "5000万元",
            "5000万",
            "100000000元",
            "1",
            "0.5",
            "2000万",
            "10",
            "20.0000001",
            "-",
        ],
    ),
    (
        "rev",
        &[
            "",
            "5000",
            "200000",
            "0",
            "1亿元",
            "0.0001",
            "20亿元",
            "199999.99",
            "--",
        ],
    ),
    (
        "cost",
        &[
            "",
            "100000000",
            "0.01",
            "5000万元",
            "0",
            "2000000000",
            "1999999999.99",
            "/",
        ],
    ),
    (
        "firms",
        &[
            "",
            "0",
            "1",
            "3",
            "8",
            "10家",
            "1,200",
            "1.05万",
            "4294967295",
            "NA",
        ],
    ),
    ("jobs", &["", "2000", "1999", "2001", "2000人", "0", "1"]),
    (
        "share",
        &[
            "", "30", "30%", "50.5%", "0", "100", "26.85%", "29.99", "0.01", "100%",
        ],
    ),
    (
        "share2",
        &["", "30", "30%", "50.5%", "0", "100", "26.85%", "无数据"],
    ),
    ("flag", &["", "是", "否", "yes", "no", "1", "0", "√", "×"]),
    ("attest", &["", "是", "否", "true", "false", "有", "无"]),
    (
        "grade",
        &["", "g0", "g1", "g5", "g59", "g63", "g64", "g69", "第0级"],
    ),
    // The yearly fact, by id and by label, and a year no rule reads.
    ("yout@2022", &["", "1", "20亿元", "0"]),
    (
        "yout@2023",
        &["", "20", "19.9999", "0", "5000万元", "20亿元", "-"],
    ),
    (
        "年度产值（2024年）",
        &["", "20", "20.0000001", "0", "1亿元", "19.9999"],
    ),
];

/// Values that do not fit a 62-bit integer at their column's scale (the column is then
/// held as exact decimals), by column (`out`, `rev`, `cost`, `share`), and how many towns
/// get one: two outputs of 4×10^28 元 overflow a sum.
const HUGE: &[(usize, &str, usize)] = &[
    (3, "1234567890123456789.012345678亿元", 1),
    (3, "400000000000000000000亿元", 2),
    (4, "12345678901234567890.1234万元", 1),
    (5, "0.000000000001", 1),
    (8, "0.0000000000000000001%", 1),
];

/// Criteria in a case whose criteria are repeated (more than the 32 status masks kept on
/// the stack by `statuses_into`).
const MANY_CRITERIA: usize = 33;

/// Towns in a case whose towns are repeated: more than the 256 blocks of 64 towns that
/// `par_statuses` and `par_outcomes` give each task, and a partial block.
const MANY_TOWNS: usize = 64 * 256 + 100;

#[derive(Clone)]
struct Case {
    /// Whether the set `grades` has more than 64 members.
    big: bool,
    params: Vec<ParamState>,
    tables: Vec<Vec<Option<Entry>>>,
    crits: Vec<Crit>,
    /// Whether the criteria are repeated up to [`MANY_CRITERIA`].
    repeat: bool,
    /// Whether a last criterion has every condition of the others, its requirements twice
    /// (a long program).
    combined: bool,
    /// Whether the town file repeats the towns up to [`MANY_TOWNS`] (more than one chunk
    /// of the parallel entry points); only for the first property.
    many: bool,
    towns: Vec<Vec<&'static str>>,
    /// Which columns the file has (a column left out is missing for every town).
    keep: Vec<bool>,
    /// For each `HUGE` value, the (first) town, modulo the number of towns, that gets it.
    huge: Vec<Option<usize>>,
    /// The rule set's own date (its header's `date`).
    date: &'static str,
    /// `--date`: the date dated values are read at instead.
    given: Option<&'static str>,
}

fn quote_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Case {
    /// The criteria of the rule set, in order.
    fn criteria(&self) -> Vec<Cow<'_, Crit>> {
        let n = if self.repeat {
            self.crits.len().max(MANY_CRITERIA)
        } else {
            self.crits.len()
        };
        let mut v: Vec<Cow<'_, Crit>> = (0..n)
            .map(|i| Cow::Borrowed(&self.crits[i % self.crits.len()]))
            .collect();
        if self.combined {
            v.push(Cow::Owned(Crit {
                applies: self.crits.iter().flat_map(|c| c.applies.clone()).collect(),
                // Twice: a program longer than the registers kept on the stack.
                requires: self
                    .crits
                    .iter()
                    .chain(&self.crits)
                    .flat_map(|c| c.requires.clone())
                    .collect(),
                priorities: self
                    .crits
                    .iter()
                    .flat_map(|c| c.priorities.clone())
                    .collect(),
            }));
        }
        v
    }

    /// The number of towns in the town file.
    fn town_count(&self, replicate: bool) -> usize {
        if replicate && self.many {
            MANY_TOWNS
        } else {
            self.towns.len()
        }
    }

    /// The `--set` overrides, in order: parameters, then table entries.
    fn sets(&self) -> Vec<(String, String)> {
        let big = self.big;
        let mut v = Vec::new();
        for (spec, st) in PARAMS.iter().zip(&self.params) {
            match st {
                ParamState::DraftThenSet(s) | ParamState::ValueThenSet(_, s) => {
                    v.push((spec.name.to_string(), grade_name(s, big).into_owned()));
                }
                _ => {}
            }
        }
        for (spec, entries) in TABLES.iter().zip(&self.tables) {
            for (m, e) in spec.members.iter().zip(entries) {
                if let Some(Entry { set: Some(s), .. }) = e {
                    v.push((
                        format!("{}.{}", spec.name, grade_name(m, big)),
                        s.to_string(),
                    ));
                }
            }
        }
        v
    }

    fn rule_text(&self) -> String {
        let big = self.big;
        let mut t = String::new();
        for (name, value) in self.sets() {
            t.push_str(&format!("# --set {name}={value}\n"));
        }
        t.push_str(&format!(
            "ruleset difftest {{ title \"差分测试\" level county date {} year {YEAR} }}\n\n",
            self.date
        ));
        if let Some(d) = self.given {
            t.push_str(&format!("# --date {d}\n"));
        }
        t.push_str(&vocabulary(big));
        t.push('\n');
        for (spec, st) in PARAMS.iter().zip(&self.params) {
            let kind = spec.kind.unwrap_or("");
            let value = match st {
                ParamState::Value { value, typed } => Some((*value, *typed)),
                ParamState::ValueThenSet(value, _) => Some((*value, false)),
                ParamState::Draft | ParamState::DraftThenSet(_) => None,
                ParamState::Dated(a, b) => {
                    t.push_str(&format!(
                        "param {} = {a} from {FIRST_FROM} then {b} from {LATER_FROM}\n",
                        spec.name
                    ));
                    continue;
                }
            };
            let name = spec.name;
            match value {
                Some((value, true)) if spec.kind.is_some() => {
                    let value = grade_name(value, big);
                    t.push_str(&format!("param {name} : {kind} = {value}\n"));
                }
                Some((value, _)) => {
                    let value = grade_name(value, big);
                    t.push_str(&format!("param {name} = {value}\n"));
                }
                None => t.push_str(&format!("param {name} : {kind}\n")),
            }
        }
        for (spec, entries) in TABLES.iter().zip(&self.tables) {
            t.push_str(&format!(
                "table {} by {} : {} {{ clause \"表\"",
                spec.name, spec.by, spec.kind
            ));
            for (m, e) in spec.members.iter().zip(entries) {
                if let Some(e) = e {
                    let key = if e.by_label {
                        label_of(m, big)
                    } else {
                        grade_name(m, big).into_owned()
                    };
                    t.push_str(&format!(" {key} = {}", e.value));
                }
            }
            t.push_str(" }\n");
        }
        t.push_str("table t_e by sector : count { }\n");
        for (i, c) in self.criteria().iter().enumerate() {
            t.push_str(&format!(
                "\ncriterion c{i} \"标准{i}\" {{\n  clause \"{i}\"\n"
            ));
            for a in &c.applies {
                t.push_str(&format!("  applies {}\n", a.text(big)));
            }
            for (j, r) in c.requires.iter().enumerate() {
                t.push_str(&format!("  require {}", r.cond.text(big)));
                if r.label {
                    t.push_str(&format!(" \"要求{j}\""));
                }
                if let Some((w, th)) = &r.relax {
                    t.push_str(&format!(
                        "\n    relax {{ when {} then {} clause \"放宽{j}\" }}",
                        w.text(big),
                        th.text(big)
                    ));
                }
                t.push('\n');
            }
            for (j, p) in c.priorities.iter().enumerate() {
                t.push_str(&format!("  priority \"优先{j}\" when {}\n", p.text(big)));
            }
            t.push_str("}\n");
        }
        t
    }

    /// The town file; with `replicate`, the towns repeated up to [`MANY_TOWNS`] in a case
    /// with many towns.
    fn csv(&self, replicate: bool) -> String {
        let n = self.towns.len();
        let mut towns = self.towns.clone();
        for (&(col, value, copies), at) in HUGE.iter().zip(&self.huge) {
            if let Some(at) = at {
                for i in 0..copies {
                    towns[(at + i) % n][col] = value;
                }
            }
        }
        let mut header = vec!["id", "name"];
        header.extend(
            COLUMNS
                .iter()
                .zip(&self.keep)
                .filter(|(_, k)| **k)
                .map(|((c, _), _)| *c),
        );
        let mut s = header.join(",");
        s.push('\n');
        for i in 0..self.town_count(replicate) {
            let cells = &towns[i % n];
            let mut row = vec![format!("t{i}"), format!("{i}镇")];
            row.extend(
                cells
                    .iter()
                    .zip(&self.keep)
                    .filter(|(_, k)| **k)
                    .map(|(c, _)| quote_cell(&grade_name(c, self.big))),
            );
            s.push_str(&row.join(","));
            s.push('\n');
        }
        s
    }
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\n---- rules (difftest.rules) ----\n{}---- towns.csv ----\n{}",
            self.rule_text(),
            self.csv(false)
        )?;
        if self.many {
            writeln!(
                f,
                "(the first property repeats these towns up to {MANY_TOWNS}, with ids t0…t{})",
                MANY_TOWNS - 1
            )?;
        }
        Ok(())
    }
}

fn case() -> impl Strategy<Value = Case> {
    let g = Grammar::new();
    let params: Vec<BoxedStrategy<ParamState>> = PARAMS.iter().map(param_state).collect();
    let tables: Vec<BoxedStrategy<Vec<Option<Entry>>>> = TABLES.iter().map(table_entries).collect();
    let town = COLUMNS
        .iter()
        .map(|(_, cells)| prop::sample::select(*cells).boxed())
        .collect::<Vec<_>>();
    (
        prop::bool::weighted(0.25),
        params,
        tables,
        prop::collection::vec(criterion(&g), 1..=4),
        (
            prop::bool::weighted(0.08),
            prop::bool::weighted(0.25),
            prop::bool::weighted(0.015),
        ),
        prop::collection::vec(town, 1..=140),
        prop::collection::vec(prop::bool::weighted(0.93), COLUMNS.len()),
        prop::collection::vec(prop::option::weighted(0.1, 0usize..1000), HUGE.len()),
        (
            prop::sample::select(DATES),
            prop::option::weighted(0.3, prop::sample::select(DATES)),
        ),
    )
        .prop_map(
            |(
                big,
                params,
                tables,
                crits,
                (repeat, combined, many),
                towns,
                keep,
                huge,
                (date, given),
            )| Case {
                big,
                params,
                tables,
                crits,
                repeat,
                combined,
                many,
                towns,
                keep,
                huge,
                date,
                given,
            },
        )
}

// ---- checking and loading ------------------------------------------------------------------

/// A failure; proptest prints the (shrunk) case after it: the rule text and the town CSV.
fn fail(msg: String) -> TestCaseError {
    TestCaseError::fail(msg)
}

/// The checked model and the compiled rule set with the `--set` overrides applied.
fn rules(case: &Case) -> Result<(Checked, RuleSet), TestCaseError> {
    let text = case.rule_text();
    let report = townrules::check::check_source(Path::new("rules/difftest.rules"), &text);
    let Some(model) = report.model else {
        return Err(fail(format!(
            "the generated rule file does not check:\n{}",
            townrules::diag::render_plain(&report.diagnostics, 100)
        )));
    };
    let mut rs = townrules::compile::compile_at(&model, case.given)
        .map_err(|e| fail(format!("the generated rule file does not compile: {e}")))?;
    for (name, value) in case.sets() {
        rs.set_param(&name, &value, "--set")
            .map_err(|e| fail(format!("--set {name}={value} refused: {e}")))?;
    }
    Ok((model, rs))
}

/// The towns, read from memory or from a temporary file.
fn towns(
    case: &Case,
    model: &Checked,
    from_file: bool,
    replicate: bool,
) -> Result<Towns, TestCaseError> {
    static FILES: AtomicUsize = AtomicUsize::new(0);
    let csv = case.csv(replicate);
    let expected = case.town_count(replicate);
    let loaded = if from_file {
        let path = std::env::temp_dir().join(format!(
            "townrules-difftest-{}-{}.csv",
            std::process::id(),
            FILES.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, &csv).expect("write the town file");
        let loaded = load_towns(&path, model);
        let _ = std::fs::remove_file(&path);
        loaded
    } else {
        load_towns_str("towns.csv", &csv, DataFormat::Csv, model)
    };
    match loaded {
        Ok(l) if l.towns.len() == expected => Ok(l.towns),
        Ok(l) => Err(fail(format!(
            "{} towns loaded, {expected} written",
            l.towns.len()
        ))),
        Err(errors) => {
            let errors: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            Err(fail(format!(
                "the generated town file does not load:\n{}",
                errors.join("\n")
            )))
        }
    }
}

/// `Evaluator::new`, a panic in it (e.g. while computing group statistics) reported as a
/// failure that names it.
fn evaluator<'a>(rs: &'a RuleSet, towns: &'a Towns) -> Result<Evaluator<'a>, TestCaseError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Evaluator::new(rs, towns))).map_err(
        |panic| {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            fail(format!(
                "Evaluator::new panicked on {} towns: {msg}",
                towns.len()
            ))
        },
    )
}

fn print_stats(ev: &Evaluator<'_>, towns: &Towns) {
    if std::env::var_os("DIFFTEST_STATS").is_none() {
        return;
    }
    let k = ev.rules.criteria.len();
    let mut counts = [0usize; 4];
    for row in 0..towns.len() {
        for c in 0..k {
            counts[ev.status_tree(c, row) as usize] += 1;
        }
    }
    let (all, slow) = ev.program().size();
    eprintln!(
        "DIFFTEST_STATS towns={} criteria={k} met/not_met/undetermined/not_applicable={counts:?} \
         instructions={all} tree_walked={slow} registers={}",
        towns.len(),
        ev.program().registers()
    );
}

// ---- property 1: the evaluators agree with each other --------------------------------------

/// Every evaluator against the tree walk; the reference statuses (town-major).
fn evaluators_agree(rs: &RuleSet, towns: &Towns, load: &str) -> Result<Vec<Status>, TestCaseError> {
    let ev = evaluator(rs, towns)?;
    print_stats(&ev, towns);
    let n = towns.len();
    let k = rs.criteria.len();
    let town = |row: usize| format!("town {} (row {row}, towns loaded {load})", &towns.ids[row]);

    // Explanations are checked for every town of a small file, and for the first and last
    // towns of a big one (they are repeats).
    let explained = |row: usize| n <= 1000 || row < 200 || row + 100 >= n;

    // Statuses and explanations, criterion by criterion.
    let mut reference = vec![Status::Met; n * k];
    for row in 0..n {
        for c in 0..k {
            let fast = ev.status(c, row);
            let tree = ev.status_tree(c, row);
            reference[row * k + c] = tree;
            if fast != tree {
                return Err(fail(format!(
                    "statuses disagree for {}, criterion c{c}:\n  status (fast) = {fast:?}\n  \
                         status_tree = {tree:?}",
                    town(row)
                )));
            }
            if !explained(row) {
                continue;
            }
            let xf = ev.explain_criterion(c, row);
            let xt = ev.explain_criterion_tree(c, row);
            if !(fast == tree && xf.status == tree && xt.status == tree) {
                return Err(fail(format!(
                    "statuses disagree for {}, criterion c{c}:\n  status (fast) = {fast:?}\n  \
                         status_tree = {tree:?}\n  explain_criterion(..).status = {:?}\n  \
                         explain_criterion_tree(..).status = {:?}",
                    town(row),
                    xf.status,
                    xt.status
                )));
            }
            if xf != xt {
                return Err(fail(format!(
                        "explanations disagree for {}, criterion c{c}:\n  explain_criterion = {xf:#?}\n  \
                         explain_criterion_tree = {xt:#?}",
                        town(row)
                    ),
                ));
            }
            let (df, dt) = (format!("{xf:?}"), format!("{xt:?}"));
            if df != dt {
                return Err(fail(format!(
                        "explanations are equal but print differently (decimal representation) for {}, \
                         criterion c{c}:\n  explain_criterion = {df}\n  explain_criterion_tree = {dt}",
                        town(row)
                    ),
                ));
            }
        }
    }

    // Outcomes, town by town: from the statuses, except for a town without a category,
    // whose outcome is the one every category gives (the explained path decides it).
    let ref_outcomes: Vec<Outcome> = (0..n)
        .map(|row| match ev.needs_joint(row) {
            true => ev.explain(row).outcome,
            false => Outcome::of(reference[row * k..(row + 1) * k].iter().copied()),
        })
        .collect();
    let mut s = vec![Status::Met; k];
    for row in 0..n {
        let want = ref_outcomes[row];
        let t = town(row);
        prop_assert_eq!(ev.outcome(row), want, "outcome(row) for {}", t);
        prop_assert_eq!(ev.statuses(row, &mut s), want, "statuses(row) for {}", t);
        prop_assert_eq!(
            &s[..],
            &reference[row * k..(row + 1) * k],
            "statuses(row) for {}",
            t
        );
        if explained(row) {
            prop_assert_eq!(ev.explain(row).outcome, want, "explain(row) for {}", t);
        }
    }
    // Explanations through one reused record, backwards then forwards (buffers shrink
    // and grow), equal fresh ones.
    let mut reused = TownResult::default();
    for row in (0..n).rev().chain(0..n).filter(|&r| explained(r)) {
        ev.explain_into(row, &mut reused);
        let fresh = ev.explain(row);
        if reused != fresh {
            return Err(fail(format!(
                "explain_into (reused) and explain differ for {}:\n  reused = {reused:#?}\n  \
                     fresh = {fresh:#?}",
                town(row)
            )));
        }
    }

    // Blocks: from aligned and unaligned starts, whole blocks of 64 and partial ones.
    for start in [0usize, 1, 5, 63, 64, 65, 100, n.saturating_sub(70)] {
        if start >= n {
            continue;
        }
        for len in [n - start, (n - start).min(64), (n - start).min(70), 1] {
            let mut so = vec![Outcome::Recognized; len];
            let mut ss = vec![Status::Met; len * k];
            ev.statuses_into(start, &mut ss, &mut so);
            prop_assert_eq!(
                &so[..],
                &ref_outcomes[start..start + len],
                "statuses_into(start {}, {} towns) outcomes, towns loaded {}",
                start,
                len,
                load
            );
            prop_assert_eq!(
                &ss[..],
                &reference[start * k..(start + len) * k],
                "statuses_into(start {}, {} towns) statuses, towns loaded {}",
                start,
                len,
                load
            );
            let mut oo = vec![Outcome::Recognized; len];
            ev.outcomes_into(start, &mut oo);
            prop_assert_eq!(
                &oo[..],
                &ref_outcomes[start..start + len],
                "outcomes_into(start {}, {} towns), towns loaded {}",
                start,
                len,
                load
            );
        }
    }
    let (ps, po) = ev.par_statuses();
    prop_assert_eq!(
        &ps,
        &reference,
        "par_statuses statuses, towns loaded {}",
        load
    );
    prop_assert_eq!(
        &po,
        &ref_outcomes,
        "par_statuses outcomes, towns loaded {}",
        load
    );
    prop_assert_eq!(
        &ev.par_outcomes(),
        &ref_outcomes,
        "par_outcomes, towns loaded {}",
        load
    );
    Ok(reference)
}

fn check_evaluators(case: &Case) -> Result<(), TestCaseError> {
    let (model, rs) = rules(case)?;
    let in_memory = towns(case, &model, false, true)?;
    let from_file = towns(case, &model, true, true)?;
    let a = evaluators_agree(&rs, &in_memory, "from memory")?;
    let b = evaluators_agree(&rs, &from_file, "from a file")?;
    if a != b {
        let k = rs.criteria.len();
        let i = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(0);
        return Err(fail(format!(
            "the same CSV loaded from memory and from a file gives different statuses: \
                 town {}, criterion c{}: {:?} from memory, {:?} from a file",
            &in_memory.ids[i / k],
            i % k,
            a[i],
            b[i]
        )));
    }
    Ok(())
}

// ---- property 2: the evaluators agree with a model of the language ------------------------

/// The value of a literal as LANGUAGE.md reads it (money in 元, percentages in points).
fn literal(s: &str) -> Option<V> {
    match s {
        "true" | "是" => return Some(V::Bool(true)),
        "false" | "否" => return Some(V::Bool(false)),
        _ => {}
    }
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(end);
    let x = Decimal::from_str(number).expect("a generated number");
    let factor = match unit {
        "亿元" | "亿" => Decimal::from(100_000_000u32),
        "万元" | "万" => Decimal::from(10_000u32),
        _ => Decimal::ONE, // 元, %, ％, measure words, none
    };
    Some(V::Num(
        x.checked_mul(factor)
            .expect("a literal in range")
            .normalize(),
    ))
}

/// The kind of a generated value, by the rules of LANGUAGE.md (单位、百分比与比例).
#[derive(Debug, Clone, Copy, PartialEq)]
enum MK {
    Money,
    /// A percentage (held in points).
    Pct,
    /// A count.
    Cnt,
    /// A plain number.
    Num,
    /// A ratio of two quantities of the same kind (held as a ratio).
    Ratio,
    /// Percentage points.
    Points,
    /// Money per counted unit.
    PerUnit,
    /// Yes/no or a category.
    Other,
}

/// Whether a generated count names what it counts (`firms`: 家; a parameter's measure
/// word depends on the value generated for it, so only the fact is used).
fn measured(e: &E) -> bool {
    matches!(e, E::Atom("firms"))
}

/// Whether a binary operator compares its sides.
fn is_comparison(op: &str) -> bool {
    matches!(
        op,
        ">=" | "≥" | ">" | "<=" | "≤" | "<" | "=" | "==" | "!=" | "≠"
    )
}

/// A percentage read as a ratio: points ÷ 100.
fn as_ratio(v: V) -> V {
    match v {
        V::Num(d) => d
            .checked_div(Decimal::ONE_HUNDRED)
            .map_or(V::Unknown, V::Num),
        other => other,
    }
}

fn kleene_and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::False, _) | (_, Tri::False) => Tri::False,
        (Tri::True, Tri::True) => Tri::True,
        _ => Tri::Unknown,
    }
}

fn kleene_or(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::True, _) | (_, Tri::True) => Tri::True,
        (Tri::False, Tri::False) => Tri::False,
        _ => Tri::Unknown,
    }
}

fn kleene_not(a: Tri) -> Tri {
    match a {
        Tri::True => Tri::False,
        Tri::False => Tri::True,
        Tri::Unknown => Tri::Unknown,
    }
}

fn tri(v: V) -> Tri {
    match v {
        V::Bool(true) => Tri::True,
        V::Bool(false) => Tri::False,
        _ => Tri::Unknown,
    }
}

fn of_tri(t: Tri) -> V {
    match t {
        Tri::True => V::Bool(true),
        Tri::False => V::Bool(false),
        Tri::Unknown => V::Unknown,
    }
}

fn of_const(c: Option<Const>) -> V {
    match c {
        Some(Const::Num(d)) => V::Num(d),
        Some(Const::Bool(b)) => V::Bool(b),
        Some(Const::Member(m)) => V::Cat(m),
        None => V::Unknown,
    }
}

/// A model evaluator of the generated expressions, from docs/LANGUAGE.md: three-valued
/// logic, exact arithmetic (unknown on overflow and division by zero), `x in [a, b]` as
/// `x = a or x = b`, table lookups unknown for a category without an entry, and a
/// criterion not applicable when a table it looks up has no entry for the category.
/// Facts and parameter values are read from the engine (the loader and `set_param` are
/// not what is tested here).
struct ModelEval<'a> {
    big: bool,
    model: &'a Checked,
    ev: &'a Evaluator<'a>,
    towns: &'a Towns,
    /// Values assumed for missing category facts (fact, member): a town without a
    /// category is judged under every category (LANGUAGE.md).
    assumed: &'a [(usize, u16)],
    /// The value in force of each dated parameter at the date the rule set is read at
    /// (LANGUAGE.md: the latest value whose date is not after it; none before the first).
    dated: &'a [(usize, V)],
    /// Inside `all_years`: how many years before the evaluation year `year` stands for.
    back: i32,
}

/// The value in force of every dated parameter of `case`, as LANGUAGE.md says.
fn dated_values(case: &Case, model: &Checked) -> Vec<(usize, V)> {
    let at = case.given.unwrap_or(case.date);
    PARAMS
        .iter()
        .zip(&case.params)
        .filter_map(|(spec, st)| {
            let ParamState::Dated(a, b) = st else {
                return None;
            };
            let Some(Symbol::Param(p)) = model.resolve(spec.name) else {
                panic!("parameter {}", spec.name);
            };
            let v = if at >= LATER_FROM {
                literal(b).expect("a numeric value")
            } else if at >= FIRST_FROM {
                literal(a).expect("a numeric value")
            } else {
                V::Unknown
            };
            Some((p, v))
        })
        .collect()
}

/// The fact a yearly read names (`yout[year - 1]` → the fact `yout@2023`), worked out from
/// the text as LANGUAGE.md says: `year` is the header's evaluation year, moved `back`
/// years inside `all_years`.
fn year_fact(model: &Checked, read: &str, back: i32) -> Option<usize> {
    let (base, index) = read.strip_suffix(']')?.split_once('[')?;
    let now = YEAR - back;
    let year = match index.trim() {
        "year" => now,
        i => match i.strip_prefix("year") {
            Some(rest) => {
                let rest = rest.trim();
                let n: i32 = rest[1..].trim().parse().ok()?;
                if rest.starts_with('-') {
                    now - n
                } else {
                    now + n
                }
            }
            None => i.parse().ok()?,
        },
    };
    let id = match base {
        "分年产值" => "yout",
        b => b,
    };
    let f = model
        .facts
        .iter()
        .position(|f| f.id == format!("{id}@{year}"));
    Some(f.unwrap_or_else(|| panic!("no fact for `{read}`")))
}

impl ModelEval<'_> {
    fn name(&self, s: &str) -> Symbol {
        let s = grade_name(s, self.big);
        self.model
            .resolve(&s)
            .unwrap_or_else(|| panic!("generated name `{s}` resolves"))
    }

    fn fact_index(&self, s: &str) -> usize {
        match self.name(s) {
            Symbol::Fact(f) => f,
            _ => panic!("`{s}` is a fact"),
        }
    }

    fn table(&self, t: &str) -> usize {
        match self.name(t) {
            Symbol::Table(t) => t,
            _ => panic!("`{t}` is a table"),
        }
    }

    /// The entry of table `t` for a category value: `Some(None)` when the table has no
    /// entry for it, `None` when the value is not a category.
    fn entry(&self, t: usize, key: V) -> Option<Option<usize>> {
        match key {
            V::Cat(m) => Some(
                self.model.tables[t]
                    .entries
                    .get(m as usize)
                    .copied()
                    .flatten(),
            ),
            _ => None,
        }
    }

    fn number(&self, row: usize, f: usize) -> Option<Decimal> {
        match self.ev.fact(f, row) {
            V::Num(d) => Some(d),
            _ => None,
        }
    }

    /// The group key of town `row` by fact `w` (`None`: the town has none).
    fn group(&self, row: usize, w: Option<usize>) -> Option<String> {
        let Some(w) = w else {
            return Some(String::new());
        };
        match &self.towns.columns[w] {
            Column::Text(c) => c.get(row).map(str::to_string),
            _ => match self.ev.fact(w, row) {
                V::Cat(m) => Some(m.to_string()),
                _ => None,
            },
        }
    }

    fn stat(&self, f: &str, fact: &str, within: Option<&str>, row: usize) -> V {
        let fact = self.fact_index(fact);
        let within = within.map(|w| self.fact_index(w));
        let (Some(x), Some(key)) = (self.number(row, fact), self.group(row, within)) else {
            return V::Unknown;
        };
        let group: Vec<Decimal> = (0..self.towns.len())
            .filter(|&r| self.group(r, within).as_ref() == Some(&key))
            .filter_map(|r| self.number(r, fact))
            .collect();
        let size = Decimal::from(group.len() as u64);
        let rank = Decimal::from(1 + group.iter().filter(|&&y| y > x).count() as u64);
        let at_most = Decimal::from(group.iter().filter(|&&y| y <= x).count() as u64);
        let hundred = Decimal::ONE_HUNDRED;
        let sum = group
            .iter()
            .try_fold(Decimal::ZERO, |acc, y| acc.checked_add(*y));
        let v = match f {
            "rank" => Some(rank),
            "group_size" => Some(size),
            "percentile" => at_most
                .checked_mul(hundred)
                .and_then(|a| a.checked_div(size)),
            "top" => rank.checked_mul(hundred).and_then(|r| r.checked_div(size)),
            // Unknown when the sum is zero or overflows.
            "share" => match sum {
                Some(sum) if !sum.is_zero() => {
                    x.checked_mul(hundred).and_then(|a| a.checked_div(sum))
                }
                _ => None,
            },
            _ => unreachable!("statistic {f}"),
        };
        v.map_or(V::Unknown, V::Num)
    }

    /// The kind of a generated expression, from LANGUAGE.md.
    fn kind(&self, e: &E) -> MK {
        let of = |k: Kind| match k {
            Kind::Money => MK::Money,
            Kind::Percent => MK::Pct,
            Kind::Count => MK::Cnt,
            Kind::Number => MK::Num,
            _ => MK::Other,
        };
        match e {
            E::Atom(a) => match literal(a) {
                Some(V::Num(_)) => {
                    let unit = a.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
                    match unit {
                        "亿元" | "亿" | "万元" | "万" | "元" => MK::Money,
                        "%" | "％" => MK::Pct,
                        "个百分点" => MK::Points,
                        "" if a.contains('.') => MK::Num,
                        _ => MK::Cnt,
                    }
                }
                Some(_) => MK::Other,
                // A yearly read has the kind of its fact.
                None if a.contains('[') => match year_fact(self.model, a, self.back) {
                    Some(f) => of(self.model.facts[f].kind),
                    None => MK::Other,
                },
                None => match self.name(a) {
                    Symbol::Fact(f) => of(self.model.facts[f].kind),
                    Symbol::Param(p) => of(self.model.params[p].kind),
                    Symbol::Member(..) | Symbol::Table(_) => MK::Other,
                },
            },
            E::Neg(x) => self.kind(x),
            E::Call(_, a, b) => match self.kind(a) {
                MK::Num => self.kind(b),
                k => k,
            },
            E::Stat(f, ..) => match *f {
                "rank" | "group_size" => MK::Cnt,
                _ => MK::Pct,
            },
            E::Index(t, _) => of(self.model.tables[self.table(t)].kind),
            E::Not(..) | E::InList(..) | E::InTable(..) => MK::Other,
            E::Bin(l, op, r) => {
                let (kl, kr) = (self.kind(l), self.kind(r));
                let scalar = |k: MK, x: &E| k == MK::Num || (k == MK::Cnt && literal_only(x));
                let quantity = |k: MK, x: &E| matches!(k, MK::Money | MK::Cnt) && !scalar(k, x);
                match *op {
                    "+" | "-" => match (kl, kr) {
                        (MK::Pct, MK::Pct) if *op == "-" && !literal_only(l) => MK::Points,
                        (MK::Pct, MK::Points) | (MK::Points, MK::Pct) => MK::Pct,
                        (MK::Num, k) => k,
                        (k, _) => k,
                    },
                    "*" | "×" => match (kl, kr) {
                        (MK::Pct, k) if quantity(k, r) => k,
                        (k, MK::Pct) if quantity(k, l) => k,
                        (MK::Pct, _) | (_, MK::Pct) => MK::Pct,
                        (MK::Money, _) | (_, MK::Money) => MK::Money,
                        (MK::Num, k) => k,
                        (k, _) => k,
                    },
                    "/" | "÷" => match (kl, kr) {
                        (MK::Money, MK::Money) | (MK::Pct, MK::Pct) => MK::Ratio,
                        (MK::Cnt, MK::Cnt) if measured(l) && measured(r) => MK::Ratio,
                        (MK::Money, k) if quantity(k, r) => MK::PerUnit,
                        (k, _) => k,
                    },
                    _ => MK::Other,
                }
            }
        }
    }

    /// Where a percentage is read as a ratio (points ÷ 100) in `l op r`: (left, right).
    fn ratios(&self, l: &E, op: &str, r: &E) -> (bool, bool) {
        let (kl, kr) = (self.kind(l), self.kind(r));
        let scalar = |k: MK, x: &E| k == MK::Num || (k == MK::Cnt && literal_only(x));
        let quantity = |k: MK, x: &E| matches!(k, MK::Money | MK::Cnt) && !scalar(k, x);
        match op {
            // `share * 105%`: the literal one scales; otherwise the right one.
            "*" | "×" => match (kl, kr) {
                (MK::Pct, MK::Pct) => {
                    let left = literal_only(l) && !literal_only(r);
                    (left, !left)
                }
                (MK::Pct, k) => (quantity(k, r), false),
                (k, MK::Pct) => (false, quantity(k, l) || k == MK::Ratio),
                _ => (false, false),
            },
            "/" | "÷" => (false, kr == MK::Pct && quantity(kl, l)),
            "+" | "-" => (false, false),
            // Comparing a ratio with a percentage.
            _ => (
                kl == MK::Pct && kr == MK::Ratio,
                kr == MK::Pct && kl == MK::Ratio,
            ),
        }
    }

    /// One side of a comparison as `(value, divisor)`: a division is its operands (an
    /// unknown value when the quotient has none: a zero divisor or overflow), a
    /// percentage read as a ratio is its points over 100, anything else has no divisor.
    fn side(&self, e: &E, ratio: bool, row: usize) -> (V, Option<V>) {
        if ratio {
            return (self.value(e, row), Some(V::Num(Decimal::ONE_HUNDRED)));
        }
        match e {
            E::Bin(le, op @ ("/" | "÷"), re) => {
                let (cl, cr) = self.ratios(le, op, re);
                let a = self.value(le, row);
                let b = self.value(re, row);
                let a = if cl { as_ratio(a) } else { a };
                let b = if cr { as_ratio(b) } else { b };
                match (a, b) {
                    (V::Num(x), V::Num(y)) if x.checked_div(y).is_some() => (a, Some(b)),
                    _ => (V::Unknown, None),
                }
            }
            _ => (self.value(e, row), None),
        }
    }

    fn value(&self, e: &E, row: usize) -> V {
        match e {
            E::Atom(a) if a.contains('[') => match year_fact(self.model, a, self.back) {
                Some(f) => self.ev.fact(f, row),
                None => unreachable!("a yearly read {a}"),
            },
            E::Atom(a) => literal(a).unwrap_or_else(|| match self.name(a) {
                Symbol::Param(p) if self.dated.iter().any(|(x, _)| *x == p) => self
                    .dated
                    .iter()
                    .find(|(x, _)| *x == p)
                    .map_or(V::Unknown, |(_, v)| *v),
                Symbol::Fact(f) => self
                    .assumed
                    .iter()
                    .find(|(x, _)| *x == f)
                    .map_or_else(|| self.ev.fact(f, row), |&(_, m)| V::Cat(m)),
                Symbol::Param(p) => of_const(self.ev.param(p)),
                Symbol::Member(_, m) => V::Cat(m as u16),
                Symbol::Table(_) => unreachable!("a table is not a value"),
            }),
            E::Neg(x) => match self.value(x, row) {
                V::Num(d) => V::Num(-d),
                _ => V::Unknown,
            },
            E::Not(_, x) => of_tri(kleene_not(tri(self.value(x, row)))),
            E::Bin(le, op, re) if is_comparison(op) => {
                // Comparisons of ratios are exact (LANGUAGE.md, 单位、百分比与比例): a side
                // that is a division, or a percentage read as a ratio, is its exact quotient.
                let (cl, cr) = self.ratios(le, op, re);
                let (l, r) = (self.side(le, cl, row), self.side(re, cr, row));
                let ord = match (l, r) {
                    ((a, None), (b, None)) => match (a, b) {
                        (V::Num(a), V::Num(b)) => a.cmp(&b),
                        (V::Bool(a), V::Bool(b)) => a.cmp(&b),
                        (V::Cat(a), V::Cat(b)) => a.cmp(&b),
                        _ => return V::Unknown,
                    },
                    ((a, da), (b, db)) => {
                        let one = Some(V::Num(Decimal::ONE));
                        match (a, da.or(one), b, db.or(one)) {
                            (V::Num(a), Some(V::Num(da)), V::Num(b), Some(V::Num(db))) => {
                                match townrules::eval::exact::cmp_quotients(a, da, b, db) {
                                    Some(o) => o,
                                    None => return V::Unknown,
                                }
                            }
                            _ => return V::Unknown,
                        }
                    }
                };
                V::Bool(match *op {
                    ">=" | "≥" => ord.is_ge(),
                    ">" => ord.is_gt(),
                    "<=" | "≤" => ord.is_le(),
                    "<" => ord.is_lt(),
                    "=" | "==" => ord.is_eq(),
                    "!=" | "≠" => ord.is_ne(),
                    _ => unreachable!("operator {op}"),
                })
            }
            E::Bin(le, op, re) => {
                let (l, r) = (self.value(le, row), self.value(re, row));
                let (cl, cr) = self.ratios(le, op, re);
                let l = if cl { as_ratio(l) } else { l };
                let r = if cr { as_ratio(r) } else { r };
                match *op {
                    "and" | "且" | "&&" => of_tri(kleene_and(tri(l), tri(r))),
                    "or" | "或" | "||" => of_tri(kleene_or(tri(l), tri(r))),
                    "+" | "-" | "*" | "×" | "/" | "÷" => {
                        let (V::Num(a), V::Num(b)) = (l, r) else {
                            return V::Unknown;
                        };
                        let x = match *op {
                            "+" => a.checked_add(b),
                            "-" => a.checked_sub(b),
                            "*" | "×" => a.checked_mul(b),
                            _ => a.checked_div(b),
                        };
                        x.map_or(V::Unknown, V::Num)
                    }
                    cmp => {
                        let ord = match (l, r) {
                            (V::Num(a), V::Num(b)) => a.cmp(&b),
                            (V::Bool(a), V::Bool(b)) => a.cmp(&b),
                            (V::Cat(a), V::Cat(b)) => a.cmp(&b),
                            _ => return V::Unknown,
                        };
                        V::Bool(match cmp {
                            ">=" | "≥" => ord.is_ge(),
                            ">" => ord.is_gt(),
                            "<=" | "≤" => ord.is_le(),
                            "<" => ord.is_lt(),
                            "=" | "==" => ord.is_eq(),
                            "!=" | "≠" => ord.is_ne(),
                            _ => unreachable!("operator {cmp}"),
                        })
                    }
                }
            }
            // `all_years(c, n)`: `c` in the evaluation year and the n - 1 years before, `and`.
            E::Call("all_years", c, n) => {
                let E::Atom(n) = **n else {
                    unreachable!("a number of years")
                };
                let n: i32 = n.parse().expect("a number of years");
                let t = (0..n).fold(Tri::True, |t, back| {
                    kleene_and(t, tri(self.years_back(back).value(c, row)))
                });
                of_tri(t)
            }
            E::Call(f, a, b) => match (self.value(a, row), self.value(b, row)) {
                (V::Num(a), V::Num(b)) => V::Num(if *f == "min" { a.min(b) } else { a.max(b) }),
                _ => V::Unknown,
            },
            E::Stat(f, fact, within) => self.stat(f, fact, *within, row),
            E::Index(t, key) => {
                let t = self.table(t);
                match self.entry(t, self.value(key, row)) {
                    Some(Some(p)) => of_const(self.ev.param(p)),
                    _ => V::Unknown,
                }
            }
            E::InList(item, members, _) => {
                let x = self.value(item, row);
                let mut t = Tri::False;
                for m in members {
                    let eq = match (x, self.value(&E::Atom(m), row)) {
                        (V::Cat(a), V::Cat(b)) => {
                            if a == b {
                                Tri::True
                            } else {
                                Tri::False
                            }
                        }
                        _ => Tri::Unknown,
                    };
                    t = kleene_or(t, eq);
                }
                if !matches!(x, V::Cat(_)) {
                    t = Tri::Unknown;
                }
                of_tri(t)
            }
            E::InTable(item, t) => {
                let t = self.table(t);
                match self.entry(t, self.value(item, row)) {
                    Some(e) => V::Bool(e.is_some()),
                    None => V::Unknown,
                }
            }
        }
    }

    /// Whether some table lookup in `e` has no entry for its category.
    fn uncovered(&self, e: &E, row: usize) -> bool {
        match e {
            E::Atom(_) | E::Stat(..) => false,
            E::Neg(x) | E::Not(_, x) | E::InList(x, ..) | E::InTable(x, _) => {
                self.uncovered(x, row)
            }
            E::Bin(a, _, b) | E::Call(_, a, b) => self.uncovered(a, row) || self.uncovered(b, row),
            E::Index(t, key) => {
                let t = self.table(t);
                matches!(self.entry(t, self.value(key, row)), Some(None))
            }
        }
    }

    fn cond(&self, e: &E, row: usize) -> Tri {
        tri(self.value(e, row))
    }

    fn status(&self, c: &Crit, row: usize) -> Status {
        // "a category with no entry makes the criterion that looks it up not applicable"
        let uncovered = c.applies.iter().any(|a| self.uncovered(a, row))
            || c.requires.iter().any(|r| {
                self.uncovered(&r.cond, row)
                    || r.relax
                        .as_ref()
                        .is_some_and(|(w, t)| self.uncovered(w, row) || self.uncovered(t, row))
            });
        let applies = c
            .applies
            .iter()
            .fold(Tri::True, |acc, a| kleene_and(acc, self.cond(a, row)));
        if uncovered || applies == Tri::False {
            return Status::NotApplicable;
        }
        let all = c.requires.iter().fold(Tri::True, |acc, r| {
            let relaxed = r.relax.as_ref().map_or(Tri::False, |(w, t)| {
                kleene_and(self.cond(w, row), self.cond(t, row))
            });
            kleene_and(acc, kleene_or(self.cond(&r.cond, row), relaxed))
        });
        match (applies, all) {
            (_, Tri::False) => Status::NotMet,
            (Tri::True, Tri::True) => Status::Met,
            _ => Status::Undetermined,
        }
    }
}

impl<'a> ModelEval<'a> {
    /// The category facts a name or list item reads.
    fn cat_fact(&self, a: &str, out: &mut Vec<usize>) {
        if literal(a).is_some() || a.contains('[') {
            return;
        }
        if let Symbol::Fact(f) = self.name(a) {
            if matches!(self.model.facts[f].kind, Kind::Category(_)) && !out.contains(&f) {
                out.push(f);
            }
        }
    }

    /// The category facts an expression reads (not those of group statistics).
    fn cat_facts(&self, e: &E, out: &mut Vec<usize>) {
        match e {
            E::Atom(a) => self.cat_fact(a, out),
            E::Neg(x) | E::Not(_, x) | E::Index(_, x) | E::InTable(x, _) => self.cat_facts(x, out),
            E::Bin(l, _, r) | E::Call(_, l, r) => {
                self.cat_facts(l, out);
                self.cat_facts(r, out);
            }
            E::Stat(..) => {}
            E::InList(x, items, _) => {
                self.cat_facts(x, out);
                for a in items {
                    self.cat_fact(a, out);
                }
            }
        }
    }

    /// The category facts a criterion's status reads.
    fn crit_facts(&self, c: &Crit) -> Vec<usize> {
        let mut out = Vec::new();
        for a in &c.applies {
            self.cat_facts(a, &mut out);
        }
        for r in &c.requires {
            self.cat_facts(&r.cond, &mut out);
            if let Some((w, t)) = &r.relax {
                self.cat_facts(w, &mut out);
                self.cat_facts(t, &mut out);
            }
        }
        out
    }

    /// Every combination of values of the facts among `facts` missing for `row`
    /// (`None`: none missing, or more than the engine enumerates).
    fn combinations(&self, facts: &[usize], row: usize) -> Option<Vec<Vec<(usize, u16)>>> {
        let missing: Vec<usize> = facts
            .iter()
            .copied()
            .filter(|&f| self.ev.fact(f, row) == V::Unknown)
            .collect();
        if missing.is_empty() {
            return None;
        }
        let mut out = vec![Vec::new()];
        for f in missing {
            let Kind::Category(set) = self.model.facts[f].kind else {
                unreachable!("a category fact");
            };
            let members = self.model.categories[set].members.len() as u16;
            out = out
                .into_iter()
                .flat_map(|p: Vec<(usize, u16)>| {
                    (0..members).map(move |m| {
                        let mut v = p.clone();
                        v.push((f, m));
                        v
                    })
                })
                .collect();
            if out.len() > townrules::eval::joint::MAX_JOINT_CASES {
                return None;
            }
        }
        Some(out)
    }

    fn assuming<'b>(&'b self, assumed: &'b [(usize, u16)]) -> ModelEval<'b> {
        ModelEval {
            big: self.big,
            model: self.model,
            ev: self.ev,
            towns: self.towns,
            assumed,
            dated: self.dated,
            back: self.back,
        }
    }

    fn years_back(&self, back: i32) -> ModelEval<'_> {
        ModelEval {
            big: self.big,
            model: self.model,
            ev: self.ev,
            towns: self.towns,
            assumed: self.assumed,
            dated: self.dated,
            back: self.back + back,
        }
    }

    /// A criterion's status, over every value of the missing category facts it reads.
    fn joint_status(&self, c: &Crit, row: usize) -> Status {
        match self.combinations(&self.crit_facts(c), row) {
            None => self.status(c, row),
            Some(cases) => agree(cases.iter().map(|a| self.assuming(a).status(c, row)))
                .unwrap_or(Status::Undetermined),
        }
    }

    /// What a criterion gives the town's outcome over every value of the missing
    /// category facts it reads: recognised when met under each, not recognised when not
    /// met or not applicable under each (not met under some values and not applicable
    /// under others still rejects the town), else undetermined.
    fn joint_part(&self, c: &Crit, row: usize) -> Outcome {
        let one = |s: Status| Outcome::of([s]);
        match self.combinations(&self.crit_facts(c), row) {
            None => one(self.status(c, row)),
            Some(cases) => agree(cases.iter().map(|a| one(self.assuming(a).status(c, row))))
                .unwrap_or(Outcome::Undetermined),
        }
    }

    /// A town's outcome, over every value of the missing category facts its criteria read.
    fn joint_outcome(&self, crits: &[Cow<'_, Crit>], row: usize) -> Outcome {
        let mut facts = Vec::new();
        for c in crits {
            for f in self.crit_facts(c) {
                if !facts.contains(&f) {
                    facts.push(f);
                }
            }
        }
        match self.combinations(&facts, row) {
            // Too many combinations for the town (or none missing): not recognised when
            // one criterion rejects the town under every value it reads, recognised when
            // every one is met under every value, else undetermined.
            None => {
                let parts: Vec<Outcome> = crits.iter().map(|c| self.joint_part(c, row)).collect();
                if parts.contains(&Outcome::NotRecognized) {
                    Outcome::NotRecognized
                } else if parts.iter().all(|&o| o == Outcome::Recognized) {
                    Outcome::Recognized
                } else {
                    Outcome::Undetermined
                }
            }
            Some(cases) => agree(cases.iter().map(|a| {
                let m = self.assuming(a);
                Outcome::of(crits.iter().map(|c| m.status(c, row)))
            }))
            .unwrap_or(Outcome::Undetermined),
        }
    }
}

/// The one value every case gives.
fn agree<T: PartialEq + Copy>(mut xs: impl Iterator<Item = T>) -> Option<T> {
    let first = xs.next()?;
    xs.all(|x| x == first).then_some(first)
}

fn check_model(case: &Case) -> Result<(), TestCaseError> {
    let (model, rs) = rules(case)?;
    let towns = towns(case, &model, false, false)?;
    let ev = evaluator(&rs, &towns)?;
    let dated = dated_values(case, &model);
    let m = ModelEval {
        big: case.big,
        model: &model,
        ev: &ev,
        towns: &towns,
        assumed: &[],
        dated: &dated,
        back: 0,
    };
    let crits = case.criteria();
    let k = crits.len();
    prop_assert_eq!(k, rs.criteria.len());
    for row in 0..towns.len() {
        for (c, crit) in crits.iter().enumerate() {
            let want = m.joint_status(crit, row);
            let tree = ev.status_tree(c, row);
            let fast = ev.status(c, row);
            let xf = ev.explain_criterion(c, row);
            let xt = ev.explain_criterion_tree(c, row);
            if [tree, fast, xf.status, xt.status] != [want; 4] {
                return Err(fail(format!(
                    "the engine and the model of LANGUAGE.md disagree for town {} (row {row}), \
                         criterion c{c}:\n  model = {want:?}\n  status (fast) = {fast:?}\n  \
                         status_tree = {tree:?}\n  explain_criterion(..).status = {:?}\n  \
                         explain_criterion_tree(..).status = {:?}",
                    &towns.ids[row], xf.status, xt.status
                )));
            }
            let flags: Vec<Tri> = crit.priorities.iter().map(|p| m.cond(p, row)).collect();
            if xf.priorities != flags || xt.priorities != flags {
                return Err(fail(format!(
                        "priority flags disagree for town {} (row {row}), criterion c{c}:\n  \
                         model = {flags:?}\n  explain_criterion = {:?}\n  explain_criterion_tree = {:?}",
                        &towns.ids[row], xf.priorities, xt.priorities
                    ),
                ));
            }
        }
        let want = m.joint_outcome(&crits, row);
        prop_assert_eq!(ev.outcome(row), want, "outcome of town {}", &towns.ids[row]);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// The fast path, the tree walk and both explanations agree on random conditions and
    /// random towns, through every entry point.
    #[test]
    fn evaluators_agree_on_random_conditions(case in case()) {
        check_evaluators(&case)?;
    }

    /// The engine's verdicts are those of LANGUAGE.md, as a model evaluator of the
    /// generated expressions reads it.
    #[test]
    fn evaluators_agree_with_a_model_of_the_language(case in case()) {
        check_model(&case)?;
    }
}

/// The generator covers what it claims to: a fixed sample of cases uses every construct
/// of the condition language at least once (each generated file is checked by the
/// properties, which fail on any that does not check).
#[test]
fn the_generator_covers_every_construct() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::new(Config {
        rng_seed: RngSeed::Fixed(7),
        ..Config::default()
    });
    let strategy = case();
    let mut all = String::new();
    let (mut sets, mut drafts, mut many_towns, mut big, mut repeat) = (0, 0, 0, 0, 0);
    let (mut combined, mut many) = (0, 0);
    for _ in 0..200 {
        let c = strategy.new_tree(&mut runner).unwrap().current();
        all.push_str(&c.rule_text());
        all.push_str(&c.csv(false));
        sets += c.sets().len();
        drafts += c
            .params
            .iter()
            .filter(|p| matches!(p, ParamState::Draft))
            .count();
        many_towns += usize::from(c.towns.len() > 64);
        big += usize::from(c.big);
        repeat += usize::from(c.repeat);
        combined += usize::from(c.combined);
        many += usize::from(c.many);
    }
    for needle in [
        " not ",
        "非 ",
        "!(",
        " and ",
        " 且 ",
        " && ",
        " or ",
        " 或 ",
        " || ",
        " >= ",
        " > ",
        " <= ",
        " < ",
        " = ",
        " == ",
        " != ",
        " ≥ ",
        " ≤ ",
        " ≠ ",
        " in [",
        ",]",
        " in []",
        " in t_",
        "t_m[",
        "t_p[",
        "t_c[",
        "t_z[",
        "t_g[",
        " + ",
        " - ",
        " * ",
        " × ",
        " / ",
        " ÷ ",
        "-(",
        "min(",
        "max(",
        "rank(",
        "top(",
        "percentile(",
        "share(",
        "group_size(",
        " within ",
        "relax {",
        "applies ",
        "priority ",
        "亿元",
        "万元",
        "%",
        "户",
        "t_m.alpha",
        "t_m.甲类",
        "甲类",
        "g64",
        "param m_a : money =",
        "param m_b : money 万元\n",
        "# --set ",
        "0.0000001亿元",
        "123456789.123亿元",
        "1234567890123456789.012345678亿元",
        "yout[year]",
        "yout[year - 1]",
        "yout[year - 2]",
        "yout[2023]",
        "分年产值[year]",
        "yout@2023",
        "年度产值（2024年）",
        " from 2022-09-26 then ",
        "# --date 2020-01-01",
        "all_years(yout[year",
        "date 2025-01-01",
    ] {
        assert!(all.contains(needle), "the generator never wrote `{needle}`");
    }
    // Units (LANGUAGE.md, 单位、百分比与比例): points, a ratio of counts of the same thing,
    // money per unit, a quantity scaled by a percentage.
    for alternatives in [
        &["个百分点"][..],
        &["firms / firms", "firms ÷ firms"][..],
        &[" / jobs", " ÷ jobs", " / firms", " ÷ firms"][..],
        &[
            " * share",
            " × share",
            " * p_a",
            " × p_a",
            " * p_b",
            " × p_b",
        ][..],
    ] {
        assert!(
            alternatives.iter().any(|n| all.contains(n)),
            "the generator never wrote any of {alternatives:?}"
        );
    }
    assert!(
        sets > 0
            && drafts > 0
            && many_towns > 0
            && big > 0
            && repeat > 0
            && combined > 0
            && many > 0,
        "{sets} {drafts} {many_towns} {big} {repeat} {combined} {many}"
    );
}
