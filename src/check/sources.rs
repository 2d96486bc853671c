//! Quotations against source texts: a rule set names the text of its document in its
//! header (`source "sources/shanxi-2022-80.txt"`, relative to the rule file, inside its
//! folder), and every text a rule file presents as the document's words — each `quote`
//! attribute and each `priority` text — must occur in that text verbatim (see
//! [`super::quotes`] for the exact rule). Each file is checked against the source its own
//! header names, so the quotations of an extended rule set are checked against that rule
//! set's document.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use super::model::Unit;
use super::quotes::{Document, Miss, Reason};
use crate::diag::{Code, Diag};
use crate::source::{Source, MAX_FILE_BYTES};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, AttrValue, File, Item, Span};

/// Characters of the source shown on each side of the first difference.
const WINDOW: usize = 15;
/// Characters of the quotation shown on each side of the first difference.
const QUOTE_WINDOW: usize = 8;

/// A text presented as the document's words.
struct Quoted<'a> {
    text: &'a str,
    span: Span,
    /// A priority text (`priority "…"`) rather than a `quote`.
    priority: bool,
}

impl Quoted<'_> {
    /// What it is, in words: a quotation or a priority text.
    fn what(&self) -> String {
        if self.priority {
            crate::t!("misquote.priority_text")
        } else {
            crate::t!("misquote.quotation")
        }
    }
}

/// Check the header `source` of every loaded file and the quotations of each file against it.
pub fn verify(units: &[Unit]) -> Vec<Diag> {
    let mut texts: HashMap<PathBuf, Rc<Document>> = HashMap::new();
    let mut diags = Vec::new();
    for unit in units {
        let src = &unit.source;
        let header = unit.ast.items.iter().find_map(|i| match &i.node {
            Item::Header(h) => Some(h),
            _ => None,
        });
        let quotes = quotations(&unit.ast);
        let Some(h) = header else {
            if let Some(q) = quotes.first() {
                diags.push(
                    Diag::warning(
                        Code::NoSource,
                        src,
                        q.span,
                        crate::t!("no_source.headerless"),
                    )
                    .label(crate::t!("no_source.headerless_label"))
                    .help(crate::t!("no_source.headerless_help")),
                );
            }
            continue;
        };
        let Some(a) = ast::attr(&h.attrs, "source") else {
            diags.push(
                Diag::warning(
                    Code::NoSource,
                    src,
                    h.id.span,
                    crate::t!("no_source.message", id = h.id.node),
                )
                .help(crate::t!("no_source.help")),
            );
            continue;
        };
        match &a.value.node {
            AttrValue::Word(w) if w == "none" => {
                for q in &quotes {
                    diags.push(
                        Diag::error(
                            Code::Misquote,
                            src,
                            q.span,
                            crate::t!("misquote.source_none", what = q.what()),
                        )
                        .label(crate::t!("misquote.source_none_label"))
                        .also(a.value.span, crate::t!("misquote.source_none_header")),
                    );
                }
            }
            AttrValue::Text(p) => match load(src, p, a.value.span, &mut texts) {
                Ok(doc) => {
                    for q in &quotes {
                        if let Err(m) = doc.find(q.text) {
                            diags.push(misquote(src, q, p, &doc, &m));
                        }
                    }
                }
                Err(d) => diags.push(*d),
            },
            _ => diags.push(
                Diag::error(
                    Code::MissingSource,
                    src,
                    a.value.span,
                    crate::t!("missing_source.not_text"),
                )
                .help(crate::t!("missing_source.not_text_help")),
            ),
        }
    }
    diags
}

/// Every text of a file presented as the document's words, in file order.
fn quotations(file: &File) -> Vec<Quoted<'_>> {
    let mut out = Vec::new();
    for a in file.attr_blocks().into_iter().flatten() {
        if let (true, AttrValue::Text(t)) = (a.key.node == "quote", &a.value.node) {
            out.push(Quoted {
                text: t,
                span: a.value.span,
                priority: false,
            });
        }
    }
    let priorities = file.items.iter().flat_map(|item| match &item.node {
        Item::Criterion(c) => c.priorities.iter().collect::<Vec<_>>(),
        Item::Priority(p) => vec![&p.rule],
        _ => Vec::new(),
    });
    for p in priorities {
        out.push(Quoted {
            text: &p.node.label.node,
            span: p.node.label.span,
            priority: true,
        });
    }
    out.sort_by_key(|q| q.span.start);
    out
}

/// Read the source text `name` of rule file `src` (once per path).
fn load(
    src: &Source,
    name: &str,
    span: Span,
    texts: &mut HashMap<PathBuf, Rc<Document>>,
) -> Result<Rc<Document>, Box<Diag>> {
    let dir = match src.path().parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let outside = || {
        Box::new(
            Diag::error(
                Code::MissingSource,
                src,
                span,
                crate::t!("missing_source.outside", name = name),
            )
            .label(crate::t!("missing_source.label"))
            .help(crate::t!(
                "missing_source.outside_help",
                folder = dir.display()
            )),
        )
    };
    let rel = Path::new(name);
    if name.is_empty()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside());
    }
    let path = dir.join(rel);
    let unreadable = |e: std::io::Error| {
        let mut d = Diag::error(
            Code::MissingSource,
            src,
            span,
            crate::t!(
                "missing_source.unreadable",
                name = name,
                reason = crate::source::io_reason(&e)
            ),
        )
        .label(crate::t!("missing_source.label"));
        let folder = rel.parent().unwrap_or(Path::new(""));
        let candidates = text_files(&dir.join(folder), folder);
        d = match did_you_mean(name, candidates.iter().map(String::as_str)) {
            Some(s) => d.help(crate::t!("missing_source.did_you_mean", name = s)),
            None => d.help(crate::t!("missing_source.help", folder = dir.display())),
        };
        Box::new(d)
    };
    let key = std::fs::canonicalize(&path).map_err(unreadable)?;
    if let Ok(top) = std::fs::canonicalize(dir) {
        if !key.starts_with(&top) {
            return Err(outside());
        }
    }
    if let Some(doc) = texts.get(&key) {
        return Ok(doc.clone());
    }
    let doc = Rc::new(Document::new(&read_text(&key).map_err(unreadable)?));
    texts.insert(key, doc.clone());
    Ok(doc)
}

/// A UTF-8 text file of at most [`MAX_FILE_BYTES`] (a leading byte-order mark dropped).
fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind, Read as _};
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidData,
            crate::t!("source.text_too_large", mib = MAX_FILE_BYTES / 1024 / 1024),
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorKind::InvalidData, crate::t!("source.text_not_utf8")))?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())
}

/// Names of the `.txt` files in `dir`, prefixed with `folder/`.
fn text_files(dir: &Path, folder: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .map(|n| {
            let p = folder.join(n);
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    v.sort();
    v
}

/// The error for a quotation not found in its source text.
fn misquote(src: &Source, q: &Quoted<'_>, name: &str, doc: &Document, m: &Miss) -> Diag {
    let what = q.what();
    let how = crate::t!("misquote.how");
    let at = quote_char_span(src, q.span, m.quote_at);
    let (qb, qa) = around(q.text, m.quote_at);
    let (message, here, help) = match &m.reason {
        Reason::Empty => {
            return Diag::error(
                Code::Misquote,
                src,
                q.span,
                crate::t!("misquote.empty", what = what),
            )
            .help(crate::t!("misquote.empty_help"));
        }
        Reason::Absent => {
            return Diag::error(
                Code::Misquote,
                src,
                q.span,
                crate::t!("misquote.not_found", what = what, name = name),
            )
            .label(crate::t!("misquote.absent_label"))
            .help(crate::t!("misquote.absent_help", start = qa, how = how));
        }
        Reason::Differs { source_at } => {
            let (b, a) = doc.window(*source_at, WINDOW);
            (
                crate::t!("misquote.not_found", what = what, name = name),
                crate::t!("misquote.differs_label"),
                crate::t!(
                    "misquote.differs_help",
                    line = doc.line_of(*source_at),
                    source = format!("{b}‸{a}"),
                    what = what,
                    quote = format!("{qb}‸{qa}"),
                    how = how
                ),
            )
        }
        Reason::Elision { after, stop } => {
            let (b, _) = doc.window(*after, WINDOW);
            let rest = doc.excerpt(*after, stop + 1);
            let n = rest.chars().count();
            let rest = if n > 2 * WINDOW {
                let head: String = rest.chars().take(WINDOW).collect();
                let tail: String = rest.chars().skip(n - 4).collect();
                format!("{head}……{tail}")
            } else {
                rest
            };
            (
                crate::t!("misquote.elision", what = what, name = name),
                crate::t!("misquote.elision_label"),
                crate::t!(
                    "misquote.elision_help",
                    line = doc.line_of(*after),
                    source = format!("{b}‸{rest}"),
                    what = what,
                    rest = qa
                ),
            )
        }
    };
    // The quotation is underlined in two parts: what the source has, and from where it differs.
    match at.filter(|s| s.start > q.span.start) {
        Some(s) => Diag::error(
            Code::Misquote,
            src,
            Span::new(q.span.start, s.start),
            message,
        )
        .label(crate::t!("misquote.found_label"))
        .also(Span::new(s.start, q.span.end), here),
        None => Diag::error(Code::Misquote, src, q.span, message).label(here),
    }
    .help(help)
}

/// Up to [`QUOTE_WINDOW`] characters of the quotation before and from byte `at`.
fn around(text: &str, at: usize) -> (String, String) {
    let at = at.min(text.len());
    let (b, a) = text.split_at(if text.is_char_boundary(at) { at } else { 0 });
    let nb = b.chars().count();
    let mut before: String = b.chars().skip(nb.saturating_sub(QUOTE_WINDOW)).collect();
    if nb > QUOTE_WINDOW {
        before.insert(0, '…');
    }
    let mut after: String = a.chars().take(QUOTE_WINDOW).collect();
    if a.chars().count() > QUOTE_WINDOW {
        after.push('…');
    }
    (before, after)
}

/// The span in the rule file of the character at byte `at` of the (unescaped) text
/// written at `span` (a `"…"` literal).
fn quote_char_span(src: &Source, span: Span, at: usize) -> Option<Span> {
    let raw = src.text().get(span.start..span.end)?.strip_prefix('"')?;
    let mut decoded = 0;
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            return None;
        }
        let (len, raw_len) = if c == '\\' {
            let (_, e) = chars.next()?;
            (if e == 'n' { 1 } else { e.len_utf8() }, 1 + e.len_utf8())
        } else {
            (c.len_utf8(), c.len_utf8())
        };
        if decoded == at {
            let start = span.start + 1 + i;
            return Some(Span::new(start, start + raw_len));
        }
        decoded += len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_of_a_quotation_is_found_in_the_literal_despite_escapes() {
        let text = "quote \"甲\\\"乙\\\\丙\\n丁\"";
        let src = Source::new("t.rules", text);
        let span = Span::new(6, text.len());
        let decoded = "甲\"乙\\丙\n丁";
        for (at, want) in [("乙", "乙"), ("丙", "丙"), ("丁", "丁"), ("\"", "\\\"")] {
            let i = decoded.find(at).expect("in the text");
            let s = quote_char_span(&src, span, i).expect("found");
            assert_eq!(&text[s.start..s.end], want);
        }
        assert_eq!(quote_char_span(&src, span, decoded.len()), None);
    }

    #[test]
    fn the_quotation_around_a_place() {
        assert_eq!(around("一二三", 3), ("一".into(), "二三".into()));
        let long = "一二三四五六七八九十甲乙丙丁戊己庚辛";
        let at = long.find('十').expect("in the text");
        assert_eq!(
            around(long, at),
            ("…二三四五六七八九".into(), "十甲乙丙丁戊己庚…".into())
        );
    }
}
