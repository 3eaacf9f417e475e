//! Row locks of transactional tables and the waits-for graph. A
//! transaction asks for a row's lock in shared or exclusive mode; when
//! another transaction holds a conflicting one it waits, polling its KILL
//! flag, until the holder commits or rolls back, the timeout passes (1205),
//! or waiting would close a cycle of waiting transactions (1213, at once;
//! the requester is the victim). Locks are on existing rows only: there are
//! no gap or next-key locks, so phantoms are not prevented.

use std::collections::{HashMap, HashSet};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

use super::errors;
use super::wait::Wait;
use crate::error::ServerResult;
use crate::session::kill::KILL_POLL;

/// A lock's mode: FOR UPDATE and writes take Exclusive, LOCK IN SHARE MODE
/// and duplicate-key checks take Shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    Shared,
    Exclusive,
}

/// A lockable row: `(table id, row id)`.
pub type LockKey = (u64, u64);

/// Who holds one row's lock.
#[derive(Debug, Default)]
struct RowLock {
    exclusive: Option<u64>,
    shared: HashSet<u64>,
}

impl RowLock {
    /// The other transactions whose hold conflicts with `mode` for `txn`.
    fn blockers(&self, txn: u64, mode: LockMode) -> Vec<u64> {
        let mut out: Vec<u64> = self.exclusive.into_iter().filter(|&t| t != txn).collect();
        if mode == LockMode::Exclusive {
            out.extend(self.shared.iter().copied().filter(|&t| t != txn));
        }
        out
    }

    fn grant(&mut self, txn: u64, mode: LockMode) {
        match mode {
            LockMode::Exclusive => self.exclusive = Some(txn),
            LockMode::Shared => {
                self.shared.insert(txn);
            }
        }
    }

    fn release(&mut self, txn: u64) {
        if self.exclusive == Some(txn) {
            self.exclusive = None;
        }
        self.shared.remove(&txn);
    }

    fn is_free(&self) -> bool {
        self.exclusive.is_none() && self.shared.is_empty()
    }
}

/// Every row lock and who waits for whom.
#[derive(Debug, Default)]
struct LockTable {
    rows: HashMap<LockKey, RowLock>,
    /// Waiting transaction → the transactions it waits for.
    waits_for: HashMap<u64, Vec<u64>>,
}

impl LockTable {
    /// Whether `txn` waiting for `blockers` would close a cycle.
    fn closes_cycle(&self, txn: u64, blockers: &[u64]) -> bool {
        let mut seen = HashSet::new();
        let mut stack: Vec<u64> = blockers.to_vec();
        while let Some(t) = stack.pop() {
            if t == txn {
                return true;
            }
            if seen.insert(t) {
                if let Some(next) = self.waits_for.get(&t) {
                    stack.extend(next.iter().copied());
                }
            }
        }
        false
    }
}

/// The row locks shared by all transactions of one server.
#[derive(Debug, Default)]
pub struct LockManager {
    table: Mutex<LockTable>,
    released: Condvar,
}

impl LockManager {
    fn state(&self) -> MutexGuard<'_, LockTable> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes `key` in `mode` for `txn`, waiting as long as `wait` allows.
    pub fn acquire(&self, txn: u64, key: LockKey, mode: LockMode, wait: &Wait) -> ServerResult<()> {
        let deadline = Instant::now() + wait.timeout;
        let mut waiting = false;
        let mut st = self.state();
        let result = loop {
            let blockers = st
                .rows
                .get(&key)
                .map(|r| r.blockers(txn, mode))
                .unwrap_or_default();
            if blockers.is_empty() {
                st.rows.entry(key).or_default().grant(txn, mode);
                break Ok(());
            }
            if st.closes_cycle(txn, &blockers) {
                break Err(errors::deadlock());
            }
            if let Err(e) = wait.kill.check() {
                break Err(e);
            }
            let now = Instant::now();
            if now >= deadline {
                break Err(errors::lock_wait_timeout());
            }
            st.waits_for.insert(txn, blockers);
            if !waiting {
                waiting = true;
                drop(st);
                wait.notify(true);
                st = self.state();
                continue;
            }
            let pause = KILL_POLL.min(deadline - now);
            st = self
                .released
                .wait_timeout(st, pause)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        };
        st.waits_for.remove(&txn);
        drop(st);
        if waiting {
            wait.notify(false);
        }
        result
    }

    /// Gives `txn` the exclusive lock of a row nobody else can see yet.
    pub fn grant_new(&self, txn: u64, key: LockKey) {
        self.state()
            .rows
            .entry(key)
            .or_default()
            .grant(txn, LockMode::Exclusive);
    }

    /// Releases `txn`'s locks on `keys` and wakes the waiters.
    pub fn release_all(&self, txn: u64, keys: impl IntoIterator<Item = LockKey>) {
        let mut st = self.state();
        for key in keys {
            if let Some(lock) = st.rows.get_mut(&key) {
                lock.release(txn);
                if lock.is_free() {
                    st.rows.remove(&key);
                }
            }
        }
        drop(st);
        self.released.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::kill::KillSwitch;
    use std::time::Duration;

    fn wait(kill: &KillSwitch, ms: u64) -> Wait<'_> {
        Wait::new(Duration::from_millis(ms), kill)
    }

    #[test]
    fn shared_locks_are_compatible_and_block_exclusive() {
        let m = LockManager::default();
        let k = KillSwitch::default();
        m.acquire(1, (1, 1), LockMode::Shared, &wait(&k, 10))
            .unwrap();
        m.acquire(2, (1, 1), LockMode::Shared, &wait(&k, 10))
            .unwrap();
        let e = m
            .acquire(3, (1, 1), LockMode::Exclusive, &wait(&k, 10))
            .unwrap_err();
        assert_eq!(e.code, 1205);
        m.release_all(1, [(1, 1)]);
        m.release_all(2, [(1, 1)]);
        m.acquire(3, (1, 1), LockMode::Exclusive, &wait(&k, 10))
            .unwrap();
    }

    #[test]
    fn own_shared_lock_upgrades_when_alone() {
        let m = LockManager::default();
        let k = KillSwitch::default();
        m.acquire(1, (1, 1), LockMode::Shared, &wait(&k, 10))
            .unwrap();
        m.acquire(1, (1, 1), LockMode::Exclusive, &wait(&k, 10))
            .unwrap();
        let e = m
            .acquire(2, (1, 1), LockMode::Shared, &wait(&k, 10))
            .unwrap_err();
        assert_eq!(e.code, 1205);
    }

    #[test]
    fn cycle_in_waits_for_graph_is_detected() {
        let mut t = LockTable::default();
        t.waits_for.insert(2, vec![3]);
        t.waits_for.insert(3, vec![1]);
        assert!(t.closes_cycle(1, &[2]));
        assert!(!t.closes_cycle(4, &[2]));
    }
}
