//! One side of a diff: a rule file on disk, or a rule file at a git revision
//! (`rules/xinzhou.rules@HEAD~1`, `HEAD~1:rules/xinzhou.rules`), checked and compiled.
//!
//! A file at a revision is materialised with everything it imports or extends, and the
//! source texts their headers name, *at the same revision* into a private temporary
//! folder (same relative layout as in the repository), then checked from there, so
//! `import "facts.rules"` reads the vocabulary of that revision, not the one checked out.
//! Imports are read only from inside that folder: one that leaves the repository is
//! an error, never resolved next to the temporary folder.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::app::error::{AppError, GitError};
use crate::app::load;
use crate::check::Checked;
use crate::compile::RuleSet;
use crate::source::Source;
use crate::syntax::ast::{attr, attr_text, AttrValue, Item};

/// How the user named a rule set on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A file on disk.
    File(PathBuf),
    /// A file at a git revision.
    AtRevision {
        /// The path as given (relative to the current folder).
        path: PathBuf,
        /// The revision as given (`HEAD~1`, a tag, a commit …).
        rev: String,
    },
}

impl Spec {
    /// Read `OLD`/`NEW`: a file that exists as given is always a file; otherwise
    /// `path@REV` or `REV:path` name a file at a git revision.
    pub fn parse(s: &str) -> Spec {
        if Path::new(s).exists() {
            return Spec::File(PathBuf::from(s));
        }
        let at = s
            .split_once('@')
            .filter(|(p, r)| !p.is_empty() && !r.is_empty());
        let colon = s
            .split_once(':')
            .filter(|(r, p)| !p.is_empty() && !r.is_empty());
        let rules = |p: &str| p.ends_with(".rules");
        let pick = match (at, colon) {
            (Some(a), Some(c)) if !rules(a.0) && rules(c.1) => Some((c.1, c.0)),
            (Some(a), _) => Some((a.0, a.1)),
            (None, Some(c)) => Some((c.1, c.0)),
            (None, None) => None,
        };
        match pick {
            Some((path, rev)) => Spec::AtRevision {
                path: PathBuf::from(path),
                rev: rev.to_string(),
            },
            None => Spec::File(PathBuf::from(s)),
        }
    }
}

/// A loaded side of the diff.
#[derive(Debug, Clone)]
pub struct Side {
    /// The argument as given (`rules/shanxi.rules`, `rules/xinzhou.rules@HEAD~1`).
    pub spec: String,
    /// For a file at a git revision: the revision as given and the commit it names.
    pub revision: Option<(String, String)>,
    /// The checked model (its vocabulary is used to read town data).
    pub model: Checked,
    /// The compiled rule set.
    pub rules: RuleSet,
}

/// Load the rule set named by `spec`, printing a line counting its warnings; its
/// errors come back with their diagnostics.
pub fn load(spec: &str, when: &load::When) -> Result<Side, AppError> {
    match Spec::parse(spec) {
        Spec::File(path) => {
            let (model, rules) = load::rule_side(&path, spec, when)?;
            Ok(Side {
                spec: spec.to_string(),
                revision: None,
                model,
                rules,
            })
        }
        Spec::AtRevision { path, rev } => {
            let tmp = tempfile::Builder::new()
                .prefix("townrules-diff-")
                .tempdir()
                .map_err(|source| GitError::TempDir { source })?;
            let (commit, root) = materialise(&path, &rev, tmp.path())?;
            let (model, rules) = load::rule_side_within(&root, spec, when, tmp.path())?;
            drop(tmp);
            Ok(Side {
                spec: spec.to_string(),
                revision: Some((rev, commit)),
                model,
                rules,
            })
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|source| GitError::NoGit { source })
}

fn stderr_line(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Remove `.` and `..` without touching the file system.
fn normalise(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

/// Write `path` at `rev` and what it imports or extends, and their source texts (at
/// `rev`), under `dest`;
/// returns the commit and the materialised root file.
fn materialise(path: &Path, rev: &str, dest: &Path) -> Result<(String, PathBuf), GitError> {
    let cwd = std::env::current_dir().map_err(|source| GitError::CurrentDir { source })?;
    let abs = normalise(&cwd.join(path)).unwrap_or_else(|| cwd.join(path));
    // The deepest existing folder on the way to the file: where git is asked from.
    let mut probe = abs.parent().map(Path::to_path_buf).unwrap_or(cwd.clone());
    while !probe.is_dir() {
        match probe.parent() {
            Some(p) => probe = p.to_path_buf(),
            None => break,
        }
    }
    let top = git(&probe, &["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return Err(GitError::NotARepository {
            path: path.to_path_buf(),
            rev: rev.to_string(),
            folder: probe,
            git_says: stderr_line(&top),
        });
    }
    let top = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim());
    let verify = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )?;
    if !verify.status.success() {
        return Err(GitError::UnknownRevision {
            rev: rev.to_string(),
            repository: top,
        });
    }
    let commit = String::from_utf8_lossy(&verify.stdout).trim().to_string();
    // The file's path relative to the repository root (folders canonicalised so
    // symbolic links and `..` resolve as git sees them).
    let canon_top = std::fs::canonicalize(&top).unwrap_or(top.clone());
    let canon_probe = std::fs::canonicalize(&probe).unwrap_or(probe.clone());
    let rest = abs.strip_prefix(&probe).unwrap_or(&abs).to_path_buf();
    let rel = canon_probe
        .join(rest)
        .strip_prefix(&canon_top)
        .map(Path::to_path_buf)
        .map_err(|_| GitError::OutsideRepository {
            path: path.to_path_buf(),
            repository: top.clone(),
        })?;
    let mut seen = HashSet::new();
    // (file, whether it is a rule file whose imports are followed)
    let mut todo = vec![(rel.clone(), true)];
    let mut first = true;
    while let Some((rel_file, is_rules)) = todo.pop() {
        if !seen.insert(rel_file.clone()) {
            continue;
        }
        let spec = format!("{commit}:{}", git_path(&rel_file));
        let out = git(&top, &["cat-file", "blob", &spec])?;
        if !out.status.success() {
            if first {
                return Err(GitError::NotAtRevision {
                    path: git_path(&rel_file),
                    rev: rev.to_string(),
                    git_says: stderr_line(&out),
                });
            }
            // A missing import or source text: the checker reports it with its location.
            continue;
        }
        first = false;
        let target = dest.join(&rel_file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| GitError::WriteFolder {
                folder: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&target, &out.stdout).map_err(|source| GitError::WriteFile {
            file: target.clone(),
            source,
        })?;
        if !is_rules {
            continue;
        }
        let Ok(text) = String::from_utf8(out.stdout) else {
            continue;
        };
        let src = Source::new(&target, text);
        let Ok(ast) = crate::syntax::parse(&src) else {
            continue;
        };
        let dir = rel_file.parent().unwrap_or(Path::new(""));
        for item in &ast.items {
            let (dep, is_rules) = match &item.node {
                Item::Import(p) | Item::Extends(p) => (p.node.as_str(), true),
                Item::Header(h) => match attr(&h.attrs, "source").map(|a| &a.value.node) {
                    Some(AttrValue::Text(p)) => (p.as_str(), false),
                    _ => continue,
                },
                _ => continue,
            };
            // Only files of the repository are copied: an absolute path or one that
            // climbs out of it stays unresolved, and the checker refuses it as
            // outside the revision's folder (never a file of the system's).
            if Path::new(dep).has_root() {
                continue;
            }
            if let Some(dep) = normalise(&dir.join(dep)) {
                todo.push((dep, is_rules));
            }
        }
    }
    Ok((commit, dest.join(rel)))
}

/// A repository-relative path as git writes it (always `/`).
fn git_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The header of `side` with each field it leaves out taken from the rule sets it
/// extends, nearest first: the values a file that `extends` another merely inherits.
pub fn inherited_header(side: &Side) -> crate::check::HeaderInfo {
    let mut h = side.rules.header.clone();
    let units = &side.model.units;
    let mut at = units.get(side.model.root).and_then(|u| u.extends);
    // A chain is at most as long as the files loaded (a cycle is an error anyway).
    for _ in 0..units.len() {
        let Some(u) = at.and_then(|i| units.get(i)) else {
            break;
        };
        let parent = u.ast.items.iter().find_map(|i| match &i.node {
            Item::Header(p) => Some(p),
            _ => None,
        });
        if let Some(p) = parent {
            for (key, slot) in [
                ("title", &mut h.title),
                ("document", &mut h.document),
                ("name", &mut h.name),
                ("issuer", &mut h.issuer),
                ("date", &mut h.date),
                ("level", &mut h.level),
                ("section", &mut h.section),
                ("note", &mut h.note),
            ] {
                if slot.is_empty() {
                    *slot = attr_text(&p.attrs, key).unwrap_or("").to_string();
                }
            }
        }
        at = u.extends;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            Spec::parse("no/such.rules@HEAD~1"),
            Spec::AtRevision {
                path: "no/such.rules".into(),
                rev: "HEAD~1".into()
            }
        );
        assert_eq!(
            Spec::parse("HEAD~1:no/such.rules"),
            Spec::AtRevision {
                path: "no/such.rules".into(),
                rev: "HEAD~1".into()
            }
        );
        assert_eq!(
            Spec::parse("HEAD@{1}:no/such.rules"),
            Spec::AtRevision {
                path: "no/such.rules".into(),
                rev: "HEAD@{1}".into()
            }
        );
        assert_eq!(
            Spec::parse("no/such.rules"),
            Spec::File("no/such.rules".into())
        );
        assert_eq!(
            normalise(Path::new("rules/../facts/./x.rules")),
            Some(PathBuf::from("facts/x.rules"))
        );
        assert_eq!(normalise(Path::new("../x")), None);
    }
}
