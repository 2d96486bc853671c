//! Go to definition and completion, from the [`Index`] of the document.

use std::collections::HashSet;

use lsp_types::{CompletionItem, CompletionItemKind, Location, Position, Range};

use super::index::{DefKind, Index, Word};
use super::text::path_to_uri;

/// The keywords of the language (grammar/townrules.pest), with the common attribute
/// names and kinds.
pub const KEYWORDS: &[&str] = &[
    "ruleset",
    "import",
    "extends",
    "category",
    "fact",
    "param",
    "table",
    "by",
    "override",
    "criterion",
    "drop",
    "target",
    "population",
    "alias",
    "applies",
    "require",
    "relax",
    "discretionary",
    "when",
    "then",
    "priority",
    "in",
    "evaluation",
    "indicator",
    "weight",
    "score",
    "full",
    "expert",
    "grades",
    "within",
    "from",
    "yearly",
    "and",
    "or",
    "not",
    "true",
    "false",
    "且",
    "或",
    "非",
    "是",
    "否",
    "money",
    "count",
    "percent",
    "yes_no",
    "attestation",
    "text",
    "title",
    "document",
    "issuer",
    "date",
    "level",
    "section",
    "source",
    "convention",
    "year",
    "clause",
    "quote",
    "note",
    "interpretation",
];

/// Where the word at the cursor is declared: every declaration of a name (a parameter's
/// own declaration first, then the overrides); the file an `import`/`extends` names.
pub fn definition(word: &Word, index: &Index) -> Vec<Location> {
    match word {
        Word::InString(start) => {
            let Some(doc) = index.files.first() else {
                return Vec::new();
            };
            doc.links
                .iter()
                .filter(|(span, _)| span.start <= *start && *start < span.end.max(span.start + 1))
                .filter_map(|(_, dep)| index.files.get(*dep))
                .filter_map(|f| path_to_uri(&f.path))
                .map(|uri| Location::new(uri, Range::new(Position::new(0, 0), Position::new(0, 0))))
                .collect()
        }
        Word::Name(candidates) => {
            for name in candidates {
                let mut defs = index.lookup(name);
                if defs.is_empty() {
                    continue;
                }
                defs.sort_by_key(|d| matches!(d.kind, DefKind::Override(_)));
                return defs
                    .iter()
                    .filter_map(|d| {
                        let f = index.files.get(d.file)?;
                        let uri = path_to_uri(&f.path)?;
                        Some(Location::new(uri, f.lines.range(&f.text, d.span)))
                    })
                    .collect();
            }
            Vec::new()
        }
    }
}

/// Everything that can be written at a name's place: facts (id and label), parameters,
/// tables, categories and members, criteria, and the keywords.
pub fn completion(index: &Index) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |label: &str, kind: CompletionItemKind, detail: String| {
        if seen.insert(format!("{label}\u{0}{kind:?}")) {
            items.push(CompletionItem {
                label: label.to_string(),
                kind: Some(kind),
                detail: (!detail.is_empty()).then_some(detail),
                ..CompletionItem::default()
            });
        }
    };
    for d in &index.defs {
        match &d.kind {
            DefKind::Fact(f) => {
                let kind = match &f.kind.node.arg {
                    Some(a) => format!("{} {a}", f.kind.node.name),
                    None => f.kind.node.name.clone(),
                };
                push(
                    &f.id.node,
                    CompletionItemKind::FIELD,
                    format!("事实 {}（{kind}）", f.label.node),
                );
                push(
                    &f.label.node,
                    CompletionItemKind::FIELD,
                    format!("事实 {}（{kind}）", f.id.node),
                );
            }
            DefKind::Param(v) | DefKind::TableEntry(v) | DefKind::Override(v) => {
                let value = v.written.as_deref().unwrap_or("未设定");
                push(
                    &d.name,
                    CompletionItemKind::CONSTANT,
                    format!("参数 = {value}"),
                );
            }
            DefKind::Table => push(&d.name, CompletionItemKind::STRUCT, "参数表".to_string()),
            DefKind::Category(label) => {
                push(&d.name, CompletionItemKind::ENUM, format!("类别集 {label}"));
            }
            DefKind::Member(set, label) => {
                push(
                    &d.name,
                    CompletionItemKind::ENUM_MEMBER,
                    format!("{set}：{label}"),
                );
                push(
                    label,
                    CompletionItemKind::ENUM_MEMBER,
                    format!("{set}：{}", d.name),
                );
            }
            DefKind::Criterion(label, _) => {
                push(
                    &d.name,
                    CompletionItemKind::MODULE,
                    format!("认定标准 {label}"),
                );
            }
            DefKind::Population(label) => {
                push(
                    &d.name,
                    CompletionItemKind::VALUE,
                    format!("排名范围 {label}"),
                );
            }
        }
    }
    for k in KEYWORDS {
        push(k, CompletionItemKind::KEYWORD, String::new());
    }
    items
}
