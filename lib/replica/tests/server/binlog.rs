//! The `replica` binary started with `--log-bin` writes a binary log the
//! installed `mariadb-binlog` reads without error: the statements are in
//! it, SHOW MASTER STATUS agrees with the file's size, and a clean
//! shutdown ends the file with a Stop event; a statement that read the
//! time in a session time zone carries that zone. Under
//! BINLOG_FORMAT=MIXED an unsafe row change is refused before it changes
//! or logs anything.

use std::fs;
use std::path::PathBuf;
use std::process::{Child, Command};

use rmtr_mysqltest::client::{ConnectOptions, Connection, Protocol};

use super::common;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("replica-binlog-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// The first row of a query, cells joined by tabs.
fn first_row(conn: &mut Connection, sql: &str) -> String {
    common::rows(conn, sql).swap_remove(0)
}

/// A `replica` with `--log-bin` in a fresh scratch dir, and a root connection to it.
fn start_logging(name: &str) -> (PathBuf, Child, Connection) {
    let dir = scratch(name);
    let child = Command::new(env!("CARGO_BIN_EXE_replica"))
        .args([
            "--no-defaults",
            "--port=0",
            "--server-id=1",
            "--log-bin=master-bin",
        ])
        .arg(format!("--datadir={}", dir.display()))
        .arg(format!("--socket={}/s.sock", dir.display()))
        .arg(format!("--pid-file={}/r.pid", dir.display()))
        .arg(format!("--log-error={}/r.err", dir.display()))
        .spawn()
        .unwrap();
    common::wait_until(|| fs::read_to_string(dir.join("r.pid")).is_ok_and(|p| p.ends_with('\n')));
    let conn = Connection::connect(&ConnectOptions {
        host: "localhost".into(),
        socket: Some(dir.join("s.sock")),
        protocol: Protocol::Socket,
        user: "root".into(),
        ..ConnectOptions::default()
    })
    .unwrap();
    (dir, child, conn)
}

#[test]
fn mariadb_binlog_reads_what_replica_wrote() {
    let Some(tool) = common::installed_client("mariadb-binlog") else {
        return;
    };
    let (dir, mut child, mut conn) = start_logging("read");
    assert_eq!(first_row(&mut conn, "SELECT @@log_bin"), "1");
    for sql in [
        "CREATE DATABASE bl",
        "USE bl",
        "CREATE TABLE t (a INT PRIMARY KEY) ENGINE=InnoDB",
        "INSERT INTO t VALUES (1)",
        "BEGIN",
        "UPDATE t SET a = 2 WHERE a = 1",
        "COMMIT",
        "CREATE TABLE tz (d DATETIME) ENGINE=InnoDB",
        "SET time_zone = '+10:30'",
        "INSERT INTO tz VALUES (NOW())",
    ] {
        conn.query(sql.as_bytes()).unwrap();
    }
    let status = first_row(&mut conn, "SHOW MASTER STATUS");
    let file = dir.join("master-bin.000001");
    let size = fs::metadata(&file).unwrap().len();
    assert_eq!(status, format!("master-bin.000001\t{size}\t\t"));
    assert_eq!(first_row(&mut conn, "SELECT @@gtid_binlog_pos"), "0-1-6");
    conn.shutdown().unwrap();
    assert!(child.wait().unwrap().success());

    let out = Command::new(tool).arg(&file).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for wanted in [
        "CREATE DATABASE bl\n",
        "use `bl`/*!*/;",
        "INSERT INTO t VALUES (1)\n",
        "UPDATE t SET a = 2 WHERE a = 1\n",
        "GTID 0-1-4 trans",
        // The Query event names the zone NOW() was read in.
        "SET @@session.time_zone='+10:30'/*!*/;\nINSERT INTO tz VALUES (NOW())\n",
        "Xid = ",
        "\tStop\n",
    ] {
        assert!(text.contains(wanted), "no {wanted:?} in:\n{text}");
    }
    assert!(!text.contains("not closed properly"), "{text}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn mixed_format_refuses_an_unsafe_row_change_and_logs_a_safe_one() {
    let (dir, mut child, mut conn) = start_logging("mixed");
    for sql in [
        "SET SESSION binlog_format = 'MIXED'",
        "CREATE DATABASE mx",
        "USE mx",
        "CREATE TABLE t (a INT PRIMARY KEY, b INT) ENGINE=InnoDB",
        "INSERT INTO t VALUES (1, 1)",
    ] {
        conn.query(sql.as_bytes()).unwrap();
    }
    let before = first_row(&mut conn, "SELECT @@gtid_binlog_pos");
    for unsafe_change in [
        "INSERT INTO t VALUES (2, LENGTH(UUID()))",
        "UPDATE t SET b = 5 LIMIT 1",
        "DELETE FROM t WHERE b = @@global.server_id",
    ] {
        let err = conn
            .query(unsafe_change.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("1235"), "{unsafe_change}: {err}");
    }
    assert_eq!(first_row(&mut conn, "SELECT @@gtid_binlog_pos"), before);
    assert_eq!(
        first_row(&mut conn, "SELECT COUNT(*), SUM(b) FROM t"),
        "1\t1"
    );
    conn.query(b"UPDATE t SET b = 2 WHERE a = 1").unwrap();
    assert_ne!(first_row(&mut conn, "SELECT @@gtid_binlog_pos"), before);
    conn.query(b"SET SESSION binlog_format = 'STATEMENT'")
        .unwrap();
    conn.query(b"UPDATE t SET b = 5 LIMIT 1").unwrap();
    let warnings = common::rows(&mut conn, "SHOW WARNINGS");
    assert!(
        warnings.len() == 1 && warnings[0].contains("1592"),
        "{warnings:?}"
    );
    assert_eq!(first_row(&mut conn, "SELECT b FROM t"), "5");
    conn.shutdown().unwrap();
    assert!(child.wait().unwrap().success());
    let _ = fs::remove_dir_all(&dir);
}
