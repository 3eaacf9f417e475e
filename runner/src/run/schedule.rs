//! The run as a whole: tests ordered so that tests wanting the same servers
//! run one after another (fewer restarts, as mtr's reordering does), handed
//! to worker threads that prefer tests matching their running servers,
//! retried when they fail and retries are allowed, and reported as events.
//! The run stops taking tests after the first failure (without `--force`),
//! after `--max-test-fail` failures, or on Ctrl-C.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rmtr_results::{Event, Outcome, TestReport};

use super::environment::{Probes, RunEnv, RunInputs, mysqltest_binary};
use super::options::RunOptions;
use super::worker::Worker;
use crate::discover::TestCase;
use crate::servers::Backend;

/// Set by the Ctrl-C handler.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// What workers share.
struct Shared {
    queue: Mutex<VecDeque<TestCase>>,
    failures: AtomicUsize,
    stop: AtomicBool,
    opts: Arc<RunOptions>,
}

/// The key that groups tests wanting the same servers: template, then the
/// sorted option lists, each ending in `~` so that (as in mtr) tests with
/// options sort before tests without.
fn criteria(test: &TestCase) -> String {
    let key = |opts: &[String]| {
        let mut sorted = opts.to_vec();
        sorted.sort();
        format!("{}~", sorted.join("!"))
    };
    format!(
        "{} {} {} {:?}",
        test.template.display(),
        key(&test.master_opts),
        key(&test.slave_opts),
        test.timezone
    )
}

/// Orders tests like mtr: runner-skipped first, then by server needs, then name.
pub fn order(tests: &mut [TestCase]) {
    tests.sort_by(|a, b| {
        b.skip
            .is_some()
            .cmp(&a.skip.is_some())
            .then_with(|| criteria(a).cmp(&criteria(b)))
            .then_with(|| a.id.to_string().cmp(&b.id.to_string()))
    });
}

/// Runs every test with `workers` workers; events go to `events`.
pub fn run(
    tests: Vec<TestCase>,
    workers: usize,
    opts: Arc<RunOptions>,
    backend: Arc<dyn Backend>,
    events: Sender<Event>,
) -> anyhow::Result<()> {
    let start = Instant::now();
    let _ = events.send(Event::RunStarted {
        tests: tests.len(),
        workers,
        server: backend.describe(),
    });
    if tests.iter().any(|t| t.skip.is_none()) {
        backend.prepare(&opts.vardir, &opts.tree)?;
    }
    let env = Arc::new(run_environment(&opts, backend.as_ref(), workers));
    let shared = Arc::new(Shared {
        queue: Mutex::new(tests.into()),
        failures: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        opts: Arc::clone(&opts),
    });
    let mut handles = Vec::new();
    for id in 1..=workers {
        let worker = Worker::new(
            id,
            Arc::clone(&opts),
            Arc::clone(&backend),
            Arc::clone(&env),
        )?;
        let shared = Arc::clone(&shared);
        let events = events.clone();
        let handle = std::thread::Builder::new()
            .name(format!("worker-{id}"))
            .spawn(move || work(worker, &shared, &events))?;
        handles.push(handle);
    }
    for handle in handles {
        let _ = handle.join();
    }
    let _ = events.send(Event::RunFinished {
        wall: start.elapsed(),
        interrupted: INTERRUPTED.load(Ordering::SeqCst) || shared.stop.load(Ordering::SeqCst),
    });
    Ok(())
}

/// The run-wide environment of tests and servers.
fn run_environment(opts: &RunOptions, backend: &dyn Backend, workers: usize) -> RunEnv {
    let base: BTreeMap<String, String> = std::env::vars().collect();
    let layout = backend.layout();
    let path = base.get("PATH").cloned().unwrap_or_default();
    let probes = Probes::gather(
        &layout.basedir,
        &mysqltest_binary(&base, layout),
        &opts.vardir,
        &path,
    );
    RunEnv::new(
        base,
        &RunInputs {
            tree: &opts.tree,
            layout,
            variables: backend.variables(),
            bootstrap: backend.bootstrap(),
            workers,
            big_test: opts.big_test,
            sleep: opts.sleep,
            probes: &probes,
        },
    )
}

/// A worker's loop: take a test, run it (with retries), report it.
fn work(mut worker: Worker, shared: &Shared, events: &Sender<Event>) {
    let mut last_criteria = String::new();
    while let Some(test) = next_test(shared, &last_criteria) {
        if test.skip.is_none() {
            last_criteria = criteria(&test);
        }
        let _ = events.send(Event::TestStarted {
            id: test.id.clone(),
            worker: worker.id,
        });
        let report = run_with_retries(&mut worker, &test, shared, events);
        if matches!(report.outcome, Outcome::Fail(_)) {
            note_failure(shared);
        }
        let id = report.id.clone();
        let _ = events.send(Event::TestFinished(report));
        if let Some(report) = worker.take_check_report() {
            let _ = events.send(Event::CheckFailed { id, report });
        }
    }
    worker.shutdown();
}

/// The next test: one with the same server needs as the last, if queued.
fn next_test(shared: &Shared, last: &str) -> Option<TestCase> {
    if shared.stop.load(Ordering::SeqCst) || INTERRUPTED.load(Ordering::SeqCst) {
        return None;
    }
    let mut queue = shared.queue.lock().expect("queue");
    let index = queue
        .iter()
        .position(|t| t.skip.is_some() || criteria(t) == last)
        .unwrap_or(0);
    queue.remove(index)
}

fn run_with_retries(
    worker: &mut Worker,
    test: &TestCase,
    shared: &Shared,
    events: &Sender<Event>,
) -> TestReport {
    let interrupted = || INTERRUPTED.load(Ordering::SeqCst);
    let max_attempts = shared.opts.retry + 1;
    let mut attempt = 1;
    loop {
        let (mut report, restart) = worker.attempt(test, &interrupted);
        for note in worker.take_notes() {
            let _ = events.send(Event::Note(format!("worker {}: {note}", worker.id)));
        }
        if let Some(reason) = restart {
            let _ = events.send(Event::ServerRestarted {
                worker: worker.id,
                reason,
            });
        }
        report.attempts = attempt;
        let failed = matches!(report.outcome, Outcome::Fail(_));
        if !failed || attempt >= max_attempts || interrupted() {
            return report;
        }
        let _ = events.send(Event::TestRetrying {
            report,
            max_attempts,
        });
        attempt += 1;
    }
}

/// Counts a failure and stops the run when the limits say so.
fn note_failure(shared: &Shared) {
    let failures = shared.failures.fetch_add(1, Ordering::SeqCst) + 1;
    let opts = &shared.opts;
    if !opts.force || (opts.max_test_fail > 0 && failures >= opts.max_test_fail) {
        shared.stop.store(true, Ordering::SeqCst);
    }
}

/// Installs the Ctrl-C handler: the first stops the run, the second exits.
pub fn install_interrupt_handler() {
    extern "C" fn on_interrupt(_: libc::c_int) {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            // SAFETY: _exit is async-signal-safe; children die with us.
            unsafe { libc::_exit(130) };
        }
    }
    // SAFETY: the handler only touches an atomic and calls _exit.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
        libc::signal(
            libc::SIGTERM,
            on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmtr_results::TestId;
    use std::path::PathBuf;

    fn case(name: &str, opts: &[&str], skip: bool) -> TestCase {
        TestCase {
            path: PathBuf::from(format!("{name}.test")),
            template: PathBuf::from("my.cnf"),
            master_opts: opts.iter().map(|s| s.to_string()).collect(),
            skip: skip.then(|| crate::discover::Skip {
                reason: "x".into(),
                disabled: false,
            }),
            ..crate::testutil::test_case(TestId::new("main", name, Vec::new()))
        }
    }

    #[test]
    fn skipped_first_then_grouped_by_options() {
        let mut tests = vec![
            case("b", &["--x"], false),
            case("a", &[], false),
            case("c", &["--x"], false),
            case("z", &[], true),
        ];
        order(&mut tests);
        let names: Vec<_> = tests.iter().map(|t| t.id.name.clone()).collect();
        assert_eq!(names, ["z", "b", "c", "a"]);
    }

    #[test]
    fn failures_stop_the_run_without_force() {
        let opts = RunOptions {
            fallback_dirs: Vec::new(),
            tree: PathBuf::new(),
            vardir: PathBuf::new(),
            record: false,
            retry: 0,
            testcase_timeout: std::time::Duration::from_secs(1),
            start_timeout: std::time::Duration::from_secs(1),
            shutdown_timeout: std::time::Duration::from_secs(1),
            force: false,
            max_test_fail: 10,
            check_warnings: true,
            check_testcases: true,
            tail_lines: 20,
            sleep: None,
            wait_for_pos_timeout: 300,
            big_test: false,
        };
        let shared = Shared {
            queue: Mutex::new(VecDeque::new()),
            failures: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            opts: Arc::new(opts.clone()),
        };
        note_failure(&shared);
        assert!(shared.stop.load(Ordering::SeqCst));
        let forced = Shared {
            opts: Arc::new(RunOptions {
                fallback_dirs: Vec::new(),
                force: true,
                max_test_fail: 2,
                ..opts
            }),
            queue: Mutex::new(VecDeque::new()),
            failures: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        };
        note_failure(&forced);
        assert!(!forced.stop.load(Ordering::SeqCst));
        note_failure(&forced);
        assert!(forced.stop.load(Ordering::SeqCst));
    }
}
