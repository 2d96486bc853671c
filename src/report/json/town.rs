//! One town as a structured record: outcome, every criterion with its tests, priority
//! flags, what would change the verdict, the verdicts under each missing category and
//! the score. Texts of the rule set (labels, clauses, quotations, readings) are not
//! repeated here: they are in the `ruleset` record, keyed by criterion id.

use super::check::{yes_no, Check, Place, Prepared};
use super::write::{k, Obj};
use crate::eval::{CondResult, CriterionResult, Evaluator, Path, Tri};
use crate::report::{change, criterion_lines, priority_state, score_json};
use crate::syntax::ast::ArithFault;

/// A town's record: `ev`'s explanation of the town `r.row` already in `r`.
pub(super) struct Town<'e, 'a> {
    pub ev: &'e Evaluator<'a>,
    /// The parts written once per report.
    pub prep: &'e Prepared,
    pub r: &'e crate::eval::TownResult,
    /// Add the Chinese explanation of each criterion and test.
    pub text: bool,
}

impl Town<'_, '_> {
    /// Write the record as one line of compact JSON (without the line end).
    pub fn write(&self, buf: &mut Vec<u8>) {
        let (ev, r) = (self.ev, self.r);
        let rs = ev.rules;
        let row = r.row;
        let mut m = Obj::open(buf);
        m.lit(k!("record"), "town");
        m.str(k!("id"), &ev.towns.ids[row]);
        m.str(k!("name"), &ev.towns.names[row]);
        let outcome = (!rs.criteria.is_empty()).then(|| r.outcome.as_str());
        m.opt_str(k!("outcome"), outcome);
        if r.discretionary {
            m.yes(k!("discretionary"));
        }
        // A what-if run: each record says so, as each CSV row does (a JSON Lines reader
        // may see no other line).
        if self.prep.what_if {
            m.yes(k!("what_if"));
        }
        // What would change the verdict (not for a recognised town), as the text says it.
        if let Some(sentence) = change::change_sentence(ev, r, row) {
            m.str(k!("what_would_change"), &sentence);
        }
        let buf = m.key(k!("criteria"));
        buf.push(b'[');
        for (i, c) in r.criteria.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            criterion((ev, self.prep), c, row, self.text, buf);
        }
        buf.push(b']');
        m.lit(k!("priority_state"), priority_state(ev.priority_state(row)));
        priorities(ev, r, m.key(k!("priority")));
        if let Some(cases) = ev.joint_cases_of(r) {
            let by: Vec<serde_json::Value> = cases.iter().map(|k| joint_case(ev, k)).collect();
            let _ = serde_json::to_writer(m.key(k!("if_missing_category")), &by);
        }
        if let Some(score) = ev.town_score(row) {
            let _ = serde_json::to_writer(m.key(k!("score")), &score_json(ev, &score));
        }
        m.close();
    }
}

/// One criterion of a town.
fn criterion(
    (ev, prep): (&Evaluator<'_>, &Prepared),
    c: &CriterionResult,
    row: usize,
    text: bool,
    buf: &mut Vec<u8>,
) {
    let rs = ev.rules;
    let mut m = Obj::open(buf);
    m.raw(k!("id"), &prep.criteria[c.index]);
    m.lit(k!("status"), c.status.as_str());
    if c.discretionary {
        m.yes(k!("discretionary"));
    }
    if let Some((t, member)) = c.uncovered {
        let table = &rs.tables[t];
        let category = rs
            .categories
            .get(table.set)
            .and_then(|x| x.members.get(member as usize))
            .map(|x| x.id.as_str());
        let mut u = Obj::open(m.key(k!("uncovered")));
        u.str(k!("table"), &table.name);
        u.opt_str(k!("category"), category);
        u.close();
    }
    let checks = |buf: &mut Vec<u8>, parts: &[(&[CondResult], Place)]| {
        buf.push(b'[');
        let mut first = true;
        for &(conds, place) in parts {
            for a in conds.iter().flat_map(|c| &c.atoms) {
                if !first {
                    buf.push(b',');
                }
                first = false;
                Check {
                    ev,
                    prep,
                    atom: a,
                    row,
                    place,
                    text,
                }
                .write(buf);
            }
        }
        buf.push(b']');
    };
    checks(m.key(k!("applies")), &[(&c.applies, Place::Applies)]);
    let buf = m.key(k!("requirements"));
    buf.push(b'[');
    for (i, q) in c.requires.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        let mut o = Obj::open(buf);
        o.lit(k!("holds"), yes_no(q.status));
        let path = match q.path {
            Path::Normal => "normal",
            Path::Relaxation => "relaxation",
            Path::Neither => "neither",
        };
        o.lit(k!("path"), path);
        match &q.relax {
            Some((w, t)) => checks(
                o.key(k!("checks")),
                &[
                    (std::slice::from_ref(&q.cond), Place::Normal),
                    (std::slice::from_ref(w), Place::RelaxWhen),
                    (std::slice::from_ref(t), Place::RelaxThen),
                ],
            ),
            None => checks(
                o.key(k!("checks")),
                &[(std::slice::from_ref(&q.cond), Place::Normal)],
            ),
        }
        o.close();
    }
    buf.push(b']');
    m.strs(
        k!("missing_facts"),
        c.missing_facts.iter().map(|&f| rs.facts[f].id.as_str()),
    );
    m.strs(
        k!("unset_params"),
        c.unset_params.iter().map(|&p| rs.params[p].name.as_str()),
    );
    if text {
        m.str(k!("explanation"), &criterion_lines(ev, c, row).join("\n"));
    }
    m.close();
}

/// Every priority clause with its state: yes, no, or unknown (with the facts missing),
/// never an unknown one left out as if it were no. The clause's reason is in the
/// `ruleset` record (`criteria.ID.priorities[index]`, or `priorities[index]` for a
/// priority of the whole rule set).
fn priorities(ev: &Evaluator<'_>, r: &crate::eval::TownResult, buf: &mut Vec<u8>) {
    let rs = ev.rules;
    let row = r.row;
    buf.push(b'[');
    let mut first = true;
    let mut one = |buf: &mut Vec<u8>,
                   criterion: Option<&str>,
                   index: usize,
                   state: Tri,
                   missing: Option<Vec<usize>>,
                   fault: Option<ArithFault>| {
        if !first {
            buf.push(b',');
        }
        first = false;
        let mut m = Obj::open(buf);
        m.opt_str(k!("criterion"), criterion);
        // The position of the clause among its criterion's (or the rule set's) priority
        // clauses, as a string like every number of the report.
        super::write::decimal(m.key(k!("index")), rust_decimal::Decimal::from(index));
        m.lit(k!("state"), priority_state(state));
        if let Some(missing) = missing {
            m.strs(
                k!("missing_facts"),
                missing.iter().map(|&f| rs.facts[f].id.as_str()),
            );
        }
        if let Some(f) = fault {
            let name = match f {
                ArithFault::DivisionByZero => "division_by_zero",
                ArithFault::Overflow => "overflow",
            };
            m.lit(k!("fault"), name);
        }
        m.close();
    };
    for c in &r.criteria {
        for (i, t) in c.priorities.iter().enumerate() {
            let (missing, fault) = if *t == Tri::Unknown {
                (
                    Some(ev.priority_missing(c.index, i, row)),
                    ev.priority_fault(c.index, i, row),
                )
            } else {
                (None, None)
            };
            one(buf, Some(&rs.criteria[c.index].id), i, *t, missing, fault);
        }
    }
    for i in 0..rs.priorities.len() {
        // A priority flag of the whole rule set: no criterion.
        let t = ev.set_priority(i, row);
        let missing = (t == Tri::Unknown).then(|| ev.set_priority_missing(i, row));
        one(buf, None, i, t, missing, None);
    }
    buf.push(b']');
}

/// A town without a category: the verdicts under one value, which decided it.
fn joint_case(ev: &Evaluator<'_>, k: &crate::eval::joint::JointCase) -> serde_json::Value {
    use crate::check::Kind;
    let rs = ev.rules;
    let assumed: serde_json::Map<String, serde_json::Value> = k
        .assumed
        .iter()
        .map(|&(f, m)| {
            let id = match rs.facts[f].kind {
                Kind::Category(set) => rs
                    .categories
                    .get(set)
                    .and_then(|s| s.members.get(m as usize))
                    .map_or(String::new(), |x| x.id.clone()),
                Kind::Money
                | Kind::Count
                | Kind::Number
                | Kind::Percent
                | Kind::Bool
                | Kind::Text
                | Kind::Ratio
                | Kind::Points
                | Kind::PerUnit => String::new(),
            };
            (rs.facts[f].id.clone(), serde_json::Value::from(id))
        })
        .collect();
    let statuses: serde_json::Map<String, serde_json::Value> = k
        .statuses
        .iter()
        .zip(&rs.criteria)
        .map(|(s, c)| (c.id.clone(), serde_json::Value::from(s.as_str())))
        .collect();
    serde_json::json!({"assumed": assumed, "outcome": k.outcome.as_str(), "criteria": statuses})
}
