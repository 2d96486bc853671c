//! A parameter value saved as a what-if (`what_if "由 10户 改为 9户（…）"`, the REPL's
//! `save`): not the document's, so `check` says so and every result that reads it is a
//! what-if analysis.

use crate::diag::{Code, Diag};
use crate::source::Source;
use crate::syntax::ast::Span;

/// The warning for value `written` of parameter `name`, saved with the note `note`.
pub(super) fn saved(src: &Source, span: Span, name: &str, written: &str, note: &str) -> Diag {
    Diag::warning(
        Code::SavedWhatIf,
        src,
        span,
        crate::t!(
            "saved_what_if.message",
            name = name,
            value = written,
            note = crate::diag::echo(note)
        ),
    )
    .label(crate::t!("saved_what_if.label"))
    .help(crate::t!("saved_what_if.help"))
}
