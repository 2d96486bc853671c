//! The errors of `diff` that are its own: reading a side at a git revision
//! ([`GitError`]) and comparing the outcomes of towns ([`ImpactError`]).

use std::path::PathBuf;

use crate::data::DataError;

/// Why a rule file at a git revision cannot be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum GitError {
    /// The private temporary folder cannot be created.
    #[error("{}", crate::t!("app.git.temp_dir", folder = std::env::temp_dir().display(), error = crate::source::io_reason(source)))]
    TempDir {
        /// Why.
        source: std::io::Error,
    },
    /// `git` cannot be run.
    #[error("{}", crate::t!("app.git.no_git", error = source))]
    NoGit {
        /// Why.
        source: std::io::Error,
    },
    /// The current folder cannot be read.
    #[error("{}", crate::t!("app.git.current_dir", error = crate::source::io_reason(source)))]
    CurrentDir {
        /// Why.
        source: std::io::Error,
    },
    /// The file is not inside a git repository.
    #[error("{}", crate::t!("app.git.not_a_repository", path = path.display(), rev = rev, folder = folder.display(), git_says = git_says))]
    NotARepository {
        /// The path as given.
        path: PathBuf,
        /// The revision as given.
        rev: String,
        /// The folder git was asked from.
        folder: PathBuf,
        /// The first line git wrote to stderr.
        git_says: String,
    },
    /// The revision names no commit.
    #[error("{}", crate::t!("app.git.unknown_revision", rev = rev, repository = repository.display()))]
    UnknownRevision {
        /// The revision as given.
        rev: String,
        /// The repository's top folder.
        repository: PathBuf,
    },
    /// The file is outside the repository it seems to be in.
    #[error("{}", crate::t!("app.git.outside_repository", path = path.display(), repository = repository.display()))]
    OutsideRepository {
        /// The path as given.
        path: PathBuf,
        /// The repository's top folder.
        repository: PathBuf,
    },
    /// The file does not exist at that revision.
    #[error("{}", crate::t!("app.git.not_at_revision", path = path, rev = rev, git_says = git_says))]
    NotAtRevision {
        /// The path in the repository.
        path: String,
        /// The revision as given.
        rev: String,
        /// The first line git wrote to stderr.
        git_says: String,
    },
    /// A folder of the temporary copy cannot be created.
    #[error("{}", crate::t!("app.git.write_folder", folder = folder.display(), error = crate::source::io_reason(source)))]
    WriteFolder {
        /// The folder.
        folder: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file of the temporary copy cannot be written.
    #[error("{}", crate::t!("app.git.write_file", file = file.display(), error = crate::source::io_reason(source)))]
    WriteFile {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Why the impact on towns cannot be computed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ImpactError {
    /// Score sheets, but neither side has an indicator system.
    #[error("{}", crate::t!("app.impact.sheets_unusable", sheets = sheets.display()))]
    SheetsUnusable {
        /// The score sheets given.
        sheets: PathBuf,
    },
    /// The town data does not read with one side's vocabulary.
    #[error("{}", crate::t!("app.impact.town_data", path = path.display(), side = side))]
    TownData {
        /// The data file.
        path: PathBuf,
        /// The side as given.
        side: String,
        /// Every error found, printed before the message.
        #[related]
        errors: Vec<DataError>,
    },
    /// The score sheets do not read with one side's indicator system.
    #[error("{}", crate::t!("app.impact.sheets", path = path.display(), side = side))]
    Sheets {
        /// The score sheets.
        path: PathBuf,
        /// The side as given.
        side: String,
        /// Every error found, printed before the message.
        #[related]
        errors: Vec<DataError>,
    },
    /// The two vocabularies read different towns from the same file.
    #[error("{}", crate::t!("app.impact.towns_differ", path = path.display()))]
    TownsDiffer {
        /// The data file.
        path: PathBuf,
    },
}

impl ImpactError {
    /// The data errors it carries, printed before its message.
    pub fn data_errors(&self) -> Option<&[DataError]> {
        match self {
            ImpactError::TownData { errors, .. } | ImpactError::Sheets { errors, .. } => {
                Some(errors)
            }
            _ => None,
        }
    }
}
