//! Phase 2: syntax trees → a checked model of one rule set.
//!
//! Loads the root file and everything it imports or extends (once each, cycles
//! refused), merges declarations into symbol tables — facts, categories,
//! parameters with their provenance, tables, criteria — and checks every
//! expression for unknown names (with "did you mean") and kind/unit mismatches, and
//! every quotation against the source text its file's header names.
//! All problems are collected and reported together as [`Diag`]s.

mod declare;
mod exprs;
mod indicators;
mod load;
mod model;
pub mod quantities;
mod quotes;
mod repeats;
mod sources;
mod what_if;
mod years;

pub use declare::is_iso_date;
pub use declare::quantity_const;
pub use load::allow_import_dir;
pub use model::*;
pub use years::{bind_year, is_year_column, year_at, year_count, year_id, YearAt, YearRead};

use std::path::Path;

use crate::diag::Diag;

/// The outcome of checking: the model (when there were no errors) and every diagnostic.
#[derive(Debug)]
pub struct CheckReport {
    /// The checked model; `None` when any diagnostic is an error.
    pub model: Option<Checked>,
    /// Errors, warnings and notes in file order.
    pub diagnostics: Vec<Diag>,
}

impl CheckReport {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diag::is_error)
    }
}

/// Check the rule file at `path` and everything it imports or extends.
pub fn check_file(path: &Path) -> CheckReport {
    let mut loaded = load::Loader::default();
    let root = loaded.load_root(path);
    finish(loaded, root)
}

/// [`check_file`], with imports read only from inside `homes` (a revision's files
/// materialised in a temporary folder, for `diff FILE@REV`).
pub fn check_file_within(path: &Path, homes: &[std::path::PathBuf]) -> CheckReport {
    let mut loaded = load::Loader::within(homes);
    let root = loaded.load_root(path);
    finish(loaded, root)
}

/// Check a rule file given as text (imports are resolved relative to `path`).
pub fn check_source(path: &Path, text: &str) -> CheckReport {
    let mut loaded = load::Loader::default();
    let root = loaded.load_root_text(path, text);
    finish(loaded, root)
}

fn finish(loaded: load::Loader, root: Option<usize>) -> CheckReport {
    let mut diags = loaded.diags;
    let Some(root) = root else {
        return CheckReport {
            model: None,
            diagnostics: diags,
        };
    };
    if diags.iter().any(Diag::is_error) {
        return CheckReport {
            model: None,
            diagnostics: diags,
        };
    }
    let (mut model, more) = declare::build(loaded.units, root);
    // Yearly reads are bound to the header's `year` (when it has none, a relative read
    // stays unbound until the command gives a year: `bind_year` again).
    let year = model.header.as_ref().and_then(|h| h.year);
    let _ = years::bind_year(&mut model, year);
    diags.extend(more);
    diags.extend(sources::verify(&model.units));
    diags.extend(repeats::verify(&model.units));
    let has_errors = diags.iter().any(Diag::is_error);
    CheckReport {
        model: if has_errors { None } else { Some(model) },
        diagnostics: diags,
    }
}

/// The exact value of a number literal (money in 元, percentages in points), if representable.
pub fn declare_quantity(q: &crate::syntax::ast::Quantity) -> Option<Const> {
    declare::quantity_const(q).ok().map(|(_, c, _)| c)
}
