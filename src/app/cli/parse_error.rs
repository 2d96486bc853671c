//! Command-line errors in Chinese: clap writes its errors in English only, so in
//! Chinese the error is rewritten from its kind and context (which argument, which
//! value, what was suggested). English keeps clap's own text.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::app::error::{error_line, help_line};
use crate::t;

use super::help::localize_rendered;

/// The text printed for a command-line error `e` in Chinese (clap's own text is
/// printed in English).
pub fn chinese(e: &clap::Error) -> String {
    let text = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        Some(ContextValue::Bool(b)) => b.to_string(),
        Some(ContextValue::None) | None => String::new(),
        // `ContextValue` is non-exhaustive: a value of a later clap reads as nothing.
        Some(_) => String::new(),
    };
    let arg = text(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue);
    let message = match e.kind() {
        ErrorKind::UnknownArgument => t!("cli.error.unknown_argument", arg = arg),
        ErrorKind::InvalidSubcommand => t!(
            "cli.error.unknown_command",
            command = text(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => t!("cli.error.missing_argument", args = arg),
        ErrorKind::MissingSubcommand => t!("cli.error.missing_command"),
        // `townrules` alone: the help, as clap shows it (exit status 2).
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            return localize_rendered(&e.render().to_string());
        }
        ErrorKind::InvalidValue if value.is_empty() => t!("cli.error.no_value", arg = arg),
        ErrorKind::InvalidValue => t!("cli.error.invalid_value", arg = arg, value = value),
        ErrorKind::ValueValidation => {
            let source = std::error::Error::source(e);
            let why = match source.and_then(|s| s.downcast_ref::<std::num::ParseIntError>()) {
                Some(_) => t!("cli.error.not_a_whole_number"),
                None => source.map(ToString::to_string).unwrap_or_default(),
            };
            t!(
                "cli.error.value_validation",
                arg = arg,
                value = value,
                why = why
            )
        }
        ErrorKind::ArgumentConflict => {
            let prior = text(ContextKind::PriorArg);
            if prior.is_empty() || prior == arg {
                t!("cli.error.repeated", arg = arg)
            } else {
                t!("cli.error.conflict", arg = arg, other = prior)
            }
        }
        ErrorKind::TooManyValues => t!("cli.error.too_many_values", arg = arg, value = value),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            t!("cli.error.wrong_number", arg = arg)
        }
        ErrorKind::NoEquals => t!("cli.error.no_equals", arg = arg),
        ErrorKind::InvalidUtf8 => t!("cli.error.invalid_utf8"),
        _ => t!("cli.error.other", error = first_line(e)),
    };
    let mut out = error_line(message);
    out.push('\n');
    let valid = text(ContextKind::ValidValue);
    if !valid.is_empty() {
        out.push_str(&help_line(t!("cli.error.valid_values", values = valid)));
        out.push('\n');
    }
    let commands = text(ContextKind::ValidSubcommand);
    if !commands.is_empty() {
        out.push_str(&help_line(t!(
            "cli.error.valid_commands",
            commands = commands
        )));
        out.push('\n');
    }
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        let mut names = match e.get(kind) {
            Some(ContextValue::String(s)) => vec![s.clone()],
            Some(ContextValue::Strings(v)) => v.clone(),
            _ => Vec::new(),
        };
        // The closest first (clap lists them the other way round): `evl` → `eval`, …
        let typed = [
            ContextKind::InvalidSubcommand,
            ContextKind::InvalidArg,
            ContextKind::InvalidValue,
        ]
        .iter()
        .find_map(|k| match e.get(*k) {
            Some(ContextValue::String(s)) => Some(s.clone()),
            _ => None,
        });
        if let Some(typed) = typed {
            let typed = typed.trim_start_matches('-');
            names.sort_by_key(|n| {
                (
                    strsim::levenshtein(typed, n.trim_start_matches('-')),
                    n.clone(),
                )
            });
        }
        if !names.is_empty() {
            let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            let names = names.join("、");
            out.push_str(&help_line(t!("cli.error.did_you_mean", names = names)));
            out.push('\n');
        }
    }
    if matches!(e.kind(), ErrorKind::UnknownArgument) {
        let trailing = text(ContextKind::TrailingArg);
        if !trailing.is_empty() {
            out.push_str(&help_line(t!("cli.error.trailing", arg = trailing)));
            out.push('\n');
        }
    }
    let usage = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(usage)) => Some(usage.to_string()),
        // `townrules` alone: clap gives no usage, the top command's is the one.
        _ if matches!(e.kind(), ErrorKind::MissingSubcommand) => {
            Some(super::help::command().render_usage().to_string())
        }
        _ => None,
    };
    if let Some(usage) = usage {
        let usage = usage.trim_start_matches("Usage:").trim();
        out.push('\n');
        out.push_str(&localize_rendered(&t!("cli.error.usage", usage = usage)));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&t!("cli.error.more"));
    out.push('\n');
    out
}

/// The first line of clap's own message, without `error: `.
fn first_line(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    rendered
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string()
}
