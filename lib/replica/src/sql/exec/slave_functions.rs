//! MASTER_POS_WAIT and MASTER_GTID_WAIT as SQL functions: arguments in,
//! the wait in `replication::slave::waits` (KILL ends it), the value out,
//! with the process-list state MariaDB shows while waiting.

use crate::error::{Condition, Level, ServerError, ServerResult};
use crate::session::Session;
use crate::sql::value::{Value, to_string_lossy as text};

/// A timeout argument in seconds; None when absent or NULL.
fn timeout(arg: Option<&Value>) -> Option<f64> {
    arg.filter(|v| !v.is_null())
        .and_then(|v| text(v).trim().parse().ok())
}

/// MASTER_POS_WAIT(file, pos [, timeout [, connection]]).
pub fn master_pos_wait(session: &mut Session, args: &[Value]) -> ServerResult<Value> {
    let (Some(file), Some(pos)) = (args.first(), args.get(1)) else {
        return Ok(Value::Null);
    };
    if file.is_null() || pos.is_null() {
        return Ok(Value::Null);
    }
    if let Some(name) = args.get(3).filter(|v| !v.is_null()).map(text) {
        if !name.is_empty() {
            session.warn(Condition {
                level: Level::Warning,
                code: 1617,
                message: format!("There is no master connection '{name}'"),
            });
            return Ok(Value::Null);
        }
    }
    let (file, pos) = (text(file), text(pos).trim().parse::<u64>().unwrap_or(0));
    let state = std::sync::Arc::clone(&session.state);
    session
        .thread
        .set_state("Waiting for the slave SQL thread to advance position");
    let thread = std::sync::Arc::clone(&session.thread);
    let result = crate::replication::slave::waits::master_pos_wait(
        &state,
        &file,
        pos,
        timeout(args.get(2)),
        || thread.kill.check(),
    );
    session.thread.end_wait();
    Ok(result?.map_or(Value::Null, Value::Int))
}

/// MASTER_GTID_WAIT(gtid_list [, timeout]).
pub fn master_gtid_wait(session: &mut Session, args: &[Value]) -> ServerResult<Value> {
    let Some(list) = args.first().filter(|v| !v.is_null()).map(text) else {
        return Ok(Value::Null);
    };
    let state = std::sync::Arc::clone(&session.state);
    session.thread.set_state("Waiting in MASTER_GTID_WAIT()");
    let thread = std::sync::Arc::clone(&session.thread);
    let result = crate::replication::slave::waits::master_gtid_wait(
        &state,
        &list,
        timeout(args.get(1)),
        || thread.kill.check(),
    );
    session.thread.end_wait();
    match result {
        Ok(n) => Ok(Value::Int(n)),
        Err(None) => Err(ServerError::new(1941, "HY000", "Could not parse GTID list")),
        Err(Some(killed)) => Err(killed),
    }
}
