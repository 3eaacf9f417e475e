//! Catch-up: how fast a slave applies a backlog of autocommit
//! transactions that each sleep 10 ms, serially and with 4 and 8 workers
//! in both parallel modes. The backlog is written on the master while the
//! slave's SQL thread is stopped (and checked to be one GTID group per
//! transaction, logged as statements); once the IO thread has relayed it
//! all, the time from `START SLAVE SQL_THREAD` until `MASTER_GTID_WAIT`
//! sees the master's `gtid_binlog_pos` is measured. One more serial run
//! applies the same backlog with `SLEEP(0)`: what replicating a
//! transaction costs by itself, apart from waking up after each sleep.
//! The floor row times the wait SLEEP uses (`KillSwitch::sleep_until`),
//! run as many times in the bench process: what waking from a 10 ms sleep
//! costs on this machine in this run, which every sleeping row pays.

use std::time::{Duration, Instant};

use rmtr_replica::session::kill::KillSwitch;

use super::report::Table;
use super::servers::{DEFAULT_MAX_QUEUED, Pair};
use super::sql;

/// What each transaction sleeps on the slave, in seconds.
const SLEEP_S: f64 = 0.010;

/// Worker counts and modes measured; 0 threads is the serial SQL thread.
const CONFIGS: &[(u32, &str)] = &[
    (0, "conservative"),
    (4, "conservative"),
    (8, "conservative"),
    (4, "optimistic"),
    (8, "optimistic"),
];

pub fn table() -> Table {
    let mut t = Table::new(
        "catch-up: autocommit transactions of SLEEP(0.01) each",
        &[
            "server",
            "mode",
            "threads",
            "txns",
            "runs",
            "seconds",
            "speed-up",
            "P",
            "ideal s",
            "overhead ms/txn",
            "over floor ms/txn",
        ],
    );
    t.notes = vec![
        "seconds = median over the runs; speed-up = seconds of the serial run (0 threads) of the same server / seconds".into(),
        "P = effective parallelism the mode allows on this workload: the thread count for \
         optimistic, 1 for serial and for conservative"
            .into(),
        "ideal s = txns x 10 ms / P;  overhead ms/txn = (seconds - ideal s) / txns".into(),
        "client = the same inserts sent one by one by a client straight to the slave: the \
         cost of the statement itself on this machine, without replication"
            .into(),
        "no-sleep = the serial run with SLEEP(0): the cost of replicating one transaction, \
         without the wake-up after each 10 ms sleep that serial and client both pay"
            .into(),
        "floor = the wait SLEEP uses, run txns times in the bench process with no server: \
         the machine's own cost of waking from a 10 ms sleep in this run; \
         over floor ms/txn = overhead - floor's overhead / P (what the server adds)"
            .into(),
        "conservative runs only groups the master committed together in parallel; one \
         client's autocommits never share a group commit, so it is expected to stay serial"
            .into(),
    ];
    t
}

/// Measures every configuration `rounds` times on `pair` (round by round,
/// so a change in machine load touches them all) and adds their medians.
pub fn run(pair: &mut Pair, txns: usize, rounds: usize, table: &mut Table) {
    let mut times = vec![Vec::new(); CONFIGS.len() + 3];
    for round in 0..rounds {
        times[CONFIGS.len() + 2].push(floor(txns));
        for (i, &(threads, mode)) in CONFIGS.iter().enumerate() {
            let name = format!("bench.c{round}_{i}");
            times[i].push(measure(pair, &name, threads, mode, txns, SLEEP_S));
        }
        times[CONFIGS.len()].push(direct(pair, txns));
        let name = format!("bench.c{round}_nosleep");
        times[CONFIGS.len() + 1].push(measure(pair, &name, 0, "conservative", txns, 0.0));
    }
    let medians: Vec<f64> = times.iter_mut().map(|t| median(t)).collect();
    let floor = medians[CONFIGS.len() + 2];
    let row = Row {
        server: pair.kind.name(),
        txns,
        rounds,
        serial: medians[0],
        floor_ms: (floor - txns as f64 * SLEEP_S) / txns as f64 * 1000.0,
    };
    for (i, &(threads, mode)) in CONFIGS.iter().enumerate() {
        let p = if threads > 0 && mode == "optimistic" {
            threads as usize
        } else {
            1
        };
        let mode = if threads == 0 { "serial" } else { mode };
        table.push(row.cells(mode, &threads.to_string(), p, medians[i], SLEEP_S));
    }
    table.push(row.cells("client", "-", 1, medians[CONFIGS.len()], SLEEP_S));
    table.push(row.cells("no-sleep", "0", 1, medians[CONFIGS.len() + 1], 0.0));
    table.push(row.cells("floor", "-", 1, floor, SLEEP_S));
}

/// What every row of one server shares.
struct Row {
    server: &'static str,
    txns: usize,
    rounds: usize,
    /// The serial run's median seconds.
    serial: f64,
    /// The floor's overhead per sleep, in ms.
    floor_ms: f64,
}

impl Row {
    fn cells(&self, mode: &str, threads: &str, p: usize, secs: f64, sleep: f64) -> Vec<String> {
        let p = p.min(self.txns);
        let ideal = self.txns as f64 * sleep / p as f64;
        let overhead = (secs - ideal) / self.txns as f64 * 1000.0;
        // Concurrent sleepers wake in parallel: P of them share one floor.
        let floor = if sleep > 0.0 {
            self.floor_ms / p as f64
        } else {
            0.0
        };
        vec![
            self.server.into(),
            mode.into(),
            threads.into(),
            self.txns.to_string(),
            self.rounds.to_string(),
            format!("{secs:.3}"),
            // A run without sleeps is no speed-up of the sleeping serial run.
            if sleep > 0.0 && mode != "floor" {
                format!("{:.2}", self.serial / secs)
            } else {
                "-".into()
            },
            p.to_string(),
            format!("{ideal:.3}"),
            format!("{overhead:.3}"),
            if mode == "floor" {
                "-".into()
            } else {
                format!("{:.3}", overhead - floor)
            },
        ]
    }
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The floor: the wait SLEEP(0.01) uses, `txns` times, with no server.
fn floor(txns: usize) -> f64 {
    let switch = KillSwitch::default();
    let start = Instant::now();
    for _ in 0..txns {
        let deadline = Instant::now() + Duration::from_secs_f64(SLEEP_S);
        switch
            .sleep_until(deadline)
            .expect("nothing kills the floor");
    }
    start.elapsed().as_secs_f64()
}

/// The same statements sent by a client straight to the slave, one by one
/// (not logged): what one sleeping insert costs without replication.
fn direct(pair: &mut Pair, txns: usize) -> f64 {
    let slave = &mut pair.slave;
    sql::run(slave, "SET sql_log_bin = 0");
    sql::run(
        slave,
        "CREATE TABLE bench.direct (a INT PRIMARY KEY, b INT) ENGINE=InnoDB",
    );
    let start = Instant::now();
    for i in 0..txns {
        sql::run(slave, &sleeping_insert("bench.direct", i, 0, SLEEP_S));
    }
    let secs = start.elapsed().as_secs_f64();
    sql::run(slave, "DROP TABLE bench.direct");
    sql::run(slave, "SET sql_log_bin = 1");
    secs
}

/// One configuration: seconds from START SLAVE SQL_THREAD to caught up.
fn measure(pair: &mut Pair, table: &str, threads: u32, mode: &str, txns: usize, sleep: f64) -> f64 {
    pair.configure(threads, mode, DEFAULT_MAX_QUEUED);
    relay_backlog(pair, table, txns, sleep);
    let target = sql::master_pos(&mut pair.master);
    let start = Instant::now();
    sql::run(&mut pair.slave, "START SLAVE SQL_THREAD");
    sql::gtid_wait(&mut pair.slave, &target, Duration::from_secs(600));
    let secs = start.elapsed().as_secs_f64();
    let count = sql::value(&mut pair.slave, &format!("SELECT COUNT(*) FROM {table}"));
    assert_eq!(count, txns.to_string(), "rows on the slave");
    secs
}

/// Makes `table` and writes `txns` sleeping inserts to it on the master,
/// checked to be one group each, and waits until the slave relayed them
/// (its SQL thread stopped, as `Pair::configure` leaves it).
pub fn relay_backlog(pair: &mut Pair, table: &str, txns: usize, sleep: f64) {
    pair.prepare(&[format!(
        "CREATE TABLE {table} (a INT PRIMARY KEY, b INT) ENGINE=InnoDB"
    )]);
    sql::run(&mut pair.master, "FLUSH BINARY LOGS");
    let file = sql::column(&mut pair.master, "SHOW MASTER STATUS", "File");
    let port = pair.master_server.port;
    for i in 0..txns {
        sql::run(&mut pair.master, &sleeping_insert(table, i, port, sleep));
    }
    check_groups(pair, &file, txns);
    pair.wait_relayed();
}

/// An autocommit insert that sleeps on the slave only: the statement is
/// logged as written and `@@port` differs there, so the master does not
/// spend the sleep while writing the backlog.
fn sleeping_insert(table: &str, i: usize, master_port: u16, secs: f64) -> String {
    format!("INSERT INTO {table} VALUES ({i}, IF(@@port = {master_port}, 0, SLEEP({secs})))")
}

/// The binlog file holds one GTID group per transaction, each a statement.
fn check_groups(pair: &mut Pair, file: &str, txns: usize) {
    let (names, rows) = sql::rows(&mut pair.master, &format!("SHOW BINLOG EVENTS IN '{file}'"));
    let col = |n: &str| names.iter().position(|c| c == n).expect("binlog column");
    let (kind, info) = (col("Event_type"), col("Info"));
    let gtids = rows.iter().filter(|r| r[kind] == "Gtid").count();
    let inserts = rows
        .iter()
        .filter(|r| r[kind] == "Query" && r[info].contains("INSERT INTO"))
        .count();
    assert_eq!(
        (gtids, inserts),
        (txns, txns),
        "{file} should hold {txns} GTID groups, each one INSERT statement"
    );
}
