//! The slave's IO thread against a real MariaDB master: a scratch
//! `mariadbd` (bootstrapped with mariadb-install-db, binary log on) and the
//! `replica` binary as its slave. CHANGE MASTER and START SLAVE IO_THREAD,
//! writes on the master, then SHOW SLAVE STATUS must reach the master's
//! position and `mariadb-binlog` must read the relay log `replica` wrote.
//! STOP SLAVE must be prompt, and a dead master port must show
//! `Connecting` with Last_IO_Errno 2003. With both threads started, the
//! slave applies what the master wrote (across a binlog rotation) and
//! ends with the same table checksum and GTID position; so too with a ROW
//! master (every column type replica has, keys and no keys) and a MIXED one
//! writing compressed events. A row the slave lacks stops it with 1032, and
//! a slave that would log row events (log_slave_updates) stops with 1235.
//! Without MariaDB installed the test fails under CI=true and otherwise
//! says why and returns.

use super::common;
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rmtr_mysqltest::client::{ConnectOptions, Connection, Protocol, Response};

/// Both servers listen here, off 127.0.0.1, so other tests' port checks hold.
const HOST: &str = "127.0.0.2";

/// A child process killed when the test ends, however it ends.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A MariaDB program from PATH or /usr/sbin (where mariadbd lives).
fn program(name: &str) -> Option<PathBuf> {
    let sbin = Path::new("/usr/sbin").join(name);
    if sbin.is_file() {
        return Some(sbin);
    }
    common::installed_client(name)
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("replica-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn free_port() -> u16 {
    TcpListener::bind((HOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Bootstraps and starts the real master.
fn start_master(mariadbd: &Path, install_db: &Path, dir: &Path, port: u16, format: &str) -> Guard {
    let datadir = dir.join("master");
    // Its own tmpdir: bootstraps sharing /tmp collide on temporary tables.
    let tmpdir = dir.join("tmp");
    fs::create_dir_all(&tmpdir).unwrap();
    let output = Command::new(install_db)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", datadir.display()))
        .arg(format!("--tmpdir={}", tmpdir.display()))
        .arg("--auth-root-authentication-method=normal")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "mariadb-install-db failed: {output:?}"
    );
    let mut command = Command::new(mariadbd);
    command
        .arg("--no-defaults")
        .arg(format!("--datadir={}", datadir.display()))
        .arg(format!("--port={port}"))
        .arg(format!("--bind-address={HOST}"))
        .arg(format!("--tmpdir={}", tmpdir.display()))
        .arg(format!("--socket={}/master.sock", dir.display()))
        .arg(format!("--log-error={}/master.err", dir.display()))
        .args(["--server-id=1", "--log-bin=master-bin"])
        .arg(format!("--binlog-format={format}"))
        // TIMESTAMP values travel as UTC seconds; replica shows them in UTC.
        .arg("--default-time-zone=+00:00")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY-free: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        command.arg("--user=root");
    }
    Guard(command.spawn().unwrap())
}

fn start_replica(dir: &Path, extra: &[&str]) -> Guard {
    let datadir = dir.join("slave");
    fs::create_dir_all(&datadir).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_replica"))
        .arg("--no-defaults")
        .arg("--port=0")
        .arg(format!("--bind-address={HOST}"))
        .arg(format!("--socket={}/slave.sock", dir.display()))
        .arg(format!("--pid-file={}/slave.pid", dir.display()))
        .arg(format!("--log-error={}/slave.err", dir.display()))
        .arg(format!("--datadir={}", datadir.display()))
        .args([
            "--server-id=2",
            "--log-basename=slave",
            "--skip-slave-start",
        ])
        .args(extra)
        .spawn()
        .unwrap();
    let guard = Guard(child);
    common::wait_until(|| {
        fs::read_to_string(dir.join("slave.pid")).is_ok_and(|p| p.ends_with('\n'))
    });
    guard
}

/// Retries a connection for up to `limit` (a starting mariadbd).
fn connect(options: &ConnectOptions, limit: Duration) -> Connection {
    let deadline = Instant::now() + limit;
    loop {
        match Connection::connect(options) {
            Ok(c) => return c,
            Err(e) => {
                assert!(Instant::now() < deadline, "cannot connect: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// One query's rows, one line each.
fn rows(conn: &mut Connection, sql: &str) -> String {
    common::rows(conn, sql).join("\n")
}

fn run(conn: &mut Connection, sql: &str) {
    conn.query(sql.as_bytes())
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The first row of a query as (column, value) pairs; empty for no row.
fn row(conn: &mut Connection, sql: &str) -> Vec<(String, String)> {
    let responses = conn.query(sql.as_bytes()).unwrap();
    let Some(Response::ResultSet(set)) = responses.into_iter().next() else {
        panic!("{sql} gave no result set");
    };
    let Some(first) = set.rows.first() else {
        return Vec::new();
    };
    set.columns
        .iter()
        .zip(first)
        .map(|(c, v)| {
            let v = v
                .as_ref()
                .map_or("NULL".into(), |b| String::from_utf8_lossy(b).into_owned());
            (String::from_utf8_lossy(&c.name).into_owned(), v)
        })
        .collect()
}

fn value(row: &[(String, String)], column: &str) -> String {
    row.iter()
        .find(|(c, _)| c == column)
        .unwrap_or_else(|| panic!("no column {column}"))
        .1
        .clone()
}

/// Polls SHOW SLAVE STATUS until `done` holds (20 s at most).
fn wait_for_status(
    slave: &mut Connection,
    what: &str,
    done: impl Fn(&[(String, String)]) -> bool,
) -> Vec<(String, String)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = row(slave, "SHOW SLAVE STATUS");
        if done(&status) {
            return status;
        }
        assert!(Instant::now() < deadline, "{what} not reached: {status:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Root connections to the master (TCP) and to the replica (socket).
fn connect_both(dir: &Path, master_port: u16) -> (Connection, Connection) {
    let master = connect(
        &ConnectOptions {
            host: HOST.into(),
            port: master_port,
            protocol: Protocol::Tcp,
            user: "root".into(),
            ..ConnectOptions::default()
        },
        Duration::from_secs(30),
    );
    let slave = connect(
        &ConnectOptions {
            host: "localhost".into(),
            socket: Some(dir.join("slave.sock")),
            protocol: Protocol::Socket,
            user: "root".into(),
            ..ConnectOptions::default()
        },
        Duration::from_secs(5),
    );
    (master, slave)
}

/// STOP SLAVE, which must not hang.
fn stop_promptly(slave: &mut Connection) {
    let started = Instant::now();
    run(slave, "STOP SLAVE");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "STOP SLAVE took {:?}",
        started.elapsed()
    );
    let status = row(slave, "SHOW SLAVE STATUS");
    assert_eq!(value(&status, "Slave_IO_Running"), "No");
    assert_eq!(value(&status, "Slave_IO_State"), "");
}

#[test]
fn io_thread_copies_a_real_masters_binlog_into_the_relay_log() {
    let (Some(mariadbd), Some(install_db), Some(binlog_tool)) = (
        program("mariadbd"),
        program("mariadb-install-db"),
        program("mariadb-binlog"),
    ) else {
        return;
    };
    let dir = scratch("slave-io");
    let master_port = free_port();
    let _master = start_master(&mariadbd, &install_db, &dir, master_port, "statement");
    let _replica = start_replica(&dir, &[]);
    let (mut master, mut slave) = connect_both(&dir, master_port);
    assert!(
        row(&mut slave, "SHOW SLAVE STATUS").is_empty(),
        "unconfigured slave"
    );

    run(
        &mut slave,
        &format!(
            "CHANGE MASTER TO MASTER_HOST='{HOST}', MASTER_PORT={master_port}, MASTER_USER='root', MASTER_CONNECT_RETRY=1"
        ),
    );
    run(&mut slave, "START SLAVE IO_THREAD");
    run(&mut master, "CREATE TABLE test.t1 (a INT)");
    run(&mut master, "INSERT INTO test.t1 VALUES (1)");
    let master_status = row(&mut master, "SHOW MASTER STATUS");
    let (file, pos) = (
        value(&master_status, "File"),
        value(&master_status, "Position"),
    );

    let status = wait_for_status(&mut slave, "the master's position", |s| {
        value(s, "Master_Log_File") == file && value(s, "Read_Master_Log_Pos") == pos
    });
    assert_eq!(value(&status, "Slave_IO_Running"), "Yes");
    assert_eq!(
        value(&status, "Slave_IO_State"),
        "Waiting for master to send event"
    );
    assert_eq!(value(&status, "Slave_SQL_Running"), "No");
    assert_eq!(value(&status, "Master_Server_Id"), "1");
    assert_eq!(value(&status, "Gtid_IO_Pos"), "0-1-2");
    assert_eq!(value(&status, "Last_IO_Errno"), "0");

    let datadir = dir.join("slave");
    let index = fs::read_to_string(datadir.join("slave-relay-bin.index")).unwrap();
    let mut decoded = String::new();
    for line in index.lines() {
        let output = Command::new(&binlog_tool)
            .arg(datadir.join(line.trim_start_matches("./")))
            .output()
            .unwrap();
        assert!(output.status.success(), "mariadb-binlog {line}: {output:?}");
        decoded.push_str(&String::from_utf8_lossy(&output.stdout));
    }
    assert!(
        decoded.contains("CREATE TABLE test.t1 (a INT)"),
        "{decoded}"
    );
    assert!(
        decoded.contains("INSERT INTO test.t1 VALUES (1)"),
        "{decoded}"
    );
    assert!(
        fs::read_to_string(datadir.join("master.info"))
            .unwrap()
            .contains(&file)
    );

    stop_promptly(&mut slave);

    // A master that is not there: Connecting, with MariaDB's 2003.
    let dead = free_port();
    run(&mut slave, &format!("CHANGE MASTER TO MASTER_PORT={dead}"));
    run(&mut slave, "START SLAVE IO_THREAD");
    let status = wait_for_status(&mut slave, "a connect error", |s| {
        value(s, "Last_IO_Errno") == "2003"
    });
    assert_eq!(value(&status, "Slave_IO_Running"), "Connecting");
    let error = value(&status, "Last_IO_Error");
    assert!(
        error.starts_with(&format!("error connecting to master 'root@{HOST}:{dead}' - retry-time: 1  maximum-retries: 100000  message: Can't connect to server on '{HOST}' (111 ")),
        "{error}"
    );
    stop_promptly(&mut slave);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_replica_slave_applies_a_real_masters_writes() {
    let (Some(mariadbd), Some(install_db)) = (program("mariadbd"), program("mariadb-install-db"))
    else {
        return;
    };
    let dir = scratch("slave-apply");
    let master_port = free_port();
    let _master = start_master(&mariadbd, &install_db, &dir, master_port, "statement");
    let _replica = start_replica(&dir, &[]);
    let (mut master, mut slave) = connect_both(&dir, master_port);
    run(
        &mut slave,
        &format!(
            "CHANGE MASTER TO MASTER_HOST='{HOST}', MASTER_PORT={master_port}, MASTER_USER='root', MASTER_CONNECT_RETRY=1"
        ),
    );
    run(&mut slave, "START SLAVE");
    for sql in [
        "CREATE DATABASE rpl",
        "CREATE TABLE rpl.t (a INT PRIMARY KEY AUTO_INCREMENT, b VARCHAR(20), c DATETIME) ENGINE=InnoDB",
        "INSERT INTO rpl.t (b, c) VALUES ('one', NOW()), ('two', NOW())",
        "BEGIN",
        "INSERT INTO rpl.t (b) VALUES ('three')",
        "UPDATE rpl.t SET b = CONCAT(b, '!') WHERE a < 3",
        "COMMIT",
        "FLUSH LOGS",
        "SET @v = 'from a user variable'",
        "INSERT INTO rpl.t (b) VALUES (@v)",
        "INSERT INTO rpl.t (b) VALUES (LAST_INSERT_ID())",
        "DELETE FROM rpl.t WHERE a = 2",
    ] {
        run(&mut master, sql);
    }
    let master_pos = rows(&mut master, "SELECT @@gtid_binlog_pos");
    let waited = rows(
        &mut slave,
        &format!("SELECT MASTER_GTID_WAIT('{master_pos}', 20)"),
    );
    let status = row(&mut slave, "SHOW SLAVE STATUS");
    assert_eq!(waited, "0", "slave did not catch up: {status:?}");
    assert_eq!(rows(&mut slave, "SELECT @@gtid_slave_pos"), master_pos);
    let checksum =
        "SELECT COUNT(*), SUM(a), GROUP_CONCAT(CONCAT_WS('#', a, b, c) ORDER BY a) FROM rpl.t";
    assert_eq!(rows(&mut slave, checksum), rows(&mut master, checksum));
    assert_eq!(value(&status, "Slave_SQL_Running"), "Yes");
    assert_eq!(value(&status, "Last_SQL_Errno"), "0");
    let master_status = row(&mut master, "SHOW MASTER STATUS");
    assert_eq!(
        value(&status, "Relay_Master_Log_File"),
        value(&master_status, "File")
    );
    assert_eq!(
        value(&status, "Exec_Master_Log_Pos"),
        value(&master_status, "Position")
    );
    stop_promptly(&mut slave);
    let _ = fs::remove_dir_all(&dir);
}

/// A real master logging in `format` and a replica slave replicating from it.
struct Pair {
    dir: PathBuf,
    master: Connection,
    slave: Connection,
    // Dropped last: the servers outlive the connections.
    _servers: (Guard, Guard),
}

impl Drop for Pair {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn replicating(tag: &str, format: &str, replica_args: &[&str]) -> Option<Pair> {
    let (Some(mariadbd), Some(install_db)) = (program("mariadbd"), program("mariadb-install-db"))
    else {
        return None;
    };
    let dir = scratch(tag);
    let master_port = free_port();
    let master_guard = start_master(&mariadbd, &install_db, &dir, master_port, format);
    let replica_guard = start_replica(&dir, replica_args);
    let (master, mut slave) = connect_both(&dir, master_port);
    run(
        &mut slave,
        &format!(
            "CHANGE MASTER TO MASTER_HOST='{HOST}', MASTER_PORT={master_port}, MASTER_USER='root', MASTER_CONNECT_RETRY=1"
        ),
    );
    run(&mut slave, "START SLAVE");
    Some(Pair {
        dir,
        master,
        slave,
        _servers: (master_guard, replica_guard),
    })
}

/// Waits until the slave has applied everything the master logged.
fn sync(pair: &mut Pair) {
    let master_pos = rows(&mut pair.master, "SELECT @@gtid_binlog_pos");
    let waited = rows(
        &mut pair.slave,
        &format!("SELECT MASTER_GTID_WAIT('{master_pos}', 20)"),
    );
    let status = row(&mut pair.slave, "SHOW SLAVE STATUS");
    assert_eq!(waited, "0", "slave did not catch up: {status:?}");
    assert_eq!(rows(&mut pair.slave, "SELECT @@gtid_slave_pos"), master_pos);
}

/// Every type the slave applies rows of, one column each.
const ALL_TYPES: &str = "CREATE TABLE rpl.t (a INT PRIMARY KEY, ti TINYINT, si SMALLINT UNSIGNED, \
    mi MEDIUMINT, i INT UNSIGNED, bi BIGINT UNSIGNED, f FLOAT, d DOUBLE, de DECIMAL(12,3), \
    c CHAR(5), v VARCHAR(20), tx TEXT, bl BLOB, dt DATETIME(3), ts TIMESTAMP(2) NULL, \
    tm TIME(1), da DATE, y YEAR, bt BIT(10), e ENUM('x','y','z'), s SET('p','q','r')) ENGINE=InnoDB";

/// A text of every row, the same on both servers when the rows are.
const ALL_TYPES_SUM: &str = "SELECT COUNT(*), GROUP_CONCAT(CONCAT_WS('#', a, ti, si, mi, i, bi, \
    f, d, de, c, v, tx, HEX(bl), dt, ts, tm, da, y, bt+0, e, s, ISNULL(ti)) ORDER BY a) FROM rpl.t";

#[test]
fn a_replica_slave_applies_a_real_masters_row_events() {
    let Some(mut pair) = replicating("slave-rows", "row", &[]) else {
        return;
    };
    for sql in [
        "CREATE DATABASE rpl",
        ALL_TYPES,
        "INSERT INTO rpl.t VALUES (1, -5, 65535, -8388608, 4294967295, 18446744073709551615, 1.5, -2.25, \
         -123456789.125, 'ab', 'hello', 'some text', x'00ff10', '2020-01-02 03:04:05.678', \
         '2021-02-03 04:05:06.07', '-12:34:56.7', '2022-03-04', 2021, b'1010101010', 'y', 'p,r'), \
         (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
         NULL, NULL, NULL, NULL, NULL, NULL), \
         (3, 127, 0, 8388607, 0, 0, -0.5, 1e300, 0.001, '', '', '', '', '1000-01-01 00:00:00', \
         '1970-01-02 00:00:00', '838:59:59', '9999-12-31', 1901, b'0', 'x', '')",
        "BEGIN",
        "UPDATE rpl.t SET v = 'changed', de = de + 1, tm = '01:02:03.4' WHERE a = 1",
        "INSERT INTO rpl.t (a, v, e, s) VALUES (4, 'in a transaction', 'z', 'q')",
        "DELETE FROM rpl.t WHERE a = 3",
        "COMMIT",
        "UPDATE rpl.t SET y = 1999, ti = ti + 1",
        "CREATE TABLE rpl.nokey (a INT, b VARCHAR(10)) ENGINE=MyISAM",
        "INSERT INTO rpl.nokey VALUES (1, 'a'), (1, 'a'), (2, 'b'), (NULL, 'n')",
        "DELETE FROM rpl.nokey WHERE b = 'a' LIMIT 1",
        "UPDATE rpl.nokey SET a = 5 WHERE b IN ('b', 'n')",
        "CREATE TABLE rpl.uk (id INT, u INT NOT NULL, UNIQUE KEY (u)) ENGINE=InnoDB",
        "INSERT INTO rpl.uk VALUES (1, 10), (2, 20)",
        "UPDATE rpl.uk SET u = u + 5",
        "CREATE TABLE rpl.u8 (a INT PRIMARY KEY, c CHAR(3), v VARCHAR(10)) DEFAULT CHARSET=utf8mb4",
        "INSERT INTO rpl.u8 VALUES (1, 'äb', '€uro'), (2, 'x', NULL)",
        "DELETE FROM rpl.u8 WHERE a = 2",
    ] {
        run(&mut pair.master, sql);
    }
    sync(&mut pair);
    for sum in [
        ALL_TYPES_SUM,
        "SELECT COUNT(*), GROUP_CONCAT(CONCAT_WS('#', a, b) ORDER BY a, b) FROM rpl.nokey",
        "SELECT GROUP_CONCAT(CONCAT_WS('#', id, u) ORDER BY id) FROM rpl.uk",
        "SELECT GROUP_CONCAT(CONCAT_WS('#', a, HEX(c), HEX(v)) ORDER BY a) FROM rpl.u8",
    ] {
        assert_eq!(
            rows(&mut pair.slave, sum),
            rows(&mut pair.master, sum),
            "{sum}"
        );
    }
    let status = row(&mut pair.slave, "SHOW SLAVE STATUS");
    assert_eq!(value(&status, "Slave_SQL_Running"), "Yes");
    assert_eq!(value(&status, "Last_SQL_Errno"), "0");
    stop_promptly(&mut pair.slave);
}

#[test]
fn a_row_the_slave_lacks_stops_the_sql_thread_with_1032_unless_idempotent() {
    let Some(mut pair) = replicating("slave-rows-1032", "row", &[]) else {
        return;
    };
    for sql in [
        "CREATE TABLE test.t1 (a INT PRIMARY KEY, b VARCHAR(10)) ENGINE=InnoDB",
        "INSERT INTO test.t1 VALUES (1, 'one'), (2, 'two')",
    ] {
        run(&mut pair.master, sql);
    }
    sync(&mut pair);
    run(&mut pair.slave, "DELETE FROM test.t1 WHERE a = 2");
    run(&mut pair.master, "DELETE FROM test.t1 WHERE a = 2");
    let events = common::rows(
        &mut pair.master,
        "SHOW BINLOG EVENTS IN 'master-bin.000001'",
    );
    let end = events
        .iter()
        .rev()
        .find_map(|e| {
            let fields: Vec<&str> = e.split('\t').collect();
            (fields.get(2) == Some(&"Delete_rows_v1")).then(|| fields[4].to_string())
        })
        .expect("a Delete_rows_v1 event");
    let status = wait_for_status(&mut pair.slave, "the SQL thread's stop", |s| {
        value(s, "Slave_SQL_Running") == "No"
    });
    assert_eq!(value(&status, "Last_SQL_Errno"), "1032");
    assert_eq!(
        value(&status, "Last_SQL_Error"),
        format!(
            "Could not execute Delete_rows_v1 event on table test.t1; Can't find record in 't1', Error_code: 1032; handler error HA_ERR_KEY_NOT_FOUND; the event's master log master-bin.000001, end_log_pos {end}"
        )
    );
    assert_eq!(rows(&mut pair.slave, "SELECT COUNT(*) FROM test.t1"), "1");

    // IDEMPOTENT: a missing row is passed over, a duplicate replaced.
    run(&mut pair.slave, "SET GLOBAL slave_exec_mode = 'IDEMPOTENT'");
    run(&mut pair.slave, "START SLAVE");
    run(&mut pair.slave, "INSERT INTO test.t1 VALUES (3, 'slave')");
    run(&mut pair.slave, "DELETE FROM test.t1 WHERE a = 1");
    run(&mut pair.master, "INSERT INTO test.t1 VALUES (3, 'three')");
    run(&mut pair.master, "UPDATE test.t1 SET b = 'uno' WHERE a = 1");
    sync(&mut pair);
    assert_eq!(rows(&mut pair.slave, "SELECT * FROM test.t1"), "3\tthree");
    run(&mut pair.slave, "SET GLOBAL slave_exec_mode = 'STRICT'");
    stop_promptly(&mut pair.slave);
}

#[test]
fn a_replica_slave_follows_a_mixed_master_writing_compressed_events() {
    let Some(mut pair) = replicating("slave-mixed", "mixed", &[]) else {
        return;
    };
    for sql in [
        "SET GLOBAL log_bin_compress = ON, log_bin_compress_min_len = 10",
        "CREATE DATABASE rpl",
        "CREATE TABLE rpl.m (a INT AUTO_INCREMENT PRIMARY KEY, u VARCHAR(36), t TEXT) ENGINE=InnoDB",
        "INSERT INTO rpl.m (u, t) VALUES ('safe', REPEAT('x', 300))",
        // Unsafe for statements: logged as (compressed) row events.
        "INSERT INTO rpl.m (u, t) VALUES (UUID(), REPEAT('y', 300)), (UUID(), 'z')",
        "UPDATE rpl.m SET t = CONCAT(t, UUID()) WHERE a = 1",
        "DELETE FROM rpl.m WHERE a > 1 LIMIT 1",
        "SET GLOBAL log_bin_compress = OFF",
    ] {
        run(&mut pair.master, sql);
    }
    let kinds = common::rows(
        &mut pair.master,
        "SHOW BINLOG EVENTS IN 'master-bin.000001'",
    )
    .iter()
    .filter_map(|e| e.split('\t').nth(2).map(str::to_string))
    .collect::<Vec<_>>();
    for kind in [
        "Query_compressed",
        "Write_rows_compressed_v1",
        "Update_rows_compressed_v1",
        "Delete_rows_compressed_v1",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind} in {kinds:?}");
    }
    sync(&mut pair);
    let sum = "SELECT COUNT(*), GROUP_CONCAT(CONCAT_WS('#', a, u, LENGTH(t), RIGHT(t, 40)) ORDER BY a) FROM rpl.m";
    assert_eq!(rows(&mut pair.slave, sum), rows(&mut pair.master, sum));
    stop_promptly(&mut pair.slave);
}

#[test]
fn a_slave_with_log_slave_updates_logs_applied_rows_as_row_events() {
    let args = ["--log-bin=slave-bin", "--log-slave-updates"];
    let Some(mut pair) = replicating("slave-rows-logged", "row", &args) else {
        return;
    };
    run(
        &mut pair.master,
        "CREATE TABLE test.t1 (a INT, b VARCHAR(8)) ENGINE=InnoDB",
    );
    run(
        &mut pair.master,
        "INSERT INTO test.t1 VALUES (1, 'x'), (2, 'y')",
    );
    run(&mut pair.master, "UPDATE test.t1 SET b = 'z' WHERE a = 2");
    let master_pos = rows(&mut pair.master, "SELECT @@gtid_binlog_pos");
    common::wait_until(|| rows(&mut pair.slave, "SELECT @@gtid_slave_pos") == master_pos);
    assert_eq!(
        rows(
            &mut pair.slave,
            "SELECT GROUP_CONCAT(CONCAT(a, b)) FROM test.t1"
        ),
        "1x,2z"
    );
    // The slave's own binary log carries the rows, under the master's GTIDs.
    let events = common::rows(&mut pair.slave, "SHOW BINLOG EVENTS IN 'slave-bin.000001'");
    let kinds: Vec<&str> = events
        .iter()
        .filter_map(|e| e.split('\t').nth(2))
        .filter(|k| k.ends_with("_rows_v1") || *k == "Table_map")
        .collect();
    assert_eq!(
        kinds,
        ["Table_map", "Write_rows_v1", "Table_map", "Update_rows_v1"],
        "{events:#?}"
    );
    assert_eq!(
        rows(&mut pair.slave, "SELECT @@gtid_binlog_pos"),
        master_pos
    );
    stop_promptly(&mut pair.slave);
}
