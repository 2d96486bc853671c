//! Expressions, printed from the tree with the author's tokens.
//!
//! Every operator is copied from the source (`>=` stays `>=`, `≥` stays `≥`, `且`
//! stays `且`) and every pair of parentheses the author wrote is kept (a doubled
//! pair once), so the printed expression is the source's token sequence with its
//! whitespace normalised: it parses to the same tree.

use super::super::ast::{Expr, Node, UnOp};
use super::Printer;

impl Printer<'_> {
    /// An expression on one line.
    pub(super) fn expr(&self, e: &Node<Expr>) -> String {
        let (body, parenthesised) = match &e.node {
            Expr::Quantity(_) | Expr::Bool(_) | Expr::Name(_) => {
                let leaf = self.squash(e.span.start, e.span.end);
                let leaf = leaf.trim_start_matches('(').trim_end_matches(')');
                (leaf.to_string(), self.opens_paren(e))
            }
            Expr::List(items) => (format!("[{}]", self.list(items)), self.opens_paren(e)),
            Expr::Index { base, key } => (
                format!("{}[{}]", self.expr(base), self.expr(key)),
                e.span.start < base.span.start,
            ),
            Expr::In { item, set } => (
                format!("{} in {}", self.expr(item), self.expr(set)),
                e.span.start < item.span.start,
            ),
            Expr::Call { name, args, within } => {
                let mut s = format!("{}({}", name.node, self.list(args));
                if let Some(w) = within {
                    if !args.is_empty() {
                        s.push(' ');
                    }
                    s.push_str("within ");
                    s.push_str(&w.node);
                }
                s.push(')');
                (s, self.opens_paren(e))
            }
            Expr::Unary { op, operand } => {
                let written = self.squash(e.span.start, operand.span.start);
                let written = written.trim_start_matches('(');
                let sym = match (written.is_empty(), op) {
                    (false, UnOp::Not | UnOp::Neg) => written,
                    (true, UnOp::Not) => "not",
                    (true, UnOp::Neg) => "-",
                };
                // `not x`, `非 x`; `!x`, `-x`.
                let sep = if sym.chars().all(char::is_alphabetic) {
                    " "
                } else {
                    ""
                };
                (
                    format!("{sym}{sep}{}", self.expr(operand)),
                    self.opens_paren(e),
                )
            }
            Expr::Binary { op, lhs, rhs } => {
                let written = self.squash(lhs.span.end, rhs.span.start);
                let sym = if written.is_empty() {
                    op.symbol().to_string()
                } else {
                    written
                };
                (
                    format!("{} {sym} {}", self.expr(lhs), self.expr(rhs)),
                    e.span.start < lhs.span.start,
                )
            }
        };
        if parenthesised {
            format!("({body})")
        } else {
            body
        }
    }

    fn list(&self, items: &[Node<Expr>]) -> String {
        items
            .iter()
            .map(|i| self.expr(i))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A node whose own text starts with `(`: written in parentheses (a leaf, a list,
    /// a call or a unary operation never starts with one otherwise).
    fn opens_paren(&self, e: &Node<Expr>) -> bool {
        self.text
            .get(e.span.start..)
            .is_some_and(|t| t.starts_with('('))
    }
}
