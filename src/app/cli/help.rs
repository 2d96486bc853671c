//! `townrules --help` in the language of messages: clap has no translations, so the
//! command built from [`Cli`](super::Cli) gets every about and help text from the
//! catalogue, and in Chinese a help template with Chinese headings (用法、命令、参数、选项).

use clap::{Arg, Command, CommandFactory};

use crate::i18n::{lang, Lang};
use crate::t;

use super::Cli;

/// The command line's definition, with every text in the current language.
pub fn command() -> Command {
    let cmd = Cli::command()
        .about(t!("cli.help.about"))
        .mut_arg("lang", |a| a.help(t!("cli.help.lang")))
        .mut_arg("max_input_size", |a| a.help(t!("cli.help.max_input_size")))
        .mut_arg("allow_import_dir", |a| {
            a.help(t!("cli.help.allow_import_dir"))
        })
        .mut_subcommand("check", |s| {
            s.about(t!("cli.help.check.about"))
                .mut_arg("files", |a| a.help(t!("cli.help.check.files")))
        })
        .mut_subcommand("eval", |s| {
            s.about(t!("cli.help.eval.about"))
                .mut_arg("rules", |a| a.help(t!("cli.help.rules")))
                .mut_arg("towns", |a| a.help(t!("cli.help.eval.towns")))
                .mut_arg("sheet", |a| a.help(t!("cli.help.eval.sheet")))
                .mut_arg("town", |a| a.help(t!("cli.help.eval.town")))
                .mut_arg("format", |a| {
                    values(a, t!("cli.help.eval.format"), format_values())
                })
                .mut_arg("set", |a| a.help(t!("cli.help.eval.set")))
                .mut_arg("all", |a| a.help(t!("cli.help.eval.all")))
                .mut_arg("scores", |a| a.help(t!("cli.help.scores")))
                .mut_arg("year", |a| a.help(t!("cli.help.year")))
                .mut_arg("date", |a| a.help(t!("cli.help.date")))
                .mut_arg("output", |a| a.help(t!("cli.help.eval.output")))
                .mut_arg("force", |a| a.help(t!("cli.help.eval.force")))
                .mut_arg("explain", |a| {
                    values(a, t!("cli.help.eval.explain"), explain_values())
                })
                .mut_arg("ids", |a| a.help(t!("cli.help.eval.ids")))
        })
        .mut_subcommand("template", |s| {
            s.about(t!("cli.help.template.about"))
                .mut_arg("rules", |a| a.help(t!("cli.help.rules")))
                .mut_arg("output", |a| a.help(t!("cli.help.template.output")))
                .mut_arg("force", |a| a.help(t!("cli.help.template.force")))
        })
        .mut_subcommand("report", |s| {
            s.about(t!("cli.help.report.about"))
                .mut_arg("rules", |a| a.help(t!("cli.help.rules")))
                .mut_arg("towns", |a| a.help(t!("cli.help.report.towns")))
                .mut_arg("sheet", |a| a.help(t!("cli.help.eval.sheet")))
                .mut_arg("scores", |a| a.help(t!("cli.help.scores")))
                .mut_arg("compare", |a| a.help(t!("cli.help.report.compare")))
                .mut_arg("set", |a| a.help(t!("cli.help.report.set")))
                .mut_arg("year", |a| a.help(t!("cli.help.year")))
                .mut_arg("date", |a| a.help(t!("cli.help.date")))
                .mut_arg("letters", |a| a.help(t!("cli.help.report.letters")))
                .mut_arg("rules_only", |a| a.help(t!("cli.help.report.rules_only")))
                .mut_arg("output", |a| a.help(t!("cli.help.report.output")))
                .mut_arg("force", |a| a.help(t!("cli.help.report.force")))
        })
        .mut_subcommand("repl", |s| {
            s.about(t!("cli.help.repl.about"))
                .mut_arg("rules", |a| a.help(t!("cli.help.repl.rules")))
                .mut_arg("towns", |a| a.help(t!("cli.help.repl.towns")))
                .mut_arg("scores", |a| a.help(t!("cli.help.repl.scores")))
                .mut_arg("year", |a| a.help(t!("cli.help.year")))
                .mut_arg("date", |a| a.help(t!("cli.help.date")))
        })
        .mut_subcommand("diff", |s| {
            s.about(t!("cli.help.diff.about"))
                .mut_arg("old", |a| a.help(t!("cli.help.diff.old")))
                .mut_arg("new", |a| a.help(t!("cli.help.diff.new")))
                .mut_arg("towns", |a| a.help(t!("cli.help.diff.towns")))
                .mut_arg("scores", |a| a.help(t!("cli.help.diff.scores")))
                .mut_arg("format", |a| {
                    values(a, t!("cli.help.diff.format"), diff_format_values())
                })
                .mut_arg("year", |a| a.help(t!("cli.help.diff.year")))
                .mut_arg("date", |a| a.help(t!("cli.help.diff.date")))
        })
        .mut_subcommand("test", |s| {
            s.about(t!("cli.help.test.about"))
                .long_about(None)
                .mut_arg("paths", |a| a.help(t!("cli.help.test.paths")))
                .mut_arg("coverage", |a| a.help(t!("cli.help.test.coverage")))
        })
        .mut_subcommand("fmt", |s| {
            s.about(t!("cli.help.fmt.about"))
                .long_about(None)
                .mut_arg("files", |a| a.help(t!("cli.help.fmt.files")))
                .mut_arg("check", |a| a.help(t!("cli.help.fmt.check")))
                .mut_arg("write", |a| a.help(t!("cli.help.fmt.write")))
        })
        .mut_subcommand("lsp", |s| {
            s.about(t!("cli.help.lsp.about")).long_about(None)
        });
    let mut cmd = cmd;
    // `-h`, `-V` and the `help` subcommand exist once the command is built.
    cmd.build();
    finish(cmd, true)
}

/// `-h/--help`, `-V/--version`, the `help` subcommand and (in Chinese) the help
/// template, for `cmd` and its subcommands.
fn finish(cmd: Command, top: bool) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd.mut_arg("help", |a| a.help(t!("cli.help.help")));
    if top {
        cmd = cmd.mut_arg("version", |a| a.help(t!("cli.help.version")));
    }
    for name in names {
        cmd = cmd.mut_subcommand(name.as_str(), |s| {
            if name == "help" {
                s.about(t!("cli.help.help_command"))
                    .mut_args(|a| a.help(t!("cli.help.help_command_args")))
            } else {
                finish(s, false)
            }
        });
    }
    match lang() {
        Lang::Zh => {
            let template = template(&cmd);
            cmd.help_template(template)
        }
        Lang::En => cmd,
    }
}

/// The Chinese help template of `cmd`: a heading for each section it has.
fn template(cmd: &Command) -> String {
    let visible = |a: &&Arg| !a.is_hide_set();
    let positionals = cmd.get_positionals().filter(visible).count() > 0;
    let options = cmd.get_opts().filter(visible).count() > 0
        || cmd
            .get_arguments()
            .any(|a| !a.is_positional() && !a.is_hide_set());
    let subcommands = cmd.get_subcommands().any(|s| !s.is_hide_set());
    let mut out = String::from("{about-with-newline}\n");
    out.push_str(&t!("cli.template.usage"));
    out.push_str("{usage}\n");
    if subcommands {
        out.push('\n');
        out.push_str(&t!("cli.template.commands"));
        out.push_str("\n{subcommands}\n");
    }
    if positionals {
        out.push('\n');
        out.push_str(&t!("cli.template.arguments"));
        out.push_str("\n{positionals}\n");
    }
    if options {
        out.push('\n');
        out.push_str(&t!("cli.template.options"));
        out.push_str("\n{options}\n");
    }
    out.push_str("{after-help}");
    out
}

/// An argument with a fixed set of values: in Chinese the values and what each does are
/// part of the help text (clap's own list would be in English).
fn values(a: Arg, help: String, values: String) -> Arg {
    match lang() {
        Lang::Zh => a
            .hide_possible_values(true)
            .help(format!("{help}\n{values}")),
        Lang::En => a.help(help),
    }
}

fn format_values() -> String {
    t!("cli.help.eval.format_values")
}

fn explain_values() -> String {
    t!("cli.help.eval.explain_values")
}

fn diff_format_values() -> String {
    t!("cli.help.diff.format_values")
}

/// Help text as clap renders it, with its remaining English words in Chinese when the
/// language is Chinese (`[OPTIONS]`, `<COMMAND>`, `[default: …]`).
pub fn localize_rendered(text: &str) -> String {
    match lang() {
        Lang::Zh => text
            .replace("[OPTIONS]", &t!("cli.template.options_placeholder"))
            .replace("<COMMAND>", &t!("cli.template.command_placeholder"))
            .replace("[default: ", &t!("cli.template.default"))
            .replace("[aliases: ", &t!("cli.template.aliases")),
        Lang::En => text.to_string(),
    }
}
