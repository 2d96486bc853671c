//! The data-entry workbook of a rule set (`townrules template`): the sheet 镇 with
//! exactly the columns the rule set reads — headers the town-data reader accepts, a
//! note on each with the fact's meaning, kind, unit and the clauses that read it,
//! drop-down lists for categories and 是/否, number formats that show the unit — and,
//! for an indicator system scored by experts, the score sheet ([`super::score_sheet`]).

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Format, Note, Workbook,
    Worksheet, XlsxError,
};

use super::cells::{col, Sheet, Styles};
use crate::check::{FactInfo, Kind};
use crate::compile::{RuleSet, Scoring};

/// The rows of a template prepared for data (formats and drop-down lists).
pub(super) const ROWS: u32 = 1000;

/// Excel's longest input-message title and text.
const TITLE_CHARS: usize = 32;
const MESSAGE_CHARS: usize = 255;

/// The first `n` characters of `s`.
fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// One column of the town sheet: the fact and what reads it.
pub(super) struct Column<'r> {
    /// The fact.
    pub fact: &'r FactInfo,
    /// The header written (a spelling the reader accepts: the Chinese label).
    pub head: String,
    /// What the cell holds and how to write it.
    pub hint: String,
    /// The clauses that read the fact.
    pub readers: Vec<String>,
}

/// The columns of the town sheet: the id, the name, then every fact the rule set reads
/// (its criteria, priority clauses and indicators computed from facts), in vocabulary
/// order; a yearly fact by each year read.
pub(super) fn columns(rs: &RuleSet) -> Vec<Column<'_>> {
    let readers = rs.fact_readers();
    let id = rs.fact_index("id");
    let name = rs.fact_index("name");
    let mut order: Vec<usize> = id.into_iter().chain(name).collect();
    order.extend((0..rs.facts.len()).filter(|&f| {
        Some(f) != id
            && Some(f) != name
            && !rs.facts[f].yearly
            && readers.get(f).is_some_and(|r| !r.is_empty())
    }));
    order
        .into_iter()
        .map(|f| {
            let fact = &rs.facts[f];
            let written = if fact.label.is_empty() {
                &fact.id
            } else {
                &fact.label
            };
            // The unit in the header, as spreadsheets write it (the reader takes bare
            // numbers in it): `特色主导产业年产值（亿元）`, `上下游配套企业数（户）`.
            let head = match (fact.kind, &fact.measure) {
                (Kind::Money, _) => format!("{written}（{}）", fact.money_unit.suffix()),
                (Kind::Count, Some(m)) => format!("{written}（{m}）"),
                _ => written.clone(),
            };
            let mut hint = hint(rs, fact);
            if Some(f) == id {
                hint = "每个镇一个唯一编号（必填），如 dingxiang_flange。".into();
            } else if Some(f) == name {
                hint = "镇（专业镇）的名称。".into();
            }
            Column {
                fact,
                head,
                hint,
                readers: readers
                    .get(f)
                    .map(|v| v.iter().map(|&r| rs.reader_label(r)).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// What a fact's cell holds and how to write it, in Chinese.
fn hint(rs: &RuleSet, f: &FactInfo) -> String {
    match f.kind {
        Kind::Money => {
            let u = f.money_unit.suffix();
            format!("金额，单位：{u}。填数字即按{u}读（20 即 20{u}），也可写“8100万元”“20亿元”。")
        }
        Kind::Count => match &f.measure {
            Some(m) => format!("个数，单位：{m}。填整数，如 12。"),
            None => "个数。填整数，如 12。".into(),
        },
        Kind::Percent => "百分比。写 35% 或 35（即 35%）。".into(),
        Kind::Bool if f.attestation => {
            "专家认定：由认定机关按专家认定记录填写“是/否”，申报单位不填（从下拉列表选择）。".into()
        }
        Kind::Bool => "是/否（从下拉列表选择）。".into(),
        Kind::Category(s) => {
            let names: Vec<&str> = rs
                .categories
                .get(s)
                .map(|c| c.members.iter().map(|m| m.label.as_str()).collect())
                .unwrap_or_default();
            format!("类别，从下拉列表选择：{}。", names.join("、"))
        }
        Kind::Number | Kind::Ratio | Kind::Points | Kind::PerUnit => "数字。".into(),
        Kind::Text => "文字。".into(),
    }
}

/// The number format of a fact's cells: the unit shown after the number (the cell
/// keeps the bare number, which the reader takes in that unit).
fn cell_format(f: &FactInfo) -> Option<Format> {
    match f.kind {
        Kind::Money => {
            Some(Format::new().set_num_format(format!("General\"{}\"", f.money_unit.suffix())))
        }
        Kind::Count => f
            .measure
            .as_ref()
            .map(|m| Format::new().set_num_format(format!("General\"{m}\""))),
        Kind::Percent => Some(Format::new().set_num_format("0.00%")),
        Kind::Text => Some(Format::new().set_num_format("@")),
        Kind::Number
        | Kind::Ratio
        | Kind::Points
        | Kind::PerUnit
        | Kind::Bool
        | Kind::Category(_) => None,
    }
}

/// The data validation of a fact's cells: a drop-down list for 是/否 and categories,
/// whole numbers for counts and amounts at least 0 (as a warning, so that `8100万元`
/// can still be written), and the hint as the input message.
fn validation(rs: &RuleSet, c: &Column<'_>) -> Result<DataValidation, XlsxError> {
    let base = match c.fact.kind {
        Kind::Bool => DataValidation::new().allow_list_strings(&["是", "否"])?,
        Kind::Category(s) => {
            let names: Vec<&str> = rs
                .categories
                .get(s)
                .map(|c| c.members.iter().map(|m| m.label.as_str()).collect())
                .unwrap_or_default();
            match DataValidation::new().allow_list_strings(&names) {
                Ok(v) => v,
                // A list too long for a drop-down: the note names the members.
                Err(_) => DataValidation::new().allow_any_value(),
            }
        }
        Kind::Count => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_style(DataValidationErrorStyle::Warning),
        Kind::Money => DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_error_style(DataValidationErrorStyle::Warning),
        Kind::Percent | Kind::Number | Kind::Ratio | Kind::Points | Kind::PerUnit | Kind::Text => {
            DataValidation::new().allow_any_value()
        }
    };
    base.set_input_title(clip(&c.head, TITLE_CHARS))?
        .set_input_message(clip(&c.hint, MESSAGE_CHARS))
}

/// The note on a column's header.
fn note_text(c: &Column<'_>) -> String {
    let mut s = format!("{}（事实编号 {}）\n{}", c.head, c.fact.id, c.hint);
    if !c.readers.is_empty() {
        s.push_str(&format!("\n读取本列的条款：{}", c.readers.join("；")));
    }
    s
}

/// The town sheet.
fn towns_sheet(ws: &mut Worksheet, st: &Styles, rs: &RuleSet) -> Result<(), XlsxError> {
    let cols = columns(rs);
    let mut sh = Sheet::new(ws, st, "镇")?;
    let heads: Vec<String> = cols.iter().map(|c| c.head.clone()).collect();
    sh.header(0, &heads)?;
    for (i, c) in cols.iter().enumerate() {
        let note = Note::new(note_text(c))
            .add_author_prefix(false)
            .set_width(320)
            .set_height(140);
        sh.ws.insert_note(0, col(i), &note)?;
        if let Some(f) = cell_format(c.fact) {
            sh.ws.set_column_format(col(i), &f)?;
        }
        if i > 0 || c.fact.kind != Kind::Text {
            let v = validation(rs, c)?;
            sh.ws.add_data_validation(1, col(i), ROWS, col(i), &v)?;
        }
    }
    // The header keeps its own format over the columns' number formats.
    let header = st.header.clone();
    for (i, h) in heads.iter().enumerate() {
        sh.ws.write_string_with_format(0, col(i), h, &header)?;
    }
    sh.ws.set_row_height(0, 32)?;
    sh.table(0, ROWS as usize, heads.len())?;
    sh.finish(30)
}

/// Whether the rule set has an indicator system with items scored by experts.
pub(super) fn expert_scored(rs: &RuleSet) -> bool {
    rs.evaluation.as_ref().is_some_and(|e| {
        e.leaves
            .iter()
            .any(|&n| matches!(e.nodes[n].scoring, Scoring::Expert))
    })
}

/// The data-entry workbook of a rule set (`townrules template`). Its first sheet, 镇, is
/// the one `eval` reads; for an indicator system scored by experts, 专家评分 follows, the
/// sheet `--scores` finds by its columns — so `eval RULES 模板.xlsx --scores 模板.xlsx`
/// reads a filled template as it is. `info` is where it comes from (the rule file's hash
/// and git revision, the tool), written in 填报说明.
pub fn template(rs: &RuleSet, info: &crate::report::RunInfo) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let st = Styles::new();
    let scored = expert_scored(rs);
    towns_sheet(book.add_worksheet(), &st, rs)?;
    if scored {
        super::score_sheet::scores(book.add_worksheet(), &st, rs)?;
        super::score_sheet::items(book.add_worksheet(), &st, rs)?;
    }
    super::score_sheet::instructions(book.add_worksheet(), &st, rs, info, &columns(rs), scored)?;
    book.save_to_buffer()
}
