//! The fast path (criteria lowered to flat programs, 64 towns at a time) gives exactly
//! what the tree-walking reference gives, for every bundled rule file, on the example
//! data and on generated data: statuses, outcomes, the batch and parallel entry points.

#[path = "../benches/support/gen.rs"]
mod gen;

use std::path::Path;

use townrules::compile::RuleSet;
use townrules::data::{load_towns, load_towns_str, DataFormat, Towns};
use townrules::eval::{Evaluator, Outcome, Status, Tri};

/// Every rule file that is a rule set (not the vocabulary).
fn rule_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("rules")
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".rules") && !p.ends_with("facts.rules"))
        .collect();
    v.sort();
    assert!(v.len() >= 8, "{v:?}");
    v
}

fn load(path: &str) -> (townrules::check::Checked, RuleSet) {
    let model = townrules::check::check_file(Path::new(path))
        .model
        .unwrap_or_else(|| panic!("{path} checks"));
    let rs = townrules::compile::compile(&model).unwrap();
    (model, rs)
}

fn example_data(model: &townrules::check::Checked) -> Vec<Towns> {
    let mut v = Vec::new();
    for e in std::fs::read_dir("examples").unwrap() {
        let p = e.unwrap().path();
        // The draft amendment's data has a column only that rule set declares.
        let draft_only = p.ends_with("municipal_towns_rd.csv")
            && !model.facts.iter().any(|f| f.id == "rd_spending");
        if p.extension().is_some_and(|x| x == "csv")
            && !p.ends_with("xinzhou_scores.csv")
            && !draft_only
        {
            v.push(load_towns(&p, model).unwrap().towns);
        }
    }
    v
}

/// `n` generated towns (a tenth as many in a debug build, to keep `cargo test` quick).
fn generated(model: &townrules::check::Checked, n: usize, seed: u64) -> Towns {
    let n = if cfg!(debug_assertions) {
        n.div_ceil(10).max(70)
    } else {
        n
    };
    let text = gen::csv_string(n, seed);
    load_towns_str("gen.csv", &text, DataFormat::Csv, model)
        .unwrap()
        .towns
}

/// Compare every entry point of the fast path with the reference on every town.
fn agree(rs: &RuleSet, towns: &Towns, what: &str) {
    let ev = Evaluator::new(rs, towns);
    let k = rs.criteria.len();
    let n = towns.len();
    let mut reference = vec![Status::Met; n * k];
    let mut ref_outcomes = Vec::with_capacity(n);
    for row in 0..n {
        for c in 0..k {
            let want = ev.status_tree(c, row);
            reference[row * k + c] = want;
            let got = ev.status(c, row);
            assert_eq!(
                got, want,
                "{what}: town {} criterion {}",
                &towns.ids[row], rs.criteria[c].id
            );
        }
        // The explained path decides the outcome on its own (for a town without a
        // category, over every category: not always `Outcome::of` the statuses).
        let explained = ev.explain(row);
        let o = explained.outcome;
        if !explained.over_categories {
            assert_eq!(
                o,
                Outcome::of(reference[row * k..(row + 1) * k].iter().copied())
            );
        }
        let explained: Vec<Status> = explained.criteria.iter().map(|c| c.status).collect();
        assert_eq!(
            explained,
            &reference[row * k..(row + 1) * k],
            "{what}: explained"
        );
        ref_outcomes.push(o);
        assert_eq!(ev.outcome(row), o, "{what}: town {}", &towns.ids[row]);
        let mut s = vec![Status::Met; k];
        assert_eq!(ev.statuses(row, &mut s), o);
        assert_eq!(s, &reference[row * k..(row + 1) * k]);
    }
    let (s, o) = ev.par_statuses();
    assert_eq!(s, reference, "{what}: par_statuses");
    assert_eq!(o, ref_outcomes, "{what}: par_statuses outcomes");
    assert_eq!(ev.par_outcomes(), ref_outcomes, "{what}: par_outcomes");
    // Unaligned ranges.
    for start in [0, 1, 37, 63, 64, 65] {
        if start >= n {
            continue;
        }
        let len = (n - start).min(150);
        let mut so = vec![Outcome::Recognized; len];
        let mut ss = vec![Status::Met; len * k];
        ev.statuses_into(start, &mut ss, &mut so);
        assert_eq!(
            so,
            &ref_outcomes[start..start + len],
            "{what}: from {start}"
        );
        assert_eq!(ss, &reference[start * k..(start + len) * k]);
        let mut oo = vec![Outcome::Recognized; len];
        ev.outcomes_into(start, &mut oo);
        assert_eq!(
            oo,
            &ref_outcomes[start..start + len],
            "{what}: from {start}"
        );
    }
}

#[test]
fn fast_path_agrees_with_the_reference_on_every_rule_file() {
    for file in rule_files() {
        let (model, rs) = load(&file);
        for (i, towns) in example_data(&model).iter().enumerate() {
            agree(&rs, towns, &format!("{file} example {i}"));
        }
        let towns = generated(&model, 3_000, 42);
        agree(&rs, &towns, &format!("{file} generated"));
    }
}

#[test]
fn fast_path_agrees_with_parameters_set_and_unset() {
    let (model, mut rs) = load("rules/xinjiang.rules");
    let towns = generated(&model, 2_000, 5);
    // Every threshold unset: every criterion undetermined or decided by other facts.
    agree(&rs, &towns, "xinjiang unset");
    let ev = Evaluator::new(&rs, &towns);
    assert_eq!(ev.program().size().1, 0, "no fallback instructions");
    for (name, value) in [
        ("min_output", "10亿元"),
        ("min_leading_enterprises", "1家"),
        ("min_supporting_enterprises", "8户"),
        ("min_national_market_share", "30%"),
        ("min_provincial_market_share", "50.5%"),
        ("min_jobs", "2000人"),
    ] {
        rs.set_param(name, value, "test").unwrap();
        agree(&rs, &towns, &format!("xinjiang {name}={value}"));
    }
    let (model, mut rs) = load("rules/shanxi.rules");
    let towns = generated(&model, 2_000, 6);
    for (name, value) in [
        ("min_output.manufacturing", "19.9999亿元"),
        ("min_output.specialty_agriculture", "123456789.123元"),
        ("relaxed_min_output", "0.99999999999亿元"),
        ("min_supporting_enterprises", "0户"),
    ] {
        rs.set_param(name, value, "test").unwrap();
        agree(&rs, &towns, &format!("shanxi {name}={value}"));
    }
}

#[test]
fn fast_path_agrees_when_decimals_do_not_fit_in_integers() {
    let (model, rs) = load("rules/shanxi.rules");
    // A value with 28 significant digits forces the column onto exact decimals.
    let mut text = gen::csv_string(500, 9);
    text.push_str(
        "huge,巨镇,某县,manufacturing,1234567890123456789.012345678亿元,是,是,是,1,10,30%,50%,2000,1,1,1,1,1,是,是,是,是,是,是\n",
    );
    let towns = load_towns_str("h.csv", &text, DataFormat::Csv, &model)
        .unwrap()
        .towns;
    let ev = Evaluator::new(&rs, &towns);
    assert!(ev.program().size().1 > 0, "money compares fall back");
    agree(&rs, &towns, "shanxi huge money");
}

#[test]
fn lowered_programs_have_no_fallback_for_the_provincial_rules() {
    for file in [
        "rules/shanxi.rules",
        "rules/xinzhou.rules",
        "rules/puxian.rules",
    ] {
        let (model, rs) = load(file);
        let towns = generated(&model, 100, 1);
        let ev = Evaluator::new(&rs, &towns);
        let (all, slow) = ev.program().size();
        assert!(all > 0);
        assert_eq!(slow, 0, "{file}");
    }
}

/// Explanations (lowered plans, reused buffers) equal those of walking the trees.
fn explanations_agree(rs: &RuleSet, towns: &Towns, what: &str) {
    let ev = Evaluator::new(rs, towns);
    let mut reused = townrules::eval::TownResult::default();
    // Backwards and forwards, so buffers shrink and grow.
    for row in (0..towns.len()).rev().chain(0..towns.len()) {
        ev.explain_into(row, &mut reused);
        let fresh = ev.explain(row);
        assert_eq!(reused, fresh, "{what}: town {}", &towns.ids[row]);
        for (c, cr) in fresh.criteria.iter().enumerate() {
            let tree = ev.explain_criterion_tree(c, row);
            assert_eq!(*cr, tree, "{what}: town {} criterion {c}", &towns.ids[row]);
            // Same representation of every decimal, not only the same value.
            assert_eq!(format!("{cr:?}"), format!("{tree:?}"));
        }
    }
}

#[test]
fn explanations_agree_with_walking_the_trees() {
    for file in rule_files() {
        let (model, rs) = load(&file);
        for (i, towns) in example_data(&model).iter().enumerate() {
            explanations_agree(&rs, towns, &format!("{file} example {i}"));
        }
        let towns = generated(&model, 3_000, 77);
        explanations_agree(&rs, &towns, &format!("{file} generated"));
    }
    let (model, mut rs) = load("rules/xinjiang.rules");
    let towns = generated(&model, 300, 8);
    for (name, value) in [("min_output", "9.99999亿元"), ("min_jobs", "2000人")] {
        rs.set_param(name, value, "test").unwrap();
        explanations_agree(&rs, &towns, &format!("xinjiang {name}={value}"));
    }
    let (model, mut rs) = load("rules/shanxi.rules");
    let mut text = gen::csv_string(300, 10);
    text.push_str(
        "huge,巨镇,某县,manufacturing,1234567890123456789.012345678亿元,是,是,是,1,10,30%,50%,2000,1,1,1,1,1,是,是,是,是,是,是\n",
    );
    let towns = load_towns_str("h.csv", &text, DataFormat::Csv, &model)
        .unwrap()
        .towns;
    explanations_agree(&rs, &towns, "shanxi huge money");
    let towns = generated(&model, 300, 12);
    rs.set_param("min_output.manufacturing", "19.123456789亿元", "test")
        .unwrap();
    rs.set_param("relaxed_min_output", "0.000000001元", "test")
        .unwrap();
    explanations_agree(&rs, &towns, "shanxi odd thresholds");
}

/// The CSV report as the `csv` crate wrote it before the report was streamed in parallel.
fn csv_reference(ev: &Evaluator<'_>, rows: &[usize]) -> Vec<u8> {
    let rs = ev.rules;
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let scored = rs.evaluation.is_some();
    let mut header = vec!["id".to_string(), "name".to_string()];
    if !rs.criteria.is_empty() {
        header.push("outcome".to_string());
    }
    let marks = rs.has_discretionary();
    if marks {
        header.push("discretionary".to_string());
    }
    if scored {
        header.push("total".to_string());
        header.push("grade".to_string());
    }
    header.extend(rs.criteria.iter().map(|c| c.id.clone()));
    let prioritised =
        !rs.priorities.is_empty() || rs.criteria.iter().any(|c| !c.priorities.is_empty());
    if prioritised {
        header.push("priority".to_string());
    }
    let interpreted: Vec<&str> = (0..rs.criteria.len())
        .filter(|&c| !rs.interpretations(c).is_empty())
        .map(|c| rs.criteria[c].id.as_str())
        .collect();
    let interpreted = interpreted.join(";");
    let relaxable = rs
        .criteria
        .iter()
        .any(|c| c.requires.iter().any(|r| r.relax.is_some()));
    if relaxable {
        header.push("relaxed".to_string());
    }
    header.push("missing_facts".to_string());
    if !interpreted.is_empty() {
        header.push("interpretations".to_string());
    }
    header.push("what_if".to_string());
    let read: Vec<usize> = rs
        .fact_readers()
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .map(|(f, _)| f)
        .collect();
    w.write_record(&header).unwrap();
    let mut statuses = vec![Status::Met; rs.criteria.len()];
    for &row in rows {
        for (c, s) in statuses.iter_mut().enumerate() {
            *s = ev.status_tree(c, row);
        }
        let explained = ev.explain(row);
        let outcome = explained.outcome;
        let marked = if explained.discretionary {
            "true"
        } else {
            "false"
        };
        let (total, grade) = match (scored, ev.town_score(row)) {
            (true, Some(s)) => (
                s.total.map(|d| d.to_string()).unwrap_or_default(),
                rs.evaluation
                    .as_ref()
                    .map(|e| townrules::report::grade_name(e, &s))
                    .unwrap_or_default(),
            ),
            _ => (String::new(), String::new()),
        };
        let mut rec: Vec<&str> = vec![&towns_id(ev, row), &ev.towns.names[row]];
        if !rs.criteria.is_empty() {
            rec.push(outcome.as_str());
        }
        if marks {
            rec.push(marked);
        }
        if scored {
            rec.push(&total);
            rec.push(&grade);
        }
        rec.extend(statuses.iter().map(|s| s.as_str()));
        // Priority from the explanation records: yes if any clause holds, else unknown
        // if any cannot be decided, else no.
        let mut all: Vec<Tri> = explained
            .criteria
            .iter()
            .flat_map(|c| c.priorities.iter().copied())
            .collect();
        all.extend((0..rs.priorities.len()).map(|i| ev.set_priority(i, row)));
        let priority = if all.contains(&Tri::True) {
            "yes"
        } else if all.contains(&Tri::Unknown) {
            "unknown"
        } else {
            "no"
        };
        if prioritised {
            rec.push(priority);
        }
        // Met through a relaxation: from the explanation records' paths.
        let relaxed: Vec<&str> = explained
            .criteria
            .iter()
            .filter(|c| {
                c.status == Status::Met
                    && c.requires
                        .iter()
                        .any(|q| q.path == townrules::eval::Path::Relaxation)
            })
            .map(|c| rs.criteria[c.index].id.as_str())
            .collect();
        let relaxed = relaxed.join(";");
        if relaxable {
            rec.push(&relaxed);
        }
        let missing: Vec<&str> = read
            .iter()
            .filter(|&&f| ev.towns.columns[f].is_missing(row))
            .map(|&f| rs.facts[f].id.as_str())
            .collect();
        let missing = missing.join(";");
        rec.push(&missing);
        if !interpreted.is_empty() {
            rec.push(&interpreted);
        }
        rec.push("");
        w.write_record(&rec).unwrap();
    }
    w.into_inner().unwrap()
}

fn towns_id<'t>(ev: &Evaluator<'t>, row: usize) -> &'t str {
    &ev.towns.ids[row]
}

#[test]
fn reports_are_byte_identical_to_the_unstreamed_ones() {
    let tricky = "id,name,category,output_value\n\
                  a,\"甲, 镇\",manufacturing,20\n\
                  b,\"say \"\"hi\"\"\",manufacturing,20\n\
                  c,\"two\nlines\",specialty_agriculture,5\n\
                  d,,culture_tourism,1\n";
    for file in rule_files() {
        let (model, rs) = load(&file);
        let mut data = example_data(&model);
        data.push(generated(&model, 20_000, 3));
        data.push(
            load_towns_str("tricky.csv", tricky, DataFormat::Csv, &model)
                .unwrap()
                .towns,
        );
        for towns in &data {
            let ev = Evaluator::new(&rs, towns);
            let all: Vec<usize> = (0..towns.len()).collect();
            let some: Vec<usize> = (0..towns.len()).rev().step_by(3).collect();
            for rows in [&all, &some] {
                let mut got = Vec::new();
                let ids = townrules::report::CsvOptions { ids: true };
                townrules::report::csv(&ev, rows, &ids, &mut got).unwrap();
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    String::from_utf8(csv_reference(&ev, rows)).unwrap(),
                    "{file} csv"
                );
                if towns.len() <= 100 {
                    // The report written in parts on all cores is the report built whole.
                    let mut got = Vec::new();
                    townrules::report::json_write(&ev, rows, &Default::default(), &mut got)
                        .unwrap();
                    let got: serde_json::Value = serde_json::from_slice(&got).unwrap();
                    assert_eq!(got, townrules::report::json(&ev, rows), "{file} json");
                }
                // JSON Lines: the rule set, then each town in order, as in the whole
                // report (across the parts of 1,024 towns on the 20,000-town file):
                // the first towns and the last compared whole, every line's id in order.
                let mut got = Vec::new();
                townrules::report::jsonl_write(&ev, rows, &Default::default(), &mut got).unwrap();
                let lines: Vec<&[u8]> = got.split(|&b| b == b'\n').collect();
                assert_eq!(lines.len(), rows.len() + 2, "{file} jsonl");
                assert_eq!(lines.last(), Some(&&b""[..]), "{file} jsonl ends a line");
                let parse = |l: &[u8]| serde_json::from_slice::<serde_json::Value>(l).unwrap();
                let ends = [0, 1, 2, rows.len() - 1];
                let picked: Vec<usize> =
                    ends.iter().map(|&i| rows[i.min(rows.len() - 1)]).collect();
                let want = townrules::report::json(&ev, &picked);
                assert_eq!(parse(lines[0]), want["ruleset"], "{file} jsonl ruleset");
                for (k, &i) in ends.iter().enumerate() {
                    let i = i.min(rows.len() - 1);
                    assert_eq!(
                        parse(lines[i + 1]),
                        want["towns"][k],
                        "{file} jsonl town {i}"
                    );
                }
                for (line, &row) in lines[1..].iter().zip(rows.iter()) {
                    let head = format!(
                        "{{\"record\":\"town\",\"id\":{},",
                        serde_json::to_string(&towns.ids[row]).unwrap()
                    );
                    assert!(line.starts_with(head.as_bytes()), "{file} jsonl order");
                }
            }
            let mut got = Vec::new();
            townrules::report::json_write(&ev, &[], &Default::default(), &mut got).unwrap();
            let got: serde_json::Value = serde_json::from_slice(&got).unwrap();
            assert_eq!(
                got,
                townrules::report::json(&ev, &[]),
                "{file} json, no towns"
            );
        }
    }
}
