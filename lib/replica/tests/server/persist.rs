//! Data that outlives the `replica` process: a table created and filled,
//! then the server stopped with COM_SHUTDOWN or killed with SIGKILL and
//! started again on the same datadir, reads back its committed rows.

use super::common;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use rmtr_mysqltest::client::{ConnectOptions, Connection, Protocol};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("replica-persist-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// Starts the binary on `dir` and waits until its pid file is written.
fn start(dir: &Path) -> Child {
    let _ = fs::remove_file(dir.join("r.pid"));
    let child = Command::new(env!("CARGO_BIN_EXE_replica"))
        .arg("--no-defaults")
        .arg("--port=0")
        // Off 127.0.0.1, so other tests' checks of freed ports stay true.
        .arg("--bind-address=127.0.0.2")
        .arg(format!("--socket={}/s.sock", dir.display()))
        .arg(format!("--pid-file={}/r.pid", dir.display()))
        .arg(format!("--log-error={}/r.err", dir.display()))
        .arg(format!("--datadir={}", dir.display()))
        .spawn()
        .unwrap();
    common::wait_until(|| fs::read_to_string(dir.join("r.pid")).is_ok_and(|p| p.ends_with('\n')));
    child
}

fn connect(dir: &Path) -> Connection {
    Connection::connect(&ConnectOptions {
        host: "localhost".into(),
        socket: Some(dir.join("s.sock")),
        protocol: Protocol::Socket,
        user: "root".into(),
        ..ConnectOptions::default()
    })
    .unwrap()
}

fn run(conn: &mut Connection, sql: &str) {
    conn.query(sql.as_bytes()).unwrap();
}

#[test]
fn rows_survive_a_clean_shutdown_and_restart() {
    let dir = scratch("clean");
    let mut child = start(&dir);
    let mut conn = connect(&dir);
    run(&mut conn, "CREATE DATABASE db");
    run(
        &mut conn,
        "CREATE TABLE db.t (a INT AUTO_INCREMENT PRIMARY KEY, b VARCHAR(10), d DECIMAL(5,2), t DATETIME) ENGINE=InnoDB",
    );
    run(
        &mut conn,
        "INSERT INTO db.t (b, d, t) VALUES ('x', 1.50, '2024-02-29 10:11:12'), (NULL, -3.25, NULL)",
    );
    run(&mut conn, "CREATE TABLE test.m (a INT) ENGINE=MyISAM");
    run(&mut conn, "INSERT INTO test.m VALUES (7)");
    run(&mut conn, "CREATE TEMPORARY TABLE test.tmp (a INT)");
    conn.shutdown().unwrap();
    assert!(child.wait().unwrap().success());
    let log = fs::metadata(dir.join("replica.log")).unwrap().len();
    assert_eq!(log, 16, "a clean shutdown folds the log into the snapshot");

    let mut child = start(&dir);
    let mut conn = connect(&dir);
    assert_eq!(
        common::rows(&mut conn, "SELECT * FROM db.t"),
        ["1\tx\t1.50\t2024-02-29 10:11:12", "2\tNULL\t-3.25\tNULL"]
    );
    assert_eq!(common::rows(&mut conn, "SELECT * FROM test.m"), ["7"]);
    assert_eq!(common::rows(&mut conn, "SHOW TABLES FROM test"), ["m"]);
    assert!(conn.query(b"SELECT * FROM test.tmp").is_err());
    run(&mut conn, "INSERT INTO db.t (b) VALUES ('y')");
    assert_eq!(
        common::rows(&mut conn, "SELECT a FROM db.t WHERE b = 'y'"),
        ["3"]
    );
    conn.shutdown().unwrap();
    assert!(child.wait().unwrap().success());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_committed_row_survives_sigkill_and_an_uncommitted_one_does_not() {
    let dir = scratch("kill");
    let mut child = start(&dir);
    let mut conn = connect(&dir);
    run(
        &mut conn,
        "CREATE TABLE test.t (a INT PRIMARY KEY) ENGINE=InnoDB",
    );
    run(&mut conn, "INSERT INTO test.t VALUES (1)");
    run(&mut conn, "BEGIN");
    run(&mut conn, "INSERT INTO test.t VALUES (2)");
    // SAFETY: sends SIGKILL to the child we spawned.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();

    let mut child = start(&dir);
    let mut conn = connect(&dir);
    assert_eq!(common::rows(&mut conn, "SELECT a FROM test.t"), ["1"]);
    conn.shutdown().unwrap();
    assert!(child.wait().unwrap().success());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_snapshot_stops_start_up_naming_the_file() {
    let dir = scratch("corrupt");
    fs::write(dir.join("replica.snapshot"), b"garbage, not a snapshot").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_replica"))
        .arg("--no-defaults")
        .arg("--port=0")
        .arg(format!("--datadir={}", dir.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let expected = format!(
        "{}/replica.snapshot: corrupt at offset 0: not a file of this kind (bad header)",
        dir.display()
    );
    assert!(err.contains(&expected), "{err}");
    let _ = fs::remove_dir_all(&dir);
}
