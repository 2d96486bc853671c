//! `townrules fmt` over generated rule files: every construct of the grammar, with
//! random layout between the tokens (spaces, line breaks, blank lines, `#` and `//`
//! comments). The formatted file parses to the same tree, formatting it again changes
//! nothing, and the comments come out in the same order.

use proptest::prelude::*;

use townrules::source::Source;
use townrules::syntax::format::format;

type Toks = Vec<String>;
type S = BoxedStrategy<Toks>;

fn t(words: &[&str]) -> Toks {
    words.iter().map(|w| w.to_string()).collect()
}

fn one_of(xs: &'static [&'static str]) -> S {
    proptest::sample::select(xs)
        .prop_map(|x| vec![x.to_string()])
        .boxed()
}

fn cat(parts: Vec<Toks>) -> Toks {
    parts.into_iter().flatten().collect()
}

fn opt(s: S) -> S {
    prop_oneof![Just(Vec::new()), s].boxed()
}

fn many(s: S, n: usize) -> S {
    proptest::collection::vec(s, 0..=n)
        .prop_map(|v| v.into_iter().flatten().collect())
        .boxed()
}

fn label() -> S {
    one_of(&[
        "\"标签\"",
        "\"产值（亿元），含“引号”与《书名》\"",
        "\"带 # 号与 { } 的文本\"",
        "\"转义\\\"引号\\\"\"",
        "\"全角　空格，  两个空格\"",
    ])
}

fn expr() -> S {
    let leaf = one_of(&[
        "output_value",
        "jobs",
        "min_output.manufacturing",
        "最低产值.制造业",
        "20亿元",
        "5000万",
        "5个百分点",
        "30%",
        "3",
        "2.50",
        "10户",
        "是",
        "true",
        "否",
        "year",
    ]);
    leaf.prop_recursive(4, 24, 3, |inner| {
        let ops: &'static [&'static str] = &[
            ">=", "≥", "<=", "≤", "!=", "≠", "==", "=", ">", "<", "+", "-", "*", "×", "/", "÷",
            "and", "且", "&&", "or", "或", "||",
        ];
        prop_oneof![
            (inner.clone(), one_of(ops), inner.clone()).prop_map(|(a, o, b)| cat(vec![a, o, b])),
            (one_of(&["not", "非", "!", "-"]), inner.clone()).prop_map(|(o, a)| cat(vec![o, a])),
            inner
                .clone()
                .prop_map(|a| cat(vec![t(&["("]), a, t(&[")"])])),
            inner
                .clone()
                .prop_map(|a| cat(vec![t(&["(", "("]), a, t(&[")", ")"])])),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| cat(vec![
                t(&["["]),
                a,
                t(&[","]),
                b,
                t(&["]"])
            ])),
            inner
                .clone()
                .prop_map(|a| cat(vec![t(&["x", "["]), a, t(&["]"])])),
            (inner.clone(), prop::bool::ANY).prop_map(|(a, list)| if list {
                cat(vec![
                    a,
                    t(&["in", "[", "manufacturing", ",", "culture_tourism", ",", "]"]),
                ])
            } else {
                cat(vec![a, t(&["in", "min_output"])])
            }),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| cat(vec![
                t(&["min", "("]),
                a,
                t(&[","]),
                b,
                t(&[")"])
            ])),
            inner.clone().prop_map(|a| cat(vec![
                t(&["rank", "("]),
                a,
                t(&["within", "county", ")"])
            ])),
            Just(t(&["group_size", "(", ")"])),
            Just(t(&["yearly_output", "[", "year", "-", "1", "]"])),
        ]
    })
    .boxed()
}

fn attr() -> S {
    (
        one_of(&[
            "clause",
            "quote",
            "note",
            "interpretation",
            "level",
            "by",
            "towns",
            "条款",
        ]),
        prop_oneof![
            label(),
            one_of(&["2022-09-26", "20亿元", "30", "province", "county"])
        ],
    )
        .prop_map(|(k, v)| cat(vec![k, v]))
        .boxed()
}

fn block() -> S {
    many(attr(), 3)
        .prop_map(|a| cat(vec![t(&["{"]), a, t(&["}"])]))
        .boxed()
}

fn kind() -> S {
    one_of(&[
        "money 亿元",
        "money",
        "count 人",
        "category industry",
        "percent",
        "yes_no",
        "text",
    ])
    .prop_map(|k| k[0].split(' ').map(String::from).collect())
    .boxed()
}

fn value() -> S {
    one_of(&[
        "20亿元",
        "1.5亿",
        "10户",
        "30%",
        "是",
        "false",
        "manufacturing",
    ])
}

fn since() -> S {
    opt(one_of(&["2022-09-26", "2025-01-01", "2025年1月1日"])
        .prop_map(|d| cat(vec![t(&["from"]), d]))
        .boxed())
}

fn dated() -> S {
    let version = (value(), since(), opt(block()))
        .prop_map(|(v, s, b)| cat(vec![t(&["then"]), v, s, b]))
        .boxed();
    (since(), opt(block()), many(version, 2))
        .prop_map(|(s, b, v)| cat(vec![s, b, v]))
        .boxed()
}

fn indicator(depth: u32) -> S {
    let body: S = if depth == 0 {
        prop_oneof![
            Just(t(&["score", "expert"])),
            expr().prop_map(|e| cat(vec![t(&["score", "full", "when"]), e])),
            expr().prop_map(|e| cat(vec![t(&["score", "="]), e])),
            attr(),
        ]
        .boxed()
    } else {
        prop_oneof![indicator(depth - 1), attr()].boxed()
    };
    (
        one_of(&["A", "A1", "B2.1"]),
        label(),
        one_of(&["40", "2.5", "5"]),
        opt(many(body, 3)
            .prop_map(|b| cat(vec![t(&["{"]), b, t(&["}"])]))
            .boxed()),
    )
        .prop_map(|(c, l, w, b)| cat(vec![t(&["indicator"]), c, l, t(&["weight"]), w, b]))
        .boxed()
}

fn item() -> S {
    let header =
        many(attr(), 4).prop_map(|a| cat(vec![t(&["ruleset", "demo", "{"]), a, t(&["}"])]));
    let member = (
        one_of(&["manufacturing", "特优农业", "m"]),
        label(),
        many(
            prop_oneof![label(), one_of(&["别名", "alias_id"])]
                .prop_map(|a| cat(vec![t(&["alias"]), a]))
                .boxed(),
            2,
        ),
    )
        .prop_map(|(i, l, a)| cat(vec![i, l, a]));
    let category = many(member.boxed(), 3).prop_map(|m| {
        cat(vec![
            t(&["category", "industry", "\"产业类别\"", "{"]),
            m,
            t(&["}"]),
        ])
    });
    let fact = (
        one_of(&["output_value", "jobs", "年产值"]),
        label(),
        kind(),
        opt(Just(t(&["yearly"])).boxed()),
        many(label().prop_map(|l| cat(vec![t(&["alias"]), l])).boxed(), 2),
        opt(block()),
    )
        .prop_map(|(i, l, k, y, a, b)| cat(vec![t(&["fact"]), i, l, t(&[":"]), k, y, a, b]));
    let param = (
        one_of(&["min_output", "min_output.manufacturing"]),
        prop_oneof![
            (value(), dated()).prop_map(|(v, d)| cat(vec![t(&["="]), v, d])),
            (kind(), opt(block())).prop_map(|(k, b)| cat(vec![t(&[":"]), k, b])),
        ],
    )
        .prop_map(|(n, r)| cat(vec![t(&["param"]), n, r]));
    let entry = (
        one_of(&["manufacturing", "specialty_agriculture"]),
        value(),
        dated(),
    )
        .prop_map(|(k, v, d)| cat(vec![k, t(&["="]), v, d]))
        .boxed();
    let table = (
        opt(kind().prop_map(|k| cat(vec![t(&[":"]), k])).boxed()),
        many(prop_oneof![entry, attr()].boxed(), 4),
    )
        .prop_map(|(k, b)| {
            cat(vec![
                t(&["table", "min_output", "by", "category"]),
                k,
                t(&["{"]),
                b,
                t(&["}"]),
            ])
        });
    let override_ = (value(), dated()).prop_map(|(v, d)| {
        cat(vec![
            t(&["override", "min_output.manufacturing", "="]),
            v,
            d,
        ])
    });
    let relax = (
        opt(Just(t(&["discretionary"])).boxed()),
        expr(),
        expr(),
        many(attr(), 2),
    )
        .prop_map(|(d, w, th, a)| {
            cat(vec![
                t(&["relax"]),
                d,
                t(&["{", "when"]),
                w,
                t(&["then"]),
                th,
                a,
                t(&["}"]),
            ])
        })
        .boxed();
    let crit_item = prop_oneof![
        expr().prop_map(|e| cat(vec![t(&["applies"]), e])),
        (expr(), opt(label()), opt(relax)).prop_map(|(e, l, r)| cat(vec![
            t(&["require"]),
            e,
            l,
            r
        ])),
        (label(), expr()).prop_map(|(l, e)| cat(vec![t(&["priority"]), l, t(&["when"]), e])),
        attr(),
    ]
    .boxed();
    let criterion = (
        opt(Just(t(&["override"])).boxed()),
        label(),
        many(crit_item, 5),
    )
        .prop_map(|(o, l, b)| cat(vec![o, t(&["criterion", "c"]), l, t(&["{"]), b, t(&["}"])]));
    let band = (
        one_of(&["优秀", "良", "不合格"]),
        prop_oneof![
            (one_of(&["[", "("]), one_of(&["]", ")"])).prop_map(|(o, c)| cat(vec![
                o,
                t(&["75", ",", "90.5"]),
                c
            ])),
            (
                one_of(&[">=", ">", "<=", "<", "≥", "≤"]),
                one_of(&["60", "90"])
            )
                .prop_map(|(o, n)| cat(vec![o, n])),
        ],
    )
        .prop_map(|(g, s)| cat(vec![g, s]))
        .boxed();
    let grades = (opt(label()), many(prop_oneof![band, attr()].boxed(), 4))
        .prop_map(|(l, b)| cat(vec![t(&["grades"]), l, t(&["{"]), b, t(&["}"])]))
        .boxed();
    let evaluation = (
        label(),
        many(prop_oneof![indicator(2), grades, attr()].boxed(), 4),
    )
        .prop_map(|(l, b)| cat(vec![t(&["evaluation", "e"]), l, t(&["{"]), b, t(&["}"])]));
    prop_oneof![
        header,
        Just(t(&["import", "\"facts.rules\""])),
        Just(t(&["extends", "\"shanxi.rules\""])),
        category,
        fact,
        param,
        table,
        override_,
        criterion,
        (opt(label())).prop_map(|l| cat(vec![t(&["drop", "criterion", "old"]), l])),
        (one_of(&["target", "population"]), label(), opt(block())).prop_map(|(k, l, b)| cat(vec![
            k,
            t(&["t"]),
            l,
            b
        ])),
        (label(), expr(), opt(block())).prop_map(|(l, e, b)| cat(vec![
            t(&["priority"]),
            l,
            t(&["when"]),
            e,
            b
        ])),
        evaluation,
    ]
    .boxed()
}

/// What goes between two tokens.
const SEPARATORS: &[&str] = &[
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\n  ",
    "\n\n",
    "\n\n\n   ",
    "\t",
    " # 注释 { \"\n",
    "\n// 另一条 }\n",
    "  #\n",
    "\u{3000}",
];

fn file() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(item(), 1..6),
        proptest::collection::vec(0..SEPARATORS.len(), 64),
    )
        .prop_map(|(items, seps)| {
            let mut out = String::new();
            for (k, tok) in items.into_iter().flatten().enumerate() {
                out.push_str(&tok);
                out.push_str(SEPARATORS[seps[k % seps.len()]]);
            }
            out
        })
}

fn comments(text: &str) -> Vec<String> {
    townrules::parse(&Source::new("x.rules", text))
        .map(|f| f.comments.into_iter().map(|c| c.text).collect())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn fmt_is_idempotent_and_keeps_the_tree_and_comments(text in file()) {
        let source = Source::new("gen.rules", text.as_str());
        let before = townrules::parse(&source);
        prop_assert!(before.is_ok(), "the generated file does not parse:\n{text}\n{before:?}");
        let once = format(&source).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let after = townrules::parse(&Source::new("gen.rules", once.as_str()));
        prop_assert!(after.is_ok(), "formatted does not parse:\n{once}");
        prop_assert!(before.ok() == after.ok(), "tree changed:\n{text}\n----\n{once}");
        let twice = format(&Source::new("gen.rules", once.as_str()))
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(&once, &twice, "not idempotent; input:\n{}", text);
        prop_assert_eq!(comments(&text), comments(&once));
        // No trailing spaces, two-space indentation, one newline at the end.
        for line in once.lines() {
            prop_assert!(!line.ends_with(' '), "trailing space: {:?}", line);
            let indent = line.len() - line.trim_start_matches(' ').len();
            prop_assert!(indent % 2 == 0, "odd indentation: {:?}", line);
        }
        prop_assert!(!once.contains("\n\n\n"), "a run of blank lines:\n{}", once);
    }
}
