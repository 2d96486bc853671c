//! Diagnostics about rule files speak Chinese by default and English with `--lang en`
//! (or an English `LANG`), with the same stable codes (`townrules::unknown_name` …):
//! `townrules check` on broken rule files, one per code, in both languages.

use std::path::Path;
use std::process::Command;

/// One broken rule file: its code, and fragments of its message, label and help in
/// each language.
struct Case {
    name: &'static str,
    body: &'static str,
    code: &'static str,
    zh: &'static [&'static str],
    en: &'static [&'static str],
}

const HEAD: &str = "ruleset t { title \"测试\" document \"测试〔2024〕1号\" level county source none }\nimport \"facts.rules\"\n";

const CASES: &[Case] = &[
    Case {
        name: "unknown_name",
        body: "criterion c \"标签\" {\n  require outpt_value >= 20亿元\n}\n",
        code: "townrules::unknown_name",
        zh: &[
            "× 不认识的名称 `outpt_value`",
            "不是事实、参数或类别",
            "提示：是否想写 `output_value`？",
        ],
        en: &[
            "× unknown name `outpt_value`",
            "not a fact, parameter or category",
            "help: did you mean `output_value`?",
        ],
    },
    Case {
        name: "kind_mismatch",
        body: "criterion c \"标签\" {\n  require output_value >= jobs\n}\n",
        code: "townrules::kind_mismatch",
        zh: &[
            "× 金额不能与计数比较",
            "这是金额",
            "这是计数",
            "提示：金额只能与金额比较",
        ],
        en: &[
            "× cannot compare money with a count",
            "this is money",
            "this is a count",
            "help: money compares only with money",
        ],
    },
    Case {
        name: "syntax",
        body: "param min_jobs = 2000人以上\n",
        code: "townrules::syntax",
        zh: &["× 此处应为", "却遇到 `人以上`", "提示：请把这类说法写成运算符"],
        en: &[
            "× expected the end of the file",
            "found `人以上`",
            "help: write the reading as an operator",
        ],
    },
    Case {
        name: "duplicate",
        body: "param min_jobs = 2000\nparam min_jobs = 3000\n",
        code: "townrules::duplicate",
        zh: &["× `min_jobs` 重复声明", "此处再次声明", "首次声明在此"],
        en: &[
            "× `min_jobs` is declared twice",
            "declared again here",
            "first declared here",
        ],
    },
    Case {
        name: "unit",
        body: "param min_jobs = 2000人\ncriterion c \"标签\" {\n  require leading_enterprises >= min_jobs\n}\n",
        code: "townrules::unit",
        zh: &["× `人` 用来计人，而这里计的是企业（`家`）", "提示：请用 `家`"],
        en: &[
            "× `人` counts people, but this is a count of enterprises (`家`)",
            "help: write the count with `家`",
        ],
    },
    Case {
        name: "date",
        body: "param min_jobs = 2000 then 3000\n",
        code: "townrules::date",
        zh: &["× 后续的值需要写明生效日期", "何时生效？", "提示：写成 `then 3000 from 2025-01-01`"],
        en: &[
            "× a later value needs the date it takes effect",
            "from when?",
            "help: write `then 3000 from 2025-01-01`",
        ],
    },
    Case {
        name: "empty_criterion",
        body: "criterion c \"标签\" {\n  clause \"一\"\n}\n",
        code: "townrules::empty_criterion",
        zh: &["× 认定条件 `c` 没有任何 `require`", "提示：请至少写一行 `require 条件`"],
        en: &[
            "× criterion `c` has no `require`",
            "help: add at least one `require CONDITION`",
        ],
    },
];

/// `townrules check r.rules [extra]` on `body` (after the header and the shared
/// vocabulary), with `lang` as the environment's `LANG`; the standard error.
fn check(body: &str, extra: &[&str], lang: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("rules/facts.rules"),
        dir.path().join("facts.rules"),
    )
    .expect("copy");
    std::fs::write(dir.path().join("r.rules"), format!("{HEAD}{body}")).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_townrules"))
        .arg("check")
        .arg("r.rules")
        .args(extra)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("TOWNRULES_LANG")
        .output()
        .expect("run townrules");
    assert_eq!(out.status.code(), Some(1), "{body}");
    // miette wraps long lines: undo it (gutters dropped, white space collapsed).
    let text = String::from_utf8(out.stderr).expect("UTF-8");
    text.lines()
        .map(|l| {
            let l = l.trim();
            l.strip_prefix('│').map_or(l, str::trim)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn has_all(name: &str, out: &str, want: &[&str]) {
    // Chinese may be wrapped anywhere: compare without white space.
    let squeezed: String = out.chars().filter(|c| !c.is_whitespace()).collect();
    for w in want {
        let w: String = w.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(squeezed.contains(&w), "{name}: `{w}` missing in\n{out}");
    }
}

#[test]
fn rule_diagnostics_are_chinese_by_default() {
    for c in CASES {
        let out = check(c.body, &[], "C.UTF-8");
        assert!(
            out.contains(c.code),
            "{}: code {} missing in\n{out}",
            c.name,
            c.code
        );
        has_all(c.name, &out, c.zh);
        assert!(
            !out.contains("help:"),
            "{}: English `help:` in\n{out}",
            c.name
        );
    }
}

#[test]
fn rule_diagnostics_are_english_with_lang_en() {
    for c in CASES {
        let out = check(c.body, &["--lang", "en"], "C.UTF-8");
        assert!(
            out.contains(c.code),
            "{}: code {} missing in\n{out}",
            c.name,
            c.code
        );
        has_all(c.name, &out, c.en);
        assert!(
            !out.contains("提示："),
            "{}: Chinese `提示：` in\n{out}",
            c.name
        );
    }
}

#[test]
fn an_english_locale_asks_for_english_and_lang_zh_overrides_it() {
    let c = &CASES[0];
    has_all(c.name, &check(c.body, &[], "en_US.UTF-8"), c.en);
    has_all(
        c.name,
        &check(c.body, &["--lang", "zh"], "en_US.UTF-8"),
        c.zh,
    );
}
