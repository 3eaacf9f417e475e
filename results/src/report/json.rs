//! A JSON summary of a run for scripts and dashboards: totals, wall time,
//! and one entry per finished test. Reports are collected from events and
//! the file is written on `RunFinished`; [`JsonReport`] also deserializes,
//! so tools (and tests) can read the file back.

use std::fs;
use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::events::Event;
use crate::outcome::{Outcome, TestReport};
use crate::report::reporter::Reporter;
use crate::report::summary::Summary;
use crate::test_id::TestId;

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonReport {
    /// Counts over all finished tests.
    pub totals: JsonTotals,
    /// Wall time of the run in milliseconds.
    pub wall_ms: u64,
    /// True when the run stopped early.
    pub interrupted: bool,
    /// One entry per finished test, in the order they finished.
    pub tests: Vec<JsonTest>,
}

/// Run totals, as the console summary counts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonTotals {
    /// Tests announced at the start.
    pub planned: usize,
    /// Passed tests, retry-passes included.
    pub passed: usize,
    /// Failed tests.
    pub failed: usize,
    /// Skipped tests.
    pub skipped: usize,
    /// Skipped tests that skipped themselves.
    pub skipped_by_test: usize,
    /// Tests that passed after failing first.
    pub retry_passed: usize,
}

/// One finished test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonTest {
    /// `suite.name`.
    pub name: String,
    /// Combination names, sorted.
    pub combinations: Vec<String>,
    /// `pass`, `fail` or `skipped`.
    pub outcome: String,
    /// The failure kind (`result_mismatch`, …) for a failure; `by_test` or
    /// `by_runner` for a skip; absent for a pass.
    pub kind: Option<String>,
    /// Failure text or skip reason.
    pub message: Option<String>,
    /// Time of the last attempt in milliseconds.
    pub duration_ms: u64,
    /// Attempts made; more than 1 means it was retried.
    pub attempts: u32,
    /// The worker that ran it (0 when none did).
    pub worker: usize,
    /// The result file compared with or recorded, if any.
    pub result_file: Option<String>,
    /// What check-testcase found changed by a test that passed, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

impl From<&TestReport> for JsonTest {
    /// Flattens a report into the JSON shape.
    fn from(report: &TestReport) -> Self {
        let (kind, message) = match &report.outcome {
            Outcome::Pass => (None, None),
            Outcome::Fail(failure) => (
                Some(failure.kind.as_str().to_string()),
                Some(failure.message.clone()),
            ),
            Outcome::Skipped {
                reason,
                by_test,
                disabled,
            } => {
                let who = match (*disabled, *by_test) {
                    (true, _) => "disabled",
                    (false, true) => "by_test",
                    (false, false) => "by_runner",
                };
                (Some(who.to_string()), Some(reason.clone()))
            }
        };
        let mut combinations = report.id.combinations.clone();
        combinations.sort();
        Self {
            name: report.id.full_name(),
            combinations,
            outcome: report.outcome.as_str().to_string(),
            kind,
            message,
            duration_ms: millis(report.duration),
            attempts: report.attempts,
            worker: report.worker,
            result_file: report.result_file.as_ref().map(|p| p.display().to_string()),
            check: None,
        }
    }
}

impl From<&Summary> for JsonTotals {
    /// Copies the counts.
    fn from(summary: &Summary) -> Self {
        Self {
            planned: summary.planned,
            passed: summary.passed,
            failed: summary.failed,
            skipped: summary.skipped,
            skipped_by_test: summary.skipped_by_test,
            retry_passed: summary.retry_passed,
        }
    }
}

/// Whole milliseconds, saturating (no run lasts 584 million years).
fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Collects test reports and writes the JSON summary when the run ends.
pub struct JsonReporter {
    path: PathBuf,
    summary: Summary,
    tests: Vec<JsonTest>,
}

impl JsonReporter {
    /// A reporter that will write to `path` (its directory is created if needed).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            summary: Summary::new(),
            tests: Vec::new(),
        }
    }

    /// The report of everything seen so far.
    pub fn build(&self) -> JsonReport {
        JsonReport {
            totals: JsonTotals::from(&self.summary),
            wall_ms: millis(self.summary.wall),
            interrupted: self.summary.interrupted,
            tests: self.tests.clone(),
        }
    }

    /// Puts a check-testcase report on the test's latest entry.
    fn attach_check(&mut self, id: &TestId, report: &str) {
        let name = id.full_name();
        let mut combinations = id.combinations.clone();
        combinations.sort();
        if let Some(test) = self
            .tests
            .iter_mut()
            .rev()
            .find(|t| t.name == name && t.combinations == combinations)
        {
            test.check = Some(report.to_string());
        }
    }

    /// Writes the file, pretty-printed.
    fn write(&self) -> io::Result<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let file = io::BufWriter::new(fs::File::create(&self.path)?);
        serde_json::to_writer_pretty(file, &self.build()).map_err(io::Error::other)
    }
}

impl Reporter for JsonReporter {
    /// Counts every event, keeps finished tests, writes the file at the end.
    fn handle(&mut self, event: &Event) -> io::Result<()> {
        self.summary.record(event);
        match event {
            Event::TestFinished(report) => self.tests.push(JsonTest::from(report)),
            Event::CheckFailed { id, report } => self.attach_check(id, report),
            Event::RunFinished { .. } => self.write()?,
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Failure, FailureKind};
    use crate::test_dir::TestDir;
    use std::path::Path;
    use std::time::Duration;

    fn report(
        name: &str,
        outcome: Outcome,
        attempts: u32,
        result_file: Option<&str>,
    ) -> TestReport {
        TestReport {
            id: TestId::new("rpl", name, vec!["stmt".into(), "innodb".into()]),
            outcome,
            duration: Duration::from_micros(1_234_567),
            attempts,
            worker: 2,
            result_file: result_file.map(PathBuf::from),
        }
    }

    fn run_to_file(path: &Path, events: &[Event]) -> JsonReport {
        let mut json = JsonReporter::new(path);
        for event in events {
            json.handle(event).unwrap();
        }
        serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn written_file_parses_back_with_totals_and_entries() {
        let dir = TestDir::new("json");
        let path = dir.path().join("out/report.json");
        let failure = Failure::new(FailureKind::TestError, "mysqltest: At line 1: oops");
        let skip = Outcome::Skipped {
            reason: "Need ROW".into(),
            by_test: true,
            disabled: false,
        };
        let events = [
            Event::RunStarted {
                tests: 3,
                workers: 2,
                server: "bundled".into(),
            },
            Event::TestFinished(report("a", Outcome::Pass, 2, Some("r/a,stmt.result"))),
            Event::TestFinished(report("b", Outcome::Fail(failure), 1, None)),
            Event::TestFinished(report("c", skip, 1, None)),
            Event::RunFinished {
                wall: Duration::from_millis(4321),
                interrupted: false,
            },
        ];
        let parsed = run_to_file(&path, &events);
        let totals = JsonTotals {
            planned: 3,
            passed: 1,
            failed: 1,
            skipped: 1,
            skipped_by_test: 1,
            retry_passed: 1,
        };
        assert_eq!(parsed.totals, totals);
        assert_eq!(parsed.wall_ms, 4321);
        assert!(!parsed.interrupted);
        let a = &parsed.tests[0];
        assert_eq!(
            (a.name.as_str(), a.outcome.as_str(), a.kind.as_deref()),
            ("rpl.a", "pass", None)
        );
        assert_eq!(a.combinations, ["innodb", "stmt"]);
        assert_eq!((a.duration_ms, a.attempts, a.worker), (1234, 2, 2));
        assert_eq!(a.result_file.as_deref(), Some("r/a,stmt.result"));
        let b = &parsed.tests[1];
        assert_eq!(
            (b.outcome.as_str(), b.kind.as_deref()),
            ("fail", Some("test_error"))
        );
        assert_eq!(b.message.as_deref(), Some("mysqltest: At line 1: oops"));
        let c = &parsed.tests[2];
        assert_eq!(
            (c.outcome.as_str(), c.kind.as_deref()),
            ("skipped", Some("by_test"))
        );
        assert_eq!(c.message.as_deref(), Some("Need ROW"));
    }

    #[test]
    fn nothing_is_written_before_the_run_ends() {
        let dir = TestDir::new("json_early");
        let path = dir.path().join("report.json");
        let mut json = JsonReporter::new(&path);
        json.handle(&Event::TestFinished(report("a", Outcome::Pass, 1, None)))
            .unwrap();
        assert!(!path.exists());
        assert_eq!(json.build().tests.len(), 1);
    }

    #[test]
    fn a_check_report_goes_on_the_tests_entry() {
        let mut json = JsonReporter::new("/nonexistent/report.json");
        for name in ["a", "b"] {
            json.handle(&Event::TestFinished(report(name, Outcome::Pass, 1, None)))
                .unwrap();
        }
        let id = TestId::new("rpl", "a", vec!["innodb".into(), "stmt".into()]);
        json.handle(&Event::CheckFailed {
            id,
            report: "MTR's internal check".into(),
        })
        .unwrap();
        let built = json.build();
        assert_eq!(
            built.tests[0].check.as_deref(),
            Some("MTR's internal check")
        );
        assert_eq!(built.tests[1].check, None);
        let text = serde_json::to_string(&built.tests[1]).unwrap();
        assert!(!text.contains("check"), "{text}");
    }
}
