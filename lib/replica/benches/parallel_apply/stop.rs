//! STOP latency: with K transactions of `SLEEP(0.05)` relayed and 4
//! optimistic workers, the SQL thread is started, left running for 225
//! ms, and `STOP SLAVE` is timed; the transactions committed after STOP
//! was sent are counted from `@@gtid_slave_pos`. Run with the default
//! `slave_parallel_max_queued` and with a small one; after each run the
//! slave skips what it did not apply (RESET SLAVE, new GTID position).

use std::time::{Duration, Instant};

use super::catchup::relay_backlog;
use super::report::Table;
use super::servers::{DEFAULT_MAX_QUEUED, Pair};
use super::sql;

/// What each transaction sleeps on the slave, in seconds.
const SLEEP_S: f64 = 0.050;
/// Workers, all optimistic.
const THREADS: u32 = 4;
/// How long the SQL thread runs before STOP: not a multiple of the 50 ms
/// transactions, so STOP comes halfway through the ones in flight.
const RUN_BEFORE_STOP: Duration = Duration::from_millis(225);
/// A worker's process-list state when it has nothing to do (both servers).
const IDLE: &str = "Waiting for work from SQL thread";
/// The small queue limit, in bytes.
pub const SMALL_QUEUE: u64 = 2000;

pub fn table() -> Table {
    let mut t = Table::new(
        "STOP SLAVE latency: 4 optimistic workers, K queued transactions of SLEEP(0.05)",
        &[
            "server",
            "max_queued",
            "K",
            "applied before STOP",
            "busy workers",
            "STOP ms",
            "applied after STOP",
            "started-only?",
        ],
    );
    t.notes = vec![
        "STOP ms = wall time of STOP SLAVE, sent after the SQL thread ran 225 ms".into(),
        "busy workers = Slave_worker threads not idle in SHOW PROCESSLIST just before STOP".into(),
        "applied after STOP = gtid_slave_pos seq when STOP returned - seq read just before \
         STOP was sent; started-only? = applied after STOP <= busy workers, i.e. only groups \
         already started ran to their end"
            .into(),
        "target (bundled): STOP ms <= 100 (2 x the 50 ms transaction), flat in K and queue".into(),
    ];
    t
}

/// Measures every K with both queue limits on `pair`.
pub fn run(pair: &mut Pair, ks: &[usize], table: &mut Table) {
    let runs = [DEFAULT_MAX_QUEUED, SMALL_QUEUE]
        .into_iter()
        .flat_map(|q| ks.iter().map(move |&k| (q, k)));
    for (i, (queue, k)) in runs.enumerate() {
        let run = measure(pair, &format!("bench.s{i}"), k, queue);
        table.push(vec![
            pair.kind.name().into(),
            queue.to_string(),
            k.to_string(),
            run.before.to_string(),
            run.busy.to_string(),
            format!("{:.1}", run.ms),
            run.after.to_string(),
            if run.after <= run.busy { "yes" } else { "no" }.into(),
        ]);
    }
}

/// What one run saw.
struct Run {
    /// Transactions committed before STOP was sent.
    before: u64,
    /// Workers busy with a group just before STOP was sent.
    busy: u64,
    ms: f64,
    /// Transactions committed after STOP was sent.
    after: u64,
}

fn measure(pair: &mut Pair, table: &str, k: usize, queue: u64) -> Run {
    pair.configure(THREADS, "optimistic", queue);
    relay_backlog(pair, table, k, SLEEP_S);
    let base = sql::slave_seq(&mut pair.slave);
    sql::run(&mut pair.slave, "START SLAVE SQL_THREAD");
    std::thread::sleep(RUN_BEFORE_STOP);
    let busy = busy_workers(pair);
    let at_stop = sql::slave_seq(&mut pair.slave);
    let start = Instant::now();
    sql::run(&mut pair.slave, "STOP SLAVE");
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let after = sql::slave_seq(&mut pair.slave) - at_stop;
    let running = sql::column(&mut pair.slave, "SHOW SLAVE STATUS", "Slave_SQL_Running");
    assert_eq!(running, "No", "the SQL thread stopped");
    pair.skip_rest();
    Run {
        before: at_stop - base,
        busy,
        ms,
        after,
    }
}

/// Worker threads in the process list that are not idle.
fn busy_workers(pair: &mut Pair) -> u64 {
    let (names, rows) = sql::rows(&mut pair.slave, "SHOW PROCESSLIST");
    let col = |n: &str| {
        names
            .iter()
            .position(|c| c == n)
            .expect("processlist column")
    };
    let (command, state) = (col("Command"), col("State"));
    let busy = rows
        .iter()
        .filter(|r| r[command] == "Slave_worker" && r[state] != IDLE)
        .count();
    busy as u64
}
