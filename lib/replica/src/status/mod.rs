//! Status variables (SHOW STATUS, information_schema.GLOBAL_STATUS and
//! SESSION_STATUS): counters the executor bumps as statements run
//! (`Questions`, `Com_*`, `Handler_*`), kept per session and for the
//! server, and values read from the server's state when asked
//! (`Threads_connected`, `Uptime`, …). Statements come in through
//! [`count_statement`]; name/value rows go out through [`rows`].

mod commands;
mod counters;

pub use commands::command_counter;
pub use counters::Counters;

use crate::session::Session;

/// Which values a SHOW STATUS asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusScope {
    /// SHOW [SESSION] STATUS, SESSION_STATUS: this session's counters.
    Session,
    /// SHOW GLOBAL STATUS, GLOBAL_STATUS: the server's counters.
    Global,
}

/// Counts one statement the client sent (`Questions`) and its command
/// (`Com_*`, when it parsed), in the session and the server.
pub fn count_statement(session: &mut Session, command: Option<&'static str>) {
    session.status.add("Questions", 1);
    session.state.status.add("Questions", 1);
    if let Some(command) = command {
        session.status.add(command, 1);
        session.state.status.add(command, 1);
    }
}

/// Adds `n` to a `Handler_*`-style counter of the session and the server.
pub fn count(session: &mut Session, name: &'static str, n: u64) {
    if n > 0 {
        session.status.add(name, n);
        session.state.status.add(name, n);
    }
}

/// Every status variable with its value, sorted by name as SHOW STATUS
/// lists them.
pub fn rows(session: &Session, scope: StatusScope) -> Vec<(String, String)> {
    let counted = match scope {
        StatusScope::Session => session.status.snapshot(),
        StatusScope::Global => session.state.status.snapshot(),
    };
    let mut list: Vec<(String, String)> = counted
        .into_iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    list.extend(server_values(session));
    list.sort_by_key(|(name, _)| name.to_ascii_lowercase());
    list
}

/// Values read from the server's state rather than counted.
fn server_values(session: &Session) -> Vec<(String, String)> {
    let state = &session.state;
    let threads = state.threads.snapshot();
    let running = threads
        .iter()
        .filter(|t| t.activity.lock().unwrap().command != "Sleep")
        .count();
    let uptime = state.started.elapsed().as_secs();
    [
        ("Connections", state.threads.connections().to_string()),
        ("Max_used_connections", state.threads.max_used().to_string()),
        (
            "Slave_open_temp_tables",
            open_temp_tables(state).to_string(),
        ),
        ("Threads_connected", threads.len().to_string()),
        ("Threads_running", running.to_string()),
        ("Uptime", uptime.to_string()),
    ]
    .into_iter()
    .chain(crate::replication::slave::control::status_values(state))
    .map(|(n, v)| (n.to_string(), v))
    .collect()
}

/// Temporary tables held by the replication SQL thread's session.
fn open_temp_tables(state: &crate::server::state::ServerState) -> u64 {
    state
        .slave
        .sql
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .open_temp_tables
}
