//! rmtr: mysql-test-run rebuilt in Rust. Reads the command line, finds the
//! tree and the servers, collects the tests, and runs them on worker threads
//! while reporters render the events; the exit code says whether anything
//! failed (0: no, 1: yes, 2: the run could not start).

mod cli;
mod config;
mod cross_check;
mod discover;
mod run;
mod servers;
#[cfg(test)]
mod testutil;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use rmtr_results::{ConsoleReporter, Event, JsonReporter, JunitReporter, Reporter, Summary};

use cli::Cli;
use discover::{DiscoverRequest, TestCase};
use run::options::RunOptions;
use run::schedule;
use servers::Backend;
use servers::bundled::BundledBackend;
use servers::choice::ServerChoice;
use servers::container::ContainerBackend;
use servers::local::LocalBackend;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(ports) = servers::container::forward::requested(&args) {
        return match ports.and_then(servers::container::forward::run) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                // On standard output: the holder's start waits on it, and a
                // stream that ends without the ready line is shown in the error.
                println!("rmtr port forwarder: {err:#}");
                ExitCode::FAILURE
            }
        };
    }
    match real_main() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("rmtr: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let tree = resolve_tree(cli.suite_dir.as_deref())?;
    if let Some(servers) = &cli.cross_check {
        return cross_check::run(&cli, &tree, servers);
    }
    let backend = make_backend(&cli.server, &cli.bundled_flavor)?;
    let fallback_dirs = cli.fallback_dirs(&tree)?;
    let mut tests = collect_tests(&cli, &tree, backend.as_ref(), &fallback_dirs)?;
    if cli.list {
        print_list(&tests)?;
        return Ok(ExitCode::SUCCESS);
    }
    schedule::order(&mut tests);
    let workers = cli.workers()?.min(tests.len().max(1));
    fresh_vardir(&cli.vardir)?;
    let opts = Arc::new(run_options(&cli, tree, fallback_dirs, &cli.vardir)?);
    schedule::install_interrupt_handler();
    let summary = run_and_report(&cli, tests, workers, opts, backend, None)?;
    Ok(ExitCode::from(summary.exit_code() as u8))
}

/// The tests the command line names, as `backend`'s features let them run
/// (skips included), repeated and partitioned as asked.
fn collect_tests(
    cli: &Cli,
    tree: &Path,
    backend: &dyn Backend,
    fallback_dirs: &[PathBuf],
) -> anyhow::Result<Vec<TestCase>> {
    let request = DiscoverRequest {
        root: tree.to_path_buf(),
        suites: cli.suite.clone(),
        tests: cli.tests.clone(),
        do_test: cli.do_test.clone(),
        skip_test: cli.skip_test.clone(),
        big_test: cli.big_test,
        enable_disabled: cli.enable_disabled,
        features: backend.features().clone(),
        fallback_dirs: fallback_dirs.to_vec(),
    };
    let mut tests = discover::discover(&request)?;
    tests = repeat(tests, cli.repeat);
    if let Some((k, n)) = cli.partition()? {
        tests = partition(tests, k, n);
    }
    Ok(tests)
}

/// The tree: `--suite-dir`, else `./suite`, else the current directory.
fn resolve_tree(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    let tree = match given {
        Some(dir) => dir.to_path_buf(),
        None if Path::new("suite").is_dir() => PathBuf::from("suite"),
        None => PathBuf::from("."),
    };
    let tree = tree
        .canonicalize()
        .with_context(|| format!("test tree {}", tree.display()))?;
    Ok(tree)
}

/// The backend named by `--server`; `flavor` is `--bundled-flavor`, which
/// `bundled:FLAVOR` overrides.
fn make_backend(spec: &str, flavor: &str) -> anyhow::Result<Arc<dyn Backend>> {
    let (spec, flavor) = match spec.strip_prefix("bundled:") {
        Some(named) => ("bundled", named),
        None => (spec, flavor),
    };
    if !["mariadb", "mysql"].contains(&flavor) {
        bail!("unknown bundled flavor '{flavor}': use bundled:mariadb or bundled:mysql");
    }
    let choice = ServerChoice::parse(spec)?;
    if flavor != "mariadb" && !matches!(choice, ServerChoice::Bundled) {
        bail!("--bundled-flavor applies to the bundled server only (--server {spec})");
    }
    match choice {
        ServerChoice::Local { program, path } => {
            Ok(Arc::new(LocalBackend::detect(path.as_deref(), &program)?))
        }
        ServerChoice::Bundled => Ok(Arc::new(BundledBackend::detect(flavor)?)),
        ServerChoice::Container { image } => Ok(Arc::new(ContainerBackend::detect(&image)?)),
        ServerChoice::Extern { .. } => bail!("the extern backend is not part of this build yet"),
    }
}

/// The run's options; `vardir` exists already.
fn run_options(
    cli: &Cli,
    tree: PathBuf,
    fallback_dirs: Vec<PathBuf>,
    vardir: &Path,
) -> anyhow::Result<RunOptions> {
    let vardir = vardir.canonicalize()?;
    Ok(RunOptions {
        tree,
        fallback_dirs,
        vardir,
        record: cli.record,
        retry: cli.retry,
        testcase_timeout: Duration::from_secs_f64(cli.testcase_timeout()? * 60.0),
        start_timeout: Duration::from_secs(cli.start_timeout),
        shutdown_timeout: Duration::from_secs(10),
        // A cross-check wants every test's verdict, as --force --max-test-fail=0.
        force: cli.force || cli.cross_check.is_some(),
        max_test_fail: if cli.cross_check.is_some() {
            0
        } else {
            cli.max_test_fail
        },
        check_warnings: !cli.no_warnings,
        check_testcases: !cli.no_check_testcases,
        tail_lines: cli.tail_lines,
        sleep: cli.sleep,
        wait_for_pos_timeout: 300,
        big_test: cli.big_test || !cli.tests.is_empty(),
    })
}

/// Empties the var directory, as mtr does at the start of a run, so that logs
/// and data of an earlier run cannot leak into this one.
fn fresh_vardir(vardir: &Path) -> anyhow::Result<()> {
    if vardir.exists() {
        for entry in
            std::fs::read_dir(vardir).with_context(|| format!("reading {}", vardir.display()))?
        {
            let path = entry?.path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.with_context(|| format!("removing {}", path.display()))?;
        }
    }
    std::fs::create_dir_all(vardir).with_context(|| format!("creating {}", vardir.display()))
}

/// Runs the scheduler on its own thread and feeds its events to the
/// reporters, and to `column` when a cross-check collects verdicts.
fn run_and_report(
    cli: &Cli,
    tests: Vec<TestCase>,
    workers: usize,
    opts: Arc<RunOptions>,
    backend: Arc<dyn Backend>,
    mut column: Option<&mut rmtr_results::MatrixColumn>,
) -> anyhow::Result<Summary> {
    let (tx, rx) = mpsc::channel::<Event>();
    let scheduler = std::thread::Builder::new()
        .name("scheduler".into())
        .spawn(move || schedule::run(tests, workers, opts, backend, tx))?;
    let mut console = ConsoleReporter::new(std::io::stdout()).with_progress();
    let mut others: Vec<Box<dyn Reporter>> = Vec::new();
    if let Some(path) = &cli.xml_report {
        others.push(Box::new(JunitReporter::new(path)));
    }
    if let Some(path) = &cli.json_report {
        others.push(Box::new(JsonReporter::new(path)));
    }
    for event in rx {
        console.handle(&event)?;
        for reporter in &mut others {
            reporter.handle(&event)?;
        }
        if let Some(column) = column.as_deref_mut() {
            column.handle(&event)?;
        }
    }
    scheduler
        .join()
        .map_err(|_| anyhow::anyhow!("the scheduler panicked"))??;
    std::io::stdout().flush()?;
    Ok(console.summary().clone())
}

/// Every test `times` times.
fn repeat(tests: Vec<TestCase>, times: u32) -> Vec<TestCase> {
    if times <= 1 {
        return tests;
    }
    tests
        .iter()
        .flat_map(|t| std::iter::repeat_n(t.clone(), times as usize))
        .collect()
}

/// Part `k` of `n`: every n-th test of the name-sorted list, so every part
/// gets a similar mix and together they cover the list exactly once.
fn partition(mut tests: Vec<TestCase>, k: usize, n: usize) -> Vec<TestCase> {
    tests.sort_by_key(|t| t.id.to_string());
    tests
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % n == k - 1)
        .map(|(_, t)| t)
        .collect()
}

fn print_list(tests: &[TestCase]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for test in tests {
        match &test.skip {
            Some(skip) => writeln!(out, "{}  [ skipped ] {}", test.id, skip.reason)?,
            None => writeln!(out, "{}", test.id)?,
        }
    }
    Ok(())
}
