//! Reports written to files (`eval -o FILE`): the same bytes as on standard output,
//! written atomically, never over an existing file without `--force`, with the new
//! file readable as any other and an overwritten file's permissions kept; a CSV report
//! gets its provenance beside it; CSV for spreadsheets starts with a byte-order mark,
//! CSV for scripts (`--ids`) does not.

mod common;

use std::path::Path;

use common::{run_in, Run};
use sha2::{Digest, Sha256};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn eval(args: &[&str]) -> Run {
    let mut all = vec!["eval", "rules/shanxi.rules", "examples/xinzhou_towns.csv"];
    all.extend_from_slice(args);
    run_in(Path::new(ROOT), &all, "")
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_file_report_is_the_standard_output_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in ["text", "json", "jsonl", "csv"] {
        let file = dir.path().join(format!("report.{format}"));
        let path = file.to_str().expect("utf-8 path");
        let to_file = eval(&["--format", format, "-o", path]);
        assert_eq!(to_file.code, 0, "{format}: {}", to_file.stderr);
        assert_eq!(to_file.stdout, "", "{format}: nothing on stdout with -o");
        let written = std::fs::read_to_string(&file).expect("report written");
        let shown = eval(&["--format", format]);
        assert_eq!(written, shown.stdout, "{format}");
    }
    // Nothing but the reports and the CSV's provenance is left in the folder.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "report.csv",
            "report.csv.provenance.json",
            "report.json",
            "report.jsonl",
            "report.text"
        ]
    );
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("r.txt");
    std::fs::write(&file, "someone's notes\n").expect("write");
    let path = file.to_str().expect("utf-8 path");
    let refused = eval(&["-o", path]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "someone's notes\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let private = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(&file, private).expect("chmod");
    }
    let forced = eval(&["-o", path, "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.starts_with("山西省省级专业镇认定标准\n"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("stat").permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the overwritten file keeps its permissions"
        );
        let fresh = dir.path().join("new.txt");
        let made = eval(&["-o", fresh.to_str().expect("utf-8 path")]);
        assert_eq!(made.code, 0, "{}", made.stderr);
        let mode = std::fs::metadata(&fresh)
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o644,
            "a new report is readable like any new file"
        );
    }
}

#[test]
fn a_workbook_needs_a_file() {
    let r = eval(&["--format", "xlsx"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("-o"), "{}", r.stderr);
}

#[test]
fn ids_go_with_csv_only() {
    let r = eval(&["--ids"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("`--ids` 只用于 `--format csv`"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_csv_provenance_names_the_files_by_their_hashes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("r.csv");
    let r = eval(&["--format", "csv", "-o", file.to_str().expect("utf-8 path")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let side = std::fs::read_to_string(dir.path().join("r.csv.provenance.json")).expect("sidecar");
    let v: serde_json::Value = serde_json::from_str(&side).expect("JSON");
    let data = std::fs::read(Path::new(ROOT).join("examples/xinzhou_towns.csv")).expect("data");
    assert_eq!(v["data"]["path"], "examples/xinzhou_towns.csv");
    assert_eq!(v["data"]["sha256"], hex(&data));
    assert_eq!(v["rules"]["path"], "rules/shanxi.rules");
    assert_eq!(v["rules"]["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(v["date"], "2022-09-26");
    assert_eq!(
        v["tool"],
        format!("townrules {}", env!("CARGO_PKG_VERSION"))
    );
    // A what-if run says so in its provenance.
    let set = dir.path().join("set.csv");
    let r = eval(&[
        "--format",
        "csv",
        "-o",
        set.to_str().expect("utf-8 path"),
        "--set",
        "min_output.manufacturing=15亿元",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let side =
        std::fs::read_to_string(dir.path().join("set.csv.provenance.json")).expect("sidecar");
    assert!(
        side.contains("min_output.manufacturing 文件为 20亿元，假设为 15亿元"),
        "{side}"
    );
}

#[test]
fn csv_for_spreadsheets_has_a_bom_and_csv_for_scripts_has_none() {
    let people = eval(&["--format", "csv"]).stdout;
    assert!(
        people.starts_with("\u{feff}编号,名称,结论,须裁量,"),
        "{people}"
    );
    assert!(
        people.contains("\ndaizhou_huangjiu,代州黄酒,认定,是,符合,"),
        "{people}"
    );
    let scripts = eval(&["--format", "csv", "--ids"]).stdout;
    assert!(
        scripts.starts_with("id,name,outcome,discretionary,"),
        "{scripts}"
    );
    assert!(
        scripts.contains("\ndaizhou_huangjiu,代州黄酒,recognized,true,met,"),
        "{scripts}"
    );
    // The same rows: one per town, as many columns.
    let shape = |s: &str| -> Vec<usize> {
        let mut r = csv::ReaderBuilder::new().from_reader(s.as_bytes());
        r.records().map(|x| x.expect("record").len()).collect()
    };
    assert_eq!(shape(&people), shape(&scripts));
}

#[test]
fn a_missing_rule_file_is_said_once() {
    let r = run_in(
        Path::new(ROOT),
        &["eval", "rules/nope.rules", "examples/xinzhou_towns.csv"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("无法读取规则文件 `rules/nope.rules`：文件不存在"),
        "{}",
        r.stderr
    );
    // Nothing to fix or check in a file that is not there.
    assert!(!r.stderr.contains("请先修正"), "{}", r.stderr);
}

#[test]
fn a_missing_output_folder_is_named() {
    let r = eval(&["-o", "no-such-folder/out.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "错误：无法写出报告：文件夹 `no-such-folder` 不存在\n"
    );
}
