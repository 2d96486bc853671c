//! Dated parameter values in `diff`: a value added, removed or changed from a date is a
//! change, with the date — also when the value in force at each side's date is the same.

use std::collections::BTreeMap;

use super::params::show_version;
use super::{Change, ChangeKind};
use crate::check::ParamInfo;
use crate::compile::RuleSet;

/// The values that decide a parameter from some date on (those after its last undated
/// value): date → value as written; of two values of one date, the later set.
fn schedule(rs: &RuleSet, p: &ParamInfo) -> BTreeMap<String, String> {
    let start = p
        .history
        .iter()
        .rposition(|v| v.from.is_none())
        .unwrap_or(0);
    p.history[start..]
        .iter()
        .filter_map(|v| Some((v.from.clone()?, show_version(rs, p, v))))
        .collect()
}

/// Every value of a parameter with its date: `20亿元；15亿元（2025-01-01起）`.
fn history_text(rs: &RuleSet, p: &ParamInfo) -> String {
    let start = p
        .history
        .iter()
        .rposition(|v| v.from.is_none())
        .unwrap_or(0);
    let mut parts = Vec::new();
    if let Some(v) = p.history.get(start).filter(|v| v.from.is_none()) {
        parts.push(show_version(rs, p, v));
    }
    for (d, v) in schedule(rs, p) {
        parts.push(format!("{v}（{d}起）"));
    }
    parts.join("；")
}

/// What differs between the dated values of `a` (in `old`) and `b` (in `new`), one line
/// per date: `2025-01-01起：新增 15亿元`.
pub fn notes(old: &RuleSet, a: &ParamInfo, new: &RuleSet, b: &ParamInfo) -> Vec<String> {
    let (x, y) = (schedule(old, a), schedule(new, b));
    if x == y {
        return Vec::new();
    }
    let mut dates: Vec<&String> = x.keys().chain(y.keys()).collect();
    dates.sort();
    dates.dedup();
    dates
        .into_iter()
        .filter_map(|d| match (x.get(d), y.get(d)) {
            (None, Some(v)) => Some(format!("{d}起：新增 {v}")),
            (Some(v), None) => Some(format!("{d}起：删去 {v}")),
            (Some(u), Some(v)) if u != v => Some(format!("{d}起：{u} → {v}")),
            (Some(_), Some(_)) | (None, None) => None,
        })
        .collect()
}

/// The dated values of a parameter only one side has, one line per date
/// (`2025-01-01起：15亿元`).
pub fn listing(rs: &RuleSet, p: &ParamInfo) -> Vec<String> {
    schedule(rs, p)
        .into_iter()
        .map(|(d, v)| format!("{d}起：{v}"))
        .collect()
}

/// A parameter whose value in force is the same on both sides but whose dated values
/// differ (e.g. a value added from a later date).
pub fn change(
    old: &RuleSet,
    a: &ParamInfo,
    new: &RuleSet,
    b: &ParamInfo,
    label: String,
    notes: Vec<String>,
) -> Change {
    let mut ch = Change::new(ChangeKind::ParamChanged, &b.name, label);
    ch.field = Some("dated".to_string());
    ch.old = Some(history_text(old, a));
    ch.new = Some(history_text(new, b));
    ch.notes = notes;
    ch
}
