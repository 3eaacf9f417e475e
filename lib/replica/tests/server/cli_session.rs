//! The real `mariadb` command-line client runs a session against the
//! in-process server: its start-up query, DDL, DML, a result set in batch
//! format, a warning, an error with MariaDB's code and text, and USE.

use std::io::Write;
use std::process::{Command, Stdio};

use rmtr_replica::server::config::ServerConfig;
use rmtr_replica::server::listener;

use crate::common::installed_client;

const SESSION: &str = "\
CREATE DATABASE cli;
USE cli;
CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(10) NOT NULL);
INSERT INTO t (name) VALUES ('one'), ('two');
SELECT id, name, CONNECTION_ID() > 0 AS connected FROM t ORDER BY id DESC;
SELECT 1/0 AS q;
SHOW WARNINGS;
SELECT DATABASE();
SELECT no_such_column FROM t;
";

#[test]
fn mariadb_client_runs_a_session() {
    let Some(bin) = installed_client("mariadb") else {
        return;
    };
    let srv = listener::start(ServerConfig {
        port: 0,
        ..ServerConfig::default()
    })
    .unwrap();
    let mut child = Command::new(&bin)
        .args([
            "--no-defaults",
            "-h127.0.0.1",
            &format!("-P{}", srv.port()),
            "-uroot",
            "--batch",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(SESSION.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stdout,
        "id\tname\tconnected\n2\ttwo\t1\n1\tone\t1\n\
         q\nNULL\n\
         Level\tCode\tMessage\nWarning\t1365\tDivision by 0\n\
         DATABASE()\ncli\n"
    );
    assert!(
        stderr.ends_with(
            "ERROR 1054 (42S22) at line 9: Unknown column 'no_such_column' in 'SELECT'\n"
        ),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1));
    srv.shutdown();
}
