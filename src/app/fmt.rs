//! `townrules fmt [--check | --write] FILE…`: the canonical layout of rule files
//! ([`crate::syntax::format::format`]).
//!
//! Without a flag the laid-out text of each file goes to stdout. `--check` prints a
//! unified diff for each file not in the canonical layout and a summary line, and
//! ends with [`Outcome::Problems`] (exit 1) when there is one. `--write` rewrites the
//! files that change: a temporary file in the same folder, given the file's
//! permissions, renamed over it. A file that does not parse is reported with the
//! parser's located diagnostic and left alone (exit 1).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::{print_diagnostics, Outcome};
use crate::diag::Diag;
use crate::source::Source;
use crate::syntax::format::format;

/// What to do with the laid-out text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Print it.
    Print,
    /// Compare it with the file: a diff and exit 1 when they differ.
    Check,
    /// Write it over the file.
    Write,
}

impl Mode {
    /// The mode of the flags `--check` and `--write` (the command line makes them exclusive).
    pub fn new(check: bool, write: bool) -> Self {
        match (check, write) {
            (true, _) => Mode::Check,
            (false, true) => Mode::Write,
            (false, false) => Mode::Print,
        }
    }
}

/// Lay out each file; [`Outcome::Problems`] when a file does not parse, cannot be read
/// or written, or (`--check`) is not in the canonical layout.
pub fn run(files: &[PathBuf], mode: Mode) -> Outcome {
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for path in files {
        let source = match Source::read(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!(
                    "{}",
                    crate::t!(
                        "fmt.unreadable",
                        file = path.display(),
                        error = crate::source::io_reason(&e)
                    )
                );
                failed = true;
                continue;
            }
        };
        let formatted = match format(&source) {
            Ok(t) => t,
            Err(e) => {
                print_diagnostics(&[Diag::from(e)]);
                eprintln!("{}", crate::t!("fmt.syntax", file = path.display()));
                failed = true;
                continue;
            }
        };
        // The bytes on disk (a byte-order mark counts as a difference).
        let original = std::fs::read(path).unwrap_or_default();
        let same = original == formatted.as_bytes();
        let shown = path.display();
        match mode {
            Mode::Print => {
                if out.write_all(formatted.as_bytes()).is_err() {
                    // A closed pipe: the reader has what it wanted.
                    return if failed {
                        Outcome::Problems
                    } else {
                        Outcome::Success
                    };
                }
            }
            Mode::Check if same => {}
            Mode::Check => {
                failed = true;
                let old = String::from_utf8_lossy(&original);
                let name = shown.to_string();
                let diff = similar::TextDiff::from_lines(old.as_ref(), formatted.as_str());
                let udiff = diff
                    .unified_diff()
                    .context_radius(2)
                    .header(&name, &crate::t!("fmt.after", file = name))
                    .to_string();
                let _ = write!(out, "{udiff}");
                let _ = writeln!(out, "{}", crate::t!("fmt.not_laid_out", file = shown));
            }
            Mode::Write if same => {}
            Mode::Write => match write_atomically(path, formatted.as_bytes()) {
                Ok(()) => {
                    let _ = writeln!(out, "{}", crate::t!("fmt.written", file = shown));
                }
                Err(e) => {
                    eprintln!(
                        "{}",
                        crate::t!(
                            "fmt.unwritable",
                            file = shown,
                            error = crate::source::io_reason(&e)
                        )
                    );
                    failed = true;
                }
            },
        }
    }
    if failed {
        Outcome::Problems
    } else {
        Outcome::Success
    }
}

/// Replace `path` by `bytes`: a temporary file in the same folder with the file's
/// permissions, renamed over it (readers see the old or the new file, never half).
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        Some(_) | None => Path::new("."),
    };
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".townrules-fmt-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
