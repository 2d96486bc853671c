//! Located diagnostics about rule files: errors, warnings and notes with the
//! source underlined and a help line, rendered by miette.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, Severity, SourceCode};

use crate::source::Source;
use crate::syntax::ast::Span;

/// Rightmost byte offset on its line at which a label is still underlined.
const MAX_LABEL_COLUMN: usize = 16_000;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Information, e.g. a draft parameter without a value.
    Note,
    /// Something probably wrong that does not stop evaluation, e.g. weights that do not add up.
    Warning,
    /// The rule set cannot be used.
    Error,
}

/// One problem found in a rule file, with where it is and how to fix it.
#[derive(Debug, Clone)]
pub struct Diag {
    /// Error, warning or note.
    pub level: Level,
    /// A stable code such as `townrules::unknown_name`.
    pub code: &'static str,
    /// What is wrong: lowercase, no final period, user text in backticks.
    pub message: String,
    /// The file it is in, if any.
    pub src: Option<NamedSource<Arc<str>>>,
    /// Underlined places, each with a short label; the first is the primary one.
    pub labels: Vec<(Span, String)>,
    /// How to fix it.
    pub help: Option<String>,
    /// 1-based line and column of the primary label.
    pub line_col: Option<(usize, usize)>,
    /// The file's name.
    pub file: Option<String>,
}

impl Diag {
    /// An error at `span` in `source`.
    pub fn error(
        code: &'static str,
        source: &Source,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diag::at(Level::Error, code, source, span, message)
    }

    /// A warning at `span` in `source`.
    pub fn warning(
        code: &'static str,
        source: &Source,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diag::at(Level::Warning, code, source, span, message)
    }

    /// A note at `span` in `source`.
    pub fn note(
        code: &'static str,
        source: &Source,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diag::at(Level::Note, code, source, span, message)
    }

    fn at(
        level: Level,
        code: &'static str,
        source: &Source,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diag {
            level,
            code,
            message: message.into(),
            src: Some(source.named()),
            labels: vec![(span, String::new())],
            help: None,
            line_col: Some(source.line_col(span.start)),
            file: Some(source.name().to_string()),
        }
    }

    /// An error that is not about a place in a file (e.g. an unreadable file).
    pub fn plain(code: &'static str, message: impl Into<String>) -> Self {
        Diag {
            level: Level::Error,
            code,
            message: message.into(),
            src: None,
            labels: Vec::new(),
            help: None,
            line_col: None,
            file: None,
        }
    }

    /// Set the primary label's text.
    pub fn label(mut self, text: impl Into<String>) -> Self {
        if let Some(l) = self.labels.first_mut() {
            l.1 = text.into();
        }
        self
    }

    /// Underline another place in the same file.
    pub fn also(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push((span, text.into()));
        self
    }

    /// Add the help line.
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    /// Whether this is an error (not a warning or note).
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// Whether `span` can be underlined: labels further right on their line than
    /// [`MAX_LABEL_COLUMN`] bytes are left out (the renderer cannot pad that far, and
    /// nobody could read it); [`Diagnostic::help`] then gives the location.
    fn shown(&self, span: Span) -> bool {
        let Some(src) = &self.src else { return false };
        let bytes = src.inner().as_bytes();
        let column = |at: usize| {
            let at = at.min(bytes.len());
            let start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |n| n + 1);
            at - start
        };
        column(span.start) <= MAX_LABEL_COLUMN && column(span.end) <= MAX_LABEL_COLUMN
    }

    /// `file:line:col` of the primary label.
    pub fn location(&self) -> String {
        match (&self.file, self.line_col) {
            (Some(f), Some((l, c))) => format!("{f}:{l}:{c}"),
            (Some(f), None) => f.clone(),
            _ => String::new(),
        }
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn severity(&self) -> Option<Severity> {
        Some(match self.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Note => Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let hidden = matches!(self.labels.first(), Some((s, _)) if !self.shown(*s));
        if hidden {
            let at = format!("at {} (the line is too long to show)", self.location());
            let text = match &self.help {
                Some(h) => format!("{h}\n{at}"),
                None => at,
            };
            return Some(Box::new(text));
        }
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.src.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(
            self.labels
                .iter()
                .enumerate()
                .filter(|(_, (s, _))| self.shown(*s))
                .map(|(i, (s, t))| {
                    let text = if t.is_empty() { None } else { Some(t.clone()) };
                    if i == 0 {
                        LabeledSpan::new_primary_with_span(text, *s)
                    } else {
                        LabeledSpan::new_with_span(text, *s)
                    }
                }),
        ))
    }
}

impl From<crate::syntax::ParseError> for Diag {
    fn from(e: crate::syntax::ParseError) -> Self {
        let name = e.src.name().to_string();
        let start = e.span.offset();
        let text = e.src.inner().clone();
        let src = Source::new(name, text);
        let mut d = Diag::error(
            "townrules::syntax",
            &src,
            Span::new(start, start + e.span.len()),
            e.message,
        )
        .label(e.label);
        d.help = e.help;
        d
    }
}

/// Render diagnostics as text (unicode, no colour) at the given width — what tests compare.
pub fn render_plain(diags: &[Diag], width: usize) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(width);
    let mut out = String::new();
    for d in diags {
        let _ = handler.render_report(&mut out, d);
    }
    out
}
