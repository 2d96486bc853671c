//! Compact column storage: a bit per town for presence and yes/no values, plain
//! integers for counts and categories, scaled integers for decimals (exact, with a
//! fallback to [`Decimal`](rust_decimal::Decimal) when a value does not fit), one text
//! buffer per text column.
//!
//! A loaded town costs about 70 bytes of numeric facts for the 24 facts of
//! `rules/facts.rules` (docs/INTERPRETATION.md §14; an `Option<Decimal>` alone is
//! 20 bytes), and the evaluator reads the columns without decoding: a yes/no fact for
//! 64 towns is one word of bits.
//!
//! [`Column`] holds one fact's values, stored by kind: [`Decimals`] for money,
//! percentages and numbers ([`decimals`]), [`Opt`] for counts and categories
//! ([`opt`]), [`Flags`] for yes/no ([`flags`]) and [`Texts`] for text ([`text`]);
//! every one of them keeps a presence bit per town in [`Bits`] ([`bits`]).

use crate::check::Kind;

/// The members that every column of optional values ([`Opt`], [`Flags`], [`Decimals`],
/// [`Texts`]) spells the same way from its `present` bits and its `get`: `len`,
/// `is_empty`, `iter`, `present`, and `Debug` as the list of values. `T` is the type
/// parameter of a generic column.
macro_rules! optional_values {
    ($ty:ident $(<$t:ident>)? => $item:ty) => {
        impl$(<$t: Copy + Default>)? $ty$(<$t>)? {
            /// The number of towns.
            pub fn len(&self) -> usize {
                self.present.len()
            }

            /// Whether there are no towns.
            pub fn is_empty(&self) -> bool {
                self.present.is_empty()
            }

            /// Every town's value in order.
            pub fn iter(&self) -> impl Iterator<Item = Option<$item>> + '_ {
                (0..self.len()).map(|i| self.get(i))
            }

            /// Which towns have a value.
            pub fn present(&self) -> &Bits {
                &self.present
            }
        }

        impl$(<$t: Copy + Default + std::fmt::Debug>)? std::fmt::Debug for $ty$(<$t>)? {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_list().entries(self.iter()).finish()
            }
        }
    };
}

/// A column of owned values built from `Option`s, one per town: `From<Vec<Option<_>>>`
/// and `FromIterator<Option<_>>` by `push`.
macro_rules! from_options {
    ($ty:ident $(<$t:ident>)? => $item:ty) => {
        impl$(<$t: Copy + Default>)? From<Vec<Option<$item>>> for $ty$(<$t>)? {
            fn from(v: Vec<Option<$item>>) -> Self {
                v.into_iter().collect()
            }
        }

        impl$(<$t: Copy + Default>)? FromIterator<Option<$item>> for $ty$(<$t>)? {
            fn from_iter<I: IntoIterator<Item = Option<$item>>>(iter: I) -> Self {
                let mut c = Self::with_capacity(0);
                iter.into_iter().for_each(|v| c.push(v));
                c
            }
        }
    };
}

/// `Default` (empty) and equality by values, for a column that can hold the same values
/// in more than one way (at another scale, or in a shared buffer), so that the derived
/// comparison of its fields would be wrong.
macro_rules! by_values {
    ($ty:ident) => {
        impl Default for $ty {
            fn default() -> Self {
                Self::with_capacity(0)
            }
        }

        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.len() == other.len() && self.iter().eq(other.iter())
            }
        }

        impl Eq for $ty {}
    };
}

/// The column of `kind` made by the constructor `$make` of its storage (the same name
/// on every kind: `with_capacity`, `missing`).
macro_rules! of_kind {
    ($kind:expr, $make:ident($($arg:expr),*)) => {
        match $kind {
            Kind::Money => Column::Money(Decimals::$make($($arg),*)),
            Kind::Number | Kind::Percent | Kind::Ratio | Kind::Points | Kind::PerUnit => Column::Num(Decimals::$make($($arg),*)),
            Kind::Count => Column::Count(Opt::$make($($arg),*)),
            Kind::Bool => Column::Bool(Flags::$make($($arg),*)),
            Kind::Category(_) => Column::Cat(Opt::$make($($arg),*)),
            Kind::Text => Column::Text(Texts::$make($($arg),*)),
        }
    };
}

/// `$body` with `$v` bound to the storage of `$column`, whatever its kind (a method that
/// every storage type has under the same name).
macro_rules! each_kind {
    ($column:expr, $v:ident => $body:expr) => {
        match $column {
            Column::Money($v) | Column::Num($v) => $body,
            Column::Count($v) => $body,
            Column::Bool($v) => $body,
            Column::Cat($v) => $body,
            Column::Text($v) => $body,
        }
    };
}

mod bits;
mod decimals;
mod flags;
mod opt;
mod text;

pub use bits::Bits;
pub use decimals::{scaled_to_decimal, Decimals, SCALED_LIMIT};
pub use flags::Flags;
pub use opt::Opt;
pub use text::{Strs, Texts};

/// The values of one fact for every town, typed by the fact's [`Kind`]. Each column
/// is compact (see [`Decimals`], [`Opt`], [`Flags`], [`Texts`]); read town `t`'s value
/// with `get(t)`, which is `None` when it is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// Money in 元 (yuan), exact ([`Kind::Money`]); cells in 万元/亿元 are converted.
    Money(Decimals),
    /// Percentage points ([`Kind::Percent`], `35%` → 35) or a plain number ([`Kind::Number`]).
    Num(Decimals),
    /// A whole count of enterprises, people, standards … ([`Kind::Count`]).
    Count(Opt<u32>),
    /// Yes/no, including expert attestations ([`Kind::Bool`]).
    Bool(Flags),
    /// A category: the member's index in the fact's category set ([`Kind::Category`]).
    Cat(Opt<u16>),
    /// Free text such as ids, names, source and notes ([`Kind::Text`]), trimmed.
    Text(Texts),
}

impl Column {
    /// An empty column for a fact of `kind`, with room for `capacity` towns.
    pub fn with_capacity(kind: Kind, capacity: usize) -> Column {
        of_kind!(kind, with_capacity(capacity))
    }

    /// The number of towns in the column.
    pub fn len(&self) -> usize {
        each_kind!(self, v => v.len())
    }

    /// Whether the column holds no towns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether town `town`'s value is missing (also true when there is no such town).
    pub fn is_missing(&self, town: usize) -> bool {
        !self.present().get(town)
    }

    /// Which towns have a value.
    pub fn present(&self) -> &Bits {
        each_kind!(self, v => v.present())
    }

    /// A column of `len` missing values for a fact of `kind`.
    pub fn missing(kind: Kind, len: usize) -> Column {
        of_kind!(kind, missing(len))
    }

    /// Bytes of heap memory the column holds (capacity).
    pub fn heap_bytes(&self) -> usize {
        each_kind!(self, v => v.heap_bytes())
    }

    /// Append all of `other` (a column of the same kind; otherwise nothing happens).
    pub fn extend(&mut self, other: &Column) {
        match (self, other) {
            (Column::Money(a), Column::Money(b)) | (Column::Num(a), Column::Num(b)) => a.extend(b),
            (Column::Count(a), Column::Count(b)) => a.extend(b),
            (Column::Bool(a), Column::Bool(b)) => a.extend(b),
            (Column::Cat(a), Column::Cat(b)) => a.extend(b),
            (Column::Text(a), Column::Text(b)) => a.extend(b),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
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
