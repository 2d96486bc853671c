//! The errors of `diff` that are its own: reading a side at a git revision
//! ([`GitError`]) and comparing the outcomes of towns ([`ImpactError`]).

use std::path::PathBuf;

use crate::data::DataError;

/// Why a rule file at a git revision cannot be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum GitError {
    /// The private temporary folder cannot be created.
    #[error("cannot create a temporary folder in `{}`: {source}", std::env::temp_dir().display())]
    TempDir {
        /// Why.
        source: std::io::Error,
    },
    /// `git` cannot be run.
    #[error("cannot run `git` ({source}); is git installed?")]
    NoGit {
        /// Why.
        source: std::io::Error,
    },
    /// The current folder cannot be read.
    #[error("cannot read the current folder: {source}")]
    CurrentDir {
        /// Why.
        source: std::io::Error,
    },
    /// The file is not inside a git repository.
    #[error("`{}@{rev}`: `{}` is not inside a git repository ({git_says})", path.display(), folder.display())]
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
    #[error("unknown git revision `{rev}` in `{}` (try `git log --oneline` for the revisions there)", repository.display())]
    UnknownRevision {
        /// The revision as given.
        rev: String,
        /// The repository's top folder.
        repository: PathBuf,
    },
    /// The file is outside the repository it seems to be in.
    #[error("`{}` is not inside the git repository `{}`", path.display(), repository.display())]
    OutsideRepository {
        /// The path as given.
        path: PathBuf,
        /// The repository's top folder.
        repository: PathBuf,
    },
    /// The file does not exist at that revision.
    #[error("`{path}` does not exist at revision `{rev}` ({git_says})")]
    NotAtRevision {
        /// The path in the repository.
        path: String,
        /// The revision as given.
        rev: String,
        /// The first line git wrote to stderr.
        git_says: String,
    },
    /// A folder of the temporary copy cannot be created.
    #[error("cannot write to `{}`: {source}", folder.display())]
    WriteFolder {
        /// The folder.
        folder: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file of the temporary copy cannot be written.
    #[error("cannot write `{}`: {source}", file.display())]
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
    #[error("neither rule set has an evaluation indicator system, so the score sheets `{}` cannot be used", sheets.display())]
    SheetsUnusable {
        /// The score sheets given.
        sheets: PathBuf,
    },
    /// The town data does not read with one side's vocabulary.
    #[error("cannot read the town data `{}` with the vocabulary of `{side}`", path.display())]
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
    #[error("cannot read the score sheets `{}` for `{side}`", path.display())]
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
    #[error("`{}` reads differently under the two vocabularies (towns do not match)", path.display())]
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
