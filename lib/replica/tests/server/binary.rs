//! The `replica` binary as a process: options from a defaults file with a
//! group suffix, the pid file while it runs, a client connection over the
//! Unix socket, then COM_SHUTDOWN (and SIGTERM) for a clean exit
//! that removes the pid file and logs like mariadbd.

use super::common;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use rmtr_mysqltest::client::{ConnectOptions, Connection, Protocol};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("replica-bin-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// Writes a my.cnf whose `[mysqld.1]` group overrides `[mysqld]`.
fn write_cnf(dir: &Path) -> PathBuf {
    let cnf = dir.join("my.cnf");
    let text = format!(
        "[mysqld]\nport=1\nloose-innodb=OFF\n[mysqld.1]\nport=0\nsocket={d}/s.sock\npid-file={d}/r.pid\nlog-error={d}/r.err\ndatadir={d}\n",
        d = dir.display()
    );
    fs::write(&cnf, text).unwrap();
    cnf
}

fn spawn(cnf: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_replica"))
        .arg(format!("--defaults-file={}", cnf.display()))
        .arg("--defaults-group-suffix=.1")
        .arg("--server-id=2")
        .spawn()
        .unwrap()
}

fn socket_options(dir: &Path) -> ConnectOptions {
    ConnectOptions {
        host: "localhost".into(),
        socket: Some(dir.join("s.sock")),
        protocol: Protocol::Socket,
        user: "root".into(),
        ..ConnectOptions::default()
    }
}

#[test]
fn binary_reads_defaults_file_serves_and_shuts_down() {
    let dir = scratch("run");
    let mut child = spawn(&write_cnf(&dir));
    common::wait_until(|| fs::read_to_string(dir.join("r.pid")).is_ok_and(|p| p.ends_with('\n')));
    let pid = fs::read_to_string(dir.join("r.pid")).unwrap();
    assert_eq!(pid.trim(), child.id().to_string());

    let mut conn = Connection::connect(&socket_options(&dir)).unwrap();
    assert!(conn.is_unix_socket());
    conn.ping().unwrap();
    conn.shutdown().unwrap();

    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(!dir.join("r.pid").exists());
    assert!(!dir.join("s.sock").exists());
    let log = fs::read_to_string(dir.join("r.err")).unwrap();
    assert!(
        log.contains(" 0 [Note] replica: ready for connections.\n"),
        "{log}"
    );
    assert!(log.contains("Normal shutdown"), "{log}");
    assert!(
        log.contains(" 0 [Note] replica: Shutdown complete\n"),
        "{log}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_shuts_the_binary_down_cleanly() {
    let dir = scratch("term");
    let mut child = spawn(&write_cnf(&dir));
    common::wait_until(|| fs::read_to_string(dir.join("r.pid")).is_ok_and(|p| p.ends_with('\n')));
    // SAFETY: sends SIGTERM to the child we spawned.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(!dir.join("r.pid").exists());
    let log = fs::read_to_string(dir.join("r.err")).unwrap();
    assert!(
        log.contains("replica (initiated by: unknown): Normal shutdown"),
        "{log}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn unreadable_defaults_file_exits_1_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_replica"))
        .arg("--defaults-file=/nonexistent/replica.cnf")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Could not open required defaults file: /nonexistent/replica.cnf"),
        "{err}"
    );
}

#[test]
fn version_flag_prints_the_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_replica"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("10.11.19-MariaDB-rmtr"));
}
