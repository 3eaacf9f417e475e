//! AUTO_INCREMENT: NULL or 0 in the auto column takes the table's next
//! value; a stored row moves the counter past its value. The counter lives
//! in the table's [`RowData`] and is never rolled back. A failed insert
//! leaves it alone, except that InnoDB uses up a generated value.

use super::rows::RowData;
use super::schema::TableDef;
use crate::sql::value::{Row, Value};

/// Fills the auto column of `row` when it is NULL or 0, returning the
/// value; `use_up` (InnoDB) moves the counter at once.
pub fn fill(def: &TableDef, data: &mut RowData, row: &mut Row, use_up: bool) -> Option<u64> {
    let slot = auto_column(def).and_then(|c| row.get_mut(c))?;
    if !matches!(slot, Value::Null | Value::Int(0) | Value::UInt(0)) {
        return None;
    }
    let value = data.auto_increment;
    if use_up {
        data.auto_increment = value.saturating_add(1);
    }
    *slot = i64::try_from(value)
        .map(Value::Int)
        .unwrap_or(Value::UInt(value));
    Some(value)
}

/// Moves the counter past the auto column's value of a stored row.
pub fn follow_row(def: &TableDef, data: &mut RowData, row: &Row) {
    if let Some(v) = auto_column(def).and_then(|c| row.get(c)) {
        follow(data, v);
    }
}

/// Moves the counter past `value` when it is at or above it.
pub fn follow(data: &mut RowData, value: &Value) {
    let stored = match value {
        Value::Int(i) if *i > 0 => *i as u64,
        Value::UInt(u) => *u,
        _ => return,
    };
    if stored >= data.auto_increment {
        data.auto_increment = stored.saturating_add(1);
    }
}

fn auto_column(def: &TableDef) -> Option<usize> {
    def.columns.iter().position(|c| c.auto_increment)
}
