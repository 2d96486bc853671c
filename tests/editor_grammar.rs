//! The VS Code grammar (editors/vscode/syntaxes/townrules.tmLanguage.json): valid JSON
//! with the expected scopes, every regex accepted by an Oniguruma-compatible engine
//! (fancy-regex: lookbehind, `\p{…}` classes), and every line of every shipped rule
//! file tokenised by the top-level patterns with no unmatched text.

use std::path::Path;

use fancy_regex::Regex;
use serde_json::Value;

fn grammar() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("editors/vscode/syntaxes/townrules.tmLanguage.json");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).expect("the grammar is valid JSON")
}

/// One pattern, with its `include`s resolved.
#[derive(Debug)]
enum Pattern {
    Match {
        re: Regex,
        name: String,
        captures: Vec<(usize, String)>,
    },
    Region {
        begin: Regex,
        end: Regex,
        name: String,
        /// Patterns inside the region (an escaped quote is not the end of a string).
        inner: Vec<Pattern>,
    },
}

fn compile(re: &str) -> Regex {
    Regex::new(re).unwrap_or_else(|e| panic!("regex `{re}` does not compile: {e}"))
}

fn collect(g: &Value, list: &Value, out: &mut Vec<Pattern>) {
    for p in list.as_array().expect("patterns are a list") {
        if let Some(inc) = p["include"].as_str() {
            let key = inc.strip_prefix('#').expect("repository include");
            let rule = &g["repository"][key];
            assert!(rule.is_object(), "include `{inc}` names no repository rule");
            collect(g, &rule["patterns"], out);
            continue;
        }
        let name = p["name"].as_str().unwrap_or_default().to_string();
        if let Some(m) = p["match"].as_str() {
            let captures = p["captures"]
                .as_object()
                .map(|c| {
                    c.iter()
                        .map(|(k, v)| (k.parse().unwrap(), v["name"].as_str().unwrap().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            out.push(Pattern::Match {
                re: compile(m),
                name,
                captures,
            });
        } else {
            let begin = p["begin"].as_str().expect("a pattern has match or begin");
            let end = p["end"].as_str().expect("begin needs end");
            let mut inner = Vec::new();
            if p["patterns"].is_array() {
                collect(g, &p["patterns"], &mut inner);
            }
            out.push(Pattern::Region {
                begin: compile(begin),
                end: compile(end),
                name,
                inner,
            });
        }
    }
}

fn every_regex(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("match" | "begin" | "end" | "while", Value::String(s)) => out.push(s.clone()),
                    _ => every_regex(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| every_regex(v, out)),
        _ => {}
    }
}

/// Tokens of one line: (start, end, scope), captures included; panics on unmatched text.
fn tokenize(patterns: &[Pattern], line: &str) -> Result<Vec<(usize, usize, String)>, String> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while pos < line.len() {
        // The earliest match wins; of two at the same place, the first pattern.
        let mut best: Option<(usize, usize, &Pattern)> = None;
        for p in patterns {
            let re = match p {
                Pattern::Match { re, .. } => re,
                Pattern::Region { begin, .. } => begin,
            };
            if let Some(m) = re.find_from_pos(line, pos).unwrap() {
                if best.is_none_or(|(s, _, _)| m.start() < s) {
                    best = Some((m.start(), m.end(), p));
                }
            }
        }
        let Some((start, mut end, p)) = best else {
            break;
        };
        let gap = &line[pos..start];
        if !gap.trim().is_empty() {
            return Err(format!("unmatched `{gap}`"));
        }
        match p {
            Pattern::Match { re, name, captures } => {
                tokens.push((start, end, name.clone()));
                if let Some(c) = re.captures_from_pos(line, start).unwrap() {
                    for (i, scope) in captures {
                        if let Some(g) = c.get(*i) {
                            tokens.push((g.start(), g.end(), scope.clone()));
                        }
                    }
                }
            }
            Pattern::Region {
                end: re,
                name,
                inner,
                ..
            } => {
                end = region_end(re, inner, line, end);
                tokens.push((start, end, name.clone()));
            }
        }
        if end == start {
            return Err(format!("empty match at {start}"));
        }
        pos = end;
    }
    let rest = &line[pos.min(line.len())..];
    if !rest.trim().is_empty() {
        return Err(format!("unmatched `{rest}`"));
    }
    Ok(tokens)
}

/// Where a region that starts before `pos` ends: the first match of `end` that no
/// inner pattern's match starts before (TextMate's rule), else the end of the line.
fn region_end(end: &Regex, inner: &[Pattern], line: &str, mut pos: usize) -> usize {
    loop {
        let Some(e) = end.find_from_pos(line, pos).unwrap() else {
            return line.len();
        };
        let first_inner = inner
            .iter()
            .filter_map(|p| match p {
                Pattern::Match { re, .. } => re.find_from_pos(line, pos).unwrap(),
                Pattern::Region { .. } => None,
            })
            .filter(|m| m.start() < e.start() && m.end() > m.start())
            .min_by_key(|m| m.start());
        match first_inner {
            Some(m) => pos = m.end(),
            None => return e.end(),
        }
    }
}

fn top_level() -> Vec<Pattern> {
    let g = grammar();
    let mut out = Vec::new();
    collect(&g, &g["patterns"], &mut out);
    out
}

fn scope_of(tokens: &[(usize, usize, String)], line: &str, text: &str) -> Vec<String> {
    let at = line.find(text).unwrap();
    tokens
        .iter()
        .filter(|(s, e, _)| *s == at && *e == at + text.len())
        .map(|t| t.2.clone())
        .collect()
}

#[test]
fn the_grammar_is_json_with_the_expected_scopes() {
    let g = grammar();
    assert_eq!(g["scopeName"], "source.townrules");
    let json = g.to_string();
    for scope in [
        "comment.line.number-sign.townrules",
        "comment.line.double-slash.townrules",
        "string.quoted.double.townrules",
        "constant.numeric.townrules",
        "constant.numeric.date.townrules",
        "keyword.other.unit.townrules",
        "storage.type.declaration.townrules",
        "keyword.control.townrules",
        "keyword.operator.logical.townrules",
        "keyword.operator.comparison.townrules",
        "constant.language.boolean.townrules",
        "variable.other.townrules",
    ] {
        assert!(
            json.contains(&format!("\"{scope}\"")),
            "scope {scope} missing"
        );
    }
    // The extension's package.json points at this grammar and starts `townrules lsp`.
    let pkg: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/package.json"),
        )
        .unwrap(),
    )
    .expect("package.json is valid JSON");
    assert_eq!(
        pkg["contributes"]["grammars"][0]["scopeName"],
        "source.townrules"
    );
    assert_eq!(
        pkg["contributes"]["grammars"][0]["path"],
        "./syntaxes/townrules.tmLanguage.json"
    );
    assert_eq!(
        pkg["contributes"]["languages"][0]["extensions"][0],
        ".rules"
    );
    let ext = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/extension.js"),
    )
    .unwrap();
    assert!(
        ext.contains("['lsp']"),
        "the extension starts `townrules lsp`"
    );
}

#[test]
fn every_regex_compiles() {
    let mut all = Vec::new();
    every_regex(&grammar(), &mut all);
    assert!(all.len() >= 15, "{all:?}");
    for re in &all {
        compile(re);
    }
}

#[test]
fn tokens_get_their_scopes() {
    let p = top_level();
    let line = "  require 年产值 >= 20亿元 且 增长 >= 5个百分点 or x = 是 \"文本\\\"{min}\" # 注释";
    let t = tokenize(&p, line).unwrap();
    assert_eq!(scope_of(&t, line, "require"), ["keyword.control.townrules"]);
    assert_eq!(scope_of(&t, line, "年产值"), ["variable.other.townrules"]);
    assert_eq!(scope_of(&t, line, "20"), ["constant.numeric.townrules"]);
    assert_eq!(scope_of(&t, line, "亿元"), ["keyword.other.unit.townrules"]);
    assert_eq!(
        scope_of(&t, line, "个百分点"),
        ["keyword.other.unit.townrules"]
    );
    assert_eq!(
        scope_of(&t, line, "且"),
        ["keyword.operator.logical.townrules"]
    );
    assert_eq!(
        scope_of(&t, line, "是"),
        ["constant.language.boolean.townrules"]
    );
    assert_eq!(
        scope_of(&t, line, ">="),
        ["keyword.operator.comparison.townrules"]
    );
    assert_eq!(
        scope_of(&t, line, "\"文本\\\"{min}\""),
        ["string.quoted.double.townrules"]
    );
    assert_eq!(
        scope_of(&t, line, "# 注释"),
        ["comment.line.number-sign.townrules"]
    );

    let line = "param x = 10户 from 2025-01-01 // 30% 不算 30%";
    let t = tokenize(&p, line).unwrap();
    assert_eq!(scope_of(&t, line, "户"), ["keyword.other.unit.townrules"]);
    assert_eq!(
        scope_of(&t, line, "2025-01-01"),
        ["constant.numeric.date.townrules"]
    );
    assert_eq!(
        scope_of(&t, line, "param"),
        ["storage.type.declaration.townrules"]
    );
    assert_eq!(
        scope_of(&t, line, "// 30% 不算 30%"),
        ["comment.line.double-slash.townrules"]
    );
    for (num, unit) in [("5000", "万元"), ("30", "%"), ("2000", "人")] {
        let line = format!("x >= {num}{unit}");
        let t = tokenize(&p, &line).unwrap();
        assert_eq!(
            scope_of(&t, &line, unit),
            ["keyword.other.unit.townrules"],
            "{line}"
        );
        assert_eq!(
            scope_of(&t, &line, num),
            ["constant.numeric.townrules"],
            "{line}"
        );
    }
    // A measure word that starts a name is not a unit: `10人均` is not `10人`.
    let line = "x >= 10人均";
    let t = tokenize(&p, line).unwrap();
    assert!(scope_of(&t, line, "人").is_empty(), "{t:?}");
    // Unmatched text is reported (the check below is not vacuous).
    assert!(tokenize(&p, "x = @").is_err());
}

#[test]
fn every_shipped_rule_file_is_tokenised_without_unmatched_text() {
    let p = top_level();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files = 0;
    let mut bad = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("rules") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if let Err(e) = tokenize(&p, line) {
                bad.push(format!("{}:{}: {e}: {line}", path.display(), i + 1));
            }
        }
    }
    assert!(files >= 10, "rule files found: {files}");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
