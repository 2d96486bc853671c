//! Why the language server stopped.

use miette::Diagnostic;

/// An error that ends `townrules lsp` (client mistakes are answered, not raised).
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum LspError {
    /// The editor's messages cannot be read.
    #[error("{}", crate::t!("app.lsp.read", error = .0))]
    Read(#[source] std::io::Error),
    /// Answers cannot be written to the editor.
    #[error("{}", crate::t!("app.lsp.write", error = .0))]
    Write(#[source] std::io::Error),
    /// The input ended before `shutdown` and `exit`.
    #[error("{}", crate::t!("app.lsp.no_shutdown"))]
    #[diagnostic(help("{}", crate::t!("app.lsp.no_shutdown_help")))]
    NoShutdown,
}
