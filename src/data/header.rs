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

/// A column name split into the name and the unit in parentheses at its end:
/// `特色主导产业年产值（亿元）` → (`特色主导产业年产值`, `亿元`).
pub(super) fn unit_suffix(column: &str) -> Option<(&str, &str)> {
    let c = column.trim();
    let (open, close) = if c.ends_with('）') {
        ('（', '）')
    } else if c.ends_with(')') {
        ('(', ')')
    } else {
        return None;
    };
    let inner = c.strip_suffix(close)?;
    let at = inner.rfind(open)?;
    let (base, unit) = (inner[..at].trim_end(), inner[at + open.len_utf8()..].trim());
    (!base.is_empty() && !unit.is_empty()).then_some((base, unit))
}

/// Whether a column's unit suits how its fact is read: a money unit for money, a
/// measure word of the same kind for a count, 是/否 for yes/no.
fn unit_fits(parse: Parse, unit: &str) -> bool {
    match parse {
        Parse::Money(_) => MoneyUnit::from_suffix(unit).is_some(),
        Parse::Count(measure) => match (measure_word(unit), measure) {
            (Some(w), Some(m)) => crate::units::measure_mismatch(w, m).is_none(),
            (Some(_), None) => true,
            (None, _) => false,
        },
        Parse::Bool => ["是/否", "是或否", "是／否"].contains(&unit),
        Parse::Percent | Parse::Number | Parse::Cat(_) | Parse::Text => false,
    }
}

/// The money unit a column's name gives its bare numbers (`年产值（万元）`: 万元), if any.
pub(super) fn money_unit_of(column: &str) -> Option<MoneyUnit> {
    unit_suffix(column).and_then(|(_, unit)| MoneyUnit::from_suffix(unit))
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

    /// The fact a column name (id, Chinese label or alias) stands for, also with its
    /// unit after it in parentheses as spreadsheets write it (`特色主导产业年产值（亿元）`,
    /// `上下游配套企业数（户）`, `主导产业限定在一个县域内（是/否）`) when the unit fits
    /// the fact; a percentage fact's name with its convention (`市场占有率（比例）`).
    pub fn resolve(&self, column: &str) -> Option<usize> {
        self.names.get(&fold_name(column)).copied().or_else(|| {
            if let Some((base, _)) = super::percent::convention(column) {
                let f = *self.names.get(&fold_name(base))?;
                return (self.parsers.get(f) == Some(&Parse::Percent)).then_some(f);
            }
            let (base, unit) = unit_suffix(column)?;
            let f = *self.names.get(&fold_name(base))?;
            unit_fits(*self.parsers.get(f)?, unit).then_some(f)
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
        let unit_of_fact = unit_suffix(written)
            .and_then(|(base, u)| Some((self.names.get(&fold_name(base)).copied()?, u)));
        let (message, help) = match unit_of_fact {
            // The fact's name with a unit that does not suit it: `龙头企业数（人）`.
            Some((f, u)) => (
                crate::t!(
                    "data.header.wrong_unit",
                    unit = crate::i18n::quote(u),
                    fact = self.describe(f)
                ),
                crate::t!("data.header.wrong_unit_help", units = self.units_for(f)),
            ),
            None => (
                crate::t!(
                    "data.header.unknown_column",
                    column = crate::i18n::quote(written)
                ),
                self.unknown_column_help(written, unit),
            ),
        };
        DataError {
            file: file.to_string(),
            row: Some(row),
            column: Some(written.to_string()),
            cell: None,
            message,
            help: Some(help),
            unit,
            sheet: None,
        }
    }

    /// The units a column of fact `f` may name after it, for messages: `（亿元）`、`（万元）`、`（元）`.
    fn units_for(&self, f: usize) -> String {
        let units: Vec<String> = match self.parsers.get(f) {
            Some(Parse::Money(_)) => vec!["亿元".into(), "万元".into(), "元".into()],
            Some(Parse::Count(Some(m))) => crate::units::MEASURE_KINDS
                .iter()
                .filter(|(_, ws)| ws.contains(m))
                .flat_map(|(_, ws)| ws.iter().map(|w| w.to_string()))
                .collect(),
            Some(Parse::Count(None)) => crate::units::COUNT_UNITS
                .iter()
                .map(|w| w.to_string())
                .collect(),
            Some(Parse::Percent) => vec!["%".into(), "比例".into()],
            Some(Parse::Bool) => vec!["是/否".into()],
            Some(Parse::Number | Parse::Cat(_) | Parse::Text) | None => Vec::new(),
        };
        match units.is_empty() {
            true => crate::t!("data.header.no_unit"),
            false => units
                .iter()
                .map(|u| format!("`（{u}）`"))
                .collect::<Vec<_>>()
                .join(&crate::t!("data.list_sep")),
        }
    }

    /// The help for a column that names no fact: a separator hint, or the closest name.
    fn unknown_column_help(&self, written: &str, unit: RowUnit) -> String {
        let candidates = self.model.facts.iter().flat_map(|f| {
            [f.id.as_str(), f.label.as_str()]
                .into_iter()
                .chain(f.aliases.iter().map(String::as_str))
        });
        if written.contains(['\t', ';']) && unit == RowUnit::Line {
            crate::t!("data.header.separator_help")
        } else {
            match did_you_mean(written, candidates) {
                Some(s) => crate::t!("data.did_you_mean", name = s),
                None => crate::t!("data.header.unknown_column_help"),
            }
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
