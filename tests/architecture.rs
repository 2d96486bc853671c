//! The shape of the crate, read from `src/**/*.rs` as text:
//!
//! - the library (everything but `src/app.rs`, `src/app/` and `src/main.rs`) never
//!   names the command layer (`crate::app`, `townrules::app`);
//! - the library never prints (`println!`, `eprintln!`, `print!`, `eprint!`,
//!   `dbg!`, `stdout()`, `stderr()`): it returns values and diagnostics, and the
//!   commands print them;
//! - the top-level library modules, with an edge `X → Y` for every `crate::Y` path
//!   in X's files, form no cycle (the phases depend on lower phases only);
//! - neither do the modules of the command layer (`crate::app::Y`, and `super::Y`
//!   in `src/app/X.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A source file: its path relative to `src/` (with `/`) and its text.
struct File {
    rel: String,
    text: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn sources() -> Vec<File> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    paths
        .into_iter()
        .map(|p| File {
            rel: p
                .strip_prefix(&src)
                .expect("under src")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
            text: std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display())),
        })
        .collect()
}

/// The top-level module a file belongs to (`check` for `check.rs` and `check/…`);
/// `None` for the crate root `lib.rs`.
fn top_module(rel: &str) -> Option<&str> {
    if rel == "lib.rs" {
        return None;
    }
    let first = rel.split('/').next().unwrap_or(rel);
    Some(first.strip_suffix(".rs").unwrap_or(first))
}

fn is_command_layer(rel: &str) -> bool {
    rel == "main.rs" || rel == "app.rs" || rel.starts_with("app/")
}

fn library() -> Vec<File> {
    let files: Vec<File> = sources()
        .into_iter()
        .filter(|f| !is_command_layer(&f.rel))
        .collect();
    assert!(
        files.iter().any(|f| f.rel == "lib.rs") && files.len() > 20,
        "the library's files were not found: {:?}",
        files.iter().map(|f| &f.rel).collect::<Vec<_>>()
    );
    files
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `line` contains `needle` as a whole word (`println!` is not in `eprintln!`,
/// `crate::app` is not in `crate::apply`).
fn has_word(line: &str, needle: &str) -> bool {
    line.match_indices(needle).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + needle.len()..].chars().next();
        let starts = !needle.starts_with(is_ident) || !before.is_some_and(is_ident);
        let ends = !needle.ends_with(is_ident) || !after.is_some_and(is_ident);
        starts && ends
    })
}

/// Every line (1-based) of `text` containing one of `needles`, with the needle.
fn lines_with<'a>(text: &str, needles: &[&'a str]) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for &n in needles {
            if has_word(line, n) {
                out.push((i + 1, n));
            }
        }
    }
    out
}

#[test]
fn the_library_does_not_use_the_command_layer() {
    let mut bad = Vec::new();
    for f in library() {
        for (line, what) in lines_with(&f.text, &["crate::app", "townrules::app"]) {
            bad.push(format!("src/{}:{line}: {what}", f.rel));
        }
    }
    assert!(
        bad.is_empty(),
        "library modules must not use the command layer (src/app/):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_library_does_not_print() {
    let printing = [
        "println!",
        "eprintln!",
        "print!(",
        "eprint!(",
        "dbg!(",
        "stdout()",
        "stderr()",
    ];
    let mut bad = Vec::new();
    for f in library() {
        for (line, what) in lines_with(&f.text, &printing) {
            bad.push(format!("src/{}:{line}: {what}", f.rel));
        }
    }
    assert!(
        bad.is_empty(),
        "library modules must return values and diagnostics, not print them (the commands in src/app/ print):\n{}",
        bad.join("\n")
    );
}

/// The module names of the `crate::…` paths in `text`: `crate::check::Kind` and
/// `crate::{check::Kind, compile}` give `check` (and `compile`).
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let before = &rest[..at];
            let after = &rest[at + "crate::".len()..];
            rest = after;
            // `$crate::`, `other_crate::`: not a path into this crate.
            if before.ends_with(|c: char| is_ident(c) || c == '$') {
                continue;
            }
            if let Some(group) = after.strip_prefix('{') {
                let mut depth = 0usize;
                let mut item = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            out.push((i + 1, ident(item.trim())));
                            item.clear();
                            continue;
                        }
                        _ => {}
                    }
                    item.push(c);
                }
                out.push((i + 1, ident(item.trim())));
            } else {
                out.push((i + 1, ident(after)));
            }
        }
    }
    out.retain(|(_, m)| !m.is_empty());
    out
}

/// A cycle of `graph`, as the list of its modules with the first repeated at the end.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(n.to_string(), Mark::OnPath);
        path.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            match marks.get(m.as_str()).copied().unwrap_or(Mark::New) {
                Mark::OnPath => {
                    let start = path.iter().position(|p| p == m).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(m, graph, marks, path) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks.insert(n.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for n in graph.keys() {
        if marks.get(n.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            if let Some(c) = visit(n, graph, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let g = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    assert_eq!(
        find_cycle(&g(&[("a", "b"), ("b", "c"), ("c", "a"), ("a", "d")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(find_cycle(&g(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
    assert!(has_word("eprintln!(\"x\")", "eprintln!"));
    assert!(!has_word("eprintln!(\"x\")", "println!"));
    assert!(!has_word("eprint!(x)", "print!("));
    assert!(!has_word("crate::apply", "crate::app"));
    assert!(has_word("use crate::app::cli;", "crate::app"));
    assert_eq!(
        crate_paths("use crate::{check::Kind, compile};\nlet x = crate::data::load(); $crate::no"),
        vec![
            (1, "check".to_string()),
            (1, "compile".to_string()),
            (2, "data".to_string())
        ]
    );
}

/// Panic with the cycle, and where each of its edges comes from, if `edges` has one.
/// `edges`: (from, to, `file:line`).
fn assert_no_cycle(what: &str, edges: &[(String, String, String)]) {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut because: BTreeMap<(String, String), &str> = BTreeMap::new();
    for (from, to, at) in edges {
        graph.entry(from.clone()).or_default().insert(to.clone());
        graph.entry(to.clone()).or_default();
        because.entry((from.clone(), to.clone())).or_insert(at);
    }
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                let at = because.get(&(w[0].clone(), w[1].clone())).unwrap_or(&"");
                format!("  {} → {}  ({at})", w[0], w[1])
            })
            .collect();
        panic!(
            "{what} import each other in a circle: {}\n{}",
            cycle.join(" → "),
            steps.join("\n")
        );
    }
}

#[test]
fn the_library_modules_depend_on_each_other_without_cycles() {
    let files = library();
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| top_module(&f.rel))
        .map(str::to_string)
        .collect();
    for m in [
        "syntax", "check", "compile", "data", "eval", "report", "diag",
    ] {
        assert!(modules.contains(m), "module `{m}` not found in {modules:?}");
    }
    let mut edges = Vec::new();
    for f in &files {
        let Some(from) = top_module(&f.rel) else {
            continue;
        };
        for (line, to) in crate_paths(&f.text) {
            if to != from && modules.contains(&to) {
                edges.push((from.to_string(), to, format!("src/{}:{line}", f.rel)));
            }
        }
    }
    assert_no_cycle("the library modules", &edges);
}

#[test]
fn the_command_modules_depend_on_each_other_without_cycles() {
    let files: Vec<File> = sources()
        .into_iter()
        .filter(|f| f.rel.starts_with("app/"))
        .collect();
    let sub = |rel: &str| -> String {
        let second = rel.split('/').nth(1).unwrap_or(rel);
        second.strip_suffix(".rs").unwrap_or(second).to_string()
    };
    let modules: BTreeSet<String> = files.iter().map(|f| sub(&f.rel)).collect();
    for m in ["cli", "load", "error", "eval", "repl", "diff"] {
        assert!(
            modules.contains(m),
            "module `app::{m}` not found in {modules:?}"
        );
    }
    let mut edges = Vec::new();
    for f in &files {
        let from = sub(&f.rel);
        let direct = f.rel.matches('/').count() == 1;
        for (i, line) in f.text.lines().enumerate() {
            let mut to = Vec::new();
            for (at, _) in line.match_indices("crate::app::") {
                to.push(&line[at + "crate::app::".len()..]);
            }
            if direct {
                for (at, _) in line.match_indices("super::") {
                    if !line[..at].ends_with(|c: char| is_ident(c) || c == ':') {
                        to.push(&line[at + "super::".len()..]);
                    }
                }
            }
            for rest in to {
                let m: String = rest.chars().take_while(|&c| is_ident(c)).collect();
                if m != from && modules.contains(&m) {
                    edges.push((from.clone(), m, format!("src/{}:{}", f.rel, i + 1)));
                }
            }
        }
    }
    assert_no_cycle("the command modules (src/app/)", &edges);
}
