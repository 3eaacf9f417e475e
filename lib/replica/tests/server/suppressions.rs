//! `CALL mtr.add_suppression(pattern)` on the bundled server: a no-op
//! without the `mtr` schema; with `mtr.test_suppressions` (which the runner
//! creates) it inserts the pattern as written, and binlogs the INSERT of
//! mysql-test's procedure as MariaDB does (under `use mtr`, the pattern as
//! a latin1 NAME_CONST), so that the suppression reaches slaves the same way.

use std::fs;
use std::process::{Child, Command};

use rmtr_mysqltest::client::{ConnectOptions, Connection, Protocol};

use super::common;

/// The server process, killed when the test ends, however it ends.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn add_suppression_fills_the_table_and_binlogs_the_insert() {
    let dir = std::env::temp_dir().join(format!("replica-suppressions-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let _server = Guard(
        Command::new(env!("CARGO_BIN_EXE_replica"))
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
            .unwrap(),
    );
    common::wait_until(|| fs::read_to_string(dir.join("r.pid")).is_ok_and(|p| p.ends_with('\n')));
    let mut conn = Connection::connect(&ConnectOptions {
        host: "localhost".into(),
        socket: Some(dir.join("s.sock")),
        protocol: Protocol::Socket,
        user: "root".into(),
        database: None,
        ..ConnectOptions::default()
    })
    .unwrap();
    // No mtr schema: nothing to do, and no error.
    conn.query(b"CALL mtr.add_suppression('ignored')").unwrap();
    for sql in [
        "SET SESSION sql_log_bin=0",
        "CREATE DATABASE mtr",
        "CREATE TABLE mtr.test_suppressions (pattern VARCHAR(255)) ENGINE=MyISAM",
        "SET SESSION sql_log_bin=1",
        r#"CALL mtr.add_suppression("Slave: it's \\. a \"test\"")"#,
    ] {
        conn.query(sql.as_bytes()).unwrap();
    }
    assert_eq!(
        common::rows(&mut conn, "SELECT pattern FROM mtr.test_suppressions"),
        [r#"Slave: it's \. a "test""#]
    );
    let events = common::rows(&mut conn, "SHOW BINLOG EVENTS");
    let infos: Vec<&str> = events
        .iter()
        .filter_map(|e| e.rsplit('\t').next())
        .collect();
    assert!(
        infos.contains(
            &r#"use `mtr`; INSERT INTO test_suppressions (pattern) VALUES ( NAME_CONST('pattern',_latin1'Slave: it\'s \\. a \"test\"' COLLATE 'latin1_swedish_ci'))"#
        ),
        "{events:#?}"
    );
    assert!(!infos.iter().any(|i| i.contains("ignored")), "{events:#?}");
    // The caller's database is left as it was.
    assert_eq!(common::rows(&mut conn, "SELECT DATABASE()"), ["NULL"]);
    conn.quit();
    let _ = fs::remove_dir_all(&dir);
}
