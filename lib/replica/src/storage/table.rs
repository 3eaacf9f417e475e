//! One table: its definition and its rows, with the reads and writes the
//! executor makes through a [`Transaction`]. Transactional (InnoDB) tables
//! write uncommitted versions under exclusive row locks and read from the
//! transaction's snapshot, and inserts wait for other transactions' locks
//! on their key values; the others (MyISAM, Aria, MEMORY) change rows at
//! once, take no locks and read the newest rows.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use super::auto_increment;
use super::key_lock;
use super::locks::{LockKey, LockMode};
use super::persist_record::{Change, Record};
use super::row_changes::RowChange;
use super::rows::{RowData, RowId, RowStore, RowVersions};
use super::schema::TableDef;
use super::transaction::Transaction;
use super::unique::{self, Clash};
use super::wait::Wait;
use crate::error::{ServerError, ServerResult};
use crate::sql::value::{Row, Value, compare_for_key};

/// Table ids, unique in the process, for row lock keys.
static NEXT_TABLE_ID: AtomicU64 = AtomicU64::new(1);

/// What an insert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inserted {
    pub id: RowId,
    /// The AUTO_INCREMENT value generated for NULL or 0, if any.
    pub generated: Option<u64>,
}

/// A row that clashed with an insert on a unique key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The existing row, now locked exclusively (transactional tables).
    pub id: RowId,
    /// The key's position in the table definition's `keys`.
    pub key: usize,
    /// The AUTO_INCREMENT value generated (and used up) by the attempt.
    pub generated: Option<u64>,
    /// The 1062 error a plain INSERT reports.
    pub error: ServerError,
}

/// What `insert_or_duplicate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    Inserted(Inserted),
    Duplicate(Duplicate),
}

/// A base or temporary table.
#[derive(Debug)]
pub struct Table {
    def: RwLock<Arc<TableDef>>,
    store: Arc<RowStore>,
    /// A non-transactional row changed since the table was made, truncated
    /// or last analyzed: MyISAM and Aria ANALYZE and OPTIMIZE have work.
    unanalyzed: AtomicBool,
    /// A non-transactional row was deleted since the last OPTIMIZE: it has
    /// space to reclaim even after an ANALYZE.
    fragmented: AtomicBool,
}

impl Table {
    /// A table for the catalog.
    pub(crate) fn new(def: TableDef) -> Arc<Table> {
        let id = NEXT_TABLE_ID.fetch_add(1, Ordering::SeqCst);
        let store = RowStore::new(id, &def);
        Arc::new(Table {
            def: RwLock::new(Arc::new(def)),
            store: Arc::new(store),
            unanalyzed: AtomicBool::new(false),
            fragmented: AtomicBool::new(false),
        })
    }

    /// A session's temporary table, kept by the session, not the catalog.
    pub fn new_temporary(def: TableDef) -> Arc<Table> {
        Table::new(TableDef {
            temporary: true,
            ..def
        })
    }

    /// ALTER TABLE: a new table of definition `def` holding this table's
    /// newest committed rows, each passed through `convert` (in scan order);
    /// 1062 when the new unique keys clash. The caller swaps it in.
    pub fn rebuilt(
        &self,
        def: TableDef,
        convert: &mut dyn FnMut(Row) -> ServerResult<Row>,
    ) -> ServerResult<Arc<Table>> {
        let rows = self.newest_rows();
        let next = self.next_auto_increment().max(def.auto_increment);
        let table = Table::new(TableDef {
            auto_increment: next,
            ..def
        });
        let def = table.def();
        let mut data = table.store.data();
        for row in rows {
            let mut row = convert(row)?;
            auto_increment::fill(&def, &mut data, &mut row, false);
            if let Clash::Duplicate { key, .. } = unique::check(&def, &mut data, 0, &row, None) {
                return Err(unique::duplicate(&def, &def.keys[key], &row));
            }
            auto_increment::follow_row(&def, &mut data, &row);
            let id = data.allocate_id(&row);
            data.write_now(id, Some(row));
        }
        drop(data);
        Ok(table)
    }

    /// The newest committed rows, in scan order.
    fn newest_rows(&self) -> Vec<Row> {
        let data = self.store.data();
        let mut rows: Vec<(RowId, Row)> = data
            .rows
            .iter()
            .filter_map(|(&id, v)| v.latest_committed().map(|r| (id, r.clone())))
            .collect();
        drop(data);
        if self.store.transactional {
            sort_clustered(&self.def(), &mut rows);
        }
        rows.into_iter().map(|(_, r)| r).collect()
    }

    /// Unique in the process; tells tables apart when names are reused.
    pub fn id(&self) -> u64 {
        self.store.table_id
    }

    pub fn def(&self) -> Arc<TableDef> {
        Arc::clone(&self.def.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Replaces the definition (RENAME TABLE).
    pub(crate) fn set_def(&self, def: TableDef) {
        *self.def.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(def);
    }

    fn key(&self, id: RowId) -> LockKey {
        LockKey::Row(self.store.table_id, id)
    }

    /// Consistent read: all rows `txn` sees, without locking or waiting, in
    /// the engine's order (InnoDB: clustered key; others: storage slots).
    pub fn scan(&self, txn: &mut Transaction, wait: &Wait) -> ServerResult<Vec<(RowId, Row)>> {
        wait.kill.check()?;
        let snapshot = if self.store.transactional {
            Some(txn.read_view())
        } else {
            txn.touch();
            None
        };
        let me = txn.id();
        Ok(self.rows_where(txn, |v| v.visible(me, snapshot)))
    }

    /// The rows a locking statement (UPDATE, DELETE, SELECT … FOR UPDATE)
    /// considers, as InnoDB's current read finds them: newest versions,
    /// including rows other transactions inserted and have not committed,
    /// so that [`Table::lock_row`] waits for them instead of missing them.
    pub fn scan_current(
        &self,
        txn: &mut Transaction,
        wait: &Wait,
    ) -> ServerResult<Vec<(RowId, Row)>> {
        if !self.store.transactional {
            return self.scan(txn, wait);
        }
        wait.kill.check()?;
        txn.touch();
        let me = txn.id();
        Ok(self.rows_where(txn, |v| v.current(me)))
    }

    /// Each row's version that `pick` chooses, in the engine's order.
    fn rows_where(
        &self,
        txn: &Transaction,
        pick: impl Fn(&super::rows::RowVersions) -> Option<&Row>,
    ) -> Vec<(RowId, Row)> {
        let horizon = txn.horizon();
        let mut data = self.store.data();
        data.forget_deleted(horizon);
        let mut rows: Vec<(RowId, Row)> = data
            .rows
            .iter()
            .filter_map(|(&id, v)| pick(v).map(|r| (id, r.clone())))
            .collect();
        drop(data);
        if self.store.transactional {
            sort_clustered(&self.def(), &mut rows);
        }
        rows
    }

    /// Locking read: waits for the row's lock, then returns its newest
    /// committed (or own) version; None when it is gone.
    pub fn lock_row(
        &self,
        txn: &mut Transaction,
        id: RowId,
        mode: LockMode,
        wait: &Wait,
    ) -> ServerResult<Option<Row>> {
        txn.touch();
        if self.store.transactional {
            txn.lock(self.key(id), mode, wait)?;
        }
        let data = self.store.data();
        Ok(data
            .rows
            .get(&id)
            .and_then(|v| v.visible(txn.id(), None))
            .cloned())
    }

    /// Current read of the whole table (UPDATE, DELETE, FOR UPDATE without
    /// a usable key): locks every row in `mode` in clustered-key order, as
    /// an InnoDB full scan does, and returns the newest versions.
    pub fn locking_scan(
        &self,
        txn: &mut Transaction,
        mode: LockMode,
        wait: &Wait,
    ) -> ServerResult<Vec<(RowId, Row)>> {
        txn.touch();
        let mut candidates: Vec<(RowId, Row)> = {
            let data = self.store.data();
            let newest = |v: &RowVersions| {
                let pending = v.pending.as_ref().and_then(|p| p.row.as_ref());
                pending.or(v.latest_committed()).cloned()
            };
            data.rows
                .iter()
                .filter_map(|(&id, v)| Some((id, newest(v)?)))
                .collect()
        };
        if self.store.transactional {
            sort_clustered(&self.def(), &mut candidates);
        }
        let mut rows = Vec::new();
        for (id, _) in candidates {
            if let Some(row) = self.lock_row(txn, id, mode, wait)? {
                rows.push((id, row));
            }
        }
        if self.store.transactional {
            sort_clustered(&self.def(), &mut rows);
        }
        Ok(rows)
    }

    /// Rows whose newest (committed or not) values of PRIMARY or UNIQUE key
    /// `key` (its position in `keys`) are `values`, to lock one by one;
    /// None when that key is not unique.
    pub fn lookup_unique(&self, key: usize, values: &[Value]) -> Option<Vec<RowId>> {
        let def = self.def();
        let probe = probe(&def, key, values)?;
        unique::lookup(&def, &self.store.data(), key, &probe)
    }

    /// For a statement that looks rows up by the value `values` (in their
    /// column types) of PRIMARY or UNIQUE key `key`: when no row has that
    /// value, committed or not, locks it so no other transaction inserts a
    /// row with it until this one ends (a row that has it is locked by the
    /// statement itself). Never waits; only InnoDB locks.
    pub fn lock_key_value(
        &self,
        txn: &mut Transaction,
        key: usize,
        values: &[Value],
        mode: LockMode,
        wait: &Wait,
    ) -> ServerResult<()> {
        if !self.store.transactional {
            return Ok(());
        }
        let def = self.def();
        let Some(row) = probe(&def, key, values) else {
            return Ok(());
        };
        let Some(lock) = key_lock::value_lock(self.store.table_id, &def, key, &row) else {
            return Ok(());
        };
        txn.touch();
        // Looked up and locked with the row data held, as inserts check.
        let data = self.store.data();
        if unique::lookup(&def, &data, key, &row).is_some_and(|ids| ids.is_empty()) {
            txn.lock(lock, mode, wait)?;
        }
        Ok(())
    }

    /// The key-value locks an insert of `row` must not meet held by others.
    fn insert_locks(&self, def: &TableDef, row: &Row) -> Vec<LockKey> {
        if !self.store.transactional {
            return Vec::new();
        }
        key_lock::row_value_locks(self.store.table_id, def, row)
    }

    /// The key values row `id` gets from `row` that it does not have now.
    fn new_key_locks(
        &self,
        (def, data): (&TableDef, &RowData),
        txn: &Transaction,
        id: RowId,
        row: &Row,
    ) -> Vec<LockKey> {
        let wanted = self.insert_locks(def, row);
        if wanted.is_empty() {
            return wanted;
        }
        let old = data.rows.get(&id).and_then(|v| v.visible(txn.id(), None));
        let had = old
            .map(|old| self.insert_locks(def, old))
            .unwrap_or_default();
        wanted.into_iter().filter(|k| !had.contains(k)).collect()
    }

    /// Adds a row, filling AUTO_INCREMENT and checking unique keys (1062).
    pub fn insert(&self, txn: &mut Transaction, row: Row, wait: &Wait) -> ServerResult<Inserted> {
        match self.insert_with(txn, row, LockMode::Shared, wait)? {
            InsertOutcome::Inserted(done) => Ok(done),
            InsertOutcome::Duplicate(dup) => Err(dup.error),
        }
    }

    /// For REPLACE and INSERT … ON DUPLICATE KEY UPDATE: adds the row, or
    /// locks the clashing row exclusively and names it instead of failing.
    pub fn insert_or_duplicate(
        &self,
        txn: &mut Transaction,
        row: Row,
        wait: &Wait,
    ) -> ServerResult<InsertOutcome> {
        self.insert_with(txn, row, LockMode::Exclusive, wait)
    }

    /// Inserts, locking clashing rows in `mode` as InnoDB does before it
    /// reports (or, for REPLACE, resolves) a duplicate.
    fn insert_with(
        &self,
        txn: &mut Transaction,
        mut row: Row,
        mode: LockMode,
        wait: &Wait,
    ) -> ServerResult<InsertOutcome> {
        txn.touch();
        let def = self.def();
        let use_up = self.store.transactional;
        let generated = auto_increment::fill(&def, &mut self.store.data(), &mut row, use_up);
        let keys = self.insert_locks(&def, &row);
        loop {
            let mut data = self.store.data();
            let clash = unique::check(&def, &mut data, txn.id(), &row, None);
            if clash == Clash::None {
                // Checked with the row data held, so no lock comes between.
                if txn.insert_blocked(&keys) {
                    drop(data);
                    txn.wait_to_insert(&keys, wait)?;
                    continue;
                }
                auto_increment::follow_row(&def, &mut data, &row);
                let id = data.allocate_id(&row);
                self.write(txn, &mut data, id, Some(row));
                return Ok(InsertOutcome::Inserted(Inserted { id, generated }));
            }
            drop(data);
            if let Some((id, key)) = self.settle(txn, clash, mode, wait)? {
                let error = unique::duplicate(&def, &def.keys[key], &row);
                return Ok(InsertOutcome::Duplicate(Duplicate {
                    id,
                    key,
                    generated,
                    error,
                }));
            }
        }
    }

    /// Replaces row `id` (locking it first), checking unique keys; a row
    /// gone by then is left alone.
    pub fn update(
        &self,
        txn: &mut Transaction,
        id: RowId,
        row: Row,
        wait: &Wait,
    ) -> ServerResult<()> {
        txn.touch();
        let def = self.def();
        if self.store.transactional {
            txn.lock(self.key(id), LockMode::Exclusive, wait)?;
        }
        loop {
            let mut data = self.store.data();
            let clash = unique::check(&def, &mut data, txn.id(), &row, Some(id));
            if clash == Clash::None {
                let keys = self.new_key_locks((&def, &data), txn, id, &row);
                if txn.insert_blocked(&keys) {
                    drop(data);
                    txn.wait_to_insert(&keys, wait)?;
                    continue;
                }
                self.replace(txn, &def, &mut data, id, row);
                return Ok(());
            }
            drop(data);
            if let Some((_, key)) = self.settle(txn, clash, LockMode::Shared, wait)? {
                return Err(unique::duplicate(&def, &def.keys[key], &row));
            }
        }
    }

    /// Writes the new version of an existing row; a row gone is left alone.
    fn replace(
        &self,
        txn: &mut Transaction,
        def: &TableDef,
        data: &mut RowData,
        id: RowId,
        row: Row,
    ) {
        if data
            .rows
            .get(&id)
            .and_then(|v| v.visible(txn.id(), None))
            .is_none()
        {
            return;
        }
        auto_increment::follow_row(def, data, &row);
        self.write(txn, data, id, Some(row));
    }

    /// Waits for the lock of a clashing row (None: check again), or gives
    /// the duplicate `(row, key)` once it is locked or needs no lock.
    fn settle(
        &self,
        txn: &mut Transaction,
        clash: Clash,
        mode: LockMode,
        wait: &Wait,
    ) -> ServerResult<Option<(RowId, usize)>> {
        match clash {
            Clash::Duplicate { id, key }
                if !self.store.transactional || txn.holds(self.key(id), mode) =>
            {
                Ok(Some((id, key)))
            }
            Clash::Duplicate { id, .. } | Clash::Uncommitted(id) => {
                txn.lock(self.key(id), mode, wait)?;
                Ok(None)
            }
            Clash::None => Ok(None),
        }
    }

    /// Removes row `id`, locking it first.
    pub fn delete(&self, txn: &mut Transaction, id: RowId, wait: &Wait) -> ServerResult<()> {
        txn.touch();
        if self.store.transactional {
            txn.lock(self.key(id), LockMode::Exclusive, wait)?;
        }
        let mut data = self.store.data();
        self.write(txn, &mut data, id, None);
        Ok(())
    }

    /// Writes one row version the engine's way: pending with undo and a
    /// lock (transactional), or at once (others).
    fn write(&self, txn: &mut Transaction, data: &mut RowData, id: RowId, row: Option<Row>) {
        if txn.row_changes.is_recording() {
            self.note_change(txn, data, id, &row);
        }
        if !self.store.transactional {
            self.store
                .log(|| non_transactional_change(&self.store, data, id, &row));
            if row.is_none() {
                self.fragmented.store(true, Ordering::Relaxed);
            }
            data.write_now(id, row);
            self.unanalyzed.store(true, Ordering::Relaxed);
            txn.note_non_transactional_change();
            return;
        }
        if !data.rows.contains_key(&id) {
            txn.lock_new(self.key(id));
        }
        let before = data.set_pending(id, txn.id(), Some(row));
        txn.record_undo(&self.store, id, before);
    }

    /// Records the row's before and after images for row-based logging.
    fn note_change(&self, txn: &mut Transaction, data: &RowData, id: RowId, row: &Option<Row>) {
        let before = data
            .rows
            .get(&id)
            .and_then(|v| v.visible(txn.id(), None))
            .cloned();
        let def = self.def();
        let temporary = def.temporary;
        let change = || RowChange {
            table_id: self.store.table_id,
            table: def,
            before,
            after: row.clone(),
        };
        txn.row_changes.note(change, temporary);
    }

    /// TRUNCATE TABLE: drops every row and restarts AUTO_INCREMENT at 1.
    pub fn truncate(&self) {
        let mut data = self.store.data();
        data.clear();
        self.unanalyzed.store(false, Ordering::Relaxed);
        self.fragmented.store(false, Ordering::Relaxed);
        self.store.log(|| Record::Truncate {
            table: self.store.table_id,
        });
    }

    /// OPTIMIZE TABLE of a MyISAM or Aria table: whether it had work (MariaDB's
    /// "OK"), now marking the table optimized and analyzed.
    pub fn optimize(&self) -> bool {
        let fragmented = self.fragmented.swap(false, Ordering::Relaxed);
        self.unanalyzed.swap(false, Ordering::Relaxed) | fragmented
    }

    /// ANALYZE TABLE of a MyISAM or Aria table: whether rows changed since
    /// the last ANALYZE or OPTIMIZE, now marking the table analyzed.
    pub fn analyze(&self) -> bool {
        self.unanalyzed.swap(false, Ordering::Relaxed)
    }

    /// The rows and counters, for persistence.
    pub(super) fn store(&self) -> &Arc<RowStore> {
        &self.store
    }

    /// Rows in the newest committed state (SHOW TABLE STATUS, COUNT hints).
    pub fn row_count(&self) -> u64 {
        let data = self.store.data();
        data.rows
            .values()
            .filter(|v| v.latest_committed().is_some())
            .count() as u64
    }

    /// ALTER TABLE … AUTO_INCREMENT=n: never at or below a value in use.
    pub fn set_auto_increment(&self, next: u64) {
        let def = self.def();
        let mut data = self.store.data();
        data.auto_increment = next.max(1);
        let rows: Vec<Row> = data
            .rows
            .values()
            .filter_map(|v| v.latest_committed().cloned())
            .collect();
        for row in &rows {
            auto_increment::follow_row(&def, &mut data, row);
        }
        let next = data.auto_increment;
        self.store.log(|| {
            let table = self.store.table_id;
            Record::Changes(vec![Change::AutoIncrement { table, next }])
        });
    }

    /// The value the next generated AUTO_INCREMENT takes.
    pub fn next_auto_increment(&self) -> u64 {
        self.store.data().auto_increment
    }
}

/// The log record of a MyISAM/Aria write, made as it happens.
fn non_transactional_change(
    store: &RowStore,
    data: &RowData,
    id: RowId,
    row: &Option<Row>,
) -> Record {
    let table = store.table_id;
    let change = match row {
        Some(row) => Change::Put {
            table,
            id,
            row: row.clone(),
        },
        None => Change::Delete { table, id },
    };
    let next = data.auto_increment;
    Record::Changes(vec![change, Change::AutoIncrement { table, next }])
}

/// A row with `values` in the columns of key `key`, NULL elsewhere.
fn probe(def: &TableDef, key: usize, values: &[Value]) -> Option<Row> {
    let mut row = vec![Value::Null; def.columns.len()];
    for (&c, v) in def.keys.get(key)?.columns.iter().zip(values) {
        *row.get_mut(c)? = v.clone();
    }
    Some(row)
}

/// Puts rows in the order of InnoDB's clustered index (insertion order
/// when the table has no suitable key).
fn sort_clustered(def: &TableDef, rows: &mut [(RowId, Row)]) {
    let Some(key) = def.clustered_key() else {
        return;
    };
    rows.sort_by(|(_, a), (_, b)| {
        key.columns
            .iter()
            .map(|&c| match (a.get(c), b.get(c), def.columns.get(c)) {
                (Some(x), Some(y), Some(col)) => compare_for_key(x, y, &col.ty),
                _ => std::cmp::Ordering::Equal,
            })
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
