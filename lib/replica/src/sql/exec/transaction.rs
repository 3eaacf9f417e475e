//! Transactions and the statements around locks: BEGIN, COMMIT, ROLLBACK,
//! the end of every statement (autocommit, statement and deadlock
//! rollback), FLUSH TABLES [WITH READ LOCK], LOCK/UNLOCK TABLES, and the
//! `mtr` schema's procedures that CALL reaches.

use sqlparser::ast::{Function, ObjectName, Statement as Ast};

use super::waits::Waits;
use super::{errors, ok};
use crate::error::{Level, ServerError};
use crate::locks::{TableLockItem, TableLockMode};
use crate::session::{Session, StatementResult, not_supported};
use crate::sql::parse::Statement;

/// Ends a statement: undoes it on error (the whole transaction on a
/// deadlock), and commits it when no transaction is open.
pub fn end_statement(session: &mut Session, statement: &Statement, error: Option<&ServerError>) {
    match error {
        Some(e) if e.code == 1213 => {
            let _ = session.txn.rollback();
            crate::binlog::hook::discard(session);
            session.explicit_txn = false;
        }
        Some(_) => session.txn.rollback_statement(),
        None => {}
    }
    let ends_itself = matches!(statement, Statement::Sql(ast) if matches!(ast.as_ref(), Ast::StartTransaction { .. } | Ast::Commit { .. } | Ast::Rollback { .. }));
    if !ends_itself && !session.explicit_txn && session.vars.autocommit() {
        if session.txn.is_active() {
            passed_commit_lock(session);
        }
        crate::binlog::hook::before_commit(session);
        session.txn.commit();
    }
    let open = session.explicit_txn || (!session.vars.autocommit() && session.txn.is_active());
    if !open {
        release_table_accesses(session);
    }
}

/// The end of a transaction: the tables it used are free for DROP TABLE again.
pub fn release_table_accesses(session: &Session) {
    session.state.locks.release_table_access(session.id());
}

/// BEGIN / START TRANSACTION: commits what is open, then opens a transaction.
pub fn begin(session: &mut Session) -> StatementResult {
    commit_open(session)?;
    session.explicit_txn = true;
    ok(0)
}

/// COMMIT.
pub fn commit(session: &mut Session) -> StatementResult {
    commit_open(session)?;
    ok(0)
}

fn commit_open(session: &mut Session) -> Result<(), ServerError> {
    if session.txn.is_active() {
        let waits = Waits::of(session);
        let conn = session.id();
        let _intent = waits.with_lock(|wait| waits.state.locks.begin_commit(conn, wait))?;
        passed_commit_lock(session);
        crate::binlog::hook::before_commit(session);
        session.txn.commit();
    }
    session.explicit_txn = false;
    release_table_accesses(session);
    Ok(())
}

/// DEBUG_SYNC point `ha_commit_trans_after_acquire_commit_lock`. A commit
/// under way finishes: a kill during a wait here shows at the next check.
fn passed_commit_lock(session: &mut Session) {
    let _ = crate::debug::sync::hit(session, "ha_commit_trans_after_acquire_commit_lock");
}

/// ROLLBACK, with MariaDB's warning when non-transactional tables changed.
pub fn rollback(session: &mut Session) -> StatementResult {
    let report = session.txn.rollback();
    crate::binlog::hook::rollback(session, report.non_transactional_changed);
    session.explicit_txn = false;
    release_table_accesses(session);
    if report.non_transactional_changed {
        session.warn(errors::incomplete_rollback().as_condition(Level::Warning));
    }
    ok(0)
}

/// FLUSH …: WITH READ LOCK takes the global read lock; other forms succeed.
pub fn flush(session: &mut Session, ast: &Ast) -> StatementResult {
    let text = ast.to_string().to_ascii_uppercase();
    if text.split_whitespace().any(|w| w == "STATUS") {
        session.status.reset();
    }
    if text.contains("WITH READ LOCK") {
        if session.state.locks.holds_table_locks(session.id()) {
            return Err(errors::locked_tables_or_transaction());
        }
        crate::debug::sync::hit(session, "ftwrl_before_lock")?;
        let engine = session.state.slave.parallel.lock().unwrap().clone();
        if let Some(engine) = &engine {
            engine.pause(&session.thread, &session.thread.kill)?;
        }
        let waits = Waits::of(session);
        let conn = session.id();
        let taken = waits.with_lock(|wait| waits.state.locks.acquire_global_read_lock(conn, wait));
        if let Some(engine) = &engine {
            engine.unpause();
        }
        taken?;
        crate::debug::sync::hit(session, "flush_tables_with_read_lock_after_acquire_locks")?;
    }
    ok(0)
}

/// LOCK TABLES t READ|WRITE, …: commits what is open, then locks.
pub fn lock_tables(session: &mut Session, ast: &Ast) -> StatementResult {
    let Ast::LockTables { tables } = ast else {
        return Err(not_supported("LOCK TABLES"));
    };
    commit_open(session)?;
    let mut wanted = Vec::new();
    for table in tables {
        let (schema, name) =
            super::names::qualified(session, &ObjectName::from(vec![table.table.clone()]))?;
        super::names::open_table(session, &schema, &name)?;
        let text = table.to_string().to_ascii_uppercase();
        let mode = if text.contains(" WRITE") {
            TableLockMode::Write
        } else {
            TableLockMode::Read
        };
        let used_as = table
            .alias
            .as_ref()
            .map_or_else(|| name.clone(), |a| a.value.clone());
        wanted.push(TableLockItem {
            schema,
            table: name,
            name: used_as,
            mode,
        });
    }
    let waits = Waits::of(session);
    let conn = session.id();
    waits.with_lock(|wait| waits.state.locks.lock_tables(conn, &wanted, wait))?;
    ok(0)
}

/// UNLOCK TABLES: table locks and the global read lock; commits when tables were locked.
pub fn unlock_tables(session: &mut Session) -> StatementResult {
    if session.state.locks.unlock_tables(session.id()) {
        commit_open(session)?;
    }
    session.state.locks.release_global_read_lock(session.id());
    ok(0)
}

/// CALL: the `mtr` schema's procedures the runner and tests use.
pub fn call(session: &mut Session, function: &Function) -> StatementResult {
    let name = function
        .name
        .to_string()
        .to_ascii_lowercase()
        .replace('`', "");
    match name.as_str() {
        "mtr.add_suppression" => super::suppressions::add_suppression(session, function),
        "mtr.force_restart" | "mtr.check_testcase" => ok(0),
        _ => {
            let qualified = if name.contains('.') {
                name.clone()
            } else {
                format!("{}.{name}", session.db.clone().unwrap_or_default())
            };
            Err(errors::no_such_routine("PROCEDURE", &qualified))
        }
    }
}
