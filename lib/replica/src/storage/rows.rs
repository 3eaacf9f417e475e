//! A table's rows as version chains. Each row keeps its committed versions
//! (stamped with the commit clock, newest last) and at most one uncommitted
//! version, owned by the transaction holding the row's exclusive lock.
//! Transactions read through [`RowVersions::visible`]; commit stamps the
//! pending version, rollback puts back what the undo log kept.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use super::index::UniqueIndex;
use super::myisam_dynamic::DynamicFile;
use super::myisam_record::RecordShape;
use super::persist_file::Journal;
use super::persist_record::Record;
use super::schema::TableDef;
use crate::sql::value::Row;

/// A row's identity within its table; stable across updates.
pub type RowId = u64;

/// A committed version; `row: None` is a deletion.
#[derive(Debug, Clone)]
pub struct Version {
    pub commit_ts: u64,
    pub row: Option<Row>,
}

/// An uncommitted version of one transaction; `row: None` is a deletion.
#[derive(Debug, Clone)]
pub struct Pending {
    pub txn: u64,
    pub row: Option<Row>,
}

/// All versions of one row.
#[derive(Debug, Default)]
pub struct RowVersions {
    pub committed: Vec<Version>,
    pub pending: Option<Pending>,
}

impl RowVersions {
    /// The newest committed version, ignoring snapshots.
    pub fn latest_committed(&self) -> Option<&Row> {
        self.committed.last().and_then(|v| v.row.as_ref())
    }

    /// The version committed at or before `snapshot`.
    pub fn committed_at(&self, snapshot: u64) -> Option<&Row> {
        self.committed
            .iter()
            .rev()
            .find(|v| v.commit_ts <= snapshot)
            .and_then(|v| v.row.as_ref())
    }

    /// What `txn` sees: its own change, else the snapshot's version, else
    /// (no snapshot: non-transactional or locking reads) the newest one.
    pub fn visible(&self, txn: u64, snapshot: Option<u64>) -> Option<&Row> {
        match (&self.pending, snapshot) {
            (Some(p), _) if p.txn == txn => p.row.as_ref(),
            (_, Some(s)) => self.committed_at(s),
            (_, None) => self.latest_committed(),
        }
    }

    /// What a locking (current) read considers: its own change, else
    /// another transaction's uncommitted row (whose lock it will wait
    /// for), else the newest committed version.
    pub fn current(&self, txn: u64) -> Option<&Row> {
        match &self.pending {
            Some(p) if p.txn == txn => p.row.as_ref(),
            Some(Pending { row: Some(row), .. }) => Some(row),
            _ => self.latest_committed(),
        }
    }

    /// The other transaction with an uncommitted change here, if any.
    pub fn pending_owner_other_than(&self, txn: u64) -> Option<u64> {
        self.pending.as_ref().map(|p| p.txn).filter(|&t| t != txn)
    }

    /// Drops versions hidden from every snapshot at or after `horizon`; a
    /// deletion all of them see leaves nothing.
    fn prune(&mut self, horizon: u64) {
        let Some(keep) = self.committed.iter().rposition(|v| v.commit_ts <= horizon) else {
            return;
        };
        self.committed.drain(..keep);
        if self.committed.len() == 1 && self.committed[0].row.is_none() {
            self.committed.clear();
        }
    }

    /// Whether nothing remains of the row (an insert that was undone).
    pub fn is_empty(&self) -> bool {
        self.committed.is_empty() && self.pending.is_none()
    }
}

/// The mutable part of a table: rows and counters.
#[derive(Debug)]
pub struct RowData {
    pub rows: BTreeMap<RowId, RowVersions>,
    pub next_row_id: RowId,
    /// The next AUTO_INCREMENT value; never rolled back.
    pub auto_increment: u64,
    /// One per PRIMARY or UNIQUE key, over every version written.
    pub indexes: Vec<UniqueIndex>,
    /// Slots freed by non-transactional deletes, reused last-freed first
    /// as fixed-row MyISAM, Aria and MEMORY do (so scans show new rows there).
    free: Vec<RowId>,
    /// A dynamic-row MyISAM table's data file: its rows' ids are their
    /// positions there (plus one), so scans follow mariadbd's file order.
    dynamic: Option<(RecordShape, DynamicFile)>,
}

impl RowData {
    /// Sets (or clears, with `None`) `txn`'s uncommitted version of row `id`,
    /// returning the one it replaces, for the undo log.
    pub fn set_pending(
        &mut self,
        id: RowId,
        txn: u64,
        row: Option<Option<Row>>,
    ) -> Option<Option<Row>> {
        if let Some(Some(r)) = &row {
            self.index(id, r);
        }
        let entry = self.rows.entry(id).or_default();
        let before = entry.pending.take().filter(|p| p.txn == txn).map(|p| p.row);
        entry.pending = row.map(|row| Pending { txn, row });
        if entry.is_empty() {
            self.rows.remove(&id);
        }
        before
    }

    /// Replaces row `id` at once, as non-transactional engines do.
    pub fn write_now(&mut self, id: RowId, row: Option<Row>) {
        match row {
            Some(row) => {
                if let Some((shape, file)) = &mut self.dynamic {
                    let length = shape.length(&row);
                    if self.rows.contains_key(&id) {
                        file.update(id - 1, length);
                    } else if !file.holds(id - 1) {
                        file.claim(id - 1, length);
                    }
                }
                self.index(id, &row);
                let entry = self.rows.entry(id).or_default();
                entry.committed = vec![Version {
                    commit_ts: 0,
                    row: Some(row),
                }];
            }
            None => {
                if self.rows.remove(&id).is_none() {
                    return;
                }
                match &mut self.dynamic {
                    Some((_, file)) => file.delete(id - 1),
                    None => self.free.push(id),
                }
            }
        }
    }

    /// Makes `txn`'s uncommitted version of row `id` committed at `ts`,
    /// then forgets versions no snapshot at or after `horizon` can see.
    pub fn commit_pending(&mut self, id: RowId, txn: u64, ts: u64, horizon: u64) {
        let Some(entry) = self.rows.get_mut(&id) else {
            return;
        };
        if let Some(p) = entry.pending.take_if(|p| p.txn == txn) {
            entry.committed.push(Version {
                commit_ts: ts,
                row: p.row,
            });
        }
        entry.prune(horizon);
        if entry.is_empty() {
            self.rows.remove(&id);
        }
    }

    fn index(&mut self, id: RowId, row: &Row) {
        for idx in &mut self.indexes {
            idx.add(id, row);
        }
    }

    /// Empties the table (TRUNCATE).
    pub fn clear(&mut self) {
        self.rows.clear();
        self.free.clear();
        if let Some((_, file)) = &mut self.dynamic {
            *file = DynamicFile::default();
        }
        self.indexes.iter_mut().for_each(UniqueIndex::clear);
        self.auto_increment = 1;
    }

    /// Forgets rows whose deletion every snapshot at or after `horizon` sees.
    pub fn forget_deleted(&mut self, horizon: u64) {
        self.rows.retain(|_, v| {
            v.pending.is_some()
                || v.committed
                    .last()
                    .is_some_and(|c| c.row.is_some() || c.commit_ts > horizon)
        });
    }

    /// An id for new row `row`: where a dynamic-row MyISAM table writes
    /// it, else a freed slot, else a fresh one.
    pub fn allocate_id(&mut self, row: &Row) -> RowId {
        if let Some((shape, file)) = &mut self.dynamic {
            return file.insert(shape.length(row)) + 1;
        }
        if let Some(id) = self.free.pop() {
            return id;
        }
        self.next_row_id += 1;
        self.next_row_id
    }
}

/// A table's rows behind their lock, shared with the undo logs that
/// reference them.
#[derive(Debug)]
pub struct RowStore {
    /// Unique per table, for row lock keys.
    pub table_id: u64,
    pub transactional: bool,
    data: Mutex<RowData>,
    /// Where committed changes are logged; unset for temporary and MEMORY
    /// tables and tables of a storage without a datadir.
    pub journal: OnceLock<Arc<Journal>>,
}

impl RowStore {
    pub fn new(table_id: u64, def: &TableDef) -> RowStore {
        RowStore {
            table_id,
            transactional: def.engine.is_transactional(),
            data: Mutex::new(RowData {
                rows: BTreeMap::new(),
                next_row_id: 0,
                auto_increment: def.auto_increment.max(1),
                indexes: UniqueIndex::for_table(def),
                free: Vec::new(),
                dynamic: RecordShape::of(def).map(|shape| (shape, DynamicFile::default())),
            }),
            journal: OnceLock::new(),
        }
    }

    /// Appends the record `make` builds to the log, if this table has one.
    pub fn log(&self, make: impl FnOnce() -> Record) {
        if let Some(journal) = self.journal.get() {
            journal.append(&make());
        }
    }

    pub fn data(&self) -> MutexGuard<'_, RowData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::value::Value;
    use crate::storage::schema::Engine;

    fn store() -> RowStore {
        let def = TableDef {
            schema: "test".into(),
            name: "t".into(),
            columns: Vec::new(),
            keys: Vec::new(),
            engine: Engine::InnoDb,
            auto_increment: 1,
            charset: "latin1".into(),
            comment: None,
            temporary: false,
        };
        RowStore::new(1, &def)
    }

    #[test]
    fn snapshot_sees_only_older_commits_and_owner_sees_its_change() {
        let store = store();
        let mut d = store.data();
        d.set_pending(1, 7, Some(Some(vec![Value::Int(1)])));
        d.commit_pending(1, 7, 5, 0);
        d.set_pending(1, 8, Some(Some(vec![Value::Int(2)])));
        let r = &d.rows[&1];
        assert_eq!(r.visible(9, Some(4)), None);
        assert_eq!(r.visible(9, Some(5)), Some(&vec![Value::Int(1)]));
        assert_eq!(r.visible(8, Some(5)), Some(&vec![Value::Int(2)]));
        assert_eq!(r.pending_owner_other_than(9), Some(8));
    }

    #[test]
    fn commits_forget_versions_older_than_every_snapshot() {
        let store = store();
        let mut d = store.data();
        for (ts, v) in [(1, 1), (2, 2), (3, 3)] {
            d.set_pending(1, 7, Some(Some(vec![Value::Int(v)])));
            d.commit_pending(1, 7, ts, 2);
        }
        assert_eq!(d.rows[&1].committed.len(), 2);
        assert_eq!(d.rows[&1].committed_at(2), Some(&vec![Value::Int(2)]));
        d.set_pending(1, 7, Some(None));
        d.commit_pending(1, 7, 4, 3);
        assert_eq!(d.rows[&1].committed.len(), 2);
        d.forget_deleted(3);
        assert_eq!(d.rows.len(), 1);
        d.forget_deleted(4);
        assert!(d.rows.is_empty());
        d.set_pending(1, 7, Some(Some(vec![Value::Int(4)])));
        d.commit_pending(1, 7, 4, 4);
        d.set_pending(1, 7, Some(None));
        d.commit_pending(1, 7, 5, 5);
        assert!(d.rows.is_empty());
    }

    #[test]
    fn clearing_an_uncommitted_insert_removes_the_row() {
        let store = store();
        let mut d = store.data();
        assert_eq!(d.set_pending(3, 7, Some(Some(vec![]))), None);
        assert_eq!(d.set_pending(3, 7, None), Some(Some(vec![])));
        assert!(d.rows.is_empty());
    }
}
