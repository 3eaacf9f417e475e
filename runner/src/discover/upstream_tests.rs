//! Discovery against real trees: the installed upstream mysql-test tree,
//! compared with what the real mysql-test-run collected there (the fixtures
//! under `testdata/`: the tests of a reference run, and the `--dry-run` list
//! of the whole main and rpl suites), and our own `suite/` tree.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::testutil::installed_root;

/// A fixture: test name → sorted combination labels (empty for none).
fn reference(text: &str) -> BTreeMap<String, Vec<String>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let mut words = line.split_whitespace().map(str::to_string);
            let name = words.next().unwrap();
            (name, words.collect())
        })
        .collect()
}

/// What we collect for the same names: the same shape as [`reference`].
fn collected(cases: &[TestCase]) -> BTreeMap<String, Vec<String>> {
    let mut got: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for case in cases {
        let labels = got.entry(case.id.full_name()).or_default();
        if let Some(label) = case.id.combination_label() {
            labels.push(label);
        }
    }
    for labels in got.values_mut() {
        labels.sort();
    }
    got
}

fn upstream(root: PathBuf, tests: &[&str]) -> DiscoverRequest {
    DiscoverRequest {
        root,
        tests: tests.iter().map(|t| t.to_string()).collect(),
        features: ServerFeatures {
            ssl: true,
            word_size: 64,
            flavor: "mariadb".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// The names whose labels differ between `want` and `got`, with both sides.
fn differences(
    want: &BTreeMap<String, Vec<String>>,
    got: &BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = want.keys().chain(got.keys()).collect();
    names
        .into_iter()
        .filter(|name| want.get(*name) != got.get(*name))
        .map(|name| format!("{name}: mtr {:?}, we {:?}", want.get(name), got.get(name)))
        .collect()
}

#[test]
fn conformance_lists_get_the_combinations_mtr_ran() {
    let Some(root) = installed_root() else { return };
    let want = reference(include_str!("testdata/mtr-10.11-combinations.txt"));
    assert_eq!(want.len(), 120, "80 main and 40 rpl tests");
    let names: Vec<&str> = want.keys().map(String::as_str).collect();
    let cases = discover(&upstream(root, &names)).unwrap();
    let skipped: Vec<String> = cases
        .iter()
        .filter(|c| c.skip.is_some())
        .map(|c| format!("{} {:?}", c.id, c.skip))
        .collect();
    assert!(skipped.is_empty(), "mtr ran these: {skipped:?}");
    let differ = differences(&want, &collected(&cases));
    assert!(differ.is_empty(), "{differ:#?}");
}

#[test]
fn whole_main_and_rpl_suites_match_mtrs_dry_run() {
    let Some(root) = installed_root() else { return };
    let want = reference(include_str!("testdata/mtr-10.11-dry-run.txt"));
    assert!(want.len() > 1900, "{} tests", want.len());
    let req = DiscoverRequest {
        suites: vec!["main".into(), "rpl".into()],
        ..upstream(root, &[])
    };
    let differ = differences(&want, &collected(&discover(&req).unwrap()));
    assert!(differ.is_empty(), "{differ:#?}");
}

#[test]
fn skips_decided_before_running_match_mtrs_cases_and_words() {
    let Some(root) = installed_root() else { return };
    let text = include_str!("testdata/mtr-10.11-skips.txt");
    let want: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(want.len() > 300, "{} cases", want.len());
    let mut names: Vec<&str> = want
        .iter()
        .map(|l| l.split([' ', '\t']).next().unwrap())
        .collect();
    names.dedup();
    let cases = discover(&upstream(root, &names)).unwrap();
    let mut got: Vec<String> = cases
        .iter()
        .map(|c| {
            let reason = c.skip.as_ref().map_or("(runs)", |s| s.reason.as_str());
            format!("{}\t{reason}", c.id)
        })
        .collect();
    got.sort();
    let want: Vec<String> = want.iter().map(|l| l.to_string()).collect();
    let missing: Vec<&String> = want.iter().filter(|l| !got.contains(l)).collect();
    let extra: Vec<&String> = got.iter().filter(|l| !want.contains(l)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "mtr only: {missing:#?}\nwe only: {extra:#?}"
    );
}

#[test]
fn have_debug_tests_are_skipped_with_mtrs_reason_in_every_format() {
    let Some(root) = installed_root() else { return };
    let req = upstream(
        root.clone(),
        &[
            "rpl.rpl_binlog_errors",
            "rpl.circular_serverid0",
            "main.alter_table_debug",
        ],
    );
    let cases = discover(&req).unwrap();
    let mut shown: Vec<String> = cases.iter().map(|c| c.id.to_string()).collect();
    shown.sort();
    assert_eq!(
        shown,
        [
            "main.alter_table_debug",
            "rpl.circular_serverid0 'row'",
            "rpl.rpl_binlog_errors 'mix'",
            "rpl.rpl_binlog_errors 'row'",
            "rpl.rpl_binlog_errors 'stmt'",
        ],
        "as the real mtr reported them"
    );
    for case in &cases {
        let skip = case.skip.as_ref().expect("skipped");
        assert_eq!(skip.reason, "Requires debug build");
    }
    let debug = DiscoverRequest {
        features: ServerFeatures {
            debug_build: true,
            ..req.features.clone()
        },
        ..req
    };
    assert!(discover(&debug).unwrap().iter().all(|c| c.skip.is_none()));
}

#[test]
fn forced_combination_on_an_upstream_test() {
    let Some(root) = installed_root() else { return };
    let cases = discover(&upstream(root.clone(), &["rpl.rpl_default,row"])).unwrap();
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    assert_eq!(case.id.to_string(), "rpl.rpl_default 'row'");
    assert_eq!(
        case.master_opts.first().map(String::as_str),
        Some("--binlog-format=row")
    );
    assert_eq!(case.template, root.join("suite/rpl/my.cnf"));
    assert_eq!(case.suite_dir, root.join("suite/rpl"));
    assert_eq!(case.result_dir, root.join("suite/rpl/r"));
    assert!(case.rpl_test);
    let err = discover(&upstream(root, &["rpl.rpl_default,innodb"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Could not run rpl.rpl_default with 'innodb' combination(s)"
    );
}

#[test]
fn upstream_main_tests_use_the_default_template_and_their_opt_files() {
    let Some(root) = installed_root() else { return };
    let cases = discover(&upstream(
        root.clone(),
        &["main.ctype_ucs2_general_ci_casefold"],
    ))
    .unwrap();
    assert_eq!(cases[0].template, root.join("include/default_my.cnf"));
    assert_eq!(
        cases[0].path,
        root.join("main/ctype_ucs2_general_ci_casefold.test")
    );
    assert_eq!(cases[0].result_dir, root.join("main"));
    let with_opt = discover(&upstream(root, &["main.ctype_utf32_def"])).unwrap();
    assert_eq!(
        with_opt[0].master_opts,
        [
            "--character-set-server=utf32,latin1",
            "--collation-server=utf32_general_ci"
        ]
    );
    assert_eq!(with_opt[0].slave_opts, with_opt[0].master_opts);
}

#[test]
fn the_whole_upstream_rpl_suite_collects() {
    let Some(root) = installed_root() else { return };
    let req = DiscoverRequest {
        suites: vec!["rpl".into()],
        ..upstream(root, &[])
    };
    let cases = discover(&req).unwrap();
    let files: std::collections::BTreeSet<String> =
        cases.iter().map(|c| c.id.full_name()).collect();
    assert!(files.len() > 600, "{} tests", files.len());
    assert!(cases.len() > files.len() * 2, "most run in three formats");
    let disabled = cases
        .iter()
        .find(|c| c.id.name == "rpl_row_index_choice")
        .and_then(|c| c.skip.clone());
    assert_eq!(
        disabled.map(|s| s.reason),
        Some("MDEV-11666".to_string()),
        "listed in disabled.def"
    );
}

#[test]
fn our_own_tree() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../suite");
    let req = DiscoverRequest {
        root: root.clone(),
        suites: vec!["main".into()],
        ..Default::default()
    };
    let cases = discover(&req).unwrap();
    let files = std::fs::read_dir(root.join("main/t"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "test"))
        .count();
    assert!(files >= 20, "our suite holds at least 20 tests");
    assert_eq!(cases.len(), files, "one case per test file: {cases:#?}");
    assert!(
        cases
            .iter()
            .all(|c| c.skip.is_none() && c.id.combinations.is_empty())
    );
    let root = std::fs::canonicalize(root).unwrap();
    let sync = cases
        .iter()
        .find(|c| c.id.name == "replication_sync")
        .unwrap();
    assert_eq!(sync.template, root.join("main/t/replication_sync.cnf"));
    let other = cases.iter().find(|c| c.id.name == "if_while").unwrap();
    assert_eq!(other.template, root.join("include/default_my.cnf"));
    assert_eq!(other.result_dir, root.join("main/r"));
    let all = discover(&DiscoverRequest {
        suites: vec![],
        ..req
    })
    .unwrap();
    let suites: std::collections::BTreeSet<&str> =
        all.iter().map(|c| c.id.suite.as_str()).collect();
    assert_eq!(suites, ["main", "rpl"].into(), "every suite of the tree");
    assert_eq!(all.iter().filter(|c| c.id.suite == "main").count(), files);
}

#[test]
fn our_rpl_suite_sources_the_upstream_includes() {
    let Some(root) = installed_root() else { return };
    let ours = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../suite")
        .canonicalize()
        .unwrap();
    let mut req = DiscoverRequest {
        root: ours.clone(),
        suites: vec!["rpl".into()],
        fallback_dirs: vec![root],
        ..upstream(ours.clone(), &[])
    };
    // As on the bundled server, which our suite is for: have_debug.inc tests run.
    req.features.debug_build = true;
    let cases = discover(&req).unwrap();
    assert!(cases.len() >= 9, "{}", cases.len());
    for case in &cases {
        assert!(
            matches!(
                case.id.combination_label().as_deref(),
                Some("stmt" | "mix" | "row")
            ),
            "{}",
            case.id
        );
        assert!(case.rpl_test && case.skip.is_none(), "{}", case.id);
        assert_eq!(case.template, ours.join("rpl/my.cnf"));
    }
    let without = discover(&DiscoverRequest {
        fallback_dirs: Vec::new(),
        ..req
    })
    .unwrap();
    assert!(
        without.iter().all(|c| c.id.combinations.is_empty()),
        "without upstream's includes no binlog-format combinations apply"
    );
}

#[test]
fn the_bundled_server_skips_row_and_mixed_combinations() {
    let Some(root) = installed_root() else { return };
    let mut req = upstream(root, &["rpl.rpl_15867"]);
    req.features.unsupported_binlog_formats = ["row", "mixed"]
        .into_iter()
        .map(|f| {
            (
                f.to_string(),
                format!("binlog_format={f} is not supported by the bundled server yet"),
            )
        })
        .collect();
    let cases = discover(&req).unwrap();
    let skips: BTreeMap<String, Option<String>> = cases
        .iter()
        .map(|c| (c.id.to_string(), c.skip.as_ref().map(|s| s.reason.clone())))
        .collect();
    assert_eq!(
        skips,
        BTreeMap::from([
            (
                "rpl.rpl_15867 'mix'".to_string(),
                Some("binlog_format=mixed is not supported by the bundled server yet".to_string())
            ),
            (
                "rpl.rpl_15867 'row'".to_string(),
                Some("binlog_format=row is not supported by the bundled server yet".to_string())
            ),
            ("rpl.rpl_15867 'stmt'".to_string(), None),
        ])
    );
}
