//! Where every name is declared: the open document and, transitively, the files it
//! imports and extends, each parsed on its own so that one broken file does not hide
//! the declarations of the others (the checker stops at the first syntax error).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::Source;
use crate::syntax::ast::{self, FactDecl, File, Item, Span};

use super::text::LineIndex;

/// Longest chain of imports/extends followed (as the checker's).
const MAX_IMPORT_DEPTH: usize = 32;

/// One file of the rule set as read for the index.
#[derive(Debug, Clone)]
pub struct IndexedFile {
    /// Its path (as resolved from the importing file).
    pub path: PathBuf,
    /// Its text (the editor's buffer when the file is open there).
    pub text: Arc<str>,
    /// Its line starts.
    pub lines: LineIndex,
    /// The `import`/`extends` strings of the file and the files they name.
    pub links: Vec<(Span, usize)>,
    /// The header's level and document number, when the file has a header.
    pub header: Option<(String, String)>,
}

/// What a declared name is.
#[derive(Debug, Clone)]
pub enum DefKind {
    /// `fact …`, under its id, label or an alias.
    Fact(Box<FactDecl>),
    /// `param NAME = VALUE`: the value as written, clause and quote.
    Param(ValueDecl),
    /// `table NAME by FACT`.
    Table,
    /// An entry of a table (`NAME.member`).
    TableEntry(ValueDecl),
    /// `override NAME = VALUE`.
    Override(ValueDecl),
    /// `category ID "label"`.
    Category(String),
    /// A member of a category set, under its id, label or an alias: the set and the label.
    Member(String, String),
    /// `criterion ID "label"` (also `override criterion`): the label and the clause.
    Criterion(String, Option<String>),
    /// `population ID "label"`.
    Population(String),
}

/// A value as written with its clause and quotation.
#[derive(Debug, Clone, Default)]
pub struct ValueDecl {
    /// The value's text, e.g. `20亿元` (`None`: a draft parameter).
    pub written: Option<String>,
    /// `from DATE`.
    pub from: Option<String>,
    /// `clause "…"` (of the entry, else of its table).
    pub clause: Option<String>,
    /// `quote "…"`.
    pub quote: Option<String>,
}

/// A declaration of a name.
#[derive(Debug, Clone)]
pub struct Def {
    /// The name as declared (the dotted name of a parameter).
    pub name: String,
    /// What it is.
    pub kind: DefKind,
    /// The file it is in (index into [`Index::files`]).
    pub file: usize,
    /// The span of the name in that file.
    pub span: Span,
}

/// The declarations of a document and everything it imports and extends.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Files, the document first.
    pub files: Vec<IndexedFile>,
    /// Declarations, in file order.
    pub defs: Vec<Def>,
    /// Every name (ids, labels, aliases) → the declarations it names.
    pub names: HashMap<String, Vec<usize>>,
    /// Whether the document itself parsed.
    pub parsed: bool,
}

impl Index {
    /// Index the document at `path` with text `text`; other files are read from
    /// `open` (the editor's buffers) or else from disk.
    pub fn build(path: &Path, text: &str, open: &dyn Fn(&Path) -> Option<String>) -> Index {
        let mut b = Builder {
            index: Index::default(),
            seen: HashMap::new(),
            open,
        };
        b.add(path.to_path_buf(), Some(text.to_string()), 0);
        b.index
    }

    /// The declarations a name refers to.
    pub fn lookup(&self, name: &str) -> Vec<&Def> {
        self.names
            .get(name)
            .map(|v| v.iter().filter_map(|&i| self.defs.get(i)).collect())
            .unwrap_or_default()
    }
}

struct Builder<'a> {
    index: Index,
    seen: HashMap<PathBuf, usize>,
    open: &'a dyn Fn(&Path) -> Option<String>,
}

impl Builder<'_> {
    fn add(&mut self, path: PathBuf, text: Option<String>, depth: usize) -> Option<usize> {
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if let Some(&id) = self.seen.get(&key) {
            return Some(id);
        }
        if depth > MAX_IMPORT_DEPTH {
            return None;
        }
        let text = match text.or_else(|| (self.open)(&key)) {
            Some(t) => t,
            None => Source::read(&path).ok()?.text().to_string(),
        };
        let id = self.index.files.len();
        self.seen.insert(key, id);
        let source = Source::new(path.clone(), text.clone());
        let ast = crate::syntax::parse(&source).ok();
        if depth == 0 {
            self.index.parsed = ast.is_some();
        }
        let header = ast.as_ref().and_then(header_of);
        self.index.files.push(IndexedFile {
            lines: LineIndex::new(&text),
            text: Arc::from(text),
            path: path.clone(),
            links: Vec::new(),
            header,
        });
        let Some(ast) = ast else { return Some(id) };
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        for item in &ast.items {
            if let Item::Import(target) | Item::Extends(target) = &item.node {
                if let Some(dep) = self.add(dir.join(&target.node), None, depth + 1) {
                    self.index.files[id].links.push((target.span, dep));
                }
            }
        }
        self.declare(id, &ast);
        Some(id)
    }

    fn def(&mut self, file: usize, names: &[&str], span: Span, kind: DefKind) {
        let Some(name) = names.first() else { return };
        let i = self.index.defs.len();
        self.index.defs.push(Def {
            name: name.to_string(),
            kind,
            file,
            span,
        });
        let mut done = HashSet::new();
        for n in names {
            if done.insert(*n) {
                self.index.names.entry(n.to_string()).or_default().push(i);
            }
        }
    }

    fn declare(&mut self, file: usize, ast: &File) {
        let text = self.index.files[file].text.clone();
        for item in &ast.items {
            match &item.node {
                Item::Fact(f) => {
                    let mut names = vec![f.id.node.as_str(), f.label.node.as_str()];
                    names.extend(f.aliases.iter().map(|a| a.node.as_str()));
                    self.def(file, &names, f.id.span, DefKind::Fact(Box::new(f.clone())));
                }
                Item::Param(p) => {
                    let v = value_decl(
                        &text,
                        p.value.as_ref().map(|v| v.span),
                        &p.from,
                        &p.attrs,
                        &[],
                    );
                    let name = p.name.node.to_string();
                    self.def(file, &[&name], p.name.span, DefKind::Param(v));
                }
                Item::Override(o) => {
                    let v = value_decl(&text, Some(o.value.span), &o.from, &o.attrs, &[]);
                    let name = o.name.node.to_string();
                    self.def(file, &[&name], o.name.span, DefKind::Override(v));
                }
                Item::Table(t) => {
                    let name = t.name.node.to_string();
                    self.def(file, &[&name], t.name.span, DefKind::Table);
                    for e in &t.entries {
                        let v = value_decl(&text, Some(e.value.span), &e.from, &e.attrs, &t.attrs);
                        let entry = format!("{name}.{}", e.key.node);
                        self.def(file, &[&entry], e.key.span, DefKind::TableEntry(v));
                    }
                }
                Item::Category(c) => {
                    let names = [c.id.node.as_str(), c.label.node.as_str()];
                    self.def(
                        file,
                        &names,
                        c.id.span,
                        DefKind::Category(c.label.node.clone()),
                    );
                    for m in &c.members {
                        let mut names = vec![m.id.node.as_str(), m.label.node.as_str()];
                        names.extend(m.aliases.iter().map(|a| a.node.as_str()));
                        let kind = DefKind::Member(c.label.node.clone(), m.label.node.clone());
                        self.def(file, &names, m.id.span, kind);
                    }
                }
                Item::Criterion(c) => {
                    let clause = ast::attr_text(&c.attrs, "clause").map(str::to_string);
                    let kind = DefKind::Criterion(c.label.node.clone(), clause);
                    self.def(file, &[&c.id.node], c.id.span, kind);
                }
                Item::Population(p) => {
                    let kind = DefKind::Population(p.label.node.clone());
                    self.def(file, &[&p.id.node], p.id.span, kind);
                }
                Item::Header(_)
                | Item::Import(_)
                | Item::Extends(_)
                | Item::Drop(_)
                | Item::Target(_)
                | Item::Priority(_)
                | Item::Evaluation(_) => {}
            }
        }
    }
}

fn header_of(ast: &File) -> Option<(String, String)> {
    ast.items.iter().find_map(|it| match &it.node {
        Item::Header(h) => Some((
            ast::attr_text(&h.attrs, "level").unwrap_or("").to_string(),
            ast::attr_text(&h.attrs, "document")
                .unwrap_or("")
                .to_string(),
        )),
        _ => None,
    })
}

fn value_decl(
    text: &str,
    value: Option<Span>,
    from: &Option<ast::Node<String>>,
    attrs: &[ast::Attr],
    shared: &[ast::Attr],
) -> ValueDecl {
    let attr = |key: &str| {
        ast::attr_text(attrs, key)
            .or_else(|| ast::attr_text(shared, key))
            .map(str::to_string)
    };
    ValueDecl {
        written: value
            .and_then(|s| text.get(s.start..s.end))
            .map(str::to_string),
        from: from.as_ref().map(|f| f.node.clone()),
        clause: attr("clause"),
        quote: attr("quote"),
    }
}

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Word {
    /// A (possibly dotted) name: the candidates to look up, longest first.
    Name(Vec<String>),
    /// Inside a quoted string starting at this byte.
    InString(usize),
}

fn is_name_char(c: char) -> bool {
    c == '_' || unicode_ident::is_xid_continue(c)
}

/// The word at byte `offset` of `text` (or just before it), outside comments.
pub fn word_at(text: &str, offset: usize) -> Option<Word> {
    let offset = offset.min(text.len());
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    // Comments and strings before the cursor on its line.
    let mut in_string: Option<usize> = None;
    let mut chars = text[line_start..offset].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (in_string, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(_), '"') => in_string = None,
            (None, '"') => in_string = Some(line_start + i),
            (None, '#') => return None,
            (None, '/') if chars.peek().map(|p| p.1) == Some('/') => return None,
            _ => {}
        }
    }
    if let Some(start) = in_string {
        return Some(Word::InString(start));
    }
    let before = &text[..offset];
    let after = &text[offset..];
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_name_char(c) || c == '.')
        .last()
        .map_or(offset, |(i, _)| i);
    let end = offset
        + after
            .char_indices()
            .find(|&(_, c)| !(is_name_char(c) || c == '.'))
            .map_or(after.len(), |(i, _)| i);
    let raw = text.get(start..end)?;
    let start = start + (raw.len() - raw.trim_start_matches('.').len());
    let word = raw.trim_matches('.');
    if word.is_empty() || word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // The dotted prefix up to the segment the cursor is in, then the whole name.
    let cursor_in_word = offset.saturating_sub(start).min(word.len());
    let seg_end = word[cursor_in_word..]
        .find('.')
        .map_or(word.len(), |i| cursor_in_word + i);
    let mut candidates = vec![word.to_string()];
    let prefix = &word[..seg_end];
    if prefix != word {
        candidates.push(prefix.to_string());
    }
    let seg_start = word[..cursor_in_word].rfind('.').map_or(0, |i| i + 1);
    let segment = &word[seg_start..seg_end];
    if !candidates.iter().any(|c| c == segment) && !segment.is_empty() {
        candidates.push(segment.to_string());
    }
    Some(Word::Name(candidates))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_at(text: &str, needle: &str, delta: usize) -> Option<Word> {
        word_at(text, text.find(needle).unwrap() + delta)
    }

    #[test]
    fn words_are_dotted_names_outside_comments() {
        let t = "  require 年产值 >= min_output.manufacturing # 产值 note\n\"facts.rules\"";
        assert_eq!(
            name_at(t, "年产值", 3),
            Some(Word::Name(vec!["年产值".into()]))
        );
        assert_eq!(
            name_at(t, "min_output", 2),
            Some(Word::Name(vec![
                "min_output.manufacturing".into(),
                "min_output".into()
            ]))
        );
        assert_eq!(
            name_at(t, "manufacturing", 0),
            Some(Word::Name(vec![
                "min_output.manufacturing".into(),
                "manufacturing".into()
            ]))
        );
        // At the end of a word.
        assert_eq!(
            name_at(t, " >=", 0),
            Some(Word::Name(vec!["年产值".into()]))
        );
        assert_eq!(name_at(t, "产值 note", 0), None);
        assert_eq!(
            name_at(t, "facts", 0),
            Some(Word::InString(t.find('"').unwrap()))
        );
        assert_eq!(word_at("x >= 20亿元", 7), None);
        assert_eq!(
            word_at("a ..年产值. b", 7),
            Some(Word::Name(vec!["年产值".into()]))
        );
    }

    #[test]
    fn no_offset_panics() {
        let texts = [
            "..年产值.. # 注释\n\"a\\\"b\" x.y.z 𝄞.名 //",
            "\"未闭合 年产值",
            ".",
            "",
            "min_output.制造业[类别]",
        ];
        for t in texts {
            for offset in 0..=t.len() + 2 {
                let _ = word_at(t, offset);
            }
        }
    }
}
