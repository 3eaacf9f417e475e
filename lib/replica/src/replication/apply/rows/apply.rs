//! Applying a rows event in the SQL thread's session, inside the group's
//! transaction: the table map names the slave's table, whose columns must
//! match the master's types; Write_rows inserts each after image (slave
//! columns the master lacks get their defaults), Update_rows and
//! Delete_rows find each before image's row by PRIMARY KEY, else a UNIQUE
//! key, else by comparing every column the image carries. No triggers
//! fire (slave_run_triggers_for_rbr=NO). The event enters; changed rows
//! or a [`GroupError`] with MariaDB's texts (1032, 1062, 1146, 1677, 1594)
//! leave.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use super::Reader;
use super::convert;
use super::event::{RowsEvent, RowsKind, STMT_END};
use super::image::{Field, ImageError, read_image};
use super::table_map::TableMap;
use super::types;
use crate::error::ServerError;
use crate::replication::apply::applier::GroupError;
use crate::replication::apply::decode::Header;
use crate::replication::apply::errors::{SqlFailure, relay_read_failure};
use crate::session::{Session, not_supported};
use crate::sql::exec::names::open_table;
use crate::sql::exec::waits::Waits;
use crate::sql::value::{Row, Temporal, Value, compare_for_key};
use crate::storage::schema::{ColumnDefault, KeyKind, TableDef};
use crate::storage::{LockMode, RowId, Table};

/// One image: per master column, its field if the image carries it.
type Image = Vec<Option<Field>>;

/// The table maps of the running statement, by table id.
#[derive(Debug, Default)]
pub struct TableMaps(HashMap<u64, TableMap>);

impl TableMaps {
    pub fn insert(&mut self, map: TableMap) {
        self.0.insert(map.table_id, map);
    }
}

/// Applies one rows event; the statement's last one forgets the table maps.
pub fn apply(
    session: &mut Session,
    maps: &mut TableMaps,
    header: &Header,
    event: &RowsEvent,
) -> Result<(), GroupError> {
    let result = apply_event(session, maps, header, event);
    if event.flags & STMT_END != 0 {
        maps.0.clear();
    }
    result
}

fn apply_event(
    session: &mut Session,
    maps: &TableMaps,
    header: &Header,
    event: &RowsEvent,
) -> Result<(), GroupError> {
    if session.state.binlog.is_some() && session.vars.sql_log_bin() {
        return Err(failed(not_supported(
            "logging applied row events (log_slave_updates with row events)",
        )));
    }
    let map = maps
        .0
        .get(&event.table_id)
        .ok_or_else(|| GroupError::Failed(relay_read_failure()))?;
    let table = open_table(session, &map.db, &map.table).map_err(|e| {
        GroupError::Failed(SqlFailure {
            code: u32::from(e.code),
            text: format!("Error executing row event: '{}'", e.message),
            cause: Some(e),
        })
    })?;
    let def = table.def();
    types::check(&def, &map.columns).map_err(|e| {
        GroupError::Failed(SqlFailure {
            code: u32::from(e.code),
            text: e.message,
            cause: None,
        })
    })?;
    let rows = images(map, event)?;
    let waits = Waits::of(session);
    let _intent = waits
        .write_intent()
        .map_err(|e| row_error(event, map, header, e))?;
    let target = Target {
        table: &table,
        def: &def,
        waits: &waits,
        timestamp: header.timestamp,
    };
    for (before, after) in rows {
        apply_row(session, &target, event.kind, before, after)
            .map_err(|e| row_error(event, map, header, e))?;
    }
    Ok(())
}

/// The slave table a rows event changes, and how to wait for its locks.
struct Target<'a> {
    table: &'a Arc<Table>,
    def: &'a TableDef,
    waits: &'a Waits,
    /// The event's time, for CURRENT_TIMESTAMP defaults of slave-only columns.
    timestamp: u32,
}

/// Every row of the event: its image, and an update's after image.
fn images(map: &TableMap, event: &RowsEvent) -> Result<Vec<(Image, Image)>, GroupError> {
    let columns = map.columns.get(..event.width).ok_or_else(corrupt)?;
    let mut r = Reader::new(&event.rows);
    let mut rows = Vec::new();
    while !r.is_empty() {
        let first = read_image(&mut r, columns, &event.present).map_err(image_error)?;
        let second = match event.kind {
            RowsKind::Update => {
                read_image(&mut r, columns, &event.present_after).map_err(image_error)?
            }
            _ => Vec::new(),
        };
        rows.push((first, second));
    }
    Ok(rows)
}

fn corrupt() -> GroupError {
    GroupError::Failed(relay_read_failure())
}

fn image_error(e: ImageError) -> GroupError {
    match e {
        ImageError::Malformed => corrupt(),
        ImageError::Unsupported(code) => failed(not_supported(&format!(
            "applying row events with columns of binlog type {code}"
        ))),
    }
}

fn failed(error: ServerError) -> GroupError {
    GroupError::Failed(SqlFailure {
        code: u32::from(error.code),
        text: error.message.clone(),
        cause: Some(error),
    })
}

fn row_error(event: &RowsEvent, map: &TableMap, header: &Header, error: ServerError) -> GroupError {
    GroupError::Row {
        error,
        event: event.code,
        table: format!("{}.{}", map.db, map.table),
        log_pos: header.log_pos,
    }
}

/// One row: insert the image, or find the before image's row and change it.
fn apply_row(
    session: &mut Session,
    target: &Target<'_>,
    kind: RowsKind,
    image: Image,
    after: Image,
) -> Result<(), ServerError> {
    let wait = target.waits.row();
    if kind == RowsKind::Write {
        let row = slave_row(target, &image, None);
        return target
            .table
            .insert(&mut session.txn, row, &wait)
            .map(|_| ());
    }
    let Some((id, old)) = find(session, target, &image)? else {
        return Err(ServerError::new(
            1032,
            "HY000",
            format!("Can't find record in '{}'", target.def.name),
        ));
    };
    if kind == RowsKind::Delete {
        return target.table.delete(&mut session.txn, id, &wait);
    }
    let new = slave_row(target, &after, Some(&old));
    if new == old {
        return Ok(());
    }
    target.table.update(&mut session.txn, id, new, &wait)
}

/// The slave's row for an image: its fields, else `base`'s values, else defaults.
fn slave_row(target: &Target<'_>, image: &Image, base: Option<&Row>) -> Row {
    target
        .def
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| match image.get(i) {
            Some(Some(field)) => convert::value(field.clone(), column),
            _ => match base {
                Some(row) => row.get(i).cloned().unwrap_or(Value::Null),
                None => default_value(column, target.timestamp),
            },
        })
        .collect()
}

/// The value a slave-only column gets on insert.
fn default_value(column: &crate::storage::schema::ColumnDef, timestamp: u32) -> Value {
    match &column.default {
        Some(ColumnDefault::Value(v)) => v.clone(),
        Some(ColumnDefault::CurrentTimestamp) => {
            Value::Temporal(Temporal::from_seconds(i64::from(timestamp), 0, 0))
        }
        None if column.nullable => Value::Null,
        None => column.zero_value(),
    }
}

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
fn find(
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
