//! The commands: `townrules check`, `eval`, `repl`, `diff`, `test` and `fmt`.
//!
//! This layer sits on top of the library: it reads the command line ([`cli`]), loads
//! what a command needs ([`load`]: rules checked and compiled with their diagnostics,
//! town data, score sheets), runs the command, prints what the library returns, and
//! decides the exit status in one place ([`error::exit_status`]). The library never
//! imports this layer and never prints.
//!
//! ```text
//!  cli ──► check | eval | repl | diff ──► load ──► error (AppError, report, exit status)
//! ```

pub mod check;
pub mod cli;
pub mod diff;
pub mod error;
pub mod eval;
pub mod fmt;
pub mod load;
pub mod lsp;
pub mod output;
pub mod progress;
pub mod provenance;
pub mod repl;
pub mod report;
pub mod template;
pub mod test;

pub use cli::main;
pub use error::{exit_status, AppError, Outcome};
