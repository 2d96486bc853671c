//! Expressions: operator precedence (a Pratt parser over the grammar's flat `expr`),
//! a limit on operators per condition, and the primaries.

use std::sync::LazyLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::{is_keyword, kids, span_of, Builder, Rule, R};
use crate::syntax::ast::*;
use crate::syntax::error::ParseError;

/// Most operators accepted in one condition: its syntax tree is at most this deep, so
/// checking, compiling and evaluating it cannot overflow the stack (`not not … x`,
/// `a + a + … + a`).
const MAX_OPERATORS: usize = 256;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left))
        .op(Op::postfix(Rule::in_set))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::index))
});

/// The operator a pest rule of the `infix` alternatives stands for (`None` for any other
/// rule: an internal error, never a silent default).
fn binary_op(rule: Rule) -> Option<BinOp> {
    use crate::syntax::ast::{ArithOp, CmpOp, LogicOp};
    Some(match rule {
        Rule::op_or => BinOp::Logic(LogicOp::Or),
        Rule::op_and => BinOp::Logic(LogicOp::And),
        Rule::op_ge => BinOp::Cmp(CmpOp::Ge),
        Rule::op_gt => BinOp::Cmp(CmpOp::Gt),
        Rule::op_le => BinOp::Cmp(CmpOp::Le),
        Rule::op_lt => BinOp::Cmp(CmpOp::Lt),
        Rule::op_eq => BinOp::Cmp(CmpOp::Eq),
        Rule::op_ne => BinOp::Cmp(CmpOp::Ne),
        Rule::op_add => BinOp::Arith(ArithOp::Add),
        Rule::op_sub => BinOp::Arith(ArithOp::Sub),
        Rule::op_mul => BinOp::Arith(ArithOp::Mul),
        Rule::op_div => BinOp::Arith(ArithOp::Div),
        _ => return None,
    })
}

impl Builder<'_> {
    /// Reject a condition with more than [`MAX_OPERATORS`] operators before building its tree.
    fn check_operators(&self, pair: &Pair<'_, Rule>) -> R<()> {
        let mut count = 0usize;
        for p in pair.clone().into_inner().flatten() {
            let op = matches!(
                p.as_rule(),
                Rule::op_or
                    | Rule::op_and
                    | Rule::op_not
                    | Rule::op_neg
                    | Rule::op_ge
                    | Rule::op_gt
                    | Rule::op_le
                    | Rule::op_lt
                    | Rule::op_eq
                    | Rule::op_ne
                    | Rule::op_add
                    | Rule::op_sub
                    | Rule::op_mul
                    | Rule::op_div
                    | Rule::index
                    | Rule::in_set
            );
            count += usize::from(op);
            if count > MAX_OPERATORS {
                let s = span_of(&p);
                return Err(ParseError::new(
                    self.source,
                    s,
                    crate::t!("syntax.operators", max = MAX_OPERATORS),
                    crate::t!("syntax.operators_label"),
                    Some(crate::t!("syntax.split_condition_help")),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn expr(&self, pair: Pair<'_, Rule>) -> R<Node<Expr>> {
        self.check_operators(&pair)?;
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let span = Span::new(span_of(&op).start, rhs.span.end);
                let op = if op.as_rule() == Rule::op_not {
                    UnOp::Not
                } else {
                    UnOp::Neg
                };
                Ok(Node::new(
                    Expr::Unary {
                        op,
                        operand: Box::new(rhs),
                    },
                    span,
                ))
            })
            .map_postfix(|lhs, op| {
                let lhs = lhs?;
                let span = Span::new(lhs.span.start, span_of(&op).end);
                let is_index = op.as_rule() == Rule::index;
                let ospan = span_of(&op);
                let arg = self.next(&mut kids(op), ospan)?;
                let arg = if is_index {
                    self.expr(arg)?
                } else {
                    self.primary(arg)?
                };
                let e = if is_index {
                    Expr::Index {
                        base: Box::new(lhs),
                        key: Box::new(arg),
                    }
                } else {
                    Expr::In {
                        item: Box::new(lhs),
                        set: Box::new(arg),
                    }
                };
                Ok(Node::new(e, span))
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let span = Span::new(lhs.span.start, rhs.span.end);
                let op = binary_op(op.as_rule())
                    .ok_or_else(|| ParseError::internal(self.source, span))?;
                Ok(Node::new(
                    Expr::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span,
                ))
            })
            .parse(pair.into_inner().filter(|p| !is_keyword(p.as_rule())))
    }

    fn primary(&self, p: Pair<'_, Rule>) -> R<Node<Expr>> {
        let span = span_of(&p);
        let e = match p.as_rule() {
            Rule::quantity => Expr::Quantity(self.quantity(p)?),
            Rule::boolean => Expr::Bool(matches!(p.as_str(), "true" | "是")),
            Rule::paren => {
                let inner = self.next(&mut kids(p), span)?;
                let mut e = self.expr(inner)?;
                e.span = span;
                return Ok(e);
            }
            Rule::list => Expr::List(kids(p).map(|e| self.expr(e)).collect::<R<_>>()?),
            Rule::path => Expr::Name(self.path(p).node),
            Rule::call => {
                let mut ci = kids(p);
                let name = self.ident(self.next(&mut ci, span)?);
                let mut args = Vec::new();
                let mut within = None;
                for a in ci {
                    if a.as_rule() == Rule::ident {
                        within = Some(self.ident(a));
                    } else {
                        args.push(self.expr(a)?);
                    }
                }
                Expr::Call { name, args, within }
            }
            Rule::expr => return self.expr(p),
            _ => return Err(ParseError::internal(self.source, span)),
        };
        Ok(Node::new(e, span))
    }
}
