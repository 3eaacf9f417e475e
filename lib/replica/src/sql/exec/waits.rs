//! How a statement waits for locks: the row-lock timeout
//! (`innodb_lock_wait_timeout`) and the metadata-lock timeout
//! (`lock_wait_timeout`), the connection's kill switch, and the process
//! list state shown while waiting. Held apart from the session so that a
//! wait and the session's transaction can be borrowed together.

use std::sync::Arc;
use std::time::Duration;

use crate::error::ServerResult;
use crate::server::state::ServerState;
use crate::session::Session;
use crate::session::registry::ThreadEntry;

/// The wait settings of one statement.
pub struct Waits {
    pub state: Arc<ServerState>,
    pub thread: Arc<ThreadEntry>,
    row_timeout: Duration,
    lock_timeout: Duration,
}

impl Waits {
    pub fn of(session: &Session) -> Waits {
        Waits {
            state: Arc::clone(&session.state),
            thread: Arc::clone(&session.thread),
            row_timeout: session.vars.innodb_lock_wait_timeout(),
            lock_timeout: session.vars.lock_wait_timeout(),
        }
    }

    /// A wait for a row lock.
    pub fn row(&self) -> crate::storage::Wait<'_> {
        crate::storage::Wait::new(self.row_timeout, &self.thread.kill)
    }

    /// Runs `f` with a wait for a metadata, table or global lock.
    pub fn with_lock<T>(
        &self,
        f: impl FnOnce(&crate::locks::Wait<'_>) -> ServerResult<T>,
    ) -> ServerResult<T> {
        let set_state = |s: Option<&str>| self.thread.wait_state(s);
        let wait = crate::locks::Wait {
            timeout: self.lock_timeout,
            kill: &self.thread.kill,
            set_state: &set_state,
        };
        f(&wait)
    }

    /// The global write intent of a changing statement, held until dropped.
    pub fn write_intent(&self) -> ServerResult<crate::locks::WriteIntent<'_>> {
        let conn = self.thread.id;
        self.with_lock(|wait| self.state.locks.begin_write(conn, wait))
    }

    /// Checks a table, used under `name` (its alias or its name), against
    /// LOCK TABLES (own and others'); inside a transaction (`keep`) the
    /// access is kept until the transaction ends.
    pub fn table_access(
        &self,
        schema: &str,
        table: &str,
        name: &str,
        write: bool,
        keep: bool,
    ) -> ServerResult<()> {
        let conn = self.thread.id;
        let locks = &self.state.locks;
        self.with_lock(|wait| match keep {
            true => locks.hold_table_access_as(conn, schema, table, name, write, wait),
            false => locks.check_table_access_as(conn, schema, table, name, write, wait),
        })
    }

    /// Waits until no other connection uses the table (DROP TABLE).
    pub fn exclusive_table(&self, schema: &str, table: &str) -> ServerResult<()> {
        let conn = self.thread.id;
        self.with_lock(|wait| {
            self.state
                .locks
                .exclusive_table_access(conn, schema, table, wait)
        })
    }
}
