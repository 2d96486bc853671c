//! Phase 5: explanation records → text (Chinese), JSON or CSV.
//!
//! Nothing here decides anything: it formats what `eval` recorded.

mod change;
mod criterion;
mod describe;
mod score;
mod text;

pub use criterion::criterion_lines;
pub use describe::{atom, param_ref, provenance};
pub use score::{
    fmt2, grade_name, next_grade_text, score_json, score_lines, shown_total, total_text,
};
pub use text::{text, what_if_lines, TextOptions, DISCRETIONARY_TOWN};

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

/// Append a CSV field as the `csv` crate writes it by default: quoted (with quotes
/// doubled) when it holds a comma, a quote or a line break.
fn csv_field(buf: &mut Vec<u8>, field: &str) {
    let b = field.as_bytes();
    if b.iter().any(|&c| matches!(c, b',' | b'"' | b'\r' | b'\n')) {
        buf.push(b'"');
        for &c in b {
            if c == b'"' {
                buf.push(b'"');
            }
            buf.push(c);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(b);
    }
}

/// Towns per part when a report is built on several cores.
const PART: usize = 4096;

/// Whether `rows` is `first, first + 1, …`.
fn contiguous(rows: &[usize]) -> bool {
    rows.windows(2).all(|w| w[1] == w[0] + 1)
}

/// The CSV lines of `rows`.
fn csv_part(ev: &Evaluator<'_>, rows: &[usize], buf: &mut Vec<u8>) {
    let rs = ev.rules;
    let k = rs.criteria.len();
    let scored = rs.evaluation.is_some();
    let marks = rs.has_discretionary();
    let what_if = what_if_cell(rs);
    let prioritised = has_priorities(rs);
    let interpreted = interpreted_cell(rs);
    let mut statuses = vec![Status::Met; rows.len() * k];
    let mut outcomes = vec![crate::eval::Outcome::Undetermined; rows.len()];
    match rows.first() {
        Some(&first) if contiguous(rows) => ev.statuses_into(first, &mut statuses, &mut outcomes),
        _ => {
            for (i, &row) in rows.iter().enumerate() {
                if let Some(s) = statuses.get_mut(i * k..(i + 1) * k) {
                    outcomes[i] = ev.statuses(row, s);
                }
            }
        }
    }
    for (i, &row) in rows.iter().enumerate() {
        csv_field(buf, &ev.towns.ids[row]);
        buf.push(b',');
        csv_field(buf, &ev.towns.names[row]);
        buf.push(b',');
        if k > 0 {
            buf.extend_from_slice(outcomes[i].as_str().as_bytes());
        }
        if marks {
            buf.push(b',');
            let s = statuses.get(i * k..(i + 1) * k).unwrap_or_default();
            if ev.town_discretionary(row, outcomes[i], s) {
                buf.extend_from_slice(b"true");
            }
        }
        if scored {
            let (total, grade) = match ev.town_score(row) {
                Some(s) => (
                    s.total.map(|d| d.to_string()).unwrap_or_default(),
                    rs.evaluation
                        .as_ref()
                        .map(|e| grade_name(e, &s))
                        .unwrap_or_default(),
                ),
                None => (String::new(), String::new()),
            };
            buf.push(b',');
            csv_field(buf, &total);
            buf.push(b',');
            csv_field(buf, &grade);
        }
        for s in statuses.get(i * k..(i + 1) * k).unwrap_or_default() {
            buf.push(b',');
            buf.extend_from_slice(s.as_str().as_bytes());
        }
        if prioritised {
            buf.push(b',');
            buf.extend_from_slice(priority_state(ev.priority_state(row)).as_bytes());
        }
        if let Some(x) = &interpreted {
            buf.push(b',');
            csv_field(buf, x);
        }
        if let Some(w) = &what_if {
            buf.push(b',');
            csv_field(buf, w);
        }
        buf.push(b'\n');
    }
}

/// Whether some criterion has a priority clause (优先评定).
fn has_priorities(rs: &crate::compile::RuleSet) -> bool {
    !rs.priorities.is_empty() || rs.criteria.iter().any(|c| !c.priorities.is_empty())
}

/// The CSV cell naming the criteria that rest on this rule set's readings
/// (`concentration;scale`), when there are any; the readings themselves are in the text
/// and JSON reports.
fn interpreted_cell(rs: &crate::compile::RuleSet) -> Option<String> {
    let ids: Vec<&str> = (0..rs.criteria.len())
        .filter(|&c| !rs.interpretations(c).is_empty())
        .map(|c| rs.criteria[c].id.as_str())
        .collect();
    (!ids.is_empty()).then(|| ids.join(";"))
}

/// Format `rows` in parts on all cores, writing the parts in order.
fn write_parts(
    rows: &[usize],
    out: &mut dyn Write,
    part: impl Fn(usize, &[usize], &mut Vec<u8>) + Sync,
) -> io::Result<()> {
    use rayon::prelude::*;
    let wave = PART * 2 * rayon::current_num_threads().max(1);
    for (w, rows) in rows.chunks(wave).enumerate() {
        let bufs: Vec<Vec<u8>> = rows
            .par_chunks(PART)
            .enumerate()
            .map(|(p, rows)| {
                let mut buf = Vec::with_capacity(rows.len() * 128);
                part(w * wave + p * PART, rows, &mut buf);
                buf
            })
            .collect();
        for b in bufs {
            out.write_all(&b)?;
        }
    }
    Ok(())
}

/// One row per town: id, name, outcome, then one status column per criterion.
///
/// The towns are evaluated and formatted in parts on all cores and written in order.
pub fn csv(ev: &Evaluator<'_>, rows: &[usize], out: &mut dyn Write) -> io::Result<()> {
    let rs = ev.rules;
    let mut buf = Vec::new();
    csv_field(&mut buf, "id");
    buf.push(b',');
    csv_field(&mut buf, "name");
    buf.push(b',');
    csv_field(&mut buf, "outcome");
    if rs.has_discretionary() {
        // `true` for a town recognised only through a discretionary relaxation.
        buf.push(b',');
        csv_field(&mut buf, "discretionary");
    }
    if rs.evaluation.is_some() {
        buf.extend_from_slice(b",total,grade");
    }
    for c in &rs.criteria {
        buf.push(b',');
        csv_field(&mut buf, &c.id);
    }
    if has_priorities(rs) {
        // yes / no / unknown: unknown (data missing) is never written as no.
        buf.push(b',');
        csv_field(&mut buf, "priority");
    }
    if interpreted_cell(rs).is_some() {
        // The criteria whose verdict rests on a reading the documents do not state.
        buf.push(b',');
        csv_field(&mut buf, "interpretations");
    }
    if what_if_cell(rs).is_some() {
        // Every row of a what-if run says so (never a line above the header).
        buf.push(b',');
        csv_field(&mut buf, "what_if");
    }
    buf.push(b'\n');
    out.write_all(&buf)?;
    write_parts(rows, out, |_, rows, buf| csv_part(ev, rows, buf))?;
    out.flush()
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
pub fn json_write(ev: &Evaluator<'_>, rows: &[usize], out: &mut dyn Write) -> io::Result<()> {
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

/// The `what_if` cell of a CSV report with parameters changed after the rule files were
/// read: `假设分析（非正式结论）：NAME 文件为 OLD，假设为 NEW；…` (`None`: no change).
fn what_if_cell(rs: &crate::compile::RuleSet) -> Option<String> {
    let changes = rs.overrides();
    if changes.is_empty() {
        return None;
    }
    let parts: Vec<String> = changes
        .iter()
        .map(|c| {
            let old = c.old.as_deref().unwrap_or("未设定");
            format!("{} {}为 {old}，假设为 {}", c.name, c.old_basis, c.new)
        })
        .collect();
    Some(format!("假设分析（非正式结论）：{}", parts.join("；")))
}

/// A priority flag as JSON writes it.
fn priority_state(t: Tri) -> &'static str {
    match t {
        Tri::True => "yes",
        Tri::False => "no",
        Tri::Unknown => "unknown",
    }
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
