//! Helpers for the runner's unit tests: small throw-away trees, and the
//! installed upstream mysql-test tree, whose real templates and suites serve
//! as a second source of truth.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where the distribution package installs mysql-test.
const INSTALLED_ROOT: &str = "/usr/share/mysql/mysql-test";

/// The installed tree; on CI its absence fails the test, elsewhere the test returns early.
pub fn installed_root() -> Option<PathBuf> {
    let root = PathBuf::from(INSTALLED_ROOT);
    let complete = root.join("include/default_my.cnf").is_file()
        && root.join("suite/rpl/t").is_dir()
        && root.join("main").is_dir();
    if complete {
        return Some(root);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{INSTALLED_ROOT} is missing: install the mariadb-test package on CI");
    }
    None
}

/// A directory under the system temp dir holding a small tree, removed when dropped.
pub struct TempTree {
    root: PathBuf,
}

impl TempTree {
    /// A fresh, empty directory whose name includes `label` and is unique in this process.
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("rmtr-test-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        TempTree {
            root: std::fs::canonicalize(root).unwrap(),
        }
    }

    /// A path inside the tree.
    pub fn path(&self, relative: &str) -> PathBuf {
        if relative.is_empty() {
            return self.root.clone();
        }
        self.root.join(relative)
    }

    /// Writes a file (creating parent directories) and returns its path.
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new("/"))).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A test case with nothing set but its name, for tests to fill in what
/// they look at with struct update syntax.
pub fn test_case(id: rmtr_results::TestId) -> crate::discover::TestCase {
    crate::discover::TestCase {
        id,
        path: PathBuf::new(),
        suite_dir: PathBuf::new(),
        result_dir: PathBuf::new(),
        template: PathBuf::new(),
        master_opts: Vec::new(),
        slave_opts: Vec::new(),
        timezone: None,
        rpl_test: false,
        big_test: false,
        master_sh: None,
        slave_sh: None,
        skip: None,
    }
}

/// `t.cnf` in `tmp` with one server whose port `[ENV]` exports as
/// `MASTER_MYPORT` (16000), generated with `tmp/var` as the var directory.
pub fn one_server_config(tmp: &TempTree) -> (crate::config::Config, PathBuf) {
    tmp.write("t.cnf", "[mysqld.1]\n[ENV]\nMASTER_MYPORT=@mysqld.1.port\n");
    let no_env = |_: &str| None;
    let vardir = tmp.path("var");
    let args = crate::config::FactoryArgs::new(
        "/usr".into(),
        tmp.path(""),
        vardir.clone(),
        16000,
        &no_env,
    );
    let config = crate::config::generate(Path::new("t.cnf"), &args).unwrap();
    (config, vardir)
}
