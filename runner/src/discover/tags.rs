//! What a test file and everything it sources say about how to run it.
//!
//! A `.test` path (and the suite directory it is read for) goes in; a
//! [`FileScan`] comes out with the tags found (`include/big_test.inc`,
//! `include/master-slave.inc`, `include/long_test.inc` named on any line that
//! is not a `#` comment), the server options of the `.opt`, `-master.opt` and
//! `-slave.opt` files beside every sourced file (the includes' first, the
//! file's own last, so a test can override what an include set), and the
//! `.combinations` files that apply. `source` lines are
//! followed recursively; an include is looked up beside the file that sources
//! it, then in the suite directory, then at the tree root, then in the
//! fallback trees (upstream's mysql-test, whose includes our suites reuse),
//! and one that is found nowhere is ignored (the interpreter reports it when the test runs).
//! Results are cached per (suite directory, file), because the suite
//! directory takes part in the lookup.
//!
//! The order of the combination files is mysql-test-run's, which is not the
//! order of the `source` lines: at every level the files gathered from the
//! includes (in source order) and the file's own come out reversed, and a
//! file sourced twice counts twice (mtr means to sort and deduplicate them
//! there, but its sort call reverses the list instead). The order matters:
//! a skip applied before a list of combinations leaves one skipped case, after
//! it one per combination; a list applied twice names its combination twice.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::LazyLock;

use regex::Regex;

use super::combinations::{CombinationList, read_list};
use super::error::DiscoverError;
use super::skips::{SkipRules, combinations_path};
use crate::config;

/// A tag include named anywhere on a line.
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"include/(big_test|master-slave|long_test)\.inc").unwrap());
/// A `source FILE` or `--source FILE` line; the file name ends at `;` or a blank.
static SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[[:space:]]*(?:--)?[[:space:]]*source[[:space:]]+([^;[:space:]]+)").unwrap()
});

/// Properties a test gets from the includes it sources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tags {
    /// `include/big_test.inc`: runs only with `--big-test`.
    pub big_test: bool,
    /// `include/master-slave.inc`: a replication test.
    pub rpl_test: bool,
    /// `include/long_test.inc`: scheduled early.
    pub long_test: bool,
}

impl Tags {
    /// Both sets of tags together.
    fn union(self, other: Tags) -> Tags {
        Tags {
            big_test: self.big_test || other.big_test,
            rpl_test: self.rpl_test || other.rpl_test,
            long_test: self.long_test || other.long_test,
        }
    }

    /// Sets the tag named by `include/NAME.inc`.
    fn set(&mut self, name: &str) {
        match name {
            "big_test" => self.big_test = true,
            "master-slave" => self.rpl_test = true,
            _ => self.long_test = true,
        }
    }
}

/// What one file contributes, its includes' contributions included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileScan {
    pub tags: Tags,
    /// Options for servers without `#!use-slave-opt`.
    pub master: Vec<String>,
    /// Options for servers with `#!use-slave-opt`.
    pub slave: Vec<String>,
    /// `.combinations` paths that yield a list (a file or a skip rule), in the order they apply.
    pub combination_files: Vec<PathBuf>,
}

impl FileScan {
    /// Adds what a sourced file contributes.
    fn absorb(&mut self, child: &FileScan) {
        self.tags = self.tags.union(child.tags);
        self.master.extend(child.master.iter().cloned());
        self.slave.extend(child.slave.iter().cloned());
        self.combination_files
            .extend(child.combination_files.iter().cloned());
    }
}

/// Scans files, remembering every result.
#[derive(Debug)]
pub struct Scanner {
    root: PathBuf,
    /// Trees searched after the root.
    fallbacks: Vec<PathBuf>,
    rules: SkipRules,
    scans: HashMap<(PathBuf, PathBuf), Rc<FileScan>>,
    lists: HashMap<PathBuf, Option<Rc<CombinationList>>>,
    in_progress: HashSet<PathBuf>,
}

impl Scanner {
    /// A scanner for the tree at `root` under the given skip rules.
    pub fn new(root: &Path, rules: SkipRules) -> Scanner {
        Scanner {
            root: root.to_path_buf(),
            fallbacks: Vec::new(),
            rules,
            scans: HashMap::new(),
            lists: HashMap::new(),
            in_progress: HashSet::new(),
        }
    }

    /// The same scanner, also looking in these trees after the root.
    pub fn with_fallbacks(mut self, dirs: &[PathBuf]) -> Scanner {
        self.fallbacks = dirs.to_vec();
        self
    }

    /// The scan of `file` as read for the suite in `suite_dir`.
    pub fn scan(&mut self, file: &Path, suite_dir: &Path) -> Result<Rc<FileScan>, DiscoverError> {
        let key = (suite_dir.to_path_buf(), file.to_path_buf());
        if let Some(done) = self.scans.get(&key) {
            return Ok(done.clone());
        }
        if !self.in_progress.insert(file.to_path_buf()) {
            return Ok(Rc::new(FileScan::default()));
        }
        let result = self.scan_uncached(file, suite_dir);
        self.in_progress.remove(file);
        let scan = Rc::new(result?);
        self.scans.insert(key, scan.clone());
        Ok(scan)
    }

    /// The combination list of a `.combinations` path, read once.
    pub fn list(&mut self, path: &Path) -> Result<Option<Rc<CombinationList>>, DiscoverError> {
        if let Some(list) = self.lists.get(path) {
            return Ok(list.clone());
        }
        let list = read_list(path, &self.root, &self.rules)?.map(Rc::new);
        self.lists.insert(path.to_path_buf(), list.clone());
        Ok(list)
    }

    /// Reads `file` line by line, following `source` lines, then adds its own option files.
    fn scan_uncached(&mut self, file: &Path, suite_dir: &Path) -> Result<FileScan, DiscoverError> {
        let bytes = std::fs::read(file).map_err(|e| DiscoverError::read(file, e))?;
        let text = String::from_utf8_lossy(&bytes);
        let mut scan = FileScan::default();
        for line in text.split('\n').filter(|l| !l.starts_with('#')) {
            if let Some(caps) = TAG.captures(line) {
                scan.tags.set(&caps[1]);
            }
            let Some(caps) = SOURCE.captures(line) else {
                continue;
            };
            if let Some(included) = self.locate(&caps[1], file, suite_dir) {
                let child = self.scan(&included, suite_dir)?;
                scan.absorb(&child);
            }
        }
        let own = config::read_test_opts(file)?;
        scan.master.extend(own.master);
        scan.slave.extend(own.slave);
        let own_combinations = combinations_path(file);
        if self.list(&own_combinations)?.is_some() {
            scan.combination_files.push(own_combinations);
        }
        scan.combination_files.reverse();
        Ok(scan)
    }

    /// Where a sourced name is found: beside `from`, in the suite, at the root,
    /// in the fallback trees; files only.
    fn locate(&self, name: &str, from: &Path, suite_dir: &Path) -> Option<PathBuf> {
        let beside = from.parent().unwrap_or(Path::new(""));
        let fallbacks = self.fallbacks.iter().map(PathBuf::as_path);
        for dir in [beside, suite_dir, &self.root].into_iter().chain(fallbacks) {
            let candidate = PathBuf::from(format!("{}/{name}", dir.display()));
            if candidate == from {
                continue;
            }
            if candidate.exists() {
                return candidate.is_file().then_some(candidate);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::TempTree;

    fn scanner(tmp: &TempTree) -> Scanner {
        Scanner::new(&tmp.path(""), SkipRules::default())
    }

    #[test]
    fn tags_come_from_the_file_and_its_includes() {
        let tmp = TempTree::new("tags-tags");
        tmp.write(
            "include/master-slave.inc",
            "--source include/rpl_init.inc\n",
        );
        tmp.write("include/rpl_init.inc", "let $x= 1;\n");
        tmp.write("include/big_test.inc", "");
        tmp.write("s/include/helper.inc", "  source include/big_test.inc;\n");
        let test = tmp.write(
            "s/t/a.test",
            "# --source include/long_test.inc\n--source include/master-slave.inc\nsource include/helper.inc;\n",
        );
        let scan = scanner(&tmp).scan(&test, &tmp.path("s")).unwrap();
        assert_eq!(
            scan.tags,
            Tags {
                big_test: true,
                rpl_test: true,
                long_test: false
            },
            "the helper is found in the suite, the tags at the root; # lines do not count"
        );
    }

    #[test]
    fn options_of_includes_come_before_the_tests_own() {
        let tmp = TempTree::new("tags-opts");
        tmp.write("include/have_x.inc", "");
        tmp.write("include/have_x.opt", "--x-common\n");
        tmp.write("include/have_x-slave.opt", "--x-slave\n");
        tmp.write("s/t/a.opt", "--a-common\n");
        tmp.write("s/t/a-master.opt", "--a-master\n");
        let test = tmp.write("s/t/a.test", "--source include/have_x.inc\n");
        let scan = scanner(&tmp).scan(&test, &tmp.path("s")).unwrap();
        assert_eq!(scan.master, ["--x-common", "--a-common", "--a-master"]);
        assert_eq!(scan.slave, ["--x-common", "--x-slave", "--a-common"]);
    }

    #[test]
    fn combination_files_come_reversed_at_every_level_and_repeat() {
        let tmp = TempTree::new("tags-combs");
        tmp.write("include/inner.inc", "");
        tmp.write("include/inner.combinations", "[i1]\n[i2]\n");
        tmp.write("include/outer.inc", "--source include/inner.inc\n");
        tmp.write("include/outer.combinations", "[o]\n");
        tmp.write("s/t/a.combinations", "[own]\n");
        let test = tmp.write(
            "s/t/a.test",
            "--source include/outer.inc\n--source include/inner.inc\n",
        );
        let scan = scanner(&tmp).scan(&test, &tmp.path("s")).unwrap();
        let root = tmp.path("");
        assert_eq!(
            scan.combination_files,
            [
                root.join("s/t/a.combinations"),
                root.join("include/inner.combinations"),
                root.join("include/inner.combinations"),
                root.join("include/outer.combinations"),
            ],
            "outer.inc gives [outer, inner]; the test reverses [outer, inner, inner, own]"
        );
    }

    #[test]
    fn includes_found_nowhere_and_cycles_are_harmless() {
        let tmp = TempTree::new("tags-cycle");
        tmp.write("include/a.inc", "--source include/b.inc\n");
        tmp.write(
            "include/b.inc",
            "--source include/a.inc\n--source include/big_test.inc\n",
        );
        tmp.write("include/big_test.inc", "");
        let test = tmp.write(
            "s/t/a.test",
            "--source include/a.inc\n--source $MYSQL_TMP_DIR/gen.inc\n--source include/missing.inc\n",
        );
        let scan = scanner(&tmp).scan(&test, &tmp.path("s")).unwrap();
        assert!(scan.tags.big_test);
    }

    #[test]
    fn a_file_does_not_source_itself() {
        let tmp = TempTree::new("tags-self");
        tmp.write("include/x.inc", "--source x.inc\n");
        tmp.write("x.inc", "--source include/big_test.inc\n");
        tmp.write("include/big_test.inc", "");
        let inc = tmp.path("include/x.inc");
        let scan = scanner(&tmp).scan(&inc, &tmp.path("s")).unwrap();
        assert!(
            scan.tags.big_test,
            "the root's x.inc is sourced, not the file itself"
        );
    }

    #[test]
    fn an_unreadable_test_is_an_error_naming_it() {
        let tmp = TempTree::new("tags-missing");
        let err = scanner(&tmp)
            .scan(&tmp.path("s/t/none.test"), &tmp.path("s"))
            .unwrap_err();
        assert!(err.to_string().contains("none.test"), "{err}");
    }

    #[test]
    fn includes_missing_from_the_tree_come_from_the_fallback_tree() {
        let tmp = TempTree::new("tags-fallback");
        tmp.write(
            "ours/include/helper.inc",
            "--source include/master-slave.inc\n",
        );
        tmp.write(
            "up/include/master-slave.inc",
            "--source include/rpl_init.inc\n",
        );
        tmp.write("up/include/rpl_init.inc", "");
        tmp.write(
            "up/include/rpl_init.combinations",
            "[row]\nbinlog-format=row\n",
        );
        tmp.write("up/include/have_x.inc", "");
        tmp.write("up/include/have_x.opt", "--from-upstream\n");
        tmp.write("ours/include/have_x.inc", "");
        let test = tmp.write(
            "ours/s/t/a.test",
            "--source include/helper.inc\n--source include/have_x.inc\n",
        );
        let scan = Scanner::new(&tmp.path("ours"), SkipRules::default())
            .with_fallbacks(&[tmp.path("up")])
            .scan(&test, &tmp.path("ours/s"))
            .unwrap();
        assert!(scan.tags.rpl_test, "master-slave.inc found upstream");
        assert_eq!(
            scan.combination_files,
            [tmp.path("up/include/rpl_init.combinations")]
        );
        assert!(
            scan.master.is_empty(),
            "our have_x.inc wins over upstream's"
        );
    }
}
