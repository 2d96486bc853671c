//! `townrules lsp` driven over stdio as an editor would: Content-Length framing,
//! initialize, diagnostics of an unsaved buffer, hover, go to definition across
//! `import` and `extends`, completion, formatting, malformed input, shutdown and exit. The rule files are a copy
//! of rules/ in a temporary folder, so paths and imports are real.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(cwd: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_townrules"))
            .args(args)
            .current_dir(cwd)
            .env_remove("TOWNRULES_LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start townrules lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages: rx,
            next_id: 1,
        }
    }

    fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string();
        self.send_raw(&body);
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let body =
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
        self.send_raw(&body);
        self.wait(|m| m["id"] == json!(id))
    }

    /// The next message that satisfies `pred` (others are skipped).
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .messages
                .recv_timeout(Duration::from_secs(30))
                .expect("the server answers within 30 s");
            if pred(&m) {
                return m;
            }
        }
    }

    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"].as_array().cloned().unwrap()
    }
}

fn copy_rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("rules");
    copy_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules")
            .as_path(),
        &to,
    );
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The `file://` URI of a path, percent-encoded as editors send it.
fn uri(p: &Path) -> String {
    let mut out = String::from("file://");
    for b in p.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn open(c: &mut Client, path: &Path, text: &str) -> Vec<Value> {
    let u = uri(path);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u, "languageId": "townrules", "version": 1, "text": text}}),
    );
    c.diagnostics_for(&u)
}

/// The LSP position (line, UTF-16 column) of the first `needle` in `text`, plus `delta` characters.
fn pos(text: &str, needle: &str, delta: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in text"));
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col: usize = before
        .rsplit('\n')
        .next()
        .unwrap()
        .chars()
        .map(char::len_utf16)
        .sum();
    json!({"line": line, "character": col + delta})
}

/// The byte offset of an LSP position (UTF-16 columns).
fn offset(text: &str, p: &Value) -> usize {
    let line = p["line"].as_u64().unwrap() as usize;
    let col = p["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, ch) in text[start..].char_indices() {
        if units >= col || ch == '\n' {
            return start + i;
        }
        units += ch.len_utf16();
    }
    text.len()
}

/// The text after the edits (which do not overlap; applied from the last).
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, &t);
    }
    out
}

#[test]
fn the_language_server_answers_an_editor() {
    let dir = copy_rules();
    let rules: PathBuf = dir.path().join("rules");
    let mut c = Client::start(dir.path(), &["lsp"]);

    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir.path()), "capabilities": {}}),
    );
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["hoverProvider"], json!(true), "{init}");
    assert_eq!(caps["definitionProvider"], json!(true), "{init}");
    assert!(caps["completionProvider"].is_object(), "{init}");
    assert_eq!(caps["documentFormattingProvider"], json!(true), "{init}");
    c.notify("initialized", json!({}));

    // An unsaved buffer with an error after Chinese text: the range is in UTF-16 units.
    let broken_path = rules.join("草稿.rules");
    let broken = "ruleset 测试 {\n  title \"测试规则集\"\n  document \"测试〔2025〕1号\"\n  level county\n  source none\n}\nimport \"facts.rules\"\ncriterion c1 \"产值\" {\n  require 年产值 >= 未知门槛 \"产值达到门槛\"\n}\n";
    let diags = open(&mut c, &broken_path, broken);
    let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == 1).collect();
    assert_eq!(errors.len(), 1, "{diags:?}");
    let e = errors[0];
    assert_eq!(e["range"]["start"], pos(broken, "未知门槛", 0), "{e}");
    assert_eq!(e["range"]["end"], pos(broken, "未知门槛", 4), "{e}");
    assert_eq!(e["code"], "townrules::unknown_name");
    let msg = e["message"].as_str().unwrap();
    // Diagnostics are Chinese by default.
    assert!(msg.contains("不认识的名称 `未知门槛`"), "{msg}");
    assert!(
        msg.contains("\n提示："),
        "the help text is in the message: {msg}"
    );

    // Fixing the buffer clears the error (didChange, full text).
    let fixed = broken.replace("未知门槛", "20亿元");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&broken_path), "version": 2},
               "contentChanges": [{"text": fixed}]}),
    );
    let diags = c.diagnostics_for(&uri(&broken_path));
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:?}");

    // Hover on an overridden parameter: the value in force, and the value it replaced
    // with the extended rule set's document and clause.
    let draft_path = rules.join("puxian-draft-relaxed.rules");
    let draft = std::fs::read_to_string(&draft_path).unwrap();
    open(&mut c, &draft_path, &draft);
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&draft_path)},
               "position": pos(&draft, "min_output.manufacturing", 3)}),
    );
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(text.contains("min_output.manufacturing"), "{h}");
    assert!(text.contains("值：**8亿元**"), "{text}");
    assert!(text.contains("10亿元"), "{text}");
    assert!(text.contains("蒲政办发〔2023〕1号"), "{text}");
    assert!(text.contains("条款 三（四）"), "{text}");
    assert!(text.contains("← 现行"), "{text}");

    // Hover on a parameter of shanxi.rules: value with unit, clause and quotation.
    let shanxi_path = rules.join("shanxi.rules");
    let shanxi = std::fs::read_to_string(&shanxi_path).unwrap();
    let diags = open(&mut c, &shanxi_path, &shanxi);
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:?}");
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&shanxi_path)},
               "position": pos(&shanxi, ">= min_leading_enterprises", 5)}),
    );
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(text.contains("值：**1家**"), "{text}");
    assert!(text.contains("二（五）"), "{text}");
    assert!(
        text.contains("至少拥有1家实力较强"),
        "the quotation: {text}"
    );

    // Hover on a fact by its Chinese alias: label, kind, unit, aliases.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&shanxi_path)},
               "position": pos(&shanxi, "output_value >=", 2)}),
    );
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(text.contains("特色主导产业年产值"), "{text}");
    assert!(text.contains("亿元"), "{text}");
    assert!(text.contains("年产值、产值"), "{text}");

    // A criterion and a fact share the id `heritage`: both are shown.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&shanxi_path)},
               "position": pos(&shanxi, "criterion heritage", 12)}),
    );
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        text.contains("历史传承厚重（认定标准，条款 二（一））"),
        "{text}"
    );
    assert!(text.contains("**heritage** 历史传承厚重（事实）"), "{text}");

    // Go to definition of a fact used in shanxi.rules: its declaration in facts.rules.
    let facts = std::fs::read_to_string(rules.join("facts.rules")).unwrap();
    let d = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&shanxi_path)},
               "position": pos(&shanxi, "require leading_enterprises", 10)}),
    );
    let locs = d["result"].as_array().cloned().unwrap_or_default();
    assert_eq!(locs.len(), 1, "{d}");
    assert_eq!(locs[0]["uri"], uri(&rules.join("facts.rules")), "{d}");
    assert_eq!(
        locs[0]["range"]["start"],
        pos(&facts, "leading_enterprises ", 0),
        "{d}"
    );
    // … and of the imported file itself, from the `import` line.
    let d = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&shanxi_path)},
               "position": pos(&shanxi, "facts.rules\"", 2)}),
    );
    assert_eq!(
        d["result"][0]["uri"],
        uri(&rules.join("facts.rules")),
        "{d}"
    );

    // Across `extends`: the table entry in puxian.rules first, then the override.
    let d = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&draft_path)},
               "position": pos(&draft, "min_output.manufacturing", 12)}),
    );
    let locs = d["result"].as_array().cloned().unwrap_or_default();
    assert_eq!(locs.len(), 2, "{d}");
    let puxian = std::fs::read_to_string(rules.join("puxian.rules")).unwrap();
    assert_eq!(locs[0]["uri"], uri(&rules.join("puxian.rules")), "{d}");
    assert_eq!(
        locs[0]["range"]["start"],
        pos(&puxian, "manufacturing ", 0),
        "{d}"
    );
    assert_eq!(locs[1]["uri"], uri(&draft_path), "{d}");

    // An error in an imported file is shown on the `import` line that leads to it.
    std::fs::write(
        rules.join("坏词汇.rules"),
        "fact 好 \"好\" : count 家\nfact 坏 \"坏\" : money 亿元 alias\n",
    )
    .unwrap();
    let user_path = rules.join("用词.rules");
    let user = "import \"facts.rules\"\nimport \"坏词汇.rules\"\n";
    let diags = open(&mut c, &user_path, user);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0]["range"]["start"],
        pos(user, "\"坏词汇", 0),
        "{diags:?}"
    );
    let msg = diags[0]["message"].as_str().unwrap();
    assert!(msg.contains("坏词汇.rules:3:1: "), "{msg}");
    assert_eq!(
        diags[0]["relatedInformation"][0]["location"]["uri"],
        uri(&rules.join("坏词汇.rules"))
    );

    // Completion: facts by id and by label, parameters and keywords.
    let comp = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&shanxi_path)}, "position": {"line": 0, "character": 0}}),
    );
    let items = comp["result"].as_array().cloned().unwrap_or_default();
    let has = |label: &str, kind: i64| {
        items
            .iter()
            .any(|i| i["label"] == label && i["kind"] == json!(kind))
    };
    assert!(has("output_value", 5), "fact id as a field: {comp}");
    assert!(has("特色主导产业年产值", 5), "fact label");
    assert!(
        has("min_output.manufacturing", 21),
        "a table entry parameter"
    );
    assert!(has("manufacturing", 20), "a category member");
    assert!(has("criterion", 14), "a keyword");

    // Formatting: the edits give the layout of `townrules fmt`.
    let messy_path = rules.join("格式.rules");
    let messy = "ruleset   测试 {\n title \"测试规则集\"\n  document  \"测试〔2025〕1号\"\n level county\n source none }\nimport \"facts.rules\"\nparam  门槛 = 20亿元\ncriterion c1 \"产值\" {\n require 年产值>=门槛 \"产值达到门槛\" }\n";
    std::fs::write(&messy_path, messy).unwrap();
    let fmt = Command::new(env!("CARGO_BIN_EXE_townrules"))
        .arg("fmt")
        .arg(&messy_path)
        .output()
        .unwrap();
    assert!(fmt.status.success(), "{fmt:?}");
    let canonical = String::from_utf8(fmt.stdout).unwrap();
    assert_ne!(canonical, messy);
    let diags = open(&mut c, &messy_path, messy);
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:?}");
    let f = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&messy_path)},
               "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = f["result"].as_array().cloned().unwrap_or_default();
    assert!(!edits.is_empty(), "{f}");
    assert_eq!(apply_edits(messy, &edits), canonical, "{f}");
    // Already canonical: no edits.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&messy_path), "version": 2},
               "contentChanges": [{"text": canonical}]}),
    );
    c.diagnostics_for(&uri(&messy_path));
    let f = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&messy_path)},
               "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(f["result"], json!([]), "{f}");
    // A buffer that does not parse is not formatted: an error, in Chinese, with the place.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&messy_path), "version": 3},
               "contentChanges": [{"text": "param 门槛 = \n"}]}),
    );
    c.diagnostics_for(&uri(&messy_path));
    let f = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&messy_path)},
               "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(f["error"]["code"], -32803, "{f}");
    assert!(
        f["error"]["message"]
            .as_str()
            .unwrap()
            .contains("无法格式化"),
        "{f}"
    );

    // Malformed input is answered, and the server keeps going.
    c.send_raw("{not json");
    let err = c.wait(|m| m["error"].is_object());
    assert_eq!(err["error"]["code"], -32700, "{err}");
    assert_eq!(err["id"], Value::Null, "{err}");
    c.send_raw(r#"{"jsonrpc":"2.0","id":99,"method":"textDocument/hover","params":{"bad":1}}"#);
    let err = c.wait(|m| m["id"] == 99);
    assert_eq!(err["error"]["code"], -32602, "{err}");
    let unknown = c.request("workspace/nonsense", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");

    let down = c.request("shutdown", Value::Null);
    assert!(down["error"].is_null(), "{down}");
    c.notify("exit", Value::Null);
    drop(c.stdin);
    let status = c.child.wait().unwrap();
    assert!(status.success(), "exit after shutdown: {status:?}");
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let dir = copy_rules();
    // `--stdio`, which some editors pass, is accepted.
    let mut c = Client::start(dir.path(), &["lsp", "--stdio"]);
    c.request("initialize", json!({"capabilities": {}}));
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    let mut err = String::new();
    if let Some(mut e) = c.child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    assert!(!err.contains("panicked"), "{err}");
}
