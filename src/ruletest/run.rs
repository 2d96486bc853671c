//! Running the cases of a test file against its rule set, and what they cover.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use super::spec::{Case, Cell, TestFile};
use super::TestError;
use crate::check::Checked;
use crate::compile::RuleSet;
use crate::data::{load_towns_str, DataFormat, Towns};
use crate::eval::{Evaluator, Outcome, Path as Route, Status, TownResult, Tri};

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Each expectation not met, in words (empty: the case passed).
    pub failures: Vec<String>,
    /// For a failed case: the explanation of the verdict actually reached.
    pub explanation: Option<String>,
}

impl CaseResult {
    /// Whether every expectation was met.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// What the cases of a file cover: for each criterion, whether some case meets it and
/// some case does not; for each relaxation, whether some case passes through it and
/// some case tries it and fails.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// Per criterion: (label, met by a case, not met by a case).
    pub criteria: Vec<(String, bool, bool)>,
    /// Per relaxation: (criterion label, clause, met through it, tried and failed).
    pub relaxations: Vec<(String, String, bool, bool)>,
}

/// A criterion or relaxation path without both kinds of case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// What lacks cases, in words.
    pub what: String,
    /// Which kind is missing, in words.
    pub missing: String,
}

impl Coverage {
    /// Everything without both kinds of case.
    pub fn gaps(&self) -> Vec<Gap> {
        let mut out = Vec::new();
        for (label, met, not) in &self.criteria {
            let kinds = [
                (met, crate::t!("test.gap.met")),
                (not, crate::t!("test.gap.not_met")),
            ];
            for (seen, kind) in kinds {
                if !seen {
                    out.push(Gap {
                        what: crate::t!("test.gap.criterion", label = label),
                        missing: kind,
                    });
                }
            }
        }
        for (label, clause, through, failed) in &self.relaxations {
            let kinds = [
                (through, crate::t!("test.gap.through")),
                (failed, crate::t!("test.gap.failed")),
            ];
            for (seen, kind) in kinds {
                if !seen {
                    out.push(Gap {
                        what: crate::t!("test.gap.relaxation", label = label, clause = clause),
                        missing: kind,
                    });
                }
            }
        }
        out
    }
}

/// The results of one test file.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The test file.
    pub test: PathBuf,
    /// The rule file it tests.
    pub rules: PathBuf,
    /// The cases, in order.
    pub cases: Vec<CaseResult>,
    /// What they cover.
    pub coverage: Coverage,
}

/// Run every case of the test file at `path`.
pub fn run_file(path: &Path) -> Result<FileResult, TestError> {
    let file = TestFile::read(path)?;
    let rules = file.rules_path(path);
    let rules_error = || TestError::Rules {
        path: path.to_path_buf(),
        rules: rules.clone(),
    };
    let report = crate::check::check_file(&rules);
    if report.has_errors() {
        return Err(rules_error());
    }
    let mut model = report.model.ok_or_else(rules_error)?;
    let year = file.year.or(model.header.as_ref().and_then(|h| h.year));
    crate::check::bind_year(&mut model, year).map_err(|_| rules_error())?;
    let rs = crate::compile::compile(&model).map_err(|_| rules_error())?;
    let mut coverage = Coverage {
        criteria: rs
            .criteria
            .iter()
            .map(|c| (c.label.clone(), false, false))
            .collect(),
        relaxations: Vec::new(),
    };
    let relax_at: Vec<(usize, usize)> = rs
        .criteria
        .iter()
        .enumerate()
        .flat_map(|(c, crit)| {
            crit.requires
                .iter()
                .enumerate()
                .filter(|(_, r)| r.relax.is_some())
                .map(move |(i, _)| (c, i))
        })
        .collect();
    for &(c, i) in &relax_at {
        let crit = &rs.criteria[c];
        let clause = crit.requires[i]
            .relax
            .as_ref()
            .and_then(|r| r.clause.clone())
            .unwrap_or_default();
        coverage
            .relaxations
            .push((crit.label.clone(), clause, false, false));
    }
    let cases = file
        .cases
        .iter()
        .map(|case| {
            let (result, town) = run_case(&file, case, &model, &rs);
            if let Some(t) = town {
                cover(&mut coverage, &relax_at, &t);
            }
            result
        })
        .collect();
    Ok(FileResult {
        test: path.to_path_buf(),
        rules,
        cases,
        coverage,
    })
}

/// Note what the explained town `t` covers.
fn cover(cov: &mut Coverage, relax_at: &[(usize, usize)], t: &TownResult) {
    for (c, cr) in t.criteria.iter().enumerate() {
        if let Some(slot) = cov.criteria.get_mut(c) {
            match cr.status {
                Status::Met => slot.1 = true,
                Status::NotMet | Status::NotApplicable => slot.2 = true,
                Status::Undetermined => {}
            }
        }
    }
    for (k, &(c, i)) in relax_at.iter().enumerate() {
        let Some(q) = t.criteria.get(c).and_then(|cr| cr.requires.get(i)) else {
            continue;
        };
        let tried = q.cond.value == Tri::False;
        let slot = &mut cov.relaxations[k];
        if q.path == Route::Relaxation && q.status == Tri::True {
            slot.2 = true;
        }
        if tried && q.status == Tri::False {
            slot.3 = true;
        }
    }
}

/// Run one case: its result, and the explained town (for coverage) when it ran.
fn run_case(
    file: &TestFile,
    case: &Case,
    model: &Checked,
    rs: &RuleSet,
) -> (CaseResult, Option<TownResult>) {
    let fail = |why: String| CaseResult {
        name: case.name.clone(),
        failures: vec![why],
        explanation: None,
    };
    let mut rs = rs.clone();
    if let Some(d) = &case.date {
        if !crate::check::is_iso_date(d) {
            return (fail(crate::t!("test.case.date", date = d)), None);
        }
        rs.set_date(d);
    }
    for (name, value) in file.set.iter().chain(&case.set) {
        if let Err(e) = rs.set_param(name, value, "测试用例 set") {
            let why = crate::t!("test.case.set", name = name, value = value, error = e);
            return (fail(why), None);
        }
    }
    let towns = match towns_of(file, case, model) {
        Ok(t) => t,
        Err(why) => return (fail(why), None),
    };
    let scores = match scores_of(case, &rs, &towns) {
        Ok(s) => s,
        Err(why) => return (fail(why), None),
    };
    let mut ev = Evaluator::new(&rs, &towns);
    if let Some(s) = &scores {
        ev = ev.with_scores(s);
    }
    let t = ev.explain(0);
    let failures = compare(case, &ev, &t);
    let explanation = (!failures.is_empty()).then(|| {
        let opt = crate::report::TextOptions {
            color: false,
            all_details: true,
            info: None,
        };
        crate::report::text(&ev, &[0], &[0], opt)
    });
    let result = CaseResult {
        name: case.name.clone(),
        failures,
        explanation,
    };
    (result, Some(t))
}

/// Every expectation of `case` against the explained town `t`.
fn compare(case: &Case, ev: &Evaluator<'_>, t: &TownResult) -> Vec<String> {
    let rs = ev.rules;
    let mut out = Vec::new();
    if let Some(want) = &case.expect {
        match outcome_of(want) {
            Some(o) if o == t.outcome => {}
            Some(o) => out.push(crate::t!(
                "test.case.outcome",
                want = crate::report::outcome_zh(o),
                got = crate::report::outcome_zh(t.outcome)
            )),
            None => out.push(crate::t!("test.case.bad_expect", want = want)),
        }
    }
    for (id, want) in &case.criteria {
        let Some(c) = rs
            .criteria
            .iter()
            .position(|c| &c.id == id || &c.label == id)
        else {
            out.push(crate::t!("test.case.no_criterion", id = id));
            continue;
        };
        let got = t.criteria[c].status;
        match status_of(want) {
            Some(s) if s == got => {}
            Some(s) => out.push(crate::t!(
                "test.case.status",
                label = rs.criteria[c].label,
                want = crate::report::status_zh(s),
                got = crate::report::status_zh(got)
            )),
            None => out.push(crate::t!("test.case.bad_status", id = id, want = want)),
        }
    }
    if let Some(want) = case.discretionary {
        if want != t.discretionary {
            out.push(crate::t!(
                "test.case.discretionary",
                want = yes_no(want),
                got = yes_no(t.discretionary)
            ));
        }
    }
    if let Some(want) = &case.priority {
        let got = ev.priority_state(0);
        match tri_of(want) {
            Some(w) if w == got => {}
            Some(w) => out.push(crate::t!(
                "test.case.priority",
                want = tri_zh(w),
                got = tri_zh(got)
            )),
            None => out.push(crate::t!("test.case.bad_priority", want = want)),
        }
    }
    score_failures(case, ev, &mut out);
    out
}

/// The expectations on the score and the grade.
fn score_failures(case: &Case, ev: &Evaluator<'_>, out: &mut Vec<String>) {
    if case.score.is_none() && case.grade.is_none() {
        return;
    }
    let (Some(s), Some(e)) = (ev.town_score(0), ev.rules.evaluation.as_ref()) else {
        out.push(crate::t!("test.case.no_system"));
        return;
    };
    if let Some(want) = &case.score {
        match want.trim().parse::<Decimal>() {
            Ok(w) if Some(w) == s.total => {}
            Ok(_) => out.push(crate::t!(
                "test.case.score",
                want = want,
                got = s
                    .total
                    .map_or_else(|| "待定".to_string(), |t| t.normalize().to_string())
            )),
            Err(_) => out.push(crate::t!("test.case.bad_score", want = want)),
        }
    }
    if let Some(want) = &case.grade {
        let got = crate::report::grade_name(e, &s);
        if &got != want {
            out.push(crate::t!("test.case.grade", want = want, got = got));
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "有"
    } else {
        "无"
    }
}

fn tri_zh(t: Tri) -> &'static str {
    match t {
        Tri::True => "是",
        Tri::False => "否",
        Tri::Unknown => "待定",
    }
}

fn outcome_of(s: &str) -> Option<Outcome> {
    match s.trim() {
        "认定" | "recognized" => Some(Outcome::Recognized),
        "不予认定" | "not_recognized" => Some(Outcome::NotRecognized),
        "待定" | "undetermined" => Some(Outcome::Undetermined),
        _ => None,
    }
}

fn status_of(s: &str) -> Option<Status> {
    match s.trim() {
        "符合" | "met" => Some(Status::Met),
        "不符合" | "not_met" => Some(Status::NotMet),
        "待定" | "undetermined" => Some(Status::Undetermined),
        "不适用" | "not_applicable" => Some(Status::NotApplicable),
        _ => None,
    }
}

fn tri_of(s: &str) -> Option<Tri> {
    match s.trim() {
        "yes" | "是" => Some(Tri::True),
        "no" | "否" => Some(Tri::False),
        "unknown" | "待定" => Some(Tri::Unknown),
        _ => None,
    }
}

/// The case's town (row 0) and its `others`, as one CSV read by the data loader.
fn towns_of(file: &TestFile, case: &Case, model: &Checked) -> Result<Towns, String> {
    let attest = case.attestations.as_ref().or(file.attestations.as_ref());
    let attest = match attest.map(|a| a.trim()) {
        None => None,
        Some("yes" | "是") => Some("是"),
        Some("no" | "否") => Some("否"),
        Some(other) => return Err(crate::t!("test.case.bad_attestations", value = other)),
    };
    let mut rows: Vec<BTreeMap<String, String>> = Vec::new();
    for facts in std::iter::once(&case.facts).chain(&case.others) {
        let mut row = BTreeMap::new();
        for given in [&file.defaults, facts] {
            for (key, cell) in given {
                // A fact by id, label or alias; anything else (a yearly fact's column,
                // `yearly_output@2024`) goes to the data loader as written.
                let col =
                    fact_of(model, key).map_or_else(|| key.clone(), |f| model.facts[f].id.clone());
                let text = cell
                    .text()
                    .map_err(|e| crate::t!("test.case.cell", key = key, error = e))?;
                row.insert(col, text);
            }
        }
        if let Some(a) = attest {
            for fact in model.facts.iter().filter(|f| f.attestation) {
                row.entry(fact.id.clone()).or_insert_with(|| a.to_string());
            }
        }
        rows.push(row);
    }
    let cols: Vec<String> = {
        let mut c: Vec<String> = rows.iter().flat_map(|r| r.keys().cloned()).collect();
        c.sort_unstable();
        c.dedup();
        c.retain(|f| !matches!(f.as_str(), "id" | "name"));
        c
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["id".to_string(), "name".to_string()];
    header.extend(cols.iter().cloned());
    w.write_record(&header).map_err(|e| e.to_string())?;
    for (i, row) in rows.iter().enumerate() {
        let mut rec = vec![
            format!("t{}", i + 1),
            if i == 0 {
                case.name.clone()
            } else {
                format!("其他镇{i}")
            },
        ];
        rec.extend(cols.iter().map(|f| row.get(f).cloned().unwrap_or_default()));
        w.write_record(&rec).map_err(|e| e.to_string())?;
    }
    let text =
        String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    load_towns_str("用例", &text, DataFormat::Csv, model)
        .map(|l| l.towns)
        .map_err(|errors| {
            let first = errors.first().map(ToString::to_string).unwrap_or_default();
            crate::t!("test.case.data", error = first)
        })
}

/// The fact a test file names by id, label or alias.
fn fact_of(model: &Checked, key: &str) -> Option<usize> {
    model
        .facts
        .iter()
        .position(|f| f.id == key || f.label == key || f.aliases.iter().any(|a| a == key))
}

/// The case's expert score sheet, when it gives one.
fn scores_of(
    case: &Case,
    rs: &RuleSet,
    towns: &Towns,
) -> Result<Option<crate::data::Scores>, String> {
    if case.scores.is_empty() {
        return Ok(None);
    }
    let e = rs
        .evaluation
        .as_ref()
        .ok_or_else(|| crate::t!("test.case.scores_without_system"))?;
    let mut text = String::from("town,expert,indicator,score\n");
    for (expert, items) in &case.scores {
        let fill = match items.get("default") {
            None => None,
            Some(Cell::Text(t)) if t == "full" => Some(true),
            Some(Cell::Text(t)) if t == "zero" => Some(false),
            Some(_) => return Err(crate::t!("test.case.bad_default")),
        };
        for &leaf in &e.leaves {
            let node = &e.nodes[leaf];
            let score = match (items.get(&node.code), fill) {
                (Some(c), _) => c
                    .text()
                    .map_err(|m| crate::t!("test.case.cell", key = node.code, error = m))?,
                (None, Some(true)) => node.weight.normalize().to_string(),
                (None, Some(false)) => "0".to_string(),
                (None, None) => continue,
            };
            text.push_str(&format!("t1,{expert},{},{score}\n", node.code));
        }
        for code in items.keys().filter(|k| *k != "default") {
            if !e.nodes.iter().any(|n| &n.code == code) {
                return Err(crate::t!("test.case.no_indicator", code = code));
            }
        }
    }
    crate::data::load_scores_str("用例评分", &text, e, towns)
        .map(Some)
        .map_err(|errors| {
            let first = errors.first().map(ToString::to_string).unwrap_or_default();
            crate::t!("test.case.scores", error = first)
        })
}
