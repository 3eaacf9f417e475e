//! Parallel-apply benchmarks: whole-system timings of a master and a
//! slave, `replica` (bundled) beside the machine's `mariadbd` in the same
//! run. Three scenarios, each in its own module: `catchup` (applying a
//! backlog serially and with 4/8 workers), `stop` (STOP SLAVE latency with
//! queued work) and `memory` (peak RSS of a replica slave with blocked
//! workers). Settings come from the environment; each scenario fills a
//! table, printed at the end and, with `JSON=path`, written as JSON.
//!
//! Run: `cargo bench -p rmtr-replica --bench parallel_apply`. Environment:
//! `BENCHES` (default `catchup,stop,memory`), `SERVERS` (default
//! `bundled,mariadbd`), `CATCHUP_TXNS` (400), `ROUNDS` (catch-up runs per
//! configuration, median shown; 1), `STOP_KS` (`10,100,1000`;
//! `STOP_BIG=1` adds 10000), `MEMORY_N` (100000), `PORT_BASE` (ports from
//! there upwards instead of any free one), `MARIADBD_OPTS` (extra mariadbd
//! options), `JSON` (output file), `KEEP=1` (keep the scratch datadirs).
//! See bench/README.md for what the figures mean.

mod catchup;
mod memory;
mod report;
mod servers;
mod sql;
mod stop;

use report::Table;
use servers::{Kind, Launcher};

fn main() {
    let benches = list("BENCHES", "catchup,stop,memory");
    let kinds = kinds();
    let scratch = std::env::temp_dir().join(format!("replica-parallel-{}", std::process::id()));
    let wants_mariadbd = kinds.contains(&Kind::Mariadbd);
    let mut launcher = Launcher::new(&scratch, wants_mariadbd);
    let kinds: Vec<Kind> = kinds
        .into_iter()
        .filter(|k| *k == Kind::Bundled || launcher.has_mariadbd())
        .collect();
    let mut tables = Vec::new();
    for bench in &benches {
        eprintln!("running {bench}");
        tables.push(match bench.as_str() {
            "catchup" => catchup(&mut launcher, &kinds),
            "stop" => stop(&mut launcher, &kinds),
            "memory" => memory(&mut launcher),
            other => panic!("unknown bench {other}: catchup, stop or memory"),
        });
    }
    for t in &tables {
        print!("{}", t.render());
    }
    if let Ok(path) = std::env::var("JSON") {
        let body: Vec<String> = tables.iter().map(Table::json).collect();
        std::fs::write(&path, format!("[\n  {}\n]\n", body.join(",\n  "))).expect("write JSON");
        println!("\nJSON written to {path}");
    }
    if std::env::var_os("KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&scratch);
    }
}

fn catchup(launcher: &mut Launcher, kinds: &[Kind]) -> Table {
    let txns = number("CATCHUP_TXNS", 400);
    let rounds = number("ROUNDS", 1).max(1);
    let mut table = catchup::table();
    for &kind in kinds {
        let mut pair = launcher.pair(kind);
        catchup::run(&mut pair, txns, rounds, &mut table);
    }
    table
}

fn stop(launcher: &mut Launcher, kinds: &[Kind]) -> Table {
    let mut ks: Vec<usize> = list("STOP_KS", "10,100,1000")
        .iter()
        .map(|k| k.parse().expect("STOP_KS holds numbers"))
        .collect();
    if std::env::var_os("STOP_BIG").is_some() {
        ks.push(10_000);
    }
    let mut table = stop::table();
    for &kind in kinds {
        let mut pair = launcher.pair(kind);
        stop::run(&mut pair, &ks, &mut table);
    }
    table
}

fn memory(launcher: &mut Launcher) -> Table {
    let mut table = memory::table();
    memory::run(launcher, number("MEMORY_N", 100_000), &mut table);
    table
}

/// The servers asked for in `SERVERS`.
fn kinds() -> Vec<Kind> {
    list("SERVERS", "bundled,mariadbd")
        .iter()
        .map(|s| match s.as_str() {
            "bundled" => Kind::Bundled,
            "mariadbd" => Kind::Mariadbd,
            other => panic!("unknown server {other}: bundled or mariadbd"),
        })
        .collect()
}

/// A comma-separated environment list, or `default`.
fn list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
