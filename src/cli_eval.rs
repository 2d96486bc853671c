//! `townrules eval`.

use std::path::PathBuf;

use crate::cli::Format;

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
}

/// Run `eval`; returns the exit status.
pub fn run(_args: &EvalArgs) -> u8 {
    1
}
