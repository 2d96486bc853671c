//! Writing a command's output to a file: never over an existing file without
//! `--force`, and atomically (a temporary file beside it, renamed into place), so a
//! failed or interrupted run leaves either the old file or the whole new one.

use std::io::Write;
use std::path::Path;

use super::error::AppError;

/// Refuse an existing `path` unless `force`: checked before any work is done.
pub fn refuse_existing(path: &Path, force: bool) -> Result<(), AppError> {
    if !force && path.exists() {
        return Err(AppError::OutputExists {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Write `path` through `body` atomically: into a temporary file in the same folder,
/// flushed and synced, then renamed over `path` (`force`) or into place only if
/// `path` still does not exist. The temporary file is removed on every error.
pub fn write_atomically(
    path: &Path,
    force: bool,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".townrules-").suffix(".tmp");
    // The new file gets the old one's permissions, or those of a newly created file
    // (not the private mode of a temporary file).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        builder.permissions(permissions);
    }
    let tmp = builder.tempfile_in(dir).map_err(|e| folder_error(dir, e))?;
    let mut out = std::io::BufWriter::new(tmp);
    body(&mut out)?;
    let tmp = out.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    let persisted = if force {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted.map(|_| ()).map_err(|e| e.error)
}

/// A temporary file that cannot be made in `dir`: said of the folder, which is what is
/// wrong (`文件夹 `out` 不存在`), rather than of a file the user never named.
fn folder_error(dir: &Path, e: std::io::Error) -> std::io::Error {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => crate::t!("app.output.no_folder", folder = dir.display()),
        _ => crate::t!(
            "app.output.folder",
            folder = dir.display(),
            reason = crate::source::io_reason(&e)
        ),
    };
    std::io::Error::new(e.kind(), reason)
}
