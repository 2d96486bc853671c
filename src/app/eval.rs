//! `townrules eval RULES TOWNS [--town ID]… [--format text|json|csv] [--set NAME=VALUE]…`

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use super::error::{AppError, Outcome};
use super::load;
use crate::data::Towns;
use crate::eval::Evaluator;
use crate::report::{self, TextOptions};

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

/// Arguments of `townrules eval`.
#[derive(Debug, Clone)]
pub struct EvalArgs {
    /// Rule file.
    pub rules: PathBuf,
    /// Town data file.
    pub towns: PathBuf,
    /// The sheet of a workbook to read (default: the first).
    pub sheet: Option<String>,
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
    /// The evaluation year and the date of dated values (`--year`, `--date`).
    pub when: load::When,
}

fn select_rows(towns: &Towns, only: &[String]) -> Result<Vec<usize>, AppError> {
    if only.is_empty() {
        return Ok((0..towns.len()).collect());
    }
    let mut rows = Vec::new();
    for t in only {
        match towns.index_of(t) {
            Some(r) => rows.push(r),
            None => {
                let cands = towns.ids.iter().chain(towns.names.iter());
                return Err(AppError::UnknownTown {
                    town: t.clone(),
                    file: towns.file.to_string(),
                    suggestion: crate::suggest::did_you_mean(t, cands),
                });
            }
        }
    }
    Ok(rows)
}

/// Run `eval`: the report to stdout.
pub fn run(args: &EvalArgs) -> Result<Outcome, AppError> {
    let (model, mut rs) = load::rule_file_at(&args.rules, &args.when)?;
    load::apply_sets(&mut rs, &args.set)?;
    let towns = load::towns_in(&args.towns, args.sheet.as_deref(), &model, &rs)?;
    let rows = select_rows(&towns, &args.towns_only)?;
    let scores = load::sheets(&rs, &towns, args.scores.as_deref())?;
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
        Ok(()) => Ok(Outcome::Success),
        // The reader has what it wanted (`| head`).
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Success),
        Err(source) => Err(AppError::Write {
            what: "the report",
            source,
        }),
    }
}
