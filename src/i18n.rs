//! The message catalogue: every sentence the program says to a person about what went
//! wrong or what to do (errors, warnings, help lines, `--help`, REPL messages) comes
//! from here, in Chinese by default and in English on request.
//!
//! The catalogue is one TOML file per area and language under `src/i18n/zh/` and
//! `src/i18n/en/`, compiled into the program. A message is named by its section — the
//! diagnostic code without `townrules::` (`unknown_name`), or the command or phase that
//! prints it (`repl`, `data`, `cli`) — and a key within it: `unknown_name.fact`.
//! Placeholders are written `{name}` (`{{` and `}}` for a literal brace) and filled by
//! [`t!`](crate::t) with named arguments:
//!
//! ```
//! use townrules::i18n::{self, Lang};
//! i18n::set_lang(Lang::En);
//! let m = townrules::t!("cli.lang.unknown", lang = "fr");
//! assert!(m.contains("`fr`"));
//! ```
//!
//! Reports (verdicts, explanations, tables) are not messages: they are always Chinese,
//! the language of the documents they explain. `tests/catalogue.rs` checks that both
//! languages have the same keys with the same placeholders, that every diagnostic code
//! has its messages in both, and that every key the source uses exists.

use std::collections::HashMap;
use std::fmt::{Display, Write};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Chinese (简体中文), the default.
    Zh,
    /// English: `--lang en`, or an English `LANG`/`LC_ALL`/`LC_MESSAGES`.
    En,
}

impl Lang {
    /// The language named `name` (`zh`, `zh-CN`, `zh_CN.UTF-8`, `en`, `en_US.UTF-8` …).
    pub fn parse(name: &str) -> Option<Lang> {
        let lower = name.trim().to_ascii_lowercase();
        if lower.starts_with("zh") || lower == "中文" {
            Some(Lang::Zh)
        } else if lower.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language the environment asks for: `TOWNRULES_LANG`, then the first of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG` that is set; Chinese unless one says English
    /// (`C`, `POSIX` and unknown locales keep Chinese).
    pub fn from_env() -> Lang {
        for var in ["TOWNRULES_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => return Lang::parse(&v).unwrap_or(Lang::Zh),
                _ => {}
            }
        }
        Lang::Zh
    }
}

/// The current language, as `Lang as u8`.
static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Set the language of every message from now on (the command line does it once, first).
pub fn set_lang(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// The language of messages now.
pub fn lang() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::En,
        _ => Lang::Zh,
    }
}

/// The catalogue files: (area, Chinese text, English text). An area is one file per
/// language; areas may not share keys.
pub const FILES: &[(&str, &str, &str)] = &[
    (
        "cli",
        include_str!("i18n/zh/cli.toml"),
        include_str!("i18n/en/cli.toml"),
    ),
    (
        "app",
        include_str!("i18n/zh/app.toml"),
        include_str!("i18n/en/app.toml"),
    ),
    (
        "repl",
        include_str!("i18n/zh/repl.toml"),
        include_str!("i18n/en/repl.toml"),
    ),
    (
        "data",
        include_str!("i18n/zh/data.toml"),
        include_str!("i18n/en/data.toml"),
    ),
    (
        "rules",
        include_str!("i18n/zh/rules.toml"),
        include_str!("i18n/en/rules.toml"),
    ),
    (
        "xlsx",
        include_str!("i18n/zh/xlsx.toml"),
        include_str!("i18n/en/xlsx.toml"),
    ),
];

/// The messages of `lang`, flattened to `section.key` → template.
pub fn catalogue(lang: Lang) -> &'static HashMap<String, String> {
    static ZH: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    let cell = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    cell.get_or_init(|| {
        let mut map = HashMap::new();
        for f in FILES {
            // The files are compiled in and parsed by a test: a broken one is a build bug.
            let text = match lang {
                Lang::Zh => f.1,
                Lang::En => f.2,
            };
            if let Ok(table) = text.parse::<toml::Table>() {
                flatten("", &table, &mut map);
            }
        }
        map
    })
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Integer(_)
            | toml::Value::Float(_)
            | toml::Value::Boolean(_)
            | toml::Value::Datetime(_)
            | toml::Value::Array(_) => {}
        }
    }
}

/// The message `key` in the current language with its placeholders filled from `args`.
/// A key missing from the current language falls back to the other one, then to the
/// key itself (the catalogue test makes both impossible).
pub fn text(key: &str, args: &[(&str, &dyn Display)]) -> String {
    let current = lang();
    let other = match current {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    match catalogue(current)
        .get(key)
        .or_else(|| catalogue(other).get(key))
    {
        Some(template) => fill(template, args),
        None => key.to_string(),
    }
}

/// `template` with each `{name}` replaced by its argument; `{{`/`}}` are braces.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if let (true, Some(end)) = (tail.starts_with('{'), tail.find('}')) {
            let name = &tail[1..end];
            if let Some((_, v)) = args.iter().find(|(n, _)| *n == name) {
                let _ = write!(out, "{v}");
                rest = &tail[end + 1..];
                continue;
            }
        }
        out.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// The placeholders of `template`, in order of first appearance.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            rest = &tail[2..];
            continue;
        }
        match (tail.starts_with('{'), tail.find('}')) {
            (true, Some(end)) => {
                if !names.contains(&&tail[1..end]) {
                    names.push(&tail[1..end]);
                }
                rest = &tail[end + 1..];
            }
            _ => rest = &tail[1..],
        }
    }
    names
}

/// The most characters of one piece of user input (a cell, a header, a name) that a
/// message quotes; see [`quote`].
pub const QUOTE_CHARS: usize = 80;

/// User input as a message quotes it: the text itself when it has at most
/// [`QUOTE_CHARS`] characters, else its first [`QUOTE_CHARS`] characters, `…` and how
/// long the whole was (`xxxx…（共 2000000 个字符）`), so that a huge cell or header never
/// makes a huge message.
pub fn quote(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(QUOTE_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => {
            let n = text.chars().count();
            let head = text.get(..cut).unwrap_or_default();
            std::borrow::Cow::Owned(format!("{head}…{}", crate::t!("data.quote.long", n = n)))
        }
    }
}

/// A message of the catalogue in the current language, named by its key:
/// `t!(KEY)` or `t!(KEY, name = value, …)` with every placeholder of the message named.
#[macro_export]
macro_rules! t {
    ($key:literal) => {
        $crate::i18n::text($key, &[])
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text(
            $key,
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_at_most_80_characters_and_the_length() {
        assert_eq!(quote("甲镇"), "甲镇");
        let long = "镇".repeat(2_000_000);
        let q = quote(&long);
        assert!(q.chars().count() < QUOTE_CHARS + 30, "{q}");
        assert!(q.starts_with(&"镇".repeat(QUOTE_CHARS)));
        assert!(q.contains("2000000"), "{q}");
        assert_eq!(quote(&"x".repeat(QUOTE_CHARS)), "x".repeat(QUOTE_CHARS));
    }

    #[test]
    fn fills_placeholders_and_braces() {
        let n = 3;
        assert_eq!(
            fill("{n} 个 `{{` 与 {x}", &[("n", &n), ("x", &"y")]),
            "3 个 `{` 与 y"
        );
        assert_eq!(fill("{missing}", &[]), "{missing}");
        assert_eq!(placeholders("{a} {{b}} {c} {a}"), vec!["a", "c"]);
    }

    #[test]
    fn languages_from_names() {
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("C.UTF-8"), None);
    }
}
