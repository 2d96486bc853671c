//! JSON-RPC messages over a byte stream with `Content-Length` framing.
//!
//! Framing is read here rather than by `lsp-server`'s stdio threads so that a
//! malformed message is answered (a parse error, or "invalid request" with its id)
//! and the server keeps going: nothing a client sends ends or panics the server
//! except the end of its input.

use std::io::{BufRead, Read, Write};

use lsp_server::{ErrorCode, Message, RequestId, Response};

use crate::app::error::LspError;

/// Largest message body accepted; a longer one is skipped and answered with an error.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// What one frame of input held.
#[derive(Debug)]
pub enum Incoming {
    /// A well-formed message.
    Message(Message),
    /// A frame that is not a JSON-RPC message: the error response to send (the
    /// request's id when one could be read, else `null`), if any.
    Malformed(Option<String>),
}

/// Read the next frame; `Ok(None)` at the end of the input.
pub fn read(input: &mut impl BufRead) -> Result<Option<Incoming>, LspError> {
    let mut length: Option<usize> = None;
    let mut bad_header = false;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        let n = input.read_line(&mut line).map_err(LspError::Read)?;
        if n == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are skipped.
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                match value.trim().parse::<usize>() {
                    Ok(v) => length = Some(v),
                    Err(_) => bad_header = true,
                }
            }
        } else {
            bad_header = true;
        }
    }
    let Some(length) = length else {
        return Ok(Some(Incoming::Malformed(Some(error_json(
            None,
            ErrorCode::ParseError,
            &crate::t!("app.lsp.no_length"),
        )))));
    };
    if length > MAX_BODY_BYTES {
        std::io::copy(&mut input.take(length as u64), &mut std::io::sink())
            .map_err(LspError::Read)?;
        return Ok(Some(Incoming::Malformed(Some(error_json(
            None,
            ErrorCode::ParseError,
            &crate::t!("app.lsp.too_large", length = length, max = MAX_BODY_BYTES),
        )))));
    }
    let mut body = vec![0u8; length];
    input.read_exact(&mut body).map_err(LspError::Read)?;
    if bad_header {
        return Ok(Some(Incoming::Malformed(Some(error_json(
            None,
            ErrorCode::ParseError,
            &crate::t!("app.lsp.bad_header"),
        )))));
    }
    Ok(Some(parse_body(&body)))
}

/// A message body as a JSON-RPC message, or the error to answer it with.
fn parse_body(body: &[u8]) -> Incoming {
    let value = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => v,
        Err(e) => {
            return Incoming::Malformed(Some(error_json(
                None,
                ErrorCode::ParseError,
                &crate::t!("app.lsp.not_json", error = e),
            )))
        }
    };
    let has_id = value.get("id").is_some_and(|id| !id.is_null());
    match serde_json::from_value::<Message>(value.clone()) {
        // A request whose id `RequestId` cannot hold reads as a notification.
        Ok(Message::Notification(_)) if has_id => {}
        Ok(msg) => return Incoming::Message(msg),
        Err(_) => {}
    }
    // Any number or string id is echoed, even one `RequestId` cannot hold (2^40).
    let id = value
        .get("id")
        .filter(|id| id.is_number() || id.is_string())
        .cloned();
    match id {
        // A request we cannot read: answer it, so the client does not wait forever.
        Some(id) => Incoming::Malformed(Some(error_json(
            Some(id),
            ErrorCode::InvalidRequest,
            &crate::t!("app.lsp.not_request"),
        ))),
        // A notification (or something without an id) we cannot read: nobody waits
        // for an answer, so it is ignored.
        None if value.get("method").is_some() => Incoming::Malformed(None),
        None => Incoming::Malformed(Some(error_json(
            None,
            ErrorCode::InvalidRequest,
            &crate::t!("app.lsp.not_message"),
        ))),
    }
}

/// A JSON-RPC error response as text (`id` is `null` when it is not known).
fn error_json(id: Option<serde_json::Value>, code: ErrorCode, message: &str) -> String {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": id.unwrap_or(serde_json::Value::Null),
        "error": { "code": code as i32, "message": message },
    })
    .to_string()
}

/// Write a message with its `Content-Length` header.
pub fn write(out: &mut impl Write, msg: &Message) -> Result<(), LspError> {
    msg.write(out).map_err(LspError::Write)
}

/// Write an already serialised message body with its header.
pub fn write_raw(out: &mut impl Write, body: &str) -> Result<(), LspError> {
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len()).map_err(LspError::Write)?;
    out.flush().map_err(LspError::Write)
}

/// An error response to a request.
pub fn error_response(id: RequestId, code: ErrorCode, message: impl Into<String>) -> Message {
    Message::Response(Response::new_err(id, code as i32, message.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Incoming> {
        let mut r = std::io::Cursor::new(input.as_bytes().to_vec());
        let mut out = Vec::new();
        while let Some(m) = read(&mut r).unwrap() {
            out.push(m);
        }
        out
    }

    #[test]
    fn reads_messages_and_answers_malformed_ones() {
        let ok = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let bad_req = r#"{"jsonrpc":"2.0","id":7,"method":5}"#;
        let bad_note = r#"{"jsonrpc":"2.0","method":{}}"#;
        let big_id = r#"{"jsonrpc":"2.0","id":1099511627776,"method":"shutdown"}"#;
        let input = format!(
            "Content-Length: {}\r\n\r\n{ok}Content-Length: 3\r\n\r\n{{{{xContent-Length: {}\r\n\r\n{bad_req}Content-Length: {}\r\n\r\n{bad_note}Content-Length: {}\r\n\r\n{big_id}",
            ok.len(),
            bad_req.len(),
            bad_note.len(),
            big_id.len()
        );
        let got = frames(&input);
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(
            matches!(&got[4], Incoming::Malformed(Some(e)) if e.contains("\"id\":1099511627776"))
        );
        assert!(
            matches!(&got[0], Incoming::Message(Message::Request(r)) if r.method == "shutdown")
        );
        assert!(
            matches!(&got[1], Incoming::Malformed(Some(e)) if e.contains("-32700") && e.contains("\"id\":null"))
        );
        assert!(
            matches!(&got[2], Incoming::Malformed(Some(e)) if e.contains("\"id\":7") && e.contains("-32600"))
        );
        assert!(matches!(&got[3], Incoming::Malformed(None)));
    }

    #[test]
    fn a_frame_without_length_is_an_error_not_a_panic() {
        let got = frames("Foo: bar\r\n\r\n");
        assert!(matches!(&got[..], [Incoming::Malformed(Some(e))] if e.contains("Content-Length")));
        // A body shorter than announced: the input ended, which is a read error.
        let mut r = std::io::Cursor::new(b"Content-Length: 10\r\n\r\n{}".to_vec());
        assert!(read(&mut r).is_err());
    }
}
