//! `townrules repl`: interactive what-if session (being built).

use std::path::PathBuf;

/// Run the REPL; returns the exit status.
pub fn run(_rules: Option<PathBuf>, _towns: Option<PathBuf>, _scores: Option<PathBuf>) -> u8 {
    eprintln!("error: `townrules repl` is not available in this build yet");
    crate::cli::EXIT_USER
}
