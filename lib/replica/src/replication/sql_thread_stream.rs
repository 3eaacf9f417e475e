//! The serial SQL thread applying one group as its events arrive, as
//! MariaDB's SQL thread does: each event is applied once read, so the
//! group may be half applied while the IO thread still fetches the rest.
//! Before each event, and while waiting for the next, the stop rule of
//! [`grace`] decides whether STOP SLAVE or KILL stops the group now
//! (rolled back), lets it finish (non-transactional changes, up to 60 s),
//! or ends it with error 1593. A temporary error rolls the group back and
//! applies it again from the events already read. The debug keywords
//! `stop_slave_middle_group` (a stop request right after a statement that
//! changed a non-transactional table) and `incomplete_group_in_relay_log`
//! (the group's commit event is passed over; with both, the 60 s are up at
//! once) act here as in MariaDB.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::{Exit, RETRY_ERRORS, Worker, lock, show_caught_up};
use crate::binlog::gtid::Gtid;
use crate::debug::dbug::keyword;
use crate::replication::apply::applier::{self, Applying, GroupError};
use crate::replication::apply::collect::{self, CollectError, Group, Read};
use crate::replication::apply::decode::Body;
use crate::replication::apply::errors::{self, SqlFailure};
use crate::replication::apply::grace::{Grace, Position, Request, Verdict};
use crate::replication::apply::relay_reader::Control;
use crate::replication::apply::slave_pos_cleanup;
use crate::replication::channel::{Channel, IoRunning};
use crate::server::state::ServerState;
use crate::session::registry::ThreadEntry;

/// One group being applied, across its attempts.
struct Run {
    group: Group,
    grace: Grace,
    retries: u64,
    /// A temporary table was created or dropped (MariaDB's OPTION_KEEP_LOG).
    temp_changed: bool,
}

/// How one attempt at the group ended.
enum Attempt {
    Done(Option<Gtid>),
    Retry,
    Exit(Exit),
}

impl Worker {
    /// Applies `group` (its first event read) as its events arrive; Some(exit) when the thread stops.
    pub(super) fn stream(&mut self, group: Group) -> Option<Exit> {
        self.session.vars.set_server_value(
            "sql_log_bin",
            crate::sysvars::Setting::Bool(self.state.globals.log_slave_updates()),
        );
        let mut run = Run {
            group,
            grace: Grace::default(),
            retries: 0,
            temp_changed: false,
        };
        loop {
            let attempt = self.attempt(&mut run);
            self.publish_unsafe(false);
            match attempt {
                Attempt::Done(gtid) => {
                    self.advance(&run.group, gtid, true);
                    slave_pos_cleanup::clean_if_due(&mut self.session);
                    return self.until_reached().then_some(Exit::Until);
                }
                Attempt::Retry => {
                    run.retries += 1;
                    self.count_retry();
                }
                Attempt::Exit(exit) => return Some(exit),
            }
        }
    }

    /// Applies the events read so far, then the rest as they come, then commits.
    fn attempt(&mut self, run: &mut Run) -> Attempt {
        self.session.thread.kill.clear_query();
        let mut applying = match Applying::begin(&mut self.session, run.group.gtid) {
            Ok(a) => a,
            Err(e) => return self.failed(run, e),
        };
        let mut next = 0;
        loop {
            while next < run.group.events.len() {
                if let Some(exit) = self.stop_point(run) {
                    applier::abandon(&mut self.session);
                    return Attempt::Exit(exit);
                }
                if let Err(e) = self.apply_event(run, &mut applying, next) {
                    return self.failed(run, e);
                }
                next += 1;
            }
            if collect::is_complete(&run.group) {
                break;
            }
            match self.next_in_group(run) {
                Ok(Some(read)) => run.group.events.push(read),
                Ok(None) => {}
                Err(exit) => {
                    applier::abandon(&mut self.session);
                    return Attempt::Exit(exit);
                }
            }
        }
        let result = applying.finish(&mut self.session, &run.group, &mut self.sub_id, &mut |_| {
            Ok(())
        });
        self.session.binlog_cache.origin = None;
        match result {
            Ok(gtid) => Attempt::Done(gtid),
            Err(e) => self.failed(run, e),
        }
    }

    /// Applies event `at` of the group and notes what it left behind.
    fn apply_event(
        &mut self,
        run: &mut Run,
        applying: &mut Applying,
        at: usize,
    ) -> Result<(), GroupError> {
        let temp_before = self.temp_table_names();
        let read = &run.group.events[at];
        applying.event(&mut self.session, read)?;
        if self.temp_table_names() != temp_before {
            run.temp_changed = true;
        }
        self.publish_unsafe(self.group_unsafe(run));
        if self.stops_after(read) {
            self.state.slave.sql_stop.store(true, Ordering::SeqCst);
        }
        Ok(())
    }

    /// `stop_slave_middle_group`: a statement (not BEGIN or COMMIT) that
    /// left non-transactional changes asks the thread to stop.
    fn stops_after(&self, read: &Read) -> bool {
        // The cheap checks first: this runs for every event applied.
        if !self.session.txn.non_transactional_changed()
            || !keyword(&self.session, "stop_slave_middle_group")
        {
            return false;
        }
        match &read.event.body {
            Body::Query(q) => {
                let text = String::from_utf8_lossy(&q.text);
                let text = text.trim();
                !text.eq_ignore_ascii_case("BEGIN") && !collect::is_end_word(text)
            }
            Body::Rows(_) => true,
            _ => false,
        }
    }

    /// The replicated temporary tables by name, to see a group create or drop one.
    fn temp_table_names(&self) -> BTreeSet<(String, String)> {
        self.session.temp_tables.keys().cloned().collect()
    }

    /// Whether the group has made changes a rollback keeps.
    fn group_unsafe(&self, run: &Run) -> bool {
        run.temp_changed || self.session.txn.non_transactional_changed()
    }

    /// Tells STOP SLAVE whether it may interrupt the running statement.
    fn publish_unsafe(&self, group_unsafe: bool) {
        *lock(&self.state.slave.sql_group_unsafe) = group_unsafe;
    }

    /// The stop rule before the next event; Some(exit) when the thread stops now.
    fn stop_point(&mut self, run: &mut Run) -> Option<Exit> {
        let at = Position {
            in_group: true,
            unsafe_changes: self.group_unsafe(run),
            hopeless: self.time_is_up(),
        };
        let request = request_of(&self.state, &self.session.thread);
        let verdict = run.grace.check(Instant::now(), request, at);
        self.follow(run, verdict)
    }

    /// `stop_slave_middle_group` with `incomplete_group_in_relay_log`: a test's 60 s are up at once.
    fn time_is_up(&self) -> bool {
        keyword(&self.session, "stop_slave_middle_group")
            && keyword(&self.session, "incomplete_group_in_relay_log")
    }

    /// What a verdict means for the thread; Some(exit) when it stops.
    fn follow(&mut self, run: &Run, verdict: Verdict) -> Option<Exit> {
        match verdict {
            Verdict::Go => None,
            Verdict::Wait { first } => {
                if first {
                    self.log_line(&errors::waiting_for_group(self.gtid_text(run).as_deref()));
                }
                // A kill STOP SLAVE sent before the group became unsafe is void.
                self.session.thread.kill.clear_query();
                None
            }
            Verdict::Stop => Some(Exit::Stopped),
            Verdict::Fail => Some(Exit::Failed(
                errors::incomplete_group(),
                run.group.gtid.map(|g| g.gtid),
            )),
        }
    }

    fn gtid_text(&self, run: &Run) -> Option<String> {
        run.group.gtid.map(|g| g.gtid.to_string())
    }

    /// The group's next event, waiting for it under the stop rule; Ok(None)
    /// when `incomplete_group_in_relay_log` passed over a commit event.
    fn next_in_group(&mut self, run: &mut Run) -> Result<Option<Read>, Exit> {
        let at = Position {
            in_group: true,
            unsafe_changes: self.group_unsafe(run),
            hopeless: self.time_is_up(),
        };
        let waited = self.wait_in_group(run, at);
        if waited.warned {
            self.follow(run, Verdict::Wait { first: true });
        }
        let read = match waited.read {
            Ok(Some(read)) => read,
            Ok(None) => return Err(self.follow(run, waited.last).unwrap_or(Exit::Stopped)),
            Err(e) => return Err(super::collect_failure(e)),
        };
        if collect::is_commit(&read) && keyword(&self.session, "incomplete_group_in_relay_log") {
            self.state.slave.sql_stop.store(true, Ordering::SeqCst);
            return Ok(None);
        }
        Ok(Some(read))
    }

    /// Reads the next event while the stop rule lets the group wait. A
    /// relay log that ends inside the group with the IO thread stopped
    /// makes the group hopeless, after one more look.
    fn wait_in_group(&mut self, run: &mut Run, at: Position) -> Waited {
        let last = Cell::new(Verdict::Go);
        let warned = Cell::new(false);
        // All read with the IO thread stopped, seen before each wait (the
        // stop check runs under the IO lock and must not take it again).
        let read_all = Cell::new(false);
        let grace = RefCell::new(&mut run.grace);
        let state = &self.state;
        let thread = &self.session.thread;
        let stopping = || {
            let hopeless = at.hopeless || read_all.get();
            let at = Position { hopeless, ..at };
            let request = request_of(state, thread);
            let v = grace.borrow_mut().check(Instant::now(), request, at);
            warned.set(warned.get() || v == Verdict::Wait { first: true });
            last.set(v);
            matches!(v, Verdict::Stop | Verdict::Fail)
        };
        let waiting = || {
            read_all.set(!io_running(&state.slave));
            show_caught_up(state, thread);
        };
        let control = Control {
            stopping: &stopping,
            waiting: &waiting,
        };
        let mut read = collect::next_read(&mut self.reader, &state.slave, &control);
        if matches!(read, Ok(None)) && read_all.get() && last.get() == Verdict::Fail {
            // The IO thread may have written the rest just before it stopped.
            let looked = Cell::new(false);
            let once = || looked.replace(true);
            let quiet = || {};
            let last_look = Control {
                stopping: &once,
                waiting: &quiet,
            };
            read = collect::next_read(&mut self.reader, &state.slave, &last_look);
        }
        Waited {
            read,
            last: last.get(),
            warned: warned.get(),
        }
    }

    /// A failed statement or commit: retried, the stop rule's if a stop
    /// or kill interrupted it, or the thread's error.
    fn failed(&mut self, run: &mut Run, e: GroupError) -> Attempt {
        let group_unsafe = self.group_unsafe(run);
        applier::abandon(&mut self.session);
        let request = request_of(&self.state, &self.session.thread);
        if request != Request::None {
            return self.interrupted(run, e, group_unsafe, request);
        }
        if self.retryable(&e, run.retries) {
            return Attempt::Retry;
        }
        let gtid = run.group.gtid.map(|g| g.gtid);
        let failure = if run.retries > 0 && RETRY_ERRORS.contains(&e.code()) {
            match e {
                GroupError::Statement { error, .. } => errors::retries_exhausted(&error),
                other => self.failure(other),
            }
        } else {
            self.failure(e)
        };
        Attempt::Exit(Exit::Failed(failure, gtid))
    }

    /// A statement cut short by STOP SLAVE or KILL: the group cannot end,
    /// so a group with unsafe changes fails with 1593 (the statement's own
    /// error goes to the error log first), any other just stops.
    fn interrupted(
        &mut self,
        run: &mut Run,
        e: GroupError,
        group_unsafe: bool,
        request: Request,
    ) -> Attempt {
        let at = Position {
            in_group: true,
            unsafe_changes: group_unsafe,
            hopeless: true,
        };
        let verdict = run.grace.check(Instant::now(), request, at);
        if verdict == Verdict::Fail {
            let cause = self.failure(e);
            self.log_failure(&cause, self.gtid_text(run).as_deref());
        }
        Attempt::Exit(self.follow(run, verdict).unwrap_or(Exit::Stopped))
    }

    /// An `[ERROR] Slave SQL:` line for a failure that is not the one reported.
    fn log_failure(&self, failure: &SqlFailure, gtid: Option<&str>) {
        let gtid = gtid.map(|g| format!(", Gtid {g}")).unwrap_or_default();
        self.log_line(&format!(
            "[ERROR] Slave SQL: {}{gtid}, Internal MariaDB error code: {}",
            failure.text, failure.code
        ));
    }
}

/// What a wait for the group's next event came to.
struct Waited {
    read: Result<Option<Read>, CollectError>,
    /// The stop rule's last verdict (the one that ended the wait, if it did).
    last: Verdict,
    /// The stop was first deferred during the wait.
    warned: bool,
}

/// What STOP SLAVE or KILL asks of the SQL thread now.
fn request_of(state: &ServerState, thread: &ThreadEntry) -> Request {
    if thread.kill.connection_killed() {
        Request::Kill
    } else if state.slave.sql_stop.load(Ordering::SeqCst) {
        Request::Stop
    } else {
        Request::None
    }
}

/// Whether the IO thread may still add to the relay log.
fn io_running(channel: &Channel) -> bool {
    lock(&channel.io).running != IoRunning::No
}
