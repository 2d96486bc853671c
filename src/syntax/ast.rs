//! The typed syntax tree of a rule file.
//!
//! Every node carries the byte span it was read from ([`Node::span`]); spans are
//! left out of equality and serialisation, so two files that differ only in
//! layout and comments give equal trees.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::units::MoneyUnit;

/// A byte range in a rule file's text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// Whether the span is empty.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len()).into()
    }
}

/// A syntax node with the span of source text it came from.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Node<T> {
    /// The node itself.
    pub node: T,
    /// Where it was written (not part of equality).
    #[serde(skip)]
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Node<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> Node<T> {
    /// Wrap a node with its span.
    pub fn new(node: T, span: Span) -> Self {
        Node { node, span }
    }
}

/// A dotted name such as `min_output.manufacturing` or `最低产值.制造业`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Path(pub Vec<String>);

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// The unit written after a number literal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum LitUnit {
    /// No unit: a plain number.
    Bare,
    /// 元, 万元, 亿元 (and the short forms 万, 亿).
    Money(MoneyUnit),
    /// `%`: percentage points.
    Percent,
    /// `个百分点`: a difference of two shares, in percentage points.
    Points,
    /// A measure word for counts: 家, 户, 个, 人, 项, 名, 座.
    Count(String),
}

/// A number as written in a rule, with its unit: `20亿元`, `30%`, `10户`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quantity {
    /// The number as written (before applying the unit).
    #[serde(with = "rust_decimal::serde::str")]
    pub number: Decimal,
    /// The unit as written.
    pub unit: LitUnit,
}

/// The kind of a fact or parameter, as declared: `money 亿元`, `count 人`, `category industry`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindSpec {
    /// `money`, `count`, `percent`, `yes_no`, `attestation`, `category` or `text`.
    pub name: String,
    /// The display unit of money, the measure word of a count, or the category set.
    pub arg: Option<String>,
}

/// The value of an attribute such as `clause "二（四）"` or `date 2022-09-26`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AttrValue {
    /// A quoted text.
    Text(String),
    /// A date `YYYY-MM-DD`.
    Date(String),
    /// A number with unit.
    Quantity(Quantity),
    /// A bare word such as `province`.
    Word(String),
}

/// An attribute `key value` inside a block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attr {
    /// The attribute's name (`clause`, `quote`, `note`, `title` …).
    pub key: Node<String>,
    /// Its value.
    pub value: Node<AttrValue>,
}

/// A constant written as a parameter's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Value {
    /// A number with unit.
    Quantity(Quantity),
    /// 是/否, true/false.
    Bool(bool),
    /// A name (a category member).
    Name(Path),
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnOp {
    /// `not`, `非`, `!`
    Not,
    /// `-`
    Neg,
}

pub use super::ops::{ArithFault, ArithOp, BinOp, CmpOp, LogicOp};

/// An expression in a condition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Expr {
    /// `20亿元`
    Quantity(Quantity),
    /// `是`, `true`
    Bool(bool),
    /// A fact, parameter, table or category member.
    Name(Path),
    /// `[a, b]`
    List(Vec<Node<Expr>>),
    /// `min_output[category]`: the table entry for a category.
    Index {
        /// The table.
        base: Box<Node<Expr>>,
        /// The key (a category).
        key: Box<Node<Expr>>,
    },
    /// `category in [manufacturing, …]` or `category in min_output`.
    In {
        /// The value tested.
        item: Box<Node<Expr>>,
        /// A list or a table.
        set: Box<Node<Expr>>,
    },
    /// `rank(output_value)`, `share(jobs within county)`, `min(a, b)`: a function call.
    Call {
        /// The function's name.
        name: Node<String>,
        /// Arguments.
        args: Vec<Node<Expr>>,
        /// `within FACT`: the group is the towns with the same value of this fact.
        within: Option<Node<String>>,
    },
    /// `not x`, `-x`
    Unary {
        /// The operator.
        op: UnOp,
        /// The operand.
        operand: Box<Node<Expr>>,
    },
    /// `a >= b`, `a and b` …
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Node<Expr>>,
        /// Right operand.
        rhs: Box<Node<Expr>>,
    },
}

/// `ruleset id { … }`: what the rule set is and which document it implements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    /// The rule set's id.
    pub id: Node<String>,
    /// Attributes: title, document, issuer, date, level, source.
    pub attrs: Vec<Attr>,
}

/// A member of a category set: `manufacturing "制造业" alias "制造"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    /// Identifier.
    pub id: Node<String>,
    /// Chinese label.
    pub label: Node<String>,
    /// Other accepted spellings.
    pub aliases: Vec<Node<String>>,
}

/// `category industry "产业类别" { … }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryDecl {
    /// Identifier of the set.
    pub id: Node<String>,
    /// Chinese label.
    pub label: Node<String>,
    /// Members in order.
    pub members: Vec<Member>,
}

/// `fact output_value "特色主导产业年产值" : money 亿元`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactDecl {
    /// Identifier (a column name in data files).
    pub id: Node<String>,
    /// Chinese label (also accepted as a column name).
    pub label: Node<String>,
    /// Kind and unit.
    pub kind: Node<KindSpec>,
    /// Other names usable in rules and data.
    pub aliases: Vec<Node<String>>,
    /// Attributes (`note`).
    pub attrs: Vec<Attr>,
    /// Declared `yearly`: one value per year, read as `id[year]`.
    pub yearly: bool,
}

/// A later value of a parameter: `then 15亿元 from 2025-01-01 { clause "…" }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Version {
    /// The value.
    pub value: Node<Value>,
    /// The date it takes effect, as written (`None` only in erroneous input).
    pub from: Option<Node<String>>,
    /// Its own attributes (clause, quote, note …).
    pub attrs: Vec<Attr>,
}

/// `param relaxed_min_output = 1亿元 { clause "二（四）" }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamDecl {
    /// Dotted name.
    pub name: Node<Path>,
    /// Declared kind (required when there is no value).
    pub kind: Option<Node<KindSpec>>,
    /// The value; `None` for a draft parameter whose value the document does not give.
    pub value: Option<Node<Value>>,
    /// `from DATE`: the date the value takes effect (none: always).
    pub from: Option<Node<String>>,
    /// Attributes: clause, quote, note.
    pub attrs: Vec<Attr>,
    /// Later values (`then VALUE from DATE { … }`), in order.
    pub versions: Vec<Version>,
}

/// An entry of a table: `manufacturing = 20亿元`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableEntry {
    /// The category member.
    pub key: Node<String>,
    /// The value.
    pub value: Node<Value>,
    /// `from DATE`: the date the value takes effect (none: always).
    pub from: Option<Node<String>>,
    /// Attributes overriding the table's (clause, quote).
    pub attrs: Vec<Attr>,
    /// Later values (`then VALUE from DATE { … }`), in order.
    pub versions: Vec<Version>,
}

/// `table min_output by category : money { … }`: a parameter per category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableDecl {
    /// Dotted name; entries are the parameters `name.member`.
    pub name: Node<Path>,
    /// The category fact the table is keyed by.
    pub by: Node<String>,
    /// Declared kind of the values.
    pub kind: Option<Node<KindSpec>>,
    /// Attributes shared by the entries.
    pub attrs: Vec<Attr>,
    /// Entries in order.
    pub entries: Vec<TableEntry>,
}

/// `override name = value { clause … }`: replace an inherited parameter's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverrideDecl {
    /// The parameter.
    pub name: Node<Path>,
    /// The new value.
    pub value: Node<Value>,
    /// `from DATE`: the value is added from that date (none: it replaces every value).
    pub from: Option<Node<String>>,
    /// Attributes: clause, quote, note.
    pub attrs: Vec<Attr>,
    /// Later values (`then VALUE from DATE { … }`), in order.
    pub versions: Vec<Version>,
}

/// The relaxation clause of a requirement (可适当放宽认定条件).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relax {
    /// When the relaxation applies.
    pub when: Node<Expr>,
    /// What is required instead.
    pub then: Node<Expr>,
    /// Attributes: clause, quote, note.
    pub attrs: Vec<Attr>,
    /// `relax discretionary`: the authority may relax (可适当放宽), it is not automatic.
    pub discretionary: bool,
}

/// `require cond "label" relax { … }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Require {
    /// The condition.
    pub cond: Node<Expr>,
    /// What the condition means, in this rule set's words (not a quotation).
    pub label: Option<Node<String>>,
    /// An exception that relaxes it.
    pub relax: Option<Node<Relax>>,
}

/// `priority "…优先评定" when cond`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Priority {
    /// The document's sentence, verbatim (checked like a `quote`).
    pub label: Node<String>,
    /// When the flag is raised.
    pub when: Node<Expr>,
}

/// A priority flag declared on its own (not inside a criterion), with its attributes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RulePriority {
    /// The sentence and the condition.
    pub rule: Node<Priority>,
    /// Attributes: clause, note.
    pub attrs: Vec<Attr>,
}

/// `criterion id "label" { … }`: one recognition criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionDecl {
    /// Written as `override criterion`: replaces an inherited criterion.
    pub replaces: bool,
    /// Identifier.
    pub id: Node<String>,
    /// Chinese label.
    pub label: Node<String>,
    /// Which towns the criterion applies to (others: not_applicable).
    pub applies: Vec<Node<Expr>>,
    /// The requirements, all of which must hold.
    pub requires: Vec<Node<Require>>,
    /// Priority flags (优先评定).
    pub priorities: Vec<Node<Priority>>,
    /// Attributes: clause, quote, note.
    pub attrs: Vec<Attr>,
}

/// `drop criterion id "reason"`: remove an inherited criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropDecl {
    /// The criterion.
    pub id: Node<String>,
    /// Why.
    pub reason: Option<Node<String>>,
}

/// `target id "label" { … }`: a goal of the document (how many towns by when).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetDecl {
    /// Identifier.
    pub id: Node<String>,
    /// Chinese text.
    pub label: Node<String>,
    /// Attributes: by, level, towns, clause.
    pub attrs: Vec<Attr>,
}

/// How a leaf indicator gets its score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ScoreRule {
    /// From the expert score sheets (the default).
    Expert,
    /// `score full when COND`: the full weight when the condition holds, else 0.
    FullWhen(Node<Expr>),
    /// `score = EXPR`: a formula over town facts (points).
    Formula(Node<Expr>),
}

/// `indicator A1.1 "label" weight 5 { … }`: a node of an indicator tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorDecl {
    /// Its code, e.g. `A1.1`.
    pub code: Node<String>,
    /// The document's label.
    pub label: Node<String>,
    /// Its declared weight (maximum points).
    pub weight: Node<Quantity>,
    /// Sub-indicators (none for an item scored directly).
    pub children: Vec<Node<IndicatorDecl>>,
    /// How a leaf is scored (`None` = by experts).
    pub score: Option<Node<ScoreRule>>,
    /// Attributes: `aggregate sum|geometric`, `clause`, `note`.
    pub attrs: Vec<Attr>,
}

/// A grade band: `优秀 >= 90`, `良好 [75, 90)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    /// The grade's name.
    pub grade: Node<String>,
    /// Lower bound and whether it is included.
    pub lower: Option<(Decimal, bool)>,
    /// Upper bound and whether it is included.
    pub upper: Option<(Decimal, bool)>,
}

/// `grades "表1" { … }`: grade bands over the total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradesDecl {
    /// Title.
    pub label: Option<Node<String>>,
    /// Bands in order.
    pub bands: Vec<Node<Band>>,
    /// Attributes: clause, quote, note.
    pub attrs: Vec<Attr>,
}

/// `evaluation id "label" { … }`: an evaluation indicator system (评价指标体系).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationDecl {
    /// Identifier.
    pub id: Node<String>,
    /// The document's title of the system.
    pub label: Node<String>,
    /// First-level indicators.
    pub indicators: Vec<Node<IndicatorDecl>>,
    /// Grade bands.
    pub grades: Option<Node<GradesDecl>>,
    /// Attributes: total, levels, experts, formula, clause, quote, note.
    pub attrs: Vec<Attr>,
}

/// A top-level declaration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Item {
    /// `ruleset …`
    Header(Header),
    /// `import "…"`
    Import(Node<String>),
    /// `extends "…"`
    Extends(Node<String>),
    /// `category …`
    Category(CategoryDecl),
    /// `fact …`
    Fact(FactDecl),
    /// `param …`
    Param(ParamDecl),
    /// `table …`
    Table(TableDecl),
    /// `override …`
    Override(OverrideDecl),
    /// `criterion …`
    Criterion(CriterionDecl),
    /// `drop criterion …`
    Drop(DropDecl),
    /// `target …`
    Target(TargetDecl),
    /// `population id "label" { towns N }`: the towns rankings are meant over.
    Population(TargetDecl),
    /// `priority "…" when COND { clause … }`: a priority flag of the whole rule set.
    Priority(RulePriority),
    /// `evaluation …`
    Evaluation(EvaluationDecl),
}

/// A comment, kept so a rewrite of the file loses nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// The text after `#` or `//`.
    pub text: String,
    /// Where it is.
    #[serde(skip)]
    pub span: Span,
}

/// A parsed rule file.
#[derive(Debug, Clone, Serialize)]
pub struct File {
    /// Declarations in order.
    pub items: Vec<Node<Item>>,
    /// Comments in order (not part of equality).
    #[serde(skip)]
    pub comments: Vec<Comment>,
}

impl File {
    /// Every attribute block of the file, in order: the header's, each declaration's, each
    /// dated value's, each table entry's, each relaxation's, each indicator's and the grade
    /// table's (where `quote`, `note`, `clause` … are written).
    pub fn attr_blocks(&self) -> Vec<&[Attr]> {
        fn indicator<'a>(out: &mut Vec<&'a [Attr]>, d: &'a Node<IndicatorDecl>) {
            out.push(&d.node.attrs);
            for c in &d.node.children {
                indicator(out, c);
            }
        }
        let mut out: Vec<&[Attr]> = Vec::new();
        for item in &self.items {
            match &item.node {
                Item::Header(h) => out.push(&h.attrs),
                Item::Fact(f) => out.push(&f.attrs),
                Item::Param(p) => {
                    out.push(&p.attrs);
                    out.extend(p.versions.iter().map(|v| v.attrs.as_slice()));
                }
                Item::Table(t) => {
                    out.push(&t.attrs);
                    for e in &t.entries {
                        out.push(&e.attrs);
                        out.extend(e.versions.iter().map(|v| v.attrs.as_slice()));
                    }
                }
                Item::Override(o) => {
                    out.push(&o.attrs);
                    out.extend(o.versions.iter().map(|v| v.attrs.as_slice()));
                }
                Item::Criterion(c) => {
                    out.push(&c.attrs);
                    out.extend(
                        c.requires
                            .iter()
                            .filter_map(|r| r.node.relax.as_ref())
                            .map(|rx| rx.node.attrs.as_slice()),
                    );
                }
                Item::Target(t) | Item::Population(t) => out.push(&t.attrs),
                Item::Priority(p) => out.push(&p.attrs),
                Item::Evaluation(e) => {
                    out.push(&e.attrs);
                    for i in &e.indicators {
                        indicator(&mut out, i);
                    }
                    if let Some(g) = &e.grades {
                        out.push(&g.node.attrs);
                    }
                }
                Item::Import(_) | Item::Extends(_) | Item::Category(_) | Item::Drop(_) => {}
            }
        }
        out
    }
}

impl PartialEq for File {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

/// Find attribute `key` in a list.
pub fn attr<'a>(attrs: &'a [Attr], key: &str) -> Option<&'a Attr> {
    attrs.iter().find(|a| a.key.node == key)
}

/// The quoted texts of every attribute `key`, in order (`convention "…" convention "…"`).
pub fn attr_texts(attrs: &[Attr], key: &str) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.key.node == key)
        .filter_map(|a| match &a.value.node {
            AttrValue::Text(s) => Some(s.clone()),
            AttrValue::Date(_) | AttrValue::Word(_) | AttrValue::Quantity(_) => None,
        })
        .collect()
}

/// The text of attribute `key`, if it is a quoted text, date or word.
pub fn attr_text<'a>(attrs: &'a [Attr], key: &str) -> Option<&'a str> {
    attr(attrs, key).and_then(|a| match &a.value.node {
        AttrValue::Text(s) | AttrValue::Date(s) | AttrValue::Word(s) => Some(s.as_str()),
        AttrValue::Quantity(_) => None,
    })
}
