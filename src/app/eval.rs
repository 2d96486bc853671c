//! `townrules eval RULES TOWNS [--town ID]… [--format text|json|csv] [--set NAME=VALUE]…`

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::app::cli::{print_diags, Format, EXIT_OK, EXIT_USAGE, EXIT_USER};
use crate::compile::RuleSet;
use crate::data::{DataError, Towns};
use crate::eval::Evaluator;
use crate::report::{self, TextOptions};

/// Arguments of `townrules eval`.
#[derive(Debug, Clone)]
pub struct EvalArgs {
    /// Rule file.
    pub rules: PathBuf,
    /// Town data file.
    pub towns: PathBuf,
    /// Towns to show (all when empty).
    pub towns_only: Vec<String>,
    /// Output format.
    pub format: Format,
    /// `NAME=VALUE` parameter changes.
    pub set: Vec<String>,
    /// Detail for every town.
    pub all: bool,
    /// Expert score sheets for an indicator system.
    pub scores: Option<PathBuf>,
}

/// Check and compile a rule file, printing diagnostics; `Err(exit status)` on errors.
pub fn load_rules(path: &std::path::Path) -> Result<(crate::check::Checked, RuleSet), u8> {
    let report = crate::check::check_file(path);
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    print_diags(&errors);
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.level == crate::diag::Level::Warning)
        .count();
    if warnings > 0 && errors.is_empty() {
        eprintln!(
            "warning: `{}` has {warnings} warning(s); `townrules check {}` shows them",
            path.display(),
            path.display()
        );
    }
    let Some(model) = report.model else {
        eprintln!(
            "error: `{}` has errors; fix them first (`townrules check {}`)",
            path.display(),
            path.display()
        );
        return Err(EXIT_USER);
    };
    let rs = crate::compile::compile(&model).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USER
    })?;
    Ok((model, rs))
}

/// Print data errors as `file:row: column `x`: message` with help lines.
pub fn print_data_errors(errs: &[DataError]) {
    let mut err = std::io::stderr().lock();
    for e in errs {
        let _ = writeln!(err, "error: {e}");
        if let Some(h) = &e.help {
            let _ = writeln!(err, "  help: {h}");
        }
    }
    if errs.len() > 1 {
        // Reading stopped at the limit: the last entry says so and is not an error itself.
        let stopped = errs.len() > crate::data::MAX_ERRORS;
        let count = if stopped {
            format!("more than {}", crate::data::MAX_ERRORS)
        } else {
            errs.len().to_string()
        };
        let _ = writeln!(
            err,
            "{count} errors in the data file; nothing was evaluated"
        );
    }
}

/// Apply `NAME=VALUE` changes to a rule set; `Err(exit status)` after printing the problem.
pub fn apply_sets(rs: &mut RuleSet, sets: &[String]) -> Result<(), u8> {
    for s in sets {
        let Some((name, value)) = s.split_once('=') else {
            eprintln!("error: `--set {s}` must be written `--set NAME=VALUE`, e.g. `--set min_output.manufacturing=15亿元`");
            return Err(EXIT_USAGE);
        };
        if let Err(e) = rs.set_param(name.trim(), value, "命令行 --set") {
            eprintln!("error: --set {s}: {e}");
            return Err(EXIT_USER);
        }
    }
    Ok(())
}

fn select_rows(towns: &Towns, only: &[String]) -> Result<Vec<usize>, u8> {
    if only.is_empty() {
        return Ok((0..towns.len()).collect());
    }
    let mut rows = Vec::new();
    for t in only {
        match towns.index_of(t) {
            Some(r) => rows.push(r),
            None => {
                let cands = towns.ids.iter().chain(towns.names.iter());
                match crate::suggest::did_you_mean(t, cands) {
                    Some(s) => eprintln!(
                        "error: no town `{t}` in `{}`; did you mean `{s}`?",
                        towns.file
                    ),
                    None => eprintln!("error: no town `{t}` in `{}`", towns.file),
                }
                return Err(EXIT_USER);
            }
        }
    }
    Ok(rows)
}

/// Run `eval`; returns the exit status.
pub fn run(args: &EvalArgs) -> u8 {
    match run_inner(args) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

fn run_inner(args: &EvalArgs) -> Result<(), u8> {
    let (model, mut rs) = load_rules(&args.rules)?;
    apply_sets(&mut rs, &args.set)?;
    let loaded = crate::data::load_towns(&args.towns, &model).map_err(|errs| {
        print_data_errors(&errs);
        EXIT_USER
    })?;
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    let towns = loaded.towns;
    let rows = select_rows(&towns, &args.towns_only)?;
    let scores = load_sheets(&rs, &towns, args.scores.as_deref())?;
    let mut ev = Evaluator::new(&rs, &towns);
    if let Some(s) = &scores {
        ev = ev.with_scores(s);
    }
    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let res = match args.format {
        Format::Csv => report::csv(&ev, &rows, &mut out),
        Format::Json => report::json_write(&ev, &rows, &mut out).and_then(|_| writeln!(out)),
        Format::Text => {
            let detail = if args.towns_only.is_empty() {
                Vec::new()
            } else {
                rows.clone()
            };
            let opt = TextOptions {
                color,
                all_details: args.all,
            };
            out.write_all(report::text(&ev, &rows, &detail, opt).as_bytes())
        }
    };
    match res.and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            Err(EXIT_USER)
        }
    }
}

/// Load the expert score sheets for a rule set's indicator system, checking that the two
/// go together; `Err(exit status)` after printing the problem.
pub fn load_sheets(
    rs: &RuleSet,
    towns: &Towns,
    path: Option<&std::path::Path>,
) -> Result<Option<crate::data::Scores>, u8> {
    let needs_experts = rs.evaluation.as_ref().is_some_and(|e| {
        e.leaves
            .iter()
            .any(|&n| matches!(e.nodes[n].scoring, crate::compile::Scoring::Expert))
    });
    match (rs.evaluation.as_ref(), path) {
        (None, Some(p)) => {
            eprintln!(
                "error: `{}` has no evaluation indicator system, so the score sheet `{}` cannot be used",
                rs.source_file,
                p.display()
            );
            eprintln!(
                "  help: score sheets go with a rule set such as `rules/xinzhou-evaluation.rules`"
            );
            Err(EXIT_USER)
        }
        (Some(ev), Some(p)) => crate::data::load_scores(p, ev, towns)
            .map(Some)
            .map_err(|errs| {
                print_data_errors(&errs);
                EXIT_USER
            }),
        (Some(ev), None) if needs_experts && rs.criteria.is_empty() => {
            eprintln!(
                "error: `{}` scores towns from expert sheets ({}): give them with `--scores FILE`",
                rs.source_file, ev.label
            );
            eprintln!("  help: a score sheet is a CSV with the columns town, expert, indicator, score (or 镇, 专家, 指标, 得分)");
            Err(EXIT_USER)
        }
        (Some(_), None) if needs_experts => {
            eprintln!("warning: no `--scores` given: the indicator scores are undetermined");
            Ok(None)
        }
        _ => Ok(None),
    }
}
