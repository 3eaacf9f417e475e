//! The IO thread: one OS thread that connects to the master, asks for its
//! binlog, and queues every event into the relay log, reconnecting when the
//! master goes away. It shows in the process list as `system user`
//! (`Connect` while connecting, then `Slave_IO`) and reports through
//! `channel.io`; each queued event notifies `channel.relay_grown`.
//! STOP SLAVE sets the stop flag and shuts the socket, so it ends at once.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rmtr_mysqltest::client::AbortHandle;

use super::master_link::{DumpFrom, LinkError, LinkSettings, MasterLink, Packet};
use super::queue::{self, QueueState, Queued};
use super::{info_files, relay_log};
use crate::replication::channel::{IoRunning, Until, UseGtid};
use crate::server::error_log::ErrorLog;
use crate::server::state::ServerState;
use crate::session::registry::ThreadEntry;

/// The process-list states of the IO thread.
pub mod states {
    pub const CONNECTING: &str = "Connecting to master";
    pub const CHECKING: &str = "Checking master version";
    pub const REGISTERING: &str = "Registering slave on master";
    pub const REQUESTING: &str = "Requesting binlog dump";
    pub const WAITING: &str = "Waiting for master to send event";
    pub const RECONNECTING: &str = "Reconnecting after a failed master event read";
    pub const WAITING_TO_RECONNECT: &str = "Waiting to reconnect after a failed master event read";
}

/// A running IO thread, as STOP SLAVE reaches it.
#[derive(Debug)]
pub struct IoHandle {
    control: Arc<Control>,
    thread: Option<JoinHandle<()>>,
}

/// What the statements and the thread share.
#[derive(Debug, Default)]
struct Control {
    stopping: Mutex<bool>,
    wake: Condvar,
    socket: Mutex<Option<AbortHandle>>,
}

impl Control {
    fn stopped(&self) -> bool {
        *self.stopping.lock().unwrap()
    }

    /// Sleeps up to `time`; true when asked to stop meanwhile.
    fn sleep(&self, time: Duration) -> bool {
        let guard = self.stopping.lock().unwrap();
        let (guard, _) = self.wake.wait_timeout_while(guard, time, |s| !*s).unwrap();
        *guard
    }
}

/// Starts the IO thread. `fresh`: nothing queued before counts (a new
/// relay log); otherwise a reconnect skips what was already queued.
pub fn start(state: &Arc<ServerState>, fresh: bool) -> std::io::Result<()> {
    let channel = &state.slave;
    let mut slot = channel.io_thread.lock().unwrap();
    if let Some(old) = slot.take() {
        finish(old);
    }
    {
        let mut io = channel.io.lock().unwrap();
        io.running = IoRunning::Connecting;
        io.state = states::CONNECTING.to_string();
        io.last_errno = 0;
        io.last_error.clear();
    }
    let control = Arc::new(Control::default());
    let entry = state.threads.register("system user", "", None);
    entry.begin("Connect", None);
    entry.set_state(states::CONNECTING);
    let shared = Arc::clone(state);
    let thread_control = Arc::clone(&control);
    let thread = std::thread::Builder::new()
        .name("slave-io".into())
        .spawn(move || {
            run(&shared, &thread_control, &entry, fresh);
            shared.threads.unregister(entry.id);
            let mut io = shared.slave.io.lock().unwrap();
            io.running = IoRunning::No;
            io.state.clear();
            shared.slave.relay_grown.notify_all();
        })?;
    *slot = Some(IoHandle {
        control,
        thread: Some(thread),
    });
    Ok(())
}

/// Stops the IO thread and waits for it; false if it was not running.
pub fn stop(state: &Arc<ServerState>) -> bool {
    let handle = state.slave.io_thread.lock().unwrap().take();
    let was_running = state.slave.io.lock().unwrap().running != IoRunning::No;
    if let Some(handle) = handle {
        finish(handle);
    }
    was_running
}

fn finish(mut handle: IoHandle) {
    *handle.control.stopping.lock().unwrap() = true;
    handle.control.wake.notify_all();
    if let Some(socket) = handle.control.socket.lock().unwrap().as_ref() {
        socket.abort();
    }
    if let Some(thread) = handle.thread.take() {
        let _ = thread.join();
    }
}

/// How one connection to the master ended.
enum Ended {
    /// Lost, or the master closed the stream: connect again.
    Reconnect,
    /// Stopped, or a fatal error: the thread ends.
    Exit,
}

fn run(state: &Arc<ServerState>, control: &Control, entry: &ThreadEntry, fresh: bool) {
    let mut queue_state = QueueState {
        own_server_id: state.globals.server_id() as u32,
        ..QueueState::default()
    };
    if !fresh {
        queue_state.resume = resume_point(state);
    }
    let mut reconnecting = false;
    loop {
        let Some(mut link) = connect(state, control, entry, reconnecting) else {
            return;
        };
        match serve(state, control, entry, &mut link, &mut queue_state) {
            Ended::Exit => return,
            Ended::Reconnect => {
                reconnecting = true;
                queue_state.resume = resume_point(state);
                set_state(state, entry, states::RECONNECTING, IoRunning::Connecting);
            }
        }
    }
}

/// The master position queued so far, which a reconnect must not queue again.
fn resume_point(state: &ServerState) -> Option<(String, u64)> {
    let info = state.slave.info.lock().unwrap();
    (!info.log_file.is_empty()).then(|| (info.log_file.clone(), info.log_pos))
}

/// Connects (retrying every MASTER_CONNECT_RETRY seconds up to
/// master-retry-count times); None when stopped or out of retries.
fn connect(
    state: &Arc<ServerState>,
    control: &Control,
    entry: &ThreadEntry,
    reconnecting: bool,
) -> Option<MasterLink> {
    let mut failures = 0u64;
    loop {
        if control.stopped() {
            return None;
        }
        let settings = link_settings(state);
        if !reconnecting {
            set_state(state, entry, states::CONNECTING, IoRunning::Connecting);
        }
        match MasterLink::connect(&settings) {
            Ok(link) => {
                *control.socket.lock().unwrap() = Some(link.abort_handle());
                // A STOP between connecting and publishing the socket.
                if control.stopped() {
                    return None;
                }
                return Some(link);
            }
            Err(e) => {
                failures += 1;
                let retry = state.slave.info.lock().unwrap().connect_retry;
                let max = retry_count(state);
                // The client's error number: 2003 when unreachable,
                // the master's own (1045) when it refused the login.
                let (code, message) = match e {
                    LinkError::Connect(m) | LinkError::Lost(m) => (2003, m),
                    LinkError::Server { code, message } => (u32::from(code), message),
                };
                set_error(
                    state,
                    code,
                    format!(
                        "error connecting to master '{}@{}:{}' - retry-time: {retry}  maximum-retries: {max}  message: {message}",
                        settings.user, settings.host, settings.port
                    ),
                );
                if failures > max || control.sleep(Duration::from_secs(u64::from(retry.max(1)))) {
                    return None;
                }
            }
        }
    }
}

/// Sets up the dump on a connected link and queues events until it ends.
fn serve(
    state: &Arc<ServerState>,
    control: &Control,
    entry: &ThreadEntry,
    link: &mut MasterLink,
    queue_state: &mut QueueState,
) -> Ended {
    let settings = link_settings(state);
    let from = dump_from(state);
    set_state(state, entry, states::CHECKING, IoRunning::Connecting);
    let until = until_gtid(state);
    let facts = match link.prepare(&settings, &from, until.as_deref()) {
        Ok(facts) => facts,
        Err(e) => return link_failed(state, control, e),
    };
    queue_state.checksummed = facts.checksummed;
    set_state(state, entry, states::REGISTERING, IoRunning::Connecting);
    if let Err(e) = link.register(&settings) {
        return link_failed(state, control, e);
    }
    set_state(state, entry, states::REQUESTING, IoRunning::Connecting);
    if let Err(e) = link.request_dump(settings.server_id, &from) {
        return link_failed(state, control, e);
    }
    state.slave.connections.fetch_add(1, Ordering::SeqCst);
    entry.begin("Slave_IO", None);
    {
        let mut io = state.slave.io.lock().unwrap();
        io.master_server_id = facts.server_id;
        io.last_errno = 0;
        io.last_error.clear();
    }
    set_state(state, entry, states::WAITING, IoRunning::Yes);
    loop {
        match link.packet() {
            Ok(Packet::Event(bytes)) => match queue_one(state, &bytes, queue_state) {
                Ok(Queued::UntilReached) => {
                    note_until_reached(state, until.as_deref().unwrap_or_default());
                    return Ended::Exit;
                }
                Ok(_) => {}
                Err(e) => {
                    set_error(state, e.code, e.message);
                    return Ended::Exit;
                }
            },
            Ok(Packet::Eof) => return Ended::Reconnect,
            Ok(Packet::Error { code, message }) => {
                set_error(
                    state,
                    1236,
                    format!(
                        "Got fatal error {code} from master when reading data from binary log: '{message}'"
                    ),
                );
                return Ended::Exit;
            }
            Err(e) => return link_failed(state, control, e),
        }
    }
}

/// A broken link: reconnect, unless stopping or the master refused us.
fn link_failed(state: &ServerState, control: &Control, e: LinkError) -> Ended {
    if control.stopped() {
        return Ended::Exit;
    }
    match e {
        LinkError::Server { code, message } => {
            set_error(state, u32::from(code), message);
            Ended::Exit
        }
        LinkError::Connect(_) | LinkError::Lost(_) => Ended::Reconnect,
    }
}

/// The SQL thread's START SLAVE UNTIL master_gtid_pos, which the master
/// is told too (`@slave_until_gtid`) so that it stops sending there.
fn until_gtid(state: &ServerState) -> Option<String> {
    match &state.slave.sql.lock().unwrap().until {
        Until::Gtid(list) => Some(list.clone()),
        _ => None,
    }
}

/// The master has sent everything up to the UNTIL GTID: MariaDB's note.
fn note_until_reached(state: &ServerState, until: &str) {
    if let Ok(log) = ErrorLog::open(state.config.log_error.as_deref()) {
        log.note(&format!(
            "Slave I/O thread stops because it reached its UNTIL master_gtid_pos {until}"
        ));
    }
}

/// Queues one event under the channel's locks, then tells the SQL thread.
fn queue_one(
    state: &ServerState,
    bytes: &[u8],
    queue_state: &mut QueueState,
) -> Result<Queued, queue::QueueError> {
    let channel = &state.slave;
    let mut relay_slot = channel.relay_log.lock().unwrap();
    let relay = match relay_slot.as_mut() {
        Some(relay) => relay,
        None => {
            *relay_slot = relay_log::open_for(state, false);
            relay_slot.as_mut().ok_or_else(|| queue::QueueError {
                code: 1595,
                message: "Relay log write failure: could not queue event from master".into(),
            })?
        }
    };
    let mut info = channel.info.lock().unwrap();
    let mut io = channel.io.lock().unwrap();
    let queued = queue::queue_event(bytes, queue_state, relay, &mut info, &mut io)?;
    if matches!(queued, Queued::Written | Queued::UntilReached) {
        let _ = info_files::write_master_info(&state.config.datadir, &info);
    }
    channel.relay_grown.notify_all();
    Ok(queued)
}

/// Where to ask the master to start, by the connection's GTID mode.
fn dump_from(state: &ServerState) -> DumpFrom {
    let info = state.slave.info.lock().unwrap().clone();
    match info.use_gtid {
        UseGtid::No => DumpFrom::File {
            name: info.log_file,
            pos: info.log_pos,
        },
        UseGtid::SlavePos => DumpFrom::Gtid(super::waits::gtid_slave_pos(state)),
        UseGtid::CurrentPos => DumpFrom::Gtid(super::waits::gtid_current_pos(state)),
    }
}

fn link_settings(state: &ServerState) -> LinkSettings {
    let info = state.slave.info.lock().unwrap().clone();
    let globals = &state.globals;
    let text = |name: &str| {
        globals
            .global(name)
            .map(|s| s.as_text().to_string())
            .unwrap_or_default()
    };
    let number = |name: &str, default: u64| globals.global(name).map_or(default, |s| s.as_u64());
    LinkSettings {
        host: info.host,
        port: info.port,
        user: info.user,
        password: info.password,
        net_timeout: Duration::from_secs(number("slave_net_timeout", 60).max(1)),
        heartbeat_period: info.heartbeat_period,
        server_id: globals.server_id() as u32,
        report_host: text("report_host"),
        report_port: number("report_port", u64::from(state.config.port)) as u16,
        report_user: state.config.option("report_user").unwrap_or("").to_string(),
    }
}

/// `--master-retry-count` (MariaDB's default 100000).
fn retry_count(state: &ServerState) -> u64 {
    state
        .config
        .option("master_retry_count")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn set_state(state: &ServerState, entry: &ThreadEntry, text: &str, running: IoRunning) {
    entry.set_state(text);
    let mut io = state.slave.io.lock().unwrap();
    io.state = text.to_string();
    io.running = running;
}

fn set_error(state: &ServerState, code: u32, message: String) {
    let mut io = state.slave.io.lock().unwrap();
    io.last_errno = code;
    io.last_error = message;
}
