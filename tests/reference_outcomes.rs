//! End to end: every example town under every rule set gives the outcome and the
//! criterion statuses that an independent implementation of docs/INTERPRETATION.md
//! §3–§10 (`tests/reference/reference.py`, Python with `decimal`) computed.

use std::collections::HashMap;
use std::path::Path;

use townrules::data::load_towns;
use townrules::eval::{Evaluator, Status};

struct Expected {
    file: String,
    ruleset: String,
    town: String,
    outcome: String,
    criteria: Vec<(String, String)>,
    /// Criteria met only through a discretionary relaxation.
    discretionary: Vec<String>,
}

fn expected() -> Vec<Expected> {
    let mut rdr =
        csv::Reader::from_path("tests/reference/expected_outcomes.csv").expect("reference file");
    rdr.records()
        .map(|r| {
            let r = r.expect("record");
            Expected {
                file: r[0].to_string(),
                ruleset: r[1].to_string(),
                town: r[2].to_string(),
                outcome: r[3].to_string(),
                criteria: r[4]
                    .split(';')
                    .map(|kv| {
                        let (k, v) = kv.split_once('=').expect("k=v");
                        (k.to_string(), v.to_string())
                    })
                    .collect(),
                discretionary: r[5]
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            }
        })
        .collect()
}

#[test]
fn every_example_town_matches_the_independent_reference() {
    let exp = expected();
    assert!(exp.len() >= 200, "reference has {} rows", exp.len());
    let mut rulesets = HashMap::new();
    let mut mismatches = Vec::new();
    for e in &exp {
        let (model, rs) = rulesets.entry(e.ruleset.clone()).or_insert_with(|| {
            let report =
                townrules::check::check_file(Path::new(&format!("rules/{}.rules", e.ruleset)));
            let model = report.model.expect("rule set checks");
            let rs = townrules::compile::compile(&model).expect("compiles");
            (model, rs)
        });
        let towns = load_towns(Path::new(&e.file), model)
            .expect("data loads")
            .towns;
        let ev = Evaluator::new(rs, &towns);
        let row = towns.index_of(&e.town).expect("town present");
        let mut st = vec![Status::Met; rs.criteria.len()];
        let outcome = ev.statuses(row, &mut st);
        if outcome.as_str() != e.outcome {
            mismatches.push(format!(
                "{} {} {}: outcome {} (reference {})",
                e.file,
                e.ruleset,
                e.town,
                outcome.as_str(),
                e.outcome
            ));
        }
        for (cid, status) in &e.criteria {
            let i = rs
                .criterion_index(cid)
                .unwrap_or_else(|| panic!("criterion {cid} in {}", e.ruleset));
            if st[i].as_str() != status {
                mismatches.push(format!(
                    "{} {} {} {cid}: {} (reference {status})",
                    e.file,
                    e.ruleset,
                    e.town,
                    st[i].as_str()
                ));
            }
            // The explained evaluation agrees with the fast one.
            assert_eq!(
                ev.explain_criterion(i, row).status,
                st[i],
                "{} {} {cid}",
                e.ruleset,
                e.town
            );
        }
        // The discretionary marks: on exactly the criteria met only through a
        // discretionary relaxation, and on the town when it is recognised with one.
        let explained = ev.explain(row);
        let marked: Vec<String> = explained
            .criteria
            .iter()
            .filter(|c| c.discretionary)
            .map(|c| rs.criteria[c.index].id.clone())
            .collect();
        if marked != e.discretionary {
            mismatches.push(format!(
                "{} {} {}: discretionary criteria {marked:?} (reference {:?})",
                e.file, e.ruleset, e.town, e.discretionary
            ));
        }
        let town_mark = e.outcome == "recognized" && !e.discretionary.is_empty();
        if explained.discretionary != town_mark
            || ev.town_discretionary(row, outcome, &st) != town_mark
        {
            mismatches.push(format!(
                "{} {} {}: town discretionary {} (reference {town_mark})",
                e.file, e.ruleset, e.town, explained.discretionary
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn id_header_and_label_header_files_give_identical_verdicts() {
    for ruleset in ["shanxi", "xinzhou", "puxian"] {
        let model = townrules::check::check_file(Path::new(&format!("rules/{ruleset}.rules")))
            .model
            .expect("checks");
        let rs = townrules::compile::compile(&model).expect("compiles");
        let a = load_towns(Path::new("examples/edge_cases.csv"), &model)
            .expect("loads")
            .towns;
        let b = load_towns(Path::new("examples/edge_cases_labels.csv"), &model)
            .expect("loads")
            .towns;
        assert_eq!(a.ids, b.ids);
        let (ea, eb) = (Evaluator::new(&rs, &a), Evaluator::new(&rs, &b));
        for row in 0..a.len() {
            assert_eq!(
                ea.explain(row),
                eb.explain(row),
                "{ruleset} {}",
                &a.ids[row]
            );
        }
    }
}
