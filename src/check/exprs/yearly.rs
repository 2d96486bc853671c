//! Reads of yearly facts by year: `fact[year - 1]` and `all_years(COND, N)`.

use super::ExprChecker;
use crate::check::model::*;
use crate::diag::{Code, Diag};
use crate::source::Source;
use crate::syntax::ast::{Expr, Node};

impl ExprChecker<'_> {
    /// `all_years(COND, N)`: `COND` in the evaluation year and each of the `N - 1` years
    /// before (its reads by `year` move back one year at a time).
    pub(super) fn all_years(
        &mut self,
        src: &Source,
        name: &Node<String>,
        args: &[Node<Expr>],
        within: &Option<Node<String>>,
    ) -> Option<Kind> {
        let help = crate::t!("all_years.help");
        let [cond, count] = args else {
            let d = Diag::error(
                Code::Arity,
                src,
                name.span,
                crate::t!("arity.all_years", found = args.len()),
            );
            self.diags.push(d.help(help));
            return None;
        };
        if let Some(w) = within {
            let d = Diag::error(
                Code::Arity,
                src,
                w.span,
                crate::t!("arity.no_within", name = "all_years"),
            );
            self.diags.push(d.help(help));
            return None;
        }
        let Some(n) = crate::check::years::year_count(&count.node) else {
            let msg = crate::t!("number.years", max = crate::check::years::MAX_YEARS);
            let d = Diag::error(Code::Number, src, count.span, msg)
                .label(crate::t!("number.years_label"));
            self.diags.push(d.help(help));
            return None;
        };
        let before = self.year_reads.len();
        let k = self.kind(src, cond)?;
        if k != Kind::Bool {
            let msg = crate::t!("kind_mismatch.all_years", kind = k.describe());
            let d = Diag::error(Code::KindMismatch, src, cond.span, msg);
            self.diags.push(d.help(help));
            return None;
        }
        let reads: Vec<_> = self.year_reads[before..].to_vec();
        if !reads
            .iter()
            .any(|r| matches!(r.at, crate::check::years::YearAt::Relative(_)))
        {
            let msg = crate::t!("kind_mismatch.all_years_no_year");
            let d = Diag::error(Code::KindMismatch, src, cond.span, msg)
                .label(crate::t!("kind_mismatch.all_years_no_year_label"));
            self.diags.push(d.help(help));
            return None;
        }
        for back in 1..n {
            for r in &reads {
                let mut moved = *r;
                moved.at = r.at.back(back);
                self.year_reads.push(moved);
            }
        }
        Some(Kind::Bool)
    }

    /// `fact[year - 1]`: a yearly fact read by year.
    pub(super) fn year_index(
        &mut self,
        src: &Source,
        f: usize,
        base: &Node<Expr>,
        key: &Node<Expr>,
        whole: crate::syntax::ast::Span,
    ) -> Option<Kind> {
        let fact = &self.m.facts[f];
        if !fact.yearly {
            let year_like = crate::check::years::year_at(&key.node).is_some();
            let mut d = Diag::error(
                Code::KindMismatch,
                src,
                base.span,
                crate::t!("kind_mismatch.not_yearly", name = fact.id),
            )
            .label(crate::t!("kind_mismatch.not_yearly_label"));
            d = if year_like {
                d.help(crate::t!(
                    "kind_mismatch.not_yearly_help",
                    name = fact.id,
                    label = fact.label
                ))
            } else {
                d.help(crate::t!("kind_mismatch.indexable_help"))
            };
            self.diags.push(d);
            return None;
        }
        let Some(at) = crate::check::years::year_at(&key.node) else {
            self.diags
                .push(crate::check::years::bad_index(src, &fact.id, key));
            return None;
        };
        self.year_reads.push(crate::check::years::YearRead {
            fact: f,
            at,
            file: self.file,
            span: whole,
        });
        Some(fact.kind)
    }
}
