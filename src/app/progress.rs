//! A progress bar on the terminal for large runs: over about 100,000 towns, `eval`
//! shows on stderr how many towns' lines it has written. Nothing is shown when stderr
//! is not a terminal (scripts, CI, pipes into files keep clean output).

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs smaller than this many towns finish before a bar would be worth drawing.
pub const THRESHOLD: usize = 100_000;

/// A bar for `towns` towns, or `None` when none is to be shown.
pub fn bar(towns: usize) -> Option<ProgressBar> {
    if towns < THRESHOLD || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar =
        ProgressBar::with_draw_target(Some(towns as u64), ProgressDrawTarget::stderr_with_hz(4));
    let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} 个镇 {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message("评定中");
    Some(bar)
}

/// A writer that advances `bar` by one for every line it passes on: one line is one
/// town in CSV and JSON Lines (the header lines count too, within a town of the total).
pub struct Lines<'a> {
    inner: &'a mut dyn Write,
    bar: ProgressBar,
}

impl<'a> Lines<'a> {
    /// Count the lines written to `inner` on `bar`.
    pub fn new(inner: &'a mut dyn Write, bar: ProgressBar) -> Self {
        Lines { inner, bar }
    }
}

impl Write for Lines<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let lines = buf[..n].iter().filter(|&&b| b == b'\n').count();
        self.bar.inc(lines as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Drop for Lines<'_> {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
