//! The malformed-input corpus (`tests/malformed/`): every broken rule file and data file
//! is run through the real binary, which must exit with status 1 (a user error, never
//! 101, a panic) and print the message and location that `tests/malformed/expected.toml`
//! gives for it. A file in the corpus without an expectation fails the test, and so
//! does an expectation without its file.
//!
//! Rule files: `townrules check FILE --lang en` must print `message` (matched with
//! miette's line wrapping undone), the location as `FILE:LINE:COL` and the help; and
//! `townrules check FILE` in the default language (no `--lang`, `LANG=C.UTF-8`) must
//! print `message_zh` at the same location (matched without white space: miette may
//! wrap Chinese text anywhere).
//! Data files: `townrules eval rules/shanxi.rules FILE --format csv`, run twice: with
//! `--lang en`, each error must be printed as the exact line `error: FILE{location}:
//! {message}`; in the default language (Chinese, `LANG=C.UTF-8`), as the exact line
//! `错误：FILE{location_zh}：{message_zh}` (help lines `  提示：{help_zh}`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde::Deserialize;

const DIR: &str = "tests/malformed";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// Path under `tests/malformed/`: `rules/…` or `data/…`.
    file: String,
    exit: i32,
    message: String,
    location: String,
    #[serde(default)]
    cell: Option<String>,
    #[serde(default)]
    help: Option<String>,
    /// The last line of a data file's report (`N errors in the data file; …`).
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    also: Vec<Also>,
    /// Data: more arguments for `eval` (e.g. `["--max-input-size", "64"]`).
    #[serde(default)]
    args: Vec<String>,
    /// The message in Chinese (the default language), exactly as printed.
    #[serde(default)]
    message_zh: Option<String>,
    /// Data: the location in Chinese, e.g. ` 第3行 `output_value` 列`.
    #[serde(default)]
    location_zh: Option<String>,
    /// Data: the help line in Chinese, exactly as printed after `  提示：`.
    #[serde(default)]
    help_zh: Option<String>,
    /// Data: the last line of the report in Chinese.
    #[serde(default)]
    summary_zh: Option<String>,
    /// Data: the command before `--format csv` and `args`, `{file}` standing for the
    /// case's file (by default `eval rules/shanxi.rules {file}`): for a score sheet, or a
    /// command line that is at fault with a good data file.
    #[serde(default)]
    command: Option<Vec<String>>,
    /// Data: the file is not in the folder but made when the test runs, in Cargo's
    /// temporary folder: a symbolic link to this path (`/dev/zero`), or with `"fifo"` a
    /// named pipe.
    #[serde(default)]
    link: Option<String>,
    /// Data: the message names no file (an error of the command line).
    #[serde(default)]
    no_path: bool,
    /// Data: a warning, not an error: the program goes on (exit status 0) and prints
    /// its report.
    #[serde(default)]
    warning: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Also {
    message: String,
    location: String,
    /// The message in Chinese.
    #[serde(default)]
    message_zh: Option<String>,
    /// The location in Chinese.
    #[serde(default)]
    location_zh: Option<String>,
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(format!("{DIR}/expected.toml")).expect("manifest");
    toml::from_str(&text).expect("tests/malformed/expected.toml parses")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_townrules"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("TOWNRULES_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("run townrules")
}

/// `townrules ARGS` in the default language, whatever the environment asks for.
fn run_default_lang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_townrules"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("TOWNRULES_LANG")
        .output()
        .expect("run townrules")
}

/// `text` without any white space.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// miette's output with its line wrapping undone: gutters dropped, whitespace collapsed.
fn unwrap_lines(text: &str) -> String {
    let joined: Vec<&str> = text
        .lines()
        .map(|l| {
            let l = l.trim();
            l.strip_prefix('│').map_or(l, str::trim)
        })
        .collect();
    joined
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn files_in(sub: &str) -> BTreeSet<String> {
    std::fs::read_dir(format!("{DIR}/{sub}"))
        .expect("corpus folder")
        .map(|e| format!("{sub}/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect()
}

#[test]
fn every_file_has_an_expectation_and_every_expectation_a_file() {
    let m = manifest();
    let all: BTreeSet<String> = m.case.iter().map(|c| c.file.clone()).collect();
    assert_eq!(all.len(), m.case.len(), "a file is listed twice");
    // Links and pipes are made when the test runs.
    let listed: BTreeSet<String> = m
        .case
        .iter()
        .filter(|c| c.link.is_none())
        .map(|c| c.file.clone())
        .collect();
    let present: BTreeSet<String> = files_in("rules")
        .union(&files_in("data"))
        .cloned()
        .collect();
    let unexpected: Vec<_> = present.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&present).collect();
    assert!(
        unexpected.is_empty(),
        "files without an expectation: {unexpected:?}"
    );
    assert!(
        missing.is_empty(),
        "expectations without a file: {missing:?}"
    );
    let rules = present.iter().filter(|f| f.starts_with("rules/")).count();
    let data = present.len() - rules;
    assert!(rules >= 40, "only {rules} broken rule files");
    assert!(data >= 40, "only {data} broken data files");
}

fn check_exit(case: &Case, out: &Output, stderr: &str) -> Option<String> {
    match out.status.code() {
        Some(code) if code == case.exit && code != 101 => None,
        other => Some(format!(
            "{}: exit status {other:?}, expected {}\n{stderr}",
            case.file, case.exit
        )),
    }
}

#[test]
fn broken_rule_files_are_reported_with_message_and_location() {
    let mut failures = Vec::new();
    for case in manifest()
        .case
        .iter()
        .filter(|c| c.file.starts_with("rules/"))
    {
        let path = format!("{DIR}/{}", case.file);
        // `LINE:COL` in this file, or `OTHER.rules:LINE:COL` in another file of the folder.
        let at = match case.location.matches(':').count() {
            1 => format!("{path}:{}", case.location),
            _ => format!("{DIR}/rules/{}", case.location),
        };
        // Chinese, the default.
        let out = run_default_lang(&["check", &path]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Some(f) = check_exit(case, &out, &stderr) {
            failures.push(f);
            continue;
        }
        match &case.message_zh {
            None => failures.push(format!("{}: no `message_zh`", case.file)),
            Some(zh) if !squeeze(&unwrap_lines(&stderr)).contains(&squeeze(&format!("× {zh}"))) => {
                failures.push(format!(
                    "{}: Chinese message `{zh}` not printed by default\n{stderr}",
                    case.file
                ))
            }
            Some(_) => {}
        }
        if !squeeze(&unwrap_lines(&stderr)).contains(&at) {
            failures.push(format!(
                "{}: location `{at}` not printed by default\n{stderr}",
                case.file
            ));
        }
        // English on request.
        let out = run(&["check", &path, "--lang", "en"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Some(f) = check_exit(case, &out, &stderr) {
            failures.push(f);
            continue;
        }
        let text = unwrap_lines(&stderr);
        let message = collapse(&case.message);
        if !text.contains(&format!("× {message}")) {
            failures.push(format!(
                "{}: message `{message}` not printed\n{stderr}",
                case.file
            ));
        }
        if !text.contains(&at) {
            failures.push(format!(
                "{}: location `{at}` not printed\n{stderr}",
                case.file
            ));
        }
        if let Some(h) = &case.help {
            if !text.contains(&collapse(h)) {
                failures.push(format!("{}: help `{h}` not printed\n{stderr}", case.file));
            }
        }
        assert!(case.cell.is_none() && case.summary.is_none() && case.also.is_empty());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn broken_data_files_are_reported_with_row_column_and_cell() {
    let mut failures = Vec::new();
    for case in manifest()
        .case
        .iter()
        .filter(|c| c.file.starts_with("data/"))
    {
        let path = case_path(case);
        let owned = case_args(case, &path);
        let args: Vec<&str> = owned.iter().map(String::as_str).collect();
        let mut english = args.clone();
        english.extend(["--lang", "en"]);
        // English, with `--lang en`.
        let expected: Vec<(&str, &str)> = std::iter::once((&case.message, &case.location))
            .chain(case.also.iter().map(|a| (&a.message, &a.location)))
            .map(|(m, l)| (m.as_str(), l.as_str()))
            .collect();
        let printed = Printed {
            error: "error: ",
            help: "  help: ",
            colon: ": ",
        };
        let summary = case.summary.as_deref();
        let help = case.help.as_deref();
        check_data_run(
            case,
            &path,
            &run(&english),
            &printed,
            &expected,
            help,
            summary,
            &mut failures,
        );
        // Chinese, the default.
        let (Some(message), Some(location)) = (&case.message_zh, &case.location_zh) else {
            failures.push(format!("{}: no `message_zh` or `location_zh`", case.file));
            continue;
        };
        let mut expected = vec![(message.as_str(), location.as_str())];
        for a in &case.also {
            match (&a.message_zh, &a.location_zh) {
                (Some(m), Some(l)) => expected.push((m.as_str(), l.as_str())),
                _ => failures.push(format!("{}: an `also` without `message_zh`", case.file)),
            }
        }
        if case.help.is_some() != case.help_zh.is_some() {
            failures.push(format!("{}: `help` and `help_zh` go together", case.file));
        }
        if case.summary.is_some() != case.summary_zh.is_some() {
            failures.push(format!(
                "{}: `summary` and `summary_zh` go together",
                case.file
            ));
        }
        let printed = Printed {
            error: "错误：",
            help: "  提示：",
            colon: "：",
        };
        let (help, summary) = (case.help_zh.as_deref(), case.summary_zh.as_deref());
        check_data_run(
            case,
            &path,
            &run(&args),
            &printed,
            &expected,
            help,
            summary,
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The arguments a data case is run with, its file at `path`.
fn case_args(case: &Case, path: &str) -> Vec<String> {
    let default = ["eval", "rules/shanxi.rules", "{file}"].map(String::from);
    let mut args: Vec<String> = case
        .command
        .as_deref()
        .unwrap_or(&default)
        .iter()
        .map(|a| {
            if a == "{file}" {
                path.to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    args.extend(["--format", "csv"].map(String::from));
    args.extend(case.args.iter().cloned());
    args
}

/// The path a data case is run with: its file in the corpus, or the link or named pipe
/// it asks for, made in Cargo's temporary folder.
fn case_path(case: &Case) -> String {
    let Some(to) = &case.link else {
        return format!("{DIR}/{}", case.file);
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("malformed");
    let path = dir.join(&case.file);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("temporary folder");
    let _ = std::fs::remove_file(&path);
    if to == "fifo" {
        let made = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
        assert!(made.success(), "mkfifo {}", path.display());
    } else {
        #[cfg(unix)]
        std::os::unix::fs::symlink(to, &path).expect("symbolic link");
    }
    path.display().to_string()
}

/// How one language prints an error line, a help line and the colon before the message.
struct Printed {
    error: &'static str,
    help: &'static str,
    colon: &'static str,
}

impl Printed {
    /// The prefix of the case's lines: the error's, or a warning's.
    fn prefix(&self, case: &Case) -> &'static str {
        match (case.warning, self.error) {
            (false, e) => e,
            (true, "error: ") => "warning: ",
            (true, _) => "警告：",
        }
    }
}

/// One run of a broken data file against the expectations in one language.
#[allow(clippy::too_many_arguments)]
fn check_data_run(
    case: &Case,
    path: &str,
    out: &Output,
    printed: &Printed,
    expected: &[(&str, &str)],
    help: Option<&str>,
    summary: Option<&str>,
    failures: &mut Vec<String>,
) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    if let Some(f) = check_exit(case, out, &stderr) {
        failures.push(f);
        return;
    }
    if !out.stdout.is_empty() && !case.warning {
        failures.push(format!(
            "{}: a report was printed despite errors",
            case.file
        ));
    }
    if out.stdout.is_empty() && case.warning {
        failures.push(format!("{}: no report after a warning", case.file));
    }
    let lines: Vec<&str> = stderr.lines().collect();
    let prefix = printed.prefix(case);
    for (message, location) in expected {
        let line = match case.no_path {
            false => format!("{prefix}{path}{location}{}{message}", printed.colon),
            true => format!("{prefix}{message}"),
        };
        if !lines.contains(&line.as_str()) {
            failures.push(format!(
                "{}: expected the line\n  {line}\n{stderr}",
                case.file
            ));
        }
    }
    if let (Some(cell), Some((message, _))) = (&case.cell, expected.first()) {
        if !message.contains(&format!("`{cell}`")) {
            failures.push(format!(
                "{}: the message does not quote the cell `{cell}`: {message}",
                case.file
            ));
        }
    }
    if let Some(h) = help {
        if !lines.contains(&format!("{}{h}", printed.help).as_str()) {
            failures.push(format!("{}: help `{h}` not printed\n{stderr}", case.file));
        }
    }
    let errors = lines.iter().filter(|l| l.starts_with(prefix)).count();
    let listed = expected.len();
    match summary {
        Some(s) if lines.last() != Some(&s) => failures.push(format!(
            "{}: expected the summary `{s}`\n{stderr}",
            case.file
        )),
        Some(_) => {}
        None if errors != listed => failures.push(format!(
            "{}: {errors} errors printed, {listed} expected\n{stderr}",
            case.file
        )),
        None => {}
    }
}

/// Every corpus file also goes through the library directly (no process boundary):
/// loading and checking return errors, and never panic.
#[test]
fn the_library_reports_errors_for_every_corpus_file() {
    let shanxi = townrules::check::check_file(Path::new("rules/shanxi.rules"))
        .model
        .expect("rules/shanxi.rules checks");
    for f in files_in("rules") {
        let report = townrules::check::check_file(Path::new(&format!("{DIR}/{f}")));
        assert!(report.has_errors(), "{f}: no error");
        assert!(report.model.is_none(), "{f}: a model despite errors");
        let rendered = townrules::diag::render_plain(&report.diagnostics, 100);
        assert!(!rendered.is_empty(), "{f}");
    }
    let manifest = manifest();
    // A case with its own command is a score sheet, or a good file with a bad command.
    let own_command: BTreeSet<String> = manifest
        .case
        .iter()
        .filter(|c| c.command.is_some())
        .map(|c| c.file.clone())
        .collect();
    for f in files_in("data").difference(&own_command) {
        let path = format!("{DIR}/{f}");
        // A case's `--max-input-size` applies to the library too (the only setting
        // of this process: the other tests run the binary).
        let limit = manifest
            .case
            .iter()
            .filter(|c| c.file == *f)
            .flat_map(|c| c.args.windows(2))
            .find(|w| w[0] == "--max-input-size")
            .map(|w| townrules::data::parse_size(&w[1]).expect("a size"));
        townrules::data::set_max_input_bytes(
            limit.unwrap_or(townrules::data::DEFAULT_MAX_INPUT_BYTES),
        );
        let errors = townrules::data::load_towns(Path::new(&path), &shanxi)
            .err()
            .unwrap_or_else(|| panic!("{f}: loaded without errors"));
        assert!(!errors.is_empty());
        for e in &errors {
            assert_eq!(e.file, path, "{f}: error names another file");
        }
    }
}

/// Not a check: prints, for every data case, the Chinese lines the program prints now, as
/// the `message_zh`/`location_zh`/`help_zh` fields would hold them — to review and copy
/// when a message is reworded (`cargo test --test malformed chinese_lines -- --ignored
/// --nocapture`).
#[test]
#[ignore = "prints the Chinese lines of the data cases for review"]
fn chinese_lines_of_the_data_cases() {
    for case in manifest()
        .case
        .iter()
        .filter(|c| c.file.starts_with("data/"))
    {
        let path = case_path(case);
        let args = case_args(case, &path);
        let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        println!("# {}", case.file);
        for line in String::from_utf8_lossy(&out.stderr).lines() {
            let bare = line.strip_prefix("错误：").or(line.strip_prefix("警告："));
            if let Some(rest) = bare.filter(|_| case.no_path) {
                println!("message_zh = {rest:?}");
            } else if let Some(rest) = bare {
                let rest = rest.strip_prefix(path.as_str()).unwrap_or(rest);
                match rest.split_once('：') {
                    Some((location, message)) => {
                        println!("message_zh = {message:?}\nlocation_zh = {location:?}")
                    }
                    None => println!("message_zh = {rest:?}"),
                }
            } else if let Some(help) = line.strip_prefix("  提示：") {
                println!("help_zh = {help:?}");
            } else {
                println!("summary_zh = {line:?}");
            }
        }
        println!();
    }
}
