//! The Excel report (`eval --format xlsx`) and the data-entry template (`template`):
//! workbooks for Excel and WPS, with Chinese sheet names and headers.
//!
//! The report's sheets: 汇总 (one row per town), 逐条说明 (town × criterion × check),
//! 指标得分 (node scores, for an indicator system), 规则集 (header, criteria,
//! parameters, what-if changes) and 来源 (where the report comes from). Scores, money
//! and thresholds are written exactly ([`cells::Sheet::decimal`]): a number cell only
//! when the decimal survives the trip through a binary number, with a number format
//! showing all its decimals; else the decimal as text.

mod cells;
mod explanations;
mod provenance;
mod score_sheet;
mod scores;
mod summary;
mod template;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::RunInfo;
use crate::eval::Evaluator;

pub use template::template;

/// The report of `rows` as the bytes of an .xlsx workbook.
pub fn xlsx(ev: &Evaluator<'_>, rows: &[usize], info: &RunInfo) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let styles = cells::Styles::new();
    summary::write(book.add_worksheet(), &styles, ev, rows)?;
    explanations::write(book.add_worksheet(), &styles, ev, rows)?;
    if ev.rules.evaluation.is_some() {
        scores::write(book.add_worksheet(), &styles, ev, rows)?;
    }
    provenance::ruleset(book.add_worksheet(), &styles, ev.rules)?;
    provenance::sources(book.add_worksheet(), &styles, ev.rules, info)?;
    book.save_to_buffer()
}
