//! The row changes of the running statement, recorded for row-based
//! binary logging. The binary log switches recording on before a
//! statement it logs as rows; `Table` writes then note each row's before
//! and after image here (temporary tables excepted, as MariaDB logs none
//! of their rows); the binary log takes the list when the statement ends.

use std::sync::Arc;

use super::schema::TableDef;
use crate::sql::value::Row;

/// One row written: inserted (no before), deleted (no after) or updated.
#[derive(Debug, Clone, PartialEq)]
pub struct RowChange {
    /// Process-unique id of the table (see `Table::id`).
    pub table_id: u64,
    pub table: Arc<TableDef>,
    pub before: Option<Row>,
    pub after: Option<Row>,
}

/// The recorder: off unless the running statement is row-logged.
#[derive(Debug, Default)]
pub struct RowChanges {
    recording: bool,
    changes: Vec<RowChange>,
}

impl RowChanges {
    /// Starts a statement: records its changes when `on`, forgetting older ones.
    pub fn start(&mut self, on: bool) {
        self.recording = on;
        self.changes.clear();
    }

    pub fn is_recording(&self) -> bool {
        self.recording
    }

    /// Notes one written row, when recording and the table is logged.
    pub(crate) fn note(&mut self, change: impl FnOnce() -> RowChange, temporary: bool) {
        if self.recording && !temporary {
            self.changes.push(change());
        }
    }

    /// The statement's changes so far, in the order they were made; recording stops.
    pub fn take(&mut self) -> Vec<RowChange> {
        self.recording = false;
        std::mem::take(&mut self.changes)
    }
}
