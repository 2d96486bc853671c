//! The read-only commands: `params`, `eval`, `why`, `changes`.

use std::fmt::Write as _;

use super::commands::matches;
use super::engine::Verdict;
use super::error::ReplError;
use super::session::{tail, Session};
use super::show;
use crate::eval::{Outcome, Status};
use crate::report;

fn mark(rs: &crate::compile::RuleSet, v: Verdict) -> String {
    let m = match v.outcome {
        _ if rs.criteria.is_empty() => "",
        Outcome::Recognized => "✓ ",
        Outcome::NotRecognized => "✗ ",
        Outcome::Undetermined => "? ",
    };
    format!("{m}{}", show::verdict_zh(rs, v))
}

/// `合计：认定 …` for a rule set with criteria, `等级：…` for one with an indicator system.
pub(super) fn totals(rs: &crate::compile::RuleSet, e: &super::session::Engine) -> String {
    let mut out = String::new();
    if !rs.criteria.is_empty() || e.grades.is_none() {
        let _ = writeln!(out, "合计：{}", show::counts(e.matrix.counts(), None));
    }
    out.push_str(&grade_totals(rs, e));
    out
}

/// `等级：优秀 1 个，…` for a rule set with an indicator system (else nothing).
pub(super) fn grade_totals(rs: &crate::compile::RuleSet, e: &super::session::Engine) -> String {
    let mut out = String::new();
    if let (Some(ev), Some(g)) = (&rs.evaluation, &e.grades) {
        let mut parts: Vec<String> = ev
            .grades
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let n = g
                    .now
                    .iter()
                    .filter(|x| x.map(usize::from) == Some(i))
                    .count();
                format!("{} {n} 个", b.name)
            })
            .collect();
        let undetermined = g.now.iter().filter(|x| x.is_none()).count();
        if undetermined > 0 {
            parts.push(format!("待定 {undetermined} 个"));
        }
        let _ = writeln!(out, "等级：{}", parts.join("，"));
    }
    out
}

impl Session {
    pub(super) fn params(&self, pattern: Option<&str>) -> Result<String, ReplError> {
        let r = self.rules()?;
        let rs = &r.rs;
        let picked: Vec<usize> = (0..rs.params.len())
            .filter(|&i| pattern.is_none_or(|p| matches(p, &rs.params[i].name)))
            .collect();
        if picked.is_empty() {
            let pat = pattern.unwrap_or("");
            if rs.params.is_empty() {
                return Ok("本规则集没有参数。\n".to_string());
            }
            let names = rs.params.iter().map(|p| p.name.as_str());
            return Err(ReplError::NoParameterMatches {
                pattern: pat.to_string(),
                suggestion: crate::suggest::did_you_mean(pat, names),
            });
        }
        let mut rows = vec![vec![
            "参数".to_string(),
            "当前值".to_string(),
            "单位".to_string(),
            "文件中的值".to_string(),
            "出处".to_string(),
        ]];
        for i in picked {
            let p = &rs.params[i];
            let fv = show::file_value(p);
            let mut cur = show::param_value(rs, p, p.current());
            if !tail(p).is_empty() {
                cur.push_str(" *");
            }
            rows.push(vec![
                p.name.clone(),
                cur,
                show::param_unit(rs, p),
                show::param_value(rs, p, fv),
                fv.map(report::provenance).unwrap_or_default(),
            ]);
        }
        let mut out = show::table(&rows);
        if rs.params.iter().any(|p| !tail(p).is_empty()) {
            out.push_str("（* 本次会话中修改过；`changes` 列出修改及其影响，`unset NAME` 或 `reset` 恢复）\n");
        }
        Ok(out)
    }

    pub(super) fn eval_all(&self) -> Result<String, ReplError> {
        let (r, d, e) = self.loaded()?;
        let rs = &r.rs;
        let scored = rs.evaluation.is_some();
        let ev = e.evaluator(rs, d);
        let mut head = vec!["编号", "名称", "结论"];
        if scored {
            head.push("总分");
        }
        head.push("说明");
        let mut rows = vec![head.into_iter().map(String::from).collect::<Vec<_>>()];
        for row in 0..d.towns.len() {
            let v = e.verdict(row);
            let mut why: Vec<String> = (0..rs.criteria.len())
                .filter(|&c| e.matrix.status(c, row) != Status::Met)
                .map(|c| {
                    format!(
                        "{}（{}）",
                        rs.criteria[c].label,
                        report::status_zh(e.matrix.status(c, row))
                    )
                })
                .collect();
            if e.file_verdict(row) != v {
                why.push(format!(
                    "〔按文件中的参数：{}〕",
                    show::verdict_zh(rs, e.file_verdict(row))
                ));
            }
            let statuses: Vec<Status> = (0..rs.criteria.len())
                .map(|c| e.matrix.status(c, row))
                .collect();
            let mut verdict = mark(rs, v);
            if rs.has_discretionary() && ev.town_discretionary(row, v.outcome, &statuses) {
                verdict.push_str(report::DISCRETIONARY_TOWN);
            }
            let mut line = vec![
                d.towns.ids[row].to_string(),
                d.towns.names[row].to_string(),
                verdict,
            ];
            if scored {
                let total = ev.town_score(row).and_then(|s| s.total);
                // As the report shows it: never rounded into another grade band.
                line.push(match &rs.evaluation {
                    Some(system) => report::total_text(system, total),
                    None => "待定".to_string(),
                });
            }
            line.push(why.join("、"));
            rows.push(line);
        }
        let mut out = String::new();
        for line in report::what_if_lines(rs) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&show::table(&rows));
        out.push_str(&totals(rs, e));
        Ok(out)
    }

    fn find_town(&self, key: &str) -> Result<usize, ReplError> {
        let (_, d, _) = self.loaded()?;
        let t = &d.towns;
        t.index_of(key).ok_or_else(|| {
            let cands = t.ids.iter().chain(t.names.iter());
            ReplError::UnknownTown {
                town: key.to_string(),
                file: t.file.clone(),
                suggestion: crate::suggest::did_you_mean(key, cands),
            }
        })
    }

    pub(super) fn eval_town(&self, key: &str) -> Result<String, ReplError> {
        let row = self.find_town(key)?;
        let (r, d, e) = self.loaded()?;
        let rs = &r.rs;
        let ev = e.evaluator(rs, d);
        let opt = report::TextOptions {
            color: false,
            all_details: true,
            info: None,
        };
        let mut out = report::text(&ev, &[row], &[row], opt);
        if e.file_verdict(row) != e.verdict(row) {
            let _ = writeln!(
                out,
                "\n按文件中的参数，结论为：{}（`changes` 列出修改过的参数）",
                show::verdict_zh(rs, e.file_verdict(row))
            );
        }
        Ok(out)
    }

    pub(super) fn why(&self, key: &str, criterion: Option<&str>) -> Result<String, ReplError> {
        let row = self.find_town(key)?;
        let (r, d, e) = self.loaded()?;
        let rs = &r.rs;
        let crits: Vec<usize> = match criterion {
            None => (0..rs.criteria.len()).collect(),
            Some(c) => vec![criterion_index(rs, c)?],
        };
        let ev = e.evaluator(rs, d);
        let v = e.verdict(row);
        let mut out = format!("{}  {}\n", show::town(&d.towns, row), mark(rs, v));
        if e.file_verdict(row) != v {
            let _ = writeln!(
                out,
                "（按文件中的参数：{}）",
                show::verdict_zh(rs, e.file_verdict(row))
            );
        }
        for c in crits {
            let cr = ev.explain_criterion(c, row);
            let crit = &rs.criteria[c];
            let _ = writeln!(
                out,
                "  {} {} {} [{}]：{}",
                status_mark(cr.status),
                crit.clause,
                crit.label,
                crit.id,
                report::status_zh(cr.status)
            );
            for l in report::criterion_lines(&ev, &cr, row) {
                let _ = writeln!(out, "      {l}");
            }
        }
        if criterion.is_none() {
            if let Some(score) = ev.town_score(row) {
                for l in report::score_lines(&ev, &score, row) {
                    let _ = writeln!(out, "  {l}");
                }
            }
        }
        Ok(out)
    }

    pub(super) fn changes(&self) -> Result<String, ReplError> {
        let r = self.rules()?;
        let rs = &r.rs;
        let mut out = String::new();
        let changed: Vec<usize> = (0..rs.params.len())
            .filter(|&i| {
                let p = &rs.params[i];
                !tail(p).is_empty()
                    && p.current().and_then(|v| v.value)
                        != show::file_value(p).and_then(|v| v.value)
            })
            .collect();
        if changed.is_empty() {
            out.push_str("所有参数都是文件中的值。\n");
        } else {
            let _ = writeln!(out, "与文件不同的参数（{} 个）：", changed.len());
            let mut rows = Vec::new();
            for i in changed {
                let p = &rs.params[i];
                let fv = show::file_value(p);
                rows.push(vec![
                    format!("  {}", p.name),
                    show::param_value(rs, p, p.current()),
                    format!("文件中 {}", show::param_value(rs, p, fv)),
                    fv.map(report::provenance).unwrap_or_default(),
                ]);
            }
            out.push_str(&show::table(&rows));
        }
        let Ok((_, d, e)) = self.loaded() else {
            return Ok(out);
        };
        let rows: Vec<usize> = (0..d.towns.len())
            .filter(|&r| e.file_verdict(r) != e.verdict(r))
            .collect();
        if rows.is_empty() {
            out.push_str("各镇的结论与按文件中的参数相同。\n");
            return Ok(out);
        }
        let _ = writeln!(out, "结论与按文件中的参数不同的镇（{} 个）：", rows.len());
        let lines: Vec<Vec<String>> = rows
            .iter()
            .map(|&r| {
                vec![
                    format!("  {}", &d.towns.ids[r]),
                    d.towns.names[r].to_string(),
                    show::verdict_change(rs, e.file_verdict(r), e.verdict(r)),
                ]
            })
            .collect();
        out.push_str(&show::table(&lines));
        let file_counts = e.file.iter().fold([0usize; 3], |mut a, v| {
            a[super::engine::slot(*v)] += 1;
            a
        });
        if !rs.criteria.is_empty() || e.grades.is_none() {
            let _ = writeln!(
                out,
                "合计：{}",
                show::counts(e.matrix.counts(), Some(file_counts))
            );
        }
        out.push_str(&grade_totals(rs, e));
        Ok(out)
    }
}

fn criterion_index(rs: &crate::compile::RuleSet, c: &str) -> Result<usize, ReplError> {
    if let Some(i) = rs
        .criterion_index(c)
        .or_else(|| rs.criteria.iter().position(|x| x.label == c))
    {
        return Ok(i);
    }
    let ids = rs.criteria.iter().map(|c| c.id.as_str());
    Err(ReplError::UnknownCriterion {
        criterion: c.to_string(),
        file: rs.source_file.clone(),
        suggestion: crate::suggest::did_you_mean(c, ids),
        criteria: rs.criteria.iter().map(|c| c.id.clone()).collect(),
    })
}

fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Met => "✓",
        Status::NotMet => "✗",
        Status::Undetermined => "?",
        Status::NotApplicable => "–",
    }
}
