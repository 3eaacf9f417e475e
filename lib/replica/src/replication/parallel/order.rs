//! The commit order of a parallel slave, per replication domain (spec
//! 1.3, 1.4, 2.1, 3.2): the driver numbers each group it queues (`seq`,
//! 1, 2, … within its domain) with the rule for when it may start; the
//! workers ask whether a group may start, commit, or must be skipped, and
//! report when it started committing and how it finished. STOP, an error
//! and FTWRL set the stop, failure and pause points that the answers
//! follow. This is a plain state machine: the caller holds the lock and
//! sleeps on the condition variable of [`super::engine::Engine`].

use std::collections::{BTreeMap, BTreeSet};

/// When a queued group may begin executing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartRule {
    /// Every group up to this one must have started committing (the
    /// group-commit orderer's barrier; 0 for none).
    pub barrier: u64,
    /// Every earlier group must have committed (non-transactional groups
    /// in optimistic mode, DDL, temporary tables).
    pub after_prior_commit: bool,
    /// MariaDB's optimistic speculation: any error of the group, a KILL
    /// of its worker included, is retried as a deadlock.
    pub speculative: bool,
}

/// A queued group's place: its domain and number there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket {
    pub domain: u32,
    pub seq: u64,
}

/// What a worker holding a ticket does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    Go,
    Skip,
    /// Waits, in this process-list state.
    Wait(&'static str),
}

/// Whether a finished group may commit now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    Go,
    Wait,
    /// An earlier group failed: this one rolls back (1964).
    PriorFailed,
}

/// How a group left the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    Committed,
    /// It failed and stops the slave.
    Failed,
    /// Rolled back because an earlier group failed.
    RolledBack,
    /// Never executed: past the stop or failure point.
    Skipped,
}

pub const WAIT_START_COMMIT: &str = "Waiting for prior transaction to start commit";
pub const WAIT_COMMIT: &str = "Waiting for prior transaction to commit";
pub const WAIT_READ_LOCK: &str = "Waiting due to global read lock";

/// One domain's progress.
#[derive(Debug, Default)]
struct Domain {
    queued: u64,
    largest_started: u64,
    /// Every group up to here has started committing (or is done).
    commit_started_upto: u64,
    commit_started: BTreeSet<u64>,
    /// Every group up to here has committed.
    committed_upto: u64,
    /// Every group up to here is done in some way.
    done_upto: u64,
    done: BTreeSet<u64>,
    stop_at: Option<u64>,
    failed_at: Option<u64>,
    pause_at: Option<u64>,
}

impl Domain {
    fn start(&mut self, seq: u64, rule: StartRule) -> Start {
        if self.failed_at.is_some_and(|f| seq > f) || self.stop_at.is_some_and(|s| seq > s) {
            return Start::Skip;
        }
        if self.commit_started_upto < rule.barrier {
            return Start::Wait(WAIT_START_COMMIT);
        }
        if rule.after_prior_commit && self.committed_upto + 1 < seq {
            return Start::Wait(WAIT_COMMIT);
        }
        if self.pause_at.is_some_and(|p| seq > p) {
            return Start::Wait(WAIT_READ_LOCK);
        }
        self.largest_started = self.largest_started.max(seq);
        Start::Go
    }

    fn commit(&self, seq: u64) -> Commit {
        if self.failed_at.is_some_and(|f| seq > f) {
            Commit::PriorFailed
        } else if self.committed_upto + 1 == seq {
            Commit::Go
        } else {
            Commit::Wait
        }
    }

    fn started_commit(&mut self, seq: u64) {
        self.commit_started.insert(seq);
        while self.commit_started.remove(&(self.commit_started_upto + 1)) {
            self.commit_started_upto += 1;
        }
    }

    fn finish(&mut self, seq: u64, how: Finished) {
        self.started_commit(seq);
        if how == Finished::Committed && self.committed_upto + 1 == seq {
            self.committed_upto = seq;
        }
        if how == Finished::Failed {
            self.failed_at = Some(self.failed_at.map_or(seq, |f| f.min(seq)));
        }
        self.done.insert(seq);
        while self.done.remove(&(self.done_upto + 1)) {
            self.done_upto += 1;
        }
    }

    fn idle(&self) -> bool {
        self.done_upto == self.queued
    }
}

/// Every domain's order.
#[derive(Debug, Default)]
pub struct Order {
    domains: BTreeMap<u32, Domain>,
    /// A STOP SLAVE (or UNTIL drain) has set the stop points.
    stopping: bool,
}

impl Order {
    /// Numbers the next group of `domain`.
    pub fn queue(&mut self, domain: u32) -> Ticket {
        let d = self.domains.entry(domain).or_default();
        d.queued += 1;
        Ticket {
            domain,
            seq: d.queued,
        }
    }

    /// The number the next group of `domain` would get.
    pub fn next_seq(&self, domain: u32) -> u64 {
        self.domains.get(&domain).map_or(1, |d| d.queued + 1)
    }

    pub fn start(&mut self, t: Ticket, rule: StartRule) -> Start {
        self.domain(t).start(t.seq, rule)
    }

    pub fn commit(&mut self, t: Ticket) -> Commit {
        self.domain(t).commit(t.seq)
    }

    pub fn started_commit(&mut self, t: Ticket) {
        self.domain(t).started_commit(t.seq);
    }

    pub fn finish(&mut self, t: Ticket, how: Finished) {
        self.domain(t).finish(t.seq, how);
    }

    /// Whether every group before `t` has committed.
    pub fn prior_committed(&self, t: Ticket) -> bool {
        self.domains
            .get(&t.domain)
            .is_none_or(|d| d.committed_upto + 1 >= t.seq)
    }

    /// Whether an earlier group of `t`'s domain failed.
    pub fn prior_failed(&self, t: Ticket) -> bool {
        self.domains
            .get(&t.domain)
            .is_some_and(|d| d.failed_at.is_some_and(|f| t.seq > f))
    }

    /// Every queued group is done.
    pub fn idle(&self) -> bool {
        self.domains.values().all(Domain::idle)
    }

    /// Some group failed.
    pub fn failed(&self) -> bool {
        self.domains.values().any(|d| d.failed_at.is_some())
    }

    /// STOP SLAVE: each domain stops after the largest group already started.
    pub fn stop(&mut self) {
        self.stopping = true;
        for d in self.domains.values_mut() {
            let at = d.largest_started.max(d.done_upto);
            d.stop_at = Some(d.stop_at.map_or(at, |s| s.min(at)));
        }
    }

    /// A stop point of `domain` set by another rule (MySQL's, `mysql_stop`).
    pub fn stop_at(&mut self, domain: u32, seq: u64) {
        self.stopping = true;
        let d = self.domains.entry(domain).or_default();
        d.stop_at = Some(d.stop_at.map_or(seq, |s| s.min(seq)));
    }

    /// Whether the group has reached its commit (or is done).
    pub fn reached_commit(&self, t: Ticket) -> bool {
        self.domains
            .get(&t.domain)
            .is_some_and(|d| t.seq <= d.commit_started_upto || d.commit_started.contains(&t.seq))
    }

    /// UNTIL reached: everything queued still runs, nothing after it.
    pub fn drain(&mut self) {
        self.stopping = true;
        for d in self.domains.values_mut() {
            d.stop_at.get_or_insert(d.queued);
        }
    }

    pub fn stopping(&self) -> bool {
        self.stopping
    }

    /// FTWRL: groups not yet started wait; true if anything is running.
    pub fn pause(&mut self) {
        for d in self.domains.values_mut() {
            d.pause_at = Some(d.largest_started.max(d.done_upto));
        }
    }

    /// Whether every group started before the pause is done.
    pub fn paused(&self) -> bool {
        self.domains
            .values()
            .all(|d| d.pause_at.is_none_or(|p| d.done_upto >= p))
    }

    pub fn unpause(&mut self) {
        for d in self.domains.values_mut() {
            d.pause_at = None;
        }
    }

    fn domain(&mut self, t: Ticket) -> &mut Domain {
        self.domains.entry(t.domain).or_default()
    }
}

#[cfg(test)]
#[path = "order_tests.rs"]
mod tests;
