//! Settings of a run that every worker reads: recording, retries, time
//! limits, failure limits, and the switches for checks after each test.

use std::path::PathBuf;
use std::time::Duration;

/// How to run the tests.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The tree root (mysql-test directory).
    pub tree: PathBuf,
    /// Trees `source` searches after the tree (upstream's, for our own tree).
    pub fallback_dirs: Vec<PathBuf>,
    /// The run's var directory.
    pub vardir: PathBuf,
    /// Write `.result` files instead of comparing.
    pub record: bool,
    /// Extra attempts for a failed test.
    pub retry: u32,
    /// A test is killed and failed after this long.
    pub testcase_timeout: Duration,
    /// Servers get this long to come up.
    pub start_timeout: Duration,
    /// Servers get this long to shut down before they are killed.
    pub shutdown_timeout: Duration,
    /// Keep going after failures (up to `max_test_fail`).
    pub force: bool,
    /// Stop after this many failures (0: never), with `force`.
    pub max_test_fail: usize,
    /// Check the servers' error logs after each test.
    pub check_warnings: bool,
    /// Compare the servers' state before and after each test (mtr's check-testcases).
    pub check_testcases: bool,
    /// Lines of output shown with a mysqltest failure.
    pub tail_lines: usize,
    /// `--sleep`: overrides the delay of `sleep` commands.
    pub sleep: Option<f64>,
    /// Seconds `sync_with_master` waits.
    pub wait_for_pos_timeout: u32,
    /// Big tests run (`--big-test`, or tests named on the command line).
    pub big_test: bool,
}
