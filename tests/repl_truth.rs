//! `townrules repl` says what is true: names as in rule files, values refused when
//! ambiguous, no-op changes, units of old values, `near` at a threshold, unsaved
//! changes at the end, `load` after `set`, and `redo`.

mod common;

use common::repl;

const SHANXI: [&str; 2] = ["rules/shanxi.rules", "examples/edge_cases.csv"];

#[test]
fn set_names_a_table_entry_by_its_member_label() {
    let r = repl(
        &SHANXI,
        "set min_output.制造业 = 15亿元\nunset min_output.制造业\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("min_output.manufacturing：20亿元 → 15亿元"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("min_output.manufacturing：15亿元 → 20亿元"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_bare_fraction_for_a_percentage_is_refused_with_a_hint() {
    let r = repl(
        &["rules/xinjiang.rules"],
        "set min_national_market_share = 0.3\n",
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("`0.3%`") && r.stderr.contains("`30%`"),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("→"), "{}", r.stdout);
    for ok in ["0.3%", "30%", "30"] {
        let r = repl(
            &["rules/xinjiang.rules"],
            &format!("set min_national_market_share = {ok}\n"),
        );
        assert_eq!(r.code, 0, "{ok}: {}", r.stderr);
    }
}

#[test]
fn a_no_op_change_leaves_the_session_unchanged() {
    let r = repl(&SHANXI, "set min_output.manufacturing = 20亿元\nundo\n");
    assert!(r.stdout.contains("参数的值没有变化"), "{}", r.stdout);
    // Nothing was recorded, so there is nothing to undo, and nothing unsaved.
    assert!(r.stderr.contains("没有可撤销的操作"), "{}", r.stderr);
    assert!(!r.stderr.contains("未保存"), "{}", r.stderr);

    // Back to the file's value: the session is as loaded.
    let r = repl(
        &SHANXI,
        "set min_output.manufacturing = 15亿元\nset min_output.manufacturing = 20亿元\nchanges\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("所有参数都是文件中的值"), "{}", r.stdout);
    assert!(!r.stderr.contains("未保存"), "{}", r.stderr);
}

#[test]
fn the_previous_value_is_shown_in_its_own_unit() {
    let r = repl(
        &SHANXI,
        "set min_output.manufacturing = 150000万元\nset min_output.manufacturing = 16亿元\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("min_output.manufacturing：20亿元 → 150000万元"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("min_output.manufacturing：150000万元 → 16亿元"),
        "{}",
        r.stdout
    );
}

#[test]
fn near_includes_towns_exactly_at_a_count_threshold() {
    let r = repl(&SHANXI, "near 5%\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("e11_supporting_10") && l.contains("配套企业"))
        .unwrap_or_else(|| panic!("子镇 at 10户 not listed:\n{}", r.stdout));
    assert!(line.contains("恰好达到"), "{line}");
}

#[test]
fn piped_input_warns_of_unsaved_changes_at_the_end() {
    for input in [
        "set min_supporting_enterprises = 8户\n",
        "set min_supporting_enterprises = 8户\nquit\n",
    ] {
        let r = repl(&SHANXI, input);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("警告：会话结束时仍有未保存的修改：min_supporting_enterprises = 8户"),
            "{}",
            r.stderr
        );
    }
    let dir = std::env::temp_dir().join(format!("townrules-truth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("saved.rules");
    let _ = std::fs::remove_file(&out);
    let r = repl(
        &SHANXI,
        &format!(
            "set min_supporting_enterprises = 8户\nsave {}\n",
            out.display()
        ),
    );
    assert!(!r.stderr.contains("未保存"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn load_after_set_says_what_it_keeps_and_undo_takes_it_back() {
    let r = repl(
        &SHANXI,
        "set min_output.manufacturing = 15亿元\nload rules/shanxi.rules\nundo\nchanges\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("保留本次会话中修改的参数：min_output.manufacturing = 15亿元（undo"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("已撤销：load rules/shanxi.rules 时保留的修改"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("所有参数都是文件中的值"), "{}", r.stdout);
}

#[test]
fn redo_does_again_what_undo_took_back() {
    let r = repl(
        &SHANXI,
        "set min_output.manufacturing = 15亿元\nundo\nredo\nchanges\nredo\n",
    );
    assert!(
        r.stdout
            .contains("已重做：set min_output.manufacturing = 15亿元"),
        "{}",
        r.stdout
    );
    let after_redo = r.stdout.split("已重做").nth(1).unwrap_or("");
    assert!(
        after_redo.contains("min_output.manufacturing：20亿元 → 15亿元"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("没有可重做的操作"), "{}", r.stderr);
    // A new change after `undo` leaves nothing to redo.
    let r = repl(
        &SHANXI,
        "set min_output.manufacturing = 15亿元\nundo\nset min_output.manufacturing = 16亿元\nredo\n",
    );
    assert!(r.stderr.contains("没有可重做的操作"), "{}", r.stderr);
}

#[test]
fn set_refuses_a_measure_word_of_another_kind_and_accepts_synonyms() {
    let r = repl(
        &["rules/xinjiang.rules"],
        "set min_jobs = 2000户\nset min_jobs = 2000名\n",
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("`户` 用来计企业，而这里计的是人（`人`）：`2000户`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("min_jobs：未设定 → 2000人"),
        "{}",
        r.stdout
    );
    let r = repl(
        &SHANXI,
        "set min_supporting_enterprises = 8人\nset min_supporting_enterprises = 8家\nsweep min_supporting_enterprises 5人 9人 1人\n",
    );
    assert!(
        r.stderr
            .contains("`人` 用来计人，而这里计的是企业（`户`）：`8人`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("min_supporting_enterprises：10户 → 8户"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("第3行："), "{}", r.stderr);
}
