//! Fast paths for the commonest cell spellings (`20亿元`, `35%`, `12`, `是`).
//!
//! Each accepts only plain ASCII digits with an optional fraction and one exact
//! unit suffix, a strict subset of what [`crate::units`] accepts, and gives the
//! very same value; anything else returns `None` and goes to the general parser
//! (which also produces the error messages). The tests below check agreement.

use rust_decimal::Decimal;

use crate::units::MoneyUnit;

/// Splits `digits[.digits]` (at most 18 digits, no sign or separators) off the
/// front of `t`, with its value.
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
pub(super) fn money(t: &str, bare: MoneyUnit) -> Option<Decimal> {
    let (value, _, rest) = number(t)?;
    let unit = if rest.is_empty() {
        bare
    } else {
        MoneyUnit::from_suffix(rest)?
    };
    Some(value.checked_mul(unit.factor())?.normalize())
}

/// Percentage points for `35`, `35%`, `12.5%`.
pub(super) fn percent(t: &str) -> Option<Decimal> {
    let (value, _, rest) = number(t)?;
    (rest.is_empty() || rest == "%").then_some(())?;
    (value <= Decimal::ONE_HUNDRED).then(|| value.normalize())
}

/// A count such as `12` or `12家`.
pub(super) fn count(t: &str) -> Option<u32> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let (tok, rest) = t.split_at(digits);
    if !(rest.is_empty() || ["家", "户", "个", "人", "项", "名", "座"].contains(&rest)) {
        return None;
    }
    tok.parse().ok()
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
    t.len() <= 9 && crate::units::is_missing(t)
}

/// Yes/no for `是`, `否`, `1`, `0`.
pub(super) fn yes_no(t: &str) -> Option<bool> {
    match t {
        "是" | "1" => Some(true),
        "否" | "0" => Some(false),
        _ => None,
    }
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
            if let Some(v) = count(c) {
                assert_eq!(Ok(v), parse_count(c), "count `{c}`");
            }
            if let Some(v) = yes_no(c) {
                assert_eq!(Ok(v), parse_yes_no(c), "yes/no `{c}`");
            }
        }
        assert_eq!(
            money("20亿元", MoneyUnit::Yuan),
            Some(Decimal::from(2_000_000_000u32))
        );
        assert_eq!(percent("35%"), Some(Decimal::from(35)));
        assert_eq!(count("12家"), Some(12));
        assert_eq!(count("4294967296"), None);
        for t in ["无数据", "—", "——", "－", "N/A", "na", "/", "--", "-"] {
            assert!(is_missing(t), "{t}");
        }
        assert_eq!(trim(" a "), "a");
        assert_eq!(trim("\u{3000}a"), "a");
        assert_eq!(trim("ab"), "ab");
    }
}
