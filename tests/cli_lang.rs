//! The language of the command line (#14): `--help`, clap's errors and the REPL's
//! messages are Chinese by default and English with `--lang en` or an English `LANG`.
//!
//! Every test of this binary sets English first (`set_lang(Lang::En)`): the in-process
//! checks compare the English help with clap's own; the Chinese ones run the binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use clap::CommandFactory;
use townrules::app::cli::{command, Cli};
use townrules::i18n::{set_lang, Lang};

/// Run the binary with `env` on top of a clean environment (`LANG=C.UTF-8`, no
/// `TOWNRULES_LANG`, `LC_ALL`, `LC_MESSAGES`), feeding `input` to standard input.
fn run(args: &[&str], env: &[(&str, &str)], input: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_townrules"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("TOWNRULES_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start townrules");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write input");
    child.wait_with_output().expect("run townrules")
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

#[test]
fn help_is_chinese_by_default() {
    set_lang(Lang::En);
    let o = run(&["--help"], &[], "");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    for line in [
        "townrules — 专业镇认定标准规则引擎",
        "用法：townrules [选项] <命令>",
        "命令：",
        "  eval      按规则集评价各镇，每个结论都附说明。",
        "  help      显示本帮助或指定子命令的帮助",
        "选项：",
        "消息语言：zh（中文，默认）或 en（英文）",
        "  -h, --help                    显示帮助",
        "  -V, --version                 显示版本",
    ] {
        assert!(text.contains(line), "`{line}` not in\n{text}");
    }
    for english in ["Usage", "Options", "Commands", "Print help", "[OPTIONS]"] {
        assert!(!text.contains(english), "`{english}` in\n{text}");
    }
}

#[test]
fn eval_help_is_chinese_by_default() {
    set_lang(Lang::En);
    for args in [&["eval", "--help"][..], &["help", "eval"], &["eval", "-h"]] {
        let o = run(args, &[], "");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        let text = out(&o);
        for line in [
            "按规则集评价各镇，每个结论都附说明。",
            "用法：townrules eval [选项] <RULES> <TOWNS>",
            "参数：",
            "  <RULES>  规则文件。",
            "选项：",
            "把报告写入文件（原子写入），而不是输出到标准输出。",
            "可选值：text（供人阅读的中文文本，默认）",
            "[默认：text]",
        ] {
            assert!(text.contains(line), "{args:?}: `{line}` not in\n{text}");
        }
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "Possible values",
            "default:",
        ] {
            assert!(!text.contains(english), "{args:?}: `{english}` in\n{text}");
        }
    }
}

#[test]
fn help_is_english_with_lang_en_or_an_english_locale() {
    set_lang(Lang::En);
    let runs = [
        run(&["--help", "--lang", "en"], &[], ""),
        run(&["--lang=en", "--help"], &[], ""),
        run(&["--help"], &[("LANG", "en_US.UTF-8")], ""),
        run(&["--help"], &[("TOWNRULES_LANG", "en")], ""),
    ];
    for o in &runs {
        assert_eq!(o.status.code(), Some(0), "{}", err(o));
        let text = out(o);
        assert!(
            text.contains("Usage: townrules [OPTIONS] <COMMAND>"),
            "{text}"
        );
        assert!(text.contains("Evaluate towns against a rule set"), "{text}");
        assert!(!text.contains("用法"), "{text}");
    }
    let eval = [
        run(&["eval", "--help", "--lang", "en"], &[], ""),
        run(&["eval", "--help"], &[("LANG", "en_US.UTF-8")], ""),
    ];
    for o in &eval {
        let text = out(o);
        assert!(
            text.contains("Usage: townrules eval [OPTIONS] <RULES> <TOWNS>"),
            "{text}"
        );
        assert!(
            text.contains("Write the report to FILE (atomically) instead of standard output"),
            "{text}"
        );
        assert!(!text.contains("参数："), "{text}");
    }
}

/// English help is clap's own rendering of the derive's texts: the catalogue keeps it.
#[test]
fn english_help_is_the_same_as_before() {
    set_lang(Lang::En);
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut before = Cli::command();
    let mut now = command();
    assert_eq!(
        now.render_long_help().to_string(),
        before.render_long_help().to_string()
    );
    assert_eq!(
        now.render_help().to_string(),
        before.render_help().to_string()
    );
    for name in names {
        let mut b = Cli::command();
        b.build();
        let b = b.find_subcommand_mut(&name).expect("subcommand");
        let n = now.find_subcommand_mut(&name).expect("subcommand");
        assert_eq!(
            n.render_long_help().to_string(),
            b.render_long_help().to_string(),
            "`townrules {name} --help`"
        );
    }
}

#[test]
fn a_command_line_error_is_chinese_by_default_and_keeps_status_2() {
    set_lang(Lang::En);
    let o = run(&["eval", "--bogus"], &[], "");
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.starts_with("错误：不认识的参数 `--bogus`\n"), "{e}");
    assert!(
        e.contains("用法：townrules eval [选项] <RULES> <TOWNS>"),
        "{e}"
    );
    assert!(e.contains("更多信息请用 `--help` 查看。"), "{e}");
    let o = run(&["evl"], &[], "");
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.contains("错误：不认识的命令 `evl`"), "{e}");
    // The closest name first.
    assert!(e.contains("  提示：是否要写 `eval`、"), "{e}");
    let o = run(&["eval", "rules/shanxi.rules"], &[], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("错误：缺少必需的参数：<TOWNS>"),
        "{}",
        err(&o)
    );
    let o = run(
        &[
            "eval",
            "rules/shanxi.rules",
            "examples/edge_cases.csv",
            "--format",
            "pdf",
        ],
        &[],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(
        e.contains("错误：参数 `--format <FORMAT>` 的值 `pdf` 无效"),
        "{e}"
    );
    assert!(e.contains("  提示：可选值："), "{e}");
    let o = run(&["fmt", "x.rules", "--check", "--write"], &[], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("不能与"), "{}", err(&o));
    let o = run(&["--lang", "fr", "check", "x.rules"], &[], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("不认识的语言 `fr`"), "{}", err(&o));
    let o = run(&["repl", "--year", "abc"], &[], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("错误：参数 `--year <YEAR>` 的值 `abc` 无效：应为整数"),
        "{}",
        err(&o)
    );
    // No command at all: the help, on stderr, exit status 2.
    let o = run(&[], &[], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("用法：townrules [选项] <命令>"),
        "{}",
        err(&o)
    );
    let o = run(&["--lang", "zh"], &[], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).starts_with("错误：缺少命令\n  提示：可用的命令：check、eval"),
        "{}",
        err(&o)
    );
    // English: clap's own words.
    let o = run(&["eval", "--bogus", "--lang", "en"], &[], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).starts_with("error: unexpected argument '--bogus' found"),
        "{}",
        err(&o)
    );
}

#[test]
fn repl_help_and_errors_are_chinese_by_default() {
    set_lang(Lang::En);
    let o = run(&["repl"], &[], "help\nhelp set\nlod\n");
    assert_eq!(o.status.code(), Some(1));
    let text = out(&o);
    assert!(
        text.contains("命令（TOWN 为编号或名称；Tab 补全命令、参数名、镇和认定标准）："),
        "{text}"
    );
    assert!(
        text.contains("修改参数（检查单位），立即列出结论变化的镇"),
        "{text}"
    );
    let e = err(&o);
    assert_eq!(
        e,
        "错误：第3行：不认识的命令 `lod`；是否要写 `load`？（`help` 列出全部命令）\n"
    );
    let o = run(&["repl", "--lang", "en"], &[], "help\nlod\n");
    let text = out(&o);
    assert!(text.contains("Commands (TOWN is an id or a name"), "{text}");
    assert!(
        text.contains("change a parameter (units checked)"),
        "{text}"
    );
    assert_eq!(
        err(&o),
        "error: line 2: unknown command `lod`; did you mean `load`? (`help` lists the commands)\n"
    );
}

#[test]
fn repl_status_messages_follow_the_language() {
    set_lang(Lang::En);
    let input =
        "set min_output.manufacturing = 20亿元\nset min_supporting_enterprises = 8户\nundo\n";
    let args = ["repl", "rules/shanxi.rules"];
    let zh = run(&args, &[], input);
    assert_eq!(zh.status.code(), Some(0), "{}", err(&zh));
    let text = out(&zh);
    assert!(text.contains("已载入规则：rules/shanxi.rules"), "{text}");
    assert!(text.contains("参数的值没有变化。"), "{text}");
    assert!(
        text.contains("已撤销：set min_supporting_enterprises = 8户"),
        "{text}"
    );
    let en = run(&["repl", "rules/shanxi.rules", "--lang", "en"], &[], input);
    assert_eq!(en.status.code(), Some(0), "{}", err(&en));
    let text = out(&en);
    assert!(text.contains("loaded rules: rules/shanxi.rules"), "{text}");
    assert!(text.contains("no parameter value changed."), "{text}");
    assert!(
        text.contains("undone: set min_supporting_enterprises = 8户"),
        "{text}"
    );
    // The unsaved-changes warning at the end of piped input, in both languages.
    let zh = run(&args, &[], "set min_supporting_enterprises = 8户\n");
    assert!(
        err(&zh).contains("警告：会话结束时仍有未保存的修改：min_supporting_enterprises = 8户"),
        "{}",
        err(&zh)
    );
    let en = run(
        &["repl", "rules/shanxi.rules", "--lang", "en"],
        &[],
        "set min_supporting_enterprises = 8户\n",
    );
    assert!(
        err(&en).contains(
            "warning: the session ends with changes not saved: min_supporting_enterprises = 8户"
        ),
        "{}",
        err(&en)
    );
}
