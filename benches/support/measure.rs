//! Timing and reporting helpers of `cargo bench --bench perf`: medians, paired runs, CPU
//! time, peak memory, the machine and its load, and the results table.
#![allow(dead_code)]

use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Median of `reps` runs of `f`.
pub fn time<R>(reps: usize, mut f: impl FnMut() -> R) -> Duration {
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

/// Medians of `reps` interleaved runs of `a` and `b` (so that load on a shared machine
/// falls on both alike).
pub fn paired<A, B>(
    reps: usize,
    mut a: impl FnMut() -> A,
    mut b: impl FnMut() -> B,
) -> (Duration, Duration) {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        let t = Instant::now();
        black_box(a());
        ta.push(t.elapsed());
        let t = Instant::now();
        black_box(b());
        tb.push(t.elapsed());
    }
    (median(ta), median(tb))
}

/// CPU time used so far by every thread of this process (Linux; zero elsewhere).
pub fn process_cpu() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let ns: u64 = tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(ns)
}

/// CPU time used by this process's finished children (Linux; zero elsewhere).
pub fn children_cpu() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1.to_string();
            let f: Vec<&str> = after.split_whitespace().collect();
            // Fields 16 and 17 of /proc/PID/stat (cutime, cstime); field 3 is the
            // first after the command's closing parenthesis.
            let field = |k: usize| f.get(k - 3)?.parse::<u64>().ok();
            Some(field(16)? + field(17)?)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Median wall time and median CPU time (all threads) of `reps` runs.
pub fn time_cpu<R>(reps: usize, mut f: impl FnMut() -> R) -> (Duration, Duration) {
    let (mut w, mut c) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        let c0 = process_cpu();
        let t = Instant::now();
        black_box(f());
        w.push(t.elapsed());
        c.push(process_cpu().saturating_sub(c0));
    }
    (median(w), median(c))
}

/// How many cores were busy on average (CPU time ÷ wall time); the scheduler's CPU
/// accounting is too coarse below about 50 ms.
pub fn cores(wall: Duration, cpu: Duration) -> String {
    if wall < Duration::from_millis(50) || cpu.is_zero() {
        return "cores: n/a, too short".to_string();
    }
    format!("{:.2} cores busy", cpu.as_secs_f64() / wall.as_secs_f64())
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

pub fn per_town(d: Duration, n: usize) -> String {
    let ns = d.as_secs_f64() * 1e9 / n as f64;
    if ns >= 1000.0 {
        format!("{:.2} µs", ns / 1000.0)
    } else {
        format!("{ns:.1} ns")
    }
}

pub fn rate(d: Duration, n: usize) -> String {
    format!("{:.1} M/s", n as f64 / d.as_secs_f64() / 1e6)
}

/// Peak resident memory (kB) of running `cmd`, polled from /proc.
pub fn peak_rss_kb(cmd: &mut Command) -> Option<u64> {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status) {
            if let Some(kb) = s
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak = peak.max(kb);
            }
        }
        if child.try_wait().ok()?.is_some() {
            return Some(peak);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map_or(String::new(), |kb| format!(", {} GiB", kb / (1 << 20)));
    format!("{cpu}, {cores} cores{mem}")
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// One row of the results table.
pub struct Row {
    pub what: String,
    pub time: String,
    pub per_town: String,
    pub ratio: String,
    pub target: String,
    pub ok: Option<bool>,
}

pub fn row(
    what: &str,
    time: String,
    per_town: String,
    ratio: String,
    target: &str,
    ok: Option<bool>,
) -> Row {
    Row {
        what: what.to_string(),
        time,
        per_town,
        ratio,
        target: target.to_string(),
        ok,
    }
}

/// Print the results table with the date, machine and load.
pub fn print_table(
    rows: &[Row],
    (n, reps, seed): (usize, usize, u64),
    file: &Path,
    load_before: &str,
) {
    // ---- the table ----
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!();
    println!("townrules performance — {date}");
    println!("machine: {}", machine());
    println!(
        "load average before/after: {load_before} / {}   (shared machine: medians of {reps} runs)",
        load_average()
    );
    println!(
        "data: {n} generated towns ({} MB CSV, seed {:#x})",
        std::fs::metadata(file).map_or(0, |m| m.len()) / 1_000_000,
        seed
    );
    println!("command: cargo bench --bench perf");
    println!();
    println!(
        "| {:<58} | {:>18} | {:>24} | {:>22} | {:<22} | {:<4} |",
        "measurement", "time", "per town", "ratio", "target", "met"
    );
    println!(
        "|{:-<60}|{:->20}|{:->26}|{:->24}|{:-<24}|{:-<6}|",
        "", "", "", "", "", ""
    );
    let mut all_met = true;
    for r in rows {
        let ok = match r.ok {
            Some(true) => "yes",
            Some(false) => {
                all_met = false;
                "NO"
            }
            None => "",
        };
        println!(
            "| {:<58} | {:>18} | {:>24} | {:>22} | {:<22} | {:<4} |",
            r.what, r.time, r.per_town, r.ratio, r.target, ok
        );
    }
    println!();
    println!(
        "{}",
        if all_met {
            "all targets met"
        } else {
            "some targets NOT met"
        }
    );
}
