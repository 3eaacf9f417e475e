//! Resolving the names of a statement: `t`, `db.t` against the current
//! database, and a session's temporary tables before the catalog's.

use std::sync::Arc;

use sqlparser::ast::ObjectName;

use super::errors::no_database_selected;
use crate::error::ServerResult;
use crate::session::Session;
use crate::storage::Table;

/// `(schema, table)` of a possibly qualified name.
pub fn qualified(session: &Session, name: &ObjectName) -> ServerResult<(String, String)> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| p.to_string().trim_matches('`').to_string())
        .collect();
    match parts.as_slice() {
        [table] => Ok((
            session.db.clone().ok_or_else(no_database_selected)?,
            table.clone(),
        )),
        [schema, table] => Ok((schema.clone(), table.clone())),
        _ => Ok((
            parts[parts.len() - 2].clone(),
            parts[parts.len() - 1].clone(),
        )),
    }
}

/// The table a name refers to: a temporary table of the session first.
pub fn open_table(session: &Session, schema: &str, table: &str) -> ServerResult<Arc<Table>> {
    if let Some(temp) = session.temp_table(schema, table) {
        return Ok(temp);
    }
    session.state.storage.table(schema, table)
}
