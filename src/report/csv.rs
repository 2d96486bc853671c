//! The CSV report: one row per town.
//!
//! Two flavours of the same rows. For spreadsheets (the default): UTF-8 with a
//! byte-order mark, so that Excel and WPS on Windows read the Chinese correctly, with
//! Chinese headers (each criterion by its label) and Chinese statuses. For scripts
//! (`--ids`): no byte-order mark, ids for headers and English statuses
//! (`met`, `not_recognized` …).
//!
//! Columns, in order (a column marked * only when the rule set has what it shows):
//! 编号/id, 名称/name, 结论/outcome*, 须裁量/discretionary*, 总分/total*, 等级/grade*,
//! one per criterion, 优先评定/priority*, 经放宽条款符合/relaxed*, 缺少的数据/missing_facts,
//! 本规则集的理解/interpretations*, 假设分析/what_if.
//! `outcome` is left out for a rule set with only an indicator system (its result is
//! the total and grade); `what_if` is empty unless parameters were changed for the run.

use std::io::{self, Write};

use super::{contiguous, csv_field, grade_name, has_priorities, what_if_cell, write_parts};
use crate::compile::RuleSet;
use crate::eval::{Evaluator, Outcome, Status, Tri};

/// How the CSV report is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions {
    /// For scripts: ids and English statuses, no byte-order mark (`--ids`). Otherwise
    /// for spreadsheets: a byte-order mark, Chinese headers and statuses.
    pub ids: bool,
}

/// The byte-order mark that tells Excel and WPS the file is UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// What the report's columns are, decided once per report.
struct Layout<'a> {
    rs: &'a RuleSet,
    ids: bool,
    outcome: bool,
    marks: bool,
    scored: bool,
    prioritised: bool,
    relaxable: bool,
    /// Facts the rule set reads, in vocabulary order: the candidates for 缺少的数据.
    read: Vec<usize>,
    interpreted: Option<String>,
    what_if: String,
}

impl<'a> Layout<'a> {
    fn new(rs: &'a RuleSet, opts: &CsvOptions) -> Self {
        let read = super::read_facts(rs);
        let interpreted: Vec<&str> = (0..rs.criteria.len())
            .filter(|&c| !rs.interpretations(c).is_empty())
            .map(|c| criterion_name(rs, c, opts.ids))
            .collect();
        Layout {
            rs,
            ids: opts.ids,
            outcome: !rs.criteria.is_empty(),
            marks: rs.has_discretionary(),
            scored: rs.evaluation.is_some(),
            prioritised: has_priorities(rs),
            relaxable: super::has_relaxations(rs),
            read,
            interpreted: (!interpreted.is_empty()).then(|| interpreted.join(separator(opts.ids))),
            what_if: what_if_cell(rs).unwrap_or_default(),
        }
    }

    fn word<'w>(&self, zh: &'w str, id: &'w str) -> &'w str {
        if self.ids {
            id
        } else {
            zh
        }
    }

    fn header(&self, buf: &mut Vec<u8>) {
        if !self.ids {
            buf.extend_from_slice(BOM);
        }
        let mut cols: Vec<&str> = vec![self.word("编号", "id"), self.word("名称", "name")];
        if self.outcome {
            cols.push(self.word("结论", "outcome"));
        }
        if self.marks {
            // 是 / true for a town recognised only through a discretionary relaxation, else 否 / false.
            cols.push(self.word("须裁量", "discretionary"));
        }
        if self.scored {
            cols.extend([self.word("总分", "total"), self.word("等级", "grade")]);
        }
        let names = criterion_headers(self.rs, self.ids);
        cols.extend(names.iter().map(String::as_str));
        if self.prioritised {
            cols.push(self.word("优先评定", "priority"));
        }
        if self.relaxable {
            cols.push(self.word("经放宽条款符合", "relaxed"));
        }
        cols.push(self.word("缺少的数据", "missing_facts"));
        if self.interpreted.is_some() {
            cols.push(self.word("本规则集的理解", "interpretations"));
        }
        cols.push(self.word("假设分析", "what_if"));
        for (i, c) in cols.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            csv_field(buf, c);
        }
        buf.push(b'\n');
    }

    /// One town's row.
    fn row(
        &self,
        ev: &Evaluator<'_>,
        row: usize,
        outcome: Outcome,
        statuses: &[Status],
        buf: &mut Vec<u8>,
    ) {
        csv_field(buf, &ev.towns.ids[row]);
        buf.push(b',');
        csv_field(buf, &ev.towns.names[row]);
        if self.outcome {
            buf.push(b',');
            buf.extend_from_slice(self.outcome_word(outcome).as_bytes());
        }
        if self.marks {
            buf.push(b',');
            // 是/否 as 优先评定 has them, never a blank that reads as missing.
            let word = match ev.town_discretionary(row, outcome, statuses) {
                true => self.word("是", "true"),
                false => self.word("否", "false"),
            };
            buf.extend_from_slice(word.as_bytes());
        }
        if self.scored {
            self.score(ev, row, buf);
        }
        for &s in statuses {
            buf.push(b',');
            buf.extend_from_slice(self.status_word(s).as_bytes());
        }
        if self.prioritised {
            buf.push(b',');
            buf.extend_from_slice(self.tri_word(ev.priority_state(row)).as_bytes());
        }
        if self.relaxable {
            buf.push(b',');
            let relaxed = statuses
                .iter()
                .enumerate()
                .filter(|&(c, &s)| ev.criterion_relaxed(c, row, s))
                .map(|(c, _)| criterion_name(self.rs, c, self.ids));
            self.list(relaxed, buf);
        }
        buf.push(b',');
        let missing = self
            .read
            .iter()
            .filter(|&&f| ev.towns.columns[f].is_missing(row))
            .map(|&f| self.fact_name(f));
        self.list(missing, buf);
        if let Some(x) = &self.interpreted {
            buf.push(b',');
            csv_field(buf, x);
        }
        buf.push(b',');
        csv_field(buf, &self.what_if);
        buf.push(b'\n');
    }

    fn score(&self, ev: &Evaluator<'_>, row: usize, buf: &mut Vec<u8>) {
        let (total, grade) = match (ev.town_score(row), self.rs.evaluation.as_ref()) {
            (Some(s), Some(e)) => (
                s.total.map(|d| d.to_string()).unwrap_or_default(),
                grade_name(e, &s),
            ),
            _ => (String::new(), String::new()),
        };
        buf.push(b',');
        csv_field(buf, &total);
        buf.push(b',');
        csv_field(buf, &grade);
    }

    /// Names joined into one cell (`；` for people, `;` for scripts).
    fn list<'n>(&self, names: impl Iterator<Item = &'n str>, buf: &mut Vec<u8>) {
        let joined: Vec<&str> = names.collect();
        csv_field(buf, &joined.join(separator(self.ids)));
    }

    fn fact_name(&self, f: usize) -> &'a str {
        let fact = &self.rs.facts[f];
        if self.ids || fact.label.is_empty() {
            &fact.id
        } else {
            &fact.label
        }
    }

    fn outcome_word(&self, o: Outcome) -> &'static str {
        if self.ids {
            o.as_str()
        } else {
            super::outcome_zh(o)
        }
    }

    fn status_word(&self, s: Status) -> &'static str {
        if self.ids {
            s.as_str()
        } else {
            super::status_zh(s)
        }
    }

    /// A priority flag: unknown (data missing) is never written as no.
    fn tri_word(&self, t: Tri) -> &'static str {
        match (t, self.ids) {
            (Tri::True, true) => "yes",
            (Tri::False, true) => "no",
            (Tri::Unknown, true) => "unknown",
            (Tri::True, false) => "是",
            (Tri::False, false) => "否",
            (Tri::Unknown, false) => "待定",
        }
    }
}

fn separator(ids: bool) -> &'static str {
    if ids {
        ";"
    } else {
        "；"
    }
}

/// A criterion as a cell names it: its id for scripts, its label for people.
fn criterion_name(rs: &RuleSet, c: usize, ids: bool) -> &str {
    let crit = &rs.criteria[c];
    if ids || crit.label.is_empty() {
        &crit.id
    } else {
        &crit.label
    }
}

/// The criterion columns' headers: ids, or labels (a label shared by two criteria gets
/// its id added, so that every column is told apart).
fn criterion_headers(rs: &RuleSet, ids: bool) -> Vec<String> {
    let names: Vec<&str> = (0..rs.criteria.len())
        .map(|c| criterion_name(rs, c, ids))
        .collect();
    names
        .iter()
        .enumerate()
        .map(|(c, n)| {
            if names.iter().filter(|m| *m == n).count() > 1 {
                format!("{n}（{}）", rs.criteria[c].id)
            } else {
                (*n).to_string()
            }
        })
        .collect()
}

/// The CSV lines of `rows`.
fn csv_part(ev: &Evaluator<'_>, layout: &Layout<'_>, rows: &[usize], buf: &mut Vec<u8>) {
    let k = ev.rules.criteria.len();
    let mut statuses = vec![Status::Met; rows.len() * k];
    let mut outcomes = vec![Outcome::Undetermined; rows.len()];
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
        let s = statuses.get(i * k..(i + 1) * k).unwrap_or_default();
        layout.row(ev, row, outcomes[i], s, buf);
    }
}

/// One row per town, in the order of `rows` (see the [module documentation](self) for
/// the columns). The towns are evaluated and formatted in parts on all cores and
/// written in order.
pub fn csv(
    ev: &Evaluator<'_>,
    rows: &[usize],
    opts: &CsvOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let layout = Layout::new(ev.rules, opts);
    let mut buf = Vec::new();
    layout.header(&mut buf);
    out.write_all(&buf)?;
    write_parts(rows, out, |_, rows, buf| csv_part(ev, &layout, rows, buf))?;
    out.flush()
}
