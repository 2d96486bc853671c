//! The template's sheets beside 镇: 专家评分 (the long score table `--scores` reads,
//! with each item's code from a drop-down list and its score checked against the
//! item's range), 评分项 (the items experts score: code, name, weight, range) and
//! 填报说明 (how to fill in the workbook, what each column is, where it comes from).

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Formula, Note, Worksheet, XlsxError,
};

use super::cells::{col, Sheet, Styles};
use super::template::{Column, ROWS};
use crate::compile::{RuleSet, Scoring};
use crate::report::{sha256_hex, RunInfo};

/// The sheet of the items experts score.
const ITEMS: &str = "评分项";

/// The leaves experts score, in order.
fn expert_leaves(rs: &RuleSet) -> Vec<usize> {
    rs.evaluation.as_ref().map_or_else(Vec::new, |e| {
        e.leaves
            .iter()
            .copied()
            .filter(|&n| matches!(e.nodes[n].scoring, Scoring::Expert))
            .collect()
    })
}

/// The sheet 专家评分: 编号, 专家, 指标, 得分, one row per town, expert and item.
pub(super) fn scores(ws: &mut Worksheet, st: &Styles, rs: &RuleSet) -> Result<(), XlsxError> {
    let n = expert_leaves(rs).len();
    let mut sh = Sheet::new(ws, st, "专家评分")?;
    let heads = ["编号", "专家", "指标", "得分"].map(String::from);
    sh.header(0, &heads)?;
    let notes = [
        "镇的编号，与「镇」表的编号一致。",
        "专家姓名。每位专家对每个镇的每个评分项各填一行。",
        "评分项的指标代码（从下拉列表选择），见「评分项」表。",
        "得分：0 至该项权重（满分）之间的数字，见「评分项」表；超出范围是输入错误，不做截断。",
    ];
    for (i, t) in notes.iter().enumerate() {
        let note = Note::new(*t).add_author_prefix(false);
        sh.ws.insert_note(0, col(i), &note)?;
    }
    let last = n + 1;
    // The town from the towns sheet's ids (a warning only: the towns may be elsewhere).
    let towns = DataValidation::new()
        .allow_list_formula(Formula::new(format!("='镇'!$A$2:$A${}", ROWS + 1)))
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_input_title("编号")?
        .set_input_message("镇的编号，与「镇」表一致。")?;
    sh.ws.add_data_validation(1, 0, ROWS, 0, &towns)?;
    let codes = DataValidation::new()
        .allow_list_formula(Formula::new(format!("='{ITEMS}'!$A$2:$A${last}")))
        .set_input_title("指标")?
        .set_input_message("评分项的指标代码，见「评分项」表。")?;
    sh.ws.add_data_validation(1, 2, ROWS, 2, &codes)?;
    let range = DataValidation::new()
        .allow_custom(Formula::new(format!(
            "=AND(ISNUMBER(D2),D2>=0,D2<=VLOOKUP(C2,'{ITEMS}'!$A$2:$D${last},4,FALSE))"
        )))
        .set_input_title("得分")?
        .set_input_message("0 至该项权重之间的数字（见「评分项」表的权重与得分范围）。")?
        .set_error_title("得分超出范围")?
        .set_error_message("每项得分在 0 至该项权重之间；请核对「评分项」表。")?
        .set_error_style(DataValidationErrorStyle::Stop);
    sh.ws.add_data_validation(1, 3, ROWS, 3, &range)?;
    sh.ws
        .set_column_format(0, &rust_xlsxwriter::Format::new().set_num_format("@"))?;
    sh.table(0, ROWS as usize, heads.len())?;
    sh.finish(30)
}

/// The sheet 评分项: the items experts score, with their weight and range.
pub(super) fn items(ws: &mut Worksheet, st: &Styles, rs: &RuleSet) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(ws, st, ITEMS)?;
    let heads = [
        "指标代码",
        "指标名称",
        "所属指标",
        "权重（满分）",
        "得分范围",
    ]
    .map(String::from);
    sh.header(0, &heads)?;
    let Some(e) = rs.evaluation.as_ref() else {
        return sh.finish(40);
    };
    let leaves = expert_leaves(rs);
    for (i, &n) in leaves.iter().enumerate() {
        let r = i + 1;
        let node = &e.nodes[n];
        sh.text(r, 0, &node.code)?;
        sh.text(r, 1, &node.label)?;
        if let Some(p) = node.parent.and_then(|p| e.nodes.get(p)) {
            sh.text(r, 2, &format!("{} {}", p.code, p.label))?;
        }
        sh.decimal(r, 3, node.weight)?;
        let w = crate::units::format_decimal(node.weight.normalize());
        sh.text(r, 4, &format!("0–{w}"))?;
    }
    sh.table(0, leaves.len(), heads.len())?;
    sh.finish(50)
}

/// The sheet 填报说明.
pub(super) fn instructions(
    ws: &mut Worksheet,
    st: &Styles,
    rs: &RuleSet,
    info: &RunInfo,
    cols: &[Column<'_>],
    scored: bool,
) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(ws, st, "填报说明")?;
    let key = st.key.clone();
    let (file, hash) = match &info.rules {
        Some(f) => (f.path.clone(), f.sha256.clone()),
        None => {
            let root = rs.sources.iter().find(|s| s.name() == rs.source_file);
            let hash = root.map(|s| sha256_hex(s.text().as_bytes()));
            (rs.source_file.clone(), hash.unwrap_or_default())
        }
    };
    let eval = if scored {
        "townrules eval 规则文件 本文件.xlsx --scores 本文件.xlsx"
    } else {
        "townrules eval 规则文件 本文件.xlsx"
    };
    let items: Vec<(&str, String)> = vec![
        ("规则集", format!("{}（{}）", rs.header.title, rs.header.document)),
        ("规则文件", file),
        ("规则文件 SHA-256", hash),
        (
            "规则文件 git 版本",
            info.rules_revision
                .clone()
                .unwrap_or_else(|| "（不在 git 仓库中）".into()),
        ),
        ("生成工具", info.tool.clone()),
        (
            "「镇」表",
            "每行一个镇。各列正是本规则集读取的事实，不多不少；列名不要改动（评定时按列名识别）。每列表头的批注说明其含义、单位和读取它的条款。".into(),
        ),
        (
            "填写方法",
            "金额、个数填数字即按表头括号中的单位读，也可写“8100万元”；百分比写 35% 或 35；是/否与类别从下拉列表选择；空格表示未填报：按缺失处理（读取它的条款为待定），不会当作“否”或 0。".into(),
        ),
        (
            "专家评分",
            if scored {
                "「专家评分」表每行一个镇、一位专家、一个评分项；得分在 0 至该项权重之间（见「评分项」表）。".into()
            } else {
                "本规则集没有专家评分的指标。".into()
            },
        ),
        ("评定", eval.into()),
    ];
    for (r, (k, v)) in items.iter().enumerate() {
        sh.text_in(r, 0, k, &key)?;
        sh.long(r, 1, v)?;
    }
    let start = items.len() + 1;
    let heads = ["列名", "事实编号", "填写说明", "读取本列的条款"].map(String::from);
    sh.header(start, &heads)?;
    for (i, c) in cols.iter().enumerate() {
        let r = start + 1 + i;
        sh.text(r, 0, &c.head)?;
        sh.text(r, 1, &c.fact.id)?;
        sh.long(r, 2, &c.hint)?;
        sh.long(r, 3, &c.readers.join("\n"))?;
    }
    sh.finish(70)
}
