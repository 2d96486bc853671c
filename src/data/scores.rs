//! Expert score sheets: a long table of (town, expert, indicator, score).

use std::collections::HashMap;
use std::path::Path;

use rust_decimal::Decimal;

use super::{DataError, RowUnit, Towns, MAX_ERRORS};
use crate::compile::{Evaluation, Scoring};
use crate::suggest::did_you_mean;
use crate::units;

/// One expert's scores for one town: a score per leaf indicator (`None` = not scored).
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertSheet {
    /// The expert's name as written.
    pub expert: String,
    /// Score per leaf, in the order of [`Evaluation::leaves`].
    pub scores: Vec<Option<Decimal>>,
}

/// All score sheets of a file, by town.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scores {
    /// The file's name.
    pub file: String,
    /// For each town (row of [`Towns`]), the experts who scored it, in order of appearance.
    pub by_town: Vec<Vec<ExpertSheet>>,
}

const TOWN_COLS: &[&str] = &["town", "id", "编号", "镇", "专业镇", "名称", "name"];
const EXPERT_COLS: &[&str] = &["expert", "专家"];
const INDICATOR_COLS: &[&str] = &["indicator", "指标", "指标代码", "code"];
const SCORE_COLS: &[&str] = &["score", "得分", "分数", "评分"];

/// Read expert score sheets (CSV, UTF-8 with or without BOM) for the towns of `towns`.
pub fn load_scores(path: &Path, ev: &Evaluation, towns: &Towns) -> Result<Scores, Vec<DataError>> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        vec![DataError::file(
            &name,
            format!("cannot read score sheet: {e}"),
        )]
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (t, _, bad) = encoding_rs::GB18030.decode(e.as_bytes());
            if bad {
                return Err(vec![DataError::file(
                    &name,
                    "score sheet is neither UTF-8 nor GB18030 text",
                )
                .with_help("save it as CSV UTF-8")]);
            }
            t.into_owned()
        }
    };
    load_scores_str(&name, &text, ev, towns)
}

/// Read expert score sheets from CSV text.
pub fn load_scores_str(
    name: &str,
    text: &str,
    ev: &Evaluation,
    towns: &Towns,
) -> Result<Scores, Vec<DataError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let err = |row: Option<usize>, col: Option<&str>, cell: Option<&str>, msg: String| DataError {
        file: name.to_string(),
        row,
        column: col.map(str::to_string),
        cell: cell.map(str::to_string),
        message: msg,
        help: None,
        unit: RowUnit::Line,
    };
    let header = rdr
        .headers()
        .map_err(|e| {
            vec![err(
                Some(1),
                None,
                None,
                format!("cannot read the header: {e}"),
            )]
        })?
        .clone();
    let find = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&units::normalize(h).as_ref()))
    };
    let cols = [
        find(TOWN_COLS),
        find(EXPERT_COLS),
        find(INDICATOR_COLS),
        find(SCORE_COLS),
    ];
    let wanted = [
        "town (镇)",
        "expert (专家)",
        "indicator (指标)",
        "score (得分)",
    ];
    let missing: Vec<&str> = cols
        .iter()
        .zip(wanted)
        .filter(|(c, _)| c.is_none())
        .map(|(_, w)| w)
        .collect();
    if !missing.is_empty() {
        return Err(vec![err(
            Some(1),
            None,
            None,
            format!("score sheet needs the columns {}", missing.join(", ")),
        )
        .with_help(
            "a score sheet is a long table with one row per town, expert, indicator and score",
        )]);
    }
    let [Some(ct), Some(ce), Some(ci), Some(cs)] = cols else {
        return Err(Vec::new());
    };
    let mut scores = Scores {
        file: name.to_string(),
        by_town: vec![Vec::new(); towns.len()],
    };
    let mut errors: Vec<DataError> = Vec::new();
    let mut seen: HashMap<(usize, String, usize), usize> = HashMap::new();
    let mut line = 1usize;
    for rec in rdr.records() {
        line += 1;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(err(Some(line), None, None, format!("unreadable row: {e}")));
                continue;
            }
        };
        if let Some(p) = rec.position() {
            line = p.line() as usize;
        }
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |i: usize| units::normalize(rec.get(i).unwrap_or("")).into_owned();
        let (town, expert, ind, score) = (get(ct), get(ce), get(ci), get(cs));
        let hdr = |i: usize| header.get(i).unwrap_or("");
        let Some(t) = towns.index_of(&town) else {
            let cands = towns.ids.iter().chain(towns.names.iter());
            let mut e = err(
                Some(line),
                Some(hdr(ct)),
                Some(&town),
                format!("score for unknown town `{town}`"),
            );
            e.help = Some(match did_you_mean(&town, cands) {
                Some(s) => format!(
                    "did you mean `{s}`? towns come from the data file `{}`",
                    towns.file
                ),
                None => format!(
                    "the data file `{}` has no such town (by id or name)",
                    towns.file
                ),
            });
            errors.push(e);
            continue;
        };
        let tname = &towns.names[t];
        let Some(node) = ev.node_by_name(&ind) else {
            let cands = ev
                .nodes
                .iter()
                .flat_map(|n| [n.code.as_str(), n.label.as_str()]);
            let mut e = err(
                Some(line),
                Some(hdr(ci)),
                Some(&ind),
                format!("unknown indicator `{ind}` (town {tname}, expert {expert})"),
            );
            e.help = Some(match did_you_mean(&ind, cands) {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    "name the indicator by its code (e.g. `A1.1`) or its label in the rule file"
                        .into()
                }
            });
            errors.push(e);
            continue;
        };
        let n = &ev.nodes[node];
        let Some(leaf) = n.leaf else {
            let items: Vec<&str> = n
                .children
                .iter()
                .map(|&c| ev.nodes[c].code.as_str())
                .collect();
            let mut e = err(
                Some(line),
                Some(hdr(ci)),
                Some(&ind),
                format!(
                    "`{}` {} is not scored directly (town {tname}, expert {expert})",
                    n.code, n.label
                ),
            );
            e.help = Some(format!("score its items: {}", items.join(", ")));
            errors.push(e);
            continue;
        };
        if !matches!(n.scoring, Scoring::Expert) {
            let mut e = err(Some(line), Some(hdr(ci)), Some(&ind), format!("`{}` is computed from town facts, not scored by experts (town {tname}, expert {expert})", n.code));
            e.help = Some(
                "remove these rows, or change the indicator to `score expert` in the rule file"
                    .into(),
            );
            errors.push(e);
            continue;
        }
        let value = match parse_score(&score) {
            Ok(v) => v,
            Err(msg) => {
                let mut e = err(
                    Some(line),
                    Some(hdr(cs)),
                    Some(&score),
                    format!(
                        "{msg} (town {tname}, expert {expert}, indicator {})",
                        n.code
                    ),
                );
                e.help = Some(format!(
                    "write the points as a plain number between 0 and {}",
                    units::format_decimal(n.weight)
                ));
                errors.push(e);
                continue;
            }
        };
        if value.is_sign_negative() || value > n.weight {
            let mut e = err(
                Some(line),
                Some(hdr(cs)),
                Some(&score),
                format!(
                    "score {} for {} {} (weight {}) is outside [0, {}]: town {tname}, expert {expert}",
                    units::format_decimal(value),
                    n.code,
                    n.label,
                    units::format_decimal(n.weight),
                    units::format_decimal(n.weight)
                ),
            );
            e.help = Some(
                "each item is scored from 0 up to its weight; scores are never clamped".into(),
            );
            errors.push(e);
            continue;
        }
        let key = (t, expert.clone(), leaf);
        if let Some(first) = seen.get(&key) {
            let mut e = err(Some(line), Some(hdr(ci)), Some(&ind), format!("duplicate score for {} by expert {expert} for town {tname} (first at row {first})", n.code));
            e.help = Some("keep one row per town, expert and indicator".into());
            errors.push(e);
            continue;
        }
        seen.insert(key, line);
        let sheets = &mut scores.by_town[t];
        let i = match sheets.iter().position(|s| s.expert == expert) {
            Some(i) => i,
            None => {
                sheets.push(ExpertSheet {
                    expert: expert.clone(),
                    scores: vec![None; ev.leaves.len()],
                });
                sheets.len() - 1
            }
        };
        sheets[i].scores[leaf] = Some(value);
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if errors.is_empty() {
        Ok(scores)
    } else {
        Err(errors)
    }
}

fn parse_score(text: &str) -> Result<Decimal, String> {
    let t = text.trim().trim_end_matches('分').trim();
    if t.is_empty() {
        return Err("empty score".into());
    }
    t.parse::<Decimal>()
        .map_err(|_| format!("expected a score in points, found `{text}`"))
}
