//! Conditions as a policy officer reads them: the text of a condition with every
//! fact, parameter, table and category member named by its Chinese label, and the
//! words `and`, `or`, `not`, `in` in Chinese (text output only; JSON keeps the ids).

use std::collections::HashMap;

use super::params::{param_labels, table_labels};
use crate::compile::RuleSet;

/// The Chinese names of one or more rule sets (the first that names an id wins).
pub(super) struct Vocab {
    names: HashMap<String, String>,
    tables: HashMap<String, String>,
}

impl Vocab {
    /// The vocabulary of `sides`, earlier sides first.
    pub(super) fn new(sides: &[&RuleSet]) -> Vocab {
        let mut names = HashMap::new();
        let mut tables = HashMap::new();
        for rs in sides {
            for f in &rs.facts {
                for id in std::iter::once(&f.id).chain(&f.aliases) {
                    names.entry(id.clone()).or_insert_with(|| f.label.clone());
                }
            }
            for (name, label) in param_labels(rs) {
                names.entry(name).or_insert(label);
            }
            for (name, label) in table_labels(rs) {
                tables.entry(name).or_insert(label);
            }
            for m in rs.categories.iter().flat_map(|c| &c.members) {
                names.entry(m.id.clone()).or_insert_with(|| m.label.clone());
            }
        }
        Vocab { names, tables }
    }

    fn word(&self, w: &str) -> String {
        if let Some(k) = crate::compile::keyword_words(w) {
            return k.to_string();
        }
        if let Some(t) = self.tables.get(w) {
            return format!("{t}所列类别");
        }
        self.names.get(w).cloned().unwrap_or_else(|| w.to_string())
    }

    /// `text` (a condition as written, or a line that contains conditions) with the
    /// names in Chinese. Quoted strings and numbers are kept as written.
    pub(super) fn text(&self, text: &str) -> String {
        let cs: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < cs.len() {
            let c = cs[i];
            if c.is_ascii_alphabetic() || c == '_' {
                let start = i;
                while i < cs.len()
                    && (cs[i].is_ascii_alphanumeric()
                        || cs[i] == '_'
                        || (cs[i] == '.' && cs.get(i + 1).is_some_and(|x| x.is_ascii_alphabetic())))
                {
                    i += 1;
                }
                let w: String = cs[start..i].iter().collect();
                match (self.tables.get(&w), cs.get(i)) {
                    (Some(t), Some('[')) => {
                        let end = cs[i..].iter().position(|x| *x == ']').map(|p| i + p);
                        let key: String = cs[i + 1..end.unwrap_or(cs.len())].iter().collect();
                        out.push_str(&format!("{t}（按{}）", self.text(key.trim())));
                        i = end.map_or(cs.len(), |e| e + 1);
                    }
                    _ => out.push_str(&self.word(&w)),
                }
            } else if c.is_ascii_digit() {
                while i < cs.len() && (cs[i].is_ascii_alphanumeric() || cs[i] == '.') {
                    out.push(cs[i]);
                    i += 1;
                }
            } else if c == '"' {
                let end = cs[i + 1..].iter().position(|x| *x == '"');
                let stop = end.map_or(cs.len(), |e| i + 1 + e + 1);
                out.extend(&cs[i..stop]);
                i = stop;
            } else {
                let two: String = cs[i..(i + 2).min(cs.len())].iter().collect();
                let op = match two.as_str() {
                    ">=" => Some("≥"),
                    "<=" => Some("≤"),
                    "!=" => Some("≠"),
                    "==" => Some("="),
                    _ => None,
                };
                match op {
                    Some(o) => {
                        out.push_str(o);
                        i += 2;
                    }
                    None => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
        }
        out
    }
}
