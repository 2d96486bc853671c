//! [`Decimals`]: exact decimal numbers per town, the storage of money
//! ([`super::Column::Money`]), percentage points and plain numbers
//! ([`super::Column::Num`]).

use rust_decimal::Decimal;

use super::Bits;

/// The largest scaled integer a [`Decimals`] column keeps as an integer: values are
/// at most 2^62 in magnitude, so comparisons may clamp thresholds to ±2^62 exactly.
pub const SCALED_LIMIT: i64 = 1 << 62;

/// How a [`Decimals`] column holds its values.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// Every value is `m / 10^scale` with an integer `|m| <= 2^62`.
    Scaled { values: Vec<i64>, scale: u32 },
    /// Some value does not fit: exact decimals.
    Exact(Vec<Decimal>),
}

/// Exact decimal numbers per town, or none (money in 元, percentage points, numbers).
///
/// Values are kept as integers at one scale per column (`19.87亿元` = 1987000000 at scale
/// 0; `26.8%` = 268 at scale 1) whenever every value of the column fits in 62 bits at the
/// column's largest scale; otherwise the column holds [`Decimal`]s. Either way no value
/// is ever rounded, and [`Decimals::get`] gives the normalized decimal as it was read.
#[derive(Clone)]
pub struct Decimals {
    repr: Repr,
    present: Bits,
}

optional_values!(Decimals => Decimal);
from_options!(Decimals => Decimal);
by_values!(Decimals);

const POW10: [i64; 19] = {
    let mut p = [1i64; 19];
    let mut i = 1;
    while i < 19 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// `m × 10^k` if it stays within [`SCALED_LIMIT`].
#[inline]
fn upscale(m: i128, k: u32) -> Option<i64> {
    let p = *POW10.get(k as usize)? as i128;
    let v = m.checked_mul(p)?;
    (v.abs() <= SCALED_LIMIT as i128).then_some(v as i64)
}

/// The normalized decimal `m / 10^scale` (trailing zeros of the fraction removed).
#[inline]
pub fn scaled_to_decimal(mut m: i64, mut scale: u32) -> Decimal {
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    Decimal::new(m, scale)
}

impl Decimals {
    /// An empty column with room for `capacity` towns.
    pub fn with_capacity(capacity: usize) -> Self {
        Decimals {
            repr: Repr::Scaled {
                values: Vec::with_capacity(capacity),
                scale: 0,
            },
            present: Bits::with_capacity(capacity),
        }
    }

    /// `len` missing values.
    pub fn missing(len: usize) -> Self {
        Decimals {
            repr: Repr::Scaled {
                values: vec![0; len],
                scale: 0,
            },
            present: Bits::repeat(false, len),
        }
    }

    /// Town `i`'s value, normalized.
    #[inline]
    pub fn get(&self, i: usize) -> Option<Decimal> {
        if !self.present.get(i) {
            return None;
        }
        match &self.repr {
            Repr::Scaled { values, scale } => values.get(i).map(|&m| scaled_to_decimal(m, *scale)),
            Repr::Exact(v) => v.get(i).copied(),
        }
    }

    /// The values as integers at one scale (value = integer ÷ 10^scale; 0 where missing),
    /// when every value fits; `None` when the column holds [`Decimal`]s.
    pub fn scaled(&self) -> Option<(&[i64], u32)> {
        match &self.repr {
            Repr::Scaled { values, scale } => Some((values, *scale)),
            Repr::Exact(_) => None,
        }
    }

    /// The values as decimals (zero where missing) when the column holds them.
    pub fn exact(&self) -> Option<&[Decimal]> {
        match &self.repr {
            Repr::Exact(v) => Some(v),
            Repr::Scaled { .. } => None,
        }
    }

    /// Make room for `additional` more towns.
    pub fn reserve(&mut self, additional: usize) {
        match &mut self.repr {
            Repr::Scaled { values, .. } => values.reserve(additional),
            Repr::Exact(v) => v.reserve(additional),
        }
        self.present.reserve(additional);
    }

    /// Bytes of heap memory held (capacity).
    pub fn heap_bytes(&self) -> usize {
        let v = match &self.repr {
            Repr::Scaled { values, .. } => values.capacity() * 8,
            Repr::Exact(v) => v.capacity() * 16,
        };
        v + self.present.heap_bytes()
    }

    /// Hold every value as a [`Decimal`] from now on.
    fn make_exact(&mut self) {
        if let Repr::Scaled { values, scale } = &self.repr {
            let v = values
                .iter()
                .enumerate()
                .map(|(i, &m)| {
                    if self.present.get(i) {
                        scaled_to_decimal(m, *scale)
                    } else {
                        Decimal::ZERO
                    }
                })
                .collect();
            self.repr = Repr::Exact(v);
        }
    }

    /// Raise the column's scale to `to`; false (nothing changed) when a value would not fit.
    fn rescale(&mut self, to: u32) -> bool {
        let Repr::Scaled { values, scale } = &mut self.repr else {
            return false;
        };
        if to <= *scale {
            return true;
        }
        let k = to - *scale;
        let Some(&p) = POW10.get(k as usize) else {
            return false;
        };
        let limit = SCALED_LIMIT / p;
        if values.iter().any(|m| m.abs() > limit) {
            return false;
        }
        values.iter_mut().for_each(|m| *m *= p);
        *scale = to;
        true
    }

    /// Append the value `m / 10^s` (`s <= 28`), keeping the column exact.
    #[inline]
    pub fn push_scaled(&mut self, m: i64, s: u32) {
        if let Repr::Scaled { values, scale } = &mut self.repr {
            if s <= *scale {
                if let Some(v) = upscale(m as i128, *scale - s) {
                    values.push(v);
                    self.present.push(true);
                    return;
                }
            }
        }
        self.push_slow(Decimal::new(m, s));
    }

    /// Append a value.
    #[inline]
    pub fn push(&mut self, v: Option<Decimal>) {
        match v {
            None => {
                match &mut self.repr {
                    Repr::Scaled { values, .. } => values.push(0),
                    Repr::Exact(v) => v.push(Decimal::ZERO),
                }
                self.present.push(false);
            }
            Some(d) => {
                let d = d.normalize();
                match i64::try_from(d.mantissa()) {
                    Ok(m) if m.abs() <= SCALED_LIMIT => self.push_scaled(m, d.scale()),
                    _ => self.push_slow(d),
                }
            }
        }
    }

    fn push_slow(&mut self, d: Decimal) {
        let d = d.normalize();
        if let Repr::Scaled { values, scale } = &mut self.repr {
            if d.scale() > *scale {
                // `rescale` refuses without changing anything when a value would not fit.
                let to = d.scale();
                if self.rescale(to) {
                    if let Repr::Scaled { values, scale } = &mut self.repr {
                        if let Some(v) = upscale(d.mantissa(), *scale - d.scale()) {
                            values.push(v);
                            self.present.push(true);
                            return;
                        }
                    }
                }
            } else if let Some(v) = upscale(d.mantissa(), *scale - d.scale()) {
                values.push(v);
                self.present.push(true);
                return;
            }
        }
        self.make_exact();
        if let Repr::Exact(v) = &mut self.repr {
            v.push(d);
        }
        self.present.push(true);
    }

    /// Append all of `other`.
    pub fn extend(&mut self, other: &Decimals) {
        if let (Repr::Scaled { scale: a, .. }, Repr::Scaled { scale: b, .. }) =
            (&self.repr, &other.repr)
        {
            let (a, b) = (*a, *b);
            let to = a.max(b);
            if self.rescale(to) {
                if let (Repr::Scaled { values, .. }, Repr::Scaled { values: theirs, .. }) =
                    (&mut self.repr, &other.repr)
                {
                    let k = to - b;
                    if k == 0 {
                        values.extend_from_slice(theirs);
                        self.present.extend(&other.present);
                        return;
                    }
                    let p = POW10.get(k as usize).copied().unwrap_or(i64::MAX);
                    let limit = SCALED_LIMIT / p;
                    if theirs.iter().all(|m| m.abs() <= limit) {
                        values.extend(theirs.iter().map(|m| m * p));
                        self.present.extend(&other.present);
                        return;
                    }
                }
            }
        }
        for v in other.iter() {
            match v {
                Some(d) => self.push_slow(d),
                None => self.push(None),
            }
        }
    }
}
