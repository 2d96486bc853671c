//! Numeric columns as integers at a scale, and comparisons as integer ranges.
//!
//! A decimal column whose values are exact integers at one scale (`20.5亿元` at scale 1
//! is 205) is compared with a threshold by a range test on those integers; [`bounds`]
//! turns `x OP threshold` into that range exactly (tested against the decimal
//! comparison of the kernel).

use rust_decimal::Decimal;

use crate::data::SCALED_LIMIT;
use crate::syntax::ast::CmpOp;

/// Lower and upper bound of an integer range (inclusive); `lo > hi` is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub(super) lo: i64,
    pub(super) hi: i64,
}

/// Integer values of a numeric column: scaled decimals or counts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ints<'a> {
    I64(&'a [i64]),
    U32(&'a [u32]),
}

impl Ints<'_> {
    /// The mask of lanes `start..start + n` whose value lies in `b`.
    #[inline]
    pub(super) fn in_range(&self, start: usize, n: usize, b: Bounds) -> u64 {
        match *self {
            Ints::I64(v) => pack(v.get(start..start + n), |x| b.lo <= x && x <= b.hi),
            Ints::U32(v) => pack(v.get(start..start + n), |x| {
                let x = i64::from(x);
                b.lo <= x && x <= b.hi
            }),
        }
    }

    /// Value of lane `i` as an integer.
    #[inline]
    pub(super) fn at(&self, i: usize) -> i64 {
        match *self {
            Ints::I64(v) => v.get(i).copied().unwrap_or(0),
            Ints::U32(v) => v.get(i).map_or(0, |&x| i64::from(x)),
        }
    }
}

/// Bit `j` set where `f(values[j])`; nothing when the slice is out of range.
#[inline]
pub(super) fn pack<T: Copy>(values: Option<&[T]>, f: impl Fn(T) -> bool) -> u64 {
    let Some(values) = values else { return 0 };
    let mut bits = 0u64;
    for (j, &x) in values.iter().enumerate() {
        bits |= u64::from(f(x)) << j;
    }
    bits
}

/// `m × 10^k` as an exact integer, saturating far beyond any scaled value.
fn clamp_i128(v: Option<i128>, positive: bool) -> i128 {
    let cap = SCALED_LIMIT as i128 + 1;
    match v {
        Some(x) => x.clamp(-cap, cap),
        None if positive => cap,
        None => -cap,
    }
}

/// The integer bounds (at `scale`) of the values `x` with `x op d`, and whether the test
/// is negated (`!=`); `None` when the threshold cannot be scaled.
pub(super) fn bounds(op: CmpOp, d: Decimal, scale: u32) -> Option<(Bounds, bool)> {
    let m = d.mantissa();
    let ds = d.scale();
    let positive = m >= 0;
    // x·10^scale as floor and ceiling, clamped to ±(2^62 + 1).
    let (floor, ceil) = if scale >= ds {
        let p = 10i128.checked_pow(scale - ds);
        let v = clamp_i128(p.and_then(|p| m.checked_mul(p)), positive);
        (v, v)
    } else {
        let p = 10i128.checked_pow(ds - scale)?;
        let q = m.div_euclid(p);
        let exact = m.rem_euclid(p) == 0;
        (
            clamp_i128(Some(q), positive),
            clamp_i128(Some(if exact { q } else { q + 1 }), positive),
        )
    };
    let integral = floor == ceil;
    let (floor, ceil) = (floor as i64, ceil as i64);
    let all = (i64::MIN, i64::MAX);
    let (lo, hi, neg) = match op {
        CmpOp::Ge => (ceil, all.1, false),
        CmpOp::Gt => (floor + 1, all.1, false),
        CmpOp::Le => (all.0, floor, false),
        CmpOp::Lt => (all.0, ceil - 1, false),
        CmpOp::Eq | CmpOp::Ne if integral => (floor, floor, op == CmpOp::Ne),
        CmpOp::Eq | CmpOp::Ne => (1, 0, op == CmpOp::Ne),
    };
    Some((Bounds { lo, hi }, neg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{compare, V};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// The integer bounds agree with decimal comparison on values around the threshold.
    #[test]
    fn bounds_are_exact() {
        let thresholds = ["20", "19.99", "0.5", "-3", "-2.5", "100", "1e-10", "0"];
        let ops = CmpOp::ALL;
        for scale in [0u32, 1, 2, 4] {
            for t in thresholds {
                let t = if t == "1e-10" {
                    d("0.0000000001")
                } else {
                    d(t)
                };
                for op in ops {
                    let (b, neg) = bounds(op, t, scale).unwrap();
                    for m in -3000i64..3000 {
                        let x = Decimal::new(m, scale);
                        let want = compare(op, V::Num(x), V::Num(t)) == V::Bool(true);
                        let got = (b.lo <= m && m <= b.hi) != neg;
                        assert_eq!(got, want, "{m}e-{scale} {op:?} {t}");
                    }
                }
            }
        }
        // Thresholds far beyond any scaled value.
        let (b, _) = bounds(CmpOp::Ge, d("79228162514264337593543950335"), 28).unwrap();
        assert!(b.lo > SCALED_LIMIT);
        let (b, _) = bounds(CmpOp::Le, d("-79228162514264337593543950335"), 4).unwrap();
        assert!(b.hi < -SCALED_LIMIT);
    }
}
