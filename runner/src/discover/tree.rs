//! The layout of a test tree: where each suite lives and which suites exist.
//!
//! Two layouts are understood. Upstream's mysql-test directory keeps `main/`
//! at the top, every other suite under `suite/NAME` (names may nest, like
//! `compat/oracle`) and plugin suites under `plugin/*/NAME`. Our own tree
//! keeps every suite at the top as `NAME/t` and `NAME/r`. Both share
//! `include/` at the top. A root path goes in (made absolute once, so every
//! path derived from it compares as a string); suite directories, suite names
//! and the fallback templates come out.

use std::path::{Path, PathBuf};

use super::error::DiscoverError;

/// The suite every tree has, searched first.
pub const MAIN_SUITE: &str = "main";
/// How deep nested suite names under `suite/` are looked for.
const MAX_NESTING: usize = 3;

/// A test tree rooted at an absolute directory.
#[derive(Debug, Clone)]
pub struct Tree {
    root: PathBuf,
}

impl Tree {
    /// Opens a tree; the root must exist and is made absolute.
    pub fn open(root: &Path) -> Result<Tree, DiscoverError> {
        let root = std::fs::canonicalize(root).map_err(|e| DiscoverError::read(root, e))?;
        if !root.is_dir() {
            return Err(DiscoverError::read(
                &root,
                std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
            ));
        }
        Ok(Tree { root })
    }

    /// The absolute root (mysql-test's own directory).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of a suite: `NAME/` with tests, else `suite/NAME`, else `plugin/*/NAME`.
    pub fn suite_dir(&self, name: &str) -> Option<PathBuf> {
        if name.is_empty() {
            return None;
        }
        if name == MAIN_SUITE {
            let dir = self.root.join(MAIN_SUITE);
            return dir.is_dir().then_some(dir);
        }
        let top = self.root.join(name);
        if top.join("t").is_dir() {
            return Some(top);
        }
        let upstream = self.root.join("suite").join(name);
        if upstream.is_dir() {
            return Some(upstream);
        }
        self.plugin_dirs()
            .into_iter()
            .map(|plugin| plugin.join(name))
            .find(|dir| dir.is_dir())
    }

    /// Every suite of the tree: `main` first, then the others by name.
    pub fn all_suites(&self) -> Vec<String> {
        let mut names = Vec::new();
        for dir in subdirs(&self.root) {
            let name = file_name(&dir);
            if name != MAIN_SUITE && dir.join("t").is_dir() {
                names.push(name);
            }
        }
        self.collect_nested(&self.root.join("suite"), "", 0, &mut names);
        for plugin in self.plugin_dirs() {
            for dir in subdirs(&plugin) {
                if holds_tests(&dir) {
                    names.push(file_name(&dir));
                }
            }
        }
        names.sort();
        names.dedup();
        names.retain(|name| name != MAIN_SUITE);
        if self.root.join(MAIN_SUITE).is_dir() {
            names.insert(0, MAIN_SUITE.to_string());
        }
        names
    }

    /// The suite a `.test` file belongs to, when it lies in a suite of this tree.
    pub fn suite_of_test_file(&self, file: &Path) -> Option<String> {
        let file = std::fs::canonicalize(file).ok()?;
        let parent = file.parent()?;
        let suite_dir = if parent.file_name()? == "t" {
            parent.parent()?
        } else {
            parent
        };
        let name = self.name_of_suite_dir(suite_dir)?;
        (self.suite_dir(&name).as_deref() == Some(suite_dir)).then_some(name)
    }

    /// The template of tests that set up replication in a suite without `my.cnf`.
    pub fn rpl_template(&self) -> PathBuf {
        self.suite_dir("rpl")
            .unwrap_or_else(|| self.root.join("suite/rpl"))
            .join("my.cnf")
    }

    /// The template of every other test without a `.cnf` of its own.
    pub fn default_template(&self) -> PathBuf {
        self.root.join("include/default_my.cnf")
    }

    /// `plugin/*` directories, sorted.
    fn plugin_dirs(&self) -> Vec<PathBuf> {
        subdirs(&self.root.join("plugin"))
    }

    /// Adds suites found under `dir` (named `prefix/child`), descending into non-suites.
    fn collect_nested(&self, dir: &Path, prefix: &str, depth: usize, names: &mut Vec<String>) {
        if depth >= MAX_NESTING {
            return;
        }
        for child in subdirs(dir) {
            let name = format!("{prefix}{}", file_name(&child));
            if holds_tests(&child) {
                names.push(name);
            } else {
                self.collect_nested(&child, &format!("{name}/"), depth + 1, names);
            }
        }
    }

    /// The suite name a directory would have in this tree, from its position alone.
    fn name_of_suite_dir(&self, dir: &Path) -> Option<String> {
        if dir == self.root.join(MAIN_SUITE) {
            return Some(MAIN_SUITE.to_string());
        }
        if let Ok(rest) = dir.strip_prefix(self.root.join("suite")) {
            return Some(rest.to_string_lossy().into_owned());
        }
        if let Ok(rest) = dir.strip_prefix(self.root.join("plugin")) {
            let mut parts = rest.components();
            parts.next()?;
            return Some(parts.as_path().to_string_lossy().into_owned());
        }
        (dir.parent()? == self.root).then(|| file_name(dir))
    }
}

/// Whether a directory is a suite: it has `t/` or `.test` files of its own.
fn holds_tests(dir: &Path) -> bool {
    if dir.join("t").is_dir() {
        return true;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries
        .flatten()
        .any(|e| e.file_name().to_string_lossy().ends_with(".test"))
}

/// The subdirectories of `dir`, sorted; none if it cannot be read.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The last component of a path as a string.
fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::TempTree;

    #[test]
    fn our_layout_keeps_suites_at_the_top() {
        let tmp = TempTree::new("tree-ours");
        tmp.write("main/t/a.test", "");
        tmp.write("rpl/t/b.test", "");
        tmp.write("include/x.inc", "");
        let tree = Tree::open(&tmp.path("")).unwrap();
        assert_eq!(tree.all_suites(), ["main", "rpl"]);
        assert_eq!(tree.suite_dir("rpl").unwrap(), tree.root().join("rpl"));
        assert_eq!(tree.rpl_template(), tree.root().join("rpl/my.cnf"));
        assert_eq!(
            tree.suite_of_test_file(&tmp.path("rpl/t/b.test"))
                .as_deref(),
            Some("rpl")
        );
        assert_eq!(tree.suite_dir("include"), None, "include holds no t/");
    }

    #[test]
    fn upstream_layout_with_nested_and_plugin_suites() {
        let tmp = TempTree::new("tree-upstream");
        tmp.write("main/a.test", "");
        tmp.write("include/analyze.test", "");
        tmp.write("suite/rpl/t/b.test", "");
        tmp.write("suite/compat/oracle/t/c.test", "");
        tmp.write("plugin/p/psuite/t/d.test", "");
        let tree = Tree::open(&tmp.path("")).unwrap();
        assert_eq!(
            tree.all_suites(),
            ["main", "compat/oracle", "psuite", "rpl"]
        );
        let root = tree.root().to_path_buf();
        assert_eq!(tree.suite_dir("main").unwrap(), root.join("main"));
        assert_eq!(
            tree.suite_dir("compat/oracle").unwrap(),
            root.join("suite/compat/oracle")
        );
        assert_eq!(
            tree.suite_dir("psuite").unwrap(),
            root.join("plugin/p/psuite")
        );
        assert_eq!(tree.suite_dir("nosuch"), None);
        assert_eq!(tree.rpl_template(), root.join("suite/rpl/my.cnf"));
        assert_eq!(
            tree.suite_of_test_file(&tmp.path("main/a.test")).as_deref(),
            Some("main")
        );
        assert_eq!(
            tree.suite_of_test_file(&tmp.path("plugin/p/psuite/t/d.test"))
                .as_deref(),
            Some("psuite")
        );
        assert_eq!(
            tree.suite_of_test_file(&tmp.path("include/analyze.test")),
            None
        );
    }

    #[test]
    fn a_missing_root_is_an_error_naming_it() {
        let err = Tree::open(Path::new("/nonexistent/rmtr-tree")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read /nonexistent/rmtr-tree"),
            "{err}"
        );
    }
}
