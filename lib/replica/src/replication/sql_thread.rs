//! The slave SQL thread (serial mode): START SLAVE calls [`start`], which
//! marks the thread running and spawns it; it reads the relay log from
//! the channel's `relay_log_file`/`relay_log_pos`, applies each event
//! group in its own session (`system user`, Command `Slave_SQL`) as its
//! events arrive (`stream`), or hands whole groups to the worker pool,
//! honours sql_slave_skip_counter, UNTIL, retries of temporary errors,
//! and reports positions, counters and errors in `channel.sql`,
//! notifying `sql_advanced` after each group and when it stops. STOP
//! SLAVE calls [`stop`], which raises the stop flag and joins it; a KILL
//! of the thread stops it the same way, without an error, except inside a
//! group with non-transactional changes, where both follow spec 2.2.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::binlog::gtid::Gtid;
use crate::replication::apply::applier::{self, GroupError};
use crate::replication::apply::collect::{self, CollectError, Group, Read};
use crate::replication::apply::decode::Body;
use crate::replication::apply::errors::{self, SqlFailure};
use crate::replication::apply::relay_reader::{Control, RelayReader, relay_files};
use crate::replication::apply::rules::{self, GroupKind, Reached};
use crate::replication::apply::slave_pos::{self, PosRow};
use crate::replication::apply::slave_pos_cleanup;
use crate::replication::channel::{Channel, SqlStatus, UseGtid};
use crate::replication::parallel::driver::{Dispatched, Dispatcher};
use crate::replication::parallel::schedule::Mode;
use crate::server::config::Flavor;
use crate::server::error_log::{ErrorLog, timestamp};
use crate::server::state::ServerState;
use crate::session::Session;
use crate::session::registry::ThreadEntry;

/// The process-list states of the SQL thread (spec 1.1).
const STATE_STARTING: &str = "Waiting for the next event in relay log";
const STATE_READING: &str = "Reading event from the relay log";
const STATE_CAUGHT_UP: &str = "Slave has read all relay log; waiting for more updates";

/// LOG_EVENT_ARTIFICIAL_F: an event the master made up for the dump, not from its binlog.
const ARTIFICIAL: u16 = 0x20;

/// The codes retried by default (`slave_transaction_retry_errors`).
pub(crate) const RETRY_ERRORS: &[u16] =
    &[1158, 1159, 1160, 1161, 1205, 1213, 1020, 1429, 2013, 12701];

/// Starts the SQL thread; Slave_SQL_Running is Yes when this returns.
pub fn start(state: &Arc<ServerState>) -> std::io::Result<()> {
    let channel = &state.slave;
    {
        let mut sql = lock(&channel.sql);
        if sql.running {
            return Ok(());
        }
        sql.running = true;
        sql.state = STATE_STARTING.to_string();
        sql.last_errno = 0;
        sql.last_error.clear();
    }
    channel.sql_stop.store(false, Ordering::SeqCst);
    let thread_state = Arc::clone(state);
    let spawned = std::thread::Builder::new()
        .name("slave_sql".into())
        .spawn(move || run(&thread_state));
    match spawned {
        Ok(handle) => {
            *lock(&channel.sql_thread) = Some(handle);
            Ok(())
        }
        Err(e) => {
            mark_stopped(state);
            Err(e)
        }
    }
}

/// The first step of stopping, taken when STOP SLAVE begins: in the
/// MariaDB flavor no group starts from now on beyond the largest one
/// already started (spec 2.1). A serial SQL thread is told by [`stop`].
pub fn request_stop(state: &ServerState) {
    let channel = &state.slave;
    // MySQL's coordinator negotiates its stop point when it leaves its loop (spec 2.3).
    let engine = lock(&channel.parallel).clone();
    if let Some(engine) = engine {
        let mariadb = state.config.flavor == Flavor::MariaDb;
        engine.update(|o| {
            if mariadb {
                o.stop();
            }
        });
    }
}

/// Asks the SQL thread to stop and waits until it has (Slave_SQL_Running = No).
pub fn stop(state: &Arc<ServerState>) {
    let channel = &state.slave;
    channel.sql_stop.store(true, Ordering::SeqCst);
    request_stop(state);
    let id = channel.sql_thread_id.load(Ordering::SeqCst);
    if let Some(thread) = state.threads.get(id) {
        // A statement waiting for a lock gives up now, unless its group
        // has changes a rollback keeps: that group may finish (spec 2.2).
        let group_unsafe = lock(&channel.sql_group_unsafe);
        if !*group_unsafe {
            thread.kill.kill_query();
        }
    }
    {
        let _io = lock(&channel.io);
        channel.relay_grown.notify_all();
    }
    let handle = lock(&channel.sql_thread).take();
    if let Some(handle) = handle {
        let _ = handle.join();
    }
}

#[path = "sql_thread_stream.rs"]
mod stream;

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What ended the thread's loop.
enum Exit {
    Stopped,
    Until,
    Failed(SqlFailure, Option<Gtid>),
}

/// The SQL thread's state between groups.
struct Worker {
    state: Arc<ServerState>,
    session: Session,
    reader: RelayReader,
    sub_id: u64,
    log: Option<ErrorLog>,
    /// The worker pool, when slave_parallel_threads > 0.
    parallel: Option<Dispatcher>,
    /// Groups go to the pool (a mode other than none, and no UNTIL).
    dispatching: bool,
}

fn run(state: &Arc<ServerState>) {
    let mut worker = Worker::new(state);
    worker.note_start();
    let exit = worker.main_loop();
    let exit = worker.end_parallel(exit);
    if let Exit::Failed(failure, gtid) = &exit {
        worker.report(failure, *gtid);
    }
    worker.note_exit();
    worker.park();
    mark_stopped(state);
}

/// STOP SLAVE, or a KILL of the SQL thread: both stop it the same way,
/// leaving no error (spec 2.1).
fn stop_asked(state: &ServerState, thread: &ThreadEntry) -> bool {
    state.slave.sql_stop.load(Ordering::SeqCst) || thread.kill.connection_killed()
}

/// Slave_SQL_Running = No, state '', and everyone waiting told.
fn mark_stopped(state: &ServerState) {
    let mut sql = lock(&state.slave.sql);
    sql.running = false;
    sql.state.clear();
    lock(&state.slave.lag).clear();
    state.slave.sql_advanced.notify_all();
}

/// The state shown while the relay log has nothing more to read.
fn show_caught_up(state: &ServerState, thread: &ThreadEntry) {
    thread.set_state(STATE_CAUGHT_UP);
    lock(&state.slave.sql).state = STATE_CAUGHT_UP.to_string();
}

/// The failure of a relay log that could not be read.
fn collect_failure(e: CollectError) -> Exit {
    match e {
        CollectError::Failed(f) => Exit::Failed(f, None),
        CollectError::Io(_) => Exit::Failed(errors::relay_read_failure(), None),
    }
}

impl Worker {
    fn new(state: &Arc<ServerState>) -> Worker {
        let thread = state.threads.register("system user", "", None);
        let mut session = match lock(&state.slave.sql_session).take() {
            Some(mut kept) => {
                kept.thread = Arc::clone(&thread);
                kept
            }
            None => Session::new(Arc::clone(state), Arc::clone(&thread)),
        };
        session.fixed_command = Some("Slave_SQL");
        state.slave.sql_thread_id.store(thread.id, Ordering::SeqCst);
        thread.begin("Slave_SQL", None);
        thread.set_state(STATE_STARTING);
        let sub_id = slave_pos::next_sub_id(&mut session).unwrap_or(1);
        let (file, pos) = {
            let sql = lock(&state.slave.sql);
            (sql.relay_log_file.clone(), sql.relay_log_pos)
        };
        let files = relay_files(&state.globals, &state.config.datadir);
        let verify = state
            .globals
            .global("slave_sql_verify_checksum")
            .is_none_or(|s| s.as_bool());
        let (parallel, dispatching) = start_pool(state, &mut session);
        Worker {
            state: Arc::clone(state),
            session,
            reader: RelayReader::new(files, &file, pos, verify),
            sub_id,
            log: ErrorLog::open(state.config.log_error.as_deref()).ok(),
            parallel,
            dispatching,
        }
    }

    fn stopping(&self) -> bool {
        stop_asked(&self.state, &self.session.thread)
    }

    /// After the read loop: the stop point set, the queued groups done,
    /// the pool closed; a worker's failure is the thread's.
    fn end_parallel(&mut self, exit: Exit) -> Exit {
        let Some(parallel) = self.parallel.take() else {
            return exit;
        };
        if !matches!(exit, Exit::Until) {
            parallel.stop(&self.session.thread);
        }
        if matches!(exit, Exit::Stopped) && self.state.config.flavor == Flavor::MariaDb {
            // What MariaDB's driver shows while it waits for its workers.
            self.set_state(STATE_READING);
        }
        // MariaDB's hook for tests that act while the driver waits for its workers.
        if crate::debug::dbug::keyword(&self.session, "rpl_parallel_wait_for_done_trigger") {
            let _ = crate::debug::sync::set_action(
                &mut self.session,
                "now SIGNAL wait_for_done_waiting",
            );
        }
        let (temp, failure) = parallel.finish();
        self.session.temp_tables = temp;
        lock(&self.state.slave.sql).open_temp_tables = self.session.temp_tables.len() as u64;
        match failure {
            Some(f) => Exit::Failed(f.failure, f.gtid),
            None => exit,
        }
    }

    /// Whether the group goes to the pool rather than running here.
    fn goes_to_pool(&self, group: &Group) -> bool {
        let origin = group.events.first().map(|r| r.event.header.server_id);
        self.dispatching
            && self.parallel.is_some()
            && lock(&self.state.slave.sql).skip_counter == 0
            && !origin.is_some_and(|s| self.is_own(s))
    }

    /// Hands the group to the pool; Some(exit) when the thread stops instead.
    fn dispatch(&mut self, group: Group) -> Option<Exit> {
        let sub_id = self.sub_id;
        if group.gtid.is_some() {
            self.sub_id += 1;
        }
        let parallel = self.parallel.as_mut()?;
        let state = Arc::clone(&self.state);
        let thread = Arc::clone(&self.session.thread);
        let stopping = || stop_asked(&state, &thread);
        match parallel.dispatch(group, sub_id, &stopping, &self.session.thread) {
            Dispatched::Queued => None,
            Dispatched::Stopped => Some(Exit::Stopped),
        }
    }

    /// Before the thread handles something itself: the pool is idle.
    fn wait_for_workers(&mut self) {
        if let Some(parallel) = self.parallel.as_mut() {
            parallel.wait_idle();
        }
    }

    /// Replicated temporary tables, wherever they are kept now.
    fn open_temp_tables(&self) -> u64 {
        self.parallel.as_ref().map_or_else(
            || self.session.temp_tables.len() as u64,
            Dispatcher::temp_table_count,
        )
    }

    fn set_state(&self, text: &str) {
        self.session.thread.set_state(text);
        lock(&self.state.slave.sql).state = text.to_string();
    }

    fn main_loop(&mut self) -> Exit {
        loop {
            self.set_state(STATE_READING);
            let exit = match self.read_between_groups() {
                Ok(None) => Some(Exit::Stopped),
                Ok(Some(read)) => match collect::opens_group(&read) {
                    None => {
                        self.wait_for_workers();
                        self.bookkeeping(&read);
                        None
                    }
                    Some(gtid) => self.group_from(Group {
                        gtid,
                        events: vec![read],
                    }),
                },
                Err(e) => Some(collect_failure(e)),
            };
            if let Some(exit) = exit {
                return exit;
            }
        }
    }

    /// Runs `read` with the reader and the control used between groups:
    /// STOP SLAVE or a failed worker stops the wait.
    fn with_control<T>(
        &mut self,
        read: impl FnOnce(&mut RelayReader, &Channel, &Control<'_>) -> T,
    ) -> T {
        let state = &self.state;
        let thread = &self.session.thread;
        let engine = self.parallel.as_ref().map(|p| Arc::clone(&p.engine));
        let stopping = || stop_asked(state, thread) || engine.as_ref().is_some_and(|e| e.failed());
        let waiting = || show_caught_up(state, thread);
        let control = Control {
            stopping: &stopping,
            waiting: &waiting,
        };
        read(&mut self.reader, &state.slave, &control)
    }

    /// The next event between groups; None when the thread stops.
    fn read_between_groups(&mut self) -> Result<Option<Read>, CollectError> {
        self.with_control(collect::next_read)
    }

    /// A group whose first event is read: applied here as its events
    /// arrive, or read whole first (for the pool, or to skip it).
    fn group_from(&mut self, group: Group) -> Option<Exit> {
        if self.streams(&group) {
            self.wait_for_workers();
            let time = crate::replication::parallel::driver::master_time(&group);
            let lag = self.state.slave.lag_begin(time);
            let exit = self.stream(group);
            self.state.slave.lag_end(lag);
            return exit;
        }
        match self.with_control(|reader, channel, control| {
            collect::complete(reader, channel, control, group)
        }) {
            Ok(Some(group)) => self.group(group),
            Ok(None) => Some(Exit::Stopped),
            Err(e) => Some(collect_failure(e)),
        }
    }

    /// Whether the group is applied by this thread itself (not the pool, not skipped).
    fn streams(&self, group: &Group) -> bool {
        let origin = group.events.first().map(|r| r.event.header.server_id);
        !self.goes_to_pool(group)
            && !origin.is_some_and(|s| self.is_own(s))
            && lock(&self.state.slave.sql).skip_counter == 0
    }

    /// An event outside any group: positions move on; a master restart closes temporary tables.
    fn bookkeeping(&mut self, read: &Read) {
        let own = self.is_own(read.event.header.server_id);
        let mut sql = lock(&self.state.slave.sql);
        match &read.event.body {
            Body::Rotate { pos, file } if !own => {
                sql.relay_master_log_file = file.clone();
                sql.exec_master_log_pos = *pos;
            }
            // A master that restarted closes its temporary tables; an
            // artificial (dump-start) Format_description does not.
            Body::FormatDescription(fde)
                if !own && fde.created != 0 && read.event.header.flags & ARTIFICIAL == 0 =>
            {
                self.session.temp_tables.clear();
                if let Some(parallel) = &self.parallel {
                    parallel.drop_temp_tables();
                }
            }
            _ if !own && read.event.header.log_pos != 0 => {
                sql.exec_master_log_pos = u64::from(read.event.header.log_pos);
            }
            _ => {}
        }
        sql.relay_log_file = read.raw.file.clone();
        sql.relay_log_pos = read.raw.end;
        sql.executed_log_entries += 1;
        drop(sql);
        let open = self.open_temp_tables();
        lock(&self.state.slave.sql).open_temp_tables = open;
    }

    /// Whether events of `server_id` are this server's own, which it skips.
    fn is_own(&self, server_id: u32) -> bool {
        let own = self.state.globals.server_id() as u32;
        let same_ok = self
            .state
            .globals
            .global("replicate_same_server_id")
            .is_some_and(|s| s.as_bool());
        server_id == own && !same_ok
    }

    /// A group read whole: to the pool, or skipped (the server's own
    /// events, or one sql_slave_skip_counter takes).
    fn group(&mut self, group: Group) -> Option<Exit> {
        if self.goes_to_pool(&group) {
            // Between dispatches the driver's own session is free for a due cleanup.
            slave_pos_cleanup::clean_if_due(&mut self.session);
            return self.dispatch(group);
        }
        self.wait_for_workers();
        let origin = group.events.first().map(|r| r.event.header.server_id);
        let own = origin.is_some_and(|s| self.is_own(s));
        let counted = !own && rules::take_skip(&mut lock(&self.state.slave.sql).skip_counter);
        if !own && !counted {
            return self.stream(group);
        }
        let skipped = if counted {
            self.skip_group(&group)
        } else {
            Ok(None)
        };
        match skipped {
            Ok(gtid) => {
                self.advance(&group, gtid, false);
                self.until_reached().then_some(Exit::Until)
            }
            Err(failure) => Some(Exit::Failed(failure, group.gtid.map(|g| g.gtid))),
        }
    }

    /// sql_slave_skip_counter: the group is not applied, but its GTID counts as done.
    fn skip_group(&mut self, group: &Group) -> Result<Option<Gtid>, SqlFailure> {
        let Some(g) = group.gtid else { return Ok(None) };
        applier::record(&mut self.session, g.gtid, self.sub_id).map_err(|e| self.failure(e))?;
        let row = PosRow {
            gtid: g.gtid,
            sub_id: self.sub_id,
        };
        slave_pos_cleanup::note_committed(&self.state, row);
        self.sub_id += 1;
        Ok(Some(g.gtid))
    }

    fn retryable(&self, e: &GroupError, retries: u64) -> bool {
        !self.stopping()
            && RETRY_ERRORS.contains(&e.code())
            && retries < self.state.globals.slave_transaction_retries()
    }

    /// A serial retry is counted, then waits slave_transaction_retry_interval.
    fn count_retry(&self) {
        count_retry(&self.state);
        let interval = self
            .state
            .globals
            .global("slave_transaction_retry_interval")
            .map_or(0, |s| s.as_u64());
        std::thread::sleep(Duration::from_secs(interval.min(3600)));
    }

    fn failure(&self, e: GroupError) -> SqlFailure {
        describe_failure(&self.state, e)
    }

    /// After a group: positions at its end, the GTID published, counters up.
    fn advance(&mut self, group: &Group, gtid: Option<Gtid>, applied: bool) {
        let open = self.session.temp_tables.len() as u64;
        record_progress(&self.session, group, gtid, applied, Some(open));
        // Idle, the thread shows no database (spec 1.1).
        self.session.set_db(None);
    }

    fn until_reached(&self) -> bool {
        let pos = lock(&self.state.slave.gtid_slave_pos).clone();
        let sql = lock(&self.state.slave.sql);
        let at = Reached {
            master_file: &sql.relay_master_log_file,
            master_pos: sql.exec_master_log_pos,
            relay_file: &sql.relay_log_file,
            relay_pos: sql.relay_log_pos,
            slave_pos: &pos,
        };
        rules::until_reached(&sql.until, &at)
    }

    /// Records the error in the channel and the error log.
    fn report(&self, failure: &SqlFailure, gtid: Option<Gtid>) {
        {
            let mut sql = lock(&self.state.slave.sql);
            sql.last_errno = failure.code;
            sql.last_error = failure.text.clone();
        }
        let stopped_at = self.stopped_at();
        let gtid = gtid.map(|g| g.to_string());
        for line in errors::log_lines(failure, gtid.as_deref(), &stopped_at) {
            self.log_line(&line);
        }
    }

    /// The master file and position applied so far (one lock at a time:
    /// the statements lock `info` and `sql` too).
    fn master_position(&self) -> (String, u64) {
        let sql = lock(&self.state.slave.sql);
        (sql.relay_master_log_file.clone(), sql.exec_master_log_pos)
    }

    /// `log 'master-bin.000001' position 3157[; GTID position '0-1-7']`.
    fn stopped_at(&self) -> String {
        let (file, pos) = self.master_position();
        let mut text = format!("log '{file}' position {pos}");
        let use_gtid = lock(&self.state.slave.info).use_gtid;
        if use_gtid != UseGtid::No {
            let list = crate::binlog::gtid::list_text(&lock(&self.state.slave.gtid_slave_pos));
            text.push_str(&format!("; GTID position '{list}'"));
        }
        text
    }

    fn note_start(&self) {
        let (relay_file, relay_pos) = self.reader.position();
        let (file, pos) = self.master_position();
        self.log_line(&format!(
            "[Note] Slave SQL thread initialized, starting replication in log '{file}' at position {pos}, relay log './{relay_file}' position: {relay_pos}"
        ));
    }

    fn note_exit(&self) {
        let (file, pos) = self.master_position();
        let (host, port) = {
            let info = lock(&self.state.slave.info);
            (info.host.clone(), info.port)
        };
        self.log_line(&format!(
            "[Note] Slave SQL thread exiting, replication stopped in log '{file}' at position {pos}, master: {host}:{port}"
        ));
    }

    /// One error-log line from this thread, as mariadbd writes it.
    fn log_line(&self, text: &str) {
        if let Some(log) = &self.log {
            log.line(&format!("{} {} {text}", timestamp(), self.session.id()));
        }
    }

    /// Leaves the process list; the session (and its temporary tables) waits for the next start.
    fn park(mut self) {
        let _ = slave_pos::run(&mut self.session, "ROLLBACK");
        self.session.explicit_txn = false;
        self.session.set_db(None);
        self.state.threads.unregister(self.session.id());
        *lock(&self.state.slave.sql_session) = Some(self.session);
    }
}

/// Starts the worker pool when slave_parallel_threads > 0 (even in mode
/// none, where the workers stay idle); whether groups go to it.
fn start_pool(state: &Arc<ServerState>, session: &mut Session) -> (Option<Dispatcher>, bool) {
    let threads = state.globals.slave_parallel_threads() as usize;
    if threads == 0 {
        return (None, false);
    }
    let mode = Mode::parse(&state.globals.slave_parallel_mode());
    let use_domains = lock(&state.slave.info).use_gtid != UseGtid::No;
    let until = lock(&state.slave.sql).until != crate::replication::channel::Until::None;
    let temp = std::mem::take(&mut session.temp_tables);
    let dispatcher = Dispatcher::start(state, threads, mode, use_domains, temp);
    (Some(dispatcher), mode != Mode::None && !until)
}

/// One more retried transaction (`Slave_retried_transactions`, `Retried_transactions`).
pub(crate) fn count_retry(state: &ServerState) {
    lock(&state.slave.sql).retried_transactions += 1;
    state.status.add("Slave_retried_transactions", 1);
}

/// A group's error as the SQL thread reports it (Last_SQL_Error).
pub(crate) fn describe_failure(state: &ServerState, e: GroupError) -> SqlFailure {
    match e {
        GroupError::Statement { error, db, query } => errors::statement_failed(&error, &db, &query),
        GroupError::Unsupported(code) => errors::unsupported_event(code),
        GroupError::Row {
            error,
            event,
            table,
            log_pos,
        } => {
            let master_log = lock(&state.slave.sql).relay_master_log_file.clone();
            errors::row_failed(&error, event, &table, &master_log, log_pos)
        }
        GroupError::Failed(failure) => failure,
    }
}

/// After a group committed (or was skipped): positions at its end, its GTID
/// published, counters up, and everyone waiting on the SQL thread told.
pub(crate) fn record_progress(
    session: &Session,
    group: &Group,
    gtid: Option<Gtid>,
    applied: bool,
    open_temp_tables: Option<u64>,
) {
    if let Some(g) = gtid {
        slave_pos::publish(session, g);
    }
    let Some(last) = group.last() else { return };
    let mut sql = lock(&session.state.slave.sql);
    sql.relay_log_file = last.raw.file.clone();
    sql.relay_log_pos = last.raw.end;
    if last.event.header.log_pos != 0 {
        sql.exec_master_log_pos = u64::from(last.event.header.log_pos);
    }
    sql.executed_log_entries += group.events.len() as u64;
    if applied {
        count_group(&mut sql, rules::group_kind(group.gtid.map(|g| g.flags)));
    }
    if let Some(open) = open_temp_tables {
        sql.open_temp_tables = open;
    }
    session.state.slave.sql_advanced.notify_all();
}

/// Counts a group in Slave_DDL_Groups / _Non_Transactional_ / _Transactional_.
fn count_group(sql: &mut SqlStatus, kind: GroupKind) {
    match kind {
        GroupKind::Ddl => sql.ddl_groups += 1,
        GroupKind::Transactional => sql.transactional_groups += 1,
        GroupKind::NonTransactional => sql.non_transactional_groups += 1,
    }
}
