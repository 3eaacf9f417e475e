//! One worker thread of the pool (spec 1.1–1.4, 4): it takes [`Job`]s
//! from its queue in order and, for each, waits until the group may
//! start (or skips it past a stop or failure point), applies it in its
//! own session (`system user`, Command `Slave_worker`; names by flavor
//! through `flavor_names`), waits at the
//! commit for the previous group, then commits and publishes the
//! positions. A temporary error, or any error of a group that ran
//! before its predecessor committed, rolls back and retries once the
//! prior groups committed; other errors stop the slave. A KILL of the
//! worker fails its current (or next) group and is then forgotten: the
//! group is retried if it runs speculatively, else it stops the slave.

use std::sync::Arc;
use std::thread::JoinHandle;

use super::engine::{self, Engine, Failure};
use super::flavor_names;
use super::mysql_failure::{self, FailedAt};
use super::order::{Finished, Start};
use super::pool::{Job, Queue};
use crate::binlog::gtid::Gtid;
use crate::replication::apply::applier::{self, GroupError};
use crate::replication::apply::errors;
use crate::replication::apply::errors::SqlFailure;
use crate::replication::apply::slave_pos_cleanup;
use crate::replication::sql_thread::{
    RETRY_ERRORS, count_retry, describe_failure, record_progress,
};
use crate::server::config::Flavor;
use crate::server::state::ServerState;
use crate::session::Session;

/// ER_QUERY_INTERRUPTED and ER_CONNECTION_KILLED: a KILL of the worker.
const KILL_ERRORS: [u16; 2] = [1317, 1927];

/// The idle worker's process-list state.
pub const STATE_IDLE: &str = "Waiting for work from SQL thread";

/// Starts worker number `number` (1-based) on `queue`; it is in the
/// process list when this returns.
pub fn spawn(
    state: &Arc<ServerState>,
    engine: &Arc<Engine>,
    queue: &Arc<Queue>,
    number: usize,
) -> Option<JoinHandle<()>> {
    let thread = state.threads.register("system user", "", None);
    let command = flavor_names::worker_command(engine.flavor);
    thread.begin(command, None);
    thread.set_state(flavor_names::state(engine.flavor, STATE_IDLE));
    let mut session = Session::new(Arc::clone(state), Arc::clone(&thread));
    session.fixed_command = Some(command);
    let mut worker = Worker {
        session,
        engine: Arc::clone(engine),
        number,
    };
    let queue = Arc::clone(queue);
    let spawned = std::thread::Builder::new()
        .name("slave_worker".into())
        .spawn(move || worker.run(&queue));
    if spawned.is_err() {
        state.threads.unregister(thread.id);
    }
    spawned.ok()
}

struct Worker {
    session: Session,
    engine: Arc<Engine>,
    number: usize,
}

impl Worker {
    fn run(&mut self, queue: &Queue) {
        while let Some(job) = queue.pop() {
            self.job(&job);
            queue.free(job.bytes);
            // Only a worker with nothing queued cleans up, so no group waits for it.
            if queue.is_empty() {
                slave_pos_cleanup::clean_if_due(&mut self.session);
            }
            self.idle();
        }
        let _ = crate::replication::apply::slave_pos::run(&mut self.session, "ROLLBACK");
        self.session.state.threads.unregister(self.session.id());
    }

    fn idle(&mut self) {
        self.session.set_db(None);
        let flavor = self.engine.flavor;
        self.session
            .thread
            .begin(flavor_names::worker_command(flavor), None);
        self.session
            .thread
            .set_state(flavor_names::state(flavor, STATE_IDLE));
    }

    fn job(&mut self, job: &Job) {
        let t = job.ticket;
        let how = if self.engine.wait_start(t, job.rule, &self.session.thread) == Start::Skip {
            Finished::Skipped
        } else {
            self.execute(job)
        };
        if how != Finished::Failed {
            self.engine.finish(t, how);
        }
        self.session.state.slave.lag_end(job.lag_key);
    }

    /// Runs the group with its retries; how it ended.
    fn execute(&mut self, job: &Job) -> Finished {
        if job.temporary {
            self.session.temp_tables = std::mem::take(&mut *lock(&self.engine.temp_tables));
        }
        let result = self.apply_with_retries(job);
        let open_temp = if job.temporary {
            let mut shared = lock(&self.engine.temp_tables);
            *shared = std::mem::take(&mut self.session.temp_tables);
            Some(shared.len() as u64)
        } else {
            None
        };
        match result {
            Ok(gtid) => {
                record_progress(&self.session, &job.group, gtid, true, open_temp);
                Finished::Committed
            }
            Err(e) if e.code() == 1964 => Finished::RolledBack,
            Err(e) => {
                let failure = Failure {
                    ticket: job.ticket,
                    failure: self.describe(e, job),
                    gtid: job.group.gtid.map(|g| g.gtid),
                };
                self.engine.fail(failure);
                Finished::Failed
            }
        }
    }

    /// The failure as Last_SQL_Error gives it: in the mysql flavor, the coordinator's.
    fn describe(&self, e: GroupError, job: &Job) -> SqlFailure {
        let state = &self.session.state;
        let end_log_pos = mysql_failure::failed_event_end(&e, &job.group);
        let failure = describe_failure(state, e);
        if self.engine.flavor != Flavor::MySql {
            return failure;
        }
        let master_log = lock(&state.slave.sql).relay_master_log_file.clone();
        let at = FailedAt {
            worker: self.number,
            gtid: job.group.gtid.map(|g| g.gtid),
            master_log: &master_log,
            end_log_pos,
        };
        mysql_failure::coordinator_stopped(&at, failure)
    }

    fn apply_with_retries(&mut self, job: &Job) -> Result<Option<Gtid>, GroupError> {
        let t = job.ticket;
        let mut speculative = !self.engine.read(|o| o.prior_committed(t));
        let mut retries = 0u64;
        loop {
            let result = self.attempt(job);
            // A KILL ends the group's try, never the worker (spec 2.1).
            let killed = result.is_err() && self.session.thread.kill.take();
            match result {
                Ok(gtid) => return Ok(gtid),
                Err(e) if e.code() == 1964 => return Err(e),
                Err(e) if killed && !job.rule.speculative && KILL_ERRORS.contains(&e.code()) => {
                    return Err(e);
                }
                Err(e) if self.may_retry(&e, speculative || killed, retries) => {
                    retries += 1;
                    // Parallel retries do not sleep.
                    count_retry(&self.session.state);
                    if !self.engine.wait_prior_committed(t, &self.session.thread) {
                        return Err(engine::prior_failed());
                    }
                    speculative = false;
                }
                Err(e) if retries > 0 && RETRY_ERRORS.contains(&e.code()) => {
                    return Err(match e {
                        GroupError::Statement { error, .. } => {
                            GroupError::Failed(errors::retries_exhausted(&error))
                        }
                        other => other,
                    });
                }
                Err(_) if speculative => return Err(engine::deadlocked()),
                Err(e) => return Err(e),
            }
        }
    }

    /// A temporary error, or any error of a speculatively run group, is retried.
    fn may_retry(&self, e: &GroupError, speculative: bool, retries: u64) -> bool {
        (speculative || RETRY_ERRORS.contains(&e.code()))
            && retries < self.session.state.globals.slave_transaction_retries()
    }

    /// One try: the group applied up to its commit, which waits for the prior one.
    fn attempt(&mut self, job: &Job) -> Result<Option<Gtid>, GroupError> {
        let t = job.ticket;
        let log = self.session.state.globals.log_slave_updates();
        self.session
            .vars
            .set_server_value("sql_log_bin", crate::sysvars::Setting::Bool(log));
        // A worker killed while idle fails the next group it takes.
        if let Err(e) = self.session.thread.kill.check() {
            return Err(GroupError::Failed(errors::killed_outside_statement(&e)));
        }
        let txn = self.session.txn.id();
        self.engine.running(txn, Some(t));
        let engine = Arc::clone(&self.engine);
        let mut sub_id = job.sub_id;
        let result =
            applier::apply_group_gated(&mut self.session, &job.group, &mut sub_id, &mut |s| {
                let txn = s.txn.id();
                engine.running(txn, Some(t));
                // Done executing, a worker shows no database (spec 1.1).
                s.set_db(None);
                engine.gate(t, txn, &s.thread, &s.state.storage)
            });
        let after = self.session.txn.id();
        self.engine.running(txn, None);
        self.engine.running(after, None);
        result
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
