//! `save PATH`: the root rule file with the session's parameter values written in.
//!
//! Only the changed values are touched: a value written in the root file has its
//! literal replaced in place; a draft parameter of the root file (no value) gets
//! ` = VALUE` after its declared kind; a value inherited from another file gets an
//! `override NAME = VALUE { what_if "…" }` line at the end. Every changed value, own or
//! inherited, carries `what_if "由 OLD 改为 NEW（YYYY-MM-DD REPL 保存）"` (in the value's
//! `{ … }` block, created when there is none), so that no what-if value is credited to
//! the document's clause; OLD stays the document's value over several saves, and the
//! attribute goes when a value is set back to it. Notes and quotations of the root file
//! that mention a replaced value are listed as warnings (a quotation stays: it is the
//! document's words). Every other byte — layout, comments — stays as it was. The new
//! text is checked and compiled before it is written, and must give every parameter the
//! session's value.

use std::path::{Path, PathBuf};

use super::error::{ReplError, SaveError};
pub use super::save_file::{write_atomic, Overwrite, Written};
use super::session::{clear_tail, tail, Session};
use super::show;
use super::what_if;
use crate::check::{Const, Kind, ParamInfo};
use crate::compile::RuleSet;
use crate::syntax::ast::{File, Item, Span};
use crate::units;

/// The literal to write for a parameter value, in the rule language.
fn literal(rs: &RuleSet, p: &ParamInfo, c: Const, measure: &str) -> Result<String, SaveError> {
    let negative = matches!(c, Const::Num(d) if d.is_sign_negative() && !d.is_zero());
    if negative {
        return Err(SaveError::Negative {
            param: p.name.clone(),
        });
    }
    Ok(match (c, p.kind) {
        (Const::Num(d), Kind::Money) => {
            let unit = p
                .current()
                .and_then(|v| v.unit)
                .or_else(|| show::file_value(p).and_then(|v| v.unit))
                .unwrap_or_else(|| units::best_money_unit(d));
            units::format_money(d, unit)
        }
        (Const::Num(d), Kind::Percent) => units::format_percent(d),
        (Const::Num(d), Kind::Count) => format!("{}{measure}", units::format_decimal(d)),
        (Const::Num(d), _) => units::format_decimal(d),
        (Const::Bool(b), _) => if b { "是" } else { "否" }.to_string(),
        (Const::Member(m), Kind::Category(s)) => rs
            .categories
            .get(s)
            .and_then(|set| set.members.get(m as usize))
            .map(|x| x.id.clone())
            .ok_or_else(|| SaveError::UnknownMember {
                param: p.name.clone(),
            })?,
        (Const::Member(_), _) => {
            return Err(SaveError::NoLiteral {
                param: p.name.clone(),
            })
        }
    })
}

/// The index of the root file in [`RuleSet::sources`].
fn root_of(rs: &RuleSet) -> usize {
    rs.sources
        .iter()
        .position(|s| s.name() == rs.source_file)
        .unwrap_or(0)
}

/// What `save` writes: the root file's text with the session's values, one line per
/// change, and warnings about notes and quotations that mention a replaced value.
#[derive(Debug, Clone, Default)]
pub struct Saved {
    /// The new text of the root file.
    pub text: String,
    /// One line per changed value.
    pub what: Vec<String>,
    /// One line per `note` or `quote` of the root file that mentions a replaced value.
    pub warnings: Vec<String>,
}

/// A value of the root file to write: the edits of its literal and of its `what_if`.
struct Own<'a> {
    /// The parameter.
    p: &'a ParamInfo,
    /// The new literal.
    lit: String,
    /// The value as the `what_if` text names it.
    new: String,
    /// The value in the file, as shown.
    old: String,
    /// The literal's span (`start == end`: insert ` = LIT` there, for a draft parameter).
    span: (usize, usize),
    /// Where the declaration's `{ … }` block would start.
    after: usize,
}

/// The edits for one value of the root file: the literal, and the `what_if` attribute
/// of its block — set to `由 ORIGINAL 改为 NEW`, ORIGINAL being the document's value
/// (kept from an earlier save's `what_if`), or removed when NEW is ORIGINAL again.
fn own_edits(
    text: &str,
    file: &File,
    fv_span: Span,
    o: &Own<'_>,
    value: Const,
    date: &str,
    edits: &mut Vec<(usize, usize, String)>,
) -> Result<String, SaveError> {
    let attrs = what_if::owner_attrs(file, fv_span).ok_or_else(|| SaveError::NoDeclaration {
        param: o.p.name.clone(),
        file: String::new(),
    })?;
    let earlier = attrs.iter().find(|a| a.key.node == what_if::WHAT_IF);
    let original = earlier
        .and_then(what_if::attr_text)
        .and_then(what_if::original)
        .unwrap_or(&o.old)
        .to_string();
    let lit = if o.span.0 == o.span.1 {
        format!(" = {}", o.lit)
    } else {
        o.lit.clone()
    };
    let back = earlier.is_some() && what_if::same_value(o.p, &original, value, &o.new);
    let attr = what_if::attribute(&what_if::text(&original, &o.new, date));
    let open = what_if::block_open(text, o.after);
    match (earlier, open) {
        (Some(a), Some(open)) if back => {
            let only = attrs.len() == 1;
            let close = what_if::skip_blank(text, a.value.span.end);
            if only && text.get(close..).is_some_and(|r| r.starts_with('}')) {
                // A block that held only the what-if goes with it.
                edits.push((o.span.0, close + 1, lit));
            } else {
                edits.push((o.span.0, o.span.1, lit));
                let from = text
                    .get(..a.key.span.start)
                    .map_or(a.key.span.start, |b| b.trim_end_matches([' ', '\t']).len())
                    .max(open + 1);
                edits.push((from, a.value.span.end, String::new()));
            }
            Ok(format!("（回到文件原值 {original}，删去 what_if）"))
        }
        (Some(a), _) => {
            edits.push((o.span.0, o.span.1, lit));
            edits.push((a.key.span.start, a.value.span.end, attr));
            Ok(format!("（原值 {original}）"))
        }
        (None, Some(open)) => {
            edits.push((o.span.0, o.span.1, lit));
            let pad = if text.get(open + 1..).is_some_and(|r| r.starts_with('}')) {
                " "
            } else {
                ""
            };
            edits.push((open + 1, open + 1, format!(" {attr}{pad}")));
            Ok(String::new())
        }
        (None, None) => {
            edits.push((o.span.0, o.span.1, format!("{lit} {{ {attr} }}")));
            Ok(String::new())
        }
    }
}

/// The root file's text with the session's values (see [`Saved`]). Every changed value
/// carries a `what_if` attribute dated `date`.
pub fn render(rs: &RuleSet, date: &str) -> Result<Saved, SaveError> {
    let root = root_of(rs);
    let src = rs.sources.get(root).ok_or(SaveError::NoSource)?;
    let text = src.text();
    let file = crate::syntax::parse(src).map_err(|source| SaveError::Reparse {
        file: src.name().to_string(),
        source,
    })?;
    let no_decl = |p: &ParamInfo| SaveError::NoDeclaration {
        param: p.name.clone(),
        file: src.name().to_string(),
    };
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut appended: Vec<String> = Vec::new();
    let mut what = Vec::new();
    // Literals each changed value replaced, to look for in notes and quotations.
    let mut replaced: Vec<(&str, String, String)> = Vec::new();
    for p in &rs.params {
        if p.is_dated() && !tail(p).is_empty() {
            return Err(SaveError::Dated {
                param: p.name.clone(),
            });
        }
        let (Some(cur), Some(fv)) = (p.current(), show::file_value(p)) else {
            continue;
        };
        let Some(value) = cur.value else { continue };
        if tail(p).is_empty() || Some(value) == fv.value {
            continue;
        }
        let old = show::param_value(rs, p, Some(fv));
        let shown_new = |lit: &str| match value {
            Const::Member(_) => show::param_value(rs, p, Some(cur)),
            Const::Num(_) | Const::Bool(_) => lit.to_string(),
        };
        if fv.file == root {
            let own = if fv.value.is_some() {
                let measure = show::measure_of(fv.written.as_deref().unwrap_or(""));
                let lit = literal(rs, p, value, measure)?;
                Own {
                    p,
                    new: shown_new(&lit),
                    lit,
                    old: old.clone(),
                    span: (fv.span.start, fv.span.end),
                    after: fv.span.end,
                }
            } else {
                let decl = file.items.iter().find_map(|it| match &it.node {
                    Item::Param(d) if d.name.span == fv.span => Some(d),
                    _ => None,
                });
                let decl = decl.ok_or_else(|| no_decl(p))?;
                let measure = decl
                    .kind
                    .as_ref()
                    .filter(|k| k.node.name == "count")
                    .and_then(|k| k.node.arg.clone())
                    .unwrap_or_default();
                let lit = literal(rs, p, value, &measure)?;
                let span = decl.kind.as_ref().map_or(decl.name.span, |k| k.span);
                // A kind's span may take in the white space after it.
                let at = span.start
                    + text
                        .get(span.start..span.end)
                        .unwrap_or("")
                        .trim_end()
                        .len();
                Own {
                    p,
                    new: shown_new(&lit),
                    lit,
                    old: old.clone(),
                    span: (at, at),
                    after: at,
                }
            };
            let how = own_edits(text, &file, fv.span, &own, value, date, &mut edits)
                .map_err(|_| no_decl(p))?;
            what.push(format!("{}：{old} → {}{how}", p.name, own.lit));
            if let Some(w) = &fv.written {
                replaced.push((&p.name, w.clone(), own.lit.clone()));
            }
            let earlier = what_if::owner_attrs(&file, fv.span)
                .and_then(|a| a.iter().find(|a| a.key.node == what_if::WHAT_IF))
                .and_then(what_if::attr_text)
                .and_then(what_if::original);
            if let Some(orig) = earlier {
                replaced.push((&p.name, orig.to_string(), own.lit.clone()));
            }
        } else {
            let lit = literal(rs, p, value, &show::param_measure(p))?;
            let attr = what_if::attribute(&what_if::text(&old, &shown_new(&lit), date));
            what.push(format!("{}：{old} → {lit}（追加 override）", p.name));
            appended.push(format!("override {} = {lit} {{ {attr} }}\n", p.name));
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    let mut limit = usize::MAX;
    for (start, end, lit) in edits {
        if end > limit || start > end || end > out.len() {
            return Err(SaveError::OverlappingEdits);
        }
        out.replace_range(start..end, &lit);
        limit = start;
    }
    if !appended.is_empty() && !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for a in appended {
        out.push_str(&a);
    }
    let mut warnings = stale_mentions(src, &file, &replaced);
    // Only the values and their `what_if` change, in place; a file that was in the
    // canonical layout is told how to get back to it (`fmt --check` would refuse it).
    let canonical = crate::syntax::format::format(src).is_ok_and(|f| f == text);
    let still = crate::syntax::format::format(&crate::source::Source::new(src.path(), out.clone()))
        .is_ok_and(|f| f == out);
    if canonical && !still {
        warnings.push(crate::t!("repl.save.layout"));
    }
    Ok(Saved {
        text: out,
        what,
        warnings,
    })
}

/// One line per `note` or `quote` of the root file that mentions a literal a value of
/// `replaced` (parameter, old literal, new literal) had.
fn stale_mentions(
    src: &crate::source::Source,
    file: &File,
    replaced: &[(&str, String, String)],
) -> Vec<String> {
    let mut out = Vec::new();
    for (what, at, t) in what_if::notes_and_quotes(file) {
        for (name, old, new) in replaced {
            let Some(hit) = what_if::spellings(old)
                .into_iter()
                .find(|s| what_if::mentions(t, s))
            else {
                continue;
            };
            let line = src.line_col(at).0;
            let why = if what.starts_with("引文") {
                "引文是文件原话，保持不变".to_string()
            } else {
                format!("该说明可能已过时，请核对（新值 {new}）")
            };
            let line_text = format!("第 {line} 行的{what}提到 {name} 的旧值 {hit}：{why}");
            if !out.contains(&line_text) {
                out.push(line_text);
            }
        }
    }
    out
}

/// Check and compile `text` as the root file at `path`; it must give every parameter
/// the value it has in `rs`.
fn verify(rs: &RuleSet, path: &Path, text: &str) -> Result<(), SaveError> {
    let report = crate::check::check_source(path, text);
    let Some(model) = report.model else {
        return Err(SaveError::DoesNotCheck {
            diagnostics: report.diagnostics,
        });
    };
    let new = crate::compile::compile(&model)?;
    for p in &rs.params {
        let want = p.current().and_then(|v| v.value);
        let got = new
            .param_index(&p.name)
            .and_then(|i| new.params[i].current())
            .and_then(|v| v.value);
        if want != got {
            return Err(SaveError::ValueChanged {
                param: p.name.clone(),
            });
        }
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn dir_of(p: &Path) -> PathBuf {
    let d = p.parent().unwrap_or(Path::new(""));
    let d = if d.as_os_str().is_empty() {
        Path::new(".")
    } else {
        d
    };
    d.canonicalize().unwrap_or_else(|_| d.to_path_buf())
}

impl Session {
    /// `save PATH` / `save! PATH` / `save!! PATH`.
    pub fn save(&mut self, path: &Path, overwrite: Overwrite) -> Result<String, ReplError> {
        let r = self.rules()?;
        let Saved {
            text,
            what,
            warnings,
        } = render(&r.rs, &what_if::today())?;
        verify(&r.rs, &r.path, &text)?;
        let onto_loaded = same_file(path, &r.path);
        let loaded = if onto_loaded {
            r.rs.sources.get(root_of(&r.rs)).map(|s| s.text())
        } else {
            None
        };
        let written = write_atomic(path, &text, overwrite, loaded)?;
        let mut out = crate::t!("repl.status.saved", path = path.display());
        if written.target != path {
            out.push_str(&crate::t!(
                "repl.status.saved_through_link",
                target = written.target.display()
            ));
        }
        if what.is_empty() {
            out.push_str(&crate::t!("repl.status.saved_same"));
            out.push('\n');
        } else {
            out.push_str(&crate::t!("repl.status.saved_changes", n = what.len()));
            out.push('\n');
            for w in &what {
                out.push_str(&format!("  {w}\n"));
            }
        }
        for w in &warnings {
            crate::app::error::warn(w);
        }
        for f in &written.stale_removed {
            crate::app::error::warn(crate::t!(
                "repl.warning.stale_temp_removed",
                file = f.display()
            ));
        }
        let relative = text.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("import ") || l.starts_with("extends ")
        });
        if relative && dir_of(path) != dir_of(&r.path) {
            crate::app::error::warn(crate::t!(
                "repl.warning.relative_imports",
                path = path.display(),
                dir = r.path.display()
            ));
        }
        self.mark_saved();
        if onto_loaded {
            if let Some(r) = self.rules.as_mut() {
                for p in r.rs.params.iter_mut() {
                    clear_tail(p);
                }
            }
            let path = path.to_path_buf();
            self.load(&path)?;
            self.clear_undo();
            out.push_str(&crate::t!("repl.status.reloaded"));
            out.push('\n');
        }
        Ok(out)
    }
}
