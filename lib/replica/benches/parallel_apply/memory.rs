//! Memory: the peak resident size (VmHWM) of a `replica` slave while
//! 4 optimistic workers cannot commit and the driver queues all it may.
//! A slave-local transaction locks the row the first replicated
//! transaction updates, so that group waits and every later one waits to
//! commit after it; N single-row inserts follow it. The peak is read once
//! it stops growing, then the lock is released and the backlog applied.
//! Each queue limit gets a fresh pair, since VmHWM never goes down.

use std::time::{Duration, Instant};

use super::report::Table;
use super::servers::{DEFAULT_MAX_QUEUED, Kind, Launcher};
use super::sql;

/// The large limit: enough to queue every event.
const BIG_QUEUE: u64 = 1 << 30;
/// The peak counts as settled when it has not moved for this long.
const SETTLED: Duration = Duration::from_secs(3);
/// How many writer connections fill the master in parallel.
const WRITERS: usize = 4;

pub fn table() -> Table {
    let mut t = Table::new(
        "memory: replica slave peak RSS with N queued single-row inserts, workers blocked",
        &[
            "max_queued",
            "N",
            "relay MB",
            "RSS before MB",
            "HWM blocked MB",
            "growth MB",
            "driver state",
            "apply s",
            "HWM end MB",
            "gtid_slave_pos rows",
        ],
    );
    t.notes = vec![
        "relay MB = bytes of the backlog in the master's binlog".into(),
        "RSS before = VmRSS with the backlog relayed, SQL thread stopped; HWM blocked = \
         VmHWM once it stopped growing for 3 s with the workers held; growth = the difference"
            .into(),
        "apply s = from releasing the lock until the slave has everything; HWM end = VmHWM \
         then; gtid_slave_pos rows = rows in mysql.gtid_slave_pos then"
            .into(),
    ];
    t
}

/// Measures both queue limits, each on a fresh bundled pair.
pub fn run(launcher: &mut Launcher, n: usize, table: &mut Table) {
    for queue in [DEFAULT_MAX_QUEUED, BIG_QUEUE] {
        measure(launcher, n, queue, table);
    }
}

fn measure(launcher: &mut Launcher, n: usize, queue: u64, table: &mut Table) {
    let mut pair = launcher.pair(Kind::Bundled);
    pair.configure(4, "optimistic", queue);
    sql::run(
        &mut pair.slave,
        "SET GLOBAL innodb_lock_wait_timeout = 3600",
    );
    pair.prepare(&[
        "CREATE TABLE bench.m (a INT PRIMARY KEY, b INT) ENGINE=InnoDB".into(),
        "INSERT INTO bench.m VALUES (0, 0)".into(),
    ]);
    let start_pos = sql::column(&mut pair.master, "SHOW MASTER STATUS", "Position");
    sql::run(&mut pair.master, "UPDATE bench.m SET b = 1 WHERE a = 0");
    let filling = Instant::now();
    fill(pair.master_server.port, n - 1);
    eprintln!(
        "  memory: {n} transactions written in {:.1?}",
        filling.elapsed()
    );
    let end_pos = sql::column(&mut pair.master, "SHOW MASTER STATUS", "Position");
    let relay_mb = (num(&end_pos) - num(&start_pos)) / 1e6;
    let relaying = Instant::now();
    pair.wait_relayed();
    eprintln!("  memory: relayed {:.1?} later", relaying.elapsed());
    let pid = pair.slave_server.pid();
    let before = status_kb(pid, "VmRSS");
    let mut blocker = sql::connect(pair.slave_server.port).expect("a slave client");
    sql::run(&mut blocker, "BEGIN");
    sql::run(&mut blocker, "UPDATE bench.m SET b = 2 WHERE a = 0");
    sql::run(&mut pair.slave, "START SLAVE SQL_THREAD");
    let blocked = settle(pid);
    let state = sql::column(
        &mut pair.slave,
        "SHOW SLAVE STATUS",
        "Slave_SQL_Running_State",
    );
    let target = sql::master_pos(&mut pair.master);
    let start = Instant::now();
    sql::run(&mut blocker, "ROLLBACK");
    sql::gtid_wait(&mut pair.slave, &target, Duration::from_secs(1200));
    let apply = start.elapsed().as_secs_f64();
    let count = sql::value(&mut pair.slave, "SELECT COUNT(*) FROM bench.m");
    assert_eq!(count, n.to_string(), "rows on the slave");
    let pos_rows = sql::value(&mut pair.slave, "SELECT COUNT(*) FROM mysql.gtid_slave_pos");
    let mb = |kb: u64| format!("{:.1}", kb as f64 / 1024.0);
    table.push(vec![
        queue.to_string(),
        n.to_string(),
        format!("{relay_mb:.1}"),
        mb(before),
        mb(blocked),
        mb(blocked.saturating_sub(before)),
        state,
        format!("{apply:.2}"),
        mb(status_kb(pid, "VmHWM")),
        pos_rows,
    ]);
}

/// Writes `rows` autocommit single-row inserts (keys 1..) from several clients.
fn fill(port: u16, rows: usize) {
    std::thread::scope(|s| {
        for w in 0..WRITERS {
            s.spawn(move || {
                let mut conn = sql::connect(port).expect("a master client");
                for key in (1..=rows).filter(|k| k % WRITERS == w) {
                    sql::run(
                        &mut conn,
                        &format!("INSERT INTO bench.m VALUES ({key}, {key})"),
                    );
                }
            });
        }
    });
}

/// VmHWM once it has not grown for [`SETTLED`] (at most ten minutes).
fn settle(pid: u32) -> u64 {
    let end = Instant::now() + Duration::from_secs(600);
    let mut peak = status_kb(pid, "VmHWM");
    let mut since = Instant::now();
    while since.elapsed() < SETTLED && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(100));
        let now = status_kb(pid, "VmHWM");
        if now != peak {
            peak = now;
            since = Instant::now();
        }
    }
    peak
}

/// A `kB` field of /proc/PID/status.
fn status_kb(pid: u32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(0.0)
}
