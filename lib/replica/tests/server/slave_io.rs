//! The slave's IO thread against a real MariaDB master: a scratch
//! `mariadbd` (bootstrapped with mariadb-install-db, binary log on) and the
//! `replica` binary as its slave. CHANGE MASTER and START SLAVE IO_THREAD,
//! writes on the master, then SHOW SLAVE STATUS must reach the master's
//! position and `mariadb-binlog` must read the relay log `replica` wrote.
//! STOP SLAVE must be prompt, and a dead master port must show
//! `Connecting` with Last_IO_Errno 2003. With both threads started, the
//! slave applies what the master wrote (across a binlog rotation) and
//! ends with the same table checksum and GTID position. Without MariaDB installed the
//! test fails under CI=true and otherwise says why and returns.

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
fn start_master(mariadbd: &Path, install_db: &Path, dir: &Path, port: u16) -> Guard {
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
        .args([
            "--server-id=1",
            "--log-bin=master-bin",
            "--binlog-format=statement",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY-free: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        command.arg("--user=root");
    }
    Guard(command.spawn().unwrap())
}

fn start_replica(dir: &Path) -> Guard {
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
    let _master = start_master(&mariadbd, &install_db, &dir, master_port);
    let _replica = start_replica(&dir);
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
    let _master = start_master(&mariadbd, &install_db, &dir, master_port);
    let _replica = start_replica(&dir);
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
