//! Where a report comes from: the tool, the rule files and data it read (with content
//! hashes, and the git revision when the rule file is in a repository), the evaluation
//! date and year, and the what-if changes. Every output format carries it, so a
//! printed or forwarded result can be traced to exactly what produced it.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// One file a run read, named as given and stamped with its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileStamp {
    /// The path as given on the command line.
    pub path: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

impl FileStamp {
    /// Stamp `bytes` read from `path`.
    pub fn of_bytes(path: impl Into<String>, bytes: &[u8]) -> Self {
        FileStamp {
            path: path.into(),
            sha256: sha256_hex(bytes),
        }
    }

    /// The first 12 hex digits of the hash, as printed in text headers.
    pub fn short(&self) -> &str {
        self.sha256.get(..12).unwrap_or(&self.sha256)
    }
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The provenance of one run of `eval` (or `report`, `template`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunInfo {
    /// `townrules 0.1.0`.
    pub tool: String,
    /// The rule file named on the command line.
    pub rules: Option<FileStamp>,
    /// Every other file of the rule set: those it imports or extends, in load order.
    pub rule_files: Vec<FileStamp>,
    /// `git` revision of the rule file (`abc1234`, with `+未提交的修改` when the file
    /// differs from it), when the file is in a repository.
    pub rules_revision: Option<String>,
    /// The town data file.
    pub data: Option<FileStamp>,
    /// The expert score sheets, if any.
    pub scores: Option<FileStamp>,
    /// The date dated values were read at (YYYY-MM-DD), if the rule set has one.
    pub date: Option<String>,
    /// The evaluation year of yearly facts, if any.
    pub year: Option<i32>,
    /// The what-if changes of this run, one sentence each (`NAME 文件为 OLD，假设为 NEW`).
    pub overrides: Vec<String>,
}

impl RunInfo {
    /// The tool's name and version.
    pub fn tool_name() -> String {
        format!("townrules {}", env!("CARGO_PKG_VERSION"))
    }

    /// The provenance lines of a text or CSV-sidecar header, in Chinese:
    /// `生成工具：townrules 0.1.0`, `规则文件：rules/x.rules（SHA-256 0123456789ab，git abc1234）` …
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!("生成工具：{}", self.tool)];
        if let Some(r) = &self.rules {
            let rev = self
                .rules_revision
                .as_ref()
                .map(|v| format!("，git {v}"))
                .unwrap_or_default();
            out.push(format!(
                "规则文件：{}（SHA-256 {}{rev}）",
                r.path,
                r.short()
            ));
        }
        for f in &self.rule_files {
            out.push(format!(
                "引用的规则文件：{}（SHA-256 {}）",
                f.path,
                f.short()
            ));
        }
        if let Some(d) = &self.data {
            out.push(format!("数据文件：{}（SHA-256 {}）", d.path, d.short()));
        }
        if let Some(s) = &self.scores {
            out.push(format!("评分表：{}（SHA-256 {}）", s.path, s.short()));
        }
        out
    }
}
