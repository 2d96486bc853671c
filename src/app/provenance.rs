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
/// with `scores`: each file by the SHA-256 of its bytes (what `sha256sum` prints), the
/// rule file and, separately, every file it imports or extends.
pub fn run_info(
    rules: &Path,
    model: &Checked,
    towns: Option<&Path>,
    scores: Option<&Path>,
    rs: &RuleSet,
) -> RunInfo {
    let rule_files = model
        .units
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != model.root)
        .filter_map(|(_, u)| stamp(&tidy(Path::new(u.source.name()))))
        .collect();
    RunInfo {
        tool: RunInfo::tool_name(),
        rules: stamp(rules),
        rule_files,
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

/// An imported file's path as a person reads it: `rules/../common/x.rules` is
/// `common/x.rules` (`.` dropped, a folder followed by `..` dropped; leading `..` kept).
fn tidy(path: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            Component::ParentDir
            | Component::Normal(_)
            | Component::RootDir
            | Component::Prefix(_) => out.push(c),
        }
    }
    out.iter().collect()
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

#[cfg(test)]
mod tests {
    use super::tidy;
    use std::path::Path;

    #[test]
    fn imported_paths_are_shown_without_detours() {
        assert_eq!(
            tidy(Path::new("rules/../common/x.rules")),
            Path::new("common/x.rules")
        );
        assert_eq!(
            tidy(Path::new("./rules/facts.rules")),
            Path::new("rules/facts.rules")
        );
        assert_eq!(
            tidy(Path::new("../../a/./b.rules")),
            Path::new("../../a/b.rules")
        );
    }
}
