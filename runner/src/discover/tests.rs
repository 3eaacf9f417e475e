//! End-to-end tests of [`discover`] on small trees built for each test, in
//! our own layout (`NAME/t`, `NAME/r`, shared `include/`).

use super::*;
use crate::testutil::TempTree;

/// A tree with a main and an rpl suite exercising each collection rule.
fn sample_tree() -> TempTree {
    let tmp = TempTree::new("collect");
    let files = [
        ("include/default_my.cnf", "[mysqld]\n"),
        (
            "include/master-slave.inc",
            "--source include/rpl_init.inc\n",
        ),
        ("include/rpl_init.inc", "let $rpl_topology= 1->2;\n"),
        (
            "include/rpl_init.combinations",
            "[row]\nbinlog-format=row\n[stmt]\nbinlog-format=statement\n[mix]\nbinlog-format=mixed\n",
        ),
        ("include/have_binlog_format_row.inc", ""),
        (
            "include/have_binlog_format_row.opt",
            "--binlog-format=row\n",
        ),
        ("include/have_debug.inc", ""),
        ("include/big_test.inc", ""),
        ("main/t/plain.test", "SELECT 1;\n"),
        ("main/t/withcnf.test", "SELECT 1;\n"),
        ("main/t/withcnf.cnf", "!include include/default_my.cnf\n"),
        ("main/t/big.test", "--source include/big_test.inc\n"),
        ("main/t/dbg.test", "--source include/have_debug.inc\n"),
        ("main/t/tz.test", ""),
        ("main/t/tz.opt", "--timezone=GMT+1 --max-connections=7\n"),
        ("main/t/off.test", ""),
        ("main/t/disabled.def", "off : MDEV-1 flaky\n"),
        ("main/t/sh.test", ""),
        ("main/t/sh-master.sh", "true\n"),
        ("rpl/t/plain.test", ""),
        ("rpl/t/r1.test", "--source include/master-slave.inc\n"),
        (
            "rpl/t/r2.test",
            "--source include/have_binlog_format_row.inc\n--source include/master-slave.inc\n",
        ),
        (
            "rpl/t/r3.test",
            "--source include/have_debug.inc\n--source include/master-slave.inc\n",
        ),
    ];
    for (path, text) in files {
        tmp.write(path, text);
    }
    tmp
}

fn request(tmp: &TempTree, suites: &[&str], tests: &[&str]) -> DiscoverRequest {
    DiscoverRequest {
        root: tmp.path(""),
        suites: suites.iter().map(|s| s.to_string()).collect(),
        tests: tests.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn ids(cases: &[TestCase]) -> Vec<String> {
    cases.iter().map(|c| c.id.to_string()).collect()
}

fn find<'a>(cases: &'a [TestCase], id: &str) -> &'a TestCase {
    cases
        .iter()
        .find(|c| c.id.to_string() == id)
        .unwrap_or_else(|| panic!("{id} not in {:?}", ids(cases)))
}

fn reason(case: &TestCase) -> Option<&str> {
    case.skip.as_ref().map(|s| s.reason.as_str())
}

#[test]
fn a_whole_suite_in_run_order_with_skips_first() {
    let tmp = sample_tree();
    let cases = discover(&request(&tmp, &["main"], &[])).unwrap();
    assert_eq!(
        ids(&cases),
        [
            "main.big",
            "main.dbg",
            "main.off",
            "main.tz",
            "main.plain",
            "main.sh",
            "main.withcnf"
        ]
    );
    assert_eq!(
        reason(find(&cases, "main.big")),
        Some("Test needs --big-test")
    );
    assert_eq!(
        reason(find(&cases, "main.dbg")),
        Some("Requires debug build")
    );
    let off = find(&cases, "main.off").skip.clone().unwrap();
    assert_eq!(
        off,
        Skip {
            reason: "MDEV-1 flaky".into(),
            disabled: true,
        }
    );
}

#[test]
fn paths_templates_and_scripts() {
    let tmp = sample_tree();
    let cases = discover(&request(&tmp, &["main"], &[])).unwrap();
    let plain = find(&cases, "main.plain");
    assert_eq!(plain.path, tmp.path("main/t/plain.test"));
    assert_eq!(plain.suite_dir, tmp.path("main"));
    assert_eq!(plain.result_dir, tmp.path("main/t"), "no r/ directory");
    assert_eq!(plain.template, tmp.path("include/default_my.cnf"));
    assert_eq!(
        find(&cases, "main.withcnf").template,
        tmp.path("main/t/withcnf.cnf")
    );
    assert_eq!(
        find(&cases, "main.sh").master_sh,
        Some(tmp.path("main/t/sh-master.sh"))
    );
    assert_eq!(plain.master_sh, None);
}

#[test]
fn the_timezone_leaves_the_options() {
    let tmp = sample_tree();
    let cases = discover(&request(&tmp, &["main"], &["tz"])).unwrap();
    assert_eq!(cases[0].timezone.as_deref(), Some("GMT+1"));
    assert_eq!(cases[0].master_opts, ["--max-connections=7"]);
    assert_eq!(cases[0].slave_opts, ["--max-connections=7"]);
}

#[test]
fn replication_tests_run_once_per_binlog_format() {
    let tmp = sample_tree();
    let cases = discover(&request(&tmp, &["rpl"], &[])).unwrap();
    let r1: Vec<&TestCase> = cases.iter().filter(|c| c.id.name == "r1").collect();
    let labels: Vec<String> = r1.iter().map(|c| c.id.to_string()).collect();
    assert_eq!(labels, ["rpl.r1 'mix'", "rpl.r1 'row'", "rpl.r1 'stmt'"]);
    assert!(r1.iter().all(|c| c.rpl_test && c.skip.is_none()));
    assert_eq!(r1[1].master_opts, ["--binlog-format=row"]);
    assert_eq!(
        r1[0].template,
        tmp.path("rpl/my.cnf"),
        "rpl tests without a suite my.cnf use rpl's"
    );
    let r2 = find(&cases, "rpl.r2 'row'");
    assert_eq!(
        r2.master_opts,
        ["--binlog-format=row"],
        "an option the test sets picks its combination and adds nothing"
    );
    assert!(!cases.iter().any(|c| c.id.to_string() == "rpl.r2 'mix'"));
    let r3: Vec<&TestCase> = cases.iter().filter(|c| c.id.name == "r3").collect();
    assert_eq!(r3.len(), 3, "every format is reported as skipped");
    assert!(r3.iter().all(|c| reason(c) == Some("Requires debug build")));
}

#[test]
fn a_skip_sourced_last_applies_first_and_leaves_one_case() {
    let tmp = sample_tree();
    tmp.write(
        "rpl/t/r4.test",
        "--source include/master-slave.inc\n--source include/have_debug.inc\n",
    );
    let cases = discover(&request(&tmp, &["rpl"], &["r4"])).unwrap();
    assert_eq!(ids(&cases), ["rpl.r4"], "mtr applies the lists in reverse");
    assert_eq!(reason(&cases[0]), Some("Requires debug build"));
}

#[test]
fn an_include_sourced_twice_names_its_combination_twice() {
    let tmp = sample_tree();
    tmp.write(
        "rpl/t/r5.test",
        "--source include/have_binlog_format_row.inc\n--source include/master-slave.inc\n--source include/rpl_init.inc\n",
    );
    let cases = discover(&request(&tmp, &["rpl"], &["r5"])).unwrap();
    assert_eq!(ids(&cases), ["rpl.r5 'row,row'"]);
}

#[test]
fn a_debug_build_runs_have_debug_tests() {
    let tmp = sample_tree();
    let mut req = request(&tmp, &["rpl"], &["r3"]);
    req.features.debug_build = true;
    let cases = discover(&req).unwrap();
    assert_eq!(cases.len(), 3);
    assert!(cases.iter().all(|c| c.skip.is_none()));
}

#[test]
fn forced_combinations() {
    let tmp = sample_tree();
    let cases = discover(&request(&tmp, &[], &["rpl.r1,stmt"])).unwrap();
    assert_eq!(ids(&cases), ["rpl.r1 'stmt'"]);
    assert_eq!(cases[0].master_opts, ["--binlog-format=statement"]);
    let err = discover(&request(&tmp, &[], &["rpl.r1,nosuch,other"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Could not run rpl.r1 with 'nosuch,other' combination(s)"
    );
    let err = discover(&request(&tmp, &[], &["main.plain,row"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Could not run main.plain with 'row' combination(s)"
    );
}

#[test]
fn suite_combinations_and_options_come_first_and_options_of_later_lists_lead() {
    let tmp = sample_tree();
    tmp.write(
        "rpl/combinations",
        "[inno]\ndefault-storage-engine=innodb\n",
    );
    tmp.write("rpl/suite.opt", "--from-suite\n");
    let cases = discover(&request(&tmp, &["rpl"], &["r1"])).unwrap();
    let row = cases
        .iter()
        .find(|c| c.id.combinations.contains(&"row".to_string()))
        .unwrap();
    assert_eq!(row.id.combinations, ["inno", "row"]);
    assert_eq!(
        row.master_opts,
        [
            "--binlog-format=row",
            "--default-storage-engine=innodb",
            "--from-suite"
        ]
    );
    assert_eq!(row.id.to_string(), "rpl.r1 'inno,row'");
}

#[test]
fn named_tests_keep_all_suites_that_have_them_and_imply_big_test() {
    let tmp = sample_tree();
    let cases = discover(&request(&tmp, &[], &["plain", "big"])).unwrap();
    assert_eq!(ids(&cases), ["main.big", "main.plain", "rpl.plain"]);
    assert!(cases.iter().all(|c| c.skip.is_none()));
    assert!(find(&cases, "main.big").big_test);
}

#[test]
fn a_test_file_path_names_its_suite() {
    let tmp = sample_tree();
    let path = tmp.path("rpl/t/plain.test");
    let cases = discover(&request(&tmp, &[], &[path.to_str().unwrap()])).unwrap();
    assert_eq!(ids(&cases), ["rpl.plain"]);
}

#[test]
fn big_tests_need_big_test_unless_named() {
    let tmp = sample_tree();
    let mut req = request(&tmp, &["main"], &[]);
    req.big_test = true;
    let cases = discover(&req).unwrap();
    assert!(find(&cases, "main.big").skip.is_none());
}

#[test]
fn enable_disabled_runs_disabled_tests() {
    let tmp = sample_tree();
    let mut req = request(&tmp, &["main"], &[]);
    req.enable_disabled = true;
    let cases = discover(&req).unwrap();
    assert!(find(&cases, "main.off").skip.is_none());
}

#[test]
fn do_test_filters_and_skip_test_marks() {
    let tmp = sample_tree();
    let mut req = request(&tmp, &["main", "rpl"], &[]);
    req.do_test = Some("r".into());
    let cases = discover(&req).unwrap();
    assert!(
        cases.iter().all(|c| c.id.name.starts_with('r')),
        "{:?}",
        ids(&cases)
    );
    assert_eq!(cases.len(), 7, "{:?}", ids(&cases));

    let mut req = request(&tmp, &["main"], &[]);
    req.skip_test = Some("main.pl".into());
    let cases = discover(&req).unwrap();
    let plain = find(&cases, "main.plain");
    assert_eq!(
        plain.skip,
        Some(Skip {
            reason: String::new(),
            disabled: false,
        })
    );
    assert!(find(&cases, "main.sh").skip.is_none());
}

#[test]
fn names_that_match_nothing_are_errors_in_mtr_words() {
    let tmp = sample_tree();
    let err = discover(&request(&tmp, &[], &["nosuch"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Could not find 'nosuch' in 'main,rpl' suite(s)"
    );
    let err = discover(&request(&tmp, &["main"], &["rpl.nosuch"])).unwrap_err();
    assert_eq!(err.to_string(), "Could not find 'nosuch' in 'rpl' suite");
    let err = discover(&request(&tmp, &["nosuite"], &[])).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("could not find suite 'nosuite' under "),
        "{err}"
    );
    let err = discover(&DiscoverRequest {
        do_test: Some("(".into()),
        ..request(&tmp, &["main"], &[])
    })
    .unwrap_err();
    assert!(err.to_string().contains("passed to --do-test"), "{err}");
}

#[test]
fn a_named_test_outside_the_requested_suites_is_still_found() {
    let tmp = sample_tree();
    let cases = discover(&request(&tmp, &["main"], &["rpl.r2"])).unwrap();
    assert_eq!(ids(&cases), ["rpl.r2 'row'"]);
}

#[test]
fn bad_input_files_name_themselves() {
    let tmp = sample_tree();
    tmp.write("main/t/disabled.def", "off : fine\nwhat is this\n");
    let err = discover(&request(&tmp, &["main"], &[])).unwrap_err();
    assert!(
        err.to_string().contains("disabled.def:2: syntax error"),
        "{err}"
    );
    let tmp = sample_tree();
    tmp.write("include/rpl_init.combinations", "[row]\n  bad\n");
    let err = discover(&request(&tmp, &["rpl"], &["r1"])).unwrap_err();
    assert!(
        err.to_string()
            .contains("rpl_init.combinations:2: unexpected line"),
        "{err}"
    );
}

#[test]
fn the_same_request_gives_the_same_list() {
    let tmp = sample_tree();
    let first = discover(&request(&tmp, &[], &[])).unwrap();
    let second = discover(&request(&tmp, &[], &[])).unwrap();
    assert_eq!(first, second);
    assert_eq!(first.len(), 7 + 1 + 3 + 1 + 3);
}
