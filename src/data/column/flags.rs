//! [`Flags`]: yes/no per town, the storage of [`super::Column::Bool`].

use super::Bits;

/// Yes/no per town, or none: two bits per town.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Flags {
    values: Bits,
    present: Bits,
}

optional_values!(Flags => bool);
from_options!(Flags => bool);

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

    /// Which towns' value is yes (false where missing).
    pub fn values(&self) -> &Bits {
        &self.values
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
