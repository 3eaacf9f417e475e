//! Uniqueness of PRIMARY and UNIQUE keys. A candidate row is checked
//! against the newest version of every other row, uncommitted ones
//! included: a clash with another transaction's uncommitted change means
//! waiting for that row's lock and checking again; a clash with a committed
//! row or one's own change is a duplicate (1062). NULLs never clash. The
//! key's index gives the rows to look at.

use std::cmp::Ordering;

use super::errors;
use super::key_text::key_entry;
use super::rows::{RowData, RowId, RowVersions};
use super::schema::{KeyDef, TableDef};
use crate::error::ServerError;
use crate::sql::value::{Row, compare_for_key};

/// The outcome of a uniqueness check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    None,
    /// Row `id`, committed or this transaction's own, has the same value of
    /// key `key` (a position in the definition's `keys`).
    Duplicate {
        id: RowId,
        key: usize,
    },
    /// Another transaction's uncommitted change to this row may clash.
    Uncommitted(RowId),
}

/// Checks `row` (to become row `own`, if it exists) for `txn`.
pub fn check(def: &TableDef, data: &mut RowData, txn: u64, row: &Row, own: Option<RowId>) -> Clash {
    for i in 0..data.indexes.len() {
        let key_pos = data.indexes[i].key;
        let key = &def.keys[key_pos];
        let mut stale = Vec::new();
        let mut found = Clash::None;
        for id in data.indexes[i].candidates(row) {
            let Some(versions) = data.rows.get(&id).filter(|_| Some(id) != own) else {
                stale.extend(Some(id).filter(|&id| Some(id) != own));
                continue;
            };
            if !has_key(def, key, row, versions) {
                stale.push(id);
                continue;
            }
            found = if versions.pending_owner_other_than(txn).is_some() {
                Clash::Uncommitted(id)
            } else if versions
                .visible(txn, None)
                .is_some_and(|other| same_key(def, key, row, other))
            {
                Clash::Duplicate { id, key: key_pos }
            } else {
                Clash::None
            };
            if found != Clash::None {
                break;
            }
        }
        for id in stale {
            data.indexes[i].forget(id, row);
        }
        if found != Clash::None {
            return found;
        }
    }
    Clash::None
}

/// Rows whose newest committed or uncommitted version has `row`'s value of
/// key `key`; None when `key` is not a PRIMARY or UNIQUE key.
pub fn lookup(def: &TableDef, data: &RowData, key: usize, row: &Row) -> Option<Vec<RowId>> {
    let index = data.indexes.iter().find(|i| i.key == key)?;
    let ids = index.candidates(row).into_iter().filter(|id| {
        data.rows
            .get(id)
            .is_some_and(|v| has_key(def, &def.keys[key], row, v))
    });
    Some(ids.collect())
}

/// Whether the row's newest committed or uncommitted version has `row`'s key.
fn has_key(def: &TableDef, key: &KeyDef, row: &Row, versions: &RowVersions) -> bool {
    let pending = versions.pending.as_ref().and_then(|p| p.row.as_ref());
    [pending, versions.latest_committed()]
        .into_iter()
        .flatten()
        .any(|other| same_key(def, key, row, other))
}

fn same_key(def: &TableDef, key: &KeyDef, a: &Row, b: &Row) -> bool {
    key.columns.iter().all(|&c| match (a.get(c), b.get(c)) {
        (Some(x), Some(y)) if !x.is_null() && !y.is_null() => {
            compare_for_key(x, y, &def.columns[c].ty) == Ordering::Equal
        }
        _ => false,
    })
}

/// The 1062 error for `row`'s values of `key`.
pub fn duplicate(def: &TableDef, key: &KeyDef, row: &Row) -> ServerError {
    let values: Vec<_> = key
        .columns
        .iter()
        .filter_map(|&c| Some((row.get(c)?, &def.columns.get(c)?.ty)))
        .collect();
    errors::duplicate_entry(&key_entry(&values), &key.name)
}
