//! Writing the file `save` made: through a temporary file beside it and a rename, so
//! no half-written file is ever seen, and without losing anything on the way.
//!
//! - `save` never replaces an existing file; `save!` replaces the loaded file only if
//!   it still holds what was loaded (compared by SHA-256 just before the rename), so an
//!   edit made by someone else meanwhile is never overwritten without a word; `save!!`
//!   replaces it anyway.
//! - A replaced file keeps its permissions (mode 600 stays 600) and its owner and group.
//! - A symbolic link is written through: its target gets the new text, the link stays.
//! - The temporary file (`.NAME.PID-NANOS.tmp`) is removed on every error path; ones a
//!   killed save left behind (their process is gone) are removed by the next save,
//!   which says so.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::error::SaveError;

/// How `save` may treat an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// `save`: never.
    Never,
    /// `save!`: when it still holds what was loaded (or is not the loaded file).
    IfUnchanged,
    /// `save!!`: always.
    Anyway,
}

/// The longest chain of symbolic links followed.
const MAX_LINKS: usize = 40;
/// A temporary file whose process cannot be asked about is stale after this long.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// What a successful write did besides writing.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// The file written: the path itself, or the target of the symbolic link it is.
    pub target: PathBuf,
    /// Temporary files of earlier, interrupted saves that were removed.
    pub stale_removed: Vec<PathBuf>,
}

/// A temporary file, removed when dropped unless it was renamed into place.
struct Temp {
    path: PathBuf,
    kept: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The file `path` writes to: itself, or, for a symbolic link (or a chain of them),
/// the file it points to (which need not exist yet).
fn resolve_links(path: &Path) -> Result<PathBuf, SaveError> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p).map_err(|source| SaveError::Write {
                    path: path.to_path_buf(),
                    source,
                })?;
                p = match p.parent() {
                    Some(dir) if !to.has_root() => dir.join(to),
                    _ => to,
                };
            }
            Ok(_) | Err(_) => return Ok(p),
        }
    }
    Err(SaveError::NotAFile {
        path: path.to_path_buf(),
    })
}

fn temp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.")
}

fn temp_path(target: &Path) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    target.with_file_name(format!(
        "{}{}-{nanos}.tmp",
        temp_prefix(target),
        std::process::id()
    ))
}

/// Whether the process `pid` may still be writing its temporary file: on a system
/// with `/proc`, whether it is running; elsewhere, whether the file is recent.
fn writer_alive(pid: u32, file: &Path) -> bool {
    if pid == std::process::id() {
        // This session writes one file at a time: its own leftovers are stale.
        return false;
    }
    if Path::new("/proc/self").exists() {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    std::fs::metadata(file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age < STALE_AFTER)
}

/// Remove the temporary files interrupted saves of `target` left in its folder.
fn remove_stale(target: &Path) -> Vec<PathBuf> {
    let prefix = temp_prefix(target);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
            .and_then(|r| r.split_once('-'))
            .filter(|(_, nanos)| nanos.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let path = e.path();
        if !writer_alive(pid, &path) && std::fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

/// The SHA-256 of a file's text as the REPL reads it (without a byte-order mark), or
/// `None` when it cannot be read.
fn text_hash(path: &Path) -> Option<[u8; 32]> {
    crate::source::Source::read(path)
        .ok()
        .map(|s| Sha256::digest(s.text().as_bytes()).into())
}

/// A test hook, in debug builds only: with `TOWNRULES_FAILPOINT=NAME` the save stops
/// here for up to a minute, so that a test can kill it midway (tests/repl_save.rs).
fn failpoint(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var_os("TOWNRULES_FAILPOINT").is_some_and(|v| v == name) {
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}

/// Give the temporary file the replaced file's permissions, owner and group.
fn keep_attributes(tmp: &Path, old: &std::fs::Metadata) -> std::io::Result<()> {
    std::fs::set_permissions(tmp, old.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let now = std::fs::metadata(tmp)?;
        if now.uid() != old.uid() || now.gid() != old.gid() {
            std::os::unix::fs::chown(tmp, Some(old.uid()), Some(old.gid()))?;
        }
    }
    Ok(())
}

/// Write `text` to `path` (see the module's documentation). `loaded` is the text the
/// session loaded from `path`, when `path` is the loaded file: `save!` refuses to
/// replace a file that no longer holds it.
pub fn write_atomic(
    path: &Path,
    text: &str,
    overwrite: Overwrite,
    loaded: Option<&str>,
) -> Result<Written, SaveError> {
    if path.file_name().is_none() || path.is_dir() {
        return Err(SaveError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let target = resolve_links(path)?;
    if target.is_dir() {
        return Err(SaveError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let cannot = |source| SaveError::Write {
        path: path.to_path_buf(),
        source,
    };
    let exists = || SaveError::Exists {
        path: path.to_path_buf(),
    };
    let changed = || SaveError::ChangedOnDisk {
        path: path.to_path_buf(),
    };
    let folder = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        // Said of the folder, which is what is missing (not "no such file").
        let why = crate::t!("app.output.no_folder", folder = folder.display());
        return Err(cannot(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            why,
        )));
    }
    let old = std::fs::metadata(&target).ok();
    if old.is_some() && overwrite == Overwrite::Never {
        return Err(exists());
    }
    let want = loaded.map(|t| <[u8; 32]>::from(Sha256::digest(t.as_bytes())));
    let unchanged = || want.is_none() || text_hash(&target) == want;
    if old.is_some() && overwrite == Overwrite::IfUnchanged && !unchanged() {
        return Err(changed());
    }
    let stale_removed = remove_stale(&target);
    let mut tmp = Temp {
        path: temp_path(&target),
        kept: false,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if old.is_some() {
        // Readable by nobody else until it has the replaced file's permissions.
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let write = || -> std::io::Result<()> {
        let mut f = options.open(&tmp.path)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()
    };
    write().map_err(cannot)?;
    if let Some(old) = &old {
        keep_attributes(&tmp.path, old).map_err(|source| SaveError::KeepAttributes {
            path: path.to_path_buf(),
            source,
        })?;
    }
    failpoint("save-before-rename");
    match overwrite {
        Overwrite::Never => {
            // A hard link never replaces an existing file, even one created meanwhile.
            match std::fs::hard_link(&tmp.path, &target) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists()),
                Err(_) if !target.exists() => {
                    std::fs::rename(&tmp.path, &target).map_err(cannot)?;
                    tmp.kept = true;
                }
                Err(_) => return Err(exists()),
            }
        }
        Overwrite::IfUnchanged | Overwrite::Anyway => {
            // Compared again just before the rename: an edit made while this save was
            // checking and writing is not lost either.
            if overwrite == Overwrite::IfUnchanged && target.exists() && !unchanged() {
                return Err(changed());
            }
            std::fs::rename(&tmp.path, &target).map_err(cannot)?;
            tmp.kept = true;
        }
    }
    Ok(Written {
        target,
        stale_removed,
    })
}
