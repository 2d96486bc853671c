//! The explained-output figures of issue 14: `townrules eval --format jsonl` (structured
//! records, and with `--explain text`) and `--format json` against `--format csv`, each
//! run as the command line does it (the binary, output to a sink), interleaved so that
//! load on a shared machine falls on all alike. The target: structured JSON Lines in at
//! most 10× the CSV run on the same file.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One format's run: what was run, its median wall time (output to /dev/null) and the
/// bytes it writes per town.
pub struct Run {
    /// What was run, e.g. `jsonl`, `jsonl --explain text`.
    pub what: &'static str,
    /// Median wall time.
    pub time: Duration,
    /// Bytes written per town (counted on a smaller file).
    pub bytes_per_town: f64,
}

/// The formats measured, CSV first (the baseline).
pub const FORMATS: [(&str, &[&str]); 4] = [
    ("csv", &["--format", "csv"]),
    ("jsonl", &["--format", "jsonl"]),
    ("json", &["--format", "json"]),
    (
        "jsonl --explain text",
        &["--format", "jsonl", "--explain", "text"],
    ),
];

/// Bytes `cmd` writes to standard output, counted through a pipe.
fn run_counted(cmd: &mut Command) -> u64 {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run townrules");
    let mut out = child.stdout.take().expect("stdout");
    let n = std::io::copy(&mut out, &mut std::io::sink()).expect("read the report");
    assert!(child.wait().expect("wait").success(), "townrules failed");
    n
}

/// Median wall time of `reps` interleaved runs of every format of `townrules eval RULES
/// FILE` (`prose_reps` for the slow prose variant), writing to /dev/null; the output size
/// per town is counted through a pipe on `small` (`small_n` towns).
pub fn measure(
    exe: &str,
    rules: &str,
    (file, reps, prose_reps): (&Path, usize, usize),
    (small, small_n): (&Path, usize),
) -> Vec<Run> {
    let bytes: Vec<f64> = FORMATS
        .iter()
        .map(|(_, args)| {
            let mut cmd = Command::new(exe);
            cmd.args(["eval", rules]).arg(small).args(*args);
            run_counted(&mut cmd) as f64 / small_n.max(1) as f64
        })
        .collect();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); FORMATS.len()];
    for rep in 0..reps.max(prose_reps) {
        for (i, (what, args)) in FORMATS.iter().enumerate() {
            let prose = what.contains("text");
            if (prose && rep >= prose_reps) || (!prose && rep >= reps) {
                continue;
            }
            let t = Instant::now();
            let ok = Command::new(exe)
                .args(["eval", rules])
                .arg(file)
                .args(*args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run townrules")
                .success();
            times[i].push(t.elapsed());
            assert!(ok, "townrules eval … {what} failed");
        }
    }
    FORMATS
        .iter()
        .zip(times)
        .zip(bytes)
        .map(|(((what, _), mut t), bytes_per_town)| {
            t.sort();
            Run {
                what,
                time: t[t.len() / 2],
                bytes_per_town,
            }
        })
        .collect()
}
