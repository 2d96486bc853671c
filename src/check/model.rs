//! The checked model: symbol tables of one rule set after imports and extends.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::source::Source;
use crate::syntax::ast::{CriterionDecl, File, Span};
use crate::units::MoneyUnit;

/// Index of a loaded file in [`Checked::units`].
pub type FileId = usize;

/// One loaded rule file.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Its text.
    pub source: Source,
    /// Its syntax tree.
    pub ast: File,
    /// Files it imports (vocabulary and parameters).
    pub imports: Vec<FileId>,
    /// The rule set it builds on, if any.
    pub extends: Option<FileId>,
}

/// What kind of quantity a fact, parameter or expression is; units are checked by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An amount of money (元/万元/亿元), held in 元.
    Money,
    /// A whole count (enterprises, people, standards …).
    Count,
    /// A dimensionless number written without unit.
    Number,
    /// A percentage, held in percentage points.
    Percent,
    /// Yes/no (including expert attestations).
    Bool,
    /// A member of the category set with this index.
    Category(usize),
    /// Free text (ids, names, notes); not usable in conditions.
    Text,
    /// A plain ratio of two quantities of the same kind (`jobs / labour`), held as a
    /// ratio (0.25); shown and compared as a percentage (`25%`).
    Ratio,
    /// A difference of two shares, in percentage points (个百分点), held in points.
    Points,
    /// Money per counted unit (人均: money ÷ a count), held in 元 per unit.
    PerUnit,
}

impl Kind {
    /// Whether the kind is numeric.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Kind::Money
                | Kind::Count
                | Kind::Number
                | Kind::Percent
                | Kind::Ratio
                | Kind::Points
                | Kind::PerUnit
        )
    }

    /// Whether values of the two kinds can be compared or added.
    pub fn compatible(self, other: Kind) -> bool {
        self == other
            || matches!(
                (self, other),
                (Kind::Count, Kind::Number) | (Kind::Number, Kind::Count)
            )
    }

    /// The kind in words, for messages.
    pub fn describe(self) -> String {
        match self {
            Kind::Money => crate::t!("kind.money"),
            Kind::Count => crate::t!("kind.count"),
            Kind::Number => crate::t!("kind.number"),
            Kind::Percent => crate::t!("kind.percent"),
            Kind::Bool => crate::t!("kind.yes_no"),
            Kind::Category(_) => crate::t!("kind.category"),
            Kind::Text => crate::t!("kind.text"),
            Kind::Ratio => crate::t!("kind.ratio"),
            Kind::Points => crate::t!("kind.points"),
            Kind::PerUnit => crate::t!("kind.per_unit"),
        }
    }
}

/// A constant value after units are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Const {
    /// Money in 元, a count, a plain number or percentage points.
    Num(Decimal),
    /// Yes or no.
    Bool(bool),
    /// A category member by index.
    Member(u16),
}

/// Where a value comes from: which rule set, level, document and clause set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The rule set id (or file name for a file without header).
    pub ruleset: String,
    /// `province`, `city`, `county` (or empty).
    pub level: String,
    /// The issuing document number, e.g. `晋政办发〔2022〕80号`.
    pub document: String,
    /// The clause, e.g. `二（四）`.
    pub clause: Option<String>,
    /// The document's words.
    pub quote: Option<String>,
    /// A note (background; not printed as the document's words).
    pub note: Option<String>,
    /// This rule set's reading, when the document does not state the value itself
    /// (`interpretation "…"`): the value is then shown as 本规则集的理解, never as the
    /// clause's.
    pub interpretation: Option<String>,
    /// A what-if value kept in the file (`what_if "由 10家 改为 8家（…）"`, written by the
    /// REPL's `save`): the value is then shown as 假设值, never as the clause's.
    pub what_if: Option<String>,
    /// `file:line` of the declaration.
    pub at: String,
}

/// One value a parameter has had along the chain of rule sets (or from `--set`).
#[derive(Debug, Clone)]
pub struct ParamValue {
    /// The value; `None` for a draft parameter the document gives no value for.
    pub value: Option<Const>,
    /// The literal as written, e.g. `5000万元`.
    pub written: Option<String>,
    /// The money unit it was written in (used for display).
    pub unit: Option<MoneyUnit>,
    /// Who set it.
    pub provenance: Provenance,
    /// The file it was written in.
    pub file: FileId,
    /// The span of the literal (or of the name, when there is no value).
    pub span: Span,
    /// `from DATE` (`YYYY-MM-DD`): the value is in force from that date; `None`: always
    /// (an undated value replaces every value before it).
    pub from: Option<String>,
}

/// A named parameter (threshold).
#[derive(Debug, Clone)]
pub struct ParamInfo {
    /// Dotted name, e.g. `min_output.manufacturing`.
    pub name: String,
    /// Kind.
    pub kind: Kind,
    /// Values in order of setting. Without dates the last is in force and earlier ones
    /// were replaced; with dates, see [`ParamInfo::effective`].
    pub history: Vec<ParamValue>,
    /// The table and member index, for a table entry.
    pub table: Option<(usize, usize)>,
    /// For a count, the measure word of what it counts (`人`), as declared or as
    /// first written; values with a measure word of another kind are refused.
    pub measure: Option<String>,
    /// The date (`YYYY-MM-DD`) dated values are read at (`eval --date`, else the rule
    /// set's own date); `None`: every dated value counts as in force.
    pub as_of: Option<String>,
}

impl ParamValue {
    /// Whether this value is a what-if: set after the rule files were read (`--set`, the
    /// REPL's `set`) or saved in a file as one (`what_if "…"`).
    pub fn is_what_if(&self) -> bool {
        self.file == usize::MAX || self.provenance.what_if.is_some()
    }
}

impl ParamInfo {
    /// The value in force at [`ParamInfo::as_of`]; `None` when the date is before every
    /// dated value (the parameter has no value then).
    pub fn current(&self) -> Option<&ParamValue> {
        if !self.is_dated() {
            return self.history.last();
        }
        self.effective().last().copied()
    }

    /// The values as of [`ParamInfo::as_of`], the one in force last: an undated value
    /// replaces everything before it; after the last undated value, the dated values in
    /// force at the date follow it in order of date (the latest date is in force; of two
    /// values of one date, the one set later).
    pub fn effective(&self) -> Vec<&ParamValue> {
        let start = self
            .history
            .iter()
            .rposition(|v| v.from.is_none())
            .unwrap_or(0);
        let in_force = |v: &&ParamValue| match (&v.from, &self.as_of) {
            (Some(f), Some(d)) => f <= d,
            (None, _) | (_, None) => true,
        };
        let mut out: Vec<&ParamValue> = self.history[..start].iter().filter(in_force).collect();
        let mut tail: Vec<&ParamValue> = self.history[start..].iter().filter(in_force).collect();
        tail.sort_by(|a, b| a.from.cmp(&b.from));
        out.extend(tail);
        if out.is_empty() {
            return out;
        }
        // Dated values none of which is in force yet: no value at this date, even when an
        // earlier rule set's value was replaced.
        if self.history[start].from.is_some() && !self.history[start..].iter().any(|v| in_force(&v))
        {
            return Vec::new();
        }
        out
    }

    /// The next dated value after [`ParamInfo::as_of`] (one that will replace the value in
    /// force), if any.
    pub fn next_version(&self) -> Option<&ParamValue> {
        let d = self.as_of.as_ref()?;
        let start = self
            .history
            .iter()
            .rposition(|v| v.from.is_none())
            .unwrap_or(0);
        self.history[start..]
            .iter()
            .filter(|v| v.from.as_ref().is_some_and(|f| f > d))
            .min_by(|a, b| a.from.cmp(&b.from))
    }

    /// Whether some value of the parameter has a date.
    pub fn is_dated(&self) -> bool {
        self.history.iter().any(|v| v.from.is_some())
    }

    /// The earliest dated value not yet in force at [`ParamInfo::as_of`] when the
    /// parameter has none in force (for saying why it has no value).
    pub fn first_future(&self) -> Option<&ParamValue> {
        if self.current().is_some() {
            return None;
        }
        self.history
            .iter()
            .filter(|v| v.from.is_some())
            .min_by(|a, b| a.from.cmp(&b.from))
    }
}

/// A table of parameters by category: `min_output[category]`.
#[derive(Debug, Clone)]
pub struct TableInfo {
    /// Dotted name.
    pub name: String,
    /// The category fact it is keyed by.
    pub by_fact: usize,
    /// The category set.
    pub set: usize,
    /// For each member of the set, the parameter holding its value (None = not covered).
    pub entries: Vec<Option<usize>>,
    /// Kind of the values.
    pub kind: Kind,
}

/// A member of a category set.
#[derive(Debug, Clone)]
pub struct MemberInfo {
    /// Identifier.
    pub id: String,
    /// Chinese label.
    pub label: String,
    /// Other spellings.
    pub aliases: Vec<String>,
}

/// A category set, e.g. 产业类别.
#[derive(Debug, Clone)]
pub struct CategorySet {
    /// Identifier.
    pub id: String,
    /// Chinese label.
    pub label: String,
    /// Members in order.
    pub members: Vec<MemberInfo>,
}

/// A town fact of the shared vocabulary.
#[derive(Debug, Clone)]
pub struct FactInfo {
    /// Identifier (column name).
    pub id: String,
    /// Chinese label (column name).
    pub label: String,
    /// Other names.
    pub aliases: Vec<String>,
    /// Kind.
    pub kind: Kind,
    /// Display unit of money (bare numbers in data are read in it).
    pub money_unit: MoneyUnit,
    /// Measure word of a count (家, 人 …).
    pub measure: Option<String>,
    /// Declared `attestation` (an expert's recorded judgement).
    pub attestation: bool,
    /// Declared `yearly`: read only as `id[year]`; its values are the facts of its years.
    pub yearly: bool,
    /// For the value of a yearly fact in one year (`output_value@2023`, added when the
    /// evaluation year is known): the yearly fact and the year.
    pub year: Option<(usize, i32)>,
}

/// The rule set's header.
#[derive(Debug, Clone, Default)]
pub struct HeaderInfo {
    /// Rule set id.
    pub id: String,
    /// Title (Chinese).
    pub title: String,
    /// Document number.
    pub document: String,
    /// Document name.
    pub name: String,
    /// Issuing office.
    pub issuer: String,
    /// Date `YYYY-MM-DD`.
    pub date: String,
    /// `province`, `city` or `county`.
    pub level: String,
    /// The section the criteria come from.
    pub section: String,
    /// Free note (e.g. why a county file has no thresholds).
    pub note: String,
    /// Readings that apply throughout (`convention "“以上”按 >= 理解"`): this rule set's
    /// interpretation, stated once.
    pub conventions: Vec<String>,
    /// The rule set it extends, if any.
    pub extends: Option<String>,
    /// The evaluation year (`year 2024`) that `fact[year]` reads, if the header gives one.
    pub year: Option<i32>,
}

/// A criterion in force, with the file it is written in.
#[derive(Debug, Clone)]
pub struct CriterionInfo {
    /// The declaration.
    pub decl: CriterionDecl,
    /// The file it is written in.
    pub file: FileId,
    /// The rule set that declared it.
    pub ruleset: String,
    /// Document number of that rule set.
    pub document: String,
}

/// A priority flag of the whole rule set, with the file it is written in.
#[derive(Debug, Clone)]
pub struct PriorityInfo {
    /// The declaration.
    pub decl: crate::syntax::ast::RulePriority,
    /// The file it is written in.
    pub file: FileId,
}

/// The towns a rule set's rankings are meant over: `population province "全省参评专业镇"
/// { towns 120 }`.
#[derive(Debug, Clone)]
pub struct PopulationInfo {
    /// Identifier, named by `within` (`rank(x within province)`).
    pub id: String,
    /// Who they are, e.g. `全省参评专业镇`.
    pub label: String,
    /// How many towns it has, when declared (`towns 120`).
    pub towns: Option<u64>,
}

/// A goal of the document (how many towns by when).
#[derive(Debug, Clone)]
pub struct TargetInfo {
    /// Identifier.
    pub id: String,
    /// Text.
    pub label: String,
    /// Deadline.
    pub by: Option<String>,
    /// Level of town.
    pub level: Option<String>,
    /// Number of towns.
    pub towns: Option<Decimal>,
    /// Clause.
    pub clause: Option<String>,
}

/// What a name in an expression refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    /// A fact by index.
    Fact(usize),
    /// A parameter by index.
    Param(usize),
    /// A table by index.
    Table(usize),
    /// A category member: set and member index.
    Member(usize, usize),
}

/// A checked rule set: everything `compile` needs, nothing unresolved.
#[derive(Debug, Clone)]
pub struct Checked {
    /// All loaded files; spans in the model refer to these.
    pub units: Vec<Unit>,
    /// The file that was checked.
    pub root: FileId,
    /// The root file's header (`None` for a vocabulary-only file).
    pub header: Option<HeaderInfo>,
    /// Category sets.
    pub categories: Vec<CategorySet>,
    /// Facts.
    pub facts: Vec<FactInfo>,
    /// Parameters.
    pub params: Vec<ParamInfo>,
    /// Tables.
    pub tables: Vec<TableInfo>,
    /// Criteria in force, in order.
    pub criteria: Vec<CriterionInfo>,
    /// Targets.
    pub targets: Vec<TargetInfo>,
    /// The towns rankings are meant over (`population …`), if declared.
    pub population: Option<PopulationInfo>,
    /// Priority flags declared on their own (not in a criterion), the extended rule
    /// sets' first.
    pub priorities: Vec<PriorityInfo>,
    /// Name → symbol (fact ids, labels and aliases; parameter, table and member names).
    pub names: HashMap<String, Symbol>,
    /// The evaluation indicator system, if the rule set has one.
    pub evaluation: Option<EvaluationInfo>,
    /// Every read of a yearly fact by year (`output_value[year - 1]`), in file order.
    pub year_reads: Vec<super::years::YearRead>,
    /// The evaluation year the yearly reads are bound to ([`super::years::bind_year`]).
    pub year: Option<i32>,
}

impl Checked {
    /// Look up a name used in an expression.
    pub fn resolve(&self, name: &str) -> Option<Symbol> {
        self.names.get(name).copied()
    }

    /// A parameter by dotted name.
    pub fn param_index(&self, name: &str) -> Option<usize> {
        match self.names.get(name) {
            Some(Symbol::Param(i)) => Some(*i),
            _ => None,
        }
    }
}

/// Human name of a level.
pub fn level_zh(level: &str) -> &str {
    match level {
        "province" => "省级",
        "city" => "市级",
        "county" => "县级",
        other => other,
    }
}

/// How a node's score is computed from its children's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// The sum of the children's scores, capped at the node's own weight
    /// (docs/INTERPRETATION.md §11.4).
    SumCapped,
    /// The weighted geometric mean of the children's score ratios, times the node's weight
    /// (6.4 mentions a geometric mean; computed to 28 significant digits, not exactly).
    Geometric,
}

/// How a leaf indicator gets its score.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreSource {
    /// From the experts' score sheets.
    Expert,
    /// Its full weight when the condition holds, else 0.
    FullWhen(crate::syntax::ast::Node<crate::syntax::ast::Expr>),
    /// A formula over town facts.
    Formula(crate::syntax::ast::Node<crate::syntax::ast::Expr>),
}

/// One node of an indicator tree.
#[derive(Debug, Clone)]
pub struct IndicatorInfo {
    /// Code, e.g. `A1.1`.
    pub code: String,
    /// The document's label, verbatim.
    pub label: String,
    /// Declared weight (maximum points).
    pub weight: Decimal,
    /// Parent node.
    pub parent: Option<usize>,
    /// Children in order.
    pub children: Vec<usize>,
    /// Level: 1 for first-level indicators.
    pub depth: usize,
    /// For a leaf: how it is scored.
    pub score: ScoreSource,
    /// For an inner node: how children combine.
    pub aggregate: Aggregate,
    /// Span of the code.
    pub code_span: Span,
    /// Span of the weight.
    pub weight_span: Span,
    /// Note.
    pub note: Option<String>,
    /// This rule set's readings of the indicator.
    pub interpretations: Vec<String>,
}

/// A grade band over the total score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeBand {
    /// Grade name, e.g. 优秀.
    pub name: String,
    /// Lower bound and whether it is included.
    pub lower: Option<(Decimal, bool)>,
    /// Upper bound and whether it is included.
    pub upper: Option<(Decimal, bool)>,
}

impl GradeBand {
    /// Whether a score falls in the band (exact, never rounded).
    pub fn contains(&self, s: Decimal) -> bool {
        let lo = self
            .lower
            .is_none_or(|(v, inc)| if inc { s >= v } else { s > v });
        let hi = self
            .upper
            .is_none_or(|(v, inc)| if inc { s <= v } else { s < v });
        lo && hi
    }
}

/// An evaluation indicator system (评价指标体系) with its grade bands.
#[derive(Debug, Clone)]
pub struct EvaluationInfo {
    /// Identifier.
    pub id: String,
    /// Title.
    pub label: String,
    /// The file it is written in.
    pub file: FileId,
    /// The total score (e.g. 100).
    pub total: Decimal,
    /// How the total is formed, as this rule set reads it (e.g. `S = A + B + C + D`); when
    /// the document's formula cannot be quoted, `note` says that this is an interpretation.
    pub formula: String,
    /// Clause.
    pub clause: Option<String>,
    /// The system's `note` (this rule set's words), shown with the formula.
    pub note: Option<String>,
    /// This rule set's readings of the system (e.g. a reconstructed formula).
    pub interpretations: Vec<String>,
    /// All nodes; first-level nodes are `roots`.
    pub nodes: Vec<IndicatorInfo>,
    /// First-level nodes in order.
    pub roots: Vec<usize>,
    /// Grade bands in order.
    pub grades: Vec<GradeBand>,
    /// Title of the grade table.
    pub grades_label: String,
    /// Clause of the grade table.
    pub grades_clause: Option<String>,
    /// How several experts combine (`mean`).
    pub experts: String,
}
