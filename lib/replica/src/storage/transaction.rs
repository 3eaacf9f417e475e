//! One connection's transaction: its id, its consistent-read snapshot, the
//! row and key-value locks it holds and the undo log of its uncommitted
//! changes. Tables record changes into it; the session ends it with
//! `commit` or `rollback` (or a statement with `rollback_statement`) and
//! may reuse it afterwards.
//! Isolation is REPEATABLE READ: the snapshot is taken at the first read
//! (per statement in autocommit mode when asked).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::locks::{LockKey, LockManager, LockMode};
use super::persist_commit;
use super::row_changes::RowChanges;
use super::rows::{RowId, RowStore};
use super::wait::Wait;
use crate::error::ServerResult;
use crate::sql::value::Row;

/// What all transactions of one server share.
#[derive(Debug, Default)]
pub struct TxnShared {
    pub locks: LockManager,
    /// The commit clock: the stamp of the newest commit.
    clock: AtomicU64,
    /// Serialises commits so a snapshot sees a commit whole or not at all.
    commit_lock: Mutex<()>,
    next_txn: AtomicU64,
    /// Snapshots in use → how many transactions read from each.
    snapshots: Mutex<BTreeMap<u64, usize>>,
}

impl TxnShared {
    fn new_txn_id(&self) -> u64 {
        self.next_txn.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn open_snapshot(&self) -> u64 {
        let mut snaps = self.snapshots.lock().unwrap_or_else(|e| e.into_inner());
        let s = self.clock.load(Ordering::SeqCst);
        *snaps.entry(s).or_default() += 1;
        s
    }

    fn close_snapshot(&self, s: u64) {
        let mut snaps = self.snapshots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = snaps.get_mut(&s) {
            *n -= 1;
            if *n == 0 {
                snaps.remove(&s);
            }
        }
    }

    /// The oldest snapshot still in use, else the newest commit.
    pub fn horizon(&self) -> u64 {
        let snaps = self.snapshots.lock().unwrap_or_else(|e| e.into_inner());
        let first = snaps.keys().next().copied();
        first.unwrap_or_else(|| self.clock.load(Ordering::SeqCst))
    }
}

/// One undone-on-rollback change: row `id` of `store` had `before` as this
/// transaction's pending version (`None`: no pending version).
#[derive(Debug)]
struct Undo {
    store: Arc<RowStore>,
    id: RowId,
    before: Option<Option<Row>>,
}

/// What ROLLBACK could not undo, for warning 1196.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RollbackReport {
    pub non_transactional_changed: bool,
}

/// A point ROLLBACK TO SAVEPOINT returns to: the undo log's length when
/// it was set, and the caller's own mark (the binary log cache's length).
#[derive(Debug, Clone)]
struct Savepoint {
    name: String,
    undo_mark: usize,
    log_mark: usize,
}

/// A connection's transaction.
#[derive(Debug)]
pub struct Transaction {
    shared: Arc<TxnShared>,
    connection_id: u64,
    id: u64,
    snapshot: Option<u64>,
    per_statement_snapshot: bool,
    undo: Vec<Undo>,
    statement_start: usize,
    held: HashMap<LockKey, LockMode>,
    active: bool,
    non_transactional_changed: bool,
    /// SAVEPOINTs, oldest first; names compare case-insensitively.
    savepoints: Vec<Savepoint>,
    /// The running statement's row changes, when it is row-logged.
    pub row_changes: RowChanges,
}

impl Transaction {
    pub(crate) fn new(shared: Arc<TxnShared>, connection_id: u64) -> Transaction {
        let id = shared.new_txn_id();
        Transaction {
            shared,
            connection_id,
            id,
            snapshot: None,
            per_statement_snapshot: false,
            undo: Vec::new(),
            statement_start: 0,
            held: HashMap::new(),
            active: false,
            non_transactional_changed: false,
            savepoints: Vec::new(),
            row_changes: RowChanges::default(),
        }
    }

    /// The transaction's id; a new one after each commit or rollback.
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn connection_id(&self) -> u64 {
        self.connection_id
    }

    /// Whether the transaction has read or written anything.
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Whether there are uncommitted transactional changes to commit.
    pub fn has_changes(&self) -> bool {
        !self.undo.is_empty()
    }

    /// How many transactional row changes are pending (the binary log
    /// tells a statement that changed only non-transactional tables by it).
    pub fn change_count(&self) -> usize {
        self.undo.len()
    }

    /// Whether a non-transactional table was changed since the start.
    pub fn non_transactional_changed(&self) -> bool {
        self.non_transactional_changed
    }

    /// The oldest snapshot any transaction still reads from.
    pub(crate) fn horizon(&self) -> u64 {
        self.shared.horizon()
    }

    /// In autocommit mode each statement reads from a fresh snapshot.
    pub fn set_autocommit_snapshot(&mut self, per_statement: bool) {
        self.per_statement_snapshot = per_statement;
    }

    /// Marks a statement's start, the point `rollback_statement` returns to.
    pub fn start_statement(&mut self) {
        self.statement_start = self.undo.len();
        if self.per_statement_snapshot {
            self.drop_snapshot();
        }
    }

    /// Undoes the running statement's transactional changes; locks stay.
    pub fn rollback_statement(&mut self) {
        self.undo_to(self.statement_start);
    }

    /// Makes every change visible to others and releases the locks.
    pub fn commit(&mut self) {
        let shared = Arc::clone(&self.shared);
        {
            let _guard = shared.commit_lock.lock().unwrap_or_else(|e| e.into_inner());
            let ts = shared.clock.load(Ordering::SeqCst) + 1;
            self.drop_snapshot();
            // Before the clock moves: snapshots opened meanwhile see ts - 1.
            let horizon = shared.horizon();
            let mut done = HashSet::new();
            for u in &self.undo {
                if done.insert((u.store.table_id, u.id)) {
                    u.store.data().commit_pending(u.id, self.id, ts, horizon);
                }
            }
            persist_commit::log_commit(&self.changed_rows());
            shared.clock.store(ts, Ordering::SeqCst);
        }
        self.undo.clear();
        self.finish();
    }

    /// Undoes every transactional change and releases the locks.
    pub fn rollback(&mut self) -> RollbackReport {
        let report = RollbackReport {
            non_transactional_changed: self.non_transactional_changed,
        };
        let changed: Vec<_> = self
            .undo
            .iter()
            .map(|u| (Arc::clone(&u.store), u.id))
            .collect();
        self.undo_to(0);
        persist_commit::log_commit(&changed.iter().map(|(s, id)| (s, *id)).collect::<Vec<_>>());
        self.finish();
        report
    }

    /// SAVEPOINT: marks the present state under `name`, replacing a
    /// savepoint of that name; `log_mark` is returned by ROLLBACK TO.
    pub fn set_savepoint(&mut self, name: &str, log_mark: usize) {
        self.savepoints
            .retain(|s| !s.name.eq_ignore_ascii_case(name));
        self.savepoints.push(Savepoint {
            name: name.to_string(),
            undo_mark: self.undo.len(),
            log_mark,
        });
    }

    /// ROLLBACK TO SAVEPOINT: undoes the changes made since `name` was
    /// set and forgets the later savepoints; `None` when there is no
    /// such savepoint, else the savepoint's `log_mark`.
    pub fn rollback_to_savepoint(&mut self, name: &str) -> Option<usize> {
        let at = self.savepoint_index(name)?;
        let point = self.savepoints[at].clone();
        self.savepoints.truncate(at + 1);
        self.undo_to(point.undo_mark);
        Some(point.log_mark)
    }

    /// RELEASE SAVEPOINT: forgets `name` and the later savepoints;
    /// false when there is no such savepoint.
    pub fn release_savepoint(&mut self, name: &str) -> bool {
        match self.savepoint_index(name) {
            Some(at) => {
                self.savepoints.truncate(at);
                true
            }
            None => false,
        }
    }

    fn savepoint_index(&self, name: &str) -> Option<usize> {
        self.savepoints
            .iter()
            .position(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The rows this transaction changed, for the log.
    fn changed_rows(&self) -> Vec<(&Arc<RowStore>, RowId)> {
        self.undo.iter().map(|u| (&u.store, u.id)).collect()
    }

    fn undo_to(&mut self, mark: usize) {
        while self.undo.len() > mark {
            let Some(u) = self.undo.pop() else { break };
            u.store.data().set_pending(u.id, self.id, u.before);
        }
        self.statement_start = self.statement_start.min(mark);
    }

    /// Releases the locks and readies the transaction for reuse.
    fn finish(&mut self) {
        let keys: Vec<LockKey> = self.held.drain().map(|(k, _)| k).collect();
        self.shared.locks.release_all(self.id, keys);
        self.id = self.shared.new_txn_id();
        self.drop_snapshot();
        self.statement_start = 0;
        self.active = false;
        self.non_transactional_changed = false;
        self.savepoints.clear();
    }

    /// The snapshot for consistent reads, taken now if not yet.
    pub(crate) fn read_view(&mut self) -> u64 {
        self.active = true;
        *self
            .snapshot
            .get_or_insert_with(|| self.shared.open_snapshot())
    }

    /// START TRANSACTION WITH CONSISTENT SNAPSHOT: reads from now on.
    pub fn start_snapshot(&mut self) {
        self.read_view();
    }

    fn drop_snapshot(&mut self) {
        if let Some(s) = self.snapshot.take() {
            self.shared.close_snapshot(s);
        }
    }

    /// Notes a read or write that makes the transaction active.
    pub(crate) fn touch(&mut self) {
        self.active = true;
    }

    /// Notes a change to a non-transactional table.
    pub(crate) fn note_non_transactional_change(&mut self) {
        self.active = true;
        self.non_transactional_changed = true;
    }

    /// Whether a lock at least as strong as `mode` is held on `key`.
    pub(crate) fn holds(&self, key: LockKey, mode: LockMode) -> bool {
        matches!(
            (self.held.get(&key), mode),
            (Some(LockMode::Exclusive), _) | (Some(LockMode::Shared), LockMode::Shared)
        )
    }

    /// Takes a row lock unless an equal or stronger one is already held.
    pub(crate) fn lock(&mut self, key: LockKey, mode: LockMode, wait: &Wait) -> ServerResult<()> {
        match (self.held.get(&key), mode) {
            (Some(LockMode::Exclusive), _) | (Some(LockMode::Shared), LockMode::Shared) => Ok(()),
            _ => {
                self.shared
                    .locks
                    .acquire(self.id, self.weight(), key, mode, wait)?;
                self.held.insert(key, mode);
                Ok(())
            }
        }
    }

    /// Whether another transaction holds one of `keys`, the key values of
    /// a row about to be inserted (asked under the table's row data).
    pub(crate) fn insert_blocked(&self, keys: &[LockKey]) -> bool {
        !keys.is_empty() && !self.shared.locks.insert_blockers(self.id, keys).is_empty()
    }

    /// Waits until no other transaction holds one of `keys`.
    pub(crate) fn wait_to_insert(&mut self, keys: &[LockKey], wait: &Wait) -> ServerResult<()> {
        let weight = self.weight();
        self.shared
            .locks
            .wait_to_insert(self.id, weight, keys, wait)
    }

    /// How costly rolling back would be, for choosing a deadlock victim:
    /// changed rows, and non-transactional changes outweigh everything.
    fn weight(&self) -> u64 {
        let non_transactional = if self.non_transactional_changed {
            1 << 40
        } else {
            0
        };
        self.undo.len() as u64 + non_transactional
    }

    /// Takes the exclusive lock of a row this transaction just created.
    pub(crate) fn lock_new(&mut self, key: LockKey) {
        self.shared.locks.grant_new(self.id, key);
        self.held.insert(key, LockMode::Exclusive);
    }

    /// Records a pending change of row `id` for undo.
    pub(crate) fn record_undo(
        &mut self,
        store: &Arc<RowStore>,
        id: RowId,
        before: Option<Option<Row>>,
    ) {
        self.undo.push(Undo {
            store: Arc::clone(store),
            id,
            before,
        });
    }
}

impl Drop for Transaction {
    /// A transaction dropped unfinished rolls back, so no lock outlives it.
    fn drop(&mut self) {
        if !self.undo.is_empty() || !self.held.is_empty() {
            self.rollback();
        }
        self.drop_snapshot();
    }
}
