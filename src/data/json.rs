//! JSON town data: an array of objects, or `{"towns": [ … ]}`, keys naming facts.
//!
//! The document is read streaming, one town at a time; numbers are read from their
//! literal text (via `serde_json`'s raw values), never through a float.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

mod reason;

use super::cell::Builder;
use super::header::Vocab;
use super::keyed::{Keys, Value};
use super::{DataError, Loaded, RowUnit};

/// The accepted names of the array of towns in a top-level object.
const ARRAY_KEYS: [&str; 2] = ["towns", "town"];

/// Read JSON text into towns.
pub(super) fn read(name: &str, text: &str, vocab: &Vocab<'_>) -> Result<Loaded, Vec<DataError>> {
    if let Some(line) = too_deep(text) {
        let message = crate::t!("data.json.too_deep", line = line, max = MAX_DEPTH);
        let help = crate::t!("data.json.too_deep_help");
        return Err(vec![DataError::file(name, message).with_help(help)]);
    }
    let mut b = Builder::new(vocab, name, RowUnit::Town, 0);
    let mut keys = Keys::new(vocab.len());
    let mut found = false;
    let mut de = serde_json::Deserializer::from_str(text);
    let top = Top {
        b: &mut b,
        keys: &mut keys,
        found: &mut found,
    };
    if let Err(e) = top.deserialize(&mut de).and_then(|()| de.end()) {
        let help = crate::t!("data.json.invalid_help");
        let error = reason::syntax_error(&e);
        b.error(
            DataError::file(name, crate::t!("data.json.invalid", error = error)).with_help(help),
        );
        return Err(b.into_errors());
    }
    if !found && !b.has_errors() {
        let message = crate::t!("data.json.no_towns");
        return Err(vec![DataError::file(name, message)]);
    }
    b.finish()
}

/// The top level: an array of towns, or an object holding one.
struct Top<'a, 'v, 'm> {
    b: &'a mut Builder<'v, 'm>,
    keys: &'a mut Keys,
    found: &'a mut bool,
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of town objects, or an object with a key \"towns\"")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        *self.found = true;
        read_towns(self.b, self.keys, seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.0;
            if ARRAY_KEYS.contains(&key.as_ref()) && !*self.found {
                *self.found = true;
                map.next_value_seed(Array {
                    b: &mut *self.b,
                    keys: &mut *self.keys,
                })?;
                continue;
            }
            map.next_value::<IgnoredAny>()?;
            let message = if ARRAY_KEYS.contains(&key.as_ref()) {
                crate::t!("data.json.second_array", key = crate::i18n::quote(&key))
            } else {
                crate::t!("data.json.unexpected_key", key = crate::i18n::quote(&key))
            };
            let help = crate::t!("data.json.one_array_help");
            self.b
                .error(DataError::file(self.b.file(), message).with_help(help));
        }
        Ok(())
    }
}

/// The array of towns under `towns`.
struct Array<'a, 'v, 'm> {
    b: &'a mut Builder<'v, 'm>,
    keys: &'a mut Keys,
}

impl<'de> DeserializeSeed<'de> for Array<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Array<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of town objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        read_towns(self.b, self.keys, seq)
    }
}

/// The deepest nesting of arrays and objects accepted: town data needs three levels
/// (`{"towns": [{…}]}`); anything much deeper is not town data.
const MAX_DEPTH: usize = 64;

/// The 1-based line where `text` nests arrays and objects deeper than [`MAX_DEPTH`],
/// if it does (brackets inside strings do not count). One pass, no recursion.
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut line) = (0usize, 1usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in text.as_bytes() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(line);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A JSON number written with a fraction of zeros only (`100.0`, `-3.00`): its whole part,
/// so that a count exported as a float reads as the whole number it is.
fn whole_number(raw: &str) -> Option<&str> {
    let (int, frac) = raw.split_once('.')?;
    let digits = int.strip_prefix('-').unwrap_or(int);
    let ok = !digits.is_empty()
        && digits.bytes().all(|c| c.is_ascii_digit())
        && !frac.is_empty()
        && frac.bytes().all(|c| c == b'0');
    ok.then_some(int)
}

/// Read each element of an array of towns as it is parsed.
fn read_towns<'de, A: SeqAccess<'de>>(
    b: &mut Builder<'_, '_>,
    keys: &mut Keys,
    mut seq: A,
) -> Result<(), A::Error> {
    if let Some(n) = seq.size_hint() {
        b.reserve(n);
    }
    let mut n = 0;
    let mut fields: Vec<(Cow<'de, str>, Value<'de>)> = Vec::new();
    while let Some(raw) = seq.next_element::<&'de RawValue>()? {
        n += 1;
        if b.full() {
            continue;
        }
        let text = raw.get().trim();
        if !text.starts_with('{') {
            b.begin_row(n);
            let message = crate::t!("data.json.not_object", found = shorten(text));
            let e = b.row_error(
                None,
                None,
                message,
                Some(crate::t!("data.json.not_object_help")),
            );
            b.error(e);
            continue;
        }
        fields.clear();
        let mut de = serde_json::Deserializer::from_str(text);
        de.deserialize_map(Fields(&mut fields))
            .map_err(de::Error::custom)?;
        keys.town(b, n, &fields);
    }
    Ok(())
}

/// At most 40 characters of `text`, for messages.
fn shorten(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(40) {
        Some((i, _)) => Cow::Owned(format!("{}…", &text[..i])),
        None => Cow::Borrowed(text),
    }
}

/// Collects one town object's fields, borrowing from the input where possible.
struct Fields<'f, 'de>(&'f mut Vec<(Cow<'de, str>, Value<'de>)>);

impl<'de> Visitor<'de> for Fields<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of facts")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let raw: &'de RawValue = map.next_value()?;
            self.0.push((key.0, cell(raw.get().trim())));
        }
        Ok(())
    }
}

/// A JSON value as cell text: strings unescaped, numbers as written.
fn cell<'de>(raw: &'de str) -> Value<'de> {
    match raw.as_bytes().first() {
        Some(b'"') => match serde_json::from_str::<Key<'de>>(raw) {
            Ok(s) => Value::Text(s.0),
            Err(e) => Value::Bad(crate::t!("data.json.bad_string", error = e)),
        },
        Some(b'n') => Value::Missing,
        Some(b't') => Value::Text(Cow::Borrowed("true")),
        Some(b'f') => Value::Text(Cow::Borrowed("false")),
        Some(b'[') => Value::Bad(crate::t!("data.json.array_value")),
        Some(b'{') => Value::Bad(crate::t!("data.json.object_value")),
        _ => Value::Text(Cow::Borrowed(whole_number(raw).unwrap_or(raw))),
    }
}

/// A string that borrows from the input unless it has escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_without_recursion_and_outside_strings() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(too_deep(&deep), Some(1));
        assert_eq!(too_deep("{\"towns\": [{\"id\": \"[[[[\"}]}"), None);
        let nested = format!("[\n{}", "{\"a\":".repeat(MAX_DEPTH));
        assert_eq!(too_deep(&nested), Some(2));
    }

    #[test]
    fn floats_with_zero_fractions_are_whole() {
        assert_eq!(whole_number("100.0"), Some("100"));
        assert_eq!(whole_number("-3.00"), Some("-3"));
        assert_eq!(whole_number("100.5"), None);
        assert_eq!(whole_number("1e2"), None);
        assert_eq!(whole_number(".0"), None);
        assert_eq!(whole_number("100."), None);
    }
}
