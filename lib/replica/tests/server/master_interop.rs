//! A real MariaDB slave replicates from `replica` as its master: the
//! `replica` binary runs with `--log-bin`, a scratch `mariadbd` is
//! bootstrapped and pointed at it with CHANGE MASTER (GTID mode, then
//! file/position mode), DDL and DML run on the master across a FLUSH
//! LOGS, and the slave ends with the same rows and GTID position; with
//! BINLOG_FORMAT=ROW (every type replica has) and MIXED (unsafe
//! statements) it applies replica's row events to the same contents.
//! Every wait is bounded; both processes die with the test (a Drop guard).

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rmtr_mysqltest::client::{ConnectOptions, Connection, Protocol, Response};

use super::common;

/// The child processes and scratch directory of one test; killed and removed on drop.
struct Servers {
    dir: PathBuf,
    children: Vec<Child>,
}

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn connect(port: u16) -> Option<Connection> {
    Connection::connect(&ConnectOptions {
        host: "127.0.0.1".into(),
        port,
        protocol: Protocol::Tcp,
        user: "root".into(),
        connect_timeout: Duration::from_secs(2),
        read_timeout: Some(Duration::from_secs(60)),
        ..ConnectOptions::default()
    })
    .ok()
}

/// Connects once the server accepts, within `limit`.
fn connect_within(port: u16, limit: Duration, log: &Path) -> Connection {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(c) = connect(port) {
            return c;
        }
        assert!(
            Instant::now() < deadline,
            "server on port {port} did not start; its log:\n{}",
            fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One query's rows, one line each.
fn rows(conn: &mut Connection, sql: &str) -> String {
    common::rows(conn, sql).join("\n")
}

fn run(conn: &mut Connection, sql: &str) {
    if let Err(e) = conn.query(sql.as_bytes()) {
        panic!("{sql}: {e}");
    }
}

/// One named column of SHOW SLAVE STATUS.
fn slave_status(conn: &mut Connection, column: &str) -> String {
    let responses = conn.query(b"SHOW SLAVE STATUS").unwrap();
    let Some(Response::ResultSet(set)) = responses.into_iter().next() else {
        panic!("SHOW SLAVE STATUS gave no result set");
    };
    let i = set
        .columns
        .iter()
        .position(|c| c.name == column.as_bytes())
        .unwrap();
    let cell = set.rows.first().and_then(|r| r[i].as_deref());
    cell.map_or_else(String::new, |b| String::from_utf8_lossy(b).into_owned())
}

/// Starts `replica` as master and a bootstrapped mariadbd as slave; None without MariaDB.
fn start(name: &str) -> Option<(Servers, Connection, u16, Connection)> {
    start_with(name, &[])
}

/// [`start`], the master started with `options` too.
fn start_with(name: &str, options: &[&str]) -> Option<(Servers, Connection, u16, Connection)> {
    let mariadbd = common::installed_server("mariadbd")?;
    let install = common::installed_server("mariadb-install-db")?;
    let dir = std::env::temp_dir().join(format!("replica-master-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("master")).unwrap();
    let mut servers = Servers {
        dir: dir.clone(),
        children: Vec::new(),
    };
    let master_port = free_port();
    let master_log = dir.join("master.err");
    servers.children.push(
        Command::new(env!("CARGO_BIN_EXE_replica"))
            .args(["--no-defaults", "--server-id=1", "--log-bin=master-bin"])
            .args(options)
            .arg(format!("--port={master_port}"))
            .arg(format!("--datadir={}", dir.join("master").display()))
            .arg(format!("--socket={}/m.sock", dir.display()))
            .arg(format!("--log-error={}", master_log.display()))
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let slave_dir = dir.join("slave");
    // Its own tmpdir: bootstraps sharing /tmp collide on their temporary tables.
    let tmpdir = dir.join("tmp");
    std::fs::create_dir_all(&tmpdir).unwrap();
    let out = Command::new(install)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", slave_dir.display()))
        .arg(format!("--tmpdir={}", tmpdir.display()))
        .arg("--auth-root-authentication-method=normal")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mariadb-install-db failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let slave_port = free_port();
    let slave_log = dir.join("slave.err");
    servers.children.push(
        Command::new(mariadbd)
            .args(["--no-defaults", "--server-id=2", "--user=root"])
            .arg("--default-time-zone=+00:00")
            .arg(format!("--datadir={}", slave_dir.display()))
            .arg(format!("--port={slave_port}"))
            .arg(format!("--socket={}/s.sock", dir.display()))
            .arg(format!("--log-error={}", slave_log.display()))
            .arg(format!("--pid-file={}/s.pid", dir.display()))
            .arg(format!("--tmpdir={}", tmpdir.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let master = connect_within(master_port, Duration::from_secs(30), &master_log);
    let slave = connect_within(slave_port, Duration::from_secs(60), &slave_log);
    Some((servers, master, master_port, slave))
}

/// The statements both tests run on the master: DDL, autocommit DML, a
/// multi-statement transaction, and a FLUSH LOGS in the middle.
const WORKLOAD: &[&str] = &[
    "CREATE DATABASE rpl",
    "CREATE TABLE rpl.t (a INT PRIMARY KEY, b VARCHAR(20)) ENGINE=InnoDB",
    "INSERT INTO rpl.t VALUES (1, 'one'), (2, NULL)",
    "BEGIN",
    "INSERT INTO rpl.t VALUES (3, 'three')",
    "UPDATE rpl.t SET b = 'two' WHERE a = 2",
    "DELETE FROM rpl.t WHERE a = 1",
    "COMMIT",
    "FLUSH LOGS",
    "INSERT INTO rpl.t VALUES (10, 'ten')",
    "CREATE TABLE rpl.u (x INT) ENGINE=InnoDB",
    "BEGIN",
    "INSERT INTO rpl.u VALUES (1)",
    "INSERT INTO rpl.u VALUES (2)",
    "COMMIT",
];

/// What both servers must agree on.
const CHECK: &str =
    "SELECT COUNT(*), SUM(a), GROUP_CONCAT(CONCAT_WS('#', a, b) ORDER BY a) FROM rpl.t";

/// The slave holds what the master holds, and no replication error.
fn assert_same(master: &mut Connection, slave: &mut Connection) {
    assert_eq!(rows(slave, CHECK), rows(master, CHECK));
    assert_eq!(rows(slave, "SELECT x FROM rpl.u ORDER BY x"), "1\n2");
    assert_eq!(
        slave_status(slave, "Last_IO_Errno"),
        "0",
        "{}",
        slave_status(slave, "Last_IO_Error")
    );
    assert_eq!(
        slave_status(slave, "Last_SQL_Errno"),
        "0",
        "{}",
        slave_status(slave, "Last_SQL_Error")
    );
    assert_eq!(slave_status(slave, "Master_Server_Id"), "1");
}

#[test]
fn a_mariadb_slave_replicates_in_gtid_mode() {
    let Some((_servers, mut master, port, mut slave)) = start("gtid") else {
        return;
    };
    run(
        &mut slave,
        &format!(
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={port}, MASTER_USER='root', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1"
        ),
    );
    run(&mut slave, "START SLAVE");
    for sql in WORKLOAD {
        run(&mut master, sql);
    }
    let pos = rows(&mut master, "SELECT @@gtid_binlog_pos");
    let waited = rows(&mut slave, &format!("SELECT MASTER_GTID_WAIT('{pos}', 30)"));
    assert_eq!(
        waited,
        "0",
        "slave did not catch up: {}",
        slave_status(&mut slave, "Last_IO_Error")
    );
    assert_eq!(rows(&mut slave, "SELECT @@gtid_slave_pos"), pos);
    assert_same(&mut master, &mut slave);
    assert_eq!(
        rows(&mut master, "SHOW SLAVE HOSTS")
            .split('\t')
            .collect::<Vec<_>>()[0],
        "2"
    );
    let dump = rows(
        &mut master,
        "SELECT STATE FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump'",
    );
    assert!(
        dump.contains("Master has sent all binlog to slave"),
        "{dump}"
    );
    run(&mut slave, "STOP SLAVE");
}

#[test]
fn a_mariadb_slave_replicates_from_a_file_and_position() {
    let Some((_servers, mut master, port, mut slave)) = start("file") else {
        return;
    };
    let first = rows(&mut master, "SHOW MASTER STATUS");
    let first_file = first.split('\t').next().unwrap().to_string();
    run(
        &mut slave,
        &format!(
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={port}, MASTER_USER='root', MASTER_USE_GTID=no, MASTER_LOG_FILE='{first_file}', MASTER_LOG_POS=4, MASTER_CONNECT_RETRY=1"
        ),
    );
    run(&mut slave, "START SLAVE");
    for sql in WORKLOAD {
        run(&mut master, sql);
    }
    let status = rows(&mut master, "SHOW MASTER STATUS");
    let fields: Vec<&str> = status.split('\t').collect();
    let waited = rows(
        &mut slave,
        &format!("SELECT MASTER_POS_WAIT('{}', {}, 30)", fields[0], fields[1]),
    );
    assert_ne!(
        waited,
        "-1",
        "slave did not catch up: {}",
        slave_status(&mut slave, "Last_IO_Error")
    );
    assert_ne!(fields[0], first_file, "the workload rotates the log");
    assert_eq!(slave_status(&mut slave, "Relay_Master_Log_File"), fields[0]);
    assert_eq!(slave_status(&mut slave, "Exec_Master_Log_Pos"), fields[1]);
    assert_eq!(
        rows(&mut slave, "SELECT @@gtid_slave_pos"),
        rows(&mut master, "SELECT @@gtid_binlog_pos")
    );
    assert_same(&mut master, &mut slave);
    run(&mut slave, "STOP SLAVE");
}

/// Points the slave at the master in GTID mode and runs `workload` on the master until the slave has it all.
fn replicate(master: &mut Connection, port: u16, slave: &mut Connection, workload: &[&str]) {
    run(
        slave,
        &format!(
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={port}, MASTER_USER='root', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1"
        ),
    );
    run(slave, "START SLAVE");
    for sql in workload {
        run(master, sql);
    }
    let pos = rows(master, "SELECT @@gtid_binlog_pos");
    let waited = rows(slave, &format!("SELECT MASTER_GTID_WAIT('{pos}', 30)"));
    assert_eq!(
        waited,
        "0",
        "slave did not catch up: {} {}",
        slave_status(slave, "Last_IO_Error"),
        slave_status(slave, "Last_SQL_Error")
    );
}

/// The master's events of these kinds, as SHOW BINLOG EVENTS names them.
fn event_kinds(master: &mut Connection, file: &str) -> Vec<String> {
    common::rows(master, &format!("SHOW BINLOG EVENTS IN '{file}'"))
        .iter()
        .filter_map(|r| r.split('\t').nth(2).map(String::from))
        .collect()
}

/// Every column of every row of `rpl.types`, as text both servers print alike.
const TYPES_CHECK: &str = "SELECT id, ti, si, mi, i, bi, f, d, dc, c, vc, tx, HEX(bl), dt, tm, dtm, ts, y, \
     bt + 0, e, s, HEX(vb), mt FROM rpl.types ORDER BY id";

#[test]
fn a_mariadb_slave_applies_row_events_of_every_type() {
    let Some((_servers, mut master, port, mut slave)) = start_with("row", &["--binlog-format=ROW"])
    else {
        assert!(std::env::var_os("CI").is_none(), "MariaDB is not installed");
        return;
    };
    let mut workload = WORKLOAD.to_vec();
    workload.extend([
        "CREATE TABLE rpl.types (id INT PRIMARY KEY, ti TINYINT, si SMALLINT UNSIGNED, \
         mi MEDIUMINT, i INT UNSIGNED, bi BIGINT UNSIGNED, f FLOAT, d DOUBLE, dc DECIMAL(20,6), \
         c CHAR(6), vc VARCHAR(300), tx TEXT, bl LONGBLOB, dt DATE, tm TIME(4), dtm DATETIME(6), \
         ts TIMESTAMP(2) NULL, y YEAR, bt BIT(12), e ENUM('a','b','c'), s SET('x','y','z'), \
         vb VARBINARY(10), mt MEDIUMTEXT) ENGINE=InnoDB",
        "INSERT INTO rpl.types VALUES (1, -128, 65535, -8388608, 4294967295, \
         18446744073709551615, 0.5, -1e300, -12345678901234.567891, 'abc', REPEAT('v', 300), \
         'text', x'00ff10', '1000-01-01', '-838:59:59.9999', '2024-02-29 23:59:59.999999', \
         '2038-01-19 03:14:07.99', 1901, 4095, 'c', 'x,z', x'0000', 'medium'), \
         (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), \
         (3, 127, 0, 8388607, 0, 0, -2.5, 3.25, 0.000001, '', '', '', '', '9999-12-31', \
         '00:00:00.0001', '1000-01-01 00:00:00', '1970-01-01 00:00:01', 2155, 0, 'a', '', '', '')",
        "UPDATE rpl.types SET vc = 'changed', e = 'b', dc = -dc WHERE id = 1",
        "UPDATE rpl.types SET ti = 1 WHERE id = 2",
        "DELETE FROM rpl.types WHERE id = 3",
        "CREATE TABLE rpl.m (k INT, v VARCHAR(10)) ENGINE=MyISAM",
        "INSERT INTO rpl.m VALUES (1, 'a'), (2, 'b')",
        "UPDATE rpl.m SET v = 'c' WHERE k = 2",
        "CREATE TABLE rpl.cs ENGINE=InnoDB SELECT id, vc, dtm FROM rpl.types",
    ]);
    replicate(&mut master, port, &mut slave, &workload);
    assert_same(&mut master, &mut slave);
    let cs = "SELECT id, vc, dtm FROM rpl.cs ORDER BY id";
    assert_eq!(rows(&mut slave, cs), rows(&mut master, cs));
    assert_eq!(
        rows(&mut slave, TYPES_CHECK),
        rows(&mut master, TYPES_CHECK)
    );
    let m = "SELECT k, v FROM rpl.m ORDER BY k";
    assert_eq!(rows(&mut slave, m), rows(&mut master, m));
    let file = rows(&mut master, "SHOW MASTER STATUS");
    let kinds = event_kinds(&mut master, file.split('\t').next().unwrap());
    for kind in [
        "Annotate_rows",
        "Table_map",
        "Write_rows_v1",
        "Update_rows_v1",
        "Delete_rows_v1",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind}: {kinds:?}");
    }
    run(&mut slave, "STOP SLAVE");
}

#[test]
fn a_mariadb_slave_gets_unsafe_statements_as_rows_under_mixed() {
    let Some((_servers, mut master, port, mut slave)) =
        start_with("mixed", &["--binlog-format=MIXED"])
    else {
        assert!(std::env::var_os("CI").is_none(), "MariaDB is not installed");
        return;
    };
    let mut workload = WORKLOAD.to_vec();
    workload.extend([
        "INSERT INTO rpl.t VALUES (20, LEFT(UUID(), 8))",
        "UPDATE rpl.t SET b = 'limited' ORDER BY a DESC LIMIT 1",
        "CREATE TABLE rpl.m (k INT) ENGINE=MyISAM",
        "INSERT INTO rpl.m VALUES (1), (2), (3)",
        "DELETE FROM rpl.m LIMIT 1",
        "UPDATE rpl.t SET b = 'safe' WHERE a = 3",
    ]);
    replicate(&mut master, port, &mut slave, &workload);
    assert_same(&mut master, &mut slave);
    let m = "SELECT k FROM rpl.m ORDER BY k";
    assert_eq!(rows(&mut slave, m), rows(&mut master, m));
    let file = rows(&mut master, "SHOW MASTER STATUS");
    let kinds = event_kinds(&mut master, file.split('\t').next().unwrap());
    for kind in [
        "Annotate_rows",
        "Write_rows_v1",
        "Update_rows_v1",
        "Delete_rows_v1",
        "Query",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind}: {kinds:?}");
    }
    run(&mut slave, "STOP SLAVE");
}
