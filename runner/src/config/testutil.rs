//! Helpers for the configuration tests: throw-away directories with small
//! files in them, and the location of an installed mysql-test tree whose real
//! templates serve as a second source of truth.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where the distribution package installs mysql-test.
const INSTALLED_ROOT: &str = "/usr/share/mysql/mysql-test";

/// The installed mysql-test tree; on CI its absence is a failure, elsewhere the test is skipped.
pub fn installed_root() -> Option<PathBuf> {
    let root = PathBuf::from(INSTALLED_ROOT);
    if root.join("include/default_my.cnf").is_file() {
        return Some(root);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{INSTALLED_ROOT} is missing: install the mariadb-test package on CI");
    }
    None
}

/// A directory under the system temp dir, removed when dropped.
pub struct TempDir {
    root: PathBuf,
}

impl TempDir {
    /// A fresh, empty directory whose name includes `label` and is unique in this process.
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("rmtr-config-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        TempDir { root }
    }

    /// A path inside the directory.
    pub fn path(&self, relative: &str) -> PathBuf {
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

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
