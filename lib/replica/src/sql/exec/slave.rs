//! The slave statements run in a session: each one hands its options to
//! `replication::slave::control` (or reads `status` / the relay log) and
//! turns the result into an OK with notes, a result set, or an error.

use std::sync::Arc;

use super::ok;
use crate::error::Condition;
use crate::replication::slave::{control, errors, status};
use crate::session::outcome::Outcome;
use crate::session::{Session, StatementResult};
use crate::sql::parse::slave_statements::SlaveStatement;

/// Runs one slave statement.
pub fn run(session: &mut Session, statement: &SlaveStatement) -> StatementResult {
    let state = Arc::clone(&session.state);
    let notes = match statement {
        SlaveStatement::ChangeMaster {
            connection,
            options,
            mysql_only,
        } => {
            if let Some(error) = mysql_only.as_ref().filter(|_| !mysql_flavor(session)) {
                return Err(error.clone());
            }
            control::check_connection(connection)?;
            control::change_master(&state, options)?
        }
        SlaveStatement::Start {
            connection,
            threads,
            until,
        } => {
            control::check_connection(connection)?;
            session
                .thread
                .set_state("Waiting for slave thread to start");
            let started = control::start(&state, *threads, until.as_ref());
            session.thread.end_wait();
            started?
        }
        SlaveStatement::Stop {
            connection,
            threads,
        } => {
            control::check_connection(connection)?;
            control::request_stop(&state, *threads);
            session.thread.set_state("Killing slave");
            let notes = control::stop(&state, *threads);
            session.thread.end_wait();
            notes
        }
        SlaveStatement::Reset { connection, all } => {
            control::check_connection(connection)?;
            control::reset(&state, *all)?
        }
        SlaveStatement::ShowStatus { connection } => {
            control::check_connection(connection)?;
            return Ok(Outcome::Rows(status::result(
                &state.slave,
                &context(session),
                false,
            )));
        }
        SlaveStatement::ShowAllStatus => {
            return Ok(Outcome::Rows(status::result(
                &state.slave,
                &context(session),
                true,
            )));
        }
        SlaveStatement::ShowRelaylogEvents {
            connection,
            file,
            from,
            offset,
            count,
        } => {
            control::check_connection(connection)?;
            return relaylog_events(session, file.as_deref(), *from, *offset, *count);
        }
    };
    for (code, message) in notes {
        session.warn(Condition {
            level: errors::level_of(code),
            code,
            message,
        });
    }
    ok(0)
}

fn mysql_flavor(session: &Session) -> bool {
    session.state.config.flavor == crate::server::config::Flavor::MySql
}

/// The globals a SHOW SLAVE STATUS row shows.
fn context(session: &Session) -> status::Context {
    let globals = &session.state.globals;
    let text = |name: &str| {
        globals
            .global(name)
            .map(|s| s.as_text().to_string())
            .unwrap_or_default()
    };
    let number = |name: &str| globals.global(name).map_or(0, |s| s.as_u64());
    let max_relay = match number("max_relay_log_size") {
        0 => number("max_binlog_size"),
        n => n,
    };
    status::Context {
        parallel_mode: text("slave_parallel_mode"),
        max_relay_log_size: max_relay,
        gtid_slave_pos: crate::replication::slave::waits::gtid_slave_pos(&session.state),
        pending_skip_counter: number("sql_slave_skip_counter"),
        filters: crate::replication::filter::VARIABLES.map(text),
    }
}

/// SHOW RELAYLOG EVENTS, as SHOW BINLOG EVENTS over the relay log files.
fn relaylog_events(
    session: &Session,
    file: Option<&str>,
    from: u64,
    offset: usize,
    count: Option<usize>,
) -> StatementResult {
    let relay = session.state.slave.relay_log.lock().unwrap();
    let Some(relay) = relay.as_ref() else {
        return super::binlog::no_events();
    };
    let name = file.map_or_else(|| relay.first(), str::to_string);
    super::binlog::event_listing(&name, relay.read(&name), from, offset, count)
}
