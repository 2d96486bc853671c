//! Phase 1: rule text → typed syntax tree ([`ast::File`]).
//!
//! The grammar is `grammar/townrules.pest`; this module turns pest's pairs into
//! [`ast`] nodes that keep their spans, collects the file's comments, and turns
//! pest's errors into [`ParseError`] diagnostics in plain words.

pub mod ast;
mod error;
pub mod format;
pub mod ops;
mod parse;
pub mod template;

/// Longest rule file accepted, in bytes (defined with [`Source`](crate::source::Source), which reads files).
pub use crate::source::MAX_FILE_BYTES;
pub use error::ParseError;
pub use parse::{parse, MAX_NESTING};
