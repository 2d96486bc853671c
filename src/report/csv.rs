//! The CSV report: one row per town, for spreadsheets and scripts.

use std::io::{self, Write};

use super::{
    contiguous, csv_field, grade_name, has_priorities, interpreted_cell, priority_state,
    what_if_cell, write_parts,
};
use crate::eval::{Evaluator, Status};

/// How the CSV report is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions {
    /// For scripts: ids and English statuses, no byte-order mark (`--ids`). Otherwise
    /// for spreadsheets: a byte-order mark, Chinese headers and statuses.
    pub ids: bool,
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

/// One row per town: id, name, outcome, then one status column per criterion.
///
/// The towns are evaluated and formatted in parts on all cores and written in order.
pub fn csv(
    ev: &Evaluator<'_>,
    rows: &[usize],
    opts: &CsvOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let _ = opts;
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
