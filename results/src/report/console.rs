//! The console table, laid out like mysql-test-run's: a header, one line per
//! test (`rpl.x 'mix'   w1 [ pass ]    970`), failure details below a failing
//! test's line, and the `Completed: …` summary at the end. Events come in
//! through [`Reporter::handle`]; text goes out to any `io::Write`. On a
//! terminal an optional progress bar on stderr sits below the lines.

use std::io::{self, Write};
use std::time::SystemTime;

use crate::events::Event;
use crate::outcome::{Failure, FailureKind, Outcome, TIMEOUT_PREFIX, TestReport};
use crate::report::progress::Progress;
use crate::report::reporter::Reporter;
use crate::report::summary::Summary;
use crate::report::timestamp::format_utc;
use crate::test_id::TestId;

/// Width the test name is padded to, as in mtr.
const NAME_WIDTH: usize = 40;

/// The rule under the header and above the summary.
const RULE: &str = "--------------------------------------------------------------------------";

/// Indent of the `Test ended at` line under a failure.
const DETAIL_INDENT: &str = "        ";

/// Renders run events as mtr's console table.
pub struct ConsoleReporter<W: Write> {
    out: W,
    summary: Summary,
    workers: usize,
    want_progress: bool,
    progress: Option<Progress>,
    clock: fn() -> SystemTime,
}

impl<W: Write> ConsoleReporter<W> {
    /// A reporter writing to `out`, without a progress bar.
    pub fn new(out: W) -> Self {
        Self {
            out,
            summary: Summary::new(),
            workers: 1,
            want_progress: false,
            progress: None,
            clock: SystemTime::now,
        }
    }

    /// Also draws a progress bar on stderr, but only if stderr is a terminal.
    pub fn with_progress(mut self) -> Self {
        self.want_progress = true;
        self
    }

    /// Takes "now" (for `Test ended at`) from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: fn() -> SystemTime) -> Self {
        self.clock = clock;
        self
    }

    /// The counts so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Gives back the writer, e.g. to inspect what was written.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// The text one event adds to the console.
    fn render(&self, event: &Event) -> String {
        let now = || format_utc((self.clock)());
        match event {
            Event::RunStarted {
                tests,
                workers,
                server,
            } => render_start(*tests, *workers, server),
            Event::TestFinished(report) => render_finished(report, self.workers, &now()),
            Event::TestRetrying {
                report,
                max_attempts,
            } => render_retrying(report, *max_attempts, self.workers, &now()),
            Event::Note(text) => format!("{text}\n"),
            Event::CheckFailed { report, .. } => format!("\n{report}\n"),
            Event::RunFinished { .. } => render_summary(&self.summary),
            Event::TestStarted { .. } | Event::ServerRestarted { .. } => String::new(),
        }
    }

    /// Keeps the progress bar in step with the event.
    fn update_progress(&mut self, event: &Event) {
        match event {
            Event::RunStarted { tests, .. } if self.want_progress => {
                self.progress = Progress::on_terminal(*tests);
            }
            Event::TestStarted { id, .. } => {
                if let Some(progress) = &self.progress {
                    progress.started(id.to_string());
                }
            }
            Event::TestFinished(_) => {
                if let Some(progress) = &self.progress {
                    progress.finished_one();
                }
            }
            Event::RunFinished { .. } => {
                if let Some(progress) = self.progress.take() {
                    progress.clear();
                }
            }
            _ => {}
        }
    }

    /// Writes `text` above the progress bar, if there is one.
    fn write_text(&mut self, text: &str) -> io::Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let out = &mut self.out;
        let mut write = || out.write_all(text.as_bytes()).and_then(|()| out.flush());
        match &self.progress {
            Some(progress) => progress.suspend(write),
            None => write(),
        }
    }
}

impl<W: Write> Reporter for ConsoleReporter<W> {
    /// Counts the event, prints its text, then moves the progress bar.
    fn handle(&mut self, event: &Event) -> io::Result<()> {
        if let Event::RunStarted { workers, .. } = event {
            self.workers = *workers;
        }
        self.summary.record(event);
        if matches!(event, Event::RunFinished { .. }) {
            self.update_progress(event);
        }
        let text = self.render(event);
        self.write_text(&text)?;
        if !matches!(event, Event::RunFinished { .. }) {
            self.update_progress(event);
        }
        Ok(())
    }
}

/// `n thing` or `n things`.
fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// What the run is about, then the table header.
fn render_start(tests: usize, workers: usize, server: &str) -> String {
    format!(
        "Running {} against {server} with {}\n\n{}",
        plural(tests, "test"),
        plural(workers, "worker"),
        header(workers)
    )
}

/// The column titles (with a WORKER column when several workers run) and the rule.
fn header(workers: usize) -> String {
    let middle = if workers > 1 {
        format!("{}WORKER ", " ".repeat(34))
    } else {
        " ".repeat(38)
    };
    format!("TEST{middle}RESULT   TIME (ms) or COMMENT\n{RULE}\n\n")
}

/// The start of a test's line: padded name, then `wN ` with several workers.
fn name_column(id: &TestId, worker: usize, workers: usize) -> String {
    let mut column = format!("{:<NAME_WIDTH$} ", id.to_string());
    if workers > 1 && worker > 0 {
        column.push_str(&format!("w{worker} "));
    }
    column
}

/// One finished test: its line and, for a failure, the details below it.
fn render_finished(report: &TestReport, workers: usize, now: &str) -> String {
    let name = name_column(&report.id, report.worker, workers);
    match &report.outcome {
        Outcome::Pass => format!("{name}{}\n", pass_tag(report)),
        Outcome::Skipped {
            reason,
            disabled: true,
            ..
        } => {
            format!("{name}[ disabled ]  {reason}\n")
        }
        Outcome::Skipped { reason, .. } if reason.is_empty() => format!("{name}[ skipped ]\n"),
        Outcome::Skipped { reason, .. } => format!("{name}[ skipped ]  {reason}\n"),
        Outcome::Fail(failure) => {
            let word = if report.attempts > 1 {
                "retry-fail"
            } else {
                "fail"
            };
            format!("{name}{}", failure_text(report, failure, word, now))
        }
    }
}

/// `[ pass ]` or `[ retry-pass ]`, the time in ms, and any variant result file used.
fn pass_tag(report: &TestReport) -> String {
    let word = if report.attempts > 1 {
        "retry-pass"
    } else {
        "pass"
    };
    let mut tag = format!("[ {word} ]  {:>5}", report.duration.as_millis());
    if let Some(variant) = report.variant_result_name() {
        tag.push_str(&format!("  using {variant}"));
    }
    tag
}

/// A failed attempt that will run again: its failure, then the retry notice.
fn render_retrying(report: &TestReport, max_attempts: u32, workers: usize, now: &str) -> String {
    let name = name_column(&report.id, report.worker, workers);
    let word = if report.attempts > 1 {
        "retry-fail"
    } else {
        "fail"
    };
    format!(
        "{name}{}\nRetrying test {}, attempt({}/{max_attempts})...\n\n",
        failure_text(report, failure_of(report), word, now),
        report.id.full_name(),
        report.attempts + 1
    )
}

/// The failure of a report that should hold one; an empty test error otherwise.
fn failure_of(report: &TestReport) -> &Failure {
    static UNKNOWN: Failure = Failure {
        kind: FailureKind::TestError,
        message: String::new(),
    };
    report.outcome.failure().unwrap_or(&UNKNOWN)
}

/// The tag (`[ fail ]` plus a word on timeouts and warnings), the end time,
/// and the details of the failure.
fn failure_text(report: &TestReport, failure: &Failure, word: &str, now: &str) -> String {
    let remark = match failure.kind {
        FailureKind::Timeout => format!("  {}", timeout_remark(&failure.message)),
        FailureKind::Warnings => "  Found warnings/errors in server log file!".to_string(),
        _ => String::new(),
    };
    format!(
        "[ {word} ]{remark}\n{DETAIL_INDENT}Test ended at {now}\n{}",
        failure_details(report, failure)
    )
}

/// `timeout after N seconds`, lifted from a message made by [`Failure::timeout`].
fn timeout_remark(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or_default();
    match first_line.strip_prefix(TIMEOUT_PREFIX) {
        Some(rest) => format!("timeout after {rest}"),
        None => "timeout".to_string(),
    }
}

/// What is printed under a failing test's line, by kind of failure.
fn failure_details(report: &TestReport, failure: &Failure) -> String {
    let message = failure.message.trim_end_matches('\n');
    let current = format!("CURRENT_TEST: {}", report.id.full_name());
    let mut text = match failure.kind {
        FailureKind::ResultMismatch => {
            format!("\n{current}\n{message}\n\nmysqltest: Result content mismatch\n")
        }
        FailureKind::MissingResult => format!("\n{current}\nmysqltest: {message}\n"),
        FailureKind::TestError => format!("\n{current}\n{message}\n"),
        // mtr prints the check's output right under the end time.
        FailureKind::Warnings => format!("{message}\n"),
        _ => format!("\n{message}\n"),
    };
    text.push_str(&result_file_note(report, failure.kind));
    text.push('\n');
    text
}

/// Names the result file after a mismatch, or after any failure when it was a variant.
fn result_file_note(report: &TestReport, kind: FailureKind) -> String {
    let Some(path) = &report.result_file else {
        return String::new();
    };
    let is_variant = report.variant_result_name().is_some();
    if kind == FailureKind::ResultMismatch || is_variant {
        format!("Result file: {}\n", path.display())
    } else {
        String::new()
    }
}

/// The closing block: rule, restarts, time spent, verdict, failing tests, skips.
fn render_summary(summary: &Summary) -> String {
    let mut text = format!(
        "{RULE}\nThe servers were restarted {} times\nSpent {:.3} of {} seconds executing testcases\n\n",
        summary.restarts,
        summary.passed_time.as_secs_f64(),
        summary.wall.as_secs()
    );
    if !summary.check_failed.is_empty() {
        text.push_str(&format!(
            "Check of testcase failed for: {}\n\n",
            summary.check_failed.join(" ")
        ));
    }
    let prefix = if summary.interrupted {
        "Interrupted"
    } else {
        "Completed"
    };
    if summary.failed == 0 {
        text.push_str(&format!(
            "{prefix}: All {} tests were successful.\n\n",
            summary.completed()
        ));
    } else {
        text.push_str(&format!(
            "{prefix}: Failed {}/{} tests, {:.2}% were successful.\n\nFailing test(s): {}\n\n",
            summary.failed,
            summary.completed(),
            summary.success_percent(),
            summary.failing.join(" ")
        ));
    }
    if summary.skipped > 0 {
        text.push_str(&format!(
            "{} tests were skipped, {} by the test itself.\n\n",
            summary.skipped, summary.skipped_by_test
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::{Duration, UNIX_EPOCH};

    /// 2024-05-01 13:02:03 UTC.
    fn fixed_clock() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_714_568_523)
    }

    fn report(name: &str, combos: &[&str], outcome: Outcome, ms: u64, worker: usize) -> TestReport {
        TestReport {
            id: TestId::new("rpl", name, combos.iter().map(|c| c.to_string()).collect()),
            outcome,
            duration: Duration::from_millis(ms),
            attempts: 1,
            worker,
            result_file: None,
        }
    }

    fn run(events: &[Event]) -> String {
        let mut console = ConsoleReporter::new(Vec::new()).with_clock(fixed_clock);
        for event in events {
            console.handle(event).unwrap();
        }
        String::from_utf8(console.into_inner()).unwrap()
    }

    fn start(tests: usize, workers: usize) -> Event {
        Event::RunStarted {
            tests,
            workers,
            server: "bundled (mariadb)".into(),
        }
    }

    fn end(secs: u64) -> Event {
        Event::RunFinished {
            wall: Duration::from_secs(secs),
            interrupted: false,
        }
    }

    #[test]
    fn single_worker_table_matches_mtr_layout() {
        let skip = Outcome::Skipped {
            reason: "Neither MIXED nor ROW binlog format".into(),
            by_test: true,
            disabled: false,
        };
        let out = run(&[
            start(2, 1),
            Event::TestFinished(report("rpl_default", &["mix"], Outcome::Pass, 970, 1)),
            Event::TestFinished(report("rpl_default", &["stmt"], skip, 0, 1)),
            end(3),
        ]);
        let want = "\
Running 2 tests against bundled (mariadb) with 1 worker

TEST                                      RESULT   TIME (ms) or COMMENT
--------------------------------------------------------------------------

rpl.rpl_default 'mix'                    [ pass ]    970
rpl.rpl_default 'stmt'                   [ skipped ]  Neither MIXED nor ROW binlog format
--------------------------------------------------------------------------
The servers were restarted 0 times
Spent 0.970 of 3 seconds executing testcases

Completed: All 1 tests were successful.

1 tests were skipped, 1 by the test itself.

";
        assert_eq!(out, want);
    }

    #[test]
    fn several_workers_add_the_worker_column_and_tags() {
        let out = run(&[
            start(1, 2),
            Event::TestFinished(report("rpl_charset_sjis", &["stmt"], Outcome::Pass, 162, 1)),
        ]);
        assert!(
            out.contains(
                "TEST                                  WORKER RESULT   TIME (ms) or COMMENT\n"
            ),
            "{out}"
        );
        assert!(
            out.ends_with("rpl.rpl_charset_sjis 'stmt'              w1 [ pass ]    162\n"),
            "{out}"
        );
    }

    #[test]
    fn runner_skips_without_worker_have_no_tag() {
        let skip = Outcome::Skipped {
            reason: "Requires debug build".into(),
            by_test: false,
            disabled: false,
        };
        let out = run(&[
            start(1, 2),
            Event::TestFinished(report("rpl_parallel2", &["stmt"], skip, 0, 0)),
        ]);
        assert!(
            out.ends_with(
                "rpl.rpl_parallel2 'stmt'                 [ skipped ]  Requires debug build\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn disabled_tests_say_so_and_are_not_counted_as_skipped() {
        let off = Outcome::Skipped {
            reason: "MDEV-5077 not now".into(),
            by_test: false,
            disabled: true,
        };
        let out = run(&[
            start(1, 1),
            Event::TestFinished(report("rpl_partition_archive", &[], off, 0, 0)),
            Event::RunFinished {
                wall: Duration::from_secs(1),
                interrupted: false,
            },
        ]);
        assert!(
            out.contains(
                "rpl.rpl_partition_archive                [ disabled ]  MDEV-5077 not now\n"
            ),
            "{out}"
        );
        assert!(!out.contains("were skipped"), "{out}");
    }

    #[test]
    fn mismatch_prints_diff_then_mysqltest_line_and_result_file() {
        let diff = "--- r/x.result\n+++ var/log/rpl.x.reject\n@@ -1 +1 @@\n-a\n+b\n";
        let failure = Failure::new(FailureKind::ResultMismatch, diff);
        let mut rep = report("x", &[], Outcome::Fail(failure), 12, 1);
        rep.result_file = Some(PathBuf::from("r/x.result"));
        let out = run(&[start(1, 1), Event::TestFinished(rep), end(1)]);
        let want = format!(
            "rpl.x                                    [ fail ]\n        Test ended at 2024-05-01 13:02:03\n\
             \nCURRENT_TEST: rpl.x\n{diff}\nmysqltest: Result content mismatch\nResult file: r/x.result\n\n{RULE}\n"
        );
        assert!(out.contains(&want), "{out}");
        assert!(
            out.contains(
                "Completed: Failed 1/1 tests, 0.00% were successful.\n\nFailing test(s): rpl.x\n\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn variant_result_file_is_named_on_pass() {
        let mut rep = report("x", &["mysql"], Outcome::Pass, 5, 1);
        rep.result_file = Some(PathBuf::from("suite/rpl/r/x,mysql.result"));
        let out = run(&[start(1, 1), Event::TestFinished(rep)]);
        assert!(
            out.ends_with("[ pass ]      5  using x,mysql.result\n"),
            "{out}"
        );
    }

    #[test]
    fn timeout_and_warnings_put_a_remark_on_the_tag_line() {
        let timeout = Failure::timeout(Duration::from_secs(900), "== log ==\nlast");
        let warnings = Failure::new(
            FailureKind::Warnings,
            "line\n[ERROR] x\n^ Found warnings in mysqld.1.err\nok\n",
        );
        let out = run(&[
            start(2, 1),
            Event::TestFinished(report("slow", &[], Outcome::Fail(timeout), 1, 1)),
            Event::TestFinished(report("noisy", &[], Outcome::Fail(warnings), 1, 1)),
        ]);
        assert!(out.contains("[ fail ]  timeout after 900 seconds\n        Test ended at 2024-05-01 13:02:03\n\nTest case timeout after 900 seconds\n\n== log ==\nlast\n\n"), "{out}");
        assert!(out.contains("[ fail ]  Found warnings/errors in server log file!\n        Test ended at 2024-05-01 13:02:03\nline\n[ERROR] x\n^ Found warnings in mysqld.1.err\nok\n\n"), "{out}");
    }

    #[test]
    fn test_errors_and_missing_results_read_like_mysqltest() {
        let error = Failure::new(
            FailureKind::TestError,
            "mysqltest: At line 4: query 'SELECT 1' failed: ER_X (1): x\n",
        );
        let missing = Failure::new(
            FailureKind::MissingResult,
            "The specified result file 'r/m.result' does not exist",
        );
        let out = run(&[
            start(2, 1),
            Event::TestFinished(report("e", &[], Outcome::Fail(error), 1, 1)),
            Event::TestFinished(report("m", &[], Outcome::Fail(missing), 1, 1)),
        ]);
        assert!(out.contains("\nCURRENT_TEST: rpl.e\nmysqltest: At line 4: query 'SELECT 1' failed: ER_X (1): x\n\n"), "{out}");
        assert!(out.contains("\nCURRENT_TEST: rpl.m\nmysqltest: The specified result file 'r/m.result' does not exist\n\n"), "{out}");
    }

    #[test]
    fn retries_show_the_failed_attempt_then_retry_pass() {
        let failure = Failure::new(FailureKind::TestError, "mysqltest: boom");
        let first = report("flaky", &["row"], Outcome::Fail(failure), 10, 1);
        let mut second = report("flaky", &["row"], Outcome::Pass, 20, 1);
        second.attempts = 2;
        let out = run(&[
            start(1, 1),
            Event::TestRetrying {
                report: first,
                max_attempts: 3,
            },
            Event::TestFinished(second),
            end(1),
        ]);
        assert!(
            out.contains("rpl.flaky 'row'                          [ fail ]\n"),
            "{out}"
        );
        assert!(
            out.contains("\nRetrying test rpl.flaky, attempt(2/3)...\n\n"),
            "{out}"
        );
        assert!(
            out.contains("rpl.flaky 'row'                          [ retry-pass ]     20\n"),
            "{out}"
        );
        assert!(
            out.contains("Completed: All 1 tests were successful.\n"),
            "{out}"
        );
    }

    #[test]
    fn summary_of_many_failures_rounds_like_printf() {
        let mut events = vec![start(7, 1)];
        events.push(Event::TestFinished(report("ok", &[], Outcome::Pass, 1, 1)));
        for name in ["a", "b", "c", "d", "e", "f"] {
            let failure = Failure::new(FailureKind::ServerCrashed, "gone");
            events.push(Event::TestFinished(report(
                name,
                &[],
                Outcome::Fail(failure),
                1,
                1,
            )));
        }
        events.push(Event::ServerRestarted {
            worker: 1,
            reason: "crash".into(),
        });
        events.push(end(9));
        let out = run(&events);
        assert!(
            out.contains(
                "The servers were restarted 1 times\nSpent 0.001 of 9 seconds executing testcases\n"
            ),
            "{out}"
        );
        assert!(out.contains("Completed: Failed 6/7 tests, 14.29% were successful.\n\nFailing test(s): rpl.a rpl.b rpl.c rpl.d rpl.e rpl.f\n\n"), "{out}");
    }

    #[test]
    fn a_failed_check_follows_the_pass_and_is_listed_at_the_end() {
        let id = TestId::new("rpl", "leaves", vec![]);
        let out = run(&[
            start(1, 1),
            Event::TestFinished(report("leaves", &[], Outcome::Pass, 5, 1)),
            Event::CheckFailed {
                id,
                report: "MTR's internal check of the test case 'rpl.leaves' failed.\n+t1\n".into(),
            },
            end(1),
        ]);
        assert!(
            out.contains("[ pass ]      5\n\nMTR's internal check of the test case 'rpl.leaves' failed.\n+t1\n\n"),
            "{out}"
        );
        assert!(
            out.contains("executing testcases\n\nCheck of testcase failed for: rpl.leaves\n\nCompleted: All 1 tests were successful.\n"),
            "{out}"
        );
    }

    #[test]
    fn notes_print_as_lines_and_started_tests_print_nothing() {
        let id = TestId::new("main", "t", vec![]);
        let out = run(&[
            Event::Note("Using 4 workers".into()),
            Event::TestStarted { id, worker: 1 },
        ]);
        assert_eq!(out, "Using 4 workers\n");
    }

    #[test]
    fn interrupted_runs_say_so() {
        let out = run(&[
            start(3, 1),
            Event::RunFinished {
                wall: Duration::ZERO,
                interrupted: true,
            },
        ]);
        assert!(
            out.contains("Interrupted: All 0 tests were successful.\n"),
            "{out}"
        );
    }
}
