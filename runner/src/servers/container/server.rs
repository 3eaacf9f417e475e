//! A server running in a container: started from the image with the
//! command line a local server would get, its var directory and the test
//! tree mounted at their own paths (so the generated my.cnf, pid file, error
//! log and data directory mean the same inside and out), in its worker's
//! network namespace. The servers of a test start side by side. Ready when
//! its pid file appears and it listens on its port (and, when the runner
//! asks for a warm-up, a connection through the published port succeeds);
//! stopped with SIGTERM; killed and handed to the reaper when dropped. When
//! it dies or never comes up, the container's own output is appended to its
//! error log.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rmtr_mysqltest::client::{ClientError, ConnectOptions, Connection};
use testcontainers::core::{AccessMode, Mount};
use testcontainers::runners::SyncRunner;
use testcontainers::{Container, GenericImage, ImageExt};

use super::engine::{Engine, split_image};
use super::holder::Holder;
use super::reaper::Reaper;
use crate::servers::server_process::finish_start_checkpoint;
use crate::servers::{Server, StartSpec};

/// What a server container is started from.
pub struct Launch<'a> {
    pub engine: &'a Arc<Engine>,
    pub image: &'a str,
    pub holder: Arc<Holder>,
    pub exe: &'a Path,
    pub args: &'a [String],
    /// Host directories the server needs, mounted at their own paths.
    pub mounts: &'a [(PathBuf, AccessMode)],
    /// `UID:GID` to run as, or `None` to run as the image's user.
    pub user: Option<String>,
    pub reaper: &'a Arc<ContainerReaper>,
}

/// Removes server containers in the background.
pub type ContainerReaper = Reaper<Container<GenericImage>>;

/// How long a killed server's process may take to go.
const KILL_WAIT: Duration = Duration::from_secs(10);

/// A server in a container.
pub struct ContainerServer {
    engine: Arc<Engine>,
    /// Kept so the worker's namespace outlives its servers.
    _holder: Arc<Holder>,
    container: Option<Container<GenericImage>>,
    /// The start in progress (servers of a test start side by side).
    starting: Option<JoinHandle<anyhow::Result<Container<GenericImage>>>>,
    /// Why the start failed, until `wait_ready` reports it.
    start_error: Option<anyhow::Error>,
    reaper: Arc<ContainerReaper>,
    group: String,
    port: u16,
    log_error: PathBuf,
    pid_file: PathBuf,
    start_timeout: Duration,
    started_with: Vec<String>,
    command_line: String,
    /// Connect once when ready (see [`StartSpec::warm_up`]).
    warm_up: bool,
    /// Whether the container's output went into the error log already.
    output_saved: bool,
}

impl ContainerServer {
    /// Starts the container in the background and returns at once (see
    /// [`Server::wait_ready`]).
    pub fn start(launch: Launch<'_>, spec: &StartSpec) -> anyhow::Result<ContainerServer> {
        std::fs::create_dir_all(&spec.tmpdir)?;
        if let Some(dir) = spec.log_error.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let _ = std::fs::remove_file(&spec.pid_file);
        let command_line = format!("{}  {}", launch.exe.display(), launch.args.join(" "));
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&spec.log_error)?;
        writeln!(
            &log,
            "$ {} {} (in a container of {})",
            launch.exe.display(),
            launch.args.join(" "),
            launch.image
        )?;
        let request = request(&launch, spec);
        let what = format!("starting {} in a container of {}", spec.group, launch.image);
        let starting = std::thread::Builder::new()
            .name(format!("start-{}", spec.group))
            .spawn(move || request.start().context(what))?;
        Ok(ContainerServer {
            engine: Arc::clone(launch.engine),
            _holder: launch.holder,
            container: None,
            starting: Some(starting),
            start_error: None,
            reaper: Arc::clone(launch.reaper),
            group: spec.group.clone(),
            port: spec.port,
            log_error: spec.log_error.clone(),
            pid_file: spec.pid_file.clone(),
            start_timeout: spec.start_timeout,
            started_with: spec.args.clone(),
            command_line,
            warm_up: spec.warm_up,
            output_saved: false,
        })
    }

    /// Waits for the start in progress, keeping its container or its error.
    fn settle(&mut self) {
        if let Some(starting) = self.starting.take() {
            match starting.join() {
                Ok(Ok(container)) => self.container = Some(container),
                Ok(Err(err)) => self.start_error = Some(err),
                Err(_) => {
                    self.start_error = Some(anyhow::anyhow!("starting {} panicked", self.group))
                }
            }
        }
    }

    /// Kills the process inside and waits for it to go, as a local
    /// server's kill waits for the child.
    fn kill_and_wait(&mut self) {
        if !self.is_running() {
            return;
        }
        let _ = self.engine.signal(self.id(), "SIGKILL");
        let end = Instant::now() + KILL_WAIT;
        while self.is_running() && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn id(&self) -> &str {
        self.container.as_ref().map_or("", |c| c.id())
    }

    /// Appends what the container printed outside the error log (start-up
    /// failures, crashes before the log opens) to the error log, once.
    fn save_output(&mut self) {
        if self.output_saved {
            return;
        }
        let Some(container) = &self.container else {
            return;
        };
        self.output_saved = true;
        let mut output = container.stdout_to_vec().unwrap_or_default();
        output.extend(container.stderr_to_vec().unwrap_or_default());
        if output.is_empty() {
            return;
        }
        if let Ok(mut log) = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.log_error)
        {
            let _ = writeln!(log, "--- output of container {}:", self.id());
            let _ = log.write_all(&output);
        }
    }

    /// Waits for the pid file, failing early when the container ends.
    fn wait_for_pid_file(&mut self, end: Instant) -> anyhow::Result<()> {
        let mut checks = 0u32;
        while !self.pid_file.exists() {
            checks += 1;
            if checks % 10 == 0 && !self.is_running() {
                self.save_output();
                bail!(
                    "{} exited during start-up; see {}",
                    self.group,
                    self.log_error.display()
                );
            }
            if Instant::now() >= end {
                self.save_output();
                self.kill();
                bail!(
                    "{} did not start within {:?}; see {}",
                    self.group,
                    self.start_timeout,
                    self.log_error.display()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// Waits until the server listens on its port, seen in its network
    /// namespace through `/proc` (its pid file names it, as the processes
    /// share this machine's process namespace). Connecting would spend a
    /// connection id, and tests print those as they are under mtr.
    fn wait_for_listener(&mut self, end: Instant) -> anyhow::Result<()> {
        loop {
            // Read each time: the file may exist before its number is in it.
            let pid = std::fs::read_to_string(&self.pid_file).unwrap_or_default();
            if listens(pid.trim(), self.port) {
                return Ok(());
            }
            if Instant::now() >= end || !self.is_running() {
                self.save_output();
                bail!(
                    "{} wrote its pid file but does not listen on port {}; see {}",
                    self.group,
                    self.port,
                    self.log_error.display()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Connects once through the published port, the way tests will come,
    /// and finishes the start-up checkpoint as a local server's warm-up does.
    fn warm_up(&mut self, end: Instant) -> anyhow::Result<()> {
        let opts = ConnectOptions {
            port: self.port,
            database: None,
            connect_timeout: Duration::from_secs(5),
            ..ConnectOptions::default()
        };
        loop {
            match Connection::connect(&opts) {
                Ok(conn) => {
                    finish_start_checkpoint(conn);
                    return Ok(());
                }
                // An answer from the server, even a refusal, will not change
                // by waiting.
                Err(err)
                    if matches!(err, ClientError::Server { .. })
                        || Instant::now() >= end
                        || !self.is_running() =>
                {
                    self.save_output();
                    bail!(
                        "{} takes no connection on port {}: {err}; see {}",
                        self.group,
                        self.port,
                        self.log_error.display()
                    );
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
}

/// Whether process `pid`'s network namespace has a TCP socket listening on
/// `port` (`/proc/PID/net/tcp` and `tcp6`, state `0A`).
fn listens(pid: &str, port: u16) -> bool {
    // Anything but a pid would name another namespace's table (`/proc//net`
    // is this process's own).
    if pid.parse::<u32>().is_err() {
        return false;
    }
    let wanted = format!("{port:04X}");
    ["tcp", "tcp6"].iter().any(|table| {
        let text = std::fs::read_to_string(format!("/proc/{pid}/net/{table}")).unwrap_or_default();
        listening_ports(&text).any(|p| p == wanted)
    })
}

/// The hex ports of the listening sockets of a `/proc/net/tcp` table.
fn listening_ports(table: &str) -> impl Iterator<Item = &str> {
    table.lines().skip(1).filter_map(|line| {
        let mut fields = line.split_whitespace();
        let local = fields.nth(1)?;
        let state = fields.nth(1)?;
        (state == "0A").then(|| local.rsplit(':').next()).flatten()
    })
}

/// The container request of a server.
fn request(
    launch: &Launch<'_>,
    spec: &StartSpec,
) -> testcontainers::ContainerRequest<GenericImage> {
    let (name, tag) = split_image(launch.image);
    let exe = launch.exe.display().to_string();
    let mut request = GenericImage::new(name, tag)
        .with_entrypoint(&exe)
        .with_cmd(launch.args.to_vec())
        .with_labels(launch.engine.labels().clone())
        .with_host_config_modifier(server_host_config(launch.holder.network_mode()));
    for (dir, mode) in launch.mounts {
        let dir = dir.display().to_string();
        request = request.with_mount(Mount::bind_mount(&dir, &dir).with_access_mode(*mode));
    }
    for (key, value) in &spec.env {
        request = request.with_env_var(key, value);
    }
    if let Some(tz) = &spec.timezone {
        request = request.with_env_var("TZ", tz);
    }
    if let Some(user) = &launch.user {
        request = request.with_user(user);
    }
    request
}

/// Puts a server in the holder's network namespace, where it can publish
/// nothing of its own, in this machine's process namespace, so that its
/// pid file names the process as mysqltest's `shutdown_server` signals it,
/// and under this machine's host name, so that `@@hostname` stays the same
/// across a restart (check-testcase compares it) as with a local server.
fn server_host_config(
    network_mode: String,
) -> impl Fn(&mut testcontainers::bollard::models::HostConfig) + Send + Sync + 'static {
    move |config| {
        config.network_mode = Some(network_mode.clone());
        config.publish_all_ports = Some(false);
        config.port_bindings = None;
        config.pid_mode = Some("host".into());
        config.uts_mode = Some("host".into());
    }
}

impl Server for ContainerServer {
    fn port(&self) -> u16 {
        self.port
    }

    fn log_error(&self) -> &Path {
        &self.log_error
    }

    fn is_running(&mut self) -> bool {
        self.settle();
        self.container
            .as_ref()
            .is_some_and(|c| c.is_running().unwrap_or(false))
    }

    fn wait_ready(&mut self) -> anyhow::Result<()> {
        self.settle();
        if let Some(err) = self.start_error.take() {
            return Err(err);
        }
        let end = Instant::now() + self.start_timeout;
        self.wait_for_pid_file(end)?;
        self.wait_for_listener(end)?;
        if self.warm_up {
            self.warm_up(end)?;
        }
        Ok(())
    }

    fn request_stop(&mut self) {
        if self.is_running() {
            let _ = self.engine.signal(self.id(), "SIGTERM");
        }
    }

    fn exited_cleanly(&mut self) -> Option<bool> {
        self.settle();
        let container = self.container.as_ref()?;
        if container.is_running().unwrap_or(false) {
            return None;
        }
        let clean = matches!(container.exit_code(), Ok(Some(0)));
        if !clean {
            self.save_output();
        }
        Some(clean)
    }

    fn kill(&mut self) {
        self.kill_and_wait();
    }

    fn started_with(&self) -> &[String] {
        &self.started_with
    }

    fn command_line(&self) -> &str {
        &self.command_line
    }
}

impl Drop for ContainerServer {
    fn drop(&mut self) {
        self.kill_and_wait();
        if let Some(container) = self.container.take() {
            self.reaper.remove(container);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listening_sockets_count() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:3E80 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n   1: 0100007F:3E81 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1\n";
        let ports: Vec<&str> = listening_ports(table).collect();
        assert_eq!(ports, ["3E80"]);
        assert_eq!(format!("{:04X}", 16000u16), "3E80");
    }

    #[test]
    fn this_process_listening_is_seen_through_proc() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let pid = std::process::id().to_string();
        assert!(listens(&pid, port));
        assert!(!listens("", port), "an empty pid file names no process");
        drop(listener);
        assert!(!listens(&pid, port));
    }
}
