//! Comparing headers, criteria, table coverage, targets and the vocabulary.

use rust_decimal::Decimal;

use super::canon::{align, canon, CNode};
use super::params::{param_values, show_param};
use super::quotes::quote_change;
use super::{Change, ChangeKind, Direction};
use crate::check::{level_zh, HeaderInfo};
use crate::compile::{Condition, Criterion, Requirement, RuleSet};

/// Header fields compared, with their Chinese names.
const HEADER_FIELDS: [(&str, &str); 10] = [
    ("id", "编号"),
    ("title", "标题"),
    ("document", "文号"),
    ("name", "文件名称"),
    ("issuer", "发文机关"),
    ("date", "日期"),
    ("level", "级别"),
    ("section", "章节"),
    ("extends", "继承自"),
    ("note", "说明"),
];

/// The Chinese name of a header field.
pub fn header_field_zh(field: &str) -> &'static str {
    HEADER_FIELDS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or("", |(_, z)| z)
}

fn header_value(h: &HeaderInfo, field: &str) -> String {
    match field {
        "id" => h.id.clone(),
        "title" => h.title.clone(),
        "document" => h.document.clone(),
        "name" => h.name.clone(),
        "issuer" => h.issuer.clone(),
        "date" => h.date.clone(),
        "level" => h.level.clone(),
        "section" => h.section.clone(),
        "extends" => h.extends.clone().unwrap_or_default(),
        "note" => h.note.clone(),
        _ => String::new(),
    }
}

fn some(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Header changes (document number, date, level …), between the headers with what
/// each inherits (`old`, `new`; see [`inherited_header`](super::side::inherited_header))
/// and as written (`own_old`, `own_new`). An inherited value is shown with where it
/// comes from; a field a file that `extends` another leaves out and inherits no value
/// for is not a difference.
pub fn header(
    (own_old, old): (&HeaderInfo, &HeaderInfo),
    (own_new, new): (&HeaderInfo, &HeaderInfo),
    out: &mut Vec<Change>,
) {
    let inherits = |h: &HeaderInfo, v: &str| v.is_empty() && h.extends.is_some();
    let shown = |own: &HeaderInfo, h: &HeaderInfo, field: &str, v: String| {
        let inherited = header_value(own, field).is_empty() && !v.is_empty();
        match (&h.extends, inherited) {
            (Some(from), true) if field == "level" => format!("{}（继承自 {from}）", level_zh(&v)),
            (Some(from), true) => format!("{v}（继承自 {from}）"),
            _ => v,
        }
    };
    for (field, zh) in HEADER_FIELDS {
        let (a, b) = (header_value(old, field), header_value(new, field));
        if inherits(old, &a) || inherits(new, &b) {
            continue;
        }
        if a != b {
            let mut c = Change::new(ChangeKind::Header, field, zh);
            c.old = some(shown(own_old, old, field, a));
            c.new = some(shown(own_new, new, field, b));
            out.push(c);
        }
    }
}

/// A requirement in canonical form, with its text for people.
#[derive(Debug, Clone)]
struct Req {
    cond: CNode,
    relax: Option<(CNode, CNode)>,
    text: String,
    label: Option<String>,
    /// The relaxation's quotation.
    relax_quote: Option<String>,
}

impl Req {
    fn key(&self) -> (&CNode, Option<&(CNode, CNode)>) {
        (&self.cond, self.relax.as_ref())
    }
}

fn reqs(rs: &RuleSet, rq: &[Requirement]) -> Vec<Req> {
    let mut v: Vec<Req> = rq
        .iter()
        .map(|r| Req {
            cond: canon(rs, r.cond.node),
            relax: r
                .relax
                .as_ref()
                .map(|x| (canon(rs, x.when.node), canon(rs, x.then.node))),
            text: match &r.relax {
                Some(x) => format!(
                    "{}（放宽条款：{} 时 {}）",
                    r.cond.text, x.when.text, x.then.text
                ),
                None => r.cond.text.clone(),
            },
            label: r.label.clone(),
            relax_quote: r.relax.as_ref().and_then(|x| x.quote.clone()),
        })
        .collect();
    v.sort_by(|a, b| a.key().cmp(&b.key()));
    v
}

fn conds(rs: &RuleSet, cs: &[Condition]) -> Vec<Req> {
    let mut v: Vec<Req> = cs
        .iter()
        .map(|c| Req {
            cond: canon(rs, c.node),
            relax: None,
            text: c.text.clone(),
            label: None,
            relax_quote: None,
        })
        .collect();
    v.sort_by(|a, b| a.key().cmp(&b.key()));
    v
}

fn joined(rs: &[Req]) -> String {
    if rs.is_empty() {
        return "（无）".into();
    }
    rs.iter()
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join(" 且 ")
}

/// Compare two conjunctions of requirements: `None` when they mean the same,
/// else the direction and lines saying what was removed, added or changed.
fn compare_reqs(
    old: &[Req],
    new: &[Req],
    vo: &dyn Fn(&str) -> Option<Decimal>,
    vn: &dyn Fn(&str) -> Option<Decimal>,
) -> Option<(Option<Direction>, Vec<String>)> {
    let mut only_old: Vec<&Req> = Vec::new();
    let mut only_new: Vec<&Req> = new.iter().collect();
    for o in old {
        match only_new.iter().position(|n| n.key() == o.key()) {
            Some(i) => {
                only_new.remove(i);
            }
            None => only_old.push(o),
        }
    }
    if only_old.is_empty() && only_new.is_empty() {
        return None;
    }
    let mut dirs = Vec::new();
    let mut lines = Vec::new();
    let mut unpaired_old = Vec::new();
    for o in only_old {
        let pos = only_new
            .iter()
            .position(|n| aligned(o, n, vo, vn).is_some());
        match pos {
            Some(i) => {
                let n = only_new.remove(i);
                let d = aligned(o, n, vo, vn).flatten();
                dirs.extend(d);
                lines.push(format!("改为：{} → {}", o.text, n.text));
            }
            None => unpaired_old.push(o),
        }
    }
    for o in &unpaired_old {
        dirs.push(Direction::Looser);
        lines.push(format!("去掉：{}", o.text));
    }
    for n in &only_new {
        dirs.push(Direction::Stricter);
        lines.push(format!("新增：{}", n.text));
    }
    Some((Direction::combine(dirs), lines))
}

/// `Some(direction)` when two requirements have the same shape (differing only in
/// threshold values); the inner `None` when the values are equal too.
fn aligned(
    o: &Req,
    n: &Req,
    vo: &dyn Fn(&str) -> Option<Decimal>,
    vn: &dyn Fn(&str) -> Option<Decimal>,
) -> Option<Option<Direction>> {
    let mut changes = align(&o.cond, &n.cond, 1, vo, vn)?;
    let mut extra = Vec::new();
    match (&o.relax, &n.relax) {
        (None, None) => {}
        (Some((w1, t1)), Some((w2, t2))) => {
            changes.extend(align(w1, w2, 1, vo, vn)?);
            changes.extend(align(t1, t2, 1, vo, vn)?);
        }
        // A relaxation clause is one more way to pass.
        (None, Some(_)) => extra.push(Direction::Looser),
        (Some(_), None) => extra.push(Direction::Stricter),
    }
    let dirs = changes
        .iter()
        .filter_map(|c| Direction::of_move(c.effect, c.old, c.new))
        .chain(extra);
    Some(Direction::combine(dirs))
}

fn condition_text(c: &Criterion) -> String {
    let rs: Vec<String> = c
        .requires
        .iter()
        .map(|r| match &r.relax {
            Some(x) => format!(
                "{}（放宽条款：{} 时 {}）",
                r.cond.text, x.when.text, x.then.text
            ),
            None => r.cond.text.clone(),
        })
        .collect();
    rs.join(" 且 ")
}

/// Criteria added, removed and changed; returns the ids of those unchanged.
pub fn criteria(old: &RuleSet, new: &RuleSet, out: &mut Vec<Change>) -> Vec<String> {
    let vo = param_values(old);
    let vn = param_values(new);
    let vo = |n: &str| vo.get(n).copied().flatten();
    let vn = |n: &str| vn.get(n).copied().flatten();
    let mut unchanged = Vec::new();
    for c in &old.criteria {
        if new.criterion_index(&c.id).is_none() {
            let mut ch = Change::new(ChangeKind::CriterionRemoved, &c.id, &c.label);
            ch.old = Some(condition_text(c));
            ch.direction = Some(Direction::Looser);
            ch.notes.push(format!("{} {}", c.document, c.clause));
            out.push(ch);
        }
    }
    for c in &new.criteria {
        if old.criterion_index(&c.id).is_none() {
            let mut ch = Change::new(ChangeKind::CriterionAdded, &c.id, &c.label);
            ch.new = Some(condition_text(c));
            ch.direction = Some(Direction::Stricter);
            ch.notes.push(format!("{} {}", c.document, c.clause));
            out.push(ch);
        }
    }
    for a in &old.criteria {
        let Some(b) = new.criterion_index(&a.id).map(|i| &new.criteria[i]) else {
            continue;
        };
        let before = out.len();
        let field = |f: &str, o: String, n: String| {
            let mut ch = Change::new(ChangeKind::CriterionChanged, &a.id, &b.label);
            ch.field = Some(f.to_string());
            ch.old = Some(o);
            ch.new = Some(n);
            ch
        };
        if a.label != b.label {
            out.push(field("label", a.label.clone(), b.label.clone()));
        }
        if a.clause != b.clause {
            out.push(field("clause", a.clause.clone(), b.clause.clone()));
        }
        let (ra, rb) = (reqs(old, &a.requires), reqs(new, &b.requires));
        if let Some((dir, lines)) = compare_reqs(&ra, &rb, &vo, &vn) {
            let mut ch = field("condition", condition_text(a), condition_text(b));
            ch.direction = dir;
            ch.notes = lines;
            out.push(ch);
        }
        let (aa, ab) = (conds(old, &a.applies), conds(new, &b.applies));
        if let Some((dir, lines)) = compare_reqs(&aa, &ab, &vo, &vn) {
            let mut ch = field("applies", joined(&aa), joined(&ab));
            ch.direction = dir;
            ch.notes = lines;
            out.push(ch);
        }
        let pa: Vec<Condition> = a.priorities.iter().map(|p| p.when.clone()).collect();
        let pb: Vec<Condition> = b.priorities.iter().map(|p| p.when.clone()).collect();
        let (pa, pb) = (conds(old, &pa), conds(new, &pb));
        let same = pa.len() == pb.len() && pa.iter().zip(&pb).all(|(x, y)| x.key() == y.key());
        let mut priority_words = Vec::new();
        if !same {
            let show = |v: &[Req]| {
                if v.is_empty() {
                    "（无）".to_string()
                } else {
                    v.iter()
                        .map(|r| r.text.as_str())
                        .collect::<Vec<_>>()
                        .join("；")
                }
            };
            let mut ch = field("priority", show(&pa), show(&pb));
            ch.notes
                .push("优先评定条件不影响是否认定，只影响优先顺序".to_string());
            out.push(ch);
        } else {
            // The same priority conditions: their texts are the document's words.
            for (x, y) in a.priorities.iter().zip(&b.priorities) {
                let (tx, ty) = (Some(x.label.clone()), Some(y.label.clone()));
                priority_words.extend(quote_change(&a.id, &b.label, "priority_text", &tx, &ty));
            }
        }
        if out.len() == before {
            unchanged.push(a.id.clone());
        }
        wording(a, b, &ra, &rb, out);
        out.extend(priority_words);
    }
    unchanged
}

/// Wording changes of a criterion whose meaning may be the same: its quotation and the
/// quotation of each relaxation found on both sides (added or removed included, see
/// [`quote_change`]), and the wording of each requirement found on both sides (same
/// canonical condition), compared where both sides word it (see [`wording_change`]).
fn wording(a: &Criterion, b: &Criterion, ra: &[Req], rb: &[Req], out: &mut Vec<Change>) {
    let (id, label) = (a.id.as_str(), b.label.as_str());
    out.extend(quote_change(id, label, "quote", &a.quote, &b.quote));
    for x in ra {
        if let Some(y) = rb.iter().find(|y| y.key() == x.key()) {
            out.extend(wording_change(id, label, "requirement", &x.label, &y.label));
            if x.relax.is_some() {
                let (qx, qy) = (&x.relax_quote, &y.relax_quote);
                out.extend(quote_change(id, label, "relax_quote", qx, qy));
            }
        }
    }
}

/// A wording change of a requirement's label when both sides word it and the words
/// differ. A label on one side only is this rule set's choice to say it in words, not a
/// different wording.
pub(super) fn wording_change(
    id: &str,
    label: &str,
    field: &str,
    old: &Option<String>,
    new: &Option<String>,
) -> Option<Change> {
    let (Some(o), Some(n)) = (old, new) else {
        return None;
    };
    if o == n {
        return None;
    }
    let mut ch = Change::new(ChangeKind::Wording, id, label);
    ch.field = Some(field.to_string());
    ch.old = Some(o.clone());
    ch.new = Some(n.clone());
    Some(ch)
}

/// Categories a table covers in one rule set and not in the other (tables in both).
pub fn coverage(old: &RuleSet, new: &RuleSet, out: &mut Vec<Change>) {
    for ta in &old.tables {
        let Some(tb) = new.tables.iter().find(|t| t.name == ta.name) else {
            continue;
        };
        let (Some(sa), Some(sb)) = (old.categories.get(ta.set), new.categories.get(tb.set)) else {
            continue;
        };
        let mut ids: Vec<&str> = sa.members.iter().map(|m| m.id.as_str()).collect();
        for m in &sb.members {
            if !ids.contains(&m.id.as_str()) {
                ids.push(&m.id);
            }
        }
        let users = |rs: &RuleSet| -> String {
            let t = rs.tables.iter().position(|t| t.name == ta.name);
            let names: Vec<&str> = rs
                .criteria
                .iter()
                .filter(|c| c.lookups.iter().any(|(x, _)| Some(*x as usize) == t))
                .map(|c| c.label.as_str())
                .collect();
            names.join("、")
        };
        for id in ids {
            let (ea, eb) = (entry(old, ta, sa, id), entry(new, tb, sb, id));
            let label = sb
                .members
                .iter()
                .chain(&sa.members)
                .find(|m| m.id == id)
                .map_or(id, |m| m.label.as_str());
            let (kind, dir, who) = match (ea, eb) {
                (None, Some(_)) => (ChangeKind::CategoryCovered, Direction::Looser, users(new)),
                (Some(_), None) => (ChangeKind::CategoryDropped, Direction::Stricter, users(old)),
                _ => continue,
            };
            let mut ch = Change::new(kind, id, label);
            ch.field = Some(ta.name.clone());
            ch.direction = Some(dir);
            if let Some(p) = ea {
                ch.old = Some(show_param(old, p, None));
                ch.old_value = super::params::num_value(p);
            }
            if let Some(p) = eb {
                ch.new = Some(show_param(new, p, None));
                ch.new_value = super::params::num_value(p);
            }
            if !who.is_empty() {
                ch.notes.push(format!("用于：{who}"));
            }
            out.push(ch);
        }
    }
}

fn entry<'r>(
    rs: &'r RuleSet,
    t: &crate::check::TableInfo,
    set: &crate::check::CategorySet,
    id: &str,
) -> Option<&'r crate::check::ParamInfo> {
    let m = set.members.iter().position(|m| m.id == id)?;
    let p = t.entries.get(m).copied().flatten()?;
    rs.params.get(p)
}

fn target_fields(t: &crate::check::TargetInfo) -> [(&'static str, String); 5] {
    [
        ("label", t.label.clone()),
        ("by", t.by.clone().unwrap_or_default()),
        (
            "level",
            t.level.as_deref().map(level_zh).unwrap_or("").to_string(),
        ),
        (
            "towns",
            t.towns
                .map(crate::units::format_decimal)
                .unwrap_or_default(),
        ),
        ("clause", t.clause.clone().unwrap_or_default()),
    ]
}

/// The Chinese name of a target field.
pub fn target_field_zh(f: &str) -> &'static str {
    match f {
        "label" => "内容",
        "by" => "期限",
        "level" => "级别",
        "towns" => "个数",
        "clause" => "条款",
        _ => "",
    }
}

/// Targets added, removed and changed.
pub fn targets(old: &RuleSet, new: &RuleSet, out: &mut Vec<Change>) {
    for t in &old.targets {
        if !new.targets.iter().any(|x| x.id == t.id) {
            let mut ch = Change::new(ChangeKind::TargetRemoved, &t.id, &t.label);
            ch.old = Some(t.label.clone());
            out.push(ch);
        }
    }
    for t in &new.targets {
        if !old.targets.iter().any(|x| x.id == t.id) {
            let mut ch = Change::new(ChangeKind::TargetAdded, &t.id, &t.label);
            ch.new = Some(t.label.clone());
            out.push(ch);
        }
    }
    for a in &old.targets {
        let Some(b) = new.targets.iter().find(|x| x.id == a.id) else {
            continue;
        };
        for ((f, x), (_, y)) in target_fields(a).into_iter().zip(target_fields(b)) {
            if x != y {
                let mut ch = Change::new(ChangeKind::TargetChanged, &a.id, &b.label);
                ch.field = Some(f.to_string());
                ch.old = some(x);
                ch.new = some(y);
                out.push(ch);
            }
        }
    }
}

fn kind_zh(rs: &RuleSet, k: crate::check::Kind) -> String {
    use crate::check::Kind;
    match k {
        Kind::Money => "金额".into(),
        Kind::Count => "个数".into(),
        Kind::Number => "数值".into(),
        Kind::Percent => "百分比".into(),
        Kind::Bool => "是/否".into(),
        Kind::Category(s) => rs
            .categories
            .get(s)
            .map_or("类别".into(), |c| format!("类别（{}）", c.label)),
        Kind::Text => "文字".into(),
        Kind::Ratio => "比例".into(),
        Kind::Points => "百分点".into(),
        Kind::PerUnit => "人均金额".into(),
    }
}

/// Facts of the vocabulary added, removed or changed in kind or label.
pub fn facts(old: &RuleSet, new: &RuleSet, out: &mut Vec<Change>) {
    for f in &old.facts {
        if new.fact_index(&f.id).is_none() {
            let mut ch = Change::new(ChangeKind::FactRemoved, &f.id, &f.label);
            ch.old = Some(kind_zh(old, f.kind));
            out.push(ch);
        }
    }
    for f in &new.facts {
        if old.fact_index(&f.id).is_none() {
            let mut ch = Change::new(ChangeKind::FactAdded, &f.id, &f.label);
            ch.new = Some(kind_zh(new, f.kind));
            out.push(ch);
        }
    }
    for a in &old.facts {
        let Some(b) = new.fact_index(&a.id).map(|i| &new.facts[i]) else {
            continue;
        };
        let (ka, kb) = (kind_zh(old, a.kind), kind_zh(new, b.kind));
        if ka != kb || a.attestation != b.attestation {
            let mut ch = Change::new(ChangeKind::FactChanged, &a.id, &b.label);
            ch.field = Some("kind".into());
            let att = |x: bool| if x { "（专家认定）" } else { "" };
            ch.old = Some(format!("{ka}{}", att(a.attestation)));
            ch.new = Some(format!("{kb}{}", att(b.attestation)));
            out.push(ch);
        }
        if a.label != b.label {
            let mut ch = Change::new(ChangeKind::FactChanged, &a.id, &b.label);
            ch.field = Some("label".into());
            ch.old = Some(a.label.clone());
            ch.new = Some(b.label.clone());
            out.push(ch);
        }
    }
}
