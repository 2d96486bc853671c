//! Rule file texts and where they came from.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::NamedSource;

/// Longest rule file accepted, in bytes: [`Source::read`] refuses larger files and the
/// parser larger texts.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The text of one rule file, with the name it is reported under.
#[derive(Debug, Clone)]
pub struct Source {
    name: String,
    path: PathBuf,
    text: Arc<str>,
    /// Byte offset of the start of every line (the first is 0): [`Source::line_col`]
    /// finds a line by binary search, so locating every declaration of a large file
    /// stays linear in its size.
    lines: Arc<[usize]>,
    /// The text as diagnostics show it: [`shown_text`].
    shown: Arc<str>,
}

impl Source {
    /// A source read from `path` (or given in memory) with its text.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        let path = path.into();
        let text: Arc<str> = text.into();
        let lines = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let shown = if text.chars().any(hidden_in_excerpt) {
            shown_text(&text).into()
        } else {
            text.clone()
        };
        Source {
            name: path.display().to_string(),
            path,
            text,
            lines,
            shown,
        }
    }

    /// Read a rule file from disk (a leading byte-order mark is dropped). Files larger
    /// than [`MAX_FILE_BYTES`] are refused without reading them whole
    /// (a 1 GB file or `/dev/zero` is an error, not an out-of-memory abort).
    pub fn read(path: &Path) -> std::io::Result<Self> {
        use std::io::Read as _;
        let limit = MAX_FILE_BYTES;
        // Only a regular file: a FIFO would block waiting for a writer, a device may
        // never end.
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() && !meta.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                crate::t!("source.not_a_file"),
            ));
        }
        let mut bytes = Vec::new();
        std::fs::File::open(path)?
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() > limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                crate::t!("source.too_large", mib = limit / 1024 / 1024),
            ));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, {
                // Where the first invalid byte is, as file:line:column (column in characters).
                let valid = e.utf8_error().valid_up_to();
                let ok = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
                let line = ok.matches('\n').count() + 1;
                let col = ok.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                crate::t!(
                    "source.not_utf8",
                    file = path.display(),
                    line = line,
                    col = col
                )
            })
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        Ok(Source::new(path, text))
    }

    /// The name used in messages (the path as given).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text as a miette source for diagnostics, with invisible and control
    /// characters replaced ([`shown_text`]) so an excerpt cannot hide or reorder text.
    pub fn named(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(self.name.clone(), self.shown.clone())
    }

    /// 1-based line and column (in characters) of a byte offset (an offset past the
    /// end counts as the end).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // The last line starting at or before `offset`.
        let line = self.lines.partition_point(|&start| start <= offset).max(1);
        let start = self.lines.get(line - 1).copied().unwrap_or(0);
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |l| l.chars().count())
            + 1;
        LINE_COL_WORK.with(|w| w.set(w.get() + 1 + (offset - start) as u64));
        (line, col)
    }

    /// How many lines the text has (a final line without a newline counts).
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }
}

/// Longest piece of user input quoted whole in a message, in characters: longer input
/// is cut there and the message says how long the whole was ([`echo`]).
pub const MAX_ECHO_CHARS: usize = 80;

/// `text` with every invisible or control character
/// ([`is_invisible`]) written as
/// `U+200B`, so a message shows what is there and cannot reorder or clear the terminal.
pub fn visible(text: &str) -> String {
    if !text.chars().any(is_invisible) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_invisible(c) {
            out.push_str(&format!("U+{:04X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// User input to quote in a message: [`visible`], and cut to [`MAX_ECHO_CHARS`]
/// characters with `…（共 N 个字符）` when longer.
pub fn echo(text: &str) -> String {
    let n = text.chars().count();
    if n <= MAX_ECHO_CHARS {
        return visible(text);
    }
    let head: String = text.chars().take(MAX_ECHO_CHARS).collect();
    crate::t!("diag.echo_cut", head = visible(&head), n = n)
}

/// `text` in Unicode normal form C, so that `café` typed as one character and as `e`
/// with a combining accent is the same name.
pub fn nfc(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    if unicode_normalization::is_nfc(text) {
        text.to_string()
    } else {
        text.nfc().collect()
    }
}

/// Whether `c` is invisible or moves the cursor when printed: control characters
/// (NUL, form feed …, not tab or newline), zero-width and formatting characters, the
/// bidirectional controls, byte-order marks, and unusual spaces.
pub fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(
            c,
            '\u{00ad}'
                | '\u{034f}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{2000}'..='\u{200f}'
                | '\u{2028}'..='\u{202f}'
                | '\u{205f}'..='\u{206f}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e0fff}'
        )
}

/// Whether `c` is a bidirectional control (U+202A–U+202E, U+2066–U+2069), which
/// reorders how the text around it is shown.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether an excerpt of a diagnostic replaces `c` ([`shown_text`]): an invisible or
/// control character other than tab, newline and carriage return.
fn hidden_in_excerpt(c: char) -> bool {
    c != '\r' && is_invisible(c)
}

/// `text` with every invisible or control character (but tab, newline, carriage
/// return) replaced by a visible one of the same length in bytes — `?` for one byte,
/// `¿` for two, `�` for three, `�?` for four — so that every span stays where it was.
/// The message itself names the character as `U+200B`.
fn shown_text(text: &str) -> String {
    text.chars()
        .map(|c| match (hidden_in_excerpt(c), c.len_utf8()) {
            (false, _) => c.to_string(),
            (true, 1) => "?".to_string(),
            (true, 2) => "¿".to_string(),
            (true, 3) => "\u{fffd}".to_string(),
            (true, _) => "\u{fffd}?".to_string(),
        })
        .collect()
}

thread_local! {
    static LINE_COL_WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How much work [`Source::line_col`] has done on this thread: one per call plus the
/// bytes it read. Checking a file locates every declaration, so this grows linearly
/// with the number of declarations; a test guards that (no wall-clock limit).
#[doc(hidden)]
pub fn line_col_work() -> u64 {
    LINE_COL_WORK.with(std::cell::Cell::get)
}

/// Why a file could not be read or written, in the current language: the common
/// failures (missing, forbidden, a folder, a full disk…) in plain words, our own refusals
/// (too large, not UTF-8) as they are, any other failure of the system in its own words,
/// marked as the system's.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    if e.get_ref().is_some() {
        // Made with its own words (ours, or a library's): they say it.
        return e.to_string();
    }
    match e.kind() {
        ErrorKind::NotFound => crate::t!("source.not_found"),
        ErrorKind::PermissionDenied => crate::t!("source.permission_denied"),
        ErrorKind::IsADirectory => crate::t!("source.is_a_directory"),
        ErrorKind::NotADirectory => crate::t!("source.not_a_directory"),
        ErrorKind::AlreadyExists => crate::t!("source.already_exists"),
        ErrorKind::StorageFull => crate::t!("source.storage_full"),
        ErrorKind::ReadOnlyFilesystem => crate::t!("source.read_only"),
        ErrorKind::FileTooLarge => crate::t!("source.file_too_large"),
        ErrorKind::InvalidFilename => crate::t!("source.invalid_filename"),
        // Any other failure of the system: its own words, said to be the system's.
        _ if e.raw_os_error().is_some() => crate::t!("source.system", reason = e),
        _ => e.to_string(),
    }
}
