//! Why a REPL command failed: [`ReplError`], and [`SaveError`] for `save`.
//!
//! The REPL prints a failed command as `error: {message}` (piped input: `error: line
//! N: {message}`), after what a failed load carries — the rule file's diagnostics, the
//! data file's errors — printed as the other commands print them ([`ReplError::print`]).
//! A failed line does not end the session; with piped input the REPL then ends with
//! [`Outcome::Problems`](crate::app::error::Outcome::Problems), which
//! [`exit_status`](crate::app::error::exit_status) turns into the exit status.

use std::fmt;
use std::path::PathBuf;

use super::commands::usage;
use super::sweep::MAX_STEPS;
use crate::app::error::{print_diagnostics, report, AppError};
use crate::check::Kind;
use crate::compile::{CompileError, RuleSet, SetParamError};
use crate::diag::Diag;
use crate::syntax::ParseError;

/// Why a REPL command (or the REPL's start-up load) failed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ReplError {
    /// A command given too few or too many arguments (`unset a b`).
    #[error("{}", crate::t!("repl.error.arity", command = command, takes = takes(*min, *max), usage = usage(command)))]
    Arity {
        /// The command word as typed (`save` or `save!`).
        command: String,
        /// The fewest arguments it takes.
        min: usize,
        /// The most arguments it takes.
        max: usize,
    },
    /// `time` without the command to time.
    #[error("{}", crate::t!("repl.error.time_without_command", usage = usage("time")))]
    TimeWithoutCommand,
    /// `set` without a parameter name or without a value.
    #[error("{}", crate::t!("repl.error.set_syntax", usage = usage("set")))]
    SetSyntax,
    /// A command word the REPL does not know.
    #[error("{}", crate::t!("repl.error.unknown_command", command = crate::source::echo(command), hint = unknown_command_hint(suggestion.as_deref())))]
    UnknownCommand {
        /// The word as typed.
        command: String,
        /// The closest command, if one is close.
        suggestion: Option<String>,
    },
    /// `help COMMAND` for a command that does not exist.
    #[error("{}", crate::t!("repl.error.no_help", command = crate::source::echo(command), hint = no_help_hint(suggestion.as_deref())))]
    NoHelp {
        /// The command asked about.
        command: String,
        /// The closest command, if one is close.
        suggestion: Option<String>,
    },
    /// The command needs a rule set and none is loaded.
    #[error("{}", crate::t!("repl.error.no_rules"))]
    NoRules,
    /// The command needs towns and no town data is loaded.
    #[error("{}", crate::t!("repl.error.no_towns"))]
    NoTowns,
    /// `data` before `load`: town data is read against a rule set's vocabulary.
    #[error("{}", crate::t!("repl.error.data_before_rules"))]
    DataBeforeRules,
    /// Town data named at start-up, but the rule set did not load.
    #[error("{}", crate::t!("repl.error.towns_without_rules", towns = towns.display()))]
    TownsWithoutRules {
        /// The town data file.
        towns: PathBuf,
    },
    /// `--scores` at start-up without town data.
    #[error("{}", crate::t!("repl.error.scores_without_towns"))]
    ScoresWithoutTowns,
    /// `load` given a data file (`.csv`, `.json`, a workbook …): `data` reads those.
    #[error("{}", crate::t!("repl.error.load_data", path = path.display()))]
    LoadData {
        /// The file as given.
        path: PathBuf,
    },
    /// A rule file that does not load (does not check, cannot be read, does not
    /// compile); the session keeps what it had.
    #[error("{}", crate::t!("repl.error.not_loaded", path = path.display(), keeps = keeps))]
    RulesNotLoaded {
        /// The rule file.
        path: PathBuf,
        /// What the session keeps instead.
        keeps: Kept,
        /// Why, with the diagnostics (printed before the message).
        #[source]
        cause: Box<AppError>,
    },
    /// Town data or expert score sheets that do not load (or do not go with the rule
    /// set); the session keeps what it had.
    #[error("{}", crate::t!("repl.error.not_loaded", path = path.display(), keeps = keeps))]
    DataNotLoaded {
        /// The towns' or the score sheets' file.
        path: PathBuf,
        /// What the session keeps instead.
        keeps: Kept,
        /// Why, with the data file's errors (printed before the message).
        #[source]
        cause: Box<AppError>,
    },
    /// A parameter name the rule set does not have (`unset`, `sweep`).
    #[error("{}", crate::t!("repl.error.unknown_parameter", name = crate::source::echo(name), hint = unknown_parameter_hint(suggestion.as_deref())))]
    UnknownParameter {
        /// The name as typed.
        name: String,
        /// The closest parameter name, if one is close.
        suggestion: Option<String>,
    },
    /// `params PATTERN` matches no parameter.
    #[error("{}", crate::t!("repl.error.no_parameter_matches", pattern = crate::source::echo(pattern), hint = no_match_hint(suggestion.as_deref())))]
    NoParameterMatches {
        /// The pattern as typed.
        pattern: String,
        /// The closest parameter name, if one is close.
        suggestion: Option<String>,
    },
    /// `set NAME = VALUE` refused by the rule set: no such parameter, or a value that
    /// does not fit its kind (a missing unit, not a number …).
    #[error(transparent)]
    #[diagnostic(transparent)]
    SetParam(#[from] SetParamError),
    /// A town (id or name) that is not in the town data.
    #[error("{}", crate::t!("repl.error.unknown_town", town = crate::source::echo(town), file = file, hint = unknown_town_hint(suggestion.as_deref())))]
    UnknownTown {
        /// The id or name as typed.
        town: String,
        /// The town data file.
        file: String,
        /// The closest id or name, if one is close.
        suggestion: Option<String>,
    },
    /// A criterion (id or label) that the rule set does not have.
    #[error("{}", crate::t!("repl.error.unknown_criterion", criterion = crate::source::echo(criterion), file = file, hint = unknown_criterion_hint(suggestion.as_deref(), criteria)))]
    UnknownCriterion {
        /// The id or label as typed.
        criterion: String,
        /// The rule set's file.
        file: String,
        /// The closest criterion id, if one is close.
        suggestion: Option<String>,
        /// Every criterion id (listed when none is close).
        criteria: Vec<String>,
    },
    /// `undo` with no `set`, `unset` or `reset` to take back.
    #[error("{}", crate::t!("repl.error.nothing_to_undo"))]
    NothingToUndo,
    /// `redo` with no `undo` to take back (or a change since the last `undo`).
    #[error("{}", crate::t!("repl.error.nothing_to_redo"))]
    NothingToRedo,
    /// `sweep` of a parameter that is not a number (yes/no, category, text).
    #[error("{}", crate::t!("repl.error.sweep_not_numeric", name = name, kind = kind.describe()))]
    SweepNotNumeric {
        /// The parameter.
        name: String,
        /// Its kind.
        kind: Kind,
    },
    /// A bound or step of `sweep` that cannot be read as a value of the parameter.
    #[error("{}", crate::t!("repl.error.sweep_value", bound = bound, text = text, message = message))]
    SweepValue {
        /// Which argument.
        bound: Bound,
        /// The value as typed.
        text: String,
        /// What is wrong, as the parameter value reader says it.
        message: String,
    },
    /// A bound or step of `sweep` that is a value of the parameter but not a number.
    #[error("{}", crate::t!("repl.error.sweep_not_a_number", bound = bound, text = text))]
    SweepNotANumber {
        /// Which argument.
        bound: Bound,
        /// The value as typed.
        text: String,
    },
    /// A `sweep` STEP of zero or less.
    #[error("{}", crate::t!("repl.error.sweep_step", step = step))]
    SweepStepNotPositive {
        /// The step as typed.
        step: String,
    },
    /// A `sweep` with too many steps (see `sweep::MAX_STEPS`).
    #[error("{}", crate::t!("repl.error.sweep_too_long", from = from, to = to, step = step, max = MAX_STEPS))]
    SweepTooLong {
        /// FROM as typed.
        from: String,
        /// TO as typed.
        to: String,
        /// STEP as typed.
        step: String,
    },
    /// `sweep` of a parameter that has no value at all to step from.
    #[error("{}", crate::t!("repl.error.sweep_no_value", name = name))]
    SweepNoValue {
        /// The parameter.
        name: String,
    },
    /// `near PERCENT` that is not a percentage of zero or more.
    #[error("{}", crate::t!("repl.error.near_percent", text = text))]
    NearPercent {
        /// The argument as typed.
        text: String,
    },
    /// `save` refused or failed; nothing was written.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Save(#[from] SaveError),
    /// Standard input cannot be read (piped input).
    #[error("{}", crate::t!("repl.error.input", error = .0))]
    Input(std::io::Error),
    /// A line of piped input that is not UTF-8 text.
    #[error("{}", crate::t!("repl.error.not_utf8"))]
    NotUtf8,
    /// The terminal cannot be used for line editing (the REPL reads it as piped input).
    #[error("{}", crate::t!("repl.error.terminal", error = .0))]
    Terminal(rustyline::error::ReadlineError),
}

/// Why `save PATH` wrote nothing.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SaveError {
    /// The rule set has no text for its root file.
    #[error("{}", crate::t!("repl.save.no_source"))]
    NoSource,
    /// The root file cannot be parsed again (to find a draft parameter's declaration).
    #[error("{}", crate::t!("repl.save.reparse", file = file, error = source))]
    Reparse {
        /// The root file.
        file: String,
        /// Why.
        source: ParseError,
    },
    /// A draft parameter's declaration is not in the root file where the rule set
    /// says it is.
    #[error("{}", crate::t!("repl.save.no_declaration", param = param, file = file))]
    NoDeclaration {
        /// The parameter.
        param: String,
        /// The root file.
        file: String,
    },
    /// A negative value: the rule language has no literal for it.
    #[error("{}", crate::t!("repl.save.negative", param = param))]
    Negative {
        /// The parameter.
        param: String,
    },
    /// A category parameter's value that names no member of its category.
    #[error("{}", crate::t!("repl.save.unknown_member", param = param))]
    UnknownMember {
        /// The parameter.
        param: String,
    },
    /// A parameter with dated values changed in the session: `save` writes one literal
    /// per parameter and would misstate the history.
    #[error("{}", crate::t!("repl.save.dated", param = param))]
    Dated {
        /// The parameter.
        param: String,
    },
    /// A value of a kind the rule language has no literal for.
    #[error("{}", crate::t!("repl.save.no_literal", param = param))]
    NoLiteral {
        /// The parameter.
        param: String,
    },
    /// Two changes of the file overlap (a bug of `save`).
    #[error("{}", crate::t!("repl.save.overlapping"))]
    OverlappingEdits,
    /// The rewritten file does not check (a bug of `save`); its diagnostics are
    /// printed before the message.
    #[error("{}", crate::t!("repl.save.does_not_check"))]
    DoesNotCheck {
        /// The rewritten file's errors.
        diagnostics: Vec<Diag>,
    },
    /// The rewritten file checks but does not compile.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Compile(#[from] CompileError),
    /// The rewritten file gives a parameter another value than the session's (a bug
    /// of `save`).
    #[error("{}", crate::t!("repl.save.value_changed", param = param))]
    ValueChanged {
        /// The parameter.
        param: String,
    },
    /// The path names a folder, or no file.
    #[error("{}", crate::t!("repl.save.not_a_file", path = path.display()))]
    NotAFile {
        /// The path as given.
        path: PathBuf,
    },
    /// The file exists, and `save` (unlike `save!`) does not overwrite.
    #[error("{}", crate::t!("repl.save.exists", path = path.display()))]
    Exists {
        /// The path as given.
        path: PathBuf,
    },
    /// `save!` onto the loaded file, which someone changed on disk since it was loaded
    /// (its SHA-256 differs): nothing is written, so the other edit is not lost.
    #[error("{}", crate::t!("repl.save.changed_on_disk", path = path.display()))]
    ChangedOnDisk {
        /// The path as given.
        path: PathBuf,
    },
    /// The replaced file's permissions, owner or group cannot be given to the new one;
    /// nothing is written.
    #[error("{}", crate::t!("repl.save.keep_attributes", path = path.display(), error = crate::source::io_reason(source)))]
    KeepAttributes {
        /// The path as given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file cannot be written.
    #[error("{}", crate::t!("repl.save.write", path = path.display(), error = crate::source::io_reason(source)))]
    Write {
        /// The path as given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What the session keeps when a load fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// The rule file or town data loaded before.
    File(PathBuf),
    /// Nothing: no rule set was loaded.
    NoRules,
    /// Nothing: no town data was loaded.
    NoData,
}

impl fmt::Display for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kept::File(p) => f.write_str(&crate::t!("repl.kept.file", path = p.display())),
            Kept::NoRules => f.write_str(&crate::t!("repl.kept.no_rules")),
            Kept::NoData => f.write_str(&crate::t!("repl.kept.no_data")),
        }
    }
}

/// An argument of `sweep NAME FROM TO STEP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The first value.
    From,
    /// The last value.
    To,
    /// The step between values.
    Step,
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bound::From => "FROM",
            Bound::To => "TO",
            Bound::Step => "STEP",
        })
    }
}

impl ReplError {
    /// `name` is not a parameter of `rs`: with the closest name, if one is close.
    pub fn unknown_parameter(rs: &RuleSet, name: &str) -> ReplError {
        let names = rs.params.iter().map(|p| p.name.as_str());
        ReplError::UnknownParameter {
            name: name.to_string(),
            suggestion: crate::suggest::did_you_mean(name, names),
        }
    }

    /// Print to standard error what the error carries (a failed load's diagnostics or
    /// data errors, the diagnostics of a rewritten file that does not check), then
    /// `error: {prefix}{message}`.
    pub fn print(&self, prefix: &str) {
        match self {
            ReplError::RulesNotLoaded { cause, .. } | ReplError::DataNotLoaded { cause, .. } => {
                report(cause)
            }
            ReplError::Save(SaveError::DoesNotCheck { diagnostics }) => {
                print_diagnostics(diagnostics)
            }
            _ => {}
        }
        eprintln!(
            "{}",
            crate::app::error::error_line(format!("{prefix}{self}"))
        );
    }
}

/// `no arguments`, `1 argument`, `4 arguments`, `0 to 1 arguments`.
fn takes(min: usize, max: usize) -> String {
    match (min, max) {
        (0, 0) => crate::t!("repl.takes.none"),
        (1, 1) => crate::t!("repl.takes.one"),
        (a, b) if a == b => crate::t!("repl.takes.n", n = a),
        (a, b) => crate::t!("repl.takes.range", min = a, max = b),
    }
}

fn did_you_mean(s: &str) -> String {
    crate::t!("repl.hint.did_you_mean", name = s)
}

fn unknown_command_hint(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => crate::t!("repl.hint.did_you_mean_command", name = s),
        None => crate::t!("repl.hint.help_lists"),
    }
}

fn no_help_hint(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => did_you_mean(s),
        None => crate::t!("repl.hint.help_lists"),
    }
}

fn unknown_parameter_hint(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => did_you_mean(s),
        None => crate::t!("repl.hint.params_lists"),
    }
}

fn no_match_hint(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => did_you_mean(s),
        None => crate::t!("repl.hint.params_lists_all"),
    }
}

fn unknown_town_hint(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => did_you_mean(s),
        None => crate::t!("repl.hint.eval_lists"),
    }
}

fn unknown_criterion_hint(suggestion: Option<&str>, criteria: &[String]) -> String {
    match suggestion {
        Some(s) => did_you_mean(s),
        None => crate::t!(
            "repl.hint.criteria",
            criteria = criteria.join(&crate::t!("repl.list_sep"))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn says(e: impl Into<ReplError>) -> String {
        e.into().to_string()
    }

    #[test]
    fn usage_errors_name_the_command_and_its_usage() {
        let arity = |command: &str, min, max| {
            says(ReplError::Arity {
                command: command.into(),
                min,
                max,
            })
        };
        assert_eq!(arity("reset", 0, 0), "`reset` 不带参数；用法：`reset`");
        assert_eq!(
            arity("unset", 1, 1),
            "`unset` 带 1 个参数；用法：`unset NAME`"
        );
        assert_eq!(
            arity("sweep", 4, 4),
            "`sweep` 带 4 个参数；用法：`sweep NAME FROM TO STEP`"
        );
        assert_eq!(
            arity("save!", 1, 1),
            "`save!` 带 1 个参数；用法：`save! PATH`"
        );
        assert_eq!(
            arity("why", 1, 2),
            "`why` 带 1 到 2 个参数；用法：`why TOWN [CRITERION]`"
        );
        assert_eq!(
            says(ReplError::TimeWithoutCommand),
            "`time` 后面要跟一个命令；用法：`time COMMAND`"
        );
        assert_eq!(
            says(ReplError::SetSyntax),
            "请写作 `set 名称 = 值`，如 `set min_output.manufacturing = 15亿元`；用法：`set NAME = VALUE`"
        );
    }

    #[test]
    fn unknown_names_suggest_the_closest_or_say_where_to_look() {
        let command = |suggestion: Option<&str>| ReplError::UnknownCommand {
            command: "lod".into(),
            suggestion: suggestion.map(String::from),
        };
        assert_eq!(
            says(command(Some("load"))),
            "不认识的命令 `lod`；是否要写 `load`？（`help` 列出全部命令）"
        );
        assert_eq!(
            says(command(None)),
            "不认识的命令 `lod`；`help` 列出全部命令"
        );
        assert_eq!(
            says(ReplError::NoHelp {
                command: "lod".into(),
                suggestion: Some("load".into())
            }),
            "没有命令 `lod`；是否要写 `load`？"
        );
        assert_eq!(
            says(ReplError::UnknownParameter {
                name: "x".into(),
                suggestion: None
            }),
            "不认识的参数 `x`；`params` 列出全部参数"
        );
        assert_eq!(
            says(ReplError::NoParameterMatches {
                pattern: "x".into(),
                suggestion: None
            }),
            "没有与 `x` 匹配的参数；`params` 列出全部参数"
        );
        assert_eq!(
            says(ReplError::UnknownTown {
                town: "乙真".into(),
                file: "towns.csv".into(),
                suggestion: None
            }),
            "`towns.csv` 中没有镇 `乙真`；`eval` 列出全部镇"
        );
        let criterion = |suggestion: Option<&str>| ReplError::UnknownCriterion {
            criterion: "x".into(),
            file: "a.rules".into(),
            suggestion: suggestion.map(String::from),
            criteria: vec!["heritage".into(), "employment".into()],
        };
        assert_eq!(
            says(criterion(None)),
            "`a.rules` 中没有认定标准 `x`；其认定标准有：heritage、employment"
        );
        assert_eq!(
            says(criterion(Some("heritage"))),
            "`a.rules` 中没有认定标准 `x`；是否要写 `heritage`？"
        );
    }

    #[test]
    fn a_failed_load_says_what_the_session_keeps() {
        let not_loaded = |keeps| ReplError::RulesNotLoaded {
            path: "b.rules".into(),
            keeps,
            cause: Box::new(AppError::SetSyntax { arg: "x".into() }),
        };
        assert_eq!(
            says(not_loaded(Kept::File("a.rules".into()))),
            "未载入 `b.rules`；会话仍使用 `a.rules`"
        );
        assert_eq!(
            says(not_loaded(Kept::NoRules)),
            "未载入 `b.rules`；当前没有载入规则集"
        );
        assert_eq!(Kept::NoData.to_string(), "当前没有载入各镇数据");
    }

    #[test]
    fn sweep_and_save_errors_read_as_before() {
        assert_eq!(
            says(ReplError::SweepValue {
                bound: Bound::Step,
                text: "0".into(),
                message: "write the unit of `0`".into()
            }),
            "STEP `0`：write the unit of `0`"
        );
        assert_eq!(
            says(ReplError::SweepTooLong {
                from: "1亿元".into(),
                to: "2亿元".into(),
                step: "1元".into()
            }),
            format!("从 `1亿元` 到 `2亿元`、步长 `1元` 超过 {MAX_STEPS} 步；请加大 STEP")
        );
        assert_eq!(
            says(SaveError::Exists {
                path: "out.rules".into()
            }),
            "`out.rules` 已存在；`save! out.rules` 可覆盖它"
        );
        assert_eq!(
            says(SaveError::NotAFile { path: ".".into() }),
            "`.` 不是文件名"
        );
    }
}
