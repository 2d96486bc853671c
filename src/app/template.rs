//! `townrules template RULES -o 模板.xlsx`: the workbook a town fills in.

use std::path::Path;

use super::error::{AppError, Outcome};
use super::{load, output};

/// Run `template`: write the data-entry workbook of the rule set at `rules`.
pub fn run(rules: &Path, path: &Path, force: bool) -> Result<Outcome, AppError> {
    output::refuse_existing(path, force)?;
    let (model, rs) = load::rule_file(rules)?;
    let info = super::provenance::run_info(rules, &model, None, None, &rs);
    let bytes = crate::report::template(&rs, &info).map_err(|e| AppError::Write {
        what: "the template",
        source: std::io::Error::other(e),
    })?;
    output::write_atomically(path, force, |out| out.write_all(&bytes)).map_err(|source| {
        AppError::Write {
            what: "the template",
            source,
        }
    })?;
    Ok(Outcome::Success)
}
