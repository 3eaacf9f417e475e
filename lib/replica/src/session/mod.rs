//! One client connection's SQL state: current database, warnings of the
//! last statement, session and user variables, the open transaction and
//! the temporary tables. The protocol layer hands it query text and writes
//! out each statement's result as it comes; everything that runs SQL goes
//! through [`Session::run_query`].

pub mod kill;
pub mod outcome;
mod precise_timers;
pub mod query_start;
pub mod registry;

use std::collections::HashMap;
use std::sync::Arc;

use crate::accounts::AccountName;
use crate::error::{Condition, ServerError, ServerResult};
use crate::server::state::ServerState;
use crate::sql::value::Value;
use crate::storage::Transaction;
use crate::storage::schema::TableDef;
use crate::sysvars::SessionVariables;
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
pub struct Session {
    pub state: Arc<ServerState>,
    pub thread: Arc<ThreadEntry>,
    pub db: Option<String>,
    /// Notes, warnings and errors of the last statement (SHOW WARNINGS).
    pub warnings: Vec<Condition>,
    pub vars: SessionVariables,
    /// `@name` values, by lower-case name.
    pub user_vars: HashMap<String, Value>,
    pub txn: Transaction,
    /// Inside BEGIN … COMMIT (or with autocommit off, after the first statement).
    pub explicit_txn: bool,
    /// This session's temporary tables by (schema, name), lower case.
    pub temp_tables: HashMap<(String, String), Arc<crate::storage::Table>>,
    /// LAST_INSERT_ID().
    pub last_insert_id: u64,
    /// ROW_COUNT() of the previous statement.
    pub row_count: i64,
    /// FOUND_ROWS() of the previous SELECT.
    pub found_rows: u64,
    /// The account logged in as, for privileges and CURRENT_USER().
    pub account: AccountName,
    /// The user name given and the client's host, for USER().
    pub login: AccountName,
    /// Rows of the enclosing queries while a subquery runs, innermost last,
    /// for correlated column references.
    pub outer_rows: Vec<crate::sql::exec::OuterRow>,
    /// This session's status counters (SHOW SESSION STATUS).
    pub status: crate::status::Counters,
    /// The trace of the last traced statement (information_schema.OPTIMIZER_TRACE).
    pub optimizer_trace: Option<crate::sql::exec::TraceRow>,
    /// Running stored programs and the result sets of the running CALL.
    pub routines: crate::sql::routines::RoutineState,
    /// The last statement was SHOW WARNINGS or kin: it reports the
    /// conditions without raising any, so its packets count none.
    pub diagnostics_statement: bool,
    /// The open transaction's statements for the binary log.
    pub binlog_cache: crate::binlog::TxnCache,
    /// The process-list Command shown both while running and idle in
    /// place of Query/Sleep: `Slave_SQL` for the replication SQL thread.
    pub fixed_command: Option<&'static str>,
    /// PREPARE's statements, by lower-case name.
    pub prepared: crate::sql::exec::PreparedStatements,
    /// The generators of the running statement's RAND(N) calls.
    pub seeded_rands: HashMap<usize, crate::sql::eval::random::Random>,
    /// When the running statement started (NOW(), the Query event's time).
    pub query_start: query_start::QueryStart,
    /// Logged in with an expired password: only SET statements run (1820).
    pub password_expired: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.thread.id)
            .finish()
    }
}

impl Session {
    /// root@localhost in database `test` of a fresh in-memory server, for unit tests.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Session {
        let state = ServerState::new(crate::server::config::ServerConfig::default());
        let thread = state
            .threads
            .register("root", "localhost", Some("test".into()));
        Session::new(state, thread)
    }

    pub fn new(state: Arc<ServerState>, thread: Arc<ThreadEntry>) -> Session {
        let db = thread.db.lock().unwrap().clone();
        let mut vars = SessionVariables::new(&state.globals);
        vars.bind_connection(thread.id);
        let seeds = crate::sql::eval::random::Random::for_connection(thread.id);
        vars.set_rand_seeds(seeds.seed1, seeds.seed2);
        let txn = state.storage.begin(thread.id);
        Session {
            state,
            thread,
            db,
            warnings: Vec::new(),
            vars,
            user_vars: HashMap::new(),
            account: AccountName::new("root", "localhost"),
            login: AccountName::new("root", "localhost"),
            txn,
            explicit_txn: false,
            temp_tables: HashMap::new(),
            last_insert_id: 0,
            row_count: -1,
            found_rows: 0,
            outer_rows: Vec::new(),
            status: crate::status::Counters::default(),
            optimizer_trace: None,
            routines: Default::default(),
            diagnostics_statement: false,
            binlog_cache: Default::default(),
            fixed_command: None,
            prepared: Default::default(),
            seeded_rands: HashMap::new(),
            query_start: Default::default(),
            password_expired: false,
        }
    }

    /// The connection id (`CONNECTION_ID()`, the process list's Id).
    pub fn id(&self) -> u64 {
        self.thread.id
    }

    /// Runs every statement of `query` in order, handing each result to
    /// `emit` with whether more results follow (a CALL's result sets come
    /// before its own result); stops after the first error.
    pub fn run_query(
        &mut self,
        query: &[u8],
        emit: &mut dyn FnMut(StatementResult, bool) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let client = self.vars.character_set_client();
        let text = crate::sql::value::encoding::decode(query, client);
        let pieces = crate::sql::parse::split_statements(&text);
        if pieces.is_empty() {
            return emit(Err(empty_query()), false);
        }
        let count = pieces.len();
        for (index, piece) in pieces.iter().enumerate() {
            let busy = self.fixed_command.unwrap_or("Query");
            self.thread.begin(busy, Some(piece.text.to_string()));
            let result = crate::sql::exec::run_statement(self, piece);
            for set in std::mem::take(&mut self.routines.results) {
                emit(Ok(Outcome::Rows(set)), true)?;
            }
            self.thread.kill.clear_query();
            self.thread
                .begin(self.fixed_command.unwrap_or("Sleep"), None);
            let failed = result.is_err();
            let more = index + 1 < count && !failed;
            emit(result, more)?;
            if failed {
                break;
            }
        }
        Ok(())
    }

    /// COM_INIT_DB: makes `db` the current database.
    pub fn init_db(&mut self, db: &str) -> ServerResult<()> {
        if !self.state.storage.database_exists(db) && !db.eq_ignore_ascii_case("information_schema")
        {
            return Err(crate::sql::exec::errors::unknown_database(db));
        }
        self.set_db(Some(db.to_string()));
        Ok(())
    }

    /// Changes the current database, here and in the process list.
    pub fn set_db(&mut self, db: Option<String>) {
        self.db = db;
        *self.thread.db.lock().unwrap() = self.db.clone();
    }

    /// The warning count of the last statement, for OK and EOF packets.
    pub fn warning_count(&self) -> u16 {
        if self.diagnostics_statement {
            return 0;
        }
        u16::try_from(self.warnings.len()).unwrap_or(u16::MAX)
    }

    /// Status flags for OK and EOF packets.
    pub fn status(&self) -> SessionStatus {
        SessionStatus {
            in_transaction: self.explicit_txn || self.txn.is_active(),
            autocommit: self.vars.autocommit(),
        }
    }

    /// Records a note or warning of the running statement.
    /// The session's time zone, noted as used: the statement's Query event
    /// then names it (Q_TIME_ZONE_CODE) so that a slave reads times alike.
    pub fn time_zone(&mut self) -> crate::sql::value::time_zone::TimeZone {
        self.binlog_cache.time_zone_used = true;
        crate::sql::value::time_zone::TimeZone::of(self.vars.time_zone())
    }

    pub fn warn(&mut self, condition: Condition) {
        self.warnings.push(condition);
    }

    /// A temporary table of this session, if `schema.name` is one.
    pub fn temp_table(&self, schema: &str, name: &str) -> Option<Arc<crate::storage::Table>> {
        self.temp_tables
            .get(&(schema.to_ascii_lowercase(), name.to_ascii_lowercase()))
            .cloned()
    }

    /// Ends the session: rolls back, releases locks, drops temporary tables.
    pub fn close(&mut self) {
        let _ = crate::debug::sync::hit(self, "thread_end");
        let _ = self.txn.rollback();
        crate::binlog::hook::discard(self);
        crate::binlog::hook::at_disconnect(self);
        self.temp_tables.clear();
        self.state.locks.release_connection(self.id());
    }

    /// Definitions of this session's temporary tables.
    pub fn temp_table_defs(&self) -> Vec<Arc<TableDef>> {
        self.temp_tables.values().map(|t| t.def()).collect()
    }
}

/// ER_EMPTY_QUERY.
fn empty_query() -> ServerError {
    ServerError::new(1065, "42000", "Query was empty")
}

/// ER_NOT_SUPPORTED_YET for a statement the server does not implement.
pub fn not_supported(what: &str) -> ServerError {
    ServerError::new(
        1235,
        "42000",
        format!("This version of MariaDB doesn't yet support '{what}'"),
    )
}
