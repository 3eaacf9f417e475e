//! Logging a committed transaction: the transaction hands over the rows it
//! changed (after their versions were committed) and one `Changes` record
//! with each row's newest version and each table's AUTO_INCREMENT counter
//! goes to the log, so a crash keeps the commit whole or drops it whole.
//! A rollback logs the same way: its rows are unchanged, but InnoDB keeps
//! the AUTO_INCREMENT values it used up.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::persist_record::{Change, Record};
use super::rows::{RowData, RowId, RowStore};

/// Logs the committed state of the `changed` rows of logged tables, with
/// every table's rows locked (in table id order) until the record is out,
/// so records of one table come in the order its changes were made.
pub fn log_commit(changed: &[(&Arc<RowStore>, RowId)]) {
    let mut by_table: BTreeMap<u64, (&Arc<RowStore>, Vec<RowId>)> = BTreeMap::new();
    for &(store, id) in changed {
        if store.journal.get().is_some() {
            let entry = by_table
                .entry(store.table_id)
                .or_insert((store, Vec::new()));
            entry.1.push(id);
        }
    }
    let Some(journal) = by_table.values().find_map(|(s, _)| s.journal.get()) else {
        return;
    };
    let mut guards = Vec::new();
    let mut changes = Vec::new();
    for (table, (store, mut ids)) in by_table {
        ids.sort_unstable();
        ids.dedup();
        let data = store.data();
        table_changes(table, &data, &ids, &mut changes);
        guards.push(data);
    }
    journal.append(&Record::Changes(changes));
}

/// One table's part of the record: its rows' newest versions, its counter.
fn table_changes(table: u64, data: &RowData, ids: &[RowId], out: &mut Vec<Change>) {
    for &id in ids {
        let row = data.rows.get(&id).and_then(|v| v.latest_committed());
        out.push(match row {
            Some(row) => Change::Put {
                table,
                id,
                row: row.clone(),
            },
            None => Change::Delete { table, id },
        });
    }
    let next = data.auto_increment;
    out.push(Change::AutoIncrement { table, next });
}
