//! One elementary test of a criterion as a structured record: the fact and its value
//! with unit, the comparator, the threshold with unit and where it comes from, the
//! margin with unit, whether it held and on which path of the criterion it was met.

use std::borrow::Cow;

use super::write::{k, Obj};
use crate::syntax::ast::ArithFault;
use rust_decimal::Decimal;

use crate::check::{Kind, ParamInfo};
use crate::compile::{NodeId, Op, RuleSet};
use crate::eval::{Atom, Evaluator, Tri, V};
use crate::report::describe;

/// Where in its criterion a test stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// An applicability condition (`applies`).
    Applies,
    /// The normal condition of a requirement.
    Normal,
    /// When the relaxation of a requirement applies.
    RelaxWhen,
    /// What the relaxation of a requirement requires instead.
    RelaxThen,
}

impl Place {
    fn path(self) -> &'static str {
        match self {
            Place::Applies => "applies",
            Place::Normal => "normal",
            Place::RelaxWhen => "relaxation_condition",
            Place::RelaxThen => "relaxation_requirement",
        }
    }
}

/// A truth value as the records write it: `yes`, `no`, `unknown`.
pub(super) fn yes_no(t: Tri) -> &'static str {
    match t {
        Tri::True => "yes",
        Tri::False => "no",
        Tri::Unknown => "unknown",
    }
}

/// The unit a number of `kind` is written in by the records: `元`, `%` (a ratio is
/// written as a percentage), `个百分点`, the measure word of a count (`家`), `元/人`.
pub(super) fn unit(kind: Kind, measure: Option<&str>) -> Option<Cow<'_, str>> {
    match kind {
        Kind::Money => Some(Cow::Borrowed("元")),
        Kind::Percent | Kind::Ratio => Some(Cow::Borrowed("%")),
        Kind::Points => Some(Cow::Borrowed("个百分点")),
        Kind::Count => measure.filter(|m| !m.is_empty()).map(Cow::Borrowed),
        Kind::PerUnit => Some(match measure.filter(|m| !m.is_empty()) {
            Some(m) => Cow::Owned(format!("元/{m}")),
            None => Cow::Borrowed("元/单位"),
        }),
        Kind::Number | Kind::Bool | Kind::Category(_) | Kind::Text => None,
    }
}

/// The unit of a difference of two numbers of `kind`: shares in `个百分点`.
fn margin_unit(kind: Kind, measure: Option<&str>) -> Option<Cow<'_, str>> {
    match kind {
        Kind::Percent | Kind::Ratio | Kind::Points => Some(Cow::Borrowed("个百分点")),
        Kind::Money | Kind::Count | Kind::PerUnit | Kind::Number => unit(kind, measure),
        Kind::Bool | Kind::Category(_) | Kind::Text => None,
    }
}

/// A number of `kind` as the records write it: a ratio (held as 0.25) as a percentage
/// (`None` when that does not fit in a decimal).
pub(super) fn number(kind: Kind, d: Decimal) -> Option<Decimal> {
    match kind {
        Kind::Ratio => d.checked_mul(Decimal::ONE_HUNDRED).map(|x| x.normalize()),
        Kind::Money
        | Kind::Count
        | Kind::Number
        | Kind::Percent
        | Kind::Points
        | Kind::PerUnit
        | Kind::Bool
        | Kind::Category(_)
        | Kind::Text => Some(d.normalize()),
    }
}

/// A value in a record: a decimal (as a string), `yes`/`no`, or a category member's id;
/// `null` when missing, unset or without a result.
fn write_val(o: &mut Obj<'_>, k: &[u8], rs: &RuleSet, kind: Kind, v: V) {
    match v {
        V::Num(d) => o.opt_decimal(k, number(kind, d)),
        V::Bool(b) => o.lit(k, if b { "yes" } else { "no" }),
        V::Cat(m) => o.opt_str(k, member(rs, kind, m)),
        V::Unknown | V::Fault(_) => o.key(k).extend_from_slice(b"null"),
    }
}

/// The id of member `m` of the category set of `kind`.
fn member(rs: &RuleSet, kind: Kind, m: u16) -> Option<&str> {
    let Kind::Category(s) = kind else {
        return None;
    };
    rs.categories
        .get(s)?
        .members
        .get(m as usize)
        .map(|x| x.id.as_str())
}

/// Node `n` without the conversions the compiler put around it (`Rescale`).
fn peel(rs: &RuleSet, mut n: NodeId) -> NodeId {
    while let Some(Op::Rescale(x, _)) = rs.ops.get(n as usize) {
        n = *x;
    }
    n
}

/// The kind of the value of node `n`.
fn kind(rs: &RuleSet, n: NodeId) -> Kind {
    rs.kinds.get(n as usize).copied().unwrap_or(Kind::Number)
}

/// What the source of a parameter's value in force is: `parameter` (the document),
/// `interpretation` (this rule set's reading), `what_if` (an assumed value).
pub(super) fn param_kind(p: &ParamInfo) -> &'static str {
    match p.current().map(|v| &v.provenance) {
        Some(pv) if pv.what_if.is_some() => "what_if",
        Some(pv) if pv.interpretation.is_some() => "interpretation",
        Some(_) | None => "parameter",
    }
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// Where a threshold comes from.
struct Source<'a> {
    kind: &'static str,
    param: Option<(usize, &'a ParamInfo)>,
    table: Option<(&'a str, Option<&'a str>)>,
    /// For a computed threshold: the parameters it is computed from.
    params: Vec<&'a str>,
}

impl Source<'_> {
    /// Write the source as an object; a parameter's as prepared once in `prep`.
    fn write(&self, buf: &mut Vec<u8>, prep: &Prepared) {
        if let (Some((p, _)), true) = (self.param, self.params.is_empty()) {
            if let Some(b) = prep.sources.get(p) {
                buf.extend_from_slice(b);
                return;
            }
        }
        self.render(buf);
    }

    /// Write the source as an object.
    fn render(&self, buf: &mut Vec<u8>) {
        let mut m = Obj::open(buf);
        m.lit(k!("kind"), self.kind);
        match (self.table, self.param) {
            // A table entry is named by its parameter (`min_output.manufacturing`); the
            // table and category are in `ruleset.parameters`.
            (Some(_), Some(_)) | (None, _) => {}
            (Some((table, category)), None) => {
                m.str(k!("table"), table);
                m.opt_str(k!("category"), category);
            }
        }
        if !self.params.is_empty() {
            m.strs(k!("params"), self.params.iter().copied());
        }
        if let Some((_, p)) = self.param {
            m.str(k!("param"), &p.name);
            if let Some(v) = p.current() {
                let pv = &v.provenance;
                if let Some(l) = non_empty(&pv.level) {
                    m.str(k!("level"), l);
                }
                if let Some(d) = non_empty(&pv.document) {
                    m.str(k!("document"), d);
                }
                if let Some(c) = &pv.clause {
                    m.str(k!("clause"), c);
                }
                if let Some(f) = &v.from {
                    m.str(k!("from"), f);
                }
            }
        }
        m.close();
    }
}

/// The source of the threshold at node `n` for town `row`.
fn source<'a>(ev: &Evaluator<'a>, n: NodeId, row: usize) -> Source<'a> {
    let rs: &'a RuleSet = ev.rules;
    let n = peel(rs, n);
    let of_param = |p: usize| -> Source<'a> {
        let pi = &rs.params[p];
        Source {
            kind: param_kind(pi),
            param: Some((p, pi)),
            table: None,
            params: Vec::new(),
        }
    };
    match rs.ops[n as usize] {
        Op::Param(p) => of_param(p as usize),
        Op::Lookup { table, key } => {
            let t = &rs.tables[table as usize];
            let cat = match ev.eval(key, row) {
                V::Cat(m) => Some(m),
                V::Num(_) | V::Bool(_) | V::Unknown | V::Fault(_) => None,
            };
            let entry = cat.and_then(|m| t.entries.get(m as usize).copied().flatten());
            let category = cat.and_then(|m| {
                rs.categories
                    .get(t.set)
                    .and_then(|c| c.members.get(m as usize))
                    .map(|x| x.id.as_str())
            });
            match entry {
                Some(p) => Source {
                    table: Some((t.name.as_str(), category)),
                    ..of_param(p)
                },
                None => Source {
                    kind: "unresolved",
                    param: None,
                    table: Some((t.name.as_str(), category)),
                    params: Vec::new(),
                },
            }
        }
        Op::Const(_) => Source {
            kind: "constant",
            param: None,
            table: None,
            params: Vec::new(),
        },
        Op::Stat { .. } => Source {
            kind: "statistic",
            param: None,
            table: None,
            params: Vec::new(),
        },
        Op::Fact(_)
        | Op::InTable { .. }
        | Op::InList { .. }
        | Op::Not(_)
        | Op::Neg(_)
        | Op::Logic { .. }
        | Op::Cmp { .. }
        | Op::Min(..)
        | Op::Max(..)
        | Op::Rescale(..)
        | Op::Arith { .. } => Source {
            kind: "computed",
            param: None,
            table: None,
            params: params_under(rs, n),
        },
    }
}

/// The parameters read under node `n`, each once, in order.
fn params_under(rs: &RuleSet, n: NodeId) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for m in crate::compile::nodes_under(&rs.ops, n) {
        if let Some(Op::Param(p)) = rs.ops.get(m as usize) {
            let name = rs.params[*p as usize].name.as_str();
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// The fact a side reads directly (through unit conversions), if it is one.
fn fact_of(rs: &RuleSet, n: NodeId) -> Option<usize> {
    if let Some(Op::Fact(f)) = rs.ops.get(peel(rs, n) as usize) {
        Some(*f as usize)
    } else {
        None
    }
}

/// What every town's records repeat, written once per report: the source object of each
/// parameter (the threshold's source in a check).
pub(super) struct Prepared {
    sources: Vec<Vec<u8>>,
    /// Each fact's id as a JSON string.
    pub facts: Vec<Vec<u8>>,
    /// Each criterion's id as a JSON string.
    pub criteria: Vec<Vec<u8>>,
    /// Parameters were changed for this run: every town record says it is a what-if.
    pub what_if: bool,
}

impl Prepared {
    /// The parts of the records of `rs` that are the same for every town.
    pub fn new(rs: &RuleSet) -> Self {
        let sources = rs
            .params
            .iter()
            .enumerate()
            .map(|(p, pi)| {
                let mut buf = Vec::new();
                Source {
                    kind: param_kind(pi),
                    param: Some((p, pi)),
                    table: None,
                    params: Vec::new(),
                }
                .render(&mut buf);
                buf
            })
            .collect();
        let quoted = |s: &str| {
            let mut buf = Vec::new();
            super::write::string(&mut buf, s);
            buf
        };
        Prepared {
            sources,
            facts: rs.facts.iter().map(|f| quoted(&f.id)).collect(),
            criteria: rs.criteria.iter().map(|c| quoted(&c.id)).collect(),
            what_if: rs.is_what_if(),
        }
    }
}

/// One test as a record; `text` adds its Chinese explanation line.
pub(super) struct Check<'e, 'a> {
    pub ev: &'e Evaluator<'a>,
    pub prep: &'e Prepared,
    pub atom: &'e Atom,
    pub row: usize,
    pub place: Place,
    pub text: bool,
}

impl Check<'_, '_> {
    /// Write the record as an object.
    pub fn write(&self, buf: &mut Vec<u8>) {
        let (ev, a, row) = (self.ev, self.atom, self.row);
        let rs = ev.rules;
        let mut m = Obj::open(buf);
        match rs.ops[a.node as usize] {
            Op::Cmp { op, lhs, rhs } => {
                m.lit(k!("kind"), "compare");
                let lk = kind(rs, lhs);
                let fact = fact_of(rs, lhs);
                let measure = fact.and_then(|f| rs.facts[f].measure.as_deref());
                match fact {
                    Some(f) => m.raw(k!("fact"), &self.prep.facts[f]),
                    None => m.str(k!("quantity"), &describe::operand(ev, lhs, row).0),
                }
                write_val(&mut m, k!("value"), rs, lk, a.lhs);
                m.opt_str(k!("unit"), unit(lk, measure).as_deref());
                m.lit(k!("op"), op.symbol());
                let rk = kind(rs, rhs);
                let src = source(ev, rhs, row);
                let rmeasure =
                    measure.or_else(|| src.param.and_then(|(_, p)| p.measure.as_deref()));
                write_val(&mut m, k!("threshold"), rs, rk, a.rhs);
                m.opt_str(k!("threshold_unit"), unit(rk, rmeasure).as_deref());
                src.write(m.key(k!("source")), self.prep);
                m.opt_decimal(
                    k!("margin"),
                    describe::margin_value(rs, a).map(|d| d.normalize()),
                );
                m.opt_str(k!("margin_unit"), margin_unit(lk, measure).as_deref());
            }
            Op::Fact(f) => {
                m.lit(k!("kind"), "yes_no");
                m.raw(k!("fact"), &self.prep.facts[f as usize]);
                write_val(&mut m, k!("value"), rs, Kind::Bool, a.lhs);
                m.lit(k!("op"), "=");
                m.lit(k!("threshold"), "yes");
            }
            Op::InTable { item, table } => {
                m.lit(k!("kind"), "in_table");
                if let Some(f) = fact_of(rs, item) {
                    m.raw(k!("fact"), &self.prep.facts[f]);
                }
                write_val(&mut m, k!("value"), rs, kind(rs, item), a.lhs);
                m.lit(k!("op"), "in");
                m.str(k!("table"), &rs.tables[table as usize].name);
            }
            Op::InList { item, members } => {
                m.lit(k!("kind"), "in_list");
                let k = kind(rs, item);
                if let Some(f) = fact_of(rs, item) {
                    m.raw(k!("fact"), &self.prep.facts[f]);
                }
                write_val(&mut m, k!("value"), rs, k, a.lhs);
                m.lit(k!("op"), "in");
                let listed: &[crate::check::MemberInfo] = match k {
                    Kind::Category(set) => {
                        rs.categories.get(set).map_or(&[], |c| c.members.as_slice())
                    }
                    Kind::Money
                    | Kind::Count
                    | Kind::Number
                    | Kind::Percent
                    | Kind::Bool
                    | Kind::Text
                    | Kind::Ratio
                    | Kind::Points
                    | Kind::PerUnit => &[],
                };
                m.strs(
                    k!("members"),
                    listed
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i < 64 && members & (1u64 << i) != 0)
                        .map(|(_, x)| x.id.as_str()),
                );
            }
            // Not elementary tests: never recorded as atoms.
            Op::Param(_)
            | Op::Const(_)
            | Op::Lookup { .. }
            | Op::Not(_)
            | Op::Neg(_)
            | Op::Logic { .. }
            | Op::Arith { .. }
            | Op::Stat { .. }
            | Op::Min(..)
            | Op::Max(..)
            | Op::Rescale(..) => m.lit(k!("kind"), "other"),
        }
        m.lit(k!("holds"), yes_no(a.holds));
        m.lit(k!("path"), self.place.path());
        // Arithmetic without a result: named, not missing data.
        if let Some(f) = V::fault_of(a.lhs, a.rhs) {
            let name = match f {
                ArithFault::DivisionByZero => "division_by_zero",
                ArithFault::Overflow => "overflow",
            };
            m.lit(k!("fault"), name);
        }
        if self.text {
            m.str(k!("text"), &describe::atom(ev, a, row));
        }
        m.close();
    }
}
