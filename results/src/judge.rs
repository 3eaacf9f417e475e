//! The verdict on one test's output: [`judge`] compares the bytes the
//! interpreter produced with the chosen `.result` file (or the base result
//! patched by its `.rdiff`), exactly. On a
//! mismatch it writes the `.reject` file and returns a unified diff; with
//! `record` it writes the `.result` file instead. The runner turns the
//! [`Judgement`] into an [`Outcome`] with [`Judgement::outcome`].

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::diff::UnifiedDiff;
use crate::outcome::{Failure, FailureKind, Outcome};
use crate::result_file::{ExpectedError, ResultChoice};
use crate::test_id::TestId;

/// What the comparison found, and which file it wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// Output equals the result file; any stale reject file was removed.
    Match,
    /// Record mode: the output was saved as the result file.
    Recorded {
        /// The result file written.
        path: PathBuf,
    },
    /// Output differs; it was saved as the reject file.
    Mismatch {
        /// Unified diff of result against reject, rendered for display.
        diff: String,
        /// Where the actual output was written.
        reject_path: PathBuf,
    },
    /// No result file exists and we were not recording; output saved as reject.
    MissingResult {
        /// The result file that was looked for.
        result_path: PathBuf,
        /// Where the actual output was written.
        reject_path: PathBuf,
    },
}

impl Judgement {
    /// The test outcome this judgement stands for: matches and recordings pass.
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::Match | Self::Recorded { .. } => Outcome::Pass,
            Self::Mismatch { diff, .. } => {
                Outcome::Fail(Failure::new(FailureKind::ResultMismatch, diff.clone()))
            }
            Self::MissingResult { result_path, .. } => Outcome::Fail(Failure::new(
                FailureKind::MissingResult,
                missing_result_message(result_path),
            )),
        }
    }
}

/// mysqltest's own wording for a test whose result file is absent.
pub fn missing_result_message(result_path: &Path) -> String {
    format!(
        "The specified result file '{}' does not exist",
        result_path.display()
    )
}

/// Where a test's reject file goes under the run's log directory:
/// `SUITE.TEST.reject`, with `,A,B` (sorted combinations) before the
/// extension so combinations running at once do not overwrite each other.
pub fn reject_path(log_dir: &Path, id: &TestId) -> PathBuf {
    let combinations = id
        .combination_label()
        .map(|label| format!(",{label}"))
        .unwrap_or_default();
    log_dir.join(format!("{}{combinations}.reject", id.full_name()))
}

/// A file could not be read, written or removed while judging.
#[derive(Debug, Error)]
pub enum JudgeError {
    /// The expected output could not be read or made from its patch.
    #[error(transparent)]
    Expected(#[from] ExpectedError),
    /// The result file exists but could not be read.
    #[error("cannot read result file {path}")]
    ReadResult {
        /// The result file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// A result or reject file (or its directory) could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The file being written.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// A reject file left by an earlier run could not be removed.
    #[error("cannot remove stale reject file {path}")]
    RemoveReject {
        /// The reject file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
}

/// Compares `actual` with the result file of `expected` byte for byte.
/// Writes the reject file at `reject_path` on a mismatch or a missing result;
/// with `record`, writes `actual` to the result file instead.
pub fn judge(
    actual: &[u8],
    expected: &ResultChoice,
    reject_path: &Path,
    record: bool,
) -> Result<Judgement, JudgeError> {
    let result_path = expected.path();
    if record {
        return record_result(actual, result_path, reject_path);
    }
    match expected.expected()? {
        Some(expected_bytes) if expected_bytes == actual => {
            remove_stale_reject(reject_path)?;
            Ok(Judgement::Match)
        }
        Some(expected_bytes) => {
            write_file(reject_path, actual)?;
            let diff = UnifiedDiff::new(
                &expected_bytes,
                actual,
                &result_path.display().to_string(),
                &reject_path.display().to_string(),
            );
            Ok(Judgement::Mismatch {
                diff: diff.to_string_lossy().into_owned(),
                reject_path: reject_path.to_path_buf(),
            })
        }
        None => {
            write_file(reject_path, actual)?;
            Ok(Judgement::MissingResult {
                result_path: result_path.to_path_buf(),
                reject_path: reject_path.to_path_buf(),
            })
        }
    }
}

/// Record mode: saves the output as the result file (untouched when equal).
fn record_result(
    actual: &[u8],
    result_path: &Path,
    reject_path: &Path,
) -> Result<Judgement, JudgeError> {
    if read_result(result_path)?.as_deref() != Some(actual) {
        write_file(result_path, actual)?;
    }
    remove_stale_reject(reject_path)?;
    Ok(Judgement::Recorded {
        path: result_path.to_path_buf(),
    })
}

/// The result file's bytes, or `None` when it does not exist.
fn read_result(path: &Path) -> Result<Option<Vec<u8>>, JudgeError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(source) if source.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(JudgeError::ReadResult {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes `bytes` to `path`, creating its directory first.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), JudgeError> {
    let result = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => fs::create_dir_all(dir),
        _ => Ok(()),
    }
    .and_then(|()| fs::write(path, bytes));
    result.map_err(|source| JudgeError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Removes a reject file left by an earlier failing run, if there is one.
fn remove_stale_reject(path: &Path) -> Result<(), JudgeError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(source) if source.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(JudgeError::RemoveReject {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_dir::TestDir;

    struct Setup {
        dir: TestDir,
        result: PathBuf,
        reject: PathBuf,
    }

    fn setup(result_content: Option<&[u8]>) -> Setup {
        let dir = TestDir::new("judge");
        let result = dir.path().join("r/t.result");
        if let Some(content) = result_content {
            fs::create_dir_all(result.parent().unwrap()).unwrap();
            fs::write(&result, content).unwrap();
        }
        let reject = dir.path().join("var/log/main.t.reject");
        Setup {
            dir,
            result,
            reject,
        }
    }

    fn existing(setup: &Setup) -> ResultChoice {
        ResultChoice::Existing(setup.result.clone())
    }

    #[test]
    fn a_patched_result_is_judged_and_recorded_as_mtr_does() {
        let s = setup(Some(b"a\nb\n"));
        let rdiff = s.dir.path().join("r/t,x.rdiff");
        fs::write(&rdiff, "@@ -1,2 +1,2 @@\n a\n-b\n+c\n").unwrap();
        let choice = ResultChoice::Patched(crate::result_file::PatchedResult {
            rdiff,
            base: s.result.clone(),
            generated: s.dir.path().join("r/t,x.result~"),
        });
        assert_eq!(
            judge(b"a\nc\n", &choice, &s.reject, false).unwrap(),
            Judgement::Match
        );
        assert!(matches!(
            judge(b"a\nb\n", &choice, &s.reject, false).unwrap(),
            Judgement::Mismatch { .. }
        ));
        let recorded = judge(b"a\nd\n", &choice, &s.reject, true).unwrap();
        let generated = s.dir.path().join("r/t,x.result~");
        assert_eq!(
            recorded,
            Judgement::Recorded {
                path: generated.clone()
            }
        );
        assert_eq!(fs::read(&generated).unwrap(), b"a\nd\n");
        assert_eq!(fs::read(&s.result).unwrap(), b"a\nb\n", "the base stays");
    }

    #[test]
    fn reject_paths_name_suite_test_and_combinations() {
        let plain = TestId::new("main", "t", vec![]);
        assert_eq!(
            reject_path(Path::new("var/log"), &plain),
            Path::new("var/log/main.t.reject")
        );
        let combined = TestId::new("rpl", "x", vec!["stmt".into(), "mariadb".into()]);
        let want = Path::new("var/log/rpl.x,mariadb,stmt.reject");
        assert_eq!(reject_path(Path::new("var/log"), &combined), want);
    }

    #[test]
    fn equal_bytes_match_and_remove_a_stale_reject() {
        let s = setup(Some(b"select 1;\n1\n1\n"));
        fs::create_dir_all(s.reject.parent().unwrap()).unwrap();
        fs::write(&s.reject, "old").unwrap();
        let verdict = judge(b"select 1;\n1\n1\n", &existing(&s), &s.reject, false).unwrap();
        assert_eq!(verdict, Judgement::Match);
        assert_eq!(verdict.outcome(), Outcome::Pass);
        assert!(!s.reject.exists());
    }

    #[test]
    fn mismatch_writes_the_reject_and_diffs_against_it() {
        let s = setup(Some(b"a\nb\n"));
        let verdict = judge(b"a\nc\n", &existing(&s), &s.reject, false).unwrap();
        let Judgement::Mismatch { diff, reject_path } = &verdict else {
            panic!("expected a mismatch, got {verdict:?}");
        };
        assert_eq!(reject_path, &s.reject);
        assert_eq!(fs::read(&s.reject).unwrap(), b"a\nc\n");
        let header = format!("--- {}\n+++ {}\n", s.result.display(), s.reject.display());
        assert!(diff.starts_with(&header), "{diff}");
        assert!(diff.ends_with("@@ -1,2 +1,2 @@\n a\n-b\n+c\n"), "{diff}");
        let failure = verdict.outcome().failure().cloned().unwrap();
        assert_eq!(failure.kind, FailureKind::ResultMismatch);
        assert_eq!(&failure.message, diff);
    }

    #[test]
    fn comparison_is_exact_on_bytes() {
        let s = setup(Some(b"caf\xe9\n"));
        let verdict = judge(b"caf\xc3\xa9\n", &existing(&s), &s.reject, false).unwrap();
        assert!(matches!(verdict, Judgement::Mismatch { .. }));
        assert_eq!(fs::read(&s.reject).unwrap(), b"caf\xc3\xa9\n");
    }

    #[test]
    fn record_writes_the_result_creating_directories() {
        let s = setup(None);
        let choice = ResultChoice::Missing(s.result.clone());
        let verdict = judge(b"out\n", &choice, &s.reject, true).unwrap();
        assert_eq!(
            verdict,
            Judgement::Recorded {
                path: s.result.clone()
            }
        );
        assert_eq!(fs::read(&s.result).unwrap(), b"out\n");
        assert!(!s.reject.exists());
    }

    #[test]
    fn record_overwrites_a_different_result() {
        let s = setup(Some(b"old\n"));
        judge(b"new\n", &existing(&s), &s.reject, true).unwrap();
        assert_eq!(fs::read(&s.result).unwrap(), b"new\n");
    }

    #[test]
    fn missing_result_writes_the_reject_and_uses_mysqltest_wording() {
        let s = setup(None);
        let choice = ResultChoice::Missing(s.result.clone());
        let verdict = judge(b"out\n", &choice, &s.reject, false).unwrap();
        assert_eq!(
            verdict,
            Judgement::MissingResult {
                result_path: s.result.clone(),
                reject_path: s.reject.clone()
            }
        );
        assert_eq!(fs::read(&s.reject).unwrap(), b"out\n");
        let failure = verdict.outcome().failure().cloned().unwrap();
        assert_eq!(failure.kind, FailureKind::MissingResult);
        let want = format!(
            "The specified result file '{}' does not exist",
            s.result.display()
        );
        assert_eq!(failure.message, want);
        assert!(s.dir.path().exists());
    }

    #[test]
    fn unwritable_reject_is_an_error() {
        let s = setup(Some(b"a\n"));
        // A file where the reject's directory should be makes the write fail.
        fs::write(s.dir.path().join("var"), "not a dir").unwrap();
        let err = judge(b"b\n", &existing(&s), &s.reject, false).unwrap_err();
        assert!(matches!(err, JudgeError::Write { .. }), "{err:?}");
        assert!(err.to_string().starts_with("cannot write "));
    }
}
