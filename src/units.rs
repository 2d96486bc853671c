//! Exact parsing and formatting of the quantities that appear in policy
//! documents and spreadsheet cells: money in 元/万元/亿元, percentages,
//! head counts and yes/no flags.
//!
//! Everything is exact: amounts are [`Decimal`] values in 元, never floats.
//! Ambiguous spellings (approximations such as `约20亿`, ranges, several
//! numbers in one cell) are rejected instead of guessed.

use std::borrow::Cow;

use rust_decimal::Decimal;

/// A money unit as written in Chinese documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MoneyUnit {
    /// 元, the base unit of Renminbi.
    Yuan,
    /// 万元, ten thousand (10^4) 元.
    Wan,
    /// 亿元, one hundred million (10^8) 元.
    Yi,
}

impl MoneyUnit {
    /// How many 元 one of this unit is worth: 1, 10000 or 100000000.
    pub fn factor(self) -> Decimal {
        match self {
            MoneyUnit::Yuan => Decimal::ONE,
            MoneyUnit::Wan => Decimal::from(10_000u32),
            MoneyUnit::Yi => Decimal::from(100_000_000u32),
        }
    }

    /// The canonical suffix written after an amount: `元`, `万元` or `亿元`.
    pub fn suffix(self) -> &'static str {
        match self {
            MoneyUnit::Yuan => "元",
            MoneyUnit::Wan => "万元",
            MoneyUnit::Yi => "亿元",
        }
    }

    /// Reads a unit suffix as written after an amount; accepts `元`, `万元`,
    /// `亿元` and the short forms `万` and `亿`.
    pub fn from_suffix(s: &str) -> Option<MoneyUnit> {
        match s {
            "元" => Some(MoneyUnit::Yuan),
            "万元" | "万" => Some(MoneyUnit::Wan),
            "亿元" | "亿" => Some(MoneyUnit::Yi),
            _ => None,
        }
    }
}

/// Kind of a quantity a cell or literal is expected to hold (for error messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// An amount of money such as `20亿元`.
    Money,
    /// A share in percentage points such as `35%`.
    Percent,
    /// A whole number of enterprises, people, projects and so on, such as `12家`.
    Count,
    /// A yes/no flag such as `是` or `否`.
    YesNo,
}

impl Expected {
    /// What was expected (with an example), the noun for the quantity, and a
    /// correctly written example, for messages.
    fn words(self) -> (String, String, &'static str) {
        match self {
            Expected::Money => (
                crate::t!("units.expected.money"),
                crate::t!("units.noun.money"),
                "`20亿元`",
            ),
            Expected::Percent => (
                crate::t!("units.expected.percent"),
                crate::t!("units.noun.percent"),
                "`35%`",
            ),
            Expected::Count => (
                crate::t!("units.expected.count"),
                crate::t!("units.noun.count"),
                "`12家`",
            ),
            Expected::YesNo => (
                crate::t!("units.expected.yes_no"),
                crate::t!("units.noun.yes_no"),
                "`是`",
            ),
        }
    }

    /// The noun with its article, as a sentence's subject (`an amount`).
    fn subject(self) -> String {
        match self {
            Expected::Money => crate::t!("units.subject.money"),
            Expected::Percent => crate::t!("units.subject.percent"),
            Expected::Count => crate::t!("units.subject.count"),
            Expected::YesNo => crate::t!("units.subject.yes_no"),
        }
    }
}

/// Why a text could not be read as the expected quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UnitError {
    /// The kind of quantity that was expected.
    pub expected: Expected,
    /// The offending text as the user wrote it (surrounding whitespace trimmed).
    pub text: String,
    /// What is wrong, in the current language (see [`crate::i18n`]) without a final
    /// period; user text appears in backticks.
    pub message: String,
    /// A concrete suggestion for fixing the text, if there is one.
    pub help: Option<String>,
}

/// The text being parsed and what it should be, for building errors.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    e: Expected,
    orig: &'a str,
}

impl Ctx<'_> {
    fn fail<T>(self, message: String, help: impl Into<String>) -> Result<T, UnitError> {
        let (expected, text, help) = (self.e, self.orig.to_string(), Some(help.into()));
        Err(UnitError {
            expected,
            text,
            message,
            help,
        })
    }
}

/// Folds the full-width and typographic characters that spreadsheets and
/// policy documents use for numbers into ASCII (full-width digits, `．`, `，`,
/// `％`, `＋`, dashes, ideographic and non-breaking spaces), then trims
/// surrounding whitespace. Borrows when nothing needed folding.
pub fn normalize(text: &str) -> Cow<'_, str> {
    fn fold(c: char) -> Option<char> {
        match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '．' => Some('.'),
            '，' => Some(','),
            '％' => Some('%'),
            '－' | '—' | '–' => Some('-'),
            '＋' => Some('+'),
            '\u{3000}' | '\u{00A0}' => Some(' '),
            _ => None,
        }
    }
    if text.chars().any(|c| fold(c).is_some()) {
        let folded: String = text.chars().map(|c| fold(c).unwrap_or(c)).collect();
        Cow::Owned(folded.trim().to_string())
    } else {
        Cow::Borrowed(text.trim())
    }
}

/// Whether a cell is a "no data" marker (empty, `-`, `--`, `—`, `/`, `N/A`,
/// `NA`, `无数据`) rather than a value. `0` and `否` are values, not missing.
pub fn is_missing(text: &str) -> bool {
    let t = normalize(text);
    matches!(t.as_ref(), "" | "-" | "--" | "/" | "无数据")
        || t.eq_ignore_ascii_case("n/a")
        || t.eq_ignore_ascii_case("na")
}

/// Words and signs that make a figure approximate or a bound, not a value.
const QUALIFIERS: &[&str] = &[
    "约", "大概", "左右", "上下", "余", "多", "近", "超", "逾", "以上", "以下", "以内", "不", "至",
    "最", "高于", "低于", "大于", "小于", "几", "数", "过", "~", "～", "≈", ">", "<", "≥", "≤",
];

/// Normalizes `text` and rejects empty, missing and approximate texts.
fn prepare(text: &str, e: Expected) -> Result<(Cow<'_, str>, Ctx<'_>), UnitError> {
    let orig = text.trim();
    let c = Ctx { e, orig };
    let (what, noun, example) = e.words();
    let t = normalize(text);
    if t.is_empty() {
        let m = crate::t!("units.empty", what = what);
        return c.fail(m, crate::t!("units.empty_help", example = example));
    }
    if is_missing(&t) {
        let m = crate::t!(
            "units.missing",
            what = what,
            orig = crate::i18n::quote(orig)
        );
        return c.fail(m, crate::t!("units.missing_help", example = example));
    }
    if e == Expected::YesNo {
        return Ok((t, c));
    }
    let digit_e = |w: &[u8]| w[0].is_ascii_digit() && w[1].eq_ignore_ascii_case(&b'e');
    if t.as_bytes().windows(2).any(digit_e) {
        let m = crate::t!("units.scientific", orig = crate::i18n::quote(orig));
        return c.fail(m, crate::t!("units.scientific_help"));
    }
    let plus_inside = t.char_indices().any(|(i, ch)| ch == '+' && i > 0);
    if plus_inside || QUALIFIERS.iter().any(|q| t.contains(q)) {
        let m = crate::t!(
            "units.approximate",
            noun = noun,
            orig = crate::i18n::quote(orig)
        );
        return c.fail(m, crate::t!("units.approximate_help", example = example));
    }
    Ok((t, c))
}

/// A number literal at the start of a normalized text.
struct Literal<'a> {
    value: Decimal,
    has_point: bool,
    rest: &'a str,
}

/// Reads the leading number of `t` (already through [`prepare`]): optional
/// `+`, digits with optional thousands separators, optional fraction.
fn scan<'a>(t: &'a str, c: Ctx<'_>) -> Result<Literal<'a>, UnitError> {
    let ((what, _, example), orig) = (c.e.words(), c.orig);
    let body = t.strip_prefix('+').unwrap_or(t);
    let after_minus = body.strip_prefix('-').unwrap_or("");
    if after_minus.starts_with(|ch: char| ch.is_ascii_digit() || ch == '.') {
        let m = crate::t!(
            "units.negative",
            subject = c.e.subject(),
            orig = crate::i18n::quote(orig)
        );
        return c.fail(m, crate::t!("units.negative_help", example = example));
    }
    let end = body
        .find(|ch: char| !(ch.is_ascii_digit() || ch == '.' || ch == ','))
        .unwrap_or(body.len());
    let (tok, rest) = body.split_at(end);
    if tok.is_empty() {
        let m = crate::t!(
            "units.not_number",
            what = what,
            orig = crate::i18n::quote(orig)
        );
        return c.fail(m, crate::t!("units.not_number_help", example = example));
    }
    let (int, frac) = match tok.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (tok, None),
    };
    if frac.is_some_and(|f| f.contains(['.', ','])) {
        let m = crate::t!("units.two_points", number = crate::i18n::quote(tok));
        return c.fail(m, crate::t!("units.two_points_help"));
    }
    if int.is_empty() || int.starts_with(',') || frac == Some("") {
        let m = crate::t!("units.lone_point", number = crate::i18n::quote(tok));
        return c.fail(m, crate::t!("units.lone_point_help"));
    }
    let int_digits: String = int.chars().filter(|ch| *ch != ',').collect();
    if int.contains(',') {
        let mut groups = int.split(',');
        let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
        if !first_ok || groups.any(|g| g.len() != 3) {
            let m = crate::t!("units.grouping", number = crate::i18n::quote(tok));
            let h = crate::t!(
                "units.grouping_help",
                digits = crate::i18n::quote(&int_digits)
            );
            return c.fail(m, h);
        }
    }
    let int_digits = int_digits.trim_start_matches('0');
    let frac_digits = frac.unwrap_or("").trim_end_matches('0');
    let canonical = match (int_digits.is_empty(), frac_digits.is_empty()) {
        (true, true) => "0".to_string(),
        (false, true) => int_digits.to_string(),
        (true, false) => format!("0.{frac_digits}"),
        (false, false) => format!("{int_digits}.{frac_digits}"),
    };
    let value = Decimal::from_str_exact(&canonical).ok();
    let Some(value) = value.filter(|_| int_digits.len() + frac_digits.len() <= 28) else {
        let m = crate::t!("units.digits", number = crate::i18n::quote(tok));
        return c.fail(m, crate::t!("units.digits_help"));
    };
    let (has_point, rest) = (frac.is_some(), rest.trim_start());
    Ok(Literal {
        value,
        has_point,
        rest,
    })
}

/// Error for a leftover that is not a valid unit: several numbers or an
/// unknown unit.
fn bad_rest<T>(c: Ctx<'_>, rest: &str, units: String) -> Result<T, UnitError> {
    let ((_, noun, example), orig) = (c.e.words(), c.orig);
    if rest.contains(|ch: char| ch.is_ascii_digit()) {
        let m = crate::t!(
            "units.several",
            noun = noun,
            orig = crate::i18n::quote(orig)
        );
        return c.fail(m, crate::t!("units.several_help", example = example));
    }
    c.fail(
        crate::t!(
            "units.unknown_unit",
            noun = noun,
            unit = crate::i18n::quote(rest),
            orig = crate::i18n::quote(orig)
        ),
        crate::t!("units.unknown_unit_help", units = units),
    )
}

/// Reads an amount of money and returns it exactly in 元, together with the
/// unit that was written (`None` for a bare number, which is taken to be in
/// `bare`). Accepts `20亿元`, `20亿`, `5000万`, `12.5 亿元`, `1,200万元`,
/// full-width digits and a leading `+`; rejects negative, approximate,
/// percentage and ambiguous texts.
pub fn parse_money(text: &str, bare: MoneyUnit) -> Result<(Decimal, Option<MoneyUnit>), UnitError> {
    let (t, c) = prepare(text, Expected::Money)?;
    let (lit, orig) = (scan(&t, c)?, c.orig);
    let written = match lit.rest {
        "" => None,
        "%" => {
            let m = crate::t!("units.money_percent", orig = crate::i18n::quote(orig));
            return c.fail(m, crate::t!("units.money_percent_help"));
        }
        rest => match MoneyUnit::from_suffix(rest) {
            Some(u) => Some(u),
            None => return bad_rest(c, rest, crate::t!("units.money_units")),
        },
    };
    match lit.value.checked_mul(written.unwrap_or(bare).factor()) {
        Some(yuan) => Ok((yuan.normalize(), written)),
        None => c.fail(
            crate::t!("units.money_too_large", orig = crate::i18n::quote(orig)),
            crate::t!("units.check_unit"),
        ),
    }
}

/// Reads a share in percentage points (`35%`, `35`, `35.5 %` all mean 35%);
/// rejects negative shares, shares above 100%, money and approximations.
pub fn parse_percent(text: &str) -> Result<Decimal, UnitError> {
    parse_percent_capped(text, true)
}

/// Reads a percentage that is not a share, such as a parameter's growth factor (`110%`):
/// as [`parse_percent`], but above 100% too.
pub fn parse_percentage(text: &str) -> Result<Decimal, UnitError> {
    parse_percent_capped(text, false)
}

fn parse_percent_capped(text: &str, share: bool) -> Result<Decimal, UnitError> {
    let (t, c) = prepare(text, Expected::Percent)?;
    let (lit, orig) = (scan(&t, c)?, c.orig);
    if !(lit.rest.is_empty() || lit.rest == "%") {
        if lit.rest.contains(['元', '万', '亿']) {
            let m = crate::t!("units.percent_money", orig = crate::i18n::quote(orig));
            return c.fail(m, crate::t!("units.percent_money_help"));
        }
        return bad_rest(c, lit.rest, crate::t!("units.percent_units"));
    }
    if share && lit.value > Decimal::ONE_HUNDRED {
        let m = crate::t!("units.share_over", orig = crate::i18n::quote(orig));
        return c.fail(m, crate::t!("units.share_over_help"));
    }
    Ok(lit.value.normalize())
}

/// Unit words accepted after a count: enterprises, households, items,
/// people, projects, persons, buildings.
pub const COUNT_UNITS: &[&str] = &["家", "户", "个", "人", "项", "名", "座"];

/// The kinds of things counts count, each with its measure words: words of one kind
/// are synonyms (`家` and `户` both count enterprises). `个` is a general classifier,
/// used for enterprises, items and places alike, but not for people.
pub const MEASURE_KINDS: &[(&str, &[&str])] = &[
    ("enterprises", &["家", "户", "个"]),
    ("people", &["人", "名"]),
    ("items", &["项", "个"]),
    ("places", &["座", "个"]),
];

/// The measure word `word` as one of [`COUNT_UNITS`] (`None`: not a measure word).
pub fn measure_word(word: &str) -> Option<&'static str> {
    COUNT_UNITS.iter().copied().find(|w| *w == word)
}

/// What a measure word counts, for messages: `户` → `enterprises` (`企业`).
pub fn measure_kind(word: &str) -> String {
    let kind = MEASURE_KINDS
        .iter()
        .filter(|(_, ws)| ws.contains(&word))
        .map(|(k, _)| *k)
        .next();
    measure_kind_words(kind)
}

/// The kind of thing `kind` (a name of [`MEASURE_KINDS`]; `None`: things) in words.
fn measure_kind_words(kind: Option<&str>) -> String {
    match kind {
        Some("enterprises") => crate::t!("units.measure.enterprises"),
        Some("people") => crate::t!("units.measure.people"),
        Some("items") => crate::t!("units.measure.items"),
        Some("places") => crate::t!("units.measure.places"),
        Some(_) | None => crate::t!("units.measure.things"),
    }
}

/// Whether measure words `a` and `b` count the same kind of thing.
pub fn same_measure_kind(a: &str, b: &str) -> bool {
    a == b
        || MEASURE_KINDS
            .iter()
            .any(|(_, ws)| ws.contains(&a) && ws.contains(&b))
}

/// Why measure word `found` cannot stand for `expected` (`None`: it can).
pub fn measure_mismatch(found: &str, expected: &str) -> Option<String> {
    if same_measure_kind(found, expected) {
        return None;
    }
    let (f, e) = (measure_kind(found), measure_kind(expected));
    let what = if f == e { measure_kind_words(None) } else { f };
    Some(crate::t!(
        "units.measure_mismatch",
        found = found,
        what = what,
        kind = e,
        expected = expected
    ))
}

/// Reads a whole, non-negative count such as `12`, `1,200`, `12家` or
/// `1.05万人` (= 10500); rejects fractions, approximations and values that
/// do not fit in a `u32`.
pub fn parse_count(text: &str) -> Result<u32, UnitError> {
    parse_count_of(text, None)
}

/// Like [`parse_count`], for a count of the thing measure word `measure` counts
/// (`人`): a measure word of another kind (`2000户`) is refused, a synonym (`12家`
/// for `户`) is accepted.
pub fn parse_count_of(text: &str, measure: Option<&str>) -> Result<u32, UnitError> {
    let (t, c) = prepare(text, Expected::Count)?;
    let (lit, orig) = (scan(&t, c)?, c.orig);
    let (wan, rest) = match lit.rest.strip_prefix('万') {
        Some(r) => (true, r.trim_start()),
        None => (false, lit.rest),
    };
    if !(rest.is_empty() || COUNT_UNITS.contains(&rest)) {
        let help = crate::t!("units.count_help");
        if rest.contains(['元', '亿']) {
            return c.fail(
                crate::t!("units.count_money", orig = crate::i18n::quote(orig)),
                help,
            );
        }
        if rest == "%" {
            return c.fail(
                crate::t!("units.count_percent", orig = crate::i18n::quote(orig)),
                help,
            );
        }
        return bad_rest(c, rest, crate::t!("units.count_units"));
    }
    if let Some(m) = measure.filter(|_| !rest.is_empty()) {
        if let Some(why) = measure_mismatch(rest, m) {
            let n = format_decimal(lit.value);
            let wan = if wan { "万" } else { "" };
            return c.fail(
                crate::t!(
                    "units.count_measure",
                    why = why,
                    orig = crate::i18n::quote(orig)
                ),
                crate::t!(
                    "units.count_measure_help",
                    value = format!("{n}{wan}{m}"),
                    what = measure_kind(m)
                ),
            );
        }
    }
    let value = match wan {
        true => lit.value.checked_mul(Decimal::from(10_000u32)),
        false => Some(lit.value),
    };
    if let Some(v) = value.filter(|v| (!wan && lit.has_point) || !v.fract().is_zero()) {
        let m = crate::t!("number.not_whole", number = crate::i18n::quote(orig));
        let whole = format_decimal(v.trunc());
        return c.fail(
            m,
            crate::t!("units.whole_help", whole = crate::i18n::quote(&whole)),
        );
    }
    match value.and_then(|v| u32::try_from(v).ok()) {
        Some(n) => Ok(n),
        None => c.fail(
            crate::t!("units.count_too_large", orig = crate::i18n::quote(orig)),
            crate::t!("units.check_unit"),
        ),
    }
}

/// Reads a yes/no flag. True: `true`, `yes`, `y`, `是`, `1`, `有`, `√`, `✓`;
/// false: `false`, `no`, `n`, `否`, `0`, `无`, `×`, `✗` (case-insensitive).
pub fn parse_yes_no(text: &str) -> Result<bool, UnitError> {
    let (t, c) = prepare(text, Expected::YesNo)?;
    match t.to_lowercase().as_str() {
        "true" | "yes" | "y" | "是" | "1" | "有" | "√" | "✓" => Ok(true),
        "false" | "no" | "n" | "否" | "0" | "无" | "×" | "✗" => Ok(false),
        _ => {
            let m = crate::t!("units.yes_no", orig = crate::i18n::quote(c.orig));
            c.fail(m, crate::t!("units.yes_no_help"))
        }
    }
}

/// Plain decimal notation of `mantissa × 10^-scale` without trailing zeros.
fn plain(mantissa: i128, scale: u32) -> String {
    let (mut m, mut scale) = (mantissa.unsigned_abs(), scale as usize);
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    let sign = if mantissa < 0 && m != 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{m}");
    }
    let padded = format!("{m:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// Writes a number in plain notation without exponent or trailing zeros
/// (`0.50` → `0.5`, `20.00` → `20`).
pub fn format_decimal(d: Decimal) -> String {
    plain(d.mantissa(), d.scale())
}

/// Writes an amount given in 元 exactly in `unit`, e.g. 50000000 in 万元 →
/// `5000万元`; never rounds.
pub fn format_money(yuan: Decimal, unit: MoneyUnit) -> String {
    // Dividing by 10^k only moves the decimal point, so do it on the
    // mantissa/scale pair: exact even where `Decimal` would run out of scale.
    let shift = match unit {
        MoneyUnit::Yuan => 0,
        MoneyUnit::Wan => 4,
        MoneyUnit::Yi => 8,
    };
    format!(
        "{}{}",
        plain(yuan.mantissa(), yuan.scale() + shift),
        unit.suffix()
    )
}

/// Writes a share given in percentage points, e.g. 12.50 → `12.5%`.
pub fn format_percent(points: Decimal) -> String {
    format!("{}%", format_decimal(points))
}

/// A ratio (0.25) as a percentage (`25%`), exactly: only the decimal point moves.
pub fn format_ratio_percent(ratio: Decimal) -> String {
    format!("{}%", ratio_points(ratio))
}

/// A ratio (0.05) in percentage points (`5`), exactly.
pub fn ratio_points(ratio: Decimal) -> String {
    match ratio.scale() {
        s if s >= 2 => plain(ratio.mantissa(), s - 2),
        s => plain(ratio.mantissa() * 10i128.pow(2 - s), 0),
    }
}

/// The natural unit for showing an amount in 元: 亿元 from 1亿 up, 万元 from
/// 1万 up, 元 below (by absolute value).
pub fn best_money_unit(yuan: Decimal) -> MoneyUnit {
    let a = yuan.abs();
    if a >= MoneyUnit::Yi.factor() {
        MoneyUnit::Yi
    } else if a >= MoneyUnit::Wan.factor() {
        MoneyUnit::Wan
    } else {
        MoneyUnit::Yuan
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MoneyUnit::{Wan, Yi, Yuan};

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }
    fn m(s: &str) -> Decimal {
        parse_money(s, Yuan).unwrap().0
    }
    fn round_trip(s: &str, u: MoneyUnit) -> String {
        format_money(parse_money(s, u).unwrap().0, u)
    }

    macro_rules! eq {
        ($($name:ident: $left:expr => $right:expr;)*) => {
            $(#[test] fn $name() { assert_eq!($left, $right); })*
        };
    }
    macro_rules! rejects {
        ($($name:ident: $call:expr, $needle:expr;)*) => {
            $(#[test] fn $name() {
                let e = $call.unwrap_err();
                assert!(e.message.contains($needle), "{:?}", e);
            })*
        };
    }

    eq! {
        wan_equals_yi: m("5000万元") => m("0.5亿元");
        wan_and_yi_same_repr: m("5000万元").to_string() => m("0.5亿元").to_string();
        one_yi_in_wan: m("1亿元") => m("10000万元");
        one_yi_in_yuan: m("1亿元") => m("100000000元");
        short_yi: parse_money("20亿", Yuan).unwrap() => (d("2000000000"), Some(Yi));
        long_yi: parse_money("20亿元", Yuan).unwrap() => parse_money("20亿", Yuan).unwrap();
        short_wan: parse_money("5000万", Yuan).unwrap() => (d("50000000"), Some(Wan));
        bare_in_yi: parse_money("20", Yi).unwrap() => (d("2000000000"), None);
        full_width: m("２０亿元") => m("20亿元");
        full_width_point: m("１２．５亿元") => d("1250000000");
        ideographic_space: m("\u{3000}12.5\u{3000}亿元 ") => d("1250000000");
        grouped_bare: parse_money("1,200", Yuan).unwrap() => (d("1200"), None);
        grouped_wan: m("1,200万元") => d("12000000");
        grouped_big: m("1,234,567元") => d("1234567");
        space_before_unit: m("12.5 亿元") => d("1250000000");
        decimal_yi: m("120.89亿元") => d("12089000000");
        leading_plus: m("+20亿") => d("2000000000");
        zero_money: m("0元") => Decimal::ZERO;
        max_digits: m("9999999999999999999999999999元") => d("9999999999999999999999999999");
        rt_yi: round_trip("120.89亿元", Yi) => "120.89亿元";
        rt_wan: round_trip("5000万元", Wan) => "5000万元";
        rt_half: round_trip("0.50亿", Yi) => "0.5亿元";
        rt_cross: format_money(m("5000万"), Yi) => "0.5亿元";
        fmt_precise: format_money(d("1999999990"), Yi) => "19.9999999亿元";
        fmt_wan: format_money(d("50000000"), Wan) => "5000万元";
        fmt_tiny: format_money(d("0.0000000000000000000000000001"), Yi) => "0.000000000000000000000000000000000001亿元";
        fmt_negative: format_money(d("-12000"), Wan) => "-1.2万元";
        fmt_dec_half: format_decimal(d("0.50")) => "0.5";
        fmt_dec_whole: format_decimal(d("20.00")) => "20";
        fmt_dec_big: format_decimal(d("100000000")) => "100000000";
        fmt_dec_neg_zero: format_decimal(d("-0.00")) => "0";
        fmt_pct: format_percent(d("35")) => "35%";
        fmt_pct_half: format_percent(d("12.50")) => "12.5%";
        best_yi: best_money_unit(d("100000000")) => Yi;
        best_wan: best_money_unit(d("99999999.99")) => Wan;
        best_yuan: best_money_unit(d("9999")) => Yuan;
        best_negative: best_money_unit(d("-200000000")) => Yi;
        suffix_short: MoneyUnit::from_suffix("万") => Some(Wan);
        suffix_unknown: MoneyUnit::from_suffix("千元") => None;
        factor_yi: Yi.factor() => d("100000000");
        pct_sign: parse_percent("35%").unwrap() => d("35");
        pct_bare: parse_percent("35").unwrap() => d("35");
        pct_space: parse_percent("35.5 %").unwrap() => d("35.5");
        pct_full_width: parse_percent("35％").unwrap() => d("35");
        pct_hundred: parse_percent("100%").unwrap() => d("100");
        count_plain: parse_count("12").unwrap() => 12;
        count_grouped: parse_count("1,200").unwrap() => 1200;
        count_unit: parse_count("12家").unwrap() => 12;
        count_space_unit: parse_count("300 人").unwrap() => 300;
        count_wan: parse_count("1万").unwrap() => 10000;
        count_wan_frac: parse_count("1.05万人").unwrap() => 10500;
        count_max: parse_count("4294967295").unwrap() => u32::MAX;
        yes_cn: parse_yes_no("是").unwrap() => true;
        yes_case: parse_yes_no("YES").unwrap() => true;
        yes_check: parse_yes_no("✓").unwrap() => true;
        yes_one: parse_yes_no("1").unwrap() => true;
        no_cn: parse_yes_no("否").unwrap() => false;
        no_wu: parse_yes_no("无").unwrap() => false;
        no_cross: parse_yes_no("×").unwrap() => false;
        no_full_width_zero: parse_yes_no("０").unwrap() => false;
        missing_empty: is_missing("  ") => true;
        missing_dash: is_missing("—") => true;
        missing_double_dash: is_missing("--") => true;
        missing_slash: is_missing("/") => true;
        missing_na: is_missing("n/a") => true;
        missing_na2: is_missing("NA") => true;
        missing_cn: is_missing("无数据") => true;
        zero_not_missing: is_missing("0") => false;
        fou_not_missing: is_missing("否") => false;
        normalize_borrows: matches!(normalize(" 20亿 "), Cow::Borrowed("20亿")) => true;
        normalize_folds: normalize("－１，２００．５％").as_ref() => "-1,200.5%";
    }

    rejects! {
        money_negative: parse_money("-5亿", Yuan), "负数";
        money_negative_dash: parse_money("—5亿", Yuan), "负数";
        money_empty: parse_money("", Yuan), "空值";
        money_missing: parse_money("N/A", Yuan), "缺失";
        money_percent: parse_money("30%", Yuan), "应为金额，却是百分比";
        money_about: parse_money("约20亿", Yuan), "约数";
        money_around: parse_money("20亿左右", Yuan), "约数";
        money_over_yu: parse_money("20余亿", Yuan), "约数";
        money_nearly: parse_money("近2亿", Yuan), "约数";
        money_exceeds: parse_money("超过20亿", Yuan), "约数";
        money_above: parse_money("20亿以上", Yuan), "约数";
        money_plus_after: parse_money("20亿+", Yuan), "约数";
        money_qian: parse_money("20千元", Yuan), "不认识的金额单位 `千元`";
        money_usd: parse_money("20美元", Yuan), "不认识的金额单位 `美元`";
        money_garbage: parse_money("abc", Yuan), "应为金额（如 `20亿元` 或 `5000万元`），却是 `abc`";
        money_two_numbers: parse_money("20亿3000万", Yuan), "几个数字";
        money_range: parse_money("20-30亿", Yuan), "几个数字";
        money_bad_group: parse_money("1,2000", Yuan), "每三位一组";
        money_bad_group_first: parse_money("1234,567", Yuan), "每三位一组";
        money_scientific: parse_money("1.2E+09", Yuan), "科学记数法";
        money_two_points: parse_money("1.2.3亿", Yuan), "小数点";
        money_lone_point: parse_money(".5亿", Yuan), "前后都要有数字";
        money_too_many_digits: parse_money("99999999999999999999999999999亿", Yuan), "超过 28 位";
        money_overflow: parse_money("9999999999999999999999999999亿", Yuan), "太大";
        money_too_precise: parse_money("0.00000000000000000000000000001元", Yuan), "超过 28 位";
        pct_money: parse_percent("35亿"), "却是金额";
        pct_negative: parse_percent("-5%"), "负数";
        pct_over: parse_percent("120%"), "比例不能超过 100%";
        pct_about: parse_percent("约35%"), "约数";
        pct_garbage: parse_percent("abc"), "应为百分比";
        pct_two: parse_percent("35%40%"), "几个数字";
        count_fraction: parse_count("12.5"), "计数必须是整数";
        count_point_zero: parse_count("12.0"), "整数";
        count_wan_fraction: parse_count("1.00005万"), "整数";
        count_negative: parse_count("-3家"), "负数";
        count_about: parse_count("约10家"), "约数";
        count_around: parse_count("10家左右"), "约数";
        count_yu: parse_count("10余家"), "约数";
        count_plus: parse_count("10+"), "约数";
        count_wan_plus: parse_count("1万+"), "约数";
        count_overflow: parse_count("4294967296"), "太大";
        count_wan_overflow: parse_count("500000万"), "太大";
        count_money: parse_count("12万元"), "却是金额";
        count_unknown_unit: parse_count("12只"), "不认识的计数单位";
        yes_no_garbage: parse_yes_no("maybe"), "应为是或否";
        yes_no_missing: parse_yes_no("无数据"), "缺失";
    }

    #[test]
    fn messages_follow_conventions() {
        for text in [
            "abc",
            "-5亿",
            "约20亿",
            "1,2000",
            "20千元",
            "30%",
            "20亿3万",
            "",
        ] {
            // Messages are Chinese by default (this test binary never sets a language).
            let e = parse_money(text, Yuan).unwrap_err();
            let outside: String = e.message.split('`').step_by(2).collect();
            assert!(!e.message.ends_with(['.', '。']), "{}", e.message);
            assert!(
                outside
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}",
                e.message
            );
            assert!(e.help.is_some(), "{}", e.message);
        }
    }

    #[test]
    fn yes_no_help_lists_spellings() {
        let help = parse_yes_no("maybe").unwrap_err().help.unwrap();
        assert!(help.contains("`是`/`否`") && help.contains("`✓`/`✗`"));
    }

    #[test]
    fn measure_words_of_one_kind_are_synonyms() {
        assert!(same_measure_kind("家", "户") && same_measure_kind("户", "个"));
        assert!(same_measure_kind("人", "名") && same_measure_kind("项", "个"));
        assert!(!same_measure_kind("户", "人") && !same_measure_kind("个", "人"));
        assert!(!same_measure_kind("家", "项"));
        assert_eq!(parse_count_of("12家", Some("户")), Ok(12));
        assert_eq!(parse_count_of("1.2万名", Some("人")), Ok(12_000));
        assert_eq!(parse_count_of("12", Some("人")), Ok(12));
        let e = parse_count_of("2000户", Some("人")).unwrap_err();
        assert_eq!(
            e.message,
            "`户` 用来计企业，而这里计的是人（`人`）：`2000户`"
        );
        assert_eq!(e.help.as_deref(), Some("如果计的是人，请写 `2000人`"));
        assert_eq!(parse_count("2000户"), Ok(2000));
    }
}
