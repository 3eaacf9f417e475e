//! Helpers for the discovery tests: small throw-away trees, and the installed
//! upstream mysql-test tree that the real mysql-test-run collects from.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where the distribution package installs mysql-test.
const INSTALLED_ROOT: &str = "/usr/share/mysql/mysql-test";

/// The installed tree; on CI its absence fails the test, elsewhere the test returns early.
pub fn installed_root() -> Option<PathBuf> {
    let root = PathBuf::from(INSTALLED_ROOT);
    if root.join("suite/rpl/t").is_dir() && root.join("main").is_dir() {
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
            std::env::temp_dir().join(format!("rmtr-discover-{label}-{}-{n}", std::process::id()));
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
