//! Where the executor meets a running program's names: a column reference
//! may be a local variable (locals come before columns, as in MariaDB) or
//! a trigger's `NEW.col` / `OLD.col`, and SET may assign either. Outside
//! programs every function here answers None and the executor goes on as
//! before.

use sqlparser::ast::Expr;

use super::interpreter::{convert, eval};
use super::state::{Frame, cannot_change_row};
use crate::error::ServerResult;
use crate::session::Session;
use crate::sql::value::Value;

/// The value of a name in an expression, if it is a local or NEW/OLD field.
pub fn read(session: &Session, qualifier: &[String], name: &str) -> Option<ServerResult<Value>> {
    match qualifier {
        [] => session.routines.local(name).map(Ok),
        [row] => session.routines.trigger_field(row, name),
        _ => None,
    }
}

/// SET `parts` = `value` for a local or a NEW field; None when `parts`
/// names neither (a user or system variable).
pub fn assign(
    session: &mut Session,
    parts: &[String],
    value: Option<&Expr>,
) -> Option<ServerResult<()>> {
    let frame = session.routines.frame()?;
    let is_target = match parts {
        [name] => frame.var(name).is_some(),
        [row, _] => {
            frame.trigger.is_some()
                && (row.eq_ignore_ascii_case("NEW") || row.eq_ignore_ascii_case("OLD"))
        }
        _ => false,
    };
    if !is_target {
        return None;
    }
    let value = match value {
        Some(expr) => eval(session, expr),
        None => Ok(Value::Null),
    };
    Some(value.and_then(|v| match parts {
        [name] => set_local(session, name, v).unwrap_or(Ok(())),
        [row, column] => set_trigger_field(session, row, column, v),
        _ => Ok(()),
    }))
}

/// Stores into the local `name`; None when there is no such local.
pub fn set_local(session: &mut Session, name: &str, value: Value) -> Option<ServerResult<()>> {
    let column = session.routines.frame()?.var(name)?.column.clone();
    Some(convert(session, value, &column).map(|converted| {
        if let Some(var) = session.routines.frame_mut().and_then(|f| f.var_mut(name)) {
            var.value = converted;
        }
    }))
}

/// `SET NEW.col = v` in a BEFORE trigger (1362 for OLD or AFTER).
fn set_trigger_field(
    session: &mut Session,
    row: &str,
    column: &str,
    value: Value,
) -> ServerResult<()> {
    let frame = session.routines.frame().expect("checked by assign");
    let rows = frame.trigger.as_ref().expect("checked by assign");
    let old = row.eq_ignore_ascii_case("OLD");
    if old || rows.timing == super::ast::Timing::After {
        return Err(cannot_change_row(old, rows.timing));
    }
    if rows.new.is_none() {
        return Err(super::state::no_such_row(false, rows.event));
    }
    let Some(index) = rows
        .columns
        .iter()
        .position(|c| c.name.eq_ignore_ascii_case(column))
    else {
        return Err(crate::sql::exec::errors::unknown_column(column, "NEW"));
    };
    let def = rows.columns[index].clone();
    let converted = convert(session, value, &def)?;
    if let Some(new) = trigger_new_row(session.routines.frame_mut()) {
        new[index] = converted;
    }
    Ok(())
}

fn trigger_new_row(frame: Option<&mut Frame>) -> Option<&mut Vec<Value>> {
    frame?.trigger.as_mut()?.new.as_mut()
}
