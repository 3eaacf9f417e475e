//! Test discovery: from a mysql-test-style tree, the requested suites and
//! test names, to the list of [`TestCase`]s to run, with their combinations,
//! server options, configuration template and any reason to skip them.

mod binlog_format;
mod collect;
mod combinations;
mod disabled;
mod error;
mod filters;
mod names;
mod order;
mod skips;
mod suite;
mod tags;
#[cfg(test)]
mod tests;
mod tree;
#[cfg(test)]
mod upstream_tests;

use std::path::PathBuf;

use rmtr_results::TestId;

pub use error::DiscoverError;

/// Collects the tests a request asks for, in mysql-test-run's default run order.
///
/// Naming tests implies `--big-test`, as with mysql-test-run. Without suites
/// and tests, every suite of the tree is searched (for an upstream tree that
/// is every directory under `suite/` and `plugin/*/` that holds tests). Tests
/// that will not run are returned too, with [`TestCase::skip`] set.
pub fn discover(req: &DiscoverRequest) -> Result<Vec<TestCase>, DiscoverError> {
    Ok(order::sorted(collect::collect(req)?))
}

/// What the server can do, as far as skip rules need to know.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerFeatures {
    /// A debug build (`debug-dbug` exists): `have_debug.inc` runs.
    pub debug_build: bool,
    /// SSL support compiled in.
    pub ssl: bool,
    /// Word size of the server (64 on any machine we run on).
    pub word_size: u32,
    /// `mysql` or `mariadb`: also a result-file variant name.
    pub flavor: String,
    /// The installation's plugins by their `NAME_SO` variable (`HA_EXAMPLE_SO`).
    pub plugins: std::collections::BTreeSet<String>,
    /// Binary-log formats (`row`, `mixed`) the server cannot write yet, each
    /// with the reason a variant that sets it is skipped.
    pub unsupported_binlog_formats: std::collections::BTreeMap<String, String>,
}

/// What to collect.
#[derive(Debug, Clone, Default)]
pub struct DiscoverRequest {
    /// The tree root (a mysql-test directory, or our own `suite/`).
    pub root: PathBuf,
    /// `--suite` names; empty means every suite of the tree.
    pub suites: Vec<String>,
    /// Test names as given on the command line: `suite.test[,comb…]`, `test`, `path/t/x.test`.
    pub tests: Vec<String>,
    /// `--do-test` / `--skip-test` patterns (mtr's prefix rule for plain names).
    pub do_test: Option<String>,
    pub skip_test: Option<String>,
    /// `--big-test`.
    pub big_test: bool,
    /// `--enable-disabled`: run tests listed in disabled.def.
    pub enable_disabled: bool,
    pub features: ServerFeatures,
    /// Trees whose files a test may source when the tree itself lacks them
    /// (upstream's mysql-test, for the include files our suites reuse).
    pub fallback_dirs: Vec<PathBuf>,
}

/// Why the runner will not run a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub reason: String,
    /// The reason comes from a `disabled.def`.
    pub disabled: bool,
}

/// One test to run (one combination of one test file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    pub id: TestId,
    /// The `.test` file.
    pub path: PathBuf,
    /// The suite directory (mysqltest's `--suite-dir`).
    pub suite_dir: PathBuf,
    /// Where its result files live (`r/`, or beside the tests).
    pub result_dir: PathBuf,
    /// The my.cnf template: the test's `.cnf`, the suite's `my.cnf`, or the default.
    pub template: PathBuf,
    /// Options for servers that take master options, in mtr's order
    /// (combination options first).
    pub master_opts: Vec<String>,
    /// Options for servers marked `#!use-slave-opt`.
    pub slave_opts: Vec<String>,
    /// `--timezone=` from the option files, if any.
    pub timezone: Option<String>,
    /// Sources `include/master-slave.inc`.
    pub rpl_test: bool,
    pub big_test: bool,
    /// `t-master.sh` / `t-slave.sh` to run before starting servers.
    pub master_sh: Option<PathBuf>,
    pub slave_sh: Option<PathBuf>,
    /// Set when the runner decides not to run it.
    pub skip: Option<Skip>,
}
