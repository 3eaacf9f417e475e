//! SAVEPOINT, ROLLBACK TO [SAVEPOINT] and RELEASE SAVEPOINT: named points
//! inside the open transaction. The transaction keeps the points (and
//! forgets them when it ends); the binary log's cache gets the statements
//! the slave must repeat.

use super::{errors, ok};
use crate::error::{Level, ServerError};
use crate::session::{Session, StatementResult};

/// SAVEPOINT name: outside a transaction it succeeds and marks nothing,
/// as the statement's own commit would forget it at once.
pub fn set(session: &mut Session, name: &str) -> StatementResult {
    if session.explicit_txn || !session.vars.autocommit() {
        let log_mark = crate::binlog::hook::savepoint(session, name);
        session.txn.set_savepoint(name, log_mark);
    }
    ok(0)
}

/// ROLLBACK TO SAVEPOINT name, with ROLLBACK's warning when
/// non-transactional tables changed in the transaction.
pub fn rollback_to(session: &mut Session, name: &str) -> StatementResult {
    let log_mark = session
        .txn
        .rollback_to_savepoint(name)
        .ok_or_else(|| no_such_savepoint(name))?;
    crate::binlog::hook::rollback_to_savepoint(session, name, log_mark);
    if session.txn.non_transactional_changed() {
        session.warn(errors::incomplete_rollback().as_condition(Level::Warning));
    }
    ok(0)
}

/// RELEASE SAVEPOINT name.
pub fn release(session: &mut Session, name: &str) -> StatementResult {
    if !session.txn.release_savepoint(name) {
        return Err(no_such_savepoint(name));
    }
    ok(0)
}

/// ER_SP_DOES_NOT_EXIST as MariaDB words it for savepoints.
fn no_such_savepoint(name: &str) -> ServerError {
    errors::no_such_routine("SAVEPOINT", name)
}
