//! The diff as JSON for tools.

use serde_json::{json, Value};

use super::impact::{GradeChange, Impact, TownChange};
use super::side::Side;
use super::{Change, ChangeKind, Direction, RuleDiff};
use crate::eval::Status;

fn side_json(s: &Side) -> Value {
    let h = &s.rules.header;
    json!({
        "spec": s.spec,
        "ruleset": h.id,
        "title": h.title,
        "document": h.document,
        "level": h.level,
        "date": h.date,
        "revision": s.revision.as_ref().map(|(rev, commit)| json!({"rev": rev, "commit": commit})),
    })
}

fn dec(d: Option<rust_decimal::Decimal>) -> Option<String> {
    d.map(crate::units::format_decimal)
}

fn grade_json(g: &GradeChange) -> Value {
    json!({
        "old": g.old,
        "new": g.new,
        "old_total": dec(g.old_total),
        "new_total": dec(g.new_total),
        "indicators": g.indicators.iter().map(|d| json!({
            "code": d.code,
            "label": d.label,
            "old": dec(d.old),
            "new": dec(d.new),
        })).collect::<Vec<_>>(),
    })
}

fn change_json(c: &Change) -> Value {
    json!({
        "kind": c.kind.as_str(),
        "id": c.id,
        "field": c.field,
        "label": c.label,
        "old": c.old,
        "new": c.new,
        "old_value": c.old_value.map(crate::units::format_decimal),
        "new_value": c.new_value.map(crate::units::format_decimal),
        "direction": c.direction.map(Direction::as_str),
        "notes": c.notes,
        "counted": c.counted(),
    })
}

/// The JSON report: `{"old", "new", "changes": [...], "summary", "impact": [...],
/// "criterion_changes": [...], "transitions": [...]}`. Each change says whether it is
/// `counted` (a threshold comparison restates changes counted elsewhere; which rule set
/// a file extends is no difference); `summary` counts each difference once, by
/// direction, and the wording changes (`same_meaning` when there are only those).
/// `impact` lists the towns whose outcome or grade differs, `criterion_changes` those
/// whose outcome is the same but some criterion's status differs. Conditions keep
/// their ids. Exact numbers (`old_value`, `new_value`: money in 元, percentage points)
/// are strings.
pub fn json(a: &Side, b: &Side, d: &RuleDiff, imp: Option<&Impact>) -> Value {
    let towns = |ts: &[TownChange]| -> Vec<Value> {
        ts.iter()
            .map(|t| {
                json!({
                    "town": t.id,
                    "name": t.name,
                    "old": t.old.as_str(),
                    "new": t.new.as_str(),
                    "grade": t.grade.as_ref().map(grade_json),
                    "because": t.because.iter().map(|c| json!({
                        "criterion": c.criterion,
                        "label": c.label,
                        "old": c.old.map(Status::as_str),
                        "new": c.new.map(Status::as_str),
                        "why": c.why,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect()
    };
    let impact = imp.map(|i| towns(&i.towns)).unwrap_or_default();
    let criteria_only = imp.map(|i| towns(&i.criteria_only)).unwrap_or_default();
    json!({
        "old": side_json(a),
        "new": side_json(b),
        "identical": d.is_same(),
        "changes": d.changes.iter().map(change_json).collect::<Vec<_>>(),
        "summary": json!({
            "changes": d.counted().count(),
            "stricter": d.count(Direction::Stricter),
            "looser": d.count(Direction::Looser),
            "undecidable": d.count(Direction::Undecidable),
            "wording": d.changes.iter().filter(|c| c.kind == ChangeKind::Wording).count(),
            "same_meaning": d.same_meaning(),
        }),
        "towns_file": imp.map(|i| i.file.clone()),
        "towns_evaluated": imp.map(|i| i.total),
        "impact": impact,
        "criterion_changes": criteria_only,
        "facts_only_in": imp.map(|i| i.one_sided_facts.iter().map(|(id, label, in_new)| json!({
            "fact": id, "label": label, "side": if *in_new { "new" } else { "old" }
        })).collect::<Vec<_>>()).unwrap_or_default(),
        "graded": imp.map(|i| i.graded),
        "grade_transitions": imp.map(|i| i.grade_transitions.iter().map(|(o, n, k)| json!({
            "old": o, "new": n, "count": k
        })).collect::<Vec<_>>()).unwrap_or_default(),
        "transitions": imp.map(|i| i.transitions.iter().map(|(o, n, k)| json!({
            "old": o.as_str(), "new": n.as_str(), "count": k
        })).collect::<Vec<_>>()).unwrap_or_default(),
    })
}
