//! One worker: its own port block, var directory and servers, running one
//! test at a time. An attempt gets the servers ready, runs the interpreter
//! on its own thread under the test's time limit (with the monitor watching
//! the servers), then decides the outcome: the interpreter's end, a crash or
//! a timeout, the error-log check, and the comparison with the result file.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmtr_mysqltest::run::{CancelToken, End, RunConfig, RunOutcome, run_test};
use rmtr_results::{
    Failure, FailureKind, Outcome, TestReport, choose_result_file, judge, reject_path,
};

use super::client_defaults::ClientDefaults;
use super::environment::{EnvInputs, RunEnv, test_environment};
use super::monitor::{Monitor, MonitorReport};
use super::options::RunOptions;
use super::ports::PortBlock;
use super::server_set::ServerSet;
use super::warnings::{LogPositions, clear_suppressions, unsuppressed};
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
}

/// What the interpreter thread ended with.
enum Ran {
    Finished(RunOutcome),
    TimedOut,
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
        })
    }

    /// Problems old servers had while shutting down, since the last call.
    pub fn take_notes(&mut self) -> Vec<String> {
        self.servers.lock().expect("server set").take_notes()
    }

    /// Runs one attempt; returns the report and why servers restarted, if they did.
    pub fn attempt(
        &mut self,
        test: &TestCase,
        interrupted: &dyn Fn() -> bool,
    ) -> (TestReport, Option<String>) {
        let start = Instant::now();
        let mut restart = None;
        let outcome = match &test.skip {
            Some(skip) => Outcome::Skipped {
                reason: skip.reason.clone(),
                by_test: false,
            },
            None => match self.prepare(test) {
                Err(err) => {
                    self.servers.lock().expect("server set").kill_all();
                    Outcome::Fail(Failure::new(FailureKind::ServerStart, format!("{err:#}")))
                }
                Ok(reason) => {
                    restart = reason;
                    self.run_prepared(test, interrupted)
                }
            },
        };
        let result_file = self.result_file(test);
        let report = TestReport {
            id: test.id.clone(),
            outcome,
            duration: start.elapsed(),
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
    fn run_prepared(&mut self, test: &TestCase, interrupted: &dyn Fn() -> bool) -> Outcome {
        let cfg = self.run_config(test);
        let cancel = CancelToken::new();
        let vardir = self.servers.lock().expect("server set").vardir();
        let monitor = Monitor::start(Arc::clone(&self.servers), cancel.clone(), vardir);
        let ran = run_with_limit(cfg, cancel, self.opts.testcase_timeout, interrupted);
        let report = monitor.finish();
        let outcome = self.decide(test, ran, &report);
        let failed = matches!(outcome, Outcome::Fail(_));
        let mut servers = self.servers.lock().expect("server set");
        if failed || servers.restart_requested() {
            servers.reset();
        }
        outcome
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
            Ran::TimedOut => {
                self.servers.lock().expect("server set").kill_all();
                Outcome::Fail(Failure::timeout(self.opts.testcase_timeout, ""))
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
        if let Some(warnings) = self.check_warnings(test) {
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
        let mut names = test.id.combinations.clone();
        names.push(self.backend.features().flavor.clone());
        names
    }

    fn result_file(&self, test: &TestCase) -> Option<PathBuf> {
        choose_result_file(&test.result_dir, &test.id.name, &self.variant_names(test))
            .ok()
            .filter(|c| c.exists())
            .map(|c| c.path().to_path_buf())
    }

    /// mtr's check of the servers' error logs; the text to report, if any.
    fn check_warnings(&mut self, test: &TestCase) -> Option<String> {
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
                report.push_str(&format!("CURRENT_TEST: {}\n", test.id.full_name()));
                for line in &left {
                    report.push_str(&String::from_utf8_lossy(line));
                    report.push('\n');
                }
                report.push_str(&format!("^ Found warnings in {}\n", log.display()));
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
fn run_with_limit(
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
            let _ = rx.recv_timeout(CANCEL_GRACE);
            return if timed_out {
                Ran::TimedOut
            } else {
                Ran::Interrupted
            };
        }
    }
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
