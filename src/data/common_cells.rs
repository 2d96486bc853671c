//! Fast paths for the commonest cell spellings (`20亿元`, `35%`, `12`, `是`).
//!
//! Each accepts only plain ASCII digits with an optional fraction and one exact
//! unit suffix, a strict subset of what [`crate::units`] accepts, and gives the
//! very same value; anything else returns `None` and goes to the general parser
//! (which also produces the error messages). The tests below check agreement.

#[cfg(test)]
use rust_decimal::Decimal;

use crate::units::MoneyUnit;

/// Splits `digits[.digits]` (at most 18 digits, no sign or separators) off the
/// front of `t`, with its value.
#[cfg(test)]
fn number(t: &str) -> Option<(Decimal, bool, &str)> {
    let b = t.as_bytes();
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int == 0 {
        return None;
    }
    let (end, point) = match b.get(int) {
        Some(b'.') => {
            let frac = b[int + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if frac == 0 {
                return None;
            }
            (int + 1 + frac, true)
        }
        _ => (int, false),
    };
    if end - usize::from(point) > 18 {
        return None;
    }
    let (tok, rest) = t.split_at(end);
    let value = if point {
        Decimal::from_str_exact(tok).ok()?
    } else {
        Decimal::from(tok.parse::<u64>().ok()?)
    };
    Some((value, point, rest))
}

/// Money in 元 for `12.5亿元`, `5000万`, `20` (in `bare`) and the like.
#[cfg(test)]
pub(super) fn money(t: &str, bare: MoneyUnit) -> Option<Decimal> {
    let (value, _, rest) = number(t)?;
    let unit = if rest.is_empty() {
        bare
    } else {
        MoneyUnit::from_suffix(rest)?
    };
    Some(value.checked_mul(unit.factor())?.normalize())
}

/// Splits `digits[.digits]` (at most 18 digits, no sign or separators) off the
/// front of `t`: the digits as an integer, the number of fraction digits, the rest.
#[inline]
fn number_scaled(b: &[u8]) -> Option<(u64, u32, &[u8])> {
    let mut m: u64 = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        m = m.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
        i += 1;
    }
    let int = i;
    if int == 0 {
        return None;
    }
    let mut frac = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            m = m.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            i += 1;
            frac += 1;
        }
        if frac == 0 {
            return None;
        }
    }
    if int + frac as usize > 18 {
        return None;
    }
    Some((m, frac, b.get(i..)?))
}

/// `m / 10^scale` with the trailing zeros of the fraction removed.
#[inline]
fn normalized(mut m: u64, mut scale: u32) -> (u64, u32) {
    while scale > 0 && m.is_multiple_of(10) {
        m /= 10;
        scale -= 1;
    }
    (m, scale)
}

/// The largest magnitude a scaled value may have (see [`super::SCALED_LIMIT`]).
const LIMIT: u64 = super::SCALED_LIMIT as u64;

/// Money in 元 as a normalized integer and scale (`19.87亿元` → (1987000000, 0),
/// `0.123456789亿` → (123456789, 1)) for the spellings [`money`] reads; `None` for any
/// other text or a value beyond 2^62 at its scale.
#[inline]
pub(super) fn money_scaled(t: &[u8], bare: MoneyUnit) -> Option<(i64, u32)> {
    let (m, frac, rest) = number_scaled(t)?;
    let unit = match rest {
        [] => bare,
        _ if rest == "亿元".as_bytes() || rest == "亿".as_bytes() => MoneyUnit::Yi,
        _ if rest == "万元".as_bytes() || rest == "万".as_bytes() => MoneyUnit::Wan,
        _ if rest == "元".as_bytes() => MoneyUnit::Yuan,
        _ => return None,
    };
    let e = match unit {
        MoneyUnit::Yuan => 0,
        MoneyUnit::Wan => 4,
        MoneyUnit::Yi => 8,
    };
    let (m, scale) = if e >= frac {
        let v = u128::from(m) * 10u128.pow(e - frac);
        (u64::try_from(v).ok()?, 0)
    } else {
        (m, frac - e)
    };
    let (m, scale) = normalized(m, scale);
    (m <= LIMIT).then_some((m as i64, scale))
}

/// Percentage points as a normalized integer and scale (`26.8%` → (268, 1)) for the
/// spellings [`percent`] reads.
#[inline]
pub(super) fn percent_scaled(t: &[u8]) -> Option<(i64, u32)> {
    let (m, frac, rest) = number_scaled(t)?;
    (rest.is_empty() || rest == b"%").then_some(())?;
    (u128::from(m) <= 100 * 10u128.pow(frac)).then_some(())?;
    let (m, scale) = normalized(m, frac);
    Some((m as i64, scale))
}

/// Percentage points for `35`, `35%`, `12.5%`.
#[cfg(test)]
pub(super) fn percent(t: &str) -> Option<Decimal> {
    let (value, _, rest) = number(t)?;
    (rest.is_empty() || rest == "%").then_some(())?;
    (value <= Decimal::ONE_HUNDRED).then(|| value.normalize())
}

/// A count such as `12` or `12家`.
#[inline]
/// A plain count such as `12` or `12家`; `None` when it needs the full parser, which
/// also refuses a measure word of another kind than `measure`.
pub(super) fn count(t: &[u8], measure: Option<&str>) -> Option<u32> {
    let mut v: u32 = 0;
    let mut digits = 0;
    for &c in t {
        if !c.is_ascii_digit() {
            break;
        }
        digits += 1;
        if digits > 9 {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    if digits == 0 {
        return None;
    }
    let rest = &t[digits..];
    const UNITS: [&str; 7] = ["家", "户", "个", "人", "项", "名", "座"];
    let fits = |u: &str| measure.is_none_or(|m| crate::units::same_measure_kind(u, m));
    (rest.is_empty() || UNITS.iter().any(|u| u.as_bytes() == rest && fits(u))).then_some(v)
}

/// `t` without surrounding whitespace; quick when there is none.
pub(super) fn trim(t: &str) -> &str {
    let b = t.as_bytes();
    let plain = |c: &u8| c.is_ascii() && !c.is_ascii_whitespace();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) if plain(first) && plain(last) => t,
        _ => t.trim(),
    }
}

/// Whether a trimmed cell is a "no data" marker ([`crate::units::is_missing`]);
/// quick for long texts, which never are.
pub(super) fn is_missing(t: &str) -> bool {
    // Every spelling of a marker (`无数据`, `——`, `－`, `N/A` …) is at most 9
    // bytes long once surrounding whitespace is trimmed.
    t.len() <= 9 && may_be_missing(t) && crate::units::is_missing(t)
}

/// Yes/no for `是`, `否`, `1`, `0`, `有`, `无`, `√`, `×`, `✓`, `✗` and, in any ASCII
/// case, `true`, `false`, `yes`, `no`, `y`, `n` (all spellings [`crate::units::parse_yes_no`]
/// accepts, without its normalization of full-width forms).
#[inline]
pub(super) fn yes_no(t: &[u8]) -> Option<bool> {
    let is = |w: &[u8]| t.eq_ignore_ascii_case(w);
    match t.len() {
        1 => match t[0] {
            b'1' | b'y' | b'Y' => Some(true),
            b'0' | b'n' | b'N' => Some(false),
            _ => None,
        },
        2 if is(b"no") => Some(false),
        3 => match t {
            [0xE6, 0x98, 0xAF] => Some(true),  // 是
            [0xE5, 0x90, 0xA6] => Some(false), // 否
            _ if t == "有".as_bytes() || t == "√".as_bytes() || t == "✓".as_bytes() => {
                Some(true)
            }
            _ if t == "无".as_bytes() || t == "✗".as_bytes() => Some(false),
            _ if is(b"yes") => Some(true),
            _ => None,
        },
        2 if t == "×".as_bytes() => Some(false),
        4 if is(b"true") => Some(true),
        5 if is(b"false") => Some(false),
        _ => None,
    }
}

/// Whether a trimmed cell is a "no data" marker, quickly rejecting every text that
/// has a character no marker (before or after [`crate::units::normalize`]) can have.
#[inline]
pub(super) fn may_be_missing(t: &str) -> bool {
    t.chars().all(|c| {
        matches!(
            c,
            '-' | '/'
                | 'n'
                | 'N'
                | 'a'
                | 'A'
                | '无'
                | '数'
                | '据'
                | '－'
                | '—'
                | '–'
                | ' '
                | '\u{3000}'
                | '\u{a0}'
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{parse_count, parse_money, parse_percent, parse_yes_no};

    const CELLS: &[&str] = &[
        "0",
        "00",
        "007",
        "1",
        "12",
        "20",
        "99",
        "100",
        "101",
        "1000",
        "4294967295",
        "4294967296",
        "0.5",
        "0.50",
        "19.99",
        "19.9999999",
        "100.0",
        "100.01",
        "12.",
        ".5",
        "1.2.3",
        "1,200",
        "20亿",
        "20亿元",
        "5000万",
        "5000万元",
        "0.5亿元",
        "1999999990元",
        "20千元",
        "20 亿元",
        "35%",
        "35.5%",
        "120%",
        "35 %",
        "12家",
        "12户",
        "12人",
        "12只",
        "1.05万人",
        "是",
        "否",
        "y",
        "abc",
        "约20亿",
        "20亿左右",
        "-5",
        "+5",
        "999999999999999999",
        "9999999999999999999",
        "999999999999999999亿",
        "１２",
        "1e5",
        "true",
        "TRUE",
        "False",
        "YES",
        "no",
        "N",
        "有",
        "无",
        "√",
        "✗",
        "0.00001亿元",
        "0.123456789亿",
        "12.50",
        "12.50%",
        "100.00%",
        "100.001",
        "4611686018427387904元",
        "4611686018427387903元",
        "46116860184.27387904亿元",
        "Y",
        "n",
        "yes",
        "YeS",
        "×",
        "✓",
        "是 ",
        "-",
        "—",
        "——",
        "－",
        "N/A",
        "n/a",
        "NA",
        "/",
        "--",
        "无数据",
        "无",
        "a",
        "孝义市",
        "",
        "123456789",
        "1234567890",
    ];

    #[test]
    fn fast_paths_agree_with_units() {
        for &c in CELLS {
            for unit in [MoneyUnit::Yuan, MoneyUnit::Wan, MoneyUnit::Yi] {
                if let Some(v) = money(c, unit) {
                    let slow = parse_money(c, unit).map(|(v, _)| v);
                    assert_eq!(Ok(v), slow.clone(), "money `{c}`");
                    assert_eq!(v.to_string(), slow.unwrap().to_string(), "money `{c}`");
                }
            }
            if let Some(v) = percent(c) {
                let slow = parse_percent(c).unwrap();
                assert_eq!(
                    (v, v.to_string()),
                    (slow, slow.to_string()),
                    "percent `{c}`"
                );
            }
            for unit in [MoneyUnit::Yuan, MoneyUnit::Wan, MoneyUnit::Yi] {
                if let Some((m, scale)) = money_scaled(c.as_bytes(), unit) {
                    let slow = parse_money(c, unit).map(|(v, _)| v).unwrap();
                    let v = Decimal::new(m, scale);
                    assert_eq!((v, v.to_string()), (slow, slow.to_string()), "money `{c}`");
                } else if let Some(v) = money(c, unit) {
                    assert!(v.mantissa() > (1 << 62) || v.scale() > 18, "money `{c}`");
                }
            }
            if let Some((m, scale)) = percent_scaled(c.as_bytes()) {
                let slow = parse_percent(c).unwrap();
                let v = Decimal::new(m, scale);
                assert_eq!(
                    (v, v.to_string()),
                    (slow, slow.to_string()),
                    "percent `{c}`"
                );
            } else {
                assert_eq!(percent(c), None, "percent `{c}`");
            }
            assert_eq!(
                is_missing(c),
                c.len() <= 9 && crate::units::is_missing(c),
                "missing `{c}`"
            );
            if let Some(v) = count(c.as_bytes(), None) {
                assert_eq!(Ok(v), parse_count(c), "count `{c}`");
            }
            if let Some(v) = yes_no(c.as_bytes()) {
                assert_eq!(Ok(v), parse_yes_no(c), "yes/no `{c}`");
            }
        }
        assert_eq!(
            money("20亿元", MoneyUnit::Yuan),
            Some(Decimal::from(2_000_000_000u32))
        );
        assert_eq!(percent("35%"), Some(Decimal::from(35)));
        assert_eq!(count("12家".as_bytes(), None), Some(12));
        assert_eq!(count(b"4294967296", None), None);
        for t in ["无数据", "—", "——", "－", "N/A", "na", "/", "--", "-"] {
            assert!(is_missing(t), "{t}");
        }
        assert_eq!(trim(" a "), "a");
        assert_eq!(trim("\u{3000}a"), "a");
        assert_eq!(trim("ab"), "ab");
    }
}
