//! Chinese descriptions of values, operands, parameters and atoms.

use rust_decimal::Decimal;

use crate::check::{level_zh, Kind, ParamInfo, ParamValue};
use crate::compile::{NodeId, Op, RuleSet, StatKind};
use crate::eval::{Atom, Evaluator, Tri, V};
use crate::syntax::ast::CmpOp;
use crate::units::{self, MoneyUnit};

mod arith;

use arith::{arith_name, computation, inexact, kind_of, rounded, shown, unit_of};

/// How a number of some kind is shown.
#[derive(Debug, Clone, Copy)]
pub struct Unit {
    kind: Kind,
    money: MoneyUnit,
    measure: Option<&'static str>,
}

impl Unit {
    fn of(kind: Kind) -> Self {
        Unit {
            kind,
            money: MoneyUnit::Yi,
            measure: None,
        }
    }
}

/// Format a value in a unit: `19.99亿元`, `35%`, `9户`, `是`.
pub fn value(rs: &RuleSet, v: V, u: Unit) -> String {
    match v {
        V::Unknown => "（缺失）".to_string(),
        V::Fault(f) => format!("（{}）", f.message()),
        V::Bool(b) => if b { "是" } else { "否" }.to_string(),
        V::Cat(m) => match u.kind {
            Kind::Category(s) => rs
                .categories
                .get(s)
                .and_then(|c| c.members.get(m as usize))
                .map(|m| m.label.clone())
                .unwrap_or_else(|| m.to_string()),
            _ => m.to_string(),
        },
        V::Num(d) => number(d, u),
    }
}

/// The margin of an atom as JSON gives it: in the left side's unit, a ratio's in
/// percentage points (as a percentage's is).
pub fn margin_value(rs: &RuleSet, a: &Atom) -> Option<Decimal> {
    let m = a.margin?;
    if let Some(&Op::Cmp { lhs, .. }) = rs.ops.get(a.node as usize) {
        if kind_of(rs, lhs) == Kind::Ratio {
            return m.checked_mul(Decimal::ONE_HUNDRED).map(|x| x.normalize());
        }
    }
    Some(m)
}

/// Format a number of the unit's kind.
pub fn number(d: Decimal, u: Unit) -> String {
    match u.kind {
        Kind::Money => units::format_money(d, u.money),
        Kind::Percent => units::format_percent(d),
        Kind::Count => format!("{}{}", units::format_decimal(d), u.measure.unwrap_or("")),
        Kind::Ratio => units::format_ratio_percent(d),
        Kind::Points => format!("{}个百分点", units::format_decimal(d)),
        Kind::PerUnit => per_unit(d, u),
        Kind::Number | Kind::Bool | Kind::Category(_) | Kind::Text => units::format_decimal(d),
    }
}

/// Money per counted unit: `15万元/人` (in 万元 unless written in another unit).
fn per_unit(d: Decimal, u: Unit) -> String {
    let money = match u.money {
        MoneyUnit::Yi => MoneyUnit::Wan,
        m @ (MoneyUnit::Wan | MoneyUnit::Yuan) => m,
    };
    match u.measure {
        Some(m) => format!("{}/{m}", units::format_money(d, money)),
        None => format!("{}（每单位）", units::format_money(d, money)),
    }
}

/// A difference between two numbers of the unit's kind, as staff would say it:
/// percentages in 个百分点, money in 亿元 from 0.1亿 up, 万元 from 1万 up and 元 below;
/// always exact, so a nonzero shortfall never reads as zero.
pub fn difference(d: Decimal, u: Unit) -> String {
    match u.kind {
        Kind::Percent | Kind::Points => format!("{}个百分点", units::format_decimal(d)),
        Kind::Ratio => format!("{}个百分点", units::ratio_points(d)),
        Kind::Money => {
            let a = d.abs();
            let unit = if a >= MoneyUnit::Yi.factor() / Decimal::from(10u32) {
                MoneyUnit::Yi
            } else if a >= MoneyUnit::Wan.factor() {
                MoneyUnit::Wan
            } else {
                MoneyUnit::Yuan
            };
            units::format_money(d, unit)
        }
        _ => number(d, u),
    }
}

/// The display unit of an operand node, and its description.
pub fn operand(ev: &Evaluator<'_>, n: NodeId, row: usize) -> (String, Unit) {
    let rs = ev.rules;
    match rs.ops[n as usize] {
        Op::Fact(f) => {
            let fact = &rs.facts[f as usize];
            let measure = fact.measure.as_deref().map(leak_measure);
            (
                fact.label.clone(),
                Unit {
                    kind: fact.kind,
                    money: fact.money_unit,
                    measure,
                },
            )
        }
        Op::Param(p) => {
            let pi = &rs.params[p as usize];
            (param_ref(rs, pi), param_unit(pi))
        }
        Op::Lookup { table, key } => {
            let t = &rs.tables[table as usize];
            match ev.eval(key, row) {
                V::Cat(m) => match t.entries.get(m as usize).copied().flatten() {
                    Some(p) => {
                        let pi = &rs.params[p];
                        (param_ref(rs, pi), param_unit(pi))
                    }
                    None => ("本类别无门槛".to_string(), Unit::of(t.kind)),
                },
                _ => (
                    "本类门槛（产业类别缺失，无法确定）".to_string(),
                    Unit::of(t.kind),
                ),
            }
        }
        Op::Const(_) => (String::new(), Unit::of(kind_of(rs, n))),
        // Arithmetic is named when it is a ratio of two facts or a growth rate; its
        // computation is shown beside its value (see [`computation`]).
        Op::Arith { .. } => (arith_name(ev, n).unwrap_or_default(), unit_of(ev, n, row)),
        Op::Rescale(x, _) => (operand(ev, x, row).0, unit_of(ev, n, row)),
        Op::Neg(x) => operand(ev, x, row),
        Op::Stat { kind, .. } => {
            let unit = match kind {
                StatKind::Rank | StatKind::GroupSize => Kind::Count,
                StatKind::Percentile | StatKind::Top | StatKind::Share => Kind::Percent,
            };
            (stat(ev, n, row), Unit::of(unit))
        }
        Op::Min(..) | Op::Max(..) => (String::new(), unit_of(ev, n, row)),
        Op::InTable { .. } | Op::InList { .. } | Op::Not(_) | Op::Logic { .. } | Op::Cmp { .. } => {
            (String::new(), Unit::of(Kind::Bool))
        }
    }
}

fn leak_measure(m: &str) -> &'static str {
    match m {
        "家" => "家",
        "户" => "户",
        "个" => "个",
        "人" => "人",
        "项" => "项",
        "名" => "名",
        "座" => "座",
        _ => "",
    }
}

fn param_unit(p: &ParamInfo) -> Unit {
    // A count shows the measure word its value was written with (`2家`), if any.
    let written = p.current().and_then(|v| v.written.as_deref()).unwrap_or("");
    let measure = match p.kind {
        Kind::Count => p
            .measure
            .as_deref()
            .map(leak_measure)
            .or_else(|| {
                written
                    .chars()
                    .last()
                    .map(|c| leak_measure(c.encode_utf8(&mut [0; 4])))
            })
            .filter(|m| !m.is_empty()),
        Kind::Money
        | Kind::Number
        | Kind::Percent
        | Kind::Bool
        | Kind::Category(_)
        | Kind::Text
        | Kind::Ratio
        | Kind::Points
        | Kind::PerUnit => None,
    };
    Unit {
        kind: p.kind,
        money: p.current().and_then(|v| v.unit).unwrap_or(MoneyUnit::Yi),
        measure,
    }
}

/// Where a parameter value comes from: `省级 晋政办发〔2022〕80号 二（四）`; a value the
/// document does not state is `本规则集的理解`, a what-if value `假设值（…）` — never the
/// clause.
pub fn provenance(v: &ParamValue) -> String {
    let p = &v.provenance;
    if let Some(w) = &p.what_if {
        return format!("假设值（{w}）");
    }
    if p.interpretation.is_some() {
        return "本规则集的理解".to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    if !p.level.is_empty() {
        parts.push(level_zh(&p.level).to_string());
    }
    if !p.document.is_empty() {
        parts.push(p.document.clone());
    } else {
        parts.push(p.ruleset.clone());
    }
    if let Some(c) = &p.clause {
        parts.push(c.clone());
    }
    parts.join(" ")
}

/// A parameter as staff would name it, without its internal name: its role (`制造业类门槛`
/// for a table entry), the document and clause it comes from, and what it replaced.
pub fn param_ref(rs: &RuleSet, p: &ParamInfo) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some((t, m)) = p.table {
        let set = rs.tables[t].set;
        if let Some(mem) = rs.categories[set].members.get(m) {
            parts.push(format!("{}类门槛", mem.label));
        }
    }
    if let Some(cur) = p.current() {
        let mut s = match &cur.from {
            Some(d) => format!("{d}起施行，{}", provenance(cur)),
            None => provenance(cur),
        };
        let eff = p.effective();
        if eff.len() > 1 {
            let prev = eff[eff.len() - 2];
            let was = prev.written.clone().unwrap_or_else(|| "未设定".into());
            let from = provenance(prev);
            // The same document and clause are not named twice.
            let from = if from == provenance(cur) {
                String::new()
            } else {
                format!("{from} ")
            };
            match (&prev.from, prev.value.is_some(), from.is_empty()) {
                (_, false, _) => s.push_str("，此前未设定"),
                (Some(d), true, _) => s.push_str(&format!("，替代了 {from}{d}起施行的 {was}")),
                (None, true, true) => s.push_str(&format!("，替代了此前的 {was}")),
                (None, true, false) => s.push_str(&format!("，替代了 {from}的 {was}")),
            }
        }
        if let Some(next) = p.next_version() {
            let will = next.written.clone().unwrap_or_else(|| "未设定".into());
            let d = next.from.as_deref().unwrap_or("");
            s.push_str(&format!("；{d}起改为 {will}"));
        }
        parts.push(s);
    }
    parts.join("，")
}

/// The town's category a table lookup reads, when it has one.
fn category_of(ev: &Evaluator<'_>, op: Op, row: usize) -> Option<u16> {
    let Op::Lookup { key, .. } = op else {
        return None;
    };
    match ev.eval(key, row) {
        V::Cat(m) => Some(m),
        V::Unknown | V::Fault(_) | V::Num(_) | V::Bool(_) => None,
    }
}

/// Why a threshold has no value: not set, or (for dated values) none in force yet at
/// the date the rule set is read at.
fn unset(ev: &Evaluator<'_>, n: NodeId, row: usize) -> String {
    let rs = ev.rules;
    if let Op::Rescale(x, _) = rs.ops[n as usize] {
        // A percentage read as a ratio: the threshold is the parameter inside.
        return unset(ev, x, row);
    }
    // The parameter in force here: the threshold itself, or the table entry for the
    // town's category.
    let p = threshold_param(ev, n, row);
    let future = p.and_then(|p| {
        let pi = &rs.params[p];
        Some((pi.first_future()?, pi.as_of.clone()?))
    });
    match future {
        Some((v, at)) => format!(
            "门槛在 {at} 尚未施行（{} 自{}起施行）",
            v.written.as_deref().unwrap_or(""),
            v.from.as_deref().unwrap_or("")
        ),
        None => {
            let next = p.and_then(|p| rs.params[p].next_version());
            match next {
                Some(v) => format!(
                    "门槛未设定（{}起为 {}）",
                    v.from.as_deref().unwrap_or(""),
                    v.written.as_deref().unwrap_or("")
                ),
                None => "门槛未设定".to_string(),
            }
        }
    }
}

/// One line explaining an atom, e.g.
/// `特色主导产业年产值 19.99亿元 < 20亿元（min_output.manufacturing，制造业；省级 晋政办发〔2022〕80号 二（四）），还差 0.01亿元`.
pub fn atom(ev: &Evaluator<'_>, a: &Atom, row: usize) -> String {
    let rs = ev.rules;
    match rs.ops[a.node as usize] {
        Op::Cmp { op, lhs, rhs } => {
            let (ld, lu) = operand(ev, lhs, row);
            let (rd, ru) = operand(ev, rhs, row);
            let ru = if matches!(rs.ops[rhs as usize], Op::Const(_)) {
                Unit {
                    measure: lu.measure,
                    ..lu
                }
            } else {
                ru
            };
            // A threshold count reads in the left side's measure word (`8户`); its
            // computation keeps the words its figures were written with.
            let counted = matches!(ru.kind, Kind::Count | Kind::PerUnit);
            let ru = if counted && lu.measure.is_some() {
                Unit {
                    measure: lu.measure,
                    ..ru
                }
            } else {
                ru
            };
            let lv = if a.lhs == V::Unknown && is_param_like(ev, lhs) {
                "（未设定）".to_string()
            } else {
                shown(ev, lhs, row, a.lhs, lu)
            };
            // Money on both sides is shown in the left side's unit, so the two read alike;
            // a threshold written in another unit keeps its written form beside it.
            let same_unit = Unit {
                money: lu.money,
                ..ru
            };
            let (rv, written) = if a.rhs == V::Unknown && is_param_like(ev, rhs) {
                ("（未设定）".to_string(), None)
            } else if lu.kind == Kind::Money && ru.kind == Kind::Money && lu.money != ru.money {
                (value(rs, a.rhs, same_unit), Some(value(rs, a.rhs, ru)))
            } else {
                (shown(ev, rhs, row, a.rhs, ru), None)
            };
            let shown_with = |d: &str, c: Option<String>| match (d.is_empty(), c) {
                (true, Some(c)) => c,
                (false, Some(c)) => format!("{d}：{c}"),
                (_, None) => d.to_string(),
            };
            let rd = shown_with(&rd, computation(ev, rhs, row, ru.measure.or(lu.measure)));
            let rd = match (written, rd.is_empty()) {
                (Some(w), true) => format!("即 {w}"),
                (Some(w), false) => format!("即 {w}；{rd}"),
                (None, _) => rd,
            };
            let sym = match a.holds {
                Tri::False => op.negate().symbol(),
                Tri::True | Tri::Unknown => op.symbol(),
            };
            let left = match (ld.is_empty(), computation(ev, lhs, row, lu.measure)) {
                (true, None) => lv,
                (false, None) => format!("{ld} {lv}"),
                (true, Some(c)) => format!("{lv}（{c}）"),
                (false, Some(c)) => format!("{ld} {lv}（{c}）"),
            };
            let right = if rd.is_empty() {
                rv
            } else {
                format!("{rv}（{rd}）")
            };
            // An unset threshold is said once, with where it should come from; the
            // comparison against nothing is not shown.
            if a.rhs == V::Unknown && a.lhs != V::Unknown {
                if let Op::Lookup { key, .. } = rs.ops[rhs as usize] {
                    if ev.eval(key, row) == V::Unknown {
                        return format!("{left}，门槛按产业类别而定，产业类别缺少数据，无法判定");
                    }
                }
                if is_param_like(ev, rhs) {
                    return format!("{left}，{}，无法判定", unset(ev, rhs, row));
                }
            }
            // A fact not reported is said as such, beside the threshold it would be held to.
            if a.lhs == V::Unknown
                && a.rhs != V::Unknown
                && !ld.is_empty()
                && !is_param_like(ev, lhs)
                && computation(ev, lhs, row, None).is_none()
            {
                return format!("{ld}未填报（门槛：{}{right}），无法判定", cmp_zh(op));
            }
            let mut s = format!("{left} {sym} {right}");
            // A margin between rounded quotients is itself rounded.
            let approx = inexact(ev, lhs, row) || inexact(ev, rhs, row);
            let difference = |d: Decimal, u: Unit| match approx {
                true => format!("约{}", difference(rounded(d, u), u)),
                false => difference(d, u),
            };
            match (a.holds, a.margin) {
                (Tri::False, Some(m)) => {
                    let gap = if !op.inclusive() {
                        format!("，须超过门槛（还差 {} 以上）", difference(-m, lu))
                    } else {
                        format!("，还差 {}", difference(-m, lu))
                    };
                    s.push_str(&gap);
                }
                (Tri::True, Some(m)) if m.is_zero() => s.push_str("，恰好达到门槛"),
                (Tri::True, Some(m)) => s.push_str(&format!("，超出 {}", difference(m, lu))),
                (Tri::Unknown, _) => s.push_str(&unknown_reason(ev, a, lhs, rhs)),
                _ => {}
            }
            s
        }
        Op::Fact(f) => {
            let fact = &rs.facts[f as usize];
            let tag = if fact.attestation && !fact.label.contains("专家认定") {
                "（专家认定）"
            } else {
                ""
            };
            match a.lhs {
                V::Unknown => format!("{}{tag}：缺少数据", fact.label),
                v => format!(
                    "{}{tag} = {}",
                    fact.label,
                    value(rs, v, Unit::of(Kind::Bool))
                ),
            }
        }
        Op::InTable { item, table } => {
            let t = &rs.tables[table as usize];
            let covered = covered_labels(rs, t.set, |m| matches!(t.entries.get(m), Some(Some(_))));
            let (d, u) = operand(ev, item, row);
            match a.holds {
                Tri::True => format!(
                    "{d} = {}，在本条门槛所列的类别（{covered}）之内",
                    value(rs, a.lhs, u)
                ),
                Tri::False => format!(
                    "{d} = {}，不在本条门槛所列的类别（{covered}）之内",
                    value(rs, a.lhs, u)
                ),
                Tri::Unknown => format!("{d}：缺少数据"),
            }
        }
        Op::InList { item, members } => {
            let (d, u) = operand(ev, item, row);
            let set = match u.kind {
                Kind::Category(s) => s,
                _ => 0,
            };
            let listed = covered_labels(rs, set, |m| m < 64 && members & (1u64 << m) != 0);
            match a.holds {
                Tri::True => format!("{d} = {}，属于（{listed}）", value(rs, a.lhs, u)),
                Tri::False => format!("{d} = {}，不属于（{listed}）", value(rs, a.lhs, u)),
                Tri::Unknown => format!("{d}：缺少数据"),
            }
        }
        // Not elementary tests: never recorded as atoms.
        Op::Param(_)
        | Op::Const(_)
        | Op::Lookup { .. }
        | Op::Not(_)
        | Op::Neg(_)
        | Op::Logic { .. }
        | Op::Arith { .. }
        | Op::Stat { .. }
        | Op::Min(..)
        | Op::Max(..)
        | Op::Rescale(..) => String::new(),
    }
}

fn unknown_reason(ev: &Evaluator<'_>, a: &Atom, lhs: NodeId, rhs: NodeId) -> String {
    let mut why = Vec::new();
    for (v, n) in [(a.lhs, lhs), (a.rhs, rhs)] {
        match v {
            // Arithmetic without a result is named as such, never as missing data.
            V::Fault(f) => why.push(f.message()),
            V::Unknown if is_param_like(ev, n) => why.push("门槛未设定"),
            V::Unknown => why.push("缺少数据"),
            V::Num(_) | V::Bool(_) | V::Cat(_) => {}
        }
    }
    why.dedup();
    format!("，无法判定（{}）", why.join("、"))
}

pub(super) fn is_param_like(ev: &Evaluator<'_>, n: NodeId) -> bool {
    match ev.rules.ops[n as usize] {
        Op::Param(_) | Op::Lookup { .. } => true,
        Op::Arith { lhs, rhs, .. } => is_param_like(ev, lhs) && is_param_like(ev, rhs),
        Op::Rescale(x, _) => is_param_like(ev, x),
        Op::Fact(_)
        | Op::Const(_)
        | Op::InTable { .. }
        | Op::InList { .. }
        | Op::Not(_)
        | Op::Neg(_)
        | Op::Logic { .. }
        | Op::Cmp { .. }
        | Op::Stat { .. }
        | Op::Min(..)
        | Op::Max(..) => false,
    }
}

fn covered_labels(rs: &RuleSet, set: usize, pick: impl Fn(usize) -> bool) -> String {
    rs.categories
        .get(set)
        .map(|c| {
            c.members
                .iter()
                .enumerate()
                .filter(|(i, _)| pick(*i))
                .map(|(_, m)| m.label.as_str())
                .collect::<Vec<_>>()
                .join("、")
        })
        .unwrap_or_default()
}

/// The display unit of a fact.
pub fn fact_unit(rs: &RuleSet, f: usize) -> Unit {
    let fact = &rs.facts[f];
    Unit {
        kind: fact.kind,
        money: fact.money_unit,
        measure: fact.measure.as_deref().map(leak_measure),
    }
}

/// A group statistic with its group: `rank(特色主导产业年产值)〔参评镇共 8 个〕`.
pub fn stat(ev: &Evaluator<'_>, n: NodeId, row: usize) -> String {
    let rs = ev.rules;
    let Op::Stat { kind, fact, within } = rs.ops[n as usize] else {
        return String::new();
    };
    let label = &rs.facts[fact as usize].label;
    let size = ev.stats.column(n as usize).map_or(0, |c| c.group_size[row]);
    let group = match within {
        Some(w) => {
            let wf = &rs.facts[w as usize];
            let v = match &ev.towns.columns[w as usize] {
                crate::data::Column::Text(c) => c.get(row).unwrap_or_default().to_string(),
                _ => value(rs, ev.fact(w as usize, row), fact_unit(rs, w as usize)),
            };
            format!("{}为“{v}”的参评镇共 {size} 个", wf.label)
        }
        None => match rs.population.as_ref() {
            Some(p) if rs.population_complete(ev.towns.len()) => {
                format!("{}，参评镇共 {size} 个", p.label)
            }
            Some(p) => match p.towns {
                Some(n) => format!("名次相对于本次读入的 {size} 个镇，少于{}的 {n} 个", p.label),
                None => format!(
                    "名次相对于本次读入的 {size} 个镇，{}共有多少个镇未声明",
                    p.label
                ),
            },
            None => format!("名次相对于本次读入的 {size} 个镇，规则集未声明参评范围"),
        },
    };
    format!("{}({label})〔{group}〕", kind.name())
}

/// Every group statistic used under node `n`, with its value for town `row`.
pub fn stats_in(ev: &Evaluator<'_>, n: NodeId, row: usize, out: &mut Vec<String>) {
    match ev.rules.ops[n as usize] {
        Op::Stat { kind, .. } => {
            let unit = match kind {
                StatKind::Rank | StatKind::GroupSize => Kind::Count,
                StatKind::Percentile | StatKind::Top | StatKind::Share => Kind::Percent,
            };
            let line = format!(
                "{} = {}",
                stat(ev, n, row),
                value(ev.rules, ev.eval(n, row), Unit::of(unit))
            );
            if !out.contains(&line) {
                out.push(line);
            }
        }
        Op::Not(x) | Op::Neg(x) | Op::Rescale(x, _) => stats_in(ev, x, row, out),
        Op::Logic { lhs: a, rhs: b, .. }
        | Op::Min(a, b)
        | Op::Max(a, b)
        | Op::Cmp { lhs: a, rhs: b, .. }
        | Op::Arith { lhs: a, rhs: b, .. } => {
            stats_in(ev, a, row, out);
            stats_in(ev, b, row, out);
        }
        Op::Lookup { key, .. } => stats_in(ev, key, row, out),
        Op::InTable { item, .. } | Op::InList { item, .. } => stats_in(ev, item, row, out),
        Op::Fact(_) | Op::Param(_) | Op::Const(_) => {}
    }
}

/// What would make a failed test hold, in plain words: `特色主导产业年产值达到20亿元（还差100万元）`,
/// `历史发源地或地理标志为“是”`; None when that cannot be said from the record.
pub fn fix(ev: &Evaluator<'_>, a: &Atom, row: usize) -> Option<String> {
    // A comparison's two sides, or a yes/no fact's value, are known.
    let sides = matches!(ev.rules.ops[a.node as usize], Op::Cmp { .. });
    let known = a.lhs != V::Unknown && (!sides || a.rhs != V::Unknown);
    (a.holds == Tri::False && known).then(|| asks(ev, a, row, true))?
}

/// What a test left open by a missing fact of the town asks of that fact, in words
/// (`全国市场占有率达到30%`, `历史传承厚重经专家认定为“是”`); None when the test is not a
/// town fact against a known threshold.
pub fn need(ev: &Evaluator<'_>, a: &Atom, row: usize) -> Option<String> {
    let rs = ev.rules;
    // A comparison must be a town fact against a known threshold.
    let threshold_known = if let Op::Cmp { lhs, .. } = rs.ops[a.node as usize] {
        matches!(rs.ops[lhs as usize], Op::Fact(_)) && matches!(a.rhs, V::Num(_))
    } else {
        true
    };
    (a.holds == Tri::Unknown && a.lhs == V::Unknown && threshold_known)
        .then(|| asks(ev, a, row, false))?
}

/// What test `a` asks of the town, in words: a comparison's left side reaching its
/// threshold (with the shortfall when `gap`), a yes/no fact being yes.
fn asks(ev: &Evaluator<'_>, a: &Atom, row: usize, gap: bool) -> Option<String> {
    let rs = ev.rules;
    match rs.ops[a.node as usize] {
        // A rank among other towns is not a value a town can reach on its own.
        Op::Cmp { lhs, .. } if matches!(rs.ops[lhs as usize], Op::Stat { .. }) => None,
        Op::Cmp { op, lhs, rhs } => wanted(ev, a, (op, lhs, rhs), row, gap),
        Op::Fact(f) => {
            let fact = &rs.facts[f as usize];
            Some(if fact.attestation {
                format!("{}经专家认定为“是”", fact.label)
            } else {
                format!("{}为“是”", fact.label)
            })
        }
        Op::InTable { .. }
        | Op::InList { .. }
        | Op::Param(_)
        | Op::Const(_)
        | Op::Lookup { .. }
        | Op::Not(_)
        | Op::Neg(_)
        | Op::Logic { .. }
        | Op::Arith { .. }
        | Op::Stat { .. }
        | Op::Min(..)
        | Op::Max(..)
        | Op::Rescale(..) => None,
    }
}

/// What a comparison asks of its left side, in words: `特色主导产业年产值达到20亿元`, with
/// the shortfall when `gap` (`（还差1亿元）`).
fn wanted(
    ev: &Evaluator<'_>,
    a: &Atom,
    (op, lhs, rhs): (CmpOp, NodeId, NodeId),
    row: usize,
    gap: bool,
) -> Option<String> {
    let rs = ev.rules;
    let (ld, lu) = operand(ev, lhs, row);
    if ld.is_empty() {
        return None;
    }
    let (_, ru) = operand(ev, rhs, row);
    let ru = if matches!(rs.ops[rhs as usize], Op::Const(_)) {
        lu
    } else {
        Unit {
            money: lu.money,
            measure: lu.measure.or(ru.measure),
            ..ru
        }
    };
    let rv = shown(ev, rhs, row, a.rhs, ru);
    // A sentence that may be pasted into a reply says which figure is not the
    // document's: `达到200户（假设值，还差70户）`.
    let what_if = what_if_threshold(ev, rhs, row);
    let approx = inexact(ev, lhs, row) || inexact(ev, rhs, row);
    let gap = a.margin.filter(|_| gap).map(|m| match approx {
        true => format!("约{}", difference(rounded(m.abs(), lu), lu)),
        false => difference(m.abs(), lu),
    });
    let gap = gap.filter(|_| op == CmpOp::Ge);
    let note = match (what_if, gap) {
        (true, Some(g)) => format!("（假设值，还差{g}）"),
        (true, None) => "（假设值）".to_string(),
        (false, Some(g)) => format!("（还差{g}）"),
        (false, None) => String::new(),
    };
    Some(match op {
        CmpOp::Ge => format!("{ld}达到{rv}{note}"),
        CmpOp::Gt => format!("{ld}超过{rv}{note}"),
        CmpOp::Le => format!("{ld}不超过{rv}{note}"),
        CmpOp::Lt => format!("{ld}低于{rv}{note}"),
        CmpOp::Eq => format!("{ld}为{rv}{note}"),
        CmpOp::Ne => format!("{ld}不为{rv}{note}"),
    })
}

/// Whether threshold `n` for town `row` is, or is computed from, a what-if value
/// (`--set`, the REPL's `set`): a parameter, or the table entry for the town's category.
fn what_if_threshold(ev: &Evaluator<'_>, n: NodeId, row: usize) -> bool {
    let rs = ev.rules;
    let own = threshold_param(ev, n, row)
        .and_then(|p| rs.params[p].current())
        .is_some_and(|v| v.provenance.what_if.is_some());
    own || rs.ops[n as usize]
        .children()
        .any(|c| what_if_threshold(ev, c, row))
}

/// The parameter operation `n` reads for town `row`: the parameter itself, or the table
/// entry for the town's category (`None` for any other operation).
fn threshold_param(ev: &Evaluator<'_>, n: NodeId, row: usize) -> Option<usize> {
    let rs = ev.rules;
    let op = rs.ops[n as usize];
    if let Op::Param(p) = op {
        return Some(p as usize);
    }
    let Op::Lookup { table, .. } = op else {
        return None;
    };
    let m = category_of(ev, op, row)?;
    rs.tables[table as usize]
        .entries
        .get(m as usize)
        .copied()
        .flatten()
}

/// A comparison in words, for a threshold: `不低于`.
fn cmp_zh(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Ge => "不低于",
        CmpOp::Gt => "高于",
        CmpOp::Le => "不超过",
        CmpOp::Lt => "低于",
        CmpOp::Eq => "等于",
        CmpOp::Ne => "不等于",
    }
}

/// Labels listed in one sentence: joined with `、`, or with `；` when a label itself has
/// a `、` in it (`行业影响力大、知名度高；市场占有率高（专家认定）` is two facts, not three).
pub fn labels(items: &[&str]) -> String {
    if items.iter().any(|s| s.contains('、')) {
        items.join("；")
    } else {
        items.join("、")
    }
}
