//! A server the run started as a child process, whichever backend built
//! its command line: ready when its pid file appears (failing early when
//! the process dies), stopped with SIGTERM, killed when dropped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rmtr_mysqltest::client::{ConnectOptions, Connection};

use super::process::spawn_tied;
use super::{Server, StartSpec};

/// A server process started by the run.
pub struct ServerProcess {
    group: String,
    port: u16,
    log_error: PathBuf,
    pid_file: PathBuf,
    start_timeout: Duration,
    child: Child,
    started_with: Vec<String>,
    warm_up: bool,
    /// Binary, two spaces, options: the form of mtr's `$MYSQLD_LAST_CMD`.
    command_line: String,
}

impl ServerProcess {
    /// Starts `exe` with `args` for `spec`, as mtr starts a server: its
    /// output appended to its error log after a `$ command` line, the run's
    /// environment and the test's TZ, the process tied to the runner.
    pub fn spawn(exe: &Path, args: &[String], spec: &StartSpec) -> anyhow::Result<ServerProcess> {
        std::fs::create_dir_all(&spec.tmpdir)?;
        if let Some(dir) = spec.log_error.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let _ = std::fs::remove_file(&spec.pid_file);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&spec.log_error)?;
        writeln!(&log, "$ {} {}", exe.display(), args.join(" "))?;
        let mut command = Command::new(exe);
        command
            .args(args.iter().map(|a| crate::config::option_bytes(a)))
            .envs(&spec.env)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        match &spec.timezone {
            Some(tz) => command.env("TZ", tz),
            None => command.env_remove("TZ"),
        };
        let child = spawn_tied(command).with_context(|| format!("starting {}", exe.display()))?;
        let command_line = format!("{}  {}", exe.display(), args.join(" "));
        Ok(ServerProcess::new(spec, child, command_line))
    }

    /// The server `child`, started for `spec` with `command_line`.
    fn new(spec: &StartSpec, child: Child, command_line: String) -> ServerProcess {
        ServerProcess {
            group: spec.group.clone(),
            port: spec.port,
            log_error: spec.log_error.clone(),
            pid_file: spec.pid_file.clone(),
            start_timeout: spec.start_timeout,
            child,
            started_with: spec.args.clone(),
            warm_up: spec.warm_up,
            command_line,
        }
    }
}

impl ServerProcess {
    /// Waits for the pid file, failing early when the process dies.
    fn wait_for_pid_file(&mut self) -> anyhow::Result<()> {
        let timeout = self.start_timeout;
        let end = Instant::now() + timeout;
        loop {
            if self.pid_file.exists() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                bail!(
                    "{} exited during start-up ({status}); see {}",
                    self.group,
                    self.log_error.display()
                );
            }
            if Instant::now() >= end {
                self.kill();
                bail!(
                    "{} did not start within {:?}; see {}",
                    self.group,
                    timeout,
                    self.log_error.display()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl ServerProcess {
    /// Completes the checkpoint a server with a binary log requests at start:
    /// otherwise the engine finishes it on its once-a-second flush, and the
    /// first RESET MASTER of a test waits up to a second for it. Flushing the
    /// engine log writes nothing to the binary log and changes no data.
    fn warm_up(&mut self) {
        let opts = ConnectOptions {
            port: self.port,
            database: None,
            connect_timeout: Duration::from_secs(5),
            ..ConnectOptions::default()
        };
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end && self.is_running() {
            if let Ok(conn) = Connection::connect(&opts) {
                finish_start_checkpoint(conn);
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// The warm-up's statement on a fresh connection, which it then closes:
/// flushing the engine log writes nothing to the binary log and changes no
/// data.
pub(super) fn finish_start_checkpoint(mut conn: Connection) {
    let _ = conn.query(b"FLUSH NO_WRITE_TO_BINLOG ENGINE LOGS");
    conn.quit();
}

impl Server for ServerProcess {
    fn port(&self) -> u16 {
        self.port
    }

    fn log_error(&self) -> &Path {
        &self.log_error
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn wait_ready(&mut self) -> anyhow::Result<()> {
        self.wait_for_pid_file()?;
        if self.warm_up {
            self.warm_up();
        }
        Ok(())
    }

    fn kill(&mut self) {
        super::process::kill(&mut self.child);
    }

    fn request_stop(&mut self) {
        if self.is_running() {
            super::process::signal(self.child.id(), libc::SIGTERM);
        }
    }

    fn exited_cleanly(&mut self) -> Option<bool> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.success()),
            Ok(None) => None,
            Err(_) => Some(false),
        }
    }

    fn started_with(&self) -> &[String] {
        &self.started_with
    }

    fn command_line(&self) -> &str {
        &self.command_line
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if self.is_running() {
            self.kill();
        }
    }
}
