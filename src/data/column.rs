//! Compact column storage: a bit per town for presence and yes/no values, plain
//! integers for counts and categories, scaled integers for decimals (exact, with a
//! fallback to [`Decimal`] when a value does not fit), one text buffer per text column.
//!
//! A loaded town costs about 70 bytes of numeric facts for the 24-fact vocabulary of
//! DOMAIN.md §6 (an `Option<Decimal>` alone is 20 bytes), and the evaluator reads the
//! columns without decoding: a yes/no fact for 64 towns is one word of bits.

use std::fmt;
use std::ops::Index;
use std::sync::Arc;

use rust_decimal::Decimal;

/// A bit per town, packed 64 to a word; bits past the end are always zero.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl fmt::Debug for Bits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries((0..self.len).map(|i| u8::from(self.get(i))))
            .finish()
    }
}

impl Bits {
    /// No bits, with room for `capacity`.
    pub fn with_capacity(capacity: usize) -> Self {
        Bits {
            words: Vec::with_capacity(capacity.div_ceil(64)),
            len: 0,
        }
    }

    /// `len` bits, all `value`.
    pub fn repeat(value: bool, len: usize) -> Self {
        let mut words = vec![if value { u64::MAX } else { 0 }; len.div_ceil(64)];
        if let Some(last) = words.last_mut() {
            if len % 64 != 0 {
                *last &= (1u64 << (len % 64)) - 1;
            }
        }
        Bits { words, len }
    }

    /// The number of bits.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bit `i` (false past the end).
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| (w >> (i % 64)) & 1 != 0)
    }

    /// Append a bit.
    #[inline]
    pub fn push(&mut self, bit: bool) {
        if self.len % 64 == 0 {
            self.words.push(0);
        }
        if bit {
            if let Some(w) = self.words.last_mut() {
                *w |= 1u64 << (self.len % 64);
            }
        }
        self.len += 1;
    }

    /// Make room for `additional` more bits.
    pub fn reserve(&mut self, additional: usize) {
        let need = (self.len + additional).div_ceil(64);
        self.words.reserve(need.saturating_sub(self.words.len()));
    }

    /// The words (64 bits each, bit `i` of word `k` is bit `64k + i`).
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// Bits `start..start + n` (`n <= 64`) as the low bits of a word; bits past the end
    /// are zero.
    #[inline]
    pub fn block(&self, start: usize, n: usize) -> u64 {
        let (k, s) = (start / 64, start % 64);
        let lo = self.words.get(k).copied().unwrap_or(0) >> s;
        let v = if s == 0 {
            lo
        } else {
            lo | (self.words.get(k + 1).copied().unwrap_or(0) << (64 - s))
        };
        if n >= 64 {
            v
        } else {
            v & ((1u64 << n) - 1)
        }
    }

    /// Append all of `other`.
    pub fn extend(&mut self, other: &Bits) {
        if self.len % 64 == 0 {
            self.words.extend_from_slice(&other.words);
            self.len += other.len;
            return;
        }
        self.reserve(other.len);
        let mut i = 0;
        while i < other.len {
            let n = (other.len - i).min(64);
            self.push_block(other.block(i, n), n);
            i += n;
        }
    }

    /// Append the low `n` bits of `bits` (`n <= 64`; the other bits must be zero).
    fn push_block(&mut self, bits: u64, n: usize) {
        let s = self.len % 64;
        if s == 0 {
            self.words.push(bits);
        } else {
            if let Some(w) = self.words.last_mut() {
                *w |= bits << s;
            }
            if s + n > 64 {
                self.words.push(bits >> (64 - s));
            }
        }
        self.len += n;
    }

    /// Bytes of heap memory held (capacity).
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }

    /// The number of set bits.
    pub fn count_ones(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// A value per town, or none: `T` per town plus a presence bit. Missing entries hold
/// `T::default()`, so two columns are equal exactly when their values are.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Opt<T> {
    values: Vec<T>,
    present: Bits,
}

impl<T: Copy + Default + fmt::Debug> fmt::Debug for Opt<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Copy + Default> Opt<T> {
    /// An empty column with room for `capacity` towns.
    pub fn with_capacity(capacity: usize) -> Self {
        Opt {
            values: Vec::with_capacity(capacity),
            present: Bits::with_capacity(capacity),
        }
    }

    /// `len` missing values.
    pub fn missing(len: usize) -> Self {
        Opt {
            values: vec![T::default(); len],
            present: Bits::repeat(false, len),
        }
    }

    /// The number of towns.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no towns.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Town `i`'s value (`None`: missing, or no such town).
    #[inline]
    pub fn get(&self, i: usize) -> Option<T> {
        if self.present.get(i) {
            self.values.get(i).copied()
        } else {
            None
        }
    }

    /// Append a value.
    #[inline]
    pub fn push(&mut self, v: Option<T>) {
        self.present.push(v.is_some());
        self.values.push(v.unwrap_or_default());
    }

    /// Make room for `additional` more towns.
    pub fn reserve(&mut self, additional: usize) {
        self.values.reserve(additional);
        self.present.reserve(additional);
    }

    /// Every town's value in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<T>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The raw values (`T::default()` where missing).
    pub fn values(&self) -> &[T] {
        &self.values
    }

    /// Which towns have a value.
    pub fn present(&self) -> &Bits {
        &self.present
    }

    /// Bytes of heap memory held (capacity).
    pub fn heap_bytes(&self) -> usize {
        self.values.capacity() * std::mem::size_of::<T>() + self.present.heap_bytes()
    }

    /// Append all of `other`.
    pub fn extend(&mut self, other: &Opt<T>) {
        self.values.extend_from_slice(&other.values);
        self.present.extend(&other.present);
    }
}

impl<T: Copy + Default> From<Vec<Option<T>>> for Opt<T> {
    fn from(v: Vec<Option<T>>) -> Self {
        v.into_iter().collect()
    }
}

impl<T: Copy + Default> FromIterator<Option<T>> for Opt<T> {
    fn from_iter<I: IntoIterator<Item = Option<T>>>(iter: I) -> Self {
        let mut c = Opt::with_capacity(0);
        iter.into_iter().for_each(|v| c.push(v));
        c
    }
}

/// Yes/no per town, or none: two bits per town.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Flags {
    values: Bits,
    present: Bits,
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Flags {
    /// An empty column with room for `capacity` towns.
    pub fn with_capacity(capacity: usize) -> Self {
        Flags {
            values: Bits::with_capacity(capacity),
            present: Bits::with_capacity(capacity),
        }
    }

    /// `len` missing values.
    pub fn missing(len: usize) -> Self {
        Flags {
            values: Bits::repeat(false, len),
            present: Bits::repeat(false, len),
        }
    }

    /// The number of towns.
    pub fn len(&self) -> usize {
        self.present.len()
    }

    /// Whether there are no towns.
    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
    }

    /// Town `i`'s value.
    #[inline]
    pub fn get(&self, i: usize) -> Option<bool> {
        self.present.get(i).then(|| self.values.get(i))
    }

    /// Append a value.
    #[inline]
    pub fn push(&mut self, v: Option<bool>) {
        self.present.push(v.is_some());
        self.values.push(v == Some(true));
    }

    /// Make room for `additional` more towns.
    pub fn reserve(&mut self, additional: usize) {
        self.values.reserve(additional);
        self.present.reserve(additional);
    }

    /// Every town's value in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<bool>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Which towns' value is yes (false where missing).
    pub fn values(&self) -> &Bits {
        &self.values
    }

    /// Which towns have a value.
    pub fn present(&self) -> &Bits {
        &self.present
    }

    /// Bytes of heap memory held (capacity).
    pub fn heap_bytes(&self) -> usize {
        self.values.heap_bytes() + self.present.heap_bytes()
    }

    /// Append all of `other`.
    pub fn extend(&mut self, other: &Flags) {
        self.values.extend(&other.values);
        self.present.extend(&other.present);
    }
}

impl From<Vec<Option<bool>>> for Flags {
    fn from(v: Vec<Option<bool>>) -> Self {
        v.into_iter().collect()
    }
}

impl FromIterator<Option<bool>> for Flags {
    fn from_iter<I: IntoIterator<Item = Option<bool>>>(iter: I) -> Self {
        let mut c = Flags::with_capacity(0);
        iter.into_iter().for_each(|v| c.push(v));
        c
    }
}

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

impl Default for Decimals {
    fn default() -> Self {
        Decimals::with_capacity(0)
    }
}

impl PartialEq for Decimals {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && (0..self.len()).all(|i| self.get(i) == other.get(i))
    }
}

impl Eq for Decimals {}

impl fmt::Debug for Decimals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

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

    /// The number of towns.
    pub fn len(&self) -> usize {
        self.present.len()
    }

    /// Whether there are no towns.
    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
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

    /// Every town's value in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<Decimal>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Which towns have a value.
    pub fn present(&self) -> &Bits {
        &self.present
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

impl From<Vec<Option<Decimal>>> for Decimals {
    fn from(v: Vec<Option<Decimal>>) -> Self {
        v.into_iter().collect()
    }
}

impl FromIterator<Option<Decimal>> for Decimals {
    fn from_iter<I: IntoIterator<Item = Option<Decimal>>>(iter: I) -> Self {
        let mut c = Decimals::with_capacity(0);
        iter.into_iter().for_each(|v| c.push(v));
        c
    }
}

/// Where each string ends in a text buffer: 32-bit offsets while the buffer is under
/// 4 GiB, 64-bit after.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Ends {
    Small(Vec<u32>),
    Large(Vec<u64>),
}

impl Ends {
    fn with_capacity(capacity: usize) -> Self {
        Ends::Small(Vec::with_capacity(capacity))
    }
    fn len(&self) -> usize {
        match self {
            Ends::Small(v) => v.len(),
            Ends::Large(v) => v.len(),
        }
    }
    #[inline]
    fn get(&self, i: usize) -> usize {
        match self {
            Ends::Small(v) => v.get(i).map_or(0, |&e| e as usize),
            Ends::Large(v) => v.get(i).map_or(0, |&e| e as usize),
        }
    }
    #[inline]
    fn push(&mut self, end: usize) {
        match self {
            Ends::Small(v) => match u32::try_from(end) {
                Ok(e) => v.push(e),
                Err(_) => {
                    let mut large: Vec<u64> = v.iter().map(|&e| u64::from(e)).collect();
                    large.push(end as u64);
                    *self = Ends::Large(large);
                }
            },
            Ends::Large(v) => v.push(end as u64),
        }
    }
    fn reserve(&mut self, additional: usize) {
        match self {
            Ends::Small(v) => v.reserve(additional),
            Ends::Large(v) => v.reserve(additional),
        }
    }
    fn heap_bytes(&self) -> usize {
        match self {
            Ends::Small(v) => v.capacity() * 4,
            Ends::Large(v) => v.capacity() * 8,
        }
    }
}

/// Strings in one buffer: string `i` is `buf[ends[i - 1]..ends[i]]`.
#[derive(Clone, PartialEq, Eq, Hash)]
struct TextBuf {
    buf: String,
    ends: Ends,
}

impl TextBuf {
    fn new(capacity: usize) -> Self {
        TextBuf {
            buf: String::new(),
            ends: Ends::with_capacity(capacity),
        }
    }
    /// String `i` (`None` past the end of `ends`).
    #[inline]
    fn get(&self, i: usize) -> Option<&str> {
        if i >= self.ends.len() {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends.get(i - 1) };
        self.buf.get(start..self.ends.get(i))
    }
    #[inline]
    fn push(&mut self, s: &str) {
        self.buf.push_str(s);
        self.ends.push(self.buf.len());
    }
    /// Append `other`'s strings.
    fn extend(&mut self, other: &TextBuf) {
        let base = self.buf.len();
        self.buf.push_str(&other.buf);
        self.ends.reserve(other.ends.len());
        for i in 0..other.ends.len() {
            self.ends.push(base + other.ends.get(i));
        }
    }
    fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.ends.heap_bytes()
    }
}

/// A text buffer owned (while it is built) or shared (the ids and the `id` column).
#[derive(Clone)]
enum Store {
    Owned(TextBuf),
    Shared(Arc<TextBuf>),
}

impl Store {
    #[inline]
    fn get(&self) -> &TextBuf {
        match self {
            Store::Owned(t) => t,
            Store::Shared(t) => t,
        }
    }
    #[inline]
    fn get_mut(&mut self) -> &mut TextBuf {
        if let Store::Shared(t) = self {
            *self = Store::Owned(TextBuf::clone(t));
        }
        match self {
            Store::Owned(t) => t,
            Store::Shared(t) => Arc::make_mut(t),
        }
    }
    /// The buffer, shared from now on.
    fn share(&mut self) -> Arc<TextBuf> {
        if let Store::Owned(t) = self {
            let t = std::mem::replace(t, TextBuf::new(0));
            *self = Store::Shared(Arc::new(t));
        }
        match self {
            Store::Shared(t) => Arc::clone(t),
            Store::Owned(t) => Arc::new(t.clone()),
        }
    }
    /// Heap bytes, counting a shared buffer once per holder halved (so that the two
    /// holders of a buffer add up to it).
    fn heap_bytes(&self) -> usize {
        match self {
            Store::Owned(t) => t.heap_bytes(),
            Store::Shared(t) => t.heap_bytes() / Arc::strong_count(t).max(1),
        }
    }
}

/// Strings in one buffer, one per town (ids, names). Cloning is cheap once the
/// buffer is shared (the ids share the `id` column's text).
#[derive(Clone)]
pub struct Strs {
    store: Store,
}

impl Default for Strs {
    fn default() -> Self {
        Strs::with_capacity(0)
    }
}

impl PartialEq for Strs {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Strs {}

impl fmt::Debug for Strs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Strs {
    /// No strings, with room for `capacity` of them.
    pub fn with_capacity(capacity: usize) -> Self {
        Strs {
            store: Store::Owned(TextBuf::new(capacity)),
        }
    }

    /// The texts of a column in which every town has one, sharing its buffer (`None`
    /// when some town has none).
    pub fn shared(texts: &mut Texts) -> Option<Strs> {
        let n = texts.len();
        if texts.present.count_ones() != n || texts.store.get().ends.len() != n {
            return None;
        }
        Some(Strs {
            store: Store::Shared(texts.store.share()),
        })
    }

    /// The number of strings.
    pub fn len(&self) -> usize {
        self.store.get().ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// String `i` (`None` past the end).
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        self.store.get().get(i)
    }

    /// Append a string.
    #[inline]
    pub fn push(&mut self, s: &str) {
        self.store.get_mut().push(s);
    }

    /// Make room for `additional` more strings.
    pub fn reserve(&mut self, additional: usize) {
        self.store.get_mut().ends.reserve(additional);
    }

    /// Every string in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let t = self.store.get();
        (0..t.ends.len()).map(|i| t.get(i).unwrap_or_default())
    }

    /// Append all of `other`.
    pub fn extend(&mut self, other: &Strs) {
        self.store.get_mut().extend(other.store.get());
    }

    /// The total length of the strings in bytes.
    pub fn text_bytes(&self) -> usize {
        self.store.get().buf.len()
    }

    /// Bytes of heap memory held (capacity; a buffer shared with a column counts half).
    pub fn heap_bytes(&self) -> usize {
        self.store.heap_bytes()
    }
}

impl Index<usize> for Strs {
    type Output = str;
    /// String `i` (empty past the end).
    fn index(&self, i: usize) -> &str {
        self.get(i).unwrap_or_default()
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Strs {
    fn eq(&self, other: &Vec<S>) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>> FromIterator<S> for Strs {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut c = Strs::default();
        iter.into_iter().for_each(|s| c.push(s.as_ref()));
        c
    }
}

/// Text per town, or none (county, source, notes …), in one buffer.
///
/// Offsets are stored only up to the last town with a text, so a column with no text
/// at all (a fact without a column in the file) costs a bit per town.
#[derive(Clone)]
pub struct Texts {
    store: Store,
    present: Bits,
}

impl Default for Texts {
    fn default() -> Self {
        Texts::with_capacity(0)
    }
}

impl PartialEq for Texts {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Texts {}

impl fmt::Debug for Texts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Texts {
    /// An empty column with room for `capacity` towns.
    pub fn with_capacity(capacity: usize) -> Self {
        Texts {
            store: Store::Owned(TextBuf::new(0)),
            present: Bits::with_capacity(capacity),
        }
    }

    /// `len` missing values.
    pub fn missing(len: usize) -> Self {
        Texts {
            store: Store::Owned(TextBuf::new(0)),
            present: Bits::repeat(false, len),
        }
    }

    /// The number of towns.
    pub fn len(&self) -> usize {
        self.present.len()
    }

    /// Whether there are no towns.
    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
    }

    /// Town `i`'s text.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        if !self.present.get(i) {
            return None;
        }
        self.store.get().get(i)
    }

    /// The last town's text.
    pub fn last(&self) -> Option<&str> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Append a value.
    #[inline]
    pub fn push(&mut self, v: Option<&str>) {
        if let Some(s) = v {
            let n = self.present.len();
            let t = self.store.get_mut();
            let end = t.buf.len();
            while t.ends.len() < n {
                t.ends.push(end);
            }
            t.push(s);
        }
        self.present.push(v.is_some());
    }

    /// Make room for `additional` more towns.
    pub fn reserve(&mut self, additional: usize) {
        if !self.store.get().buf.is_empty() {
            self.store.get_mut().ends.reserve(additional);
        }
        self.present.reserve(additional);
    }

    /// Make room for `bytes` more bytes of text.
    pub fn reserve_text(&mut self, bytes: usize) {
        if bytes > 0 {
            self.store.get_mut().buf.reserve(bytes);
        }
    }

    /// The total length of the texts in bytes.
    pub fn text_bytes(&self) -> usize {
        self.store.get().buf.len()
    }

    /// Every town's text in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Which towns have a text.
    pub fn present(&self) -> &Bits {
        &self.present
    }

    /// Bytes of heap memory held (capacity; a buffer shared with the ids counts half).
    pub fn heap_bytes(&self) -> usize {
        self.store.heap_bytes() + self.present.heap_bytes()
    }

    /// Append all of `other`.
    pub fn extend(&mut self, other: &Texts) {
        let theirs = other.store.get();
        if theirs.ends.len() > 0 {
            let n = self.present.len();
            let t = self.store.get_mut();
            let base = t.buf.len();
            while t.ends.len() < n {
                t.ends.push(base);
            }
            t.extend(theirs);
        }
        self.present.extend(&other.present);
    }
}

impl<S: AsRef<str>> From<Vec<Option<S>>> for Texts {
    fn from(v: Vec<Option<S>>) -> Self {
        v.into_iter().collect()
    }
}

impl<S: AsRef<str>> FromIterator<Option<S>> for Texts {
    fn from_iter<I: IntoIterator<Item = Option<S>>>(iter: I) -> Self {
        let mut c = Texts::default();
        iter.into_iter()
            .for_each(|v| c.push(v.as_ref().map(AsRef::as_ref)));
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn bits_blocks_and_extend() {
        let mut a = Bits::default();
        let pattern: Vec<bool> = (0..300).map(|i| i % 3 == 0 || i % 7 == 1).collect();
        pattern.iter().for_each(|&b| a.push(b));
        for start in [0, 1, 5, 63, 64, 65, 130, 250] {
            for n in [1, 7, 33, 64] {
                let w = a.block(start, n);
                for j in 0..n {
                    let want = pattern.get(start + j).copied().unwrap_or(false);
                    assert_eq!((w >> j) & 1 != 0, want, "{start} {n} {j}");
                }
            }
        }
        for split in [0, 1, 63, 64, 65, 200, 300] {
            let mut x = Bits::default();
            let mut y = Bits::default();
            pattern[..split].iter().for_each(|&b| x.push(b));
            pattern[split..].iter().for_each(|&b| y.push(b));
            x.extend(&y);
            assert_eq!(x, a, "split {split}");
        }
        assert_eq!(Bits::repeat(true, 70).count_ones(), 70);
    }

    #[test]
    fn decimals_are_exact_and_normalized() {
        let texts = [
            "2000000000",
            "19.87",
            "0.5",
            "26.8",
            "100",
            "0",
            "-3.25",
            "1234567890123.4567",
        ];
        let vals: Vec<Option<Decimal>> = texts
            .iter()
            .map(|t| Some(Decimal::from_str(t).unwrap().normalize()))
            .chain([None])
            .collect();
        let c: Decimals = vals.clone().into();
        assert!(c.scaled().is_some());
        for (i, v) in vals.iter().enumerate() {
            let got = c.get(i);
            assert_eq!(got, *v);
            assert_eq!(
                got.map(|d| (d.to_string(), d.scale())),
                v.map(|d| (d.to_string(), d.scale()))
            );
        }
        // A value that does not fit in 62 bits at the column's scale: exact decimals.
        let big = Decimal::from_str("12345678901234567890.5").unwrap();
        let mut d: Decimals = vals.clone().into();
        d.push(Some(big));
        assert!(d.exact().is_some());
        assert_eq!(d.get(vals.len()), Some(big));
        for (i, v) in vals.iter().enumerate() {
            assert_eq!(d.get(i).map(|d| d.to_string()), v.map(|d| d.to_string()));
        }
        // Extending columns of different scales.
        let mut a: Decimals = vec![Some(Decimal::from(5))].into();
        let b: Decimals = vec![Some(Decimal::from_str("0.125").unwrap()), None].into();
        a.extend(&b);
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            vec![
                Some(Decimal::from(5)),
                Some(Decimal::from_str("0.125").unwrap()),
                None
            ]
        );
        assert_eq!(a.scaled().map(|s| s.1), Some(3));
    }

    #[test]
    fn texts_and_strs() {
        let v = vec![None, Some("定襄县"), None, Some(""), Some("代县"), None];
        let t: Texts = v.clone().into();
        assert_eq!(t.iter().collect::<Vec<_>>(), v);
        let e: Texts = vec![None::<&str>, None].into();
        assert_eq!(e, Texts::missing(2));
        let mut t2 = Texts::missing(1);
        t2.extend(&Texts::from(v[1..].to_vec()));
        assert_eq!(t2, t);
        let s: Strs = ["a", "乙", ""].into_iter().collect();
        assert_eq!(&s[1], "乙");
        assert_eq!(s, vec!["a", "乙", ""]);
        let mut ids: Texts = vec![Some("a"), Some("b")].into();
        let shared = Strs::shared(&mut ids).unwrap();
        assert_eq!(shared, vec!["a", "b"]);
        ids.push(Some("c"));
        assert_eq!(
            shared,
            vec!["a", "b"],
            "the shared buffer is copied on write"
        );
        assert_eq!(
            ids.iter().collect::<Vec<_>>(),
            vec![Some("a"), Some("b"), Some("c")]
        );
        assert!(Strs::shared(&mut t.clone()).is_none());
        let o: Opt<u32> = vec![Some(3), None, Some(0)].into();
        assert_eq!(o.iter().collect::<Vec<_>>(), vec![Some(3), None, Some(0)]);
        let f: Flags = vec![Some(true), None, Some(false)].into();
        assert_eq!(
            f.iter().collect::<Vec<_>>(),
            vec![Some(true), None, Some(false)]
        );
    }
}
