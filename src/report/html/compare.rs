//! Other rule sets' verdicts on the same towns (`--compare`): a table of outcomes side
//! by side, and for every town whose outcome differs, the criteria that decide it under
//! each rule set.

use std::fmt::Write;

use super::{esc, outcome_class};
use crate::eval::{Evaluator, Outcome, Status, TownResult};
use crate::report::outcome_zh;

fn title(ev: &Evaluator<'_>) -> String {
    let h = &ev.rules.header;
    if h.title.is_empty() {
        h.id.clone()
    } else {
        h.title.clone()
    }
}

/// The criteria that keep a town from recognition under a rule set: not met, then
/// undetermined, by label.
fn reasons(ev: &Evaluator<'_>, r: &TownResult) -> String {
    let pick = |s: Status| -> Vec<String> {
        r.criteria
            .iter()
            .filter(|c| c.status == s)
            .map(|c| {
                let crit = &ev.rules.criteria[c.index];
                format!("{} {}", crit.clause, crit.label)
            })
            .collect()
    };
    let mut parts = Vec::new();
    let no = pick(Status::NotMet);
    if !no.is_empty() {
        parts.push(format!("不符合：{}", no.join("、")));
    }
    let open = pick(Status::Undetermined);
    if !open.is_empty() {
        parts.push(format!("待定：{}", open.join("、")));
    }
    if parts.is_empty() {
        match r.outcome {
            Outcome::Recognized => "各条均符合".to_string(),
            Outcome::NotRecognized | Outcome::Undetermined => String::new(),
        }
    } else {
        parts.join("；")
    }
}

/// The comparison section.
pub fn section(o: &mut String, ev: &Evaluator<'_>, others: &[&Evaluator<'_>], rows: &[usize]) {
    o.push_str("<section id=\"compare\"><h2>标准对比</h2>\n<p>同一批镇按不同规则集评定的结论。各规则集按各自文件评定，互不替代。</p>\n");
    o.push_str("<table><thead><tr><th>镇</th>");
    let _ = write!(o, "<th>{}</th>", esc(&title(ev)));
    for x in others {
        let _ = write!(o, "<th>{}</th>", esc(&title(x)));
    }
    o.push_str("</tr></thead><tbody>\n");
    let mut differing = Vec::new();
    for &row in rows {
        let mine = ev.explain(row);
        let theirs: Vec<TownResult> = others
            .iter()
            .filter(|x| row < x.towns.len())
            .map(|x| x.explain(row))
            .collect();
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"{}\">{}</td>",
            esc(&ev.towns.names[row]),
            outcome_class(mine.outcome),
            outcome_zh(mine.outcome)
        );
        for t in &theirs {
            let _ = write!(
                o,
                "<td class=\"{}\">{}</td>",
                outcome_class(t.outcome),
                outcome_zh(t.outcome)
            );
        }
        o.push_str("</tr>\n");
        if theirs.iter().any(|t| t.outcome != mine.outcome) {
            differing.push((row, mine, theirs));
        }
    }
    o.push_str("</tbody></table>\n");
    if differing.is_empty() {
        o.push_str("<p>各规则集对这些镇的结论相同。</p></section>\n");
        return;
    }
    let _ = write!(o, "<h3>结论不同的镇（{} 个）</h3>\n<ul>", differing.len());
    for (row, mine, theirs) in &differing {
        let _ = write!(
            o,
            "<li><b>{}</b>：{}为“{}”（{}）",
            esc(&ev.towns.names[*row]),
            esc(&title(ev)),
            outcome_zh(mine.outcome),
            esc(&reasons(ev, mine))
        );
        for (x, t) in others.iter().zip(theirs) {
            let _ = write!(
                o,
                "；{}为“{}”（{}）",
                esc(&title(x)),
                outcome_zh(t.outcome),
                esc(&reasons(x, t))
            );
        }
        o.push_str("</li>");
    }
    o.push_str("</ul></section>\n");
}
