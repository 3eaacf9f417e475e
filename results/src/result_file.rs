//! Which `.result` file a test is compared with. Given the suite's result
//! directory, the test name and the test's combination names (the runner
//! adds the server flavor, e.g. `mariadb`, as one more candidate), this picks
//! the file mysql-test-run would: `r/test,A,B.result` over `r/test,A.result`
//! over `r/test.result`, and among equals a `.result` over an `.rdiff`. A
//! chosen `.rdiff` is a patch to the next `.result` down that list; the
//! expected output is then that file patched ([`ResultChoice::expected`]),
//! and mtr's generated `r/test,A.result~` stands for it. When nothing
//! exists, the answer is where `--record` should write: `r/test.result`.

use std::cmp::Reverse;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::patch::{PatchError, apply_patch};

/// The expected-output file for one test, found or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultChoice {
    /// This file exists and holds the expected output.
    Existing(PathBuf),
    /// No result file exists; this is where recording would put it.
    Missing(PathBuf),
    /// An `.rdiff` patch to a base `.result`.
    Patched(PatchedResult),
}

/// An expected output made by patching a base result, as mtr makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchedResult {
    /// The `r/test,A.rdiff` file.
    pub rdiff: PathBuf,
    /// The `.result` it applies to.
    pub base: PathBuf,
    /// mtr's generated `r/test,A.result~`: used instead of patching when it
    /// is newer than both, and where `--record` writes.
    pub generated: PathBuf,
}

impl ResultChoice {
    /// The chosen path, whether it exists or not.
    pub fn path(&self) -> &Path {
        match self {
            Self::Existing(path) | Self::Missing(path) => path,
            Self::Patched(patched) => &patched.generated,
        }
    }

    /// True when a result file (or a patch and its base) was found.
    pub fn exists(&self) -> bool {
        !matches!(self, Self::Missing(_))
    }

    /// The expected output: the file's bytes, or the base patched by the
    /// `.rdiff` (unless the generated file is up to date); `None` when missing.
    pub fn expected(&self) -> Result<Option<Vec<u8>>, ExpectedError> {
        match self {
            Self::Missing(_) => Ok(None),
            Self::Existing(path) => read(path).map(Some),
            Self::Patched(patched) => patched.expected().map(Some),
        }
    }
}

impl PatchedResult {
    /// The generated file when it is newer than the patch and the base (as
    /// mtr reuses it), else the base patched now.
    fn expected(&self) -> Result<Vec<u8>, ExpectedError> {
        if self.generated_is_current() {
            return read(&self.generated);
        }
        let base = read(&self.base)?;
        let diff = read(&self.rdiff)?;
        apply_patch(&base, &diff).map_err(|source| ExpectedError::Patch {
            rdiff: self.rdiff.clone(),
            base: self.base.clone(),
            source,
        })
    }

    fn generated_is_current(&self) -> bool {
        let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
        match (
            modified(&self.generated),
            modified(&self.rdiff),
            modified(&self.base),
        ) {
            (Some(generated), Some(rdiff), Some(base)) => generated > rdiff && generated > base,
            _ => false,
        }
    }
}

/// The expected output could not be read or made.
#[derive(Debug, Error)]
pub enum ExpectedError {
    /// A result, base or patch file could not be read.
    #[error("cannot read result file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The `.rdiff` does not apply to its base.
    #[error("cannot apply {rdiff} to {base}")]
    Patch {
        /// The patch.
        rdiff: PathBuf,
        /// The result it was applied to.
        base: PathBuf,
        /// Which hunk failed.
        #[source]
        source: PatchError,
    },
}

fn read(path: &Path) -> Result<Vec<u8>, ExpectedError> {
    fs::read(path).map_err(|source| ExpectedError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The result directory could not be listed, or an `.rdiff` won and no
/// `.result` follows it.
#[derive(Debug, Error)]
pub enum ResultFileError {
    /// Listing failed for a reason other than the directory's absence.
    #[error("cannot list result directory {path}")]
    List {
        /// The directory we tried to list.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// mtr's own wording for a patch without a base.
    #[error("{} has no corresponding .result file", .0.display())]
    NoBase(PathBuf),
}

/// Picks the result file for `test` in `result_dir` among the variants named
/// by `combinations`. More matching combination names win; among equals, the
/// sorted names compare ascending, then `.result` before `.rdiff`. A missing
/// directory means no file.
pub fn choose_result_file(
    result_dir: &Path,
    test: &str,
    combinations: &[String],
) -> Result<ResultChoice, ResultFileError> {
    let names = match list_file_names(result_dir) {
        Ok(names) => names,
        Err(source) if source.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(source) => {
            return Err(ResultFileError::List {
                path: result_dir.to_path_buf(),
                source,
            });
        }
    };
    let mut ranked: Vec<(CandidateKey, &String)> = names
        .iter()
        .filter_map(|name| candidate_key(name, test, combinations).map(|key| (key, name)))
        .collect();
    ranked.sort();
    let mut files = ranked.into_iter().map(|(_, name)| result_dir.join(name));
    let Some(first) = files.next() else {
        return Ok(ResultChoice::Missing(
            result_dir.join(format!("{test}.result")),
        ));
    };
    if !is_rdiff(&first) {
        return Ok(ResultChoice::Existing(first));
    }
    let base = files
        .find(|f| !is_rdiff(f))
        .ok_or_else(|| ResultFileError::NoBase(first.clone()))?;
    Ok(ResultChoice::Patched(PatchedResult {
        generated: first.with_extension("result~"),
        rdiff: first,
        base,
    }))
}

fn is_rdiff(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rdiff")
}

/// Names of the entries in `dir` that are valid UTF-8 (test names are).
fn list_file_names(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        if let Ok(name) = entry?.file_name().into_string() {
            names.push(name);
        }
    }
    Ok(names)
}

/// How a candidate ranks: fewer is better. Mtr sorts on a text key of
/// "99 minus the count", then the sorted names followed by `~`, then
/// `.result` before `.rdiff`; the `~` is kept so `a,b` vs `a` compares the
/// same way. The file name breaks the remaining ties so the choice is
/// deterministic.
type CandidateKey = (Reverse<usize>, String, bool, String);

/// The rank of `file_name` if it is `test[,comb…].result` or `.rdiff` with
/// every combination among `combinations`, else `None`.
fn candidate_key(file_name: &str, test: &str, combinations: &[String]) -> Option<CandidateKey> {
    let (stem, rdiff) = match file_name.strip_suffix(".result") {
        Some(stem) => (stem, false),
        None => (file_name.strip_suffix(".rdiff")?, true),
    };
    let rest = stem.strip_prefix(test)?;
    let mut used: Vec<&str> = Vec::new();
    if !rest.is_empty() {
        for part in rest.strip_prefix(',')?.split(',') {
            if !combinations.iter().any(|c| c == part) {
                return None;
            }
            used.push(part);
        }
    }
    used.sort_unstable();
    let sort_text = format!("{}~", used.join(","));
    Some((Reverse(used.len()), sort_text, rdiff, file_name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_dir::TestDir;

    fn combos(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn dir_with(files: &[&str]) -> TestDir {
        let dir = TestDir::new("result_file");
        for file in files {
            fs::write(dir.path().join(file), "x\n").unwrap();
        }
        dir
    }

    fn chosen_name(dir: &TestDir, test: &str, names: &[&str]) -> ResultChoice {
        choose_result_file(dir.path(), test, &combos(names)).unwrap()
    }

    #[test]
    fn more_combinations_win() {
        let dir = dir_with(&["foo.result", "foo,mix.result", "foo,mariadb,mix.result"]);
        let choice = chosen_name(&dir, "foo", &["mix", "mariadb"]);
        assert_eq!(
            choice,
            ResultChoice::Existing(dir.path().join("foo,mariadb,mix.result"))
        );
    }

    #[test]
    fn equal_counts_pick_names_ascending() {
        let dir = dir_with(&["foo.result", "foo,stmt.result", "foo,mariadb.result"]);
        let choice = chosen_name(&dir, "foo", &["stmt", "mariadb"]);
        assert_eq!(
            choice,
            ResultChoice::Existing(dir.path().join("foo,mariadb.result"))
        );
    }

    #[test]
    fn variants_of_other_combinations_are_ignored() {
        let dir = dir_with(&["foo.result", "foo,row.result", "foo,mysql.result"]);
        let choice = chosen_name(&dir, "foo", &["mix", "mariadb"]);
        assert_eq!(
            choice,
            ResultChoice::Existing(dir.path().join("foo.result"))
        );
    }

    #[test]
    fn longer_test_names_sharing_the_prefix_do_not_match() {
        let dir = dir_with(&["foo_bar.result", "foobar,mix.result"]);
        let choice = chosen_name(&dir, "foo", &["mix"]);
        assert_eq!(choice, ResultChoice::Missing(dir.path().join("foo.result")));
        assert!(!choice.exists());
    }

    #[test]
    fn a_variant_is_used_even_without_the_default_file() {
        let dir = dir_with(&["foo,mix.result", "foo.rdiff", "foo,mix.rdiff"]);
        let choice = chosen_name(&dir, "foo", &["mix"]);
        assert_eq!(choice.path(), dir.path().join("foo,mix.result"));
        assert!(choice.exists());
    }

    #[test]
    fn tilde_rule_puts_longer_names_first_among_equal_counts() {
        // "aa~" sorts before "a~" because '~' is above every letter.
        let dir = dir_with(&["foo,a.result", "foo,aa.result"]);
        let choice = chosen_name(&dir, "foo", &["a", "aa"]);
        assert_eq!(choice.path(), dir.path().join("foo,aa.result"));
    }

    #[test]
    fn an_rdiff_patches_the_next_result_down_the_list() {
        let dir = dir_with(&["foo.result", "foo,a.rdiff", "foo,b.result", "foo.rdiff"]);
        let choice = chosen_name(&dir, "foo", &["a"]);
        let want = PatchedResult {
            rdiff: dir.path().join("foo,a.rdiff"),
            base: dir.path().join("foo.result"),
            generated: dir.path().join("foo,a.result~"),
        };
        assert_eq!(choice, ResultChoice::Patched(want));
        assert_eq!(choice.path(), dir.path().join("foo,a.result~"));
        assert!(choice.exists());
        let choice = chosen_name(&dir, "foo", &["a", "b"]);
        let ResultChoice::Patched(patched) = choice else {
            panic!("expected a patch: {choice:?}");
        };
        assert_eq!(patched.base, dir.path().join("foo,b.result"));
    }

    #[test]
    fn a_result_beats_an_rdiff_of_the_same_combinations() {
        let dir = dir_with(&["foo.result", "foo,a.rdiff", "foo,a.result"]);
        let choice = chosen_name(&dir, "foo", &["a"]);
        assert_eq!(
            choice,
            ResultChoice::Existing(dir.path().join("foo,a.result"))
        );
    }

    #[test]
    fn an_rdiff_without_a_base_is_an_error() {
        let dir = dir_with(&["foo,a.rdiff"]);
        let err = choose_result_file(dir.path(), "foo", &combos(&["a"])).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("foo,a.rdiff has no corresponding .result file")
        );
    }

    #[test]
    fn the_expected_output_is_the_patched_base_or_a_newer_generated_file() {
        let dir = TestDir::new("result_file_patched");
        let file = |name: &str, text: &str| {
            fs::write(dir.path().join(name), text).unwrap();
        };
        file("foo.result", "a\nb\nc\n");
        file(
            "foo,x.rdiff",
            "--- foo.result\n+++ foo,x.result\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n",
        );
        let choice = choose_result_file(dir.path(), "foo", &combos(&["x"])).unwrap();
        assert_eq!(choice.expected().unwrap().unwrap(), b"a\nB\nc\n");
        std::thread::sleep(std::time::Duration::from_millis(20));
        file("foo,x.result~", "recorded\n");
        assert_eq!(choice.expected().unwrap().unwrap(), b"recorded\n");
        std::thread::sleep(std::time::Duration::from_millis(20));
        file("foo.result", "a\nb\nc\nd\n");
        assert_eq!(choice.expected().unwrap().unwrap(), b"a\nB\nc\nd\n");
        file("foo.result", "z\n");
        assert!(matches!(
            choice.expected(),
            Err(ExpectedError::Patch { .. })
        ));
    }

    #[test]
    fn missing_directory_gives_the_record_path() {
        let dir = TestDir::new("result_file_missing");
        let rdir = dir.path().join("r");
        let choice = choose_result_file(&rdir, "foo", &[]).unwrap();
        assert_eq!(choice, ResultChoice::Missing(rdir.join("foo.result")));
    }
}
