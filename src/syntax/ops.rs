//! The operators of the language, one type per family, each with its facts as methods.
//!
//! Comparison, arithmetic and logic are separate enums, so a `match` over one of them
//! names every operator of that family: adding an operator is a compile error at every
//! place that must handle it (no match over an operator ends in a wildcard).

use std::cmp::Ordering;

use rust_decimal::Decimal;
use serde::Serialize;

/// A comparison: `>=`, `>`, `<=`, `<`, `=`, `!=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CmpOp {
    /// `>=`, `≥` (以上、不低于、不少于).
    Ge,
    /// `>`
    Gt,
    /// `<=`, `≤`
    Le,
    /// `<`
    Lt,
    /// `==`, `=`
    Eq,
    /// `!=`, `≠`
    Ne,
}

/// Arithmetic: `+`, `-`, `*`, `/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`, `×`
    Mul,
    /// `/`, `÷`
    Div,
}

/// A logical connective of two conditions (three-valued, see `eval::logic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum LogicOp {
    /// `and`, `且`, `&&`
    And,
    /// `or`, `或`, `||`
    Or,
}

/// A binary operator as written: one of the three families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum BinOp {
    /// `and` / `or`.
    Logic(LogicOp),
    /// A comparison.
    Cmp(CmpOp),
    /// Arithmetic.
    Arith(ArithOp),
}

/// Why exact arithmetic has no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArithFault {
    /// A division by zero (除数为零).
    DivisionByZero,
    /// The result does not fit in a decimal (数值溢出).
    Overflow,
}

impl CmpOp {
    /// Every comparison, for exhaustive tests.
    pub const ALL: [CmpOp; 6] = [
        CmpOp::Ge,
        CmpOp::Gt,
        CmpOp::Le,
        CmpOp::Lt,
        CmpOp::Eq,
        CmpOp::Ne,
    ];

    /// Whether `a op b` holds when `a` compares to `b` as `ord`.
    #[inline]
    pub fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Ge => ord != Ordering::Less,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
        }
    }

    /// The operator with its operands swapped: `a < b` is `b > a`.
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Ge => CmpOp::Le,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Eq => CmpOp::Eq,
            CmpOp::Ne => CmpOp::Ne,
        }
    }

    /// The operator that holds exactly when this one does not: `not (a >= b)` is `a < b`.
    pub fn negate(self) -> CmpOp {
        match self {
            CmpOp::Ge => CmpOp::Lt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
        }
    }

    /// Whether the comparison orders values (so a margin to the threshold exists).
    pub fn is_order(self) -> bool {
        match self {
            CmpOp::Ge | CmpOp::Gt | CmpOp::Le | CmpOp::Lt => true,
            CmpOp::Eq | CmpOp::Ne => false,
        }
    }

    /// Whether the threshold itself passes (`>=`, `<=`, `=`).
    pub fn inclusive(self) -> bool {
        match self {
            CmpOp::Ge | CmpOp::Le | CmpOp::Eq => true,
            CmpOp::Gt | CmpOp::Lt | CmpOp::Ne => false,
        }
    }

    /// Whether larger values of the left side pass (`>=`, `>`): the direction of the margin.
    pub fn upward(self) -> Option<bool> {
        match self {
            CmpOp::Ge | CmpOp::Gt => Some(true),
            CmpOp::Le | CmpOp::Lt => Some(false),
            CmpOp::Eq | CmpOp::Ne => None,
        }
    }

    /// How far `lhs` is past the threshold `rhs` in the passing direction (negative:
    /// short by that much), with `sub` the subtraction of the number type; `None` for
    /// `=`/`!=` or when `sub` fails.
    #[inline]
    pub fn margin<T>(self, lhs: T, rhs: T, sub: impl Fn(T, T) -> Option<T>) -> Option<T> {
        match self.upward()? {
            true => sub(lhs, rhs),
            false => sub(rhs, lhs),
        }
    }

    /// The operator as written in explanations.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Ge => ">=",
            CmpOp::Gt => ">",
            CmpOp::Le => "<=",
            CmpOp::Lt => "<",
            CmpOp::Eq => "=",
            CmpOp::Ne => "≠",
        }
    }

    /// The operator in ASCII, as a canonical form of rule text.
    pub fn ascii(self) -> &'static str {
        match self {
            CmpOp::Ge => ">=",
            CmpOp::Gt => ">",
            CmpOp::Le => "<=",
            CmpOp::Lt => "<",
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
        }
    }

    /// The operator in Chinese words, as policy documents write it.
    pub fn word(self) -> &'static str {
        match self {
            CmpOp::Ge => "不低于",
            CmpOp::Gt => "高于",
            CmpOp::Le => "不高于",
            CmpOp::Lt => "低于",
            CmpOp::Eq => "等于",
            CmpOp::Ne => "不等于",
        }
    }
}

impl ArithOp {
    /// Every arithmetic operator, for exhaustive tests.
    pub const ALL: [ArithOp; 4] = [ArithOp::Add, ArithOp::Sub, ArithOp::Mul, ArithOp::Div];

    /// Whether the operands may be swapped (`a + b` is `b + a`).
    pub fn commutative(self) -> bool {
        match self {
            ArithOp::Add | ArithOp::Mul => true,
            ArithOp::Sub | ArithOp::Div => false,
        }
    }

    /// Exact decimal arithmetic, normalised; a division by zero or an overflow is a fault.
    #[inline]
    pub fn apply(self, a: Decimal, b: Decimal) -> Result<Decimal, ArithFault> {
        let r = match self {
            ArithOp::Add => a.checked_add(b),
            ArithOp::Sub => a.checked_sub(b),
            ArithOp::Mul => a.checked_mul(b),
            ArithOp::Div if b.is_zero() => return Err(ArithFault::DivisionByZero),
            ArithOp::Div => a.checked_div(b),
        };
        r.map(|d| d.normalize()).ok_or(ArithFault::Overflow)
    }

    /// The operator as written in explanations.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "×",
            ArithOp::Div => "÷",
        }
    }

    /// The operator in ASCII, as a canonical form of rule text.
    pub fn ascii(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }

    /// The operator in Chinese words.
    pub fn word(self) -> &'static str {
        match self {
            ArithOp::Add => "加",
            ArithOp::Sub => "减",
            ArithOp::Mul => "乘以",
            ArithOp::Div => "除以",
        }
    }
}

impl LogicOp {
    /// The connective as written in explanations.
    pub fn symbol(self) -> &'static str {
        match self {
            LogicOp::And => "且",
            LogicOp::Or => "或",
        }
    }

    /// The connective in ASCII rule text.
    pub fn ascii(self) -> &'static str {
        match self {
            LogicOp::And => "and",
            LogicOp::Or => "or",
        }
    }
}

impl BinOp {
    /// The operator as written in explanations.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Logic(o) => o.symbol(),
            BinOp::Cmp(o) => o.symbol(),
            BinOp::Arith(o) => o.symbol(),
        }
    }
}

impl ArithFault {
    /// What went wrong, in Chinese.
    pub fn message(self) -> &'static str {
        match self {
            ArithFault::DivisionByZero => "除数为零",
            ArithFault::Overflow => "数值溢出",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `flip` swaps operands and `negate` complements, on every ordering.
    #[test]
    fn flip_and_negate_agree_with_holds() {
        let ords = [Ordering::Less, Ordering::Equal, Ordering::Greater];
        for op in CmpOp::ALL {
            for ord in ords {
                assert_eq!(op.flip().holds(ord.reverse()), op.holds(ord), "{op:?}");
                assert_eq!(op.negate().holds(ord), !op.holds(ord), "{op:?}");
                assert_eq!(op.holds(Ordering::Equal), op.inclusive(), "{op:?}");
            }
            assert_eq!(op.flip().flip(), op);
            assert_eq!(op.negate().negate(), op);
        }
    }

    /// The margin is positive or zero exactly when an ordering comparison holds (for
    /// inclusive operators) and its sign follows the passing direction.
    #[test]
    fn margin_sign_matches_holds() {
        for op in CmpOp::ALL {
            for (a, b) in [(1i64, 2i64), (2, 2), (3, 2)] {
                let m = op.margin(a, b, |x, y| x.checked_sub(y));
                match op.upward() {
                    None => assert_eq!(m, None),
                    Some(_) if op.inclusive() => {
                        assert_eq!(m.map(|m| m >= 0), Some(op.holds(a.cmp(&b))))
                    }
                    Some(_) => assert_eq!(m.map(|m| m > 0), Some(op.holds(a.cmp(&b)))),
                }
            }
        }
    }

    #[test]
    fn division_by_zero_is_a_fault() {
        let (one, zero) = (Decimal::ONE, Decimal::ZERO);
        assert_eq!(
            ArithOp::Div.apply(one, zero),
            Err(ArithFault::DivisionByZero)
        );
        assert_eq!(
            ArithOp::Mul.apply(Decimal::MAX, Decimal::TWO),
            Err(ArithFault::Overflow)
        );
        assert_eq!(ArithOp::Sub.apply(one, one), Ok(zero));
    }
}
