//! townrules: professional-town (专业镇) recognition criteria as plain-text rules.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod check;
pub mod cli;
pub mod cli_eval;
pub mod compile;
pub mod data;
pub mod diag;
pub mod eval;
pub mod report;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod units;
