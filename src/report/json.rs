//! The JSON and JSON Lines reports: a `ruleset` record once (provenance, and every text
//! of the rule set: criteria with clauses and quotations, parameters with their sources,
//! facts with units), then one structured record per town. Each test of a criterion
//! carries its fact, value and unit, comparator, threshold with unit and source, margin
//! with unit, and path; the Chinese explanation only with `--explain text`.
//!
//! Towns are explained and written in parts on all cores and streamed in order, never
//! held all at once. The shape is docs/schema/report.schema.json.

mod check;
mod ruleset;
mod town;
mod write;

use std::io::{self, Write};

use serde_json::Value;

use crate::eval::{Evaluator, TownResult};

/// How the JSON and JSON Lines reports are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonOptions<'a> {
    /// Also give each criterion's explanation as Chinese text (`--explain text`).
    pub explain_text: bool,
    /// Where the report comes from, written in the `ruleset` record.
    pub info: Option<&'a super::RunInfo>,
}

/// Towns per part: each part is explained and written on one core into its own buffer.
const PART: usize = 1024;

/// What one part is written with, kept from wave to wave so that nothing is allocated
/// once the buffers have grown.
#[derive(Default)]
struct Scratch {
    out: Vec<u8>,
    town: TownResult,
    compact: Vec<u8>,
}

/// Write `rows` in parts on all cores with `part(start, rows, scratch)` into
/// `scratch.out`, and the parts to `out` in order, a few parts at a time.
fn stream(
    rows: &[usize],
    out: &mut dyn Write,
    part: impl Fn(usize, &[usize], &mut Scratch) + Sync,
) -> io::Result<()> {
    use rayon::prelude::*;
    let parts = 2 * rayon::current_num_threads().max(1);
    let wave = PART * parts;
    let mut scratch: Vec<Scratch> = (0..parts).map(|_| Scratch::default()).collect();
    for (w, rows) in rows.chunks(wave).enumerate() {
        scratch
            .par_iter_mut()
            .zip(rows.par_chunks(PART))
            .enumerate()
            .for_each(|(p, (s, rows))| {
                s.out.clear();
                part(w * wave + p * PART, rows, s);
            });
        for s in &scratch[..rows.len().div_ceil(PART)] {
            out.write_all(&s.out)?;
        }
    }
    Ok(())
}

/// The report pretty-printed to `out`: `{"ruleset": …, "towns": [ … ]}`, the same
/// value as [`json_with`] — without holding every town in memory: towns are explained
/// and formatted in parts on all cores and written in order.
pub fn json_write(
    ev: &Evaluator<'_>,
    rows: &[usize],
    opts: &JsonOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let head = ruleset::Ruleset { rs: ev.rules, opts };
    let ruleset = serde_json::to_vec(&head).map_err(io::Error::from)?;
    let mut buf = b"{\n  \"ruleset\": ".to_vec();
    write::pretty(&mut buf, &ruleset, 2);
    buf.extend_from_slice(b",\n  \"towns\": ");
    if rows.is_empty() {
        buf.extend_from_slice(b"[]\n}");
        return out.write_all(&buf);
    }
    buf.extend_from_slice(b"[\n");
    out.write_all(&buf)?;
    let last = rows.len() - 1;
    let text = opts.explain_text;
    let prep = &check::Prepared::new(ev.rules);
    stream(rows, out, |start, part, s| {
        for (i, &row) in part.iter().enumerate() {
            ev.explain_into(row, &mut s.town);
            s.compact.clear();
            town::Town {
                ev,
                prep,
                r: &s.town,
                text,
            }
            .write(&mut s.compact);
            s.out.extend_from_slice(b"    ");
            write::pretty(&mut s.out, &s.compact, 4);
            s.out
                .extend_from_slice(if start + i == last { b"\n" } else { b",\n" });
        }
    })?;
    out.write_all(b"  ]\n}")
}

/// JSON Lines: the `ruleset` record on the first line, then one town record per line,
/// compact, streamed in order.
pub fn jsonl_write(
    ev: &Evaluator<'_>,
    rows: &[usize],
    opts: &JsonOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let head = ruleset::Ruleset { rs: ev.rules, opts };
    let mut line = serde_json::to_vec(&head).map_err(io::Error::from)?;
    line.push(b'\n');
    out.write_all(&line)?;
    let text = opts.explain_text;
    let prep = &check::Prepared::new(ev.rules);
    stream(rows, out, |_, part, s| {
        for &row in part {
            ev.explain_into(row, &mut s.town);
            town::Town {
                ev,
                prep,
                r: &s.town,
                text,
            }
            .write(&mut s.out);
            s.out.push(b'\n');
        }
    })
}

/// The whole report as one value (records only, no provenance): what
/// [`json_write`] writes with default options.
pub fn json(ev: &Evaluator<'_>, rows: &[usize]) -> Value {
    json_with(ev, rows, &JsonOptions::default())
}

/// The whole report as one value, as [`json_write`] writes it with `opts`: each town
/// explained and written on its own, one after the other.
pub fn json_with(ev: &Evaluator<'_>, rows: &[usize], opts: &JsonOptions<'_>) -> Value {
    let ruleset = serde_json::to_value(ruleset::Ruleset { rs: ev.rules, opts });
    let prep = &check::Prepared::new(ev.rules);
    let towns = rows.iter().map(|&row| {
        let r = ev.explain(row);
        let mut buf = Vec::new();
        town::Town {
            ev,
            prep,
            r: &r,
            text: opts.explain_text,
        }
        .write(&mut buf);
        serde_json::from_slice::<Value>(&buf)
    });
    match (ruleset, towns.collect::<Result<Vec<Value>, _>>()) {
        (Ok(ruleset), Ok(towns)) => serde_json::json!({"ruleset": ruleset, "towns": towns}),
        (Err(_), _) | (_, Err(_)) => Value::Null,
    }
}
