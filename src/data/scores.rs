//! Expert score sheets: a long table of (town, expert, indicator, score).

use std::collections::HashMap;
use std::path::Path;

use rust_decimal::Decimal;

use super::csv::Tap;
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

/// The most scores all expert sheets of a file may hold together (a sheet of every
/// indicator per town and expert): 4,194,304, 80 MiB of scores. A sheet made for each
/// row's new expert would otherwise take some 70 times the row's bytes (a sheet of 31
/// indicators for a row of 40 bytes); real evaluations hold a few thousand sheets.
pub const MAX_SCORE_SLOTS: usize = 1 << 22;

const TOWN_COLS: &[&str] = &["town", "id", "编号", "镇", "专业镇", "名称", "name"];
const EXPERT_COLS: &[&str] = &["expert", "专家"];
const INDICATOR_COLS: &[&str] = &["indicator", "指标", "指标代码", "code"];
const SCORE_COLS: &[&str] = &["score", "得分", "分数", "评分"];

/// Read expert score sheets (CSV, UTF-8 with or without BOM; or the first sheet of an
/// `.xlsx`, `.xls` or `.ods` workbook) for the towns of `towns`.
pub fn load_scores(path: &Path, ev: &Evaluation, towns: &Towns) -> Result<Scores, Vec<DataError>> {
    let name = path.display().to_string();
    if super::excel::is_workbook(path) {
        return super::excel::read_scores(&name, path, ev, towns);
    }
    let bytes = super::input::read_all_within(&name, path, super::input::Whole::ScoreSheet)
        .map_err(|e| vec![e])?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => match encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(e.as_bytes())
        {
            Some(t) if !t.contains('\0') => t.into_owned(),
            _ => {
                let e = super::input::utf8(&name, e.into_bytes()).err();
                return Err(e.into_iter().collect());
            }
        },
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
    // Lines are numbered as the town data's are (a CRLF file, as Excel writes it, gives
    // the same line numbers as an LF one).
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(Tap::new(text.as_bytes()));
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| {
            vec![row_error(
                name,
                Some(1),
                None,
                None,
                crate::t!("data.scores.header", error = e),
            )]
        })?
        .iter()
        .map(str::to_string)
        .collect();
    let mut line = 1usize;
    let mut rec = csv::StringRecord::new();
    let mut stopped = false;
    let records = std::iter::from_fn(|| {
        if stopped {
            return None;
        }
        match rdr.read_record(&mut rec) {
            Ok(true) => {
                line = rdr.get_mut().start_line(&rec).max(line + 1);
                Some(Ok((line, rec.iter().map(str::to_string).collect())))
            }
            Ok(false) => None,
            Err(e) => {
                stopped = true;
                let at = e.position().map_or(line + 1, |p| p.line() as usize);
                let msg = crate::t!("data.scores.row", error = e);
                Some(Err(row_error(name, Some(at), None, None, msg)))
            }
        }
    });
    scores_from(name, &header, 1, records, ev, towns)
}

/// An error in a score sheet at a row (CSV line or sheet row).
fn row_error(
    name: &str,
    row: Option<usize>,
    col: Option<&str>,
    cell: Option<&str>,
    message: String,
) -> DataError {
    DataError {
        file: name.to_string(),
        row,
        column: col.map(str::to_string),
        cell: cell.map(str::to_string),
        message,
        help: None,
        unit: RowUnit::Line,
        sheet: None,
    }
}

/// One row of a score sheet: its number (CSV line or sheet row) and its cells; or an
/// error that ends the reading.
pub(super) type Record = Result<(usize, Vec<String>), DataError>;

/// Whether a header row has the four columns of a score sheet (town, expert, indicator,
/// score): how a workbook's score sheet is found among its sheets.
pub(super) fn has_score_columns(header: &[String]) -> bool {
    [TOWN_COLS, EXPERT_COLS, INDICATOR_COLS, SCORE_COLS]
        .iter()
        .all(|names| {
            header
                .iter()
                .any(|h| names.contains(&units::normalize(h).as_ref()))
        })
}

/// Read score sheets from a header row (at row 1 of the file) and the rows after it: the
/// rules every score sheet follows, whatever the file's format.
pub(super) fn scores_from(
    name: &str,
    header: &[String],
    header_row: usize,
    records: impl Iterator<Item = Record>,
    ev: &Evaluation,
    towns: &Towns,
) -> Result<Scores, Vec<DataError>> {
    let err = |row: Option<usize>, col: Option<&str>, cell: Option<&str>, msg: String| {
        row_error(name, row, col, cell, msg)
    };
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
        crate::t!("data.scores.column.town"),
        crate::t!("data.scores.column.expert"),
        crate::t!("data.scores.column.indicator"),
        crate::t!("data.scores.column.score"),
    ];
    let missing: Vec<String> = cols
        .iter()
        .zip(wanted)
        .filter(|(c, _)| c.is_none())
        .map(|(_, w)| w)
        .collect();
    if !missing.is_empty() {
        return Err(vec![err(
            Some(header_row),
            None,
            None,
            crate::t!(
                "data.scores.columns",
                columns = missing.join(&crate::t!("data.list_sep"))
            ),
        )
        .with_help(crate::t!("data.scores.columns_help"))]);
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
    // The sheet of each town and expert, by index in `scores.by_town[town]`.
    let mut sheet_of: HashMap<(usize, String), usize> = HashMap::new();
    let per_sheet = ev.leaves.len().max(1);
    for record in records {
        let (line, rec) = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                break;
            }
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |i: usize| units::normalize(rec.get(i).map_or("", String::as_str)).into_owned();
        let (town, expert, ind, score) = (get(ct), get(ce), get(ci), get(cs));
        let hdr = |i: usize| header.get(i).map_or("", String::as_str);
        let Some(t) = towns.index_of(&town) else {
            let cands = towns.ids.iter().chain(towns.names.iter());
            let mut e = err(
                Some(line),
                Some(hdr(ct)),
                Some(&town),
                crate::t!("data.scores.unknown_town", town = crate::i18n::quote(&town)),
            );
            e.help = Some(match did_you_mean(&town, cands) {
                Some(s) => crate::t!(
                    "data.scores.unknown_town_like",
                    name = crate::i18n::quote(&s),
                    file = towns.file
                ),
                None => crate::t!("data.scores.unknown_town_help", file = towns.file),
            });
            errors.push(e);
            continue;
        };
        if expert.trim().is_empty() {
            let mut e = err(
                Some(line),
                Some(hdr(ce)),
                None,
                crate::t!("data.scores.no_expert"),
            );
            e.help = Some(crate::t!("data.scores.no_expert_help"));
            errors.push(e);
            continue;
        }
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
                crate::t!(
                    "data.scores.unknown_indicator",
                    indicator = crate::i18n::quote(&ind),
                    town = tname,
                    expert = crate::i18n::quote(&expert)
                ),
            );
            e.help = Some(match did_you_mean(&ind, cands) {
                Some(s) => crate::t!("data.did_you_mean", name = s),
                None => crate::t!("data.scores.unknown_indicator_help"),
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
                crate::t!(
                    "data.scores.not_leaf",
                    code = n.code,
                    label = n.label,
                    town = tname,
                    expert = crate::i18n::quote(&expert)
                ),
            );
            e.help = Some(crate::t!(
                "data.scores.not_leaf_help",
                items = items.join(&crate::t!("data.list_sep"))
            ));
            errors.push(e);
            continue;
        };
        if !matches!(n.scoring, Scoring::Expert) {
            let message = crate::t!(
                "data.scores.computed",
                code = n.code,
                town = tname,
                expert = crate::i18n::quote(&expert)
            );
            let mut e = err(Some(line), Some(hdr(ci)), Some(&ind), message);
            e.help = Some(crate::t!("data.scores.computed_help"));
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
                    crate::t!(
                        "data.scores.bad_score",
                        message = msg,
                        town = tname,
                        expert = crate::i18n::quote(&expert),
                        code = n.code
                    ),
                );
                e.help = Some(crate::t!(
                    "data.scores.bad_score_help",
                    weight = units::format_decimal(n.weight)
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
                crate::t!(
                    "data.scores.out_of_range",
                    score = units::format_decimal(value),
                    code = n.code,
                    label = n.label,
                    weight = units::format_decimal(n.weight),
                    town = tname,
                    expert = crate::i18n::quote(&expert)
                ),
            );
            e.help = Some(crate::t!("data.scores.out_of_range_help"));
            errors.push(e);
            continue;
        }
        let key = (t, expert.clone(), leaf);
        if let Some(first) = seen.get(&key) {
            let message = crate::t!(
                "data.scores.duplicate",
                code = n.code,
                expert = crate::i18n::quote(&expert),
                town = tname,
                first = first
            );
            let mut e = err(Some(line), Some(hdr(ci)), Some(&ind), message);
            e.help = Some(crate::t!("data.scores.duplicate_help"));
            errors.push(e);
            continue;
        }
        let i = match sheet_of.get(&(t, expert.clone())) {
            Some(&i) => i,
            None => {
                if (sheet_of.len() + 1).saturating_mul(per_sheet) > MAX_SCORE_SLOTS {
                    let message = crate::t!(
                        "data.scores.too_many_sheets",
                        sheets = sheet_of.len(),
                        indicators = per_sheet
                    );
                    let e = err(Some(line), Some(hdr(ce)), Some(&expert), message)
                        .with_help(crate::t!("data.scores.too_many_sheets_help"));
                    errors.push(e);
                    break;
                }
                let sheets = &mut scores.by_town[t];
                sheets.push(ExpertSheet {
                    expert: expert.clone(),
                    scores: vec![None; ev.leaves.len()],
                });
                sheet_of.insert((t, expert.clone()), sheets.len() - 1);
                sheets.len() - 1
            }
        };
        seen.insert(key, line);
        if let Some(slot) = scores.by_town[t]
            .get_mut(i)
            .and_then(|s| s.scores.get_mut(leaf))
        {
            *slot = Some(value);
        }
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

/// A score in points, read exactly: `4.5`, `4.5分`, `-1` (a sign is read so that the range
/// check can name it). A score with more digits than a decimal holds is refused, never
/// rounded.
fn parse_score(text: &str) -> Result<Decimal, String> {
    let t = text.trim().trim_end_matches('分').trim();
    if t.is_empty() {
        return Err(crate::t!("data.scores.empty"));
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !plain(int) || !plain(frac) {
        return Err(crate::t!(
            "data.scores.not_points",
            cell = crate::i18n::quote(text)
        ));
    }
    // The value the digits denote, without leading or trailing zeros, must be the value
    // read: otherwise the reading rounded (or could not hold the number at all).
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let exact = if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    };
    let refused = || {
        crate::t!(
            "data.scores.too_precise",
            cell = crate::i18n::quote(t),
            max = MAX_DIGITS
        )
    };
    let sign = if t.starts_with('-') { "-" } else { "" };
    let value = Decimal::from_str_exact(&format!("{sign}{exact}")).map_err(|_| refused())?;
    if value.abs().normalize().to_string() != exact {
        return Err(refused());
    }
    Ok(value)
}

/// The significant digits a score may have (what a decimal holds whatever the digits).
const MAX_DIGITS: usize = 28;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_read_exactly_or_refused() {
        let d = |s: &str| Decimal::from_str_exact(s).unwrap();
        assert_eq!(parse_score("4.5"), Ok(d("4.5")));
        assert_eq!(parse_score(" 4.50分 "), Ok(d("4.5")));
        assert_eq!(parse_score("-1"), Ok(d("-1")));
        assert_eq!(parse_score("007"), Ok(d("7")));
        assert_eq!(parse_score(".5"), Ok(d("0.5")));
        assert_eq!(
            parse_score("0.0000000000000000000000000001"),
            Ok(d("0.0000000000000000000000000001"))
        );
        assert_eq!(parse_score("5.0000000000000000000000000000000"), Ok(d("5")));
        for bad in [
            "5.00000000000000000000000000001",
            "0.00000000000000000000000000001",
            "9.0000000000000000000000000001",
            "99999999999999999999999999999999",
        ] {
            let e = parse_score(bad).unwrap_err();
            assert!(e.contains("不作舍入"), "{bad}: {e}");
        }
        for bad in ["abc", "1e3", "1_0", ".", "4,5", "--1"] {
            let e = parse_score(bad).unwrap_err();
            assert!(e.contains("应为以分计的得分"), "{bad}: {e}");
        }
    }
}
