//! The `ruleset` record, written once at the head of a report: where the report comes
//! from (tool, files with hashes, git revision, date, what-if changes), and every text
//! of the rule set the town records refer to — criteria (label, clause, quotation,
//! notes, readings, conditions), parameters with their values and sources, facts with
//! their units, categories, priority clauses.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::check::{number, param_kind, unit};
use super::JsonOptions;
use crate::check::{Const, Kind, ParamInfo};
use crate::compile::{Reader, RuleSet};
use crate::report::describe::provenance;

/// The kind of a fact or parameter as the records name it.
fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Money => "money",
        Kind::Count => "count",
        Kind::Number => "number",
        Kind::Percent => "percent",
        Kind::Bool => "yes_no",
        Kind::Category(_) => "category",
        Kind::Text => "text",
        Kind::Ratio => "ratio",
        Kind::Points => "points",
        Kind::PerUnit => "per_unit",
    }
}

/// The `ruleset` record.
pub(super) struct Ruleset<'a> {
    pub rs: &'a RuleSet,
    pub opts: &'a JsonOptions<'a>,
}

impl Serialize for Ruleset<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rs = self.rs;
        let h = &rs.header;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("record", "ruleset")?;
        m.serialize_entry("id", &h.id)?;
        m.serialize_entry("title", &h.title)?;
        m.serialize_entry("source", &h.document)?;
        m.serialize_entry("level", &h.level)?;
        m.serialize_entry("date", &h.date)?;
        m.serialize_entry("as_of", &rs.as_of.as_ref().map(|a| &a.date))?;
        m.serialize_entry("as_of_given", &rs.as_of.as_ref().map(|a| a.given))?;
        m.serialize_entry("year", &rs.year.map(|y| y.to_string()))?;
        m.serialize_entry("file", &rs.source_file)?;
        m.serialize_entry("overrides", &rs.overrides())?;
        m.serialize_entry("saved_what_ifs", &rs.saved_what_ifs())?;
        m.serialize_entry("conventions", &h.conventions)?;
        let explain = if self.opts.explain_text {
            "text"
        } else {
            "records"
        };
        m.serialize_entry("explain", explain)?;
        m.serialize_entry("provenance", &self.opts.info.map(Provenance))?;
        m.serialize_entry("criteria", &Criteria(rs))?;
        m.serialize_entry("priorities", &SetPriorities(rs))?;
        m.serialize_entry("parameters", &Parameters(rs))?;
        m.serialize_entry("facts", &Facts(rs))?;
        m.serialize_entry("categories", &Categories(rs))?;
        m.end()
    }
}

/// Where the report comes from ([`crate::report::RunInfo`]), with the year as a string.
struct Provenance<'a>(&'a crate::report::RunInfo);

impl Serialize for Provenance<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("tool", &i.tool)?;
        m.serialize_entry("rules", &i.rules)?;
        m.serialize_entry("rule_files", &i.rule_files)?;
        m.serialize_entry("rules_revision", &i.rules_revision)?;
        m.serialize_entry("data", &i.data)?;
        m.serialize_entry("scores", &i.scores)?;
        m.serialize_entry("date", &i.date)?;
        m.serialize_entry("year", &i.year.map(|y| y.to_string()))?;
        m.serialize_entry("overrides", &i.overrides)?;
        m.end()
    }
}

/// Every criterion by id, in order.
struct Criteria<'a>(&'a RuleSet);

/// A criterion's texts.
#[derive(serde::Serialize)]
struct CriterionText<'a> {
    label: &'a str,
    clause: &'a str,
    quote: Option<&'a str>,
    notes: &'a [String],
    document: &'a str,
    ruleset: &'a str,
    interpretations: Vec<&'a str>,
    applies: Vec<&'a str>,
    requirements: Vec<RequirementText<'a>>,
    priorities: Vec<PriorityText<'a>>,
}

/// A requirement: its label (with the values in force), condition and relaxation.
#[derive(serde::Serialize)]
struct RequirementText<'a> {
    label: Option<String>,
    condition: &'a str,
    relaxation: Option<RelaxationText<'a>>,
}

#[derive(serde::Serialize)]
struct RelaxationText<'a> {
    clause: Option<&'a str>,
    quote: Option<&'a str>,
    note: Option<&'a str>,
    interpretation: Option<&'a str>,
    discretionary: bool,
    when: &'a str,
    then: &'a str,
}

#[derive(serde::Serialize)]
struct PriorityText<'a> {
    reason: &'a str,
    condition: &'a str,
}

impl Serialize for Criteria<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rs = self.0;
        let mut m = s.serialize_map(Some(rs.criteria.len()))?;
        for (i, c) in rs.criteria.iter().enumerate() {
            let requirements = c
                .requires
                .iter()
                .map(|r| RequirementText {
                    label: r.label_text(rs),
                    condition: &r.cond.text,
                    relaxation: r.relax.as_ref().map(|x| RelaxationText {
                        clause: x.clause.as_deref(),
                        quote: x.quote.as_deref(),
                        note: x.note.as_deref(),
                        interpretation: x.interpretation.as_deref(),
                        discretionary: x.discretionary,
                        when: &x.when.text,
                        then: &x.then.text,
                    }),
                })
                .collect();
            let priorities = c
                .priorities
                .iter()
                .map(|p| PriorityText {
                    reason: &p.label,
                    condition: &p.when.text,
                })
                .collect();
            let v = CriterionText {
                label: &c.label,
                clause: &c.clause,
                quote: c.quote.as_deref(),
                notes: &c.notes,
                document: &c.document,
                ruleset: &c.ruleset,
                interpretations: rs.interpretations(i),
                applies: c.applies.iter().map(|a| a.text.as_str()).collect(),
                requirements,
                priorities,
            };
            m.serialize_entry(&c.id, &v)?;
        }
        m.end()
    }
}

/// The priority clauses of the whole rule set, in order.
struct SetPriorities<'a>(&'a RuleSet);

#[derive(serde::Serialize)]
struct SetPriorityText<'a> {
    reason: &'a str,
    condition: &'a str,
    clause: Option<&'a str>,
    document: &'a str,
    interpretations: &'a [String],
}

impl Serialize for SetPriorities<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.priorities.iter().map(|p| SetPriorityText {
            reason: &p.rule.label,
            condition: &p.rule.when.text,
            clause: p.clause.as_deref(),
            document: &p.document,
            interpretations: &p.interpretations,
        }))
    }
}

/// A parameter's value: a decimal in its unit, `yes`/`no`, or a member id.
fn const_val(rs: &RuleSet, p: &ParamInfo, c: Const) -> Option<String> {
    match c {
        Const::Num(d) => number(p.kind, d).map(|x| x.to_string()),
        Const::Bool(b) => Some(if b { "yes" } else { "no" }.to_string()),
        Const::Member(m) => match p.kind {
            Kind::Category(set) => rs
                .categories
                .get(set)
                .and_then(|x| x.members.get(m as usize))
                .map(|x| x.id.clone()),
            Kind::Money
            | Kind::Count
            | Kind::Number
            | Kind::Percent
            | Kind::Bool
            | Kind::Text
            | Kind::Ratio
            | Kind::Points
            | Kind::PerUnit => None,
        },
    }
}

/// Every parameter by name: its value in force with unit, as written, and its source.
struct Parameters<'a>(&'a RuleSet);

#[derive(serde::Serialize)]
struct ParameterText<'a> {
    kind: &'static str,
    unit: Option<std::borrow::Cow<'a, str>>,
    value: Option<String>,
    written: Option<&'a str>,
    from: Option<&'a str>,
    table: Option<TableEntry<'a>>,
    source: Option<SourceText<'a>>,
    next: Option<NextValue<'a>>,
}

#[derive(serde::Serialize)]
struct TableEntry<'a> {
    table: &'a str,
    category: Option<&'a str>,
}

/// Where a parameter's value in force comes from.
#[derive(serde::Serialize)]
struct SourceText<'a> {
    kind: &'static str,
    ruleset: &'a str,
    level: &'a str,
    document: &'a str,
    clause: Option<&'a str>,
    quote: Option<&'a str>,
    note: Option<&'a str>,
    interpretation: Option<&'a str>,
    what_if: Option<&'a str>,
    at: &'a str,
    /// As the text report names it: `省级 晋政办发〔2022〕80号 二（四）`, `本规则集的理解`.
    text: String,
}

/// The next dated value, when one will replace the value in force.
#[derive(serde::Serialize)]
struct NextValue<'a> {
    from: Option<&'a str>,
    written: Option<&'a str>,
}

impl Serialize for Parameters<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rs = self.0;
        let mut m = s.serialize_map(Some(rs.params.len()))?;
        for p in &rs.params {
            let cur = p.current();
            let table = p.table.map(|(t, member)| {
                let table = &rs.tables[t];
                TableEntry {
                    table: &table.name,
                    category: rs
                        .categories
                        .get(table.set)
                        .and_then(|c| c.members.get(member))
                        .map(|x| x.id.as_str()),
                }
            });
            let source = cur.map(|v| {
                let pv = &v.provenance;
                SourceText {
                    kind: param_kind(p),
                    ruleset: &pv.ruleset,
                    level: &pv.level,
                    document: &pv.document,
                    clause: pv.clause.as_deref(),
                    quote: pv.quote.as_deref(),
                    note: pv.note.as_deref(),
                    interpretation: pv.interpretation.as_deref(),
                    what_if: pv.what_if.as_deref(),
                    at: &pv.at,
                    text: provenance(v),
                }
            });
            let v = ParameterText {
                kind: kind_name(p.kind),
                unit: unit(p.kind, p.measure.as_deref()),
                value: cur.and_then(|v| v.value).and_then(|c| const_val(rs, p, c)),
                written: cur.and_then(|v| v.written.as_deref()),
                from: cur.and_then(|v| v.from.as_deref()),
                table,
                source,
                next: p.next_version().map(|v| NextValue {
                    from: v.from.as_deref(),
                    written: v.written.as_deref(),
                }),
            };
            m.serialize_entry(&p.name, &v)?;
        }
        m.end()
    }
}

/// The facts the criteria and priority clauses read, by id: label, kind, unit.
struct Facts<'a>(&'a RuleSet);

impl Serialize for Facts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rs = self.0;
        // Read by a criterion or a priority clause (not only by a computed indicator).
        let read: Vec<bool> = rs
            .fact_readers()
            .iter()
            .map(|readers| {
                readers.iter().any(|r| match r {
                    Reader::Criterion(_) | Reader::Priority(_) | Reader::SetPriority(_) => true,
                    Reader::Indicator(_) => false,
                })
            })
            .collect();
        let mut m = s.serialize_map(None)?;
        for (f, fact) in rs.facts.iter().enumerate() {
            if !read[f] {
                continue;
            }
            let v = FactText {
                label: &fact.label,
                kind: kind_name(fact.kind),
                unit: unit(fact.kind, fact.measure.as_deref()),
                category_set: match fact.kind {
                    Kind::Category(set) => rs.categories.get(set).map(|c| c.id.as_str()),
                    Kind::Money
                    | Kind::Count
                    | Kind::Number
                    | Kind::Percent
                    | Kind::Bool
                    | Kind::Text
                    | Kind::Ratio
                    | Kind::Points
                    | Kind::PerUnit => None,
                },
                attestation: fact.attestation,
            };
            m.serialize_entry(&fact.id, &v)?;
        }
        m.end()
    }
}

/// A fact: label, kind, unit.
#[derive(serde::Serialize)]
struct FactText<'a> {
    label: &'a str,
    kind: &'static str,
    unit: Option<std::borrow::Cow<'a, str>>,
    category_set: Option<&'a str>,
    attestation: bool,
}

/// The category sets: label and members (id → label), in order.
struct Categories<'a>(&'a RuleSet);

#[derive(serde::Serialize)]
struct CategoryText<'a> {
    label: &'a str,
    members: Members<'a>,
}

struct Members<'a>(&'a [crate::check::MemberInfo]);

impl Serialize for Members<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|x| (&x.id, &x.label)))
    }
}

impl Serialize for Categories<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for c in &self.0.categories {
            m.serialize_entry(
                &c.id,
                &CategoryText {
                    label: &c.label,
                    members: Members(&c.members),
                },
            )?;
        }
        m.end()
    }
}
