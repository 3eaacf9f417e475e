//! Start-up and shutdown of a running server: bind TCP (and the Unix
//! socket if configured), write the pid file and the error-log lines
//! mariadbd writes, then accept connections on a thread of their own,
//! each served on a new thread. A stop request (COM_SHUTDOWN, a signal,
//! [`RunningServer::shutdown`]) closes the listeners and every connection,
//! removes the pid file and the socket, and logs the shutdown.

use std::fs;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use super::config::{ServerConfig, VERSION};
use super::error_log::ErrorLog;
use super::shutdown::ShutdownSignal;
use super::state::ServerState;
use crate::protocol::connection;
use crate::protocol::shared::Shared;
use crate::protocol::stream::Stream;

/// The program name in log lines.
const PROGRAM: &str = "replica";

/// A server accepting connections in this process.
#[derive(Debug)]
pub struct RunningServer {
    port: u16,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

/// What the accept loop owns.
struct Acceptor {
    tcp: TcpListener,
    unix: Option<UnixListener>,
    shared: Arc<Shared>,
    log: ErrorLog,
    workers: Vec<JoinHandle<()>>,
}

/// Binds, writes the pid file and starts accepting (signals untouched,
/// data in memory only).
pub fn start(config: ServerConfig) -> io::Result<RunningServer> {
    start_with(config, false)
}

/// As [`start`], for the server process: SIGTERM and SIGINT shut it down
/// cleanly, taken over before the pid file tells anyone the server is up,
/// and the data lives in the datadir across restarts.
pub fn start_process(config: ServerConfig) -> io::Result<RunningServer> {
    start_with(config, true)
}

fn start_with(config: ServerConfig, process: bool) -> io::Result<RunningServer> {
    let handle_signals = process;
    let log = ErrorLog::open(config.log_error.as_deref())?;
    log.note(&format!(
        "Starting MariaDB {VERSION} as process {}",
        std::process::id()
    ));
    let tcp = bind_tcp(&config.bind_address, config.port)?;
    let port = tcp.local_addr()?.port();
    log.note(&format!(
        "Server socket created on IP: '{}', port: '{port}'.",
        config.bind_address
    ));
    let unix = bind_unix(config.socket.as_ref())?;
    let shutdown = Arc::new(ShutdownSignal::new()?);
    if handle_signals {
        shutdown.install_signal_handlers();
    }
    let pid_file = config.pid_file.clone();
    let state = if process {
        ServerState::open(config).inspect_err(|e| log.line(&format!("[ERROR] {PROGRAM}: {e}")))?
    } else {
        ServerState::new(config)
    };
    if let Some(pid_file) = &pid_file {
        fs::write(pid_file, format!("{}\n", std::process::id()))?;
    }
    crate::replication::slave::control::startup(&state);
    let shared = Arc::new(Shared::new(state, shutdown));
    log.note(&format!("{PROGRAM}: ready for connections."));
    log.line(&version_line(&shared.state.config, port));
    let acceptor = Acceptor {
        tcp,
        unix,
        shared: Arc::clone(&shared),
        log,
        workers: Vec::new(),
    };
    let handle = std::thread::Builder::new()
        .name("acceptor".into())
        .spawn(move || acceptor.run())?;
    Ok(RunningServer {
        port,
        shared,
        acceptor: Some(handle),
    })
}

/// Binds TCP; `*` means every address, IPv6 and IPv4 if the host has both.
fn bind_tcp(address: &str, port: u16) -> io::Result<TcpListener> {
    if address != "*" {
        return TcpListener::bind((address, port));
    }
    TcpListener::bind(("::", port)).or_else(|_| TcpListener::bind(("0.0.0.0", port)))
}

/// Binds the Unix socket, replacing a stale socket file.
fn bind_unix(path: Option<&PathBuf>) -> io::Result<Option<UnixListener>> {
    let Some(path) = path else { return Ok(None) };
    let _ = fs::remove_file(path);
    UnixListener::bind(path).map(Some)
}

/// mariadbd's `Version: '…'  socket: '…'  port: N  …` line.
fn version_line(config: &ServerConfig, port: u16) -> String {
    let socket = config
        .socket
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    format!("Version: '{VERSION}'  socket: '{socket}'  port: {port}  rmtr replica")
}

impl RunningServer {
    /// The TCP port clients connect to (the bound one when 0 was asked).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The state connections share.
    pub fn state(&self) -> &Arc<ServerState> {
        &self.shared.state
    }

    /// Stops the server and waits until it is down.
    pub fn shutdown(mut self) {
        self.shared.shutdown.request("unknown");
        self.join();
    }

    /// Waits until something else stops the server.
    pub fn wait(mut self) {
        self.join();
    }

    fn join(&mut self) {
        if let Some(h) = self.acceptor.take() {
            let _ = h.join();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if self.acceptor.is_some() {
            self.shared.shutdown.request("unknown");
            self.join();
        }
    }
}

impl Acceptor {
    /// Accepts until a stop is requested, then shuts down.
    fn run(mut self) {
        let _ = self.tcp.set_nonblocking(true);
        if let Some(u) = &self.unix {
            let _ = u.set_nonblocking(true);
        }
        while !self.shared.shutdown.is_requested() {
            match self.wait_readable() {
                Ok(ready) => self.accept_ready(ready),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.log.warning(&format!("{PROGRAM}: poll failed: {e}"));
                    break;
                }
            }
        }
        self.stop();
    }

    /// Blocks until a listener or the stop pipe is readable.
    fn wait_readable(&self) -> io::Result<[bool; 3]> {
        let wake = self.shared.shutdown.wake_fd();
        let unix = self.unix.as_ref().map_or(-1, AsRawFd::as_raw_fd);
        let mut fds = [pollfd(self.tcp.as_raw_fd()), pollfd(unix), pollfd(wake)];
        // SAFETY: three valid pollfd entries; a negative fd is ignored by poll.
        if unsafe { libc::poll(fds.as_mut_ptr(), 3, -1) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(fds.map(|f| f.revents != 0))
    }

    fn accept_ready(&mut self, [tcp, unix, wake]: [bool; 3]) {
        if wake {
            self.shared.shutdown.note_wakeup();
            return;
        }
        if tcp && let Ok((s, _)) = self.tcp.accept() {
            self.spawn(tcp_stream(s));
        }
        if unix && let Some(Ok((s, _))) = self.unix.as_ref().map(UnixListener::accept) {
            let _ = s.set_nonblocking(false);
            self.spawn(Stream::Unix(s));
        }
    }

    /// Serves one connection on its own thread.
    fn spawn(&mut self, stream: Stream) {
        let shared = Arc::clone(&self.shared);
        self.workers.retain(|w| !w.is_finished());
        match std::thread::Builder::new()
            .name("connection".into())
            .spawn(move || connection::serve(stream, shared))
        {
            Ok(h) => self.workers.push(h),
            Err(e) => self.log.warning(&format!(
                "Can't create thread to handle new connection: {e}"
            )),
        }
    }

    /// Closes every connection, cleans up the files, logs the end.
    fn stop(mut self) {
        let config = &self.shared.state.config;
        self.log.note(&format!(
            "{PROGRAM} (initiated by: {}): Normal shutdown",
            self.shared.shutdown.initiator()
        ));
        crate::replication::slave::control::shutdown(&self.shared.state);
        for t in self.shared.state.threads.snapshot() {
            t.kill_connection();
        }
        self.shared.close_all();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
        if let Some(binlog) = &self.shared.state.binlog {
            let _ = binlog.close();
        }
        if let Err(e) = self.shared.state.storage.checkpoint() {
            self.log
                .warning(&format!("{PROGRAM}: cannot write the snapshot: {e}"));
        }
        if let Some(p) = &config.socket {
            let _ = fs::remove_file(p);
        }
        if let Some(p) = &config.pid_file {
            let _ = fs::remove_file(p);
        }
        self.log.note(&format!("{PROGRAM}: Shutdown complete"));
    }
}

fn tcp_stream(s: TcpStream) -> Stream {
    let _ = s.set_nonblocking(false);
    let _ = s.set_nodelay(true);
    Stream::Tcp(s)
}

fn pollfd(fd: RawFd) -> libc::pollfd {
    libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }
}
