//! Charts drawn by the program as inline SVG. Every mark carries its exact figure as
//! text (a label or a `<title>` tooltip); the geometry is only the picture of it, so
//! coordinates may be rounded to the pixel without changing any figure shown.

use std::fmt::Write;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::esc;

/// Width of every chart, in SVG units (it scales to the page).
const WIDTH: f64 = 760.0;
/// Width of the label column on the left.
const LABEL: f64 = 190.0;
/// Height of one bar row.
const ROW: f64 = 24.0;

/// One bar: a label, its length as a fraction of the scale, its class (colour), and
/// the text written at its end.
pub struct Bar {
    /// Row label (a town, an outcome, a grade).
    pub label: String,
    /// Length on the chart's scale; `None`: no bar (missing data), only the text.
    pub value: Option<Decimal>,
    /// CSS class: `met`, `not_met`, `near`, `undetermined`, `recognized` …
    pub class: &'static str,
    /// The figure written after the bar, exactly as the report states it.
    pub text: String,
}

fn px(d: Decimal, scale: Decimal) -> f64 {
    if scale <= Decimal::ZERO {
        return 0.0;
    }
    let frac = (d / scale).to_f64().unwrap_or(0.0).clamp(0.0, 1.0);
    (frac * (WIDTH - LABEL - 170.0)).round()
}

fn fill(class: &str) -> &'static str {
    match class {
        "met" | "recognized" => "#1a7f37",
        "not_met" | "not_recognized" => "#c62828",
        "near" => "#e07b00",
        "undetermined" => "#b26a00",
        _ => "#6b7280",
    }
}

/// Horizontal bars on a common scale `scale` (a bar of `scale` fills the width), with
/// an optional marked line at `mark` (a threshold) labelled `mark_label`.
pub fn bars(title: &str, bars: &[Bar], scale: Decimal, mark: Option<(Decimal, &str)>) -> String {
    let height = ROW * bars.len() as f64 + 34.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{}"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 8.0 + ROW * i as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" font-size="13">{}</text>"#,
            LABEL - 8.0,
            y + 15.0,
            esc(&b.label)
        );
        let w = b.value.map_or(0.0, |v| px(v, scale));
        if b.value.is_some() {
            let _ = write!(
                s,
                r#"<rect x="{LABEL}" y="{}" width="{w}" height="{}" fill="{}"><title>{}：{}</title></rect>"#,
                y + 3.0,
                ROW - 8.0,
                fill(b.class),
                esc(&b.label),
                esc(&b.text)
            );
        }
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" font-size="12" class="{}">{}</text>"#,
            LABEL + w + 6.0,
            y + 15.0,
            b.class,
            esc(&b.text)
        );
    }
    if let Some((m, label)) = mark {
        let x = LABEL + px(m, scale);
        let bottom = 8.0 + ROW * bars.len() as f64;
        let _ = write!(
            s,
            r##"<line x1="{x}" y1="4" x2="{x}" y2="{bottom}" stroke="#111" stroke-dasharray="4 3"/><text x="{x}" y="{}" font-size="12" text-anchor="middle">{}</text>"##,
            bottom + 16.0,
            esc(label)
        );
    }
    s.push_str("</svg>");
    s
}

/// One town's expert totals as dots on a line from `lo` to `hi`, with its mean.
pub struct Spread {
    /// The town.
    pub label: String,
    /// Each expert's total, with the expert's name.
    pub points: Vec<(String, Decimal)>,
    /// The town's total (the experts' mean), as the report states it.
    pub total: Option<(Decimal, String)>,
}

/// The experts' spread: per town, a dot per expert total and a bar at the mean.
pub fn spread(title: &str, rows: &[Spread], lo: Decimal, hi: Decimal) -> String {
    let height = ROW * rows.len() as f64 + 34.0;
    let span = hi - lo;
    let x = |d: Decimal| LABEL + px(d - lo, span);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{}"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 8.0 + ROW * i as f64 + 12.0;
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end" font-size="13">{}</text><line x1="{LABEL}" y1="{y}" x2="{}" y2="{y}" stroke="#d0d7de"/>"##,
            LABEL - 8.0,
            y + 4.0,
            esc(&r.label),
            LABEL + px(span, span)
        );
        for (name, p) in &r.points {
            let _ = write!(
                s,
                r##"<circle cx="{}" cy="{y}" r="5" fill="#2563eb" fill-opacity="0.6"><title>{}：{}</title></circle>"##,
                x(*p),
                esc(name),
                p.normalize()
            );
        }
        if let Some((t, text)) = &r.total {
            let _ = write!(
                s,
                r##"<rect x="{}" y="{}" width="3" height="16" fill="#111"><title>平均 {}</title></rect><text x="{}" y="{}" font-size="12">{}</text>"##,
                x(*t) - 1.5,
                y - 8.0,
                esc(text),
                LABEL + px(span, span) + 8.0,
                y + 4.0,
                esc(text)
            );
        }
    }
    let bottom = 8.0 + ROW * rows.len() as f64 + 16.0;
    let _ = write!(
        s,
        r#"<text x="{LABEL}" y="{bottom}" font-size="12">{}</text><text x="{}" y="{bottom}" font-size="12" text-anchor="end">{}</text></svg>"#,
        lo.normalize(),
        LABEL + px(span, span),
        hi.normalize()
    );
    s
}
