//! Applying a rows event in the SQL thread's session, inside the group's
//! transaction: the table map names the slave's table, whose columns must
//! match the master's types; Write_rows inserts each after image (slave
//! columns the master lacks get their defaults), Update_rows and
//! Delete_rows find each before image's row (`lookup`) and change it. No
//! triggers fire (slave_run_triggers_for_rbr=NO). With
//! slave_exec_mode=IDEMPOTENT a duplicate insert replaces the clashing row
//! and a missing row is passed over, as MariaDB does. With
//! log_slave_updates the statement's changed rows are logged again as row
//! events when its last rows event has applied. The event enters;
//! changed rows or a [`GroupError`] with MariaDB's texts (1032, 1062,
//! 1146, 1677, 1594) leave.

use std::collections::HashMap;
use std::sync::Arc;

use super::Reader;
use super::convert;
use super::event::{RowsEvent, RowsKind, STMT_END};
use super::image::{Field, ImageError, read_image};
use super::lookup::find;
use super::table_map::TableMap;
use super::types;
use crate::error::ServerError;
use crate::replication::apply::applier::GroupError;
use crate::replication::apply::decode::Header;
use crate::replication::apply::errors::{SqlFailure, relay_read_failure};
use crate::session::{Session, not_supported};
use crate::sql::exec::names::open_table;
use crate::sql::exec::waits::Waits;
use crate::sql::value::{Row, Temporal, Value};
use crate::storage::schema::{ColumnDefault, TableDef};
use crate::storage::{InsertOutcome, Table};

/// One image: per master column, its field if the image carries it.
pub(super) type Image = Vec<Option<Field>>;

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
    if !session.txn.row_changes.is_recording() {
        session.txn.row_changes.start(true);
    }
    let result = apply_event(session, maps, header, event);
    if result.is_err() {
        session.txn.row_changes.take();
    }
    if event.flags & STMT_END != 0 {
        maps.0.clear();
        let changes = session.txn.row_changes.take();
        if result.is_ok() {
            crate::binlog::hook::log_applied_rows(session, &changes).map_err(failed)?;
        }
    }
    result
}

fn apply_event(
    session: &mut Session,
    maps: &TableMaps,
    header: &Header,
    event: &RowsEvent,
) -> Result<(), GroupError> {
    let map = maps
        .0
        .get(&event.table_id)
        .ok_or_else(|| GroupError::Failed(relay_read_failure()))?;
    let table = open_checked(session, map)?;
    let def = table.def();
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
        idempotent: is_idempotent(session),
    };
    for (before, after) in rows {
        apply_row(session, &target, event.kind, before, after)
            .map_err(|e| row_error(event, map, header, e))?;
    }
    Ok(())
}

/// The slave's table of a map (1146 as a row-event error), its columns
/// checked against the master's (1677).
fn open_checked(session: &Session, map: &TableMap) -> Result<Arc<Table>, GroupError> {
    let table = open_table(session, &map.db, &map.table).map_err(|e| {
        GroupError::Failed(SqlFailure {
            code: u32::from(e.code),
            text: format!("Error executing row event: '{}'", e.message),
            cause: Some(e),
        })
    })?;
    types::check(&table.def(), &map.columns).map_err(|e| {
        GroupError::Failed(SqlFailure {
            code: u32::from(e.code),
            text: e.message,
            cause: None,
        })
    })?;
    Ok(table)
}

/// slave_exec_mode=IDEMPOTENT.
fn is_idempotent(session: &Session) -> bool {
    session
        .state
        .globals
        .global("slave_exec_mode")
        .is_some_and(|m| m.as_text().eq_ignore_ascii_case("IDEMPOTENT"))
}

/// The slave table a rows event changes, and how to wait for its locks.
pub(super) struct Target<'a> {
    pub table: &'a Arc<Table>,
    pub def: &'a TableDef,
    pub waits: &'a Waits,
    /// The event's time, for CURRENT_TIMESTAMP defaults of slave-only columns.
    pub timestamp: u32,
    /// slave_exec_mode=IDEMPOTENT.
    pub idempotent: bool,
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
        return insert(session, target, slave_row(target, &image, None));
    }
    let Some((id, old)) = find(session, target, &image)? else {
        if target.idempotent {
            return Ok(());
        }
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

/// Inserts a row; in IDEMPOTENT mode a row it clashes with gives way.
fn insert(session: &mut Session, target: &Target<'_>, row: Row) -> Result<(), ServerError> {
    let wait = target.waits.row();
    if !target.idempotent {
        return target
            .table
            .insert(&mut session.txn, row, &wait)
            .map(|_| ());
    }
    // Each round removes one clashing row; there are at most as many as unique keys.
    for _ in 0..=target.def.keys.len() {
        match target
            .table
            .insert_or_duplicate(&mut session.txn, row.clone(), &wait)?
        {
            InsertOutcome::Inserted(_) => return Ok(()),
            InsertOutcome::Duplicate(dup) => {
                target.table.delete(&mut session.txn, dup.id, &wait)?
            }
        }
    }
    target
        .table
        .insert(&mut session.txn, row, &wait)
        .map(|_| ())
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
        // An expression default is not evaluated here yet: as if there were none.
        Some(ColumnDefault::Expr(_)) | None if column.nullable => Value::Null,
        Some(ColumnDefault::Expr(_)) | None => column.zero_value(),
    }
}
