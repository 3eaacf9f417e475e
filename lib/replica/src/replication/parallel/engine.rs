//! [`Engine`]: what the SQL driver, its workers and FLUSH TABLES WITH
//! READ LOCK share while a parallel slave runs. It wraps the [`Order`]
//! in a lock with one condition variable that every change notifies, and
//! keeps beside it the first failure, the transactions the workers run
//! (for the commit-order deadlock kill) and the replicated temporary
//! tables. Workers call `wait_start`, `gate` and `finish`; the driver
//! calls `stop`, `drain` and `wait_idle`; FTWRL calls `pause`.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use super::flavor_names;
use super::order::{Commit, Finished, Order, Start, StartRule, Ticket, WAIT_COMMIT};
use crate::binlog::gtid::Gtid;
use crate::error::{ServerError, ServerResult};
use crate::replication::apply::applier::GroupError;
use crate::replication::apply::errors::{self, SqlFailure};
use crate::server::config::Flavor;
use crate::session::kill::{KILL_POLL, KillSwitch};
use crate::session::registry::ThreadEntry;
use crate::storage::{Storage, Table};

/// FTWRL's state while it waits for the workers (spec 3.2).
pub const STATE_PAUSING: &str = "Waiting for worker threads to pause for global read lock";
/// A second FTWRL while the first still pauses the pool.
const STATE_POOL_BUSY: &str = "Waiting while replication worker thread pool is busy";

/// How often a waiting worker looks again without being woken.
const RECHECK: Duration = Duration::from_millis(100);

/// The replicated temporary tables, by (schema, name).
pub type TempTables = HashMap<(String, String), Arc<Table>>;

/// The first group that failed, and why.
#[derive(Debug, Clone)]
pub struct Failure {
    pub ticket: Ticket,
    pub failure: SqlFailure,
    pub gtid: Option<Gtid>,
}

#[derive(Debug, Default)]
pub struct Engine {
    order: Mutex<Order>,
    changed: Condvar,
    failure: Mutex<Option<Failure>>,
    /// Transaction id → the group running it.
    running: Mutex<HashMap<u64, Ticket>>,
    /// An FTWRL is pausing or holding the pool.
    pause_busy: Mutex<bool>,
    pause_free: Condvar,
    pub temp_tables: Mutex<TempTables>,
    /// Whose names the waits show.
    pub flavor: Flavor,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Engine {
    pub fn new(temp_tables: TempTables) -> Engine {
        Engine {
            temp_tables: Mutex::new(temp_tables),
            ..Engine::default()
        }
    }

    pub fn with_flavor(self, flavor: Flavor) -> Engine {
        Engine { flavor, ..self }
    }

    /// Shows a wait of the order in `thread`, named as the flavor names it.
    fn show(&self, thread: &ThreadEntry, state: &'static str) {
        thread.set_state(flavor_names::state(self.flavor, state));
    }

    /// Runs `f` on the order and wakes everyone waiting for a change.
    pub fn update<R>(&self, f: impl FnOnce(&mut Order) -> R) -> R {
        let result = f(&mut lock(&self.order));
        self.changed.notify_all();
        result
    }

    /// Reads the order.
    pub fn read<R>(&self, f: impl FnOnce(&Order) -> R) -> R {
        f(&lock(&self.order))
    }

    /// Waits until the group may start (Go) or is to be skipped (Skip),
    /// showing each wait in `thread`'s state.
    pub fn wait_start(&self, t: Ticket, rule: StartRule, thread: &ThreadEntry) -> Start {
        let mut order = lock(&self.order);
        loop {
            match order.start(t, rule) {
                Start::Wait(state) => self.show(thread, state),
                decided => return decided,
            }
            order = self.wait(order);
        }
    }

    /// Before the commit: the group has started committing; it waits for
    /// the previous group's commit. 1964 if an earlier group failed, 1213
    /// if an earlier group waits for one of this group's row or key-value
    /// locks (directly, or behind a later group that waits for one, which
    /// no gate would free), the kill error if the worker is killed while
    /// it waits.
    pub fn gate(
        &self,
        t: Ticket,
        txn: u64,
        thread: &ThreadEntry,
        storage: &Storage,
    ) -> Result<(), GroupError> {
        let mut order = lock(&self.order);
        order.started_commit(t);
        self.changed.notify_all();
        loop {
            match order.commit(t) {
                Commit::Go => return Ok(()),
                Commit::PriorFailed => return Err(prior_failed()),
                Commit::Wait => self.show(thread, WAIT_COMMIT),
            }
            if let Err(e) = thread.kill.check() {
                return Err(GroupError::Failed(errors::killed_outside_statement(&e)));
            }
            // The lock graph is asked without the order held.
            drop(order);
            if self.blocks_earlier(t, storage.row_lock_waiters(txn)) {
                return Err(deadlocked());
            }
            order = lock(&self.order);
            // A commit while unlocked was not waited for: look before sleeping.
            if order.commit(t) == Commit::Wait {
                order = self.wait_for(order, KILL_POLL);
            }
        }
    }

    /// Whether one of `waiters` runs an earlier group of `t`'s domain.
    fn blocks_earlier(&self, t: Ticket, waiters: Vec<u64>) -> bool {
        if waiters.is_empty() {
            return false;
        }
        let running = lock(&self.running);
        waiters.iter().any(|w| {
            running
                .get(w)
                .is_some_and(|o| o.domain == t.domain && o.seq < t.seq)
        })
    }

    /// Waits until every earlier group committed; false if one failed.
    pub fn wait_prior_committed(&self, t: Ticket, thread: &ThreadEntry) -> bool {
        let mut order = lock(&self.order);
        loop {
            if order.prior_failed(t) {
                return false;
            }
            if order.prior_committed(t) {
                return true;
            }
            self.show(thread, WAIT_COMMIT);
            order = self.wait(order);
        }
    }

    /// Records that `txn` runs the group `t` (None: it ended).
    pub fn running(&self, txn: u64, t: Option<Ticket>) {
        let mut running = lock(&self.running);
        match t {
            Some(t) => running.insert(txn, t),
            None => running.remove(&txn),
        };
    }

    pub fn finish(&self, t: Ticket, how: Finished) {
        self.update(|o| o.finish(t, how));
    }

    /// A group failed: the first failure (the earliest group) is the one reported.
    pub fn fail(&self, failure: Failure) {
        {
            let mut first = lock(&self.failure);
            let earlier = first.as_ref().is_none_or(|f| {
                f.ticket.domain == failure.ticket.domain && failure.ticket.seq < f.ticket.seq
            });
            if earlier {
                *first = Some(failure.clone());
            }
        }
        self.finish(failure.ticket, Finished::Failed);
    }

    pub fn failure(&self) -> Option<Failure> {
        lock(&self.failure).clone()
    }

    pub fn failed(&self) -> bool {
        lock(&self.failure).is_some()
    }

    /// Waits until every queued group is done.
    pub fn wait_idle(&self) {
        let mut order = lock(&self.order);
        while !order.idle() {
            order = self.wait(order);
        }
    }

    /// Waits until every queued group is done, or `give_up` holds; whether idle.
    pub fn wait_idle_unless(&self, give_up: &dyn Fn() -> bool) -> bool {
        let mut order = lock(&self.order);
        while !order.idle() {
            if give_up() {
                return false;
            }
            order = self.wait(order);
        }
        true
    }

    /// FLUSH TABLES WITH READ LOCK, before it takes the lock: holds back
    /// groups not yet started and waits until the started ones are done.
    pub fn pause(&self, thread: &ThreadEntry, kill: &KillSwitch) -> ServerResult<()> {
        self.claim_pool(thread, kill)?;
        thread.set_state(STATE_PAUSING);
        let mut order = lock(&self.order);
        order.pause();
        while !order.paused() {
            if let Err(e) = kill.check() {
                order.unpause();
                drop(order);
                self.release_pool();
                return Err(e);
            }
            order = self.wait_for(order, KILL_POLL);
        }
        Ok(())
    }

    /// After FTWRL took its lock (or failed): the held groups may go on.
    pub fn unpause(&self) {
        self.update(Order::unpause);
        self.release_pool();
    }

    fn claim_pool(&self, thread: &ThreadEntry, kill: &KillSwitch) -> ServerResult<()> {
        let mut busy = lock(&self.pause_busy);
        while *busy {
            thread.set_state(STATE_POOL_BUSY);
            kill.check()?;
            busy = self
                .pause_free
                .wait_timeout(busy, KILL_POLL)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *busy = true;
        Ok(())
    }

    fn release_pool(&self) {
        *lock(&self.pause_busy) = false;
        self.pause_free.notify_all();
    }

    fn wait<'a>(&self, order: MutexGuard<'a, Order>) -> MutexGuard<'a, Order> {
        self.wait_for(order, RECHECK)
    }

    fn wait_for<'a>(&self, order: MutexGuard<'a, Order>, pause: Duration) -> MutexGuard<'a, Order> {
        self.changed
            .wait_timeout(order, pause)
            .unwrap_or_else(|e| e.into_inner())
            .0
    }
}

/// ER_LOCK_DEADLOCK: killed for an earlier group's sake, or a speculative
/// group that failed with retries off (spec 1.3).
pub fn deadlocked() -> GroupError {
    GroupError::Statement {
        error: crate::storage::errors::deadlock(),
        db: String::new(),
        query: String::new(),
    }
}

/// ER_PRIOR_COMMIT_FAILED: the group rolls back after an earlier one failed.
pub fn prior_failed() -> GroupError {
    GroupError::Statement {
        error: ServerError::new(
            1964,
            "HY000",
            "Commit failed due to failure of an earlier commit on which this one depends",
        ),
        db: String::new(),
        query: String::new(),
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
