//! One table: its definition and its rows, with the reads and writes the
//! executor makes through a [`Transaction`]. Transactional (InnoDB) tables
//! write uncommitted versions under exclusive row locks and read from the
//! transaction's snapshot; the others (MyISAM, Aria, MEMORY) change rows at
//! once, take no row locks and read the newest rows.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use super::auto_increment;
use super::locks::{LockKey, LockMode};
use super::rows::{RowData, RowId, RowStore};
use super::schema::TableDef;
use super::transaction::Transaction;
use super::unique::{self, Clash};
use super::wait::Wait;
use crate::error::ServerResult;
use crate::sql::value::Row;

/// Table ids, unique in the process, for row lock keys.
static NEXT_TABLE_ID: AtomicU64 = AtomicU64::new(1);

/// What an insert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inserted {
    pub id: RowId,
    /// The AUTO_INCREMENT value generated for NULL or 0, if any.
    pub generated: Option<u64>,
}

/// A base or temporary table.
#[derive(Debug)]
pub struct Table {
    def: RwLock<Arc<TableDef>>,
    store: Arc<RowStore>,
}

impl Table {
    /// A table for the catalog.
    pub(crate) fn new(def: TableDef) -> Arc<Table> {
        let id = NEXT_TABLE_ID.fetch_add(1, Ordering::SeqCst);
        let store = RowStore::new(id, &def);
        Arc::new(Table {
            def: RwLock::new(Arc::new(def)),
            store: Arc::new(store),
        })
    }

    /// A session's temporary table, kept by the session, not the catalog.
    pub fn new_temporary(def: TableDef) -> Arc<Table> {
        Table::new(TableDef {
            temporary: true,
            ..def
        })
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
        (self.store.table_id, id)
    }

    /// Consistent read: all rows `txn` sees, without locking or waiting.
    pub fn scan(&self, txn: &mut Transaction, wait: &Wait) -> ServerResult<Vec<(RowId, Row)>> {
        wait.kill.check()?;
        let snapshot = if self.store.transactional {
            Some(txn.read_view())
        } else {
            txn.touch();
            None
        };
        let horizon = txn.horizon();
        let mut data = self.store.data();
        data.forget_deleted(horizon);
        let rows = data
            .rows
            .iter()
            .filter_map(|(&id, v)| v.visible(txn.id(), snapshot).map(|r| (id, r.clone())))
            .collect();
        Ok(rows)
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

    /// Adds a row, filling AUTO_INCREMENT and checking unique keys.
    pub fn insert(
        &self,
        txn: &mut Transaction,
        mut row: Row,
        wait: &Wait,
    ) -> ServerResult<Inserted> {
        txn.touch();
        let def = self.def();
        let mut generated = None;
        let mut first = true;
        loop {
            let mut data = self.store.data();
            if first {
                generated = auto_increment::apply(&def, &mut data, &mut row);
                first = false;
            }
            match unique::check(&def, &mut data, txn.id(), &row, None) {
                Clash::None => {
                    let id = data.allocate_id();
                    self.write(txn, &mut data, id, Some(row));
                    return Ok(Inserted { id, generated });
                }
                Clash::Duplicate(e) => return Err(e),
                Clash::Uncommitted(other) => {
                    drop(data);
                    txn.lock(self.key(other), LockMode::Shared, wait)?;
                }
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
            match unique::check(&def, &mut data, txn.id(), &row, Some(id)) {
                Clash::None
                    if data
                        .rows
                        .get(&id)
                        .and_then(|v| v.visible(txn.id(), None))
                        .is_none() =>
                {
                    return Ok(());
                }
                Clash::None => {
                    if let Some(col) = def.columns.iter().position(|c| c.auto_increment) {
                        if let Some(v) = row.get(col) {
                            auto_increment::follow(&mut data, v);
                        }
                    }
                    self.write(txn, &mut data, id, Some(row));
                    return Ok(());
                }
                Clash::Duplicate(e) => return Err(e),
                Clash::Uncommitted(other) => {
                    drop(data);
                    txn.lock(self.key(other), LockMode::Shared, wait)?;
                }
            }
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
        if !self.store.transactional {
            data.write_now(id, row);
            txn.note_non_transactional_change();
            return;
        }
        if !data.rows.contains_key(&id) {
            txn.lock_new(self.key(id));
        }
        let before = data.set_pending(id, txn.id(), Some(row));
        txn.record_undo(&self.store, id, before);
    }

    /// TRUNCATE TABLE: drops every row and restarts AUTO_INCREMENT at 1.
    pub fn truncate(&self) {
        self.store.data().clear();
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
        let Some(col) = def.columns.iter().position(|c| c.auto_increment) else {
            return;
        };
        let values: Vec<_> = data
            .rows
            .values()
            .filter_map(|v| v.latest_committed().and_then(|r| r.get(col)).cloned())
            .collect();
        for v in &values {
            auto_increment::follow(&mut data, v);
        }
    }

    /// The value the next generated AUTO_INCREMENT takes.
    pub fn next_auto_increment(&self) -> u64 {
        self.store.data().auto_increment
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
