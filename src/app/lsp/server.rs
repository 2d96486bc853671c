//! The server's state (the open documents) and the answer to each message.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{Completion, Formatting, GotoDefinition, HoverRequest, Request as _};
use lsp_types::{
    CompletionParams, CompletionResponse, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentFormattingParams,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams,
    HoverProviderCapability, InitializeResult, MarkupContent, MarkupKind, OneOf,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentContentChangeEvent,
    TextDocumentPositionParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};

use super::index::{word_at, Index};
use super::text::{uri_to_path, LineIndex};
use super::transport::{self, Incoming};
use super::{diagnostics, format, hover, navigate};
use crate::app::error::LspError;
use crate::check::Checked;

/// An open document.
struct Doc {
    path: PathBuf,
    text: String,
    version: Option<i32>,
    index: Index,
    /// The model of the last check without errors (for hover while typing).
    model: Option<Checked>,
}

/// How the conversation with the editor ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `shutdown`, then `exit`.
    Clean,
    /// `exit` without `shutdown`.
    ExitWithoutShutdown,
}

/// The language server: reads messages from `input`, answers on `output`.
pub struct Server<R, W> {
    input: R,
    output: W,
    docs: HashMap<String, Doc>,
    initialized: bool,
    shutting_down: bool,
}

impl<R: BufRead, W: Write> Server<R, W> {
    /// A server talking over `input` and `output`.
    pub fn new(input: R, output: W) -> Self {
        Server {
            input,
            output,
            docs: HashMap::new(),
            initialized: false,
            shutting_down: false,
        }
    }

    /// Answer messages until `exit` (or the end of the input, an error).
    pub fn run(&mut self) -> Result<Ending, LspError> {
        loop {
            let Some(incoming) = transport::read(&mut self.input)? else {
                return Err(LspError::NoShutdown);
            };
            match incoming {
                Incoming::Malformed(Some(answer)) => {
                    transport::write_raw(&mut self.output, &answer)?
                }
                Incoming::Malformed(None) => {}
                Incoming::Message(Message::Request(req)) => self.request(req)?,
                Incoming::Message(Message::Notification(n)) => {
                    if n.method == "exit" {
                        return Ok(if self.shutting_down {
                            Ending::Clean
                        } else {
                            Ending::ExitWithoutShutdown
                        });
                    }
                    self.notification(n)?;
                }
                // Answers to requests we never send.
                Incoming::Message(Message::Response(_)) => {}
            }
        }
    }

    fn send(&mut self, msg: Message) -> Result<(), LspError> {
        transport::write(&mut self.output, &msg)
    }

    fn reply<T: serde::Serialize>(&mut self, id: RequestId, result: T) -> Result<(), LspError> {
        let msg = match serde_json::to_value(result) {
            Ok(v) => Message::Response(Response {
                id,
                response_result: Ok(v),
            }),
            Err(e) => transport::error_response(id, ErrorCode::InternalError, e.to_string()),
        };
        self.send(msg)
    }

    fn request(&mut self, req: Request) -> Result<(), LspError> {
        let id = req.id.clone();
        if req.method == "initialize" {
            self.initialized = true;
            return self.reply(id, initialize_result());
        }
        if !self.initialized {
            let e =
                transport::error_response(id, ErrorCode::ServerNotInitialized, "先发送 initialize");
            return self.send(e);
        }
        if self.shutting_down {
            let e = transport::error_response(id, ErrorCode::InvalidRequest, "服务器正在关闭");
            return self.send(e);
        }
        match req.method.as_str() {
            "shutdown" => {
                self.shutting_down = true;
                self.reply(id, ())
            }
            HoverRequest::METHOD => match params::<HoverParams>(&req) {
                Ok(p) => {
                    let h = self.hover(&p.text_document_position_params);
                    self.reply(id, h)
                }
                Err(e) => self.send(e),
            },
            GotoDefinition::METHOD => match params::<GotoDefinitionParams>(&req) {
                Ok(p) => {
                    let d = self.definition(&p.text_document_position_params);
                    self.reply(id, d)
                }
                Err(e) => self.send(e),
            },
            Completion::METHOD => match params::<CompletionParams>(&req) {
                Ok(p) => {
                    let items = self
                        .docs
                        .get(p.text_document_position.text_document.uri.as_str())
                        .map(|d| navigate::completion(&d.index))
                        .unwrap_or_default();
                    self.reply(id, CompletionResponse::Array(items))
                }
                Err(e) => self.send(e),
            },
            Formatting::METHOD => match params::<DocumentFormattingParams>(&req) {
                Ok(p) => {
                    let Some(doc) = self.docs.get(p.text_document.uri.as_str()) else {
                        return self.reply(id, None::<Vec<lsp_types::TextEdit>>);
                    };
                    match format::formatting(&doc.path, &doc.text) {
                        Ok(edits) => self.reply(id, edits),
                        Err(e) => {
                            let (line, col) = doc_line_col(&doc.text, e.span.offset());
                            let e = transport::error_response(
                                id,
                                ErrorCode::RequestFailed,
                                crate::t!(
                                    "app.lsp.format_syntax",
                                    line = line,
                                    column = col,
                                    message = e.message
                                ),
                            );
                            self.send(e)
                        }
                    }
                }
                Err(e) => self.send(e),
            },
            other => {
                let e = transport::error_response(
                    id,
                    ErrorCode::MethodNotFound,
                    crate::t!("app.lsp.unknown_method", method = other),
                );
                self.send(e)
            }
        }
    }

    fn notification(&mut self, n: Notification) -> Result<(), LspError> {
        // Notifications that cannot be read are ignored: nobody waits for an answer.
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    self.set_text(&d.uri, d.text, Some(d.version))?;
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    let Some(doc) = self.docs.get(d.uri.as_str()) else {
                        return Ok(());
                    };
                    let text = apply_changes(&doc.text, p.content_changes);
                    self.set_text(&d.uri, text, Some(d.version))?;
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) {
                    let key = p.text_document.uri.as_str().to_string();
                    if let (Some(text), Some(doc)) = (p.text, self.docs.get_mut(&key)) {
                        doc.text = text;
                    }
                    // A saved file may be imported by the other open documents.
                    let uris: Vec<String> = self.docs.keys().cloned().collect();
                    for uri in uris {
                        self.refresh(&uri)?;
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    if self.docs.remove(uri.as_str()).is_some() {
                        self.publish(uri, Vec::new(), None)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn set_text(&mut self, uri: &Uri, text: String, version: Option<i32>) -> Result<(), LspError> {
        let key = uri.as_str().to_string();
        let path = uri_to_path(uri).unwrap_or_else(|| PathBuf::from("untitled.rules"));
        let model = self.docs.remove(&key).and_then(|d| d.model);
        self.docs.insert(
            key.clone(),
            Doc {
                path,
                text,
                version,
                index: Index::default(),
                model,
            },
        );
        self.refresh(&key)
    }

    /// Check a document again and publish its diagnostics.
    fn refresh(&mut self, key: &str) -> Result<(), LspError> {
        let open: HashMap<PathBuf, String> = self
            .docs
            .values()
            .map(|d| (canonical(&d.path), d.text.clone()))
            .collect();
        let Some(doc) = self.docs.get_mut(key) else {
            return Ok(());
        };
        let report = crate::check::check_source(&doc.path, &doc.text);
        doc.index = Index::build(&doc.path, &doc.text, &|p: &Path| open.get(p).cloned());
        let diags = diagnostics::to_lsp(&report.diagnostics, &doc.path, &doc.text, &doc.index);
        if let Some(m) = report.model {
            doc.model = Some(m);
        }
        let version = doc.version;
        let Ok(uri) = key.parse::<Uri>() else {
            return Ok(());
        };
        self.publish(uri, diags, version)
    }

    fn publish(
        &mut self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), LspError> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let n = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
        self.send(Message::Notification(n))
    }

    fn hover(&self, at: &TextDocumentPositionParams) -> Option<Hover> {
        let doc = self.docs.get(at.text_document.uri.as_str())?;
        let offset = doc
            .index
            .files
            .first()?
            .lines
            .offset(&doc.text, at.position);
        let super::index::Word::Name(candidates) = word_at(&doc.text, offset)? else {
            return None;
        };
        let text = hover::hover(&candidates, &doc.index, doc.model.as_ref())?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: None,
        })
    }

    fn definition(&self, at: &TextDocumentPositionParams) -> Option<GotoDefinitionResponse> {
        let doc = self.docs.get(at.text_document.uri.as_str())?;
        let offset = doc
            .index
            .files
            .first()?
            .lines
            .offset(&doc.text, at.position);
        let locations = navigate::definition(&word_at(&doc.text, offset)?, &doc.index);
        (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
    }
}

/// The text after the changes, in order: a change without a range is the whole text
/// (the synchronisation the server asks for); one with a range replaces that range.
fn apply_changes(text: &str, changes: Vec<TextDocumentContentChangeEvent>) -> String {
    let mut text = text.to_string();
    for c in changes {
        match c.range {
            None => text = c.text,
            Some(r) => {
                let lines = LineIndex::new(&text);
                let start = lines.offset(&text, r.start);
                let end = lines.offset(&text, r.end).max(start);
                text.replace_range(start..end, &c.text);
            }
        }
    }
    text
}

/// 1-based line and column (in characters) of a byte offset.
fn doc_line_col(text: &str, offset: usize) -> (usize, usize) {
    crate::source::Source::new("", text.to_string()).line_col(offset)
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A request's parameters, or the error response for parameters that do not fit.
fn params<P: serde::de::DeserializeOwned>(req: &Request) -> Result<P, Message> {
    serde_json::from_value(req.params.clone()).map_err(|e| {
        transport::error_response(
            req.id.clone(),
            ErrorCode::InvalidParams,
            crate::t!("app.lsp.invalid_params", method = req.method, error = e),
        )
    })
}

fn initialize_result() -> InitializeResult {
    InitializeResult {
        capabilities: ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::FULL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            completion_provider: Some(lsp_types::CompletionOptions::default()),
            document_formatting_provider: Some(OneOf::Left(true)),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "townrules".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|(a, b)| Range::new(Position::new(a.0, a.1), Position::new(b.0, b.1))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn changes_apply_in_order_with_utf16_ranges() {
        let text = "年产值 >= 20亿元\nx";
        let out = apply_changes(
            text,
            vec![
                change(Some(((0, 7), (0, 9))), "15"),
                change(Some(((1, 0), (1, 1))), "产值"),
                // A range past the end is clamped, never a panic.
                change(Some(((9, 0), (9, 4))), "!"),
            ],
        );
        assert_eq!(out, "年产值 >= 15亿元\n产值!");
        assert_eq!(apply_changes(text, vec![change(None, "new")]), "new");
        // End before start: nothing is removed.
        assert_eq!(
            apply_changes("abc", vec![change(Some(((0, 2), (0, 1))), "X")]),
            "abXc"
        );
    }
}
