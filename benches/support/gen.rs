//! Deterministic synthetic town data in the docs/INTERPRETATION.md §14 vocabulary.
//!
//! Every fact of the shared vocabulary gets a column (25 columns, no `source`/`notes`):
//! [`write_csv`] and [`csv_string_all`]. [`csv_string`] keeps the 24 columns of
//! generator version 2 (without `market_share_high`), byte for byte: tests append rows
//! of that width to it.
//! Values cluster around the thresholds of the bundled rule sets (outputs near 5000万元,
//! 1亿, 2亿, 10亿 and 20亿元, some exactly at a threshold; supporting enterprises near 5/8/10;
//! market shares near 30%/50%; jobs near 2000), about 2% of the cells are missing (empty
//! or `-`), and cells use only the spellings docs/INTERPRETATION.md §14.2 lists (`20亿元`,
//! `20亿`, `199900万元`, bare 亿元 numbers, `35%`/`35`, `是`/`否`, `true`/`false`, `yes`/`no`,
//! `1`/`0`, category ids or Chinese labels). The same seed always gives the same bytes.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{self, Write};

/// The fixed seed of the benchmark data.
pub const SEED: u64 = 0x5EED_2022_0080;

/// The version of the generator: bump it whenever the output changes, so that the
/// benchmarks regenerate their cached files.
/// Version 3 adds the `market_share_high` column (docs/INTERPRETATION.md §7.1).
pub const VERSION: u32 = 3;

/// The header: every fact of `rules/facts.rules` (docs/INTERPRETATION.md §14), by id,
/// in the order of that file.
pub const HEADER: &str = "id,name,county,category,output_value,single_county,origin_or_gi,\
industry_influence,market_share_high,leading_enterprises,supporting_enterprises,\
national_market_share,provincial_market_share,jobs,standards_led,regional_brands,\
tech_centers,municipal_tech_centers,specialized_firms,heritage,employment_effect,\
market_demand,product_distinct,public_services,environment";

/// The header of generator version 2: [`HEADER`] without `market_share_high`.
pub const HEADER_V2: &str = "id,name,county,category,output_value,single_county,origin_or_gi,\
industry_influence,leading_enterprises,supporting_enterprises,national_market_share,\
provincial_market_share,jobs,standards_led,regional_brands,tech_centers,\
municipal_tech_centers,specialized_firms,heritage,employment_effect,market_demand,\
product_distinct,public_services,environment";

/// Which columns the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// Every fact ([`HEADER`], 25 columns).
    All,
    /// The 24 columns of generator version 2 ([`HEADER_V2`]), the same bytes as that
    /// version wrote: no `market_share_high` (every town's value is missing).
    V2,
}

impl Columns {
    /// The header line (without the line end).
    pub fn header(self) -> &'static str {
        match self {
            Columns::All => HEADER,
            Columns::V2 => HEADER_V2,
        }
    }
}

/// SplitMix64: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }
    /// True with probability `p` percent (may be fractional: `chance(2.0)`).
    pub fn chance(&mut self, percent: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 100.0 < percent
    }
    /// One of `xs`.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const PLACES: &[&str] = &[
    "定襄", "代州", "繁峙", "原平", "神池", "五台", "宁武", "蒲县", "新绛", "万安", "绛州", "平遥",
    "清徐", "祁县", "太谷", "阳城", "晋城", "长治", "黎城", "沁县", "汾阳", "孝义", "介休", "灵石",
];
const PRODUCTS: &[&str] = &[
    "法兰",
    "黄酒",
    "铸造",
    "煤机",
    "食品",
    "镁业",
    "药茶",
    "雕刻",
    "钻石",
    "文创",
    "蔬菜",
    "药材",
    "陈醋",
    "小米",
    "玻璃",
    "铁锅",
    "推光漆",
    "核桃",
    "红枣",
    "酒业",
];
const COUNTIES: &[&str] = &[
    "定襄县",
    "代县",
    "繁峙县",
    "原平市",
    "神池县",
    "五台县",
    "宁武县",
    "蒲县",
    "新绛县",
    "清徐县",
    "祁县",
    "太谷区",
    "阳城县",
    "黎城县",
    "沁县",
    "汾阳市",
    "孝义市",
    "介休市",
    "灵石县",
    "平遥县",
];

/// Append a yes/no cell, true with probability `p_true` percent, in one of the
/// spellings docs/INTERPRETATION.md §14.2 lists (是/否, true/false, yes/no, 1/0).
fn yes_no(r: &mut Rng, p_true: f64, s: &mut String) {
    let v = r.chance(p_true);
    let spelling = match r.below(20) {
        0..=15 => 0, // 是/否
        16 => 1,     // true/false
        17 => 2,     // yes/no
        _ => 3,      // 1/0
    };
    s.push_str(match (spelling, v) {
        (0, true) => "是",
        (0, false) => "否",
        (1, true) => "true",
        (1, false) => "false",
        (2, true) => "yes",
        (2, false) => "no",
        (_, true) => "1",
        (_, false) => "0",
    });
}

/// Append an amount of money near one of the thresholds, in fen-exact steps.
fn money(r: &mut Rng, manufacturing: bool, s: &mut String) {
    // Thresholds in 万元: the province's and Xinzhou's floors by category, the relaxed floors.
    const MANUFACTURING: &[u64] = &[200_000, 200_000, 200_000, 100_000, 10_000];
    const OTHER: &[u64] = &[100_000, 100_000, 20_000, 10_000, 5_000];
    let t = *r.pick(if manufacturing { MANUFACTURING } else { OTHER });
    // Exactly at the threshold 5% of the time, else within ±30% in steps of 1万元.
    let wan = if r.chance(5.0) {
        t
    } else {
        let span = t * 3 / 10;
        t - span + r.below(2 * span + 1)
    };
    match r.below(10) {
        0..=5 => {
            // 亿元 with up to 4 decimals: 19.87亿元
            let _ = write!(s, "{}", wan / 10_000);
            let frac = wan % 10_000;
            if frac != 0 {
                let f = format!("{frac:04}");
                let _ = write!(s, ".{}", f.trim_end_matches('0'));
            }
            s.push_str(if r.chance(80.0) { "亿元" } else { "亿" });
        }
        6 | 7 => {
            let _ = write!(s, "{wan}万元");
        }
        _ => {
            // a bare number: 亿元
            let _ = write!(s, "{}", wan / 10_000);
            let frac = wan % 10_000;
            if frac != 0 {
                let f = format!("{frac:04}");
                let _ = write!(s, ".{}", f.trim_end_matches('0'));
            }
        }
    }
}

/// Append a percentage near `around` (points), with up to one decimal.
fn percent(r: &mut Rng, around: u64, s: &mut String) {
    let tenths = around * 10 - 150 + r.below(301);
    let tenths = tenths.min(1000);
    let _ = write!(s, "{}", tenths / 10);
    if !tenths.is_multiple_of(10) {
        let _ = write!(s, ".{}", tenths % 10);
    }
    if r.chance(70.0) {
        s.push('%');
    }
}

/// Append a count drawn from `lo..=hi`.
fn count(r: &mut Rng, lo: u64, hi: u64, s: &mut String) {
    let _ = write!(s, "{}", lo + r.below(hi - lo + 1));
}

/// Append one town's record (without the line end) with `columns`.
pub fn town(r: &mut Rng, i: usize, columns: Columns, s: &mut String) {
    let _ = write!(s, "T{i:07},{}{}{i}", r.pick(PLACES), r.pick(PRODUCTS));
    let mut manufacturing = false;
    // Columns after name, numbered as in [`HEADER`]: each may be missing (2%). Version 2
    // has no column 8 (and draws nothing for it).
    for col in 2..25 {
        if col == 8 && columns == Columns::V2 {
            continue;
        }
        s.push(',');
        if r.chance(2.0) {
            if r.chance(25.0) {
                s.push('-');
            }
            continue;
        }
        match col {
            2 => s.push_str(r.pick::<&str>(COUNTIES)),
            3 => {
                let (id, zh) = *r.pick(&[
                    ("manufacturing", "制造业"),
                    ("manufacturing", "制造业"),
                    ("manufacturing", "制造业"),
                    ("specialty_agriculture", "特优农业"),
                    ("specialty_agriculture", "特优农业"),
                    ("specialty_light_industry", "特色轻工"),
                    ("specialty_light_industry", "特色轻工"),
                    ("culture_tourism", "文化旅游"),
                ]);
                manufacturing = id == "manufacturing";
                s.push_str(if r.chance(70.0) { id } else { zh });
            }
            4 => money(r, manufacturing, s),
            5 => yes_no(r, 95.0, s),
            6 => yes_no(r, 40.0, s),
            7 => yes_no(r, 50.0, s),
            8 => yes_no(r, 50.0, s),
            9 => count(r, 0, 4, s),
            10 => count(r, 6, 15, s),
            11 => percent(r, 30, s),
            12 => percent(r, 50, s),
            13 => count(r, 1_500, 2_500, s),
            14 => count(r, 0, 4, s),
            15 => count(r, 0, 4, s),
            16 => count(r, 0, 2, s),
            17 => count(r, 0, 2, s),
            18 => count(r, 0, 3, s),
            _ => yes_no(r, 96.0, s),
        }
    }
}

/// Write `n` towns (header first) generated from `seed`, every column.
pub fn write_csv(n: usize, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    write_columns(n, seed, Columns::All, out)
}

/// Write `n` towns (header first) generated from `seed`, with `columns`.
pub fn write_columns(n: usize, seed: u64, columns: Columns, out: &mut dyn Write) -> io::Result<()> {
    let mut r = Rng::new(seed);
    let mut s = String::with_capacity(1 << 16);
    s.push_str(columns.header());
    s.push('\n');
    for i in 0..n {
        town(&mut r, i, columns, &mut s);
        s.push('\n');
        if s.len() > 60_000 {
            out.write_all(s.as_bytes())?;
            s.clear();
        }
    }
    out.write_all(s.as_bytes())
}

/// `n` towns as CSV text in the 24 columns of generator version 2 ([`Columns::V2`]:
/// no `market_share_high`), the same bytes as that version: tests append rows of that
/// width.
pub fn csv_string(n: usize, seed: u64) -> String {
    columns_string(n, seed, Columns::V2)
}

/// `n` towns as CSV text, every column ([`Columns::All`]).
pub fn csv_string_all(n: usize, seed: u64) -> String {
    columns_string(n, seed, Columns::All)
}

fn columns_string(n: usize, seed: u64, columns: Columns) -> String {
    let mut v = Vec::new();
    let _ = write_columns(n, seed, columns, &mut v);
    String::from_utf8(v).unwrap_or_default()
}
