//! `sweep` (a parameter stepped over a range) and `near` (towns close to a threshold).

use std::fmt::Write as _;

use rayon::prelude::*;
use rust_decimal::Decimal;

use super::deps::num;
use super::error::{Bound, ReplError};
use super::session::Session;
use super::show;
use crate::check::{Const, Kind};
use crate::compile::{NodeId, Op, RuleSet};
use crate::eval::{compare, Evaluator, Outcome, Status, Tri, V};
use crate::syntax::ast::{ArithOp, CmpOp};

/// Longest sweep, in steps.
pub const MAX_STEPS: usize = 10_000;
/// Most rows `near` prints.
pub const NEAR_LIMIT: usize = 200;
/// Most towns named per step of a sweep.
const FLIP_NAMES: usize = 10;

fn parse_num(
    rs: &RuleSet,
    p: usize,
    text: &str,
    bound: Bound,
) -> Result<(Decimal, Option<crate::units::MoneyUnit>), ReplError> {
    let pi = &rs.params[p];
    let (c, unit) =
        crate::compile::parse_param_value(text, pi.kind, pi.measure.as_deref(), &rs.categories)
            .map_err(|message| ReplError::SweepValue {
                bound,
                text: text.to_string(),
                message,
            })?;
    match c {
        Const::Num(d) => Ok((d, unit)),
        _ => Err(ReplError::SweepNotANumber {
            bound,
            text: text.to_string(),
        }),
    }
}

fn flip_sign(f: Outcome, t: Outcome) -> &'static str {
    match (f, t) {
        (_, Outcome::Recognized) => "+",
        (Outcome::Recognized, _) => "−",
        _ => "~",
    }
}

impl Session {
    /// `sweep NAME FROM TO STEP`: verdict counts at each value; the session's value is kept.
    pub fn sweep(
        &mut self,
        name: &str,
        from: &str,
        to: &str,
        step: &str,
    ) -> Result<String, ReplError> {
        self.loaded()?;
        let Session {
            rules: Some(r),
            data: Some(d),
            engine: Some(e),
            ..
        } = self
        else {
            return Err(ReplError::NoTowns);
        };
        let rs = &mut r.rs;
        let p = rs
            .resolve_param(name)
            .ok_or_else(|| ReplError::unknown_parameter(rs, name))?;
        let kind = rs.params[p].kind;
        if !kind.is_numeric() {
            return Err(ReplError::SweepNotNumeric {
                name: name.to_string(),
                kind,
            });
        }
        let (a, unit) = parse_num(rs, p, from, Bound::From)?;
        let (b, _) = parse_num(rs, p, to, Bound::To)?;
        let (s, _) = parse_num(rs, p, step, Bound::Step)?;
        if s <= Decimal::ZERO {
            return Err(ReplError::SweepStepNotPositive {
                step: step.to_string(),
            });
        }
        let steps = ((b - a).abs() / s).floor();
        if steps >= Decimal::from(MAX_STEPS) {
            return Err(ReplError::SweepTooLong {
                from: from.to_string(),
                to: to.to_string(),
                step: step.to_string(),
            });
        }
        let n: u64 = steps.try_into().unwrap_or(0);
        let dir = if b < a { -s } else { s };
        let values: Vec<Decimal> = (0..=n).map(|k| a + dir * Decimal::from(k)).collect();

        let pi = &rs.params[p];
        let fmt = |v: Decimal| show::constant(rs, pi, Const::Num(v), unit);
        let current = pi.current().and_then(|v| v.value);
        let file = show::file_value(pi).and_then(|v| v.value);
        let mut labels: Vec<String> = values.iter().map(|&v| fmt(v)).collect();
        for (l, &v) in labels.iter_mut().zip(&values) {
            if num(current) == Some(v) {
                l.push_str(" ◀当前");
            } else if num(file) == Some(v) {
                l.push_str(" ◀文件");
            }
        }

        // Step the value in force on a copy of the matrix; the history entry is removed after.
        let mut m = e.matrix.clone();
        let mut entry = pi
            .current()
            .cloned()
            .ok_or_else(|| ReplError::SweepNoValue {
                name: name.to_string(),
            })?;
        entry.file = usize::MAX;
        rs.params[p].history.push(entry);
        let mut prev = current;
        let mut results: Vec<([usize; 3], Vec<super::engine::Flip>)> =
            Vec::with_capacity(values.len());
        let mut cells = 0usize;
        let mut stats = e.stats.clone();
        for &v in &values {
            let now = Some(Const::Num(v));
            if let Some(last) = rs.params[p].history.last_mut() {
                last.value = now;
            }
            let plan = e.deps.plan(rs, &rs.bindings(), &[(p, prev, now)]);
            cells += plan.cells(d.towns.len());
            let ev = Evaluator::with_stats(rs, &d.towns, stats);
            let flips = m.apply(&plan, &ev);
            stats = ev.stats;
            results.push((m.counts(), flips));
            prev = now;
        }
        rs.params[p].history.pop();

        let mut rows = vec![vec![
            name.to_string(),
            "认定".to_string(),
            "不予认定".to_string(),
            "待定".to_string(),
            "与上一行相比结论变化的镇".to_string(),
        ]];
        for (i, (counts, flips)) in results.iter().enumerate() {
            let mut who: Vec<String> = flips
                .iter()
                .take(FLIP_NAMES)
                .map(|f| format!("{}{}", flip_sign(f.before, f.after), &d.towns.names[f.row]))
                .collect();
            if flips.len() > FLIP_NAMES {
                who.push(format!("等 {} 个", flips.len()));
            }
            if i == 0 {
                who.clear();
            }
            rows.push(vec![
                labels[i].clone(),
                counts[0].to_string(),
                counts[1].to_string(),
                counts[2].to_string(),
                who.join(" "),
            ]);
        }
        let mut out = show::table(&rows);
        let shown = show::param_value(rs, &rs.params[p], rs.params[p].current());
        let _ = writeln!(
            out,
            "（+ 变为认定，− 不再认定，~ 其他变化；{name} 仍为 {shown}，sweep 不改变参数）"
        );
        let how = if e.deps.sorted_only(p) {
            "按数值排序只重算门槛两侧之间的镇"
        } else {
            "每步重算用到该参数的认定标准"
        };
        let _ = writeln!(
            out,
            "（{} 步，{how}：共重算 {cells} 个镇×标准）",
            values.len()
        );
        Ok(out)
    }

    /// `near [PERCENT]`: towns within PERCENT of a threshold they miss or only just meet.
    pub fn near(&self, pct: Option<&str>) -> Result<String, ReplError> {
        let (r, d, e) = self.loaded()?;
        let rs = &r.rs;
        let pct = match pct {
            None => Decimal::from(10),
            Some(t) => {
                let t2 = crate::units::normalize(t);
                let x = t2.trim().trim_end_matches('%');
                x.parse::<Decimal>()
                    .ok()
                    .filter(|v| *v >= Decimal::ZERO)
                    .ok_or_else(|| ReplError::NearPercent {
                        text: t.to_string(),
                    })?
            }
        };
        let atoms: Vec<Vec<(NodeId, Option<NodeId>)>> = (0..rs.criteria.len())
            .map(|c| threshold_atoms(rs, c))
            .collect();
        let ev = e.evaluator(rs, d);
        let mut hits: Vec<Hit> = (0..d.towns.len())
            .into_par_iter()
            .flat_map_iter(|row| {
                let mut v = Vec::new();
                for (c, list) in atoms.iter().enumerate() {
                    if list.is_empty() || e.matrix.status(c, row) == Status::NotApplicable {
                        continue;
                    }
                    for &(n, when) in list {
                        if let Some(h) = hit(&ev, c, n, when, row, pct) {
                            v.push(h);
                        }
                    }
                }
                v
            })
            .collect();
        hits.sort_by(|a, b| {
            a.rel
                .cmp(&b.rel)
                .then(a.row.cmp(&b.row))
                .then(a.criterion.cmp(&b.criterion))
        });
        if hits.is_empty() {
            return Ok(format!(
                "没有镇与门槛相差在 {}% 以内。\n",
                crate::units::format_decimal(pct)
            ));
        }
        let total = hits.len();
        hits.truncate(NEAR_LIMIT);
        let mut scratch = rs.clone();
        let mut stats = e.stats.clone();
        let mut rows = vec![[
            "编号",
            "名称",
            "认定标准",
            "数值",
            "门槛",
            "差距",
            "门槛移到该镇的数值时",
        ]
        .map(String::from)
        .to_vec()];
        for h in &hits {
            let then = what_if(
                &mut scratch,
                &d.towns,
                h,
                e.matrix.outcome(h.row),
                &mut stats,
            );
            let shown = |v: Decimal| match h.fact {
                Some(f) => show::fact_value(rs, f, V::Num(v)),
                None => crate::units::format_decimal(v),
            };
            let gap = shown((h.value - h.threshold).abs());
            let relp = match h.rel.round_dp(2) {
                r if r.is_zero() && !h.rel.is_zero() => "<0.01".to_string(),
                r => crate::units::format_decimal(r),
            };
            let gap = match (h.holds, h.value == h.threshold) {
                // Listed whatever the percentage asked for: any rise of the threshold
                // flips it (a count's smallest rise, one unit, may be many percent).
                (_, true) => "恰好达到".to_string(),
                (Tri::True, _) => format!("超出 {gap}（{relp}%）"),
                _ => format!("还差 {gap}（{relp}%）"),
            };
            let fact = h
                .fact
                .map(|f| rs.facts[f].label.clone())
                .unwrap_or_default();
            rows.push(vec![
                d.towns.ids[h.row].to_string(),
                d.towns.names[h.row].to_string(),
                rs.criteria[h.criterion].label.clone(),
                format!("{fact} {}", shown(h.value)),
                format!("{} {}", shown(h.threshold), h.written),
                gap,
                then,
            ]);
        }
        let mut out = show::table(&rows);
        out.push_str("（百分比：使该项结果翻转所需的最小变化占门槛的比例，计数按整数计；恰好达到门槛的总会列出，门槛一提高即翻转；最后一列：只移动这一个门槛时该镇的结论）\n");
        if total > hits.len() {
            let _ = writeln!(
                out,
                "……另有 {} 项；用较小的 PERCENT 缩小范围",
                total - hits.len()
            );
        }
        Ok(out)
    }
}

/// One town close to one threshold.
struct Hit {
    row: usize,
    criterion: usize,
    /// The parameter that moves the threshold one for one, if there is one.
    param: Option<usize>,
    /// The threshold with names.
    written: String,
    fact: Option<usize>,
    value: Decimal,
    threshold: Decimal,
    op: CmpOp,
    /// Whether the parameter is on the right of the operator.
    param_right: bool,
    holds: Tri,
    /// The change of the value that flips the test, in percent of the threshold.
    rel: Decimal,
    /// Whether the value is a whole count (it changes by whole units).
    discrete: bool,
}

/// The smallest change of the value `v` that flips `v OP t` (whole units for counts).
fn needed(
    op: CmpOp,
    param_right: bool,
    holds: bool,
    v: Decimal,
    t: Decimal,
    discrete: bool,
) -> Decimal {
    // As `value OP threshold`.
    let op = if param_right { op } else { op.flip() };
    let step = if discrete {
        Decimal::ONE
    } else {
        Decimal::ZERO
    };
    crate::eval::logic::change_to_flip(op, holds, v, t, step)
}

/// Whether a node is a threshold: a parameter, a table entry, or arithmetic of them
/// and constants (`nominal_supporting_enterprises - supporting_tolerance`).
fn param_like(rs: &RuleSet, n: NodeId) -> bool {
    fn leaves(rs: &RuleSet, n: NodeId, depth: usize) -> Option<bool> {
        match rs.ops.get(n as usize)? {
            Op::Param(_) | Op::Lookup { .. } => Some(true),
            Op::Const(_) => Some(false),
            Op::Arith { lhs, rhs, .. } if depth < 16 => {
                Some(leaves(rs, *lhs, depth + 1)? | leaves(rs, *rhs, depth + 1)?)
            }
            Op::Arith { .. }
            | Op::Fact(_)
            | Op::InTable { .. }
            | Op::InList { .. }
            | Op::Not(_)
            | Op::Neg(_)
            | Op::Logic { .. }
            | Op::Cmp { .. }
            | Op::Stat { .. }
            | Op::Min(..)
            | Op::Max(..)
            | Op::Rescale(..) => None,
        }
    }
    leaves(rs, n, 0) == Some(true)
}

/// The parameter that moves a threshold one for one (`P`, `P ± …`, `… + P`).
fn shiftable(ev: &Evaluator<'_>, n: NodeId, row: usize) -> Option<usize> {
    let rs = ev.rules;
    match rs.ops.get(n as usize).copied()? {
        Op::Param(p) => Some(p as usize),
        Op::Lookup { table, key } => match ev.eval(key, row) {
            V::Cat(m) => rs
                .tables
                .get(table as usize)?
                .entries
                .get(m as usize)
                .copied()
                .flatten(),
            _ => None,
        },
        Op::Arith {
            op: ArithOp::Add,
            lhs,
            rhs,
        } => shiftable(ev, lhs, row).or_else(|| shiftable(ev, rhs, row)),
        Op::Arith {
            op: ArithOp::Sub,
            lhs,
            ..
        } => shiftable(ev, lhs, row),
        Op::Arith {
            op: ArithOp::Mul | ArithOp::Div,
            ..
        }
        | Op::Fact(_)
        | Op::Const(_)
        | Op::InTable { .. }
        | Op::InList { .. }
        | Op::Not(_)
        | Op::Neg(_)
        | Op::Logic { .. }
        | Op::Cmp { .. }
        | Op::Stat { .. }
        | Op::Min(..)
        | Op::Max(..)
        | Op::Rescale(..) => None,
    }
}

/// A threshold as written with names: `min_jobs`, `nominal_supporting_enterprises - supporting_tolerance`.
fn threshold_text(ev: &Evaluator<'_>, n: NodeId, row: usize) -> String {
    let rs = ev.rules;
    match rs.ops.get(n as usize).copied() {
        Some(Op::Param(p)) => rs.params[p as usize].name.clone(),
        Some(Op::Lookup { .. }) => shiftable(ev, n, row)
            .map(|p| rs.params[p].name.clone())
            .unwrap_or_default(),
        Some(Op::Const(Const::Num(d))) => crate::units::format_decimal(d),
        Some(Op::Arith { op, lhs, rhs }) => format!(
            "{} {} {}",
            threshold_text(ev, lhs, row),
            op.symbol(),
            threshold_text(ev, rhs, row)
        ),
        Some(
            Op::Const(Const::Bool(_) | Const::Member(_))
            | Op::Fact(_)
            | Op::InTable { .. }
            | Op::InList { .. }
            | Op::Not(_)
            | Op::Neg(_)
            | Op::Logic { .. }
            | Op::Cmp { .. }
            | Op::Stat { .. }
            | Op::Min(..)
            | Op::Max(..)
            | Op::Rescale(..),
        )
        | None => String::new(),
    }
}

/// Ordering comparisons of a criterion with a parameter on one side, each with the
/// `when` of the relaxation it belongs to (if any).
fn threshold_atoms(rs: &RuleSet, c: usize) -> Vec<(NodeId, Option<NodeId>)> {
    let crit = &rs.criteria[c];
    let mut out = Vec::new();
    let visit = |root: NodeId, when: Option<NodeId>, out: &mut Vec<(NodeId, Option<NodeId>)>| {
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            match rs.ops.get(n as usize).copied() {
                Some(Op::Cmp { op, lhs, rhs }) => {
                    if op.is_order() && param_like(rs, lhs) != param_like(rs, rhs) {
                        out.push((n, when));
                    }
                }
                Some(Op::Logic { lhs, rhs, .. }) => stack.extend([lhs, rhs]),
                Some(Op::Not(x)) => stack.push(x),
                // Values, and tests without a threshold: nothing to sweep.
                Some(
                    Op::Fact(_)
                    | Op::Param(_)
                    | Op::Const(_)
                    | Op::Lookup { .. }
                    | Op::InTable { .. }
                    | Op::InList { .. }
                    | Op::Neg(_)
                    | Op::Arith { .. }
                    | Op::Stat { .. }
                    | Op::Min(..)
                    | Op::Max(..)
                    | Op::Rescale(..),
                )
                | None => {}
            }
        }
    };
    for r in &crit.requires {
        visit(r.cond.node, None, &mut out);
        if let Some(rx) = &r.relax {
            visit(rx.when.node, Some(rx.when.node), &mut out);
            visit(rx.then.node, Some(rx.when.node), &mut out);
        }
    }
    out
}

fn hit(
    ev: &Evaluator<'_>,
    c: usize,
    n: NodeId,
    when: Option<NodeId>,
    row: usize,
    pct: Decimal,
) -> Option<Hit> {
    let rs = ev.rules;
    let Some(Op::Cmp { op, lhs, rhs }) = rs.ops.get(n as usize).copied() else {
        return None;
    };
    if let Some(w) = when {
        if ev.eval(w, row) == V::Bool(false) {
            return None;
        }
    }
    let param_right = param_like(rs, rhs);
    let (pn, fnode) = if param_right { (rhs, lhs) } else { (lhs, rhs) };
    let (V::Num(value), V::Num(threshold)) = (ev.eval(fnode, row), ev.eval(pn, row)) else {
        return None;
    };
    if threshold.is_zero() {
        return None;
    }
    let holds = compare(op, ev.eval(lhs, row), ev.eval(rhs, row)).tri();
    let fact = if let Some(Op::Fact(f)) = rs.ops.get(fnode as usize) {
        Some(*f as usize)
    } else {
        None
    };
    let discrete = fact.is_some_and(|f| rs.facts[f].kind == Kind::Count);
    let change = needed(
        op,
        param_right,
        holds == Tri::True,
        value,
        threshold,
        discrete,
    );
    let rel = (change * Decimal::ONE_HUNDRED).checked_div(threshold.abs())?;
    // A town exactly at the threshold is always near: any move of it flips the test.
    if rel > pct && value != threshold {
        return None;
    }
    let param = shiftable(ev, pn, row);
    let written = threshold_text(ev, pn, row);
    Some(Hit {
        row,
        criterion: c,
        param,
        written,
        fact,
        value,
        threshold,
        op,
        param_right,
        holds,
        rel,
        discrete,
    })
}

/// The town's verdict if the threshold moved to the nearest value that flips the test.
fn what_if(
    scratch: &mut RuleSet,
    towns: &crate::data::Towns,
    h: &Hit,
    now: Outcome,
    stats: &mut crate::eval::Stats,
) -> String {
    let eps = if h.discrete {
        Decimal::ONE
    } else {
        Decimal::new(1, (h.value.scale() + 1).min(27))
    };
    let flips_at = |t: Decimal| {
        let (l, r) = if h.param_right {
            (V::Num(h.value), V::Num(t))
        } else {
            (V::Num(t), V::Num(h.value))
        };
        let holds = compare(h.op, l, r) == V::Bool(true);
        holds != (h.holds == Tri::True)
    };
    let Some(t) = [h.value, h.value + eps, h.value - eps]
        .into_iter()
        .find(|&t| flips_at(t))
    else {
        return String::new();
    };
    let Some(p) = h.param else {
        return "—".to_string();
    };
    let Some(mut entry) = scratch.params[p].current().cloned() else {
        return "—".to_string();
    };
    let Some(Const::Num(old)) = entry.value else {
        return "—".to_string();
    };
    // The parameter moves the threshold one for one.
    entry.value = Some(Const::Num(old + (t - h.threshold)));
    scratch.params[p].history.push(entry);
    let after = {
        let ev = Evaluator::with_stats(scratch, towns, std::mem::take(stats));
        let o = ev.outcome(h.row);
        *stats = ev.stats;
        o
    };
    scratch.params[p].history.pop();
    let at = match t.cmp(&h.value) {
        _ if h.discrete => match h.fact {
            Some(f) => format!("门槛为 {}", show::fact_value(scratch, f, V::Num(t))),
            None => format!("门槛为 {}", crate::units::format_decimal(t)),
        },
        std::cmp::Ordering::Equal => "门槛取该值".to_string(),
        std::cmp::Ordering::Greater => "门槛略高于该值".to_string(),
        std::cmp::Ordering::Less => "门槛略低于该值".to_string(),
    };
    if after == now {
        format!("{at}：仍{}", crate::report::outcome_zh(now))
    } else {
        format!(
            "{at}：{} → {}",
            crate::report::outcome_zh(now),
            crate::report::outcome_zh(after)
        )
    }
}
