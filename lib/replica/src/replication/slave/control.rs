//! What the slave statements do to the default master connection: CHANGE
//! MASTER, START/STOP SLAVE, RESET SLAVE, with the refusals and notes of
//! the server's flavor (MariaDB 10.11, or MySQL 5.7's WL#6120 rules and
//! open-temporary-table warnings); plus the server's start-up (master.info
//! back, threads started unless --skip-slave-start) and shutdown.
//! Statement options enter; the channel, the relay log, the info files and
//! the threads change; notes (code, text) or a `ServerError` leave.

use std::sync::Arc;

use super::change_master::{self, ChangeMaster};
use super::change_master_rules::{self as rules, Running};
use super::{errors, info_files, io_thread, relay_log};
use crate::error::ServerResult;
use crate::replication::channel::{IoRunning, Until, UseGtid};
use crate::replication::sql_thread;
use crate::server::state::ServerState;
use crate::sql::parse::slave_statements::{Threads, UntilSpec};

/// A note for the statement's warnings.
pub type Note = (u16, String);

/// Only the default connection '' exists.
pub fn check_connection(name: &str) -> ServerResult<()> {
    if name.is_empty() {
        Ok(())
    } else {
        Err(errors::no_master_connection(name))
    }
}

/// Whether the IO thread or the SQL thread runs.
pub fn running(state: &ServerState) -> (bool, bool) {
    let io = state.slave.io.lock().unwrap().running != IoRunning::No;
    let sql = state.slave.sql.lock().unwrap().running;
    (io, sql)
}

/// 1198 when either thread runs (RESET SLAVE).
pub fn refuse_while_running(state: &ServerState) -> ServerResult<()> {
    match running(state) {
        (false, false) => Ok(()),
        _ => Err(errors::slave_must_stop(state.config.flavor)),
    }
}

/// The replicated temporary tables open now (`Slave_open_temp_tables`).
fn open_temp_tables(state: &ServerState) -> u64 {
    state.slave.sql.lock().unwrap().open_temp_tables
}

/// CHANGE MASTER TO.
pub fn change_master(state: &Arc<ServerState>, change: &ChangeMaster) -> ServerResult<Vec<Note>> {
    let flavor = state.config.flavor;
    let (io, sql) = running(state);
    let threads = Running { io, sql };
    rules::check(flavor, threads, change).map_err(|refusal| refusal.error(flavor))?;
    if change.host.as_deref() == Some("") {
        return Err(errors::empty_master_host());
    }
    let warn_temp_tables = rules::warns_on_change(flavor, open_temp_tables(state), change);
    let channel = &state.slave;
    let mut relay = channel.relay_log.lock().unwrap();
    let mut info = channel.info.lock().unwrap();
    let mut sql = channel.sql.lock().unwrap();
    if !info.configured {
        *info = change_master::fresh_info(net_timeout(state));
        info.configured = true;
    }
    let effects = change_master::apply(change, &mut info, &mut sql, flavor, threads);
    if effects.purge_relay_log {
        *relay = match relay.take() {
            Some(log) => log.purge_all().ok(),
            None => relay_log::open_for(state, false),
        };
        sql.relay_log_file = relay.as_ref().map(|r| r.current()).unwrap_or_default();
        let mut io = channel.io.lock().unwrap();
        io.queued = false;
        io.relay_log_space = relay.as_ref().map_or(0, |r| r.space());
    } else if relay.is_none() {
        *relay = relay_log::open_for(state, false);
    }
    save(state, &info, &sql);
    let mut notes = effects.notes;
    if warn_temp_tables {
        notes.push(errors::open_temp_tables());
    }
    Ok(notes)
}

/// START SLAVE [threads] [UNTIL …].
pub fn start(
    state: &Arc<ServerState>,
    threads: Threads,
    until: Option<&UntilSpec>,
) -> ServerResult<Vec<Note>> {
    let (io_running, sql_running) = running(state);
    let (info_host, use_gtid) = {
        let info = state.slave.info.lock().unwrap();
        (info.host.clone(), info.use_gtid)
    };
    if info_host.is_empty() {
        return Err(errors::misconfigured_slave());
    }
    let want_io = threads.io() && !io_running;
    let want_sql = threads.sql() && !sql_running;
    let mut notes = Vec::new();
    let until = match until {
        Some(spec) => check_until(spec, use_gtid, io_running || sql_running)?,
        None => Until::None,
    };
    if !want_io && !want_sql {
        notes.push(errors::slave_was_running());
        return Ok(notes);
    }
    if until != Until::None && want_sql && !skip_slave_start(state) {
        notes.push(errors::missing_skip_slave());
    }
    let fresh = !io_running && !sql_running && want_sql && use_gtid != UseGtid::No;
    prepare_relay_log(state, fresh);
    if want_sql {
        // The IO thread reads it when it connects (`@slave_until_gtid`).
        state.slave.sql.lock().unwrap().until = until.clone();
    }
    if want_io {
        let fresh_io = !state.slave.io.lock().unwrap().queued;
        io_thread::start(state, fresh_io).map_err(errors::thread_start)?;
    }
    if want_sql {
        start_sql(state, until)?;
    }
    Ok(notes)
}

/// The UNTIL condition START SLAVE takes, or MariaDB's refusal of it.
fn check_until(spec: &UntilSpec, use_gtid: UseGtid, any_running: bool) -> ServerResult<Until> {
    if let Some(gtid) = &spec.master_gtid_pos {
        let alone = spec.master_log_file.is_none()
            && spec.master_log_pos.is_none()
            && spec.relay_log_file.is_none()
            && spec.relay_log_pos.is_none();
        if !alone {
            return Err(errors::bad_until());
        }
        if any_running {
            return Err(errors::slave_running_error());
        }
        if use_gtid == UseGtid::No {
            return Err(errors::until_requires_gtid());
        }
        if crate::binlog::gtid::parse_list(gtid).is_none() {
            return Err(errors::bad_gtid_list());
        }
        return Ok(Until::Gtid(gtid.clone()));
    }
    match (
        &spec.master_log_file,
        spec.master_log_pos,
        &spec.relay_log_file,
        spec.relay_log_pos,
    ) {
        (Some(file), Some(pos), None, None) => Ok(Until::Master {
            file: file.clone(),
            pos,
        }),
        (None, None, Some(file), Some(pos)) => Ok(Until::Relay {
            file: file.clone(),
            pos,
        }),
        _ => Err(errors::bad_until()),
    }
}

/// Opens the relay log if needed; `purge`: a GTID start with both threads
/// stopped throws the relay logs away and fetches again.
fn prepare_relay_log(state: &Arc<ServerState>, purge: bool) {
    let channel = &state.slave;
    let mut relay = channel.relay_log.lock().unwrap();
    if purge {
        *relay = match relay.take() {
            Some(log) => log.purge_all().ok(),
            None => relay_log::open_for(state, false),
        };
        let first = relay.as_ref().map(|r| r.first()).unwrap_or_default();
        let mut sql = channel.sql.lock().unwrap();
        sql.relay_log_file = first;
        sql.relay_log_pos = 4;
        drop(sql);
        let mut io = channel.io.lock().unwrap();
        io.queued = false;
        io.gtid_io_pos.clear();
    } else if relay.is_none() {
        *relay = relay_log::open_for(state, false);
    }
}

/// Hands UNTIL, the skip counter and the start position to the SQL thread, starts it.
fn start_sql(state: &Arc<ServerState>, until: Until) -> ServerResult<()> {
    let skip = state
        .globals
        .global("sql_slave_skip_counter")
        .map_or(0, |s| s.as_u64());
    if skip > 0 {
        state.globals.set_server_value(
            "sql_slave_skip_counter",
            crate::sysvars::Setting::Unsigned(0),
        );
    }
    let first = state
        .slave
        .relay_log
        .lock()
        .unwrap()
        .as_ref()
        .map(|r| r.first())
        .unwrap_or_default();
    {
        let mut sql = state.slave.sql.lock().unwrap();
        sql.until = until;
        sql.skip_counter = skip;
        sql.last_errno = 0;
        sql.last_error.clear();
        if sql.relay_log_file.is_empty() {
            sql.relay_log_file = first;
            sql.relay_log_pos = 4;
        }
    }
    sql_thread::start(state).map_err(errors::thread_start)
}

/// The first step of STOP SLAVE, before it shows `Killing slave`: the
/// SQL thread's stop point is fixed now (spec 2.1).
pub fn request_stop(state: &ServerState, threads: Threads) {
    let (_, sql_running) = running(state);
    if threads.sql() && sql_running {
        sql_thread::request_stop(state);
    }
}

/// STOP SLAVE [threads].
pub fn stop(state: &Arc<ServerState>, threads: Threads) -> Vec<Note> {
    let mut notes = stop_threads(state, threads);
    if rules::warns_on_stop(state.config.flavor, open_temp_tables(state)) {
        notes.push(errors::open_temp_tables());
    }
    notes
}

/// Stops the named threads that run; note 1255 when none does.
fn stop_threads(state: &Arc<ServerState>, threads: Threads) -> Vec<Note> {
    let (io_running, sql_running) = running(state);
    let stop_io = threads.io() && io_running;
    let stop_sql = threads.sql() && sql_running;
    if !stop_io && !stop_sql {
        return vec![errors::slave_was_not_running()];
    }
    // The stop point is fixed when STOP begins; the SQL thread stops
    // first, as in MariaDB: a group it may finish (spec 2.2) can still get
    // its last events from the running IO thread.
    if stop_sql {
        sql_thread::request_stop(state);
        sql_thread::stop(state);
    }
    if stop_io {
        io_thread::stop(state);
    }
    let info = state.slave.info.lock().unwrap().clone();
    let sql = state.slave.sql.lock().unwrap().clone();
    save(state, &info, &sql);
    Vec::new()
}

/// RESET SLAVE [ALL].
pub fn reset(state: &Arc<ServerState>, all: bool) -> ServerResult<Vec<Note>> {
    refuse_while_running(state)?;
    let channel = &state.slave;
    if let Some(log) = channel.relay_log.lock().unwrap().take() {
        let _ = log.remove_all();
    }
    info_files::remove(&state.config.datadir);
    let mut notes = Vec::new();
    {
        let mut info = channel.info.lock().unwrap();
        if info.use_gtid != UseGtid::SlavePos {
            notes.push(errors::reset_changes_using_gtid(info.use_gtid));
        }
        if all {
            *info = Default::default();
        } else {
            info.log_file.clear();
            info.log_pos = 4;
            info.use_gtid = UseGtid::SlavePos;
        }
    }
    {
        let mut sql = channel.sql.lock().unwrap();
        sql.relay_log_file.clear();
        sql.relay_log_pos = 4;
        sql.relay_master_log_file.clear();
        sql.exec_master_log_pos = 0;
        sql.last_errno = 0;
        sql.last_error.clear();
        sql.until = Until::None;
    }
    let mut io = channel.io.lock().unwrap();
    io.gtid_io_pos.clear();
    io.master_log_file.clear();
    io.read_master_log_pos = 4;
    io.relay_log_file.clear();
    io.last_errno = 0;
    io.last_error.clear();
    io.queued = false;
    Ok(notes)
}

/// The slave's status variables: Slave_running, Slaves_running,
/// Slave_received_heartbeats, Slave_heartbeat_period, Slave_connections.
pub fn status_values(state: &ServerState) -> Vec<(&'static str, String)> {
    let io_connected = state.slave.io.lock().unwrap().running == IoRunning::Yes;
    let both = io_connected && state.slave.sql.lock().unwrap().running;
    let heartbeats = state.slave.io.lock().unwrap().received_heartbeats;
    let period = state.slave.info.lock().unwrap().heartbeat_period;
    let connections = state
        .slave
        .connections
        .load(std::sync::atomic::Ordering::SeqCst);
    vec![
        ("Slave_running", if both { "ON" } else { "OFF" }.to_string()),
        ("Slaves_running", u8::from(both).to_string()),
        ("Slave_received_heartbeats", heartbeats.to_string()),
        ("Slave_heartbeat_period", format!("{period:.3}")),
        ("Slave_connections", connections.to_string()),
    ]
}

/// At start-up: the connection master.info describes, its relay log, and
/// both threads unless `--skip-slave-start`.
pub fn startup(state: &Arc<ServerState>) {
    if !state.storage.is_persistent() {
        return;
    }
    let Some(mut info) = info_files::read_master_info(&state.config.datadir) else {
        return;
    };
    if let Some((sql, delay)) = info_files::read_relay_log_info(&state.config.datadir) {
        info.delay = delay;
        let mut current = state.slave.sql.lock().unwrap();
        current.relay_log_file = sql.relay_log_file;
        current.relay_log_pos = sql.relay_log_pos;
        current.relay_master_log_file = sql.relay_master_log_file;
        current.exec_master_log_pos = sql.exec_master_log_pos;
    }
    {
        let mut io = state.slave.io.lock().unwrap();
        io.master_log_file = info.log_file.clone();
        io.read_master_log_pos = info.log_pos;
        io.queued = !info.log_file.is_empty();
    }
    *state.slave.info.lock().unwrap() = info;
    *state.slave.relay_log.lock().unwrap() = relay_log::open_for(state, true);
    if !skip_slave_start(state) {
        let _ = start(state, Threads::default(), None);
    }
}

/// At shutdown: both threads stopped, positions saved.
pub fn shutdown(state: &Arc<ServerState>) {
    stop_threads(state, Threads::default());
}

/// Writes master.info and relay-log.info (a server with a datadir only).
fn save(
    state: &ServerState,
    info: &crate::replication::channel::MasterInfo,
    sql: &crate::replication::channel::SqlStatus,
) {
    if !state.storage.is_persistent() || !info.configured {
        return;
    }
    let _ = info_files::write_master_info(&state.config.datadir, info);
    let _ = info_files::write_relay_log_info(&state.config.datadir, sql, info.delay);
}

fn skip_slave_start(state: &ServerState) -> bool {
    // The config reads `--skip-slave-start` as `slave_start=0`.
    state.config.option("slave_start") == Some("0")
        || state
            .config
            .option("skip_slave_start")
            .is_some_and(|v| v.is_empty() || v == "1" || v.eq_ignore_ascii_case("on"))
}

fn net_timeout(state: &ServerState) -> u64 {
    state
        .globals
        .global("slave_net_timeout")
        .map_or(60, |s| s.as_u64())
}
