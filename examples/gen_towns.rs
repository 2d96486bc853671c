//! Write N synthetic towns (docs/INTERPRETATION.md §14 vocabulary) as CSV to standard output:
//! `cargo run --release --example gen_towns -- 1000000 [SEED] > /tmp/towns_1M.csv`.
//! The same N and seed always give the same file (see `benches/support/gen.rs`).

#[path = "../benches/support/gen.rs"]
mod gen;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let seed = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(gen::SEED);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    gen::write_csv(n, seed, &mut out)
}
