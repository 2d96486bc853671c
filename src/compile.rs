//! Phase 3: checked model → a resolved rule set ready to evaluate.
//!
//! The result ([`RuleSet`]) is a separate structure from the syntax tree: facts
//! and parameters are addressed by index, conditions are a flat arena of
//! [`Op`]s, category lists are bit sets. Nothing is looked up by name when a
//! town is evaluated.

mod program;
mod set;
mod uses;
mod what_if;
mod words;

pub use program::*;
pub use set::parse_param_value;
pub use uses::Reader;
pub use what_if::SavedWhatIf;
pub use words::keyword_words;

use rust_decimal::Decimal;

use crate::check::quantities::{self, Rescale};
use crate::check::{Checked, Const, Kind, ScoreSource, Symbol};
use crate::syntax::ast::{self, attr_text, BinOp, CmpOp, Expr, LogicOp, Node, UnOp};

/// Compile a checked model into a rule set, with dated parameter values read at the
/// rule set's own date (its header's `date`).
///
/// Fails when the model has no `ruleset` header (a vocabulary-only file), when it reads
/// a yearly fact by a year not bound ([`crate::check::bind_year`]), or when it has dated
/// values and no date.
pub fn compile(m: &Checked) -> Result<RuleSet, CompileError> {
    compile_at(m, None)
}

/// [`compile`], with dated parameter values read at `date` (`eval --date`) instead of
/// the rule set's own date.
pub fn compile_at(m: &Checked, date: Option<&str>) -> Result<RuleSet, CompileError> {
    let header = m.header.clone().ok_or_else(|| CompileError::NoHeader {
        file: m.units[m.root].source.name().to_string(),
    })?;
    let as_of = match date {
        Some(d) => Some(AsOf {
            date: d.to_string(),
            given: true,
        }),
        None if !header.date.is_empty() => Some(AsOf {
            date: header.date.clone(),
            given: false,
        }),
        None => None,
    };
    if as_of.is_none() {
        if let Some(p) = m.params.iter().find(|p| p.is_dated()) {
            return Err(CompileError::NoDate {
                param: p.name.clone(),
            });
        }
    }
    let mut c = Compiler {
        m,
        ops: Vec::new(),
        kinds: Vec::new(),
        weight: None,
        error: None,
        back: 0,
    };
    let criteria = m
        .criteria
        .iter()
        .map(|ci| c.criterion(ci))
        .collect::<Vec<_>>();
    let evaluation = m.evaluation.as_ref().map(|e| c.evaluation(e));
    let priorities = m.priorities.iter().map(|p| c.set_priority(p)).collect();
    if let Some(e) = c.error.take() {
        return Err(e);
    }
    let mut params = m.params.clone();
    for p in &mut params {
        p.as_of = as_of.as_ref().map(|a| a.date.clone());
    }
    Ok(RuleSet {
        priorities,
        header,
        as_of,
        year: m.year.filter(|_| !m.year_reads.is_empty()),
        facts: m.facts.clone(),
        categories: m.categories.clone(),
        params,
        tables: m.tables.clone(),
        criteria,
        ops: c.ops,
        kinds: c.kinds,
        targets: m.targets.clone(),
        population: m.population.clone(),
        source_file: m.units[m.root].source.name().to_string(),
        sources: m.units.iter().map(|u| u.source.clone()).collect(),
        evaluation,
    })
}

/// Why a checked model cannot be compiled.
#[derive(Debug)]
pub enum CompileError {
    /// The file has no `ruleset` header (e.g. `townrules eval rules/facts.rules …`):
    /// `townrules::no_header`.
    NoHeader {
        /// The file.
        file: String,
    },
    /// A yearly fact is read by a year no data was bound for (`check::bind_year` not run):
    /// `townrules::date`.
    NoYear {
        /// The read as written.
        read: String,
    },
    /// A parameter has dated values and neither the command nor the header gives a date:
    /// `townrules::date`.
    NoDate {
        /// The parameter.
        param: String,
    },
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            CompileError::NoHeader { file } => crate::t!("no_header.message", file = file),
            CompileError::NoYear { read } => crate::t!("date.no_year", read = read),
            CompileError::NoDate { param } => crate::t!("date.no_date", param = param),
        })
    }
}

impl std::error::Error for CompileError {}

impl miette::Diagnostic for CompileError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(match self {
            CompileError::NoHeader { .. } => crate::diag::Code::NoHeader,
            CompileError::NoYear { .. } | CompileError::NoDate { .. } => crate::diag::Code::Date,
        }))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(match self {
            CompileError::NoHeader { .. } => crate::t!("no_header.help"),
            CompileError::NoYear { .. } => crate::t!("date.no_year_help"),
            CompileError::NoDate { .. } => crate::t!("date.no_date_help"),
        }))
    }
}

/// Why [`RuleSet::set_param`] refused a new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetParamError {
    /// The rule set has no parameter of that name: `townrules::unknown_param`.
    Unknown {
        /// The name as given.
        name: String,
        /// The parameter probably meant, if one is close: its name, and the words it
        /// was found by (`上下游配套企业数门槛`) when it was named by what it is the
        /// threshold of.
        suggestion: Option<(String, Option<String>)>,
    },
    /// The value cannot be read for the parameter's kind (a missing unit, not a number …):
    /// `townrules::param_value`.
    Value {
        /// What is wrong, as [`parse_param_value`] says it.
        message: String,
    },
}

impl std::fmt::Display for SetParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetParamError::Unknown { name, suggestion } => f.write_str(&crate::t!(
                "compile.unknown_param",
                name = name,
                hint = unknown_hint(suggestion.as_ref())
            )),
            SetParamError::Value { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for SetParamError {}

impl miette::Diagnostic for SetParamError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(match self {
            SetParamError::Unknown { .. } => "townrules::unknown_param",
            SetParamError::Value { .. } => "townrules::param_value",
        }))
    }
}

fn unknown_hint(suggestion: Option<&(String, Option<String>)>) -> String {
    match suggestion {
        Some((s, None)) => crate::t!("unknown_name.did_you_mean", name = s),
        Some((s, Some(title))) => {
            crate::t!("compile.unknown_param_titled", name = s, title = title)
        }
        None => crate::t!("compile.unknown_param_none"),
    }
}

struct Compiler<'m> {
    m: &'m Checked,
    ops: Vec<Op>,
    /// The kind of each operation's value.
    kinds: Vec<Kind>,
    /// The weight of the indicator whose formula is being compiled (`weight` in formulas).
    weight: Option<Decimal>,
    /// The first problem met (a yearly read of a year not bound).
    error: Option<CompileError>,
    /// How many years back reads by `year` are moved (inside `all_years`).
    back: i32,
}

impl Compiler<'_> {
    fn push(&mut self, op: Op, kind: Kind) -> NodeId {
        self.ops.push(op);
        self.kinds.push(kind);
        (self.ops.len() - 1) as NodeId
    }

    /// The kind of node `n`.
    fn kind_of(&self, n: NodeId) -> Kind {
        self.kinds.get(n as usize).copied().unwrap_or(Kind::Bool)
    }

    /// Node `n` converted by `r`, if any.
    fn rescaled(&mut self, n: NodeId, r: Option<Rescale>) -> NodeId {
        match r {
            None => n,
            Some(r) => {
                let kind = match r {
                    Rescale::PointsToRatio => Kind::Ratio,
                    Rescale::RatioToPoints => Kind::Points,
                };
                self.push(Op::Rescale(n, r), kind)
            }
        }
    }

    /// Arithmetic or a comparison with the conversions its units need (the same rules
    /// the checker applied).
    fn binary(&mut self, op: BinOp, lhs: &Node<Expr>, rhs: &Node<Expr>) -> NodeId {
        let l = self.expr(lhs);
        let r = self.expr(rhs);
        let (lo, ro) = (
            quantities::operand(self.m, lhs, self.kind_of(l)),
            quantities::operand(self.m, rhs, self.kind_of(r)),
        );
        let numeric = lo.kind.is_numeric() && ro.kind.is_numeric();
        let typed = match op {
            BinOp::Logic(_) => None,
            BinOp::Cmp(_) if numeric => quantities::compare(lo, ro).ok(),
            BinOp::Cmp(_) => None,
            BinOp::Arith(a) => quantities::arith(a, lo, ro, self.weight.is_some()).ok(),
        };
        let (kind, cl, cr, cres) = match (op, typed) {
            (BinOp::Logic(_) | BinOp::Cmp(_), None) => (Kind::Bool, None, None, None),
            (BinOp::Arith(_), None) => (lo.kind, None, None, None),
            (_, Some(t)) => (t.kind, t.lhs, t.rhs, t.result),
        };
        let l = self.rescaled(l, cl);
        let r = self.rescaled(r, cr);
        let (node, before) = match op {
            BinOp::Logic(op) => (Op::Logic { op, lhs: l, rhs: r }, Kind::Bool),
            BinOp::Cmp(op) => (Op::Cmp { op, lhs: l, rhs: r }, Kind::Bool),
            BinOp::Arith(op) => {
                let before = match cres {
                    Some(Rescale::RatioToPoints) => Kind::Ratio,
                    Some(Rescale::PointsToRatio) => Kind::Points,
                    None => kind,
                };
                (Op::Arith { op, lhs: l, rhs: r }, before)
            }
        };
        let n = self.push(node, before);
        self.rescaled(n, cres)
    }

    fn text(&self, file: usize, e: &Node<Expr>) -> String {
        let src = self.m.units[file].source.text();
        src.get(e.span.start..e.span.end)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn set_priority(&mut self, p: &crate::check::PriorityInfo) -> SetPriority {
        let r = &p.decl.rule.node;
        let attrs = &p.decl.attrs;
        let document = self.m.units[p.file]
            .ast
            .items
            .iter()
            .find_map(|i| match &i.node {
                ast::Item::Header(h) => attr_text(&h.attrs, "document").map(str::to_string),
                _ => None,
            })
            .unwrap_or_default();
        SetPriority {
            rule: PriorityRule {
                label: r.label.node.clone(),
                when: Condition {
                    node: self.expr(&r.when),
                    text: self.text(p.file, &r.when),
                },
            },
            clause: attr_text(attrs, "clause").map(str::to_string),
            document,
            interpretations: ast::attr_texts(attrs, "interpretation"),
        }
    }

    fn criterion(&mut self, ci: &crate::check::CriterionInfo) -> Criterion {
        let d = &ci.decl;
        let f = ci.file;
        let applies: Vec<Condition> = d
            .applies
            .iter()
            .map(|a| Condition {
                node: self.expr(a),
                text: self.text(f, a),
            })
            .collect();
        let requires: Vec<Requirement> = d
            .requires
            .iter()
            .map(|r| {
                let r = &r.node;
                Requirement {
                    label: r.label.as_ref().map(|l| l.node.clone()),
                    cond: Condition {
                        node: self.expr(&r.cond),
                        text: self.text(f, &r.cond),
                    },
                    relax: r.relax.as_ref().map(|rx| {
                        let rx = &rx.node;
                        Relaxation {
                            when: Condition {
                                node: self.expr(&rx.when),
                                text: self.text(f, &rx.when),
                            },
                            then: Condition {
                                node: self.expr(&rx.then),
                                text: self.text(f, &rx.then),
                            },
                            clause: attr_text(&rx.attrs, "clause").map(str::to_string),
                            quote: attr_text(&rx.attrs, "quote").map(str::to_string),
                            note: attr_text(&rx.attrs, "note").map(str::to_string),
                            interpretation: attr_text(&rx.attrs, "interpretation")
                                .map(str::to_string),
                            discretionary: rx.discretionary,
                        }
                    }),
                }
            })
            .collect();
        let priorities: Vec<PriorityRule> = d
            .priorities
            .iter()
            .map(|p| PriorityRule {
                label: p.node.label.node.clone(),
                when: Condition {
                    node: self.expr(&p.node.when),
                    text: self.text(f, &p.node.when),
                },
            })
            .collect();
        let notes = d
            .attrs
            .iter()
            .filter(|a| a.key.node == "note")
            .filter_map(|a| match &a.value.node {
                ast::AttrValue::Text(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        // Every table lookup that decides the status (applies, requirements, relaxations):
        // a category without an entry makes the criterion not applicable.
        let mut lookups = Vec::new();
        for a in &applies {
            let a: &Condition = a;
            self.collect_lookups(a.node, &mut lookups);
        }
        for r in &requires {
            let r: &Requirement = r;
            self.collect_lookups(r.cond.node, &mut lookups);
            if let Some(rx) = &r.relax {
                self.collect_lookups(rx.when.node, &mut lookups);
                self.collect_lookups(rx.then.node, &mut lookups);
            }
        }
        let mut reads = Vec::new();
        let roots = applies
            .iter()
            .map(|a| a.node)
            .chain(requires.iter().flat_map(|r| {
                std::iter::once(r.cond.node)
                    .chain(r.relax.iter().flat_map(|rx| [rx.when.node, rx.then.node]))
            }));
        for n in roots.chain(priorities.iter().map(|p| p.when.node)) {
            self.collect_params(n, &mut reads);
        }
        let mut interpretations = ast::attr_texts(&d.attrs, "interpretation");
        interpretations.extend(
            requires
                .iter()
                .filter_map(|r| r.relax.as_ref()?.interpretation.clone()),
        );
        Criterion {
            lookups,
            interpretations,
            reads,
            id: d.id.node.clone(),
            label: d.label.node.clone(),
            clause: attr_text(&d.attrs, "clause").unwrap_or("").to_string(),
            quote: attr_text(&d.attrs, "quote").map(str::to_string),
            notes,
            ruleset: ci.ruleset.clone(),
            document: ci.document.clone(),
            applies,
            requires,
            priorities,
        }
    }

    fn evaluation(&mut self, e: &crate::check::EvaluationInfo) -> Evaluation {
        let mut leaves = Vec::new();
        let nodes: Vec<Indicator> = e
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                self.weight = Some(n.weight);
                let scoring = match &n.score {
                    ScoreSource::Expert => Scoring::Expert,
                    ScoreSource::FullWhen(x) => Scoring::FullWhen(Condition {
                        node: self.expr(x),
                        text: self.text(e.file, x),
                    }),
                    ScoreSource::Formula(x) => Scoring::Formula(Condition {
                        node: self.expr(x),
                        text: self.text(e.file, x),
                    }),
                };
                self.weight = None;
                let leaf = n.children.is_empty().then(|| {
                    leaves.push(i);
                    leaves.len() - 1
                });
                Indicator {
                    code: n.code.clone(),
                    label: n.label.clone(),
                    weight: n.weight,
                    parent: n.parent,
                    children: n.children.clone(),
                    depth: n.depth,
                    scoring,
                    aggregate: n.aggregate,
                    leaf,
                    note: n.note.clone(),
                }
            })
            .collect();
        Evaluation {
            id: e.id.clone(),
            label: e.label.clone(),
            total: e.total,
            formula: e.formula.clone(),
            clause: e.clause.clone(),
            note: e.note.clone(),
            interpretations: e.interpretations.clone(),
            nodes,
            roots: e.roots.clone(),
            leaves,
            grades: e.grades.clone(),
            grades_label: e.grades_label.clone(),
            grades_clause: e.grades_clause.clone(),
        }
    }

    /// Every parameter a condition reads, in order of first appearance; a table lookup
    /// reads every entry of the table.
    fn collect_params(&self, n: NodeId, out: &mut Vec<usize>) {
        let mut push = |p: usize| {
            if !out.contains(&p) {
                out.push(p);
            }
        };
        for m in nodes_under(&self.ops, n) {
            let op = self.ops[m as usize];
            if let Op::Param(p) = op {
                push(p as usize);
            }
            if let Op::Lookup { table, .. } | Op::InTable { table, .. } = op {
                let of_table = |p: &&crate::check::ParamInfo| {
                    p.table.is_some_and(|(t, _)| t == table as usize)
                };
                for (i, _) in self
                    .m
                    .params
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| of_table(p))
                {
                    push(i);
                }
            }
        }
    }

    fn collect_lookups(&self, n: NodeId, out: &mut Vec<(u32, NodeId)>) {
        let op = self.ops[n as usize];
        if let Op::Lookup { table, key } = op {
            if !out.contains(&(table, key)) {
                out.push((table, key));
            }
            return;
        }
        for x in op.children() {
            self.collect_lookups(x, out);
        }
    }

    /// The members of a list `[a, b, …]` as a bit set, when every item names a member
    /// among the first 64 of its set.
    fn member_bits(&self, xs: &[Node<Expr>]) -> Option<u64> {
        xs.iter().try_fold(0u64, |bits, x| {
            let Expr::Name(p) = &x.node else {
                return None;
            };
            match self.m.resolve(&p.to_string()) {
                Some(Symbol::Member(_, i)) if i < 64 => Some(bits | 1 << i),
                Some(_) | None => None,
            }
        })
    }

    /// `item in [x, y, …]` for any list (parameters, facts, members beyond the 64th):
    /// `item = x or item = y or …`, false for an empty list.
    fn any_equal(&mut self, item: NodeId, xs: &[Node<Expr>]) -> NodeId {
        let mut acc: Option<NodeId> = None;
        for x in xs {
            let rhs = self.expr(x);
            let eq = self.push(
                Op::Cmp {
                    op: CmpOp::Eq,
                    lhs: item,
                    rhs,
                },
                Kind::Bool,
            );
            acc = Some(match acc {
                None => eq,
                Some(lhs) => self.push(
                    Op::Logic {
                        op: LogicOp::Or,
                        lhs,
                        rhs: eq,
                    },
                    Kind::Bool,
                ),
            });
        }
        match acc {
            Some(n) => n,
            None => self.push(Op::Const(Const::Bool(false)), Kind::Bool),
        }
    }

    fn expr(&mut self, e: &Node<Expr>) -> NodeId {
        let (op, kind) = match &e.node {
            Expr::Quantity(q) => match crate::check::quantity_const(q) {
                Ok((k, c, _)) => (Op::Const(c), k),
                Err(_) => (Op::Const(Const::Num(Decimal::ZERO)), Kind::Number),
            },
            Expr::Bool(b) => (Op::Const(Const::Bool(*b)), Kind::Bool),
            Expr::Name(p) if self.weight.is_some() && p.0.len() == 1 && p.0[0] == "weight" => (
                Op::Const(Const::Num(self.weight.unwrap_or_default())),
                Kind::Number,
            ),
            Expr::Call { name, args, .. } if name.node == "all_years" => {
                return self.all_years(args);
            }
            Expr::Call { name, args, within } => {
                let fact_of = |c: &Compiler<'_>, n: &str| match c.m.resolve(n) {
                    Some(Symbol::Fact(f)) => f as u32,
                    _ => 0,
                };
                let kind = match name.node.as_str() {
                    "rank" => Some(StatKind::Rank),
                    "group_size" => Some(StatKind::GroupSize),
                    "percentile" => Some(StatKind::Percentile),
                    "top" => Some(StatKind::Top),
                    "share" => Some(StatKind::Share),
                    _ => None,
                };
                match (kind, args.as_slice()) {
                    (Some(kind), [a]) => {
                        let fact = match &a.node {
                            Expr::Name(p) => fact_of(self, &p.to_string()),
                            _ => 0,
                        };
                        // `within POPULATION` ranks over every town (the population).
                        let whole = |w: &&Node<String>| {
                            self.m.population.as_ref().is_some_and(|p| p.id == w.node)
                        };
                        let within = within
                            .as_ref()
                            .filter(|w| !whole(w))
                            .map(|w| fact_of(self, &w.node));
                        let k = match kind {
                            StatKind::Rank | StatKind::GroupSize => Kind::Count,
                            StatKind::Percentile | StatKind::Top | StatKind::Share => Kind::Percent,
                        };
                        (Op::Stat { kind, fact, within }, k)
                    }
                    (None, [a, b]) => {
                        let (a, b) = (self.expr(a), self.expr(b));
                        let k = match self.kind_of(a) {
                            Kind::Number => self.kind_of(b),
                            k => k,
                        };
                        if name.node == "min" {
                            (Op::Min(a, b), k)
                        } else {
                            (Op::Max(a, b), k)
                        }
                    }
                    _ => (Op::Const(Const::Bool(false)), Kind::Bool),
                }
            }
            Expr::Name(p) => match self.m.resolve(&p.to_string()) {
                Some(Symbol::Fact(i)) => (Op::Fact(i as u32), self.m.facts[i].kind),
                Some(Symbol::Param(i)) => (Op::Param(i as u32), self.m.params[i].kind),
                Some(Symbol::Member(s, i)) => {
                    (Op::Const(Const::Member(i as u16)), Kind::Category(s))
                }
                Some(Symbol::Table(_)) | None => (Op::Const(Const::Bool(false)), Kind::Bool),
            },
            Expr::List(_) => (Op::Const(Const::Bool(false)), Kind::Bool),
            Expr::Index { base, key } if matches!(&base.node, Expr::Name(p) if matches!(self.m.resolve(&p.to_string()), Some(Symbol::Fact(_)))) =>
            {
                let k = match &base.node {
                    Expr::Name(p) => match self.m.resolve(&p.to_string()) {
                        Some(Symbol::Fact(f)) => self.m.facts[f].kind,
                        _ => Kind::Number,
                    },
                    _ => Kind::Number,
                };
                (self.year_read(base, key, e), k)
            }
            Expr::Index { base, key } => {
                let table = match &base.node {
                    Expr::Name(p) => match self.m.resolve(&p.to_string()) {
                        Some(Symbol::Table(t)) => t as u32,
                        _ => 0,
                    },
                    _ => 0,
                };
                let key = self.expr(key);
                let k = self
                    .m
                    .tables
                    .get(table as usize)
                    .map_or(Kind::Number, |t| t.kind);
                (Op::Lookup { table, key }, k)
            }
            Expr::In { item, set } => {
                let item = self.expr(item);
                let op = match &set.node {
                    Expr::List(xs) => match self.member_bits(xs) {
                        Some(members) => Op::InList { item, members },
                        None => return self.any_equal(item, xs),
                    },
                    Expr::Name(p) => match self.m.resolve(&p.to_string()) {
                        Some(Symbol::Table(t)) => Op::InTable {
                            item,
                            table: t as u32,
                        },
                        _ => Op::Const(Const::Bool(false)),
                    },
                    _ => Op::Const(Const::Bool(false)),
                };
                (op, Kind::Bool)
            }
            Expr::Unary { op, operand } => {
                let x = self.expr(operand);
                match op {
                    UnOp::Not => (Op::Not(x), Kind::Bool),
                    UnOp::Neg => (Op::Neg(x), self.kind_of(x)),
                }
            }
            Expr::Binary { op, lhs, rhs } => return self.binary(*op, lhs, rhs),
        };
        self.push(op, kind)
    }
}

impl Compiler<'_> {
    /// `all_years(COND, N)`: `COND` in the evaluation year, and in each of the `N - 1`
    /// years before, joined by `and` (the evaluation year first).
    fn all_years(&mut self, args: &[Node<Expr>]) -> NodeId {
        let [cond, count] = args else {
            return self.push(Op::Const(Const::Bool(false)), Kind::Bool);
        };
        let n = crate::check::year_count(&count.node).unwrap_or(1);
        let saved = self.back;
        let mut acc: Option<NodeId> = None;
        for back in 0..n {
            self.back = saved + back;
            let c = self.expr(cond);
            acc = Some(match acc {
                None => c,
                Some(lhs) => self.push(
                    Op::Logic {
                        op: LogicOp::And,
                        lhs,
                        rhs: c,
                    },
                    Kind::Bool,
                ),
            });
        }
        self.back = saved;
        match acc {
            Some(a) => a,
            None => self.push(Op::Const(Const::Bool(false)), Kind::Bool),
        }
    }

    /// `output_value[year - 1]`: the fact of that year, added by [`crate::check::bind_year`].
    fn year_read(&mut self, base: &Node<Expr>, key: &Node<Expr>, e: &Node<Expr>) -> Op {
        let Expr::Name(p) = &base.node else {
            return Op::Const(Const::Bool(false));
        };
        let Some(Symbol::Fact(f)) = self.m.resolve(&p.to_string()) else {
            return Op::Const(Const::Bool(false));
        };
        let year =
            crate::check::year_at(&key.node).and_then(|at| at.back(self.back).resolve(self.m.year));
        let id = year.map(|y| crate::check::year_id(&self.m.facts[f].id, y));
        match id.and_then(|id| self.m.resolve(&id)) {
            Some(Symbol::Fact(i)) => Op::Fact(i as u32),
            _ => {
                if self.error.is_none() {
                    let read = self.text(self.m.root, e);
                    self.error = Some(CompileError::NoYear { read });
                }
                Op::Const(Const::Bool(false))
            }
        }
    }
}
