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
