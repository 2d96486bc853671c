//! What a command ends with — an [`Outcome`] or an [`AppError`] — how errors are
//! printed ([`report`]), and the one place that turns either into the exit status
//! ([`exit_status`]).
//!
//! Exit statuses (tests check them; scripts rely on them):
//!
//! | status | `check`            | `eval`                        | `repl` (piped input)                      | `diff`                      |
//! |--------|--------------------|-------------------------------|-------------------------------------------|-----------------------------|
//! | 0      | no file has errors | report written                | every line (and the start-up load) worked¹ | no differences             |
//! | 1      | a file has errors  | any other [`AppError`]²       | a line or the start-up load failed; output cannot be written | differences |
//! | 2      | bad command line   | bad command line; `--set` without `=` | bad command line                  | bad command line; any [`AppError`] (as `diff(1)`) |
//!
//! `--help` and `--version` exit 0. ¹ On a terminal the REPL exits 0 when the user
//! quits. ² Rules or data that do not load, an unknown town, a `--set` value that does
//! not fit, score sheets that do not go with the rule set, a report that cannot be
//! written (a closed pipe is not an error: the reader has what it wanted).
//!
//! `fmt` exits 0 when every file was laid out (or, with `--check`, is already in the
//! canonical layout), 1 when a file is not (`--check`), does not parse, or cannot be
//! read or written, 2 on a bad command line (`--check` with `--write`).
//!
//! `lsp` exits 0 after `shutdown` and `exit`, 1 on `exit` without `shutdown` (as LSP
//! asks) or when the editor's input ends or output breaks ([`LspError`]).

use std::io::Write;
use std::path::PathBuf;

use miette::Diagnostic;

mod diff;
mod lsp;
pub use diff::{GitError, ImpactError};
pub use lsp::LspError;

use crate::compile::{CompileError, SetParamError};
use crate::data::DataError;
use crate::diag::Diag;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: a user error (bad rule file, bad data, unknown parameter), a `check`
/// that found errors, a REPL line that failed, or `diff`'s "the rule sets differ".
pub const EXIT_USER: u8 = 1;
/// Exit status: a usage error (bad command line); any error of `diff`.
pub const EXIT_USAGE: u8 = 2;

/// How a command that did not fail ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done, nothing to report (`check` found no errors, `eval` wrote its report, the
    /// REPL ran every line, `--help`).
    Success,
    /// The command ran to the end and reported problems it found: `check` found errors
    /// in a file, a REPL line failed. Already printed.
    Problems,
    /// `diff`: the rule sets mean the same and no town changes.
    Same,
    /// `diff`: there are differences.
    Different,
}

/// Which command ran: `diff` follows the exit statuses of `diff(1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// `townrules check`.
    Check,
    /// `townrules eval`.
    Eval,
    /// `townrules repl`.
    Repl,
    /// `townrules diff`.
    Diff,
    /// `townrules test`.
    Test,
    /// `townrules fmt`.
    Fmt,
    /// `townrules lsp`.
    Lsp,
    /// `townrules template`.
    Template,
    /// `townrules report`.
    Report,
}

/// Why a command stopped. Printed by [`report`] as `error: {message}` (with a
/// `  help:` line when there is help), after the diagnostics or data errors it carries.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum AppError {
    /// The command line cannot be read (clap prints it).
    #[error("{0}")]
    CommandLine(clap::Error),
    /// A rule file (or a file it imports) has errors.
    #[error("{}", crate::t!("app.error.rules_have_errors", name = name, check = check))]
    RulesHaveErrors {
        /// The rule set as named on the command line.
        name: String,
        /// The command that shows every diagnostic.
        check: String,
        /// The errors, printed before the message.
        #[related]
        diagnostics: Vec<Diag>,
    },
    /// A yearly fact is read by year (`output_value[year]`) and no evaluation year is given.
    #[error("{}", crate::t!("app.error.no_year", name = name))]
    #[diagnostic(help("{}", crate::t!("app.error.no_year_help")))]
    NoYear {
        /// The rule set as named on the command line.
        name: String,
        /// The read that needs the year.
        #[related]
        diagnostics: Vec<Diag>,
    },
    /// `--date` is not a date.
    #[error("{}", crate::t!("app.error.bad_date", date = date))]
    #[diagnostic(help("{}", crate::t!("app.error.bad_date_help")))]
    BadDate {
        /// The date as given.
        date: String,
    },
    /// `--year` is not a year.
    #[error("{}", crate::t!("app.error.bad_year", year = year))]
    #[diagnostic(help("{}", crate::t!("app.error.bad_year_help")))]
    BadYear {
        /// The year as given.
        year: i64,
    },
    /// A checked rule file cannot be compiled (e.g. it has no `ruleset` header).
    #[error("{}{source}", context_prefix(context.as_deref()))]
    Compile {
        /// Which rule set, when the message should say it (`diff`: `OLD: …`).
        context: Option<String>,
        /// The compile error.
        source: CompileError,
    },
    /// `--set` not written as `NAME=VALUE`.
    #[error("{}", crate::t!("app.error.set_syntax", arg = arg))]
    SetSyntax {
        /// The argument as given.
        arg: String,
    },
    /// The same parameter given twice with `--set` (which one was meant is unclear).
    #[error("{}", crate::t!("app.error.set_twice", name = name, first = first, second = second))]
    SetTwice {
        /// The parameter's name as given.
        name: String,
        /// The first `--set` argument for it.
        first: String,
        /// The second one.
        second: String,
    },
    /// `--set NAME=VALUE` names no parameter or gives a value that does not fit.
    #[error("{}", crate::t!("app.error.set_param", arg = arg, error = source))]
    SetParam {
        /// The argument as given.
        arg: String,
        /// Why the rule set refused it.
        source: SetParamError,
    },
    /// A data file (towns or score sheets) has errors; they are printed one by one.
    #[error("{}", crate::t!("app.error.data", n = errors.len()))]
    Data {
        /// Every error found (the last one says reading stopped, past the limit).
        #[related]
        errors: Vec<DataError>,
    },
    /// A rule-test file cannot be run.
    #[error(transparent)]
    #[diagnostic(transparent)]
    RuleTest(#[from] crate::ruletest::TestError),
    /// `--town ID` names no town of the data.
    #[error("{}{}", crate::t!("app.error.unknown_town", town = town, file = file), did_you_mean(suggestion.as_deref()))]
    UnknownTown {
        /// The id or name as given.
        town: String,
        /// The data file.
        file: String,
        /// The closest id or name, if one is close.
        suggestion: Option<String>,
    },
    /// Score sheets for a rule set without an evaluation indicator system.
    #[error("{}", crate::t!("app.error.sheets_without_system", rules = rules, sheets = sheets.display()))]
    #[diagnostic(help("{}", crate::t!("app.error.sheets_without_system_help")))]
    SheetsWithoutSystem {
        /// The rule set's file.
        rules: String,
        /// The score sheets given.
        sheets: PathBuf,
    },
    /// A rule set with only an expert-scored indicator system, evaluated without sheets.
    #[error("{}", crate::t!("app.error.sheets_needed", rules = rules, system = system))]
    #[diagnostic(help("{}", crate::t!("app.error.sheets_needed_help")))]
    SheetsNeeded {
        /// The rule set's file.
        rules: String,
        /// The indicator system's title.
        system: String,
    },
    /// The output cannot be written (a closed pipe is not printed).
    #[error("{}", crate::t!("app.error.write", what = written(what), error = crate::source::io_reason(source)))]
    Write {
        /// What was written: `the report`, `the template`, `output`.
        what: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// `-o FILE` names a file that exists, without `--force`.
    #[error("{}", crate::t!("app.error.output_exists", path = path.display()))]
    OutputExists {
        /// The output file.
        path: PathBuf,
    },
    /// A format that cannot go to the terminal (`xlsx`) without `-o FILE`.
    #[error("{}", crate::t!("app.error.needs_output", format = format))]
    NeedsOutput {
        /// The format.
        format: &'static str,
    },
    /// `--ids` with a format other than CSV (it names CSV's headers and statuses).
    #[error("{}", crate::t!("app.error.ids_needs_csv", format = format))]
    IdsNeedsCsv {
        /// The format given.
        format: &'static str,
    },
    /// `--allow-import-dir DIR` names no folder that can be read.
    #[error("{}", crate::t!("app.error.import_dir", dir = dir.display(), reason = reason))]
    #[diagnostic(help("{}", crate::t!("app.error.import_dir_help")))]
    ImportDir {
        /// The folder as given.
        dir: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// `diff`: a side at a git revision cannot be read.
    #[error(transparent)]
    Git(#[from] GitError),
    /// `lsp`: the connection with the editor broke.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Lsp(#[from] LspError),
    /// `diff`: a problem comparing the outcomes of towns.
    #[error(transparent)]
    Impact(#[from] ImpactError),
    /// `diff --format json`: the report cannot be serialised.
    #[error("{}", crate::t!("app.error.json", error = .0))]
    Json(#[from] serde_json::Error),
}

/// What [`AppError::Write`] could not write, in the language of messages.
fn written(what: &str) -> String {
    match what {
        "the report" => crate::t!("app.error.written.report"),
        "the template" => crate::t!("app.error.written.template"),
        "output" => crate::t!("app.error.written.output"),
        other => other.to_string(),
    }
}

fn context_prefix(context: Option<&str>) -> String {
    context
        .map(|c| crate::t!("app.error.context", side = c))
        .unwrap_or_default()
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| crate::t!("app.error.did_you_mean", name = s))
        .unwrap_or_default()
}

impl AppError {
    /// Whether this is about how the command line is written (exit status 2).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            AppError::CommandLine(_)
                | AppError::SetSyntax { .. }
                | AppError::SetTwice { .. }
                | AppError::BadDate { .. }
                | AppError::BadYear { .. }
                | AppError::NeedsOutput { .. }
                | AppError::IdsNeedsCsv { .. }
                | AppError::ImportDir { .. }
        )
    }
}

/// The exit status of a command (`None`: the command line could not be read), as
/// tabled in the [module documentation](self). The only place that decides it.
pub fn exit_status(which: Option<Which>, result: &Result<Outcome, AppError>) -> u8 {
    match (which, result) {
        (_, Ok(Outcome::Success | Outcome::Same)) => EXIT_OK,
        (_, Ok(Outcome::Problems | Outcome::Different)) => EXIT_USER,
        (Some(Which::Diff), Err(_)) => EXIT_USAGE,
        (_, Err(e)) if e.is_usage() => EXIT_USAGE,
        (_, Err(_)) => EXIT_USER,
    }
}

/// Print an error to stderr: what it carries (diagnostics, data errors), then
/// `error: {message}` and `  help: {help}`. Nothing for a closed pipe.
pub fn report(e: &AppError) {
    match e {
        AppError::CommandLine(c) => {
            // `cli::main` prints it in the language of messages; clap's own text here.
            let _ = c.print();
            return;
        }
        AppError::Write { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe => {
            return;
        }
        AppError::Data { errors } => {
            print_data_errors(errors);
            return;
        }
        // A rule file that cannot be read at all: its diagnostic says so, and there is
        // nothing to fix in it or to check.
        AppError::RulesHaveErrors { diagnostics, .. }
            if !diagnostics.is_empty()
                && diagnostics.iter().all(|d| d.code == crate::diag::Code::Io) =>
        {
            print_diagnostics(diagnostics);
            return;
        }
        AppError::RulesHaveErrors { diagnostics, .. } | AppError::NoYear { diagnostics, .. } => {
            print_diagnostics(diagnostics)
        }
        AppError::Impact(i) => {
            if let Some(errors) = i.data_errors() {
                print_data_errors(errors);
            }
        }
        _ => {}
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", error_line(e));
    if let Some(h) = e.help() {
        let _ = writeln!(err, "{}", help_line(h));
    }
}

/// `error: {message}` (Chinese: `错误：{message}`).
pub fn error_line(message: impl std::fmt::Display) -> String {
    crate::t!("app.report.error", message = message)
}

/// `  help: {help}` (Chinese: `  提示：{help}`).
pub fn help_line(help: impl std::fmt::Display) -> String {
    crate::t!("app.report.help", help = help)
}

/// Print a warning to stderr: `warning: {message}` (Chinese: `警告：{message}`).
pub fn warn(message: impl std::fmt::Display) {
    let line = crate::t!("app.report.warning", message = message);
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Print diagnostics to stderr, rendered by miette (colour only on a terminal).
pub fn print_diagnostics(diags: &[Diag]) {
    use std::io::IsTerminal;
    let stderr = std::io::stderr();
    let theme = if stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for d in diags {
        let _ = handler.render_report(&mut out, d);
        out.push('\n');
    }
    let out = crate::diag::localize_rendered(&out);
    let _ = stderr.lock().write_all(out.as_bytes());
}

/// Print data errors as `error: file:row: column `x`: message` with help lines, and
/// how many there were when more than one.
fn print_data_errors(errs: &[DataError]) {
    let mut err = std::io::stderr().lock();
    for e in errs {
        let _ = writeln!(err, "{}", error_line(e));
        if let Some(h) = &e.help {
            let _ = writeln!(err, "{}", help_line(h));
        }
    }
    if errs.len() > 1 {
        // Reading stopped at the limit: the last entry says so and is not an error itself.
        let stopped = errs.len() > crate::data::MAX_ERRORS;
        let summary = if stopped {
            crate::t!("app.report.data_summary_more", n = crate::data::MAX_ERRORS)
        } else {
            crate::t!("app.report.data_summary", n = errs.len())
        };
        let _ = writeln!(err, "{summary}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_error() -> AppError {
        AppError::UnknownTown {
            town: "x".into(),
            file: "towns.csv".into(),
            suggestion: Some("y".into()),
        }
    }

    #[test]
    fn exit_statuses_follow_the_table() {
        use Which::*;
        for w in [Check, Eval, Repl, Diff] {
            assert_eq!(exit_status(Some(w), &Ok(Outcome::Success)), 0);
            assert_eq!(exit_status(Some(w), &Ok(Outcome::Problems)), 1);
        }
        assert_eq!(exit_status(Some(Diff), &Ok(Outcome::Same)), 0);
        assert_eq!(exit_status(Some(Diff), &Ok(Outcome::Different)), 1);
        for w in [Check, Eval, Repl] {
            assert_eq!(exit_status(Some(w), &Err(user_error())), 1);
            let usage = AppError::SetSyntax { arg: "x".into() };
            assert_eq!(exit_status(Some(w), &Err(usage)), 2);
        }
        assert_eq!(exit_status(Some(Diff), &Err(user_error())), 2);
        let write = AppError::Write {
            what: "output",
            source: std::io::ErrorKind::BrokenPipe.into(),
        };
        assert_eq!(exit_status(Some(Repl), &Err(write)), 1);
    }

    /// The library's tests run in the default language, Chinese.
    #[test]
    fn messages_are_chinese_by_default() {
        assert_eq!(
            user_error().to_string(),
            "`towns.csv` 中没有镇 `x`；是否要写 `y`？"
        );
        assert_eq!(
            AppError::SetSyntax { arg: "a".into() }.to_string(),
            "`--set a` 应写作 `--set 名称=值`，如 `--set min_output.manufacturing=15亿元`"
        );
        assert_eq!(error_line("x"), "错误：x");
        assert_eq!(help_line("y"), "  提示：y");
    }
}
