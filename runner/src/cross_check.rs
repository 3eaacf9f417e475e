//! `--cross-check SERVERS`: the same tests run on each server in turn, each
//! in its own part of the var directory, with the console showing every
//! run as usual; each run's verdicts are collected into a column of the
//! matrix, written as `PATH.md` and `PATH.json` at the end. The command
//! line that produced it goes into the Markdown, so a committed matrix
//! says how to regenerate it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use anyhow::{Context, bail};
use rmtr_results::{Matrix, MatrixColumn};

use crate::cli::Cli;
use crate::run::schedule;

/// Runs the tests on every server of `servers` (comma-separated `--server`
/// values) and writes the matrix; exit 0 once it is written, 1 when a run
/// was interrupted, as differences are the matrix's content, not errors.
pub fn run(cli: &Cli, tree: &Path, servers: &str) -> anyhow::Result<ExitCode> {
    let entries = entries(servers)?;
    crate::fresh_vardir(&cli.vardir)?;
    schedule::install_interrupt_handler();
    let mut columns = Vec::new();
    for (i, server) in entries.iter().enumerate() {
        println!("\n==== cross-check {}/{}: {server}", i + 1, entries.len());
        let column =
            run_one(cli, tree, server, i).with_context(|| format!("cross-check on {server}"))?;
        columns.push(column);
        if schedule::INTERRUPTED.load(Ordering::SeqCst) {
            println!("rmtr: interrupted; no matrix is written");
            return Ok(ExitCode::from(1));
        }
    }
    let matrix = Matrix {
        command: command_line(),
        columns,
    };
    let base = report_base(cli);
    write(&base.with_extension("md"), &matrix.to_markdown())?;
    write(&base.with_extension("json"), &matrix.to_json())?;
    println!(
        "\ncross-check: {} tests on {} servers, {} differ; matrix in {}.md and .json",
        matrix.tests().len(),
        matrix.columns.len(),
        matrix.differences().len(),
        base.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The servers of the list, each a valid `--server` value, without repeats.
fn entries(servers: &str) -> anyhow::Result<Vec<String>> {
    let list: Vec<String> = servers
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if list.len() < 2 {
        bail!("--cross-check needs at least two servers, e.g. bundled,mariadbd (got '{servers}')");
    }
    for (i, entry) in list.iter().enumerate() {
        if list[..i].contains(entry) {
            bail!("--cross-check names {entry} twice");
        }
        if entry.starts_with("extern:") {
            bail!(
                "--cross-check takes no extern: server (its address list is comma-separated too)"
            );
        }
    }
    Ok(list)
}

/// One server's run, in `VARDIR/N-LABEL`; its column of verdicts.
fn run_one(cli: &Cli, tree: &Path, server: &str, index: usize) -> anyhow::Result<MatrixColumn> {
    let backend = crate::make_backend(server, &cli.bundled_flavor)?;
    let fallback_dirs = cli.fallback_dirs(tree)?;
    let mut tests = crate::collect_tests(cli, tree, backend.as_ref(), &fallback_dirs)?;
    schedule::order(&mut tests);
    let workers = cli.workers()?.min(tests.len().max(1));
    let vardir = cli.vardir.join(format!("{}-{}", index + 1, label(server)));
    std::fs::create_dir_all(&vardir).with_context(|| format!("creating {}", vardir.display()))?;
    let opts = Arc::new(crate::run_options(
        cli,
        tree.to_path_buf(),
        fallback_dirs,
        &vardir,
    )?);
    let mut column = MatrixColumn::new(server);
    crate::run_and_report(cli, tests, workers, opts, backend, Some(&mut column))?;
    Ok(column)
}

/// A server's name as a directory name: `container:mysql:8.0` → `container-mysql-8.0`.
fn label(server: &str) -> String {
    server
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// `--cross-check-report`, else `VARDIR/cross-check`.
fn report_base(cli: &Cli) -> PathBuf {
    cli.cross_check_report
        .clone()
        .unwrap_or_else(|| cli.vardir.join("cross-check"))
}

/// `rmtr` and its arguments, as typed (the program path shortened to its name).
fn command_line() -> String {
    let mut args = std::env::args();
    let program = args
        .next()
        .map(|p| {
            Path::new(&p)
                .file_name()
                .map_or(p.clone(), |n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "rmtr".into());
    std::iter::once(program)
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_needs_two_distinct_servers_and_no_extern() {
        assert_eq!(
            entries("bundled, bundled:mysql,mariadbd").unwrap(),
            ["bundled", "bundled:mysql", "mariadbd"]
        );
        assert!(entries("bundled").is_err());
        assert!(entries("bundled,bundled").is_err());
        assert!(entries("bundled,extern:h:1").is_err());
    }

    #[test]
    fn labels_are_directory_names() {
        assert_eq!(label("container:mysql:8.0"), "container-mysql-8.0");
        assert_eq!(
            label("mariadbd=/opt/x/mariadbd"),
            "mariadbd--opt-x-mariadbd"
        );
    }
}
