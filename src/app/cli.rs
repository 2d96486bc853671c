//! The command line: reads the arguments, runs the command, prints its error and
//! returns the exit status.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{FromArgMatches, Parser, Subcommand};

use crate::i18n::{lang, Lang};

mod help;
mod parse_error;

use super::diff::DiffFormat;
use super::error::{exit_status, report, AppError, Outcome, Which};
use super::eval::{Explain, Format};

/// townrules — 专业镇认定标准规则引擎 (rules engine for professional-town recognition criteria)
#[derive(Debug, Parser)]
#[command(name = "townrules", version, about, long_about = None)]
pub struct Cli {
    /// Language of messages: zh (default) or en; also `TOWNRULES_LANG` or an English `LANG`.
    #[arg(long, global = true, value_name = "LANG", value_parser = lang_name)]
    pub lang: Option<String>,
    /// Largest data input read (town data, score sheets, the REPL's `data`): `2GiB` (default), `500M`, `64K`, bytes. TOML town data stops at 8 MiB and CSV score sheets at 64 MiB, as they are read whole (a smaller limit given here applies to them too); a workbook at 200 MiB unpacked, an .xls at 32 MiB.
    #[arg(long, global = true, value_name = "SIZE", value_parser = input_size)]
    pub max_input_size: Option<u64>,
    /// Let `import` and `extends` also read rule files inside DIR (repeatable); by default only the rule set's git work tree, else its folder.
    #[arg(long, global = true, value_name = "DIR")]
    pub allow_import_dir: Vec<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check rule files: syntax, names, kinds and units (exit 0 when there are no errors).
    Check {
        /// Rule files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Evaluate towns against a rule set, with an explanation for every verdict.
    Eval {
        /// The rule file.
        rules: PathBuf,
        /// Town data: CSV (UTF-8, with or without BOM), TOML, JSON, or an .xlsx/.xls/.ods workbook.
        towns: PathBuf,
        /// The workbook's sheet to read (by name; default: the first sheet).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Only these towns (by id or name), shown in full detail.
        #[arg(long = "town", value_name = "ID")]
        town: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Change a parameter for this run: `--set min_output.manufacturing=15亿元`.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// Show every town in detail, not only those not recognised.
        #[arg(long)]
        all: bool,
        /// Expert score sheets (long table: town, expert, indicator, score) for an indicator system.
        #[arg(long, value_name = "SCORES")]
        scores: Option<PathBuf>,
        /// The evaluation year that `fact[year]` reads (default: the rule set's `year`).
        #[arg(long, value_name = "YEAR")]
        year: Option<i64>,
        /// Read dated parameter values as in force on this date, YYYY-MM-DD (default: the rule set's `date`).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Write the report to FILE (atomically) instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite the `-o` file if it exists.
        #[arg(long, requires = "output")]
        force: bool,
        /// JSON/JSONL: structured records only (default), or with the explanation text.
        #[arg(long, value_enum, default_value_t = Explain::Records)]
        explain: Explain,
        /// CSV for scripts: ids and English statuses, no byte-order mark.
        #[arg(long)]
        ids: bool,
    },
    /// Write the workbook a town fills in for a rule set (an .xlsx data-entry template).
    Template {
        /// The rule file.
        rules: PathBuf,
        /// The workbook to write.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// Overwrite the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Write the HTML report: overview, charts, table, explained verdicts, comparison,
    /// letters (认定意见), the rule set for sign-off — one file that opens offline.
    Report {
        /// The rule file.
        rules: PathBuf,
        /// Town data (CSV, TOML, JSON or a workbook); not needed with `--rules-only`.
        #[arg(required_unless_present = "rules_only")]
        towns: Option<PathBuf>,
        /// The workbook's sheet to read (by name; default: the first sheet).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Expert score sheets (long table: town, expert, indicator, score) for an indicator system.
        #[arg(long, value_name = "SCORES")]
        scores: Option<PathBuf>,
        /// Another rule set to evaluate the same towns against (repeatable).
        #[arg(long = "compare", value_name = "RULES")]
        compare: Vec<PathBuf>,
        /// Change a parameter for this report (marked 假设分析): `--set NAME=VALUE`.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// The evaluation year that `fact[year]` reads (default: the rule set's `year`).
        #[arg(long, value_name = "YEAR")]
        year: Option<i64>,
        /// Read dated parameter values as in force on this date, YYYY-MM-DD (default: the rule set's `date`).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Add one printable opinion (认定意见) per town, also written as FILE.认定意见.docx.
        #[arg(long)]
        letters: bool,
        /// Only the rule set in plain Chinese, for sign-off.
        #[arg(long)]
        rules_only: bool,
        /// The page to write.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Interactive what-if session: change thresholds and see which towns flip.
    Repl {
        /// The rule file to load at start.
        rules: Option<PathBuf>,
        /// Town data to load at start.
        towns: Option<PathBuf>,
        /// Expert score sheets to load at start.
        #[arg(long, value_name = "SCORES")]
        scores: Option<PathBuf>,
        /// The evaluation year that `fact[year]` reads (default: the rule set's `year`).
        #[arg(long, value_name = "YEAR")]
        year: Option<i64>,
        /// Read dated parameter values as in force on this date, YYYY-MM-DD (default: the rule set's `date`).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Semantic difference between two rule sets (files, or `REV:path` / `path@REV` in git).
    Diff {
        /// The old rule set.
        old: String,
        /// The new rule set.
        new: String,
        /// Town data: also list the towns whose outcome differs.
        #[arg(long, value_name = "TOWNS")]
        towns: Option<PathBuf>,
        /// Expert score sheets, with `--towns`.
        #[arg(long, value_name = "SCORES", requires = "towns")]
        scores: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// The evaluation year of both sides (default: each rule set's `year`).
        #[arg(long, value_name = "YEAR")]
        year: Option<i64>,
        /// Read both sides' dated values as in force on this date (default: each rule set's `date`).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Run rule tests (`NAME.test.toml` beside `NAME.rules`): one line per case, failures
    /// with the explanation of the verdict reached (exit 1 on a failure).
    Test {
        /// Test files, rule files (their `NAME.test.toml`) or folders (default: `rules/`).
        paths: Vec<PathBuf>,
        /// Also list the criteria and relaxation paths without a case that meets them and
        /// one that does not (exit 1 when there are any).
        #[arg(long)]
        coverage: bool,
    },
    /// Lay out rule files in the canonical layout (printed to stdout; `--check`: show the
    /// difference and exit 1 when a file is not laid out; `--write`: rewrite the files).
    Fmt {
        /// Rule files to lay out.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print a unified diff for each file not in the canonical layout; exit 1 if any.
        #[arg(long, conflicts_with = "write")]
        check: bool,
        /// Rewrite the files in place (atomically, keeping their permissions).
        #[arg(long)]
        write: bool,
    },
    /// Language server for editors (LSP over stdin/stdout): diagnostics, hover, go to
    /// definition, completion. See editors/vscode/.
    Lsp {
        /// Accepted and ignored: stdio is the only transport (some editors pass it).
        #[arg(long, hide = true)]
        stdio: bool,
    },
}

impl Command {
    /// Which command this is.
    pub fn which(&self) -> Which {
        match self {
            Command::Check { .. } => Which::Check,
            Command::Eval { .. } => Which::Eval,
            Command::Repl { .. } => Which::Repl,
            Command::Diff { .. } => Which::Diff,
            Command::Test { .. } => Which::Test,
            Command::Fmt { .. } => Which::Fmt,
            Command::Lsp { .. } => Which::Lsp,
            Command::Template { .. } => Which::Template,
            Command::Report { .. } => Which::Report,
        }
    }
}

/// Run the command line; returns the process exit status.
pub fn main() -> ExitCode {
    crate::i18n::set_lang(lang_asked(std::env::args()));
    let (which, result) = match parse(std::env::args_os()) {
        Ok(cli) => {
            if let Some(bytes) = cli.max_input_size {
                crate::data::set_max_input_bytes(bytes);
            }
            let which = cli.command.which();
            match allow_import_dirs(&cli.allow_import_dir) {
                Ok(()) => (Some(which), run(cli.command)),
                Err(e) => (Some(which), Err(e)),
            }
        }
        Err(e) if !e.use_stderr() => {
            // `--help`, `--version`: printed to stdout, not an error.
            print_help(&e);
            (None, Ok(Outcome::Success))
        }
        Err(e) => (None, Err(AppError::CommandLine(e))),
    };
    match &result {
        Err(AppError::CommandLine(c)) => {
            use std::io::Write;
            let _ = std::io::stderr().lock().write_all(error_text(c).as_bytes());
        }
        Err(e) => report(e),
        Ok(_) => {}
    }
    ExitCode::from(exit_status(which, &result))
}

/// The command line's definition with every about and help text from the catalogue in
/// the current language (and, in Chinese, Chinese headings).
pub fn command() -> clap::Command {
    help::command()
}

/// Read the command line `args` (the program's name first) with every help text and
/// error in the current language.
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut cmd = help::command();
    let matches = cmd.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
}

/// The help (or version) that `e` carries, printed to stdout in the current language.
fn print_help(e: &clap::Error) {
    use std::io::Write;
    let text = help::localize_rendered(&e.render().to_string());
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// The text of a command-line error: clap's own in English, rewritten in Chinese.
pub fn error_text(e: &clap::Error) -> String {
    match lang() {
        Lang::Zh => parse_error::chinese(e),
        Lang::En => e.render().to_string(),
    }
}

/// The language of messages: `--lang X` / `--lang=X` anywhere on the command line
/// (read before the rest, so that `--help` and argument errors are in it), else the
/// environment ([`Lang::from_env`]). An unknown name keeps the environment's language;
/// clap then reports it.
fn lang_asked(args: impl Iterator<Item = String>) -> Lang {
    let args: Vec<String> = args.collect();
    let given = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--lang=")
            .map(str::to_string)
            .or_else(|| (a == "--lang").then(|| args.get(i + 1).cloned().unwrap_or_default()))
    });
    given
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(Lang::from_env)
}

/// `--lang`'s value, if it names a language of the catalogue.
fn lang_name(name: &str) -> Result<String, String> {
    match Lang::parse(name) {
        Some(_) => Ok(name.to_string()),
        None => Err(crate::t!(
            "cli.lang.invalid",
            message = crate::t!("cli.lang.unknown", lang = name),
            help = crate::t!("cli.lang.help")
        )),
    }
}

/// Allow the folders of `--allow-import-dir`; one that is not a folder is a usage error.
fn allow_import_dirs(dirs: &[PathBuf]) -> Result<(), AppError> {
    for dir in dirs {
        crate::check::allow_import_dir(dir).map_err(|e| AppError::ImportDir {
            dir: dir.clone(),
            reason: match e.kind() {
                std::io::ErrorKind::NotFound => {
                    crate::t!("app.output.no_folder", folder = dir.display())
                }
                _ => crate::source::io_reason(&e),
            },
        })?;
    }
    Ok(())
}

/// `--max-input-size`'s value in bytes.
fn input_size(size: &str) -> Result<u64, String> {
    crate::data::parse_size(size)
}

/// Run one command.
pub fn run(command: Command) -> Result<Outcome, AppError> {
    match command {
        Command::Check { files } => Ok(super::check::run(&files)),
        Command::Eval {
            rules,
            towns,
            sheet,
            town,
            format,
            set,
            all,
            scores,
            year,
            date,
            output,
            force,
            explain,
            ids,
        } => super::eval::run(&super::eval::EvalArgs {
            rules,
            towns,
            sheet,
            towns_only: town,
            format,
            set,
            all,
            scores,
            when: super::load::When { year, date },
            output,
            force,
            explain,
            ids,
        }),
        Command::Repl {
            rules,
            towns,
            scores,
            year,
            date,
        } => super::repl::run(rules, towns, scores, super::load::When { year, date }),
        Command::Diff {
            old,
            new,
            towns,
            scores,
            format,
            year,
            date,
        } => super::diff::run(
            &old,
            &new,
            towns.as_deref(),
            scores.as_deref(),
            format,
            &super::load::When { year, date },
        ),
        Command::Test { paths, coverage } => super::test::run(&paths, coverage),
        Command::Fmt {
            files,
            check,
            write,
        } => Ok(super::fmt::run(&files, super::fmt::Mode::new(check, write))),
        Command::Lsp { .. } => super::lsp::run(),
        Command::Template {
            rules,
            output,
            force,
        } => super::template::run(&rules, &output, force),
        Command::Report {
            rules,
            towns,
            sheet,
            scores,
            compare,
            set,
            year,
            date,
            letters,
            rules_only,
            output,
            force,
        } => super::report::run(&super::report::ReportArgs {
            rules,
            towns,
            sheet,
            scores,
            compare,
            set,
            when: super::load::When { year, date },
            letters,
            rules_only,
            output,
            force,
        }),
    }
}
