//! Facts per year: `fact output_value "…" : money 亿元 yearly`, read as
//! `output_value[year]`, `output_value[year - 1]` or `output_value[2023]`.
//!
//! A yearly fact has no value of its own. Once the evaluation year is known (`eval
//! --year`, else the header's `year`), [`bind_year`] adds one ordinary fact per year the
//! rules read — `output_value@2023`, labelled `特色主导产业年产值（2023年）` — so data
//! columns, evaluation and explanations treat a year's value like any other fact.

use super::model::{Checked, FactInfo, FileId, Symbol};
use crate::diag::{Code, Diag};
use crate::syntax::ast::{ArithOp, BinOp, Expr, LitUnit, Node, Span};

/// Which year a read of a yearly fact names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearAt {
    /// `year + n` (`year` is `n = 0`, `year - 1` is `n = -1`): relative to the evaluation year.
    Relative(i32),
    /// A year written out: `output_value[2023]`.
    Absolute(i32),
}

impl YearAt {
    /// The year read when the evaluation year is `year` (`None` for a relative read
    /// without one).
    pub fn resolve(self, year: Option<i32>) -> Option<i32> {
        match self {
            YearAt::Absolute(y) => Some(y),
            YearAt::Relative(n) => year.and_then(|y| y.checked_add(n)),
        }
    }
}

/// One read of a yearly fact by year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearRead {
    /// The yearly fact.
    pub fact: usize,
    /// The year it names.
    pub at: YearAt,
    /// The file of the read.
    pub file: FileId,
    /// The span of the whole read (`output_value[year - 1]`).
    pub span: Span,
}

/// The earliest and latest years a rule set may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// The year an index expression names: `year`, `year + N`, `year - N` or a year such
/// as `2023`; `None` for anything else.
pub fn year_at(key: &Expr) -> Option<YearAt> {
    let whole = |e: &Expr| match e {
        Expr::Quantity(q) if q.unit == LitUnit::Bare && q.number.fract().is_zero() => {
            i32::try_from(q.number.mantissa() / 10i128.pow(q.number.scale())).ok()
        }
        _ => None,
    };
    let is_year = |e: &Expr| matches!(e, Expr::Name(p) if p.0.len() == 1 && p.0[0] == "year");
    match key {
        k if is_year(k) => Some(YearAt::Relative(0)),
        Expr::Binary {
            op: BinOp::Arith(op),
            lhs,
            rhs,
        } if is_year(&lhs.node) => {
            let n = whole(&rhs.node)?;
            match op {
                ArithOp::Add => Some(YearAt::Relative(n)),
                ArithOp::Sub => Some(YearAt::Relative(-n)),
                ArithOp::Mul | ArithOp::Div => None,
            }
        }
        k => whole(k).filter(|y| YEARS.contains(y)).map(YearAt::Absolute),
    }
}

/// The most years `all_years(COND, N)` may name.
pub const MAX_YEARS: i32 = 10;

/// The number of years of `all_years(COND, N)`: a whole number from 1 to [`MAX_YEARS`].
pub fn year_count(e: &Expr) -> Option<i32> {
    match e {
        Expr::Quantity(q) if q.unit == LitUnit::Bare && q.number.fract().is_zero() => {
            i32::try_from(q.number.mantissa() / 10i128.pow(q.number.scale()))
                .ok()
                .filter(|n| (1..=MAX_YEARS).contains(n))
        }
        _ => None,
    }
}

impl YearAt {
    /// The read moved `years` years back (`all_years` repeats a condition in earlier
    /// years); a year written out does not move.
    pub fn back(self, years: i32) -> YearAt {
        match self {
            YearAt::Relative(n) => YearAt::Relative(n - years),
            YearAt::Absolute(y) => YearAt::Absolute(y),
        }
    }
}

/// The id of a yearly fact's value in one year: `output_value@2023`.
pub fn year_id(fact: &str, year: i32) -> String {
    format!("{fact}@{year}")
}

/// The error for an index of a yearly fact that names no year.
pub fn bad_index(src: &crate::source::Source, fact: &str, key: &Node<Expr>) -> Diag {
    Diag::error(
        Code::KindMismatch,
        src,
        key.span,
        crate::t!("kind_mismatch.year_index", name = fact),
    )
    .label(crate::t!("kind_mismatch.year_index_label"))
    .help(crate::t!("kind_mismatch.year_index_help", name = fact))
}

/// Bind the yearly reads of `m` to the evaluation `year`: add the fact of every year
/// read (`output_value@2023`, labelled `特色主导产业年产值（2023年）`, with the column
/// spellings `output_value@2023`, `年产值（2023年）` …). A relative read without a year
/// is an error at the read, never a guess. Binding again replaces the earlier binding.
pub fn bind_year(m: &mut Checked, year: Option<i32>) -> Result<(), Diag> {
    let base = m
        .facts
        .iter()
        .position(|f| f.year.is_some())
        .unwrap_or(m.facts.len());
    m.facts.truncate(base);
    m.names
        .retain(|_, s| !matches!(s, Symbol::Fact(i) if *i >= base));
    m.year = year;
    for r in m.year_reads.clone() {
        let Some(y) = r.at.resolve(year) else {
            let src = &m.units[r.file].source;
            let text = src.text().get(r.span.start..r.span.end).unwrap_or("");
            return Err(Diag::error(
                Code::Date,
                src,
                r.span,
                crate::t!("date.no_year", read = text),
            )
            .label(crate::t!("kind_mismatch.yearly_label"))
            .help(crate::t!("date.no_year_help")));
        };
        let f = &m.facts[r.fact];
        let id = year_id(&f.id, y);
        if m.names.contains_key(&id) {
            continue;
        }
        let mut aliases = Vec::new();
        for s in std::iter::once(&f.id)
            .chain(std::iter::once(&f.label))
            .chain(&f.aliases)
        {
            for a in [format!("{s}（{y}年）"), format!("{s}@{y}")] {
                if a != id && !aliases.contains(&a) {
                    aliases.push(a);
                }
            }
        }
        let fact = FactInfo {
            id: id.clone(),
            label: format!("{}（{y}年）", f.label),
            aliases,
            kind: f.kind,
            money_unit: f.money_unit,
            measure: f.measure.clone(),
            attestation: f.attestation,
            yearly: false,
            year: Some((r.fact, y)),
        };
        m.names.insert(id, Symbol::Fact(m.facts.len()));
        m.facts.push(fact);
    }
    Ok(())
}

/// Whether a data column names a yearly fact in some year (`output_value@2022`,
/// `年产值（2022年）`), folded as column names are; such a column is not an unknown
/// column even when the rules read no value of that year.
pub fn is_year_column(m: &Checked, folded: &str, fold: impl Fn(&str) -> String) -> bool {
    let stem = if let Some((stem, y)) = folded.rsplit_once('@') {
        y.parse::<i32>()
            .ok()
            .filter(|y| YEARS.contains(y))
            .map(|_| stem)
    } else if let Some(rest) = folded.strip_suffix("年)") {
        rest.rsplit_once('(')
            .filter(|(_, y)| y.parse::<i32>().is_ok_and(|y| YEARS.contains(&y)))
            .map(|(stem, _)| stem)
    } else {
        None
    };
    let Some(stem) = stem else {
        return false;
    };
    m.facts.iter().filter(|f| f.yearly).any(|f| {
        std::iter::once(&f.id)
            .chain(std::iter::once(&f.label))
            .chain(&f.aliases)
            .any(|s| fold(s) == stem)
    })
}
