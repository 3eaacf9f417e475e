//! The `replica` binary started with `--log-bin` writes a binary log the
//! installed `mariadb-binlog` reads without error: the statements are in
//! it, SHOW MASTER STATUS agrees with the file's size, and a clean
//! shutdown ends the file with a Stop event; a statement that read the
//! time in a session time zone carries that zone.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use rmtr_mysqltest::client::{ConnectOptions, Connection, Protocol, Response};

use super::common;

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(format!("replica-binlog-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// The first row of a query, cells joined by tabs.
fn first_row(conn: &mut Connection, sql: &str) -> String {
    let responses = conn.query(sql.as_bytes()).unwrap();
    let Some(Response::ResultSet(set)) = responses.into_iter().next() else {
        panic!("{sql} gave no result set");
    };
    set.rows[0]
        .iter()
        .map(|c| {
            c.as_deref()
                .map_or("NULL".into(), |b| String::from_utf8_lossy(b).into_owned())
        })
        .collect::<Vec<_>>()
        .join("\t")
}

#[test]
fn mariadb_binlog_reads_what_replica_wrote() {
    let Some(tool) = common::installed_client("mariadb-binlog") else {
        return;
    };
    let dir = scratch();
    let mut child = Command::new(env!("CARGO_BIN_EXE_replica"))
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
    let mut conn = Connection::connect(&ConnectOptions {
        host: "localhost".into(),
        socket: Some(dir.join("s.sock")),
        protocol: Protocol::Socket,
        user: "root".into(),
        ..ConnectOptions::default()
    })
    .unwrap();
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
