//! The command line, in mysql-test-run's spirit: test names as arguments,
//! suites, filters, parallelism, failure handling, recording, reports, and
//! which servers to test against.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Parser;

/// Where Debian's `mariadb-test` installs upstream's mysql-test tree.
const INSTALLED_TREE: &str = "/usr/share/mysql/mysql-test";

/// Runs mysqltest suites against bundled, local, container or external servers.
#[derive(Debug, Parser)]
#[command(name = "rmtr", version, about)]
pub struct Cli {
    /// Tests to run: `suite.test`, `test`, `suite.test,combination`, or a `.test` path.
    pub tests: Vec<String>,

    /// Suites to run (comma-separated); default: every suite of the tree.
    #[arg(long, value_delimiter = ',')]
    pub suite: Vec<String>,

    /// The mysql-test-style tree (default: ./suite, else the current directory).
    #[arg(long, value_name = "DIR")]
    pub suite_dir: Option<PathBuf>,

    /// An upstream mysql-test tree whose files (`include/master-slave.inc`, …)
    /// tests may source when the tree lacks them; `none` for no such tree.
    /// Default: /usr/share/mysql/mysql-test when it is installed.
    #[arg(long, value_name = "DIR")]
    pub upstream_dir: Option<PathBuf>,

    /// Only run tests matching this pattern (a plain name matches as a prefix).
    #[arg(long, value_name = "REGEX")]
    pub do_test: Option<String>,

    /// Skip tests matching this pattern (a plain name matches as a prefix).
    #[arg(long, value_name = "REGEX")]
    pub skip_test: Option<String>,

    /// Workers running tests at the same time: a number or `auto`.
    #[arg(long, default_value = "1")]
    pub parallel: String,

    /// Keep going after a failure.
    #[arg(long)]
    pub force: bool,

    /// With --force, stop after this many failures (0: never).
    #[arg(long, default_value_t = 10)]
    pub max_test_fail: usize,

    /// Run a failed test up to this many more times (passing then is `retry-pass`).
    #[arg(long, default_value_t = 0)]
    pub retry: u32,

    /// Minutes a test may take before it is killed and failed (default:
    /// $MTR_TESTCASE_TIMEOUT, else 15).
    #[arg(long, value_name = "MINUTES", allow_negative_numbers = true)]
    pub testcase_timeout: Option<i64>,

    /// Seconds a server may take to start.
    #[arg(long, default_value_t = 180)]
    pub start_timeout: u64,

    /// Write `.result` files from the output instead of comparing.
    #[arg(long)]
    pub record: bool,

    /// Run each test this many times.
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,

    /// Run only part K of N of the tests (for sharding across machines), e.g. 2/4.
    #[arg(long, value_name = "K/N")]
    pub partition: Option<String>,

    /// Servers to test against: bundled[:mysql], mariadbd[=PATH], mysqld[=PATH],
    /// container:IMAGE:TAG, extern:HOST:PORT[,HOST:PORT…].
    #[arg(long, default_value = "bundled")]
    pub server: String,

    /// Run the tests on each of these servers in turn (comma-separated
    /// --server values; `bundled:mysql` is the bundled server in MySQL's
    /// flavor) and write a matrix of their verdicts. Implies --force and
    /// --max-test-fail=0: every test runs on every server.
    #[arg(long, value_name = "SERVERS", conflicts_with_all = ["record", "list", "xml_report", "json_report"])]
    pub cross_check: Option<String>,

    /// Where --cross-check writes its matrix: PATH.md and PATH.json
    /// (default: VARDIR/cross-check).
    #[arg(long, value_name = "PATH", requires = "cross_check")]
    pub cross_check_report: Option<PathBuf>,

    /// Whose replication rules the bundled server follows, `mariadb` or
    /// `mysql`; tests then prefer `,<flavor>.result` files.
    #[arg(long, value_name = "FLAVOR", default_value = "mariadb",
          value_parser = ["mariadb", "mysql"])]
    pub bundled_flavor: String,

    /// Where logs, data directories and reports go.
    #[arg(long, default_value = "var")]
    pub vardir: PathBuf,

    /// List the tests (with combinations and skips) and exit.
    #[arg(long)]
    pub list: bool,

    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub xml_report: Option<PathBuf>,

    /// Write a JSON summary here.
    #[arg(long, value_name = "FILE")]
    pub json_report: Option<PathBuf>,

    /// Also run tests marked as big.
    #[arg(long)]
    pub big_test: bool,

    /// Run tests listed in disabled.def too.
    #[arg(long)]
    pub enable_disabled: bool,

    /// Do not check the servers' error logs after each test.
    #[arg(long = "nowarnings")]
    pub no_warnings: bool,

    /// Compare the servers' state before and after each test (the default).
    #[arg(long, overrides_with = "no_check_testcases")]
    pub check_testcases: bool,

    /// Do not compare the servers' state before and after each test.
    #[arg(
        long = "nocheck-testcases",
        alias = "no-check-testcases",
        overrides_with = "check_testcases"
    )]
    pub no_check_testcases: bool,

    /// Seconds every `sleep` command waits instead of its own value.
    #[arg(long)]
    pub sleep: Option<f64>,

    /// Lines of output shown with a mysqltest failure.
    #[arg(long, default_value_t = 20)]
    pub tail_lines: usize,
}

impl Cli {
    /// The number of workers.
    pub fn workers(&self) -> anyhow::Result<usize> {
        if self.parallel == "auto" {
            return Ok(std::thread::available_parallelism().map_or(1, |n| n.get()));
        }
        let n: usize = self.parallel.parse().map_err(|_| {
            anyhow::anyhow!(
                "--parallel takes a number or 'auto', not '{}'",
                self.parallel
            )
        })?;
        anyhow::ensure!(n > 0, "--parallel must be at least 1");
        Ok(n)
    }

    /// The testcase timeout in minutes, as mtr takes it: `--testcase-timeout`
    /// (whole minutes), else `$MTR_TESTCASE_TIMEOUT` (any number), else 15.
    pub fn testcase_timeout(&self) -> anyhow::Result<f64> {
        let env = std::env::var("MTR_TESTCASE_TIMEOUT").ok();
        testcase_timeout_minutes(self.testcase_timeout, env.as_deref())
    }

    /// The trees `source` falls back to for a run on `tree` (see `--upstream-dir`).
    pub fn fallback_dirs(&self, tree: &Path) -> anyhow::Result<Vec<PathBuf>> {
        fallback_dirs(
            self.upstream_dir.as_deref(),
            Path::new(INSTALLED_TREE),
            tree,
        )
    }

    /// `--partition K/N` as (K, N), K from 1.
    pub fn partition(&self) -> anyhow::Result<Option<(usize, usize)>> {
        let Some(spec) = &self.partition else {
            return Ok(None);
        };
        let parsed = spec
            .split_once('/')
            .and_then(|(k, n)| Some((k.parse::<usize>().ok()?, n.parse::<usize>().ok()?)));
        match parsed {
            Some((k, n)) if n > 0 && (1..=n).contains(&k) => Ok(Some((k, n))),
            _ => anyhow::bail!("--partition takes K/N with 1 <= K <= N, not '{spec}'"),
        }
    }
}

/// The upstream tree given (`none`: nothing), else the installed one if
/// present; never the tree itself, which is searched anyway.
fn fallback_dirs(
    given: Option<&Path>,
    installed: &Path,
    tree: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let dir = match given {
        Some(dir) if dir == Path::new("none") => return Ok(Vec::new()),
        Some(dir) => dir
            .canonicalize()
            .with_context(|| format!("--upstream-dir {}", dir.display()))?,
        None => match installed.canonicalize() {
            Ok(dir) => dir,
            Err(_) => return Ok(Vec::new()),
        },
    };
    Ok(if dir == tree { Vec::new() } else { vec![dir] })
}

/// mtr's rule: the option wins; an empty or `0` variable counts as unset
/// (Perl's `||`); the value must come out above zero.
fn testcase_timeout_minutes(flag: Option<i64>, env: Option<&str>) -> anyhow::Result<f64> {
    let (text, minutes) = match (flag, env) {
        (Some(n), _) => (n.to_string(), n as f64),
        (None, Some(v)) if !v.is_empty() && v != "0" => (v.to_string(), perl_number(v)),
        _ => return Ok(15.0),
    };
    anyhow::ensure!(
        minutes > 0.0,
        "Invalid value '{text}' supplied for option --testcase-timeout"
    );
    Ok(minutes)
}

/// The number Perl reads from a string: its numeric prefix, else 0.
fn perl_number(text: &str) -> f64 {
    let text = text.trim_start();
    let end = (1..=text.len())
        .rev()
        .find(|&i| text.is_char_boundary(i) && text[..i].parse::<f64>().is_ok())
        .unwrap_or(0);
    text[..end].parse().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mtr_style_arguments() {
        let cli = Cli::parse_from([
            "rmtr",
            "main.a",
            "rpl.b,row",
            "--suite",
            "main,rpl",
            "--parallel",
            "auto",
            "--force",
        ]);
        assert_eq!(cli.tests, ["main.a", "rpl.b,row"]);
        assert_eq!(cli.suite, ["main", "rpl"]);
        assert!(cli.workers().unwrap() >= 1);
        assert!(cli.force);
    }

    #[test]
    fn the_upstream_tree_backs_up_our_own_tree_only() {
        let tmp = crate::testutil::TempTree::new("cli-upstream");
        tmp.write("ours/main/t/a.test", "");
        tmp.write("up/include/master-slave.inc", "");
        let ours = tmp.path("ours").canonicalize().unwrap();
        let up = tmp.path("up").canonicalize().unwrap();
        let missing = tmp.path("nothing-here");
        assert_eq!(fallback_dirs(None, &up, &ours).unwrap(), vec![up.clone()]);
        assert!(fallback_dirs(None, &missing, &ours).unwrap().is_empty());
        assert!(
            fallback_dirs(None, &up, &up).unwrap().is_empty(),
            "running upstream's own tree"
        );
        assert_eq!(
            fallback_dirs(Some(&up), &missing, &ours).unwrap(),
            vec![up.clone()]
        );
        assert!(
            fallback_dirs(Some(Path::new("none")), &up, &ours)
                .unwrap()
                .is_empty()
        );
        let err = fallback_dirs(Some(&missing), &up, &ours).unwrap_err();
        assert!(format!("{err:#}").starts_with("--upstream-dir "), "{err:#}");
    }

    #[test]
    fn partition_bounds() {
        let cli = Cli::parse_from(["rmtr", "--partition", "2/3"]);
        assert_eq!(cli.partition().unwrap(), Some((2, 3)));
        assert!(
            Cli::parse_from(["rmtr", "--partition", "4/3"])
                .partition()
                .is_err()
        );
        assert!(
            Cli::parse_from(["rmtr", "--partition", "x"])
                .partition()
                .is_err()
        );
    }

    #[test]
    fn testcase_timeout_like_mtr() {
        assert_eq!(testcase_timeout_minutes(None, None).unwrap(), 15.0);
        assert_eq!(testcase_timeout_minutes(None, Some("")).unwrap(), 15.0);
        assert_eq!(testcase_timeout_minutes(None, Some("0")).unwrap(), 15.0);
        assert_eq!(testcase_timeout_minutes(None, Some("0.1")).unwrap(), 0.1);
        assert_eq!(testcase_timeout_minutes(None, Some("30m")).unwrap(), 30.0);
        assert_eq!(testcase_timeout_minutes(Some(2), Some("7")).unwrap(), 2.0);
        let err = testcase_timeout_minutes(Some(0), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Invalid value '0' supplied for option --testcase-timeout"
        );
        assert!(testcase_timeout_minutes(None, Some("abc")).is_err());
        assert!(testcase_timeout_minutes(None, Some("-1")).is_err());
    }

    #[test]
    fn testcase_timeout_option_takes_whole_minutes() {
        let cli = Cli::parse_from(["rmtr", "--testcase-timeout", "3"]);
        assert_eq!(cli.testcase_timeout, Some(3));
        assert!(Cli::try_parse_from(["rmtr", "--testcase-timeout", "0.5"]).is_err());
    }

    #[test]
    fn check_testcases_switches_like_mtr() {
        let on = |args: &[&str]| {
            let cli = Cli::parse_from(std::iter::once("rmtr").chain(args.iter().copied()));
            !cli.no_check_testcases
        };
        assert!(on(&[]));
        assert!(!on(&["--nocheck-testcases"]));
        assert!(!on(&["--no-check-testcases"]));
        assert!(on(&["--nocheck-testcases", "--check-testcases"]));
        assert!(!on(&["--check-testcases", "--nocheck-testcases"]));
    }
}
