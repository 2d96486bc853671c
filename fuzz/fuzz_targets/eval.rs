//! Rule text + town data (CSV) → check → compile → load → evaluate every town with
//! explanations → text, JSON and CSV reports. The input is the rule text, a line
//! `%%%%`, then the CSV (see `fuzz/seed.sh`).
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use townrules::data::{load_towns_str, DataFormat};
use townrules::eval::{Evaluator, Status};
use townrules::report::{self, TextOptions};

const SEPARATOR: &str = "\n%%%%\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((rules, csv)) = text.split_once(SEPARATOR) else {
        return;
    };
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/fuzz_input.rules"));
    let report = townrules::check::check_source(&path, rules);
    let Some(model) = report.model else {
        return;
    };
    let Ok(rs) = townrules::compile::compile(&model) else {
        return;
    };
    let Ok(loaded) = load_towns_str("fuzz.csv", csv, DataFormat::Csv, &model) else {
        return;
    };
    let towns = loaded.towns;
    let ev = Evaluator::new(&rs, &towns);
    let rows: Vec<usize> = (0..towns.len()).collect();
    let mut statuses = vec![Status::Met; rs.criteria.len()];
    for &row in &rows {
        let explained = ev.explain(row);
        let outcome = ev.statuses(row, &mut statuses);
        assert_eq!(explained.outcome, outcome, "explain and statuses disagree");
        assert_eq!(ev.outcome(row), outcome, "outcome and statuses disagree");
        for (c, s) in explained.criteria.iter().zip(&statuses) {
            assert_eq!(c.status, *s);
        }
    }
    let opt = TextOptions {
        color: false,
        all_details: true,
    };
    let _ = report::text(&ev, &rows, &rows, opt);
    let _ = report::json(&ev, &rows);
    let mut out = Vec::new();
    let _ = report::csv(&ev, &rows, &mut out);
});
