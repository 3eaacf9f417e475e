//! Counts of a run, built from its events: passes, failures, skips (and how
//! many the tests decided themselves), retry-passes, server restarts, and
//! the failing tests in the order they failed. Reporters print from it and
//! the runner takes its exit code from [`Summary::exit_code`].

use std::io;
use std::time::Duration;

use crate::events::Event;
use crate::outcome::{Outcome, TestReport};
use crate::report::reporter::Reporter;

/// Running totals of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Tests announced by `RunStarted`.
    pub planned: usize,
    /// Tests that passed, retry-passes included.
    pub passed: usize,
    /// Tests that failed on their last attempt.
    pub failed: usize,
    /// Tests skipped, for any reason but a disabled list.
    pub skipped: usize,
    /// Tests a disabled list kept from running.
    pub disabled: usize,
    /// Of the skipped tests, those that skipped themselves.
    pub skipped_by_test: usize,
    /// Tests that passed after failing first.
    pub retry_passed: usize,
    /// Server restarts the workers reported.
    pub restarts: usize,
    /// `suite.name` of each failing test, first failure first, without repeats.
    pub failing: Vec<String>,
    /// `suite.name` of each test whose check-testcase found differences.
    pub check_failed: Vec<String>,
    /// Time spent in tests that passed, as mtr counts it.
    pub passed_time: Duration,
    /// Wall time of the run, once it finished.
    pub wall: Duration,
    /// True when the run stopped early.
    pub interrupted: bool,
}

impl Summary {
    /// An empty summary.
    pub fn new() -> Self {
        Self::default()
    }

    /// Updates the counts from one event.
    pub fn record(&mut self, event: &Event) {
        match event {
            Event::RunStarted { tests, .. } => self.planned = *tests,
            Event::TestFinished(report) => self.record_test(report),
            Event::ServerRestarted { .. } => self.restarts += 1,
            Event::CheckFailed { id, .. } => {
                let name = id.full_name();
                if !self.check_failed.contains(&name) {
                    self.check_failed.push(name);
                }
            }
            Event::RunFinished { wall, interrupted } => {
                self.wall = *wall;
                self.interrupted = *interrupted;
            }
            Event::TestStarted { .. } | Event::TestRetrying { .. } | Event::Note(_) => {}
        }
    }

    /// Counts one finished test.
    fn record_test(&mut self, report: &TestReport) {
        match &report.outcome {
            Outcome::Pass => {
                self.passed += 1;
                self.passed_time += report.duration;
                self.retry_passed += usize::from(report.attempts > 1);
            }
            Outcome::Fail(_) => {
                self.failed += 1;
                let name = report.id.full_name();
                if !self.failing.contains(&name) {
                    self.failing.push(name);
                }
            }
            Outcome::Skipped { disabled: true, .. } => self.disabled += 1,
            Outcome::Skipped { by_test, .. } => {
                self.skipped += 1;
                self.skipped_by_test += usize::from(*by_test);
            }
        }
    }

    /// Tests that ran to a verdict (passed or failed); skips do not count, as in mtr.
    pub fn completed(&self) -> usize {
        self.passed + self.failed
    }

    /// Share of completed tests that passed, in percent (100 when none ran).
    pub fn success_percent(&self) -> f64 {
        match self.completed() {
            0 => 100.0,
            n => self.passed as f64 * 100.0 / n as f64,
        }
    }

    /// 0 when nothing failed and the run was not interrupted, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.failed > 0 || self.interrupted)
    }
}

impl Reporter for Summary {
    /// A summary is itself a reporter: it only counts.
    fn handle(&mut self, event: &Event) -> io::Result<()> {
        self.record(event);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Failure, FailureKind};
    use crate::test_id::TestId;

    fn finished(name: &str, combo: &str, outcome: Outcome, attempts: u32) -> Event {
        Event::TestFinished(TestReport {
            id: TestId::new("rpl", name, vec![combo.into()]),
            outcome,
            duration: Duration::from_millis(100),
            attempts,
            worker: 1,
            result_file: None,
        })
    }

    fn fail() -> Outcome {
        Outcome::Fail(Failure::new(FailureKind::ResultMismatch, "diff"))
    }

    fn skip(by_test: bool) -> Outcome {
        Outcome::Skipped {
            reason: "no".into(),
            by_test,
            disabled: false,
        }
    }

    #[test]
    fn counts_each_outcome_and_lists_failures_once() {
        let mut summary = Summary::new();
        let events = [
            Event::RunStarted {
                tests: 6,
                workers: 1,
                server: "s".into(),
            },
            finished("a", "mix", Outcome::Pass, 1),
            finished("b", "mix", fail(), 1),
            finished("b", "row", fail(), 1),
            finished("c", "mix", Outcome::Pass, 2),
            finished("d", "mix", skip(true), 1),
            finished("e", "mix", skip(false), 1),
            finished(
                "f",
                "mix",
                Outcome::Skipped {
                    reason: "MDEV-1".into(),
                    by_test: false,
                    disabled: true,
                },
                1,
            ),
            Event::ServerRestarted {
                worker: 1,
                reason: "opts".into(),
            },
        ];
        events.iter().for_each(|e| summary.record(e));
        assert_eq!((summary.passed, summary.failed, summary.skipped), (2, 2, 2));
        assert_eq!(summary.disabled, 1);
        assert_eq!((summary.skipped_by_test, summary.retry_passed), (1, 1));
        assert_eq!(summary.failing, vec!["rpl.b".to_string()]);
        assert_eq!(summary.completed(), 4);
        assert_eq!(summary.restarts, 1);
        assert_eq!(summary.passed_time, Duration::from_millis(200));
        assert!((summary.success_percent() - 50.0).abs() < 1e-9);
        assert_eq!(summary.exit_code(), 1);
    }

    #[test]
    fn exit_code_is_zero_only_without_failures_or_interruption() {
        let mut summary = Summary::new();
        summary.record(&finished("a", "mix", Outcome::Pass, 1));
        summary.record(&finished("b", "mix", skip(false), 1));
        assert_eq!(summary.exit_code(), 0);
        summary.record(&Event::RunFinished {
            wall: Duration::ZERO,
            interrupted: true,
        });
        assert_eq!(summary.exit_code(), 1);
    }
}
