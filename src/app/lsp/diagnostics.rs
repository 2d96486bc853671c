//! `townrules check`'s diagnostics as LSP diagnostics of one document.
//!
//! A diagnostic in the document is placed at its primary label; one in a file the
//! document imports or extends is placed on the `import`/`extends` line that leads to
//! it (else at the top), its message starting with `file:line:col`, and its place in
//! that file given as related information. The help line ends the message.

use std::path::Path;

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range,
};

use crate::diag::{Diag, Level};

use super::index::Index;
use super::text::{path_to_uri, LineIndex};

/// The diagnostics of the document at `path` (text `text`), from a check of it.
pub fn to_lsp(diags: &[Diag], path: &Path, text: &str, index: &Index) -> Vec<Diagnostic> {
    let lines = LineIndex::new(text);
    let own = path.display().to_string();
    diags
        .iter()
        .map(|d| convert(d, &own, text, &lines, index))
        .collect()
}

fn convert(d: &Diag, own: &str, text: &str, lines: &LineIndex, index: &Index) -> Diagnostic {
    let in_doc = d.file.as_deref() == Some(own);
    let other_text: Option<std::sync::Arc<str>> = d.src.as_ref().map(|s| s.inner().clone());
    let mut related = Vec::new();
    let (range, mut message) = match (in_doc, d.labels.first()) {
        (true, Some((span, _))) => (lines.range(text, *span), d.message.clone()),
        (false, Some((span, _))) => {
            // In an imported file: point at the import that leads there.
            let file = d.file.clone().unwrap_or_default();
            if let (Some(t), Some(uri)) = (&other_text, path_to_uri(Path::new(&file))) {
                let l = LineIndex::new(t);
                related.push(DiagnosticRelatedInformation {
                    location: Location::new(uri, l.range(t, *span)),
                    message: d.message.clone(),
                });
            }
            let range = import_leading_to(index, &file, text, lines).unwrap_or_default();
            (range, format!("{}: {}", d.location(), d.message))
        }
        (_, None) => {
            let range = match &d.file {
                Some(f) if f != own => import_leading_to(index, f, text, lines),
                _ => None,
            };
            (range.unwrap_or_default(), d.message.clone())
        }
    };
    // Secondary labels (and the primary label's text) as related information.
    for (i, (span, label)) in d.labels.iter().enumerate() {
        if label.is_empty() || (i == 0 && !in_doc) {
            continue;
        }
        let (uri, range) = if in_doc {
            (path_to_uri(Path::new(own)), lines.range(text, *span))
        } else {
            let Some(t) = &other_text else { continue };
            let file = d.file.clone().unwrap_or_default();
            (
                path_to_uri(Path::new(&file)),
                LineIndex::new(t).range(t, *span),
            )
        };
        if let Some(uri) = uri {
            related.push(DiagnosticRelatedInformation {
                location: Location::new(uri, range),
                message: label.clone(),
            });
        }
    }
    if let Some(help) = &d.help {
        message.push('\n');
        message.push_str(super::super::error::help_line(help).trim_start());
    }
    Diagnostic {
        range,
        severity: Some(match d.level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
            Level::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("townrules".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// The range of the document's `import`/`extends` string that leads (directly or
/// through other files) to `file`; the first one when none can be told.
fn import_leading_to(index: &Index, file: &str, text: &str, lines: &LineIndex) -> Option<Range> {
    let doc = index.files.first()?;
    let target = index
        .files
        .iter()
        .position(|f| f.path.display().to_string() == file);
    let reaches = |from: usize| -> bool {
        let Some(target) = target else { return false };
        let mut stack = vec![from];
        let mut seen = vec![false; index.files.len()];
        while let Some(f) = stack.pop() {
            if f == target {
                return true;
            }
            if std::mem::replace(&mut seen[f], true) {
                continue;
            }
            stack.extend(index.files[f].links.iter().map(|l| l.1));
        }
        false
    };
    let link = doc
        .links
        .iter()
        .find(|(_, dep)| reaches(*dep))
        .or_else(|| doc.links.first())?;
    Some(lines.range(text, link.0))
}
