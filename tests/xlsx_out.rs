//! `eval --format xlsx -o FILE`: the workbook read back with calamine (sheets, headers,
//! cells against the CSV and text verdicts of the same run, exact scores) and its XML
//! (frozen header rows, filters, coloured statuses).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::{run_in, stdout_of};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Run `townrules eval ARGS --format xlsx -o OUT` in the repository; the workbook path.
fn eval_xlsx(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let out_s = out.to_str().expect("utf-8 path");
    let mut a = vec!["eval"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "xlsx", "-o", out_s]);
    let r = run_in(repo(), &a, "");
    assert_eq!(r.code, 0, "townrules {a:?}: {}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "nothing on stdout with -o: {}",
        r.stdout
    );
    out
}

/// A cell as text: numbers as the shortest decimal that reads back as them.
fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// Every sheet's cells as text, by sheet name, in workbook order.
fn sheets(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("open workbook");
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).expect("sheet");
            let rows = range.rows().map(|r| r.iter().map(text).collect()).collect();
            (n, rows)
        })
        .collect()
}

fn sheet<'a>(all: &'a [(String, Vec<Vec<String>>)], name: &str) -> &'a [Vec<String>] {
    &all.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
        .1
}

/// The XML of sheet `n` (1-based) and the workbook's other parts.
fn part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).expect("open");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut s)
        .expect("read part");
    s
}

/// CSV rows as records of strings (header first).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn zh_status(s: &str) -> &'static str {
    match s {
        "met" => "符合",
        "not_met" => "不符合",
        "undetermined" => "待定",
        "not_applicable" => "不适用",
        "recognized" => "认定",
        "not_recognized" => "不予认定",
        "yes" => "是",
        "no" => "否",
        "unknown" => "待定",
        "true" => "是",
        "false" => "否",
        "" => "",
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn the_summary_agrees_with_the_csv_verdicts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = ["rules/shanxi.rules", "examples/edge_cases.csv"];
    let book = eval_xlsx(dir.path(), "out.xlsx", &args);
    let all = sheets(&book);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["汇总", "逐条说明", "规则集", "来源"]);

    let csv = csv_rows(&stdout_of(&[
        "eval", args[0], args[1], "--format", "csv", "--ids",
    ]));
    let sum = sheet(&all, "汇总");
    let head = &sum[0];
    assert_eq!(
        &head[..5],
        ["编号", "名称", "结论", "须认定机关裁量", "优先评定"]
    );
    assert_eq!(
        head[5], "二（一） 历史传承厚重",
        "criteria headed by clause and label"
    );
    assert_eq!(sum.len(), csv.len(), "one row per town");
    // After the criteria: met through a relaxation, and the missing data (as the CSV).
    assert_eq!(head[13..15], ["经放宽条款符合", "缺少的数据"]);
    for (x, c) in sum[1..].iter().zip(&csv[1..]) {
        assert_eq!(x[13].is_empty(), c[13].is_empty(), "relaxed of {}", c[0]);
        assert_eq!(
            x[14].split('；').count(),
            c[14].split(';').count(),
            "missing facts of {}",
            c[0]
        );
    }
    // CSV: id,name,outcome,discretionary,<8 criteria>,priority,interpretations
    for (x, c) in sum[1..].iter().zip(&csv[1..]) {
        assert_eq!(x[0], c[0]);
        assert_eq!(x[1], c[1]);
        assert_eq!(x[2], zh_status(&c[2]), "outcome of {}", c[0]);
        assert_eq!(x[3], zh_status(&c[3]), "discretionary mark of {}", c[0]);
        assert_eq!(x[4], zh_status(&c[12]), "priority of {}", c[0]);
        for k in 0..8 {
            assert_eq!(x[5 + k], zh_status(&c[4 + k]), "criterion {k} of {}", c[0]);
        }
    }

    // Frozen header row, a filter over the table, statuses coloured.
    let xml = part(&book, "xl/worksheets/sheet1.xml");
    assert!(xml
        .contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#));
    assert!(
        xml.contains(&format!(r#"<autoFilter ref="A1:P{}"/>"#, sum.len())),
        "{xml}"
    );
    assert!(xml.contains("<cols>"), "column widths");
    let styles = part(&book, "xl/styles.xml");
    for colour in ["FFC6EFCE", "FFFFC7CE", "FFFFEB9C"] {
        assert!(styles.contains(colour), "status colour {colour}");
    }
    let xml2 = part(&book, "xl/worksheets/sheet2.xml");
    assert!(xml2.contains(r#"state="frozen""#) && xml2.contains("<autoFilter"));
}

#[test]
fn explanations_give_values_thresholds_units_and_shortfalls_in_yuan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = ["rules/shanxi.rules", "examples/edge_cases.csv"];
    let all = sheets(&eval_xlsx(dir.path(), "out.xlsx", &args));
    let ex = sheet(&all, "逐条说明");
    assert_eq!(
        ex[0],
        [
            "编号",
            "名称",
            "条款",
            "标准",
            "状态",
            "判定路径",
            "环节",
            "检查",
            "结果",
            "实际值",
            "门槛",
            "单位",
            "差额（正为超出，负为不足）",
            "说明"
        ]
    );
    // 乙镇: 19.99亿元 against 20亿元, short by 100万元 — in 元, exactly.
    let row = ex
        .iter()
        .find(|r| r[0] == "e02_output_19_99" && r[9] == "1999000000")
        .expect("the output check of 乙镇");
    assert_eq!(row[2], "二（四）");
    assert_eq!(row[4], "不符合");
    assert_eq!(row[8], "不成立");
    assert_eq!(row[10], "2000000000");
    assert_eq!(row[11], "元");
    assert_eq!(row[12], "-1000000");
    assert!(row[7].contains("19.99亿元"), "{}", row[7]);
    // 乙镇 has no origin or geographical indication: the relaxation does not apply.
    assert_eq!(row[5], "常规门槛未达到；放宽条款不适用（放宽条件不具备）");
    // The explanation text is the text report's.
    let text = stdout_of(&["eval", args[0], args[1], "--town", "e02_output_19_99"]);
    let first = ex
        .iter()
        .find(|r| r[0] == "e02_output_19_99" && r[2] == "二（四）" && !r[13].is_empty())
        .expect("explanation");
    for line in first[13].lines() {
        assert!(
            text.contains(line.trim()),
            "{line} not in the text report:\n{text}"
        );
    }
    // 丁镇 is met through the discretionary relaxation: the path says so.
    assert!(ex
        .iter()
        .any(|r| r[0] == "e04_relax_met" && r[5].contains("放宽条款") && r[5].contains("裁量")));
    // 甲镇 meets 二（四） by the normal threshold (exactly 20亿元): its relaxation was not
    // needed and its checks are not listed; 丁镇's, which decided, are.
    let relaxation_rows = |town: &str| {
        ex.iter()
            .filter(|r| r[0] == town && r[2] == "二（四）" && r[6].starts_with("放宽条款"))
            .count()
    };
    assert_eq!(relaxation_rows("e01_output_exact_20"), 0);
    assert!(relaxation_rows("e04_relax_met") > 0);
    // Every town has a row for every criterion.
    let towns = sheet(&all, "汇总").len() - 1;
    let pairs: std::collections::BTreeSet<(&str, &str)> = ex[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(pairs.len(), towns * 8);
}

#[test]
fn provenance_and_rule_set_sheets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = [
        "rules/shanxi.rules",
        "examples/edge_cases.csv",
        "--set",
        "min_output.manufacturing=19亿元",
    ];
    let all = sheets(&eval_xlsx(dir.path(), "out.xlsx", &args));
    let src = sheet(&all, "来源");
    let get = |k: &str| {
        src.iter()
            .find(|r| r[0] == k)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {k}"))
    };
    assert_eq!(
        get("生成工具"),
        format!("townrules {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(get("规则文件"), "rules/shanxi.rules");
    let rules = std::fs::read(repo().join("rules/shanxi.rules")).expect("rules");
    assert_eq!(
        get("规则文件 SHA-256"),
        townrules::report::sha256_hex(&rules)
    );
    let data = std::fs::read(repo().join("examples/edge_cases.csv")).expect("data");
    assert_eq!(
        get("数据文件 SHA-256"),
        townrules::report::sha256_hex(&data)
    );
    assert!(
        get("假设分析").contains("min_output.manufacturing"),
        "{}",
        get("假设分析")
    );
    assert!(!get("规则文件 git 版本").is_empty());

    let rs = sheet(&all, "规则集");
    assert!(rs
        .iter()
        .any(|r| r[0] == "依据文件" && r[1] == "晋政办发〔2022〕80号"));
    let p = rs
        .iter()
        .find(|r| r[0] == "min_output.manufacturing")
        .expect("the parameter");
    assert_eq!(
        (p[1].as_str(), p[2].as_str(), p[3].as_str()),
        ("19亿元", "1900000000", "元")
    );
    assert!(rs.iter().any(|r| r[0] == "假设分析（非正式结论）"));
    // The what-if run says so on every summary row.
    let sum = sheet(&all, "汇总");
    let w = sum[0].iter().position(|h| h == "假设分析").expect("column");
    assert!(sum[1..]
        .iter()
        .all(|r| r[w].starts_with("假设分析（非正式结论）")));
}

#[test]
fn scores_are_written_exactly_with_their_grades() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A third expert for 定襄法兰, half a point above 专家甲 on A1.2: the mean of three
    // totals does not end, so it cannot be a number cell; it is written as text.
    let scores = std::fs::read_to_string(repo().join("examples/xinzhou_scores.csv")).expect("s");
    let mut extra = scores.clone();
    for line in scores.lines() {
        if line.starts_with("dingxiang_flange,专家甲,") {
            let mut f: Vec<String> = line.split(',').map(str::to_string).collect();
            f[1] = "专家丙".into();
            if f[2] == "A1.1" {
                f[3] = "4.5".into();
            }
            extra.push_str(&f.join(","));
            extra.push('\n');
        }
    }
    let sc = dir.path().join("scores.csv");
    std::fs::write(&sc, extra).expect("write");
    let sc = sc.to_str().expect("utf-8");
    let args = [
        "rules/xinzhou-evaluation.rules",
        "examples/xinzhou_towns.csv",
        "--scores",
        sc,
    ];
    let book = eval_xlsx(dir.path(), "out.xlsx", &args);
    let all = sheets(&book);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["汇总", "逐条说明", "指标得分", "规则集", "来源"]);
    let csv = csv_rows(&stdout_of(&[
        "eval", args[0], args[1], args[2], args[3], "--format", "csv", "--ids",
    ]));
    let sum = sheet(&all, "汇总");
    assert_eq!(sum[0][..4], ["编号", "名称", "总分（精确值）", "等级"]);
    let mut text_totals = 0;
    for (x, c) in sum[1..].iter().zip(&csv[1..]) {
        // CSV: id,name,total,grade (no outcome: the rule set has no criteria) — the exact decimal.
        assert_eq!(x[0], c[0]);
        assert_eq!(x[2], c[2], "total of {}", c[0]);
        assert_eq!(x[3], c[3], "grade of {}", c[0]);
        if c[2].len() > 20 {
            text_totals += 1;
        }
    }
    assert_eq!(
        text_totals, 1,
        "the mean of three experts is written as text"
    );
    // Number cells show every decimal: 79.75 is formatted #,##0.00, never #,##0.0.
    let mut wb: Xlsx<_> = open_workbook(&book).expect("open");
    let styles = wb.worksheet_style("汇总").expect("styles");
    let row = sum.iter().position(|r| r[2] == "79.75").expect("79.75") as u32;
    let fmt = styles
        .get((row, 2))
        .and_then(|s| s.number_format.as_ref())
        .map(|f| f.format_code.clone());
    assert_eq!(fmt.as_deref(), Some("#,##0.00"));
    // Node scores: the mean and each expert's, every node with its weight.
    let nodes = sheet(&all, "指标得分");
    assert_eq!(
        nodes[0],
        [
            "编号",
            "名称",
            "评分人",
            "指标代码",
            "指标名称",
            "层级",
            "权重（满分）",
            "得分（精确值）",
            "按权重封顶"
        ]
    );
    let a = nodes
        .iter()
        .find(|r| r[0] == "daizhou_huangjiu" && r[2] == "专家平均" && r[3] == "总分")
        .expect("total row");
    assert_eq!(a[7], "79.75");
    assert!(nodes
        .iter()
        .any(|r| r[2] == "专家丙" && r[3] == "A1.1" && r[7] == "4.5"));
    let capped = nodes.iter().filter(|r| r[8] == "是").count();
    assert!(capped > 0, "A4 (weight 4, item weight 5) can be capped");
}

#[test]
fn an_existing_file_is_kept_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.xlsx");
    std::fs::write(&out, b"old").expect("write");
    let o = out.to_str().expect("utf-8");
    let a = [
        "eval",
        "rules/shanxi.rules",
        "examples/edge_cases.csv",
        "--format",
        "xlsx",
        "-o",
        o,
    ];
    let r = run_in(repo(), &a, "");
    assert_ne!(r.code, 0);
    assert_eq!(std::fs::read(&out).expect("read"), b"old");
    let mut forced = a.to_vec();
    forced.push("--force");
    let r = run_in(repo(), &forced, "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(sheets(&out)[0].0, "汇总");
}

#[test]
fn ratios_are_shown_in_percent_and_endless_ones_as_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = [
        "rules/example-municipal-2025.rules",
        "examples/municipal_towns.csv",
    ];
    let all = sheets(&eval_xlsx(dir.path(), "out.xlsx", &args));
    let ex = sheet(&all, "逐条说明");
    let share = |town: &str| {
        ex.iter()
            .find(|r| r[0] == town && r[6].contains("占全镇劳动力"))
            .unwrap_or_else(|| panic!("the share check of {town}"))
            .clone()
    };
    // 2600 ÷ 10000 = 26% against 20%: 6 points over.
    let c = share("town_c");
    assert_eq!(c[9..13], ["26", "20", "%", "6"]);
    assert_eq!((c[5].as_str(), c[8].as_str()), ("常规门槛", "成立"));
    // 3200 ÷ 12000 does not end: the exact decimal as text, never a rounded number.
    let a = share("town_a");
    assert!(a[9].starts_with("26.666666666666666666"), "{}", a[9]);
    // A requirement without a relaxation that fails: 未达到.
    let e = ex
        .iter()
        .find(|r| r[0] == "town_e" && r[7].contains("带动就业人数 1500人"))
        .expect("town_e jobs");
    assert_eq!((e[5].as_str(), e[12].as_str()), ("未达到", "-500"));
}
