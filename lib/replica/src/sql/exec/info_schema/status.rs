//! SHOW [GLOBAL|SESSION] STATUS and information_schema.GLOBAL_STATUS /
//! SESSION_STATUS over the counters of `crate::status`.

use sqlparser::ast::ShowStatementFilter;

use crate::session::{Session, StatementResult};
use crate::sql::eval::like_text as like;
use crate::sql::value::{Row, Value};
use crate::status::{StatusScope, rows as status_rows};

/// GLOBAL_STATUS' and SESSION_STATUS' columns.
pub const COLUMNS: &[&str] = &["VARIABLE_NAME", "VARIABLE_VALUE"];

/// GLOBAL_STATUS / SESSION_STATUS rows: names in capitals.
pub fn rows(session: &Session, scope: StatusScope) -> Vec<Row> {
    status_rows(session, scope)
        .into_iter()
        .map(|(name, value)| vec![Value::text(&name.to_ascii_uppercase()), Value::text(&value)])
        .collect()
}

/// SHOW [GLOBAL|SESSION] STATUS [LIKE …].
pub fn show(
    session: &mut Session,
    filter: Option<&ShowStatementFilter>,
    global: bool,
) -> StatementResult {
    let pattern = super::super::show::like_filter(filter)?;
    let scope = if global {
        StatusScope::Global
    } else {
        StatusScope::Session
    };
    let list = status_rows(session, scope)
        .into_iter()
        .filter(|(name, _)| pattern.as_deref().is_none_or(|p| like(p, name)))
        .map(|(name, value)| vec![name, value])
        .collect();
    let names = ["Variable_name", "Value"];
    let list = super::super::show_where::filter(session, filter, &names, list)?;
    Ok(super::super::show::rows(&names, list))
}
