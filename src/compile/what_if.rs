//! What-if values in force, however they came: set after the rule files were read
//! (`--set`, the REPL's `set`: [`RuleSet::overrides`]) or saved in a rule file by the
//! REPL (`what_if "由 10户 改为 9户（…）"`). A result that reads either is a what-if,
//! never a formal conclusion, and every report says so; parameters are named in words
//! (`上下游配套企业数门槛`), as a reply to a town would name them.

use super::program::{Op, RuleSet};

/// A what-if value saved in a rule file and in force.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SavedWhatIf {
    /// The parameter.
    pub name: String,
    /// Its value in force, as written.
    pub value: String,
    /// The file's `what_if` note: `由 10户 改为 9户（2026-12-01 REPL 保存）`.
    pub note: String,
}

impl RuleSet {
    /// The what-if values saved in the rule files and in force (not replaced by one set
    /// after the files were read, which [`RuleSet::overrides`] lists).
    pub fn saved_what_ifs(&self) -> Vec<SavedWhatIf> {
        self.params
            .iter()
            .filter_map(|p| {
                let now = p.current()?;
                let note = now.provenance.what_if.clone()?;
                (now.file != usize::MAX).then(|| SavedWhatIf {
                    name: p.name.clone(),
                    value: now.written.clone().unwrap_or_default(),
                    note,
                })
            })
            .collect()
    }

    /// Whether any value in force is a what-if (set on the command line or in the REPL,
    /// or saved in a rule file): results are then a what-if analysis.
    pub fn is_what_if(&self) -> bool {
        !self.overrides().is_empty() || !self.saved_what_ifs().is_empty()
    }

    /// A parameter named in words, for people: what it is the threshold of
    /// (`上下游配套企业数门槛`, `特色主导产业年产值门槛（制造业类）`), else its name.
    pub fn param_title(&self, name: &str) -> String {
        let Some(p) = self.param_index(name) else {
            return name.to_string();
        };
        let info = &self.params[p];
        let class = info.table.and_then(|(t, m)| {
            let set = self.tables.get(t)?.set;
            Some(format!(
                "（{}类）",
                self.categories.get(set)?.members.get(m)?.label
            ))
        });
        match self.compared_fact(p) {
            Some(f) => format!("{}门槛{}", self.facts[f].label, class.unwrap_or_default()),
            None => name.to_string(),
        }
    }

    /// The fact parameter `p` is a threshold of: the town fact on the other side of the
    /// first comparison that reads it (directly, or as its table's entry).
    pub(super) fn compared_fact(&self, p: usize) -> Option<usize> {
        let table = self.params[p].table.map(|(t, _)| t);
        let reads_p = |n: u32| {
            let op = self.ops[self.through_rescale(n) as usize];
            if let Op::Param(q) = op {
                return q as usize == p;
            }
            matches!(op, Op::Lookup { table: t, .. } if Some(t as usize) == table)
        };
        self.ops.iter().find_map(|op| {
            let (_, lhs, rhs) = op.comparison()?;
            let fact = |n: u32| {
                let Op::Fact(f) = self.ops[self.through_rescale(n) as usize] else {
                    return None;
                };
                Some(f as usize)
            };
            match (reads_p(rhs), reads_p(lhs)) {
                (true, _) => fact(lhs),
                (false, true) => fact(rhs),
                (false, false) => None,
            }
        })
    }

    /// Operation `n` without the unit conversions the compiler put around it.
    fn through_rescale(&self, mut n: u32) -> u32 {
        while let Op::Rescale(x, _) = self.ops[n as usize] {
            n = x;
        }
        n
    }
}
