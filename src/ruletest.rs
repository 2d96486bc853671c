//! Rule tests (`townrules test`): what each clause of a rule set must mean, pinned down
//! by towns a policy officer writes in a TOML file beside the rule file
//! (`rules/shanxi.test.toml` for `rules/shanxi.rules`):
//!
//! ```toml
//! rules = "shanxi.rules"            # relative to this file (default: same name)
//! attestations = "yes"              # every expert attestation yes unless a case says otherwise
//!
//! [defaults]                        # facts every case starts from
//! category = "制造业"
//! output_value = "25亿元"
//!
//! [[case]]
//! name = "产值19.99亿元：差100万元，不予认定"
//! facts = { output_value = "19.99亿元" }
//! set = { "min_output.manufacturing" = "15亿元" }   # optional what-if
//! expect = "不予认定"                                # outcome
//! criteria = { agglomeration = "不符合" }            # statuses of named criteria
//! discretionary = false
//! priority = "yes"
//! ```
//!
//! Each case is one town (plus `others`, towns evaluated with it for rankings), evaluated
//! by the engine exactly as `eval` would; a failed case carries the explanation of the
//! verdict actually reached. [`Coverage`] says which criteria and relaxation paths lack a
//! case that meets them and one that does not.

mod run;
mod spec;

pub use run::{run_file, CaseResult, Coverage, FileResult, Gap};
pub use spec::{Case, TestFile};

use std::path::{Path, PathBuf};

/// Why a test file could not be run at all (its cases never started).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum TestError {
    /// The file cannot be read.
    #[error("{}", crate::t!("test.file.read", path = path.display(), message = message))]
    #[diagnostic(code(townrules::test_file))]
    Read {
        /// The test file.
        path: PathBuf,
        /// The system's reason.
        message: String,
    },
    /// The file is not a valid test file.
    #[error("{}", crate::t!("test.file.format", path = path.display(), message = message))]
    #[diagnostic(
        code(townrules::test_file),
        help("{}", crate::t!("test.file.format_help"))
    )]
    Format {
        /// The test file.
        path: PathBuf,
        /// What is wrong, with its line.
        message: String,
    },
    /// The rule set under test does not check or compile.
    #[error("{}", crate::t!("test.file.rules", rules = rules.display(), path = path.display()))]
    #[diagnostic(code(townrules::test_rules))]
    Rules {
        /// The test file.
        path: PathBuf,
        /// The rule file.
        rules: PathBuf,
    },
    /// A path names neither a test file, a rule file nor a folder.
    #[error("{}", crate::t!("test.file.not_a_test", path = path.display()))]
    #[diagnostic(code(townrules::test_file))]
    NotATest {
        /// The path.
        path: PathBuf,
    },
}

/// The test files named by `paths`: a `*.test.toml` file itself, a rule file's
/// `NAME.test.toml` beside it, every `*.test.toml` in a folder. No paths: `rules/`.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, TestError> {
    let default = [PathBuf::from("rules")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|e| TestError::Read {
                path: p.clone(),
                message: e.to_string(),
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| is_test_file(f))
                .collect();
            found.sort();
            out.extend(found);
        } else if is_test_file(p) {
            out.push(p.clone());
        } else if p.extension().is_some_and(|e| e == "rules") {
            out.push(beside(p));
        } else {
            return Err(TestError::NotATest { path: p.clone() });
        }
    }
    out.dedup();
    Ok(out)
}

fn is_test_file(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".test.toml"))
}

/// `rules/shanxi.rules` → `rules/shanxi.test.toml`.
fn beside(rules: &Path) -> PathBuf {
    let stem = rules.file_stem().map(|s| s.to_string_lossy().into_owned());
    rules.with_file_name(format!("{}.test.toml", stem.unwrap_or_default()))
}

/// `rules/shanxi.test.toml` → `rules/shanxi.rules` (when the file does not say).
fn rules_beside(test: &Path) -> PathBuf {
    let name = test
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".test.toml").unwrap_or(&name);
    test.with_file_name(format!("{stem}.rules"))
}
