//! A JSON syntax error in the language of messages: `serde_json` words its errors in
//! English (`key must be a string at line 2 column 62`); each of its errors, and the
//! "invalid type" errors of our own readers, is said from the catalogue instead
//! (`第2行第62列，键必须是带双引号的字符串`). Wording we do not know stays as the
//! library gave it, cut short ([`crate::i18n::quote`]).

use crate::t;

/// What is wrong, with the line and column when the error has them.
pub(super) fn syntax_error(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    let what = match full.strip_suffix(&at) {
        Some(what) if e.line() > 0 => what,
        _ => return reason(&full),
    };
    t!(
        "data.json.at",
        line = e.line(),
        column = e.column(),
        reason = reason(what)
    )
}

/// One error's wording, without its position.
fn reason(what: &str) -> String {
    if let Some(rest) = what.strip_prefix("invalid type: ") {
        return invalid_type(rest).unwrap_or_else(|| other(what));
    }
    match what {
        "EOF while parsing a list" => t!("data.json.reason.eof_list"),
        "EOF while parsing an object" => t!("data.json.reason.eof_object"),
        "EOF while parsing a string" => t!("data.json.reason.eof_string"),
        "EOF while parsing a value" => t!("data.json.reason.eof_value"),
        "expected `:`" => t!("data.json.reason.expected_colon"),
        "expected `,` or `]`" => t!("data.json.reason.expected_list_comma"),
        "expected `,` or `}`" => t!("data.json.reason.expected_object_comma"),
        "expected ident" | "expected value" => t!("data.json.reason.expected_value"),
        "expected `\"`" => t!("data.json.reason.expected_quote"),
        "invalid escape" | "unexpected end of hex escape" => t!("data.json.reason.escape"),
        "lone leading surrogate in hex escape" | "invalid unicode code point" => {
            t!("data.json.reason.code_point")
        }
        "invalid number" | "number out of range" => t!("data.json.reason.number"),
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            t!("data.json.reason.control")
        }
        "key must be a string" => t!("data.json.reason.key_string"),
        "trailing comma" => t!("data.json.reason.trailing_comma"),
        "trailing characters" => t!("data.json.reason.trailing_characters"),
        "recursion limit exceeded" => t!("data.json.reason.too_deep"),
        _ => other(what),
    }
}

/// Wording we do not know: the library's, cut short.
fn other(what: &str) -> String {
    t!("data.json.reason.other", text = crate::i18n::quote(what))
}

/// `string "abc", expected an array of town objects`: what was found, and what our
/// reader expected there.
fn invalid_type(rest: &str) -> Option<String> {
    let (found, expected) = rest.rsplit_once(", expected ")?;
    let expected = match expected {
        "an array of town objects" => t!("data.json.expected.towns"),
        "an array of town objects, or an object with a key \"towns\"" => {
            t!("data.json.expected.top")
        }
        "an object of facts" => t!("data.json.expected.facts"),
        "a string" => t!("data.json.expected.string"),
        _ => return None,
    };
    Some(t!(
        "data.json.reason.invalid_type",
        expected = expected,
        found = found_kind(found)
    ))
}

/// serde's name of a value (`string "abc"`, `integer `5``, `map`), in the language of
/// messages, the value itself kept.
fn found_kind(found: &str) -> String {
    let value = |rest: &str| crate::i18n::quote(rest.trim_matches('`')).into_owned();
    if let Some(v) = found.strip_prefix("string ") {
        return t!("data.json.kind.string", value = value(v));
    }
    let number = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "));
    if let Some(v) = number {
        return t!("data.json.kind.number", value = value(v));
    }
    if let Some(v) = found.strip_prefix("boolean ") {
        return t!("data.json.kind.boolean", value = value(v));
    }
    match found {
        "map" => t!("data.json.kind.object"),
        "sequence" => t!("data.json.kind.array"),
        "null" | "unit value" => t!("data.json.kind.null"),
        other => crate::i18n::quote(other).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> serde_json::Error {
        serde_json::from_str::<serde_json::Value>(text).expect_err("an error")
    }

    #[test]
    fn every_syntax_error_is_said_in_chinese_with_its_position() {
        // The library's unit tests run in the default language, Chinese.
        let cases = [
            (
                "[1, 2",
                "第1行第5列，列表还没有结束（缺少 `]`）文件就结束了",
            ),
            ("{\"a\" 1}", "第1行第6列，此处应为冒号 `:`"),
            ("{1: 2}", "第1行第2列，键必须是带双引号的字符串"),
            ("[1] x", "第1行第5列，数据结束之后还有多余的字符"),
            ("[1,]", "第1行第4列，列表或对象的最后一项之后多了一个逗号"),
            ("\"\\q\"", "第1行第3列，字符串中的转义写法无效"),
        ];
        for (text, want) in cases {
            let got = syntax_error(&error_of(text));
            assert_eq!(got, want, "{text}");
        }
    }
}
