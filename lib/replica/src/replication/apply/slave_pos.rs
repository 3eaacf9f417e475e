//! `@@gtid_slave_pos` and the table behind it, `mysql.gtid_slave_pos`
//! (spec 1.5): the SQL thread inserts one row per applied group inside
//! the group's transaction, and publishes the new position to the
//! channel and the global variable; `SET GLOBAL gtid_slave_pos` rewrites
//! both (and forgets the rows waiting for a cleanup, `slave_pos_cleanup`).
//! SQL runs through the applying session with sql_log_bin off, so
//! nothing here reaches the binary log.

use super::rules::advance;
use super::slave_pos_cleanup;
use crate::binlog::gtid::{Gtid, list_text, parse_list};
use crate::error::{ServerError, ServerResult};
use crate::session::Session;
use crate::session::outcome::Outcome;
use crate::sysvars::Setting;

/// MariaDB 10.11's definition of the table.
const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS mysql.gtid_slave_pos (\
domain_id int(10) unsigned NOT NULL, \
sub_id bigint(20) unsigned NOT NULL, \
server_id int(10) unsigned NOT NULL, \
seq_no bigint(20) unsigned NOT NULL, \
PRIMARY KEY (domain_id,sub_id)) ENGINE=Aria \
COMMENT='Replication slave GTID position'";

/// A group's row in the table: its GTID and the sub_id that orders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PosRow {
    pub gtid: Gtid,
    pub sub_id: u64,
}

/// Runs `sql` in `session` without binary logging; the first error, if any.
pub fn run_unlogged(session: &mut Session, sql: &str) -> ServerResult<Vec<Outcome>> {
    let logged = session.vars.sql_log_bin();
    set_log_bin(session, false);
    let result = run(session, sql);
    set_log_bin(session, logged);
    result
}

/// Runs `sql` in `session`; its results, or the first error.
pub fn run(session: &mut Session, sql: &str) -> ServerResult<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    let mut failure: Option<ServerError> = None;
    let _ = session.run_query(sql.as_bytes(), &mut |result, _| {
        match result {
            Ok(o) => outcomes.push(o),
            Err(e) if failure.is_none() => failure = Some(e),
            Err(_) => {}
        }
        Ok(())
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(outcomes),
    }
}

fn set_log_bin(session: &mut Session, on: bool) {
    session
        .vars
        .set_server_value("sql_log_bin", Setting::Bool(on));
}

/// Creates the table if the server lacks it (and the mysql schema with it).
pub fn ensure_table(session: &mut Session) -> ServerResult<()> {
    run_unlogged(session, "CREATE DATABASE IF NOT EXISTS mysql")?;
    run_unlogged(session, CREATE_TABLE)?;
    Ok(())
}

/// The next free sub_id: one past the largest in the table.
pub fn next_sub_id(session: &mut Session) -> ServerResult<u64> {
    let outcomes = run_unlogged(session, "SELECT MAX(sub_id) FROM mysql.gtid_slave_pos")?;
    let max = outcomes.iter().find_map(|o| match o {
        Outcome::Rows(set) => set.rows.first()?.first()?.as_ref().and_then(|b| {
            std::str::from_utf8(b)
                .ok()
                .and_then(|t| t.parse::<u64>().ok())
        }),
        Outcome::Ok(_) => None,
    });
    Ok(max.unwrap_or(0) + 1)
}

/// Inserts the row of an applied group (in the session's open transaction, if any).
pub fn insert_row(session: &mut Session, sub_id: u64, gtid: Gtid) -> ServerResult<()> {
    let sql = format!(
        "INSERT INTO mysql.gtid_slave_pos (domain_id, sub_id, server_id, seq_no) VALUES ({}, {sub_id}, {}, {})",
        gtid.domain_id, gtid.server_id, gtid.seq_no
    );
    run_unlogged(session, &sql).map(|_| ())
}

/// Makes `gtid` its domain's position in the channel and `@@gtid_slave_pos`.
pub fn publish(session: &Session, gtid: Gtid) -> String {
    let state = &session.state;
    let mut list = state
        .slave
        .gtid_slave_pos
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    advance(&mut list, gtid);
    let text = list_text(&list);
    state
        .globals
        .set_server_value("gtid_slave_pos", Setting::Text(Some(text.clone())));
    text
}

/// SET GLOBAL gtid_slave_pos = `text` (already checked and stored in the
/// globals): the table gets one row per domain, the channel the list.
pub fn assign(session: &mut Session, text: &str) -> ServerResult<()> {
    let list = parse_list(text).unwrap_or_default();
    ensure_table(session)?;
    run_unlogged(session, "DELETE FROM mysql.gtid_slave_pos")?;
    forget_rows(session);
    for (i, gtid) in list.iter().enumerate() {
        let sub_id = i as u64 + 1;
        insert_row(session, sub_id, *gtid)?;
        slave_pos_cleanup::note_committed(
            &session.state,
            PosRow {
                gtid: *gtid,
                sub_id,
            },
        );
    }
    let canonical = list_text(&list);
    *session
        .state
        .slave
        .gtid_slave_pos
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = list;
    session
        .state
        .globals
        .set_server_value("gtid_slave_pos", Setting::Text(Some(canonical)));
    session.state.slave.sql_advanced.notify_all();
    Ok(())
}

/// The table was emptied: none of the rows noted for a cleanup is there.
fn forget_rows(session: &Session) {
    session
        .state
        .slave
        .slave_pos_rows
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .forget();
}
