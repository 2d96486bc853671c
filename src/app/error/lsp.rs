//! Why the language server stopped.

use miette::Diagnostic;

/// An error that ends `townrules lsp` (client mistakes are answered, not raised).
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum LspError {
    /// The editor's messages cannot be read.
    #[error("cannot read from the editor: {0}")]
    Read(#[source] std::io::Error),
    /// Answers cannot be written to the editor.
    #[error("cannot write to the editor: {0}")]
    Write(#[source] std::io::Error),
    /// The input ended before `shutdown` and `exit`.
    #[error("the editor closed the connection without `shutdown`")]
    #[diagnostic(help("`townrules lsp` is started by an editor and talks LSP on stdin/stdout"))]
    NoShutdown,
}
