//! The overview (counts and a chart of outcomes), the indicator charts, the sortable
//! table of towns and every town's explained verdict.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::charts::{bars, spread, Bar, Spread};
use super::{esc, outcome_class};
use crate::eval::{Evaluator, Outcome, Status, TownResult, Tri};
use crate::report::{grade_name, outcome_zh, status_zh, total_text, town_detail, TextOptions};

/// Counts per outcome, the marks, and a chart of outcomes.
pub fn overview(o: &mut String, ev: &Evaluator<'_>, results: &[TownResult]) {
    o.push_str("<section id=\"overview\"><h2>概览</h2>\n");
    let n = results.len();
    if ev.rules.criteria.is_empty() {
        let _ = writeln!(
            o,
            "<p>共 {n} 个镇参评；本规则集只有评价指标体系，结果见“指标得分”。</p></section>"
        );
        return;
    }
    let count = |x: Outcome| results.iter().filter(|r| r.outcome == x).count();
    let marked = results.iter().filter(|r| r.discretionary).count();
    // Priority orders the towns recognised: counted among them.
    let priority = |t: Tri| {
        results
            .iter()
            .filter(|r| r.outcome == Outcome::Recognized && ev.priority_state(r.row) == t)
            .count()
    };
    o.push_str("<div class=\"cards\">");
    let _ = write!(o, "<div class=\"card\"><b>{n}</b>参评镇</div>");
    for x in [
        Outcome::Recognized,
        Outcome::NotRecognized,
        Outcome::Undetermined,
    ] {
        let _ = write!(
            o,
            "<div class=\"card {}\"><b>{}</b>{}</div>",
            outcome_class(x),
            count(x),
            outcome_zh(x)
        );
    }
    let _ = write!(
        o,
        "<div class=\"card\"><b>{marked}</b>其中经放宽条款认定（须认定机关裁量）</div>"
    );
    if super::super::has_priorities(ev.rules) {
        let _ = write!(
            o,
            "<div class=\"card\"><b>{}</b>已认定的镇中可优先评定（另有 {} 个能否优先待定）</div>",
            priority(Tri::True),
            priority(Tri::Unknown)
        );
    }
    o.push_str("</div>\n");
    let rows: Vec<Bar> = [
        Outcome::Recognized,
        Outcome::NotRecognized,
        Outcome::Undetermined,
    ]
    .into_iter()
    .map(|x| Bar {
        label: outcome_zh(x).to_string(),
        value: Some(Decimal::from(count(x))),
        class: outcome_class(x),
        text: format!("{} 个", count(x)),
    })
    .collect();
    let _ = writeln!(
        o,
        "<figure>{}<figcaption>各结论的镇数</figcaption></figure></section>",
        bars("各结论的镇数", &rows, Decimal::from(n.max(1)), None)
    );
}

/// For an indicator system: the grade distribution, each town's first-level scores
/// against their weights, the experts' spread.
pub fn indicators(o: &mut String, ev: &Evaluator<'_>, rows: &[usize]) {
    let Some(e) = ev.rules.evaluation.as_ref() else {
        return;
    };
    let _ = writeln!(
        o,
        "<section id=\"indicators\"><h2>指标得分：{}</h2>",
        esc(&e.label)
    );
    let scores: Vec<_> = rows.iter().map(|&r| (r, ev.town_score(r))).collect();
    let mut grades: Vec<(String, usize)> = e.grades.iter().map(|g| (g.name.clone(), 0)).collect();
    grades.push(("待定".to_string(), 0));
    for (_, s) in &scores {
        let name = s.as_ref().map(|s| grade_name(e, s)).unwrap_or_default();
        if let Some(g) = grades.iter_mut().find(|(n, _)| *n == name) {
            g.1 += 1;
        } else if let Some(g) = grades.last_mut() {
            g.1 += 1;
        }
    }
    let bars_g: Vec<Bar> = grades
        .iter()
        .map(|(name, k)| Bar {
            label: name.clone(),
            value: Some(Decimal::from(*k)),
            class: if name == "待定" {
                "undetermined"
            } else {
                "met"
            },
            text: format!("{k} 个"),
        })
        .collect();
    let _ = writeln!(
        o,
        "<figure>{}<figcaption>等级分布</figcaption></figure>",
        bars("等级分布", &bars_g, Decimal::from(rows.len().max(1)), None)
    );
    let reach = e.attainable_nodes();
    for (row, s) in &scores {
        let Some(s) = s else { continue };
        let nodes: Vec<Bar> = e
            .roots
            .iter()
            .map(|&n| {
                let node = &e.nodes[n];
                let score = s.nodes.get(n).copied().flatten();
                let share = score.and_then(|x| x.checked_div(node.weight));
                Bar {
                    label: format!("{} {}", node.code, node.label),
                    value: share,
                    class: if score.is_some() {
                        "met"
                    } else {
                        "undetermined"
                    },
                    text: {
                        let shown =
                            score.map_or("待定".to_string(), |x| format!("{} 分", x.normalize()));
                        // A level whose items add up to less than its weight says so.
                        let most = match reach[n] < node.weight {
                            true => format!("，最高可得 {}", reach[n].normalize()),
                            false => String::new(),
                        };
                        format!("{shown} / 权重 {}{most}", node.weight.normalize())
                    },
                }
            })
            .collect();
        let title = format!("{}：{}", &ev.towns.names[*row], total_text(e, s.total));
        let _ = writeln!(
            o,
            "<figure>{}<figcaption>{}（一级指标得分占权重的比例）</figcaption></figure>",
            bars(&title, &nodes, Decimal::ONE, None),
            esc(&title)
        );
    }
    let spreads: Vec<Spread> = scores
        .iter()
        .filter_map(|(row, s)| {
            let s = s.as_ref()?;
            let points: Vec<(String, Decimal)> = s
                .experts
                .iter()
                .filter_map(|x| Some((x.expert.clone(), x.total?)))
                .collect();
            (!points.is_empty()).then(|| Spread {
                label: ev.towns.names[*row].to_string(),
                points,
                total: s.total.map(|t| (t, total_text(e, Some(t)))),
            })
        })
        .collect();
    if !spreads.is_empty() {
        let _ = writeln!(
            o,
            "<figure>{}<figcaption>专家评分分布（每点为一位专家的总分，竖线为平均分）</figcaption></figure>",
            spread("专家评分分布", &spreads, Decimal::ZERO, e.total)
        );
    }
    o.push_str("</section>\n");
}

/// The table of towns, sortable and filterable by the page's script.
pub fn table(o: &mut String, ev: &Evaluator<'_>, results: &[TownResult]) {
    let rs = ev.rules;
    o.push_str("<section id=\"towns\"><h2>各镇一览</h2>\n");
    o.push_str("<p class=\"filter\" hidden><label>筛选：<input id=\"town-filter\" type=\"search\" placeholder=\"输入镇名、结论等\" hidden></label></p>\n");
    o.push_str("<table id=\"town-table\"><thead><tr>");
    let mut heads: Vec<(String, &str)> = vec![("编号".into(), "text"), ("名称".into(), "text")];
    if !rs.criteria.is_empty() {
        heads.push(("结论".into(), "text"));
    }
    if super::super::has_priorities(rs) {
        heads.push(("优先评定".into(), "text"));
    }
    if let Some(e) = &rs.evaluation {
        heads.push((
            format!("总分（满分{}）", crate::report::full_marks(e)),
            "num",
        ));
        heads.push(("等级".into(), "text"));
    }
    for c in &rs.criteria {
        heads.push((format!("{} {}", c.clause, c.label), "text"));
    }
    for (h, kind) in &heads {
        let _ = write!(
            o,
            "<th data-type=\"{kind}\"><button type=\"button\">{}</button></th>",
            esc(h)
        );
    }
    o.push_str("</tr></thead><tbody>\n");
    for r in results {
        row(o, ev, r);
    }
    o.push_str("</tbody></table></section>\n");
}

fn row(o: &mut String, ev: &Evaluator<'_>, r: &TownResult) {
    let rs = ev.rules;
    let id = &ev.towns.ids[r.row];
    let _ = write!(
        o,
        "<tr><td><a href=\"#town-{}\">{}</a></td><td>{}</td>",
        esc(id),
        esc(id),
        esc(&ev.towns.names[r.row])
    );
    if !rs.criteria.is_empty() {
        let mark = if r.discretionary {
            "（须裁量）"
        } else {
            ""
        };
        let _ = write!(
            o,
            "<td class=\"{}\">{}{mark}</td>",
            outcome_class(r.outcome),
            outcome_zh(r.outcome)
        );
    }
    if super::super::has_priorities(rs) {
        let p = match ev.priority_state(r.row) {
            Tri::True => "是",
            Tri::False => "否",
            Tri::Unknown => "待定",
        };
        let _ = write!(o, "<td>{p}</td>");
    }
    if let Some(e) = &rs.evaluation {
        let s = ev.town_score(r.row);
        let total = s.as_ref().and_then(|s| s.total);
        let grade = s.as_ref().map(|s| grade_name(e, s)).unwrap_or_default();
        let _ = write!(
            o,
            "<td class=\"num\" data-sort=\"{}\">{}</td><td>{}</td>",
            total.map(|t| t.normalize().to_string()).unwrap_or_default(),
            esc(&total_text(e, total)),
            esc(&grade)
        );
    }
    for c in &r.criteria {
        let _ = write!(
            o,
            "<td class=\"{}\">{}</td>",
            status_class(c.status),
            status_zh(c.status)
        );
    }
    o.push_str("</tr>\n");
}

fn status_class(s: Status) -> &'static str {
    s.as_str()
}

/// Every town's explained verdict, one article (a printed page) per town.
pub fn details(o: &mut String, ev: &Evaluator<'_>, results: &[TownResult]) {
    o.push_str("<section id=\"details\"><h2>逐镇说明</h2>\n");
    for r in results {
        let id = &ev.towns.ids[r.row];
        let mut text = String::new();
        let opt = TextOptions {
            color: false,
            all_details: true,
            info: None,
        };
        town_detail(&mut text, ev, r, r.row, opt);
        let _ = writeln!(
            o,
            "<article class=\"town\" id=\"town-{}\"><h3 class=\"{}\">{}</h3><div class=\"lines\">{}</div></article>",
            esc(id),
            outcome_class(r.outcome),
            esc(&ev.towns.names[r.row]),
            esc(text.trim_end())
        );
    }
    o.push_str("</section>\n");
}
