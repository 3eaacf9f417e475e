//! What the runner tells reporters, in the order things happen. The runner
//! never prints; it sends each [`Event`] to every reporter, which renders it
//! (console table, JUnit XML, JSON). Events serialize, so a run can also be
//! streamed or stored as JSON.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::outcome::TestReport;
use crate::test_id::TestId;

/// One thing that happened during a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The run begins: how many tests, how many workers, which server.
    RunStarted {
        /// Tests to run, counting each combination once.
        tests: usize,
        /// Workers running tests in parallel.
        workers: usize,
        /// The server the tests run against, as the user should see it.
        server: String,
    },
    /// A worker started a test.
    TestStarted {
        /// The test.
        id: TestId,
        /// The worker, counted from 1.
        worker: usize,
    },
    /// An attempt failed and the test will run again; the report holds that attempt.
    TestRetrying {
        /// The failed attempt.
        report: TestReport,
        /// The most attempts this test may get.
        max_attempts: u32,
    },
    /// A test is done for good (pass, final failure, or skip).
    TestFinished(TestReport),
    /// A test that passed changed its servers' state (mtr's check-testcase
    /// found differences); it still counts as passed, as in mtr.
    CheckFailed {
        /// The test.
        id: TestId,
        /// mtr's explanation and the diff of the states.
        report: String,
    },
    /// A worker restarted its servers (changed options, a crash, a test's request).
    ServerRestarted {
        /// The worker, counted from 1.
        worker: usize,
        /// Why, in a few words.
        reason: String,
    },
    /// A free-form line of information for the user.
    Note(String),
    /// The run is over.
    RunFinished {
        /// Wall-clock time of the whole run.
        wall: Duration,
        /// True when the run stopped early (Ctrl-C, too many failures).
        interrupted: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Failure, FailureKind, Outcome};

    #[test]
    fn events_round_trip_through_json() {
        let report = TestReport {
            id: TestId::new("rpl", "x", vec!["row".into()]),
            outcome: Outcome::Fail(Failure::new(FailureKind::Timeout, "late")),
            duration: Duration::from_millis(1500),
            attempts: 1,
            worker: 2,
            result_file: None,
        };
        let events = vec![
            Event::RunStarted {
                tests: 1,
                workers: 2,
                server: "bundled".into(),
            },
            Event::TestFinished(report),
            Event::CheckFailed {
                id: TestId::new("rpl", "x", Vec::new()),
                report: "diff".into(),
            },
            Event::RunFinished {
                wall: Duration::from_secs(2),
                interrupted: false,
            },
        ];
        let json = serde_json::to_string(&events).unwrap();
        assert!(json.contains("\"kind\":\"timeout\""), "{json}");
        let back: Vec<Event> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, events);
    }
}
