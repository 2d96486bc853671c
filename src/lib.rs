//! townrules: professional-town (专业镇) recognition criteria as plain-text rules.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Diagnostics carry their source text for rendering; they are returned only on the cold error path.
#![allow(clippy::result_large_err)]

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
