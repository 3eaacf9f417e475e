//! Row locks of transactional tables and the waits-for graph. A
//! transaction asks for a row's lock in shared or exclusive mode; when
//! another transaction holds a conflicting one it waits, polling its KILL
//! flag, until the holder commits or rolls back, the timeout passes (1205),
//! or waiting would close a cycle of waiting transactions (1213). As in
//! InnoDB the deadlock victim is the lightest transaction of the cycle (fewest
//! changed rows), the requester on a tie; a victim that is already waiting
//! is woken with 1213.
//!
//! Besides rows, a lock may cover one value of a PRIMARY or UNIQUE key
//! that no row has: the part of InnoDB's gap locks that keeps a row from
//! appearing under a transaction that looked it up by that value and found
//! nothing. UPDATE, DELETE and locking reads take it when their WHERE fixes
//! every column of such a key to a constant that no row, committed or not,
//! has (before they look, and again after, for a row that went away
//! meanwhile); like gap locks these never conflict with each other, in
//! either mode. An INSERT (or an UPDATE giving
//! a row a new key value) waits, like InnoDB's insert-intention lock, until
//! no other transaction holds its row's key values, and takes nothing.
//! Ranges and other WHERE clauses lock no absent values, and a value
//! locks only itself, not the whole gap around it as InnoDB does, so
//! phantoms are otherwise not prevented.

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

/// What a lock covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockKey {
    /// A row: `(table id, row id)`.
    Row(u64, u64),
    /// A PRIMARY or UNIQUE key value: `(table id, hash of key and values)`.
    KeyValue(u64, u64),
}

/// Who holds one lock (of a row or of a key value).
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

    /// The other transactions holding the lock in any mode.
    fn holders_other_than(&self, txn: u64) -> impl Iterator<Item = u64> + '_ {
        self.exclusive
            .iter()
            .chain(&self.shared)
            .copied()
            .filter(move |&t| t != txn)
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
    /// The other holders of any of `keys`, each once.
    fn insert_blockers(&self, txn: u64, keys: &[LockKey]) -> Vec<u64> {
        let mut out: Vec<u64> = keys
            .iter()
            .filter_map(|k| self.rows.get(k))
            .flat_map(|lock| lock.holders_other_than(txn))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

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

    /// Everyone whose wait ends only after `txn` ends: its waiters, theirs, and so on.
    fn waiting_behind(&self, txn: u64) -> Vec<u64> {
        let mut found: Vec<u64> = Vec::new();
        let mut queue = VecDeque::from([txn]);
        while let Some(holder) = queue.pop_front() {
            for (&t, w) in &self.waits_for {
                if t != txn && w.blockers.contains(&holder) && !found.contains(&t) {
                    found.push(t);
                    queue.push_back(t);
                }
            }
        }
        found
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

/// The row and key-value locks shared by all transactions of one server.
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
    /// long as `wait` allows. A key-value lock never waits: it is held as
    /// shared whatever `mode`, since such locks do not conflict.
    pub fn acquire(
        &self,
        txn: u64,
        weight: u64,
        key: LockKey,
        mode: LockMode,
        wait: &Wait,
    ) -> ServerResult<()> {
        let mode = match key {
            LockKey::Row(..) => mode,
            LockKey::KeyValue(..) => LockMode::Shared,
        };
        let blockers = |st: &LockTable| {
            st.rows
                .get(&key)
                .map(|r| r.blockers(txn, mode))
                .unwrap_or_default()
        };
        self.wait_until_free(txn, weight, wait, blockers, |st| {
            st.rows.entry(key).or_default().grant(txn, mode);
        })
    }

    /// The other transactions holding any of the key-value locks `keys`:
    /// an insert of a row with those key values must wait for them.
    pub fn insert_blockers(&self, txn: u64, keys: &[LockKey]) -> Vec<u64> {
        self.state().insert_blockers(txn, keys)
    }

    /// Waits, as `acquire` does, until no other transaction holds any of
    /// `keys`; takes nothing (the caller checks again and inserts).
    pub fn wait_to_insert(
        &self,
        txn: u64,
        weight: u64,
        keys: &[LockKey],
        wait: &Wait,
    ) -> ServerResult<()> {
        let blockers = |st: &LockTable| st.insert_blockers(txn, keys);
        self.wait_until_free(txn, weight, wait, blockers, |_| {})
    }

    /// Waits until `blockers` finds none, then `grant`s under the same
    /// guard; ends early on a deadlock (1213), KILL, or timeout (1205).
    fn wait_until_free(
        &self,
        txn: u64,
        weight: u64,
        wait: &Wait,
        blockers: impl Fn(&LockTable) -> Vec<u64>,
        grant: impl FnOnce(&mut LockTable),
    ) -> ServerResult<()> {
        // A timeout too large for the clock (up to 2^30 s) never ends.
        let deadline = Instant::now().checked_add(wait.timeout);
        let mut waiting = false;
        let mut st = self.state();
        let result = loop {
            if st.victims.remove(&txn) {
                break Err(errors::deadlock());
            }
            let blockers = blockers(&st);
            if blockers.is_empty() {
                grant(&mut st);
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

    /// The transactions waiting for a lock `txn` holds, directly or
    /// behind another waiter: all of them wait until `txn` ends.
    pub fn waiters_of(&self, txn: u64) -> Vec<u64> {
        self.state().waiting_behind(txn)
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

    const ROW: LockKey = LockKey::Row(1, 1);
    const VALUE: LockKey = LockKey::KeyValue(1, 1);

    fn wait(kill: &KillSwitch, ms: u64) -> Wait<'_> {
        Wait::new(Duration::from_millis(ms), kill)
    }

    #[test]
    fn shared_locks_are_compatible_and_block_exclusive() {
        let m = LockManager::default();
        let k = KillSwitch::default();
        m.acquire(1, 0, ROW, LockMode::Shared, &wait(&k, 10))
            .unwrap();
        m.acquire(2, 0, ROW, LockMode::Shared, &wait(&k, 10))
            .unwrap();
        let e = m
            .acquire(3, 0, ROW, LockMode::Exclusive, &wait(&k, 10))
            .unwrap_err();
        assert_eq!(e.code, 1205);
        m.release_all(1, [ROW]);
        m.release_all(2, [ROW]);
        m.acquire(3, 0, ROW, LockMode::Exclusive, &wait(&k, 10))
            .unwrap();
    }

    #[test]
    fn huge_timeouts_do_not_overflow_the_clock() {
        let m = LockManager::default();
        let k = KillSwitch::default();
        let forever = Wait::new(Duration::from_secs(1 << 30), &k);
        m.acquire(1, 0, ROW, LockMode::Exclusive, &forever).unwrap();
        k.kill_query();
        let e = m
            .acquire(2, 0, ROW, LockMode::Exclusive, &forever)
            .unwrap_err();
        assert_eq!(e.code, 1317);
    }

    #[test]
    fn own_shared_lock_upgrades_when_alone() {
        let m = LockManager::default();
        let k = KillSwitch::default();
        m.acquire(1, 0, ROW, LockMode::Shared, &wait(&k, 10))
            .unwrap();
        m.acquire(1, 0, ROW, LockMode::Exclusive, &wait(&k, 10))
            .unwrap();
        let e = m
            .acquire(2, 0, ROW, LockMode::Shared, &wait(&k, 10))
            .unwrap_err();
        assert_eq!(e.code, 1205);
    }

    #[test]
    fn key_value_locks_never_conflict_but_block_other_inserts() {
        let m = LockManager::default();
        let k = KillSwitch::default();
        m.acquire(1, 0, VALUE, LockMode::Exclusive, &wait(&k, 10))
            .unwrap();
        m.acquire(2, 0, VALUE, LockMode::Exclusive, &wait(&k, 10))
            .unwrap();
        m.acquire(3, 0, VALUE, LockMode::Shared, &wait(&k, 10))
            .unwrap();
        assert_eq!(m.insert_blockers(1, &[VALUE, ROW]), [2, 3]);
        let e = m.wait_to_insert(4, 0, &[VALUE], &wait(&k, 10)).unwrap_err();
        assert_eq!(e.code, 1205);
        m.release_all(2, [VALUE]);
        m.release_all(3, [VALUE]);
        assert!(
            m.insert_blockers(1, &[VALUE]).is_empty(),
            "own locks never block"
        );
        m.wait_to_insert(1, 0, &[VALUE], &wait(&k, 10)).unwrap();
        assert!(
            m.insert_blockers(1, &[VALUE]).is_empty(),
            "inserting takes nothing"
        );
    }

    #[test]
    fn an_insert_waiting_for_a_key_value_is_a_waiter_of_its_holder_and_can_deadlock() {
        let m = LockManager::default();
        let k = KillSwitch::default();
        m.acquire(1, 0, VALUE, LockMode::Exclusive, &wait(&k, 10))
            .unwrap();
        m.acquire(2, 0, VALUE, LockMode::Exclusive, &wait(&k, 10))
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            let first = s.spawn(|| {
                let report = move |waiting: bool| tx.send(waiting).unwrap();
                let w = Wait {
                    on_wait: Some(&report),
                    ..wait(&k, 5000)
                };
                m.wait_to_insert(1, 1, &[VALUE], &w)
            });
            assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(true));
            assert_eq!(m.waiters_of(2), [1]);
            let e = m
                .wait_to_insert(2, 0, &[VALUE], &wait(&k, 5000))
                .unwrap_err();
            assert_eq!(e.code, 1213, "the lighter requester is the victim");
            m.release_all(2, [VALUE]);
            first.join().unwrap().unwrap();
        });
    }

    fn waiter(blockers: Vec<u64>, weight: u64) -> Waiter {
        Waiter { blockers, weight }
    }

    #[test]
    fn waiters_behind_a_waiter_count_as_waiting_for_the_holder() {
        let mut t = LockTable::default();
        t.waits_for.insert(1, waiter(vec![3], 0));
        t.waits_for.insert(3, waiter(vec![2], 0));
        t.waits_for.insert(4, waiter(vec![5], 0));
        let mut behind = t.waiting_behind(2);
        behind.sort();
        assert_eq!(behind, [1, 3]);
        assert_eq!(t.waiting_behind(3), [1]);
        assert!(t.waiting_behind(1).is_empty());
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
