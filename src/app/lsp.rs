//! `townrules lsp`: a language server on stdin/stdout for editors.
//!
//! Diagnostics as you type (the same as `townrules check`, with their help), hover on
//! parameters and facts (value, unit and provenance along `extends`; label, kind and
//! aliases), go to definition across `import` and `extends`, completion of facts,
//! parameters, categories and keywords, and formatting (the layout of `townrules fmt`). Positions are in UTF-16 code units, as LSP
//! wants them.
//!
//! ```text
//!  transport (framing, malformed input) ──► server (documents, dispatch)
//!      ├─► diagnostics (check → LSP)        ├─► hover
//!      ├─► format (townrules fmt → one edit)
//!      └─► index (declarations, word at cursor) ─► navigate (definition, completion)
//! ```

mod diagnostics;
mod format;
mod hover;
mod index;
mod navigate;
mod server;
mod text;
mod transport;

pub use server::{Ending, Server};

pub use super::error::LspError;
use super::error::{AppError, Outcome};

/// Run the server on stdin/stdout until the editor says `exit`.
pub fn run() -> Result<Outcome, AppError> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut server = Server::new(stdin.lock(), stdout.lock());
    match server.run()? {
        Ending::Clean => Ok(Outcome::Success),
        // LSP: `exit` without `shutdown` exits with status 1.
        Ending::ExitWithoutShutdown => Ok(Outcome::Problems),
    }
}
