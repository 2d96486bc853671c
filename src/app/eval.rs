//! `townrules eval RULES TOWNS [--town ID]… [--format text|json|csv] [--set NAME=VALUE]…`

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use super::error::{AppError, Outcome};
use super::load;
use super::output;
use crate::data::Towns;
use crate::eval::Evaluator;
use crate::report::{self, CsvOptions, JsonOptions, RunInfo, TextOptions};

/// Output format of `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Chinese text for people (default).
    Text,
    /// One JSON object.
    Json,
    /// JSON Lines: the rule set on the first line, then one town per line (streamed).
    Jsonl,
    /// One row per town (UTF-8 with BOM, Chinese headers; `--ids` for scripts).
    Csv,
    /// An Excel workbook (needs `-o FILE`).
    Xlsx,
}

impl Format {
    /// The format as `--format` names it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// How JSON and JSON Lines explain each criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Explain {
    /// Structured records: fact, value, unit, comparator, threshold, margin, path.
    #[default]
    Records,
    /// The records and the Chinese explanation text.
    Text,
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
    /// Write the report to this file (atomically) instead of standard output.
    pub output: Option<PathBuf>,
    /// Overwrite `output` if it exists.
    pub force: bool,
    /// JSON/JSONL: records only, or records with the explanation text.
    pub explain: Explain,
    /// CSV: ids and English statuses, no BOM (for scripts).
    pub ids: bool,
}

fn select_rows(towns: &Towns, only: &[String]) -> Result<Vec<usize>, AppError> {
    if only.is_empty() {
        return Ok((0..towns.len()).collect());
    }
    let mut rows: Vec<usize> = Vec::new();
    for (i, t) in only.iter().enumerate() {
        match towns.index_of(t) {
            // `--town A --town A` (or a town by id and by name) shows it once, and says so.
            Some(r) if rows.contains(&r) => {
                let first = only[..i]
                    .iter()
                    .find(|o| towns.index_of(o) == Some(r))
                    .unwrap_or(t);
                let message = if first == t {
                    crate::t!("app.warning.town_twice", town = crate::i18n::quote(t))
                } else {
                    crate::t!(
                        "app.warning.same_town",
                        town = crate::i18n::quote(t),
                        first = crate::i18n::quote(first)
                    )
                };
                super::error::warn(message);
            }
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

/// The file beside a CSV report (`-o FILE.csv`) that says where it comes from:
/// `FILE.csv.provenance.json` (the CSV's rows carry no provenance, so that every row
/// stays a town).
fn sidecar_path(args: &EvalArgs) -> Option<PathBuf> {
    let out = args
        .output
        .as_ref()
        .filter(|_| args.format == Format::Csv)?;
    let mut name = out.file_name()?.to_os_string();
    name.push(".provenance.json");
    Some(out.with_file_name(name))
}

/// Run `eval`: the report to stdout, or to `-o FILE`.
pub fn run(args: &EvalArgs) -> Result<Outcome, AppError> {
    if args.format == Format::Xlsx && args.output.is_none() {
        return Err(AppError::NeedsOutput { format: "xlsx" });
    }
    if args.ids && args.format != Format::Csv {
        return Err(AppError::IdsNeedsCsv {
            format: args.format.name(),
        });
    }
    let sidecar = sidecar_path(args);
    for path in args.output.iter().chain(&sidecar) {
        output::refuse_existing(path, args.force)?;
    }
    let (model, mut rs) = load::rule_file_at(&args.rules, &args.when)?;
    load::apply_sets(&mut rs, &args.set)?;
    let towns = load::towns_in(&args.towns, args.sheet.as_deref(), &model, &rs)?;
    let rows = select_rows(&towns, &args.towns_only)?;
    let scores = load::sheets(&rs, &towns, args.scores.as_deref())?;
    let info = super::provenance::run_info(
        &args.rules,
        &model,
        Some(&args.towns),
        args.scores.as_deref(),
        &rs,
    );
    let mut ev = Evaluator::new(&rs, &towns);
    if let Some(s) = &scores {
        ev = ev.with_scores(s);
    }
    let report = Report {
        ev: &ev,
        rows: &rows,
        args,
        info: &info,
    };
    let res = match &args.output {
        Some(path) => output::write_atomically(path, args.force, |out| report.write(out, false))
            .and_then(|()| match &sidecar {
                Some(side) => output::write_atomically(side, args.force, |out| {
                    serde_json::to_writer_pretty(&mut *out, &info)?;
                    writeln!(out)
                }),
                None => Ok(()),
            }),
        None => {
            let stdout = std::io::stdout();
            let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut out = std::io::BufWriter::new(stdout.lock());
            report.write(&mut out, color).and_then(|_| out.flush())
        }
    };
    match res {
        Ok(()) => Ok(Outcome::Success),
        // The reader has what it wanted (`| head`).
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Success),
        Err(source) => Err(AppError::Write {
            what: "the report",
            source,
        }),
    }
}

/// One run's report, ready to be written in the chosen format.
struct Report<'a> {
    ev: &'a Evaluator<'a>,
    rows: &'a [usize],
    args: &'a EvalArgs,
    info: &'a RunInfo,
}

impl Report<'_> {
    /// [`Report::write_format`] with a progress bar on the terminal for CSV and JSON
    /// Lines of many towns (one line a town).
    fn write(&self, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
        let line_per_town = matches!(self.args.format, Format::Csv | Format::Jsonl);
        match super::progress::bar(self.rows.len()).filter(|_| line_per_town) {
            Some(bar) => {
                let mut counted = super::progress::Lines::new(out, bar);
                self.write_format(&mut counted, color)
            }
            None => self.write_format(out, color),
        }
    }

    fn json_options(&self) -> JsonOptions<'_> {
        JsonOptions {
            explain_text: self.args.explain == Explain::Text,
            info: Some(self.info),
        }
    }

    fn write_format(&self, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
        let (ev, rows, args) = (self.ev, self.rows, self.args);
        match args.format {
            Format::Csv => report::csv(ev, rows, &CsvOptions { ids: args.ids }, out),
            Format::Json => {
                report::json_write(ev, rows, &self.json_options(), out)?;
                writeln!(out)
            }
            Format::Jsonl => report::jsonl_write(ev, rows, &self.json_options(), out),
            Format::Xlsx => {
                let bytes = report::xlsx(ev, rows, self.info).map_err(std::io::Error::other)?;
                out.write_all(&bytes)
            }
            Format::Text => {
                let detail = if args.towns_only.is_empty() {
                    Vec::new()
                } else {
                    rows.to_vec()
                };
                let opt = TextOptions {
                    color,
                    all_details: args.all,
                    info: Some(self.info),
                };
                report::text_write(ev, rows, &detail, opt, out)
            }
        }
    }
}
