//! Which `.result` file a test is compared with. Given the suite's result
//! directory, the test name and the test's combination names (the runner
//! adds the server flavor, e.g. `mariadb`, as one more candidate), this picks
//! the file mysql-test-run would: `r/test,A,B.result` over `r/test,A.result`
//! over `r/test.result`. When none exists, the answer is where `--record`
//! should write: `r/test.result`.

use std::cmp::Reverse;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// The expected-output file for one test, found or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultChoice {
    /// This file exists and holds the expected output.
    Existing(PathBuf),
    /// No result file exists; this is where recording would put it.
    Missing(PathBuf),
}

impl ResultChoice {
    /// The chosen path, whether it exists or not.
    pub fn path(&self) -> &Path {
        match self {
            Self::Existing(path) | Self::Missing(path) => path,
        }
    }

    /// True when a result file was found.
    pub fn exists(&self) -> bool {
        matches!(self, Self::Existing(_))
    }
}

/// Listing the result directory failed for a reason other than its absence.
#[derive(Debug, Error)]
#[error("cannot list result directory {path}")]
pub struct ResultFileError {
    /// The directory we tried to list.
    pub path: PathBuf,
    /// What the operating system said.
    #[source]
    pub source: io::Error,
}

/// Picks the result file for `test` in `result_dir` among the variants named
/// by `combinations`. More matching combination names win; among equals, the
/// sorted names compare ascending. A missing directory means no file.
pub fn choose_result_file(
    result_dir: &Path,
    test: &str,
    combinations: &[String],
) -> Result<ResultChoice, ResultFileError> {
    let names = match list_file_names(result_dir) {
        Ok(names) => names,
        Err(source) if source.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(source) => {
            return Err(ResultFileError {
                path: result_dir.to_path_buf(),
                source,
            });
        }
    };
    let best = names
        .iter()
        .filter_map(|name| candidate_key(name, test, combinations).map(|key| (key, name)))
        .min();
    Ok(match best {
        Some((_, name)) => ResultChoice::Existing(result_dir.join(name)),
        None => ResultChoice::Missing(result_dir.join(format!("{test}.result"))),
    })
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
/// "99 minus the count", then the sorted names followed by `~`; the trailing
/// `~` is kept so `a,b` vs `a` compares the same way. The file name breaks
/// the remaining ties so the choice is deterministic.
type CandidateKey = (Reverse<usize>, String, String);

/// The rank of `file_name` if it is `test[,comb…].result` with every
/// combination among `combinations`, else `None`.
fn candidate_key(file_name: &str, test: &str, combinations: &[String]) -> Option<CandidateKey> {
    let rest = file_name.strip_suffix(".result")?.strip_prefix(test)?;
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
    Some((Reverse(used.len()), sort_text, file_name.to_string()))
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
    fn missing_directory_gives_the_record_path() {
        let dir = TestDir::new("result_file_missing");
        let rdir = dir.path().join("r");
        let choice = choose_result_file(&rdir, "foo", &[]).unwrap();
        assert_eq!(choice, ResultChoice::Missing(rdir.join("foo.result")));
    }
}
