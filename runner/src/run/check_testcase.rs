//! mtr's check of a test's side effects: the tree's
//! `include/check-testcase.test` runs on every server of the test before the
//! test and again after a test that passed, and the two outputs of each
//! server are compared. Scripts run with rmtr's own interpreter, one thread
//! per server, on configurations derived from the test's own. Servers a test
//! restarted with options of its own are left out, as mtr leaves them out.
//! A difference does not change the verdict (mtr reports the test as passed
//! and shows the diff); a check that cannot run fails the test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rmtr_mysqltest::run::{CancelToken, End, RunConfig};
use rmtr_results::UnifiedDiff;

use super::server_set::{ServerSet, same_configuration};
use super::worker::{Ran, run_with_limit};

/// Where the check script lives in a tree.
const SCRIPT: &str = "include/check-testcase.test";

/// A server the check runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The config group (`mysqld.1`).
    pub group: String,
    pub port: u16,
    pub socket: String,
}

/// What each server looked like before the test, by group.
pub type States = BTreeMap<String, Vec<u8>>;

/// Why the check did not give a server's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRun {
    /// The script failed (or was stopped), with its message.
    Failed(String),
    /// The script ran out of time, after this many seconds.
    TimedOut(u64),
}

impl NotRun {
    /// mtr's words for a check (`before` or `after` the test) that did not run.
    pub fn describe(&self, mode: &str, test: &str) -> String {
        match self {
            NotRun::Failed(why) => format!(
                "Could not execute 'check-testcase' {mode} testcase '{test}' (res: 1):\n{why}"
            ),
            NotRun::TimedOut(secs) => {
                format!("Timeout for 'check-testcase' expired after {secs} seconds")
            }
        }
    }
}

/// mtr's warning after a check before a test failed.
pub const EARLIER_TEST_WARNING: &str = "mysql-test-run: WARNING: Check-testcase failed, this could also be caused by the previous test run by this worker thread";

/// The tree's check script, when it has one.
pub fn script(tree: &Path) -> Option<PathBuf> {
    let path = tree.join(SCRIPT);
    path.is_file().then_some(path)
}

/// The running servers of the test, minus those it restarted with options.
pub fn targets(servers: &mut ServerSet) -> Vec<Target> {
    let Some(active) = servers.active_mut() else {
        return Vec::new();
    };
    let mut targets = Vec::new();
    for (group, server) in active.servers.iter_mut() {
        let wanted = active.wanted.get(group).map(Vec::as_slice);
        if !server.is_running()
            || !same_configuration(server.started_with(), wanted.unwrap_or_default())
        {
            continue;
        }
        targets.push(Target {
            group: group.clone(),
            port: server.port(),
            socket: active
                .config
                .value(group, "socket")
                .unwrap_or_default()
                .to_string(),
        });
    }
    targets
}

/// Runs the check on every target at once; each server's output, or the
/// text saying why a run did not complete.
pub fn record(
    base: &RunConfig,
    script: &Path,
    targets: &[Target],
    limit: Duration,
) -> Result<States, NotRun> {
    let runs: Vec<(String, Result<Vec<u8>, NotRun>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = targets
            .iter()
            .map(|target| {
                let cfg = config_for(base, script, target);
                let group = target.group.clone();
                scope.spawn(move || (group, run_one(cfg, limit)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("check thread"))
            .collect()
    });
    let mut states = States::new();
    for (group, run) in runs {
        states.insert(group, run?);
    }
    Ok(states)
}

/// A configuration whose default connection first completes the start-up
/// checkpoint a fresh server with a binary log requests (else its first
/// RESET MASTER waits for the engine's once-a-second flush); the check's
/// connection does it so that tests see mtr's connection ids. Flushing the
/// engine log writes nothing to the binary log and changes no data.
pub fn with_warm_up(cfg: &RunConfig) -> RunConfig {
    let mut cfg = cfg.clone();
    cfg.setup_queries = vec![b"FLUSH NO_WRITE_TO_BINLOG ENGINE LOGS".to_vec()];
    cfg
}

/// The test's configuration turned to one server and the check script.
fn config_for(base: &RunConfig, script: &Path, target: &Target) -> RunConfig {
    let mut cfg = base.clone();
    cfg.test_file = script.to_path_buf();
    cfg.suite_dir = cfg.basedir.clone();
    cfg.port = target.port;
    cfg.socket = target.socket.clone();
    cfg.log_name = format!("{}.log", file_stem(&target.group));
    cfg.child_stderr = None;
    cfg
}

/// One run of the check script.
fn run_one(cfg: RunConfig, limit: Duration) -> Result<Vec<u8>, NotRun> {
    let interrupted = || super::schedule::INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst);
    let ran = run_with_limit(cfg, CancelToken::new(), limit, &interrupted);
    match ran {
        Ran::Finished(run) => match run.end {
            End::Completed => Ok(run.output),
            End::Failed(message) => Err(NotRun::Failed(message)),
            End::Skipped(reason) => Err(NotRun::Failed(format!(
                "the check skipped itself: {reason}"
            ))),
            End::Cancelled => Err(NotRun::Failed("the check was cancelled".into())),
        },
        Ran::TimedOut(_) => Err(NotRun::TimedOut(limit.as_secs())),
        Ran::Interrupted => Err(NotRun::Failed("interrupted".into())),
    }
}

/// Compares the states after the test with those before; mtr's report of
/// the differences (writing each server's two states to `tmp_dir` as
/// mtr's `check-<server>.result` and `.reject`), or `None` when all match.
pub fn compare(test: &str, before: &States, after: &States, tmp_dir: &Path) -> Option<String> {
    let mut diffs = String::new();
    for (group, old) in before {
        let Some(new) = after.get(group) else {
            continue;
        };
        if old == new {
            continue;
        }
        let stem = tmp_dir.join(file_stem(group));
        let result = stem.with_extension("result");
        let reject = stem.with_extension("reject");
        let _ = std::fs::create_dir_all(tmp_dir);
        let _ = std::fs::write(&result, old);
        let _ = std::fs::write(&reject, new);
        let diff = UnifiedDiff::new(
            old,
            new,
            &result.display().to_string(),
            &reject.display().to_string(),
        );
        diffs.push_str(&diff.to_string_lossy());
        diffs.push_str(if old.len() == new.len() {
            "\nResult content mismatch\n"
        } else {
            "\nResult length mismatch\n"
        });
    }
    (!diffs.is_empty()).then(|| failed_report(test, &diffs))
}

/// mtr's words around the diff of a failed check.
fn failed_report(test: &str, diffs: &str) -> String {
    format!(
        "MTR's internal check of the test case '{test}' failed.\n\
This means that the test case does not preserve the state that existed\n\
before the test case was executed.  Most likely the test case did not\n\
do a proper clean-up. It could also be caused by the previous test run\n\
by this thread, if the server wasn't restarted.\n\
This is the diff of the states of the servers before and after the\n\
test case was executed:\n{diffs}"
    )
}

/// mtr's file name for a server's check (`check-mysqld_1`): dots would
/// read as an extension.
fn file_stem(group: &str) -> String {
    format!("check-{}", group.replace('.', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states(pairs: &[(&str, &str)]) -> States {
        pairs
            .iter()
            .map(|(g, s)| (g.to_string(), s.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn equal_states_pass() {
        let s = states(&[("mysqld.1", "tables\nt1\n")]);
        assert_eq!(compare("main.a", &s, &s, Path::new("/nonexistent")), None);
    }

    #[test]
    fn a_difference_is_reported_with_a_diff_and_files() {
        let dir = std::env::temp_dir().join(format!("rmtr-check-{}", std::process::id()));
        let before = states(&[("mysqld.1", "tables\n"), ("mysqld.2", "same\n")]);
        let after = states(&[("mysqld.1", "tables\nt_left\n"), ("mysqld.2", "same\n")]);
        let report = compare("main.leaves", &before, &after, &dir).expect("a difference");
        assert!(
            report.starts_with("MTR's internal check of the test case 'main.leaves' failed.\n"),
            "{report}"
        );
        assert!(report.contains("+t_left\n"), "{report}");
        assert!(report.contains("check-mysqld_1.reject"), "{report}");
        assert!(!report.contains("check-mysqld_2"), "{report}");
        assert!(report.ends_with("\nResult length mismatch\n"), "{report}");
        assert_eq!(
            std::fs::read(dir.join("check-mysqld_1.reject")).unwrap(),
            b"tables\nt_left\n"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn servers_missing_after_are_not_compared() {
        let before = states(&[("mysqld.1", "x\n"), ("mysqld.2", "y\n")]);
        let after = states(&[("mysqld.1", "x\n")]);
        assert_eq!(compare("main.a", &before, &after, Path::new("/x")), None);
    }

    #[test]
    fn checks_that_did_not_run_are_worded_like_mtr() {
        assert_eq!(
            NotRun::Failed("mysqltest: At line 1: oops".into()).describe("before", "main.a"),
            "Could not execute 'check-testcase' before testcase 'main.a' (res: 1):\nmysqltest: At line 1: oops"
        );
        assert_eq!(
            NotRun::TimedOut(900).describe("after", "main.a"),
            "Timeout for 'check-testcase' expired after 900 seconds"
        );
    }

    #[test]
    fn file_names_have_no_dots() {
        assert_eq!(file_stem("mysqld.1"), "check-mysqld_1");
    }
}
