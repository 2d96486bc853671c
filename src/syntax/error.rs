//! Syntax errors, in plain words rather than grammar rule names.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use super::ast::Span;
use super::parse::Rule;
use crate::source::Source;

/// A rule file that does not follow the grammar, e.g. `param x = 20亿元以上`
/// (found `以上`) or a criterion without its closing `}`.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(townrules::syntax))]
pub struct ParseError {
    /// What went wrong, lowercase, user text in backticks.
    pub message: String,
    /// The file.
    #[source_code]
    pub src: NamedSource<std::sync::Arc<str>>,
    /// Where.
    #[label("{label}")]
    pub span: SourceSpan,
    /// The text under the underline.
    pub label: String,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

impl ParseError {
    /// A syntax error at `span` of `source`.
    pub fn new(
        source: &Source,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        ParseError {
            message: message.into(),
            src: source.named(),
            span: span.into(),
            label: label.into(),
            help,
        }
    }

    /// A tree shape the grammar should have ruled out (a bug in townrules, reported, not panicked).
    pub fn internal(source: &Source, span: Span) -> Self {
        ParseError::new(
            source,
            span,
            "internal error: unexpected syntax tree shape",
            "here",
            Some("please report this rule file to the townrules developers".into()),
        )
    }
}

/// Plain words for what the parser expected at an error.
pub fn describe_expected(rules: &[Rule]) -> String {
    let mut words: Vec<&str> = Vec::new();
    for r in rules {
        let w = match r {
            Rule::header
            | Rule::import_decl
            | Rule::extends_decl
            | Rule::category_decl
            | Rule::fact_decl
            | Rule::param_decl
            | Rule::table_decl
            | Rule::override_decl
            | Rule::criterion_decl
            | Rule::drop_decl
            | Rule::target_decl
            | Rule::evaluation_decl
            | Rule::replace => "a declaration (`param`, `criterion`, …)",
            Rule::EOI => "the end of the file",
            Rule::ident | Rule::path => "a name",
            Rule::string | Rule::string_inner => "a quoted text `\"…\"`",
            Rule::kind
            | Rule::kind_name
            | Rule::kind_money
            | Rule::kind_count
            | Rule::kind_category => {
                "a kind (`money`, `count`, `percent`, `yes_no`, `attestation`, `category`, `text`)"
            }
            Rule::money_unit | Rule::count_unit => "a unit such as `亿元`",
            Rule::value => "a value such as `20亿元`, `30%`, `10`, `是` or a name",
            Rule::quantity | Rule::number => "a number such as `20亿元`, `30%` or `10`",
            Rule::expr | Rule::paren | Rule::list | Rule::boolean => "a condition or value",
            Rule::op_or | Rule::op_and => "`and` / `or`",
            Rule::op_ge | Rule::op_gt | Rule::op_le | Rule::op_lt | Rule::op_eq | Rule::op_ne => {
                "a comparison (`>=`, `<`, `=` …)"
            }
            Rule::op_add | Rule::op_sub | Rule::op_mul | Rule::op_div => "an operator",
            Rule::index | Rule::in_set => "`[…]` or `in`",
            Rule::attr | Rule::attr_value => "an attribute such as `clause \"…\"`",
            Rule::member => "a category member `id \"label\"`",
            Rule::alias => "`alias`",
            Rule::block => "a block `{ … }`",
            Rule::table_entry => "a table entry `member = value`",
            Rule::applies | Rule::require | Rule::priority => {
                "`require`, `applies`, `priority` or an attribute"
            }
            Rule::relax => "`relax { when … then … }`",
            Rule::relax_when => "`when` and a condition",
            Rule::relax_then => "`then` and a condition",
            Rule::date => "a date `YYYY-MM-DD`",
            Rule::indicator => "`indicator CODE \"label\" weight N`",
            Rule::code => "an indicator code such as `A1.1`",
            Rule::score | Rule::score_full | Rule::score_expert | Rule::score_formula => {
                "`score expert`, `score full when …` or `score = …`"
            }
            Rule::grades => "`grades { … }`",
            Rule::band | Rule::grade_name => "a grade band such as `优秀 >= 90` or `良好 [75, 90)`",
            Rule::interval | Rule::bound => "a range such as `[75, 90)` or `>= 90`",
            Rule::call => "a function call",
            Rule::since | Rule::since_date => "`from` and a date such as `from 2025-01-01`",
            Rule::version => "`then VALUE from DATE`",
            // Not listed: `yearly` may follow every kind, and naming it would crowd out
            // what the writer most likely missed.
            Rule::yearly => continue,
            _ => continue,
        };
        if !words.contains(&w) {
            words.push(w);
        }
    }
    match words.len() {
        0 => "something else".to_string(),
        1 => words[0].to_string(),
        _ => {
            let last = words.pop().unwrap_or_default();
            format!("{} or {}", words.join(", "), last)
        }
    }
}
