//! Runs `rmtr` on the fixture tree (tests/fixtures/tree) against MariaDB
//! from local binaries and checks every outcome it must report: a pass, a
//! result mismatch, a skip by the test, a skip decided by the runner, a
//! mysqltest error, a timeout, a crashed server and a missing result file;
//! and the check-testcase comparison of the servers before and after a test.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn mariadb_available() -> bool {
    let found = Path::new("/usr/sbin/mariadbd").is_file()
        && Path::new("/usr/share/mysql/mysql_system_tables.sql").is_file();
    if !found && std::env::var("CI").as_deref() == Ok("true") {
        panic!("MariaDB is required here: apt-get install -y mariadb-server mariadb-test");
    }
    if !found {
        eprintln!("skipping: MariaDB is not installed");
    }
    found
}

fn fixture_tree() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tree")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rmtr-fixture-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs rmtr; returns its exit code and the JSON report's tests by name.
fn run_rmtr(vardir: &Path, extra: &[&str]) -> (i32, HashMap<String, serde_json::Value>) {
    let (code, tests, _) = run_rmtr_env(vardir, extra, &[]);
    (code, tests)
}

/// Runs rmtr with extra environment; also returns its standard output.
fn run_rmtr_env(
    vardir: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (i32, HashMap<String, serde_json::Value>, String) {
    let json = vardir.join("report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_rmtr"))
        .env_remove("MTR_TESTCASE_TIMEOUT")
        .envs(env.iter().copied())
        .args([
            "--server",
            "mariadbd",
            "--suite",
            "main",
            "--force",
            "--max-test-fail",
            "0",
        ])
        .arg("--suite-dir")
        .arg(fixture_tree())
        .arg("--vardir")
        .arg(vardir.join("var"))
        .arg("--json-report")
        .arg(&json)
        .args(extra)
        .output()
        .expect("rmtr runs");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap_or_else(|_| {
            panic!(
                "no report; stdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        }))
        .unwrap();
    let tests = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_string(), t.clone()))
        .collect();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code().unwrap_or(-1), tests, stdout)
}

fn outcome(tests: &HashMap<String, serde_json::Value>, name: &str) -> (String, String, String) {
    let t = tests
        .get(name)
        .unwrap_or_else(|| panic!("{name} not reported: {tests:?}"));
    let text = |k: &str| t[k].as_str().unwrap_or_default().to_string();
    (text("outcome"), text("kind"), text("message"))
}

#[test]
fn every_outcome_is_reported() {
    if !mariadb_available() {
        return;
    }
    let dir = scratch("outcomes");
    // Fractions of a minute come only through the variable, as with mtr.
    let (code, tests, stdout) = run_rmtr_env(&dir, &[], &[("MTR_TESTCASE_TIMEOUT", "0.15")]);
    assert_eq!(code, 1, "failures make the exit code 1");
    assert_eq!(outcome(&tests, "main.passes").0, "pass");
    let (o, k, m) = outcome(&tests, "main.mismatches");
    assert_eq!((o.as_str(), k.as_str()), ("fail", "result_mismatch"));
    assert!(m.contains("-5") && m.contains("+4"), "{m}");
    let (o, k, m) = outcome(&tests, "main.skips_itself");
    assert_eq!(
        (o.as_str(), k.as_str(), m.as_str()),
        ("skipped", "by_test", "Skipped by the fixture")
    );
    let (o, k, m) = outcome(&tests, "main.needs_debug");
    assert_eq!(
        (o.as_str(), k.as_str(), m.as_str()),
        ("skipped", "by_runner", "Requires debug build")
    );
    let (o, k, m) = outcome(&tests, "main.dies");
    assert_eq!((o.as_str(), k.as_str()), ("fail", "test_error"));
    assert!(
        m.contains(
            "At line 2: query 'SELECT * FROM no_such_table' failed: ER_NO_SUCH_TABLE (1146)"
        ),
        "{m}"
    );
    let (_, k, m) = outcome(&tests, "main.hangs");
    assert_eq!(k, "timeout");
    assert!(
        m.starts_with("Test case timeout after 9 seconds\n\n== "),
        "{m}"
    );
    assert!(
        m.contains("/log/hangs.log == \nSELECT SLEEP(120);\n"),
        "{m}"
    );
    assert!(
        stdout.contains("[ fail ]  timeout after 9 seconds"),
        "{stdout}"
    );
    assert_eq!(outcome(&tests, "main.crashes_server").1, "server_crashed");
    assert_eq!(outcome(&tests, "main.no_result").1, "missing_result");
    assert_eq!(outcome(&tests, "main.log_gen_0_dies").1, "test_error");
    assert_eq!(outcome(&tests, "main.log_gen_3").1, "warnings");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Four server generations alternating between a worker's two slots, whose
/// logs are kept: each test is charged with what its servers logged after
/// its own mark, whatever earlier tests on the same log did.
#[test]
fn warnings_check_reads_from_the_tests_mark() {
    if !mariadb_available() {
        return;
    }
    let dir = scratch("generations");
    let tests = [
        "main.log_gen_0_dies",
        "main.log_gen_1",
        "main.log_gen_2",
        "main.log_gen_3",
    ];
    let (code, report) = run_rmtr(&dir, &tests);
    assert_eq!(code, 1);
    assert_eq!(outcome(&report, "main.log_gen_0_dies").1, "test_error");
    assert_eq!(outcome(&report, "main.log_gen_1").0, "pass");
    assert_eq!(outcome(&report, "main.log_gen_2").0, "pass");
    let (o, k, m) = outcome(&report, "main.log_gen_3");
    assert_eq!((o.as_str(), k.as_str()), ("fail", "warnings"), "{m}");
    assert!(m.contains("fixture: a problem logged early"), "{m}");
    assert!(m.starts_with("line\n") && m.ends_with("\nok\n"), "{m}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// A test that leaves a table behind still passes, as under mtr, with
/// mtr's report of the difference; its servers are restarted, so the
/// second run starts clean (else its CREATE TABLE would fail). A test that
/// cleans up gets no report, and `--nocheck-testcases` turns the check off.
#[test]
fn check_testcase_reports_what_a_test_left_behind() {
    if !mariadb_available() {
        return;
    }
    let dir = scratch("check");
    let tests = ["main.cleans_up", "main.leaves_table", "--repeat", "2"];
    let (code, report, stdout) = run_rmtr_env(&dir, &tests, &[]);
    assert_eq!(code, 0, "{stdout}");
    let t = &report["main.cleans_up"];
    assert_eq!(t["outcome"], "pass");
    assert!(t.get("check").is_none(), "{t}");
    let t = &report["main.leaves_table"];
    assert_eq!(t["outcome"], "pass", "{t}");
    let check = t["check"].as_str().unwrap_or_default();
    assert!(
        check.starts_with("MTR's internal check of the test case 'main.leaves_table' failed.\n"),
        "{check}"
    );
    assert!(check.contains(" tables_in_test\n+t_left\n"), "{check}");
    assert_eq!(
        stdout
            .matches("MTR's internal check of the test case 'main.leaves_table' failed.")
            .count(),
        2,
        "{stdout}"
    );
    assert!(
        stdout.contains("Check of testcase failed for: main.leaves_table\n"),
        "{stdout}"
    );
    let (code, report, stdout) =
        run_rmtr_env(&dir, &["main.leaves_table", "--nocheck-testcases"], &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(report["main.leaves_table"].get("check").is_none());
    assert!(!stdout.contains("MTR's internal check"), "{stdout}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// A check script that cannot run fails the test, with mtr's words.
#[test]
fn a_check_that_cannot_run_fails_the_test() {
    if !mariadb_available() {
        return;
    }
    let dir = scratch("broken-check");
    let tree = dir.join("tree");
    copy_dir(&fixture_tree(), &tree);
    std::fs::write(
        tree.join("include/check-testcase.test"),
        "SELECT * FROM no_such_table;\n",
    )
    .unwrap();
    let json = dir.join("report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_rmtr"))
        .args(["--server", "mariadbd", "main.passes"])
        .arg("--suite-dir")
        .arg(&tree)
        .arg("--vardir")
        .arg(dir.join("var"))
        .arg("--json-report")
        .arg(&json)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let test = &report["tests"][0];
    assert_eq!(test["outcome"], "fail");
    let message = test["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(
            "Could not execute 'check-testcase' before testcase 'main.passes' (res: 1):\nmysqltest: At line 1: query 'SELECT * FROM no_such_table' failed"
        ),
        "{message}"
    );
    assert!(
        message.contains("previous test run by this worker thread"),
        "{message}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn record_writes_the_result_file() {
    if !mariadb_available() {
        return;
    }
    let dir = scratch("record");
    let tree = dir.join("tree");
    copy_dir(&fixture_tree(), &tree);
    let json = dir.join("report.json");
    let status = Command::new(env!("CARGO_BIN_EXE_rmtr"))
        .args(["--server", "mariadbd", "--record", "main.no_result"])
        .arg("--suite-dir")
        .arg(&tree)
        .arg("--vardir")
        .arg(dir.join("var"))
        .arg("--json-report")
        .arg(&json)
        .status()
        .unwrap();
    assert!(status.success());
    let recorded = std::fs::read_to_string(tree.join("main/r/no_result.result")).unwrap();
    assert_eq!(
        recorded,
        "SELECT 'nothing to compare with' AS s;\ns\nnothing to compare with\n"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// The same tests on two spellings of one server: the matrix has a column
/// each, the verdicts a single run reports, and no difference.
#[test]
fn cross_check_writes_a_matrix_of_every_servers_verdicts() {
    if !mariadb_available() {
        return;
    }
    let dir = scratch("cross");
    let base = dir.join("matrix");
    let output = Command::new(env!("CARGO_BIN_EXE_rmtr"))
        .args(["--cross-check", "mariadbd,mariadbd=/usr/sbin/mariadbd"])
        .args(["main.passes", "main.mismatches", "main.skips_itself"])
        .arg("--suite-dir")
        .arg(fixture_tree())
        .arg("--vardir")
        .arg(dir.join("var"))
        .arg("--cross-check-report")
        .arg(&base)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("cross-check: 3 tests on 2 servers, 0 differ"),
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(base.with_extension("json")).unwrap()).unwrap();
    let columns = json["columns"].as_array().unwrap();
    assert_eq!(columns.len(), 2);
    for column in columns {
        let verdict = |t: &str| {
            column["verdicts"][t]["verdict"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(verdict("main.passes"), "pass");
        assert_eq!(verdict("main.mismatches"), "fail");
        assert_eq!(verdict("main.skips_itself"), "skipped");
        let reason = column["verdicts"]["main.mismatches"]["reason"]
            .as_str()
            .unwrap();
        assert!(reason.starts_with("result differs: expected `"), "{reason}");
    }
    let md = std::fs::read_to_string(base.with_extension("md")).unwrap();
    assert!(md.contains("| main.mismatches | fail | fail |"), "{md}");
    assert!(md.contains("## Differences (0)"), "{md}");
    // Each server ran in its own part of the var directory.
    assert!(dir.join("var/1-mariadbd").is_dir());
    assert!(dir.join("var/2-mariadbd--usr-sbin-mariadbd").is_dir());
    std::fs::remove_dir_all(dir).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The pids of the servers rmtr runs under `vardir`, from their pid files.
fn server_pids(vardir: &Path) -> Vec<i32> {
    let mut pids = Vec::new();
    for slot in std::fs::read_dir(vardir).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(slot.path().join("run"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if file.path().extension().is_some_and(|e| e == "pid") {
                let text = std::fs::read_to_string(file.path()).unwrap_or_default();
                pids.extend(text.trim().parse::<i32>().ok());
            }
        }
    }
    pids
}

/// Whether `pid` is a live process (a zombie has already exited).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "))
}

#[test]
fn ctrl_c_leaves_no_server_running() {
    if !mariadb_available() {
        return;
    }
    let dir = scratch("interrupt");
    let var = dir.join("var");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rmtr"))
        .args(["--server", "mariadbd", "main.hangs"])
        .arg("--suite-dir")
        .arg(fixture_tree())
        .arg("--vardir")
        .arg(&var)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let pids = loop {
        let pids = server_pids(&var);
        if !pids.is_empty() {
            break pids;
        }
        assert!(std::time::Instant::now() < deadline, "no server started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    // Let the test reach its SLEEP before interrupting.
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SAFETY: plain kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("rmtr did not stop within 30 s of Ctrl-C");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(!status.success(), "an interrupted run does not succeed");
    let left: Vec<_> = pids.into_iter().filter(|&pid| alive(pid)).collect();
    assert!(
        left.is_empty(),
        "servers still running after Ctrl-C: {left:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
