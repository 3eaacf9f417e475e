//! AUTO_INCREMENT: NULL or 0 in the auto column takes the table's next
//! value; an explicit value at or above the counter moves it past. The
//! counter lives in the table's [`RowData`] and is never rolled back.

use super::rows::RowData;
use super::schema::TableDef;
use crate::sql::value::{Row, Value};

/// Fills or follows the auto column of `row`; returns the generated value.
pub fn apply(def: &TableDef, data: &mut RowData, row: &mut Row) -> Option<u64> {
    let col = def.columns.iter().position(|c| c.auto_increment)?;
    let slot = row.get_mut(col)?;
    if needs_value(slot) {
        let value = data.auto_increment;
        data.auto_increment = value.saturating_add(1);
        *slot = as_value(value);
        return Some(value);
    }
    follow(data, slot);
    None
}

/// Moves the counter past an explicit value (inserts and updates).
pub fn follow(data: &mut RowData, value: &Value) {
    let explicit = match value {
        Value::Int(i) if *i > 0 => *i as u64,
        Value::UInt(u) => *u,
        _ => return,
    };
    if explicit >= data.auto_increment {
        data.auto_increment = explicit.saturating_add(1);
    }
}

fn needs_value(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Int(0) | Value::UInt(0))
}

fn as_value(n: u64) -> Value {
    i64::try_from(n).map(Value::Int).unwrap_or(Value::UInt(n))
}
