//! Applying one event group in the SQL thread's own session: before each
//! statement the session takes on the master's settings from the Query
//! event (database, timestamp, pseudo thread id, sql_mode, charsets,
//! auto-increment, time zone) and the values of the Intvar, Rand and
//! User_var events before it; a Gtid event opens a transaction (BEGIN)
//! unless standalone; at the end the group's GTID row goes into
//! mysql.gtid_slave_pos inside the same transaction, which then commits.
//! Table_map and rows events apply through `rows::apply` in the same
//! transaction.
//! A [`Group`] enters; the session's tables change and a GTID comes back,
//! or the statement's error with the group rolled back.

use super::collect::{Group, Read, is_end_word};
use super::decode::{Body, GtidEvent, Header, QueryEvent, UserVar, UserVarValue};
use super::errors::SqlFailure;
use super::rows::apply::{self as rows, TableMaps};
use super::slave_pos::{self, PosRow};
use super::slave_pos_cleanup;
use crate::binlog::gtid::Gtid;
use crate::error::ServerError;
use crate::session::Session;
use crate::sql::eval::VarScope;
use crate::sql::value::Value;
use crate::sysvars::{SetValue, charsets};

/// Intvar event kinds.
const LAST_INSERT_ID: u8 = 1;
const INSERT_ID: u8 = 2;

/// OPTION_* bits of a Query event's flags2 the slave session follows.
const OPTION_AUTO_IS_NULL: u32 = 0x0000_4000;
const OPTION_NO_FOREIGN_KEY_CHECKS: u32 = 0x0400_0000;
const OPTION_RELAXED_UNIQUE_CHECKS: u32 = 0x0800_0000;

/// Why a group failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupError {
    /// A statement failed: its error, the database it ran in, its text.
    Statement {
        error: ServerError,
        db: String,
        query: String,
    },
    /// An event of a type this server cannot apply.
    Unsupported(u8),
    /// A row of a rows event failed: its error, the event type, `db.table`
    /// and the event's end in the master's binlog.
    Row {
        error: ServerError,
        event: u8,
        table: String,
        log_pos: u32,
    },
    /// The group stops with this failure as worded.
    Failed(SqlFailure),
}

impl GroupError {
    /// The MariaDB error code, for the retry rule.
    pub fn code(&self) -> u16 {
        match self {
            GroupError::Statement { error, .. } => error.code,
            GroupError::Unsupported(_) => 1235,
            GroupError::Row { error, .. } => error.code,
            GroupError::Failed(f) => u16::try_from(f.code).unwrap_or(u16::MAX),
        }
    }
}

/// How the group's transaction ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Commit,
    Rollback,
}

/// Called when a group's changes are made and it is about to commit; an
/// error rolls the group back (a parallel slave waits here for the prior commit).
pub type CommitGate<'a> = &'a mut dyn FnMut(&mut Session) -> Result<(), GroupError>;

/// Applies `group` in `session`, passing `gate` before the commit; the
/// GTID it recorded, if it had one.
pub fn apply_group_gated(
    session: &mut Session,
    group: &Group,
    sub_id: &mut u64,
    gate: CommitGate,
) -> Result<Option<Gtid>, GroupError> {
    let result = run_group(session, group, sub_id, gate);
    if result.is_err() {
        abandon(session);
    }
    session.binlog_cache.origin = None;
    result
}

/// Rolls back the group being applied, which failed or stops half way.
pub fn abandon(session: &mut Session) {
    let _ = slave_pos::run(session, "ROLLBACK");
    session.explicit_txn = false;
    session.binlog_cache.origin = None;
}

fn run_group(
    session: &mut Session,
    group: &Group,
    sub_id: &mut u64,
    gate: CommitGate,
) -> Result<Option<Gtid>, GroupError> {
    let mut applying = Applying::begin(session, group.gtid)?;
    for read in &group.events {
        applying.event(session, read)?;
    }
    applying.finish(session, group, sub_id, gate)
}

/// A group applied event by event, as its events arrive: what the events
/// so far leave for its end.
#[derive(Default)]
pub struct Applying {
    transaction: bool,
    ending: Option<Ending>,
    maps: TableMaps,
}

impl Applying {
    /// Opens the group: a Gtid event that is not standalone opens a transaction.
    pub fn begin(session: &mut Session, gtid: Option<GtidEvent>) -> Result<Applying, GroupError> {
        let transaction = gtid.is_some_and(|g| !g.standalone());
        if let Some(g) = gtid {
            session.binlog_cache.origin = Some(g.gtid);
            if transaction {
                statement(session, "", "BEGIN")?;
            }
        }
        Ok(Applying {
            transaction,
            ..Applying::default()
        })
    }

    /// Applies one event of the group.
    pub fn event(&mut self, session: &mut Session, read: &Read) -> Result<(), GroupError> {
        match &read.event.body {
            Body::Intvar { kind, value } => intvar(session, *kind, *value),
            Body::Rand { seed1, seed2 } => rand(session, *seed1, *seed2),
            Body::UserVar(v) => user_var(session, v),
            Body::Query(q) => {
                if let Some(end) = query(session, &read.event.header, q, self.transaction)? {
                    self.ending = Some(end);
                }
            }
            Body::TableMap(map) => self.maps.insert(map.clone()),
            Body::Rows(event) => rows::apply(session, &mut self.maps, &read.event.header, event)?,
            Body::Unsupported(code) => return Err(GroupError::Unsupported(*code)),
            _ => {}
        }
        Ok(())
    }

    /// Ends the group after its last event: `gate`, then the GTID row and COMMIT.
    pub fn finish(
        self,
        session: &mut Session,
        group: &Group,
        sub_id: &mut u64,
        gate: CommitGate,
    ) -> Result<Option<Gtid>, GroupError> {
        gate(session)?;
        let ending = self.ending.unwrap_or(Ending::Commit);
        finish(session, group, self.transaction, ending, sub_id)
    }
}

/// Ends the group: the GTID row and COMMIT, or ROLLBACK then the row on its own.
fn finish(
    session: &mut Session,
    group: &Group,
    transaction: bool,
    ending: Ending,
    sub_id: &mut u64,
) -> Result<Option<Gtid>, GroupError> {
    let Some(g) = group.gtid else {
        if session.explicit_txn {
            statement(session, "", "COMMIT")?;
        }
        return Ok(None);
    };
    if transaction && ending == Ending::Rollback {
        statement(session, "", "ROLLBACK")?;
    }
    let row = PosRow {
        gtid: g.gtid,
        sub_id: *sub_id,
    };
    record(session, g.gtid, row.sub_id)?;
    *sub_id += 1;
    if transaction && ending == Ending::Commit {
        statement(session, "", "COMMIT")?;
    }
    // Committed: a later cleanup may delete the row once superseded.
    slave_pos_cleanup::note_committed(&session.state, row);
    Ok(Some(g.gtid))
}

/// Inserts the GTID row, creating the table once if the server lacks it.
pub fn record(session: &mut Session, gtid: Gtid, sub_id: u64) -> Result<(), GroupError> {
    let fail = |error: ServerError| GroupError::Statement {
        error,
        db: String::new(),
        query: "INSERT INTO mysql.gtid_slave_pos".to_string(),
    };
    match slave_pos::insert_row(session, sub_id, gtid) {
        Err(e) if e.code == 1146 => {
            slave_pos::ensure_table(session).map_err(fail)?;
            slave_pos::insert_row(session, sub_id, gtid).map_err(fail)
        }
        other => other.map_err(fail),
    }
}

/// Runs one Query event; Some(ending) when it is the group's COMMIT/ROLLBACK.
fn query(
    session: &mut Session,
    header: &Header,
    q: &QueryEvent,
    transaction: bool,
) -> Result<Option<Ending>, GroupError> {
    let text = String::from_utf8_lossy(&q.text).into_owned();
    let trimmed = text.trim();
    if transaction && trimmed.eq_ignore_ascii_case("BEGIN") {
        return Ok(None);
    }
    if transaction && is_end_word(trimmed) {
        let ending = if trimmed.eq_ignore_ascii_case("COMMIT") {
            Ending::Commit
        } else {
            Ending::Rollback
        };
        return Ok(Some(ending));
    }
    take_settings(session, header, q);
    if filtered(session, &text, &q.db) {
        return Ok(None);
    }
    let result = slave_pos::run(session, &text);
    set(session, "insert_id", Value::UInt(0));
    match result {
        // The master logged the statement with this error: the slave expects the same.
        Err(e) if q.error_code != 0 && e.code == q.error_code => Ok(None),
        Err(error) => Err(GroupError::Statement {
            error,
            db: q.db.clone(),
            query: text,
        }),
        Ok(_) => Ok(None),
    }
}

/// The replicate_* rules pass over the statement (one that does not
/// parse is run, to fail as on the master).
fn filtered(session: &Session, text: &str, db: &str) -> bool {
    let filters = crate::replication::filter::current(&session.state);
    if filters == crate::replication::filter::Filters::default() {
        return false;
    }
    let pieces = crate::sql::parse::split_statements(text);
    let Some(Ok(statement)) = pieces.first().map(crate::sql::parse::parse_statement) else {
        return false;
    };
    crate::replication::filter::skips(&filters, db, &statement)
}

/// Runs a statement the SQL thread adds itself (BEGIN, COMMIT, ROLLBACK).
fn statement(session: &mut Session, db: &str, sql: &str) -> Result<(), GroupError> {
    slave_pos::run(session, sql)
        .map(|_| ())
        .map_err(|error| GroupError::Statement {
            error,
            db: db.to_string(),
            query: sql.to_string(),
        })
}

/// The master's session settings for the statement of `q`.
fn take_settings(session: &mut Session, header: &Header, q: &QueryEvent) {
    // A `use` the master suppressed (CREATE DATABASE) still names the database.
    session.set_db((!q.db.is_empty()).then(|| q.db.clone()));
    let micros = q.status.microseconds.unwrap_or(0);
    let ts = f64::from(header.timestamp) + f64::from(micros) / 1_000_000.0;
    set(session, "timestamp", Value::Double(ts));
    set(
        session,
        "pseudo_thread_id",
        Value::UInt(u64::from(q.thread_id)),
    );
    if let Some(flags2) = q.status.flags2 {
        take_flags2(session, flags2);
    }
    if let Some(bits) = q.status.sql_mode {
        set(session, "sql_mode", Value::text(&sql_mode_names(bits)));
    }
    if let Some((increment, offset)) = q.status.auto_increment {
        set(
            session,
            "auto_increment_increment",
            Value::UInt(increment.into()),
        );
        set(session, "auto_increment_offset", Value::UInt(offset.into()));
    }
    if let Some(ids) = q.status.charsets {
        take_charsets(session, ids);
    }
    // The master's zone when its statement read times through one, else ours.
    match &q.status.time_zone {
        Some(zone) => set(session, "time_zone", Value::text(zone)),
        None => {
            let state = std::sync::Arc::clone(&session.state);
            let ours = state
                .globals
                .get(&session.vars, VarScope::Global, "time_zone")
                .unwrap_or_else(|_| Value::text("SYSTEM"));
            set(session, "time_zone", ours);
        }
    }
    if let Some(name) = q
        .status
        .charset_database
        .and_then(charsets::collation_by_id)
    {
        set(session, "collation_database", Value::text(name));
    }
}

fn take_flags2(session: &mut Session, flags2: u32) {
    let on = |bit: u32| Value::Int(i64::from(flags2 & bit != 0));
    let off = |bit: u32| Value::Int(i64::from(flags2 & bit == 0));
    set(session, "sql_auto_is_null", on(OPTION_AUTO_IS_NULL));
    set(
        session,
        "foreign_key_checks",
        off(OPTION_NO_FOREIGN_KEY_CHECKS),
    );
    set(session, "unique_checks", off(OPTION_RELAXED_UNIQUE_CHECKS));
}

fn take_charsets(session: &mut Session, ids: [u16; 3]) {
    if let Some(client) = charsets::charset_of_id(ids[0]) {
        set(session, "character_set_client", Value::text(client));
    }
    if let Some(connection) = charsets::collation_by_id(ids[1]) {
        set(session, "collation_connection", Value::text(connection));
    }
    if let Some(server) = charsets::collation_by_id(ids[2]) {
        set(session, "collation_server", Value::text(server));
    }
}

/// `sql_mode` bits as the names SET accepts.
pub fn sql_mode_names(bits: u64) -> String {
    use crate::sysvars::def::Kind;
    let Some(Kind::Set(names)) = crate::sysvars::catalog::lookup("sql_mode").map(|d| &d.kind)
    else {
        return String::new();
    };
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 64 && bits & (1 << i) != 0)
        .map(|(_, n)| n.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn intvar(session: &mut Session, kind: u8, value: u64) {
    match kind {
        LAST_INSERT_ID => session.last_insert_id = value,
        INSERT_ID => set(session, "insert_id", Value::UInt(value)),
        _ => {}
    }
}

fn rand(session: &mut Session, seed1: u64, seed2: u64) {
    set(session, "rand_seed1", Value::UInt(seed1));
    set(session, "rand_seed2", Value::UInt(seed2));
}

fn user_var(session: &mut Session, v: &UserVar) {
    let value = match &v.value {
        None => Value::Null,
        Some(UserVarValue::String { bytes, .. }) => Value::Bytes(bytes.clone()),
        Some(UserVarValue::Real(r)) => Value::Double(*r),
        Some(UserVarValue::Int {
            value,
            unsigned: true,
        }) => Value::UInt(*value as u64),
        Some(UserVarValue::Int { value, .. }) => Value::Int(*value),
        Some(UserVarValue::Decimal(text)) => crate::sql::value::Decimal::parse(text)
            .map_or_else(|| Value::text(text), Value::Decimal),
    };
    session.user_vars.insert(v.name.to_ascii_lowercase(), value);
}

/// Sets a session variable as SET would; one this server lacks is passed over.
fn set(session: &mut Session, name: &str, value: Value) {
    let state = std::sync::Arc::clone(&session.state);
    let _ = state.globals.set(
        &mut session.vars,
        VarScope::Session,
        name,
        SetValue::Value(value),
    );
}
