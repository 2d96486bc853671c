//! `townrules template RULES -o 模板.xlsx`: the workbook read back (sheets, exactly the
//! columns the rule set reads, notes, drop-down lists, the score sheet's validations),
//! then filled in from the CSV twins of the examples and evaluated unchanged: the
//! verdicts are those of the CSV files.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::{run_in, stdout_of};
use rust_xlsxwriter::Workbook;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `townrules template RULES -o DIR/NAME`; the workbook's path.
fn template(dir: &Path, rules: &str, name: &str) -> PathBuf {
    let out = dir.join(name);
    let r = run_in(
        repo(),
        &["template", rules, "-o", out.to_str().expect("utf-8")],
        "",
    );
    assert_eq!(r.code, 0, "template {rules}: {}", r.stderr);
    out
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        other => format!("{other:?}"),
    }
}

/// Sheet names, and each sheet's rows as text.
fn sheets(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("open workbook");
    wb.sheet_names()
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).expect("sheet");
            let rows = range.rows().map(|r| r.iter().map(text).collect()).collect();
            (n, rows)
        })
        .collect()
}

fn rows<'a>(all: &'a [(String, Vec<Vec<String>>)], name: &str) -> &'a [Vec<String>] {
    &all.iter().find(|(n, _)| n == name).expect("sheet").1
}

/// A part of the workbook's zip (sheet XML, notes).
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut s)
        .expect("read");
    s
}

/// A CSV file's rows (the examples have no quoted commas in the columns used here).
fn csv(path: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(repo().join(path))
        .expect("csv");
    r.records()
        .map(|x| x.expect("record").iter().map(str::to_string).collect())
        .collect()
}

/// A sheet to fill: its name, the CSV rows, and the CSV column of a template header.
type Filling<'a> = (&'a str, Vec<Vec<String>>, &'a dyn Fn(&str) -> String);

/// The template's sheets filled in: each sheet's header as the template has it, and for
/// each column the cells of the CSV column of that name (`names` maps a template header
/// to the CSV header). Cells are written as a person types them: numbers as numbers,
/// the rest as text.
fn fill(template: &[(String, Vec<Vec<String>>)], data: &[Filling<'_>], out: &Path) {
    let mut book = Workbook::new();
    let pct = rust_xlsxwriter::Format::new().set_num_format("0.00%");
    for (name, cells) in template {
        let ws = book.add_worksheet();
        ws.set_name(name).expect("name");
        let head = &cells[0];
        for (c, h) in head.iter().enumerate() {
            ws.write_string(0, c as u16, h).expect("head");
        }
        let Some((_, src, names)) = data.iter().find(|(n, _, _)| n == name) else {
            // Other sheets as the template has them.
            for (r, row) in cells.iter().enumerate().skip(1) {
                for (c, v) in row.iter().enumerate() {
                    ws.write_string(r as u32, c as u16, v).expect("cell");
                }
            }
            continue;
        };
        let cols: Vec<usize> = head
            .iter()
            .map(|h| {
                let want = names(h);
                src[0]
                    .iter()
                    .position(|x| *x == want)
                    .unwrap_or_else(|| panic!("no CSV column {want} for {h}"))
            })
            .collect();
        for (r, row) in src.iter().enumerate().skip(1) {
            for (c, &i) in cols.iter().enumerate() {
                let v = row[i].trim();
                if v.is_empty() {
                    continue;
                }
                // A percentage typed into a cell formatted as one, as Excel keeps it:
                // the fraction, with a percent format.
                let percent = v
                    .strip_suffix('%')
                    .and_then(|p| p.parse::<f64>().ok())
                    .filter(|p| format!("{}", p / 100.0).len() < 8);
                match (percent, v.parse::<f64>()) {
                    (Some(p), _) => {
                        ws.write_number_with_format(r as u32, c as u16, p / 100.0, &pct)
                    }
                    (None, Ok(f)) if format!("{f}") == v => ws.write_number(r as u32, c as u16, f),
                    _ => ws.write_string(r as u32, c as u16, v),
                }
                .expect("cell");
            }
        }
    }
    book.save(out).expect("save");
}

#[test]
fn a_filled_template_evaluates_as_its_csv_twin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = template(dir.path(), "rules/shanxi.rules", "模板.xlsx");
    let all = sheets(&t);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["镇", "填报说明"]);
    let head = &rows(&all, "镇")[0];
    // Exactly the facts the provincial criteria read: no county, labour, source or notes.
    assert_eq!(
        head[..4],
        ["编号", "名称", "产业类别", "特色主导产业年产值（亿元）"]
    );
    for unread in ["所在县（市、区）", "全镇劳动力", "来源", "备注"] {
        assert!(
            !head.iter().any(|h| h == unread),
            "{unread} is not read by shanxi.rules"
        );
    }
    for read in [
        "主导产业限定在一个县域内",
        "历史发源地或地理标志",
        "产品特色突出",
    ] {
        assert!(head.iter().any(|h| h == read), "{read} is read");
    }
    // Notes with each fact's meaning and the clauses that read it; drop-down lists; the
    // unit shown by the number format; frozen header.
    let notes = part(&t, "xl/comments1.xml");
    assert!(notes.contains("事实编号 output_value"), "{notes}");
    assert!(notes.contains("金额，单位：亿元"));
    assert!(notes.contains("读取本列的条款：二（四） 产业集聚度高"));
    let xml = part(&t, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"<formula1>"是,否"</formula1>"#), "{xml}");
    assert!(xml.contains("制造业,特优农业,特色轻工,文化旅游"));
    assert!(xml.contains(r#"state="frozen""#));
    let styles = part(&t, "xl/styles.xml");
    assert!(
        styles.contains(r#"formatCode="General&quot;亿元&quot;""#),
        "{styles}"
    );

    // Where the template comes from: the rule file, its hash and git revision, the tool.
    let guide = rows(&all, "填报说明");
    let get = |k: &str| {
        guide
            .iter()
            .find(|r| r[0] == k)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {k}"))
    };
    assert_eq!(get("规则文件"), "rules/shanxi.rules");
    let bytes = std::fs::read(repo().join("rules/shanxi.rules")).expect("rules");
    assert_eq!(
        get("规则文件 SHA-256"),
        townrules::report::sha256_hex(&bytes)
    );
    assert!(!get("规则文件 git 版本").is_empty());
    assert_eq!(
        get("生成工具"),
        format!("townrules {}", env!("CARGO_PKG_VERSION"))
    );

    // Filled from the Chinese-labelled CSV twin: the same verdicts as the CSV.
    let labels = csv("examples/edge_cases_labels.csv");
    let filled = dir.path().join("filled.xlsx");
    let same = |h: &str| without_unit(h).to_string();
    fill(&all, &[("镇", labels, &same)], &filled);
    let got = stdout_of(&[
        "eval",
        "rules/shanxi.rules",
        filled.to_str().expect("utf-8"),
        "--format",
        "csv",
        "--ids",
    ]);
    let want = stdout_of(&[
        "eval",
        "rules/shanxi.rules",
        "examples/edge_cases.csv",
        "--format",
        "csv",
        "--ids",
    ]);
    assert_eq!(got, want);
}

#[test]
fn the_score_sheet_has_each_items_weight_as_validation_and_evaluates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = template(
        dir.path(),
        "rules/xinzhou-evaluation.rules",
        "评分模板.xlsx",
    );
    let all = sheets(&t);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["镇", "专家评分", "评分项", "填报说明"]);
    assert_eq!(rows(&all, "专家评分")[0], ["编号", "专家", "指标", "得分"]);
    // The indicator system reads no town facts: the towns sheet is id and name only.
    assert_eq!(rows(&all, "镇")[0], ["编号", "名称"]);
    let items = rows(&all, "评分项");
    assert_eq!(
        items[0],
        [
            "指标代码",
            "指标名称",
            "所属指标",
            "权重（满分）",
            "得分范围"
        ]
    );
    assert_eq!(items.len() - 1, 31, "the 31 items of 表A.1");
    assert_eq!(
        items[1][..2],
        ["A1.1", "特色产业企业数量占国内同行业企业比重"]
    );
    assert_eq!(items[1][3..], ["5", "0–5"]);
    let a41 = items.iter().find(|r| r[0] == "A4.1").expect("A4.1");
    assert_eq!(
        a41[3], "5",
        "the item's own weight, as the document gives it"
    );
    // Validations: the item code from the list, the score within the item's range.
    let xml = part(&t, "xl/worksheets/sheet2.xml");
    assert!(
        xml.contains("<formula1>'评分项'!$A$2:$A$32</formula1>"),
        "{xml}"
    );
    assert!(
        xml.contains("VLOOKUP(C2,'评分项'!$A$2:$D$32,4,FALSE)"),
        "{xml}"
    );

    // Filled from the CSV score sheet and town list; evaluated with the workbook as
    // both the towns (--sheet 镇) and the scores (its first sheet).
    let scores = csv("examples/xinzhou_scores.csv");
    let towns = csv("examples/xinzhou_towns.csv");
    let score_col = |h: &str| {
        match h {
            "编号" => "town",
            "专家" => "expert",
            "指标" => "indicator",
            "得分" => "score",
            other => panic!("{other}"),
        }
        .to_string()
    };
    let town_col = |h: &str| {
        match h {
            "编号" => "id",
            "名称" => "name",
            other => panic!("{other}"),
        }
        .to_string()
    };
    let filled = dir.path().join("filled.xlsx");
    fill(
        &all,
        &[("专家评分", scores, &score_col), ("镇", towns, &town_col)],
        &filled,
    );
    let f = filled.to_str().expect("utf-8");
    let rules = "rules/xinzhou-evaluation.rules";
    let got = stdout_of(&["eval", rules, f, "--scores", f, "--format", "csv", "--ids"]);
    let want = stdout_of(&[
        "eval",
        rules,
        "examples/xinzhou_towns.csv",
        "--scores",
        "examples/xinzhou_scores.csv",
        "--format",
        "csv",
        "--ids",
    ]);
    assert_eq!(got, want);
    assert!(want.contains("88.5"), "scored: {want}");
}

#[test]
fn an_existing_template_is_kept_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("模板.xlsx");
    std::fs::write(&out, b"old").expect("write");
    let o = out.to_str().expect("utf-8");
    let r = run_in(repo(), &["template", "rules/puxian.rules", "-o", o], "");
    assert_ne!(r.code, 0);
    assert_eq!(std::fs::read(&out).expect("read"), b"old");
    let r = run_in(
        repo(),
        &["template", "rules/puxian.rules", "-o", o, "--force"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(sheets(&out)[0].0, "镇");
}

#[test]
fn yearly_facts_get_a_column_per_year_read_and_evaluate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = "rules/example-municipal-2025.rules";
    let t = template(dir.path(), rules, "模板.xlsx");
    let all = sheets(&t);
    let head = rows(&all, "镇")[0].clone();
    for y in [
        "特色主导产业年度产值（2023年）（亿元）",
        "特色主导产业年度产值（2024年）（亿元）",
    ] {
        assert!(head.iter().any(|h| h == y), "{y} in {head:?}");
    }
    assert!(
        !head.iter().any(|h| h == "特色主导产业年度产值"),
        "never without a year"
    );
    // The fact id of each column, from 填报说明; the CSV names columns by id, label or alias.
    let guide = rows(&all, "填报说明");
    let id_of = |h: &str| {
        guide
            .iter()
            .find(|r| r[0] == h && !r[1].is_empty())
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no id for {h}"))
    };
    let data = csv("examples/municipal_towns.csv");
    let header = data[0].clone();
    let to_csv = move |h: &str| {
        let id = id_of(h);
        let year = id
            .split_once('@')
            .map(|(_, y)| format!("年度产值（{y}年）"));
        [h.to_string(), without_unit(h).to_string(), id.clone()]
            .into_iter()
            .chain(year)
            .find(|c| header.contains(c))
            .unwrap_or_else(|| panic!("no CSV column for {h} ({id})"))
    };
    let filled = dir.path().join("filled.xlsx");
    fill(&all, &[("镇", data, &to_csv)], &filled);
    let f = filled.to_str().expect("utf-8");
    let got = stdout_of(&["eval", rules, f, "--format", "csv", "--ids"]);
    let want = stdout_of(&[
        "eval",
        rules,
        "examples/municipal_towns.csv",
        "--format",
        "csv",
        "--ids",
    ]);
    assert_eq!(got, want);
}

/// A template header without the unit the template adds (`特色主导产业年产值（亿元）` →
/// `特色主导产业年产值`), as the labelled CSV twins name their columns.
fn without_unit(head: &str) -> &str {
    [
        "亿元", "万元", "元", "户", "家", "个", "人", "项", "名", "座",
    ]
    .iter()
    .find_map(|u| head.strip_suffix(&format!("（{u}）")))
    .unwrap_or(head)
}
