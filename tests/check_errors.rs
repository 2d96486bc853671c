//! Rule-file errors: each test gives a small rule text and asserts the diagnostic's
//! code, message, line:column and help, as a user would see them.

use std::path::Path;

use townrules::check::check_source;
use townrules::diag::{render_plain, Diag, Level};

/// Messages in English: every test of this binary starts with it (the language is
/// process-wide, so a test binary never mixes languages).
fn en() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
}

/// Check `src` as if it were `rules/inline_test.rules` (so `import "facts.rules"` works).
fn diags(src: &str) -> Vec<Diag> {
    check_source(Path::new("rules/inline_test.rules"), src).diagnostics
}

fn first_error(src: &str) -> Diag {
    diags(src)
        .into_iter()
        .find(|d| d.level == Level::Error)
        .unwrap_or_else(|| panic!("expected an error for:\n{src}"))
}

/// `error!(name, source, code, "line:col", message fragment, help fragment)`
macro_rules! error {
    ($name:ident, $src:expr, $code:expr, $loc:expr, $msg:expr, $help:expr) => {
        #[test]
        fn $name() {
            let d = first_error($src);
            assert_eq!(d.code, $code, "code; message was {}", d.message);
            let (l, c) = d.line_col.expect("located");
            assert_eq!(format!("{l}:{c}"), $loc, "location of `{}`", d.message);
            assert!(
                d.message.contains($msg),
                "message `{}` lacks `{}`",
                d.message,
                $msg
            );
            let help = d.help.clone().unwrap_or_default();
            assert!(help.contains($help), "help `{help}` lacks `{}`", $help);
        }
    };
}

const HEAD: &str = "ruleset t { title \"测试\" document \"测试〔2024〕1号\" level county }\nimport \"facts.rules\"\n";

fn with_head(body: &str) -> String {
    en();
    format!("{HEAD}{body}")
}

error!(
    unknown_fact_suggests,
    &with_head("criterion c \"标签\" {\n  require outpt_value >= 20亿元\n}\n"),
    "townrules::unknown_name",
    "4:11",
    "unknown name `outpt_value`",
    "did you mean `output_value`?"
);

error!(
    unknown_chinese_alias_suggests,
    &with_head("criterion c \"标签\" {\n  require 年产直 >= 20亿元\n}\n"),
    "townrules::unknown_name",
    "4:11",
    "unknown name `年产直`",
    "did you mean `年产值`?"
);

error!(
    money_compared_with_people,
    &with_head("criterion c \"标签\" {\n  require output_value >= jobs\n}\n"),
    "townrules::kind_mismatch",
    "4:11",
    "cannot compare money with a count",
    "money compares only with money"
);

error!(
    money_compared_with_bare_number,
    &with_head("criterion c \"标签\" {\n  require output_value >= 20\n}\n"),
    "townrules::kind_mismatch",
    "4:11",
    "cannot compare money with a count",
    "`20亿元`"
);

error!(
    percent_compared_with_count,
    &with_head("criterion c \"标签\" {\n  require national_market_share >= 30\n}\n"),
    "townrules::kind_mismatch",
    "4:36",
    "cannot compare a percentage with a plain number",
    "write `30%`"
);

error!(
    unknown_parameter_suggests,
    &with_head("param min_jobs = 2000人\ncriterion c \"标签\" {\n  require jobs >= min_job\n}\n"),
    "townrules::unknown_name",
    "5:19",
    "unknown name `min_job`",
    "did you mean `min_jobs`?"
);

error!(
    duplicate_parameter,
    &with_head("param min_jobs = 2000人\nparam min_jobs = 1000人\n"),
    "townrules::duplicate",
    "4:7",
    "`min_jobs` is declared twice",
    "override min_jobs"
);

error!(
    duplicate_criterion,
    &with_head("criterion c \"甲\" {\n  require heritage\n}\ncriterion c \"乙\" {\n  require heritage\n}\n"),
    "townrules::duplicate",
    "6:11",
    "criterion `c` is declared twice",
    "override criterion"
);

error!(
    missing_import_suggests,
    "import \"fact.rules\"\n",
    "townrules::missing_import",
    "1:8",
    "cannot read",
    "did you mean `facts.rules`?"
);

error!(
    syntax_error_in_plain_words,
    &with_head("param min_output = 20亿元以上\n"),
    "townrules::syntax",
    "3:24",
    "expected",
    ">="
);

error!(
    unclosed_criterion,
    &with_head("criterion c \"标签\" {\n  require heritage\n"),
    "townrules::syntax",
    "5:1",
    "found the end of the file",
    ""
);

error!(
    param_unit_mismatch,
    &with_head("param relaxed : money = 30%\n"),
    "townrules::kind_mismatch",
    "3:25",
    "expected money, found a percentage",
    "5000万元"
);

error!(
    text_fact_in_condition,
    &with_head("criterion c \"标签\" {\n  require county == 1\n}\n"),
    "townrules::kind_mismatch",
    "4:11",
    "text fact `county`",
    "conditions use"
);

error!(
    table_without_key,
    &with_head("table t by category : money { manufacturing = 1亿元 }\ncriterion c \"标签\" {\n  require output_value >= t\n}\n"),
    "townrules::table_use",
    "5:27",
    "table `t` needs a key",
    "t[category]"
);

error!(
    override_of_unknown_parameter,
    "extends \"shanxi.rules\"\noverride min_output.manufactring = 15亿元\n",
    "townrules::unknown_name",
    "2:10",
    "`override` of unknown parameter",
    "did you mean `min_output.manufacturing`?"
);

#[test]
fn import_cycle_is_an_error_naming_the_chain() {
    en();
    let dir = std::env::temp_dir().join(format!("townrules-cycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.rules"), "import \"b.rules\"\n").unwrap();
    std::fs::write(dir.join("b.rules"), "import \"a.rules\"\n").unwrap();
    let r = townrules::check::check_file(&dir.join("a.rules"));
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("cycle error");
    assert_eq!(d.code, "townrules::import_cycle");
    assert!(
        d.message.contains("a.rules → b.rules → a.rules"),
        "{}",
        d.message
    );
    assert_eq!(d.line_col, Some((1, 8)));
}

#[test]
fn several_errors_are_reported_together() {
    en();
    let src = with_head(
        "criterion c \"标签\" {\n  require outpt_value >= 20亿元\n  require jobz >= 1\n}\n",
    );
    let errors: Vec<_> = diags(&src).into_iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[test]
fn rendered_diagnostic_underlines_the_source() {
    en();
    let src = with_head("criterion c \"标签\" {\n  require outpt_value >= 20亿元\n}\n");
    let text = render_plain(&diags(&src), 80);
    assert!(text.contains("unknown name `outpt_value`"), "{text}");
    assert!(text.contains("rules/inline_test.rules:4:11"), "{text}");
    assert!(text.contains("─────┬─────"), "underline missing:\n{text}");
    assert!(
        text.contains("help: did you mean `output_value`?"),
        "{text}"
    );
}

#[test]
fn draft_parameter_is_a_note_not_an_error() {
    en();
    let src = with_head(
        "param min_jobs : count\ncriterion c \"标签\" {\n  require jobs >= min_jobs\n}\n",
    );
    let ds = diags(&src);
    assert!(ds.iter().all(|d| !d.is_error()), "{ds:?}");
    assert!(ds
        .iter()
        .any(|d| d.level == Level::Note && d.message.contains("min_jobs")));
}

#[test]
fn every_bundled_rule_file_checks_clean() {
    en();
    for entry in std::fs::read_dir("rules").unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "rules") {
            let r = townrules::check::check_file(&p);
            let errs: Vec<_> = r.diagnostics.iter().filter(|d| d.is_error()).collect();
            assert!(
                errs.is_empty(),
                "{}: {}",
                p.display(),
                render_plain(&r.diagnostics, 80)
            );
        }
    }
}

#[test]
fn chinese_identifiers_read_like_the_document() {
    en();
    let src = with_head(
        "table 最低产值 by 产业类别 : money {\n  制造业 = 20亿元\n  特优农业 = 10亿元\n}\n\
         criterion 产业集聚 \"产业集聚度高\" {\n  clause \"二（四）\"\n  require 年产值 >= 最低产值.制造业 且 类别 = 制造业\n}\n",
    );
    let r = check_source(Path::new("rules/inline_test.rules"), &src);
    assert!(!r.has_errors(), "{}", render_plain(&r.diagnostics, 80));
    let rs = townrules::compile(&r.model.unwrap()).unwrap();
    assert_eq!(rs.criteria[0].id, "产业集聚");
    assert_eq!(rs.params[0].name, "最低产值.manufacturing");
}

error!(
    a_count_of_people_compared_with_households_is_refused,
    &with_head("criterion c \"标签\" {\n  require jobs >= 2000户\n}\n"),
    "townrules::unit",
    "4:19",
    "`户` counts enterprises, but this is a count of people (`人`)",
    "write the count with `人`"
);

error!(
    a_parameter_of_people_compared_with_enterprises_is_refused,
    &with_head(
        "param min_jobs = 2000人\ncriterion c \"标签\" {\n  require supporting_enterprises >= min_jobs\n}\n"
    ),
    "townrules::unit",
    "5:37",
    "`人` counts people, but this is a count of enterprises (`户`)",
    "write the count with `户`"
);

error!(
    a_table_counts_one_kind_of_thing,
    &with_head(
        "table t by category : count {\n  manufacturing = 10家\n  specialty_agriculture = 8人\n}\n"
    ),
    "townrules::unit",
    "5:27",
    "`人` counts people, but this is a count of enterprises (`家`)",
    "write the count with `家`"
);

#[test]
fn measure_words_for_the_same_kind_of_thing_are_synonyms() {
    en();
    let src = with_head(
        "param min_jobs : count 名\n\
         criterion c \"标签\" {\n  require supporting_enterprises >= 10家 and leading_enterprises >= 1户\n\
         require jobs >= min_jobs and regional_brands >= 2个\n}\n",
    );
    let r = check_source(Path::new("rules/inline_test.rules"), &src);
    assert!(!r.has_errors(), "{}", render_plain(&r.diagnostics, 80));
}

#[test]
fn a_far_first_declaration_is_named_by_its_line_not_drawn() {
    en();
    // The excerpt of a duplicate twenty lines apart holds the two places only, not every
    // line between; the first place is named in the help.
    let filler = "# 说明\n".repeat(20);
    let src = format!(
        "ruleset t {{ title \"t\" source none }}\nimport \"facts.rules\"\n\
         criterion a \"甲\" {{ require heritage }}\n{filler}criterion a \"乙\" {{ require heritage }}\n"
    );
    let ds = diags(&src);
    let out = render_plain(&ds, 100);
    assert!(out.contains("criterion `a` is declared twice"), "{out}");
    assert!(out.contains("(first declared here: line 3)"), "{out}");
    assert!(
        out.lines().filter(|l| l.contains("# 说明")).count() <= 2,
        "the lines between are not drawn:\n{out}"
    );
}

error!(
    count_with_wan_and_a_fraction_left,
    &with_head("param p = 1.00005万户\n"),
    "townrules::number",
    "3:11",
    "10000.5",
    "whole number"
);
