//! [`Opt`]: a plain value per town with a presence bit, the storage of counts
//! ([`super::Column::Count`], `Opt<u32>`) and categories ([`super::Column::Cat`],
//! `Opt<u16>`).

use super::Bits;

/// A value per town, or none: `T` per town plus a presence bit. Missing entries hold
/// `T::default()`, so two columns are equal exactly when their values are.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Opt<T> {
    values: Vec<T>,
    present: Bits,
}

optional_values!(Opt<T> => T);
from_options!(Opt<T> => T);

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

    /// The raw values (`T::default()` where missing).
    pub fn values(&self) -> &[T] {
        &self.values
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
