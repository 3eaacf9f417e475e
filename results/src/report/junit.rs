//! JUnit XML for CI: one `<testsuite>` per suite, one `<testcase>` per test
//! (named `test 'combinations'`, classname the suite), with the failure text
//! or skip reason, and failed attempts of retried tests as reruns. Reports
//! are collected from events and the file is written on `RunFinished`.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestRerun, TestSuite};

use crate::events::Event;
use crate::outcome::{Failure, FailureKind, Outcome, TestReport};
use crate::report::reporter::Reporter;
use crate::test_id::TestId;

/// Name of the `<testsuites>` element.
const REPORT_NAME: &str = "rmtr";

/// Collects test reports and writes them as JUnit XML when the run ends.
pub struct JunitReporter {
    path: PathBuf,
    finished: Vec<TestReport>,
    retried: HashMap<TestId, Vec<TestReport>>,
}

impl JunitReporter {
    /// A reporter that will write to `path` (its directory is created if needed).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            finished: Vec::new(),
            retried: HashMap::new(),
        }
    }

    /// The JUnit report of everything seen so far; `wall` is the run's time.
    pub fn build(&self, wall: Duration) -> Report {
        let mut suites: BTreeMap<&str, Vec<&TestReport>> = BTreeMap::new();
        for report in &self.finished {
            suites.entry(&report.id.suite).or_default().push(report);
        }
        let mut junit = Report::new(REPORT_NAME);
        junit.set_time(wall);
        for (name, mut reports) in suites {
            reports.sort_by(|a, b| a.id.cmp(&b.id));
            junit.add_test_suite(self.suite(name, &reports));
        }
        junit
    }

    /// One `<testsuite>` with its cases and summed time.
    fn suite(&self, name: &str, reports: &[&TestReport]) -> TestSuite {
        let mut suite = TestSuite::new(name);
        suite.set_time(reports.iter().map(|r| r.duration).sum());
        for report in reports {
            let retries = self.retried.get(&report.id).map_or(&[][..], Vec::as_slice);
            suite.add_test_case(test_case(report, retries));
        }
        suite
    }

    /// Writes the XML file.
    fn write(&self, wall: Duration) -> io::Result<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let file = fs::File::create(&self.path)?;
        self.build(wall)
            .serialize(io::BufWriter::new(file))
            .map_err(|err| io::Error::other(format!("cannot write junit report: {err}")))
    }

    /// Where the report goes.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Reporter for JunitReporter {
    /// Keeps finished tests and failed attempts; writes the file at the end.
    fn handle(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::TestFinished(report) => self.finished.push(report.clone()),
            Event::TestRetrying { report, .. } => {
                self.retried
                    .entry(report.id.clone())
                    .or_default()
                    .push(report.clone());
            }
            Event::RunFinished { wall, .. } => self.write(*wall)?,
            _ => {}
        }
        Ok(())
    }
}

/// The `<testcase>` name: the test name, then `'combinations'` when there are any.
fn case_name(id: &TestId) -> String {
    match id.combination_label() {
        Some(label) => format!("{} '{label}'", id.name),
        None => id.name.clone(),
    }
}

/// One `<testcase>`, with earlier failed attempts attached.
fn test_case(report: &TestReport, retries: &[TestReport]) -> TestCase {
    let reruns = retries.iter().filter_map(rerun);
    let status = match &report.outcome {
        Outcome::Pass => TestCaseStatus::Success {
            flaky_runs: reruns.collect(),
        },
        Outcome::Fail(failure) => {
            let mut status = TestCaseStatus::non_success(junit_kind(failure.kind));
            describe(&mut status, failure);
            status.add_reruns(reruns);
            status
        }
        Outcome::Skipped {
            reason, by_test, ..
        } => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(reason.as_str());
            status.set_type(if *by_test {
                "skipped_by_test"
            } else {
                "skipped"
            });
            status
        }
    };
    let mut case = TestCase::new(case_name(&report.id), status);
    case.set_classname(report.id.suite.as_str());
    case.set_time(report.duration);
    case
}

/// Message (a one-line summary), type and full text of a failure.
fn describe(status: &mut TestCaseStatus, failure: &Failure) {
    status.set_message(headline(failure));
    status.set_type(failure.kind.as_str());
    status.set_description(failure.message.as_str());
}

/// A failed earlier attempt as a JUnit rerun.
fn rerun(report: &TestReport) -> Option<TestRerun> {
    let failure = report.outcome.failure()?;
    let mut rerun = TestRerun::new(junit_kind(failure.kind));
    rerun.set_message(headline(failure));
    rerun.set_type(failure.kind.as_str());
    rerun.set_description(failure.message.as_str());
    rerun.set_time(report.duration);
    Some(rerun)
}

/// Short text for the `message` attribute: mysqltest's words for a
/// mismatch, the first line of the message otherwise.
fn headline(failure: &Failure) -> String {
    match failure.kind {
        FailureKind::ResultMismatch => "Result content mismatch".to_string(),
        _ => failure
            .message
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// Failures of the test itself are `failure`; trouble around it is `error`.
fn junit_kind(kind: FailureKind) -> NonSuccessKind {
    match kind {
        FailureKind::Timeout | FailureKind::ServerCrashed | FailureKind::ServerStart => {
            NonSuccessKind::Error
        }
        FailureKind::ResultMismatch
        | FailureKind::TestError
        | FailureKind::Warnings
        | FailureKind::MissingResult => NonSuccessKind::Failure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_dir::TestDir;

    fn report(suite: &str, name: &str, combos: &[&str], outcome: Outcome) -> TestReport {
        TestReport {
            id: TestId::new(suite, name, combos.iter().map(|c| c.to_string()).collect()),
            outcome,
            duration: Duration::from_millis(250),
            attempts: 1,
            worker: 1,
            result_file: None,
        }
    }

    fn run_to_file(events: &[Event]) -> Report {
        let dir = TestDir::new("junit");
        let path = dir.path().join("reports/junit.xml");
        let mut junit = JunitReporter::new(&path);
        for event in events {
            junit.handle(event).unwrap();
        }
        let xml = fs::read_to_string(&path).unwrap();
        Report::deserialize_from_str(&xml).unwrap()
    }

    fn mismatch() -> Outcome {
        Outcome::Fail(Failure::new(
            FailureKind::ResultMismatch,
            "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n",
        ))
    }

    #[test]
    fn written_report_parses_back_with_suites_cases_and_statuses() {
        let skip = Outcome::Skipped {
            reason: "Requires debug build".into(),
            by_test: false,
            disabled: false,
        };
        let events = [
            Event::TestFinished(report("rpl", "b", &["stmt", "innodb"], mismatch())),
            Event::TestFinished(report("main", "a", &[], Outcome::Pass)),
            Event::TestFinished(report("rpl", "a", &["row"], skip)),
            Event::RunFinished {
                wall: Duration::from_secs(2),
                interrupted: false,
            },
        ];
        let parsed = run_to_file(&events);
        assert_eq!(parsed.tests, 3);
        assert_eq!(parsed.failures, 1);
        let names: Vec<&str> = parsed.test_suites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["main", "rpl"]);
        let rpl = &parsed.test_suites[1];
        let cases: Vec<&str> = rpl.test_cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cases, ["a 'row'", "b 'innodb,stmt'"]);
        assert_eq!(rpl.test_cases[1].classname.as_deref(), Some("rpl"));
        assert_eq!(rpl.test_cases[1].time, Some(Duration::from_millis(250)));
        let TestCaseStatus::NonSuccess {
            kind,
            message,
            ty,
            description,
            ..
        } = &rpl.test_cases[1].status
        else {
            panic!("expected a failure: {:?}", rpl.test_cases[1].status);
        };
        assert_eq!(*kind, NonSuccessKind::Failure);
        assert_eq!(message.as_deref(), Some("Result content mismatch"));
        assert_eq!(ty.as_deref(), Some("result_mismatch"));
        assert!(description.as_deref().unwrap().contains("-x\n+y"));
        let TestCaseStatus::Skipped { message, .. } = &rpl.test_cases[0].status else {
            panic!("expected a skip");
        };
        assert_eq!(message.as_deref(), Some("Requires debug build"));
    }

    #[test]
    fn retried_attempts_become_flaky_runs_of_a_pass() {
        let crashed = Outcome::Fail(Failure::new(FailureKind::ServerCrashed, "server gone\nlog"));
        let mut passed = report("rpl", "f", &[], Outcome::Pass);
        passed.attempts = 2;
        let events = [
            Event::TestRetrying {
                report: report("rpl", "f", &[], crashed),
                max_attempts: 3,
            },
            Event::TestFinished(passed),
            Event::RunFinished {
                wall: Duration::from_secs(1),
                interrupted: false,
            },
        ];
        let parsed = run_to_file(&events);
        let TestCaseStatus::Success { flaky_runs } = &parsed.test_suites[0].test_cases[0].status
        else {
            panic!("expected success");
        };
        assert_eq!(flaky_runs.len(), 1);
        assert_eq!(flaky_runs[0].kind, NonSuccessKind::Error);
        assert_eq!(flaky_runs[0].message.as_deref(), Some("server gone"));
    }

    #[test]
    fn nothing_is_written_before_the_run_ends() {
        let dir = TestDir::new("junit_early");
        let path = dir.path().join("junit.xml");
        let mut junit = JunitReporter::new(&path);
        junit
            .handle(&Event::TestFinished(report(
                "main",
                "a",
                &[],
                Outcome::Pass,
            )))
            .unwrap();
        assert!(!path.exists());
        assert_eq!(junit.path(), path);
    }
}
