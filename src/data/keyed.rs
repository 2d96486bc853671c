//! Towns given as key/value tables (TOML tables, JSON objects): keys are column
//! names, matched to facts once per distinct key.

use std::borrow::Cow;
use std::collections::HashMap;

use super::cell::Builder;
use super::RowUnit;

/// One value of a town table, turned into cell text.
pub(super) enum Value<'a> {
    /// The cell's text: a string as written, a number's literal text, `true`/`false`.
    Text(Cow<'a, str>),
    /// No value (JSON `null`).
    Missing,
    /// A value that cannot be a cell (array, table, date …): what is wrong.
    Bad(String),
}

/// Key → fact lookups shared by all towns of a file.
pub(super) struct Keys {
    /// Key as written → fact (`None`: unknown, already reported).
    cache: HashMap<String, Option<usize>>,
    /// For the current town, fact → index of its field.
    slot: Vec<Option<usize>>,
}

impl Keys {
    /// Lookups for a vocabulary of `facts` facts.
    pub fn new(facts: usize) -> Self {
        Keys {
            cache: HashMap::new(),
            slot: vec![None; facts],
        }
    }

    /// Read town number `town` (1-based) given as `(key, value)` fields.
    pub fn town(
        &mut self,
        b: &mut Builder<'_, '_>,
        town: usize,
        fields: &[(Cow<'_, str>, Value<'_>)],
    ) {
        let vocab = b.vocab();
        b.begin_row(town);
        self.slot.iter_mut().for_each(|s| *s = None);
        for (j, (key, _)) in fields.iter().enumerate() {
            let fact = match self.cache.get(key.as_ref()) {
                Some(f) => *f,
                None => {
                    let mut f = vocab.resolve(key);
                    if let Some(y) = f.filter(|&y| vocab.is_yearly(y)) {
                        // Reported once, for the first town; the column is then left unread.
                        b.error(vocab.yearly_without_year(b.file(), key, y, town, RowUnit::Town));
                        f = None;
                    } else if f.is_none() && !vocab.other_year(key) && !vocab.is_other(key) {
                        b.error(vocab.unknown_column(b.file(), key, town, RowUnit::Town));
                    }
                    self.cache.insert(key.to_string(), f);
                    f
                }
            };
            let Some(f) = fact else { continue };
            if let Some(first) = self.slot[f] {
                let first = fields[first].0.as_ref();
                b.error(vocab.duplicate_column(b.file(), key, first, f, town, RowUnit::Town));
                continue;
            }
            self.slot[f] = Some(j);
            b.set_present(f);
            if f == vocab.id && b.id_column.is_none() {
                b.id_column = Some(key.to_string());
            }
        }
        for (j, (key, value)) in fields.iter().enumerate() {
            let Some(f) = self.cache.get(key.as_ref()).copied().flatten() else {
                continue;
            };
            if self.slot[f] != Some(j) {
                continue; // a second column for the fact (reported)
            }
            match value {
                Value::Text(text) => b.cell(f, Some(text), key),
                Value::Missing => b.cell(f, None, key),
                Value::Bad(message) => {
                    b.cell(f, None, key);
                    let e = b.row_error(Some(key), None, message.clone(), None);
                    b.error(e);
                }
            }
        }
        for f in 0..self.slot.len() {
            if self.slot[f].is_none() {
                b.cell(f, None, "");
            }
        }
        b.end_row();
    }
}
