//! The command line: `townrules check`, `townrules eval`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::{Diag, Level};

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: a user error (bad rule file, bad data, unknown parameter).
pub const EXIT_USER: u8 = 1;
/// Exit status: a usage error (bad command line).
pub const EXIT_USAGE: u8 = 2;

/// townrules — 专业镇认定标准规则引擎 (rules engine for professional-town recognition criteria)
#[derive(Debug, Parser)]
#[command(name = "townrules", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Chinese text for people (default).
    Text,
    /// One JSON object.
    Json,
    /// One row per town.
    Csv,
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
        /// Town data: CSV (UTF-8, with or without BOM), TOML or JSON.
        towns: PathBuf,
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
    },
}

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Chinese text for people (default).
    Text,
    /// One JSON object.
    Json,
}

/// Run the command line; returns the process exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let code = match cli.command {
        Command::Check { files } => run_check(&files),
        Command::Eval {
            rules,
            towns,
            town,
            format,
            set,
            all,
            scores,
        } => crate::app::eval::run(&crate::app::eval::EvalArgs {
            rules,
            towns,
            towns_only: town,
            format,
            set,
            all,
            scores,
        }),
        Command::Repl {
            rules,
            towns,
            scores,
        } => crate::app::repl::run(rules, towns, scores),
        Command::Diff {
            old,
            new,
            towns,
            scores,
            format,
        } => crate::app::diff::run(&old, &new, towns.as_deref(), scores.as_deref(), format),
    };
    ExitCode::from(code)
}

/// Print diagnostics to stderr, rendered by miette (colour only on a terminal).
pub fn print_diags(diags: &[Diag]) {
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
    let _ = stderr.lock().write_all(out.as_bytes());
}

fn run_check(files: &[PathBuf]) -> u8 {
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for f in files {
        let report = crate::check::check_file(f);
        let mut diags = report.diagnostics.clone();
        diags.sort_by_key(|d| (d.file.clone(), d.line_col));
        print_diags(&diags);
        let count = |l: Level| report.diagnostics.iter().filter(|d| d.level == l).count();
        let (e, w, n) = (
            count(Level::Error),
            count(Level::Warning),
            count(Level::Note),
        );
        if e > 0 {
            failed = true;
            let _ = writeln!(out, "✗ {}: {e} 个错误, {w} 个警告, {n} 条提示", f.display());
        } else {
            let what = match &report.model {
                Some(m) => format!(
                    "{} 条认定标准, {} 个参数, {} 个事实",
                    m.criteria.len(),
                    m.params.len(),
                    m.facts.len()
                ),
                None => String::new(),
            };
            let _ = writeln!(out, "✓ {}: {what}; {w} 个警告, {n} 条提示", f.display());
        }
    }
    if failed {
        EXIT_USER
    } else {
        EXIT_OK
    }
}
