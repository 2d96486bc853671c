//! [`Bits`]: a bit per town, the presence of every column's values and the yes/no
//! values of [`super::Flags`].

use std::fmt;

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
            if !len.is_multiple_of(64) {
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
        if self.len.is_multiple_of(64) {
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
        if self.len.is_multiple_of(64) {
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
