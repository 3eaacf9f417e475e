//! Finding the slave's row of a before image, as MariaDB does with
//! binlog_row_image=FULL: by PRIMARY KEY, else by a UNIQUE key whose
//! columns the image carries non-NULL, else by comparing every column the
//! image carries; the row found is locked exclusively. An image and the
//! target table enter; the row's id and newest values leave, or None.

use std::cmp::Ordering;

use super::apply::{Image, Target};
use super::convert;
use crate::error::ServerError;
use crate::session::Session;
use crate::sql::value::{Row, Value, compare_for_key};
use crate::storage::schema::{KeyKind, TableDef};
use crate::storage::{LockMode, RowId};

/// The before image's values per slave column (None: not carried).
fn probe(target: &Target<'_>, image: &Image) -> Vec<Option<Value>> {
    target
        .def
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            image
                .get(i)
                .cloned()
                .flatten()
                .map(|f| convert::value(f, column))
        })
        .collect()
}

/// The row of a before image, locked: by PRIMARY KEY, else a UNIQUE key
/// whose columns the image carries non-NULL, else by all carried columns.
pub(super) fn find(
    session: &mut Session,
    target: &Target<'_>,
    image: &Image,
) -> Result<Option<(RowId, Row)>, ServerError> {
    let probe = probe(target, image);
    let wait = target.waits.row();
    let Some(key) = usable_key(target.def, &probe) else {
        let rows = target.table.scan(&mut session.txn, &wait)?;
        for (id, row) in rows {
            if !matches(target.def, &probe, &row, None) {
                continue;
            }
            let latest = target
                .table
                .lock_row(&mut session.txn, id, LockMode::Exclusive, &wait)?;
            if let Some(latest) = latest.filter(|r| matches(target.def, &probe, r, None)) {
                return Ok(Some((id, latest)));
            }
        }
        return Ok(None);
    };
    let columns = &target.def.keys[key].columns;
    let values: Vec<Value> = columns
        .iter()
        .map(|&c| probe[c].clone().unwrap_or(Value::Null))
        .collect();
    let candidates = target.table.lookup_unique(key, &values).unwrap_or_default();
    for id in candidates {
        let latest = target
            .table
            .lock_row(&mut session.txn, id, LockMode::Exclusive, &wait)?;
        if let Some(row) = latest.filter(|r| matches(target.def, &probe, r, Some(columns))) {
            return Ok(Some((id, row)));
        }
    }
    Ok(None)
}

/// The PRIMARY KEY, else the first UNIQUE key, whose columns all have non-NULL probe values.
fn usable_key(def: &TableDef, probe: &[Option<Value>]) -> Option<usize> {
    let usable = |kind: KeyKind| {
        def.keys.iter().position(|k| {
            k.kind == kind
                && k.columns.iter().all(|&c| {
                    probe
                        .get(c)
                        .is_some_and(|v| v.as_ref().is_some_and(|v| !v.is_null()))
                })
        })
    };
    usable(KeyKind::Primary).or_else(|| usable(KeyKind::Unique))
}

/// Whether `row` has the probe's values in `only` (or in every carried column).
fn matches(def: &TableDef, probe: &[Option<Value>], row: &Row, only: Option<&Vec<usize>>) -> bool {
    let same = |c: usize| match (probe.get(c).cloned().flatten(), row.get(c)) {
        (None, _) => true,
        (Some(Value::Null), Some(Value::Null)) => true,
        (Some(Value::Null), _) | (_, Some(Value::Null)) | (_, None) => false,
        (Some(p), Some(v)) => compare_for_key(&p, v, &def.columns[c].ty) == Ordering::Equal,
    };
    match only {
        Some(columns) => columns.iter().all(|&c| same(c)),
        None => (0..def.columns.len()).all(same),
    }
}
