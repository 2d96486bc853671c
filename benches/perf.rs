//! `cargo bench --bench perf`: every figure of docs/PERFORMANCE.md, each with its ratio
//! to the hand-written baseline measured in the same run, and the targets of issue 6.
//!
//! Environment:
//! - `TOWNRULES_BENCH_TOWNS` (default 1000000): towns in the generated file;
//! - `TOWNRULES_BENCH_REPL_TOWNS` (default 100000): towns for the REPL what-if figures;
//! - `TOWNRULES_BENCH_REPS` (default 7): repetitions (medians are reported);
//! - `TOWNRULES_BENCH_JSON_TOWNS` (default 100000): towns of the file the JSON output
//!   size per town is counted on (the explained-output times are on the full file);
//! - `TOWNRULES_BENCH_ONLY=explained`: only the explained-output figures (issue 14);
//! - `TOWNRULES_BENCH_DIR` (default the system temporary directory): where the generated
//!   CSV files go (they are deterministic and reused; never commit them).
//!
//! The generated data (benches/support/gen.rs) has every fact of `rules/facts.rules`
//! (docs/INTERPRETATION.md §14), values clustered around the thresholds and about 2%
//! missing cells. The baseline (benches/support/handwritten.rs) is the Shanxi criteria
//! written by hand over the same loaded columns; the bench asserts that it and the engine
//! agree on every town (statuses, outcome and discretionary marks, towns without a
//! category judged under every category), and that the independent CSV-to-CSV
//! implementation writes the same report as `townrules eval`.

#[path = "support/explained.rs"]
mod explained;
#[path = "support/gen.rs"]
mod gen;
#[path = "support/handwritten.rs"]
mod handwritten;
#[path = "support/measure.rs"]
mod measure;

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use townrules::compile::RuleSet;
use townrules::data::{load_towns, Column, Towns};
use townrules::eval::{Evaluator, Outcome, Status, TownResult};

use measure::{
    children_cpu, cores, env, load_average, median, ms, paired, peak_rss_kb, per_town, print_table,
    rate, row, time, time_cpu, Row,
};

/// The generated CSV of `n` towns (made once, then reused).
fn data_file(n: usize) -> PathBuf {
    let dir = std::env::var_os("TOWNRULES_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let path = dir.join(format!(
        "townrules_bench_{n}_{:x}_v{}.csv",
        gen::SEED,
        gen::VERSION
    ));
    if std::fs::metadata(&path).map_or(true, |m| m.len() == 0) {
        let tmp = path.with_extension("part");
        let f = std::fs::File::create(&tmp).expect("create the data file");
        let mut w = std::io::BufWriter::new(f);
        gen::write_csv(n, gen::SEED, &mut w).expect("write the data file");
        w.flush().expect("write the data file");
        drop(w);
        std::fs::rename(&tmp, &path).expect("rename the data file");
    }
    path
}

fn rules(path: &str) -> (townrules::check::Checked, RuleSet) {
    let model = townrules::check::check_file(Path::new(path))
        .model
        .expect("rule file checks");
    let rs = townrules::compile::compile(&model).expect("compiles");
    (model, rs)
}

fn load(model: &townrules::check::Checked, path: &Path) -> Towns {
    load_towns(path, model).expect("data loads").towns
}

/// The row for the cost of judging the `towns` towns without a category under every
/// category: (with, without) the missing categories, for the engine and the hand-written
/// code.
fn refinement_row(
    what: &str,
    towns: usize,
    engine: (Duration, Duration),
    hand: (Duration, Duration),
) -> Row {
    let extra = engine.0.saturating_sub(engine.1);
    row(
        &format!("  of which: {towns} towns without a category ({what})"),
        format!("{} − {}", ms(engine.0), ms(engine.1)),
        format!("{} per such town", per_town(extra, towns.max(1))),
        format!(
            "{:.0}% of engine (hw {:+.1} ms)",
            100.0 * extra.as_secs_f64() / engine.0.as_secs_f64(),
            (hand.0.as_secs_f64() - hand.1.as_secs_f64()) * 1e3
        ),
        "",
        None,
    )
}

/// `check` of a rule file with 100,000 `param` declarations (linear: under 1 s).
fn check_many_params_row() -> Row {
    let n = 100_000;
    let dir = std::env::temp_dir().join(format!("townrules-bench-params-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    let path = dir.join("params.rules");
    let mut text = String::from("ruleset many { title \"参数\" }\n");
    for i in 0..n {
        text.push_str(&format!("param p{i} = {}%\n", i % 100));
    }
    std::fs::write(&path, text).expect("rule file");
    let d = time(1, || townrules::check::check_file(&path).diagnostics.len());
    let _ = std::fs::remove_dir_all(&dir);
    row(
        &format!("check, {n} param declarations"),
        ms(d),
        String::new(),
        String::new(),
        "< 1 s",
        Some(d < Duration::from_secs(1)),
    )
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects nothing here.
    let n = env("TOWNRULES_BENCH_TOWNS", 1_000_000);
    let n_repl = env("TOWNRULES_BENCH_REPL_TOWNS", 100_000).min(n);
    let n_json = env("TOWNRULES_BENCH_JSON_TOWNS", 100_000).min(n);
    let reps = env("TOWNRULES_BENCH_REPS", 7).max(1);
    let threads = rayon::current_num_threads();
    let exe = env!("CARGO_BIN_EXE_townrules");
    let load_before = load_average();
    eprintln!("townrules perf bench: {n} towns, {reps} repetitions, {threads} threads");
    let mut rows: Vec<Row> = Vec::new();
    if std::env::var("TOWNRULES_BENCH_ONLY").is_ok_and(|v| v == "explained") {
        let file = data_file(n);
        rows.extend(explained_rows(
            exe,
            &file,
            n,
            reps,
            &data_file(n_json),
            n_json,
        ));
        print_table(&rows, (n, reps, gen::SEED), &file, &load_before);
        return;
    }

    // ---- 1. parse + check + compile of every rule file ----
    let mut files: Vec<PathBuf> = std::fs::read_dir("rules")
        .expect("rules/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    let check_all = time(reps * 5, || {
        files
            .iter()
            .map(|f| townrules::check::check_file(f).diagnostics.len())
            .sum::<usize>()
    });
    let compile_all = time(reps * 5, || {
        files
            .iter()
            .filter_map(|f| townrules::load_rule_set(f).ok())
            .map(|rs| rs.ops.len())
            .sum::<usize>()
    });
    rows.push(row(
        &format!("check, all {} rule files", files.len()),
        ms(check_all),
        String::new(),
        String::new(),
        "< 10 ms",
        Some(check_all < Duration::from_millis(10)),
    ));
    rows.push(row(
        &format!("parse + check + compile, all {} files", files.len()),
        ms(compile_all),
        String::new(),
        String::new(),
        "",
        None,
    ));
    rows.push(check_many_params_row());

    // ---- data ----
    let file = data_file(n);
    let (model, rs) = rules("rules/shanxi.rules");
    let t = Instant::now();
    let towns = load(&model, &file);
    let first_load = t.elapsed();
    assert_eq!(towns.len(), n);
    let ev = Evaluator::new(&rs, &towns);
    let hw = handwritten::Shanxi::new(&rs, &towns);
    let k = rs.criteria.len();
    eprintln!(
        "loaded {n} towns in {} ({} lowered instructions, {} tree-walked)",
        ms(first_load),
        ev.program().size().0,
        ev.program().size().1
    );

    // Same verdicts on every town, and the same discretionary marks.
    let mut outcomes = vec![Outcome::Undetermined; n];
    let mut statuses = vec![Status::Met; n * k];
    ev.statuses_into(0, &mut statuses, &mut outcomes);
    let agg = handwritten::AGGLOMERATION;
    assert_eq!(rs.criteria[agg].id, "agglomeration");
    let (mut marked, mut marked_criteria) = (0usize, 0usize);
    for i in 0..n {
        let r = hw.report(i);
        let s = &statuses[i * k..(i + 1) * k];
        assert_eq!(r.outcome, outcomes[i], "town {}", &towns.ids[i]);
        assert_eq!(hw.outcome(i), r.outcome, "town {}", &towns.ids[i]);
        assert_eq!(hw.statuses(i), (r.statuses, r.outcome));
        assert_eq!(&r.statuses[..], s, "town {}", &towns.ids[i]);
        assert_eq!(
            r.relaxed,
            ev.criterion_discretionary(agg, i, s[agg]),
            "town {}",
            &towns.ids[i]
        );
        assert_eq!(
            r.discretionary,
            ev.town_discretionary(i, outcomes[i], s),
            "town {}",
            &towns.ids[i]
        );
        marked += usize::from(r.discretionary);
        marked_criteria += usize::from(r.relaxed);
    }
    let count = |o: Outcome| outcomes.iter().filter(|x| **x == o).count();
    let (recognized, undetermined) = (count(Outcome::Recognized), count(Outcome::Undetermined));
    let category = rs.fact_index("category").expect("category");
    let no_category: Vec<usize> = (0..n)
        .filter(|&i| towns.columns[category].is_missing(i))
        .collect();
    let no_category_rejected = no_category
        .iter()
        .filter(|&&i| outcomes[i] == Outcome::NotRecognized)
        .count();
    eprintln!(
        "engine and hand-written agree on all {n} towns ({recognized} recognized, \
         {marked} of them discretionary; {marked_criteria} with agglomeration met only through \
         the relaxation; {undetermined} undetermined; {} without a category, {no_category_rejected} \
         of them not recognized under every category)",
        no_category.len()
    );

    // ---- 2./3. evaluation over loaded towns, one core ----
    let mut out_o = vec![Outcome::Undetermined; n];
    let (t_eng_o, t_hw_o) = paired(
        reps,
        || {
            ev.outcomes_into(0, &mut out_o);
            out_o[n / 2]
        },
        || {
            let mut r = 0usize;
            for i in 0..n {
                r += hw.outcome(i) as usize;
            }
            r
        },
    );
    let mut out_s = vec![Status::Met; n * k];
    let (t_eng_s, t_hw_s) = paired(
        reps,
        || {
            ev.statuses_into(0, &mut out_s, &mut out_o);
            out_s[n / 2]
        },
        || {
            let mut buf = vec![Status::Met; n * k];
            for i in 0..n {
                let (s, _) = hw.statuses(i);
                buf[i * k..(i + 1) * k].copy_from_slice(&s);
            }
            buf[n / 2]
        },
    );
    let mut tr = TownResult::default();
    let (t_explain, t_hw_s2) = paired(
        reps.min(5),
        || {
            let mut atoms = 0usize;
            for i in 0..n {
                ev.explain_into(i, &mut tr);
                atoms += tr.criteria.len();
            }
            atoms
        },
        || {
            let mut buf = vec![Status::Met; n * k];
            for i in 0..n {
                let (s, _) = hw.statuses(i);
                buf[i * k..(i + 1) * k].copy_from_slice(&s);
            }
            buf[n / 2]
        },
    );
    let tree_n = n.min(100_000);
    let t_tree = time(reps.min(3), || {
        let mut r = 0usize;
        for i in 0..tree_n {
            for c in 0..k {
                r += ev.status_tree(c, i) as usize;
            }
        }
        r
    });
    let ratio = |a: Duration, b: Duration| format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64());
    rows.push(row(
        "hand-written: outcome (1 core)",
        ms(t_hw_o),
        per_town(t_hw_o, n),
        "1.00×".into(),
        "",
        None,
    ));
    rows.push(row(
        "engine: outcomes only (1 core)",
        ms(t_eng_o),
        format!("{} ({})", per_town(t_eng_o, n), rate(t_eng_o, n)),
        ratio(t_eng_o, t_hw_o),
        "≤ 2× and ≥ 10 M/s",
        Some(
            t_eng_o.as_secs_f64() <= 2.0 * t_hw_o.as_secs_f64()
                && (n as f64 / t_eng_o.as_secs_f64()) >= 10e6,
        ),
    ));
    rows.push(row(
        "hand-written: 8 statuses (1 core)",
        ms(t_hw_s),
        per_town(t_hw_s, n),
        "1.00×".into(),
        "",
        None,
    ));
    rows.push(row(
        "engine: 8 statuses + outcome (1 core)",
        ms(t_eng_s),
        format!("{} ({})", per_town(t_eng_s, n), rate(t_eng_s, n)),
        ratio(t_eng_s, t_hw_s),
        "",
        None,
    ));
    // The cost of judging towns without a category under every category: the same
    // towns with every missing category filled in (manufacturing), so that none needs it.
    let [t_eng_o1, t_eng_o0, t_eng_s1, t_eng_s0, t_hw_o1, t_hw_o0, t_hw_s1, t_hw_s0] = {
        let mut filled = towns.clone();
        if let Column::Cat(c) = &towns.columns[category] {
            filled.columns[category] =
                Column::Cat(c.iter().map(|v| Some(v.unwrap_or(0))).collect());
        }
        let ev_filled = Evaluator::new(&rs, &filled);
        let hw_filled = handwritten::Shanxi::new(&rs, &filled);
        let (mut out_o2, mut out_s2) = (out_o.clone(), out_s.clone());
        let (t_eng_o1, t_eng_o0) = paired(
            reps,
            || {
                ev.outcomes_into(0, &mut out_o);
                out_o[n / 2]
            },
            || {
                ev_filled.outcomes_into(0, &mut out_o2);
                out_o2[n / 2]
            },
        );
        let (t_eng_s1, t_eng_s0) = paired(
            reps,
            || {
                ev.statuses_into(0, &mut out_s, &mut out_o);
                out_s[n / 2]
            },
            || {
                ev_filled.statuses_into(0, &mut out_s2, &mut out_o2);
                out_s2[n / 2]
            },
        );
        let hw_outcomes = |hw: &handwritten::Shanxi<'_>| {
            let mut r = 0usize;
            for i in 0..n {
                r += hw.outcome(i) as usize;
            }
            r
        };
        let (t_hw_o1, t_hw_o0) = paired(reps, || hw_outcomes(&hw), || hw_outcomes(&hw_filled));
        let hw_statuses = |hw: &handwritten::Shanxi<'_>| {
            let mut buf = vec![Status::Met; n * k];
            for i in 0..n {
                let (s, _) = hw.statuses(i);
                buf[i * k..(i + 1) * k].copy_from_slice(&s);
            }
            buf[n / 2]
        };
        let (t_hw_s1, t_hw_s0) = paired(reps, || hw_statuses(&hw), || hw_statuses(&hw_filled));
        [
            t_eng_o1, t_eng_o0, t_eng_s1, t_eng_s0, t_hw_o1, t_hw_o0, t_hw_s1, t_hw_s0,
        ]
    };
    rows.push(refinement_row(
        "outcomes",
        no_category.len(),
        (t_eng_o1, t_eng_o0),
        (t_hw_o1, t_hw_o0),
    ));
    rows.push(refinement_row(
        "statuses",
        no_category.len(),
        (t_eng_s1, t_eng_s0),
        (t_hw_s1, t_hw_s0),
    ));
    rows.push(row(
        "engine: full explanation records (1 core)",
        ms(t_explain),
        per_town(t_explain, n),
        format!(
            "{} (paired: {})",
            ratio(t_explain, t_hw_s),
            ratio(t_explain, t_hw_s2)
        ),
        "≤ 10× (vs 8 statuses)",
        Some(t_explain.as_secs_f64() <= 10.0 * t_hw_s.as_secs_f64().max(t_hw_s2.as_secs_f64())),
    ));
    let t_tree_n = t_tree.mul_f64(n as f64 / tree_n as f64);
    rows.push(row(
        "tree-walking reference: 8 statuses (1 core)",
        format!("{} (scaled)", ms(t_tree_n)),
        per_town(t_tree, tree_n),
        ratio(t_tree_n, t_hw_s),
        "",
        None,
    ));

    // ---- multi-core ----
    const CH: usize = 64 * 256;
    let (t_par_o, c_par_o) = time_cpu(reps, || ev.par_outcomes());
    let t_hw_par_o = time(reps, || {
        let mut o = vec![Outcome::Undetermined; n];
        o.par_chunks_mut(CH).enumerate().for_each(|(c, o)| {
            for (j, x) in o.iter_mut().enumerate() {
                *x = hw.outcome(c * CH + j);
            }
        });
        o
    });
    let (t_par_s, c_par_s) = time_cpu(reps, || ev.par_statuses());
    let (t_par_x, c_par_x) = time_cpu(reps.min(3), || {
        (0..n)
            .into_par_iter()
            .with_min_len(4096)
            .map_init(TownResult::default, |tr, i| {
                ev.explain_into(i, tr);
                tr.criteria.len()
            })
            .sum::<usize>()
    });
    rows.push(row(
        &format!("hand-written: outcome ({threads} cores)"),
        ms(t_hw_par_o),
        per_town(t_hw_par_o, n),
        "1.00×".into(),
        "",
        None,
    ));
    rows.push(row(
        &format!("engine: outcomes only ({threads} cores)"),
        ms(t_par_o),
        format!("{} ({})", per_town(t_par_o, n), rate(t_par_o, n)),
        format!(
            "{} ({})",
            ratio(t_par_o, t_hw_par_o),
            cores(t_par_o, c_par_o)
        ),
        "scales across cores",
        Some(t_par_o < t_eng_o.mul_f64(0.8) || threads == 1),
    ));
    rows.push(row(
        &format!("engine: 8 statuses + outcome ({threads} cores)"),
        ms(t_par_s),
        format!("{} ({})", per_town(t_par_s, n), rate(t_par_s, n)),
        format!(
            "{:.2}× of 1 core ({})",
            t_par_s.as_secs_f64() / t_eng_s.as_secs_f64(),
            cores(t_par_s, c_par_s)
        ),
        "scales across cores",
        Some(t_par_s < t_eng_s.mul_f64(0.8) || threads == 1),
    ));
    rows.push(row(
        &format!("engine: explanation records ({threads} cores)"),
        ms(t_par_x),
        per_town(t_par_x, n),
        format!(
            "{:.2}× of 1 core ({})",
            t_par_x.as_secs_f64() / t_explain.as_secs_f64(),
            cores(t_par_x, c_par_x)
        ),
        "scales across cores",
        Some(t_par_x < t_explain.mul_f64(0.8) || threads == 1),
    ));

    // ---- 4. end to end ----
    let shanxi = "rules/shanxi.rules";
    let run = |file: &Path, format: &str| {
        let st = Command::new(exe)
            .args(["eval", shanxi])
            .arg(file)
            .args(["--format", format])
            .stdout(Stdio::null())
            .status()
            .expect("run townrules");
        assert!(st.success());
    };
    // Same report as the independent implementation, byte for byte.
    let engine_report = Command::new(exe)
        .args(["eval", shanxi])
        .arg(&file)
        .args(["--format", "csv", "--ids"])
        .output()
        .expect("run townrules")
        .stdout;
    let mut independent_report = Vec::new();
    handwritten::independent(&file, &mut independent_report).expect("independent");
    assert!(
        engine_report == independent_report,
        "townrules eval and the independent implementation disagree"
    );
    eprintln!(
        "townrules eval --format csv and the independent implementation write identical reports"
    );
    let hand_e2e = || {
        let towns = load(&model, &file);
        let hw = handwritten::Shanxi::new(&rs, &towns);
        let mut out = std::io::BufWriter::new(std::io::sink());
        let mut buf = Vec::with_capacity(1 << 20);
        buf.extend_from_slice(handwritten::REPORT_HEADER.as_bytes());
        for i in 0..towns.len() {
            handwritten::report_line(
                &mut buf,
                towns.ids[i].as_bytes(),
                towns.names[i].as_bytes(),
                &hw.report(i),
                hw.missing(i),
            );
            if buf.len() > 1 << 20 {
                out.write_all(&buf).expect("write");
                buf.clear();
            }
        }
        out.write_all(&buf).expect("write");
        towns.len()
    };
    let mut e2e = Vec::new();
    let mut e2e_cpu = Vec::new();
    let mut same_load = Vec::new();
    let mut indep = Vec::new();
    for _ in 0..reps.min(5) {
        let c0 = children_cpu();
        let t = Instant::now();
        run(&file, "csv");
        e2e.push(t.elapsed());
        e2e_cpu.push(children_cpu().saturating_sub(c0));
        let t = Instant::now();
        black_box(hand_e2e());
        same_load.push(t.elapsed());
        let t = Instant::now();
        handwritten::independent(&file, &mut std::io::sink()).expect("independent");
        indep.push(t.elapsed());
    }
    let (t_e2e, t_same, t_indep) = (median(e2e), median(same_load), median(indep));
    let c_e2e = median(e2e_cpu);
    let t_load = time(reps.min(5), || load(&model, &file).len());
    rows.push(row(
        "load only (townrules::load_towns, CSV)",
        ms(t_load),
        per_town(t_load, n),
        String::new(),
        "",
        None,
    ));
    rows.push(row(
        "baseline: same load + hand-written eval + write",
        ms(t_same),
        per_town(t_same, n),
        "1.00×".into(),
        "",
        None,
    ));
    rows.push(row(
        "baseline: independent CSV → CSV (1 core)",
        ms(t_indep),
        per_town(t_indep, n),
        "1.00×".into(),
        "",
        None,
    ));
    rows.push(row(
        "townrules eval … --format csv > /dev/null",
        ms(t_e2e),
        format!("{} ({})", per_town(t_e2e, n), cores(t_e2e, c_e2e)),
        format!("{} / {}", ratio(t_e2e, t_same), ratio(t_e2e, t_indep)),
        "≤ 1.5× (both)",
        Some(
            t_e2e.as_secs_f64() <= 1.5 * t_same.as_secs_f64()
                && t_e2e.as_secs_f64() <= 1.5 * t_indep.as_secs_f64(),
        ),
    ));
    rows.extend(explained_rows(
        exe,
        &file,
        n,
        reps,
        &data_file(n_json),
        n_json,
    ));

    // ---- 5. REPL what-if ----
    let repl_file = data_file(n_repl);
    let repl_towns = load(&model, &repl_file);
    let mut repl_rs = rs.clone();
    let mut before = Evaluator::new(&repl_rs, &repl_towns).par_outcomes();
    let mut flip = false;
    let mut changed_count = 0;
    let t_set = time(reps * 3, || {
        flip = !flip;
        let v = if flip { "15亿元" } else { "20亿元" };
        repl_rs
            .set_param("min_output.manufacturing", v, "bench")
            .expect("set");
        let after = Evaluator::new(&repl_rs, &repl_towns).par_outcomes();
        let changed: Vec<usize> = (0..after.len())
            .filter(|&i| after[i] != before[i])
            .collect();
        changed_count = changed.len();
        before = after;
        changed.len()
    });
    let mut sweep_rs = rs.clone();
    let t_sweep = time(reps.min(5), || {
        let mut recognized = Vec::with_capacity(100);
        for step in 0..100 {
            // 10亿元 to 29.8亿元 in steps of 0.2亿元.
            let v = format!("{}万元", 100_000 + step * 2_000);
            sweep_rs
                .set_param("min_output.manufacturing", &v, "bench")
                .expect("set");
            let ev = Evaluator::new(&sweep_rs, &repl_towns);
            let o = ev.par_outcomes();
            recognized.push(o.iter().filter(|o| **o == Outcome::Recognized).count());
        }
        recognized
    });
    // The REPL itself (`townrules repl`): the same commands a user types.
    let mut session = townrules::app::repl::Session::new();
    session.execute("load rules/shanxi.rules").expect("load");
    session
        .execute(&format!("data {}", repl_file.display()))
        .expect("data");
    let mut flip = false;
    let mut reply_lines = 0;
    let t_repl_set = time(reps * 3, || {
        flip = !flip;
        let v = if flip { "15亿元" } else { "20亿元" };
        let r = session
            .execute(&format!("set min_output.manufacturing = {v}"))
            .expect("set");
        reply_lines = r.text.lines().count();
        r.text.len()
    });
    let t_repl_sweep = time(reps.min(5), || {
        session
            .execute("sweep min_output.manufacturing 10亿元 29.8亿元 0.2亿元")
            .expect("sweep")
            .text
            .len()
    });
    rows.push(row(
        &format!("REPL `set` → changed towns ({n_repl} towns; {changed_count} changed)"),
        ms(t_repl_set),
        per_town(t_repl_set, n_repl),
        format!("{reply_lines} lines of reply"),
        "< 10 ms",
        Some(t_repl_set < Duration::from_millis(10)),
    ));
    rows.push(row(
        &format!("REPL `sweep`, 100 steps × {n_repl} towns"),
        ms(t_repl_sweep),
        per_town(t_repl_sweep, n_repl * 100),
        String::new(),
        "< 300 ms",
        Some(t_repl_sweep < Duration::from_millis(300)),
    ));
    rows.push(row(
        "  library: set_param + Evaluator::new + par_outcomes + diff",
        ms(t_set),
        per_town(t_set, n_repl),
        String::new(),
        "",
        None,
    ));
    rows.push(row(
        "  library: the same, 100 steps",
        ms(t_sweep),
        per_town(t_sweep, n_repl * 100),
        String::new(),
        "",
        None,
    ));

    // ---- 6. memory ----
    let tiny = data_file(1_000);
    let base = peak_rss_kb(
        Command::new(exe)
            .args(["eval", shanxi])
            .arg(&tiny)
            .args(["--format", "csv"]),
    );
    let peak = peak_rss_kb(
        Command::new(exe)
            .args(["eval", shanxi])
            .arg(&file)
            .args(["--format", "csv"]),
    );
    let text = (towns.ids.text_bytes() + towns.names.text_bytes()) as f64 / n as f64;
    let heap = towns.heap_bytes() as f64 / n as f64;
    if let (Some(base), Some(peak)) = (base, peak) {
        let per = (peak.saturating_sub(base) * 1024) as f64 / n as f64;
        let budget = 150.0 + text;
        rows.push(row(
            "peak memory of `townrules eval` per town",
            format!("{:.0} MB", peak as f64 / 1024.0),
            format!("{per:.0} B"),
            format!("budget {budget:.0} B"),
            "≤ 150 B + id/name text",
            Some(per <= budget),
        ));
    }
    // Every report is written town by town, never held whole (issue 16): the peak of
    // each format on the same file, against 500 MiB.
    for format in ["text", "json", "jsonl"] {
        let peak = peak_rss_kb(
            Command::new(exe)
                .args(["eval", shanxi])
                .arg(&file)
                .args(["--format", format]),
        );
        if let Some(peak) = peak {
            let mib = peak as f64 / 1024.0;
            rows.push(row(
                &format!("peak memory of `townrules eval --format {format}`"),
                format!("{mib:.0} MiB"),
                String::new(),
                String::new(),
                "< 500 MiB",
                Some(mib < 500.0),
            ));
        }
    }
    rows.push(row(
        "loaded towns (Towns::heap_bytes) per town",
        format!("{:.0} MB", towns.heap_bytes() as f64 / 1e6),
        format!("{heap:.0} B"),
        format!("id+name text {text:.0} B"),
        "",
        None,
    ));

    print_table(&rows, (n, reps, gen::SEED), &file, &load_before);
}

/// The explained-output figures (issue 14): CSV, structured JSON Lines, JSON and JSON
/// Lines with the explanation text, each run by the binary on the `n`-town `file`, with
/// their ratios to the CSV run; bytes per town counted on `small` (`small_n` towns).
fn explained_rows(
    exe: &str,
    file: &Path,
    n: usize,
    reps: usize,
    small: &Path,
    small_n: usize,
) -> Vec<Row> {
    let runs = explained::measure(
        exe,
        "rules/shanxi.rules",
        (file, reps.min(5), reps.min(2)),
        (small, small_n),
    );
    let csv = runs[0].time;
    runs.iter()
        .map(|r| {
            let x = r.time.as_secs_f64() / csv.as_secs_f64();
            let (target, ok) = match r.what {
                "jsonl" => ("≤ 10× csv", Some(x <= 10.0)),
                _ => ("", None),
            };
            row(
                &format!("townrules eval … --format {} > /dev/null", r.what),
                ms(r.time),
                format!("{} ({:.0} B)", per_town(r.time, n), r.bytes_per_town),
                format!("{x:.2}× csv"),
                target,
                ok,
            )
        })
        .collect()
}
