//! The master's binary-log statements: SHOW MASTER STATUS, SHOW BINARY
//! LOGS, SHOW BINLOG EVENTS, FLUSH [BINARY] LOGS, RESET MASTER, PURGE
//! BINARY LOGS TO and SHOW SLAVE HOSTS, answered from the server's `BinaryLog` as MariaDB
//! answers them (an empty result or error 1381 when logging is off).

use super::ok;
use crate::binlog::BinaryLog;
use crate::binlog::files::PurgeError;
use crate::binlog::{delete_domain, reader};
use crate::error::{Condition, Level, ServerError};
use crate::session::outcome::{Column, Outcome, ResultSet};
use crate::session::{Session, StatementResult};
use crate::sql::parse::BinlogStatement;

/// Runs one binary-log statement.
pub fn run(session: &mut Session, statement: &BinlogStatement) -> StatementResult {
    let state = std::sync::Arc::clone(&session.state);
    let log = state.binlog.as_ref();
    match statement {
        BinlogStatement::ShowMasterStatus => Ok(master_status(log)),
        BinlogStatement::ShowBinaryLogs => binary_logs(log.ok_or_else(not_logging)?),
        BinlogStatement::ShowEvents {
            file,
            from,
            offset,
            count,
        } => events(log, file.as_deref(), *from, *offset, *count),
        BinlogStatement::FlushLogs => {
            if let Some(log) = log {
                log.rotate().map_err(io_error)?;
            }
            ok(0)
        }
        BinlogStatement::DeleteDomains(ids) => delete_domains(session, log, ids),
        BinlogStatement::ResetMaster => {
            let log = log.ok_or_else(not_logging)?;
            log.reset().map_err(io_error)?;
            log.publish(&state.globals);
            ok(0)
        }
        BinlogStatement::PurgeTo(name) => purge(log, name),
        BinlogStatement::ShowSlaveHosts => Ok(Outcome::Rows(
            crate::replication::master::slave_hosts(&state),
        )),
    }
}

fn master_status(log: Option<&BinaryLog>) -> Outcome {
    let mut columns: Vec<Column> = ["File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB"]
        .iter()
        .map(|n| Column::text(n, 192))
        .collect();
    columns[1] = Column::integer("Position");
    let rows = log
        .map(|l| {
            let (file, pos) = l.status();
            vec![
                Some(file.into_bytes()),
                Some(pos.to_string().into_bytes()),
                Some(Vec::new()),
                Some(Vec::new()),
            ]
        })
        .into_iter()
        .collect();
    Outcome::Rows(ResultSet { columns, rows })
}

fn binary_logs(log: &BinaryLog) -> StatementResult {
    let columns = vec![Column::text("Log_name", 192), Column::integer("File_size")];
    let rows = log
        .files()
        .into_iter()
        .map(|(name, size)| vec![Some(name.into_bytes()), Some(size.to_string().into_bytes())])
        .collect();
    Ok(Outcome::Rows(ResultSet { columns, rows }))
}

fn events(
    log: Option<&BinaryLog>,
    file: Option<&str>,
    from: u64,
    offset: usize,
    count: Option<usize>,
) -> StatementResult {
    let Some(log) = log else {
        return no_events();
    };
    let name = match file {
        Some(f) => f.to_string(),
        None => log.files().first().map(|f| f.0.clone()).unwrap_or_default(),
    };
    event_listing(&name, log.read(&name), from, offset, count)
}

/// The columns of SHOW BINLOG EVENTS and SHOW RELAYLOG EVENTS.
fn event_columns() -> Vec<Column> {
    vec![
        Column::text("Log_name", 192),
        Column::integer("Pos"),
        Column::text("Event_type", 15),
        Column::integer("Server_id"),
        Column::integer("End_log_pos"),
        Column::text("Info", 192),
    ]
}

/// The empty listing of a server without the log.
pub(super) fn no_events() -> StatementResult {
    Ok(Outcome::Rows(ResultSet {
        columns: event_columns(),
        rows: Vec::new(),
    }))
}

/// The events of log file `name` (its bytes; None when it is missing) from
/// position `from`, as SHOW BINLOG/RELAYLOG EVENTS list them.
pub(super) fn event_listing(
    name: &str,
    bytes: Option<Vec<u8>>,
    from: u64,
    offset: usize,
    count: Option<usize>,
) -> StatementResult {
    let bytes = bytes.ok_or_else(|| show_events_error("Could not find target log"))?;
    let all = reader::events(&bytes);
    if from != 4 && !all.iter().any(|e| e.pos == from) {
        return Err(show_events_error("Wrong offset or I/O error"));
    }
    let rows = all
        .into_iter()
        .filter(|e| e.pos >= from)
        .skip(offset)
        .take(count.unwrap_or(usize::MAX))
        .map(|e| {
            [
                name.to_string(),
                e.pos.to_string(),
                e.event_type,
                e.server_id.to_string(),
                e.end_log_pos.to_string(),
                e.info,
            ]
            .into_iter()
            .map(|v| Some(v.into_bytes()))
            .collect()
        })
        .collect();
    Ok(Outcome::Rows(ResultSet {
        columns: event_columns(),
        rows,
    }))
}

/// FLUSH BINARY LOGS DELETE_DOMAIN_ID: warnings stay with the error if refused.
fn delete_domains(session: &mut Session, log: Option<&BinaryLog>, ids: &[u32]) -> StatementResult {
    let Some(log) = log else {
        return ok(0);
    };
    let (warnings, refused) = match log.delete_domains(ids).map_err(io_error)? {
        Ok(deletion) => (deletion.warnings, None),
        Err((warnings, reason)) => (warnings, Some(reason)),
    };
    for message in warnings {
        session.warn(Condition {
            level: Level::Warning,
            code: delete_domain::CODE,
            message,
        });
    }
    if let Some(reason) = refused {
        return Err(ServerError::new(delete_domain::CODE, "HY000", reason));
    }
    log.publish(&session.state.globals);
    ok(0)
}

fn purge(log: Option<&BinaryLog>, name: &str) -> StatementResult {
    let Some(log) = log else {
        return ok(0);
    };
    match log.purge_to(name).map_err(io_error)? {
        Ok(()) => ok(0),
        Err(PurgeError::NotFound) => Err(ServerError::new(
            1373,
            "HY000",
            "Target log not found in binlog index",
        )),
    }
}

/// 1381: the statement needs a binary log.
fn not_logging() -> ServerError {
    ServerError::new(1381, "HY000", "You are not using binary logging")
}

/// 1220: SHOW BINLOG EVENTS could not read what was asked.
fn show_events_error(why: &str) -> ServerError {
    ServerError::new(
        1220,
        "HY000",
        format!("Error when executing command SHOW BINLOG EVENTS: {why}"),
    )
}

fn io_error(e: std::io::Error) -> ServerError {
    ServerError::new(1105, "HY000", format!("binary log: {e}"))
}
