//! Exact comparison of quotients of decimals, for comparisons of ratios.
//!
//! `a / b` as a decimal is rounded to 28 significant digits (`1 / 3` = 0.333…3), so
//! comparing the rounded quotient could flip a verdict right at a threshold. A
//! comparison whose side is a division is decided instead by cross-multiplying
//! (`a / b >= c / d` ⇔ `a × d >= c × b` for positive `b` and `d`), on the exact integer
//! mantissas, which never round.

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// An unsigned integer as little-endian 64-bit limbs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big(Vec<u64>);

impl Big {
    fn of(x: u128) -> Big {
        Big(vec![x as u64, (x >> 64) as u64])
    }

    /// `self × m` for a 64-bit factor.
    fn mul_small(&self, m: u64) -> Big {
        let mut out = Vec::with_capacity(self.0.len() + 1);
        let mut carry: u128 = 0;
        for &limb in &self.0 {
            let p = u128::from(limb) * u128::from(m) + carry;
            out.push(p as u64);
            carry = p >> 64;
        }
        out.push(carry as u64);
        Big(out)
    }

    /// `self × x` for a 128-bit factor.
    fn mul(&self, x: u128) -> Big {
        let lo = self.mul_small(x as u64);
        let hi = self.mul_small((x >> 64) as u64);
        let mut out = vec![0u64; lo.0.len().max(hi.0.len() + 1) + 1];
        let mut carry: u128 = 0;
        for (i, slot) in out.iter_mut().enumerate() {
            let a = u128::from(lo.0.get(i).copied().unwrap_or(0));
            let b = match i {
                0 => 0,
                _ => u128::from(hi.0.get(i - 1).copied().unwrap_or(0)),
            };
            let s = a + b + carry;
            *slot = s as u64;
            carry = s >> 64;
        }
        Big(out)
    }

    /// `self × 10^k`.
    fn mul_pow10(&self, mut k: u32) -> Big {
        let mut x = self.clone();
        while k > 0 {
            let step = k.min(19);
            x = x.mul_small(10u64.pow(step));
            k -= step;
        }
        x
    }

    fn cmp(&self, o: &Big) -> Ordering {
        let n = self.0.len().max(o.0.len());
        for i in (0..n).rev() {
            let a = self.0.get(i).copied().unwrap_or(0);
            let b = o.0.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                ord => return ord,
            }
        }
        Ordering::Equal
    }
}

/// The sign of a decimal: -1, 0 or 1.
fn sign(d: Decimal) -> i8 {
    if d.is_zero() {
        0
    } else if d.is_sign_negative() {
        -1
    } else {
        1
    }
}

/// `a × b` against `c × d`, exactly.
pub fn cmp_products(a: Decimal, b: Decimal, c: Decimal, d: Decimal) -> Ordering {
    let (s1, s2) = (sign(a) * sign(b), sign(c) * sign(d));
    if s1 != s2 {
        return s1.cmp(&s2);
    }
    if s1 == 0 {
        return Ordering::Equal;
    }
    // Same sign: compare the magnitudes at a common scale.
    let mag = |x: Decimal, y: Decimal| {
        (
            Big::of(x.mantissa().unsigned_abs()).mul(y.mantissa().unsigned_abs()),
            x.scale() + y.scale(),
        )
    };
    let (p, sp) = mag(a, b);
    let (q, sq) = mag(c, d);
    let top = sp.max(sq);
    let ord = p.mul_pow10(top - sp).cmp(&q.mul_pow10(top - sq));
    if s1 < 0 {
        ord.reverse()
    } else {
        ord
    }
}

/// `a / b` against `c / d`, exactly; `None` when a divisor is zero.
pub fn cmp_quotients(a: Decimal, b: Decimal, c: Decimal, d: Decimal) -> Option<Ordering> {
    if b.is_zero() || d.is_zero() {
        return None;
    }
    // Make both divisors positive, then cross-multiply.
    let (a, b) = if b.is_sign_negative() {
        (-a, -b)
    } else {
        (a, b)
    };
    let (c, d) = if d.is_sign_negative() {
        (-c, -d)
    } else {
        (c, d)
    };
    Some(cmp_products(a, d, c, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_third_is_more_than_any_rounded_third() {
        let third = d("0.3333333333333333333333333333");
        // 1/3 as a decimal rounds down to exactly this value ...
        assert_eq!(Decimal::ONE / Decimal::from(3), third);
        // ... but 1/3 itself is larger.
        assert_eq!(
            cmp_quotients(Decimal::ONE, Decimal::from(3), third, Decimal::ONE),
            Some(Ordering::Greater)
        );
        assert_eq!(
            cmp_quotients(d("4000"), d("12000"), third, Decimal::ONE),
            Some(Ordering::Greater)
        );
        assert_eq!(
            cmp_quotients(d("3000"), d("12000"), d("20"), d("100")),
            Some(Ordering::Greater)
        );
        assert_eq!(
            cmp_quotients(d("2400"), d("12000"), d("20"), d("100")),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn signs_and_zero() {
        let one = Decimal::ONE;
        assert_eq!(cmp_quotients(one, -one, d("0"), one), Some(Ordering::Less));
        assert_eq!(cmp_quotients(-one, -one, one, one), Some(Ordering::Equal));
        assert_eq!(cmp_quotients(one, d("0"), one, one), None);
        assert_eq!(
            cmp_products(Decimal::MAX, Decimal::MAX, Decimal::MAX, Decimal::MAX),
            Ordering::Equal
        );
        assert_eq!(
            cmp_products(
                Decimal::MAX,
                Decimal::MAX,
                Decimal::MAX,
                d("79228162514264337593543950334")
            ),
            Ordering::Greater
        );
        assert_eq!(
            cmp_products(d("-0.0000000000000000000000000001"), one, d("0"), one),
            Ordering::Less
        );
    }

    /// Agrees with decimal arithmetic wherever that is exact.
    #[test]
    fn agrees_with_exact_decimals() {
        let xs = ["-3", "-1.5", "0", "0.25", "2", "7", "12.5", "-0.04"];
        for a in xs {
            for b in xs {
                for c in xs {
                    for e in xs {
                        let want = (d(a) * d(b)).cmp(&(d(c) * d(e)));
                        assert_eq!(
                            cmp_products(d(a), d(b), d(c), d(e)),
                            want,
                            "{a} {b} {c} {e}"
                        );
                    }
                }
            }
        }
    }
}
