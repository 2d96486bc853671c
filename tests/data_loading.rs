//! Loading town data files (CSV, TOML, JSON) against the shared vocabulary.
//!
//! Every test runs in English (`set_lang(Lang::En)` first, in every test of this binary);
//! the Chinese messages are pinned by `tests/malformed.rs`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rust_decimal::Decimal;
use townrules::check::{check_file, Checked, Kind};
use townrules::data::{
    load_towns, load_towns_str, Column, DataError, DataFormat, Loaded, RowUnit, Towns,
};

fn model() -> Checked {
    let report = check_file(Path::new("rules/facts.rules"));
    report.model.expect("rules/facts.rules checks")
}

fn fact(m: &Checked, id: &str) -> usize {
    m.facts.iter().position(|f| f.id == id).expect(id)
}

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn csv(text: &str) -> Result<Loaded, Vec<DataError>> {
    load_towns_str("t.csv", text, DataFormat::Csv, &model())
}

fn ok(r: Result<Loaded, Vec<DataError>>) -> Loaded {
    match r {
        Ok(l) => l,
        Err(errors) => panic!("unexpected errors: {errors:#?}"),
    }
}

fn errs(r: Result<Loaded, Vec<DataError>>) -> Vec<DataError> {
    match r {
        Ok(l) => panic!("expected errors, loaded {} towns", l.towns.len()),
        Err(e) => e,
    }
}

fn money(t: &Towns, f: usize) -> Vec<Option<Decimal>> {
    match &t.columns[f] {
        Column::Money(v) => v.iter().collect(),
        other => panic!("not money: {other:?}"),
    }
}

/// A unique temporary file with these bytes.
fn temp_file(ext: &str, bytes: &[u8]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let path =
        std::env::temp_dir().join(format!("townrules_data_{}_{n}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

const HEADER: &str =
    "id,name,category,output_value,single_county,national_market_share,leading_enterprises";

#[test]
fn every_example_file_loads() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    for entry in std::fs::read_dir("examples").unwrap() {
        let path = entry.unwrap().path();
        let is_scores = path.to_string_lossy().contains("scores");
        // The draft amendment's data has a column only that rule set declares.
        let draft = path.to_string_lossy().contains("municipal_towns_rd");
        if path.extension().is_some_and(|e| e == "csv") && !is_scores && !draft {
            let loaded = ok(load_towns(&path, &m));
            assert!(!loaded.towns.is_empty(), "{}", path.display());
            assert!(
                loaded.warnings.is_empty(),
                "{}: {:?}",
                path.display(),
                loaded.warnings
            );
            assert_eq!(loaded.towns.columns.len(), m.facts.len());
            // A yearly fact has no column of its own (its years are facts of their own).
            let present = |(f, p): (usize, &bool)| *p || m.facts[f].yearly;
            assert!(loaded.towns.present.iter().enumerate().all(present));
            for c in &loaded.towns.columns {
                assert_eq!(c.len(), loaded.towns.len());
            }
        }
    }
}

#[test]
fn ids_and_labels_files_agree() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let a = ok(load_towns(Path::new("examples/edge_cases.csv"), &m)).towns;
    let b = ok(load_towns(Path::new("examples/edge_cases_labels.csv"), &m)).towns;
    assert_eq!(a.len(), 33);
    assert_eq!(a.ids, b.ids);
    assert_eq!(a.names, b.names);
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.rows[0], 2, "the header is row 1");
    for (f, info) in m.facts.iter().enumerate() {
        if info.kind != Kind::Text {
            assert_eq!(a.columns[f], b.columns[f], "fact `{}` differs", info.id);
        }
    }
    let out = fact(&m, "output_value");
    let t = a.index_of("e03_output_19_9999999").unwrap();
    assert_eq!(money(&a, out)[t], Some(d("1999999990")));
    assert_eq!(a.index_of("丙镇"), Some(t));
    assert_eq!(a.index_of("nobody"), None);
    let mkt = fact(&m, "market_demand");
    let dash = a.index_of("e21_dash_missing").unwrap();
    assert!(a.columns[mkt].is_missing(dash));
    let cat = fact(&m, "category");
    let tour = a.index_of("e07_culture_tourism").unwrap();
    assert_eq!(a.columns[cat], b.columns[cat]);
    let Column::Cat(c) = &a.columns[cat] else {
        panic!()
    };
    assert_eq!(c.get(tour), Some(3));
}

#[test]
fn money_spellings_are_exact() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let text =
        "id,output_value\na,5000万元\nb,0.5\nc,0.5亿元\nd,50000000元\ne,20亿\nf,19.9999999\n";
    let t = ok(load_towns_str("m.csv", text, DataFormat::Csv, &m)).towns;
    let v = money(&t, fact(&m, "output_value"));
    assert_eq!(v[0], v[1]);
    assert_eq!(v[0], Some(d("50000000")));
    assert_eq!(v[0].unwrap().to_string(), v[1].unwrap().to_string());
    assert_eq!(v[2], v[0]);
    assert_eq!(v[3], v[0]);
    assert_eq!(v[4], Some(d("2000000000")));
    assert_eq!(v[5], Some(d("1999999990")));
}

#[test]
fn unknown_column_names_file_row_column_and_suggests() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let e = errs(csv("id,outpt_value,年产直\na,20,20\n"));
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!(e[0].file, "t.csv");
    assert_eq!(e[0].row, Some(1));
    assert_eq!(e[0].column.as_deref(), Some("outpt_value"));
    assert!(
        e[0].help.as_deref().unwrap().contains("`output_value`"),
        "{:?}",
        e[0].help
    );
    assert_eq!(e[1].column.as_deref(), Some("年产直"));
    assert!(
        e[1].help.as_deref().unwrap().contains("`年产值`"),
        "{:?}",
        e[1].help
    );
    let shown = e[0].to_string();
    assert!(
        shown.starts_with("t.csv:1: column `outpt_value`: "),
        "{shown}"
    );
}

#[test]
fn header_matching_ignores_spaces_parens_and_case() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let text = " 编号 ,名称,所在县(市、区),产业类别,年产值,ID_unused\n";
    let e = errs(load_towns_str("h.csv", text, DataFormat::Csv, &m));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].column.as_deref(), Some("ID_unused"));
    let text = " 编号 ,名称,所在县(市、区),产业类别,年产值\nx,某镇,某县,Manufacturing,3\n";
    let t = ok(load_towns_str("h.csv", text, DataFormat::Csv, &m)).towns;
    assert!(t.present[fact(&m, "county")]);
    let Column::Cat(c) = &t.columns[fact(&m, "category")] else {
        panic!()
    };
    assert_eq!(c.get(0), Some(0));
    let Column::Text(c) = &t.columns[fact(&m, "county")] else {
        panic!()
    };
    assert_eq!(c.get(0), Some("某县"));
}

#[test]
fn unreadable_money_names_row_column_and_cell() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let e = errs(csv(&format!(
        "{HEADER}\na,甲,manufacturing,20,是,30%,1\nb,乙,manufacturing,约20亿,是,30%,1\n"
    )));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].row, Some(3));
    assert_eq!(e[0].column.as_deref(), Some("output_value"));
    assert_eq!(e[0].cell.as_deref(), Some("约20亿"));
    assert!(
        e[0].message
            .contains("an approximate or qualified amount is ambiguous"),
        "{}",
        e[0].message
    );
    assert!(e[0].help.is_some());
    assert!(
        e[0].to_string()
            .starts_with("t.csv:3: column `output_value`: "),
        "{}",
        e[0]
    );
}

#[test]
fn column_named_as_written_in_errors() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let e = errs(csv("编号,特色主导产业年产值\na,很多\n"));
    assert_eq!(e[0].column.as_deref(), Some("特色主导产业年产值"));
}

#[test]
fn wrong_category_lists_accepted_values() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let e = errs(csv(
        "id,category\na,制造\nb,特色轻工（工艺美术）\nc,工艺美术\n",
    ));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].row, Some(2));
    assert_eq!(e[0].cell.as_deref(), Some("制造"));
    for accepted in ["manufacturing", "制造业", "特优农业", "culture_tourism"] {
        assert!(e[0].message.contains(accepted), "{}", e[0].message);
    }
}

#[test]
fn duplicate_id_names_both_rows() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let e = errs(csv("id,name\na,甲\nb,乙\n\na,丙\n"));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].row, Some(5));
    assert!(e[0].message.contains("`a`"), "{}", e[0].message);
    assert!(
        e[0].message.contains("row 2") && e[0].message.contains("row 5"),
        "{}",
        e[0].message
    );
}

#[test]
fn missing_column_warns_and_is_missing() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let l = ok(csv("id,output_value\na,20\nb,\n"));
    let origin = fact(&m, "origin_or_gi");
    assert!(!l.towns.present[origin]);
    assert!(l.towns.present[fact(&m, "output_value")]);
    assert_eq!(
        l.towns.columns[origin],
        Column::Bool(vec![None, None].into())
    );
    assert!(l.missing.contains(&origin));
    assert!(!l.missing.contains(&fact(&m, "output_value")));
    // A missing column is worth a word only when the rule set reads the fact, once, with
    // what reads it.
    let shanxi = check_file(Path::new("rules/shanxi.rules"))
        .model
        .expect("shanxi");
    let rs = townrules::compile::compile(&shanxi).expect("compiles");
    let l = ok(load_towns_str(
        "t.csv",
        "id,output_value\na,20\nb,\n",
        DataFormat::Csv,
        &shanxi,
    ));
    let w = l.missing_read_by(&rs);
    let origin: Vec<&String> = w.iter().filter(|w| w.contains("`origin_or_gi`")).collect();
    assert_eq!(origin.len(), 1, "{w:?}");
    assert_eq!(
        origin[0],
        "no column for `origin_or_gi` (历史发源地或地理标志), read by 二（四） 产业集聚度高: every town's value is missing"
    );
    let tech: Vec<&String> = w.iter().filter(|w| w.contains("`tech_centers`")).collect();
    assert!(
        tech[0].contains("read by 二（五） 龙头企业带动效应强的优先评定"),
        "{tech:?}"
    );
    for unread in [
        "`name`",
        "`notes`",
        "`county`",
        "`jobs`",
        "`national_market_share`",
    ] {
        assert!(!w.iter().any(|x| x.contains(unread)), "{unread}: {w:?}");
    }
    assert_eq!(l.towns.names, vec!["a", "b"], "names default to ids");
    assert_eq!(money(&l.towns, fact(&m, "output_value"))[1], None);
}

#[test]
fn missing_id_column_is_an_error() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let e = errs(csv("name,output_value\n甲,20\n"));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0].message.contains("`id`"), "{}", e[0].message);
}

#[test]
fn empty_id_cell_is_an_error() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let e = errs(csv("id,output_value\n,20\n"));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].row, Some(2));
}

#[test]
fn same_fact_twice_is_an_error() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let e = errs(csv("id,output_value,年产值\na,1,2\n"));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].row, Some(1));
    assert!(e[0].message.contains("output_value"), "{}", e[0].message);
}

#[test]
fn bom_is_ignored() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let text = "\u{FEFF}id,output_value\na,20\n";
    let t = ok(load_towns_str("b.csv", text, DataFormat::Csv, &m)).towns;
    assert_eq!(t.ids, vec!["a"]);
    let path = temp_file("CSV", text.as_bytes());
    let t = ok(load_towns(&path, &m)).towns;
    assert_eq!(t.ids, vec!["a"]);
    assert_eq!(
        money(&t, fact(&m, "output_value"))[0],
        Some(d("2000000000"))
    );
    std::fs::remove_file(path).ok();
}

#[test]
fn gbk_csv_is_read_with_a_warning() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let text = "编号,名称,产业类别,特色主导产业年产值,主导产业限定在一个县域内\nx1,甲镇,制造业,5000万元,是\n";
    let (bytes, _, bad) = encoding_rs::GBK.encode(text);
    assert!(!bad);
    assert!(std::str::from_utf8(&bytes).is_err());
    let path = temp_file("csv", &bytes);
    let l = ok(load_towns(&path, &m));
    std::fs::remove_file(&path).ok();
    assert!(
        l.warnings
            .iter()
            .any(|w| w.contains("read as GB18030 (GBK)")),
        "{:?}",
        l.warnings
    );
    assert_eq!(l.towns.names, vec!["甲镇"]);
    assert_eq!(
        money(&l.towns, fact(&m, "output_value"))[0],
        Some(d("50000000"))
    );
    assert_eq!(
        l.towns.columns[fact(&m, "single_county")],
        Column::Bool(vec![Some(true)].into())
    );
}

#[test]
fn damaged_utf8_is_an_error() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let mut bytes = "编号,名称\nx1,甲镇\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"x2,\xff\xff\n");
    let path = temp_file("csv", &bytes);
    let e = errs(load_towns(&path, &model()));
    std::fs::remove_file(&path).ok();
    assert!(
        e[0].help.as_deref().unwrap_or("").contains("UTF-8"),
        "{e:#?}"
    );
}

#[test]
fn empty_rows_and_empty_trailing_columns_are_skipped() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let text = "id,output_value,,\na,20,,\n,,,\n\nb,5000万,,\n";
    let t = ok(load_towns_str("e.csv", text, DataFormat::Csv, &m)).towns;
    assert_eq!(t.ids, vec!["a", "b"]);
    assert_eq!(t.rows, vec![2, 5]);
    let e = errs(csv("id,output_value,\na,20,\nb,20,x\n"));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].row, Some(3));
    assert!(e[0].message.contains("no header"), "{}", e[0].message);
}

#[test]
fn wrong_number_of_fields_is_an_error() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let e = errs(csv("id,output_value,jobs\na,20,1\nb,20\nc,1,2,3\n"));
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!((e[0].row, e[1].row), (Some(3), Some(4)));
}

#[test]
fn quoted_multiline_cells_keep_row_numbers() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let text = "id,notes,output_value\na,\"two\nlines, with comma\",1\nb,x,2\n";
    let t = ok(load_towns_str("q.csv", text, DataFormat::Csv, &m)).towns;
    assert_eq!(t.rows, vec![2, 4]);
    let Column::Text(n) = &t.columns[fact(&m, "notes")] else {
        panic!()
    };
    assert_eq!(n.get(0), Some("two\nlines, with comma"));
}

#[test]
fn all_errors_are_reported() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let text = format!(
        "{HEADER},bogus\na,甲,manufacturing,约20亿,也许,120%,3.5,\nb,乙,farm,20,是,30%,1,\na,丙,manufacturing,20,是,30%,-1,\n"
    );
    let e = errs(csv(&text));
    let at: Vec<(Option<usize>, Option<&str>)> =
        e.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        at,
        vec![
            (Some(1), Some("bogus")),
            (Some(2), Some("output_value")),
            (Some(2), Some("single_county")),
            (Some(2), Some("national_market_share")),
            (Some(2), Some("leading_enterprises")),
            (Some(3), Some("category")),
            (Some(4), Some("leading_enterprises")),
            (Some(4), Some("id")),
        ],
        "{e:#?}"
    );
}

#[test]
fn errors_stop_at_fifty() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let mut text = String::from("id,output_value\n");
    for i in 0..200 {
        text.push_str(&format!("t{i},abc\n"));
    }
    let e = errs(csv(&text));
    assert_eq!(e.len(), 51);
    assert!(e[50].message.contains("too many errors"));
}

fn toml_text() -> &'static str {
    r#"
[[town]]
id = "a"
name = "甲"
category = "manufacturing"
output_value = 19.9999999
single_county = true
national_market_share = "35%"
leading_enterprises = 3

[[town]]
id = "b"
"名称" = "乙"
"产业类别" = "特色轻工"
"年产值" = "5000万元"
single_county = "否"
national_market_share = 30
"#
}

fn json_text() -> &'static str {
    r#"{"towns": [
  {"id": "a", "name": "甲", "category": "manufacturing", "output_value": 19.9999999,
   "single_county": true, "national_market_share": "35%", "leading_enterprises": 3},
  {"id": "b", "名称": "乙", "产业类别": "特色轻工", "年产值": "5000万元", "single_county": "否",
   "national_market_share": 30, "leading_enterprises": null}
]}"#
}

const CSV_EQUIVALENT: &str =
    "id,name,category,output_value,single_county,national_market_share,leading_enterprises
a,甲,manufacturing,19.9999999,是,35%,3
b,乙,特色轻工,5000万元,否,30,
";

#[test]
fn toml_and_json_give_the_same_columns_as_csv() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let c = ok(load_towns_str("c.csv", CSV_EQUIVALENT, DataFormat::Csv, &m)).towns;
    let t = ok(load_towns_str("t.toml", toml_text(), DataFormat::Toml, &m)).towns;
    let j = ok(load_towns_str("j.json", json_text(), DataFormat::Json, &m)).towns;
    assert_eq!(
        money(&c, fact(&m, "output_value"))[0],
        Some(d("1999999990"))
    );
    for other in [&t, &j] {
        assert_eq!(other.ids, c.ids);
        assert_eq!(other.names, c.names);
        assert_eq!(other.present, c.present);
        assert_eq!(other.columns, c.columns);
        assert_eq!(other.rows, vec![1, 2]);
    }
    // Bare arrays and files by extension.
    let bare = json_text()
        .trim()
        .strip_prefix("{\"towns\": ")
        .unwrap()
        .strip_suffix('}')
        .unwrap();
    let path = temp_file("JSON", bare.as_bytes());
    let j2 = ok(load_towns(&path, &m)).towns;
    std::fs::remove_file(&path).ok();
    assert_eq!(j2.columns, c.columns);
    let path = temp_file(
        "toml",
        toml_text().replace("[[town]]", "[[towns]]").as_bytes(),
    );
    let t2 = ok(load_towns(&path, &m)).towns;
    std::fs::remove_file(&path).ok();
    assert_eq!(t2.columns, c.columns);
}

#[test]
fn toml_and_json_errors_name_the_town() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let text =
        "[[town]]\nid = \"a\"\n\n[[town]]\nid = \"b\"\noutput_value = \"约20亿\"\nbogus = 1\n";
    let e = errs(load_towns_str("t.toml", text, DataFormat::Toml, &m));
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(e
        .iter()
        .all(|e| e.unit == RowUnit::Town && e.row == Some(2)));
    let shown: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert!(
        shown
            .iter()
            .any(|s| s.starts_with("t.toml: town #2: column `output_value`: ")),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|s| s.starts_with("t.toml: town #2: column `bogus`: ")),
        "{shown:?}"
    );

    let text = r#"[{"id": "a"}, {"id": "a", "output_value": [1]}, 5]"#;
    let e = errs(load_towns_str("j.json", text, DataFormat::Json, &m));
    let shown: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert_eq!(e.len(), 3, "{shown:#?}");
    assert!(
        shown[0].contains("town #2") && shown[0].contains("array"),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|s| s.contains("duplicate town id `a`: town #1 and town #2")),
        "{shown:?}"
    );
    assert!(
        shown.iter().any(|s| s.starts_with("j.json: town #3: ")),
        "{shown:?}"
    );

    let e = errs(load_towns_str(
        "j.json",
        "[{\"id\": \"a\",}]",
        DataFormat::Json,
        &m,
    ));
    assert!(e[0].message.contains("invalid JSON"), "{e:#?}");
    let e = errs(load_towns_str(
        "t.toml",
        "[[town]\nid = 1",
        DataFormat::Toml,
        &m,
    ));
    assert!(
        e[0].message.contains("invalid TOML") && e[0].row == Some(1),
        "{e:#?}"
    );
    let e = errs(load_towns_str(
        "t.toml",
        "[[twon]]\nid = \"a\"\n",
        DataFormat::Toml,
        &m,
    ));
    assert!(
        e[0].help.as_deref().unwrap_or("").contains("[[town]]"),
        "{e:#?}"
    );
}

#[test]
fn unsupported_extension_is_an_error() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    // A WPS workbook is not read: saved as .xlsx it is.
    let e = errs(load_towns(Path::new("towns.et"), &model()));
    assert!(e[0].message.contains(".et"), "{e:#?}");
    assert!(
        e[0].help.as_deref().unwrap_or("").contains(".xlsx"),
        "{e:#?}"
    );
    let e = errs(load_towns(Path::new("towns.docx"), &model()));
    assert!(
        e[0].help.as_deref().unwrap_or("").contains(".ods"),
        "{e:#?}"
    );
    // A workbook is read (tests/excel.rs); a missing one is an error, not a panic.
    let e = errs(load_towns(Path::new("no-such-towns.xlsx"), &model()));
    assert!(e[0].message.contains("cannot read the workbook"), "{e:#?}");
}

#[test]
fn empty_towns_and_empty_files() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let l = ok(load_towns_str("h.csv", "id,name\n", DataFormat::Csv, &m));
    assert!(l.towns.is_empty());
    assert_eq!(l.towns.columns.len(), m.facts.len());
    assert!(errs(load_towns_str("e.csv", "", DataFormat::Csv, &m))[0]
        .message
        .contains("empty"));
    let t = Towns::empty(m.facts.len());
    assert_eq!(
        (t.len(), t.columns.len(), t.present.len()),
        (0, m.facts.len(), m.facts.len())
    );
}

/// `cargo test --release --test data_loading -- --ignored --nocapture`
#[test]
#[ignore]
fn perf_one_million_towns() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let header = std::fs::read_to_string("examples/edge_cases.csv").unwrap();
    let header = header
        .lines()
        .next()
        .unwrap()
        .rsplitn(3, ',')
        .nth(2)
        .unwrap()
        .to_string();
    let mut text = header + "\n";
    for i in 0..1_000_000u32 {
        text.push_str(&format!(
            "t{i},镇{i},示意县,manufacturing,{}.{}亿元,是,否,否,1,12,35%,60%,3000,1,1,1,1,1,是,是,是,是,是,是\n",
            i % 97,
            i % 10
        ));
    }
    let path = temp_file("csv", text.as_bytes());
    let start = std::time::Instant::now();
    let l = ok(load_towns(&path, &m));
    let took = start.elapsed();
    std::fs::remove_file(&path).ok();
    assert_eq!(l.towns.len(), 1_000_000);
    println!(
        "1M towns × 24 columns: {took:?} ({:.2} µs/town)",
        took.as_secs_f64()
    );
}

#[test]
fn row_numbers_count_blank_lines() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let rows = |text: &str| {
        ok(load_towns_str("r.csv", text, DataFormat::Csv, &m))
            .towns
            .rows
    };
    assert_eq!(rows("id\n\na\n\n\nb"), vec![3, 6]);
    assert_eq!(rows("id\n\na\n\n\nb\n\n"), vec![3, 6]);
    assert_eq!(rows("\nid\r\n\r\na\r\nb\r\n"), vec![4, 5]);
    assert_eq!(rows("id,notes\n\"a\",\"x\n\ny\"\n\nb,z"), vec![2, 6]);
    let path = temp_file("csv", "\u{FEFF}id\n\na\n\nb".as_bytes());
    let t = ok(load_towns(&path, &m)).towns;
    std::fs::remove_file(&path).ok();
    assert_eq!(t.rows, vec![3, 5]);
}

#[test]
fn toml_and_json_numbers_are_read_from_their_digits() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let exact = Some(d("10000000.00000000000001"));
    let toml = "[[town]]\nid = 7\noutput_value = 0.100_000_000_000_000_000_000_1\n";
    let t = ok(load_towns_str("t.toml", toml, DataFormat::Toml, &m)).towns;
    assert_eq!(t.ids, vec!["7"]);
    assert_eq!(money(&t, fact(&m, "output_value"))[0], exact);
    let json = r#"[{"id": 7, "output_value": 0.1000000000000000000001}]"#;
    let j = ok(load_towns_str("j.json", json, DataFormat::Json, &m)).towns;
    assert_eq!(money(&j, fact(&m, "output_value"))[0], exact);
    let json = r#"[{"id": "x", "output_value": 2e9}]"#;
    let e = errs(load_towns_str("j.json", json, DataFormat::Json, &m));
    assert!(e[0].message.contains("scientific notation"), "{e:#?}");
}

#[test]
fn data_error_lines_are_right_for_crlf_files() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    for eol in ["\n", "\r\n"] {
        let lines = |l: &[&str]| l.join(eol);
        // CSV (what Excel writes): a bad cell after an empty line, a quoted cell over two lines.
        let text = lines(&[
            "id,notes,output_value",
            "a,x,20",
            "",
            "b,\"two",
            "lines\",约20亿",
            "c,y,30",
            "",
        ]);
        let e = errs(load_towns_str("c.csv", &text, DataFormat::Csv, &m));
        assert_eq!(
            e.iter().map(|e| e.row).collect::<Vec<_>>(),
            [Some(4)],
            "{eol:?}: {e:#?}"
        );
        let text = lines(&["id,output_value", "a,20", "", "b,30,1", ""]);
        let e = errs(load_towns_str("c.csv", &text, DataFormat::Csv, &m));
        assert_eq!(e[0].row, Some(4), "{eol:?}: {e:#?}");
        // The same from a file (the bulk reader for plain files, the CSV reader for quotes).
        for text in [
            lines(&["id,output_value", "a,20", "", "b,约20亿", "c,30", ""]),
            lines(&["id,notes,output_value", "a,\"x\",20", "", "b,y,约20亿", ""]),
        ] {
            let path = temp_file("csv", text.as_bytes());
            let e = errs(load_towns(&path, &m));
            std::fs::remove_file(&path).ok();
            assert_eq!(
                e.iter().map(|e| e.row).collect::<Vec<_>>(),
                [Some(4)],
                "{eol:?}: {e:#?}"
            );
        }
        // TOML: a syntax error on line 4.
        let text = lines(&["[[town]]", "id = \"a\"", "", "output_value = = 1", ""]);
        let e = errs(load_towns_str("t.toml", &text, DataFormat::Toml, &m));
        assert_eq!(e[0].row, Some(4), "{eol:?}: {e:#?}");
        // JSON: serde's message names line 3.
        let text = lines(&["[", "{\"id\": \"a\"},", "{\"id\": }", "]"]);
        let e = errs(load_towns_str("j.json", &text, DataFormat::Json, &m));
        assert!(e[0].message.contains("line 3"), "{eol:?}: {e:#?}");
    }
}

#[test]
fn a_count_cell_in_a_measure_word_of_another_kind_is_refused() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let e = errs(csv(&format!(
        "{HEADER}\na,甲,manufacturing,20,是,30%,1人\n"
    )));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].row, Some(2));
    assert_eq!(e[0].column.as_deref(), Some("leading_enterprises"));
    assert_eq!(e[0].cell.as_deref(), Some("1人"));
    assert!(
        e[0].message
            .contains("`人` counts people, but this is a count of enterprises (`家`)"),
        "{}",
        e[0].message
    );
    assert!(
        e[0].help.as_deref().unwrap_or("").contains("`1家`"),
        "{e:#?}"
    );
    let e = errs(csv("id,jobs\na,2000户\nb,2000\nc,2000人\nd,3000名\n"));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].cell.as_deref(), Some("2000户"));
}

#[test]
fn count_cells_accept_measure_words_for_the_same_kind_of_thing() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let l = ok(csv(
        "id,leading_enterprises,supporting_enterprises,regional_brands\na,2户,12家,3个\nb,1家,12个,3\n",
    ));
    for (f, want) in [
        ("leading_enterprises", [2u32, 1]),
        ("supporting_enterprises", [12, 12]),
        ("regional_brands", [3, 3]),
    ] {
        match &l.towns.columns[fact(&m, f)] {
            Column::Count(v) => {
                assert_eq!(v.iter().collect::<Vec<_>>(), want.map(Some).to_vec(), "{f}")
            }
            other => panic!("not a count: {other:?}"),
        }
    }
}

/// Spreadsheet headers carry their unit (`年产值（万元）`, `配套企业数（户）`,
/// `限定在一个县域内（是/否）`): bare money is read in the header's unit, and a unit
/// that does not suit the fact is an error naming the units that do.
#[test]
fn a_header_may_name_its_unit() {
    townrules::i18n::set_lang(townrules::i18n::Lang::En);
    let m = model();
    let l = ok(csv(
        "id,特色主导产业年产值（万元）,上下游配套企业数（户）,主导产业限定在一个县域内（是/否）\n\
         t1,250000,12,是\nt2,19.5亿元,3家,否\n",
    ));
    let output = fact(&m, "output_value");
    assert_eq!(
        money(&l.towns, output),
        vec![Some(d("2500000000")), Some(d("1950000000"))]
    );
    let e = errs(csv("id,龙头企业数（人）\nt1,3\n"));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].column.as_deref(), Some("龙头企业数（人）"));
    assert!(
        e[0].message.contains("the unit `人` does not suit"),
        "{}",
        e[0].message
    );
    assert!(
        e[0].help.as_deref().unwrap_or("").contains("`（家）`"),
        "{e:#?}"
    );
    // A unit where the fact takes none is no column of it.
    let e = errs(csv("id,产业类别（亿元）\nt1,制造业\n"));
    assert!(e[0].message.contains("does not suit"), "{}", e[0].message);
}
