//! Which parts of a rule set read which town facts: so that a fact the data lacks is
//! reported only when something reads it, naming what.

use super::{NodeId, Op, RuleSet, Scoring};

/// A part of a rule set that reads facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Criterion (index): its applicability, requirements or relaxations.
    Criterion(usize),
    /// A priority clause of criterion (index).
    Priority(usize),
    /// Indicator (index in the evaluation system's nodes) scored from facts.
    Indicator(usize),
    /// Priority flag (index) of the whole rule set.
    SetPriority(usize),
}

impl RuleSet {
    /// For every fact, the parts of the rule set that read it, in rule order, each once.
    /// A statistic (`rank(x within county)`) reads both facts.
    pub fn fact_readers(&self) -> Vec<Vec<Reader>> {
        let mut out: Vec<Vec<Reader>> = vec![Vec::new(); self.facts.len()];
        let note = |n: NodeId, who: Reader, out: &mut Vec<Vec<Reader>>| {
            let mut facts = Vec::new();
            self.facts_of(n, &mut facts);
            for f in facts {
                if let Some(v) = out.get_mut(f) {
                    if !v.contains(&who) {
                        v.push(who);
                    }
                }
            }
        };
        for (c, crit) in self.criteria.iter().enumerate() {
            let conds = crit
                .applies
                .iter()
                .map(|a| a.node)
                .chain(crit.requires.iter().flat_map(|r| {
                    std::iter::once(r.cond.node)
                        .chain(r.relax.iter().flat_map(|x| [x.when.node, x.then.node]))
                }));
            for n in conds {
                note(n, Reader::Criterion(c), &mut out);
            }
            for p in &crit.priorities {
                note(p.when.node, Reader::Priority(c), &mut out);
            }
        }
        for (i, p) in self.priorities.iter().enumerate() {
            note(p.rule.when.node, Reader::SetPriority(i), &mut out);
        }
        if let Some(e) = &self.evaluation {
            for (i, node) in e.nodes.iter().enumerate() {
                match &node.scoring {
                    Scoring::FullWhen(x) | Scoring::Formula(x) => {
                        note(x.node, Reader::Indicator(i), &mut out);
                    }
                    Scoring::Expert => {}
                }
            }
        }
        out
    }

    /// Whether a file of `towns` towns can be the whole population rankings are meant
    /// over: the rule set declares the population's size and the file has at least as many.
    pub fn population_complete(&self, towns: usize) -> bool {
        self.population
            .as_ref()
            .and_then(|p| p.towns)
            .is_some_and(|n| towns as u64 >= n)
    }

    /// The warning for rankings over a file of `towns` towns that cannot be the whole
    /// population (fewer towns than declared, or no declaration), when some statistic of
    /// the rule set ranks over every town (not `within` a group).
    pub fn ranking_warning(&self, towns: usize) -> Option<String> {
        let ranks = self
            .ops
            .iter()
            .any(|op| matches!(op, Op::Stat { within: None, .. }));
        if !ranks || self.population_complete(towns) {
            return None;
        }
        Some(match &self.population {
            Some(p) => match p.towns {
                Some(n) => crate::t!(
                    "compile.ranking_fewer",
                    towns = towns,
                    n = n,
                    id = p.id,
                    label = p.label
                ),
                None => crate::t!(
                    "compile.ranking_uncounted",
                    towns = towns,
                    id = p.id,
                    label = p.label
                ),
            },
            None => crate::t!("compile.ranking_no_population", towns = towns),
        })
    }

    /// The facts a condition reads.
    fn facts_of(&self, n: NodeId, out: &mut Vec<usize>) {
        for m in super::nodes_under(&self.ops, n) {
            let op = self.ops[m as usize];
            if let Op::Fact(f) = op {
                out.push(f as usize);
            }
            if let Op::Stat { fact, within, .. } = op {
                out.push(fact as usize);
                out.extend(within.map(|w| w as usize));
            }
        }
    }

    /// What a reader is, in staff words: `三（六） 就业带动性强`, `二（五） 的优先评定`,
    /// `指标 A1.1 产业规模`.
    pub fn reader_label(&self, r: Reader) -> String {
        match r {
            Reader::Criterion(c) => {
                let c = &self.criteria[c];
                format!("{} {}", c.clause, c.label).trim().to_string()
            }
            Reader::Priority(c) => {
                let c = &self.criteria[c];
                format!("{} {}的优先评定", c.clause, c.label)
                    .trim()
                    .to_string()
            }
            Reader::SetPriority(i) => self
                .priorities
                .get(i)
                .map(|p| {
                    format!("{} 优先评定", p.clause.as_deref().unwrap_or(""))
                        .trim()
                        .to_string()
                })
                .unwrap_or_default(),
            Reader::Indicator(i) => self
                .evaluation
                .as_ref()
                .and_then(|e| e.nodes.get(i))
                .map(|n| format!("指标 {} {}", n.code, n.label))
                .unwrap_or_default(),
        }
    }
}
