//! Loading a rule file and, transitively, what it imports and extends.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::model::{FileId, Unit};
use crate::diag::{Code, Diag};
use crate::source::Source;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{Item, Node, Span};

/// Longest chain of imports/extends followed before giving up.
pub const MAX_IMPORT_DEPTH: usize = 32;

/// Folders given on the command line (`--allow-import-dir`) from which every rule set
/// loaded by this process may also import (canonical).
static ALLOWED_DIRS: std::sync::RwLock<Vec<PathBuf>> = std::sync::RwLock::new(Vec::new());

/// Let `import` and `extends` of every rule set loaded from now on also read rule files
/// inside `dir` (a shared folder of common definitions beside the rule sets' own, say).
/// Not for a revision's files (`diff FILE@REV`): they stay inside the revision.
pub fn allow_import_dir(dir: &Path) -> std::io::Result<()> {
    let dir = std::fs::canonicalize(dir)?;
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            dir.display().to_string(),
        ));
    }
    if let Ok(mut dirs) = ALLOWED_DIRS.write() {
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    Ok(())
}

/// The folders `--allow-import-dir` allows.
fn allowed_dirs() -> Vec<PathBuf> {
    ALLOWED_DIRS.read().map(|d| d.clone()).unwrap_or_default()
}

/// Loads files once each, detecting cycles and missing files.
#[derive(Default)]
pub struct Loader {
    /// Loaded files.
    pub units: Vec<Unit>,
    /// Problems found while loading.
    pub diags: Vec<Diag>,
    by_path: HashMap<PathBuf, FileId>,
    stack: Vec<PathBuf>,
    /// The folders imports may read from (canonical); empty until the root file is
    /// loaded, when [`home_of`] gives its home and [`allow_import_dir`] the folders
    /// allowed besides, unless [`Loader::within`] set them.
    homes: Vec<PathBuf>,
}

impl Loader {
    /// A loader whose imports may read only from inside `homes` (a materialised
    /// revision's folder, say) instead of the root file's home ([`home_of`]).
    pub fn within(homes: &[PathBuf]) -> Self {
        Loader {
            homes: homes.iter().map(|h| canonical(h)).collect(),
            ..Loader::default()
        }
    }

    /// Load the root file from disk.
    pub fn load_root(&mut self, path: &Path) -> Option<FileId> {
        match Source::read(path) {
            Ok(src) => self.load_source(src),
            Err(e) => {
                self.diags.push(
                    Diag::plain(
                        Code::Io,
                        crate::t!(
                            "io.unreadable",
                            file = path.display(),
                            reason = crate::source::io_reason(&e)
                        ),
                    )
                    .help(crate::t!("io.unreadable_help")),
                );
                None
            }
        }
    }

    /// Load a root file given as text.
    pub fn load_root_text(&mut self, path: &Path, text: &str) -> Option<FileId> {
        self.load_source(Source::new(path, text.to_string()))
    }

    fn load_source(&mut self, src: Source) -> Option<FileId> {
        let key = canonical(src.path());
        if self.homes.is_empty() {
            self.homes.push(home_of(&key));
            self.homes.extend(allowed_dirs());
        }
        let ast = match crate::syntax::parse(&src) {
            Ok(ast) => ast,
            Err(e) => {
                self.diags.push(e.into());
                return None;
            }
        };
        let id = self.units.len();
        self.by_path.insert(key.clone(), id);
        self.stack.push(key);
        let deps: Vec<(bool, Node<String>)> = ast
            .items
            .iter()
            .filter_map(|it| match &it.node {
                Item::Import(p) => Some((false, p.clone())),
                Item::Extends(p) => Some((true, p.clone())),
                _ => None,
            })
            .collect();
        self.units.push(Unit {
            source: src.clone(),
            ast,
            imports: Vec::new(),
            extends: None,
        });
        let mut extends_seen: Option<Span> = None;
        for (is_extends, target) in deps {
            if is_extends {
                if let Some(first) = extends_seen {
                    self.diags.push(
                        Diag::error(
                            Code::ExtendsTwice,
                            &src,
                            target.span,
                            crate::t!("extends_twice.message"),
                        )
                        .label(crate::t!("extends_twice.second"))
                        .also(first, crate::t!("extends_twice.first"))
                        .help(crate::t!("extends_twice.help")),
                    );
                    continue;
                }
                extends_seen = Some(target.span);
            }
            if let Some(dep) = self.load_dep(&src, &target) {
                let unit = &mut self.units[id];
                if is_extends {
                    unit.extends = Some(dep);
                } else {
                    unit.imports.push(dep);
                }
            }
        }
        self.stack.pop();
        Some(id)
    }

    fn load_dep(&mut self, from: &Source, target: &Node<String>) -> Option<FileId> {
        let dir = from.path().parent().unwrap_or(Path::new("."));
        let path = dir.join(&target.node);
        let key = canonical(&path);
        if !self.homes.iter().any(|h| key.starts_with(h)) {
            let home = self.homes.first().cloned().unwrap_or_default();
            self.diags.push(
                Diag::error(
                    Code::ImportOutside,
                    from,
                    target.span,
                    crate::t!(
                        "import_outside.message",
                        file = crate::diag::echo(&target.node)
                    ),
                )
                .label(crate::t!("import_outside.label"))
                .help(crate::t!("import_outside.help", home = shown_home(&home))),
            );
            return None;
        }
        if let Some(pos) = self.stack.iter().position(|p| *p == key) {
            let chain: Vec<String> = self.stack[pos..]
                .iter()
                .chain(std::iter::once(&key))
                .map(|p| file_name(p))
                .collect();
            self.diags.push(
                Diag::error(
                    Code::ImportCycle,
                    from,
                    target.span,
                    crate::t!("import_cycle.message", chain = chain.join(" → ")),
                )
                .label(crate::t!("import_cycle.label"))
                .help(crate::t!("import_cycle.help")),
            );
            return None;
        }
        if let Some(&id) = self.by_path.get(&key) {
            return Some(id);
        }
        if self.stack.len() >= MAX_IMPORT_DEPTH {
            self.diags.push(
                Diag::error(
                    Code::ImportDepth,
                    from,
                    target.span,
                    crate::t!("import_depth.message", max = MAX_IMPORT_DEPTH),
                )
                .help(crate::t!("import_depth.help")),
            );
            return None;
        }
        match Source::read(&path) {
            Ok(src) => self.load_source(src),
            Err(e) => {
                let mut d = Diag::error(
                    Code::MissingImport,
                    from,
                    target.span,
                    crate::t!(
                        "missing_import.message",
                        file = path.display(),
                        reason = crate::source::io_reason(&e)
                    ),
                )
                .label(crate::t!("missing_import.label"));
                let candidates = rule_files_in(dir);
                d = match did_you_mean(&target.node, candidates.iter().map(String::as_str)) {
                    Some(s) => d.help(crate::t!("missing_import.did_you_mean", name = s)),
                    None => d.help(crate::t!("missing_import.help", folder = dir.display())),
                };
                self.diags.push(d);
                None
            }
        }
    }
}

/// The file's canonical path; for a file that does not exist, its folder's canonical
/// path with the name, or the path with `.` and `..` resolved by their names.
fn canonical(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let absolute = std::env::current_dir()
        .map(|d| d.join(p))
        .unwrap_or_else(|_| p.to_path_buf());
    if let (Some(dir), Some(name)) = (absolute.parent(), absolute.file_name()) {
        if let Ok(d) = std::fs::canonicalize(dir) {
            return d.join(name);
        }
    }
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The home folder as a message names it: relative to the current folder when one
/// holds the other (`.`, `..`, `rules`), else in full.
fn shown_home(home: &Path) -> String {
    let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) else {
        return home.display().to_string();
    };
    if let Ok(below) = home.strip_prefix(&cwd) {
        if below.as_os_str().is_empty() {
            return ".".to_string();
        }
        return below.display().to_string();
    }
    if let Ok(above) = cwd.strip_prefix(home) {
        let up = vec![".."; above.components().count()];
        return up.join("/");
    }
    home.display().to_string()
}

/// Where the imports of the rule set rooted at `root` (canonical) may read from: the
/// git work tree holding it (the nearest folder above with a `.git`), else the root
/// file's own folder. `import "/etc/passwd"` or `extends "../../x.rules"` out of it is
/// refused before the file is opened.
pub fn home_of(root: &Path) -> PathBuf {
    let dir = root.parent().unwrap_or(Path::new("/"));
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(dir)
        .to_path_buf()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

fn rule_files_in(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rules"))
        .collect();
    v.sort();
    v
}
