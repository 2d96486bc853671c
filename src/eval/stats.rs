//! Statistics over the group of towns evaluated together: rank, group size,
//! percentile, top share and share of the sum (`rank(output_value within county)`).

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::V;
use crate::compile::{Op, RuleSet, StatKind};
use crate::data::{Column, Towns};

/// Precomputed statistics: for each `Stat` op, each town's value and group size.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Indexed by op; `Some` for `Stat` ops.
    per_op: Vec<Option<StatColumn>>,
}

/// One statistic for every town.
#[derive(Debug, Clone)]
pub struct StatColumn {
    /// The statistic's value per town (`None`: the town has no value of the fact).
    pub values: Vec<Option<Decimal>>,
    /// The size of each town's group (towns with a value of the fact).
    pub group_size: Vec<u32>,
}

fn numeric(col: &Column, row: usize) -> Option<Decimal> {
    match col {
        Column::Money(c) | Column::Num(c) => c.get(row),
        Column::Count(c) => c.get(row).map(Decimal::from),
        _ => None,
    }
}

fn group_key(col: &Column, row: usize) -> Option<String> {
    match col {
        Column::Text(c) => c.get(row).map(str::to_string),
        Column::Cat(c) => c.get(row).map(|m| m.to_string()),
        Column::Bool(c) => c.get(row).map(|b| b.to_string()),
        _ => numeric(col, row).map(|d| d.to_string()),
    }
}

impl Stats {
    /// Compute every statistic the rule set uses over `towns` (nothing when it uses none).
    pub fn compute(rs: &RuleSet, towns: &Towns) -> Stats {
        if !rs.ops.iter().any(|o| matches!(o, Op::Stat { .. })) {
            return Stats::default();
        }
        let per_op = rs
            .ops
            .iter()
            .map(|op| {
                let Op::Stat { kind, fact, within } = *op else {
                    return None;
                };
                Some(column(
                    towns,
                    kind,
                    fact as usize,
                    within.map(|w| w as usize),
                ))
            })
            .collect();
        Stats { per_op }
    }

    /// The value of `Stat` op `n` for town `row`.
    pub fn value(&self, n: usize, row: usize) -> V {
        match self.per_op.get(n) {
            Some(Some(c)) => c.values[row].map_or(V::Unknown, V::Num),
            _ => V::Unknown,
        }
    }

    /// The statistic column of op `n`.
    pub fn column(&self, n: usize) -> Option<&StatColumn> {
        self.per_op.get(n).and_then(Option::as_ref)
    }
}

fn column(towns: &Towns, kind: StatKind, fact: usize, within: Option<usize>) -> StatColumn {
    let n = towns.len();
    let col = &towns.columns[fact];
    let mut groups: HashMap<Option<String>, Vec<usize>> = HashMap::new();
    for row in 0..n {
        if numeric(col, row).is_some() {
            let key = within
                .map(|w| group_key(&towns.columns[w], row))
                .unwrap_or(Some(String::new()));
            groups.entry(key).or_default().push(row);
        }
    }
    let mut values = vec![None; n];
    let mut group_size = vec![0u32; n];
    for (key, mut rows) in groups {
        if key.is_none() {
            continue; // no group value: the statistic is unknown
        }
        rows.sort_by_key(|&r| std::cmp::Reverse(numeric(col, r)));
        let size = rows.len();
        let sizes = Decimal::from(size as u64);
        // The group's sum for `share`; `None` when it overflows (the share is then unknown).
        let sum: Option<Decimal> = rows
            .iter()
            .filter_map(|&r| numeric(col, r))
            .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(v));
        let mut rank = 0usize;
        let mut prev: Option<Decimal> = None;
        for (i, &row) in rows.iter().enumerate() {
            let v = numeric(col, row);
            if v != prev {
                rank = i + 1;
                prev = v;
            }
            let v = v.unwrap_or_default();
            // Towns with a value at most this one: all from the first town tied with it,
            // which sits at index `rank - 1` of the descending order.
            let at_most = size + 1 - rank;
            let hundred = Decimal::ONE_HUNDRED;
            values[row] = match kind {
                StatKind::Rank => Some(Decimal::from(rank as u64)),
                StatKind::GroupSize => Some(sizes),
                StatKind::Percentile => Decimal::from(at_most as u64)
                    .checked_mul(hundred)
                    .and_then(|x| x.checked_div(sizes)),
                StatKind::Top => Decimal::from(rank as u64)
                    .checked_mul(hundred)
                    .and_then(|x| x.checked_div(sizes)),
                StatKind::Share => match sum {
                    Some(sum) if !sum.is_zero() => {
                        v.checked_mul(hundred).and_then(|x| x.checked_div(sum))
                    }
                    Some(_) | None => None,
                },
            }
            .map(|d| d.normalize());
            group_size[row] = size as u32;
        }
    }
    StatColumn { values, group_size }
}
