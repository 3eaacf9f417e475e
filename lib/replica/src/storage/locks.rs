//! Row locks of transactional tables and the waits-for graph. A
//! transaction asks for a row's lock in shared or exclusive mode; when
//! another transaction holds a conflicting one it waits, polling its KILL
//! flag, until the holder commits or rolls back, the timeout passes (1205),
//! or waiting would close a cycle of waiting transactions (1213). As in
//! InnoDB the deadlock victim is the lightest transaction of the cycle (fewest
//! changed rows), the requester on a tie; a victim that is already waiting
//! is woken with 1213. Locks are on existing rows only: there are
//! no gap or next-key locks, so phantoms are not prevented.

use std::collections::{HashMap, HashSet, VecDeque};
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

/// A waiting transaction: whom it waits for, and its deadlock weight.
#[derive(Debug)]
struct Waiter {
    blockers: Vec<u64>,
    weight: u64,
}

/// Every row lock and who waits for whom.
#[derive(Debug, Default)]
struct LockTable {
    rows: HashMap<LockKey, RowLock>,
    waits_for: HashMap<u64, Waiter>,
    /// Waiting transactions chosen as deadlock victims, not yet told.
    victims: HashSet<u64>,
}

impl LockTable {
    /// The other members of the cycle `txn` would close by waiting for
    /// `blockers` (victims already chosen do not count), if any.
    fn cycle(&self, txn: u64, blockers: &[u64]) -> Option<Vec<u64>> {
        let mut parent: HashMap<u64, Option<u64>> = HashMap::new();
        let mut queue = VecDeque::new();
        for &b in blockers.iter().filter(|b| !self.victims.contains(b)) {
            if parent.insert(b, None).is_none() {
                queue.push_back(b);
            }
        }
        while let Some(t) = queue.pop_front() {
            let Some(waiter) = self.waits_for.get(&t) else {
                continue;
            };
            for &next in &waiter.blockers {
                if next == txn {
                    return Some(path_back(&parent, t));
                }
                if !self.victims.contains(&next) && !parent.contains_key(&next) {
                    parent.insert(next, Some(t));
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// The lightest of `cycle`'s waiting members if lighter than `weight`.
    fn lighter_victim(&self, cycle: &[u64], weight: u64) -> Option<u64> {
        cycle
            .iter()
            .filter_map(|t| self.waits_for.get(t).map(|w| (w.weight, *t)))
            .min()
            .filter(|&(w, _)| w < weight)
            .map(|(_, t)| t)
    }
}

/// The path from `last` back to where the search started.
fn path_back(parent: &HashMap<u64, Option<u64>>, last: u64) -> Vec<u64> {
    let mut path = vec![last];
    let mut cur = last;
    while let Some(Some(p)) = parent.get(&cur) {
        path.push(*p);
        cur = *p;
    }
    path
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

    /// Takes `key` in `mode` for `txn` (of deadlock `weight`), waiting as
    /// long as `wait` allows.
    pub fn acquire(
        &self,
        txn: u64,
        weight: u64,
        key: LockKey,
        mode: LockMode,
        wait: &Wait,
    ) -> ServerResult<()> {
        // A timeout too large for the clock (up to 2^30 s) never ends.
        let deadline = Instant::now().checked_add(wait.timeout);
        let mut waiting = false;
        let mut st = self.state();
        let result = loop {
            if st.victims.remove(&txn) {
                break Err(errors::deadlock());
            }
            let blockers = st
                .rows
                .get(&key)
                .map(|r| r.blockers(txn, mode))
                .unwrap_or_default();
            if blockers.is_empty() {
                st.rows.entry(key).or_default().grant(txn, mode);
                break Ok(());
            }
            if let Some(cycle) = st.cycle(txn, &blockers) {
                match st.lighter_victim(&cycle, weight) {
                    Some(victim) => {
                        st.victims.insert(victim);
                        self.released.notify_all();
                    }
                    None => break Err(errors::deadlock()),
                }
            }
            if let Err(e) = wait.kill.check() {
                break Err(e);
            }
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                break Err(errors::lock_wait_timeout());
            }
            st.waits_for.insert(txn, Waiter { blockers, weight });
            if !waiting {
                waiting = true;
                drop(st);
                wait.notify(true);
                st = self.state();
                continue;
            }
            let pause = deadline.map_or(KILL_POLL, |d| KILL_POLL.min(d - now));
            st = self
                .released
                .wait_timeout(st, pause)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        };
        st.waits_for.remove(&txn);
        st.victims.remove(&txn);
        drop(st);
        if waiting {
            wait.notify(false);
        }
        result
    }

    /// The transactions waiting for a row lock `txn` holds.
    pub fn waiters_of(&self, txn: u64) -> Vec<u64> {
        self.state()
            .waits_for
            .iter()
            .filter(|(_, w)| w.blockers.contains(&txn))
            .map(|(t, _)| *t)
            .collect()
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
        m.acquire(1, 0, (1, 1), LockMode::Shared, &wait(&k, 10))
            .unwrap();
        m.acquire(2, 0, (1, 1), LockMode::Shared, &wait(&k, 10))
            .unwrap();
        let e = m
            .acquire(3, 0, (1, 1), LockMode::Exclusive, &wait(&k, 10))
            .unwrap_err();
        assert_eq!(e.code, 1205);
        m.release_all(1, [(1, 1)]);
        m.release_all(2, [(1, 1)]);
        m.acquire(3, 0, (1, 1), LockMode::Exclusive, &wait(&k, 10))
            .unwrap();
    }

    #[test]
    fn huge_timeouts_do_not_overflow_the_clock() {
        let m = LockManager::default();
        let k = KillSwitch::default();
        let forever = Wait::new(Duration::from_secs(1 << 30), &k);
        m.acquire(1, 0, (1, 1), LockMode::Exclusive, &forever)
            .unwrap();
        k.kill_query();
        let e = m
            .acquire(2, 0, (1, 1), LockMode::Exclusive, &forever)
            .unwrap_err();
        assert_eq!(e.code, 1317);
    }

    #[test]
    fn own_shared_lock_upgrades_when_alone() {
        let m = LockManager::default();
        let k = KillSwitch::default();
        m.acquire(1, 0, (1, 1), LockMode::Shared, &wait(&k, 10))
            .unwrap();
        m.acquire(1, 0, (1, 1), LockMode::Exclusive, &wait(&k, 10))
            .unwrap();
        let e = m
            .acquire(2, 0, (1, 1), LockMode::Shared, &wait(&k, 10))
            .unwrap_err();
        assert_eq!(e.code, 1205);
    }

    fn waiter(blockers: Vec<u64>, weight: u64) -> Waiter {
        Waiter { blockers, weight }
    }

    #[test]
    fn cycle_in_waits_for_graph_is_found_with_its_members() {
        let mut t = LockTable::default();
        t.waits_for.insert(2, waiter(vec![3], 5));
        t.waits_for.insert(3, waiter(vec![1], 2));
        let mut cycle = t.cycle(1, &[2]).unwrap();
        cycle.sort();
        assert_eq!(cycle, [2, 3]);
        assert_eq!(t.cycle(4, &[2]), None);
        assert_eq!(t.lighter_victim(&cycle, 3), Some(3));
        assert_eq!(
            t.lighter_victim(&cycle, 2),
            None,
            "ties go to the requester"
        );
        t.victims.insert(3);
        assert_eq!(t.cycle(1, &[2]), None);
    }
}
