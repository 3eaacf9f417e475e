//! The master side of replication: what a slave (a real mariadbd, or
//! mariadb-binlog) gets from this server. COM_REGISTER_SLAVE records the
//! slave for SHOW SLAVE HOSTS (`hosts`); COM_BINLOG_DUMP streams the
//! binary log from the requested file and position or GTID state
//! (`dump`), shaped by the user variables the slave set first
//! (`options`). Command bodies come in from the connection; packets go
//! out through its `Sink`, and the result set of SHOW SLAVE HOSTS to the
//! executor.

pub mod dump;
pub mod errors;
pub mod frames;
pub mod gtid_start;
pub mod hosts;
pub mod options;
pub mod request;
pub mod scan;
pub mod skip;
pub mod until;

use std::collections::HashMap;

use mysql_common::constants::{ColumnFlags, ColumnType};

pub use dump::{DumpEnv, Ending, Sink};
pub use hosts::MasterState;

use crate::error::ServerError;
use crate::server::state::ServerState;
use crate::session::outcome::{Column, ResultSet};
use crate::session::registry::ThreadEntry;
use crate::sql::value::Value;

/// COM_REGISTER_SLAVE: remembers the slave until the connection ends.
pub fn register_slave(
    state: &ServerState,
    thread: &ThreadEntry,
    peer_host: &str,
    body: &[u8],
) -> Result<(), ServerError> {
    let request = request::register_slave(body)?;
    let own_id = state.globals.server_id() as u32;
    state
        .master
        .register(thread.id, &request, peer_host, own_id);
    Ok(())
}

/// COM_BINLOG_DUMP: ends older dumps to the same slave, shows the thread
/// as `Binlog Dump`, and streams until the dump ends.
pub fn binlog_dump(
    sink: &mut dyn Sink,
    state: &ServerState,
    thread: &ThreadEntry,
    user_vars: &HashMap<String, Value>,
    body: &[u8],
    stop: &dyn Fn() -> bool,
    xid_pause: &dyn Fn() -> bool,
) -> Ending {
    let request = match request::binlog_dump(body) {
        Ok(r) => r,
        Err(e) => return Ending::Failed(e),
    };
    for zombie in state.master.start_dump(thread.id, request.server_id) {
        if let Some(t) = state.threads.get(zombie) {
            t.kill_connection();
        }
    }
    thread.begin("Binlog Dump", None);
    let opts = options::DumpOptions::from_user_vars(user_vars);
    let env = DumpEnv {
        log: state.binlog.as_ref(),
        server_id: state.globals.server_id() as u32,
        thread,
        stop,
        xid_pause: Some((xid_pause, &state.debug_sync)),
    };
    let ending = dump::run(sink, &request, &opts, &env);
    thread.set_state(dump::state::ENDING);
    ending
}

/// SHOW SLAVE HOSTS (and SHOW REPLICA HOSTS): one row per registered slave.
pub fn slave_hosts(state: &ServerState) -> ResultSet {
    let number = |name: &str, length: u32| Column {
        column_type: ColumnType::MYSQL_TYPE_LONG,
        flags: ColumnFlags::NOT_NULL_FLAG
            | ColumnFlags::UNSIGNED_FLAG
            | ColumnFlags::BINARY_FLAG
            | ColumnFlags::NUM_FLAG,
        charset: 63,
        length,
        ..Column::text(name, length)
    };
    let host = Column {
        flags: ColumnFlags::NOT_NULL_FLAG,
        decimals: 39,
        ..Column::text("Host", 60)
    };
    let columns = vec![
        number("Server_id", 10),
        host,
        number("Port", 7),
        number("Master_id", 10),
    ];
    let rows = state
        .master
        .hosts()
        .into_iter()
        .map(|h| {
            [
                h.server_id.to_string(),
                h.host,
                h.port.to_string(),
                h.master_id.to_string(),
            ]
            .into_iter()
            .map(|v| Some(v.into_bytes()))
            .collect()
        })
        .collect();
    ResultSet { columns, rows }
}

/// BINLOG_GTID_POS(file, pos): the GTID position at a binlog offset;
/// None when the file is not in the index or `pos` starts no event.
pub fn binlog_gtid_pos(log: &crate::binlog::BinaryLog, file: &str, pos: u64) -> Option<String> {
    let name = if file.is_empty() {
        log.names().into_iter().next()?
    } else {
        file.rsplit('/').next().unwrap_or(file).to_string()
    };
    scan::gtid_pos_at(&log.read(&name)?, pos)
}
