//! The JSON report: the rule set once, then every town with its explained verdict.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{atom, change, criterion_lines, describe, priority_state, score_json, write_parts};
use crate::eval::{Evaluator, Path, Tri};

/// How the JSON and JSON Lines reports are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonOptions<'a> {
    /// Also give each criterion's explanation as Chinese text (`--explain text`).
    pub explain_text: bool,
    /// Where the report comes from, written in the `ruleset` record.
    pub info: Option<&'a super::RunInfo>,
}

/// Append `pretty` (pretty-printed JSON) with every line after the first indented by
/// `indent` spaces.
fn indented(buf: &mut Vec<u8>, pretty: &[u8], indent: usize) {
    for &c in pretty {
        buf.push(c);
        if c == b'\n' {
            buf.extend(std::iter::repeat_n(b' ', indent));
        }
    }
}

/// [`json`] written pretty-printed to `out` — the same bytes as
/// `serde_json::to_writer_pretty(out, &json(ev, rows))` — without holding every town
/// in memory: towns are explained and formatted in parts on all cores and written in
/// order.
pub fn json_write(
    ev: &Evaluator<'_>,
    rows: &[usize],
    opts: &JsonOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let _ = opts;
    let head = json(ev, &[]);
    let ruleset = serde_json::to_vec_pretty(&head["ruleset"]).map_err(io::Error::from)?;
    let mut buf = b"{\n  \"ruleset\": ".to_vec();
    indented(&mut buf, &ruleset, 2);
    buf.extend_from_slice(b",\n  \"towns\": ");
    if rows.is_empty() {
        buf.extend_from_slice(b"[]\n}");
        return out.write_all(&buf);
    }
    buf.extend_from_slice(b"[\n");
    out.write_all(&buf)?;
    let last = rows.len() - 1;
    write_parts(rows, out, |start, part, buf| {
        for (i, &row) in part.iter().enumerate() {
            let pretty = serde_json::to_vec_pretty(&town_json(ev, row)).unwrap_or_default();
            buf.extend_from_slice(b"    ");
            indented(buf, &pretty, 4);
            buf.extend_from_slice(if start + i == last { b"\n" } else { b",\n" });
        }
    })?;
    out.write_all(b"  ]\n}")
}

/// One JSON object: the rule set and, per town, the outcome, each criterion with its
/// explanation, and priority flags. Decimal numbers are strings.
pub fn json(ev: &Evaluator<'_>, rows: &[usize]) -> Value {
    let rs = ev.rules;
    let towns: Vec<Value> = rows.iter().map(|&row| town_json(ev, row)).collect();
    json!({
        "ruleset": {
            "id": rs.header.id,
            "title": rs.header.title,
            "source": rs.header.document,
            "level": rs.header.level,
            "date": rs.header.date,
            "as_of": rs.as_of.as_ref().map(|a| a.date.clone()),
            "as_of_given": rs.as_of.as_ref().map(|a| a.given),
            "year": rs.year.map(|y| y.to_string()),
            "file": rs.source_file,
            "overrides": rs.overrides(),
            "conventions": rs.header.conventions,
        },
        "towns": towns,
    })
}

/// One town of [`json`].
fn town_json(ev: &Evaluator<'_>, row: usize) -> Value {
    let rs = ev.rules;
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
                            let mut v = json!({
                                "text": atom(ev, a, row),
                                "holds": a.holds.as_str(),
                                "margin": describe::margin_value(ev.rules, a).map(|m| m.to_string()),
                            });
                            // Arithmetic without a result: named, not missing data.
                            if let Some(f) = crate::eval::V::fault_of(a.lhs, a.rhs) {
                                v["fault"] = json!(f);
                            }
                            v
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
                    let mut v = json!({
                        "id": crit.id,
                        "label": crit.label,
                        "clause": crit.clause,
                        "status": c.status.as_str(),
                        "explanation": criterion_lines(ev, c, row).join("\n"),
                        "paths": paths,
                        "checks": checks,
                        "missing_facts": c.missing_facts.iter().map(|&f| rs.facts[f].id.clone()).collect::<Vec<_>>(),
                        "unset_params": c.unset_params.iter().map(|&p| rs.params[p].name.clone()).collect::<Vec<_>>(),
                        "interpretations": rs.interpretations(c.index),
                    });
                    if c.discretionary {
                        v["discretionary"] = Value::Bool(true);
                    }
                    v
                })
                .collect();
    // Every priority clause with its state: yes, no, or unknown (with the facts missing),
    // never an unknown one left out as if it were no.
    let mut priority: Vec<Value> = r
        .criteria
        .iter()
        .flat_map(|c| {
            let crit = &rs.criteria[c.index];
            c.priorities
                .iter()
                .zip(&crit.priorities)
                .enumerate()
                .map(move |(i, (t, p))| {
                    let mut v = json!({
                        "criterion": crit.id,
                        "clause": crit.clause,
                        "reason": p.label,
                        "state": priority_state(*t),
                    });
                    if *t == Tri::Unknown {
                        let missing: Vec<String> = ev
                            .priority_missing(c.index, i, row)
                            .into_iter()
                            .map(|f| rs.facts[f].id.clone())
                            .collect();
                        v["missing_facts"] = Value::from(missing);
                        if let Some(f) = ev.priority_fault(c.index, i, row) {
                            v["fault"] = json!(f);
                        }
                    }
                    v
                })
        })
        .collect();
    for (i, p) in rs.priorities.iter().enumerate() {
        // A priority flag of the whole rule set: no criterion.
        let t = ev.set_priority(i, row);
        let mut v = json!({
            "criterion": Value::Null,
            "clause": p.clause,
            "reason": p.rule.label,
            "state": priority_state(t),
        });
        if t == Tri::Unknown {
            let missing: Vec<String> = ev
                .set_priority_missing(i, row)
                .into_iter()
                .map(|f| rs.facts[f].id.clone())
                .collect();
            v["missing_facts"] = Value::from(missing);
        }
        priority.push(v);
    }
    let mut town = json!({
        "id": ev.towns.ids[row],
        "name": ev.towns.names[row],
        "outcome": if rs.criteria.is_empty() { Value::Null } else { Value::from(r.outcome.as_str()) },
        "criteria": criteria,
        "priority": priority,
        "priority_state": priority_state(ev.priority_state(row)),
    });
    if r.discretionary {
        town["discretionary"] = Value::Bool(true);
    }
    // What would change the verdict (not for a recognised town), as the text says it.
    if let Some(s) = change::change_sentence(ev, &r, row) {
        town["what_would_change"] = Value::from(s);
    }
    if let Some(cases) = ev.joint_cases_of(&r) {
        // A town without a category: the verdicts under each value, which decided it.
        let by: Vec<Value> = cases
            .iter()
            .map(|k| {
                let assumed: serde_json::Map<String, Value> = k
                    .assumed
                    .iter()
                    .map(|&(f, m)| {
                        let set = match rs.facts[f].kind {
                            crate::check::Kind::Category(s) => s,
                            _ => 0,
                        };
                        let id = rs
                            .categories
                            .get(set)
                            .and_then(|s| s.members.get(m as usize))
                            .map_or(String::new(), |x| x.id.clone());
                        (rs.facts[f].id.clone(), Value::from(id))
                    })
                    .collect();
                let statuses: serde_json::Map<String, Value> = k
                    .statuses
                    .iter()
                    .zip(&rs.criteria)
                    .map(|(s, c)| (c.id.clone(), Value::from(s.as_str())))
                    .collect();
                json!({"assumed": assumed, "outcome": k.outcome.as_str(), "criteria": statuses})
            })
            .collect();
        town["if_missing_category"] = Value::Array(by);
    }
    if let Some(s) = ev.town_score(row) {
        town["score"] = score_json(ev, &s);
    }
    town
}

/// JSON Lines: the rule set on the first line, then one town per line.
pub fn jsonl_write(
    ev: &Evaluator<'_>,
    rows: &[usize],
    opts: &JsonOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let _ = opts;
    let head = json(ev, &[]);
    serde_json::to_writer(&mut *out, &head["ruleset"]).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    write_parts(rows, out, |_, part, buf| {
        for &row in part {
            let _ = serde_json::to_writer(&mut *buf, &town_json(ev, row));
            buf.push(b'\n');
        }
    })
}
