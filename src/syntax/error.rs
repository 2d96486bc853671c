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
    /// What went wrong, in the current language, user text in backticks.
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
            crate::t!("syntax.internal"),
            crate::t!("syntax.here"),
            Some(crate::t!("syntax.internal_help")),
        )
    }
}

/// Plain words for what the parser expected at an error.
pub fn describe_expected(rules: &[Rule]) -> String {
    let mut words: Vec<String> = Vec::new();
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
            | Rule::replace => crate::t!("syntax.expected.declaration"),
            Rule::EOI => crate::t!("syntax.expected.end"),
            Rule::ident | Rule::path => crate::t!("syntax.expected.name"),
            Rule::string | Rule::string_inner => crate::t!("syntax.expected.text"),
            Rule::kind
            | Rule::kind_name
            | Rule::kind_money
            | Rule::kind_count
            | Rule::kind_category => {
                crate::t!("syntax.expected.kind")
            }
            Rule::money_unit | Rule::count_unit => crate::t!("syntax.expected.unit"),
            Rule::value => crate::t!("syntax.expected.value"),
            Rule::quantity | Rule::number => crate::t!("syntax.expected.number"),
            Rule::expr | Rule::paren | Rule::list | Rule::boolean => {
                crate::t!("syntax.expected.expr")
            }
            Rule::op_or | Rule::op_and => crate::t!("syntax.expected.and_or"),
            Rule::op_ge | Rule::op_gt | Rule::op_le | Rule::op_lt | Rule::op_eq | Rule::op_ne => {
                crate::t!("syntax.expected.comparison")
            }
            Rule::op_add | Rule::op_sub | Rule::op_mul | Rule::op_div => {
                crate::t!("syntax.expected.operator")
            }
            Rule::index | Rule::in_set => crate::t!("syntax.expected.index"),
            Rule::attr | Rule::attr_value => crate::t!("syntax.expected.attr"),
            Rule::member => crate::t!("syntax.expected.member"),
            Rule::alias => crate::t!("syntax.expected.alias"),
            Rule::block => crate::t!("syntax.expected.block"),
            Rule::table_entry => crate::t!("syntax.expected.table_entry"),
            Rule::applies | Rule::require | Rule::priority => {
                crate::t!("syntax.expected.criterion_item")
            }
            Rule::relax => crate::t!("syntax.expected.relax"),
            Rule::relax_when => crate::t!("syntax.expected.relax_when"),
            Rule::relax_then => crate::t!("syntax.expected.relax_then"),
            Rule::date => crate::t!("syntax.expected.date"),
            Rule::indicator => crate::t!("syntax.expected.indicator"),
            Rule::code => crate::t!("syntax.expected.code"),
            Rule::score | Rule::score_full | Rule::score_expert | Rule::score_formula => {
                crate::t!("syntax.expected.score")
            }
            Rule::grades => crate::t!("syntax.expected.grades"),
            Rule::band | Rule::grade_name => crate::t!("syntax.expected.band"),
            Rule::interval | Rule::bound => crate::t!("syntax.expected.interval"),
            Rule::call => crate::t!("syntax.expected.call"),
            Rule::since | Rule::since_date => crate::t!("syntax.expected.since"),
            Rule::version => crate::t!("syntax.expected.version"),
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
        0 => crate::t!("syntax.expected.other"),
        1 => words.remove(0),
        _ => {
            let last = words.pop().unwrap_or_default();
            let list = words.join(&crate::t!("syntax.expected.separator"));
            crate::t!("syntax.expected.either", list = list, last = last)
        }
    }
}

/// Whether the parser expected a declaration (the help then lists the declarations).
pub fn expects_declaration(rules: &[Rule]) -> bool {
    rules.iter().any(|r| {
        matches!(
            r,
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
                | Rule::replace
        )
    })
}
