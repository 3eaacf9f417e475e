//! What happened to one test: [`Outcome`] (pass, fail with a [`Failure`], or
//! skipped) and the [`TestReport`] the runner sends to reporters once a test
//! is done. The runner fills these in; reporters only read them.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::test_id::TestId;

/// Why a test did not pass; reporters print details differently per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// Output differs from the `.result` file; the message is the unified diff.
    ResultMismatch,
    /// mysqltest itself failed; the message is its error text plus the tail of output.
    TestError,
    /// The test ran longer than allowed; see [`Failure::timeout`] for the message.
    Timeout,
    /// A server died while the test ran; the message holds what we know (log excerpt).
    ServerCrashed,
    /// The error-log check after the test found unexpected warnings.
    Warnings,
    /// The servers for this test could not be started.
    ServerStart,
    /// There is no `.result` file and we were not recording.
    MissingResult,
}

impl FailureKind {
    /// Stable snake_case name used in JSON and JUnit `type` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResultMismatch => "result_mismatch",
            Self::TestError => "test_error",
            Self::Timeout => "timeout",
            Self::ServerCrashed => "server_crashed",
            Self::Warnings => "warnings",
            Self::ServerStart => "server_start",
            Self::MissingResult => "missing_result",
        }
    }
}

/// A failed test: what kind of failure, and the text that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Which check failed.
    pub kind: FailureKind,
    /// Human-readable detail, printed below the test's line.
    pub message: String,
}

/// First words of a timeout message; the console lifts the rest into its tag line.
pub(crate) const TIMEOUT_PREFIX: &str = "Test case timeout after ";

impl Failure {
    /// Builds a failure of any kind.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// A timeout, worded like mtr (`Test case timeout after N seconds`), then
    /// whatever tail of the test log the runner has.
    pub fn timeout(after: Duration, log_tail: &str) -> Self {
        let mut message = format!("{TIMEOUT_PREFIX}{} seconds", after.as_secs());
        if !log_tail.is_empty() {
            message.push_str("\n\n");
            message.push_str(log_tail);
        }
        Self::new(FailureKind::Timeout, message)
    }
}

/// The end state of one test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Output matched (or was recorded).
    Pass,
    /// The test failed; see [`Failure`].
    Fail(Failure),
    /// The test did not run to completion on purpose.
    Skipped {
        /// Why, as shown after `[ skipped ]`.
        reason: String,
        /// True when the test skipped itself (`--skip`), false when the runner decided.
        by_test: bool,
        /// Listed in a `disabled.def`: shown as `[ disabled ]` and, as in
        /// mtr, not counted among the skipped tests.
        #[serde(default)]
        disabled: bool,
    },
}

impl Outcome {
    /// Short word for the outcome, used in JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail(_) => "fail",
            Self::Skipped { .. } => "skipped",
        }
    }

    /// The failure, when there is one.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Self::Fail(failure) => Some(failure),
            _ => None,
        }
    }
}

/// Everything reporters need to know about one finished test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestReport {
    /// Which test.
    pub id: TestId,
    /// How it ended.
    pub outcome: Outcome,
    /// Wall time of this attempt.
    pub duration: Duration,
    /// Which attempt this was: 1 for the first try; more than 1 with a pass is a retry-pass.
    pub attempts: u32,
    /// Worker that ran it, counted from 1 (shown as `w1` when there are several).
    pub worker: usize,
    /// The `.result` file compared against (or recorded), when one was chosen.
    pub result_file: Option<PathBuf>,
}

impl TestReport {
    /// True when the test passed only after at least one failed attempt.
    pub fn is_retry_pass(&self) -> bool {
        self.outcome == Outcome::Pass && self.attempts > 1
    }

    /// The result file's name when it is a variant (`test,x.result`) rather
    /// than the default `test.result`; the console points such files out.
    pub fn variant_result_name(&self) -> Option<String> {
        let file_name = self.result_file.as_ref()?.file_name()?.to_string_lossy();
        let default = format!("{}.result", self.id.name);
        (file_name != default.as_str()).then(|| file_name.into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(outcome: Outcome, attempts: u32, result_file: Option<&str>) -> TestReport {
        TestReport {
            id: TestId::new("rpl", "rpl_x", vec!["mix".into()]),
            outcome,
            duration: Duration::from_millis(5),
            attempts,
            worker: 1,
            result_file: result_file.map(PathBuf::from),
        }
    }

    #[test]
    fn retry_pass_needs_pass_and_several_attempts() {
        assert!(report(Outcome::Pass, 2, None).is_retry_pass());
        assert!(!report(Outcome::Pass, 1, None).is_retry_pass());
        let fail = Outcome::Fail(Failure::new(FailureKind::TestError, "x"));
        assert!(!report(fail, 3, None).is_retry_pass());
    }

    #[test]
    fn variant_result_name_only_for_non_default_files() {
        let variant = report(Outcome::Pass, 1, Some("/s/r/rpl_x,mix.result"));
        assert_eq!(
            variant.variant_result_name().as_deref(),
            Some("rpl_x,mix.result")
        );
        let default = report(Outcome::Pass, 1, Some("/s/r/rpl_x.result"));
        assert_eq!(default.variant_result_name(), None);
        assert_eq!(report(Outcome::Pass, 1, None).variant_result_name(), None);
    }

    #[test]
    fn timeout_message_names_the_limit_and_keeps_the_tail() {
        let failure = Failure::timeout(Duration::from_secs(900), "last line");
        assert_eq!(failure.kind, FailureKind::Timeout);
        assert_eq!(
            failure.message,
            "Test case timeout after 900 seconds\n\nlast line"
        );
    }
}
