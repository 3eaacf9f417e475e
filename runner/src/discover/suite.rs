//! One suite as discovery sees it: where its tests and results are, which
//! tests it has, which are disabled, and what every test of it inherits (the
//! suite's `combinations` file and `suite.opt`).
//!
//! A suite name and its directory go in (the directory comes from the tree);
//! a loaded [`Suite`] comes out. Tests live in `t/` when the suite has one,
//! else in the suite directory; results in `r/` when there is one, else beside
//! the tests. Both `disabled.def` and `t/disabled.def` are read.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::combinations::CombinationList;
use super::disabled::Disabled;
use super::error::DiscoverError;
use super::tags::Scanner;
use crate::config;

/// A loaded suite.
#[derive(Debug, Clone)]
pub struct Suite {
    pub name: String,
    /// The suite directory (mysqltest's `--suite-dir`).
    pub dir: PathBuf,
    /// Where the `.test` files are.
    pub tdir: PathBuf,
    /// Where the `.result` files are.
    pub rdir: PathBuf,
    /// Short names of its tests, sorted.
    pub cases: Vec<String>,
    pub disabled: Disabled,
    /// The suite-wide `combinations` file, applied before any include's.
    pub combinations: Option<Rc<CombinationList>>,
    /// `suite.opt`: options every server of every test gets first.
    pub opts: Vec<String>,
}

impl Suite {
    /// Reads a suite's directory layout, test list, disabled lists, combinations and options.
    pub fn load(name: &str, dir: &Path, scanner: &mut Scanner) -> Result<Suite, DiscoverError> {
        let tdir = existing_or(dir.join("t"), dir);
        let rdir = existing_or(dir.join("r"), &tdir);
        let mut disabled = Disabled::default();
        disabled.add_file(&dir.join("disabled.def"), name)?;
        disabled.add_file(&dir.join("t/disabled.def"), name)?;
        let combinations = scanner.list(&dir.join("combinations"))?;
        let suite_opt = dir.join("suite.opt");
        let opts = if suite_opt.is_file() {
            config::read_opt_file(&suite_opt)?
        } else {
            Vec::new()
        };
        Ok(Suite {
            name: name.to_string(),
            dir: dir.to_path_buf(),
            cases: list_cases(&tdir),
            tdir,
            rdir,
            disabled,
            combinations,
            opts,
        })
    }

    /// Whether the suite has a test of this short name.
    pub fn has_case(&self, name: &str) -> bool {
        self.cases
            .binary_search_by(|c| c.as_str().cmp(name))
            .is_ok()
    }

    /// A file beside the tests: `NAME.test`, `NAME.cnf`, `NAME-master.sh`…
    pub fn test_file(&self, name: &str, suffix: &str) -> PathBuf {
        self.tdir.join(format!("{name}{suffix}"))
    }

    /// The suite's own template, if it has one.
    pub fn my_cnf(&self) -> Option<PathBuf> {
        let path = self.dir.join("my.cnf");
        path.is_file().then_some(path)
    }
}

/// `preferred` if it is a directory, else `fallback`.
fn existing_or(preferred: PathBuf, fallback: &Path) -> PathBuf {
    if preferred.is_dir() {
        preferred
    } else {
        fallback.to_path_buf()
    }
}

/// Short names of the `.test` files in `tdir`, sorted; none if it cannot be read.
fn list_cases(tdir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(tdir) else {
        return Vec::new();
    };
    let mut cases: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".test")
                .filter(|stem| !stem.is_empty())
                .map(str::to_string)
        })
        .collect();
    cases.sort();
    cases
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::skips::SkipRules;
    use crate::testutil::TempTree;

    fn load(tmp: &TempTree, name: &str, dir: &str) -> Suite {
        let mut scanner = Scanner::new(&tmp.path(""), SkipRules::default());
        Suite::load(name, &tmp.path(dir), &mut scanner).unwrap()
    }

    #[test]
    fn t_and_r_directories_are_used_when_present() {
        let tmp = TempTree::new("suite-tr");
        tmp.write("s/t/b.test", "");
        tmp.write("s/t/a.test", "");
        tmp.write("s/t/a.opt", "");
        tmp.write("s/r/a.result", "");
        tmp.write("s/t/disabled.def", "b : not now\n");
        tmp.write("s/combinations", "[x]\n--x\n");
        tmp.write("s/suite.opt", "--from-suite\n");
        let suite = load(&tmp, "s", "s");
        assert_eq!(suite.cases, ["a", "b"]);
        assert_eq!(suite.tdir, tmp.path("s/t"));
        assert_eq!(suite.rdir, tmp.path("s/r"));
        assert!(suite.has_case("a") && !suite.has_case("c"));
        assert_eq!(suite.disabled.reason("s", "b"), Some("not now"));
        assert!(suite.combinations.is_some());
        assert_eq!(suite.opts, ["--from-suite"]);
        assert_eq!(suite.my_cnf(), None);
    }

    #[test]
    fn a_flat_suite_keeps_everything_in_one_directory() {
        let tmp = TempTree::new("suite-flat");
        tmp.write("main/x.test", "");
        tmp.write("main/x.result", "");
        tmp.write("main/my.cnf", "");
        let suite = load(&tmp, "main", "main");
        assert_eq!(suite.tdir, tmp.path("main"));
        assert_eq!(suite.rdir, tmp.path("main"));
        assert_eq!(suite.test_file("x", ".test"), tmp.path("main/x.test"));
        assert_eq!(suite.my_cnf(), Some(tmp.path("main/my.cnf")));
        assert!(suite.combinations.is_none());
    }
}
