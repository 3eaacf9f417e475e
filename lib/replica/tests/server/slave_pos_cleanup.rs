//! mysql.gtid_slave_pos stays bounded on a `replica` slave of a `replica`
//! master: after 1,000 transactions in two domains (serial, and with four
//! optimistic workers) the table holds at most gtid_cleanup_batch_size
//! rows plus one per domain, each domain's newest row names the master's
//! last GTID in it, `@@gtid_slave_pos` equals the master's binlog
//! position, and a restarted SQL thread goes on from there with sub_ids
//! above every row left. A huge batch size lets rows pile up; a batch
//! size of 1 then leaves one row per domain after the next commit.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rmtr_mysqltest::client::Connection;

use super::random_stop::{Server, connect, spawn_server};

const TRANSACTIONS: u32 = 1000;
const BATCH: u64 = 16;
const DOMAINS: u64 = 2;

#[test]
fn a_serial_slave_keeps_the_table_bounded() {
    run_scenario("serial", 0);
}

#[test]
fn a_parallel_slave_keeps_the_table_bounded() {
    run_scenario("parallel", 4);
}

/// A scratch directory removed at the end, and the servers living in it.
struct Pair {
    dir: PathBuf,
    master: Server,
    slave: Server,
}

impl Drop for Pair {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn start_pair(name: &str, threads: u32) -> Pair {
    let dir = std::env::temp_dir().join(format!("replica-prune-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let master = spawn_server(
        &dir,
        "master",
        &[
            "--server-id=1",
            "--log-bin=master-bin",
            "--binlog-format=statement",
        ],
    );
    let threads = format!("--slave-parallel-threads={threads}");
    let slave = spawn_server(
        &dir,
        "slave",
        &[
            "--server-id=2",
            &threads,
            "--slave-parallel-mode=optimistic",
            "--skip-slave-start",
        ],
    );
    Pair { dir, master, slave }
}

fn run(conn: &mut Connection, sql: &str) {
    if let Err(e) = conn.query(sql.as_bytes()) {
        panic!("{sql}: {e}");
    }
}

fn value(conn: &mut Connection, sql: &str) -> String {
    super::common::rows(conn, sql).join("\n")
}

fn number(conn: &mut Connection, sql: &str) -> u64 {
    let text = value(conn, sql);
    text.parse()
        .unwrap_or_else(|_| panic!("{sql} gave {text:?}"))
}

fn row_count(slave: &mut Connection) -> u64 {
    number(slave, "SELECT COUNT(*) FROM mysql.gtid_slave_pos")
}

/// Waits until the slave applied everything the master logged.
fn sync(master: &mut Connection, slave: &mut Connection) -> String {
    let pos = value(master, "SELECT @@gtid_binlog_pos");
    let waited = value(slave, &format!("SELECT MASTER_GTID_WAIT('{pos}', 60)"));
    assert_eq!(waited, "0", "the slave did not reach {pos}");
    assert_eq!(value(slave, "SELECT @@gtid_slave_pos"), pos);
    pos
}

/// Polls `cond` for up to twenty seconds; panics with `what` if it never holds.
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(Instant::now() < deadline, "{what}: not reached in time");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `n` autocommitted inserts on the master, alternating between domains 0 and 1.
fn write(master: &mut Connection, first: u32, n: u32) {
    for i in first..first + n {
        run(master, &format!("SET gtid_domain_id = {}", i % 2));
        run(master, &format!("INSERT INTO d.t VALUES ({i}, {})", i % 7));
    }
}

/// The seq_no of each domain's newest row (by sub_id), as `d-server-seq`.
fn newest_rows(slave: &mut Connection) -> String {
    (0..DOMAINS)
        .map(|d| {
            value(
                slave,
                &format!(
                    "SELECT CONCAT_WS('-', domain_id, server_id, seq_no) FROM mysql.gtid_slave_pos \
                     WHERE domain_id = {d} ORDER BY sub_id DESC LIMIT 1"
                ),
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Rows whose sub_id order disagrees with their seq_no order in a domain.
fn misordered(slave: &mut Connection) -> u64 {
    number(
        slave,
        "SELECT COUNT(*) FROM mysql.gtid_slave_pos a JOIN mysql.gtid_slave_pos b \
         ON a.domain_id = b.domain_id AND a.sub_id < b.sub_id AND a.seq_no >= b.seq_no",
    )
}

fn run_scenario(name: &str, threads: u32) {
    let pair = start_pair(name, threads);
    let mut master = connect(pair.master.port);
    let mut slave = connect(pair.slave.port);
    assert_eq!(
        value(&mut slave, "SELECT @@GLOBAL.gtid_cleanup_batch_size"),
        "64"
    );
    run(
        &mut slave,
        &format!("SET GLOBAL gtid_cleanup_batch_size = {BATCH}"),
    );
    run(
        &mut slave,
        &format!(
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={}, \
             MASTER_USER='root', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos",
            pair.master.port
        ),
    );
    run(&mut slave, "START SLAVE");
    run(&mut master, "CREATE DATABASE d");
    run(
        &mut master,
        "CREATE TABLE d.t (a INT PRIMARY KEY, b INT) ENGINE=InnoDB",
    );
    // Domains apply independently: the table must be there before domain 1 writes.
    sync(&mut master, &mut slave);
    write(&mut master, 0, TRANSACTIONS);
    let pos = sync(&mut master, &mut slave);
    let bound = BATCH + DOMAINS;
    wait_for("the table shrinks to its bound", || {
        row_count(&mut slave) <= bound
    });
    assert_eq!(newest_rows(&mut slave), pos);
    assert_eq!(misordered(&mut slave), 0);
    assert_eq!(
        number(&mut slave, "SELECT COUNT(*) FROM d.t"),
        u64::from(TRANSACTIONS)
    );

    // A restarted SQL thread numbers its rows after the largest sub_id left.
    let max_before = number(&mut slave, "SELECT MAX(sub_id) FROM mysql.gtid_slave_pos");
    run(&mut slave, "STOP SLAVE");
    run(&mut slave, "START SLAVE");
    write(&mut master, TRANSACTIONS, 40);
    let pos = sync(&mut master, &mut slave);
    wait_for("the table stays bounded after a restart", || {
        row_count(&mut slave) <= bound
    });
    assert_eq!(newest_rows(&mut slave), pos);
    assert_eq!(misordered(&mut slave), 0);
    let max_after = number(&mut slave, "SELECT MAX(sub_id) FROM mysql.gtid_slave_pos");
    assert_eq!(
        max_after,
        max_before + 40,
        "sub_ids go on from the largest left"
    );

    // A huge batch size keeps every row; a batch size of 1 then cleans at the next commit.
    run(
        &mut slave,
        "SET GLOBAL gtid_cleanup_batch_size = 2147483647",
    );
    let before = row_count(&mut slave);
    write(&mut master, TRANSACTIONS + 40, 30);
    sync(&mut master, &mut slave);
    assert!(row_count(&mut slave) >= before + 30, "rows pile up");
    run(&mut slave, "SET GLOBAL gtid_cleanup_batch_size = 1");
    write(&mut master, TRANSACTIONS + 70, 1);
    let pos = sync(&mut master, &mut slave);
    wait_for("one row per domain", || row_count(&mut slave) == DOMAINS);
    assert_eq!(newest_rows(&mut slave), pos);
    run(&mut slave, "STOP SLAVE");
}
