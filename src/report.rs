//! Phase 5: explanation records → text (Chinese), JSON or CSV.
//!
//! Nothing here decides anything: it formats what `eval` recorded.

mod change;
mod criterion;
mod csv;
mod describe;
mod docx;
pub mod html;
mod json;
mod run_info;
mod score;
mod text;
mod xlsx;

pub use criterion::criterion_lines;
pub use csv::{csv, CsvOptions};
pub use describe::{atom, param_ref, provenance};
pub use docx::letters_docx;
pub use json::{json, json_with, json_write, jsonl_write, JsonOptions};
pub use run_info::{sha256_hex, FileStamp, RunInfo};
pub use score::{
    fmt2, full_marks, grade_name, next_grade_text, score_json, score_lines, shown_total, total_text,
};
pub use text::{text, text_write, town_detail, what_if_lines, TextOptions, DISCRETIONARY_TOWN};
pub use xlsx::{template, xlsx};

use std::io::{self, Write};

use crate::eval::{Status, Tri};

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
pub(crate) fn csv_field(buf: &mut Vec<u8>, field: &str) {
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
pub(crate) fn contiguous(rows: &[usize]) -> bool {
    rows.windows(2).all(|w| w[1] == w[0] + 1)
}

/// Whether some criterion has a priority clause (优先评定).
pub(crate) fn has_priorities(rs: &crate::compile::RuleSet) -> bool {
    !rs.priorities.is_empty() || rs.criteria.iter().any(|c| !c.priorities.is_empty())
}

/// Format `rows` in parts on all cores, writing the parts in order.
pub(crate) fn write_parts(
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

/// A priority flag as JSON writes it.
pub(crate) fn priority_state(t: Tri) -> &'static str {
    match t {
        Tri::True => "yes",
        Tri::False => "no",
        Tri::Unknown => "unknown",
    }
}

/// The what-if cell of CSV and spreadsheet reports with parameters changed after the
/// rule files were read: `假设分析（非正式结论）：NAME 文件为 OLD，假设为 NEW；…`
/// (`None`: no change).
pub(crate) fn what_if_cell(rs: &crate::compile::RuleSet) -> Option<String> {
    let changes = rs.overrides();
    let saved = rs.saved_what_ifs();
    if changes.is_empty() && saved.is_empty() {
        return None;
    }
    let named = |name: &str| rs.param_title(name);
    let parts: Vec<String> = changes
        .iter()
        .map(|c| {
            let old = c.old.as_deref().unwrap_or("未设定");
            format!(
                "{} {}为 {old}，假设为 {}",
                named(&c.name),
                c.old_basis,
                c.new
            )
        })
        .chain(saved.iter().map(|w| {
            format!(
                "{} 为规则文件中保存的假设值 {}（{}）",
                named(&w.name),
                w.value,
                w.note
            )
        }))
        .collect();
    Some(format!("假设分析（非正式结论）：{}", parts.join("；")))
}

/// The facts the rule set reads (a criterion, a priority clause or an indicator), in
/// vocabulary order: the candidates for a town's missing data (缺少的数据).
pub(crate) fn read_facts(rs: &crate::compile::RuleSet) -> Vec<usize> {
    rs.fact_readers()
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .map(|(f, _)| f)
        .collect()
}

/// Whether some criterion has a relaxation clause (a 经放宽条款符合 column is shown).
pub(crate) fn has_relaxations(rs: &crate::compile::RuleSet) -> bool {
    rs.criteria
        .iter()
        .any(|c| c.requires.iter().any(|r| r.relax.is_some()))
}
