//! The REPL's commands: parsing a line, running it, and the Chinese output.

use std::fmt::Write as _;
use std::path::Path;

use super::error::ReplError;
use super::save::Overwrite;
use super::session::{tail, Change, Session, ORIGIN};
use super::show;

/// What a command produced.
#[derive(Debug, Default)]
pub struct Reply {
    /// Text for standard output.
    pub text: String,
    /// Whether the session ends.
    pub quit: bool,
}

impl Reply {
    fn text(text: String) -> Reply {
        Reply { text, quit: false }
    }
}

/// A command: name, arguments, one-line summary, longer help (the texts from the
/// catalogue, in the language of messages).
pub struct CommandInfo {
    /// The command word.
    pub name: &'static str,
    /// Its arguments.
    pub args: &'static str,
    /// What it does.
    pub summary: fn() -> String,
    /// Details and examples (may be empty).
    pub details: fn() -> String,
}

/// Every command, in the order `help` lists them.
pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo {
        name: "load",
        args: "RULES",
        summary: || crate::t!("repl.cmd.load.summary"),
        details: || crate::t!("repl.cmd.load.details"),
    },
    CommandInfo {
        name: "data",
        args: "TOWNS [SCORES]",
        summary: || crate::t!("repl.cmd.data.summary"),
        details: || crate::t!("repl.cmd.data.details"),
    },
    CommandInfo {
        name: "params",
        args: "[PATTERN]",
        summary: || crate::t!("repl.cmd.params.summary"),
        details: || crate::t!("repl.cmd.params.details"),
    },
    CommandInfo {
        name: "set",
        args: "NAME = VALUE",
        summary: || crate::t!("repl.cmd.set.summary"),
        details: || crate::t!("repl.cmd.set.details"),
    },
    CommandInfo {
        name: "unset",
        args: "NAME",
        summary: || crate::t!("repl.cmd.unset.summary"),
        details: || crate::t!("repl.cmd.unset.details"),
    },
    CommandInfo {
        name: "reset",
        args: "",
        summary: || crate::t!("repl.cmd.reset.summary"),
        details: || crate::t!("repl.cmd.reset.details"),
    },
    CommandInfo {
        name: "undo",
        args: "",
        summary: || crate::t!("repl.cmd.undo.summary"),
        details: || crate::t!("repl.cmd.undo.details"),
    },
    CommandInfo {
        name: "redo",
        args: "",
        summary: || crate::t!("repl.cmd.redo.summary"),
        details: || crate::t!("repl.cmd.redo.details"),
    },
    CommandInfo {
        name: "eval",
        args: "[TOWN]",
        summary: || crate::t!("repl.cmd.eval.summary"),
        details: || crate::t!("repl.cmd.eval.details"),
    },
    CommandInfo {
        name: "why",
        args: "TOWN [CRITERION]",
        summary: || crate::t!("repl.cmd.why.summary"),
        details: || crate::t!("repl.cmd.why.details"),
    },
    CommandInfo {
        name: "changes",
        args: "",
        summary: || crate::t!("repl.cmd.changes.summary"),
        details: || crate::t!("repl.cmd.changes.details"),
    },
    CommandInfo {
        name: "sweep",
        args: "NAME FROM TO STEP",
        summary: || crate::t!("repl.cmd.sweep.summary"),
        details: || crate::t!("repl.cmd.sweep.details"),
    },
    CommandInfo {
        name: "near",
        args: "[PERCENT]",
        summary: || crate::t!("repl.cmd.near.summary"),
        details: || crate::t!("repl.cmd.near.details"),
    },
    CommandInfo {
        name: "save",
        args: "PATH",
        summary: || crate::t!("repl.cmd.save.summary"),
        details: || crate::t!("repl.cmd.save.details"),
    },
    CommandInfo {
        name: "save!",
        args: "PATH",
        summary: || crate::t!("repl.cmd.save_force.summary"),
        details: || crate::t!("repl.cmd.save_force.details"),
    },
    CommandInfo {
        name: "save!!",
        args: "PATH",
        summary: || crate::t!("repl.cmd.save_anyway.summary"),
        details: || crate::t!("repl.cmd.save_anyway.details"),
    },
    CommandInfo {
        name: "time",
        args: "COMMAND",
        summary: || crate::t!("repl.cmd.time.summary"),
        details: || crate::t!("repl.cmd.time.details"),
    },
    CommandInfo {
        name: "help",
        args: "[COMMAND]",
        summary: || crate::t!("repl.cmd.help.summary"),
        details: || crate::t!("repl.cmd.help.details"),
    },
    CommandInfo {
        name: "quit",
        args: "",
        summary: || crate::t!("repl.cmd.quit.summary"),
        details: || crate::t!("repl.cmd.quit.details"),
    },
];

/// Split arguments at white space; `"…"` keeps spaces.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for ch in s.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// `usage: `NAME ARGS`` for a command of [`COMMANDS`].
pub(super) fn usage(name: &str) -> String {
    COMMANDS
        .iter()
        .find(|c| c.name == name)
        .map(|c| {
            let usage = format!("{} {}", c.name, c.args);
            crate::t!("repl.usage", usage = usage.trim_end())
        })
        .unwrap_or_default()
}

fn arity(name: &str, args: &[String], min: usize, max: usize) -> Result<(), ReplError> {
    if args.len() < min || args.len() > max {
        return Err(ReplError::Arity {
            command: name.to_string(),
            min,
            max,
        });
    }
    Ok(())
}

impl Session {
    /// Run one command line; `Err` says why it failed (see [`ReplError::print`]).
    pub fn execute(&mut self, line: &str) -> Result<Reply, ReplError> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(Reply::default());
        }
        let (cmd, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        // Names are compared in Unicode normal form C, as in rule files; file paths
        // (`load`, `data`, `save`) are taken as typed.
        let normalised;
        let rest = match cmd {
            "load" | "data" | "save" | "save!" | "save!!" | "time" => rest.trim(),
            _ => {
                normalised = crate::source::nfc(rest.trim());
                normalised.as_str()
            }
        };
        let args = words(rest);
        let text = match cmd {
            "quit" | "exit" | "q" => {
                return Ok(Reply {
                    text: String::new(),
                    quit: true,
                })
            }
            "help" | "?" => {
                arity("help", &args, 0, 1)?;
                help(args.first().map(String::as_str))?
            }
            "load" => {
                arity("load", &args, 1, 1)?;
                self.load(Path::new(&args[0]))?
            }
            "data" => {
                arity("data", &args, 1, 2)?;
                self.load_data(Path::new(&args[0]), args.get(1).map(Path::new))?
            }
            "params" => {
                arity("params", &args, 0, 1)?;
                self.params(args.first().map(String::as_str))?
            }
            "set" => self.set(rest)?,
            "unset" => {
                arity("unset", &args, 1, 1)?;
                self.unset(&args[0])?
            }
            "reset" => {
                arity("reset", &args, 0, 0)?;
                self.reset()?
            }
            "undo" => {
                arity("undo", &args, 0, 0)?;
                let (what, change) = self.undo()?;
                let done = crate::t!("repl.status.undone", what = what);
                format!("{done}\n{}", self.describe_change(&change))
            }
            "redo" => {
                arity("redo", &args, 0, 0)?;
                let (what, change) = self.redo()?;
                let done = crate::t!("repl.status.redone", what = what);
                format!("{done}\n{}", self.describe_change(&change))
            }
            "eval" => {
                arity("eval", &args, 0, 1)?;
                match args.first() {
                    Some(t) => self.eval_town(t)?,
                    None => self.eval_all()?,
                }
            }
            "why" => {
                arity("why", &args, 1, 2)?;
                self.why(&args[0], args.get(1).map(String::as_str))?
            }
            "changes" => {
                arity("changes", &args, 0, 0)?;
                self.changes()?
            }
            "sweep" => {
                arity("sweep", &args, 4, 4)?;
                self.sweep(&args[0], &args[1], &args[2], &args[3])?
            }
            "near" => {
                arity("near", &args, 0, 1)?;
                self.near(args.first().map(String::as_str))?
            }
            "save" | "save!" | "save!!" => {
                arity(cmd, &args, 1, 1)?;
                let overwrite = match cmd {
                    "save!" => Overwrite::IfUnchanged,
                    "save!!" => Overwrite::Anyway,
                    _ => Overwrite::Never,
                };
                self.save(Path::new(&args[0]), overwrite)?
            }
            "time" => {
                if rest.is_empty() {
                    return Err(ReplError::TimeWithoutCommand);
                }
                let start = std::time::Instant::now();
                let mut r = self.execute(rest)?;
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                let ms = format!("{ms:.2}");
                let _ = writeln!(r.text, "{}", crate::t!("repl.status.time", ms = ms));
                return Ok(r);
            }
            other => {
                let names = COMMANDS.iter().map(|c| c.name).chain(["exit"]);
                return Err(ReplError::UnknownCommand {
                    command: other.to_string(),
                    suggestion: crate::suggest::did_you_mean(other, names),
                });
            }
        };
        Ok(Reply::text(text))
    }

    fn set(&mut self, rest: &str) -> Result<String, ReplError> {
        let (name, value) = match rest.split_once('=') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => match rest.split_once(char::is_whitespace) {
                Some((n, v)) => (n.trim(), v.trim()),
                None => (rest, ""),
            },
        };
        if name.is_empty() || value.is_empty() {
            return Err(ReplError::SetSyntax);
        }
        // `set min_output = 15亿元 from 2025-01-01`: a value in force from that date.
        let (value, from) = match value.rsplit_once(" from ") {
            Some((v, d)) => (v.trim(), Some(d.trim())),
            None => (value, None),
        };
        if let Some(d) = from.filter(|d| !crate::check::is_iso_date(d)) {
            return Err(ReplError::from(crate::compile::SetParamError::Value {
                message: crate::t!("repl.error.from_date", date = d),
            }));
        }
        let what = match from {
            Some(d) => format!("set {name} = {value} from {d}"),
            None => format!("set {name} = {value}"),
        };
        let change = self.change(&what, |rs| {
            rs.set_param_from(name, value, from, ORIGIN)
                .map_err(ReplError::from)
        })?;
        let mut out = String::new();
        let at = self.rules()?.rs.as_of.as_ref().map(|a| a.date.clone());
        if let (Some(d), Some(at)) = (from, at) {
            if d > at.as_str() {
                let note = crate::t!(
                    "repl.status.not_yet_in_force",
                    name = name,
                    value = value,
                    from = d,
                    at = at
                );
                let _ = writeln!(out, "{note}");
            }
        }
        out.push_str(&self.describe_change(&change));
        Ok(out)
    }

    fn param_index(&self, name: &str) -> Result<usize, ReplError> {
        let rs = &self.rules()?.rs;
        rs.resolve_param(name)
            .ok_or_else(|| ReplError::unknown_parameter(rs, name))
    }

    fn unset(&mut self, name: &str) -> Result<String, ReplError> {
        let i = self.param_index(name)?;
        let rs = &self.rules()?.rs;
        let p = &rs.params[i];
        if tail(p).is_empty() {
            let v = show::param_value(rs, p, p.current());
            return Ok(format!(
                "{}\n",
                crate::t!("repl.status.unchanged", name = name, value = v)
            ));
        }
        let change = self.change(&format!("unset {name}"), |rs| {
            super::session::clear_tail(&mut rs.params[i]);
            Ok(())
        })?;
        Ok(self.describe_change(&change))
    }

    fn reset(&mut self) -> Result<String, ReplError> {
        let rs = &self.rules()?.rs;
        if rs.params.iter().all(|p| tail(p).is_empty()) {
            return Ok(format!("{}\n", crate::t!("repl.status.nothing_to_reset")));
        }
        let change = self.change("reset", |rs| {
            for p in rs.params.iter_mut() {
                super::session::clear_tail(p);
            }
            Ok(())
        })?;
        Ok(self.describe_change(&change))
    }

    /// The parameters that changed and the towns whose verdict changed.
    pub fn describe_change(&self, c: &Change) -> String {
        let mut out = String::new();
        let Some(r) = &self.rules else { return out };
        let rs = &r.rs;
        if c.params.is_empty() {
            let _ = writeln!(out, "{}", crate::t!("repl.status.no_value_changed"));
        }
        for (k, &(i, old, new)) in c.params.iter().enumerate() {
            let p = &rs.params[i];
            let now = p
                .current()
                .and_then(|v| v.unit)
                .or(show::file_value(p).and_then(|v| v.unit));
            let fmt = |v: Option<crate::check::Const>, unit| match v {
                Some(x) => show::constant(rs, p, x, unit),
                None => "未设定".to_string(),
            };
            let was = c.was.get(k).copied().flatten().or(now);
            let file = show::param_value(rs, p, show::file_value(p));
            let line = crate::t!(
                "repl.status.param_changed",
                name = p.name,
                old = fmt(old, was),
                new = fmt(new, now),
                file = file
            );
            let _ = writeln!(out, "{line}");
        }
        let (Ok((_, d, e)), Some((before, after))) = (self.loaded(), c.counts) else {
            if self.data.is_none() && !c.params.is_empty() {
                let _ = writeln!(out, "{}", crate::t!("repl.status.no_data"));
            }
            return out;
        };
        let mut facts: Vec<usize> = Vec::new();
        for &(i, _, _) in &c.params {
            for f in e.deps.facts_of(rs, i) {
                if !facts.contains(&f) {
                    facts.push(f);
                }
            }
        }
        if c.flips.is_empty() {
            let _ = writeln!(out, "{}", crate::t!("repl.status.no_flips"));
        } else {
            let heading = crate::t!("repl.status.flips", n = c.flips.len());
            let _ = writeln!(out, "{heading}");
            let ev = e.evaluator(rs, d);
            out.push_str(&show::flips(rs, &d.towns, &c.flips, &facts, &ev, 50));
        }
        if !rs.criteria.is_empty() || e.grades.is_none() {
            let counts = show::counts(after, Some(before));
            let _ = writeln!(out, "{}", crate::t!("repl.status.totals", counts = counts));
        }
        out.push_str(&super::views::grade_totals(rs, e));
        out
    }
}

/// Whether `name` matches `pattern`: a glob when it has `*` or `?`, else a substring.
pub fn matches(pattern: &str, name: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return name.contains(pattern);
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Classic glob matching with backtracking on the last `*`.
    let (mut i, mut j) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

fn help(cmd: Option<&str>) -> Result<String, ReplError> {
    let mut out = String::new();
    match cmd {
        None => {
            out.push_str(&crate::t!("repl.help.heading"));
            out.push('\n');
            let rows: Vec<Vec<String>> = COMMANDS
                .iter()
                .map(|c| {
                    vec![
                        format!("  {} {}", c.name, c.args).trim_end().to_string(),
                        (c.summary)(),
                    ]
                })
                .collect();
            out.push_str(&show::table(&rows));
            out.push_str(&crate::t!("repl.help.footer"));
            out.push('\n');
        }
        Some(name) => {
            let name = name.trim_start_matches('`').trim_end_matches('`');
            let Some(c) = COMMANDS
                .iter()
                .find(|c| c.name == name || (name == "exit" && c.name == "quit"))
            else {
                let names = COMMANDS.iter().map(|c| c.name);
                return Err(ReplError::NoHelp {
                    command: name.to_string(),
                    suggestion: crate::suggest::did_you_mean(name, names),
                });
            };
            let _ = writeln!(out, "{}", format!("{} {}", c.name, c.args).trim_end());
            let _ = writeln!(out, "  {}", (c.summary)());
            for l in (c.details)().lines() {
                let _ = writeln!(out, "  {l}");
            }
        }
    }
    Ok(out)
}
