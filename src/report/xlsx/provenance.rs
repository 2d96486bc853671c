//! The sheets 规则集 (the rule set's header, criteria, parameters in force and what-if
//! changes) and 来源 (the tool, files with their hashes, git revision, dates, changes).

use rust_decimal::Decimal;
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{Sheet, Styles};
use crate::check::{level_zh, Const, Kind, ParamInfo};
use crate::compile::RuleSet;
use crate::report::{provenance, RunInfo};

/// Write key–value rows from row `r` on; the next free row.
fn pairs(sh: &mut Sheet<'_>, mut r: usize, items: &[(&str, String)]) -> Result<usize, XlsxError> {
    let key = sh.st.key.clone();
    for (k, v) in items {
        sh.text_in(r, 0, k, &key)?;
        sh.long(r, 1, v)?;
        r += 1;
    }
    Ok(r)
}

/// The value and unit a parameter's number is written in: money in 元, percentages in
/// %, ratios as % (× 100), counts with their measure word.
fn param_number(p: &ParamInfo, d: Decimal) -> (Decimal, String) {
    match p.kind {
        Kind::Money => (d, "元".into()),
        Kind::Percent => (d, "%".into()),
        Kind::Ratio => (d.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(d), "%".into()),
        Kind::Points => (d, "个百分点".into()),
        Kind::PerUnit => (d, "元（每单位）".into()),
        Kind::Count => (d, p.measure.clone().unwrap_or_default()),
        Kind::Number | Kind::Bool | Kind::Category(_) | Kind::Text => (d, String::new()),
    }
}

/// The sheet 规则集.
pub(super) fn ruleset(ws: &mut Worksheet, st: &Styles, rs: &RuleSet) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(ws, st, "规则集")?;
    let h = &rs.header;
    sh.header(0, &["项目".into(), "内容".into()])?;
    let items = [
        ("规则集编号", h.id.clone()),
        ("标题", h.title.clone()),
        ("依据文件", h.document.clone()),
        ("文件名称", h.name.clone()),
        ("发文机关", h.issuer.clone()),
        ("发文日期", h.date.clone()),
        ("层级", level_zh(&h.level).to_string()),
        ("章节", h.section.clone()),
        ("继承", h.extends.clone().unwrap_or_default()),
        ("规则文件", rs.source_file.clone()),
        (
            "适用日期",
            rs.as_of.as_ref().map(|a| a.text()).unwrap_or_default(),
        ),
        (
            "评价年度",
            rs.year.map(|y| y.to_string()).unwrap_or_default(),
        ),
        ("通用读法（本规则集的理解）", h.conventions.join("\n")),
        ("说明", h.note.clone()),
    ];
    let mut r = pairs(&mut sh, 1, &items)? + 1;

    let crit_heads = ["标准编号", "标准名称", "条款", "原文", "本规则集的理解"];
    sh.header(r, &crit_heads.map(String::from))?;
    for (i, c) in rs.criteria.iter().enumerate() {
        r += 1;
        sh.text(r, 0, &c.id)?;
        sh.text(r, 1, &c.label)?;
        sh.text(r, 2, &c.clause)?;
        sh.long(r, 3, c.quote.as_deref().unwrap_or(""))?;
        sh.long(r, 4, &rs.interpretations(i).join("\n"))?;
    }
    r += 2;

    let param_heads = ["参数", "取值（如所写）", "数值", "单位", "依据"];
    sh.header(r, &param_heads.map(String::from))?;
    for p in &rs.params {
        r += 1;
        sh.text(r, 0, &p.name)?;
        let Some(v) = p.current() else {
            sh.text(r, 1, "未设定")?;
            continue;
        };
        sh.text(r, 1, v.written.as_deref().unwrap_or("未设定"))?;
        match v.value {
            Some(Const::Num(d)) => {
                let (n, unit) = param_number(p, d);
                sh.decimal(r, 2, n)?;
                sh.text(r, 3, &unit)?;
            }
            Some(Const::Bool(b)) => sh.text(r, 2, if b { "是" } else { "否" })?,
            Some(Const::Member(_)) | None => {}
        }
        sh.long(r, 4, &provenance(v))?;
    }
    let changes = rs.overrides();
    let saved = rs.saved_what_ifs();
    if !changes.is_empty() || !saved.is_empty() {
        r += 2;
        sh.header(
            r,
            &[
                "假设分析（非正式结论）".into(),
                "文件取值".into(),
                "假设取值".into(),
            ],
        )?;
        let named = |name: &str| rs.param_title(name);
        for c in &changes {
            r += 1;
            sh.text(r, 0, &named(&c.name))?;
            let old = c.old.as_deref().unwrap_or("未设定");
            sh.text(r, 1, &format!("{old}（{}）", c.old_basis))?;
            sh.text(r, 2, &c.new)?;
        }
        for w in &saved {
            r += 1;
            sh.text(r, 0, &named(&w.name))?;
            sh.text(r, 1, &format!("规则文件中保存的假设值：{}", w.note))?;
            sh.text(r, 2, &w.value)?;
        }
    }
    sh.ws.set_freeze_panes(1, 0)?;
    sh.finish(60)
}

/// The sheet 来源: where the report comes from.
pub(super) fn sources(
    ws: &mut Worksheet,
    st: &Styles,
    rs: &RuleSet,
    info: &RunInfo,
) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(ws, st, "来源")?;
    sh.header(0, &["项目".into(), "内容".into()])?;
    let stamp = |f: &Option<crate::report::FileStamp>| {
        f.as_ref().map_or((String::new(), String::new()), |s| {
            (s.path.clone(), s.sha256.clone())
        })
    };
    let (rules, rules_hash) = stamp(&info.rules);
    let (data, data_hash) = stamp(&info.data);
    let (scores, scores_hash) = stamp(&info.scores);
    let changes = if info.overrides.is_empty() {
        "无".to_string()
    } else {
        format!("假设分析（非正式结论）：\n{}", info.overrides.join("\n"))
    };
    let mut items = vec![
        ("生成工具", info.tool.clone()),
        ("规则文件", rules),
        ("规则文件 SHA-256", rules_hash),
        (
            "规则文件 git 版本",
            info.rules_revision
                .clone()
                .unwrap_or_else(|| "（不在 git 仓库中）".into()),
        ),
        (
            "规则集",
            format!("{}（{}）", rs.header.title, rs.header.document),
        ),
        (
            "引用的规则文件",
            info.rule_files
                .iter()
                .map(|f| format!("{}（SHA-256 {}）", f.path, f.sha256))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("数据文件", data),
        ("数据文件 SHA-256", data_hash),
    ];
    if !scores.is_empty() {
        items.push(("评分表", scores));
        items.push(("评分表 SHA-256", scores_hash));
    }
    items.extend([
        (
            "参数取值日期（规则集日期或 --date）",
            info.date.clone().unwrap_or_else(|| "（规则集未注明日期）".into()),
        ),
        (
            "评价年度",
            info.year.map(|y| y.to_string()).unwrap_or_default(),
        ),
        ("假设分析", changes),
        (
            "数值说明",
            "分数、金额与门槛按精确值写入：能被 Excel 数字精确表示的写作数字（格式显示全部小数位，不作舍入），否则写作文字；金额单位为元，百分比单位为%。"
                .into(),
        ),
    ]);
    pairs(&mut sh, 1, &items)?;
    sh.ws.set_freeze_panes(1, 0)?;
    sh.finish(80)
}
