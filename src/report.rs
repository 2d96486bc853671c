//! Phase 5: explanation records → text (Chinese), JSON or CSV.
//!
//! Nothing here decides anything: it formats what `eval` recorded.

mod describe;
mod score;
mod text;

pub use describe::{atom, param_ref, provenance};
pub use score::{fmt2, grade_name, score_json, score_lines};
pub use text::{criterion_lines, text, TextOptions};

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::eval::{Evaluator, Path, Status, Tri};

/// Chinese word for a criterion status.
pub fn status_zh(s: Status) -> &'static str {
    match s {
        Status::Met => "符合",
        Status::NotMet => "不符合",
        Status::Undetermined => "待定",
        Status::NotApplicable => "不适用",
    }
}

/// Chinese word for an outcome.
pub fn outcome_zh(o: crate::eval::Outcome) -> &'static str {
    match o {
        crate::eval::Outcome::Recognized => "认定",
        crate::eval::Outcome::NotRecognized => "不予认定",
        crate::eval::Outcome::Undetermined => "待定",
    }
}

/// One row per town: id, name, outcome, then one status column per criterion.
pub fn csv(ev: &Evaluator<'_>, rows: &[usize], out: &mut dyn Write) -> io::Result<()> {
    let rs = ev.rules;
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let scored = rs.evaluation.is_some();
    let mut header = vec!["id".to_string(), "name".to_string(), "outcome".to_string()];
    if scored {
        header.push("total".to_string());
        header.push("grade".to_string());
    }
    header.extend(rs.criteria.iter().map(|c| c.id.clone()));
    w.write_record(&header)?;
    let mut statuses = vec![Status::Met; rs.criteria.len()];
    for &row in rows {
        let outcome = ev.statuses(row, &mut statuses);
        let (total, grade) = match (scored, ev.town_score(row)) {
            (true, Some(s)) => (
                s.total.map(|d| d.to_string()).unwrap_or_default(),
                rs.evaluation
                    .as_ref()
                    .map(|e| grade_name(e, &s))
                    .unwrap_or_default(),
            ),
            _ => (String::new(), String::new()),
        };
        let mut rec: Vec<&str> = Vec::with_capacity(header.len());
        rec.push(&ev.towns.ids[row]);
        rec.push(&ev.towns.names[row]);
        rec.push(if rs.criteria.is_empty() {
            ""
        } else {
            outcome.as_str()
        });
        if scored {
            rec.push(&total);
            rec.push(&grade);
        }
        rec.extend(statuses.iter().map(|s| s.as_str()));
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

/// One JSON object: the rule set and, per town, the outcome, each criterion with its
/// explanation, and priority flags. Decimal numbers are strings.
pub fn json(ev: &Evaluator<'_>, rows: &[usize]) -> Value {
    let rs = ev.rules;
    let towns: Vec<Value> = rows
        .iter()
        .map(|&row| {
            let r = ev.explain(row);
            let criteria: Vec<Value> = r
                .criteria
                .iter()
                .map(|c| {
                    let crit = &rs.criteria[c.index];
                    let checks: Vec<Value> = c
                        .requires
                        .iter()
                        .flat_map(|q| {
                            let mut v: Vec<&crate::eval::Atom> = q.cond.atoms.iter().collect();
                            if let Some((w, t)) = &q.relax {
                                v.extend(w.atoms.iter());
                                v.extend(t.atoms.iter());
                            }
                            v
                        })
                        .map(|a| {
                            json!({
                                "text": atom(ev, a, row),
                                "holds": a.holds.as_str(),
                                "margin": a.margin.map(|m| m.to_string()),
                            })
                        })
                        .collect();
                    let paths: Vec<&str> = c
                        .requires
                        .iter()
                        .map(|q| match q.path {
                            Path::Normal => "normal",
                            Path::Relaxation => "relaxation",
                            Path::Neither => "neither",
                        })
                        .collect();
                    json!({
                        "id": crit.id,
                        "label": crit.label,
                        "clause": crit.clause,
                        "status": c.status.as_str(),
                        "explanation": criterion_lines(ev, c, row).join("\n"),
                        "paths": paths,
                        "checks": checks,
                        "missing_facts": c.missing_facts.iter().map(|&f| rs.facts[f].id.clone()).collect::<Vec<_>>(),
                        "unset_params": c.unset_params.iter().map(|&p| rs.params[p].name.clone()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let priority: Vec<Value> = r
                .criteria
                .iter()
                .flat_map(|c| {
                    let crit = &rs.criteria[c.index];
                    c.priorities
                        .iter()
                        .zip(&crit.priorities)
                        .filter(|(t, _)| **t == Tri::True)
                        .map(move |(_, p)| json!({"criterion": crit.id, "clause": crit.clause, "reason": p.label}))
                })
                .collect();
            let mut town = json!({
                "id": ev.towns.ids[row],
                "name": ev.towns.names[row],
                "outcome": if rs.criteria.is_empty() { Value::Null } else { Value::from(r.outcome.as_str()) },
                "criteria": criteria,
                "priority": priority,
            });
            if let Some(s) = ev.town_score(row) {
                town["score"] = score_json(ev, &s);
            }
            town
        })
        .collect();
    json!({
        "ruleset": {
            "id": rs.header.id,
            "title": rs.header.title,
            "source": rs.header.document,
            "level": rs.header.level,
            "date": rs.header.date,
            "file": rs.source_file,
        },
        "towns": towns,
    })
}
