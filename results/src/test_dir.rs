//! A scratch directory for unit tests, removed when dropped. Each call gets
//! a fresh directory under the system temp dir, so tests can run in parallel.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counter that keeps directory names unique within one test process.
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A temporary directory owned by one test.
pub struct TestDir {
    path: PathBuf,
}

impl TestDir {
    /// Creates an empty directory whose name starts with `label`.
    pub fn new(label: &str) -> Self {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("rmtr-results-{label}-{}-{n}", std::process::id());
        let path = std::env::temp_dir().join(name);
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create test dir");
        Self { path }
    }

    /// Where the directory is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TestDir {
    /// Cleans up; failures are ignored because they cannot fail a test usefully.
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
