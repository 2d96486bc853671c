//! How `save` records a what-if value in the rule file: a `what_if "由 OLD 改为 NEW（日期
//! REPL 保存）"` attribute in the value's `{ … }` block (see [`super::save`]), and the
//! notes and quotations of the file that mention the value it replaced.

use crate::check::{Const, Kind, ParamInfo};
use crate::syntax::ast::{Attr, AttrValue, File, Item, Span};
use crate::units;

/// The attribute's name.
pub const WHAT_IF: &str = "what_if";

/// Today's date from the system clock, `YYYY-MM-DD` (UTC: the standard library knows no
/// time zone).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of day `z` after 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// The attribute's text: `由 10户 改为 8户（2026-12-01 REPL 保存）`.
pub fn text(old: &str, new: &str, date: &str) -> String {
    format!("由 {old} 改为 {new}（{date} REPL 保存）")
}

/// The attribute as written in a rule file, quoted and escaped.
pub fn attribute(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{WHAT_IF} \"{escaped}\"")
}

/// The original value of an earlier save's `what_if` text (`由 10户 改为 8户（…）` → `10户`).
pub fn original(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("由 ")?;
    let (old, _) = rest.split_once(" 改为 ")?;
    Some(old.trim()).filter(|s| !s.is_empty())
}

/// Whether the literal `written` (as a what-if text records it) is `value` for `p`.
pub fn same_value(p: &ParamInfo, written: &str, value: Const, shown: &str) -> bool {
    if written == shown {
        return true;
    }
    let parsed = match p.kind {
        Kind::Money => units::parse_money(written, units::MoneyUnit::Yi)
            .ok()
            .map(|(d, _)| d),
        Kind::Percent => units::parse_percentage(written).ok(),
        Kind::Count => units::parse_count(written).ok().map(Into::into),
        Kind::Number => written.parse().ok(),
        Kind::Bool | Kind::Category(_) | Kind::Text => None,
        Kind::Ratio | Kind::Points | Kind::PerUnit => None,
    };
    matches!((parsed, value), (Some(a), Const::Num(b)) if a == b)
}

/// The `{ … }` block after `from` (white space and comments skipped): the offset of its
/// `{`, or `None` when the declaration has no block.
pub fn block_open(text: &str, from: usize) -> Option<usize> {
    let at = skip_blank(text, from);
    (text.get(at..)?.starts_with('{')).then_some(at)
}

/// The offset of the first byte at or after `from` that is neither white space nor in a
/// comment (`#` or `//` to the end of the line).
pub fn skip_blank(text: &str, from: usize) -> usize {
    let mut at = from;
    loop {
        let rest = text.get(at..).unwrap_or("");
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.starts_with('#') || trimmed.starts_with("//") {
            at += trimmed.find('\n').unwrap_or(trimmed.len());
        } else {
            return at;
        }
    }
}

/// The declaration whose value literal (or, for a draft parameter, name) is at `span`:
/// its attributes.
pub fn owner_attrs(file: &File, span: Span) -> Option<&[Attr]> {
    file.items.iter().find_map(|it| match &it.node {
        Item::Param(d) if d.value.as_ref().map(|v| v.span) == Some(span) || d.name.span == span => {
            Some(d.attrs.as_slice())
        }
        Item::Table(t) => t
            .entries
            .iter()
            .find(|e| e.value.span == span)
            .map(|e| e.attrs.as_slice()),
        Item::Override(o) if o.value.span == span => Some(o.attrs.as_slice()),
        _ => None,
    })
}

/// The text of a text attribute.
pub fn attr_text(a: &Attr) -> Option<&str> {
    match &a.value.node {
        AttrValue::Text(t) => Some(t),
        _ => None,
    }
}

/// Every `note` and `quote` attribute of a file, with its offset, in file order.
pub fn notes_and_quotes(file: &File) -> Vec<(&'static str, usize, &str)> {
    let mut out = Vec::new();
    for a in file.attr_blocks().into_iter().flatten() {
        let what = match a.key.node.as_str() {
            "quote" => "引文（quote，文件原话）",
            "note" => "说明（note）",
            _ => continue,
        };
        if let Some(t) = attr_text(a) {
            out.push((what, a.key.span.start, t));
        }
    }
    out.sort_by_key(|x| x.1);
    out
}

/// Measure words of counts, in the order they are tried.
const MEASURES: &[&str] = &["家", "户", "个", "人", "名", "项", "座"];

/// The ways a text may write the value `written` (a literal as in a rule file): as
/// written, money without the final 元 (`20亿` for `20亿元`), a percentage in either
/// width, a count with any measure word of the same kind (`10家` for `10户`).
pub fn spellings(written: &str) -> Vec<String> {
    let mut out = vec![written.to_string()];
    let mut add = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    if let Some(m) = written
        .strip_suffix('元')
        .filter(|m| m.ends_with(['万', '亿']))
    {
        add(m.to_string());
    }
    if let Some(n) = written.strip_suffix('%') {
        add(format!("{n}％"));
    }
    if let Some(n) = written.strip_suffix('％') {
        add(format!("{n}%"));
    }
    let measure = written.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    let number = &written[..written.len() - measure.len()];
    if !number.is_empty() && MEASURES.contains(&measure) {
        for m in MEASURES {
            if units::same_measure_kind(measure, m) {
                add(format!("{number}{m}"));
            }
        }
    }
    out
}

/// Whether `text` mentions `needle` as a whole number (`10户` is not in `110户`).
pub fn mentions(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(i, _)| {
        !text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_722), (2023, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_788), (2026, 12, 1));
    }

    #[test]
    fn original_values_and_spellings() {
        assert_eq!(
            original("由 10户 改为 8户（2026-12-01 REPL 保存）"),
            Some("10户")
        );
        assert_eq!(original("改为 8户"), None);
        assert!(spellings("10户").contains(&"10家".to_string()));
        assert!(!spellings("10户").contains(&"10人".to_string()));
        assert!(spellings("8亿元").contains(&"8亿".to_string()));
        assert!(mentions("拟将…下调至8亿元", "8亿"));
        assert!(!mentions("达到18亿元", "8亿"));
        assert!(!mentions("1.8亿元", "8亿"));
    }
}
