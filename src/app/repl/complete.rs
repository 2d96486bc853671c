//! Tab completion of commands, parameter names, town ids and names, criterion ids
//! and file paths.

use std::borrow::Cow;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::commands::COMMANDS;
use super::session::Session;

/// The names the completer offers; refreshed after every command.
#[derive(Default)]
pub struct Names {
    /// Parameter names.
    pub params: Vec<String>,
    /// Town ids, then town names.
    pub towns: Vec<String>,
    /// Criterion ids.
    pub criteria: Vec<String>,
}

impl Names {
    /// The names of what `s` has loaded.
    pub fn of(s: &Session) -> Names {
        let mut n = Names::default();
        if let Some(r) = &s.rules {
            n.params = r.rs.params.iter().map(|p| p.name.clone()).collect();
            n.criteria = r.rs.criteria.iter().map(|c| c.id.clone()).collect();
        }
        if let Some(d) = &s.data {
            n.towns = d.towns.ids.iter().map(|s| s.to_string()).collect();
            n.towns.extend(d.towns.names.iter().map(|s| s.to_string()));
            n.towns.sort();
            n.towns.dedup();
        }
        n
    }
}

/// The line editor's helper: completion only (no hints, colours or validation).
pub struct ReplHelper {
    /// What can be completed.
    pub names: Names,
    files: FilenameCompleter,
}

impl ReplHelper {
    /// A helper with nothing to complete but commands and files.
    pub fn new() -> Self {
        ReplHelper {
            names: Names::default(),
            files: FilenameCompleter::new(),
        }
    }
}

impl Default for ReplHelper {
    fn default() -> Self {
        Self::new()
    }
}

/// What the word under the cursor is: the command, or argument `n` of a command.
fn position(line: &str) -> (usize, Option<(String, usize)>) {
    let start = line
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let before: Vec<&str> = line[..start].split_whitespace().collect();
    match before.split_first() {
        None => (start, None),
        Some((cmd, rest)) => {
            let cmd = if *cmd == "time" && !rest.is_empty() {
                rest[0]
            } else {
                cmd
            };
            let n = if before.first() == Some(&"time") && before.len() > 1 {
                before.len() - 2
            } else {
                before.len() - 1
            };
            (start, Some((cmd.to_string(), n)))
        }
    }
}

fn pairs<'a>(word: &str, names: impl Iterator<Item = &'a str>) -> Vec<Pair> {
    let mut v: Vec<Pair> = names
        .filter(|n| n.starts_with(word))
        .map(|n| Pair {
            display: n.to_string(),
            // A unique completion ends the word.
            replacement: format!("{n} "),
        })
        .collect();
    v.sort_by(|a, b| a.display.cmp(&b.display));
    v.dedup_by(|a, b| a.display == b.display);
    v
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let line = line.get(..pos).unwrap_or(line);
        let (start, what) = position(line);
        let word = &line[start..];
        let n = &self.names;
        let list = match what {
            None => pairs(word, COMMANDS.iter().map(|c| c.name)),
            Some((cmd, i)) => match (cmd.as_str(), i) {
                ("time", 0) => pairs(word, COMMANDS.iter().map(|c| c.name)),
                ("help", 0) => pairs(word, COMMANDS.iter().map(|c| c.name)),
                ("set" | "unset" | "sweep" | "params", 0) => {
                    if word.contains('=') {
                        Vec::new()
                    } else {
                        pairs(word, n.params.iter().map(String::as_str))
                    }
                }
                ("eval" | "why", 0) => pairs(word, n.towns.iter().map(String::as_str)),
                ("why", 1) => pairs(word, n.criteria.iter().map(String::as_str)),
                ("load" | "data" | "save" | "save!" | "save!!", _) => {
                    return self.files.complete(line, pos.min(line.len()), ctx)
                }
                _ => Vec::new(),
            },
        };
        Ok((start, list))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        Cow::Borrowed(prompt)
    }
}

impl Validator for ReplHelper {}

impl Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn finds_the_word_under_the_cursor() {
        assert_eq!(position("se"), (0, None));
        assert_eq!(position("set min"), (4, Some(("set".into(), 0))));
        assert_eq!(position("why 乙镇 agg"), (11, Some(("why".into(), 1))));
        assert_eq!(position("time sweep mi"), (11, Some(("sweep".into(), 0))));
        assert_eq!(position("time sw"), (5, Some(("time".into(), 0))));
    }
}
