//! Matching column names (CSV headers, TOML/JSON keys) to facts and category
//! cells to members of a category set.

use std::collections::HashMap;

use crate::check::{Checked, Kind};
use crate::suggest::did_you_mean;
use crate::units::{measure_word, normalize, MoneyUnit};

use super::{DataError, RowUnit};

/// How the cells of one fact are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Parse {
    /// Money; bare numbers are in this unit.
    Money(MoneyUnit),
    /// Percentage points.
    Percent,
    /// A plain decimal number.
    Number,
    /// A whole count of what this measure word counts (any, without one).
    Count(Option<&'static str>),
    /// Yes/no.
    Bool,
    /// A member of the category set with this index.
    Cat(usize),
    /// Trimmed text.
    Text,
}

/// The vocabulary prepared for reading data: name lookups built once per file.
pub(super) struct Vocab<'m> {
    /// The checked model the data is read against.
    pub model: &'m Checked,
    /// How each fact's cells are read.
    pub parsers: Vec<Parse>,
    /// The `id` fact.
    pub id: usize,
    /// The `name` fact, if the vocabulary has one.
    pub name: Option<usize>,
    /// Folded column name → fact.
    names: HashMap<String, usize>,
    /// Folded names of another rule set's facts that this vocabulary lacks: their
    /// columns are skipped, not errors (reading one file for two rule sets).
    others: std::collections::HashSet<String>,
    /// Per category set: spellings as written and folded → member index.
    cats: Vec<HashMap<String, u16>>,
    /// Per category set: the spellings that [`normalize`] leaves as they are, with the
    /// member `cats` gives them (a quick exact match before the general lookup).
    exact: Vec<Vec<(String, u16)>>,
}

/// A column or category name in comparable form: [`normalize`]d (full-width
/// digits and punctuation folded, trimmed), a byte-order mark dropped, full-width
/// parentheses made half-width and ASCII letters lowercased.
pub(super) fn fold_name(text: &str) -> String {
    let text = text.trim_start_matches('\u{FEFF}');
    normalize(text)
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

impl<'m> Vocab<'m> {
    /// Prepare the lookups for `model`; fails when the vocabulary has no `id` fact
    /// or a category set too large for a [`super::Column::Cat`].
    pub fn new(model: &'m Checked) -> Result<Self, String> {
        let mut names = HashMap::new();
        for (i, fact) in model.facts.iter().enumerate() {
            let spellings = [&fact.id, &fact.label].into_iter().chain(&fact.aliases);
            for s in spellings {
                names.entry(fold_name(s)).or_insert(i);
            }
        }
        let mut cats = Vec::with_capacity(model.categories.len());
        for set in &model.categories {
            let mut map = HashMap::new();
            for (m, member) in set.members.iter().enumerate() {
                let Ok(m) = u16::try_from(m) else {
                    return Err(crate::t!("data.header.too_many_members", set = set.id));
                };
                let spellings = [&member.id, &member.label]
                    .into_iter()
                    .chain(&member.aliases);
                for s in spellings {
                    map.entry(s.trim().to_string()).or_insert(m);
                    map.entry(fold_name(s)).or_insert(m);
                }
            }
            cats.push(map);
        }
        let exact = cats
            .iter()
            .map(|map| {
                let mut v: Vec<(String, u16)> = map
                    .iter()
                    .filter(|(s, _)| !s.is_empty() && normalize(s) == s.as_str())
                    .map(|(s, &m)| (s.clone(), m))
                    .collect();
                v.sort();
                v
            })
            .collect();
        let parsers = model
            .facts
            .iter()
            .map(|f| match f.kind {
                Kind::Money => Parse::Money(f.money_unit),
                Kind::Percent => Parse::Percent,
                Kind::Number | Kind::Ratio | Kind::Points | Kind::PerUnit => Parse::Number,
                Kind::Count => Parse::Count(f.measure.as_deref().and_then(measure_word)),
                Kind::Bool => Parse::Bool,
                Kind::Category(set) => Parse::Cat(set),
                Kind::Text => Parse::Text,
            })
            .collect();
        let find = |id: &str| model.facts.iter().position(|f| f.id == id);
        let Some(id) = find("id") else {
            return Err(crate::t!("data.header.no_id_fact"));
        };
        Ok(Vocab {
            model,
            parsers,
            id,
            name: find("name"),
            names,
            others: std::collections::HashSet::new(),
            cats,
            exact,
        })
    }

    /// The number of facts.
    pub fn len(&self) -> usize {
        self.parsers.len()
    }

    /// The fact a column name (id, Chinese label or alias) stands for.
    pub fn resolve(&self, column: &str) -> Option<usize> {
        self.names.get(&fold_name(column)).copied().or_else(|| {
            // A percentage fact's name with its convention: `市场占有率（比例）`.
            let (base, _) = super::percent::convention(column)?;
            let f = *self.names.get(&fold_name(base))?;
            (self.parsers.get(f) == Some(&Parse::Percent)).then_some(f)
        })
    }

    /// Also accept (and skip) the columns of `other`'s facts that this vocabulary lacks.
    pub fn with_other(mut self, other: &Checked) -> Self {
        for fact in &other.facts {
            let spellings: Vec<String> = [&fact.id, &fact.label]
                .into_iter()
                .chain(&fact.aliases)
                .map(|s| fold_name(s))
                .collect();
            if spellings.iter().all(|s| !self.names.contains_key(s)) {
                self.others.extend(spellings);
            }
        }
        self
    }

    /// Whether `column` is one of the other rule set's facts (see [`Vocab::with_other`]).
    pub fn is_other(&self, column: &str) -> bool {
        !self.others.is_empty() && self.others.contains(&fold_name(column))
    }

    /// Whether a column names a yearly fact in a year the rules do not read
    /// (`output_value@2021`, `年产值（2021年）`): such a column is left unread, not refused.
    pub fn other_year(&self, column: &str) -> bool {
        crate::check::is_year_column(self.model, &fold_name(column), fold_name)
    }

    /// The member of category set `set` a cell names (id, label or alias), or `None`.
    pub fn member(&self, set: usize, text: &str) -> Option<u16> {
        let map = self.cats.get(set)?;
        let t = normalize(text);
        match map.get(t.as_ref()) {
            Some(m) => Some(*m),
            None => map.get(&fold_name(&t)).copied(),
        }
    }

    /// The member a trimmed cell names when it is exactly one of the spellings (no
    /// folding needed); the same answer as [`Vocab::member`] when it is `Some`.
    #[inline]
    pub fn member_exact(&self, set: usize, text: &str) -> Option<u16> {
        self.exact
            .get(set)?
            .iter()
            .find(|(s, _)| s == text)
            .map(|&(_, m)| m)
    }

    /// [`Vocab::member_exact`] for a cell's raw bytes.
    #[inline]
    pub fn member_exact_bytes(&self, set: usize, raw: &[u8]) -> Option<u16> {
        self.exact
            .get(set)?
            .iter()
            .find(|(s, _)| s.as_bytes() == raw)
            .map(|&(_, m)| m)
    }

    /// The accepted spellings of category set `set`, for messages:
    /// `` `manufacturing` (制造业), … ``.
    pub fn accepted(&self, set: usize) -> String {
        let Some(set) = self.model.categories.get(set) else {
            return String::new();
        };
        let members: Vec<String> = set
            .members
            .iter()
            .map(|m| crate::t!("data.described", id = m.id, label = m.label))
            .collect();
        members.join(&crate::t!("data.list_sep"))
    }

    /// A readable name of fact `f` for messages: `` `output_value` (特色主导产业年产值) ``.
    pub fn describe(&self, f: usize) -> String {
        match self.model.facts.get(f) {
            Some(fact) if fact.label.is_empty() => format!("`{}`", fact.id),
            Some(fact) => crate::t!("data.described", id = fact.id, label = fact.label),
            None => String::new(),
        }
    }

    /// The error for a column that names no fact, with a "did you mean".
    pub fn unknown_column(&self, file: &str, column: &str, row: usize, unit: RowUnit) -> DataError {
        let written = column.trim().trim_start_matches('\u{FEFF}');
        let candidates = self.model.facts.iter().flat_map(|f| {
            [f.id.as_str(), f.label.as_str()]
                .into_iter()
                .chain(f.aliases.iter().map(String::as_str))
        });
        let help = if written.contains(['\t', ';']) && unit == RowUnit::Line {
            crate::t!("data.header.separator_help")
        } else {
            match did_you_mean(written, candidates) {
                Some(s) => crate::t!("data.did_you_mean", name = s),
                None => crate::t!("data.header.unknown_column_help"),
            }
        };
        DataError {
            file: file.to_string(),
            row: Some(row),
            column: Some(written.to_string()),
            cell: None,
            message: crate::t!(
                "data.header.unknown_column",
                column = crate::i18n::quote(written)
            ),
            help: Some(help),
            unit,
            sheet: None,
        }
    }

    /// The error for a column naming a yearly fact without a year (`年度产值`): its values
    /// are one column per year.
    pub fn yearly_without_year(
        &self,
        file: &str,
        column: &str,
        f: usize,
        row: usize,
        unit: RowUnit,
    ) -> DataError {
        let id = self.model.facts.get(f).map_or("", |x| x.id.as_str());
        DataError {
            file: file.to_string(),
            row: Some(row),
            column: Some(column.trim().to_string()),
            cell: None,
            message: crate::t!(
                "data.header.yearly",
                column = crate::i18n::quote(column.trim()),
                fact = self.describe(f)
            ),
            help: Some(crate::t!(
                "data.header.yearly_help",
                id = id,
                column = crate::i18n::quote(column.trim())
            )),
            unit,
            sheet: None,
        }
    }

    /// Whether fact `f` is a yearly fact (read only by year).
    pub fn is_yearly(&self, f: usize) -> bool {
        self.model.facts.get(f).is_some_and(|x| x.yearly)
    }

    /// The error for a second column naming fact `f`.
    pub fn duplicate_column(
        &self,
        file: &str,
        column: &str,
        first: &str,
        f: usize,
        row: usize,
        unit: RowUnit,
    ) -> DataError {
        DataError {
            file: file.to_string(),
            row: Some(row),
            column: Some(column.to_string()),
            cell: None,
            message: crate::t!(
                "data.header.duplicate_column",
                first = crate::i18n::quote(first),
                column = crate::i18n::quote(column),
                fact = self.describe(f)
            ),
            help: Some(crate::t!("data.header.duplicate_column_help")),
            unit,
            sheet: None,
        }
    }

    /// The error for a file without an `id` column.
    pub fn missing_id(&self, file: &str, row: Option<usize>, unit: RowUnit) -> DataError {
        DataError {
            file: file.to_string(),
            row,
            column: None,
            cell: None,
            message: crate::t!("data.header.no_id_column", fact = self.describe(self.id)),
            help: Some(crate::t!("data.header.no_id_column_help")),
            unit,
            sheet: None,
        }
    }
}
