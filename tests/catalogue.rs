//! The message catalogue (`src/i18n/`): both languages say the same things.
//!
//! - every key is in both languages, with the same placeholders;
//! - every diagnostic code has its messages in both (a section named after the code);
//! - every key the source uses (`t!("…")`) exists, and every key is used;
//! - a Chinese message is Chinese (it has a CJK character), an English one is not.

use std::collections::BTreeSet;

use townrules::diag::Code;
use townrules::i18n::{catalogue, placeholders, Lang};

fn keys(lang: Lang) -> BTreeSet<&'static str> {
    catalogue(lang).keys().map(String::as_str).collect()
}

#[test]
fn every_file_parses() {
    for (area, zh, en) in townrules::i18n::FILES {
        for (lang, text) in [("zh", zh), ("en", en)] {
            if let Err(e) = text.parse::<toml::Table>() {
                panic!("src/i18n/{lang}/{area}.toml: {e}");
            }
        }
    }
}

#[test]
fn both_languages_have_the_same_keys_and_placeholders() {
    let (zh, en) = (keys(Lang::Zh), keys(Lang::En));
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(only_zh.is_empty(), "only in Chinese: {only_zh:?}");
    assert!(only_en.is_empty(), "only in English: {only_en:?}");
    for k in &zh {
        let mut a = placeholders(&catalogue(Lang::Zh)[*k]);
        let mut b = placeholders(&catalogue(Lang::En)[*k]);
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "placeholders of `{k}` differ between the languages");
    }
}

#[test]
fn every_code_has_messages_in_both_languages() {
    for code in Code::ALL {
        let section = code.as_str().trim_start_matches("townrules::");
        for lang in [Lang::Zh, Lang::En] {
            let n = catalogue(lang)
                .keys()
                .filter(|k| k.starts_with(&format!("{section}.")))
                .count();
            assert!(n > 0, "`{}` has no message in {lang:?}", code.as_str());
        }
    }
}

/// Every `t!("key"` in src/.
fn used_keys() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                // `t!("key"`, also with the key on the next line (as rustfmt breaks it).
                for (i, _) in text.match_indices("t!(") {
                    // `t!(`, not `format!(` or `print!(`.
                    let before = text[..i].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let Some(rest) = text[i + 3..].trim_start().strip_prefix('"') else {
                        continue;
                    };
                    if let Some(end) = rest.find('"') {
                        out.insert(rest[..end].to_string());
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_used_key_exists_and_every_key_is_used() {
    let used = used_keys();
    let known: BTreeSet<String> = keys(Lang::En).into_iter().map(str::to_string).collect();
    let missing: Vec<_> = used.difference(&known).collect();
    assert!(
        missing.is_empty(),
        "used but not in the catalogue: {missing:?}"
    );
    let unused: Vec<_> = known.difference(&used).collect();
    assert!(
        unused.is_empty(),
        "in the catalogue but never used: {unused:?}"
    );
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn chinese_messages_are_chinese() {
    let untranslated: Vec<_> = catalogue(Lang::Zh)
        .iter()
        .filter(|(_, v)| !has_cjk(v) && v.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|(k, v)| catalogue(Lang::En).get(*k) == Some(v))
        .map(|(k, _)| k.as_str())
        .collect();
    assert!(untranslated.is_empty(), "not translated: {untranslated:?}");
}
