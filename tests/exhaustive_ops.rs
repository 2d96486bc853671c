//! Every `match` over an operator or a compiled operation names every variant.
//!
//! A match whose arms name a variant of `Op`, `BinOp`, `CmpOp`, `ArithOp`, `LogicOp` or
//! `UnOp` (also inside `Some(…)`, tuples and `|` patterns) must not have a catch-all arm
//! (`_`, `Some(_)`, or a bare binding such as `other`): adding an operator must be a
//! compile error at every place that handles operators, never a silent default. Nor
//! may anything in `src/` allow `unreachable_patterns`. Read with `syn` from the source.

use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The operator types whose matches must be exhaustive.
const OPERATOR_TYPES: [&str; 6] = ["Op", "BinOp", "CmpOp", "ArithOp", "LogicOp", "UnOp"];

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

/// Whether a path names a variant of an operator type (`Op::Fact`, `CmpOp::Ge`).
fn names_operator(path: &syn::Path) -> bool {
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segs.len() >= 2 && OPERATOR_TYPES.contains(&segs[segs.len() - 2].as_str())
}

/// Whether a pattern names an operator variant anywhere at its top (through `Some`,
/// tuples, `|` and references).
fn mentions_operator(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Path(x) => names_operator(&x.path),
        syn::Pat::Struct(x) => names_operator(&x.path),
        syn::Pat::TupleStruct(x) => {
            names_operator(&x.path) || x.elems.iter().any(mentions_operator)
        }
        syn::Pat::Or(x) => x.cases.iter().any(mentions_operator),
        syn::Pat::Tuple(x) => x.elems.iter().any(mentions_operator),
        syn::Pat::Reference(x) => mentions_operator(&x.pat),
        syn::Pat::Paren(x) => mentions_operator(&x.pat),
        syn::Pat::Ident(x) => x.subpat.as_ref().is_some_and(|(_, p)| mentions_operator(p)),
        _ => false,
    }
}

/// Whether a pattern catches whatever the other arms leave: `_`, a lower-case binding
/// (`other`), or `Some(_)`.
fn catch_all(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Wild(_) => true,
        syn::Pat::Ident(x) => {
            x.subpat.is_none() && x.by_ref.is_none() && {
                // An identifier starting with a capital letter is a unit variant or constant.
                !x.ident.to_string().starts_with(char::is_uppercase)
            }
        }
        syn::Pat::TupleStruct(x) => {
            x.path.is_ident("Some") && x.elems.len() == 1 && x.elems.iter().all(catch_all)
        }
        syn::Pat::Or(x) => x.cases.iter().any(catch_all),
        syn::Pat::Paren(x) => catch_all(&x.pat),
        _ => false,
    }
}

struct Finder<'a> {
    file: &'a str,
    found: Vec<String>,
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        if m.arms.iter().any(|a| mentions_operator(&a.pat)) {
            for arm in &m.arms {
                if catch_all(&arm.pat) {
                    let line = arm
                        .pat
                        .span_start_line()
                        .map_or(String::new(), |l| format!(":{l}"));
                    self.found.push(format!("{}{line}", self.file));
                }
            }
        }
        syn::visit::visit_expr_match(self, m);
    }
}

/// The line of a pattern, from its first token.
trait SpanLine {
    fn span_start_line(&self) -> Option<usize>;
}

impl SpanLine for syn::Pat {
    fn span_start_line(&self) -> Option<usize> {
        use quote::ToTokens;
        let tokens = self.to_token_stream();
        tokens.into_iter().next().map(|t| t.span().start().line)
    }
}

#[test]
fn no_catch_all_arm_on_operator_matches() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    let mut matches_seen = 0usize;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read a source file");
        assert!(
            !text.contains("unreachable_patterns"),
            "{} allows unreachable_patterns",
            f.display()
        );
        let ast = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", f.display()));
        let rel = f.strip_prefix(&src).unwrap_or(f).display().to_string();
        let mut finder = Finder {
            file: &rel,
            found: Vec::new(),
        };
        finder.visit_file(&ast);
        found.extend(finder.found);
        matches_seen += text.matches("Op::").count();
    }
    assert!(matches_seen > 100, "the scan read the operator code");
    assert!(
        found.is_empty(),
        "catch-all arms in matches over operators:\n{}",
        found.join("\n")
    );
}

/// The scan itself: it finds a catch-all arm and accepts an exhaustive match.
#[test]
fn the_scan_finds_a_catch_all_arm() {
    let scan = |code: &str| {
        let ast = syn::parse_file(code).expect("parses");
        let mut f = Finder {
            file: "x.rs",
            found: Vec::new(),
        };
        f.visit_file(&ast);
        f.found.len()
    };
    assert_eq!(
        scan("fn f(o: CmpOp) { match o { CmpOp::Ge => 1, _ => 2 }; }"),
        1
    );
    assert_eq!(
        scan("fn f(o: Option<Op>) { match o { Some(Op::Fact(_)) => 1, Some(_) | None => 2 }; }"),
        1
    );
    assert_eq!(
        scan("fn f(o: Op) { match o { Op::Not(x) => 1, other => 2 }; }"),
        1
    );
    assert_eq!(
        scan("fn f(o: CmpOp) { match o { CmpOp::Ge | CmpOp::Gt => 1, CmpOp::Le => 2 }; }"),
        0
    );
    // A match over something else may end in `_`.
    assert_eq!(
        scan("fn f(k: Kind) { match k { Kind::Money => 1, _ => 2 }; }"),
        0
    );
}
