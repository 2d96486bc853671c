//! A TOML syntax error in the language of messages: `toml_edit` words its errors in
//! English (`invalid basic string`, `duplicate key `id` in table `town``); each of the
//! errors a town data file meets is said from the catalogue instead. Wording we do not
//! know stays as the library gave it, cut short and marked as the parser's.

use crate::t;

/// What is wrong, from the parser's message (its first line says it).
pub(super) fn syntax_error(message: &str) -> String {
    let first = message.lines().next().unwrap_or("").trim();
    if let Some(rest) = first.strip_prefix("duplicate key ") {
        return duplicate(rest).unwrap_or_else(|| other(first));
    }
    match first {
        "" => t!("data.toml.reason.no_value"),
        "expected newline, `#`" => t!("data.toml.reason.newline"),
        "invalid basic string" | "invalid literal string" | "invalid string" => {
            t!("data.toml.reason.string")
        }
        "invalid escape sequence" => t!("data.toml.reason.escape"),
        "invalid table header" => t!("data.toml.reason.table_header"),
        "invalid key" | "invalid unquoted key" => t!("data.toml.reason.key"),
        "invalid array" => t!("data.toml.reason.array"),
        "invalid inline table" => t!("data.toml.reason.inline_table"),
        "invalid date-time" => t!("data.toml.reason.date_time"),
        "invalid integer" | "invalid floating-point number" | "invalid float" => {
            t!("data.toml.reason.number")
        }
        _ => other(first),
    }
}

/// `` `id` in table `town` `` or `` `id` in document root ``.
fn duplicate(rest: &str) -> Option<String> {
    let key = rest.strip_prefix('`')?.split('`').next()?;
    let key = crate::i18n::quote(key);
    if rest.ends_with("in document root") {
        return Some(t!("data.toml.reason.duplicate_root", key = key));
    }
    let table = rest.rsplit_once("in table `")?.1.strip_suffix('`')?;
    Some(t!(
        "data.toml.reason.duplicate",
        key = key,
        table = crate::i18n::quote(table)
    ))
}

/// Wording we do not know: the parser's, cut short.
fn other(message: &str) -> String {
    t!("data.toml.reason.other", text = crate::i18n::quote(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message_of(text: &str) -> String {
        let e = toml_edit::ImDocument::parse(text).expect_err("an error");
        syntax_error(e.message())
    }

    #[test]
    fn the_errors_of_town_data_are_said_in_chinese() {
        // The library's unit tests run in the default language, Chinese.
        let cases = [
            ("[[town]]\nid = \"a\" x", "一行只能写一个键值"),
            ("[[town]]\nid = \"a\n", "字符串无效"),
            (
                "[[town]]\nid = \"a\"\nid = \"b\"",
                "表 `town` 中的键 `id` 重复",
            ),
            ("[[town]\nid = \"a\"", "表头无效"),
            ("[[town]]\nid = [1, 2", "数组无效"),
            ("[[town]]\nid = 1979-05-99", "日期时间无效"),
            ("id = 1\nid = 2", "文件顶层的键 `id` 重复"),
        ];
        for (text, want) in cases {
            let got = message_of(text);
            assert!(got.contains(want), "{text:?}: {got}");
            assert!(
                !got.contains("invalid") && !got.contains("expected"),
                "{got}"
            );
        }
    }
}
