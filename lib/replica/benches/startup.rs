//! Start-up benchmark: how long from starting a server process until it
//! has answered `SELECT 1`, for `replica` and for the machine's `mariadbd`
//! started from a copy of a bootstrapped data directory (copying not
//! timed), alternating in one run. Prints each median and their ratio.
//!
//! Run: `cargo bench -p rmtr-replica --bench startup` (ROUNDS=N, default 11).
//! Needs `mariadbd` and `mariadb-install-db` (apt-get install -y mariadb-server)
//! for the comparison; without them only `replica` is measured.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rmtr_mysqltest::client::{ConnectOptions, Connection};

const START_LIMIT: Duration = Duration::from_secs(60);

fn main() {
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(11);
    let scratch = std::env::temp_dir().join(format!("replica-startup-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch directory");
    let template = mariadb_template(&scratch);
    let mut replica_times = Vec::new();
    let mut mariadb_times = Vec::new();
    for round in 0..rounds {
        replica_times.push(time_replica(&scratch, round));
        if let Some(template) = &template {
            mariadb_times.push(time_mariadbd(&scratch, template, round));
        }
    }
    let replica = median(&mut replica_times);
    println!(
        "replica:  median {:.2} ms over {rounds} starts",
        ms(replica)
    );
    if !mariadb_times.is_empty() {
        let mariadb = median(&mut mariadb_times);
        println!(
            "mariadbd: median {:.2} ms over {rounds} starts (datadir copied beforehand)",
            ms(mariadb)
        );
        println!(
            "ratio replica/mariadbd: {:.4}",
            replica.as_secs_f64() / mariadb.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Connects as soon as the server listens and runs `SELECT 1`.
fn answer(port: u16, child: &mut Child) {
    let opts = ConnectOptions {
        host: "127.0.0.1".into(),
        port,
        user: "root".into(),
        connect_timeout: Duration::from_secs(5),
        ..ConnectOptions::default()
    };
    let end = Instant::now() + START_LIMIT;
    while Instant::now() < end {
        if let Ok(mut conn) = Connection::connect(&opts) {
            conn.query(b"SELECT 1").expect("SELECT 1 answered");
            conn.quit();
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("server exited during start-up: {status}");
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    panic!("server did not answer within {START_LIMIT:?}");
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn time_replica(scratch: &Path, round: usize) -> Duration {
    let dir = scratch.join(format!("replica-{round}"));
    std::fs::create_dir_all(&dir).expect("datadir");
    let port = free_port();
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_replica"))
        .arg("--no-defaults")
        .arg(format!("--port={port}"))
        .arg(format!("--datadir={}", dir.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start replica");
    answer(port, &mut child);
    let took = start.elapsed();
    stop(child);
    took
}

fn find(program: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/usr/bin", "/usr/local/bin"]
        .iter()
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}

/// A bootstrapped data directory to copy, or None without MariaDB.
fn mariadb_template(scratch: &Path) -> Option<PathBuf> {
    let install = find("mariadb-install-db")?;
    find("mariadbd")?;
    let template = scratch.join("template");
    let status = Command::new(install)
        .args([
            "--no-defaults",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ])
        .arg(format!("--datadir={}", template.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    status.success().then_some(template)
}

fn time_mariadbd(scratch: &Path, template: &Path, round: usize) -> Duration {
    let dir = scratch.join(format!("mariadb-{round}"));
    let copied = Command::new("cp")
        .arg("-a")
        .arg(template)
        .arg(&dir)
        .status()
        .expect("cp");
    assert!(copied.success(), "copying the template datadir");
    let port = free_port();
    let start = Instant::now();
    let mut command = Command::new(find("mariadbd").expect("mariadbd"));
    command
        .arg("--no-defaults")
        .arg(format!("--datadir={}", dir.display()))
        .arg(format!("--port={port}"))
        .arg(format!("--socket={}", dir.join("s.sock").display()))
        .arg("--bind-address=127.0.0.1")
        .arg("--innodb-buffer-pool-size=24M")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        command.arg("--user=root");
    }
    let mut child = command.spawn().expect("start mariadbd");
    answer(port, &mut child);
    let took = start.elapsed();
    stop(child);
    took
}
