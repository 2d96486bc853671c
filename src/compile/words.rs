//! A requirement without a label, said in words: the condition as written, with each
//! fact named by its label, each parameter by its value in force (a what-if marked), a
//! table lookup as the threshold of the town's category, and `and`/`or`/`not` in
//! Chinese (`特色主导产业年产值 >= 20亿元 且 龙头企业数 >= 1家`). A reply never shows an
//! internal name.

use super::program::{Requirement, RuleSet};

impl Requirement {
    /// The requirement as people read it: its label ([`Requirement::label_text`]), else
    /// its condition in words.
    pub fn title(&self, rs: &RuleSet) -> String {
        self.label_text(rs)
            .unwrap_or_else(|| rs.condition_words(&self.cond.text))
    }
}

impl RuleSet {
    /// Condition `text` (as written in a rule file) with its names in words.
    pub fn condition_words(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if !(c.is_ascii_alphabetic() || c == '_') {
                out.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            }
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            // `min_output[category]`: the table's entry for the town's category.
            let lookup = after.starts_with('[') && self.tables.iter().any(|t| t.name == word);
            rest = match lookup {
                true => after.find(']').map_or("", |i| &after[i + 1..]),
                false => after,
            };
            out.push_str(&self.word(word, lookup));
        }
        out
    }

    /// One name of a condition in words.
    fn word(&self, word: &str, lookup: bool) -> String {
        if let Some(k) = keyword_words(word) {
            return k.to_string();
        }
        if let Some(f) = self.fact_index(word) {
            return self.facts[f].label.clone();
        }
        if lookup {
            return self
                .tables
                .iter()
                .find(|t| t.name == word)
                .and_then(|t| {
                    let p = *t.entries.iter().flatten().next()?;
                    let subject = &self.facts[self.compared_fact(p)?].label;
                    Some(format!(
                        "{subject}门槛（按{}）",
                        self.facts[t.by_fact].label
                    ))
                })
                .unwrap_or_else(|| word.to_string());
        }
        match self
            .param_index(word)
            .and_then(|p| self.params[p].current())
        {
            Some(v) if v.is_what_if() => {
                format!("{}（假设值）", v.written.as_deref().unwrap_or(word))
            }
            Some(v) => v.written.clone().unwrap_or_else(|| word.to_string()),
            None => word.to_string(),
        }
    }
}

/// A keyword of the rule language in Chinese words (`and` → 且, `within` → 按), for
/// conditions shown to people; `None` for any other word.
pub fn keyword_words(word: &str) -> Option<&'static str> {
    match word {
        "and" => Some("且"),
        "or" => Some("或"),
        "not" => Some("非"),
        "in" => Some("属于"),
        "true" => Some("是"),
        "false" => Some("否"),
        "within" => Some("按"),
        _ => None,
    }
}
