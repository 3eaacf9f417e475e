//! A randomized STOP/START test of the parallel slave (spec 2.1): a
//! `replica` master (log_bin, statement or row format) takes a seeded
//! random write load from a writer thread ([`writer`]), while the test
//! stops and starts a `replica` slave (slave_parallel_threads=4) at random
//! moments (0–50 ms apart), moving slave_parallel_mode through its five
//! values. After each stop the slave must be gap-free and duplicate-free:
//! every table equals the master's state after the group at
//! `@@gtid_slave_pos` ([`model`] replays the writer's journal), so its
//! `log` table holds exactly the writer's sequence numbers up to there.
//! At the end the slave syncs and holds the master's rows. The seed is
//! printed; `RPL_RANDOM_STOP_SEED=<n>` replays its choices (the timing
//! differs run to run). Every wait is bounded; every failure names the
//! seed and the cycle.

mod model;
mod writer;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rmtr_mysqltest::client::{ConnectOptions, Connection, Protocol, Response};

use model::{Journal, TABLES};
use writer::Rng;

/// The five `slave_parallel_mode` values, visited in turn.
const MODES: [&str; 5] = [
    "none",
    "minimal",
    "conservative",
    "optimistic",
    "aggressive",
];

/// The longest a stop waits after a START (the brief's "0–50 ms").
const MAX_RUN_MS: u64 = 50;

#[test]
fn random_stops_leave_a_statement_format_parallel_slave_gap_free() {
    run_scenario("statement", cycles(75));
}

#[test]
fn random_stops_leave_a_row_format_parallel_slave_gap_free() {
    run_scenario("row", cycles(25));
}

/// `default`, or RPL_RANDOM_STOP_CYCLES when set.
fn cycles(default: u32) -> u32 {
    std::env::var("RPL_RANDOM_STOP_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// RPL_RANDOM_STOP_SEED when set, else one from the clock.
fn seed() -> u64 {
    if let Some(s) = std::env::var("RPL_RANDOM_STOP_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return s;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.as_nanos() as u64 ^ u64::from(std::process::id())
}

/// What names a failure: the run's seed, format, cycle and mode.
#[derive(Clone)]
struct Ctx {
    seed: u64,
    format: &'static str,
    cycle: u32,
    mode: &'static str,
    /// The slave's port, to look at its threads when a STOP fails.
    slave_port: u16,
}

impl fmt::Display for Ctx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[seed {} (RPL_RANDOM_STOP_SEED={}), {} format, cycle {}, mode {}]",
            self.seed, self.seed, self.format, self.cycle, self.mode
        )
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The two server processes and their scratch directory.
struct Pair {
    dir: PathBuf,
    master: Server,
    slave: Server,
}

/// A `replica` process, killed when dropped, and its TCP port.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Both servers are `replica` processes: the binary log and the relay log
/// need the on-disk storage that only a server process has.
fn start_pair(format: &str) -> Pair {
    let dir = std::env::temp_dir().join(format!("replica-rstop-{format}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let binlog_format = format!("--binlog-format={format}");
    let master = spawn_server(
        &dir,
        "master",
        &["--server-id=1", "--log-bin=master-bin", &binlog_format],
    );
    let slave = spawn_server(
        &dir,
        "slave",
        &[
            "--server-id=2",
            "--slave-parallel-threads=4",
            "--skip-slave-start",
        ],
    );
    Pair { dir, master, slave }
}

pub(crate) fn spawn_server(dir: &Path, name: &str, args: &[&str]) -> Server {
    let datadir = dir.join(name);
    fs::create_dir_all(&datadir).unwrap();
    let log = dir.join(format!("{name}.err"));
    let child = Command::new(env!("CARGO_BIN_EXE_replica"))
        .args(["--no-defaults", "--port=0", "--bind-address=127.0.0.1"])
        .arg(format!("--log-basename={name}"))
        .args(args)
        .arg(format!("--datadir={}", datadir.display()))
        .arg(format!("--socket={}/{name}.sock", dir.display()))
        .arg(format!("--log-error={}", log.display()))
        .stdout(Stdio::null())
        .spawn()
        .expect("the replica binary starts");
    let mut server = Server { child, port: 0 };
    server.port = logged_port(&log);
    server
}

/// The port a server started with --port=0 wrote in its version line.
fn logged_port(log: &Path) -> u16 {
    let mut port = None;
    super::common::wait_until(|| {
        let text = fs::read_to_string(log).unwrap_or_default();
        port = text
            .lines()
            .find(|l| l.starts_with("Version: "))
            .and_then(|l| l.split("  port: ").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok());
        port.is_some()
    });
    port.expect("the master logged its port")
}

/// A root connection whose every read is bounded.
pub(crate) fn connect(port: u16) -> Connection {
    Connection::connect(&ConnectOptions {
        host: "127.0.0.1".into(),
        port,
        protocol: Protocol::Tcp,
        user: "root".into(),
        connect_timeout: Duration::from_secs(5),
        read_timeout: Some(Duration::from_secs(30)),
        ..ConnectOptions::default()
    })
    .expect("connects to replica")
}

fn run(conn: &mut Connection, sql: &str, ctx: &Ctx) {
    if let Err(e) = conn.query(sql.as_bytes()) {
        panic!("{ctx} {sql}: {e}");
    }
}

/// The slave's process list and SQL-thread status from a fresh connection,
/// so a STOP SLAVE that fails or hangs says where every thread waits.
fn threads_of(port: u16) -> String {
    let mut conn = connect(port);
    let mut out = Vec::new();
    for sql in ["SHOW PROCESSLIST", "SHOW SLAVE STATUS"] {
        out.push(format!("{sql}:"));
        out.extend(super::common::rows_in(&mut conn, sql, ""));
    }
    out.join("\n")
}

/// Every row of a query, cells joined by tabs.
fn rows(conn: &mut Connection, sql: &str, ctx: &Ctx) -> Vec<String> {
    super::common::rows_in(conn, sql, &format!("{ctx} "))
}

/// The only value of a one-row, one-column query.
fn value(conn: &mut Connection, sql: &str, ctx: &Ctx) -> String {
    rows(conn, sql, ctx).join("\n")
}

/// One named column of SHOW SLAVE STATUS.
fn slave_status(conn: &mut Connection, column: &str, ctx: &Ctx) -> String {
    let responses = conn
        .query(b"SHOW SLAVE STATUS")
        .unwrap_or_else(|e| panic!("{ctx} SHOW SLAVE STATUS: {e}"));
    let Some(Response::ResultSet(set)) = responses.into_iter().next() else {
        panic!("{ctx} SHOW SLAVE STATUS gave no result set");
    };
    let i = set
        .columns
        .iter()
        .position(|c| c.name == column.as_bytes())
        .unwrap_or_else(|| panic!("no column {column}"));
    let cell = set.rows.first().and_then(|r| r[i].as_deref());
    cell.map_or_else(String::new, |b| String::from_utf8_lossy(b).into_owned())
}

/// The slave's threads and errors, for failure messages.
fn status_text(slave: &mut Connection, ctx: &Ctx) -> String {
    let columns = [
        "Slave_IO_Running",
        "Slave_SQL_Running",
        "Last_IO_Error",
        "Last_SQL_Error",
        "Gtid_IO_Pos",
    ];
    columns
        .iter()
        .map(|c| format!("{c}={:?}", slave_status(slave, c, ctx)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The seq_no of a domain-0 GTID position from server 1 ("" is 0).
fn seq_no(pos: &str, ctx: &Ctx) -> u64 {
    if pos.is_empty() {
        return 0;
    }
    let parts: Vec<&str> = pos.split('-').collect();
    match parts.as_slice() {
        ["0", "1", n] => n.parse().unwrap_or_else(|_| panic!("{ctx} bad GTID {pos}")),
        _ => panic!("{ctx} unexpected GTID position '{pos}'"),
    }
}

fn run_scenario(format: &'static str, cycles: u32) {
    let seed = seed();
    eprintln!("random_stop: {format} format, {cycles} cycles, RPL_RANDOM_STOP_SEED={seed}");
    let started = Instant::now();
    let pair = start_pair(format);
    let mut ctx = Ctx {
        seed,
        format,
        cycle: 0,
        mode: MODES[0],
        slave_port: pair.slave.port,
    };
    let mut master = connect(pair.master.port);
    let mut slave = connect(pair.slave.port);
    for sql in model::schema() {
        run(&mut master, &sql, &ctx);
    }
    start_slave(&mut slave, pair.master.port, &ctx);
    sync(&mut master, &mut slave, &ctx);
    let journal = Arc::new(Mutex::new(Journal::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = writer::spawn((pair.master.port, pair.slave.port), seed, &journal, &stop);
    let mut rng = Rng(seed ^ 0x5eed_5eed);
    let mut behind = 0;
    for cycle in 0..cycles {
        ctx.cycle = cycle;
        ctx.mode = MODES[cycle as usize % MODES.len()];
        std::thread::sleep(Duration::from_millis(rng.below(MAX_RUN_MS + 1)));
        let written = lock(&journal).last_gtid;
        let applied = stop_and_check(&mut slave, &journal, &ctx);
        behind += u32::from(applied < written);
        let next = MODES[(cycle as usize + 1) % MODES.len()];
        run(
            &mut slave,
            &format!("SET GLOBAL slave_parallel_mode = '{next}'"),
            &ctx,
        );
        run(&mut slave, "START SLAVE", &ctx);
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().expect("the writer thread panicked");
    ctx.cycle = cycles;
    if let Some(e) = lock(&journal).error.take() {
        panic!("{ctx} the writer failed: {e}");
    }
    // Without a backlog at some stop, nothing was tested.
    assert!(
        cycles < 10 || behind > 0,
        "{ctx} no stop found the slave behind the master"
    );
    sync(&mut master, &mut slave, &ctx);
    let at_end = lock(&journal).state_at(u64::MAX);
    let what = "the master from the writer's journal";
    compare(&mut master, &at_end, what, &journal, &ctx);
    compare(
        &mut slave,
        &at_end,
        "the synced slave from the master",
        &journal,
        &ctx,
    );
    run(&mut slave, "STOP SLAVE", &ctx);
    eprintln!(
        "random_stop: {format}: {cycles} cycles ({behind} stopped behind the master), {} groups, {:?}",
        lock(&journal).groups.len(),
        started.elapsed()
    );
    drop(pair);
}

/// Points the slave at the master (GTID mode, mode none first) and starts it.
fn start_slave(slave: &mut Connection, master_port: u16, ctx: &Ctx) {
    run(
        slave,
        &format!("SET GLOBAL slave_parallel_mode = '{}'", MODES[0]),
        ctx,
    );
    run(
        slave,
        &format!(
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={master_port}, \
             MASTER_USER='root', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos"
        ),
        ctx,
    );
    run(slave, "START SLAVE", ctx);
}

/// STOP SLAVE, then the slave must hold the master's state after the
/// group at its `@@gtid_slave_pos`; that group's seq_no.
fn stop_and_check(slave: &mut Connection, journal: &Mutex<Journal>, ctx: &Ctx) -> u64 {
    let began = Instant::now();
    if let Err(e) = slave.query(b"STOP SLAVE") {
        panic!("{ctx} STOP SLAVE: {e}\n{}", threads_of(ctx.slave_port));
    }
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "{ctx} STOP SLAVE took {:?}",
        began.elapsed()
    );
    let sql_running = slave_status(slave, "Slave_SQL_Running", ctx);
    assert_eq!(
        sql_running, "No",
        "{ctx} the SQL thread runs after STOP SLAVE"
    );
    let errno = slave_status(slave, "Last_SQL_Errno", ctx);
    if errno != "0" {
        panic!(
            "{ctx} the slave stopped with an error: {}",
            status_text(slave, ctx)
        );
    }
    let pos = value(slave, "SELECT @@gtid_slave_pos", ctx);
    let applied = seq_no(&pos, ctx);
    let expected = state_at(journal, applied, ctx);
    let what = format!("the slave, stopped at {pos}, from the master's state there,");
    compare(slave, &expected, &what, journal, ctx);
    applied
}

/// The master's state after group `applied`, once the writer recorded it.
fn state_at(journal: &Mutex<Journal>, applied: u64, ctx: &Ctx) -> model::Model {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        {
            let j = lock(journal);
            if let Some(e) = &j.error {
                panic!("{ctx} the writer failed: {e}");
            }
            if j.last_gtid >= applied {
                return j.state_at(applied);
            }
        }
        assert!(
            Instant::now() < deadline,
            "{ctx} the slave is at seq_no {applied}, which the writer never recorded"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Every table of `conn` against `expected`; a difference names the rows
/// and, from `journal`, the groups that wrote those t1 rows.
fn compare(
    conn: &mut Connection,
    expected: &model::Model,
    what: &str,
    journal: &Mutex<Journal>,
    ctx: &Ctx,
) {
    for (query, want) in TABLES.iter().zip(expected.tables()) {
        let got = rows(conn, query, ctx);
        if got != want {
            let ids: Vec<u32> = only(&want, &got)
                .iter()
                .chain(&only(&got, &want))
                .filter_map(|r| r.split('\t').next()?.parse().ok())
                .collect();
            let history = if query.contains("rs.t1") {
                lock(journal).history(&ids)
            } else {
                String::new()
            };
            panic!(
                "{ctx} {what} differs in `{query}`: {} rows expected, {} found; \
                 missing {:?}; unexpected {:?}{history}",
                want.len(),
                got.len(),
                only(&want, &got),
                only(&got, &want),
            );
        }
    }
}

/// A few of the rows `a` has and `b` lacks.
fn only(a: &[String], b: &[String]) -> Vec<String> {
    a.iter()
        .filter(|r| !b.contains(r))
        .take(8)
        .cloned()
        .collect()
}

/// Waits (bounded) until the slave has applied all the master logged.
fn sync(master: &mut Connection, slave: &mut Connection, ctx: &Ctx) {
    let pos = value(master, "SELECT @@gtid_binlog_pos", ctx);
    let waited = value(slave, &format!("SELECT MASTER_GTID_WAIT('{pos}', 30)"), ctx);
    if waited != "0" {
        panic!(
            "{ctx} the slave did not reach {pos}: {}",
            status_text(slave, ctx)
        );
    }
    assert_eq!(value(slave, "SELECT @@gtid_slave_pos", ctx), pos, "{ctx}");
}
