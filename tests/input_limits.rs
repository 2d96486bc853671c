//! Issue 16, the input side: every data input is read within a size limit and only from
//! a regular file; an endless input (`/dev/zero` behind a `.csv`, `.json` or `.toml`
//! name, a FIFO) is refused at once; huge cells and headers are quoted short; and the
//! smaller points (`--set` twice, `--town` twice, a blank expert, JSON `100.0`, a
//! percentage column of fractions). No test is timed: each one reads a bounded prefix.

mod common;

use std::path::{Path, PathBuf};

use common::{run_in, Run};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("townrules-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

fn rules() -> String {
    root().join("rules/shanxi.rules").display().to_string()
}

fn eval(dir: &Path, data: &str, more: &[&str]) -> Run {
    let rules = rules();
    let mut args = vec!["eval", rules.as_str(), data, "--format", "csv"];
    args.extend_from_slice(more);
    run_in(dir, &args, "")
}

#[cfg(unix)]
#[test]
fn dev_zero_behind_a_data_name_is_refused_at_once() {
    let dir = temp_dir("zero");
    for name in ["towns.csv", "towns.json", "towns.toml", "towns.xlsx"] {
        std::os::unix::fs::symlink("/dev/zero", dir.join(name)).expect("symlink");
        for limit in [None, Some("1K")] {
            let more: Vec<&str> = limit.map_or(vec![], |l| vec!["--max-input-size", l]);
            let r = eval(&dir, name, &more);
            assert_eq!(r.code, 1, "{name}: {}", r.stderr);
            assert!(
                r.stderr.contains("不是普通文件（是设备文件）"),
                "{name}: {}",
                r.stderr
            );
            assert!(r.stderr.len() < 600, "{name}: {}", r.stderr);
        }
    }
    // A score sheet too.
    let xinzhou = root()
        .join("rules/xinzhou-evaluation.rules")
        .display()
        .to_string();
    let towns = root()
        .join("examples/xinzhou_towns.csv")
        .display()
        .to_string();
    let r = run_in(
        &dir,
        &["eval", &xinzhou, &towns, "--scores", "towns.csv"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("towns.csv：不是普通文件"), "{}", r.stderr);
    // The REPL's `data` command reads through the same door.
    let rules = rules();
    let r = run_in(&dir, &["repl", rules.as_str()], "data towns.csv\n");
    assert!(r.stderr.contains("不是普通文件"), "{}", r.stderr);
    assert!(r.stderr.len() < 2000, "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = temp_dir("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("towns.csv"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("no mkfifo here: skipped");
        return;
    }
    let r = eval(&dir, "towns.csv", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("命名管道"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_over_the_limit_is_refused_and_one_under_it_is_read() {
    let dir = temp_dir("size");
    let mut text = String::from("id,name,category,output_value\n");
    for i in 0..200 {
        text.push_str(&format!("t{i:03},镇{i},manufacturing,20亿元\n"));
    }
    std::fs::write(dir.join("towns.csv"), &text).expect("write");
    let json: Vec<String> = (0..200)
        .map(|i| format!("{{\"id\": \"t{i:03}\", \"name\": \"镇{i}\"}}"))
        .collect();
    std::fs::write(dir.join("towns.json"), format!("[{}]", json.join(",\n"))).expect("write");
    for name in ["towns.csv", "towns.json"] {
        let r = eval(&dir, name, &["--max-input-size", "4K"]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains("超过输入上限 4 KiB"),
            "{name}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("--max-input-size"),
            "{name}: {}",
            r.stderr
        );
        let r = eval(&dir, name, &["--max-input-size", "1M"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(r.stdout.lines().count(), 201, "{name}");
    }
    // English, and a size the flag cannot read.
    let r = eval(
        &dir,
        "towns.csv",
        &["--max-input-size", "4K", "--lang", "en"],
    );
    assert!(
        r.stderr.contains("larger than the input limit of 4 KiB"),
        "{}",
        r.stderr
    );
    let r = eval(&dir, "towns.csv", &["--max-input-size", "lots"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("无法识别的大小 `lots`"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_huge_cell_or_header_gives_a_short_message() {
    let dir = temp_dir("huge");
    let x = "x".repeat(2_000_000);
    let files = [
        ("cell.csv", format!("id,name,output_value\nt01,甲镇,{x}\n")),
        ("header.csv", format!("id,name,{x}\nt01,甲镇,1\n")),
        ("category.csv", format!("id,name,category\nt01,甲镇,{x}\n")),
        ("key.json", format!("[{{\"id\": \"t01\", \"{x}\": 1}}]")),
        (
            "id.json",
            format!("[{{\"id\": \"{x}\"}}, {{\"id\": \"{x}\"}}]"),
        ),
        ("string.json", format!("\"{x}\"")),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
        for lang in [None, Some("en")] {
            let more: Vec<&str> = lang.map_or(vec![], |l| vec!["--lang", l]);
            let r = eval(&dir, name, &more);
            assert_eq!(r.code, 1, "{name}");
            assert!(r.stderr.len() < 1500, "{name}: {} bytes", r.stderr.len());
            assert!(
                r.stderr.contains("（共 2000") || r.stderr.contains("(2000"),
                "{name}: {}",
                r.stderr
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_same_parameter_set_twice_is_an_error() {
    let data = root().join("examples/edge_cases.csv").display().to_string();
    let r = eval(
        root(),
        &data,
        &[
            "--set",
            "min_leading_enterprises=2家",
            "--set",
            "min_leading_enterprises=3家",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("min_leading_enterprises"), "{}", r.stderr);
    assert!(r.stderr.contains("两次"), "{}", r.stderr);
    // Two different parameters are fine.
    let r = eval(
        root(),
        &data,
        &[
            "--set",
            "min_leading_enterprises=2家",
            "--set",
            "min_supporting_enterprises=5户",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_town_asked_for_twice_is_shown_once() {
    let data = root().join("examples/edge_cases.csv").display().to_string();
    let once = eval(root(), &data, &["--town", "甲镇"]);
    let twice = eval(root(), &data, &["--town", "甲镇", "--town", "甲镇"]);
    assert_eq!(once.code, 0, "{}", once.stderr);
    assert_eq!(twice.stdout, once.stdout);
    assert_eq!(once.stdout.lines().count(), 2, "{}", once.stdout);
    assert_eq!(once.stderr, "");
    assert!(
        twice.stderr.contains("`--town 甲镇` 给了两次"),
        "{}",
        twice.stderr
    );
    // By id and by name: the same town, shown once.
    let both = eval(
        root(),
        &data,
        &["--town", "甲镇", "--town", "e01_output_exact_20"],
    );
    assert_eq!(both.stdout, once.stdout);
    assert!(both.stderr.contains("是同一个镇"), "{}", both.stderr);
}

#[test]
fn a_blank_expert_name_is_an_error() {
    let dir = temp_dir("expert");
    let sheet = std::fs::read_to_string(root().join("examples/xinzhou_scores.csv")).expect("read");
    let mut lines: Vec<String> = sheet.lines().map(str::to_string).collect();
    let second: Vec<&str> = lines[1].split(',').collect();
    lines[1] = format!("{}, ,{},{}", second[0], second[2], second[3]);
    std::fs::write(dir.join("scores.csv"), lines.join("\n") + "\n").expect("write");
    let rules = root().join("rules/xinzhou-evaluation.rules");
    let towns = root().join("examples/xinzhou_towns.csv");
    let r = run_in(
        &dir,
        &[
            "eval",
            &rules.display().to_string(),
            &towns.display().to_string(),
            "--scores",
            "scores.csv",
        ],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("scores.csv 第2行"), "{}", r.stderr);
    assert!(r.stderr.contains("专家姓名为空"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_whole_floats_and_percentage_columns() {
    let dir = temp_dir("numbers");
    std::fs::write(
        dir.join("count.json"),
        r#"[{"id": "t01", "name": "甲镇", "leading_enterprises": 100.0, "jobs": 3000.00}]"#,
    )
    .expect("write");
    let r = eval(&dir, "count.json", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // One 0.5 among 30, 45, 60 is 0.5%; a column of 0.35, 0.5, 1 is refused.
    let mixed = "id,name,national_market_share\nt1,甲,30\nt2,乙,0.5\nt3,丙,45\nt4,丁,60\n";
    std::fs::write(dir.join("mixed.csv"), mixed).expect("write");
    let r = eval(&dir, "mixed.csv", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let fractions = "id,name,national_market_share\nt1,甲,0.35\nt2,乙,0.5\nt3,丙,1\n";
    std::fs::write(dir.join("fractions.csv"), fractions).expect("write");
    let r = eval(&dir, "fractions.csv", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("第2行 `national_market_share` 列"),
        "{}",
        r.stderr
    );
    // A `%` sign anywhere in the column says they are percentages.
    let marked = "id,name,national_market_share\nt1,甲,0.35%\nt2,乙,0.5\nt3,丙,1\n";
    std::fs::write(dir.join("marked.csv"), marked).expect("write");
    let r = eval(&dir, "marked.csv", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The values of percentage fact `id` read from CSV `text`.
fn percent_values(text: &str, id: &str) -> Result<Vec<Option<String>>, String> {
    let model = townrules::check::check_file(&root().join("rules/shanxi.rules"))
        .model
        .expect("rules/shanxi.rules checks");
    let f = model.facts.iter().position(|x| x.id == id).expect("a fact");
    let loaded =
        townrules::data::load_towns_str("t.csv", text, townrules::data::DataFormat::Csv, &model)
            .map_err(|e| format!("{e:?}"))?;
    match &loaded.towns.columns[f] {
        townrules::data::Column::Num(d) => Ok((0..loaded.towns.len())
            .map(|i| d.get(i).map(|v| v.normalize().to_string()))
            .collect()),
        other => Err(format!("not a number column: {other:?}")),
    }
}

#[test]
fn a_header_states_how_bare_percentages_are_meant() {
    let s = Some;
    let v = |x: &str| s(x.to_string());
    // Percentage points by default; one 0.5 among others stays 0.5%.
    let points = percent_values(
        "id,national_market_share\nt1,30\nt2,0.5\nt3,45\n",
        "national_market_share",
    );
    assert_eq!(points, Ok(vec![v("30"), v("0.5"), v("45")]));
    // `（比例）`: fractions, a `%` cell as written.
    let ratio = percent_values(
        "id,全国市场占有率（比例）\nt1,0.35\nt2,1\nt3,12%\nt4,\n",
        "national_market_share",
    );
    assert_eq!(ratio, Ok(vec![v("35"), v("100"), v("12"), None]));
    // `（%）`: percentage points, even when all are fractions.
    let stated = percent_values(
        "id,national_market_share(%)\nt1,0.35\nt2,0.5\n",
        "national_market_share",
    );
    assert_eq!(stated, Ok(vec![v("0.35"), v("0.5")]));
    // A fraction column without a word is refused; a ratio above 1 too.
    let refused = percent_values(
        "id,national_market_share\nt1,0.35\nt2,0.5\n",
        "national_market_share",
    );
    assert!(refused.is_err_and(|e| e.contains("national_market_share")));
    let over = percent_values("id,全国市场占有率(比例)\nt1,35\n", "national_market_share");
    assert!(over.is_err_and(|e| e.contains("35")));
}

/// A file of `len` bytes that takes no disk space (a hole): only its size is read before
/// it is refused.
fn sparse(path: &Path, len: u64) {
    let f = std::fs::File::create(path).expect("create");
    f.set_len(len).expect("set_len");
}

#[test]
fn toml_data_and_score_sheets_have_a_smaller_ceiling_of_their_own() {
    assert_eq!(townrules::data::TOML_MAX_BYTES, 8 << 20);
    assert_eq!(townrules::data::SCORES_MAX_BYTES, 64 << 20);
    let dir = temp_dir("ceiling");
    sparse(&dir.join("towns.toml"), (8 << 20) + 1);
    for more in [&[][..], &["--max-input-size", "4GiB"][..]] {
        let r = eval(&dir, "towns.toml", more);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("towns.toml：文件大小 8.1 MiB，超过 TOML 格式各镇数据的上限 8 MiB"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("另存为 CSV 或 JSON"), "{}", r.stderr);
    }
    let r = eval(&dir, "towns.toml", &["--lang", "en"]);
    assert!(
        r.stderr
            .contains("larger than the limit of 8 MiB for TOML town data"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("save the data as CSV or JSON"),
        "{}",
        r.stderr
    );
    // A lowered general limit lowers the ceiling: the general message then.
    let r = eval(&dir, "towns.toml", &["--max-input-size", "1M"]);
    assert!(r.stderr.contains("超过输入上限 1 MiB"), "{}", r.stderr);
    // A TOML file under the ceiling is read.
    let toml: String = (0..50)
        .map(|i| format!("[[town]]\nid = \"t{i:02}\"\nname = \"镇{i}\"\n\n"))
        .collect();
    std::fs::write(dir.join("small.toml"), toml).expect("write");
    let r = eval(&dir, "small.toml", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 51);
    // A score sheet as CSV.
    sparse(&dir.join("scores.csv"), (64 << 20) + 1);
    let r = eval_scores(&dir, "scores.csv");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("scores.csv：文件大小 64.1 MiB，超过评分表的上限 64 MiB"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A zip archive of `parts` (name, bytes), each deflated.
fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(parts, zip::CompressionMethod::Deflated)
}

/// A zip archive of `parts` (name, bytes), each packed by `method`.
fn zip_with(parts: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in parts {
        w.start_file(*name, options).expect("start_file");
        w.write_all(bytes).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

/// Make the central directory of the zip `bytes` declare `size` bytes inflated for
/// part `name` (a forged workbook).
fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
    let mut found = false;
    for at in 0..bytes.len().saturating_sub(46) {
        if bytes[at..at + 4] != *b"PK\x01\x02" {
            continue;
        }
        let len = u16::from_le_bytes([bytes[at + 28], bytes[at + 29]]) as usize;
        if bytes.get(at + 46..at + 46 + len) == Some(name.as_bytes()) {
            bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
            found = true;
        }
    }
    assert!(found, "no central directory entry for {name}");
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>"#;

#[test]
fn a_zip_bomb_workbook_is_refused_before_it_is_inflated() {
    let dir = temp_dir("bomb");
    // 8 MiB of zeros as the sheet: some 8 KiB packed, a ratio near 1000:1.
    let zeros = vec![0u8; 8 << 20];
    let bomb = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    drop(zeros);
    assert!(bomb.len() < 20 << 10, "{}", bomb.len());
    std::fs::write(dir.join("bomb.xlsx"), &bomb).expect("write");
    std::fs::write(dir.join("bomb.ods"), &bomb).expect("write");
    for name in ["bomb.xlsx", "bomb.ods"] {
        let start = std::time::Instant::now();
        let r = eval(&dir, name, &[]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "{name}：该工作簿不予读取：其中的部件 `xl/worksheets/sheet1.xml` 声明解压后为 8 MiB"
            )),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("压缩炸弹"), "{}", r.stderr);
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }
    let r = eval(&dir, "bomb.xlsx", &["--lang", "en"]);
    assert!(r.stderr.contains("as a zip bomb does"), "{}", r.stderr);
    // Parts that pack no better than real ones but declare more than the ceiling in all.
    let noise = vec![b'x'; 4 << 20];
    let mut big = zip_with(
        &[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("xl/worksheets/sheet1.xml", &noise),
        ],
        zip::CompressionMethod::Stored,
    );
    declare_size(&mut big, "xl/worksheets/sheet1.xml", 300 << 20);
    std::fs::write(dir.join("big.xlsx"), &big).expect("write");
    let r = eval(&dir, "big.xlsx", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("big.xlsx：该工作簿不予读取：解压后合计 300.1 MiB，超过工作簿的上限 200 MiB"),
        "{}",
        r.stderr
    );
    // Too many parts (each costs the zip reader a record before anything is read).
    let names: Vec<String> = (0..10_001).map(|i| format!("p{i}")).collect();
    let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    std::fs::write(dir.join("parts.xlsx"), zip_of(&parts)).expect("write");
    let r = eval(&dir, "parts.xlsx", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "parts.xlsx：该工作簿不予读取：其中有 10001 个部件（文件），超过上限 10000 个"
        ),
        "{}",
        r.stderr
    );
    // A shared-string table announcing more strings than it can hold.
    let sst = br#"<?xml version="1.0"?><sst xmlns="x" count="1" uniqueCount="4000000000000"><si><t>a</t></si></sst>"#;
    let forged = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("xl/sharedStrings.xml", sst),
    ]);
    std::fs::write(dir.join("strings.xlsx"), forged).expect("write");
    let r = eval(&dir, "strings.xlsx", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("共享字符串表声称有 4000000000000 个字符串"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `examples/edge_cases.csv` as a workbook (numbers as numbers).
fn workbook_of_csv(csv_path: &Path) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let text = std::fs::read_to_string(csv_path).expect("read");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    for (r, rec) in rdr.records().enumerate() {
        for (c, v) in rec.expect("record").iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match v.parse::<f64>() {
                Ok(f) if r > 0 => ws.write_number(r, c, f).map(|_| ()),
                _ => ws.write_string(r, c, v).map(|_| ()),
            }
            .expect("write cell");
        }
    }
    wb.save_to_buffer().expect("save")
}

#[test]
fn a_workbook_whose_parts_lie_about_their_size_stops_at_the_declared_size() {
    let dir = temp_dir("lying");
    let csv_path = root().join("examples/edge_cases.csv");
    let honest = workbook_of_csv(&csv_path);
    std::fs::write(dir.join("honest.xlsx"), &honest).expect("write");
    // A real workbook passes the check and evaluates as its CSV does.
    let from_csv = eval(root(), &csv_path.display().to_string(), &[]);
    let from_xlsx = eval(&dir, "honest.xlsx", &[]);
    assert_eq!(from_xlsx.code, from_csv.code, "{}", from_xlsx.stderr);
    assert_eq!(from_xlsx.stdout, from_csv.stdout);
    // The sheet declares 100 bytes but inflates to more: the zip reader stops it.
    let mut lying = honest;
    declare_size(&mut lying, "xl/worksheets/sheet1.xml", 100);
    std::fs::write(dir.join("lying.xlsx"), &lying).expect("write");
    let r = eval(&dir, "lying.xlsx", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("lying.xlsx"), "{}", r.stderr);
    assert!(r.stderr.contains("解压后超过它声明的大小"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_score_sheet_with_an_expert_sheet_per_row_stops_at_the_cap() {
    let dir = temp_dir("experts");
    // 31 indicators: 4,194,304 scores are 135,300 sheets; one new expert per row.
    let mut text = String::from("town,expert,indicator,score\n");
    for i in 0..136_000 {
        text.push_str(&format!("dingxiang_flange,专家{i},A1.1,2\n"));
    }
    std::fs::write(dir.join("scores.csv"), text).expect("write");
    let r = eval_scores(&dir, "scores.csv");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("专家评分表过多：已有 135300 份（每份 31 个指标）"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("scores.csv 第135302行"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// An `.ods` whose sheet has `rows` (the XML of its `table:table-row` elements).
fn ods_of(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="镇"><table:table-row><table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>name</text:p></table:table-cell></table:table-row>{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

#[test]
fn an_ods_whose_repeats_span_too_many_cells_is_refused_before_it_is_opened() {
    let dir = temp_dir("ods");
    // LibreOffice ends a sheet with empty repeated rows and columns: read as usual.
    let town = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>t01</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>甲镇</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1022"/></table:table-row><table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
    std::fs::write(dir.join("ok.ods"), ods_of(town)).expect("write");
    let r = eval(&dir, "ok.ods", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    assert!(r.stdout.contains("t01,甲镇"), "{}", r.stdout);
    // 1 KB that calamine would lay out as 1000 × 16384 cells (2.3 GB).
    let bomb = r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
    std::fs::write(dir.join("bomb.ods"), ods_of(bomb)).expect("write");
    let r = eval(&dir, "bomb.ods", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("bomb.ods：工作表 `镇` 的数据区（重复的行、列展开后）已达"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `eval` of the Xinzhou indicator system on the example towns, in `dir`, with the score
/// sheet `sheet` (a path in `dir`).
fn eval_scores(dir: &Path, sheet: &str) -> Run {
    let xinzhou = root().join("rules/xinzhou-evaluation.rules");
    let towns = root().join("examples/xinzhou_towns.csv");
    let (xinzhou, towns) = (xinzhou.display().to_string(), towns.display().to_string());
    run_in(dir, &["eval", &xinzhou, &towns, "--scores", sheet], "")
}

/// An `.xls` workbook, which calamine reads whole with no hook to check it first, has a
/// ceiling of its own: a file over it is refused before it is opened.
#[test]
fn an_xls_workbook_over_its_ceiling_is_refused_unread() {
    assert_eq!(townrules::data::XLS_MAX_BYTES, 32 << 20);
    let dir = temp_dir("xls");
    sparse(&dir.join("towns.xls"), (32 << 20) + 1);
    let r = eval(&dir, "towns.xls", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("towns.xls：文件大小 32.1 MiB，超过 .xls 工作簿的上限 32 MiB"),
        "{}",
        r.stderr
    );
    // A smaller file goes on to calamine (this one is no workbook at all).
    sparse(&dir.join("small.xls"), 1024);
    let r = eval(&dir, "small.xls", &[]);
    assert!(r.stderr.contains("不是有效的工作簿"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}
