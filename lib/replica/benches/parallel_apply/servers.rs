//! Starting a master and a slave of one kind side by side: `replica`
//! processes from this build (bundled), or the machine's `mariadbd` on
//! copies of a data directory bootstrapped once per run by
//! `mariadb-install-db`. The master logs statements (`binlog_format =
//! STATEMENT`); the slave is pointed at it with GTID and left with its
//! threads stopped. Every process dies, and the scratch directory goes,
//! when its [`Pair`] is dropped.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use rmtr_mysqltest::client::Connection;

use super::sql;

/// Which server both ends of the pair run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bundled,
    Mariadbd,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Bundled => "bundled",
            Kind::Mariadbd => "mariadbd",
        }
    }
}

/// One running server process.
pub struct Server {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Connects once the server accepts, or panics with its log.
    fn connect(&mut self, limit: Duration) -> Connection {
        let end = Instant::now() + limit;
        loop {
            if let Ok(c) = sql::connect(self.port) {
                return c;
            }
            let exited = self.child.try_wait().ok().flatten();
            if exited.is_some() || Instant::now() > end {
                panic!(
                    "server on port {} did not start ({exited:?}); its log:\n{}",
                    self.port,
                    fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A master, a slave replicating from it, and a client on each.
pub struct Pair {
    pub kind: Kind,
    pub master: Connection,
    pub slave: Connection,
    pub master_server: Server,
    pub slave_server: Server,
    dir: PathBuf,
}

impl Drop for Pair {
    fn drop(&mut self) {
        self.master_server.stop();
        self.slave_server.stop();
        if std::env::var_os("KEEP").is_none() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Where servers go: a scratch directory and, for mariadbd, the template.
pub struct Launcher {
    scratch: PathBuf,
    template: Option<PathBuf>,
    started: usize,
}

impl Launcher {
    /// A launcher under `scratch`; bootstraps the mariadbd template if asked to.
    pub fn new(scratch: &Path, with_mariadbd: bool) -> Launcher {
        fs::create_dir_all(scratch).expect("scratch directory");
        let template = with_mariadbd.then(|| bootstrap(scratch)).flatten();
        Launcher {
            scratch: scratch.to_path_buf(),
            template,
            started: 0,
        }
    }

    /// Whether mariadbd pairs can be started here.
    pub fn has_mariadbd(&self) -> bool {
        self.template.is_some()
    }

    /// Starts a master and a slave of `kind`, points the slave at the
    /// master and replicates `CREATE DATABASE bench`.
    pub fn pair(&mut self, kind: Kind) -> Pair {
        self.started += 1;
        let dir = self
            .scratch
            .join(format!("{}-{}", kind.name(), self.started));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("pair directory");
        let mut master_server = self.start(kind, &dir, "master", 1);
        let mut slave_server = self.start(kind, &dir, "slave", 2);
        let master = master_server.connect(Duration::from_secs(60));
        let mut slave = slave_server.connect(Duration::from_secs(60));
        point_at(&mut slave, master_server.port);
        let mut pair = Pair {
            kind,
            master,
            slave,
            master_server,
            slave_server,
            dir,
        };
        pair.prepare(&["CREATE DATABASE bench".into()]);
        pair
    }

    fn start(&self, kind: Kind, dir: &Path, role: &str, server_id: u32) -> Server {
        let port = next_port();
        let data = dir.join(role);
        let log = dir.join(format!("{role}.err"));
        let mut command = match kind {
            Kind::Bundled => {
                fs::create_dir_all(&data).expect("datadir");
                let mut c = Command::new(env!("CARGO_BIN_EXE_replica"));
                c.arg("--no-defaults");
                c
            }
            Kind::Mariadbd => {
                copy_dir(self.template.as_ref().expect("a mariadbd template"), &data);
                mariadbd_command(dir, role)
            }
        };
        command
            .arg(format!("--server-id={server_id}"))
            .arg(format!("--port={port}"))
            .arg(format!("--datadir={}", data.display()))
            .arg(format!(
                "--socket={}",
                dir.join(format!("{role}.sock")).display()
            ))
            .arg(format!("--log-error={}", log.display()))
            .arg(format!(
                "--pid-file={}",
                dir.join(format!("{role}.pid")).display()
            ))
            .arg("--skip-slave-start")
            .arg(format!("--relay-log={role}-relay-bin"));
        if role == "master" {
            command.args(["--log-bin=master-bin", "--binlog-format=STATEMENT"]);
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a server");
        Server { child, port, log }
    }
}

/// mariadbd with this machine's settings; `MARIADBD_OPTS` adds options.
fn mariadbd_command(dir: &Path, role: &str) -> Command {
    let tmp = dir.join(format!("{role}-tmp"));
    fs::create_dir_all(&tmp).expect("tmpdir");
    let mut command = Command::new(find("mariadbd").expect("mariadbd"));
    // --no-defaults must come first for mariadbd.
    command
        .arg("--no-defaults")
        .arg("--bind-address=127.0.0.1")
        .arg(format!("--tmpdir={}", tmp.display()))
        .arg("--innodb-buffer-pool-size=64M")
        .arg("--default-time-zone=+00:00");
    if role == "master" {
        // The master only feeds the slave; its commits are not measured.
        command.arg("--innodb-flush-log-at-trx-commit=0");
    }
    if let Ok(extra) = std::env::var("MARIADBD_OPTS") {
        command.args(extra.split_whitespace());
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        command.arg("--user=root");
    }
    command
}

/// CHANGE MASTER to `port` with GTID, threads left stopped.
fn point_at(slave: &mut Connection, port: u16) {
    sql::run(
        slave,
        &format!(
            "CHANGE MASTER TO master_host='127.0.0.1', master_port={port}, \
             master_user='root', master_use_gtid=slave_pos, master_connect_retry=1"
        ),
    );
}

/// Ports come from `PORT_BASE` upwards when set, else from the system.
fn next_port() -> u16 {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base: Option<u16> = std::env::var("PORT_BASE").ok().and_then(|b| b.parse().ok());
    let Some(base) = base else {
        return TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
    };
    loop {
        let port = base + NEXT.fetch_add(1, Ordering::Relaxed) % 100;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

fn find(program: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/usr/bin", "/usr/local/bin"]
        .iter()
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}

/// A bootstrapped mariadbd data directory, or None (said) without MariaDB.
fn bootstrap(scratch: &Path) -> Option<PathBuf> {
    let (Some(install), Some(_)) = (find("mariadb-install-db"), find("mariadbd")) else {
        eprintln!("mariadbd or mariadb-install-db missing: measuring bundled only");
        return None;
    };
    let template = scratch.join("template");
    let tmp = scratch.join("template-tmp");
    fs::create_dir_all(&tmp).expect("tmpdir");
    let out = Command::new(install)
        .args([
            "--no-defaults",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ])
        .arg(format!("--datadir={}", template.display()))
        .arg(format!("--tmpdir={}", tmp.display()))
        .output()
        .expect("run mariadb-install-db");
    assert!(
        out.status.success(),
        "mariadb-install-db failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(template)
}

fn copy_dir(from: &Path, to: &Path) {
    let copied = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .expect("cp");
    assert!(copied.success(), "copying the template datadir");
}

/// MariaDB's default `slave_parallel_max_queued`.
pub const DEFAULT_MAX_QUEUED: u64 = 131_072;

impl Pair {
    /// Stops both slave threads and sets the parallel-apply globals.
    pub fn configure(&mut self, threads: u32, mode: &str, max_queued: u64) {
        sql::run(&mut self.slave, "STOP SLAVE");
        for (name, value) in [
            ("slave_parallel_threads", threads.to_string()),
            ("slave_parallel_mode", format!("'{mode}'")),
            ("slave_parallel_max_queued", max_queued.to_string()),
        ] {
            sql::run(&mut self.slave, &format!("SET GLOBAL {name} = {value}"));
        }
    }

    /// Runs `statements` on the master with both slave threads running and
    /// waits until the slave applied them; the SQL thread is then stopped.
    pub fn prepare(&mut self, statements: &[String]) {
        sql::run(&mut self.slave, "START SLAVE");
        for s in statements {
            sql::run(&mut self.master, s);
        }
        let pos = sql::master_pos(&mut self.master);
        sql::gtid_wait(&mut self.slave, &pos, Duration::from_secs(120));
        sql::run(&mut self.slave, "STOP SLAVE SQL_THREAD");
    }

    /// Throws away what the slave has not applied: RESET SLAVE, then start
    /// again from the master's current GTID position (threads stopped).
    pub fn skip_rest(&mut self) {
        sql::run(&mut self.slave, "STOP SLAVE");
        sql::run(&mut self.slave, "RESET SLAVE");
        let pos = sql::master_pos(&mut self.master);
        sql::run(
            &mut self.slave,
            &format!("SET GLOBAL gtid_slave_pos = '{pos}'"),
        );
        point_at(&mut self.slave, self.master_server.port);
    }

    /// `START SLAVE SQL_THREAD` after checking the IO thread has everything.
    pub fn wait_relayed(&mut self) {
        sql::wait_io_caught_up(&mut self.master, &mut self.slave);
    }
}
