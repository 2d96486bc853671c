//! `cargo bench --bench engine`: criterion micro-benchmarks of the engine against the
//! hand-written baseline, on 100 000 generated towns (`TOWNRULES_BENCH_ENGINE_TOWNS`).
//! The headline table with ratios and targets is `cargo bench --bench perf`.

#[path = "support/gen.rs"]
mod gen;
#[path = "support/handwritten.rs"]
mod handwritten;

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use townrules::data::{load_towns_str, DataFormat};
use townrules::eval::{Evaluator, Outcome, Status, TownResult};

fn benches(c: &mut Criterion) {
    let n: usize = std::env::var("TOWNRULES_BENCH_ENGINE_TOWNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let model = townrules::check::check_file(Path::new("rules/shanxi.rules"))
        .model
        .expect("checks");
    let rs = townrules::compile::compile(&model).expect("compiles");
    let text = gen::csv_string_all(n, gen::SEED);
    let towns = load_towns_str("gen.csv", &text, DataFormat::Csv, &model)
        .expect("loads")
        .towns;
    let ev = Evaluator::new(&rs, &towns);
    let hw = handwritten::Shanxi::new(&rs, &towns);
    let k = rs.criteria.len();

    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(20);
    g.bench_function("hand-written outcome", |b| {
        b.iter(|| (0..n).map(|i| hw.outcome(i) as usize).sum::<usize>())
    });
    let mut out = vec![Outcome::Undetermined; n];
    g.bench_function("engine outcomes", |b| {
        b.iter(|| {
            ev.outcomes_into(0, &mut out);
            black_box(out[n / 2])
        })
    });
    g.bench_function("hand-written statuses", |b| {
        let mut buf = vec![Status::Met; n * k];
        b.iter(|| {
            for i in 0..n {
                let (s, _) = hw.statuses(i);
                buf[i * k..(i + 1) * k].copy_from_slice(&s);
            }
            black_box(buf[n / 2])
        })
    });
    let mut st = vec![Status::Met; n * k];
    g.bench_function("engine statuses", |b| {
        b.iter(|| {
            ev.statuses_into(0, &mut st, &mut out);
            black_box(st[n / 2])
        })
    });
    g.bench_function("engine per-town outcome", |b| {
        b.iter(|| (0..n).map(|i| ev.outcome(i) as usize).sum::<usize>())
    });
    let mut tr = TownResult::default();
    g.bench_function("engine explanation records", |b| {
        b.iter(|| {
            (0..n)
                .map(|i| {
                    ev.explain_into(i, &mut tr);
                    tr.criteria.len()
                })
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("rules");
    g.bench_function("check + compile shanxi.rules", |b| {
        b.iter(|| townrules::load_rule_set(Path::new("rules/shanxi.rules")).map(|r| r.ops.len()))
    });
    g.bench_function("lower (Evaluator::new)", |b| {
        b.iter_batched(
            || (),
            |_| Evaluator::new(&rs, &towns).program().size(),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
