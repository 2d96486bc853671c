//! `townrules fmt`: the canonical layout is idempotent, keeps the meaning (the same
//! syntax tree, no new diagnostics, `townrules diff` says no change) and keeps every
//! comment in order — for every shipped rule file and for a messy file; the command's
//! `--check` and `--write`.

use std::path::{Path, PathBuf};
use std::process::Command;

use townrules::source::Source;
use townrules::syntax::format::format;

const BIN: &str = env!("CARGO_BIN_EXE_townrules");

fn fmt_text(name: &str, text: &str) -> String {
    format(&Source::new(name, text)).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn comment_texts(text: &str) -> Vec<String> {
    let file = townrules::parse(&Source::new("x.rules", text)).expect("parses");
    file.comments.into_iter().map(|c| c.text).collect()
}

fn shipped() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("rules")
        .expect("rules/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "the shipped rule files: {files:?}");
    files
}

/// Idempotent, the same tree, the same comments in the same order.
fn assert_layout_keeps(name: &str, text: &str) -> String {
    let once = fmt_text(name, text);
    let twice = fmt_text(name, &once);
    assert_eq!(once, twice, "{name}: fmt(fmt(x)) != fmt(x)");
    let before = townrules::parse(&Source::new(name, text)).expect("parses");
    let after = townrules::parse(&Source::new(name, once.as_str())).expect("formatted parses");
    assert!(before == after, "{name}: the syntax tree changed");
    assert_eq!(
        comment_texts(text),
        comment_texts(&once),
        "{name}: comments"
    );
    once
}

#[test]
fn shipped_rule_files_are_in_the_canonical_layout() {
    for path in shipped() {
        let text = std::fs::read_to_string(&path).expect("read");
        let name = path.display().to_string();
        let once = assert_layout_keeps(&name, &text);
        assert_eq!(
            once, text,
            "{name} is not formatted: run `townrules fmt --write {name}`"
        );
    }
}

fn diagnostics(path: &Path) -> Vec<String> {
    let mut out: Vec<String> = townrules::check(path)
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {:?} {}", d.level, d.code, d.message))
        .collect();
    out.sort();
    out
}

/// A copy of rules/ (with the source texts quotations are checked against).
fn copy_rules(dir: &Path) {
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_file() {
                std::fs::copy(&p, to.join(p.file_name().expect("name"))).expect("copy");
            }
        }
    };
    copy(Path::new("rules"), &dir.join("rules"));
    copy(Path::new("rules/sources"), &dir.join("rules/sources"));
}

/// Every shipped file, laid out differently (each token on its own line, comments
/// between), formats back; the formatted copies check with the same diagnostics and
/// `townrules diff` finds no change.
#[test]
fn formatted_copies_mean_the_same() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_rules(tmp.path());
    let files = shipped();
    // All copies first: the rule sets import the formatted facts.rules.
    for path in &files {
        let text = std::fs::read_to_string(path).expect("read");
        let once = assert_layout_keeps(&path.display().to_string(), &messy(&text));
        assert_eq!(
            once,
            fmt_text("x", &text),
            "{}: messy layout",
            path.display()
        );
        std::fs::write(tmp.path().join(path), &once).expect("write");
    }
    let mut compared = 0;
    for path in &files {
        let copy = tmp.path().join(path);
        assert_eq!(diagnostics(path), diagnostics(&copy), "{}", path.display());
        let text = std::fs::read_to_string(path).expect("read");
        if townrules::parse(&Source::new("x", text.as_str()))
            .expect("parses")
            .items
            .iter()
            .all(|i| !matches!(i.node, townrules::syntax::ast::Item::Header(_)))
        {
            continue; // facts.rules: not a rule set of its own, compared through its importers
        }
        let out = Command::new(BIN)
            .args(["diff"])
            .arg(path)
            .arg(&copy)
            .output()
            .expect("run diff");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: diff says\n{}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        compared += 1;
    }
    assert!(compared >= 8, "{compared} rule sets compared");
}

/// The same file with its layout scrambled: runs of spaces doubled, indentation
/// removed, a blank line run tripled, and a space before each `{` turned into a line
/// break (which the grammar allows everywhere outside texts and comments).
fn messy(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            out.push_str("\n\n\n");
            continue;
        }
        if trimmed.contains(['#', '"']) || trimmed.contains("//") {
            out.push_str(trimmed);
        } else {
            out.push_str(&trimmed.replace(' ', "   ").replace(" {", "\n{"));
        }
        out.push('\n');
    }
    out
}

#[test]
fn a_messy_file_becomes_canonical() {
    let messy = r#"

# 头注释
ruleset demo { title "示例（测试）" document "某文件"   level county convention "“以上”按 >= 理解" }
import "facts.rules"
param  a=20亿元 from 2022-09-26 {clause "一" note "旧"} then 15亿元 from 2025-01-01{ clause "二" }  # 下调
param b : money
table min_output by category : money { clause "二（四）"
manufacturing=20亿元 specialty_agriculture = 10亿元 }



criterion c "条件"{clause "三"
  applies category in [manufacturing,specialty_agriculture]
  require output_value>=min_output[category]and(jobs+ 1)*2 >= -3个 "产值"  relax discretionary { when not origin_or_gi||x[year - 1]>=5个百分点 then rank(output_value within county)<=3 quote "可以放宽" }
  // 优先
  priority "优先评定" when tech_centers >= 1
  interpretation "按 >= 理解"
}
drop criterion old "本级无此条"
evaluation e "评价" { total 100
indicator A "甲" weight 40 { indicator A1 "甲一" weight 40 { score = weight * (x / 2) } }
grades "表1" { 优秀 >=90 良好 [75,90) 不合格 <60 } }
"#;
    let want = r#"# 头注释
ruleset demo {
  title    "示例（测试）"
  document "某文件"
  level    county
  convention "“以上”按 >= 理解"
}

import "facts.rules"

param a = 20亿元 from 2022-09-26 {
  clause "一"
  note   "旧"
} then 15亿元 from 2025-01-01 {
  clause "二"
}  # 下调
param b : money

table min_output by category : money {
  clause "二（四）"
  manufacturing         = 20亿元
  specialty_agriculture = 10亿元
}

criterion c "条件" {
  clause "三"
  applies category in [manufacturing, specialty_agriculture]
  require output_value >= min_output[category] and (jobs + 1) * 2 >= -3个 "产值"
    relax discretionary {
      when  not origin_or_gi || x[year - 1] >= 5个百分点
      then  rank(output_value within county) <= 3
      quote "可以放宽"
    }
  // 优先
  priority "优先评定"
    when tech_centers >= 1
  interpretation "按 >= 理解"
}

drop criterion old "本级无此条"

evaluation e "评价" {
  total 100
  indicator A "甲" weight 40 {
    indicator A1 "甲一" weight 40 {
      score = weight * (x / 2)
    }
  }
  grades "表1" {
    优秀   >= 90
    良好   [75, 90)
    不合格 < 60
  }
}
"#;
    let got = assert_layout_keeps("messy.rules", messy);
    assert_eq!(got, want, "got:\n{got}");
}

#[test]
fn comments_stay_where_they_were() {
    let text = "# 文件头\n\nfact a \"甲\" : count 人 # 行尾\n# 独占一行\nfact bb \"乙乙\" : money 亿元 {\n  note \"注\" // 注释\n  # 块尾\n}\n# 文件尾\n";
    let got = assert_layout_keeps("c.rules", text);
    assert_eq!(
        got,
        "# 文件头\n\nfact a \"甲\" : count 人  # 行尾\n# 独占一行\nfact bb \"乙乙\" : money 亿元 {\n  note \"注\"  // 注释\n  # 块尾\n}\n# 文件尾\n"
    );
}

#[test]
fn texts_keep_their_bytes() {
    let text = "param x = 1 {\n  quote \"含\\\"引号\\\"、 全角　空格，和 # 号\"\n}\n";
    let got = assert_layout_keeps("t.rules", text);
    assert_eq!(got, text);
}

#[test]
fn a_file_that_does_not_parse_is_an_error() {
    let e = format(&Source::new("bad.rules", "param x = 20亿元以上\n")).unwrap_err();
    assert!(e.message.contains("以上") || !e.message.is_empty(), "{e:?}");
}

fn run(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("TOWNRULES_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("run townrules");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fmt_check_and_write() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let messy = "param  a=1亿元{clause \"一\"}\n";
    let good = "param a = 1亿元 {\n  clause \"一\"\n}\n";
    std::fs::write(dir.join("m.rules"), messy).expect("write");
    std::fs::write(dir.join("g.rules"), good).expect("write");

    let (code, out, _) = run(&["fmt", "m.rules"], dir);
    assert_eq!((code, out.as_str()), (0, good));

    let (code, out, _) = run(&["fmt", "--check", "g.rules"], dir);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) = run(&["fmt", "--check", "g.rules", "m.rules"], dir);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("-param  a=1亿元{clause \"一\"}"), "{out}");
    assert!(out.contains("+param a = 1亿元 {"), "{out}");
    assert!(out.contains("m.rules 未按规范格式排版"), "{out}");
    assert!(!out.contains("g.rules 未按"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.join("m.rules")).expect("read"),
        messy
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = std::fs::Permissions::from_mode(0o640);
        std::fs::set_permissions(dir.join("m.rules"), p).expect("chmod");
    }
    let (code, out, _) = run(&["fmt", "--write", "m.rules", "g.rules"], dir);
    assert_eq!(code, 0);
    assert!(
        out.contains("m.rules 已排版") && !out.contains("g.rules"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("m.rules")).expect("read"),
        good
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("m.rules"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.to_string_lossy().starts_with(".townrules"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let (code, _, _) = run(&["fmt", "--check", "m.rules"], dir);
    assert_eq!(code, 0);
}

#[test]
fn fmt_reports_syntax_errors_and_leaves_the_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bad = "param x = 20亿元以上\n";
    std::fs::write(tmp.path().join("bad.rules"), bad).expect("write");
    let (code, out, err) = run(&["fmt", "--write", "bad.rules"], tmp.path());
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("bad.rules") && err.contains("有语法错误"),
        "{err}"
    );
    assert!(
        err.contains("以上"),
        "the parser's located diagnostic: {err}"
    );
    let kept = std::fs::read_to_string(tmp.path().join("bad.rules")).expect("read");
    assert_eq!(kept, bad);
    let (code, _, _) = run(&["fmt", "--check", "--write", "bad.rules"], tmp.path());
    assert_eq!(code, 2, "--check and --write together are a usage error");
}

/// Every other rule file in the repository (malformed-input fixtures, fuzz regressions):
/// those that parse keep their tree, comments and layout under a second `fmt`; those
/// that do not get the parser's error, never a panic.
#[test]
fn every_rule_file_in_the_repository() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rules") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new("tests"), &mut files);
    walk(Path::new("examples"), &mut files);
    let (mut formatted, mut refused) = (0, 0);
    for path in files {
        let Ok(source) = Source::read(&path) else {
            continue;
        };
        let name = path.display().to_string();
        if townrules::parse(&source).is_ok() {
            assert_layout_keeps(&name, source.text());
            formatted += 1;
        } else {
            assert!(format(&source).is_err(), "{name}");
            refused += 1;
        }
    }
    assert!(
        formatted >= 40 && refused >= 10,
        "{formatted} formatted, {refused} refused"
    );
}
