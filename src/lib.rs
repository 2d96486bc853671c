//! townrules: professional-town (专业镇) recognition criteria as plain-text rules.
//!
//! Policy staff keep each government level's criteria (认定标准) as a rule file;
//! townrules checks it, compiles it once, and evaluates towns with an explanation
//! for every verdict. Data flows one way, one module per phase:
//!
//! ```text
//!  rules/*.rules ──► syntax::parse ──► check ──► compile ──► eval ──► report
//!   (grammar/        rule text →      imports,    model →     RuleSet ×   records →
//!    townrules.pest)  syntax tree      names,      RuleSet     Towns →     text / JSON
//!                     with spans and   kinds and   (facts and  verdicts +  / CSV
//!                     comments         units →     params by   explanation
//!                                      Checked +   index, op   records
//!                                      diagnostics arena)
//!  examples/*.csv ──► data::load_towns ──► Towns (one column per fact) ──┘
//!
//!  eval::logic: the meaning of the language, defined once (Kleene logic for one town
//!  and for 64 towns at a time, the relaxation, status and outcome rules, comparison
//!  with margins); the tree walk, the explanation plans, the 64-lane fast path, the
//!  REPL, the diff and the reports all go through it.
//!
//!  app: the commands, on top of everything above (which never imports it)
//!    cli ──► check | eval | repl | diff ──► load ──────────────► error
//!    (args)  (one module per command)       (rules checked and    (AppError, printing,
//!                                            compiled, their      exit status)
//!                                            diagnostics; --set;
//!                                            data; score sheets)
//! ```
//!
//! One public function per phase: [`parse`], [`check`], [`compile`], [`load_towns`],
//! [`Evaluator::new`](eval::Evaluator::new), and the formatters in [`report`]. Each
//! phase returns values and its own error type; only [`app`] prints, and
//! `tests/architecture.rs` checks that no other module imports it or prints, and that
//! the modules do not import each other in a circle.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Diagnostics carry their source text for rendering; they are returned only on the cold error path.
#![allow(clippy::result_large_err)]
// Nothing a user wrote may panic: no unwrap/expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod check;
pub mod compile;
pub mod data;
pub mod diag;
pub mod eval;
pub mod i18n;
pub mod report;
pub mod ruletest;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod units;

pub use check::check_file as check;
pub use compile::compile;
pub use data::load_towns;
pub use syntax::parse;

/// Check and compile the rule file at `path`: the rule set, or every diagnostic
/// (errors, warnings and notes) when it has errors.
pub fn load_rule_set(path: &std::path::Path) -> Result<compile::RuleSet, Vec<diag::Diag>> {
    let report = check::check_file(path);
    match report.model {
        Some(m) => compile::compile(&m)
            .map_err(|e| vec![diag::Diag::plain(diag::Code::NoHeader, e.to_string())]),
        None => Err(report.diagnostics),
    }
}
