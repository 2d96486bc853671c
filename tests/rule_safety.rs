//! Rule files from hostile or careless hands (issue 16): imports stay inside the rule
//! set's home and never echo another file's content, also in `diff FILE@REV`; checking
//! grows linearly with the number of declarations (guarded by a work counter, not a
//! clock); identifiers are NFC-normalised; invisible characters are shown by code.

mod common;

use common::git;
use std::process::Command;

use std::path::{Path, PathBuf};

use common::run_in;

/// A fresh folder (no git repository above it in the system's temporary folder).
fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("townrules-safety-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

const HEADER: &str = "ruleset t {\n  title \"测试\"\n  source none\n}\n";

#[test]
fn an_import_outside_the_rule_sets_folder_is_refused_without_its_content() {
    let d = temp("outside");
    std::fs::create_dir_all(d.join("set")).expect("mkdir");
    std::fs::write(
        d.join("secret.rules"),
        "机密内容 SECRET-LINE-ONE\nparam leaked = 1%\n",
    )
    .expect("write");
    for (i, line) in [
        "import \"../secret.rules\"",
        "extends \"../secret.rules\"",
        "import \"/etc/passwd\"",
        "extends \"../../../../../../../../etc/passwd\"",
    ]
    .iter()
    .enumerate()
    {
        let file = format!("r{i}.rules");
        std::fs::write(d.join("set").join(&file), format!("{HEADER}{line}\n")).expect("write");
        let r = run_in(&d.join("set"), &["check", &file], "");
        assert_eq!(r.code, 1, "{line}: {}", r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains("townrules::import_outside"), "{line}: {all}");
        assert!(all.contains("在规则集所在目录之外"), "{line}: {all}");
        assert!(!all.contains("SECRET-LINE-ONE"), "{line}: {all}");
        assert!(!all.contains("root:"), "{line}: {all}");
    }
    // Inside the folder (and through `..` that stays inside) is fine.
    std::fs::create_dir_all(d.join("set/sub")).expect("mkdir");
    std::fs::write(d.join("set/sub/facts.rules"), "param shared = 5%\n").expect("write");
    std::fs::write(
        d.join("set/main.rules"),
        format!("{HEADER}import \"sub/../sub/facts.rules\"\n"),
    )
    .expect("write");
    let r = run_in(&d.join("set"), &["check", "main.rules"], "");
    assert!(
        !r.stderr.contains("import_outside") && !r.stdout.contains("import_outside"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn a_folder_allowed_on_the_command_line_may_be_imported_from() {
    let d = temp("allowed");
    for dir in ["set", "common", "other"] {
        std::fs::create_dir_all(d.join(dir)).expect("mkdir");
    }
    let facts = "fact id \"编号\" : text\nparam shared = 5%\n";
    std::fs::write(d.join("common/facts.rules"), facts).expect("write");
    std::fs::write(d.join("other/facts.rules"), facts).expect("write");
    let main = format!("{HEADER}import \"../common/facts.rules\"\n");
    std::fs::write(d.join("set/main.rules"), main).expect("write");
    let other = format!("{HEADER}import \"../other/facts.rules\"\n");
    std::fs::write(d.join("set/other.rules"), other).expect("write");
    let set = d.join("set");
    // Refused by default, with the flag named in the help.
    let r = run_in(&set, &["check", "main.rules"], "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("--allow-import-dir"), "{}", r.stderr);
    // Allowed with the folder, by `check`, `eval` and the REPL alike.
    let allow = ["--allow-import-dir", "../common"];
    let r = run_in(&set, &[&["check", "main.rules"][..], &allow].concat(), "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(d.join("set/towns.csv"), "id\nt1\n").expect("write");
    let args = [&["eval", "main.rules", "towns.csv"][..], &allow].concat();
    let r = run_in(&set, &args, "");
    assert!(!r.stderr.contains("import_outside"), "{}", r.stderr);
    let r = run_in(
        &set,
        &[&["repl", "main.rules"][..], &allow].concat(),
        "params\n",
    );
    assert!(r.stdout.contains("shared"), "{}{}", r.stdout, r.stderr);
    // Only that folder: another one stays out.
    let r = run_in(&set, &[&["check", "other.rules"][..], &allow].concat(), "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("import_outside"), "{}", r.stderr);
    // A folder that does not exist is a usage error.
    let r = run_in(
        &set,
        &["check", "main.rules", "--allow-import-dir", "../nowhere"],
        "",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`--allow-import-dir ../nowhere` 不能使用"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_symbolic_link_out_of_the_folder_is_refused_too() {
    #[cfg(unix)]
    {
        let d = temp("link-out");
        std::fs::create_dir_all(d.join("set")).expect("mkdir");
        std::fs::write(d.join("secret.rules"), "SECRET-LINK\n").expect("write");
        std::os::unix::fs::symlink("../secret.rules", d.join("set/facts.rules")).expect("link");
        std::fs::write(
            d.join("set/main.rules"),
            format!("{HEADER}import \"facts.rules\"\n"),
        )
        .expect("write");
        let r = run_in(&d.join("set"), &["check", "main.rules"], "");
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains("import_outside"), "{}", r.stderr);
        assert!(!r.stderr.contains("SECRET-LINK"), "{}", r.stderr);
    }
}

#[test]
fn diff_at_a_revision_refuses_an_import_that_leaves_the_repository() {
    let d = temp("diff");
    let repo = d.join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    git(&repo, &["init", "-q"]);
    let rules = format!("{HEADER}import \"../planted.rules\"\nparam p = 5%\n");
    std::fs::write(repo.join("main.rules"), &rules).expect("write");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    // Files planted next to the repository and in the system's temporary folder,
    // where a materialised revision's `..` would lead.
    let planted = "param planted_value = 99%\n";
    std::fs::write(d.join("planted.rules"), planted).expect("write");
    let in_temp = std::env::temp_dir().join("planted.rules");
    let planted_in_temp = !in_temp.exists() && std::fs::write(&in_temp, planted).is_ok();
    let r = run_in(&repo, &["diff", "main.rules@HEAD", "main.rules@HEAD"], "");
    if planted_in_temp {
        let _ = std::fs::remove_file(&in_temp);
    }
    let all = format!("{}{}", r.stdout, r.stderr);
    assert_ne!(r.code, 0, "{all}");
    assert!(all.contains("import_outside"), "{all}");
    assert!(!all.contains("planted_value"), "{all}");
}

/// `check` of `n` parameter declarations: the work [`Source::line_col`] did.
fn line_col_work(n: usize) -> u64 {
    let d = temp(&format!("many-{n}"));
    let path = d.join("many.rules");
    let mut text = String::from(HEADER);
    for i in 0..n {
        text.push_str(&format!("param p{i} = {}%\n", i % 100));
    }
    std::fs::write(&path, text).expect("write");
    let before = townrules::source::line_col_work();
    let report = townrules::check::check_file(&path);
    assert!(!report.has_errors(), "{:?}", report.diagnostics.first());
    townrules::source::line_col_work() - before
}

#[test]
fn checking_grows_linearly_with_the_number_of_declarations() {
    // Locating each declaration used to count the lines from the start of the file:
    // 10 times the declarations cost 100 times the work. Now it is about 10 times.
    let small = line_col_work(10_000);
    let large = line_col_work(100_000);
    assert!(small > 0);
    let ratio = large as f64 / small as f64;
    assert!(
        ratio < 15.0,
        "10k declarations: {small}, 100k: {large} (×{ratio:.1}, linear is ×10)"
    );
}

#[test]
fn nfc_and_nfd_spellings_are_the_same_name() {
    let d = temp("nfc");
    // Declared in NFC, used in NFD: one name, no "unknown name".
    let text = format!(
        "{HEADER}param caf\u{e9} = 10%\nfact share \"份额\" : percent\ncriterion c \"份额\" {{\n  require share >= cafe\u{301}\n}}\n"
    );
    std::fs::write(d.join("nfc.rules"), text).expect("write");
    let report = townrules::check::check_file(&d.join("nfc.rules"));
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|x| x.is_error())
        .map(|x| x.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn messages_show_invisible_characters_by_code_and_cut_long_input() {
    use townrules::diag::{echo, visible};
    assert_eq!(visible("a\u{200b}b"), "aU+200Bb");
    assert_eq!(visible("\u{0}\u{c}\u{202e}"), "U+0000U+000CU+202E");
    assert_eq!(visible("专业镇 a\tb"), "专业镇 a\tb");
    let long = "镇".repeat(5000);
    let e = echo(&long);
    assert!(e.chars().count() < 120, "{e}");
    assert!(e.contains("5000"), "{e}");
    // The excerpt of a diagnostic does not carry the raw character either.
    let d = temp("nul");
    std::fs::write(d.join("nul.rules"), format!("{HEADER}\u{0}\n")).expect("write");
    let r = run_in(&d, &["check", "nul.rules"], "");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("U+0000"), "{}", r.stderr);
    assert!(!r.stderr.contains('\u{0}'), "{}", r.stderr);
}

#[test]
fn a_huge_name_makes_a_short_message() {
    let d = temp("huge-name");
    let name = "x".repeat(200_000);
    std::fs::write(
        d.join("huge.rules"),
        format!("{HEADER}fact share \"份额\" : percent\ncriterion c \"c\" {{\n  require share >= {name}\n}}\n"),
    )
    .expect("write");
    let r = run_in(&d, &["check", "huge.rules"], "");
    assert_eq!(r.code, 1);
    assert!(r.stderr.len() < 1000, "{} bytes", r.stderr.len());
    assert!(r.stderr.contains("200000"), "{}", r.stderr);
    // REPL names likewise.
    let repl = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/shanxi.rules");
    let repl = repl.to_str().expect("utf-8 path");
    let r = run_in(&d, &["repl", repl], &format!("unset {name}\nwhy {name}\n"));
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.len() < 1000,
        "{}",
        &r.stderr[..r.stderr.len().min(3000)]
    );
}

#[test]
fn the_repl_finds_a_name_typed_in_another_normal_form() {
    let d = temp("nfc-repl");
    std::fs::write(
        d.join("nfc.rules"),
        format!("{HEADER}param caf\u{e9} = 10%\n"),
    )
    .expect("write");
    let r = run_in(&d, &["repl", "nfc.rules"], "set cafe\u{301} = 5%\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("caf\u{e9}"), "{}", r.stdout);
    assert!(r.stdout.contains("5%"), "{}", r.stdout);
}

/// A rule file that is a pipe is refused at once (reading it would wait for a writer
/// forever), as is a device.
#[test]
fn a_rule_file_that_is_a_pipe_or_a_device_is_refused() {
    let d = temp("fifo");
    let fifo = d.join("rules.rules");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo not available: the pipe case is skipped");
        return;
    }
    for path in [fifo.to_str().expect("utf-8"), "/dev/zero"] {
        let r = common::run_in(&d, &["check", path], "");
        assert_eq!(r.code, 1, "{path}: {}", r.stderr);
        assert!(r.stderr.contains("不是普通文件"), "{path}: {}", r.stderr);
    }
}
