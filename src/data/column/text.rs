//! [`Strs`] and [`Texts`]: strings per town in one buffer, the ids and names of the
//! towns and the storage of [`super::Column::Text`].

use std::fmt;
use std::ops::Index;
use std::sync::Arc;

use super::Bits;

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

by_values!(Strs);

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

optional_values!(Texts => &str);
by_values!(Texts);

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
            self.caught_up().push(s);
        }
        self.present.push(v.is_some());
    }

    /// The buffer, with an (empty) string for every town since the last text, ready to
    /// take the next town's text: offsets are stored only up to the last text.
    #[inline]
    fn caught_up(&mut self) -> &mut TextBuf {
        let n = self.present.len();
        let t = self.store.get_mut();
        let end = t.buf.len();
        while t.ends.len() < n {
            t.ends.push(end);
        }
        t
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

    /// Bytes of heap memory held (capacity; a buffer shared with the ids counts half).
    pub fn heap_bytes(&self) -> usize {
        self.store.heap_bytes() + self.present.heap_bytes()
    }

    /// Append all of `other`.
    pub fn extend(&mut self, other: &Texts) {
        let theirs = other.store.get();
        if theirs.ends.len() > 0 {
            self.caught_up().extend(theirs);
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
