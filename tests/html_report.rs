//! `townrules report`: the HTML page of the shipped examples, checked as a file (every
//! town, every chart, nothing fetched from the network, the what-if and letters parts,
//! the letters' .docx) and in a real browser: headless Chromium loads it with no script
//! error, the page's own check sorts and filters the town table, and a screenshot and a
//! PDF are saved in `target/tmp/html_report/` for people to look at.
//!
//! Chromium is Debian's `chromium` (installed by `.ci/run`); without it the browser part
//! is skipped outside CI and fails in CI.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The folder kept after the test: the page, its screenshot and PDF.
fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html_report");
    std::fs::create_dir_all(&dir).expect("output folder");
    dir
}

fn report(args: &[&str], page: &Path) -> String {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend(["-o", page.to_str().expect("utf-8 path"), "--force"]);
    let r = common::run_in(Path::new(ROOT), &all, "");
    assert_eq!(r.code, 0, "townrules {all:?}: {}", r.stderr);
    std::fs::read_to_string(page).expect("page written")
}

/// The town names of an example file (second column).
fn names(csv: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(ROOT).join(csv)).expect("example");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records()
        .map(|x| x.expect("record")[1].to_string())
        .collect()
}

#[test]
fn the_page_has_every_town_and_chart_and_needs_no_network() {
    let dir = out_dir();
    let page = dir.join("shanxi.html");
    let html = report(
        &[
            "rules/shanxi.rules",
            "examples/xinzhou_towns.csv",
            "--compare",
            "rules/xinzhou.rules",
            "--letters",
        ],
        &page,
    );
    for name in names("examples/xinzhou_towns.csv") {
        assert!(html.contains(&name), "{name} missing");
        assert!(
            html.contains(&format!("关于“{name}”")),
            "no letter for {name}"
        );
    }
    for section in [
        "overview",
        "thresholds",
        "targets",
        "compare",
        "towns",
        "details",
        "letters",
        "rules",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{section}\">")),
            "{section}"
        );
    }
    // One chart of outcomes and one per threshold: output (二（四）), leading and
    // supporting enterprises (二（五）), brands and standards (二（六））.
    assert!(
        html.matches("<svg ").count() >= 6,
        "{}",
        html.matches("<svg ").count()
    );
    // Self-contained: nothing is loaded from elsewhere.
    for bad in ["src=\"http", "href=\"http", "@import", "url(http", "<link "] {
        assert!(!html.contains(bad), "external resource: {bad}");
    }
    // The rule set for sign-off quotes the document and marks the readings.
    assert!(html.contains("原文：“"), "no quotation");
    assert!(html.contains("本规则集的理解："), "no reading");
    // The comparison names the towns whose outcome differs, with reasons.
    assert!(html.contains("结论不同的镇"), "no comparison of outcomes");
    // The letters' Word file holds a page per town.
    let docx = std::fs::File::open(dir.join("shanxi.认定意见.docx")).expect("docx written");
    let mut zip = zip::ZipArchive::new(docx).expect("a .docx is a zip");
    let mut body = String::new();
    zip.by_name("word/document.xml")
        .expect("document part")
        .read_to_string(&mut body)
        .expect("utf-8");
    for name in names("examples/xinzhou_towns.csv") {
        assert!(body.contains(&format!("关于“{name}”")), "docx lacks {name}");
    }
}

#[test]
fn a_what_if_page_says_so_and_scores_get_their_charts() {
    let dir = out_dir();
    let html = report(
        &[
            "rules/shanxi.rules",
            "examples/xinzhou_towns.csv",
            "--set",
            "min_output.manufacturing=15亿元",
        ],
        &dir.join("whatif.html"),
    );
    assert!(
        html.contains("<div class=\"whatif\"><strong>假设分析</strong>"),
        "no what-if mark"
    );
    // Letters of a what-if: the hypothetical threshold is marked where it is asked for,
    // and each reading is a numbered note once per letter, not a paragraph per item.
    let html = report(
        &[
            "rules/shanxi.rules",
            "examples/xinzhou_towns.csv",
            "--letters",
            "--set",
            "min_supporting_enterprises=200",
        ],
        &dir.join("whatif-letters.html"),
    );
    let letters = html
        .split("<section id=\"letters\">")
        .nth(1)
        .expect("letters");
    let first = letters.split("</article>").next().expect("a letter");
    assert!(
        first.contains("上下游配套企业数达到200户（假设值，还差70户）"),
        "{first}"
    );
    assert!(
        first.contains("产业集聚度高（二（四））：符合（本条所用的理解见注1）。"),
        "{first}"
    );
    assert_eq!(
        first.matches("1. 产业集聚度高（二（四））：").count(),
        1,
        "{first}"
    );
    assert!(!first.contains("。（本规则集的理解："), "{first}");
    let html = report(
        &[
            "rules/xinzhou-evaluation.rules",
            "examples/xinzhou_towns.csv",
            "--scores",
            "examples/xinzhou_scores.csv",
        ],
        &dir.join("scores.html"),
    );
    assert!(
        html.contains("<section id=\"indicators\">"),
        "no indicator section"
    );
    assert!(html.contains("等级分布"), "no grade distribution");
    assert!(html.contains("专家评分分布"), "no experts' spread");
    let only = report(
        &["rules/shanxi.rules", "--rules-only"],
        &dir.join("rules.html"),
    );
    assert!(only.contains("规则集（供审定）"));
    assert!(
        !only.contains("<section id=\"towns\">"),
        "rules-only lists no towns"
    );
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|_| PathBuf::from(b))
        })
}

fn headless(browser: &Path, args: &[&str]) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .args(args)
        .output()
        .expect("run chromium")
}

#[test]
fn the_page_works_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium (.ci/run installs it)"
        );
        eprintln!("chromium not found: the browser check is skipped (install Debian's chromium)");
        return;
    };
    let dir = out_dir();
    let page = dir.join("browser.html");
    report(
        &[
            "rules/shanxi.rules",
            "examples/xinzhou_towns.csv",
            "--letters",
        ],
        &page,
    );
    let url = format!("file://{}", page.display());
    // The page's own check: sort by the first column both ways, filter, no script error.
    let dom = headless(
        &browser,
        &[
            "--virtual-time-budget=3000",
            "--dump-dom",
            &format!("{url}#selftest"),
        ],
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    let result = dom
        .split("<pre id=\"selftest-result\" class=\"selftest\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or_else(|| panic!("the page's check did not run:\n{dom}"));
    assert_eq!(
        result, "sorted ok\nreversed ok\nfiltered 1/8\nerrors 0",
        "the page's check"
    );
    for name in names("examples/xinzhou_towns.csv") {
        assert!(dom.contains(&name), "{name} not in the rendered page");
    }
    assert!(dom.matches("<svg ").count() >= 6);
    // A screenshot and a PDF for people to look at.
    let png = dir.join("report.png");
    let pdf = dir.join("report.pdf");
    let _ = std::fs::remove_file(&png);
    let _ = std::fs::remove_file(&pdf);
    headless(
        &browser,
        &[
            "--window-size=1200,2400",
            &format!("--screenshot={}", png.display()),
            &url,
        ],
    );
    headless(
        &browser,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
            &url,
        ],
    );
    let png = std::fs::read(&png).expect("screenshot saved");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 50_000,
        "{} bytes",
        png.len()
    );
    let pdf = std::fs::read(&pdf).expect("PDF saved");
    assert!(
        pdf.starts_with(b"%PDF") && pdf.len() > 50_000,
        "{} bytes",
        pdf.len()
    );
}
