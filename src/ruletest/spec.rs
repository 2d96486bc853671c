//! The test file format: TOML, read with serde; every number a string with its unit
//! (`"19.99亿元"`) or a whole number, never a binary float.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::TestError;

/// A cell value as written in a test file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    /// `"19.99亿元"`, `"制造业"`, `"是"`.
    Text(String),
    /// `12`.
    Whole(i64),
    /// `true` / `false` (是 / 否).
    Flag(bool),
    /// `19.99` — refused: a binary float cannot hold every decimal exactly.
    Float(f64),
}

/// A town's facts: fact id or label → cell.
pub type Facts = BTreeMap<String, Cell>;

/// One test case: a town and what the rule set must say about it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows, in words (printed with its result).
    pub name: String,
    /// The town's facts, over the file's `defaults`.
    #[serde(default)]
    pub facts: Facts,
    /// `"yes"`: every expert attestation not given is yes; `"no"`: no.
    #[serde(default)]
    pub attestations: Option<String>,
    /// What-if values, as `--set` takes them: `{ "min_jobs" = "1500人" }`.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// Other towns evaluated with this one (for rankings), each over `defaults`.
    #[serde(default)]
    pub others: Vec<Facts>,
    /// Expert scores: expert → indicator code → points; `default = "full"` (or `"zero"`)
    /// gives every item not listed its full weight (or 0).
    #[serde(default)]
    pub scores: BTreeMap<String, BTreeMap<String, Cell>>,
    /// The outcome: 认定 / 不予认定 / 待定 (or recognized / not_recognized / undetermined).
    #[serde(default)]
    pub expect: Option<String>,
    /// Statuses of named criteria: 符合 / 不符合 / 待定 / 不适用 (or met / not_met / …).
    #[serde(default)]
    pub criteria: BTreeMap<String, String>,
    /// The town's discretionary mark (recognised only through a discretionary relaxation).
    #[serde(default)]
    pub discretionary: Option<bool>,
    /// Priority: yes / no / unknown.
    #[serde(default)]
    pub priority: Option<String>,
    /// Read dated parameters at this date (`YYYY-MM-DD`), as `eval --date` does.
    #[serde(default)]
    pub date: Option<String>,
    /// The exact total score.
    #[serde(default)]
    pub score: Option<String>,
    /// The grade's name.
    #[serde(default)]
    pub grade: Option<String>,
}

/// A test file: the rule set it tests, shared facts, and its cases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// The rule file, relative to the test file (default: `NAME.rules` beside
    /// `NAME.test.toml`).
    #[serde(default)]
    pub rules: Option<String>,
    /// Default for every case: `"yes"` makes every expert attestation not given yes.
    #[serde(default)]
    pub attestations: Option<String>,
    /// The evaluation year of yearly facts (`output[year]`), as `eval --year` gives it
    /// (default: the rule set's own `year`).
    #[serde(default)]
    pub year: Option<i32>,
    /// Facts every case starts from; a yearly fact by its column (`"yearly_output@2024"`).
    #[serde(default)]
    pub defaults: Facts,
    /// What-if values for every case (a case's own `set` goes on top), e.g. thresholds a
    /// rule set leaves unset.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// The cases, in order.
    #[serde(default, rename = "case")]
    pub cases: Vec<Case>,
}

impl TestFile {
    /// Read and parse the test file at `path`.
    pub fn read(path: &Path) -> Result<TestFile, TestError> {
        let text = std::fs::read_to_string(path).map_err(|e| TestError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Self::parse(path, &text)
    }

    /// Parse test-file text (`path` names it in errors).
    pub fn parse(path: &Path, text: &str) -> Result<TestFile, TestError> {
        let file: TestFile = toml::from_str(text).map_err(|e| TestError::Format {
            path: path.to_path_buf(),
            message: located(text, &e),
        })?;
        Ok(file)
    }

    /// The rule file this test file tests.
    pub fn rules_path(&self, test: &Path) -> PathBuf {
        match &self.rules {
            Some(r) => test.with_file_name(r),
            None => super::rules_beside(test),
        }
    }
}

/// A TOML error with its line and column.
fn located(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            crate::t!("test.file.at", line = line, column = col, message = msg)
        }
        None => msg,
    }
}

impl Cell {
    /// The cell as town data reads it, or why it cannot be written that way.
    pub fn text(&self) -> Result<String, String> {
        match self {
            Cell::Text(s) => Ok(s.clone()),
            Cell::Whole(n) => Ok(n.to_string()),
            Cell::Flag(b) => Ok(if *b { "是" } else { "否" }.to_string()),
            Cell::Float(f) => Err(crate::t!("test.file.float", value = f)),
        }
    }
}
