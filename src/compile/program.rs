//! The resolved form of a rule set.

use crate::check::quantities::Rescale;
use crate::check::{
    CategorySet, Const, FactInfo, HeaderInfo, Kind, ParamInfo, TableInfo, TargetInfo,
};
use crate::source::Source;
use crate::syntax::ast::{ArithOp, CmpOp, LogicOp};

/// Index of an [`Op`] in [`RuleSet::ops`].
pub type NodeId = u32;

/// One operation of a compiled condition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// The value of a town fact (by fact index).
    Fact(u32),
    /// The value of a parameter in force (by parameter index).
    Param(u32),
    /// A constant.
    Const(Const),
    /// The table entry for a category: `min_output[category]`.
    Lookup {
        /// Table index.
        table: u32,
        /// The category.
        key: NodeId,
    },
    /// Whether a category is covered by a table.
    InTable {
        /// The category.
        item: NodeId,
        /// Table index.
        table: u32,
    },
    /// Whether a category is among a set of members (bit i = member i).
    InList {
        /// The category.
        item: NodeId,
        /// Bit set of members.
        members: u64,
    },
    /// Kleene negation.
    Not(NodeId),
    /// Arithmetic negation.
    Neg(NodeId),
    /// Kleene conjunction or disjunction.
    Logic {
        /// The connective.
        op: LogicOp,
        /// Left side.
        lhs: NodeId,
        /// Right side.
        rhs: NodeId,
    },
    /// A comparison.
    Cmp {
        /// The operator.
        op: CmpOp,
        /// Left side.
        lhs: NodeId,
        /// Right side.
        rhs: NodeId,
    },
    /// A statistic of a fact over the towns evaluated together (or those with the same
    /// value of `within`): rank, group size, percentile, top share or share of the sum.
    Stat {
        /// Which statistic.
        kind: StatKind,
        /// The fact.
        fact: u32,
        /// Grouping fact (`within county`).
        within: Option<u32>,
    },
    /// The smaller of two numbers.
    Min(NodeId, NodeId),
    /// The larger of two numbers.
    Max(NodeId, NodeId),
    /// A percentage read as a ratio (points ÷ 100), or a ratio as points (× 100): put in
    /// by the compiler where units require it (`check::quantities`), never written.
    Rescale(NodeId, Rescale),
    /// Arithmetic.
    Arith {
        /// The operator.
        op: ArithOp,
        /// Left side.
        lhs: NodeId,
        /// Right side.
        rhs: NodeId,
    },
}

impl Op {
    /// A comparison's operator and sides (`None` for every other operation).
    pub fn comparison(&self) -> Option<(crate::syntax::ops::CmpOp, NodeId, NodeId)> {
        match *self {
            Op::Cmp { op, lhs, rhs } => Some((op, lhs, rhs)),
            Op::Fact(_)
            | Op::Param(_)
            | Op::Const(_)
            | Op::Lookup { .. }
            | Op::InTable { .. }
            | Op::InList { .. }
            | Op::Not(_)
            | Op::Neg(_)
            | Op::Logic { .. }
            | Op::Arith { .. }
            | Op::Rescale(..)
            | Op::Stat { .. }
            | Op::Min(..)
            | Op::Max(..) => None,
        }
    }

    /// The operations this one reads, in evaluation order (at most two).
    pub fn children(&self) -> impl Iterator<Item = NodeId> {
        let (a, b) = match *self {
            Op::Fact(_) | Op::Param(_) | Op::Const(_) | Op::Stat { .. } => (None, None),
            Op::Lookup { key: x, .. }
            | Op::InTable { item: x, .. }
            | Op::InList { item: x, .. }
            | Op::Not(x)
            | Op::Neg(x)
            | Op::Rescale(x, _) => (Some(x), None),
            Op::Logic { lhs, rhs, .. }
            | Op::Cmp { lhs, rhs, .. }
            | Op::Arith { lhs, rhs, .. }
            | Op::Min(lhs, rhs)
            | Op::Max(lhs, rhs) => (Some(lhs), Some(rhs)),
        };
        a.into_iter().chain(b)
    }
}

/// Every node of the condition at `n`: itself, then its operands', depth first.
pub fn nodes_under(ops: &[Op], n: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut todo = vec![n];
    while let Some(m) = todo.pop() {
        out.push(m);
        if let Some(op) = ops.get(m as usize) {
            let kids: Vec<NodeId> = op.children().collect();
            todo.extend(kids.into_iter().rev());
        }
    }
    out
}

/// A statistic over the group of towns evaluated together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatKind {
    /// `rank(x)`: 1 for the highest value; ties share the best rank.
    Rank,
    /// `group_size(x)`: towns in the group with a value of `x`.
    GroupSize,
    /// `percentile(x)`: share of the group with a value at most this town's (100% = highest).
    Percentile,
    /// `top(x)`: rank ÷ group size as a percentage (the top 30% have `top(x) <= 30%`).
    Top,
    /// `share(x)`: this town's value as a percentage of the group's sum.
    Share,
}

impl StatKind {
    /// The function's name in rule text.
    pub fn name(self) -> &'static str {
        match self {
            StatKind::Rank => "rank",
            StatKind::GroupSize => "group_size",
            StatKind::Percentile => "percentile",
            StatKind::Top => "top",
            StatKind::Share => "share",
        }
    }
}

/// How a leaf indicator is scored.
#[derive(Debug, Clone)]
pub enum Scoring {
    /// From the experts' sheets.
    Expert,
    /// Full weight when the condition holds, else 0.
    FullWhen(Condition),
    /// A formula over facts.
    Formula(Condition),
}

/// A compiled indicator-tree node.
#[derive(Debug, Clone)]
pub struct Indicator {
    /// Code, e.g. `A1.1`.
    pub code: String,
    /// The document's label.
    pub label: String,
    /// Declared weight.
    pub weight: rust_decimal::Decimal,
    /// Parent node.
    pub parent: Option<usize>,
    /// Children.
    pub children: Vec<usize>,
    /// Level (1 = first level).
    pub depth: usize,
    /// For leaves: how scored.
    pub scoring: Scoring,
    /// How children combine.
    pub aggregate: crate::check::Aggregate,
    /// For leaves: the index among [`Evaluation::leaves`].
    pub leaf: Option<usize>,
    /// Note.
    pub note: Option<String>,
}

/// A compiled evaluation indicator system.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Identifier.
    pub id: String,
    /// Title.
    pub label: String,
    /// Total points.
    pub total: rust_decimal::Decimal,
    /// How the total is formed, as written.
    pub formula: String,
    /// Clause.
    pub clause: Option<String>,
    /// The system's note, shown with it.
    pub note: Option<String>,
    /// This rule set's readings of the system, its indicators and grade table (e.g. a
    /// reconstructed formula), shown as 本规则集的理解.
    pub interpretations: Vec<String>,
    /// All nodes.
    pub nodes: Vec<Indicator>,
    /// First-level nodes.
    pub roots: Vec<usize>,
    /// Leaf nodes in order (the items experts score).
    pub leaves: Vec<usize>,
    /// Grade bands.
    pub grades: Vec<crate::check::GradeBand>,
    /// Grade table title.
    pub grades_label: String,
    /// Grade table clause.
    pub grades_clause: Option<String>,
}

impl Evaluation {
    /// A node by code or label.
    pub fn node_by_name(&self, name: &str) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.code == name)
            .or_else(|| self.nodes.iter().position(|n| n.label == name))
    }
    /// The highest total the tree allows: every item at its full weight, each level
    /// capped at its own weight as scoring does. Below [`Evaluation::total`] when a
    /// level's items add up to less than its weight (Xinzhou 表A.1: C 绿色发展 is 15,
    /// its items 4 + 8 + 2 = 14, so at most 99 of 100).
    pub fn attainable(&self) -> rust_decimal::Decimal {
        let max = self.attainable_nodes();
        self.roots
            .iter()
            .map(|&r| max[r])
            .sum::<rust_decimal::Decimal>()
            .normalize()
    }

    /// The highest score of every node (in the order of [`Evaluation::nodes`]), as
    /// [`Evaluation::attainable`] computes them.
    pub fn attainable_nodes(&self) -> Vec<rust_decimal::Decimal> {
        let mut max: Vec<rust_decimal::Decimal> = self.nodes.iter().map(|n| n.weight).collect();
        // Children come after their parent, so walk backwards.
        for i in (0..self.nodes.len()).rev() {
            let node = &self.nodes[i];
            if node.children.is_empty() {
                continue;
            }
            let raw = match node.aggregate {
                crate::check::Aggregate::SumCapped => node.children.iter().map(|&c| max[c]).sum(),
                // Every child at its full ratio: the weight itself.
                crate::check::Aggregate::Geometric => node.weight,
            };
            max[i] = raw.min(node.weight);
        }
        max
    }

    /// The grade of a total (exact; never rounded).
    pub fn grade(&self, total: rust_decimal::Decimal) -> Option<usize> {
        self.grades.iter().position(|g| g.contains(total))
    }

    /// The next band up from an exact total: the band with the lowest lower bound above
    /// the total, and how far the total is from that bound (exact). `None` in the top band.
    pub fn next_grade(&self, total: rust_decimal::Decimal) -> Option<NextGrade> {
        self.grades
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.contains(total))
            .filter_map(|(i, g)| {
                let (bound, inclusive) = g.lower?;
                (bound > total || (bound == total && !inclusive)).then_some((i, bound, inclusive))
            })
            .min_by_key(|&(_, bound, _)| bound)
            .map(|(grade, bound, inclusive)| NextGrade {
                grade,
                bound,
                inclusive,
                distance: (bound - total).normalize(),
            })
    }
}

/// The band above a total and the distance to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextGrade {
    /// Index in [`Evaluation::grades`].
    pub grade: usize,
    /// Its lower bound.
    pub bound: rust_decimal::Decimal,
    /// Whether the bound itself is in the band (`>= 90`), or the total must pass it (`> 90`).
    pub inclusive: bool,
    /// The bound minus the total (exact, positive or zero).
    pub distance: rust_decimal::Decimal,
}

/// A compiled condition with its source text (for explanations).
#[derive(Debug, Clone)]
pub struct Condition {
    /// Root of the condition in [`RuleSet::ops`].
    pub node: NodeId,
    /// The condition as written, on one line.
    pub text: String,
}

/// The relaxation clause of a requirement.
#[derive(Debug, Clone)]
pub struct Relaxation {
    /// When it applies.
    pub when: Condition,
    /// What is required instead.
    pub then: Condition,
    /// Its clause.
    pub clause: Option<String>,
    /// The document's words.
    pub quote: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// This rule set's reading of the relaxation (e.g. which threshold it relaxes).
    pub interpretation: Option<String>,
    /// Whether the document leaves the relaxation to the authority's discretion (可适当放宽):
    /// a criterion met only through it is met with a discretionary mark.
    pub discretionary: bool,
}

/// One `require` of a criterion.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// What it means, as written: a template whose `{parameter}` parts are replaced by
    /// the values in force ([`Requirement::label_text`]).
    pub label: Option<String>,
    /// The normal condition.
    pub cond: Condition,
    /// The exception, if any.
    pub relax: Option<Relaxation>,
}

/// A priority flag (优先评定).
#[derive(Debug, Clone)]
pub struct PriorityRule {
    /// The reason, as the document words it.
    pub label: String,
    /// When it is raised.
    pub when: Condition,
}

/// A priority flag of the whole rule set (`priority "…" when COND { clause … }` on its
/// own): raised for a town whatever its criteria.
#[derive(Debug, Clone)]
pub struct SetPriority {
    /// The document's sentence and the condition.
    pub rule: PriorityRule,
    /// The clause it rests on.
    pub clause: Option<String>,
    /// The document of the rule set that declared it.
    pub document: String,
    /// This rule set's readings of it.
    pub interpretations: Vec<String>,
}

/// A compiled recognition criterion.
#[derive(Debug, Clone)]
pub struct Criterion {
    /// Identifier.
    pub id: String,
    /// Chinese label.
    pub label: String,
    /// Clause it rests on, e.g. `二（四）`.
    pub clause: String,
    /// The document's words.
    pub quote: Option<String>,
    /// Notes (background, shown as 注).
    pub notes: Vec<String>,
    /// This rule set's readings declared on the criterion and its relaxations
    /// (`interpretation "…"`); with those of the parameters it reads:
    /// [`RuleSet::interpretations`].
    pub interpretations: Vec<String>,
    /// The parameters its conditions read (every entry of a table it looks up).
    pub reads: Vec<usize>,
    /// Rule set that declared it.
    pub ruleset: String,
    /// Document of that rule set.
    pub document: String,
    /// Applicability conditions (false → not applicable).
    pub applies: Vec<Condition>,
    /// Requirements, all of which must hold.
    pub requires: Vec<Requirement>,
    /// Priority flags.
    pub priorities: Vec<PriorityRule>,
    /// Every table lookup of the applicability conditions and requirements (table, key): a
    /// category a table does not cover makes the criterion not applicable.
    pub lookups: Vec<(u32, NodeId)>,
}

impl Requirement {
    /// The label with every `{parameter}` replaced by its value in force, as written
    /// (`10户`), or `待定数值` for a parameter without one (the explanation says once why).
    pub fn label_text(&self, rs: &RuleSet) -> Option<String> {
        let label = self.label.as_deref()?;
        Some(crate::syntax::template::render(label, |name| {
            let current = rs.param_index(name).and_then(|p| rs.params[p].current());
            match current {
                // A what-if value says so where it stands: `上下游配套企业200户（假设值）以上`.
                Some(v) if v.is_what_if() => {
                    format!("{}（假设值）", v.written.as_deref().unwrap_or("待定数值"))
                }
                Some(v) => v.written.clone().unwrap_or_else(|| "待定数值".to_string()),
                None => "待定数值".to_string(),
            }
        }))
    }
}

impl Criterion {
    /// The conditions that decide the criterion's status: applies, requirements and
    /// their relaxations (priorities do not), and the keys of its table lookups.
    pub fn status_roots(&self) -> impl Iterator<Item = NodeId> + '_ {
        let applies = self.applies.iter().map(|a| a.node);
        let requires = self.requires.iter().flat_map(|r| {
            std::iter::once(r.cond.node)
                .chain(r.relax.iter().flat_map(|rx| [rx.when.node, rx.then.node]))
        });
        let keys = self.lookups.iter().map(|&(_, key)| key);
        applies.chain(requires).chain(keys)
    }
}

/// A what-if change: a parameter set after the rule files were read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Override {
    /// The parameter.
    pub name: String,
    /// Its value in the rule files, as written (`None`: a draft without a value).
    pub old: Option<String>,
    /// Who states that value: `文件` (the document), `本规则集的理解` (a reading of ours,
    /// `interpretation`) or `文件中的假设值` (a what-if saved in the file).
    pub old_basis: String,
    /// The value assumed, as typed.
    pub new: String,
}

/// The date dated parameter values are read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsOf {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Given on the command line (`--date`, the REPL's `date`), not the rule set's own date.
    pub given: bool,
}

impl AsOf {
    /// `2022-09-26（规则集日期）` or `2025-06-30（命令行 --date）`.
    pub fn text(&self) -> String {
        let why = if self.given {
            "指定日期"
        } else {
            "规则集日期"
        };
        format!("{}（{why}）", self.date)
    }
}

/// A compiled rule set: what evaluation runs.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Header of the rule set.
    pub header: HeaderInfo,
    /// The date dated parameter values are read at (`None`: the rule set has no date).
    pub as_of: Option<AsOf>,
    /// The evaluation year that yearly facts were read for, if any.
    pub year: Option<i32>,
    /// Facts (index = fact slot = data column).
    pub facts: Vec<FactInfo>,
    /// Category sets.
    pub categories: Vec<CategorySet>,
    /// Parameters, with the history of their values.
    pub params: Vec<ParamInfo>,
    /// Tables by category.
    pub tables: Vec<TableInfo>,
    /// Criteria in order.
    pub criteria: Vec<Criterion>,
    /// The arena of condition operations.
    pub ops: Vec<Op>,
    /// The kind of each operation's value (by the same index): how it is shown.
    pub kinds: Vec<Kind>,
    /// Targets of the document.
    pub targets: Vec<TargetInfo>,
    /// The towns rankings are meant over, if declared.
    pub population: Option<crate::check::PopulationInfo>,
    /// Priority flags of the whole rule set (those of criteria are on the criteria).
    pub priorities: Vec<SetPriority>,
    /// The root rule file's name.
    pub source_file: String,
    /// Texts of all files the rule set was built from.
    pub sources: Vec<Source>,
    /// The evaluation indicator system, if the rule set has one.
    pub evaluation: Option<Evaluation>,
}

impl RuleSet {
    /// This rule set's readings behind criterion `c`, each once, in order: those declared
    /// on the criterion and its relaxations, then those of the parameter values in force
    /// that it reads (a value set as a what-if carries none).
    pub fn interpretations(&self, c: usize) -> Vec<&str> {
        let crit = &self.criteria[c];
        let mut out: Vec<&str> = crit.interpretations.iter().map(String::as_str).collect();
        for &p in &crit.reads {
            let reading = self.params[p]
                .current()
                .and_then(|v| v.provenance.interpretation.as_deref());
            if let Some(r) = reading {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        out
    }
    /// A fact's index by id.
    pub fn fact_index(&self, id: &str) -> Option<usize> {
        self.facts.iter().position(|f| f.id == id)
    }
    /// Whether some requirement has a relaxation left to the authority's discretion (so
    /// reports carry the discretionary mark).
    pub fn has_discretionary(&self) -> bool {
        self.criteria
            .iter()
            .flat_map(|c| &c.requires)
            .any(|r| r.relax.as_ref().is_some_and(|x| x.discretionary))
    }
    /// The what-if changes in force: every parameter whose value was set after the rule
    /// files were read (`--set`, the REPL's `set`), with the value the files give.
    pub fn overrides(&self) -> Vec<Override> {
        self.params
            .iter()
            .filter_map(|p| {
                let now = p.current()?;
                if now.file != usize::MAX {
                    return None;
                }
                // The files' value in force at the date read at (of dated values, not
                // the last one written).
                let mut files = p.clone();
                files.history.retain(|v| v.file != usize::MAX);
                let was = files.current();
                let old = was.and_then(|v| v.written.clone());
                let old_basis = match was.map(|v| &v.provenance) {
                    Some(pv) if pv.what_if.is_some() => "文件中的假设值",
                    Some(pv) if pv.interpretation.is_some() => "本规则集的理解",
                    Some(_) | None => "文件",
                };
                Some(Override {
                    name: p.name.clone(),
                    old,
                    old_basis: old_basis.to_string(),
                    new: now.written.clone().unwrap_or_default(),
                })
            })
            .collect()
    }
    /// A criterion's index by id.
    pub fn criterion_index(&self, id: &str) -> Option<usize> {
        self.criteria.iter().position(|c| c.id == id)
    }
    /// A parameter's index by name.
    pub fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }
    /// A parameter's index by name, where a table entry may also be named by its
    /// member's label or alias, as in rule files (`min_output.制造业`).
    pub fn resolve_param(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.param_index(name) {
            return Some(i);
        }
        let (table, member) = name.rsplit_once('.')?;
        let t = self.tables.iter().find(|t| t.name == table)?;
        let m = self.categories.get(t.set)?.members.iter().position(|m| {
            m.id == member || m.label == member || m.aliases.iter().any(|a| a == member)
        })?;
        t.entries.get(m).copied().flatten()
    }
}
