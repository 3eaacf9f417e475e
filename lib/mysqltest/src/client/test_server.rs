//! A scratch mariadbd for the client's tests: bootstraps a datadir in a
//! fresh temp directory, starts the server on a free 127.0.0.1 port, waits
//! until it accepts logins, and on drop kills it and removes the directory.
//! The server also dies with the test process (parent-death signal).

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{ConnectOptions, Connection};

/// Where Debian and tarball installs put the server binaries.
const SEARCH_DIRS: &[&str] = &[
    "/usr/sbin",
    "/usr/bin",
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/local/mysql/bin",
];

/// Where packages put the server plugins (the test plugins among them).
const PLUGIN_DIRS: &[&str] = &[
    "/usr/lib/mysql/plugin",
    "/usr/lib64/mysql/plugin",
    "/usr/local/mysql/lib/plugin",
];

/// How long the server may take to accept its first login.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running scratch server.
#[derive(Debug)]
pub(crate) struct TestServer {
    child: Child,
    dir: PathBuf,
    /// TCP port on 127.0.0.1.
    pub(crate) port: u16,
}

/// Finds the server binaries, or says why the live tests cannot run.
pub(crate) fn find_binaries() -> Result<(PathBuf, PathBuf), String> {
    let server = find_program("mariadbd").ok_or("mariadbd not found")?;
    let install = find_program("mariadb-install-db").ok_or("mariadb-install-db not found")?;
    Ok((server, install))
}

/// A program on PATH or in the usual server directories.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(SEARCH_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

impl TestServer {
    /// Bootstraps and starts a server; errors say which step failed.
    pub(crate) fn start(server: &Path, install: &Path) -> Result<TestServer, String> {
        let dir = std::env::temp_dir().join(format!("rmtr-client-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        let result = bootstrap(install, &dir).and_then(|()| launch(server, &dir));
        match result {
            Ok((child, port)) => {
                let mut running = TestServer { child, dir, port };
                running.wait_ready()?;
                Ok(running)
            }
            Err(err) => {
                let _ = std::fs::remove_dir_all(&dir);
                Err(err)
            }
        }
    }

    /// Options for root over TCP to this server.
    pub(crate) fn options(&self) -> ConnectOptions {
        ConnectOptions {
            port: self.port,
            socket: Some(self.socket()),
            database: Some("test".into()),
            ..ConnectOptions::default()
        }
    }

    /// The server's Unix socket.
    pub(crate) fn socket(&self) -> PathBuf {
        self.dir.join("mysqld.sock")
    }

    /// Polls until root can log in, the server exits, or time runs out.
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        let mut opts = self.options();
        opts.database = None;
        loop {
            if let Ok(mut conn) = Connection::connect(&opts) {
                conn.query(b"CREATE DATABASE IF NOT EXISTS test")
                    .map_err(|e| e.to_string())?;
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "mariadbd exited early ({status}); see {}",
                    self.log().display()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!("mariadbd not ready; see {}", self.log().display()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The server's error log.
    fn log(&self) -> PathBuf {
        self.dir.join("error.log")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `--user=root` when running as root (the server refuses root otherwise).
fn user_args() -> Vec<String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        vec!["--user=root".into()]
    } else {
        Vec::new()
    }
}

/// `--plugin-dir` for the installed server plugins, if they are found.
fn plugin_dir_args() -> Vec<String> {
    PLUGIN_DIRS
        .iter()
        .find(|dir| Path::new(dir).join("auth_test_plugin.so").is_file())
        .map(|dir| vec![format!("--plugin-dir={dir}")])
        .unwrap_or_default()
}

/// Creates the system tables in `dir/data`.
fn bootstrap(install: &Path, dir: &Path) -> Result<(), String> {
    let output = Command::new(install)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", dir.join("data").display()))
        .arg("--auth-root-authentication-method=normal")
        .arg("--skip-test-db")
        .args(user_args())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("run {}: {e}", install.display()))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} failed: {}",
            install.display(),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Starts mariadbd on a free port; it gets SIGKILL if this thread's process dies.
fn launch(server: &Path, dir: &Path) -> Result<(Child, u16), String> {
    let port = free_port()?;
    let mut command = Command::new(server);
    command
        .arg("--no-defaults")
        .arg(format!("--datadir={}", dir.join("data").display()))
        .arg(format!("--port={port}"))
        .arg(format!("--socket={}", dir.join("mysqld.sock").display()))
        .arg(format!("--pid-file={}", dir.join("mysqld.pid").display()))
        .arg(format!("--log-error={}", dir.join("error.log").display()))
        .arg("--bind-address=127.0.0.1")
        .arg("--innodb-buffer-pool-size=16M")
        .arg("--max-allowed-packet=64M")
        .arg("--plugin-maturity=unknown")
        .args(plugin_dir_args())
        .args(user_args())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: prctl is async-signal-safe and touches only this child.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let child = command
        .spawn()
        .map_err(|e| format!("run {}: {e}", server.display()))?;
    Ok((child, port))
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}
