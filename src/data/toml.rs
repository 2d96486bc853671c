//! TOML town data: an array of tables `[[town]]` (or `[[towns]]`), one per town,
//! keys naming facts.
//!
//! Numbers are read from their literal text in the file (never through a float),
//! so `19.9999999` stays exactly 19.9999999亿元.

use std::borrow::Cow;

use toml_edit::{ImDocument, Item, Table, Value as TomlValue};

mod reason;

use super::cell::Builder;
use super::header::Vocab;
use super::keyed::{Keys, Value};
use super::{DataError, Loaded, RowUnit};

/// The accepted names of the array of towns.
const ARRAY_KEYS: [&str; 2] = ["town", "towns"];

/// Read TOML text into towns.
pub(super) fn read(name: &str, text: &str, vocab: &Vocab<'_>) -> Result<Loaded, Vec<DataError>> {
    let doc = match ImDocument::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            let mut err = DataError::file(
                name,
                crate::t!(
                    "data.toml.invalid",
                    error = reason::syntax_error(e.message())
                ),
            );
            err.row = line;
            return Err(vec![err]);
        }
    };
    let raw = doc.raw();
    let mut b = Builder::new(vocab, name, RowUnit::Town, 0);
    let mut keys = Keys::new(vocab.len());
    let mut found = None;
    for (key, item) in doc.as_table().iter() {
        if !ARRAY_KEYS.contains(&key) {
            let help = match crate::suggest::did_you_mean(key, ARRAY_KEYS) {
                Some(s) => crate::t!("data.toml.did_you_mean", name = s),
                None => crate::t!("data.toml.table_help"),
            };
            let message = crate::t!("data.toml.unexpected_key", key = crate::i18n::quote(key));
            b.error(DataError::file(name, message).with_help(help));
            continue;
        }
        if let Some(first) = found.replace(key) {
            let message = crate::t!(
                "data.toml.two_arrays",
                first = first,
                key = crate::i18n::quote(key)
            );
            b.error(
                DataError::file(name, message).with_help(crate::t!("data.toml.one_array_help")),
            );
            continue;
        }
        let mut n = 0;
        let mut town =
            |b: &mut Builder<'_, '_>, fields: Result<Vec<(Cow<'_, str>, Value<'_>)>, String>| {
                n += 1;
                match fields {
                    Ok(fields) => keys.town(b, n, &fields),
                    Err(message) => {
                        b.begin_row(n);
                        let e = b.row_error(
                            None,
                            None,
                            message,
                            Some(crate::t!("data.toml.table_help")),
                        );
                        b.error(e);
                    }
                }
            };
        match item {
            Item::ArrayOfTables(array) => {
                b.reserve(array.len());
                for table in array.iter() {
                    if b.full() {
                        break;
                    }
                    town(&mut b, Ok(table_fields(table, raw)));
                }
            }
            Item::Value(TomlValue::Array(array)) => {
                b.reserve(array.len());
                for value in array.iter() {
                    if b.full() {
                        break;
                    }
                    let fields = match value {
                        TomlValue::InlineTable(t) => Ok(t
                            .iter()
                            .map(|(k, v)| (Cow::Borrowed(k), value_text(v, raw)))
                            .collect()),
                        other => Err(crate::t!(
                            "data.toml.not_table",
                            found = type_word(other.type_name())
                        )),
                    };
                    town(&mut b, fields);
                }
            }
            other => {
                let message = crate::t!(
                    "data.toml.not_array",
                    key = crate::i18n::quote(key),
                    found = type_word(other.type_name())
                );
                b.error(DataError::file(name, message));
            }
        }
    }
    if found.is_none() && !b.has_errors() {
        let message = crate::t!("data.toml.no_towns");
        let help = crate::t!("data.toml.no_towns_help");
        return Err(vec![DataError::file(name, message).with_help(help)]);
    }
    b.finish()
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    1 + text
        .as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count()
}

/// The fields of a `[[town]]` table.
fn table_fields<'a>(table: &'a Table, raw: &'a str) -> Vec<(Cow<'a, str>, Value<'a>)> {
    table
        .iter()
        .map(|(k, item)| {
            let value = match item {
                Item::Value(v) => value_text(v, raw),
                Item::None => Value::Missing,
                other => Value::Bad(crate::t!(
                    "data.toml.not_single",
                    found = type_word(other.type_name())
                )),
            };
            (Cow::Borrowed(k), value)
        })
        .collect()
}

/// A TOML value as cell text: strings as written, integers in decimal, floats by
/// their literal text (digit separators `_` dropped), booleans as `true`/`false`.
fn value_text<'a>(v: &'a TomlValue, raw: &'a str) -> Value<'a> {
    match v {
        TomlValue::String(s) => Value::Text(Cow::Borrowed(s.value().as_str())),
        TomlValue::Integer(i) => Value::Text(Cow::Owned(i.value().to_string())),
        TomlValue::Float(f) => {
            let literal = f
                .span()
                .and_then(|s| raw.get(s))
                .or_else(|| f.as_repr().and_then(|r| r.as_raw().as_str()));
            match literal {
                Some(t) if t.contains('_') => Value::Text(Cow::Owned(t.trim().replace('_', ""))),
                Some(t) => Value::Text(Cow::Borrowed(t.trim())),
                None => Value::Bad(crate::t!("data.toml.float_digits")),
            }
        }
        TomlValue::Boolean(b) => {
            Value::Text(Cow::Borrowed(if *b.value() { "true" } else { "false" }))
        }
        TomlValue::Datetime(_) => Value::Bad(crate::t!("data.toml.date_value")),
        other => Value::Bad(crate::t!(
            "data.toml.not_single",
            found = type_word(other.type_name())
        )),
    }
}

/// A TOML type's name (`array`, `inline table` …) in the language of messages.
fn type_word(name: &str) -> String {
    match name {
        "array" => crate::t!("data.toml.type.array"),
        "table" => crate::t!("data.toml.type.table"),
        "inline table" => crate::t!("data.toml.type.inline_table"),
        "array of tables" => crate::t!("data.toml.type.array_of_tables"),
        "string" => crate::t!("data.toml.type.string"),
        "integer" | "float" => crate::t!("data.toml.type.number"),
        "boolean" => crate::t!("data.toml.type.boolean"),
        "datetime" => crate::t!("data.toml.type.datetime"),
        other => other.to_string(),
    }
}
