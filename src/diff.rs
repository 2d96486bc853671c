//! `townrules diff`: semantic difference between rule sets (being built).

use std::path::Path;

use crate::cli::DiffFormat;

/// Run `diff`; returns the exit status (0 same, 1 different, 2 error).
pub fn run(
    _old: &str,
    _new: &str,
    _towns: Option<&Path>,
    _scores: Option<&Path>,
    _format: DiffFormat,
) -> u8 {
    eprintln!("error: `townrules diff` is not available in this build yet");
    2
}
