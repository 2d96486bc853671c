//! Hover: what a name is. A parameter shows the value in force with its unit and
//! every value it has had along `extends` (level, document, clause, quotation); a
//! fact its label, kind, unit and aliases.
//!
//! Parameter values come from the last successful check of the document (the checker
//! applies overrides and dates); while the buffer has errors and was never checked
//! clean, the declarations themselves are shown.

use std::fmt::Write as _;

use crate::check::{level_zh, Checked, Kind, ParamInfo, ParamValue, Symbol};
use crate::syntax::ast::FactDecl;

use super::index::{Def, DefKind, Index, ValueDecl};

/// The Markdown shown when hovering `candidates` (longest name first): one section per
/// thing the name is (a criterion and a fact may share an id).
pub fn hover(candidates: &[String], index: &Index, model: Option<&Checked>) -> Option<String> {
    for name in candidates {
        let mut sections: Vec<String> = model
            .and_then(|m| from_model(name, m))
            .into_iter()
            .collect();
        let mut values_done = !sections.is_empty();
        let defs = index.lookup(name);
        for d in &defs {
            match &d.kind {
                DefKind::Param(_)
                | DefKind::TableEntry(_)
                | DefKind::Override(_)
                | DefKind::Table => {
                    if !values_done {
                        values_done = true;
                        sections.push(declared(name, &defs, index));
                    }
                }
                other => sections.push(describe(&d.name, other)),
            }
        }
        if !sections.is_empty() {
            return Some(sections.join("\n\n---\n\n"));
        }
    }
    None
}

fn from_model(name: &str, m: &Checked) -> Option<String> {
    match m.resolve(name)? {
        Symbol::Param(i) => m.params.get(i).map(|p| param(p, m)),
        Symbol::Table(i) => {
            let t = m.tables.get(i)?;
            let set = m.categories.get(t.set)?;
            let mut out = format!(
                "**{}**（按类别的参数表）— {}\n\n",
                t.name,
                kind_zh(t.kind, m)
            );
            for (member, entry) in set.members.iter().zip(&t.entries) {
                let value = entry
                    .and_then(|p| m.params.get(p))
                    .and_then(|p| p.current().map(|v| (p, v)));
                match value {
                    Some((_, v)) => {
                        let _ = writeln!(
                            out,
                            "- {}（{}）= **{}**{}",
                            member.id,
                            member.label,
                            written(v),
                            cited(v)
                        );
                    }
                    None => {
                        let _ = writeln!(out, "- {}（{}）：不适用", member.id, member.label);
                    }
                }
            }
            Some(out)
        }
        // Facts, members: their declarations say it all.
        Symbol::Fact(_) | Symbol::Member(..) => None,
    }
}

/// A parameter: the value in force, then its history along `extends`.
fn param(p: &ParamInfo, m: &Checked) -> String {
    let current = p.current();
    let mut out = format!("**{}** — {}\n\n", p.name, kind_zh(p.kind, m));
    match current {
        Some(v) => {
            let _ = writeln!(out, "值：**{}**{}\n", written(v), cited(v));
        }
        None => out.push_str("值：未设定\n\n"),
    }
    out.push_str("来源（沿 extends，由上级到本级）：\n\n");
    for v in &p.history {
        let pv = &v.provenance;
        let mut line = String::new();
        let level = level_zh(&pv.level);
        for part in [level, pv.document.as_str(), pv.ruleset.as_str()] {
            if !part.is_empty() {
                if !line.is_empty() {
                    line.push_str(" · ");
                }
                line.push_str(part);
            }
        }
        if let Some(c) = &pv.clause {
            let _ = write!(line, " · 条款 {c}");
        }
        let _ = write!(line, "：{}", written(v));
        if let Some(f) = &v.from {
            let _ = write!(line, "（自 {f} 起）");
        }
        if current.is_some_and(|c| std::ptr::eq(c, v)) {
            line.push_str(" ← 现行");
        }
        let _ = writeln!(out, "- {line}");
        if let Some(q) = &pv.quote {
            let _ = writeln!(out, "  > 原文：{q}");
        }
        if let Some(i) = &pv.interpretation {
            let _ = writeln!(out, "  > 本规则集的理解：{i}");
        }
        if let Some(w) = &pv.what_if {
            let _ = writeln!(out, "  > 假设值：{w}");
        }
        if !pv.at.is_empty() {
            let _ = writeln!(out, "  （{}）", pv.at);
        }
    }
    out
}

fn written(v: &ParamValue) -> String {
    v.written.clone().unwrap_or_else(|| "未设定".to_string())
}

/// `（晋政办发〔2022〕80号 二（四））`, or nothing.
fn cited(v: &ParamValue) -> String {
    let pv = &v.provenance;
    let mut parts = Vec::new();
    if !pv.document.is_empty() {
        parts.push(pv.document.clone());
    }
    if let Some(c) = &pv.clause {
        parts.push(c.clone());
    }
    if pv.what_if.is_some() {
        parts.push("假设值".to_string());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("（{}）", parts.join(" "))
    }
}

/// A kind in words: `金额`, `计数（人）`, `类别（产业类别）`.
fn kind_zh(kind: Kind, m: &Checked) -> String {
    match kind {
        Kind::Money => "金额".to_string(),
        Kind::Count => "计数".to_string(),
        Kind::Number => "数值".to_string(),
        Kind::Percent => "百分比".to_string(),
        Kind::Bool => "是/否".to_string(),
        Kind::Category(s) => match m.categories.get(s) {
            Some(set) => format!("类别（{}）", set.label),
            None => "类别".to_string(),
        },
        Kind::Text => "文本".to_string(),
        Kind::Ratio => "比例".to_string(),
        Kind::Points => "百分点".to_string(),
        Kind::PerUnit => "人均金额".to_string(),
    }
}

/// A parameter or table as declared (no checked model: the rule set has errors).
fn declared(name: &str, defs: &[&Def], index: &Index) -> String {
    if defs.iter().any(|d| matches!(d.kind, DefKind::Table)) {
        return format!("**{name}**（按类别的参数表）");
    }
    let mut out = format!("**{name}**（参数；规则集有错误，按声明显示）\n\n");
    for d in defs {
        if let DefKind::Param(v) | DefKind::TableEntry(v) | DefKind::Override(v) = &d.kind {
            declared_value(&mut out, v, d, index);
        }
    }
    out
}

/// A fact, category, member, criterion or population.
fn describe(id: &str, kind: &DefKind) -> String {
    match kind {
        DefKind::Fact(f) => fact(f),
        DefKind::Category(label) => format!("**{id}** {label}（类别集）"),
        DefKind::Member(set, label) => format!("**{id}** {label}（{set}的类别）"),
        DefKind::Criterion(label, Some(c)) => format!("**{id}** {label}（认定标准，条款 {c}）"),
        DefKind::Criterion(label, None) => format!("**{id}** {label}（认定标准）"),
        DefKind::Population(label) => format!("**{id}** {label}（排名范围）"),
        DefKind::Param(_) | DefKind::TableEntry(_) | DefKind::Override(_) | DefKind::Table => {
            format!("**{id}**（参数）")
        }
    }
}

fn declared_value(out: &mut String, v: &ValueDecl, d: &Def, index: &Index) {
    let file = index.files.get(d.file);
    let mut line = String::new();
    if let Some((level, document)) = file.and_then(|f| f.header.as_ref()) {
        let _ = write!(line, "{} · {document}", level_zh(level));
    } else if let Some(f) = file.and_then(|f| f.path.file_name()) {
        line.push_str(&f.to_string_lossy());
    }
    if let Some(c) = &v.clause {
        let _ = write!(line, " · 条款 {c}");
    }
    let value = v.written.as_deref().unwrap_or("未设定");
    let _ = write!(line, "：{value}");
    if let Some(f) = &v.from {
        let _ = write!(line, "（自 {f} 起）");
    }
    let _ = writeln!(out, "- {line}");
    if let Some(q) = &v.quote {
        let _ = writeln!(out, "  > 原文：{q}");
    }
}

/// A fact: label, kind and unit, aliases.
fn fact(f: &FactDecl) -> String {
    let k = &f.kind.node;
    let arg = k.arg.as_deref();
    let kind = match (k.name.as_str(), arg) {
        ("money", Some(u)) => format!("金额，单位 {u}"),
        ("money", None) => "金额".to_string(),
        ("count", Some(u)) => format!("计数，量词 {u}"),
        ("count", None) => "计数".to_string(),
        ("percent", _) => "百分比".to_string(),
        ("yes_no", _) => "是/否".to_string(),
        ("attestation", _) => "专家认定（是/否）".to_string(),
        ("category", Some(set)) => format!("类别（{set}）"),
        ("text", _) => "文本".to_string(),
        (other, Some(a)) => format!("{other} {a}"),
        (other, None) => other.to_string(),
    };
    let mut out = format!("**{}** {}（事实）\n\n类型：{kind}", f.id.node, f.label.node);
    if f.yearly {
        out.push_str("，按年度（读作 `");
        out.push_str(&f.id.node);
        out.push_str("[year]`）");
    }
    out.push('\n');
    if !f.aliases.is_empty() {
        let aliases: Vec<&str> = f.aliases.iter().map(|a| a.node.as_str()).collect();
        let _ = write!(out, "\n别名：{}\n", aliases.join("、"));
    }
    if let Some(note) = crate::syntax::ast::attr_text(&f.attrs, "note") {
        let _ = write!(out, "\n{note}\n");
    }
    out
}
