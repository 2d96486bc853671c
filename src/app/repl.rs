//! `townrules repl [RULES] [TOWNS] [--scores SCORES]`: an interactive what-if session.
//!
//! Staff change thresholds (`set min_output.manufacturing = 15亿元`) and see at once
//! which towns' outcomes change; `sweep` steps a threshold over a range, `near` finds
//! the towns one small change away from flipping, and `save` writes the rule file with
//! the new values. On a terminal the session has line editing, tab completion and a
//! history kept across sessions (`dirs::data_dir()/townrules/history`, or the file
//! named by `TOWNRULES_HISTORY`); with standard input that is not a terminal it reads
//! one command per line, writes output to stdout and errors to stderr, and exits
//! non-zero if any command failed.
//!
//! The session keeps every town's status for every criterion ([`engine::Matrix`]) and,
//! for a rule set with an indicator system, every town's grade (score sheets from
//! `--scores` or `data TOWNS SCORES`). A change of a parameter re-evaluates only the
//! criteria that read it, and for a criterion of the shape `fact >= parameter` only the
//! towns between the old and the new threshold ([`deps::Deps`]); grades are scored
//! again only when the indicator system's formulas read the parameter.

mod commands;
mod complete;
pub mod deps;
pub mod engine;
mod error;
mod save;
mod save_file;
mod session;
mod show;
mod sweep;
mod views;
mod what_if;

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};

pub use commands::{CommandInfo, Reply, COMMANDS};
pub use complete::{Names, ReplHelper};
pub use error::{Bound, Kept, ReplError, SaveError};
pub use save::{render as render_saved, write_atomic, Overwrite, Saved, Written};
pub use session::{Change, Data, Engine, Rules, Session, ORIGIN};

use super::error::{AppError, Outcome};

/// Run the REPL: [`Outcome::Problems`] when input was piped and a line (or the
/// start-up load) failed; [`exit_status`](super::error::exit_status) makes that the
/// exit status.
pub fn run(
    rules: Option<PathBuf>,
    towns: Option<PathBuf>,
    scores: Option<PathBuf>,
    when: super::load::When,
) -> Result<Outcome, AppError> {
    when.validate()?;
    let mut s = Session::new();
    s.when = when;
    let mut failed = false;
    let mut out = std::io::stdout();
    let mut report = |r: Result<String, ReplError>| match r {
        Ok(t) => {
            let _ = out.write_all(t.as_bytes());
        }
        Err(e) => {
            e.print("");
            failed = true;
        }
    };
    if let Some(r) = &rules {
        report(s.load(r));
    }
    match (&towns, &scores) {
        (Some(t), sc) if s.rules.is_some() => report(s.load_data(t, sc.as_deref())),
        (Some(t), _) => report(Err(ReplError::TownsWithoutRules { towns: t.clone() })),
        (None, Some(_)) => report(Err(ReplError::ScoresWithoutTowns)),
        (None, None) => {}
    }
    if std::io::stdin().is_terminal() {
        match terminal(&mut s) {
            Ok(()) => Ok(Outcome::Success),
            Err(e) => {
                ReplError::Terminal(e).print("");
                piped(&mut s, failed)
            }
        }
    } else {
        piped(&mut s, failed)
    }
}

/// Commands from standard input, one per line; `failed`: the start-up load failed.
fn piped(s: &mut Session, mut failed: bool) -> Result<Outcome, AppError> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    let mut buf = Vec::new();
    let mut n = 0usize;
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                ReplError::Input(e).print("");
                failed = true;
                break;
            }
        }
        n += 1;
        let Ok(line) = std::str::from_utf8(&buf) else {
            ReplError::NotUtf8.print(&crate::t!("repl.line", n = n));
            failed = true;
            continue;
        };
        match s.execute(line) {
            Ok(r) => {
                if let Err(source) = out.write_all(r.text.as_bytes()).and_then(|_| out.flush()) {
                    return Err(AppError::Write {
                        what: "output",
                        source,
                    });
                }
                if r.quit {
                    break;
                }
            }
            Err(e) => {
                let _ = out.flush();
                e.print(&crate::t!("repl.line", n = n));
                failed = true;
            }
        }
    }
    let unsaved = s.unsaved();
    if !unsaved.is_empty() {
        super::error::warn(crate::t!(
            "repl.warning.unsaved",
            params = unsaved.join(&crate::t!("repl.list_sep"))
        ));
    }
    Ok(if failed {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}

/// Where the history is kept: `TOWNRULES_HISTORY`, else the user's data directory.
pub fn history_path() -> Option<PathBuf> {
    match std::env::var_os("TOWNRULES_HISTORY") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => dirs::data_dir().map(|d| d.join("townrules").join("history")),
    }
}

fn prompt(s: &Session) -> String {
    match &s.rules {
        Some(r) => {
            let changed = r.rs.params.iter().any(|p| !session::tail(p).is_empty());
            format!("{}{}> ", r.rs.header.id, if changed { "*" } else { "" })
        }
        None => "townrules> ".to_string(),
    }
}

/// Whether an interactive session may end now: with changes not saved, the first
/// `quit` (or Ctrl-D) lists them and asks, and a `quit` right after it ends the session.
fn may_quit(s: &Session, asked: &mut bool) -> bool {
    let unsaved = s.unsaved();
    if unsaved.is_empty() || *asked {
        return true;
    }
    *asked = true;
    println!(
        "{}",
        crate::t!(
            "repl.quit_unsaved",
            params = unsaved.join(&crate::t!("repl.list_sep"))
        )
    );
    false
}

/// An interactive session with line editing, completion and history.
fn terminal(s: &mut Session) -> rustyline::Result<()> {
    let config = Config::builder()
        .history_ignore_space(true)
        .history_ignore_dups(true)?
        .max_history_size(2000)?
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut rl: Editor<ReplHelper, FileHistory> = Editor::with_config(config)?;
    rl.set_helper(Some(ReplHelper::new()));
    let history = history_path();
    let mut history_ok = true;
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                super::error::warn(crate::t!(
                    "repl.warning.history_dir",
                    dir = dir.display(),
                    error = e
                ));
                history_ok = false;
            }
        }
        if history_ok && h.exists() {
            if let Err(e) = rl.load_history(h) {
                super::error::warn(crate::t!(
                    "repl.warning.history_read",
                    path = h.display(),
                    error = e
                ));
            }
        }
    } else {
        super::error::warn(crate::t!("repl.warning.no_data_dir"));
    }
    println!("{}", crate::t!("repl.welcome"));
    let mut generation = usize::MAX;
    // Whether the user was asked about unsaved changes: the next quit ends the session.
    let mut asked = false;
    loop {
        if generation != s.generation() {
            generation = s.generation();
            if let Some(h) = rl.helper_mut() {
                h.names = Names::of(s);
            }
        }
        match rl.readline(&prompt(s)) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = rl.add_history_entry(line.as_str());
                    if let (true, Some(h)) = (history_ok, &history) {
                        if let Err(e) = rl.append_history(h) {
                            super::error::warn(crate::t!(
                                "repl.warning.history_write",
                                path = h.display(),
                                error = e
                            ));
                            history_ok = false;
                        }
                    }
                }
                match s.execute(&line) {
                    Ok(r) => {
                        let mut out = std::io::stdout().lock();
                        let _ = out.write_all(r.text.as_bytes());
                        let _ = out.flush();
                        if r.quit {
                            if may_quit(s, &mut asked) {
                                break;
                            }
                        } else if !line.trim().is_empty() {
                            // Another command: the question was answered by going on.
                            asked = false;
                        }
                    }
                    Err(e) => {
                        asked = false;
                        e.print("");
                    }
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) if may_quit(s, &mut asked) => break,
            Err(ReadlineError::Eof) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quit_with_unsaved_changes_asks_once() {
        let mut s = Session::new();
        assert!(may_quit(&s, &mut false), "nothing loaded");
        s.load(std::path::Path::new("rules/shanxi.rules"))
            .expect("loads");
        assert!(may_quit(&s, &mut false), "nothing changed");
        s.execute("set min_supporting_enterprises = 8户")
            .expect("set");
        let mut asked = false;
        assert!(!may_quit(&s, &mut asked), "asks first");
        assert!(may_quit(&s, &mut asked), "then quits");
        s.execute("set min_supporting_enterprises = 10户")
            .expect("set back");
        assert!(may_quit(&s, &mut false), "back at the file's values");
    }
}
