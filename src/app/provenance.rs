//! The provenance of a run ([`RunInfo`]): content hashes of the files read and the git
//! revision of the rule file, gathered here because the library does not run programs.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use sha2::{Digest, Sha256};

use crate::check::Checked;
use crate::compile::RuleSet;
use crate::report::{FileStamp, RunInfo};

/// The provenance of evaluating `rs` (checked as `model`, read from `rules`) on `towns`
/// with `scores`. The rule set's hash covers every file it was read from — the rule
/// file and each file it imports or extends, in load order — so that a change of the
/// shared vocabulary changes it too.
pub fn run_info(
    rules: &Path,
    model: &Checked,
    towns: Option<&Path>,
    scores: Option<&Path>,
    rs: &RuleSet,
) -> RunInfo {
    let mut hasher = Sha256::new();
    for unit in &model.units {
        // Contents only (each file's length first): the same rule set read from another
        // folder has the same hash; import paths are part of the importing file's text.
        let text = unit.source.text().as_bytes();
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text);
    }
    RunInfo {
        tool: RunInfo::tool_name(),
        rules: Some(FileStamp {
            path: rules.display().to_string(),
            sha256: hex(&hasher.finalize()),
        }),
        rules_revision: git_revision(rules),
        data: towns.and_then(stamp),
        scores: scores.and_then(stamp),
        date: rs.as_of.as_ref().map(|a| a.date.clone()),
        year: rs.year,
        overrides: rs
            .overrides()
            .iter()
            .map(|c| {
                let old = c.old.as_deref().unwrap_or("未设定");
                format!("{} {}为 {old}，假设为 {}", c.name, c.old_basis, c.new)
            })
            .collect(),
    }
}

/// The file's stamp, hashed as it is read in blocks (memory stays bounded); `None`
/// when it cannot be read (the loader has reported that already).
pub fn stamp(path: &Path) -> Option<FileStamp> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(_) => return None,
        }
    }
    Some(FileStamp {
        path: path.display().to_string(),
        sha256: hex(&hasher.finalize()),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `abc1234` — the last commit that touched the file — with `+未提交的修改` when the
/// file differs from it; `None` outside a repository, for an untracked file, or
/// without git.
pub fn git_revision(path: &Path) -> Option<String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name()?;
    let git = |args: &[&std::ffi::OsStr]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()
    };
    let log = git(&[
        "log".as_ref(),
        "-1".as_ref(),
        "--format=%h".as_ref(),
        "--".as_ref(),
        name,
    ])?;
    let rev = String::from_utf8(log.stdout).ok()?.trim().to_string();
    if !log.status.success() || rev.is_empty() {
        return None;
    }
    let clean = git(&[
        "diff".as_ref(),
        "--quiet".as_ref(),
        "HEAD".as_ref(),
        "--".as_ref(),
        name,
    ])
    .is_some_and(|o| o.status.success());
    Some(if clean {
        rev
    } else {
        format!("{rev}+未提交的修改")
    })
}
