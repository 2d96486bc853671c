//! Located diagnostics about rule files: errors, warnings and notes with the
//! source underlined and a help line, rendered by miette.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, Severity, SourceCode};

use crate::source::Source;
use crate::syntax::ast::Span;

/// Rightmost byte offset on its line at which a label is still underlined.
const MAX_LABEL_COLUMN: usize = 16_000;
/// Secondary labels farther than this many lines from the primary one are named in the
/// help with their line rather than drawn (the excerpt would hold every line between).
const FAR_LINES: usize = 8;
/// Longest line, in bytes, drawn in an excerpt: a longer one (a 3,000-character name)
/// is named by its location only, so one huge line cannot make a huge message.
const MAX_SHOWN_LINE: usize = 1024;

pub use crate::source::{echo, visible, MAX_ECHO_CHARS};

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

/// The stable code of a diagnostic, printed as `townrules::unknown_name` and so on.
/// Tests and users match on the printed text, so [`Code::as_str`] never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A syntax error: the text does not follow the grammar.
    Syntax,
    /// A rule file cannot be read.
    Io,
    /// Files import or extend each other in a circle.
    ImportCycle,
    /// Imports nested deeper than the limit.
    ImportDepth,
    /// An imported or extended file does not exist.
    MissingImport,
    /// An imported or extended file outside the rule set's home (its git work tree or
    /// folder): refused without reading it.
    ImportOutside,
    /// A rule set extends more than one rule set.
    ExtendsTwice,
    /// A name that is not declared (fact, parameter, category, criterion …).
    UnknownName,
    /// An attribute that the item does not have.
    UnknownAttr,
    /// A name, code or entry declared twice.
    Duplicate,
    /// A declaration with a kind that does not fit (e.g. a unit on a count).
    Kind,
    /// An expression whose kinds do not fit together (money compared with a count …).
    KindMismatch,
    /// A function called with the wrong number of arguments.
    Arity,
    /// A list used where it cannot be.
    List,
    /// A table used in the wrong place or way.
    TableUse,
    /// A unit that does not fit the value.
    Unit,
    /// A number that cannot be read.
    Number,
    /// A date that cannot be read.
    Date,
    /// An unknown government level.
    Level,
    /// Indicator levels that do not fit together.
    Levels,
    /// A criterion without a condition.
    EmptyCriterion,
    /// A draft parameter without a value (a note).
    DraftParam,
    /// A parameter value saved as a what-if (`what_if "…"`): not the document's, so
    /// every result that reads it is a what-if analysis (a warning).
    SavedWhatIf,
    /// A problem in an evaluation indicator system.
    Evaluation,
    /// Indicator weights that do not add up.
    Weights,
    /// Grade bands that overlap or leave gaps.
    Grades,
    /// A file without a `ruleset` header used as a rule set.
    NoHeader,
    /// A quotation (or priority text) that is not the words of the source text.
    Misquote,
    /// A rule set whose header names no source text (a warning: its quotations are not checked).
    NoSource,
    /// A source text that cannot be read or lies outside the rule set's folder.
    MissingSource,
}

impl Code {
    /// Every code, in the order above.
    pub const ALL: [Code; 30] = [
        Code::Syntax,
        Code::Io,
        Code::ImportCycle,
        Code::ImportDepth,
        Code::MissingImport,
        Code::ImportOutside,
        Code::ExtendsTwice,
        Code::UnknownName,
        Code::UnknownAttr,
        Code::Duplicate,
        Code::Kind,
        Code::KindMismatch,
        Code::Arity,
        Code::List,
        Code::TableUse,
        Code::Unit,
        Code::Number,
        Code::Date,
        Code::Level,
        Code::Levels,
        Code::EmptyCriterion,
        Code::DraftParam,
        Code::SavedWhatIf,
        Code::Evaluation,
        Code::Weights,
        Code::Grades,
        Code::NoHeader,
        Code::Misquote,
        Code::NoSource,
        Code::MissingSource,
    ];

    /// The code as printed: `townrules::unknown_name`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "townrules::syntax",
            Code::Io => "townrules::io",
            Code::ImportCycle => "townrules::import_cycle",
            Code::ImportDepth => "townrules::import_depth",
            Code::MissingImport => "townrules::missing_import",
            Code::ImportOutside => "townrules::import_outside",
            Code::ExtendsTwice => "townrules::extends_twice",
            Code::UnknownName => "townrules::unknown_name",
            Code::UnknownAttr => "townrules::unknown_attr",
            Code::Duplicate => "townrules::duplicate",
            Code::Kind => "townrules::kind",
            Code::KindMismatch => "townrules::kind_mismatch",
            Code::Arity => "townrules::arity",
            Code::List => "townrules::list",
            Code::TableUse => "townrules::table_use",
            Code::Unit => "townrules::unit",
            Code::Number => "townrules::number",
            Code::Date => "townrules::date",
            Code::Level => "townrules::level",
            Code::Levels => "townrules::levels",
            Code::EmptyCriterion => "townrules::empty_criterion",
            Code::DraftParam => "townrules::draft_param",
            Code::SavedWhatIf => "townrules::saved_what_if",
            Code::Evaluation => "townrules::evaluation",
            Code::Weights => "townrules::weights",
            Code::Grades => "townrules::grades",
            Code::NoHeader => "townrules::no_header",
            Code::Misquote => "townrules::misquote",
            Code::NoSource => "townrules::no_source",
            Code::MissingSource => "townrules::missing_source",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One problem found in a rule file, with where it is and how to fix it.
#[derive(Debug, Clone)]
pub struct Diag {
    /// Error, warning or note.
    pub level: Level,
    /// A stable code such as [`Code::UnknownName`] (`townrules::unknown_name`).
    pub code: Code,
    /// What is wrong, from the message catalogue in the current language (see
    /// [`crate::i18n`]): no final period, user text in backticks.
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
    pub fn error(code: Code, source: &Source, span: Span, message: impl Into<String>) -> Self {
        Diag::at(Level::Error, code, source, span, message)
    }

    /// A warning at `span` in `source`.
    pub fn warning(code: Code, source: &Source, span: Span, message: impl Into<String>) -> Self {
        Diag::at(Level::Warning, code, source, span, message)
    }

    /// A note at `span` in `source`.
    pub fn note(code: Code, source: &Source, span: Span, message: impl Into<String>) -> Self {
        Diag::at(Level::Note, code, source, span, message)
    }

    fn at(
        level: Level,
        code: Code,
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
    pub fn plain(code: Code, message: impl Into<String>) -> Self {
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
    /// nobody could read it), and so are labels on a line longer than
    /// [`MAX_SHOWN_LINE`] bytes; [`Diagnostic::help`] then gives the location.
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
        let line_end = |at: usize| {
            let at = at.min(bytes.len());
            bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |n| at + n)
        };
        let short = |at: usize| column(at) + (line_end(at) - at.min(bytes.len())) <= MAX_SHOWN_LINE;
        column(span.start) <= MAX_LABEL_COLUMN
            && column(span.end) <= MAX_LABEL_COLUMN
            && short(span.start)
            && short(span.end)
    }

    /// The 1-based line of byte offset `at` in the source.
    fn line_of(&self, at: usize) -> usize {
        let Some(src) = &self.src else { return 0 };
        let bytes = src.inner().as_bytes();
        bytes[..at.min(bytes.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// Whether a secondary label is near enough the primary one to be drawn in the same
    /// excerpt (farther ones would pull every line between into it): those are named in
    /// the help with their line instead.
    fn near(&self, span: Span) -> bool {
        let Some((primary, _)) = self.labels.first() else {
            return true;
        };
        self.line_of(primary.start)
            .abs_diff(self.line_of(span.start))
            <= FAR_LINES
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
        let far: Vec<String> = self
            .labels
            .iter()
            .skip(1)
            .filter(|(s, _)| !self.near(*s))
            .map(|(s, t)| crate::t!("diag.far_label", label = t, line = self.line_of(s.start)))
            .collect();
        if !far.is_empty() {
            let far = far.join(&crate::t!("diag.far_separator"));
            return Some(Box::new(match &self.help {
                Some(h) => format!("{h}\n{}", crate::t!("diag.far", places = far)),
                None => crate::t!("diag.far", places = far),
            }));
        }
        let hidden = matches!(self.labels.first(), Some((s, _)) if !self.shown(*s));
        if hidden {
            let at = crate::t!("diag.too_long", location = self.location());
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
                .filter(|(i, (s, _))| self.shown(*s) && (*i == 0 || self.near(*s)))
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
            Code::Syntax,
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
    localize_rendered(&out)
}

/// miette's rendering in the current language: its `help:` lead-in, which it always
/// writes in English, becomes `提示：` in Chinese (the same width, so wrapped help lines
/// stay aligned). A colour code before the lead-in is kept.
pub fn localize_rendered(text: &str) -> String {
    if crate::i18n::lang() == crate::i18n::Lang::En {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        // An optional colour code `ESC[…m` first.
        let colour = match line.strip_prefix("\u{1b}[") {
            Some(rest) => rest.find('m').map_or(0, |m| m + 3),
            None => 0,
        };
        match line[colour..].strip_prefix("  help: ") {
            Some(rest) => {
                out.push_str(&line[..colour]);
                out.push_str("  提示：");
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{localize_rendered, render_plain, Code, Diag};
    use crate::source::Source;
    use crate::syntax::ast::Span;

    // The unit tests never set a language: messages are Chinese, the default.

    #[test]
    fn help_is_tishi_in_chinese_with_its_colour_kept() {
        let plain = "  × 错误\n  help: 请写 `是`\n        第二行\n";
        assert_eq!(
            localize_rendered(plain),
            "  × 错误\n  提示：请写 `是`\n        第二行\n"
        );
        let coloured = "\u{1b}[36m  help: \u{1b}[39m请写\n";
        assert_eq!(
            localize_rendered(coloured),
            "\u{1b}[36m  提示：\u{1b}[39m请写\n"
        );
    }

    #[test]
    fn far_labels_and_hidden_lines_are_named_in_chinese() {
        let text = format!("x\n{}y\n", "\n".repeat(20));
        let src = Source::new("t.rules", text);
        let d = Diag::error(Code::Duplicate, &src, Span::new(22, 23), "重复")
            .also(Span::new(0, 1), "首次声明在此")
            .help("请改名");
        let out = render_plain(&[d], 100);
        assert!(out.contains("提示：请改名"), "{out}");
        assert!(out.contains("（首次声明在此：第 1 行）"), "{out}");
        let long = format!("{}z\n", " ".repeat(super::MAX_LABEL_COLUMN + 10));
        let src = Source::new("t.rules", long);
        let at = super::MAX_LABEL_COLUMN + 10;
        let d = Diag::error(Code::Syntax, &src, Span::new(at, at + 1), "错");
        let out = render_plain(&[d], 100);
        assert!(out.contains("位置：t.rules:1:"), "{out}");
        assert!(out.contains("这一行太长，无法显示"), "{out}");
    }

    #[test]
    fn codes_are_distinct_and_namespaced() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(c.as_str().starts_with("townrules::"), "{c:?}");
            assert!(seen.insert(c.as_str()), "{c:?} printed twice");
            assert_eq!(c.to_string(), c.as_str());
        }
    }
}
