//! The commands: `townrules check`, `eval`, `repl` and `diff`.
//!
//! This layer sits on top of the library: it reads the command line, calls the
//! phases (syntax, check, compile, data, eval, report), prints what they return and
//! decides the exit status. The library never imports it and never prints.

pub mod cli;
pub mod diff;
pub mod eval;
pub mod repl;

pub use cli::main;
