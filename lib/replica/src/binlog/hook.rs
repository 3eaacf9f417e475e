//! What a session writes to the binary log. Statement-based as MariaDB's
//! MIXED default does for plain statements: DDL at statement end as a
//! standalone group; DML into the session's cache, written as one group
//! (ended by Xid for transactional changes, else by a COMMIT query) when
//! the transaction commits; when it rolls back, dropped unless it changed
//! non-transactional tables (then ended by ROLLBACK). `sql_log_bin=0`
//! writes nothing. Row-based under BINLOG_FORMAT = ROW for every row
//! change, and under MIXED for unsafe ones: the transaction records the
//! statement's row changes and they join the cache as row events
//! (`rows`) instead of the statement's text.

use std::sync::Arc;

use sqlparser::ast::{ObjectType, Statement as Ast};

use super::event::{self, Event, QueryContext, flag};
use super::files::{group_flags, now};
use super::gtid::Gtid;
use super::{rows, unsafe_statements};
use crate::error::ServerResult;
use crate::session::Session;
use crate::sql::parse::{AccountStatement, Extra, Statement};
use crate::storage::RowChange;
use crate::storage::schema::TableDef;
use crate::sysvars::catalog::lookup;
use crate::sysvars::charsets::{collation_id, default_collation_id};
use crate::sysvars::def::Kind;

/// The statements of the open transaction, not yet written.
#[derive(Debug, Default)]
pub struct TxnCache {
    events: Vec<Event>,
    /// Transactional row changes already accounted for by cached statements.
    changes_seen: usize,
    /// Positions of the cached SAVEPOINT / ROLLBACK TO events: a group
    /// of only those changed nothing and is not written.
    markers: Vec<usize>,
    /// The seeds RAND() started from in the running statement, for the
    /// Rand event logged before it.
    pub rand_seeds: Option<(u64, u64)>,
    /// The first AUTO_INCREMENT value the running statement generated,
    /// for the Intvar INSERT_ID event logged before it.
    pub insert_id: Option<u64>,
    /// The running statement converted times through the session's zone,
    /// so its Query event names the zone.
    pub time_zone_used: bool,
    /// A replicated group's original GTID: the SQL thread sets it so that
    /// the group is logged as its origin wrote it (log_slave_updates).
    pub origin: Option<Gtid>,
    /// The names of the running DROP TABLE that were temporary tables:
    /// MariaDB logs them apart, as a DROP TEMPORARY TABLE of their own.
    pub dropped_temporary: Vec<(String, String)>,
}

/// How a statement is logged.
enum Logged {
    /// A DDL statement: its own group; `db` overrides the `use` database.
    Ddl {
        db: Option<String>,
        text: String,
        xid: bool,
        flags: u16,
    },
    /// A change to rows: into the transaction's group.
    Dml,
    /// DDL logged as several groups, in order.
    Several(Vec<Logged>),
}

/// After a statement succeeded: logs DDL now, caches DML (as its text
/// or its row events) for the commit. A row change no row event can
/// carry fails the statement with 1235.
pub fn after_statement(
    session: &mut Session,
    text: &str,
    statement: &Statement,
) -> ServerResult<()> {
    let row_logged = session.txn.row_changes.is_recording();
    let changes = session.txn.row_changes.take();
    if session.state.binlog.is_none() || !session.vars.sql_log_bin() {
        return Ok(());
    }
    if let Some(def) = row_logged
        .then(|| created_by_select(session, statement))
        .flatten()
    {
        return log_create_select(session, text.trim(), &def, &changes);
    }
    match classify(session, text.trim(), statement) {
        Some(logged) => write_logged(session, text, statement, logged, row_logged, &changes),
        None if row_logged => log_rows(session, text.trim(), &changes),
        None => Ok(()),
    }
}

/// Writes what `classify` decided, each part of a `Several` in turn; a
/// row change recorded for row logging goes as row events.
fn write_logged(
    session: &mut Session,
    text: &str,
    statement: &Statement,
    logged: Logged,
    row_logged: bool,
    changes: &[RowChange],
) -> ServerResult<()> {
    match logged {
        Logged::Dml if row_logged => log_rows(session, text.trim(), changes)?,
        Logged::Dml => {
            warn_if_unsafe(session, statement);
            log_dml(session, text.trim())
        }
        Logged::Ddl {
            db, text, flags, ..
        } if flags & flag::THREAD_SPECIFIC != 0 && session.explicit_txn => {
            cache_temporary(session, db, &text, flags)
        }
        Logged::Ddl {
            db,
            text,
            xid,
            flags,
        } => log_ddl(session, db, &text, xid, flags),
        Logged::Several(all) => {
            for logged in all {
                write_logged(session, text, statement, logged, row_logged, changes)?;
            }
        }
    }
    Ok(())
}

/// Before a statement runs: the transaction records its row changes
/// when it is logged as rows, which is every statement under
/// BINLOG_FORMAT = ROW and an unsafe row change under MIXED.
pub fn before_statement(session: &mut Session, statement: &Statement) -> ServerResult<()> {
    let on = rows_logged(session, statement);
    session.txn.row_changes.start(on);
    Ok(())
}

/// Whether `statement`'s row changes are logged as row events.
fn rows_logged(session: &Session, statement: &Statement) -> bool {
    if session.state.binlog.is_none() || !session.vars.sql_log_bin() {
        return false;
    }
    let format = session.vars.binlog_format();
    if format.eq_ignore_ascii_case("ROW") {
        return true;
    }
    if !format.eq_ignore_ascii_case("MIXED") {
        return false;
    }
    let Statement::Sql(ast) = statement else {
        return false;
    };
    matches!(&**ast, Ast::Insert(_) | Ast::Update(_) | Ast::Delete(_))
        && !unsafe_statements::reasons(ast, unsafe_context(session, ast)).is_empty()
}

/// A row-logged statement's events join the transaction's group as a
/// statement's text would (see `log_dml`); a statement that changed no
/// logged row adds nothing.
fn log_rows(session: &mut Session, text: &str, changes: &[RowChange]) -> ServerResult<()> {
    let events = row_events(session, text, changes)?;
    if !events.is_empty() {
        cache_statement(session, events);
    }
    Ok(())
}

/// The rows a slave applied from one statement's rows events, logged as
/// row events (log_slave_updates), without an Annotate_rows of their own.
pub fn log_applied_rows(session: &mut Session, changes: &[RowChange]) -> ServerResult<()> {
    if session.state.binlog.is_none() || !session.vars.sql_log_bin() {
        return Ok(());
    }
    log_rows(session, "", changes)
}

/// The row events of a statement's changes; 1235 for a value none can carry.
fn row_events(session: &Session, text: &str, changes: &[RowChange]) -> ServerResult<Vec<Event>> {
    let facts = rows::StatementFacts {
        timestamp: session.query_start.statement_time().seconds,
        text,
        annotate: !text.is_empty()
            && session
                .vars
                .setting("binlog_annotate_row_events")
                .is_none_or(|s| s.as_bool()),
        utc_offset: utc_offset(session.vars.time_zone()),
    };
    rows::statement_events(facts, changes).map_err(|r| {
        crate::session::not_supported(&format!(
            "row-based logging of the value of column {}.{}",
            r.table, r.column
        ))
    })
}

/// The table a CREATE TABLE … SELECT made (not a temporary one).
fn created_by_select(session: &Session, statement: &Statement) -> Option<Arc<TableDef>> {
    let Statement::Sql(ast) = statement else {
        return None;
    };
    let Ast::CreateTable(create) = ast.as_ref() else {
        return None;
    };
    if create.query.is_none() || create.temporary {
        return None;
    }
    let (schema, table) = crate::sql::exec::names::qualified(session, &create.name).ok()?;
    Some(session.state.storage.table(&schema, &table).ok()?.def())
}

/// CREATE TABLE … SELECT logged as rows: the regenerated CREATE TABLE
/// and the inserted rows in one group (see `create_select`), after the
/// implicit commit of what came before.
fn log_create_select(
    session: &mut Session,
    text: &str,
    def: &TableDef,
    changes: &[RowChange],
) -> ServerResult<()> {
    write_cached(session, true);
    let context = context(session, session.db.clone(), None);
    let time = session.query_start.statement_time();
    let create = super::create_select::logged_create(def, text, session.db.as_deref());
    let mut events = vec![event::query_at(time, 0, &context, &create)];
    events.extend(row_events(session, text, changes)?);
    let transactional = changes.iter().any(|c| c.table.engine.is_transactional());
    session.binlog_cache.events = events;
    // MariaDB flags the group DDL, never standalone or transactional.
    let flags = super::event::gtid_flag::DDL | super::event::gtid_flag::ALLOW_PARALLEL;
    write_flagged(session, transactional, "COMMIT", flags);
    Ok(())
}

/// A `time_zone` of the form `+HH:MM` in seconds east of UTC; else 0 (replica keeps SYSTEM time in UTC).
fn utc_offset(zone: &str) -> i64 {
    let sign = match zone.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return 0,
    };
    let Some((h, m)) = zone[1..].split_once(':') else {
        return 0;
    };
    match (h.trim().parse::<i64>(), m.trim().parse::<i64>()) {
        (Ok(h), Ok(m)) => sign * (h * 3600 + m * 60),
        _ => 0,
    }
}

/// Under BINLOG_FORMAT = STATEMENT, a Note 1592 for each reason the
/// statement may replicate differently (before `log_dml` counts its changes).
fn warn_if_unsafe(session: &mut Session, statement: &Statement) {
    let Statement::Sql(ast) = statement else {
        return;
    };
    if !session
        .vars
        .binlog_format()
        .eq_ignore_ascii_case("STATEMENT")
    {
        return;
    }
    for reason in unsafe_statements::reasons(ast, unsafe_context(session, ast)) {
        session.warn(reason.note());
    }
}

/// What the transaction did before `ast`, for judging whether it is unsafe.
fn unsafe_context(session: &Session, ast: &Ast) -> unsafe_statements::Context {
    unsafe_statements::Context {
        in_transaction: session.explicit_txn || !session.vars.autocommit(),
        // Written directly, the statement is not ordered after the transaction's.
        wrote_transactional: session.binlog_cache.changes_seen > 0
            && !session.vars.binlog_direct_non_transactional_updates(),
        writes_only_non_transactional: writes_only_non_transactional(session, ast),
        unsafe_default: inserts_unsafe_default(session, ast),
    }
}

/// An INSERT into a table one of whose DEFAULT expressions is unsafe.
fn inserts_unsafe_default(session: &Session, ast: &Ast) -> bool {
    let Ast::Insert(insert) = ast else {
        return false;
    };
    let sqlparser::ast::TableObject::TableName(name) = &insert.table else {
        return false;
    };
    let Ok((schema, table)) = crate::sql::exec::names::qualified(session, name) else {
        return false;
    };
    let Ok(table) = session.state.storage.table(&schema, &table) else {
        return false;
    };
    table.def().columns.iter().any(|c| match &c.default {
        Some(crate::storage::schema::ColumnDefault::Expr(text)) => {
            unsafe_statements::default_is_unsafe(text)
        }
        _ => false,
    })
}

/// The statement's one target is a non-transactional table of the catalog.
fn writes_only_non_transactional(session: &Session, ast: &Ast) -> bool {
    let Some(name) = unsafe_statements::sole_target(ast) else {
        return false;
    };
    let Ok((schema, table)) = crate::sql::exec::names::qualified(session, name) else {
        return false;
    };
    if session.temp_table(&schema, &table).is_some() {
        return false;
    }
    session
        .state
        .storage
        .table(&schema, &table)
        .is_ok_and(|t| !t.def().engine.is_transactional())
}

/// A row change joins the transaction's group; one that changed only
/// non-transactional tables cannot be undone, so it is written at once
/// as a group of its own (as MariaDB does inside a transaction), unless
/// transactional changes came before it: then it waits in the group,
/// except under binlog_direct_non_transactional_updates and STATEMENT.
fn log_dml(session: &mut Session, text: &str) {
    let context = context(session, session.db.clone(), None);
    let time = session.query_start.statement_time();
    let insert_id = session.binlog_cache.insert_id.take();
    let mut logged: Vec<Event> = insert_id
        .map(|id| event::intvar(time.seconds, event::INSERT_ID, id))
        .into_iter()
        .collect();
    logged.extend(
        session
            .binlog_cache
            .rand_seeds
            .take()
            .map(|(seed1, seed2)| event::rand(time.seconds, seed1, seed2)),
    );
    logged.push(event::query_at(time, 0, &context, text));
    cache_statement(session, logged);
}

/// Puts one statement's events in the transaction's group, or writes
/// them at once as their own group (see `log_dml`).
fn cache_statement(session: &mut Session, logged: Vec<Event>) {
    let changes = session.txn.change_count();
    let had_transactional = session.binlog_cache.changes_seen > 0;
    let grew = changes > session.binlog_cache.changes_seen;
    session.binlog_cache.changes_seen = changes;
    let direct = session.vars.binlog_direct_non_transactional_updates()
        && session
            .vars
            .binlog_format()
            .eq_ignore_ascii_case("STATEMENT");
    if !grew && (direct || !had_transactional) && session.txn.non_transactional_changed() {
        let held = std::mem::take(&mut session.binlog_cache.events);
        let held_markers = std::mem::take(&mut session.binlog_cache.markers);
        session.binlog_cache.events.extend(logged);
        write_cached(session, false);
        session.binlog_cache.events = held;
        session.binlog_cache.markers = held_markers;
        session.binlog_cache.changes_seen = changes;
    } else {
        session.binlog_cache.events.extend(logged);
    }
}

/// Before the transaction commits: writes its cached statements as a group.
pub fn before_commit(session: &mut Session) {
    let transactional = session.txn.has_changes();
    write_cached(session, transactional);
}

/// ROLLBACK: a transaction that changed non-transactional tables is
/// written anyway, ending in ROLLBACK, so that the slaves make the same
/// lasting changes; any other is dropped.
pub fn rollback(session: &mut Session, non_transactional_changed: bool) {
    let cache = &session.binlog_cache;
    if non_transactional_changed && cache.events.len() > cache.markers.len() {
        write_ended(session, false, "ROLLBACK");
    }
    discard(session);
}

/// The transaction rolled back: its statements are not logged.
pub fn discard(session: &mut Session) {
    session.binlog_cache.events.clear();
    session.binlog_cache.changes_seen = 0;
    session.binlog_cache.markers.clear();
}

/// SAVEPOINT inside a transaction joins its group; returns the cache
/// position ROLLBACK TO that savepoint truncates to.
pub fn savepoint(session: &mut Session, name: &str) -> usize {
    cache_marker(session, &format!("SAVEPOINT {}", quoted(name)));
    session.binlog_cache.events.len()
}

/// ROLLBACK TO SAVEPOINT: when non-transactional tables changed, the
/// slave must undo the same statements, so it is logged; otherwise the
/// statements since the savepoint are simply dropped from the group.
pub fn rollback_to_savepoint(session: &mut Session, name: &str, mark: usize) {
    if session.txn.non_transactional_changed() {
        cache_marker(session, &format!("ROLLBACK TO {}", quoted(name)));
        return;
    }
    let cache = &mut session.binlog_cache;
    if mark < cache.events.len() {
        cache.events.truncate(mark);
        cache.markers.retain(|&at| at < mark);
        cache.changes_seen = session.txn.change_count();
    }
}

fn cache_marker(session: &mut Session, text: &str) {
    if session.state.binlog.is_none() || !session.vars.sql_log_bin() {
        return;
    }
    let context = context(session, session.db.clone(), None);
    let e = event::query(now(), flag::SUPPRESS_USE, &context, text);
    let cache = &mut session.binlog_cache;
    cache.markers.push(cache.events.len());
    cache.events.push(e);
}

/// A name as MariaDB quotes it in the statements it writes.
fn quoted(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

fn write_cached(session: &mut Session, transactional: bool) {
    write_ended(session, transactional, "COMMIT");
}

/// Writes the cached group, ended by an Xid when `transactional`, else
/// by the query `end`.
fn write_ended(session: &mut Session, transactional: bool, end: &str) {
    write_flagged(
        session,
        transactional,
        end,
        group_flags(false, transactional),
    );
}

/// [`write_ended`] under the GTID event flags `flags`.
fn write_flagged(session: &mut Session, transactional: bool, end: &str, flags: u8) {
    let mut events = std::mem::take(&mut session.binlog_cache.events);
    session.binlog_cache.changes_seen = 0;
    let only_markers = events.len() <= std::mem::take(&mut session.binlog_cache.markers).len();
    let Some(log) = session.state.binlog.as_ref() else {
        return;
    };
    if only_markers {
        return;
    }
    if transactional {
        events.push(event::xid(now(), log.next_xid()));
    } else {
        let context = context(session, session.db.clone(), None);
        events.push(event::query(now(), flag::SUPPRESS_USE, &context, end));
    }
    // DEBUG_SYNC points of MariaDB's group commit; the commit goes on
    // after a kill during their waits, which later checks report.
    let _ = crate::debug::sync::hit(session, "commit_after_release_LOCK_prepare_ordered");
    let Some(log) = session.state.binlog.as_ref() else {
        return;
    };
    let _ = write_group(session, log, flags, events);
    log.publish(&session.state.globals);
    let _ = crate::debug::sync::hit(session, "commit_after_release_LOCK_log");
    let _ = crate::debug::sync::hit(session, "commit_before_get_LOCK_commit_ordered");
}

/// CREATE or DROP TEMPORARY TABLE inside a transaction commits nothing:
/// it joins the transaction's group, as in MariaDB.
fn cache_temporary(session: &mut Session, db: Option<String>, text: &str, flags: u16) {
    let context = context(session, db.or_else(|| session.db.clone()), None);
    let e = event::query_at(session.query_start.statement_time(), flags, &context, text);
    session.binlog_cache.events.push(e);
}

fn log_ddl(session: &mut Session, db: Option<String>, text: &str, xid: bool, flags: u16) {
    // An implicit commit already ended the open transaction.
    write_cached(session, true);
    let Some(log) = session.state.binlog.as_ref() else {
        return;
    };
    let xid = xid.then(|| log.next_xid());
    let context = context(session, db.or_else(|| session.db.clone()), xid);
    let e = event::query_at(session.query_start.statement_time(), flags, &context, text);
    let _ = write_group(session, log, group_flags(true, false), vec![e]);
    log.publish(&session.state.globals);
}

/// Writes a group under the session's domain and server id, or under
/// the original GTID of a replicated group.
fn write_group(
    session: &Session,
    log: &super::BinaryLog,
    flags: u8,
    events: Vec<Event>,
) -> std::io::Result<Gtid> {
    match session.binlog_cache.origin {
        Some(gtid) => log.write_replicated_group(gtid, flags, events),
        None => log.write_group_in_commit(
            session.vars.gtid_domain_id() as u32,
            session.vars.server_id() as u32,
            flags,
            forced_commit_id(session),
            events,
        ),
    }
}

/// debug_dbug `binlog_force_commit_id`: the group's Gtid event carries
/// `@commit_id` as its commit id (none when it is 0 or unset).
fn forced_commit_id(session: &Session) -> Option<u64> {
    if !crate::debug::dbug::keyword(session, "binlog_force_commit_id") {
        return None;
    }
    let value = session.user_vars.get("commit_id")?;
    let id = crate::sql::value::convert::to_i64(value, &mut |_| {})?;
    (id != 0).then_some(id as u64)
}

/// How `statement` is logged, if at all.
fn classify(session: &Session, text: &str, statement: &Statement) -> Option<Logged> {
    let ddl = |text: &str| Logged::Ddl {
        db: None,
        text: text.to_string(),
        xid: true,
        flags: 0,
    };
    match statement {
        Statement::Extra(Extra::AlterEngine { .. }) => Some(ddl(text)),
        Statement::Extra(Extra::Program(program)) => {
            crate::sql::routines::logged_text(session, program, text).map(|t| ddl(&t))
        }
        Statement::Extra(Extra::TableAdmin { local: false, .. }) => Some(Logged::Ddl {
            db: None,
            text: text.to_string(),
            xid: false,
            flags: 0,
        }),
        // Account statements are logged as written, each its own group.
        Statement::Extra(Extra::Account(
            AccountStatement::ShowGrants { .. } | AccountStatement::Shutdown,
        )) => None,
        Statement::Extra(Extra::Account(_)) => Some(ddl(text)),
        Statement::Extra(_) => None,
        Statement::Sql(ast) => match ast.as_ref() {
            Ast::Insert(_) | Ast::Update(_) | Ast::Delete(_) => Some(Logged::Dml),
            Ast::CreateTable(c) if c.temporary => {
                temporary_tables_logged(session).then(|| Logged::Ddl {
                    db: None,
                    text: text.to_string(),
                    xid: false,
                    flags: flag::THREAD_SPECIFIC,
                })
            }
            Ast::Truncate { .. } => Some(Logged::Ddl {
                db: None,
                text: text.to_string(),
                xid: false,
                flags: 0,
            }),
            Ast::CreateTable(_)
            | Ast::AlterTable { .. }
            | Ast::CreateIndex(_)
            | Ast::RenameTable(_) => Some(ddl(text)),
            Ast::CreateView(create) => {
                crate::sql::exec::views::logged_text(session, create).map(|t| ddl(&t))
            }
            Ast::CreateDatabase { db_name, .. } => {
                Some(database_ddl(db_name.to_string(), text, false))
            }
            Ast::Drop {
                object_type: ObjectType::Schema | ObjectType::Database,
                names,
                ..
            } => Some(database_ddl(
                names.first().map(|n| n.to_string()).unwrap_or_default(),
                text,
                true,
            )),
            Ast::Drop {
                object_type: ObjectType::Table,
                if_exists,
                names,
                temporary,
                ..
            } => drop_tables(session, *if_exists, names, *temporary),
            Ast::Drop {
                temporary: true, ..
            } => None,
            Ast::Drop { .. } => Some(ddl(text)),
            _ => None,
        },
    }
}

/// Temporary tables live in statements only: row format logs none of them.
fn temporary_tables_logged(session: &Session) -> bool {
    !session.vars.binlog_format().eq_ignore_ascii_case("ROW")
}

/// DROP [TEMPORARY] TABLE: the names that were temporary tables as one
/// DROP TEMPORARY TABLE (none under row format), then the others as one
/// DROP TABLE (none for DROP TEMPORARY).
fn drop_tables(
    session: &Session,
    if_exists: bool,
    names: &[sqlparser::ast::ObjectName],
    temporary: bool,
) -> Option<Logged> {
    let dropped = &session.binlog_cache.dropped_temporary;
    let was_temporary = |name: &sqlparser::ast::ObjectName| {
        crate::sql::exec::names::qualified(session, name).is_ok_and(|n| dropped.contains(&n))
    };
    let (temp, base): (Vec<_>, Vec<_>) = names.iter().cloned().partition(was_temporary);
    let mut logged = Vec::new();
    if !temp.is_empty() && temporary_tables_logged(session) {
        logged.push(drop_temporary(session, if_exists, &temp));
    }
    if !base.is_empty() && !temporary {
        logged.push(drop_table(session, if_exists, &base));
    }
    match logged.len() {
        0 => None,
        1 => logged.pop(),
        _ => Some(Logged::Several(logged)),
    }
}

/// DROP TEMPORARY TABLE as MariaDB rewrites it: with IF EXISTS the names
/// are qualified and no `use` is logged; without, the names are bare.
fn drop_temporary(
    session: &Session,
    if_exists: bool,
    names: &[sqlparser::ast::ObjectName],
) -> Logged {
    let list: Vec<String> = names
        .iter()
        .filter_map(|n| crate::sql::exec::names::qualified(session, n).ok())
        .map(|(schema, table)| match if_exists {
            true => format!("`{schema}`.`{table}`"),
            false => format!("`{table}`"),
        })
        .collect();
    let (if_exists, flags) = match if_exists {
        true => ("IF EXISTS ", flag::THREAD_SPECIFIC | flag::SUPPRESS_USE),
        false => ("", flag::THREAD_SPECIFIC),
    };
    Logged::Ddl {
        db: None,
        text: format!(
            "DROP TEMPORARY TABLE {if_exists}{} /* generated by server */",
            list.join(",")
        ),
        xid: false,
        flags,
    }
}

/// The session ends: its temporary tables are dropped on the slaves too,
/// one DROP per database, newest table first (as MariaDB logs them).
pub fn at_disconnect(session: &mut Session) {
    if session.state.binlog.is_none()
        || !session.vars.sql_log_bin()
        || !temporary_tables_logged(session)
        || session.temp_tables.is_empty()
    {
        return;
    }
    let mut tables: Vec<(u64, String, String)> = session
        .temp_tables
        .iter()
        .map(|((_, _), t)| {
            let def = t.def();
            (t.id(), def.schema.clone(), def.name.clone())
        })
        .collect();
    tables.sort_by_key(|t| std::cmp::Reverse(t.0));
    let mut schemas: Vec<String> = Vec::new();
    for (_, schema, _) in &tables {
        if !schemas.contains(schema) {
            schemas.push(schema.clone());
        }
    }
    for schema in schemas {
        let list: Vec<String> = tables
            .iter()
            .filter(|t| t.1 == schema)
            .map(|t| format!("`{}`", t.2))
            .collect();
        let text = format!(
            "DROP /*!40005 TEMPORARY */ TABLE IF EXISTS {}",
            list.join(",")
        );
        log_ddl(session, Some(schema), &text, false, flag::THREAD_SPECIFIC);
    }
}

/// CREATE/DROP DATABASE name the database without `use`; only DROP,
/// which removes InnoDB tables, carries an xid.
fn database_ddl(name: String, text: &str, xid: bool) -> Logged {
    Logged::Ddl {
        db: Some(name.trim_matches('`').to_string()),
        text: text.to_string(),
        xid,
        flags: flag::SUPPRESS_USE,
    }
}

/// DROP TABLE is logged as the server regenerates it.
fn drop_table(_session: &Session, if_exists: bool, names: &[sqlparser::ast::ObjectName]) -> Logged {
    let list: Vec<String> = names
        .iter()
        .map(|n| {
            n.0.iter()
                .map(|p| format!("`{}`", p.to_string().trim_matches('`')))
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect();
    let if_exists = if if_exists { "IF EXISTS " } else { "" };
    Logged::Ddl {
        db: None,
        text: format!(
            "DROP TABLE {if_exists}{} /* generated by server */",
            list.join(",")
        ),
        xid: true,
        flags: flag::THREAD_SPECIFIC,
    }
}

/// The session facts a Query event carries.
fn context(session: &Session, db: Option<String>, xid: Option<u64>) -> QueryContext {
    let vars = &session.vars;
    let mut flags2 = 0u32;
    if vars
        .setting("explicit_defaults_for_timestamp")
        .is_some_and(|s| s.as_bool())
    {
        flags2 |= 0x0100_0000;
    }
    if !vars.autocommit() {
        flags2 |= 0x0008_0000;
    }
    if !vars.foreign_key_checks() {
        flags2 |= 0x0400_0000;
    }
    if !vars.unique_checks() {
        flags2 |= 0x0800_0000;
    }
    let server = vars
        .setting("collation_server")
        .and_then(|c| collation_id(c.as_text()))
        .unwrap_or(8);
    QueryContext {
        thread_id: vars.pseudo_thread_id() as u32,
        error_code: 0,
        db: db.unwrap_or_default(),
        flags2,
        sql_mode: sql_mode_bits(&vars.sql_mode()),
        charsets: [
            default_collation_id(vars.character_set_client()).unwrap_or(8),
            collation_id(vars.collation_connection()).unwrap_or(8),
            server,
        ],
        xid,
        time_zone: session
            .binlog_cache
            .time_zone_used
            .then(|| vars.time_zone().to_string()),
    }
}

/// `@@sql_mode` as the number the binlog stores: bit i for the i-th mode.
pub fn sql_mode_bits(modes: &[String]) -> u64 {
    let Some(Kind::Set(names)) = lookup("sql_mode").map(|d| &d.kind) else {
        return 0;
    };
    modes
        .iter()
        .filter_map(|m| names.iter().position(|n| n.eq_ignore_ascii_case(m)))
        .fold(0, |bits, i| bits | 1 << i)
}

#[cfg(test)]
mod tests {
    use super::sql_mode_bits;

    #[test]
    fn default_sql_mode_is_the_number_mariadb_logs() {
        // mariadb-binlog prints `SET @@session.sql_mode=1411383296` for 10.11's default.
        let modes = [
            "STRICT_TRANS_TABLES",
            "ERROR_FOR_DIVISION_BY_ZERO",
            "NO_AUTO_CREATE_USER",
            "NO_ENGINE_SUBSTITUTION",
        ]
        .map(String::from);
        assert_eq!(sql_mode_bits(&modes), 1_411_383_296);
        assert_eq!(sql_mode_bits(&[]), 0);
    }
}
