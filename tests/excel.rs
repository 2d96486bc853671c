//! Town data and expert score sheets from workbooks: an .xlsx made here (numbers as
//! numbers, percentages as percent-formatted fractions, 是/否 as booleans, Chinese headers,
//! a date, an error cell, a second sheet) reads exactly like its CSV twin, and errors
//! name the sheet and the cell.

use std::path::{Path, PathBuf};
use std::process::Output;

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn townrules(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_townrules"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        // Messages in English, as asserted here; tests/malformed.rs pins the Chinese.
        .env("TOWNRULES_LANG", "en")
        .output()
        .expect("run townrules")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("UTF-8 output")
}

/// Stdout of a run that must succeed.
fn ok(args: &[&str]) -> String {
    let o = townrules(args);
    assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    text(&o.stdout)
}

/// Stderr of a run that must fail.
fn fails(args: &[&str]) -> String {
    let o = townrules(args);
    assert!(
        !o.status.success(),
        "{args:?} should fail: {}",
        text(&o.stdout)
    );
    text(&o.stderr)
}

/// Write a CSV file's records into a sheet as Excel users would have them: plain numbers
/// as numbers, `30%` as the fraction 0.3 formatted as a percentage, 是/否 as booleans,
/// everything else as text.
fn write_csv_into(ws: &mut Worksheet, csv_path: &Path) -> usize {
    let percent = Format::new().set_num_format("0%");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(csv_path)
        .expect("read the CSV");
    let mut percents = 0;
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.expect("a CSV record");
        for (c, cell) in rec.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if cell.is_empty() {
                continue;
            }
            if r > 0 {
                if let Ok(n) = cell.parse::<f64>() {
                    ws.write_number(r, c, n).unwrap();
                    continue;
                }
                if let Some(p) = cell.strip_suffix('%') {
                    if let Ok(n) = p.parse::<f64>() {
                        // What Excel stores for `30%` typed into a cell.
                        ws.write_number_with_format(r, c, n / 100.0, &percent)
                            .unwrap();
                        percents += 1;
                        continue;
                    }
                }
                if cell == "是" || cell == "否" {
                    ws.write_boolean(r, c, cell == "是").unwrap();
                    continue;
                }
            }
            ws.write_string(r, c, cell).unwrap();
        }
    }
    percents
}

/// A temporary directory for the workbooks of one test.
fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// examples/xinzhou_towns.csv as a workbook: an explanatory sheet after the data
/// sheet, or before it when `data_second`.
fn xinzhou_workbook(dir: &Path, data_second: bool) -> PathBuf {
    let mut wb = Workbook::new();
    if data_second {
        wb.add_worksheet()
            .set_name("说明")
            .unwrap()
            .write_string(0, 0, "本表说明：数据在「镇」表")
            .unwrap();
    }
    let ws = wb.add_worksheet().set_name("镇").unwrap();
    let percents = write_csv_into(ws, &root().join("examples/xinzhou_towns.csv"));
    assert!(percents >= 2, "the twin has percent-formatted cells");
    if !data_second {
        wb.add_worksheet()
            .set_name("说明")
            .unwrap()
            .write_string(0, 0, "编号")
            .unwrap();
    }
    let path = dir.join(if data_second {
        "towns2.xlsx"
    } else {
        "towns.xlsx"
    });
    wb.save(&path).expect("save the workbook");
    path
}

#[test]
fn an_xlsx_evaluates_exactly_like_its_csv_twin() {
    let dir = tmp();
    let xlsx = xinzhou_workbook(dir.path(), false);
    let csv = "examples/xinzhou_towns.csv";
    for rules in [
        "rules/xinzhou.rules",
        "rules/shanxi.rules",
        "rules/puxian.rules",
    ] {
        let from_csv = ok(&["eval", rules, csv, "--format", "csv", "--ids"]);
        let from_xlsx = ok(&["eval", rules, path_str(&xlsx), "--format", "csv", "--ids"]);
        assert!(from_csv.lines().count() > 5, "{from_csv}");
        assert_eq!(from_xlsx, from_csv, "{rules}");
        // The explanations too (values, thresholds and margins read from the cells); the
        // rows are the same, sheet rows numbering as CSV lines do.
        // (The provenance names each data file with its own content hash.)
        let mut json_csv: serde_json::Value =
            serde_json::from_str(&ok(&["eval", rules, csv, "--format", "json"])).expect("JSON");
        let mut json_xlsx: serde_json::Value =
            serde_json::from_str(&ok(&["eval", rules, path_str(&xlsx), "--format", "json"]))
                .expect("JSON");
        for j in [&mut json_csv, &mut json_xlsx] {
            j["ruleset"]["provenance"]["data"] = serde_json::Value::Null;
        }
        assert_eq!(json_xlsx, json_csv, "{rules}");
    }
}

#[test]
fn sheet_picks_the_named_sheet_and_an_unknown_one_lists_the_sheets() {
    let dir = tmp();
    let xlsx = xinzhou_workbook(dir.path(), true);
    let file = path_str(&xlsx);
    let from_csv = ok(&[
        "eval",
        "rules/xinzhou.rules",
        "examples/xinzhou_towns.csv",
        "--format",
        "csv",
        "--ids",
    ]);
    let picked = ok(&[
        "eval",
        "rules/xinzhou.rules",
        file,
        "--sheet",
        "镇",
        "--format",
        "csv",
        "--ids",
    ]);
    assert_eq!(picked, from_csv);
    // The first sheet is read by default: here the explanation, which has no id column.
    let first = fails(&["eval", "rules/xinzhou.rules", file]);
    assert!(first.contains("第1张表（说明）"), "{first}");
    let err = fails(&["eval", "rules/xinzhou.rules", file, "--sheet", "镇表"]);
    assert!(err.contains("no sheet `镇表`"), "{err}");
    assert!(err.contains("`说明`、`镇`"), "{err}");
    let err = fails(&[
        "eval",
        "rules/xinzhou.rules",
        "examples/xinzhou_towns.csv",
        "--sheet",
        "镇",
    ]);
    assert!(err.contains("not a workbook"), "{err}");
}

#[test]
fn bad_cells_are_named_by_sheet_and_cell() {
    let dir = tmp();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    // Chinese headers, starting at B2 (A1 is empty, as sheets often are).
    let headers = [
        "编号",
        "名称",
        "特色主导产业年产值",
        "全国市场占有率",
        "带动就业人数",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(1, 1 + c as u16, *h).unwrap();
    }
    let percent = Format::new().set_num_format("0.0%");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    // Row 3: good.
    ws.write_string(2, 1, "t1").unwrap();
    ws.write_string(2, 2, "甲镇").unwrap();
    ws.write_number(2, 3, 25.5).unwrap();
    ws.write_number_with_format(2, 4, 0.355, &percent).unwrap();
    ws.write_number(2, 5, 3000).unwrap();
    // An unknown column (G2), empty below.
    ws.write_string(1, 6, "年产直").unwrap();
    // Row 4: money as words (D4), a date where a count goes (F4).
    ws.write_string(3, 1, "t2").unwrap();
    ws.write_string(3, 3, "很多").unwrap();
    let day = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
    ws.write_datetime_with_format(3, 5, &day, &date).unwrap();
    // Row 5: an error cell (E5).
    ws.write_string(4, 1, "t3").unwrap();
    ws.write_formula(4, 4, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    let path = dir.path().join("bad.xlsx");
    wb.save(&path).unwrap();
    let file = path_str(&path);
    let err = fails(&["eval", "rules/xinzhou.rules", file]);
    let at = format!("{file} 第1张表（Sheet1）");
    assert!(
        err.contains(&format!("{at} D4: column `特色主导产业年产值`")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{at} F4: column `带动就业人数`")),
        "{err}"
    );
    assert!(
        err.contains("`2024-03-01`"),
        "a date reads as YYYY-MM-DD: {err}"
    );
    assert!(
        err.contains(&format!("{at} E5: column `全国市场占有率`")),
        "{err}"
    );
    assert!(err.contains("Excel error `#DIV/0!`"), "{err}");
    assert!(
        err.contains(&format!("{at} G2: column `年产直`: unknown column")),
        "{err}"
    );
    assert!(err.contains("4 errors in the data file"), "{err}");
    // Row 3 alone is good, and its percent-formatted 0.355 is 35.5%.
    let good = dir.path().join("good.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(1, 1 + c as u16, *h).unwrap();
    }
    ws.write_string(2, 1, "t1").unwrap();
    ws.write_string(2, 2, "甲镇").unwrap();
    ws.write_number(2, 3, 25.5).unwrap();
    ws.write_number_with_format(2, 4, 0.355, &percent).unwrap();
    ws.write_number(2, 5, 3000).unwrap();
    wb.save(&good).unwrap();
    let csv = dir.path().join("good.csv");
    std::fs::write(
        &csv,
        "编号,名称,特色主导产业年产值,全国市场占有率,带动就业人数\nt1,甲镇,25.5,35.5%,3000\n",
    )
    .unwrap();
    let report = |p: &Path| {
        let text = ok(&["eval", "rules/xinjiang.rules", path_str(p), "--all"])
            .replace(path_str(p), "FILE");
        // The data file's hash differs between the twins; everything else must not.
        let hash = fancy_regex::Regex::new("SHA-256 [0-9a-f]{12}").expect("pattern");
        hash.replace_all(&text, "SHA-256 …").into_owned()
    };
    let from_xlsx = report(&good);
    assert!(from_xlsx.contains("全国市场占有率 35.5%"), "{from_xlsx}");
    assert_eq!(from_xlsx, report(&csv));
}

#[test]
fn score_sheets_from_xlsx_load_like_the_csv_ones() {
    let dir = tmp();
    let mut wb = Workbook::new();
    write_csv_into(
        wb.add_worksheet(),
        &root().join("examples/xinzhou_scores.csv"),
    );
    let path = dir.path().join("scores.xlsx");
    wb.save(&path).unwrap();
    let args = |scores: &str| {
        ok(&[
            "eval",
            "rules/xinzhou-evaluation.rules",
            "examples/xinzhou_towns.csv",
            "--scores",
            scores,
            "--format",
            "csv",
            "--ids",
        ])
    };
    let from_csv = args("examples/xinzhou_scores.csv");
    assert!(from_csv.contains("88.5"), "{from_csv}");
    assert_eq!(args(path_str(&path)), from_csv);

    // A bad score names its cell.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("得分").unwrap();
    for (c, h) in ["镇", "专家", "指标", "得分"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "dingxiang_flange").unwrap();
    ws.write_string(1, 1, "专家甲").unwrap();
    ws.write_string(1, 2, "A1.1").unwrap();
    ws.write_number(1, 3, 99).unwrap();
    let bad = dir.path().join("bad_scores.xlsx");
    wb.save(&bad).unwrap();
    let err = fails(&[
        "eval",
        "rules/xinzhou-evaluation.rules",
        "examples/xinzhou_towns.csv",
        "--scores",
        path_str(&bad),
    ]);
    assert!(
        err.contains(&format!(
            "{} 第1张表（得分） D2: column `得分`",
            path_str(&bad)
        )),
        "{err}"
    );
}
