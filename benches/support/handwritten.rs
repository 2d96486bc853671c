//! The Shanxi criteria (晋政办发〔2022〕80号 二, docs/INTERPRETATION.md §10.1) written by
//! hand, as the baseline the rules engine is measured against:
//!
//! - [`Shanxi`]: a Rust function over the same loaded columns ([`Towns`]) the engine
//!   reads, giving the same verdicts — what "the same data structures in, the same verdicts
//!   out" compares against;
//! - [`independent`]: a complete independent implementation of docs/INTERPRETATION.md
//!   §10.1 and §14 from CSV file to CSV report (its own reader, cell parsing, evaluation
//!   and writer; one thread), the end-to-end baseline.
//!
//! Both use the Kleene logic of docs/INTERPRETATION.md §4 and exact integer money;
//! thresholds are the document's (20亿元 / 10亿元, relaxed 1亿元, 1 leading and 10
//! supporting enterprises). Neither calls the engine's evaluation: only its types
//! ([`Status`], [`Outcome`]) and, for [`Shanxi`], its loaded columns. As the engine reads
//! the documents:
//!
//! - the province's relaxation (二（四）, §7.1) needs `origin_or_gi`, `industry_influence`
//!   and `market_share_high`, and is discretionary (§7.4): 产业集聚度高 met only through
//!   it (the normal threshold false or unknown) carries the discretionary mark, and a
//!   town recognised with it carries the town mark (the `discretionary` column of the
//!   CSV report: `true`, else empty);
//! - a town without a category (the only category fact, read only by 产业集聚度高) is
//!   judged under each of the four categories (§8.3): 产业集聚度高's status is the one
//!   every category gives, else undetermined, and the outcome is the one every category
//!   gives, else undetermined (文化旅游 is not covered, so such a town is never
//!   recognised, and 产业集聚度高 is undetermined even when the town is not recognised
//!   under every category).
#![allow(dead_code)]

use std::io::{self, Write};
use std::path::Path;

use townrules::compile::RuleSet;
use townrules::data::{Column, Towns};
use townrules::eval::{Outcome, Status};

/// A three-valued truth value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T {
    /// Holds.
    Yes,
    /// Does not hold.
    No,
    /// Unknown (missing data).
    Unknown,
}

impl T {
    #[inline]
    fn of(b: Option<bool>) -> T {
        match b {
            Some(true) => T::Yes,
            Some(false) => T::No,
            None => T::Unknown,
        }
    }
    #[inline]
    fn and(self, o: T) -> T {
        match (self, o) {
            (T::No, _) | (_, T::No) => T::No,
            (T::Yes, T::Yes) => T::Yes,
            _ => T::Unknown,
        }
    }
    #[inline]
    fn or(self, o: T) -> T {
        match (self, o) {
            (T::Yes, _) | (_, T::Yes) => T::Yes,
            (T::No, T::No) => T::No,
            _ => T::Unknown,
        }
    }
    #[inline]
    fn status(self) -> Status {
        match self {
            T::Yes => Status::Met,
            T::No => Status::NotMet,
            T::Unknown => Status::Undetermined,
        }
    }
}

/// The outcome rule (docs/INTERPRETATION.md §5.2): not recognised when some criterion is
/// not met or not applicable, else undetermined when some is undetermined, else
/// recognised.
#[inline]
pub fn outcome_of(statuses: &[Status]) -> Outcome {
    let (mut rejected, mut open) = (false, false);
    for &s in statuses {
        rejected |= matches!(s, Status::NotMet | Status::NotApplicable);
        open |= s == Status::Undetermined;
    }
    if rejected {
        Outcome::NotRecognized
    } else if open {
        Outcome::Undetermined
    } else {
        Outcome::Recognized
    }
}

/// The outcome of a town whose other criteria give `rest` (their [`outcome_of`]) when
/// one more criterion has status `s`.
#[inline]
fn with(rest: Outcome, s: Status) -> Outcome {
    match (rest, s) {
        (Outcome::NotRecognized, _) | (_, Status::NotMet | Status::NotApplicable) => {
            Outcome::NotRecognized
        }
        (Outcome::Undetermined, _) | (_, Status::Undetermined) => Outcome::Undetermined,
        (Outcome::Recognized, Status::Met) => Outcome::Recognized,
    }
}

/// The one value every category gives, else `otherwise` (docs/INTERPRETATION.md §8.3).
#[inline]
fn agree<X: Copy + PartialEq>(xs: [X; 4], otherwise: X) -> X {
    if xs[1] == xs[0] && xs[2] == xs[0] && xs[3] == xs[0] {
        xs[0]
    } else {
        otherwise
    }
}

/// A status as the CSV report writes it.
pub fn status_str(s: Status) -> &'static str {
    match s {
        Status::Met => "met",
        Status::NotMet => "not_met",
        Status::Undetermined => "undetermined",
        Status::NotApplicable => "not_applicable",
    }
}

/// An outcome as the CSV report writes it.
pub fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::Recognized => "recognized",
        Outcome::NotRecognized => "not_recognized",
        Outcome::Undetermined => "undetermined",
    }
}

/// The position of 产业集聚度高 among the criteria of rules/shanxi.rules.
pub const AGGLOMERATION: usize = 3;

/// The four categories of `rules/facts.rules`: 0 manufacturing, 1 specialty agriculture,
/// 2 specialty light industry, 3 culture/tourism (not covered by 二（四）).
pub const CATEGORIES: [u8; 4] = [0, 1, 2, 3];

/// One town's verdicts, as the CSV report writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// The eight statuses in the order of rules/shanxi.rules.
    pub statuses: [Status; 8],
    /// The outcome.
    pub outcome: Outcome,
    /// 产业集聚度高 is met only through the discretionary relaxation (its mark).
    pub relaxed: bool,
    /// The town is recognised with such a criterion (the `discretionary` column).
    pub discretionary: bool,
    /// 优先评定 (二（五）): a national or provincial technology centre, or a specialised
    /// firm (the `priority` column: yes / no / unknown).
    pub priority: T,
}

/// The report of a town whose criteria are `s` (产业集聚度高 at [`AGGLOMERATION`]) when
/// its category is known, 产业集聚度高 with its relaxed-only flag `relaxed`.
#[inline(always)]
fn known(s: [Status; 8], relaxed: bool, priority: T) -> Report {
    let outcome = outcome_of(&s);
    let relaxed = relaxed & (s[AGGLOMERATION] == Status::Met);
    Report {
        statuses: s,
        outcome,
        relaxed,
        discretionary: relaxed & (outcome == Outcome::Recognized),
        priority,
    }
}

/// The report of a town without a category: `s` holds the other seven statuses (any
/// value at [`AGGLOMERATION`]), `agg` 产业集聚度高's status under each category.
#[cold]
#[inline(never)]
fn over_every_category(mut s: [Status; 8], agg: [Status; 4], priority: T) -> Report {
    s[AGGLOMERATION] = Status::Met; // neutral for the outcome of the others
    let rest = outcome_of(&s);
    s[AGGLOMERATION] = agree(agg, Status::Undetermined);
    let outcome = agree(agg.map(|a| with(rest, a)), Outcome::Undetermined);
    // 文化旅游 is not covered: never met, never recognised, so never marked.
    debug_assert!(s[AGGLOMERATION] != Status::Met && outcome != Outcome::Recognized);
    Report {
        statuses: s,
        outcome,
        relaxed: false,
        discretionary: false,
        priority,
    }
}

/// Money in units of 10^-10 元 (exact for every value the test data holds).
pub type Money = i128;
/// 1亿元 in [`Money`] units.
pub const YI: Money = 100_000_000 * 10_000_000_000;

/// The facts the Shanxi criteria read, for one town.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub heritage: T,
    pub employment_effect: T,
    pub market_demand: T,
    pub public_services: T,
    pub environment: T,
    pub product_distinct: T,
    pub single_county: T,
    pub origin_or_gi: T,
    pub industry_influence: T,
    pub market_share_high: T,
    /// 0 manufacturing, 1 specialty agriculture, 2 specialty light industry, 3 culture/tourism.
    pub category: Option<u8>,
    pub output_value: Option<Money>,
    pub leading_enterprises: Option<u32>,
    pub supporting_enterprises: Option<u32>,
    pub regional_brands: Option<u32>,
    pub standards_led: Option<u32>,
    pub tech_centers: Option<u32>,
    pub specialized_firms: Option<u32>,
}

#[inline]
fn at_least(v: Option<u32>, min: u32) -> T {
    match v {
        Some(v) => T::of(Some(v >= min)),
        None => T::Unknown,
    }
}

/// 产业集聚度高 (二（四）) for category `m`: the status, and whether the output
/// requirement holds only through the (discretionary) relaxation.
#[inline]
fn agglomeration_as(f: &Facts, m: u8) -> (Status, bool) {
    let min = match m {
        0 => 20 * YI,
        1 | 2 => 10 * YI,
        _ => return (Status::NotApplicable, false), // culture/tourism: not covered
    };
    let at_least = |min: Money| match f.output_value {
        Some(v) => T::of(Some(v >= min)),
        None => T::Unknown,
    };
    let normal = at_least(min);
    let relaxed = f
        .origin_or_gi
        .and(f.industry_influence)
        .and(f.market_share_high)
        .and(at_least(YI));
    let status = f.single_county.and(normal.or(relaxed)).status();
    (status, relaxed == T::Yes && normal != T::Yes)
}

#[inline]
fn leading(f: &Facts) -> Status {
    at_least(f.leading_enterprises, 1)
        .and(at_least(f.supporting_enterprises, 10))
        .status()
}

#[inline]
fn distinct(f: &Facts) -> Status {
    f.product_distinct
        .and(at_least(f.regional_brands, 1))
        .and(at_least(f.standards_led, 1))
        .status()
}

/// All eight statuses in the order of rules/shanxi.rules, the outcome and the marks.
#[inline]
pub fn report(f: &Facts) -> Report {
    let mut s = [
        f.heritage.status(),
        f.employment_effect.status(),
        f.market_demand.status(),
        Status::Met,
        leading(f),
        distinct(f),
        f.public_services.status(),
        f.environment.status(),
    ];
    let priority = at_least(f.tech_centers, 1).or(at_least(f.specialized_firms, 1));
    match f.category {
        Some(m) => {
            let (a, relaxed) = agglomeration_as(f, m);
            s[AGGLOMERATION] = a;
            known(s, relaxed, priority)
        }
        None => over_every_category(s, CATEGORIES.map(|m| agglomeration_as(f, m).0), priority),
    }
}

/// All eight statuses in the order of rules/shanxi.rules, and the outcome.
#[inline]
pub fn statuses(f: &Facts) -> ([Status; 8], Outcome) {
    let r = report(f);
    (r.statuses, r.outcome)
}

/// The outcome alone, stopping at the first criterion that decides it.
#[inline]
pub fn outcome(f: &Facts) -> Outcome {
    let mut open = false;
    let mut see = |s: Status| match s {
        Status::NotMet | Status::NotApplicable => false,
        Status::Undetermined => {
            open = true;
            true
        }
        Status::Met => true,
    };
    let go = see(f.heritage.status())
        && see(f.employment_effect.status())
        && see(f.market_demand.status())
        && f.category.is_none_or(|m| see(agglomeration_as(f, m).0))
        && see(leading(f))
        && see(distinct(f))
        && see(f.public_services.status())
        && see(f.environment.status());
    let rest = match (go, open) {
        (false, _) => return Outcome::NotRecognized,
        (true, true) => Outcome::Undetermined,
        (true, false) => Outcome::Recognized,
    };
    match f.category {
        Some(_) => rest,
        None => agree(
            CATEGORIES.map(|m| with(rest, agglomeration_as(f, m).0)),
            Outcome::Undetermined,
        ),
    }
}

/// The hand-written function over the loaded columns: what a careful programmer writes
/// against the data structures (bits read straight from the words, money compared as
/// integers at the column's scale, each criterion reading only its own facts).
pub struct Shanxi<'a> {
    /// heritage, employment_effect, market_demand, public_services, environment,
    /// product_distinct, single_county, origin_or_gi, industry_influence,
    /// market_share_high: (values, present).
    flags: [(&'a [u64], &'a [u64]); 10],
    category: &'a [u16],
    category_present: &'a [u64],
    output: &'a [i64],
    output_present: &'a [u64],
    /// 20亿元, 10亿元, 10亿元 and 1亿元 at the money column's scale.
    min_output: [i64; 3],
    relaxed: i64,
    /// leading, supporting, regional_brands, standards_led, tech_centers,
    /// specialized_firms: (values, present).
    counts: [(&'a [u32], &'a [u64]); 6],
}

#[inline(always)]
fn bit(words: &[u64], i: usize) -> bool {
    (words[i / 64] >> (i % 64)) & 1 != 0
}

impl<'a> Shanxi<'a> {
    /// The columns of `towns` the criteria read (by the fact indexes of `rs`).
    pub fn new(rs: &RuleSet, towns: &'a Towns) -> Self {
        let col = |id: &str| &towns.columns[rs.fact_index(id).expect("fact")];
        let flag = |id: &str| match col(id) {
            Column::Bool(c) => (c.values().words(), c.present().words()),
            _ => panic!("{id} is not yes/no"),
        };
        let count = |id: &str| match col(id) {
            Column::Count(c) => (c.values(), c.present().words()),
            _ => panic!("{id} is not a count"),
        };
        let Column::Money(money) = col("output_value") else {
            panic!("output_value is not money")
        };
        let (output, scale) = money.scaled().expect("money fits in integers");
        let yi = 100_000_000i64 * 10i64.pow(scale);
        let Column::Cat(category) = col("category") else {
            panic!("category")
        };
        let members: Vec<&str> = rs.categories[0]
            .members
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(
            members,
            [
                "manufacturing",
                "specialty_agriculture",
                "specialty_light_industry",
                "culture_tourism"
            ]
        );
        Shanxi {
            flags: [
                flag("heritage"),
                flag("employment_effect"),
                flag("market_demand"),
                flag("public_services"),
                flag("environment"),
                flag("product_distinct"),
                flag("single_county"),
                flag("origin_or_gi"),
                flag("industry_influence"),
                flag("market_share_high"),
            ],
            category: category.values(),
            category_present: category.present().words(),
            output,
            output_present: money.present().words(),
            min_output: [20 * yi, 10 * yi, 10 * yi],
            relaxed: yi,
            counts: [
                count("leading_enterprises"),
                count("supporting_enterprises"),
                count("regional_brands"),
                count("standards_led"),
                count("tech_centers"),
                count("specialized_firms"),
            ],
        }
    }

    #[inline(always)]
    fn flag(&self, k: usize, i: usize) -> T {
        let (v, p) = self.flags[k];
        if !bit(p, i) {
            T::Unknown
        } else if bit(v, i) {
            T::Yes
        } else {
            T::No
        }
    }

    #[inline(always)]
    fn at_least(&self, k: usize, i: usize, min: u32) -> T {
        let (v, p) = self.counts[k];
        if !bit(p, i) {
            T::Unknown
        } else if v[i] >= min {
            T::Yes
        } else {
            T::No
        }
    }

    /// Town `i`'s category, if it has one.
    #[inline(always)]
    fn category(&self, i: usize) -> Option<u16> {
        bit(self.category_present, i).then(|| self.category[i])
    }

    /// 产业集聚度高 (二（四）) for category `m`: the status, and whether the output
    /// requirement holds only through the (discretionary) relaxation.
    #[inline(always)]
    fn agglomeration_as(&self, m: u16, i: usize) -> (Status, bool) {
        let Some(&min) = self.min_output.get(m as usize) else {
            return (Status::NotApplicable, false); // culture/tourism: not covered
        };
        let out = bit(self.output_present, i).then(|| self.output[i]);
        let at_least = |min: i64| match out {
            Some(v) => T::of(Some(v >= min)),
            None => T::Unknown,
        };
        let normal = at_least(min);
        let relaxed = self
            .flag(7, i)
            .and(self.flag(8, i))
            .and(self.flag(9, i))
            .and(at_least(self.relaxed));
        let status = self.flag(6, i).and(normal.or(relaxed)).status();
        (status, relaxed == T::Yes && normal != T::Yes)
    }

    /// 产业集聚度高 under each category (for a town without one).
    #[inline(always)]
    fn agglomeration_each(&self, i: usize) -> [Status; 4] {
        CATEGORIES.map(|m| self.agglomeration_as(u16::from(m), i).0)
    }

    #[inline(always)]
    fn leading(&self, i: usize) -> Status {
        self.at_least(0, i, 1).and(self.at_least(1, i, 10)).status()
    }

    #[inline(always)]
    fn distinct(&self, i: usize) -> Status {
        self.flag(5, i)
            .and(self.at_least(2, i, 1))
            .and(self.at_least(3, i, 1))
            .status()
    }

    /// Which of [`READ`] town `i` lacks, as a bit mask.
    pub fn missing(&self, i: usize) -> u32 {
        let gone = |present: &[u64]| !bit(present, i);
        let flag = |k: usize| gone(self.flags[k].1);
        let count = |k: usize| gone(self.counts[k].1);
        let order = [
            gone(self.category_present),
            gone(self.output_present),
            flag(6),
            flag(7),
            flag(8),
            flag(9),
            count(0),
            count(1),
            count(3),
            count(2),
            count(4),
            count(5),
            flag(0),
            flag(1),
            flag(2),
            flag(5),
            flag(3),
            flag(4),
        ];
        order
            .iter()
            .enumerate()
            .fold(0, |m, (k, &g)| m | (u32::from(g) << k))
    }

    /// Town `i`'s statuses, outcome and discretionary marks.
    #[inline(always)]
    pub fn report(&self, i: usize) -> Report {
        let priority = self.at_least(4, i, 1).or(self.at_least(5, i, 1));
        let mut s = [
            self.flag(0, i).status(),
            self.flag(1, i).status(),
            self.flag(2, i).status(),
            Status::Met,
            self.leading(i),
            self.distinct(i),
            self.flag(3, i).status(),
            self.flag(4, i).status(),
        ];
        match self.category(i) {
            Some(m) => {
                let (a, relaxed) = self.agglomeration_as(m, i);
                s[AGGLOMERATION] = a;
                known(s, relaxed, priority)
            }
            None => over_every_category(s, self.agglomeration_each(i), priority),
        }
    }

    /// Town `i`'s statuses and outcome.
    #[inline]
    pub fn statuses(&self, i: usize) -> ([Status; 8], Outcome) {
        let r = self.report(i);
        (r.statuses, r.outcome)
    }

    /// Town `i`'s outcome, stopping at the first criterion that decides it.
    #[inline]
    pub fn outcome(&self, i: usize) -> Outcome {
        let mut open = false;
        macro_rules! check {
            ($s:expr) => {
                match $s {
                    Status::NotMet | Status::NotApplicable => return Outcome::NotRecognized,
                    Status::Undetermined => open = true,
                    Status::Met => {}
                }
            };
        }
        check!(self.flag(0, i).status());
        check!(self.flag(1, i).status());
        check!(self.flag(2, i).status());
        let category = self.category(i);
        if let Some(m) = category {
            check!(self.agglomeration_as(m, i).0);
        }
        check!(self.leading(i));
        check!(self.distinct(i));
        check!(self.flag(3, i).status());
        check!(self.flag(4, i).status());
        let rest = if open {
            Outcome::Undetermined
        } else {
            Outcome::Recognized
        };
        match category {
            Some(_) => rest,
            None => self.outcome_over_every_category(rest, i),
        }
    }

    /// The outcome of town `i` without a category, whose other criteria give `rest`.
    #[cold]
    #[inline(never)]
    fn outcome_over_every_category(&self, rest: Outcome, i: usize) -> Outcome {
        agree(
            self.agglomeration_each(i).map(|a| with(rest, a)),
            Outcome::Undetermined,
        )
    }
}

/// Append a CSV field, quoted when needed.
pub fn csv_field(buf: &mut Vec<u8>, field: &[u8]) {
    if field
        .iter()
        .any(|&c| matches!(c, b',' | b'"' | b'\r' | b'\n'))
    {
        buf.push(b'"');
        for &c in field {
            if c == b'"' {
                buf.push(b'"');
            }
            buf.push(c);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(field);
    }
}

/// The header of the Shanxi CSV report: the `discretionary` column follows the outcome
/// (the rule set has a discretionary relaxation).
pub const REPORT_HEADER: &str = "id,name,outcome,discretionary,heritage,employment,\
market_demand,agglomeration,leading_enterprise,distinct_product,public_services,\
environment,priority,relaxed,missing_facts,interpretations,what_if\n";

/// The facts the Shanxi criteria and priority clause read, in the order of
/// `rules/facts.rules` (the order of the `missing_facts` cell).
pub const READ: [&str; 18] = [
    "category",
    "output_value",
    "single_county",
    "origin_or_gi",
    "industry_influence",
    "market_share_high",
    "leading_enterprises",
    "supporting_enterprises",
    "standards_led",
    "regional_brands",
    "tech_centers",
    "specialized_firms",
    "heritage",
    "employment_effect",
    "market_demand",
    "product_distinct",
    "public_services",
    "environment",
];

/// The `missing_facts` cell of a town whose fact `READ[k]` is missing when bit `k` of
/// `mask` is set.
pub fn missing_cell(buf: &mut Vec<u8>, mask: u32) {
    let mut first = true;
    for (k, id) in READ.iter().enumerate() {
        if mask >> k & 1 != 0 {
            if !first {
                buf.push(b';');
            }
            buf.extend_from_slice(id.as_bytes());
            first = false;
        }
    }
}

impl Facts {
    /// Which of [`READ`] are missing, as a bit mask.
    pub fn missing(&self) -> u32 {
        let t = |x: T| x == T::Unknown;
        let present = [
            self.category.is_none(),
            self.output_value.is_none(),
            t(self.single_county),
            t(self.origin_or_gi),
            t(self.industry_influence),
            t(self.market_share_high),
            self.leading_enterprises.is_none(),
            self.supporting_enterprises.is_none(),
            self.standards_led.is_none(),
            self.regional_brands.is_none(),
            self.tech_centers.is_none(),
            self.specialized_firms.is_none(),
            t(self.heritage),
            t(self.employment_effect),
            t(self.market_demand),
            t(self.product_distinct),
            t(self.public_services),
            t(self.environment),
        ];
        present
            .iter()
            .enumerate()
            .fold(0, |m, (k, &gone)| m | (u32::from(gone) << k))
    }
}

/// The `interpretations` cell: the criteria of rules/shanxi.rules that rest on the rule
/// set's own readings.
pub const INTERPRETED: &[u8] = b"agglomeration;leading_enterprise;distinct_product";

/// Append one report line: `true` in the `discretionary` column for a town recognised
/// only through the discretionary relaxation, else nothing.
pub fn report_line(buf: &mut Vec<u8>, id: &[u8], name: &[u8], r: &Report, missing: u32) {
    csv_field(buf, id);
    buf.push(b',');
    csv_field(buf, name);
    buf.push(b',');
    buf.extend_from_slice(outcome_str(r.outcome).as_bytes());
    buf.push(b',');
    buf.extend_from_slice(if r.discretionary { b"true" } else { b"false" });
    for &s in &r.statuses {
        buf.push(b',');
        buf.extend_from_slice(status_str(s).as_bytes());
    }
    buf.push(b',');
    buf.extend_from_slice(match r.priority {
        T::Yes => b"yes",
        T::No => b"no",
        T::Unknown => b"unknown",
    });
    buf.push(b',');
    if r.relaxed {
        buf.extend_from_slice(b"agglomeration");
    }
    buf.push(b',');
    missing_cell(buf, missing);
    buf.push(b',');
    buf.extend_from_slice(INTERPRETED);
    // The what_if cell: empty, no parameter changed.
    buf.extend_from_slice(b",\n");
}

/// Trim ASCII and ideographic spaces.
fn trim(b: &[u8]) -> &[u8] {
    let s = std::str::from_utf8(b).unwrap_or("");
    s.trim().as_bytes()
}

fn missing(b: &[u8]) -> bool {
    matches!(b, b"" | b"-" | b"--" | b"/")
        || b == "无数据".as_bytes()
        || b.eq_ignore_ascii_case(b"n/a")
        || b.eq_ignore_ascii_case(b"na")
}

/// A decimal number `digits[.digits]` as (integer, fraction digits), and the rest.
fn number(b: &[u8]) -> Option<(i128, u32, &[u8])> {
    let mut v: i128 = 0;
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        v = v.checked_mul(10)?.checked_add(i128::from(b[i] - b'0'))?;
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let mut frac = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            v = v.checked_mul(10)?.checked_add(i128::from(b[i] - b'0'))?;
            i += 1;
            frac += 1;
        }
        if i == s {
            return None;
        }
    }
    Some((v, frac, &b[i..]))
}

/// A cell that cannot be read.
fn bad(line: usize, column: &str, cell: &[u8]) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "line {line}: column {column}: cannot read `{}`",
            String::from_utf8_lossy(cell)
        ),
    )
}

fn money(b: &[u8]) -> Option<Money> {
    let (v, frac, rest) = number(b)?;
    let exp: u32 = match rest {
        b"" => 8, // bare number: 亿元
        _ if rest == "亿元".as_bytes() || rest == "亿".as_bytes() => 8,
        _ if rest == "万元".as_bytes() || rest == "万".as_bytes() => 4,
        _ if rest == "元".as_bytes() => 0,
        _ => return None,
    };
    // v / 10^frac × 10^exp 元 in units of 10^-10 元.
    let shift = 10 + exp;
    if frac > shift {
        return None;
    }
    v.checked_mul(10i128.checked_pow(shift - frac)?)
}

fn percent(b: &[u8]) -> Option<i128> {
    let rest_ok = |r: &[u8]| r.is_empty() || r == b"%";
    let (v, frac, rest) = number(b)?;
    if !rest_ok(rest) || frac > 6 {
        return None;
    }
    let scaled = v * 10i128.pow(6 - frac);
    (scaled <= 100_000_000).then_some(scaled)
}

fn yes_no(b: &[u8]) -> Option<bool> {
    if b == "是".as_bytes()
        || b == b"1"
        || b.eq_ignore_ascii_case(b"true")
        || b.eq_ignore_ascii_case(b"yes")
    {
        Some(true)
    } else if b == "否".as_bytes()
        || b == b"0"
        || b.eq_ignore_ascii_case(b"false")
        || b.eq_ignore_ascii_case(b"no")
    {
        Some(false)
    } else {
        None
    }
}

fn category(b: &[u8]) -> Option<u8> {
    const NAMES: [(&str, u8); 10] = [
        ("manufacturing", 0),
        ("制造业", 0),
        ("specialty_agriculture", 1),
        ("特优农业", 1),
        ("specialty_light_industry", 2),
        ("特色轻工", 2),
        ("特色轻工（工艺美术）", 2),
        ("工艺美术", 2),
        ("culture_tourism", 3),
        ("文化旅游", 3),
    ];
    NAMES
        .iter()
        .find(|(n, _)| n.as_bytes() == b)
        .map(|&(_, m)| m)
}

fn count(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0')))
}

/// The 25 facts of `rules/facts.rules` but `source` and `notes` (docs/INTERPRETATION.md
/// §14): id, Chinese label.
pub const FACTS: [(&str, &str); 25] = [
    ("id", "编号"),
    ("name", "名称"),
    ("county", "所在县（市、区）"),
    ("category", "产业类别"),
    ("output_value", "特色主导产业年产值"),
    ("single_county", "主导产业限定在一个县域内"),
    ("origin_or_gi", "历史发源地或地理标志"),
    ("industry_influence", "行业影响力大、知名度高"),
    ("market_share_high", "市场占有率高（专家认定）"),
    ("leading_enterprises", "龙头企业数"),
    ("supporting_enterprises", "上下游配套企业数"),
    ("national_market_share", "全国市场占有率"),
    ("provincial_market_share", "全省市场占有率"),
    ("jobs", "带动就业人数"),
    ("standards_led", "主导或参与制定标准数"),
    ("regional_brands", "省级以上知名品牌数"),
    ("tech_centers", "国家级、省级企业技术中心及工程中心数"),
    ("municipal_tech_centers", "市级企业技术中心数"),
    ("specialized_firms", "专精特新、小巨人、单项冠军企业数"),
    ("heritage", "历史传承厚重"),
    ("employment_effect", "就业富民带动面广"),
    ("market_demand", "市场需求较大"),
    ("product_distinct", "产品特色突出"),
    ("public_services", "公共服务完善"),
    ("environment", "发展环境良好"),
];

/// The independent implementation: read the town CSV at `path` (docs/INTERPRETATION.md
/// §14 vocabulary, every column parsed and checked), evaluate the Shanxi criteria, write
/// the report (`id,name,outcome,discretionary,<8 statuses>`) to `out`. One thread.
/// Returns the number of towns.
pub fn independent(path: &Path, out: &mut dyn Write) -> io::Result<usize> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .map_err(io::Error::other)?;
    let mut rec = csv::ByteRecord::new();
    if !rdr.read_byte_record(&mut rec).map_err(io::Error::other)? {
        return Ok(0);
    }
    // Column of each fact.
    let mut col = [usize::MAX; FACTS.len()];
    for (i, h) in rec.iter().enumerate() {
        let h = trim(h);
        let h = h.strip_prefix("\u{feff}".as_bytes()).unwrap_or(h);
        if let Some(f) = FACTS
            .iter()
            .position(|(id, zh)| id.as_bytes() == h || zh.as_bytes() == h)
        {
            col[f] = i;
        }
    }
    if col[0] == usize::MAX {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "no id column"));
    }
    let mut buf = Vec::with_capacity(1 << 20);
    buf.extend_from_slice(REPORT_HEADER.as_bytes());
    let mut n = 0;
    let mut line = 1;
    while rdr.read_byte_record(&mut rec).map_err(io::Error::other)? {
        line += 1;
        let cell = |f: usize| {
            if col[f] == usize::MAX {
                &[][..]
            } else {
                trim(rec.get(col[f]).unwrap_or(&[]))
            }
        };
        macro_rules! read {
            ($f:expr, $parse:expr) => {{
                let c = cell($f);
                if missing(c) {
                    None
                } else {
                    Some($parse(c).ok_or_else(|| bad(line, FACTS[$f].0, c))?)
                }
            }};
        }
        let flag = |f: usize| -> io::Result<T> { Ok(T::of(read!(f, yes_no))) };
        let id = cell(0);
        let name = if cell(1).is_empty() { id } else { cell(1) };
        std::str::from_utf8(cell(2)).map_err(|_| bad(line, "county", cell(2)))?;
        // Every fact is read and checked, including those the criteria do not use.
        let _shares = (read!(11, percent), read!(12, percent));
        let _others = (read!(13, count), read!(17, count));
        let f = Facts {
            category: read!(3, category),
            output_value: read!(4, money),
            single_county: flag(5)?,
            origin_or_gi: flag(6)?,
            industry_influence: flag(7)?,
            market_share_high: flag(8)?,
            leading_enterprises: read!(9, count),
            supporting_enterprises: read!(10, count),
            standards_led: read!(14, count),
            regional_brands: read!(15, count),
            tech_centers: read!(16, count),
            specialized_firms: read!(18, count),
            heritage: flag(19)?,
            employment_effect: flag(20)?,
            market_demand: flag(21)?,
            product_distinct: flag(22)?,
            public_services: flag(23)?,
            environment: flag(24)?,
        };
        report_line(&mut buf, id, name, &report(&f), f.missing());
        if buf.len() > 1 << 20 {
            out.write_all(&buf)?;
            buf.clear();
        }
        n += 1;
    }
    out.write_all(&buf)?;
    out.flush()?;
    Ok(n)
}
