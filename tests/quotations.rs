//! Quotations are checked against the source text a rule set names in its header
//! (`source "sources/….txt"`): a misquote is an error at the quotation with a window of
//! the source around the first difference; a missing source text is a located error; a
//! rule set that names none gets one warning.

use std::path::Path;

use townrules::check::{check_file, check_source};
use townrules::diag::{render_plain, Code, Diag, Level};

/// Messages in English: every test of this binary starts with it (the language is
/// process-wide, so a test binary never mixes languages).
fn en() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
}

/// Check `src` as if it were `rules/inline_test.rules`, so that `sources/…` and
/// `import "facts.rules"` resolve to the shipped files.
fn diags(src: &str) -> Vec<Diag> {
    check_source(Path::new("rules/inline_test.rules"), src).diagnostics
}

fn with_code(ds: &[Diag], code: Code) -> Vec<&Diag> {
    ds.iter().filter(|d| d.code == code).collect()
}

fn loc(d: &Diag) -> String {
    let (l, c) = d.line_col.expect("located");
    format!("{l}:{c}")
}

const SHANXI: &str = "ruleset t {\n  title \"测试\"\n  source \"sources/shanxi-2022-80.txt\"\n}\n";

#[test]
fn the_old_priority_text_of_shanxi_two_five_is_a_misquote() {
    en();
    // The text shanxi.rules printed as the document's sentence until it was fixed.
    let src = format!(
        "{SHANXI}import \"facts.rules\"\n\
         criterion c \"龙头企业带动效应强\" {{\n  require leading_enterprises >= 1\n  \
         priority \"拥有国家级或省级企业技术中心、工程中心以及“专精特新”、“小巨人”、单项冠军企业的专业镇优先评定\"\n    \
         when tech_centers >= 1\n}}\n"
    );
    let ds = diags(&src);
    let m = with_code(&ds, Code::Misquote);
    assert_eq!(m.len(), 1, "{}", render_plain(&ds, 100));
    let d = m[0];
    assert_eq!(d.level, Level::Error);
    assert_eq!(loc(d), "8:12", "at the priority text");
    assert_eq!(
        d.message,
        "priority text not found in the source text `sources/shanxi-2022-80.txt`"
    );
    let help = d.help.clone().unwrap_or_default();
    // A window of the source around the first difference, and the quotation's side.
    assert!(
        help.contains("the source (line 118) reads “…新”、“小巨人”、单项冠军企业‸、龙头企业的专业镇优先评定。(…”"),
        "{help}"
    );
    assert!(
        help.contains("has “…”、单项冠军企业‸的专业镇优先评定”"),
        "{help}"
    );
    // The quotation is underlined in two parts: as far as the source has it, and from
    // its first differing character on.
    let (span, text) = &d.labels[0];
    assert!(src[span.start..span.end].ends_with("单项冠军企业"));
    assert_eq!(text, "found in the source");
    let (span, text) = &d.labels[1];
    assert_eq!(&src[span.start..span.end], "的专业镇优先评定\"");
    assert_eq!(text, "the source differs from here");
    // What a user sees.
    let shown = render_plain(&ds, 200);
    assert!(shown.contains("townrules::misquote"), "{shown}");
    assert!(shown.contains("inline_test.rules:8:12"), "{shown}");
}

#[test]
fn the_corrected_priority_text_is_the_documents_sentence() {
    en();
    let src = format!(
        "{SHANXI}import \"facts.rules\"\n\
         criterion c \"龙头企业带动效应强\" {{\n  require leading_enterprises >= 1\n  \
         priority \"拥有国家级或省级企业技术中心、工程中心以及“专精特新”、“小巨人”、单项冠军企业、龙头企业的专业镇优先评定\"\n    \
         when tech_centers >= 1\n}}\n"
    );
    let ds = diags(&src);
    assert!(ds.is_empty(), "{}", render_plain(&ds, 100));
}

#[test]
fn an_elision_does_not_join_two_sentences() {
    en();
    let src = format!(
        "{SHANXI}param p = 20亿元 {{\n  \
         quote \"特色主导产业原则上限定在一个县（区、市）内……原则上制造业类专业镇特色主导产业产值应达到20亿元以上\"\n}}\n"
    );
    let ds = diags(&src);
    let m = with_code(&ds, Code::Misquote);
    assert_eq!(m.len(), 1, "{}", render_plain(&ds, 100));
    assert_eq!(loc(m[0]), "6:9");
    assert!(
        m[0].message
            .contains("the words after “……” are not in the same sentence"),
        "{}",
        m[0].message
    );
    let help = m[0].help.clone().unwrap_or_default();
    assert!(
        help.contains("reads “…原则上限定在一个县(区、市)内‸,产业配套能力和竞争力较强。”"),
        "{help}"
    );
}

#[test]
fn spacing_widths_line_breaks_and_elisions_within_a_sentence_are_accepted() {
    en();
    // The source writes half-width `(` `,`, breaks lines inside words and leaves blank
    // lines between them; the quotation uses full-width punctuation and a space.
    let src = format!(
        "{SHANXI}param p = 20亿元 {{\n  \
         quote \"特色主导产业原则上限定在一个县（区、市）内，产业配套能力和竞争力较强。\"\n}}\n\
         param q = 10亿元 {{ quote \"原则上制造业类专业镇……应达到20亿元以上，特优农业、特色轻工 (工艺美术) 类应达到10亿元以上\" }}\n"
    );
    let ds = diags(&src);
    assert!(ds.is_empty(), "{}", render_plain(&ds, 100));
}

#[test]
fn every_kind_of_quotation_is_checked() {
    en();
    let src = format!(
        "{SHANXI}import \"facts.rules\"\n\
         param a = 1亿元 {{ quote \"错一\" }}\n\
         table b by category : money {{\n  quote \"错二\"\n  manufacturing = 1亿元 {{ quote \"错三\" }}\n}}\n\
         override a = 2亿元 {{ quote \"错四\" }}\n\
         criterion c \"标签\" {{\n  quote \"错五\"\n  require output_value >= a relax {{ when heritage then output_value >= 1亿元 quote \"错六\" }}\n  \
         priority \"错七\" when heritage\n}}\n\
         target t \"目标\" {{ quote \"错八\" }}\n\
         evaluation e \"体系\" {{\n  quote \"错九\"\n  indicator A \"甲\" weight 100 {{\n    indicator A1 \"甲一\" weight 100 {{ quote \"错十\" }}\n  }}\n  \
         grades {{ quote \"错十一\" 好 >= 0 }}\n}}\n"
    );
    let ds = diags(&src);
    let m = with_code(&ds, Code::Misquote);
    let got: Vec<String> = m.iter().map(|d| loc(d)).collect();
    assert_eq!(got.len(), 11, "{got:?}\n{}", render_plain(&ds, 100));
}

#[test]
fn a_missing_source_text_is_an_error_at_its_name() {
    en();
    let ds = diags(
        "ruleset t {\n  title \"测试\"\n  source \"sources/shanxi-2022-08.txt\"\n}\nparam p = 1亿元 { quote \"任意\" }\n",
    );
    let m = with_code(&ds, Code::MissingSource);
    assert_eq!(m.len(), 1, "{}", render_plain(&ds, 100));
    assert_eq!(m[0].level, Level::Error);
    assert_eq!(loc(m[0]), "3:10");
    assert!(
        m[0].message
            .starts_with("cannot read source text `sources/shanxi-2022-08.txt`"),
        "{}",
        m[0].message
    );
    let help = m[0].help.clone().unwrap_or_default();
    assert!(
        help.contains("did you mean `sources/shanxi-2022-80.txt`?"),
        "{help}"
    );
    // Its quotations are not reported one by one.
    assert!(with_code(&ds, Code::Misquote).is_empty());
}

#[test]
fn a_source_text_outside_the_rule_sets_folder_is_refused() {
    en();
    for path in ["../Cargo.toml", "/etc/hostname", "sources/../../README.md"] {
        let ds = diags(&format!(
            "ruleset t {{\n  title \"测试\"\n  source \"{path}\"\n}}\n"
        ));
        let m = with_code(&ds, Code::MissingSource);
        assert_eq!(m.len(), 1, "{path}: {}", render_plain(&ds, 100));
        assert!(
            m[0].message.contains("is outside the rule set's folder"),
            "{path}: {}",
            m[0].message
        );
        assert_eq!(loc(m[0]), "3:10");
    }
}

#[test]
fn a_rule_set_without_a_source_text_warns_once() {
    en();
    let ds = diags(
        "ruleset t { title \"测试\" }\nparam p = 1亿元 { quote \"错一\" }\nparam q = 1亿元 { quote \"错二\" }\n",
    );
    let w = with_code(&ds, Code::NoSource);
    assert_eq!(w.len(), 1, "{}", render_plain(&ds, 100));
    assert_eq!(w[0].level, Level::Warning);
    assert_eq!(loc(w[0]), "1:9");
    assert_eq!(
        w[0].message,
        "rule set `t` names no source text: its quotations are not checked"
    );
    assert!(w[0]
        .help
        .as_deref()
        .unwrap_or_default()
        .contains("source \"sources/….txt\""));
    assert!(!ds.iter().any(Diag::is_error));
}

#[test]
fn source_none_allows_no_quotation() {
    en();
    let ds = diags("ruleset t { title \"示例\" source none }\nparam p = 1亿元\n");
    assert!(ds.is_empty(), "{}", render_plain(&ds, 100));
    let ds =
        diags("ruleset t { title \"示例\" source none }\nparam p = 1亿元 { quote \"任意\" }\n");
    let m = with_code(&ds, Code::Misquote);
    assert_eq!(m.len(), 1, "{}", render_plain(&ds, 100));
    assert_eq!(loc(m[0]), "2:23");
    assert_eq!(
        m[0].message,
        "a quotation in a rule set that quotes no document"
    );
}

#[test]
fn a_header_field_given_twice_is_an_error() {
    en();
    let ds = diags(
        "ruleset t {\n  title \"测试\"\n  source \"sources/shanxi-2022-80.txt\"\n  source \"sources/xinzhou-2022-82.txt\"\n}\n",
    );
    let d = with_code(&ds, Code::Duplicate);
    assert_eq!(d.len(), 1, "{}", render_plain(&ds, 100));
    assert_eq!(loc(d[0]), "4:3");
    assert_eq!(d[0].message, "header field `source` is given twice");
}

#[test]
fn extended_quotations_are_checked_against_the_source_of_the_file_that_wrote_them() {
    en();
    // The root names the Xinjiang document; the criteria it extends quote the province's,
    // and are checked against the province's text (named by shanxi.rules).
    let root = "ruleset t {\n  title \"测试\"\n  source \"sources/xinjiang-2023-33.txt\"\n}\nextends \"shanxi.rules\"\n";
    let ds = diags(root);
    assert!(ds.is_empty(), "{}", render_plain(&ds, 100));
    // A province sentence quoted in the root is checked against the root's document.
    let ds = diags(&format!(
        "{root}override min_output.manufacturing = 15亿元 {{ quote \"可适当放宽认定条件，但年产值不少于1亿元\" }}\n"
    ));
    let m = with_code(&ds, Code::Misquote);
    assert_eq!(m.len(), 1, "{}", render_plain(&ds, 100));
    assert!(m[0].message.contains("`sources/xinjiang-2023-33.txt`"));
    assert_eq!(m[0].file.as_deref(), Some("rules/inline_test.rules"));
}

/// Every shipped rule set names its document's text, and every quotation and priority
/// text in rules/ is found in it (`townrules check rules/*.rules` is also run in CI).
#[test]
fn every_shipped_quotation_is_the_documents_words() {
    en();
    let mut files: Vec<_> = std::fs::read_dir("rules")
        .expect("rules/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    for f in &files {
        let r = check_file(f);
        let bad: Vec<&Diag> = r
            .diagnostics
            .iter()
            .filter(|d| {
                [
                    Code::Misquote,
                    Code::NoSource,
                    Code::MissingSource,
                    Code::Duplicate,
                ]
                .contains(&d.code)
            })
            .collect();
        assert!(
            bad.is_empty(),
            "{}: {}",
            f.display(),
            render_plain(&r.diagnostics, 100)
        );
        assert!(!r.has_errors(), "{}", f.display());
    }
}

/// Formula (1) of the Xinzhou standard is garbled in the source (“DCBAS”): the formula the
/// report prints is this rule set's reconstruction, and says so wherever it is shown.
#[test]
fn the_reconstructed_formula_is_marked_as_an_interpretation() {
    en();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_townrules"))
        .args([
            "eval",
            "rules/xinzhou-evaluation.rules",
            "examples/xinzhou_towns.csv",
            "--scores",
            "examples/xinzhou_scores.csv",
        ])
        .env("NO_COLOR", "1")
        .output()
        .expect("run townrules");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let at: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("计分：S = A + B + C + D"))
        .collect();
    assert!(!at.is_empty(), "{text}");
    for i in at {
        let next = lines.get(i + 1).copied().unwrap_or_default();
        assert!(
            next.starts_with("（本规则集的理解：原文公式(1)字符错乱")
                && next.ends_with("复原为 S = A + B + C + D，不是原文）"),
            "{next}"
        );
    }
}

#[test]
fn quotations_in_a_file_without_a_header_warn_once() {
    en();
    let ds = diags("param p = 1亿元 { quote \"错一\" }\nparam q = 1亿元 { quote \"错二\" }\n");
    let w = with_code(&ds, Code::NoSource);
    assert_eq!(w.len(), 1, "{}", render_plain(&ds, 100));
    assert_eq!(loc(w[0]), "1:23");
    assert_eq!(
        w[0].message,
        "quotations in a file without a `ruleset` header are not checked"
    );
}
