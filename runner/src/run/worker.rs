//! One worker: its own port block, var directory and servers, running one
//! test at a time. An attempt gets the servers ready, runs the interpreter
//! on its own thread under the test's time limit (with the monitor watching
//! the servers), then decides the outcome: the interpreter's end, a crash or
//! a timeout, the error-log check, and the comparison with the result file.
//! With check-testcases on, the servers' state is recorded before the test
//! and compared after a pass (see [check_testcase](super::check_testcase)).

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmtr_mysqltest::run::{CancelToken, End, RunConfig, RunOutcome, run_test};
use rmtr_results::{
    Failure, FailureKind, Outcome, TestReport, choose_result_file, judge, reject_path,
};

use super::check_testcase::{self, States};
use super::client_defaults::ClientDefaults;
use super::environment::{EnvInputs, RunEnv, test_environment};
use super::monitor::{Monitor, MonitorReport};
use super::options::RunOptions;
use super::ports::PortBlock;
use super::server_set::ServerSet;
use super::warnings::{LogPositions, clear_suppressions, unsuppressed, warnings_report};
use crate::discover::TestCase;
use crate::servers::Backend;

/// How long a cancelled interpreter gets to wind down.
const CANCEL_GRACE: Duration = Duration::from_secs(20);

/// A worker and everything it owns.
pub struct Worker {
    pub id: usize,
    opts: Arc<RunOptions>,
    backend: Arc<dyn Backend>,
    servers: Arc<Mutex<ServerSet>>,
    positions: LogPositions,
    ports: PortBlock,
    env: Arc<RunEnv>,
    /// The check-testcase report of the last passing attempt, if its check
    /// found differences.
    check_report: Option<String>,
    /// How long the test script itself ran, the time mtr reports (server
    /// starts and check-testcase runs excluded).
    script_time: Duration,
}

/// What the interpreter thread ended with.
pub(super) enum Ran {
    Finished(RunOutcome),
    /// With what the interpreter wrote by then, when it wound down in time.
    TimedOut(Option<RunOutcome>),
    Interrupted,
}

impl Worker {
    pub fn new(
        id: usize,
        opts: Arc<RunOptions>,
        backend: Arc<dyn Backend>,
        env: Arc<RunEnv>,
    ) -> anyhow::Result<Worker> {
        let ports = super::ports::claim_block()?;
        let vardir = opts.vardir.join(id.to_string());
        let servers = ServerSet::new(
            Arc::clone(&backend),
            Arc::clone(&opts),
            Arc::clone(&env),
            vardir,
            ports.first,
        );
        Ok(Worker {
            id,
            opts,
            backend,
            servers: Arc::new(Mutex::new(servers)),
            positions: LogPositions::default(),
            ports,
            env,
            check_report: None,
            script_time: Duration::ZERO,
        })
    }

    /// Problems old servers had while shutting down, since the last call.
    pub fn take_notes(&mut self) -> Vec<String> {
        self.servers.lock().expect("server set").take_notes()
    }

    /// The differences the last attempt's check-testcase found, once.
    pub fn take_check_report(&mut self) -> Option<String> {
        self.check_report.take()
    }

    /// Runs one attempt; returns the report and why servers restarted, if they did.
    pub fn attempt(
        &mut self,
        test: &TestCase,
        interrupted: &dyn Fn() -> bool,
    ) -> (TestReport, Option<String>) {
        let mut restart = None;
        self.check_report = None;
        self.script_time = Duration::ZERO;
        let outcome = match &test.skip {
            Some(skip) => Outcome::Skipped {
                reason: skip.reason.clone(),
                by_test: false,
                disabled: skip.disabled,
            },
            None => match self.prepare(test) {
                Err(err) => {
                    self.servers.lock().expect("server set").kill_all();
                    Outcome::Fail(Failure::new(FailureKind::ServerStart, format!("{err:#}")))
                }
                Ok(reason) => {
                    restart = reason;
                    let cfg = self.run_config(test);
                    match self.check_before(test, &cfg) {
                        Ok(before) => self.run_prepared(test, cfg, before, interrupted),
                        Err(failure) => {
                            self.servers.lock().expect("server set").reset();
                            Outcome::Fail(failure)
                        }
                    }
                }
            },
        };
        let result_file = self.result_file(test);
        let report = TestReport {
            id: test.id.clone(),
            outcome,
            duration: self.script_time,
            attempts: 1,
            worker: self.id,
            result_file,
        };
        (report, restart)
    }

    /// Gets the servers ready and starts the warnings check at the test's
    /// mark in each log (as mtr checks what follows `CURRENT_TEST:`), so
    /// lines from earlier tests, failed ones included, are never charged to it.
    fn prepare(&mut self, test: &TestCase) -> anyhow::Result<Option<String>> {
        let mut servers = self.servers.lock().expect("server set");
        let restarted = servers.prepare_for(test)?;
        for (log, mark) in servers.marks() {
            self.positions.start_at(log, *mark);
        }
        Ok(restarted)
    }

    /// Runs a test whose servers are up.
    fn run_prepared(
        &mut self,
        test: &TestCase,
        cfg: RunConfig,
        before: Option<States>,
        interrupted: &dyn Fn() -> bool,
    ) -> Outcome {
        let check_cfg = before.as_ref().map(|_| cfg.clone());
        let cancel = CancelToken::new();
        let vardir = self.servers.lock().expect("server set").vardir();
        let monitor = Monitor::start(Arc::clone(&self.servers), cancel.clone(), vardir);
        let start = Instant::now();
        let ran = run_with_limit(cfg, cancel, self.opts.testcase_timeout, interrupted);
        self.script_time = start.elapsed();
        let report = monitor.finish();
        let mut outcome = self.decide(test, ran, &report);
        let restart_requested = self.servers.lock().expect("server set").restart_requested();
        if let (Outcome::Pass, false, Some(cfg), Some(before)) =
            (&outcome, restart_requested, check_cfg, before)
        {
            outcome = self.check_after(test, &cfg, &before);
        }
        let failed = matches!(outcome, Outcome::Fail(_));
        let mut servers = self.servers.lock().expect("server set");
        if failed || restart_requested || self.check_report.is_some() {
            servers.reset();
        }
        outcome
    }

    /// The servers' state before the test, when check-testcases is on and
    /// the tree has the check; a failure when the check cannot run.
    fn check_before(&self, test: &TestCase, cfg: &RunConfig) -> Result<Option<States>, Failure> {
        let Some(script) = self.check_script() else {
            return Ok(None);
        };
        let targets = check_testcase::targets(&mut self.servers.lock().expect("server set"));
        let cfg = check_testcase::with_warm_up(cfg);
        check_testcase::record(&cfg, &script, &targets, self.opts.testcase_timeout)
            .map(Some)
            .map_err(|why| {
                let text = why.describe("before", &test.id.full_name());
                let warning = check_testcase::EARLIER_TEST_WARNING;
                Failure::new(FailureKind::TestError, format!("{text}\n{warning}"))
            })
    }

    /// Compares the servers' state after a passing test with `before`: a
    /// difference is kept as the check report (the test still passes, as
    /// in mtr); a check that cannot run fails the test.
    fn check_after(&mut self, test: &TestCase, cfg: &RunConfig, before: &States) -> Outcome {
        let Some(script) = self.check_script() else {
            return Outcome::Pass;
        };
        let (targets, tmp_dir) = {
            let mut servers = self.servers.lock().expect("server set");
            (
                check_testcase::targets(&mut servers),
                servers.vardir().join("tmp"),
            )
        };
        let name = test.id.full_name();
        match check_testcase::record(cfg, &script, &targets, self.opts.testcase_timeout) {
            Ok(after) => {
                self.check_report = check_testcase::compare(&name, before, &after, &tmp_dir);
                Outcome::Pass
            }
            Err(why) => Outcome::Fail(Failure::new(
                FailureKind::TestError,
                why.describe("after", &name),
            )),
        }
    }

    /// The tree's check-testcase script, when checks are on.
    fn check_script(&self) -> Option<PathBuf> {
        self.opts
            .check_testcases
            .then(|| check_testcase::script(&self.opts.tree))
            .flatten()
    }

    /// The interpreter's configuration for this test.
    fn run_config(&self, test: &TestCase) -> RunConfig {
        let servers = self.servers.lock().expect("server set");
        let active = servers.active().expect("servers prepared");
        let first = active
            .config
            .mysqld_groups()
            .first()
            .map(|g| g.to_string())
            .unwrap_or_default();
        let port = active.config.port(&first).unwrap_or(3306);
        let env = test_environment(&EnvInputs {
            run: &self.env,
            vardir: &servers.vardir(),
            layout: self.backend.layout(),
            config_file: &active.config_file,
            config: &active.config,
            test,
            build_thread: self.ports.number(),
            last_server_command: servers.last_command(),
        });
        let mut cfg = RunConfig::new(&test.path, &self.opts.tree, port);
        cfg.suite_dir = test.suite_dir.clone();
        cfg.fallback_dirs = self.opts.fallback_dirs.clone();
        cfg.env = env;
        cfg.socket = active
            .config
            .value(&first, "socket")
            .unwrap_or_default()
            .to_string();
        cfg.tail_lines = self.opts.tail_lines;
        cfg.sleep_override = self.opts.sleep;
        cfg.wait_for_pos_timeout = self.opts.wait_for_pos_timeout;
        let log_dir = servers.vardir().join("log");
        cfg.log_name = log_dir
            .join(format!("{}.log", test.id.full_name()))
            .display()
            .to_string();
        cfg.child_stderr = Some(log_dir.join(format!("{}.stderr", test.id.full_name())));
        ClientDefaults::read(&active.config).apply(&mut cfg);
        cfg
    }

    /// The outcome from what the interpreter and the monitor saw.
    fn decide(&mut self, test: &TestCase, ran: Ran, monitor: &MonitorReport) -> Outcome {
        if let Some((group, log)) = monitor.crashed.first() {
            self.servers.lock().expect("server set").kill_all();
            self.positions.skip_to_end(log);
            let tail = log_since_marker(log, &test.id.full_name());
            return Outcome::Fail(Failure::new(
                FailureKind::ServerCrashed,
                format!(
                    "Server {group} failed during test run\nServer log from this test:\n{tail}"
                ),
            ));
        }
        if let Some(why) = &monitor.restart_failure {
            return Outcome::Fail(Failure::new(FailureKind::ServerStart, why.clone()));
        }
        match ran {
            Ran::TimedOut(partial) => {
                let mut servers = self.servers.lock().expect("server set");
                servers.kill_all();
                let log = servers
                    .vardir()
                    .join("log")
                    .join(format!("{}.log", test.id.name));
                drop(servers);
                let output = partial.map(|run| run.output).unwrap_or_default();
                let tail = timeout_log_tail(&log, &output);
                Outcome::Fail(Failure::timeout(self.opts.testcase_timeout, &tail))
            }
            Ran::Interrupted => Outcome::Fail(Failure::new(FailureKind::TestError, "interrupted")),
            Ran::Finished(run) => self.decide_finished(test, run),
        }
    }

    fn decide_finished(&mut self, test: &TestCase, run: RunOutcome) -> Outcome {
        match run.end {
            End::Skipped(reason) => {
                self.clear_suppressions();
                Outcome::Skipped {
                    reason,
                    by_test: true,
                    disabled: false,
                }
            }
            End::Cancelled => Outcome::Fail(Failure::new(
                FailureKind::TestError,
                "the test was cancelled",
            )),
            End::Failed(message) => {
                self.save_log(test, &run.output);
                self.clear_suppressions();
                Outcome::Fail(Failure::new(FailureKind::TestError, message))
            }
            End::Completed => self.judge_completed(test, &run),
        }
    }

    /// A run that reached its end: output checks, the warnings check, the result.
    fn judge_completed(&mut self, test: &TestCase, run: &RunOutcome) -> Outcome {
        let choice =
            match choose_result_file(&test.result_dir, &test.id.name, &self.variant_names(test)) {
                Ok(choice) => choice,
                Err(err) => {
                    return Outcome::Fail(Failure::new(FailureKind::TestError, err.to_string()));
                }
            };
        let expected_empty = choice
            .expected()
            .is_ok_and(|e| e.is_some_and(|e| e.is_empty()));
        if run.output.is_empty() && (self.opts.record || !expected_empty) {
            return Outcome::Fail(Failure::new(
                FailureKind::TestError,
                "mysqltest: The test didn't produce any output",
            ));
        }
        if run.commands_executed == 0 && choice.exists() && !expected_empty {
            return Outcome::Fail(Failure::new(
                FailureKind::TestError,
                "mysqltest: No queries executed but non-empty result file found!",
            ));
        }
        if let Some(warnings) = self.check_warnings() {
            return Outcome::Fail(Failure::new(FailureKind::Warnings, warnings));
        }
        let reject = reject_path(&self.opts.vardir.join("log"), &test.id);
        match judge(&run.output, &choice, &reject, self.opts.record) {
            Ok(judgement) => judgement.outcome(),
            Err(err) => Outcome::Fail(Failure::new(FailureKind::TestError, err.to_string())),
        }
    }

    /// Combination names plus the flavor, for picking `,variant.result` files.
    fn variant_names(&self, test: &TestCase) -> Vec<String> {
        variant_names(&test.id.combinations, self.backend.features())
    }

    fn result_file(&self, test: &TestCase) -> Option<PathBuf> {
        choose_result_file(&test.result_dir, &test.id.name, &self.variant_names(test))
            .ok()
            .filter(|c| c.exists())
            .map(|c| c.path().to_path_buf())
    }

    /// mtr's check of the servers' error logs; the text to report, if any.
    fn check_warnings(&mut self) -> Option<String> {
        if !self.opts.check_warnings {
            self.clear_suppressions();
            return None;
        }
        let logs: Vec<(u16, PathBuf)> = {
            let servers = self.servers.lock().expect("server set");
            let active = servers.active()?;
            active
                .servers
                .values()
                .map(|s| (s.port(), s.log_error().to_path_buf()))
                .collect()
        };
        let mut report = String::new();
        for (port, log) in logs {
            let lines = self.positions.new_suspicious_lines(&log);
            let left = if lines.is_empty() {
                let _ = clear_suppressions(port);
                Vec::new()
            } else {
                unsuppressed(port, &lines).unwrap_or(lines)
            };
            if !left.is_empty() {
                report.push_str(&warnings_report(&log, &left));
            }
        }
        (!report.is_empty()).then_some(report)
    }

    /// Clears test suppressions when the log check is not run.
    fn clear_suppressions(&mut self) {
        let ports: Vec<u16> = {
            let servers = self.servers.lock().expect("server set");
            servers
                .active()
                .map(|a| a.servers.values().map(|s| s.port()).collect())
                .unwrap_or_default()
        };
        for port in ports {
            let _ = clear_suppressions(port);
        }
    }

    /// Keeps the output of a failed test in var/log.
    fn save_log(&self, test: &TestCase, output: &[u8]) {
        let path = self
            .opts
            .vardir
            .join("log")
            .join(format!("{}.log", test.id.full_name()));
        let _ = std::fs::create_dir_all(self.opts.vardir.join("log"));
        let _ = std::fs::write(path, output);
    }

    /// Stops this worker's servers (end of run).
    pub fn shutdown(&mut self) {
        self.servers.lock().expect("server set").stop_all();
    }
}

/// Runs the interpreter on its own thread, cancelling it at the time limit
/// or when the run is interrupted.
pub(super) fn run_with_limit(
    cfg: RunConfig,
    cancel: CancelToken,
    limit: Duration,
    interrupted: &dyn Fn() -> bool,
) -> Ran {
    let (tx, rx) = mpsc::channel();
    let token = cancel.clone();
    let spawned = std::thread::Builder::new()
        .name("mysqltest".into())
        .spawn(move || {
            let _ = tx.send(run_test(cfg, token));
        });
    if spawned.is_err() {
        return Ran::Interrupted;
    }
    let deadline = Instant::now() + limit;
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(outcome) => return Ran::Finished(outcome),
            Err(RecvTimeoutError::Disconnected) => return Ran::Interrupted,
            Err(RecvTimeoutError::Timeout) => {}
        }
        let timed_out = Instant::now() >= deadline;
        if timed_out || interrupted() {
            cancel.cancel();
            let partial = rx.recv_timeout(CANCEL_GRACE).ok();
            return if timed_out {
                Ran::TimedOut(partial)
            } else {
                Ran::Interrupted
            };
        }
    }
}

/// Lines of the test's log mtr shows after a timeout.
const TIMEOUT_TAIL_LINES: usize = 20;

/// Keeps what a timed-out test wrote in `log` (where mysqltest's log would
/// be) and returns mtr's excerpt of it: the file's name, then its last lines.
fn timeout_log_tail(log: &std::path::Path, output: &[u8]) -> String {
    if output.is_empty() {
        return String::new();
    }
    if let Some(dir) = log.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(log, output);
    let text = String::from_utf8_lossy(output);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines.len().saturating_sub(TIMEOUT_TAIL_LINES);
    format!("== {} == \n{}\n", log.display(), lines[start..].concat())
}

/// The part of a server log written since the test's `CURRENT_TEST` mark.
fn log_since_marker(log: &std::path::Path, test: &str) -> String {
    let text = std::fs::read(log).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let marker = format!("CURRENT_TEST: {test}");
    let from = text.rfind(&marker).map_or(0, |i| i + marker.len());
    let excerpt = &text[from..];
    let lines: Vec<&str> = excerpt.lines().collect();
    let start = lines.len().saturating_sub(60);
    format!(
        "----------SERVER LOG START-----------\n{}\n----------SERVER LOG END-------------\n",
        lines[start..].join("\n")
    )
}

/// A test's combination names plus the backend's flavor: the variants
/// whose `,variant.result` files it prefers.
pub(crate) fn variant_names(
    combinations: &[String],
    features: &crate::discover::ServerFeatures,
) -> Vec<String> {
    let mut names = combinations.to_vec();
    names.push(features.flavor.clone());
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_shows_the_last_lines_of_the_test_log() {
        let dir = std::env::temp_dir().join(format!("rmtr-timeout-{}", std::process::id()));
        let log = dir.join("log/hangs.log");
        let output: String = (1..=25).map(|i| format!("line {i}\n")).collect();
        let tail = timeout_log_tail(&log, output.as_bytes());
        let expected: String = (6..=25).map(|i| format!("line {i}\n")).collect();
        assert_eq!(tail, format!("== {} == \n{expected}\n", log.display()));
        assert_eq!(std::fs::read_to_string(&log).unwrap(), output);
        assert_eq!(timeout_log_tail(&log, b""), "");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
