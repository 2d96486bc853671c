//! Units of arithmetic and comparisons: which kinds combine, into what, and where a
//! percentage must be read as a ratio (docs/LANGUAGE.md, 单位、百分比与比例).
//!
//! The checker uses these rules to accept or refuse an expression; the compiler uses the
//! same rules to insert the conversions ([`Rescale`]) and to give every node its kind, so
//! the two can never disagree.
//!
//! Percentages (and percentage points) are held in points (`35%` → 35); a plain ratio
//! (`jobs / labour`) is held as a ratio (0.25). Whenever a percentage meets a ratio or
//! scales money, a count or a plain number, the compiler reads it as a ratio
//! ([`Rescale::PointsToRatio`], exact: points ÷ 100), so every computation is ratio
//! arithmetic: `20亿元 × 110%` = 22亿元, `12000人 × 20%` = 2400人.

use rust_decimal::Decimal;

use super::model::{Checked, Kind, Symbol};
use crate::syntax::ast::{ArithOp, BinOp, Expr, LitUnit, Node, UnOp};

/// Whether an expression is a literal or arithmetic of literals only (`10%`, `100% + 10%`).
pub fn is_literal(e: &Expr) -> bool {
    match e {
        Expr::Quantity(_) => true,
        Expr::Unary {
            op: UnOp::Neg,
            operand,
        } => is_literal(&operand.node),
        Expr::Binary {
            op: BinOp::Arith(_),
            lhs,
            rhs,
        } => is_literal(&lhs.node) && is_literal(&rhs.node),
        Expr::Unary { op: UnOp::Not, .. }
        | Expr::Binary { .. }
        | Expr::Bool(_)
        | Expr::Name(_)
        | Expr::Call { .. }
        | Expr::List(_)
        | Expr::Index { .. }
        | Expr::In { .. } => false,
    }
}

/// Whether an expression is fixed by the rule set: literals and parameters only.
fn is_fixed(m: &Checked, e: &Expr) -> bool {
    match e {
        Expr::Quantity(_) => true,
        Expr::Name(p) => matches!(m.resolve(&p.to_string()), Some(Symbol::Param(_))),
        Expr::Unary {
            op: UnOp::Neg,
            operand,
        } => is_fixed(m, &operand.node),
        Expr::Binary {
            op: BinOp::Arith(_),
            lhs,
            rhs,
        } => is_fixed(m, &lhs.node) && is_fixed(m, &rhs.node),
        Expr::Unary { op: UnOp::Not, .. }
        | Expr::Binary { .. }
        | Expr::Bool(_)
        | Expr::Call { .. }
        | Expr::List(_)
        | Expr::Index { .. }
        | Expr::In { .. } => false,
    }
}

/// An operand of kind `kind` written as `e`.
pub fn operand(m: &Checked, e: &Node<Expr>, kind: Kind) -> Operand {
    Operand {
        kind,
        literal: is_literal(&e.node),
        fixed: is_fixed(m, &e.node),
        number: match &e.node {
            Expr::Quantity(q) => Some(q.number),
            _ => None,
        },
        measure: measure_of(m, e),
    }
}

/// A conversion between the two ways a percentage is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rescale {
    /// Points to a ratio: ÷ 100 (`110%` → 1.1).
    PointsToRatio,
    /// A ratio to points: × 100 (a difference of ratios 0.05 → 5个百分点).
    RatioToPoints,
}

/// One operand as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operand {
    /// Its kind.
    pub kind: Kind,
    /// Whether it is a literal (or arithmetic of literals only): `10%`, `100% + 10%`, `20`.
    pub literal: bool,
    /// Whether it is a value the rule set fixes: a literal, a parameter, or arithmetic of
    /// those (`100% + min_growth_rate`) — never a town's fact.
    pub fixed: bool,
    /// The number of a literal, for a help that says what to write (`20` → `20%`).
    pub number: Option<Decimal>,
    /// For a count, the measure word of what it counts (`人`), when known.
    pub measure: Option<&'static str>,
}

/// The measure words a count may have, as static strings.
const MEASURES: [&str; 7] = ["家", "户", "个", "人", "项", "名", "座"];

/// The measure word of a count expression: a literal's (`2000人`), a fact's or a
/// parameter's, through sums, differences, negation and scaling (`None`: not known).
pub fn measure_of(m: &Checked, e: &Node<Expr>) -> Option<&'static str> {
    let word = match &e.node {
        Expr::Quantity(q) => match &q.unit {
            LitUnit::Count(w) => Some(w.clone()),
            LitUnit::Bare | LitUnit::Money(_) | LitUnit::Percent | LitUnit::Points => None,
        },
        Expr::Name(p) => match m.resolve(&p.to_string()) {
            Some(Symbol::Fact(f)) => m.facts.get(f)?.measure.clone(),
            Some(Symbol::Param(i)) => m.params.get(i)?.measure.clone(),
            Some(Symbol::Table(t)) => m
                .params
                .iter()
                .find(|p| p.table.is_some_and(|(x, _)| x == t))?
                .measure
                .clone(),
            Some(Symbol::Member(..)) | None => None,
        },
        Expr::Index { base, .. } => return measure_of(m, base),
        Expr::Unary { operand, .. } => return measure_of(m, operand),
        Expr::Binary {
            op: BinOp::Arith(ArithOp::Add | ArithOp::Sub | ArithOp::Mul),
            lhs,
            rhs,
        } => return measure_of(m, lhs).or_else(|| measure_of(m, rhs)),
        Expr::Binary { .. }
        | Expr::Bool(_)
        | Expr::Call { .. }
        | Expr::List(_)
        | Expr::In { .. } => None,
    };
    let word = word?;
    MEASURES.iter().copied().find(|w| *w == word)
}

/// Whether two counts count the same kind of thing (people and people): their ratio
/// is then a plain ratio, compared with a percentage.
fn same_things(l: Operand, r: Operand) -> bool {
    matches!((l.measure, r.measure), (Some(a), Some(b)) if crate::units::same_measure_kind(a, b))
}

/// The kind of an accepted expression and the conversions it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Typed {
    /// The kind of the result.
    pub kind: Kind,
    /// A conversion of the left operand before the operation.
    pub lhs: Option<Rescale>,
    /// A conversion of the right operand before the operation.
    pub rhs: Option<Rescale>,
    /// A conversion of the result.
    pub result: Option<Rescale>,
}

impl Typed {
    fn plain(kind: Kind) -> Self {
        Typed {
            kind,
            lhs: None,
            rhs: None,
            result: None,
        }
    }
    fn lhs(kind: Kind, r: Rescale) -> Self {
        Typed {
            lhs: Some(r),
            ..Typed::plain(kind)
        }
    }
    fn rhs(kind: Kind, r: Rescale) -> Self {
        Typed {
            rhs: Some(r),
            ..Typed::plain(kind)
        }
    }
}

/// Why an expression is refused: the message, which operand is at fault and what to
/// write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What is wrong (lowercase English, input in backticks).
    pub message: String,
    /// Whether the right operand is the offending one (else the left).
    pub at_rhs: bool,
    /// What to write instead.
    pub help: String,
}

use Kind::{Count, Money, Number, PerUnit, Percent, Points, Ratio};
use Rescale::{PointsToRatio as P2R, RatioToPoints as R2P};

/// The hint for a share plus (or minus) a percentage.
pub fn ambiguous_percent() -> String {
    crate::t!("kind_mismatch.ambiguous_percent_help")
}

fn num(o: Operand, fallback: &str) -> String {
    o.number
        .map(|d| d.normalize().to_string())
        .unwrap_or_else(|| fallback.to_string())
}

/// A plain number or a count written as a bare literal scales a percentage as a number.
fn scalar(o: Operand) -> bool {
    o.kind == Number || (o.kind == Count && o.literal)
}

/// The kind of `l op r` in arithmetic. `formula`: inside a score formula, where a ratio
/// of two quantities of the same kind is a plain number of points.
pub fn arith(op: ArithOp, l: Operand, r: Operand, formula: bool) -> Result<Typed, Refusal> {
    let same_ratio = if formula { Number } else { Ratio };
    let ok = match op {
        ArithOp::Add | ArithOp::Sub => {
            let sub = op == ArithOp::Sub;
            match (l.kind, r.kind) {
                (Percent, Percent) if l.literal == r.literal => {
                    if sub && !l.literal {
                        Some(Typed::plain(Points))
                    } else {
                        Some(Typed::plain(Percent))
                    }
                }
                // A rate the rule set fixes plus a literal (`100% + min_growth_rate`) is a
                // percentage; a town's share plus a literal is ambiguous.
                (Percent, Percent) if l.fixed && r.fixed => Some(Typed::plain(Percent)),
                (Percent, Percent) => return Err(ambiguous(op, l, r)),
                (Ratio, Ratio) if sub => Some(Typed {
                    result: Some(R2P),
                    ..Typed::plain(Points)
                }),
                (Ratio, Ratio) => Some(Typed::plain(Ratio)),
                (Ratio, Percent) | (Percent, Ratio) => {
                    let pct = if l.kind == Percent { l } else { r };
                    if pct.literal {
                        return Err(ambiguous(op, l, r));
                    }
                    let conv = if l.kind == Percent {
                        Typed::lhs(Ratio, P2R)
                    } else {
                        Typed::rhs(Ratio, P2R)
                    };
                    if sub {
                        Some(Typed {
                            kind: Points,
                            result: Some(R2P),
                            ..conv
                        })
                    } else {
                        Some(conv)
                    }
                }
                (Percent, Points) | (Points, Points) => Some(Typed::plain(l.kind)),
                (Points, Percent) if !sub => Some(Typed::plain(Percent)),
                (Ratio, Points) => Some(Typed::rhs(Ratio, P2R)),
                (Points, Ratio) if !sub => Some(Typed::lhs(Ratio, P2R)),
                (Percent | Ratio, Count | Number) | (Count | Number, Percent | Ratio) => {
                    return Err(Refusal {
                        message: crate::t!(
                            "kind_mismatch.cannot_combine",
                            left = l.kind.describe(),
                            right = r.kind.describe()
                        ),
                        at_rhs: matches!(r.kind, Count | Number),
                        help: ambiguous_percent(),
                    })
                }
                (Money, Money) | (PerUnit, PerUnit) => Some(Typed::plain(l.kind)),
                (Count | Number, Count | Number) => {
                    Some(Typed::plain(if l.kind == Number { r.kind } else { l.kind }))
                }
                _ => None,
            }
        }
        ArithOp::Mul => match (l.kind, r.kind) {
            (Percent, Percent) if l.literal && !r.literal => Some(Typed::lhs(Percent, P2R)),
            (Percent, Percent) => Some(Typed::rhs(Percent, P2R)),
            (Ratio, Percent) => Some(Typed::rhs(Ratio, P2R)),
            (Percent, Ratio) => Some(Typed::plain(Percent)),
            (Points, Ratio | Number) | (Ratio | Number, Points) => Some(Typed::plain(Points)),
            (Points, Count) if r.literal => Some(Typed::plain(Points)),
            (Count, Points) if l.literal => Some(Typed::plain(Points)),
            (_, Percent) if scalar(l) => Some(Typed::plain(Percent)),
            (Percent, _) if scalar(r) => Some(Typed::plain(Percent)),
            (Money | Count | Number | PerUnit, Percent) => Some(Typed::rhs(l.kind, P2R)),
            (Percent, Money | Count | Number | PerUnit) => Some(Typed::lhs(r.kind, P2R)),
            (_, Ratio) if scalar(l) => Some(Typed::plain(Ratio)),
            (Ratio, _) if scalar(r) => Some(Typed::plain(Ratio)),
            (Money | Count | PerUnit | Ratio, Ratio) => Some(Typed::plain(l.kind)),
            (Ratio, Money | Count | PerUnit) => Some(Typed::plain(r.kind)),
            (PerUnit, Count) | (Count, PerUnit) => Some(Typed::plain(Money)),
            (x, Number | Count) if x.is_numeric() && x != Points => Some(Typed::plain(x)),
            (Number | Count, x) if x.is_numeric() && x != Points => Some(Typed::plain(x)),
            _ => None,
        },
        ArithOp::Div => match (l.kind, r.kind) {
            // Dividing by a bare number scales the left side.
            (x, Number | Count) if scalar(r) && x.is_numeric() => Some(Typed::plain(x)),
            (Money, Money) | (PerUnit, PerUnit) | (Ratio, Ratio) | (Percent, Percent) => {
                Some(Typed::plain(same_ratio))
            }
            (Count, Count) if same_things(l, r) => Some(Typed::plain(same_ratio)),
            // A count of one thing per another (人 per 家): a plain number, as before.
            (Count, Count) => Some(Typed::plain(Number)),
            (Money, Count) => Some(Typed::plain(PerUnit)),
            (Money | Count | Number | PerUnit, Percent) if !scalar(l) => {
                Some(Typed::rhs(l.kind, P2R))
            }
            (Money | Count | Number | PerUnit, Ratio) if !scalar(l) => Some(Typed::plain(l.kind)),
            (Percent, Ratio) => Some(Typed::plain(Percent)),
            (Ratio | Percent | Points | PerUnit | Money, Number) => Some(Typed::plain(l.kind)),
            (Number | Ratio | Percent | Points, Count) => Some(Typed::plain(l.kind)),
            _ => None,
        },
    };
    ok.ok_or_else(|| mismatch(false, l, r))
}

/// Whether `l` and `r` can be compared (ordering or equality), and the conversions.
pub fn compare(l: Operand, r: Operand) -> Result<Typed, Refusal> {
    let ok = match (l.kind, r.kind) {
        (a, b) if a.compatible(b) => Some(Typed::plain(Kind::Bool)),
        (Ratio, Percent) => Some(Typed::rhs(Kind::Bool, P2R)),
        (Percent, Ratio) => Some(Typed::lhs(Kind::Bool, P2R)),
        // 人均产值 >= 10万元: a per-unit amount against money written for one unit.
        (PerUnit, Money) | (Money, PerUnit) => Some(Typed::plain(Kind::Bool)),
        (Ratio | Percent, Count | Number) | (Count | Number, Ratio | Percent) => {
            let (share, plain, at_rhs) = if matches!(r.kind, Count | Number) {
                (l, r, true)
            } else {
                (r, l, false)
            };
            // `20` is 20%; a fraction or 1 is a ratio written as a number (`1.1` is 110%).
            let n = match plain.number {
                Some(d) if d.fract().is_zero() && d != Decimal::ONE => num(plain, "20"),
                Some(d) => (d * Decimal::ONE_HUNDRED).normalize().to_string(),
                None => "20".to_string(),
            };
            return Err(Refusal {
                message: crate::t!("kind_mismatch.plain_number", kind = share.kind.describe()),
                at_rhs,
                help: if share.kind == Ratio {
                    crate::t!("kind_mismatch.ratio_percent_help", n = n)
                } else {
                    crate::t!("kind_mismatch.percent_percent_help", n = n)
                },
            });
        }
        (Points, Percent | Ratio) | (Percent | Ratio, Points) => {
            let (pct, at_rhs) = if r.kind == Points {
                (l, false)
            } else {
                (r, true)
            };
            let n = num(pct, "5");
            return Err(Refusal {
                message: crate::t!(
                    "kind_mismatch.cannot_compare",
                    left = l.kind.describe(),
                    right = r.kind.describe()
                ),
                at_rhs,
                help: crate::t!("kind_mismatch.points_help", n = n),
            });
        }
        _ => None,
    };
    ok.ok_or_else(|| mismatch(true, l, r))
}

fn ambiguous(op: ArithOp, l: Operand, r: Operand) -> Refusal {
    let share = if l.literal { r.kind } else { l.kind };
    let share = if share == Ratio {
        crate::t!("kind_mismatch.a_ratio")
    } else {
        crate::t!("kind_mismatch.a_share")
    };
    Refusal {
        message: match op {
            ArithOp::Sub => crate::t!("kind_mismatch.subtract_percent", share = share),
            ArithOp::Add | ArithOp::Mul | ArithOp::Div => {
                crate::t!("kind_mismatch.add_percent", share = share)
            }
        },
        at_rhs: r.literal,
        help: ambiguous_percent(),
    }
}

/// `compare`: a comparison (else arithmetic) was refused.
fn mismatch(compare: bool, l: Operand, r: Operand) -> Refusal {
    let help = match (l.kind, r.kind) {
        (Money, Count) | (Count, Money) if compare => {
            crate::t!("kind_mismatch.money_with_money_help")
        }
        (Money, Count) | (Count, Money) => crate::t!("kind_mismatch.money_combines_help"),
        (Money, Money) => crate::t!("kind_mismatch.money_times_money_help"),
        (Percent, _) | (_, Percent) => crate::t!("kind_mismatch.percent_with_percent_help"),
        _ => crate::t!("kind_mismatch.same_kind_help"),
    };
    let (left, right) = (l.kind.describe(), r.kind.describe());
    Refusal {
        message: if compare {
            crate::t!("kind_mismatch.cannot_compare", left = left, right = right)
        } else {
            crate::t!("kind_mismatch.cannot_combine", left = left, right = right)
        },
        at_rhs: false,
        help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(kind: Kind) -> Operand {
        Operand {
            kind,
            literal: false,
            fixed: false,
            number: None,
            measure: Some("人"),
        }
    }
    fn lit(kind: Kind, n: i64) -> Operand {
        Operand {
            kind,
            literal: true,
            fixed: true,
            number: Some(Decimal::from(n)),
            measure: None,
        }
    }

    #[test]
    fn ratios_and_percentages() {
        let div = arith(ArithOp::Div, op(Count), op(Count), false).unwrap();
        assert_eq!(div.kind, Ratio);
        assert_eq!(
            arith(ArithOp::Div, op(Money), op(Count), false)
                .unwrap()
                .kind,
            PerUnit
        );
        let scaled = arith(ArithOp::Mul, op(Money), lit(Percent, 110), false).unwrap();
        assert_eq!((scaled.kind, scaled.rhs), (Money, Some(P2R)));
        let sum = arith(ArithOp::Add, lit(Percent, 100), lit(Percent, 10), false).unwrap();
        assert_eq!(sum, Typed::plain(Percent));
        assert_eq!(
            arith(ArithOp::Sub, op(Percent), op(Percent), false)
                .unwrap()
                .kind,
            Points
        );
        assert!(arith(ArithOp::Add, op(Percent), lit(Percent, 5), false).is_err());
        // A parameter's rate plus 100% is a percentage, not an ambiguous share.
        let rate = Operand {
            fixed: true,
            ..op(Percent)
        };
        let growth = arith(ArithOp::Add, lit(Percent, 100), rate, false).unwrap();
        assert_eq!(growth, Typed::plain(Percent));
        assert_eq!(compare(op(Ratio), lit(Percent, 20)).unwrap().rhs, Some(P2R));
        let e = compare(op(Ratio), lit(Count, 20)).unwrap_err();
        assert!(e.help.contains("`20%`") && e.at_rhs, "{e:?}");
        let frac = Operand {
            number: Some(Decimal::new(11, 1)),
            ..lit(Number, 0)
        };
        let e = compare(op(Ratio), frac).unwrap_err();
        assert!(e.help.contains("`110%`"), "{e:?}");
        let e = compare(op(Points), lit(Percent, 5)).unwrap_err();
        assert!(e.help.contains("`5个百分点`"), "{e:?}");
    }
}
